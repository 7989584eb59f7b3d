"""Monev personas and periods (on top of tests/conftest.py's offices and officers).

- `monev_admin` is uma, the province's PPID Utama officer (the organiser).
- `monev_period`: DRAFT, organised by the province's Utama, the default F51 bands, the
  five default categories, two indicators (I1 60 %, I2 40 %) of two questions each with
  three levels (100 / 50 / 0), the six stages around today (Asia/Jakarta) with the SAQ
  open today, weights questionnaire 80 + visit 20 + presentation 0 (F53), no participants.
- `open_period`: the same period with agencies A (`participant_a`) and B (`participant_b`)
  in the `opd` category, a verifier (`verifier`, vera) and a panel member (`panel_member`,
  pamela) appointed to it; OPEN. `unappointed_evaluator` (eve) holds an EVALUATOR
  appointment but is not appointed to the period.
- `published_period`: open_period with A filled at 100 and B at 50, both submitted,
  verified as answered, visits scored (A 90, B 70), closed and published.

Helpers (import them: `from tests.monev.conftest import fill_questionnaire, ...`) drive the
real services: fill_questionnaire, submit_questionnaire, fill_and_submit, verify_all,
panel_score_all, stage_moment, pdf_upload.
"""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ppid.monev.models import (
    AnswerLevel,
    Band,
    BodyCategory,
    Evaluator,
    Indicator,
    Participant,
    Period,
    Question,
    Stage,
)
from ppid.organizations.models import Role

from ..factories import AppointmentFactory, UserFactory

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")

# F51 default band table (lower bound inclusive, upper exclusive; top includes 100).
BANDS = [
    ("informatif", "Informatif", "90", None),
    ("menuju-informatif", "Menuju Informatif", "80", "90"),
    ("cukup-informatif", "Cukup Informatif", "60", "80"),
    ("kurang-informatif", "Kurang Informatif", "40", "60"),
    ("tidak-informatif", "Tidak Informatif", "0", "40"),
]
CATEGORIES = [
    ("opd", "Perangkat Daerah Provinsi"),
    ("kabkota", "Pemerintah Kabupaten/Kota"),
    ("vertikal", "Instansi Vertikal"),
    ("bumd", "BUMD"),
    ("lainnya", "Badan Publik Lainnya"),
]
# Stage: (first day, last day) relative to today, weight. SAQ open today (F54).
STAGES = [
    (Stage.Kind.QUESTIONNAIRE, -10, 5, "80"),
    (Stage.Kind.VERIFICATION, 6, 10, "0"),
    (Stage.Kind.OBJECTION, 11, 13, "0"),
    (Stage.Kind.VISIT, 14, 20, "20"),
    (Stage.Kind.PRESENTATION, 21, 25, "0"),
    (Stage.Kind.ANNOUNCEMENT, 26, 30, "0"),
]
LEVELS = [("Ya, lengkap", "100"), ("Sebagian", "50"), ("Tidak ada", "0")]
# (indicator code, name, weight, [(question code, evidence, required, weight)])
INDICATORS = [
    ("I1", "Pengumuman informasi publik", "60", [
        ("1.1", Question.Evidence.FILE, True, "1"),
        ("1.2", Question.Evidence.LINK, True, "1"),
    ]),
    ("I2", "Pelayanan informasi", "40", [
        ("2.1", Question.Evidence.FILE_OR_LINK, True, "1"),
        ("2.2", Question.Evidence.NONE, False, "2"),
    ]),
]  # fmt: skip

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def appoint(office, role, username):
    return AppointmentFactory(
        office=office, role=role, user=UserFactory(username=username, is_staff=True)
    ).user


def pdf_upload(name="bukti.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def stage_moment(period, kind, *, last=False, hour=10) -> datetime.datetime:
    """An aware moment on the stage's first (or last) day, at `hour` WIB: for `now=` and
    time_machine.travel."""
    stage = period.stages.get(kind=kind)
    day = stage.closes_on if last else stage.opens_on
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=WIB)


def build_period(organizer, *, year=None, title="Monev Keterbukaan Informasi Uji"):
    """The DRAFT period described in the module docstring, built with the models."""
    today = timezone.localdate()
    period = Period.objects.create(
        year=year or today.year, title=title, organizer=organizer, status=Period.Status.DRAFT
    )
    Band.objects.bulk_create(
        Band(period=period, key=key, name=name, min_score=Decimal(lo),
             max_score=Decimal(hi) if hi is not None else None)
        for key, name, lo, hi in BANDS
    )  # fmt: skip
    BodyCategory.objects.bulk_create(
        BodyCategory(period=period, key=key, name=name, order=i)
        for i, (key, name) in enumerate(CATEGORIES)
    )
    Stage.objects.bulk_create(
        Stage(period=period, kind=kind, weight=Decimal(weight),
              opens_on=today + datetime.timedelta(days=start),
              closes_on=today + datetime.timedelta(days=end))
        for kind, start, end, weight in STAGES
    )  # fmt: skip
    for i, (code, name, weight, questions) in enumerate(INDICATORS):
        indicator = Indicator.objects.create(
            period=period, code=code, name=name, weight=Decimal(weight), order=i
        )
        for j, (qcode, evidence, required, qweight) in enumerate(questions):
            question = Question.objects.create(
                indicator=indicator, code=qcode, text=f"Pertanyaan {qcode}: apakah tersedia?",
                evidence=evidence, evidence_required=required, weight=Decimal(qweight), order=j,
            )  # fmt: skip
            AnswerLevel.objects.bulk_create(
                AnswerLevel(question=question, label=label, score=Decimal(score), order=k)
                for k, (label, score) in enumerate(LEVELS)
            )
    return period


