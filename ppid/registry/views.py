"""Public registry pages: home, browse and search, item detail and documents, each body's DIP
(live, established versions, exports), the exempt list (DIK) and the PPID Utama's aggregate."""

from urllib.parse import urlencode

from django.core.cache import cache
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ppid.core.pagecache import cache_public_page
from ppid.organizations.models import Body, Office

from . import access, exports, queries, services
from .models import Category, DipEstablishment, Document, InformationItem

PAGE_SIZE = 20
HOME_CACHE_SECONDS = 60
# Types a browser may show inline; anything else is always downloaded.
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg"}


def _filter_messages(codes: list[str]) -> list[str]:
    texts = {
        "year": _("The year must be a number such as 2025; the year filter was ignored."),
        "category": _("Unknown category; the category filter was ignored."),
        "form": _("Unknown form; the form filter was ignored."),
        "sort": _("Unknown sort order; results are sorted by relevance."),
    }
    return [texts[code] for code in codes if code in texts]


def _paginate(request, object_list):
    """The requested page of 20. A bad page number shows page 1 and a page past the end shows
    the last page, each with a message: never an error page for a hand-edited URL."""
    paginator = Paginator(object_list, PAGE_SIZE)
    raw = (request.GET.get("page") or "1").strip()
    notices = []
    try:
        number = int(raw)
        if number < 1:
            raise ValueError
    except ValueError:
        notices.append(_("The page number was not valid; showing the first page."))
        number = 1
    try:
        page = paginator.page(number)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
        notices.append(
            _("There is no page %(number)s; showing the last page.") % {"number": number}
        )
    return page, notices


def _wants_partial(request) -> bool:
    # htmx asks for just the results region; a history restore needs the whole page.
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Target") == "results"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _home_counts() -> dict:
    def compute():
        bodies = [
            {
                "slug": b.slug,
                "name": b.name,
                "kind": b.kind,
                "published": b.published,
                "is_demo": b.is_demo,
            }  # fmt: skip
            for b in queries.bodies_with_counts()
        ]
        return {"categories": queries.category_counts(), "bodies": bodies}

    return cache.get_or_set("registry:home-counts:v1", compute, HOME_CACHE_SECONDS)


@require_safe
@cache_public_page("registry")
def home(request):
    counts = _home_counts()
    labels = dict(Category.choices)
    kinds = dict(Body.Kind.choices)
    top = max(counts["categories"].values(), default=0) or 1
    categories = [
        {"value": key, "label": labels[key], "count": n, "percent": round(100 * n / top)}
        for key, n in counts["categories"].items()
    ]
    bodies = [{**b, "kind_label": kinds.get(b["kind"], b["kind"])} for b in counts["bodies"]]
    latest = list(queries.latest_items())
    context = {
        "categories": categories,
        "total": sum(counts["categories"].values()),
        "bodies": bodies,
        "latest": latest,
        "has_demo": any(b["is_demo"] for b in bodies) or any(i.is_demo for i in latest),
    }
    return render(request, "registry/home.html", context)


def _facet_links(request, facets: dict, filters) -> list[dict]:
    """Each facet with a link per value (the other filters kept, back to page 1)."""
    titles = {
        "category": _("Category"),
        "year": _("Year"),
        "form": _("Form"),
        "body": _("Public body"),
    }
    form_labels = {"softcopy": _("Softcopy"), "hardcopy": _("Hardcopy")}
    category_labels = dict(Category.choices)

    # Links carry only the parsed, valid filters: an ignored bad value is not passed on.
    kept = {
        "q": filters.q,
        "body": filters.body,
        "office": filters.office,
        "category": filters.category,
        "year": str(filters.year or ""),
        "form": filters.form,
        "sort": "" if filters.sort == "relevance" else filters.sort,
    }

    def url(name, value):
        params = {k: v for k, v in {**kept, name: value or ""}.items() if v}
        return f"{request.path}?{urlencode(params)}" if params else request.path

    out = []
    for name, title in titles.items():
        current = getattr(filters, name)
        options = []
        for option in facets.get(name, []):
            if not option["count"] and str(option["value"]) != str(current or ""):
                continue
            label = option["label"]
            if name == "form":
                label = form_labels.get(option["value"], label)
            elif name == "category":
                label = category_labels.get(option["value"], label)
            options.append(
                {
                    "label": label,
                    "count": option["count"],
                    "url": url(name, str(option["value"])),
                    "selected": str(option["value"]) == str(current or ""),
                }
            )
        out.append({"name": name, "title": title, "options": options, "clear_url": url(name, None)})
    return out


