"""The base of every request body: text without NUL characters (PostgreSQL refuses them)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, model_validator


class Input(BaseModel):
    """A request body; a NUL character in any text field is a 422, not a database error."""

    @model_validator(mode="before")
    @classmethod
    def _no_nul_characters(cls, data: Any) -> Any:
        if isinstance(data, dict) and any(
            isinstance(value, str) and "\x00" in value for value in data.values()
        ):
            raise ValueError("text must not contain NUL characters")
        return data
