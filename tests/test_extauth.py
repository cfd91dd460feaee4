"""The extauth program keeps one connection to the api, and survives the api closing it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from bridge.extauth import Forwarder


class FakeApi(ThreadingHTTPServer):
    """Answers every extauth question with yes, and counts the connections it accepted."""

    def __init__(self, *, keep_alive: bool) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.keep_alive = keep_alive
        self.connections = 0
        self.questions: list[dict[str, Any]] = []


class Handler(BaseHTTPRequestHandler):
    """One request of the fake api."""

    protocol_version = "HTTP/1.1"
    server: FakeApi

    def setup(self) -> None:
        """Count the connection."""
        super().setup()
        self.server.connections += 1

    def do_POST(self) -> None:
        """Say yes; without keep-alive, drop the connection without saying so."""
        length = int(self.headers["Content-Length"])
        self.server.questions.append(json.loads(self.rfile.read(length)))
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = not self.server.keep_alive

    def log_message(self, *_: Any) -> None:
        """Quiet."""


def _serve(keep_alive: bool) -> Iterator[FakeApi]:
    server = FakeApi(keep_alive=keep_alive)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def api() -> Iterator[FakeApi]:
    """A fake api that keeps connections open."""
    yield from _serve(keep_alive=True)


@pytest.fixture
def closing_api() -> Iterator[FakeApi]:
    """A fake api that closes each connection after one answer, as an idle timeout does."""
    yield from _serve(keep_alive=False)


def _forwarder(server: FakeApi) -> Forwarder:
    return Forwarder(f"http://127.0.0.1:{server.server_address[1]}", "s3cret")


def test_logins_share_one_connection_to_the_api(api: FakeApi) -> None:
    forwarder = _forwarder(api)
    answers = [forwarder.decide(f"auth:user{n}:chat.localhost:token{n}") for n in range(3)]
    forwarder.close()
    assert answers == [True, True, True]
    assert api.connections == 1
    assert [q["user"] for q in api.questions] == ["user0", "user1", "user2"]


def test_a_connection_the_api_closed_is_replaced_without_refusing_the_login(
    closing_api: FakeApi,
) -> None:
    forwarder = _forwarder(closing_api)
    answers = [forwarder.decide(f"auth:user{n}:chat.localhost:token{n}") for n in range(3)]
    forwarder.close()
    assert answers == [True, True, True]
    assert closing_api.connections == 3
    assert len(closing_api.questions) == 3  # each question reached the api once
