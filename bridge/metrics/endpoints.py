"""`GET /metrics`: the product's metrics and this api process's own, for Prometheus."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

from bridge.api.deps import AppSettings
from bridge.metrics import access

router = APIRouter()


@router.get("/metrics", response_class=Response)
def metrics(request: Request, settings: AppSettings) -> Response:
    """Prometheus text format: chats, log, handoffs, latencies (all processes), this api's HTTP."""
    access.check(request, settings.metrics_token)
    product: CollectorRegistry = request.app.state.metrics
    body = generate_latest(product) + generate_latest(REGISTRY)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
