"""The bots' XMPP accounts (`assistant@`, `suggest@`): reserved names, one generated password."""

from __future__ import annotations

import hmac

ASSISTANT = "assistant"
SUGGEST = "suggest"
LOCALPARTS = frozenset({ASSISTANT, SUGGEST})


def is_bot(localpart: str) -> bool:
    """True for the localpart of a bot account (no person may take these names)."""
    return localpart.lower() in LOCALPARTS


def check_login(localpart: str, password: str, bot_password: str) -> bool:
    """A bot logs in with the password generated into the data dir."""
    return is_bot(localpart) and hmac.compare_digest(password.encode(), bot_password.encode())
