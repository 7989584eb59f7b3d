"""The datastore: each tabular resource's rows in a real SQL table of its own, queried with
CKAN's datastore_search semantics (issue 4 §1, like CKAN's DataStore extension).

A resource's table is `datastore_<uuid hex>`: an `_id` key (1..N in file order) and one
typed column per file column (BIGINT/INTEGER, NUMERIC/REAL, DATE, TIMESTAMP, TEXT), each
of the first 32 with a b-tree index for filters and sorting (on PostgreSQL over
(column, _id); free-text notes, over 40 characters on average, get none). Full-text
search covers the text columns:

- SQLite: the table lives in files of its own, outside the application's database
  (sqlite_store), with a contentless FTS5 table `<table>_fts` in a second file, one FTS
  column per text column, holding the text as ppid.core.search.stem_text stems it; its
  rowid is `_id`. A large file's FTS index is built by a second process (fts_build) while
  this one writes the rows and their indexes: the two halves of the work on two cores.
- PostgreSQL: a `_full_text` tsvector written from Python with a GIN index. Each word is
  stored as "<stem>_<column position>", so a query for one field reads only that field's
  words, and a query over the whole row ORs the word's lexemes of every text column. A
  large file's tsvectors come from a second process (fts_build) through a pipe. Text
  columns of a few values repeated over many rows (regions, categories: "dictionary
  columns", see _dictionary_positions) stay out of the tsvector: a table `<table>_terms`
  lists each of their distinct values with its stems, and a word matches the rows of the
  values that hold it through the column's b-tree. Their words were most of the GIN
  index's entries and most of the second process's work.

Both engines therefore match the same stemmed words. A load fills a new table and swaps
it in at once (a rename, or on SQLite a new generation of files), so readers see the old
rows or the new, never a mix. Identifiers in SQL come only from the table's own column
list; values are parameters.

Totals are exact up to COUNT_EXACT matches (and always for one filter, for no condition,
and for full text alone on SQLite); past that a count that would read every matching row
is estimated and says so in CKAN's `total_was_estimated` (see _count). A page of at most
COUNT_EXACT matches is read whole and sorted; a larger one follows an index.
"""

import contextlib
import datetime
import json
import re
import secrets
import sqlite3
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.db import DatabaseError, connection, connections, transaction
from django.utils.translation import gettext as _

from ppid.core.search import query_terms, stem_text, stem_word

from . import sqlite_store
from .tabular import Table, gc_paused

LIMIT_DEFAULT = 100
LIMIT_MAX = 32_000
# Matches counted exactly (and sorted in memory) up to this many; see _count.
COUNT_EXACT = 10_000
# Pages from this offset on are read in two steps on PostgreSQL (see search).
DEEP_OFFSET = 1_000
MAX_INDEXED_COLUMNS = 32
# SQLite: from this many rows (of a CSV file on disk), a second process builds the
# full-text index while this one writes the rows (fts_build).
FTS_PROCESS_MIN_ROWS = 100_000
# PostgreSQL: chunks given to that process before this one waits for the first's text.
CHILD_AHEAD = 2
FTS_HASH_BYTES = 64 * 2**20
# PostgreSQL refuses b-tree entries over about 2.7 KB: longer text columns get no index.
MAX_INDEXED_TEXT = 1_000
# Free-text notes (longer than this on average) are searched by words, not filtered by
# equality: no b-tree for them, which would cost a load about a second per million rows.
NOTE_LENGTH = 40
# PostgreSQL: a text column of at most tabular.DISTINCT_MAX values, each in this many rows
# on average or more, is a dictionary column (see _dictionary_positions).
DICTIONARY_REPEATS = 10
# Index builds sort their keys in runs that fit the processor's cache and then merge the
# runs, rather than in one sort of every row whose memory accesses miss the cache: each
# b-tree of a million rows builds in about half the time (docs/benchmarks.md, session 12).
# SQLite: the sorter's memory in KiB (the size of its runs; it makes runs only when its
# temporary storage is a file). PostgreSQL: the b-trees' maintenance_work_mem; the GIN
# index keeps a large one (it gathers its entries in memory, and more flushes cost it).
SQLITE_SORT_KIB = 8_000
BTREE_SORT_MEMORY = "8MB"
GIN_MEMORY = "256MB"
LINKS_BASE = "/api/3/action/datastore_search"
_SQL_TYPES = {
    "sqlite": {
        "int": "INTEGER",
        "numeric": "REAL",
        "date": "DATE",
        "timestamp": "TIMESTAMP",
        "text": "TEXT",
    },
    "postgresql": {
        "int": "BIGINT",
        "numeric": "NUMERIC",
        "date": "DATE",
        "timestamp": "TIMESTAMP",
        # Byte order on both engines (SQLite's BINARY): the same sort, faster comparisons.
        "text": 'TEXT COLLATE "C"',
    },
}
_FROM_SQL = {
    "integer": "int",
    "bigint": "int",
    "real": "numeric",
    "numeric": "numeric",
    "double precision": "numeric",
    "date": "date",
    "timestamp": "timestamp",
    "timestamp without time zone": "timestamp",
    "text": "text",
}
_FIELD_ID = re.compile(r"[a-z0-9][a-z0-9_]{0,62}")


class DatastoreError(Exception):
    """Bad search parameters: {"field": ["message", ...]}, like CKAN's ValidationError."""

    def __init__(self, field_errors: dict):
        self.field_errors = {k: [str(m) for m in v] for k, v in field_errors.items()}
        super().__init__(json.dumps(self.field_errors, ensure_ascii=False))


class DatastoreNotFound(DatastoreError):
    """The resource has no datastore table (CKAN answers "Not Found Error")."""


def table_name(resource_id) -> str:
    """`datastore_<32 hex>`: the UUID's hex, or for any other id a hash of it."""
    try:
        key = uuid.UUID(str(resource_id)).hex
    except ValueError:
        import hashlib

        key = hashlib.sha256(str(resource_id).encode()).hexdigest()[:32]
    return f"datastore_{key}"


