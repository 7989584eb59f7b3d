"""package_search: the data bank's catalogue search, for the CKAN API and the catalogue page
(modules.md §1.5).

Filters, counts and facets are answered from an in-memory snapshot of every dataset's
facet values, held as bitsets: one Python int per value (organization, group, tag, format,
licence, region, frequency, year, status, private), bit i standing for the i-th dataset in
order of last modification. A filter is an AND/OR of ints, a count is int.bit_count(), a
facet is one AND and one count per value: microseconds each, at 100,000 datasets as at 100,
where the same in SQL is a GROUP BY over the many-to-many tables per facet (tens to
hundreds of milliseconds). The database answers what it is good at: the full-text match
(ppid.core.search's index over Dataset.search_text, keyed by Dataset.seq) and the rows of
the page.

The snapshot is rebuilt (about a second at 100,000 datasets) when something changed: a
save or a many-to-many change of a dataset, resource, tag, group, licence or body bumps a
token in the shared cache (so every process sees it), and, for writes that bypass signals
(queryset.update, bulk loads), a fingerprint of the tables (counts, newest seq and
modification time) is compared every FINGERPRINT_SECONDS.
"""

import datetime
import gc
import logging
import threading
import time
import uuid
from array import array
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Prefetch
from django.db.models.signals import m2m_changed, post_delete, post_save

from ppid.core.search import query_terms, tokens
from ppid.organizations.models import Body

from .ckan import fq as fqparser
from .ckan.errors import SearchQueryError, ValidationError
from .ckan.params import as_bool, as_int, as_list, as_str
from .models import DATASET_SEARCH, Dataset, Group, Licence, Resource, Tag

__all__ = ["SearchQueryError", "ValidationError", "package_search", "FACET_FIELDS"]

ROWS_DEFAULT = 10
ROWS_MAX = 1000  # CKAN's ckan.search.rows_max
FACET_LIMIT_DEFAULT = 50
DEFAULT_SORT = "score desc, metadata_modified desc"
# Relevance is computed for this many best full-text matches; beyond them (a common word in
# a large catalogue) the matches follow, newest first (ppid.core.search.ranked_ids).
RANK_WINDOW = 1000
FINGERPRINT_SECONDS = 5.0
TEXT_CACHE_SIZE = 256
# Pages reaching past this many rows keep their query's ordered result (PAGE_CACHE_SIZE
# queries per process, newest kept).
DEEP_PAGE = 2000
# Catalogues of this many datasets and more are rebuilt in the background (snapshot()).
SYNC_REBUILD_MAX = 20_000
# Words in at least this share of datasets are read into the text cache after each
# rebuild of a large catalogue, at most WARM_WORDS of them.
WARM_WORDS = 40
WARM_MIN_SHARE = 0.05
PAGE_CACHE_SIZE = 8
VERSION_KEY = "databank:search:token"

FACET_FIELDS = (
    "organization",
    "groups",
    "tags",
    "res_format",
    "license_id",
    "kode_wilayah",
    "frekuensi",
    "tahun",
)
# package_search's parameters (CKAN's default_package_search_schema); the Solr tuning ones
# are accepted and ignored. Any other key is refused, as CKAN does.
ACCEPTED = {
    "q",
    "fq",
    "fq_list",
    "sort",
    "rows",
    "start",
    "facet",
    "facet.mincount",
    "facet.limit",
    "facet.field",
    "facet.sort",
    "include_private",
    "include_drafts",
    "include_deleted",
    "use_default_schema",
    "extras",
    "qf",
    "wt",
    "bf",
    "boost",
    "tie",
    "defType",
    "mm",
    "df",
    "fl",
    "hl",
    "callback",
    "_",
}
SORT_KEYS = {
    "score": ("desc",),
    "metadata_modified": ("desc", "asc"),
    "metadata_created": ("desc", "asc"),
    "name": ("asc", "desc"),
    "title_string": ("asc", "desc"),
}
STATE_STATUSES = {
    "active": ("published",),
    "draft": ("draft", "submitted", "returned"),
    "deleted": ("withdrawn",),
}
# A result at most this large is walked dataset by dataset for its facets and sort; a
# larger one is counted with one AND per facet value.
SMALL_RESULT = 4000


# --- the snapshot -------------------------------------------------------------------------

_BITS_DESC = [tuple(b for b in range(7, -1, -1) if v >> b & 1) for v in range(256)]
_BITS_ASC = [tuple(reversed(bits)) for bits in _BITS_DESC]


_ZERO_ONE = bytes.maketrans(b"\x00\x01", b"01")


