"""Apply the Alembic migrations in `migrations/` (done at every start-up)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from bridge.settings import Settings

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def upgrade(engine: Engine, settings: Settings, *, archive: bool = False) -> None:
    """Bring the (live or archive) schema to the newest revision, one process at a time."""
    config = Config()
    config.set_main_option(
        "script_location", str(MIGRATIONS / "archive" if archive else MIGRATIONS)
    )
    with engine.begin() as conn:
        # Several processes start together; an advisory lock serialises their upgrades.
        conn.execute(text("SELECT pg_advisory_xact_lock(7261001)"))
        config.attributes["connection"] = conn
        config.attributes["settings"] = settings  # data migrations may need keys
        command.upgrade(config, "head")
