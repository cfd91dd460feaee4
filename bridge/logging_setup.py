"""Logging: errors to rotated files in the log dir, info to the console, secrets masked."""

from __future__ import annotations

import logging
import re
from logging.handlers import RotatingFileHandler

from bridge.settings import Settings

# Session tokens (JWTs) and anything labelled as a password or secret.
_SECRETS = re.compile(
    r"eyJ[\w-]+\.[\w-]+\.[\w-]+|((?:password|secret|token)[\"']?\s*[:=]\s*[\"']?)[^\s\"',}]+",
    re.IGNORECASE,
)


class RedactSecrets(logging.Filter):
    """Masks tokens and passwords in every record before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message with secrets masked."""
        message = record.getMessage()
        masked = _SECRETS.sub(lambda m: (m.group(1) or "") + "[redacted]", message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def setup(settings: Settings, process: str) -> None:
    """Send this process's warnings and errors to `<log dir>/<process>.log` (rotated)."""
    settings.log_dir.mkdir(parents=True, exist_ok=True)
    file_handler = RotatingFileHandler(
        settings.log_dir / f"{process}.log", maxBytes=10_000_000, backupCount=5
    )
    file_handler.setLevel(logging.WARNING)
    console = logging.StreamHandler()
    console.setLevel(logging.INFO)
    formatter = logging.Formatter(f"%(asctime)s {process} %(levelname)s %(name)s: %(message)s")
    for handler in (file_handler, console):
        handler.setFormatter(formatter)
        handler.addFilter(RedactSecrets())
    logging.basicConfig(level=logging.INFO, handlers=[file_handler, console], force=True)
    for noisy in ("slixmpp", "uvicorn.access", "pgserver", "alembic", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
