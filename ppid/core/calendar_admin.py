"""The working-day calendar in Wagtail's back office (domain.md §10, §11, F44): the days of
a year (seeded and manual, removed ones kept with their reason), adding and removing a day,
the counting policies, the revision history and a "try a date" box.

Only PPID Utama officers and superusers see it; for everyone else each URL answers 404
(Wagtail's admin check sends anonymous users to the login page first). The views parse a
form and call the services of ppid/core/calendar.py, which check the permission again.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ppid.organizations.models import Body

from .calendar import (
    calendar_day_add,
    calendar_day_remove,
    can_manage_calendar,
    due_date,
    other_policy,
    policy_bodies,
    policy_for,
    policy_update,
)
from .forms import form_apply_errors
from .models import CalendarDay, CalendarRevision, CountingPolicy

PAGE_SIZE = 25
MIN_YEAR, MAX_YEAR = 2000, 2100


def _require(user) -> None:
    if not can_manage_calendar(user):
        raise Http404


# --- forms ---------------------------------------------------------------------------------


class DayAddForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CalendarDay.Kind.choices)
    region = forms.CharField(
        label=gettext_lazy("Region code"),
        max_length=20,
        required=False,
        help_text=gettext_lazy(
            "Empty for the whole country; else a Kemendagri code, e.g. 62 or 62.71."
        ),
    )
    source = forms.CharField(
        label=gettext_lazy("Legal source"),
        max_length=300,
        help_text=gettext_lazy("Keppres, SKB, KMA or Pergub number and date."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the change"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DayRemoveForm(forms.Form):
    day = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=gettext_lazy("Reason for removal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PolicyForm(forms.Form):
    # Chosen with the picker above the form (GET ?body=); posted back as it was shown.
    body = forms.ModelChoiceField(
        queryset=Body.objects.none(),
        required=False,
        to_field_name="slug",
        widget=forms.HiddenInput,
    )
    cuti_bersama_is_working_day = forms.BooleanField(
        label=gettext_lazy("Count cuti bersama as working days"),
        required=False,
        help_text=gettext_lazy("Off by default (C4): cuti bersama days are not counted."),
    )
    work_week = forms.MultipleChoiceField(
        label=gettext_lazy("Work week"),
        choices=[(str(i + 1), WEEKDAYS[i]) for i in range(7)],
        widget=forms.CheckboxSelectMultiple,
    )
    service_opens = forms.TimeField(
        label=gettext_lazy("Service opens"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    service_closes = forms.TimeField(
        label=gettext_lazy("Service closes"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=gettext_lazy(
            "A request received after this time counts from the next working day (C2). "
            "Empty: no cut-off."
        ),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the change"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies


class TryForm(forms.Form):
    received_at = forms.DateTimeField(
        label=gettext_lazy("Received at (local time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    working_days = forms.IntegerField(
        label=gettext_lazy("Working days"), min_value=1, max_value=200, initial=10
    )
    body = forms.ModelChoiceField(
        label=gettext_lazy("Public body"),
        queryset=Body.objects.none(),
        required=False,
        empty_label=gettext_lazy("Default policy"),
        to_field_name="slug",
    )

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise ValidationError(_("Enter a date between 2000 and 2100."))
        return value


# --- views ---------------------------------------------------------------------------------


def calendar_index(request):
    _require(request.user)
    return redirect("calendar_admin:year", year=timezone.localdate().year)


def calendar_year(request, year: int):
    _require(request.user)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    days = (
        CalendarDay.objects.filter(date__year=year)
        .select_related("created_by", "removed_by")
        .order_by("date", "removed_at", "id")
    )
    try_form = TryForm(
        initial={"received_at": timezone.localtime().replace(second=0, microsecond=0)},
        bodies=policy_bodies(request.user).order_by("name"),
    )
    return render(
        request,
        "core/calendar/year.html",
        {
            "page_title": _("Working-day calendar %(year)s") % {"year": year},
            "header_icon": "calendar-alt",
            "year": year,
            "previous_year": year - 1 if year > MIN_YEAR else None,
            "next_year": year + 1 if year < MAX_YEAR else None,
            "days": days,
            "active_count": sum(1 for d in days if d.removed_at is None),
            "try_form": try_form,
        },
    )


@require_http_methods(["GET", "POST"])
def day_add(request):
    _require(request.user)
    form = DayAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            day = calendar_day_add(
                date=data["date"],
                name=data["name"],
                kind=data["kind"],
                source=data["source"],
                region=data["region"],
                actor=request.user,
                reason=data["reason"],
            )
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(
                request, _("The day was added; deadlines of open cases were recomputed.")
            )
            return redirect("calendar_admin:year", year=day.date.year)
    return render(
        request,
        "core/calendar/form.html",
        {"page_title": _("Add a day"), "header_icon": "calendar-alt", "form": form},
    )


@require_POST
def day_remove(request):
    _require(request.user)
    form = DayRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was changed: give the reason for the removal."))
        return redirect("calendar_admin:index")
    day = CalendarDay.objects.filter(pk=form.cleaned_data["day"]).first()
    if day is None:
        raise Http404
    try:
        calendar_day_remove(day, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The day was removed (it is kept with the reason); deadlines were recomputed."),
        )
    return redirect("calendar_admin:year", year=day.date.year)


@require_http_methods(["GET", "POST"])
def policies(request):
    _require(request.user)
    bodies = policy_bodies(request.user).order_by("name")
    selected = None
    slug = request.POST.get("body") if request.method == "POST" else request.GET.get("body")
    if slug:
        selected = bodies.filter(slug=str(slug)[:120]).first()
        if selected is None:
            raise Http404
    effective = policy_for(selected)
    initial = {
        "body": selected,
        "cuti_bersama_is_working_day": effective.cuti_bersama_is_working_day,
        "work_week": list(effective.work_week),
        "service_opens": effective.service_opens,
        "service_closes": effective.service_closes,
    }
    form = PolicyForm(request.POST or None, initial=initial, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            policy_update(
                data["body"],
                actor=request.user,
                reason=data["reason"],
                cuti_bersama_is_working_day=data["cuti_bersama_is_working_day"],
                work_week="".join(data["work_week"]),
                service_opens=data["service_opens"],
                service_closes=data["service_closes"],
            )
        except ValidationError as exc:
            form_apply_errors(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("The counting policy was saved."))
            url = reverse("calendar_admin:policies")
            return redirect(f"{url}?body={data['body'].slug}" if data["body"] else url)
    rows = CountingPolicy.objects.select_related("body").order_by("body__name")
    if not request.user.is_superuser:
        rows = rows.filter(Q(body__isnull=True) | Q(body__in=bodies))
    return render(
        request,
        "core/calendar/policies.html",
        {
            "page_title": _("Counting policies"),
            "header_icon": "cogs",
            "form": form,
            "rows": rows,
            "selected": selected,
        },
    )


def history(request):
    _require(request.user)
    revisions = CalendarRevision.objects.select_related("actor").order_by("-id")
    page = Paginator(revisions, PAGE_SIZE).get_page(request.GET.get("p"))
    return render(
        request,
        "core/calendar/history.html",
        {"page_title": _("Calendar revisions"), "header_icon": "history", "page_obj": page},
    )


def try_date(request):
    _require(request.user)
    form = TryForm(request.GET or None, bodies=policy_bodies(request.user).order_by("name"))
    due = alternative = None
    if form.is_valid():
        data = form.cleaned_data
        policy = policy_for(data["body"])
        due = due_date(data["received_at"], data["working_days"], policy=policy)
        alternative = due_date(
            data["received_at"], data["working_days"], policy=other_policy(policy)
        ).due_date
    return render(
        request,
        "core/calendar/try.html",
        {
            "page_title": _("Try a date"),
            "header_icon": "calendar-alt",
            "form": form,
            "due": due,
            "alternative": alternative,
        },
    )


# --- Wagtail hooks -------------------------------------------------------------------------

app_name = "calendar_admin"
urlpatterns = [
    path("", calendar_index, name="index"),
    path("<int:year>/", calendar_year, name="year"),
    path("days/add/", day_add, name="day_add"),
    path("days/remove/", day_remove, name="day_remove"),
    path("policies/", policies, name="policies"),
    path("history/", history, name="history"),
    path("try/", try_date, name="try"),
]


@hooks.register("register_admin_urls")
def register_calendar_urls():
    return [path("calendar/", include((urlpatterns, app_name), namespace=app_name))]


class CalendarMenuItem(MenuItem):
    def is_shown(self, request):
        return can_manage_calendar(request.user)


@hooks.register("register_admin_menu_item")
def register_calendar_menu():
    return CalendarMenuItem(
        gettext_lazy("Working-day calendar"),
        reverse("calendar_admin:index"),
        name="calendar",
        icon_name="calendar-alt",
        order=800,
    )
