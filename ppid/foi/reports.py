"""Registers, statistics and the annual report of the request service (F14, F15, F27, F31,
domain.md §15 items 8 and 10), read in bulk from the registers: a handful of aggregate
queries per report and never a query per row, so a year of 100,000 requests stays fast.
Statistics are always computed from the case records, never from hand-entered totals
(§17 #10). The only write here is the annual report's narrative (F15 a, d, e).
"""

import calendar as month_calendar
import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import ExtractMonth, TruncDate
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ppid.core.calendar import Calendar, Policy
from ppid.core.events import diff_fields, event_record
from ppid.organizations.access import office_ids_for, offices_for, role_in_office
from ppid.organizations.models import Body, Office, Role
from ppid.registry.models import Pasal17

from .access import HANDLER_ROLES, READER_ROLES
from .models import (
    OPEN_STATUSES,
    AnnualReport,
    Channel,
    CopyFormat,
    CourtCase,
    Dispute,
    Fee,
    InformationRequest,
    Notice,
    Objection,
    ObjectionGround,
    ObtainMethod,
    Outcome,
)
from .privacy import MASK, mask_address, mask_phone
from .rules import LIMITS

# --- who may read what ------------------------------------------------------------------

# Registers and reports are read by the office tree's handlers, the Atasan PPID and the
# leader (access.READER_ROLES); personal data in them is shown to handlers only (§6).
# The annual report's narrative is written by the office's PPID (F15).
EDITOR_ROLES = {Role.PPID_UTAMA, Role.PPID_PELAKSANA}

FIRST_YEAR = 2010  # UU 14/2008 in force 30 April 2010 (domain.md §1)


def report_offices(user):
    """Offices whose registers and reports `user` may read."""
    return offices_for(user, READER_ROLES)


