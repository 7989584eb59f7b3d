"""The registry's place in Wagtail's admin: its URLs, its menu, the dashboard panel of
overdue berkala reviews (F2), and the Wagtail menus staff do not use."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.components import Component

from ppid.organizations.access import has_office, office_ids_for
from ppid.organizations.models import REGISTRY_MANAGERS, REGISTRY_READERS

from . import admin_views as views
from . import queries

app_name = "registry_admin"
urlpatterns = [
    path("items/", views.item_list, name="item_list"),
    path("items/new/", views.item_create, name="item_create"),
    path("items/<uuid:uid>/", views.item_detail, name="item"),
    path("items/<uuid:uid>/edit/", views.item_edit, name="item_edit"),
    path("items/<uuid:uid>/publish/", views.item_publish, name="item_publish"),
    path("items/<uuid:uid>/withdraw/", views.item_withdraw, name="item_withdraw"),
    path("items/<uuid:uid>/review/", views.item_review, name="item_review"),
    path("items/<uuid:uid>/documents/upload/", views.document_upload, name="document_upload"),
    path("items/<uuid:uid>/documents/link/", views.document_link, name="document_link"),
    path(
        "items/<uuid:uid>/documents/<uuid:document_uid>/remove/",
        views.document_deactivate,
        name="document_deactivate",
    ),
    path("dik/", views.exempt_list, name="exempt_list"),
    path("dik/new/", views.exempt_create, name="exempt_create"),
    path("dik/<uuid:uid>/withdraw/", views.exempt_withdraw, name="exempt_withdraw"),
    path("dip/", views.dip_bodies, name="dip_bodies"),
    path("dip/<slug:slug>/", views.dip_body, name="dip_body"),
    path("import/", views.import_start, name="import_start"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<uuid:uid>/", views.import_job, name="import_job"),
    path("import/<uuid:uid>/confirm/", views.import_confirm, name="import_confirm"),
]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("registry/", include((urlpatterns, app_name), namespace=app_name))]


class ManagerMenuItem(MenuItem):
    """Shown only to those who may write to some office's registry."""

    def is_shown(self, request):
        return has_office(request.user, REGISTRY_MANAGERS)


@hooks.register("register_admin_menu_item")
def register_registry_menu():
    items = [
        MenuItem(_("Public information (DIP)"), reverse("registry_admin:item_list"),
                 name="registry-items", icon_name="list-ul", order=100),
        MenuItem(_("Exempt information (DIK)"), reverse("registry_admin:exempt_list"),
                 name="registry-dik", icon_name="lock", order=200),
        MenuItem(_("Established DIP"), reverse("registry_admin:dip_bodies"),
                 name="registry-dip", icon_name="clipboard-list", order=300),
        ManagerMenuItem(_("Import from XLSX"), reverse("registry_admin:import_start"),
                        name="registry-import", icon_name="upload", order=400),
    ]  # fmt: skip
    return SubmenuMenuItem(
        _("Registry"),
        Menu(items=items),
        name="registry",
        icon_name="folder-open-inverse",
        order=150,
    )


# Wagtail's own content tools belong to the newsroom editors and the superuser.
HIDDEN_FROM_STAFF = {"explorer", "images", "documents", "snippets", "settings", "reports"}


@hooks.register("construct_main_menu")
def hide_menus_from_staff(request, menu_items):
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name not in HIDDEN_FROM_STAFF]


class OverdueReviewsPanel(Component):
    """F2: berkala items past their six-month review date, for the user's offices."""

    name = "registry_overdue_reviews"
    template_name = "registry/admin/overdue_panel.html"
    order = 50

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        office_ids = office_ids_for(self.user, REGISTRY_READERS)
        overdue = queries.overdue_reviews(office_ids=office_ids).select_related("office")
        return {"overdue": overdue[:20], "overdue_count": overdue.count()}


@hooks.register("construct_homepage_panels")
def add_overdue_reviews_panel(request, panels):
    panels.append(OverdueReviewsPanel(request.user))
