"""Public monev pages (issue 5 §4): the published periods, a period's ranking per category
of body with the distribution of qualifications, a body's result against its category's
average per indicator, a body's history across periods, and the downloads (results and
scoring sheet as XLSX, certificate as PDF).

Nothing shows before publication: access.published_period and access.public_participant
answer 404 for a draft, running, closed-but-unpublished or unknown period alike. Pages read
stored scores (results.py) with a few queries and are cached for anonymous visitors under
the "monev" namespace, which services bump on publication.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ppid.core.charts import bar_chart, grouped_bar_chart
from ppid.core.pagecache import cache_public_page, pages_version
from ppid.organizations.models import Body

from . import access, certificates, exports, results
from .models import Participant, Stage
from .scoring import TIE_BREAK_RULE

# Rows of the ranking per page: a thousand bodies are a few pages, each rendered quickly.
PAGE_SIZE = 200
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
@cache_public_page("monev")
def periods(request):
    published = list(access.published_periods().select_related("organizer").order_by("-year"))
    counts = results.period_counts([period.pk for period in published])
    rows = [{"period": period, **counts.get(period.pk, {})} for period in published]
    context = {"rows": rows, "has_demo": any(period.is_demo for period in published)}
    return render(request, "monev/public/periods.html", context)


def _category_filter(request, categories) -> tuple[object | None, list[str]]:
    key = (request.GET.get("kategori") or "").strip()
    if not key:
        return None, []
    for category in categories:
        if category.key == key:
            return category, []
    return None, [_("Unknown category of public body; showing every category.")]


def _ranking_groups(rows, bands, category_names, base: str) -> list[dict]:
    """The page's rows by category, as plain tuples: a thousand rows render quickly."""
    band_names = {band.pk: band.name for band in bands}
    groups = []
    for row in rows:
        if not groups or groups[-1]["id"] != row.category_id:
            groups.append({"id": row.category_id, "name": category_names.get(row.category_id),
                           "rows": []})  # fmt: skip
        groups[-1]["rows"].append(
            (row.rank, row.body_name, f"{base}{row.body_slug}/", row.final_score,
             band_names.get(row.band_id, ""), row.is_demo)
        )  # fmt: skip
    return groups


@require_safe
@cache_public_page("monev")
def ranking(request, year):
    period = access.published_period(year)
    bands = results.bands_of(period)
    categories = results.categories_of(period)
    chosen, notices = _category_filter(request, categories)
    dist = results.distribution(period, bands=bands, categories=categories)
    page = results.ranked_page(
        period, number=request.GET.get("page"), size=PAGE_SIZE,
        category_id=chosen.pk if chosen else None,
    )  # fmt: skip
    category_names = {category.pk: category.name for category in categories}
    base = reverse("monev:ranking", args=[period.year])
    missing = results.not_rated_bodies(period)
    by_category = dist.by_category()
    context = {
        "period": period,
        "bands": bands,
        "chosen": chosen,
        "groups": _ranking_groups(page.object_list, bands, category_names, base),
        "page": page,
        "not_rated": [
            (row.body_name, f"{base}{row.body_slug}/", category_names.get(row.category_id))
            for row in missing
            if chosen is None or row.category_id == chosen.pk
        ],
        "distribution": dist,
        "by_category": by_category,
        # Only the categories with public bodies in them are offered as filters.
        "filters": [row["category"] for row in by_category],
        "chart": bar_chart(
            "bands",
            _("Public bodies by qualification"),
            dist.overall(),
            value_header=_("Public bodies"),
        ),  # fmt: skip
        "tie_break_rule": TIE_BREAK_RULE,
        "notices": notices,
        "has_demo": period.is_demo or any(r.is_demo for r in page.object_list),
    }
    return render(request, "monev/public/ranking.html", context)


def _public_participant(year, body_slug) -> Participant:
    period = access.published_period(year)
    participant = access.public_participant(period=period, body_slug=body_slug)
    participant.period = period
    return participant


