"""Who may act for which office: the one place staff scope is computed (STYLE.md §3).

A user's rights follow his *current* appointments (F48): an expired or future appointment
grants nothing. An appointment at a PPID Utama covers every office under it; superusers
see everything.
"""

from collections.abc import Iterable

from django.conf import settings
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from .models import Appointment, Body, Office, Role

# A back-office page asks for the same scope many times (menus, permission checks, the
# page's own queries), and one step asks the same of its office (mails, letters). Each
# user or office object keeps what it read: it lives for one request. A change to any
# appointment, office, body or user in this process starts afresh (other modules add their
# own models with memo_changed), and the day is part of the key, because appointments
# start and end on dates (F48).
_generation = [0]


@receiver([post_save, post_delete], sender=Appointment)
@receiver([post_save, post_delete], sender=Office)
@receiver([post_save, post_delete], sender=Body)
@receiver([post_save, post_delete], sender=settings.AUTH_USER_MODEL)
def memo_changed(**kwargs) -> None:
    _generation[0] += 1


def scope_memo(obj) -> dict:
    """A per-request cache on a user or office object (see above)."""
    key = (timezone.localdate(), _generation[0])
    memo = getattr(obj, "_ppid_scope", None)
    if memo is None or memo["key"] != key:
        memo = {"key": key}
        obj._ppid_scope = memo
    return memo


def office_staff(office: Office, on=None) -> list[dict]:
    """The appointments of `office` current on `on` (today), newest first, with the
    appointee's e-mail and names: what one step's mails (recipients) and letters
    (signatory) ask about the office, read once per office object and day."""
    on = on or timezone.localdate()
    memo = scope_memo(office)
    if ("staff", on) not in memo:
        memo["staff", on] = list(
            Appointment.objects.current(on)
            .filter(office=office)
            .order_by("-valid_from", "-id")
            .values(
                "role", "person_name", "position", "nip", "user__email", "user__is_active",
                "user__first_name", "user__last_name", "user__username",
            )
        )  # fmt: skip
    return memo["staff", on]


def _appointments(user) -> list[tuple[int, str]]:
    """(office id, role) of the user's current appointments."""
    memo = scope_memo(user)
    if "appointments" not in memo:
        memo["appointments"] = list(
            Appointment.objects.current().filter(user=user).values_list("office_id", "role")
        )
    return memo["appointments"]


def current_roles(user) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    return {role for _office, role in _appointments(user)}


def office_table(user) -> dict[int, tuple[int | None, str]]:
    """Every office's (parent id, kind), read once per request: the office table is small,
    and scope questions walk it in Python."""
    memo = scope_memo(user)
    if "offices" not in memo:
        memo["offices"] = {
            pk: (parent, kind)
            for pk, parent, kind in Office.objects.values_list("pk", "parent_id", "kind")
        }
    return memo["offices"]


def _children(user) -> dict[int, list[int]]:
    memo = scope_memo(user)
    if "children" not in memo:
        children: dict[int, list[int]] = {}
        for pk, (parent, _kind) in office_table(user).items():
            children.setdefault(parent, []).append(pk)
        memo["children"] = children
    return memo["children"]


def _office_ids(user, roles: frozenset) -> frozenset[int]:
    memo = scope_memo(user)
    key = ("offices", roles)
    if key not in memo:
        direct = {office for office, role in _appointments(user) if role in roles}
        ids = set(direct)
        if direct:
            # Offices are at most three levels deep (Utama -> Pelaksana -> Pembantu).
            children = _children(user)
            level = direct
            for _depth in range(2):
                level = {child for office in level for child in children.get(office, ())}
                ids |= level
        memo[key] = frozenset(ids)
    return memo[key]


def offices_for(user, roles: Iterable[str]) -> QuerySet[Office]:
    """Offices where `user` currently holds one of `roles`, expanded down the office tree."""
    if not user.is_authenticated or not user.is_active:
        return Office.objects.none()
    if user.is_superuser:
        return Office.objects.all()
    ids = _office_ids(user, frozenset(roles))
    if not ids:
        return Office.objects.none()
    return Office.objects.filter(pk__in=ids)


def office_ids_for(user, roles: Iterable[str]) -> set[int]:
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return set(Office.objects.values_list("pk", flat=True))
    return set(_office_ids(user, frozenset(roles)))


def has_office(user, roles: Iterable[str]) -> bool:
    """Whether `user` currently holds one of `roles` anywhere (no query once the request
    read the user's scope: menus ask this on every back-office page)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(_office_ids(user, frozenset(roles)))


def is_staff_member(user) -> bool:
    """Whether the user may enter the back office at all."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(_appointments(user))


def role_in_office(user, office: Office) -> str:
    """The role the user acts in for `office` (recorded on events)."""
    if user.is_superuser:
        return "superuser"
    office_ids = [office.pk, office.parent_id, getattr(office.parent, "parent_id", None)]
    roles = (
        Appointment.objects.current()
        .filter(user=user, office_id__in=[i for i in office_ids if i])
        .values_list("role", flat=True)
    )
    for preferred in (Role.PPID_UTAMA, Role.PPID_PELAKSANA):
        if preferred in roles:
            return preferred
    return next(iter(roles), "")
