"""Every write of monev that is a business action: configuring a period, the exercise
(answers, verification, clarifications, objections, panel scores), computing, closing and
publishing results. The back office, the API, the demo and commands all call these.

Each service takes the acting user, checks access (PermissionDenied) and the period's
state (ValidationError with a translated message, or a dict of field -> message), and
records a core.Event (who, role, when, {field: [old, new]}, why). State rules:
- Configuration changes only while the period is DRAFT; stage dates also while OPEN;
  nothing changes once it is CLOSED (its results are frozen).
- The exercise runs only while OPEN. The body answers within the SAQ stage (its last day
  is inclusive, Asia/Jakarta, F54); objections only within the objection stage (F53).
"""

import datetime
import zoneinfo
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ppid.core.events import diff_fields, event_record
from ppid.core.models import Event
from ppid.core.pagecache import public_pages_changed
from ppid.core.uploads import ALLOWED, check_upload
from ppid.organizations.models import Body, Office

from . import access, scoring
from .models import (
    Answer,
    AnswerLevel,
    Band,
    BodyCategory,
    Clarification,
    Commission,
    Evaluator,
    HistoricalResult,
    Indicator,
    Objection,
    PanelScore,
    Participant,
    Period,
    Question,
    Stage,
    SystemEvidence,
)

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
HUNDRED = Decimal("100")
ROLE_ADMIN, ROLE_VERIFIER, ROLE_PANEL, ROLE_BODY, ROLE_SYSTEM = (
    "monev_admin", "verifier", "panel", "body_officer", "system",
)  # fmt: skip

# Default categories of bodies (F55: provincial KIs evaluate the province's agencies,
# regency/city governments, vertical agencies, BUMD and others).
DEFAULT_CATEGORIES = [
    ("opd", gettext_lazy("Provincial agencies")),
    ("kabkota", gettext_lazy("Regency and city governments")),
    ("vertikal", gettext_lazy("Vertical agencies")),
    ("bumd", gettext_lazy("Regional enterprises (BUMD)")),
    ("lainnya", gettext_lazy("Other public bodies")),
]
# Default schedule (month, day) to (month, day) in the period's year, after the KI Bali
# 2025 timeline (F54), with a three-day objection window (F53: KI DKI Jakarta 2024) and
# the KI Pusat 2025 stage weights, questionnaire 80 + visit 20 (F53).
DEFAULT_STAGES = [
    (Stage.Kind.QUESTIONNAIRE, (7, 1), (8, 31), Decimal("80")),
    (Stage.Kind.VERIFICATION, (9, 1), (9, 30), Decimal("0")),
    (Stage.Kind.OBJECTION, (10, 1), (10, 3), Decimal("0")),
    (Stage.Kind.VISIT, (10, 6), (10, 24), Decimal("20")),
    (Stage.Kind.PRESENTATION, (10, 27), (11, 14), Decimal("0")),
    (Stage.Kind.ANNOUNCEMENT, (12, 1), (12, 15), Decimal("0")),
]
PERIOD_FIELDS = (
    "title", "description", "commission", "presentation_threshold", "evidence_max_bytes",
    "evidence_formats",
)  # fmt: skip
# Period fields that may still change while the period runs (wording, not rules).
PERIOD_FIELDS_WHILE_OPEN = ("title", "description")
EVIDENCE_FILE = (Question.Evidence.FILE, Question.Evidence.FILE_OR_LINK)
EVIDENCE_LINK = (Question.Evidence.LINK, Question.Evidence.FILE_OR_LINK)
RESULT_FIELDS = (
    "self_score", "questionnaire_score", "visit_score", "presentation_score",
    "qualified_for_presentation", "final_score", "band_id", "rank", "indicator_scores",
    "status",
)  # fmt: skip


# --- shared checks ------------------------------------------------------------------------
def _record(subject, action, *, user=None, role="", reason="", changes=None) -> Event:
    return event_record(
        subject=subject, action=action, actor=user, actor_role=role, reason=reason or "",
        changes=changes or {},
    )  # fmt: skip


def _require_admin(user, period: Period) -> None:
    if not access.is_monev_admin(user, period):
        raise PermissionDenied


def _locked_period(period: Period) -> Period:
    """The period re-read under a row lock: its status is the one that counts."""
    return Period.objects.select_for_update().get(pk=period.pk)


def _closed_error() -> ValidationError:
    return ValidationError(
        _("The period is closed: its configuration and results can no longer change."),
        code="closed",
    )


def _require_draft(period: Period) -> None:
    if period.status == Period.Status.CLOSED:
        raise _closed_error()
    if period.status != Period.Status.DRAFT:
        raise ValidationError(
            _("The period is already running: its configuration can no longer change."),
            code="not_draft",
        )


def _require_not_closed(period: Period) -> None:
    if period.status == Period.Status.CLOSED:
        raise _closed_error()


def _require_open(period: Period) -> None:
    if period.status == Period.Status.CLOSED:
        raise _closed_error()
    if period.status != Period.Status.OPEN:
        raise ValidationError(_("The period has not started yet."), code="not_open")


def _decimal(value, field: str, *, low=Decimal("0"), high=HUNDRED) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError, TypeError):
        number = None
    if number is None or not number.is_finite() or not (low <= number <= high):
        raise ValidationError(
            {field: _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}}
        )
    return scoring.rounded(number)


def _day(moment) -> datetime.date:
    """The date in Asia/Jakarta of an aware moment (deadlines are WIB dates, F54)."""
    return (moment or timezone.now()).astimezone(JAKARTA).date()


def _show_date(day: datetime.date) -> str:
    return formats.date_format(day, "j F Y")


def _stage(period: Period, kind: str) -> Stage | None:
    return period.stages.filter(kind=kind).first()


def _clean_link(link: str, field: str = "evidence_link") -> str:
    link = (link or "").strip()
    if not link:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(link)
    except ValidationError as exc:
        raise ValidationError(
            {field: _("Enter a full web address starting with http:// or https://.")}
        ) from exc
    if len(link) > 500:
        raise ValidationError({field: _("The web address is too long (at most 500 characters).")})
    return link