def _mask(ordinals, n: int) -> int:
    """The bitset of `ordinals` (each < n). The loop runs in C: one byte per ordinal is set
    through map(), then the bytes become the digits of a base-2 literal (linear time)."""
    flags = bytearray(n)
    deque(map(flags.__setitem__, ordinals, repeat(1)), maxlen=0)
    return int(flags.translate(_ZERO_ONE)[::-1] or b"0", 2)


@dataclass
class Snapshot:
    token: str
    fingerprint: tuple
    checked_at: float
    built_at: float = 0.0
    n: int = 0
    nbytes: int = 1
    seqs: list = field(default_factory=list)  # ordinal -> Dataset.seq
    ordinal_of_seq: dict = field(default_factory=dict)
    # modified_at and created_at in ascending order (of orders["metadata_modified"] and
    # orders["metadata_created"]), for ranges
    modified: list = field(default_factory=list)
    created: list = field(default_factory=list)
    # facet or filter field -> value -> bitset
    masks: dict = field(default_factory=dict)
    # single-valued fields: field -> list (ordinal -> value or None); multi-valued: tuples
    values: dict = field(default_factory=dict)
    # sort key -> list of ordinals in ascending order, and ordinal -> rank
    orders: dict = field(default_factory=dict)
    ranks: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)  # field -> value -> display name
    all: int = 0
    text_cache: OrderedDict = field(default_factory=OrderedDict)
    page_cache: OrderedDict = field(default_factory=OrderedDict)

    def mask(self, field_name: str, value: str) -> int:
        return self.masks.get(field_name, {}).get(value, 0)

    def ordinals_desc(self, mask: int):
        """The set bits of `mask`, highest first."""
        top = (mask.bit_length() + 7) >> 3
        data = mask.to_bytes(max(top, 1), "little")
        for i in range(top - 1, -1, -1):
            v = data[i]
            if v:
                base = i << 3
                for b in _BITS_DESC[v]:
                    yield base + b

    def ordinals_asc(self, mask: int):
        """The set bits of `mask`, lowest first."""
        if not mask:
            return
        low = ((mask & -mask).bit_length() - 1) >> 3
        data = (mask >> (low << 3)).to_bytes(((mask.bit_length() + 7) >> 3) - low, "little")
        for i, v in enumerate(data):
            if v:
                base = (i + low) << 3
                for b in _BITS_ASC[v]:
                    yield base + b


_lock = threading.Lock()
_text_lock = threading.Lock()
log = logging.getLogger(__name__)
_current: list[Snapshot | None] = [None]


def _fingerprint() -> tuple:
    """What changes when any dataset changes without a signal (queryset.update, bulk
    loads): the highest seq (a new dataset) and the latest modification per status and
    privacy (the services set modified_at on every change, resources included). Each is one
    seek in the (status, private, modified_at) index: well under a millisecond at 100,000
    datasets, where COUNT(*) and MAX over the table took 70 ms on SQLite."""
    d = Dataset._meta.db_table
    parts = [f"SELECT CAST(MAX(seq) AS TEXT) FROM {d}"]  # noqa: S608
    params: list = []
    for status in Dataset.Status.values:
        for private in (False, True):
            parts.append(
                f"SELECT CAST(MAX(modified_at) AS TEXT) FROM {d} "  # noqa: S608
                "WHERE status = %s AND private = %s"
            )
            params += [status, private]
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(f"SELECT * FROM ({p}) AS t{i}" for i, p in enumerate(parts)),  # noqa: S608
            params,
        )
        return tuple(str(row[0]) for row in cursor.fetchall())


def _token() -> str:
    token = cache.get(VERSION_KEY)
    if token is None:
        token = uuid.uuid4().hex
        cache.add(VERSION_KEY, token, None)
        token = cache.get(VERSION_KEY) or token
    return token


