"""Letters (domain.md §15): every kind renders a numbered A4 PDF on the body's letterhead,
in Indonesian, with the facts the law asks for; numbers are gap-free per series."""

import datetime
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from ppid.foi.letters import TITLES, letter_create, office_code, policy_text, tanggal
from ppid.foi.models import (
    Extension,
    Fee,
    Handover,
    InformationRequest,
    Letter,
    Notice,
    Objection,
    ServiceSettings,
)
from ppid.organizations.models import Role
from tests.factories import AppointmentFactory, UserFactory

NOW = datetime.datetime(2026, 3, 4, 10, 15, tzinfo=datetime.UTC)  # Wed 4 Mar 2026, 17.15 WIB


def make_request(office, number: str = "DINAS-A/PERMOHONAN/2026/00001", **fields):
    """A registered request row (the letters read it; the request service is tested apart)."""
    seq = int(number.rsplit("/", 1)[-1])
    values = {
        "registration_number": number,
        "number_office": office,
        "number_year": 2026,
        "number_seq": seq,
        "body": office.body,
        "office": office,
        "channel": "website",
        "received_at": NOW,
        "counting_from": datetime.date(2026, 3, 5),
        "due_date": datetime.date(2026, 3, 18),
        "due_date_original": datetime.date(2026, 3, 18),
        "policy": {
            "cuti_bersama_is_working_day": False,
            "work_week": [1, 2, 3, 4, 5],
            "service_opens": "08:00",
            "service_closes": "16:00",
            "calendar_version": 3,
        },
        "requester_kind": "perorangan",
        "requester_name": "Siti Warga",
        "nik": "6271015505900001",
        "address": "Jl. Tjilik Riwut No. 1, Palangka Raya",
        "occupation": "Wiraswasta",
        "phone": "081234567890",
        "email": "warga@example.org",
        "information": "Salinan laporan realisasi anggaran tahun 2025",
        "purpose": "Bahan penelitian skripsi",
        "obtain_methods": ["salinan"],
        "copy_format": "softcopy",
        "delivery_method": "email",
        "tracking_hash": f"hash-{number}",
    }
    values.update(fields)
    return InformationRequest.objects.create(**values)


def pdf_text(letter: Letter) -> str:
    from ppid.foi.letters import letter_file

    with letter_file(letter).open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def create(request, kind, **kwargs) -> Letter:
    with transaction.atomic():
        return letter_create(request, kind, **kwargs)


@pytest.fixture
def signer(office_a):
    return AppointmentFactory(
        office=office_a,
        role=Role.PPID_PELAKSANA,
        user=UserFactory(username="kabid"),
        person_name="Drs. Budi Santoso",
        position="PPID Pelaksana Dinas A",
        nip="197001011990031001",
    )


@pytest.fixture
def atasan_signer(utama):
    return AppointmentFactory(
        office=utama,
        role=Role.ATASAN_PPID,
        user=UserFactory(username="sekda2"),
        person_name="Ir. Sekretaris Daerah",
        position="Sekretaris Daerah",
        nip="196501011985031002",
    )


@pytest.fixture
def req(office_a, officer_a):
    return make_request(office_a)


def notice_for(request, officer, **fields):
    values = {
        "request": request,
        "state": Notice.State.SENT,
        "control": Notice.Control.HELD,
        "decision": "diterima_sebagian",
        "material": "Laporan realisasi anggaran 2025 (PDF)",
        "redactions": "Nomor rekening pihak ketiga dihitamkan (Pasal 17 huruf h)",
        "delivery_method": "email",
        "copy_format": "softcopy",
        "cost": 0,
        "drafted_by": officer,
        "drafted_by_office": request.office,
        "sent_at": NOW,
    }
    values.update(fields)
    return Notice.objects.create(**values)


@time_machine.travel(NOW)
def test_the_receipt_carries_number_due_date_and_counting_policy(req, signer):
    letter = create(req, Letter.Kind.RECEIPT)
    text = flat(pdf_text(letter))
    assert letter.number == "001/TBP/PPID-DINAS-A/2026"
    assert letter.number in text
    assert TITLES[Letter.Kind.RECEIPT].upper() in text
    assert req.registration_number in text
    assert "Rabu, 18 Maret 2026" in text  # D2
    assert "cuti bersama dihitung sebagai hari libur" in text.lower()  # §10
    # Letterhead (no settings: body name) and the signatory valid today (F48).
    assert "DINAS A" in text
    assert "Drs. Budi Santoso" in text and "NIP 197001011990031001" in text
    # The NIK is not printed on a receipt.
    assert "6271015505900001" not in text


