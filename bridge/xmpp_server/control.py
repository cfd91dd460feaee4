"""Start, stop and query the private ejabberd node through `ejabberdctl`."""

from __future__ import annotations

import logging
import subprocess

from bridge.settings import Settings
from bridge.xmpp_server.config import Layout

log = logging.getLogger(__name__)


class EjabberdError(RuntimeError):
    """ejabberdctl failed."""


class Ejabberd:
    """One private ejabberd node: its own config, logs, spool and node name."""

    def __init__(self, settings: Settings, layout: Layout) -> None:
        self.settings = settings
        self.layout = layout

    def ctl(self, *args: str, timeout: float = 60) -> str:
        """Run an ejabberdctl command on this node and return its output."""
        command = [
            self.settings.ejabberdctl,
            "--config-dir", str(self.layout.etc),
            "--config", str(self.layout.config),
            "--logs", str(self.layout.logs),
            "--spool", str(self.layout.spool),
            "--node", self.settings.ejabberd_node,
            *args,
        ]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise EjabberdError(f"ejabberdctl {args[0]}: {result.stdout}{result.stderr}".strip())
        return result.stdout

    def is_running(self) -> bool:
        """True when the node answers."""
        try:
            self.ctl("status", timeout=20)
        except (EjabberdError, subprocess.TimeoutExpired):
            return False
        return True

    def room_exists(self, room_jid: str) -> bool:
        """Whether a room (and so its archive) exists on this node."""
        service = room_jid.partition("@")[2]
        return room_jid in self.ctl("muc_online_rooms", service, timeout=20).split()

    def start(self) -> None:
        """Start the node (or reload its config if it runs) and wait until it serves."""
        if self.is_running():
            self.ctl("reload_config")
            return
        self.ctl("start")
        self.ctl("started", timeout=120)
        log.info("ejabberd node %s started", self.settings.ejabberd_node)

    def cluster_nodes(self) -> list[str]:
        """The running nodes of this node's cluster (itself included)."""
        return self.ctl("list_cluster", timeout=20).split()

    def join_cluster(self, node: str) -> None:
        """Join the cluster of `node`: this node's Mnesia is replaced by a copy of the cluster's."""
        self.ctl("join_cluster", node, timeout=120)
        self.ctl("started", timeout=120)  # join_cluster restarts this node's ejabberd
        log.info("ejabberd node %s joined %s", self.settings.ejabberd_node, node)

    def stop(self) -> None:
        """Stop the node and wait until it is down."""
        if not self.is_running():
            return
        self.ctl("stop")
        self.ctl("stopped", timeout=120)
