"""The small talk around the answers: openings, thanks, sign-offs, per language."""

from __future__ import annotations

from dataclasses import dataclass

from demo.topics import Language


@dataclass(frozen=True)
class Courtesies:
    """What customers and supporters say around questions and answers, in one language."""

    hellos: tuple[str, ...]  # a customer's first message before the question
    openers: tuple[str, ...]  # put in front of a customer's first question
    next_topic: tuple[str, ...]  # put in front of a question on another topic
    clarify: tuple[str, ...]  # put in front of a question asked again in other words
    thanks: tuple[str, ...]
    welcomes: tuple[str, ...]  # a supporter's answer to thanks
    anything_else: tuple[str, ...]
    nothing_else: tuple[str, ...]
    one_moment: tuple[str, ...]  # a supporter looking something up before answering
    sign_offs: tuple[str, ...]  # `{supporter}` is the supporter's first name


COURTESIES: dict[Language, Courtesies] = {
    "de": Courtesies(
        hellos=("Hallo", "Guten Tag", "Hallo zusammen", "Moin", "Guten Morgen"),
        openers=("Hallo!\n", "Guten Tag,\n", "Hallo! ", "Hi!\n", "Servus! "),
        next_topic=("Und noch eine Frage: ", "Ach, und noch was: ", "Andere Frage: "),
        clarify=(
            "Nur damit ich es richtig verstehe: ",
            "Sorry, nochmal nachgefragt: ",
            "Also nochmal anders gefragt: ",
        ),
        thanks=(
            "Danke!",
            "Vielen Dank!",
            "Super, danke für die schnelle Antwort!",
            "ok danke",
            "Alles klar, vielen Dank 👍",
            "Danke, das hilft mir weiter.",
            "Perfekt, danke!",
        ),
        welcomes=(
            "Gern geschehen!",
            "Sehr gerne! Einen schönen Tag noch.",
            "Gerne, melden Sie sich jederzeit wieder.",
            "Gern geschehen, gute Fahrt!",
        ),
        anything_else=("Kann ich sonst noch etwas für Sie tun?", "Haben Sie noch weitere Fragen?"),
        nothing_else=("Nein, das war's, danke!", "Nein, alles klar. Danke!", "Nö, passt. Danke"),
        one_moment=("einen Moment bitte, ich schaue nach.", "ich prüfe das kurz für Sie."),
        sign_offs=(
            "Viele Grüße, {supporter}",
            "Beste Grüße\n{supporter}",
            "Viele Grüße\n{supporter}",
        ),
    ),
    "en": Courtesies(
        hellos=("Hi", "Hello", "Hi there", "Good morning", "hey"),
        openers=("Hi, ", "Hello, ", "Hi there! ", "Good morning, "),
        next_topic=("One more question: ", "Oh, and also: ", "Another thing: "),
        clarify=("Just to be sure: ", "Sorry, to double-check: ", "So, asked differently: "),
        thanks=(
            "Thanks!",
            "Thanks, that helps",
            "Great, thank you!",
            "ok thx",
            "Perfect, thanks a lot 👍",
            "Thank you for the quick reply!",
        ),
        welcomes=(
            "You're welcome!",
            "You're welcome, have a nice day!",
            "Happy to help, enjoy the ride!",
            "Any time!",
        ),
        anything_else=("Is there anything else I can help you with?", "Any other questions?"),
        nothing_else=("No, that's all, thanks!", "Nope, all good. Thanks!", "no that's it, thx"),
        one_moment=("one moment please, let me check.", "let me look into that for you."),
        sign_offs=(
            "Best regards, {supporter}",
            "Kind regards,\n{supporter}",
            "Cheers, {supporter}",
        ),
    ),
}
