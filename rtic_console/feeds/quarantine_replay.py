"""Replaying a quarantined payload after its sender or parser was fixed: parsed here, where
the formats live, then stored through the ingest path by the audited service."""

from __future__ import annotations

from rtic_console.feeds.read_formats import PayloadError, parse_payload
from rtic_console.services.context import Context
from rtic_console.services.quarantine_review import (
    ReplayOutcome,
    payload_for_replay,
    replay_payload,
)
from rtic_console.services.runner import perform, query
from rtic_console.store.database import Database


def replay_quarantined(db: Database, ctx: Context, quarantine_id: int) -> ReplayOutcome:
    """Stored and removed from the quarantine, or refused (audited) with why it still fails."""
    payload = query(db, ctx, payload_for_replay, quarantine_id)
    hint = payload.channel.removeprefix("file:") if payload.channel.startswith("file:") \
        else None
    try:
        result = parse_payload(payload.raw, payload.content_type, "auto", path_hint=hint)
    except PayloadError as exc:
        return perform(db, ctx, replay_payload, quarantine_id, (), (), problem=exc.reason)
    return perform(db, ctx, replay_payload, quarantine_id, result.reads, result.heartbeats)
