"""Public data bank pages (under the language prefix: Indonesian unprefixed, English at /en/).
The counted download of an uploaded file is outside the prefix (ppid/urls.py): its address
is the one every CKAN client is given."""

from django.urls import path, register_converter

from . import views


class DatasetName:
    regex = r"[a-z0-9_\-]{2,100}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(DatasetName, "dsname")

app_name = "databank"
urlpatterns = [
    path("dataset/", views.catalogue, name="catalogue"),
    path("dataset/<dsname:name>/", views.dataset_detail, name="dataset"),
    path("dataset/<dsname:name>/resource/<uuid:resource_id>/", views.resource_detail,
         name="resource"),
]  # fmt: skip

download_urlpatterns = [
    path(
        "dataset/<uuid:dataset_id>/resource/<uuid:resource_id>/download/<str:filename>",
        views.resource_download,
        name="databank_download",
    ),
]
