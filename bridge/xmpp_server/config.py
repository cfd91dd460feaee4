"""Render `ejabberd/ejabberd.yml.in` and everything ejabberd needs into the data dir."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import string
from dataclasses import dataclass
from pathlib import Path

from bridge import extauth
from bridge.settings import Settings
from bridge.xmpp_server.storage import SqlStorage, prepare

TEMPLATE = Path(__file__).resolve().parents[2] / "ejabberd" / "ejabberd.yml.in"
SYSTEM_CTL_CFG = Path("/etc/ejabberd/ejabberdctl.cfg")
EJABBERD_USER = "ejabberd"


@dataclass(frozen=True)
class Layout:
    """Where the private instance keeps its files."""

    root: Path

    @property
    def etc(self) -> Path:
        """Configuration folder."""
        return self.root / "etc"

    @property
    def logs(self) -> Path:
        """ejabberd's own logs."""
        return self.root / "log"

    @property
    def spool(self) -> Path:
        """Mnesia database (rooms, MAM)."""
        return self.root / "spool"

    @property
    def config(self) -> Path:
        """The rendered ejabberd.yml."""
        return self.etc / "ejabberd.yml"


def layout_for(settings: Settings) -> Layout:
    """The node's folders: `CUSTOMER_CHAT_EJABBERD_DIR`, or `ejabberd/` inside the data dir."""
    return Layout((settings.ejabberd_dir or settings.data_dir / "ejabberd").resolve())


def render(settings: Settings) -> Layout:
    """Prepare ejabberd's database; write its config, ejabberdctl.cfg, extauth program, secret."""
    storage = prepare(settings)
    layout = layout_for(settings)
    for folder in (layout.etc, layout.logs, layout.spool):
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)  # rooms' MAM copies and secrets: for ejabberd's eyes only
    program = layout.root / "extauth.py"
    shutil.copyfile(extauth.__file__, program)
    program.chmod(0o644)
    secret_file = layout.etc / "extauth.secret"
    secret_file.write_text(settings.extauth_secret)
    secret_file.chmod(0o600)
    certfiles = _copy_certificate(settings, layout)
    layout.config.write_text(
        render_yaml(settings, layout, program, secret_file, certfiles, storage=storage)
    )
    layout.config.chmod(0o600)
    _write_ctl_cfg(layout, settings.ejabberd_node)
    _hand_to_ejabberd_user(settings.data_dir, layout)
    return layout


def render_yaml(
    settings: Settings,
    layout: Layout,
    program: Path,
    secret_file: Path,
    certfiles: list[Path] | None = None,
    *,
    storage: SqlStorage,
) -> str:
    """Fill the template with these settings and ejabberd's database."""
    extauth_program = (
        f"/usr/bin/python3 {program} --api {settings.api_url} "
        f"--secret-file {secret_file} --log {layout.logs / 'extauth.log'}"
    )
    if certfiles:  # the api answers HTTPS with this certificate: trust it
        extauth_program += f" --ca-file {certfiles[0]}"
    values = {
        "domain": settings.xmpp_domain,
        "bind_ip": settings.xmpp_bind,
        "internal_ip": settings.xmpp_internal_bind,
        "c2s_port": settings.xmpp_port,
        "component_port": settings.xmpp_component_port,
        "http_port": settings.xmpp_http_port,
        "admin_port": settings.xmpp_admin_port,
        "component_secret": settings.component_secret,
        "extauth_program": extauth_program,
        "websocket_origins": json.dumps(settings.web_origins),
        "certfiles": json.dumps([str(path) for path in certfiles or []]),
        "tls": "true" if certfiles else "false",
        # JSON strings are YAML strings: any password is quoted safely.
        "sql_host": json.dumps(storage.host),
        "sql_port": storage.port,
        "sql_database": json.dumps(storage.database),
        "sql_username": json.dumps(storage.username),
        "sql_password": json.dumps(storage.password),
    }
    return string.Template(TEMPLATE.read_text()).substitute(values)


def _copy_certificate(settings: Settings, layout: Layout) -> list[Path]:
    # ejabberd runs as its own user: it gets a private copy it can read.
    if settings.tls_cert is None or settings.tls_key is None:
        return []
    copy = layout.etc / "tls.pem"
    copy.write_bytes(settings.tls_cert.read_bytes() + b"\n" + settings.tls_key.read_bytes())
    copy.chmod(0o600)
    return [copy]


def _write_ctl_cfg(layout: Layout, node: str) -> None:
    # The system file points at /etc/ejabberd's config; drop that so ours is used.
    lines = []
    if SYSTEM_CTL_CFG.exists():
        lines = [
            line
            for line in SYSTEM_CTL_CFG.read_text().splitlines()
            if not line.startswith(("EJABBERD_CONFIG_PATH=", "EJABBERD_PID_PATH="))
        ]
    if node.endswith("@localhost"):
        # Nodes of one host talk over loopback only; nodes on several hosts need their network.
        lines.append("INET_DIST_INTERFACE=127.0.0.1")
    (layout.etc / "ejabberdctl.cfg").write_text("\n".join(lines) + "\n")
    inetrc = Path("/etc/ejabberd/inetrc")
    if inetrc.exists():
        shutil.copyfile(inetrc, layout.etc / "inetrc")


def _hand_to_ejabberd_user(data_dir: Path, layout: Layout) -> None:
    # As root, ejabberdctl runs the node as `ejabberd`: it must own its folders
    # and be able to reach them through the data dir.
    if os.geteuid() != 0:
        return
    account = pwd.getpwnam(EJABBERD_USER)
    data_dir.resolve().chmod(0o711)
    for path in [layout.root, *layout.root.rglob("*")]:
        os.chown(path, account.pw_uid, account.pw_gid)
