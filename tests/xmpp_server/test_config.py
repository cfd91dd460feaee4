"""The rendered ejabberd configuration."""

from __future__ import annotations

import json
from pathlib import Path

from bridge.settings import Settings
from bridge.xmpp_server.config import Layout, render_yaml


def test_template_is_filled_completely(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        xmpp_domain="help.example",
        xmpp_port=6222,
        allowed_origins="https://help.example",
    )
    text = render_yaml(settings, Layout(tmp_path), tmp_path / "extauth.py", tmp_path / "s")
    assert "${" not in text
    assert '- "help.example"' in text
    assert "port: 6222" in text
    assert '"support.help.example":' in text
    assert "auth_method: external" in text and "auth_use_cache: false" in text
    assert f"websocket_origin: {json.dumps(settings.web_origins)}" in text
    assert f"/usr/bin/python3 {tmp_path / 'extauth.py'} --api {settings.api_url}" in text
    assert "mod_register" not in text  # no registration over XMPP
