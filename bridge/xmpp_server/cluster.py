"""Further ejabberd nodes: one joins the cluster of a running node.

A node joining gets its own config (same hosts, modules and storage, its own
ports), a fresh Mnesia spool in its own folder (`CUSTOMER_CHAT_EJABBERD_DIR`)
and the cluster's tables copied over by ejabberd's `join_cluster`. Both nodes
use the same Erlang cookie: run as root, every node runs as the `ejabberd`
user and shares its `~/.erlang.cookie`; on other hosts, copy that file.
"""

from __future__ import annotations

from bridge.settings import Settings
from bridge.xmpp_server.config import layout_for, render
from bridge.xmpp_server.control import Ejabberd, EjabberdError


class ClusterError(RuntimeError):
    """The node cannot join as asked."""


def join(settings: Settings, existing: str) -> Ejabberd:
    """Start this node (per `settings`) and join the cluster of the running node `existing`."""
    if existing == settings.ejabberd_node:
        raise ClusterError(f"{existing} is this node: give the node to join")
    node = Ejabberd(settings, render(settings))
    if node.is_running() and existing in node.cluster_nodes():
        return node  # joined before: only its config was refreshed
    if node.is_running():
        raise ClusterError(f"{settings.ejabberd_node} runs outside {existing}'s cluster; stop it")
    if any(node.layout.spool.iterdir()):
        # join_cluster replaces this node's Mnesia: never throw away a spool with data.
        raise ClusterError(f"{node.layout.spool} is not empty: a joining node starts fresh")
    node.start()
    try:
        node.join_cluster(existing)
    except EjabberdError:
        node.stop()  # not left running on its own, so the next `join` can try again
        raise
    return node


def start(settings: Settings) -> Ejabberd:
    """Render this node's config and start it; a member of a cluster rejoins it by itself."""
    node = Ejabberd(settings, render(settings))
    node.start()
    return node


def node_for(settings: Settings) -> Ejabberd:
    """This node (per `settings`), without rendering anything."""
    return Ejabberd(settings, layout_for(settings))
