"""Requests benchmark (issue 3 §8, docs/benchmarks.md): submissions over HTTP, the officers'
inbox and the annual report at 100,000 information requests.

    .venv/bin/python bench/requests.py --requests 100000 [--database-url postgres://...]

1. Builds N requests in bulk (not through the API): a province with its PPID Utama and 40
   PPID Pelaksana under it, 12 regencies with their own Utama and Pelaksana; receipts spread
   from 1 January of last year to yesterday, with registration numbers and counters,
   deadlines computed by ppid.core.calendar, sent notices with every outcome (F18),
   extensions, late cases, forwards, objections and Information Commission disputes.
2. Times the PPID Utama's consolidated annual report of last year in process (statistics,
   PDF and XLSX, ppid.foi.report_exports) and the province-wide statistics.
3. Starts gunicorn with bench/settings.py and measures, over HTTP: the inbox
   /admin/foi/inbox/ of a PPID Utama officer (first page and 5 filter variants), the bare
   view /bench/bare under 32 clients (the load generator's ceiling), then POST
   /api/v1/requests from 32 clients for --duration seconds, saturated (each client sends
   its next request as soon as the last is answered) and paced at --rate submissions/s
   (latency counted from the scheduled send time), and checks that the registration numbers
   of the receiving office are unique and gap-free: seq 1..N with N = the 201 answers.

Everything lives under --var-dir; re-running with the same N and database reuses the built
requests unless --fresh. Figures go to <var-dir>/results-requests-<N>-<engine>.json.
"""

import argparse
import bisect
import cProfile
import datetime
import hashlib
import http.client
import io
import json
import math
import os
import platform
import pstats
import random
import signal
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this file's folder would come first on sys.path and this module would
# shadow the `requests` package for every library that imports it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.registry import children, ms, pct, start_server, vm_hwm_mb  # noqa: E402

SEED = 20261128
DINAS = 40  # PPID Pelaksana under the province's PPID Utama
REGENCIES = 12
REGENCY_PELAKSANA = 3
BATCH = 2_000
TARGETS = {
    "submit_rps": 100,
    "submit_p99_ms": 250,
    "inbox_p95_ms": 150,
    "report_s": 3.0,
}


def parse_args():
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--requests", type=int, default=100_000)
    p.add_argument("--duration", type=int, default=20, help="seconds of each submission run")
    p.add_argument("--clients", type=int, default=32)
    p.add_argument(
        "--rate",
        type=float,
        nargs="*",
        default=[100.0],
        help="submissions/s of each paced run (none: skip them)",
    )
    p.add_argument("--database-url", default="", help="default: SQLite under --var-dir")
    p.add_argument("--var-dir", default="/tmp/bench-requests")  # noqa: S108 (scratch dir)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=4, help="gthread threads per worker")
    p.add_argument("--inbox-requests", type=int, default=200)
    p.add_argument("--report-runs", type=int, default=3)
    p.add_argument("--fresh", action="store_true", help="drop and rebuild the requests")
    p.add_argument("--skip-http", action="store_true", help="= --phases report")
    p.add_argument(
        "--phases",
        default="report,inbox,submit",
        help="comma-separated subset of report, inbox, submit (after the build)",
    )
    p.add_argument("--profile", action="store_true", help="profile even when targets are met")
    p.add_argument("--json", default="", help="also write the figures to this file")
    return p.parse_args()


def configure(args):
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["PPID_VAR_DIR"] = args.var_dir
    Path(args.var_dir).mkdir(parents=True, exist_ok=True)
    if not args.database_url:
        args.database_url = f"sqlite:///{args.var_dir}/requests-{args.requests}.sqlite3"
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("CONN_MAX_AGE", "600")
    # The notifications stay in the outbox table (the embedded default): no mail server.
    os.environ["OUTBOX_DELIVERY"] = "store"
    if args.fresh and args.database_url.startswith("sqlite:///"):
        drop_sqlite(args)
    import django

    django.setup()


