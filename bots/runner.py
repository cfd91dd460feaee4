"""`customer-chat bots`: runs `suggest@` (and `assistant@` when enabled) until stopped.

Each process is one bots instance: started several times (on one machine or
many), the instances share the chats' rooms between them (`bots/instances/`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from typing import Any

from slixmpp import ClientXMPP

from bots.assistant import llm
from bots.assistant.bot import AssistantBot
from bots.embedding import Embedders
from bots.instances.membership import Instances
from bots.room_bot import RoomBot
from bots.suggestions.bot import SuggestBot
from bots.suggestions.live_model import LiveModel
from bridge import logging_setup, migrate
from bridge.db import Database, make_engine
from bridge.messages.crypto import KeyStore, MessageCipher
from bridge.metrics.recorder import RECORDER
from bridge.settings import Settings

log = logging.getLogger(__name__)

RECONNECT_SECONDS = 2.0
# Embedding a question costs tens of milliseconds of CPU: on a shared machine ejabberd
# and the bridge come first, so a peak delays suggestions and answers, never messages.
NICENESS = 10


def run_bots(settings: Settings) -> None:
    """Run the bots until stopped, at a lower CPU priority than message delivery."""
    os.nice(NICENESS)
    logging_setup.setup(settings, "bots")
    engine = make_engine(settings)
    migrate.upgrade(engine, settings)
    asyncio.run(_serve(settings, Database(engine)))


async def _serve(settings: Settings, db: Database) -> None:
    model = LiveModel(db, settings)
    cipher = MessageCipher(KeyStore.for_messages(settings))
    clients: list[RoomBot[Any]] = [SuggestBot(settings, db, cipher, model)]
    if settings.bot_enabled:
        writer = llm.configured(settings)
        clients.append(AssistantBot(settings, db, cipher, Embedders(settings).configured, writer))
    instances = Instances(db)
    await instances.join()  # who else is live, before any room is entered
    for client in clients:
        client.share_rooms(instances)
    log.info("bots instance %s started", instances.id)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    for client in clients:
        _keep_connected(client, settings, stop)
    watcher = asyncio.create_task(model.run())
    beating = asyncio.create_task(instances.run())
    recording = asyncio.create_task(RECORDER.run(db))
    await stop.wait()
    watcher.cancel()
    beating.cancel()
    recording.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await recording  # its last flush
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(asyncio.gather(*(client.disconnect() for client in clients)), 5)
    await instances.leave()  # out of the rooms first: the others enter them at once


def _keep_connected(client: RoomBot[Any], settings: Settings, stop: asyncio.Event) -> None:
    """Connect now, and again a moment after every disconnection until the process stops."""
    loop = asyncio.get_running_loop()
    connect_securely(client, settings)

    def reconnect(_: Any) -> None:
        if not stop.is_set():
            log.warning("%s disconnected; reconnecting", client.boundjid.bare)
            loop.call_later(RECONNECT_SECONDS, _connect, client, settings)

    client.add_event_handler("disconnected", reconnect)
    _connect(client, settings)


def connect_securely(bot: ClientXMPP, settings: Settings) -> None:
    """STARTTLS with the configured certificate, or plain on a loopback set-up without one."""
    bot.enable_direct_tls = False
    if settings.tls_cert:
        bot.ca_certs = settings.tls_cert
    else:  # ejabberd offers no STARTTLS without a certificate; it listens on loopback then
        bot.enable_starttls = False
        bot.enable_plaintext = True
        bot.plugin["feature_mechanisms"].unencrypted_plain = True


def _connect(bot: ClientXMPP, settings: Settings) -> None:
    bot.connect(host=settings.xmpp_host, port=settings.xmpp_port)
