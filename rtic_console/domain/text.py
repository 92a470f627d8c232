"""One line of free text as the console stores it: whitespace collapsed, control characters
refused."""

from __future__ import annotations

import re
import unicodedata

# A reason others act on says what was found or decided ("photo shows 7A8C123, not the
# listed plate"), not "ok" or "nah": at least this many different words and letters or digits.
MIN_REASON_WORDS = 3
MIN_REASON_CHARACTERS = 12
_WORD = re.compile(r"\w+")


class TextRuleError(ValueError):
    """Text that cannot be stored; `clause` names the order's rule it breaks, if any."""

    def __init__(self, message: str, clause: str | None = None) -> None:
        super().__init__(message)
        self.clause = clause


def says_something(text: str) -> bool:
    """Whether a reason has the words and letters of one (MIN_REASON_WORDS, _CHARACTERS)."""
    words = {w.lower() for w in _WORD.findall(text)}
    return len(words) >= MIN_REASON_WORDS and \
        sum(c.isalnum() for c in text) >= MIN_REASON_CHARACTERS


def has_control(text: str) -> bool:
    """Control, format, surrogate or private-use characters: never part of a name, a note or
    a version, and a way to forge lines in a report or a terminal."""
    return any(unicodedata.category(c)[0] == "C" for c in text)


def clean_line(raw: str | None, label: str, limit: int, *, required: bool = False) -> str:
    """Line breaks and tabs become spaces; any other control character is refused."""
    raw = raw or ""
    if has_control(raw.replace("\n", " ").replace("\t", " ").replace("\r", " ")):
        raise TextRuleError(f"{label} contains a control character")
    text = " ".join(raw.split())
    if required and not text:
        raise TextRuleError(f"{label} is required")
    if len(text) > limit:
        raise TextRuleError(f"{label} is {len(text)} characters long; at most {limit}")
    return text
