"""Render supporters' commands as plain chat: `list`, `take 3`, `end`, `help`."""

from __future__ import annotations

from bridge.accounts.repository import User
from bridge.chats.repository import Chat
from bridge.routing.commands import (
    ACTION_ERRORS,
    ChatAction,
    Command,
    FormCommand,
    Listing,
    named,
    numbered,
)


async def answer(commands: dict[str, Command], supporter: User, text: str) -> str:
    """Run the command a chat message names and return the reply text."""
    words = text.split()
    command = commands.get(words[0].lower()) if words else None
    if command is None:
        unknown = f"Unknown command '{words[0][:40]}'. " if words else ""
        return unknown + (await _help(commands, supporter))
    if isinstance(command, Listing):
        return (await command.run(supporter)).as_text()
    if isinstance(command, FormCommand):
        first_field = command.fields[0][0]
        return (await command.run(supporter, {first_field: " ".join(words[1:])})).as_text()
    assert isinstance(command, ChatAction)
    return await _choose_and_act(command, supporter, words[1:])


async def _choose_and_act(command: ChatAction, supporter: User, args: list[str]) -> str:
    choices = await command.choices(supporter)
    if not choices:
        return command.nothing_to_choose
    prompt = "\n".join([command.choose_prompt, *numbered(choices)])
    if not args:
        if len(choices) == 1 and command.one_chat_needs_no_number:
            return await _act(command, supporter, choices[0], None)
        return prompt
    if not args[0].isdigit() or not 1 <= int(args[0]) <= len(choices):
        return f"There is no chat number {args[0][:20]}. " + prompt
    colleague = None
    if command.needs_colleague:
        colleagues = await command.colleagues(supporter)
        colleague = _find(colleagues, " ".join(args[1:]))
        if colleague is None:
            return "\n".join([f"Name a colleague: {command.choose_prompt}", *named(colleagues)])
    return await _act(command, supporter, choices[int(args[0]) - 1], colleague)


def _find(colleagues: list[User], name: str) -> User | None:
    wanted = name.strip().lower()
    return next(
        (c for c in colleagues if wanted and wanted in (c.username, c.display_name.lower())), None
    )


async def _act(command: ChatAction, supporter: User, chat: Chat, colleague: User | None) -> str:
    try:
        return await command.act(supporter, chat, colleague)
    except ACTION_ERRORS as error:
        return f"Could not {command.name} that chat: {error}"


async def _help(commands: dict[str, Command], supporter: User) -> str:
    helper = commands["help"]
    assert isinstance(helper, Listing)
    return (await helper.run(supporter)).as_text()
