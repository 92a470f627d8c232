"""Storing plate reads, matching them and writing hits in the same transaction."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import itertools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg2.errors
from sqlalchemy import ARRAY, String, any_, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from rtic_console.domain.devices import ServiceState
from rtic_console.domain.hotlist_index import Match
from rtic_console.domain.hotlists import ListKind
from rtic_console.domain.reads import TIME_KEYED_SOURCES, Heartbeat, PlateRead, VehicleInfo
from rtic_console.domain.retention import MIN_DAYS
from rtic_console.domain.roles import Permission
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, service_action
from rtic_console.services.device_health import note_reads_seen, record_activity
from rtic_console.services.hit_grouping import group_rows, write_sightings
from rtic_console.services.matching import MatchingEngine
from rtic_console.services.read_hours import add_reads
from rtic_console.store.audit_log import NewEvent, append_event, append_events
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import (
    Detection,
    DetectionImage,
    Device,
    Hit,
    HotListEntry,
    QuarantinedPayload,
)

QUARANTINE_KEEP_BYTES = 256 * 1024
NO_VEHICLE = VehicleInfo()
_VEHICLE_FIELDS = tuple(f.name for f in dataclasses.fields(VehicleInfo))


@dataclass(frozen=True)
class IngestOutcome:
    stored: int
    duplicates: int
    hit_ids: tuple[int, ...]
    detection_ids: tuple[int, ...]


# Each read's own values (`_detection_row`); the batch adds when it was received.
READ_COLUMNS = ("source_format", "source_id", "plate", "plate_raw", "state", "confidence",
                "captured_at", "device_id", "device_ref", "latitude", "longitude",
                "direction_deg", "candidates", "vehicle", "vehicle_color", "vehicle_make",
                "vehicle_body")
DETECTION_COLUMNS = ("received_at", *READ_COLUMNS)
# No read newer than the shortest retention, less a day for the clocks, has a held copy.
NEVER_HELD = timedelta(days=MIN_DAYS - 1)
# A batch this big is a file's chunk, not the webhook's few hundred reads (`_stored_already`).
BULK_READS = 1000
COPY_THRESHOLD = 20  # from here COPY beat the multi-row INSERT (2-core machine, 2026-12-06)
# Rows written per piece the COPY sends (about 600 KB). After each piece the writer waits
# for the GIL again, while the parse of the next chunk holds it: 500-row pieces made the
# COPY half as slow again as a raw one (2-core machine, 2026-12-07).
COPY_PIECE_ROWS = 5000
_COLS = ", ".join(DETECTION_COLUMNS)
# Built once from the constant column list above; nothing from a payload reaches these.
_STAGE_SQL = (
    f"CREATE TEMP TABLE IF NOT EXISTS detections_stage AS SELECT {_COLS} FROM detections "  # noqa: S608
    "WITH NO DATA")
_STAGE_COPY_SQL = f"COPY detections_stage ({_COLS}) FROM STDIN WITH (FORMAT csv)"
_COPY_SQL = f"COPY detections (id, {_COLS}) FROM STDIN WITH (FORMAT csv)"
_IDS_SQL = "SELECT nextval('detections_id_seq') FROM generate_series(1, %s)"
_MOVE_SQL = (
    f"INSERT INTO detections ({_COLS}) SELECT {_COLS} FROM detections_stage "  # noqa: S608
    "ON CONFLICT DO NOTHING "
    "RETURNING id, source_format, source_id")


def _insert_ignoring_duplicates(session: Session, rows: list[tuple[object, ...]],
                                now: datetime) -> list[tuple[int, str, str]]:
    """(id, format, vendor id) of the rows that were new, received now; re-sent reads are
    skipped."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql" and len(rows) >= COPY_THRESHOLD:
        # The time as the CSV writer would write it, written out once for the whole batch.
        return _copy_new_rows(session, rows, str(now))
    stmt = (postgresql.insert(Detection) if dialect == "postgresql"
            else sqlite.insert(Detection))
    # No conflict target: the unique key is (format, vendor id) on SQLite and also holds the
    # partition columns on PostgreSQL (0011); either way a re-sent read is skipped.
    stmt = stmt.on_conflict_do_nothing()
    result = session.execute(
        stmt.returning(Detection.id, Detection.source_format, Detection.source_id),
        [dict(zip(DETECTION_COLUMNS, (now, *row), strict=True)) for row in rows])
    return [tuple(r) for r in result]  # type: ignore[misc]


