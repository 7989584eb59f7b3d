"""Our thin full-text search layer over the database's own engine.

SQLite: an external-content FTS5 table kept in step by triggers, ranked with bm25.
PostgreSQL: a tsvector column kept in step by a trigger, with a GIN index, ranked with ts_rank.
Both index text that Python has already stemmed with Sastrawi (Indonesian), with the
'simple' configuration / unicode61 tokenizer, so both engines match the same words.
DESIGN.md explains why not Wagtail's search for these records.
"""

import re
import time
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# ASCII fast path of _WORD: every ASCII character that is not a letter or digit becomes a
# space, then str.split() (three times faster than a regex over a 2 KB document).
_ASCII_SEPARATORS = str.maketrans(
    {chr(i): " " for i in range(128) if not chr(i).isalnum() or not chr(i).isascii()}
)
# Control characters (NUL included) are removed before anything else sees the text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_MAX_WORD = 40


class _LiteralSub:
    """Stands in for the `re` module inside Sastrawi's affix-removal visitors. They take an
    affix off with re.sub(<the word without it>, "", word, count=1): a new pattern for
    every word, compiled each time (over 40 % of stemming a word not seen before). For a
    pattern without regular-expression syntax, which is all they pass, str.replace does
    the same; anything else goes to re.sub. Checked against Sastrawi itself in
    tests/core/test_search.py."""

    _SPECIAL = frozenset(".^$*+?{}[]\\|()")

    def __getattr__(self, name):
        return getattr(re, name)

    def sub(self, pattern, repl, string, count=0, flags=0):
        if (
            count == 1
            and repl == ""
            and not flags
            and isinstance(pattern, str)
            and not self._SPECIAL.intersection(pattern)
        ):
            return string.replace(pattern, "", 1)
        return re.sub(pattern, repl, string, count=count, flags=flags)


_SASTRAWI_AFFIX_VISITORS = (
    "AbstractDisambiguatePrefixRule",
    "RemoveDerivationalSuffix",
    "RemoveInflectionalParticle",
    "RemoveInflectionalPossessivePronoun",
    "RemovePlainPrefix",
)


@lru_cache(maxsize=1)
def _stemmer():
    import importlib

    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    for name in _SASTRAWI_AFFIX_VISITORS:
        module = importlib.import_module(f"Sastrawi.Stemmer.Context.Visitor.{name}")
        module.re = _LiteralSub()
    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=200_000)
def stem_word(word: str) -> str:
    """Indonesian stem of one lower-case word ("diumumkan" -> "umum")."""
    if len(word) <= 3 or word.isdigit():
        return word
    return _stemmer().stem(word) or word


def tokens(text: str) -> list[str]:
    text = text or ""
    if text.isascii():
        # Fast path, same result: in ASCII, control characters are separators anyway and
        # NFKC changes nothing. Bulk imports spend most of their time here (benchmarks.md).
        words = text.translate(_ASCII_SEPARATORS).lower().split()
    else:
        text = unicodedata.normalize("NFKC", _CONTROL.sub(" ", text))
        words = _WORD.findall(text.lower())
    if words and max(map(len, words)) > _MAX_WORD:
        return [w[:_MAX_WORD] for w in words]
    return words


class _StemCache(dict):
    """stem_word's results in a plain dict: a hit is one C-level lookup, about twice as fast
    as going through lru_cache, which matters at a few hundred words per document. Cleared
    when full, to bound its memory."""

    MAX = 200_000

    def __missing__(self, word: str) -> str:
        if len(self) >= self.MAX:
            self.clear()
        stem = self[word] = stem_word(word)
        return stem


_STEMS = _StemCache()


def stem_text(text: str) -> str:
    """Text as the index stores it: lower-case stemmed words separated by spaces."""
    return " ".join(map(_STEMS.__getitem__, tokens(text)))


