"""Fixtures: a second ejabberd node joined to the test stack's node, and the bots."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator

import pytest

from bridge.xmpp_server.cluster import join
from bridge.xmpp_server.control import Ejabberd
from tests.stack import Stack, free_port, settings_from
from tests.suggestions.conftest import suggesting

__all__ = [
    "suggesting"
]  # the stack with a trained model and the bots, shared with tests/suggestions


@pytest.fixture(scope="module")
def node_b_env(stack: Stack) -> dict[str, str]:
    """The stack's settings for node B: its own node name, folder and ports."""
    name = f"cctestb{uuid.uuid4().hex[:8]}"
    return {
        **stack.env,
        "CUSTOMER_CHAT_EJABBERD_NODE": f"{name}@localhost",
        # A folder per node: another module's node B, stopped, keeps its spool.
        "CUSTOMER_CHAT_EJABBERD_DIR": str(stack.settings.data_dir / name),
        "CUSTOMER_CHAT_XMPP_PORT": str(free_port()),
        "CUSTOMER_CHAT_XMPP_HTTP_PORT": str(free_port()),
        "CUSTOMER_CHAT_XMPP_COMPONENT_PORT": str(free_port()),
        "CUSTOMER_CHAT_XMPP_ADMIN_PORT": str(free_port()),
    }


@pytest.fixture(scope="module")
def node_b(stack: Stack, node_b_env: dict[str, str]) -> Iterator[Ejabberd]:
    """Node B, joined to the stack's node A: same data dir and MAM database."""
    node = join(settings_from(node_b_env), stack.settings.ejabberd_node)
    yield node
    node.stop()


def beam_pid(node: str) -> int:
    """The OS process id of this node's Erlang VM (to kill it as a crash would)."""
    found = subprocess.run(
        ["pgrep", "-f", f"beam.smp .* -sname {node} "], capture_output=True, text=True, check=True
    ).stdout.split()
    assert len(found) == 1, found
    return int(found[0])
