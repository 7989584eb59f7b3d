"""The CKAN Action API v3, proven with the real ckanapi client (RemoteCKAN in POST and
get_only modes, and its command line) against a live server (modules.md §1.8)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from ckanapi import (
    CKANAPIError,
    NotAuthorized,
    NotFound,
    RemoteCKAN,
    SearchQueryError,
    ValidationError,
)

from ppid.core.tokens import token_create
from ppid.databank import services

from .conftest import CSV_BYTES, csv_upload
from .test_search import publish

CKANAPI_BIN = str(Path(sys.executable).with_name("ckanapi"))
# The dump command starts its workers as "ckanapi" from PATH.
CLI_ENV = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}


@pytest.fixture
def catalogue(producer_a, producer_b, office_a, office_b, walidata):
    made = {
        "penduduk": publish(
            producer_a, office_a, walidata, "penduduk-kabupaten",
            title="Jumlah penduduk menurut kabupaten", groups=["kependudukan"],
            tags=["penduduk", "jenis kelamin"], tahun_data=2024, frekuensi="tahunan",
            kode_wilayah="62", walidata="Diskominfo Kalteng", satuan="jiwa",
            upload=csv_upload(),
        ),
        "miskin": publish(
            producer_b, office_b, walidata, "kemiskinan-kabupaten",
            title="Persentase penduduk miskin", groups=["sosial"], tags=["kemiskinan"],
            tahun_data=2023, frekuensi="tahunan",
        ),
        "sekolah": publish(
            producer_b, office_b, walidata, "jumlah-sekolah",
            title="Jumlah sekolah menurut jenjang", groups=["pendidikan"],
            tags=["sekolah", "pendidikan"], tahun_data=2024, link_format="PDF",
        ),
        "private": publish(
            producer_a, office_a, walidata, "penduduk-rahasia", title="Penduduk rahasia",
            tags=["penduduk"], private=True,
        ),
        "draft": services.dataset_create(
            user=producer_a, office=office_a,
            fields={"name": "penduduk-draf", "title": "Penduduk draf"}, tags=["penduduk"],
        ),
    }  # fmt: skip
    return made


@pytest.fixture(params=[False, True], ids=["post", "get_only"])
def ckan(live_server, request, catalogue):
    with RemoteCKAN(live_server.url, get_only=request.param) as client:
        yield client


PUBLIC = ["jumlah-sekolah", "kemiskinan-kabupaten", "penduduk-kabupaten"]


def test_status_show_and_site_read(ckan):
    status = ckan.action.status_show()
    assert status["ckan_version"].startswith("2.11")
    assert status["site_url"].startswith("http://")
    assert ckan.action.site_read() is True


def test_package_list_names_public_datasets_only(ckan):
    assert ckan.action.package_list() == PUBLIC
    assert ckan.action.package_list(limit=1, offset=1) == ["kemiskinan-kabupaten"]
    # Extra keys (as the CLI sends) are ignored.
    assert ckan.action.package_list(include_private=True, include_drafts=True) == PUBLIC


def test_package_show_by_name_and_id(ckan, catalogue):
    package = ckan.action.package_show(id="penduduk-kabupaten", include_plugin_data=True)
    assert package["id"] == str(catalogue["penduduk"].pk)
    assert ckan.action.package_show(id=package["id"])["name"] == "penduduk-kabupaten"
    assert package["state"] == "active" and package["private"] is False
    assert package["organization"]["name"] == "dinas-a"
    assert package["owner_org"] == package["organization"]["id"]
    assert [g["name"] for g in package["groups"]] == ["kependudukan"]
    assert [t["name"] for t in package["tags"]] == ["jenis kelamin", "penduduk"]
    assert package["num_tags"] == 2 and package["num_resources"] == 1
    assert package["license_id"] == "cc-by-4.0" and package["isopen"] is True
    # Satu Data fields: top-level keys and extras.
    assert package["kode_wilayah"] == "62" and package["walidata"] == "Diskominfo Kalteng"
    extras = {e["key"]: e["value"] for e in package["extras"]}
    assert extras["tahun_data"] == "2024" and extras["produsen_data"] == "Dinas A"
    resource = package["resources"][0]
    assert resource["url_type"] == "upload" and resource["format"] == "CSV"
    assert resource["url"].startswith(ckan.address.rstrip("/") + "/dataset/")
    assert resource["hash"].startswith("sha256:") and resource["size"] == len(CSV_BYTES)
    assert "T" in package["metadata_modified"] and "+" not in package["metadata_modified"]


def test_missing_dataset_raises_not_found(ckan):
    with pytest.raises(NotFound):
        ckan.action.package_show(id="tidak-ada")


def test_missing_id_is_a_validation_error(ckan):
    with pytest.raises(ValidationError) as e:
        ckan.action.package_show()
    assert e.value.error_dict["id"] == ["Missing value"]


def test_private_and_draft_datasets_are_invisible_to_anonymous(ckan):
    for name in ("penduduk-rahasia", "penduduk-draf"):
        with pytest.raises(NotFound):
            ckan.action.package_show(id=name)
    found = ckan.action.package_search(
        q="penduduk", include_private=True, include_drafts=True, rows=100
    )
    assert {r["name"] for r in found["results"]} == {"penduduk-kabupaten", "kemiskinan-kabupaten"}
    assert "penduduk" in ckan.action.tag_list()
    with pytest.raises(NotFound):
        ckan.action.package_show(id="penduduk-rahasia", include_private=True)


def test_a_token_shows_the_producer_his_own_drafts(live_server, catalogue, producer_a):
    _token, key = token_create(user=producer_a, name="ckanapi")
    with RemoteCKAN(live_server.url, apikey=key) as client:
        assert client.action.package_show(id="penduduk-draf")["state"] == "draft"
        found = client.action.package_search(include_private=True, include_drafts=True)
        assert {"penduduk-rahasia", "penduduk-draf"} <= {r["name"] for r in found["results"]}
        assert found["count"] == 5
    with RemoteCKAN(live_server.url, apikey="not-a-token") as client, pytest.raises(NotAuthorized):
        client.action.package_list()


def test_write_actions_are_refused(ckan):
    if ckan.get_only:
        # GET on a write action: 400 "please use POST", which ckanapi cannot map.
        with pytest.raises(CKANAPIError):
            ckan.action.package_create(name="baru")
    else:
        with pytest.raises(NotAuthorized):
            ckan.action.package_create(name="baru", title="Baru")


def test_unknown_action_is_a_ckanapi_error(ckan):
    with pytest.raises(CKANAPIError) as e:
        ckan.action.tidak_ada()
    assert "Action name not known" in str(e.value)


def test_bad_fq_and_unknown_search_key(ckan):
    with pytest.raises(SearchQueryError):
        ckan.action.package_search(fq="bogus_field:1")
    with pytest.raises(SearchQueryError):
        ckan.action.package_search(fq="tags:eko*")
    with pytest.raises(SearchQueryError) as e:
        ckan.action.package_search(q="x", kunci_asing="1")
    assert "kunci_asing" in str(e.value)


def test_facets_as_list(ckan):
    r = ckan.action.package_search(
        q="penduduk", rows=5, **{"facet.field": ["tags", "organization"]}
    )
    assert "tags" in r["facets"] and r["search_facets"]["tags"]["items"]
    assert r["facets"]["organization"] == {"dinas-a": 1, "dinas-b": 1}
    items = r["search_facets"]["tags"]["items"]
    assert [i["display_name"] for i in items] == sorted((i["display_name"] for i in items),
                                                        reverse=True)  # fmt: skip


def test_facets_as_json_string(ckan):
    r = ckan.action.package_search(**{"facet.field": '["groups", "res_format"]'})
    assert r["facets"]["res_format"] == {"XLSX": 1, "CSV": 1, "PDF": 1}
    names = {i["name"]: i["display_name"] for i in r["search_facets"]["groups"]["items"]}
    assert names["sosial"] == "Sosial dan Kemiskinan"


def test_facets_as_repeated_parameters(live_server, catalogue):
    url = f"{live_server.url}/api/3/action/package_search"
    response = requests.get(
        url, params=[("facet.field", "tags"), ("facet.field", "tahun"), ("rows", "0")], timeout=10
    )
    body = response.json()
    assert body["success"] is True
    assert body["result"]["facets"]["tahun"] == {"2024": 2, "2023": 1}
    assert body["result"]["results"] == []


def test_paging_with_start_and_rows(ckan):
    first = ckan.action.package_search(rows=2, sort="name asc")
    second = ckan.action.package_search(rows=2, start=2, sort="name asc")
    assert first["count"] == second["count"] == 3
    names = [r["name"] for r in first["results"] + second["results"]]
    assert names == PUBLIC
    assert len(ckan.action.package_search(rows=5000)["results"]) == 3  # capped at 1000


def test_resource_show(ckan, catalogue):
    resource = catalogue["penduduk"].resources.get()
    shown = ckan.action.resource_show(id=str(resource.pk))
    assert shown["package_id"] == str(catalogue["penduduk"].pk)
    assert shown["datastore_active"] is True
    with pytest.raises(NotFound):
        ckan.action.resource_show(id=str(catalogue["private"].resources.get().pk))


def test_organizations_and_groups(ckan):
    assert ckan.action.organization_list() == ["dinas-a", "dinas-b"]
    orgs = ckan.action.organization_list(all_fields=True, sort="package_count desc")
    assert [(o["name"], o["package_count"]) for o in orgs] == [("dinas-b", 2), ("dinas-a", 1)]
    assert orgs[0]["is_organization"] is True and orgs[0]["type"] == "organization"
    shown = ckan.action.organization_show(id="dinas-b", include_datasets=True)
    assert shown["package_count"] == 2
    assert {p["name"] for p in shown["packages"]} == {"jumlah-sekolah", "kemiskinan-kabupaten"}
    assert ckan.action.organization_show(id=shown["id"])["name"] == "dinas-b"
    with pytest.raises(NotFound):
        ckan.action.organization_show(id="tidak-ada")
    groups = ckan.action.group_list(all_fields=True)
    assert len(groups) <= 25
    counts = {g["name"]: g["package_count"] for g in groups}
    assert counts["kependudukan"] == 1 and counts["kesehatan"] == 0
    shown = ckan.action.group_show(id="sosial", include_datasets=True)
    assert [p["name"] for p in shown["packages"]] == ["kemiskinan-kabupaten"]


def test_tags_licences_and_help(ckan):
    assert ckan.action.tag_list(query="pen") == ["pendidikan", "penduduk"]
    assert ckan.action.tag_list(all_fields=True)[0]["display_name"]
    licences = {lic["id"]: lic for lic in ckan.action.license_list()}
    assert licences["cc-by-4.0"]["url"].startswith("http")
    assert "od_conformance" in licences["cc-by-4.0"]
    assert "facet.field" in ckan.action.help_show(name="package_search")


def test_datastore_search(ckan, catalogue):
    resource = catalogue["penduduk"].resources.get()
    filters = {"kabupaten": "Kapuas"}
    result = ckan.action.datastore_search(
        resource_id=str(resource.pk),
        filters=json.dumps(filters) if ckan.get_only else filters,
    )
    assert result["total"] == 1
    assert result["records"][0]["kabupaten"] == "Kapuas"
    assert {f["id"] for f in result["fields"]} >= {"kabupaten", "laki_laki"}
    with pytest.raises(ValidationError):
        ckan.action.datastore_search(resource_id=str(resource.pk), sort="tidak_ada desc")
    with pytest.raises(NotFound):
        ckan.action.datastore_search(resource_id=str(catalogue["private"].resources.get().pk))


def test_both_url_forms_envelope_and_status_codes(live_server, catalogue):
    base = live_server.url
    for path in ("/api/action/package_list", "/api/3/action/package_list"):
        for method in (requests.get, requests.post):
            response = method(base + path, timeout=10, allow_redirects=False)
            assert response.status_code == 200, (path, response.status_code)
            assert response.headers["Content-Type"].startswith("application/json")
            body = response.json()
            assert body["success"] is True and body["result"] == PUBLIC
            assert body["help"].endswith("/api/3/action/help_show?name=package_list")
    response = requests.post(
        base + "/api/action/package_show", json={"id": "tidak-ada"}, timeout=10
    )
    assert response.status_code == 404
    assert response.json()["error"]["__type"] == "Not Found Error"
    response = requests.post(base + "/api/action/package_show", json={}, timeout=10)
    assert response.status_code == 409
    assert response.json()["error"] == {"id": ["Missing value"], "__type": "Validation Error"}
    response = requests.post(base + "/api/action/package_create", json={}, timeout=10)
    assert response.status_code == 403
    assert response.json()["error"]["__type"] == "Authorization Error"
    response = requests.get(base + "/api/action/tidak_ada", timeout=10)
    assert response.status_code == 400
    assert response.json() == "Bad request - Action name not known: tidak_ada"
    response = requests.post(
        base + "/api/action/package_search", data="[1]",
        headers={"Content-Type": "application/json"}, timeout=10,
    )  # fmt: skip
    assert response.status_code == 400 and response.json().startswith("Bad request - JSON Error")
    response = requests.get(base + "/api/action/package_search?fq=bogus:1", timeout=10)
    assert response.status_code == 400
    assert response.json()["error"]["__type"] == "Search Query Error"
    # Form-encoded bodies and the API root.
    response = requests.post(
        base + "/api/action/package_show", data={"id": "jumlah-sekolah"}, timeout=10
    )
    assert response.json()["result"]["name"] == "jumlah-sekolah"
    assert requests.get(base + "/api/3", timeout=10).json() == {"version": 3}


def test_base_url_with_trailing_slash(live_server, catalogue):
    with RemoteCKAN(live_server.url + "/") as client:
        assert client.action.package_list() == PUBLIC


def test_ckanapi_cli_dump_and_action(live_server, catalogue):
    dump = subprocess.run(
        [CKANAPI_BIN, "dump", "datasets", "--all", "-q", "-p", "1", "-r", live_server.url],
        capture_output=True, text=True, timeout=120, check=True, env=CLI_ENV,
    )  # fmt: skip
    lines = [json.loads(line) for line in dump.stdout.splitlines() if line.strip()]
    assert sorted(d["name"] for d in lines) == PUBLIC
    action = subprocess.run(
        [CKANAPI_BIN, "action", "package_search", "q=sekolah", "-j", "-r", live_server.url],
        capture_output=True, text=True, timeout=60, check=True, env=CLI_ENV,
    )  # fmt: skip
    result = json.loads(action.stdout)
    assert result["count"] == 1 and result["results"][0]["name"] == "jumlah-sekolah"
    search = subprocess.run(
        [CKANAPI_BIN, "search", "datasets", "q=penduduk", "-r", live_server.url],
        capture_output=True, text=True, timeout=60, check=True, env=CLI_ENV,
    )  # fmt: skip
    found = [json.loads(line)["name"] for line in search.stdout.splitlines() if line.strip()]
    assert sorted(found) == ["kemiskinan-kabupaten", "penduduk-kabupaten"]
