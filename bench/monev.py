"""Monev benchmark (issue 5 §7, docs/benchmarks.md): computing final scores, bands and ranks
for 1,000 bodies x 100 questions, and the public ranking page at that size.

    .venv/bin/python bench/monev.py [--bodies 1000] [--database-url postgres://...]
        [--var-dir /tmp/bench-monev] [--compute-runs 5] [--requests 200]

1. Builds (in bulk, not through the services; reused by later runs unless --fresh): N public
   bodies in five categories, one OPEN period with the F51 bands, 10 indicators x 10
   questions with 4 answer levels each (F57), every participant's 100 answers with the
   body's level and the verifier's level (all verified), two panel members' visit scores;
   1 % of the bodies never submit (F51 "tidak dinilai").
2. Times services.results_compute in process (targets <= 1 s): "full" runs, where every
   participant's stored results are cleared first so that all N rows and events are
   written, and "unchanged" runs (nothing to write); the median of --compute-runs each, with
   its query count. Baseline in the same run: one raw SQL read of the answers the
   computation must read anyway.
3. Closes and publishes the period through the services (period_close computes once more).
4. Starts gunicorn (bench/settings.py, --workers x --threads gthread) with the public page
   cache off (PUBLIC_PAGE_CACHE_SECONDS=0: every request renders the page) and measures, one
   request at a time over keep-alive HTTP, --requests GETs of /monev/<year>/ (its pages of
   200 rows and its category filters; target p95 <= 150 ms) against the bare Django view
   /bench/bare behind the same middleware. Then the same ranking URLs with the page cache
   on, as anonymous visitors get them.

The load average is printed with the figures (the machine may be shared).
Figures go to <var-dir>/results-monev-<N>-<engine>.json.
"""

import argparse
import datetime
import json
import os
import platform
import random
import signal
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.registry import (  # noqa: E402
    BackendCpu,
    Client,
    children,
    ms,
    pct,
    process_cpu,
    start_server,
    vm_hwm_mb,
)

SEED = 20261128
TARGETS = {"compute_s": 1.0, "ranking_p95_ms": 150}
BENCH_SLUG = "bench-monev"
INDICATORS = 10
QUESTIONS = 10  # per indicator
LEVELS = [Decimal("100"), Decimal("66.67"), Decimal("33.33"), Decimal("0")]
CATEGORIES = [
    ("opd", "Perangkat Daerah Provinsi", 0.45),
    ("kabkota", "Pemerintah Kabupaten/Kota", 0.2),
    ("vertikal", "Instansi Vertikal", 0.2),
    ("bumd", "BUMD", 0.05),
    ("lainnya", "Badan Publik Lainnya", 0.1),
]
NEVER_SUBMIT = 0.01
WORDS = [
    "Kesehatan", "Pendidikan", "Perhubungan", "Pertanian", "Kehutanan", "Perikanan",
    "Pariwisata", "Perdagangan", "Perindustrian", "Lingkungan Hidup", "Sosial", "Kebudayaan",
    "Kepegawaian", "Keuangan", "Pendapatan", "Perencanaan", "Komunikasi", "Statistik",
    "Ketahanan Pangan", "Perkebunan", "Energi", "Pemuda", "Olahraga", "Perpustakaan",
]  # fmt: skip
PLACES = [
    "Kotawaringin Barat", "Kotawaringin Timur", "Kapuas", "Barito Selatan", "Barito Utara",
    "Sukamara", "Lamandau", "Seruyan", "Katingan", "Pulang Pisau", "Gunung Mas",
    "Barito Timur", "Murung Raya", "Palangka Raya",
]  # fmt: skip


