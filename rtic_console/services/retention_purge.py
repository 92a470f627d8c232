"""The retention purge (C.1, F.5): everything past retention and not held, removed in
batches; counts and cutoffs per kind; one audit event; one purge at a time.

A workflow of many short transactions (like `evidence_export`), so a purge of millions of
rows never holds the writer for long: each batch commits with the run's running counts, so
a purge that is killed halfway has lost nothing held, and the next run completes it and
reports in its audit event what the interrupted one removed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, delete, exists, func, select, text, update
from sqlalchemy.orm import Session

from rtic_console.domain.retention import RetentionKind, cutoff
from rtic_console.domain.roles import Permission
from rtic_console.services import recordings
from rtic_console.services.audit_anchor import SystemIdentity
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, Refused, service_action
from rtic_console.services.evidence_holds import (
    detection_held,
    detection_not_held,
    held_reads_before,
    plate_held,
    plates_held_in,
)
from rtic_console.services.read_hours import remove_reads
from rtic_console.services.retention import database_now, retention_days
from rtic_console.services.runner import refusals_audited
from rtic_console.store import partitions
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.database import Database
from rtic_console.store.models import (
    AuditPlate,
    Detection,
    DetectionImage,
    Hit,
    HitStep,
    PurgeRun,
    SearchRecord,
    SharingRequest,
)

logger = logging.getLogger(__name__)

PURGE = "retention.purge"
BATCH = 2000
# Partitioned PostgreSQL: reads removed by time span a transaction. Set-based deletes cost
# half as much a row at this size, and a transaction's fixed cost (commit, counts) is paid a
# tenth as often; its row locks are on old reads nothing writes, so readers never wait.
SPAN_BATCH = 20_000
# SQLite has no lock that dies with its process: a running purge's row is the lock, and a
# row not touched for this long belongs to a purge that was killed.
LOCK_STALE = timedelta(minutes=2)
# Week partitions dropped per transaction: a week's drop locks its two tables, their indexes
# and TOAST tables (about 15 locks); 4 weeks stay within PostgreSQL's default
# max_locks_per_transaction (64), and the parents' exclusive lock is held that long only.
WEEKS_PER_DROP = 4
PURGE_LOCK = 525_0805  # PostgreSQL advisory lock key, held on a connection of its own

Progress = Callable[[str], None]
# What each kind's report counts, in this order, zero when nothing went.
COUNTED: dict[RetentionKind, tuple[str, ...]] = {
    RetentionKind.DETECTIONS: ("reads", "images", "hits", "hit_steps", "audit_plates"),
    RetentionKind.HIT_IMAGES: ("images", "attachments", "audit_plates"),
    RetentionKind.SEARCH_PLATES: ("searches", "sharing_requests", "audit_plates"),
    RetentionKind.RECORDINGS: ("segments", "bytes", "audit_plates"),
}


@dataclass(frozen=True)
class KindReport:
    """One kind's retention, cutoff and what was (or, in a dry run, would be) removed."""

    kind: RetentionKind
    days: int
    cutoff: datetime
    removed: dict[str, int]
    kept_for_holds: int


@dataclass(frozen=True)
class PurgeReport:
    run_id: int | None  # None for a dry run
    dry_run: bool
    database_now: datetime
    kinds: tuple[KindReport, ...]
    camera_cutoffs: dict[int, datetime]  # cameras with a retention of their own (F.5)
    resumed: dict[int, dict[str, dict[str, int]]] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return {"run_id": self.run_id, "dry_run": self.dry_run,
                "database_now": self.database_now.isoformat(),
                "kinds": {k.kind.value: {"days": k.days, "cutoff": k.cutoff.isoformat(),
                                         "removed": k.removed,
                                         "kept_for_holds": k.kept_for_holds}
                          for k in self.kinds},
                "camera_cutoffs": {str(d): c.isoformat()
                                   for d, c in self.camera_cutoffs.items()},
                "resumed": {str(r): counts for r, counts in self.resumed.items()}}


