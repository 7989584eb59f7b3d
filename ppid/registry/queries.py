"""Reads of the registry that more than one caller needs (public pages, API, back office)."""

import hashlib
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet

from ppid.core.pagecache import pages_version
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
    # How many items match: exact, except that with `total_is_lower_bound` a query matched
    # more items than are ranked (SEARCH_MAX_CANDIDATES) and at least this many match.
    total: int | None = None
    total_is_lower_bound: bool = False


# A full-text query matching at most SEARCH_RANK_WINDOW items is ranked (best first, at
# most SEARCH_MAX_CANDIDATES of them); one matching more lists the newest
# SEARCH_MAX_CANDIDATES matches, newest first. The cost of a common term is then bounded,
# at 1,000,000 items as at 1,000 (docs/benchmarks.md has the figures and the trade-offs).
SEARCH_MAX_CANDIDATES = 1_000
SEARCH_RANK_WINDOW = 1_000
# Pages reach at most this many rows: a deep OFFSET costs as many rows as it skips.
SEARCH_MAX_ROWS = 10_000
# Lists (no query) over a registry with more rows than this cache their total and facet
# counts for FACET_CACHE_SECONDS: the GROUP BY behind them reads every published row
# (0.6 s at a million on PostgreSQL with an index-only scan, seconds without). Smaller
# registries are counted on every request, so they are always exact.
FACET_CACHE_MIN_ROWS = 50_000
FACET_CACHE_SECONDS = 60


def _setting(name: str):
    return getattr(settings, name, globals()[name])


class _ResultMixin:
    """The queryset search_items returns: it already knows its count (so a paginator does
    not count a million rows again) and fetches a page by keys first. With `known_ids`
    (a search: the ranked keys) a slice is a list slice; otherwise a slice reads only the
    keys of its rows (an index scan, however deep the page) and then those rows. Clones
    (filter, select_related...) behave as plain querysets."""

    known_count: int | None = None
    known_ids: list[int] | None = None
    page_base: QuerySet | None = None
    keys_first: bool = False

    def count(self) -> int:
        if self.known_count is not None:
            return self.known_count
        return super().count()

    def __getitem__(self, k):
        if (
            isinstance(k, slice)
            and k.step is None
            and self._result_cache is None
            and (self.known_ids is not None or self.keys_first)
        ):
            if self.known_ids is not None:
                # The page's keys passed every filter already: fetch them from the base
                # set, without the thousand candidate keys (planned again per query).
                ids = self.known_ids[k]
                base = self.page_base if self.page_base is not None else self
                return ITEM_SEARCH.order_by_ids(base.filter(pk__in=ids), ids)
            ids = list(self.values_list("pk", flat=True)[k])
            return ITEM_SEARCH.order_by_ids(self.filter(pk__in=ids), ids)
        return super().__getitem__(k)


@lru_cache(maxsize=16)
def _result_class(cls):
    return type(f"Result{cls.__name__}", (_ResultMixin, cls), {})


def _result(
    qs: QuerySet, *, count: int, ids: list[int] | None = None, page_base: QuerySet | None = None
) -> QuerySet:
    qs = qs.all()
    qs.__class__ = _result_class(type(qs))
    qs.known_count = count
    qs.known_ids = ids
    qs.page_base = page_base
    qs.keys_first = ids is None
    return qs


def search_items(
    filters: ItemFilters, *, base: QuerySet | None = None, facets: bool = True
) -> SearchResult:
    """Published items matching the filters and the full-text query, with facet counts."""
    qs = base if base is not None else public_items()
    terms = query_terms(filters.q)
    if filters.q.strip() and not terms:
        # Only punctuation or symbols: nothing can match.
        tally = _tally([], filters)
        return SearchResult(
            items=qs.none(), terms=terms, facets=_facet_dict(tally) if facets else {}, total=0
        )
    if filters.office:
        # The office is a filter but not a facet: it narrows the set the facets count.
        qs = qs.filter(office__slug=filters.office)
    if terms:
        scoped = base is not None or bool(filters.office)
        return _search(qs, terms, filters, facets=facets, scoped=scoped)
    return _browse(qs, filters, facets=facets, public=base is None)


