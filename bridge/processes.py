"""The single processes: the api (uvicorn) and the bridge component (asyncio)."""

from __future__ import annotations

import asyncio
import signal

import uvicorn

from bridge import logging_setup, migrate
from bridge.api.app import create_app
from bridge.archive.service import open_archive
from bridge.db import Database, make_engine
from bridge.settings import Settings


def run_api(settings: Settings) -> None:
    """Serve the api and the pages until stopped."""
    logging_setup.setup(settings, "api")
    engine = make_engine(settings)
    migrate.upgrade(engine, settings)
    app = create_app(settings, engine, open_archive(settings))
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        ssl_certfile=settings.tls_cert,
        ssl_keyfile=settings.tls_key,
    )


def run_bridge(settings: Settings) -> None:
    """Run the bridge component until SIGTERM or SIGINT."""
    logging_setup.setup(settings, "bridge")
    engine = make_engine(settings)
    migrate.upgrade(engine, settings)
    asyncio.run(_serve_bridge(settings, Database(engine), open_archive(settings)))


async def _serve_bridge(settings: Settings, db: Database, archive: Database) -> None:
    """Wait to be the active bridge, then serve until stopped or until another takes over."""
    from bridge.routing.component import Bridge
    from bridge.routing.leadership import Leadership

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    leadership = Leadership(db.engine)
    acquiring = asyncio.ensure_future(leadership.acquire())
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait((acquiring, stopping), return_when=asyncio.FIRST_COMPLETED)
    if stop.is_set():
        acquiring.cancel()
        leadership.release()
        return
    bridge = Bridge(settings, db, archive)
    bridge.connect()
    held = asyncio.ensure_future(leadership.keep())
    await asyncio.wait((held, stopping), return_when=asyncio.FIRST_COMPLETED)
    held.cancel()
    await bridge.stop()
    leadership.release()
