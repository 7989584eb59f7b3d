"""The data bank's place in Wagtail's admin: its URLs and its menu (shown to data producers
and walidata only)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.components import Component

from . import access
from . import admin_views as views
from .models import Dataset

app_name = "databank_admin"
urlpatterns = [
    path("", views.dataset_list, name="dataset_list"),
    path("verify/", views.verification_queue, name="queue"),
    path("new/", views.dataset_create, name="dataset_create"),
    path("harvest/", views.harvest_sources, name="harvest_sources"),
    path("harvest/<uuid:pk>/", views.harvest_source, name="harvest_source"),
    path("harvest/<uuid:pk>/run/", views.harvest_source_run, name="harvest_source_run"),
    path("harvest/<uuid:pk>/toggle/", views.harvest_source_toggle, name="harvest_source_toggle"),
    path("<uuid:pk>/", views.dataset_detail, name="dataset"),
    path("<uuid:pk>/edit/", views.dataset_edit, name="dataset_edit"),
    path("<uuid:pk>/submit/", views.dataset_submit, name="dataset_submit"),
    path("<uuid:pk>/verify/", views.dataset_verify, name="dataset_verify"),
    path("<uuid:pk>/return/", views.dataset_return, name="dataset_return"),
    path("<uuid:pk>/check/", views.dataset_check, name="dataset_check"),
    path("<uuid:pk>/withdraw/", views.dataset_withdraw, name="dataset_withdraw"),
    path("<uuid:pk>/resources/upload/", views.resource_upload, name="resource_upload"),
    path("<uuid:pk>/resources/link/", views.resource_link, name="resource_link"),
    path(
        "<uuid:pk>/resources/<uuid:resource_pk>/replace/",
        views.resource_replace,
        name="resource_replace",
    ),
    path(
        "<uuid:pk>/resources/<uuid:resource_pk>/remove/",
        views.resource_remove,
        name="resource_remove",
    ),
]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("databank/", include((urlpatterns, app_name), namespace=app_name))]


class DataStaffMenuItem(MenuItem):
    def is_shown(self, request):
        return access.is_producer(request.user) or access.is_walidata(request.user)


class WalidataMenuItem(MenuItem):
    def is_shown(self, request):
        return access.is_walidata(request.user)


class DataMenu(SubmenuMenuItem):
    def is_shown(self, request):
        return access.is_producer(request.user) or access.is_walidata(request.user)


@hooks.register("register_admin_menu_item")
def register_databank_menu():
    items = [
        DataStaffMenuItem(_("Datasets"), reverse("databank_admin:dataset_list"),
                          name="databank-datasets", icon_name="table", order=100),
        WalidataMenuItem(_("Datasets to verify"), reverse("databank_admin:queue"),
                         name="databank-queue", icon_name="tasks", order=200),
        DataStaffMenuItem(_("Harvest sources"), reverse("databank_admin:harvest_sources"),
                          name="databank-harvest", icon_name="download", order=300),
    ]  # fmt: skip
    return DataMenu(_("Data bank"), Menu(items=items), name="databank", icon_name="table",
                    order=160)  # fmt: skip


class WorkPanel(Component):
    """The dashboard's data bank panel: what waits for this walidata's verification, and
    this producer's datasets returned for correction."""

    name = "databank_work"
    template_name = "databank/admin/work_panel.html"
    order = 60

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        waiting = Dataset.objects.none()
        verifying = access.walidata_office_ids(self.user)
        if verifying:
            waiting = (
                Dataset.objects.filter(Dataset.awaiting_walidata(), office_id__in=verifying)
                .select_related("organization")
                .order_by("modified_at")
            )
        producing = access.producer_office_ids(self.user)
        returned = Dataset.objects.filter(
            status=Dataset.Status.RETURNED, office_id__in=producing
        ).count() if producing else 0  # fmt: skip
        return {
            "waiting": waiting[:10],
            "waiting_count": waiting.count(),
            "returned_count": returned,
        }


@hooks.register("construct_homepage_panels")
def add_work_panel(request, panels):
    if access.is_producer(request.user) or access.is_walidata(request.user):
        panels.append(WorkPanel(request.user))
