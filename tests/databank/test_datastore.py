"""The datastore: per-resource tables and CKAN's datastore_search (issue 4 §1, §3).

Runs on whichever engine DATABASE_URL names: the suite runs it on SQLite and PostgreSQL."""

import io
import uuid

import pytest
from django.db import DatabaseError, connection
from hypothesis import given, settings
from hypothesis import strategies as st

from ppid.core.search import stem_text
from ppid.databank import datastore, tabular
from ppid.databank.datastore import DatastoreError, DatastoreNotFound

pytestmark = pytest.mark.django_db

CSV = """Kabupaten;Kecamatan;Tahun;Penduduk;Kepadatan;Tanggal Data;Keterangan
Kotawaringin Barat;Arut Selatan;2022;87.001;41,5;31/12/2022;Data dinas kependudukan
Kotawaringin Barat;Kumai;2023;56.120;18,25;31/12/2023;Pencatatan sipil
Kapuas;Selat;2022;70.400;-;31/12/2022;Data sementara dinas
Kapuas;Kapuas Hilir;2023;;12;31/12/2023;
Kota Palangka Raya;Pahandut;2023;101.500;350,75;2023-12-31;Dinas Pendidikan mencatat sekolah
Kota Palangka Raya;Jekan Raya;2022;150.230;;31/12/2022;Sekolah dasar dan menengah
"""


def make_table(text=CSV):
    return tabular.read(io.BytesIO(text.encode()), fmt="csv")


@pytest.fixture
def rid():
    resource_id = str(uuid.uuid4())
    assert datastore.load(resource_id, make_table()) == 6
    return resource_id


@pytest.fixture(params=["tsvector", "dictionary"])
def text_rid(request, monkeypatch):
    """The table of `rid`, loaded as it is (its columns' words in the rows' tsvectors) or,
    on PostgreSQL, with every text column a dictionary column (words through `_terms`)."""
    if request.param == "dictionary":
        if connection.vendor != "postgresql":
            pytest.skip("dictionary columns are PostgreSQL's")
        monkeypatch.setattr(datastore, "DICTIONARY_REPEATS", 1)
    resource_id = str(uuid.uuid4())
    datastore.load(resource_id, make_table())
    return resource_id


def ids(result):
    return [r["_id"] for r in result["records"]]


def test_a_resource_gets_a_typed_table_named_after_its_id(rid):
    assert datastore.table_name(rid) == "datastore_" + uuid.UUID(rid).hex
    assert datastore.exists(rid)
    assert datastore.columns(rid) == [
        {"id": "_id", "type": "int"},
        {"id": "kabupaten", "type": "text"},
        {"id": "kecamatan", "type": "text"},
        {"id": "tahun", "type": "int"},
        {"id": "penduduk", "type": "int"},
        {"id": "kepadatan", "type": "numeric"},
        {"id": "tanggal_data", "type": "date"},
        {"id": "keterangan", "type": "text"},
    ]


def test_search_answers_in_ckans_shape(rid):
    result = datastore.search(rid)
    assert set(result) == {
        "include_total",
        "resource_id",
        "fields",
        "records_format",
        "records",
        "limit",
        "offset",
        "_links",
        "total",
        "total_was_estimated",
    }
    assert result["resource_id"] == rid
    assert result["total"] == 6
    assert result["limit"] == 100
    assert result["offset"] == 0
    assert result["fields"][0] == {"id": "_id", "type": "int"}
    assert result["records"][0] == {
        "_id": 1,
        "kabupaten": "Kotawaringin Barat",
        "kecamatan": "Arut Selatan",
        "tahun": 2022,
        "penduduk": 87001,
        "kepadatan": 41.5,
        "tanggal_data": "2022-12-31",
        "keterangan": "Data dinas kependudukan",
    }
    assert result["records"][2]["kepadatan"] is None
    assert result["_links"] == {
        "start": f"/api/3/action/datastore_search?resource_id={rid}",
        "next": f"/api/3/action/datastore_search?offset=100&resource_id={rid}",
    }


