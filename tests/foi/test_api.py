"""The request API (/api/v1/requests, /api/v1/staff/requests): anonymous submission with
Idempotency-Key, tracking by number and e-mail with one answer for every miss, and staff
endpoints scoped like the back office. No input produces a 5xx."""

import datetime
import json
import zoneinfo

import pytest
import time_machine
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ppid.api import api
from ppid.core.tokens import token_create
from ppid.foi import services
from ppid.foi.models import InformationRequest, Notice, PersonalDataAccess, ServiceSettings

from .conftest import REQUESTER_EMAIL, VALID_NIK

pytestmark = pytest.mark.django_db

URL = "/api/v1"
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")


@pytest.fixture(autouse=True)
def _wednesday():
    with time_machine.travel(datetime.datetime(2026, 7, 8, 10, 0, tzinfo=WIB), tick=False):
        yield


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {token_create(user=user, name='test')[1]}"}


def payload(**overrides) -> dict:
    body = {
        "office": "ppid-dinas-a",
        "requester": {
            "kind": "perorangan",
            "name": "Siti Warga",
            "nik": VALID_NIK,
            "address": "Jl. Tjilik Riwut No. 1",
            "occupation": "Wiraswasta",
            "phone": "081234567890",
            "email": REQUESTER_EMAIL,
        },
        "information": "Laporan realisasi anggaran 2025",
        "purpose": "Penelitian",
        "obtain_methods": ["salinan"],
        "copy_format": "softcopy",
        "delivery_method": "email",
    }
    body.update(overrides)
    return body


def post(client, body, key: str | None = None):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(
        f"{URL}/requests", json.dumps(body), content_type="application/json", headers=headers
    )


# --- submission ---------------------------------------------------------------------------


def test_an_anonymous_request_is_registered_and_answered_201(client, office_a):
    response = post(client, payload())
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"registration_number", "received_at", "due_date", "tracking_token"}
    assert body["registration_number"] == "PPID-DINAS-A/PERMOHONAN/2026/00001"
    assert body["due_date"] == "2026-07-22"
    assert datetime.datetime.fromisoformat(body["received_at"])
    created = InformationRequest.objects.get()
    assert created.channel == "aplikasi"
    assert services.request_by_token(body["tracking_token"]) == created


def test_the_same_idempotency_key_gives_the_same_201_and_one_request(client, office_a):
    first = post(client, payload(), "k-1")
    again = post(client, payload(), "k-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert InformationRequest.objects.count() == 1
    other = post(client, payload(), "k-2")
    assert other.json()["registration_number"].endswith("/00002")


def test_an_idempotency_key_reused_for_another_request_is_a_409(client, office_a):
    assert post(client, payload(), "k-1").status_code == 201
    response = post(client, payload(information="Lain"), "k-1")
    assert response.status_code == 409
    assert "tracking_token" not in response.json()
    assert InformationRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"requester": {**payload()["requester"], "nik": "1234567890123456"}}, "nik"),
        ({"requester": {**payload()["requester"], "email": "x", "phone": ""}}, "email"),
        ({"obtain_methods": ["mencuri"]}, "obtain_methods"),
        ({"copy_format": ""}, "copy_format"),
        ({"office": "tidak-ada"}, "office"),
        ({"information": "   "}, "information"),
    ],
)
def test_a_refused_request_answers_400_with_the_fields_message(client, office_a, change, field):
    response = post(client, payload(**change))
    assert response.status_code == 400, response.content
    body = response.json()
    assert [e["loc"][-1] for e in body["errors"]] == [field]
    assert body["detail"]
    assert VALID_NIK not in response.content.decode()
    assert not InformationRequest.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"office": "ppid-dinas-a"},
        payload(obtain_methods="salinan"),
        payload(requester="Siti"),
        payload(information="a\x00b"),
        payload(information="x" * 6000),
        payload(office="../etc/passwd"),
    ],
)
def test_malformed_bodies_answer_422(client, office_a, body):
    response = post(client, body)
    assert response.status_code == 422, response.content
    assert response.json()["detail"]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10),
                                                                       children, max_size=4),
    max_leaves=12,
)  # fmt: skip
FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "office": st.sampled_from(["ppid-dinas-a", "x", ""]) | st.text(max_size=20),
        "requester": st.fixed_dictionaries(
            {},
            optional={
                k: st.text(max_size=30) | JSON
                for k in ("kind", "name", "nik", "address", "phone", "email")
            },
        )
        | JSON,
        "information": st.text(max_size=50) | JSON,
        "purpose": st.text(max_size=50) | JSON,
        "obtain_methods": st.lists(
            st.sampled_from(["melihat", "salinan", "x"]) | st.text(max_size=5), max_size=6
        )
        | JSON,
        "copy_format": st.sampled_from(["softcopy", "hardcopy", ""]) | JSON,
        "delivery_method": st.sampled_from(["email", "pos", ""]) | JSON,
    },
)


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=JSON | FIELDS)
def test_no_json_body_makes_the_submission_fail(client, office_a, body):
    response = post(client, body)
    assert response.status_code in (201, 400, 422), response.content


