"""The evidence the product holds about a body (issue 5 §3), beside monev questions: DIP and
its decree (F49), berkala reviews (F2), requests answered by the deadline (F18, D2/D3),
objections and their outcomes (F28-F31), the annual report (F15, D11) and datasets. Honest
when there is nothing to measure; a bounded number of queries."""

import datetime
import importlib
import itertools
import zoneinfo

import pytest
import time_machine
from django.utils import translation

from ppid.foi import reports
from ppid.foi.models import Channel, InformationRequest
from ppid.foi.models import Objection as FoiObjection
from ppid.monev.evidence import GOOD, NONE, PARTIAL, UNKNOWN, system_evidence_for
from ppid.monev.models import SystemEvidence
from ppid.registry import services as registry_services
from ppid.registry.models import Category
from tests.factories import BodyFactory, ItemFactory

pytestmark = pytest.mark.django_db

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
TODAY = datetime.date(2026, 6, 15)
_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, tzinfo=WIB), tick=False):
        yield


def request_row(office, *, received, due, notified=None, status="diproses", **fields):
    """A request as the services store it (the evidence only reads; see tests/foi)."""
    seq = next(_seq)
    received_at = datetime.datetime(*received, 9, tzinfo=WIB)
    values = {
        "registration_number": f"{office.slug.upper()}/PERMOHONAN/{received_at.year}/{seq:05d}",
        "number_office": office, "number_year": received_at.year, "number_seq": seq,
        "body": office.body, "office": office, "channel": Channel.WEBSITE,
        "received_at": received_at, "counting_from": received_at.date(),
        "due_date": datetime.date(*due), "due_date_original": datetime.date(*due),
        "requester_kind": "perorangan", "requester_name": f"Warga Uji {seq}",
        "address": "Jl. Uji No. 1", "information": f"Dokumen {seq}", "purpose": "Penelitian",
        "obtain_methods": ["salinan"], "status": status, "tracking_hash": f"bukti-{seq}",
    }  # fmt: skip
    if notified:
        values["notified_at"] = datetime.datetime(*notified, 14, tzinfo=WIB)
    values.update(fields)
    return InformationRequest.objects.create(**values)


def objection_row(request, *, status, due, decided=None):
    seq = next(_seq)
    return FoiObjection.objects.create(
        registration_number=f"KEBERATAN/{seq:05d}", number_office=request.office,
        number_year=request.number_year, number_seq=seq, request=request,
        channel=Channel.WEBSITE, received_at=request.received_at, grounds=["c"],
        case_description="Tidak ditanggapi", ground_found_on=request.due_date,
        filing_due_date=request.due_date + datetime.timedelta(days=40),
        due_date=datetime.date(*due), status=status,
        decision_reasons="Alasan" if status != FoiObjection.Status.FILED else "",
        decided_at=datetime.datetime(*decided, 10, tzinfo=WIB) if decided else None,
    )  # fmt: skip


def facts(body, year=2026, **kwargs):
    # Summaries are asserted in English (the msgids); the interface default is Indonesian.
    with translation.override("en"):
        return system_evidence_for(body=body, year=year, **kwargs)


def test_every_kind_of_evidence_is_answered(office_a):
    found = facts(office_a.body)
    assert set(found) == {k for k in SystemEvidence.values if k}
    for key, fact in found.items():
        assert fact.key == key
        assert fact.level in (GOOD, PARTIAL, NONE, UNKNOWN)
        assert fact.title and fact.summary


def test_a_body_that_keeps_nothing_here_is_unknown_not_zero(db):
    body = BodyFactory(name="Badan Tanpa PPID", slug="badan-tanpa-ppid")
    found = facts(body)
    assert {fact.level for fact in found.values()} == {UNKNOWN}
    assert "no DIP" in found["dip"].summary


def test_no_requests_says_so_instead_of_a_perfect_share(office_a):
    fact = facts(office_a.body)["requests"]
    assert fact.level == UNKNOWN
    assert fact.summary == "No requests were received in 2026: nothing to measure."
    assert fact.figures["share_on_time"] is None
    assert "%" not in fact.summary


def test_requests_not_yet_due_are_not_counted_as_answered(office_a):
    request_row(office_a, received=(2026, 6, 10), due=(2026, 6, 24))
    fact = facts(office_a.body)["requests"]
    assert fact.level == UNKNOWN
    assert "none has reached its deadline yet" in fact.summary


