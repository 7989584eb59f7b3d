"""URL map. Public pages are under language prefixes (Indonesian unprefixed, /en/ English);
the API, the back office and downloads of machine formats are not."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from ppid.api import api
from ppid.databank import urls as databank_urls

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("ppid.core.urls")),
    # CKAN Action API v3, DCAT and data.json: no language prefix, no trailing slash.
    path("", include("ppid.databank.ckan.urls")),
    # A data bank file's counted download: the same address in every language.
    path("", include(databank_urls.download_urlpatterns)),
]

urlpatterns += i18n_patterns(
    path("", include("ppid.registry.urls")),
    path("", include("ppid.foi.urls")),
    path("", include("ppid.databank.urls")),
    path("", include("ppid.monev.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
