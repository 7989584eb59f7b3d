"""Public data bank pages: the catalogue search with facets, a dataset's page with its Satu
Data metadata and resources, a resource's page with a preview (a paged table and a chart
of a numeric column against a category or period column, the chart's figures beside it)
and an API snippet, and the counted download of an uploaded file.

What a visitor sees is decided by access.py: a draft, private or withdrawn dataset answers
404 to anyone but its producers (and, once submitted, the walidata)."""

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ppid.core.pagecache import cache_public_page
from ppid.organizations.models import Body

from . import access, services
from .models import Dataset, Group, Licence, Resource
from .progress import ingest_ended

PAGE_SIZE = 20
PREVIEW_ROWS = 20
CHART_ROWS = 40
FACET_LIMIT = 15

# (GET parameter = package_search facet field, title, value pattern)
FACETS = [
    ("organization", "Producing agency", re.compile(r"^[\w\-]{1,120}$")),
    ("groups", "Theme", re.compile(r"^[\w\-]{1,100}$")),
    ("tags", "Tag", re.compile(r"^[\w \-.]{1,100}$")),
    ("res_format", "Format", re.compile(r"^[\w.\-]{1,40}$")),
    ("license_id", "Licence", re.compile(r"^[\w.\-]{1,100}$")),
    ("tahun", "Data year", re.compile(r"^(19|20|21)\d\d$")),
]
SORTS = {
    "relevance": "score desc, metadata_modified desc",
    "newest": "metadata_modified desc",
    "title": "title_string asc",
    "name": "name asc",
}


def _facet_titles() -> dict:
    return {
        "organization": _("Producing agency"),
        "groups": _("Theme"),
        "tags": _("Tag"),
        "res_format": _("Format"),
        "license_id": _("Licence"),
        "tahun": _("Data year"),
    }


@dataclass
class CatalogueFilters:
    q: str = ""
    values: dict = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    notices: list = field(default_factory=list)

    @classmethod
    def from_params(cls, params) -> "CatalogueFilters":
        filters = cls(q=(params.get("q") or "").strip()[:200])
        for name, _title, pattern in FACETS:
            value = (params.get(name) or "").strip()
            if not value:
                continue
            if pattern.match(value):
                filters.values[name] = value
            else:
                filters.notices.append(
                    _("The %(filter)s filter was not valid and was ignored.")
                    % {"filter": _facet_titles()[name].lower()}
                )
        sort = (params.get("sort") or "").strip()
        if sort in SORTS:
            filters.sort = sort
        elif sort:
            filters.notices.append(_("Unknown sort order; results are sorted by relevance."))
        raw = (params.get("page") or "1").strip()
        try:
            filters.page = max(1, min(int(raw), 500))
        except ValueError:
            filters.notices.append(_("The page number was not valid; showing the first page."))
        return filters

    def search_params(self, *, signed_in: bool = False) -> dict:
        clauses = []
        for name, value in self.values.items():
            value = value.replace('"', "").replace("\\", "")
            clauses.append(f'{name}:"{value}"')
        return {
            "q": self.q,
            "fq": " AND ".join(clauses),
            "rows": PAGE_SIZE,
            "start": (self.page - 1) * PAGE_SIZE,
            # Without words, relevance means nothing: the newest first.
            "sort": SORTS[self.sort if self.sort != "relevance" or self.q else "newest"],
            "facet.field": json.dumps([name for name, _t, _p in FACETS]),
            "facet.limit": FACET_LIMIT,
            # What a signed-in user may see beyond the public (his drafts, private and
            # withdrawn datasets) is listed too, marked; search.py applies access.py's rule.
            **(
                {"include_private": True, "include_drafts": True, "include_deleted": True}
                if signed_in
                else {}
            ),
        }

    def kept(self) -> dict:
        params = {"q": self.q, **self.values}
        if self.sort != "relevance":
            params["sort"] = self.sort
        return {k: v for k, v in params.items() if v}


def _labels(facets: dict) -> dict:
    """Display names of facet values: agency names, theme titles, licence titles."""
    labels = {"organization": {}, "groups": {}, "license_id": {}}
    if facets.get("organization"):
        labels["organization"] = dict(
            Body.objects.filter(slug__in=list(facets["organization"])).values_list("slug", "name")
        )
    if facets.get("groups"):
        labels["groups"] = dict(
            Group.objects.filter(name__in=list(facets["groups"])).values_list("name", "title")
        )
    if facets.get("license_id"):
        labels["license_id"] = dict(
            Licence.objects.filter(pk__in=list(facets["license_id"])).values_list("id", "title")
        )
    return labels


