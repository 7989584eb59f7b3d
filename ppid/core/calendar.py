"""Working days and statutory deadlines (domain.md §9–§11, conventions C1–C8).

    due = due_date(received_at, 10, body=body)   # D2 of a request received at received_at
    due.due_date, due.counting_from, due.skipped, due.policy, due.calendar_version

Pure functions over a snapshot of the calendar table (CalendarDay) and the body's counting
policy (CountingPolicy). Dates are the office's local dates (C7): an aware `received_at`
is converted to the local time zone first, never read from a UTC string.

The calendar is data (F44): seeded per year from the pinned `holidays` package
(`calendar_seed`), then changed only through `calendar_day_add`, `calendar_day_remove` and
`policy_update`. Each change is a CalendarRevision (the calendar version stored with every
deadline, C8) and an event, and sends `calendar_changed` once committed so that the
deadlines of open cases are recomputed (ppid/foi/signals.py).
"""

import dataclasses
import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from .events import diff_fields, event_record
from .models import CalendarDay, CalendarRevision, CountingPolicy

# Sent after a committed calendar or policy change: kwargs revision (CalendarRevision) and
# actor (the user, or None for the seeding command).
calendar_changed = Signal()

WEEKDAY_NAMES = {
    1: "Senin",
    2: "Selasa",
    3: "Rabu",
    4: "Kamis",
    5: "Jumat",
    6: "Sabtu",
    7: "Minggu",
}

# A region is a Kemendagri code: "62" (Kalimantan Tengah), "62.71" (Kota Palangka Raya).
REGION_PATTERN = re.compile(r"^\d{2}(\.\d{2}){0,3}$")
_KEMENDAGRI_IN_CODE = re.compile(r"Kemendagri\s+(\d{2}(?:\.\d{2}){0,3})\b")


