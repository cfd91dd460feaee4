"""The `customer-chat` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bots.assistant import command as assistant
from bots.knowledge import command as knowledge
from bots.suggestions import command as suggestions
from bridge import extauth
from bridge.settings import Settings

if TYPE_CHECKING:
    from bridge.db import Database
    from bridge.messages.crypto import MessageCipher


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run the chosen command."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help()
        raise SystemExit(2)
    args.handler(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="customer-chat", description=__doc__)
    commands = parser.add_subparsers(title="commands")
    for name, handler, text in (
        ("run", _run, "start everything for one machine"),
        ("api", _api, "run the api and web pages"),
        ("bridge", _bridge, "run the XMPP bridge component"),
        ("bots", _bots, "run the bots (suggest@)"),
        ("migrate", _migrate, "apply database migrations"),
        ("ejabberd-config", _ejabberd_config, "render ejabberd's config into the data dir"),
        ("tls-self-signed", _tls_self_signed, "write a self-signed certificate for trying TLS"),
    ):
        commands.add_parser(name, help=text).set_defaults(handler=handler)
    extauth_parser = commands.add_parser("extauth", help="ejabberd's external auth program")
    extauth.add_arguments(extauth_parser)
    extauth_parser.set_defaults(handler=extauth.run)
    archive = commands.add_parser("archive", help="move ended chats into the archive")
    archive.add_argument("--older-than", default=None, help="e.g. 7d, 12h, 30m, 45s")
    archive.set_defaults(handler=_archive)
    archive_import = archive.add_subparsers().add_parser("import", help="import past chats")
    archive_import.add_argument("path", type=Path, help="a .jsonl file, one chat a line")
    archive_import.set_defaults(handler=_archive_import)
    train = (
        commands.add_parser("suggestions", help="reply suggestions")
        .add_subparsers()
        .add_parser("train", help="train a model on the archived chats")
    )
    suggestions.add_arguments(train)
    train.set_defaults(handler=suggestions.run_train)
    kb_import = (
        commands.add_parser("kb", help="knowledge base")
        .add_subparsers()
        .add_parser("import", help="import articles (Markdown or .jsonl) and embed them")
    )
    knowledge.add_arguments(kb_import)
    kb_import.set_defaults(handler=knowledge.run_import)
    bot = commands.add_parser("bot", help="the assistant").add_subparsers()
    evaluate = bot.add_parser("evaluate", help="figures of the assistant on a labelled file")
    assistant.add_arguments(evaluate)
    evaluate.set_defaults(handler=assistant.run_evaluate)
    learn = bot.add_parser("learn", help="add labelled questions to the question memory")
    assistant.add_arguments(learn)
    learn.set_defaults(handler=assistant.run_learn)
    keys = commands.add_parser("keys", help="message encryption keys").add_subparsers()
    keys.add_parser("rotate", help="add a key for new messages").set_defaults(handler=_rotate)
    keys.add_parser("reencrypt", help="move old messages to the newest key").set_defaults(
        handler=_reencrypt
    )
    _add_cluster_commands(commands)
    users = commands.add_parser("users", help="manage staff accounts").add_subparsers()
    create = users.add_parser("create", help="create a supporter or admin")
    create.add_argument("--email", required=True)
    create.add_argument("--role", required=True, choices=["supporter", "admin"])
    create.add_argument("--username")
    create.add_argument("--display-name")
    create.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help="read the password from standard input",
    )
    create.set_defaults(handler=_create_user)
    return parser


def _add_cluster_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cluster = commands.add_parser("cluster", help="ejabberd nodes of a cluster").add_subparsers()
    join = cluster.add_parser("join", help="start this node and join a running node's cluster")
    join.add_argument("node", help="a running node of the cluster, e.g. customerchat@localhost")
    join.set_defaults(handler=_cluster_join)
    for name, handler, text in (
        ("start", _cluster_start, "start this node again (a member rejoins by itself)"),
        ("stop", _cluster_stop, "stop this node (the others go on)"),
        ("nodes", _cluster_nodes, "list the running nodes of this node's cluster"),
    ):
        cluster.add_parser(name, help=text).set_defaults(handler=handler)


def _cluster_join(args: argparse.Namespace) -> None:
    from bridge.xmpp_server.cluster import ClusterError, join
    from bridge.xmpp_server.control import EjabberdError

    try:
        node = join(Settings(), args.node)
    except (ClusterError, EjabberdError) as error:
        raise SystemExit(f"error: {error}") from error
    print("cluster: " + " ".join(node.cluster_nodes()))


def _cluster_start(_: argparse.Namespace) -> None:
    from bridge.xmpp_server.cluster import start

    print("cluster: " + " ".join(start(Settings()).cluster_nodes()))


def _cluster_stop(_: argparse.Namespace) -> None:
    from bridge.xmpp_server.cluster import node_for

    node_for(Settings()).stop()


def _cluster_nodes(_: argparse.Namespace) -> None:
    from bridge.xmpp_server.cluster import node_for
    from bridge.xmpp_server.control import EjabberdError

    try:
        print("\n".join(node_for(Settings()).cluster_nodes()))
    except EjabberdError as error:
        raise SystemExit(f"error: {error}") from error


def _run(_: argparse.Namespace) -> None:
    from bridge.supervisor import run

    run(Settings())


def _api(_: argparse.Namespace) -> None:
    from bridge.processes import run_api

    run_api(Settings())


def _bridge(_: argparse.Namespace) -> None:
    from bridge.processes import run_bridge

    run_bridge(Settings())


def _bots(_: argparse.Namespace) -> None:
    from bots.runner import run_bots

    run_bots(Settings())


def _migrate(_: argparse.Namespace) -> None:
    from bridge import migrate
    from bridge.db import make_engine

    settings = Settings()
    migrate.upgrade(make_engine(settings), settings)
    print("database is up to date")


def _archive(args: argparse.Namespace) -> None:
    import asyncio

    from bridge.archive.service import Archiver, open_archive, parse_duration
    from bridge.db import Database, make_engine

    settings = Settings()
    try:
        older_than = parse_duration(args.older_than or settings.archive_after)
    except ValueError as error:
        raise SystemExit(f"error: {error}") from error
    live = Database(make_engine(settings))
    archiver = Archiver.for_settings(settings, live, open_archive(settings))

    async def run() -> int:
        try:
            return await archiver.run(older_than)
        finally:
            await archiver.admin.close()

    print(f"archived {asyncio.run(run())} chats")


def _archive_import(args: argparse.Namespace) -> None:
    from bridge.archive.importer import import_file
    from bridge.archive.service import open_archive
    from bridge.messages.crypto import KeyStore, MessageCipher

    settings = Settings()
    cipher = MessageCipher(KeyStore.for_archive(settings))
    report = import_file(args.path, open_archive(settings), cipher)
    for error in report.errors:
        print(error, file=sys.stderr)
    print(
        f"imported {report.imported} chats, {report.already_there} already there, "
        f"{len(report.errors)} lines refused"
    )
    if report.errors:
        raise SystemExit(1)


def _rotate(_: argparse.Namespace) -> None:
    from bridge.messages.crypto import KeysConfigured, KeyStore

    try:
        key_id = KeyStore.for_messages(Settings()).rotate()
    except KeysConfigured as error:
        raise SystemExit(f"error: {error}") from error
    print(f"new messages are now encrypted with key {key_id}")


def _reencrypt(_: argparse.Namespace) -> None:
    from bots.assistant import repository as decisions
    from bridge import migrate
    from bridge.db import Database, make_engine
    from bridge.messages import repository
    from bridge.messages.crypto import KeyStore, MessageCipher

    settings = Settings()
    engine = make_engine(settings)
    migrate.upgrade(engine, settings)
    cipher = MessageCipher(KeyStore.for_messages(settings))
    database = Database(engine)
    messages = _in_batches(database, repository.reencrypt, cipher)
    questions = _in_batches(database, decisions.reencrypt_questions, cipher)
    print(
        f"re-encrypted {messages} messages and {questions} assistant questions"
        f" with key {cipher.store.ring().current_id}"
    )


def _in_batches(
    database: Database, step: Callable[..., tuple[int, object | None]], cipher: MessageCipher
) -> int:
    """Run a re-encryption step a batch (one transaction) at a time; how many rows moved."""
    total, last = database.run_sync(step, cipher)
    while last is not None:
        moved, last = database.run_sync(step, cipher, after_id=last)
        total += moved
    return total


def _tls_self_signed(_: argparse.Namespace) -> None:
    from bridge.tls import self_signed

    settings = Settings()
    pair = self_signed(settings.data_dir.resolve() / "tls", settings.xmpp_domain)
    print(f"CUSTOMER_CHAT_TLS_CERT={pair.cert}\nCUSTOMER_CHAT_TLS_KEY={pair.key}")


def _ejabberd_config(_: argparse.Namespace) -> None:
    from bridge.xmpp_server.config import render

    print(render(Settings()).config)


def _create_user(args: argparse.Namespace) -> None:
    from bridge import migrate
    from bridge.accounts import passwords, service
    from bridge.db import Database, make_engine

    password = sys.stdin.readline().rstrip("\n")
    settings = Settings()
    engine = make_engine(settings)
    migrate.upgrade(engine, settings)
    try:
        user = Database(engine).run_sync(
            lambda conn: service.create_staff(
                conn,
                email=args.email,
                role=args.role,
                password=password,
                username=args.username,
                display_name=args.display_name,
            )
        )
    except (service.AccountError, passwords.PasswordRejected) as error:
        raise SystemExit(f"error: {error}") from error
    print(f"created {user.role} {user.username} ({user.email})")


if __name__ == "__main__":
    main()
