"""Gap-free number series (registration numbers, letter numbers): domain.md F17, §17 #3.

`next_number` must run inside the transaction that stores the number. The counter row is
incremented with one upsert, which locks it until that transaction ends: concurrent
callers wait their turn (PostgreSQL row lock; SQLite's single writer), and a rolled-back
transaction gives its number back, so the series has no gaps. A UNIQUE constraint on the
numbered rows remains the last defence.
"""

from django.db import connection

from .models import Counter


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
