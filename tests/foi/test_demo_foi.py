"""The demo requests (ppid/foi/demo.py): made through the real services, marked as demo,
invented requesters with valid NIKs, every kind of outcome, and idempotent."""

from collections import Counter

import pytest

from ppid.core.models import Event
from ppid.foi import demo, reports
from ppid.foi.models import InformationRequest, Letter, Objection
from ppid.foi.validators import nik_problem
from ppid.organizations.demo import load_organizations


@pytest.fixture
def loaded(db, monkeypatch):
    # A smaller plan keeps the test quick; the full demo has demo.CASES requests.
    monkeypatch.setattr(demo, "CASES", 40)
    load_organizations()
    return demo.load_foi_demo()


def test_the_demo_runs_cases_through_the_services_and_marks_them(loaded):
    requests = InformationRequest.objects.all()
    assert loaded["requests"] == 40 == requests.count()
    assert not requests.filter(is_demo=False).exists()
    for request in requests:
        assert request.requester_name.endswith("(data contoh)")
        assert request.email.endswith("@example.org")
        assert nik_problem(request.nik) is None
    # Real services: every request has its receipt letter and its "submitted" event.
    assert Letter.objects.filter(kind=Letter.Kind.RECEIPT).count() == 40
    assert Event.objects.filter(action="submitted").count() == 40
    statuses = Counter(requests.values_list("status", flat=True))
    assert statuses[InformationRequest.Status.CLOSED] > 10
    outcomes = set(requests.values_list("outcome", flat=True))
    assert {"diterima_seluruhnya", "ditolak"} <= outcomes
    # Numbers are gap-free per office and year (F17).
    series: dict = {}
    for office, year, seq in requests.values_list("number_office", "number_year", "number_seq"):
        series.setdefault((office, year), []).append(seq)
    for numbers in series.values():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
    # Steps ran at their own dates: notices are dated after receipt, not today.
    for request in requests.filter(notified_at__isnull=False):
        assert request.received_at <= request.notified_at
    assert Objection.objects.exists() and not Objection.objects.filter(is_demo=False).exists()


def test_the_demo_is_loaded_once(loaded):
    before = (InformationRequest.objects.count(), Event.objects.count(), Letter.objects.count())
    assert demo.load_foi_demo() == Counter()
    after = (InformationRequest.objects.count(), Event.objects.count(), Letter.objects.count())
    assert before == after


def test_the_demo_feeds_the_statistics_and_is_labelled(loaded):
    years = reports.years_with_requests()
    stats = [reports.statistics(None, year) for year in years]
    assert sum(s.received for s in stats) == 40
    assert all(s.has_demo for s in stats if s.received)


def test_without_the_demo_organisations_nothing_is_loaded(db):
    assert demo.load_foi_demo() == Counter()
    assert not InformationRequest.objects.exists()
