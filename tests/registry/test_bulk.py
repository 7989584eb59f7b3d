"""Bulk import (ppid.registry.bulk): stemmed like a single save, searchable afterwards."""

import pytest

from ppid.registry.bulk import ImportRow, items_bulk_import
from ppid.registry.models import ITEM_SEARCH, Category, InformationItem
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


def test_tsvector_literal_lists_each_word_with_its_positions():
    from ppid.registry.bulk import tsvector_literal

    assert tsvector_literal("umum lapor umum 2026") == "umum:1 lapor:2 umum:3 2026:4"
    assert tsvector_literal("") == ""
    # Left to the database: non-ASCII words, too many repeats of one word.
    assert tsvector_literal("kopi kafé") is None
    assert tsvector_literal("sama " * 300) is None


@pytest.mark.django_db
def test_copied_rows_carry_the_vector_postgresql_would_compute(office_a):
    """Python writes the tsvector on PostgreSQL (bulk._copy_batch): it must equal
    to_tsvector('simple', search_text), including rows left to the database."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the COPY path is PostgreSQL's")
    texts = [
        "Dokumen ini diumumkan 2026 kepada masyarakat 123abc a1b2 1e5 0x1f dokumen",
        "Kafé dan jalan raya",  # non-ASCII: computed by the database
        "sama " * 300,  # more than 255 positions for one word: computed by the database
        "",
    ]
    rows = [row for text in texts for row in _rows(office_a, 1, text=text)]
    items_bulk_import(rows, defer_index=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE registry_item_fts_vec IS NOT DISTINCT FROM "
            "to_tsvector('pg_catalog.simple', search_text)) FROM registry_informationitem"
        )
        assert cursor.fetchone() == (4, 4)
    # The trigger is back on after the load: a later save is indexed by the database.
    later = ItemFactory(office=office_a, title="Statistik jembatan")
    assert list(search_items(ItemFilters(q="jembatan")).items) == [later]


@pytest.mark.django_db(transaction=True)
def test_a_big_load_writes_from_parallel_connections_and_indexes_every_row(office_a):
    """Outside a transaction, a deferred-index load on PostgreSQL writes batches from
    PARALLEL_WRITERS connections at once (bulk.items_bulk_import): every row arrives once,
    with the vector PostgreSQL would compute, the GIN index is back, and the writers'
    connections are closed."""
    from django.db import connection

    from ppid.registry import bulk

    if connection.vendor != "postgresql":
        pytest.skip("parallel writers are PostgreSQL's")
    seen = []
    rows = _rows(office_a, 23) + _rows(office_a, 2, text="Kafé jalan raya")
    created = items_bulk_import(rows, batch_size=4, defer_index=True, on_batch=seen.append)
    assert created == 25
    assert seen == [4, 8, 12, 16, 20, 24, 25]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT title), count(*) FILTER (WHERE registry_item_fts_vec IS NOT "
            "DISTINCT FROM to_tsvector('pg_catalog.simple', search_text)) "
            "FROM registry_informationitem"
        )
        assert cursor.fetchone() == (23, 25)
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'registry_item_fts_gin'")
        assert cursor.fetchone() == (1,)
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert cursor.fetchone()[0] == 0
    assert search_items(ItemFilters(q="kafe")).total + search_items(ItemFilters(q="kafé")).total
    assert bulk.PARALLEL_WRITERS == 2


@pytest.mark.django_db
def test_the_database_computes_the_vector_of_an_ordinary_insert(office_a):
    """The insert trigger runs only for rows without a vector (FullTextIndex.trigger_sql):
    a normal save still gets one, and an update of the text recomputes it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    item = ItemFactory(office=office_a, title="Statistik jembatan")
    assert list(search_items(ItemFilters(q="jembatan")).items) == [item]
    InformationItem.objects.filter(pk=item.pk).update(search_text="sungai kahayan")
    assert list(search_items(ItemFilters(q="kahayan")).items) == [item]
    assert search_items(ItemFilters(q="jembatan")).total == 0


@pytest.mark.django_db(transaction=True)
def test_a_big_load_rebuilds_the_list_indexes_it_dropped(office_a):
    """A deferred load on PostgreSQL drops InformationItem.Meta.indexes and builds them
    again at the end (from a second connection, beside the GIN build)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the list indexes are dropped on PostgreSQL only")
    items_bulk_import(_rows(office_a, 6), batch_size=4, defer_index=True)
    with connection.cursor() as cursor:
        present = connection.introspection.get_constraints(cursor, InformationItem._meta.db_table)
    assert {index.name for index in InformationItem._meta.indexes} <= set(present)


@pytest.mark.django_db(transaction=True)
def test_registry_reindex_puts_back_what_an_interrupted_load_left_out(office_a):
    """A load killed before its end leaves the indexes dropped: the command restores them
    and the rows become searchable."""
    import io

    from django.core.management import call_command
    from django.db import connection

    from ppid.registry.bulk import list_indexes_drop

    ITEM_SEARCH.suspend()
    if connection.vendor == "postgresql":
        list_indexes_drop()
    ItemFactory(office=office_a, title="Statistik jembatan")
    out = io.StringIO()
    call_command("registry_reindex", stdout=out)
    assert "complete" in out.getvalue()
    assert search_items(ItemFilters(q="jembatan")).total == 1
    with connection.cursor() as cursor:
        present = connection.introspection.get_constraints(cursor, InformationItem._meta.db_table)
    assert {index.name for index in InformationItem._meta.indexes} <= set(present)


@pytest.mark.django_db
def test_an_imported_row_reads_back_as_it_was_given(office_a):
    """The raw writers (COPY on PostgreSQL, executemany on SQLite) store each field as the
    ORM would: UUID, timestamps, booleans, dates."""
    import datetime

    rows = _rows(office_a, 1)
    item = rows[0].item
    item.published_at = datetime.datetime(2026, 3, 4, 5, 6, 7, tzinfo=datetime.UTC)
    item.next_review = datetime.date(2027, 1, 31)
    item.form_hardcopy = True
    items_bulk_import(rows, defer_index=False)
    stored = InformationItem.objects.get(uid=item.uid)
    assert stored.title == item.title and stored.office_id == office_a.pk
    assert stored.published_at == item.published_at
    assert stored.next_review == datetime.date(2027, 1, 31)
    assert stored.form_hardcopy is True
    assert stored.created_at is not None and stored.updated_at is not None
    assert stored.search_text.startswith("lapor anggar")