def _copy_new_rows(session: Session, rows: list[tuple[object, ...]],
                   received: str) -> list[tuple[int, str, str]]:
    """Bulk path on PostgreSQL: ids drawn from the sequence, then one COPY into detections.

    The caller has dropped the reads it looked up as stored before (`_stored_already`), so
    a row conflicts here only if it was re-sent unlooked-up (a time-keyed read) or another
    writer stored it since; then the COPY is undone to a savepoint and the rows go through
    `_copy_ignoring_duplicates`, which skips it. The rows
    go as CSV from the csv module's C writer, written while the COPY sends them
    (`_CsvStream`): a NULL is an unquoted empty field, and no stored text is empty
    (validation refuses empty identifiers; labels and JSON are never empty strings).
    """
    cursor = session.connection().connection.cursor()
    cursor.execute(_IDS_SQL, (len(rows),))
    ids = [row[0] for row in cursor.fetchall()]
    numbered = ((row_id, received, *row) for row_id, row in zip(ids, rows, strict=True))
    cursor.execute("SAVEPOINT bulk_copy")
    try:
        cursor.copy_expert(_COPY_SQL, _CsvStream(numbered))
    except psycopg2.errors.UniqueViolation:
        cursor.execute("ROLLBACK TO SAVEPOINT bulk_copy")
        return _copy_ignoring_duplicates(session, rows, received)
    cursor.execute("RELEASE SAVEPOINT bulk_copy")
    return [(row_id, row[0], row[1]) for row_id, row in zip(ids, rows, strict=True)]  # type: ignore[misc]


def _copy_ignoring_duplicates(session: Session, rows: list[tuple[object, ...]],
                              received: str) -> list[tuple[int, str, str]]:
    """COPY into a per-connection staging table, then one INSERT … SELECT that skips the
    rows another writer stored meanwhile, with the small path's conflict rule."""
    cursor = session.connection().connection.cursor()
    cursor.execute(_STAGE_SQL)
    cursor.execute("TRUNCATE detections_stage")
    cursor.copy_expert(_STAGE_COPY_SQL, _CsvStream((received, *row) for row in rows))
    cursor.execute(_MOVE_SQL)
    return [tuple(r) for r in cursor.fetchall()]


class _CsvStream:
    """Rows written as CSV while COPY reads them: PostgreSQL parses and stores one piece
    while the next is written here (the send releases the GIL), instead of waiting for all
    of them to be written first."""

    def __init__(self, rows: Iterable[Sequence[object]]) -> None:
        self._rows = iter(rows)
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\n")

    def read(self, size: int = -1) -> str:
        """The next COPY_PIECE_ROWS rows (the size asked for is a hint COPY does not need)."""
        self._writer.writerows(itertools.islice(self._rows, COPY_PIECE_ROWS))
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text


def _device_ids(session: Session, refs: set[str]) -> dict[str, int]:
    if not refs:
        return {}
    found = session.execute(select(Device.vendor_ref, Device.id, Device.code)
                            .where((Device.vendor_ref.in_(refs)) | (Device.code.in_(refs))))
    out: dict[str, int] = {}
    for vendor_ref, device_id, code in found:
        out[vendor_ref or code] = device_id
        out[code] = device_id
    return out


def _detection_row(read: PlateRead, device_id: int | None) -> tuple[object, ...]:
    """The read's values in READ_COLUMNS' order."""
    vehicle = read.vehicle
    labels = {} if vehicle == NO_VEHICLE else {
        name: value for name in _VEHICLE_FIELDS if (value := getattr(vehicle, name))}
    return (read.source, read.source_id, read.plate, read.plate_raw, read.state,
            read.confidence, read.captured_at, device_id, read.device_ref, read.latitude,
            read.longitude, read.direction_deg,
            json.dumps(read.candidates) if read.candidates else "[]",
            json.dumps(labels) if labels else "{}",
            _label(vehicle.color), _label(vehicle.make), _label(vehicle.body_type))


def _label(value: str | None) -> str | None:
    """Lower case and cut to the column, so a shape search compares like with like."""
    return value.strip().lower()[:40] or None if value else None