@dataclass(frozen=True)
class _Plan:
    now: datetime
    days: dict[RetentionKind, int]
    cutoffs: dict[RetentionKind, datetime]
    camera_cutoffs: dict[int, datetime]
    partitioned: bool  # reads in week partitions (PostgreSQL since 0011)

    def before(self, kind: RetentionKind) -> datetime:
        return self.cutoffs[kind]


def _plan(session: Session) -> _Plan:
    """Cutoffs from the database server's clock, never a caller's (C.1)."""
    now = database_now(session)
    days = retention_days(session)
    _, cameras = recordings.segment_cutoffs(session, now, days[RetentionKind.RECORDINGS])
    return _Plan(now, days, {k: cutoff(now, d) for k, d in days.items()}, cameras,
                 partitions.partitioned(session))


# What each kind removes: a predicate shared by the count (dry run) and the batches.

def _expired_reads(plan: _Plan) -> list[ColumnElement[bool]]:
    return [Detection.captured_at < plan.before(RetentionKind.DETECTIONS), detection_not_held()]


def _expired_hit_reads(plan: _Plan) -> Select[tuple[int]]:
    """Reads that made a hit, past the hit images' retention but not the reads' own (those
    go whole with the detections kind), and not held."""
    return select(Detection.id).where(
        Detection.captured_at < plan.before(RetentionKind.HIT_IMAGES),
        Detection.captured_at >= plan.before(RetentionKind.DETECTIONS),
        exists().where(Hit.detection_id == Detection.id), detection_not_held())


def _expired_searches(plan: _Plan) -> list[ColumnElement[bool]]:
    return [SearchRecord.searched_at < plan.before(RetentionKind.SEARCH_PLATES),
            SearchRecord.plate_pattern.is_not(None), ~plate_held(SearchRecord.plate_pattern)]


def _expired_sharing(plan: _Plan) -> list[ColumnElement[bool]]:
    """The plates a sharing request named (C.2-C.6) are plate data like a search's."""
    return [SharingRequest.filed_at < plan.before(RetentionKind.SEARCH_PLATES),
            SharingRequest.plates.is_not(None), ~plates_held_in(SharingRequest.plates)]


def _expired_audit_plates(plan: _Plan, kind: RetentionKind) -> list[ColumnElement[bool]]:
    return [AuditPlate.kind == kind.value, AuditPlate.occurred_at < plan.before(kind),
            ~plate_held(AuditPlate.plate)]


def _count(session: Session, query: Select[tuple[int]]) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _would_remove(session: Session, plan: _Plan, kind: RetentionKind) -> dict[str, int]:
    """What a purge would remove of this kind now: the dry run's counts."""
    plates = _count(session, select(AuditPlate.seq).where(*_expired_audit_plates(plan, kind)))
    if kind is RetentionKind.DETECTIONS:
        reads = select(Detection.id).where(*_expired_reads(plan))
        hits = select(Hit.id).where(Hit.detection_id.in_(reads))
        return {"reads": _count(session, reads),
                "images": _count(session, select(DetectionImage.id)
                                 .where(DetectionImage.detection_id.in_(reads))),
                "hits": _count(session, hits),
                "hit_steps": _count(session, select(HitStep.id).where(HitStep.hit_id.in_(hits))),
                "audit_plates": plates}
    if kind is RetentionKind.HIT_IMAGES:
        reads = _expired_hit_reads(plan)
        return {"images": _count(session, select(DetectionImage.id)
                                 .where(DetectionImage.detection_id.in_(reads))),
                "attachments": _count(session, _attachments(reads)),
                "audit_plates": plates}
    if kind is RetentionKind.SEARCH_PLATES:
        return {"searches": _count(session, select(SearchRecord.id)
                                   .where(*_expired_searches(plan))),
                "sharing_requests": _count(session, select(SharingRequest.id)
                                           .where(*_expired_sharing(plan))),
                "audit_plates": plates}
    segments, size, _ = recordings.count_expired_segments(
        session, plan.before(RetentionKind.RECORDINGS), plan.camera_cutoffs)
    return {"segments": segments, "bytes": size, "audit_plates": plates}


