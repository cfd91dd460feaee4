"""Stage 4 tried as a new user would, on `make run`'s demo data (the issue's "done means").

Lena asks on the customer page, in German, whether her bike is insured against
theft and gets an answer citing the insurance article. Her next question, about
taking the bike on the train, is not in the knowledge base: she is handed to a
person. Gabi, in a desktop client (Gajim, played by slixmpp), is told why and
what Lena asked, takes the chat and reads the conversation from the room's
archive. Wes adds the missing section (and the question to its list of
customers' questions) to the travel article in the editor; the next customer
who asks gets it as the answer.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import Connect, Pages, start_chat, take_from_queue, unique
from tests.browser.test_kb_editor import found, open_article, open_kb
from tests.conftest import Person, call, eventually
from tests.stack import Stack
from tests.xmpp import Client

pytestmark = pytest.mark.browser

INSURANCE = "Was die Dienstrad-Versicherung abdeckt"
TRAVEL_SLUG = "moving-abroad-de"
TRAIN = "Darf ich mein Dienstrad im Zug mitnehmen?"
TRAIN_ANSWER = (
    "Im Zug dürfen Sie Ihr Dienstrad mitnehmen. In Regionalzügen brauchen Sie dafür "
    "eine Fahrradkarte, im ICE eine Stellplatzreservierung."
)
ANSWER_MS = 30_000  # milliseconds, as Playwright counts
INDEXED_SECONDS = 60  # the api's indexer looks every 10 s; embedding on loaded cores


async def _ask(page: Page, question: str) -> None:
    await page.locator("#message-input").fill(question)
    await page.locator("#message-input").press("Enter")


def _travel_article_id(stack: Stack, supporter: Person) -> str:
    listed = call(stack, "GET", "/api/kb/articles", supporter).json()
    return str(next(a["id"] for a in listed if a["slug"] == TRAVEL_SLUG))


async def test_cited_answer_handover_with_summary_and_a_fixed_article_answers_next_time(
    stack: Stack, pages: Pages, make_supporter: Callable[..., Person], connect: Connect
) -> None:
    gabi: Client = await connect(make_supporter("Gabi"))

    lena = await pages.open("/")
    lena_name = unique("Lena")
    room = (await start_chat(lena, lena_name, "Versicherung", first_status="bot"))["room_jid"]
    await _ask(lena, "Ist mein Dienstrad gegen Diebstahl versichert?")
    answer = lena.locator("li.message--other", has=lena.locator(".message-sources")).last
    await expect(answer.get_by_role("link", name=INSURANCE)).to_be_visible(timeout=ANSWER_MS)
    await expect(answer.locator(".message-body")).to_contain_text("Diebstahl")

    await _ask(lena, TRAIN)
    await expect(lena.locator("#status")).to_have_text("Waiting for supporter", timeout=ANSWER_MS)
    await expect(lena.locator("#messages")).to_contain_text(
        "Ich verbinde Sie mit einem Mitarbeiter"
    )

    assert "You have the chat with" in await take_from_queue(stack, gabi, lena_name)
    notice = next(m["body"] for m in gabi.direct if f"New chat waiting: {lena_name}" in m["body"])
    assert "The knowledge base does not answer the question." in notice
    assert f"“{TRAIN}”" in notice
    await gabi.wait_for(lambda: any(f"Join {room}" in (m["body"] or "") for m in gabi.direct))
    await gabi.join(room, "Gabi")
    history = [(seen.nick, seen.body) for seen in await gabi.history(room)]
    said = [nick for nick, _ in history]
    assert said.count(lena_name) == 2 and "Assistant" in said
    assert any(nick == "Assistant" and INSURANCE in body for nick, body in history)
    await expect(lena.locator("#status")).to_have_text("Chat active")

    # Wes adds the missing section, and the question to the article's list, in the editor.
    wes = make_supporter("Wes")
    editor = await open_kb(pages, wes)
    await open_article(editor, _travel_article_id(stack, wes))
    body = editor.locator("#kb-body")
    section = f"## Mit dem Dienstrad im Zug\n\n{TRAIN_ANSWER}\n\n## Häufige Fragen"
    text = (await body.input_value()).replace("## Häufige Fragen", section)
    await body.fill(f"{text.rstrip()}\n- Kann ich mein Rad in den Zug mitnehmen?\n")
    await editor.locator("#kb-save").click()
    await expect(editor.locator("#kb-saved")).to_contain_text("Saved version 2")

    await eventually(lambda: found(stack, wes, "Fahrradkarte"), timeout=INDEXED_SECONDS)

    # The next customer asking it gets the new section, citing the article.
    mia = await pages.open("/")
    await start_chat(mia, unique("Mia"), "Bahn", first_status="bot")
    await _ask(mia, TRAIN)
    travel = "Mit dem Dienstrad ins Ausland \N{EN DASH} Urlaub, Entsendung und Umzug"
    answer = mia.locator("li.message--other", has=mia.get_by_role("link", name=travel))
    await expect(answer.locator(".message-body")).to_contain_text("Fahrradkarte", timeout=ANSWER_MS)
    await expect(mia.locator("#status")).to_have_text("Chatting with our assistant")
