"""The product's metrics: names, help texts and histogram buckets, in one place."""

from __future__ import annotations

import math
from dataclasses import dataclass

from bridge.chats.states import Status


@dataclass(frozen=True)
class Histogram:
    """A histogram kept as shared totals: its name, what it measures and its bucket bounds."""

    name: str
    help: str
    buckets: tuple[float, ...]

    def bucket_of(self, value: float) -> float:
        """The upper bound of the bucket an observation falls into (`inf` beyond the last)."""
        return next((bound for bound in self.buckets if value <= bound), math.inf)


# Latencies people notice: milliseconds for logins, seconds for answers, an LLM may take 20 s.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# The target is p99 <= 1 s; a bridge that was down back-fills minutes late.
LAG_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)

SUGGESTION = Histogram(
    "customer_chat_suggestion_seconds",
    "From a customer's message reaching suggest@ to the supporter's three suggestions",
    LATENCY_BUCKETS,
)
ASSISTANT = Histogram(
    "customer_chat_assistant_seconds",
    "From a customer's message reaching the assistant to its answer or handoff",
    LATENCY_BUCKETS,
)
EXTAUTH = Histogram(
    "customer_chat_extauth_seconds",
    "Time the api takes to answer one of ejabberd's extauth questions (login, user check)",
    LATENCY_BUCKETS,
)
LOG_LAG = Histogram(
    "customer_chat_log_lag_seconds",
    "From the room reflecting a message (its stanza-id time) to its row in the PostgreSQL log",
    LAG_BUCKETS,
)
HISTOGRAMS = (SUGGESTION, ASSISTANT, EXTAUTH, LOG_LAG)

MESSAGES_LOGGED = "customer_chat_messages_logged"
HANDOFFS = "customer_chat_handoffs"
COUNTERS = {
    MESSAGES_LOGGED: "Room messages written to the PostgreSQL log (each exactly once)",
    HANDOFFS: "Chats the assistant handed to the supporters' queue",
}

CHATS = "customer_chat_chats"
CHATS_HELP = "Open chats by status: with the assistant (bot), waiting for a supporter, active"
OPEN_STATUSES = (Status.BOT, Status.WAITING, Status.ACTIVE)

DATABASE_UP = "customer_chat_metrics_database_up"


def sum_name(histogram: Histogram) -> str:
    """Where a histogram's sum of observations is kept among the counters."""
    return f"{histogram.name}_sum"