def _stored_already(session: Session, reads: dict[tuple[str, str], PlateRead],
                    now: datetime) -> set[tuple[str, str]]:
    """The vendor ids of these reads stored before, on PostgreSQL.

    There the unique key also holds the partition columns (0011), so a read re-sent with
    another time (a vendor's updated group) would not conflict; a vendor id names one read
    within a day of its time, which also keeps the look-up to one or two weekly partitions.
    In a bulk batch (a file's chunk), reads whose id holds their time (TIME_KEYED_SOURCES)
    and that are too recent to have a held copy (the purge marks held reads only past
    retention) are not looked up: the unique key (format, id, held, time) finds them, and
    the look-up was a sixth of a bulk ingest. A webhook batch is looked up whole: a vendor's
    retry is common there, and one re-sent read would send its whole COPY the staging way.
    """
    held_before = now - NEVER_HELD if len(reads) >= BULK_READS else None
    by_format: dict[str, list[str]] = {}
    times: list[datetime] = []
    for (fmt, sid), read in reads.items():
        if held_before is None or fmt not in TIME_KEYED_SOURCES \
                or read.captured_at <= held_before:
            by_format.setdefault(fmt, []).append(sid)
            times.append(read.captured_at)
    if not times:
        return set()
    window = Detection.captured_at.between(min(times) - timedelta(days=1),
                                           max(times) + timedelta(days=1))
    # One array of vendor ids per format (mostly one), bound as a single parameter: a list
    # of (format, id) pairs as long as a file chunk (20,000) overflows PostgreSQL's stack
    # when planned, and 20,000 separate parameters cost more to compile than to look up.
    return {(fmt, sid) for fmt, sids in by_format.items() for sid in session.scalars(
        select(Detection.source_id).where(
            window, Detection.source_format == fmt,
            Detection.source_id == any_(bindparam("sids", sids, type_=ARRAY(String)))))}


def ingest_reads(session: Session, reads: Sequence[PlateRead], engine: MatchingEngine,
                 now: datetime, channel: str) -> IngestOutcome:
    """Store reads once each (by vendor id), their images, and any hits, atomically.

    Reads are matched against the list in effect now (E.2): a read replayed after an
    outage produces no hit from an entry that has expired since.
    """
    if not reads:
        return IngestOutcome(0, 0, (), ())
    devices = _device_ids(session, {r.device_ref for r in reads})
    unique: dict[tuple[str, str], PlateRead] = {}
    for read in reads:
        unique.setdefault((read.source, read.source_id), read)
    if session.get_bind().dialect.name == "postgresql":
        for key in _stored_already(session, unique, now):
            del unique[key]
    rows = [_detection_row(r, devices.get(r.device_ref)) for r in unique.values()]
    inserted = ({(fmt, sid): det_id
                 for det_id, fmt, sid in _insert_ignoring_duplicates(session, rows, now)}
                if rows else {})
    # One pass over the stored reads gathers what the statements below need of each.
    images: list[dict[str, object]] = []
    hit_rows: list[tuple[int, str, Match]] = []
    device_of: dict[int, int | None] = {}
    seen: dict[int, tuple[datetime, str | None]] = {}
    activity: list[tuple[int, datetime]] = []
    counted: list[tuple[datetime, int | None]] = []  # for the hourly counts (read_hours)
    for key, det_id in inserted.items():
        read = unique[key]
        if read.images:
            images += [{"detection_id": det_id, "kind": kind, "jpeg": data,
                        "captured_at": read.captured_at} for kind, data in read.images.items()]
        for match in engine.match(read, now):
            hit_rows.append((det_id, read.plate, match))
        device_id = devices.get(read.device_ref)
        counted.append((read.captured_at, device_id))
        if device_id is not None:
            device_of[det_id] = device_id
            activity.append((device_id, min(read.captured_at, now)))
        seen[det_id] = (read.captured_at, read.state)
    if images:
        session.execute(insert(DetectionImage), images)
    audit: list[NewEvent] = []
    hit_ids = _write_hits(session, hit_rows, engine, now, channel,
                          _from_stopped_readers(session, device_of, hit_rows), seen, audit,
                          matched_before=False)
    if inserted:
        publish(session, Change.READS_ADDED, sorted(inserted.values()))
        # Last: rows every writer of reads shares, then the audit trail's chain, all locked
        # until this transaction commits: another writer waits on them the least.
        add_reads(session, counted)
        _record_read_activity(session, activity)
    append_events(session, audit)
    return IngestOutcome(len(inserted), len(reads) - len(inserted), hit_ids,
                         tuple(inserted.values()))


