"""Who sees which period, participation and answer (access.py): not yours answers 404
like missing; a body never sees another body's answers or scores before publication; the
province's PPID Utama is not an officer of its agencies; an EVALUATOR appointment alone
grants nothing."""

import pytest
from django.http import Http404

from ppid.monev import access, services
from ppid.monev.models import Evaluator, Period

from .conftest import appoint, build_period, fill_and_submit, verify_all

pytestmark = pytest.mark.django_db


def test_the_organisers_ppid_utama_administers_the_period(monev_period, monev_admin, superuser):
    assert access.is_monev_admin(monev_admin, monev_period)
    assert access.period_for_admin(user=monev_admin, token=monev_period.token) == monev_period
    assert list(access.periods_for_admin(user=superuser)) == [monev_period]


@pytest.mark.parametrize(
    "persona", ["officer_a", "atasan", "outsider", "verifier", "expired_officer", "citizen"]
)
def test_nobody_else_administers_the_period(request, monev_period, persona):
    user = request.getfixturevalue(persona)
    assert not access.is_monev_admin(user, monev_period)
    assert not access.periods_for_admin(user=user).exists()
    with pytest.raises(Http404):
        access.period_for_admin(user=user, token=monev_period.token)


def test_an_unknown_token_is_404(monev_admin):
    for token in ("nope", "", None, "x" * 200):
        with pytest.raises(Http404):
            access.period_for_admin(user=monev_admin, token=token)
        with pytest.raises(Http404):
            access.participant_for_staff(user=monev_admin, token=token)


def test_a_pelaksana_officer_sees_only_his_bodys_participation(
    participant_a, participant_b, officer_a, officer_b
):
    assert list(access.participations_for(user=officer_a)) == [participant_a]
    assert access.participation_for(user=officer_a, token=participant_a.token) == participant_a
    with pytest.raises(Http404):
        access.participation_for(user=officer_a, token=participant_b.token)
    with pytest.raises(Http404):
        access.participation_for(user=officer_b, token=participant_a.token)


def test_the_provinces_ppid_utama_is_not_an_officer_of_its_agencies(
    participant_a, utama_officer, atasan, province
):
    # Appointed at the province's Utama: his body is the province, not agency A (direct only).
    assert access.body_ids_for_officer(utama_officer) == {province.pk}
    assert access.body_ids_for_officer(atasan) == {province.pk}
    assert not access.participations_for(user=atasan).exists()
    with pytest.raises(Http404):
        access.participation_for(user=atasan, token=participant_a.token)
    # uma organises the period: he sees it as its admin, not as the body.
    _participant, capacities = access.participant_for_staff(
        user=utama_officer, token=participant_a.token
    )
    assert capacities == {"admin"}


def test_an_expired_appointment_grants_nothing(participant_a, expired_officer):
    assert access.body_ids_for_officer(expired_officer) == set()
    with pytest.raises(Http404):
        access.participant_for_staff(user=expired_officer, token=participant_a.token)


def test_a_draft_period_is_invisible_to_bodies(monev_period, monev_admin, office_a, officer_a):
    participant = services.participant_add(
        user=monev_admin,
        period=monev_period,
        body=office_a.body,
        category=monev_period.categories.get(key="opd"),
    )
    assert not access.participations_for(user=officer_a).exists()
    with pytest.raises(Http404):
        access.participant_for_staff(user=officer_a, token=participant.token)


def test_a_body_cannot_see_another_bodys_answers_or_scores(
    open_period,
    participant_a,
    participant_b,
    officer_a,
    officer_b,
    outsider,
    verifier,
    monev_admin,
):
    fill_and_submit(participant_a, officer_a, 100)
    verify_all(participant_a, verifier)
    services.results_compute(period=open_period, user=monev_admin)
    answer = participant_a.answers.first()
    for user in (officer_b, outsider):
        with pytest.raises(Http404):
            access.participant_for_staff(user=user, token=participant_a.token)
        with pytest.raises(Http404):
            access.answer_for_staff(user=user, pk=answer.pk)
        assert participant_a not in access.participations_for(user=user)
    # Nor the public, before publication.
    with pytest.raises(Http404):
        access.published_period(open_period.year)
    with pytest.raises(Http404):
        access.public_participant(period=open_period, body_slug="dinas-a")
    assert not access.published_periods().exists()
    # The body itself sees its own.
    _answer, capacities = access.answer_for_staff(user=officer_a, pk=answer.pk)
    assert capacities == {"body"}


