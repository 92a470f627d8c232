"""Reviewing payloads that could not be ingested, and quarantining a file a person loaded."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from rtic_console.domain.roles import Permission
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, service_action
from rtic_console.services.ingest import quarantine
from rtic_console.store.audit_log import append_event
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
