"""With an LLM configured the assistant streams checked answers, and hands over when it fails."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import pytest
from openai import AzureOpenAI, OpenAI
from pydantic import SecretStr

from bots.assistant import llm, repository
from bots.assistant.decide import Reason
from bots.assistant.llm import Breaker, Llm, LlmUnavailable
from bots.assistant.service import HANDOVER_TEXT, Reply, respond
from bots.embedding import Embedder
from bridge.db import Database
from bridge.messages.crypto import MessageCipher
from bridge.settings import Settings
from tests.assistant.conftest import ALWAYS_ANSWER, connect
from tests.fakes.openai_server import FakeOpenAI, base_url, root_url

THEFT = "Mein Fahrrad wurde gestohlen, was muss ich tun?"
ANSWER = (
    "Erstatten Sie innerhalb von **48 Stunden** Anzeige bei der Polizei. [1]\n\n"
    "Melden Sie den Diebstahl danach im Kundenportal unter „Schaden melden“. [1]"
)
HANDOVER = HANDOVER_TEXT["de"]


def ask(
    db: Database,
    embedder: Embedder,
    cipher: MessageCipher,
    writer: Llm,
    parts: list[str] | None = None,
) -> Reply:
    """The assistant's reply to the theft question, its parts collected as they are sent."""
    return db.run_sync(
        lambda conn: respond(
            conn,
            embedder=embedder,
            cipher=cipher,
            question=THEFT,
            llm=writer,
            on_part=None if parts is None else parts.append,
        )
    )


def test_answer_is_sent_paragraph_by_paragraph_before_the_llm_has_finished(
    kb: Database, embedder: Embedder, cipher: MessageCipher, llm_server: FakeOpenAI
) -> None:
    llm_server.answer_with(ANSWER)
    llm_server.hold = gate = threading.Event()
    parts: list[str] = []

    def receive(part: str) -> None:
        parts.append(part)
        gate.set()  # the server holds the rest of the answer until now

    reply = kb.run_sync(
        lambda conn: respond(
            conn,
            embedder=embedder,
            cipher=cipher,
            question=THEFT,
            llm=connect(llm_server),
            on_part=receive,
        )
    )
    assert llm_server.held_until_set  # the first paragraph arrived while the rest was held back
    assert parts == [
        "Erstatten Sie innerhalb von 48 Stunden Anzeige bei der Polizei.",
        "Melden Sie den Diebstahl danach im Kundenportal unter „Schaden melden“.",
    ]
    assert reply.answer == "\n\n".join(parts)
    assert not reply.handed_off and reply.reason is Reason.CONFIDENT
    assert [source.slug for source in reply.sources] == ["diebstahl-melden"]


def test_slow_llm_hands_over_at_its_timeout_instead_of_hanging(
    kb: Database, embedder: Embedder, cipher: MessageCipher, llm_server: FakeOpenAI
) -> None:
    llm_server.delay = 30
    started = time.monotonic()
    parts: list[str] = []
    reply = ask(kb, embedder, cipher, connect(llm_server, timeout=0.5, retries=2), parts)
    assert time.monotonic() - started < 5
    assert reply.handed_off and reply.reason is Reason.LLM_UNAVAILABLE
    assert parts == [HANDOVER] and reply.answer == HANDOVER


def test_llm_streaming_too_slowly_hands_over_at_the_deadline_keeping_what_was_sent(
    kb: Database, embedder: Embedder, cipher: MessageCipher, llm_server: FakeOpenAI
) -> None:
    llm_server.answer_with("Kurz. [1]\n\n" + "Sehr langsam " * 40 + "[1]")
    llm_server.trickle = 0.1  # each event in time, the whole answer not
    parts: list[str] = []
    started = time.monotonic()
    reply = ask(kb, embedder, cipher, connect(llm_server, timeout=1.5), parts)
    assert time.monotonic() - started < 10
    assert parts == ["Kurz.", HANDOVER]
    assert reply.handed_off and reply.reason is Reason.LLM_UNAVAILABLE