def drop_sqlite(args):
    path = args.database_url.removeprefix("sqlite://")
    for suffix in ("", "-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)


# --- CPU and load accounting ----------------------------------------------------------------


def load_average():
    return [round(x, 2) for x in os.getloadavg()]


def pid_cpu(pid):
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy():
    """CPU-seconds spent by every process on the machine so far (all cores)."""
    values = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def db_backend_pids():
    """PostgreSQL backends connected to this benchmark's database (none for SQLite)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as c:
        c.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        return [row[0] for row in c.fetchall()]


class CpuMeter:
    """CPU seconds of the gunicorn workers, this process (the load generator), the database
    backends of this database, and the whole machine, between start() and stop()."""

    def __init__(self, server_pid):
        self.server_pid = server_pid

    def _sample(self):
        workers = children(self.server_pid)
        backends = db_backend_pids()
        return {
            "workers": {p: pid_cpu(p) for p in workers},
            "db": {p: pid_cpu(p) for p in backends},
            "generator": time.process_time(),
            "machine": machine_busy(),
            "wall": time.perf_counter(),
        }

    def start(self):
        self.before = self._sample()

    def stop(self):
        after, before = self._sample(), self.before

        def delta(kind):
            return sum(v - before[kind].get(p, 0.0) for p, v in after[kind].items())

        wall = after["wall"] - before["wall"]
        ours = delta("workers") + delta("db") + after["generator"] - before["generator"]
        machine = after["machine"] - before["machine"]
        return {
            "workers_cpu_s": round(delta("workers"), 1),
            "db_cpu_s": round(delta("db"), 1),
            "generator_cpu_s": round(after["generator"] - before["generator"], 1),
            "machine_busy_cpu_s": round(machine, 1),
            # What the neighbours used meanwhile (the load average also counts our own).
            "others_cpu_s": round(max(0.0, machine - ours), 1),
            "wall_s": round(wall, 1),
            "cores": os.cpu_count(),
        }


# --- the data --------------------------------------------------------------------------------

FIRST_NAMES = [
    "Budi", "Siti", "Agus", "Dewi", "Rahmat", "Nur", "Yohanes", "Maria", "Andi", "Rina",
    "Hendra", "Lestari", "Fajar", "Wulan", "Dedi", "Ratna", "Imam", "Yuliana", "Bayu", "Sri",
]  # fmt: skip
LAST_NAMES = [
    "Santoso", "Rahayu", "Saputra", "Lestari", "Hidayat", "Pratama", "Kurniawan", "Wijaya",
    "Simanjuntak", "Nugroho", "Setiawan", "Ningsih", "Harahap", "Siregar", "Tambunan",
]  # fmt: skip
STREETS = [
    "Jl. Tjilik Riwut",
    "Jl. G. Obos",
    "Jl. RTA Milono",
    "Jl. Yos Sudarso",
    "Jl. Imam Bonjol",
]
OCCUPATIONS = ["Wiraswasta", "Mahasiswa", "Peneliti", "Wartawan", "PNS", "Petani", "Karyawan"]
DOCUMENTS = [
    "Rencana Kerja dan Anggaran", "Laporan Realisasi Anggaran", "Daftar Penerima Bantuan",
    "Dokumen AMDAL", "Kontrak Pengadaan Jalan", "Data Izin Usaha Perkebunan",
    "Laporan Kinerja Instansi", "Rekapitulasi Hasil Pengawasan", "Data Sebaran Titik Api",
]  # fmt: skip
PURPOSES = [
    "Bahan penelitian skripsi", "Bahan pemberitaan", "Pengawasan penggunaan anggaran",
    "Kepentingan usaha", "Advokasi masyarakat desa", "Kajian kebijakan publik",
]  # fmt: skip
CHANNELS = [
    ("website", 0.50), ("aplikasi", 0.05), ("langsung", 0.20), ("email", 0.10),
    ("surat", 0.08), ("telepon", 0.05), ("faksimili", 0.02),
]  # fmt: skip


def nik(rng):
    """A structurally valid, invented NIK (F22 b): Kalteng codes, a birth date, a sequence."""
    born = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(16_000))
    day = born.day + (40 if rng.random() < 0.5 else 0)
    return (
        f"62{rng.randint(1, 14):02d}{rng.randint(1, 20):02d}"
        f"{day:02d}{born.month:02d}{born.year % 100:02d}{rng.randint(1, 9999):04d}"
    )


class WorkingDays:
    """The working days of the default counting policy over the data's span, read once."""

    def __init__(self, policy, start, end):
        from ppid.core.calendar import Calendar

        calendar = Calendar(policy, start, end)
        self.days = []
        day = start
        while day <= end:
            if calendar.reason_off(day) is None:
                self.days.append(day)
            day += datetime.timedelta(days=1)

    def add(self, day, n):
        """The n-th working day after `day` (C1)."""
        return self.days[bisect.bisect_right(self.days, day) + n - 1]


class Builder:
    """Deterministic request rows: the same N on the same day gives the same data."""

    def __init__(self, n, structure):
        from django.utils import timezone

        from ppid.core.calendar import policy_for

        self.n = n
        self.s = structure
        self.tz = timezone.get_default_timezone()
        self.today = timezone.localdate()
        self.start = datetime.datetime(self.today.year - 1, 1, 1, tzinfo=self.tz)
        self.end = datetime.datetime.combine(self.today, datetime.time(), tzinfo=self.tz)
        self.policy = policy_for(structure.utama.body)
        self.policy_dict = self.policy.as_dict()
        self.wd = WorkingDays(
            self.policy,
            self.start.date() - datetime.timedelta(days=10),
            self.today + datetime.timedelta(days=400),
        )
        self.due_cache = {}
        self.request_seq = {}
        self.objection_seq = {}

    def due(self, received_at):
        from ppid.core.calendar import due_date
        from ppid.foi.rules import LIMITS

        local = received_at.astimezone(self.tz)
        closes = self.policy.service_closes
        key = (local.date(), closes is not None and local.time() >= closes)
        if key not in self.due_cache:
            self.due_cache[key] = due_date(local, LIMITS.response_wd, policy=self.policy)
        return self.due_cache[key]

    def at(self, day, rng, lo=8, hi=15):
        return datetime.datetime.combine(
            day, datetime.time(rng.randint(lo, hi), rng.randrange(60)), tzinfo=self.tz
        )

    def batch(self, first, last):
        """(requests, notices, dispositions, objections) of rows first..last-1; the
        related rows hold their request as `_request` until it has a primary key."""
        from ppid.foi.models import (
            CopyFormat,
            DeliveryMethod,
            Disposition,
            InformationRequest,
            Notice,
            ObtainMethod,
            Outcome,
        )
        from ppid.foi.services import _number_prefix

        Status = InformationRequest.Status
        requests, notices, dispositions, objections = [], [], [], []
        span = (self.end - self.start).total_seconds()
        channels, channel_weights = zip(*CHANNELS, strict=True)
        for i in range(first, last):
            rng = random.Random(SEED * 7919 + i)
            received = self.start + datetime.timedelta(seconds=span * (i + rng.random()) / self.n)
            year = received.astimezone(self.tz).year
            number_office, office, forwarded = self.s.pick(rng)
            key = (number_office.pk, year)
            self.request_seq[key] = seq = self.request_seq.get(key, 0) + 1
            d2 = self.due(received)
            methods = (
                [ObtainMethod.COPY]
                if rng.random() < 0.7
                else rng.sample([ObtainMethod.SEE, ObtainMethod.READ, ObtainMethod.NOTE], 2)
            )
            copy_format = delivery = ""
            if ObtainMethod.COPY in methods:
                copy_format = CopyFormat.SOFTCOPY if rng.random() < 0.75 else CopyFormat.HARDCOPY
                delivery = (
                    DeliveryMethod.EMAIL
                    if copy_format == CopyFormat.SOFTCOPY
                    else rng.choice([DeliveryMethod.COLLECT, DeliveryMethod.POST])
                )
            kind_r = rng.random()
            kind = "perorangan" if kind_r < 0.9 else "badan_hukum" if kind_r < 0.97 else "kelompok"
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            document = rng.choice(DOCUMENTS)
            request = InformationRequest(
                registration_number=f"{_number_prefix(number_office)}/PERMOHONAN/{year}/{seq:05d}",
                number_office=number_office,
                number_year=year,
                number_seq=seq,
                body=office.body,
                office=office,
                channel=rng.choices(channels, channel_weights)[0],
                received_at=received,
                counting_from=d2.counting_from,
                due_date=d2.due_date,
                due_date_original=d2.due_date,
                policy=self.policy_dict,
                calendar_version=d2.calendar_version,
                requester_kind=kind,
                requester_name=name if kind != "badan_hukum" else f"CV {name.split()[1]} Jaya",
                nik=nik(rng) if kind != "badan_hukum" else "",
                legal_entity_number=f"AHU-{rng.randint(10000, 99999)}.AH.01.{year}"
                if kind == "badan_hukum"
                else "",
                address=f"{rng.choice(STREETS)} No. {rng.randint(1, 200)}, Palangka Raya",
                occupation=rng.choice(OCCUPATIONS),
                phone=f"08{rng.randint(11, 99)}{rng.randint(10000000, 99999999)}",
                email=f"warga{i}@example.org" if rng.random() < 0.8 else "",
                information=f"Salinan {document} {office.body.name} tahun {year - 1}",
                purpose=rng.choice(PURPOSES),
                obtain_methods=list(methods),
                copy_format=copy_format,
                delivery_method=delivery,
                tracking_hash=hashlib.sha256(f"bench-request-{i}".encode()).hexdigest(),
            )
            requests.append(request)
            self._lifecycle(rng, request, notices, objections, Status, Outcome, Notice)
            if forwarded:
                dispositions.append(
                    Disposition(
                        from_office=number_office,
                        to_office=office,
                        internal_due_date=self.wd.add(request.counting_from, 7),
                        note="Mohon disiapkan jawaban.",
                        status=Disposition.Status.OPEN
                        if request.status in (Status.REGISTERED, Status.IN_PROGRESS)
                        else Disposition.Status.ANSWERED,
                        created_by=self.s.officer,
                    )
                )
                dispositions[-1]._request = request
        return requests, notices, dispositions, objections

    def _lifecycle(self, rng, request, notices, objections, Status, Outcome, Notice):
        """Status, outcome, deadlines and the sent notice of one request (§14.1)."""
        r = rng.random()
        took = (
            rng.randint(1, 10)
            if r < 0.80
            else rng.randint(11, 17)
            if r < 0.95
            else rng.randint(18, 25)
        )
        d2 = request.due_date_original
        d3 = self.wd.add(d2, 7) if took > 10 else None
        notice_day = self.wd.add(request.counting_from, took)
        withdrawn = rng.random() < 0.03
        never = rng.random() < 0.02
        if withdrawn and request.counting_from < self.today:
            request.status = Status.WITHDRAWN
            request.closed_at = self.at(request.counting_from, rng)
            return
        if never or notice_day >= self.today:
            # Still waiting for a notice: extended only if the extension came before D2.
            if d3 and self.today > d2:
                request.status, request.due_date_extended, request.due_date = (
                    Status.EXTENDED,
                    d3,
                    d3,
                )
            else:
                request.status = Status.IN_PROGRESS if rng.random() < 0.6 else Status.REGISTERED
            if request.due_date < self.today:
                request.late_since = request.due_date + datetime.timedelta(days=1)
                self._objection(rng, request, ["c"], request.late_since, 0.15, objections)
            return
        if d3:
            request.due_date_extended = request.due_date = d3
        if notice_day > request.due_date:
            request.late_since = request.due_date + datetime.timedelta(days=1)
        request.notified_at = self.at(notice_day, rng)
        o = rng.random()
        outcome = (
            Outcome.GRANTED_FULL
            if o < 0.58
            else Outcome.GRANTED_PART
            if o < 0.73
            else Outcome.REJECTED
            if o < 0.85
            else Outcome.NOT_HELD
        )
        request.outcome = outcome
        cost = (
            rng.choice([5_000, 12_500, 40_000])
            if request.copy_format == "hardcopy" and outcome in ("diterima_seluruhnya",
                                                                 "diterima_sebagian")
            else 0
        )  # fmt: skip
        age = (self.today - notice_day).days
        if age < 7:
            request.status = Status.AWAITING_PAYMENT if cost else Status.NOTIFIED
        elif outcome in (Outcome.REJECTED, Outcome.NOT_HELD) or rng.random() < 0.5:
            request.status = Status.CLOSED
            request.closed_at = self.at(
                min(self.wd.add(notice_day, rng.randint(1, 5)), self.today), rng
            )
        else:
            request.status = Status.DELIVERED
        notice = Notice(
            state=Notice.State.SENT,
            letter_number=f"{rng.randint(1, 999):03d}/PMB/PPID/{notice_day.year}",
            control=Notice.Control.HELD,
            decision=outcome,
            delivery_method=request.delivery_method,
            copy_format=request.copy_format,
            cost=cost,
            payment_method="Transfer ke rekening kas daerah" if cost else "",
            drafted_by=self.s.officer,
            drafted_by_office=request.office,
            sent_by=self.s.officer,
            sent_at=request.notified_at,
        )
        ground = None
        if outcome == Outcome.REJECTED:
            notice.rejection_ground = rng.choice("aaabhhhiij")
            notice.rejection_reasons = "Informasi dikecualikan berdasarkan uji konsekuensi."
            ground = "a"
        elif outcome == Outcome.GRANTED_PART:
            notice.material = "Dokumen dengan bagian yang dihitamkan."
            notice.redactions = "Data pribadi pihak ketiga (Pasal 17 huruf h)."
            ground = "d"
        elif outcome == Outcome.NOT_HELD:
            if rng.random() < 0.3:
                notice.control = Notice.Control.HELD_ELSEWHERE
                notice.other_body_name = "Kementerian terkait"
            else:
                notice.control = Notice.Control.NOT_HELD
            ground = "e"
        else:
            notice.material = "Salinan dokumen lengkap."
        notice._request = request
        notices.append(notice)
        if request.late_since:
            self._objection(rng, request, ["g"], notice_day, 0.1, objections)
        elif ground:
            chance = {"a": 0.12, "d": 0.04, "e": 0.02}[ground]
            self._objection(rng, request, [ground], notice_day, chance, objections)

    def _objection(self, rng, request, grounds, found_on, chance, objections):
        """An objection to the Atasan PPID (F28–F31), some going on to the KI (F32)."""
        from ppid.foi.models import Objection
        from ppid.foi.services import _number_prefix

        if rng.random() >= chance:
            return
        received_day = self.wd.add(found_on, rng.randint(1, 20))
        if received_day >= self.today:
            return
        utama = self.s.utama_of(request.office)
        key = (utama.pk, received_day.year)
        self.objection_seq[key] = seq = self.objection_seq.get(key, 0) + 1
        due = self.wd.add(received_day, 30)
        objection = Objection(
            registration_number=(
                f"{_number_prefix(utama)}/KEBERATAN/{received_day.year}/{seq:05d}"
            ),
            number_office=utama,
            number_year=received_day.year,
            number_seq=seq,
            channel="website",
            received_at=self.at(received_day, rng),
            grounds=grounds,
            case_description="Pemohon keberatan atas jawaban PPID.",
            ground_found_on=found_on,
            filing_due_date=self.wd.add(found_on, 30),
            due_date=due,
            policy=self.policy_dict,
            status=Objection.Status.FILED,
        )
        if due < self.today:
            d = rng.random()
            if d < 0.4:
                objection.status = Objection.Status.GRANTED
            elif d < 0.9:
                objection.status = Objection.Status.UPHELD
            else:
                objection.status = Objection.Status.SETTLED
            objection.decision_reasons = "Atasan PPID telah memeriksa keberatan."
            objection.decided_at = self.at(self.wd.add(received_day, rng.randint(5, 30)), rng)
            objection.requester_reply = rng.choice(["puas", "tidak_puas"])
        objection._request = request
        # A dispute at the Information Commission for a quarter of the upheld ones.
        objection._dispute = None
        if objection.status == Objection.Status.UPHELD and rng.random() < 0.25:
            filed = self.wd.add(objection.decided_at.date(), rng.randint(1, 14))
            if filed < self.today:
                objection._dispute = filed
        objections.append(objection)


class Structure:
    """The bodies, offices and officers of the benchmark."""

    def __init__(self):
        from django.contrib.auth import get_user_model

        from ppid.organizations.models import Appointment, Body, Office, Role

        def body(slug, name, kind, parent=None):
            return Body.objects.get_or_create(
                slug=slug, defaults={"name": name, "kind": kind, "parent": parent}
            )[0]

        def office(slug, name, body_, kind, parent=None):
            return Office.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "body": body_,
                    "kind": kind,
                    "parent": parent,
                    "email": f"{slug}@example.org",
                },
            )[0]

        self.province = body("bench-provinsi", "Pemerintah Provinsi Bench", Body.Kind.PROVINCE)
        self.utama = office(
            "bench-utama", "PPID Utama Provinsi Bench", self.province, Office.Kind.UTAMA
        )
        self.dinas = [
            office(
                f"bench-ppid-dinas-{d}",
                f"PPID Dinas Bench {d}",
                body(f"bench-dinas-{d}", f"Dinas Bench {d}", Body.Kind.AGENCY, self.province),
                Office.Kind.PELAKSANA,
                self.utama,
            )
            for d in range(DINAS)
        ]
        self.regencies = []
        for r in range(REGENCIES):
            regency = body(f"bench-kab-{r}", f"Kabupaten Bench {r}", Body.Kind.REGENCY)
            head = office(
                f"bench-ppid-kab-{r}", f"PPID Kabupaten Bench {r}", regency, Office.Kind.UTAMA
            )
            self.regencies.append(
                (
                    head,
                    [
                        office(
                            f"bench-ppid-kab-{r}-{p}",
                            f"PPID Pelaksana Kabupaten Bench {r}.{p}",
                            regency,
                            Office.Kind.PELAKSANA,
                            head,
                        )
                        for p in range(REGENCY_PELAKSANA)
                    ],
                )
            )
        self.offices = [self.utama, *self.dinas] + [
            o for head, pel in self.regencies for o in (head, *pel)
        ]
        self.office_ids = [o.pk for o in self.offices]
        self._utama = {o.pk: self.utama for o in (self.utama, *self.dinas)}
        for head, pel in self.regencies:
            self._utama.update({o.pk: head for o in (head, *pel)})
        users = get_user_model().objects

        def officer(username, office_, role):
            user, created = users.get_or_create(
                username=username, defaults={"is_staff": True, "email": f"{username}@example.org"}
            )
            if created:
                user.set_unusable_password()
                user.save()
            start = datetime.date(2024, 1, 1)
            Appointment.objects.get_or_create(
                user=user,
                office=office_,
                role=role,
                defaults={"sk_number": "BENCH/SK/1", "sk_date": start, "valid_from": start},
            )
            return user

        self.uma = officer("bench-uma", self.utama, Role.PPID_UTAMA)
        self.officer = self.uma

    def utama_of(self, office):
        return self._utama[office.pk]

    def pick(self, rng):
        """(numbering office, handling office, forwarded): 70 % in the province's tree."""
        if rng.random() < 0.7:
            head, pelaksana = self.utama, self.dinas
        else:
            head, pelaksana = self.regencies[rng.randrange(REGENCIES)]
        r = rng.random()
        if r < 0.15:
            return head, head, False
        office = pelaksana[rng.randrange(len(pelaksana))]
        # Half reach the Utama and are forwarded (§12), half go straight to the Pelaksana.
        return (head, office, True) if r < 0.575 else (office, office, False)


