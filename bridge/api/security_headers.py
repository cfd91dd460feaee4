"""Security headers on every answer, and each request counted for the metrics.

A plain ASGI middleware: Starlette's `BaseHTTPMiddleware` runs every request
in a task group with a streamed copy of the response, which cost the extauth
route (every XMPP login) more CPU than its own work.
"""

from __future__ import annotations

import time

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bridge.api import health
from bridge.settings import Settings


class SecurityHeaders:
    """Adds nosniff, referrer, HSTS (with TLS) and CSP headers; observes each request."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.tls = settings.tls
        self.policy = (
            f"default-src 'self'; connect-src 'self' {settings.public_websocket_url}; "
            "img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; base-uri 'none'"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request through the app, adding the headers to its answer."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                self._add(MutableHeaders(scope=message), scope["path"])
            await send(message)

        await self.app(scope, receive, send_with_headers)
        path = getattr(scope.get("route"), "path", "unmatched")
        health.observe(scope["method"], path, status, time.perf_counter() - started)

    def _add(self, headers: MutableHeaders, path: str) -> None:
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "no-referrer"
        if self.tls:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if not path.startswith(("/docs", "/redoc")):  # Swagger UI loads a CDN
            headers["Content-Security-Policy"] = self.policy