def _q(identifier: str) -> str:
    # Only ever called with names built here or read from the table's own definition.
    return connection.ops.quote_name(identifier)


def _sq(identifier: str) -> str:
    """SQLite quoting without Django's connection (fts_build's child has none)."""
    return '"' + identifier.replace('"', '""') + '"'


# --- introspection --------------------------------------------------------------------------


def _table_exists(name: str) -> bool:
    if connection.vendor == "sqlite":
        return sqlite_store.current(name) is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = %s AND n.nspname = current_schema() AND c.relkind = 'r'",
            [name],
        )
        return cursor.fetchone() is not None


def exists(resource_id) -> bool:
    return _table_exists(table_name(resource_id))


def columns(resource_id) -> list[dict]:
    """[{"id", "type"}] of the resource's table, `_id` first (CKAN's "fields")."""
    name = table_name(resource_id)
    if connection.vendor == "sqlite":
        db = sqlite_store.reader(name)
        if db is None:
            return []
        rows = [(r[1], r[2].lower()) for r in db.execute(f"PRAGMA main.table_info({_q(name)})")]
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.attname, format_type(a.atttypid, NULL) FROM pg_attribute a "
                "JOIN pg_class c ON c.oid = a.attrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relname = %s AND n.nspname = current_schema() AND a.attnum > 0 "
                "AND NOT a.attisdropped ORDER BY a.attnum",
                [name],
            )
            rows = cursor.fetchall()
    return [
        {"id": col, "type": _FROM_SQL.get(sql_type, "text")}
        for col, sql_type in rows
        if col != "_full_text"
    ]


@contextlib.contextmanager
def _cursor(name: str):
    """A cursor that reads the resource's table (on SQLite, its files' connection, with
    Django's %s parameters)."""
    if connection.vendor != "sqlite":
        with connection.cursor() as cursor:
            yield cursor
        return
    from django.db.backends.sqlite3.base import SQLiteCursorWrapper

    db = sqlite_store.reader(name)
    if db is None:
        raise DatastoreNotFound({"resource_id": [_("The resource has no datastore.")]})
    cursor = db.cursor(factory=SQLiteCursorWrapper)
    try:
        yield cursor
    finally:
        cursor.close()


# --- loading --------------------------------------------------------------------------------


def _leftovers(name: str) -> list[str]:
    """What loads that never finished (a killed worker) left behind: tables
    `<name>_<8 hex>` (and their `_terms`) on PostgreSQL, unpublished generation files on
    SQLite."""
    if connection.vendor == "sqlite":
        return sqlite_store.leftovers(name)
    pattern = re.compile(re.escape(name) + r"_[0-9a-f]{8}(?:_terms)?")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname LIKE %s",
            [name + "%"],
        )
        return [r[0] for r in cursor.fetchall() if pattern.fullmatch(r[0])]


def drop(resource_id) -> None:
    """Remove the resource's datastore table (and any unfinished load of it)."""
    name = table_name(resource_id)
    if connection.vendor == "sqlite":
        sqlite_store.drop(name)
        return
    with transaction.atomic(), connection.cursor() as cursor:
        for table in [*_leftovers(name), name, _terms(name)]:
            cursor.execute(f"DROP TABLE IF EXISTS {_q(table)}")
    _WITH_TERMS.discard(name)


# Every ASCII character that is not a letter or digit separates words, as in
# ppid.core.search.tokens, except NUL: the loader's marker between two cells.
_SEPARATORS = str.maketrans({chr(i): " " for i in range(1, 128) if not chr(i).isalnum()})
_MAX_WORD = 40


class _Stems(dict):
    """stem_word's results for the loader: a hit is one C-level lookup inside map()."""

    def __missing__(self, word: str) -> str:
        if len(self) >= 200_000:
            self.clear()
        stem = self[word] = stem_word(word)
        return stem


_STEMS = _Stems()


def stem_column(values: list) -> list[str]:
    """stem_text of each cell of a column (None for an empty cell), with the same words.

    The cells of a chunk are joined around NUL markers and tokenised, stemmed and split
    back with a handful of C-level calls: per-cell Python code cost more than the rest of
    a load. Cells with non-ASCII text go through stem_text itself."""
    distinct = dict.fromkeys(values)
    if len(distinct) * 4 < len(values):
        # Region names, categories, years as text: stem each distinct cell once.
        keys = list(distinct)
        distinct.update(zip(keys, stem_column(keys), strict=True))
        return list(map(distinct.__getitem__, values))
    cells = [v or "" for v in values]
    raw = " \x00 ".join(cells)
    if raw.count("\x00") != len(cells) - 1:  # a cell holds NUL itself
        return [stem_text(v) for v in cells]
    odd = []
    if not raw.isascii():
        odd = [(i, v) for i, v in enumerate(cells) if not v.isascii()]
        for i, _v in odd:
            cells[i] = ""
        raw = " \x00 ".join(cells)
    words = raw.translate(_SEPARATORS).lower().split()
    if words and max(map(len, words)) > _MAX_WORD:
        words = [w[:_MAX_WORD] for w in words]
    out = " ".join(map(_STEMS.__getitem__, words)).split("\x00")
    for i, v in odd:
        out[i] = stem_text(v)
    return out


def _lexeme_column(stems: list[str], k: int) -> list[str]:
    """PostgreSQL: each cell's stems as tsvector lexemes of text column k ("'umum_3'")."""
    words = " \x00 ".join(stems).split()
    if len(words) < len(stems):  # no word at all, only markers
        return [""] * len(stems)
    suffix = f"_{k}'"
    text = "'" + " ".join(words).replace(" ", suffix + " '") + suffix
    return text.split("'\x00" + suffix)


def _create_sql(name: str, cols: list[dict]) -> str:
    types = _SQL_TYPES[connection.vendor]
    # PostgreSQL: _id's unique index is built after the rows are in (_index_sql), from
    # sorted input, rather than maintained row by row through the COPY.
    definitions = ['"_id" BIGINT NOT NULL' if connection.vendor != "sqlite" else
                   '"_id" INTEGER PRIMARY KEY']  # fmt: skip
    definitions += [f"{_q(c['id'])} {types[c['type']]}" for c in cols]
    if connection.vendor == "postgresql":
        definitions.append('"_full_text" tsvector')
    return f"CREATE TABLE {_q(name)} ({', '.join(definitions)})"


