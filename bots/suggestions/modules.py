"""Answer modules: equivalent answers grouped, each shown in its most common clean form.

Answers are compared by their grouping key (cleaned, case-free words, see
`text.grouping_key`). Identical keys are one module; a key whose character
n-gram profile is nearly the same as a more frequent one's (cosine ≥ 0.9: a
typo, a changed word, an added "please") joins that module. Keys are visited
from the most frequent down, so the common form leads its module.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from bots.suggestions import language, text

SIMILAR = 0.9
BLOCK = 512


@dataclass(frozen=True)
class AnswerModule:
    """One answer module: its text, grouping key, language and how often it was used."""

    position: int
    text: str
    key: str
    language: language.Language
    uses: int


@dataclass(frozen=True)
class Grouping:
    """The modules, most used first, and the module position of each answer."""

    modules: list[AnswerModule]
    labels: list[int]


def group_answers(answers: Sequence[str], *, similar: float = SIMILAR) -> Grouping:
    """Group cleaned answers into modules."""
    if not answers:
        return Grouping([], [])
    keys = [text.grouping_key(answer) for answer in answers]
    counts = Counter(keys)
    ordered = sorted(counts, key=lambda key: (-counts[key], key))
    leader_of = _leaders(ordered, similar)
    members: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        members.setdefault(leader_of[key], []).append(index)
    by_use = sorted(members.items(), key=lambda item: (-len(item[1]), item[0]))
    modules: list[AnswerModule] = []
    labels = [0] * len(answers)
    for position, (leader, indices) in enumerate(by_use):
        shown = _most_common([answers[i] for i in indices])
        modules.append(AnswerModule(position, shown, leader, language.detect(shown), len(indices)))
        for index in indices:
            labels[index] = position
    return Grouping(modules, labels)


def _leaders(ordered: list[str], similar: float) -> dict[str, str]:
    """Each key's module leader: the first more frequent key close enough, else itself."""
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), dtype=np.float32)
    matrix = vectors.fit_transform(key or "-" for key in ordered)
    leaders: list[int] = []
    leader_of: dict[str, str] = {}
    for start in range(0, len(ordered), BLOCK):
        block = (matrix[start : start + BLOCK] @ matrix.T).toarray()
        for offset, row in enumerate(block):
            index = start + offset
            best = int(np.argmax(row[leaders])) if leaders else -1
            if best >= 0 and row[leaders[best]] >= similar:
                leader_of[ordered[index]] = ordered[leaders[best]]
            else:
                leaders.append(index)
                leader_of[ordered[index]] = ordered[index]
    return leader_of


def _most_common(forms: list[str]) -> str:
    counts = Counter(forms)
    return min(counts, key=lambda form: (-counts[form], len(form), form))
