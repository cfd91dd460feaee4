"""The api's memory of verified session tokens: until expiry, bounded."""

from __future__ import annotations

import time
import uuid

from bridge.accounts.tokens import Claims
from bridge.accounts.verified_tokens import Verified, VerifiedTokens


def _verified(seconds_left: float) -> Verified:
    return Verified(Claims(uuid.uuid4(), "user", int(time.time() + seconds_left)), "mia")


def test_a_token_is_known_until_it_expires() -> None:
    cache = VerifiedTokens()
    fresh, expired = _verified(600), _verified(-1)
    cache.add("a.fresh.token", fresh)
    cache.add("an.expired.token", expired)
    assert cache.get("a.fresh.token") == fresh
    assert cache.get("an.expired.token") is None
    assert cache.get("another.fresh.token") is None


def test_the_oldest_tokens_go_when_the_cache_is_full() -> None:
    cache = VerifiedTokens(max_entries=2)
    for number in range(3):
        cache.add(f"token.number.{number}", _verified(600))
    assert [cache.get(f"token.number.{number}") is not None for number in range(3)] == [
        False,
        True,
        True,
    ]
