"""Public monev API (issue 5 §5), mounted at /api/v1/monev:

- GET /periods: the published periods;
- GET /periods/{year}/ranking: {"year", "bands": [{"category", "min", "max"}],
  "results": [{"body", "body_category", "score", "category", "rank"}]}.

A period that is not published (or unknown) answers 404 with the API's error shape, like
the public pages (access.published_period). Scores are JSON numbers with two decimals.
"""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from ninja import Field, Router, Schema

from . import access, results
from .models import Commission

router = Router(tags=["monev"])


class ErrorOut(Schema):
    detail: str


class PeriodOut(Schema):
    year: int
    title: str
    commission: Commission = Field(description="Who organised the evaluation.")
    organizer: str = Field(description="The organising PPID office.")
    published_at: datetime.datetime
    participants: int = Field(description="Public bodies evaluated, rated or not.")
    rated: int = Field(description="Public bodies with a final score.")
    url: str = Field(description="The public ranking page.")
    ranking: str = Field(description="This API's ranking of the period.")


class BandOut(Schema):
    category: str = Field(description="The qualification, e.g. Informatif.")
    min: float = Field(description="Lowest score of the qualification (inclusive).")
    max: float = Field(
        description="Upper bound: exclusive, except for the top qualification whose "
        "maximum, 100, is included (F51)."
    )


class ResultOut(Schema):
    body: str = Field(description="The public body.")
    body_category: str = Field(description="The category of public body it is ranked in.")
    score: float | None = Field(description="Final score 0–100; null when not rated.")
    category: str | None = Field(description="The qualification; null when not rated.")
    rank: int | None = Field(description="Rank within its category; null when not rated.")


class RankingOut(Schema):
    year: int
    bands: list[BandOut]
    results: list[ResultOut]


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


@router.get(
    "/periods",
    response={200: list[PeriodOut]},
    summary="Published monev periods",
    description="Periods whose results are published, newest first. A period that is "
    "being configured, running or closed but not yet published is not listed.",
)
def periods(request):
    published = list(access.published_periods().select_related("organizer").order_by("-year"))
    counts = results.period_counts([period.pk for period in published])
    out = []
    # Public page URLs carry a language prefix; the API gives the default language's.
    with translation.override(settings.LANGUAGE_CODE):
        for period in published:
            count = counts.get(period.pk, {})
            out.append(
                {
                    "year": period.year,
                    "title": period.title,
                    "commission": period.commission,
                    "organizer": period.organizer.name,
                    "published_at": period.published_at,
                    "participants": count.get("bodies", 0),
                    "rated": count.get("rated", 0),
                    "url": _absolute(request, reverse("monev:ranking", args=[period.year])),
                    "ranking": _absolute(request, reverse("api:monev_ranking", args=[period.year])),
                }
            )
    return out


@router.get(
    "/periods/{year}/ranking",
    response={200: RankingOut, 404: ErrorOut},
    url_name="monev_ranking",
    summary="Ranking of a published period",
    description="Every public body of the period in ranking order: per category of public "
    "body (`body_category`) by rank, with its final score and qualification (`category`). "
    "Bodies that did not submit the questionnaire are not rated (F51): listed last, with "
    "null score, qualification and rank. Ties are broken by the rule on the public page. "
    "An unpublished or unknown period answers 404.",
)
def ranking(request, year: int):
    period = access.published_period(year)
    bands = results.bands_of(period)
    categories = {category.pk: category.name for category in results.categories_of(period)}
    band_names = {band.pk: band.name for band in bands}
    rows = [
        {
            "body": row.body_name,
            "body_category": categories.get(row.category_id, ""),
            "score": float(row.final_score),
            "category": band_names.get(row.band_id),
            "rank": row.rank,
        }
        for row in results.ranked_bodies(period)
    ]
    rows += [
        {
            "body": row.body_name,
            "body_category": categories.get(row.category_id, ""),
            "score": None,
            "category": None,
            "rank": None,
        }
        for row in results.not_rated_bodies(period)
    ]
    return {
        "year": period.year,
        "bands": [
            {
                "category": band.name,
                "min": float(band.min_score),
                "max": float(band.max_score) if band.max_score is not None else 100.0,
            }
            for band in bands
        ],
        "results": rows,
    }