# --- SQLite: the FTS5 file, written here for small tables and by fts_build for large ones


def fts_create(db: sqlite3.Connection, name: str, text_positions: list[int]) -> None:
    columns = ", ".join(f"c{k}" for k in text_positions)
    fts = _sq(name + "_fts")
    db.execute(
        f"CREATE VIRTUAL TABLE {fts} USING fts5({columns}, content='', "
        "tokenize='unicode61 remove_diacritics 2', detail='column')"
    )
    # No incremental merging of the index's segments during the load: 'optimize'
    # merges them once at the end (fts_finish); and segments of up to 64 MB in memory
    # before each is written (1 MB by default), so there are fewer of them to merge.
    db.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('automerge', 0)")  # noqa: S608
    db.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('hashsize', {FTS_HASH_BYTES})")  # noqa: S608


def fts_insert(db: sqlite3.Connection, name: str, text_positions, ids, text_columns) -> None:
    """One batch: the stems of each text column's cells, under the rows' `_id`s. A
    contentless table takes each row's id in its hidden rowid column."""
    columns = ", ".join(f"c{k}" for k in text_positions)
    marks = ", ".join("?" * (len(text_positions) + 1))
    stems = [stem_column(values) for values in text_columns]
    db.executemany(
        f"INSERT INTO {_sq(name + '_fts')} (rowid, {columns}) VALUES ({marks})",  # noqa: S608
        zip(ids, *stems, strict=True),
    )


def fts_finish(db: sqlite3.Connection, name: str) -> None:
    """One merged b-tree per term (fewer segments to read per query), and the fts5vocab
    tables that count a word's rows exactly."""
    fts = _sq(name + "_fts")
    db.execute(f"INSERT INTO {fts}({fts}) VALUES ('optimize')")  # noqa: S608
    for suffix, kind in (("_vocab", "row"), ("_vocabc", "col")):
        db.execute(f"CREATE VIRTUAL TABLE {_sq(name + suffix)} USING fts5vocab({fts}, '{kind}')")


def _load_sqlite(name, cols, table: Table, text_positions, progress) -> int:
    """Write a new generation of the resource's files and publish it (sqlite_store)."""
    from . import fts_build

    with sqlite_store.locked(name) as folder:
        sqlite_store.remove_leftovers(name)
        token = secrets.token_hex(8)
        rows_path, fts_path = sqlite_store.generation(folder, token)
        child = None
        try:
            if text_positions and table.row_count >= FTS_PROCESS_MIN_ROWS:
                child = fts_build.start(table, name, text_positions, fts_path)
            db = sqlite_store.writer(rows_path)
            fts_db = None
            try:
                db.execute(_create_sql(name, cols))
                if text_positions and child is None:
                    fts_db = sqlite_store.writer(fts_path)
                    fts_create(fts_db, name, text_positions)
                lengths = _TextLengths(cols)
                count = _fill_sqlite(db, fts_db, name, table, lengths, text_positions, progress)
                _finish(db, name, cols, lengths.unindexed())
                if fts_db is not None:
                    fts_finish(fts_db, name)
            finally:
                db.close()
                if fts_db is not None:
                    fts_db.close()
            if child is not None:
                built = child.wait()
                if built != count:
                    message = f"the full-text index has {built} rows, the table {count}"
                    raise fts_build.FtsBuildError(message)
            for path in (rows_path, fts_path):
                if path.exists():
                    sqlite_store.sync_file(path)
            sqlite_store.publish(name, token)
        except BaseException:
            if child is not None:
                child.kill()
            rows_path.unlink(missing_ok=True)
            fts_path.unlink(missing_ok=True)
            raise
    return count


def _fill_sqlite(db, fts_db, name, table: Table, lengths, text_positions, progress) -> int:
    marks = ", ".join("?" * (len(table.columns) + 1))
    insert = f"INSERT INTO {_q(name)} VALUES ({marks})"  # noqa: S608
    done = 0
    db.execute("BEGIN")
    if fts_db is not None:
        fts_db.execute("BEGIN")
    for columns in table.column_batches():
        ids = range(done + 1, done + 1 + len(columns[0]))
        db.executemany(insert, zip(ids, *columns, strict=True))
        lengths.add(columns)
        if fts_db is not None:
            fts_insert(fts_db, name, text_positions, ids, [columns[k] for k in text_positions])
        done += len(ids)
        if progress:
            progress(done)
    db.execute("COMMIT")
    if fts_db is not None:
        fts_db.execute("COMMIT")
    return done


def row_vectors(text_columns: list[list], text_positions: list[int], n: int) -> list[str]:
    """PostgreSQL: each row's `_full_text` (tsvector text) from its text columns' cells."""
    lexemes = [
        _lexeme_column(stem_column(values), k)
        for values, k in zip(text_columns, text_positions, strict=True)
    ]
    if len(lexemes) > 1:
        return list(map(" ".join, zip(*lexemes, strict=True)))
    return lexemes[0] if lexemes else [""] * n


def _terms(name: str) -> str:
    """PostgreSQL: the table of the dictionary columns' values and their stems."""
    return f"{name}_terms"


def _dictionary_positions(table: Table, text_positions: list[int]) -> list[int]:
    """PostgreSQL: the text columns searched through their distinct values (a `_terms`
    table and the column's b-tree) rather than a lexeme in every row's tsvector: at most
    DISTINCT_MAX values, each in DICTIONARY_REPEATS rows on average or more."""
    columns = table.columns
    return [
        k
        for k in text_positions
        if k < MAX_INDEXED_COLUMNS
        and columns[k].distinct is not None
        and columns[k].distinct * DICTIONARY_REPEATS <= table.row_count
    ]


