"""The search layer: Indonesian stemming on both engines, and no input can break it."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ppid.core.search import query_terms, stem_text
from ppid.registry.models import ITEM_SEARCH, InformationItem
from ppid.registry.queries import ItemFilters, public_items, search_items
from tests.factories import ItemFactory

HOSTILE_QUERIES = [
    '"',
    '""',
    "*",
    "anggaran*",
    "AND",
    "OR NOT",
    "NEAR(",
    "NEAR(a b, 3)",
    "laporan AND NEAR(",
    "'; DROP TABLE registry_informationitem; --",
    "1' OR '1'='1",
    "🙂📄",
    "\x00laporan",
    "   ",
    "\t\n",
    "a" * 5000,
    " ".join(["laporan"] * 1000),
    "kata " * 1000,
    "(((())))",
    "col:value",
    "^laporan",
    "-laporan",
    "& | ! <->",
    "\\",
]


def test_it_stems_indonesian_words_the_same_at_index_and_query_time():
    assert query_terms("pengumuman") == query_terms("diumumkan")
    assert query_terms("anggaran") == query_terms("penganggaran")
    assert stem_text("Penganggaran Daerah") == " ".join(query_terms("anggaran daerah"))


def test_it_caps_the_number_of_terms(settings):
    assert len(query_terms(" ".join(f"kata{i}" for i in range(100)))) == settings.SEARCH_MAX_TERMS


def test_it_strips_control_characters():
    assert query_terms("\x00lapor\x07an") == query_terms("lapor an")


@pytest.mark.django_db
def test_pengumuman_finds_diumumkan():
    item = ItemFactory(title="Hasil seleksi yang diumumkan", summary="Daftar peserta")
    ItemFactory(title="Rencana kerja", summary="Program tahunan")
    result = search_items(ItemFilters(q="pengumuman"))
    assert list(result.items) == [item]


@pytest.mark.django_db
def test_anggaran_finds_penganggaran():
    item = ItemFactory(title="Dokumen penganggaran daerah", summary="APBD")
    result = search_items(ItemFilters(q="anggaran"))
    assert list(result.items) == [item]


@pytest.mark.django_db
def test_two_terms_must_both_match():
    both = ItemFactory(title="Laporan keuangan dinas kesehatan")
    ItemFactory(title="Laporan keuangan dinas pendidikan")
    result = search_items(ItemFilters(q="keuangan kesehatan"))
    assert list(result.items) == [both]


@pytest.mark.django_db
def test_drafts_are_never_found():
    ItemFactory(
        title="Draf rahasia anggaran", status=InformationItem.Status.DRAFT, published_at=None
    )
    assert search_items(ItemFilters(q="anggaran")).items.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_any_query_text_returns_results_or_none(query):
    ItemFactory(title="Laporan kata anggaran")
    result = search_items(ItemFilters(q=query))
    assert len(list(result.items)) <= 1
    assert isinstance(result.facets, dict)


@pytest.mark.django_db
def test_rank_puts_the_closer_match_first():
    ItemFactory(title="Profil dinas", summary="Sekilas tentang kemiskinan di daerah")
    best = ItemFactory(
        title="Data kemiskinan", summary="Angka kemiskinan per kabupaten, kemiskinan ekstrem"
    )
    result = search_items(ItemFilters(q="kemiskinan"))
    assert list(result.items)[0] == best


@pytest.mark.django_db
def test_rebuild_restores_the_index_after_a_bulk_load():
    ItemFactory(title="Statistik jalan provinsi")
    ITEM_SEARCH.rebuild()
    assert search_items(ItemFilters(q="jalan")).items.count() == 1


# --- bounded ranking at scale (docs/benchmarks.md) ------------------------------------------


def test_the_ascii_fast_path_tokenises_exactly_like_the_unicode_path():
    from ppid.core import search

    text = "Laporan\x00Keuangan  DAERAH-2026 a_b x\x7fy " + "k" * 60
    slow = search._WORD.findall(
        __import__("unicodedata").normalize("NFKC", search._CONTROL.sub(" ", text)).lower()
    )
    assert search.tokens(text) == [w[:40] for w in slow]
    assert search.tokens("Pengumuman résumé") == ["pengumuman", "résumé"]


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=120))
def test_any_ascii_text_tokenises_like_the_unicode_path(text):
    import unicodedata

    from ppid.core import search

    slow = search._WORD.findall(
        unicodedata.normalize("NFKC", search._CONTROL.sub(" ", text)).lower()
    )
    assert search.tokens(text) == [w[:40] for w in slow]


def test_stem_text_is_the_stem_of_each_word_however_often_it_is_asked():
    from ppid.core import search

    text = "Pengumuman anggaran diumumkan, PENGANGGARAN 2026"
    expected = "umum anggar umum anggar 2026"
    assert search.stem_text(text) == expected
    assert search.stem_text(text) == expected  # from the cache
    search._STEMS.clear()
    assert search.stem_text(text) == expected


@pytest.mark.django_db
def test_ranked_ids_put_the_best_match_first_and_respect_the_limit():
    weak = ItemFactory(title="Profil dinas", summary="Sekilas kemiskinan")
    best = ItemFactory(title="Data kemiskinan", summary="Angka kemiskinan, kemiskinan ekstrem")
    ItemFactory(title="Rencana kerja", summary="Program tahunan")
    assert ITEM_SEARCH.ranked_ids(["miskin"], limit=10) == [best.pk, weak.pk]
    assert ITEM_SEARCH.ranked_ids(["miskin"], limit=1) == [best.pk]
    assert ITEM_SEARCH.ranked_ids([], limit=10) == []


@pytest.mark.django_db
def test_a_rank_window_ranks_only_the_newest_matches():
    old_best = ItemFactory(title="Data kemiskinan", summary="kemiskinan kemiskinan kemiskinan")
    newer = [ItemFactory(title=f"Catatan {i}", summary="Sekilas kemiskinan") for i in range(3)]
    ranked = ITEM_SEARCH.ranked_ids(["miskin"], limit=10, window=3)
    # Four matches, more than the window: the newest three, newest first, unranked.
    assert old_best.pk not in ranked
    assert ranked == [i.pk for i in reversed(newer)]


@pytest.mark.django_db
def test_a_query_within_the_window_is_ranked():
    weak = ItemFactory(title="Profil dinas", summary="Sekilas kemiskinan")
    best = ItemFactory(title="Data kemiskinan", summary="Angka kemiskinan, kemiskinan ekstrem")
    ItemFactory(title="Catatan", summary="Sekilas kemiskinan")
    assert ITEM_SEARCH.ranked_ids(["miskin"], limit=10, window=3)[0] == best.pk
    assert weak.pk in ITEM_SEARCH.ranked_ids(["miskin"], limit=10, window=3)


@pytest.mark.django_db
def test_a_common_term_ranks_a_bounded_candidate_set_and_says_so(settings):
    settings.SEARCH_MAX_CANDIDATES = 3
    for i in range(5):
        ItemFactory(title=f"Laporan anggaran {i}")
    result = search_items(ItemFilters(q="anggaran"))
    assert result.total == 3
    assert result.total_is_lower_bound
    assert result.items.count() == 3
    assert len(list(result.items)) == 3


@pytest.mark.django_db
def test_a_narrow_filter_finds_its_own_matches_beyond_the_candidate_cap(
    settings, office_a, office_b
):
    """A common term in one body: the body's older matches are not among the newest
    candidates of the whole registry, but the filtered search still lists them all."""
    settings.SEARCH_MAX_CANDIDATES = 3
    settings.SEARCH_RANK_WINDOW = 3
    own = [ItemFactory(office=office_a, title=f"Laporan anggaran A{i}") for i in range(2)]
    for i in range(5):
        ItemFactory(office=office_b, title=f"Laporan anggaran B{i}")
    result = search_items(ItemFilters(q="anggaran", body=office_a.body.slug))
    assert set(result.items) == set(own)
    assert result.total == 2
    assert not result.total_is_lower_bound


@pytest.mark.django_db
def test_a_scoped_search_finds_its_own_matches_beyond_the_candidate_cap(
    settings, office_a, office_b
):
    settings.SEARCH_MAX_CANDIDATES = 3
    settings.SEARCH_RANK_WINDOW = 3
    own = ItemFactory(office=office_a, title="Laporan anggaran A")
    for i in range(5):
        ItemFactory(office=office_b, title=f"Laporan anggaran B{i}")
    base = public_items().filter(office=office_a)
    assert list(search_items(ItemFilters(q="anggaran"), base=base).items) == [own]


@pytest.mark.django_db
def test_a_rare_term_has_an_exact_total():
    ItemFactory(title="Laporan anggaran")
    ItemFactory(title="Laporan jembatan")
    result = search_items(ItemFilters(q="jembatan"))
    assert result.total == 1
    assert not result.total_is_lower_bound


@pytest.mark.django_db
def test_search_facets_count_each_facet_with_the_other_filters_applied(office_a, office_b):
    ItemFactory(office=office_a, title="Anggaran jalan", year=2025, category="berkala")
    ItemFactory(office=office_a, title="Anggaran sekolah", year=2026, category="berkala")
    ItemFactory(
        office=office_b,
        title="Anggaran pasar",
        year=2026,
        category="setiap_saat",
        form_hardcopy=True,
    )
    result = search_items(ItemFilters(q="anggaran", year=2026))
    facets = {
        name: {f["value"]: f["count"] for f in values} for name, values in result.facets.items()
    }
    # The year facet ignores the year filter; the others apply it.
    assert facets["year"] == {2025: 1, 2026: 2}
    assert facets["category"] == {"berkala": 1, "setiap_saat": 1}
    assert facets["form"] == {"softcopy": 2, "hardcopy": 1}
    assert sum(facets["body"].values()) == 2
    assert result.total == 2


@pytest.mark.django_db
def test_search_and_browse_facets_agree(office_a, office_b):
    ItemFactory(office=office_a, title="Anggaran jalan", year=2025)
    ItemFactory(office=office_b, title="Anggaran sekolah", year=2026, form_hardcopy=True)
    searched = search_items(ItemFilters(q="anggaran", form="hardcopy")).facets
    browsed = search_items(ItemFilters(form="hardcopy")).facets
    assert searched == browsed


@pytest.mark.django_db
def test_a_search_sorted_by_newest_keeps_every_match():
    first = ItemFactory(title="Anggaran lama")
    second = ItemFactory(title="Anggaran baru")
    result = search_items(ItemFilters(q="anggaran", sort="newest"))
    assert list(result.items) == [second, first]


@pytest.mark.django_db
def test_the_paginator_does_not_count_again(django_assert_num_queries):
    from django.core.paginator import Paginator

    ItemFactory(title="Anggaran jalan")
    result = search_items(ItemFilters(q="anggaran"), facets=False)
    with django_assert_num_queries(1):  # the page itself, no COUNT
        page = Paginator(result.items, 20).page(1)
        assert page.paginator.count == 1
        assert len(list(page.object_list)) == 1


@pytest.mark.django_db
def test_browse_pages_stop_at_the_row_cap_but_the_total_is_exact(settings):
    settings.SEARCH_MAX_ROWS = 2
    for _ in range(3):
        ItemFactory()
    result = search_items(ItemFilters())
    assert result.total == 3
    assert result.items.count() == 2


@pytest.mark.django_db
def test_a_big_registry_caches_its_counts_until_a_new_item_arrives(settings):
    from django.core.cache import cache

    cache.clear()
    settings.FACET_CACHE_MIN_ROWS = 0
    ItemFactory()
    assert search_items(ItemFilters()).total == 1
    InformationItem.objects.update(category="berkala")  # not seen: cached for a minute
    assert search_items(ItemFilters()).facets["category"][0]["value"] == "setiap_saat"
    ItemFactory()  # a new newest item starts afresh
    assert search_items(ItemFilters()).total == 2
    cache.clear()


@pytest.mark.django_db
def test_a_small_registry_is_counted_on_every_request():
    ItemFactory()
    assert search_items(ItemFilters()).total == 1
    InformationItem.objects.update(status=InformationItem.Status.DRAFT)
    assert search_items(ItemFilters()).total == 0


@pytest.mark.django_db
def test_cached_counts_start_afresh_after_any_registry_write(
    settings, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from ppid.core.pagecache import public_pages_changed

    cache.clear()
    settings.FACET_CACHE_MIN_ROWS = 0
    ItemFactory()
    assert search_items(ItemFilters()).total == 1
    InformationItem.objects.update(status=InformationItem.Status.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        public_pages_changed("registry")  # what every registry service does on a write
    assert search_items(ItemFilters()).total == 0
    cache.clear()


@pytest.mark.django_db
@pytest.mark.parametrize("dense_term, analyze", [(0.0, True), (1.0, True), (1.0, False)])
def test_the_newest_matches_are_found_by_either_postgresql_plan(
    office_a, monkeypatch, dense_term, analyze
):
    """_newest_ids_pg picks a plan by each term's share in pg_stats: walking the primary key
    backwards (dense terms) or AND-ing the GIN bitmap with key ranges (the rest). Both
    give exactly the newest matches, and the planner setting it changes does not leak.
    Without statistics (a new table before ANALYZE) the planner chooses."""
    from django.db import connection

    from ppid.core import search
    from ppid.registry.bulk import ImportRow, items_bulk_import

    if connection.vendor != "postgresql":
        pytest.skip("the plans are PostgreSQL's")
    texts = []
    for i in range(600):
        words = ["laporan"]
        if i % 2 == 0:
            words.append("jembatan")  # half the items
        if i % 40 == 0:
            words.append("sungai")  # 2.5 %
        if i in (7, 300, 599):
            words.append("rotan")  # three items
        texts.append(" ".join(words))
    rows = [
        ImportRow(item=ItemFactory.build(office=office_a, body=office_a.body), document_text=t)
        for t in texts
    ]
    items_bulk_import(rows)
    if analyze:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {InformationItem._meta.db_table}")
    monkeypatch.setattr(search, "_ELEMENT_STATS", {})  # read afresh, dropped afterwards
    monkeypatch.setattr(search, "DENSE_TERM", dense_term)
    ids = list(InformationItem.objects.order_by("pk").values_list("pk", flat=True))
    for word, limit in [("jembatan", 10), ("sungai", 10), ("sungai", 100), ("rotan", 10)]:
        (term,) = query_terms(word)
        expected = [pk for pk, text in zip(ids, texts, strict=True) if word in text]
        expected = sorted(expected, reverse=True)[:limit]
        assert ITEM_SEARCH._newest_ids([term], limit) == expected, word
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_indexscan")
            assert cursor.fetchone()[0] == "on"


def _affixed_words() -> list[str]:
    """Sastrawi's own root words (every seventh) with the prefixes and suffixes its rules
    take off, and a few that are not Indonesian at all."""
    from pathlib import Path

    import Sastrawi

    roots = (Path(Sastrawi.__file__).parent / "Stemmer/data/kata-dasar.txt").read_text()
    roots = [w.strip() for w in roots.split()][::7]
    prefixes = ["", "me", "mem", "men", "meng", "meny", "di", "ber", "ter", "pe", "pen", "ke"]
    suffixes = ["", "kan", "an", "i", "nya", "lah", "kah", "ku", "mu"]
    words = []
    for i, root in enumerate(roots):
        words.append(prefixes[i % len(prefixes)] + root + suffixes[i % len(suffixes)])
        words.append(prefixes[(i * 5) % len(prefixes)] + root + suffixes[(i * 7) % len(suffixes)])
    return words + ["xyzzyqwerty", "kotawaringin", "me-nyanyikan", "bertanggung-jawab"]


def test_sastrawi_without_a_pattern_compiled_per_word_stems_exactly_as_sastrawi(monkeypatch):
    import importlib
    import re

    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    from ppid.core import search

    fast = search._stemmer().delegatedStemmer  # no cache in front
    modules = [
        importlib.import_module(f"Sastrawi.Stemmer.Context.Visitor.{name}")
        for name in search._SASTRAWI_AFFIX_VISITORS
    ]
    assert all(isinstance(m.re, search._LiteralSub) for m in modules)
    words = _affixed_words()
    assert len(words) > 4000
    ours = [fast.stem(w) for w in words]
    for module in modules:
        monkeypatch.setattr(module, "re", re)
    sastrawi = StemmerFactory().create_stemmer().delegatedStemmer
    assert ours == [sastrawi.stem(w) for w in words]
    # Patterns with regular-expression syntax still go to re.sub.
    assert search._LiteralSub().sub("a.c", "", "abcabc", count=1) == "abc"
    assert search._LiteralSub().sub("nya", "", "bukunya", count=1) == "buku"