def _facet_links(request, filters: CatalogueFilters, facets: dict) -> list[dict]:
    titles = _facet_titles()
    labels = _labels(facets)
    kept = filters.kept()

    def url(name, value):
        params = {**kept}
        if value:
            params[name] = value
        else:
            params.pop(name, None)
        return f"{request.path}?{urlencode(params)}" if params else request.path

    out = []
    for name, _title, _pattern in FACETS:
        counts = facets.get(name) or {}
        current = filters.values.get(name)
        options = []
        items = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
        if name == "tahun":
            items = sorted(counts.items(), key=lambda kv: str(kv[0]), reverse=True)
        for value, count in items:
            options.append(
                {
                    "label": labels.get(name, {}).get(value, value),
                    "count": count,
                    "url": url(name, value),
                    "selected": str(value) == str(current or ""),
                }
            )
        if current and not any(o["selected"] for o in options):
            options.insert(
                0,
                {
                    "label": labels.get(name, {}).get(current, current),
                    "count": 0,
                    "url": url(name, current),
                    "selected": True,
                },
            )
        out.append(
            {"name": name, "title": titles[name], "options": options, "clear_url": url(name, None)}
        )
    return out


def _search(user, filters: CatalogueFilters):
    """(count, datasets of the page, facets) from the catalogue search (search.py)."""
    from . import search

    signed_in = bool(user and user.is_authenticated)
    try:
        found = search.search_datasets(user=user, params=filters.search_params(signed_in=signed_in))
    except (search.SearchQueryError, search.ValidationError):
        filters.notices.append(_("The search could not be read; showing every dataset."))
        filters.q, filters.values = "", {}
        found = search.search_datasets(user=user, params=filters.search_params(signed_in=signed_in))
    return found.count, found.datasets, found.facets


@require_safe
@cache_public_page("databank")
def catalogue(request):
    filters = CatalogueFilters.from_params(request.GET)
    count, datasets, facets = _search(request.user, filters)
    if count and not datasets and filters.page > 1:
        filters.page = (count - 1) // PAGE_SIZE + 1
        filters.notices.append(_("There is no such page; showing the last page."))
        count, datasets, facets = _search(request.user, filters)
    page = Paginator(range(min(count, 500 * PAGE_SIZE)), PAGE_SIZE).get_page(filters.page)
    context = {
        "filters": filters,
        "count": count,
        "datasets": datasets,
        "page": page,
        "facets": _facet_links(request, filters, facets),
        "notices": filters.notices,
        "sorts": [
            ("relevance", _("Relevance")),
            ("newest", _("Last modified")),
            ("title", _("Title (A–Z)")),
            ("name", _("Name (A–Z)")),
        ],
        "has_demo": any(d.is_demo for d in datasets),
    }
    return render(request, "databank/catalogue.html", context)


def _status_notice(dataset: Dataset) -> str:
    if dataset.is_public:
        return ""
    if dataset.status == Dataset.Status.PUBLISHED:
        return _("This dataset is private: only its agency and the walidata see it.")
    return _(
        "This dataset is not public (%(status)s): only its agency and the walidata see it."
    ) % {"status": dataset.get_status_display().lower()}


@require_safe
@cache_public_page("databank")
def dataset_detail(request, name):
    dataset = access.dataset_for_user(user=request.user, key=name)
    resources = list(
        dataset.resources.filter(state=Resource.State.ACTIVE).order_by("position", "created_at")
    )
    context = {
        "dataset": dataset,
        "resources": resources,
        "indicators": list(dataset.indicators.all()),
        "groups": list(dataset.groups.order_by("title")),
        "tags": list(dataset.tags.order_by("name")),
        "downloads": dataset.resources.aggregate(n=Sum("download_count"))["n"] or 0,
        "status_notice": _status_notice(dataset),
        "can_manage": access.can_edit(request.user, dataset, any_status=True)
        or access.can_verify(request.user, dataset),
        "has_demo": dataset.is_demo,
    }
    return render(request, "databank/dataset.html", context)


NUMERIC = {"int", "numeric"}
CODE_LIKE = re.compile(r"kode|code|(^|_)id$|^no$|nomor|tahun$|^year|periode")


def _chart_columns(columns: list[dict], params) -> tuple[str | None, str | None, list, list]:
    """The chart's category (or period) column and its value column: the visitor's choice
    when valid, else the first text or date column and the first numeric column after it."""
    ids = [c["id"] for c in columns if c["id"] != "_id"]
    kinds = {c["id"]: c["type"] for c in columns}
    values = [i for i in ids if kinds[i] in NUMERIC]
    categories = [i for i in ids if kinds[i] in ("text", "date", "timestamp", "int")]
    x, y = params.get("x"), params.get("y")
    if x not in categories:
        x = next((i for i in categories if kinds[i] != "int"), None) or next(
            (i for i in categories if re.search(r"tahun|year|periode|bulan", i)), None
        )
    if y not in values or y == x:
        # Codes and years are numbers, but not values to chart.
        y = next((i for i in values if i != x and not CODE_LIKE.search(i)), None)
    return x, y, categories, values


