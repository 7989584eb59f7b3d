"""The officers' back office for requests (issue 3 §2, §4): a permission matrix over every
URL it adds, the inbox (scope, colours, filters, counts, queries), the case page (masked
personal data, logged unmasking and downloads) and desk intake with its printable receipt."""

import datetime
import io

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from ppid.core.calendar import add_working_days, policy_for
from ppid.foi.models import (
    Channel,
    Disposition,
    InformationRequest,
    Letter,
    PersonalDataAccess,
)
from ppid.foi.rules import LIMITS
from ppid.organizations.models import Role
from tests.factories import AppointmentFactory, UserFactory

from .conftest import VALID_NIK

LOGIN = "/admin/login/"
PHONE = "081234567890"
ADDRESS = "Jl. Tjilik Riwut No. 1, Palangka Raya"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # A dozen personas a test: PBKDF2 would spend seconds hashing their passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _appoint(office, role, username):
    return AppointmentFactory(
        office=office, role=role, user=UserFactory(username=username, is_staff=True)
    ).user


@pytest.fixture
def leader_a(office_a):
    return _appoint(office_a, Role.LEADER, "leader")


@pytest.fixture
def desk_a(office_a):
    return _appoint(office_a, Role.SERVICE_DESK, "desk")


@pytest.fixture
def req_a(make_request, office_a):
    return make_request(office=office_a, information="Anggaran Dinas A 2025")


@pytest.fixture
def req_b(make_request, office_b):
    return make_request(office=office_b, information="Anggaran Dinas B 2025")


@pytest.fixture
def req_utama(make_request, utama):
    return make_request(office=utama, information="Anggaran provinsi 2025")