def _text(value, field: str, *, required=True, max_length=None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if max_length and len(value) > max_length:
        raise ValidationError({field: _("At most %(n)s characters.") % {"n": max_length}})
    return value


def _score_str(level: AnswerLevel | None):
    return str(level.score) if level is not None else None


# --- periods ------------------------------------------------------------------------------
def _check_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year between 2000 and 2100.")})
    return year


def _check_unique(*, organizer_id, year, commission, exclude=None) -> None:
    periods = Period.objects.filter(organizer_id=organizer_id, year=year, commission=commission)
    if exclude is not None:
        periods = periods.exclude(pk=exclude)
    if periods.exists():
        raise ValidationError(
            {"year": _("This office already has a period for %(year)s by this organiser.")
             % {"year": year}}
        )  # fmt: skip


def _safe_date(year: int, month: int, day: int) -> datetime.date:
    # 29 February moved to a year without it becomes 28 February.
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return datetime.date(year, month, day - 1)


@transaction.atomic
def period_create(
    *, user, organizer: Office, year, title, commission=Commission.INTERNAL, description=""
) -> Period:
    """A DRAFT period with the default F51 bands, categories and stages (F53, F54)."""
    if not (access.is_any_admin(user) and organizer.pk in access.admin_office_ids(user)):
        raise PermissionDenied
    if organizer.kind != Office.Kind.UTAMA:
        raise ValidationError({"organizer": _("A period is organised by a PPID Utama.")})
    year = _check_year(year)
    title = _text(title, "title", max_length=200)
    if commission not in Commission.values:
        raise ValidationError({"commission": _("Choose an organiser from the list.")})
    _check_unique(organizer_id=organizer.pk, year=year, commission=commission)
    period = Period.objects.create(
        organizer=organizer, year=year, title=title, commission=commission,
        description=(description or "").strip(),
    )  # fmt: skip
    Band.objects.bulk_create(
        Band(period=period, key=b.key, name=b.name, min_score=b.min_score, max_score=b.max_score)
        for b in scoring.DEFAULT_BANDS
    )
    BodyCategory.objects.bulk_create(
        BodyCategory(period=period, key=key, name=str(name), order=i)
        for i, (key, name) in enumerate(DEFAULT_CATEGORIES)
    )
    Stage.objects.bulk_create(
        Stage(period=period, kind=kind, weight=weight,
              opens_on=datetime.date(year, *opens), closes_on=datetime.date(year, *closes))
        for kind, opens, closes, weight in DEFAULT_STAGES
    )  # fmt: skip
    _record(period, "created", user=user, role=ROLE_ADMIN,
            changes={"year": [None, year], "title": [None, title]})  # fmt: skip
    return period


@transaction.atomic
def period_copy(*, user, source: Period, year, title="") -> Period:
    """A DRAFT copy of `source`'s configuration for `year` (issue 5 §1): bands,
    categories, stages (dates moved by the year difference), indicators, questions and
    levels, threshold, evidence rules and participants (registered again). Never answers,
    scores or evaluators; the source is only read."""
    _require_admin(user, source)
    year = _check_year(year)
    _check_unique(organizer_id=source.organizer_id, year=year, commission=source.commission)
    title = (title or "").strip()
    if not title:
        title = source.title.replace(str(source.year), str(year))
        if title == source.title:
            title = f"{source.title} {year}"
    title = _text(title, "title", max_length=200)
    shift = year - source.year
    period = Period.objects.create(
        organizer_id=source.organizer_id, year=year, title=title, commission=source.commission,
        description=source.description, evidence_max_bytes=source.evidence_max_bytes,
        evidence_formats=list(source.evidence_formats or []),
        presentation_threshold=source.presentation_threshold, copied_from=source,
        is_demo=source.is_demo,
    )  # fmt: skip
    Band.objects.bulk_create(
        Band(period=period, key=b.key, name=b.name, min_score=b.min_score, max_score=b.max_score)
        for b in source.bands.all()
    )
    categories = {}
    for category in source.categories.all():
        categories[category.pk] = BodyCategory.objects.create(
            period=period, key=category.key, name=category.name, order=category.order
        )
    Stage.objects.bulk_create(
        Stage(period=period, kind=s.kind, weight=s.weight,
              opens_on=_safe_date(s.opens_on.year + shift, s.opens_on.month, s.opens_on.day),
              closes_on=_safe_date(s.closes_on.year + shift, s.closes_on.month,
                                   s.closes_on.day))
        for s in source.stages.all()
    )  # fmt: skip
    for indicator in source.indicators.prefetch_related("questions__levels"):
        copy = Indicator.objects.create(
            period=period, code=indicator.code, name=indicator.name, weight=indicator.weight,
            order=indicator.order,
        )  # fmt: skip
        for question in indicator.questions.all():
            new_question = Question.objects.create(
                indicator=copy, code=question.code, text=question.text,
                guidance=question.guidance, weight=question.weight, evidence=question.evidence,
                evidence_required=question.evidence_required,
                system_evidence=question.system_evidence, order=question.order,
            )  # fmt: skip
            AnswerLevel.objects.bulk_create(
                AnswerLevel(question=new_question, label=level.label, score=level.score,
                            order=level.order)
                for level in question.levels.all()
            )  # fmt: skip
    Participant.objects.bulk_create(
        Participant(period=period, body_id=p.body_id, category=categories[p.category_id])
        for p in source.participants.all()
    )
    _record(period, "copied", user=user, role=ROLE_ADMIN,
            reason=_("Copied from %(title)s") % {"title": source.title},
            changes={"copied_from": [None, source.pk], "year": [None, year]})  # fmt: skip
    return period


def _evidence_formats(value) -> list[str]:
    if isinstance(value, str):
        value = [part for part in value.replace(";", ",").split(",")]
    if not isinstance(value, list | tuple):
        raise ValidationError({"evidence_formats": _("Give the formats as a list.")})
    known = set(ALLOWED) | {ext for _mime, exts in ALLOWED.values() for ext in exts}
    formats_ = []
    for item in value:
        item = str(item).strip().lower().lstrip(".")
        if not item:
            continue
        if item not in known:
            raise ValidationError(
                {"evidence_formats": _("Unknown file format: %(format)s.") % {"format": item}}
            )
        if item not in formats_:
            formats_.append(item)
    return formats_


@transaction.atomic
def period_update(*, user, period: Period, **fields) -> Period:
    """Change the period's settings (PERIOD_FIELDS): rules only in DRAFT, wording also
    while OPEN, nothing once CLOSED."""
    _require_admin(user, period)
    unknown = set(fields) - set(PERIOD_FIELDS)
    if unknown:
        raise TypeError(f"period_update: unknown fields {sorted(unknown)}")
    period = _locked_period(period)
    _require_not_closed(period)
    if period.status != Period.Status.DRAFT and set(fields) - set(PERIOD_FIELDS_WHILE_OPEN):
        _require_draft(period)
    clean = {}
    if "title" in fields:
        clean["title"] = _text(fields["title"], "title", max_length=200)
    if "description" in fields:
        clean["description"] = (fields["description"] or "").strip()
    if "commission" in fields:
        if fields["commission"] not in Commission.values:
            raise ValidationError({"commission": _("Choose an organiser from the list.")})
        clean["commission"] = fields["commission"]
        _check_unique(organizer_id=period.organizer_id, year=period.year,
                      commission=clean["commission"], exclude=period.pk)  # fmt: skip
    if "presentation_threshold" in fields:
        clean["presentation_threshold"] = _decimal(
            fields["presentation_threshold"], "presentation_threshold"
        )
    if "evidence_max_bytes" in fields:
        try:
            size = int(fields["evidence_max_bytes"])
        except (TypeError, ValueError):
            size = 0
        if not 1024 <= size <= 50 * 1024 * 1024:
            raise ValidationError(
                {"evidence_max_bytes": _("Enter a size from 1 KB to 50 MB (in bytes).")}
            )
        clean["evidence_max_bytes"] = size
    if "evidence_formats" in fields:
        clean["evidence_formats"] = _evidence_formats(fields["evidence_formats"])
    before = {key: getattr(period, key) for key in clean}
    changes = diff_fields(before, clean)
    if changes:
        for key, value in clean.items():
            setattr(period, key, value)
        period.save(update_fields=list(clean))
        _record(period, "updated", user=user, role=ROLE_ADMIN, changes=changes)
    return period


def _band_rows(period: Period) -> list[dict]:
    return [
        {"key": b.key, "name": b.name, "min": str(b.min_score),
         "max": str(b.max_score) if b.max_score is not None else None}
        for b in period.bands.order_by("-min_score")
    ]  # fmt: skip


@transaction.atomic
def bands_set(*, user, period: Period, bands: list[dict]) -> list[Band]:
    """Replace the band table (F51), which must cover 0-100 without gap or overlap."""
    _require_admin(user, period)
    period = _locked_period(period)
    _require_draft(period)
    specs = []
    for row in bands:
        try:
            low = Decimal(str(row.get("min_score")).strip())
            high = row.get("max_score")
            high = None if high in (None, "") else Decimal(str(high).strip())
        except (InvalidOperation, ValueError, TypeError) as exc:
            raise ValidationError(_("Every band's bounds must be numbers.")) from exc
        specs.append(
            scoring.BandSpec(
                key=slugify(str(row.get("key") or row.get("name") or ""))[:40],
                name=str(row.get("name") or "").strip()[:80],
                min_score=low,
                max_score=high,
            )
        )
    problems = scoring.bands_problems(specs)
    if problems:
        raise ValidationError(problems)
    before = _band_rows(period)
    existing = {band.key: band for band in period.bands.all()}
    keep = set()
    for spec in specs:
        band = existing.get(spec.key) or Band(period=period, key=spec.key)
        band.name, band.min_score, band.max_score = spec.name, spec.min_score, spec.max_score
        band.save()
        keep.add(spec.key)
    Participant.objects.filter(period=period).exclude(band__isnull=True).update(band=None)
    period.bands.exclude(key__in=keep).delete()
    after = _band_rows(period)
    if before != after:
        _record(period, "bands_set", user=user, role=ROLE_ADMIN,
                changes={"bands": [before, after]})  # fmt: skip
    return list(period.bands.all())


@transaction.atomic
def categories_set(*, user, period: Period, categories: list[dict]) -> list[BodyCategory]:
    """Replace the categories of bodies (F55); one in use by a participant stays."""
    _require_admin(user, period)
    period = _locked_period(period)
    _require_draft(period)
    rows = []
    for row in categories:
        name = str(row.get("name") or "").strip()[:120]
        key = slugify(str(row.get("key") or name))[:40]
        if not key or not name:
            raise ValidationError(_("Every category needs a key and a name."))
        rows.append((key, name))
    if not rows:
        raise ValidationError(_("A period needs at least one category."))
    keys = [key for key, _name in rows]
    if len(set(keys)) != len(keys):
        raise ValidationError(_("Two categories have the same key."))
    existing = {c.key: c for c in period.categories.all()}
    in_use = set(
        period.participants.exclude(category__key__in=keys).values_list("category__name", flat=True)
    )
    if in_use:
        raise ValidationError(
            _("A category in use by a participant cannot be removed: %(names)s.")
            % {"names": ", ".join(sorted(in_use))}
        )
    before = [[c.key, c.name] for c in period.categories.all()]
    for order, (key, name) in enumerate(rows):
        category = existing.get(key) or BodyCategory(period=period, key=key)
        category.name, category.order = name, order
        category.save()
    period.categories.exclude(key__in=keys).delete()
    after = [[c.key, c.name] for c in period.categories.all()]
    if before != after:
        _record(period, "categories_set", user=user, role=ROLE_ADMIN,
                changes={"categories": [before, after]})  # fmt: skip
    return list(period.categories.all())


@transaction.atomic
def stage_set(*, user, period: Period, kind, opens_on, closes_on, weight=None) -> Stage:
    """A stage's dates (DRAFT or OPEN) and weight (DRAFT; weighted stages only, F53)."""
    _require_admin(user, period)
    period = _locked_period(period)
    _require_not_closed(period)
    if kind not in Stage.Kind.values:
        raise ValidationError({"kind": _("Choose a stage from the list.")})
    if not isinstance(opens_on, datetime.date) or not isinstance(closes_on, datetime.date):
        raise ValidationError({"opens_on": _("Enter both dates.")})
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("The last day cannot be before the first day.")})
    stage = period.stages.filter(kind=kind).first()
    old_weight = stage.weight if stage else Decimal("0")
    if weight is None:
        weight = old_weight
    weight = _decimal(weight, "weight")
    if weight and kind not in Stage.WEIGHTED:
        raise ValidationError(
            {"weight": _("Only the questionnaire, the visit and the presentation carry weight.")}
        )
    if weight != old_weight or stage is None:
        _require_draft(period)
    before = {
        "opens_on": stage.opens_on if stage else None,
        "closes_on": stage.closes_on if stage else None,
        "weight": old_weight if stage else None,
    }
    stage = stage or Stage(period=period, kind=kind)
    stage.opens_on, stage.closes_on, stage.weight = opens_on, closes_on, weight
    stage.save()
    changes = diff_fields(before, {"opens_on": opens_on, "closes_on": closes_on, "weight": weight})
    if changes:
        _record(period, "stage_set", user=user, role=ROLE_ADMIN, reason=kind, changes=changes)
    return stage


