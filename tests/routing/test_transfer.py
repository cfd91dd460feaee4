"""Handing a chat to a colleague: chat command, ad-hoc command and api; everyone is told."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from slixmpp import JID

from tests.conftest import InChat, Person
from tests.stack import Stack
from tests.xmpp import Client

Connect = Callable[[Person], Awaitable[Client]]
StartChat = Callable[..., Awaitable[InChat]]


def _take(stack: Stack, chat: dict[str, Any], supporter: Person) -> None:
    httpx.post(
        f"{stack.api}/api/chats/{chat['id']}/take",
        headers={"Authorization": f"Bearer {supporter.token}"},
    ).raise_for_status()


def _get(stack: Stack, path: str, person: Person) -> httpx.Response:
    return httpx.get(f"{stack.api}{path}", headers={"Authorization": f"Bearer {person.token}"})


def _told(client: Client, text: str) -> bool:
    return any(text in (m["body"] or "") for m in client.direct)


async def test_supporter_transfers_by_chat_command_and_everyone_is_told(
    stack: Stack,
    customer_in_chat: StartChat,
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    sam_person, ben_person = make_supporter("Sam"), make_supporter("Ben")
    sam, ben = await connect(sam_person), await connect(ben_person)
    ria = await customer_in_chat("Ria")
    _take(stack, ria.chat, sam_person)
    support = stack.settings.component_jid
    ben_name = ben_person.jid.split("@")[0]

    ask = await sam.reply_to(support, "transfer 1")
    assert ask.startswith("Name a colleague:") and ben_name in ask
    done = await sam.reply_to(support, f"transfer 1 {ben_name}")
    assert done == f"The chat with {ria.name} is now with Ben."
    await ben.wait_for(
        lambda: _told(ben, f"You have the chat with {ria.name} (taken over from Sam)")
    )
    await ria.client.wait_for(
        lambda: any(
            m.body == "Ben is now looking after your chat." for m in ria.client.room_messages
        )
    )
    chat = _get(stack, f"/api/chats/{ria.chat['id']}", ben_person).json()
    assert chat["assignee"]["display_name"] == "Ben"
    assert await sam.reply_to(support, "transfer 1 ben") == "You have no active chat."


async def test_supporter_transfers_with_the_adhoc_form(
    stack: Stack,
    customer_in_chat: StartChat,
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    sam_person, ben_person = make_supporter("Sam"), make_supporter("Ben")
    sam = await connect(sam_person)
    ria = await customer_in_chat("Ria")
    _take(stack, ria.chat, sam_person)
    adhoc: Any = sam.plugin["xep_0050"]
    support = JID(stack.settings.component_jid)
    step = await adhoc.send_command(support, "transfer")
    fields = step["command"]["form"].get_fields()
    assert [o["value"] for o in fields["chat"]["options"]] == [ria.chat["id"]]
    assert ben_person.user_id in [o["value"] for o in fields["colleague"]["options"]]
    form = step["command"]["form"]
    form["type"] = "submit"
    form.set_values({"chat": ria.chat["id"], "colleague": ben_person.user_id})
    iq: Any = sam.make_iq_set(ito=support)
    iq["command"]["node"] = "transfer"
    iq["command"]["sessionid"] = step["command"]["sessionid"]
    iq["command"]["action"] = "complete"
    iq["command"].append(form)
    done = await iq.send(timeout=15)
    assert done["command"]["notes"][0][1] == f"The chat with {ria.name} is now with Ben."


async def test_transfer_over_the_api_and_its_refusals(
    stack: Stack,
    customer_in_chat: StartChat,
    make_supporter: Callable[..., Person],
) -> None:
    sam, ben, eve = make_supporter("Sam"), make_supporter("Ben"), make_supporter("Eve")
    ria = await customer_in_chat("Ria")
    _take(stack, ria.chat, sam)

    def transfer(by: Person, to: str) -> httpx.Response:
        return httpx.post(
            f"{stack.api}/api/chats/{ria.chat['id']}/transfer",
            json={"supporter_id": to},
            headers={"Authorization": f"Bearer {by.token}"},
        )

    assert transfer(eve, ben.user_id).status_code == 409  # Eve does not hold it
    assert transfer(sam, sam.user_id).status_code == 409  # already hers
    assert transfer(sam, ria.person.user_id).status_code == 409  # a customer
    assert transfer(sam, str(uuid.uuid4())).status_code == 404
    assert transfer(sam, "not-a-uuid").status_code == 422
    moved = transfer(sam, ben.user_id)
    assert moved.status_code == 200 and moved.json()["assignee"]["display_name"] == "Ben"
    team = _get(stack, "/api/supporters", sam).json()
    assert {"Sam", "Ben", "Eve"} <= {member["display_name"] for member in team}
    assert _get(stack, "/api/supporters", ria.person).status_code == 403
