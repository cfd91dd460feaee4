"""Find the maximum sustained rate: step the offered rate up, then narrow it down."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable

from bench.load.phase import Result

RunAt = Callable[[float], Awaitable[Result]]


async def maximum(
    run_at: RunAt, start: float, *, factor: float, cap: float, bound_ms: float, refine: int = 2
) -> Result | None:
    """The best sustained phase: up by `factor` until one fails, then `refine` bisections.

    Returns None when even `start` is not sustained.
    """
    best: Result | None = None
    rate = start
    failed: float | None = None
    while rate <= cap:
        result = await run_at(rate)
        if not result.sustained(bound_ms):
            failed = rate
            break
        best = result
        rate *= factor
    if best is None or failed is None:
        return best
    low, high = best.offered_rate, failed
    for _ in range(refine):
        middle = math.sqrt(low * high)
        result = await run_at(middle)
        if result.sustained(bound_ms):
            best, low = result, middle
        else:
            high = middle
    return best
