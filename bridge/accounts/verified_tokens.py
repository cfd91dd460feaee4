"""Session tokens this process has verified, kept until they expire.

A cached entry holds only what the signature proves (user, role, expiry) and
the user's XMPP localpart, which never changes for a user and role. Whether the
user is still enabled, still has that role and has not revoked the token is
never cached: the login's one database statement checks it (see
`repository.record_token_login`), so a logout, a disabled account or a role
change refuses the next login at once, in every api process, with nothing to
evict. Entries are keyed by a hash of the token, never the token itself.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from bridge.accounts.tokens import Claims

MAX_ENTRIES = 100_000


@dataclass(frozen=True)
class Verified:
    """What a verified token says, with its user's localpart."""

    claims: Claims
    localpart: str


class VerifiedTokens:
    """A bounded, thread-safe map of token hash -> `Verified`, each entry until its expiry."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[bytes, Verified] = OrderedDict()
        self._lock = threading.Lock()  # the api answers from several threads

    def get(self, token: str) -> Verified | None:
        """The token's verified claims, or None if unknown or expired by now."""
        key = _key(token)
        with self._lock:
            verified = self._entries.get(key)
            if verified is not None and verified.claims.exp <= time.time():
                del self._entries[key]
                return None
            return verified

    def add(self, token: str, verified: Verified) -> None:
        """Remember a token whose signature and claims were checked; the oldest go when full.

        Tokens live one hour from minting, so the oldest entries are the expired ones.
        """
        with self._lock:
            self._entries[_key(token)] = verified
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)


def _key(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()
