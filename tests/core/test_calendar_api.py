"""GET /api/v1/calendar/due-date: the server computes deadlines, the browser shows them
(F45); every bad parameter answers 400 with a message, never 422 or a 5xx."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ppid.api import api
from ppid.core.calendar import calendar_seed, policy_update
from ppid.core.models import CalendarRevision
from tests.factories import BodyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


URL = "/api/v1/calendar/due-date"


@pytest.fixture
def seeded(db):
    calendar_seed([2025])


def get(**params):
    return Client().get(URL, params)


def test_it_answers_the_worked_example_of_section_10(seeded):
    response = get(received_at="2025-03-26T10:00:00+07:00", working_days="10")
    assert response.status_code == 200
    data = response.json()
    assert data["received_at"] == "2025-03-26T10:00:00+07:00"
    assert (data["counting_from"], data["due_date"], data["working_days"]) == (
        "2025-03-26",
        "2025-04-21",
        10,
    )
    assert {"date": "2025-03-31", "reason": "Hari Raya Idul Fitri"} in data["skipped"]
    assert data["policy"] == {
        "cuti_bersama_is_working_day": False,
        "work_week": [1, 2, 3, 4, 5],
        "service_opens": "08:00",
        "service_closes": "16:00",
        "calendar_version": CalendarRevision.objects.get().pk,
        "region": "",
    }


def test_a_utc_time_counts_on_its_local_date(seeded):
    # C7: 20:00 UTC on 25 March is 03:00 WIB on 26 March.
    data = get(received_at="2025-03-25T20:00:00Z", working_days="10").json()
    assert (data["counting_from"], data["due_date"]) == ("2025-03-26", "2025-04-21")


def test_an_unencoded_plus_is_read_as_the_offset(seeded):
    response = Client().get(f"{URL}?received_at=2025-03-26T10:00:00+07:00&working_days=10")
    assert response.status_code == 200
    assert response.json()["due_date"] == "2025-04-21"


def test_a_body_uses_its_own_policy(seeded, superuser):
    body = BodyFactory(slug="dinas-uji")
    policy_update(body, actor=superuser, reason="r", cuti_bersama_is_working_day=True)
    data = get(received_at="2025-03-26T10:00:00+07:00", working_days="10", body="dinas-uji").json()
    assert data["due_date"] == "2025-04-11"
    assert data["policy"]["cuti_bersama_is_working_day"] is True


BAD = [
    ({}, "received_at is required"),
    ({"working_days": "10"}, "received_at is required"),
    ({"received_at": "2025-03-26T10:00:00+07:00"}, "working_days is required"),
    ({"received_at": "26/03/2025", "working_days": "10"}, "ISO 8601"),
    ({"received_at": "2025-03-26T10:00:00", "working_days": "10"}, "UTC offset"),
    ({"received_at": "2025-03-26", "working_days": "10"}, "UTC offset"),
    ({"received_at": "9999-12-31T10:00:00+07:00", "working_days": "200"}, "between the years"),
    ({"received_at": "2025-03-26T10:00:00+07:00", "working_days": "0"}, "between 1 and 200"),
    ({"received_at": "2025-03-26T10:00:00+07:00", "working_days": "201"}, "between 1 and 200"),
    ({"received_at": "2025-03-26T10:00:00+07:00", "working_days": "-1"}, "whole number"),
    ({"received_at": "2025-03-26T10:00:00+07:00", "working_days": "1.5"}, "whole number"),
    ({"received_at": "2025-03-26T10:00:00+07:00", "working_days": "ten"}, "whole number"),
    ({"received_at": "2025-03-26T10:00:00+07:00", "working_days": "10", "body": "nope"},
     "Unknown public body"),
    ({"received_at": "2025-03-26T10:00:00+07:00", "working_days": "10", "body": "a\x00b"},
     "Unknown public body"),
    ({"received_at": "\x00", "working_days": "10"}, "ISO 8601"),
]  # fmt: skip


@pytest.mark.parametrize(("params", "message"), BAD)
def test_bad_parameters_answer_400_with_a_message(params, message, settings):
    # The API answers in the site's language (Indonesian); compared here in English.
    settings.LANGUAGE_CODE = "en"
    response = get(**params)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_the_message_follows_the_language():
    response = Client().get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["detail"]


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(received_at=st.text(max_size=60), working_days=st.text(max_size=8))
def test_no_input_produces_a_server_error(db, received_at, working_days):
    assert get(received_at=received_at, working_days=working_days).status_code in (200, 400)


def test_the_endpoint_is_in_the_openapi_document():
    schema = api.get_openapi_schema()
    operation = schema["paths"]["/api/v1/calendar/due-date"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert names == {"received_at", "working_days", "body"}
    assert {str(code) for code in operation["responses"]} == {"200", "400"}
