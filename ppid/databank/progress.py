"""How far a datastore load has got, for the pages that show it while it runs.

The ingestion task (services.resource_ingest_run) writes its phase and row count to the
shared cache, which every web process reads: at each phase and at most once every
INTERVAL_S while the rows go in. The resource pages show it while the datastore is
waiting or reading, and poll the page again (htmx) until the load has ended.

Phases: "reading" (the whole file is read once to find each column's type), "loading"
(rows so far of the total), "indexing" (every row is in; the indexes are being built).
"""

import time

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers

INTERVAL_S = 1.0
# An entry outlives a worker killed mid-load by this long at most.
TIMEOUT_S = 6 * 3600


def _key(resource_id) -> str:
    return f"databank:ingest:{resource_id}"


def ingest_progress(resource_id) -> dict | None:
    """{"phase", "rows", "total", "percent"} of a load under way, or None."""
    data = cache.get(_key(resource_id))
    if not data:
        return None
    total = data.get("total") or 0
    rows = data.get("rows") or 0
    return {**data, "percent": min(100, rows * 100 // total) if total else None}


class IngestProgress:
    """The task's side: phase(), rows() as a datastore.load progress callback, clear()."""

    def __init__(self, resource_id):
        self.key = _key(resource_id)
        self.total = 0
        self._sent_at = 0.0
        self._phase = ""

    def phase(self, phase: str, *, rows: int = 0, total: int | None = None) -> None:
        if total is not None:
            self.total = total
        self._phase = phase
        self._sent_at = time.monotonic()
        cache.set(self.key, {"phase": phase, "rows": rows, "total": self.total}, TIMEOUT_S)

    def rows(self, done: int) -> None:
        if self.total and done >= self.total:
            if self._phase != "indexing":
                self.phase("indexing", rows=done)
        elif time.monotonic() - self._sent_at >= INTERVAL_S:
            self.phase("loading", rows=done)

    def clear(self) -> None:
        cache.delete(self.key)


def ingest_ended() -> HttpResponse:
    """The answer to a page's poll once no load it shows is under way: htmx reloads the
    page (HX-Refresh), which then shows the preview or the report."""
    response = HttpResponse(status=204, headers={"HX-Refresh": "true"})
    add_never_cache_headers(response)
    return response
