"""The decision for one customer message: answer from the best article, or hand over and why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from bots.assistant.confidence import DEFAULT, RETRIEVAL_ONLY, Calibration, Ranked, features
from bots.assistant.person import asks_for_person
from bots.knowledge.search import Hit

DOWN_RATINGS_TO_HAND_OVER = 2


class Action(StrEnum):
    """What the assistant does with a message."""

    ANSWER = "answer"
    HAND_OVER = "hand_over"


class Reason(StrEnum):
    """Why it answers or hands over."""

    CONFIDENT = "confident"
    LOW_CONFIDENCE = "low_confidence"
    ASKED_FOR_PERSON = "asked_for_person"
    DOWN_RATED = "down_rated"
    LLM_UNAVAILABLE = "llm_unavailable"
    LLM_ABSTAINED = "llm_abstained"
    OUTPUT_BLOCKED = "output_blocked"


@dataclass(frozen=True)
class Decision:
    """The action, its reason, the hits it rests on, and the scores that led to it."""

    action: Action
    reason: Reason
    hits: Sequence[Hit] = ()
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def handed_off(self) -> bool:
        """True when a person takes over."""
        return self.action is Action.HAND_OVER


def decide(
    question: str,
    hits: Sequence[Hit],
    ranked: Ranked = (),
    *,
    pressed_person_button: bool = False,
    down_ratings: int = 0,
    calibration: Calibration | None = None,
) -> Decision:
    """Answer if retrieval is confident; hand over on request, after bad ratings, or unsure.

    `ranked`: the question memory's ranking (`retrieval.py`). Without a given
    calibration, the default one for a knowledge base with or without a memory.
    """
    if calibration is None:
        calibration = DEFAULT if ranked else RETRIEVAL_ONLY
    found = features(hits, ranked)
    scores = found.as_dict()
    if pressed_person_button or asks_for_person(question):
        return Decision(Action.HAND_OVER, Reason.ASKED_FOR_PERSON, hits, scores)
    if down_ratings >= DOWN_RATINGS_TO_HAND_OVER:
        return Decision(Action.HAND_OVER, Reason.DOWN_RATED, hits, scores)
    scores["confidence"] = round(calibration.probability(found), 4)
    scores["threshold"] = calibration.threshold
    if not hits or scores["confidence"] < calibration.threshold:
        return Decision(Action.HAND_OVER, Reason.LOW_CONFIDENCE, hits, scores)
    return Decision(Action.ANSWER, Reason.CONFIDENT, hits, scores)


def after_llm(
    decision: Decision, *, available: bool, abstained: bool, blocked: bool = False
) -> Decision:
    """The decision once an LLM was asked to write the answer: hand over if it could not.

    `blocked`: the output check stopped a part of the answer.
    """
    if decision.handed_off:
        return decision
    if not available:
        return Decision(Action.HAND_OVER, Reason.LLM_UNAVAILABLE, decision.hits, decision.scores)
    if abstained:
        return Decision(Action.HAND_OVER, Reason.LLM_ABSTAINED, decision.hits, decision.scores)
    if blocked:
        return Decision(Action.HAND_OVER, Reason.OUTPUT_BLOCKED, decision.hits, decision.scores)
    return decision