def test_filters_are_equalities_in_the_columns_type(rid):
    assert ids(datastore.search(rid, filters={"kabupaten": "Kapuas"})) == [3, 4]
    assert ids(datastore.search(rid, filters={"tahun": "2023"})) == [2, 4, 5]
    assert ids(datastore.search(rid, filters={"tahun": 2023, "kabupaten": "Kapuas"})) == [4]
    assert ids(datastore.search(rid, filters={"kabupaten": ["Kapuas", "Kota Palangka Raya"]})) == [
        3,
        4,
        5,
        6,
    ]
    assert ids(datastore.search(rid, filters={"kepadatan": 350.75})) == [5]
    assert ids(datastore.search(rid, filters={"kepadatan": None})) == [3, 6]
    assert ids(datastore.search(rid, filters={"tanggal_data": "2022-12-31"})) == [1, 3, 6]
    assert ids(datastore.search(rid, filters={"tanggal_data": "31/12/2023"})) == [2, 4, 5]
    assert datastore.search(rid, filters={"tahun": []})["total"] == 0
    assert datastore.search(rid, filters={"kabupaten": "Kapuas"})["total"] == 2


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"tahun": "dua ribu"}, "filters"),
        ({"tahun": 2022.5}, "filters"),
        ({"tahun": True}, "filters"),
        ({"kepadatan": "banyak"}, "filters"),
        ({"tanggal_data": "kemarin"}, "filters"),
        ({"tanggal_data": 2022}, "filters"),
        ({"kabupaten": {"a": 1}}, "filters"),
        ({"tidak_ada": 1}, "filters"),
        ({'kabupaten" = 1 OR 1=1; --': 1}, "filters"),
        ("kabupaten=Kapuas", "filters"),
    ],
)
def test_bad_filters_are_reported_per_parameter(rid, filters, field):
    with pytest.raises(DatastoreError) as info:
        datastore.search(rid, filters=filters)
    assert list(info.value.field_errors) == [field]


def test_full_text_finds_stemmed_words_in_any_text_column(text_rid):
    # "kependudukan" and "penduduk" share the stem; "Pendidikan" stems to "didik".
    assert ids(datastore.search(text_rid, q="penduduk")) == [1]
    assert ids(datastore.search(text_rid, q="pendidikan")) == [5]
    assert ids(datastore.search(text_rid, q="DINAS")) == [1, 3, 5]
    assert ids(datastore.search(text_rid, q="dinas data")) == [1, 3]
    assert ids(datastore.search(text_rid, q="kapuas")) == [3, 4]  # kabupaten and kecamatan
    assert datastore.search(text_rid, q="dinas")["total"] == 3
    assert ids(datastore.search(text_rid, q="tidakada")) == []


def test_full_text_by_field_reads_only_that_field(text_rid):
    assert ids(datastore.search(text_rid, q={"kecamatan": "kapuas"})) == [4]
    assert datastore.search(text_rid, q={"kecamatan": "kapuas"})["total"] == 1
    assert datastore.search(text_rid, q={"kabupaten": "kapuas"})["total"] == 2
    assert ids(
        datastore.search(text_rid, q={"keterangan": "sekolah", "kabupaten": "palangka"})
    ) == [
        5,
        6,
    ]
    assert ids(datastore.search(text_rid, q={"keterangan": "dinas", "kabupaten": "kapuas"})) == [3]


def test_full_text_combines_with_filters_sort_and_paging(text_rid):
    result = datastore.search(
        text_rid, q="dinas", filters={"tahun": 2022}, sort="_id desc", limit=1, offset=1
    )
    assert ids(result) == [1]
    assert result["total"] == 2


@pytest.mark.parametrize(
    "q", ['" OR 1=1 --', "NEAR(a b)", "a*", "'; DROP TABLE x; --", "::: &&& |||", "\x00"]
)
def test_engine_syntax_in_the_query_is_only_text(text_rid, q):
    rid = text_rid
    result = datastore.search(rid, q=q)
    # Words in it are searched ("or", "1", "drop", ...); punctuation alone matches all.
    assert result["total"] in (0, 6)
    assert datastore.exists(rid)


def test_an_empty_query_matches_everything(rid):
    assert datastore.search(rid, q="")["total"] == 6
    assert datastore.search(rid, q="!!!")["total"] == 6


@pytest.mark.parametrize("q", [{"tidak_ada": "x"}, {"tahun": "2022"}, {"kabupaten": 5}, ["kapuas"]])
def test_bad_queries_are_errors(rid, q):
    with pytest.raises(DatastoreError) as info:
        datastore.search(rid, q=q)
    assert list(info.value.field_errors) == ["q"]


def test_sort_takes_several_fields_and_directions(rid):
    result = datastore.search(rid, sort="tahun desc, penduduk asc", fields="_id")
    # Empty cells sort as the smallest value on both engines.
    assert ids(result) == [4, 2, 5, 3, 1, 6]
    assert ids(datastore.search(rid, sort=["kabupaten desc", "kecamatan"])) == [1, 2, 6, 5, 4, 3]
    assert ids(datastore.search(rid, sort="kepadatan desc")) == [5, 1, 2, 4, 3, 6]


@pytest.mark.parametrize(
    "sort", ["tidak_ada", "tahun up", "tahun desc extra", "tahun; DROP TABLE x", 5]
)
def test_bad_sorts_are_errors(rid, sort):
    with pytest.raises(DatastoreError) as info:
        datastore.search(rid, sort=sort)
    assert list(info.value.field_errors) == ["sort"]


