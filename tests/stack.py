"""A private customer-chat stack for a test session: PostgreSQL, ejabberd, api, bridge.

Each session renders its own ejabberd config with free ports and a unique node
name, so several runs (and the developer's own `make run`) can coexist.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bridge import migrate
from bridge.db import Database, database_url, make_engine
from bridge.settings import Settings
from bridge.tls import self_signed
from bridge.xmpp_server import storage
from bridge.xmpp_server.config import render
from bridge.xmpp_server.control import Ejabberd

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def stack_env(data_dir: Path, database: str | None, *, assistant: bool = False) -> dict[str, str]:
    """Settings for a private stack, as environment variables.

    Without `assistant`, new chats go straight to the queue, as with
    `CUSTOMER_CHAT_BOT_ENABLED=false`: the tests of people chatting need no bot.
    """
    env = {
        "CUSTOMER_CHAT_BOT_ENABLED": str(assistant).lower(),
        "CUSTOMER_CHAT_DATA_DIR": str(data_dir),
        "CUSTOMER_CHAT_LOG_DIR": str(data_dir / "logs"),
        "CUSTOMER_CHAT_XMPP_PORT": str(free_port()),
        "CUSTOMER_CHAT_XMPP_HTTP_PORT": str(free_port()),
        "CUSTOMER_CHAT_XMPP_COMPONENT_PORT": str(free_port()),
        "CUSTOMER_CHAT_XMPP_ADMIN_PORT": str(free_port()),
        "CUSTOMER_CHAT_PORT": str(free_port()),
        "CUSTOMER_CHAT_EJABBERD_NODE": f"cctest{uuid.uuid4().hex[:8]}@localhost",
    }
    if database:
        env["CUSTOMER_CHAT_DATABASE_URL"] = database
    return env


@dataclass
class Stack:
    """A running stack and the handles tests need."""

    settings: Settings
    env: dict[str, str]
    db: Database
    ejabberd: Ejabberd
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def api(self) -> str:
        """Base URL of the api."""
        return self.settings.api_url

    @property
    def verify(self) -> ssl.SSLContext | bool:
        """What HTTPS clients must trust to talk to this stack."""
        cert = self.settings.tls_cert
        return ssl.create_default_context(cafile=str(cert)) if cert else True

    def start(self, name: str, command: str | None = None) -> None:
        """Start `customer-chat <command>` (`name` by default: api, bridge, bots) as a child."""
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "bridge.cli", command or name],
            env={**os.environ, **self.env},
            cwd=ROOT,
        )

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        """Stop a child process with a signal and wait for it."""
        process = self.processes.pop(name)
        process.send_signal(sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def wait_ready(self, timeout: float = 60) -> None:
        """Wait until /readyz says PostgreSQL, ejabberd and the bridge are up."""
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            try:
                answer = httpx.get(f"{self.api}/readyz", timeout=2, verify=self.verify)
                if answer.status_code == 200:
                    return
                last = answer.text
            except httpx.HTTPError as error:
                last = str(error)
            time.sleep(0.2)
        raise RuntimeError(f"stack not ready: {last}")


def settings_from(env: dict[str, str]) -> Settings:
    """Settings as a process started with these variables would read them."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        return Settings()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def start_stack(tls: bool = False, *, assistant: bool = False) -> Stack:
    """Start PostgreSQL (embedded, or CUSTOMER_CHAT_DATABASE_URL), ejabberd, api and bridge."""
    data_dir = Path(tempfile.mkdtemp(prefix="customer-chat-test-"))
    data_dir.chmod(0o755)
    external = os.environ.get("CUSTOMER_CHAT_DATABASE_URL")
    env = stack_env(data_dir, external, assistant=assistant)
    if tls:
        pair = self_signed(data_dir / "tls", "chat.localhost")
        env |= {"CUSTOMER_CHAT_TLS_CERT": str(pair.cert), "CUSTOMER_CHAT_TLS_KEY": str(pair.key)}
    settings = settings_from(env)
    url = database_url(settings)
    env["CUSTOMER_CHAT_DATABASE_URL"] = url
    settings = settings.model_copy(update={"database_url": url})
    engine = make_engine(settings)
    migrate.upgrade(engine, settings)
    ejabberd = Ejabberd(settings, render(settings))
    ejabberd.start()
    stack = Stack(settings, env, Database(engine), ejabberd)
    stack.start("api")
    stack.start("bridge")
    stack.wait_ready()
    return stack


def stop_stack(stack: Stack) -> None:
    """Stop everything the stack started and remove its files."""
    for name in list(stack.processes):
        stack.stop(name)
    stack.ejabberd.stop()
    storage.stop(stack.settings)
    stack.db.engine.dispose()
    if not os.environ.get("CUSTOMER_CHAT_DATABASE_URL"):
        from bridge.postgres import stop_embedded

        stop_embedded(stack.settings.data_dir)
    shutil.rmtree(stack.settings.data_dir, ignore_errors=True)


def run_cli(
    stack: Stack, *args: str, check: bool = True, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run `customer-chat ARGS` against this stack."""
    return subprocess.run(
        [sys.executable, "-m", "bridge.cli", *args],
        env={**os.environ, **stack.env}, cwd=ROOT, check=check,
        capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def pg_dump(url: str) -> str:
    """The data of a database as `pg_dump` prints it (pgserver ships the tool)."""
    import pgserver

    tool = Path(pgserver.__file__).parent / "pginstall" / "bin" / "pg_dump"
    return subprocess.run(
        [str(tool), "--data-only", f"--dbname={url}"],
        check=True, capture_output=True, text=True, timeout=60,
    ).stdout  # fmt: skip


def ejabberd_missing_reason() -> str | None:
    """Why the integration tests cannot run here, or None if they can."""
    if not Path("/usr/sbin/ejabberdctl").exists():
        return "ejabberd is not installed (apt-get install ejabberd; `make test` does it as root)"
    return None
