"""The web pages (customer chat, console, knowledge-base editor), static files and Strophe."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

WEBCLIENT = Path(__file__).resolve().parents[2] / "webclient"
STROPHE = WEBCLIENT / "node_modules" / "strophe.js" / "dist" / "strophe.esm.js"

router = APIRouter(include_in_schema=False)


@router.get("/")
def customer_page() -> FileResponse:
    """The customer's chat page."""
    return FileResponse(WEBCLIENT / "index.html")


@router.get("/console")
def console_page() -> FileResponse:
    """The supporters' web console."""
    return FileResponse(WEBCLIENT / "console.html")


@router.get("/console/kb")
def knowledge_base_page() -> FileResponse:
    """The knowledge-base editor (supporters and admins sign in as in the console)."""
    return FileResponse(WEBCLIENT / "kb.html")


@router.get("/kb/{slug}")
def article_page(slug: str) -> FileResponse:
    """A published article, where the assistant's answers link their sources."""
    return FileResponse(WEBCLIENT / "article.html")


@router.get("/static/vendor/strophe.esm.js")
def strophe() -> FileResponse:
    """The XMPP client library, installed from npm by `make install`."""
    return FileResponse(STROPHE, media_type="text/javascript")


def mount_static(app: FastAPI) -> None:
    """Serve every file of `webclient/` under `/static`."""
    app.mount("/static", StaticFiles(directory=WEBCLIENT), name="static")
