"""Logs never contain tokens or passwords."""

from __future__ import annotations

import logging
from pathlib import Path

from bridge.logging_setup import RedactSecrets, setup
from bridge.settings import Settings


def _record(message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("t", logging.ERROR, __file__, 1, message, args, None)


def test_tokens_and_passwords_are_masked() -> None:
    token = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoiMSJ9.c2lnbmF0dXJl"
    record = _record("login with %s failed; password=hunter22 secret: abc", token)
    RedactSecrets().filter(record)
    text = record.getMessage()
    assert token not in text and "hunter22" not in text and "abc" not in text
    assert text.count("[redacted]") == 3


def test_plain_messages_are_untouched() -> None:
    record = _record("bridge connected; %d rooms joined", 3)
    RedactSecrets().filter(record)
    assert record.getMessage() == "bridge connected; 3 rooms joined"


def test_errors_go_to_a_rotated_file_in_the_log_dir(tmp_path: Path) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        setup(Settings(log_dir=tmp_path), "api")
        logging.getLogger("x").error("broken with token eyJa.eyJb.c")
        logging.getLogger("x").info("not in the file")
        for handler in root.handlers:
            handler.flush()
        text = (tmp_path / "api.log").read_text()
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers, root.level = saved[0], saved[1]
    assert "broken with token [redacted]" in text
    assert "not in the file" not in text
