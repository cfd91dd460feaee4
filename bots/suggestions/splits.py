"""Train / validation / test split by chat, stratified by answer module, seeded.

All pairs of a chat land in the same split, so no conversation is seen in
training and judged in evaluation. Chats are stratified by their rarest
module (the one with the fewest uses among their answers), so a module's
chats are spread over the splits in proportion; a module with very few
chats stays in training. The same chats, labels and seed give the same split.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Sequence
from typing import Literal

Split = Literal["train", "validation", "test"]
SPLITS: tuple[Split, ...] = ("train", "validation", "test")


def split_chats(
    chat_ids: Sequence[uuid.UUID],
    labels: Sequence[int],
    *,
    validation: float,
    test: float,
    seed: int,
) -> dict[uuid.UUID, Split]:
    """Assign each chat (given once per pair, with that pair's module) to a split."""
    uses = Counter(labels)
    stratum: dict[uuid.UUID, int] = {}
    for chat_id, label in zip(chat_ids, labels, strict=True):
        current = stratum.get(chat_id)
        if current is None or (uses[label], label) < (uses[current], current):
            stratum[chat_id] = label
    by_stratum: dict[int, list[uuid.UUID]] = {}
    for chat_id, label in stratum.items():
        by_stratum.setdefault(label, []).append(chat_id)
    rng = random.Random(seed)  # noqa: S311 (reproducible shuffling, not secrecy)
    assigned: dict[uuid.UUID, Split] = {}
    for label in sorted(by_stratum):
        chats = sorted(by_stratum[label])
        rng.shuffle(chats)
        n_test, n_validation = round(len(chats) * test), round(len(chats) * validation)
        for index, chat_id in enumerate(chats):
            if index < n_test:
                assigned[chat_id] = "test"
            elif index < n_test + n_validation:
                assigned[chat_id] = "validation"
            else:
                assigned[chat_id] = "train"
    return assigned
