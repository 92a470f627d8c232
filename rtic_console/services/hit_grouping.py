"""One vehicle, one hit: later reads of the same vehicle become sightings of its open hit.

Two reads that match the same hot list entry are OCR variants of each other (the index
files both under the entry's OCR key, domain/plates.py). A new read of the same state (or
of a state not read) within `window` of a read already under an open hit is a sighting of
that hit instead of a new hit in the queue, so a car passing three cameras in two minutes
is worked once, with all three places. A window of zero groups nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from rtic_console.domain.checklist import OPEN_STATUSES
from rtic_console.domain.hotlist_index import Match
from rtic_console.store.audit_log import NewEvent
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import Detection, Hit, HitSighting

GROUP_WINDOW = timedelta(minutes=5)
# PostgreSQL advisory lock class, an entry's id the second key: writers grouping reads of one
# entry take turns (the drain's lanes, a bulk ingest, another service), so two
# transactions cannot each miss the other's new hit and both open one. SQLite has one writer.
GROUPING_LOCK = 525_08_30

HitRow = tuple[int, str, Match]  # (read id, best plate, match), as ingest builds them
Seen = tuple[datetime, str | None]  # a read's time and state


@dataclass
class Anchor:
    """An open hit (or one this batch creates) and the times its vehicle was read."""

    hit_id: int | None  # None: the batch's new hit of `row`
    row: HitRow | None
    state: str | None
    times: list[datetime] = field(default_factory=list)

    def takes(self, seen: Seen, window: timedelta) -> bool:
        at, state = seen
        return (state is None or self.state is None or state == self.state) and any(
            abs(at - t) <= window for t in self.times)


@dataclass(frozen=True)
class Grouping:
    new_hits: list[HitRow]  # rows that become hits of their own
    sightings: list[tuple[HitRow, Anchor]]  # rows that attach to an anchor's hit


def group_rows(session: Session, rows: Sequence[HitRow], seen: Mapping[int, Seen],
               window: timedelta, *, matched_before: bool) -> Grouping:
    """Split a batch's matches into new hits and sightings of open hits, oldest read first.

    With `matched_before` (reads stored earlier, matched again), rows already stored as a
    hit or a sighting are left out, so matching a read twice never doubles it; reads this
    transaction has just stored can have neither, and are not looked up.
    """
    if not rows:
        return Grouping([], [])
    if matched_before:
        known = _stored_pairs(session, {det for det, _, _ in rows})
        rows = [r for r in rows if (r[0], r[2].entry_id) not in known]
    entry_ids = {m.entry_id for _, _, m in rows}
    if window:
        _take_entries(session, entry_ids)
    anchors = _open_anchors(session, entry_ids) if window else {}
    new_hits: list[HitRow] = []
    sightings: list[tuple[HitRow, Anchor]] = []
    for row in sorted(rows, key=lambda r: (seen[r[0]][0], r[0])):
        at, state = seen[row[0]]
        entry_anchors = anchors.setdefault(row[2].entry_id, [])
        anchor = next((a for a in reversed(entry_anchors) if a.takes((at, state), window)),
                      None)
        if anchor is None:
            new_hits.append(row)
            if window:
                entry_anchors.append(Anchor(None, row, state, [at]))
        else:
            anchor.times.append(at)
            sightings.append((row, anchor))
    return Grouping(new_hits, sightings)


def _take_entries(session: Session, entry_ids: set[int]) -> None:
    """Until this transaction ends, no other groups reads of these entries; in id order, so
    two writers never hold one each and wait for the other's."""
    if entry_ids and session.get_bind().dialect.name == "postgresql":
        # A volatile call in the select list is evaluated after the ORDER BY's sort.
        session.execute(text("SELECT pg_advisory_xact_lock(:lock, e) "
                             "FROM unnest(CAST(:ids AS integer[])) AS e ORDER BY e"),
                        {"lock": GROUPING_LOCK, "ids": sorted(entry_ids)})