def test_paging_follows_the_next_link(rid):
    first = datastore.search(rid, limit=4)
    assert ids(first) == [1, 2, 3, 4]
    assert "offset=4" in first["_links"]["next"]
    assert "limit=4" in first["_links"]["next"]
    second = datastore.search(rid, limit=4, offset=4)
    assert ids(second) == [5, 6]
    assert datastore.search(rid, limit=4, offset=40)["records"] == []
    assert datastore.search(rid, limit=0)["records"] == []


def test_the_limit_is_capped(rid):
    assert datastore.search(rid, limit=10**6)["limit"] == datastore.LIMIT_MAX


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": -1}, "limit"),
        ({"limit": "banyak"}, "limit"),
        ({"offset": -5}, "offset"),
        ({"offset": "1; --"}, "offset"),
    ],
)
def test_bad_paging_is_an_error(rid, params, field):
    with pytest.raises(DatastoreError) as info:
        datastore.search(rid, **params)
    assert field in info.value.field_errors


def test_fields_choose_and_order_the_columns(rid):
    result = datastore.search(rid, fields="tahun, kabupaten", limit=1)
    assert result["fields"] == [{"id": "tahun", "type": "int"}, {"id": "kabupaten", "type": "text"}]
    assert result["records"] == [{"tahun": 2022, "kabupaten": "Kotawaringin Barat"}]
    assert datastore.search(rid, fields=["_id"], limit=2)["records"] == [{"_id": 1}, {"_id": 2}]


@pytest.mark.parametrize("fields", ["tahun,tidak_ada", ["kabupaten", 'x" FROM y --'], 5])
def test_unknown_fields_are_errors(rid, fields):
    with pytest.raises(DatastoreError) as info:
        datastore.search(rid, fields=fields)
    assert list(info.value.field_errors) == ["fields"]


def test_the_total_can_be_left_out(rid):
    result = datastore.search(rid, include_total=False)
    assert "total" not in result
    assert result["include_total"] is False


def test_a_resource_without_a_table_is_not_found():
    with pytest.raises(DatastoreNotFound) as info:
        datastore.search(str(uuid.uuid4()))
    assert list(info.value.field_errors) == ["resource_id"]
    assert not datastore.exists(str(uuid.uuid4()))


def test_loading_again_replaces_the_rows(rid):
    assert datastore.load(rid, make_table("nama,nilai\nbaru,1\n")) == 1
    result = datastore.search(rid)
    assert result["fields"] == [
        {"id": "_id", "type": "int"},
        {"id": "nama", "type": "text"},
        {"id": "nilai", "type": "int"},
    ]
    assert result["records"] == [{"_id": 1, "nama": "baru", "nilai": 1}]
    assert ids(datastore.search(rid, q="baru")) == [1]
    assert ids(datastore.search(rid, q="dinas")) == []
    assert datastore._leftovers(datastore.table_name(rid)) == []


def test_a_failed_load_keeps_the_rows_before_it(rid):
    table = make_table("nama,nilai\nbaru,1\n")

    def broken_batches(size=5000):
        yield [["baru"], [1]]
        raise RuntimeError("disk full")

    def broken_copy_batches(size=5000):  # PostgreSQL's loader reads COPY text
        yield [["baru"], ["1"]], [["baru"], None]
        raise RuntimeError("disk full")

    table.column_batches = broken_batches
    table.copy_batches = broken_copy_batches
    with pytest.raises(RuntimeError):
        datastore.load(rid, table)
    assert datastore.search(rid)["total"] == 6
    assert datastore._leftovers(datastore.table_name(rid)) == []


def test_progress_is_reported_per_batch():
    seen = []
    lines = "n,teks\n" + "".join(f"{i},kata {i}\n" for i in range(12_000))
    assert datastore.load("sumber-lain", make_table(lines), progress=seen.append) == 12_000
    assert seen == [5_000, 10_000, 12_000]
    assert datastore.search("sumber-lain", q="kata", limit=1)["total"] == 12_000
    assert ids(datastore.search("sumber-lain", filters={"n": 11_999})) == [12_000]


def test_drop_removes_the_table(rid):
    datastore.drop(rid)
    assert not datastore.exists(rid)
    with pytest.raises(DatastoreNotFound):
        datastore.search(rid)
    datastore.drop(rid)  # twice is fine


def test_a_table_without_text_columns_searches_nothing_by_text():
    datastore.load("angka", make_table("a,b\n1,2\n3,4\n"))
    assert datastore.search("angka", q="satu")["records"] == []
    assert datastore.search("angka", filters={"a": 3})["records"] == [{"_id": 2, "a": 3, "b": 4}]


def test_timestamps_come_back_in_iso_form():
    datastore.load("waktu", make_table("waktu,n\n2024-03-31 08:30,1\n2024-04-01,2\n"))
    result = datastore.search("waktu", filters={"waktu": "2024-04-01"})
    assert result["records"] == [{"_id": 2, "waktu": "2024-04-01T00:00:00", "n": 2}]
    assert result["fields"][1] == {"id": "waktu", "type": "timestamp"}


