"""Logging into ejabberd: extauth accepts tokens and staff passwords, and nothing else."""

from __future__ import annotations

import struct
import subprocess
import sys
import time
from collections.abc import Callable

import jwt
import pytest

from bridge.xmpp_server.control import EjabberdError
from tests.conftest import Person
from tests.stack import Stack
from tests.xmpp import Client


async def test_customer_token_and_staff_password_log_in(
    stack: Stack, make_guest: Callable[[str], Person], make_supporter: Callable[..., Person]
) -> None:
    for person in (make_guest("Mia"), make_supporter("Sam")):
        client = Client(person.jid, person.password)
        await client.login(stack.settings.xmpp_port)
        await client.logout()


async def test_staff_can_also_log_in_with_their_session_token(
    stack: Stack, make_supporter: Callable[..., Person]
) -> None:
    sam = make_supporter("Sam")
    client = Client(sam.jid, sam.token)
    await client.login(stack.settings.xmpp_port)
    await client.logout()


@pytest.mark.parametrize(
    "case",
    [
        "wrong password",
        "other user's token",
        "expired token",
        "forged token",
        "customer password login",
    ],
)
async def test_bad_xmpp_credentials_are_refused(
    stack: Stack,
    make_guest: Callable[[str], Person],
    make_supporter: Callable[..., Person],
    case: str,
) -> None:
    mia, noah, sam = make_guest("Mia"), make_guest("Noah"), make_supporter("Sam")
    expired = jwt.encode(
        {"user_id": mia.user_id, "role": "user", "exp": int(time.time()) - 1},
        stack.settings.jwt_secret,
        "HS256",
    )
    forged = jwt.encode(
        {"user_id": mia.user_id, "role": "user", "exp": int(time.time()) + 60}, "x" * 48, "HS256"
    )
    jid, password = {
        "wrong password": (sam.jid, "not-the-password"),
        "other user's token": (mia.jid, noah.token),
        "expired token": (mia.jid, expired),
        "forged token": (mia.jid, forged),
        "customer password login": (mia.jid, "some-password"),
    }[case]
    client = Client(jid, password)
    with pytest.raises(PermissionError):
        await client.login(stack.settings.xmpp_port)


def test_registration_over_xmpp_is_off(stack: Stack) -> None:
    with pytest.raises(EjabberdError):
        stack.ejabberd.ctl("register", "newcomer", stack.settings.xmpp_domain, "password123")


def test_extauth_program_speaks_ejabberds_protocol(
    stack: Stack, make_supporter: Callable[..., Person]
) -> None:
    sam = make_supporter("Sam")
    user, domain = sam.jid.split("@")
    secret_file = stack.settings.data_dir / "extauth-test.secret"
    secret_file.write_text(stack.settings.extauth_secret)
    program = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bridge.cli",
            "extauth",
            "--api",
            stack.api,
            "--secret-file",
            str(secret_file),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert program.stdin is not None and program.stdout is not None

    def ask(request: str) -> bool:
        data = request.encode()
        program.stdin.write(struct.pack(">H", len(data)) + data)  # type: ignore[union-attr]
        program.stdin.flush()  # type: ignore[union-attr]
        length, answer = struct.unpack(">HH", program.stdout.read(4))  # type: ignore[union-attr]
        return bool(length == 2 and answer)

    assert ask(f"auth:{user}:{domain}:{sam.password}")
    assert not ask(f"auth:{user}:{domain}:{sam.password}x")
    assert ask(f"isuser:{user}:{domain}")
    assert not ask(f"isuser:nobody:{domain}")
    assert not ask(f"tryregister:{user}:{domain}:pw")
    assert not ask(f"auth:{user}:elsewhere.example:{sam.password}")
    assert not ask("garbage")
    program.stdin.close()
    assert program.wait(timeout=10) == 0
    program.stdout.close()


def test_extauth_program_says_no_when_the_api_is_down(stack: Stack) -> None:
    secret_file = stack.settings.data_dir / "extauth-test.secret"
    secret_file.write_text("irrelevant")
    request = b"auth:sam:chat.localhost:pw"
    answer = subprocess.run(
        [
            sys.executable,
            "-m",
            "bridge.extauth",
            "--api",
            "http://127.0.0.1:9",
            "--secret-file",
            str(secret_file),
            "--log",
            str(stack.settings.data_dir / "x.log"),
        ],
        input=struct.pack(">H", len(request)) + request,
        capture_output=True,
        timeout=20,
    )
    assert answer.stdout == struct.pack(">HH", 2, 0)
