"""Demo information requests for the Central Kalimantan demo bodies (is_demo=True): about
150 requests from July 2025 (when the demo officers' appointments start) to yesterday,
spread over the PPID Utama and its PPID Pelaksana, with every kind of outcome, refusals
citing Pasal 17, extensions, fees, handovers, closures, late cases, withdrawals, a few
objections and one Information Commission dispute.

Every case goes through the real services (numbers, deadlines, letters, events and e-mails
are the real ones). A past step runs at its own date: the services, the letters and the
auto timestamps all read django.utils.timezone.now(), so `_clock` sets that one clock for
the duration of the step (no time-machine dependency; the loader runs alone in its
management command). Requesters are invented and say so "(data contoh)"; their NIKs are
structurally valid but invented; their e-mails are @example.org. Loading is idempotent:
each case has a fixed submission key, and a case already loaded is skipped.
"""

import datetime
import random
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from ppid.core.calendar import Policy, add_working_days
from ppid.organizations.demo import APPOINTMENT_DATE, UTAMA_SLUG, office_slug
from ppid.organizations.models import Office

from . import objections, services
from .models import (
    Channel,
    CopyFormat,
    DeliveryMethod,
    Dispute,
    InformationRequest,
    Notice,
    Objection,
    ObtainMethod,
    Outcome,
)
from .rules import LIMITS

CASES = 150
SEED = 20250701
MARK = "(data contoh)"
KEY_PREFIX = "demo-foi"
UTAMA_USER = "demo.ppid_utama"
DESK_USER = "demo.petugas_layanan"
ATASAN_USER = "demo.atasan"
DINKES_USER = "demo.pelaksana.dinkes"
COMMISSION = "Komisi Informasi Provinsi Kalimantan Tengah"
OTHER_HOLDER = "Badan Pusat Statistik Provinsi Kalimantan Tengah"

# The agencies that receive most requests in the demo, with a weight each.
AGENCIES = {
    "dinkes-kalteng": 5, "disdik-kalteng": 4, "pupr-kalteng": 4, "bkad-kalteng": 3,
    "dlh-kalteng": 3, "dishut-kalteng": 2, "bapperida-kalteng": 2, "dishub-kalteng": 2,
    "esdm-kalteng": 2, "bpbpk-kalteng": 1, "bkd-kalteng": 1,
}  # fmt: skip

FIRST_NAMES = [
    "Andreas", "Rahmadani", "Yohana", "Ahmad Fauzi", "Sri Wahyuni", "Markus", "Nurul Hidayah",
    "Damang", "Elisabeth", "Hendra", "Siti Aisyah", "Rudi", "Mariani", "Agustinus", "Fitriani",
    "Bambang", "Lusiana", "Ferdinand", "Wulan", "Yusuf",
]  # fmt: skip
LAST_NAMES = [
    "Tingang", "Saputra", "Nyahu", "Rahman", "Lambung", "Pratama", "Sinta", "Ilun", "Kurniawan",
    "Usup", "Halim", "Dohong", "Anggraini", "Bungai", "Setiawan",
]  # fmt: skip
OCCUPATIONS = [
    "Mahasiswa", "Wartawan", "Peneliti", "Wiraswasta", "Pegawai swasta", "Aktivis LSM",
    "Guru", "Petani", "Advokat",
]  # fmt: skip
STREETS = ["Jl. Tjilik Riwut", "Jl. G. Obos", "Jl. RTA Milono", "Jl. Yos Sudarso", "Jl. Diponegoro"]
PURPOSES = [
    "Bahan penelitian skripsi", "Bahan pemberitaan", "Kajian kebijakan publik",
    "Pengawasan pelaksanaan anggaran", "Keperluan advokasi masyarakat", "Referensi usaha",
]  # fmt: skip
SUBJECTS = [
    "Salinan Dokumen Pelaksanaan Anggaran (DPA) {short} tahun {year}",
    "Laporan realisasi anggaran {short} semester I tahun {year}",
    "Rencana Strategis {short} 2021–2026",
    "Daftar paket pengadaan barang dan jasa {short} tahun {year}",
    "Laporan kinerja instansi pemerintah (LKjIP) {short} tahun {prev}",
    "Data jumlah pegawai {short} menurut golongan tahun {year}",
    "Standar operasional prosedur pelayanan {short}",
    "Notulen rapat koordinasi program prioritas {short} tahun {year}",
    "Data penerima bantuan program {short} per kabupaten tahun {prev}",
    "Dokumen kontrak pekerjaan konstruksi {short} tahun {prev}",
]  # fmt: skip
# Refusals cite their Pasal 17 letter with reasons (F21).
REFUSALS = [
    ("h", "Informasi memuat rekam medis dan data pribadi pasien (UU 14/2008 Pasal 17 huruf h)."),
    ("i", "Memorandum internal yang masih dibahas dan bersifat rahasia (Pasal 17 huruf i)."),
    ("b", "Dokumen penawaran memuat rahasia dagang peserta tender (Pasal 17 huruf b)."),
    ("a", "Berkaitan dengan proses penyidikan yang sedang berjalan (Pasal 17 huruf a)."),
]  # fmt: skip
# Outcome scenarios and their weights.
SCENARIOS = {
    "granted": 38, "partial": 12, "rejected": 12, "not_held": 8, "extended": 9, "fee": 7,
    "late_answered": 5, "late_open": 3, "withdrawn": 6,
}  # fmt: skip


