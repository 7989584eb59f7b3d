"""The request service in Wagtail's back office: each module registers its own URLs and
menu items with Wagtail's hooks when imported here."""

from . import admin_objections, admin_reports, admin_requests  # noqa: F401
