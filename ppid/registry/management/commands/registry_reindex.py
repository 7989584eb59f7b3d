"""Put the registry's indexes back after an interrupted bulk load (ppid.registry.bulk).

    manage.py registry_reindex

A big load drops the full-text index's GIN (PostgreSQL) or insert trigger (SQLite) and the
list indexes, and rebuilds them at the end; if the process was killed before that, this
re-derives the full-text index from the table, recreates any missing list index and
refreshes the planner's statistics. Safe to run at any time.
"""

from django.core.management.base import BaseCommand

from ppid.registry.bulk import list_indexes_restore, registry_analyze
from ppid.registry.models import ITEM_SEARCH


class Command(BaseCommand):
    help = "Rebuild the registry's full-text index and any missing list index."

    def handle(self, *args, **options):
        self.stdout.write("Full-text index ...")
        ITEM_SEARCH.resume()
        ITEM_SEARCH.rebuild()
        restored = list_indexes_restore()
        self.stdout.write(f"List indexes recreated: {', '.join(restored) or 'none missing'}")
        registry_analyze()
        self.stdout.write(self.style.SUCCESS("Registry indexes are complete."))