def _stored_pairs(session: Session, det_ids: set[int]) -> set[tuple[int, int | None]]:
    """(read, entry) of these reads already stored as a hit or a sighting."""
    pairs = session.execute(select(Hit.detection_id, Hit.entry_id)
                            .where(Hit.detection_id.in_(det_ids))).all()
    pairs += session.execute(select(HitSighting.detection_id, HitSighting.entry_id)
                             .where(HitSighting.detection_id.in_(det_ids))).all()
    return {(det_id, entry_id) for det_id, entry_id in pairs}


def _open_anchors(session: Session, entry_ids: set[int]) -> dict[int, list[Anchor]]:
    """Open hits on these entries, each with the times of its read and its sightings."""
    found = session.execute(
        select(Hit.id, Hit.entry_id, Hit.captured_at, Hit.detection_id)
        .where(Hit.entry_id.in_(entry_ids),
               Hit.status.in_([s.value for s in OPEN_STATUSES]))
        .order_by(Hit.created_at, Hit.id)).all()
    if not found:
        return {}
    # The reads' states by id and capture time (a hit keeps its read's), so PostgreSQL reads
    # those weeks' partitions only; joined on the id alone it probed every week per hit.
    states = dict(session.execute(select(Detection.id, Detection.state).where(
        Detection.id.in_({int(r[3]) for r in found}),
        Detection.captured_at.in_({r[2] for r in found}))).all())
    latest = dict(session.execute(
        select(HitSighting.hit_id, func.max(HitSighting.captured_at))
        .where(HitSighting.hit_id.in_([int(r[0]) for r in found]))
        .group_by(HitSighting.hit_id)).all())
    anchors: dict[int, list[Anchor]] = {}
    for hit_id, entry_id, at, det_id in found:
        if det_id not in states:
            continue  # its read is gone (purged): nothing to group with, as with the join
        times = [at] + ([latest[hit_id]] if hit_id in latest else [])
        anchors.setdefault(entry_id, []).append(Anchor(hit_id, None, states[det_id], times))
    return anchors


def write_sightings(session: Session, sightings: list[tuple[HitRow, Anchor]],
                    hit_ids: Mapping[tuple[int, int], int], seen: Mapping[int, Seen],
                    now: datetime, channel: str, audit: list[NewEvent]) -> tuple[int, ...]:
    """Store the sightings under their hits (`hit_ids` names the batch's new hits by read and
    entry), add a `hits.sighting` event for each to `audit` (which the caller appends), and
    announce the hits that gained one. Returns the ids of those hits."""
    values, events = [], []
    for (det_id, _plate, match), anchor in sightings:
        hit_id = anchor.hit_id
        if hit_id is None and anchor.row is not None:
            hit_id = hit_ids.get((anchor.row[0], anchor.row[2].entry_id))
        if hit_id is None:  # its hit was written by another batch meanwhile: none to join
            continue
        values.append({"hit_id": hit_id, "detection_id": det_id, "entry_id": match.entry_id,
                       "read_plate": match.read_plate, "substitutions": match.substitutions,
                       "captured_at": seen[det_id][0], "created_at": now})
        events.append(NewEvent(None, channel, "hits.sighting", "hit", hit_id, details={
            "entry_id": match.entry_id, "detection_id": det_id,
            "substitutions": match.substitutions}, plates={"plate": match.read_plate}))
    if not values:
        return ()
    dialect = session.get_bind().dialect.name
    stmt = postgresql.insert(HitSighting) if dialect == "postgresql" \
        else sqlite.insert(HitSighting)
    session.execute(stmt.on_conflict_do_nothing(
        index_elements=["detection_id", "entry_id"]), values)
    audit.extend(events)
    grown = tuple(sorted({int(v["hit_id"]) for v in values}))  # type: ignore[call-overload]
    publish(session, Change.HIT_CHANGED, grown)
    return grown