def _chart(records: list[dict], x: str, y: str) -> dict:
    """Horizontal bars (an SVG drawn by the template): each row's label, value and width."""
    bars, top = [], 0.0
    for record in records:
        value = record.get(y)
        if isinstance(value, int | float):
            top = max(top, abs(float(value)))
            bars.append({"label": str(record.get(x) if record.get(x) is not None else "—"),
                         "value": value})  # fmt: skip
    for number, bar in enumerate(bars):
        bar["percent"] = round(100 * abs(float(bar["value"])) / top, 2) if top else 0
        bar["y"] = number * 28
    return {"bars": bars, "height": len(bars) * 28, "x": x, "y": y}


def _preview(request, resource: Resource) -> dict:
    from . import datastore

    if not resource.datastore_active:
        return {}
    try:
        offset = max(0, int(request.GET.get("offset") or 0))
    except ValueError:
        offset = 0
    notices = []
    try:
        table = datastore.search(str(resource.pk), limit=PREVIEW_ROWS, offset=offset)
    except datastore.DatastoreError:
        return {"preview_error": _("The preview is not available right now.")}
    columns = [f for f in table["fields"] if f["id"] != "_id"]
    x, y, categories, values = _chart_columns(table["fields"], request.GET)
    chart = None
    if x and y:
        try:
            data = datastore.search(str(resource.pk), limit=CHART_ROWS, fields=[x, y])
            chart = _chart(data["records"], x, y)
            chart["truncated"] = data.get("total", 0) > CHART_ROWS
        except datastore.DatastoreError:
            chart = None
    total = table.get("total") or 0
    base = {k: v for k, v in request.GET.items() if k in ("x", "y")}

    def page_url(new_offset):
        return f"?{urlencode({**base, 'offset': new_offset})}#preview"

    return {
        "preview": {
            "columns": columns,
            "rows": [
                [(r.get(c["id"]), c["type"] in NUMERIC) for c in columns] for r in table["records"]
            ],
            "total": total,
            "first": offset + 1 if table["records"] else 0,
            "last": offset + len(table["records"]),
            "prev_url": page_url(max(0, offset - PREVIEW_ROWS)) if offset > 0 else "",
            "next_url": page_url(offset + PREVIEW_ROWS) if offset + PREVIEW_ROWS < total else "",
        },
        "chart": chart,
        "chart_choices": {"categories": categories, "values": values},
        "preview_notices": notices,
    }


def _api_snippets(request, resource: Resource) -> dict:
    base = request.build_absolute_uri("/").rstrip("/")
    rid = str(resource.pk)
    if resource.datastore_active:
        action, args = "datastore_search", {"resource_id": rid, "limit": 5}
    else:
        action, args = "resource_show", {"id": rid}
    query = urlencode(args)
    cli_args = " ".join(f"{k}={v}" for k, v in args.items())
    py_args = ", ".join(f"{k}={v!r}" for k, v in args.items())
    return {
        "curl": f'curl "{base}/api/3/action/{action}?{query}"',
        "ckanapi": f"ckanapi action {action} {cli_args} -r {base}",
        "python": (
            "from ckanapi import RemoteCKAN\n\n"
            f'portal = RemoteCKAN("{base}")\n'
            f"result = portal.action.{action}({py_args})"
        ),
        "action": action,
    }


@require_safe
@cache_public_page("databank")
def resource_detail(request, name, resource_id):
    dataset = access.dataset_for_user(user=request.user, key=name)
    resource = access.resource_for_user(user=request.user, dataset=dataset, resource_id=resource_id)
    if not resource.ingesting and request.headers.get("HX-Request"):
        return ingest_ended()  # the page was polling for the load: reload it whole
    context = {
        "dataset": dataset,
        "resource": resource,
        "api": _api_snippets(request, resource),
        "status_notice": _status_notice(dataset),
        "has_demo": dataset.is_demo,
        **_preview(request, resource),
    }
    response = render(request, "databank/resource.html", context)
    if resource.ingesting:
        add_never_cache_headers(response)  # the progress changes by the second
    return response


@require_safe
def resource_download(request, dataset_id, resource_id, filename):
    """An uploaded file, counted on GET (a HEAD is not a download). A visitor who may not
    see the dataset gets 404; a draft's file is never stored by shared caches."""
    dataset = access.dataset_for_user(user=request.user, key=dataset_id)
    resource = access.resource_for_user(user=request.user, dataset=dataset, resource_id=resource_id)
    if not resource.file:
        raise Http404
    if filename != resource.filename:
        # A replaced file has a new name: an old address leads to the current file.
        return HttpResponseRedirect(resource.download_path)
    try:
        handle = resource.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    if request.method == "GET":
        services.resource_count_download(resource=resource)
    response = FileResponse(
        handle,
        content_type=resource.mimetype or "application/octet-stream",
        as_attachment=True,
        filename=resource.filename,
    )
    if dataset.is_public:
        # Shared caches must ask again, so every download is counted.
        patch_cache_control(response, public=True, no_cache=True, max_age=0)
    else:
        patch_cache_control(response, private=True, no_store=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response
