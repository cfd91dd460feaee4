"""A tiny local server speaking the OpenAI embeddings api (`POST /v1/embeddings`).

Its vectors hash words into 64 dimensions, so texts sharing words are close.
It answers in the encoding asked for (a list of floats, or base64 of
little-endian float32, which the official SDK asks for), rows in reverse
order with their `index`, and counts requests.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np

DIMENSIONS = 64


def vector(text: str) -> list[float]:
    """The fake embedding of a text (not normalised)."""
    row = np.zeros(DIMENSIONS, dtype=np.float32)
    for word in re.findall(r"\w+", text.lower()):
        row[int(hashlib.sha256(word.encode()).hexdigest(), 16) % DIMENSIONS] += 1.0
    return [float(value) for value in row + 0.01]


class FakeEmbeddings(ThreadingHTTPServer):
    """The server, with what it was asked."""

    requests: list[dict[str, Any]]
    keys: list[str]


class _Handler(BaseHTTPRequestHandler):
    server: FakeEmbeddings

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(body)
        self.server.keys.append(self.headers.get("Authorization", ""))
        if self.path != "/v1/embeddings":
            self.send_error(404)
            return
        texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
        rows = [
            {"object": "embedding", "index": index, "embedding": self._encoded(text, body)}
            for index, text in enumerate(texts)
        ]
        answer = json.dumps(
            {
                "object": "list",
                "data": rows[::-1],
                "model": body["model"],
                "usage": {"prompt_tokens": 1, "total_tokens": 1},
            }
        ).encode()
        self.send_response(200)
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
def fake_embeddings() -> Iterator[FakeEmbeddings]:
    """Run the fake server on a free localhost port for the duration of the block."""
    server = FakeEmbeddings(("127.0.0.1", 0), _Handler)
    server.requests, server.keys = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def base_url(server: FakeEmbeddings) -> str:
    """The base URL to give an OpenAI client."""
    return f"http://127.0.0.1:{server.server_address[1]}/v1"
