"""The full text of a large table, prepared by a second process while the loading one
converts and writes the typed rows (datastore.load).

A load is CPU-bound in both halves: stemming and indexing the text, and converting,
storing and indexing the typed rows. Python runs one thread at a time, so the two halves
run in two processes, each on a core.

- SQLite ("fts"): the child reads the CSV file again with the encoding and separator the
  type pass found, writes `<token>.fts.sqlite3` (sqlite_store), syncs it and prints its
  row count, which the parent checks against its own before it publishes the generation.
- PostgreSQL ("vectors"): the parent, which reads the rows anyway, sends the child the
  text columns of each chunk through its standard input (a marshal dump, after its length
  in bytes on a line; Child.give), a few chunks ahead; the child sends back each row's
  `_full_text` (the chunk's length in bytes on a line, then one text per row; Child.take),
  which the parent puts into the rows it copies to the server. The file is parsed once.

    python -m ppid.databank.fts_build '<json spec>'
"""

import fcntl
import json
import marshal
import os
import queue
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Generous: the child runs at the parent's pace (seconds per million rows).
TIMEOUT_BASE_S = 300
TIMEOUT_PER_ROW_S = 0.001


class FtsBuildError(RuntimeError):
    pass


# Linux: let the child run up to a megabyte ahead of the parent (the default is 64 KB).
_F_SETPIPE_SZ = 1031
PIPE_BYTES = 1 << 20


class Child:
    """The running child process."""

    def __init__(self, proc: subprocess.Popen, errors, rows: int):
        self.proc, self.errors, self.rows = proc, errors, rows
        self.timed_out = False
        self._pending: list[str] = []
        self._watchdog: threading.Timer | None = None
        self._input: queue.SimpleQueue | None = None
        self._writer: threading.Thread | None = None

    def feed(self) -> None:
        """Send what give() queues to the child's standard input, from a thread: the
        parent never waits on a full pipe while the child waits on the parent."""
        self._input = queue.SimpleQueue()
        self._writer = threading.Thread(target=self._write_input, daemon=True)
        self._writer.start()

    def _write_input(self) -> None:
        stdin, broken = self.proc.stdin, False
        while (data := self._input.get()) is not None:
            if not broken:
                try:
                    stdin.write(data)
                    stdin.flush()
                except (OSError, ValueError):  # the child ended: take() says why
                    broken = True
        try:
            stdin.close()
        except OSError:
            pass

    def give(self, text_columns: list[list[str]]) -> None:
        """Queue a chunk's text columns for the child ("vectors")."""
        data = marshal.dumps(text_columns)
        self._input.put(b"%d\n" % len(data) + data)

    def close_input(self) -> None:
        """No more chunks: the child ends after the last one."""
        if self._input is not None:
            self._input.put(None)
            self._writer.join()
            self._input = None

    @property
    def timeout(self) -> float:
        return TIMEOUT_BASE_S + self.rows * TIMEOUT_PER_ROW_S

    def _message(self) -> str:
        self.errors.seek(0)
        return self.errors.read().decode(errors="replace")[-2000:]

    def watch(self) -> None:
        """Kill the child if it is still running after its timeout (the parent reading
        its pipe then gets the end of it)."""

        def expire():
            self.timed_out = True
            if self.proc.poll() is None:
                self.proc.kill()

        self._watchdog = threading.Timer(self.timeout, expire)
        self._watchdog.daemon = True
        self._watchdog.start()

    def take(self, n: int) -> list[str]:
        """The next n rows' texts from the pipe ("vectors")."""
        while len(self._pending) < n:
            header = self.proc.stdout.readline()
            if not header:
                self._fail("sent fewer rows than the table has")
            # Never texts out of step with their rows: a chunk must come whole.
            if not header.strip().isdigit():
                self._fail("sent a broken chunk")
            data = self.proc.stdout.read(int(header))
            if len(data) != int(header):
                self._fail("sent a broken chunk")
            self._pending.extend(data.decode().split("\n"))
        taken, self._pending = self._pending[:n], self._pending[n:]
        return taken

    def finish(self) -> None:
        """After the last row: the child must have sent exactly as many and ended well."""
        self.close_input()
        if self._pending or self.proc.stdout.read(1):
            self._fail("sent more rows than the table has")
        if self.proc.wait() != 0:
            self._fail("failed")
        self._stop()

    def _fail(self, what: str):
        if self.proc.poll() is None and not self.timed_out:
            try:
                self.proc.wait(timeout=5)  # a failing child is ending: let it say why
            except subprocess.TimeoutExpired:
                pass
        message = self._message()
        self.kill()
        if self.timed_out:
            raise FtsBuildError(f"the full text took over {self.timeout:.0f} s")
        raise FtsBuildError(f"the full text process {what}: {message}")

    def _stop(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
        if not self.errors.closed:
            self.errors.close()

    def wait(self) -> int:
        """The child's row count once it has finished ("fts"); FtsBuildError if it failed."""
        try:
            out, _err = self.proc.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise FtsBuildError(f"the full-text index took over {self.timeout:.0f} s") from None
        message = self._message()
        self._stop()
        if self.proc.returncode != 0:
            raise FtsBuildError(f"the full-text index failed: {message}")
        return int(json.loads(out)["rows"])

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.close_input()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._stop()


def start(table, name: str, text_positions: list[int], fts_path: Path) -> Child | None:
    """SQLite: start building the table's FTS file in a child process; None when the
    table was not read from a CSV file on disk (the caller builds it itself)."""
    path = table.source_path
    if path is None:
        return None
    spec = {
        "mode": "fts",
        "name": name,
        "fts_path": str(fts_path),
        "path": str(Path(path).resolve()),
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "text_positions": text_positions,
    }
    return _spawn(table, spec)


def start_vectors(table, text_positions: list[int]) -> Child:
    """PostgreSQL: start a child that stems the text columns it is given (Child.give)
    and sends back each row's `_full_text` (Child.take)."""
    spec = {"mode": "vectors", "text_positions": text_positions}
    child = _spawn(table, spec, stdin=subprocess.PIPE)
    for pipe in (child.proc.stdin, child.proc.stdout):
        try:
            fcntl.fcntl(pipe.fileno(), _F_SETPIPE_SZ, PIPE_BYTES)
        except OSError:
            pass  # the default size works, only with more waiting
    child.feed()
    child.watch()
    return child


def _spawn(table, spec: dict, stdin=subprocess.DEVNULL) -> Child:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by Child)
    proc = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "ppid.databank.fts_build", json.dumps(spec)],
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=errors,
        env=env,
        cwd=ROOT,
        bufsize=PIPE_BYTES,
    )
    return Child(proc, errors, table.row_count)


