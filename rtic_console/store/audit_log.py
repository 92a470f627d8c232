"""Appending to and reading the hash-chained audit trail."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, insert, or_, select, text
from sqlalchemy.orm import Session

from rtic_console.domain.audit_anchor import Checkpoint
from rtic_console.domain.audit_chain import (
    GENESIS_HASH,
    AuditRecord,
    ChainReport,
    canonical_details,
    event_hash,
    verify_chain,
)
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import AuditCheckpoint, AuditEvent, AuditPlate, Inspection
from rtic_console.store.plate_key import (
    PlateKey,
    PlateKeyError,
    current_plate_key,
    load_plate_key,
)

logger = logging.getLogger(__name__)

# One advisory lock key for the chain: concurrent PostgreSQL writers take turns
# at the head, so the chain never forks. Held until the transaction ends.
AUDIT_CHAIN_LOCK = 525_08


@dataclass(frozen=True)
class AuditFilter:
    since: datetime | None = None
    until: datetime | None = None
    actor_badge: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    plate: str | None = None  # events naming this plate, by digest or by the kept plate
    limit: int | None = 5000
    # Actions starting with any of these (a subject's whole log, such as "sharing.").
    action_prefixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class NewEvent:
    """One event to append; the chain fields are filled in at append time."""

    actor_badge: str | None
    workstation: str | None
    action: str
    object_type: str | None = None
    object_id: str | int | None = None
    reason: str | None = None
    details: dict[str, Any] | None = None
    # Plates the event names, by detail name: the trail keeps `<name>_hmac` (a keyed
    # digest) and `audit_plates` the plain plate until the retention of `plate_kind`.
    plates: Mapping[str, str] | None = None
    plate_kind: str = "detections"


_WARNED: set[str] = set()


def _plate_key() -> PlateKey | None:
    """The plate key, or None when this machine has none and can keep none: the plain plate
    still goes only to the purgeable table, the trail gets no digest (the log says so once)."""
    try:
        return current_plate_key()
    except PlateKeyError as exc:
        if str(exc) not in _WARNED:
            _WARNED.add(str(exc))
            logger.warning("plates audited without their digest: %s", exc)
        return None


def _with_digests(details: dict[str, Any], plates: Mapping[str, str],
                  key: PlateKey | None) -> dict[str, Any]:
    return {**details, **{f"{name}_hmac": key.digest(plate) if key else None
                          for name, plate in plates.items()}}


def locked_head(session: Session) -> tuple[int, str] | None:
    """The chain's head (sequence number, hash), held until this transaction ends so no
    other writer appends meanwhile; None for an empty trail."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_CHAIN_LOCK})
    head = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return (head[0], head[1]) if head else None


def append_events(session: Session, events: list[NewEvent]) -> list[AuditRecord]:
    """Add events in the caller's transaction, linked in order to the head of the chain.

    The head is read once under the chain lock, so a batch (the hits of one ingest
    transaction) costs one round trip for the head and one insert.
    """
    if not events:
        return []
    seq, prev_hash = locked_head(session) or (0, GENESIS_HASH)
    occurred_at = datetime.now(UTC)
    key = _plate_key() if any(e.plates for e in events) else None
    rows: list[dict[str, Any]] = []
    plate_rows: list[dict[str, Any]] = []
    records: list[AuditRecord] = []
    for event in events:
        seq += 1
        plates = dict(event.plates or {})
        details_json = canonical_details(_with_digests(event.details or {}, plates, key))
        plate_rows.extend({"seq": seq, "field": name, "plate": plate, "kind": event.plate_kind,
                           "occurred_at": occurred_at} for name, plate in plates.items())
        oid = None if event.object_id is None else str(event.object_id)
        digest = event_hash(
            seq=seq, occurred_at=occurred_at, actor_badge=event.actor_badge,
            workstation=event.workstation, action=event.action,
            object_type=event.object_type, object_id=oid, reason=event.reason,
            details_json=details_json, prev_hash=prev_hash)
        rows.append({"seq": seq, "occurred_at": occurred_at, "actor_badge": event.actor_badge,
                     "workstation": event.workstation, "action": event.action,
                     "object_type": event.object_type, "object_id": oid,
                     "reason": event.reason, "details": details_json,
                     "prev_hash": prev_hash, "hash": digest})
        records.append(AuditRecord(seq, occurred_at, event.actor_badge, event.workstation,
                                   event.action, event.object_type, oid, event.reason,
                                   json.loads(details_json), prev_hash, digest, plates))
        prev_hash = digest
    session.execute(insert(AuditEvent), rows)
    if plate_rows:
        session.execute(insert(AuditPlate), plate_rows)
    publish(session, Change.AUDIT)
    return records


def append_event(
    session: Session,
    *,
    actor_badge: str | None,
    workstation: str | None,
    action: str,
    object_type: str | None = None,
    object_id: str | int | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
    plates: Mapping[str, str] | None = None,
    plate_kind: str = "detections",
) -> AuditRecord:
    """Add one event in the caller's transaction, linked to the head of the chain. A plate
    goes in `plates`, never in `details` (C.1)."""
    return append_events(session, [NewEvent(actor_badge, workstation, action, object_type,
                                            object_id, reason, details, plates,
                                            plate_kind)])[0]


