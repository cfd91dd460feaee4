"""The knowledge-base api as supporters use it: write, edit, archive, restore, search."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.conftest import Person, call, eventually
from tests.stack import Stack

WAIT = 60  # the api loads its embedding model at the first article or search


def article(title: str, body: str, language: str = "de", **extra: Any) -> dict[str, Any]:
    """A request body for an article."""
    return {"title": title, "body": body, "language": language, "tags": ["test"], **extra}


def titles_found(stack: Stack, supporter: Person, question: str) -> list[str] | None:
    """Titles of the passages search returns, best first; None if there are none."""
    answer = call(stack, "GET", "/api/kb/search", supporter, params={"q": question})
    assert answer.status_code == 200, answer.text
    return [hit["title"] for hit in answer.json()["hits"]] or None


def found_with(stack: Stack, supporter: Person, question: str, words: str) -> dict[str, Any] | None:
    """The first hit whose text has these words, once search returns one."""
    answer = call(stack, "GET", "/api/kb/search", supporter, params={"q": question, "limit": 20})
    hits: list[dict[str, Any]] = answer.json()["hits"]
    return next((hit for hit in hits if words in hit["text"]), None)


async def test_a_saved_article_is_found_within_seconds_and_an_edit_replaces_it(
    stack: Stack, make_supporter: Callable[..., Person]
) -> None:
    sam = make_supporter("Sam")
    code = f"QX-{uuid.uuid4().hex[:6]}"
    body = f"Für die Sonderaktion {code} gilt: Das Schloss Faltwerk 3 ist kostenlos dabei."
    created = call(stack, "POST", "/api/kb/articles", sam, json=article("Gratis-Schloss", body))
    assert created.status_code == 201, created.text
    saved = created.json()
    assert (saved["version"], saved["slug"], saved["updated_by"]["name"]) == (
        1,
        "gratis-schloss",
        "Sam",
    )
    hit = await eventually(lambda: found_with(stack, sam, code, code), timeout=WAIT)
    assert hit["title"] == "Gratis-Schloss" and hit["language"] == "de"
    assert hit["scores"]["text"] > 0 and hit["scores"]["fused"] > 0
    edited = body.replace("Faltwerk 3", "Bügelfest 9")
    answer = call(
        stack, "PUT", f"/api/kb/articles/{saved['id']}", sam,
        json=article("Gratis-Schloss", edited, version=1),
    )  # fmt: skip
    assert answer.status_code == 200 and answer.json()["version"] == 2
    hit = await eventually(lambda: found_with(stack, sam, code, "Bügelfest 9"), timeout=15)
    assert found_with(stack, sam, code, "Faltwerk 3") is None
    versions = call(stack, "GET", f"/api/kb/articles/{saved['id']}/versions", sam).json()
    assert [(v["version"], "Bügelfest" in v["body"]) for v in versions] == [(2, True), (1, False)]


async def test_archived_articles_are_not_searched_until_restored(
    stack: Stack, make_supporter: Callable[..., Person]
) -> None:
    sam = make_supporter("Sam")
    code = f"ZP-{uuid.uuid4().hex[:6]}"
    saved = call(
        stack, "POST", "/api/kb/articles", sam,
        json=article("Winter tyres", f"Winter tyres ({code}) are part of the full service.", "en"),
    ).json()  # fmt: skip
    await eventually(lambda: found_with(stack, sam, code, code), timeout=WAIT)
    archived = call(stack, "POST", f"/api/kb/articles/{saved['id']}/archive", sam)
    assert archived.status_code == 200 and archived.json()["archived"] is True
    assert found_with(stack, sam, code, code) is None
    listed = call(stack, "GET", "/api/kb/articles", sam, params={"archived": "true"}).json()
    assert saved["id"] in [a["id"] for a in listed]
    restored = call(stack, "POST", f"/api/kb/articles/{saved['id']}/restore", sam).json()
    assert (restored["archived"], restored["version"]) == (False, 3)
    await eventually(lambda: found_with(stack, sam, code, code), timeout=15)


def test_an_edit_of_an_outdated_version_gets_409(
    stack: Stack, make_supporter: Callable[..., Person]
) -> None:
    sam, kim = make_supporter("Sam"), make_supporter("Kim")
    saved = call(stack, "POST", "/api/kb/articles", sam, json=article("Rückgabe", "Text")).json()
    path = f"/api/kb/articles/{saved['id']}"
    first = call(stack, "PUT", path, kim, json=article("Rückgabe", "Kims Text", version=1))
    assert first.status_code == 200
    late = call(stack, "PUT", path, sam, json=article("Rückgabe", "Sams Text", version=1))
    assert late.status_code == 409
    assert "now version 2 by Kim" in late.json()["detail"]
    assert call(stack, "GET", path, sam).json()["body"] == "Kims Text"


@pytest.mark.parametrize(
    "body",
    [
        article("   ", "Text"),
        article("Titel", "Text", "fr"),
        article("Titel", "x" * 100_001),
        article("Titel", "NUL \x00 im Text"),
        article("Titel", "Text", tags=["a\x07b"]),
        {"body": "ohne Titel", "language": "de"},
    ],
    ids=["blank-title", "unknown-language", "huge-body", "control-char", "control-tag", "no-title"],
)
def test_bad_articles_get_422(
    stack: Stack, make_supporter: Callable[..., Person], body: dict[str, Any]
) -> None:
    answer = call(stack, "POST", "/api/kb/articles", make_supporter("Sam"), json=body)
    assert answer.status_code == 422
    assert answer.json()["detail"]


def test_unknown_articles_get_404_and_bad_searches_422(
    stack: Stack, make_supporter: Callable[..., Person]
) -> None:
    sam = make_supporter("Sam")
    missing = f"/api/kb/articles/{uuid.uuid4()}"
    for method, path, body in [
        ("GET", missing, None),
        ("PUT", missing, article("T", "B", version=1)),
        ("POST", f"{missing}/archive", None),
        ("POST", f"{missing}/restore", None),
        ("GET", f"{missing}/versions", None),
    ]:
        answer = call(stack, method, path, sam, json=body)
        assert answer.status_code == 404, (method, path)
        assert answer.json()["detail"] == "no such article"
    assert call(stack, "GET", "/api/kb/articles/not-a-uuid", sam).status_code == 422
    for params in [{"q": ""}, {"q": "a\x00b"}, {"q": "Akku", "limit": 0}, {}]:
        assert call(stack, "GET", "/api/kb/search", sam, params=params).status_code == 422


def test_markup_and_sql_are_kept_as_text(
    stack: Stack, make_supporter: Callable[..., Person]
) -> None:
    sam = make_supporter("Sam")
    title = "<script>alert(1)</script>'; DROP TABLE kb_articles; --"
    body = "**Fett** <img src=x onerror=alert(1)> `code`"
    saved = call(stack, "POST", "/api/kb/articles", sam, json=article(title, body)).json()
    again = call(stack, "GET", f"/api/kb/articles/{saved['id']}", sam).json()
    assert (again["title"], again["body"]) == (title, body)
    assert saved["slug"] == "script-alert-1-script-drop-table-kb-articles"
    assert call(stack, "GET", "/api/kb/articles", sam).status_code == 200


def test_the_list_filters_by_tag(stack: Stack, make_supporter: Callable[..., Person]) -> None:
    sam = make_supporter("Sam")
    tag = f"tag-{uuid.uuid4().hex[:6]}"
    saved = call(
        stack, "POST", "/api/kb/articles", sam,
        json=article("Kindersitz", "Erlaubt.", tags=[tag, " S-Pedelec ", tag]),
    ).json()  # fmt: skip
    assert saved["tags"] == [tag, "S-Pedelec"]
    listed = call(stack, "GET", "/api/kb/articles", sam, params={"tag": tag}).json()
    assert [a["title"] for a in listed] == ["Kindersitz"]
    assert "body" not in listed[0]


def test_only_supporters_and_admins_reach_the_knowledge_base(
    stack: Stack, make_supporter: Callable[..., Person], make_guest: Callable[[str], Person]
) -> None:
    admin = make_supporter("Ada", role="admin")
    created = call(stack, "POST", "/api/kb/articles", admin, json=article("Admin", "Text"))
    assert created.status_code == 201
    mia = make_guest("Mia")
    for method, path in [
        ("GET", "/api/kb/articles"),
        ("POST", "/api/kb/articles"),
        ("GET", f"/api/kb/articles/{created.json()['id']}"),
        ("GET", "/api/kb/search?q=Akku"),
    ]:
        answer = call(stack, method, path, mia, json=article("T", "B"))
        assert answer.status_code == 403
        assert answer.json()["detail"] == "only supporters may do this"
    anonymous = Person("", "", "", "", "not-a-token")
    assert call(stack, "GET", "/api/kb/articles", anonymous).status_code == 401
    answer = httpx.get(f"{stack.api}/api/kb/search", params={"q": "Akku"})
    assert answer.status_code == 401 and answer.json()["detail"] == "a session token is required"
