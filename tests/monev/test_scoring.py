"""The pure scoring function: bands (F51), weights (F53), not rated, ranks and tie-breaks."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ppid.monev import scoring
from ppid.monev.scoring import (
    DEFAULT_BANDS,
    BandSpec,
    IndicatorSpec,
    ParticipantInput,
    PeriodSpec,
    band_for,
    bands_problems,
    compute,
    rounded,
    weights_total_ok,
)

D = Decimal
T0 = datetime.datetime(2026, 8, 1, 9, 0, tzinfo=datetime.UTC)


# F51: lower bound inclusive, upper bound exclusive, decided on the two-decimal score.
@pytest.mark.parametrize(
    ("score", "band"),
    [
        ("100", "informatif"),
        ("90", "informatif"),
        ("90.00", "informatif"),
        ("89.995", "informatif"),  # rounds half up to 90.00
        ("89.99", "menuju-informatif"),
        ("89.9", "menuju-informatif"),
        ("89.994", "menuju-informatif"),
        ("80", "menuju-informatif"),
        ("79.99", "cukup-informatif"),
        ("60", "cukup-informatif"),
        ("59.99", "kurang-informatif"),
        ("40", "kurang-informatif"),
        ("39.99", "tidak-informatif"),
        ("0", "tidak-informatif"),
    ],
)
def test_band_edges(score, band):
    assert band_for(D(score), DEFAULT_BANDS).key == band


def test_no_score_has_no_band():
    assert band_for(None, DEFAULT_BANDS) is None


def test_a_score_outside_the_table_has_no_band():
    bands = [BandSpec("a", "A", D("50"), None)]
    assert band_for(D("49.99"), bands) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("89.995", "90.00"), ("89.994", "89.99"), ("0.005", "0.01"), ("79.985", "79.99")],
)
def test_scores_round_half_up_to_two_places(value, expected):
    assert str(rounded(D(value))) == expected


def test_the_default_bands_have_no_problems():
    assert bands_problems(DEFAULT_BANDS) == []


@pytest.mark.parametrize(
    "bands",
    [
        [],
        # a gap between 80 and 85
        [BandSpec("a", "A", D("85"), None), BandSpec("b", "B", D("0"), D("80"))],
        # an overlap
        [BandSpec("a", "A", D("70"), None), BandSpec("b", "B", D("0"), D("80"))],
        # two top bands
        [BandSpec("a", "A", D("50"), None), BandSpec("b", "B", D("0"), None)],
        # no top band
        [BandSpec("a", "A", D("50"), D("100")), BandSpec("b", "B", D("0"), D("50"))],
        # does not start at 0
        [BandSpec("a", "A", D("50"), None), BandSpec("b", "B", D("10"), D("50"))],
        # upper bound not above lower bound
        [BandSpec("a", "A", D("50"), None), BandSpec("b", "B", D("50"), D("50"))],
        # same key
        [BandSpec("a", "A", D("50"), None), BandSpec("a", "B", D("0"), D("50"))],
        # no name
        [BandSpec("a", "", D("50"), None), BandSpec("b", "B", D("0"), D("50"))],
    ],
)
def test_bad_band_tables_are_reported(bands):
    assert bands_problems(bands)


@pytest.mark.parametrize(
    ("weights", "ok"),
    [
        (["80", "20", "0"], True),  # F53: KI Pusat 2025, SAQ 80 + visit 20
        (["70", "30"], True),  # F53: KI Bali 2025
        (["10", "40", "10", "10", "10", "20"], True),  # F53: KI Pusat 2025 indicators
        (["10", "40", "10", "10", "10", "19.99"], False),
        (["50", "50.01"], False),
        ([], False),
    ],
)
def test_weights_must_total_exactly_100(weights, ok):
    assert weights_total_ok(D(w) for w in weights) is ok


def _spec(*, weights=None, threshold="0", indicators=None):
    # I1 60 % with questions 1 and 2 (weights 1, 1); I2 40 % with 3 (weight 1) and 4 (weight 3).
    return PeriodSpec(
        indicators=indicators
        or [
            IndicatorSpec(1, "I1", D("60"), [(1, D("1")), (2, D("1"))]),
            IndicatorSpec(2, "I2", D("40"), [(3, D("1")), (4, D("3"))]),
        ],
        weights=weights or {"saq": D("80"), "visit": D("20"), "presentation": D("0")},
        threshold=D(threshold),
        bands=DEFAULT_BANDS,
    )


def _levels(a, b, c, d):
    return {1: D(a), 2: D(b), 3: D(c), 4: D(d)}


def _p(pk, levels, *, category=1, visit=(), presentation=(), submitted=True, at=T0, own=None):
    return ParticipantInput(
        id=pk,
        category_id=category,
        submitted=submitted,
        submitted_at=at,
        self_levels=own or levels,
        verified_levels=levels,
        visit_scores=[D(v) for v in visit],
        presentation_scores=[D(v) for v in presentation],
    )


def test_weights_of_questions_indicators_and_stages():
    # I1 = (100 + 50) / 2 = 75; I2 = (100×1 + 0×3) / 4 = 25; SAQ = (60×75 + 40×25)/100 = 55.
    # Final (F53, 80/20) = (55×80 + 90×20) / 100 = 62.00.
    [result] = compute(_spec(), [_p(1, _levels(100, 50, 100, 0), visit=["90"])])
    assert result.indicator_scores == {"I1": "75.00", "I2": "25.00"}
    assert result.questionnaire_score == D("55.00")
    assert result.visit_score == D("90.00")
    assert result.final_score == D("62.00")
    assert result.band_key == "cukup-informatif"
    assert result.rank == 1


def test_self_score_uses_the_bodys_levels_and_the_score_the_verifiers():
    own = _levels(100, 100, 100, 100)
    [result] = compute(_spec(), [_p(1, _levels(0, 0, 0, 0), own=own)])
    assert result.self_score == D("100.00")
    assert result.questionnaire_score == D("0.00")


def test_unanswered_and_unverified_questions_score_zero():
    participant = _p(1, {1: D("100"), 2: None})
    [result] = compute(_spec(), [participant])
    assert result.indicator_scores == {"I1": "50.00", "I2": "0.00"}
    assert result.questionnaire_score == D("30.00")


def test_the_visit_is_the_mean_of_the_panel_and_none_scores_zero():
    results = compute(_spec(), [_p(1, _levels(100, 100, 100, 100), visit=["80", "91"]), _p(2, {})])
    assert results[0].visit_score == D("85.50")
    assert results[1].visit_score == D("0.00")


def test_final_score_lands_exactly_on_a_band_edge():
    # SAQ 87.50 × 0.8 + 100 × 0.2 = 90.00 → Informatif (F51: 90 is inclusive).
    spec = _spec(indicators=[IndicatorSpec(1, "I1", D("100"), [(1, D("1")), (2, D("1"))])])
    [result] = compute(spec, [_p(1, {1: D("100"), 2: D("75")}, visit=["100"])])
    assert result.final_score == D("90.00")
    assert result.band_key == "informatif"
    # 89.99: Menuju Informatif.
    [result] = compute(
        _spec(
            indicators=[IndicatorSpec(1, "I1", D("100"), [(1, D("1"))])],
            weights={"saq": D("100"), "visit": D("0"), "presentation": D("0")},
        ),
        [_p(1, {1: D("89.99")})],
    )
    assert result.final_score == D("89.99")
    assert result.band_key == "menuju-informatif"


def test_presentation_counts_only_when_qualified():
    # F53: KI DKI Jakarta 2024, a questionnaire score of at least 65 to present.
    spec = _spec(
        threshold="65",
        weights={"saq": D("70"), "visit": D("0"), "presentation": D("30")},
        indicators=[IndicatorSpec(1, "I1", D("100"), [(1, D("1"))])],
    )
    qualified, exactly, below = compute(
        spec,
        [
            _p(1, {1: D("80")}, presentation=["90"]),
            _p(2, {1: D("65")}, presentation=["90"]),
            _p(3, {1: D("64.99")}, presentation=["90"]),
        ],
    )
    assert qualified.qualified and qualified.presentation_score == D("90.00")
    assert qualified.final_score == D("83.00")
    assert exactly.qualified
    assert not below.qualified and below.presentation_score == D("0.00")
    assert below.final_score == D("45.49")  # 64.99 × 0.7 = 45.493 → 45.49


def test_a_participant_that_never_submitted_is_not_rated():
    # F51: "tidak dinilai": no score, no band, no rank.
    rated, unrated = compute(
        _spec(),
        [_p(1, _levels(100, 100, 100, 100)), _p(2, _levels(100, 100, 100, 100), submitted=False)],
    )
    assert rated.rank == 1
    assert unrated.final_score is None
    assert unrated.band_key is None
    assert unrated.rank is None
    assert unrated.questionnaire_score is None


def test_ranks_are_per_category():
    results = compute(
        _spec(),
        [
            _p(1, _levels(100, 100, 100, 100), category=1),
            _p(2, _levels(50, 50, 50, 50), category=1),
            _p(3, _levels(10, 10, 10, 10), category=2),
        ],
    )
    assert [r.rank for r in results] == [1, 2, 1]


def test_ties_are_broken_by_the_documented_rule():
    # Equal final score 50.00 (weights SAQ 50 / visit 50), different questionnaires:
    # the higher questionnaire score ranks first.
    spec = _spec(
        weights={"saq": D("50"), "visit": D("50"), "presentation": D("0")},
        indicators=[IndicatorSpec(1, "I1", D("100"), [(1, D("1"))])],
    )
    high_saq, low_saq = compute(
        spec, [_p(1, {1: D("60")}, visit=["40"]), _p(2, {1: D("40")}, visit=["60"])]
    )
    assert high_saq.final_score == low_saq.final_score == D("50.00")
    assert (high_saq.rank, low_saq.rank) == (1, 2)


def test_ties_then_by_presentation_then_visit():
    spec = _spec(
        weights={"saq": D("50"), "visit": D("25"), "presentation": D("25")},
        indicators=[IndicatorSpec(1, "I1", D("100"), [(1, D("1"))])],
    )
    # Same SAQ 80, same final 80: presentation 100/visit 60 beats presentation 60/visit 100.
    more_presentation, more_visit = compute(
        spec,
        [
            _p(1, {1: D("80")}, visit=["60"], presentation=["100"]),
            _p(2, {1: D("80")}, visit=["100"], presentation=["60"]),
        ],
    )
    assert more_presentation.final_score == more_visit.final_score
    assert (more_presentation.rank, more_visit.rank) == (1, 2)


def test_ties_then_by_earlier_submission_and_else_shared_rank():
    later = T0 + datetime.timedelta(hours=1)
    levels = _levels(100, 100, 100, 100)
    results = compute(
        _spec(),
        [
            _p(1, levels, at=later),
            _p(2, levels, at=T0),
            _p(3, levels, at=later),
            _p(4, _levels(0, 0, 0, 0), at=T0),
        ],
    )
    # Competition ranking "1, 2, 2, 4".
    assert [r.rank for r in results] == [2, 1, 2, 4]


def test_tie_break_rule_is_a_sentence_for_the_public_page():
    assert "1, 2, 2, 4" in str(scoring.TIE_BREAK_RULE)


# --- properties ---------------------------------------------------------------------------
scores = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
participant_strategy = st.builds(
    dict,
    category=st.integers(min_value=1, max_value=3),
    levels=st.lists(st.one_of(st.none(), scores), min_size=4, max_size=4),
    visit=st.lists(scores, max_size=3),
    presentation=st.lists(scores, max_size=3),
    submitted=st.booleans(),
    minute=st.integers(min_value=0, max_value=3),
)


def _inputs(rows):
    return [
        ParticipantInput(
            id=i,
            category_id=row["category"],
            submitted=row["submitted"],
            submitted_at=T0 + datetime.timedelta(minutes=row["minute"]),
            self_levels=dict(enumerate(row["levels"], start=1)),
            verified_levels=dict(enumerate(row["levels"], start=1)),
            visit_scores=row["visit"],
            presentation_scores=row["presentation"],
        )
        for i, row in enumerate(rows)
    ]


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(participant_strategy, max_size=12), threshold=scores)
def test_final_scores_stay_within_0_and_100_with_a_band(rows, threshold):
    spec = _spec(
        threshold=str(threshold),
        weights={"saq": D("60"), "visit": D("25"), "presentation": D("15")},
    )
    for result, row in zip(compute(spec, _inputs(rows)), rows, strict=True):
        if not row["submitted"]:
            assert result.final_score is None and result.rank is None
            continue
        assert D("0") <= result.final_score <= D("100")
        assert result.final_score == result.final_score.quantize(D("0.01"))
        assert result.band_key == band_for(result.final_score, DEFAULT_BANDS).key


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(participant_strategy, max_size=12))
def test_ranks_are_a_competition_ranking_within_each_category(rows):
    participants = _inputs(rows)
    results = compute(_spec(), participants)
    by_category = {}
    for result, participant in zip(results, participants, strict=True):
        if result.final_score is not None:
            by_category.setdefault(participant.category_id, []).append((result, participant))
    for members in by_category.values():
        for result, participant in members:
            key = scoring._rank_key(result, participant.submitted_at)
            better = sum(1 for r, p in members if scoring._rank_key(r, p.submitted_at) < key)
            # The rank is one more than the number strictly ahead ("1, 2, 2, 4").
            assert result.rank == better + 1
        # A higher final score never ranks below a lower one.
        for a, _pa in members:
            for b, _pb in members:
                if a.final_score > b.final_score:
                    assert a.rank < b.rank
        assert min(r.rank for r, _p in members) == 1
