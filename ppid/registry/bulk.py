"""Bulk import of information items: thousands of rows at a time, stemmed and indexed.

The path for large loads (a migration from an old portal, the benchmark in
bench/registry.py); the officers' XLSX import (at most 5,000 rows) goes through the
services row by row instead, with an event per item. Rows are stemmed in Python exactly as
services.item_search_text does, written with bulk_create inside one transaction per batch,
and indexed either per row (the full-text triggers) or, for big loads, once at the end
(see `defer_index`). The next batch is stemmed in a second thread (a second process for
big loads) while the current one is written.

On PostgreSQL, rows go in with COPY and their tsvector is written from Python (the text is
already stemmed and split, so the vector is just its words and positions): computing it in
the database with to_tsvector was most of the backend's time (docs/benchmarks.md).
"""

import multiprocessing
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from itertools import islice
from operator import attrgetter

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


def _raw_text(row: ImportRow) -> str:
    item = row.item
    return " ".join((item.title, item.summary, item.owner_unit, row.document_text))


def item_import_text(row: ImportRow) -> str:
    """What the full-text index reads for an imported row (same fields as
    services.item_search_text: title, summary, owner unit, document text)."""
    return stem_text(_raw_text(row))


def _stem_many(texts: list[str]) -> list[str]:
    return [stem_text(text) for text in texts]


def _batches(rows: Iterable[ImportRow], size: int) -> Iterator[list[ImportRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


# PostgreSQL's tsvector limits: positions above this are stored as this; at most this many
# positions per lexeme (to_tsvector keeps the first ones). Rows beyond either limit, and
# non-ASCII rows (whose word boundaries depend on the database's locale), are left to
# to_tsvector.
_TS_MAX_POS = 16_383
_TS_MAX_POSITIONS = 255


def tsvector_literal(search_text: str) -> str | None:
    """A tsvector in PostgreSQL's input syntax ("umum:1 lapor:2 umum:3") equal to
    `to_tsvector('simple', search_text)` for stemmed, ASCII, space-separated text; None
    when the database must compute it. The input parser sorts the words and merges their
    positions itself (in C, cheaper than here). tests/registry/test_bulk.py compares both
    on PostgreSQL."""
    if not search_text.isascii():
        return None
    words = search_text.split()
    if len(words) > _TS_MAX_POSITIONS and (
        len(words) > _TS_MAX_POS or Counter(words).most_common(1)[0][1] > _TS_MAX_POSITIONS
    ):
        return None
    # Words are [a-z0-9]+ here (search.tokens): no quoting needed.
    if len(words) > len(_POSITION_SUFFIXES):
        _POSITION_SUFFIXES.extend(
            f":{i}" for i in range(len(_POSITION_SUFFIXES) + 1, len(words) + 1)
        )
    return " ".join(map(str.__add__, words, _POSITION_SUFFIXES))


# ":1", ":2", ... grown on demand: adding strings is several times faster than formatting.
_POSITION_SUFFIXES: list[str] = []
# Field types whose Python value psycopg cannot take as is (Django converts them).
_PREPARED_TYPES = {"JSONField", "DecimalField", "BinaryField", "DurationField"}


def _copy_batch(batch: list[ImportRow]) -> None:
    """Write one batch with COPY, the tsvector computed here (PostgreSQL only; inside the
    caller's transaction). The index trigger is disabled for this transaction only: other
    sessions' inserts wait on the table lock and never miss their vector."""
    model = InformationItem
    table = model._meta.db_table
    vec = f"{ITEM_SEARCH.name}_vec"
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    # Django's per-field preparation costs more than the rest of the row: only the fields
    # that need it (timestamps set on save, types psycopg cannot adapt) go through it.
    prepared = [
        getattr(f, "auto_now", False)
        or getattr(f, "auto_now_add", False)
        or f.get_internal_type() in _PREPARED_TYPES
        for f in fields
    ]
    row_values = attrgetter(*[f.attname for f in fields])
    prepared_fields = [(i, f) for i, (f, p) in enumerate(zip(fields, prepared, strict=True)) if p]
    columns = ", ".join([connection.ops.quote_name(f.column) for f in fields] + [vec])
    by_database: list[str] = []
    with connection.cursor() as cursor:
        # ALTER TABLE refuses to run with deferred foreign-key checks pending: run them now
        # (Django's constraints are initially deferred) and defer them again at the end.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {ITEM_SEARCH.name}_tg")
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # noqa: S608
            for row in batch:
                item = row.item
                item._state.adding = False
                values = list(row_values(item))
                for i, f in prepared_fields:
                    values[i] = f.get_db_prep_save(f.pre_save(item, True), connection)
                literal = tsvector_literal(item.search_text)
                if literal is None:
                    by_database.append(str(item.uid))
                copy.write_row([*values, literal])
        if by_database:
            cursor.execute(
                f"UPDATE {table} SET {vec} = to_tsvector('pg_catalog.simple', "  # noqa: S608
                f"{ITEM_SEARCH.column}) WHERE uid = ANY(%s::uuid[])",
                [by_database],
            )
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {ITEM_SEARCH.name}_tg")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


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
        # Big loads stem in a second process (stemming is pure Python and would hold the
        # GIL against the writer); small ones in a thread, without the cost of a fork.
        stemmer = (
            ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
            if defer_index
            else ThreadPoolExecutor(max_workers=1, thread_name_prefix="stem")
        )
        with stemmer:
            batches = _batches(rows, batch_size)

            def stem_next():
                batch = next(batches, None)
                if batch is None:
                    return None
                return batch, stemmer.submit(_stem_many, [_raw_text(row) for row in batch])

            pending = stem_next()
            while pending is not None:
                batch, stemmed = pending
                pending = stem_next()
                for row, text in zip(batch, stemmed.result(), strict=True):
                    row.item.search_text = text
                with transaction.atomic():
                    if connection.vendor == "postgresql":
                        _copy_batch(batch)
                    else:
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