@dataclass(frozen=True)
class Policy:
    """The counting rules in force for one body (C2–C4), as stored with each deadline."""

    cuti_bersama_is_working_day: bool = False
    work_week: str = "12345"  # ISO weekdays
    service_opens: datetime.time | None = datetime.time(8, 0)
    service_closes: datetime.time | None = datetime.time(16, 0)
    calendar_version: int = 0
    # The body's region (Kemendagri code): its regional holidays count too (F43).
    region: str = ""

    def as_dict(self) -> dict:
        return {
            "cuti_bersama_is_working_day": self.cuti_bersama_is_working_day,
            "work_week": [int(d) for d in self.work_week],
            "service_opens": self.service_opens.isoformat("minutes")
            if self.service_opens
            else None,
            "service_closes": (
                self.service_closes.isoformat("minutes") if self.service_closes else None
            ),
            "calendar_version": self.calendar_version,
            "region": self.region,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Policy":
        """The policy stored with a deadline (C8); missing keys take the defaults."""
        default = cls()

        def time(value, fallback):
            return datetime.time.fromisoformat(value) if value else fallback

        return cls(
            cuti_bersama_is_working_day=bool(
                data.get("cuti_bersama_is_working_day", default.cuti_bersama_is_working_day)
            ),
            work_week="".join(str(d) for d in data.get("work_week", default.work_week)),
            service_opens=time(data.get("service_opens"), None),
            service_closes=time(data.get("service_closes"), None),
            calendar_version=int(data.get("calendar_version", 0)),
            region=str(data.get("region", "")),
        )

    @property
    def work_week_display(self) -> str:
        """The work week in words in the active language: "Senin–Jumat"."""
        days = sorted(int(d) for d in self.work_week)
        if not days:
            return ""
        if days == list(range(days[0], days[-1] + 1)) and len(days) > 2:
            return f"{WEEKDAYS[days[0] - 1]}–{WEEKDAYS[days[-1] - 1]}"
        return ", ".join(str(WEEKDAYS[d - 1]) for d in days)


@dataclass(frozen=True)
class Skipped:
    date: datetime.date
    reason: str


@dataclass
class DueDate:
    received_at: datetime.datetime | None
    counting_from: datetime.date  # the date of day 0 (C1, after C2's shift)
    due_date: datetime.date
    working_days: int
    skipped: list[Skipped] = field(default_factory=list)
    policy: Policy = field(default_factory=Policy)
    # C2: received after the service hours, so day 0 moved to the next working day.
    after_hours: bool = False
    # For a request's notice deadline (ppid/foi/deadlines.py): D2, and D3 when extended.
    due_date_original: datetime.date | None = None
    due_date_extended: datetime.date | None = None

    @property
    def calendar_version(self) -> int:
        return self.policy.calendar_version


def calendar_version() -> int:
    return CalendarRevision.objects.order_by("-id").values_list("id", flat=True).first() or 0


def region_for(body) -> str:
    """The Kemendagri region code of `body` (from its official code, else its parent's):
    the regional holidays of that region apply to it."""
    seen = 0
    while body is not None and seen < 5:
        code = (body.code or "").strip()
        match = _KEMENDAGRI_IN_CODE.search(code)
        if match:
            return match.group(1)
        if REGION_PATTERN.match(code):
            return code
        body, seen = body.parent, seen + 1
    return ""


def _region_prefixes(region: str) -> list[str]:
    """'62.71' -> ['', '62', '62.71']: a province's regional holiday covers its regencies."""
    if not region:
        return [""]
    parts = region.split(".")
    return [""] + [".".join(parts[: i + 1]) for i in range(len(parts))]


def policy_for(body=None) -> Policy:
    """The counting policy of `body` (its own row, else the default row, else the built-in
    defaults), with the current calendar version and the body's region."""
    version = calendar_version()
    rows = _policy_rows(version)
    row = rows.get(body.pk) if body is not None else None
    if row is None:
        row = rows.get(None)
    region = region_for(body) if body is not None else ""
    if row is None:
        return Policy(calendar_version=version, region=region)
    return Policy(**row, calendar_version=version, region=region)


# The calendar's active days and the counting policies, read once per calendar version and
# process: every deadline computation (a submission computes two) read them from the
# database before. Any change goes through a new CalendarRevision (the version:
# policy_update makes one too), and saves made in this process also count (tests create
# days directly).
_cache: dict = {}
_local_changes = [0]


@receiver([post_save, post_delete], sender=CalendarDay)
@receiver([post_save, post_delete], sender=CountingPolicy)
def _calendar_saved(**kwargs) -> None:
    _local_changes[0] += 1


def calendar_cache_clear() -> None:
    _cache.clear()


def _per_version(name: str, version: int, read):
    key = (version, _local_changes[0])
    hit = _cache.get(name)
    if hit is None or hit[0] != key:
        hit = _cache[name] = (key, read())
    return hit[1]


def _policy_rows(version: int) -> dict:
    """{body id or None (the default row): the policy's fields}."""
    return _per_version(
        "policies",
        version,
        lambda: {
            row.pop("body_id"): row
            for row in CountingPolicy.objects.values(
                "body_id",
                "cuti_bersama_is_working_day",
                "work_week",
                "service_opens",
                "service_closes",
            )
        },
    )


def _active_days(version: int) -> list[tuple]:
    return _per_version(
        "days",
        version,
        lambda: list(
            CalendarDay.objects.filter(removed_at__isnull=True)
            .order_by("date", "id")
            .values_list("date", "kind", "name", "region")
        ),
    )


class Calendar:
    """The non-working and replacement working days between two dates, read once."""

    def __init__(self, policy: Policy, start: datetime.date, end: datetime.date, region: str = ""):
        self.policy = policy
        self.off: dict[datetime.date, str] = {}
        self.extra_working: set[datetime.date] = set()
        regions = set(_region_prefixes(region or policy.region))
        for date, kind, name, day_region in _active_days(policy.calendar_version):
            if date < start or date > end or day_region not in regions:
                continue
            if kind == CalendarDay.Kind.REPLACEMENT_WORKDAY:
                self.extra_working.add(date)
            elif kind == CalendarDay.Kind.CUTI_BERSAMA and policy.cuti_bersama_is_working_day:
                continue  # C4
            else:
                self.off.setdefault(date, name)

    def reason_off(self, day: datetime.date) -> str | None:
        """Why `day` is not a working day (None if it is one)."""
        if day in self.extra_working:
            return None
        if day in self.off:
            return self.off[day]
        if str(day.isoweekday()) not in self.policy.work_week:
            return _("weekend") if day.isoweekday() >= 6 else _("not in the work week")
        return None


def _local(received_at: datetime.datetime) -> datetime.datetime:
    if timezone.is_naive(received_at):
        return received_at
    return timezone.localtime(received_at)


def add_working_days(
    day0: datetime.date, working_days: int, policy: Policy, *, region: str = ""
) -> tuple[datetime.date, list[Skipped]]:
    """The end of the N-th working day after day 0 (C1), and the days skipped on the way."""
    # Generous window: 200 working days never span more than ~14 months here.
    calendar = Calendar(
        policy, day0, day0 + datetime.timedelta(days=working_days * 2 + 120), region
    )
    skipped: list[Skipped] = []
    day, counted = day0, 0
    while counted < working_days:
        day += datetime.timedelta(days=1)
        reason = calendar.reason_off(day)
        if reason is None:
            counted += 1
        else:
            skipped.append(Skipped(day, reason))
    return day, skipped


def due_date(
    received_at: datetime.datetime,
    working_days: int,
    *,
    body=None,
    policy: Policy | None = None,
    region: str = "",
) -> DueDate:
    """The deadline N working days after `received_at` (C1, C2, C3, C4, C7).

    Received on a non-working day or after service hours: day 0 is the next working day.
    """
    policy = policy or policy_for(body)
    local = _local(received_at)
    day0 = local.date()
    window_end = day0 + datetime.timedelta(days=60)
    calendar = Calendar(policy, day0, window_end, region)
    skipped: list[Skipped] = []
    after_hours = policy.service_closes is not None and local.time() >= policy.service_closes
    reason = calendar.reason_off(day0)
    if reason is not None or after_hours:
        if reason is not None:
            skipped.append(Skipped(day0, reason))
        day0 += datetime.timedelta(days=1)
        while (reason := calendar.reason_off(day0)) is not None:
            skipped.append(Skipped(day0, reason))
            day0 += datetime.timedelta(days=1)
    due, more = add_working_days(day0, working_days, policy, region=region)
    return DueDate(
        received_at=received_at,
        counting_from=day0,
        due_date=due,
        working_days=working_days,
        skipped=skipped + more,
        policy=policy,
        after_hours=after_hours and calendar.reason_off(local.date()) is None,
    )


# --- who may change the calendar -------------------------------------------------------------


def can_manage_calendar(user) -> bool:
    """F44: the calendar and the counting policies belong to the PPID Utama (and superusers)."""
    from ppid.organizations.access import current_roles
    from ppid.organizations.models import Role

    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or Role.PPID_UTAMA in current_roles(user)


def policy_bodies(user):
    """The bodies whose counting policy `user` may set: those under his PPID Utama office."""
    from ppid.organizations.access import offices_for
    from ppid.organizations.models import Body, Role

    if not can_manage_calendar(user):
        return Body.objects.none()
    if user.is_superuser:
        return Body.objects.all()
    return Body.objects.filter(offices__in=offices_for(user, [Role.PPID_UTAMA])).distinct()


def _actor_role(user) -> str:
    return "superuser" if user.is_superuser else "ppid_utama"


def _require_manager(actor) -> None:
    if actor is None or not can_manage_calendar(actor):
        raise PermissionDenied(_("Only the PPID Utama may change the working-day calendar."))


def _revision(*, actor, summary: str, reason: str) -> CalendarRevision:
    """A new calendar version; `previous` is the version it replaces (for the event)."""
    previous = calendar_version()
    revision = CalendarRevision.objects.create(actor=actor, summary=summary[:300], reason=reason)
    revision.previous = previous
    transaction.on_commit(
        lambda: calendar_changed.send(sender=CalendarRevision, revision=revision, actor=actor)
    )
    return revision


def _clean_text(value, *, field_name: str, max_length: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field_name: _("This field is required.")})
    if len(text) > max_length:
        raise ValidationError({field_name: _("At most %(n)d characters.") % {"n": max_length}})
    if any(ord(c) < 32 and c not in "\n\r\t" for c in text):
        raise ValidationError({field_name: _("Remove the control characters.")})
    return text