def bulk_rows(structure):
    from ppid.foi.models import InformationRequest

    return InformationRequest.objects.filter(number_office_id__in=structure.office_ids)


def prepare_database(args, figures):
    """Migrate, seed the calendar (F44) and make the bodies, offices and officers."""
    from django.core.management import call_command
    from django.utils import timezone

    from ppid.core.calendar import calendar_seed

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    figures["migrate_s"] = round(time.perf_counter() - t0, 1)
    year = timezone.localdate().year
    calendar_seed(range(year - 2, year + 2))
    return Structure()


def clear_requests(args, figures):
    """Drop the requests of another run (benchmark data only): SQLite's file, or
    PostgreSQL's request table with everything hanging on it."""
    from django.db import connection

    from ppid.core.models import Counter
    from ppid.foi.models import InformationRequest

    if connection.vendor == "sqlite":
        connection.close()
        drop_sqlite(args)
        return prepare_database(args, figures)
    with connection.cursor() as c:
        table = InformationRequest._meta.db_table
        c.execute(f"TRUNCATE {table} RESTART IDENTITY CASCADE")  # noqa: S608
    Counter.objects.filter(scope__regex=r"^(request|objection|letter):").delete()
    return prepare_database(args, figures)


def phase_build(args, figures):
    from django.db import connection, transaction

    from ppid.core.models import Counter
    from ppid.foi.models import Disposition, Dispute, InformationRequest, Notice, Objection

    structure = prepare_database(args, figures)
    existing = bulk_rows(structure).count()
    if existing == args.requests and not args.fresh:
        print(f"reusing {existing:,} requests already in the database (--fresh to rebuild)")
        figures["build"] = "reused"
        return structure
    if existing:
        print(f"deleting {existing:,} requests left from another run", flush=True)
        structure = clear_requests(args, figures)
    builder = Builder(args.requests, structure)
    started, cpu0, load0 = time.perf_counter(), time.process_time(), load_average()
    counts = {"notices": 0, "dispositions": 0, "objections": 0, "disputes": 0}
    last = started
    for first in range(0, args.requests, BATCH):
        requests, notices, dispositions, objections = builder.batch(
            first, min(first + BATCH, args.requests)
        )
        with transaction.atomic():
            InformationRequest.objects.bulk_create(requests)
            for row in (*notices, *dispositions, *objections):
                row.request = row._request
            Notice.objects.bulk_create(notices)
            Disposition.objects.bulk_create(dispositions)
            if objections:
                Objection.objects.bulk_create(objections)
                disputes = [
                    Dispute(
                        objection=o,
                        commission="Komisi Informasi Provinsi Bench",
                        register_number=f"{o.number_year}/KI-BENCH/{o.pk}",
                        filed_on=o._dispute,
                        start_due_date=builder.wd.add(o._dispute, 14),
                        finish_due_date=builder.wd.add(o._dispute, 100),
                        stage=random.Random(o.number_seq).choice(
                            ["registrasi", "mediasi", "ajudikasi", "putusan"]
                        ),
                        created_by=structure.officer,
                    )
                    for o in objections
                    if o._dispute
                ]
                Dispute.objects.bulk_create(disputes)
                counts["disputes"] += len(disputes)
        counts["notices"] += len(notices)
        counts["dispositions"] += len(dispositions)
        counts["objections"] += len(objections)
        if time.perf_counter() - last > 20:
            last = time.perf_counter()
            done = first + len(requests)
            print(f"  built {done:,} ({done / (last - started):,.0f} requests/s)", flush=True)
    with transaction.atomic():
        for prefix, seqs in (
            ("request", builder.request_seq),
            ("objection", builder.objection_seq),
        ):
            for (office_pk, year), value in seqs.items():
                Counter.objects.update_or_create(
                    scope=f"{prefix}:{office_pk}", year=year, defaults={"value": value}
                )
    elapsed = time.perf_counter() - started
    t = time.perf_counter()
    with connection.cursor() as c:
        # PostgreSQL: VACUUM too, as autovacuum would after a bulk load, so that the inbox's
        # counts can be answered from the index alone (all-visible pages).
        c.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    figures["build"] = {
        "requests": args.requests,
        **counts,
        "seconds": round(elapsed, 1),
        "requests_per_s": round(args.requests / elapsed),
        "cpu_s_client": round(time.process_time() - cpu0, 1),
        "analyze_s": round(time.perf_counter() - t, 1),
        "load_average_before": load0,
        "load_average_after": load_average(),
    }
    print("build:", figures["build"], flush=True)
    return structure


