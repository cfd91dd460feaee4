"""The FastAPI application: routers, error answers, security headers, metrics."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

from fastapi import FastAPI, Request, Response, status
from fastapi.responses import JSONResponse
from prometheus_client import CollectorRegistry
from sqlalchemy import Engine

from bots.assistant import endpoints as assistant
from bots.assistant import rating_endpoints as answer_ratings
from bots.assistant.ratings import AnswerNotFound, NotAnAnswer
from bots.embedding import Embedders
from bots.knowledge import endpoints as knowledge
from bots.knowledge import public as help_articles
from bots.knowledge.indexer import Indexer
from bots.knowledge.service import ArticleNotFound, VersionConflict
from bots.suggestions import endpoints as suggestions
from bots.suggestions.live_model import LiveModel
from bots.suggestions.offers import SuggestionNotFound, ValuesMissing
from bridge.accounts import admin_endpoints
from bridge.accounts import endpoints as accounts
from bridge.accounts.passwords import PasswordRejected
from bridge.accounts.service import AccountError, AccountExists
from bridge.accounts.throttle import LoginThrottle
from bridge.accounts.verified_tokens import VerifiedTokens
from bridge.api import health, pages
from bridge.api.security_headers import SecurityHeaders
from bridge.archive import endpoints as archive_endpoints
from bridge.chats import endpoints as chats
from bridge.chats.service import ChatNotFound, ReplyRefused, TransferRefused
from bridge.chats.states import InvalidTransition
from bridge.db import Database
from bridge.invitations import endpoints as invitations
from bridge.invitations.service import InvitationExpired, InvitationNotFound
from bridge.messages.crypto import KeyStore, MessageCipher
from bridge.metrics import endpoints as metrics
from bridge.metrics.collector import TotalsCollector
from bridge.metrics.recorder import RECORDER
from bridge.settings import Settings

ERRORS: dict[type[Exception], int] = {
    ChatNotFound: status.HTTP_404_NOT_FOUND,
    InvalidTransition: status.HTTP_409_CONFLICT,
    AccountExists: status.HTTP_409_CONFLICT,
    TransferRefused: status.HTTP_409_CONFLICT,
    InvitationNotFound: status.HTTP_404_NOT_FOUND,
    InvitationExpired: status.HTTP_410_GONE,
    PasswordRejected: status.HTTP_422_UNPROCESSABLE_CONTENT,
    AccountError: status.HTTP_422_UNPROCESSABLE_CONTENT,
    SuggestionNotFound: status.HTTP_404_NOT_FOUND,
    ValuesMissing: status.HTTP_422_UNPROCESSABLE_CONTENT,
    ReplyRefused: status.HTTP_409_CONFLICT,
    ArticleNotFound: status.HTTP_404_NOT_FOUND,
    VersionConflict: status.HTTP_409_CONFLICT,
    AnswerNotFound: status.HTTP_404_NOT_FOUND,
    NotAnAnswer: status.HTTP_422_UNPROCESSABLE_CONTENT,
}


def create_app(settings: Settings, engine: Engine, archive: Database) -> FastAPI:
    """Build the api for these settings, the live database and the archive."""
    app = FastAPI(title="customer-chat", version="0.1.0", lifespan=_background_work)
    app.state.settings = settings
    app.state.engine = engine
    app.state.throttle = LoginThrottle()
    app.state.verified_tokens = VerifiedTokens()
    app.state.cipher = MessageCipher(KeyStore.for_messages(settings))
    app.state.archive = archive
    app.state.archive_cipher = MessageCipher(KeyStore.for_archive(settings))
    # One instance per embedding model in this process: suggestions and the knowledge base share.
    app.state.embedders = Embedders(settings)
    app.state.suggestions = LiveModel(Database(engine), settings, app.state.embedders)
    app.state.kb_indexer = Indexer(Database(engine), app.state.embedders.configured)
    # Its own registry: the product's totals (read from PostgreSQL) beside the process's own.
    app.state.metrics = CollectorRegistry()
    app.state.metrics.register(TotalsCollector(engine))
    routers = (
        accounts.router,
        admin_endpoints.router,
        archive_endpoints.router,
        chats.router,
        suggestions.router,
        knowledge.router,
        help_articles.router,
        assistant.router,
        assistant.person_router,
        answer_ratings.router,
        invitations.router,
        health.router,
        metrics.router,
        pages.router,
    )
    for router in routers:
        app.include_router(router)
    pages.mount_static(app)
    for error, code in ERRORS.items():
        app.add_exception_handler(error, _answer_with(code))
    app.add_middleware(SecurityHeaders, settings=settings)
    return app


@contextlib.asynccontextmanager
async def _background_work(app: FastAPI) -> AsyncIterator[None]:
    """Keep the knowledge base's chunks current and save this process's metrics while it runs."""
    indexing = asyncio.create_task(app.state.kb_indexer.run())
    recording = asyncio.create_task(RECORDER.run(Database(app.state.engine)))
    yield
    indexing.cancel()
    recording.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await recording  # its last flush


def _answer_with(code: int) -> Callable[[Request, Exception], Awaitable[Response]]:
    async def handler(_: Request, error: Exception) -> Response:
        return JSONResponse({"detail": str(error)}, status_code=code)

    return handler
