"""The ceiling: a bare ejabberd with the product's own config, minus the product.

The product's template is rendered as for the product, then stripped: internal
(Mnesia) accounts instead of extauth, no component listener, and the admin API
may register accounts and create rooms. Everything else stays as the product
has it — listeners and STARTTLS, shapers, MUC options, and the MAM back end —
so the ceiling follows the product's config when that changes.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bridge.settings import Settings
from bridge.xmpp_server import storage
from bridge.xmpp_server.config import Layout, render
from bridge.xmpp_server.control import Ejabberd
from tests.stack import free_port

SETUP_COMMANDS = ["register", "create_room_with_opts", "set_room_affiliation"]


@dataclass
class Ceiling:
    """A running bare ejabberd node."""

    settings: Settings
    ejabberd: Ejabberd

    @property
    def admin_url(self) -> str:
        """Its admin HTTP API."""
        return f"http://127.0.0.1:{self.settings.xmpp_admin_port}/api"

    def stop(self) -> None:
        """Stop the node and its archive's database, and remove its files."""
        self.ejabberd.stop()
        storage.stop(self.settings)
        shutil.rmtree(self.settings.data_dir, ignore_errors=True)


def bare_config(product_yaml: str) -> str:
    """The product's rendered config as a bare ejabberd: internal auth, no component."""
    config: dict[str, Any] = yaml.safe_load(product_yaml)
    for option in ("extauth_program", "extauth_pool_size", "auth_use_cache"):
        config.pop(option, None)
    config["auth_method"] = "mnesia"
    config["listen"] = [
        listener for listener in config["listen"] if listener["module"] != "ejabberd_service"
    ]
    config["api_permissions"]["benchmark set-up on localhost"] = {
        "from": ["mod_http_api"],
        "who": {"ip": "127.0.0.1/8"},
        "what": SETUP_COMMANDS,
    }
    return yaml.safe_dump(config, sort_keys=False)


def start_ceiling(product: Settings) -> Ceiling:
    """Start a bare node beside the product's, with its own ports, node name and folder."""
    data_dir = Path(tempfile.mkdtemp(prefix="customer-chat-ceiling-"))
    data_dir.chmod(0o755)
    settings = product.model_copy(
        update={
            "data_dir": data_dir,
            "xmpp_port": free_port(),
            "xmpp_http_port": free_port(),
            "xmpp_component_port": free_port(),
            "xmpp_admin_port": free_port(),
            "ejabberd_node": f"ccbare{uuid.uuid4().hex[:8]}@localhost",
        }
    )
    layout: Layout = render(settings)
    layout.config.write_text(bare_config(layout.config.read_text()))
    ejabberd = Ejabberd(settings, layout)
    ejabberd.start()
    return Ceiling(settings, ejabberd)