@contextmanager
def _clock(moment: datetime.datetime):
    """Run a past step at `moment` (see the module docstring)."""
    real = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = real


@dataclass
class Case:
    index: int
    received_at: datetime.datetime
    office: Office
    forward_to: Office | None
    scenario: str
    channel: str
    requester: services.RequesterData
    information: str
    purpose: str
    methods: list[str]
    copy_format: str
    delivery: str
    notice_day: int
    objection: str = ""  # grounds code of a planned objection, if any

    @property
    def key(self) -> str:
        return f"{KEY_PREFIX}:{self.index}"


def _nik(rng: random.Random) -> str:
    """An invented, structurally valid NIK of Palangka Raya (62 71): DDMMYY, women +40."""
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(60, 99)
    if rng.random() < 0.5:
        day += 40
    return f"6271{rng.randint(1, 5):02d}{day:02d}{month:02d}{year:02d}{rng.randint(1, 9999):04d}"


def _requester(rng: random.Random, index: int) -> services.RequesterData:
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {MARK}"
    return services.RequesterData(
        kind="perorangan",
        name=name,
        nik=_nik(rng),
        address=f"{rng.choice(STREETS)} No. {rng.randint(1, 120)}, Palangka Raya {MARK}",
        occupation=rng.choice(OCCUPATIONS),
        phone=f"0812{rng.randint(10_000_000, 99_999_999)}",
        email=f"pemohon.contoh{index:03d}@example.org",
    )


def _received_at(rng: random.Random, day: datetime.date, desk: bool) -> datetime.datetime:
    tz = timezone.get_current_timezone()
    if desk:
        # The service desk records during office hours on working days.
        while day.isoweekday() > 5:
            day += datetime.timedelta(days=1)
        hour, minute = rng.randint(8, 15), rng.choice([0, 10, 25, 40, 55])
    else:
        hour, minute = rng.randint(6, 21), rng.randint(0, 59)
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def _notice_day(rng: random.Random, scenario: str) -> int:
    """Working days from receipt to the notice: mostly within D2 (F18), after the one
    extension within D3 (F19), and late for the late cases."""
    if scenario == "extended":
        return rng.randint(LIMITS.response_wd + 1, LIMITS.response_wd + LIMITS.extension_wd)
    if scenario == "late_answered":
        return rng.randint(LIMITS.response_wd + 2, LIMITS.response_wd + 12)
    weights = [1, 2, 3, 4, 4, 4, 3, 3, 2, 2]
    return rng.choices(range(1, LIMITS.response_wd + 1), weights=weights)[0]


