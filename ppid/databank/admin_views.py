"""The data bank's back office inside Wagtail's admin: thin views that parse a form, call a
service (services.py) or a scoped read (access.py), and render a Wagtail admin template.

Producers list, create and edit their office's datasets and resources and submit them; the
walidata's queue lists submitted datasets to verify or return with a note, and published
datasets a producer changed since, to check; a published dataset is withdrawn with a
reason. Another office's dataset answers 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ppid.core.forms import form_apply_errors
from ppid.organizations.models import Office

from . import access, services
from .forms import (
    DatasetFilterForm,
    DatasetForm,
    HarvestSourceForm,
    NoteForm,
    OptionalNoteForm,
    ReasonForm,
    ResourceLinkForm,
    ResourceReplaceForm,
    ResourceUploadForm,
)
from .models import Dataset, Resource
from .progress import ingest_ended

PAGE_SIZE = 25
PREFIXES = {
    "submit_form": "submit",
    "verify_form": "verify",
    "check_form": "check",
    "return_form": "return",
    "withdraw_form": "withdraw",
}


def _producer_offices(user):
    if user.is_superuser:
        return Office.objects.order_by("body__name", "name")
    return Office.objects.filter(pk__in=access.producer_office_ids(user)).order_by(
        "body__name", "name"
    )


def _dataset_url(dataset: Dataset) -> str:
    return reverse("databank_admin:dataset", args=[dataset.pk])


def _listing(request, datasets, *, title: str, icon: str, queue: bool = False):
    form = DatasetFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"].strip():
            q = data["q"].strip()
            datasets = datasets.filter(Q(title__icontains=q) | Q(name__icontains=q))
        if data["status"]:
            datasets = datasets.filter(status=data["status"])
    datasets = (
        datasets.select_related("organization", "office")
        .annotate(
            resource_count=Count("resources", filter=Q(resources__state=Resource.State.ACTIVE))
        )
        .order_by("-modified_at", "-seq")
    )
    page = Paginator(datasets, PAGE_SIZE).get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    return render(
        request,
        "databank/admin/dataset_list.html",
        {
            "page_title": title,
            "header_icon": icon,
            "filter_form": form,
            "page_obj": page,
            "query_string": query.urlencode(),
            "can_create": _producer_offices(request.user).exists() and not queue,
            "queue": queue,
        },
    )


def dataset_list(request):
    datasets = access.datasets_for_staff(user=request.user)
    return _listing(request, datasets, title=_("Datasets"), icon="table")


def verification_queue(request):
    """The walidata's queue: his tree's submitted datasets, and its published datasets
    that a producer changed since the walidata's check."""
    if not access.is_walidata(request.user):
        raise Http404
    datasets = access.datasets_for_staff(user=request.user).filter(
        Dataset.awaiting_walidata(),
        office_id__in=access.walidata_office_ids(request.user),
    )
    return _listing(request, datasets, title=_("Datasets to verify"), icon="tasks", queue=True)


