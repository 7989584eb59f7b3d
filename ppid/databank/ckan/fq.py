"""The subset of Solr filter-query syntax the data bank understands (modules.md §1.5).

    field:value   +field:value   -field:value   NOT field:value   field:"quoted value"
    field:(a OR b OR "c d")   field:[2024-01-01T00:00:00Z TO *]   field:{a TO b}   *:*

Clauses separated by spaces (or AND) must all hold. Anything else (OR between clauses,
wildcards, boosts, unknown fields, bare words) is refused with a Search Query Error rather
than silently read otherwise.
"""

import datetime
import re
from dataclasses import dataclass

from .errors import SearchQueryError

# fq field -> what it filters (search.py gives each its meaning).
FIELDS = {
    "organization",  # organization name (Body.slug)
    "owner_org",  # organization id
    "groups",
    "tags",
    "res_format",
    "license_id",
    "name",
    "id",
    "dataset_type",
    "type",
    "state",
    "capacity",
    "kode_wilayah",
    "frekuensi",
    "tahun",
    "metadata_modified",
    "metadata_created",
}
RANGE_FIELDS = {"metadata_modified", "metadata_created", "tahun"}


@dataclass(frozen=True)
class Clause:
    field: str
    values: tuple[str, ...] = ()  # any of them (OR)
    negated: bool = False
    # (low, high, low_inclusive, high_inclusive); None for an open end ("*")
    range: tuple | None = None


_BARE = re.compile(r"[^\s()\[\]{}\"]+")


def parse(text: str) -> list[Clause]:
    """The clauses of one fq string; [] for an empty string or *:*."""
    clauses: list[Clause] = []
    pos, n = 0, len(text or "")
    text = text or ""
    negate_next = False
    while True:
        while pos < n and text[pos].isspace():
            pos += 1
        if pos >= n:
            break
        if text.startswith("AND", pos) and (pos + 3 == n or text[pos + 3].isspace()):
            pos += 3
            continue
        if text.startswith("&&", pos):
            pos += 2
            continue
        if text.startswith("NOT", pos) and pos + 3 < n and text[pos + 3].isspace():
            negate_next = not negate_next
            pos += 3
            continue
        if text.startswith("OR", pos) and (pos + 2 == n or text[pos + 2].isspace()):
            _fail("OR between clauses is not supported; use field:(a OR b)")
        negated = negate_next
        negate_next = False
        if text[pos] in "+-!":
            negated = negated != (text[pos] in "-!")
            pos += 1
        if text.startswith("*:*", pos) and (pos + 3 == n or text[pos + 3].isspace()):
            pos += 3
            if negated:
                clauses.append(Clause(field="*", negated=True))
            continue
        match = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*):").match(text, pos)
        if not match:
            _fail(f"expected field:value at {text[pos : pos + 30]!r}")
        field = match.group(1)
        if field not in FIELDS:
            _fail(f"unknown field {field!r}")
        pos = match.end()
        clause, pos = _value(text, pos, field, negated)
        clauses.append(clause)
    if negate_next:
        _fail("NOT without a clause")
    return clauses


def _value(text: str, pos: int, field: str, negated: bool) -> tuple[Clause, int]:
    n = len(text)
    if pos >= n or text[pos].isspace():
        _fail(f"missing value for {field}")
    char = text[pos]
    if char == '"':
        value, pos = _quoted(text, pos)
        return Clause(field, (value,), negated), pos
    if char == "(":
        end = text.find(")", pos)
        if end < 0:
            _fail("unbalanced parenthesis")
        values = _alternatives(text[pos + 1 : end], field)
        return Clause(field, tuple(values), negated), end + 1
    if char in "[{":
        end = _closing(text, pos)
        if end < 0 or text[end] not in "]}":
            _fail("unbalanced range bracket")
        inner = text[pos + 1 : end].split()
        if len(inner) != 3 or inner[1] != "TO":
            _fail(f"a range is [low TO high], got {text[pos : end + 1]!r}")
        if field not in RANGE_FIELDS:
            _fail(f"{field} takes no range")
        low = _range_end(inner[0], field)
        high = _range_end(inner[2], field)
        rng = (low, high, char == "[", text[end] == "]")
        return Clause(field, (), negated, rng), end + 1
    match = _BARE.match(text, pos)
    value = match.group(0)
    if value == "*":
        _fail(f"{field}:* is not supported")
    if "*" in value or "?" in value:
        _fail(f"wildcards are not supported ({value!r})")
    if value.endswith("^") or re.search(r"\^\d", value) or re.search(r"~\d*$", value):
        _fail(f"boosts and fuzzy terms are not supported ({value!r})")
    value = value.replace("\\", "")
    return Clause(field, (value,), negated), match.end()


def _closing(text: str, pos: int) -> int:
    for i in range(pos + 1, len(text)):
        if text[i] in "]}":
            return i
    return -1


def _quoted(text: str, pos: int) -> tuple[str, int]:
    out = []
    i = pos + 1
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if char == '"':
            return "".join(out), i + 1
        out.append(char)
        i += 1
    _fail("unbalanced quote")
    raise AssertionError  # pragma: no cover


def _alternatives(inner: str, field: str) -> list[str]:
    values: list[str] = []
    pos, n = 0, len(inner)
    expect_value = True
    while True:
        while pos < n and inner[pos].isspace():
            pos += 1
        if pos >= n:
            break
        if not expect_value:
            if inner.startswith("OR", pos) and (pos + 2 == n or inner[pos + 2].isspace()):
                pos += 2
                expect_value = True
                continue
            _fail(f"only OR is supported inside {field}:( ... )")
        if inner[pos] == '"':
            value, pos = _quoted(inner, pos)
        else:
            match = _BARE.match(inner, pos)
            if not match:
                _fail(f"bad value inside {field}:( ... )")
            value, pos = match.group(0), match.end()
            if value in ("AND", "NOT") or "*" in value or "?" in value:
                _fail(f"only plain values joined by OR are supported inside {field}:( ... )")
            value = value.replace("\\", "")
        values.append(value)
        expect_value = False
    if not values or expect_value:
        _fail(f"empty or dangling OR in {field}:( ... )")
    return values


def _range_end(raw: str, field: str):
    if raw == "*":
        return None
    if field == "tahun":
        if not raw.isdigit():
            _fail(f"tahun takes a year, got {raw!r}")
        return int(raw)
    return parse_datetime(raw)


def parse_datetime(raw: str) -> datetime.datetime:
    """An ISO 8601 moment (Solr's 2024-01-01T00:00:00Z; a date alone or no zone is UTC)."""
    text = raw.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        _fail(f"not an ISO 8601 date and time: {raw!r}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


def _fail(message: str):
    raise SearchQueryError(message)
