"""The calendar's back office (F44, §10): only PPID Utama officers and superusers see it;
adding and removing days and setting policies go through the services, with reasons."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from ppid.core.calendar import calendar_seed
from ppid.core.calendar_admin import urlpatterns
from ppid.core.models import CalendarDay, CalendarRevision, CountingPolicy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


LOGIN = "/admin/login/"


def _client(user=None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        user = type(user).objects.get(pk=user.pk)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def seeded(db):
    calendar_seed([2025])
    return CalendarDay.objects.get(date=datetime.date(2025, 12, 26))


def _urls(day):
    return {
        "index": ("get", reverse("calendar_admin:index"), None),
        "year": ("get", reverse("calendar_admin:year", args=[2025]), None),
        "day_add": ("get", reverse("calendar_admin:day_add"), None),
        "day_remove": (
            "post", reverse("calendar_admin:day_remove"), {"day": day.pk, "reason": "SKB baru"},
        ),
        "policies": ("get", reverse("calendar_admin:policies"), None),
        "history": ("get", reverse("calendar_admin:history"), None),
        "try": (
            "get", reverse("calendar_admin:try"),
            {"received_at": "2025-03-26T10:00", "working_days": "10"},
        ),
    }  # fmt: skip


EXPECTED = {  # persona: what every calendar URL answers
    "anonymous": "login",
    "expired_officer": "login",
    "officer_a": "404",
    "officer_b": "404",
    "atasan": "404",
    # A PPID Utama officer of another body is still a PPID Utama: the calendar is national.
    "outsider": "ok",
    "utama_officer": "ok",
    "superuser": "ok",
}


def test_the_matrix_covers_every_calendar_url(seeded):
    assert sorted(p.name for p in urlpatterns) == sorted(_urls(seeded))


@pytest.mark.parametrize("persona", list(EXPECTED))
@pytest.mark.parametrize("name", [p.name for p in urlpatterns])
def test_permission_matrix(request, persona, name, seeded):
    method, url, data = _urls(seeded)[name]
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = _client(user)
    response = client.get(url, data) if method == "get" else client.post(url, data)
    expected = EXPECTED[persona]
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
    elif expected == "404":
        assert response.status_code == 404
    elif name in ("index", "day_remove"):
        assert response.status_code == 302
        assert not response["Location"].startswith(LOGIN)
    else:
        assert response.status_code == 200
    seeded.refresh_from_db()
    assert (seeded.removed_at is not None) == (expected == "ok" and name == "day_remove")


def test_the_menu_item_shows_only_to_the_ppid_utama(officer_a, utama_officer):
    url = reverse("calendar_admin:index")
    assert url.encode() not in _client(officer_a).get("/admin/").content
    assert url.encode() in _client(utama_officer).get("/admin/").content


def test_the_year_page_lists_days_and_strikes_through_removed_ones(utama_officer, seeded):
    client = _client(utama_officer)
    client.post(reverse("calendar_admin:day_remove"), {"day": seeded.pk, "reason": "Dicabut SKB"})
    response = client.get(reverse("calendar_admin:year", args=[2025]))
    content = response.content.decode()
    assert "Hari Raya Idul Fitri" in content
    assert "<del>Cuti Bersama Hari Raya Natal</del>" in content
    assert "Dicabut SKB" in content
    assert "SKB 3 Menteri No. 1017/2024" in content
    assert "seed:holidays==0.109" in content


def test_adding_a_day_through_the_form(utama_officer):
    response = _client(utama_officer).post(
        reverse("calendar_admin:day_add"),
        {
            "date": "2026-07-20",
            "name": "Hari jadi Kota Palangka Raya",
            "kind": "libur_daerah",
            "region": "62.71",
            "source": "Perwali 5/2026",
            "reason": "Libur daerah baru",
        },
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get(date=datetime.date(2026, 7, 20))
    assert (day.kind, day.region, day.origin) == ("libur_daerah", "62.71", "manual")
    assert CalendarRevision.objects.get().reason == "Libur daerah baru"


def test_a_bad_day_shows_the_message_and_changes_nothing(utama_officer):
    response = _client(utama_officer).post(
        reverse("calendar_admin:day_add"),
        {"date": "2026-07-20", "name": "Libur", "kind": "libur_daerah", "source": "x",
         "reason": "y"},
    )  # fmt: skip
    assert response.status_code == 200
    assert not CalendarDay.objects.exists()
    assert "region" in response.context["form"].errors


def test_removing_without_a_reason_changes_nothing(utama_officer, seeded):
    response = _client(utama_officer).post(
        reverse("calendar_admin:day_remove"), {"day": seeded.pk, "reason": ""}
    )
    assert response.status_code == 302
    seeded.refresh_from_db()
    assert seeded.removed_at is None


def test_removing_an_unknown_day_answers_404(utama_officer):
    response = _client(utama_officer).post(
        reverse("calendar_admin:day_remove"), {"day": 999999, "reason": "x"}
    )
    assert response.status_code == 404


def test_setting_a_body_policy_through_the_form(utama_officer, office_a):
    url = reverse("calendar_admin:policies")
    client = _client(utama_officer)
    assert client.get(url, {"body": office_a.body.slug}).status_code == 200
    response = client.post(
        url,
        {
            "body": office_a.body.slug,
            "cuti_bersama_is_working_day": "on",
            "work_week": ["1", "2", "3", "4", "5", "6"],
            "service_opens": "07:30",
            "service_closes": "15:30",
            "reason": "SK Kepala Dinas",
        },
    )
    assert response.status_code == 302
    row = CountingPolicy.objects.get(body=office_a.body)
    assert (row.cuti_bersama_is_working_day, row.work_week) == (True, "123456")
    assert row.service_closes == datetime.time(15, 30)


def test_another_bodys_policy_answers_404(outsider, office_a):
    url = reverse("calendar_admin:policies")
    client = _client(outsider)
    assert client.get(url, {"body": office_a.body.slug}).status_code == 404
    response = client.post(
        url,
        {"body": office_a.body.slug, "work_week": ["1"], "service_opens": "08:00",
         "reason": "x"},
    )  # fmt: skip
    assert response.status_code == 404
    assert not CountingPolicy.objects.exists()


def test_the_try_box_explains_the_due_date_in_indonesian(utama_officer, seeded):
    response = _client(utama_officer).get(
        reverse("calendar_admin:try"), {"received_at": "2025-03-26T10:00", "working_days": "10"}
    )
    content = response.content.decode()
    assert "Senin, 21 April 2025" in content
    # §10: officers also see the date under the other cuti bersama policy.
    assert "Jumat, 11 April 2025" in content
    assert "Hari Raya Idul Fitri" in content


def test_the_history_lists_revisions(utama_officer, seeded):
    response = _client(utama_officer).get(reverse("calendar_admin:history"))
    assert "holidays==0.109" in response.content.decode()


def test_a_post_without_a_csrf_token_is_refused(utama_officer, seeded):
    client = _client(utama_officer, enforce_csrf_checks=True)
    response = client.post(reverse("calendar_admin:day_remove"), {"day": seeded.pk, "reason": "x"})
    assert response.status_code == 403
    seeded.refresh_from_db()
    assert seeded.removed_at is None