# --- services: days and policies -----------------------------------------------------------


def calendar_day_add(
    *,
    date: datetime.date,
    name: str,
    kind: str,
    source: str,
    region: str = "",
    actor,
    reason: str,
) -> CalendarDay:
    """Add a day to the calendar (F44: admin override with its legal source and region)."""
    _require_manager(actor)
    name = _clean_text(name, field_name="name", max_length=200)
    source = _clean_text(source, field_name="source", max_length=300)
    reason = _clean_text(reason, field_name="reason", max_length=2000)
    region = _clean_text(region, field_name="region", max_length=20, required=False)
    if not isinstance(date, datetime.date) or isinstance(date, datetime.datetime):
        raise ValidationError({"date": _("Enter a valid date.")})
    if not 2000 <= date.year <= 2100:
        raise ValidationError({"date": _("Enter a date between 2000 and 2100.")})
    if kind not in CalendarDay.Kind.values:
        raise ValidationError({"kind": _("Choose one of the listed kinds.")})
    if region and not REGION_PATTERN.match(region):
        raise ValidationError({"region": _("Enter a Kemendagri region code such as 62 or 62.71.")})
    if kind == CalendarDay.Kind.REGIONAL_HOLIDAY and not region:
        raise ValidationError({"region": _("A regional holiday needs its region code.")})
    if kind == CalendarDay.Kind.REPLACEMENT_WORKDAY and date.isoweekday() < 6:
        raise ValidationError(
            {"date": _("A replacement working day is a Saturday or Sunday made a working day.")}
        )
    with transaction.atomic():
        if CalendarDay.objects.filter(
            date=date, kind=kind, region=region, removed_at__isnull=True
        ).exists():
            raise ValidationError(
                {"date": _("This date is already in the calendar with this kind and region.")}
            )
        day = CalendarDay.objects.create(
            date=date,
            name=name,
            kind=kind,
            region=region,
            source=source,
            origin="manual",
            created_by=actor,
        )
        kind_label = CalendarDay.Kind(kind).label
        revision = _revision(
            actor=actor,
            summary=_("Added %(date)s: %(name)s (%(kind)s)")
            % {"date": date.isoformat(), "name": name, "kind": kind_label},
            reason=reason,
        )
        event_record(
            subject=day,
            action="calendar_day_added",
            actor=actor,
            actor_role=_actor_role(actor),
            reason=reason,
            changes={
                "date": [None, date.isoformat()],
                "name": [None, name],
                "kind": [None, kind],
                "region": [None, region],
                "source": [None, source],
                "calendar_version": [revision.previous, revision.pk],
            },
        )
    return day


