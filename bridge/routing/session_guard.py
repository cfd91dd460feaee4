"""Ends the XMPP sessions of users whose token expired or was revoked, within seconds."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.exc import SQLAlchemyError

from bridge.accounts import repository as accounts
from bridge.db import Database
from bridge.xmpp_server.admin_api import AdminApi, AdminApiError

log = logging.getLogger(__name__)

CHECK_SECONDS = 1.0


class SessionGuard:
    """Checks every second for XMPP logins to end and kicks them through ejabberd."""

    def __init__(self, db: Database, admin: AdminApi) -> None:
        self.db = db
        self.admin = admin

    async def run(self) -> None:
        """Check for ever."""
        while True:
            try:
                await self.end_due_sessions()
            except SQLAlchemyError as error:
                log.warning("session guard cannot read logins: %s", type(error).__name__)
            await asyncio.sleep(CHECK_SECONDS)

    async def end_due_sessions(self) -> None:
        """Kick every user whose login must end; retried next time if ejabberd fails."""
        for user in await self.db.run(accounts.xmpp_logins_to_end):
            try:
                await self.admin.kick_user(user.localpart)
            except AdminApiError as error:
                log.warning("could not end sessions of a user: %s", error)
                continue
            await self.db.run(accounts.mark_xmpp_login_ended, user.id)
