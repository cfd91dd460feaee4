"""Moving ended chats into the archive: crash-safe and idempotent across two databases.

For each chat: copy it into the archive (a repeat copy changes nothing), destroy
its ejabberd room with the room's MAM archive (an already destroyed room is
fine), then delete it from the live database. A run killed anywhere leaves the
chat either still live (and copied again next time) or gone everywhere but the
archive, so every chat is archived exactly once and nothing is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bridge import migrate
from bridge.archive import repository
from bridge.db import Database, make_engine
from bridge.messages.crypto import KeyStore, MessageCipher
from bridge.settings import Settings
from bridge.xmpp_server.admin_api import AdminApi

DURATION = re.compile(r"^(\d+)([dhms])$")
UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
BATCH = 50


def parse_duration(text: str) -> timedelta:
    """Read `7d`, `12h`, `30m` or `45s`."""
    match = DURATION.match(text.strip())
    if match is None:
        raise ValueError(f"durations look like 7d, 12h, 30m or 45s, not {text!r}")
    return timedelta(**{UNITS[match[2]]: int(match[1])})


def open_archive(settings: Settings) -> Database:
    """The archive database, migrated to the newest schema."""
    engine = make_engine(settings, archive=True)
    migrate.upgrade(engine, settings, archive=True)
    return Database(engine)


@dataclass(frozen=True)
class Archiver:
    """What an archiving run needs: both databases, their keys, and ejabberd."""

    live: Database
    archive: Database
    live_cipher: MessageCipher
    archive_cipher: MessageCipher
    admin: AdminApi

    @classmethod
    def for_settings(cls, settings: Settings, live: Database, archive: Database) -> Archiver:
        """An archiver with the product's keys and ejabberd admin API."""
        return cls(
            live,
            archive,
            MessageCipher(KeyStore.for_messages(settings)),
            MessageCipher(KeyStore.for_archive(settings)),
            AdminApi(settings),
        )

    async def run(self, older_than: timedelta) -> int:
        """Archive every chat that ended before `older_than` ago; return how many moved."""
        cutoff = datetime.now(UTC) - older_than
        moved = 0
        while chat_ids := await self.live.run(repository.ended_before, cutoff, limit=BATCH):
            for chat_id in chat_ids:
                record = await self.live.run(repository.read_live, chat_id, self.live_cipher)
                if record is None:
                    continue
                await self.archive.run(repository.store, record, self.archive_cipher)
                if record.room_jid:
                    await self.admin.destroy_room(record.room_jid)
                await self.live.run(repository.delete_live, chat_id)
                moved += 1
        return moved
