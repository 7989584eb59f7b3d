"""Who sees and acts on a request (ppid/foi/access.py): the permission matrix over the
personas (STYLE.md §7). Another office's request is simply not there (404)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from ppid.foi import access, services
from ppid.organizations.models import Role
from tests.factories import AppointmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(utama):
    return AppointmentFactory(office=utama, role=Role.LEADER, user=UserFactory(username="gub")).user


@pytest.fixture
def desk_a(office_a):
    return AppointmentFactory(
        office=office_a, role=Role.SERVICE_DESK, user=UserFactory(username="desk")
    ).user


# persona: (sees, handles, sees personal data, is the Atasan)
MATRIX = {
    "officer_a": (True, True, True, False),
    "desk_a": (True, True, True, False),
    "utama_officer": (True, True, True, False),
    "atasan": (True, False, False, True),
    "leader": (True, False, False, False),
    "officer_b": (False, False, False, False),
    "outsider": (False, False, False, False),
    "expired_officer": (False, False, False, False),
    "citizen": (False, False, False, False),
    "superuser": (True, True, True, True),
}


@pytest.mark.parametrize(("persona", "expected"), MATRIX.items())
def test_the_permission_matrix_of_a_request_at_office_a(
    make_request, office_a, request, persona, expected
):
    user = request.getfixturevalue(persona)
    case = make_request(office=office_a)
    sees, handles, personal, atasan = expected
    assert access.requests_for_staff(user).filter(pk=case.pk).exists() is sees
    assert access.can_handle(user, case) is handles
    assert access.can_see_personal_data(user, case) is personal
    assert access.is_atasan_for(user, case) is atasan
    if sees:
        assert access.request_for_staff(user, case.uid) == case
    else:
        with pytest.raises(Http404):
            access.request_for_staff(user, case.uid)


def test_anonymous_sees_and_handles_nothing(make_request):
    case = make_request()
    anonymous = AnonymousUser()
    assert not access.requests_for_staff(anonymous).exists()
    assert not access.can_handle(anonymous, case)
    assert not access.is_atasan_for(anonymous, case)
    assert access.handling_office_ids(anonymous) == set()


def test_a_malformed_id_is_a_404(officer_a):
    for bad in ("not-a-uuid", "", None, 12):
        with pytest.raises(Http404):
            access.request_for_staff(officer_a, bad)


def test_an_office_a_request_forwarded_to_b_is_seen_and_handled_by_b(
    make_request, utama, office_a, office_b, utama_officer, officer_a, officer_b
):
    case = make_request(office=utama)
    assert not access.can_handle(officer_b, case)
    services.request_forward(case, actor=utama_officer, to_offices=[office_a, office_b])
    for officer in (officer_a, officer_b):
        assert access.requests_for_staff(officer).filter(pk=case.pk).exists()
        assert access.can_handle(officer, case)


def test_the_utama_sees_its_whole_tree_and_nothing_outside(
    make_request, utama, office_a, office_b, other_office, utama_officer
):
    mine = {make_request(office=o).pk for o in (utama, office_a, office_b)}
    make_request(office=other_office)
    assert set(access.requests_for_staff(utama_officer).values_list("pk", flat=True)) == mine


def test_a_whole_tree_reader_has_a_single_indexed_scope_and_loses_nothing(
    make_request, utama, office_a, office_b, utama_officer, officer_a
):
    """Handling office, numbering office and forward targets share one Utama's tree
    (access._partly_covered): the Utama's scope is "handled by my offices" alone, a
    Pelaksana's keeps "numbered by" and "forwarded to"."""
    received_at_a = make_request(office=office_a)
    forwarded = make_request(office=utama)
    services.request_forward(forwarded, actor=utama_officer, to_offices=[office_b, office_a])
    forwarded.refresh_from_db()
    assert forwarded.office_id != office_a.pk  # office A sees it only as a forward target
    where = str(access.requests_for_staff(utama_officer).query).split(" WHERE ", 1)[1]
    assert "foi_disposition" not in where and "number_office_id" not in where
    assert {received_at_a.pk, forwarded.pk} <= set(
        access.requests_for_staff(utama_officer).values_list("pk", flat=True)
    )
    # Office A's officer still sees the request forwarded to A and handled by B.
    assert "foi_disposition" in str(access.requests_for_staff(officer_a).query)
    assert set(access.requests_for_staff(officer_a).values_list("pk", flat=True)) == {
        received_at_a.pk,
        forwarded.pk,
    }


def test_a_new_appointment_widens_the_scope_at_once(make_request, office_a, office_b, officer_a):
    """The scope is read once per user object (organizations.access.scope_memo) and read
    again after any appointment changes."""
    case_b = make_request(office=office_b)
    assert not access.requests_for_staff(officer_a).filter(pk=case_b.pk).exists()
    AppointmentFactory(office=office_b, role=Role.PPID_PELAKSANA, user=officer_a)
    assert access.requests_for_staff(officer_a).filter(pk=case_b.pk).exists()


def test_the_atasan_decides_for_the_body_of_its_utama(atasan, utama, office_a, other_office):
    assert set(access.atasan_offices(atasan)) >= {utama, office_a}
    assert other_office not in access.atasan_offices(atasan)
    assert access.utama_of(office_a) == utama


def test_the_requester_sees_by_account_or_token(request_data, citizen):
    submitted = services.request_submit(request_data(), user=citizen)
    case, token = submitted.request, submitted.tracking_token
    assert access.requester_can_see(citizen, case)
    assert access.requester_can_see(None, case, token)
    assert access.requester_can_see(AnonymousUser(), case, token)
    assert not access.requester_can_see(AnonymousUser(), case)
    assert not access.requester_can_see(UserFactory(), case, "wrong-token")
    assert not access.requester_can_see(None, case, "")
