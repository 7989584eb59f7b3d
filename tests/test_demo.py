"""The Kalteng demo loader (`manage.py load_demo`): run once for the whole module (it takes
seconds), inside a transaction rolled back at the end, with its files in a temporary folder."""

import io
import stat
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from ppid.core.models import Event
from ppid.core.search import stem_text
from ppid.organizations.demo import ADMIN_PASSWORD_FILE, DEMO_OFFICERS, PROVINCE_SLUG, UTAMA_SLUG
from ppid.organizations.models import Appointment, Body, Office, Role
from ppid.registry import rules
from ppid.registry.demo import ITEM_COUNT
from ppid.registry.models import (
    UNLIMITED_GROUNDS,
    Category,
    DipEstablishment,
    Document,
    ExemptEntry,
    InformationItem,
)
from ppid.registry.queries import ItemFilters, search_items

REGENCIES = {
    "Barito Selatan", "Barito Timur", "Barito Utara", "Gunung Mas", "Kapuas", "Katingan",
    "Kotawaringin Barat", "Kotawaringin Timur", "Lamandau", "Murung Raya", "Pulang Pisau",
    "Seruyan", "Sukamara", "Palangka Raya",
}  # fmt: skip


def _run(**options) -> SimpleNamespace:
    out, err = io.StringIO(), io.StringIO()
    call_command("load_demo", stdout=out, stderr=err, **options)
    return SimpleNamespace(out=out.getvalue(), err=err.getvalue())


def _table_counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    # Document.file resolved its storage when the model was imported: point it here, so the
    # 1,314 PDFs land in the temporary folder.
    storage = FileSystemStorage(location=str(root / "private"))
    field = Document._meta.get_field("file")
    with (
        django_db_blocker.unblock(),
        override_settings(VAR_DIR=root),
        pytest.MonkeyPatch.context() as monkeypatch,
    ):
        monkeypatch.setattr(field, "storage", storage)
        with transaction.atomic():
            first = _run()
            yield SimpleNamespace(root=root, first=first, storage_root=root / "private")
            transaction.set_rollback(True)


@pytest.fixture
def province(demo, db):
    return Body.objects.get(slug=PROVINCE_SLUG)


def test_it_reports_what_it_loaded_with_a_progress_bar(demo):
    assert "Demo data loaded" in demo.first.out
    assert f"{ITEM_COUNT} items" in demo.first.out
    assert f"{ITEM_COUNT}/{ITEM_COUNT}" in demo.first.err


def test_the_province_has_its_ppid_utama_at_diskominfosantik_and_the_sekda_as_atasan(province):
    assert province.kind == Body.Kind.PROVINCE
    assert province.code == "BPS 62 / Kemendagri 62"
    utama = Office.objects.get(slug=UTAMA_SLUG)
    assert utama.body == province and utama.kind == Office.Kind.UTAMA
    assert "Diskominfosantik" in utama.name
    atasan = Appointment.objects.get(office=utama, role=Role.ATASAN_PPID)
    assert "Sekretaris Daerah" in atasan.position
    # Diskominfosantik is also an agency with its own Pelaksana.
    assert Office.objects.filter(
        body__short_name="Diskominfosantik", kind=Office.Kind.PELAKSANA, parent=utama
    ).exists()


def test_it_loads_the_14_regencies_and_city_with_both_codes_and_coordinates(db, demo):
    regencies = Body.objects.filter(kind=Body.Kind.REGENCY)
    assert {b.short_name for b in regencies} == REGENCIES
    sukamara = regencies.get(short_name="Sukamara")
    # kalteng.md §1: BPS and Kemendagri numbers differ for the 2002 regencies.
    assert sukamara.code == "BPS 6206 / Kemendagri 62.08"
    assert float(sukamara.latitude) == pytest.approx(-2.627)
    assert float(sukamara.longitude) == pytest.approx(111.237)
    for body in regencies:
        assert body.offices.get().kind == Office.Kind.UTAMA
        assert body.latitude is not None and body.longitude is not None


