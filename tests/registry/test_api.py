"""The JSON API (/api/v1/): public reads of published DIP rows (F49), staff writes with
tokens scoped like the back office, and no input that can produce a 5xx."""

import datetime
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openapi_spec_validator import validate as validate_openapi

from ppid.api import api
from ppid.core.models import IdempotencyKey
from ppid.core.tokens import token_create, token_revoke
from ppid.registry.models import Category, Document, InformationItem
from ppid.registry.services import ITEM_FIELDS
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1"
HOSTILE_QUERIES = [
    '"', "*", "anggaran*", "AND", "OR NOT", "NEAR(", "laporan AND NEAR(",
    "'; DROP TABLE registry_informationitem; --", "1' OR '1'='1", "🙂📄", "\x00laporan",
    "   ", "\t\n", "a" * 5000, " ".join(["laporan"] * 1000), "(((())))", "col:value",
    "^laporan", "-laporan", "& | ! <->", "\\", "%", "_", "%00",
]  # fmt: skip


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {token_create(user=user, name='test')[1]}"}


def draft(**kwargs) -> InformationItem:
    return ItemFactory(status=InformationItem.Status.DRAFT, published_at=None, **kwargs)


def item_payload(office_slug: str, **overrides) -> dict:
    return {
        "office": office_slug,
        "title": "Laporan realisasi anggaran",
        "summary": "Laporan realisasi anggaran semester pertama",
        "category": "setiap_saat",
        "owner_unit": "Sekretariat",
        "responsible": "Kepala Dinas",
        "creation_time": "Juli 2026",
        "creation_place": "Palangka Raya",
        "form_softcopy": True,
        "form_hardcopy": False,
        "retention": "5 tahun",
        "media_type": "PDF",
        "year": timezone.localdate().year,
        **overrides,
    }


def post_json(client, path, data, **headers):
    return client.post(path, json.dumps(data), content_type="application/json", headers=headers)


def patch_json(client, path, data, **headers):
    return client.patch(path, json.dumps(data), content_type="application/json", headers=headers)


# --- OpenAPI and docs ------------------------------------------------------------------------


