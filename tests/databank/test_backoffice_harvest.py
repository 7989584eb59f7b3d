"""Harvest sources in the back office: producers and the walidata register a portal for
their offices, run it and read each run's report; other offices' sources answer 404."""

import pytest
from django.test import Client
from django.urls import reverse

from ppid.core.models import Event
from ppid.databank.models import HarvestRun, HarvestSource

pytestmark = pytest.mark.django_db

# Nothing listens there: a run fails at once and says why.
DEAD_PORTAL = "http://127.0.0.1:9"


def _client(user) -> Client:
    client = Client()
    user = type(user).objects.get(pk=user.pk)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_register_run_and_report(walidata, office_a, django_capture_on_commit_callbacks):
    client = _client(walidata)
    response = client.post(
        reverse("databank_admin:harvest_sources"),
        {"title": "Portal uji", "url": DEAD_PORTAL, "office": office_a.pk},
    )
    assert response.status_code == 302
    source = HarvestSource.objects.get()
    assert (source.organization, source.office, source.created_by) == (
        office_a.body, office_a, walidata
    )  # fmt: skip
    assert Event.objects.filter(action="harvest_source_registered", object_id=office_a.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("databank_admin:harvest_source_run", args=[source.pk]))
    assert response.status_code == 302
    run = HarvestRun.objects.get(source=source)
    assert run.status == HarvestRun.Status.FAILED and run.report["error"]
    page = client.get(reverse("databank_admin:harvest_source", args=[source.pk]))
    assert page.status_code == 200 and run.report["error"][:20] in page.content.decode()


def test_bad_address_is_refused(producer_a, office_a):
    response = _client(producer_a).post(
        reverse("databank_admin:harvest_sources"),
        {"title": "Salah", "url": "ftp://contoh", "office": office_a.pk},
    )
    assert response.status_code == 400
    assert not HarvestSource.objects.exists()


def test_other_offices_sources_are_404(producer_a, producer_b, outside_walidata, officer_a,
                                       office_a):  # fmt: skip
    source = HarvestSource.objects.create(
        url=DEAD_PORTAL, title="Sumber A", organization=office_a.body, office=office_a
    )
    assert (
        _client(producer_a)
        .get(reverse("databank_admin:harvest_source", args=[source.pk]))
        .status_code
        == 200
    )
    for user in (producer_b, outside_walidata):
        client = _client(user)
        assert (
            client.get(reverse("databank_admin:harvest_source", args=[source.pk])).status_code
            == 404
        )
        assert (
            client.post(reverse("databank_admin:harvest_source_run", args=[source.pk])).status_code
            == 404
        )
        assert (
            "Sumber A" not in client.get(reverse("databank_admin:harvest_sources")).content.decode()
        )
    assert _client(officer_a).get(reverse("databank_admin:harvest_sources")).status_code == 404
    # A producer of B may not register a source for office A either.
    response = _client(producer_b).post(
        reverse("databank_admin:harvest_sources"),
        {"title": "Curang", "url": "https://data.example.org", "office": office_a.pk},
    )
    assert response.status_code == 400 and HarvestSource.objects.count() == 1
