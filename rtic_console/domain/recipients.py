"""Who receives data leaving the console: SPD internal use for a case, or another agency
through a granted sharing request (C.2, C.3). Every export names one."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RecipientKind(StrEnum):
    SPD_CASE = "spd_case"
    SHARING_REQUEST = "sharing_request"


@dataclass(frozen=True)
class ExportRecipient:
    """`case_number` for SPD internal use, `request_id` for a granted sharing request."""

    kind: RecipientKind
    case_number: str | None = None
    request_id: int | None = None

    @classmethod
    def spd(cls, case_number: str) -> ExportRecipient:
        return cls(RecipientKind.SPD_CASE, case_number=case_number)

    @classmethod
    def shared(cls, request_id: int) -> ExportRecipient:
        return cls(RecipientKind.SHARING_REQUEST, request_id=request_id)

    @property
    def label(self) -> str:
        if self.kind is RecipientKind.SPD_CASE:
            return f"SPD internal use, case {self.case_number}"
        return f"sharing request #{self.request_id}"


def parse_recipient(text: str | None, case_number: str | None = None) -> ExportRecipient | None:
    """From a command line: `spd` (SPD internal use for the export's case), `spd:CASE`, or
    `request:ID`; None when not given, so the service refuses it and audits the attempt."""
    raw = (text or "").strip()
    if not raw:
        return None
    kind, _, value = raw.partition(":")
    kind, value = kind.strip().lower(), value.strip()
    if kind == "spd":
        return ExportRecipient.spd(value or case_number or "")
    if kind == "request" and value.isdigit():
        return ExportRecipient.shared(int(value))
    raise ValueError(f"recipient {raw[:40]!r}: 'spd', 'spd:CASE' or 'request:ID'")
