"""The requester's objection pages (F28–F31): the form reached from the private tracking link
or from the case page, the objection's status with its printable receipt (the form copy,
F31), the reply to the response (register column k) and the objection letters.

Access is the request's: its account owner, or a browser session that proved access with
the tracking token or number and e-mail (ppid.foi.views_public keeps those proofs). The
token only appears in the entry URL; every page after it is addressed by unguessable uids.
Anything else answers 404, exactly like a missing objection.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ppid.core.events import events_for

from . import access, letters, objections, services
from .forms_objections import GROUND_EXPLANATIONS, ObjectionForm, ReplyForm, new_form_token
from .models import Channel, InformationRequest, ObjectionGround
from .views_public import MAX_SESSION_GRANTS, SESSION_GRANTS

DEADLINE_INCLUDE = "core/includes/deadline_explanation.html"


def _grant(request, case: InformationRequest) -> None:
    uids = [uid for uid in request.session.get(SESSION_GRANTS, []) if uid != str(case.uid)]
    request.session[SESSION_GRANTS] = [*uids, str(case.uid)][-MAX_SESSION_GRANTS:]


def _case_for(request, uid) -> InformationRequest:
    """The request if this visitor owns it or proved access in this session; else 404."""
    case = InformationRequest.objects.select_related("office__body", "body").filter(uid=uid).first()
    if case is None:
        raise Http404
    granted = str(case.uid) in request.session.get(SESSION_GRANTS, [])
    if not granted and not access.requester_can_see(request.user, case):
        raise Http404
    return case


def _objection_for(case: InformationRequest, objection_uid):
    objection = case.objections.filter(uid=objection_uid).first()
    if objection is None:
        raise Http404
    return objection


def _private(response):
    """About one requester: never kept by a shared cache, no Referer to other sites."""
    patch_cache_control(response, private=True)
    add_never_cache_headers(response)
    # Not "no-referrer": with it browsers send "Origin: null" with the page's own forms,
    # which Django's CSRF check refuses (403).
    response["Referrer-Policy"] = "same-origin"
    return response


def _deadline_include() -> str | None:
    try:
        get_template(DEADLINE_INCLUDE)
    except TemplateDoesNotExist:
        return None
    return DEADLINE_INCLUDE


@require_safe
def file_by_token(request, token):
    """The "File an objection" link of the tracking page: proves access, then the form."""
    case = services.request_by_token(token) if len(token) <= 200 else None
    if case is None:
        raise Http404
    _grant(request, case)
    return redirect("foi_objections:new", uid=case.uid)


def _available_rows(case: InformationRequest, today) -> list[dict]:
    """The grounds that exist now, from the case data (F28 note), with the D4 of each."""
    rows = []
    for code, found_on in sorted(objections.grounds_now(case, today).items()):
        window = objections.filing_window(case, [code], ground_found_on=found_on, today=today)
        rows.append(
            {
                "code": code,
                "label": ObjectionGround(code).label,
                "found_on": found_on,
                "due_date": window.due_date,
                "is_late": window.is_late,
            }
        )
    return rows


@require_http_methods(["GET", "POST"])
@never_cache
def objection_new(request, uid):
    """The objection form (F31): the grounds that exist now are pre-selected, D4 is shown
    with a warning when it has passed; filing is never refused for lateness (§9)."""
    case = _case_for(request, uid)
    today = timezone.localdate()
    pending = case.objections.filter(status__in=objections.OPEN_OBJECTION_STATUSES).first()
    available = objections.grounds_now(case, today)
    if request.method == "POST":
        form = ObjectionForm(request.POST)
        if form.is_valid():
            try:
                objection = objections.objection_file(
                    case,
                    grounds=form.cleaned_data["grounds"],
                    case_description=form.cleaned_data["case_description"],
                    channel=Channel.WEBSITE,
                    submission_key=form.cleaned_data["form_token"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Your objection was registered."))
                return redirect(
                    "foi_objections:objection", uid=case.uid, objection_uid=objection.uid
                )
        if not form.data.get("form_token") or "form_token" in form.errors:
            form.data = form.data.copy()
            form.data["form_token"] = new_form_token()
        chosen = [g for g in request.POST.getlist("grounds") if g in ObjectionGround.values]
    else:
        form = ObjectionForm(initial={"grounds": sorted(available), "form_token": new_form_token()})
        chosen = sorted(available)
    context = {
        "case": case,
        "form": form,
        "grounds": form.ground_explanations(),
        "available": _available_rows(case, today),
        "window": objections.filing_window(case, chosen, today=today),
        "pending": pending,
        "withdrawn": case.status == InformationRequest.Status.WITHDRAWN,
        "earlier": case.objections.exclude(pk=getattr(pending, "pk", None)),
    }
    status = 400 if request.method == "POST" else 200
    return _private(render(request, "foi/objections/form.html", context, status=status))


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _public_labels() -> dict[str, str]:
    return {
        "filed": _("Objection received and registered"),
        "deliberation_started": _("Deliberation (musyawarah) started"),
        "review_started": _("Under review by the Atasan PPID"),
        "settled": _("Settled by deliberation"),
        "decided": _("The Atasan PPID responded"),
        "unanswered": _("The response period passed without a response"),
        "replied": _("Your reply to the response was recorded"),
        "dispute_recorded": _("Dispute at the Information Commission recorded"),
    }


@require_safe
def objection_detail(request, uid, objection_uid):
    """The objection's status and its receipt: a copy of the form with the objection's
    registration number (F31), printable; its letters; the reply to the response."""
    case = _case_for(request, uid)
    objection = _objection_for(case, objection_uid)
    labels = _public_labels()
    answered = objection.status in objections.ANSWERED_STATUSES
    context = {
        "case": case,
        "objection": objection,
        "grounds": [
            (g, ObjectionGround(g).label, GROUND_EXPLANATIONS[g]) for g in objection.grounds
        ],
        "letters": objection.letters.order_by("created_at", "id"),
        "timeline": [
            {"at": e.created_at, "label": labels[e.action]}
            for e in events_for(objection).order_by("created_at", "id")
            if e.action in labels
        ],
        "due": objections.response_due(objection),
        "deadline_include": _deadline_include(),
        "dispute_due": objections.dispute_filing_due(objection),
        "answered": answered,
        "reply_form": ReplyForm() if answered and not objection.requester_reply else None,
    }
    return _private(render(request, "foi/objections/detail.html", context))


@require_POST
def objection_reply(request, uid, objection_uid):
    """The requester's reply to the response: satisfied or not (register column k)."""
    case = _case_for(request, uid)
    objection = _objection_for(case, objection_uid)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether you are satisfied with the response."))
    else:
        try:
            objections.objection_reply(objection, reply=form.cleaned_data["reply"])
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("Your reply was recorded."))
    return redirect("foi_objections:objection", uid=case.uid, objection_uid=objection.uid)


@require_safe
def objection_letter(request, uid, objection_uid, letter_uid):
    """An objection letter as PDF (the receipt form, the Atasan's response)."""
    case = _case_for(request, uid)
    objection = _objection_for(case, objection_uid)
    letter = objection.letters.filter(uid=letter_uid).first()
    if letter is None:
        raise Http404
    try:
        handle = letters.letter_file(letter).open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    name = "".join(c if c.isalnum() or c in "-_." else "-" for c in f"{letter.number}.pdf")
    response = FileResponse(
        handle, content_type="application/pdf", as_attachment=True, filename=name
    )
    return _private(response)
