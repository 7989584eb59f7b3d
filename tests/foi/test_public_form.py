"""The public request form and its confirmation (F17, F22, F23): every bad field gets its
message next to it and nothing is created; a valid form creates exactly one request even
when posted twice with the same one-time token; the confirmation shows the number, the due
date and the private link once, to this browser only."""

import re
import secrets
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ppid.core.models import Event
from ppid.foi.models import InformationRequest
from tests.foi.conftest import REQUESTER_EMAIL, VALID_NIK

PHONE = "081234567890"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
SUBMIT_URL = "/permohonan/ajukan/"


@pytest.fixture(autouse=True)
def _indonesian():
    from django.utils import translation

    translation.activate("id")
    yield
    translation.deactivate()


def login(client, user):
    # UserFactory saves the password after the row: reload so the session hash matches.
    user.refresh_from_db()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def form_data(office, /, **overrides) -> dict:
    """A valid POST of the request form; an override of None drops the field."""
    data = {
        "office": office.slug,
        "requester_kind": "perorangan",
        "name": "Siti Warga",
        "nik": VALID_NIK,
        "address": "Jl. Tjilik Riwut No. 1, Palangka Raya",
        "occupation": "Wiraswasta",
        "phone": PHONE,
        "email": REQUESTER_EMAIL,
        "information": "Salinan laporan realisasi anggaran tahun 2025",
        "purpose": "Bahan penelitian skripsi",
        "obtain_methods": ["salinan"],
        "copy_format": "softcopy",
        "delivery_method": "email",
        "consent": "on",
        "form_token": secrets.token_urlsafe(32),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def submit(client, office, /, **overrides):
    return client.post(SUBMIT_URL, form_data(office, **overrides))


def field_block(html: str, name: str) -> str:
    """The HTML from one field's wrapper to the next field's (label, help, errors, input)."""
    marker = f'id="wrap_{name}"'
    assert marker in html, f"no wrapper for {name}"
    return html.split(marker, 1)[1].split('id="wrap_', 1)[0]


class _Inputs(HTMLParser):
    """Collects form controls and the ids that labels point at."""

    def __init__(self):
        super().__init__()
        self.controls, self.labelled, self.lang = [], set(), None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "label" and attrs.get("for"):
            self.labelled.add(attrs["for"])
        if tag in {"input", "select", "textarea"} and attrs.get("type") not in {
            "hidden",
            "submit",
        }:
            self.controls.append(attrs)


def parse(html: str) -> _Inputs:
    parser = _Inputs()
    parser.feed(html)
    return parser


# --- the empty form ----------------------------------------------------------------------


def test_the_form_is_in_indonesian_and_every_field_has_a_label(client, office_a, utama):
    response = client.get(SUBMIT_URL)
    assert response.status_code == 200
    page = parse(response.content.decode())
    assert page.lang == "id"
    assert len(page.controls) > 20
    for control in page.controls:
        assert control.get("id") in page.labelled, control
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_the_form_carries_a_fresh_one_time_token(client, office_a):
    first = re.search(r'name="form_token" value="([^"]+)"', client.get(SUBMIT_URL).content.decode())
    second = re.search(
        r'name="form_token" value="([^"]+)"', client.get(SUBMIT_URL).content.decode()
    )
    assert first and second and first.group(1) != second.group(1)


def test_offices_are_grouped_by_kind_of_body_and_preselected_by_slug(
    client, office_a, utama, other_office
):
    html = client.get(SUBMIT_URL, {"kantor": office_a.slug}).content.decode()
    assert html.count("<optgroup") >= 3  # province, agencies, regencies
    assert re.search(rf'<option value="{office_a.slug}" selected>', html)
    assert f'<option value="{other_office.slug}">' in html


def test_an_unknown_office_slug_preselects_nothing(client, office_a):
    html = client.get(SUBMIT_URL, {"kantor": "no-such-office"}).content.decode()
    select = html.split('name="office"')[1].split("</select>")[0]
    assert re.search(r'value="[^"]+" selected', select) is None


def test_the_form_is_in_english_under_en(client, office_a):
    response = client.get("/en" + SUBMIT_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert parse(html).lang == "en"
    assert "Information requested" in html
    assert "Request public information" in html


def test_a_signed_in_citizen_finds_his_name_and_email_filled_in(client, citizen):
    citizen.first_name = "Budi Warga"
    citizen.save()
    login(client, citizen)
    html = client.get(SUBMIT_URL).content.decode()
    assert 'value="Budi Warga"' in html
    assert f'value="{citizen.email}"' in html


# --- validation: a message next to each bad field, nothing created -------------------------

BAD_FIELDS = [
    ("office", {"office": ""}, "office"),
    ("unknown office", {"office": "no-such-office"}, "office"),
    ("no name", {"name": ""}, "name"),
    ("NIK too short", {"nik": "627101550590"}, "nik"),
    ("NIK bad province", {"nik": "0071015505900001"}, "nik"),
    ("NIK bad birth date", {"nik": "6271019913900001"}, "nik"),
    ("no NIK for a person", {"nik": ""}, "nik"),
    (
        "legal entity without number",
        {"requester_kind": "badan_hukum", "nik": ""},
        "legal_entity_number",
    ),
    ("unknown requester kind", {"requester_kind": "alien"}, "requester_kind"),
    ("no address", {"address": ""}, "address"),
    ("bad phone", {"phone": "call me"}, "phone"),
    ("bad e-mail", {"email": "not-an-email"}, "email"),
    ("no contact at all", {"email": "", "phone": ""}, "email"),
    ("no information", {"information": "   "}, "information"),
    ("no purpose", {"purpose": ""}, "purpose"),
    ("no obtain method", {"obtain_methods": None}, "obtain_methods"),
    ("unknown obtain method", {"obtain_methods": ["telepati"]}, "obtain_methods"),
    ("copy without format", {"copy_format": ""}, "copy_format"),
    ("copy without delivery", {"delivery_method": ""}, "delivery_method"),
    ("hardcopy by e-mail", {"copy_format": "hardcopy"}, "delivery_method"),
    ("fax without number", {"delivery_method": "faksimili", "fax": ""}, "fax"),
    (
        "proxy without letter",
        {
            "has_proxy": "on",
            "proxy_name": "Andi",
            "proxy_nik": VALID_NIK,
            "proxy_contact": "0811111111",
        },
        "proxy_letter",
    ),
    ("proxy without name", {"has_proxy": "on"}, "proxy_name"),
    ("no consent", {"consent": None}, "consent"),
    ("control characters", {"information": "Laporan\x07 anggaran"}, "information"),
]


@pytest.mark.parametrize(("case", "overrides", "field"), BAD_FIELDS, ids=[c[0] for c in BAD_FIELDS])
def test_a_bad_field_gets_its_message_next_to_it_and_nothing_is_created(
    client, office_a, case, overrides, field
):
    response = submit(client, office_a, **overrides)
    assert response.status_code == 200
    html = response.content.decode()
    block = field_block(html, field)
    assert 'class="errorlist' in block, case
    assert 'aria-invalid="true"' in block or "<fieldset" in block
    assert 'role="alert"' in html  # the summary above the form
    assert InformationRequest.objects.count() == 0
    assert Event.objects.count() == 0


def test_an_id_scan_that_is_not_an_image_or_pdf_is_refused_by_content(client, office_a):
    fake = SimpleUploadedFile("ktp.pdf", b"MZ\x90\x00 this is a program", "application/pdf")
    response = client.post(SUBMIT_URL, {**form_data(office_a), "id_scan": fake})
    assert "errorlist" in field_block(response.content.decode(), "id_scan")
    assert InformationRequest.objects.count() == 0


def test_values_are_shown_again_after_an_error_and_files_must_be_chosen_again(client, office_a):
    scan = SimpleUploadedFile("ktp.png", PNG, "image/png")
    data = form_data(office_a, name="", information="Data jalan provinsi 2025")
    response = client.post(SUBMIT_URL, {**data, "id_scan": scan})
    html = response.content.decode()
    assert "Data jalan provinsi 2025" in html
    assert f'value="{REQUESTER_EMAIL}"' in html
    assert 'class="file-notice"' in html
    # The same one-time token is kept: fixing the form and sending it still creates one.
    assert f'value="{data["form_token"]}"' in html


def test_a_tampered_form_token_is_replaced_with_a_message(client, office_a):
    response = submit(client, office_a, form_token="short", obtain_methods=["melihat", "salinan"])
    html = response.content.decode()
    assert response.status_code == 200
    assert InformationRequest.objects.count() == 0
    assert 'value="melihat"' in html and html.count("checked") >= 3  # kind + both methods
    assert re.search(r'value="melihat"[^>]*checked', html)
    assert re.search(r'value="salinan"[^>]*checked', html)
    token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    assert token != "short" and len(token) >= 32


def test_only_get_and_post_are_allowed(client, office_a):
    assert client.put(SUBMIT_URL).status_code == 405


# --- success ----------------------------------------------------------------------------


def test_a_valid_request_is_registered_once_and_confirmed(client, office_a):
    response = submit(client, office_a)
    assert response.status_code == 302
    case = InformationRequest.objects.get()
    assert response["Location"] == reverse("foi:submitted", args=[case.uid])
    assert VALID_NIK not in response["Location"] and "@" not in response["Location"]
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert case.registration_number in html
    assert 'class="registration-number"' in html
    assert "/permohonan/lacak/" in html  # the private link, shown once
    assert case.channel == "website"
    assert case.office == office_a
    assert case.user is None
    assert "no-store" in page["Cache-Control"]


def test_the_same_form_token_posted_twice_creates_one_request_and_the_same_confirmation(
    client, office_a
):
    data = form_data(office_a)
    first = client.post(SUBMIT_URL, data)
    second = client.post(SUBMIT_URL, data)
    assert InformationRequest.objects.count() == 1
    assert first["Location"] == second["Location"]
    html = client.get(second["Location"]).content.decode()
    case = InformationRequest.objects.get()
    assert case.registration_number in html
    assert "/permohonan/lacak/" in html


def test_a_resubmission_from_another_browser_with_the_same_token_finds_the_first_request(
    client, office_a
):
    from django.test import Client

    data = form_data(office_a)
    client.post(SUBMIT_URL, data)
    other = Client()
    response = other.post(SUBMIT_URL, data)
    assert InformationRequest.objects.count() == 1
    assert other.get(response["Location"]).status_code == 200


def test_the_tracking_link_is_shown_once(client, office_a):
    location = submit(client, office_a)["Location"]
    assert "/permohonan/lacak/" in client.get(location).content.decode()
    again = client.get(location).content.decode()
    assert InformationRequest.objects.get().registration_number in again
    assert re.search(r"/permohonan/lacak/[A-Za-z0-9_-]{20,}/", again) is None


def test_the_tracking_link_on_the_confirmation_opens_the_case(client, office_a):
    location = submit(client, office_a)["Location"]
    html = client.get(location).content.decode()
    link = re.search(r'href="http://testserver(/permohonan/lacak/[A-Za-z0-9_-]+/)"', html).group(1)
    from django.test import Client

    response = Client().get(link)
    assert response.status_code == 200
    assert InformationRequest.objects.get().registration_number in response.content.decode()


def test_another_browser_cannot_open_the_confirmation(client, office_a):
    from django.test import Client

    location = submit(client, office_a)["Location"]
    assert Client().get(location).status_code == 404


def test_the_receipt_pdf_is_downloadable_by_the_submitter_only(client, office_a):
    from django.test import Client

    location = submit(client, office_a)["Location"]
    html = client.get(location).content.decode()
    case = InformationRequest.objects.get()
    receipt = case.letters.get(kind="receipt")
    url = reverse("foi:letter", args=[case.uid, receipt.uid])
    assert url in html
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert Client().get(url).status_code == 404


def test_a_request_by_proxy_with_a_power_of_attorney_is_accepted(client, office_a):
    letter = SimpleUploadedFile("kuasa.pdf", PDF, "application/pdf")
    scan = SimpleUploadedFile("ktp.png", PNG, "image/png")
    data = form_data(
        office_a,
        has_proxy="on",
        proxy_name="Andi Kuasa",
        proxy_nik=VALID_NIK,
        proxy_address="Jl. Diponegoro 2",
        proxy_contact="0811111111",
    )
    response = client.post(SUBMIT_URL, {**data, "proxy_letter": letter, "id_scan": scan})
    assert response.status_code == 302, response.content.decode()[:2000]
    case = InformationRequest.objects.get()
    assert case.proxy_name == "Andi Kuasa"
    assert case.proxy_letter and case.id_scan


def test_proxy_fields_are_ignored_unless_the_proxy_box_is_ticked(client, office_a):
    submit(client, office_a, proxy_name="Andi", proxy_nik="123")
    assert InformationRequest.objects.get().proxy_name == ""


def test_a_legal_entity_gives_its_ratification_number_instead_of_a_nik(client, office_a):
    response = submit(
        client,
        office_a,
        requester_kind="badan_hukum",
        name="Yayasan Terbuka",
        nik="",
        legal_entity_number="AHU-0012345.AH.01.04.2020",
    )
    assert response.status_code == 302
    case = InformationRequest.objects.get()
    assert case.requester_kind == "badan_hukum"
    assert case.legal_entity_number == "AHU-0012345.AH.01.04.2020"


def test_a_request_without_a_copy_needs_no_format(client, office_a):
    response = submit(
        client, office_a, obtain_methods=["melihat", "mencatat"], copy_format="", delivery_method=""
    )
    assert response.status_code == 302
    assert InformationRequest.objects.get().obtain_methods == ["melihat", "mencatat"]


def test_a_signed_in_citizen_s_request_is_linked_to_his_account(client, office_a, citizen):
    login(client, citizen)
    submit(client, office_a)
    assert InformationRequest.objects.get().user == citizen


def test_the_confirmation_shows_the_due_date_and_how_it_was_counted(client, office_a):
    location = submit(client, office_a)["Location"]
    html = client.get(location).content.decode()
    case = InformationRequest.objects.get()
    assert 'class="deadline-explanation"' in html
    assert case.due_date.isoformat() in html


def test_the_confirmation_and_case_pages_show_no_nik_phone_or_address(client, office_a):
    location = submit(client, office_a)["Location"]
    case = InformationRequest.objects.get()
    for url in (location, reverse("foi:case", args=[case.uid])):
        html = client.get(url).content.decode()
        assert VALID_NIK not in html
        assert PHONE not in html
        assert "Tjilik Riwut" not in html


def test_a_submission_records_no_personal_data_in_its_event(client, office_a):
    submit(client, office_a)
    event = Event.objects.get(action="submitted")
    assert VALID_NIK not in str(event.changes) and PHONE not in str(event.changes)
