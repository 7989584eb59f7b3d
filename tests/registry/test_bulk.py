"""Bulk import (ppid.registry.bulk): stemmed like a single save, searchable afterwards."""

import pytest

from ppid.registry.bulk import ImportRow, items_bulk_import
from ppid.registry.models import Category, InformationItem
from ppid.registry.queries import ItemFilters, search_items
from tests.factories import ItemFactory


def _rows(office, n, text="Dokumen ini diumumkan kepada masyarakat"):
    return [
        ImportRow(
            item=InformationItem(
                office=office,
                body=office.body,
                title=f"Laporan penganggaran {i}",
                summary="Ringkasan",
                category=Category.BERKALA,
                owner_unit="Sekretariat",
                responsible="Kepala",
                creation_time="2026",
                creation_place="Palangka Raya",
                retention="5 tahun",
                year=2026,
                status=InformationItem.Status.PUBLISHED,
            ),
            document_text=text,
        )
        for i in range(n)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("defer_index", [False, True])
def test_imported_items_are_found_by_their_stemmed_document_text(office_a, defer_index):
    created = items_bulk_import(_rows(office_a, 5), batch_size=2, defer_index=defer_index)
    assert created == 5
    # "pengumuman" and "diumumkan" share the stem "umum"; the text is only in the documents.
    assert search_items(ItemFilters(q="pengumuman")).total == 5
    assert search_items(ItemFilters(q="anggaran")).total == 5


@pytest.mark.django_db
def test_after_a_deferred_import_single_saves_are_indexed_again(office_a):
    items_bulk_import(_rows(office_a, 3), defer_index=True)
    later = ItemFactory(office=office_a, title="Statistik jembatan")
    assert list(search_items(ItemFilters(q="jembatan")).items) == [later]


@pytest.mark.django_db
def test_a_large_expected_import_defers_the_index(office_a, monkeypatch):
    from ppid.registry import bulk

    calls = []
    monkeypatch.setattr(bulk.ITEM_SEARCH.__class__, "suspend", lambda self: calls.append("suspend"))
    monkeypatch.setattr(bulk.ITEM_SEARCH.__class__, "resume", lambda self: calls.append("resume"))
    items_bulk_import(_rows(office_a, 1), expected=bulk.DEFER_INDEX_ABOVE + 1)
    items_bulk_import(_rows(office_a, 1), expected=10)
    assert calls == ["suspend", "resume"]


@pytest.mark.django_db
def test_progress_is_reported_per_batch(office_a):
    seen = []
    items_bulk_import(_rows(office_a, 5), batch_size=2, defer_index=False, on_batch=seen.append)
    assert seen == [2, 4, 5]


@pytest.mark.django_db
def test_an_import_invalidates_the_cached_public_pages(
    office_a, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    before = cache.get("pagecache:version:registry")
    with django_capture_on_commit_callbacks(execute=True):
        items_bulk_import(_rows(office_a, 1), defer_index=False)
    assert cache.get("pagecache:version:registry") != before