def _insert_postgresql(cursor, name, cols, table, lengths, text_positions, progress):
    """Create the table and COPY the rows into it, in one transaction: FREEZE writes them
    already frozen and visible to all (no VACUUM rewrites the pages afterwards). The
    dictionary columns' distinct values go to the `_terms` table. Returns the row count
    and the dictionary columns' positions."""
    from psycopg.copy import QueuedLibpqWriter

    from . import fts_build

    names = ", ".join(["_id", *[_q(c["id"]) for c in cols], "_full_text"])
    dictionary = {k: set() for k in _dictionary_positions(table, text_positions)}
    vector_positions = [k for k in text_positions if k not in dictionary]
    done = 0
    child = None
    if vector_positions and table.row_count >= FTS_PROCESS_MIN_ROWS:
        # A large table: a second process stems the text columns this one sends it, a few
        # chunks ahead, and sends back each row's tsvector (fts_build).
        child = fts_build.start_vectors(table, vector_positions)
    try:
        with transaction.atomic():
            cursor.execute(_create_sql(name, cols))
            # A writer thread sends the data while this one formats the next rows: the
            # server parses and stores them meanwhile, in its own process.
            copy_sql = f"COPY {_q(name)} ({names}) FROM STDIN (FREEZE)"
            with cursor.cursor.copy(copy_sql, writer=QueuedLibpqWriter(cursor.cursor)) as copy:
                ahead: deque = deque()

                def send(columns, texts):
                    # Each chunk goes as one block of COPY text (tabular.copy_text): the
                    # rows joined by C code, not formatted value by value.
                    nonlocal done
                    n = len(columns[0])
                    ids = map(str, range(done + 1, done + 1 + n))
                    if child is not None:
                        vectors = child.take(n)
                    elif vector_positions:
                        text_columns = [texts[k] for k in vector_positions]
                        vectors = row_vectors(text_columns, vector_positions, n)
                    else:
                        vectors = [""] * n
                    copy.write("\n".join(map("\t".join, zip(ids, *columns, vectors, strict=True))))
                    copy.write("\n")
                    done += n
                    if progress:
                        progress(done)

                for columns, texts in table.copy_batches():
                    lengths.add(texts)
                    for k, values in dictionary.items():
                        values.update(texts[k])
                    if child is not None:
                        child.give([texts[k] for k in vector_positions])
                    ahead.append((columns, texts))
                    if len(ahead) > CHILD_AHEAD or child is None:
                        send(*ahead.popleft())
                while ahead:
                    send(*ahead.popleft())
                if child is not None:
                    child.finish()
            _write_terms(cursor, name, dictionary)
    except BaseException:
        if child is not None:
            child.kill()
        raise
    return done, set(dictionary)


def _write_terms(cursor, name: str, dictionary: dict[int, set]) -> None:
    """The `_terms` table: (k, stem, value) for each distinct value of each dictionary
    column k and each of its stems."""
    terms = _terms(name)
    cursor.execute(
        f'CREATE TABLE {_q(terms)} (k SMALLINT NOT NULL, lexeme TEXT COLLATE "C" NOT NULL, '
        'value TEXT COLLATE "C" NOT NULL)'
    )
    with cursor.cursor.copy(f"COPY {_q(terms)} (k, lexeme, value) FROM STDIN") as copy:
        for k, values in dictionary.items():
            cells = sorted(values - {""})
            for value, stems in zip(cells, stem_column(cells), strict=True):
                for lexeme in dict.fromkeys(stems.split()):
                    copy.write_row((k, lexeme, value.replace("\x00", "")))
    tag = name.removeprefix("datastore_")
    cursor.execute(f"CREATE INDEX {_q(f'dsx_{tag}_terms')} ON {_q(terms)} (lexeme, k)")


def _index_sql(name: str, cols: list[dict], long_text: set[str]) -> list[str]:
    tag = name.removeprefix("datastore_")
    sql = []
    # PostgreSQL: (column, _id), so that a filter's rows come in _id order (a deep page
    # skips index entries rather than walking the table); SQLite's indexes hold the rowid.
    nulls = ' NULLS FIRST, "_id"' if connection.vendor == "postgresql" else ""
    for k, c in enumerate(cols[:MAX_INDEXED_COLUMNS]):
        if c["id"] in long_text:
            continue
        sql.append(f"CREATE INDEX {_q(f'dsx_{tag}_{k}')} ON {_q(name)} ({_q(c['id'])}{nulls})")
    if connection.vendor == "postgresql":
        # The longest build first: _finish_postgresql's two connections take the next
        # statement as each becomes free.
        sql.insert(0, f"CREATE INDEX {_q(f'dsx_{tag}_ft')} ON {_q(name)} USING GIN (_full_text)")
        sql.append(f"CREATE UNIQUE INDEX {_q(f'dsx_{tag}_pkey')} ON {_q(name)} (_id)")
    return sql


def load(resource_id, table: Table, *, progress: Callable[[int], None] | None = None) -> int:
    """Store the table's rows as the resource's datastore, replacing any earlier ones;
    returns the number of rows stored. `progress(rows_so_far)` is called per batch."""
    name = table_name(resource_id)
    cols = [{"id": c.id, "type": c.type} for c in table.columns]
    for c in cols:
        if not _FIELD_ID.fullmatch(c["id"]) or c["type"] not in _SQL_TYPES["sqlite"]:
            raise ValueError(f"bad column {c!r}")
    text_positions = [k for k, c in enumerate(cols) if c["type"] == "text"]
    if connection.vendor == "sqlite":
        with gc_paused():
            return _load_sqlite(name, cols, table, text_positions, progress)
    work = f"{name}_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        for leftover in _leftovers(name):
            cursor.execute(f"DROP TABLE IF EXISTS {_q(leftover)}")
    try:
        with connection.cursor() as cursor, gc_paused():
            lengths = _TextLengths(cols)
            count, dictionary = _insert_postgresql(
                cursor, work, cols, table, lengths, text_positions, progress
            )
            # A dictionary column is searched through its b-tree, whatever its length.
            unindexed = lengths.unindexed(keep={cols[k]["id"] for k in dictionary})
            _finish_postgresql(cursor, work, cols, unindexed)
    except BaseException:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {_q(work)}")
            cursor.execute(f"DROP TABLE IF EXISTS {_q(_terms(work))}")
        raise
    with transaction.atomic(), connection.cursor() as cursor:
        for table_sql in (_q(name), _q(_terms(name))):
            cursor.execute(f"DROP TABLE IF EXISTS {table_sql}")
        cursor.execute(f"ALTER TABLE {_q(work)} RENAME TO {_q(name)}")
        cursor.execute(f"ALTER TABLE {_q(_terms(work))} RENAME TO {_q(_terms(name))}")
    return count