@time_machine.travel(NOW)
def test_the_letter_is_stored_privately_under_a_random_name(req, signer, settings):
    from ppid.foi.letters import letter_file

    letter = create(req, Letter.Kind.RECEIPT)
    letter_file(letter)
    letter.refresh_from_db()
    assert letter.file.name.startswith("foi/letter/")
    assert req.registration_number not in letter.file.name
    assert letter.file.storage.location.endswith("private")


@time_machine.travel(NOW)
def test_the_letterhead_text_of_the_service_settings_wins(req, signer, office_a):
    ServiceSettings.objects.create(
        body=office_a.body,
        letterhead="PEMERINTAH PROVINSI UJI\nDINAS A KOP KHUSUS\nJl. Kop No. 9",
    )
    text = flat(pdf_text(create(req, Letter.Kind.RECEIPT)))
    assert "DINAS A KOP KHUSUS" in text and "Jl. Kop No. 9" in text


@time_machine.travel(NOW)
def test_the_notice_prints_every_item_a_to_g(req, signer, officer_a):
    # F18: UU 14/2008 Pasal 22(7) a–g.
    notice_for(req, officer_a, cost=20000, payment_method="Transfer Bank Kalteng 123")
    text = flat(pdf_text(create(req, Letter.Kind.NOTICE)))
    assert "PEMBERITAHUAN TERTULIS" in text
    for item in ("a. Penguasaan", "b. Badan Publik", "c. Keputusan", "d. Bahan", "e. Bagian"):
        assert item in text
    assert "f. Alat penyampai" in text and "g. Biaya" in text
    assert "Permohonan diterima sebagian" in text
    assert "Nomor rekening pihak ketiga dihitamkan" in text
    assert "Rp20.000" in text and "Transfer Bank Kalteng 123" in text
    assert "cuti bersama dihitung sebagai hari libur" in text.lower()
    assert "keberatan" in text  # a partial grant may be objected to (F28 d/e)


@time_machine.travel(NOW)
def test_a_notice_needs_a_notice(req, signer):
    with pytest.raises(ValidationError):
        create(req, Letter.Kind.NOTICE)
    assert not Letter.objects.exists()


@time_machine.travel(NOW)
def test_the_extension_letter_gives_reasons_and_the_new_date(req, signer, officer_a):
    req.due_date_extended = datetime.date(2026, 3, 27)
    req.due_date = req.due_date_extended
    req.save()
    Extension.objects.create(
        request=req,
        reasons="Dokumen tersebar di tiga bidang",
        working_days=7,
        new_due_date=datetime.date(2026, 3, 27),
        created_by=officer_a,
    )
    req.refresh_from_db()
    text = flat(pdf_text(create(req, Letter.Kind.EXTENSION)))
    assert "SURAT PERPANJANGAN WAKTU" in text
    assert "Dokumen tersebar di tiga bidang" in text
    assert "Jumat, 27 Maret 2026" in text and "18 Maret 2026" in text  # D3 and D2 (F19)
    assert "Pasal 22 ayat (8)" in text


@time_machine.travel(NOW)
def test_the_refusal_decision_has_every_f21_element(req, signer, officer_a):
    notice_for(
        req,
        officer_a,
        decision="ditolak",
        control=Notice.Control.HELD,
        rejection_ground="h",
        rejection_reasons="Memuat data pribadi pegawai",
        material="",
        redactions="",
    )
    letter = create(req, Letter.Kind.REJECTION)
    text = flat(pdf_text(letter))
    assert letter.number.endswith("/SKP/PPID-DINAS-A/2026")
    assert "SURAT KEPUTUSAN PPID TENTANG PENOLAKAN" in text
    assert req.registration_number in text
    assert "Siti Warga" in text and "Jl. Tjilik Riwut" in text and "Wiraswasta" in text
    assert "081234567890" in text and "warga@example.org" in text
    assert "Salinan laporan realisasi anggaran" in text
    assert "Pasal 17 huruf h UU 14/2008" in text and "rahasia pribadi" in text
    assert "Memuat data pribadi pegawai" in text
    # The right to object and the D4 window: 30 working days.
    assert "keberatan" in text and "30 hari kerja" in text


