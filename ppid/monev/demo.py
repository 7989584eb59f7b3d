# ruff: noqa: E501 - the questionnaire reads best one question a line
"""Kalteng demo monev (issue 5 §6): the provincial government's own openness ranking of the
bodies in the province for the current year and the year before, run end to end through the
real services, plus the KI Pusat's published results for Pemprov Kalteng (kalteng.md §5.3).

- Each year's period is organised by the province's PPID Utama (ppid/organizations/demo.py)
  with the indicators and weights of the KI Pusat 2025 (F53: kualitas informasi 10, jenis
  informasi 40, pelayanan informasi 10, komitmen organisasi 10, sarana dan prasarana 10,
  digitalisasi 20) and its stage weights (questionnaire 80 + visit 20), a schedule of the
  F54 shape (questionnaire in July-August, verification, a three-day objection window as
  KI DKI Jakarta's, visits, presentations, an award in late November as KI Kalteng's), and
  every demo body except the organiser's own in its category (F55). The current year's
  period is copied from the previous year's (issue 5 §1).
- Each body's PPID answers, with links to the body's pages in this product as evidence, and
  submits; three bodies never do ("tidak dinilai", F51). The verifier verifies every
  answer, asks for a few clarifications and decides a few objections; the panel scores the
  visits; the results are computed, the period is closed and published. So every score,
  band and rank is computed by services.results_compute, never typed in.
- Answers are invented from a fixed seed and say so (period description, answer notes);
  where the product holds evidence (evidence.system_evidence_for), the body's answer and
  the verifier's level follow it, as a body and a verifier looking at it would.

Each step runs at its own date in the period's schedule (the services, the events and the
auto timestamps read django.utils.timezone.now; `_clock` sets it, as ppid.foi.demo does), so
a demo loaded before the current year's award date shows an exercise dated ahead of today.

The bodies' PPID accounts: the Dinkes has demo.pelaksana.dinkes; every other participating
body gets one demo account `demo.ppid.<body slug>` (no usable password, like every demo
officer) appointed as its PPID, because only a body's own PPID may fill its questionnaire.

Loading is idempotent: a year whose period exists is skipped; history rows are looked up by
body, year and commission.
"""

import datetime
import random
import zoneinfo
from collections import Counter
from contextlib import contextmanager
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from ppid.organizations import demo as org_demo
from ppid.organizations.models import Appointment, Body, Office, Role

from . import services
from .evidence import GOOD, PARTIAL, system_evidence_for
from .models import (
    Answer,
    Commission,
    Evaluator,
    HistoricalResult,
    Participant,
    Period,
    Question,
    Stage,
)
from .models import SystemEvidence as SE

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
SEED = 20261128
MARK = "(data demo)"
BODY_OFFICER_PREFIX = "demo.ppid."
# Never submit: the F51 "tidak dinilai" case, visible on the public page.
NEVER_SUBMIT = {"kodam-xxii-tambun-bungai", "korem-102-panju-panjung", "badan-penghubung-kalteng"}

TITLE = "Monitoring dan Evaluasi Keterbukaan Informasi Publik Badan Publik di Provinsi Kalimantan Tengah Tahun {year}"
DESCRIPTION = (
    "Data demo. Pemeringkatan keterbukaan informasi publik oleh Pemerintah Provinsi Kalimantan Tengah "
    "(PPID Utama, Diskominfosantik) atas perangkat daerah provinsi, pemerintah kabupaten/kota, instansi "
    "vertikal dan badan publik lainnya. Indikator dan bobotnya mengikuti monev Komisi Informasi Pusat 2025 "
    "(kualitas informasi 10 %, jenis informasi 40 %, pelayanan informasi 10 %, komitmen organisasi 10 %, "
    "sarana dan prasarana 10 %, digitalisasi 20 %; kuesioner 80 % dan visitasi 20 %). "
    "Semua jawaban, verifikasi, nilai visitasi, nilai akhir dan peringkat di periode ini DIKARANG untuk demo "
    "(dihitung oleh aplikasi dari jawaban karangan itu); bukan hasil penilaian yang sebenarnya."
)