def test_a_raw_non_json_body_is_a_4xx(client, office_a):
    response = client.post(f"{URL}/requests", b"\xff\xfe{", content_type="application/json")
    assert 400 <= response.status_code < 500


# --- tracking -----------------------------------------------------------------------------


def test_tracking_shows_status_and_a_public_timeline(client, make_request, office_a, officer_a):
    case = make_request(office=office_a)
    services.notice_draft(case, actor=officer_a, control="dikuasai", decision="diterima_seluruhnya")
    response = client.get(
        f"{URL}/requests/track",
        {"registration_number": case.registration_number, "email": REQUESTER_EMAIL},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["registration_number"] == case.registration_number
    assert (body["status"], body["outcome"], body["late"]) == ("teregistrasi", "", False)
    assert body["due_date"] == "2026-07-22"
    # The draft is internal: only the submission shows.
    assert [t["action"] for t in body["timeline"]] == ["submitted"]
    assert body["timeline"][0]["label"]
    text = response.content.decode()
    for secret in (VALID_NIK, "081234567890", "Tjilik", REQUESTER_EMAIL):
        assert secret not in text


def test_an_unknown_number_and_a_wrong_email_get_the_same_404(client, make_request):
    case = make_request()
    wrong_email = client.get(
        f"{URL}/requests/track",
        {"registration_number": case.registration_number, "email": "x@example.org"},
    )
    unknown = client.get(
        f"{URL}/requests/track",
        {"registration_number": "PPID-DINAS-A/PERMOHONAN/2026/00099", "email": REQUESTER_EMAIL},
    )
    assert wrong_email.status_code == unknown.status_code == 404
    assert wrong_email.content == unknown.content


def test_tracking_without_parameters_is_a_422(client):
    assert client.get(f"{URL}/requests/track").status_code == 422


# --- staff --------------------------------------------------------------------------------


def test_the_staff_inbox_needs_a_token(client, make_request):
    make_request()
    assert client.get(f"{URL}/staff/requests").status_code == 401


def test_the_inbox_lists_only_the_offices_requests(
    client, make_request, office_a, office_b, officer_a
):
    mine = make_request(office=office_a)
    make_request(office=office_b)
    body = client.get(f"{URL}/staff/requests", headers=bearer(officer_a)).json()
    assert body["count"] == 1
    assert body["results"][0]["id"] == str(mine.uid)
    assert "nik" not in body["results"][0]


def test_the_inbox_filters_by_status_lateness_and_due_date(
    client, make_request, office_a, officer_a
):
    late = make_request(office=office_a)
    InformationRequest.objects.filter(pk=late.pk).update(
        late_since=datetime.date(2026, 7, 1), due_date=datetime.date(2026, 6, 30)
    )
    make_request(office=office_a)
    headers = bearer(officer_a)

    def count(**params):
        return client.get(f"{URL}/staff/requests", params, headers=headers).json()["count"]

    assert count() == 2
    assert count(late="true") == 1
    assert count(late="false") == 1
    assert count(due_before="2026-07-01") == 1
    assert count(status="teregistrasi") == 2
    assert count(status="selesai") == 0
    assert count(status="") == 2
    assert client.get(f"{URL}/staff/requests", {"status": "x"}, headers=headers).status_code == 422


# persona: status of GET detail, status of POST extend
STAFF_MATRIX = {
    "officer_a": (200, 200),
    "utama_officer": (200, 200),
    "atasan": (200, 404),
    "officer_b": (404, 404),
    "outsider": (404, 404),
    "superuser": (200, 200),
}


@pytest.mark.parametrize(("persona", "expected"), STAFF_MATRIX.items())
def test_the_staff_permission_matrix(client, make_request, office_a, request, persona, expected):
    case = make_request(office=office_a)
    headers = bearer(request.getfixturevalue(persona))
    detail = client.get(f"{URL}/staff/requests/{case.uid}", headers=headers)
    extend = client.post(
        f"{URL}/staff/requests/{case.uid}/extend",
        {"reasons": "Dokumen tersebar", "working_days": 7},
        content_type="application/json",
        headers=headers,
    )
    assert (detail.status_code, extend.status_code) == expected
    if expected[1] == 200:
        assert extend.json()["due_date"] == "2026-07-31"
    for response in (detail, extend):
        if response.status_code == 404:
            assert set(response.json()) == {"detail"}


def test_anonymous_staff_writes_are_401(client, make_request):
    case = make_request()
    for path in ("extend", "forward", "notice"):
        response = client.post(
            f"{URL}/staff/requests/{case.uid}/{path}", {}, content_type="application/json"
        )
        assert response.status_code == 401


def test_personal_data_goes_to_handlers_only_and_is_logged(
    client, make_request, office_a, officer_a, atasan
):
    case = make_request(office=office_a)
    handler = client.get(f"{URL}/staff/requests/{case.uid}", headers=bearer(officer_a)).json()
    assert handler["personal_data"]["nik"] == VALID_NIK
    assert handler["personal_data"]["masked"] is False
    assert PersonalDataAccess.objects.filter(request=case, user=officer_a).count() == 1
    reader = client.get(f"{URL}/staff/requests/{case.uid}", headers=bearer(atasan)).json()
    assert reader["personal_data"]["masked"] is True
    assert reader["personal_data"]["nik"].startswith("6271")
    assert not PersonalDataAccess.objects.filter(user=atasan).exists()
    for secret in (VALID_NIK, "081234567890", "No. 1", REQUESTER_EMAIL):
        assert secret not in json.dumps(reader)


def test_a_bad_uid_is_a_404(client, officer_a):
    response = client.get(f"{URL}/staff/requests/not-a-uuid", headers=bearer(officer_a))
    assert response.status_code == 404


def test_the_utama_forwards_through_the_api(client, make_request, utama, utama_officer, office_a):
    case = make_request(office=utama)
    response = client.post(
        f"{URL}/staff/requests/{case.uid}/forward",
        {"to_offices": ["ppid-dinas-a"], "note": "Mohon dijawab"},
        content_type="application/json",
        headers=bearer(utama_officer),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["office"]["slug"] == "ppid-dinas-a"
    assert body["dispositions"][0]["internal_due_date"] == "2026-07-17"


def test_a_pelaksana_forwarding_gets_a_400(client, make_request, office_a, officer_a, office_b):
    case = make_request(office=office_a)
    response = client.post(
        f"{URL}/staff/requests/{case.uid}/forward",
        {"to_offices": ["ppid-dinas-b"]},
        content_type="application/json",
        headers=bearer(officer_a),
    )
    assert response.status_code == 400
    assert response.json()["detail"]


def test_the_notice_endpoint_sends_when_allowed_and_drafts_otherwise(
    client, make_request, office_a, officer_a, utama_officer
):
    case = make_request(office=office_a)
    notice = {"control": "dikuasai", "decision": "diterima_seluruhnya", "material": "LRA"}
    drafted = client.post(
        f"{URL}/staff/requests/{case.uid}/notice",
        notice,
        content_type="application/json",
        headers=bearer(officer_a),
    )
    assert drafted.status_code == 200, drafted.content
    assert drafted.json()["notice"]["state"] == "draft"
    sent = client.post(
        f"{URL}/staff/requests/{case.uid}/notice",
        notice,
        content_type="application/json",
        headers=bearer(utama_officer),
    )
    assert sent.status_code == 200, sent.content
    assert sent.json()["notice"]["state"] == "sent"
    assert sent.json()["request"]["status"] == "diberitahukan"
    assert Notice.objects.filter(state="sent").count() == 1


def test_a_pelaksana_answering_directly_sends_through_the_api(
    client, make_request, province, office_a, officer_a
):
    ServiceSettings.objects.create(body=province, pelaksana_answers_directly=True)
    case = make_request(office=office_a)
    response = client.post(
        f"{URL}/staff/requests/{case.uid}/notice",
        {"control": "dikuasai", "decision": "ditolak", "rejection_ground": "h"},
        content_type="application/json",
        headers=bearer(officer_a),
    )
    assert response.status_code == 400
    assert "rejection_reasons" in json.dumps(response.json())
    assert not Notice.objects.exists()


def test_the_openapi_document_lists_the_request_endpoints():
    paths = api.get_openapi_schema()["paths"]
    for path in (
        "/api/v1/requests",
        "/api/v1/requests/track",
        "/api/v1/staff/requests",
        "/api/v1/staff/requests/{uid}",
        "/api/v1/staff/requests/{uid}/forward",
        "/api/v1/staff/requests/{uid}/extend",
        "/api/v1/staff/requests/{uid}/notice",
    ):
        assert path in paths
