"""Monev downloads (issue 5 §4): the full results and a body's scoring sheet as XLSX, read
back with openpyxl, and the certificate as an A4 landscape PDF, read back with pypdf.
Headers are translated (Indonesian): these tests read the figures, names and positions."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from ppid.monev import certificates, exports
from ppid.monev.models import Answer, AnswerLevel, Participant
from tests.factories import BodyFactory

from .conftest import questions_of
from .test_public import build_ranked, publish, rate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def ranked(utama, office_a, office_b):
    """Stored results of 2024, closed, not yet published (test_public.build_ranked)."""
    return build_ranked(utama, office_a, office_b)


def rows_of(sheet) -> list[tuple]:
    return list(sheet.iter_rows(values_only=True))


def workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


# --- the full results -----------------------------------------------------------------------


def test_the_results_workbook_lists_every_body_with_rank_score_and_band(ranked):
    book = workbook(exports.results_workbook(publish(ranked)))
    assert len(book.worksheets) == 4
    results = rows_of(book.worksheets[0])
    assert len(results[0]) == 10  # category, rank, body, final, band, SAQ, visit, pres., …
    body = [row[:5] for row in results[1:]]
    assert body == [
        ("Perangkat Daerah Provinsi", 1, "Dinas A", 92.5, "Informatif"),
        ("Perangkat Daerah Provinsi", 2, "Dinas B", 85, "Menuju Informatif"),
        ("Perangkat Daerah Provinsi", 2, "Dinas C", 85, "Menuju Informatif"),
        ("Pemerintah Kabupaten/Kota", 1, "Kabupaten Satu", 59.99, "Kurang Informatif"),
        ("Pemerintah Kabupaten/Kota", 2, "Kabupaten Dua", 39.99, "Tidak Informatif"),
        # Not rated (F51): listed last, no rank, no score, no band.
        ("Perangkat Daerah Provinsi", None, "Dinas D", None, None),
    ]
    assert book.worksheets[0]["D2"].number_format == "0.00"


def test_the_results_workbook_has_the_indicator_scores_and_the_band_counts(ranked):
    book = workbook(exports.results_workbook(publish(ranked)))
    indicators = rows_of(book.worksheets[1])
    assert indicators[0][3].startswith("I1. Pengumuman informasi publik (60")
    assert indicators[0][4].startswith("I2. Pelayanan informasi (40")
    assert indicators[1] == ("Perangkat Daerah Provinsi", 1, "Dinas A", 95, 88.75)
    assert indicators[4] == ("Pemerintah Kabupaten/Kota", 1, "Kabupaten Satu", 60, None)
    bands = rows_of(book.worksheets[2])[1:]
    assert bands[:5] == [
        ("Informatif", 90, None, 1),  # the top band includes 100 (F51)
        ("Menuju Informatif", 80, 90, 2),
        ("Cukup Informatif", 60, 80, 0),
        ("Kurang Informatif", 40, 60, 1),
        ("Tidak Informatif", 0, 40, 1),
    ]
    assert bands[5][1:] == (None, None, 1)  # not rated
    notes = dict(rows_of(book.worksheets[3]))
    assert "Monev KIP Provinsi Uji 2024" in notes.values() and 2024 in notes.values()


def test_text_that_looks_like_a_formula_stays_text(ranked):
    rate(ranked, BodyFactory(name="=HYPERLINK(\"http://x\")", slug="formula"), final="70",
         rank=3)  # fmt: skip
    book = workbook(exports.results_workbook(publish(ranked)))
    names = [row[2] for row in rows_of(book.worksheets[0])]
    assert '\'=HYPERLINK("http://x")' in names
    for row in book.worksheets[0].iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_the_public_results_download(client, ranked):
    publish(ranked)
    response = client.get("/monev/2024/hasil.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert 'filename="hasil-monev-2024-ppid-utama-uji.xlsx"' in response["Content-Disposition"]
    assert rows_of(workbook(response.content).worksheets[0])[1][2] == "Dinas A"
    assert client.head("/monev/2024/hasil.xlsx").status_code == 200
    assert client.post("/monev/2024/hasil.xlsx").status_code == 405


# --- a body's scoring sheet -----------------------------------------------------------------


def test_the_scoring_sheet_has_each_answer_verified_answer_and_note(published_period):
    participant = published_period.participants.get(body__slug="dinas-b")
    # B answered "Sebagian" (50) everywhere and the verifier agreed (conftest).
    assert participant.answers.get(question__code="1.1").level.score == Decimal("50")
    book = workbook(exports.scoring_sheet_workbook(participant))
    assert len(book.worksheets) == 3
    answers = rows_of(book.worksheets[0])
    assert len(answers[0]) == 9
    first = answers[1]
    assert first[0] == "I1. Pengumuman informasi publik" and first[1] == "1.1"
    assert first[2] == "Pertanyaan 1.1: apakah tersedia?"
    assert first[4:8] == ("Sebagian", 50, "Sebagian", 50)
    assert first[8] == "Sesuai bukti."
    assert [row[1] for row in answers[1:]] == ["1.1", "1.2", "2.1", "2.2"]


def test_the_scoring_sheet_totals_indicators_and_stages(published_period):
    participant = published_period.participants.get(body__slug="dinas-b")
    book = workbook(exports.scoring_sheet_workbook(participant))
    totals = rows_of(book.worksheets[1])[1:]
    # B answered 50 everywhere: each indicator 50; weighted 60 % → 30, 40 % → 20.
    assert totals == [("I1", "Pengumuman informasi publik", 60, 50, 30),
                      ("I2", "Pelayanan informasi", 40, 50, 20)]  # fmt: skip
    result = [row[1] for row in rows_of(book.worksheets[2])]
    assert result[0] == "Dinas B"
    # self 50, questionnaire 50, visit 70, final 50 × 0.8 + 70 × 0.2 = 54 (conftest).
    assert result[4] == 50 and result[5] == 50 and result[6] == 70
    assert result[9] == 54 and result[10] == "Kurang Informatif" and result[11] == 2


def test_the_scoring_sheet_shows_an_unverified_answer_without_a_verified_score(ranked):
    participant = Participant.objects.get(period=ranked, body__slug="dinas-a")
    question = questions_of(ranked)[0]
    Answer.objects.create(participant=participant, question=question,
                          level=AnswerLevel.objects.get(question=question, score=100))  # fmt: skip
    rows = rows_of(workbook(exports.scoring_sheet_workbook(participant)).worksheets[0])
    assert rows[1][4:8] == ("Ya, lengkap", 100, None, None)
    assert rows[2][4:8] == (None, None, None, None)  # not answered


def test_the_public_scoring_sheet_download(client, published_period):
    response = client.get(f"/monev/{published_period.year}/dinas-a/lembar-penilaian.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    year = published_period.year
    assert f'filename="lembar-penilaian-dinas-a-{year}.xlsx"' in response["Content-Disposition"]
    answers = rows_of(workbook(response.content).worksheets[0])
    assert answers[1][4:8] == ("Ya, lengkap", 100, "Ya, lengkap", 100)


# --- the certificate ------------------------------------------------------------------------


def test_the_certificate_is_one_a4_landscape_page_with_the_result(published_period):
    participant = published_period.participants.select_related("period").get(body__slug="dinas-a")
    content = certificates.certificate_pdf(participant)
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 842 and round(float(box.height)) == 595
    text = pdf_text(content)
    assert "SERTIFIKAT" in text
    assert "Dinas A" in text
    assert "Informatif" in text
    assert "98,00" in text  # final score (conftest: 100 × 0.8 + 90 × 0.2)
    assert "peringkat 1 dari 2 pada kategori Perangkat Daerah Provinsi" in text
    assert f"Tahun {published_period.year}" in text
    assert "Monev Keterbukaan Informasi Uji" in text  # the period's title
    assert "PPID Utama Uji" in text  # the organiser
    assert f"/monev/{published_period.year}/dinas-a/" in text
    assert "DEMO" not in text


def test_the_certificate_counts_the_rank_among_the_rated_of_the_category(ranked):
    publish(ranked)
    participant = Participant.objects.get(period=ranked, body__slug="dinas-c")
    text = pdf_text(certificates.certificate_pdf(participant))
    # Dinas D was not rated: C shares rank 2 with B among the 3 rated.
    assert "peringkat 2 dari 3 pada kategori Perangkat Daerah Provinsi" in text
    assert "Menuju Informatif" in text and "85,00" in text


def test_a_demo_certificate_says_so(ranked):
    ranked.is_demo = True
    ranked.save(update_fields=["is_demo"])
    publish(ranked)
    participant = Participant.objects.get(period=ranked, body__slug="dinas-a")
    assert "DATA DEMO" in pdf_text(certificates.certificate_pdf(participant))


def test_a_body_that_was_not_rated_has_no_certificate(ranked):
    from django.http import Http404

    participant = Participant.objects.get(period=ranked, body__slug="dinas-d")
    with pytest.raises(Http404):
        certificates.certificate_pdf(participant)


def test_the_public_certificate_download(client, ranked):
    publish(ranked)
    response = client.get("/en/monev/2024/dinas-a/sertifikat.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="sertifikat-monev-dinas-a-2024.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)
    # Indonesian whatever the visitor's language: a document of a public body.
    assert "diberikan kepada" in text and "Dinas A" in text
    assert "http://testserver" not in text and "/monev/2024/dinas-a/" in text