@transaction.atomic
def indicator_save(
    *, user, period: Period, code, name, weight, order=0, indicator: Indicator | None = None
) -> Indicator:
    """Create or change an indicator (F53: weights per period, totalling 100)."""
    _require_admin(user, period)
    period = _locked_period(period)
    _require_draft(period)
    if indicator is not None and indicator.period_id != period.pk:
        raise PermissionDenied
    code = _text(code, "code", max_length=10)
    name = _text(name, "name", max_length=200)
    weight = _decimal(weight, "weight")
    others = period.indicators.filter(code=code)
    if indicator is not None:
        others = others.exclude(pk=indicator.pk)
    if others.exists():
        raise ValidationError({"code": _("Another indicator of this period has this code.")})
    before = (
        {"code": indicator.code, "name": indicator.name, "weight": indicator.weight,
         "order": indicator.order}
        if indicator else {}
    )  # fmt: skip
    indicator = indicator or Indicator(period=period)
    indicator.code, indicator.name, indicator.weight = code, name, weight
    indicator.order = int(order or 0)
    indicator.save()
    changes = diff_fields(before, {"code": code, "name": name, "weight": weight,
                                   "order": indicator.order})  # fmt: skip
    if changes:
        _record(period, "indicator_saved", user=user, role=ROLE_ADMIN, reason=code,
                changes=changes)  # fmt: skip
    return indicator


@transaction.atomic
def indicator_delete(*, user, indicator: Indicator) -> None:
    period = indicator.period
    _require_admin(user, period)
    period = _locked_period(period)
    _require_draft(period)
    _record(period, "indicator_deleted", user=user, role=ROLE_ADMIN, reason=indicator.code,
            changes={"indicator": [indicator.code, None]})  # fmt: skip
    indicator.delete()


def _clean_levels(levels) -> list[tuple[str, Decimal]]:
    clean = []
    for item in levels or []:
        label, score = item
        label = str(label or "").strip()
        if not label:
            continue
        clean.append((label[:300], _decimal(score, "levels")))
    if len(clean) < 2:
        raise ValidationError({"levels": _("A question needs at least two answer levels.")})
    if not any(score == HUNDRED for _label, score in clean):
        raise ValidationError({"levels": _("One answer level must score 100.")})
    if len({label for label, _score in clean}) != len(clean):
        raise ValidationError({"levels": _("Two answer levels have the same text.")})
    return clean


