"""What request_submit refuses (F22, F23): NIK structure, contacts, methods, text and
uploads. Every refusal names the field, says why, and creates nothing."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ppid.core.models import Counter, Event, OutboxMessage
from ppid.foi.models import InformationRequest, Letter
from ppid.foi.services import request_submit
from ppid.foi.validators import nik_problem, phone_problem, text_problem

from .conftest import VALID_NIK

TODAY = datetime.date(2026, 11, 27)


@pytest.mark.parametrize(
    ("nik", "valid"),
    [
        (VALID_NIK, True),  # woman born 15 May 1990 in Palangka Raya
        ("6271011505900001", True),  # man born 15 May 1990
        ("1101010101000001", True),  # Aceh, born 1 Jan 2000
        ("9601012902000001", True),  # Papua Barat Daya (2022), 29 Feb 2000: a leap year
        ("3171016912990001", True),  # woman born 29 Dec 1999 (day 29 + 40)
        ("627101550590000", False),  # 15 digits
        ("62710155059000011", False),  # 17 digits
        ("62710155059000a1", False),  # a letter
        ("6271 01550590001", False),  # a space
        ("1071015505900001", False),  # province 10 does not exist
        ("9971015505900001", False),  # province 99 does not exist
        ("0071015505900001", False),  # province 00
        ("6200015505900001", False),  # regency 00
        ("6271005505900001", False),  # district 00
        ("6271013205900001", False),  # day 32
        ("6271017205900001", False),  # day 72 (32 + 40)
        ("6271010005900001", False),  # day 00
        ("6271014005900001", False),  # day 40 (0 + 40)
        ("6271011513900001", False),  # month 13
        ("6271011500900001", False),  # month 00
        ("6271013102900001", False),  # 31 February
        ("6271012902010001", False),  # 29 February 2001: not a leap year
        ("6271011505900000", False),  # sequence 0000
        ("0000000000000000", False),
        ("", False),
    ],
)
def test_nik_structure_is_checked(nik, valid):
    # F22 b: NIK per KTP; structure: province, regency, district, DDMMYY (+40 for women), seq.
    assert (nik_problem(nik, today=TODAY) is None) is valid


def test_two_digit_birth_years_are_read_in_the_latest_century_not_after_today():
    assert nik_problem("6271012711260001", today=TODAY) is None  # 27 Nov 2026, today
    assert nik_problem("6271013011260001", today=TODAY) is None  # 30 Nov 1926
    assert nik_problem("6271012902000001", today=TODAY) is None  # 29 Feb 2000
    assert nik_problem("6271012902010001", today=TODAY) is not None  # 1901, 2001: no 29 Feb


@hypothesis_settings(max_examples=50)
@given(st.text(max_size=40))
def test_nik_check_never_crashes(text):
    problem = nik_problem(text, today=TODAY)
    assert problem is None or isinstance(problem, str)


@pytest.mark.parametrize(
    ("phone", "valid"),
    [
        ("081234567890", True),
        ("+62 812-3456-7890", True),
        ("(0536) 322 1234", True),
        ("12345", False),
        ("0812345678901234567", False),
        ("0812abc", False),
        ("", False),
    ],
)
def test_phone_numbers(phone, valid):
    assert (phone_problem(phone) is None) is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [("Laporan", True), ("  ", False), ("", False), ("a\x00b", False), ("a\x1bb", False),
     ("a\nb\tc", True), ("x" * 11, False), (None, False), (5, False)],
)  # fmt: skip
def test_free_text(value, valid):
    assert (text_problem(value, max_length=10) is None) is valid


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


BAD_SUBMISSIONS = [
    ("nik", {"requester": {"nik": "1234"}}),
    ("nik", {"requester": {"nik": ""}}),
    ("nik", {"requester": {"nik": "6271015505900000"}}),
    ("kind", {"requester": {"kind": "robot"}}),
    ("legal_entity_number", {"requester": {"kind": "badan_hukum", "nik": ""}}),
    ("name", {"requester": {"name": "  "}}),
    ("name", {"requester": {"name": "x" * 201}}),
    ("name", {"requester": {"name": "Siti\x00"}}),
    ("address", {"requester": {"address": ""}}),
    ("email", {"requester": {"email": "not-an-address"}}),
    ("email", {"requester": {"email": "", "phone": ""}}),
    ("phone", {"requester": {"phone": "12"}}),
    ("proxy_nik", {"requester": {"proxy_name": "Budi", "proxy_nik": "99"}}),
    ("proxy_name", {"requester": {"proxy_nik": VALID_NIK}}),
    ("proxy_letter", {"requester": {"proxy_name": "Budi", "proxy_nik": VALID_NIK}}),
    ("information", {"information": ""}),
    ("information", {"information": "x" * 5001}),
    ("information", {"information": "laporan\x07"}),
    ("purpose", {"purpose": "   "}),
    ("obtain_methods", {"obtain_methods": []}),
    ("obtain_methods", {"obtain_methods": ["mencuri"]}),
    ("obtain_methods", {"obtain_methods": "salinan"}),
    ("copy_format", {"copy_format": ""}),
    ("copy_format", {"copy_format": "papyrus"}),
    ("delivery_method", {"delivery_method": ""}),
    ("delivery_method", {"delivery_method": "merpati"}),
    ("delivery_method", {"copy_format": "hardcopy", "delivery_method": "email"}),
    ("delivery_method", {"requester": {"email": ""}, "delivery_method": "email"}),
    ("fax", {"delivery_method": "faksimili"}),
    ("channel", {"channel": "langsung"}),  # desk channels need a desk officer
    ("channel", {"channel": "merpati"}),
]


@pytest.mark.parametrize(("field", "overrides"), BAD_SUBMISSIONS)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(request_data, field, overrides):
    with pytest.raises(ValidationError) as caught:
        request_submit(request_data(**overrides))
    assert field in caught.value.message_dict, caught.value.message_dict
    assert caught.value.message_dict[field][0]
    assert not InformationRequest.objects.exists()
    assert not Counter.objects.exists()
    assert not Event.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert not Letter.objects.exists()


def test_a_legal_entity_gives_its_ratification_number_instead_of_a_nik(request_data):
    data = request_data(
        requester={"kind": "badan_hukum", "nik": "", "legal_entity_number": "AHU-0012345.AH.01"}
    )
    assert request_submit(data).request.legal_entity_number == "AHU-0012345.AH.01"


def test_a_phone_number_alone_is_enough_contact(request_data):
    data = request_data(requester={"email": ""}, delivery_method="langsung")
    created = request_submit(data).request
    assert created.phone == "081234567890"
    assert created.email == ""


def test_format_and_delivery_are_dropped_when_no_copy_is_asked(request_data):
    created = request_submit(request_data(obtain_methods=["melihat", "mencatat"])).request
    assert created.obtain_methods == ["melihat", "mencatat"]
    assert (created.copy_format, created.delivery_method) == ("", "")


def test_a_future_receipt_time_is_refused(request_data):
    data = request_data(received_at=datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC))
    with pytest.raises(ValidationError) as caught:
        request_submit(data)
    assert "received_at" in caught.value.message_dict


def test_an_inactive_office_receives_nothing(request_data, office_a):
    office_a.active_to = datetime.date(2020, 1, 1)
    office_a.save()
    with pytest.raises(ValidationError) as caught:
        request_submit(request_data())
    assert "office" in caught.value.message_dict


def test_the_id_scan_is_checked_by_content_and_stored_privately(request_data, settings):
    scan = SimpleUploadedFile("ktp.png", PNG, content_type="image/png")
    created = request_submit(request_data(id_scan=scan)).request
    assert created.id_scan.name.startswith("foi/informationrequest/")
    assert "ktp" not in created.id_scan.name  # §6: no personal data in file names
    assert created.id_scan.storage.exists(created.id_scan.name)
    assert settings.STORAGES["private"]["OPTIONS"]["location"] in created.id_scan.path


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("ktp.png", b"MZ\x90\x00 this is a windows program"),
        ("ktp.exe", PNG),
        ("ktp.pdf", PNG),  # extension does not match the content
        ("ktp.csv", b"nik,nama\n1,2\n"),  # allowed elsewhere, not as an ID scan
        ("ktp.png", b""),
    ],
)
def test_an_id_scan_that_is_not_an_image_or_pdf_is_refused(request_data, name, content):
    scan = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError) as caught:
        request_submit(request_data(id_scan=scan))
    assert "id_scan" in caught.value.message_dict
    assert not InformationRequest.objects.exists()


def test_an_oversized_id_scan_is_refused(request_data):
    big = io.BytesIO(PNG + b"\x00" * (5 * 1024 * 1024))
    scan = SimpleUploadedFile("ktp.png", big.getvalue(), content_type="image/png")
    with pytest.raises(ValidationError) as caught:
        request_submit(request_data(id_scan=scan))
    assert "id_scan" in caught.value.message_dict
