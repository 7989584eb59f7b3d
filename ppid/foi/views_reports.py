"""Public statistics of the information service (UU 14/2008 Pasal 12, F14): every body
together and each body (with the bodies under it), by year. Counts only, never personal
data; every chart is an inline SVG drawn here with its table beside it."""

from urllib.parse import urlencode

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ppid.core.charts import bar_chart as core_bar_chart
from ppid.core.pagecache import cache_public_page
from ppid.organizations.models import Body

from . import reports
from .models import Outcome


def bar_chart(key: str, title: str, rows: list, *, value_header: str = "", show_total=True):
    """A bar chart of `rows` (reports.Row) for foi/reports/_chart.html; counts requests
    unless another header is given."""
    return core_bar_chart(
        key, title, rows, value_header=value_header or _("Requests"), show_total=show_total
    )


def statistics_charts(stats: reports.Statistics, *, by_body: bool = False) -> dict:
    """The charts of a statistics page or an annual report, by section of F14/F15."""
    requests, objections, cases = _("Requests"), _("Objections"), _("Cases")
    charts = {
        "month": bar_chart("month", _("Requests received by month"), stats.by_month),
        "channel": bar_chart("channel", _("Requests received by channel"), stats.by_channel),
        "timing": bar_chart(
            "timing", _("Working days from receipt to the written notice"), stats.timing
        ),
        "outcome": bar_chart("outcome", _("Requests by outcome"), stats.outcomes),
        "grounds": bar_chart(
            "grounds", _("Refusals by exemption ground (UU 14/2008 Pasal 17)"),
            [row for row in stats.rejection_grounds if row.count], value_header=requests,
        ),
        "objection_grounds": bar_chart(
            "objection_grounds", _("Objections by ground (UU 14/2008 Pasal 35)"),
            stats.objection_grounds, value_header=objections, show_total=False,
        ),
        "objection_outcomes": bar_chart(
            "objection_outcomes", _("Objections by outcome"), stats.objection_outcomes,
            value_header=objections,
        ),
        "disputes": bar_chart(
            "disputes", _("Information Commission disputes by stage"), stats.dispute_stages,
            value_header=cases,
        ),
        "courts": bar_chart(
            "courts", _("Court cases by stage"), stats.court_stages, value_header=cases
        ),
    }  # fmt: skip
    if by_body and stats.by_body:
        charts["body"] = bar_chart("body", _("Requests by public body"), stats.by_body)
    elif len(stats.by_office) > 1:
        charts["office"] = bar_chart(
            "office", _("Requests by handling PPID office"), stats.by_office
        )
    return charts


def statistics_summary(stats: reports.Statistics) -> list[tuple[str, object]]:
    average = stats.average_working_days
    return [
        (_("Requests received"), stats.received),
        (_("Granted in full"), stats.count("outcomes", Outcome.GRANTED_FULL)),
        (_("Granted in part"), stats.count("outcomes", Outcome.GRANTED_PART)),
        (_("Rejected"), stats.count("outcomes", Outcome.REJECTED)),
        (_("Information not held"), stats.count("outcomes", Outcome.NOT_HELD)),
        (_("Due date passed without a notice"), stats.late),
        (_("Average working days to the notice"), "–" if average is None else average),
        (_("Objections"), stats.objections),
    ]


def _year(request) -> tuple[int, list[str]]:
    raw = request.GET.get("year")
    year, ok = reports.valid_year(raw)
    notices = [] if ok else [_("That year is not available; showing %(year)s.") % {"year": year}]
    return year, notices


def _render(request, *, body, office_ids, by_body: bool):
    year, notices = _year(request)
    stats = reports.statistics(office_ids, year, by_body=by_body)
    context = {
        "body": body,
        "year": year,
        "years": reports.years_with_requests(office_ids, also=year),
        "stats": stats,
        "charts": statistics_charts(stats, by_body=by_body),
        "summary": statistics_summary(stats),
        "notices": notices,
        "has_demo": stats.has_demo or bool(body and body.is_demo),
        "bodies": Body.objects.filter(offices__isnull=False).distinct().order_by("name")
        .values_list("slug", "name"),
    }  # fmt: skip
    return render(request, "foi/reports/statistics.html", context)


@require_safe
@cache_public_page("foi_statistics")
def statistics_all(request):
    # The page's form picks a body and a year without JavaScript: a chosen body redirects.
    slug = request.GET.get("body", "").strip()
    if slug and Body.objects.filter(slug=slug).exists():
        url = reverse("foi_reports:statistics_body", args=[slug])
        year = request.GET.get("year", "").strip()
        return redirect(f"{url}?{urlencode({'year': year})}" if year else url)
    return _render(request, body=None, office_ids=None, by_body=True)


@require_safe
@cache_public_page("foi_statistics")
def statistics_body(request, slug):
    body = get_object_or_404(Body, slug=slug)
    return _render(request, body=body, office_ids=reports.body_tree_office_ids(body), by_body=False)
