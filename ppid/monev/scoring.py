"""Monev scoring: a pure function from a period's configuration and its participants'
answers to scores, qualifications (bands) and ranks (domain.md §16). No models here:
services.results_compute loads rows into these dataclasses and stores what comes out.

Rules (CONTRACT, F51/F53):
- Every score is a Decimal with two places, rounded ROUND_HALF_UP. A question scores its
  chosen level's score (0-100); an unanswered or unverified question scores 0.
- Indicator score = Σ(question weight × score) / Σ(question weight).
- Questionnaire score = Σ(indicator weight × indicator score) / 100, from the verifier's
  levels (self score: the same from the body's own levels); computed from the exact
  indicator scores, then rounded.
- Visit / presentation score = the mean of the panel members' scores (none → 0). The
  presentation counts only for a body whose questionnaire score reaches the period's
  threshold (F53: KI DKI Jakarta 2024, minimum 65); the others get 0 for it.
- Final score = (questionnaire × w_saq + visit × w_visit + presentation × w_pres) / 100,
  from the rounded stage scores (the published figures add up), rounded.
- The band is decided on the rounded final score: lower bound inclusive, upper bound
  exclusive, the top band (max None) includes 100 (F51: 89.99 → Menuju Informatif,
  90.00 → Informatif).
- A participant that never submitted is not rated ("tidak dinilai", F51): no score, no
  band, no rank.
- Ranks are per category, competition ranking ("1, 2, 2, 4"), ties broken by TIE_BREAK_RULE.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")

# Stage.Kind values of the weighted stages (kept as strings: this module imports no models).
QUESTIONNAIRE = "saq"
VISIT = "visit"
PRESENTATION = "presentation"
WEIGHTED_STAGES = (QUESTIONNAIRE, VISIT, PRESENTATION)

TIE_BREAK_RULE = gettext_lazy(
    "Bodies are ranked within their category by final score. Equal final scores are "
    "ordered by the higher questionnaire score, then the higher presentation score, then "
    "the higher visit score, then the earlier submission of the questionnaire; bodies "
    "still equal share the same rank, and the next rank is skipped (1, 2, 2, 4)."
)


def rounded(value) -> Decimal:
    """Two places, ROUND_HALF_UP (F51: scores are shown and banded at two decimals)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class BandSpec:
    key: str
    name: str
    min_score: Decimal
    max_score: Decimal | None  # None: the top band, up to and including 100


# F51: Informatif 90-100, Menuju Informatif 80-<90, Cukup 60-<80, Kurang 40-<60, Tidak <40.
DEFAULT_BANDS = (
    BandSpec("informatif", "Informatif", Decimal("90"), None),
    BandSpec("menuju-informatif", "Menuju Informatif", Decimal("80"), Decimal("90")),
    BandSpec("cukup-informatif", "Cukup Informatif", Decimal("60"), Decimal("80")),
    BandSpec("kurang-informatif", "Kurang Informatif", Decimal("40"), Decimal("60")),
    BandSpec("tidak-informatif", "Tidak Informatif", Decimal("0"), Decimal("40")),
)


def band_for(score, bands) -> BandSpec | None:
    """The band of `score` (rounded to two places first): min ≤ score < max, the top band
    (max None) open above. None for no score or a score outside the table."""
    if score is None:
        return None
    score = rounded(score)
    for band in bands:
        if score >= band.min_score and (band.max_score is None or score < band.max_score):
            return band
    return None


def bands_problems(bands) -> list[str]:
    """What is wrong with a band table (translated), empty when it covers 0-100 exactly
    once: no gap, no overlap, one top band with no upper bound."""
    bands = list(bands)
    if not bands:
        return [_("The band table is empty.")]
    problems = []
    keys = [band.key for band in bands]
    if any(not key for key in keys) or any(not band.name for band in bands):
        problems.append(_("Every band needs a key and a name."))
    if len(set(keys)) != len(keys):
        problems.append(_("Two bands have the same key."))
    for band in bands:
        if band.min_score is None or not (ZERO <= band.min_score <= HUNDRED):
            problems.append(_("A band's lower bound must be between 0 and 100."))
            return problems
        if band.max_score is not None and not (band.min_score < band.max_score <= HUNDRED):
            problems.append(
                _("The band %(name)s must end above its lower bound and at most at 100.")
                % {"name": band.name}
            )
            return problems
    tops = [band for band in bands if band.max_score is None]
    if len(tops) != 1:
        problems.append(_("Exactly one band (the top one) must have no upper bound."))
        return problems
    ordered = sorted(bands, key=lambda band: band.min_score)
    if ordered[0].min_score != ZERO:
        problems.append(_("The lowest band must start at 0."))
    if ordered[-1].max_score is not None:
        problems.append(_("The band without an upper bound must be the highest one."))
        return problems
    for lower, upper in zip(ordered, ordered[1:], strict=False):
        if lower.max_score != upper.min_score:
            problems.append(
                _("The bands %(lower)s and %(upper)s leave a gap or overlap.")
                % {"lower": lower.name, "upper": upper.name}
            )
    return problems


def weights_total_ok(weights) -> bool:
    """Whether the weights total exactly 100 (indicators, weighted stages: F53)."""
    return sum((Decimal(w or 0) for w in weights), ZERO) == HUNDRED


