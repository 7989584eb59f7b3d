"""The officers' back office for information requests inside Wagtail's admin (issue 3 §2,
§4): the inbox, the case page and its actions, and desk intake.

Thin views: each parses a form (forms_admin.py), calls one service (services.py) or a
scoped read (access.py) and renders. Wagtail wraps every URL here in its admin-access
check; access.request_for_staff then scopes the record, so another office's request
answers 404 exactly like a missing one, and every action also requires access.can_handle.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, include, path, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.components import Component

from ppid.core.calendar import add_working_days, policy_for
from ppid.core.events import events_for
from ppid.core.forms import form_apply_errors
from ppid.organizations.access import has_office, office_ids_for, offices_for
from ppid.organizations.models import Office, Role

from . import access, letters, services
from .deadlines import alternative_due_date, request_due_explanation
from .forms_admin import (
    STATUS_ALL,
    STATUS_OPEN,
    CloseForm,
    ExtendForm,
    FeeForm,
    FeePaidForm,
    ForwardForm,
    HandoverForm,
    InboxFilterForm,
    IntakeForm,
    NoticeForm,
    NoticeSendForm,
    ReferForm,
    WithdrawForm,
)
from .models import (
    OPEN_STATUSES,
    Disposition,
    InformationRequest,
    Letter,
    Notice,
    ObtainMethod,
    Outcome,
)
from .privacy import log_personal_data_access, mask_address, mask_nik, mask_phone
from .rules import LIMITS

PAGE_SIZE = 25  # DESIGN.md: about 160 µs per rendered row; keep pages short.
INTAKE_ROLES = access.HANDLER_ROLES


# --- Scope helpers ----------------------------------------------------------------------


def _case_url(req: InformationRequest) -> str:
    return reverse("foi_admin:request", args=[req.uid])


def _handled_request(user, uid) -> InformationRequest:
    """A request the user may act on; anything else is 404 (leaders and the Atasan read
    the case page but take no step here)."""
    req = access.request_for_staff(user, uid)
    if not access.can_handle(user, req):
        raise Http404
    return req


# Forwarding is the PPID Utama's step (§12, F48 note), done by its officers or its desk.
FORWARD_ROLES = {Role.PPID_UTAMA, Role.SERVICE_DESK}


def _may_forward(user, req: InformationRequest) -> bool:
    """Only the Utama forwards; the service checks it again (a Pelaksana is refused)."""
    if user.is_superuser:
        return True
    return access.utama_of(req.office).pk in office_ids_for(user, FORWARD_ROLES)


def _due_soon_limit(today: datetime.date) -> datetime.date:
    """The last day that still counts as "due soon" (LIMITS.due_soon_wd working days ahead,
    default counting policy: the inbox spans bodies, and the policies differ only on
    cuti bersama days)."""
    return add_working_days(today, LIMITS.due_soon_wd, policy_for(None))[0]


def _overdue_q(today: datetime.date) -> Q:
    # Flagged by the daily tick (late_since), or past due and still open before it runs.
    return Q(late_since__isnull=False) | Q(status__in=OPEN_STATUSES, due_date__lt=today)


def _initials(name: str) -> str:
    return " ".join(f"{part[0]}." for part in name.split()[:3] if part[0].isalnum())


# --- Inbox ----------------------------------------------------------------------------------


class _CountedPaginator(Paginator):
    """A paginator that reuses the total already computed with the status counts."""

    def __init__(self, object_list, per_page, *, total: int):
        super().__init__(object_list, per_page)
        self._total = total

    @property
    def count(self) -> int:
        return self._total


def _disposition_office_ids(user) -> set[int]:
    """A PPID Pelaksana's own offices: there the next deadline is the internal due date of
    the open disposition (F48 note). The Utama's inbox runs on the statutory dates."""
    if user.is_superuser or office_ids_for(user, {Role.PPID_UTAMA}):
        return set()
    return set(
        offices_for(user, access.HANDLER_ROLES)
        .filter(kind=Office.Kind.PELAKSANA)
        .values_list("pk", flat=True)
    )


