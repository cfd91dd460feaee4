"""Find the maximum sustained rate: step the offered rate up (or down), then narrow it down."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable

from bench.load.phase import Result

RunAt = Callable[[float], Awaitable[Result]]


async def maximum(
    run_at: RunAt,
    start: float,
    *,
    factor: float,
    cap: float,
    floor: float,
    bound_ms: float,
    refine: int = 3,
) -> Result | None:
    """The best sustained phase, or None when not even `floor` msg/s is sustained.

    From `start`, the rate goes up by `factor` until a phase fails (or down until
    one holds), then `refine` bisections between the last good and first bad rate.
    A failed phase is tried once more before it counts: on a shared machine another
    user's burst can spoil one phase's p99.
    """

    async def attempt(rate: float) -> Result:
        result = await run_at(rate)
        return result if result.sustained(bound_ms) else await run_at(rate)

    best: Result | None = None
    failed: float | None = None
    rate = start
    while floor <= rate <= cap:
        result = await attempt(rate)
        if result.sustained(bound_ms):
            best = result
            if failed is not None:
                break  # came down to a rate that holds
            rate *= factor
        else:
            failed = rate
            if best is not None:
                break  # went up to a rate that does not hold
            rate /= factor
    if best is None or failed is None:
        return best
    low, high = best.offered_rate, failed
    for _ in range(refine):
        middle = math.sqrt(low * high)
        result = await attempt(middle)
        if result.sustained(bound_ms):
            best, low = result, middle
        else:
            high = middle
    return best