def data_profile(structure, figures):
    from django.db.models import Count

    from ppid.foi.models import OPEN_STATUSES, InformationRequest

    rows = InformationRequest.objects.filter(office_id__in=structure.office_ids)
    tree = rows.filter(office_id__in=[structure.utama.pk] + [o.pk for o in structure.dinas])
    figures["data"] = {
        "requests": rows.count(),
        "utama_tree": tree.count(),
        "utama_tree_open": tree.filter(status__in=OPEN_STATUSES).count(),
        "utama_tree_late": tree.filter(late_since__isnull=False).count(),
        "by_year": dict(rows.values_list("number_year").annotate(n=Count("id"))),
    }
    print("data:", figures["data"], flush=True)


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


# --- profiling ---------------------------------------------------------------------------------


def profiled(call, *, lines=25):
    """Run `call` under cProfile; the top functions by cumulative time, as text."""
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        call()
    finally:
        profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(lines)
    return out.getvalue()


def query_count(call):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)


# --- the annual report (in process) ------------------------------------------------------------


def phase_report(args, structure, figures):
    """F15: the PPID Utama's consolidated report of last year, PDF and XLSX; and the
    province-wide statistics of the public page (F14)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from ppid.foi import reports
    from ppid.foi.report_exports import export_annual_report

    year = timezone.localdate().year - 1
    office = structure.utama
    ids = reports.office_tree_ids(office)
    covered = reports._requests(ids, year).count()
    calls = {
        "statistics": lambda: reports.statistics(ids, year),
        "pdf": lambda: export_annual_report("pdf", office=office, year=year),
        "xlsx": lambda: export_annual_report("xlsx", office=office, year=year),
        "province_statistics": lambda: reports.statistics(None, year, by_body=True),
    }
    load0 = load_average()
    meter = CpuMeter(os.getpid())
    meter.start()
    out = {"year": year, "office": office.slug, "requests_in_report": covered}
    for name, call in calls.items():
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            result = call()
            cold = time.perf_counter() - t
        times = []
        for _ in range(args.report_runs):
            t = time.perf_counter()
            call()
            times.append(time.perf_counter() - t)
        out[name] = {
            "cold_s": round(cold, 2),
            "median_s": round(statistics.median(times), 2),
            "max_s": round(max(times), 2),
            "queries": len(ctx.captured_queries),
        }
        if hasattr(result, "content"):
            out[name]["bytes"] = len(result.content)
    out["pdf_and_xlsx_s"] = round(out["pdf"]["median_s"] + out["xlsx"]["median_s"], 2)
    out["load_average_before"], out["load_average_after"] = load0, load_average()
    out["cpu"] = meter.stop()
    figures["report"] = out
    print("annual report:", out, flush=True)
    slowest = max(out["pdf"]["median_s"], out["xlsx"]["median_s"])
    if args.profile or slowest > TARGETS["report_s"]:
        figures.setdefault("profiles", {})["report_pdf"] = profiled(calls["pdf"])
        print(figures["profiles"]["report_pdf"], flush=True)


# --- HTTP ------------------------------------------------------------------------------------


class Connection:
    """One keep-alive HTTP/1.1 connection of one client thread."""

    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.retries = 0

    def _once(self, method, path, body, headers):
        self.conn.request(method, path, body=body, headers=headers or {})
        response = self.conn.getresponse()
        return response.status, response.read()

    def send(self, method, path, body=None, headers=None):
        """(status, seconds, body). A connection the server closed while idle (gunicorn's
        keep-alive is 2 s) is reopened and the request sent once more, as HTTP clients do:
        safe for a GET, and for a POST carrying an Idempotency-Key (the retry gets the first
        answer). A second failure answers status 0."""
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                status, data = self._once(method, path, body, headers)
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                retry_safe = method == "GET" or "Idempotency-Key" in (headers or {})
                if attempt == 2 or not retry_safe:
                    status, data = 0, b""
                    break
                self.retries += 1
        return status, time.perf_counter() - started, data


def run_clients(port, make, *, duration, clients, rate=0.0):
    """`clients` threads for `duration` s. Saturated (rate 0): each sends its next request as
    soon as the last is answered. Paced: together `rate` requests/s on a fixed schedule, and
    the latency counts from the scheduled time (a late send is not hidden), and no request
    starts after `duration`: what the server could not take in time is counted as not sent."""
    results = [[] for _ in range(clients)]
    retries = [0] * clients
    barrier = threading.Barrier(clients + 1)
    start = [0.0]

    def run(c):
        conn = Connection(port)
        rng = random.Random(SEED + c)
        barrier.wait()
        t0 = start[0]
        stop = t0 + duration
        if t0 > time.perf_counter():
            time.sleep(t0 - time.perf_counter())
        interval = clients / rate if rate else 0.0
        k = 0
        while True:
            scheduled = t0 + (c / clients + k) * interval if rate else time.perf_counter()
            if scheduled >= stop or time.perf_counter() >= stop:
                break
            if rate:
                delay = scheduled - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            method, path, body, headers = make(rng, c, k)
            status, _elapsed, data = conn.send(method, path, body, headers)
            done = time.perf_counter()
            results[c].append((status, done - scheduled, data if status == 201 else b""))
            k += 1
        retries[c] = conn.retries

    threads = [threading.Thread(target=run, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    start[0] = time.perf_counter() + 0.05
    barrier.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start[0]
    flat = [r for per_client in results for r in per_client]
    return flat, elapsed, sum(retries)


def not_sent(flat, *, duration, rate, clients):
    """Scheduled sends of a paced run that never went out (the clients were still waiting):
    client c was due at (c / clients + k) * interval for every k that falls in `duration`."""
    if not rate:
        return 0
    interval = clients / rate
    scheduled = sum(math.ceil(duration / interval - c / clients) for c in range(clients))
    return max(0, scheduled - len(flat))


def summarize(flat, elapsed, ok_status):
    latencies = [lat for _s, lat, _d in flat]
    statuses = {}
    for s, _lat, _d in flat:
        statuses[s] = statuses.get(s, 0) + 1
    ok = statuses.get(ok_status, 0)
    return {
        "requests": len(flat),
        "ok": ok,
        "errors": len(flat) - ok,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "per_s": round(ok / elapsed, 1),
        "p50_ms": ms(pct(latencies, 50)),
        "p95_ms": ms(pct(latencies, 95)),
        "p99_ms": ms(pct(latencies, 99)),
        "max_ms": ms(max(latencies)) if latencies else None,
    }


def submission_payload(rng, slug, serial):
    person = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    copy = rng.random() < 0.7
    return {
        "office": slug,
        "requester": {
            "kind": "perorangan",
            "name": person,
            "nik": nik(rng),
            "address": f"{rng.choice(STREETS)} No. {rng.randint(1, 200)}, Palangka Raya",
            "occupation": rng.choice(OCCUPATIONS),
            "phone": f"08{rng.randint(11, 99)}{rng.randint(10000000, 99999999)}",
            "email": f"pemohon{serial}@example.org",
        },
        "information": f"Salinan {rng.choice(DOCUMENTS)} tahun {rng.randint(2019, 2025)}",
        "purpose": rng.choice(PURPOSES),
        "obtain_methods": ["salinan"] if copy else ["melihat", "mencatat"],
        "copy_format": "softcopy" if copy else "",
        "delivery_method": "email" if copy else "",
    }


def http_office():
    """A fresh receiving body and PPID Utama per run, outside the built tree: its numbers
    start at 1."""
    from ppid.organizations.models import Body, Office

    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d%H%M%S%f")
    body = Body.objects.create(
        slug=f"bench-http-{stamp}", name=f"Kabupaten Bench HTTP {stamp}", kind=Body.Kind.REGENCY
    )
    return Office.objects.create(
        slug=f"bench-http-{stamp}",
        name=f"PPID Bench HTTP {stamp}",
        body=body,
        kind=Office.Kind.UTAMA,
        email="ppid-http@example.org",
    )


def numbering_check(office, answered):
    """Registration numbers of `office` this year: unique, seq 1..N, N = the distinct 201
    answers (a retried POST is answered again with its first number), and exactly the
    numbers the 201 answers carried."""
    from django.utils import timezone

    from ppid.foi.models import InformationRequest

    rows = list(
        InformationRequest.objects.filter(
            number_office=office, number_year=timezone.localdate().year
        ).values_list("number_seq", "registration_number")
    )
    seqs = sorted(s for s, _n in rows)
    numbers = [n for _s, n in rows]
    duplicates = len(numbers) - len(set(numbers)) + len(seqs) - len(set(seqs))
    expected = set(range(1, len(seqs) + 1))
    gaps = len(expected - set(seqs))
    return {
        "rows": len(rows),
        "answers_201": len(answered),
        "duplicates": duplicates,
        "gaps": gaps,
        "contiguous_1_to_n": seqs == list(range(1, len(seqs) + 1)),
        "rows_equal_201s": len(rows) == len(set(answered)),
        "answered_numbers_match": set(answered) == set(numbers),
        "replayed_answers": len(answered) - len(set(answered)),
    }


def staff_session(user):
    """A session cookie of `user`, as a login would leave it (ModelBackend)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def inbox_variants(structure):
    return [
        ("open, by deadline", ""),
        ("all statuses", "?status=all"),
        ("overdue", "?deadline=late"),
        ("due soon", "?deadline=due_soon"),
        ("one office", f"?office={structure.dinas[3].slug}&status=all"),
        ("number search", "?q=00123&status=all"),
    ]


