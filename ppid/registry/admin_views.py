"""The registry's back office inside Wagtail's admin: thin views that parse a form, call a
service (services.py) or a scoped read (access.py), and render a Wagtail admin template.

Wagtail wraps every URL here in its admin-access check (organizations.backends grants
it to holders of a current appointment); access.py then scopes every record, so another
office's item answers 404 exactly like a missing one.
"""

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ppid.core.events import events_for
from ppid.core.forms import form_apply_errors
from ppid.organizations.access import offices_for
from ppid.organizations.models import REGISTRY_MANAGERS, REGISTRY_READERS, Office

from . import access, importer, services
from .forms import (
    DipEstablishForm,
    DocumentDeactivateForm,
    DocumentLinkForm,
    DocumentUploadForm,
    ExemptEntryForm,
    ImportUploadForm,
    ItemFilterForm,
    ItemForm,
    ReviewForm,
    WithdrawForm,
)
from .models import Category, ImportJob, InformationItem

PAGE_SIZE = 25  # DESIGN.md: about 160 µs per rendered row; keep pages short.


def _managed_offices(user):
    return offices_for(user, REGISTRY_MANAGERS).order_by("name")


def _item_url(item: InformationItem) -> str:
    return reverse("registry_admin:item", args=[item.uid])


# --- Items ---------------------------------------------------------------------------


def item_list(request):
    offices = offices_for(request.user, REGISTRY_READERS).order_by("name")
    form = ItemFilterForm(request.GET or None, offices=offices)
    items = access.items_for_staff(request.user).select_related("office")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"].strip():
            q = data["q"].strip()
            items = items.filter(Q(title__icontains=q) | Q(summary__icontains=q))
        if data["status"]:
            items = items.filter(status=data["status"])
        if data["category"]:
            items = items.filter(category=data["category"])
        if data["office"]:
            items = items.filter(office__slug=data["office"])
        if data["overdue"]:
            items = items.review_overdue()
    items = items.order_by("-updated_at", "-id")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    return render(
        request,
        "registry/admin/item_list.html",
        {
            "page_title": _("Public information"),
            "header_icon": "list-ul",
            "filter_form": form,
            "page_obj": page,
            "query_string": query.urlencode(),
            "can_create": bool(_managed_offices(request.user)),
            "today": timezone.localdate(),
            "berkala": Category.BERKALA,
        },
    )


