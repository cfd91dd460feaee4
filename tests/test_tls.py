"""With a certificate configured: STARTTLS required, wss:// for browsers, HTTPS with HSTS."""

from __future__ import annotations

import ssl
from collections.abc import Iterator

import httpx
import pytest
import websockets
from websockets.typing import Origin, Subprotocol

from tests.conftest import own_stack
from tests.stack import Stack
from tests.xmpp import Client


@pytest.fixture(scope="module")
def tls_stack() -> Iterator[Stack]:
    """A second stack serving TLS with a self-signed certificate."""
    with own_stack(tls=True) as running:
        yield running


def _guest(stack: Stack) -> dict[str, object]:
    answer = httpx.post(
        f"{stack.api}/api/auth/guest", json={"display_name": "Tia"}, verify=stack.verify
    )
    answer.raise_for_status()
    session: dict[str, object] = answer.json()
    return session


def test_api_serves_https_with_hsts_and_no_plain_http(tls_stack: Stack) -> None:
    assert tls_stack.api.startswith("https://")
    answer = httpx.get(f"{tls_stack.api}/readyz", verify=tls_stack.verify)
    assert answer.status_code == 200
    assert answer.headers["strict-transport-security"].startswith("max-age=31536000")
    with pytest.raises(httpx.HTTPError):
        httpx.get(tls_stack.api.replace("https://", "http://") + "/healthz")


async def test_clients_log_in_over_starttls_and_plain_text_is_refused(tls_stack: Stack) -> None:
    session = _guest(tls_stack)
    xmpp, token = session["xmpp"], str(session["token"])
    assert isinstance(xmpp, dict) and xmpp["websocket_url"].startswith("wss://")
    secure = Client(xmpp["jid"], token)
    secure.enable_plaintext = False
    secure.enable_starttls = True
    secure.ca_certs = tls_stack.settings.tls_cert
    await secure.login(tls_stack.settings.xmpp_port)
    await secure.logout()

    plain = Client(xmpp["jid"], token)
    with pytest.raises((PermissionError, TimeoutError)):
        await plain.login(tls_stack.settings.xmpp_port, timeout=5)
    await plain.logout()


async def test_browsers_reach_xmpp_over_wss_from_allowed_origins_only(tls_stack: Stack) -> None:
    context = ssl.create_default_context(cafile=str(tls_stack.settings.tls_cert))
    url = f"wss://127.0.0.1:{tls_stack.settings.xmpp_http_port}/xmpp-websocket"
    xmpp = [Subprotocol("xmpp")]
    own = Origin(f"https://127.0.0.1:{tls_stack.settings.port}")
    async with websockets.connect(url, ssl=context, subprotocols=xmpp, origin=own) as socket:
        assert socket.subprotocol == "xmpp"
    evil = Origin("https://evil.example.net")
    with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
        async with websockets.connect(url, ssl=context, subprotocols=xmpp, origin=evil):
            pass
    assert refused.value.response.status_code == 403