INBOX_BASELINE = "/admin/foi/intake/"


def phase_inbox_queries(args, structure, figures):
    """Queries per inbox page, in process (the same view, the test client)."""
    from django.test import Client

    client = Client()
    client.force_login(structure.uma, backend="django.contrib.auth.backends.ModelBackend")
    counts = {}
    for name, query in inbox_variants(structure):
        response = None

        def get(query=query):
            nonlocal response
            response = client.get("/admin/foi/inbox/" + query)

        counts[name] = query_count(get)
        if response.status_code != 200:
            raise SystemExit(f"inbox {query!r} answered {response.status_code} in process")
    figures["inbox_queries"] = counts
    print("inbox queries per page:", counts, flush=True)
    if args.profile:
        profile_inbox(structure, figures)


def profile_inbox(structure, figures):
    """Where an inbox page's time goes, in process (first page, 5 calls)."""
    from django.test import Client

    client = Client()
    client.force_login(structure.uma, backend="django.contrib.auth.backends.ModelBackend")
    client.get("/admin/foi/inbox/")

    def pages():
        for _ in range(5):
            client.get("/admin/foi/inbox/")

    figures.setdefault("profiles", {})["inbox"] = profiled(pages, lines=45)
    print(figures["profiles"]["inbox"], flush=True)


