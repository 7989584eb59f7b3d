"""Reads of a period's stored results for the public pages, the API and the exports.

Scores are computed and stored on the participant by services.results_compute (and frozen
when the period closes), so everything here reads stored fields with a few queries and
never computes a score, whatever the number of bodies. Callers decide who may see what
(access.py): these functions take a period or a body the caller may already show.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from .models import Band, BodyCategory, HistoricalResult, Indicator, Participant, Period
from .scoring import rounded


@dataclass
class Row:
    """One row of a chart or table: key, label and count (ppid.core.charts)."""

    key: str
    label: str
    count: int | Decimal


@dataclass
class RankedBody:
    body_name: str
    body_slug: str
    is_demo: bool
    category_id: int
    final_score: Decimal | None
    band_id: int | None
    rank: int | None
    questionnaire_score: Decimal | None = None
    visit_score: Decimal | None = None
    presentation_score: Decimal | None = None
    qualified_for_presentation: bool = False
    status: str = ""
    indicator_scores: dict = field(default_factory=dict)


RANKED_FIELDS = (
    "body__name", "body__slug", "body__is_demo", "category_id", "final_score", "band_id",
    "rank", "questionnaire_score", "visit_score", "presentation_score",
    "qualified_for_presentation", "status",
)  # fmt: skip


def rated(queryset):
    """Participants with a final score. A body that never submitted its questionnaire has
    none: "tidak dinilai" (F51), no band and no rank."""
    return queryset.filter(final_score__isnull=False)


def not_rated(queryset):
    return queryset.filter(final_score__isnull=True)


def ranking_order(queryset):
    # Within a category by rank; bodies sharing a rank (equal on every tie-break) by name.
    return queryset.order_by("category__order", "category__name", "rank", "body__name")


def _ranked_values(period: Period, *, category_id=None, indicators=False):
    queryset = rated(period.participants.all())
    if category_id is not None:
        queryset = queryset.filter(category_id=category_id)
    names = RANKED_FIELDS + (("indicator_scores",) if indicators else ())
    return ranking_order(queryset).values_list(*names)


def _ranked(row, indicators=False) -> RankedBody:
    return RankedBody(
        body_name=row[0], body_slug=row[1], is_demo=row[2], category_id=row[3],
        final_score=row[4], band_id=row[5], rank=row[6], questionnaire_score=row[7],
        visit_score=row[8], presentation_score=row[9], qualified_for_presentation=row[10],
        status=row[11], indicator_scores=(row[12] or {}) if indicators else {},
    )  # fmt: skip


def ranked_bodies(period: Period, *, category_id=None, indicators=False) -> list[RankedBody]:
    """The rated participants of `period` in ranking order, as plain rows (one query)."""
    return [
        _ranked(row, indicators)
        for row in _ranked_values(period, category_id=category_id, indicators=indicators)
    ]


def ranked_page(period: Period, *, number, size: int, category_id=None):
    """One page of the ranking (a count and a slice: two queries whatever the size); its
    object_list holds RankedBody rows."""
    from django.core.paginator import Paginator

    page = Paginator(_ranked_values(period, category_id=category_id), size).get_page(number)
    page.object_list = [_ranked(row) for row in page.object_list]
    return page


def not_rated_bodies(period: Period) -> list[RankedBody]:
    queryset = not_rated(period.participants.all()).order_by(
        "category__order", "category__name", "body__name"
    )
    return [
        RankedBody(
            body_name=name,
            body_slug=slug,
            is_demo=demo,
            category_id=category_id,
            final_score=None,
            band_id=None,
            rank=None,
            status=status,
        )  # fmt: skip
        for name, slug, demo, category_id, status in queryset.values_list(
            "body__name", "body__slug", "body__is_demo", "category_id", "status"
        )
    ]


def period_counts(period_ids) -> dict[int, dict]:
    """{period id: {"bodies": participants, "rated": with a final score}} in one query."""
    rows = (
        Participant.objects.filter(period_id__in=list(period_ids))
        .order_by()
        .values("period_id")
        .annotate(bodies=Count("id"), rated=Count("id", filter=Q(final_score__isnull=False)))
    )
    return {row["period_id"]: {"bodies": row["bodies"], "rated": row["rated"]} for row in rows}


def bands_of(period: Period) -> list[Band]:
    """The period's band table, highest first (F51)."""
    return list(Band.objects.filter(period=period).order_by("-min_score"))


def categories_of(period: Period) -> list[BodyCategory]:
    return list(BodyCategory.objects.filter(period=period).order_by("order", "name"))


def indicators_of(period: Period) -> list[Indicator]:
    return list(Indicator.objects.filter(period=period).order_by("order", "code"))