def invalidate(**kwargs) -> None:
    """Something the search shows changed: every process rebuilds its snapshot."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    if kwargs.get("sender") is not None and connection.in_atomic_block:
        # Another process may rebuild before this transaction commits: once more after.
        transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, None))


for _model in (Dataset, Resource, Tag, Group, Licence, Body):
    post_save.connect(invalidate, sender=_model, dispatch_uid=f"databank-search-{_model.__name__}")
    post_delete.connect(
        invalidate, sender=_model, dispatch_uid=f"databank-search-del-{_model.__name__}"
    )
for _through in (Dataset.tags.through, Dataset.groups.through):
    m2m_changed.connect(invalidate, sender=_through, dispatch_uid=f"databank-search-{_through}")


def snapshot() -> Snapshot:
    """The current snapshot. A stale one is rebuilt in the request when the catalogue is
    small; a large one (SYNC_REBUILD_MAX datasets and more, seconds to rebuild) keeps
    answering while a background thread rebuilds it: searches see a change within those
    seconds, as with a search engine's refresh interval."""
    token = _token()
    current = _current[0]
    now = time.monotonic()
    if current is not None and current.token == token:
        if now - current.checked_at < FINGERPRINT_SECONDS:
            return current
        if _fingerprint() == current.fingerprint:
            current.checked_at = now
            return current
    if current is not None and current.n >= SYNC_REBUILD_MAX:
        _start_background(token)
        return current
    with _lock:
        current = _current[0]
        if current is not None and current.token == token and current.built_at >= now:
            return current  # built by another thread while this one waited
        built = _publish(_build(token))
    if built.n >= SYNC_REBUILD_MAX:
        _start_background(None)  # only the warming of common words
    return built


def _publish(built: Snapshot) -> Snapshot:
    _current[0] = built
    # The snapshot is a few hundred thousand long-lived objects: out of the collector's
    # way, so that a full collection does not walk them in the middle of a request.
    gc.collect()
    gc.freeze()
    return built


_background: list[threading.Thread | None] = [None]


def _start_background(token: str | None) -> None:
    with _lock:
        running = _background[0]
        if running is not None and running.is_alive():
            return
        thread = threading.Thread(
            target=_background_work, args=(token,), name="databank-search", daemon=True
        )
        _background[0] = thread
        thread.start()


def _background_work(token: str | None) -> None:
    try:
        if token is not None:
            _publish(_build(token))
        snap = _current[0]
        if snap is not None:
            warm_common_words(snap)
    except Exception:  # a failed rebuild leaves the previous snapshot in place
        log.exception("databank search snapshot rebuild failed")
    finally:
        connection.close()


def wait_for_background(timeout: float = 120.0) -> None:
    """Block until a background rebuild or warming has finished (benchmarks, tests)."""
    thread = _background[0]
    if thread is not None:
        thread.join(timeout)


def warm_common_words(snap: Snapshot, limit: int = WARM_WORDS) -> int:
    """Fill the snapshot's text cache with the most common indexed words (PostgreSQL's
    element statistics of the vector column, refreshed by ANALYZE; SQLite's fts5vocab of
    the index): the costly ones, whose matches are a large share of the table and take
    0.05-0.5 s to read."""
    if not snap.n:
        return 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs "
                "FROM pg_stats WHERE tablename = %s AND attname = %s",
                [Dataset._meta.db_table, f"{DATASET_SEARCH.name}_vec"],
            )
            row = cursor.fetchone()
            pairs = list(zip(row[0], row[1] or [], strict=False)) if row and row[0] else []
        else:
            # SQLite: the index's own vocabulary, with each term's document count.
            vocab = f"{DATASET_SEARCH.name}_vocab"
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{vocab} "
                f"USING fts5vocab(main, '{DATASET_SEARCH.name}', 'row')"
            )
            cursor.execute(
                f"SELECT term, doc FROM temp.{vocab} WHERE doc >= %s "  # noqa: S608
                "ORDER BY doc DESC LIMIT %s",
                [int(snap.n * WARM_MIN_SHARE), limit],
            )
            pairs = [(term, doc / snap.n) for term, doc in cursor.fetchall()]
    pairs.sort(key=lambda p: -p[1])
    words = [w for w, share in pairs if share >= WARM_MIN_SHARE][:limit]
    for word in words:
        if connection.vendor == "postgresql":
            _text_bits(snap, DATASET_SEARCH._tsquery_expression([word]))
        else:
            _text_bits(snap, DATASET_SEARCH._fts5_expression([word]))
    return len(words)