def _client(user=None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        # Reloaded: UserFactory skips the save after set_password (the session hash).
        user = type(user).objects.get(pk=user.pk)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _png(name="ktp.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _url(name, req, *args):
    return reverse(f"foi_admin:{name}", args=[req.uid, *args])


def _numbers(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [a.get_text(strip=True) for a in soup.select("table.listing tbody td.title a")]


def _row_class(response, number: str) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    for row in soup.select("table.listing tbody tr"):
        if number in row.get_text():
            return " ".join(row.get("class", []))
    raise AssertionError(f"{number} not listed")


def _send_notice(req, drafter, sender, **fields):
    from ppid.foi import services

    values = {
        "control": "dikuasai", "decision": "diterima_seluruhnya", "material": "Salinan DPA",
        "delivery_method": "email", "copy_format": "softcopy",
    }  # fmt: skip
    values.update(fields)
    notice = services.notice_draft(req, actor=drafter, **values)
    return services.notice_send(notice, actor=sender)


# --- Permission matrix -------------------------------------------------------------------


def _case_urls(req):
    """Every URL of a case, with the method a handler uses (forward: the Utama's step)."""
    return [
        ("get", _url("request", req)),
        ("get", _url("receipt", req)),
        ("post", _url("personal_data", req)),
        ("get", _url("notice_draft", req)),
        ("get", _url("notice_send", req)),
        ("get", _url("extend", req)),
        ("get", _url("fee_add", req)),
        ("get", _url("fee_paid", req)),
        ("get", _url("handover", req)),
        ("get", _url("refer", req)),
        ("get", _url("close", req)),
        ("get", _url("withdraw", req)),
        ("get", _url("letter", req, req.letters.get(kind=Letter.Kind.RECEIPT).uid)),
    ]


def test_anonymous_is_sent_to_the_login_page_from_every_url(req_a):
    client = _client()
    urls = [
        *_case_urls(req_a), ("get", _url("forward", req_a)),
        ("get", reverse("foi_admin:inbox")), ("get", reverse("foi_admin:intake")),
        ("get", _url("personal_file", req_a, "id-scan")),
    ]  # fmt: skip
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(LOGIN), url


def test_a_citizen_never_gets_into_the_back_office(citizen, req_a):
    client = _client(citizen)
    for url in (reverse("foi_admin:inbox"), _url("request", req_a)):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert req_a.registration_number not in response.content.decode()


@pytest.mark.parametrize("persona", ["officer_b", "outsider", "expired_officer"])
def test_every_case_url_answers_404_to_another_office(request, persona, req_a):
    client = _client(request.getfixturevalue(persona))
    for method, url in [*_case_urls(req_a), ("get", _url("forward", req_a))]:
        response = getattr(client, method)(url)
        assert response.status_code in (404, 302), url
        if response.status_code == 302:  # the expired officer is no longer staff
            assert response["Location"].startswith(LOGIN)


def test_every_case_page_opens_for_the_handling_officer(officer_a, req_a):
    client = _client(officer_a)
    for method, url in _case_urls(req_a):
        response = getattr(client, method)(url)
        assert response.status_code == 200, url


def test_the_utama_handles_the_cases_of_its_pelaksana(utama_officer, req_a):
    client = _client(utama_officer)
    for method, url in [*_case_urls(req_a), ("get", _url("forward", req_a))]:
        assert getattr(client, method)(url).status_code == 200, url


@pytest.mark.parametrize("persona", ["leader_a", "atasan"])
def test_leaders_and_the_atasan_read_the_case_but_take_no_step(request, persona, req_a):
    client = _client(request.getfixturevalue(persona))
    assert client.get(_url("request", req_a)).status_code == 200
    for name in ("notice_draft", "extend", "handover", "close", "withdraw", "forward"):
        assert client.get(_url(name, req_a)).status_code == 404, name
    assert client.post(_url("personal_data", req_a)).status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_actions_enforce_csrf(officer_a, req_a):
    client = _client(officer_a, enforce_csrf_checks=True)
    response = client.post(
        _url("extend", req_a), {"reasons": "Dokumen tersebar", "working_days": 3}
    )
    assert response.status_code == 403
    response = client.post(_url("personal_data", req_a))
    assert response.status_code == 403
    assert not hasattr(InformationRequest.objects.get(pk=req_a.pk), "extension")
    assert not PersonalDataAccess.objects.exists()


# --- Inbox ----------------------------------------------------------------------------------


def test_the_inbox_shows_an_officer_his_office_cases_only(officer_a, req_a, req_b):
    response = _client(officer_a).get(reverse("foi_admin:inbox"))
    assert response.status_code == 200
    assert _numbers(response) == [req_a.registration_number]


def test_the_utama_inbox_covers_its_whole_body_tree(utama_officer, req_a, req_b, req_utama):
    response = _client(utama_officer).get(reverse("foi_admin:inbox"))
    assert set(_numbers(response)) == {
        req_a.registration_number, req_b.registration_number, req_utama.registration_number,
    }  # fmt: skip


def test_the_inbox_finds_a_request_by_its_number_or_its_sequence(
    utama_officer, req_a, req_b, req_utama
):
    client = _client(utama_officer)
    url = reverse("foi_admin:inbox")
    seq = str(req_b.number_seq)
    by_seq = {
        req.registration_number
        for req in (req_a, req_b, req_utama)
        if req.number_seq == req_b.number_seq
    }
    assert set(_numbers(client.get(url, {"q": seq.zfill(5), "status": "all"}))) == by_seq
    assert set(_numbers(client.get(url, {"q": seq, "status": "all"}))) == by_seq
    whole = client.get(url, {"q": req_b.registration_number, "status": "all"})
    assert _numbers(whole) == [req_b.registration_number]
    assert _numbers(client.get(url, {"q": "999999", "status": "all"})) == []


def test_another_body_sees_nothing_of_ours(outsider, req_a, req_b):
    response = _client(outsider).get(reverse("foi_admin:inbox"))
    assert response.status_code == 200
    assert _numbers(response) == []


def test_the_inbox_shows_no_personal_data(officer_a, req_a):
    html = _client(officer_a).get(reverse("foi_admin:inbox")).content.decode()
    assert "S. W." in html  # initials of "Siti Warga"
    for secret in (VALID_NIK, PHONE, ADDRESS, "Siti Warga"):
        assert secret not in html


def test_overdue_and_due_soon_cases_are_coloured_and_sorted_by_deadline(
    officer_a, make_request, office_a
):
    today = timezone.localdate()
    later = make_request(office=office_a)
    overdue = make_request(office=office_a)
    soon = make_request(office=office_a)
    flagged = make_request(office=office_a)
    InformationRequest.objects.filter(pk=later.pk).update(due_date=today + datetime.timedelta(30))
    InformationRequest.objects.filter(pk=overdue.pk).update(due_date=today - datetime.timedelta(2))
    InformationRequest.objects.filter(pk=soon.pk).update(due_date=today + datetime.timedelta(1))
    # Flagged late by the daily tick (mark_late) although its date was moved since.
    InformationRequest.objects.filter(pk=flagged.pk).update(
        due_date=today + datetime.timedelta(20), late_since=today
    )
    response = _client(officer_a).get(reverse("foi_admin:inbox"))
    assert _numbers(response) == [
        overdue.registration_number, soon.registration_number,
        flagged.registration_number, later.registration_number,
    ]  # fmt: skip
    assert _row_class(response, overdue.registration_number) == "foi-overdue"
    assert _row_class(response, flagged.registration_number) == "foi-overdue"
    assert _row_class(response, soon.registration_number) == "foi-due-soon"
    assert _row_class(response, later.registration_number) == ""
    # The colour is never the only signal (accessibility): a text badge too.
    soup = BeautifulSoup(response.content, "html.parser")
    badges = [b.get_text() for b in soup.select("tbody .foi-badge")]
    assert badges.count(_in_page_language(response, "Overdue")) == 2


def test_due_soon_means_within_the_configured_working_days(officer_a, make_request, office_a):
    today = timezone.localdate()
    limit = add_working_days(today, LIMITS.due_soon_wd, policy_for(None))[0]
    edge = make_request(office=office_a)
    beyond = make_request(office=office_a)
    InformationRequest.objects.filter(pk=edge.pk).update(due_date=limit)
    InformationRequest.objects.filter(pk=beyond.pk).update(
        due_date=limit + datetime.timedelta(days=1)
    )
    response = _client(officer_a).get(reverse("foi_admin:inbox"), {"deadline": "due_soon"})
    assert _numbers(response) == [edge.registration_number]


def test_filters_narrow_the_list_and_counts_follow_them(
    utama_officer, officer_a, make_request, office_a, office_b, req_a, req_b
):
    from ppid.foi import services

    phone = make_request(office=office_a, channel=Channel.PHONE, actor=officer_a)
    services.request_withdraw(req_b, reason="Tidak jadi")
    client = _client(utama_officer)

    by_office = client.get(reverse("foi_admin:inbox"), {"office": office_a.slug})
    assert set(_numbers(by_office)) == {req_a.registration_number, phone.registration_number}

    by_channel = client.get(reverse("foi_admin:inbox"), {"channel": Channel.PHONE})
    assert _numbers(by_channel) == [phone.registration_number]

    by_number = client.get(reverse("foi_admin:inbox"), {"q": req_a.registration_number[-5:]})
    assert req_a.registration_number in _numbers(by_number)

    withdrawn = client.get(reverse("foi_admin:inbox"), {"status": "dibatalkan"})
    assert _numbers(withdrawn) == [req_b.registration_number]

    everything = client.get(reverse("foi_admin:inbox"), {"status": "all"})
    assert len(_numbers(everything)) == 3
    counts = {
        a["href"].rsplit("status=", 1)[-1] if "status=" in a["href"] else "open": a.get_text()
        for a in BeautifulSoup(everything.content, "html.parser").select(".foi-counts a")
    }
    assert counts["open"].endswith("(2)")  # req_a and the phone request
    assert counts["teregistrasi"].endswith("(2)")
    assert counts["dibatalkan"].endswith("(1)")
    assert counts["all"].endswith("(3)")
    # Counts follow the other filters: only office A's.
    only_a = client.get(reverse("foi_admin:inbox"), {"office": office_a.slug, "status": "all"})
    assert "(3)" not in only_a.content.decode()

    last_year = client.get(reverse("foi_admin:inbox"), {"year": req_a.number_year - 1})
    assert _numbers(last_year) == []


def test_a_bad_filter_value_is_a_message_not_an_error(officer_a, req_a):
    response = _client(officer_a).get(reverse("foi_admin:inbox"), {"year": "abc", "status": "x"})
    assert response.status_code == 200
    assert req_a.registration_number in _numbers(response)


def test_the_inbox_paginates(officer_a, make_request, office_a, settings):
    from ppid.foi import admin_requests

    for _ in range(3):
        make_request(office=office_a)
    original = admin_requests.PAGE_SIZE
    admin_requests.PAGE_SIZE = 2
    try:
        client = _client(officer_a)
        first = client.get(reverse("foi_admin:inbox"))
        second = client.get(reverse("foi_admin:inbox"), {"p": 2})
    finally:
        admin_requests.PAGE_SIZE = original
    assert len(_numbers(first)) == 2
    assert len(_numbers(second)) == 1
    assert set(_numbers(first)).isdisjoint(_numbers(second))


def test_the_inbox_runs_a_fixed_number_of_queries(utama_officer, make_request, office_a, office_b):
    client = _client(utama_officer)
    make_request(office=office_a)
    client.get(reverse("foi_admin:inbox"))  # warm up (content types, session)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("foi_admin:inbox"))
    for office in (office_a, office_b, office_a, office_b):
        make_request(office=office)
    with CaptureQueriesContext(connection) as more:
        response = client.get(reverse("foi_admin:inbox"))
    assert len(_numbers(response)) == 5
    assert len(more) == len(few)


def test_a_pelaksana_sees_the_internal_due_date_of_its_disposition(
    utama_officer, officer_a, office_a, req_utama
):
    from ppid.foi import services

    internal = timezone.localdate()
    services.request_forward(
        req_utama, actor=utama_officer, to_offices=[office_a], internal_due_date=internal
    )
    response = _client(officer_a).get(reverse("foi_admin:inbox"))
    assert _numbers(response) == [req_utama.registration_number]
    cell = BeautifulSoup(response.content, "html.parser").select("tbody tr td")[-1].get_text()
    assert internal.strftime("%d/%m/%Y") in cell or str(internal.day) in cell
    assert _row_class(response, req_utama.registration_number) == "foi-due-soon"


def test_the_dashboard_panel_counts_overdue_and_due_soon_cases(officer_a, make_request, office_a):
    today = timezone.localdate()
    overdue = make_request(office=office_a)
    InformationRequest.objects.filter(pk=overdue.pk).update(due_date=today - datetime.timedelta(1))
    response = _client(officer_a).get("/admin/")
    assert response.status_code == 200
    panel = BeautifulSoup(response.content, "html.parser").find(id="foi-deadlines-section")
    assert panel is not None
    links = [a.get_text(" ", strip=True) for a in panel.select("ul a")]
    assert links[0].startswith("1 ")
    assert links[1].startswith("0 ")


def test_the_menu_lists_the_inbox_and_intake_for_request_staff_only(officer_a, leader_a, office_a):
    inbox, intake = reverse("foi_admin:inbox"), reverse("foi_admin:intake")
    officer_page = _client(officer_a).get("/admin/").content.decode()
    assert inbox in officer_page and intake in officer_page
    leader_page = _client(leader_a).get("/admin/").content.decode()
    assert inbox in leader_page and intake not in leader_page  # leaders read, never record
    editor = _appoint(office_a, Role.EDITOR, "editor")
    editor_page = _client(editor).get("/admin/")
    assert editor_page.status_code == 200
    assert inbox not in editor_page.content.decode()


# --- Case page: personal data ----------------------------------------------------------------


def test_the_case_page_masks_personal_data_by_default(officer_a, req_a):
    response = _client(officer_a).get(_url("request", req_a))
    html = response.content.decode()
    assert req_a.registration_number in html
    for secret in (VALID_NIK, PHONE, ADDRESS):
        assert secret not in html
    assert "Siti Warga" in html  # the name is not personal data under §13.3
    assert not PersonalDataAccess.objects.exists()


def test_showing_personal_data_is_logged(officer_a, req_a):
    response = _client(officer_a).post(_url("personal_data", req_a))
    assert response.status_code == 200
    html = response.content.decode()
    for secret in (VALID_NIK, PHONE, ADDRESS):
        assert secret in html
    assert "no-store" in response["Cache-Control"]
    access = PersonalDataAccess.objects.get()
    assert (access.request_id, access.user_id) == (req_a.pk, officer_a.pk)


def test_showing_personal_data_needs_a_post(officer_a, req_a):
    response = _client(officer_a).get(_url("personal_data", req_a))
    assert response.status_code == 405
    assert not PersonalDataAccess.objects.exists()


@pytest.fixture
def req_with_scan(make_request, office_a):
    return make_request(office=office_a, id_scan=_png())


def test_the_id_scan_downloads_for_a_handler_and_is_logged(officer_a, req_with_scan):
    response = _client(officer_a).get(_url("personal_file", req_with_scan, "id-scan"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert "no-store" in response["Cache-Control"]
    assert "attachment" in response["Content-Disposition"]
    assert PersonalDataAccess.objects.filter(request=req_with_scan, what="id scan").count() == 1


@pytest.mark.parametrize("persona", ["officer_b", "outsider", "leader_a", "atasan"])
def test_the_id_scan_is_refused_to_everyone_else(request, persona, req_with_scan):
    client = _client(request.getfixturevalue(persona))
    response = client.get(_url("personal_file", req_with_scan, "id-scan"))
    assert response.status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_a_missing_file_or_unknown_kind_is_404(officer_a, req_a):
    client = _client(officer_a)
    assert client.get(_url("personal_file", req_a, "id-scan")).status_code == 404
    assert client.get(_url("personal_file", req_a, "passport")).status_code == 404


def test_letters_download_for_handlers_and_the_atasan(officer_a, atasan, leader_a, req_a):
    letter = req_a.letters.get(kind=Letter.Kind.RECEIPT)
    response = _client(officer_a).get(_url("letter", req_a, letter.uid))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert _client(atasan).get(_url("letter", req_a, letter.uid)).status_code == 200
    assert _client(leader_a).get(_url("letter", req_a, letter.uid)).status_code == 404


def test_a_letter_of_another_request_is_404(officer_a, req_a, req_b):
    letter_b = req_b.letters.get(kind=Letter.Kind.RECEIPT)
    assert _client(officer_a).get(_url("letter", req_a, letter_b.uid)).status_code == 404


def _in_page_language(response, text: str) -> str:
    with translation.override(response["Content-Language"]):
        return translation.gettext(text)


def test_the_case_page_shows_deadline_explanation_and_timeline(officer_a, req_a):
    response = _client(officer_a).get(_url("request", req_a))
    html = response.content.decode()
    assert "deadline-explanation" in html
    assert _in_page_language(response, "Request registered") in html  # the first event
    assert req_a.letters.get(kind=Letter.Kind.RECEIPT).number in html


def test_the_case_page_links_the_requests_objections(officer_a, utama_officer, req_a):
    from ppid.foi import objections

    _send_notice(
        req_a, officer_a, utama_officer, decision="ditolak", rejection_ground="h",
        rejection_reasons="Memuat data pribadi pegawai", material="",
    )  # fmt: skip
    objection = objections.objection_file(
        req_a, grounds=["a"], case_description="Penolakan tidak berdasar"
    )
    html = _client(officer_a).get(_url("request", req_a)).content.decode()
    assert objection.registration_number in html
    assert reverse("foi_objections_admin:objection", args=[objection.uid]) in html
    assert reverse("foi_objections_admin:intake", args=[req_a.uid]) in html


# --- Actions -----------------------------------------------------------------------------------


def test_the_utama_forwards_to_pelaksana(utama_officer, office_a, office_b, req_utama):
    client = _client(utama_officer)
    response = client.post(
        _url("forward", req_utama),
        {"to_offices": [office_a.pk, office_b.pk], "note": "Mohon ditindaklanjuti"},
    )
    assert response.status_code == 302
    assert set(req_utama.dispositions.values_list("to_office", flat=True)) == {
        office_a.pk, office_b.pk,
    }  # fmt: skip


def test_a_forward_by_a_pelaksana_is_refused(officer_a, office_b, req_a):
    response = _client(officer_a).post(_url("forward", req_a), {"to_offices": [office_b.pk]})
    assert response.status_code == 404
    assert not Disposition.objects.exists()


def test_a_forward_without_a_target_shows_the_error(utama_officer, req_utama):
    response = _client(utama_officer).post(_url("forward", req_utama), {"note": "x"})
    assert response.status_code == 400
    assert not Disposition.objects.exists()


def test_drafting_and_sending_a_notice(officer_a, utama_officer, req_a):
    response = _client(officer_a).post(
        _url("notice_draft", req_a),
        {
            "control": "dikuasai", "decision": "diterima_seluruhnya",
            "material": "Salinan DPA 2025", "delivery_method": "email",
            "copy_format": "softcopy", "cost": 0,
        },
    )  # fmt: skip
    assert response.status_code == 302
    notice = req_a.notices.get()
    assert notice.state == "draft"
    # The Utama sends the Pelaksana's draft (ServiceSettings default, §12): only the Utama
    # is offered the button.
    send_url = _url("notice_send", req_a)
    assert send_url not in _client(officer_a).get(_url("request", req_a)).content.decode()
    assert send_url in _client(utama_officer).get(_url("request", req_a)).content.decode()
    refused = _client(officer_a).post(send_url, {"notice": notice.pk})
    assert refused.status_code == 400
    sent = _client(utama_officer).post(_url("notice_send", req_a), {"notice": notice.pk})
    assert sent.status_code == 302
    req_a.refresh_from_db()
    assert req_a.status == InformationRequest.Status.NOTIFIED
    assert req_a.outcome == "diterima_seluruhnya"


def test_a_refusal_without_its_pasal_17_ground_changes_nothing(officer_a, req_a):
    response = _client(officer_a).post(
        _url("notice_draft", req_a),
        {"control": "dikuasai", "decision": "ditolak", "cost": 0},
    )
    assert response.status_code == 400
    assert not req_a.notices.exists()
    assert (
        "rejection_ground" in response.context["form"].errors
        or response.context["form"].non_field_errors()
    )


def test_extending_once_with_reasons(officer_a, req_a):
    client = _client(officer_a)
    too_long = client.post(
        _url("extend", req_a), {"reasons": "Banyak", "working_days": LIMITS.extension_wd + 1}
    )
    assert too_long.status_code == 400
    no_reason = client.post(_url("extend", req_a), {"reasons": "", "working_days": 3})
    assert no_reason.status_code == 400
    ok = client.post(_url("extend", req_a), {"reasons": "Dokumen di arsip", "working_days": 5})
    assert ok.status_code == 302
    req_a.refresh_from_db()
    assert req_a.extension.working_days == 5
    assert req_a.status == InformationRequest.Status.EXTENDED
    again = client.post(_url("extend", req_a), {"reasons": "Lagi", "working_days": 2})
    assert again.status_code == 400


def test_fees_are_added_and_paid(officer_a, utama_officer, make_request, office_a):
    req = make_request(office=office_a, copy_format="hardcopy", delivery_method="pos")
    _send_notice(req, officer_a, utama_officer, delivery_method="pos", copy_format="hardcopy")
    client = _client(officer_a)
    missing = client.post(_url("fee_add", req), {"quantity": 10})
    assert missing.status_code == 400
    added = client.post(
        _url("fee_add", req), {"item": "Fotokopi", "unit_price": 200, "quantity": 10}
    )
    assert added.status_code == 302
    fee = req.fees.get()
    assert fee.total == 2000
    paid = client.post(_url("fee_paid", req), {"fee": fee.pk, "receipt_number": "KW-1"})
    assert paid.status_code == 302
    fee.refresh_from_db()
    assert fee.receipt_number == "KW-1" and fee.paid_at is not None


def test_an_electronic_handover_shows_the_one_time_link(officer_a, utama_officer, req_a):
    _send_notice(req_a, officer_a, utama_officer)
    pdf = SimpleUploadedFile("dpa.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
    response = _client(officer_a).post(
        _url("handover", req_a), {"method": "email", "file": pdf, "privacy": "requester"}
    )
    assert response.status_code == 200
    link = BeautifulSoup(response.content, "html.parser").find(id="download-link")["value"]
    assert "/unduh/" in link
    from ppid.foi import services

    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert services.handover_by_token(token).request == req_a
    req_a.refresh_from_db()
    assert req_a.status == InformationRequest.Status.DELIVERED


def test_an_in_person_handover_records_who_received_it(
    officer_a, utama_officer, make_request, office_a
):
    req = make_request(office=office_a, copy_format="hardcopy", delivery_method="langsung")
    _send_notice(req, officer_a, utama_officer, delivery_method="langsung", copy_format="hardcopy")
    response = _client(officer_a).post(
        _url("handover", req),
        {"method": "langsung", "received_by": "Siti Warga", "privacy": "requester"},
    )
    assert response.status_code == 302
    handover = req.handovers.get()
    assert handover.received_by == "Siti Warga" and handover.receipt_number


def test_a_handover_before_the_notice_is_refused(officer_a, req_a):
    response = _client(officer_a).post(
        _url("handover", req_a), {"method": "langsung", "received_by": "X", "privacy": "requester"}
    )
    assert response.status_code == 400
    assert not req_a.handovers.exists()


def test_referring_a_request_held_elsewhere(officer_a, utama_officer, other_office, req_a):
    _send_notice(
        req_a, officer_a, utama_officer, control="badan_lain", decision="tidak_dikuasai",
        other_body_name=other_office.body.name, material="",
    )  # fmt: skip
    response = _client(officer_a).post(
        _url("refer", req_a), {"other_body": other_office.body.pk, "note": "Dipegang kabupaten"}
    )
    assert response.status_code == 302
    referral = InformationRequest.objects.get(referred_from=req_a)
    assert referral.office == other_office


def test_closing_needs_a_notice_first(officer_a, utama_officer, req_a):
    client = _client(officer_a)
    assert client.post(_url("close", req_a), {"reason": ""}).status_code == 400
    _send_notice(req_a, officer_a, utama_officer)
    assert client.post(_url("close", req_a), {"reason": "Selesai"}).status_code == 302
    req_a.refresh_from_db()
    assert req_a.status == InformationRequest.Status.CLOSED


def test_the_desk_withdraws_on_the_requesters_behalf(desk_a, req_a):
    client = _client(desk_a)
    assert client.post(_url("withdraw", req_a), {"reason": ""}).status_code == 400
    response = client.post(_url("withdraw", req_a), {"reason": "Pemohon datang membatalkan"})
    assert response.status_code == 302
    req_a.refresh_from_db()
    assert req_a.status == InformationRequest.Status.WITHDRAWN


def test_actions_on_a_closed_case_change_nothing(desk_a, req_a):
    from ppid.foi import services

    services.request_withdraw(req_a, reason="Batal")
    response = _client(desk_a).post(_url("extend", req_a), {"reasons": "x", "working_days": 2})
    assert response.status_code == 400
    assert not hasattr(InformationRequest.objects.get(pk=req_a.pk), "extension")


# --- Desk intake ----------------------------------------------------------------------------


def _intake_post(office, **overrides):
    received = timezone.localtime() - datetime.timedelta(hours=1)
    data = {
        "office": office.pk, "channel": "langsung",
        "received_at": received.strftime("%Y-%m-%dT%H:%M"), "kind": "perorangan",
        "name": "Budi Datang", "nik": VALID_NIK, "address": ADDRESS, "phone": PHONE,
        "email": "budi@example.org", "information": "Daftar proyek jalan 2025",
        "purpose": "Pengawasan warga", "obtain_methods": ["salinan"],
        "copy_format": "hardcopy", "delivery_method": "langsung", "form_token": "tok-1",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_desk_intake_registers_a_numbered_request_and_prints_the_receipt(desk_a, office_a):
    client = _client(desk_a)
    assert client.get(reverse("foi_admin:intake")).status_code == 200
    response = client.post(reverse("foi_admin:intake"), _intake_post(office_a))
    assert response.status_code == 302
    req = InformationRequest.objects.get()
    assert req.channel == Channel.IN_PERSON
    assert req.created_by_id == desk_a.pk
    assert response["Location"] == _url("receipt", req)

    receipt = client.get(response["Location"])
    html = receipt.content.decode()
    assert req.registration_number in html
    assert "deadline-explanation" in html
    assert "/permohonan/lacak/" in html  # the tracking link, once
    assert "@media print" in html
    assert _url("letter", req, req.letters.get(kind=Letter.Kind.RECEIPT).uid) in html
    assert VALID_NIK not in html and PHONE not in html
    assert "/permohonan/lacak/" not in client.get(response["Location"]).content.decode()


def test_a_letter_received_earlier_keeps_its_date(desk_a, office_a):
    received = (timezone.localtime() - datetime.timedelta(days=3)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )
    client = _client(desk_a)
    client.post(
        reverse("foi_admin:intake"),
        _intake_post(office_a, channel="surat", received_at=received.strftime("%Y-%m-%dT%H:%M")),
    )
    req = InformationRequest.objects.get()
    assert req.channel == Channel.LETTER
    assert req.received_at == received


def test_a_double_submission_registers_one_request(desk_a, office_a):
    client = _client(desk_a)
    first = client.post(reverse("foi_admin:intake"), _intake_post(office_a))
    second = client.post(reverse("foi_admin:intake"), _intake_post(office_a))
    assert InformationRequest.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_bad_intake_input_is_shown_and_registers_nothing(desk_a, office_a):
    client = _client(desk_a)
    future = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("foi_admin:intake"), _intake_post(office_a, received_at=future))
    assert response.status_code == 400
    assert "received_at" in response.context["form"].errors
    response = client.post(reverse("foi_admin:intake"), _intake_post(office_a, nik="1234"))
    assert response.status_code == 400
    assert "nik" in response.context["form"].errors
    response = client.post(reverse("foi_admin:intake"), _intake_post(office_a, channel="website"))
    assert response.status_code == 400
    assert not InformationRequest.objects.exists()


def test_intake_is_only_for_the_offices_one_serves(desk_a, leader_a, office_b):
    response = _client(desk_a).post(reverse("foi_admin:intake"), _intake_post(office_b))
    assert response.status_code == 400
    assert "office" in response.context["form"].errors
    assert _client(leader_a).get(reverse("foi_admin:intake")).status_code == 404
    assert not InformationRequest.objects.exists()


def test_the_intake_form_labels_every_field(desk_a):
    html = _client(desk_a).get(reverse("foi_admin:intake")).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    form = soup.find("form", attrs={"enctype": "multipart/form-data"})
    for field in form.find_all(["input", "select", "textarea"]):
        if field.get("type") in ("hidden", "submit", "checkbox"):
            continue
        assert soup.find("label", attrs={"for": field["id"]}), field.get("name")


@pytest.mark.parametrize("value", ["", "a&b", "c", "missing"])
def test_the_inbox_filters_plain_select_writes_what_django_writes(value):
    """forms_admin.PlainSelect skips Django's per-option templates (inbox speed); its HTML
    must be Django's own: values and labels escaped, the chosen option selected."""
    from django import forms
    from django.test.html import parse_html

    from ppid.foi.forms_admin import PlainSelect

    choices = [("", "Semua"), ("a&b", 'Dinas <A> "B"'), ("c", "C")]

    class Django(forms.Form):
        x = forms.ChoiceField(choices=choices, required=False)

    class Plain(forms.Form):
        x = forms.ChoiceField(choices=choices, required=False, widget=PlainSelect)

    # Same elements, attributes (in any order), text and escaping.
    assert parse_html(str(Plain({"x": value})["x"])) == parse_html(str(Django({"x": value})["x"]))