def _order(qs: QuerySet, filters: ItemFilters) -> QuerySet:
    order = SORTS.get(filters.sort) or SORTS["newest"]
    return qs.order_by(*order)


# Facet columns, in the order _tally reads them (with a weight after them).
_FACET_COLUMNS = ("body_id", "category", "year", "form_softcopy", "form_hardcopy")


def _search(
    qs: QuerySet, terms: list[str], filters: ItemFilters, *, facets: bool, scoped: bool = False
) -> SearchResult:
    """A full-text query: rank a bounded candidate set, then filter, count and facet it in
    one pass over at most SEARCH_MAX_CANDIDATES rows."""
    limit = _setting("SEARCH_MAX_CANDIDATES")
    ids = ITEM_SEARCH.ranked_ids(terms, limit=limit, window=_setting("SEARCH_RANK_WINDOW"))
    fetched = list(qs.filter(pk__in=ids).order_by().values_list("pk", *_FACET_COLUMNS))
    slugs = _body_slugs({row[1] for row in fetched})
    rows = [
        (slugs.get(body), category, year, soft, hard, 1)
        for _, body, category, year, soft, hard in fetched
    ]
    matching = {
        row[0] for row, facet_row in zip(fetched, rows, strict=True) if _passes(facet_row, filters)
    }
    ranked = [pk for pk in ids if pk in matching]
    capped = lower_bound = len(ids) >= limit
    if capped and (scoped or filters.body or filters.category or filters.year or filters.form):
        # The bounded candidates may hold few or none of a narrow filter's matches (a common
        # term in one body): list the filter's own newest matches, found in SQL, instead.
        narrowed = ITEM_SEARCH.match(_apply_filters(qs, filters), terms, ranked=False)
        ranked = list(narrowed.order_by("-pk").values_list("pk", flat=True)[:limit])
        lower_bound = len(ranked) >= limit
    items = qs.filter(pk__in=ranked)
    if filters.sort == "relevance":
        items, ordered = ITEM_SEARCH.order_by_ids(items, ranked), ranked
    else:
        items, ordered = _order(items, filters), None
    related = ("body", "office")
    return SearchResult(
        items=_result(
            items.select_related(*related),
            count=len(ranked),
            ids=ordered,
            page_base=qs.select_related(*related),
        ),
        terms=terms,
        facets=_facet_dict(_tally(rows, filters)) if facets else {},
        total=len(ranked),
        total_is_lower_bound=lower_bound,
    )


def _body_slugs(ids) -> dict[int, str]:
    return dict(Body.objects.filter(pk__in=ids).values_list("pk", "slug")) if ids else {}


def _passes(row, filters: ItemFilters) -> bool:
    """Python twin of _apply_filters (but the office, applied in SQL) for a facet row."""
    body, category, year, soft, hard, _ = row
    return not (
        (filters.body and body != filters.body)
        or (filters.category and category != filters.category)
        or (filters.year and year != filters.year)
        or (filters.form == "softcopy" and not soft)
        or (filters.form == "hardcopy" and not hard)
    )


@dataclass
class _Tally:
    total: int
    body: list[tuple[str, int]]
    category: list[tuple[str, int]]
    year: list[tuple[int, int]]
    soft: int
    hard: int


def _tally(rows, filters: ItemFilters) -> _Tally:
    """Total and facet counts from (body slug, category, year, soft, hard, weight) rows, in
    one pass: each facet counts the rows that pass every filter but its own."""
    body_n, category_n, year_n = Counter(), Counter(), Counter()
    total = soft_n = hard_n = 0
    f_body, f_category, f_year, f_form = filters.body, filters.category, filters.year, filters.form
    for body, category, year, soft, hard, n in rows:
        miss_body = bool(f_body) and body != f_body
        miss_category = bool(f_category) and category != f_category
        miss_year = bool(f_year) and year != f_year
        miss_form = (f_form == "softcopy" and not soft) or (f_form == "hardcopy" and not hard)
        misses = miss_body + miss_category + miss_year + miss_form
        if misses > 1:
            continue
        if not misses:
            total += n
        if not misses or miss_body:
            body_n[body] += n
        if not misses or miss_category:
            category_n[category] += n
        if not misses or miss_year:
            year_n[year] += n
        if not misses or miss_form:
            soft_n += n if soft else 0
            hard_n += n if hard else 0

    def top(counter):
        return sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))[:50]

    return _Tally(total, top(body_n), top(category_n), top(year_n), soft_n, hard_n)


