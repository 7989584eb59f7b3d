"""Settings for the benchmarks: the product's settings with the bench URL map on top."""

from ppid.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bench_urls"
# The benchmark serves no static files; the manifest storage would need collectstatic first.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
