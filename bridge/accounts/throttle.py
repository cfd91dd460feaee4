"""Failed sign-ins counted per account and per address, with the well-kept `limits` library.

Only failures count, in a moving window, so a locked-out person is let in again
by waiting (never a permanent lock-out). The counts live in this process's
memory: one api process serves one machine; several need a shared `limits`
storage (Redis), which `limits` supports.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter


class LoginThrottle:
    """Says how long a caller must wait after too many failed sign-ins."""

    def __init__(self, per_account: str = "5/minute", per_address: str = "30/minute") -> None:
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        self.limits: dict[str, RateLimitItem] = {
            "account": parse(per_account),
            "address": parse(per_address),
        }

    def retry_after(self, *, account: str, address: str | None) -> int | None:
        """Seconds to wait before trying again, or None when a try is allowed now."""
        waits = [
            self._wait(kind, key)
            for kind, key in (("account", account.strip().lower()), ("address", address))
            if key is not None
        ]
        longest = max(waits, default=0)
        return longest or None

    def failed(self, *, account: str, address: str | None) -> None:
        """Count one failed sign-in."""
        self.limiter.hit(self.limits["account"], "account", account.strip().lower())
        if address is not None:
            self.limiter.hit(self.limits["address"], "address", address)

    def _wait(self, kind: str, key: str) -> int:
        item = self.limits[kind]
        if self.limiter.test(item, kind, key):
            return 0
        reset = self.limiter.get_window_stats(item, kind, key).reset_time
        return max(1, math.ceil(reset - time.time()))


class RequestThrottle:
    """Allows each caller `rate` requests in a moving window (e.g. messages to the assistant)."""

    def __init__(self, rate: str) -> None:
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        self.item = parse(rate)

    def retry_after(self, key: str) -> int | None:
        """Count one request; the seconds to wait when it is one too many, else None."""
        if self.limiter.hit(self.item, "request", key):
            return None
        reset = self.limiter.get_window_stats(self.item, "request", key).reset_time
        return max(1, math.ceil(reset - time.time()))
