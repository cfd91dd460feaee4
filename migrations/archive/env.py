"""Alembic environment of the archive database (its own versions, its own database)."""

from alembic import context

from bridge.archive.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