def build(spec: dict) -> int:
    """The child's work: the FTS file of the spec's text columns."""
    from ppid.databank import datastore, sqlite_store, tabular

    name, positions = spec["name"], spec["text_positions"]
    fts_path = Path(spec["fts_path"])
    reader = tabular.reopen_csv(
        spec["path"], encoding=spec["encoding"], delimiter=spec["delimiter"]
    )
    db = sqlite_store.writer(fts_path)
    try:
        datastore.fts_create(db, name, positions)
        done = 0
        db.execute("BEGIN")
        with tabular.gc_paused():
            for text_columns in reader.text_columns(positions):
                n = len(text_columns[0])
                datastore.fts_insert(
                    db, name, positions, range(done + 1, done + 1 + n), text_columns
                )
                done += n
        db.execute("COMMIT")
        datastore.fts_finish(db, name)
    finally:
        db.close()
    sqlite_store.sync_file(fts_path)
    return done


def send_vectors(spec: dict, source, out) -> int:
    """The child's work for PostgreSQL: each chunk's `_full_text`s, as its chunks come."""
    from ppid.databank import datastore, tabular

    positions = spec["text_positions"]
    done = 0
    with tabular.gc_paused():
        while header := source.readline():
            text_columns = marshal.loads(source.read(int(header)))  # noqa: S302 (our parent, a pipe)
            n = len(text_columns[0])
            data = "\n".join(datastore.row_vectors(text_columns, positions, n)).encode()
            out.write(b"%d\n" % len(data))
            out.write(data)
            out.flush()
            done += n
    return done


def main(argv: list[str]) -> None:
    # No database and no translations here: the child only reads a file and writes.
    os.environ.pop("DJANGO_SETTINGS_MODULE", None)
    from django.conf import settings

    settings.configure(USE_I18N=False)
    spec = json.loads(argv[1])
    if spec["mode"] == "vectors":
        send_vectors(spec, sys.stdin.buffer, sys.stdout.buffer)
    else:
        rows = build(spec)
        sys.stdout.write(json.dumps({"rows": rows}))


if __name__ == "__main__":
    main(sys.argv)