def report_office_for(user, slug) -> Office:
    """The office `slug` if `user` may read its registers; 404 otherwise, like a missing one."""
    try:
        return report_offices(user).select_related("body", "parent").get(slug=slug)
    except (Office.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def can_see_personal_data(user, office: Office) -> bool:
    return office.pk in office_ids_for(user, HANDLER_ROLES)


def can_edit_annual_report(user, office: Office) -> bool:
    return office.pk in office_ids_for(user, EDITOR_ROLES)


def office_tree_ids(office: Office) -> list[int]:
    """The office and the offices under it: a PPID Utama's registers and report consolidate
    its whole tree (F15; offices are at most three levels deep)."""
    return list(
        Office.objects.filter(
            Q(pk=office.pk) | Q(parent_id=office.pk) | Q(parent__parent_id=office.pk)
        ).values_list("pk", flat=True)
    )


def body_tree_office_ids(body: Body) -> list[int]:
    """The offices of a body and of the bodies under it (the province's consolidated view)."""
    return list(
        Office.objects.filter(
            Q(body=body) | Q(body__parent=body) | Q(body__parent__parent=body)
        ).values_list("pk", flat=True)
    )


def valid_year(raw, *, default: int | None = None) -> tuple[int, bool]:
    """(year, ok): a year between 2010 and the current one; otherwise the default year."""
    today = timezone.localdate()
    fallback = default or today.year
    try:
        year = int(str(raw).strip())
    except (TypeError, ValueError):
        return fallback, raw in (None, "")
    if FIRST_YEAR <= year <= today.year:
        return year, True
    return fallback, False


def years_with_requests(
    office_ids: list[int] | None = None, *, also: int | None = None
) -> list[int]:
    """Years that have requests (newest first), always with the current year and `also`."""
    requests = InformationRequest.objects.all()
    if office_ids is not None:
        requests = requests.filter(office_id__in=office_ids)
    years = set(requests.values_list("number_year", flat=True).distinct())
    years.add(timezone.localdate().year)
    if also:
        years.add(also)
    return sorted(years, reverse=True)


def _requests(office_ids: list[int] | None, year: int):
    # number_year is the local year of receipt (C7), issued with the number (F17).
    requests = InformationRequest.objects.filter(number_year=year)
    if office_ids is not None:
        requests = requests.filter(office_id__in=office_ids)
    return requests


def _objections(office_ids: list[int] | None, year: int):
    objections = Objection.objects.filter(number_year=year)
    if office_ids is not None:
        objections = objections.filter(request__office_id__in=office_ids)
    return objections


def _year_range(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _disputes(office_ids: list[int] | None, year: int):
    disputes = Dispute.objects.filter(filed_on__range=_year_range(year))
    if office_ids is not None:
        disputes = disputes.filter(objection__request__office_id__in=office_ids)
    return disputes


def _court_cases(office_ids: list[int] | None, year: int):
    cases = CourtCase.objects.filter(filed_on__range=_year_range(year))
    if office_ids is not None:
        cases = cases.filter(dispute__objection__request__office_id__in=office_ids)
    return cases


# --- working days to the notice (F14 b, §15 item 10) --------------------------------------


@dataclass(frozen=True)
class Bucket:
    key: str
    low: int
    high: int | None  # inclusive; None = no upper bound


# §15 item 10: within D2 (10 hk), within D2 + the one extension (17 hk, F19), later.
TIME_BUCKETS = [
    Bucket("within_10", 0, LIMITS.response_wd),
    Bucket("within_17", LIMITS.response_wd + 1, LIMITS.response_wd + LIMITS.extension_wd),
    Bucket("over_17", LIMITS.response_wd + LIMITS.extension_wd + 1, None),
]


def bucket_labels() -> dict[str, str]:
    within = LIMITS.response_wd
    extended = LIMITS.response_wd + LIMITS.extension_wd
    return {
        "within_10": _("Within %(n)s working days") % {"n": within},
        "within_17": _("%(low)s–%(high)s working days") % {"low": within + 1, "high": extended},
        "over_17": _("More than %(n)s working days") % {"n": extended},
        "no_notice": _("No written notice yet"),
    }


def bucket_for(working_days: int) -> str:
    for bucket in TIME_BUCKETS:
        if working_days >= bucket.low and (bucket.high is None or working_days <= bucket.high):
            return bucket.key
    return TIME_BUCKETS[-1].key


class WorkingDayCounter:
    """Working days between two dates for many requests: the calendar is read once per
    counting policy for the whole span, then each pair costs two dictionary look-ups."""

    def __init__(self, start: datetime.date, end: datetime.date):
        self.start, self.end = start, end
        self._cumulative: dict[tuple, dict[datetime.date, int]] = {}

    def _table(self, policy: Policy) -> dict[datetime.date, int]:
        key = (policy.cuti_bersama_is_working_day, policy.work_week, policy.region)
        if key not in self._cumulative:
            days = Calendar(policy, self.start, self.end)
            table, count, day = {}, 0, self.start
            while day <= self.end:
                if day != self.start and days.reason_off(day) is None:
                    count += 1
                table[day] = count
                day += datetime.timedelta(days=1)
            self._cumulative[key] = table
        return self._cumulative[key]

    def between(self, policy: Policy, day0: datetime.date, day: datetime.date) -> int:
        """Working days in (day0, day]: the notice on the N-th working day after day 0 (C1)
        took N; a notice on day 0 itself, or before it, took 0."""
        if day <= day0:
            return 0
        table = self._table(policy)
        return table[day] - table[day0]


@dataclass
class NoticeTimes:
    buckets: Counter
    notices: int = 0
    working_days: int = 0  # summed over the notices

    @property
    def average(self) -> float | None:
        return round(self.working_days / self.notices, 1) if self.notices else None


def notice_times(requests) -> NoticeTimes:
    """Working days from day 0 to the written notice of the notified requests, each counted
    with the policy stored with its deadline (C8). The database groups the requests by
    (policy, day 0, local date of the notice): a year's worth is a few thousand groups."""
    groups = list(
        requests.filter(notified_at__isnull=False)
        .annotate(notice_day=TruncDate("notified_at"))  # the local date (C7)
        .order_by()
        .values_list("policy", "counting_from", "notice_day")
        .annotate(n=Count("pk"))
    )
    times = NoticeTimes(Counter())
    if not groups:
        return times
    start = min(min(day0, day) for _p, day0, day, _n in groups)
    end = max(max(day0, day) for _p, day0, day, _n in groups)
    counter = WorkingDayCounter(start, end)
    policies: dict[str, Policy] = {}
    for stored, day0, day, n in groups:
        key = repr(sorted((stored or {}).items()))
        if key not in policies:
            policies[key] = Policy.from_dict(stored or {})
        days = counter.between(policies[key], day0, day)
        times.buckets[bucket_for(days)] += n
        times.notices += n
        times.working_days += days * n
    return times


# --- statistics (F14; F15 b and c) ---------------------------------------------------------


@dataclass
class Row:
    key: str
    label: str
    count: int


@dataclass
class Statistics:
    year: int
    received: int = 0
    by_channel: list[Row] = field(default_factory=list)
    by_month: list[Row] = field(default_factory=list)
    by_office: list[Row] = field(default_factory=list)
    by_body: list[Row] = field(default_factory=list)
    outcomes: list[Row] = field(default_factory=list)
    late: int = 0
    timing: list[Row] = field(default_factory=list)
    average_working_days: float | None = None
    rejection_grounds: list[Row] = field(default_factory=list)
    objections: int = 0
    objection_grounds: list[Row] = field(default_factory=list)
    objection_outcomes: list[Row] = field(default_factory=list)
    disputes: int = 0
    dispute_stages: list[Row] = field(default_factory=list)
    court_cases: int = 0
    court_stages: list[Row] = field(default_factory=list)
    has_demo: bool = False

    def count(self, rows_name: str, key: str) -> int:
        return next((row.count for row in getattr(self, rows_name) if row.key == key), 0)


def _month_rows(requests, year: int) -> list[Row]:
    # ExtractMonth converts to the current time zone (Asia/Jakarta, C7) on both databases.
    counts = dict(
        requests.annotate(month=ExtractMonth("received_at"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    return [
        Row(
            str(month),
            formats.date_format(datetime.date(year, month, 1), "F"),
            counts.get(month, 0),
        )
        for month in range(1, 13)
    ]


def _grouped(queryset, column: str) -> dict:
    return dict(
        queryset.order_by().values_list(column).annotate(n=Count("pk")).values_list(column, "n")
    )


def _choice_rows(counts: dict, choices, *, keep_zero: bool = True) -> list[Row]:
    rows = [Row(str(value), str(label), counts.get(value, 0)) for value, label in choices]
    return rows if keep_zero else [row for row in rows if row.count]


def outcome_labels() -> dict[str, str]:
    return {
        Outcome.GRANTED_FULL: _("Granted in full"),
        Outcome.GRANTED_PART: _("Granted in part"),
        Outcome.REJECTED: _("Rejected (Pasal 17)"),
        Outcome.NOT_HELD: _("Information not held"),
        "withdrawn": _("Withdrawn by the requester"),
        "open": _("Still open"),
        "other": _("Closed without a notice"),
    }


def statistics(office_ids: list[int] | None, year: int, *, by_body: bool = False) -> Statistics:
    """The year's statistics of the requests handled by `office_ids` (None = every office).

    Requests: by channel, month and handling office; outcome of the notice; working days
    to the notice (≤10, 11–17, >17); refusals by Pasal 17 letter. Objections by ground a–g
    and by outcome; Information Commission disputes and court cases by stage.
    """
    requests = _requests(office_ids, year)
    stats = Statistics(year=year)
    totals = requests.aggregate(
        received=Count("pk"),
        granted_full=Count("pk", filter=Q(outcome=Outcome.GRANTED_FULL)),
        granted_part=Count("pk", filter=Q(outcome=Outcome.GRANTED_PART)),
        rejected=Count("pk", filter=Q(outcome=Outcome.REJECTED)),
        not_held=Count("pk", filter=Q(outcome=Outcome.NOT_HELD)),
        withdrawn=Count("pk", filter=Q(status=InformationRequest.Status.WITHDRAWN)),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        late=Count("pk", filter=Q(late_since__isnull=False)),
        demo=Count("pk", filter=Q(is_demo=True)),
    )
    stats.received = totals["received"]
    stats.late = totals["late"]
    stats.has_demo = bool(totals["demo"])
    labels = outcome_labels()
    decided = sum(totals[k] for k in ("granted_full", "granted_part", "rejected", "not_held"))
    other = stats.received - decided - totals["withdrawn"] - totals["open"]
    stats.outcomes = [
        Row(Outcome.GRANTED_FULL.value, labels[Outcome.GRANTED_FULL], totals["granted_full"]),
        Row(Outcome.GRANTED_PART.value, labels[Outcome.GRANTED_PART], totals["granted_part"]),
        Row(Outcome.REJECTED.value, labels[Outcome.REJECTED], totals["rejected"]),
        Row(Outcome.NOT_HELD.value, labels[Outcome.NOT_HELD], totals["not_held"]),
        Row("withdrawn", labels["withdrawn"], totals["withdrawn"]),
        Row("open", labels["open"], totals["open"]),
    ]
    if other > 0:
        stats.outcomes.append(Row("other", labels["other"], other))
    if not stats.received:
        stats.by_month = _month_rows(requests.none(), year)
        stats.by_channel = _choice_rows({}, Channel.choices)
        stats.timing = _timing_rows(Counter(), 0)
        stats.rejection_grounds = _choice_rows({}, Pasal17.choices)
    else:
        stats.by_channel = _choice_rows(_grouped(requests, "channel"), Channel.choices)
        stats.by_month = _month_rows(requests, year)
        office_counts = _grouped(requests, "office_id")
        names = dict(Office.objects.filter(pk__in=office_counts).values_list("pk", "name"))
        stats.by_office = sorted(
            (Row(str(pk), names.get(pk, "?"), n) for pk, n in office_counts.items()),
            key=lambda row: (-row.count, row.label),
        )
        if by_body:
            body_counts = _grouped(requests, "office__body_id")
            bodies = Body.objects.filter(pk__in=body_counts).values_list("pk", "slug", "name")
            stats.by_body = sorted(
                (Row(slug, name, body_counts[pk]) for pk, slug, name in bodies),
                key=lambda row: (-row.count, row.label),
            )
        times = notice_times(requests)
        stats.timing = _timing_rows(times.buckets, stats.received - times.notices)
        stats.average_working_days = times.average
        grounds = _grouped(
            Notice.objects.filter(
                request__in=requests,
                request__outcome=Outcome.REJECTED,
                state=Notice.State.SENT,
                decision=Outcome.REJECTED,
                # A refusal overturned on objection is no longer the answer (§14.2).
                objection__isnull=True,
            ),
            "rejection_ground",
        )
        stats.rejection_grounds = _choice_rows(grounds, Pasal17.choices)
    _objection_statistics(stats, office_ids, year)
    return stats


def _timing_rows(times: Counter, without_notice: int) -> list[Row]:
    labels = bucket_labels()
    rows = [Row(b.key, labels[b.key], times.get(b.key, 0)) for b in TIME_BUCKETS]
    rows.append(Row("no_notice", labels["no_notice"], without_notice))
    return rows


def _objection_statistics(stats: Statistics, office_ids, year: int) -> None:
    grounds: Counter = Counter()
    statuses: Counter = Counter()
    for codes, status in _objections(office_ids, year).values_list("grounds", "status"):
        statuses[status] += 1
        grounds.update(set(codes or []))
    stats.objections = sum(statuses.values())
    stats.objection_grounds = _choice_rows(grounds, ObjectionGround.choices)
    stats.objection_outcomes = _choice_rows(statuses, Objection.Status.choices)
    disputes = _grouped(_disputes(office_ids, year), "stage")
    stats.disputes = sum(disputes.values())
    stats.dispute_stages = _choice_rows(disputes, Dispute.Stage.choices)
    courts = _grouped(_court_cases(office_ids, year), "stage")
    stats.court_cases = sum(courts.values())
    stats.court_stages = _choice_rows(courts, CourtCase.Stage.choices)


# --- registers (F27, F31, §15 item 8) ------------------------------------------------------


def request_register(office_ids: list[int], year: int):
    """The register of requests (F27) of the year, oldest first, with the sent notice and
    the fees joined in as columns: one query for any number of rows."""
    # The notice in force: the latest sent (a granted objection brings a second one).
    sent = Notice.objects.filter(request=OuterRef("pk"), state=Notice.State.SENT).order_by(
        "-sent_at", "-id"
    )
    fees = Fee.objects.filter(request=OuterRef("pk")).order_by().values("request")
    return (
        _requests(office_ids, year)
        .annotate(
            notice_control=Subquery(sent.values("control")[:1]),
            notice_ground=Subquery(sent.values("rejection_ground")[:1]),
            notice_reasons=Subquery(sent.values("rejection_reasons")[:1]),
            notice_cost=Subquery(sent.values("cost")[:1]),
            notice_payment=Subquery(sent.values("payment_method")[:1]),
            notice_sent_at=Subquery(sent.values("sent_at")[:1]),
            fees_total=Subquery(fees.annotate(s=Sum("total")).values("s")[:1]),
            fees_unpaid=Subquery(
                fees.filter(paid_at__isnull=True).annotate(c=Count("pk")).values("c")[:1]
            ),
        )
        .order_by("received_at", "id")
    )


def objection_register(office_ids: list[int], year: int):
    """The register of objections (F31, columns a–k) of the year, oldest first."""
    return (
        _objections(office_ids, year)
        .select_related("request", "atasan")
        .order_by("received_at", "id")
    )


def dispute_register(office_ids: list[int], year: int):
    """Information Commission disputes filed in the year, with their court cases."""
    return (
        _disputes(office_ids, year)
        .select_related("objection", "objection__request")
        .prefetch_related("court_cases")
        .order_by("filed_on", "id")
    )


def _masked_contact(phone: str, email: str) -> str:
    """Telephone and e-mail shown only as a hint that they exist (§6)."""
    email = (email or "").strip()
    masked_email = email[:2] + MASK * 3 if email else ""
    return " / ".join(v for v in (mask_phone(phone), masked_email) if v)


def _local_date(value) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _day_and_date(value) -> str:
    """'Senin, 5 Mei 2025' in the active language (F27, F31: day and date)."""
    day = _local_date(value)
    return formats.date_format(day, "l, j F Y") if day else ""


def _rupiah(amount: int) -> str:
    return "Rp" + f"{amount:,}".replace(",", ".")


def request_register_columns() -> list[tuple[str, str]]:
    """(row key, header) in the F27 order."""
    return [
        ("number", _("No. (registration number)")),
        ("date", _("Date")),
        ("name", _("Requester's name")),
        ("address", _("Address")),
        ("contact", _("Telephone / e-mail")),
        ("occupation", _("Occupation")),
        ("information", _("Information requested")),
        ("purpose", _("Purpose of use")),
        ("held", _("Status of the information (held / not held)")),
        ("form", _("Form of the information (softcopy / hardcopy)")),
        ("kind", _("Type of request (see / know / copy)")),
        ("decision", _("Decision")),
        ("refusal", _("Reason for refusal (Pasal 17)")),
        ("notice_date", _("Day and date of the written notice")),
        ("cost", _("Cost and payment method")),
    ]


def _control_label(control: str | None) -> str:
    if not control:
        return ""
    return {
        Notice.Control.HELD: _("Held"),
        Notice.Control.NOT_HELD: _("Not held"),
        Notice.Control.HELD_ELSEWHERE: _("Held by another public body"),
    }.get(control, control)


def _request_kind(methods: list) -> str:
    # F27 groups the F23 ways of obtaining into see / know / copy.
    methods = set(methods or [])
    parts = []
    if methods & {ObtainMethod.SEE, ObtainMethod.READ}:
        parts.append(_("See"))
    if methods & {ObtainMethod.LISTEN, ObtainMethod.NOTE}:
        parts.append(_("Know"))
    if ObtainMethod.COPY in methods:
        parts.append(_("Copy"))
    return ", ".join(parts)


def request_register_rows(requests, *, personal_data: bool) -> list[dict]:
    """Plain row dicts of request_register(): the same for the page and the exports.
    Address and contact are masked unless `personal_data` (handlers only, §6)."""
    outcomes = dict(Outcome.choices)
    statuses = dict(InformationRequest.Status.choices)
    formats_ = dict(CopyFormat.choices)
    rows = []
    for r in requests:
        if r.outcome:
            decision = str(outcomes.get(r.outcome, r.outcome))
        else:
            decision = str(statuses.get(r.status, r.status))
        refusal = ""
        if r.outcome == Outcome.REJECTED and r.notice_ground:
            refusal = _("Pasal 17 letter %(letter)s") % {"letter": r.notice_ground}
            if r.notice_reasons:
                refusal += ": " + r.notice_reasons
        cost = ""
        if r.notice_sent_at is not None or r.fees_total:
            total = r.fees_total or r.notice_cost or 0
            if total:
                paid = _("paid") if not r.fees_unpaid else _("not yet paid")
                cost = f"{_rupiah(total)}; {r.notice_payment or ''}".rstrip("; ") + f" ({paid})"
            else:
                cost = _("Free of charge")
        rows.append(
            {
                "uid": r.uid,
                "number": r.registration_number,
                "date": _local_date(r.received_at),
                "name": r.requester_name
                + (f" ({_('proxy')}: {r.proxy_name})" if r.proxy_name else ""),
                "address": r.address if personal_data else mask_address(r.address),
                "contact": (
                    " / ".join(v for v in (r.phone, r.email) if v)
                    if personal_data
                    else _masked_contact(r.phone, r.email)
                ),
                "occupation": r.occupation,
                "information": r.information,
                "purpose": r.purpose,
                "held": _control_label(r.notice_control),
                "form": str(formats_.get(r.copy_format, "")),
                "kind": _request_kind(r.obtain_methods),
                "decision": decision,
                "refusal": refusal,
                "notice_date": _day_and_date(r.notice_sent_at or r.notified_at),
                "cost": cost,
                "is_demo": r.is_demo,
            }
        )
    return rows


def objection_register_columns() -> list[tuple[str, str]]:
    """(row key, header): the register's 11 columns a–k (F31)."""
    return [
        ("a", _("(a) Objection registration number")),
        ("b", _("(b) Date received")),
        ("c", _("(c) Identity of the requester and/or proxy")),
        ("d", _("(d) Request registration number")),
        ("e", _("(e) Information requested")),
        ("f", _("(f) Purpose of use")),
        ("g", _("(g) Grounds of the objection (Pasal 35)")),
        ("h", _("(h) Decision of the Atasan PPID")),
        ("i", _("(i) Day and date of the response")),
        ("j", _("(j) Name and position of the Atasan PPID")),
        ("k", _("(k) Requester's reply")),
    ]


def objection_register_rows(objections, *, personal_data: bool) -> list[dict]:
    statuses = dict(Objection.Status.choices)
    replies = dict(Objection.Reply.choices)
    decided = {Objection.Status.GRANTED, Objection.Status.UPHELD, Objection.Status.SETTLED}
    rows = []
    for o in objections:
        r = o.request
        identity = r.requester_name
        if r.proxy_name:
            identity += f" ({_('proxy')}: {r.proxy_name})"
        address = r.address if personal_data else mask_address(r.address)
        if address:
            identity += f", {address}"
        decision = str(statuses.get(o.status, o.status))
        if o.status in decided and o.decision_reasons:
            decision += f": {o.decision_reasons}"
        atasan = ""
        if o.atasan_id:
            name = o.atasan.person_name or o.atasan.get_role_display()
            atasan = ", ".join(v for v in (name, o.atasan.position) if v)
        rows.append(
            {
                "uid": o.uid,
                "a": o.registration_number,
                "b": _local_date(o.received_at),
                "c": identity,
                "d": r.registration_number,
                "e": r.information,
                "f": r.purpose,
                "g": ", ".join(sorted(o.grounds or [])),
                "h": decision,
                "i": _day_and_date(o.decided_at),
                "j": atasan,
                "k": str(replies.get(o.requester_reply, "")),
                "is_demo": o.is_demo,
            }
        )
    return rows


def dispute_register_columns() -> list[tuple[str, str]]:
    return [
        ("number", _("KI register number")),
        ("commission", _("Information Commission")),
        ("filed_on", _("Filed on")),
        ("objection", _("Objection registration number")),
        ("request", _("Request registration number")),
        ("stage", _("Stage")),
        ("decision", _("Decision (number and ruling)")),
        ("received", _("Decision received on")),
        ("execution", _("Execution")),
        ("court", _("Court cases")),
    ]


def dispute_register_rows(disputes) -> list[dict]:
    stages = dict(Dispute.Stage.choices)
    court_stages = dict(CourtCase.Stage.choices)
    courts = dict(CourtCase.Court.choices)
    rows = []
    for d in disputes:
        decision = ": ".join(v for v in (d.decision_number, d.ruling) if v)
        cases = "; ".join(
            f"{courts.get(c.court, c.court)} {c.case_number} ({court_stages.get(c.stage, c.stage)})"
            + (f": {c.decision}" if c.decision else "")
            for c in d.court_cases.all()
        )
        rows.append(
            {
                "number": d.register_number,
                "commission": d.commission,
                "filed_on": d.filed_on,
                "objection": d.objection.registration_number,
                "request": d.objection.request.registration_number,
                "stage": str(stages.get(d.stage, d.stage)),
                "decision": decision,
                "received": d.decision_received_on,
                "execution": d.execution,
                "court": cases,
            }
        )
    return rows


def register_exported(*, user, office: Office, register: str, year: int, fmt: str, rows: int,
                      personal_data: bool) -> None:  # fmt: skip
    """One event on the office per export (not one personal-data row per request)."""
    event_record(
        subject=office,
        action="register_exported",
        actor=user,
        actor_role=role_in_office(user, office),
        changes={
            "register": register,
            "year": year,
            "format": fmt,
            "rows": rows,
            "personal_data": personal_data,
        },
    )


# --- the annual report (F15, D11) --------------------------------------------------------


def annual_report_due(year: int) -> datetime.date:
    """D11: the end of the budget year (31 December) plus three calendar months (C6)."""
    months = 12 + LIMITS.annual_report_months
    due_year, due_month = year + (months - 1) // 12, (months - 1) % 12 + 1
    return datetime.date(due_year, due_month, month_calendar.monthrange(due_year, due_month)[1])


@dataclass
class Delivery:
    """Whether one of the two D11 deliveries was made in time."""

    sent_on: datetime.date | None
    due: datetime.date
    state: str  # "met", "late", "pending", "overdue"

    @property
    def met(self) -> bool:
        return self.state == "met"


def _delivery(sent_on, due: datetime.date) -> Delivery:
    if sent_on:
        return Delivery(sent_on, due, "met" if sent_on <= due else "late")
    return Delivery(None, due, "pending" if timezone.localdate() <= due else "overdue")


@dataclass
class AnnualReportData:
    office: Office
    year: int
    report: AnnualReport
    statistics: Statistics
    disputes: list[dict]
    due: datetime.date
    to_atasan: Delivery
    to_ki: Delivery
    consolidated: bool


def annual_report_data(office: Office, year: int) -> AnnualReportData:
    """The report of `office` for `year`: (b) and (c) computed from the registers of the
    office and the offices under it; (a), (d), (e) and the delivery dates as saved."""
    report = AnnualReport.objects.filter(office=office, year=year).first()
    report = report or AnnualReport(office=office, year=year)
    ids = office_tree_ids(office)
    due = annual_report_due(year)
    return AnnualReportData(
        office=office,
        year=year,
        report=report,
        statistics=statistics(ids, year),
        disputes=dispute_register_rows(dispute_register(ids, year)),
        due=due,
        to_atasan=_delivery(report.sent_to_atasan_on, due),
        to_ki=_delivery(report.sent_to_ki_on, due),
        consolidated=len(ids) > 1,
    )


NARRATIVE_FIELDS = ("general_policy", "obstacles", "recommendations")
DATE_FIELDS = ("sent_to_atasan_on", "sent_to_ki_on")
NARRATIVE_MAX_CHARS = 20000


def annual_report_save(*, office: Office, year: int, actor, **fields) -> AnnualReport:
    """Save the narrative sections (a), (d), (e) and the delivery dates (D11) of a report.

    Only the office's PPID Utama or Pelaksana (or a superuser) may; every change is an
    event with the changed fields.
    """
    if not (actor.is_authenticated and can_edit_annual_report(actor, office)):
        raise PermissionDenied
    unknown = set(fields) - set(NARRATIVE_FIELDS) - set(DATE_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    today = timezone.localdate()
    errors = {}
    if not FIRST_YEAR <= year <= today.year:
        errors["year"] = _("Choose a year between %(first)s and %(last)s.") % {
            "first": FIRST_YEAR,
            "last": today.year,
        }
    for name in NARRATIVE_FIELDS:
        if len(fields.get(name) or "") > NARRATIVE_MAX_CHARS:
            errors[name] = _("At most %(n)s characters.") % {"n": NARRATIVE_MAX_CHARS}
    for name in DATE_FIELDS:
        day = fields.get(name)
        if day and day > today:
            errors[name] = _("The date cannot be in the future.")
        elif day and day < datetime.date(year, 1, 1):
            errors[name] = _("The report cannot be sent before the year it reports on.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        report, created = AnnualReport.objects.select_for_update().get_or_create(
            office=office, year=year
        )
        before = {name: getattr(report, name) for name in fields}
        after = {
            name: (value or "").strip() if name in NARRATIVE_FIELDS else value
            for name, value in fields.items()
        }
        changes = diff_fields(before, after)
        if not changes and not created:
            return report
        for name, value in after.items():
            setattr(report, name, value)
        report.updated_by = actor
        report.save()
        event_record(
            subject=report,
            action="annual_report_created" if created else "annual_report_updated",
            actor=actor,
            actor_role=role_in_office(actor, office),
            changes=changes,
        )
    return report
