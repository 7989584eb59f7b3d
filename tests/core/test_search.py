"""The search layer: Indonesian stemming on both engines, and no input can break it."""

import pytest

from ppid.core.search import query_terms, stem_text
from ppid.registry.models import ITEM_SEARCH, InformationItem
from ppid.registry.queries import ItemFilters, search_items
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
    ItemFactory(title="Draf rahasia anggaran", status=InformationItem.Status.DRAFT, published_at=None)
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
    best = ItemFactory(title="Data kemiskinan", summary="Angka kemiskinan per kabupaten, kemiskinan ekstrem")
    result = search_items(ItemFilters(q="kemiskinan"))
    assert list(result.items)[0] == best


@pytest.mark.django_db
def test_rebuild_restores_the_index_after_a_bulk_load():
    ItemFactory(title="Statistik jalan provinsi")
    ITEM_SEARCH.rebuild()
    assert search_items(ItemFilters(q="jalan")).items.count() == 1