def test_it_works_on_this_engine():
    # A marker in the output of `pytest -v`: which engine this run used.
    assert connection.vendor in ("sqlite", "postgresql")


cells = st.one_of(
    st.none(),
    st.text(max_size=60),
    st.lists(st.sampled_from(["dinas", "pendidikan", "Kabupaten", "x" * 45, "2024", "-", ","]),
             max_size=8).map(" ".join),
)  # fmt: skip


@pytest.mark.django_db(False)
@given(st.lists(cells, min_size=1, max_size=30))
@settings(max_examples=300, deadline=None)
def test_the_loaders_column_stemming_matches_stem_text(values):
    stems = datastore.stem_column(values)
    assert [s.split() for s in stems] == [stem_text(v or "").split() for v in values]
    lexemes = datastore._lexeme_column(stems, 3)
    assert len(lexemes) == len(values)
    for text, value in zip(lexemes, values, strict=True):
        assert text.split() == [f"'{w}_3'" for w in stem_text(value or "").split()]


def test_past_the_exact_count_a_full_text_total_may_be_estimated(text_rid, monkeypatch):
    monkeypatch.setattr(datastore, "COUNT_EXACT", 2)
    result = datastore.search(text_rid, q="dinas")
    assert ids(result) == [1, 3, 5]
    if connection.vendor == "postgresql":
        assert result["total_was_estimated"] is True
        assert result["total"] >= 3
    else:  # FTS5 counts its own matches
        assert (result["total"], result["total_was_estimated"]) == (3, False)
    single = datastore.search(text_rid, filters={"tahun": 2023})
    assert (single["total"], single["total_was_estimated"]) == (3, False)
    assert ids(datastore.search(text_rid, q="dinas", sort="_id desc", offset=1)) == [3, 1]
    both = datastore.search(text_rid, q="dinas", filters={"tahun": [2022, 2023]})
    assert ids(both) == [1, 3, 5]
    assert both["total_was_estimated"] is True
    assert both["total"] > 2
    # Many matches, sorted by a column: the sort's index is walked (SQLite: filters unindexed).
    assert ids(datastore.search(text_rid, filters={"tahun": 2022}, sort="penduduk desc")) == [
        6,
        1,
        3,
    ]
    assert ids(datastore.search(text_rid, q="dinas", sort="tahun desc")) == [5, 1, 3]
    assert ids(datastore.search(text_rid, q="dinas", filters={"tahun": [2022, 2023]}, limit=2)) == [
        1,
        3,
    ]


@pytest.mark.django_db(transaction=True)
def test_a_load_outside_a_transaction_commits_in_steps_and_builds_every_index():
    # Outside a caller's transaction: commits as it goes and, on PostgreSQL, builds the
    # GIN index on a second connection while the b-trees are built.
    resource_id = str(uuid.uuid4())
    try:
        assert datastore.load(resource_id, make_table()) == 6
        assert not connection.in_atomic_block
        assert ids(datastore.search(resource_id, q="dinas")) == [1, 3, 5]
        assert ids(datastore.search(resource_id, filters={"kabupaten": "Kapuas"})) == [3, 4]
        name = datastore.table_name(resource_id)
        with datastore._cursor(name) as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT COUNT(*) FROM pg_indexes WHERE tablename = %s", [name])
            else:
                cursor.execute(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = %s",
                    [name],
                )
            # One per column; on PostgreSQL also the primary key and the GIN index.
            expected = 7 + (2 if connection.vendor == "postgresql" else 0)
            assert cursor.fetchone()[0] == expected
    finally:
        datastore.drop(resource_id)
    assert not datastore.exists(resource_id)


def test_with_no_exact_count_the_pages_are_still_right(rid, monkeypatch):
    monkeypatch.setattr(datastore, "COUNT_EXACT", 0)
    result = datastore.search(rid, q="dinas", filters={"tahun": [2022, 2023]})
    assert ids(result) == [1, 3, 5]
    assert result["total_was_estimated"] is True
    assert ids(datastore.search(rid, filters={"kabupaten": "Kapuas", "tahun": 2023})) == [4]
    assert ids(datastore.search(rid, q="sekolah", filters={"tahun": 2022}, sort="_id desc")) == [6]
    monkeypatch.setattr(datastore, "DEEP_OFFSET", 1)  # PostgreSQL: keys first, then rows
    assert ids(datastore.search(rid, filters={"tahun": [2022, 2023]}, offset=2, limit=2)) == [3, 4]
    result = datastore.search(rid, filters={"tahun": [2022, 2023]}, sort="penduduk desc", offset=1)
    assert ids(result) == [5, 1, 3, 2, 4]


