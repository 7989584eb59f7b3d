"""Routes of the CKAN API and the machine-readable catalogues, outside the language prefixes
and without trailing slashes (ckanapi follows no redirect; modules.md §1.1, §2.2, §2.3)."""

from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt

from .. import datajson, dcat
from . import views

app_name = "ckan"
urlpatterns = [
    re_path(
        r"^api/(?:(?P<ver>3)/)?action/(?P<name>[^/]+)$", csrf_exempt(views.action), name="action"
    ),
    re_path(r"^api(?:/(?P<ver>3))?$", views.api_root, name="api_root"),
    re_path(r"^catalog\.(?P<fmt>ttl|jsonld|xml|rdf|n3)$", dcat.catalog_view, name="catalog"),
    re_path(
        r"^dataset/(?P<key>[A-Za-z0-9_\-]+)\.(?P<fmt>ttl|jsonld|xml|rdf|n3)$",
        dcat.dataset_view,
        name="dataset_rdf",
    ),
    re_path(r"^data\.json$", datajson.data_json_view, name="data_json"),
]
