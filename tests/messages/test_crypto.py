"""AES-256-GCM bodies: random nonces, bound to their row, keys that rotate."""

from __future__ import annotations

import base64
import uuid
from pathlib import Path

import pytest

from bridge.messages.crypto import (
    KeyRing,
    KeysConfigured,
    KeyStore,
    MessageCipher,
    UnreadableMessage,
)

CHAT = uuid.uuid4()


def _cipher(tmp_path: Path) -> MessageCipher:
    return MessageCipher(KeyStore(None, tmp_path / "secrets" / "message-keys"))


def test_a_body_round_trips_and_each_seal_uses_a_new_nonce(tmp_path: Path) -> None:
    cipher = _cipher(tmp_path)
    first = cipher.seal("Mein Rahmen ist gebrochen 🚲", chat_id=CHAT, message_id="1700")
    second = cipher.seal("Mein Rahmen ist gebrochen 🚲", chat_id=CHAT, message_id="1700")
    assert len(first.nonce) == 12 and first.nonce != second.nonce
    assert first.ciphertext != second.ciphertext
    assert b"Rahmen" not in first.ciphertext
    assert cipher.open(first, chat_id=CHAT, message_id="1700") == "Mein Rahmen ist gebrochen 🚲"
    key_file = tmp_path / "secrets" / "message-keys"
    assert key_file.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("chat_id, message_id", [(CHAT, "1701"), (uuid.uuid4(), "1700")])
def test_a_ciphertext_copied_to_another_row_does_not_decrypt(
    tmp_path: Path, chat_id: uuid.UUID, message_id: str
) -> None:
    cipher = _cipher(tmp_path)
    sealed = cipher.seal("secret", chat_id=CHAT, message_id="1700")
    with pytest.raises(UnreadableMessage):
        cipher.open(sealed, chat_id=chat_id, message_id=message_id)


def test_a_tampered_ciphertext_does_not_decrypt(tmp_path: Path) -> None:
    cipher = _cipher(tmp_path)
    sealed = cipher.seal("secret", chat_id=CHAT, message_id="1")
    flipped = bytes([sealed.ciphertext[0] ^ 1]) + sealed.ciphertext[1:]
    with pytest.raises(UnreadableMessage):
        cipher.open(
            type(sealed)(sealed.key_id, sealed.nonce, flipped), chat_id=CHAT, message_id="1"
        )


def test_rotation_adds_a_key_for_new_messages_and_old_ones_stay_readable(tmp_path: Path) -> None:
    cipher = _cipher(tmp_path)
    old = cipher.seal("before", chat_id=CHAT, message_id="1")
    assert cipher.store.rotate() == "k2"
    new = cipher.seal("after", chat_id=CHAT, message_id="2")
    assert (old.key_id, new.key_id) == ("k1", "k2")
    assert cipher.open(old, chat_id=CHAT, message_id="1") == "before"
    assert cipher.open(new, chat_id=CHAT, message_id="2") == "after"


def test_keys_from_the_environment_are_used_and_not_rotated_by_the_product(
    tmp_path: Path,
) -> None:
    configured = ",".join(
        f"{name}:{base64.b64encode(bytes([n]) * 32).decode()}" for n, name in enumerate(["a", "b"])
    )
    store = KeyStore(configured, tmp_path / "unused")
    assert store.ring().current_id == "b"
    with pytest.raises(KeysConfigured):
        store.rotate()
    assert not (tmp_path / "unused").exists()


@pytest.mark.parametrize("text", ["", "k1:" + base64.b64encode(b"short").decode(), ":AAAA"])
def test_malformed_key_configuration_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="key"):
        KeyRing.parse(text)


def test_an_unknown_key_id_is_unreadable(tmp_path: Path) -> None:
    cipher = _cipher(tmp_path)
    sealed = cipher.seal("x", chat_id=CHAT, message_id="1")
    with pytest.raises(UnreadableMessage):
        cipher.open(
            type(sealed)("k9", sealed.nonce, sealed.ciphertext), chat_id=CHAT, message_id="1"
        )