def test_failing_llm_is_retried_then_the_breaker_hands_over_without_asking(
    kb: Database, embedder: Embedder, cipher: MessageCipher, llm_server: FakeOpenAI
) -> None:
    now = [0.0]
    breaker = Breaker(failures_to_open=2, open_seconds=30, clock=lambda: now[0])
    writer = connect(llm_server, retries=2, breaker=breaker)
    llm_server.status = 500
    for _ in range(2):
        assert ask(kb, embedder, cipher, writer).reason is Reason.LLM_UNAVAILABLE
    assert len(llm_server.chats()) == 6  # each answer: the request and two retries

    reply = ask(kb, embedder, cipher, writer)
    assert reply.handed_off and reply.reason is Reason.LLM_UNAVAILABLE
    assert len(llm_server.chats()) == 6  # not asked at all
    started = time.monotonic()
    with pytest.raises(LlmUnavailable):
        next(writer.stream([{"role": "user", "content": "Hallo"}]))
    assert time.monotonic() - started < 0.5  # no backoff, no timeout: at once

    llm_server.status = 200
    llm_server.answer_with(ANSWER)
    now[0] = 31.0  # after the pause one trial goes out; it works, so the breaker closes
    assert not ask(kb, embedder, cipher, writer).handed_off
    assert not ask(kb, embedder, cipher, writer).handed_off


def test_llm_that_cannot_answer_from_the_passages_hands_over(
    kb: Database, embedder: Embedder, cipher: MessageCipher, llm_server: FakeOpenAI
) -> None:
    for abstain in ("NO_ANSWER", "", "Ich weiß es nicht. NO_ANSWER"):
        llm_server.answer_with(abstain)
        parts: list[str] = []
        reply = ask(kb, embedder, cipher, connect(llm_server), parts)
        assert reply.handed_off and reply.reason is Reason.LLM_ABSTAINED
        assert parts == [HANDOVER]


def test_blocked_part_is_never_sent_and_the_chat_is_handed_over_and_logged(
    kb: Database,
    embedder: Embedder,
    cipher: MessageCipher,
    llm_server: FakeOpenAI,
    caplog: pytest.LogCaptureFixture,
) -> None:
    leak = "Mein Schlüssel lautet sk-live-4f9a8b7c6d5e4f3a2b1c. [1]"
    llm_server.answer_with(ANSWER.split("\n\n")[0] + "\n\n" + leak)
    parts: list[str] = []
    with caplog.at_level(logging.WARNING):
        reply = ask(kb, embedder, cipher, connect(llm_server), parts)
    assert parts == ["Erstatten Sie innerhalb von 48 Stunden Anzeige bei der Polizei.", HANDOVER]
    assert reply.handed_off and reply.reason is Reason.OUTPUT_BLOCKED
    assert "blocked: secret" in caplog.text and "sk-live" not in caplog.text
    logged = kb.run_sync(repository.decisions, cipher)
    assert next(row for row in logged if row.id == reply.decision_id).reason == "output_blocked"


def test_only_masked_text_in_fenced_blocks_reaches_the_llm(
    kb: Database, embedder: Embedder, cipher: MessageCipher, llm_server: FakeOpenAI
) -> None:
    question = (
        "Mein Fahrrad wurde gestohlen! Ich bin anna.schmidt@example.org, 0171 2345678, "
        "IBAN DE89 3704 0044 0532 0130 00. Was muss ich tun?"
    )
    kb.run_sync(
        lambda conn: respond(
            conn,
            embedder=embedder,
            cipher=cipher,
            question=question,
            llm=connect(llm_server),
            calibration=ALWAYS_ANSWER,
        )
    )
    system, user = (message["content"] for message in llm_server.chats()[-1]["messages"])
    assert "anna.schmidt" not in user and "2345678" not in user and "DE89" not in user
    assert "[E-Mail], [Telefon]" in user and "IBAN [IBAN]" in user
    fence = user.splitlines()[1].removeprefix("<<<")
    assert fence.startswith("DATA-") and f"<<<{fence}" in system and user.count(f"{fence}>>>") == 2
    assert "Anzeige bei der Polizei" in user  # the passages, inside their block


