"""API clients' credentials and retries: tokens (shown once, stored only hashed) and
idempotency keys (a retried write answers as the first one did and changes nothing)."""

import datetime
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ApiToken, IdempotencyKey

# Writing last_used_at on every request would turn every API read into a write;
# once a minute is precise enough to tell a live token from a forgotten one.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)
# token_urlsafe(32) gives 43 characters; anything far longer is not one of ours.
MAX_KEY_LENGTH = 200


def _hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user` and its raw key; the key is never stored, so show it now."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    raw_key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=raw_key[: ApiToken.PREFIX_LENGTH],
        key_hash=_hash(raw_key),
    )
    return token, raw_key


def token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token for good; revoking twice keeps the first time."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=token.revoked_at
        )
    return token


def token_authenticate(raw_key: str) -> ApiToken | None:
    """The live token whose key is `raw_key`, or None.

    The lookup is by the key's SHA-256, so the database never compares secret material
    character by character; the final compare_digest keeps the check constant-time too.
    """
    if not raw_key or len(raw_key) > MAX_KEY_LENGTH:
        return None
    digest = _hash(raw_key)
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=digest, revoked_at__isnull=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.key_hash, digest):
        return None
    if not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


IDEMPOTENCY_KEY_MAX_LENGTH = 200


class IdempotencyConflict(Exception):
    """The key was already used by this user for a different request."""


def _request_hash(scope: str, payload: dict) -> str:
    canonical = json.dumps([scope, payload], sort_keys=True, default=str, ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(existing: IdempotencyKey, request_hash: str) -> tuple[int, dict]:
    if existing.request_hash != request_hash:
        raise IdempotencyConflict
    return existing.status_code, existing.response


def idempotent_call(
    *, user, key: str, scope: str, payload: dict, action: Callable[[], tuple[int, dict]]
) -> tuple[int, dict]:
    """Run `action` once per (user, key): a repeat returns the stored first answer.

    `action` returns (status, JSON-ready body). It runs in the same transaction as the
    key's row, so a failed action stores nothing and may be retried with the same key.
    When two requests with one key race, the unique constraint lets one commit; the other
    rolls back its work and answers with the winner's result.
    """
    request_hash = _request_hash(scope, payload)
    existing = IdempotencyKey.objects.filter(user=user, key=key).first()
    if existing is not None:
        return _replay(existing, request_hash)
    try:
        with transaction.atomic():
            status, body = action()
            IdempotencyKey.objects.create(
                user=user,
                key=key,
                scope=scope,
                request_hash=request_hash,
                status_code=status,
                response=body,
            )
    except IntegrityError:
        existing = IdempotencyKey.objects.filter(user=user, key=key).first()
        if existing is None:
            raise
        return _replay(existing, request_hash)
    return status, body
