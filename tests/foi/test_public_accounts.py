"""Optional citizen accounts: sign-up with Django's password rules, sign-in by e-mail,
sign-out by POST, "my requests" listing every own request and nobody else's, and no way
into the back office."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from ppid.foi import services
from ppid.foi.models import InformationRequest
from tests.factories import UserFactory
from tests.foi.conftest import VALID_NIK
from tests.foi.test_public_form import PHONE, login, parse

SIGNUP = "/akun/daftar/"
SIGNIN = "/akun/masuk/"
SIGNOUT = "/akun/keluar/"
MINE = "/permohonan/saya/"
PASSWORD = "Kalimantan-Tengah-2026"


@pytest.fixture(autouse=True)
def _indonesian():
    from django.utils import translation

    translation.activate("id")
    yield
    translation.deactivate()


def _signup(client, **overrides):
    data = {
        "name": "Rina Warga",
        "email": "Rina@Example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }
    return client.post(SIGNUP, data)


def test_the_account_pages_label_every_field(client, db):
    for url in (SIGNUP, SIGNIN):
        response = client.get(url)
        assert response.status_code == 200
        page = parse(response.content.decode())
        assert page.lang == "id"
        for control in page.controls:
            assert control.get("id") in page.labelled, (url, control)


def test_signing_up_creates_a_plain_account_and_signs_in(client, db):
    response = _signup(client)
    assert response.status_code == 302
    assert response["Location"] == MINE
    user = get_user_model().objects.get()
    assert (user.username, user.email, user.first_name) == (
        "rina@example.org",
        "rina@example.org",
        "Rina Warga",
    )
    assert not user.is_staff and not user.is_superuser
    assert not user.appointments.exists()
    assert client.get(MINE).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"password1": "short", "password2": "short"}, "password1"),
        ({"password1": "12345678901", "password2": "12345678901"}, "password1"),
        ({"password1": "password123", "password2": "password123"}, "password1"),
        ({"password2": "something-else-2026"}, "password2"),
        ({"email": "not-an-email"}, "email"),
        ({"name": ""}, "name"),
    ],
)
def test_a_bad_sign_up_is_refused_with_a_message(client, db, overrides, field):
    response = _signup(client, **overrides)
    assert response.status_code == 200
    html = response.content.decode()
    block = html.split(f'id="wrap_{field}"', 1)[1].split('id="wrap_', 1)[0]
    assert 'class="errorlist' in block
    assert not get_user_model().objects.exists()


def test_an_email_can_have_only_one_account(client, citizen):
    response = _signup(client, email=citizen.email.upper())
    assert response.status_code == 200
    assert get_user_model().objects.count() == 1


def test_signing_in_by_email_and_out_by_post(client, db):
    _signup(client)
    client.post(SIGNOUT)
    assert client.get(MINE).status_code == 302
    response = client.post(SIGNIN, {"username": "RINA@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(MINE).status_code == 200
    assert client.get(SIGNOUT).status_code == 405
    assert client.post(SIGNOUT).status_code == 302
    assert client.get(MINE).status_code == 302


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, db):
    _signup(client)
    client.post(SIGNOUT)
    response = client.post(SIGNIN, {"username": "rina@example.org", "password": "wrong"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_sign_in_follows_only_a_local_next(client, db):
    _signup(client)
    client.post(SIGNOUT)
    data = {"username": "rina@example.org", "password": PASSWORD}
    local = client.post(f"{SIGNIN}?next=/permohonan/ajukan/", data)
    assert local["Location"] == "/permohonan/ajukan/"
    client.post(SIGNOUT)
    evil = client.post(f"{SIGNIN}?next=https://evil.example/", data)
    assert evil["Location"] == MINE


def test_my_requests_needs_a_sign_in(client, db):
    response = client.get(MINE)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{SIGNIN}?next=")


def test_my_requests_lists_all_my_requests_and_nobody_else_s(
    client, citizen, make_request, utama, office_a
):
    mine_open = make_request(office=utama, user=citizen)
    mine_withdrawn = make_request(office=office_a, user=citizen)
    services.request_withdraw(mine_withdrawn, reason="", actor=citizen)
    someone_else = make_request(office=utama, user=UserFactory(username="other"))
    anonymous = make_request(office=utama)
    login(client, citizen)
    response = client.get(MINE)
    html = response.content.decode()
    assert mine_open.registration_number in html
    assert mine_withdrawn.registration_number in html
    assert someone_else.registration_number not in html
    assert anonymous.registration_number not in html
    assert VALID_NIK not in html and PHONE not in html
    assert "no-store" in response["Cache-Control"]


def test_an_account_opens_its_own_cases_without_a_token(client, citizen, make_request, utama):
    case = make_request(office=utama, user=citizen)
    login(client, citizen)
    assert client.get(reverse("foi:case", args=[case.uid])).status_code == 200
    receipt = case.letters.get(kind="receipt")
    assert client.get(reverse("foi:letter", args=[case.uid, receipt.uid])).status_code == 200


def test_another_account_cannot_open_my_case(citizen, make_request, utama):
    case = make_request(office=utama, user=citizen)
    other = Client()
    login(other, UserFactory(username="tetangga"))
    assert other.get(reverse("foi:case", args=[case.uid])).status_code == 404
    assert case.registration_number not in other.get(MINE).content.decode()


def test_the_owner_withdraws_as_himself(client, citizen, make_request, utama):
    case = make_request(office=utama, user=citizen)
    login(client, citizen)
    client.post(reverse("foi:withdraw", args=[case.uid]), {"confirm": "on"})
    case.refresh_from_db()
    assert case.status == InformationRequest.Status.WITHDRAWN


def test_a_citizen_account_never_gets_into_the_back_office(client, db):
    _signup(client)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert client.get("/django-admin/").status_code == 302


def test_the_account_pages_exist_in_english(client, db):
    response = client.get("/en" + SIGNUP)
    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()
    assert "Create an account" in response.content.decode()