@transaction.atomic
def question_save(
    *, user, indicator: Indicator, code, text, levels, guidance="", weight=1,
    evidence=Question.Evidence.FILE, evidence_required=True, system_evidence="", order=0,
    question: Question | None = None,
) -> Question:  # fmt: skip
    """Create or change a question and its answer levels (F57: each level scores 0-100)."""
    period = indicator.period
    _require_admin(user, period)
    period = _locked_period(period)
    _require_draft(period)
    if question is not None and question.indicator.period_id != period.pk:
        raise PermissionDenied
    code = _text(code, "code", max_length=12)
    text = _text(text, "text")
    weight = _decimal(weight, "weight", low=Decimal("0.01"), high=Decimal("1000"))
    if evidence not in Question.Evidence.values:
        raise ValidationError({"evidence": _("Choose the kind of evidence from the list.")})
    if (system_evidence or "") not in SystemEvidence.values:
        raise ValidationError({"system_evidence": _("Choose from the list.")})
    levels = _clean_levels(levels)
    others = indicator.questions.filter(code=code)
    if question is not None:
        others = others.exclude(pk=question.pk)
    if others.exists():
        raise ValidationError({"code": _("Another question of this indicator has this number.")})
    before = {}
    if question is not None:
        before = {
            "indicator": question.indicator.code, "code": question.code, "text": question.text,
            "weight": question.weight, "evidence": question.evidence,
            "evidence_required": question.evidence_required,
            "levels": [[lv.label, str(lv.score)] for lv in question.levels.all()],
        }  # fmt: skip
    question = question or Question()
    question.indicator = indicator
    question.code, question.text, question.guidance = code, text, (guidance or "").strip()
    question.weight, question.evidence = weight, evidence
    question.evidence_required = bool(evidence_required) and evidence != Question.Evidence.NONE
    question.system_evidence = system_evidence or ""
    question.order = int(order or 0)
    question.save()
    question.levels.all().delete()
    AnswerLevel.objects.bulk_create(
        AnswerLevel(question=question, label=label, score=score, order=i)
        for i, (label, score) in enumerate(levels)
    )
    after = {
        "indicator": indicator.code, "code": code, "text": text, "weight": weight,
        "evidence": evidence, "evidence_required": question.evidence_required,
        "levels": [[label, str(score)] for label, score in levels],
    }  # fmt: skip
    changes = diff_fields(before, after)
    if changes:
        _record(period, "question_saved", user=user, role=ROLE_ADMIN, reason=code,
                changes=changes)  # fmt: skip
    return question


@transaction.atomic
def question_delete(*, user, question: Question) -> None:
    period = question.indicator.period
    _require_admin(user, period)
    period = _locked_period(period)
    _require_draft(period)
    _record(period, "question_deleted", user=user, role=ROLE_ADMIN, reason=question.code,
            changes={"question": [question.code, None]})  # fmt: skip
    question.delete()


def period_problems(period: Period) -> list[str]:
    """What keeps the period from opening (translated), empty when it may open."""
    problems = []
    indicators = list(period.indicators.all())
    if not indicators:
        problems.append(_("The period has no indicators."))
    elif not scoring.weights_total_ok(i.weight for i in indicators):
        total = sum((i.weight for i in indicators), Decimal("0"))
        problems.append(_("The indicator weights total %(total)s%%, not 100%%.") % {"total": total})
    with_questions = set(
        Question.objects.filter(indicator__period=period).values_list("indicator_id", flat=True)
    )
    for indicator in indicators:
        if indicator.pk not in with_questions:
            problems.append(
                _("The indicator %(code)s has no questions.") % {"code": indicator.code}
            )
    stages = {s.kind: s for s in period.stages.all()}
    missing = [kind for kind in Stage.Kind.values if kind not in stages]
    for kind in missing:
        problems.append(_("The stage %(stage)s has no dates.") % {"stage": Stage.Kind(kind).label})
    weighted = [stages[k].weight for k in Stage.WEIGHTED if k in stages]
    if not scoring.weights_total_ok(weighted):
        total = sum(weighted, Decimal("0"))
        problems.append(
            _("The weights of the questionnaire, visit and presentation total %(total)s%%, "
              "not 100%%.") % {"total": total}
        )  # fmt: skip
    if not period.participants.exists():
        problems.append(_("The period has no participants."))
    problems.extend(
        scoring.bands_problems(
            scoring.BandSpec(b.key, b.name, b.min_score, b.max_score) for b in period.bands.all()
        )
    )
    return problems


@transaction.atomic
def period_open(*, user, period: Period) -> Period:
    _require_admin(user, period)
    period = _locked_period(period)
    _require_draft(period)
    problems = period_problems(period)
    if problems:
        raise ValidationError(problems)
    period.status = Period.Status.OPEN
    period.save(update_fields=["status"])
    _record(period, "opened", user=user, role=ROLE_ADMIN,
            changes={"status": [Period.Status.DRAFT, Period.Status.OPEN]})  # fmt: skip
    return period


@transaction.atomic
def participant_add(*, user, period: Period, body: Body, category: BodyCategory) -> Participant:
    _require_admin(user, period)
    period = _locked_period(period)
    _require_draft(period)
    if category.period_id != period.pk:
        raise ValidationError({"category": _("Choose a category of this period.")})
    if period.participants.filter(body=body).exists():
        raise ValidationError({"body": _("This body already takes part in the period.")})
    participant = Participant.objects.create(period=period, body=body, category=category)
    _record(participant, "registered", user=user, role=ROLE_ADMIN,
            changes={"category": [None, category.key]})  # fmt: skip
    return participant


@transaction.atomic
def participant_remove(*, user, participant: Participant) -> None:
    period = participant.period
    _require_admin(user, period)
    period = _locked_period(period)
    _require_draft(period)
    _record(period, "participant_removed", user=user, role=ROLE_ADMIN,
            reason=participant.body.name,
            changes={"participant": [participant.body.name, None]})  # fmt: skip
    participant.delete()


@transaction.atomic
def evaluator_appoint(
    *, user, period: Period, evaluator, kind, participants=None, sk_number=""
) -> Evaluator:
    """Appoint (or re-appoint) `evaluator` to the period as a verifier or panel member, for
    `participants` (none: all of them)."""
    _require_admin(user, period)
    period = _locked_period(period)
    _require_not_closed(period)
    if kind not in Evaluator.Kind.values:
        raise ValidationError({"kind": _("Choose verifier or panel member.")})
    if evaluator is None or not evaluator.is_active:
        raise ValidationError({"evaluator": _("Choose an active user.")})
    chosen = list(participants or [])
    if any(p.period_id != period.pk for p in chosen):
        raise ValidationError({"participants": _("Choose participants of this period.")})
    row, created = Evaluator.objects.get_or_create(
        period=period, user=evaluator, kind=kind, defaults={"sk_number": sk_number or ""}
    )
    before = {
        "active": None if created else row.active,
        "participants": [] if created else sorted(row.participants.values_list("pk", flat=True)),
        "sk_number": None if created else row.sk_number,
    }
    row.active = True
    row.sk_number = (sk_number or "").strip()[:120]
    row.save(update_fields=["active", "sk_number"])
    row.participants.set(chosen)
    changes = diff_fields(before, {"active": True, "sk_number": row.sk_number,
                                   "participants": sorted(p.pk for p in chosen)})  # fmt: skip
    if changes:
        _record(period, "evaluator_appointed", user=user, role=ROLE_ADMIN,
                reason=f"{evaluator.get_username()} ({kind})", changes=changes)  # fmt: skip
    return row