def test_the_openapi_description_is_valid_openapi_3(client):
    response = client.get(f"{URL}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    validate_openapi(schema)


def test_the_openapi_description_lists_every_path_the_api_serves(client):
    documented = set(client.get(f"{URL}/openapi.json").json()["paths"])
    served = {
        URL + "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(p.pattern))
        for p in api.urls[0]
        if p.name not in ("api-root", "openapi-json", "openapi-view")
    }
    assert served == documented
    expected = ["bodies", "bodies/{slug}", "information", "information/{item_id}",
                "information/{item_id}/publish", "information/{item_id}/withdraw",
                "staff/information", "staff/information/{item_id}"]  # fmt: skip
    assert {f"{URL}/{path}" for path in expected} <= documented


def test_the_openapi_description_declares_bearer_tokens_for_staff_writes(client):
    schema = client.get(f"{URL}/openapi.json").json()
    assert any(
        s.get("scheme") == "bearer" for s in schema["components"]["securitySchemes"].values()
    )
    assert schema["paths"][f"{URL}/information"]["post"]["security"]
    assert "security" not in schema["paths"][f"{URL}/information"]["get"]


def test_the_docs_page_loads_only_local_static_files(client):
    response = client.get(f"{URL}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, "the page should load swagger-ui's script and stylesheet"
    assert all(a.startswith("/static/") for a in assets), assets
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset


# --- bodies ----------------------------------------------------------------------------------


def test_bodies_are_listed_with_their_offices(client, office_a, office_b, utama):
    response = client.get(f"{URL}/bodies")
    assert response.status_code == 200
    bodies = {b["slug"]: b for b in response.json()}
    assert [o["slug"] for o in bodies["dinas-a"]["offices"]] == ["ppid-dinas-a"]
    assert bodies["dinas-a"]["offices"][0]["parent"] == "ppid-utama-uji"
    assert bodies["dinas-a"]["parent"] == "provinsi-uji"
    assert bodies["provinsi-uji"]["offices"][0]["kind"] == "utama"


def test_one_body_is_read_by_its_slug(client, office_a):
    response = client.get(f"{URL}/bodies/dinas-a")
    assert response.status_code == 200
    assert response.json()["offices"][0]["name"] == "PPID Dinas A"


@pytest.mark.parametrize("slug", ["nope", "%00", "a" * 500, "dinas-a%20"])
def test_an_unknown_body_is_a_json_404(client, office_a, slug):
    response = client.get(f"{URL}/bodies/{slug}")
    assert response.status_code == 404
    assert response.json()["detail"]


# --- public information ----------------------------------------------------------------------


def test_a_result_carries_every_f49_column_and_its_documents_and_links(client, office_a):
    item = ItemFactory(office=office_a, media_type="PDF")
    Document.objects.create(
        item=item, kind=Document.Kind.FILE, title="Laporan", file="registry/x/laporan.pdf",
        content_type="application/pdf", size=1234,
    )  # fmt: skip
    Document.objects.create(
        item=item, kind=Document.Kind.FILE, title="Lama", file="registry/x/lama.pdf",
        is_active=False,
    )  # fmt: skip
    Document.objects.create(
        item=item, kind=Document.Kind.LINK, title="Portal", url="https://data.example.test/a"
    )
    response = client.get(f"{URL}/information")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert set(ITEM_FIELDS) <= set(row)
    assert row["id"] == str(item.uid)
    assert row["body"] == {"slug": "dinas-a", "name": "Dinas A"}
    assert row["office"] == {"slug": "ppid-dinas-a", "name": "PPID Dinas A"}
    [document] = row["documents"]
    assert document["title"] == "Laporan"
    assert document["url"].endswith(f"/dokumen/{item.documents.get(title='Laporan').uid}/")
    assert (document["content_type"], document["size"]) == ("application/pdf", 1234)
    assert row["links"] == [{"title": "Portal", "url": "https://data.example.test/a"}]
    assert client.get(f"{URL}/information/{item.uid}").json() == row


def test_document_urls_do_not_follow_the_clients_language(client, office_a):
    item = ItemFactory(office=office_a)
    row = client.get(f"{URL}/information/{item.uid}", headers={"Accept-Language": "en"}).json()
    assert "/en/" not in row["url"]


def test_drafts_and_withdrawn_items_are_invisible_to_the_public(client, office_a):
    published = ItemFactory(office=office_a)
    hidden = draft(office=office_a)
    withdrawn = ItemFactory(
        office=office_a, status=InformationItem.Status.WITHDRAWN, withdrawn_reason="salah"
    )
    ids = [r["id"] for r in client.get(f"{URL}/information").json()["results"]]
    assert ids == [str(published.uid)]
    for item in (hidden, withdrawn):
        response = client.get(f"{URL}/information/{item.uid}")
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."} or response.json()["detail"]


@pytest.mark.parametrize(
    "item_id", ["not-a-uuid", "1", "00000000-0000-0000-0000-000000000000", "%00"]
)
def test_an_unknown_or_malformed_id_is_a_json_404(client, item_id):
    response = client.get(f"{URL}/information/{item_id}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_the_integer_pk_is_never_an_id(client, office_a):
    item = ItemFactory(office=office_a)
    assert client.get(f"{URL}/information/{item.pk}").status_code == 404


def test_results_are_paginated_with_a_count(client, office_a):
    ItemFactory.create_batch(25, office=office_a)
    first = client.get(f"{URL}/information", {"page_size": 10}).json()
    third = client.get(f"{URL}/information", {"page_size": 10, "page": 3}).json()
    assert (first["count"], len(first["results"])) == (25, 10)
    assert (third["count"], len(third["results"])) == (25, 5)
    assert client.get(f"{URL}/information").json()["page_size"] == 20
    beyond = client.get(f"{URL}/information", {"page": 10**30})
    assert beyond.status_code == 200 and beyond.json()["results"] == []


def test_page_size_is_capped_at_100(client):
    assert client.get(f"{URL}/information", {"page_size": 100}).status_code == 200
    response = client.get(f"{URL}/information", {"page_size": 1000})
    assert response.status_code == 422
    assert "page_size" in response.json()["detail"]


def test_filters_narrow_the_results(client, office_a, office_b):
    a = ItemFactory(office=office_a, category=Category.BERKALA, year=2025, title="Rencana kerja")
    b = ItemFactory(office=office_b, category=Category.SETIAP_SAAT, year=2026, title="Daftar aset")

    def ids(**params):
        return {r["id"] for r in client.get(f"{URL}/information", params).json()["results"]}

    assert ids(body="dinas-a") == {str(a.uid)}
    assert ids(office="ppid-dinas-b") == {str(b.uid)}
    assert ids(category="berkala") == {str(a.uid)}
    assert ids(year=2026) == {str(b.uid)}
    assert ids(q="aset") == {str(b.uid)}
    assert ids(q="aset", body="dinas-a") == set()
    assert ids(year="", category="") == {str(a.uid), str(b.uid)}  # empty form fields


@pytest.mark.parametrize("q", HOSTILE_QUERIES)
def test_hostile_query_text_answers_200(client, office_a, q):
    ItemFactory(office=office_a)
    response = client.get(f"{URL}/information", {"q": q})
    assert response.status_code == 200
    assert "count" in response.json()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page_size": 1000}, "page_size"),
        ({"page_size": 0}, "page_size"),
        ({"page": 0}, "page"),
        ({"page": "x"}, "page"),
        ({"year": "abc"}, "year"),
        ({"year": "99999"}, "year"),
        ({"category": "x"}, "category"),
        ({"sort": "drop"}, "sort"),
        ({"body": "not a slug!"}, "body"),
        ({"body": "\x00"}, "body"),
    ],
)
def test_bad_parameters_answer_422_with_a_message(client, params, field):
    response = client.get(f"{URL}/information", params)
    assert response.status_code == 422
    body = response.json()
    assert field in body["detail"]
    assert body["errors"][0]["loc"][-1] == field
    assert "input" not in body["errors"][0]  # hostile input is not echoed


PUBLIC_PARAMS = ["q", "body", "office", "category", "year", "sort", "page", "page_size"]


@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(params=st.dictionaries(st.sampled_from(PUBLIC_PARAMS), st.text(max_size=300)))
def test_no_query_string_makes_the_public_list_fail(client, params):
    response = client.get(f"{URL}/information", params)
    assert response.status_code in (200, 422), response.content
    assert response.json()["detail" if response.status_code == 422 else "count"] is not None


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=st.text(min_size=1, max_size=200))
def test_no_path_value_makes_a_detail_page_fail(client, value):
    from urllib.parse import quote

    for path in ("information", "bodies"):
        response = client.get(f"{URL}/{path}/{quote(value, safe='')}")
        assert response.status_code < 500