# Categories of this period (F55), in Indonesian like the rest of the demo content.
CATEGORIES = [
    ("opd", "Perangkat Daerah Provinsi"),
    ("kabkota", "Pemerintah Kabupaten/Kota"),
    ("vertikal", "Instansi Vertikal"),
    ("bumd", "Badan Usaha Milik Daerah (BUMD)"),
    ("lainnya", "Badan Publik Lainnya"),
]
CATEGORY_OF_KIND = {
    Body.Kind.AGENCY: "opd",
    Body.Kind.REGENCY: "kabkota",
    Body.Kind.VERTICAL: "vertikal",
    Body.Kind.BUMD: "bumd",
    Body.Kind.OTHER: "lainnya",
}

# F54 shape (KI Bali 2025: questionnaire 9 Jul-23 Aug, verification to early October,
# presentations in October, award November-December; KI Kalteng 2025: visits mid-September
# to early October, presentations mid-October, award 25 November), with the three-day
# objection window of KI DKI Jakarta 2024 (F53). (month, day) to (month, day), weight.
STAGES = [
    (Stage.Kind.QUESTIONNAIRE, (7, 6), (8, 14), Decimal("80")),
    (Stage.Kind.VERIFICATION, (8, 17), (9, 25), Decimal("0")),
    (Stage.Kind.OBJECTION, (9, 28), (9, 30), Decimal("0")),
    (Stage.Kind.VISIT, (10, 5), (10, 16), Decimal("20")),
    (Stage.Kind.PRESENTATION, (10, 19), (10, 30), Decimal("0")),
    (Stage.Kind.ANNOUNCEMENT, (11, 23), (11, 25), Decimal("0")),
]
SETUP_DAY = (7, 1)  # the organiser configures the period (appointments start 1 July 2025)

# Four answer levels per question, best first (F57: very good / good / good enough / less good).
SCORES = [Decimal("100"), Decimal("70"), Decimal("40"), Decimal("0")]
L, FL = Question.Evidence.LINK, Question.Evidence.FILE_OR_LINK

