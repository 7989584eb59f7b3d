"""Following a request (§17 #7, F17–F19): by registration number and e-mail (identical
answers for an unknown number and a wrong e-mail), by the private link, or by account;
the case page shows status, deadlines and a public timeline with no personal data;
withdrawal, the survey once after closure, letters and handover downloads only for the
requester; everyone else gets 404."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ppid.foi import services
from ppid.foi.models import Handover, InformationRequest, Survey
from tests.foi.conftest import REQUESTER_EMAIL, VALID_NIK
from tests.foi.test_public_form import PDF, PHONE, login

Status = InformationRequest.Status
TRACK_URL = "/permohonan/lacak/"


@pytest.fixture(autouse=True)
def _indonesian():
    from django.utils import translation

    translation.activate("id")
    yield
    translation.deactivate()


@pytest.fixture
def submitted(request_data, utama):
    """A request at the PPID Utama, with its private token: (request, token)."""
    result = services.request_submit(request_data(office=utama, requester={"phone": PHONE}))
    return result.request, result.tracking_token


@pytest.fixture
def case(submitted):
    return submitted[0]


@pytest.fixture
def token(submitted):
    return submitted[1]


def _csrf_free(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def _answer(case, utama_officer, **fields):
    notice = services.notice_draft(
        case,
        actor=utama_officer,
        control="dikuasai",
        decision=fields.pop("decision", "diterima_seluruhnya"),
        material="Laporan realisasi anggaran 2025 (PDF)",
        **fields,
    )
    return services.notice_send(notice, actor=utama_officer)


# --- by number and e-mail ------------------------------------------------------------


def test_the_tracking_form_posts_so_the_email_stays_out_of_urls(client, case):
    html = client.get(TRACK_URL).content.decode()
    assert re.search(r'<form method="post"', html)
    assert 'name="email"' in html and 'name="registration_number"' in html


def test_the_right_number_and_email_open_the_case(client, case):
    response = client.post(
        TRACK_URL, {"registration_number": case.registration_number, "email": REQUESTER_EMAIL}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("foi:case", args=[case.uid])
    assert "@" not in response["Location"]
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert case.registration_number in page.content.decode()


def test_the_lookup_ignores_case_and_spaces(client, case):
    response = client.post(
        TRACK_URL,
        {
            "registration_number": f"  {case.registration_number.lower()} ",
            "email": REQUESTER_EMAIL.upper(),
        },
    )
    assert response.status_code == 302


def test_a_wrong_email_and_an_unknown_number_get_identical_answers(client, case):
    wrong_email = client.post(
        TRACK_URL, {"registration_number": "X", "email": "someone@example.org"}
    )
    unknown = client.post(TRACK_URL, {"registration_number": "X", "email": REQUESTER_EMAIL})
    real_number_wrong_email = client.post(
        TRACK_URL,
        {"registration_number": case.registration_number, "email": "someone@example.org"},
    )
    assert wrong_email.status_code == unknown.status_code == real_number_wrong_email.status_code
    assert wrong_email.status_code == 200
    assert _csrf_free(wrong_email.content.decode()) == _csrf_free(
        real_number_wrong_email.content.decode()
    ).replace(case.registration_number, "X")
    assert 'role="alert"' in unknown.content.decode()
    # Nothing was granted: the case page stays closed to this browser.
    assert client.get(reverse("foi:case", args=[case.uid])).status_code == 404


def test_the_tracking_form_validates_its_fields(client, case):
    response = client.post(TRACK_URL, {"registration_number": "", "email": "bad"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="errorlist') >= 2


# --- the private link and the case page ---------------------------------------------


def test_the_private_link_shows_status_deadline_and_timeline(client, case, token):
    response = client.get(reverse("foi:track_token", args=[token]))
    assert response.status_code == 200
    html = response.content.decode()
    assert case.registration_number in html
    assert str(Status.REGISTERED.label) in html or "Teregistrasi" in html
    assert case.due_date.isoformat() in html
    assert 'class="timeline"' in html
    assert html.count("<li><time") >= 1
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in html


def test_an_unknown_or_overlong_token_is_404(client, case):
    assert client.get(reverse("foi:track_token", args=["nope"])).status_code == 404
    assert client.get(reverse("foi:track_token", args=["x" * 300])).status_code == 404


def test_the_case_page_shows_no_personal_data_in_clear(client, case, token):
    html = client.get(reverse("foi:track_token", args=[token])).content.decode()
    assert VALID_NIK not in html
    assert PHONE not in html
    assert case.address not in html
    assert REQUESTER_EMAIL not in html


def test_the_timeline_hides_internal_steps(client, case, token, utama_officer, office_a):
    services.request_forward(
        case, actor=utama_officer, to_offices=[office_a], note="Catatan internal rahasia"
    )
    html = client.get(reverse("foi:track_token", args=[token])).content.decode()
    assert "Catatan internal rahasia" not in html
    assert "uma" not in re.findall(r'<ol class="timeline">(.*?)</ol>', html, re.S)[0]


@pytest.mark.parametrize("who", ["anonymous", "other_citizen", "outsider", "officer_b"])
def test_others_cannot_see_the_case_or_its_letters(who, case, request):
    browser = Client()
    if who != "anonymous":
        user = (
            request.getfixturevalue("citizen")
            if who == "other_citizen"
            else request.getfixturevalue(who)
        )
        login(browser, user)
    receipt = case.letters.get(kind="receipt")
    for url in (
        reverse("foi:case", args=[case.uid]),
        reverse("foi:letter", args=[case.uid, receipt.uid]),
        reverse("foi:submitted", args=[case.uid]),
    ):
        assert browser.get(url).status_code == 404, url
    assert (
        browser.post(reverse("foi:withdraw", args=[case.uid]), {"confirm": "on"}).status_code == 404
    )
    case.refresh_from_db()
    assert case.status == Status.REGISTERED


def test_a_letter_of_another_request_is_404_even_with_access_to_one(client, request_data, utama):
    mine = services.request_submit(request_data(office=utama))
    theirs = services.request_submit(request_data(office=utama)).request
    client.get(reverse("foi:track_token", args=[mine.tracking_token]))
    other_letter = theirs.letters.get(kind="receipt")
    url = reverse("foi:letter", args=[mine.request.uid, other_letter.uid])
    assert client.get(url).status_code == 404


def test_the_token_holder_downloads_the_letters(client, case, token, utama_officer):
    _answer(case, utama_officer)
    html = client.get(reverse("foi:track_token", args=[token])).content.decode()
    for letter in case.letters.filter(kind__in=["receipt", "notice"]):
        url = reverse("foi:letter", args=[case.uid, letter.uid])
        assert url in html
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "no-store" in response["Cache-Control"]


def test_the_case_page_shows_the_notice_and_extension(client, case, token, utama_officer):
    services.request_extend(case, actor=utama_officer, reasons="Dokumen tersebar di 3 bidang")
    html = client.get(reverse("foi:track_token", args=[token])).content.decode()
    assert "Dokumen tersebar di 3 bidang" in html
    case.refresh_from_db()
    assert case.due_date_extended.isoformat() in html
    _answer(case, utama_officer)
    html = client.get(reverse("foi:case", args=[case.uid])).content.decode()
    assert "Laporan realisasi anggaran 2025 (PDF)" in html


def test_the_case_page_links_to_the_objection_form(client, case, token):
    html = client.get(reverse("foi:track_token", args=[token])).content.decode()
    assert reverse("foi_objections:new", args=[case.uid]) in html


# --- withdrawal -------------------------------------------------------------------------


def test_the_requester_withdraws_an_open_request(client, case, token):
    client.get(reverse("foi:track_token", args=[token]))
    url = reverse("foi:withdraw", args=[case.uid])
    response = client.post(url, {"reason": "Sudah tidak diperlukan", "confirm": "on"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.WITHDRAWN
    event = case_events(case).get(action="withdrawn")
    assert event.actor is None and event.actor_role == "requester"
    html = client.get(response["Location"]).content.decode()
    assert 'action="' + url not in html  # no second withdraw button


def test_a_withdrawal_needs_the_confirmation_box(client, case, token):
    client.get(reverse("foi:track_token", args=[token]))
    response = client.post(reverse("foi:withdraw", args=[case.uid]), {"reason": "x"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.REGISTERED


def test_withdrawing_twice_gives_a_message_not_an_error(client, case, token):
    client.get(reverse("foi:track_token", args=[token]))
    url = reverse("foi:withdraw", args=[case.uid])
    client.post(url, {"confirm": "on"})
    response = client.post(url, {"confirm": "on"}, follow=True)
    assert response.status_code == 200
    assert 'class="notice notice-error"' in response.content.decode()


def test_withdraw_accepts_only_post(client, case, token):
    client.get(reverse("foi:track_token", args=[token]))
    assert client.get(reverse("foi:withdraw", args=[case.uid])).status_code == 405


def case_events(case):
    from ppid.core.events import events_for

    return events_for(case)


# --- survey -----------------------------------------------------------------------------


@pytest.fixture
def closed_case(case, utama_officer):
    _answer(case, utama_officer)
    return services.request_close(case, actor=utama_officer)


def test_the_survey_is_offered_after_closure_and_taken_once(client, closed_case, token):
    page = client.get(reverse("foi:track_token", args=[token])).content.decode()
    url = reverse("foi:survey", args=[closed_case.uid])
    assert url in page
    response = client.post(url, {"rating": "4", "comment": "Cepat"})
    assert response.status_code == 302
    survey = Survey.objects.get(request=closed_case)
    assert (survey.rating, survey.comment) == (4, "Cepat")
    again = client.post(url, {"rating": "1"}, follow=True)
    assert again.status_code == 200
    assert Survey.objects.get(request=closed_case).rating == 4
    assert url not in client.get(reverse("foi:case", args=[closed_case.uid])).content.decode()


def test_the_survey_is_not_offered_while_the_request_is_open(client, case, token):
    page = client.get(reverse("foi:track_token", args=[token])).content.decode()
    assert reverse("foi:survey", args=[case.uid]) not in page
    client.post(reverse("foi:survey", args=[case.uid]), {"rating": "5"})
    assert not Survey.objects.exists()


@pytest.mark.parametrize("rating", ["0", "6", "abc", ""])
def test_a_bad_rating_is_refused(client, closed_case, token, rating):
    client.get(reverse("foi:track_token", args=[token]))
    response = client.post(reverse("foi:survey", args=[closed_case.uid]), {"rating": rating})
    assert response.status_code == 302
    assert not Survey.objects.exists()


def test_a_stranger_cannot_answer_the_survey(closed_case):
    response = Client().post(reverse("foi:survey", args=[closed_case.uid]), {"rating": "1"})
    assert response.status_code == 404
    assert not Survey.objects.exists()


# --- handover downloads -------------------------------------------------------------


@pytest.fixture
def handed_over(case, utama_officer):
    _answer(case, utama_officer)
    upload = SimpleUploadedFile("laporan.pdf", PDF, "application/pdf")
    handover, download_token = services.handover_record(
        case, actor=utama_officer, method="email", file=upload
    )
    return handover, download_token


def test_the_handover_link_streams_the_file_as_an_attachment(client, handed_over):
    _handover, download_token = handed_over
    response = client.get(reverse("foi:handover_download", args=[download_token]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="laporan.pdf"')
    assert b"".join(response.streaming_content) == PDF
    assert "no-store" in response["Cache-Control"]


def test_each_handover_download_is_counted_for_the_officers(client, handed_over):
    handover, download_token = handed_over
    url = reverse("foi:handover_download", args=[download_token])
    client.get(url)
    client.get(url)
    client.head(url)  # a HEAD is not a download
    handover.refresh_from_db()
    assert handover.downloads == 2


def test_an_unknown_or_expired_handover_link_is_the_indonesian_404_page(client, handed_over):
    handover, download_token = handed_over
    response = client.get(reverse("foi:handover_download", args=["unknown-token"]))
    assert response.status_code == 404
    assert 'lang="id"' in response.content.decode()
    Handover.objects.filter(pk=handover.pk).update(
        download_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert client.get(reverse("foi:handover_download", args=[download_token])).status_code == 404


def test_the_case_page_offers_the_handover_while_it_is_valid(client, case, token, handed_over):
    handover, _download_token = handed_over
    html = client.get(reverse("foi:track_token", args=[token])).content.decode()
    url = reverse("foi:handover", args=[case.uid, handover.pk])
    assert url in html
    assert client.get(url).status_code == 200
    assert Client().get(url).status_code == 404
    Handover.objects.filter(pk=handover.pk).update(
        download_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert client.get(url).status_code == 404


def test_every_field_of_the_tracking_and_case_forms_has_a_label(client, closed_case, token, case):
    from tests.foi.test_public_form import parse

    pages = [client.get(TRACK_URL), client.get(reverse("foi:track_token", args=[token]))]
    for response in pages:
        page = parse(response.content.decode())
        assert page.lang == "id"
        assert page.controls
        for control in page.controls:
            assert control.get("id") in page.labelled, control


def test_the_withdraw_form_is_labelled(client, case, token):
    from tests.foi.test_public_form import parse

    page = parse(client.get(reverse("foi:track_token", args=[token])).content.decode())
    names = {control.get("name") for control in page.controls}
    assert {"reason", "confirm"} <= names
    for control in page.controls:
        assert control.get("id") in page.labelled, control
