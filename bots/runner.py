"""`customer-chat bots`: the bot process (today `suggest@`), until SIGTERM or SIGINT."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any

from bots.suggestions.bot import SuggestBot
from bots.suggestions.live_model import LiveModel
from bridge import logging_setup, migrate
from bridge.db import Database, make_engine
from bridge.messages.crypto import KeyStore, MessageCipher
from bridge.settings import Settings

log = logging.getLogger(__name__)

RECONNECT_SECONDS = 2.0


def run_bots(settings: Settings) -> None:
    """Run the bots until stopped."""
    logging_setup.setup(settings, "bots")
    engine = make_engine(settings)
    migrate.upgrade(engine, settings)
    asyncio.run(_serve(settings, Database(engine)))


async def _serve(settings: Settings, db: Database) -> None:
    model = LiveModel(db, settings)
    bot = SuggestBot(settings, db, MessageCipher(KeyStore.for_messages(settings)), model)
    connect_securely(bot, settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)

    def reconnect(_: Any) -> None:
        if not stop.is_set():
            log.warning("suggest bot disconnected; reconnecting")
            loop.call_later(RECONNECT_SECONDS, _connect, bot, settings)

    bot.add_event_handler("disconnected", reconnect)
    watcher = asyncio.create_task(model.run())
    _connect(bot, settings)
    await stop.wait()
    watcher.cancel()
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(bot.disconnect(), 5)


def connect_securely(bot: SuggestBot, settings: Settings) -> None:
    """STARTTLS with the configured certificate, or plain on a loopback set-up without one."""
    bot.enable_direct_tls = False
    if settings.tls_cert:
        bot.ca_certs = settings.tls_cert
    else:  # ejabberd offers no STARTTLS without a certificate; it listens on loopback then
        bot.enable_starttls = False
        bot.enable_plaintext = True
        bot.plugin["feature_mechanisms"].unencrypted_plain = True


def _connect(bot: SuggestBot, settings: Settings) -> None:
    bot.connect(host=settings.xmpp_host, port=settings.xmpp_port)
