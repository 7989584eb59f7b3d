"""The citizen's pages of the request service: the request form, its confirmation, tracking
(by registration number and e-mail, or by the private link), withdrawal, the survey, letters
and handover downloads, and the optional citizen account.

Who may see a request (ppid.foi.access.requester_can_see): its account owner, the holder of
its private tracking token, or a browser session that proved one of those (by the token, by
number and e-mail, or by submitting the request). That proof is kept in the session as the
request's uid, so the case pages and downloads below can be addressed by uid without ever
putting personal data or the token in their URLs. Anything else answers 404, exactly like a
request that does not exist.
"""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ppid.core.events import events_for
from ppid.organizations.models import Office

from . import access, letters, services
from .deadlines import request_due_explanation
from .forms_public import (
    RequestForm,
    SigninForm,
    SignupForm,
    SurveyForm,
    TrackForm,
    WithdrawForm,
    new_form_token,
)
from .models import OPEN_STATUSES, Handover, InformationRequest, Letter

# Session keys: uids of the requests this browser has proved access to, and the tracking
# tokens of requests just submitted (shown once on the confirmation page, then dropped).
SESSION_GRANTS = "foi_requests"
SESSION_NEW_TOKENS = "foi_new_tokens"
MAX_SESSION_GRANTS = 50
PAGE_SIZE = 20
# §14.1: the requester may withdraw until the information is handed over.
WITHDRAWABLE = {*OPEN_STATUSES, InformationRequest.Status.AWAITING_PAYMENT}
PERSONAL_POST_FIELDS = (
    "nik",
    "proxy_nik",
    "address",
    "proxy_address",
    "phone",
    "fax",
    "proxy_contact",
    "email",
    "password",
    "password1",
    "password2",
)
# Letters about the request itself that the requester downloads (§15: 2–5); objection
# letters belong to the objection pages.
REQUESTER_LETTERS = (
    Letter.Kind.RECEIPT,
    Letter.Kind.NOTICE,
    Letter.Kind.EXTENSION,
    Letter.Kind.REJECTION,
    Letter.Kind.HANDOVER,
    Letter.Kind.FEE_RECEIPT,
)


# --- access ---------------------------------------------------------------------------


def _grant(request, case: InformationRequest) -> None:
    uids = [uid for uid in request.session.get(SESSION_GRANTS, []) if uid != str(case.uid)]
    request.session[SESSION_GRANTS] = [*uids, str(case.uid)][-MAX_SESSION_GRANTS:]


def _case_for(request, uid) -> InformationRequest:
    """The request `uid` if this visitor owns it or proved access in this session; else 404."""
    case = InformationRequest.objects.select_related("office__body").filter(uid=uid).first()
    if case is None:
        raise Http404
    granted = str(case.uid) in request.session.get(SESSION_GRANTS, [])
    if not granted and not access.requester_can_see(request.user, case):
        raise Http404
    return case


def _private(response):
    """Pages and files about one requester: never stored by a shared cache, and no Referer
    (a private link must not leak to another site)."""
    patch_cache_control(response, private=True)
    add_never_cache_headers(response)
    # Not "no-referrer": with it browsers send "Origin: null" with the page's own forms,
    # which Django's CSRF check refuses (403).
    response["Referrer-Policy"] = "same-origin"
    return response


def _citizen(request):
    return request.user if request.user.is_authenticated else None


# --- the request form -----------------------------------------------------------------


