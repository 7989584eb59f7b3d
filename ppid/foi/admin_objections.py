"""The objection back office inside Wagtail's admin (F28–F36, §14.2): the objection register
per office and year, the objection page (grounds, D4/D5, letters, disputes, court cases,
timeline), desk intake of an objection, and one small form page per step.

Thin views: each parses a form (forms_objections.py) and calls one service
(objections.py). Every record goes through objections.objection_for_staff: handlers of
the request's office tree and the body's Atasan PPID see it; anybody else gets 404,
exactly like a missing objection. A step the user may see but not take (a handler
deciding instead of the Atasan) is refused by the service with 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ppid.core.events import events_for
from ppid.core.forms import form_apply_errors

from . import access, letters, objections
from .forms_objections import (
    CaseDocumentForm,
    CourtCaseForm,
    CourtCaseUpdateForm,
    DecideForm,
    DeskObjectionForm,
    DisputeForm,
    DisputeStageForm,
    ExecutionForm,
    NoteForm,
    ObjectionFilterForm,
    ReplyForm,
    RequestLookupForm,
    SettleForm,
    new_form_token,
)
from .models import CaseDocument, CourtCase, Objection, ObjectionGround
from .privacy import log_personal_data_access

PAGE_SIZE = 25  # DESIGN.md: about 160 µs per rendered row; keep pages short.


def _objection_url(objection: Objection) -> str:
    return reverse("foi_objections_admin:objection", args=[objection.uid])


# --- The register ------------------------------------------------------------------------


def objection_list(request):
    """The objection register (F31) of the user's offices, newest first."""
    form = ObjectionFilterForm(request.GET or None)
    rows = objections.objections_for_staff(request.user).select_related(
        "request__office", "number_office"
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            rows = rows.filter(status=data["status"])
        if data["year"]:
            rows = rows.filter(number_year=data["year"])
        if data["unanswered"]:
            rows = rows.filter(not_answered_since__isnull=False)
    page = Paginator(rows.order_by("-received_at", "-id"), PAGE_SIZE).get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    return render(
        request,
        "foi/objections/admin_list.html",
        {
            "page_title": _("Objections"),
            "header_icon": "warning",
            "filter_form": form,
            "page_obj": page,
            "query_string": query.urlencode(),
            "can_intake": bool(access.handling_office_ids(request.user)),
            "today": timezone.localdate(),
        },
    )


# --- Desk intake (F31) ----------------------------------------------------------------------


@require_GET
def intake_start(request):
    """Find the request an objection is about, by its registration number (scoped)."""
    if not access.handling_office_ids(request.user):
        raise Http404
    form = RequestLookupForm(request.GET or None)
    if form.is_valid():
        number = form.cleaned_data["registration_number"].strip()
        case = (
            access.requests_for_staff(request.user)
            .filter(registration_number__iexact=number)
            .first()
        )
        if case is not None and access.can_handle(request.user, case):
            return redirect("foi_objections_admin:intake", request_uid=case.uid)
        form.add_error("registration_number", _("No request with this number in your offices."))
    return render(
        request,
        "foi/objections/admin_action.html",
        {
            "page_title": _("Record an objection"),
            "header_icon": "warning",
            "form": form,
            "method": "get",
            "submit_label": _("Find the request"),
            "cancel_url": reverse("foi_objections_admin:list"),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def intake(request, request_uid):
    """Record an objection brought to the desk (in writing, by letter or e-mail): the same
    service as the online form, with the desk officer as actor."""
    case = access.request_for_staff(request.user, request_uid)
    if not access.can_handle(request.user, case):
        raise Http404
    today = timezone.localdate()
    available = objections.grounds_now(case, today)
    if request.method == "POST":
        form = DeskObjectionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                objection = objections.objection_file(
                    case,
                    grounds=data["grounds"],
                    case_description=data["case_description"],
                    channel=data["channel"],
                    actor=request.user,
                    submission_key=data["form_token"],
                    ground_found_on=data["ground_found_on"],
                )
            except ValidationError as exc:
                form_apply_errors(form, exc)
            except PermissionDenied as exc:
                raise Http404 from exc
            else:
                messages.success(
                    request,
                    _("Objection %(number)s was registered: print the form as the receipt.")
                    % {"number": objection.registration_number},
                )
                return redirect(_objection_url(objection))
        if "form_token" in form.errors or not form.data.get("form_token"):
            form.data = form.data.copy()
            form.data["form_token"] = new_form_token()
        chosen = [g for g in request.POST.getlist("grounds") if g in ObjectionGround.values]
    else:
        form = DeskObjectionForm(
            initial={"grounds": sorted(available), "form_token": new_form_token()}
        )
        chosen = sorted(available)
    window = objections.filing_window(case, chosen, today=today)
    return render(
        request,
        "foi/objections/admin_action.html",
        {
            "page_title": _("Record an objection"),
            "page_subtitle": case.registration_number,
            "header_icon": "warning",
            "case": case,
            "form": form,
            "window": window,
            "available": sorted(available.items()),
            "submit_label": _("Register the objection"),
            "cancel_url": reverse("foi_admin:request", args=[case.uid]),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- The objection page ----------------------------------------------------------------------


def _timeline(objection: Objection) -> list:
    """The objection's events with those of its disputes and court cases, in time order."""
    events = list(events_for(objection))
    for dispute in objection.disputes.all():
        events += list(events_for(dispute))
        for court_case in dispute.court_cases.all():
            events += list(events_for(court_case))
    return sorted(events, key=lambda e: (e.created_at, e.pk))


def objection_detail(request, uid):
    objection = objections.objection_for_staff(request.user, uid)
    user = request.user
    disputes = list(
        objection.disputes.prefetch_related("documents", "court_cases__documents").order_by(
            "filed_on", "id"
        )
    )
    for dispute in disputes:
        dispute.filed_late = objections.dispute_filed_late(dispute)
        dispute.steps = objections.DISPUTE_STEPS.get(dispute.stage, set())
        dispute.cases = list(dispute.court_cases.order_by("filed_on", "id"))
        for court_case in dispute.cases:
            court_case.cassation = objections.cassation_due(court_case)
            court_case.filed_late = (
                court_case.filing_due_date is not None
                and court_case.filed_on > court_case.filing_due_date
            )
            court_case.steps = objections.COURT_STEPS.get(court_case.stage, set())
    is_open = objection.status in objections.OPEN_OBJECTION_STATUSES
    can_act = objections.can_handle_objection(user, objection)
    context = {
        "page_title": objection.registration_number,
        "page_subtitle": objection.get_status_display(),
        "header_icon": "warning",
        "objection": objection,
        "case": objection.request,
        "grounds": [(g, ObjectionGround(g).label) for g in objection.grounds],
        "due": objections.response_due(objection),
        "alternative": objections.response_due_alternative(objection),
        "dispute_due": objections.dispute_filing_due(objection),
        "disputes": disputes,
        "letters": objection.letters.order_by("created_at", "id"),
        "events": _timeline(objection),
        "can_act": can_act,
        "can_decide": is_open and objections.is_deciding_atasan(user, objection),
        "can_review": objection.status in {Objection.Status.FILED, Objection.Status.DELIBERATION}
        and objections.is_deciding_atasan(user, objection),
        "can_deliberate": can_act
        and objection.status in {Objection.Status.FILED, Objection.Status.IN_REVIEW}
        and objections.may_deliberate(objection.grounds),
        "can_settle": can_act and objection.status == Objection.Status.DELIBERATION,
        "can_reply": can_act
        and objection.status in objections.ANSWERED_STATUSES
        and not objection.requester_reply,
        "can_dispute": can_act
        and not disputes
        and (not is_open or objection.due_date < timezone.localdate()),
        "case_url": reverse("foi_admin:request", args=[objection.request.uid]),
        "final_stages": objections.FINAL_DISPUTE_STAGES,
    }
    return render(request, "foi/objections/admin_detail.html", context)


def _step(request, uid, *, form_class, title, submit, call, success, form_kwargs=None):
    """One step on an objection: GET shows its form, POST calls the service; errors come
    back on the form with nothing changed."""
    objection = objections.objection_for_staff(request.user, uid)
    form_kwargs = form_kwargs(objection) if callable(form_kwargs) else (form_kwargs or {})
    posted = request.method == "POST"
    form = form_class(
        request.POST if posted else None, request.FILES if posted else None, **form_kwargs
    )
    if posted and form.is_valid():
        try:
            call(objection, form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(_objection_url(objection))
    if posted:
        messages.error(request, _("Nothing was changed: correct the errors below."))
    return render(
        request,
        "foi/objections/admin_action.html",
        {
            "page_title": title,
            "page_subtitle": objection.registration_number,
            "header_icon": "warning",
            "objection": objection,
            "form": form,
            "submit_label": submit,
            "cancel_url": _objection_url(objection),
        },
        status=400 if posted else 200,
    )


@require_http_methods(["GET", "POST"])
def deliberate(request, uid):
    return _step(
        request,
        uid,
        form_class=NoteForm,
        title=_("Start deliberation (musyawarah)"),
        submit=_("Start deliberation"),
        success=_("Deliberation started."),
        call=lambda o, d: objections.objection_deliberate(o, actor=request.user, note=d["note"]),
    )


def _atasan_step(request, uid, **step):
    """_step for the Atasan PPID's own steps: anyone else is refused."""
    objection = objections.objection_for_staff(request.user, uid)
    if not objections.is_deciding_atasan(request.user, objection):
        raise PermissionDenied
    return _step(request, uid, **step)


@require_http_methods(["GET", "POST"])
def review(request, uid):
    return _atasan_step(
        request,
        uid,
        form_class=NoteForm,
        title=_("Take the objection up for review"),
        submit=_("Take up for review"),
        success=_("The objection is under review by the Atasan PPID."),
        call=lambda o, d: objections.objection_review(o, actor=request.user, note=d["note"]),
    )


@require_http_methods(["GET", "POST"])
def settle(request, uid):
    return _step(
        request,
        uid,
        form_class=SettleForm,
        title=_("Settle by deliberation"),
        submit=_("Record the agreement"),
        success=_("The objection was settled by deliberation."),
        call=lambda o, d: objections.objection_settle(
            o, actor=request.user, agreement=d["agreement"]
        ),
    )


@require_http_methods(["GET", "POST"])
def decide(request, uid):
    return _atasan_step(
        request,
        uid,
        form_class=DecideForm,
        title=_("Decide the objection"),
        submit=_("Send the written response"),
        success=_("The response was recorded and the letter generated."),
        call=lambda o, d: objections.objection_decide(
            o, actor=request.user, decision=d["decision"], reasons=d["reasons"]
        ),
    )


@require_http_methods(["GET", "POST"])
def reply(request, uid):
    return _step(
        request,
        uid,
        form_class=ReplyForm,
        title=_("Record the requester's reply"),
        submit=_("Record the reply"),
        success=_("The requester's reply was recorded."),
        call=lambda o, d: objections.objection_reply(o, reply=d["reply"], actor=request.user),
    )


@require_http_methods(["GET", "POST"])
def dispute_add(request, uid):
    return _step(
        request,
        uid,
        form_class=DisputeForm,
        title=_("Record a dispute at the Information Commission"),
        submit=_("Record the dispute"),
        success=_("The dispute was recorded."),
        call=lambda o, d: objections.dispute_record(o, actor=request.user, **d),
    )


def _dispute(objection: Objection, dispute_id: int):
    dispute = objection.disputes.filter(pk=dispute_id).first()
    if dispute is None:
        raise Http404
    return dispute


def _court_case(objection: Objection, case_id: int):
    court_case = (
        CourtCase.objects.filter(pk=case_id, dispute__objection=objection)
        .select_related("dispute")
        .first()
    )
    if court_case is None:
        raise Http404
    return court_case


@require_http_methods(["GET", "POST"])
def dispute_stage(request, uid, dispute_id):
    return _step(
        request,
        uid,
        form_class=DisputeStageForm,
        form_kwargs=lambda o: {"dispute": _dispute(o, dispute_id)},
        title=_("Dispute: next stage"),
        submit=_("Record the stage"),
        success=_("The dispute's stage was recorded."),
        call=lambda o, d: objections.dispute_stage(
            _dispute(o, dispute_id), actor=request.user, **d
        ),
    )


@require_http_methods(["GET", "POST"])
def dispute_execution(request, uid, dispute_id):
    return _step(
        request,
        uid,
        form_class=ExecutionForm,
        title=_("Dispute: execution of the decision"),
        submit=_("Record"),
        success=_("The execution was recorded."),
        call=lambda o, d: objections.dispute_execution(
            _dispute(o, dispute_id), actor=request.user, execution=d["execution"]
        ),
    )


@require_http_methods(["GET", "POST"])
def court_case_add(request, uid, dispute_id):
    return _step(
        request,
        uid,
        form_class=CourtCaseForm,
        title=_("Record a court case"),
        submit=_("Record the court case"),
        success=_("The court case was recorded."),
        call=lambda o, d: objections.court_case_record(
            _dispute(o, dispute_id), actor=request.user, **d
        ),
    )


@require_http_methods(["GET", "POST"])
def court_case_update(request, uid, case_id):
    return _step(
        request,
        uid,
        form_class=CourtCaseUpdateForm,
        form_kwargs=lambda o: {"court_case": _court_case(o, case_id)},
        title=_("Court case: next stage"),
        submit=_("Record the stage"),
        success=_("The court case's stage was recorded."),
        call=lambda o, d: objections.court_case_update(
            _court_case(o, case_id), actor=request.user, **d
        ),
    )


@require_http_methods(["GET", "POST"])
def dispute_document(request, uid, dispute_id):
    return _step(
        request,
        uid,
        form_class=CaseDocumentForm,
        title=_("Add a document to the dispute"),
        submit=_("Upload"),
        success=_("The document was filed."),
        call=lambda o, d: objections.case_document_add(
            actor=request.user, upload=d["file"], title=d["title"], dispute=_dispute(o, dispute_id)
        ),
    )


@require_http_methods(["GET", "POST"])
def court_case_document(request, uid, case_id):
    return _step(
        request,
        uid,
        form_class=CaseDocumentForm,
        title=_("Add a document to the court case"),
        submit=_("Upload"),
        success=_("The document was filed."),
        call=lambda o, d: objections.case_document_add(
            actor=request.user,
            upload=d["file"],
            title=d["title"],
            court_case=_court_case(o, case_id),
        ),
    )


# --- Private downloads --------------------------------------------------------------------------


def _private_file(stored, filename: str, content_type: str | None = None) -> FileResponse:
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in filename)
    response = FileResponse(handle, as_attachment=True, filename=safe, content_type=content_type)
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
def document_download(request, uid, document_id):
    """A dispute or court document: those who see the objection, nobody else."""
    objection = objections.objection_for_staff(request.user, uid)
    document = (
        CaseDocument.objects.filter(pk=document_id)
        .filter(Q(dispute__objection=objection) | Q(court_case__dispute__objection=objection))
        .first()
    )
    if document is None:
        raise Http404
    extension = document.file.name.rsplit(".", 1)[-1]
    return _private_file(document.file, f"{document.title}.{extension}", document.content_type)


@require_GET
def letter_download(request, uid, letter_uid):
    """An objection letter (PDF). It names the requester: each download is logged (§6)."""
    objection = objections.objection_for_staff(request.user, uid)
    letter = objection.letters.filter(uid=letter_uid).first()
    if letter is None:
        raise Http404
    log_personal_data_access(request.user, objection.request, f"objection letter {letter.kind}")
    return _private_file(letters.letter_file(letter), f"{letter.number}.pdf", "application/pdf")


# --- Wagtail registration ---------------------------------------------------------------------

app_name = "foi_objections_admin"
urlpatterns = [
    path("", objection_list, name="list"),
    path("intake/", intake_start, name="intake_start"),
    path("intake/<uuid:request_uid>/", intake, name="intake"),
    path("<uuid:uid>/", objection_detail, name="objection"),
    path("<uuid:uid>/deliberate/", deliberate, name="deliberate"),
    path("<uuid:uid>/review/", review, name="review"),
    path("<uuid:uid>/settle/", settle, name="settle"),
    path("<uuid:uid>/decide/", decide, name="decide"),
    path("<uuid:uid>/reply/", reply, name="reply"),
    path("<uuid:uid>/letters/<uuid:letter_uid>/", letter_download, name="letter"),
    path("<uuid:uid>/dispute/", dispute_add, name="dispute_add"),
    path("<uuid:uid>/disputes/<int:dispute_id>/stage/", dispute_stage, name="dispute_stage"),
    path(
        "<uuid:uid>/disputes/<int:dispute_id>/execution/",
        dispute_execution,
        name="dispute_execution",
    ),
    path("<uuid:uid>/disputes/<int:dispute_id>/court/", court_case_add, name="court_case_add"),
    path(
        "<uuid:uid>/disputes/<int:dispute_id>/documents/",
        dispute_document,
        name="dispute_document",
    ),
    path("<uuid:uid>/court/<int:case_id>/stage/", court_case_update, name="court_case_update"),
    path(
        "<uuid:uid>/court/<int:case_id>/documents/",
        court_case_document,
        name="court_case_document",
    ),
    path("<uuid:uid>/documents/<int:document_id>/", document_download, name="document"),
]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("foi/objections/", include((urlpatterns, app_name), namespace=app_name))]


class ObjectionsMenuItem(MenuItem):
    """Shown to request handlers and Atasan PPID officers."""

    def is_shown(self, request):
        user = request.user
        return bool(access.handling_office_ids(user)) or objections.is_any_atasan(user)


@hooks.register("register_foi_menu_item")
def register_objections_menu():
    return ObjectionsMenuItem(
        gettext_lazy("Objections"),
        reverse("foi_objections_admin:list"),
        name="foi-objections",
        icon_name="warning",
        order=300,
    )
