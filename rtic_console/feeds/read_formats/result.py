"""What parsing one payload yields, and the per-read gate every vendor parser goes through."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rtic_console.domain.reads import (
    Heartbeat,
    PlateRead,
    ReadLimits,
    ReadRejected,
    validate_read,
)

logger = logging.getLogger(__name__)


class PayloadError(ValueError):
    """A payload that cannot be parsed at all; the sender should get a 4xx, not a retry loop."""

    def __init__(self, reason: str) -> None:
        self.reason = reason or "payload could not be parsed"
        super().__init__(self.reason)


@dataclass
class ParseResult:
    """Everything one payload yielded.

    `rejected` holds (index, reason) for reads that were present but unfit: the index is
    the position in the payload (result or message index; the line number for CSV), so
    an administrator can find the bad record. `ignored` explains what was deliberately
    not ingested, so a payload with zero reads is never a silent mystery.
    """

    fmt: str = ""
    reads: list[PlateRead] = field(default_factory=list)
    heartbeats: list[Heartbeat] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ParseContext:
    """The clock and limits a parse runs under, fixed once so every read is judged alike."""

    now: datetime
    limits: ReadLimits

    def admit(
        self,
        result: ParseResult,
        index: int,
        build: Callable[..., PlateRead],
        *args: Any,
    ) -> None:
        """Build and validate one read; a failure costs that read only, never the payload."""
        try:
            read = build(*args)
            validate_read(read, self.now, self.limits)
        except ReadRejected as exc:
            logger.debug("%s read %s rejected: %s", result.fmt, index, exc.reason)
            result.rejected.append((index, exc.reason))
            return
        result.reads.append(read)