@time_machine.travel(NOW)
def test_a_refusal_letter_needs_a_refusal(req, signer, officer_a):
    notice_for(req, officer_a)
    with pytest.raises(ValidationError):
        create(req, Letter.Kind.REJECTION)


@time_machine.travel(NOW)
def test_the_handover_receipt_and_the_fee_receipt(req, signer, officer_a):
    Handover.objects.create(
        request=req, method="langsung", received_by="Siti Warga", created_by=officer_a
    )
    handover = flat(pdf_text(create(req, Letter.Kind.HANDOVER)))
    assert "TANDA BUKTI PENYERAHAN INFORMASI PUBLIK" in handover
    assert "mengambil langsung" in handover
    Fee.objects.create(
        request=req,
        item="Fotokopi",
        unit_price=200,
        quantity=50,
        total=10000,
        paid_at=NOW,
        receipt_number="BKT-77",
        created_by=officer_a,
    )
    fee = flat(pdf_text(create(req, Letter.Kind.FEE_RECEIPT)))
    assert "KUITANSI" in fee and "Rp10.000" in fee and "BKT-77" in fee


def make_objection(req, utama, **fields):
    values = {
        "registration_number": "UTAMA/KEBERATAN/2026/00001",
        "number_office": utama,
        "number_year": 2026,
        "number_seq": 1,
        "request": req,
        "channel": "website",
        "received_at": NOW,
        "grounds": ["a", "c"],
        "case_description": "Permohonan ditolak tanpa uji konsekuensi",
        "ground_found_on": datetime.date(2026, 3, 4),
        "filing_due_date": datetime.date(2026, 4, 15),
        "due_date": datetime.date(2026, 4, 15),
    }
    values.update(fields)
    return Objection.objects.create(**values)


@time_machine.travel(NOW)
def test_the_objection_form_copy_is_the_receipt(req, utama, signer):
    objection = make_objection(req, utama)
    letter = create(req, Letter.Kind.OBJECTION_RECEIPT, objection=objection)
    text = flat(pdf_text(letter))
    assert letter.objection == objection
    assert letter.number == "001/KBR/PPID-UTAMA-UJI/2026"
    assert "FORMULIR PERNYATAAN KEBERATAN" in text
    assert "UTAMA/KEBERATAN/2026/00001" in text and req.registration_number in text
    assert "tidak ditanggapinya permintaan informasi" in text  # ground c (F28)
    assert "Permohonan ditolak tanpa uji konsekuensi" in text


@time_machine.travel(NOW)
def test_the_atasan_decision_is_signed_by_the_atasan(req, utama, signer, atasan_signer):
    objection = make_objection(
        req,
        utama,
        status=Objection.Status.UPHELD,
        decision_reasons="Pengecualian sudah sesuai uji konsekuensi",
        decided_at=NOW,
    )
    text = flat(pdf_text(create(req, Letter.Kind.OBJECTION_DECISION, objection=objection)))
    assert "TANGGAPAN ATASAN PPID" in text
    assert "Menguatkan keputusan PPID" in text
    assert "Pengecualian sudah sesuai uji konsekuensi" in text
    assert "Ir. Sekretaris Daerah" in text and "Drs. Budi Santoso" not in text
    assert "Komisi Informasi" in text and "14 hari kerja" in text  # D6


@time_machine.travel(NOW)
def test_an_undecided_objection_has_no_decision_letter(req, utama):
    with pytest.raises(ValidationError):
        create(req, Letter.Kind.OBJECTION_DECISION, objection=make_objection(req, utama))
    with pytest.raises(ValidationError):
        create(req, Letter.Kind.OBJECTION_RECEIPT)  # no objection given


