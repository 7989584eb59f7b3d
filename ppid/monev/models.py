"""Openness monitoring and evaluation (monev) of public bodies and their ranking (issue 5,
domain.md §16 F51-F57).

A period (one commission's exercise in one year) is configuration, not code: its bodies'
categories, indicators and weights, questions with answer levels and evidence rules,
stages with dates and weights, the presentation threshold and the band table are rows
here. Scores are computed by ppid.monev.scoring (pure) from these rows and stored on the
participant by services.results_compute, so public pages read them without computing.

Nothing here is hard-deleted once a period has started: every score change is a
core.Event on the participant (who, role, when, old, new, why).
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ppid.core.storage import get_private_storage
from ppid.organizations.models import Body, Office

# Evidence limit per answer when a period does not set one (F54: one PDF of at most 2 MB).
EVIDENCE_MAX_BYTES_DEFAULT = 2 * 1024 * 1024
PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


def new_token() -> str:
    return secrets.token_urlsafe(12)


class Commission(models.TextChoices):
    KI_PUSAT = "ki_pusat", _("Central Information Commission (KI Pusat)")
    KI_PROVINSI = "ki_provinsi", _("Provincial Information Commission (KI Provinsi)")
    INTERNAL = "internal", _("Provincial government's own ranking")


class Period(models.Model):
    """One year's monev run by one organiser: the configuration and its state.

    DRAFT: being configured, invisible outside the organiser. OPEN: the exercise runs
    (stages by their dates). CLOSED: results computed and frozen; nothing about it changes
    again. Publication (published_at) makes the results public for all bodies at once and
    is only possible for a closed period."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being configured")
        OPEN = "open", _("Running")
        CLOSED = "closed", _("Closed")

    token = models.CharField(max_length=24, unique=True, default=new_token, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    commission = models.CharField(
        _("organised by"), max_length=12, choices=Commission.choices, default=Commission.INTERNAL
    )
    title = models.CharField(_("title"), max_length=200)
    organizer = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        related_name="monev_periods",
        verbose_name=_("organising office"),
        help_text=_("The PPID Utama whose officers configure and run this period."),
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    description = models.TextField(_("description"), blank=True)
    # F54: evidence per question, by default one PDF of at most 2 MB.
    evidence_max_bytes = models.PositiveIntegerField(
        _("largest evidence file (bytes)"), default=EVIDENCE_MAX_BYTES_DEFAULT
    )
    evidence_formats = models.JSONField(
        _("evidence file formats"),
        default=list,
        blank=True,
        help_text=_('Formats accepted as evidence files, e.g. ["pdf"]; empty means PDF only.'),
    )
    # F53: e.g. KI DKI Jakarta 2024, a questionnaire score of at least 65 to present.
    presentation_threshold = models.DecimalField(
        _("minimum score to reach the presentation"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=PERCENT,
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "commission"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "commission", "organizer"], name="monev_period_unique_year"
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(status="closed"),
                name="monev_period_published_only_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Band(models.Model):
    """One qualification of the period's band table (F51): lower bound inclusive, upper
    bound exclusive; the top band's upper bound is 100 inclusive (max_score null)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="bands")
    key = models.SlugField(max_length=40)
    name = models.CharField(_("qualification"), max_length=80)
    min_score = models.DecimalField(
        _("from (inclusive)"), max_digits=5, decimal_places=2, validators=PERCENT
    )
    max_score = models.DecimalField(
        _("below (exclusive)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
        help_text=_("Empty for the top band (up to and including 100)."),
    )

    class Meta:
        ordering = ["period", "-min_score"]
        constraints = [
            models.UniqueConstraint(fields=["period", "key"], name="monev_band_unique_key")
        ]

    def __str__(self) -> str:
        return self.name


class BodyCategory(models.Model):
    """A category of public body in one period (F55): ranks are counted within it."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="categories")
    key = models.SlugField(max_length=40)
    name = models.CharField(_("category"), max_length=120)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["period", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["period", "key"], name="monev_category_unique_key")
        ]

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    """A stage of the period with its dates (F54). Only the questionnaire (scored after
    verification and objections), the visit and the presentation carry weight; their
    weights total 100 (F53: KI Pusat 2025 questionnaire 80 + visit 20)."""

    class Kind(models.TextChoices):
        QUESTIONNAIRE = "saq", _("Self-assessment questionnaire (SAQ)")
        VERIFICATION = "verification", _("Verification and clarification")
        OBJECTION = "objection", _("Objection window (sanggah)")
        VISIT = "visit", _("Site visit (visitasi)")
        PRESENTATION = "presentation", _("Presentation and public test")
        ANNOUNCEMENT = "announcement", _("Announcement")

    WEIGHTED = (Kind.QUESTIONNAIRE, Kind.VISIT, Kind.PRESENTATION)

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    weight = models.DecimalField(
        _("weight (%)"), max_digits=5, decimal_places=2, default=Decimal("0"), validators=PERCENT
    )
    opens_on = models.DateField(_("opens on"))
    # The last day, inclusive, in Asia/Jakarta: a submission after 23:59:59 WIB is late.
    closes_on = models.DateField(_("last day"))

    class Meta:
        ordering = ["period", "opens_on", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["period", "kind"], name="monev_stage_unique_kind"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="monev_stage_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class Indicator(models.Model):
    """An indicator of the period with its weight in % (F53; the weights total 100)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("indicator"), max_length=200)
    weight = models.DecimalField(
        _("weight (%)"), max_digits=5, decimal_places=2, validators=PERCENT
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["period", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["period", "code"], name="monev_indicator_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class SystemEvidence(models.TextChoices):
    """What the product itself knows about a body, shown beside a question (issue 5 §3);
    computed by ppid.monev.evidence, never a substitute for the evaluator's score."""

    NONE = "", _("None")
    DIP = "dip", _("Public information list (DIP) established and up to date")
    BERKALA = "berkala", _("Periodic (berkala) items reviewed on time")
    REQUESTS = "requests", _("Requests answered within the legal deadline")
    OBJECTIONS = "objections", _("Objections and their outcomes")
    ANNUAL_REPORT = "annual_report", _("Annual information-service report published")
    DATASETS = "datasets", _("Datasets published in the data bank")


class Question(models.Model):
    """A question of an indicator (F57): its answer levels score 0-100 each; the
    indicator's score is the weight-averaged level score of its questions."""

    class Evidence(models.TextChoices):
        NONE = "none", _("No evidence")
        FILE = "file", _("A file")
        LINK = "link", _("A link")
        FILE_OR_LINK = "file_or_link", _("A file or a link")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(_("number"), max_length=12)
    text = models.TextField(_("question"))
    guidance = models.TextField(_("guidance"), blank=True)
    weight = models.DecimalField(
        _("weight within the indicator"), max_digits=6, decimal_places=2, default=Decimal("1")
    )
    evidence = models.CharField(
        _("evidence"), max_length=12, choices=Evidence.choices, default=Evidence.FILE
    )
    evidence_required = models.BooleanField(_("evidence required"), default=True)
    system_evidence = models.CharField(
        _("evidence the system holds"),
        max_length=16,
        choices=SystemEvidence.choices,
        default=SystemEvidence.NONE,
        blank=True,
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["indicator__order", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "code"], name="monev_question_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"


class AnswerLevel(models.Model):
    """One answer a question allows, with its score (0-100: the share of the question)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="levels")
    label = models.CharField(_("answer"), max_length=300)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, validators=PERCENT)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["question", "order", "-score"]

    def __str__(self) -> str:
        return f"{self.label} ({self.score})"


class Evaluator(models.Model):
    """A user appointed to evaluate one period (issue 5 §2). Verifiers score answers,
    handle clarifications and decide objections; panel members score visits and
    presentations. `participants` empty means every participant of the period."""

    class Kind(models.TextChoices):
        VERIFIER = "verifier", _("Verifier")
        PANEL = "panel", _("Panel member (visit and presentation)")

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="evaluators")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="monev_evaluations"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    participants = models.ManyToManyField("Participant", blank=True, related_name="evaluators")
    sk_number = models.CharField(_("decree (SK) number"), max_length=120, blank=True)
    active = models.BooleanField(default=True)
    appointed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "user", "kind"], name="monev_evaluator_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_kind_display()})"


class Participant(models.Model):
    """A body taking part in a period, in one category (F55), and its computed results.

    The score fields are written only by services.results_compute (from answers and panel
    scores) and frozen when the period closes."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        SUBMITTED = "submitted", _("Questionnaire submitted")
        VERIFIED = "verified", _("Verified")
        NOT_RATED = "not_rated", _("Not rated (no questionnaire)")

    token = models.CharField(max_length=24, unique=True, default=new_token, editable=False)
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="participants")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="monev_participations")
    category = models.ForeignKey(
        BodyCategory, on_delete=models.PROTECT, related_name="participants"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REGISTERED)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    # Computed (services.results_compute): 0-100, two decimals.
    self_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    questionnaire_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    visit_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    presentation_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    qualified_for_presentation = models.BooleanField(default=False)
    final_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    band = models.ForeignKey(Band, on_delete=models.PROTECT, null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    # Per indicator {code: score} for comparisons, written with the scores.
    indicator_scores = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["period", "category__order", "rank", "body__name"]
        constraints = [
            models.UniqueConstraint(fields=["period", "body"], name="monev_participant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.body} ({self.period.year})"


class Answer(models.Model):
    """A participant's answer to one question: its own level and evidence, then the
    verifier's level and note."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    level = models.ForeignKey(
        AnswerLevel, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("explanation"), blank=True)
    evidence_file = models.FileField(
        _("evidence file"), storage=get_private_storage, upload_to="monev/evidence/%Y/",
        blank=True, max_length=300,
    )  # fmt: skip
    evidence_name = models.CharField(max_length=200, blank=True)
    evidence_size = models.PositiveIntegerField(null=True, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    evidence_link = models.URLField(_("evidence link"), blank=True, max_length=500)
    verified_level = models.ForeignKey(
        AnswerLevel, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verifier_note = models.TextField(_("verifier's note"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    verified_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["participant", "question__indicator__order", "question__order"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "question"], name="monev_answer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.participant} / {self.question.code}"


class Clarification(models.Model):
    """A verifier's request for clarification of an answer, and the body's reply."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="clarifications")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    question = models.TextField(_("what needs clarifying"))
    reply = models.TextField(_("reply"), blank=True)
    reply_link = models.URLField(_("link"), blank=True, max_length=500)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["answer", "asked_at"]

    def __str__(self) -> str:
        return f"{self.answer}: {self.question[:60]}"


class Objection(models.Model):
    """A body's objection (sanggah) to a verified score, within the objection window (F53:
    KI DKI Jakarta, three days), and the evaluators' decision."""

    class Decision(models.TextChoices):
        PENDING = "", _("Awaiting decision")
        UPHELD = "upheld", _("Upheld: score changed")
        REJECTED = "rejected", _("Rejected: score kept")

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="objections")
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    lodged_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(_("grounds of the objection"))
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True, default="")
    decision_note = models.TextField(_("reasons for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["answer", "lodged_at"]

    def __str__(self) -> str:
        return f"{self.answer}: {self.get_decision_display()}"


class PanelScore(models.Model):
    """One panel member's score (0-100) for a participant's visit or presentation; the
    stage's score is the mean of its panel members' scores."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="panel_scores"
    )
    stage = models.CharField(
        max_length=14,
        choices=[(Stage.Kind.VISIT, Stage.Kind.VISIT.label),
                 (Stage.Kind.PRESENTATION, Stage.Kind.PRESENTATION.label)],
    )  # fmt: skip
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(max_digits=5, decimal_places=2, validators=PERCENT)
    note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "stage", "evaluator"], name="monev_panel_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} / {self.stage}: {self.score}"


class HistoricalResult(models.Model):
    """A result entered by hand for a year the product did not run (issue 5 §4: e.g. the
    KI Pusat's 2018 ranking of Pemprov Kalteng, kalteng.md §5.3)."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="monev_history")
    year = models.PositiveSmallIntegerField(_("year"))
    commission = models.CharField(_("evaluated by"), max_length=12, choices=Commission.choices)
    qualification = models.CharField(_("qualification"), max_length=80)
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT
    )
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    rank_scope = models.CharField(
        _("ranked among"), max_length=200, blank=True,
        help_text=_("e.g. provincial governments, nationally"),
    )  # fmt: skip
    source_url = models.URLField(_("source"), blank=True, max_length=500)
    note = models.TextField(_("note"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["body", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "year", "commission"], name="monev_history_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.body} {self.year}: {self.qualification}"