@dataclass(frozen=True)
class IndicatorSpec:
    id: int
    code: str
    weight: Decimal
    questions: list[tuple[int, Decimal]]  # (question id, weight within the indicator)


@dataclass(frozen=True)
class PeriodSpec:
    indicators: list[IndicatorSpec]
    weights: dict[str, Decimal]  # stage kind -> weight (%)
    threshold: Decimal = ZERO
    bands: tuple[BandSpec, ...] | list[BandSpec] = DEFAULT_BANDS


@dataclass
class ParticipantInput:
    id: int
    category_id: int
    submitted: bool
    submitted_at: datetime.datetime | None = None
    self_levels: dict[int, Decimal | None] = field(default_factory=dict)
    verified_levels: dict[int, Decimal | None] = field(default_factory=dict)
    visit_scores: list[Decimal] = field(default_factory=list)
    presentation_scores: list[Decimal] = field(default_factory=list)


@dataclass
class ParticipantResult:
    id: int
    self_score: Decimal | None = None
    questionnaire_score: Decimal | None = None
    visit_score: Decimal | None = None
    presentation_score: Decimal | None = None
    qualified: bool = False
    final_score: Decimal | None = None
    band_key: str | None = None
    rank: int | None = None
    indicator_scores: dict[str, str] = field(default_factory=dict)


def _mean(scores) -> Decimal:
    scores = [Decimal(s) for s in scores if s is not None]
    if not scores:
        return ZERO
    return sum(scores, ZERO) / len(scores)


class _Questionnaire:
    """The indicator table prepared once: (code, weight, [(qid, weight)], total weight)."""

    def __init__(self, indicators):
        self.rows = []
        for indicator in indicators:
            questions = [(qid, Decimal(w)) for qid, w in indicator.questions]
            total = sum((w for _qid, w in questions), ZERO)
            self.rows.append((indicator.code, Decimal(indicator.weight), questions, total))

    def score(self, levels) -> tuple[Decimal, dict[str, Decimal]]:
        """(exact questionnaire score, {indicator code: exact indicator score})."""
        get = levels.get
        total = ZERO
        per_indicator = {}
        for code, weight, questions, question_total in self.rows:
            if question_total:
                points = ZERO
                for qid, qweight in questions:
                    level = get(qid)
                    if level is not None:
                        points += qweight * level
                value = points / question_total
            else:
                value = ZERO
            per_indicator[code] = value
            total += weight * value
        return total / HUNDRED, per_indicator


def score_participant(spec: PeriodSpec, participant: ParticipantInput, *, questionnaire=None):
    """The scores of one participant, without its rank (see compute)."""
    if not participant.submitted:
        return ParticipantResult(id=participant.id)
    questionnaire = questionnaire or _Questionnaire(spec.indicators)
    self_exact, _self_indicators = questionnaire.score(participant.self_levels)
    verified_exact, indicators = questionnaire.score(participant.verified_levels)
    saq = rounded(verified_exact)
    visit = rounded(_mean(participant.visit_scores))
    # F53: only a body reaching the threshold goes on to (and is scored for) the presentation.
    qualified = saq >= Decimal(spec.threshold or 0)
    presentation = rounded(_mean(participant.presentation_scores)) if qualified else rounded(0)
    weights = spec.weights
    final = rounded(
        (
            saq * Decimal(weights.get(QUESTIONNAIRE) or 0)
            + visit * Decimal(weights.get(VISIT) or 0)
            + presentation * Decimal(weights.get(PRESENTATION) or 0)
        )
        / HUNDRED
    )
    band = band_for(final, spec.bands)
    return ParticipantResult(
        id=participant.id,
        self_score=rounded(self_exact),
        questionnaire_score=saq,
        visit_score=visit,
        presentation_score=presentation,
        qualified=qualified,
        final_score=final,
        band_key=band.key if band else None,
        indicator_scores={code: str(rounded(value)) for code, value in indicators.items()},
    )


_LATEST = datetime.datetime.max.replace(tzinfo=datetime.UTC)


def _rank_key(result: ParticipantResult, submitted_at):
    # TIE_BREAK_RULE: higher final, questionnaire, presentation, visit; earlier submission.
    return (
        -result.final_score,
        -result.questionnaire_score,
        -result.presentation_score,
        -result.visit_score,
        submitted_at or _LATEST,
    )


def assign_ranks(results, participants) -> None:
    """Competition ranks ("1, 2, 2, 4") within each category, in place; unrated → None."""
    by_id = {p.id: p for p in participants}
    groups: dict[int, list] = {}
    for result in results:
        result.rank = None
        if result.final_score is None:
            continue
        participant = by_id[result.id]
        key = _rank_key(result, participant.submitted_at)
        groups.setdefault(participant.category_id, []).append((key, result))
    for members in groups.values():
        members.sort(key=lambda item: item[0])
        previous_key, previous_rank = None, 0
        for position, (key, result) in enumerate(members, start=1):
            if key != previous_key:
                previous_key, previous_rank = key, position
            result.rank = previous_rank


def compute(spec: PeriodSpec, participants) -> list[ParticipantResult]:
    """Scores, bands and ranks of every participant, in the order given."""
    participants = list(participants)
    questionnaire = _Questionnaire(spec.indicators)
    results = [score_participant(spec, p, questionnaire=questionnaire) for p in participants]
    assign_ranks(results, participants)
    return results
