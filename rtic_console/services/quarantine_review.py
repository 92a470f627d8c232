"""Reviewing payloads that could not be ingested, and quarantining a file a person loaded."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NoReturn

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from rtic_console.domain.reads import Heartbeat, PlateRead
from rtic_console.domain.roles import Permission
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected, service_action
from rtic_console.services.ingest import IngestOutcome, ingest_reads, quarantine, record_heartbeats
from rtic_console.services.matching import MatchingEngine
from rtic_console.services.staged_files import publish_on_commit, staged_file
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import QuarantinedPayload

PREVIEW_CHARS = 120
DEFAULT_LIMIT = 100
MAX_LIST = 1000


@dataclass(frozen=True)
class QuarantineView:
    """Enough to find the sender and fix it; the raw bytes stay in the database."""

    id: int
    received_at: datetime
    channel: str
    content_type: str | None
    reason: str
    raw_size: int
    sha256: str
    preview: str


def preview(raw: bytes, limit: int = PREVIEW_CHARS) -> str:
    """The start of a payload as printable text: image bytes and control codes become dots."""
    text = raw[: limit * 4].decode("utf-8", errors="replace")[:limit]
    return "".join(c if c.isprintable() and c != "\ufffd" else "." for c in text)


@service_action("quarantine.list")
def list_quarantine(session: Session, ctx: Context,
                    limit: int = DEFAULT_LIMIT) -> list[QuarantineView]:
    """Newest first; capped so a flood of bad payloads cannot swamp a terminal or a table."""
    authorize(session, ctx, Permission.VIEW_QUARANTINE, action="quarantine.list")
    return _views(session, select(QuarantinedPayload).limit(max(1, min(limit, MAX_LIST))))


@service_action("quarantine.list")
def quarantine_by_id(session: Session, ctx: Context,
                     quarantine_ids: Collection[int]) -> list[QuarantineView]:
    """These payloads as the list shows them: what a live list upserts."""
    authorize(session, ctx, Permission.VIEW_QUARANTINE, action="quarantine.list")
    return _views(session, select(QuarantinedPayload)
                  .where(QuarantinedPayload.id.in_(set(quarantine_ids))))


def _views(session: Session, query: Select[tuple[QuarantinedPayload]]) -> list[QuarantineView]:
    rows = session.scalars(query.order_by(QuarantinedPayload.id.desc()))
    return [QuarantineView(r.id, r.received_at, r.channel, r.content_type, r.reason, r.raw_size,
                           r.sha256, preview(r.raw)) for r in rows]


@service_action("ingest.file")
def quarantine_file(session: Session, ctx: Context, filename: str, reason: str,
                    raw: bytes) -> int:
    """A file of reads that would not parse, kept with why, and the attempt audited."""
    authorize(session, ctx, Permission.INGEST_READS, action="ingest.file",
              object_type="file", object_id=filename[:80])
    quarantine_id = quarantine(session, f"file:{filename[:60]}", None, reason, raw)
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="ingest.file.quarantined", object_type="file",
                 object_id=filename[:80], reason=reason[:500],
                 details={"quarantine_id": quarantine_id, "bytes": len(raw)})
    return quarantine_id


@dataclass(frozen=True)
class QuarantinedPayloadBytes:
    """A payload as it was received, for the one that parses it again (a replay)."""

    id: int
    channel: str
    content_type: str | None
    raw: bytes


@dataclass(frozen=True)
class ReplayOutcome:
    quarantine_id: int
    stored: int
    duplicates: int
    hits: int
    heartbeats: int


def _to_replay(session: Session, ctx: Context, quarantine_id: int) -> QuarantinedPayload:
    """Replaying is loading reads: who may load reads may take them."""
    authorize(session, ctx, Permission.INGEST_READS, action="quarantine.replay",
              object_type="quarantine", object_id=quarantine_id)
    return _payload(session, quarantine_id)


def _payload(session: Session, quarantine_id: int) -> QuarantinedPayload:
    if isinstance(quarantine_id, bool) or not isinstance(quarantine_id, int):
        raise InputRejected("quarantine: give the payload's number")
    row = session.get(QuarantinedPayload, quarantine_id)
    if row is None:
        raise InputRejected(f"quarantine: there is no payload #{quarantine_id} (replayed or "
                            "purged already)")
    return row


@service_action("quarantine.replay")
def payload_for_replay(session: Session, ctx: Context,
                       quarantine_id: int) -> QuarantinedPayloadBytes:
    """The raw bytes, to parse again after the sender or the parser was fixed; only those
    who may load reads may take them."""
    row = _to_replay(session, ctx, quarantine_id)
    if row.raw_size > len(row.raw):
        raise InputRejected(f"payload #{row.id}: only its first {len(row.raw):,} of "
                            f"{row.raw_size:,} bytes were kept, so it cannot be replayed; "
                            "have the sender send it again")
    return QuarantinedPayloadBytes(row.id, row.channel, row.content_type, row.raw)


@service_action("quarantine.replay")
def replay_payload(session: Session, ctx: Context, quarantine_id: int,
                   reads: Sequence[PlateRead], heartbeats: Sequence[Heartbeat],
                   engine: MatchingEngine) -> ReplayOutcome:
    """A quarantined payload parsed again goes through the ingest path like any read (hot
    lists matched with `engine`, hits raised) and leaves the quarantine, in one audited
    transaction."""
    row = _to_replay(session, ctx, quarantine_id)
    outcome: IngestOutcome = ingest_reads(session, reads, engine, ctx.now(),
                                          f"replay:{row.channel}"[:80])
    beats = record_heartbeats(session, heartbeats)
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="quarantine.replay", object_type="quarantine", object_id=row.id,
                 reason=f"replayed from {row.channel}",
                 details={"sha256": row.sha256, "bytes": row.raw_size,
                          "stored": outcome.stored, "duplicates": outcome.duplicates,
                          "hits": len(outcome.hit_ids), "heartbeats": beats})
    session.delete(row)
    publish(session, Change.QUARANTINE, (quarantine_id,))
    return ReplayOutcome(quarantine_id, outcome.stored, outcome.duplicates,
                         len(outcome.hit_ids), beats)


@service_action("quarantine.replay")
def refuse_replay(session: Session, ctx: Context, quarantine_id: int,
                  problem: str) -> NoReturn:
    """A payload that still does not parse: nothing changes, and the attempt is audited."""
    row = _to_replay(session, ctx, quarantine_id)
    raise InputRejected(f"payload #{row.id} still does not parse: {problem}; it stays in the "
                        "quarantine")


@service_action("quarantine.save")
def save_payload(session: Session, ctx: Context, quarantine_id: int, path: Path | str) -> Path:
    """The raw bytes to a file, for the sender's vendor or a fix by hand; audited, since a
    payload may hold plates. The file appears when the audit event commits."""
    authorize(session, ctx, Permission.VIEW_QUARANTINE, action="quarantine.save",
              object_type="quarantine", object_id=quarantine_id)
    row = _payload(session, quarantine_id)
    target = Path(path) if isinstance(path, str | Path) and str(path).strip() else None
    if target is None or not target.parent.is_dir() or target.is_dir():
        raise InputRejected(f"file: {path!s} is not a file in an existing folder")
    try:
        staged = staged_file(target, row.raw)
    except OSError as exc:
        raise InputRejected(f"file: cannot write {target}: {exc.strerror}") from None
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="quarantine.save", object_type="quarantine", object_id=row.id,
                 details={"file": target.name, "bytes": len(row.raw), "sha256": row.sha256})
    publish_on_commit(session, staged, target, "payload")
    return target
