"""Reads of the registry that more than one caller needs (public pages, API, back office)."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from ppid.core.search import query_terms
from ppid.organizations.models import Body, Office

from .models import ITEM_SEARCH, Category, ExemptEntry, InformationItem

SORTS = {
    "relevance": None,  # rank when there is a query, newest otherwise
    "newest": ("-published_at", "-id"),
    "oldest": ("published_at", "id"),
    "title": ("title", "id"),
    "year": ("-year", "-id"),
}


@dataclass
class ItemFilters:
    q: str = ""
    body: str = ""  # body slug
    office: str = ""  # office slug (an agency's PPID Pelaksana)
    category: str = ""
    year: int | None = None
    form: str = ""  # "softcopy" | "hardcopy"
    sort: str = "relevance"
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_params(cls, params) -> "ItemFilters":
        """Parse untrusted query parameters; bad values are dropped with a message."""
        filters = cls(
            q=(params.get("q") or "")[:1000],
            body=(params.get("body") or "")[:120],
            office=(params.get("office") or "")[:120],
            category=params.get("category") or "",
            form=params.get("form") or "",
            sort=params.get("sort") or "relevance",
        )
        raw_year = (params.get("year") or "").strip()
        if raw_year:
            if raw_year.isdigit() and 1900 <= int(raw_year) <= 2100:
                filters.year = int(raw_year)
            else:
                filters.errors.append("year")
        if filters.category and filters.category not in Category.values:
            filters.errors.append("category")
            filters.category = ""
        if filters.form not in ("", "softcopy", "hardcopy"):
            filters.errors.append("form")
            filters.form = ""
        if filters.sort not in SORTS:
            filters.errors.append("sort")
            filters.sort = "relevance"
        return filters


def public_items() -> QuerySet[InformationItem]:
    return InformationItem.objects.published()


def _apply_filters(qs: QuerySet, filters: ItemFilters) -> QuerySet:
    if filters.body:
        qs = qs.filter(body__slug=filters.body)
    if filters.office:
        qs = qs.filter(office__slug=filters.office)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.form == "softcopy":
        qs = qs.filter(form_softcopy=True)
    elif filters.form == "hardcopy":
        qs = qs.filter(form_hardcopy=True)
    return qs


@dataclass
class SearchResult:
    items: QuerySet
    terms: list[str]
    facets: dict


def search_items(filters: ItemFilters, *, base: QuerySet | None = None, facets: bool = True) -> SearchResult:
    """Published items matching the filters and the full-text query, with facet counts."""
    qs = base if base is not None else public_items()
    terms = query_terms(filters.q)
    if filters.q.strip() and terms:
        qs = ITEM_SEARCH.match(qs, terms, ranked=filters.sort == "relevance")
    elif filters.q.strip():
        qs = qs.none()  # only punctuation or symbols: nothing can match
    unfaceted = qs
    qs = _apply_filters(qs, filters)
    order = SORTS.get(filters.sort)
    if order:
        qs = qs.order_by(*order)
    elif not terms:
        qs = qs.order_by(*SORTS["newest"])
    facet_counts = _facets(unfaceted, filters) if facets else {}
    return SearchResult(
        items=qs.select_related("body", "office"), terms=terms, facets=facet_counts
    )


def _facets(qs: QuerySet, filters: ItemFilters) -> dict:
    """Counts per facet value, each facet computed with the other filters applied."""
    def counts(field_name: str, without: str):
        narrowed = _apply_filters(qs, ItemFilters(**{**filters.__dict__, without: "" if without != "year" else None, "errors": []}))
        return list(
            narrowed.order_by().values(field_name).annotate(n=Count("id")).order_by("-n")[:50]
        )

    body_rows = counts("body__slug", "body")
    names = dict(Body.objects.filter(slug__in=[r["body__slug"] for r in body_rows]).values_list("slug", "name"))
    labels = dict(Category.choices)
    return {
        "body": [
            {"value": r["body__slug"], "label": names.get(r["body__slug"], r["body__slug"]), "count": r["n"]}
            for r in body_rows
        ],
        "category": [
            {"value": r["category"], "label": labels.get(r["category"], r["category"]), "count": r["n"]}
            for r in counts("category", "category")
        ],
        "year": sorted(
            ({"value": r["year"], "label": str(r["year"]), "count": r["n"]} for r in counts("year", "year")),
            key=lambda r: -r["value"],
        ),
        "form": _form_facet(_apply_filters(qs, ItemFilters(**{**filters.__dict__, "form": "", "errors": []}))),
    }


def _form_facet(qs: QuerySet) -> list[dict]:
    agg = qs.order_by().aggregate(
        soft=Count("id", filter=Q(form_softcopy=True)), hard=Count("id", filter=Q(form_hardcopy=True))
    )
    return [
        {"value": "softcopy", "label": "Softcopy", "count": agg["soft"]},
        {"value": "hardcopy", "label": "Hardcopy", "count": agg["hard"]},
    ]


def dip_items(*, body: Body) -> QuerySet[InformationItem]:
    """The body's live DIP: its published items, grouped by category then title."""
    order = {"berkala": 0, "serta_merta": 1, "setiap_saat": 2}
    from django.db.models import Case, IntegerField, Value, When

    return (
        public_items()
        .filter(body=body)
        .select_related("office")
        .annotate(
            category_order=Case(
                *[When(category=k, then=Value(v)) for k, v in order.items()],
                output_field=IntegerField(),
            )
        )
        .order_by("category_order", "title", "id")
    )


def utama_aggregate(*, utama: Office) -> QuerySet[InformationItem]:
    """A PPID Utama's aggregated view: the items of its own office and every office under it."""
    return public_items().filter(
        Q(office=utama) | Q(office__parent=utama) | Q(office__parent__parent=utama)
    )


def category_counts(qs: QuerySet | None = None) -> dict[str, int]:
    qs = public_items() if qs is None else qs
    rows = qs.order_by().values("category").annotate(n=Count("id"))
    counts = {c: 0 for c in Category.values}
    counts.update({r["category"]: r["n"] for r in rows})
    return counts


def bodies_with_counts() -> QuerySet[Body]:
    return Body.objects.annotate(
        published=Count("items", filter=Q(items__status=InformationItem.Status.PUBLISHED))
    ).order_by("kind", "name")


def latest_items(limit: int = 8) -> QuerySet[InformationItem]:
    return public_items().select_related("body").order_by("-published_at", "-id")[:limit]


def overdue_reviews(*, office_ids) -> QuerySet[InformationItem]:
    return InformationItem.objects.review_overdue().filter(office_id__in=office_ids).order_by("next_review")


def public_exempt_entries(*, body: Body | None = None) -> QuerySet[ExemptEntry]:
    qs = ExemptEntry.objects.filter(is_active=True).select_related("body", "office", "consequence_test")
    return qs.filter(body=body) if body else qs