def _attachments(reads: Select[tuple[int]]) -> Select[tuple[int]]:
    return select(HitStep.id).where(
        HitStep.attachment.is_not(None),
        HitStep.hit_id.in_(select(Hit.id).where(Hit.detection_id.in_(reads))))


def _kept_for_holds(session: Session, plan: _Plan, kind: RetentionKind) -> int:
    if kind is RetentionKind.DETECTIONS:
        return len(held_reads_before(session, plan.before(kind)))
    if kind is RetentionKind.SEARCH_PLATES:
        return _count(session, select(SearchRecord.id).where(
            SearchRecord.searched_at < plan.before(kind), SearchRecord.plate_pattern.is_not(None),
            plate_held(SearchRecord.plate_pattern)))
    if kind is RetentionKind.RECORDINGS:
        return recordings.count_expired_segments(session, plan.before(kind),
                                                 plan.camera_cutoffs)[2]
    return _count(session, select(Detection.id).where(
        Detection.captured_at < plan.before(kind),
        Detection.captured_at >= plan.before(RetentionKind.DETECTIONS),
        exists().where(Hit.detection_id == Detection.id), detection_held()))


def _ids(session: Session, query: Select[tuple[int]], limit: int,
         order: ColumnElement[object] | None = None) -> list[int]:
    """The first `limit` ids, oldest first when `order` is the time (an index range scan
    that starts where the last batch ended)."""
    ordered = query.order_by(order if order is not None else query.selected_columns[0])
    return list(session.scalars(ordered.limit(limit)))


def _purge_batch(session: Session, plan: _Plan, kind: RetentionKind,
                 batch: int | None) -> dict[str, int]:
    """Removes up to `batch` of this kind's main rows (and what hangs on them), in the
    caller's transaction; an empty result means the kind is done."""
    if kind is RetentionKind.DETECTIONS and plan.partitioned:
        return _purge_reads_by_time(session, plan, batch or SPAN_BATCH)
    limit = batch or BATCH
    if kind is RetentionKind.DETECTIONS:
        rows = session.execute(select(Detection.id, Detection.captured_at)
                               .where(*_expired_reads(plan))
                               .order_by(Detection.captured_at).limit(limit)).all()
        if not rows:
            return {}
        ids = [r.id for r in rows]
        # The batch's time span lets PostgreSQL look in its one or two partitions only.
        first, last = rows[0].captured_at, rows[-1].captured_at
        hits = select(Hit.id).where(Hit.detection_id.in_(ids))
        steps = session.execute(delete(HitStep).where(HitStep.hit_id.in_(hits))).rowcount
        return {"hit_steps": steps,
                "hits": session.execute(delete(Hit).where(Hit.detection_id.in_(ids))).rowcount,
                "images": session.execute(delete(DetectionImage).where(
                    DetectionImage.detection_id.in_(ids),
                    DetectionImage.captured_at.between(first, last))).rowcount,
                "reads": _delete_reads(session, Detection.id.in_(ids),
                                       Detection.captured_at.between(first, last))}
    if kind is RetentionKind.HIT_IMAGES:
        reads = _expired_hit_reads(plan)
        images = _ids(session, select(DetectionImage.id)
                      .where(DetectionImage.detection_id.in_(reads)), limit)
        steps = _ids(session, _attachments(reads), limit)
        if not images and not steps:
            return {}
        window = DetectionImage.captured_at.between(plan.before(RetentionKind.DETECTIONS),
                                                    plan.before(kind))
        return {"images": session.execute(delete(DetectionImage).where(
                    DetectionImage.id.in_(images), window)).rowcount if images else 0,
                "attachments": session.execute(update(HitStep).where(HitStep.id.in_(steps))
                                               .values(attachment=None)).rowcount
                if steps else 0}
    if kind is RetentionKind.SEARCH_PLATES:
        rows = session.execute(select(SearchRecord.id, SearchRecord.parameters)
                               .where(*_expired_searches(plan))
                               .order_by(SearchRecord.id).limit(limit)).all()
        shared = _ids(session, select(SharingRequest.id).where(*_expired_sharing(plan)), limit)
        if not rows and not shared:
            return {}
        if rows:
            session.execute(update(SearchRecord), [
                {"id": sid, "plate_pattern": None, "parameters": _without_plate(params)}
                for sid, params in rows])
        if shared:
            session.execute(update(SharingRequest).where(SharingRequest.id.in_(shared))
                            .values(plates=None))
        return {"searches": len(rows), "sharing_requests": len(shared)}
    done = recordings.purge_segments(session, plan.before(kind), plan.camera_cutoffs, limit)
    return {"segments": done.deleted, "bytes": done.bytes_freed} if done.deleted else {}