def test_indexes_sorted_in_runs_through_temporary_files_order_and_filter_right(
    tmp_path, monkeypatch
):
    """The b-trees are built from sorted runs merged together (SQLite's sorter spills its
    runs to temporary files; PostgreSQL sorts externally): with the smallest memory each
    engine takes, 30,000 rows make many runs, and the index still orders and finds every
    row as a sort in Python does."""
    import random

    monkeypatch.setattr(datastore, "SQLITE_SORT_KIB", 1)
    monkeypatch.setattr(datastore, "BTREE_SORT_MEMORY", "1MB")
    rng = random.Random(12)
    rows = [(f"62.{rng.randrange(100):02d}.{rng.randrange(10_000):04d}", rng.randrange(10**6))
            for _ in range(30_000)]  # fmt: skip
    path = tmp_path / "acak.csv"
    path.write_text(
        "Kode;Jumlah\n" + "".join(f"{code};{n}\n" for code, n in rows), encoding="utf-8"
    )
    resource_id = str(uuid.uuid4())
    assert datastore.load(resource_id, tabular.read(path, fmt="csv")) == 30_000
    by_code = sorted(range(1, 30_001), key=lambda i: (rows[i - 1][0], i))
    by_count = sorted(range(1, 30_001), key=lambda i: (-rows[i - 1][1], i))
    for offset in (0, 12_345, 29_990):
        page = datastore.search(resource_id, sort="kode asc", offset=offset, limit=10)
        assert ids(page) == by_code[offset : offset + 10]
        page = datastore.search(resource_id, sort="jumlah desc", offset=offset, limit=10)
        assert ids(page) == by_count[offset : offset + 10]
    code = rows[777][0]
    found = datastore.search(resource_id, filters={"kode": code}, limit=1000)
    assert ids(found) == [i for i in range(1, 30_001) if rows[i - 1][0] == code]


# --- SQLite: files of its own, and the full-text index from a second process -------------

sqlite_only = pytest.mark.skipif(
    "connection.vendor != 'sqlite'", reason="the datastore's own files are SQLite's"
)

BIG_CSV = "Wilayah;Tahun;Jumlah;Keterangan\n" + "".join(
    f"{region};{2015 + i % 10};{i * 7:,};Catatan dinas {word} nomor {i}\n".replace(",", ".")
    for i, (region, word) in enumerate(
        zip(
            ["Kapuas", "Katingan", "Seruyan"] * 400,
            ["pendidikan", "kesehatan", "jalan"] * 400,
            strict=True,
        )
    )
)


def big_table(tmp_path):
    path = tmp_path / "besar.csv"
    path.write_text(BIG_CSV, encoding="utf-8")
    return tabular.read(path, fmt="csv")


@pytest.fixture
def child_spy(monkeypatch):
    """Every table counts as large: loads of CSV files on disk use the second process
    (fts_build.start on SQLite, start_vectors on PostgreSQL); the children started."""
    from ppid.databank import fts_build

    started = []

    def spying(original):
        def start(*args, **kwargs):
            child = original(*args, **kwargs)
            started.append(child)
            return child

        return start

    monkeypatch.setattr(datastore, "FTS_PROCESS_MIN_ROWS", 1)
    monkeypatch.setattr(fts_build, "start", spying(fts_build.start))
    monkeypatch.setattr(fts_build, "start_vectors", spying(fts_build.start_vectors))
    return started


def test_a_large_csv_file_gets_its_full_text_from_a_second_process(
    tmp_path, child_spy, monkeypatch
):
    rid = str(uuid.uuid4())
    assert datastore.load(rid, big_table(tmp_path)) == 1200
    assert len(child_spy) == 1 and child_spy[0] is not None
    assert child_spy[0].proc.returncode == 0
    # Not a file on disk: SQLite's child reads the file, PostgreSQL's is given the text.
    from_memory = str(uuid.uuid4())
    datastore.load(from_memory, tabular.read(io.BytesIO(BIG_CSV.encode()), fmt="csv"))
    assert len(child_spy) == 2
    assert (child_spy[1] is None) == (connection.vendor == "sqlite")
    # The same answers as the index built in this process.
    monkeypatch.setattr(datastore, "FTS_PROCESS_MIN_ROWS", 10**9)
    other = str(uuid.uuid4())
    datastore.load(other, tabular.read(io.BytesIO(BIG_CSV.encode()), fmt="csv"))
    assert len(child_spy) == 2
    assert datastore.search(from_memory, q="kapuas")["total"] > 0
    for query in ["pendidikan", "dinas kesehatan", {"keterangan": "jalan"}, "kapuas"]:
        ours, theirs = datastore.search(rid, q=query), datastore.search(other, q=query)
        assert ours["total"] == theirs["total"] > 0
        assert ids(ours) == ids(theirs)
    assert datastore.search(rid, q="pendidikan", filters={"wilayah": "Kapuas"})["total"] == 400
    assert datastore._leftovers(datastore.table_name(rid)) == []


