"""The assistant's fault test runs on the assistant's own stack (assistant on, one article).

The stack and its fake LLM are the room assistant tests' fixtures, reused as they are.
"""

from __future__ import annotations

from tests.assistant_llm_room.conftest import llm_server, stack

__all__ = ["llm_server", "stack"]