def _record(row: AuditEvent, plates: dict[str, str] | None = None) -> AuditRecord:
    try:
        details = json.loads(row.details)
    except ValueError:
        details = {"unreadable": row.details}
    return AuditRecord(row.seq, row.occurred_at, row.actor_badge, row.workstation, row.action,
                       row.object_type, row.object_id, row.reason, details, row.prev_hash,
                       row.hash, plates or {})


def kept_plates(session: Session, seqs: Iterable[int]) -> dict[int, dict[str, str]]:
    """The plain plates still kept for these events, by sequence number and detail name."""
    found: dict[int, dict[str, str]] = {}
    ordered = sorted(set(seqs))
    for start in range(0, len(ordered), 1000):
        for seq, name, plate in session.execute(
                select(AuditPlate.seq, AuditPlate.field, AuditPlate.plate)
                .where(AuditPlate.seq.in_(ordered[start:start + 1000]))):
            found.setdefault(seq, {})[name] = plate
    return found


def _filtered(flt: AuditFilter) -> Select[tuple[AuditEvent]]:
    query = select(AuditEvent)
    if flt.since:
        query = query.where(AuditEvent.occurred_at >= flt.since)
    if flt.until:
        query = query.where(AuditEvent.occurred_at < flt.until)
    if flt.actor_badge:
        query = query.where(AuditEvent.actor_badge == flt.actor_badge)
    if flt.action:
        query = query.where(AuditEvent.action == flt.action)
    if flt.object_type:
        query = query.where(AuditEvent.object_type == flt.object_type)
    if flt.object_id:
        query = query.where(AuditEvent.object_id == flt.object_id)
    if flt.action_prefixes:
        query = query.where(or_(*(AuditEvent.action.startswith(p, autoescape=True)
                                  for p in flt.action_prefixes)))
    if flt.plate:
        query = query.where(_naming_plate(flt.plate))
    return query


def _naming_plate(plate: str) -> ColumnElement[bool]:
    """Events naming this plate: by its digest under this machine's plate key (which
    outlives retention: "who searched plate X" is still answered after a purge), or by the
    plain plate while it is kept."""
    kept = AuditEvent.seq.in_(select(AuditPlate.seq).where(AuditPlate.plate == plate))
    try:
        key = load_plate_key(create=False)
    except PlateKeyError:
        return kept
    return or_(kept, AuditEvent.details.contains(f'"{key.digest(plate)}"', autoescape=True))


def list_events(session: Session, flt: AuditFilter) -> list[AuditRecord]:
    """Newest first, at most flt.limit."""
    query = _filtered(flt).order_by(AuditEvent.seq.desc())
    if flt.limit:
        query = query.limit(flt.limit)
    rows = list(session.scalars(query))
    plates = kept_plates(session, (row.seq for row in rows))
    return [_record(row, plates.get(row.seq)) for row in rows]


def distinct_actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def verify(session: Session) -> ChainReport:
    """Walk the whole chain in stored order without loading it all at once."""

    def rows() -> Iterator[tuple[AuditRecord, str]]:
        result = session.execute(
            select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=2000))
        for row in result.scalars():
            yield _record(row), row.details

    return verify_chain(rows())


def add_checkpoint(session: Session, checkpoint: Checkpoint) -> Checkpoint:
    """Store a signed checkpoint (its id is assigned here) in the caller's transaction."""
    row = AuditCheckpoint(head_seq=checkpoint.head_seq, head_hash=checkpoint.head_hash,
                          signed_at=checkpoint.signed_at, key_id=checkpoint.key_id,
                          signature=checkpoint.signature, signed_by=checkpoint.signed_by,
                          workstation=checkpoint.workstation)
    session.add(row)
    session.flush()
    return replace(checkpoint, id=row.id)


def checkpoints(session: Session) -> list[Checkpoint]:
    return [Checkpoint(r.id, r.head_seq, r.head_hash, r.signed_at, r.key_id, r.signature,
                       r.signed_by, r.workstation)
            for r in session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id))]


def hashes_at(session: Session, seqs: set[int]) -> dict[int, str]:
    """The stored hash of each of these events that still exists."""
    found: dict[int, str] = {}
    ordered = sorted(seqs)
    for start in range(0, len(ordered), 1000):
        chunk = ordered[start:start + 1000]
        found.update({seq: digest for seq, digest in session.execute(
            select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.seq.in_(chunk)))})
    return found


def inspection_heads(session: Session) -> list[tuple[str, int, str]]:
    """(quarter, head sequence, head hash) each closed inspection recorded (D.2.b)."""
    return [(q, seq, digest) for q, seq, digest in session.execute(
        select(Inspection.quarter, Inspection.audit_head_seq, Inspection.audit_head_hash)
        .where(Inspection.audit_head_seq.is_not(None)).order_by(Inspection.quarter))
        if digest is not None]
