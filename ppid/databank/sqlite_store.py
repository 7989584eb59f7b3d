"""Where the datastore keeps a resource's rows on SQLite: files of its own, outside the
application's database (issue 4 §1, §5).

Each resource has a directory `<DATASTORE_DIR>/datastore_<hex>/` holding generations of
two files, `<token>.sqlite3` (the typed table and its b-tree indexes) and
`<token>.fts.sqlite3` (the FTS5 index and its fts5vocab tables), and a `CURRENT` file
naming the generation readers use. Like CKAN's DataStore, which keeps its tables in a
database apart from the catalogue's, this keeps a load's hundreds of megabytes and its
write lock away from the application's database, where citizens' requests are written.

- A load writes a new generation with no journal (a file nobody reads yet: a crash only
  leaves files that the next load removes), syncs it to disk, then replaces `CURRENT`
  with one atomic rename: readers see the old rows or the new, never a mix. The two files
  are separate so that two processes can write them at once (datastore.load).
- Readers open a generation read-only and immutable (no locks: it never changes once
  published), with the FTS file attached, so the datastore's SQL names both tables as it
  would in one database. Connections are kept per thread and reopened when `CURRENT`
  names another generation.
- A lock file serialises loads and drops of the same resource.
"""

import contextlib
import fcntl
import os
import shutil
import sqlite3
import threading
from collections import OrderedDict
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

CURRENT = "CURRENT"
LOCK = "LOCK"
# Readers' open connections per thread, least recently used closed first.
MAX_READERS = 16


def root() -> Path:
    return Path(settings.DATASTORE_DIR)


def directory(name: str) -> Path:
    return root() / name


def generation(folder: Path, token: str) -> tuple[Path, Path]:
    """(rows file, full-text file) of one generation."""
    return folder / f"{token}.sqlite3", folder / f"{token}.fts.sqlite3"


def current(name: str) -> str | None:
    """The published generation's token, or None when the resource has no datastore."""
    try:
        token = (directory(name) / CURRENT).read_text().strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return token or None


@contextlib.contextmanager
def locked(name: str):
    """Hold the resource's lock (created if need be); yields its directory."""
    folder = directory(name)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def leftovers(name: str) -> list[str]:
    """Files of generations that were never published (a load that failed or was killed)."""
    folder = directory(name)
    if not folder.is_dir():
        return []
    keep = current(name)
    published = set(generation(folder, keep)) if keep else set()
    return sorted(
        p.name
        for p in folder.iterdir()
        if (p.name.endswith(".sqlite3") and p not in published)
        or p.name.startswith(f"{CURRENT}.")  # a publication that never got renamed
    )


def remove_leftovers(name: str) -> None:
    """Remove unpublished generations; call with the lock held."""
    folder = directory(name)
    for file_name in leftovers(name):
        (folder / file_name).unlink(missing_ok=True)


def writer(path: Path) -> sqlite3.Connection:
    """A connection that builds a new file: no journal, no syncing until sync_file, no
    other connection (exclusive lock). Autocommit: callers open their own transactions."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in (
        "journal_mode = OFF",
        "synchronous = OFF",
        "locking_mode = EXCLUSIVE",
        "cache_size = -64000",
        "temp_store = MEMORY",
    ):
        db.execute(f"PRAGMA {pragma}")
    return db


def sync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _sync_directory(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(name: str, token: str) -> None:
    """Make `token` the generation readers use, then remove the one it replaces. Call
    with the lock held, after the generation's files are synced."""
    folder = directory(name)
    before = current(name)
    pending = folder / f"{CURRENT}.{token}"
    with open(pending, "w") as handle:
        handle.write(token)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(pending, folder / CURRENT)
    _sync_directory(folder)
    if before and before != token:
        for path in generation(folder, before):
            path.unlink(missing_ok=True)
    forget(name)


def drop(name: str) -> None:
    """Remove the resource's datastore, published or not."""
    folder = directory(name)
    if not folder.exists():
        return
    with locked(name):
        (folder / CURRENT).unlink(missing_ok=True)
        for path in folder.iterdir():
            if path.name != LOCK:
                path.unlink(missing_ok=True)
    forget(name)
    shutil.rmtree(folder, ignore_errors=True)


# --- readers --------------------------------------------------------------------------------

_local = threading.local()


def _uri(path: Path) -> str:
    return f"file:{quote(str(path))}?mode=ro&immutable=1"


def _open(folder: Path, token: str) -> sqlite3.Connection:
    rows, fts = generation(folder, token)
    # The same type converters as Django's own SQLite connections (DATE, TIMESTAMP).
    db = sqlite3.connect(
        _uri(rows),
        uri=True,
        detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES,
        check_same_thread=False,
    )
    try:
        if fts.exists():
            db.execute("ATTACH DATABASE ? AS fts", [_uri(fts)])
        db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()  # opened for real
    except sqlite3.Error:
        db.close()
        raise
    return db


def reader(name: str) -> sqlite3.Connection | None:
    """A read-only connection to the resource's published generation (None when there
    is none), kept for this thread until another generation is published."""
    cache: OrderedDict = getattr(_local, "readers", None)
    if cache is None:
        cache = _local.readers = OrderedDict()
    folder = directory(name)
    key = str(folder)
    for _attempt in range(3):
        token = current(name)
        if token is None:
            _close(cache, key)
            return None
        held = cache.get(key)
        if held is not None and held[0] == token:
            cache.move_to_end(key)
            return held[1]
        _close(cache, key)
        try:
            db = _open(folder, token)
        except sqlite3.OperationalError:
            continue  # replaced (and removed) between reading CURRENT and opening it
        cache[key] = (token, db)
        while len(cache) > MAX_READERS:
            _close(cache, next(iter(cache)))
        return db
    return None


def _close(cache: OrderedDict, key: str) -> None:
    held = cache.pop(key, None)
    if held is not None:
        held[1].close()


def forget(name: str) -> None:
    """Close this thread's connection to the resource (the others notice CURRENT)."""
    cache = getattr(_local, "readers", None)
    if cache is not None:
        _close(cache, str(directory(name)))
