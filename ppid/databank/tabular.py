"""Reading the CSV and XLSX files that real data comes in as typed columns (issue 4 §1).

`read()` makes one pass over the file to find the encoding, the separator, the header and
each column's type (over every row, not a sample), collecting the problems a producer
should fix with the row number a spreadsheet shows; `Table.batches()` then reads the file
again and yields typed rows, a chunk at a time, so a million-row file is never held whole.

Both passes work a column chunk at a time: the chunk's values joined into one string and
checked with one regular expression, converted with str.replace and map(int/float) over
the whole chunk. Per-value Python code runs only for the rare chunk that needs it (empty
cells, "-" for none), which is what keeps ingestion near a hundred thousand rows a second.
"""

import codecs
import contextlib
import csv
import datetime
import gc
import io
import mmap
import os
import pickle
import re
import shutil
import signal
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, islice, repeat
from typing import IO

from django.utils.translation import gettext as _

CHUNK = 5_000
MAX_PROBLEMS = 1_000
MAX_COLUMNS = 500
DATE_CACHE_MAX = 200_000
# Distinct values of a text column counted up to this many (Column.distinct), over about
# DISTINCT_SAMPLE cells of each chunk: a column of a few repeating values (regions,
# categories) is searched through them (datastore.load).
DISTINCT_MAX = 10_000
DISTINCT_SAMPLE = 250
SAMPLE_BYTES = 64 * 1024
DELIMITERS = ",;\t|"
TYPES = ("int", "numeric", "date", "timestamp", "text")
# A CSV file this large has its type pass shared with a forked child (_LaterRows).
PARALLEL_MIN_BYTES = 8 << 20
# Demote a numeric or date column to text silently while it has seen fewer real values
# than this; after, the offending cell is reported (a typo in a column of numbers).
REPORT_AFTER = 20


class TabularError(Exception):
    """The file cannot be read as a table at all."""

    def __init__(self, message: str, row: int | None = None):
        self.message = str(message)
        self.row = row
        super().__init__(self.message if row is None else f"{row}: {self.message}")


@dataclass(frozen=True)
class Column:
    id: str  # a safe field id: [a-z0-9_], unique, never starting with "_"
    type: str  # one of TYPES
    label: str = ""  # the header as the file wrote it
    # A text column's number of distinct values in a sample of each chunk, when at most
    # DISTINCT_MAX (None: more, or the column turned out text only after its first chunk).
    distinct: int | None = None


@dataclass(frozen=True)
class Problem:
    row: int  # as a spreadsheet numbers it: the header is usually row 1
    message: str

    def __str__(self) -> str:
        return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}


# --- value shapes ---------------------------------------------------------------------------

_S = r"[ \t]*"
_SIGN = r"[-+]?"
_PCT = r"(?:[ \t]?%)?"
# What statistics tables write for "none" or "not available": null in a number column,
# kept as written in a text column.
_NULL = r"(?:-|\u2013|\u2014|\.{2,3}|\u2026|(?i:n/?a|#n/a|null))"
_NULLS = {"", "-", "\u2013", "\u2014", "..", "...", "\u2026", "na", "n/a", "#n/a", "null"}
# Integer bodies: plain (no leading zero: "007" is a code, kept as text), or grouped by
# thousands with "." (Indonesian) or "," (English). At most 18 digits: a BIGINT.
_INT_BODY = {
    "id": r"(?:0|[1-9]\d{0,17}|[1-9]\d{0,2}(?:\.\d{3}){1,5})",
    "en": r"(?:0|[1-9]\d{0,17}|[1-9]\d{0,2}(?:,\d{3}){1,5})",
}
_NUM_BODY = {
    "id": r"(?:0|[1-9]\d*|[1-9]\d{0,2}(?:\.\d{3})+)(?:,\d+)?",
    "en": r"(?:0|[1-9]\d*|[1-9]\d{0,2}(?:,\d{3})+)(?:\.\d+)?",
}
NUMBER_FORMATS = ("id", "en")  # Indonesian first: it wins when a column fits both


def _element(body: str) -> str:
    return f"{_S}(?:{_SIGN}{body}{_PCT}|{_NULL})?{_S}"


def _joined(body: str) -> re.Pattern:
    e = _element(body)
    return re.compile(f"{e}(?:\x00{e})*")


_INT_ONE = {f: re.compile(_element(b)) for f, b in _INT_BODY.items()}
_NUM_ONE = {f: re.compile(_element(b)) for f, b in _NUM_BODY.items()}
_INT_ALL = {f: _joined(b) for f, b in _INT_BODY.items()}
_NUM_ALL = {f: _joined(b) for f, b in _NUM_BODY.items()}
# Dates: ISO (2024-03-31) or day first (31/03/2024, 31-03-2024, 31.03.2024), each with an
# optional time of day (a timestamp column).
_DATE = re.compile(
    r"[ \t]*(?:(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"|(?P<d2>\d{1,2})(?P<sep>[/.\-])(?P<m2>\d{1,2})(?P=sep)(?P<y2>\d{4}))"
    r"(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.(?P<f>\d{1,6}))?)?)?[ \t]*"
)


