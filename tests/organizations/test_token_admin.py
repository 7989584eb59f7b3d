"""Staff manage their own API tokens in the back office: the key is shown once, a revoked
token stops working, and nobody sees or revokes another's token."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from ppid.core.models import ApiToken
from ppid.core.tokens import token_create

LOGIN = "/admin/login/"
STAFF_API = "/api/v1/staff/information"


def _client(user=None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        user = type(user).objects.get(pk=user.pk)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
def test_an_officer_creates_a_token_sees_the_key_once_and_uses_it(officer_a):
    client = _client(officer_a)
    response = client.post(reverse("tokens_admin:token_list"), {"name": "Situs dinas"})
    assert response.status_code == 200
    key = re.search(rb'<code id="new-key">([^<]+)</code>', response.content).group(1).decode()
    token = ApiToken.objects.get(user=officer_a)
    assert token.name == "Situs dinas"
    assert key not in client.get(reverse("tokens_admin:token_list")).content.decode()
    api = Client()
    assert api.get(STAFF_API, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


@pytest.mark.django_db
def test_a_revoked_token_no_longer_works(officer_a):
    token, key = token_create(user=officer_a, name="Skrip laporan")
    response = _client(officer_a).post(reverse("tokens_admin:token_revoke", args=[token.uid]))
    assert response.status_code == 302
    assert Client().get(STAFF_API, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


@pytest.mark.django_db
def test_another_officer_neither_sees_nor_revokes_the_token(officer_a, officer_b):
    token, key = token_create(user=officer_a, name="Token Alice")
    client = _client(officer_b)
    assert b"Token Alice" not in client.get(reverse("tokens_admin:token_list")).content
    response = client.post(reverse("tokens_admin:token_revoke", args=[token.uid]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["anonymous", "expired_officer", "citizen"])
def test_people_without_a_current_appointment_are_refused(persona, request, officer_a):
    token, _key = token_create(user=officer_a, name="Token Alice")
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = _client(user)
    for method, url in (
        ("get", reverse("tokens_admin:token_list")),
        ("post", reverse("tokens_admin:token_revoke", args=[token.uid])),
    ):
        response = getattr(client, method)(url)
        assert response.status_code in (302, 403, 404)
        if response.status_code == 302:
            assert response["Location"].startswith(LOGIN)
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.django_db
def test_a_token_needs_a_name(officer_a):
    response = _client(officer_a).post(reverse("tokens_admin:token_list"), {"name": " "})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_revoking_needs_the_csrf_token(officer_a):
    token, _key = token_create(user=officer_a, name="Token")
    client = _client(officer_a, enforce_csrf_checks=True)
    assert client.post(reverse("tokens_admin:token_revoke", args=[token.uid])).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None
