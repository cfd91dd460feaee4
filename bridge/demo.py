"""The demo supporter `make run` creates, and the welcome text it prints."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from bridge.accounts import repository, service
from bridge.settings import Settings, read_or_create_secret

DEMO_EMAIL = "sam@example.com"


@dataclass(frozen=True)
class DemoLogin:
    """The demo supporter's credentials."""

    email: str
    username: str
    password: str


def ensure_supporter(conn: Connection, settings: Settings) -> DemoLogin:
    """Create the demo supporter once; its password is generated into the data dir."""
    password = read_or_create_secret(settings.data_dir / "secrets" / "demo-supporter")
    user = repository.get_by_login(conn, DEMO_EMAIL)
    if user is None:
        user = service.create_staff(
            conn, email=DEMO_EMAIL, role="supporter", password=password, display_name="Sam"
        )
    return DemoLogin(DEMO_EMAIL, user.username or "sam", password)


def welcome(settings: Settings, login: DemoLogin | None) -> str:
    """What `run` prints once everything is ready."""
    lines = [
        "",
        "customer-chat is running.",
        f"  Customer chat:  http://127.0.0.1:{settings.port}/",
        f"  Web console:    http://127.0.0.1:{settings.port}/console",
    ]
    if login is not None:
        lines += [
            f"  Console login:  {login.email} / {login.password}",
            "  Desktop client (Gajim, Dino):",
            f"    JID {login.username}@{settings.xmpp_domain}   password {login.password}",
            f"    server 127.0.0.1   port {settings.xmpp_port}   (plain connection, local only)",
            f"    commands: message support.{settings.xmpp_domain} with 'help'",
        ]
    lines.append("Press Ctrl-C to stop.")
    return "\n".join(lines)