def questions_of(period):
    return list(
        Question.objects.filter(indicator__period=period)
        .select_related("indicator")
        .prefetch_related("levels")
        .order_by("indicator__order", "order")
    )


def level_for(question, score) -> AnswerLevel:
    return question.levels.get(score=Decimal(str(score)))


def _score_for(scores, question):
    if isinstance(scores, dict):
        return scores.get(question.code, 0)
    return scores


def fill_questionnaire(participant, user, scores=100, *, now=None, file=True):
    """Answer every question (`scores`: one score for all, or {question code: score}) with
    the evidence each question asks for (a PDF when a file is accepted, else a link)."""
    from ppid.monev import services

    answers = []
    for question in questions_of(participant.period):
        evidence = {}
        if question.evidence in (Question.Evidence.FILE, Question.Evidence.FILE_OR_LINK) and file:
            evidence["evidence_file"] = pdf_upload(f"bukti-{question.code}.pdf")
        elif question.evidence != Question.Evidence.NONE:
            evidence["evidence_link"] = f"https://ppid.example.test/bukti/{question.code}"
        answers.append(
            services.answer_save(
                user=user,
                participant=participant,
                question=question,
                level=level_for(question, _score_for(scores, question)),
                note="Terlampir.",
                now=now,
                **evidence,
            )  # fmt: skip
        )
    return answers


def submit_questionnaire(participant, user, *, now=None):
    from ppid.monev import services

    services.questionnaire_submit(user=user, participant=participant, now=now)
    participant.refresh_from_db()
    return participant


def fill_and_submit(participant, user, scores=100, *, now=None):
    fill_questionnaire(participant, user, scores, now=now)
    return submit_questionnaire(participant, user, now=now)


def verify_all(participant, verifier, scores=None):
    """Verify every answer: at the body's own level, or at `scores` (one or per code)."""
    from ppid.monev import services
    from ppid.monev.models import Answer

    for answer in Answer.objects.filter(participant=participant).select_related(
        "question", "level"
    ):
        if scores is None:
            level = answer.level
        else:
            level = level_for(answer.question, _score_for(scores, answer.question))
        services.answer_verify(user=verifier, answer=answer, level=level, note="Sesuai bukti.")
    participant.refresh_from_db()
    return participant


def panel_score_all(participant, panel_user, *, visit=None, presentation=None):
    from ppid.monev import services

    if visit is not None:
        services.panel_score_set(user=panel_user, participant=participant,
                                 stage=Stage.Kind.VISIT, score=visit)  # fmt: skip
    if presentation is not None:
        services.panel_score_set(user=panel_user, participant=participant,
                                 stage=Stage.Kind.PRESENTATION,
                                 score=presentation)  # fmt: skip


@pytest.fixture
def monev_admin(utama_officer):
    return utama_officer


@pytest.fixture
def monev_period(utama):
    return build_period(utama)


@pytest.fixture
def verifier(utama):
    return appoint(utama, Role.EVALUATOR, "vera")


@pytest.fixture
def panel_member(utama):
    return appoint(utama, Role.EVALUATOR, "pamela")


@pytest.fixture
def unappointed_evaluator(utama):
    return appoint(utama, Role.EVALUATOR, "eve")


@pytest.fixture
def open_period(monev_period, office_a, office_b, verifier, panel_member):
    period = monev_period
    opd = period.categories.get(key="opd")
    for office in (office_a, office_b):
        Participant.objects.create(period=period, body=office.body, category=opd)
    Evaluator.objects.create(period=period, user=verifier, kind=Evaluator.Kind.VERIFIER,
                             sk_number="800/1/Monev/2026")  # fmt: skip
    Evaluator.objects.create(period=period, user=panel_member, kind=Evaluator.Kind.PANEL,
                             sk_number="800/1/Monev/2026")  # fmt: skip
    period.status = Period.Status.OPEN
    period.save(update_fields=["status"])
    return period


@pytest.fixture
def participant_a(open_period, office_a):
    return open_period.participants.get(body=office_a.body)


@pytest.fixture
def participant_b(open_period, office_b):
    return open_period.participants.get(body=office_b.body)


@pytest.fixture
def published_period(
    open_period, participant_a, participant_b, officer_a, officer_b, verifier, panel_member,
    monev_admin,
):  # fmt: skip
    from ppid.monev import services

    fill_and_submit(participant_a, officer_a, 100)
    fill_and_submit(participant_b, officer_b, 50)
    verify_all(participant_a, verifier)
    verify_all(participant_b, verifier)
    panel_score_all(participant_a, panel_member, visit=90)
    panel_score_all(participant_b, panel_member, visit=70)
    services.period_close(user=monev_admin, period=open_period)
    open_period.refresh_from_db()
    services.period_publish(user=monev_admin, period=open_period)
    open_period.refresh_from_db()
    return open_period
