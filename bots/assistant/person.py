"""Does the customer ask for a person? German and English, tolerant of case and small typos.

A person word alone is not enough ("Kann jeder Mitarbeiter ein Dienstrad
leasen?" is a question for the knowledge base): it needs a verb of talking or
connecting ("mit einem Menschen sprechen", "talk to someone"), or the message
is little more than the word itself ("Mitarbeiter bitte", "agent"), or it is
one of the unmistakable phrases ("echter Mensch", "real person"). Words are
compared whole, so "Personalausweis" is not "Person".
"""

from __future__ import annotations

import re
import unicodedata

PERSON_WORDS = frozenset(
    [
        "mensch",
        "menschen",
        "person",
        "personen",
        "mitarbeiter",
        "mitarbeiterin",
        "mitarbeitende",
        "jemand",
        "jemandem",
        "jemanden",
        "berater",
        "beraterin",
        "kundenberater",
        "sachbearbeiter",
        "kundendienst",
        "kundenservice",
        "support",
        "supporter",
        "agent",
        "agents",
        "human",
        "humans",
        "someone",
        "somebody",
        "representative",
        "operator",
        "staff",
        "people",
    ]
)
TALK_WORDS = frozenset(
    [
        "sprechen",
        "reden",
        "verbinden",
        "verbunden",
        "weiterleiten",
        "telefonieren",
        "chatten",
        "anrufen",
        "zurueckrufen",
        "talk",
        "speak",
        "connect",
        "connected",
        "chat",
        "call",
        "reach",
    ]
)
PHRASES = (
    r"echte[rnms]? (?:mensch|menschen|person|mitarbeiter)",
    r"kein(?:en)? (?:bot|roboter|chatbot)",
    r"nicht (?:mit )?(?:dem |einem )?(?:bot|roboter|chatbot)",
    r"real (?:person|human|agent|people)",
    r"(?:human|live|customer service) (?:agent|person|support)",
    r"not (?:a |the |this )?(?:bot|robot|chatbot)",
)
PHRASE = re.compile(r"\b(?:" + "|".join(PHRASES) + r")\b")
WORD = re.compile(r"[a-z]+")
SHORT_MESSAGE = 3  # words: "Mitarbeiter bitte", "human please", "agent"


def asks_for_person(text: str) -> bool:
    """True if the message asks to talk to a person rather than the assistant."""
    plain = _folded(text)
    if PHRASE.search(plain):
        return True
    words = WORD.findall(plain)
    has_person = any(_is_one_of(word, PERSON_WORDS) for word in words)
    if not has_person:
        return False
    return len(words) <= SHORT_MESSAGE or any(_is_one_of(word, TALK_WORDS) for word in words)


def _folded(text: str) -> str:
    """Lower case, umlauts spelled out, accents dropped."""
    lowered = text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    lowered = lowered.replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _is_one_of(word: str, vocabulary: frozenset[str]) -> bool:
    """The word, or a typo of it: one edit for words of 5+ letters, two for 9+."""
    if word in vocabulary:
        return True
    allowed = 2 if len(word) >= 9 else 1 if len(word) >= 5 else 0
    return allowed > 0 and any(
        abs(len(word) - len(known)) <= allowed and _distance(word, known, allowed) <= allowed
        for known in vocabulary
        if len(known) >= 5
    )


def _distance(a: str, b: str, limit: int) -> int:
    """Edit distance counting a swap of neighbours as one edit; early out beyond `limit`."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        rows.append(row)
    return rows[-1][-1]