# KI Pusat 2025 indicators and weights (F53); questions after its SAQ themes and F2-F15.
# (code, name, weight, [(code, text, guidance, evidence, system evidence, [4 levels])])
QUESTIONNAIRE = [
    ("I", "Kualitas Informasi", "10", [
        ("1.1", "Apakah informasi publik yang diumumkan di laman PPID akurat, mutakhir dan mudah dipahami?",
         "Periksa tanggal pemutakhiran dan kelengkapan ringkasan isi informasi.", L, "",
         ["Ya, seluruhnya akurat dan mutakhir", "Sebagian besar mutakhir", "Sebagian kecil mutakhir", "Tidak dimutakhirkan"]),
        ("1.2", "Apakah badan publik memiliki SOP pengelolaan, pendokumentasian dan pemutakhiran informasi publik?",
         "Unggah SOP yang ditetapkan atau tautan ke laman yang memuatnya.", FL, "",
         ["Ada, ditetapkan dan dijalankan", "Ada dan ditetapkan", "Masih rancangan", "Tidak ada"]),
    ]),
    ("II", "Jenis Informasi", "40", [
        ("2.1", "Apakah badan publik telah menetapkan Daftar Informasi Publik (DIP) dan memutakhirkannya tahun ini?",
         "DIP ditetapkan dengan surat keputusan dan dimutakhirkan setiap tahun.", L, SE.DIP,
         ["Ditetapkan dan dimutakhirkan tahun ini", "Ditetapkan, belum dimutakhirkan tahun ini", "Ada DIP tanpa penetapan", "Tidak ada DIP"]),
        ("2.2", "Apakah informasi berkala (Pasal 9 UU 14/2008) diumumkan dan dimutakhirkan paling lambat enam bulan sekali?",
         "Informasi berkala wajib diumumkan sekurang-kurangnya setiap enam bulan.", L, SE.BERKALA,
         ["Seluruhnya tepat waktu", "Sebagian besar tepat waktu", "Sebagian kecil tepat waktu", "Tidak diumumkan"]),
        ("2.3", "Apakah tersedia mekanisme pengumuman informasi serta-merta (Pasal 10 UU 14/2008)?",
         "Misalnya informasi bencana, wabah atau keadaan darurat.", L, "",
         ["Ada dan pernah dijalankan", "Ada prosedurnya", "Belum lengkap", "Tidak ada"]),
        ("2.4", "Apakah informasi yang wajib tersedia setiap saat (Pasal 11 UU 14/2008) tersedia di laman PPID?",
         "", L, "",
         ["Tersedia lengkap", "Sebagian besar tersedia", "Sebagian kecil tersedia", "Tidak tersedia"]),
        ("2.5", "Apakah badan publik menetapkan daftar informasi yang dikecualikan (DIK) berdasarkan uji konsekuensi?",
         "Unggah penetapan DIK beserta lembar uji konsekuensinya.", FL, "",
         ["Ditetapkan dengan uji konsekuensi", "Ditetapkan tanpa uji konsekuensi lengkap", "Masih rancangan", "Tidak ada"]),
    ]),
    ("III", "Pelayanan Informasi", "10", [
        ("3.1", "Apakah permohonan informasi dijawab dengan pemberitahuan tertulis paling lambat 10 hari kerja (dapat diperpanjang 7 hari kerja)?",
         "Pasal 22 ayat (7) dan (8) UU 14/2008.", L, SE.REQUESTS,
         ["Seluruhnya tepat waktu", "Sebagian besar tepat waktu", "Sebagian kecil tepat waktu", "Tidak tercatat"]),
        ("3.2", "Apakah keberatan ditanggapi Atasan PPID paling lambat 30 hari kerja dan hasilnya tercatat dalam register?",
         "", L, SE.OBJECTIONS,
         ["Seluruhnya tepat waktu dan tercatat", "Tercatat, sebagian terlambat", "Tidak seluruhnya tercatat", "Tidak ada register keberatan"]),
        ("3.3", "Apakah laporan layanan informasi publik tahun lalu disampaikan kepada Atasan PPID dengan tembusan ke Komisi Informasi?",
         "Paling lambat tiga bulan setelah tahun anggaran berakhir.", FL, SE.ANNUAL_REPORT,
         ["Disampaikan tepat waktu", "Disampaikan terlambat", "Disusun, belum disampaikan", "Tidak disusun"]),
    ]),
    ("IV", "Komitmen Organisasi", "10", [
        ("4.1", "Apakah PPID ditetapkan dengan surat keputusan pimpinan badan publik beserta uraian tugasnya?",
         "Unggah SK PPID yang berlaku.", FL, "",
         ["SK berlaku dengan uraian tugas", "SK berlaku tanpa uraian tugas", "SK sudah kedaluwarsa", "Tidak ada SK"]),
        ("4.2", "Apakah tersedia anggaran untuk layanan informasi publik dalam DPA tahun berjalan?",
         "", FL, "",
         ["Tersedia dan memadai", "Tersedia terbatas", "Digabung dengan kegiatan lain", "Tidak tersedia"]),
    ]),
    ("V", "Sarana dan Prasarana", "10", [
        ("5.1", "Apakah tersedia ruang atau meja layanan informasi yang mudah diakses, termasuk bagi penyandang disabilitas?",
         "Sertakan foto atau tautan ke profil layanan.", FL, "",
         ["Tersedia dan ramah disabilitas", "Tersedia, belum ramah disabilitas", "Bergabung dengan layanan lain", "Tidak tersedia"]),
        ("5.2", "Apakah laman resmi badan publik memiliki menu PPID yang memuat DIP, DIK dan standar layanan?",
         "", L, "",
         ["Lengkap", "Sebagian besar", "Hanya sebagian kecil", "Tidak ada menu PPID"]),
    ]),
    ("VI", "Digitalisasi", "20", [
        ("6.1", "Apakah permohonan informasi dan keberatan dapat diajukan serta dilacak secara daring?",
         "", L, "",
         ["Dapat diajukan dan dilacak daring", "Dapat diajukan daring saja", "Hanya melalui surel", "Tidak tersedia daring"]),
        ("6.2", "Apakah badan publik menerbitkan data terbuka (dataset) di portal Satu Data?",
         "", L, SE.DATASETS,
         ["Ya, dan dimutakhirkan tahun ini", "Ya, belum dimutakhirkan tahun ini", "Dalam proses", "Tidak ada"]),
        ("6.3", "Apakah badan publik memanfaatkan media sosial atau aplikasi untuk menyebarluaskan informasi publik?",
         "", L, "",
         ["Aktif dan terjadwal", "Aktif tidak terjadwal", "Jarang", "Tidak ada"]),
    ]),
]  # fmt: skip