@transaction.atomic
def evaluator_revoke(*, user, evaluator_row: Evaluator) -> Evaluator:
    period = evaluator_row.period
    _require_admin(user, period)
    period = _locked_period(period)
    _require_not_closed(period)
    evaluator_row = Evaluator.objects.select_for_update().get(pk=evaluator_row.pk)
    if evaluator_row.active:
        evaluator_row.active = False
        evaluator_row.save(update_fields=["active"])
        _record(period, "evaluator_revoked", user=user, role=ROLE_ADMIN,
                reason=f"{evaluator_row.user.get_username()} ({evaluator_row.kind})",
                changes={"active": [True, False]})  # fmt: skip
    return evaluator_row


@transaction.atomic
def historical_result_save(
    *, user, body: Body, year, commission, qualification, score=None, rank=None,
    rank_scope="", source_url="", note="",
) -> HistoricalResult:  # fmt: skip
    """A result entered by hand for a year the product did not run (issue 5 §4)."""
    if not access.is_any_admin(user):
        raise PermissionDenied
    year = _check_year(year)
    if commission not in Commission.values:
        raise ValidationError({"commission": _("Choose an organiser from the list.")})
    qualification = _text(qualification, "qualification", max_length=80)
    score = None if score in (None, "") else _decimal(score, "score")
    if rank in (None, ""):
        rank = None
    else:
        try:
            rank = int(rank)
        except (TypeError, ValueError):
            rank = 0
        if rank < 1:
            raise ValidationError({"rank": _("Enter a rank of 1 or more.")})
    fields = {
        "qualification": qualification, "score": score, "rank": rank,
        "rank_scope": (rank_scope or "").strip()[:200],
        "source_url": _clean_link(source_url, "source_url"), "note": (note or "").strip(),
    }  # fmt: skip
    result = HistoricalResult.objects.filter(body=body, year=year, commission=commission).first()
    before = {key: getattr(result, key) for key in fields} if result else {}
    if result is None:
        result = HistoricalResult(body=body, year=year, commission=commission)
    for key, value in fields.items():
        setattr(result, key, value)
    result.save()
    changes = diff_fields(before, fields)
    if changes:
        _record(result, "saved", user=user, role=ROLE_ADMIN, changes=changes)
        public_pages_changed("monev")
    return result


# --- the exercise: the body's questionnaire -----------------------------------------------
def _locked_participant(participant: Participant) -> Participant:
    return (
        Participant.objects.select_for_update(of=("self",))
        .select_related("period", "body")
        .get(pk=participant.pk)
    )


def _require_body(user, participant: Participant) -> None:
    if participant.period.status not in access.RUNNING or not access.is_body_officer(
        user, participant
    ):
        raise PermissionDenied


def _require_saq_window(period: Period, now, *, submitting=False) -> None:
    """The SAQ stage's dates, its last day inclusive in Asia/Jakarta (F54)."""
    stage = _stage(period, Stage.Kind.QUESTIONNAIRE)
    today = _day(now)
    if stage is None:
        raise ValidationError(_("The questionnaire has no dates yet."), code="no_stage")
    if today < stage.opens_on:
        raise ValidationError(
            _("The questionnaire opens on %(date)s.") % {"date": _show_date(stage.opens_on)},
            code="not_yet",
        )
    if today > stage.closes_on:
        if submitting:
            message = _(
                "The questionnaire's deadline (%(date)s) has passed; it can no longer be submitted."
            )
        else:
            message = _(
                "The questionnaire's deadline (%(date)s) has passed; answers can no longer "
                "be changed."
            )
        raise ValidationError(message % {"date": _show_date(stage.closes_on)}, code="late")


def _require_not_submitted(participant: Participant) -> None:
    if participant.status != Participant.Status.REGISTERED:
        raise ValidationError(
            _("The questionnaire has been submitted; it can no longer be changed."),
            code="submitted",
        )


def _accepted_formats(period: Period) -> list[str]:
    return list(period.evidence_formats or []) or ["pdf"]


def _check_evidence_file(period: Period, upload):
    try:
        checked = check_upload(upload, max_bytes=period.evidence_max_bytes)
    except ValidationError as exc:
        raise ValidationError({"evidence_file": exc.messages}) from exc
    accepted = _accepted_formats(period)
    _mime, extensions = ALLOWED[checked.kind]
    if checked.kind not in accepted and not (extensions & set(accepted)):
        raise ValidationError(
            {"evidence_file": _("This type of file is not accepted here. Accepted: %(formats)s.")
             % {"formats": ", ".join(f.upper() for f in accepted)}}
        )  # fmt: skip
    return checked


def _delete_later(storage_file) -> None:
    if storage_file:
        name, storage = storage_file.name, storage_file.storage
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def answer_save(
    *, user, participant: Participant, question: Question, level: AnswerLevel | None,
    note="", evidence_file=None, evidence_link="", remove_evidence=False, now=None,
) -> Answer:  # fmt: skip
    """The body's answer to one question, saved as a draft until the questionnaire is
    submitted; within the SAQ stage only (F54)."""
    participant = _locked_participant(participant)
    _require_body(user, participant)
    period = participant.period
    _require_open(period)
    _require_not_submitted(participant)
    _require_saq_window(period, now)
    if question.indicator.period_id != period.pk:
        raise PermissionDenied
    if level is not None and level.question_id != question.pk:
        raise ValidationError({"level": _("Choose one of this question's answers.")})
    answer = Answer.objects.filter(participant=participant, question=question).first()
    answer = answer or Answer(participant=participant, question=question)
    before = {
        "level": _score_str(answer.level) if answer.pk else None,
        "note": answer.note, "evidence_name": answer.evidence_name,
        "evidence_link": answer.evidence_link,
    }  # fmt: skip
    answer.level = level
    answer.note = (note or "").strip()
    link = _clean_link(evidence_link)
    if link and question.evidence not in EVIDENCE_LINK:
        raise ValidationError({"evidence_link": _("This question does not take a link.")})
    answer.evidence_link = link
    if remove_evidence and answer.evidence_file:
        _delete_later(answer.evidence_file)
        answer.evidence_file = ""
        answer.evidence_name, answer.evidence_size, answer.evidence_sha256 = "", None, ""
    if evidence_file is not None:
        if question.evidence not in EVIDENCE_FILE:
            raise ValidationError({"evidence_file": _("This question does not take a file.")})
        checked = _check_evidence_file(period, evidence_file)
        if answer.evidence_file:
            _delete_later(answer.evidence_file)
        answer.evidence_file.save(checked.name, evidence_file, save=False)
        answer.evidence_name, answer.evidence_size = checked.name, checked.size
        answer.evidence_sha256 = checked.sha256
    answer.save()
    changes = diff_fields(before, {
        "level": _score_str(level), "note": answer.note, "evidence_name": answer.evidence_name,
        "evidence_link": answer.evidence_link,
    })  # fmt: skip
    if changes:
        _record(answer, "answer_saved", user=user, role=ROLE_BODY, reason=question.code,
                changes=changes)  # fmt: skip
    return answer