class _TextLengths:
    """The longest and the average length of each text column's cells, gathered while
    the rows go in: text too long for a b-tree, or free-text notes (NOTE_LENGTH), gets
    no index. (Asking the database afterwards read the whole table again.)"""

    def __init__(self, cols: list[dict]):
        self.cols = cols
        self.positions = [
            k for k, c in enumerate(cols[:MAX_INDEXED_COLUMNS]) if c["type"] == "text"
        ]  # fmt: skip
        self.longest = dict.fromkeys(self.positions, 0)
        self.total = dict.fromkeys(self.positions, 0)
        self.count = dict.fromkeys(self.positions, 0)

    def add(self, columns: list[list]) -> None:
        for k in self.positions:
            lengths = list(map(len, filter(None, columns[k])))
            if lengths:
                self.longest[k] = max(self.longest[k], max(lengths))
                self.total[k] += sum(lengths)
                self.count[k] += len(lengths)

    def unindexed(self, keep: set[str] = frozenset()) -> set[str]:
        """The text columns to leave without a b-tree; `keep`'s only when too long."""
        return {
            self.cols[k]["id"]
            for k in self.positions
            if self.longest[k] > MAX_INDEXED_TEXT
            or (
                self.cols[k]["id"] not in keep
                and self.count[k]
                and self.total[k] / self.count[k] > NOTE_LENGTH
            )
        }


def _finish(db: sqlite3.Connection, name: str, cols: list[dict], long_text: set[str]) -> None:
    """SQLite: the b-tree indexes and the planner's statistics (from a sample of each
    index: a second, not ten, on a million rows), once the rows are in."""
    db.execute("PRAGMA temp_store = FILE")
    db.execute(f"PRAGMA cache_size = -{SQLITE_SORT_KIB}")
    for sql in _index_sql(name, cols, long_text):
        db.execute(sql)
    db.execute("PRAGMA analysis_limit = 2000")
    db.execute(f"ANALYZE {_q(name)}")


def _finish_postgresql(cursor, name: str, cols: list[dict], long_text: set[str]) -> None:
    """Indexes and planner statistics, once the rows are in. Once the rows are committed,
    a second connection builds indexes alongside this one, each in its own server
    process: both take the next statement from one queue, the GIN index first."""
    statements = deque(_index_sql(name, cols, long_text))
    with ThreadPoolExecutor(max_workers=1) as pool:
        alongside = None
        if not connection.in_atomic_block:
            alongside = pool.submit(_build_indexes, connection.alias, statements)
        try:
            with transaction.atomic():
                _take_statements(cursor, statements)
        except BaseException:
            # The other connection stops after its current build; leaving the pool's
            # block waits for it.
            statements.clear()
            raise
        if alongside is not None:
            alongside.result()
    # COPY FREEZE has set the visibility map (counts are index-only scans): no VACUUM.
    cursor.execute(f"ANALYZE {_q(name)}")


def _take_statements(cursor, statements: deque) -> None:
    """Run the queue's statements until it is empty (inside a transaction: the memory
    setting is the transaction's)."""
    while True:
        try:
            sql = statements.popleft()
        except IndexError:
            return
        memory = GIN_MEMORY if " USING GIN " in sql else BTREE_SORT_MEMORY
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{memory}'")
        cursor.execute(sql)


def _build_indexes(alias: str, statements: deque) -> None:
    """Take index statements from the queue on a connection of this thread's own (then
    closed)."""
    db = connections[alias]
    try:
        with db.cursor() as cursor, transaction.atomic(using=alias):
            _take_statements(cursor, statements)
    except BaseException:
        statements.clear()
        raise
    finally:
        db.close()


# --- search ---------------------------------------------------------------------------------


def _int_param(value, name: str, errors: dict, *, minimum: int = 0) -> int | None:
    if isinstance(value, bool):
        value = None
    try:
        number = int(value)
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(value)
    except (TypeError, ValueError):
        errors.setdefault(name, []).append(_("Enter a whole number."))
        return None
    if number < minimum:
        errors.setdefault(name, []).append(
            _("Must be at least %(minimum)d.") % {"minimum": minimum}
        )
        return None
    return number


def _filter_value(value, kind: str):
    """A filter value as the column's type; ValueError when it is not one."""
    if value is None:
        return None
    if isinstance(value, bool) or isinstance(value, dict | list):
        raise ValueError(value)
    if kind == "int":
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, str) and re.fullmatch(r"[-+]?\d{1,18}", value.strip()):
            return int(value)
        raise ValueError(value)
    if kind == "numeric":
        if isinstance(value, int | float | Decimal):
            number = float(value)
        elif isinstance(value, str) and re.fullmatch(r"[-+]?\d+(\.\d+)?", value.strip()):
            number = float(value)
        else:
            raise ValueError(value)
        return number if connection.vendor == "sqlite" else Decimal(repr(number))
    if kind in ("date", "timestamp"):
        if not isinstance(value, str):
            raise ValueError(value)
        from .tabular import parse_date

        parsed = parse_date(value)
        if parsed is None:
            raise ValueError(value)
        if kind == "timestamp" and not isinstance(parsed, datetime.datetime):
            parsed = datetime.datetime.combine(parsed, datetime.time())  # noqa: DTZ001
        if kind == "date" and isinstance(parsed, datetime.datetime):
            raise ValueError(value)
        return parsed
    if isinstance(value, int | float | Decimal):
        return str(value)
    if not isinstance(value, str):
        raise ValueError(value)
    return value


