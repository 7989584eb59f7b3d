"""Registry benchmark: import, search and list pages at scale (issue §7, docs/benchmarks.md).

    .venv/bin/python bench/registry.py --items 1000000 [--database-url postgres://...]

Builds a registry of N published-or-not items with 1-2 KB of Indonesian document text each
(a Zipf vocabulary of real Indonesian root words from Sastrawi's dictionary, with affixed
forms, plus a long tail of rare words). The items are generated once into a JSON-lines
source file under --var-dir (untimed, reused by later runs); the timed import reads that
file and loads it through ppid.registry.bulk (parsing, stemming and indexing included).
Then it serves the registry with gunicorn on loopback and measures search and list pages
over HTTP, list-page throughput against a bare Django view in the same server, and the peak
RSS of the web workers. Everything lives under --var-dir (default /tmp/bench); re-running
with the same N and database reuses the data unless --fresh.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 20260101
BODIES = 60
PELAKSANA_PER_BODY = 4


def parse_args():
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--items", type=int, default=1_000_000)
    p.add_argument("--database-url", default="", help="default: SQLite under --var-dir")
    p.add_argument("--var-dir", default="/tmp/bench")  # noqa: S108 (the brief's scratch dir)
    p.add_argument("--batch-size", type=int, default=2_000)
    p.add_argument("--defer-index", choices=["auto", "yes", "no"], default="auto")
    p.add_argument("--queries", type=int, default=220, help="search queries measured (>= 200)")
    p.add_argument("--duration", type=int, default=15, help="seconds of each load run")
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=2, help="gthread threads per worker")
    p.add_argument("--fresh", action="store_true", help="drop and re-import the data")
    p.add_argument(
        "--proposed-indexes",
        action="store_true",
        help="create the indexes docs/benchmarks.md proposes (a no-op once migrated)",
    )
    p.add_argument("--skip-http", action="store_true")
    p.add_argument("--json", default="", help="also write the figures to this file")
    return p.parse_args()


def configure(args):
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["PPID_VAR_DIR"] = args.var_dir
    Path(args.var_dir).mkdir(parents=True, exist_ok=True)
    if not args.database_url:
        args.database_url = f"sqlite:///{args.var_dir}/registry-{args.items}.sqlite3"
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("CONN_MAX_AGE", "600")
    if args.fresh and args.database_url.startswith("sqlite:///"):
        path = Path(args.database_url.removeprefix("sqlite://"))
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    import django

    django.setup()


# --- deterministic Indonesian-like data -----------------------------------------------------


class Corpus:
    """A Zipf vocabulary (common and rare words) of real Indonesian roots, with affixed forms."""

    def __init__(self, vocabulary=6_000, tail=20_000, exponent=1.07):
        import Sastrawi

        words_file = Path(Sastrawi.__file__).parent / "Stemmer" / "data" / "kata-dasar.txt"
        roots = sorted(
            {
                w.strip()
                for w in words_file.read_text().split()
                if w.strip().isalpha() and 4 <= len(w.strip()) <= 12
            }
        )
        rng = random.Random(SEED)
        rng.shuffle(roots)
        self.zipf = roots[:vocabulary]
        self.tail = roots[vocabulary : vocabulary + tail]
        # Every (root, surface form) pair weighted by the root's Zipf weight times the
        # form's share: one C-level weighted draw per word.
        shares = [
            (0.55, "{}"),
            (0.15, "di{}kan"),
            (0.12, "{}an"),
            (0.10, "ke{}an"),
            (0.08, "ber{}"),
        ]
        self.forms, weights = [], []
        for rank, root in enumerate(self.zipf):
            for share, pattern in shares:
                self.forms.append(pattern.format(root))
                weights.append(share / (rank + 1) ** exponent)
        total, acc, self.cum = sum(weights), 0.0, []
        for w in weights:
            acc += w / total
            self.cum.append(acc)

    @staticmethod
    def surface(root, r):
        # A share of words in affixed forms, so stemming does real work at import and query.
        if r < 0.55:
            return root
        if r < 0.7:
            return "di" + root + "kan"
        if r < 0.82:
            return root + "an"
        if r < 0.92:
            return "ke" + root + "an"
        return "ber" + root

    def words(self, rng, k):
        return rng.choices(self.forms, cum_weights=self.cum, k=k)

    def frequency_rank(self, rank):
        return self.zipf[rank]


# Bump when item_fields changes: the cached source files under --var-dir are rebuilt.
SOURCE_VERSION = 2
SOURCE_CHUNK = 50_000


def item_fields(corpus, i, n_offices):
    """The fields of item i as JSON-ready values, the same for the same i on every run.
    "office" is an index into the benchmark's offices (their ids differ per database)."""
    base = datetime.datetime(2015, 1, 1, tzinfo=datetime.UTC)
    span = int((datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC) - base).total_seconds())
    rng = random.Random(SEED * 7919 + i)
    office = rng.randrange(n_offices)
    status_r = rng.random()
    published_at = base + datetime.timedelta(seconds=int(span * (i / max(N_FOR_DATES[0], 1))))
    if status_r < 0.92:
        status, reason, pub = "published", "", published_at
    elif status_r < 0.97:
        status, reason, pub = "draft", "", None
    else:
        status, reason, pub = "withdrawn", "Diganti versi baru", published_at
    title_words = corpus.words(rng, rng.randint(4, 9))
    title = (
        rng.choice(["Laporan", "Data", "Dokumen", "Rencana", "Daftar", "Keputusan"])
        + " "
        + " ".join(title_words)
    ).capitalize()
    summary = " ".join(corpus.words(rng, rng.randint(15, 35)))
    # 1-2 KB of document text, with two words from the rare tail.
    body_words = corpus.words(rng, rng.randint(130, 260))
    for _ in range(2):
        body_words.insert(
            rng.randrange(len(body_words)), corpus.tail[rng.randrange(len(corpus.tail))]
        )
    year = published_at.year
    return {
        "office": office,
        "title": title[:300],
        "summary": summary,
        "category": ["berkala", "serta_merta", "setiap_saat"][rng.randrange(3)],
        "owner_unit": rng.choice(
            ["Sekretariat", "Bidang Anggaran", "Bidang Program", "Subbagian Umum"]
        ),
        "responsible": "Kepala " + rng.choice(["Dinas", "Badan", "Bagian"]),
        "creation_time": str(year),
        "creation_place": "Palangka Raya",
        "form_softcopy": rng.random() < 0.9,
        "form_hardcopy": rng.random() < 0.4,
        "retention": f"{rng.choice([2, 5, 10])} tahun",
        "year": year,
        "status": status,
        "withdrawn_reason": reason,
        "published_at": pub.isoformat() if pub else None,
        "document_text": " ".join(body_words),
    }


