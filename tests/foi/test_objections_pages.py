"""The objection pages end to end with the Django test client: the requester's form from the
tracking link (F31, §17 #1), its receipt and letters, and the back office's permission
matrix (anonymous, citizen B, another office, handler, Atasan PPID)."""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ppid.foi import objections
from ppid.foi.models import CaseDocument, Objection, Outcome, PersonalDataAccess
from ppid.foi.services import notice_draft, notice_send, request_submit

WIB = ZoneInfo("Asia/Jakarta")
BACKEND = "django.contrib.auth.backends.ModelBackend"
LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def at(day: datetime.date, hour: int = 10):
    moment = datetime.datetime.combine(day, datetime.time(hour), WIB)
    return time_machine.travel(moment, tick=False)


DAY0 = datetime.date(2026, 11, 2)
REFUSED = datetime.date(2026, 11, 5)


@pytest.fixture
def submitted(request_data, office_a, officer_a, utama_officer, citizen):
    """Request A of the citizen, refused under Pasal 17 on day 3; with its tracking token."""
    with at(DAY0):
        result = request_submit(request_data(office=office_a), user=citizen)
    with at(REFUSED):
        notice = notice_draft(
            result.request, actor=officer_a, control="dikuasai", decision=Outcome.REJECTED,
            rejection_ground="b", rejection_reasons="Menghambat proses penegakan hukum.",
        )  # fmt: skip
        notice_send(notice, actor=utama_officer)
    return result


@pytest.fixture
def case(submitted):
    submitted.request.refresh_from_db()
    return submitted.request


@pytest.fixture
def other_token(request_data, office_b):
    """Citizen B's own request and token (another requester)."""
    with at(DAY0):
        return request_submit(
            request_data(office=office_b, requester={"email": "b@example.org"})
        ).tracking_token


@pytest.fixture
def objection(case):
    with at(REFUSED, 11):
        return objections.objection_file(
            case, grounds=["a"], case_description="Informasi ini seharusnya terbuka."
        )


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend=BACKEND)
    return client


# --- the requester's form ------------------------------------------------------------------


def test_the_tracking_link_leads_to_the_form_with_the_current_grounds_preselected(submitted):
    client = Client()
    with at(REFUSED, 15):
        entry = client.get(reverse("foi_objections:file", args=[submitted.tracking_token]))
        assert entry.status_code == 302
        page = client.get(entry.url)
    assert page.status_code == 200
    html = page.content.decode()
    boxes = {code: tag for tag, code in re.findall(r'(<input[^>]*value="(\w)"[^>]*>)', html)}
    assert "checked" in boxes["a"]  # the refusal of 5 November
    assert "checked" not in boxes["b"]  # offered, never derived from the case
    # D4: 30 working days from the refusal on 5 November 2026.
    assert "17 Desember 2026" in html
    assert submitted.tracking_token not in entry.url


