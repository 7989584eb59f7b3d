"""Bulk import of information items: thousands of rows at a time, stemmed and indexed.

The path for large loads (a migration from an old portal, the benchmark in
bench/registry.py); the officers' XLSX import (at most 5,000 rows) goes through the
services row by row instead, with an event per item. Rows are stemmed in Python exactly as
services.item_search_text does, written with bulk_create inside one transaction per batch,
and indexed either per row (the full-text triggers) or, for big loads, once at the end
(see `defer_index`). The next batch is stemmed in a second thread while the database
writes the current one: both drivers release the GIL while they wait on the database.
"""

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import islice

from django.db import connection, transaction

from ppid.core.pagecache import public_pages_changed
from ppid.core.search import stem_text

from .models import ITEM_SEARCH, InformationItem

# Above this many rows, loading without per-row index maintenance and indexing once at the
# end was faster on both engines here (docs/benchmarks.md has the figures).
DEFER_INDEX_ABOVE = 20_000


@dataclass
class ImportRow:
    item: InformationItem
    # Text of the item's documents (extracted from PDFs, say): searchable, not stored on the row.
    document_text: str = ""


def item_import_text(row: ImportRow) -> str:
    """What the full-text index reads for an imported row (same fields as
    services.item_search_text: title, summary, owner unit, document text)."""
    item = row.item
    return stem_text(" ".join((item.title, item.summary, item.owner_unit, row.document_text)))


def _batches(rows: Iterable[ImportRow], size: int) -> Iterator[list[ImportRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _stemmed(batch: list[ImportRow] | None) -> list[ImportRow] | None:
    for row in batch or ():
        row.item.search_text = item_import_text(row)
    return batch


def items_bulk_import(
    rows: Iterable[ImportRow],
    *,
    batch_size: int = 2_000,
    defer_index: bool | None = None,
    expected: int | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Create the items of `rows`, stemming their text; return how many were created.

    `defer_index`: True loads without per-row index maintenance and rebuilds the full-text
    index once at the end (searches during the load miss the new rows; the end state is
    exact, because the rebuild re-derives the index from the table). None decides by
    `expected` (more than DEFER_INDEX_ABOVE rows). Each batch is its own transaction, so an
    interrupted load keeps whole batches; with a deferred index, run
    `ITEM_SEARCH.rebuild()` (or re-run the import) after an interruption.
    """
    if defer_index is None:
        defer_index = (expected or 0) > DEFER_INDEX_ABOVE
    created = 0
    if defer_index:
        ITEM_SEARCH.suspend()
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="stem") as stemmer:
            batches = _batches(rows, batch_size)
            pending = stemmer.submit(_stemmed, next(batches, None))
            while (batch := pending.result()) is not None:
                pending = stemmer.submit(_stemmed, next(batches, None))
                with transaction.atomic():
                    InformationItem.objects.bulk_create(
                        [row.item for row in batch], batch_size=batch_size
                    )
                created += len(batch)
                if on_batch:
                    on_batch(created)
    finally:
        if defer_index:
            ITEM_SEARCH.resume()
        # Cached public pages (ppid.core.pagecache) must show the new rows.
        public_pages_changed("registry")
    return created


def registry_analyze() -> None:
    """Refresh the planner's statistics after a bulk load: before it, SQLite full-text
    queries were 100x slower here (DESIGN.md, known pitfalls). On PostgreSQL, outside a
    transaction, VACUUM too: it marks the new pages all-visible, which index-only scans
    (the facet counts, deep pages) need."""
    table = InformationItem._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA optimize")
        elif connection.in_atomic_block:
            cursor.execute(f"ANALYZE {table}")
        else:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
