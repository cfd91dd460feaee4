"""Who may scrape `/metrics`: anyone with the configured token, else only this machine.

Like GitLab's monitoring allow-list (localhost by default) and Prometheus's own
`authorization` scrape option: a Prometheus on the same host needs nothing, one
elsewhere presents `Authorization: Bearer <CUSTOMER_CHAT_METRICS_TOKEN>`.
A request relayed by a reverse proxy (`X-Forwarded-For`) is not local.
"""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import HTTPException, Request, status
from pydantic import SecretStr

PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")


def check(request: Request, token: SecretStr | None) -> None:
    """Return if the scrape may see the metrics; raise 401 or 403 otherwise."""
    if token is not None:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        expected = token.get_secret_value().encode()
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), expected):
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "the metrics token is required",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return
    if not _local(request):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "metrics are served to this machine only; set CUSTOMER_CHAT_METRICS_TOKEN "
            "to scrape from elsewhere",
        )


def _local(request: Request) -> bool:
    if any(header in request.headers for header in PROXY_HEADERS) or request.client is None:
        return False
    try:
        return ipaddress.ip_address(request.client.host).is_loopback
    except ValueError:  # not an address (a unix socket, a test client's name)
        return False
