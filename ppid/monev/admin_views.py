"""The monev back office inside Wagtail's admin (issue 5 §1-§3): thin views that parse a
form, call a service (services.py) or a scoped read (access.py), and render a Wagtail admin
template.

- The organiser's PPID Utama officer (monev admin) configures a period (settings, bands,
  categories, stages, indicators and questions, participants, evaluators), opens it,
  computes, closes and publishes its results, and enters historical results by hand.
- A body's officers fill their questionnaire (levels, explanation, evidence), submit it,
  answer clarifications and lodge objections.
- Evaluators verify answers, ask for clarifications, decide objections (verifiers) and
  score visits and presentations (panel members).

Everything is found through access.py: another body's, another period's or an unknown
record answers 404 (STYLE.md §3). Bad input re-renders the page with the errors, status
400, and changes nothing.
"""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ppid.core.forms import form_apply_errors
from ppid.organizations.models import Office

from . import access, evidence, exports, queries, services
from .forms import (
    AnswerForm,
    BandFormSet,
    CategoryFormSet,
    ClarificationReplyForm,
    ClarificationRequestForm,
    EvaluatorForm,
    HistoricalResultForm,
    IndicatorForm,
    LevelFormSet,
    ObjectionDecideForm,
    ObjectionForm,
    PanelScoreForm,
    ParticipantAddForm,
    PeriodCopyForm,
    PeriodCreateForm,
    PeriodSettingsForm,
    QuestionForm,
    StageForm,
    VerifyForm,
)
from .models import (
    Answer,
    Clarification,
    Evaluator,
    HistoricalResult,
    Indicator,
    Objection,
    PanelScore,
    Participant,
    Period,
    Question,
    Stage,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _nothing_changed(request) -> None:
    messages.error(request, _("Nothing was changed: correct the errors below."))


def _status(request) -> int:
    return 400 if request.method == "POST" else 200


def _error_list(exc: ValidationError) -> list[str]:
    return list(exc.messages)


# --- the monev's landing page ---------------------------------------------------------------
def is_monev_staff(user) -> bool:
    """Whether the menu shows: monev admins, appointed evaluators, and officers of a body
    taking part in an open or closed period. Cached on the request's user object."""
    cached = getattr(user, "_ppid_monev_staff", None)
    if cached is None:
        cached = bool(
            user.is_authenticated
            and (
                access.admin_office_ids(user)
                or _evaluations(user).exists()
                or access.participations_for(user=user).exists()
            )
        )
        user._ppid_monev_staff = cached
    return cached


def _evaluations(user):
    return Evaluator.objects.filter(
        user=user, active=True, period__status__in=[Period.Status.OPEN, Period.Status.CLOSED]
    )


def index(request):
    user = request.user
    if not is_monev_staff(user):
        raise Http404
    periods = list(
        access.periods_for_admin(user=user)
        .select_related("organizer__body")
        .annotate(participant_count=Count("participants"))
        .order_by("-year", "title")
    )
    participations = list(
        access.participations_for(user=user)
        .select_related("period", "body", "category")
        .order_by("-period__year", "body__name")
    )
    evaluations = []
    seen = set()
    for row in _evaluations(user).select_related("period").order_by("-period__year"):
        if row.period_id in seen:
            continue
        seen.add(row.period_id)
        evaluations.append(
            {
                "period": row.period,
                "kinds": sorted(access.evaluator_role(user, row.period)),
                "participants": list(
                    access.participants_for_evaluator(user=user, period=row.period)
                    .select_related("body", "category")
                    .order_by("category__order", "body__name")
                ),
            }
        )
    return render(
        request,
        "monev/admin/index.html",
        {
            "page_title": _("Openness monitoring (monev)"),
            "header_icon": "clipboard-list",
            "periods": periods,
            "can_create": bool(access.admin_office_ids(user)),
            "participations": participations,
            "evaluations": evaluations,
        },
    )


# --- periods: create, copy, settings --------------------------------------------------------
def _admin_offices(user):
    return Office.objects.filter(pk__in=access.admin_office_ids(user)).order_by(
        "body__name", "name"
    )


def _period(request, token) -> Period:
    return access.period_for_admin(user=request.user, token=token)


def _period_url(period: Period, name: str = "period") -> str:
    return reverse(f"monev_admin:{name}", args=[period.token])


def _form_page(request, form, *, title, submit, cancel=None, period=None, intro="", icon="edit"):
    return render(
        request,
        "monev/admin/form.html",
        {"page_title": title, "header_icon": icon, "form": form, "submit_label": submit,
         "cancel_url": cancel, "period": period, "intro": intro},
        status=_status(request),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def period_create(request):
    offices = _admin_offices(request.user)
    if not offices.exists():
        raise Http404
    form = PeriodCreateForm(request.POST or None, offices=offices)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                period = services.period_create(
                    user=request.user, organizer=data["organizer"], year=data["year"],
                    title=data["title"], commission=data["commission"],
                    description=data["description"],
                )  # fmt: skip
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form_apply_errors(form, exc)
            else:
                messages.success(request, _("The period was created with the default settings."))
                return redirect(_period_url(period))
        _nothing_changed(request)
    return _form_page(request, form, title=_("New monev period"), submit=_("Create"),
                      cancel=reverse("monev_admin:index"), icon="plus")  # fmt: skip


@require_http_methods(["GET", "POST"])
def period_copy(request, token):
    source = _period(request, token)
    form = PeriodCopyForm(request.POST or None, initial={"year": source.year + 1})
    if request.method == "POST":
        if form.is_valid():
            try:
                period = services.period_copy(
                    user=request.user, source=source, year=form.cleaned_data["year"],
                    title=form.cleaned_data["title"],
                )  # fmt: skip
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form_apply_errors(form, exc)
            else:
                messages.success(request, _("The period was copied; check its settings."))
                return redirect(_period_url(period))
        _nothing_changed(request)
    intro = _(
        "Copies the bands, categories, stages (moved to the new year), indicators, questions "
        "and participants. Answers, scores and evaluators are not copied."
    )
    return _form_page(
        request, form, title=_("Copy to a new period"), submit=_("Copy"),
        cancel=_period_url(source), period=source, intro=intro, icon="copy",
    )  # fmt: skip


def period_detail(request, token):
    period = _period(request, token)
    return _render_period(request, period)


def _render_period(request, period: Period, *, status: int = 200, errors=None):
    counts = dict(period.participants.values_list("status").annotate(n=Count("id")).order_by())
    context = {
        "page_title": period.title,
        "header_icon": "clipboard-list",
        "period": period,
        "Status": Period.Status,
        "problems": services.period_problems(period)
        if period.status == Period.Status.DRAFT
        else [],
        "errors": errors or [],
        "stages": list(period.stages.order_by("opens_on", "kind")),
        "counts": [(label, counts.get(value, 0)) for value, label in Participant.Status.choices],
        "participant_count": sum(counts.values()),
        "indicator_count": period.indicators.count(),
        "question_count": Question.objects.filter(indicator__period=period).count(),
        "evaluator_count": period.evaluators.filter(active=True).count(),
        "events": queries.period_events(period)[::-1][:50],
    }
    return render(request, "monev/admin/period_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def period_settings(request, token):
    period = _period(request, token)
    form = PeriodSettingsForm(
        request.POST or None, initial=PeriodSettingsForm.initial_for(period),
        rules_editable=period.status == Period.Status.DRAFT,
    )  # fmt: skip
    if request.method == "POST":
        if form.is_valid():
            try:
                services.period_update(user=request.user, period=period, **form.period_fields())
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form_apply_errors(form, exc)
            else:
                messages.success(request, _("The settings were saved."))
                return redirect(_period_url(period))
        _nothing_changed(request)
    return _form_page(request, form, title=_("Period settings"), submit=_("Save"),
                      cancel=_period_url(period), period=period)  # fmt: skip


def _rows_page(request, period, *, formset_class, prefix, rows, call, title, intro, success):
    """A repeated-row form (bands, categories): the whole table is replaced at once."""
    # Bound, the rows are read as posted: an initial row would hide an unchanged extra one.
    formset = formset_class(
        request.POST or None, prefix=prefix, initial=None if request.method == "POST" else rows
    )
    errors = []
    if request.method == "POST":
        if formset.is_valid():
            try:
                call(formset.rows())
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                errors = _error_list(exc)
            else:
                messages.success(request, success)
                return redirect(_period_url(period))
        _nothing_changed(request)
    return render(
        request,
        "monev/admin/rows_form.html",
        {"page_title": title, "header_icon": "list-ul", "period": period, "formset": formset,
         "errors": errors, "intro": intro, "editable": period.status == Period.Status.DRAFT},
        status=_status(request),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def period_bands(request, token):
    period = _period(request, token)
    rows = [
        {"key": b.key, "name": b.name, "min_score": b.min_score, "max_score": b.max_score}
        for b in period.bands.order_by("-min_score")
    ]
    return _rows_page(
        request, period, formset_class=BandFormSet, prefix="bands", rows=rows,
        call=lambda bands: services.bands_set(user=request.user, period=period, bands=bands),
        title=_("Qualification bands"), success=_("The bands were saved."),
        intro=_("Lower bound inclusive, upper bound exclusive; the top band has no upper bound "
                "and includes 100. The bands must cover 0 to 100 without gaps or overlaps."),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def period_categories(request, token):
    period = _period(request, token)
    rows = [{"key": c.key, "name": c.name} for c in period.categories.order_by("order", "name")]
    return _rows_page(
        request, period, formset_class=CategoryFormSet, prefix="categories", rows=rows,
        call=lambda categories: services.categories_set(
            user=request.user, period=period, categories=categories
        ),
        title=_("Categories of public bodies"), success=_("The categories were saved."),
        intro=_("Bodies are ranked within their category. A category that a participant is "
                "in cannot be removed."),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def period_stages(request, token):
    """The six stages' dates, and the weights of the questionnaire, visit and presentation
    (F53, F54). Dates change while DRAFT or OPEN; weights only while DRAFT."""
    period = _period(request, token)
    existing = {s.kind: s for s in period.stages.all()}
    draft = period.status == Period.Status.DRAFT
    data = request.POST if request.method == "POST" else None
    forms = []
    for kind in Stage.Kind.values:
        stage = existing.get(kind)
        initial = (
            {"opens_on": stage.opens_on, "closes_on": stage.closes_on, "weight": stage.weight}
            if stage else {}
        )  # fmt: skip
        forms.append(
            StageForm(data, kind=kind, weighted=kind in Stage.WEIGHTED, weight_editable=draft,
                      initial=initial)
        )  # fmt: skip
    errors = []
    if request.method == "POST":
        if all(form.is_valid() for form in forms):
            try:
                with transaction.atomic():
                    for form in forms:
                        services.stage_set(
                            user=request.user, period=period, kind=form.kind,
                            opens_on=form.cleaned_data["opens_on"],
                            closes_on=form.cleaned_data["closes_on"],
                            weight=form.cleaned_data.get("weight") if draft else None,
                        )  # fmt: skip
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                errors = _error_list(exc)
            else:
                messages.success(request, _("The stages were saved."))
                return redirect(_period_url(period))
        _nothing_changed(request)
    return render(
        request,
        "monev/admin/stages.html",
        {"page_title": _("Stages and weights"), "header_icon": "date", "period": period,
         "forms": forms, "errors": errors,
         "editable": period.status in (Period.Status.DRAFT, Period.Status.OPEN)},
        status=_status(request),
    )  # fmt: skip


# --- indicators and questions ---------------------------------------------------------------
def _indicator(period: Period, pk) -> Indicator:
    indicator = period.indicators.filter(pk=pk).first()
    if indicator is None:
        raise Http404
    return indicator


def _question(period: Period, pk) -> Question:
    question = (
        Question.objects.filter(indicator__period=period, pk=pk).select_related("indicator").first()
    )
    if question is None:
        raise Http404
    return question


@require_http_methods(["GET", "POST"])
def period_indicators(request, token):
    period = _period(request, token)
    form = IndicatorForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                indicator = services.indicator_save(
                    user=request.user, period=period, **form.cleaned_data
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form_apply_errors(form, exc)
            else:
                messages.success(request, _("The indicator was added; now add its questions."))
                return redirect(reverse("monev_admin:indicator_edit",
                                        args=[period.token, indicator.pk]))  # fmt: skip
        _nothing_changed(request)
    indicators = list(
        period.indicators.annotate(question_count=Count("questions")).order_by("order", "code")
    )
    return render(
        request,
        "monev/admin/indicators.html",
        {"page_title": _("Indicators and questions"), "header_icon": "list-ol", "period": period,
         "indicators": indicators, "weight_total": sum(i.weight for i in indicators),
         "form": form, "editable": period.status == Period.Status.DRAFT},
        status=_status(request),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def indicator_edit(request, token, pk):
    period = _period(request, token)
    indicator = _indicator(period, pk)
    initial = {"code": indicator.code, "name": indicator.name, "weight": indicator.weight,
               "order": indicator.order}  # fmt: skip
    form = IndicatorForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.indicator_save(
                    user=request.user, period=period, indicator=indicator, **form.cleaned_data
                )
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form_apply_errors(form, exc)
            else:
                messages.success(request, _("The indicator was saved."))
                return redirect(reverse("monev_admin:period_indicators", args=[period.token]))
        _nothing_changed(request)
        indicator.refresh_from_db()
    questions = indicator.questions.prefetch_related("levels").order_by("order", "code")
    return render(
        request,
        "monev/admin/indicator_edit.html",
        {"page_title": str(indicator), "header_icon": "list-ol", "period": period,
         "indicator": indicator, "questions": questions, "form": form,
         "editable": period.status == Period.Status.DRAFT},
        status=_status(request),
    )  # fmt: skip


def _removal(request, remove, success: str, back: str, *, refused: str | None = None):
    """Run a service that removes or revokes something: 404 for whoever may not, the
    service's reason as a message when it refuses (then to `refused`), else to `back`."""
    try:
        remove()
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(refused or back)
    messages.success(request, success)
    return redirect(back)


@require_POST
def indicator_delete(request, token, pk):
    period = _period(request, token)
    indicator = _indicator(period, pk)
    return _removal(
        request,
        lambda: services.indicator_delete(user=request.user, indicator=indicator),
        _("The indicator and its questions were deleted."),
        reverse("monev_admin:period_indicators", args=[period.token]),
        refused=reverse("monev_admin:indicator_edit", args=[period.token, indicator.pk]),
    )


def _question_page(request, period, indicator, question=None):
    if question is None:
        initial, levels = {}, []
    else:
        initial = QuestionForm.initial_for(question)
        levels = [{"label": lv.label, "score": lv.score} for lv in question.levels.all()]
    form = QuestionForm(request.POST or None, initial=initial)
    formset = LevelFormSet(
        request.POST or None, prefix="levels", initial=None if request.method == "POST" else levels
    )
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            try:
                services.question_save(
                    user=request.user, indicator=indicator, question=question,
                    levels=[(row["label"], row["score"]) for row in formset.rows()],
                    **form.cleaned_data,
                )  # fmt: skip
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form_apply_errors(form, exc)
            else:
                messages.success(request, _("The question was saved."))
                return redirect(
                    reverse("monev_admin:indicator_edit", args=[period.token, indicator.pk])
                )
        _nothing_changed(request)
    return render(
        request,
        "monev/admin/question_form.html",
        {"page_title": _("Question") if question is None else f"{question.code}",
         "page_subtitle": str(indicator), "header_icon": "help", "period": period,
         "indicator": indicator, "question": question, "form": form, "formset": formset,
         "editable": period.status == Period.Status.DRAFT},
        status=_status(request),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def question_create(request, token, pk):
    period = _period(request, token)
    return _question_page(request, period, _indicator(period, pk))


@require_http_methods(["GET", "POST"])
def question_edit(request, token, pk):
    period = _period(request, token)
    question = _question(period, pk)
    return _question_page(request, period, question.indicator, question)


@require_POST
def question_delete(request, token, pk):
    period = _period(request, token)
    question = _question(period, pk)
    return _removal(
        request,
        lambda: services.question_delete(user=request.user, question=question),
        _("The question was deleted."),
        reverse("monev_admin:indicator_edit", args=[period.token, question.indicator_id]),
    )


# --- participants and evaluators ------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def period_participants(request, token):
    period = _period(request, token)
    form = ParticipantAddForm(request.POST or None, period=period)
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    for body in form.cleaned_data["bodies"]:
                        services.participant_add(
                            user=request.user, period=period, body=body,
                            category=form.cleaned_data["category"],
                        )  # fmt: skip
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form_apply_errors(form, exc, "bodies")
            else:
                messages.success(request, _("The bodies were added."))
                return redirect(_period_url(period, "period_participants"))
        _nothing_changed(request)
    participants = period.participants.select_related("body", "category").order_by(
        "category__order", "body__name"
    )
    return render(
        request,
        "monev/admin/participants.html",
        {"page_title": _("Participants"), "header_icon": "group", "period": period,
         "participants": participants, "form": form,
         "editable": period.status == Period.Status.DRAFT},
        status=_status(request),
    )  # fmt: skip


@require_POST
def participant_remove(request, token, participant):
    period = _period(request, token)
    row = period.participants.filter(token=participant).first()
    if row is None:
        raise Http404
    return _removal(
        request,
        lambda: services.participant_remove(user=request.user, participant=row),
        _("The body was removed from the period."),
        _period_url(period, "period_participants"),
    )


@require_http_methods(["GET", "POST"])
def period_evaluators(request, token):
    period = _period(request, token)
    form = EvaluatorForm(request.POST or None, period=period)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.evaluator_appoint(
                    user=request.user, period=period, evaluator=data["evaluator"],
                    kind=data["kind"], participants=list(data["participants"]) or None,
                    sk_number=data["sk_number"],
                )  # fmt: skip
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                form_apply_errors(form, exc, "evaluator")
            else:
                messages.success(request, _("The evaluator was appointed."))
                return redirect(_period_url(period, "period_evaluators"))
        _nothing_changed(request)
    evaluators = (
        period.evaluators.select_related("user")
        .prefetch_related(Prefetch("participants", queryset=Participant.objects.select_related(
            "body").order_by("body__name")))
        .order_by("-active", "kind", "user__username")
    )  # fmt: skip
    return render(
        request,
        "monev/admin/evaluators.html",
        {"page_title": _("Evaluators"), "header_icon": "user", "period": period,
         "evaluators": evaluators, "form": form,
         "editable": period.status != Period.Status.CLOSED},
        status=_status(request),
    )  # fmt: skip


@require_POST
def evaluator_revoke(request, token, pk):
    period = _period(request, token)
    row = period.evaluators.filter(pk=pk).first()
    if row is None:
        raise Http404
    return _removal(
        request,
        lambda: services.evaluator_revoke(user=request.user, evaluator_row=row),
        _("The appointment was revoked."),
        _period_url(period, "period_evaluators"),
    )


# --- the period's life: open, compute, close, publish -----------------------------------------
def _period_action(request, token, call, success, *, then="period"):
    period = _period(request, token)
    try:
        call(period)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, _("Nothing was changed."))
        period.refresh_from_db()
        return _render_period(request, period, status=400, errors=_error_list(exc))
    messages.success(request, success)
    return redirect(_period_url(period, then))


@require_POST
def period_open(request, token):
    return _period_action(
        request, token, lambda p: services.period_open(user=request.user, period=p),
        _("The period is open: the bodies can fill their questionnaires."),
    )  # fmt: skip


@require_POST
def period_compute(request, token):
    return _period_action(
        request, token, lambda p: services.results_compute(user=request.user, period=p),
        _("The results were computed."), then="period_results",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def period_close(request, token):
    if request.method == "GET":
        period = _period(request, token)
        return _confirm(
            request, period=period, title=_("Close the period"), submit=_("Close the period"),
            text=_("Closing computes the results for the last time and freezes them: bodies "
                   "that never submitted become “not rated”, and nothing about this period "
                   "can change afterwards. The results stay hidden until you publish them."),
            cancel=_period_url(period), danger=True,
        )  # fmt: skip
    return _period_action(
        request, token, lambda p: services.period_close(user=request.user, period=p),
        _("The period is closed; its results are frozen."), then="period_results",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def period_publish(request, token):
    if request.method == "GET":
        period = _period(request, token)
        return _confirm(
            request, period=period, title=_("Publish the results"), submit=_("Publish"),
            text=_("Publishing makes the scores, qualifications and ranks of every body of "
                   "this period public at once, on the website and in the API. It cannot be "
                   "undone."),
            cancel=_period_url(period, "period_results"), danger=True,
        )  # fmt: skip
    return _period_action(
        request, token, lambda p: services.period_publish(user=request.user, period=p),
        _("The results are published."), then="period_results",
    )  # fmt: skip


def _confirm(request, *, period=None, title, submit, text, cancel, danger=False, status=200,
             extra=None):  # fmt: skip
    return render(
        request,
        "monev/admin/confirm.html",
        {"page_title": title, "header_icon": "warning", "period": period, "text": text,
         "submit_label": submit, "cancel_url": cancel, "danger": danger, "extra": extra or []},
        status=status,
    )  # fmt: skip


def period_results(request, token):
    """The computed results by category (rank, stage scores, final score, band); bodies
    without a final score listed apart: "not rated" once closed (F51), else not yet
    submitted."""
    period = _period(request, token)
    participants = list(
        period.participants.select_related("body", "category", "band").order_by(
            "category__order", "category__name", F("rank").asc(nulls_last=True), "body__name"
        )
    )
    by_category = defaultdict(list)
    unscored = []
    for row in participants:
        if row.final_score is None or row.status == Participant.Status.NOT_RATED:
            unscored.append(row)
        else:
            by_category[row.category].append(row)
    return render(
        request,
        "monev/admin/results.html",
        {"page_title": _("Results"), "page_subtitle": period.title, "header_icon": "table",
         "period": period, "Status": Period.Status,
         "categories": sorted(by_category.items(), key=lambda kv: (kv[0].order, kv[0].name)),
         "unscored": unscored,
         "computed_at": max((p.computed_at for p in participants if p.computed_at),
                            default=None)},
    )  # fmt: skip


def results_xlsx(request, token):
    period = _period(request, token)
    response = HttpResponse(exports.results_workbook(period), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{exports.results_filename(period)}"'
    patch_cache_control(response, private=True, no_store=True)
    return response


def scoring_sheet_xlsx(request, token):
    """One body's scoring sheet: its admins and evaluators; the body itself only once the
    period is published (before that its rank would tell it about the others)."""
    participant, capacities = access.participant_for_staff(user=request.user, token=token)
    if capacities == {"body"} and participant.period.published_at is None:
        raise Http404
    response = HttpResponse(exports.scoring_sheet_workbook(participant), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.scoring_sheet_filename(participant)}"'
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


# --- historical results (entered by hand) ---------------------------------------------------
@require_http_methods(["GET", "POST"])
def history(request):
    if not access.admin_office_ids(request.user):
        raise Http404
    form = HistoricalResultForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.historical_result_save(user=request.user, **form.cleaned_data)
            except PermissionDenied as exc:
                form.add_error("body", str(exc) or _("You may not enter results for this body."))
            except ValidationError as exc:
                form_apply_errors(form, exc)
            else:
                messages.success(request, _("The historical result was saved."))
                return redirect(reverse("monev_admin:history"))
        _nothing_changed(request)
    results = HistoricalResult.objects.select_related("body").order_by("-year", "body__name")
    return render(
        request,
        "monev/admin/history.html",
        {"page_title": _("Historical results"), "header_icon": "history", "results": results,
         "form": form},
        status=_status(request),
    )  # fmt: skip


# --- the body's questionnaire ---------------------------------------------------------------
def _stage_open(period: Period, kind: str) -> bool:
    stage = next((s for s in period.stages.all() if s.kind == kind), None)
    today = timezone.localdate()
    return stage is not None and stage.opens_on <= today <= stage.closes_on


def _questions(period: Period) -> list[Indicator]:
    return list(
        period.indicators.order_by("order", "code").prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.order_by("order", "code").prefetch_related("levels"),
            )
        )
    )


def _answers(participant: Participant) -> dict[int, Answer]:
    return {
        a.question_id: a
        for a in participant.answers.select_related("level", "verified_level").prefetch_related(
            "clarifications", "objections"
        )
    }


def _facts(participant: Participant, indicators) -> dict:
    """What the product itself knows about the body (issue 5 §3), for the questions that
    ask for it: shown for information, the evaluator decides."""
    wanted = any(q.system_evidence for i in indicators for q in i.questions.all())
    if not wanted:
        return {}
    return evidence.system_evidence_for(body=participant.body, year=participant.period.year)


def questionnaire(request, token):
    participant = access.participation_for(user=request.user, token=token)
    return _render_questionnaire(request, participant)


def _render_questionnaire(request, participant: Participant, *, bound=None, status=200):
    """The body's questionnaire: a form per question while it may still be changed, then
    read-only with the verifier's levels as they are verified (its own only)."""
    bound = bound or {}
    period = participant.period
    indicators = _questions(period)
    answers = _answers(participant)
    facts = _facts(participant, indicators)
    is_open = period.status == Period.Status.OPEN
    editable = is_open and participant.status == Participant.Status.REGISTERED
    objection_window = is_open and _stage_open(period, Stage.Kind.OBJECTION)
    sections, answered, total = [], 0, 0
    for indicator in indicators:
        rows = []
        for question in indicator.questions.all():
            total += 1
            answer = answers.get(question.pk)
            answered += bool(answer and answer.level_id)
            row = {"question": question, "answer": answer,
                   "fact": facts.get(question.system_evidence) if question.system_evidence
                   else None}  # fmt: skip
            if editable:
                row["form"] = bound.get(("answer", question.pk)) or AnswerForm(
                    question=question, has_file=bool(answer and answer.evidence_file),
                    initial={"level": answer.level_id, "note": answer.note,
                             "evidence_link": answer.evidence_link} if answer else None,
                )  # fmt: skip
            if answer is not None:
                row["clarifications"] = [
                    (c, bound.get(("reply", c.pk)) or ClarificationReplyForm(clarification=c)
                     if is_open and not c.replied_at else None)
                    for c in answer.clarifications.all()
                ]  # fmt: skip
                objections = list(answer.objections.all())
                row["objections"] = objections
                pending = any(o.decision == Objection.Decision.PENDING for o in objections)
                if objection_window and answer.verified_level_id and not pending:
                    row["objection_form"] = bound.get(("objection", answer.pk)) or ObjectionForm(
                        answer=answer
                    )
            rows.append(row)
        sections.append({"indicator": indicator, "rows": rows})
    saq = next((s for s in period.stages.all() if s.kind == Stage.Kind.QUESTIONNAIRE), None)
    return render(
        request,
        "monev/admin/questionnaire.html",
        {"page_title": _("Questionnaire"),
         "page_subtitle": f"{participant.body.name} · {period.title}",
         "header_icon": "clipboard-list", "participant": participant, "period": period,
         "sections": sections, "editable": editable, "saq": saq, "answered": answered,
         "saq_open": _stage_open(period, Stage.Kind.QUESTIONNAIRE),
         "total": total, "Status": Participant.Status,
         "max_mb": period.evidence_max_bytes / (1024 * 1024),
         "formats": ", ".join(f.upper() for f in (period.evidence_formats or ["pdf"]))},
        status=status,
    )  # fmt: skip


def _questionnaire_action(request, participant, key, form, call, success):
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(reverse("monev_admin:questionnaire", args=[participant.token]))
    _nothing_changed(request)
    participant.refresh_from_db()
    return _render_questionnaire(request, participant, bound={key: form}, status=400)


@require_POST
def answer_save(request, token, pk):
    participant = access.participation_for(user=request.user, token=token)
    question = (
        Question.objects.filter(indicator__period=participant.period_id, pk=pk)
        .select_related("indicator__period")
        .first()
    )
    if question is None:
        raise Http404
    existing = participant.answers.filter(question=question).first()
    form = AnswerForm(request.POST, request.FILES, question=question,
                      has_file=bool(existing and existing.evidence_file))  # fmt: skip
    return _questionnaire_action(
        request, participant, ("answer", question.pk), form,
        lambda data: services.answer_save(
            user=request.user, participant=participant, question=question,
            **form.service_kwargs(),
        ),
        _("The answer to %(code)s was saved (draft).") % {"code": question.code},
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def questionnaire_submit(request, token):
    participant = access.participation_for(user=request.user, token=token)
    back = reverse("monev_admin:questionnaire", args=[participant.token])
    if request.method == "POST":
        try:
            services.questionnaire_submit(user=request.user, participant=participant)
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            messages.error(request, _("The questionnaire was not submitted."))
            return _confirm(
                request, title=_("Submit the questionnaire"), submit=_("Submit"),
                text=_("After submission the answers can no longer be changed."),
                cancel=back, extra=_error_list(exc), status=400,
            )  # fmt: skip
        messages.success(request, _("The questionnaire was submitted for verification."))
        return redirect(back)
    return _confirm(
        request, title=_("Submit the questionnaire"), submit=_("Submit"),
        text=_("After submission the answers can no longer be changed. Submit the "
               "questionnaire of %(body)s for verification?") % {"body": participant.body.name},
        cancel=back, extra=services.questionnaire_problems(participant),
    )  # fmt: skip


def _answer_of(participant: Participant, pk) -> Answer:
    answer = participant.answers.filter(pk=pk).select_related("question").first()
    if answer is None:
        raise Http404
    return answer


@require_POST
def clarification_reply(request, token, pk):
    participant = access.participation_for(user=request.user, token=token)
    clarification = Clarification.objects.filter(answer__participant=participant, pk=pk).first()
    if clarification is None:
        raise Http404
    form = ClarificationReplyForm(request.POST, clarification=clarification)
    return _questionnaire_action(
        request, participant, ("reply", clarification.pk), form,
        lambda data: services.clarification_reply(
            user=request.user, clarification=clarification, reply=data["reply"],
            link=data["link"],
        ),
        _("Your reply was sent to the verifier."),
    )  # fmt: skip


@require_POST
def objection_lodge(request, token, pk):
    participant = access.participation_for(user=request.user, token=token)
    answer = _answer_of(participant, pk)
    form = ObjectionForm(request.POST, answer=answer)
    return _questionnaire_action(
        request, participant, ("objection", answer.pk), form,
        lambda data: services.objection_lodge(user=request.user, answer=answer,
                                              reason=data["reason"]),
        _("Your objection was lodged; the evaluators will decide."),
    )  # fmt: skip


# --- evaluation -----------------------------------------------------------------------------
EVALUATING = {"admin", "verifier", "panel"}


def _participant_for_evaluation(request, token) -> tuple[Participant, set[str]]:
    participant, capacities = access.participant_for_staff(user=request.user, token=token)
    if not capacities & EVALUATING:
        raise Http404
    return participant, capacities


def evaluate(request, token):
    participant, capacities = _participant_for_evaluation(request, token)
    return _render_evaluation(request, participant, capacities)


def _render_evaluation(request, participant, capacities, *, bound=None, status=200):
    """A participant for its evaluators: each answer with the body's level, explanation,
    evidence and the system's own evidence, the verify and clarification forms
    (verifiers), the objections to decide, and the panel's score forms."""
    bound = bound or {}
    period = participant.period
    is_open = period.status == Period.Status.OPEN
    verifying = is_open and "verifier" in capacities
    submitted = participant.status != Participant.Status.REGISTERED
    indicators = _questions(period) if submitted else []
    answers = _answers(participant) if submitted else {}
    facts = _facts(participant, indicators) if submitted else {}
    sections = []
    for indicator in indicators:
        rows = []
        for question in indicator.questions.all():
            answer = answers.get(question.pk)
            row = {"question": question, "answer": answer,
                   "fact": facts.get(question.system_evidence) if question.system_evidence
                   else None}  # fmt: skip
            if answer is not None:
                answer.question = question  # with its prefetched levels, for the forms
                row["clarifications"] = list(answer.clarifications.all())
                row["objections"] = [
                    (o, bound.get(("decide", o.pk)) or ObjectionDecideForm(objection=o)
                     if verifying and o.decision == Objection.Decision.PENDING else None)
                    for o in answer.objections.all()
                ]  # fmt: skip
                if verifying:
                    row["verify_form"] = bound.get(("verify", answer.pk)) or VerifyForm(
                        answer=answer,
                        initial={"level": answer.verified_level_id or answer.level_id,
                                 "note": answer.verifier_note},
                    )  # fmt: skip
                    row["clarify_form"] = bound.get(("clarify", answer.pk)) or (
                        ClarificationRequestForm(answer=answer)
                    )
            rows.append(row)
        sections.append({"indicator": indicator, "rows": rows})
    panel_forms = []
    if is_open and "panel" in capacities:
        mine = {s.stage: s for s in PanelScore.objects.filter(participant=participant,
                                                              evaluator=request.user)}  # fmt: skip
        for stage in (Stage.Kind.VISIT, Stage.Kind.PRESENTATION):
            current = mine.get(stage)
            panel_forms.append(
                bound.get(("panel", stage)) or PanelScoreForm(
                    stage=stage,
                    initial={"score": current.score, "note": current.note} if current else None,
                )
            )  # fmt: skip
    return render(
        request,
        "monev/admin/evaluate.html",
        {"page_title": participant.body.name, "page_subtitle": period.title,
         "header_icon": "tasks", "participant": participant, "period": period,
         "capacities": capacities, "sections": sections, "submitted": submitted,
         "panel_forms": panel_forms,
         "panel_scores": PanelScore.objects.filter(participant=participant)
         .select_related("evaluator").order_by("stage", "evaluator__username"),
         "events": queries.participant_events(participant)[::-1]},
        status=status,
    )  # fmt: skip


def _evaluation_action(request, token, *, kind, key_of, form_of, call, success):
    """POST of one evaluator form: `kind` is the Evaluator.Kind the user must hold for
    this participant (404 otherwise)."""
    access.participant_for_evaluator(user=request.user, token=token, kind=kind)
    participant, capacities = _participant_for_evaluation(request, token)
    key, form = key_of(participant), form_of(participant)
    if form.is_valid():
        try:
            call(participant, form.cleaned_data)
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(reverse("monev_admin:evaluate", args=[participant.token]))
    _nothing_changed(request)
    participant.refresh_from_db()
    return _render_evaluation(request, participant, capacities, bound={key: form}, status=400)


@require_POST
def answer_verify(request, token, pk):
    state = {}

    def form_of(participant):
        state["answer"] = _answer_of(participant, pk)
        return VerifyForm(request.POST, answer=state["answer"])

    return _evaluation_action(
        request, token, kind=Evaluator.Kind.VERIFIER, key_of=lambda p: ("verify", int(pk)),
        form_of=form_of,
        call=lambda p, data: services.answer_verify(
            user=request.user, answer=state["answer"], level=data["level"], note=data["note"]
        ),
        success=_("The answer was verified."),
    )  # fmt: skip


@require_POST
def clarification_request(request, token, pk):
    state = {}

    def form_of(participant):
        state["answer"] = _answer_of(participant, pk)
        return ClarificationRequestForm(request.POST, answer=state["answer"])

    return _evaluation_action(
        request, token, kind=Evaluator.Kind.VERIFIER, key_of=lambda p: ("clarify", int(pk)),
        form_of=form_of,
        call=lambda p, data: services.clarification_request(
            user=request.user, answer=state["answer"], question=data["question"]
        ),
        success=_("The clarification was requested from the body."),
    )  # fmt: skip


@require_POST
def objection_decide(request, token, pk):
    state = {}

    def form_of(participant):
        objection = (
            Objection.objects.filter(answer__participant=participant, pk=pk)
            .select_related("answer__question")
            .first()
        )
        if objection is None:
            raise Http404
        state["objection"] = objection
        return ObjectionDecideForm(request.POST, objection=objection)

    return _evaluation_action(
        request, token, kind=Evaluator.Kind.VERIFIER, key_of=lambda p: ("decide", int(pk)),
        form_of=form_of,
        call=lambda p, data: services.objection_decide(
            user=request.user, objection=state["objection"], decision=data["decision"],
            note=data["note"],
            level=data["level"] if data["decision"] == Objection.Decision.UPHELD else None,
        ),
        success=_("The objection was decided."),
    )  # fmt: skip


@require_POST
def panel_score(request, token, stage):
    if stage not in (Stage.Kind.VISIT, Stage.Kind.PRESENTATION):
        raise Http404
    return _evaluation_action(
        request, token, kind=Evaluator.Kind.PANEL, key_of=lambda p: ("panel", stage),
        form_of=lambda p: PanelScoreForm(request.POST, stage=stage),
        call=lambda p, data: services.panel_score_set(
            user=request.user, participant=p, stage=stage, score=data["score"],
            note=data["note"],
        ),
        success=_("The score was saved."),
    )  # fmt: skip


# --- evidence files -------------------------------------------------------------------------
def evidence_download(request, pk):
    """An answer's evidence file, streamed from private storage: the body's officers, the
    period's evaluators and its admins; anyone else 404."""
    answer, _capacities = access.answer_for_staff(user=request.user, pk=pk)
    if not answer.evidence_file:
        raise Http404
    try:
        handle = answer.evidence_file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    name = answer.evidence_name or answer.evidence_file.name.rsplit("/", 1)[-1]
    response = FileResponse(handle, as_attachment=True, filename=name)
    patch_cache_control(response, private=True, no_store=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response
