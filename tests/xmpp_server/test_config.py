"""The rendered ejabberd configuration."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from bridge.settings import Settings
from bridge.xmpp_server.config import Layout, layout_for, render_yaml
from bridge.xmpp_server.storage import SqlStorage

STORAGE = SqlStorage("db.internal", 6543, "chat_ejabberd", "ejabberd", 'pa"ss: w#rd')


def test_template_is_filled_completely(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        xmpp_domain="help.example",
        xmpp_port=6222,
        allowed_origins="https://help.example",
    )
    text = render_yaml(
        settings, Layout(tmp_path), tmp_path / "extauth.py", tmp_path / "s", storage=STORAGE
    )
    assert "${" not in text
    assert '- "help.example"' in text
    assert "port: 6222" in text
    assert '"support.help.example":' in text
    assert "auth_method: external" in text and "auth_use_cache: false" in text
    assert f"websocket_origin: {json.dumps(settings.web_origins)}" in text
    assert f"/usr/bin/python3 {tmp_path / 'extauth.py'} --api {settings.api_url}" in text
    assert "mod_register" not in text  # no registration over XMPP


def test_archives_are_kept_in_postgresql_and_the_rest_in_mnesia(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    text = render_yaml(settings, Layout(tmp_path), tmp_path / "x", tmp_path / "s", storage=STORAGE)
    assert "\ndefault_db: mnesia\n" in text
    assert "  mod_mam:\n    db_type: sql\n" in text
    assert 'sql_type: pgsql\nsql_server: "db.internal"\nsql_port: 6543\n' in text
    assert 'sql_database: "chat_ejabberd"\nsql_username: "ejabberd"\n' in text
    assert f"sql_password: {json.dumps(STORAGE.password)}\n" in text  # quoted, whatever it holds


def test_a_second_node_on_the_same_host_keeps_its_own_folders(tmp_path: Path) -> None:
    first = layout_for(Settings(data_dir=tmp_path))
    second = layout_for(Settings(data_dir=tmp_path, ejabberd_dir=tmp_path / "node2"))
    assert first.root == tmp_path.resolve() / "ejabberd"
    assert second.spool == tmp_path.resolve() / "node2" / "spool"


def test_public_listeners_queue_a_burst_of_new_connections(tmp_path: Path) -> None:
    """ejabberd's default accept queue of 5 drops a reconnect storm's SYNs (1-7 s retries)."""
    settings = Settings(data_dir=tmp_path)
    text = render_yaml(settings, Layout(tmp_path), tmp_path / "x", tmp_path / "s", storage=STORAGE)
    listeners = yaml.safe_load(text)["listen"]
    c2s = [item for item in listeners if item["module"] == "ejabberd_c2s"]
    web = [item for item in listeners if "/xmpp-websocket" in item.get("request_handlers", "")]
    assert [item["backlog"] for item in c2s + web] == [1024, 1024]
