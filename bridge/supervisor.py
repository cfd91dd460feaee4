"""`customer-chat run`: everything for one machine, started in order, stopped cleanly.

Embedded PostgreSQL (unless a database URL is configured), migrations, the api,
the private ejabberd node, the bridge and the bots; the api, the bridge and the
bots are child processes restarted if they die; Ctrl-C stops them all.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bridge import demo, logging_setup, migrate
from bridge.db import Database, database_url, make_engine
from bridge.settings import Settings
from bridge.xmpp_server import storage
from bridge.xmpp_server.config import render
from bridge.xmpp_server.control import Ejabberd

log = logging.getLogger(__name__)

CHILDREN = ("api", "bridge", "bots")
READY_TIMEOUT = 90.0


@dataclass
class Child:
    """A supervised child process, restarted with backoff when it dies."""

    name: str
    env: dict[str, str]
    pid_dir: Path
    process: subprocess.Popen[bytes] | None = None
    restarts: list[float] = field(default_factory=list)

    def start(self) -> None:
        """Start (or restart) the process and record its pid."""
        command = [sys.executable, "-m", "bridge.cli", self.name]
        self.process = subprocess.Popen(command, env=self.env)
        (self.pid_dir / f"{self.name}.pid").write_text(str(self.process.pid))

    def check(self) -> None:
        """Restart the process if it has died (at most 5 times a minute)."""
        if self.process is None or self.process.poll() is None:
            return
        now = time.monotonic()
        self.restarts = [t for t in self.restarts if now - t < 60] + [now]
        if len(self.restarts) > 5:
            raise SystemExit(f"{self.name} keeps dying; see the logs")
        log.warning("%s exited with %s; restarting", self.name, self.process.returncode)
        self.start()

    def stop(self) -> None:
        """Ask the process to stop, then kill it if it does not."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def run(settings: Settings) -> None:
    """Start everything, print where to go, and supervise until interrupted."""
    logging_setup.setup(settings, "run")
    ejabberdctl_present(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    url = database_url(settings)
    engine = make_engine(settings.model_copy(update={"database_url": url}))
    migrate.upgrade(engine, settings)
    supporter = (
        Database(engine).run_sync(demo.ensure_supporter, settings) if settings.demo else None
    )
    env = {
        **os.environ,
        "CUSTOMER_CHAT_DATABASE_URL": url,
        "CUSTOMER_CHAT_DATA_DIR": str(settings.data_dir.resolve()),
        "CUSTOMER_CHAT_LOG_DIR": str(settings.log_dir.resolve()),
    }
    pid_dir = (settings.data_dir / "run").resolve()
    pid_dir.mkdir(parents=True, exist_ok=True)
    children = {name: Child(name, env, pid_dir) for name in CHILDREN}
    ejabberd = Ejabberd(settings, render(settings))
    training: subprocess.Popen[bytes] | None = None
    importing: subprocess.Popen[bytes] | None = None
    stopping = False

    def request_stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        children["api"].start()
        ejabberd.start()
        children["bridge"].start()
        children["bots"].start()
        wait_until_ready(settings)
        if settings.demo and Database(engine).run_sync(demo.needs_suggestion_model):
            training = demo.train_suggestions(env, settings.log_dir / "suggestions-train.log")
        if settings.demo and Database(engine).run_sync(demo.needs_knowledge_base):
            importing = demo.import_knowledge_base(env, settings.log_dir / "kb-import.log")
        print(
            demo.welcome(
                settings,
                supporter,
                training=training is not None,
                importing=importing is not None,
            ),
            flush=True,
        )
        while not stopping:
            for child in children.values():
                child.check()
            time.sleep(0.5)
    finally:
        log.info("stopping")
        for helper in (training, importing):
            if helper is not None and helper.poll() is None:
                helper.terminate()
                helper.wait()
        for child in reversed(children.values()):
            child.stop()
        ejabberd.stop()
        storage.stop(settings)
        if not settings.database_url:
            from bridge.postgres import stop_embedded

            stop_embedded(settings.data_dir)


def ejabberdctl_present(settings: Settings) -> None:
    """Exit with a clear message when ejabberd is not installed."""
    if not Path(settings.ejabberdctl).exists() and shutil.which(settings.ejabberdctl) is None:
        raise SystemExit(
            f"ejabberd is not installed ({settings.ejabberdctl} not found). Install Debian's "
            "package: sudo apt-get install ejabberd  (or run `make run` as root)."
        )


def wait_until_ready(settings: Settings, timeout: float = READY_TIMEOUT) -> None:
    """Poll /readyz until PostgreSQL, ejabberd and the bridge are all up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            cert = settings.tls_cert
            verify = ssl.create_default_context(cafile=str(cert)) if cert else True
            answer = httpx.get(f"{settings.api_url}/readyz", timeout=2, verify=verify)
            if answer.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"not ready after {timeout:.0f}s; see {settings.log_dir}")
