"""Back-office entry follows current appointments (F48): Wagtail asks for the permission
"wagtailadmin.access_admin", and this backend grants it to anyone access.is_staff_member
accepts, so an expired appointment closes the door without anyone editing groups."""

from django.contrib.auth.backends import BaseBackend

from .access import is_staff_member

ADMIN_ACCESS = "wagtailadmin.access_admin"


class AppointmentBackend(BaseBackend):
    """Authenticates nobody; only answers the admin-access permission."""

    def has_perm(self, user_obj, perm, obj=None):
        if perm != ADMIN_ACCESS or obj is not None:
            return False
        # Cached per request user object: Wagtail checks this on every admin view and menu.
        cached = getattr(user_obj, "_ppid_staff_member", None)
        if cached is None:
            cached = is_staff_member(user_obj)
            user_obj._ppid_staff_member = cached
        return cached