# What the product confirms (evidence.py) -> the level index (0 = best) a body and a verifier
# looking at it would choose. Where it holds nothing ("none"), the body may keep that
# evidence on its own portal: the body's answer and the verifier's level follow its quality.
EVIDENCE_LEVEL = {GOOD: 0, PARTIAL: 1}

# kalteng.md §5.3: Pemprov Kalteng in the KI Pusat monev (real figures, with sources).
KI_PUSAT_SCOPE = "pemerintah provinsi, nasional"
KALTENG_HISTORY = [
    (2018, "Menuju Informatif", None, 7, KI_PUSAT_SCOPE,
     "https://kaltengterkini.co.id/2019/11/08/banyak-inovasi-dan-kreatifitas-teknologi-informasi-dan-komunikasi-dijalankan-pemprov-kalteng/",
     "Peringkat 7 belum terverifikasi: belum ditemukan laman publik yang menyebutkan peringkat ini. "
     "Penganugerahan 5 November 2018 di Istana Wakil Presiden. Juga: "
     "https://kalteng.antaranews.com/amp/berita/352927/diskominfo-kalteng-akui-masih-ada-opd-belum-cekatan-sediakan-data"),
    (2020, "Menuju Informatif", None, None, "",
     "https://kalteng.antaranews.com/berita/515477/pemprov-kalteng-raih-klasifikasi-badan-publik-menuju-informatif",
     "Nilai dan peringkat tidak ditemukan."),
    (2021, "Menuju Informatif", Decimal("88.45"), 2, "kelompok Menuju Informatif, pemerintah provinsi",
     "https://kalteng.antaranews.com/berita/515477/pemprov-kalteng-raih-klasifikasi-badan-publik-menuju-informatif",
     "Urutan kedua di kelompok Menuju Informatif, setelah Sulawesi Tengah (88,95). Penganugerahan 26 Oktober 2021 (daring)."),
    (2022, "Informatif", None, 11, KI_PUSAT_SCOPE,
     "https://prokalteng.jawapos.com/pemerintahan/pemprov-kalteng/19/12/2023/pemprov-kalteng-raih-penghargaan-anugerah-keterbukaan-informasi-publik-kategori-informatif/amp",
     "Pertama kali meraih predikat Informatif. Juga: https://kaltengterkini.co.id/2024/02/16/kadis-kominfosantik-harapkan-predikat-informatif-di-kalteng-meningkat"),
    (2023, "Informatif", None, 6, KI_PUSAT_SCOPE,
     "https://www.antaranews.com/berita/3878328/kalteng-raih-predikat-informatif-anugerah-keterbukaan-informasi-publik",
     "Peringkat 6 dari 34 pemerintah provinsi. Penganugerahan 19 Desember 2023 di Istana Wakil Presiden."),
    (2024, "Informatif", Decimal("97.73"), 5, KI_PUSAT_SCOPE,
     "https://kalteng.antaranews.com/berita/736758/terus-meningkat-kalteng-kini-masuk-lima-besar-nasional-anugerah-kip-2024",
     "Peringkat 5 kategori pemerintah provinsi (tiga besar: NTB, Aceh, DK Jakarta). Penganugerahan 17 Desember 2024. Juga: "
     "https://biroadpim.kalteng.go.id/2024/12/kalteng-kembali-terima-penghargaan-informatif-dalam-anugerah-keterbukaan-informasi-publik"),
    (2025, "Informatif", None, None, "",
     "https://biroadpim.kalteng.go.id/pemprov-kalteng-raih-predikat-badan-publik-informatif-dalam-anugerah-keterbukaan-informasi-publik-tahun-2025",
     "Predikat Informatif keempat kalinya; peringkat tidak ditemukan. Penganugerahan 15 Desember 2025 di Hotel Bidakara Jakarta."),
]  # fmt: skip


@contextmanager
def _clock(moment: datetime.datetime):
    """Run a step at `moment` (see the module docstring; the same device as ppid.foi.demo)."""
    real = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = real


def _at(year: int, month_day: tuple[int, int], hour: int = 10, minute: int = 0):
    return datetime.datetime(year, *month_day, hour, minute, tzinfo=WIB)