@require_http_methods(["GET", "POST"])
def item_create(request):
    offices = _managed_offices(request.user)
    if not offices.exists():
        raise Http404
    form = ItemForm(request.POST or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_create(
                user=request.user,
                office=form.cleaned_data["office"],
                fields=form.item_fields(),
                publish=form.cleaned_data["publish"],
            )
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("The item was saved."))
            return redirect(_item_url(item))
    return render(
        request,
        "registry/admin/item_form.html",
        {"page_title": _("New public information item"), "header_icon": "plus", "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def item_edit(request, uid):
    item = access.item_for_staff(request.user, uid, manage=True)
    form = ItemForm(request.POST or None, instance=item, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(
                user=request.user,
                item=item,
                fields=form.item_fields(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("The item was saved."))
            return redirect(_item_url(item))
    return render(
        request,
        "registry/admin/item_form.html",
        {"page_title": _("Edit item"), "page_subtitle": item.title, "header_icon": "edit",
         "form": form, "item": item},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


def item_detail(request, uid):
    item = access.item_for_staff(request.user, uid)
    return _render_detail(request, item)


def _render_detail(request, item, *, status: int = 200, **forms):
    can_manage = access.items_for_staff(request.user, manage=True).filter(pk=item.pk).exists()
    context = {
        "page_title": item.title,
        "header_icon": "doc-full",
        "item": item,
        "can_manage": can_manage,
        "documents": item.documents.all(),
        "events": events_for(item),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
        "review_form": forms.get("review_form") or ReviewForm(),
        "upload_form": forms.get("upload_form") or DocumentUploadForm(),
        "link_form": forms.get("link_form") or DocumentLinkForm(),
        "deactivate_form": forms.get("deactivate_form") or DocumentDeactivateForm(),
        "Status": InformationItem.Status,
        "berkala": Category.BERKALA,
    }
    return render(request, "registry/admin/item_detail.html", context, status=status)


def _action(request, uid, form_class, form_name, call, success: str, default_field=None):
    """POST-only item action: parse the form, call the service, redirect or show errors."""
    item = access.item_for_staff(request.user, uid, manage=True)
    form = form_class(request.POST, request.FILES) if form_class else None
    if form is None or form.is_valid():
        try:
            call(item, form.cleaned_data if form else {})
        except ValidationError as exc:
            if form is None:
                messages.error(request, " ".join(exc.messages))
                return redirect(_item_url(item))
            form_apply_errors(form, exc, default_field)
        else:
            messages.success(request, success)
            return redirect(_item_url(item))
    messages.error(request, _("Nothing was changed: correct the errors below."))
    item.refresh_from_db()
    return _render_detail(request, item, status=400, **{form_name: form})


@require_POST
def item_publish(request, uid):
    return _action(
        request, uid, None, "",
        lambda item, data: services.item_publish(user=request.user, item=item),
        _("The item was published."),
    )  # fmt: skip


@require_POST
def item_withdraw(request, uid):
    return _action(
        request, uid, WithdrawForm, "withdraw_form",
        lambda item, data: services.item_withdraw(
            user=request.user, item=item, reason=data["reason"]
        ),
        _("The item was withdrawn."),
    )  # fmt: skip


@require_POST
def item_review(request, uid):
    return _action(
        request, uid, ReviewForm, "review_form",
        lambda item, data: services.item_review(
            user=request.user, item=item, next_review=data["next_review"], note=data["note"]
        ),
        _("The review was recorded."),
    )  # fmt: skip


@require_POST
def document_upload(request, uid):
    return _action(
        request, uid, DocumentUploadForm, "upload_form",
        lambda item, data: services.document_attach_file(
            user=request.user, item=item, upload=data["file"], title=data["title"]
        ),
        _("The document was uploaded."), default_field="file",
    )  # fmt: skip


@require_POST
def document_link(request, uid):
    return _action(
        request, uid, DocumentLinkForm, "link_form",
        lambda item, data: services.document_attach_link(
            user=request.user, item=item, url=data["url"], title=data["title"]
        ),
        _("The link was added."),
    )  # fmt: skip


@require_POST
def document_deactivate(request, uid, document_uid):
    def call(item, data):
        document = item.documents.filter(uid=document_uid, is_active=True).first()
        if document is None:
            raise Http404
        services.document_deactivate(user=request.user, document=document, reason=data["reason"])

    return _action(
        request, uid, DocumentDeactivateForm, "deactivate_form", call,
        _("The document was removed from the item; it is kept in its history."),
    )  # fmt: skip


# --- Exempt information (DIK) ------------------------------------------------------------


def exempt_list(request):
    entries = (
        access.exempt_entries_for_staff(request.user)
        .select_related("office", "consequence_test")
        .order_by("office__name", "ground", "information")
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("p"))
    return render(
        request,
        "registry/admin/exempt_list.html",
        {
            "page_title": _("Exempt information (DIK)"),
            "header_icon": "lock",
            "page_obj": page,
            "can_create": bool(_managed_offices(request.user)),
            "managed_office_ids": set(_managed_offices(request.user).values_list("pk", flat=True)),
        },
    )


@require_http_methods(["GET", "POST"])
def exempt_create(request):
    offices = _managed_offices(request.user)
    if not offices.exists():
        raise Http404
    form = ExemptEntryForm(request.POST or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        try:
            services.exempt_entry_create(
                user=request.user,
                office=form.cleaned_data["office"],
                test_fields=form.test_fields(),
                entry_fields=form.entry_fields(),
            )
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("The exempt-information entry was recorded."))
            return redirect("registry_admin:exempt_list")
    return render(
        request,
        "registry/admin/exempt_form.html",
        {"page_title": _("New exempt-information entry"), "header_icon": "lock", "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def exempt_withdraw(request, uid):
    entry = access.exempt_entry_for_staff(request.user, uid, manage=True)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.exempt_entry_withdraw(
                user=request.user, entry=entry, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The entry was taken off the exempt list; it is kept."))
    else:
        messages.error(request, _("Nothing was changed: give the reason."))
    return redirect("registry_admin:exempt_list")


# --- DIP establishment (SK penetapan DIP) -------------------------------------------------


def dip_bodies(request):
    bodies = access.bodies_for_staff(request.user).order_by("name")
    page = Paginator(bodies, PAGE_SIZE).get_page(request.GET.get("p"))
    return render(
        request,
        "registry/admin/dip_bodies.html",
        {"page_title": _("Established DIP"), "header_icon": "clipboard-list", "page_obj": page},
    )


@require_http_methods(["GET", "POST"])
def dip_body(request, slug):
    body = access.body_for_staff(request.user, slug)
    utama = body.offices.filter(kind=Office.Kind.UTAMA).first()
    can_establish = (
        utama is not None and _managed_offices(request.user).filter(pk=utama.pk).exists()
    )
    form = DipEstablishForm(request.POST or None)
    if request.method == "POST":
        if not can_establish:
            raise Http404
        if form.is_valid():
            try:
                version = services.dip_establish(user=request.user, body=body, **form.cleaned_data)
            except ValidationError as exc:
                form_apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("DIP version %(v)s was established (%(rows)s rows).")
                    % {"v": version.version, "rows": len(version.rows)},
                )
                return redirect("registry_admin:dip_body", slug=body.slug)
    return render(
        request,
        "registry/admin/dip_body.html",
        {
            "page_title": _("Established DIP"),
            "page_subtitle": body.name,
            "header_icon": "clipboard-list",
            "body": body,
            "versions": access.dip_versions_for_staff(request.user, body).select_related(
                "established_by"
            ),
            "form": form,
            "can_establish": can_establish,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- XLSX import ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def import_start(request):
    offices = _managed_offices(request.user)
    if not offices.exists():
        raise Http404
    form = ImportUploadForm(request.POST or None, request.FILES or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(
                user=request.user,
                office=form.cleaned_data["office"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            form_apply_errors(form, exc, "file")
        else:
            return redirect("registry_admin:import_job", uid=job.uid)
    recent = ImportJob.objects.filter(office__in=offices).select_related("office")[:10]
    return render(
        request,
        "registry/admin/import_start.html",
        {"page_title": _("Import from XLSX"), "header_icon": "upload", "form": form,
         "recent": recent, "columns": importer.HEADERS, "required": importer.REQUIRED},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


def import_template(request):
    if not _managed_offices(request.user).exists():
        raise Http404
    response = HttpResponse(
        importer.build_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="template-dip.xlsx"'
    return response


def import_job(request, uid):
    job = access.import_job_for_staff(request.user, uid)
    processed = job.processed
    if job.status == ImportJob.Status.RUNNING:
        processed = cache.get(services.import_progress_key(job), processed)
    percent = int(100 * processed / job.total) if job.total else 0
    return render(
        request,
        "registry/admin/import_job.html",
        {
            "page_title": _("Import from XLSX"),
            "page_subtitle": job.file_name,
            "header_icon": "upload",
            "job": job,
            "processed": processed,
            "percent": percent,
            "Status": ImportJob.Status,
        },
    )


@require_POST
def import_confirm(request, uid):
    job = access.import_job_for_staff(request.user, uid)
    try:
        services.import_job_confirm(user=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The import was started."))
    return redirect("registry_admin:import_job", uid=job.uid)
