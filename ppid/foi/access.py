"""Who may see and act on an information request: the one place request scope is computed
(STYLE.md §3). Views, the API, exports and downloads all go through these; another
office's request answers 404, exactly like a missing one.

Staff rights follow current appointments (F48) and the office tree: an appointment at a
PPID Utama covers every office under it (ppid.organizations.access.offices_for).
"""

import hashlib
import hmac

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from ppid.organizations.access import office_ids_for, office_table, offices_for, scope_memo
from ppid.organizations.models import Appointment, Office, Role

from .models import Disposition, InformationRequest

# Officers who answer requests: register, forward, draft and send notices, hand over.
HANDLER_ROLES = {Role.PPID_UTAMA, Role.PPID_PELAKSANA, Role.SERVICE_DESK}
# Who may read an office's requests without acting on them.
READER_ROLES = HANDLER_ROLES | {Role.ATASAN_PPID, Role.LEADER}


def handling_office_ids(user) -> set[int]:
    """Offices whose requests `user` may act on (the tree under his appointments)."""
    return office_ids_for(user, HANDLER_ROLES)


def _reader_office_ids(user) -> set[int]:
    return office_ids_for(user, READER_ROLES)


def requests_for_staff(user) -> QuerySet[InformationRequest]:
    """Requests an officer may read: handled by one of his offices, or forwarded to one."""
    if not user.is_authenticated or not user.is_active:
        return InformationRequest.objects.none()
    if user.is_superuser:
        return InformationRequest.objects.all()
    ids = _reader_office_ids(user)
    if not ids:
        return InformationRequest.objects.none()
    scope = Q(office_id__in=ids)
    if partial := _partly_covered(user, ids):
        scope |= Q(number_office_id__in=partial) | Q(pk__in=_forwarded_to(partial))
    return InformationRequest.objects.filter(scope)


def _forwarded_to(office_ids: set[int]):
    return Disposition.objects.filter(to_office_id__in=office_ids).values("request_id")


def _partly_covered(user, ids: set[int]) -> set[int]:
    """The offices of `ids` whose PPID Utama's tree is not wholly in `ids`.

    A request's handling office, its numbering office and the offices it is forwarded to
    are always in one Utama's tree (request_forward only forwards under utama_of(office)).
    So for a reader holding a whole tree (a PPID Utama, an Atasan PPID, a leader), "handled
    by one of his offices" already covers "numbered by" and "forwarded to" one of them: the
    scope is one indexed condition instead of three OR'ed ones, which made the inbox scan
    every request (docs/benchmarks.md, inbox). Only offices of partly held trees (a PPID
    Pelaksana's) need the other two."""
    memo = scope_memo(user)
    key = ("partly_covered", frozenset(ids))
    if key in memo:
        return memo[key]
    table = office_table(user)

    def utama(office_id):
        seen = set()
        while (
            office_id in table
            and table[office_id][1] != Office.Kind.UTAMA
            and table[office_id][0]
            and office_id not in seen
        ):
            seen.add(office_id)
            office_id = table[office_id][0]
        return office_id

    trees: dict[int, set[int]] = {}
    for office_id in table:
        trees.setdefault(utama(office_id), set()).add(office_id)
    partial = {office_id for office_id in ids if not trees.get(utama(office_id), set()) <= ids}
    memo[key] = partial
    return partial


def request_for_staff(user, uid) -> InformationRequest:
    """One request the officer may read; anything else raises Http404."""
    try:
        return (
            requests_for_staff(user)
            .select_related("office", "body", "number_office", "office__parent")
            .get(uid=uid)
        )
    except (InformationRequest.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc


def can_handle(user, request: InformationRequest) -> bool:
    """Whether `user` may act on the request: a handler of its office (or of the Utama
    above it), or of an office it was forwarded to."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    ids = handling_office_ids(user)
    if not ids:
        return False
    if request.office_id in ids:
        return True
    return request.dispositions.filter(to_office_id__in=ids).exists()


def can_see_personal_data(user, request: InformationRequest) -> bool:
    """NIK, phone, address, ID scan: the handlers only; not leaders or the Atasan (§6)."""
    return can_handle(user, request)


def utama_of(office: Office) -> Office:
    """The PPID Utama coordinating `office` (itself when it is one)."""
    seen = set()
    while office.kind != Office.Kind.UTAMA and office.parent_id and office.pk not in seen:
        seen.add(office.pk)
        office = office.parent
    return office


def atasan_offices(user) -> QuerySet[Office]:
    """Offices whose objections `user` decides as Atasan PPID (his appointment's tree)."""
    return offices_for(user, [Role.ATASAN_PPID])


def is_atasan_for(user, request: InformationRequest) -> bool:
    """The Atasan PPID of the request's body: appointed as atasan_ppid at the Utama that
    coordinates its handling office (F46, F48)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    utama = utama_of(request.office)
    return (
        Appointment.objects.current()
        .filter(user=user, role=Role.ATASAN_PPID, office_id__in={utama.pk, request.office_id})
        .exists()
    )


def token_hash(token: str) -> str:
    return hashlib.sha256((token or "").encode("utf-8", "surrogatepass")).hexdigest()


def requester_can_see(user_or_none, request: InformationRequest, token: str | None = None) -> bool:
    """The requester: the citizen account that owns the request, or the holder of its
    private tracking token."""
    user = user_or_none
    if (
        user is not None
        and user.is_authenticated
        and request.user_id is not None
        and request.user_id == user.pk
    ):
        return True
    if token:
        return hmac.compare_digest(request.tracking_hash, token_hash(token))
    return False
