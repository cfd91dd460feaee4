"""Supporters' feedback re-ranks modules: bounded, per kind of question, never on one rating."""

from __future__ import annotations

from bots.suggestions.prior import LIMIT, Record, boost, boosts


def test_one_rating_alone_changes_nothing() -> None:
    assert boost(Record(helpful=1)) == boost(Record(unhelpful=1)) == boost(Record()) == 1.0
    learned = boosts({("battery", "a"): Record(1, 0), ("battery", "b"): Record(0, 2)})
    assert not learned
    assert learned.factor("battery", "a") == learned.factor("battery", "b") == 1.0


def test_a_run_of_ratings_moves_a_module_within_bounds() -> None:
    liked, disliked = boost(Record(helpful=3)), boost(Record(unhelpful=3))
    assert liked == 2.0 and disliked == 0.5
    assert boost(Record(helpful=1000)) == LIMIT
    assert boost(Record(unhelpful=1000)) == 1 / LIMIT
    assert boost(Record(helpful=5, unhelpful=5)) == 1.0


def test_each_more_rating_moves_a_score_by_at_most_a_quarter() -> None:
    record = Record(helpful=3)
    for helpful in [False] * 20 + [True] * 40:
        after = record.plus(helpful)
        assert 0.75 <= boost(after) / boost(record) <= 4 / 3
        record = after


def test_feedback_counts_for_the_kind_of_question_it_was_given_for() -> None:
    learned = boosts(
        {
            ("battery", "charger"): Record(helpful=4),  # for battery questions, the charger fits
            ("theft", "charger"): Record(unhelpful=1),
        }
    )
    assert learned.factor("battery", "charger") == boost(Record(helpful=4)) > 1.0
    assert learned.factor("theft", "charger") == learned.factor("delivery", "charger") == 1.0
    assert learned.factor("battery", "other") == 1.0


def test_old_feedback_without_a_cluster_counts_nothing() -> None:
    assert not boosts({(None, "charger"): Record(unhelpful=3)})