def test_closed_but_unpublished_results_stay_private(open_period, monev_admin):
    services.period_close(user=monev_admin, period=open_period)
    with pytest.raises(Http404):
        access.published_period(open_period.year)
    with pytest.raises(Http404):
        access.public_participant(period=Period.objects.get(pk=open_period.pk), body_slug="dinas-a")


def test_published_results_are_public(published_period, participant_b):
    assert access.published_period(published_period.year) == published_period
    assert list(access.published_periods()) == [published_period]
    found = access.public_participant(period=published_period, body_slug="dinas-b")
    assert found == participant_b
    for year in ("abc", 1999, None, 10**30):
        with pytest.raises(Http404):
            access.published_period(year)
    with pytest.raises(Http404):
        access.public_participant(period=published_period, body_slug="kabupaten-lain")


def test_an_evaluator_not_appointed_to_the_period_is_refused(
    open_period, participant_a, unappointed_evaluator
):
    assert access.evaluator_role(unappointed_evaluator, open_period) == set()
    assert not access.participants_for_evaluator(user=unappointed_evaluator).exists()
    with pytest.raises(Http404):
        access.participant_for_evaluator(user=unappointed_evaluator, token=participant_a.token)
    with pytest.raises(Http404):
        access.participant_for_staff(user=unappointed_evaluator, token=participant_a.token)


def test_appointed_evaluators_see_their_participants(
    open_period, participant_a, participant_b, verifier, panel_member
):
    assert access.evaluator_role(verifier, open_period) == {"verifier"}
    assert set(access.participants_for_evaluator(user=verifier, period=open_period)) == {
        participant_a,
        participant_b,
    }
    found = access.participant_for_evaluator(
        user=verifier, token=participant_a.token, kind=Evaluator.Kind.VERIFIER
    )
    assert found == participant_a
    with pytest.raises(Http404):  # a verifier is not on the panel
        access.participant_for_evaluator(
            user=verifier, token=participant_a.token, kind=Evaluator.Kind.PANEL
        )
    assert access.participant_for_staff(user=panel_member, token=participant_b.token)[1] == {
        "panel"
    }


def test_an_evaluator_assigned_to_some_participants_sees_only_them(
    open_period, participant_a, participant_b, verifier, monev_admin
):
    services.evaluator_appoint(
        user=monev_admin,
        period=open_period,
        evaluator=verifier,
        kind=Evaluator.Kind.VERIFIER,
        participants=[participant_b],
    )
    assert list(access.participants_for_evaluator(user=verifier, period=open_period)) == [
        participant_b
    ]
    with pytest.raises(Http404):
        access.participant_for_evaluator(user=verifier, token=participant_a.token)


def test_a_revoked_evaluator_sees_nothing(open_period, participant_a, verifier, monev_admin):
    row = open_period.evaluators.get(user=verifier)
    services.evaluator_revoke(user=monev_admin, evaluator_row=row)
    assert access.evaluator_role(verifier, open_period) == set()
    with pytest.raises(Http404):
        access.participant_for_staff(user=verifier, token=participant_a.token)


def test_evaluators_of_a_draft_period_see_nothing_yet(monev_period, utama, verifier, monev_admin):
    services.evaluator_appoint(
        user=monev_admin, period=monev_period, evaluator=verifier, kind=Evaluator.Kind.VERIFIER
    )
    assert not access.participants_for_evaluator(user=verifier).exists()


def test_another_organisers_period_is_not_ours(other_office, outsider, monev_admin, participant_a):
    theirs = build_period(other_office, title="Monev kabupaten")
    assert not access.is_monev_admin(monev_admin, theirs)
    with pytest.raises(Http404):
        access.period_for_admin(user=monev_admin, token=theirs.token)
    kab_admin = appoint(other_office, "ppid_utama", "kab-admin")
    assert access.is_monev_admin(kab_admin, theirs)
    with pytest.raises(Http404):
        access.participant_for_staff(user=kab_admin, token=participant_a.token)


def test_capacities_combine(open_period, participant_a, monev_admin, verifier):
    services.evaluator_appoint(
        user=monev_admin, period=open_period, evaluator=monev_admin, kind=Evaluator.Kind.PANEL
    )
    assert access.participant_for_staff(user=monev_admin, token=participant_a.token)[1] == {
        "admin",
        "panel",
    }
