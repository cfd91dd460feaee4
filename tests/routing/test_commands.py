"""Supporters' commands as chat messages and as XEP-0050 ad-hoc commands."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from slixmpp import JID
from slixmpp.exceptions import IqError

from tests.conftest import Person, open_chat
from tests.stack import Stack
from tests.xmpp import Client, list_number

Connect = Callable[[Person], Awaitable[Client]]


async def test_chat_commands_explain_mistakes(
    stack: Stack,
    make_guest: Callable[[str], Person],
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    support = stack.settings.component_jid
    open_chat(stack, make_guest("Mia"))
    sam = await connect(make_supporter("Sam"))
    assert "take N" in await sam.reply_to(support, "help")
    assert (await sam.reply_to(support, "dance now")).startswith("Unknown command 'dance'")
    for word in ("9999", "abc", "0"):
        assert f"There is no chat number {word}" in await sam.reply_to(support, f"take {word}")
    assert (await sam.reply_to(support, "take")).startswith("Which chat? Reply take N:")
    assert await sam.reply_to(support, "end") == "You have no active chat."


async def test_take_over_tells_both_supporters_and_end_picks_by_number(
    stack: Stack,
    make_guest: Callable[[str], Person],
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    support = stack.settings.component_jid
    name = f"Pia {uuid.uuid4().hex[:4]}"
    pia = make_guest(name)
    sam = await connect(make_supporter("Sam"))
    ben = await connect(make_supporter("Ben"))
    chat = open_chat(stack, pia)
    customer = await connect(pia)
    await customer.join(chat["room_jid"], name)
    await ben.wait_for(lambda: _said(ben, f"New chat waiting: {name}"))

    await sam.reply_to(support, f"take {list_number(await sam.reply_to(support, 'list'), name)}")
    taken_over = await ben.reply_to(
        support, f"take {list_number(await ben.reply_to(support, 'list'), name)}"
    )
    assert f"You have the chat with {name}" in taken_over
    await sam.wait_for(lambda: _said(sam, f"Ben took over your chat with {name}."))
    await ben.wait_for(lambda: _said(ben, "taken over from Sam"))
    invitation = next(m for m in ben.direct if "taken over from Sam" in (m["body"] or ""))
    assert invitation.xml.find("{jabber:x:conference}x").get("jid") == chat["room_jid"]
    await customer.wait_for(lambda: customer.statuses() == ["active", "active"])
    assert await sam.reply_to(support, "end") == "You have no active chat."

    other = f"Tom {uuid.uuid4().hex[:4]}"
    open_chat(stack, make_guest(other))
    await ben.wait_for(lambda: _said(ben, f"New chat waiting: {other}"))
    await ben.reply_to(support, f"take {list_number(await ben.reply_to(support, 'list'), other)}")
    choose = await ben.reply_to(support, "end")
    assert choose.startswith("You have several chats. Reply end N:")
    assert "has ended" in await ben.reply_to(support, f"end {list_number(choose, other)}")


async def test_adhoc_commands_list_take_and_end(
    stack: Stack,
    make_guest: Callable[[str], Person],
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    support = JID(stack.settings.component_jid)
    name = f"Ida {uuid.uuid4().hex[:4]}"
    chat = open_chat(stack, make_guest(name), "Insurance")
    sam = await connect(make_supporter("Sam"))
    adhoc: Any = sam.plugin["xep_0050"]
    items = await adhoc.get_commands(support)
    nodes = {item[1] for item in items["disco_items"]["items"]}
    assert {"list", "take", "end", "help"} <= nodes

    listing = await adhoc.send_command(support, "list")
    assert name in listing["command"]["notes"][0][1]

    form_step = await adhoc.send_command(support, "take")
    options = form_step["command"]["form"].get_fields()["chat"]["options"]
    choice = next(o["value"] for o in options if name in o["label"])
    assert choice == chat["id"]
    done = await _submit(sam, support, "take", form_step, choice)
    assert f"You have the chat with {name}" in done["command"]["notes"][0][1]

    form_step = await adhoc.send_command(support, "end")
    done = await _submit(sam, support, "end", form_step, chat["id"])
    assert "has ended" in done["command"]["notes"][0][1]
    nothing = await adhoc.send_command(support, "end")
    assert nothing["command"]["notes"][0][1] == "You have no active chat."


async def _submit(client: Client, to: JID, node: str, step: Any, chat_id: str) -> Any:
    form = step["command"]["form"]
    form["type"] = "submit"
    form.set_values({"chat": chat_id})
    iq: Any = client.make_iq_set(ito=to)
    iq["command"]["node"] = node
    iq["command"]["sessionid"] = step["command"]["sessionid"]
    iq["command"]["action"] = "complete"
    iq["command"].append(form)
    return await iq.send(timeout=15)


def _said(client: Client, text: str) -> bool:
    return any(text in (m["body"] or "") for m in client.direct)


async def test_adhoc_take_with_a_forged_choice_gets_bad_request(
    stack: Stack,
    make_guest: Callable[[str], Person],
    make_supporter: Callable[..., Person],
    connect: Connect,
) -> None:
    open_chat(stack, make_guest("Mia"))
    sam = await connect(make_supporter("Sam"))
    support = JID(stack.settings.component_jid)
    adhoc: Any = sam.plugin["xep_0050"]
    form_step = await adhoc.send_command(support, "take")
    with pytest.raises(IqError) as refused:
        await _submit(sam, support, "take", form_step, "'; DROP TABLE chats; --")
    assert refused.value.condition == "bad-request"


async def test_a_huge_command_is_answered_briefly(
    stack: Stack, make_supporter: Callable[..., Person], connect: Connect
) -> None:
    sam = await connect(make_supporter("Sam"))
    answer = await sam.reply_to(stack.settings.component_jid, "x" * 20_000)
    assert answer.startswith("Unknown command '" + "x" * 40 + "'. Commands:")
