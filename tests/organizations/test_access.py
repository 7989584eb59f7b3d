"""Who may enter the back office and act for which office (F48): rights follow current
appointments; the PPID Utama covers the offices under it."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from ppid.organizations import access
from ppid.organizations.backends import ADMIN_ACCESS, AppointmentBackend
from ppid.organizations.models import REGISTRY_MANAGERS, Role
from ppid.registry import access as registry_access
from tests.factories import AppointmentFactory, ItemFactory, UserFactory


def _fresh(user):
    # The backend caches its answer on the user object, as request.user lives one request.
    return get_user_model().objects.get(pk=user.pk)


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("officer_a", True),
        ("officer_b", True),
        ("utama_officer", True),
        ("atasan", True),
        ("outsider", True),
        ("superuser", True),
        ("expired_officer", False),
        ("citizen", False),
    ],
)
def test_admin_access_follows_a_current_appointment(request, persona, allowed):
    user = _fresh(request.getfixturevalue(persona))
    assert user.has_perm(ADMIN_ACCESS) is allowed
    assert access.is_staff_member(user) is allowed


def test_the_backend_grants_no_other_permission(officer_a):
    backend = AppointmentBackend()
    assert backend.has_perm(_fresh(officer_a), "wagtailimages.add_image") is False
    assert backend.has_perm(_fresh(officer_a), ADMIN_ACCESS, obj=object()) is False
    assert backend.authenticate(None, username="alice", password="x") is None


def test_an_anonymous_user_has_no_admin_access():
    from django.contrib.auth.models import AnonymousUser

    assert AppointmentBackend().has_perm(AnonymousUser(), ADMIN_ACCESS) is False


def test_a_future_appointment_grants_nothing_yet(office_a):
    starts = timezone.localdate() + datetime.timedelta(days=10)
    user = AppointmentFactory(office=office_a, valid_from=starts, sk_date=starts).user
    assert not _fresh(user).has_perm(ADMIN_ACCESS)
    assert access.office_ids_for(user, REGISTRY_MANAGERS) == set()


def test_an_inactive_user_has_no_access_despite_an_appointment(officer_a):
    officer_a.is_active = False
    officer_a.save(update_fields=["is_active"])
    assert not access.is_staff_member(_fresh(officer_a))


def test_the_ppid_utama_covers_every_office_under_it(utama_officer, utama, office_a, office_b):
    assert access.office_ids_for(utama_officer, REGISTRY_MANAGERS) == {
        utama.pk, office_a.pk, office_b.pk,
    }  # fmt: skip


def test_a_pelaksana_officer_covers_only_his_office(officer_a, office_a):
    assert access.office_ids_for(officer_a, REGISTRY_MANAGERS) == {office_a.pk}


def test_an_atasan_reads_but_does_not_manage(atasan, office_a):
    item = ItemFactory(office=office_a)
    assert registry_access.items_for_staff(atasan).filter(pk=item.pk).exists()
    assert not registry_access.items_for_staff(atasan, manage=True).filter(pk=item.pk).exists()


def test_another_offices_item_answers_404(officer_b, outsider, expired_officer, office_a):
    from django.http import Http404

    item = ItemFactory(office=office_a)
    for user in (officer_b, outsider, expired_officer):
        with pytest.raises(Http404):
            registry_access.item_for_staff(user, item.uid)
    with pytest.raises(Http404):
        registry_access.item_for_staff(officer_b, "not-a-uuid")


def test_the_role_recorded_on_events_is_the_one_held_for_that_office(
    officer_a, utama_officer, superuser, office_a
):
    assert access.role_in_office(officer_a, office_a) == Role.PPID_PELAKSANA
    assert access.role_in_office(utama_officer, office_a) == Role.PPID_UTAMA
    assert access.role_in_office(superuser, office_a) == "superuser"


def test_an_appointment_ending_today_still_counts_and_tomorrow_it_does_not(office_a):
    today = timezone.localdate()
    user = UserFactory(username="temp")
    AppointmentFactory(
        user=user, office=office_a, valid_from=today - datetime.timedelta(days=30),
        valid_to=today, sk_date=today - datetime.timedelta(days=30),
    )  # fmt: skip
    assert access.is_staff_member(user)
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=2)):
        assert not access.is_staff_member(user)
