"""DIP exports (F49): XLSX, CSV and PDF parse back, use the statutory Indonesian headers,
and an established version exports its frozen rows."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from ppid.registry import exports, services
from ppid.registry.models import Category, DipEstablishment
from tests.factories import ItemFactory


@pytest.fixture(autouse=True)
def _indonesian():
    # A request under /en/ leaves English active in the test thread; reverse() would follow it.
    from django.utils import translation

    translation.activate("id")
    yield
    translation.deactivate()


@pytest.fixture
def items(office_a):
    return [
        ItemFactory(office=office_a, title="Laporan keuangan 2025", category=Category.BERKALA),
        ItemFactory(office=office_a, title="Peringatan dini banjir", category=Category.SERTA_MERTA),
        ItemFactory(office=office_a, title='=HYPERLINK("http://x")', category=Category.SETIAP_SAAT),
    ]


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return response


@pytest.mark.django_db
def test_xlsx_has_the_f49_headers_in_indonesian_and_every_row(client, items):
    response = _get(client, reverse("registry:dip_export", args=["dinas-a", "xlsx"]))
    assert 'filename="dip-dinas-a-' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    header = values[2]
    assert header[0] == "No."
    assert "Ringkasan isi informasi" in header
    assert "Pejabat/unit/satker yang menguasai informasi" in header
    flat = [c for row in values for c in row if c]
    assert "Laporan keuangan 2025" in flat and "Peringatan dini banjir" in flat
    # Text that looks like a formula stays text.
    assert (
        sheet.cell(
            row=values.index(next(r for r in values if r[1] and str(r[1]).startswith("=HYPER")))
            + 1,
            column=2,
        ).data_type
        == "s"
    )


@pytest.mark.django_db
def test_xlsx_groups_rows_by_category_in_statutory_order(client, items):
    content = _get(client, reverse("registry:dip_export", args=["dinas-a", "xlsx"])).content
    first_column = [
        row[0] for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)
    ]
    headings = [v for v in first_column if isinstance(v, str) and v.startswith("Informasi")]
    assert len(headings) == 3
    assert "berkala" in headings[0].lower() and "serta merta" in headings[1].lower()


@pytest.mark.django_db
def test_csv_is_utf8_with_a_bom_and_parses_back(client, items):
    content = _get(client, reverse("registry:dip_export", args=["dinas-a", "csv"])).content
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][0] == "Kategori" and rows[0][1] == "No."
    titles = [row[2] for row in rows[1:]]
    assert "Laporan keuangan 2025" in titles
    # Formula-like text is neutralised for spreadsheet programs.
    assert '\'=HYPERLINK("http://x")' in titles


@pytest.mark.django_db
def test_pdf_contains_the_title_body_and_page_number(client, items):
    response = _get(client, reverse("registry:dip_export", args=["dinas-a", "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Laporan keuangan 2025" in text
    assert "Dinas A" in text and "Halaman 1" in text
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert width > height  # landscape A4


@pytest.mark.django_db
def test_pdf_survives_markup_and_unusual_characters():
    rows = [
        {
            "no": 1,
            "category": "berkala",
            "title": "<b>tebal & </i> 🙂 \x00 ünïcode",
            "summary": "a\nb",
        }
    ]
    content = exports.to_pdf(rows, title="Uji <judul>")
    assert content.startswith(b"%PDF")


@pytest.mark.django_db
def test_unknown_format_is_404(client, items):
    assert client.get("/badan/dinas-a/dip.exe").status_code == 404
    assert client.get(reverse("registry:dip_export", args=["tidak-ada", "csv"])).status_code == 404


@pytest.mark.django_db
def test_an_established_version_exports_its_frozen_rows(client, items, officer_a):
    body = items[0].body
    version = DipEstablishment.objects.create(
        body=body,
        version=1,
        sk_number="188.44/9/2026",
        sk_date=datetime.date(2026, 2, 1),
        year=2026,
        rows=services.dip_rows(body),
    )
    services.item_update(user=officer_a, item=items[0], fields={"title": "Judul sesudah penetapan"})
    for fmt in ("xlsx", "csv", "pdf"):
        response = _get(
            client, reverse("registry:dip_version_export", args=[body.slug, version.uid, fmt])
        )
        assert "v1-2026-02-01" in response["Content-Disposition"]
    text = " ".join(
        p.extract_text()
        for p in PdfReader(
            io.BytesIO(
                client.get(
                    reverse("registry:dip_version_export", args=[body.slug, version.uid, "pdf"])
                ).content
            )
        ).pages
    )
    assert "Laporan keuangan 2025" in text and "Judul sesudah penetapan" not in text
    csv_text = client.get(
        reverse("registry:dip_version_export", args=[body.slug, version.uid, "csv"])
    ).content.decode("utf-8-sig")
    assert "Laporan keuangan 2025" in csv_text and "Judul sesudah penetapan" not in csv_text


def test_download_names_are_safe():
    assert exports.filename("../../etc", 'x"; rm', "csv") == "dip-etc-x-rm.csv"


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv", "pdf"])
def test_an_empty_dip_still_exports(client, office_b, fmt):
    response = _get(client, reverse("registry:dip_export", args=["dinas-b", fmt]))
    assert len(response.content) > 0


@pytest.mark.django_db
def test_exports_keep_the_statutory_indonesian_headers_under_english(client, items):
    from django.utils import translation

    with translation.override("en"):
        url = reverse("registry:dip_export", args=["dinas-a", "csv"])
    assert url.startswith("/en/")
    header = client.get(url).content.decode("utf-8-sig").splitlines()[0]
    assert "Ringkasan isi informasi" in header


def test_pdf_survives_a_cell_longer_than_a_page():
    rows = [{"no": 1, "category": "berkala", "title": "Panjang", "summary": "kata " * 20_000}]
    rows.append({**rows[0], "no": 2, "summary": "a\n" * 5000})
    rows.append({**rows[0], "no": 3, "title": "x" * 300, "owner_unit": "y " * 100})
    assert exports.to_pdf(rows, title="Uji").startswith(b"%PDF")


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "pdf"])
def test_control_characters_in_a_row_do_not_break_an_export(fmt):
    rows = [
        {"no": 1, "category": "berkala", "title": "Judul\x0b\x1f\x00 akhir", "summary": "a\x08b"}
    ]
    content = exports.render(fmt, rows, title="Uji\x0b")
    if fmt == "xlsx":
        values = [
            c
            for r in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)
            for c in r
        ]
        assert "Judul akhir" in values
    assert content
