"""What `make run` adds for trying it out: a demo supporter, a suggestion model, a knowledge
base, a welcome."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection

from bots.knowledge import repository as knowledge
from bots.suggestions import repository as suggestions
from bridge.accounts import repository, service
from bridge.settings import Settings, read_or_create_secret

DEMO_EMAIL = "sam@example.com"
DEMO_ARCHIVE = Path(__file__).resolve().parents[1] / "demo" / "archive.jsonl"
DEMO_KB = Path(__file__).resolve().parents[1] / "demo" / "kb"


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


def needs_suggestion_model(conn: Connection) -> bool:
    """True before the first model is trained, when the demo archive is at hand."""
    return suggestions.newest_version(conn) is None and DEMO_ARCHIVE.exists()


def train_suggestions(env: dict[str, str], log_file: Path) -> subprocess.Popen[bytes]:
    """Import the demo archive and train the first model, in the background."""
    with log_file.open("ab") as output:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bridge.cli",
                "suggestions",
                "train",
                "--import",
                str(DEMO_ARCHIVE),
            ],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def needs_knowledge_base(conn: Connection) -> bool:
    """True while the knowledge base is empty, when the demo articles are at hand.

    Only then: importing again would overwrite what supporters edited.
    """
    return DEMO_KB.is_dir() and not knowledge.list_articles(conn)


def import_knowledge_base(env: dict[str, str], log_file: Path) -> subprocess.Popen[bytes]:
    """Import and embed the demo articles, in the background."""
    with log_file.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "bridge.cli", "kb", "import", str(DEMO_KB)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def welcome(
    settings: Settings,
    login: DemoLogin | None,
    *,
    training: bool = False,
    importing: bool = False,
) -> str:
    """What `run` prints once everything is ready."""
    lines = [
        "",
        "customer-chat is running.",
        f"  Customer chat:  http://127.0.0.1:{settings.port}/",
        f"  Web console:    http://127.0.0.1:{settings.port}/console",
        f"  Knowledge base: http://127.0.0.1:{settings.port}/console/kb",
    ]
    if login is not None:
        lines += [
            f"  Console login:  {login.email} / {login.password}",
            "  Desktop client (Gajim, Dino):",
            f"    JID {login.username}@{settings.xmpp_domain}   password {login.password}",
            f"    server 127.0.0.1   port {settings.xmpp_port}   (plain connection, local only)",
            f"    commands: message support.{settings.xmpp_domain} with 'help'",
        ]
    if training:
        lines.append(
            "  Reply suggestions: a model is being trained on the demo archive (a few minutes;"
            f" see {settings.log_dir / 'suggestions-train.log'}); suggest@ uses it when ready."
        )
    if importing:
        lines.append(
            "  Knowledge base: the demo articles are being imported and embedded (a few minutes;"
            f" see {settings.log_dir / 'kb-import.log'}); search finds each one once embedded."
        )
    lines.append("Press Ctrl-C to stop.")
    return "\n".join(lines)
