"""Hash chain of audit events: the canonical form of an event and the chain check."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class AuditRecord:
    seq: int
    occurred_at: datetime
    actor_badge: str | None
    workstation: str | None
    action: str
    object_type: str | None
    object_id: str | None
    reason: str | None
    details: dict[str, Any]
    prev_hash: str
    hash: str
    # Plain plates behind the details' `<name>_hmac` digests, while retention keeps them
    # (outside the chain: the purge removes them without touching a hash).
    plates: dict[str, str] = field(default_factory=dict)

    def shown_details(self) -> dict[str, Any]:
        """The details as a person reads them: each plate still kept in place of its
        digest; a purged one stays a digest."""
        shown = dict(self.details)
        for name, plate in self.plates.items():
            shown.pop(f"{name}_hmac", None)
            shown[name] = plate
        return shown


def canonical_time(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_details(details: dict[str, Any]) -> str:
    """One spelling per value, so the same event always hashes the same."""
    return json.dumps(details, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


def event_hash(
    *,
    seq: int,
    occurred_at: datetime,
    actor_badge: str | None,
    workstation: str | None,
    action: str,
    object_type: str | None,
    object_id: str | None,
    reason: str | None,
    details_json: str,
    prev_hash: str,
) -> str:
    body = json.dumps(
        [seq, canonical_time(occurred_at), actor_badge, workstation, action, object_type,
         object_id, reason, details_json, prev_hash],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events_checked: int
    first_bad_seq: int | None
    problem: str | None
    head_seq: int | None
    head_hash: str | None


def verify_chain(records: Iterable[tuple[AuditRecord, str]]) -> ChainReport:
    """Check sequence continuity, links and hashes.

    Takes (record, stored details JSON) in stored sequence order. Detects an
    altered event (hash), a removed one (gap or broken link), an inserted one
    (gap, duplicate or broken link) and reordering (broken link).
    """
    expected_seq = 1
    prev = GENESIS_HASH
    checked = 0
    head: AuditRecord | None = None
    for record, details_json in records:
        if record.seq != expected_seq:
            what = "missing" if record.seq > expected_seq else "out of order or duplicated"
            return ChainReport(False, checked, expected_seq,
                               f"sequence {expected_seq} is {what} (found {record.seq})",
                               head.seq if head else None, head.hash if head else None)
        if record.prev_hash != prev:
            return ChainReport(False, checked, record.seq,
                               f"event {record.seq} does not link to the event before it",
                               head.seq if head else None, head.hash if head else None)
        recomputed = event_hash(
            seq=record.seq, occurred_at=record.occurred_at, actor_badge=record.actor_badge,
            workstation=record.workstation, action=record.action,
            object_type=record.object_type, object_id=record.object_id, reason=record.reason,
            details_json=details_json, prev_hash=record.prev_hash,
        )
        if recomputed != record.hash:
            return ChainReport(False, checked, record.seq,
                               f"event {record.seq} was altered (its hash does not match)",
                               head.seq if head else None, head.hash if head else None)
        prev = record.hash
        head = record
        checked += 1
        expected_seq += 1
    return ChainReport(True, checked, None, None,
                       head.seq if head else None, head.hash if head else None)
