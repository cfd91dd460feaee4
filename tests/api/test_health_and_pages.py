"""Health, readiness, metrics, OpenAPI and the pages with their security headers."""

from __future__ import annotations

import httpx

from tests.stack import Stack


def test_health_and_readiness(stack: Stack) -> None:
    assert httpx.get(f"{stack.api}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{stack.api}/readyz").json()
    assert ready == {"ready": True, "checks": {"postgres": True, "ejabberd": True, "bridge": True}}


def test_metrics_count_requests(stack: Stack) -> None:
    httpx.get(f"{stack.api}/healthz")
    text = httpx.get(f"{stack.api}/metrics").text
    assert 'customer_chat_http_requests_total{method="GET",route="/healthz",status="200"}' in text


def test_openapi_lists_the_contract_routes(stack: Stack) -> None:
    paths = httpx.get(f"{stack.api}/openapi.json").json()["paths"]
    for path in (
        "/api/auth/guest",
        "/api/auth/login",
        "/api/me",
        "/api/chats",
        "/api/chats/{chat_id}/take",
        "/api/chats/{chat_id}/end",
        "/api/chats/{chat_id}/messages",
    ):
        assert path in paths
    assert httpx.get(f"{stack.api}/docs").status_code == 200


def test_pages_are_served_with_a_strict_content_policy(stack: Stack) -> None:
    for page in ("/", "/console", "/console/kb"):
        answer = httpx.get(f"{stack.api}{page}")
        assert answer.status_code == 200
        assert "<html" in answer.text
        policy = answer.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-" not in policy
        assert answer.headers["x-content-type-options"] == "nosniff"
    strophe = httpx.get(f"{stack.api}/static/vendor/strophe.esm.js")
    assert strophe.status_code == 200
    assert "export" in strophe.text
    assert httpx.get(f"{stack.api}/static/nope.js").status_code == 404
