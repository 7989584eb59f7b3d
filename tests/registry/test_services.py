"""Registry services: the berkala review rule (F2), the item lifecycle with its events,
DIP establishment and the DIK entry with its consequence test (F6–F10, F49, F50)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from ppid.core.events import events_for
from ppid.registry import rules, services
from ppid.registry.models import Category, ConsequenceTest, DipEstablishment, InformationItem
from tests.factories import ItemFactory

# --- F2: berkala information is reviewed at least every six months ------------------------


@pytest.mark.parametrize(
    ("reviewed", "due"),
    [
        (datetime.date(2026, 1, 15), datetime.date(2026, 7, 15)),
        (datetime.date(2026, 8, 31), datetime.date(2027, 2, 28)),  # clamped to February
        (datetime.date(2027, 8, 31), datetime.date(2028, 2, 29)),  # leap year
        (datetime.date(2026, 12, 31), datetime.date(2027, 6, 30)),
        (datetime.date(2026, 7, 1), datetime.date(2027, 1, 1)),  # across the year
        (datetime.date(2026, 3, 31), datetime.date(2026, 9, 30)),
    ],
)
def test_the_next_berkala_review_is_six_calendar_months_later(reviewed, due):
    assert rules.next_review_date(reviewed) == due


@given(st.dates(min_value=datetime.date(1950, 1, 1), max_value=datetime.date(2200, 12, 31)))
def test_the_next_review_is_never_more_than_184_days_away(reviewed):
    due = rules.next_review_date(reviewed)
    assert reviewed < due <= reviewed + datetime.timedelta(days=184)
    assert rules.review_date_is_valid(reviewed, due)
    assert not rules.review_date_is_valid(reviewed, due + datetime.timedelta(days=1))


def test_a_review_date_before_the_review_is_invalid():
    day = datetime.date(2026, 5, 5)
    assert not rules.review_date_is_valid(day, day - datetime.timedelta(days=1))


# --- Item lifecycle ------------------------------------------------------------------------


def _fields(**overrides):
    fields = {
        "title": "Laporan kinerja",
        "summary": "Laporan kinerja instansi pemerintah",
        "category": Category.BERKALA,
        "owner_unit": "Subbagian Program",
        "responsible": "Sekretaris",
        "creation_time": "Februari 2026",
        "creation_place": "Palangka Raya",
        "form_softcopy": True,
        "form_hardcopy": False,
        "retention": "5 tahun",
        "media_type": "PDF",
        "year": 2026,
    }
    fields.update(overrides)
    return fields


def test_a_berkala_item_gets_its_review_date_when_created(officer_a, office_a):
    item = services.item_create(user=officer_a, office=office_a, fields=_fields())
    assert item.next_review == rules.next_review_date(item.last_reviewed)
    assert item.status == InformationItem.Status.DRAFT


def test_a_serta_merta_item_is_published_at_once(officer_a, office_a):
    # F3: no approval step may delay serta merta information.
    item = services.item_create(
        user=officer_a, office=office_a, fields=_fields(category=Category.SERTA_MERTA)
    )
    assert item.status == InformationItem.Status.PUBLISHED
    assert [e.action for e in events_for(item)] == ["created", "published"]


def test_events_record_actor_and_role(officer_a, utama_officer, office_a):
    item = services.item_create(user=officer_a, office=office_a, fields=_fields())
    services.item_publish(user=utama_officer, item=item)
    services.item_withdraw(user=officer_a, item=item, reason="Data keliru")
    events = list(events_for(item))
    assert [(e.action, e.actor, e.actor_role) for e in events] == [
        ("created", officer_a, "ppid_pelaksana"),
        ("published", utama_officer, "ppid_utama"),
        ("withdrawn", officer_a, "ppid_pelaksana"),
    ]
    assert events[-1].reason == "Data keliru"
    assert all(e.created_at for e in events)


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_withdrawing_without_a_reason_is_refused(officer_a, office_a, reason):
    item = ItemFactory(office=office_a)
    with pytest.raises(ValidationError):
        services.item_withdraw(user=officer_a, item=item, reason=reason)
    item.refresh_from_db()
    assert item.status == InformationItem.Status.PUBLISHED
    assert not events_for(item).exists()


def test_only_a_published_item_can_be_withdrawn(officer_a, office_a):
    item = ItemFactory(office=office_a, status=InformationItem.Status.DRAFT, published_at=None)
    with pytest.raises(ValidationError):
        services.item_withdraw(user=officer_a, item=item, reason="x")


def test_another_offices_officer_cannot_change_the_item(officer_b, outsider, office_a):
    item = ItemFactory(office=office_a)
    for user in (officer_b, outsider):
        with pytest.raises(PermissionDenied):
            services.item_withdraw(user=user, item=item, reason="x")


def test_an_expired_appointment_grants_nothing(expired_officer, office_a):
    with pytest.raises(PermissionDenied):
        services.item_create(user=expired_officer, office=office_a, fields=_fields())
    assert not InformationItem.objects.exists()


def test_an_update_records_what_changed_and_restarts_the_review_clock(officer_a, office_a):
    item = ItemFactory(
        office=office_a, category=Category.BERKALA,
        last_reviewed=datetime.date(2025, 1, 1), next_review=datetime.date(2025, 7, 1),
    )  # fmt: skip
    old_title = item.title
    item = services.item_update(
        user=officer_a, item=item, fields={"title": "Judul baru"}, reason="Perbaikan"
    )
    assert item.last_reviewed == timezone.localdate()
    assert item.next_review == rules.next_review_date(item.last_reviewed)
    event = events_for(item).get(action="updated")
    assert event.changes == {"title": [old_title, "Judul baru"]}
    assert event.reason == "Perbaikan"


def test_a_review_beyond_six_months_is_refused(officer_a, office_a):
    item = ItemFactory(office=office_a, category=Category.BERKALA)
    with pytest.raises(ValidationError):
        services.item_review(
            user=officer_a, item=item,
            next_review=timezone.localdate() + datetime.timedelta(days=200),
        )  # fmt: skip


def test_nothing_is_hard_deleted_a_removed_document_stays(officer_a, office_a):
    item = ItemFactory(office=office_a)
    document = services.document_attach_link(
        user=officer_a, item=item, url="https://example.test/x", title="Lampiran"
    )
    services.document_deactivate(user=officer_a, document=document, reason="Usang")
    document.refresh_from_db()
    assert document.is_active is False
    assert [e.action for e in events_for(item)] == ["link_added", "document_removed"]


# --- DIP establishment ---------------------------------------------------------------------


def test_dip_versions_are_numbered_and_frozen(utama_officer, province, utama):
    ItemFactory(office=utama, title="Profil")
    first = services.dip_establish(
        user=utama_officer, body=province, sk_number="188.44/1/2026",
        sk_date=datetime.date(2026, 1, 10), year=2026,
    )  # fmt: skip
    ItemFactory(office=utama, title="Rencana strategis")
    second = services.dip_establish(
        user=utama_officer, body=province, sk_number="188.44/9/2026",
        sk_date=datetime.date(2026, 7, 10), year=2026,
    )  # fmt: skip
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert [r["title"] for r in first.rows] == ["Profil"]  # unchanged by later items
    assert len(second.rows) == 2
    assert DipEstablishment.objects.count() == 2


def test_a_pelaksana_officer_cannot_establish_the_body_dip(officer_a, province, utama):
    with pytest.raises(PermissionDenied):
        services.dip_establish(
            user=officer_a, body=province, sk_number="1",
            sk_date=datetime.date(2026, 1, 1), year=2026,
        )  # fmt: skip


# --- DIK -----------------------------------------------------------------------------------


def _test_fields(**overrides):
    fields = {
        "trigger": ConsequenceTest.Trigger.BEFORE_REQUEST,
        "document_identified": "Rekam medis",
        "information_described": "Riwayat kesehatan pegawai",
        "law_analysed": "UU 14/2008 Pasal 17 huruf h",
        "analysis": "Membuka rahasia pribadi",
        "conclusion": ConsequenceTest.Conclusion.EXEMPT,
        "participants": "Kepala Dinas; PPID Pelaksana",
        "period": "",
        "tested_on": datetime.date(2026, 2, 1),
    }
    fields.update(overrides)
    return fields


def _entry_fields(**overrides):
    fields = {
        "information": "Rekam medis pegawai",
        "ground": "h",
        "legal_basis": "UU 14/2008 Pasal 17 huruf h",
        "consequence": "Rahasia pribadi terbuka",
        "exempt_until": datetime.date(2030, 1, 1),
        "decree_number": "188.44/3/2026",
        "decree_place": "Palangka Raya",
        "decree_date": datetime.date(2026, 2, 2),
    }
    fields.update(overrides)
    return fields


def test_a_personal_secret_exemption_is_not_time_limited(officer_a, office_a):
    # F9: grounds g and h have no expiry.
    entry = services.exempt_entry_create(
        user=officer_a, office=office_a, test_fields=_test_fields(), entry_fields=_entry_fields()
    )
    assert entry.exempt_until is None
    assert entry.consequence_test.participants.startswith("Kepala Dinas")
    assert events_for(entry).get().actor == officer_a


def test_a_consequence_test_concluding_open_creates_no_entry(officer_a, office_a):
    with pytest.raises(ValidationError):
        services.exempt_entry_create(
            user=officer_a, office=office_a,
            test_fields=_test_fields(conclusion=ConsequenceTest.Conclusion.OPEN),
            entry_fields=_entry_fields(),
        )  # fmt: skip
    assert not ConsequenceTest.objects.exists()


def test_a_ground_outside_a_to_j_is_refused(officer_a, office_a):
    with pytest.raises(ValidationError):
        services.exempt_entry_create(
            user=officer_a, office=office_a, test_fields=_test_fields(),
            entry_fields=_entry_fields(ground="k"),
        )  # fmt: skip