def plan(today: datetime.date, offices: dict[str, Office]) -> list[Case]:
    """The demo's cases, in order of receipt, from a fixed seed."""
    rng = random.Random(SEED)
    span = max((today - APPOINTMENT_DATE).days - 1, 1)
    arrivals = []
    for _ in range(CASES):
        desk = rng.random() < 0.35
        day = APPOINTMENT_DATE + datetime.timedelta(days=rng.randrange(span))
        arrivals.append((_received_at(rng, max(day, APPOINTMENT_DATE), desk), desk))
    arrivals.sort(key=lambda arrival: arrival[0])
    utama = offices[UTAMA_SLUG]
    agencies = [offices[office_slug(slug)] for slug in AGENCIES]
    cases = []
    for index, (received_at, desk) in enumerate(arrivals, start=1):
        scenario = rng.choices(list(SCENARIOS), weights=list(SCENARIOS.values()))[0]
        channel = Channel.WEBSITE
        if desk:
            channel = rng.choice([Channel.IN_PERSON, Channel.LETTER, Channel.EMAIL, Channel.PHONE])
        agency = rng.choices(agencies, weights=list(AGENCIES.values()))[0]
        # Most requests reach the PPID Utama, which forwards them to the agency.
        to_utama = rng.random() < 0.6
        copy_format, delivery = CopyFormat.SOFTCOPY, DeliveryMethod.EMAIL
        methods = [ObtainMethod.COPY]
        if scenario == "fee":
            copy_format = CopyFormat.HARDCOPY
            delivery = rng.choice([DeliveryMethod.POST, DeliveryMethod.COLLECT])
        elif rng.random() < 0.15:
            copy_format, delivery = "", ""
            methods = [ObtainMethod.SEE, ObtainMethod.NOTE]
        year = received_at.year
        subject = rng.choice(SUBJECTS).format(
            short=agency.body.short_name or agency.body.name, year=year, prev=year - 1
        )
        cases.append(
            Case(
                index=index,
                received_at=received_at,
                office=utama if to_utama else agency,
                forward_to=agency if to_utama else None,
                scenario=scenario,
                channel=channel,
                requester=_requester(rng, index),
                information=f"{subject} {MARK}",
                purpose=rng.choice(PURPOSES),
                methods=methods,
                copy_format=copy_format,
                delivery=delivery,
                notice_day=_notice_day(rng, scenario),
            )
        )
    _plan_objections(cases, today)
    return cases


def _plan_objections(cases: list[Case], today: datetime.date) -> None:
    """A handful of objections on cases old enough for their whole course (F28)."""
    old = [c for c in cases if (today - c.received_at.date()).days > 150]
    wanted = [("rejected", "a"), ("rejected", "a"), ("rejected", "a"), ("partial", "d"),
              ("fee", "f"), ("late_answered", "g")]  # fmt: skip
    for scenario, ground in wanted:
        case = next((c for c in old if c.scenario == scenario and not c.objection), None)
        if case is not None:
            case.objection = ground