@sqlite_only
def test_a_failed_full_text_process_fails_the_load_and_keeps_the_rows_before_it(
    rid, tmp_path, child_spy, monkeypatch
):
    from ppid.databank import fts_build

    started = fts_build.start
    # A column the file does not have: the child fails reading it.
    monkeypatch.setattr(
        fts_build, "start", lambda table, name, positions, path: started(table, name, [99], path)
    )
    with pytest.raises(fts_build.FtsBuildError, match="full-text index failed"):
        datastore.load(rid, big_table(tmp_path))
    assert datastore.search(rid)["total"] == 6
    assert ids(datastore.search(rid, q="dinas")) == [1, 3, 5]
    assert datastore._leftovers(datastore.table_name(rid)) == []


def test_a_full_text_process_that_hangs_is_stopped(rid, tmp_path, child_spy, monkeypatch):
    from ppid.databank import fts_build

    monkeypatch.setattr(fts_build, "TIMEOUT_BASE_S", 0.01)
    monkeypatch.setattr(fts_build, "TIMEOUT_PER_ROW_S", 0)
    with pytest.raises(fts_build.FtsBuildError, match="took over"):
        datastore.load(rid, big_table(tmp_path))
    assert child_spy[0].proc.returncode is not None  # killed and reaped
    assert datastore.search(rid)["total"] == 6


@sqlite_only
def test_a_reload_moves_readers_to_the_new_files_and_removes_the_old(rid, settings):
    from ppid.databank import sqlite_store

    name = datastore.table_name(rid)
    folder = sqlite_store.directory(name)
    assert folder.parent == settings.DATASTORE_DIR
    before = sqlite_store.current(name)
    assert datastore.search(rid)["total"] == 6  # this thread now holds a connection
    datastore.load(rid, make_table("nama,nilai\nbaru,1\n"))
    after = sqlite_store.current(name)
    assert after != before
    assert datastore.search(rid)["total"] == 1
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["CURRENT", "LOCK", f"{after}.sqlite3", f"{after}.fts.sqlite3"]
    )
    # Nothing of the datastore is in the application's database.
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'datastore%%'")
        assert cursor.fetchone()[0] == 0


@sqlite_only
def test_a_reader_in_another_thread_sees_each_load_whole(rid):
    import threading

    seen, errors = [], []

    def read():
        try:
            for _ in range(30):
                seen.append(datastore.search(rid, limit=0)["total"])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    thread = threading.Thread(target=read)
    thread.start()
    for n in range(1, 6):
        text = "nama,nilai\n" + "".join(f"baris {i},{i}\n" for i in range(n))
        datastore.load(rid, make_table(text))
    thread.join()
    assert errors == []
    assert set(seen) <= {6, 1, 2, 3, 4, 5}


@sqlite_only
def test_a_full_text_index_of_another_length_is_not_published(
    rid, tmp_path, child_spy, monkeypatch
):
    from ppid.databank import fts_build

    original = fts_build.Child.wait
    monkeypatch.setattr(fts_build.Child, "wait", lambda self: original(self) - 1)
    with pytest.raises(fts_build.FtsBuildError, match="1199 rows, the table 1200"):
        datastore.load(rid, big_table(tmp_path))
    assert datastore.search(rid)["total"] == 6
    assert datastore._leftovers(datastore.table_name(rid)) == []


@sqlite_only
def test_what_a_killed_load_left_behind_is_removed_by_the_next(rid):
    from ppid.databank import sqlite_store

    name = datastore.table_name(rid)
    folder = sqlite_store.directory(name)
    left = ["0123456789abcdef.sqlite3", "0123456789abcdef.fts.sqlite3", "CURRENT.0123456789abcdef"]
    for file_name in left:
        (folder / file_name).write_bytes(b"half written")
    assert datastore._leftovers(name) == sorted(left)
    assert datastore.search(rid)["total"] == 6  # readers never look at them
    datastore.load(rid, make_table())
    assert datastore._leftovers(name) == []
    assert datastore.search(rid)["total"] == 6


# --- PostgreSQL: the rows' full text from a second process ------------------------------

postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the tsvector column is PostgreSQL's"
)


@postgresql_only
def test_a_failed_full_text_process_fails_the_postgresql_load(
    rid, tmp_path, child_spy, monkeypatch
):
    from ppid.databank import fts_build

    started = fts_build.start_vectors
    # One position more than the columns it is given: the child fails on the first chunk.
    monkeypatch.setattr(
        fts_build, "start_vectors", lambda table, positions: started(table, [*positions, 99])
    )
    with pytest.raises(fts_build.FtsBuildError, match="full text process sent fewer rows"):
        datastore.load(rid, big_table(tmp_path))
    assert datastore.search(rid)["total"] == 6
    assert ids(datastore.search(rid, q="dinas")) == [1, 3, 5]
    assert datastore._leftovers(datastore.table_name(rid)) == []