def _results_page(request, *, template: str, base=None, extra: dict | None = None):
    filters = queries.ItemFilters.from_params(request.GET)
    result = queries.search_items(filters, base=base)
    page, page_notices = _paginate(request, result.items)
    context = {
        "filters": filters,
        "result": result,
        "page": page,
        "items": list(page.object_list),
        "notices": _filter_messages(filters.errors) + page_notices,
        "categories": Category.choices,
        "sorts": [
            ("relevance", _("Relevance")),
            ("newest", _("Newest")),
            ("oldest", _("Oldest")),
            ("title", _("Title (A–Z)")),
            ("year", _("Year (newest)")),
        ],
        **(extra or {}),
    }
    context["has_demo"] = context.get("has_demo", False) or any(i.is_demo for i in context["items"])
    context["facets"] = _facet_links(request, result.facets, filters)
    partial = context["partial"] = _wants_partial(request)
    response = render(request, "registry/_results.html" if partial else template, context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@require_safe
@cache_public_page("registry")
def search(request):
    return _results_page(request, template="registry/search.html", extra={"mode": "search"})


@require_safe
@cache_public_page("registry")
def browse(request):
    return _results_page(request, template="registry/search.html", extra={"mode": "browse"})


@require_safe
@cache_public_page("registry")
def aggregate(request, slug):
    """The PPID Utama's view over its own items and every agency office under it."""
    utama = get_object_or_404(
        Office.objects.select_related("body"), slug=slug, kind=Office.Kind.UTAMA
    )
    published = Count("items", filter=Q(items__status=InformationItem.Status.PUBLISHED))
    offices = (
        Office.objects.filter(Q(parent=utama) | Q(parent__parent=utama))
        .select_related("body")
        .annotate(published=published)
        .order_by("name")
    )
    return _results_page(
        request,
        template="registry/aggregate.html",
        base=queries.utama_aggregate(utama=utama),
        extra={"mode": "aggregate", "utama": utama, "offices": offices, "has_demo": utama.is_demo},
    )


@require_safe
@cache_public_page("registry")
def item_detail(request, uid):
    item = access.item_for_public(uid)
    documents = list(item.documents.filter(is_active=True))
    context = {
        "item": item,
        "documents": documents,
        "preview": next((d for d in documents if d.kind == Document.Kind.FILE and d.is_pdf), None),
        "has_demo": item.is_demo,
    }
    return render(request, "registry/item_detail.html", context)


@require_safe
def document_download(request, uid):
    """A document's file. Public when its item is published; a draft's file only for its
    office's staff (access.document_for_viewer), and then never cached by shared caches."""
    document = access.document_for_viewer(request.user, uid)
    inline = document.content_type in INLINE_TYPES and request.GET.get("download") != "1"
    name = document.file.name.rsplit("/", 1)[-1] or "dokumen"
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        content_type=document.content_type or "application/octet-stream",
        as_attachment=not inline,
        filename=name,
    )
    public = document.is_active and document.item.status == InformationItem.Status.PUBLISHED
    if public:
        patch_cache_control(response, public=True, max_age=300)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response


@require_safe
@cache_public_page("registry")
def body_detail(request, slug):
    body = get_object_or_404(Body, slug=slug)
    items = queries.public_items().filter(body=body)
    counts = queries.category_counts(items)
    labels = dict(Category.choices)
    offices = list(body.offices.select_related("parent").order_by("kind", "name"))
    latest = list(items.order_by("-published_at", "-id")[:10])
    context = {
        "body": body,
        "offices": offices,
        "utama": next((o for o in offices if o.kind == Office.Kind.UTAMA), None),
        "categories": [{"value": k, "label": labels[k], "count": n} for k, n in counts.items()],
        "total": sum(counts.values()),
        "latest": latest,
        "versions": body.dip_versions.order_by("-version")[:5],
        "has_demo": body.is_demo or any(i.is_demo for i in latest),
    }
    return render(request, "registry/body_detail.html", context)