def questionnaire_problems(participant: Participant) -> list[str]:
    """What keeps the questionnaire from being submitted (translated)."""
    answers = {
        a.question_id: a
        for a in Answer.objects.filter(participant=participant).only(
            "question_id", "level_id", "evidence_file", "evidence_link"
        )
    }
    unanswered, no_file, no_link, no_evidence = [], [], [], []
    questions = Question.objects.filter(indicator__period_id=participant.period_id).order_by(
        "indicator__order", "order", "code"
    )
    for question in questions:
        answer = answers.get(question.pk)
        if answer is None or answer.level_id is None:
            unanswered.append(question.code)
            continue
        if not question.evidence_required:
            continue
        has_file, has_link = bool(answer.evidence_file), bool(answer.evidence_link)
        if question.evidence == Question.Evidence.FILE and not has_file:
            no_file.append(question.code)
        elif question.evidence == Question.Evidence.LINK and not has_link:
            no_link.append(question.code)
        elif question.evidence == Question.Evidence.FILE_OR_LINK and not (has_file or has_link):
            no_evidence.append(question.code)
    problems = []
    if unanswered:
        problems.append(_("Questions not answered: %(codes)s.") % {"codes": ", ".join(unanswered)})
    if no_file:
        problems.append(_("Evidence file missing: %(codes)s.") % {"codes": ", ".join(no_file)})
    if no_link:
        problems.append(_("Evidence link missing: %(codes)s.") % {"codes": ", ".join(no_link)})
    if no_evidence:
        problems.append(
            _("Evidence (a file or a link) missing: %(codes)s.") % {"codes": ", ".join(no_evidence)}
        )
    return problems


@transaction.atomic
def questionnaire_submit(*, user, participant: Participant, now=None) -> Participant:
    """Submit the questionnaire before the SAQ deadline (inclusive, WIB); read-only after."""
    participant = _locked_participant(participant)
    _require_body(user, participant)
    period = participant.period
    _require_open(period)
    _require_not_submitted(participant)
    _require_saq_window(period, now, submitting=True)
    problems = questionnaire_problems(participant)
    if problems:
        raise ValidationError(problems)
    moment = now or timezone.now()
    participant.status = Participant.Status.SUBMITTED
    participant.submitted_at, participant.submitted_by = moment, user
    participant.save(update_fields=["status", "submitted_at", "submitted_by"])
    _record(participant, "submitted", user=user, role=ROLE_BODY,
            changes={"status": [Participant.Status.REGISTERED,
                                Participant.Status.SUBMITTED]})  # fmt: skip
    return participant


# --- the exercise: evaluators -------------------------------------------------------------
def _require_evaluator(user, participant: Participant, kind: str) -> None:
    if not access.evaluates(user, participant, kind):
        raise PermissionDenied
    # Nobody evaluates his own body.
    if access.is_body_officer(user, participant):
        raise PermissionDenied


def _require_submitted(participant: Participant) -> None:
    if participant.status not in (Participant.Status.SUBMITTED, Participant.Status.VERIFIED):
        raise ValidationError(
            _("The body has not submitted its questionnaire."), code="not_submitted"
        )


def _locked_answer(answer: Answer) -> Answer:
    return (
        Answer.objects.select_for_update(of=("self",))
        .select_related("participant", "participant__period", "question", "verified_level")
        .get(pk=answer.pk)
    )


@transaction.atomic
def answer_verify(*, user, answer: Answer, level: AnswerLevel, note="", reason="") -> Answer:
    """The verifier's level for an answer (the questionnaire score uses these)."""
    answer = _locked_answer(answer)
    participant = answer.participant
    _require_evaluator(user, participant, Evaluator.Kind.VERIFIER)
    _require_open(participant.period)
    _require_submitted(participant)
    if level is None or level.question_id != answer.question_id:
        raise ValidationError({"level": _("Choose one of this question's answers.")})
    before = {"verified_score": _score_str(answer.verified_level),
              "verifier_note": answer.verifier_note}  # fmt: skip
    answer.verified_level = level
    answer.verifier_note = (note or "").strip()
    answer.verified_by, answer.verified_at = user, timezone.now()
    answer.save(update_fields=["verified_level", "verifier_note", "verified_by", "verified_at",
                               "updated_at"])  # fmt: skip
    changes = diff_fields(before, {"verified_score": str(level.score),
                                   "verifier_note": answer.verifier_note})  # fmt: skip
    if changes:
        _record(answer, "verified", user=user, role=ROLE_VERIFIER,
                reason=reason or answer.question.code, changes=changes)  # fmt: skip
    return answer


@transaction.atomic
def clarification_request(*, user, answer: Answer, question) -> Clarification:
    answer = _locked_answer(answer)
    participant = answer.participant
    _require_evaluator(user, participant, Evaluator.Kind.VERIFIER)
    _require_open(participant.period)
    _require_submitted(participant)
    text = _text(question, "question")
    clarification = Clarification.objects.create(answer=answer, asked_by=user, question=text)
    _record(answer, "clarification_requested", user=user, role=ROLE_VERIFIER, reason=text)
    return clarification


@transaction.atomic
def clarification_reply(*, user, clarification: Clarification, reply, link="") -> Clarification:
    clarification = (
        Clarification.objects.select_for_update(of=("self",))
        .select_related("answer", "answer__participant", "answer__participant__period")
        .get(pk=clarification.pk)
    )
    participant = clarification.answer.participant
    _require_body(user, participant)
    _require_open(participant.period)
    if clarification.replied_at is not None:
        raise ValidationError(_("This clarification has already been answered."))
    clarification.reply = _text(reply, "reply")
    clarification.reply_link = _clean_link(link, "link")
    clarification.replied_by, clarification.replied_at = user, timezone.now()
    clarification.save(update_fields=["reply", "reply_link", "replied_by", "replied_at"])
    _record(clarification.answer, "clarification_replied", user=user, role=ROLE_BODY,
            reason=clarification.reply)  # fmt: skip
    return clarification


@transaction.atomic
def objection_lodge(*, user, answer: Answer, reason, now=None) -> Objection:
    """The body's objection (sanggah) to a verified score, within the objection stage
    (F53: KI DKI Jakarta, three days), one pending per answer."""
    answer = _locked_answer(answer)
    participant = answer.participant
    _require_body(user, participant)
    period = participant.period
    _require_open(period)
    if answer.verified_level_id is None:
        raise ValidationError(_("Only a verified answer can be objected to."))
    stage = _stage(period, Stage.Kind.OBJECTION)
    today = _day(now)
    if stage is None or not (stage.opens_on <= today <= stage.closes_on):
        if stage is None:
            raise ValidationError(_("The objection window has no dates."), code="no_stage")
        raise ValidationError(
            _("Objections can be lodged from %(start)s to %(end)s only.")
            % {"start": _show_date(stage.opens_on), "end": _show_date(stage.closes_on)},
            code="outside_window",
        )
    if answer.objections.filter(decision=Objection.Decision.PENDING).exists():
        raise ValidationError(_("An objection to this answer is already awaiting a decision."))
    objection = Objection.objects.create(
        answer=answer, lodged_by=user, reason=_text(reason, "reason")
    )
    _record(answer, "objection_lodged", user=user, role=ROLE_BODY, reason=objection.reason)
    return objection


