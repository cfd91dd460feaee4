"""Attacks on the way in: foreign WebSocket origins, framing, cross-site api calls."""

from __future__ import annotations

import httpx
import pytest
import websockets
from websockets.typing import Origin, Subprotocol

from tests.stack import Stack

XMPP = [Subprotocol("xmpp")]


async def test_a_foreign_websocket_origin_is_refused(stack: Stack) -> None:
    url = f"ws://127.0.0.1:{stack.settings.xmpp_http_port}/xmpp-websocket"
    own = Origin(f"http://127.0.0.1:{stack.settings.port}")
    async with websockets.connect(url, subprotocols=XMPP, origin=own) as socket:
        assert socket.subprotocol == "xmpp"
    for evil in (
        "https://evil.example.net",
        "null",
        f"http://127.0.0.1.evil.example:{stack.settings.port}",
    ):
        with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
            async with websockets.connect(url, subprotocols=XMPP, origin=Origin(evil)):
                pass
        assert refused.value.response.status_code == 403, evil


@pytest.mark.parametrize("path", ["/", "/console", "/i/unknown-code", "/api/me", "/nope"])
def test_framing_a_page_to_trick_clicks_is_refused(stack: Stack, path: str) -> None:
    answer = httpx.get(f"{stack.api}{path}")
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_a_foreign_site_calling_the_api_from_a_browser_is_not_allowed(stack: Stack) -> None:
    preflight = httpx.options(
        f"{stack.api}/api/chats",
        headers={
            "Origin": "https://evil.example.net",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert "access-control-allow-origin" not in preflight.headers
