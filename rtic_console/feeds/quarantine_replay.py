"""Replaying a quarantined payload after its sender or parser was fixed: parsed here, where
the formats live, then stored through the ingest path by the audited service."""

from __future__ import annotations

from rtic_console.feeds.read_formats import PayloadError, parse_payload
from rtic_console.services.context import Context
from rtic_console.services.matching import MatchingEngine
from rtic_console.services.quarantine_review import (
    ReplayOutcome,
    payload_for_replay,
    refuse_replay,
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
        return perform(db, ctx, refuse_replay, quarantine_id, exc.reason)
    # Matched and grouped as the ingest service on this machine does, with the hot list
    # loaded in its own read: a big list is not read while the write transaction is open.
    engine = MatchingEngine(group_window=ctx.settings.hit_group_window)
    engine.reload(db)
    return perform(db, ctx, replay_payload, quarantine_id, result.reads, result.heartbeats,
                   engine)
