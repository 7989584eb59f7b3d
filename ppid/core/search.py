"""Our thin full-text search layer over the database's own engine.

SQLite: an external-content FTS5 table kept in step by triggers, ranked with bm25.
PostgreSQL: a tsvector column kept in step by a trigger, with a GIN index, ranked with ts_rank.
Both index text that Python has already stemmed with Sastrawi (Indonesian), with the
'simple' configuration / unicode61 tokenizer, so both engines match the same words.
DESIGN.md explains why not Wagtail's search for these records.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Control characters (NUL included) are removed before anything else sees the text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_MAX_WORD = 40


@lru_cache(maxsize=1)
def _stemmer():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=200_000)
def stem_word(word: str) -> str:
    """Indonesian stem of one lower-case word ("diumumkan" -> "umum")."""
    if len(word) <= 3 or word.isdigit():
        return word
    return _stemmer().stem(word) or word


def tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", _CONTROL.sub(" ", text or ""))
    return [w[:_MAX_WORD] for w in _WORD.findall(text.lower())]


def stem_text(text: str) -> str:
    """Text as the index stores it: lower-case stemmed words separated by spaces."""
    return " ".join(stem_word(w) for w in tokens(text))


def query_terms(raw: str) -> list[str]:
    """Normalise user query text into at most SEARCH_MAX_TERMS stemmed terms.

    Any input is safe: control characters are dropped, the length is capped, and only
    word characters survive, so no engine syntax (quotes, *, NEAR, AND) reaches the engine.
    """
    raw = (raw or "")[: settings.SEARCH_MAX_QUERY_CHARS * 4]
    words = tokens(raw[: settings.SEARCH_MAX_QUERY_CHARS])
    terms: list[str] = []
    for word in words:
        stem = stem_word(word)
        if stem and stem not in terms:
            terms.append(stem)
        if len(terms) >= settings.SEARCH_MAX_TERMS:
            break
    return terms


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
                f"CREATE TRIGGER {n}_ai AFTER INSERT ON {t} BEGIN "
                f"INSERT INTO {n}(rowid, {c}) VALUES (new.{pk}, new.{c}); END",
                f"CREATE TRIGGER {n}_ad AFTER DELETE ON {t} BEGIN "
                f"INSERT INTO {n}({n}, rowid, {c}) VALUES ('delete', old.{pk}, old.{c}); END",
                f"CREATE TRIGGER {n}_au AFTER UPDATE OF {c} ON {t} BEGIN "
                f"INSERT INTO {n}({n}, rowid, {c}) VALUES ('delete', old.{pk}, old.{c}); "
                f"INSERT INTO {n}(rowid, {c}) VALUES (new.{pk}, new.{c}); END",
            ]
        if vendor == "postgresql":
            return [
                f"ALTER TABLE {t} ADD COLUMN {n}_vec tsvector",
                f"CREATE INDEX {n}_gin ON {t} USING GIN ({n}_vec)",
                f"CREATE TRIGGER {n}_tg BEFORE INSERT OR UPDATE OF {c} ON {t} FOR EACH ROW "
                f"EXECUTE FUNCTION tsvector_update_trigger({n}_vec, 'pg_catalog.simple', {c})",
                f"UPDATE {t} SET {n}_vec = to_tsvector('pg_catalog.simple', {c})",
            ]
        raise NotImplementedError(f"full-text search is not available on {vendor}")

    def drop_sql(self, vendor: str) -> list[str]:
        n, t = self.name, self.table
        if vendor == "sqlite":
            return [f"DROP TABLE IF EXISTS {n}"] + [
                f"DROP TRIGGER IF EXISTS {n}_{s}" for s in ("ai", "ad", "au")
            ]
        return [
            f"DROP TRIGGER IF EXISTS {n}_tg ON {t}",
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

    # --- queries -------------------------------------------------------------------------
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
                select={"search_rank": f"-ts_rank({t}.{n}_vec, to_tsquery('pg_catalog.simple', %s))"}
                if ranked
                else {},
                select_params=[expression] if ranked else [],
            )
        return qs.order_by("search_rank", "-pk") if ranked else qs