class Loader:
    """Runs the planned cases through the services, each step at its own time."""

    def __init__(self, now: datetime.datetime):
        self.now = now
        names = [UTAMA_USER, DESK_USER, ATASAN_USER, DINKES_USER]
        users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
        self.utama, self.desk = users[UTAMA_USER], users[DESK_USER]
        self.atasan, self.dinkes = users[ATASAN_USER], users.get(DINKES_USER)
        self.created: Counter = Counter()
        self.handover_pdf = _handover_pdf()
        self.disputed = False

    def step(self, moment: datetime.datetime, action) -> bool:
        """Run `action` at `moment` unless that is still in the future (the case waits)."""
        if moment >= self.now:
            return False
        with _clock(moment):
            action()
        return True

    def at(self, request, n: int, hour: int = 10) -> datetime.datetime:
        """`hour` o'clock on the n-th working day after the request's day 0 (C1)."""
        day, _skipped = add_working_days(request.counting_from, n, Policy.from_dict(request.policy))
        return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=self.now.tzinfo)

    def run(self, case: Case) -> None:
        data = services.RequestData(
            office=case.office,
            requester=case.requester,
            information=case.information,
            purpose=case.purpose,
            obtain_methods=case.methods,
            copy_format=case.copy_format,
            delivery_method=case.delivery,
            channel=case.channel,
            received_at=case.received_at,
        )
        actor = self.desk if case.channel != Channel.WEBSITE else None
        with transaction.atomic():
            with _clock(case.received_at):
                submitted = services.request_submit(data, actor=actor, submission_key=case.key)
            if not submitted.created:
                return  # loaded by an earlier run
            request = submitted.request
            InformationRequest.objects.filter(pk=request.pk).update(is_demo=True)
            self.created["requests"] += 1
            self._proceed(case, request)

    def _proceed(self, case: Case, request: InformationRequest) -> None:
        """Forward, extend, answer, charge, hand over and close, as the scenario says; a
        step that would lie in the future leaves the case where it is (still open)."""
        utama = self.utama

        def forward():
            note = f"Mohon disiapkan bahan jawabannya {MARK}."
            services.request_forward(request, actor=utama, to_offices=[case.forward_to], note=note)

        def withdraw():
            reason = f"Informasi sudah diperoleh dari sumber lain {MARK}."
            services.request_withdraw(request, reason=reason)

        def extend():
            reasons = f"Informasi tersebar di beberapa bidang dan perlu dihimpun {MARK}."
            services.request_extend(request, actor=utama, reasons=reasons)

        if case.forward_to is not None and not self.step(self.at(request, 1, 9), forward):
            return
        request.refresh_from_db()
        if case.scenario == "withdrawn":
            self.step(self.at(request, 2, 14), withdraw)
            return
        if case.scenario == "extended":
            # F19: extended before D2 lapses.
            if not self.step(self.at(request, LIMITS.response_wd - 2), extend):
                return
            request.refresh_from_db()
        if case.scenario in ("late_answered", "late_open"):
            # The daily tick finds the lapsed D2 (objection ground c).
            lapse = request.due_date + datetime.timedelta(days=1)
            moment = datetime.datetime.combine(lapse, datetime.time(7), tzinfo=self.now.tzinfo)
            if not self.step(moment, lambda: services.mark_late(today=lapse)):
                return
            if case.scenario == "late_open":
                return
        if not self.step(self.at(request, case.notice_day), lambda: self._notice(case, request)):
            return
        request.refresh_from_db()
        day = case.notice_day
        if request.status == InformationRequest.Status.AWAITING_PAYMENT:
            day += 2
            fee = request.fees.filter(paid_at__isnull=True).first()
            receipt = f"KW-{case.index:04d} {MARK}"
            if not self.step(
                self.at(request, day, 11),
                lambda: services.fee_paid(fee, actor=utama, receipt_number=receipt),
            ):
                return
        if request.outcome in (Outcome.GRANTED_FULL, Outcome.GRANTED_PART):
            day += 1
            if not self.step(self.at(request, day, 13), lambda: self._handover(case, request)):
                return
        if case.objection:
            self._objection(case, request, day)
            return
        closed = self.step(
            self.at(request, day + 2, 15), lambda: services.request_close(request, actor=utama)
        )
        if closed and case.index % 3 == 0:
            comment = f"Pelayanan cepat dan jelas {MARK}."
            self.step(
                self.at(request, day + 4, 19),
                lambda: services.survey_submit(request, rating=3 + case.index % 3, comment=comment),
            )

    def _notice(self, case: Case, request: InformationRequest) -> None:
        """The written notice (F18 a–g), drafted by the handling office, sent by the Utama."""
        fields = {"control": Notice.Control.HELD, "decision": Outcome.GRANTED_FULL}
        if case.scenario == "partial":
            fields["decision"] = Outcome.GRANTED_PART
            fields["redactions"] = (
                f"NIK dan nomor rekening pihak ketiga dihitamkan (huruf h) {MARK}."
            )
        elif case.scenario == "rejected":
            ground, reasons = REFUSALS[case.index % len(REFUSALS)]
            fields["decision"] = Outcome.REJECTED
            fields["rejection_ground"] = ground
            fields["rejection_reasons"] = f"{reasons} {MARK}"
        elif case.scenario == "not_held" and case.index % 2:
            fields = {"control": Notice.Control.HELD_ELSEWHERE, "other_body_name": OTHER_HOLDER}
        elif case.scenario == "not_held":
            fields = {"control": Notice.Control.NOT_HELD}
        if fields.get("decision") in (Outcome.GRANTED_FULL, Outcome.GRANTED_PART):
            fields["material"] = f"{case.information}, dalam bentuk salinan dokumen."
            if case.scenario == "fee":
                fields["cost"] = 2000 * (10 + case.index % 40)  # F25: Rp2,000 a printed page
                fields["payment_method"] = f"Transfer ke rekening Kas Daerah {MARK}"
        drafter = self.utama
        if self.dinkes is not None and request.office.slug == office_slug("dinkes-kalteng"):
            drafter = self.dinkes
        notice = services.notice_draft(request, actor=drafter, **fields)
        services.notice_send(notice, actor=self.utama)

    def _handover(self, case: Case, request: InformationRequest) -> None:
        method = request.delivery_method or DeliveryMethod.COLLECT
        upload = None
        if method == DeliveryMethod.EMAIL:
            upload = SimpleUploadedFile("salinan.pdf", self.handover_pdf, "application/pdf")
        received_by = case.requester.name if method == DeliveryMethod.COLLECT else ""
        services.handover_record(
            request, actor=self.utama, method=method, file=upload, received_by=received_by
        )

    def _objection(self, case: Case, request: InformationRequest, day: int) -> None:
        """F28–F31: filed a few working days after the answer and decided by the Atasan;
        one requester who is not satisfied goes on to the Information Commission."""
        atasan, filed = self.atasan, {}

        def file():
            filed["objection"] = objections.objection_file(
                request,
                grounds=[case.objection],
                case_description=f"Pemohon keberatan atas jawaban PPID {MARK}.",
                submission_key=f"{case.key}:objection",
            )
            Objection.objects.filter(pk=filed["objection"].pk).update(is_demo=True)
            self.created["objections"] += 1

        if not self.step(self.at(request, day + 4, 9), file):
            return
        objection = filed["objection"]
        if case.objection == "f":
            # F29: grounds b–g may be settled by deliberation.
            note = f"Musyawarah tentang biaya salinan {MARK}."
            agreement = f"Biaya disesuaikan dengan tarif dalam keputusan {MARK}."
            if self.step(
                self.at(request, day + 8),
                lambda: objections.objection_deliberate(objection, actor=atasan, note=note),
            ):
                self.step(
                    self.at(request, day + 10),
                    lambda: objections.objection_settle(
                        objection, actor=atasan, agreement=agreement
                    ),
                )
            return
        uphold = case.objection in ("a", "d") and case.index % 4 != 1
        decision, reasons = "grant", f"PPID diperintahkan memberikan informasi {MARK}."
        if uphold:
            decision = "uphold"
            reasons = f"Pengecualian telah diuji konsekuensi dan tetap berlaku {MARK}."
        if not self.step(
            self.at(request, day + 20, 14),
            lambda: objections.objection_decide(
                objection, actor=atasan, decision=decision, reasons=reasons
            ),
        ):
            return
        reply = Objection.Reply.NOT_SATISFIED if uphold else Objection.Reply.SATISFIED
        self.step(
            self.at(request, day + 22, 16),
            lambda: objections.objection_reply(objection, reply=reply),
        )
        if uphold and case.objection == "a" and not self.disputed:
            self._dispute(case, objection, request, day)

    def _dispute(self, case: Case, objection: Objection, request, day: int) -> None:
        """F32–F34: the dispute goes to adjudication (ground a) and is decided."""
        filed_on = self.at(request, day + 30).date()
        received_on = self.at(request, day + 80).date()
        recorded = {}

        def record():
            recorded["dispute"] = objections.dispute_record(
                objection,
                actor=self.utama,
                commission=COMMISSION,
                register_number=f"{case.index:03d}/REG-PSI/KI-KALTENG/{filed_on.year}",
                filed_on=filed_on,
            )
            self.created["disputes"] += 1

        def adjudicate():
            note = f"Sidang ajudikasi non-litigasi pertama {MARK}."
            objections.dispute_stage(
                recorded["dispute"], actor=self.utama, stage=Dispute.Stage.ADJUDICATION, note=note
            )

        def decide():
            objections.dispute_stage(
                recorded["dispute"],
                actor=self.utama,
                stage=Dispute.Stage.DECIDED,
                decision_number=f"{case.index:03d}/PTS/KI-KALTENG/{received_on.year}",
                ruling=f"Menguatkan keputusan PPID: informasi dikecualikan {MARK}.",
                decision_received_on=received_on,
            )

        if not self.step(self.at(request, day + 30, 15), record):
            return
        self.disputed = True
        if self.step(self.at(request, day + 45), adjudicate):
            self.step(self.at(request, day + 80, 15), decide)