def test_share_of_notices_within_the_deadline(office_a, office_b):
    # F18/D2: the notice by the due date in force (D3 once extended, F19) is on time.
    request_row(office_a, received=(2026, 3, 2), due=(2026, 3, 16), notified=(2026, 3, 16))
    request_row(office_a, received=(2026, 3, 3), due=(2026, 3, 24), notified=(2026, 3, 20),
                status="diperpanjang", due_date_extended=datetime.date(2026, 3, 24))  # fmt: skip
    request_row(office_a, received=(2026, 4, 1), due=(2026, 4, 15), notified=(2026, 4, 16))
    request_row(office_a, received=(2026, 5, 4), due=(2026, 5, 18))  # overdue, no notice
    request_row(office_a, received=(2026, 6, 12), due=(2026, 6, 26))  # not yet due
    request_row(office_a, received=(2026, 2, 2), due=(2026, 2, 16), status="dibatalkan")
    request_row(office_a, received=(2025, 3, 2), due=(2025, 3, 16), notified=(2025, 3, 30))
    request_row(office_b, received=(2026, 3, 2), due=(2026, 3, 16), notified=(2026, 3, 30))

    fact = facts(office_a.body)["requests"]
    assert fact.level == PARTIAL
    assert fact.figures["received"] == 6
    assert (fact.figures["on_time"], fact.figures["due"]) == (2, 4)
    assert fact.figures["share_on_time"] == 50
    assert fact.summary == (
        "Requests received in 2026: 6. Written notice within the deadline: 2 of 4 (50 %). "
        "Notice after the deadline: 1. Past the deadline without a notice: 1. Not yet due: 1."
    )
    assert fact.url.endswith(f"/statistik-layanan/{office_a.body.slug}/?year=2026")
    # Agency B alone: its only request was late; the past year stands apart.
    assert facts(office_b.body)["requests"].level == NONE
    assert facts(office_a.body, 2025)["requests"].level == NONE


def test_the_province_is_judged_on_its_whole_tree(province, utama, office_a):
    # Like its statistics page and its annual report (F14, F15): offices under it count.
    request_row(utama, received=(2026, 3, 2), due=(2026, 3, 16), notified=(2026, 3, 10))
    request_row(office_a, received=(2026, 3, 2), due=(2026, 3, 16), notified=(2026, 3, 12))
    fact = facts(province)["requests"]
    assert fact.level == GOOD
    assert (fact.figures["on_time"], fact.figures["due"]) == (2, 2)
    assert "2 of 2 (100 %)" in fact.summary


def test_objections_by_outcome_and_deadline(office_a):
    S = FoiObjection.Status
    base = request_row(office_a, received=(2026, 1, 5), due=(2026, 1, 19))
    objection_row(base, status=S.GRANTED, due=(2026, 3, 10), decided=(2026, 3, 2))
    objection_row(base, status=S.UPHELD, due=(2026, 3, 10), decided=(2026, 3, 12))
    objection_row(base, status=S.FILED, due=(2026, 7, 1))
    fact = facts(office_a.body)["objections"]
    assert fact.level == PARTIAL
    assert fact.summary == (
        "Objections lodged in 2026: 3. Granted: 1; PPID's decision upheld: 1; settled by "
        "deliberation: 0; awaiting a decision: 1. Answered after the deadline: 1."
    )


def test_no_objections_is_said_plainly(office_a):
    fact = facts(office_a.body)["objections"]
    assert (fact.level, fact.summary) == (UNKNOWN, "No objections were lodged in 2026.")


def test_dip_established_this_year_or_earlier_or_never(province, utama, utama_officer):
    ItemFactory(office=utama, body=province, title="Profil PPID")
    fact = facts(province)["dip"]
    assert fact.level == NONE
    assert "no DIP has been established" in fact.summary

    registry_services.dip_establish(user=utama_officer, body=province,
                                    sk_number="188.44/12/2025", sk_date=datetime.date(2025, 8, 1),
                                    year=2025)  # fmt: skip
    fact = facts(province)["dip"]
    assert fact.level == PARTIAL
    assert "not established again in 2026" in fact.summary
    assert "188.44/12/2025" in fact.summary
    assert fact.url.endswith(f"/badan/{province.slug}/dip/penetapan/")

    registry_services.dip_establish(user=utama_officer, body=province,
                                    sk_number="188.44/7/2026", sk_date=datetime.date(2026, 2, 2),
                                    year=2026)  # fmt: skip
    fact = facts(province)["dip"]
    assert fact.level == GOOD
    assert fact.figures["established"]["version"] == 2
    assert fact.figures["established"]["rows"] == 1
    # Seen from 2025, only the 2025 decree existed.
    assert facts(province, 2025)["dip"].level == GOOD