def _record_read_activity(session: Session, reads: list[tuple[int, datetime]]) -> None:
    """Device rows first, then their hours, as `record_heartbeats` does: writers that hold
    both always take them in the same order."""
    latest: dict[int, datetime] = {}
    for device_id, at in reads:
        latest[device_id] = max(at, latest.get(device_id, at))
    note_reads_seen(session, latest)
    record_activity(session, reads=reads)


def _from_stopped_readers(session: Session, device_of: dict[int, int | None],
                          hit_rows: list[tuple[int, str, Match]]) -> set[int]:
    """The reads of these hits that came from a device out of service or reported damaged
    (B.2): their hits are flagged, so the dispatcher weighs the read accordingly."""
    wanted = {device_of.get(det_id) for det_id, _, _ in hit_rows} - {None}
    if not wanted:
        return set()
    stopped = set(session.scalars(select(Device.id).where(
        Device.id.in_(wanted), Device.service_state != ServiceState.IN_SERVICE.value)))
    return {det_id for det_id, _, _ in hit_rows if device_of.get(det_id) in stopped}


def rematch_reads(session: Session, engine: MatchingEngine, since: datetime,
                  channel: str, batch: int = 5000) -> tuple[int, ...]:
    """Match reads stored since `since` again, each against the list in effect when it was
    stored (E.2); only hits that do not exist yet are written, so nothing doubles.

    For reads stored while the index may have missed hot list changes (its listener was
    away): a plate entered meanwhile still produces its hits.
    """
    found: list[int] = []
    after = 0
    while True:
        rows = session.execute(
            select(Detection.id, Detection.plate, Detection.state, Detection.candidates,
                   Detection.received_at, Detection.device_id, Detection.captured_at)
            .where(Detection.received_at >= since, Detection.id > after)
            .order_by(Detection.id).limit(batch)).all()
        if not rows:
            return tuple(found)
        after = rows[-1].id
        hit_rows = [(row.id, row.plate, match) for row in rows
                    for match in engine.index.match(
                        row.plate, row.state, [c for c, _ in json.loads(row.candidates or "[]")],
                        row.received_at)]
        device_of = {row.id: row.device_id for row in rows}
        audit: list[NewEvent] = []
        found += _write_hits(session, hit_rows, engine, datetime.now(UTC), channel,
                             _from_stopped_readers(session, device_of, hit_rows),
                             {row.id: (row.captured_at, row.state) for row in rows}, audit,
                             matched_before=True)
        append_events(session, audit)


def _write_hits(session: Session, matched: list[tuple[int, str, Match]], engine: MatchingEngine,
                now: datetime, channel: str, stopped_reads: set[int],
                seen: dict[int, tuple[datetime, str | None]], audit: list[NewEvent], *,
                matched_before: bool) -> tuple[int, ...]:
    """All hits of the batch in one INSERT; their audit events go to `audit`, which the
    caller appends in one go, last, so the trail's chain lock is held the least.

    A hit that already exists for the same read and entry is skipped, not doubled. A read of
    a vehicle whose hit is open (same entry, within the engine's grouping window) is a
    sighting of that hit, not a new one (services/hit_grouping.py). A hit whose read is in
    `stopped_reads` is flagged as from an out-of-service reader.
    """
    grouping = group_rows(session, matched, seen, engine.group_window,
                          matched_before=matched_before)
    hit_rows = grouping.new_hits
    if not hit_rows:
        write_sightings(session, grouping.sightings, {}, seen, now, channel, audit)
        return ()
    reasons = dict(session.execute(
        select(HotListEntry.id, HotListEntry.reason)
        .where(HotListEntry.id.in_({m.entry_id for _, _, m in hit_rows}))).all())
    values = [{
        "detection_id": det_id, "captured_at": seen[det_id][0], "entry_id": match.entry_id,
        "list_id": match.list_id, "read_plate": match.read_plate,
        "listed_plate": match.listed_plate,
        "listed_state": match.listed_state, "candidate_index": match.candidate_index,
        "substitutions": match.substitutions, "state_mismatch": match.state_mismatch,
        "priority": match.priority, "reason": reasons.get(match.entry_id, "other"),
        "informational": engine.list_kinds.get(match.list_id) is ListKind.SPECIAL,
        "status": "new", "created_at": now, "device_out_of_service": det_id in stopped_reads}
        for det_id, _plate, match in hit_rows]
    dialect = session.get_bind().dialect.name
    stmt = (postgresql.insert(Hit) if dialect == "postgresql" else sqlite.insert(Hit))
    written = session.execute(
        stmt.on_conflict_do_nothing(index_elements=["detection_id", "entry_id"])
        .returning(Hit.id, Hit.detection_id, Hit.entry_id), values).all()
    ids_of = {(det_id, entry_id): hit_id for hit_id, det_id, entry_id in written}
    events, ids = [], []
    for (det_id, plate, match), row in zip(hit_rows, values, strict=True):
        hit_id = ids_of.get((det_id, match.entry_id))
        if hit_id is None:
            continue
        ids.append(hit_id)
        events.append(NewEvent(None, channel, "hits.created", "hit", hit_id, details={
            "entry_id": match.entry_id, "substitutions": match.substitutions,
            "state_mismatch": match.state_mismatch, "informational": row["informational"]}
            | ({"device_out_of_service": True} if row["device_out_of_service"] else {}),
            plates={"plate": plate, "listed_plate": match.listed_plate}))
    audit.extend(events)
    if ids:
        publish(session, Change.HIT_CREATED, ids)
    write_sightings(session, grouping.sightings, ids_of, seen, now, channel, audit)
    return tuple(ids)


