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
from bridge.xmpp_server.control import Ejabberd


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
    node.join_cluster(existing)
    return node


def node_for(settings: Settings) -> Ejabberd:
    """This node (per `settings`), without rendering anything."""
    return Ejabberd(settings, layout_for(settings))