# --- staff: authentication and scope ---------------------------------------------------------


@pytest.fixture
def item_a(office_a):
    return draft(office=office_a, title="Rancangan laporan")


@pytest.fixture
def published_a(office_a):
    return ItemFactory(office=office_a, title="Laporan terbit")


def _write(client, action, item, headers, office_slug="ppid-dinas-a"):
    if action == "create":
        return post_json(client, f"{URL}/information", item_payload(office_slug), **headers)
    if action == "update":
        return patch_json(
            client, f"{URL}/information/{item.uid}", {"title": "Judul baru"}, **headers
        )
    if action == "publish":
        return client.post(f"{URL}/information/{item.uid}/publish", headers=headers)
    return post_json(
        client, f"{URL}/information/{item.uid}/withdraw", {"reason": "Keliru"}, **headers
    )


ACTIONS = ["create", "update", "publish", "withdraw"]


def _target(action, item_a, published_a):
    return published_a if action == "withdraw" else item_a


def _snapshot():
    return list(InformationItem.objects.order_by("pk").values_list("pk", "title", "status"))


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("officer_b", 404),
        ("outsider", 404),
        ("atasan", 404),  # may read the office's registry, not change it
        ("citizen", 403),  # holds no appointment at all
        ("expired_officer", 403),  # F48: the appointment has ended
    ],
)
def test_refused_writes_change_nothing(
    request, client, action, persona, expected, item_a, published_a
):
    headers = bearer(request.getfixturevalue(persona))
    before = _snapshot()
    response = _write(client, action, _target(action, item_a, published_a), headers)
    assert response.status_code == expected, response.content
    assert response.json()["detail"]
    assert _snapshot() == before