@transaction.atomic
def objection_decide(
    *, user, objection: Objection, decision, note, level: AnswerLevel | None = None
) -> Objection:
    """The verifiers' decision; upholding it changes the verified level (event old/new)."""
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("answer", "answer__participant", "answer__participant__period")
        .get(pk=objection.pk)
    )
    answer = _locked_answer(objection.answer)
    participant = answer.participant
    _require_evaluator(user, participant, Evaluator.Kind.VERIFIER)
    _require_open(participant.period)
    if objection.decision != Objection.Decision.PENDING:
        raise ValidationError(_("This objection has already been decided."))
    if decision not in (Objection.Decision.UPHELD, Objection.Decision.REJECTED):
        raise ValidationError({"decision": _("Choose upheld or rejected.")})
    note = _text(note, "decision_note")
    if decision == Objection.Decision.UPHELD:
        if level is None or level.question_id != answer.question_id:
            raise ValidationError({"level": _("An upheld objection needs the answer's new level.")})
        old = _score_str(answer.verified_level)
        answer.verified_level = level
        answer.verified_by, answer.verified_at = user, timezone.now()
        answer.save(update_fields=["verified_level", "verified_by", "verified_at", "updated_at"])
        if old != str(level.score):
            _record(answer, "verified", user=user, role=ROLE_VERIFIER,
                    reason=_("Objection upheld: %(note)s") % {"note": note},
                    changes={"verified_score": [old, str(level.score)]})  # fmt: skip
    objection.decision, objection.decision_note = decision, note
    objection.decided_by, objection.decided_at = user, timezone.now()
    objection.save(update_fields=["decision", "decision_note", "decided_by", "decided_at"])
    _record(answer, "objection_decided", user=user, role=ROLE_VERIFIER, reason=note,
            changes={"objection": [Objection.Decision.PENDING, decision]})  # fmt: skip
    return objection


@transaction.atomic
def panel_score_set(
    *, user, participant: Participant, stage, score, note="", reason=""
) -> PanelScore:
    """A panel member's visit or presentation score (0-100). The presentation is scored
    only for a body that qualified for it (F53: compute the results first)."""
    participant = _locked_participant(participant)
    _require_evaluator(user, participant, Evaluator.Kind.PANEL)
    _require_open(participant.period)
    _require_submitted(participant)
    if stage not in (Stage.Kind.VISIT, Stage.Kind.PRESENTATION):
        raise ValidationError({"stage": _("Choose the visit or the presentation.")})
    if stage == Stage.Kind.PRESENTATION and not participant.qualified_for_presentation:
        raise ValidationError(
            _("This body has not qualified for the presentation (its questionnaire score is "
              "below the threshold, or the results have not been computed yet).")
        )  # fmt: skip
    score = _decimal(score, "score")
    row = PanelScore.objects.filter(participant=participant, stage=stage, evaluator=user).first()
    old = str(row.score) if row else None
    row = row or PanelScore(participant=participant, stage=stage, evaluator=user)
    row.score, row.note = score, (note or "").strip()
    row.save()
    if old != str(score):
        _record(participant, "panel_scored", user=user, role=ROLE_PANEL, reason=reason or "",
                changes={f"{stage}_panel_score": [old, str(score)]})  # fmt: skip
    return row