def _stage_rows(participant: Participant) -> list[dict]:
    weights = dict(participant.period.stages.filter(kind__in=Stage.WEIGHTED).values_list(
        "kind", "weight"
    ))  # fmt: skip
    rows = [
        {"label": _("Questionnaire (after verification)"), "kind": Stage.Kind.QUESTIONNAIRE,
         "score": participant.questionnaire_score},
        {"label": _("Site visit"), "kind": Stage.Kind.VISIT, "score": participant.visit_score},
        {"label": _("Presentation and public test"), "kind": Stage.Kind.PRESENTATION,
         "score": participant.presentation_score},
    ]  # fmt: skip
    for row in rows:
        row["weight"] = weights.get(row["kind"])
    # A stage without weight does not count: listed only when it was scored.
    return [r for r in rows if r["weight"] or r["score"]]


@require_safe
@cache_public_page("monev")
def participant(request, year, body_slug):
    participant = _public_participant(year, body_slug)
    period = participant.period
    indicators = results.indicators_of(period)
    comparison = results.category_comparison(participant)
    table = []
    for indicator in indicators:
        own = results.indicator_score(participant.indicator_scores, indicator.code)
        average = comparison.averages.get(indicator.code)
        table.append(
            {"indicator": indicator, "score": own, "average": average,
             "difference": own - average if own is not None and average is not None else None}
        )  # fmt: skip
    rated = participant.final_score is not None
    chart = None
    if rated and indicators:
        chart = grouped_bar_chart(
            "indicators",
            _("Score per indicator against the average of the category"),
            [(f"{row['indicator'].code}. {row['indicator'].name}", [row["score"], row["average"]])
             for row in table],
            series=[participant.body.name, _("Average of %(category)s") % {
                "category": participant.category.name}],
        )  # fmt: skip
    context = {
        "period": period,
        "participant": participant,
        "body": participant.body,
        "rated": rated,
        "table": table,
        "chart": chart,
        "comparison": comparison,
        "stages": _stage_rows(participant),
        "has_demo": period.is_demo or participant.body.is_demo,
    }
    return render(request, "monev/public/participant.html", context)


@require_safe
@cache_public_page("monev")
def body_history(request, body_slug):
    body = get_object_or_404(Body, slug=body_slug)
    rows = results.body_history(body)
    if not rows:
        raise Http404
    scored = [row for row in reversed(rows) if row.score is not None]
    several = len({row.year for row in scored}) < len(scored)
    chart_rows = [
        results.Row(
            str(row.year),
            f"{row.year} · {row.commission_label}" if several else str(row.year),
            row.score,
        )
        for row in scored
    ]
    context = {
        "body": body,
        "rows": rows,
        "chart": bar_chart(
            "history",
            _("Final score by year"),
            chart_rows,
            value_header=_("Score"),
            show_total=False,
            maximum=100,
        )
        if chart_rows
        else None,  # fmt: skip
        "has_demo": body.is_demo or any(row.is_demo for row in rows),
    }
    return render(request, "monev/public/body_history.html", context)


@require_safe
def results_xlsx(request, year):
    period = access.published_period(year)
    # A thousand bodies take a second to write: kept like the pages, and renewed when the
    # services change public monev data (the "monev" version).
    key = f"monev:results-xlsx:{pages_version('monev')}:{period.pk}"
    content = cache.get(key) if settings.PUBLIC_PAGE_CACHE_SECONDS > 0 else None
    if content is None:
        content = exports.results_workbook(period)
        if settings.PUBLIC_PAGE_CACHE_SECONDS > 0:
            cache.set(key, content, settings.PUBLIC_PAGE_CACHE_SECONDS)
    return _download(content, exports.results_filename(period), XLSX)


@require_safe
def scoring_sheet(request, year, body_slug):
    participant = _public_participant(year, body_slug)
    return _download(
        exports.scoring_sheet_workbook(participant),
        exports.scoring_sheet_filename(participant),
        XLSX,
    )


@require_safe
def certificate(request, year, body_slug):
    participant = _public_participant(year, body_slug)
    return _download(
        certificates.certificate_pdf(participant),
        certificates.certificate_filename(participant),
        "application/pdf",
    )
