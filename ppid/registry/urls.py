"""Public registry URLs (under the language prefix: Indonesian unprefixed, English at /en/)."""

from django.urls import path, register_converter

from . import views


class ExportFormat:
    regex = "xlsx|csv|pdf"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExportFormat, "exportfmt")

app_name = "registry"
urlpatterns = [
    path("", views.home, name="home"),
    path("cari/", views.search, name="search"),
    path("informasi/", views.browse, name="browse"),
    path("informasi/<uuid:uid>/", views.item_detail, name="item"),
    path("dokumen/<uuid:uid>/", views.document_download, name="document"),
    path("dik/", views.dik, name="dik"),
    path("ppid-utama/<slug:slug>/", views.aggregate, name="aggregate"),
    path("badan/<slug:slug>/", views.body_detail, name="body"),
    path("badan/<slug:slug>/dip/", views.dip, name="dip"),
    path("badan/<slug:slug>/dip.<exportfmt:fmt>", views.dip_export, name="dip_export"),
    path("badan/<slug:slug>/dip/penetapan/", views.dip_versions, name="dip_versions"),
    path("badan/<slug:slug>/dip/penetapan/<uuid:uid>/", views.dip_version, name="dip_version"),
    path(
        "badan/<slug:slug>/dip/penetapan/<uuid:uid>.<exportfmt:fmt>",
        views.dip_version_export,
        name="dip_version_export",
    ),
]