def _field_list(fields, known: dict, errors: dict) -> list[str]:
    if fields is None or fields == "" or fields == []:
        return list(known)
    if isinstance(fields, str):
        fields = [f.strip() for f in fields.split(",")]
    if not isinstance(fields, list | tuple) or not all(isinstance(f, str) for f in fields):
        errors.setdefault("fields", []).append(_("Give a list of field names."))
        return []
    chosen = []
    for f in fields:
        if f not in known:
            errors.setdefault("fields", []).append(
                _('Field "%(field)s" is not in the table.') % {"field": f[:100]}
            )
        elif f not in chosen:
            chosen.append(f)
    return chosen


def _sort_list(sort, known: dict, errors: dict) -> list[tuple[str, str]]:
    if sort is None or sort == "" or sort == []:
        return []
    parts = [s.strip() for s in sort.split(",")] if isinstance(sort, str) else sort
    if not isinstance(parts, list | tuple):
        errors.setdefault("sort", []).append(_("Write the sort as 'field asc, other desc'."))
        return []
    out = []
    for part in parts:
        words = part.split() if isinstance(part, str) else []
        if not 1 <= len(words) <= 2:
            errors.setdefault("sort", []).append(_("Write the sort as 'field asc, other desc'."))
            continue
        field_id = words[0].strip('"')
        direction = words[1].lower() if len(words) == 2 else "asc"
        if field_id not in known:
            errors.setdefault("sort", []).append(
                _('Field "%(field)s" is not in the table.') % {"field": field_id[:100]}
            )
        elif direction not in ("asc", "desc"):
            errors.setdefault("sort", []).append(
                _('Sort "%(direction)s": write asc or desc.') % {"direction": direction[:20]}
            )
        else:
            out.append((field_id, direction))
    return out


def _fts_condition(name: str, q, known: dict, positions: dict, errors: dict):
    """The full-text condition (a _Clause), or None for no condition."""
    if q is None or q == "":
        return None
    if isinstance(q, str):
        wanted = [(None, query_terms(q))]
    elif isinstance(q, dict):
        wanted = []
        for field_id, text in q.items():
            if field_id not in known:
                errors.setdefault("q", []).append(
                    _('Field "%(field)s" is not in the table.') % {"field": str(field_id)[:100]}
                )
            elif known[field_id] != "text":
                errors.setdefault("q", []).append(
                    _('Field "%(field)s" is not text: use filters.') % {"field": field_id}
                )
            elif not isinstance(text, str):
                errors.setdefault("q", []).append(_("Search for text."))
            else:
                wanted.append((field_id, query_terms(text)))
    else:
        errors.setdefault("q", []).append(_("Search for text, or a field-to-text object."))
        return None
    wanted = [(f, terms) for f, terms in wanted if terms]
    if not wanted or errors:
        return None
    text_positions = sorted(positions.values())
    if not text_positions:
        return _Clause("1 = 0", [])
    table = _q(name)
    if connection.vendor == "sqlite":
        parts = []
        for field_id, terms in wanted:
            prefix = f"c{positions[field_id]} : " if field_id else ""
            parts += [prefix + '"' + t.replace('"', "") + '"' for t in terms]
        fts = _q(name + "_fts")
        vocab = None
        if len(wanted) == 1 and len(wanted[0][1]) == 1 and _VOCAB_TERM.fullmatch(wanted[0][1][0]):
            # One word: FTS5 keeps the number of rows holding it (fts5vocab), exactly.
            field_id, (term,) = wanted[0]
            if field_id is None:
                vocab_table, where, vocab_params = "_vocab", "term = %s", [term]
            else:
                column = f"c{positions[field_id]}"
                vocab_table, where, vocab_params = (
                    "_vocabc",
                    "term = %s AND col = %s",
                    [term, column],
                )
            vocab_sql = f"SELECT COALESCE(MAX(doc), 0) FROM {_q(name + vocab_table)} WHERE {where}"  # noqa: S608
            vocab = (vocab_sql, vocab_params)
        return _Clause(
            f"{fts} MATCH %s",
            [" ".join(parts)],
            count_sql=f"SELECT COUNT(*) FROM {fts} WHERE {fts} MATCH %s",  # noqa: S608
            fts=fts,
            vocab=vocab,
        )
    # Each word: its lexemes in the tsvector, or a dictionary column's values that hold it.
    columns_at = {k: field_id for field_id, k in positions.items()}
    values = _dictionary_values(name, [t for _f, terms in wanted for t in terms])
    parts, params = [], []
    for field_id, terms in wanted:
        ks = [positions[field_id]] if field_id else text_positions
        for t in terms:
            lexemes = "' | '".join(f"{t}_{k}".replace("'", "").replace("\\", "") for k in ks)
            either = ['"_full_text" @@ %s::tsquery']
            params.append(f"'{lexemes}'")
            for k in ks:
                if (k, t) in values:
                    either.append(f"{_q(columns_at[k])} = ANY(%s)")
                    params.append(values[(k, t)])
            parts.append(either[0] if len(either) == 1 else "(" + " OR ".join(either) + ")")
    sql = " AND ".join(parts)
    count_sql = f"SELECT COUNT(*) FROM {table} WHERE {sql}"  # noqa: S608
    return _Clause(sql, params, count_sql=count_sql)


# PostgreSQL: the tables seen with a `_terms` table. Every load writes one, so a table
# keeps it for as long as it exists: only a table loaded before there were dictionary
# columns is asked about again, and a search on any other costs one query, not two.
_WITH_TERMS: set[str] = set()


def _dictionary_values(name: str, words: list[str]) -> dict[tuple[int, str], list[str]]:
    """PostgreSQL: {(column position, word): the column's values holding the word} from
    the table's `_terms` (none for a table loaded before there were dictionary columns:
    its tsvectors hold every column's words)."""
    with connection.cursor() as cursor:
        if name not in _WITH_TERMS:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [_q(_terms(name))])
            if not cursor.fetchone()[0]:
                return {}
            _WITH_TERMS.add(name)
        cursor.execute(
            f"SELECT k, lexeme, value FROM {_q(_terms(name))} WHERE lexeme = ANY(%s)",  # noqa: S608
            [list(dict.fromkeys(words))],
        )
        found: dict[tuple[int, str], list[str]] = {}
        for k, lexeme, value in cursor.fetchall():
            found.setdefault((k, lexeme), []).append(value)
    return found