def _facet_dict(tally: _Tally) -> dict:
    slugs = [slug for slug, _ in tally.body]
    names = dict(Body.objects.filter(slug__in=slugs).values_list("slug", "name")) if slugs else {}
    labels = dict(Category.choices)
    return {
        "body": [{"value": v, "label": names.get(v, v), "count": n} for v, n in tally.body],
        "category": [
            {"value": v, "label": labels.get(v, v), "count": n} for v, n in tally.category
        ],
        "year": sorted(
            ({"value": v, "label": str(v), "count": n} for v, n in tally.year),
            key=lambda r: -r["value"],
        ),
        "form": [
            {"value": "softcopy", "label": "Softcopy", "count": tally.soft},
            {"value": "hardcopy", "label": "Hardcopy", "count": tally.hard},
        ],
    }


def _browse(qs: QuerySet, filters: ItemFilters, *, facets: bool, public: bool) -> SearchResult:
    """No query: the filtered list, newest first (or as sorted). Its total and facets come
    from one GROUP BY over the facet columns, tallied in Python; on a big registry both the
    groups and each filter combination's tally are cached for FACET_CACHE_SECONDS."""
    key = _counts_cache_key(None if public else qs, filters)
    combination = repr((filters.body, filters.category, filters.year, filters.form))
    tally_key = f"{key}:{hashlib.sha256(combination.encode()).hexdigest()}"
    tally = cache.get(tally_key) if key else None
    if tally is None:
        # The groups serve every filter combination; each combination's tally is cached too.
        groups = cache.get(key) if key else None
        if groups is None:
            groups = _groups(qs)
            if key:
                cache.set(key, groups, _setting("FACET_CACHE_SECONDS"))
        tally = _tally(groups, filters)
        if key:
            cache.set(tally_key, tally, _setting("FACET_CACHE_SECONDS"))
    items = _order(_apply_filters(qs, replace(filters, office="")), filters)
    return SearchResult(
        items=_result(
            items.select_related("body", "office"),
            count=min(tally.total, _setting("SEARCH_MAX_ROWS")),
        ),
        terms=[],
        facets=_facet_dict(tally) if facets else {},
        total=tally.total,
    )


def _groups(qs: QuerySet) -> list[tuple]:
    """(body slug, category, year, softcopy, hardcopy, count) over `qs`: a few thousand rows
    at most, whatever the size of the registry."""
    rows = list(qs.order_by().values_list(*_FACET_COLUMNS).annotate(n=Count("pk")))
    slugs = _body_slugs({row[0] for row in rows})
    return [(slugs.get(body), *rest) for body, *rest in rows]


def _counts_cache_key(base: QuerySet | None, filters: ItemFilters) -> str | None:
    """A cache key prefix for the counts of a big registry, or None to count now. The newest
    primary key is part of it, so an import or a new item starts afresh. `base` None is the
    public registry; another base is keyed by its SQL."""
    newest = InformationItem.objects.aggregate(m=Max("pk"))["m"] or 0
    if newest < _setting("FACET_CACHE_MIN_ROWS"):
        return None
    # Every registry write bumps the public pages' version: counts start afresh with it.
    newest = (newest, pages_version("registry"))
    if base is None:
        sql, params = "public", ()
    else:
        sql, params = base.order_by().values("pk").query.sql_with_params()
    source = repr((sql, params, newest, filters.office))
    return "registry:counts:" + hashlib.sha256(source.encode()).hexdigest()


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
    return (
        InformationItem.objects.review_overdue()
        .filter(office_id__in=office_ids)
        .order_by("next_review")
    )


def public_exempt_entries(*, body: Body | None = None) -> QuerySet[ExemptEntry]:
    qs = ExemptEntry.objects.filter(is_active=True).select_related(
        "body", "office", "consequence_test"
    )
    return qs.filter(body=body) if body else qs
