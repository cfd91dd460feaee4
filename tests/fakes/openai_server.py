"""A tiny local server speaking the OpenAI api: embeddings and streamed chat completions.

Embeddings (`POST /v1/embeddings`) hash words into 64 dimensions, so texts
sharing words are close; they come in the encoding asked for (a list of
floats, or base64 of little-endian float32, which the official SDK asks for),
rows in reverse order with their `index`.

Chat completions (`POST /v1/chat/completions`, and Azure's
`/openai/deployments/{name}/chat/completions`) stream what `reply` returns for
the request, a few characters per event, as the real api does. A test makes
it slow to start (`delay`) or to stream (`trickle`, seconds between events),
failing (`status`), or hold the rest of the answer after its first paragraph
until an event is set (`hold`), to see parts arrive before the answer is
complete. Every request is recorded.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np

DIMENSIONS = 64
PIECE = 7  # characters per streamed event: about two tokens
HOLD_SECONDS = 5.0


def vector(text: str) -> list[float]:
    """The fake embedding of a text (not normalised)."""
    row = np.zeros(DIMENSIONS, dtype=np.float32)
    for word in re.findall(r"\w+", text.lower()):
        row[int(hashlib.sha256(word.encode()).hexdigest(), 16) % DIMENSIONS] += 1.0
    return [float(value) for value in row + 0.01]


class FakeOpenAI(ThreadingHTTPServer):
    """The server, how it behaves, and what it was asked."""

    daemon_threads = True
    block_on_close = False  # a request held in `delay` must not hold up the test's end

    requests: list[dict[str, Any]]
    keys: list[str]
    paths: list[str]
    reply: Callable[[dict[str, Any]], str]
    status: int
    delay: float
    trickle: float
    hold: threading.Event | None
    held_until_set: bool
    stopping: threading.Event

    def answer_with(self, text: str) -> None:
        """Stream this text for every chat request."""
        self.reply = lambda body: text

    def chats(self) -> list[dict[str, Any]]:
        """The chat-completion requests, oldest first."""
        return [body for body in self.requests if "messages" in body]


class _Handler(BaseHTTPRequestHandler):
    server: FakeOpenAI

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(body)
        self.server.paths.append(self.path)
        self.server.keys.append(
            self.headers.get("Authorization") or self.headers.get("api-key") or ""
        )
        if self.path == "/v1/embeddings":
            self._embeddings(body)
        elif self.path.split("?")[0].endswith("/chat/completions"):
            self._chat(body)
        else:
            self.send_error(404)

    def _embeddings(self, body: dict[str, Any]) -> None:
        texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
        rows = [
            {"object": "embedding", "index": index, "embedding": self._encoded(text, body)}
            for index, text in enumerate(texts)
        ]
        self._json(
            200,
            {
                "object": "list",
                "data": rows[::-1],
                "model": body["model"],
                "usage": {"prompt_tokens": 1, "total_tokens": 1},
            },
        )

    def _chat(self, body: dict[str, Any]) -> None:
        if self.server.stopping.wait(self.server.delay):
            return
        if self.server.status != 200:
            error = {"message": "the fake is failing", "type": "server_error"}
            self._json(self.server.status, {"error": error})
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        first, gap, rest = self.server.reply(body).partition("\n\n")
        try:
            self._pieces(body["model"], first + gap)
            hold = self.server.hold
            if rest and hold is not None:
                self.server.held_until_set = hold.wait(HOLD_SECONDS)
            self._pieces(body["model"], rest)
            self._event(body["model"], {}, "stop")
            self.wfile.write(b"data: [DONE]\n\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading (a blocked part): as it may

    def _pieces(self, model: str, text: str) -> None:
        for start in range(0, len(text), PIECE):
            if self.server.stopping.wait(self.server.trickle):
                return
            self._event(model, {"content": text[start : start + PIECE]}, None)

    def _event(self, model: str, delta: dict[str, str], finish: str | None) -> None:
        chunk = {
            "id": "chatcmpl-fake",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())

    def _json(self, status: int, content: dict[str, Any]) -> None:
        answer = json.dumps(content).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    @staticmethod
    def _encoded(text: str, body: dict[str, Any]) -> list[float] | str:
        values = vector(text)
        if body.get("encoding_format") == "base64":
            return base64.b64encode(np.asarray(values, dtype="<f4").tobytes()).decode()
        return values

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet."""


@contextmanager
def fake_openai() -> Iterator[FakeOpenAI]:
    """Run the fake server on a free localhost port for the duration of the block."""
    server = FakeOpenAI(("127.0.0.1", 0), _Handler)
    server.requests, server.keys, server.paths = [], [], []
    server.answer_with("NO_ANSWER")
    server.status, server.delay, server.trickle = 200, 0.0, 0.0
    server.hold, server.held_until_set = None, False
    server.stopping = threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join()


def base_url(server: FakeOpenAI) -> str:
    """The base URL to give an OpenAI client."""
    return f"http://127.0.0.1:{server.server_address[1]}/v1"


def root_url(server: FakeOpenAI) -> str:
    """The server's address without a path (an Azure OpenAI endpoint)."""
    return f"http://127.0.0.1:{server.server_address[1]}"