def test_the_form_end_to_end_gives_a_number_a_receipt_and_the_letter(submitted, case):
    client = Client()
    with at(REFUSED, 15):
        form_url = client.get(reverse("foi_objections:file", args=[submitted.tracking_token])).url
        page = client.get(form_url)
        token = page.context["form"]["form_token"].value()
        data = {
            "grounds": ["a", "f"],
            "case_description": "Penolakan tidak disertai uji konsekuensi.",
            "form_token": token,
        }
        done = client.post(form_url, data)
        again = client.post(form_url, data)  # a double submission
        assert done.status_code == 302 and again.status_code == 302
        assert again.url == done.url
        objection = Objection.objects.get()
        assert objection.grounds == ["a", "f"]
        receipt = client.get(done.url)
        letter = objection.letters.get()
        download = client.get(
            reverse("foi_objections:letter", args=[case.uid, objection.uid, letter.uid])
        )
    html = receipt.content.decode()
    assert objection.registration_number in html
    assert case.registration_number in html
    assert "Penolakan tidak disertai uji konsekuensi." in html
    assert case.nik not in html and case.phone not in html
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_an_empty_form_is_refused_with_messages_and_files_nothing(submitted, case):
    client = Client()
    with at(REFUSED, 15):
        form_url = client.get(reverse("foi_objections:file", args=[submitted.tracking_token])).url
        response = client.post(form_url, {"grounds": ["zz"], "case_description": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Describe the case" in html or "Uraikan" in html or "case_description" in html
    assert not Objection.objects.exists()


def test_a_late_objection_shows_a_warning_and_is_registered(submitted, case):
    client = Client()
    late = datetime.date(2027, 2, 1)
    with at(late):
        form_url = client.get(reverse("foi_objections:file", args=[submitted.tracking_token])).url
        page = client.get(form_url)
        assert page.context["window"].is_late
        response = client.post(
            form_url,
            {
                "grounds": ["a"],
                "case_description": "Terlambat karena sakit.",
                "form_token": page.context["form"]["form_token"].value(),
            },
        )
    assert response.status_code == 302
    assert Objection.objects.get().filed_late is True


def test_the_owner_reaches_the_form_from_his_account(case, citizen):
    with at(REFUSED, 15):
        page = client_for(citizen).get(reverse("foi_objections:new", args=[case.uid]))
    assert page.status_code == 200


def test_the_requester_replies_to_the_response(objection, case, citizen, atasan):
    objections.objection_decide(objection, actor=atasan, decision="uphold", reasons="Sah.")
    client = client_for(citizen)
    page = client.get(reverse("foi_objections:objection", args=[case.uid, objection.uid]))
    assert page.context["reply_form"] is not None
    client.post(
        reverse("foi_objections:reply", args=[case.uid, objection.uid]), {"reply": "tidak_puas"}
    )
    objection.refresh_from_db()
    assert objection.requester_reply == "tidak_puas"


def test_the_form_is_in_english_under_en(case, citizen):
    with at(REFUSED, 15):
        page = client_for(citizen).get(f"/en{reverse('foi_objections:new', args=[case.uid])}")
    assert page.status_code == 200
    assert 'lang="en"' in page.content.decode()
    assert "File an objection" in page.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "citizen_b", "other_account", "officer_a"])