def _body(slug) -> Body:
    return get_object_or_404(Body, slug=slug)


@require_safe
@cache_public_page("registry")
def dip(request, slug):
    """The body's live DIP as the statutory table, for screen and print (F49)."""
    body = _body(slug)
    rows = services.dip_rows(body)
    context = {
        "body": body,
        "groups": exports.grouped(rows),
        "columns": exports.columns(),
        "count": len(rows),
        "today": timezone.localdate(),
        "latest_version": body.dip_versions.order_by("-version").first(),
        "downloads": _download_links("registry:dip_export", [body.slug]),
        "has_demo": body.is_demo or queries.public_items().filter(body=body, is_demo=True).exists(),
    }
    return render(request, "registry/dip.html", context)


def _download_links(name: str, args: list) -> list[tuple[str, str]]:
    labels = {
        "xlsx": _("Download Excel (XLSX)"),
        "csv": _("Download CSV"),
        "pdf": _("Download PDF"),
    }
    return [(labels[fmt], reverse(name, args=[*args, fmt])) for fmt in exports.FORMATS]


def _download(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
def dip_export(request, slug, fmt):
    if fmt not in exports.FORMATS:
        raise Http404
    body = _body(slug)
    today = timezone.localdate()
    title = _("List of Public Information (DIP): %(body)s") % {"body": body.name}
    subtitle = _("Live list as of %(date)s") % {"date": today.isoformat()}
    content = exports.render(fmt, services.dip_rows(body), title=title, subtitle=subtitle)
    return _download(content, fmt, exports.filename(body.slug, today.isoformat(), fmt))


@require_safe
@cache_public_page("registry")
def dip_versions(request, slug):
    body = _body(slug)
    page, notices = _paginate(request, body.dip_versions.order_by("-version"))
    context = {
        "body": body,
        "page": page,
        "notices": notices,
        "has_demo": body.is_demo or any(v.is_demo for v in page.object_list),
    }
    return render(request, "registry/dip_versions.html", context)


def _version(body: Body, uid) -> DipEstablishment:
    return get_object_or_404(DipEstablishment, body=body, uid=uid)


@require_safe
@cache_public_page("registry")
def dip_version(request, slug, uid):
    """An established DIP: the rows frozen on the SK date, whatever happened since."""
    body = _body(slug)
    version = _version(body, uid)
    context = {
        "body": body,
        "version": version,
        "groups": exports.grouped(version.rows),
        "columns": exports.columns(),
        "count": len(version.rows),
        "downloads": _download_links("registry:dip_version_export", [body.slug, version.uid]),
        "has_demo": body.is_demo or version.is_demo,
    }
    return render(request, "registry/dip_version.html", context)


@require_safe
def dip_version_export(request, slug, uid, fmt):
    if fmt not in exports.FORMATS:
        raise Http404
    body = _body(slug)
    version = _version(body, uid)
    title = _("List of Public Information (DIP): %(body)s") % {"body": body.name}
    subtitle = _("Version %(version)s, decree %(sk)s of %(date)s") % {
        "version": version.version,
        "sk": version.sk_number,
        "date": version.sk_date.isoformat(),
    }
    content = exports.render(fmt, version.rows, title=title, subtitle=subtitle)
    name = exports.filename(body.slug, f"v{version.version}-{version.sk_date.isoformat()}", fmt)
    return _download(content, fmt, name)


@require_safe
@cache_public_page("registry")
def dik(request):
    """The exempt-information list (F50): what is exempt and why, never the content."""
    notices = []
    body = None
    slug = (request.GET.get("body") or "").strip()
    if slug:
        body = Body.objects.filter(slug=slug[:120]).first()
        if body is None:
            notices.append(_("No public body matches that address; showing every body."))
    entries = queries.public_exempt_entries(body=body).order_by(
        "body__name", "ground", "information"
    )
    page, page_notices = _paginate(request, entries)
    bodies = Body.objects.filter(exempt_entries__is_active=True).distinct().order_by("name")
    context = {
        "body": body,
        "bodies": bodies,
        "page": page,
        "notices": notices + page_notices,
        "has_demo": any(e.is_demo for e in page.object_list),
    }
    return render(request, "registry/dik.html", context)