def inbox(request):
    user = request.user
    today = timezone.localdate()
    soon = _due_soon_limit(today)
    offices = list(offices_for(user, access.READER_ROLES).order_by("name").only("slug", "name"))
    form = InboxFilterForm(request.GET or None, offices=offices)
    cases = access.requests_for_staff(user)
    status = STATUS_OPEN
    if form.is_valid():
        data = form.cleaned_data
        status = data["status"]
        if data["q"].isdigit() and len(data["q"]) <= 6:
            # A sequence number ("123", "00123"): the number's last part, exactly.
            cases = cases.filter(number_seq=int(data["q"]))
        elif data["q"]:
            cases = cases.filter(registration_number__icontains=data["q"])
        if data["office"]:
            office_id = next(o.pk for o in offices if o.slug == data["office"])
            cases = cases.filter(office_id=office_id)
        if data["channel"]:
            cases = cases.filter(channel=data["channel"])
        if data["year"]:
            cases = cases.filter(number_year=data["year"])
        if data["deadline"] == "late":
            cases = cases.filter(_overdue_q(today))
        elif data["deadline"] == "due_soon":
            cases = cases.filter(status__in=OPEN_STATUSES, due_date__range=(today, soon))
    # One aggregate gives the counts per status and the total of the page list. Grouped by
    # office and status, it reads only the (office, status, due_date) index; grouped by
    # status alone, SQLite walked the rows in status order (170 ms at 70,000 requests).
    counts: dict[str, int] = {}
    for _office, case_status, n in (
        cases.order_by().values_list("office_id", "status").annotate(n=Count("*"))
    ):
        counts[case_status] = counts.get(case_status, 0) + n
    if status == STATUS_OPEN:
        cases = cases.filter(status__in=OPEN_STATUSES)
        total = sum(counts.get(s, 0) for s in OPEN_STATUSES)
    elif status == STATUS_ALL:
        total = sum(counts.values())
    else:
        cases = cases.filter(status=status)
        total = counts.get(status, 0)

    disposition_offices = _disposition_office_ids(user)
    if disposition_offices:
        internal = (
            Disposition.objects.filter(
                request=OuterRef("pk"),
                to_office_id__in=disposition_offices,
                status=Disposition.Status.OPEN,
            )
            .order_by("internal_due_date")
            .values("internal_due_date")[:1]
        )
        cases = cases.annotate(
            internal_due=Subquery(internal), next_deadline=Coalesce(Subquery(internal), "due_date")
        )
    else:
        cases = cases.annotate(next_deadline=F("due_date"))
    # Open cases by the next deadline; finished ones newest first.
    ordering = ("next_deadline", "id") if status == STATUS_OPEN else ("-received_at", "-id")
    cases = (
        cases.select_related("office")
        .only(
            "uid", "registration_number", "received_at", "requester_name", "information",
            "office__name", "status", "outcome", "due_date", "late_since", "channel",
        )
        .order_by(*ordering)
    )  # fmt: skip
    page = _CountedPaginator(cases, PAGE_SIZE, total=total).get_page(request.GET.get("p"))
    for case in page:
        case.initials = _initials(case.requester_name)
        case.internal_due = getattr(case, "internal_due", None)
        # Colours mark what still needs doing: open cases only.
        case.deadline_state = ""
        if case.status in OPEN_STATUSES:
            if case.late_since or case.due_date < today:
                case.deadline_state = "overdue"
            elif case.next_deadline <= soon:
                case.deadline_state = "due_soon"
    query = request.GET.copy()
    query.pop("p", None)
    status_query = query.copy()
    status_query.pop("status", None)
    status_labels = dict(InformationRequest.Status.choices)
    return render(
        request,
        "foi/admin/inbox.html",
        {
            "page_title": _("Information requests"),
            "header_icon": "mail",
            "filter_form": form,
            "page_obj": page,
            "total": total,
            "query_string": query.urlencode(),
            "status_query": status_query.urlencode(),
            "status_counts": [
                (value, status_labels[value], counts.get(value, 0))
                for value in InformationRequest.Status.values
            ],
            "open_count": sum(counts.get(s, 0) for s in OPEN_STATUSES),
            "all_count": sum(counts.values()),
            "status": status,
            "can_intake": has_office(user, INTAKE_ROLES),
            "due_soon_wd": LIMITS.due_soon_wd,
        },
    )


