"""Logging into ejabberd: extauth accepts tokens and staff passwords, and nothing else."""

from __future__ import annotations

import asyncio
import struct
import subprocess
import sys
import time
import uuid
from collections.abc import Callable

import jwt
import pytest

from bridge.accounts import repository, service, tokens
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


async def _logs_in(stack: Stack, jid: str, password: str) -> bool:
    client = Client(jid, password)
    try:
        await client.login(stack.settings.xmpp_port)
    except PermissionError:
        return False
    await client.logout()
    return True


async def test_a_known_token_is_refused_once_revoked_by_another_api_process(
    stack: Stack, make_guest: Callable[[str], Person]
) -> None:
    mia = make_guest("Mia")  # the api minted the token: it knows it as verified
    assert await _logs_in(stack, mia.jid, mia.token)
    await asyncio.sleep(1.05)  # the cut-off must fall after the token's second
    # Straight in the database, as another api process's logout would: nothing evicts.
    user = stack.db.run_sync(lambda conn: repository.get(conn, uuid.UUID(mia.user_id)))
    assert user is not None
    stack.db.run_sync(lambda conn: service.revoke_tokens(conn, user))
    assert not await _logs_in(stack, mia.jid, mia.token)


async def test_a_known_token_of_a_disabled_supporter_is_refused(
    stack: Stack, make_supporter: Callable[..., Person]
) -> None:
    sam = make_supporter("Sam")
    assert await _logs_in(stack, sam.jid, sam.token)
    stack.db.run_sync(lambda conn: repository.update(conn, uuid.UUID(sam.user_id), disabled=True))
    assert not await _logs_in(stack, sam.jid, sam.token)


async def test_a_known_token_is_refused_once_expired(
    stack: Stack, make_guest: Callable[[str], Person]
) -> None:
    mia = make_guest("Mia")
    issued = time.time() - tokens.LIFETIME_SECONDS + 2
    short = tokens.mint(uuid.UUID(mia.user_id), "user", stack.settings.jwt_secret, now=issued)
    assert await _logs_in(stack, mia.jid, short)  # verified once, remembered until it expires
    await asyncio.sleep(max(0.0, int(issued) + tokens.LIFETIME_SECONDS - time.time()) + 0.1)
    assert not await _logs_in(stack, mia.jid, short)


async def test_a_known_token_logs_in_only_as_its_own_user(
    stack: Stack, make_guest: Callable[[str], Person]
) -> None:
    mia, noah = make_guest("Mia"), make_guest("Noah")
    assert await _logs_in(stack, mia.jid, mia.token)
    assert not await _logs_in(stack, noah.jid, mia.token)
    assert await _logs_in(stack, mia.jid, mia.token)


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