@dataclass
class Distribution:
    """How many bodies reached each band, overall and per category (one GROUP BY)."""

    bands: list[Band]
    categories: list[BodyCategory]
    counts: dict  # (category id, band id or None) -> count; band None = not rated

    def overall(self) -> list[Row]:
        return [
            Row(band.key, band.name, sum(n for (_c, b), n in self.counts.items() if b == band.pk))
            for band in self.bands
        ]

    @property
    def rated(self) -> int:
        return sum(n for (_c, b), n in self.counts.items() if b is not None)

    @property
    def not_rated(self) -> int:
        return sum(n for (_c, b), n in self.counts.items() if b is None)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def by_category(self) -> list[dict]:
        """Per category of body: its counts per band (in band order), not rated, total."""
        out = []
        for category in self.categories:
            cells = [self.counts.get((category.pk, band.pk), 0) for band in self.bands]
            missing = self.counts.get((category.pk, None), 0)
            if sum(cells) or missing:
                out.append(
                    {"category": category, "cells": cells, "not_rated": missing,
                     "total": sum(cells) + missing}
                )  # fmt: skip
        return out


def distribution(period: Period, *, bands=None, categories=None) -> Distribution:
    counts = defaultdict(int)
    grouped = (
        period.participants.order_by().values_list("category_id", "band_id").annotate(n=Count("id"))
    )
    for category_id, band_id, n in grouped:
        counts[(category_id, band_id)] += n
    return Distribution(
        bands=bands if bands is not None else bands_of(period),
        categories=categories if categories is not None else categories_of(period),
        counts=dict(counts),
    )


@dataclass
class CategoryComparison:
    """A participant against the average of its category, per indicator (issue 5 §4)."""

    rated_count: int
    average_final: Decimal | None
    averages: dict  # indicator code -> Decimal | None


def category_comparison(participant: Participant) -> CategoryComparison:
    """Averages over the rated participants of the participant's category (one query);
    rounded half up to two places like every score (F51)."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    counts: dict[str, int] = defaultdict(int)
    finals = []
    rows = rated(
        Participant.objects.filter(
            period_id=participant.period_id, category_id=participant.category_id
        )
    ).values_list("final_score", "indicator_scores")
    for final, scores in rows:
        finals.append(final)
        for code, value in (scores or {}).items():
            try:
                totals[code] += Decimal(str(value))
            except ArithmeticError:
                continue
            counts[code] += 1
    return CategoryComparison(
        rated_count=len(finals),
        average_final=rounded(sum(finals) / len(finals)) if finals else None,
        averages={code: rounded(totals[code] / counts[code]) for code in totals if counts[code]},
    )


def indicator_score(scores: dict, code: str) -> Decimal | None:
    value = (scores or {}).get(code)
    if value is None or value == "":
        return None
    try:
        return rounded(Decimal(str(value)))
    except ArithmeticError:
        return None


def rated_in_category(participant: Participant) -> int:
    return rated(
        Participant.objects.filter(
            period_id=participant.period_id, category_id=participant.category_id
        )
    ).count()


@dataclass
class HistoryRow:
    """One year's result of a body: from a published period, or entered by hand."""

    year: int
    commission: str
    commission_label: str
    title: str
    qualification: str
    score: Decimal | None
    rank: int | None
    rank_scope: str
    period: Period | None = None
    category: str = ""
    source_url: str = ""
    note: str = ""
    is_demo: bool = False
    not_rated: bool = False


def body_history(body) -> list[HistoryRow]:
    """The body's results in published periods and its historical results, newest first.
    An unpublished period's participation is never read here (nothing leaks)."""
    from .models import Commission

    labels = dict(Commission.choices)
    rows = []
    participations = (
        Participant.objects.filter(
            body=body, period__status=Period.Status.CLOSED, period__published_at__isnull=False
        )
        .select_related("period", "category", "band")
        .order_by("-period__year")
    )
    for participant in participations:
        period = participant.period
        rows.append(
            HistoryRow(
                year=period.year,
                commission=period.commission,
                commission_label=str(labels.get(period.commission, period.commission)),
                title=period.title,
                qualification=participant.band.name if participant.band else "",
                score=participant.final_score,
                rank=participant.rank,
                rank_scope=participant.category.name,
                period=period,
                category=participant.category.name,
                is_demo=period.is_demo,
                not_rated=participant.final_score is None,
            )  # fmt: skip
        )
    for entry in HistoricalResult.objects.filter(body=body):
        rows.append(
            HistoryRow(
                year=entry.year,
                commission=entry.commission,
                commission_label=str(labels.get(entry.commission, entry.commission)),
                title="",
                qualification=entry.qualification,
                score=entry.score,
                rank=entry.rank,
                rank_scope=entry.rank_scope,
                source_url=entry.source_url,
                note=entry.note,
                is_demo=entry.is_demo,
            )  # fmt: skip
        )
    rows.sort(key=lambda r: (-r.year, r.commission))
    return rows