def record_heartbeats(session: Session, heartbeats: Sequence[Heartbeat]) -> int:
    """Device health from vendor heartbeats: last seen, frame rate, streaming or not; a
    heartbeat of a streaming device counts in its hour's health.

    Device rows are updated in id order, as `ingest_reads` locks them: a heartbeat batch
    and a read batch in other transactions never wait for each other in a cycle. A device
    named by several streams takes the last one's state, as the payload says it last.
    """
    streams = [(stream, stream.last_update or beat.at)
               for beat in heartbeats for stream in beat.streams]
    if not streams:
        return 0
    names = {stream.camera_id for stream, _ in streams}
    named: dict[str, list[int]] = {}
    for device_id, vendor_ref, code in session.execute(
            select(Device.id, Device.vendor_ref, Device.code)
            .where(Device.vendor_ref.in_(names) | Device.code.in_(names))):
        for name in {vendor_ref, code} & names:
            named.setdefault(name, []).append(device_id)
    latest: dict[int, tuple[datetime, float | None, bool]] = {}
    beats: list[tuple[int, datetime]] = []
    for stream, at in streams:
        for device_id in named.get(stream.camera_id, ()):
            latest[device_id] = (at, stream.fps, stream.is_streaming)
            if stream.is_streaming:
                beats.append((device_id, at))
    for device_id in sorted(latest):
        at, fps, streaming = latest[device_id]
        session.execute(update(Device).where(Device.id == device_id)
                        .values(last_seen_at=at, fps=fps, is_streaming=streaming)
                        .execution_options(synchronize_session=False))
    record_activity(session, heartbeats=beats)
    if latest:
        publish(session, Change.DEVICE_HEALTH, sorted(latest))
    return len(latest)


def quarantine(session: Session, channel: str, content_type: str | None, reason: str,
               raw: bytes) -> int:
    """Keep what could not be parsed, with why, so nothing is silently lost."""
    row = QuarantinedPayload(
        channel=channel[:80], content_type=(content_type or "")[:120] or None,
        reason=reason[:2000], raw_size=len(raw), sha256=hashlib.sha256(raw).hexdigest(),
        raw=raw[:QUARANTINE_KEEP_BYTES])
    session.add(row)
    session.flush()
    publish(session, Change.QUARANTINE, (row.id,))
    return row.id


@service_action("ingest.file")
def ingest_file(session: Session, ctx: Context, filename: str, reads: Sequence[PlateRead],
                heartbeats: Sequence[Heartbeat], engine: MatchingEngine) -> IngestOutcome:
    """A person loading a file of reads: authorized, and audited with its counts."""
    authorize(session, ctx, Permission.INGEST_READS, action="ingest.file",
              object_type="file", object_id=filename[:80])
    outcome = ingest_reads(session, reads, engine, ctx.now(), f"file:{filename[:60]}")
    record_heartbeats(session, heartbeats)
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="ingest.file", object_type="file", object_id=filename[:80],
                 details={"stored": outcome.stored, "duplicates": outcome.duplicates,
                          "hits": len(outcome.hit_ids)})
    return outcome
