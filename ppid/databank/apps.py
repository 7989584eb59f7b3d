from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatabankConfig(AppConfig):
    name = "ppid.databank"
    label = "databank"
    verbose_name = _("Data bank (Satu Data)")

    def ready(self):
        # The search's in-memory facet copy listens for dataset changes in every process
        # (web, task worker, shell), not only in those that happened to import it.
        from . import search  # noqa: F401
