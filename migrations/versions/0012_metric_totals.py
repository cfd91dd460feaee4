"""Issue 6: totals behind the Prometheus metrics, shared by every process and instance.

Counters (messages logged, handoffs, histogram sums) and histogram buckets
(latencies, log lag) are added to by the process that measures them and read
by the api at scrape time, so `/metrics` on any api instance shows the whole
product. Both start from what the database already holds.
"""

from alembic import op

revision = "0012"
down_revision = "0011"


def upgrade() -> None:
    """Create metric_counters and metric_buckets, seeded from the log and the chat events."""
    op.execute(
        """
        CREATE TABLE metric_counters (
            name text PRIMARY KEY,
            value double precision NOT NULL
        )
        """
    )
    op.execute(
        """
        CREATE TABLE metric_buckets (
            name text NOT NULL,
            le double precision NOT NULL,
            count bigint NOT NULL,
            PRIMARY KEY (name, le)
        )
        """
    )
    op.execute(
        """
        INSERT INTO metric_counters (name, value)
        SELECT 'customer_chat_messages_logged', count(*) FROM messages
        UNION ALL
        SELECT 'customer_chat_handoffs', count(*) FROM chat_events WHERE kind = 'handed_over'
        """
    )


def downgrade() -> None:
    """Drop the metric totals."""
    op.execute("DROP TABLE metric_buckets")
    op.execute("DROP TABLE metric_counters")