def test_the_requesters_pages_are_refused_to_others(objection, case, other_token, who, officer_a):
    from tests.factories import UserFactory

    client = Client()
    if who == "citizen_b":
        # B proved access to his own request only.
        client.get(reverse("foi_objections:file", args=[other_token]))
    elif who == "other_account":
        client.force_login(UserFactory(username="citizen2"), backend=BACKEND)
    elif who == "officer_a":
        client.force_login(officer_a, backend=BACKEND)
    letter = objection.letters.get()
    urls = [
        reverse("foi_objections:new", args=[case.uid]),
        reverse("foi_objections:objection", args=[case.uid, objection.uid]),
        reverse("foi_objections:letter", args=[case.uid, objection.uid, letter.uid]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    reply = client.post(
        reverse("foi_objections:reply", args=[case.uid, objection.uid]), {"reply": "puas"}
    )
    assert reply.status_code == 404
    assert client.get(reverse("foi_objections:file", args=["not-a-token"])).status_code == 404


# --- the back office -----------------------------------------------------------------------


@pytest.fixture
def disputed(objection, atasan, officer_a):
    """The objection upheld, taken to the KI (decided) and to court, with a document each."""
    objection = objections.objection_decide(
        objection, actor=atasan, decision="uphold", reasons="Sah."
    )
    today = objection.decided_at.date()
    dispute = objections.dispute_record(
        objection, actor=officer_a, commission="KI Provinsi", register_number="1/2026",
        filed_on=today,
    )  # fmt: skip
    objections.dispute_stage(dispute, actor=officer_a, stage="ajudikasi")
    objections.dispute_stage(
        dispute, actor=officer_a, stage="putusan", decision_number="1/PTS/2026",
        ruling="Menguatkan PPID.", decision_received_on=today,
    )  # fmt: skip
    court_case = objections.court_case_record(
        dispute, actor=officer_a, court="ptun", case_number="1/G/2026", filed_on=today
    )
    for kwargs in ({"dispute": dispute}, {"court_case": court_case}):
        objections.case_document_add(
            actor=officer_a, title="Berkas", upload=_pdf_upload(), **kwargs
        )
    return dispute


def _pdf_upload():
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, "Permohonan PSI")
    pdf.save()
    return SimpleUploadedFile("psi.pdf", buffer.getvalue(), "application/pdf")


def _admin_urls(objection, dispute):
    """Every back-office page and download of the objection module."""
    u = objection.uid
    court_case = dispute.court_cases.get()
    document = CaseDocument.objects.filter(dispute=dispute).get()
    name = "foi_objections_admin:"
    return {
        "list": reverse(name + "list"),
        "intake_start": reverse(name + "intake_start"),
        "intake": reverse(name + "intake", args=[objection.request.uid]),
        "detail": reverse(name + "objection", args=[u]),
        "deliberate": reverse(name + "deliberate", args=[u]),
        "settle": reverse(name + "settle", args=[u]),
        "decide": reverse(name + "decide", args=[u]),
        "review": reverse(name + "review", args=[u]),
        "reply": reverse(name + "reply", args=[u]),
        "letter": reverse(name + "letter", args=[u, objection.letters.first().uid]),
        "dispute_add": reverse(name + "dispute_add", args=[u]),
        "dispute_stage": reverse(name + "dispute_stage", args=[u, dispute.pk]),
        "dispute_execution": reverse(name + "dispute_execution", args=[u, dispute.pk]),
        "court_case_add": reverse(name + "court_case_add", args=[u, dispute.pk]),
        "dispute_document": reverse(name + "dispute_document", args=[u, dispute.pk]),
        "court_case_update": reverse(name + "court_case_update", args=[u, court_case.pk]),
        "court_case_document": reverse(name + "court_case_document", args=[u, court_case.pk]),
        "document": reverse(name + "document", args=[u, document.pk]),
    }


def test_anonymous_is_sent_to_the_login(disputed, objection):
    client = Client()
    for name, url in _admin_urls(objection, disputed).items():
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(LOGIN), name
        response = client.post(url, {})
        assert response.status_code == 302 and response.url.startswith(LOGIN), name


# Pages that are not about one objection: another office sees an empty list or nothing.
NOT_ABOUT_THE_CASE = {"list", "intake_start"}
READ_ONLY = {"detail", "letter", "document"}


@pytest.mark.parametrize("who", ["officer_b", "outsider"])
def test_another_office_gets_404(disputed, objection, request, who):
    client = client_for(request.getfixturevalue(who))
    for name, url in _admin_urls(objection, disputed).items():
        if name in NOT_ABOUT_THE_CASE:
            assert objection.registration_number not in client.get(url).content.decode()
            continue
        assert client.get(url).status_code == 404, name
        if name not in READ_ONLY:
            assert client.post(url, {"note": "x", "decision": "grant"}).status_code == 404, name
    objection.refresh_from_db()
    assert objection.status == Objection.Status.UPHELD


def test_an_expired_appointment_opens_nothing(disputed, objection, expired_officer):
    client = client_for(expired_officer)
    for name, url in _admin_urls(objection, disputed).items():
        # No current appointment: Wagtail does not let him into the admin at all.
        assert client.get(url).status_code == 302, name


@pytest.mark.parametrize("who", ["officer_a", "utama_officer", "atasan", "superuser"])
def test_handlers_and_the_atasan_open_every_page(disputed, objection, request, who):
    client = client_for(request.getfixturevalue(who))
    expected = dict.fromkeys(_admin_urls(objection, disputed), 200)
    if who == "atasan":
        # The Atasan decides; desk intake is the handlers' job.
        expected |= {"intake_start": 404, "intake": 404}
    for name, url in _admin_urls(objection, disputed).items():
        response = client.get(url)
        if name in ("decide", "review") and who in ("officer_a", "utama_officer"):
            assert response.status_code == 302 and response.url == "/admin/", name
            continue
        assert response.status_code == expected[name], (name, response.status_code)
    listing = client.get(_admin_urls(objection, disputed)["list"]).content.decode()
    assert objection.registration_number in listing


def test_letter_downloads_are_logged(objection, officer_a):
    letter = objection.letters.get()
    url = reverse("foi_objections_admin:letter", args=[objection.uid, letter.uid])
    assert client_for(officer_a).get(url).status_code == 200
    assert PersonalDataAccess.objects.filter(user=officer_a, request=objection.request).exists()


def test_only_the_atasan_gets_the_decision_page(objection, officer_a, atasan):
    url = reverse("foi_objections_admin:decide", args=[objection.uid])
    # Wagtail answers PermissionDenied with a redirect to the dashboard and a message.
    for response in (
        client_for(officer_a).get(url),
        client_for(officer_a).post(url, {"decision": "grant"}),
    ):
        assert response.status_code == 302 and response.url == "/admin/"
    client = client_for(atasan)
    assert client.get(url).status_code == 200
    refused = client.post(url, {"decision": "uphold", "reasons": ""})
    assert refused.status_code == 400
    objection.refresh_from_db()
    assert objection.status == Objection.Status.FILED
    done = client.post(url, {"decision": "grant", "reasons": "Berikan informasinya."})
    assert done.status_code == 302
    objection.refresh_from_db()
    assert objection.status == Objection.Status.GRANTED


def test_the_atasan_takes_the_objection_up_from_its_page(objection, officer_a, atasan):
    detail = reverse("foi_objections_admin:objection", args=[objection.uid])
    url = reverse("foi_objections_admin:review", args=[objection.uid])
    assert url not in client_for(officer_a).get(detail).content.decode()
    client = client_for(atasan)
    assert url in client.get(detail).content.decode()
    response = client.post(url, {"note": "Tim Pertimbangan dibentuk"})
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.status == Objection.Status.IN_REVIEW
    assert url not in client.get(detail).content.decode()


def test_actions_need_the_csrf_token(objection, atasan):
    client = Client(enforce_csrf_checks=True)
    client.force_login(atasan, backend=BACKEND)
    url = reverse("foi_objections_admin:decide", args=[objection.uid])
    assert client.post(url, {"decision": "grant"}).status_code == 403
    objection.refresh_from_db()
    assert objection.status == Objection.Status.FILED


def test_desk_intake_registers_an_objection(case, officer_a):
    client = client_for(officer_a)
    with at(REFUSED, 15):
        start = client.get(
            reverse("foi_objections_admin:intake_start"),
            {"registration_number": case.registration_number},
        )
        assert start.status_code == 302
        page = client.get(start.url)
        response = client.post(
            start.url,
            {
                "grounds": ["a"],
                "case_description": "Disampaikan langsung di meja layanan.",
                "channel": "langsung",
                "ground_found_on": "2026-11-05",
                "form_token": page.context["form"]["form_token"].value(),
            },
        )
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.channel == "langsung" and objection.created_by == officer_a


def test_desk_intake_cannot_find_another_offices_request(case, officer_b):
    response = client_for(officer_b).get(
        reverse("foi_objections_admin:intake_start"),
        {"registration_number": case.registration_number},
    )
    assert response.status_code == 400


def test_a_court_decision_with_missing_fields_changes_nothing(disputed, objection, officer_a):
    court_case = disputed.court_cases.get()
    url = reverse("foi_objections_admin:court_case_update", args=[objection.uid, court_case.pk])
    response = client_for(officer_a).post(url, {"stage": "putusan"})
    assert response.status_code == 400
    assert "decision" in response.context["form"].errors
    court_case.refresh_from_db()
    assert court_case.stage == "gugatan"


def test_an_upload_that_is_not_what_it_claims_is_refused(disputed, objection, officer_a):
    url = reverse("foi_objections_admin:dispute_document", args=[objection.uid, disputed.pk])
    fake = SimpleUploadedFile("surat.pdf", b"\x7fELF" + b"\x00" * 64, "application/pdf")
    before = CaseDocument.objects.count()
    response = client_for(officer_a).post(url, {"title": "x", "file": fake})
    assert response.status_code == 400
    assert CaseDocument.objects.count() == before
