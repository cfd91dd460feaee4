"""Settings: generated secrets, origins, and every setting documented in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from bridge.settings import Settings, read_or_create_secret

README = Path(__file__).resolve().parents[1] / "README.md"


def test_secrets_are_generated_once_with_256_bits_and_kept_private(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "jwt"
    first = read_or_create_secret(path)
    assert len(first) >= 43
    assert read_or_create_secret(path) == first
    assert path.stat().st_mode & 0o777 == 0o600
    assert not list(path.parent.glob("*.tmp"))


def test_configured_secret_wins(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="configured-secret-" + "x" * 30)
    assert settings.jwt_secret.startswith("configured-secret-")
    assert not (tmp_path / "secrets" / "jwt").exists()


def test_websocket_origins_include_the_pages_and_configured_ones() -> None:
    settings = Settings(port=8123, allowed_origins="https://Chat.Example.com, ,http://a:1")
    assert settings.web_origins == [
        "http://127.0.0.1:8123",
        "http://localhost:8123",
        "https://chat.example.com",
        "http://a:1",
    ]


def test_every_setting_is_documented_in_the_readme() -> None:
    documented = set(re.findall(r"`CUSTOMER_CHAT_([A-Z_]+)`", README.read_text()))
    assert {name.upper() for name in Settings.model_fields} <= documented


@pytest.mark.parametrize("sample", ["changeme", "secret", "short-but-not-sample", "x" * 42])
def test_sample_or_short_token_keys_are_refused(sample: str) -> None:
    with pytest.raises(ValidationError, match="at least 43 random characters"):
        Settings(secret_key=sample)