def _stage_days(year: int) -> dict[str, tuple[datetime.date, datetime.date]]:
    return {kind: (datetime.date(year, *o), datetime.date(year, *c)) for kind, o, c, _w in STAGES}


def _day_in(first: datetime.date, last: datetime.date, rng: random.Random, hour: int):
    day = first + datetime.timedelta(days=rng.randrange((last - first).days + 1))
    return datetime.datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=WIB)


# --- the bodies' PPID accounts ------------------------------------------------------------


def _participating_bodies() -> list[Body]:
    """Every demo body but the organiser's own (the province ranks the bodies in it)."""
    slugs = [s for s in org_demo.body_slugs() if s != org_demo.PROVINCE_SLUG]
    bodies = {b.slug: b for b in Body.objects.filter(slug__in=slugs, is_demo=True)}
    return [bodies[s] for s in slugs if s in bodies and bodies[s].kind in CATEGORY_OF_KIND]


def _body_officers(bodies: list[Body], created: Counter) -> dict[int, object]:
    """Body id -> the user who fills its questionnaire: its existing demo PPID officer, or a
    demo account made for it (appointed from the demo officers' date, like them)."""
    User = get_user_model()
    offices = {}
    for office in Office.objects.filter(body__in=bodies).order_by("kind"):
        # A body's PPID Utama if it has one, else its PPID Pelaksana.
        if office.body_id not in offices or office.kind == Office.Kind.UTAMA:
            offices[office.body_id] = office
    existing = {
        a.office.body_id: a.user
        for a in Appointment.objects.current()
        .filter(office__body__in=bodies, role__in=[Role.PPID_UTAMA, Role.PPID_PELAKSANA])
        .select_related("user", "office")
    }
    officers = {}
    for number, body in enumerate(bodies, start=1):
        if body.pk in existing:
            officers[body.pk] = existing[body.pk]
            continue
        office = offices.get(body.pk)
        if office is None:
            continue
        username = f"{BODY_OFFICER_PREFIX}{body.slug}"[:150]
        user, made = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": "Demo",
                "last_name": f"PPID {body.short_name or body.name} (akun demo)"[:150],
                "email": f"{username}@{org_demo.DEMO_EMAIL_DOMAIN}",
                "is_staff": True,
            },
        )
        if made:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            created["users"] += 1
        role = Role.PPID_UTAMA if office.kind == Office.Kind.UTAMA else Role.PPID_PELAKSANA
        _appointment, made = Appointment.objects.get_or_create(
            user=user, office=office, role=role,
            defaults={
                "person_name": f"Pengguna Demo PPID {body.short_name or body.name} (data demo)"[:200],
                "position": f"Pejabat Pengelola Informasi dan Dokumentasi {body.short_name or body.name}"[:200],
                "sk_number": f"188.44/DEMO-MONEV-{number:03d}/2025",
                "sk_date": org_demo.APPOINTMENT_DATE,
                "valid_from": org_demo.APPOINTMENT_DATE,
                "is_demo": True,
            },
        )  # fmt: skip
        created["appointments"] += made
        officers[body.pk] = user
    return officers


# --- configuration ------------------------------------------------------------------------


def _configure(period: Period, admin, *, fresh: bool) -> None:
    """Schedule, categories, questionnaire (unless copied) and participants of a DRAFT period."""
    services.period_update(user=admin, period=period, description=DESCRIPTION,
                           presentation_threshold=Decimal("0"))  # fmt: skip
    Period.objects.filter(pk=period.pk).update(is_demo=True)
    for kind, (opens_on, closes_on) in _stage_days(period.year).items():
        weight = next(w for k, _o, _c, w in STAGES if k == kind)
        services.stage_set(user=admin, period=period, kind=kind, opens_on=opens_on,
                           closes_on=closes_on, weight=weight)  # fmt: skip
    if not fresh:
        return
    services.categories_set(user=admin, period=period,
                            categories=[{"key": k, "name": n} for k, n in CATEGORIES])  # fmt: skip
    for order, (code, name, weight, questions) in enumerate(QUESTIONNAIRE, start=1):
        indicator = services.indicator_save(user=admin, period=period, code=code, name=name,
                                            weight=Decimal(weight), order=order)  # fmt: skip
        for q_order, (q_code, text, guidance, evidence, system, labels) in enumerate(questions):
            services.question_save(
                user=admin, indicator=indicator, code=q_code, text=text, guidance=guidance,
                levels=list(zip(labels, SCORES, strict=True)), evidence=evidence,
                evidence_required=True, system_evidence=system, order=q_order,
            )  # fmt: skip
    categories = {c.key: c for c in period.categories.all()}
    for body in _participating_bodies():
        services.participant_add(user=admin, period=period, body=body,
                                 category=categories[CATEGORY_OF_KIND[body.kind]])  # fmt: skip


