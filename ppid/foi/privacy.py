"""Requesters' personal data (domain.md §6, §13.3 "PD", §17 #11; UU 27/2022): masked for
everyone but the handling officers, every unmasked view logged, purged after retention.

    mask_nik("6271015505900003")  -> "6271••••••••0003"
    personal_data_visible(user, request); log_personal_data_access(user, request, "case page")
    purge_candidates(); request_purge_personal_data(request)

Nothing here logs or records a value: events name the fields, never their contents.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ppid.core.events import event_record

from .models import InformationRequest, PersonalDataAccess, ServiceSettings

MASK = "•"
# Blanked by the retention purge; the name, e-mail and the request itself stay (the
# register prints them, F27).
PURGED_FIELDS = ["nik", "phone", "address", "fax", "proxy_nik", "proxy_address", "proxy_contact"]
PURGED_FILES = ["id_scan", "proxy_letter"]


def mask_nik(value: str) -> str:
    """First 4 and last 4 digits of a NIK (province and regency stay readable)."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) < 12:
        return MASK * max(len(value) - 2, 1) + value[-2:]
    return value[:4] + MASK * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """First 4 and last 2 digits: enough to tell two numbers apart on the phone."""
    digits = "".join((value or "").split())
    if not digits:
        return ""
    if len(digits) <= 6:
        return MASK * (len(digits) - 2) + digits[-2:] if len(digits) > 2 else MASK * len(digits)
    return digits[:4] + MASK * (len(digits) - 6) + digits[-2:]


def mask_address(value: str, words: int = 2) -> str:
    """The first words of an address ("Jl. Tjilik …"): the street name, not the house."""
    parts = (value or "").split()
    if not parts:
        return ""
    keep = parts[: min(words, max(len(parts) - 1, 1))]
    return " ".join(keep) + " …"


def personal_data_visible(user, request: InformationRequest) -> bool:
    """Whether `user` may see this request's personal data unmasked (handlers only)."""
    from .access import can_see_personal_data

    return can_see_personal_data(user, request)


def log_personal_data_access(user, request: InformationRequest, what: str) -> PersonalDataAccess:
    """Record one unmasked view (§6): who, which request, what ("case page", "id scan"...)."""
    return PersonalDataAccess.objects.create(user=user, request=request, what=what[:60])


# --- retention ----------------------------------------------------------------------------


def _years_before(moment: datetime.datetime, years: int) -> datetime.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def purge_candidates(now: datetime.datetime | None = None) -> QuerySet[InformationRequest]:
    """Requests closed (or withdrawn) longer ago than their body's retention period whose
    personal data is still there. ServiceSettings.retention_years rules its body (0 =
    never purge); other bodies use settings.FOI_RETENTION_YEARS."""
    now = now or timezone.now()
    due = Q()
    custom = list(ServiceSettings.objects.values_list("body_id", "retention_years"))
    for body_id, years in custom:
        if years:
            due |= Q(body_id=body_id, closed_at__lt=_years_before(now, years))
    if settings.FOI_RETENTION_YEARS:
        due |= Q(closed_at__lt=_years_before(now, settings.FOI_RETENTION_YEARS)) & ~Q(
            body_id__in=[body_id for body_id, _years in custom]
        )
    if not due:
        return InformationRequest.objects.none()
    return (
        InformationRequest.objects.filter(
            status__in=[
                InformationRequest.Status.CLOSED,
                InformationRequest.Status.WITHDRAWN,
            ],
            closed_at__isnull=False,
            purged_at__isnull=True,
        )
        .filter(due)
        .order_by("closed_at", "id")
    )


def request_purge_personal_data(request: InformationRequest, *, actor=None) -> bool:
    """Blank the personal data of one request and delete its ID scan and power of attorney
    (the files go once the transaction commits); the row and its register entry stay.
    False when it was already purged."""
    with transaction.atomic():
        row = InformationRequest.objects.select_for_update().filter(pk=request.pk).first()
        if row is None or row.purged_at is not None:
            return False
        blanked = [name for name in PURGED_FIELDS if getattr(row, name)]
        files = [(name, getattr(row, name)) for name in PURGED_FILES if getattr(row, name)]
        for name in PURGED_FIELDS:
            setattr(row, name, "")
        for name, _file in files:
            setattr(row, name, "")
        row.purged_at = timezone.now()
        row.save(update_fields=[*PURGED_FIELDS, *PURGED_FILES, "purged_at", "updated_at"])
        event_record(
            subject=row,
            action="personal_data_purged",
            actor=actor,
            actor_role="system" if actor is None else "",
            reason="retention period ended",
            changes={"fields": blanked, "files": [name for name, _file in files]},
        )
        for _name, file in files:
            storage, path = file.storage, file.name
            transaction.on_commit(lambda s=storage, p=path: s.delete(p), robust=True)
    request.refresh_from_db()
    return True