# --- results ------------------------------------------------------------------------------
def _result_value(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


def load_spec(period: Period) -> tuple[scoring.PeriodSpec, dict[str, int]]:
    """The period's scoring configuration (and its band ids by key), in a few queries."""
    questions: dict[int, list] = {}
    for qid, indicator_id, weight in (
        Question.objects.filter(indicator__period=period)
        .order_by()
        .values_list("pk", "indicator_id", "weight")
    ):
        questions.setdefault(indicator_id, []).append((qid, weight))
    indicators = [
        scoring.IndicatorSpec(id=pk, code=code, weight=weight, questions=questions.get(pk, []))
        for pk, code, weight in period.indicators.order_by("order", "code").values_list(
            "pk", "code", "weight"
        )
    ]
    weights = dict(period.stages.values_list("kind", "weight"))
    band_rows = list(period.bands.values_list("pk", "key", "name", "min_score", "max_score"))
    bands = [scoring.BandSpec(key, name, low, high) for _pk, key, name, low, high in band_rows]
    spec = scoring.PeriodSpec(
        indicators=indicators, weights=weights, threshold=period.presentation_threshold,
        bands=bands,
    )  # fmt: skip
    return spec, {key: pk for pk, key, *_rest in band_rows}


def _raw_rows(queryset) -> list[tuple]:
    """The rows of a values_list of plain integer columns, without Django's per-row work
    (100,000 answers: a third of the time)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _write_results(changed: list[tuple[int, dict]], now) -> None:
    """UPDATE the changed participants' result fields: one UPDATE ... FROM (VALUES ...) per
    2,000 rows on PostgreSQL, one executemany elsewhere (bulk_update's CASE expressions
    take seconds for a thousand rows)."""
    names = (*RESULT_FIELDS, "computed_at")
    fields = [Participant._meta.get_field(name) for name in names]
    json_at = RESULT_FIELDS.index("indicator_scores")
    json_field = fields[json_at]
    when = fields[-1].get_db_prep_save(now, connection)
    rows = []
    for pk, new in changed:
        values = [_plain(new[name]) for name in RESULT_FIELDS]
        values[json_at] = json_field.get_db_prep_save(new["indicator_scores"], connection)
        rows.append([*values, when, pk])
    quote = connection.ops.quote_name
    table, key = quote(Participant._meta.db_table), quote(Participant._meta.pk.column)
    # Identifiers and types come from the model's own metadata; every value is a parameter.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            casts = [field.db_type(connection) for field in fields]
            columns = ", ".join(quote(field.column) for field in fields)
            assign = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in fields)
            row_sql = "({}, %s::bigint)".format(", ".join(f"%s::{cast}" for cast in casts))
            for start in range(0, len(rows), 2000):
                batch = rows[start : start + 2000]
                sql = (
                    f"UPDATE {table} SET {assign} FROM (VALUES "  # noqa: S608
                    + ", ".join([row_sql] * len(batch))
                    + f") AS v({columns}, _pk) WHERE {table}.{key} = v._pk"
                )
                cursor.execute(sql, [value for row in batch for value in row])
        else:
            assign = ", ".join(f"{quote(field.column)} = %s" for field in fields)
            cursor.executemany(f"UPDATE {table} SET {assign} WHERE {key} = %s", rows)  # noqa: S608


def _plain(value):
    # Decimals as text keep their two places on every backend (SQLite stores them as REAL
    # or TEXT either way; PostgreSQL casts to numeric).
    return str(value) if isinstance(value, Decimal) else value


@transaction.atomic
def results_compute(*, period: Period, user=None) -> dict:
    """Compute every participant's scores, band and rank (scoring.compute) and store the
    changed ones, each with an event {field: [old, new]}. Refused once CLOSED (frozen).

    A handful of queries whatever the size (issue 5 §7: 1,000 bodies × 100 questions in
    under a second): levels, answers and panel scores are read as tuples, the arithmetic is
    done in Python, and only the changed rows are written, in one executemany."""
    if user is not None:
        _require_admin(user, period)
    period = _locked_period(period)
    _require_not_closed(period)
    spec, band_ids = load_spec(period)
    level_scores = dict(
        AnswerLevel.objects.filter(question__indicator__period=period)
        .order_by()
        .values_list("pk", "score")
    )
    question_count = sum(len(i.questions) for i in spec.indicators)
    stored = {}
    inputs = {}
    for row in period.participants.order_by().values_list(
        "pk", "category_id", "status", "submitted_at", "self_score", "questionnaire_score",
        "visit_score", "presentation_score", "qualified_for_presentation", "final_score",
        "band_id", "rank", "indicator_scores",
    ):  # fmt: skip
        pk, category_id, status, submitted_at = row[:4]
        stored[pk] = dict(zip(RESULT_FIELDS, (*row[4:], status), strict=True))
        inputs[pk] = scoring.ParticipantInput(
            id=pk, category_id=category_id, submitted_at=submitted_at,
            submitted=status in (Participant.Status.SUBMITTED, Participant.Status.VERIFIED),
        )  # fmt: skip
    verified_count: dict[int, int] = {}
    # By the participants' ids and unordered: the join on the period and the default
    # ordering (five more joins and a sort) cost PostgreSQL seconds (measured).
    ids = list(inputs)
    rows = []
    for start in range(0, len(ids), 5000):
        rows += _raw_rows(
            Answer.objects.filter(participant_id__in=ids[start : start + 5000])
            .order_by()
            .values_list("participant_id", "question_id", "level_id", "verified_level_id")
        )
    for pk, qid, level_id, verified_id in rows:
        entry = inputs[pk]
        entry.self_levels[qid] = level_scores.get(level_id)
        if verified_id is not None:
            entry.verified_levels[qid] = level_scores.get(verified_id)
            verified_count[pk] = verified_count.get(pk, 0) + 1
    for pk, stage, score in (
        PanelScore.objects.filter(participant__period=period)
        .order_by()
        .values_list("participant_id", "stage", "score")
    ):
        if stage == Stage.Kind.VISIT:
            inputs[pk].visit_scores.append(score)
        else:
            inputs[pk].presentation_scores.append(score)

    results = scoring.compute(spec, inputs.values())
    now = timezone.now()
    changed, events = [], []
    actor = user if user is not None and user.is_authenticated else None
    content_type = None
    for result in results:
        old = stored[result.id]
        status = old["status"]
        if (
            status == Participant.Status.SUBMITTED
            and question_count
            and verified_count.get(result.id, 0) >= question_count
        ):
            status = Participant.Status.VERIFIED
        new = {
            "self_score": result.self_score,
            "questionnaire_score": result.questionnaire_score,
            "visit_score": result.visit_score,
            "presentation_score": result.presentation_score,
            "qualified_for_presentation": result.qualified,
            "final_score": result.final_score,
            "band_id": band_ids.get(result.band_key) if result.band_key else None,
            "rank": result.rank,
            "indicator_scores": result.indicator_scores,
            "status": status,
        }
        diff = {
            key: [_result_value(old[key]), _result_value(value)]
            for key, value in new.items()
            if old[key] != value
        }
        if not diff:
            continue
        if "band_id" in diff:
            keys = {pk: key for key, pk in band_ids.items()}
            diff["band"] = [keys.get(old["band_id"]), result.band_key]
            del diff["band_id"]
        changed.append((result.id, new))
        if content_type is None:
            content_type = ContentType.objects.get_for_model(Participant)
        events.append(
            Event(content_type=content_type, object_id=result.id, action="results_computed",
                  actor=actor, actor_role=ROLE_ADMIN if actor else ROLE_SYSTEM, changes=diff)
        )  # fmt: skip
    if changed:
        _write_results(changed, now)
        Event.objects.bulk_create(events)
    period.participants.exclude(pk__in=[pk for pk, _new in changed]).update(computed_at=now)
    return {
        "participants": len(results),
        "rated": sum(1 for r in results if r.final_score is not None),
        "changed": len(changed),
        "computed_at": now,
    }


@transaction.atomic
def period_close(*, user, period: Period) -> Period:
    """Compute the results one last time, mark those that never submitted as not rated
    (F51), and freeze the period."""
    _require_admin(user, period)
    period = _locked_period(period)
    _require_open(period)
    pending = Objection.objects.filter(
        answer__participant__period=period, decision=Objection.Decision.PENDING
    ).count()
    if pending:
        raise ValidationError(
            _("%(n)s objection(s) still await a decision: decide them before closing.")
            % {"n": pending}
        )
    results_compute(period=period, user=user)
    unrated = list(
        period.participants.filter(status=Participant.Status.REGISTERED).values_list(
            "pk", flat=True
        )
    )
    if unrated:
        Participant.objects.filter(pk__in=unrated).update(
            status=Participant.Status.NOT_RATED, final_score=None, band=None, rank=None
        )
        content_type = ContentType.objects.get_for_model(Participant)
        Event.objects.bulk_create(
            Event(content_type=content_type, object_id=pk, action="not_rated", actor=user,
                  actor_role=ROLE_ADMIN,
                  changes={"status": [Participant.Status.REGISTERED,
                                      Participant.Status.NOT_RATED]})
            for pk in unrated
        )  # fmt: skip
    period.status, period.closed_at = Period.Status.CLOSED, timezone.now()
    period.save(update_fields=["status", "closed_at"])
    _record(period, "closed", user=user, role=ROLE_ADMIN,
            changes={"status": [Period.Status.OPEN, Period.Status.CLOSED]})  # fmt: skip
    return period


@transaction.atomic
def period_publish(*, user, period: Period) -> Period:
    """Publish every result of a closed period at once (issue 5 §2); one per year, since
    the public pages and the API are by year."""
    _require_admin(user, period)
    period = _locked_period(period)
    if period.status != Period.Status.CLOSED:
        raise ValidationError(_("Only a closed period can be published."), code="not_closed")
    if period.published_at is not None:
        raise ValidationError(_("This period is already published."), code="published")
    # Lock the year's periods: two organisers publishing the same year wait for each other.
    same_year = list(
        Period.objects.select_for_update().filter(year=period.year).exclude(pk=period.pk)
    )
    if any(other.published_at is not None for other in same_year):
        raise ValidationError(
            _("Another period of %(year)s is already published; only one period per year can "
              "be public.") % {"year": period.year},
            code="year_taken",
        )  # fmt: skip
    period.published_at = timezone.now()
    period.save(update_fields=["published_at"])
    _record(period, "published", user=user, role=ROLE_ADMIN,
            changes={"published_at": [None, period.published_at.isoformat()]})  # fmt: skip
    public_pages_changed("monev")
    return period
