"""Routes of the invitations domain: create a link, accept it, and the link's page."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, status
from fastapi.responses import FileResponse, HTMLResponse, Response

from bridge.accounts.endpoints import session_for
from bridge.api.deps import AppSettings, CurrentSupporter, DbConn, TokenCache
from bridge.api.pages import WEBCLIENT
from bridge.chats.schemas import ChatOut
from bridge.invitations import service
from bridge.invitations.schemas import AcceptedOut, AcceptIn, InvitationIn, InvitationOut

router = APIRouter()

PROBLEM_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · customer-chat</title><link rel="stylesheet" href="/static/css/app.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml"></head>
<body><main class="link-problem"><h1>{title}</h1><p>{text}</p>
<p><a class="btn btn-primary" href="/">Start a new chat</a></p></main></body></html>
"""


@router.post("/api/invitations", status_code=status.HTTP_201_CREATED)
def create_invitation(
    body: InvitationIn, supporter: CurrentSupporter, conn: DbConn, settings: AppSettings
) -> InvitationOut:
    """Open a chat for a customer and get the link to send them."""
    issued = service.invite(
        conn,
        supporter=supporter,
        subject=body.subject.strip(),
        email=body.email,
        room_service=settings.muc_service,
        valid_for=timedelta(days=settings.invitation_days),
    )
    return InvitationOut(
        chat=ChatOut.of(issued.chat),
        code=issued.code,
        url=f"{settings.site_url}/i/{issued.code}",
        expires_at=issued.expires_at,
    )


@router.post("/api/invitations/{code}/accept")
def accept_invitation(
    code: str, body: AcceptIn, conn: DbConn, settings: AppSettings, verified: TokenCache
) -> AcceptedOut:
    """Come in through a link: a session bound to the invited chat."""
    name = body.display_name.strip() if body.display_name else None
    customer, chat = service.accept(conn, code=code, display_name=name)
    session = session_for(customer, settings, verified)
    return AcceptedOut(**session.model_dump(), chat=ChatOut.of(chat))


@router.get("/i/{code}", include_in_schema=False)
def invitation_page(code: str, conn: DbConn) -> Response:
    """The customer page for a valid link; a friendly page for an unknown or expired one."""
    try:
        service.check(conn, code)
    except service.InvitationNotFound:
        return _problem(404, "Link not found", "This chat link is not known. Please check it.")
    except service.InvitationExpired:
        return _problem(410, "Link expired", "This chat link has expired. Ask us for a new one.")
    return FileResponse(WEBCLIENT / "index.html")


def _problem(code: int, title: str, text: str) -> HTMLResponse:
    return HTMLResponse(PROBLEM_PAGE.format(title=title, text=text), status_code=code)