@pytest.mark.parametrize("action", ACTIONS)
def test_writes_need_a_token(client, action, item_a, published_a, officer_a):
    before = _snapshot()
    response = _write(client, action, _target(action, item_a, published_a), {})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert _snapshot() == before


@pytest.mark.parametrize("action", ACTIONS)
def test_a_revoked_token_is_refused(client, action, item_a, published_a, officer_a):
    token, raw_key = token_create(user=officer_a, name="old")
    token_revoke(token=token)
    before = _snapshot()
    response = _write(
        client, action, _target(action, item_a, published_a), {"Authorization": f"Bearer {raw_key}"}
    )
    assert response.status_code == 401
    assert _snapshot() == before


@pytest.mark.parametrize("action", ACTIONS)
def test_a_session_login_cannot_write_through_the_api(
    client, action, item_a, published_a, officer_a
):
    # The API acts on tokens only, so a browser's session cookie (CSRF's attack surface)
    # carries no write rights at all.
    client.force_login(officer_a)
    before = _snapshot()
    response = _write(client, action, _target(action, item_a, published_a), {})
    assert response.status_code == 401
    assert _snapshot() == before


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("persona", ["officer_a", "utama_officer", "superuser"])
def test_the_offices_managers_may_write(request, action, persona, item_a, published_a):
    # A client that enforces CSRF, to show token requests do not need it.
    client = Client(enforce_csrf_checks=True)
    headers = bearer(request.getfixturevalue(persona))
    response = _write(client, action, _target(action, item_a, published_a), headers)
    assert response.status_code == (201 if action == "create" else 200), response.content


def test_an_unknown_office_is_404_like_another_offices(client, officer_a, office_b):
    headers = bearer(officer_a)
    for slug in ("ppid-tidak-ada", "ppid-dinas-b"):
        response = post_json(client, f"{URL}/information", item_payload(slug), **headers)
        assert response.status_code == 404
    assert not InformationItem.objects.exists()


# --- staff: behaviour ------------------------------------------------------------------------


def test_a_created_item_is_a_draft_unless_published(client, officer_a):
    headers = bearer(officer_a)
    response = post_json(client, f"{URL}/information", item_payload("ppid-dinas-a"), **headers)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft"
    item = InformationItem.objects.get(uid=body["id"])
    assert (item.office.slug, item.body.slug, item.created_by) == (
        "ppid-dinas-a",
        "dinas-a",
        officer_a,
    )
    assert client.get(f"{URL}/information/{item.uid}").status_code == 404
    published = post_json(
        client, f"{URL}/information", item_payload("ppid-dinas-a", publish=True), **headers
    )
    assert published.json()["status"] == "published"


def test_serta_merta_items_are_published_at_once(client, officer_a):
    # F3: serta merta information is announced without delay.
    response = post_json(
        client, f"{URL}/information", item_payload("ppid-dinas-a", category="serta_merta"),
        **bearer(officer_a),
    )  # fmt: skip
    assert response.json()["status"] == "published"


