"""Supporters' commands, written once and rendered as XEP-0050 ad-hoc commands and chat replies.

Each command either lists something (`Listing`) or acts on one chat chosen from a
list (`ChatAction`): `take` picks from the queue, `end` from the supporter's own chats.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bridge.accounts import repository as accounts
from bridge.accounts.repository import User
from bridge.chats import service
from bridge.chats.repository import Chat
from bridge.chats.service import ChatNotFound, TransferRefused
from bridge.chats.states import InvalidTransition, Status
from bridge.db import Database
from bridge.invitations import service as invitations
from bridge.settings import Settings

BERLIN = ZoneInfo("Europe/Berlin")

# What an action may refuse with; both renderers turn these into a clear answer.
ACTION_ERRORS = (ChatNotFound, InvalidTransition, TransferRefused)


@dataclass(frozen=True)
class Reply:
    """What a command answers: a title and lines (numbered choices or plain text)."""

    text: str
    lines: tuple[str, ...] = ()

    def as_text(self) -> str:
        """The reply as one chat message."""
        return "\n".join((self.text, *self.lines))


class Command(ABC):
    """A supporter-facing action with its chat word, ad-hoc node and help text."""

    name: str
    title: str
    help: str

    def __init__(self, db: Database) -> None:
        self.db = db


class Listing(Command):
    """A command that only shows something."""

    @abstractmethod
    async def run(self, supporter: User) -> Reply:
        """Produce the reply."""


class ChatAction(Command):
    """A command acting on one chat picked from a numbered list (and maybe a colleague)."""

    nothing_to_choose: str
    choose_prompt: str
    needs_colleague = False  # `transfer` also names the supporter to hand the chat to
    one_chat_needs_no_number = False  # `end` alone ends the supporter's only chat

    @abstractmethod
    async def choices(self, supporter: User) -> list[Chat]:
        """The chats the supporter may pick from, in the numbering shown to them."""

    async def colleagues(self, supporter: User) -> list[User]:
        """The supporters the chat may go to (only for commands that need one)."""
        staff = await self.db.run(accounts.list_staff)
        return [member for member in staff if member.id != supporter.id]

    @abstractmethod
    async def act(self, supporter: User, chat: Chat, colleague: User | None) -> str:
        """Carry out the action on the chosen chat and say what happened."""


class FormCommand(Command):
    """A command that takes a few free-text fields (in a chat: the words after it)."""

    fields: tuple[tuple[str, str], ...]  # (name, label); a chat fills the first one

    @abstractmethod
    async def run(self, supporter: User, values: dict[str, str]) -> Reply:
        """Carry out the command with these values."""


class ListCommand(Listing):
    """Number the waiting chats (oldest first), then the active ones."""

    name = "list"
    title = "List waiting chats"
    help = "list: show the waiting chats, oldest first, and the active ones"

    async def run(self, supporter: User) -> Reply:
        """Show the queue numbered as `take N` expects it."""
        chats = await self.db.run(service.queue)
        if not chats:
            return Reply("No chats are waiting.")
        return Reply("Chats (take N to take one):", tuple(numbered(chats)))


class TakeCommand(ChatAction):
    """Take a waiting chat, or take over an active one."""

    name = "take"
    title = "Take a chat"
    help = "take N: take chat number N of the list (also takes over an active chat)"
    nothing_to_choose = "No chats are waiting."
    choose_prompt = "Which chat? Reply take N:"

    async def choices(self, supporter: User) -> list[Chat]:
        """The queue as `list` shows it."""
        return await self.db.run(service.queue)

    async def act(self, supporter: User, chat: Chat, colleague: User | None) -> str:
        """Assign the chat to the supporter."""
        taken = await self.db.run(
            lambda conn: service.take(conn, chat_id=chat.id, supporter=supporter)
        )
        # The room lets the supporter in once the bridge has made them a member; the
        # invitation that follows says so, so this reply does not invite an early join.
        return f"You have the chat with {taken.customer_name}. An invitation to its room follows."


class HeldChatAction(ChatAction):
    """An action on one of the chats the supporter holds."""

    nothing_to_choose = "You have no active chat."

    async def choices(self, supporter: User) -> list[Chat]:
        """The supporter's active chats."""
        return await self.db.run(service.held_by, supporter)


