"""package_search (ppid/databank/search.py) and its fq parser, called directly."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from ppid.databank import search, services
from ppid.databank.ckan import fq
from ppid.databank.ckan.errors import SearchQueryError, ValidationError
from ppid.databank.models import Dataset

# --- fq parser --------------------------------------------------------------------------


def test_fq_simple_clauses():
    clauses = fq.parse('organization:dinas-a +tags:"jenis kelamin" -res_format:PDF')
    assert clauses == [
        fq.Clause("organization", ("dinas-a",)),
        fq.Clause("tags", ("jenis kelamin",)),
        fq.Clause("res_format", ("PDF",), negated=True),
    ]


def test_fq_alternatives_and_and():
    clauses = fq.parse('groups:(kesehatan OR "pendidikan") AND tahun:2024')
    assert clauses == [
        fq.Clause("groups", ("kesehatan", "pendidikan")),
        fq.Clause("tahun", ("2024",)),
    ]


def test_fq_ranges():
    (clause,) = fq.parse("metadata_modified:[2024-01-01T00:00:00Z TO *]")
    assert clause.range == (datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC), None, True, True)
    (clause,) = fq.parse("tahun:{2020 TO 2023]")
    assert clause.range == (2020, 2023, False, True)


def test_fq_match_all_and_empty():
    assert fq.parse("*:*") == []
    assert fq.parse("   ") == []
    assert fq.parse("NOT state:draft") == [fq.Clause("state", ("draft",), negated=True)]


@pytest.mark.parametrize(
    "text",
    [
        "unknown_field:x",
        "organization:dinas-a OR tags:x",
        "tags:eko*",
        "penduduk",
        'tags:"unterminated',
        "tags:(a AND b)",
        "tags:(a OR )",
        "name:[a TO b]",
        "metadata_modified:[kemarin TO *]",
        "organization:",
        "tags:x^2",
        "NOT",
    ],
)
def test_fq_refuses_what_it_does_not_understand(text):
    with pytest.raises(SearchQueryError):
        fq.parse(text)


# --- package_search ---------------------------------------------------------------------


def ensure_seeded():
    """The licences and groups a data migration seeds: a transactional test (live_server)
    starts from an emptied database, so put them back."""
    import importlib

    from django.apps import apps

    from ppid.databank.models import Licence

    if not Licence.objects.exists():
        seed = importlib.import_module("ppid.databank.migrations.0002_seed_licences_groups")
        seed.seed(apps, None)


def publish(
    producer, office, verifier, name, *, title, groups=(), tags=(), link_format="XLSX",
    upload=None, **fields,
):  # fmt: skip
    """A published dataset with one resource: a link in `link_format`, or an upload."""
    ensure_seeded()
    dataset = services.dataset_create(
        user=producer,
        office=office,
        fields={"name": name, "title": title, "notes": f"Data {title}.", **fields},
        groups=list(groups),
        tags=list(tags),
    )
    if upload is not None:
        services.resource_add(user=producer, dataset=dataset, upload=upload)
    else:
        services.resource_add(
            user=producer, dataset=dataset, url=f"https://data.example.org/{name}.bin",
            format=link_format,
        )  # fmt: skip
    services.dataset_submit(user=producer, dataset=dataset)
    return services.dataset_verify(user=verifier, dataset=Dataset.objects.get(pk=dataset.pk))


@pytest.fixture
def catalogue(producer_a, producer_b, office_a, office_b, walidata):
    made = {
        "penduduk": publish(
            producer_a, office_a, walidata, "penduduk-kabupaten",
            title="Jumlah penduduk menurut kabupaten", groups=["kependudukan"],
            tags=["penduduk", "jenis kelamin"], tahun_data=2024, frekuensi="tahunan",
            kode_wilayah="62",
        ),
        "miskin": publish(
            producer_b, office_b, walidata, "kemiskinan-kabupaten",
            title="Persentase penduduk miskin", groups=["sosial"], tags=["kemiskinan"],
            tahun_data=2023, frekuensi="tahunan", kode_wilayah="62.71",
        ),
        "sekolah": publish(
            producer_b, office_b, walidata, "jumlah-sekolah",
            title="Jumlah sekolah menurut jenjang", groups=["pendidikan"],
            tags=["sekolah", "pendidikan"], tahun_data=2024, frekuensi="semesteran",
        ),
    }  # fmt: skip
    made["private"] = publish(
        producer_a, office_a, walidata, "penduduk-rahasia", title="Penduduk rahasia",
        tags=["penduduk"], private=True,
    )  # fmt: skip
    made["draft"] = services.dataset_create(
        user=producer_a, office=office_a,
        fields={"name": "penduduk-draf", "title": "Penduduk draf"}, tags=["penduduk"],
    )  # fmt: skip
    return made


def run(params, user=None):
    return search.package_search(user=user or AnonymousUser(), params=params)


def names(result):
    return [r["name"] for r in result["results"]]


def test_browse_lists_public_datasets_newest_first(catalogue):
    result = run({})
    assert result["count"] == 3
    assert names(result) == ["jumlah-sekolah", "kemiskinan-kabupaten", "penduduk-kabupaten"]
    assert result["facets"] == {}
    assert result["sort"] == search.DEFAULT_SORT


def test_text_query_stems_and_ranks(catalogue):
    result = run({"q": "kependudukan"})  # stems to "duduk", like "penduduk"
    assert set(names(result)) == {"penduduk-kabupaten", "kemiskinan-kabupaten"}
    assert run({"q": "sekolah"})["count"] == 1
    assert run({"q": "tidakada"})["count"] == 0


def test_partial_words_match_as_prefixes(catalogue):
    assert names(run({"q": "kemiskin"})) == ["kemiskinan-kabupaten"]


def test_field_clauses_in_q_filter(catalogue):
    assert names(run({"q": "organization:dinas-b sekolah"})) == ["jumlah-sekolah"]


def test_fq_filters(catalogue):
    assert names(run({"fq": "tags:penduduk"})) == ["penduduk-kabupaten"]
    assert run({"fq": "organization:dinas-b"})["count"] == 2
    assert run({"fq": f"owner_org:{catalogue['penduduk'].organization_id}"})["count"] == 1
    assert run({"fq": "-organization:dinas-b"})["count"] == 1
    assert run({"fq": "groups:(sosial OR pendidikan)"})["count"] == 2
    assert run({"fq": "tahun:2024 frekuensi:tahunan"})["count"] == 1
    assert run({"fq": "tahun:[2020 TO 2023]"})["count"] == 1
    assert run({"fq": "kode_wilayah:62.71"})["count"] == 1
    assert run({"fq": "res_format:xlsx"})["count"] == 3
    assert run({"fq": "res_format:PDF"})["count"] == 0
    assert run({"fq": "license_id:cc-by-4.0"})["count"] == 3
    assert run({"fq": "name:jumlah-sekolah"})["count"] == 1
    assert run({"fq": f"id:{catalogue['miskin'].pk}"})["count"] == 1
    assert run({"fq": "+dataset_type:dataset +state:active capacity:public"})["count"] == 3
    assert run({"fq_list": ["tags:penduduk", "tahun:2024"]})["count"] == 1


def test_modified_range(catalogue):
    future = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    assert run({"fq": search.modified_since(future)})["count"] == 0
    past = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    assert run({"fq": search.modified_since(past)})["count"] == 3


def test_facets_and_search_facets(catalogue):
    result = run({"facet.field": ["organization", "groups", "tags", "tahun", "frekuensi"]})
    assert result["facets"]["organization"] == {"dinas-b": 2, "dinas-a": 1}
    assert result["facets"]["tahun"] == {"2024": 2, "2023": 1}
    assert result["facets"]["frekuensi"] == {"tahunan": 2, "semesteran": 1}
    items = result["search_facets"]["groups"]["items"]
    displayed = [i["display_name"] for i in items]
    assert displayed == sorted(displayed, reverse=True)
    assert {"name": "sosial", "display_name": "Sosial dan Kemiskinan", "count": 1} in items
    organizations = result["search_facets"]["organization"]["items"]
    assert {i["display_name"] for i in organizations} == {"Dinas A", "Dinas B"}
    limited = run({"facet.field": '["tags"]', "facet.limit": 1})
    assert len(limited["facets"]["tags"]) == 1
    assert run({"facet.field": "tags", "facet.mincount": 2})["facets"]["tags"] == {}


def test_sorts_and_paging(catalogue):
    assert names(run({"sort": "name asc"})) == [
        "jumlah-sekolah",
        "kemiskinan-kabupaten",
        "penduduk-kabupaten",
    ]
    assert names(run({"sort": "title_string desc"}))[0] == "kemiskinan-kabupaten"
    assert names(run({"sort": "metadata_created asc"}))[0] == "penduduk-kabupaten"
    first, second = run({"rows": 2}), run({"rows": 2, "start": 2})
    assert first["count"] == second["count"] == 3
    assert len(first["results"]) == 2 and len(second["results"]) == 1
    assert run({"rows": 5000})["count"] == 3  # capped at 1000, not refused


def test_private_and_drafts_only_for_who_may_see_them(catalogue, producer_a, outside_producer):
    assert "penduduk-rahasia" not in names(run({"include_private": True, "rows": 100}))
    mine = run({"include_private": True, "include_drafts": True}, user=producer_a)
    assert {"penduduk-rahasia", "penduduk-draf"} <= set(names(mine))
    assert "penduduk-rahasia" not in names(run({}, user=producer_a))
    other = run({"include_private": True, "include_drafts": True}, user=outside_producer)
    assert other["count"] == 3


@pytest.mark.parametrize(
    "params",
    [
        {"fq": "bogus:1"},
        {"unknown_key": "1"},
        {"sort": "popularity desc"},
        {"facet.field": ["bogus"]},
    ],
)
def test_bad_queries_raise_search_query_error(catalogue, params):
    with pytest.raises(SearchQueryError):
        run(params)


def test_bad_numbers_raise_validation_error(catalogue):
    with pytest.raises(ValidationError):
        run({"rows": "banyak"})
    with pytest.raises(ValidationError):
        run({"start": -1})


def test_snapshot_follows_changes(catalogue, producer_a, office_a, walidata):
    assert run({})["count"] == 3
    publish(producer_a, office_a, walidata, "baru", title="Dataset baru", tags=["baru"])
    assert run({"fq": "tags:baru"})["count"] == 1
    # A write that bypasses signals is seen once the fingerprint is compared again.
    Dataset.objects.filter(name="baru").update(private=True, modified_at=timezone.now())
    search._current[0].checked_at -= search.FINGERPRINT_SECONDS + 1
    assert run({"fq": "tags:baru"})["count"] == 0
