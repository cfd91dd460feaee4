"""Who may scrape `/metrics`: this machine without a token, anyone with the right one."""

from __future__ import annotations

import pytest
from fastapi import HTTPException, Request
from pydantic import SecretStr

from bridge.metrics import access

TOKEN = SecretStr("scrape-token-0123456789")


def _request(client: str, **headers: str) -> Request:
    raw = [
        (name.lower().replace("_", "-").encode(), value.encode()) for name, value in headers.items()
    ]
    return Request(
        {
            "type": "http",
            "method": "GET",
            "path": "/metrics",
            "headers": raw,
            "client": (client, 50000),
        }
    )


def _refused(request: Request, token: SecretStr | None) -> int:
    with pytest.raises(HTTPException) as refused:
        access.check(request, token)
    return refused.value.status_code


def test_prometheus_on_this_machine_needs_no_token() -> None:
    access.check(_request("127.0.0.1"), None)
    access.check(_request("::1"), None)


def test_without_a_token_other_hosts_and_proxied_requests_are_refused() -> None:
    assert _refused(_request("10.1.2.3"), None) == 403
    assert _refused(_request("127.0.0.1", x_forwarded_for="203.0.113.9"), None) == 403
    assert _refused(_request("testclient"), None) == 403


def test_with_a_token_only_the_bearer_of_it_gets_in_from_anywhere() -> None:
    access.check(_request("10.1.2.3", authorization=f"Bearer {TOKEN.get_secret_value()}"), TOKEN)
    assert _refused(_request("10.1.2.3"), TOKEN) == 401
    assert _refused(_request("127.0.0.1"), TOKEN) == 401  # the token applies locally too
    assert _refused(_request("10.1.2.3", authorization="Bearer wrong"), TOKEN) == 401
    basic = f"Basic {TOKEN.get_secret_value()}"
    assert _refused(_request("10.1.2.3", authorization=basic), TOKEN) == 401