@postgresql_only
def test_a_full_text_process_that_sends_too_much_fails_the_postgresql_load(
    rid, tmp_path, child_spy, monkeypatch
):
    from ppid.databank import fts_build

    taken = fts_build.Child.take
    # The parent asks for one row fewer each time: the child's last rows are left over.
    monkeypatch.setattr(fts_build.Child, "take", lambda self, n: taken(self, n)[:-1] + [""])
    original_finish = fts_build.Child.finish

    def finish(self):
        self._pending.append("'lebih_0'")
        original_finish(self)

    monkeypatch.setattr(fts_build.Child, "finish", finish)
    with pytest.raises(fts_build.FtsBuildError, match="sent more rows"):
        datastore.load(rid, big_table(tmp_path))
    assert datastore.search(rid)["total"] == 6


def test_a_broken_chunk_from_the_full_text_process_fails_rather_than_shifting_rows(tmp_path):
    """A chunk shorter than its header says, or a header that is not a length, stops the
    load: the texts that follow would otherwise go to the wrong rows."""
    import subprocess
    import sys

    from ppid.databank import fts_build

    for output in (b"10\n'abc_1'", b"'abc_1' 'def_1'\n"):
        proc = subprocess.Popen(  # noqa: S603 (this interpreter)
            [sys.executable, "-c", f"import sys; sys.stdout.buffer.write({output!r})"],
            stdout=subprocess.PIPE,
        )
        child = fts_build.Child(proc, (tmp_path / "errors").open("w+b"), rows=1)
        with pytest.raises(fts_build.FtsBuildError, match="sent a broken chunk"):
            child.take(1)
        assert proc.poll() is not None


# --- PostgreSQL: dictionary columns -------------------------------------------------------


def _regions_csv(rows: int) -> str:
    regencies = ["Kapuas", "Kotawaringin Barat", "Kota Palangka Raya", "Barito Utara"]
    lines = ["Kabupaten;Jenis Kelamin;Kode;Keterangan"]
    for i in range(rows):
        note = ["Data dinas kependudukan", "Sekolah dasar", "", "Jalan kabupaten Kapuas"][i % 4]
        sex = "Laki-laki" if i % 3 else "Perempuan"
        lines.append(f"{regencies[i % 4 if i % 5 else 0]};{sex};62.{i:04d};{note}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def regions():
    resource_id = str(uuid.uuid4())
    assert datastore.load(resource_id, make_table(_regions_csv(200))) == 200
    return resource_id


def test_columns_of_few_repeated_values_are_searched_through_their_values(regions):
    table = make_table(_regions_csv(200))
    distinct = {c.id: c.distinct for c in table.columns}
    assert distinct == {"kabupaten": 4, "jenis_kelamin": 2, "kode": 200, "keterangan": 4}
    positions = [k for k, c in enumerate(table.columns) if c.type == "text"]
    # Kode has a value per row; Keterangan repeats, but is it a free-text note.
    assert datastore._dictionary_positions(table, positions) == [0, 1, 3]
    rows = [dict(zip(["kabupaten", "jk", "kode", "ket"], line.split(";"), strict=True))
            for line in _regions_csv(200).splitlines()[1:]]  # fmt: skip

    def expected(test):
        return [i for i, row in enumerate(rows, start=1) if test(row)]

    kapuas = expected(lambda r: "Kapuas" in r["kabupaten"] or "Kapuas" in r["ket"])
    found = datastore.search(regions, q="kapuas", limit=1000)
    assert (ids(found), found["total"]) == (kapuas, len(kapuas))
    women = expected(lambda r: r["jk"] == "Perempuan" and "Barito" in r["kabupaten"])
    assert ids(datastore.search(regions, q="perempuan barito", limit=1000)) == women
    field = expected(lambda r: "Kapuas" in r["kabupaten"])
    found = datastore.search(regions, q={"kabupaten": "kapuas"}, limit=1000)
    assert (ids(found), found["total"]) == (field, len(field))
    found = datastore.search(regions, q="laki", filters={"kabupaten": "Kapuas"}, limit=1000)
    assert ids(found) == expected(lambda r: r["jk"] == "Laki-laki" and r["kabupaten"] == "Kapuas")
    assert ids(datastore.search(regions, q="sekolah kapuas", limit=1000)) == expected(
        lambda r: "Sekolah" in r["ket"] and "Kapuas" in r["kabupaten"]
    )
    assert datastore.search(regions, q={"jenis_kelamin": "kapuas"})["total"] == 0
    assert datastore.search(regions, q="62")["total"] == 200


@postgresql_only
def test_dictionary_columns_stay_out_of_the_rows_tsvectors(regions):
    name = datastore.table_name(regions)
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "_full_text"::text FROM "{name}" WHERE "_id" = 4')  # noqa: S608
        assert cursor.fetchone()[0] == "'0003_2' '62_2'"  # Kode only: "Jalan ..." repeats
        cursor.execute(f'SELECT k, lexeme, value FROM "{name}_terms" ORDER BY 1, 2, 3')  # noqa: S608
        terms = cursor.fetchall()
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [name])
        indexes = {row[0].rsplit("_", 1)[1] for row in cursor.fetchall()}
    assert (0, "kapuas", "Kapuas") in terms
    assert (0, "barat", "Kotawaringin Barat") in terms
    assert (1, "laki", "Laki-laki") in terms
    assert (3, "jalan", "Jalan kabupaten Kapuas") in terms
    assert not [t for t in terms if t[0] == 2]
    # Every dictionary column has its b-tree, the notes too: they are searched through it.
    assert {"0", "1", "2", "3", "ft", "pkey"} <= indexes