# --- the exercise -------------------------------------------------------------------------


def _quality(rng: random.Random) -> float:
    """How open a body is, 0.4-1: about a third of the bodies come out Informatif, a third
    Menuju Informatif, the rest lower (KI Kalteng 2022: 20 bodies Informatif)."""
    return 1 - 0.6 * rng.random() ** 2.5


def _self_index(rng: random.Random, quality: float, evidence) -> int:
    if evidence is not None and evidence.level in EVIDENCE_LEVEL:
        return EVIDENCE_LEVEL[evidence.level]
    index = round((1 - quality) * 3 + rng.gauss(0, 0.5))
    return min(max(index, 0), 3)


def _evidence_link(question: Question, body: Body) -> str:
    """A page of this product about the body, as a body would link its own portal's page."""
    base = settings.SITE_URL.rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        if question.system_evidence in (SE.REQUESTS, SE.OBJECTIONS, SE.ANNUAL_REPORT):
            path = reverse("foi_reports:statistics_body", args=[body.slug])
        elif question.system_evidence == SE.DATASETS:
            path = reverse("databank:catalogue") + f"?organization={body.slug}"
        elif question.system_evidence in (SE.DIP, SE.BERKALA) or question.code.startswith("2."):
            path = reverse("registry:dip", args=[body.slug])
        else:
            path = reverse("registry:body", args=[body.slug])
    return base + path


