"""ejabberd's admin HTTP API, reachable only from the product's hosts."""

from __future__ import annotations

import httpx

from bridge.settings import Settings


class AdminApiError(RuntimeError):
    """ejabberd refused or could not be reached."""


class AdminApi:
    """Calls ejabberd commands over `mod_http_api`."""

    def __init__(self, settings: Settings) -> None:
        self.domain = settings.xmpp_domain
        self.client = httpx.AsyncClient(
            base_url=f"http://{settings.xmpp_host}:{settings.xmpp_admin_port}/api", timeout=5
        )

    async def kick_user(self, localpart: str) -> None:
        """End every session of a user on this domain."""
        await self._call("kick_user", user=localpart, host=self.domain)

    async def destroy_room(self, room_jid: str) -> None:
        """Destroy a room and its MAM archive; a room that is already gone is fine."""
        name, _, service = room_jid.partition("@")
        try:
            await self._call("destroy_room", name=name, service=service)
        except AdminApiError as error:
            if "doesn't exist" not in str(error):  # ejabberd 23.01 says "Room doesn't exists"
                raise

    async def close(self) -> None:
        """Close the HTTP connections."""
        await self.client.aclose()

    async def _call(self, command: str, **arguments: str) -> object:
        try:
            answer = await self.client.post(f"/{command}", json=arguments)
        except httpx.HTTPError as error:
            raise AdminApiError(f"{command}: {type(error).__name__}") from error
        if answer.status_code != 200:
            raise AdminApiError(f"{command}: HTTP {answer.status_code} {answer.text[:200]}")
        return answer.json()
