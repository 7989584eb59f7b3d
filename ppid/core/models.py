"""Cross-module records: the append-only event log every case's history is read from."""

import datetime
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """One state change of a record: who, in which role, when, what and why.

    Events are never edited or deleted; a record's history is the list of its events.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("action"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_role = models.CharField(_("role"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.action} @ {self.created_at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A staff member's key for the JSON API (Authorization: Bearer <key>).

    Only the SHA-256 of the key is stored: the key itself is shown once, when it is
    created. The first characters (`prefix`) are kept so people can tell their tokens
    apart. A token acts with its user's rights, which follow his current appointments.
    (Separate from Wagtail's own APIToken, which serves Wagtail's content API.)
    """

    PREFIX_LENGTH = 8

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="ppid_api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("key prefix"), max_length=PREFIX_LENGTH, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyKey(models.Model):
    """The first answer to an API write sent with an `Idempotency-Key` header, so that a
    retried request (same user, same key) gets that answer again and changes nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    # Which operation the key was used for, and a hash of the request body: the same key
    # sent with a different request is a client error, not a replay.
    scope = models.CharField(max_length=60)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


# --- working-day calendar (domain.md §10, §11; ppid/core/calendar.py) --------------------


class CalendarDay(models.Model):
    """A day that is not an ordinary working day, or a weekend day made one (domain.md §11).

    Seeded per year from the pinned `holidays` package and overridden by the PPID Utama.
    Rows are never deleted: a removed day keeps its row with `removed_at` and the reason,
    so every earlier deadline can still be explained. Whether a row is non-working is
    decided at evaluation time from its kind and the policy (C4), never stored.
    """

    class Kind(models.TextChoices):
        NATIONAL_HOLIDAY = "libur_nasional", _("National holiday")
        CUTI_BERSAMA = "cuti_bersama", _("Joint leave (cuti bersama)")
        SPECIAL_HOLIDAY = "libur_khusus", _("Special holiday (e.g. election day)")
        REGIONAL_HOLIDAY = "libur_daerah", _("Regional holiday")
        REPLACEMENT_WORKDAY = "hari_kerja_pengganti", _("Replacement working day")

    date = models.DateField(_("date"), db_index=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    # Empty = national; else a province/regency code (kalteng.md), e.g. "62".
    region = models.CharField(_("region code"), max_length=20, blank=True)
    source = models.CharField(_("legal source"), max_length=300, blank=True)
    origin = models.CharField(_("origin"), max_length=40)  # "seed:holidays==0.109" or "manual"
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_reason = models.TextField(_("reason for removal"), blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "kind", "region"],
                condition=models.Q(removed_at__isnull=True),
                name="calendar_day_unique_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class CalendarRevision(models.Model):
    """One change of the calendar or of a counting policy; its id is the calendar version
    stored with every computed deadline (C8)."""

    created_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.CharField(_("summary"), max_length=300)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("calendar revision")
        verbose_name_plural = _("calendar revisions")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"v{self.pk}: {self.summary}"


class CountingPolicy(models.Model):
    """How one public body counts working days (C2–C4). `body` empty = the default for
    bodies without their own row. Changed only by the PPID Utama; every change is an event."""

    body = models.OneToOneField(
        "organizations.Body",
        verbose_name=_("public body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="counting_policy",
    )
    cuti_bersama_is_working_day = models.BooleanField(
        _("count cuti bersama as working days"), default=False
    )
    # ISO weekday numbers (1 = Monday ... 7 = Sunday) of the work week, e.g. "12345".
    work_week = models.CharField(_("work week"), max_length=7, default="12345")
    service_opens = models.TimeField(_("service opens"), default=datetime.time(8, 0))
    # Requests received after this time count from the next working day (C2); empty = none.
    service_closes = models.TimeField(
        _("service closes"), null=True, blank=True, default=datetime.time(16, 0)
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("counting policy")
        verbose_name_plural = _("counting policies")
        constraints = [
            models.UniqueConstraint(
                fields=["body"],
                condition=models.Q(body__isnull=True),
                name="one_default_counting_policy",
            )
        ]

    def __str__(self) -> str:
        return str(self.body or _("default"))


# --- gap-free numbering (registration numbers, letters) -----------------------------------


class Counter(models.Model):
    """The last number issued in one series (scope, year): incremented inside the
    transaction that uses the number, so a rolled-back transaction leaves no gap."""

    scope = models.CharField(max_length=120)
    year = models.PositiveSmallIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "year"], name="counter_unique_scope_year")
        ]

    def __str__(self) -> str:
        return f"{self.scope}/{self.year}: {self.value}"


# --- notifications outbox (DESIGN.md "Rules that cut across modules") --------------------


class OutboxMessage(models.Model):
    """An e-mail written in the same transaction as the event it reports, sent later by a
    task and retried until the server takes it; never lost when the mail server is down."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed (will not be retried)")
        # OUTBOX_DELIVERY=store: kept here for the back office, never sent.
        STORED = "stored", _("Stored (delivery is off)")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    # What it is about (a request, an objection) and which office may see it.
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject_object = GenericForeignKey("content_type", "object_id")
    office = models.ForeignKey(
        "organizations.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=60, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
