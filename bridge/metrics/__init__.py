"""Prometheus metrics of the whole product, shared through PostgreSQL.

Chats by status are counted at scrape time; counters and histograms are totals
in PostgreSQL that the measuring process adds to (the bridge in the log's own
transaction, the bots and the api every few seconds), so any api instance's
`/metrics` shows every process of every instance.
"""
