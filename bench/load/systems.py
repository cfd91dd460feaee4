"""Start the two systems side by side: the product stack and the bare ceiling.

The product is the tests' private stack (`tests/stack.py`) with TLS, a
suggestion model trained on the tests' synthetic archive and the real `bots`
process; the ceiling is a bare ejabberd rendered from the same config.
As root, ejabberd runs with a raised open-files limit (`su` would reset it to
1024, too few for the idle-connections figure).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import ssl
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bench.load.ceiling import Ceiling, start_ceiling
from bench.load.procs import Meter, Piece, cpu_seconds, find_beam, pin, postmaster
from bridge.xmpp_server.storage import EMBEDDED
from tests.stack import Stack, run_cli, start_stack, stop_stack
from tests.suggestions.archive import write_archive

OPEN_FILES = 20000
WRAPPER = """#!/bin/sh
# ejabberdctl as the ejabberd user with more open files than su's PAM default.
ulimit -n {files}
exec setpriv --reuid=ejabberd --regid=ejabberd --init-groups \\
    env HOME=/var/lib/ejabberd /usr/sbin/ejabberdctl "$@"
"""
QUIET_SHARE = 0.05
QUIET_WAIT_SECONDS = 30.0


@dataclass
class Systems:
    """Both running systems and the processes measured on each."""

    stack: Stack
    ceiling: Ceiling
    work: Path  # the ejabberdctl wrapper and the training archive
    product_pieces: list[Piece] = field(default_factory=list)
    ceiling_pieces: list[Piece] = field(default_factory=list)

    @property
    def tls(self) -> ssl.SSLContext | None:
        """What the generator trusts for STARTTLS (both systems share the certificate)."""
        verify = self.stack.verify
        return verify if isinstance(verify, ssl.SSLContext) else None

    def product_meter(self) -> Meter:
        """Start measuring the product's processes."""
        return Meter(self.product_pieces)

    def ceiling_meter(self) -> Meter:
        """Start measuring the bare node."""
        return Meter(self.ceiling_pieces)

    async def quiet(self) -> None:
        """Wait until the product's processes have worked off their backlog."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + QUIET_WAIT_SECONDS
        while loop.time() < deadline:
            before = sum(cpu_seconds(self.product_pieces).values())
            await asyncio.sleep(1.0)
            if sum(cpu_seconds(self.product_pieces).values()) - before < QUIET_SHARE:
                return

    def stop(self) -> None:
        """Stop both systems and remove their files."""
        self.ceiling.stop()
        stop_stack(self.stack)
        shutil.rmtree(self.work, ignore_errors=True)


def start_systems(*, tls: bool, server_cpus: str, product_cpus: str, bots: bool = True) -> Systems:
    """Start the product (with the bots unless told) and the ceiling, and pin their processes.

    ejabberd and its archive database, of both systems, run on `server_cpus`;
    the product's own processes and database on `product_cpus` — the layout of
    a deployment where the Python pieces have machines of their own, so the
    figures show whether they hold up ejabberd's delivery.
    """
    work = Path(tempfile.mkdtemp(prefix="customer-chat-bench-"))
    work.chmod(0o755)
    if os.geteuid() == 0:
        os.environ["CUSTOMER_CHAT_EJABBERDCTL"] = str(_ctl_wrapper(work))
    try:
        stack = start_stack(tls=tls)
    except BaseException:
        shutil.rmtree(work)
        raise
    try:
        if bots:
            write_archive(work / "chats.jsonl")
            run_cli(stack, "suggestions", "train", "--import", str(work / "chats.jsonl"))
            stack.start("bots")
        ceiling = start_ceiling(stack.settings)
    except BaseException:
        stop_stack(stack)
        shutil.rmtree(work)
        raise
    systems = Systems(stack, ceiling, work)
    servers = [
        Piece("ejabberd", find_beam(stack.settings.ejabberd_node)),
        Piece("archive", postmaster(stack.settings.data_dir / EMBEDDED)),
    ]
    product = [Piece(name, process.pid) for name, process in stack.processes.items()]
    pgdata = stack.settings.data_dir / "postgres"
    if (pgdata / "postmaster.pid").exists():  # the embedded server (not an external one)
        product.append(Piece("postgres", postmaster(pgdata)))
    systems.product_pieces = [*servers, *product]
    systems.ceiling_pieces = [
        Piece("ejabberd", find_beam(ceiling.settings.ejabberd_node)),
        Piece("archive", postmaster(ceiling.settings.data_dir / EMBEDDED)),
    ]
    pin([*servers, *systems.ceiling_pieces], server_cpus)
    pin(product, product_cpus)
    return systems


def _ctl_wrapper(folder: Path) -> Path:
    path = folder / "ejabberdctl"
    path.write_text(WRAPPER.format(files=OPEN_FILES))
    path.chmod(stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    return path
