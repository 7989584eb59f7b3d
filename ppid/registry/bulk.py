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
the database with to_tsvector was most of the backend's time (docs/benchmarks.md). A big
load writes from two connections at once, because one backend process was the slowest
stage of the pipeline.
"""

import multiprocessing
import threading
from collections import Counter, deque
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
# Connections writing at once in a big PostgreSQL load (one per core here).
PARALLEL_WRITERS = 2


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
# Field types the database driver cannot take as Python gives them (Django converts them):
# psycopg adapts dates, UUIDs and booleans itself; SQLite stores UUIDs as 32 hex digits and
# datetimes as Django's UTC text.
_PREPARED_TYPES = {
    "postgresql": {"JSONField", "DecimalField", "BinaryField", "DurationField"},
    "sqlite": {
        "JSONField", "DecimalField", "BinaryField", "DurationField",
        "UUIDField", "DateTimeField", "DateField", "TimeField",
    },
}  # fmt: skip


def _item_fields():
    return [f for f in InformationItem._meta.concrete_fields if not f.primary_key]


def _rows(batch: list[ImportRow], fields) -> Iterator[tuple[InformationItem, list]]:
    """Each row's item and its column values in `fields` order. Django's per-field
    preparation cost more than the rest of the row (bulk_create did it for every field):
    only timestamps set on save and the types the driver cannot take go through it."""
    prepared_types = _PREPARED_TYPES[connection.vendor]
    prepared = [
        (i, f)
        for i, f in enumerate(fields)
        if getattr(f, "auto_now", False)
        or getattr(f, "auto_now_add", False)
        or f.get_internal_type() in prepared_types
    ]
    row_values = attrgetter(*[f.attname for f in fields])
    for row in batch:
        item = row.item
        item._state.adding = False
        values = list(row_values(item))
        for i, f in prepared:
            values[i] = f.get_db_prep_save(f.pre_save(item, True), connection)
        yield item, values


def _copy_batch(batch: list[ImportRow]) -> None:
    """Write one batch with COPY, the tsvector computed here (PostgreSQL only; inside the
    caller's transaction). A row whose vector Python cannot build goes in without one, and
    the table's trigger computes it (ppid.core.search.FullTextIndex.trigger_sql)."""
    table = InformationItem._meta.db_table
    fields = _item_fields()
    columns = ", ".join(
        [connection.ops.quote_name(f.column) for f in fields] + [f"{ITEM_SEARCH.name}_vec"]
    )
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # noqa: S608
            for item, values in _rows(batch, fields):
                copy.write_row([*values, tsvector_literal(item.search_text)])


def _insert_batch_sqlite(batch: list[ImportRow]) -> None:
    """Write one batch with a single executemany (SQLite; inside the caller's transaction)."""
    fields = _item_fields()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(InformationItem._meta.db_table)} ({columns}) "  # noqa: S608
            f"VALUES ({marks})",
            [values for _item, values in _rows(batch, fields)],
        )


def _write_batch(batch: list[ImportRow]) -> int:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _copy_batch(batch)
        else:
            _insert_batch_sqlite(batch)
    return len(batch)


def _close_thread_connections(pool: ThreadPoolExecutor, threads: int) -> None:
    """Close the database connection each of the pool's threads opened: one task per thread,
    held at a barrier so that no thread runs two of them."""
    barrier = threading.Barrier(threads)

    def close():
        try:
            barrier.wait(timeout=60)
        finally:
            connection.close()

    for future in [pool.submit(close) for _ in range(threads)]:
        future.result()


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
    `manage.py registry_reindex` (or re-run the import) after an interruption.
    """
    if defer_index is None:
        defer_index = (expected or 0) > DEFER_INDEX_ABOVE
    # Parallel writers use their own connections: only outside a caller's transaction,
    # whose uncommitted rows (the offices the items point to) they could not see.
    writers = (
        PARALLEL_WRITERS
        if defer_index and connection.vendor == "postgresql" and not connection.in_atomic_block
        else 1
    )
    created = 0
    if defer_index:
        ITEM_SEARCH.suspend()
        if connection.vendor == "postgresql":
            list_indexes_drop()
    try:
        # Big loads stem in a second process (stemming is pure Python and would hold the
        # GIL against the writer); small ones in a thread, without the cost of a fork.
        stemmer = (
            ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
            if defer_index
            else ThreadPoolExecutor(max_workers=1, thread_name_prefix="stem")
        )
        pool = (
            ThreadPoolExecutor(max_workers=writers, thread_name_prefix="copy")
            if writers > 1
            else None
        )
        in_flight: deque = deque()

        def done(count: int) -> None:
            nonlocal created
            created += count
            if on_batch:
                on_batch(created)

        try:
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
                    if pool is None:
                        done(_write_batch(batch))
                        continue
                    in_flight.append(pool.submit(_write_batch, batch))
                    if len(in_flight) >= writers:
                        done(in_flight.popleft().result())
                while in_flight:
                    done(in_flight.popleft().result())
        finally:
            if pool is not None:
                for future in in_flight:
                    future.cancel()
                try:
                    _close_thread_connections(pool, writers)
                finally:
                    pool.shutdown(wait=True)
    finally:
        if defer_index:
            _indexes_rebuild(parallel=writers > 1)
        # Cached public pages (ppid.core.pagecache) must show the new rows.
        public_pages_changed("registry")
    return created


def list_indexes_drop() -> None:
    """Drop the registry's list and facet indexes (InformationItem.Meta.indexes) before a
    big PostgreSQL load: keeping eight b-trees up to date cost the backends about 40 µs a
    row. The primary key, the unique `uid` and the foreign-key indexes stay."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for index in InformationItem._meta.indexes:
            cursor.execute(f"DROP INDEX IF EXISTS {quote(index.name)}")


def list_indexes_restore() -> list[str]:
    """Create whichever of InformationItem.Meta.indexes is missing; return their names.
    Safe to run at any time: after an interrupted load it puts back what the load dropped."""
    table = InformationItem._meta.db_table
    with connection.cursor() as cursor:
        existing = connection.introspection.get_constraints(cursor, table)
    missing = [index for index in InformationItem._meta.indexes if index.name not in existing]
    if missing:
        with connection.cursor() as cursor, connection.schema_editor() as editor:
            if connection.in_atomic_block and connection.vendor == "postgresql":
                # CREATE INDEX refuses to run with deferred foreign-key checks pending.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for index in missing:
                editor.add_index(InformationItem, index)
            if connection.in_atomic_block and connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return [index.name for index in missing]


def _indexes_rebuild(*, parallel: bool) -> None:
    """Build the full-text index and, on PostgreSQL, the list indexes after a deferred
    load. In parallel, the b-trees are built from a second connection while the GIN index
    (about 100 s for a million rows, on one core) is built on this one."""
    if connection.vendor != "postgresql":
        ITEM_SEARCH.resume()
        return
    if not parallel:
        ITEM_SEARCH.resume()
        list_indexes_restore()
        return

    def restore_and_close():
        try:
            list_indexes_restore()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="btree") as builder:
        btrees = builder.submit(restore_and_close)
        ITEM_SEARCH.resume()
        btrees.result()


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
