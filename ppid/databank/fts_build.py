"""SQLite: the full-text index of a large CSV file, built by a second process while the
loading one writes the rows and their b-tree indexes (datastore._load_sqlite).

A load is CPU-bound in both halves: stemming and indexing the text, and converting,
storing and indexing the typed rows. Python runs one thread at a time, so the two halves
run in two processes, each on a core, writing files of their own (sqlite_store). The
child reads the file again with the encoding and separator the type pass found, writes
`<token>.fts.sqlite3`, syncs it and prints its row count, which the parent checks against
its own before it publishes the generation.

    python -m ppid.databank.fts_build '<json spec>'
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Generous: the child runs at the parent's pace (seconds per million rows).
TIMEOUT_BASE_S = 300
TIMEOUT_PER_ROW_S = 0.001


class FtsBuildError(RuntimeError):
    pass


class Child:
    """The running child process."""

    def __init__(self, proc: subprocess.Popen, errors, rows: int):
        self.proc, self.errors, self.rows = proc, errors, rows

    def wait(self) -> int:
        """The child's row count once it has finished; FtsBuildError if it failed."""
        timeout = TIMEOUT_BASE_S + self.rows * TIMEOUT_PER_ROW_S
        try:
            out, _err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise FtsBuildError(f"the full-text index took over {timeout:.0f} s") from None
        self.errors.seek(0)
        message = self.errors.read().decode(errors="replace")[-2000:]
        self.errors.close()
        if self.proc.returncode != 0:
            raise FtsBuildError(f"the full-text index failed: {message}")
        return int(json.loads(out)["rows"])

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if not self.errors.closed:
            self.errors.close()


def start(table, name: str, text_positions: list[int], fts_path: Path) -> Child | None:
    """Start building the table's FTS file in a child process; None when the table was
    not read from a CSV file on disk (the caller builds it itself)."""
    path = table.source_path
    if path is None:
        return None
    spec = {
        "path": str(Path(path).resolve()),
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "name": name,
        "text_positions": text_positions,
        "fts_path": str(fts_path),
    }
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by Child)
    proc = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "ppid.databank.fts_build", json.dumps(spec)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=errors,
        env=env,
        cwd=ROOT,
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


def main(argv: list[str]) -> None:
    # No database and no translations here: the child only reads a file and writes one.
    os.environ.pop("DJANGO_SETTINGS_MODULE", None)
    from django.conf import settings

    settings.configure(USE_I18N=False)
    rows = build(json.loads(argv[1]))
    sys.stdout.write(json.dumps({"rows": rows}))


if __name__ == "__main__":
    main(sys.argv)
