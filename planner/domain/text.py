"""Text a member types: the one cleaning rule every form and service applies."""

from __future__ import annotations

import re
import unicodedata

# Kept in text of several lines: newline and tab. Every other control character (NUL, escape,
# carriage return, the C1 range, …) goes; in one-line text a run of them becomes one space,
# so "Alex\r\nBcc: …" can never start a new header line in an email, and stays readable.
_KEPT_IN_LINES = {"\n", "\t"}
_CONTROL_RUN = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def clean_text(value: object, multiline: bool = False) -> object:
    """The one rule for text a member types: no control characters, no surrounding space.
    Non-text values (None, files) pass through."""
    if not isinstance(value, str):
        return value
    if not multiline:
        return _CONTROL_RUN.sub(" ", value).strip()
    text = value.replace("\r\n", "\n")
    return "".join(
        c for c in text if c in _KEPT_IN_LINES or unicodedata.category(c) != "Cc"
    ).strip()
