"""Reads a room's MAM archive as the bridge component, page by page.

slixmpp's own MAM helper matches result messages with a `jabber:client` mask and
so never sees them on a component stream; this reader collects them itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from slixmpp import JID
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

PAGE = 100


async def archived_after(
    xmpp: Any, room: JID, ifrom: JID, after: str | None
) -> AsyncIterator[tuple[str, Any, datetime]]:
    """Yield `(stanza_id, message, stamp)` for every archived message after `after`, in order."""
    while True:
        page, fin = await _page(xmpp, room, ifrom, after)
        for archived in page:
            forwarded = archived["mam_result"]["forwarded"]
            yield archived["mam_result"]["id"], forwarded["stanza"], forwarded["delay"]["stamp"]
        if fin["complete"] in ("true", "1") or not page:
            return
        after = page[-1]["mam_result"]["id"]


async def _page(xmpp: Any, room: JID, ifrom: JID, after: str | None) -> tuple[list[Any], Any]:
    iq = xmpp.make_iq_set(ito=room, ifrom=ifrom)
    query_id = iq["id"]
    iq["mam"]["queryid"] = query_id
    iq["mam"]["rsm"]["max"] = str(PAGE)
    if after:
        iq["mam"]["rsm"]["after"] = after
    page: list[Any] = []

    def collect(message: Any) -> None:
        if message["mam_result"]["queryid"] == query_id:
            page.append(message)

    name = f"mam-page-{query_id}"
    matcher = MatchXPath(f"{{{xmpp.default_ns}}}message/{{urn:xmpp:mam:2}}result")
    xmpp.register_handler(Callback(name, matcher, collect))
    try:
        result = await iq.send(timeout=30)
    finally:
        xmpp.remove_handler(name)
    return page, result["mam_fin"]
