"""ejabberd's external authentication program: forwards each question to the api.

Standard library only: ejabberd runs it as its own user with `/usr/bin/python3`,
which may not read the project's virtualenv. Protocol: each request is a 2-byte
big-endian length and `command:user:server[:password]`; each answer is
`\\x00\\x02` and `\\x00\\x01` (yes) or `\\x00\\x00` (no).
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import ssl
import struct
import sys
import urllib.parse
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger("extauth")


class Forwarder:
    """Asks the api's `/internal/extauth` endpoint, presenting the shared secret.

    One kept-alive connection serves every question: a new TCP (and TLS)
    connection per login would cost more than the api's answer itself.
    """

    def __init__(
        self, api_url: str, secret: str, timeout: float = 10.0, ca_file: Path | None = None
    ) -> None:
        self.url = api_url.rstrip("/") + "/internal/extauth"
        self.secret = secret
        self.timeout = timeout
        self.tls = ssl.create_default_context(cafile=ca_file) if ca_file else None
        self._connection: http.client.HTTPConnection | None = None

    def decide(self, request: str) -> bool:
        """Answer one protocol request; anything unclear is a no."""
        parts = request.split(":", 3)  # the password may contain ':'
        if len(parts) < 3:
            return False
        body = {"command": parts[0], "user": parts[1], "server": parts[2]}
        if len(parts) == 4:
            body["password"] = parts[3]
        return self._ask(body)

    def _ask(self, body: dict[str, str], *, retry: bool = True) -> bool:
        data = json.dumps(body).encode()
        headers = {"Content-Type": "application/json", "X-Extauth-Secret": self.secret}
        reused = self._connection is not None
        try:
            return self._post(data, headers)
        except (OSError, http.client.HTTPException, ValueError) as error:
            self.close()
            if reused and retry:  # the api closes idle kept-alive connections: try a new one
                return self._ask(body, retry=False)
            log.error("api unreachable for %s: %s", body["command"], type(error).__name__)
            return False

    def _post(self, data: bytes, headers: dict[str, str]) -> bool:
        if self._connection is None:
            self._connection = self._connect()
        parts = urllib.parse.urlsplit(self.url)
        self._connection.request("POST", parts.path, body=data, headers=headers)
        answer = self._connection.getresponse()
        payload = answer.read()
        return answer.status == 200 and bool(json.loads(payload).get("ok"))

    def _connect(self) -> http.client.HTTPConnection:
        parts = urllib.parse.urlsplit(self.url)
        if parts.scheme == "https":
            return http.client.HTTPSConnection(parts.netloc, timeout=self.timeout, context=self.tls)
        return http.client.HTTPConnection(parts.netloc, timeout=self.timeout)

    def close(self) -> None:
        """Close the connection to the api."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def serve(forwarder: Forwarder, stdin: BinaryIO, stdout: BinaryIO) -> None:
    """Answer requests until ejabberd closes the pipe."""
    while True:
        header = stdin.read(2)
        if len(header) < 2:
            return
        (length,) = struct.unpack(">H", header)
        request = stdin.read(length).decode("utf-8", "replace")
        ok = forwarder.decide(request)
        stdout.write(struct.pack(">HH", 2, 1 if ok else 0))
        stdout.flush()  # without it ejabberd waits 30 s and fails the login


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The program's options (shared with `customer-chat extauth`)."""
    parser.add_argument("--api", required=True, help="base URL of the api")
    parser.add_argument("--secret-file", required=True, type=Path)
    parser.add_argument("--log", type=Path, help="error log (stderr goes nowhere)")
    parser.add_argument("--ca-file", type=Path, help="certificate to trust for an HTTPS api")


def run(args: argparse.Namespace) -> None:
    """Serve ejabberd on standard input and output with these options."""
    if args.log:
        logging.basicConfig(
            filename=args.log, level=logging.WARNING, format="%(asctime)s %(message)s"
        )
    forwarder = Forwarder(args.api, args.secret_file.read_text().strip(), ca_file=args.ca_file)
    try:
        serve(forwarder, sys.stdin.buffer, sys.stdout.buffer)
    finally:
        forwarder.close()


def main() -> None:
    """Run the program as ejabberd starts it."""
    parser = argparse.ArgumentParser(description=__doc__)
    add_arguments(parser)
    run(parser.parse_args())


if __name__ == "__main__":
    main()