# --- Case page --------------------------------------------------------------------------------


def _personal_data(req: InformationRequest, *, visible: bool) -> dict:
    """The PD fields (§13.3), masked unless the officer asked to see them (and it is logged)."""
    if visible:
        return {
            "nik": req.nik, "address": req.address, "phone": req.phone, "fax": req.fax,
            "proxy_nik": req.proxy_nik, "proxy_address": req.proxy_address,
            "proxy_contact": req.proxy_contact,
        }  # fmt: skip
    return {
        "nik": mask_nik(req.nik), "address": mask_address(req.address),
        "phone": mask_phone(req.phone), "fax": mask_phone(req.fax),
        "proxy_nik": mask_nik(req.proxy_nik), "proxy_address": mask_address(req.proxy_address),
        "proxy_contact": mask_phone(req.proxy_contact),
    }  # fmt: skip


def _deadline(req: InformationRequest) -> dict:
    """The current notice deadline explained (C8, §10), with the date under the other cuti
    bersama policy that officers see."""
    return {"due": request_due_explanation(req), "alternative": alternative_due_date(req)}


def _reverse_or_blank(name: str, *args) -> str:
    # The objections module registers its own admin URLs; a deployment may leave it out.
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _objections(req: InformationRequest) -> list[tuple]:
    return [
        (objection, _reverse_or_blank("foi_objections_admin:objection", objection.uid))
        for objection in req.objections.all()
    ]


def _event_labels() -> dict[str, str]:
    """The back office's words for the case's events (officers also see internal steps)."""
    return {
        "submitted": _("Request registered"),
        "forwarded": _("Forwarded"),
        "handling_office_changed": _("Handling office changed"),
        "notice_drafted": _("Notice drafted"),
        "notice_sent": _("Written notice sent"),
        "extended": _("Deadline extended"),
        "fee_added": _("Fee added"),
        "fee_paid": _("Fee paid"),
        "handed_over": _("Information handed over"),
        "referred": _("Referred to another public body"),
        "marked_late": _("Marked late"),
        "due_soon_warned": _("Office warned: due soon"),
        "deadline_recomputed": _("Deadline recomputed after a calendar change"),
        "closed": _("Closed"),
        "withdrawn": _("Withdrawn"),
        "survey_submitted": _("Satisfaction survey answered"),
        "objection_granted": _("Objection granted: handled again"),
        "objection_review_started": _("Objection under review by the Atasan PPID"),
        "personal_data_purged": _("Personal data purged after retention"),
    }


def _change_text(value) -> str:
    if isinstance(value, list) and len(value) == 2:
        return f"{_change_text(value[0]) or '—'} → {_change_text(value[1]) or '—'}"
    if isinstance(value, list):
        return ", ".join(_change_text(v) for v in value)
    return "" if value is None else str(value)


def _timeline(req: InformationRequest) -> list[dict]:
    """Every event of the case with actor, role, time, reason and changes (F37)."""
    labels = _event_labels()
    roles = {**dict(Role.choices), "requester": _("Requester"), "system": _("System")}
    return [
        {
            "at": event.created_at,
            "action": labels.get(event.action, event.action),
            "actor": (event.actor.get_full_name() or event.actor.username) if event.actor else "",
            "role": roles.get(event.actor_role, event.actor_role),
            "reason": event.reason,
            "changes": [(key, _change_text(value)) for key, value in event.changes.items()],
        }
        for event in events_for(req)
    ]


def _notices(user, req: InformationRequest) -> list[Notice]:
    """The case's notices; each draft knows whether this user may send it himself (the
    Utama sends, a Pelaksana only where the body lets it answer directly)."""
    notices = list(
        req.notices.select_related(
            "other_body",
            "exempt_entry",
            "consequence_test",
            "drafted_by",
            "sent_by",
            "drafted_by_office",
        )
    )
    for notice in notices:
        notice.may_send = notice.state == Notice.State.DRAFT and services.may_send_notice(
            user, notice
        )
    return notices