def calendar_day_remove(day: CalendarDay, *, actor, reason: str) -> CalendarDay:
    """Take a day off the calendar. The row stays, with who, when and why (F37, F44)."""
    _require_manager(actor)
    reason = _clean_text(reason, field_name="reason", max_length=2000)
    with transaction.atomic():
        day = CalendarDay.objects.select_for_update().get(pk=day.pk)
        if day.removed_at is not None:
            raise ValidationError(_("This day was already removed from the calendar."))
        day.removed_at = timezone.now()
        day.removed_by = actor
        day.removed_reason = reason
        day.save(update_fields=["removed_at", "removed_by", "removed_reason"])
        revision = _revision(
            actor=actor,
            summary=_("Removed %(date)s: %(name)s")
            % {"date": day.date.isoformat(), "name": day.name},
            reason=reason,
        )
        event_record(
            subject=day,
            action="calendar_day_removed",
            actor=actor,
            actor_role=_actor_role(actor),
            reason=reason,
            changes={
                "removed_at": [None, day.removed_at.isoformat()],
                "calendar_version": [revision.previous, revision.pk],
            },
        )
    return day


POLICY_FIELDS = ("cuti_bersama_is_working_day", "work_week", "service_opens", "service_closes")


def _clean_work_week(value) -> str:
    days = value if isinstance(value, list | tuple | set) else list(str(value or ""))
    try:
        numbers = sorted({int(d) for d in days})
    except (TypeError, ValueError):
        numbers = []
    if not numbers or any(d < 1 or d > 7 for d in numbers):
        raise ValidationError({"work_week": _("Choose at least one working day of the week.")})
    return "".join(str(d) for d in numbers)