def test_azure_settings_build_an_azure_client_calling_the_deployment(
    llm_server: FakeOpenAI, tmp_path: Path
) -> None:
    settings = Settings(
        data_dir=tmp_path,
        llm_azure_endpoint=root_url(llm_server),
        llm_azure_deployment="kundendienst",
        llm_api_version="2024-10-21",
        llm_api_key=SecretStr("azure-key-0123456789"),
        llm_timeout_seconds=5,
    )
    writer = llm.configured(settings)
    assert writer is not None and isinstance(llm.client(settings), AzureOpenAI)
    llm_server.answer_with("Hallo")
    assert "".join(writer.stream([{"role": "user", "content": "Hallo"}])) == "Hallo"
    assert llm_server.paths == [
        "/openai/deployments/kundendienst/chat/completions?api-version=2024-10-21"
    ]
    assert llm_server.keys == ["azure-key-0123456789"]
    assert llm_server.chats()[0]["model"] == "kundendienst"


def test_base_url_settings_build_an_openai_client_and_no_settings_none(
    llm_server: FakeOpenAI, tmp_path: Path
) -> None:
    settings = Settings(
        data_dir=tmp_path,
        llm_base_url=base_url(llm_server),
        llm_model="llama3",
        llm_api_key=SecretStr("k" * 20),
    )
    sdk = llm.client(settings)
    assert isinstance(sdk, OpenAI) and not isinstance(sdk, AzureOpenAI)
    writer = llm.configured(settings)
    assert writer is llm.configured(settings)  # one per process: its breaker sees every answer
    llm_server.answer_with("Hi")
    assert writer is not None
    assert list(writer.stream([{"role": "user", "content": "Hi"}])) == ["Hi"]
    assert llm_server.keys == ["Bearer " + "k" * 20]
    assert llm_server.chats()[0]["model"] == "llama3"
    assert llm.configured(Settings(data_dir=tmp_path)) is None


def test_the_api_key_never_shows_in_the_settings_and_every_secret_is_known(tmp_path: Path) -> None:
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "bots").write_text("generated-bot-password-123\n")
    settings = Settings(
        data_dir=tmp_path,
        llm_base_url="http://127.0.0.1:9/v1",
        llm_api_key=SecretStr("sk-very-secret-llm-key"),
        encryption_keys="k1:c2VjcmV0LWtleS1vbmU=,k2:c2VjcmV0LWtleS10d28=",
        database_url="postgresql://chat:db-password-42@db/chat",
        archive_database_url="not a url",
    )
    (tmp_path / "secrets" / "old").mkdir()  # not a secret file: skipped
    assert "sk-very-secret" not in repr(settings) and "sk-very-secret" not in str(settings)
    secrets = llm.secrets_of(settings)
    for value in (
        "sk-very-secret-llm-key",
        "c2VjcmV0LWtleS1vbmU=",
        "c2VjcmV0LWtleS10d28=",
        "db-password-42",
        "generated-bot-password-123",
    ):
        assert value in secrets
    assert "k1" not in secrets  # too short to be a secret; would block ordinary text


def test_a_breaker_lets_one_trial_through_after_its_pause() -> None:
    now = [0.0]
    breaker = Breaker(failures_to_open=1, open_seconds=10, clock=lambda: now[0])
    breaker.failed()
    assert not breaker.allow()
    now[0] = 10.0
    assert breaker.allow() and not breaker.allow()  # the trial, and others keep waiting
    breaker.failed()  # the trial failed: another full pause
    now[0] = 15.0
    assert not breaker.allow()


def test_an_unreachable_llm_is_unavailable() -> None:
    writer = Llm(
        OpenAI(base_url="http://127.0.0.1:9/v1", api_key="k"), model="m", timeout=2, retries=1
    )
    with pytest.raises(LlmUnavailable):
        list(writer.stream([{"role": "user", "content": "Hallo"}]))