def test_at_least_40_agencies_each_have_a_pelaksana_under_the_provinces_utama(province):
    agencies = Body.objects.filter(kind=Body.Kind.AGENCY, parent=province)
    assert agencies.count() >= 40
    utama = Office.objects.get(slug=UTAMA_SLUG)
    for agency in agencies:
        office = agency.offices.get()
        assert office.kind == Office.Kind.PELAKSANA and office.parent == utama


def test_at_least_8_vertical_agencies_each_have_their_own_utama(db, demo):
    verticals = Body.objects.filter(kind=Body.Kind.VERTICAL)
    assert verticals.count() >= 8
    assert verticals.filter(short_name="BPS Kalteng").exists()
    for body in verticals:
        office = body.offices.get()
        assert office.kind == Office.Kind.UTAMA and office.parent is None


def test_exactly_1314_items_are_published_in_all_three_categories_with_every_f49_column(db, demo):
    items = InformationItem.objects.all()
    assert items.count() == ITEM_COUNT == items.published().count()
    assert set(items.values_list("category", flat=True)) == set(Category.values)
    assert set(items.values_list("year", flat=True)) == set(range(2019, 2027))
    assert items.filter(body__kind=Body.Kind.REGENCY).exists()
    assert items.filter(body__kind=Body.Kind.AGENCY).count() > ITEM_COUNT / 2
    # F49: every DIP column is filled.
    for item in items:
        for name in ("title", "summary", "owner_unit", "responsible", "creation_time",
                     "creation_place", "retention", "media_type"):  # fmt: skip
            assert getattr(item, name).strip(), (item.pk, name)
        assert item.form_softcopy or item.form_hardcopy
        assert item.published_at <= timezone.now()
    titles = list(items.values_list("office_id", "title"))
    assert len(set(titles)) == len(titles)


def test_berkala_reviews_follow_the_six_month_rule_and_some_are_overdue(db, demo):
    berkala = InformationItem.objects.filter(category=Category.BERKALA)
    for item in berkala:
        # F2: the next review is at most six months after the last one.
        assert item.next_review == rules.next_review_date(item.last_reviewed)
    assert InformationItem.objects.review_overdue().exists()
    assert InformationItem.objects.review_overdue().count() < berkala.count() / 4
    assert (
        not InformationItem.objects.exclude(category=Category.BERKALA)
        .filter(next_review__isnull=False)
        .exists()
    )


def test_every_item_has_one_pdf_whose_text_was_extracted(db, demo):
    documents = Document.objects.all()
    assert documents.count() == ITEM_COUNT
    assert set(documents.values_list("item_id", flat=True)) == set(
        InformationItem.objects.values_list("pk", flat=True)
    )
    document = documents.select_related("item").first()
    assert document.kind == Document.Kind.FILE and document.content_type == "application/pdf"
    assert document.extraction == Document.Extraction.DONE
    assert document.item.title.split()[0] in document.extracted_text
    with document.file.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-") and len(data) == document.size
    assert (demo.storage_root / document.file.name).exists()


def test_searching_pengumuman_finds_items_whose_pdf_alone_says_diumumkan(db, demo):
    result = search_items(ItemFilters(q="pengumuman"), facets=False)
    hits = set(result.items.values_list("pk", flat=True))
    pdf_only = [
        item
        for item in InformationItem.objects.filter(documents__extracted_text__contains="diumumkan")
        if "umum" not in stem_text(f"{item.title} {item.summary} {item.owner_unit}").split()
    ]
    assert pdf_only, "some items mention 'diumumkan' only in their PDF"
    assert {item.pk for item in pdf_only} <= hits
    # "penganggaran" and "anggaran" share the stem "anggar".
    assert (
        search_items(ItemFilters(q="penganggaran"), facets=False).items.count()
        == (search_items(ItemFilters(q="anggaran"), facets=False).items.count())
        > 0
    )


