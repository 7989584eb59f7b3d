"""Evidence the product itself holds about a body, shown beside a monev question (issue 5
§3): for information only, the evaluator decides; it never sets a score.

Each fact reads one module's records with one or two aggregate queries and says what it
found in plain figures ("no requests in 2026", never a 100 % of nothing):

- DIP: the latest decree establishing the body's DIP (F49) and its published items;
- berkala: the body's published periodic items and their review dates (F2: at least every
  six months, UU 14/2008 Pasal 9);
- requests: the share of the year's requests whose written notice was sent by the deadline
  (F18, D2, extended D3);
- objections: the year's objections by outcome and whether they were answered by D5
  (F28-F31);
- annual report: the report on the *previous* year (F15, D11: due three months after the
  year ends, so the monev of year Y reads the report on Y-1) and when it was sent;
- datasets: the datasets published in the data bank.

Scope: the registry facts read the body's own list (its DIP belongs to the body, F49). The
request-service facts and the datasets read the body's offices and those of the bodies under
it, as the body's public statistics page and its annual report do (reports.body_tree_office_ids,
F14, F15), so a provincial government is judged on its whole service.

A fact is "unknown" when the system cannot tell (the body keeps nothing here, or nothing
was due yet) and "none" when the system knows the obligation is not met.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ppid.databank.models import Dataset
from ppid.foi import reports
from ppid.foi.models import OPEN_STATUSES, AnnualReport, InformationRequest
from ppid.foi.models import Objection as FoiObjection
from ppid.organizations.models import Body, Office
from ppid.registry.models import Category, DipEstablishment, InformationItem

from .models import SystemEvidence

GOOD, PARTIAL, NONE, UNKNOWN = "good", "partial", "none", "unknown"
LEVELS = (GOOD, PARTIAL, NONE, UNKNOWN)


@dataclass(frozen=True)
class Fact:
    """What the product knows about one obligation of a body: a level for the eye, a
    translated summary with the figures, the figures themselves and where to check them."""

    key: str
    title: str
    level: str  # GOOD | PARTIAL | NONE | UNKNOWN
    summary: str
    figures: dict = field(default_factory=dict)
    url: str = ""


def _date(day: datetime.date | None) -> str:
    return formats.date_format(day, "j F Y") if day else ""


def _percent(part: int, whole: int) -> int:
    # Half up, as people round: 2 of 3 is 67 %.
    return (200 * part + whole) // (2 * whole)


def _scope(body: Body) -> tuple[list[int], list[int]]:
    """(the body's own office ids, the ids of its offices and those of the bodies under
    it): one query, the same tree as reports.body_tree_office_ids (three levels)."""
    rows = Office.objects.filter(
        Q(body=body) | Q(body__parent=body) | Q(body__parent__parent=body)
    ).values_list("pk", "body_id")
    tree = [pk for pk, _body in rows]
    own = [pk for pk, body_id in rows if body_id == body.pk]
    return own, tree


def _statistics_url(body: Body, year: int) -> str:
    return reverse("foi_reports:statistics_body", args=[body.slug]) + f"?year={year}"


# --- the registry: DIP and berkala items (F2, F49) -------------------------------------------


def _registry_facts(body: Body, year: int, on: datetime.date, uses_product: bool):
    title_dip = str(SystemEvidence.DIP.label)
    title_berkala = str(SystemEvidence.BERKALA.label)
    established = (
        DipEstablishment.objects.filter(body=body, sk_date__lte=on)
        .order_by("-version")
        .values("version", "sk_number", "sk_date", "year", "rows")
        .first()
    )
    items = InformationItem.objects.published().filter(body=body)
    counts = items.aggregate(
        published=Count("pk"),
        berkala=Count("pk", filter=Q(category=Category.BERKALA)),
        overdue=Count("pk", filter=Q(category=Category.BERKALA, next_review__lt=on)),
        undated=Count("pk", filter=Q(category=Category.BERKALA, next_review__isnull=True)),
        reviewed=Count("pk", filter=Q(category=Category.BERKALA, last_reviewed__year=year)),
    )
    published = counts["published"]

    # DIP: established by decree in the year (good), earlier (partial), never (none).
    figures = {"published_items": published, "established": None}
    if established:
        figures["established"] = {
            "version": established["version"],
            "sk_number": established["sk_number"],
            "sk_date": established["sk_date"].isoformat(),
            "rows": len(established["rows"] or []),
        }
        values = {
            "version": established["version"],
            "sk": established["sk_number"],
            "date": _date(established["sk_date"]),
            "rows": len(established["rows"] or []),
            "items": published,
        }
        if established["sk_date"].year == year:
            level = GOOD
            summary = _(
                "DIP established in %(year)s: version %(version)s, decree %(sk)s of %(date)s, "
                "%(rows)s rows. Items published now: %(items)s."
            ) % {**values, "year": year}
        else:
            level = PARTIAL
            summary = _(
                "DIP last established on %(date)s (version %(version)s, decree %(sk)s, "
                "%(rows)s rows); not established again in %(year)s. Items published now: "
                "%(items)s."
            ) % {**values, "year": year}
        url = reverse("registry:dip_versions", args=[body.slug])
    elif published:
        level = NONE
        summary = _("Items published: %(items)s, but no DIP has been established by decree.") % {
            "items": published
        }
        url = reverse("registry:dip", args=[body.slug])
    elif uses_product:
        level = NONE
        summary = _("No DIP: the body has published no information in this system.")
        url = ""
    else:
        level = UNKNOWN
        summary = _("The body keeps no DIP in this system.")
        url = ""
    dip = Fact(SystemEvidence.DIP.value, title_dip, level, summary, figures, url)

    # Berkala: every published periodic item reviewed within six months (F2).
    berkala, overdue, undated = counts["berkala"], counts["overdue"], counts["undated"]
    figures = {
        "berkala_items": berkala,
        "overdue": overdue,
        "without_review_date": undated,
        "reviewed_in_year": counts["reviewed"],
        "as_of": on.isoformat(),
    }
    if not berkala:
        level = NONE if uses_product else UNKNOWN
        summary = (
            _("No periodic (berkala) items are published.")
            if uses_product
            else _("The body keeps no DIP in this system.")
        )
    else:
        late = overdue + undated
        level = GOOD if not late else (NONE if late == berkala else PARTIAL)
        summary = _(
            "Periodic (berkala) items published: %(n)s; reviewed in %(year)s: %(reviewed)s; "
            "overdue for review on %(date)s: %(overdue)s."
        ) % {
            "n": berkala,
            "year": year,
            "reviewed": counts["reviewed"],
            "date": _date(on),
            "overdue": overdue,
        }
        if undated:
            summary += " " + _("Without a review date: %(n)s.") % {"n": undated}
    url = reverse("registry:dip", args=[body.slug]) if berkala else ""
    return dip, Fact(SystemEvidence.BERKALA.value, title_berkala, level, summary, figures, url)


# --- the request service (F14, F15, F18, F28-F31) --------------------------------------------


def _requests_fact(body: Body, year: int, on: datetime.date, office_ids: list[int]) -> Fact:
    title = str(SystemEvidence.REQUESTS.label)
    if not office_ids:
        return Fact(SystemEvidence.REQUESTS.value, title, UNKNOWN,
                    _("The body does not receive requests through this system."))  # fmt: skip
    # number_year is the local year of receipt (F17), as in the statistics and registers.
    requests = InformationRequest.objects.filter(number_year=year, office_id__in=office_ids)
    notified = Q(notified_at__isnull=False)
    # due_date is the deadline in force: D2, or D3 once extended (F19).
    counts = requests.aggregate(
        received=Count("pk"),
        on_time=Count("pk", filter=notified & Q(notified_at__date__lte=F("due_date"))),
        late=Count("pk", filter=notified & Q(notified_at__date__gt=F("due_date"))),
        overdue=Count(
            "pk", filter=Q(notified_at__isnull=True, status__in=OPEN_STATUSES, due_date__lt=on)
        ),
        pending=Count(
            "pk", filter=Q(notified_at__isnull=True, status__in=OPEN_STATUSES, due_date__gte=on)
        ),
    )
    received, on_time = counts["received"], counts["on_time"]
    late, overdue, pending = counts["late"], counts["overdue"], counts["pending"]
    # Withdrawn before a notice, or closed without one: no deadline was missed or met.
    due = on_time + late + overdue
    figures = {**counts, "due": due, "share_on_time": _percent(on_time, due) if due else None}
    url = _statistics_url(body, year)
    if not received:
        return Fact(SystemEvidence.REQUESTS.value, title, UNKNOWN,
                    _("No requests were received in %(year)s: nothing to measure.")
                    % {"year": year}, figures, url)  # fmt: skip
    if not due:
        return Fact(SystemEvidence.REQUESTS.value, title, UNKNOWN,
                    _("Requests received in %(year)s: %(n)s; none has reached its deadline "
                      "yet.") % {"year": year, "n": received}, figures, url)  # fmt: skip
    summary = _(
        "Requests received in %(year)s: %(n)s. Written notice within the deadline: %(on_time)s "
        "of %(due)s (%(share)s %%)."
    ) % {"year": year, "n": received, "on_time": on_time, "due": due,
         "share": figures["share_on_time"]}  # fmt: skip
    if late:
        summary += " " + _("Notice after the deadline: %(n)s.") % {"n": late}
    if overdue:
        summary += " " + _("Past the deadline without a notice: %(n)s.") % {"n": overdue}
    if pending:
        summary += " " + _("Not yet due: %(n)s.") % {"n": pending}
    level = GOOD if on_time == due else (NONE if not on_time else PARTIAL)
    return Fact(SystemEvidence.REQUESTS.value, title, level, summary, figures, url)


OBJECTION_DECIDED = {
    FoiObjection.Status.SETTLED,
    FoiObjection.Status.GRANTED,
    FoiObjection.Status.UPHELD,
}


def _objections_fact(body: Body, year: int, on: datetime.date, office_ids: list[int]) -> Fact:
    title = str(SystemEvidence.OBJECTIONS.label)
    if not office_ids:
        return Fact(SystemEvidence.OBJECTIONS.value, title, UNKNOWN,
                    _("The body does not receive requests through this system."))  # fmt: skip
    S = FoiObjection.Status
    decided = Q(status__in=OBJECTION_DECIDED)
    counts = reports.objection_register(office_ids, year).aggregate(
        lodged=Count("pk"),
        granted=Count("pk", filter=Q(status=S.GRANTED)),
        upheld=Count("pk", filter=Q(status=S.UPHELD)),
        settled=Count("pk", filter=Q(status=S.SETTLED)),
        pending=Count("pk", filter=~decided),
        # D5: the Atasan PPID answers within 30 working days (F30).
        decided_late=Count("pk", filter=decided & Q(decided_at__date__gt=F("due_date"))),
        overdue=Count("pk", filter=~decided & Q(due_date__lt=on)),
    )
    url = _statistics_url(body, year)
    if not counts["lodged"]:
        return Fact(SystemEvidence.OBJECTIONS.value, title, UNKNOWN,
                    _("No objections were lodged in %(year)s.") % {"year": year},
                    counts, url)  # fmt: skip
    summary = _(
        "Objections lodged in %(year)s: %(n)s. Granted: %(granted)s; PPID's decision upheld: "
        "%(upheld)s; settled by deliberation: %(settled)s; awaiting a decision: %(pending)s."
    ) % {"year": year, "n": counts["lodged"], **counts}
    missed = counts["decided_late"] + counts["overdue"]
    if counts["decided_late"]:
        summary += " " + _("Answered after the deadline: %(n)s.") % {"n": counts["decided_late"]}
    if counts["overdue"]:
        summary += " " + _("Past the deadline without an answer: %(n)s.") % {"n": counts["overdue"]}
    answered_on_time = counts["lodged"] - counts["pending"] - counts["decided_late"]
    level = GOOD if not missed else (NONE if not answered_on_time else PARTIAL)
    return Fact(SystemEvidence.OBJECTIONS.value, title, level, summary, counts, url)


def _annual_report_fact(body: Body, year: int, on: datetime.date, own_ids: list[int]) -> Fact:
    title = str(SystemEvidence.ANNUAL_REPORT.label)
    report_year = year - 1
    due = reports.annual_report_due(report_year)
    figures = {"report_year": report_year, "due": due.isoformat()}
    if not own_ids:
        return Fact(SystemEvidence.ANNUAL_REPORT.value, title, UNKNOWN,
                    _("The body has no PPID office in this system."), figures)  # fmt: skip
    # The PPID Utama's report consolidates its tree (F15); a body with only a Pelaksana
    # has that office's.
    report = (
        AnnualReport.objects.filter(office_id__in=own_ids, year=report_year)
        .order_by("-office__kind")  # descending, "utama" comes before "pelaksana"
        .values("sent_to_atasan_on", "sent_to_ki_on")
        .first()
    )
    url = _statistics_url(body, report_year)
    values = {"year": report_year, "due": _date(due)}
    to_ki = report and report["sent_to_ki_on"]
    to_atasan = report and report["sent_to_atasan_on"]
    figures.update(
        {
            "exists": report is not None,
            "sent_to_atasan_on": to_atasan.isoformat() if to_atasan else None,
            "sent_to_ki_on": to_ki.isoformat() if to_ki else None,
        }
    )
    if to_ki and to_ki <= due:
        level = GOOD
        summary = _(
            "Annual report %(year)s sent to the Information Commission on %(sent)s, within "
            "the deadline (%(due)s)."
        ) % {**values, "sent": _date(to_ki)}
    elif to_ki:
        level = PARTIAL
        summary = _(
            "Annual report %(year)s sent to the Information Commission on %(sent)s, after the "
            "deadline (%(due)s)."
        ) % {**values, "sent": _date(to_ki)}
    elif to_atasan:
        level = PARTIAL
        summary = _(
            "Annual report %(year)s sent to the Atasan PPID on %(sent)s; no copy recorded as "
            "sent to the Information Commission (due %(due)s)."
        ) % {**values, "sent": _date(to_atasan)}
    elif on <= due:
        level = UNKNOWN
        summary = _("Annual report %(year)s: not sent yet; due on %(due)s.") % values
    elif report is not None:
        level = NONE
        summary = (
            _("Annual report %(year)s drafted but not recorded as sent; it was due on %(due)s.")
            % values
        )
    else:
        level = NONE
        summary = _("No annual report %(year)s in this system; it was due on %(due)s.") % values
    return Fact(SystemEvidence.ANNUAL_REPORT.value, title, level, summary, figures, url)


# --- the data bank ---------------------------------------------------------------------------


def _datasets_fact(body: Body, year: int, office_ids: list[int]) -> Fact:
    title = str(SystemEvidence.DATASETS.label)
    if not office_ids:
        return Fact(SystemEvidence.DATASETS.value, title, UNKNOWN,
                    _("The body has no PPID office in this system."))  # fmt: skip
    counts = (
        Dataset.objects.public()
        .filter(office_id__in=office_ids)
        .aggregate(
            published=Count("pk"),
            updated_in_year=Count(
                "pk", filter=Q(published_at__year=year) | Q(modified_at__year=year)
            ),
            own=Count("pk", filter=Q(organization=body)),
        )
    )
    url = reverse("databank:catalogue")
    if not counts["published"]:
        return Fact(SystemEvidence.DATASETS.value, title, NONE,
                    _("No datasets are published in the data bank."), counts)  # fmt: skip
    summary = _(
        "Datasets published in the data bank: %(n)s; published or updated in %(year)s: %(recent)s."
    ) % {"n": counts["published"], "year": year, "recent": counts["updated_in_year"]}
    level = GOOD if counts["updated_in_year"] else PARTIAL
    if counts["own"] == counts["published"]:
        # All of them the body's own: the catalogue filtered to it shows exactly these.
        url += f"?organization={body.slug}"
    return Fact(SystemEvidence.DATASETS.value, title, level, summary, counts, url)


# --- entry point -------------------------------------------------------------------------------


def system_evidence_for(
    *, body: Body, year: int, today: datetime.date | None = None
) -> dict[str, Fact]:
    """What the product holds about `body` for the monev of `year`, keyed by
    models.SystemEvidence value. Read-only; about eight queries whatever the volumes.

    Review dates and deadlines are judged on `today` (Asia/Jakarta) for the current year
    and on 31 December for a past one."""
    today = today or timezone.localdate()
    on = min(today, datetime.date(year, 12, 31))
    own_ids, tree_ids = _scope(body)
    dip, berkala = _registry_facts(body, year, on, uses_product=bool(own_ids))
    facts = [
        dip,
        berkala,
        _requests_fact(body, year, on, tree_ids),
        _objections_fact(body, year, on, tree_ids),
        _annual_report_fact(body, year, on, own_ids),
        _datasets_fact(body, year, tree_ids),
    ]
    return {fact.key: fact for fact in facts}