def _build(token: str) -> Snapshot:
    """Read the catalogue into a new snapshot. Rows are streamed and every repeated value
    is shared (one string per agency, status, year...), orders and ranks are arrays of
    machine integers and moments are floats: about 100 MB at 100,000 datasets."""
    fingerprint = _fingerprint()
    d = Dataset._meta.db_table
    now = time.monotonic()
    snap = Snapshot(token=token, fingerprint=fingerprint, checked_at=now, built_at=now)
    org_ids: dict = {}
    columns = ("organization", "owner_org", "license_id", "kode_wilayah", "frekuensi",
               "tahun", "status", "capacity")  # fmt: skip
    single: dict[str, list] = {name: [] for name in columns}
    pools: dict[str, dict] = {name: {} for name in columns}
    seqs, names, titles, modified, created = array("q"), [], [], array("d"), array("d")
    rows = (
        Dataset.objects.order_by("seq")
        .values_list(
            "seq", "name", "title", "organization_id", "licence_id", "kode_wilayah",
            "frekuensi", "tahun_data", "status", "private", "modified_at", "created_at",
        )
        .iterator(chunk_size=5000)
    )  # fmt: skip
    for seq, name, title, org, licence, region, frequency, year, status, private, mod, cre in rows:
        seqs.append(seq)
        names.append(name)
        titles.append(title)
        modified.append(mod.timestamp())
        created.append(cre.timestamp())
        org_ids[org] = None
        for column, value in (
            ("organization", org),
            ("owner_org", org),
            ("license_id", licence),
            ("kode_wilayah", region or None),
            ("frekuensi", frequency or None),
            ("tahun", year),
            ("status", status),
            ("capacity", "private" if private else "public"),
        ):
            single[column].append(pools[column].setdefault(value, value))
    n = len(seqs)
    snap.n, snap.nbytes = n, max(1, (n + 7) // 8)
    snap.seqs = seqs
    snap.ordinal_of_seq = {seq: i for i, seq in enumerate(seqs)}
    orgs = dict.fromkeys(org_ids, ("", ""))
    orgs.update(
        (pk, (slug, title))
        for pk, slug, title in Body.objects.filter(pk__in=list(org_ids)).values_list(
            "pk", "slug", "name"
        )
    )
    # Facet values as CKAN shows them: agencies by slug, owner_org and years as strings.
    as_text = {
        "organization": {pk: slug for pk, (slug, _t) in orgs.items()},
        "owner_org": {pk: str(pk) for pk in orgs},
        "tahun": {year: str(year) for year in pools["tahun"] if year is not None},
    }
    for column, mapping in as_text.items():
        single[column] = [mapping.get(v) if v is not None else None for v in single[column]]
    multi: dict[str, list] = {"groups": [()] * n, "tags": [()] * n, "res_format": [()] * n}
    tag_through, group_through = Dataset.tags.through, Dataset.groups.through
    queries = {
        "tags": (
            f"SELECT d.seq, t.name FROM {tag_through._meta.db_table} x "  # noqa: S608
            f"JOIN {d} d ON d.id = x.dataset_id JOIN {Tag._meta.db_table} t ON t.id = x.tag_id"
        ),
        "groups": (
            f"SELECT d.seq, g.name FROM {group_through._meta.db_table} x "  # noqa: S608
            f"JOIN {d} d ON d.id = x.dataset_id "
            f"JOIN {Group._meta.db_table} g ON g.id = x.group_id"
        ),
        "res_format": (
            f"SELECT DISTINCT d.seq, UPPER(r.format) FROM {Resource._meta.db_table} r "  # noqa: S608
            f"JOIN {d} d ON d.id = r.dataset_id WHERE r.state = 'active' AND r.format <> ''"
        ),
    }
    ordinal = snap.ordinal_of_seq
    with connection.cursor() as cursor:
        for name, sql in queries.items():
            cursor.execute(sql)
            pool: dict = {}
            per: dict[int, list] = {}
            for seq, value in cursor.fetchall():
                o = ordinal.get(seq)
                if o is not None:
                    per.setdefault(o, []).append(pool.setdefault(value, value))
            column = multi[name]
            tuples: dict = {}
            for o, values in per.items():
                key = tuple(sorted(values))
                column[o] = tuples.setdefault(key, key)
    snap.values = {**single, **multi}
    for name, column in single.items():
        buckets: dict[str, list[int]] = {}
        for o, value in enumerate(column):
            if value is not None:
                buckets.setdefault(value, []).append(o)
        snap.masks[name] = {value: _mask(ords, n) for value, ords in buckets.items()}
    for name, column in multi.items():
        buckets = {}
        for o, values in enumerate(column):
            for value in values:
                buckets.setdefault(value, []).append(o)
        snap.masks[name] = {value: _mask(ords, n) for value, ords in buckets.items()}
    snap.all = (1 << n) - 1
    # Ordinals follow seq (the full-text index's key, so that its matches are looked up in
    # order: five times faster than in random order); each sort has its own order.
    folded = [t.casefold() for t in titles]
    snap.orders = {
        "metadata_modified": array("l", sorted(range(n), key=modified.__getitem__)),
        "metadata_created": array("l", sorted(range(n), key=created.__getitem__)),
        "name": array("l", sorted(range(n), key=names.__getitem__)),
        "title_string": array("l", sorted(range(n), key=lambda o: (folded[o], names[o]))),
    }
    snap.modified = array("d", (modified[o] for o in snap.orders["metadata_modified"]))
    snap.created = array("d", (created[o] for o in snap.orders["metadata_created"]))
    snap.ranks = {}
    for key, order in snap.orders.items():
        rank = array("l", [0]) * n
        for position, o in enumerate(order):
            rank[o] = position
        snap.ranks[key] = rank
    snap.labels = {
        "organization": {slug: title for slug, title in orgs.values() if slug},
        "groups": dict(Group.objects.values_list("name", "title")),
        "license_id": dict(Licence.objects.values_list("id", "title")),
    }
    return snap


# --- parameters ---------------------------------------------------------------------------


@dataclass
class Query:
    terms: list[str]
    raw_words: list[str]
    clauses: list
    sort_key: str
    sort_dir: str
    sort: str
    rows: int
    start: int
    facet_fields: list[str]
    facet_limit: int
    facet_mincount: int
    include_private: bool
    include_drafts: bool
    include_deleted: bool


def parse_params(params: dict) -> Query:
    invalid = sorted(
        key for key in params if key not in ACCEPTED and not str(key).startswith("ext_")
    )
    if invalid:
        raise SearchQueryError(f"Invalid search parameters: {invalid}")
    q = as_str(params, "q").strip()
    clauses: list = []
    text_parts: list[str] = []
    if q and q != "*:*":
        # Field clauses in q (organization:dinas-a) filter like fq; the rest is text.
        for part in _split_q(q):
            head = part.lstrip("+-").split(":", 1)[0]
            if ":" in part and head in fqparser.FIELDS:
                clauses.extend(fqparser.parse(part))
            elif part not in ("AND", "OR", "*:*"):
                text_parts.append(part)
    for fq in [params.get("fq")] + _fq_list(params):
        if isinstance(fq, list):
            for item in fq:
                clauses.extend(fqparser.parse(str(item)))
        elif fq:
            clauses.extend(fqparser.parse(str(fq)))
    text = " ".join(text_parts)
    sort = as_str(params, "sort") or DEFAULT_SORT
    sort_key, sort_dir = _parse_sort(sort)
    facet_on = as_bool(params, "facet", True)
    facet_fields = _facet_fields(params) if facet_on else []
    return Query(
        terms=query_terms(text),
        raw_words=tokens(text)[:8],
        clauses=clauses,
        sort_key=sort_key,
        sort_dir=sort_dir,
        sort=sort,
        rows=as_int(params, "rows", ROWS_DEFAULT, maximum=ROWS_MAX),
        start=as_int(params, "start", 0),
        facet_fields=facet_fields,
        facet_limit=as_int(params, "facet.limit", FACET_LIMIT_DEFAULT, minimum=-1),
        facet_mincount=as_int(params, "facet.mincount", 1),
        include_private=as_bool(params, "include_private"),
        include_drafts=as_bool(params, "include_drafts"),
        include_deleted=as_bool(params, "include_deleted"),
    )


def _fq_list(params: dict) -> list:
    value = params.get("fq_list")
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    return as_list(params, "fq_list") if str(value).strip().startswith("[") else [value]


def _split_q(q: str) -> list[str]:
    """q in words, keeping quoted strings, parentheses and ranges of field clauses whole."""
    parts, current, depth, quoted = [], [], 0, False
    for char in q:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "([{":
            depth += 1
        elif not quoted and char in ")]}":
            depth = max(0, depth - 1)
        if char.isspace() and not quoted and depth == 0:
            if current:
                parts.append("".join(current))
                current = []
        else:
            current.append(char)
    if current:
        parts.append("".join(current))
    return parts


def _parse_sort(sort: str) -> tuple[str, str]:
    first = None
    for part in sort.split(","):
        words = part.split()
        if not words:
            continue
        key = words[0]
        direction = words[1].lower() if len(words) > 1 else "asc"
        if len(words) > 2 or key not in SORT_KEYS or direction not in SORT_KEYS[key]:
            raise SearchQueryError(
                f"cannot sort by {part.strip()!r}; use one of score desc, "
                "metadata_modified desc|asc, metadata_created desc|asc, name asc|desc, "
                "title_string asc|desc"
            )
        if first is None:
            first = (key, direction)
    return first or ("score", "desc")


def _facet_fields(params: dict) -> list[str]:
    fields = as_list(params, "facet.field")
    unknown = [f for f in fields if f not in FACET_FIELDS]
    if unknown:
        raise SearchQueryError(f"cannot facet on {unknown}; facet fields are {list(FACET_FIELDS)}")
    return list(dict.fromkeys(fields))


# --- the search ---------------------------------------------------------------------------


def _visible_mask(snap: Snapshot, user) -> int:
    public = snap.mask("status", "published") & snap.mask("capacity", "public")
    if user is None or not user.is_authenticated:
        return public
    from .access import datasets_visible_to

    extra = (
        datasets_visible_to(user=user)
        .exclude(status=Dataset.Status.PUBLISHED, private=False)
        .values_list("seq", flat=True)
    )
    ordinal = snap.ordinal_of_seq
    return public | _mask(
        (ordinal[s] for s in extra.iterator(chunk_size=5000) if s in ordinal), snap.n
    )


def _clause_mask(snap: Snapshot, clause) -> int:
    name = clause.field
    if name == "*":
        mask = snap.all
    elif clause.range is not None:
        mask = _range_mask(snap, clause)
    elif name in ("dataset_type", "type"):
        mask = snap.all if "dataset" in clause.values else 0
    elif name == "state":
        mask = 0
        for value in clause.values:
            for status in STATE_STATUSES.get(value, ()):
                mask |= snap.mask("status", status)
    elif name in ("name", "id"):
        mask = _lookup_mask(snap, name, clause.values)
    elif name == "res_format":
        mask = 0
        for value in clause.values:
            mask |= snap.mask("res_format", value.upper())
    else:
        mask = 0
        for value in clause.values:
            mask |= snap.mask(name, value)
    return (snap.all & ~mask) if clause.negated else mask


def _lookup_mask(snap: Snapshot, name: str, values) -> int:
    if name == "id":
        ids = []
        for value in values:
            try:
                ids.append(uuid.UUID(value))
            except ValueError:
                continue
        seqs = Dataset.objects.filter(pk__in=ids).values_list("seq", flat=True) if ids else []
    else:
        seqs = Dataset.objects.filter(name__in=list(values)).values_list("seq", flat=True)
    ordinal = snap.ordinal_of_seq
    return _mask((ordinal[s] for s in seqs if s in ordinal), snap.n)


def _range_mask(snap: Snapshot, clause) -> int:
    low, high, low_inc, high_inc = clause.range
    if clause.field == "tahun":
        mask = 0
        for value, bits in snap.masks.get("tahun", {}).items():
            year = int(value)
            if low is not None and (year < low or (year == low and not low_inc)):
                continue
            if high is not None and (year > high or (year == high and not high_inc)):
                continue
            mask |= bits
        return mask
    if clause.field == "metadata_modified":
        column, order = snap.modified, snap.orders["metadata_modified"]
    else:
        column, order = snap.created, snap.orders["metadata_created"]
    # The moments are sorted: the range is one slice of the order, found by bisection.
    low = low.timestamp() if low is not None else None
    high = high.timestamp() if high is not None else None
    lo = _bisect(column, lambda m: not (low is None or m > low or (m == low and low_inc)))
    hi = _bisect(column, lambda m: high is None or m < high or (m == high and high_inc))
    return _mask(order[lo:hi], snap.n) if hi > lo else 0


def _bisect(column: list, before) -> int:
    """The first index whose value is not `before` (column sorted so that `before` holds
    for a prefix)."""
    lo, hi = 0, len(column)
    while lo < hi:
        mid = (lo + hi) // 2
        if before(column[mid]):
            lo = mid + 1
        else:
            hi = mid
    return lo


def _text_seqs(expression: str) -> list[int]:
    table, index = Dataset._meta.db_table, DATASET_SEARCH.name
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT rowid FROM {index} WHERE {index} MATCH %s", [expression])  # noqa: S608
        else:
            cursor.execute(
                f"SELECT seq FROM {table} WHERE {index}_vec @@ "  # noqa: S608
                "to_tsquery('pg_catalog.simple', %s)",
                [expression],
            )
        return list(map(itemgetter(0), cursor.fetchall()))


def _text_bits(snap: Snapshot, expression: str) -> int:
    """The bitset of the datasets matching a full-text expression, kept with the snapshot
    for the TEXT_CACHE_SIZE most recent expressions (a common word matches most of the
    catalogue: reading its keys and setting their bits costs tens of milliseconds)."""
    cache_ = snap.text_cache
    with _text_lock:
        bits = cache_.get(expression)
        if bits is not None:
            cache_.move_to_end(expression)
            return bits
    seqs = _text_seqs(expression)
    # A key unknown to the snapshot maps to bit n, cut off by the final AND.
    n = snap.n
    bits = _mask(map(snap.ordinal_of_seq.get, seqs, repeat(n)), n + 1) & snap.all
    with _text_lock:
        cache_[expression] = bits
        while len(cache_) > TEXT_CACHE_SIZE:
            cache_.popitem(last=False)
    return bits


def _text_mask(snap: Snapshot, query: Query) -> tuple[int, bool]:
    """The bitset of datasets matching the words, and whether they matched whole words
    (then relevance ranks them); else the words as prefixes ("penduduk" finds "pendudukan",
    "kesehat" finds "kesehatan": users expect partial words to match, ckan/ckan#7413)."""
    if query.terms:
        if connection.vendor == "sqlite":
            expression = DATASET_SEARCH._fts5_expression(query.terms)
        else:
            expression = DATASET_SEARCH._tsquery_expression(query.terms)
        bits = _text_bits(snap, expression)
        if bits:
            return bits, True
    words = [w for w in query.raw_words if len(w) >= 3] or query.raw_words
    words = [w.replace('"', "").replace("'", "").replace("\\", "") for w in words]
    words = [w for w in words if w]
    if not words:
        return 0, False
    if connection.vendor == "sqlite":
        expression = " ".join(f'"{w}"*' for w in words)
    else:
        expression = " & ".join(f"{w}:*" for w in words)
    return _text_bits(snap, expression), False


def _base_mask(snap: Snapshot, query: Query, user) -> int:
    visible = _visible_mask(snap, user)
    if any(c.field == "state" for c in query.clauses):
        base = visible
    else:
        statuses = ["published"]
        if query.include_drafts:
            statuses += list(STATE_STATUSES["draft"])
        if query.include_deleted:
            statuses += list(STATE_STATUSES["deleted"])
        wanted = 0
        for status in statuses:
            wanted |= snap.mask("status", status)
        base = visible & wanted
    if not query.include_private:
        base &= snap.mask("capacity", "public")
    for clause in query.clauses:
        base &= _clause_mask(snap, clause)
    return base


def _facets(snap: Snapshot, result: int, count: int, query: Query) -> dict[str, dict]:
    facets: dict[str, dict] = {}
    small = count <= SMALL_RESULT
    ordinals = list(snap.ordinals_desc(result)) if small and query.facet_fields else []
    for name in query.facet_fields:
        counts: dict[str, int] = {}
        if small:
            column = snap.values[name]
            if name in ("groups", "tags", "res_format"):
                for o in ordinals:
                    for value in column[o]:
                        counts[value] = counts.get(value, 0) + 1
            else:
                for o in ordinals:
                    value = column[o]
                    if value is not None:
                        counts[value] = counts.get(value, 0) + 1
        else:
            for value, bits in snap.masks.get(name, {}).items():
                c = (bits & result).bit_count()
                if c:
                    counts[value] = c
        items = [(v, c) for v, c in counts.items() if c >= query.facet_mincount]
        items.sort(key=lambda item: (-item[1], item[0]))
        if query.facet_limit >= 0:
            items = items[: query.facet_limit]
        facets[name] = dict(items)
    return facets


def _ordered(snap: Snapshot, result: int, count: int, key: str, direction: str, skip: int,
             rows: int) -> list[int]:  # fmt: skip
    """`rows` ordinals of `result` after the first `skip`, in the order of a sort key: a
    walk along the key's order testing bits when the result is dense enough to meet the
    page soon, else a sort of the result's ordinals by their rank."""
    want = skip + rows
    if rows <= 0 or skip >= count:
        return []
    order = snap.orders[key]
    if want > DEEP_PAGE:
        # Deep pages (a harvester paging through everything): the whole ordered result is
        # kept for the next page of the same query.
        cache_key = (result, key, direction)
        ordinals = snap.page_cache.get(cache_key)
        if ordinals is None:
            bits = result.to_bytes(snap.nbytes, "little")
            walk = reversed(order) if direction == "desc" else order
            ordinals = [o for o in walk if bits[o >> 3] >> (o & 7) & 1]
            snap.page_cache[cache_key] = ordinals
            if len(snap.page_cache) > PAGE_CACHE_SIZE:
                snap.page_cache.popitem(last=False)
        else:
            snap.page_cache.move_to_end(cache_key)
        return ordinals[skip:want]
    if want * snap.n <= 2 * count * count:
        bits = result.to_bytes(snap.nbytes, "little")
        out = []
        for o in reversed(order) if direction == "desc" else order:
            if bits[o >> 3] >> (o & 7) & 1:
                out.append(o)
                if len(out) >= want:
                    break
        return out[skip:want]
    rank = snap.ranks[key]
    ordinals = sorted(snap.ordinals_asc(result), key=rank.__getitem__, reverse=direction == "desc")
    return ordinals[skip:want]


def _page(snap: Snapshot, result: int, count: int, query: Query, ranked: list[int]) -> list[int]:
    """The ordinals of the requested page, in the requested order."""
    start, rows = query.start, query.rows
    want = start + rows
    if rows == 0 or start >= count:
        return []
    key, direction = query.sort_key, query.sort_dir
    if key == "score":
        if ranked:
            bits = result.to_bytes(snap.nbytes, "little")
            head = [o for o in ranked if bits[o >> 3] >> (o & 7) & 1]
            if len(head) >= want:
                return head[start:want]
            # After the ranked matches, the others, newest first.
            rest = result & ~_mask(head, snap.n)
            page = head[start:]
            return page + _ordered(
                snap, rest, count - len(head), "metadata_modified", "desc",
                max(0, start - len(head)), rows - len(page),
            )  # fmt: skip
        key, direction = "metadata_modified", "desc"
    return _ordered(snap, result, count, key, direction, start, rows)


def _ranked_ordinals(snap: Snapshot, query: Query) -> list[int]:
    ids = DATASET_SEARCH.ranked_ids(query.terms, limit=RANK_WINDOW, window=RANK_WINDOW)
    ordinal = snap.ordinal_of_seq
    return [ordinal[s] for s in ids if s in ordinal]


@dataclass
class SearchResult:
    count: int
    datasets: list  # Dataset objects of the page, in order
    facets: dict
    sort: str


def search_datasets(*, user, params: dict) -> SearchResult:
    """package_search without the dicts: the page's Dataset objects (with organization,
    licence, groups, tags and active resources loaded), the count and the facets."""
    query = parse_params(params)
    snap = snapshot()
    result = _base_mask(snap, query, user)
    ranked: list[int] = []
    if query.terms or query.raw_words:
        text, whole_words = _text_mask(snap, query)
        result &= text
        if whole_words and query.sort_key == "score" and result:
            ranked = _ranked_ordinals(snap, query)
    count = result.bit_count()
    facets = _facets(snap, result, count, query) if query.facet_fields else {}
    ordinals = _page(snap, result, count, query, ranked)
    seqs = [snap.seqs[o] for o in ordinals]
    return SearchResult(count=count, datasets=datasets_by_seq(seqs), facets=facets, sort=query.sort)


def dataset_queryset():
    """Datasets with everything a package dict shows, in few queries."""
    return Dataset.objects.select_related("organization", "licence").prefetch_related(
        "groups",
        "tags",
        "indicators",
        Prefetch(
            "resources",
            queryset=Resource.objects.filter(state=Resource.State.ACTIVE).order_by(
                "position", "created_at"
            ),
        ),
    )


def datasets_by_seq(seqs: list[int]) -> list:
    if not seqs:
        return []
    found = {d.seq: d for d in dataset_queryset().filter(seq__in=seqs)}
    return [found[s] for s in seqs if s in found]


def package_search(*, user, params: dict, base_url: str | None = None) -> dict:
    """CKAN's package_search result: count, results (package dicts), facets, search_facets
    and sort. Raises SearchQueryError (bad fq, sort, facet field or an unknown parameter)
    or ValidationError (a bad rows, start or flag)."""
    from .ckan.dicts import package_dict

    found = search_datasets(user=user, params=params)
    snap = _current[0]
    labels = snap.labels if snap is not None else {}
    return {
        "count": found.count,
        "sort": found.sort,
        "results": [package_dict(d, base_url=base_url) for d in found.datasets],
        "facets": found.facets,
        "search_facets": search_facets(found.facets, labels),
    }


def search_facets(facets: dict, labels: dict) -> dict:
    out = {}
    for name, counts in facets.items():
        names = labels.get(name, {})
        items = [
            {"name": value, "display_name": names.get(value, value), "count": count}
            for value, count in counts.items()
        ]
        items.sort(key=lambda item: item["display_name"], reverse=True)
        out[name] = {"title": name, "items": items}
    return out


def public_counts(field_name: str) -> dict[str, int]:
    """Active public datasets per value of a facet field (organization: by agency slug,
    groups, tags...), from the snapshot: one AND and one count per value."""
    snap = snapshot()
    public = snap.mask("status", "published") & snap.mask("capacity", "public")
    return {
        value: (bits & public).bit_count() for value, bits in snap.masks.get(field_name, {}).items()
    }


def modified_since(moment: datetime.datetime) -> str:
    """fq clause for datasets modified at or after `moment` (DCAT catalogue, harvesters)."""
    return f"metadata_modified:[{moment.astimezone(datetime.UTC).isoformat()} TO *]"