def test_dik_entries_carry_real_grounds_legal_basis_and_consequence_tests(db, demo):
    entries = ExemptEntry.objects.select_related("consequence_test", "body")
    assert 5 <= entries.count() <= 8
    # F6: real Pasal 17 grounds for these agencies.
    assert {"a", "b", "h", "i"} <= set(entries.values_list("ground", flat=True))
    rsud = entries.get(body__short_name="RSUD Doris Sylvanus")
    assert rsud.ground == "h" and rsud.exempt_until is None  # F9: not time-limited
    for entry in entries:
        assert entry.legal_basis.startswith("UU 14/2008 Pasal 17 huruf")
        assert entry.consequence and "DEMO" in entry.decree_number
        assert entry.consequence_test.conclusion == "dikecualikan"  # F10
        if entry.ground not in UNLIMITED_GROUNDS:
            assert entry.exempt_until is not None  # F7: a-f expire
        assert entry.ground_subitem is None or entry.ground == "a"


def test_the_province_has_one_established_dip_with_a_demo_decree(province):
    version = DipEstablishment.objects.get(body=province)
    assert version.version == 1 and "DEMO" in version.sk_number
    assert len(version.rows) == InformationItem.objects.filter(body=province).count() > 0


def test_every_demo_record_is_marked_and_invented_text_says_demo(db, demo):
    for model in apps.get_models():
        if any(f.name == "is_demo" for f in model._meta.fields):
            assert not model._base_manager.filter(is_demo=False).exists(), model
    assert not InformationItem.objects.exclude(summary__endswith="(data demo)").exists()
    assert not Appointment.objects.exclude(sk_number__contains="DEMO").exists()
    assert not Appointment.objects.exclude(person_name__contains="demo").exists()


def test_there_is_one_current_demo_appointment_per_role(db, demo):
    # The monev demo adds one PPID account per participating body (demo.ppid.<slug>).
    officers = [officer.username for officer in DEMO_OFFICERS]
    current = Appointment.objects.current().filter(user__username__in=officers)
    assert sorted(current.values_list("role", flat=True)) == sorted(Role.values)
    users = get_user_model().objects.filter(appointments__in=current)
    assert all(user.is_staff and not user.has_usable_password() for user in users)
    assert users.filter(username="demo.pelaksana.dinkes").exists()


def test_each_item_has_a_created_and_published_event(db, demo):
    for action in ("created", "published", "document_added"):
        subjects = Event.objects.filter(
            action=action, content_type__model="informationitem"
        ).values_list("object_id", flat=True)
        assert sorted(subjects) == sorted(InformationItem.objects.values_list("pk", flat=True))


def test_the_admin_password_is_kept_in_a_file_only_its_owner_can_read(db, demo):
    path = demo.root / ADMIN_PASSWORD_FILE
    password = path.read_text().strip()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert password in demo.first.out
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(password)


def test_a_second_run_creates_nothing_and_says_already_loaded(db, demo):
    tables = _table_counts()
    files = sorted(p for p in demo.storage_root.rglob("*") if p.is_file())
    admin_password = (demo.root / ADMIN_PASSWORD_FILE).read_text()

    second = _run()

    assert "already loaded" in second.out
    assert str(demo.root / ADMIN_PASSWORD_FILE) in second.out
    assert _table_counts() == tables
    assert sorted(p for p in demo.storage_root.rglob("*") if p.is_file()) == files
    assert (demo.root / ADMIN_PASSWORD_FILE).read_text() == admin_password


def test_with_passwords_gives_the_demo_officers_passwords_that_work(db, demo):
    result = _run(with_passwords=True)
    lines = dict(line.split() for line in result.out.splitlines() if line.startswith("  demo."))
    assert len(lines) == len(Role.values)
    user = get_user_model().objects.get(username="demo.ppid_utama")
    assert user.check_password(lines["demo.ppid_utama"])
    assert Appointment.objects.current().filter(user=user).exists()


def test_it_refuses_to_mix_demo_data_into_real_records(db, demo):
    Body.objects.filter(slug="kab-kapuas").update(is_demo=False)
    tables = _table_counts()

    with pytest.raises(CommandError, match="kab-kapuas"):
        _run()

    assert _table_counts() == tables