def _handover_pdf() -> bytes:
    """A one-page PDF standing in for the electronic copy handed over."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.drawString(72, 760, f"Salinan informasi publik {MARK}")
    page.showPage()
    page.save()
    return out.getvalue()


def _seed_calendar(today: datetime.date) -> None:
    """Holidays for the demo's years, when the calendar has its seeding function."""
    from ppid.core import calendar

    seed = getattr(calendar, "calendar_seed", None)
    if seed is not None:
        seed(range(APPOINTMENT_DATE.year, today.year + 2))


def load_foi_demo(*, progress=None) -> Counter:
    """Create the demo requests that are missing (after the organisations demo); returns
    the counts created. `progress(done, total)` is called after each case."""
    now = timezone.now()
    today = timezone.localdate(now)
    slugs = [UTAMA_SLUG] + [office_slug(slug) for slug in AGENCIES]
    offices = {o.slug: o for o in Office.objects.filter(slug__in=slugs).select_related("body")}
    if len(offices) < len(slugs) or today <= APPOINTMENT_DATE:
        return Counter()
    _seed_calendar(today)
    loader = Loader(now)
    cases = plan(today, offices)
    for number, case in enumerate(cases, start=1):
        loader.run(case)
        if progress:
            progress(number, len(cases))
    services.mark_late(today=today)
    return loader.created
