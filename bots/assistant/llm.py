"""The assistant's LLM: an OpenAI-compatible or Azure OpenAI chat model that streams its answer.

Every answer has one deadline (`LLM_TIMEOUT_SECONDS`) covering retries and
streaming, so a slow or dead endpoint costs the customer at most that long.
Failed requests are retried with exponential backoff while the deadline
allows; after `FAILURES_TO_OPEN` failed answers in a row the circuit breaker
opens and for `OPEN_SECONDS` no request is made at all, so the assistant
hands over at once instead of making every customer wait for the timeout.
"""

from __future__ import annotations

import functools
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Generator
from pathlib import Path

import openai
from openai import AzureOpenAI, OpenAI, Stream
from openai.types.chat import ChatCompletionChunk, ChatCompletionMessageParam
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from bridge.settings import Settings

log = logging.getLogger(__name__)

FAILURES_TO_OPEN = 3
OPEN_SECONDS = 30.0
MIN_SECRET = 8  # characters; shorter values would block ordinary words
FIRST_BACKOFF = 0.25  # seconds; doubled on each retry, with jitter
# Failures a second attempt may not repeat; a 400 or 401 would fail again the same way.
RETRYABLE = (openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError)


class LlmUnavailable(Exception):
    """The LLM gave no answer in time: down, slow, failing, or the breaker is open."""


class Breaker:
    """A circuit breaker: open after repeated failures, then one trial call after a pause."""

    def __init__(
        self,
        failures_to_open: int = FAILURES_TO_OPEN,
        open_seconds: float = OPEN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._failures_to_open = failures_to_open
        self._open_seconds = open_seconds
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._lock = threading.Lock()  # answers are written in several worker threads

    def allow(self) -> bool:
        """Whether a call may go out now (closed, or open long enough for a trial)."""
        with self._lock:
            if self._opened_at is None:
                return True
            if self._clock() - self._opened_at < self._open_seconds:
                return False
            self._opened_at = self._clock()  # this caller is the trial; others keep waiting
            return True

    def succeeded(self) -> None:
        """Close the breaker."""
        with self._lock:
            self._failures, self._opened_at = 0, None

    def failed(self) -> None:
        """Count a failure; open the breaker at the limit (or again after a failed trial)."""
        with self._lock:
            self._failures += 1
            if self._failures >= self._failures_to_open:
                if self._opened_at is None:
                    log.warning("LLM failed %d times in a row: pausing it", self._failures)
                self._opened_at = self._clock()


class Llm:
    """A chat model that streams the text of one answer, or raises `LlmUnavailable`."""

    def __init__(
        self,
        client: OpenAI,
        *,
        model: str,
        timeout: float,
        retries: int,
        breaker: Breaker | None = None,
        secrets: tuple[str, ...] = (),
    ) -> None:
        self._client = client
        self._model = model
        self._timeout = timeout
        self._retries = retries
        self._breaker = breaker or Breaker()
        # Values that must never appear in an answer: the output check blocks them.
        self.secrets = secrets

    def stream(self, messages: list[ChatCompletionMessageParam]) -> Generator[str, None, None]:
        """The answer's text as it arrives, piece by piece."""
        if not self._breaker.allow():
            raise LlmUnavailable("the LLM failed repeatedly; not asking it for a while")
        deadline = time.monotonic() + self._timeout
        try:
            with self._open(messages, deadline) as chunks:
                # It answers: close the breaker even if the caller stops reading early.
                self._breaker.succeeded()
                for chunk in chunks:
                    if time.monotonic() > deadline:
                        raise LlmUnavailable(f"no complete answer within {self._timeout} s")
                    text = chunk.choices[0].delta.content if chunk.choices else None
                    if text:
                        yield text
        except openai.OpenAIError as error:  # the SDK wraps transport errors, mid-stream too
            self._breaker.failed()
            raise LlmUnavailable(type(error).__name__) from error
        except LlmUnavailable:
            self._breaker.failed()
            raise

    def _open(
        self, messages: list[ChatCompletionMessageParam], deadline: float
    ) -> Stream[ChatCompletionChunk]:
        attempt = 0
        while True:
            # The SDK's own retries would restart the clock for each attempt.
            client = self._client.with_options(
                timeout=max(deadline - time.monotonic(), 0.01), max_retries=0
            )
            try:
                return client.chat.completions.create(
                    model=self._model, messages=messages, stream=True, temperature=0
                )
            except RETRYABLE:
                # Jitter keeps many waiting answers from retrying in step; not a secret.
                pause = FIRST_BACKOFF * 2**attempt * random.uniform(0.5, 1.0)  # noqa: S311
                if attempt >= self._retries or time.monotonic() + pause >= deadline:
                    raise
                time.sleep(pause)
                attempt += 1


def client(settings: Settings) -> OpenAI | None:
    """The SDK client the settings ask for: Azure OpenAI, an OpenAI-compatible url, or none."""
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    if settings.llm_azure_endpoint:
        return AzureOpenAI(
            azure_endpoint=settings.llm_azure_endpoint,
            azure_deployment=settings.llm_azure_deployment,
            api_version=settings.llm_api_version,
            api_key=key,
        )
    if settings.llm_base_url:
        # Local servers (vLLM, Ollama) take no key, but the SDK insists on one.
        return OpenAI(base_url=settings.llm_base_url, api_key=key or "none")
    return None


@functools.cache
def configured(settings: Settings) -> Llm | None:
    """The process's LLM for these settings (one breaker for all its answers), or None."""
    sdk = client(settings)
    if sdk is None:
        return None
    return Llm(
        sdk,
        model=settings.llm_azure_deployment or settings.llm_model,
        timeout=settings.llm_timeout_seconds,
        retries=settings.llm_max_retries,
        secrets=secrets_of(settings),
    )


def secrets_of(settings: Settings) -> tuple[str, ...]:
    """The configured and generated secrets of the product, as they could leak into a text."""
    configured_values = [
        settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
        settings.secret_key,
        settings.embeddings_api_key,
        *(settings.encryption_keys or "").split(","),
        *(settings.archive_encryption_keys or "").split(","),
        *(_password(url) for url in (settings.database_url, settings.archive_database_url)),
    ]
    # Read, never create: generating a secret here would be a side effect of asking.
    folder = settings.data_dir / "secrets"
    generated = [_read(path) for path in sorted(folder.glob("*"))] if folder.is_dir() else []
    values = {part for value in configured_values + generated if value for part in _parts(value)}
    return tuple(sorted(values))


def _parts(value: str) -> list[str]:
    """A secret and, for lists of `id:key` entries, each entry and key; short values are not."""
    entries = [entry for entry in re.split(r"[,\s]+", value) if entry]
    pieces = [value.strip(), *entries, *(entry.rpartition(":")[2] for entry in entries)]
    return [piece for piece in pieces if len(piece) >= MIN_SECRET]


def _password(url: str | None) -> str | None:
    try:
        return make_url(url).password if url else None
    except ArgumentError:
        return None


def _read(path: Path) -> str | None:
    try:
        return path.read_text(errors="replace").strip()
    except OSError:  # a folder, or a file another process just replaced
        return None