def phase_inbox(args, port, server_pid, structure, cookie, figures):
    conn = Connection(port)
    variants = inbox_variants(structure)
    headers = {"Cookie": cookie}
    for _name, query in variants * 3:  # warm-up
        status, _, _ = conn.send("GET", "/admin/foi/inbox/" + query, headers=headers)
        if status != 200:
            raise SystemExit(f"inbox {query!r} answered {status} (not logged in?)")
    load0 = load_average()
    meter = CpuMeter(server_pid)
    meter.start()
    times, by_variant, errors, sizes = [], {}, 0, {}
    for i in range(args.inbox_requests):
        name, query = variants[i % len(variants)]
        status, elapsed, body = conn.send("GET", "/admin/foi/inbox/" + query, headers=headers)
        errors += status != 200
        times.append(elapsed)
        by_variant.setdefault(name, []).append(elapsed)
        sizes[name] = len(body)
    # The same admin chrome (sidebar, menus, dashboard hooks) around a small form: what
    # any back-office page costs before the inbox's own work.
    chrome = [
        conn.send("GET", INBOX_BASELINE, headers=headers)[1]
        for _ in range(max(20, len(times) // 4))
    ]
    figures["inbox_http"] = {
        "baseline_page": INBOX_BASELINE,
        "baseline_p50_p95_ms": [ms(pct(chrome, 50)), ms(pct(chrome, 95))],
        "requests": len(times),
        "errors": errors,
        "p50_ms": ms(pct(times, 50)),
        "p95_ms": ms(pct(times, 95)),
        "max_ms": ms(max(times)),
        "by_variant_p50_p95_ms": {
            k: [ms(pct(v, 50)), ms(pct(v, 95))] for k, v in by_variant.items()
        },
        "page_kb": {k: round(v / 1024) for k, v in sizes.items()},
        "cpu": meter.stop(),
        "load_average_before": load0,
        "load_average_after": load_average(),
    }
    print("inbox (HTTP):", figures["inbox_http"], flush=True)


def phase_submissions(args, port, server_pid, figures):
    from django.db import connection

    meter = CpuMeter(server_pid)
    # The bare view under the same clients: the ceiling of this load generator and server.
    meter.start()
    load0 = load_average()
    flat, elapsed, retries = run_clients(
        port,
        lambda rng, c, k: ("GET", "/bench/bare", None, None),
        duration=args.duration,
        clients=args.clients,
    )
    bare = summarize(flat, elapsed, 200)
    bare["retried_stale_connections"] = retries
    bare.update(cpu=meter.stop(), load_average_before=load0, load_average_after=load_average())
    figures["bare_http"] = bare
    print("bare view:", bare, flush=True)

    office = http_office()
    connection.close()
    slug = office.slug
    serial = iter(range(10**9))
    lock = threading.Lock()

    def make(rng, c, k):
        with lock:
            n = next(serial)
        body = json.dumps(submission_payload(rng, slug, n))
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": str(uuid.uuid4()),
        }
        return "POST", "/api/v1/requests", body, headers

    answered = []
    warm = Connection(port)
    for n in range(20):
        status, _, data = warm.send(*make(random.Random(n), 0, n))
        if status != 201:
            raise SystemExit(f"POST /api/v1/requests answered {status}: {data[:300]!r}")
        answered.append(json.loads(data)["registration_number"])

    runs = [("saturated", 0.0)] + [(f"paced_{rate:g}", rate) for rate in args.rate]
    for name, rate in runs:
        meter.start()
        load0 = load_average()
        flat, elapsed, retries = run_clients(
            port, make, duration=args.duration, clients=args.clients, rate=rate
        )
        summary = summarize(flat, elapsed, 201)
        summary["retried_stale_connections"] = retries
        answered += [json.loads(d)["registration_number"] for s, _l, d in flat if s == 201]
        cpu = meter.stop()
        if summary["ok"]:
            cpu["server_cpu_ms_per_submission"] = round(
                1000 * (cpu["workers_cpu_s"] + cpu["db_cpu_s"]) / summary["ok"], 1
            )
        summary.update(
            rate_asked=rate or None,
            not_sent=not_sent(flat, duration=args.duration, rate=rate, clients=args.clients),
            cpu=cpu,
            load_average_before=load0,
            load_average_after=load_average(),
        )
        figures[f"submit_{name}"] = summary
        print(f"submissions ({name}):", summary, flush=True)
    figures["numbering"] = numbering_check(office, answered)
    figures["numbering"]["office"] = slug
    print("numbering:", figures["numbering"], flush=True)
    return office


def phase_submit_profile(args, figures):
    """Where a submission's time goes: request_submit in process, sequentially."""
    from ppid.foi import services
    from ppid.foi.models import Channel

    office = http_office()
    rng = random.Random(SEED)
    serial = iter(range(10**9))

    def one():
        p = submission_payload(rng, office.slug, next(serial))
        person = p["requester"]
        services.request_submit(
            services.RequestData(
                office=office,
                requester=services.RequesterData(
                    kind=person["kind"],
                    name=person["name"],
                    address=person["address"],
                    nik=person["nik"],
                    occupation=person["occupation"],
                    phone=person["phone"],
                    email=person["email"],
                ),
                information=p["information"],
                purpose=p["purpose"],
                obtain_methods=p["obtain_methods"],
                copy_format=p["copy_format"],
                delivery_method=p["delivery_method"],
                channel=Channel.API,
            )
        )

    for _ in range(5):
        one()
    times = []
    for _ in range(50):
        t = time.perf_counter()
        one()
        times.append(time.perf_counter() - t)
    figures["submit_in_process"] = {
        "calls": len(times),
        "p50_ms": ms(pct(times, 50)),
        "p95_ms": ms(pct(times, 95)),
        "queries": query_count(one),
    }
    print("request_submit in process:", figures["submit_in_process"], flush=True)

    def many():
        for _ in range(50):
            one()

    figures.setdefault("profiles", {})["request_submit"] = profiled(many, lines=40)
    print(figures["profiles"]["request_submit"], flush=True)


def phase_http(args, structure, figures):
    from django.db import connection

    cookie = staff_session(structure.uma)
    connection.close()
    proc, port = start_server(args)
    try:
        if "inbox" in args.phases:
            phase_inbox(args, port, proc.pid, structure, cookie, figures)
        if "submit" in args.phases:
            phase_submissions(args, port, proc.pid, figures)
        figures["worker_peak_rss_mb"] = [round(vm_hwm_mb(w)) for w in children(proc.pid)]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    figures["server"] = {"workers": args.workers, "threads": args.threads, "kind": "gthread"}


# --- report ------------------------------------------------------------------------------------


def neighbours(phase):
    """Cores the other processes (and the hypervisor) took during a phase, on average."""
    cpu = phase["cpu"]
    return f"{cpu['others_cpu_s'] / cpu['wall_s']:.1f}" if cpu["wall_s"] else "?"


def verdict(ok):
    return "target met" if ok else "TARGET MISSED"


def report(args, figures):
    from django.db import connection

    if connection.vendor == "sqlite":
        version = connection.Database.sqlite_version
    else:
        connection.ensure_connection()
        version = connection.connection.info.server_version
    rows = [
        ("engine", f"{connection.vendor} {version}"),
        ("requests built", f"{args.requests:,} (database {figures.get('db_size_mb')} MB)"),
        ("load average at start", str(figures["load_average_at_start"])),
    ]
    bare, numbering = figures.get("bare_http"), figures.get("numbering")
    for key in [k for k in figures if k.startswith("submit_") and k != "submit_in_process"]:
        s, name = figures[key], key.removeprefix("submit_").split("_")[0]
        # The target (issue 3 §8) is a rate with a latency at that rate. Saturated, the
        # 32 clients measure the capacity: it must reach the rate, and its latency is only
        # queueing (32 clients / throughput), so its p99 is reported, not judged. Paced at
        # the target rate, every scheduled submission must go out in time and p99 is judged.
        if s["rate_asked"]:
            rate_ok = s["not_sent"] == 0
            ok = rate_ok and s["errors"] == 0 and s["p99_ms"] <= TARGETS["submit_p99_ms"]
        else:
            rate_ok = s["per_s"] >= TARGETS["submit_rps"]
            ok = rate_ok and s["errors"] == 0
        below_target = s["rate_asked"] and s["rate_asked"] < TARGETS["submit_rps"]
        rows.append(
            (
                f"submissions, {name}" + (f" at {s['rate_asked']:g}/s" if s["rate_asked"] else ""),
                f"{s['per_s']}/s, p50/p95/p99 {s['p50_ms']}/{s['p95_ms']}/{s['p99_ms']} ms, "
                f"{s['errors']} errors, "
                + (f"{s['not_sent']} not sent in time, " if s["not_sent"] else "")
                + f"{s['cpu'].get('server_cpu_ms_per_submission')} ms "
                f"server CPU each (load {s['load_average_before'][0]}, neighbours "
                f"{neighbours(s)} cores): "
                + (
                    ("kept up" if rate_ok else "fell behind") + " (below the target rate)"
                    if below_target
                    else verdict(ok)
                ),
            )
        )
    if bare:
        rows.append(
            (
                "bare view, saturated",
                f"{bare['per_s']}/s, p50/p95/p99 {bare['p50_ms']}/{bare['p95_ms']}/"
                f"{bare['p99_ms']} ms, {bare['errors']} errors, generator CPU "
                f"{bare['cpu']['generator_cpu_s']} s in {bare['cpu']['wall_s']} s",
            )
        )
    if numbering:
        good = (
            numbering["contiguous_1_to_n"]
            and numbering["rows_equal_201s"]
            and numbering["answered_numbers_match"]
            and not numbering["duplicates"]
        )
        rows.append(
            (
                "numbering",
                f"{numbering['rows']} rows, {numbering['answers_201']} answers 201, "
                f"{numbering['duplicates']} duplicates, {numbering['gaps']} gaps: "
                + ("unique and gap-free" if good else "BROKEN"),
            )
        )
    inbox = figures.get("inbox_http")
    if inbox:
        rows.append(
            (
                "inbox p50 / p95",
                f"{inbox['p50_ms']} / {inbox['p95_ms']} ms over {inbox['requests']} pages, "
                f"{inbox['errors']} errors (load {inbox['load_average_before'][0]}, "
                f"neighbours {neighbours(inbox)} cores): "
                + verdict(inbox["p95_ms"] <= TARGETS["inbox_p95_ms"]),
            )
        )
        rows.append(
            (
                "  admin chrome baseline",
                "{} / {} ms ({})".format(*inbox["baseline_p50_p95_ms"], inbox["baseline_page"]),
            )
        )
        for name, (p50, p95) in inbox["by_variant_p50_p95_ms"].items():
            q = figures.get("inbox_queries", {}).get(name)
            rows.append((f"  {name}", f"{p50} / {p95} ms, {q} queries"))
    rep = figures.get("report")
    if rep:
        slowest = max(rep["pdf"]["median_s"], rep["xlsx"]["median_s"])
        rows.append(
            (
                f"annual report {rep['year']}",
                f"{rep['requests_in_report']:,} requests: statistics "
                f"{rep['statistics']['median_s']} s, PDF {rep['pdf']['median_s']} s (cold "
                f"{rep['pdf']['cold_s']}), XLSX {rep['xlsx']['median_s']} s (load "
                f"{rep['load_average_before'][0]}, neighbours {neighbours(rep)} cores): "
                + verdict(slowest <= TARGETS["report_s"]),
            )
        )
        rows.append(
            ("province statistics", f"{rep['province_statistics']['median_s']} s (all bodies)")
        )
    if figures.get("worker_peak_rss_mb"):
        rows.append(("worker peak RSS (VmHWM)", f"{figures['worker_peak_rss_mb']} MB"))
    width = max(len(k) for k, _ in rows)
    print("\n" + "=" * 78)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")
    print("=" * 78)


def main():
    args = parse_args()
    configure(args)
    figures = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "load_average_at_start": load_average(),
        "machine": {
            "nproc": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "command": " ".join(sys.argv),
        "targets": TARGETS,
    }
    structure = phase_build(args, figures)
    data_profile(structure, figures)
    db_size(figures)
    args.phases = {"report"} if args.skip_http else set(args.phases.split(","))
    if "report" in args.phases:
        phase_report(args, structure, figures)
    if "inbox" in args.phases:
        phase_inbox_queries(args, structure, figures)
    if args.phases & {"inbox", "submit"}:
        phase_http(args, structure, figures)
    inbox = figures.get("inbox_http")
    if inbox and inbox["p95_ms"] > TARGETS["inbox_p95_ms"] and not args.profile:
        profile_inbox(structure, figures)
    saturated = figures.get("submit_saturated")
    paced = [
        figures[k]
        for k in figures
        if k.startswith("submit_paced") and figures[k]["rate_asked"] >= TARGETS["submit_rps"]
    ]
    missed = (saturated and saturated["per_s"] < TARGETS["submit_rps"]) or any(
        s["not_sent"] or s["p99_ms"] > TARGETS["submit_p99_ms"] for s in paced
    )
    if args.profile or missed:
        phase_submit_profile(args, figures)
    report(args, figures)
    engine = "pg" if "postgres" in args.database_url else "sqlite"
    out = args.json or f"{args.var_dir}/results-requests-{args.requests}-{engine}.json"
    Path(out).write_text(json.dumps(figures, indent=2, default=str))
    print("figures written to", out)


if __name__ == "__main__":
    main()