@time_machine.travel(NOW)
def test_the_signatory_is_the_one_appointed_on_the_letter_date(req, office_a):
    AppointmentFactory(
        office=office_a,
        role=Role.PPID_PELAKSANA,
        person_name="Pejabat Lama",
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2025, 12, 31),
    )
    AppointmentFactory(
        office=office_a,
        role=Role.PPID_PELAKSANA,
        person_name="Pejabat Baru",
        valid_from=datetime.date(2026, 2, 1),
    )
    text = flat(pdf_text(create(req, Letter.Kind.RECEIPT)))
    assert "Pejabat Baru" in text and "Pejabat Lama" not in text


@time_machine.travel(NOW)
def test_numbers_are_gap_free_per_office_kind_and_year(req, office_a, office_b, signer):
    numbers = [create(req, Letter.Kind.RECEIPT).number for _ in range(3)]
    assert [n.split("/")[0] for n in numbers] == ["001", "002", "003"]
    # A rolled-back step gives its number back (no gap).
    with pytest.raises(RuntimeError), transaction.atomic():
        letter_create(req, Letter.Kind.RECEIPT)
        raise RuntimeError
    assert create(req, Letter.Kind.RECEIPT).number.startswith("004/")
    # Another kind and another office have their own series.
    Handover.objects.create(request=req, method="langsung", created_by=signer.user)
    assert create(req, Letter.Kind.HANDOVER).number.startswith("001/TBS/")
    other = make_request(office_b, "DINAS-B/PERMOHONAN/2026/00001")
    assert create(other, Letter.Kind.RECEIPT).number == "001/TBP/PPID-DINAS-B/2026"
    # A new year starts again at 1.
    with time_machine.travel(datetime.datetime(2027, 1, 5, 3, 0, tzinfo=datetime.UTC)):
        assert create(req, Letter.Kind.RECEIPT).number == "001/TBP/PPID-DINAS-A/2027"


def test_an_unknown_kind_is_refused(req):
    with pytest.raises(ValidationError):
        create(req, "love_letter")


def test_the_counting_policy_sentence():
    assert policy_text({"cuti_bersama_is_working_day": True, "work_week": [1, 2, 3, 4, 5, 6]})
    text = policy_text({"cuti_bersama_is_working_day": False, "service_closes": "16:00"})
    assert text.startswith("Cuti bersama dihitung sebagai hari libur")
    assert "Senin–Jumat" in text and "16.00" in text


def test_indonesian_dates_and_office_codes(office_a):
    assert tanggal(datetime.date(2025, 4, 21), weekday=True) == "Senin, 21 April 2025"
    assert office_code(office_a) == "DINAS-A"
    office_a.slug = "ppid-" + "x" * 80
    assert len(office_code(office_a)) <= 30 and office_code(office_a).endswith(f"-{office_a.pk}")


@time_machine.travel(NOW)
def test_letters_are_in_indonesian_whatever_the_active_language(req, signer):
    from django.utils import translation

    with translation.override("en"):
        text = flat(pdf_text(create(req, Letter.Kind.RECEIPT)))
    assert "Nomor pendaftaran" in text and "Batas waktu" in text
    assert timezone.localdate() == datetime.date(2026, 3, 4)


@time_machine.travel(NOW)
def test_the_pdf_is_rendered_once_on_first_use_from_what_the_letter_said_that_day(
    req, signer, office_a
):
    """letter_create freezes the text (Letter.content) and renders nothing, so a submission
    holds its number series locked only briefly; the PDF comes on first use, says what
    was true when the letter was numbered, and is kept."""
    from ppid.foi.letters import letter_file

    letter = create(req, Letter.Kind.RECEIPT)
    assert not letter.file
    assert letter.content["title"] and letter.content["on"] == "2026-03-04"
    # Later changes to the case and the office do not rewrite the letter.
    InformationRequest.objects.filter(pk=req.pk).update(requester_name="Nama Lain")
    office_a.name = "PPID Berganti Nama"
    office_a.save()
    letter = Letter.objects.get(pk=letter.pk)
    text = flat(pdf_text(letter))
    assert "Siti Warga" in text and "Nama Lain" not in text
    letter.refresh_from_db()
    stored = letter.file.name
    assert stored
    assert letter_file(Letter.objects.get(pk=letter.pk)).name == stored