class Exercise:
    """One period's exercise, step by step at the schedule's dates."""

    def __init__(self, period: Period, admin, verifier, panel, officers: dict[int, object]):
        self.period, self.admin, self.verifier, self.panel = period, admin, verifier, panel
        self.officers = officers
        self.days = _stage_days(period.year)
        self.questions = list(
            Question.objects.filter(indicator__period=period)
            .select_related("indicator")
            .prefetch_related("levels")
            .order_by("indicator__order", "order")
        )
        self.levels = {
            q.pk: sorted(q.levels.all(), key=lambda lv: -lv.score) for q in self.questions
        }
        self.participants = list(period.participants.select_related("body").order_by("body__slug"))
        self.plans: dict[int, dict] = {}

    def rng(self, participant: Participant, salt: str = "") -> random.Random:
        return random.Random(f"{SEED}-{self.period.year}-{participant.body.slug}-{salt}")

    def appoint(self) -> None:
        year = self.period.year
        with _clock(_at(year, SETUP_DAY, 11)):
            services.evaluator_appoint(user=self.admin, period=self.period, evaluator=self.verifier,
                                       kind=Evaluator.Kind.VERIFIER,
                                       sk_number=f"800/DEMO-MONEV/{year} (Tim Verifikasi)")  # fmt: skip
            services.evaluator_appoint(user=self.admin, period=self.period, evaluator=self.panel,
                                       kind=Evaluator.Kind.PANEL,
                                       sk_number=f"800/DEMO-MONEV/{year} (Tim Penilai)")  # fmt: skip
            services.period_open(user=self.admin, period=self.period)

    def answer_all(self) -> None:
        first, last = self.days[Stage.Kind.QUESTIONNAIRE]
        for participant in self.participants:
            officer = self.officers.get(participant.body_id)
            if officer is None or participant.body.slug in NEVER_SUBMIT:
                continue
            rng = self.rng(participant)
            quality = _quality(rng)
            moment = _day_in(first, last - datetime.timedelta(days=1), rng, 9)
            evidence = system_evidence_for(body=participant.body, year=self.period.year,
                                           today=moment.date())  # fmt: skip
            chosen = {}
            for question in self.questions:
                fact = evidence.get(question.system_evidence) if question.system_evidence else None
                index = _self_index(rng, quality, fact)
                chosen[question.pk] = index
                level = self.levels[question.pk][index]
                link = _evidence_link(question, participant.body)
                with _clock(moment):
                    services.answer_save(
                        user=officer, participant=participant, question=question, level=level,
                        note=f"Jawaban contoh {MARK}.", evidence_link=link, now=moment,
                    )  # fmt: skip
            # Some bodies submit on the last day, after a late-night fix (F54 deadline).
            submit_at = moment + datetime.timedelta(hours=2)
            if rng.random() < 0.15:
                submit_at = datetime.datetime(last.year, last.month, last.day, 22, 40, tzinfo=WIB)
            with _clock(submit_at):
                services.questionnaire_submit(user=officer, participant=participant, now=submit_at)
            self.plans[participant.pk] = {
                "quality": quality,
                "chosen": chosen,
                "evidence": evidence,
            }

    def verify_all(self) -> None:
        first, last = self.days[Stage.Kind.VERIFICATION]
        for participant in self.participants:
            plan = self.plans.get(participant.pk)
            if plan is None:
                continue
            rng = self.rng(participant, "verify")
            moment = _day_in(first, last - datetime.timedelta(days=3), rng, 13)
            answers = {a.question_id: a for a in participant.answers.all()}
            lowered = []
            for question in self.questions:
                index = plan["chosen"][question.pk]
                fact = (
                    plan["evidence"].get(question.system_evidence)
                    if question.system_evidence
                    else None
                )
                if fact is not None and fact.level in EVIDENCE_LEVEL:
                    verified = EVIDENCE_LEVEL[fact.level]
                elif rng.random() < 0.12 + 0.35 * (1 - plan["quality"]):
                    verified = min(index + 1, 3)  # the evidence shows less than claimed
                else:
                    verified = index
                answer = answers[question.pk]
                note = ""
                if verified > index:
                    note = f"Bukti dukung belum menunjukkan seluruh yang dinyatakan {MARK}."
                    lowered.append((answer, index))
                with _clock(moment):
                    services.answer_verify(user=self.verifier, answer=answer,
                                           level=self.levels[question.pk][verified], note=note)  # fmt: skip
            plan["lowered"] = lowered
            if lowered and rng.random() < 0.3:
                answer = lowered[0][0]
                with _clock(moment):
                    asked = services.clarification_request(
                        user=self.verifier, answer=answer,
                        question=f"Tautan bukti dukung belum memuat dokumen yang dimaksud; mohon dilengkapi {MARK}.",
                    )  # fmt: skip
                reply_at = moment + datetime.timedelta(days=2)
                with _clock(reply_at):
                    services.clarification_reply(
                        user=self.officers[participant.body_id], clarification=asked,
                        reply=f"Dokumen sudah kami tambahkan pada laman yang sama {MARK}.",
                        link=answer.evidence_link,
                    )  # fmt: skip

    def objections(self) -> None:
        first, last = self.days[Stage.Kind.OBJECTION]
        for participant in self.participants:
            plan = self.plans.get(participant.pk)
            if not plan or not plan.get("lowered"):
                continue
            rng = self.rng(participant, "objection")
            if rng.random() >= 0.2:
                continue
            answer, claimed = plan["lowered"][0]
            lodged_at = _day_in(first, last, rng, 10)
            with _clock(lodged_at):
                objection = services.objection_lodge(
                    user=self.officers[participant.body_id], answer=answer, now=lodged_at,
                    reason=f"Bukti dukung lengkap sudah tersedia pada tautan yang kami kirim {MARK}.",
                )  # fmt: skip
            decided_at = datetime.datetime(last.year, last.month, last.day, 15, tzinfo=WIB)
            with _clock(decided_at):
                if rng.random() < 0.5:
                    services.objection_decide(
                        user=self.verifier, objection=objection, decision="upheld",
                        note=f"Bukti dukung dapat diterima setelah diperiksa ulang {MARK}.",
                        level=self.levels[answer.question_id][claimed],
                    )  # fmt: skip
                else:
                    services.objection_decide(
                        user=self.verifier, objection=objection, decision="rejected",
                        note=f"Bukti dukung tetap belum memenuhi kriteria {MARK}.",
                    )  # fmt: skip

    def visits(self) -> None:
        first, last = self.days[Stage.Kind.VISIT]
        for participant in self.participants:
            plan = self.plans.get(participant.pk)
            if plan is None:
                continue
            rng = self.rng(participant, "visit")
            score = 55 + 42 * plan["quality"] + rng.gauss(0, 4)
            score = Decimal(str(round(min(max(score, 0), 100) * 2) / 2))
            with _clock(_day_in(first, last, rng, 10)):
                services.panel_score_set(
                    user=self.panel, participant=participant, stage=Stage.Kind.VISIT, score=score,
                    note=f"Visitasi ke ruang layanan informasi {MARK}.",
                )  # fmt: skip

    def finish(self) -> None:
        year = self.period.year
        last_presentation = self.days[Stage.Kind.PRESENTATION][1]
        with _clock(_at(year, (last_presentation.month, last_presentation.day), 16)):
            services.results_compute(period=self.period, user=self.admin)
        announcement = self.days[Stage.Kind.ANNOUNCEMENT][0]
        with _clock(_at(year, (announcement.month, announcement.day), 9)):
            services.period_close(user=self.admin, period=self.period)
            taken = Period.objects.filter(year=year, published_at__isnull=False).exists()
            if not taken:
                services.period_publish(user=self.admin, period=self.period)