def test_berkala_items_reviewed_within_six_months(office_a):
    # F2: berkala information is announced again at least every six months.
    body = office_a.body
    for next_review in (datetime.date(2026, 9, 1), datetime.date(2026, 7, 1)):
        ItemFactory(office=office_a, category=Category.BERKALA, next_review=next_review,
                    last_reviewed=next_review - datetime.timedelta(days=150))  # fmt: skip
    ItemFactory(office=office_a, category=Category.SETIAP_SAAT)
    assert facts(body)["berkala"].level == GOOD

    ItemFactory(office=office_a, category=Category.BERKALA, next_review=datetime.date(2026, 6, 1),
                last_reviewed=datetime.date(2025, 12, 1))  # fmt: skip
    fact = facts(body)["berkala"]
    assert fact.level == PARTIAL
    assert (fact.figures["berkala_items"], fact.figures["overdue"]) == (3, 1)
    assert fact.figures["reviewed_in_year"] == 2
    assert "overdue for review on 15 June 2026: 1" in fact.summary


def test_no_berkala_items_is_none_for_a_body_using_the_product(office_a):
    fact = facts(office_a.body)["berkala"]
    assert (fact.level, fact.summary) == (NONE, "No periodic (berkala) items are published.")


@pytest.mark.parametrize(
    ("sent_to_ki", "sent_to_atasan", "level", "words"),
    [
        (datetime.date(2026, 3, 20), datetime.date(2026, 3, 20), GOOD, "within the deadline"),
        (datetime.date(2026, 4, 10), None, PARTIAL, "after the deadline"),
        (None, datetime.date(2026, 3, 1), PARTIAL, "no copy recorded as sent"),
        (None, None, NONE, "drafted but not recorded as sent"),
    ],
)
def test_the_annual_report_on_the_previous_year(
    office_a, officer_a, sent_to_ki, sent_to_atasan, level, words
):
    # F15, D11: the 2025 report is due on 31 March 2026, so the 2026 monev reads it.
    reports.annual_report_save(office=office_a, year=2025, actor=officer_a,
                               obstacles="Jaringan internet terbatas.", sent_to_ki_on=sent_to_ki,
                               sent_to_atasan_on=sent_to_atasan)  # fmt: skip
    fact = facts(office_a.body)["annual_report"]
    assert fact.level == level
    assert words in fact.summary
    assert fact.summary.startswith("Annual report 2025")
    assert fact.figures["due"] == "2026-03-31"


def test_a_missing_annual_report_before_and_after_its_deadline(office_a):
    fact = facts(office_a.body)["annual_report"]
    assert (fact.level, fact.summary) == (
        NONE, "No annual report 2025 in this system; it was due on 31 March 2026.")  # fmt: skip
    early = facts(office_a.body, today=datetime.date(2026, 2, 1))
    assert early["annual_report"].level == UNKNOWN
    assert "not sent yet; due on 31 March 2026" in early["annual_report"].summary


def test_datasets_published_in_the_data_bank(office_a, office_b, officer_a, utama):
    from tests.databank.conftest import appoint, make_dataset

    seed = importlib.import_module("ppid.databank.migrations.0002_seed_licences_groups").seed
    from django.apps import apps

    seed(apps, None)
    from ppid.organizations.models import Role

    producer = appoint(office_a, Role.DATA_PRODUCER, "produsen")
    walidata = appoint(utama, Role.WALIDATA, "walidata")
    assert facts(office_a.body)["datasets"].level == NONE
    make_dataset(producer, office_a, name="draf-saja")
    assert facts(office_a.body)["datasets"].level == NONE  # a draft is not published
    make_dataset(producer, office_a, name="penduduk-2026", status="published", walidata=walidata)
    fact = facts(office_a.body)["datasets"]
    assert fact.level == GOOD
    assert fact.summary == (
        "Datasets published in the data bank: 1; published or updated in 2026: 1."
    )
    assert fact.url.endswith(f"/dataset/?organization={office_a.body.slug}")
    assert facts(office_b.body)["datasets"].level == NONE


def test_a_bounded_number_of_queries(province, utama, office_a, django_assert_max_num_queries):
    for day in range(1, 20):
        request_row(office_a, received=(2026, 3, day), due=(2026, 3, 28), notified=(2026, 3, 25))
        ItemFactory(office=office_a, category=Category.BERKALA,
                    next_review=datetime.date(2026, 8, day))  # fmt: skip
    # One query for the offices, one per fact (two for the registry's DIP and items).
    for body in (province, office_a.body):
        with django_assert_max_num_queries(7):
            facts(body)


def test_dates_follow_the_active_language(office_a):
    fact = system_evidence_for(body=office_a.body, year=2026)["annual_report"]
    assert "31 Maret 2026" in fact.summary  # Indonesian, the interface default
