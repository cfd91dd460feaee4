"""Liveness, readiness (PostgreSQL, ejabberd, bridge) and this api's HTTP metrics."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from prometheus_client import Counter, Histogram
from sqlalchemy import Engine, text

from bridge import heartbeats
from bridge.db import Database
from bridge.settings import Settings

router = APIRouter()

HTTP_REQUESTS = Counter(
    "customer_chat_http_requests_total", "HTTP requests answered", ["method", "route", "status"]
)
HTTP_SECONDS = Histogram(
    "customer_chat_http_request_seconds", "Time to answer HTTP requests", ["method", "route"]
)
BRIDGE_HEARTBEAT_MAX_AGE = 15.0


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The api process is up."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """Whether PostgreSQL, ejabberd and the bridge are all reachable (503 if not)."""
    settings: Settings = request.app.state.settings
    engine: Engine = request.app.state.engine
    checks = {
        "postgres": await _postgres_ok(engine),
        "ejabberd": await _port_open(settings.xmpp_host, settings.xmpp_port),
        "bridge": await _bridge_alive(engine),
    }
    ready = all(checks.values())
    body: dict[str, object] = {"ready": ready, "checks": checks}
    if not ready:
        body["detail"] = "not ready: " + ", ".join(name for name, ok in checks.items() if not ok)
    return JSONResponse(body, status_code=200 if ready else 503)


def observe(method: str, route: str, status: int, seconds: float) -> None:
    """Count one answered request."""
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_SECONDS.labels(method, route).observe(seconds)


async def _postgres_ok(engine: Engine) -> bool:
    try:
        await Database(engine).run(lambda conn: conn.execute(text("SELECT 1")))
        return True
    except Exception:
        return False


async def _bridge_alive(engine: Engine) -> bool:
    try:
        age = await Database(engine).run(heartbeats.age_seconds, "bridge")
    except Exception:
        return False
    return age is not None and age < BRIDGE_HEARTBEAT_MAX_AGE


async def _port_open(host: str, port: int) -> bool:
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout=2)
    except (OSError, TimeoutError):
        return False
    writer.close()
    return True
