"""Alembic environment: applies the versions in this folder to the configured database."""

from alembic import context

from bridge.db import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
