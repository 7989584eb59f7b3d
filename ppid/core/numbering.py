"""Gap-free number series (registration numbers, letter numbers): domain.md F17, §17 #3.

`next_number` must run inside the transaction that stores the number. The counter row is
incremented with one upsert, which locks it until that transaction ends: concurrent
callers wait their turn (PostgreSQL row lock; SQLite's single writer), and a rolled-back
transaction gives its number back, so the series has no gaps. A UNIQUE constraint on the
numbered rows remains the last defence.
"""

import contextlib
import fcntl
import threading

from django.db import connection, transaction

from .models import Counter


# SQLite has one writer. A transaction that finds the database locked waits in SQLite's
# busy handler, which sleeps 1, 2, 5 ... up to 100 ms between tries and so leaves the lock
# idle while the waiters sleep. Numbering transactions queue on an advisory file lock
# beside the database instead (flock: the kernel wakes a waiter as soon as it is
# released), across threads and processes. Each thread opens the file itself, because a
# flock belongs to an open file; the depth makes nested numbering transactions cheap.
class _WriterLock(threading.local):
    file = None
    depth = 0


_writer = _WriterLock()


def _lock_path() -> str:
    return str(connection.settings_dict["NAME"]) + ".numbering.lock"


@contextlib.contextmanager
def _sqlite_writer():
    if _writer.depth == 0:
        if _writer.file is None or _writer.file.name != _lock_path():
            _writer.file = open(_lock_path(), "a")  # noqa: SIM115 (kept for the thread)
        fcntl.flock(_writer.file.fileno(), fcntl.LOCK_EX)
    _writer.depth += 1
    try:
        yield
    finally:
        _writer.depth -= 1
        if _writer.depth == 0:
            fcntl.flock(_writer.file.fileno(), fcntl.LOCK_UN)


@contextlib.contextmanager
def numbering_transaction():
    """transaction.atomic() for a step that takes a number (on SQLite, queued as explained
    above)."""
    if (
        connection.vendor != "sqlite"
        or connection.in_atomic_block  # BEGIN IMMEDIATE took SQLite's lock: queue no more
        or connection.settings_dict["NAME"] == ":memory:"
    ):
        with transaction.atomic():
            yield
        return
    with _sqlite_writer(), transaction.atomic():
        yield


def next_number(scope: str, year: int) -> int:
    """The next number of the series (scope, year), starting at 1."""
    if not connection.in_atomic_block:
        raise RuntimeError("next_number() must run inside the transaction that uses it")
    table = Counter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (scope, year, value) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (scope, year) DO UPDATE SET value = {table}.value + 1 "
            "RETURNING value",
            [scope, year],
        )
        return cursor.fetchone()[0]