def query_terms(raw: str) -> list[str]:
    """Normalise user query text into at most SEARCH_MAX_TERMS stemmed terms.

    Any input is safe: control characters are dropped, the length is capped, and only
    word characters survive, so no engine syntax (quotes, *, NEAR, AND) reaches the engine.
    """
    raw = (raw or "")[: settings.SEARCH_MAX_QUERY_CHARS * 4]
    words = tokens(raw[: settings.SEARCH_MAX_QUERY_CHARS])
    terms: list[str] = []
    for word in words:
        # Sastrawi drops non-ASCII letters as separators ("naïve" -> "na ve"): one word can
        # stem to several, which stem_text indexes as separate words. Each is its own term;
        # kept whole it would be an FTS5 phrase (an error with detail=column) or a bad tsquery.
        for stem in stem_word(word).split():
            if stem not in terms:
                terms.append(stem)
        if len(terms) >= settings.SEARCH_MAX_TERMS:
            break
    return terms[: settings.SEARCH_MAX_TERMS]


# PostgreSQL: terms at least this dense (share of rows) are found by walking the primary
# key backwards; sparser ones through the GIN index (FullTextIndex._newest_ids_pg).
DENSE_TERM = 0.15
ELEMENT_STATS_TTL = 300.0
_ELEMENT_STATS: dict = {}


def _read_every_match(density: float, rows: int, limit: int) -> bool:
    """Whether reading all of a sparse term's matches (its GIN list and each matching row:
    about 3.3 us per match here) costs less than a key range wide enough for `limit` of them
    (about 0.1 us per key in the range's bitmap, plus `limit` rows)."""
    matches = density * rows
    span = 1.5 * limit / max(density, 1e-9)
    return 33 * matches < span + 30 * limit


