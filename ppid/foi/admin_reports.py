"""Registers and annual reports in Wagtail's back office (F15, F27, F31, §15 items 8, 10).

Every page takes an office slug that reports.report_office_for resolves within the user's
offices (the office tree's handlers, the Atasan PPID, the leader): another office answers
404 like a missing one. Personal data in registers is masked except for handlers; every
register download is recorded as one event on the office.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import include, path, register_converter, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ppid.organizations.access import has_office

from . import report_exports, reports
from .views_reports import statistics_charts, statistics_summary

PAGE_SIZE = 25  # DESIGN.md: about 160 µs per rendered row; keep pages short.


class ReportFormat:
    regex = "xlsx|pdf"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class RegisterKind:
    regex = "|".join(report_exports.REGISTERS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReportFormat, "reportfmt")
register_converter(RegisterKind, "register")


def _year(request) -> int:
    year, ok = reports.valid_year(request.GET.get("year"))
    if not ok:
        messages.warning(
            request, _("That year is not available; showing %(year)s.") % {"year": year}
        )
    return year


def _download(export: report_exports.Export) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def index(request):
    year = _year(request)
    offices = (
        reports.report_offices(request.user).select_related("body").order_by("body__name", "name")
    )
    page = Paginator(offices, PAGE_SIZE).get_page(request.GET.get("p"))
    return render(
        request,
        "foi/reports/admin/index.html",
        {
            "page_title": _("Registers and reports"),
            "header_icon": "table",
            "page_obj": page,
            "year": year,
            "years": range(timezone.localdate().year, reports.FIRST_YEAR - 1, -1),
            "query_string": f"year={year}",
        },
    )


REGISTER_TITLES = {
    "requests": gettext_lazy("Register of information requests"),
    "objections": gettext_lazy("Register of objections"),
    "disputes": gettext_lazy("Register of Information Commission disputes"),
}


@require_safe
def register(request, slug, register):
    office = reports.report_office_for(request.user, slug)
    year = _year(request)
    ids = reports.office_tree_ids(office)
    personal_data = reports.can_see_personal_data(request.user, office)
    if register == "requests":
        queryset = reports.request_register(ids, year)
        columns = reports.request_register_columns()
    elif register == "objections":
        queryset = reports.objection_register(ids, year)
        columns = reports.objection_register_columns()
    else:
        queryset = reports.dispute_register(ids, year)
        columns = reports.dispute_register_columns()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("p"))
    if register == "requests":
        rows = reports.request_register_rows(page, personal_data=personal_data)
    elif register == "objections":
        rows = reports.objection_register_rows(page, personal_data=personal_data)
    else:
        rows = reports.dispute_register_rows(page)
    cells = [[row.get(key) for key, _h in columns] for row in rows]
    return render(
        request,
        "foi/reports/admin/register.html",
        {
            "page_title": REGISTER_TITLES[register],
            "page_subtitle": f"{office.name} · {year}",
            "header_icon": "table",
            "office": office,
            "register": register,
            "year": year,
            "years": reports.years_with_requests(ids, also=year),
            "columns": columns,
            "cells": cells,
            "page_obj": page,
            "query_string": f"year={year}",
            "personal_data": personal_data or register == "disputes",
        },
    )


@require_safe
def register_export(request, slug, register, fmt):
    office = reports.report_office_for(request.user, slug)
    year = _year(request)
    personal_data = reports.can_see_personal_data(request.user, office)
    export = report_exports.export_register(
        register, fmt, office=office, year=year, personal_data=personal_data
    )
    reports.register_exported(
        user=request.user, office=office, register=register, year=year, fmt=fmt,
        rows=export.rows, personal_data=personal_data and register != "disputes",
    )  # fmt: skip
    return _download(export)


def _report_year(year: int) -> int:
    if not reports.FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404
    return year


@require_safe
def annual_report(request, slug, year):
    office = reports.report_office_for(request.user, slug)
    data = reports.annual_report_data(office, _report_year(year))
    return render(
        request,
        "foi/reports/admin/annual_report.html",
        {
            "page_title": _("Annual report %(year)s") % {"year": year},
            "page_subtitle": office.name,
            "header_icon": "doc-full",
            "data": data,
            "office": office,
            "year": year,
            "charts": statistics_charts(data.statistics),
            "summary": statistics_summary(data.statistics),
            "can_edit": reports.can_edit_annual_report(request.user, office),
            "years": range(timezone.localdate().year, reports.FIRST_YEAR - 1, -1),
        },
    )


@require_safe
def annual_report_export(request, slug, year, fmt):
    office = reports.report_office_for(request.user, slug)
    return _download(
        report_exports.export_annual_report(fmt, office=office, year=_report_year(year))
    )


class AnnualReportForm(forms.Form):
    general_policy = forms.CharField(
        label=gettext_lazy("(a) General policy"),
        help_text=gettext_lazy(
            "Facilities and their condition; human resources and their qualifications; "
            "budget and its use."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=reports.NARRATIVE_MAX_CHARS,
    )
    obstacles = forms.CharField(
        label=gettext_lazy("(d) External and internal obstacles"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=reports.NARRATIVE_MAX_CHARS,
    )
    recommendations = forms.CharField(
        label=gettext_lazy("(e) Recommendations and follow-up plan"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=reports.NARRATIVE_MAX_CHARS,
    )
    sent_to_atasan_on = forms.DateField(
        label=gettext_lazy("Sent to the Atasan PPID on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    sent_to_ki_on = forms.DateField(
        label=gettext_lazy("Copy sent to the Information Commission on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


@require_http_methods(["GET", "POST"])
def annual_report_edit(request, slug, year):
    office = reports.report_office_for(request.user, slug)
    year = _report_year(year)
    if not reports.can_edit_annual_report(request.user, office):
        raise Http404
    data = reports.annual_report_data(office, year)
    initial = {
        name: getattr(data.report, name) for name in reports.NARRATIVE_FIELDS + reports.DATE_FIELDS
    }
    form = AnnualReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            reports.annual_report_save(
                office=office, year=year, actor=request.user, **form.cleaned_data
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("The annual report was saved."))
            return redirect("foi_reports_admin:annual_report", slug=office.slug, year=year)
    return render(
        request,
        "foi/reports/admin/annual_report_form.html",
        {
            "page_title": _("Edit the annual report %(year)s") % {"year": year},
            "page_subtitle": office.name,
            "header_icon": "edit",
            "form": form,
            "office": office,
            "year": year,
            "due": data.due,
        },
        status=400 if request.method == "POST" else 200,
    )


app_name = "foi_reports_admin"
urlpatterns = [
    path("", index, name="index"),
    path("<slug:slug>/register/<register:register>/", register, name="register"),
    path(
        "<slug:slug>/register/<register:register>.<reportfmt:fmt>",
        register_export,
        name="register_export",
    ),
    path("<slug:slug>/annual/<int:year>/", annual_report, name="annual_report"),
    path("<slug:slug>/annual/<int:year>/edit/", annual_report_edit, name="annual_report_edit"),
    path(
        "<slug:slug>/annual/<int:year>.<reportfmt:fmt>",
        annual_report_export,
        name="annual_report_export",
    ),
]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("foi/reports/", include((urlpatterns, app_name), namespace=app_name))]


class ReportsMenuItem(MenuItem):
    """Shown to those who read some office's registers."""

    def is_shown(self, request):
        return has_office(request.user, reports.READER_ROLES)


@hooks.register("register_admin_menu_item")
def register_reports_menu():
    return ReportsMenuItem(
        gettext_lazy("Registers and reports"),
        reverse("foi_reports_admin:index"),
        name="foi-reports",
        icon_name="table",
        order=260,
    )