def _clean_time(value, field_name: str) -> datetime.time | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    try:
        return datetime.time.fromisoformat(str(value)).replace(second=0, microsecond=0)
    except ValueError as exc:
        raise ValidationError({field_name: _("Enter a time such as 16:00.")}) from exc


def policy_update(body, *, actor, reason: str, **fields) -> CountingPolicy:
    """Set the counting policy of `body` (None = the default for bodies without their own):
    C2 service hours, C3 work week, C4 cuti bersama. Only the PPID Utama changes it (§10)."""
    _require_manager(actor)
    if body is not None and not policy_bodies(actor).filter(pk=body.pk).exists():
        raise PermissionDenied(_("You may not set the counting policy of this body."))
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown policy settings: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    reason = _clean_text(reason, field_name="reason", max_length=2000)
    clean = {}
    if "cuti_bersama_is_working_day" in fields:
        clean["cuti_bersama_is_working_day"] = bool(fields["cuti_bersama_is_working_day"])
    if "work_week" in fields:
        clean["work_week"] = _clean_work_week(fields["work_week"])
    if "service_opens" in fields:
        clean["service_opens"] = _clean_time(fields["service_opens"], "service_opens")
        if clean["service_opens"] is None:
            raise ValidationError({"service_opens": _("Enter the time the service opens.")})
    if "service_closes" in fields:
        clean["service_closes"] = _clean_time(fields["service_closes"], "service_closes")
    with transaction.atomic():
        rows = CountingPolicy.objects.select_for_update()
        row = (
            rows.filter(body=body) if body is not None else rows.filter(body__isnull=True)
        ).first()
        if row is None:
            # A body's first own row starts from the policy it had so far (the default).
            effective = policy_for(body)
            row = CountingPolicy(
                body=body,
                cuti_bersama_is_working_day=effective.cuti_bersama_is_working_day,
                work_week=effective.work_week,
                service_opens=effective.service_opens or datetime.time(8, 0),
                service_closes=effective.service_closes,
            )
        before = {name: getattr(row, name) for name in POLICY_FIELDS}
        after = {**before, **clean}
        opens, closes = after["service_opens"], after["service_closes"]
        if opens and closes and closes <= opens:
            raise ValidationError({"service_closes": _("The service must close after it opens.")})
        changes = diff_fields(before, after)
        if not changes and row.pk is not None:
            return row
        for name, value in after.items():
            setattr(row, name, value)
        row.save()
        label = str(body) if body is not None else _("default")
        revision = _revision(
            actor=actor,
            summary=_("Counting policy of %(body)s changed") % {"body": label},
            reason=reason,
        )
        changes["calendar_version"] = [revision.previous, revision.pk]
        event_record(
            subject=row,
            action="counting_policy_changed",
            actor=actor,
            actor_role=_actor_role(actor),
            reason=reason,
            changes=changes,
        )
    return row


# --- seeding from the `holidays` package (F40–F42) ----------------------------------------


@dataclass
class SeedYear:
    year: int
    added_public: int = 0
    added_government: int = 0
    existing: int = 0  # already in the table (active, or removed by hand: never resurrected)

    @property
    def added(self) -> int:
        return self.added_public + self.added_government


# Legal sources as published (F39). Keppres 8/2024 consolidates the national holidays from
# 2024; each year's dates are set by the SKB of the three ministers.
_SKB_NUMBERS = {
    2025: "No. 1017/2024, 2/2024, 2/2024",
    2026: "No. 1497/2025, 2/2025, 5/2025",
}