@sensitive_post_parameters(*PERSONAL_POST_FIELDS)
@require_http_methods(["GET", "POST"])
@never_cache
@sensitive_variables("form")
def request_new(request):
    """The request form (F22, F23). Its hidden one-time token becomes the submission key, so
    a double click or back-and-resubmit finds the first request instead of a second one."""
    if request.method == "POST":
        form = RequestForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                submitted = services.request_submit(
                    form.request_data(),
                    user=_citizen(request),
                    submission_key=form.cleaned_data["form_token"],
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                _remember(request, submitted, form.cleaned_data["form_token"])
                return redirect("foi:submitted", uid=submitted.request.uid)
        if "form_token" in form.errors:
            form.data = form.data.copy()
            form.data["form_token"] = new_form_token()
    else:
        form = RequestForm(initial=_initial(request))
    context = {"form": form, "files_to_choose_again": form.files_to_choose_again}
    return render(request, "foi/public/request_form.html", context)


def _remember(request, submitted, form_token: str) -> None:
    """Let this browser see the new request and, once, its private tracking link. A replay
    (double click, back and resubmit) gets the same link: it is derived again from the form
    token, which only this browser holds."""
    case = submitted.request
    _grant(request, case)
    token = submitted.tracking_token or services.tracking_token_replay(case, form_token)
    if token:
        tokens = {**request.session.get(SESSION_NEW_TOKENS, {}), str(case.uid): token}
        request.session[SESSION_NEW_TOKENS] = dict(list(tokens.items())[-MAX_SESSION_GRANTS:])


def _initial(request) -> dict:
    initial = {"form_token": new_form_token()}
    slug = (request.GET.get("kantor") or "").strip()[:120]
    if slug and Office.objects.filter(slug=slug).exists():
        initial["office"] = slug
    if request.user.is_authenticated:
        initial["name"] = request.user.get_full_name()
        initial["email"] = request.user.email
    return initial


@require_safe
def request_submitted(request, uid):
    """The confirmation after the form (POST-redirect-GET): number, receipt time, due date and
    the private tracking link, which is shown this once and then forgotten by the server."""
    case = _case_for(request, uid)
    tokens = request.session.get(SESSION_NEW_TOKENS, {})
    token = tokens.pop(str(case.uid), None)
    if token is not None:
        request.session[SESSION_NEW_TOKENS] = tokens
    context = {
        "case": case,
        "tracking_url": request.build_absolute_uri(reverse("foi:track_token", args=[token]))
        if token
        else None,
        "receipt": case.letters.filter(kind=Letter.Kind.RECEIPT).first(),
        "due": request_due_explanation(case),
    }
    return _private(render(request, "foi/public/submitted.html", context))


# --- tracking -------------------------------------------------------------------------


@sensitive_post_parameters("email")
@require_http_methods(["GET", "POST"])
@never_cache
def track(request):
    """Find a request by registration number and e-mail (§17 #7). POST, so the e-mail never
    reaches a URL or an access log; an unknown number and a wrong e-mail get the same answer."""
    not_found = False
    if request.method == "POST":
        form = TrackForm(request.POST)
        if form.is_valid():
            case = services.request_track(
                form.cleaned_data["registration_number"], form.cleaned_data["email"]
            )
            if case is not None:
                _grant(request, case)
                return redirect("foi:case", uid=case.uid)
            not_found = True
    else:
        form = TrackForm()
    response = render(request, "foi/public/track.html", {"form": form, "not_found": not_found})
    return _private(response)


@require_safe
def track_token(request, token):
    """The private tracking link sent with the receipt: the case page, addressed by token."""
    case = services.request_by_token(token) if len(token) <= 200 else None
    if case is None:
        raise Http404
    _grant(request, case)
    return _case_page(request, case)


@require_safe
def case_detail(request, uid):
    return _case_page(request, _case_for(request, uid))


# Event actions shown to the requester, in words; every other action (drafts, internal
# notes, recomputations, personal-data access) stays in the back office.
def _public_labels() -> dict[str, str]:
    return {
        "submitted": _("Request received and registered"),
        "forwarded": _("Passed to the office that holds the information"),
        "notice_sent": _("Written notice sent"),
        "extended": _("Deadline extended"),
        "fee_added": _("Fee charged for copying or delivery"),
        "fee_paid": _("Fee paid"),
        "handed_over": _("Information handed over"),
        "referred": _("Referred to another public body"),
        "marked_late": _("The deadline passed without a written notice"),
        "closed": _("Request closed"),
        "withdrawn": _("Request withdrawn by the requester"),
        "survey_submitted": _("Satisfaction survey answered"),
        "objection_filed": _("Objection filed with the Atasan PPID"),
        "objection_deliberation_started": _("Objection: deliberation started"),
        "objection_review_started": _("Objection: under review by the Atasan PPID"),
        "objection_settled": _("Objection settled by deliberation"),
        "objection_decided": _("Objection decided by the Atasan PPID"),
        "objection_granted": _("Objection granted: the request is handled again"),
        "objection_unanswered": _("The Atasan PPID did not answer the objection in time"),
        "objection_replied": _("Requester's reply to the objection response recorded"),
        "dispute_recorded": _("Dispute registered at the Information Commission"),
        "dispute_stage": _("Information Commission dispute: next stage"),
        "court_case_recorded": _("Court case registered"),
        "court_case_stage": _("Court case: next stage"),
    }


def public_timeline(case: InformationRequest) -> list[dict]:
    """The case's events a requester may see: when and what, in words; never who or why."""
    labels = _public_labels()
    return [
        {"at": event.created_at, "label": labels[event.action]}
        for event in events_for(case).order_by("created_at", "id")
        if event.action in labels
    ]


def _case_page(request, case: InformationRequest):
    closed = case.status == InformationRequest.Status.CLOSED
    # Reverse one-to-one accessors raise a subclass of AttributeError when the row is missing.
    has_survey = hasattr(case, "survey")
    context = {
        "case": case,
        "timeline": public_timeline(case),
        "letters": case.letters.filter(kind__in=REQUESTER_LETTERS).order_by("created_at", "id"),
        "extension": getattr(case, "extension", None),
        "handovers": _handovers(case),
        "notice": case.notices.filter(state="sent").order_by("-sent_at", "-id").first(),
        "due": request_due_explanation(case),
        "withdraw_form": WithdrawForm() if case.status in WITHDRAWABLE else None,
        "survey_form": SurveyForm() if closed and not has_survey else None,
        "survey_done": has_survey,
        # The objection form (F28) is open to the requester at any time a ground exists
        # (§17 #1); it reads the grounds that exist now from the case itself.
        "can_object": case.status != InformationRequest.Status.WITHDRAWN,
        "objections": case.objections.order_by("received_at", "id"),
        "is_owner": request.user.is_authenticated and case.user_id == request.user.pk,
    }
    return _private(render(request, "foi/public/case.html", context))


def _handovers(case: InformationRequest) -> list:
    """The electronic copies handed over, each marked available while its link is valid."""
    now = timezone.now()
    handovers = [h for h in case.handovers.all() if h.file]
    for handover in handovers:
        handover.available = (
            handover.download_expires_at is None or handover.download_expires_at > now
        )
    return handovers


@require_POST
def case_withdraw(request, uid):
    case = _case_for(request, uid)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("confirm", []):
            messages.error(request, error)
        return redirect("foi:case", uid=case.uid)
    # The account owner acts as himself; a visitor who proved access with the token or
    # number and e-mail acts anonymously (the service records the requester's role).
    owner = (
        request.user if request.user.is_authenticated and case.user_id == request.user.pk else None
    )
    try:
        services.request_withdraw(case, reason=form.cleaned_data["reason"], actor=owner)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(_messages(error)))
    else:
        messages.success(request, _("Your request was withdrawn."))
    return redirect("foi:case", uid=case.uid)