def _render_case(request, req: InformationRequest, *, show_personal: bool = False):
    user = request.user
    can_handle = access.can_handle(user, req)
    # A missing one-to-one row raises a subclass of AttributeError.
    extension = getattr(req, "extension", None)
    context = {
        "page_title": req.registration_number,
        "page_subtitle": req.get_status_display(),
        "header_icon": "mail",
        "req": req,
        "can_handle": can_handle,
        "can_forward": can_handle and _may_forward(user, req),
        "can_see_personal_data": access.can_see_personal_data(user, req),
        "is_atasan": access.is_atasan_for(user, req),
        "show_personal": show_personal,
        "pd": _personal_data(req, visible=show_personal),
        "deadline": _deadline(req),
        "is_open": req.is_open,
        "dispositions": req.dispositions.select_related("from_office", "to_office", "created_by"),
        "notices": _notices(user, req),
        "extension": extension,
        "fees": req.fees.select_related("tariff"),
        "handovers": req.handovers.all(),
        "letters": req.letters.all(),
        "objections": _objections(req),
        "objection_intake_url": _reverse_or_blank("foi_objections_admin:intake", req.uid),
        "events": _timeline(req),
        "Status": InformationRequest.Status,
        "NoticeState": Notice.State,
        "Outcome": Outcome,
        "obtain_methods": _obtain_methods_display(req),
    }
    response = render(request, "foi/admin/request_detail.html", context)
    if show_personal:
        patch_cache_control(response, private=True, no_store=True)
    return response


def _obtain_methods_display(req: InformationRequest) -> str:
    labels = dict(ObtainMethod.choices)
    return ", ".join(str(labels.get(m, m)) for m in req.obtain_methods)


def request_detail(request, uid):
    return _render_case(request, access.request_for_staff(request.user, uid))


@require_POST
def personal_data_show(request, uid):
    """Unmask the requester's personal data for a handler, and log it (§6)."""
    req = access.request_for_staff(request.user, uid)
    if not access.can_see_personal_data(request.user, req):
        raise Http404
    log_personal_data_access(request.user, req, "case page")
    return _render_case(request, req, show_personal=True)


PERSONAL_FILES = {
    "id-scan": ("id_scan", "id scan"),
    "proxy-letter": ("proxy_letter", "proxy letter"),
}


def personal_file(request, uid, which):
    """The ID scan or the power of attorney: handlers only, each download logged (§6)."""
    req = access.request_for_staff(request.user, uid)
    if which not in PERSONAL_FILES or not access.can_see_personal_data(request.user, req):
        raise Http404
    field, what = PERSONAL_FILES[which]
    stored = getattr(req, field)
    if not stored:
        raise Http404
    log_personal_data_access(request.user, req, what)
    return _private_file(stored, f"{which}.{stored.name.rsplit('.', 1)[-1]}")


def letter_download(request, uid, letter_uid):
    """A numbered letter (PDF). Letters name the requester: handlers and the Atasan PPID."""
    req = access.request_for_staff(request.user, uid)
    if not (
        access.can_see_personal_data(request.user, req) or access.is_atasan_for(request.user, req)
    ):
        raise Http404
    letter = req.letters.filter(uid=letter_uid).first()
    if letter is None:
        raise Http404
    log_personal_data_access(request.user, req, f"letter {letter.kind}")
    return _private_file(letters.letter_file(letter), f"{letter.kind}.pdf", inline=True)


def _private_file(stored, filename: str, *, inline: bool = False) -> FileResponse:
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=not inline, filename=filename)
    patch_cache_control(response, private=True, no_store=True)
    return response


# --- Actions ------------------------------------------------------------------------------------


def _with_request(req: InformationRequest) -> dict:
    return {"request": req}