def parse_date(value: str) -> datetime.date | None:
    """A date or datetime from ISO or day-first text; None for an empty or "none" cell;
    ValueError for anything else (including 31/02/2024)."""
    m = _DATE.fullmatch(value)
    if m is None:
        if value.strip().lower() in _NULLS:
            return None
        raise ValueError(value)
    g = m.groupdict()
    if g["y"]:
        y, mo, d = int(g["y"]), int(g["m"]), int(g["d"])
    else:
        y, mo, d = int(g["y2"]), int(g["m2"]), int(g["d2"])
    if not 1000 <= y <= 9999:
        raise ValueError(value)
    if g["H"] is None:
        return datetime.date(y, mo, d)
    micro = int((g["f"] or "0").ljust(6, "0"))
    return datetime.datetime(y, mo, d, int(g["H"]), int(g["M"]), int(g["S"] or 0), micro)  # noqa: DTZ001 (local time as written)


def parse_number(value: str, fmt: str = "id") -> int | float | None:
    """An Indonesian ("1.234,56") or English ("1,234.56") formatted number; None for an
    empty or "none" cell; ValueError otherwise. Integers stay int."""
    if _INT_ONE[fmt].fullmatch(value):
        text = value.replace("%", "").replace("." if fmt == "id" else ",", "").strip()
        return int(text) if text and text.lower() not in _NULLS else None
    if _NUM_ONE[fmt].fullmatch(value):
        text = value.replace("%", "")
        text = text.replace(".", "").replace(",", ".") if fmt == "id" else text.replace(",", "")
        text = text.strip()
        return float(text) if text and text.lower() not in _NULLS else None
    raise ValueError(value)


def format_number(value: Decimal | int, fmt: str = "id") -> str:
    """The inverse of parse_number (used by the tests): thousands grouped, "," decimal."""
    text = f"{value:,f}" if isinstance(value, Decimal) else f"{value:,}"
    if fmt == "id":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


# --- field ids ------------------------------------------------------------------------------

_NOT_ID = re.compile(r"[^a-z0-9]+")


def field_ids(labels: list[str]) -> list[str]:
    """Safe, unique field ids for header labels: "Jumlah Penduduk (jiwa)" ->
    "jumlah_penduduk_jiwa"; an empty header -> "kolom_<n>"; a repeated one -> "<id>_2"."""
    ids: list[str] = []
    taken: set[str] = set()
    for n, label in enumerate(labels, start=1):
        ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
        base = _NOT_ID.sub("_", ascii_label.lower()).strip("_")[:55] or f"kolom_{n}"
        candidate, k = base, 2
        while candidate in taken:
            candidate, k = f"{base}_{k}", k + 1
        taken.add(candidate)
        ids.append(candidate)
    return ids


# --- column type inference ------------------------------------------------------------------


# Columns of identifiers are text whatever their values look like: a region code "62.01"
# (Kemendagri, kalteng.md) is not the number 62.01, nor a NIP or a phone number a quantity.
_CODE_LABEL = re.compile(r"(kode|code|nip|nik|npwp|telepon|telp|no[ _.]?hp)(\b|_|$)", re.I)