def _run_year(year: int, *, utama: Office, admin, verifier, panel, officers, source, created):
    with transaction.atomic():
        with _clock(_at(year, SETUP_DAY, 9)):
            if source is None:
                period = services.period_create(user=admin, organizer=utama, year=year,
                                                title=TITLE.format(year=year))  # fmt: skip
            else:
                period = services.period_copy(user=admin, source=source, year=year,
                                              title=TITLE.format(year=year))  # fmt: skip
            _configure(period, admin, fresh=source is None)
        exercise = Exercise(period, admin, verifier, panel, officers)
        exercise.appoint()
        exercise.answer_all()
        exercise.verify_all()
        exercise.objections()
        exercise.visits()
        exercise.finish()
    created["monev_periods"] += 1
    created["monev_participants"] += len(exercise.participants)
    created["monev_answers"] += Answer.objects.filter(participant__period=period).count()
    return Period.objects.get(pk=period.pk)


def _load_history(admin, province: Body, created: Counter) -> None:
    """Pemprov Kalteng's KI Pusat results (kalteng.md §5.3), real figures and their sources."""
    for year, qualification, score, rank, scope, source, note in KALTENG_HISTORY:
        if HistoricalResult.objects.filter(body=province, year=year,
                                           commission=Commission.KI_PUSAT).exists():  # fmt: skip
            continue
        result = services.historical_result_save(
            user=admin, body=province, year=year, commission=Commission.KI_PUSAT,
            qualification=qualification, score=score, rank=rank, rank_scope=scope,
            source_url=source, note=note,
        )  # fmt: skip
        HistoricalResult.objects.filter(pk=result.pk).update(is_demo=True)
        created["monev_history"] += 1


def load_monev_demo(*, orgs: "org_demo.OrgResult", years: list[int] | None = None) -> Counter:
    """Create whatever part of the demo monev is missing (after the organisations, registry,
    requests and data bank demos, whose records it reads as evidence); returns the counts
    created. `years` defaults to the previous and the current year."""
    created: Counter = Counter()
    today = timezone.localdate()
    years = sorted(years or [today.year - 1, today.year])
    # The demo officers act from their appointment date on (1 July 2025).
    years = [y for y in years if datetime.date(y, *SETUP_DAY) >= org_demo.APPOINTMENT_DATE]
    admin = orgs.officers.get(Role.PPID_UTAMA)
    evaluator = orgs.officers.get(Role.EVALUATOR)
    if admin is None or evaluator is None:
        return created
    utama = orgs.utama
    _load_history(admin, orgs.province, created)
    existing = {
        p.year: p
        for p in Period.objects.filter(
            organizer=utama, commission=Commission.INTERNAL, year__in=years
        )
    }
    missing = [y for y in years if y not in existing]
    if not missing:
        return created
    bodies = _participating_bodies()
    officers = _body_officers(bodies, created)
    for year in missing:
        # Copied from the year before when the demo has it (issue 5 §1).
        source = Period.objects.filter(
            organizer=utama, commission=Commission.INTERNAL, year=year - 1, is_demo=True
        ).first()
        _run_year(year, utama=utama, admin=admin, verifier=evaluator, panel=evaluator,
                  officers=officers, source=source, created=created)  # fmt: skip
    return created