def _action(
    request, uid, *, form_class, title, submit, call, success, icon="edit", intro="",
    form_kwargs=None, req=None,
):  # fmt: skip
    """A small form page for one step on a case: GET shows the form, POST calls the
    service with the cleaned data; errors come back on the form with nothing changed.
    `call` may return a response of its own (a result shown once)."""
    req = req or _handled_request(request.user, uid)
    posted = request.method == "POST"
    form = form_class(
        request.POST if posted else None,
        request.FILES if posted else None,
        **(form_kwargs(req) if form_kwargs else {}),
    )
    if posted and form.is_valid():
        try:
            response = call(req, form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc, strip_prefix="requester.")
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("You may not take this step on this request."))
        else:
            if isinstance(response, HttpResponse):
                return response
            messages.success(request, success)
            return redirect(_case_url(req))
    if posted:
        messages.error(request, _("Nothing was changed: correct the errors below."))
    return render(
        request,
        "foi/admin/action_form.html",
        {
            "page_title": title,
            "page_subtitle": req.registration_number,
            "header_icon": icon,
            "req": req,
            "form": form,
            "submit_label": submit,
            "intro": intro,
            "multipart": form.is_multipart(),
        },
        status=400 if posted else 200,
    )


@require_http_methods(["GET", "POST"])
def forward(request, uid):
    req = _handled_request(request.user, uid)
    if not _may_forward(request.user, req):
        raise Http404
    targets = (
        Office.objects.filter(parent=access.utama_of(req.office), kind=Office.Kind.PELAKSANA)
        .exclude(pk=req.office_id)
        .order_by("name")
    )
    return _action(
        request, uid, req=req, form_class=ForwardForm, form_kwargs=lambda r: {"offices": targets},
        title=_("Forward to PPID Pelaksana"), submit=_("Forward"), icon="arrow-right",
        call=lambda r, d: services.request_forward(
            r, actor=request.user, to_offices=list(d["to_offices"]), note=d["note"],
            internal_due_date=d["internal_due_date"],
        ),
        success=_("The request was forwarded."),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def notice_draft(request, uid):
    return _action(
        request, uid, form_class=NoticeForm, form_kwargs=_with_request,
        title=_("Draft the written notice"), submit=_("Save the draft"), icon="doc-full",
        intro=_("Items a–g of UU 14/2008 Pasal 22(7). A refusal cites its Pasal 17 ground."),
        call=lambda r, d: services.notice_draft(r, actor=request.user, **d),
        success=_("The draft notice was saved."),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def notice_send(request, uid):
    return _action(
        request, uid, form_class=NoticeSendForm, form_kwargs=_with_request,
        title=_("Send the written notice"), submit=_("Approve and send"), icon="mail",
        call=lambda r, d: services.notice_send(d["notice"], actor=request.user),
        success=_("The written notice was sent to the requester."),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def extend(request, uid):
    return _action(
        request, uid, form_class=ExtendForm, title=_("Extend the deadline"),
        submit=_("Extend"), icon="time",
        intro=_("Once only, before the deadline passes, with written reasons (F19)."),
        call=lambda r, d: services.request_extend(
            r, actor=request.user, reasons=d["reasons"], working_days=d["working_days"]
        ),
        success=_("The deadline was extended."),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def fee_add(request, uid):
    return _action(
        request, uid, form_class=FeeForm, form_kwargs=_with_request, title=_("Add a fee"),
        submit=_("Add"), icon="plus", intro=_("Electronic copies are free (F25)."),
        call=lambda r, d: services.fee_add(
            r, actor=request.user, item=d["item"], unit_price=d["unit_price"],
            quantity=d["quantity"], tariff=d["tariff"],
        ),
        success=_("The fee was added."),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def fee_paid(request, uid):
    return _action(
        request, uid, form_class=FeePaidForm, form_kwargs=_with_request,
        title=_("Record a payment"), submit=_("Record"), icon="tick",
        call=lambda r, d: services.fee_paid(
            d["fee"], actor=request.user, receipt_number=d["receipt_number"]
        ),
        success=_("The payment was recorded."),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def handover(request, uid):
    def call(req, data):
        _handover, token = services.handover_record(
            req, actor=request.user, method=data["method"], file=data["file"],
            received_by=data["received_by"], privacy=data["privacy"],
        )  # fmt: skip
        if not token:
            return None
        # The download link exists only now (its hash is stored): show it once.
        messages.success(request, _("The handover was recorded."))
        return render(
            request,
            "foi/admin/handover_done.html",
            {
                "page_title": _("Send the download link"),
                "page_subtitle": req.registration_number,
                "header_icon": "download",
                "req": req,
                "download_url": services.download_url(token),
            },
        )

    return _action(
        request, uid, form_class=HandoverForm, title=_("Record the handover"),
        submit=_("Record"), icon="download", call=call,
        success=_("The handover was recorded."),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def refer(request, uid):
    def call(req, data):
        referral = services.request_refer(
            req, actor=request.user, other_body=data["other_body"], note=data["note"]
        )
        if referral is None:
            raise ValidationError(
                {"other_body": _("That body has no active PPID office here: tell the "
                                 "requester where to ask instead.")}
            )  # fmt: skip
        messages.success(
            request,
            _("The request was passed on as %(number)s.")
            % {"number": referral.registration_number},
        )
        return redirect(_case_url(req))

    return _action(
        request, uid, form_class=ReferForm, form_kwargs=_with_request,
        title=_("Refer to another public body"), submit=_("Refer"), icon="arrow-right",
        call=call, success="",
        intro=_("After a notice that the information is not held here (F18 a–b): the "
                "request is registered again at the body that holds it."),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def close(request, uid):
    return _action(
        request, uid, form_class=CloseForm, title=_("Close the request"), submit=_("Close"),
        icon="tick",
        call=lambda r, d: services.request_close(r, actor=request.user, reason=d["reason"]),
        success=_("The request was closed."),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def withdraw(request, uid):
    return _action(
        request, uid, form_class=WithdrawForm, title=_("Withdraw on the requester's behalf"),
        submit=_("Withdraw"), icon="cross",
        call=lambda r, d: services.request_withdraw(r, actor=request.user, reason=d["reason"]),
        success=_("The request was withdrawn."),
    )  # fmt: skip


# --- Desk intake (F17: the number is the proof of receipt) ---------------------------------------


def _session_key(req: InformationRequest) -> str:
    return f"foi_intake_tracking:{req.uid}"


@require_http_methods(["GET", "POST"])
def intake(request):
    offices = list(offices_for(request.user, INTAKE_ROLES).order_by("name"))
    if not offices:
        raise Http404
    posted = request.method == "POST"
    form = IntakeForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        offices=Office.objects.filter(pk__in=[o.pk for o in offices]),
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        request_data = services.RequestData(
            office=data["office"],
            requester=services.RequesterData(**{f: data[f] for f in IntakeForm.REQUESTER_FIELDS}),
            information=data["information"],
            purpose=data["purpose"],
            obtain_methods=list(data["obtain_methods"]),
            copy_format=data["copy_format"],
            delivery_method=data["delivery_method"],
            channel=data["channel"],
            received_at=data["received_at"],
            id_scan=data["id_scan"],
            proxy_letter=data["proxy_letter"],
        )
        key = f"desk:{data['form_token']}"  # hashed by the service
        try:
            submitted = services.request_submit(
                request_data, actor=request.user, submission_key=key
            )
        except ValidationError as exc:
            form_apply_errors(form, exc, strip_prefix="requester.")
        except PermissionDenied:
            form.add_error("office", _("You may not record requests for this office."))
        else:
            req = submitted.request
            if submitted.tracking_token:
                # Kept in the officer's session only until the receipt shows it once.
                request.session[_session_key(req)] = services.tracking_url(
                    req, submitted.tracking_token
                )
            messages.success(
                request,
                _("Request %(number)s was registered.") % {"number": req.registration_number},
            )
            return redirect("foi_admin:receipt", uid=req.uid)
    if posted:
        messages.error(
            request,
            _("Nothing was registered: correct the errors below (choose the files again)."),
        )
    return render(
        request,
        "foi/admin/intake.html",
        {"page_title": _("Record a request at the desk"), "header_icon": "form", "form": form},
        status=400 if posted else 200,
    )


def receipt(request, uid):
    """The printable proof of receipt (F17) with the deadline explanation; the tracking
    link appears once, right after intake."""
    req = access.request_for_staff(request.user, uid)
    tracking = request.session.pop(_session_key(req), "")
    receipt_letter = req.letters.filter(kind=Letter.Kind.RECEIPT).first()
    response = render(
        request,
        "foi/admin/receipt.html",
        {
            "req": req,
            "deadline": _deadline(req),
            "tracking_url": tracking,
            "receipt_letter": receipt_letter,
        },
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


# --- Wagtail registration -------------------------------------------------------------------------

app_name = "foi_admin"
urlpatterns = [
    path("inbox/", inbox, name="inbox"),
    path("intake/", intake, name="intake"),
    path("requests/<uuid:uid>/", request_detail, name="request"),
    path("requests/<uuid:uid>/receipt/", receipt, name="receipt"),
    path("requests/<uuid:uid>/personal-data/", personal_data_show, name="personal_data"),
    path("requests/<uuid:uid>/files/<slug:which>/", personal_file, name="personal_file"),
    path("requests/<uuid:uid>/letters/<uuid:letter_uid>/", letter_download, name="letter"),
    path("requests/<uuid:uid>/forward/", forward, name="forward"),
    path("requests/<uuid:uid>/notice/", notice_draft, name="notice_draft"),
    path("requests/<uuid:uid>/notice/send/", notice_send, name="notice_send"),
    path("requests/<uuid:uid>/extend/", extend, name="extend"),
    path("requests/<uuid:uid>/fees/", fee_add, name="fee_add"),
    path("requests/<uuid:uid>/fees/paid/", fee_paid, name="fee_paid"),
    path("requests/<uuid:uid>/handover/", handover, name="handover"),
    path("requests/<uuid:uid>/refer/", refer, name="refer"),
    path("requests/<uuid:uid>/close/", close, name="close"),
    path("requests/<uuid:uid>/withdraw/", withdraw, name="withdraw"),
]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("foi/", include((urlpatterns, app_name), namespace=app_name))]


class _FoiMenuItem(MenuItem):
    """Shown to those who read some office's requests."""

    roles = access.READER_ROLES

    def is_shown(self, request):
        return has_office(request.user, self.roles)


class _IntakeMenuItem(_FoiMenuItem):
    roles = INTAKE_ROLES


@hooks.register("register_admin_menu_item")
def register_foi_menu():
    # Other request-service modules (objections, registers) add their items with
    # @hooks.register("register_foi_menu_item").
    items = [
        _FoiMenuItem(gettext_lazy("Inbox"), reverse("foi_admin:inbox"),
                     name="foi-inbox", icon_name="mail", order=100),
        _IntakeMenuItem(gettext_lazy("Record a request at the desk"), reverse("foi_admin:intake"),
                        name="foi-intake", icon_name="form", order=200),
    ]  # fmt: skip
    return SubmenuMenuItem(
        gettext_lazy("Information requests"),
        Menu(items=items, register_hook_name="register_foi_menu_item"),
        name="foi",
        icon_name="mail",
        order=120,
    )


class DeadlinesPanel(Component):
    """The officer's open cases past their deadline or due within LIMITS.due_soon_wd working
    days (D2/D3, F18, F19)."""

    name = "foi_deadlines"
    template_name = "foi/admin/dashboard_panel.html"
    order = 40

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        today = timezone.localdate()
        counts = (
            access.requests_for_staff(self.user)
            .filter(status__in=OPEN_STATUSES)
            .aggregate(
                overdue=Count("id", filter=Q(due_date__lt=today) | Q(late_since__isnull=False)),
                due_soon=Count(
                    "id", filter=Q(due_date__range=(today, _due_soon_limit(today)), late_since=None)
                ),
            )
        )
        return {**counts, "due_soon_wd": LIMITS.due_soon_wd}


@hooks.register("construct_homepage_panels")
def add_deadlines_panel(request, panels):
    if has_office(request.user, access.READER_ROLES):
        panels.append(DeadlinesPanel(request.user))