def _sample(col: tuple[str, ...]) -> tuple[str, ...]:
    """About DISTINCT_SAMPLE cells of a chunk's column, evenly spaced."""
    return col[:: len(col) // DISTINCT_SAMPLE or 1]


class _Guess:
    """What one column can still be, narrowed chunk by chunk over the whole file."""

    def __init__(self, label: str):
        self.label = label
        self.numbers = {f: "int" for f in NUMBER_FORMATS}  # format -> "int" | "numeric"
        self.date: str | None = "date"  # "date" | "timestamp" | None (cannot be a date)
        if _CODE_LABEL.match(label):
            self.numbers, self.date = {}, None
        self.dates: dict[str, datetime.date | None] = {}  # distinct text -> value
        self.dates_full = False
        self.filled = 0  # non-empty cells so far (approximate: "-" counts)
        self.real = False  # some cell held a value, not only empties and "-"
        self.values: set[str] | None = set()  # a text column's cells, until DISTINCT_MAX
        self.chunks = 0  # chunks seen before the column was known to be text

    @property
    def text(self) -> bool:
        return not self.numbers and self.date is None

    def observe(self, col: tuple[str, ...], first_row: int, problems: "_Problems") -> None:
        if self.text:
            self._count(col)
            return
        first_chunk = not self.chunks
        self.chunks += 1
        before = (dict(self.numbers), self.date)
        if not self.real:
            self.real = any(v.strip().lower() not in _NULLS for v in col)
        joined = "\x00".join(col)
        if joined.count("\x00") != len(col) - 1:  # a cell holds NUL: no number, no date
            self.numbers, self.date = {}, None
        # Without "." or "," the formats read a chunk alike: match it once, not per format.
        alike = "." not in joined and "," not in joined
        outcome: dict[str, str | None] = {}  # level before -> level after
        for fmt, level in list(self.numbers.items()):
            if alike and level in outcome:
                after = outcome[level]
            else:
                after = outcome[level] = self._narrow(fmt, level, joined)
            if after is None:
                del self.numbers[fmt]
            else:
                self.numbers[fmt] = after
        if self.date is not None:
            self._observe_dates(col)
        if self.text and self.filled + len(col) > REPORT_AFTER:
            self._report(col, first_row, before, problems)
        self.filled += len(col) - col.count("")
        if self.text:
            # Only text columns' values are counted (hashing every cell of every column
            # cost the type pass a fifth of its time): from the first chunk, or not at all.
            if first_chunk:
                self._count(col)
            else:
                self.values = None

    def meet(self, later: "_Guess") -> tuple[dict, str | None]:
        """(numbers, date) once this guess has seen also the rows `later`, a fresh guess,
        saw: each chunk narrows a column on its own, so the whole is the two halves' meet."""
        numbers = {
            fmt: "numeric" if "numeric" in (level, later.numbers[fmt]) else "int"
            for fmt, level in self.numbers.items()
            if fmt in later.numbers
        }
        if self.date is None or later.date is None:
            date = None
        else:
            date = "timestamp" if "timestamp" in (self.date, later.date) else "date"
        return numbers, date

    def merge(self, later: "_Guess", sample: set | None) -> None:
        """Take in the rows `later` saw (after this guess's), the column not turning text
        in them (meet); `sample`: those rows' cells sampled as _count samples them."""
        if self.text:
            if self.values is not None:
                self.values = None if sample is None else self.values | sample
                if self.values is not None and len(self.values) > DISTINCT_MAX:
                    self.values = None
            return
        self.numbers, self.date = self.meet(later)
        self.real = self.real or later.real
        self.filled += later.filled
        self.chunks += later.chunks
        if self.date is not None:
            new = {k: v for k, v in later.dates.items() if k not in self.dates}
            room = DATE_CACHE_MAX - len(self.dates)
            if len(new) > room or later.dates_full:
                self.dates_full = True
                new = dict(islice(new.items(), max(room, 0)))
            self.dates.update(new)

    def _count(self, col: tuple[str, ...]) -> None:
        if self.values is not None:
            # A sample of each chunk: an estimate that decides only how the column is
            # searched (datastore.load), not what is found.
            self.values.update(_sample(col))
            if len(self.values) > DISTINCT_MAX:
                self.values = None

    @staticmethod
    def _narrow(fmt: str, level: str, joined: str) -> str | None:
        if level == "int" and _INT_ALL[fmt].fullmatch(joined):
            return "int"
        if _NUM_ALL[fmt].fullmatch(joined):
            return "numeric"
        return None

    def _observe_dates(self, col: tuple[str, ...]) -> None:
        cache = self.dates
        for value in set(col).difference(cache):
            try:
                parsed = parse_date(value)
            except ValueError:
                self.date = None
                return
            if isinstance(parsed, datetime.datetime):
                self.date = "timestamp"
            if len(cache) < DATE_CACHE_MAX:
                cache[value] = parsed
            else:
                self.dates_full = True

    def _report(self, col, first_row, before, problems) -> None:
        numbers, date = before
        filled = self.filled
        for i, value in enumerate(col):
            filled += value != ""
            fits = any(_NUM_ONE[f].fullmatch(value) for f in numbers)
            if not fits and date is not None:
                try:
                    parse_date(value)
                    fits = True
                except ValueError:
                    pass
            if not fits:
                if filled <= REPORT_AFTER:  # a text column whose first cells looked numeric
                    return
                expected = _("a number") if numbers else _("a date")
                problems.add(
                    first_row + i,
                    _(
                        '"%(value)s" in column "%(column)s" is not %(expected)s: '
                        "the column is read as text."
                    )  # fmt: skip
                    % {"value": value[:50], "column": self.label, "expected": expected},
                )
                return

    def result(self) -> tuple[str, str]:
        """(type, number format) once every row has been seen."""
        if not self.real:
            return "text", ""
        for fmt in NUMBER_FORMATS:
            if self.numbers.get(fmt) == "int":
                return "int", fmt
        for fmt in NUMBER_FORMATS:
            if self.numbers.get(fmt) == "numeric":
                return "numeric", fmt
        if self.date is not None:
            return self.date, ""
        return "text", ""


class _Problems(list):
    def __init__(self):
        super().__init__()
        self.count = 0

    def add(self, row: int, message: str) -> None:
        self.count += 1
        if len(self) < MAX_PROBLEMS:
            self.append(Problem(row=row, message=str(message)))


# --- the type pass on two cores -------------------------------------------------------------
#
# A load's first pass reads every row for the columns' types before one row can be stored:
# on one core, while the other waits. A large CSV file is split at a line: a forked child
# reads the rows after it while this process reads those before, and the two halves'
# findings are merged into what one pass would have found. The split falls where a chunk
# starts, so the chunks, their samples and their row numbers are one pass's. This process
# reads on past the split itself, as one pass, and drops the child's work, when:
# - a record before the split took more than one line (a quoted cell with a line break):
#   the split may then fall inside a record, and the rows are not numbered as the lines;
# - a column of numbers or dates in the first half would turn text in the second: the
#   first offending cell is reported against the first half's findings.

# A carriage return that does not end a line with "\n" (an old Mac file): lines then cannot
# be told by the "\n" bytes alone.
_LONE_CR = re.compile(rb"\r(?!\n)")
_COUNT_BLOCK = 1 << 20  # slices counted while in the CPU's cache


def _observe(chunks, guesses: list[_Guess], problems: _Problems) -> int:
    """Narrow the guesses over the chunks; the number of data rows seen."""
    rows = 0
    for first, chunk in chunks:
        rows += len(chunk)
        for guess, col in zip(guesses, zip(*chunk, strict=True), strict=True):
            guess.observe(col, first, problems)
    return rows


def _merge(guesses: list[_Guess], found: dict, problems: _Problems) -> bool:
    """Take the child's findings (_Reader._observe_from) into the first half's guesses and
    problems; False, changing nothing, when a column would turn text in the second half."""
    later = found["guesses"]
    for guess, other in zip(guesses, later, strict=True):
        if not guess.text:
            numbers, date = guess.meet(other)
            if not numbers and date is None:
                return False
    for guess, other, sample in zip(guesses, later, found["samples"], strict=True):
        guess.merge(other, sample)
    for problem in found["problems"]:
        problems.add(problem.row, problem.message)
    problems.count += found["problem_count"] - len(found["problems"])
    return True


def _split_point(path: str, header_row: int) -> tuple[int, int] | None:
    """(byte offset, lines before it) of the line near the middle of the file at which a
    chunk of data rows starts if each row is a line, or None when the file has no such
    line or its lines cannot be told by their "\n" bytes (a lone "\r")."""
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        size = len(data)
        if data.find(b"\r") != -1 and _LONE_CR.search(data):
            return None
        start = data.rfind(b"\n", 0, size // 2) + 1
        lines = sum(
            data[i : min(i + _COUNT_BLOCK, start)].count(b"\n")
            for i in range(0, start, _COUNT_BLOCK)
        )
        for _i in range((header_row - lines) % CHUNK):
            end = data.find(b"\n", start)
            if end == -1:
                return None
            start, lines = end + 1, lines + 1
        if lines - header_row < CHUNK or start >= size:
            return None
    return start, lines


class _LaterRows:
    """The type pass over the rows from byte `start` on, in a forked child whose findings
    come back through a pipe (our own process's pickle)."""

    def __init__(self, reader: "_Reader", labels: list[str], start: int, number: int):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into the caller's code
            code = 1
            try:
                os.close(read_fd)
                found = reader._observe_from(labels, start, number)
                with open(write_fd, "wb") as out:
                    out.write(pickle.dumps(found, pickle.HIGHEST_PROTOCOL))
                code = 0
            finally:
                os._exit(code)
        os.close(write_fd)
        self.pid: int | None = pid
        self.fd: int | None = read_fd

    def result(self) -> dict | None:
        """The child's findings, None when it failed (the caller reads the rows itself)."""
        with open(self.fd, "rb") as pipe:
            self.fd = None
            data = pipe.read()
        _pid, status = os.waitpid(self.pid, 0)
        self.pid = None
        if status != 0:
            return None
        try:
            return pickle.loads(data)  # noqa: S301 (our own child, through our own pipe)
        except Exception:  # noqa: BLE001 - a cut-short pipe: read the rows here
            return None

    def stop(self) -> None:
        """Stop and reap the child if result() was not reached (an error here)."""
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = None
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


# --- conversion -----------------------------------------------------------------------------


def _or_none(parse):
    def convert(value):
        try:
            return parse(value)
        except ValueError:
            return None

    return convert


_safe_int, _safe_float = _or_none(int), _or_none(float)


def _plain_numbers(joined: str, kind: str, fmt: str) -> str:
    """Number cells (joined by NUL) without thousands separators, with a decimal point:
    "1.234,5" in the Indonesian format ("id"), "1,234.5" in the other, become "1234.5"."""
    joined = joined.replace("." if fmt == "id" else ",", "")
    if fmt == "id" and kind == "numeric":
        joined = joined.replace(",", ".")
    return joined


def _number_converter(kind: str, fmt: str):
    parse, safe = (int, _safe_int) if kind == "int" else (float, _safe_float)

    def convert(col: tuple[str, ...]) -> list:
        parts = _plain_numbers("\x00".join(col).replace("%", ""), kind, fmt).split("\x00")
        try:
            return list(map(parse, parts))
        except ValueError:  # empty cells or "-": per value
            return list(map(safe, parts))

    return convert


def _date_converter(guess: _Guess, kind: str):
    cache = guess.dates

    def upgrade(value):
        if kind == "timestamp" and value is not None and not isinstance(value, datetime.datetime):
            return datetime.datetime.combine(value, datetime.time())  # noqa: DTZ001
        return value

    if kind == "timestamp":
        cache = {k: upgrade(v) for k, v in cache.items()}

    def convert(col: tuple[str, ...]) -> list:
        if not guess.dates_full:
            return list(map(cache.get, col))
        out = []
        for value in col:
            if value in cache:
                out.append(cache[value])
            else:
                try:
                    out.append(upgrade(parse_date(value)))
                except ValueError:
                    out.append(None)
        return out

    return convert


def _text(col: tuple[str, ...]) -> list:
    return [v.strip() or None for v in col]


# --- conversion to PostgreSQL's COPY text format (datastore.load) ---------------------------
#
# The same values as the converters above, written the way COPY reads them ("\N" for none,
# backslash escapes), straight from the file's text: no Python int, float or date is made
# only for the database driver to format it again. Odd chunks (signs, "%", markers of none,
# digits other than ASCII ones) take the converters above and format their values.

COPY_NULL = "\\N"
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_values(values: list) -> list[str]:
    return [COPY_NULL if v is None else v.isoformat() if hasattr(v, "isoformat") else str(v)
            for v in values]  # fmt: skip


def _copy_number(kind: str, fmt: str):
    typed = _number_converter(kind, fmt)

    def convert(col: tuple[str, ...]) -> list[str]:
        joined = "\x00".join(col)
        if joined.isascii() and "%" not in joined:
            joined = _plain_numbers(joined, kind, fmt)
            parts = joined.split("\x00")
            digits = joined.replace(".", "").split("\x00") if "." in joined else parts
            if all(map(str.isdigit, digits)):  # no sign, no space, no empty cell
                return parts
        return _copy_values(typed(col))

    return convert


def _copy_date(guess: "_Guess", kind: str):
    typed = _date_converter(guess, kind)
    texts = dict(zip(guess.dates, _copy_values(typed(tuple(guess.dates))), strict=True))

    def convert(col: tuple[str, ...]) -> list[str]:
        if not guess.dates_full:
            return list(map(texts.__getitem__, col))
        return _copy_values(typed(col))

    return convert


def copy_text(values: list[str]) -> list[str]:
    """Cells of text (stripped, "" for none) as COPY reads them. PostgreSQL's text holds no
    NUL character: it is left out."""
    joined = "\x00".join(values)
    if joined.count("\x00") != len(values) - 1:
        values = [v.replace("\x00", "") for v in values]
        joined = "\x00".join(values)
    if "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined:
        joined = joined.translate(_COPY_ESCAPES)
    parts = joined.split("\x00")
    if "" in parts:
        parts = [p or COPY_NULL for p in parts]
    return parts


# --- the sources: CSV and XLSX records as lists of strings ----------------------------------


def _decode_sample(data: bytes, encoding: str) -> str:
    return codecs.getincrementaldecoder(encoding)(errors="ignore").decode(data, final=False)


def _delimiter(sample: str, at_eof: bool) -> str:
    """The separator that splits the sample's lines into the most consistent number of
    fields (more than one); csv.Sniffer's guess breaks a tie."""
    lines = sample.splitlines(keepends=True)
    if not at_eof and len(lines) > 1:
        lines = lines[:-1]  # the sample may end inside a line
    lines = lines[:200]
    try:
        sniffed = csv.Sniffer().sniff("".join(lines[:50]), delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = ""
    best, best_score = ",", (-1.0, 0, False)
    for d in DELIMITERS:
        try:
            records = [r for r in csv.reader(lines, delimiter=d) if any(r)]
        except csv.Error:
            continue
        if not records:
            continue
        width = len(records[0])
        if width < 2:
            continue
        body = records[1:-1] if len(records) > 2 else records[1:]
        same = sum(len(r) == width for r in body) / len(body) if body else 1.0
        score = (same, width, d == sniffed)
        if score > best_score:
            best, best_score = d, score
    return best


class _Source:
    """A file opened again for each pass: a path, or a seekable binary file object (copied
    to a temporary file when it cannot seek)."""

    def __init__(self, path_or_fileobj):
        self._tmp = None
        if isinstance(path_or_fileobj, str | os.PathLike):
            self.path, self.fileobj = os.fspath(path_or_fileobj), None
        else:
            fileobj = path_or_fileobj
            if isinstance(fileobj, io.TextIOBase):
                raise TypeError("tabular.read needs a binary file")
            if not getattr(fileobj, "seekable", lambda: False)():
                self._tmp = tempfile.TemporaryFile()  # noqa: SIM115 (closed with the Table)
                shutil.copyfileobj(fileobj, self._tmp, 1 << 20)
                fileobj = self._tmp
            self.path, self.fileobj = None, fileobj

    def open(self) -> IO[bytes]:
        if self.path is not None:
            return open(self.path, "rb")  # noqa: SIM115 (closed by the caller)
        self.fileobj.seek(0)
        return _Unclosed(self.fileobj)

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.close()


class _Unclosed(io.RawIOBase):
    """A view of the caller's file object that TextIOWrapper/zipfile may close freely."""

    def __init__(self, raw):
        super().__init__()
        self._raw = raw

    def readable(self):
        return True

    def seekable(self):
        return True

    def readinto(self, buffer):
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size=-1):
        return self._raw.read(size)

    def seek(self, offset, whence=0):
        return self._raw.seek(offset, whence)

    def tell(self):
        return self._raw.tell()


class _CsvSource:
    fmt = "CSV"

    def __init__(self, source: _Source):
        self.source = source
        with source.open() as f:
            head = f.read(SAMPLE_BYTES + 1)
        at_eof = len(head) <= SAMPLE_BYTES
        head = head[:SAMPLE_BYTES]
        if not head.strip():
            raise TabularError(_("The file is empty."), row=1)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            self.encodings = ["utf-16"]
        else:
            if head[:4096].count(b"\x00") > 16:
                raise TabularError(_("This is not a text file: it cannot be read as CSV."), 1)
            self.encodings = ["utf-8-sig", "cp1252", "latin-1"]
        self.encoding = self.encodings[0]
        self.delimiter = _delimiter(_decode_sample(head, self.encoding), at_eof)

    def records(self, *, start: int = 0) -> Iterator[list[str]]:
        """The file's records, from byte `start` (a line's start: _split_point) when given.
        Blocks without a quote character are split with str.split (five times faster
        than the csv module, which parsing twice makes count); from the first quote on,
        the csv module reads the rest. `one_line_records` says whether every record so
        far was one line of the file (a quoted cell may hold line breaks)."""
        self.one_line_records = True
        with self.source.open() as raw:
            encoding = self.encoding
            if start:
                raw.seek(start)
                if encoding == "utf-8-sig":
                    encoding = "utf-8"  # the byte order mark is at the start only
            text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
            number = 0
            while True:
                lines = text.readlines(1 << 20)
                if not lines:
                    return
                block = "".join(lines)
                if '"' in block:
                    yield from self._csv(chain(lines, text), number)
                    return
                if "\r" in block:
                    block = block.replace("\r\n", "\n").replace("\r", "\n")
                rows = block.split("\n")
                if not rows[-1]:
                    rows.pop()
                number += len(rows)
                yield from map(str.split, rows, repeat(self.delimiter))

    def _csv(self, lines, number: int) -> Iterator[list[str]]:
        reader = csv.reader(lines, delimiter=self.delimiter)
        before = number
        try:
            for record in reader:
                number += 1
                if reader.line_num != number - before:
                    self.one_line_records = False
                yield record
        except csv.Error as exc:
            raise TabularError(
                _("The file cannot be read as CSV (%(error)s).") % {"error": exc}, number + 1
            ) from exc

    def next_encoding(self) -> bool:
        i = self.encodings.index(self.encoding)
        if i + 1 >= len(self.encodings):
            return False
        self.encoding = self.encodings[i + 1]
        return True


def _cell_text(value) -> str:
    """An XLSX cell as the text the string inference reads: numbers in Indonesian form
    without grouping ("1234,5"), dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e18:
            return str(int(value))
        text = repr(value)
        if "e" in text or "n" in text:  # 1e-05, inf, nan
            return format(Decimal(text), "f").replace(".", ",") if "e" in text else text
        return text.replace(".", ",")
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


class _XlsxSource:
    fmt = "XLSX"
    encoding = None
    delimiter = None

    def __init__(self, source: _Source):
        self.source = source
        self.sheets: list[str] = []
        self.sheet: str | None = None
        wb = self._workbook()
        try:
            self.sheets = list(wb.sheetnames)
            for name in self.sheets:
                ws = wb[name]
                if not hasattr(ws, "iter_rows"):  # a chart sheet
                    continue
                if any(any(_cell_text(v).strip() for v in row) for row in self._rows(ws)):
                    self.sheet = name
                    break
        finally:
            wb.close()
        if self.sheet is None:
            raise TabularError(_("The workbook has no sheet with data."), row=1)

    def _workbook(self):
        from openpyxl import load_workbook

        handle = self.source.open()
        try:
            return load_workbook(handle, read_only=True, data_only=True)
        except Exception as exc:  # zipfile, XML and openpyxl errors alike
            handle.close()
            raise TabularError(_("The file cannot be read as an XLSX workbook."), row=1) from exc

    @staticmethod
    def _rows(ws):
        ws.reset_dimensions()  # trust the cells, not a stale <dimension> element
        return ws.iter_rows(values_only=True)

    def records(self) -> Iterator[list[str]]:
        wb = self._workbook()
        try:
            for row in self._rows(wb[self.sheet]):
                yield [_cell_text(v) for v in row]
        finally:
            wb.close()

    def next_encoding(self) -> bool:
        return False


# --- the table ------------------------------------------------------------------------------


@dataclass
class Table:
    """A file's columns and problems; its rows are read again by batches()/rows."""

    columns: list[Column]
    problems: list[Problem]
    row_count: int
    format: str
    problem_count: int = 0
    sheets: list[str] = field(default_factory=list)
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    _reader: "_Reader | None" = field(default=None, repr=False)

    def batches(self, size: int = CHUNK) -> Iterator[list[tuple]]:
        """Lists of at most about `size` typed rows (tuples in column order)."""
        if self._reader is None:
            return iter(())
        return self._reader.typed_batches(size)

    def column_batches(self, size: int = CHUNK) -> Iterator[list[list]]:
        """The same rows as batches(), column by column: one list of typed values per
        column (the datastore's loader works on columns)."""
        if self._reader is None:
            return iter(())
        return self._reader.typed_columns(size)

    def copy_batches(self, size: int = CHUNK) -> Iterator[tuple[list[list[str]], list]]:
        """The same rows as column_batches(), each column in PostgreSQL's COPY text format,
        with the text columns' stripped cells beside them (_Reader.copy_columns)."""
        if self._reader is None:
            return iter(())
        return self._reader.copy_columns(size)

    @property
    def source_path(self) -> str | None:
        """The CSV file's path when it was read from one (another process may read it
        again: datastore.fts_build)."""
        if self._reader is None or not isinstance(self._reader.source, _CsvSource):
            return None
        return self._reader.source.source.path

    @property
    def rows(self) -> Iterator[tuple]:
        return chain.from_iterable(self.batches())

    def __iter__(self) -> Iterator[tuple]:
        return self.rows

    def close(self) -> None:
        if self._reader is not None:
            self._reader.source.source.close()

    def report(self) -> dict:
        """JSON-ready summary for Resource.datastore_report."""
        return {
            "format": self.format,
            "rows": self.row_count,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "sheets": self.sheets,
            "sheet": self.sheet,
            "columns": [{"id": c.id, "type": c.type, "label": c.label} for c in self.columns],
            "problems": [{"row": p.row, "message": p.message} for p in self.problems],
            "problem_count": self.problem_count,
        }


class _Reader:
    def __init__(self, source):
        self.source = source
        self.width = 0
        self.header_row = 0
        self.converters: list = []

    def chunks(self, problems: _Problems | None, size: int = 0):
        """(first row number, rows of exactly `width` strings) per chunk of data rows,
        blank rows skipped; with `problems`, over-long rows are reported there."""
        records = self.source.records()
        number = self._header(records)
        yield None  # the header is known
        yield from self._data(records, number, problems, size)

    def _header(self, records) -> int:
        """Read up to the header (the first row with a cell): its row number."""
        width = 0
        number = 0
        for number, record in enumerate(records, start=1):  # noqa: B007
            if any(v.strip() for v in record):
                labels = list(record)
                while labels and not labels[-1].strip():
                    labels.pop()
                width = len(labels)
                self.header = labels
                break
        if not width:
            raise TabularError(_("The file has no header row."), row=max(number, 1))
        if width > MAX_COLUMNS:
            raise TabularError(
                _("The header has %(n)d columns; at most %(max)d are read.")
                % {"n": width, "max": MAX_COLUMNS},
                row=number,
            )
        self.width, self.header_row = width, number
        return number

    def _data(self, records, number: int, problems, size: int = 0, stop: int | None = None):
        """The chunks of data rows of `records`, whose first is row `number` + 1, up to row
        `stop` when given; of CHUNK records unless `size` says otherwise."""
        width, size = self.width, size or CHUNK
        while stop is None or number < stop:
            chunk = list(islice(records, size if stop is None else min(size, stop - number)))
            if not chunk:
                return
            first = number + 1
            number += len(chunk)
            if list(map(len, chunk)).count(width) != len(chunk) or not all(map(any, chunk)):
                chunk = self._fix(chunk, first, problems)
            if chunk:
                yield first, chunk

    def _fix(self, chunk, first, problems):
        width, rows = self.width, []
        for i, record in enumerate(chunk):
            n = len(record)
            if n > width:
                extra = record[width:]
                if problems is not None and any(v.strip() for v in extra):
                    problems.add(
                        first + i,
                        _(
                            "%(found)d columns, the header has %(expected)d: the cells after "
                            "the last column are left out."
                        )  # fmt: skip
                        % {"found": n, "expected": width},
                    )
                record = record[:width]
            if not any(v.strip() for v in record):
                continue
            if n < width:
                record = record + [""] * (width - n)
            rows.append(record)
        return rows

    def scan(self) -> Table:
        while True:
            try:
                return self._scan()
            except UnicodeDecodeError:
                if not self.source.next_encoding():
                    raise TabularError(_("The file's text encoding is not recognised."), 1)  # noqa: B904

    def _scan(self) -> Table:
        problems = _Problems()
        records = self.source.records()
        try:
            number = self._header(records)
            split = self._split_point()
            labels = [label.strip() for label in self.header]
            guesses = [_Guess(label or f"kolom_{i}") for i, label in enumerate(labels, 1)]
            if split is None:
                count = _observe(self._data(records, number, problems), guesses, problems)
            else:
                count = self._scan_halves(records, number, split, guesses, problems)
        finally:
            records.close()
        ids = field_ids(labels)
        columns, self.converters, self.copy_converters = [], [], []
        for col_id, label, guess in zip(ids, labels, guesses, strict=True):
            kind, fmt = guess.result()
            distinct = None
            if kind == "text" and guess.values is not None:
                distinct = len({v.strip() for v in guess.values})
            columns.append(Column(id=col_id, type=kind, label=label, distinct=distinct))
            if kind in ("int", "numeric"):
                self.converters.append(_number_converter(kind, fmt))
                self.copy_converters.append(_copy_number(kind, fmt))
            elif kind in ("date", "timestamp"):
                self.converters.append(_date_converter(guess, kind))
                self.copy_converters.append(_copy_date(guess, kind))
            else:
                self.converters.append(_text)
                self.copy_converters.append(None)
        return Table(
            columns=columns,
            problems=list(problems),
            problem_count=problems.count,
            row_count=count,
            format=self.source.fmt,
            sheets=getattr(self.source, "sheets", []),
            sheet=getattr(self.source, "sheet", None),
            encoding=self.source.encoding,
            delimiter=self.source.delimiter,
            _reader=self,
        )

    def _scan_halves(self, records, number, split, guesses, problems) -> int:
        """The type pass with a forked child reading the rows after the split (_LaterRows):
        its findings are taken when the rows before it were each one line (so the split is
        where a record starts, and the rows' numbers are the lines') and the merge keeps
        one pass's reports; else this process reads on, as one pass."""
        start, lines = split
        later = _LaterRows(self, [g.label for g in guesses], start, lines)
        try:
            count = _observe(self._data(records, number, problems, stop=lines), guesses, problems)
            if self.source.one_line_records:
                found = later.result()
                if found is not None and _merge(guesses, found, problems):
                    return count + found["rows"]
        finally:
            later.stop()
        return count + _observe(self._data(records, lines, problems), guesses, problems)

    def _split_point(self) -> tuple[int, int] | None:
        """Where a forked child starts the type pass (_LaterRows), once the header is
        known: a large CSV file on disk, read as UTF-8 or a single-byte encoding, on a
        system that forks."""
        source = self.source
        if (
            not isinstance(source, _CsvSource)
            or source.source.path is None
            or source.encoding == "utf-16"
            or not hasattr(os, "fork")
            or os.path.getsize(source.source.path) < PARALLEL_MIN_BYTES
        ):
            return None
        return _split_point(source.source.path, self.header_row)

    def _observe_from(self, labels: list[str], start: int, number: int) -> dict:
        """The child's half of the type pass: what fresh guesses find in the rows from byte
        `start` on (row `number` + 1 on), with a sample of every column's cells (whether
        the column reads as text there or not) and the over-long rows' problems. The
        type problems are not kept: _merge makes the parent read the rows again where
        one would be reported."""
        problems, unused = _Problems(), _Problems()
        guesses = [_Guess(label) for label in labels]
        samples: list[set | None] = [set() for _ in labels]
        rows = 0
        for first, chunk in self._data(self.source.records(start=start), number, problems):
            rows += len(chunk)
            for k, col in enumerate(zip(*chunk, strict=True)):
                guesses[k].observe(col, first, unused)
                sample = samples[k]
                if sample is not None:
                    sample.update(_sample(col))
                    if len(sample) > DISTINCT_MAX:
                        samples[k] = None
        return {
            "rows": rows,
            "guesses": guesses,
            "samples": samples,
            "problems": list(problems),
            "problem_count": problems.count,
        }

    def typed_columns(self, size: int) -> Iterator[list[list]]:
        chunks = self.chunks(None, size)
        next(chunks)
        converters = self.converters
        for _first, chunk in chunks:
            yield [
                convert(col)
                for convert, col in zip(converters, zip(*chunk, strict=True), strict=True)
            ]

    def copy_columns(self, size: int) -> Iterator[tuple[list[list[str]], list]]:
        """Per chunk: every column as COPY text (copy_text), and the text columns' cells
        stripped ("" for an empty one) at their positions, None at the others."""
        chunks = self.chunks(None, size)
        next(chunks)
        converters = self.copy_converters
        for _first, chunk in chunks:
            copied, texts = [], []
            for convert, col in zip(converters, zip(*chunk, strict=True), strict=True):
                if convert is None:
                    stripped = list(map(str.strip, col))
                    texts.append(stripped)
                    copied.append(copy_text(stripped))
                else:
                    texts.append(None)
                    copied.append(convert(col))
            yield copied, texts

    def text_columns(self, positions: list[int], size: int = CHUNK) -> Iterator[list[list]]:
        """The text columns at `positions` (of a table already read), as typed_columns
        gives them, without converting the others."""
        chunks = self.chunks(None, size)
        next(chunks)
        for _first, chunk in chunks:
            columns = list(zip(*chunk, strict=True))
            yield [_text(columns[k]) for k in positions]

    def typed_batches(self, size: int) -> Iterator[list[tuple]]:
        for columns in self.typed_columns(size):
            yield list(zip(*columns, strict=True))


@contextlib.contextmanager
def gc_paused():
    """No cyclic garbage collection inside: a pass over a million rows allocates tens of
    millions of lists and tuples, none of them cyclic, and the collector's runs over them
    took 40 % of a load's Python time. The previous state comes back afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def reopen_csv(path: str, *, encoding: str, delimiter: str) -> _Reader:
    """A reader of a CSV file that read() has already read, with the encoding and the
    separator it found (Table.encoding, Table.delimiter): no type pass."""
    source = _CsvSource(_Source(path))
    source.encoding, source.delimiter = encoding, delimiter
    return _Reader(source)


def read(path_or_fileobj, *, fmt: str) -> Table:
    """Read a CSV or XLSX file (a path or a seekable binary file object, kept open by the
    caller until the rows have been read) into a Table. Raises TabularError when the file
    cannot be read as a table at all."""
    fmt = (fmt or "").upper().lstrip(".")
    source = _Source(path_or_fileobj)
    try:
        if fmt in ("CSV", "TSV", "TXT"):
            reader = _Reader(_CsvSource(source))
        elif fmt in ("XLSX", "XLSM"):
            reader = _Reader(_XlsxSource(source))
        else:
            raise TabularError(_("Only CSV and XLSX files are read into the datastore."), 1)
        with gc_paused():
            return reader.scan()
    except BaseException:
        source.close()
        raise
