"""The base of every request body: text that PostgreSQL and XML can both carry."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, model_validator

# NUL (PostgreSQL refuses it) and every other character XML 1.0 cannot carry: names
# and subjects end up in XMPP stanzas, where one such character closes the stream.
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class Input(BaseModel):
    """A request body; control characters in any text field are a 422."""

    @model_validator(mode="before")
    @classmethod
    def _only_text(cls, data: Any) -> Any:
        if isinstance(data, dict) and any(
            isinstance(text, str) and NOT_TEXT.search(text)
            for value in data.values()
            for text in (value if isinstance(value, list) else [value])
        ):
            raise ValueError("text must not contain control characters")
        return data