@dataclass
class _Clause:
    """One condition of a search: its SQL over the table (or, for FTS5, over the join of
    the FTS table and the table), its parameters, the SQL counting its rows alone, and
    on SQLite the same condition with the column's index switched off (a unary +)."""

    sql: str
    params: list
    count_sql: str = ""
    fts: str = ""  # SQLite: the FTS5 table this condition matches in
    vocab: tuple | None = None  # SQLite: (SQL, params) of a one-word exact count
    unindexed: str = ""


_VOCAB_TERM = re.compile(r"[a-z0-9]+")


def _record_value(value):
    if isinstance(value, Decimal):  # NUMERIC on PostgreSQL, REAL (float) on SQLite
        return float(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def search(
    resource_id,
    *,
    q=None,
    filters=None,
    limit=LIMIT_DEFAULT,
    offset=0,
    sort=None,
    fields=None,
    include_total=True,
    links_base: str = LINKS_BASE,
) -> dict:
    """CKAN's datastore_search over the resource's table (see the module docstring).

    q: text searched over every text column, or {field: text}; filters: {field: value or
    [values]} (equality, in the column's type); sort: "field asc, other desc" or a list;
    fields: a list or a comma-separated string. Raises DatastoreNotFound when the resource
    has no table and DatastoreError({"param": [messages]}) for bad parameters."""
    name = table_name(resource_id)
    cols = columns(resource_id)
    if not cols:
        raise DatastoreNotFound(
            {"resource_id": [_('Resource "%(id)s" has no datastore.') % {"id": resource_id}]}
        )
    known = {c["id"]: c["type"] for c in cols}
    # A text column's position among the user columns (FTS column c<k>, lexeme suffix _k).
    positions = {c["id"]: k for k, c in enumerate(cols[1:]) if c["type"] == "text"}
    errors: dict = {}
    limit_n = _int_param(LIMIT_DEFAULT if limit is None else limit, "limit", errors)
    offset_n = _int_param(0 if offset is None else offset, "offset", errors)
    chosen = _field_list(fields, known, errors)
    order = _sort_list(sort, known, errors)
    table = _q(name)
    clauses: list[_Clause] = []
    if filters not in (None, ""):
        if not isinstance(filters, dict):
            errors.setdefault("filters", []).append(_("Give filters as a field-to-value object."))
        else:
            for field_id, value in filters.items():
                if field_id not in known:
                    errors.setdefault("filters", []).append(
                        _('Field "%(field)s" is not in the table.') % {"field": str(field_id)[:100]}
                    )
                    continue
                values = value if isinstance(value, list) else [value]
                try:
                    typed = [_filter_value(v, known[field_id]) for v in values]
                except (ValueError, OverflowError):
                    errors.setdefault("filters", []).append(
                        _('Field "%(field)s": a value is not of type %(type)s.')
                        % {"field": field_id, "type": known[field_id]}
                    )
                    continue
                clauses.append(_filter_clause(table, _q(field_id), typed))
    condition = _fts_condition(name, q, known, positions, errors)
    if errors:
        raise DatastoreError(errors)
    if condition:
        clauses.append(condition)
    limit_n = min(limit_n, LIMIT_MAX)
    if connection.vendor == "postgresql":
        directions = {"asc": "ASC NULLS FIRST", "desc": "DESC NULLS LAST"}
    else:
        directions = {"asc": "ASC", "desc": "DESC"}
    sorted_by_column = bool(order) and any(f != "_id" for f, _d in order)
    if not any(f == "_id" for f, _d in order):
        order.append(("_id", "asc"))
    params = [p for c in clauses for p in c.params]
    fts = next((c.fts for c in clauses if c.fts), "")
    # FTS5 joined to the table: its matches come in rowid order, so a page in _id order
    # stops after `limit` rows instead of collecting every match first.
    source = f'{fts} JOIN {table} ON {table}."_id" = {fts}.rowid' if fts else table
    with _cursor(name) as cursor:
        total, estimated, few = _count(cursor, table, source, clauses, include_total)
        select = ", ".join(_q(f) for f in chosen)
        # _id is never null: plain ASC/DESC, which its primary key index serves.
        order_sql = ", ".join(
            f"{_q(f)} {d.upper() if f == '_id' else directions[d]}" for f, d in order
        )
        where_sql = _where([c.sql for c in clauses])
        if few:
            # At most COUNT_EXACT matches: read them all and sort them. Left to itself
            # the planner may walk the whole table along the sort's index, looking for a
            # rare word's two rows (seconds on a million rows).
            wanted = ", ".join(_q(f) for f in dict.fromkeys([*chosen, *(f for f, _d in order)]))
            wanted = wanted.replace('"_id"', f'{table}."_id"') if fts else wanted
            sql = (
                f"WITH m AS MATERIALIZED (SELECT {wanted} FROM {source}{where_sql}) "  # noqa: S608
                f"SELECT {select} FROM m ORDER BY {order_sql} LIMIT %s OFFSET %s"
            )
        else:
            if sorted_by_column and connection.vendor == "sqlite":
                # Many matches, sorted by a column: walk that column's index and test each
                # row, rather than fetch every match through a filter's index and sort.
                where_sql = _where([c.unindexed or c.sql for c in clauses])
            if fts:
                select = select.replace('"_id"', f'{table}."_id"')
                order_sql = order_sql.replace('"_id"', f"{fts}.rowid")
            sql = (
                f"SELECT {select} FROM {source}{where_sql} ORDER BY {order_sql} LIMIT %s OFFSET %s"  # noqa: S608
            )
            if offset_n >= DEEP_OFFSET and connection.vendor == "postgresql" and clauses:
                # A deep page: find its keys first (an index-only scan of a filter's
                # (column, _id) index skips the rows before it without reading them),
                # then read only its rows.
                sql = (
                    f"SELECT {select} FROM {table} WHERE "  # noqa: S608
                    f'"_id" IN (SELECT "_id" FROM {table}{where_sql} ORDER BY {order_sql} '
                    f"LIMIT %s OFFSET %s) ORDER BY {order_sql}"
                )
        cursor.execute(sql, [*params, limit_n, offset_n])
        records = [
            dict(zip(chosen, map(_record_value, row), strict=True)) for row in cursor.fetchall()
        ]
    result = {
        "include_total": bool(include_total),
        "resource_id": str(resource_id),
        "fields": [{"id": f, "type": known[f]} for f in chosen],
        "records_format": "objects",
        "records": records,
        "limit": limit_n,
        "offset": offset_n,
        "_links": _links(
            links_base, resource_id, q, filters, sort, fields, limit, offset_n, limit_n
        ),  # fmt: skip
    }
    if q not in (None, ""):
        result["q"] = q
    if filters:
        result["filters"] = filters
    if sort:
        result["sort"] = sort
    if include_total:
        result["total"] = total
        result["total_was_estimated"] = estimated
    return result


def _where(conditions: list[str]) -> str:
    return " WHERE " + " AND ".join(conditions) if conditions else ""


def _filter_clause(table: str, column: str, typed: list) -> _Clause:
    present = [v for v in typed if v is not None]
    parts = []
    if present:
        if len(present) == 1:
            parts.append(f"{column} = %s")
        else:
            parts.append(f"{column} IN ({', '.join(['%s'] * len(present))})")
    if len(present) < len(typed):
        parts.append(f"{column} IS NULL")
    sql = "(" + " OR ".join(parts) + ")" if parts else "1 = 0"
    return _Clause(
        sql,
        present,
        count_sql=f"SELECT COUNT(*) FROM {table} WHERE {sql}",  # noqa: S608
        unindexed=sql.replace(column, "+" + column),
    )


def _count(cursor, table, source, clauses, include_total):
    """(total, whether it is estimated, whether the matches are few).

    The matches are counted exactly up to COUNT_EXACT. Past that, a count that would
    read every matching row is estimated (CKAN's total_was_estimated): counting a common
    word's 300,000 rows, or the rows of two filters together, takes a few hundred ms.
    Exact: one filter (an index-only count) and, on SQLite, full text alone (FTS5 counts
    its own matches; one word's count is stored). Estimated: PostgreSQL's planner estimate
    of a full-text match or of several conditions; on SQLite, several conditions as if
    independent, each counted alone, N * product(count_i / N)."""
    if not clauses:
        # _id runs 1..N without gaps: the count without reading the table.
        cursor.execute(f'SELECT COALESCE(MAX("_id"), 0) FROM {table}')  # noqa: S608
        return cursor.fetchone()[0], False, False
    params = [p for c in clauses for p in c.params]
    if len(clauses) == 1 and clauses[0].vocab:
        exact = _clause_count(cursor, clauses[0])
        return exact, False, exact <= COUNT_EXACT
    if len(clauses) > 1 and connection.vendor == "sqlite":
        # Several conditions: their independent estimate first, from each one's own
        # count (cheap); counting the matches of a common word within a filter, even
        # only up to COUNT_EXACT, walks a hundred thousand index entries and rows.
        estimate = _independent_estimate(cursor, table, clauses)
        if estimate > 4 * COUNT_EXACT:
            return (estimate if include_total else None), include_total, False
    cursor.execute(
        f"SELECT COUNT(*) FROM (SELECT 1 FROM {source}{_where([c.sql for c in clauses])} "  # noqa: S608
        f"LIMIT {COUNT_EXACT + 1}) m",
        params,
    )
    capped = cursor.fetchone()[0]
    if capped <= COUNT_EXACT:
        return capped, False, True
    if not include_total:
        return None, False, False
    full_text = any(c.fts or "_full_text" in c.sql for c in clauses)
    if len(clauses) == 1 and not (full_text and connection.vendor == "postgresql"):
        return _clause_count(cursor, clauses[0]), False, False
    if connection.vendor == "postgresql":
        where_sql = _where([c.sql for c in clauses])
        cursor.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {table}{where_sql}", params)  # noqa: S608
        plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return max(int(plan[0]["Plan"]["Plan Rows"]), COUNT_EXACT + 1), True, False
    return max(_independent_estimate(cursor, table, clauses), COUNT_EXACT + 1), True, False


def _independent_estimate(cursor, table, clauses) -> int:
    cursor.execute(f'SELECT COALESCE(MAX("_id"), 0) FROM {table}')  # noqa: S608
    rows = cursor.fetchone()[0] or 1
    estimate = float(rows)
    for clause in clauses:
        estimate *= _clause_count(cursor, clause) / rows
    return round(estimate)


def _clause_count(cursor, clause: _Clause) -> int:
    if clause.vocab:
        try:
            cursor.execute(*clause.vocab)
            return cursor.fetchone()[0]
        except (DatabaseError, sqlite3.DatabaseError):  # loaded before fts5vocab tables
            pass
    cursor.execute(clause.count_sql, clause.params)
    return cursor.fetchone()[0]


def _links(base, resource_id, q, filters, sort, fields, limit, offset, limit_n) -> dict:
    params: dict = {"resource_id": str(resource_id)}
    if q not in (None, ""):
        params["q"] = q if isinstance(q, str) else json.dumps(q, ensure_ascii=False)
    if filters:
        params["filters"] = json.dumps(filters, ensure_ascii=False, default=str)
    if sort:
        params["sort"] = sort if isinstance(sort, str) else ",".join(sort)
    if fields:
        params["fields"] = fields if isinstance(fields, str) else ",".join(fields)
    if limit is not None and limit != LIMIT_DEFAULT:
        params["limit"] = limit_n
    start = f"{base}?{urlencode(params)}"
    following = f"{base}?{urlencode({'offset': offset + limit_n, **params})}"
    return {"start": start, "next": following}