@pytest.mark.parametrize(
    ("overrides", "status", "field"),
    [
        ({"title": "   "}, 400, "title"),
        ({"year": 1800}, 400, "year"),
        ({"form_softcopy": False, "form_hardcopy": False}, 400, "form_softcopy"),
        ({"category": "rahasia"}, 422, "category"),
        ({"year": "dua ribu"}, 422, "year"),
        ({"title": "x" * 301}, 422, "title"),
        ({"title": "laporan\x00"}, 422, "title"),
        ({"office": "\x00"}, 422, "office"),
        ({"title": None}, 422, "title"),
    ],
)
def test_invalid_items_are_refused_with_a_message(client, officer_a, overrides, status, field):
    response = post_json(
        client, f"{URL}/information", item_payload("ppid-dinas-a", **overrides), **bearer(officer_a)
    )
    assert response.status_code == status, response.content
    assert field in response.json()["detail"]
    assert not InformationItem.objects.exists()


def test_a_malformed_json_body_is_400(client, officer_a):
    response = client.post(
        f"{URL}/information",
        "{not json",
        content_type="application/json",
        headers=bearer(officer_a),
    )
    assert response.status_code == 400
    assert response.json()["detail"]


def test_a_patch_changes_only_the_fields_sent(client, officer_a, item_a):
    response = patch_json(
        client, f"{URL}/information/{item_a.uid}", {"retention": "10 tahun", "reason": "SK baru"},
        **bearer(officer_a),
    )  # fmt: skip
    assert response.status_code == 200
    item_a.refresh_from_db()
    assert (item_a.retention, item_a.title) == ("10 tahun", "Rancangan laporan")


@pytest.mark.parametrize("body", [{"title": None}, {"year": None}, {"media_type": None}])
def test_a_patch_cannot_null_a_column(client, officer_a, item_a, body):
    response = patch_json(client, f"{URL}/information/{item_a.uid}", body, **bearer(officer_a))
    assert response.status_code == 422
    assert response.json()["detail"]


def test_publishing_twice_is_a_400_with_a_message(client, officer_a, published_a):
    response = client.post(
        f"{URL}/information/{published_a.uid}/publish", headers=bearer(officer_a)
    )
    assert response.status_code == 400
    assert response.json()["detail"]


def test_withdrawal_needs_a_reason_and_hides_the_item(client, officer_a, published_a):
    headers = bearer(officer_a)
    path = f"{URL}/information/{published_a.uid}/withdraw"
    assert post_json(client, path, {"reason": "  "}, **headers).status_code == 400
    assert post_json(client, path, {}, **headers).status_code == 422
    response = post_json(client, path, {"reason": "Data keliru"}, **headers)
    assert response.json()["status"] == "withdrawn"
    assert response.json()["withdrawn_reason"] == "Data keliru"
    assert client.get(f"{URL}/information/{published_a.uid}").status_code == 404


# --- idempotency -----------------------------------------------------------------------------


def test_the_same_idempotency_key_creates_one_item(client, officer_a):
    headers = {**bearer(officer_a), "Idempotency-Key": "retry-1"}
    first = post_json(client, f"{URL}/information", item_payload("ppid-dinas-a"), **headers)
    second = post_json(client, f"{URL}/information", item_payload("ppid-dinas-a"), **headers)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert InformationItem.objects.count() == 1


def test_an_idempotency_key_reused_for_another_request_is_a_409(client, officer_a):
    headers = {**bearer(officer_a), "Idempotency-Key": "retry-1"}
    post_json(client, f"{URL}/information", item_payload("ppid-dinas-a"), **headers)
    other = post_json(
        client, f"{URL}/information", item_payload("ppid-dinas-a", title="Lain"), **headers
    )
    assert other.status_code == 409
    assert other.json()["detail"]
    assert InformationItem.objects.count() == 1