@dataclass(frozen=True)
class FullTextIndex:
    """A full-text index over one text column of one table."""

    name: str
    table: str
    column: str = "search_text"
    pk: str = "id"

    # --- schema (used from migrations) ---------------------------------------------------
    def create_sql(self, vendor: str) -> list[str]:
        t, c, n, pk = self.table, self.column, self.name, self.pk
        if vendor == "sqlite":
            return [
                f"CREATE VIRTUAL TABLE {n} USING fts5({c}, content='{t}', content_rowid='{pk}', "
                "tokenize='unicode61 remove_diacritics 2', detail='column')",
                f"CREATE TRIGGER {n}_ai AFTER INSERT ON {t} BEGIN "  # noqa: S608
                f"INSERT INTO {n}(rowid, {c}) VALUES (new.{pk}, new.{c}); END",
                f"CREATE TRIGGER {n}_ad AFTER DELETE ON {t} BEGIN "  # noqa: S608
                f"INSERT INTO {n}({n}, rowid, {c}) VALUES ('delete', old.{pk}, old.{c}); END",
                f"CREATE TRIGGER {n}_au AFTER UPDATE OF {c} ON {t} BEGIN "  # noqa: S608
                f"INSERT INTO {n}({n}, rowid, {c}) VALUES ('delete', old.{pk}, old.{c}); "
                f"INSERT INTO {n}(rowid, {c}) VALUES (new.{pk}, new.{c}); END",
            ]
        if vendor == "postgresql":
            return [
                f"ALTER TABLE {t} ADD COLUMN {n}_vec tsvector",
                f"CREATE INDEX {n}_gin ON {t} USING GIN ({n}_vec)",
                *self.trigger_sql(),
                f"UPDATE {t} SET {n}_vec = to_tsvector('pg_catalog.simple', {c})",  # noqa: S608
            ]
        raise NotImplementedError(f"full-text search is not available on {vendor}")

    def trigger_sql(self) -> list[str]:
        """PostgreSQL: the vector follows the text. An insert that brings its own vector
        (registry.bulk's COPY, which builds it in Python) keeps it: the WHEN clause skips
        the trigger call in C, so a bulk load needs no ALTER TABLE ... DISABLE TRIGGER, whose
        lock would serialize parallel loaders."""
        t, c, n = self.table, self.column, self.name
        update = f"EXECUTE FUNCTION tsvector_update_trigger({n}_vec, 'pg_catalog.simple', {c})"
        return [
            f"DROP TRIGGER IF EXISTS {n}_tg ON {t}",
            f"DROP TRIGGER IF EXISTS {n}_tgu ON {t}",
            f"CREATE TRIGGER {n}_tg BEFORE INSERT ON {t} FOR EACH ROW "
            f"WHEN (NEW.{n}_vec IS NULL) {update}",
            f"CREATE TRIGGER {n}_tgu BEFORE UPDATE OF {c} ON {t} FOR EACH ROW {update}",
        ]

    def compression_sql(self, connection) -> list[str]:
        """PostgreSQL: store the text and its vector with lz4 where the server has it. The
        rows are over the 2 KB TOAST threshold, so every insert compresses both: lz4 takes
        about an eighth off a bulk load's server time against the default pglz."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                "WHERE name = 'default_toast_compression'"
            )
            row = cursor.fetchone()
        if not row or not row[0]:
            return []
        return [
            f"ALTER TABLE {self.table} ALTER COLUMN {self.column} SET COMPRESSION lz4, "
            f"ALTER COLUMN {self.name}_vec SET COMPRESSION lz4"
        ]

    def drop_sql(self, vendor: str) -> list[str]:
        n, t = self.name, self.table
        if vendor == "sqlite":
            return [f"DROP TABLE IF EXISTS {n}"] + [
                f"DROP TRIGGER IF EXISTS {n}_{s}" for s in ("ai", "ad", "au")
            ]
        return [
            f"DROP TRIGGER IF EXISTS {n}_tg ON {t}",
            f"DROP TRIGGER IF EXISTS {n}_tgu ON {t}",
            f"ALTER TABLE {t} DROP COLUMN IF EXISTS {n}_vec",
        ]

    def rebuild(self) -> None:
        """Re-derive the index from the table (after a bulk load that bypassed triggers)."""
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"INSERT INTO {self.name}({self.name}) VALUES ('rebuild')")  # noqa: S608
            else:
                cursor.execute(
                    f"UPDATE {self.table} SET {self.name}_vec = "  # noqa: S608
                    f"to_tsvector('pg_catalog.simple', {self.column})"
                )

    def suspend(self) -> None:
        """Stop per-row index maintenance of inserts before a bulk load (registry.bulk).
        Rows inserted until resume() are not searchable; updates and deletes still reach
        the index, and resume() re-derives it from the table in any case."""
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER IF EXISTS {self.name}_ai")
            else:
                # The tsvector stays maintained by its (cheap) trigger; the GIN index, whose
                # per-row upkeep dominates a load, is built once in resume().
                cursor.execute(f"DROP INDEX IF EXISTS {self.name}_gin")

    def resume(self) -> None:
        """Undo suspend(): index everything loaded meanwhile, restore per-row maintenance."""
        t, c, n, pk = self.table, self.column, self.name, self.pk
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"INSERT INTO {n}({n}) VALUES ('rebuild')")  # noqa: S608
                # One merged b-tree per term: fewer segments to read per query.
                cursor.execute(f"INSERT INTO {n}({n}) VALUES ('optimize')")  # noqa: S608
                cursor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {n}_ai AFTER INSERT ON {t} BEGIN "  # noqa: S608
                    f"INSERT INTO {n}(rowid, {c}) VALUES (new.{pk}, new.{c}); END"
                )
            else:
                # Inside a caller's transaction, pending deferred foreign-key checks forbid
                # CREATE INDEX: run them now (Django's constraints are initially deferred).
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET maintenance_work_mem = '256MB'")
                cursor.execute(f"CREATE INDEX IF NOT EXISTS {n}_gin ON {t} USING GIN ({n}_vec)")
                cursor.execute("RESET maintenance_work_mem")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    # --- queries -------------------------------------------------------------------------
    def ranked_ids(self, terms: list[str], *, limit: int, window: int | None = None) -> list[int]:
        """Primary keys of at most `limit` rows containing every term, best first.

        Ranking is the costly part for a common term: FTS5's bm25 reads the term's whole
        document list for its weight and then every matching row's statistics; PostgreSQL
        reads every matching row's tsvector. So with `window`, a query matching at most
        `window` rows is ranked, and one matching more gives its newest (highest-key)
        matches, newest first, unranked: a bounded cost for "anggaran" in a million items.
        """
        if not terms or limit <= 0:
            return []
        if window:
            newest = self._newest_ids(terms, window + 1)
            if len(newest) > window:
                return newest[: min(limit, window)]
        t, n, pk = self.table, self.name, self.pk
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    f"SELECT rowid FROM {n} WHERE {n} MATCH %s ORDER BY rank LIMIT %s",  # noqa: S608
                    [self._fts5_expression(terms), limit],
                )
            else:
                query = "to_tsquery('pg_catalog.simple', %s)"
                expression = self._tsquery_expression(terms)
                cursor.execute(
                    f"SELECT {pk} FROM {t} WHERE {n}_vec @@ {query} "  # noqa: S608
                    f"ORDER BY ts_rank({n}_vec, {query}) DESC, {pk} DESC LIMIT %s",
                    [expression, expression, limit],
                )
            return [row[0] for row in cursor.fetchall()]

    def _newest_ids(self, terms: list[str], limit: int) -> list[int]:
        """The highest keys of rows containing every term: a walk back along the index's
        document lists (FTS5) or the GIN index, reading no row statistics."""
        n = self.name
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    f"SELECT rowid FROM {n} WHERE {n} MATCH %s ORDER BY rowid DESC LIMIT %s",  # noqa: S608
                    [self._fts5_expression(terms), limit],
                )
            else:
                return self._newest_ids_pg(cursor, terms, limit)
            return [row[0] for row in cursor.fetchall()]

    def _newest_ids_pg(self, cursor, terms: list[str], limit: int) -> list[int]:
        # A GIN index gives matches in no order. Two ways to the newest `limit` matches:
        # - walk the primary key backwards and test each row's tsvector (the planner's
        #   choice for ORDER BY id DESC LIMIT): cheap when the terms are dense, since about
        #   limit / density rows are read, each with its vector (detoasted);
        # - AND the term's GIN bitmap with a key range, then sort the matches: what the
        #   density does not change, so right for all but the densest terms.
        # The density comes from ANALYZE's element statistics (_term_density). The range
        # starts where about 1.5 * limit matches are expected and widens by the density
        # found; a term expected to match at most 2 * limit rows in all is read whole.
        t, pk = self.table, self.pk
        cursor.execute(f"SELECT MAX({pk}) FROM {t}")  # noqa: S608
        top = cursor.fetchone()[0] or 0
        expression = self._tsquery_expression(terms)
        density = self._term_density(cursor, terms)
        if density is not None and density < DENSE_TERM:
            with transaction.atomic(using=connection.alias):
                # The planner would test every row of the range (an index scan with a
                # filter) rather than AND the two bitmaps: measured 115 against 40 ms.
                cursor.execute("SET LOCAL enable_indexscan = off")
                ids = self._newest_in_ranges(cursor, top, expression, density, limit)
                # Inside a caller's transaction SET LOCAL would outlive this block.
                cursor.execute("RESET enable_indexscan")
                return ids
        return self._newest_in_ranges(cursor, top, expression, density, limit)

    def _newest_in_ranges(self, cursor, top, expression, density, limit) -> list[int]:
        t, n, pk = self.table, self.name, self.pk
        match = f"{n}_vec @@ to_tsquery('pg_catalog.simple', %s)"
        every_match = f"SELECT {pk} FROM {t} WHERE {match} ORDER BY {pk} DESC LIMIT %s"  # noqa: S608
        in_range = (
            f"SELECT {pk} FROM {t} WHERE {pk} > %s AND {match} "  # noqa: S608
            f"ORDER BY {pk} DESC LIMIT %s"
        )
        if density is None:
            # No statistics yet (a new table before autovacuum's ANALYZE): the planner
            # chooses, from a fixed first range.
            span = 20 * limit
        elif _read_every_match(density, top, limit):
            cursor.execute(every_match, [expression, limit])
            return [row[0] for row in cursor.fetchall()]
        else:
            span = max(int(1.5 * limit / max(density, 1e-9)), 2 * limit)
        while True:
            lower = top - span
            cursor.execute(in_range, [max(lower, 0), expression, limit])
            rows = [row[0] for row in cursor.fetchall()]
            if len(rows) >= limit or lower <= 0:
                return rows
            found = len(rows) / span
            if _read_every_match(found, top, limit):
                cursor.execute(every_match, [expression, limit])
                return [row[0] for row in cursor.fetchall()]
            growth = 1.5 * limit / max(len(rows), 1)
            span = int(span * min(max(growth, 2), 16))

    def _term_density(self, cursor, terms: list[str]) -> float | None:
        """The expected share of rows holding every term: the product of each term's share
        in pg_stats' most common elements of the vector column (refreshed every few
        minutes); a term not among them is rarer than the least common listed one. None
        when the column has no such statistics yet."""
        key = (connection.alias, self.table, self.name)
        cached = _ELEMENT_STATS.get(key)
        now = time.monotonic()
        if cached is None or now - cached[0] > ELEMENT_STATS_TTL:
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs "
                "FROM pg_stats WHERE tablename = %s AND attname = %s",
                [self.table, f"{self.name}_vec"],
            )
            row = cursor.fetchone()
            elems, freqs = (row[0] or [], row[1] or []) if row else ([], [])
            # After one share per element, most_common_elem_freqs holds the minimum and
            # maximum share (and the share of nulls): an unlisted element is rarer.
            floor = min(freqs[: len(elems)], default=0.0)
            cached = (now, dict(zip(elems, freqs, strict=False)), floor)
            _ELEMENT_STATS[key] = cached
        _, shares, floor = cached
        if not shares:
            return None
        density = 1.0
        for term in terms:
            density *= shares.get(term, floor)
        return density

    def order_by_ids(self, queryset: QuerySet, ids: list[int]) -> QuerySet:
        """`queryset` ordered as `ids` (best first), annotated `search_rank` (lower is better).

        The rank is the position of ",<pk>," in one string parameter: a single C-level
        substring search per row, cheap for the few thousand candidates ranked_ids gives.
        """
        key = "," + ",".join(str(i) for i in ids) + ","
        column = f"{self.table}.{self.pk}"
        if connection.vendor == "sqlite":
            rank = f"instr(%s, ',' || {column} || ',')"
        else:
            rank = f"strpos(%s, ',' || {column}::text || ',')"
        return queryset.extra(select={"search_rank": rank}, select_params=[key]).order_by(  # noqa: S610
            "search_rank", "-pk"
        )

    @staticmethod
    def _fts5_expression(terms: list[str]) -> str:
        # Each term is a quoted FTS5 string: no operator in user text can reach FTS5.
        return " ".join('"' + term.replace('"', "") + '"' for term in terms)

    @staticmethod
    def _tsquery_expression(terms: list[str]) -> str:
        return " & ".join(term.replace("'", "").replace("\\", "") for term in terms)

    def match(self, queryset: QuerySet, terms: list[str], *, ranked: bool = True) -> QuerySet:
        """Rows of `queryset` that contain every term; with `ranked`, annotated `search_rank`
        (lower is better) and ordered by it."""
        if not terms:
            return queryset.none()
        t, n, pk = self.table, self.name, self.pk
        if connection.vendor == "sqlite":
            # Each term is a quoted FTS5 string: no operator in user text can reach FTS5.
            expression = " ".join('"' + term.replace('"', "") + '"' for term in terms)
            qs = queryset.extra(  # noqa: S610
                tables=[n],
                where=[f"{n}.rowid = {t}.{pk}", f"{n} MATCH %s"],
                params=[expression],
                select={"search_rank": f"bm25({n})"} if ranked else {},
            )
        else:
            expression = " & ".join(term.replace("'", "") for term in terms)
            qs = queryset.extra(  # noqa: S610
                where=[f"{t}.{n}_vec @@ to_tsquery('pg_catalog.simple', %s)"],
                params=[expression],
                select={
                    "search_rank": f"-ts_rank({t}.{n}_vec, to_tsquery('pg_catalog.simple', %s))"
                }
                if ranked
                else {},
                select_params=[expression] if ranked else [],
            )
        return qs.order_by("search_rank", "-pk") if ranked else qs