class EndCommand(HeldChatAction):
    """End one of the supporter's active chats."""

    name = "end"
    title = "End a chat"
    help = "end [N]: end your chat (number N of your chats if you have several)"
    choose_prompt = "You have several chats. Reply end N:"
    one_chat_needs_no_number = True

    async def act(self, supporter: User, chat: Chat, colleague: User | None) -> str:
        """End the chat."""
        await self.db.run(lambda conn: service.end(conn, chat_id=chat.id, by=supporter))
        return f"The chat with {chat.customer_name} has ended."


class TransferCommand(HeldChatAction):
    """Hand one of the supporter's chats to a colleague."""

    name = "transfer"
    title = "Transfer a chat"
    help = "transfer N NAME: hand your chat number N to the supporter NAME"
    choose_prompt = "Which chat, to whom? Reply transfer N NAME:"
    needs_colleague = True

    async def act(self, supporter: User, chat: Chat, colleague: User | None) -> str:
        """Hand the chat over."""
        assert colleague is not None
        await self.db.run(
            lambda conn: service.transfer(conn, chat_id=chat.id, by=supporter, to=colleague)
        )
        return f"The chat with {chat.customer_name} is now with {colleague.display_name}."


class HandbackCommand(HeldChatAction):
    """Give one of the supporter's chats back to the assistant."""

    name = "handback"
    title = "Hand a chat back to the assistant"
    help = "handback [N]: give your chat (number N of your chats) back to the assistant"
    choose_prompt = "You have several chats. Reply handback N:"
    one_chat_needs_no_number = True

    async def act(self, supporter: User, chat: Chat, colleague: User | None) -> str:
        """Hand the chat back."""
        await self.db.run(lambda conn: service.hand_back(conn, chat_id=chat.id, by=supporter))
        return f"The assistant answers {chat.customer_name} again."


class InviteCommand(FormCommand):
    """Open a chat for a customer and get the link to send them."""

    name = "invite"
    title = "Invite a customer"
    help = "invite [SUBJECT]: open a chat for a customer and get a link to send them"
    fields = (("subject", "Subject"), ("email", "Customer's email (optional)"))

    def __init__(self, db: Database, settings: Settings) -> None:
        super().__init__(db)
        self.settings = settings

    async def run(self, supporter: User, values: dict[str, str]) -> Reply:
        """Create the chat and the link."""
        issued = await self.db.run(
            lambda conn: invitations.invite(
                conn,
                supporter=supporter,
                subject=values.get("subject", "").strip()[:200],
                email=values.get("email", "").strip()[:254] or None,
                room_service=self.settings.muc_service,
                valid_for=timedelta(days=self.settings.invitation_days),
            )
        )
        until = issued.expires_at.astimezone(BERLIN).strftime("%d.%m.%Y %H:%M")
        return Reply(
            f"Send this link to the customer (valid until {until}):",
            (f"{self.settings.site_url}/i/{issued.code}",),
        )


class HelpCommand(Listing):
    """Explain the commands."""

    name = "help"
    title = "Help"
    help = "help: this text"

    def __init__(self, db: Database, commands: list[Command]) -> None:
        super().__init__(db)
        self.commands = commands

    async def run(self, supporter: User) -> Reply:
        """List every command with its help text."""
        return Reply("Commands:", tuple(command.help for command in [*self.commands, self]))


def numbered(chats: list[Chat], *, now: datetime | None = None) -> list[str]:
    """Describe chats as `N) name — subject (status, age)` lines."""
    now = now or datetime.now(UTC)
    return [f"{number}) {describe(chat, now)}" for number, chat in enumerate(chats, start=1)]


def named(colleagues: list[User]) -> list[str]:
    """Describe colleagues as `username (Name)` lines."""
    return [f"{member.username} ({member.display_name})" for member in colleagues]


def describe(chat: Chat, now: datetime) -> str:
    """One line about a chat: who, what, and how long it has waited or who holds it."""
    subject = f" — {chat.subject}" if chat.subject else ""
    if chat.status is Status.WAITING:
        minutes = int((now - chat.created_at).total_seconds() // 60)
        return f"{chat.customer_name}{subject} (waiting {minutes} min)"
    return f"{chat.customer_name}{subject} (active, with {chat.assignee_name})"


def make_commands(db: Database, settings: Settings) -> dict[str, Command]:
    """Every command by its word."""
    actions: list[Command] = [
        ListCommand(db),
        TakeCommand(db),
        EndCommand(db),
        TransferCommand(db),
        HandbackCommand(db),
        InviteCommand(db, settings),
    ]
    return {command.name: command for command in [*actions, HelpCommand(db, actions)]}