def _purge_reads_by_time(session: Session, plan: _Plan, limit: int) -> dict[str, int]:
    """Partitioned PostgreSQL: the next `limit` expired reads, oldest first, removed by
    their time span and the hold tests, in set-based statements on the one or two
    partitions the span prunes to, rather than by lists of ids sent back and forth."""
    expired = _expired_reads(plan)
    last = session.scalar(select(Detection.captured_at).where(*expired)
                          .order_by(Detection.captured_at).offset(limit - 1).limit(1))
    if last is not None:
        expired.append(Detection.captured_at <= last)
    # `= ANY(ARRAY(subquery))`: index look-ups of the batch's reads in hits and images,
    # where `IN (subquery)` hashes it against a scan of all hits and the week's images.
    reads = _any_of(select(Detection.id).where(*expired))
    hits = _any_of(select(Hit.id).where(Hit.detection_id == reads))
    images = [DetectionImage.captured_at < plan.before(RetentionKind.DETECTIONS),
              DetectionImage.detection_id == reads]
    if last is not None:
        images.append(DetectionImage.captured_at <= last)
    removed = {
        "hit_steps": session.execute(delete(HitStep).where(HitStep.hit_id == hits)).rowcount,
        "hits": session.execute(delete(Hit).where(Hit.detection_id == reads)).rowcount,
        "images": session.execute(delete(DetectionImage).where(*images)).rowcount,
        "reads": _delete_reads(session, *expired)}
    return removed if any(removed.values()) else {}


def _delete_reads(session: Session, *where: ColumnElement[bool]) -> int:
    """Deletes reads and uncounts them from their hours (read_hours), in one transaction."""
    gone = session.execute(delete(Detection).where(*where)
                           .returning(Detection.captured_at, Detection.device_id)).all()
    remove_reads(session, gone)  # type: ignore[arg-type]
    return len(gone)


def _any_of(ids: Select[tuple[int]]) -> ColumnElement[int]:
    return func.any(func.array(ids.scalar_subquery()))


def _without_plate(parameters: str) -> str:
    """The logged search's parameters with its plate removed; `plate_purged` says so, so the
    log is never re-run as if the search had named no plate."""
    params = json.loads(parameters or "{}")
    params.pop("plate", None)
    params["plate_purged"] = True
    return json.dumps(params)


def _purge_audit_plates(session: Session, plan: _Plan, kind: RetentionKind,
                        limit: int) -> int:
    expired = _expired_audit_plates(plan, kind)
    seqs = _ids(session, select(AuditPlate.seq).where(*expired), limit)
    if not seqs:
        return 0
    return session.execute(delete(AuditPlate).where(AuditPlate.seq.in_(seqs), *expired)
                           ).rowcount


def rows_removed(counts: Mapping[str, Mapping[str, int]]) -> int:
    """Rows a purge's counts removed, over every kind (its file bytes are not rows)."""
    return sum(n for kind in counts.values() for what, n in kind.items() if what != "bytes")


def _label(who: Context | SystemIdentity) -> tuple[str | None, str, str]:
    """(actor badge, run_by, workstation) of whoever runs the purge."""
    if isinstance(who, Context):
        return who.actor.badge, who.actor.badge, who.workstation
    return None, who.label, who.workstation


