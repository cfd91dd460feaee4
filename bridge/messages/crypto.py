"""Message bodies at rest: AES-256-GCM, a random 96-bit nonce each, keys in a ring.

The associated data binds a ciphertext to its chat and message (the room's
stanza-id), so a ciphertext copied into another row does not decrypt. The ring's
newest key encrypts; every key in it decrypts, so rotation never strands old rows.
"""

from __future__ import annotations

import base64
import os
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bridge.settings import Settings

KEY_BYTES = 32
NONCE_BYTES = 12


class UnreadableMessage(ValueError):
    """A ciphertext that does not decrypt: wrong key, wrong row, or tampered."""


class KeysConfigured(RuntimeError):
    """The keys come from the environment, so the product cannot add one itself."""


@dataclass(frozen=True)
class Sealed:
    """An encrypted body as stored."""

    key_id: str
    nonce: bytes
    ciphertext: bytes


@dataclass(frozen=True)
class KeyRing:
    """Named 256-bit keys; the last one encrypts, all of them decrypt."""

    keys: tuple[tuple[str, bytes], ...]

    @classmethod
    def parse(cls, text: str) -> KeyRing:
        """Read `id:base64key` entries separated by commas or new lines."""
        keys = []
        for entry in text.replace(",", "\n").split():
            key_id, _, encoded = entry.partition(":")
            key = base64.b64decode(encoded)
            if not key_id or len(key) != KEY_BYTES:
                raise ValueError(f"key {key_id!r} must be id:base64 of {KEY_BYTES} bytes")
            keys.append((key_id, key))
        if not keys:
            raise ValueError("no message keys configured")
        return cls(tuple(keys))

    @property
    def current_id(self) -> str:
        """The id of the key new messages use."""
        return self.keys[-1][0]

    def key(self, key_id: str) -> bytes:
        """The key with this id."""
        for candidate, key in self.keys:
            if candidate == key_id:
                return key
        raise UnreadableMessage(f"unknown key id {key_id!r}")

    def with_new_key(self) -> KeyRing:
        """This ring plus a fresh random key, which becomes the current one."""
        return KeyRing((*self.keys, (f"k{len(self.keys) + 1}", secrets.token_bytes(KEY_BYTES))))

    def serialise(self) -> str:
        """The ring as `id:base64key` lines."""
        return "".join(f"{key_id}:{base64.b64encode(key).decode()}\n" for key_id, key in self.keys)


class KeyStore:
    """Where keys come from: a setting, or a file in the data dir re-read when it changes."""

    def __init__(self, configured: str | None, path: Path) -> None:
        self.configured = configured
        self.path = path
        self._loaded: tuple[float, KeyRing] | None = None

    @classmethod
    def for_messages(cls, settings: Settings) -> KeyStore:
        """The live database's message keys."""
        return cls(settings.encryption_keys, settings.data_dir / "secrets" / "message-keys")

    @classmethod
    def for_archive(cls, settings: Settings) -> KeyStore:
        """The archive's own keys."""
        return cls(settings.archive_encryption_keys, settings.data_dir / "secrets" / "archive-keys")

    def ring(self) -> KeyRing:
        """The current key ring (created with one key on first use)."""
        if self.configured:
            return KeyRing.parse(self.configured)
        if not self.path.exists():
            self._write(KeyRing(()).with_new_key())
        stamp = self.path.stat().st_mtime
        if self._loaded is None or self._loaded[0] != stamp:
            self._loaded = (stamp, KeyRing.parse(self.path.read_text()))
        return self._loaded[1]

    def rotate(self) -> str:
        """Add a key that new messages will use; return its id."""
        if self.configured:
            raise KeysConfigured(
                "keys come from CUSTOMER_CHAT_ENCRYPTION_KEYS: append a new id:key entry there"
            )
        ring = self.ring().with_new_key()
        self._write(ring)
        return ring.current_id

    def _write(self, ring: KeyRing) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = self.path.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(ring.serialise())
        temporary.replace(self.path)


class MessageCipher:
    """Seals and opens message bodies for one database."""

    def __init__(self, store: KeyStore) -> None:
        self.store = store

    def seal(self, body: str, *, chat_id: uuid.UUID, message_id: str) -> Sealed:
        """Encrypt a body with the current key."""
        ring = self.store.ring()
        nonce = secrets.token_bytes(NONCE_BYTES)
        ciphertext = AESGCM(ring.key(ring.current_id)).encrypt(
            nonce, body.encode(), _associated(chat_id, message_id)
        )
        return Sealed(ring.current_id, nonce, ciphertext)

    def open(self, sealed: Sealed, *, chat_id: uuid.UUID, message_id: str) -> str:
        """Decrypt a body; raise `UnreadableMessage` if it does not belong here."""
        key = self.store.ring().key(sealed.key_id)
        try:
            plain = AESGCM(key).decrypt(
                sealed.nonce, sealed.ciphertext, _associated(chat_id, message_id)
            )
        except InvalidTag as error:
            raise UnreadableMessage("the message does not decrypt in this row") from error
        return plain.decode()


def _associated(chat_id: uuid.UUID, message_id: str) -> bytes:
    return f"customer-chat/message/v1|{chat_id}|{message_id}".encode()