@require_POST
def case_survey(request, uid):
    case = _case_for(request, uid)
    form = SurveyForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("foi:case", uid=case.uid)
    try:
        services.survey_submit(
            case, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(_messages(error)))
    else:
        messages.success(request, _("Thank you: your answer was recorded."))
    return redirect("foi:case", uid=case.uid)


def _messages(error) -> list[str]:
    if isinstance(error, ValidationError):
        return error.messages
    return [str(error) or _("This step is not allowed.")]


@require_safe
def case_letter(request, uid, letter_uid):
    """A letter of the request as PDF (permission: the request's owner or a proven session)."""
    case = _case_for(request, uid)
    letter = case.letters.filter(uid=letter_uid, kind__in=REQUESTER_LETTERS).first()
    if letter is None:
        raise Http404
    return _stream(letters.letter_file(letter), f"{letter.number}.pdf", "application/pdf")


def _stream(field_file, name: str, content_type: str):
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    safe_name = "".join(c if c.isalnum() or c in "-_." else "-" for c in name)
    response = FileResponse(
        handle, content_type=content_type, as_attachment=True, filename=safe_name
    )
    return _private(response)


@require_safe
def case_handover(request, uid, pk):
    """The electronic copy from the case page (the same expiry as the e-mailed link)."""
    case = _case_for(request, uid)
    handover = next((h for h in _handovers(case) if h.pk == pk and h.available), None)
    if handover is None:
        raise Http404
    return _handover_stream(request, handover)


@require_safe
def handover_download(request, token):
    """The electronic copy handed over (§13.4): a private link that expires; an expired or
    unknown link is the ordinary 404 page."""
    handover = services.handover_by_token(token) if len(token) <= 200 else None
    if handover is None or not handover.file:
        raise Http404
    return _handover_stream(request, handover)


def _handover_stream(request, handover):
    """The file, counted once per GET (the officers' case page shows the count)."""
    name = handover.file_name or handover.file.name.rsplit("/", 1)[-1]
    response = _stream(handover.file, name, "application/octet-stream")
    if request.method == "GET":
        Handover.objects.filter(pk=handover.pk).update(downloads=F("downloads") + 1)
    return response


# --- citizen accounts -----------------------------------------------------------------


@login_required(login_url="foi:login")
@require_safe
def my_requests(request):
    """Every request linked to the signed-in citizen's account, whatever its status."""
    cases = InformationRequest.objects.filter(user=request.user).select_related("office__body")
    page = Paginator(cases.order_by("-received_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return _private(render(request, "foi/public/my_requests.html", {"page": page}))


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@sensitive_post_parameters("password1", "password2", "email")
@require_http_methods(["GET", "POST"])
@never_cache
def signup(request):
    if request.user.is_authenticated:
        return redirect("foi:my_requests")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your account was created. You are signed in."))
        return redirect(_next_url(request, reverse("foi:my_requests")))
    return render(request, "foi/public/signup.html", {"form": form})


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
@never_cache
def signin(request):
    form = SigninForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.get_user())
        return redirect(_next_url(request, reverse("foi:my_requests")))
    next_url = _next_url(request, "")
    return render(request, "foi/public/signin.html", {"form": form, "next": next_url})


@require_POST
def signout(request):
    logout(request)
    messages.success(request, _("You are signed out."))
    return redirect("foi:submit")