def parse_args():
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--bodies", type=int, default=1000)
    p.add_argument("--database-url", default="", help="default: SQLite under --var-dir")
    p.add_argument("--var-dir", default="/tmp/bench-monev")  # noqa: S108 (scratch dir)
    p.add_argument("--compute-runs", type=int, default=5, help="timed runs of each kind")
    p.add_argument("--requests", type=int, default=200, help="ranking GETs timed over HTTP")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--skip-http", action="store_true")
    p.add_argument("--fresh", action="store_true", help="rebuild the bench period")
    p.add_argument("--profile", action="store_true", help="cProfile one full computation")
    p.add_argument("--json", default="", help="also write the figures to this file")
    return p.parse_args()


def configure(args):
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["PPID_VAR_DIR"] = args.var_dir
    Path(args.var_dir).mkdir(parents=True, exist_ok=True)
    if not args.database_url:
        args.database_url = f"sqlite:///{args.var_dir}/monev.sqlite3"
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


def load_average():
    return [round(x, 2) for x in os.getloadavg()]


def pid_cpu(pid):
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- build ------------------------------------------------------------------------------------


def _users():
    from django.contrib.auth import get_user_model

    User = get_user_model()
    admin, made = User.objects.get_or_create(
        username="bench-monev-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    panel = [User.objects.get_or_create(username=f"bench-monev-panel-{i}")[0] for i in range(2)]
    verifier = User.objects.get_or_create(username="bench-monev-verifier")[0]
    return admin, verifier, panel


def _bodies(n: int):
    """N bodies (reused): a province whose PPID Utama organises the period, and N others."""
    from ppid.organizations.models import Body, Office

    province, _ = Body.objects.get_or_create(
        slug=f"{BENCH_SLUG}-provinsi", defaults={"name": "Pemerintah Provinsi Bench",
                                                 "kind": Body.Kind.PROVINCE},
    )  # fmt: skip
    utama, _ = Office.objects.get_or_create(
        slug=f"{BENCH_SLUG}-ppid-utama",
        defaults={"body": province, "kind": Office.Kind.UTAMA, "name": "PPID Utama Bench"},
    )
    have = set(
        Body.objects.filter(slug__startswith=f"{BENCH_SLUG}-badan-").values_list("slug", flat=True)
    )
    rng = random.Random(SEED)
    kinds = {"opd": "opd", "kabkota": "kabkota", "vertikal": "vertikal", "bumd": "bumd",
             "lainnya": "lainnya"}  # fmt: skip
    rows = []
    for i in range(n):
        slug = f"{BENCH_SLUG}-badan-{i:05d}"
        if slug in have:
            continue
        key = rng.choices([c[0] for c in CATEGORIES], weights=[c[2] for c in CATEGORIES])[0]
        name = f"{rng.choice(['Dinas', 'Badan', 'Kantor', 'Biro'])} {rng.choice(WORDS)} " \
               f"{rng.choice(PLACES)} {i:04d}"  # fmt: skip
        rows.append(Body(slug=slug, name=name, kind=kinds[key], parent=province))
    Body.objects.bulk_create(rows, batch_size=1000)
    bodies = list(Body.objects.filter(slug__startswith=f"{BENCH_SLUG}-badan-").order_by("slug")[:n])
    return utama, bodies


def build(args, figures):
    """The bench period with every answer verified and the visits scored, OPEN. Reused when
    it has the same size (its state is put back to OPEN by a direct update: a bench-only
    shortcut, untimed)."""
    from django.db import transaction
    from django.utils import timezone

    from ppid.monev import scoring
    from ppid.monev.models import (
        Answer,
        AnswerLevel,
        Band,
        BodyCategory,
        Indicator,
        PanelScore,
        Participant,
        Period,
        Question,
        Stage,
    )

    started = time.perf_counter()
    admin, verifier, panel = _users()
    utama, bodies = _bodies(args.bodies)
    year = timezone.localdate().year
    period = Period.objects.filter(organizer=utama, year=year).first()
    if period is not None and not args.fresh:
        n_answers = Answer.objects.filter(participant__period=period).count()
        expected = round(len(bodies) * (1 - NEVER_SUBMIT)) * INDICATORS * QUESTIONS
        if period.participants.count() == len(bodies) and abs(n_answers - expected) <= 100 * 20:
            Period.objects.filter(pk=period.pk).update(
                status=Period.Status.OPEN, published_at=None, closed_at=None
            )
            Participant.objects.filter(period=period, status="not_rated").update(
                status=Participant.Status.REGISTERED
            )
            figures["build"] = {"reused": True, "answers": n_answers}
            return Period.objects.get(pk=period.pk), admin
    if period is not None:
        print("deleting the previous bench period ...", flush=True)
        with transaction.atomic():
            Answer.objects.filter(participant__period=period)._raw_delete(using="default")
            PanelScore.objects.filter(participant__period=period)._raw_delete(using="default")
            period.delete()

    rng = random.Random(SEED + 1)
    with transaction.atomic():
        period = Period.objects.create(
            organizer=utama, year=year, title=f"Bench monev {year}", is_demo=True,
            status=Period.Status.OPEN, description="Benchmark data (bench/monev.py).",
        )  # fmt: skip
        Band.objects.bulk_create(
            Band(period=period, key=b.key, name=b.name, min_score=b.min_score,
                 max_score=b.max_score)
            for b in scoring.DEFAULT_BANDS
        )  # fmt: skip
        categories = {
            key: BodyCategory.objects.create(period=period, key=key, name=name, order=i)
            for i, (key, name, _w) in enumerate(CATEGORIES)
        }
        stages = [(Stage.Kind.QUESTIONNAIRE, 80), (Stage.Kind.VERIFICATION, 0),
                  (Stage.Kind.OBJECTION, 0), (Stage.Kind.VISIT, 20),
                  (Stage.Kind.PRESENTATION, 0), (Stage.Kind.ANNOUNCEMENT, 0)]  # fmt: skip
        Stage.objects.bulk_create(
            Stage(period=period, kind=kind, weight=Decimal(w),
                  opens_on=datetime.date(year, 7 + i // 2, 1 + 14 * (i % 2)),
                  closes_on=datetime.date(year, 7 + i // 2, 13 + 14 * (i % 2)))
            for i, (kind, w) in enumerate(stages)
        )  # fmt: skip
        indicators = Indicator.objects.bulk_create(
            Indicator(period=period, code=f"I{i + 1}", name=f"Indikator {i + 1}",
                      weight=Decimal(100 // INDICATORS), order=i)
            for i in range(INDICATORS)
        )  # fmt: skip
        if period.pk and not indicators[0].pk:  # backends without RETURNING
            indicators = list(period.indicators.order_by("order"))
        questions = Question.objects.bulk_create(
            Question(indicator=ind, code=f"{i + 1}.{j + 1}", text=f"Pertanyaan {i + 1}.{j + 1}",
                     weight=Decimal(1 + (j % 3)), evidence=Question.Evidence.LINK, order=j)
            for i, ind in enumerate(indicators)
            for j in range(QUESTIONS)
        )  # fmt: skip
        if not questions[0].pk:
            questions = list(Question.objects.filter(indicator__period=period).order_by("id"))
        AnswerLevel.objects.bulk_create(
            AnswerLevel(question=q, label=f"Tingkat {k + 1}", score=score, order=k)
            for q in questions
            for k, score in enumerate(LEVELS)
        )  # fmt: skip
        levels: dict[int, list[int]] = {}
        for pk, qid in (
            AnswerLevel.objects.filter(question__indicator__period=period)
            .order_by("question_id", "order")
            .values_list("pk", "question_id")
        ):
            levels.setdefault(qid, []).append(pk)
        weights = [c[2] for c in CATEGORIES]
        keys = [c[0] for c in CATEGORIES]
        base = timezone.now() - datetime.timedelta(days=60)
        participants = []
        for body in bodies:
            submitted = rng.random() >= NEVER_SUBMIT
            participants.append(Participant(
                period=period, body=body,
                category=categories[rng.choices(keys, weights=weights)[0]],
                status=Participant.Status.SUBMITTED if submitted else Participant.Status.REGISTERED,
                submitted_at=base + datetime.timedelta(minutes=rng.randrange(60 * 24 * 40))
                if submitted else None,
            ))  # fmt: skip
        Participant.objects.bulk_create(participants, batch_size=1000)
        participants = list(period.participants.order_by("id"))
        answers, scores = [], []
        now = timezone.now()
        for participant in participants:
            if participant.status != Participant.Status.SUBMITTED:
                continue
            quality = 1 - 0.7 * rng.random() ** 2
            for q in questions:
                index = min(3, max(0, round((1 - quality) * 3 + rng.gauss(0, 0.6))))
                verified = min(3, index + (rng.random() < 0.15))
                answers.append(Answer(
                    participant=participant, question=q, level_id=levels[q.pk][index],
                    verified_level_id=levels[q.pk][verified], verified_by=verifier,
                    verified_at=now, evidence_link="https://example.org/bukti",
                ))  # fmt: skip
            for member in panel:
                score = Decimal(round(min(100, 50 + 50 * quality + rng.gauss(0, 5)), 1))
                scores.append(
                    PanelScore(
                        participant=participant,
                        stage=Stage.Kind.VISIT,
                        evaluator=member,
                        score=max(score, Decimal(0)),
                    )
                )
            if len(answers) >= 20_000:
                Answer.objects.bulk_create(answers, batch_size=5000)
                answers = []
        Answer.objects.bulk_create(answers, batch_size=5000)
        PanelScore.objects.bulk_create(scores, batch_size=5000)
    _analyze()
    figures["build"] = {
        "reused": False,
        "seconds": round(time.perf_counter() - started, 1),
        "answers": Answer.objects.filter(participant__period=period).count(),
    }
    print("build:", figures["build"], flush=True)
    return period, admin


def _analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA optimize")


# --- results_compute --------------------------------------------------------------------------


def _clear_results(period):
    """Forget the stored results (untimed) so that the next computation writes every row."""
    from ppid.monev.models import Participant

    Participant.objects.filter(period=period).update(
        self_score=None, questionnaire_score=None, visit_score=None, presentation_score=None,
        qualified_for_presentation=False, final_score=None, band=None, rank=None,
        indicator_scores={}, status="submitted",
    )  # fmt: skip
    Participant.objects.filter(period=period, submitted_at__isnull=True).update(status="registered")


def phase_compute(args, period, admin, figures):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ppid.monev import services
    from ppid.monev.models import Answer

    load_before = load_average()
    # Baseline: one raw read of the answers the computation needs anyway.
    table = Answer._meta.db_table
    sql = (
        f"SELECT a.participant_id, a.question_id, a.level_id, a.verified_level_id "  # noqa: S608
        f"FROM {table} a JOIN monev_participant p ON p.id = a.participant_id "
        f"WHERE p.period_id = %s"
    )
    raw = []
    for _ in range(args.compute_runs):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, [period.pk])
            rows = cursor.fetchall()
        raw.append(time.perf_counter() - started)
    full, unchanged, queries, cpu = [], [], [], []
    result = {}
    backend = BackendCpu()  # PostgreSQL's share of the work (0 on SQLite: it is in process)
    for _ in range(args.compute_runs):
        _clear_results(period)
        c0 = process_cpu()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            result = services.results_compute(period=period, user=admin)
        full.append(time.perf_counter() - started)
        cpu.append(process_cpu() - c0)
        queries.append(len(captured))
        assert result["changed"] == result["rated"], result  # the unsubmitted stay empty
    full_backend = backend.total() / args.compute_runs
    backend = BackendCpu()
    unchanged_queries, unchanged_cpu = 0, []
    for _ in range(args.compute_runs):
        c0 = process_cpu()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            again = services.results_compute(period=period, user=admin)
        unchanged.append(time.perf_counter() - started)
        unchanged_cpu.append(process_cpu() - c0)
        unchanged_queries = len(captured)
        assert again["changed"] == 0, again
    unchanged_backend = backend.total() / args.compute_runs
    if args.profile:
        import cProfile
        import pstats

        _clear_results(period)
        profiler = cProfile.Profile()
        profiler.runcall(services.results_compute, period=period, user=admin)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    figures["compute"] = {
        "participants": result["participants"],
        "rated": result["rated"],
        "answers_read": len(rows),
        "full_median_s": round(statistics.median(full), 3),
        "full_min_s": round(min(full), 3),
        "full_runs_s": [round(t, 3) for t in full],
        "full_python_cpu_median_s": round(statistics.median(cpu), 3),
        "full_queries": statistics.median(queries),
        "full_db_backend_cpu_mean_s": round(full_backend, 3),
        "unchanged_median_s": round(statistics.median(unchanged), 3),
        "unchanged_queries": unchanged_queries,
        "unchanged_python_cpu_median_s": round(statistics.median(unchanged_cpu), 3),
        "unchanged_db_backend_cpu_mean_s": round(unchanged_backend, 3),
        "baseline_raw_answer_read_median_s": round(statistics.median(raw), 3),
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "target_s": TARGETS["compute_s"],
    }
    print("results_compute:", json.dumps(figures["compute"]), flush=True)


def publish(period, admin, figures):
    from ppid.monev import services
    from ppid.monev.models import Period

    started = time.perf_counter()
    services.period_close(user=admin, period=period)
    services.period_publish(user=admin, period=Period.objects.get(pk=period.pk))
    figures["close_and_publish_s"] = round(time.perf_counter() - started, 2)


# --- the public ranking page over HTTP --------------------------------------------------------


def ranking_paths(period) -> list[str]:
    """The page's URLs: its pages of 200 rows, each category, a category's second page."""
    from ppid.monev.models import Participant

    base = f"/monev/{period.year}/"
    rated = Participant.objects.filter(period=period, final_score__isnull=False).count()
    pages = max(1, -(-rated // 200))
    paths = [base] + [f"{base}?page={p}" for p in range(2, pages + 1)]
    for key, _name, _w in CATEGORIES:
        paths.append(f"{base}?kategori={key}")
    paths.append(f"{base}?kategori=opd&page=2")
    return paths


def _timed(client, paths, count):
    timings, statuses, sizes = [], {}, []
    for i in range(count):
        status, seconds, body = client.get(paths[i % len(paths)])
        statuses[status] = statuses.get(status, 0) + 1
        timings.append(seconds)
        sizes.append(len(body))
    return timings, statuses, sizes


def _serve(args, cache_seconds: int):
    os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = str(cache_seconds)
    return start_server(args)


def phase_http(args, period, figures):
    from django.db import connection

    connection.close()
    paths = ranking_paths(period)
    result = {"paths": len(paths), "requests": args.requests, "server": {
        "workers": args.workers, "threads": args.threads, "kind": "gthread"}}  # fmt: skip
    for label, seconds in (("uncached", 0), ("cached", 60)):
        proc, port = _serve(args, seconds)
        try:
            client = Client(port)
            for path in paths:  # warm-up: templates, URL map, first connections
                client.get(path)
            _timed(client, ["/bench/bare"], 20)
            load_before = load_average()
            bare, bare_status, _ = _timed(client, ["/bench/bare"], args.requests)
            workers = children(proc.pid)
            backend = BackendCpu()
            worker_cpu = sum(pid_cpu(w) for w in workers)
            ranking, status, sizes = _timed(client, paths, args.requests)
            worker_cpu = sum(pid_cpu(w) for w in workers) - worker_cpu
            backend_cpu = backend.total()
            first_page, _, _ = _timed(client, [paths[0]], max(20, args.requests // 4))
            result[label] = {
                "ranking_p50_ms": ms(pct(ranking, 50)),
                "ranking_p95_ms": ms(pct(ranking, 95)),
                "ranking_max_ms": ms(max(ranking)),
                "first_page_p50_ms": ms(pct(first_page, 50)),
                "first_page_p95_ms": ms(pct(first_page, 95)),
                "bare_p50_ms": ms(pct(bare, 50)),
                "bare_p95_ms": ms(pct(bare, 95)),
                # CPU per ranking request, whatever the neighbours take: the server's workers
                # and (PostgreSQL) this database's backends.
                "worker_cpu_ms_per_request": ms(worker_cpu / args.requests),
                "db_backend_cpu_ms_per_request": ms(backend_cpu / args.requests),
                "statuses": status,
                "bare_statuses": bare_status,
                "median_kb": round(statistics.median(sizes) / 1024, 1),
                "load_average_before": load_before,
                "load_average_after": load_average(),
                "worker_peak_rss_mb": [round(vm_hwm_mb(w)) for w in children(proc.pid)],
            }
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        print(f"ranking page ({label}):", json.dumps(result[label]), flush=True)
    result["target_p95_ms"] = TARGETS["ranking_p95_ms"]
    figures["ranking_http"] = result


def report(figures):
    rows = [("engine", figures["engine"]), ("load average at start", figures["load_average"])]
    build = figures.get("build", {})
    how = "reused" if build.get("reused") else f"built in {build.get('seconds')} s"
    rows.append(("data", f"{figures['bodies']:,} bodies x {INDICATORS * QUESTIONS} questions, "
                         f"{build.get('answers', 0):,} answers ({how})"))  # fmt: skip
    c = figures.get("compute")
    if c:
        rows += [
            ("results_compute, all rows written", f"median {c['full_median_s']} s "
             f"(runs {c['full_runs_s']}; {c['full_queries']} queries; "
             f"CPU {c['full_python_cpu_median_s']} s + database "
             f"{c['full_db_backend_cpu_mean_s']} s) target <= {c['target_s']} s"),
            ("results_compute, nothing changed", f"median {c['unchanged_median_s']} s "
             f"({c['unchanged_queries']} queries; CPU {c['unchanged_python_cpu_median_s']} s + "
             f"database {c['unchanged_db_backend_cpu_mean_s']} s)"),
            ("  baseline: raw SQL read of the answers",
             f"median {c['baseline_raw_answer_read_median_s']} s ({c['answers_read']:,} rows)"),
        ]  # fmt: skip
    if "close_and_publish_s" in figures:
        rows.append(("period_close + period_publish", f"{figures['close_and_publish_s']} s"))
    h = figures.get("ranking_http")
    if h:
        for label in ("uncached", "cached"):
            r = h.get(label)
            if r:
                rows += [
                    (f"ranking page, cache {'off' if label == 'uncached' else 'on'}",
                     f"p50 {r['ranking_p50_ms']} / p95 {r['ranking_p95_ms']} ms "
                     f"(first page p95 {r['first_page_p95_ms']} ms; {r['median_kb']} KB; "
                     f"{h['requests']} requests over {h['paths']} URLs; {r['statuses']}; CPU per "
                     f"request {r['worker_cpu_ms_per_request']} ms + database "
                     f"{r['db_backend_cpu_ms_per_request']} ms)"),
                    ("  baseline: bare Django view",
                     f"p50 {r['bare_p50_ms']} / p95 {r['bare_p95_ms']} ms"),
                ]  # fmt: skip
        rows.append(("  ranking target", f"p95 <= {h['target_p95_ms']} ms"))
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
        "load_average": load_average(),
        "machine": {
            "nproc": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "engine": engine_version(),
        "command": " ".join(sys.argv),
        "bodies": args.bodies,
        "targets": TARGETS,
    }
    period, admin = build(args, figures)
    phase_compute(args, period, admin, figures)
    publish(period, admin, figures)
    if not args.skip_http:
        phase_http(args, period, figures)
    report(figures)
    engine = "pg" if "postgres" in args.database_url else "sqlite"
    out = args.json or f"{args.var_dir}/results-monev-{args.bodies}-{engine}.json"
    Path(out).write_text(json.dumps(figures, indent=2, default=str))
    print("figures written to", out)


if __name__ == "__main__":
    main()