@require_http_methods(["GET", "POST"])
def dataset_create(request):
    offices = _producer_offices(request.user)
    if not offices.exists():
        raise Http404
    form = DatasetForm(request.POST or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        try:
            dataset = services.dataset_create(
                user=request.user,
                office=form.cleaned_data["office"],
                fields=form.dataset_fields(),
                groups=form.cleaned_data["groups"],
                tags=form.cleaned_data["tags"],
                indicators=form.cleaned_data["indicators"],
            )
        except ValidationError as exc:
            form_apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("office", str(exc))
        else:
            messages.success(request, _("The dataset was saved as a draft."))
            return redirect(_dataset_url(dataset))
    return render(
        request,
        "databank/admin/dataset_form.html",
        {"page_title": _("New dataset"), "header_icon": "plus", "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def dataset_edit(request, pk):
    dataset = access.dataset_for_staff(user=request.user, key=pk)
    if not access.can_edit(request.user, dataset):
        raise Http404
    form = DatasetForm(request.POST or None, instance=dataset, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.dataset_update(
                user=request.user,
                dataset=dataset,
                fields=form.dataset_fields(),
                groups=form.cleaned_data["groups"],
                tags=form.cleaned_data["tags"],
                indicators=form.cleaned_data["indicators"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("The dataset was saved."))
            return redirect(_dataset_url(dataset))
    return render(
        request,
        "databank/admin/dataset_form.html",
        {"page_title": _("Edit dataset"), "page_subtitle": dataset.title, "header_icon": "edit",
         "form": form, "dataset": dataset},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


def dataset_detail(request, pk):
    dataset = access.dataset_for_staff(user=request.user, key=pk)
    if request.headers.get("HX-Request") and not any(
        r.ingesting for r in dataset.resources.only("datastore_status")
    ):
        return ingest_ended()  # the page was polling for a load: reload it whole
    return _render_detail(request, dataset)


def _render_detail(request, dataset: Dataset, *, status: int = 200, **forms):
    user = request.user
    resources = list(dataset.resources.prefetch_related("versions").order_by("position"))
    context = {
        "page_title": dataset.title,
        "header_icon": "table",
        "dataset": dataset,
        "Status": Dataset.Status,
        "resources": resources,
        "ingesting": any(r.ingesting for r in resources),
        "indicators": list(dataset.indicators.all()),
        "events": services.dataset_events(dataset),
        "can_edit": access.can_edit(user, dataset),
        "can_submit": access.can_edit(user, dataset, any_status=True)
        and dataset.status in (Dataset.Status.DRAFT, Dataset.Status.RETURNED),
        "can_verify": access.can_verify(user, dataset)
        and dataset.status == Dataset.Status.SUBMITTED,
        "can_check": dataset.awaits_check and access.can_verify(user, dataset),
        "can_withdraw": access.can_withdraw(user, dataset),
        "upload_form": forms.get("upload_form") or ResourceUploadForm(),
        "link_form": forms.get("link_form") or ResourceLinkForm(),
        "replace_form": forms.get("replace_form") or ResourceReplaceForm(),
        # Prefixed: one page holds several note fields, each needs its own id.
        "submit_form": forms.get("submit_form") or OptionalNoteForm(prefix="submit"),
        "verify_form": forms.get("verify_form") or OptionalNoteForm(prefix="verify"),
        "check_form": forms.get("check_form") or OptionalNoteForm(prefix="check"),
        "return_form": forms.get("return_form") or NoteForm(prefix="return"),
        "withdraw_form": forms.get("withdraw_form") or ReasonForm(prefix="withdraw"),
        "remove_form": forms.get("remove_form") or ReasonForm(),
    }
    return render(request, "databank/admin/dataset_detail.html", context, status=status)


def _action(request, pk, form_class, form_name, call, success: str, default_field=None):
    """POST-only dataset action: parse the form, call the service, redirect or show errors."""
    dataset = access.dataset_for_staff(user=request.user, key=pk)
    prefix = PREFIXES.get(form_name)
    form = form_class(request.POST, request.FILES, prefix=prefix) if form_class else None
    message = _("Nothing was changed: correct the errors below.")
    if form is None or form.is_valid():
        try:
            call(dataset, form.cleaned_data if form else {})
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            if form is None:
                messages.error(request, " ".join(exc.messages))
                return redirect(_dataset_url(dataset))
            form_apply_errors(form, exc, default_field)
            if not hasattr(exc, "error_dict"):
                # The dataset's state refused it (changed meanwhile, or checked twice):
                # said at the top, as the action's form may no longer be on the page.
                message = " ".join(exc.messages)
        else:
            messages.success(request, success)
            return redirect(_dataset_url(dataset))
    messages.error(request, message)
    dataset.refresh_from_db()
    return _render_detail(request, dataset, status=400, **{form_name: form})


@require_POST
def dataset_submit(request, pk):
    return _action(
        request, pk, OptionalNoteForm, "submit_form",
        lambda d, data: services.dataset_submit(user=request.user, dataset=d, note=data["note"]),
        _("The dataset was sent to the walidata."), default_field="note",
    )  # fmt: skip


@require_POST
def dataset_verify(request, pk):
    return _action(
        request, pk, OptionalNoteForm, "verify_form",
        lambda d, data: services.dataset_verify(user=request.user, dataset=d, note=data["note"]),
        _("The dataset was verified and published."), default_field="note",
    )  # fmt: skip


@require_POST
def dataset_check(request, pk):
    return _action(
        request, pk, OptionalNoteForm, "check_form",
        lambda d, data: services.dataset_check(user=request.user, dataset=d, note=data["note"]),
        _("The changes were marked as checked."), default_field="note",
    )  # fmt: skip


@require_POST
def dataset_return(request, pk):
    return _action(
        request, pk, NoteForm, "return_form",
        lambda d, data: services.dataset_return(user=request.user, dataset=d, note=data["note"]),
        _("The dataset was returned to its producer."), default_field="note",
    )  # fmt: skip


@require_POST
def dataset_withdraw(request, pk):
    return _action(
        request, pk, ReasonForm, "withdraw_form",
        lambda d, data: services.dataset_withdraw(
            user=request.user, dataset=d, reason=data["reason"]
        ),
        _("The dataset was withdrawn."), default_field="reason",
    )  # fmt: skip


@require_POST
def resource_upload(request, pk):
    return _action(
        request, pk, ResourceUploadForm, "upload_form",
        lambda d, data: services.resource_add(
            user=request.user, dataset=d, upload=data["file"], name=data["name"],
            description=data["description"],
        ),
        _("The file was added."), default_field="file",
    )  # fmt: skip


@require_POST
def resource_link(request, pk):
    return _action(
        request, pk, ResourceLinkForm, "link_form",
        lambda d, data: services.resource_add(
            user=request.user, dataset=d, url=data["url"], name=data["name"],
            description=data["description"], format=data["format"],
        ),
        _("The link was added."), default_field="url",
    )  # fmt: skip


def _resource(dataset: Dataset, resource_pk) -> Resource:
    resource = dataset.resources.filter(pk=resource_pk, state=Resource.State.ACTIVE).first()
    if resource is None:
        raise Http404
    resource.dataset = dataset
    return resource


@require_POST
def resource_replace(request, pk, resource_pk):
    def call(dataset, data):
        services.resource_replace(
            user=request.user, resource=_resource(dataset, resource_pk), upload=data["file"],
            note=data["note"],
        )  # fmt: skip

    return _action(
        request, pk, ResourceReplaceForm, "replace_form", call,
        _("The file was replaced; the previous one is kept as a version."), default_field="file",
    )  # fmt: skip


@require_POST
def resource_remove(request, pk, resource_pk):
    def call(dataset, data):
        services.resource_remove(
            user=request.user, resource=_resource(dataset, resource_pk), reason=data["reason"]
        )

    return _action(
        request, pk, ReasonForm, "remove_form", call,
        _("The resource was removed (it is kept in the history)."), default_field="reason",
    )  # fmt: skip


# --- harvest sources -----------------------------------------------------------------------
def _harvest_offices(user):
    if user.is_superuser:
        return Office.objects.order_by("body__name", "name")
    ids = access.producer_office_ids(user) | access.walidata_office_ids(user)
    return Office.objects.filter(pk__in=ids).order_by("body__name", "name")


@require_http_methods(["GET", "POST"])
def harvest_sources(request):
    """The sources the user manages, and the form to register another."""
    offices = _harvest_offices(request.user)
    if not offices.exists():
        raise Http404
    form = HarvestSourceForm(request.POST or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        try:
            source = services.harvest_source_create(
                user=request.user,
                office=form.cleaned_data["office"],
                url=form.cleaned_data["url"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("The source was registered. Run it to harvest now."))
            return redirect(reverse("databank_admin:harvest_source", args=[source.pk]))
    sources = (
        access.harvest_sources_for(user=request.user)
        .select_related("organization", "office")
        .annotate(dataset_count=Count("datasets"))
        .order_by("title")
    )
    return render(
        request,
        "databank/admin/harvest_sources.html",
        {"page_title": _("Harvest sources"), "header_icon": "download", "sources": sources,
         "form": form},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


def harvest_source(request, pk):
    source = access.harvest_source_for(user=request.user, pk=pk)
    runs = list(source.runs.order_by("-started_at", "-id")[:20])
    return render(
        request,
        "databank/admin/harvest_source.html",
        {
            "page_title": source.title,
            "header_icon": "download",
            "source": source,
            "runs": runs,
            "running": any(r.status == "running" for r in runs),
            "datasets": source.datasets.order_by("title")[:50],
            "dataset_count": source.datasets.count(),
        },
    )


@require_POST
def harvest_source_run(request, pk):
    source = access.harvest_source_for(user=request.user, pk=pk)
    try:
        services.harvest_source_run(user=request.user, source=source)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The harvest was queued; refresh this page to follow it."))
    return redirect(reverse("databank_admin:harvest_source", args=[source.pk]))


@require_POST
def harvest_source_toggle(request, pk):
    source = access.harvest_source_for(user=request.user, pk=pk)
    services.harvest_source_set_active(user=request.user, source=source, active=not source.active)
    messages.success(
        request,
        _("The source was switched on.") if source.active else _("The source was switched off."),
    )
    return redirect(reverse("databank_admin:harvest_source", args=[source.pk]))
