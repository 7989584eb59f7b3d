"""Who may act for which office: the one place staff scope is computed (STYLE.md §3).

A user's rights follow his *current* appointments (F48): an expired or future appointment
grants nothing. An appointment at a PPID Utama covers every office under it; superusers
see everything.
"""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from .models import Appointment, Office, Role


def current_roles(user) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(Appointment.objects.current().filter(user=user).values_list("role", flat=True))


def offices_for(user, roles: Iterable[str]) -> QuerySet[Office]:
    """Offices where `user` currently holds one of `roles`, expanded down the office tree."""
    if not user.is_authenticated or not user.is_active:
        return Office.objects.none()
    if user.is_superuser:
        return Office.objects.all()
    direct = list(
        Appointment.objects.current()
        .filter(user=user, role__in=list(roles))
        .values_list("office_id", flat=True)
        .distinct()
    )
    if not direct:
        return Office.objects.none()
    # Offices are at most three levels deep (Utama -> Pelaksana -> Pembantu).
    return Office.objects.filter(
        Q(pk__in=direct) | Q(parent_id__in=direct) | Q(parent__parent_id__in=direct)
    ).distinct()


def office_ids_for(user, roles: Iterable[str]) -> set[int]:
    return set(offices_for(user, roles).values_list("pk", flat=True))


def is_staff_member(user) -> bool:
    """Whether the user may enter the back office at all."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or Appointment.objects.current().filter(user=user).exists()


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
