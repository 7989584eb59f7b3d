"""Data bank benchmark (issue 4 §5, docs/benchmarks.md): CSV ingestion into the datastore,
datastore_search on a 1,000,000-row resource, and package_search at 100,000 datasets.

    .venv/bin/python bench/databank.py [--rows 1000000] [--database-url postgres://...]
        [--var-dir /tmp/bench] [--sections ingest,datastore_search,package_search]

Sections, each a function of its own (run alone with --sections):

- ingest: a generated CSV of N rows (semicolon-separated, Indonesian number formats, dates
  as dd/mm/yyyy, the shape of a BPS-style table: region codes and names, year, sex, age
  group, counts, a percentage, a free-text note of Indonesian words) is written once under
  --var-dir (untimed, reused), then tabular.read + datastore.load are timed from opening
  the file to the swapped-in table with its indexes: rows/s (target >= 50,000).
- datastore_search: p50/p95 in process on that resource, over filter queries (a regency,
  a district, a region code, year + sex, with sort and deep offsets) and full-text queries
  (common, mid, rare words, two words, a field query, words + a filter), each with the
  total count as CKAN returns it (target p95 <= 100 ms).
- package_search: helper C's section (package_search p50/p95 at 100,000 datasets).

The machine may be shared: the load average is printed with the figures, and CPU seconds
of this process (and of the PostgreSQL backends) are reported next to wall-clock rates.
"""

import argparse
import csv
import datetime
import json
import os
import platform
import random
import resource
import sqlite3
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.registry import BackendCpu, Corpus, ms, pct, process_cpu  # noqa: E402

SEED = 20261128
TARGETS = {"ingest_rows_per_s": 50_000, "datastore_search_p95_ms": 100}
# The benchmark's resource: a fixed id, so later runs reuse the loaded table.
DATASTORE_RESOURCE = "00000000-0000-4000-8000-00000000da7a"
REGENCIES = [
    "Kotawaringin Barat", "Kotawaringin Timur", "Kapuas", "Barito Selatan", "Barito Utara",
    "Sukamara", "Lamandau", "Seruyan", "Katingan", "Pulang Pisau", "Gunung Mas",
    "Barito Timur", "Murung Raya", "Kota Palangka Raya",
]  # fmt: skip
AGE_GROUPS = [f"{a}-{a + 4}" for a in range(0, 75, 5)] + ["75+"]
CSV_VERSION = 1


def parse_args():
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--rows", type=int, default=1_000_000, help="rows of the datastore CSV")
    p.add_argument("--datasets", type=int, default=100_000, help="datasets for package_search")
    p.add_argument("--database-url", default="", help="default: SQLite under --var-dir")
    p.add_argument("--var-dir", default="/tmp/bench")  # noqa: S108 (the brief's scratch dir)
    p.add_argument("--queries", type=int, default=240, help="datastore_search queries timed")
    p.add_argument(
        "--sections",
        default="ingest,datastore_search,package_search",
        help="comma-separated: ingest, datastore_search, package_search",
    )
    p.add_argument("--fresh", action="store_true", help="load the datastore again")
    p.add_argument("--json", default="", help="also write the figures to this file")
    return p.parse_args()


def configure(args):
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["PPID_VAR_DIR"] = args.var_dir
    Path(args.var_dir).mkdir(parents=True, exist_ok=True)
    if not args.database_url:
        args.database_url = f"sqlite:///{args.var_dir}/databank.sqlite3"
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("CONN_MAX_AGE", "600")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def engine_version():
    from django.db import connection

    if connection.vendor == "sqlite":
        return f"sqlite {connection.Database.sqlite_version}"
    connection.ensure_connection()
    return f"postgresql {connection.connection.info.server_version}"


# --- datastore: the generated CSV -----------------------------------------------------------


class TableWords:
    """Names and notes for the generated table, drawn from bench.registry's Corpus."""

    def __init__(self):
        self.corpus = Corpus()
        rng = random.Random(SEED)
        sides = ["Hulu", "Hilir", "Tengah", "Barat", "Timur", "Selatan", "Utara", "Raya"]
        roots = self.corpus.zipf[200:2000]
        self.districts = []  # (regency index, district name, code)
        for r in range(len(REGENCIES)):
            for d in range(rng.randint(6, 14)):
                name = f"{rng.choice(roots).title()} {rng.choice(sides)}"
                self.districts.append((r, name, f"62.{r + 1:02d}.{d + 1:02d}"))
        self.villages = [f"{w.title()} {rng.choice(['Jaya', 'Baru', 'Makmur', 'Indah'])}"
                         for w in rng.sample(roots, 1500)]  # fmt: skip