# The spread of publication dates depends on N: set by source_file before generating.
N_FOR_DATES = [0]


def _write_source_chunk(job):
    path, first, last, n, n_offices = job
    N_FOR_DATES[0] = n
    corpus = Corpus()
    with open(path, "w", encoding="utf-8") as out:
        for i in range(first, last):
            out.write(json.dumps(item_fields(corpus, i, n_offices), ensure_ascii=False) + "\n")
    return last - first


def source_file(args, n_offices):
    """The import's source: N items as JSON lines, like a file exported from an old portal.
    Generated once per N under --var-dir (in parallel, before any timing) and reused, so
    the import is timed from reading the file to the last committed row."""
    import multiprocessing

    path = Path(args.var_dir) / f"items-{args.items}-o{n_offices}-v{SOURCE_VERSION}.jsonl"
    if path.exists():
        return path
    jobs = [
        (f"{path}.part{k}", first, min(first + SOURCE_CHUNK, args.items), args.items, n_offices)
        for k, first in enumerate(range(0, args.items, SOURCE_CHUNK))
    ]
    print(f"generating the source file {path.name} (once per N) ...", flush=True)
    started, done = time.perf_counter(), 0
    with multiprocessing.get_context("fork").Pool(os.cpu_count() or 1) as pool:
        for count in pool.imap(_write_source_chunk, jobs):
            done += count
            print(f"  generated {done:,} of {args.items:,}", flush=True)
    with open(f"{path}.tmp", "wb") as out:
        for job in jobs:
            with open(job[0], "rb") as part:
                shutil.copyfileobj(part, out, 1 << 20)
            Path(job[0]).unlink()
    os.replace(f"{path}.tmp", path)
    print(f"  source file written in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def file_rows(path, offices):
    """ImportRow objects read from a source file: parsing it and building the model
    instances is part of the timed import."""
    from ppid.registry.bulk import ImportRow
    from ppid.registry.models import InformationItem

    loads, parse_dt = json.loads, datetime.datetime.fromisoformat
    with open(path, encoding="utf-8") as source:
        for line in source:
            fields = loads(line)
            office_id, body_id = offices[fields.pop("office")]
            text = fields.pop("document_text")
            if fields["published_at"]:
                fields["published_at"] = parse_dt(fields["published_at"])
            yield ImportRow(
                item=InformationItem(office_id=office_id, body_id=body_id, **fields),
                document_text=text,
            )


def make_offices():
    from ppid.organizations.models import Body, Office

    offices = []
    for b in range(BODIES):
        body, _ = Body.objects.get_or_create(
            slug=f"bench-badan-{b}", defaults={"name": f"Dinas Bench {b}", "kind": Body.Kind.AGENCY}
        )
        utama, _ = Office.objects.get_or_create(
            slug=f"bench-ppid-{b}",
            defaults={"body": body, "kind": Office.Kind.UTAMA, "name": f"PPID Bench {b}"},
        )
        offices.append((utama.pk, body.pk))
        for p in range(PELAKSANA_PER_BODY):
            office, _ = Office.objects.get_or_create(
                slug=f"bench-ppid-{b}-{p}",
                defaults={
                    "body": body,
                    "kind": Office.Kind.PELAKSANA,
                    "parent": utama,
                    "name": f"PPID Pelaksana {b}.{p}",
                },
            )
            offices.append((office.pk, body.pk))
    return offices


def query_set(corpus, count):
    """Varied queries: rare (tail), uncommon, mid, common single terms and two-term mixes."""
    rng = random.Random(SEED + 1)
    z = corpus.zipf

    def word(lo, hi):
        return corpus.surface(z[rng.randrange(lo, min(hi, len(z)))], rng.random())

    def rare():
        return corpus.tail[rng.randrange(len(corpus.tail))]

    kinds = [
        ("rare", 0.25, rare),
        ("uncommon", 0.2, lambda: word(2000, 6000)),
        ("mid", 0.15, lambda: word(100, 2000)),
        ("common", 0.15, lambda: word(0, 100)),
        (
            "two-term",
            0.25,
            lambda: " ".join(
                rng.choice(
                    [
                        (word(0, 100), word(0, 100)),
                        (word(0, 100), rare()),
                        (word(100, 2000), word(100, 2000)),
                        (word(100, 2000), word(2000, 6000)),
                    ]
                )
            ),
        ),
    ]
    out = []
    for kind, share, make in kinds:
        out += [(kind, make()) for _ in range(max(1, round(count * share)))]
    rng.shuffle(out)
    return out


# --- measurement helpers --------------------------------------------------------------------


def pct(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def ms(seconds):
    return round(seconds * 1000, 1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(self, path):
        started = time.perf_counter()
        try:
            self.conn.request("GET", path)
            response = self.conn.getresponse()
            body = response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.conn.request("GET", path)
            response = self.conn.getresponse()
            body = response.read()
        return response.status, time.perf_counter() - started, body


def wrk(base, paths, duration, concurrency, script_dir):
    """wrk against one path, or cycling through several (a Lua script per run)."""
    command = ["wrk", "-t2", f"-c{concurrency}", f"-d{duration}s", "--timeout", "30s"]
    if len(paths) > 1:
        script = Path(script_dir) / "paths.lua"
        quoted = ", ".join(json.dumps(p) for p in paths)
        script.write_text(
            f"local paths = {{{quoted}}}\nlocal i = 0\n"
            "request = function()\n  i = i + 1\n"
            "  return wrk.format('GET', paths[(i % #paths) + 1])\nend\n"
        )
        command += ["-s", str(script)]
    out = subprocess.run(
        [*command, base + paths[0]], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, int(non2xx.group(1)) if non2xx else 0


def python_load(base, paths, duration, concurrency):
    """Fallback when wrk is missing: threads with keep-alive http.client, fixed duration."""
    import threading

    port = urllib.parse.urlsplit(base).port
    done, errors, stop = [0], [0], time.perf_counter() + duration

    def run(offset):
        client = Client(port)
        i = offset
        while time.perf_counter() < stop:
            status, _, _ = client.get(paths[i % len(paths)])
            i += 1
            done[0] += 1
            errors[0] += status != 200

    threads = [threading.Thread(target=run, args=(n,)) for n in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0] / (time.perf_counter() - started), errors[0]


def load(args, base, paths):
    try:
        return wrk(base, paths, args.duration, args.concurrency, args.var_dir) + ("wrk",)
    except FileNotFoundError:
        return python_load(base, paths, args.duration, args.concurrency) + ("python threads",)


def children(pid):
    try:
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True
        ).stdout
    except OSError:
        return []
    return [int(x) for x in out.split()]


def process_cpu():
    """CPU seconds of this process and of its children that have ended (the import's
    stemming process is reaped when the import returns)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class BackendCpu:
    """CPU seconds of this database's PostgreSQL backends (a local server), 0 on SQLite.
    The import's parallel writers have their own backends, which end with the import:
    sample() after each batch keeps the last reading of each."""

    def __init__(self):
        from django.db import connection

        self.vendor = connection.vendor
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.sample()
        self.first = dict(self.last)

    def sample(self):
        from django.db import connection

        if self.vendor != "postgresql":
            return
        with connection.cursor() as c:
            c.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            pids = [row[0] for row in c.fetchall()]
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            self.last[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def total(self):
        self.sample()
        return sum(v - self.first.get(pid, 0.0) for pid, v in self.last.items())


def vm_hwm_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- phases ---------------------------------------------------------------------------------


def phase_import(args, corpus, figures):
    from django.core.management import call_command
    from django.db import connection

    from ppid.registry.bulk import items_bulk_import, registry_analyze
    from ppid.registry.models import InformationItem

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    figures["migrate_s"] = round(time.perf_counter() - t0, 1)
    offices = make_offices()
    existing = InformationItem.objects.count()
    if existing == args.items and not args.fresh:
        print(f"reusing {existing} items already in the database (--fresh to re-import)")
        figures["import"] = "reused"
        return
    if existing:
        print(f"deleting {existing} items left from another run")
        with connection.cursor() as c:
            if connection.vendor == "postgresql":
                # Deleting a million indexed rows one by one takes minutes and leaves bloat.
                c.execute("TRUNCATE registry_informationitem RESTART IDENTITY CASCADE")
            else:
                c.execute("DELETE FROM registry_informationitem")
    source = source_file(args, len(offices))
    last = [time.perf_counter()]

    def progress(done):
        backends.sample()
        if time.perf_counter() - last[0] > 20:
            last[0] = time.perf_counter()
            print(f"  imported {done:,} ({done / (last[0] - started):,.0f} items/s)", flush=True)

    defer = {"auto": None, "yes": True, "no": False}[args.defer_index]
    # On a shared machine wall-clock rates depend on the neighbours: also count the CPU
    # seconds spent by this process and by the database server's backend for this load.
    cpu0, backends, load0 = process_cpu(), BackendCpu(), os.getloadavg()[0]
    started = time.perf_counter()
    n = items_bulk_import(
        file_rows(source, offices),
        batch_size=args.batch_size,
        defer_index=defer,
        expected=args.items,
        on_batch=progress,
    )
    total = time.perf_counter() - started
    t = time.perf_counter()
    registry_analyze()
    analyze = time.perf_counter() - t
    import_s = total
    cpu = process_cpu() - cpu0
    db_cpu = backends.total()
    figures["import"] = {
        "items": n,
        "seconds": round(import_s, 1),
        "source_file_mb": round(source.stat().st_size / 1e6),
        "items_per_s": round(n / import_s),
        "items_per_s_incl_analyze": round(n / (import_s + analyze)),
        "analyze_s": round(analyze, 1),
        "defer_index": defer if defer is not None else args.items > 20_000,
        "cpu_s_client": round(cpu, 1),
        "cpu_s_db_server": round(db_cpu, 1),
        "items_per_cpu_s": round(n / (cpu + db_cpu)) if cpu + db_cpu else None,
        "load_average_before": load0,
        "load_average_after": os.getloadavg()[0],
    }
    print("import:", figures["import"], flush=True)


# Proposed for registry migration 0004 (docs/benchmarks.md): the facet GROUP BY as an
# index-only scan, and the first page of the commonest filtered lists and of sort=title
# without sorting or visiting the rows that match.
PROPOSED_INDEXES = [
    "CREATE INDEX IF NOT EXISTS registry_item_facets_idx ON registry_informationitem "
    "(status, body_id, category, year, form_softcopy, form_hardcopy)",
    "CREATE INDEX IF NOT EXISTS registry_item_title_idx ON registry_informationitem "
    "(status, title, id)",
    "CREATE INDEX IF NOT EXISTS registry_item_body_new_idx ON registry_informationitem "
    "(body_id, status, published_at)",
    "CREATE INDEX IF NOT EXISTS registry_item_year_new_idx ON registry_informationitem "
    "(status, year, published_at)",
]


def proposed_indexes(figures):
    from django.db import connection

    from ppid.registry.bulk import registry_analyze

    started = time.perf_counter()
    with connection.cursor() as c:
        for sql in PROPOSED_INDEXES:
            c.execute(sql)
    registry_analyze()
    figures["proposed_indexes_s"] = round(time.perf_counter() - started, 1)
    print("proposed indexes created in", figures["proposed_indexes_s"], "s", flush=True)


def db_size(figures):
    from django.db import connection

    with connection.cursor() as c:
        if connection.vendor == "sqlite":
            c.execute("PRAGMA page_count")
            pages = c.fetchone()[0]
            c.execute("PRAGMA page_size")
            figures["db_size_mb"] = round(pages * c.fetchone()[0] / 2**20)
        else:
            c.execute("SELECT pg_database_size(current_database())")
            figures["db_size_mb"] = round(c.fetchone()[0] / 2**20)


def phase_inprocess_search(queries, figures):
    """search_items() itself: first page of 20, the count, the facets."""
    from ppid.registry.queries import ItemFilters, search_items

    times, by_kind = [], {}
    for _kind, q in queries[:20]:  # warm the stemmer and the page cache
        r = search_items(ItemFilters(q=q))
        list(r.items[:20])
    for kind, q in queries:
        t = time.perf_counter()
        r = search_items(ItemFilters(q=q))
        list(r.items[:20])
        r.items.count()
        elapsed = time.perf_counter() - t
        times.append(elapsed)
        by_kind.setdefault(kind, []).append(elapsed)
    figures["search_inprocess"] = {
        "queries": len(times),
        "p50_ms": ms(pct(times, 50)),
        "p95_ms": ms(pct(times, 95)),
        "max_ms": ms(max(times)),
        "by_kind_p95_ms": {k: ms(pct(v, 95)) for k, v in by_kind.items()},
    }
    print("search (in process):", figures["search_inprocess"], flush=True)


def start_server(args):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "ppid.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(args.workers),
            "-k",
            "gthread",
            "--threads",
            str(args.threads),
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    client = Client(port)
    for _ in range(300):
        try:
            status, _, _ = client.get("/bench/bare")
            if status == 200:
                return proc, port
        except OSError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def pick(client, real, standin):
    status, _, _ = client.get(real)
    return (
        (real, "real page")
        if status == 200
        else (standin, f"bench stand-in ({real} answered {status})")
    )


def phase_http(args, queries, figures):
    proc, port = start_server(args)
    try:
        client = Client(port)
        search_path, search_source = pick(client, "/cari/?q=laporan", "/bench/search?q=laporan")
        search_base = search_path.split("?")[0]
        list_path, list_source = pick(client, "/informasi/", "/bench/list")
        figures["pages"] = {
            "search": f"{search_base} ({search_source})",
            "list": f"{list_path} ({list_source})",
        }
        print("pages:", figures["pages"], flush=True)
        for _, q in queries[:20]:
            client.get(f"{search_base}?q={urllib.parse.quote(q)}")
        times, by_kind, errors = [], {}, 0
        for kind, q in queries:
            status, elapsed, _ = client.get(f"{search_base}?q={urllib.parse.quote(q)}")
            errors += status != 200
            times.append(elapsed)
            by_kind.setdefault(kind, []).append(elapsed)
        figures["search_http"] = {
            "queries": len(times),
            "errors": errors,
            "p50_ms": ms(pct(times, 50)),
            "p95_ms": ms(pct(times, 95)),
            "max_ms": ms(max(times)),
            "by_kind_p95_ms": {k: ms(pct(v, 95)) for k, v in by_kind.items()},
        }
        print("search (HTTP):", figures["search_http"], flush=True)

        # List pages: the first page under varied filters, then deep pages.
        rng = random.Random(SEED + 2)
        variants = (
            [""]
            + [f"body=bench-badan-{rng.randrange(BODIES)}" for _ in range(4)]
            + [
                "category=berkala",
                "category=setiap_saat",
                "year=2020",
                "year=2024",
                "form=hardcopy",
                "sort=title",
            ]
        )
        sep = "&" if "?" in list_path else "?"
        times, errors = [], 0
        for v in variants:
            client.get(list_path + (sep + v if v else ""))
        for i in range(100):
            v = variants[i % len(variants)]
            status, elapsed, _ = client.get(list_path + (sep + v if v else ""))
            errors += status != 200
            times.append(elapsed)
        deep = {}
        for page in (10, 100, 500, 10000):
            samples = [client.get(f"{list_path}{sep}page={page}")[1] for _ in range(5)]
            deep[page] = ms(statistics.median(samples))
        figures["list_http"] = {
            "requests": len(times),
            "errors": errors,
            "p50_ms": ms(pct(times, 50)),
            "p95_ms": ms(pct(times, 95)),
            "deep_page_p50_ms": deep,
        }
        print("list (HTTP):", figures["list_http"], flush=True)

        base = f"http://127.0.0.1:{port}"
        bare_rps, bare_err, tool = load(args, base, ["/bench/bare"])
        list_rps, list_err, _ = load(args, base, [list_path])
        # A mix closer to real traffic: filtered first pages and pages up to the row cap.
        mix = [list_path + (sep + v if v else "") for v in variants] + [
            f"{list_path}{sep}page={p}" for p in (2, 5, 50, 200, 500)
        ]
        mix_rps, mix_err, _ = load(args, base, mix)
        search_mix = [f"{search_base}?q={urllib.parse.quote(q)}" for _, q in queries]
        search_rps, search_err, _ = load(args, base, search_mix)
        figures["throughput"] = {
            "tool": tool,
            "concurrency": args.concurrency,
            "duration_s": args.duration,
            "bare_rps": round(bare_rps),
            "list_rps": round(list_rps),
            "ratio": round(list_rps / bare_rps, 3),
            "list_mix_rps": round(mix_rps),
            "list_mix_ratio": round(mix_rps / bare_rps, 3),
            "search_mix_rps": round(search_rps),
            "errors": bare_err + list_err + mix_err + search_err,
        }
        print("throughput:", figures["throughput"], flush=True)
        workers = children(proc.pid)
        figures["worker_peak_rss_mb"] = [round(vm_hwm_mb(w)) for w in workers]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def report(args, figures):
    from django.db import connection

    imp = figures.get("import")
    s, h, lst, tp = (
        figures.get(k, {}) for k in ("search_inprocess", "search_http", "list_http", "throughput")
    )
    rss = max(figures.get("worker_peak_rss_mb") or [float("nan")])
    if connection.vendor == "sqlite":
        version = connection.Database.sqlite_version
    else:
        connection.ensure_connection()
        version = connection.connection.info.server_version
    rows = [
        ("engine", f"{connection.vendor} {version}"),
        ("items", f"{args.items:,}"),
        ("database size", f"{figures.get('db_size_mb')} MB"),
        (
            "import",
            "reused"
            if imp == "reused"
            else (
                f"{imp['items_per_s']:,} items/s wall ({imp['seconds']} s, "
                f"ANALYZE {imp['analyze_s']} s); {imp['items_per_cpu_s']:,} items per CPU-second "
                f"(load average {imp['load_average_before']:.1f}"
                f" -> {imp['load_average_after']:.1f})"
            ),
        ),
        ("search in process p50 / p95", f"{s.get('p50_ms')} / {s.get('p95_ms')} ms"),
        (
            "search HTTP p50 / p95",
            f"{h.get('p50_ms')} / {h.get('p95_ms')} ms (max {h.get('max_ms')})",
        ),
        ("list page p50 / p95", f"{lst.get('p50_ms')} / {lst.get('p95_ms')} ms"),
        ("deep list pages p50", json.dumps(lst.get("deep_page_p50_ms"))),
        ("bare view throughput", f"{tp.get('bare_rps')} req/s"),
        ("list page throughput", f"{tp.get('list_rps')} req/s = {tp.get('ratio')} of bare"),
        (
            "list mix / search mix",
            f"{tp.get('list_mix_rps')} req/s = {tp.get('list_mix_ratio')} of bare / "
            f"{tp.get('search_mix_rps')} req/s",
        ),
        ("worker peak RSS (VmHWM)", f"{figures.get('worker_peak_rss_mb')} MB (max {rss})"),
    ]
    width = max(len(k) for k, _ in rows)
    print("\n" + "=" * 72)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")
    print("=" * 72)


def main():
    args = parse_args()
    configure(args)
    figures = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "load_average_at_start": os.getloadavg(),
        "machine": {
            "nproc": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "command": " ".join(sys.argv),
    }
    corpus = Corpus()
    queries = query_set(corpus, args.queries)
    phase_import(args, corpus, figures)
    figures["proposed_indexes"] = args.proposed_indexes
    if args.proposed_indexes:
        proposed_indexes(figures)
    db_size(figures)
    phase_inprocess_search(queries, figures)
    if not args.skip_http:
        from django.db import connection

        connection.close()
        phase_http(args, queries, figures)
    report(args, figures)
    engine = "pg" if "postgres" in args.database_url else "sqlite"
    out = args.json or f"{args.var_dir}/results-{args.items}-{engine}.json"
    Path(out).write_text(json.dumps(figures, indent=2, default=str))
    print("figures written to", out)


if __name__ == "__main__":
    main()