def _seed_source(year: int, kind: str) -> str:
    skb = f"SKB 3 Menteri {_SKB_NUMBERS[year]}" if year in _SKB_NUMBERS else "SKB 3 Menteri"
    if kind == CalendarDay.Kind.CUTI_BERSAMA:
        return skb
    if kind == CalendarDay.Kind.SPECIAL_HOLIDAY:
        return "Keppres (hari pemungutan suara)"
    return f"Keppres 8/2024; {skb}" if year >= 2024 else f"Keppres; {skb}"


def seed_days(year: int) -> list[tuple[datetime.date, str, str]]:
    """(date, name, kind) of `year` from the pinned `holidays` package, in Indonesian.

    F41: cuti bersama exist only in the "government" category; each category is read on its
    own so that a cuti bersama and a holiday on one date stay two rows. F42: estimated
    dates keep their "(perkiraan)" names.
    """
    import holidays

    days = []
    for category in ("public", "government"):
        table = holidays.country_holidays("ID", years=year, categories=(category,), language="id")
        for date, name in sorted(table.items()):
            if category == "government":
                kind = CalendarDay.Kind.CUTI_BERSAMA
            elif name.startswith("Hari Pemilihan"):
                kind = CalendarDay.Kind.SPECIAL_HOLIDAY  # election days (F40)
            else:
                kind = CalendarDay.Kind.NATIONAL_HOLIDAY
            days.append((date, name, kind))
    return days


def seed_origin() -> str:
    import holidays

    return f"seed:holidays=={holidays.__version__}"


def calendar_seed(
    years: Iterable[int],
    *,
    actor=None,
    progress: Callable[[SeedYear], None] | None = None,
) -> list[SeedYear]:
    """Seed national holidays and cuti bersama of `years` (F44). Idempotent: a day already
    in the table for that date and kind, active or removed by hand, is left as it is."""
    origin = seed_origin()
    results = []
    with transaction.atomic():
        for year in sorted(set(years)):
            result = SeedYear(year)
            known = set(
                CalendarDay.objects.filter(date__year=year, region="").values_list("date", "kind")
            )
            new_rows = []
            for date, name, kind in seed_days(year):
                if (date, kind) in known:
                    result.existing += 1
                    continue
                known.add((date, kind))
                new_rows.append(
                    CalendarDay(
                        date=date,
                        name=name[:200],
                        kind=kind,
                        source=_seed_source(year, kind),
                        origin=origin,
                        created_by=actor,
                    )
                )
                if kind == CalendarDay.Kind.CUTI_BERSAMA:
                    result.added_government += 1
                else:
                    result.added_public += 1
            CalendarDay.objects.bulk_create(new_rows)
            results.append(result)
            if progress:
                progress(result)
        added = [r for r in results if r.added]
        if added:
            summary = _("Seeded from %(origin)s: %(years)s") % {
                "origin": origin.removeprefix("seed:"),
                "years": ", ".join(f"{r.year} (+{r.added})" for r in added),
            }
            revision = _revision(actor=actor, summary=summary, reason="")
            event_record(
                subject=revision,
                action="calendar_seeded",
                actor=actor,
                actor_role=_actor_role(actor) if actor is not None else "system",
                changes={str(r.year): [r.existing, r.existing + r.added] for r in added},
            )
    return results


def calendar_seed_ahead(today: datetime.date | None = None) -> list[SeedYear]:
    """Seed this year and next when they hold no seeded day yet (F44), so that a deadline
    crossing into a new year counts that year's holidays even on an installation seeded
    years ago. The clock runs it; a year once seeded is left to the PPID Utama's edits."""
    year = (today or timezone.localdate()).year
    missing = [
        y
        for y in (year, year + 1)
        if not CalendarDay.objects.filter(
            date__year=y, region="", origin__startswith="seed:"
        ).exists()
    ]
    return [r for r in calendar_seed(missing) if r.added] if missing else []


def default_seed_years(today: datetime.date | None = None) -> list[int]:
    year = (today or timezone.localdate()).year
    return [year - 1, year, year + 1]


def other_policy(policy: Policy) -> Policy:
    """The same policy with the other cuti bersama choice (shown to officers, §10)."""
    return dataclasses.replace(
        policy, cuti_bersama_is_working_day=not policy.cuti_bersama_is_working_day
    )