def _csv_path(args) -> Path:
    return Path(args.var_dir) / f"datastore-{args.rows}-v{CSV_VERSION}.csv"


def datastore_csv(args, words: TableWords) -> Path:
    """The ingestion source, written once per N (untimed): about 130 bytes a row."""
    path = _csv_path(args)
    if path.exists():
        return path
    print(f"generating {path.name} (once per N) ...", flush=True)
    started = time.perf_counter()
    rng = random.Random(SEED + 3)
    corpus = words.corpus
    chunk = 50_000
    with open(f"{path}.tmp", "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow([
            "No", "Kode Wilayah", "Kabupaten/Kota", "Kecamatan", "Desa/Kelurahan", "Tahun",
            "Jenis Kelamin", "Kelompok Umur", "Jumlah (jiwa)", "Persentase (%)",
            "Tanggal Pemutakhiran", "Keterangan",
        ])  # fmt: skip
        for first in range(0, args.rows, chunk):
            n = min(chunk, args.rows - first)
            districts = rng.choices(words.districts, k=n)
            villages = rng.choices(range(len(words.villages)), k=n)
            years = rng.choices(range(2015, 2025), k=n)
            sexes = rng.choices(["Laki-laki", "Perempuan"], k=n)
            ages = rng.choices(AGE_GROUPS, k=n)
            rows = []
            for i in range(n):
                r, district, code = districts[i]
                v = villages[i]
                count = rng.randrange(0, 2_000_000)
                note = corpus.words(rng, rng.randint(3, 8))
                if rng.random() < 0.05:
                    note.append(corpus.tail[rng.randrange(len(corpus.tail))])
                day = datetime.date(years[i], 1, 1) + datetime.timedelta(days=rng.randrange(365))
                rows.append((
                    first + i + 1,
                    f"{code}.{2000 + v % 1000:04d}",
                    REGENCIES[r],
                    district,
                    words.villages[v],
                    years[i],
                    sexes[i],
                    ages[i],
                    f"{count:,}".replace(",", "."),
                    f"{rng.randrange(0, 10000) / 100:.2f}".replace(".", ","),
                    day.strftime("%d/%m/%Y"),
                    " ".join(note).capitalize(),
                ))  # fmt: skip
            writer.writerows(rows)
    os.replace(f"{path}.tmp", path)
    print(f"  written in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def section_ingest(args, figures, words: TableWords) -> None:
    """tabular.read + datastore.load of the generated CSV: rows/s, timed end to end."""
    from django.db import connection

    from ppid.databank import datastore, tabular

    path = datastore_csv(args, words)
    if datastore.exists(DATASTORE_RESOURCE) and not args.fresh and "ingest" not in args.asked:
        figures["ingest"] = "reused"
        return
    connection.close()
    load_before = os.getloadavg()
    backend = BackendCpu()
    cpu = process_cpu()
    started = time.perf_counter()
    table = tabular.read(path, fmt="CSV")
    scanned = time.perf_counter()
    rows = datastore.load(DATASTORE_RESOURCE, table)
    elapsed = time.perf_counter() - started
    cpu = process_cpu() - cpu
    figures["ingest"] = {
        "rows": rows,
        "file_mb": round(path.stat().st_size / 2**20, 1),
        "seconds": round(elapsed, 2),
        "scan_s": round(scanned - started, 2),
        "load_s": round(elapsed - (scanned - started), 2),
        "rows_per_s": round(rows / elapsed),
        "python_cpu_s": round(cpu, 1),
        "backend_cpu_s": round(backend.total(), 1),
        "columns": {c.id: c.type for c in table.columns},
        "problems": table.problem_count,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "target_rows_per_s": TARGETS["ingest_rows_per_s"],
    }
    bare = bare_load_seconds(path)
    figures["ingest"]["bare_load_s"] = round(bare, 2)
    figures["ingest"]["times_bare_load"] = round(elapsed / bare, 1)
    print("ingest:", json.dumps(figures["ingest"]), flush=True)


def bare_load_seconds(path: Path) -> float:
    """The same-run baseline of the ingestion (this machine is shared and its speed
    varies from session to session): the file's rows as they are, every cell text, into
    a table without an index, without types, stems or checks. PostgreSQL: its own COPY
    parses the CSV; SQLite: the csv module and executemany. Returns seconds."""
    from django.db import connection

    with open(path, encoding="utf-8", newline="") as f:
        width = len(next(csv.reader(f, delimiter=";")))
    columns = ", ".join(f"c{k} TEXT" for k in range(width))
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE bench_bare ({columns})")
            copy_sql = "COPY bench_bare FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true)"
            with open(path, "rb") as f, cursor.cursor.copy(copy_sql) as copy:
                while block := f.read(1 << 20):
                    copy.write(block)
            elapsed = time.perf_counter() - started
            cursor.execute("DROP TABLE bench_bare")
        return elapsed
    target = path.with_name("bare.sqlite3")
    target.unlink(missing_ok=True)
    db = sqlite3.connect(target)
    try:
        with db, open(path, encoding="utf-8", newline="") as f:
            reader = csv.reader(f, delimiter=";")
            next(reader)
            db.execute(f"CREATE TABLE bench_bare ({columns})")
            marks = ", ".join("?" * width)
            db.executemany(f"INSERT INTO bench_bare VALUES ({marks})", reader)  # noqa: S608
        return time.perf_counter() - started
    finally:
        db.close()
        target.unlink(missing_ok=True)


def datastore_queries(words: TableWords, count: int) -> list[tuple[str, dict]]:
    """(kind, search parameters) over the generated table, in a fixed shuffled order."""
    rng = random.Random(SEED + 4)
    corpus = words.corpus
    z = corpus.zipf

    def word(lo, hi):
        return corpus.surface(z[rng.randrange(lo, hi)], rng.random())

    def district():
        return rng.choice(words.districts)

    kinds = [
        ("filter regency", lambda: {"filters": {"kabupaten_kota": rng.choice(REGENCIES)}}),
        ("filter district", lambda: {"filters": {"kecamatan": district()[1]}}),
        (
            "filter code",
            lambda: {"filters": {"kode_wilayah": f"{district()[2]}.{2000 + rng.randrange(1000)}"}},
        ),
        (
            "filter year+sex sorted",
            lambda: {
                "filters": {"tahun": rng.randrange(2015, 2025), "jenis_kelamin": "Perempuan"},
                "sort": "jumlah_jiwa desc",
            },
        ),
        (
            "filter deep page",
            lambda: {
                "filters": {"kabupaten_kota": rng.choice(REGENCIES)},
                "offset": rng.choice([1_000, 5_000, 20_000]),
            },
        ),
        ("q common", lambda: {"q": word(0, 30)}),
        ("q mid", lambda: {"q": word(100, 2000)}),
        ("q rare", lambda: {"q": corpus.tail[rng.randrange(len(corpus.tail))]}),
        ("q two words", lambda: {"q": f"{word(0, 100)} {word(100, 2000)}"}),
        ("q field", lambda: {"q": {"keterangan": word(30, 500)}}),
        (
            "q + filter",
            lambda: {"q": word(0, 300), "filters": {"kabupaten_kota": rng.choice(REGENCIES)}},
        ),
        ("q region name", lambda: {"q": rng.choice(REGENCIES).split()[-1]}),
    ]
    per_kind = max(1, count // len(kinds))
    out = [(kind, make()) for kind, make in kinds for _ in range(per_kind)]
    rng.shuffle(out)
    return out


def section_datastore_search(args, figures, words: TableWords) -> None:
    """datastore.search in process on the 1,000,000-row resource: p50/p95 per kind."""
    from ppid.databank import datastore

    if not datastore.exists(DATASTORE_RESOURCE):
        section_ingest(args, figures, words)
    queries = datastore_queries(words, args.queries)
    for _kind, params in queries[:24]:  # warm the page cache and the stemmer
        datastore.search(DATASTORE_RESOURCE, **params)
    times, by_kind, totals = [], {}, {}
    load_before = os.getloadavg()
    for kind, params in queries:
        started = time.perf_counter()
        result = datastore.search(DATASTORE_RESOURCE, **params)
        elapsed = time.perf_counter() - started
        times.append(elapsed)
        by_kind.setdefault(kind, []).append(elapsed)
        totals.setdefault(kind, []).append(result["total"])
    filters = [t for k, v in by_kind.items() if not k.startswith("q") for t in v]
    text = [t for k, v in by_kind.items() if k.startswith("q") for t in v]
    figures["datastore_search"] = {
        "rows": datastore.search(DATASTORE_RESOURCE, limit=0)["total"],
        "queries": len(times),
        "p50_ms": ms(pct(times, 50)),
        "p95_ms": ms(pct(times, 95)),
        "max_ms": ms(max(times)),
        "filter_p95_ms": ms(pct(filters, 95)),
        "fulltext_p95_ms": ms(pct(text, 95)),
        "by_kind_p95_ms": {k: ms(pct(v, 95)) for k, v in by_kind.items()},
        "by_kind_median_total": {k: int(statistics.median(v)) for k, v in totals.items()},
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "target_p95_ms": TARGETS["datastore_search_p95_ms"],
    }
    print("datastore_search:", json.dumps(figures["datastore_search"]), flush=True)


# --- package_search (helper C's section) ----------------------------------------------------


def section_package_search(args, figures, words: TableWords) -> None:
    """package_search p50/p95 at --datasets datasets (target p95 <= 60 ms), helper C's
    section. Builds the catalogue once (reused while the database holds it): 40 agencies,
    the seeded themes and licences, 400 tags, titles and descriptions drawn from
    bench.registry's Zipf vocabulary, 1-3 link resources each (CSV, XLSX, PDF, JSON...),
    92 % published, 5 % drafts, 3 % withdrawn, 2 % private. Then times the full
    package_search (parameters, filters, text match, counts, facets, the page's rows and
    their package dicts) in process over a mix of browse, fq, text, facet, sort and paging
    queries, and the same mix through the HTTP stack (Django test client on
    /api/3/action/package_search: middleware, view and JSON included)."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import Client

    from ppid.databank import search

    n = args.datasets
    built = _bench_catalogue(n, words)
    figures.setdefault("package_search", {})["build"] = {
        k: v for k, v in built.items() if k not in ("organizations", "tags")
    }
    anonymous = AnonymousUser()
    load_before = os.getloadavg()
    started = time.perf_counter()
    search.snapshot()
    snapshot_s = time.perf_counter() - started
    # PostgreSQL: the common words' matches are read into the snapshot's cache by a
    # background thread after each rebuild; let it finish so it does not share the CPU
    # with the timed queries.
    started = time.perf_counter()
    search.wait_for_background()
    warm_s = time.perf_counter() - started
    queries = _bench_search_queries(words, built["organizations"], built["tags"])
    # Warm-up (the URL map behind the dicts' links, the stemmer's dictionary), on a page
    # of the whole catalogue and on words the mix does not use.
    search.package_search(user=anonymous, params={"rows": 20, "sort": "name desc"})
    for word in words.corpus.tail[:10]:
        search.package_search(user=anonymous, params={"q": word, "facet.field": ["tags"]})
        search.package_search(user=anonymous, params={"fq": f"tags:{word}"})
    timings: dict[str, list[float]] = {}
    counts = []
    for kind, params in queries:
        t0 = time.perf_counter()
        result = search.package_search(user=anonymous, params=params)
        timings.setdefault(kind, []).append(time.perf_counter() - t0)
        counts.append(result["count"])
    every = [t for kind, ts in timings.items() if kind != "rows_1000" for t in ts]
    client = Client()
    http: list[float] = []
    for kind, params in queries:
        if kind == "rows_1000":
            continue
        body = json.dumps(params)
        t0 = time.perf_counter()
        response = client.post(
            "/api/3/action/package_search", data=body, content_type="application/json"
        )
        http.append(time.perf_counter() - t0)
        assert response.status_code == 200, response.content[:200]
    figures["package_search"].update({
        "datasets": n,
        "queries": len(every),
        "snapshot_build_s": round(snapshot_s, 2),
        "common_words_warm_s": round(warm_s, 2),
        "p50_ms": ms(pct(every, 50)),
        "p95_ms": ms(pct(every, 95)),
        "max_ms": ms(max(every)),
        "http_p50_ms": ms(pct(http, 50)),
        "http_p95_ms": ms(pct(http, 95)),
        "by_kind_p95_ms": {k: ms(pct(v, 95)) for k, v in sorted(timings.items())},
        "median_count": statistics.median(counts),
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "target_p95_ms": 60,
    })  # fmt: skip
    print("package_search:", json.dumps(figures["package_search"]), flush=True)


PS_FORMATS = ["CSV", "XLSX", "PDF", "JSON", "XLS", "ZIP"]
PS_FREQUENCIES = ["tahunan", "semesteran", "triwulanan", "bulanan", "tidak_tetap"]
PS_REGIONS = ["62"] + [f"62.{r:02d}" for r in range(1, 14)] + ["62.71"]


def _bench_catalogue(n: int, words: TableWords) -> dict:
    """The benchmark's datasets, made once (reused when the database already has them)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from ppid.core.search import stem_text
    from ppid.databank import search
    from ppid.databank.models import DATASET_SEARCH, Dataset, Group, Licence, Resource, Tag
    from ppid.organizations.models import Body, Office

    rng = random.Random(SEED + 4)
    corpus = words.corpus
    province, _ = Body.objects.get_or_create(
        slug="bench-provinsi", defaults={"name": "Pemerintah Provinsi Bench", "kind": "provinsi"}
    )
    utama, _ = Office.objects.get_or_create(
        slug="bench-ppid-utama", defaults={"body": province, "kind": "utama", "name": "PPID Utama"}
    )
    offices = []
    for i in range(40):
        body, _ = Body.objects.get_or_create(
            slug=f"bench-dinas-{i:02d}",
            defaults={"name": f"Dinas {corpus.zipf[300 + i].title()}", "kind": "opd",
                      "parent": province},
        )  # fmt: skip
        office, _ = Office.objects.get_or_create(
            slug=f"bench-ppid-dinas-{i:02d}",
            defaults={"body": body, "kind": "pelaksana", "parent": utama,
                      "name": f"PPID {body.name}"},
        )  # fmt: skip
        offices.append(office)
    tag_names = sorted({corpus.zipf[i] for i in range(50, 450)})
    existing = set(Tag.objects.values_list("name", flat=True))
    Tag.objects.bulk_create([Tag(name=t) for t in tag_names if t not in existing])
    tags = dict(Tag.objects.filter(name__in=tag_names).values_list("name", "pk"))
    groups = list(Group.objects.values_list("pk", flat=True))
    licences = list(Licence.objects.values_list("id", flat=True))[:6]
    have = Dataset.objects.filter(name__startswith="bench-ds-").count()
    info = {"organizations": [o.body.slug for o in offices], "tags": tag_names}
    if have >= n:
        info.update({"datasets": have, "built_s": 0.0, "reused": True})
        return info
    t0 = time.perf_counter()
    now = timezone.now()
    three_years = 3 * 365 * 86400
    DATASET_SEARCH.suspend()
    batch = 5000
    try:
        for lo in range(have, n, batch):
            datasets, tag_rows, group_rows, resources = [], [], [], []
            for i in range(lo, min(n, lo + batch)):
                office = offices[rng.randrange(len(offices))]
                title_words = corpus.words(rng, rng.randint(4, 8))
                notes = " ".join(corpus.words(rng, rng.randint(25, 60)))
                my_tags = rng.sample(tag_names, rng.randint(1, 4))
                r = rng.random()
                status = "published" if r < 0.92 else ("draft" if r < 0.97 else "withdrawn")
                created = now - datetime.timedelta(seconds=rng.randrange(three_years))
                modified = created + datetime.timedelta(seconds=rng.randrange(86400 * 90))
                title = " ".join(title_words).capitalize()
                dataset = Dataset(
                    name=f"bench-ds-{i:06d}", title=title, notes=notes,
                    organization_id=office.body_id, office=office,
                    licence_id=rng.choice(licences), private=rng.random() < 0.02,
                    status=status, withdrawn_reason="Diganti." if status == "withdrawn" else "",
                    published_at=created if status != "draft" else None,
                    kode_wilayah=rng.choice(PS_REGIONS), tahun_data=rng.randint(2010, 2025),
                    frekuensi=rng.choice(PS_FREQUENCIES), satuan="jiwa",
                    created_at=created, modified_at=min(modified, now), is_demo=True,
                    search_text=stem_text(f"{title} {title} {' '.join(my_tags)} {notes} "
                                          f"{office.body.name}"),
                )  # fmt: skip
                datasets.append(dataset)
                tag_rows += [Dataset.tags.through(dataset_id=dataset.pk, tag_id=tags[t])
                             for t in my_tags]  # fmt: skip
                group_rows += [Dataset.groups.through(dataset_id=dataset.pk, group_id=g)
                               for g in rng.sample(groups, rng.randint(1, 2))]  # fmt: skip
                for position in range(rng.randint(1, 3)):
                    fmt = rng.choice(PS_FORMATS)
                    resources.append(Resource(
                        dataset_id=dataset.pk, position=position + 1,
                        name=f"{title[:60]} ({fmt})", format=fmt,
                        url=f"https://data.example.org/{dataset.name}/{position}.{fmt.lower()}",
                        created_at=created, modified_at=modified,
                    ))  # fmt: skip
            with transaction.atomic():
                Dataset.objects.bulk_create(datasets)
                Dataset.tags.through.objects.bulk_create(tag_rows)
                Dataset.groups.through.objects.bulk_create(group_rows)
                Resource.objects.bulk_create(resources)
            print(f"  package_search catalogue: {min(n, lo + batch):,} datasets", flush=True)
    finally:
        DATASET_SEARCH.resume()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "postgresql" else "PRAGMA optimize")
    search.invalidate()
    info.update({"datasets": n, "built_s": round(time.perf_counter() - t0, 1), "reused": False})
    return info


def _bench_search_queries(words: TableWords, organizations, tags) -> list[tuple[str, dict]]:
    """About 240 package_search calls: browse, fq filters, text (common, mid, rare, two
    words, a partial word), with and without facets, sorted and paged; plus a few
    rows=1000 pages (reported apart: 1,000 package dicts are a dump, not a search)."""
    rng = random.Random(SEED + 5)
    zipf = words.corpus.zipf
    facets = ["organization", "groups", "tags", "res_format", "license_id"]
    all_facets = facets + ["kode_wilayah", "frekuensi", "tahun"]
    queries: list[tuple[str, dict]] = []
    for _ in range(20):
        queries.append(("browse", {"rows": rng.choice([10, 20])}))
        queries.append(("browse_facets", {"facet.field": all_facets, "rows": 10}))
    for _ in range(40):
        fq = rng.choice([
            f"organization:{rng.choice(organizations)}",
            f"tags:{rng.choice(tags)}",
            f"groups:{rng.choice(['kependudukan', 'kesehatan', 'pendidikan', 'ekonomi'])}",
            f"res_format:{rng.choice(PS_FORMATS)}",
            f"tahun:{rng.randint(2010, 2025)} frekuensi:{rng.choice(PS_FREQUENCIES)}",
            f"organization:{rng.choice(organizations)} tags:{rng.choice(tags)}",
            "metadata_modified:[2025-01-01T00:00:00Z TO *]",
            f"-res_format:PDF kode_wilayah:{rng.choice(PS_REGIONS)}",
        ])  # fmt: skip
        queries.append(("fq_facets", {"fq": fq, "facet.field": facets}))
    for kind, lo, hi in (("q_common", 0, 20), ("q_mid", 200, 800), ("q_rare", 3000, 6000)):
        for _ in range(20):
            params = {"q": zipf[rng.randrange(lo, hi)]}
            if rng.random() < 0.5:
                params["facet.field"] = facets
            queries.append((kind, params))
    for _ in range(20):
        params = {"q": f"{zipf[rng.randrange(20, 300)]} {zipf[rng.randrange(20, 300)]}",
                  "facet.field": facets}  # fmt: skip
        queries.append(("q_two_words", params))
    for _ in range(10):
        word = zipf[rng.randrange(100, 1000)]
        queries.append(("q_partial", {"q": word[: max(4, len(word) - 2)]}))
    for _ in range(20):
        params = {"q": zipf[rng.randrange(20, 400)], "facet.field": facets,
                  "fq": f"organization:{rng.choice(organizations)}"}  # fmt: skip
        queries.append(("q_fq_facets", params))
    for _ in range(20):
        sort = rng.choice(["name asc", "title_string desc", "metadata_created desc",
                           "metadata_modified asc"])  # fmt: skip
        queries.append(("sorted", {"sort": sort, "fq": f"tags:{rng.choice(tags)}"}))
    for _ in range(20):
        queries.append(("deep_page", {"start": rng.randrange(1000, 50_000), "rows": 20}))
    for _ in range(5):
        queries.append(("rows_1000", {"rows": 1000, "start": rng.randrange(0, 5000)}))
    rng.shuffle(queries)
    return queries


SECTIONS = {
    "ingest": section_ingest,
    "datastore_search": section_datastore_search,
    "package_search": section_package_search,
}


def host_loop_seconds() -> float:
    """The host's speed for one Python thread: the time of a loop of 10,000,000 additions
    in a function, in this interpreter (the shared machine's speed varies from session to
    session; figures from different sessions compare through it). Sessions 5-12 timed the
    same loop at module level with the system's `python3 -c`, which takes about twice as
    long: 0.66 s there against 0.32 s here on session 12's host."""
    started = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return round(time.perf_counter() - started, 2)


def report(args, figures):
    ing, ds = figures.get("ingest"), figures.get("datastore_search")
    rows = [
        ("engine", figures["engine"]),
        ("load average at start", figures["load_average"]),
        ("host speed", f"a loop of 10,000,000 additions in a function: {figures['host_loop_s']} s"),
    ]
    if isinstance(ing, dict):
        rows.append((
            "CSV ingestion",
            f"{ing['rows_per_s']:,} rows/s ({ing['rows']:,} rows, {ing['file_mb']} MB in "
            f"{ing['seconds']} s: read pass {ing['scan_s']} s, load {ing['load_s']} s; "
            f"CPU {ing['python_cpu_s']} s + backend {ing['backend_cpu_s']} s; "
            f"peak RSS {ing['peak_rss_mb']} MB)",
        ))  # fmt: skip
        rows.append((
            "  baseline: bare load",
            f"{ing['bare_load_s']} s (the rows as text, no types, no index); the ingestion "
            f"took {ing['times_bare_load']} times as long",
        ))  # fmt: skip
    elif ing:
        rows.append(("CSV ingestion", ing))
    if ds:
        rows += [
            ("datastore_search p50 / p95", f"{ds['p50_ms']} / {ds['p95_ms']} ms (max "
                                           f"{ds['max_ms']}, {ds['queries']} queries)"),
            ("  filters / full text p95", f"{ds['filter_p95_ms']} / {ds['fulltext_p95_ms']} ms"),
        ]  # fmt: skip
        rows += [(f"  {k}", f"{v} ms") for k, v in ds["by_kind_p95_ms"].items()]
    ps = figures.get("package_search")
    if ps is not None:
        rows.append(("package_search", ps if isinstance(ps, str) else json.dumps(ps)))
    width = max(len(k) for k, _ in rows)
    print("\n" + "=" * 72)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")
    print("=" * 72)


def main():
    args = parse_args()
    args.asked = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = set(args.asked) - set(SECTIONS)
    if unknown:
        raise SystemExit(f"unknown sections: {', '.join(sorted(unknown))}")
    configure(args)
    figures = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "load_average": os.getloadavg(),
        "host_loop_s": host_loop_seconds(),
        "machine": {
            "nproc": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "engine": engine_version(),
        "command": " ".join(sys.argv),
    }
    words = TableWords()
    for name in args.asked:
        SECTIONS[name](args, figures, words)
    report(args, figures)
    engine = "pg" if "postgres" in args.database_url else "sqlite"
    out = args.json or f"{args.var_dir}/results-databank-{engine}.json"
    Path(out).write_text(json.dumps(figures, indent=2, default=str))
    print("figures written to", out)


if __name__ == "__main__":
    # The id is fixed; make sure it parses the way datastore.table_name expects.
    uuid.UUID(DATASTORE_RESOURCE)
    main()