@postgresql_only
def test_a_dictionary_column_with_a_value_too_long_for_a_b_tree_gets_none(monkeypatch):
    """Dictionary columns are measured from their distinct values, not cell by cell: a
    value over MAX_INDEXED_TEXT still leaves its column without a b-tree (PostgreSQL
    refuses long entries), and the column is still searched and filtered."""
    monkeypatch.setattr(datastore, "MAX_INDEXED_TEXT", len("Kota Palangka Raya") - 1)
    resource_id = str(uuid.uuid4())
    datastore.load(resource_id, make_table(_regions_csv(200)))
    name = datastore.table_name(resource_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [name])
        indexes = {row[0].rsplit("_", 1)[1] for row in cursor.fetchall()}
    # Kabupaten ("Kota Palangka Raya") and Keterangan ("Data dinas kependudukan") hold a
    # value too long; Jenis Kelamin and Kode do not.
    assert not {"0", "3"} & indexes
    assert {"1", "2"} <= indexes
    assert datastore.search(resource_id, q={"kabupaten": "palangka"})["total"] == 40
    assert datastore.search(resource_id, filters={"kabupaten": "Kapuas"})["total"] == 80


@postgresql_only
def test_a_table_loaded_before_dictionary_columns_is_still_searched(monkeypatch):
    resource_id = str(uuid.uuid4())
    monkeypatch.setattr(datastore, "_dictionary_positions", lambda table, positions: [])
    datastore.load(resource_id, make_table(_regions_csv(200)))
    name = datastore.table_name(resource_id)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE "{name}_terms"')
    assert datastore.search(resource_id, q={"kabupaten": "kapuas"})["total"] == 80
    assert datastore.search(resource_id, q="perempuan")["total"] == 67
    datastore.drop(resource_id)
    assert not datastore.exists(resource_id)


@postgresql_only
def test_a_table_with_terms_is_searched_in_one_query_once_seen(regions):
    from django.test.utils import CaptureQueriesContext

    assert datastore.search(regions, q="kapuas", include_total=False)["records"]
    with CaptureQueriesContext(connection) as queries:
        assert datastore.search(regions, q="kapuas", include_total=False)["records"]
    assert not [q for q in queries.captured_queries if "to_regclass" in q["sql"]]
    datastore.drop(regions)
    assert datastore.table_name(regions) not in datastore._WITH_TERMS


@postgresql_only
def test_the_terms_of_a_dropped_or_killed_load_go_with_it(regions):
    name = datastore.table_name(regions)
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE TABLE "{name}_0badcafe" (x int)')
        cursor.execute(f'CREATE TABLE "{name}_0badcafe_terms" (x int)')
    assert datastore._leftovers(name) == [f"{name}_0badcafe", f"{name}_0badcafe_terms"]
    datastore.drop(regions)
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relname LIKE %s", [name + "%"])
        assert cursor.fetchall() == []


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("broken_at", [0, 3])
def test_a_failed_index_build_on_either_connection_fails_the_load_and_keeps_the_rows(
    monkeypatch, broken_at
):
    # Two connections take the index statements from one queue: whether the one taking
    # the first (the GIN index) or the other fails, the load fails, the rows before it
    # stay and no work table is left behind.
    resource_id = str(uuid.uuid4())
    index_sql = datastore._index_sql

    def broken(name, cols, long_text):
        statements = index_sql(name, cols, long_text)
        statements.insert(broken_at, f'CREATE INDEX ON "{name}" (no_such_column)')
        return statements

    try:
        datastore.load(resource_id, make_table())
        monkeypatch.setattr(datastore, "_index_sql", broken)
        with pytest.raises(DatabaseError):
            datastore.load(resource_id, make_table("nama,nilai\nbaru,1\n"))
        assert datastore.search(resource_id)["total"] == 6
        assert datastore._leftovers(datastore.table_name(resource_id)) == []
    finally:
        monkeypatch.undo()
        datastore.drop(resource_id)
