"""The assistant writing with an LLM in a real room: paragraph by paragraph, or a handover.

The `bots` process asks the local fake OpenAI server; customers are slixmpp clients.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tests.conftest import InChat
from tests.fakes.openai_server import FakeOpenAI
from tests.xmpp import Seen

StartChat = Callable[..., Awaitable[InChat]]

THEFT_DE = "Fahrrad gestohlen \N{EN DASH} was muss ich tun?"
WRITTEN = (
    "Erstatten Sie innerhalb von **48 Stunden** Anzeige bei der Polizei. [1]\n\n"
    "Melden Sie den Diebstahl danach im Kundenportal. [1]"
)


def _from_assistant(customer: InChat) -> list[Seen]:
    return [seen for seen in customer.client.room_messages if seen.nick == "Assistant"]


async def test_the_answer_comes_paragraph_by_paragraph_and_the_last_names_its_source(
    customer_in_chat: StartChat, llm_server: FakeOpenAI
) -> None:
    llm_server.status = 200
    llm_server.answer_with(WRITTEN)
    lena = await customer_in_chat("Lena")

    lena.client.say(lena.room, "Mein Fahrrad wurde gestohlen, was muss ich tun?")
    await lena.client.wait_for(lambda: len(_from_assistant(lena)) >= 2, timeout=60)

    first, last = _from_assistant(lena)
    assert first.body == "Erstatten Sie innerhalb von 48 Stunden Anzeige bei der Polizei."
    assert first.origin_id.startswith("part-")
    assert last.body == f"Melden Sie den Diebstahl danach im Kundenportal.\n\nSource: {THEFT_DE}"
    assert last.origin_id.startswith("answer-")


async def test_a_failing_llm_hands_the_chat_over_instead_of_hanging(
    customer_in_chat: StartChat, llm_server: FakeOpenAI
) -> None:
    llm_server.status = 500
    mia = await customer_in_chat("Mia")

    mia.client.say(mia.room, "Mein Fahrrad wurde gestohlen, was muss ich tun?")
    await mia.client.wait_for(lambda: "waiting" in mia.client.statuses(), timeout=60)

    assert [seen.body for seen in _from_assistant(mia)] == [
        "Ich verbinde Sie mit einem Mitarbeiter aus unserem Team. Einen Moment bitte."
    ]