def test_idempotency_keys_belong_to_their_user(client, officer_a, utama_officer):
    for user in (officer_a, utama_officer):
        headers = {**bearer(user), "Idempotency-Key": "same"}
        assert (
            post_json(
                client, f"{URL}/information", item_payload("ppid-dinas-a"), **headers
            ).status_code
            == 201
        )
    assert InformationItem.objects.count() == 2


def test_a_refused_request_does_not_use_up_its_idempotency_key(client, officer_a):
    headers = {**bearer(officer_a), "Idempotency-Key": "k"}
    bad = post_json(
        client, f"{URL}/information", item_payload("ppid-dinas-a", title=" "), **headers
    )
    assert bad.status_code == 400
    assert not IdempotencyKey.objects.exists()
    good = post_json(client, f"{URL}/information", item_payload("ppid-dinas-a"), **headers)
    assert good.status_code == 201


def test_an_overlong_idempotency_key_is_422(client, officer_a):
    headers = {**bearer(officer_a), "Idempotency-Key": "k" * 201}
    response = post_json(client, f"{URL}/information", item_payload("ppid-dinas-a"), **headers)
    assert response.status_code == 422
    assert not InformationItem.objects.exists()


# --- staff reads -----------------------------------------------------------------------------


def test_staff_see_their_offices_drafts_and_nothing_else(
    client, officer_a, utama_officer, outsider, office_a, office_b
):
    a_draft = draft(office=office_a)
    b_draft = draft(office=office_b)

    def ids(user, **params):
        response = client.get(f"{URL}/staff/information", params, headers=bearer(user))
        assert response.status_code == 200
        return {r["id"] for r in response.json()["results"]}

    assert ids(officer_a) == {str(a_draft.uid)}
    assert ids(utama_officer) == {str(a_draft.uid), str(b_draft.uid)}
    assert ids(utama_officer, office="ppid-dinas-b", status="draft") == {str(b_draft.uid)}
    assert ids(outsider) == set()
    assert (
        client.get(f"{URL}/staff/information/{b_draft.uid}", headers=bearer(officer_a)).status_code
        == 404
    )
    assert (
        client.get(f"{URL}/staff/information/{a_draft.uid}", headers=bearer(officer_a)).status_code
        == 200
    )


def test_staff_reads_need_a_current_appointment(client, expired_officer, office_a):
    draft(office=office_a)
    assert client.get(f"{URL}/staff/information").status_code == 401
    assert (
        client.get(f"{URL}/staff/information", headers=bearer(expired_officer)).status_code == 403
    )


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(params=st.dictionaries(st.sampled_from([*PUBLIC_PARAMS, "status"]), st.text(max_size=100)))
def test_no_query_string_makes_the_staff_list_fail(client, officer_a, params):
    response = client.get(f"{URL}/staff/information", params, headers=bearer(officer_a))
    assert response.status_code in (200, 422), response.content


def test_time_fields_are_iso_8601(client, office_a):
    item = ItemFactory(
        office=office_a, category=Category.BERKALA, next_review=datetime.date(2026, 6, 30)
    )
    row = client.get(f"{URL}/information/{item.uid}").json()
    assert row["next_review"] == "2026-06-30"
    assert datetime.datetime.fromisoformat(row["published_at"])


@pytest.mark.django_db(transaction=True)
def test_parallel_retries_with_one_idempotency_key_create_one_item(live_server, officer_a):
    # Real concurrent requests (pretix's test style): all answer the same item, one exists.
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    headers = {
        **bearer(officer_a),
        "Idempotency-Key": "parallel",
        "Content-Type": "application/json",
    }
    data = json.dumps(item_payload("ppid-dinas-a")).encode()

    def send(_):
        request = urllib.request.Request(
            f"{live_server.url}{URL}/information", data=data, headers=headers, method="POST"
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())["id"]

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(send, range(6)))
    assert {status for status, _ in results} == {201}
    assert len({item_id for _, item_id in results}) == 1
    assert InformationItem.objects.count() == 1