@service_action(PURGE)
def preview_purge(session: Session, who: Context | SystemIdentity) -> PurgeReport:
    """What a purge would remove now, kind by kind, without removing anything."""
    if isinstance(who, Context):
        authorize(session, who, Permission.VIEW_RETENTION, action=PURGE,
                  object_type="retention")
    plan = _plan(session)
    return PurgeReport(None, True, plan.now, tuple(
        KindReport(k, plan.days[k], plan.cutoffs[k], _would_remove(session, plan, k),
                   _kept_for_holds(session, plan, k)) for k in RetentionKind),
        plan.camera_cutoffs)


@contextmanager
def _one_purge_at_a_time(db: Database) -> Iterator[None]:
    """On PostgreSQL an advisory lock on a connection of its own: a second purge is refused
    while it is held, and it ends with the process that holds it, however that ends."""
    if not db.is_postgres:
        yield
        return
    conn = db.engine.connect()
    try:
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": PURGE_LOCK}).scalar()
        conn.commit()
        if not got:
            raise Refused("Another purge is running now; this one was not started.",
                          clause="C.1", object_type="retention")
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PURGE_LOCK})
            conn.commit()
    finally:
        conn.close()


def _start(session: Session, db: Database, who: Context | SystemIdentity,
           ) -> tuple[_Plan, PurgeRun, dict[int, dict[str, dict[str, int]]],
                      dict[RetentionKind, int]]:
    if isinstance(who, Context):
        authorize(session, who, Permission.MANAGE_RETENTION, action=PURGE,
                  object_type="retention")
    plan = _plan(session)
    for run in session.scalars(select(PurgeRun).where(PurgeRun.outcome == "running")
                               .with_for_update()):
        if not db.is_postgres and run.heartbeat_at > plan.now - LOCK_STALE:
            raise Refused(f"Another purge (run #{run.id}, by {run.run_by}) is running now; "
                          "this one was not started.", clause="C.1", object_type="retention")
        run.outcome = "interrupted"  # its process is gone: the lock says so on PostgreSQL
    resumed = {r.id: json.loads(r.counts) for r in session.scalars(
        select(PurgeRun).where(PurgeRun.outcome == "interrupted").order_by(PurgeRun.id))}
    _, run_by, workstation = _label(who)
    run = PurgeRun(run_by=run_by, workstation=workstation, started_at=plan.now,
                   heartbeat_at=plan.now, outcome="running",
                   cutoffs=json.dumps({k.value: c.isoformat() for k, c in plan.cutoffs.items()}),
                   counts="{}")
    session.add(run)
    session.flush()
    if plan.partitioned:
        partitions.make_weeks_ahead(session, plan.now.date())
    kept = {k: _kept_for_holds(session, plan, k) for k in RetentionKind}
    return plan, run, resumed, kept


def run_purge(db: Database, who: Context | SystemIdentity, *, dry_run: bool = False,
              batch: int | None = None, progress: Progress | None = None) -> PurgeReport:
    """Purge now (or, dry, count what a purge would remove). Refusals (not an ALPR
    administrator, another purge running) are audited. `progress` hears each batch.
    `batch` rows a transaction: by default `BATCH`, and `SPAN_BATCH` for reads by time span
    on PostgreSQL; a given batch applies to all."""
    ctx = who if isinstance(who, Context) else None
    with refusals_audited(db, ctx, PURGE, workstation=_label(who)[2]):
        if dry_run:
            with db.read() as session:
                return preview_purge(session, who)
        with _one_purge_at_a_time(db):
            with db.write() as session:
                plan, run, resumed, kept = _start(session, db, who)
            return _run(db, who, plan, run.id, resumed, kept, batch, progress)


