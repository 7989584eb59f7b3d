"""API tokens: shown once, stored hashed, revocable, and only as strong as the user's
current appointment (F48)."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command

from ppid.core.models import ApiToken
from ppid.core.tokens import token_authenticate, token_create, token_revoke

pytestmark = pytest.mark.django_db


def test_a_new_token_stores_only_the_hash_and_the_prefix_of_its_key(officer_a):
    token, raw_key = token_create(user=officer_a, name="sync script")
    token.refresh_from_db()
    assert token.key_hash == hashlib.sha256(raw_key.encode()).hexdigest()
    assert token.prefix == raw_key[:8]
    assert raw_key not in {getattr(token, f.attname) for f in ApiToken._meta.fields}


def test_two_tokens_never_share_a_key(officer_a):
    keys = {token_create(user=officer_a, name=f"t{i}")[1] for i in range(20)}
    assert len(keys) == 20


def test_a_token_needs_a_name(officer_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        token_create(user=officer_a, name="   ")


def test_the_raw_key_authenticates_and_records_its_use(officer_a):
    token, raw_key = token_create(user=officer_a, name="sync")
    found = token_authenticate(raw_key)
    assert found == token
    assert found.user == officer_a
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("raw", ["", "x", "Bearer", "a" * 10_000, "\x00", "🙂"])
def test_anything_else_does_not_authenticate(officer_a, raw):
    token_create(user=officer_a, name="sync")
    assert token_authenticate(raw) is None


def test_the_prefix_or_the_hash_alone_does_not_authenticate(officer_a):
    token, raw_key = token_create(user=officer_a, name="sync")
    assert token_authenticate(token.prefix) is None
    assert token_authenticate(token.key_hash) is None
    assert token_authenticate(raw_key[:-1]) is None


def test_a_revoked_token_no_longer_authenticates(officer_a):
    token, raw_key = token_create(user=officer_a, name="sync")
    token_revoke(token=token)
    assert token_authenticate(raw_key) is None
    first = ApiToken.objects.get(pk=token.pk).revoked_at
    token_revoke(token=ApiToken.objects.get(pk=token.pk))
    assert ApiToken.objects.get(pk=token.pk).revoked_at == first


def test_an_inactive_users_token_does_not_authenticate(officer_a):
    _, raw_key = token_create(user=officer_a, name="sync")
    officer_a.is_active = False
    officer_a.save()
    assert token_authenticate(raw_key) is None


def test_the_command_prints_the_key_once_and_it_works(officer_a):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "alice", "sync script", stdout=out, stderr=err)
    raw_key = out.getvalue().strip()
    assert token_authenticate(raw_key).user == officer_a
    assert raw_key not in err.getvalue()
    assert ApiToken.objects.get(user=officer_a).name == "sync script"


def test_the_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user"):
        call_command("create_api_token", "nobody", "x", stdout=io.StringIO())
