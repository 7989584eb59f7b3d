"""Bulk import of DIP rows (F49) from the XLSX template: every row is validated and
reported before anything is written; an accepted import writes all rows or none."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from ppid.core.models import Event
from ppid.registry import importer, services
from ppid.registry.models import ImportJob, InformationItem
from ppid.registry.tasks import run_import

from .test_backoffice import _client


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _row(**overrides) -> list:
    values = dict(zip(importer.HEADERS, importer.EXAMPLE, strict=True))
    values.update(overrides)
    return [values[h] for h in importer.HEADERS]


def _xlsx(rows, headers=None, name="dip.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers or importer.HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_the_template_has_drop_downs_and_a_valid_example_row():
    workbook = load_workbook(io.BytesIO(importer.build_template()))
    sheet = workbook["dip"]
    formulas = {v.formula1 for v in sheet.data_validations.dataValidation}
    assert "=pilihan!$A$1:$A$3" in formulas  # category
    assert "=pilihan!$B$1:$B$2" in formulas  # ya / tidak
    assert workbook["pilihan"].sheet_state == "hidden"
    result = importer.parse_workbook(io.BytesIO(importer.build_template()))
    assert result.errors == []
    assert result.rows[0]["category"] == "berkala"


def test_bad_rows_are_reported_by_row_number_and_nothing_is_written(officer_a, office_a):
    upload = _xlsx(
        [
            _row(),  # row 2: fine
            _row(kategori="rahasia"),  # row 3
            _row(tahun=1800),  # row 4
            _row(judul=""),  # row 5
            _row(softcopy="mungkin"),  # row 6
            _row(softcopy="tidak", hardcopy="tidak"),  # row 7
            _row(tahun="dua ribu"),  # row 8
        ]
    )
    job = services.import_job_create(user=officer_a, office=office_a, upload=upload)
    assert job.status == ImportJob.Status.INVALID
    problems = {(e["row"], e["column"]) for e in job.errors}
    assert problems == {
        (3, "kategori"), (4, "tahun"), (5, "judul"), (6, "softcopy"), (7, "softcopy"),
        (8, "tahun"),
    }  # fmt: skip
    assert job.rows == []
    assert not InformationItem.objects.exists()


def test_the_error_report_is_shown_before_anything_is_written(officer_a, office_a):
    response = _client(officer_a).post(
        reverse("registry_admin:import_start"),
        {"office": office_a.pk, "file": _xlsx([_row(), _row(kategori="x")])},
    )
    assert response.status_code == 302
    page = _client(officer_a).get(response["Location"])
    assert page.status_code == 200
    assert b"<td>3</td>" in page.content and b"kategori" in page.content
    assert b"import_confirm" not in page.content and b"/confirm/" not in page.content
    assert not InformationItem.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("dip.pdf", b"%PDF-1.4\n%%EOF\n", "XLSX"),
        ("dip.xlsx", b"%PDF-1.4\n%%EOF\n", "(.xlsx)"),
        ("dip.xlsx", b"", ""),
    ],
    ids=["pdf", "pdf-named-xlsx", "empty"],
)
def test_a_file_that_is_not_an_xlsx_workbook_is_refused(
    officer_a, office_a, name, content, message
):
    response = _client(officer_a).post(
        reverse("registry_admin:import_start"),
        {"office": office_a.pk, "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert message in " ".join(response.context["form"].errors["file"])
    assert not ImportJob.objects.exists()


def test_a_sheet_without_the_template_headers_is_refused(officer_a, office_a):
    with pytest.raises(ValidationError) as caught:
        services.import_job_create(
            user=officer_a, office=office_a, upload=_xlsx([["a", "b"]], headers=["x", "y"])
        )
    assert "judul" in str(caught.value)
    assert not ImportJob.objects.exists()


def test_an_empty_sheet_is_refused(officer_a, office_a):
    with pytest.raises(ValidationError):
        services.import_job_create(user=officer_a, office=office_a, upload=_xlsx([]))


def test_a_good_import_writes_every_row_with_progress_and_events(
    officer_a, office_a, django_capture_on_commit_callbacks
):
    rows = [_row(judul=f"Laporan {n}", terbitkan="ya" if n % 2 else "tidak") for n in range(30)]
    client = _client(officer_a)
    response = client.post(
        reverse("registry_admin:import_start"), {"office": office_a.pk, "file": _xlsx(rows)}
    )
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.VALIDATED and job.total == 30
    assert not InformationItem.objects.exists()  # validated, not yet written
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registry_admin:import_confirm", args=[job.uid]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.processed, job.total, job.percent) == ("done", 30, 30, 100)
    items = InformationItem.objects.filter(office=office_a)
    assert items.count() == 30
    assert items.filter(status=InformationItem.Status.PUBLISHED).count() == 15
    assert Event.objects.filter(action="created", actor=officer_a).count() == 30
    assert Event.objects.filter(action="imported", object_id=job.pk).exists()
    page = client.get(reverse("registry_admin:import_job", args=[job.uid]))
    assert b'value="30"' in page.content  # the progress bar, full


def test_an_import_that_fails_midway_writes_nothing(
    officer_a, office_a, monkeypatch, django_capture_on_commit_callbacks
):
    job = services.import_job_create(
        user=officer_a, office=office_a, upload=_xlsx([_row(judul=f"L{n}") for n in range(5)])
    )
    real_create = services.item_create
    calls = []

    def flaky_create(**kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise ValidationError("disk full (simulated)")
        return real_create(**kwargs)

    monkeypatch.setattr(services, "item_create", flaky_create)
    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_confirm(user=officer_a, job=job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "disk full" in job.failure
    assert job.processed == 0
    assert not InformationItem.objects.exists()  # all or none


def test_an_import_whose_officer_lost_his_appointment_writes_nothing(
    officer_a, office_a, django_capture_on_commit_callbacks
):
    # F48: rights follow current appointments, also when the worker runs later.
    job = services.import_job_create(user=officer_a, office=office_a, upload=_xlsx([_row()]))
    services.import_job_confirm(user=officer_a, job=job)
    officer_a.appointments.update(valid_to="2026-01-03")
    run_import.call(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert not InformationItem.objects.exists()


def test_a_job_runs_once_even_if_the_task_is_delivered_twice(
    officer_a, office_a, django_capture_on_commit_callbacks
):
    job = services.import_job_create(user=officer_a, office=office_a, upload=_xlsx([_row()]))
    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_confirm(user=officer_a, job=job)
    run_import.call(job.pk)
    assert InformationItem.objects.count() == 1


def test_an_invalid_or_started_job_cannot_be_confirmed(officer_a, office_a):
    bad = services.import_job_create(
        user=officer_a, office=office_a, upload=_xlsx([_row(kategori="x")])
    )
    with pytest.raises(ValidationError):
        services.import_job_confirm(user=officer_a, job=bad)
    response = _client(officer_a).post(reverse("registry_admin:import_confirm", args=[bad.uid]))
    assert response.status_code == 302
    bad.refresh_from_db()
    assert bad.status == ImportJob.Status.INVALID


def test_another_offices_officer_cannot_import_into_office_a(officer_b, office_a):
    response = _client(officer_b).post(
        reverse("registry_admin:import_start"), {"office": office_a.pk, "file": _xlsx([_row()])}
    )
    assert response.status_code == 400
    assert not ImportJob.objects.exists()


def test_a_running_job_page_refreshes_itself(officer_a, office_a):
    job = services.import_job_create(user=officer_a, office=office_a, upload=_xlsx([_row()]))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    page = _client(officer_a).get(reverse("registry_admin:import_job", args=[job.uid]))
    assert b'http-equiv="refresh"' in page.content