def _run(db: Database, who: Context | SystemIdentity, plan: _Plan, run_id: int,
         resumed: dict[int, dict[str, dict[str, int]]], kept: dict[RetentionKind, int],
         batch: int | None, progress: Progress | None) -> PurgeReport:
    counts = {k.value: dict.fromkeys(COUNTED[k], 0) for k in RetentionKind}
    tell = progress or (lambda _line: None)
    try:
        _drop_weeks(db, plan, run_id, counts, tell)
        for kind in RetentionKind:
            for step in ("rows", "audit_plates"):
                while True:
                    with db.write() as session:
                        if step == "rows":
                            removed = _purge_batch(session, plan, kind, batch)
                        else:
                            n = _purge_audit_plates(session, plan, kind, batch or BATCH)
                            removed = {"audit_plates": n} if n else {}
                        for what, n in removed.items():
                            counts[kind.value][what] += n
                        session.execute(update(PurgeRun).where(PurgeRun.id == run_id).values(
                            heartbeat_at=database_now(session), counts=json.dumps(counts)))
                    if not removed:
                        break
                    tell(f"{kind.value}: " + ", ".join(f"{n} {what}" for what, n
                                                       in removed.items()))
        with db.write() as session:
            report = _finish(session, who, plan, run_id, counts, resumed, kept)
    except BaseException:
        _mark_interrupted(db, run_id)
        raise
    logger.info("purge run #%s done: %s", run_id, counts)
    return report


def _drop_weeks(db: Database, plan: _Plan, run_id: int, counts: dict[str, dict[str, int]],
                tell: Progress) -> None:
    """PostgreSQL: the reads' weeks wholly past retention go whole, `WEEKS_PER_DROP` weeks a
    transaction, after their held reads moved out; the week the cutoff falls in, the default
    partition and reads whose hold was released are left to the batches."""
    if not plan.partitioned:
        return
    with db.read() as session:
        weeks = partitions.weeks_before(session, plan.before(RetentionKind.DETECTIONS))
    removed = counts[RetentionKind.DETECTIONS.value]
    for first in range(0, len(weeks), WEEKS_PER_DROP):
        group = weeks[first:first + WEEKS_PER_DROP]
        with db.write() as session:
            for what, n in partitions.drop_weeks(session, group).items():
                removed[what] += n
            session.execute(update(PurgeRun).where(PurgeRun.id == run_id).values(
                heartbeat_at=database_now(session), counts=json.dumps(counts)))
        for monday in group:
            tell(f"detections: week of {monday} dropped")


def _finish(session: Session, who: Context | SystemIdentity, plan: _Plan, run_id: int,
            counts: dict[str, dict[str, int]], resumed: dict[int, dict[str, dict[str, int]]],
            kept: dict[RetentionKind, int]) -> PurgeReport:
    """The one audit event (C.1: counts, cutoffs, who ran it), in the run's last
    transaction; an interrupted run it completes is reported in it and marked resumed."""
    session.execute(update(PurgeRun).where(PurgeRun.id == run_id).values(
        outcome="done", finished_at=database_now(session), counts=json.dumps(counts)))
    if resumed:
        session.execute(update(PurgeRun).where(PurgeRun.id.in_(list(resumed)))
                        .values(outcome="resumed"))
    report = PurgeReport(run_id, False, plan.now, tuple(
        KindReport(k, plan.days[k], plan.cutoffs[k], counts[k.value], kept[k])
        for k in RetentionKind), plan.camera_cutoffs, resumed)
    badge, run_by, workstation = _label(who)
    removed = rows_removed(counts)
    append_event(session, actor_badge=badge, workstation=workstation, action=PURGE,
                 object_type="purge_run", object_id=run_id,
                 reason=f"retention purge by {run_by}: {removed} rows past retention removed",
                 details=report.as_json())
    publish(session, Change.PURGED, (run_id,))
    return report


def _mark_interrupted(db: Database, run_id: int) -> None:
    """Best effort: the next purge takes over at once instead of waiting out the lock."""
    try:
        with db.write() as session:
            session.execute(update(PurgeRun).where(PurgeRun.id == run_id,
                                                   PurgeRun.outcome == "running")
                            .values(outcome="interrupted"))
    except Exception as exc:  # the database may be what failed
        logger.warning("purge run #%s left marked running: %s", run_id, type(exc).__name__)
