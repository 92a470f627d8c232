"""Recorded PSCN video: the segment index, playback, the segments past retention (F.5) and
evidence clip export (F.4); donor cameras never (G.1)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import ColumnElement, and_, delete, event, func, or_, select, text
from sqlalchemy.orm import Session

from rtic_console.domain.devices import DeviceKind
from rtic_console.domain.donor_terms import RecordingDecision, recording_allowed
from rtic_console.domain.recipients import ExportRecipient
from rtic_console.domain.recording_coverage import Span, coverage, describe_span
from rtic_console.domain.retention import cutoff
from rtic_console.domain.roles import Permission
from rtic_console.domain.stream_urls import SecretUrl
from rtic_console.services.auth import authorize
from rtic_console.services.camera_credentials import CredentialsUnavailable, stream_urls
from rtic_console.services.cameras import camera_of
from rtic_console.services.clip_export import (
    ExportFiles,
    ExportPlan,
    SourceSegment,
    write_export_files,
)
from rtic_console.services.context import Context, InputRejected, Refused, service_action
from rtic_console.services.device_health import hour_of, record_activity
from rtic_console.services.donors import last_agreement_of
from rtic_console.services.evidence_holds import (
    add_hold,
    segment_held,
    time_range,
    video_holds_over,
)
from rtic_console.services.recipients import checked_recipient
from rtic_console.services.viewing import PURPOSE_TITLES, ViewingPurpose, purpose_of
from rtic_console.services.viewing_requests import approved_window
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import (
    CameraSettings,
    Device,
    EvidenceExport,
    RecordingSegment,
)

logger = logging.getLogger(__name__)

MAX_EXPORT = timedelta(hours=24)
EXPORT = "evidence.export"
PLAYBACK = "pscn.playback"
INDEX = "recording.index"
_PURGED_FILES = "rtic_purged_files"


@dataclass(frozen=True)
class SegmentInfo:
    """A finished segment file, as the recorder reports it for the index."""

    device_id: int
    path: str
    started_at: datetime
    ended_at: datetime
    frames: int
    fps: float
    width: int
    height: int
    size_bytes: int
    sha256: str


@dataclass(frozen=True)
class SegmentView:
    id: int
    device_id: int
    path: str
    started_at: datetime
    ended_at: datetime
    frames: int
    fps: float
    sha256: str


@dataclass(frozen=True)
class HeldSpan:
    """An active evidence hold on this camera's video, clipped to the range shown."""

    hold_id: int
    case_number: str
    span: Span


@dataclass(frozen=True)
class PlaybackTimeline:
    """What exists of one camera's recordings in a range: the segments to play, the gaps
    between and around them, and the holds that keep them past retention (F.5)."""

    device_id: int
    camera_code: str
    requested: Span
    segments: tuple[SegmentView, ...]
    gaps: tuple[Span, ...]
    holds: tuple[HeldSpan, ...]

    @property
    def recorded(self) -> tuple[Span, ...]:
        return tuple(Span(s.started_at, s.ended_at) for s in self.segments)


@dataclass(frozen=True)
class RecordingTarget:
    """A camera the recorder should be recording now, and the whole URL to record from."""

    device_id: int
    code: str
    category: str
    url: SecretUrl
    transport: str = "tcp"  # RTSP: the camera's own choice, as on the wall


@dataclass(frozen=True)
class ExportResult:
    export_id: int
    clip_path: Path
    clip_sha256: str
    manifest_path: Path
    manifest_sha256: str
    frames: int
    hold_id: int
    covered: Span
    gaps: tuple[Span, ...]
    originals: tuple[Path, ...]


@dataclass(frozen=True)
class SegmentPurge:
    """What one batch of the recordings purge removed (or, counting, would remove)."""

    deleted: int
    bytes_freed: int
    device_ids: tuple[int, ...]


def _segment_view(s: RecordingSegment) -> SegmentView:
    return SegmentView(s.id, s.device_id, s.path, s.started_at, s.ended_at, s.frames, s.fps,
                       s.sha256)


def recording_decision(session: Session, device: Device) -> RecordingDecision:
    """G.1: never a donor camera, nor a camera any donor agreement ever covered."""
    covering = last_agreement_of(session, device.id)
    return recording_allowed(device.category, covering.reference if covering else None)


def recording_targets(session: Session) -> list[RecordingTarget]:
    """In-service cameras with recording enabled, never a donor camera nor one a donor
    agreement ever covered (G.1). A camera whose credentials this machine cannot open is
    left out, with a warning in the log."""
    rows = session.scalars(
        select(Device).join(CameraSettings, CameraSettings.device_id == Device.id)
        .where(CameraSettings.recording_enabled, Device.in_service,
               Device.kind == DeviceKind.CAMERA.value, Device.stream_url.is_not(None))
        .order_by(Device.code))
    targets = []
    for device in rows:
        if not recording_decision(session, device).allowed:
            continue
        try:
            url = stream_urls(session, device).main
        except CredentialsUnavailable as exc:
            logger.warning("camera %s not recorded: %s", device.code, exc)
            continue
        if url is not None:
            targets.append(RecordingTarget(device.id, device.code, device.category, url,
                                           device.stream_transport))
    return targets


def index_segment(session: Session, segment: SegmentInfo) -> int:
    """Adds a finished segment; a donor camera's file is deleted instead and refused (G.1).

    Not audited: it happens every minute per camera; the purge and exports are. A refusal
    is audited by the caller (`RecordingSupervisor`) as `recording.index.refused`.
    """
    device = camera_of(session, segment.device_id)
    decision = recording_decision(session, device)
    if not decision.allowed:
        Path(segment.path).unlink(missing_ok=True)
        raise Refused(f"Recording of camera {device.code} refused: {decision.reason}.",
                      action=INDEX, clause=decision.clause, object_type="camera",
                      object_id=device.code)
    if not (segment.started_at < segment.ended_at and segment.frames > 0):
        raise InputRejected("a segment needs frames and must end after it starts")
    row = RecordingSegment(**segment.__dict__)
    session.add(row)
    session.flush()
    # A recorded segment shows the camera streamed: it counts in the hours it spans.
    record_activity(session, heartbeats=[(device.id, at) for at in {
        hour_of(segment.started_at), hour_of(segment.ended_at)}])
    publish(session, Change.RECORDING, (device.id,))
    return row.id


def _overlapping(session: Session, device_id: int, start: datetime,
                 end: datetime) -> list[RecordingSegment]:
    return list(session.scalars(
        select(RecordingSegment).where(RecordingSegment.device_id == device_id,
                                       RecordingSegment.started_at < end,
                                       RecordingSegment.ended_at > start)
        .order_by(RecordingSegment.started_at)))


@service_action(PLAYBACK)
def playback_timeline(session: Session, ctx: Context, device_id: int, start: datetime,
                      end: datetime, purpose: str | None,
                      reference: str | None = None) -> PlaybackTimeline:
    """The camera's segments, gaps and holds in the range, to play and to draw on the
    timeline. Replaying recorded video is viewing (F.2): it states a purpose and is audited."""
    authorize(session, ctx, Permission.VIEW_CAMERAS, action=PLAYBACK, object_type="camera",
              object_id=device_id)
    chosen = purpose_of(purpose, reference)
    if chosen is ViewingPurpose.COMMANDER_APPROVED_REQUEST:
        reference = approved_window(session, ctx, reference, PLAYBACK)[0]
    start, end = time_range(start, end, timedelta(days=1))
    device = camera_of(session, device_id)
    decision = recording_decision(session, device)
    if not decision.allowed:
        raise Refused(f"Playback of camera {device.code} refused: {decision.reason}.",
                      action="pscn.playback", clause=decision.clause, object_type="camera",
                      object_id=device.code)
    segments = tuple(_segment_view(s) for s in _overlapping(session, device_id, start, end))
    found = coverage((Span(s.started_at, s.ended_at) for s in segments), start, end)
    holds = tuple(HeldSpan(h.id, h.case_number, Span(max(start, h.from_at or start),
                                                     min(end, h.to_at or end)))
                  for h in video_holds_over(session, device_id, start, end))
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=PLAYBACK, object_type="camera", object_id=device.code,
                 reason=PURPOSE_TITLES[chosen],
                 details={"purpose": chosen.value, "reference": reference,
                          "from": start.isoformat(), "to": end.isoformat(),
                          "segments": len(segments)})
    return PlaybackTimeline(device.id, device.code, found.requested, segments, found.gaps,
                            holds)


def unlink_after_commit(session: Session, paths: Sequence[str]) -> None:
    """Files go only once their rows' removal and its audit event are committed (the purge,
    a disk cap); a rollback keeps them."""
    pending = session.info.setdefault(_PURGED_FILES, [])
    if not pending:
        event.listen(session, "after_commit", _unlink_pending, once=True)
        event.listen(session, "after_rollback",
                     lambda s: s.info.pop(_PURGED_FILES, None), once=True)
    pending.extend(paths)


def _unlink_pending(session: Session) -> None:
    for path in session.info.pop(_PURGED_FILES, []):
        try:
            Path(path).unlink(missing_ok=True)
        except OSError as exc:
            logger.warning("purged segment %s could not be deleted: %s", path, exc.strerror)


def segment_cutoffs(session: Session, now: datetime,
                    retention_days: int) -> tuple[datetime, dict[int, datetime]]:
    """The cutoff for cameras without a retention of their own, and each other camera's,
    measured from `now` (the database's clock) and never less than 90 days (F.5)."""
    own = dict(session.execute(select(CameraSettings.device_id, CameraSettings.retention_days)
                               .where(CameraSettings.retention_days.is_not(None))).all())
    return cutoff(now, retention_days), {d: cutoff(now, days) for d, days in own.items()}


def _expired(default_cutoff: datetime, cutoffs: dict[int, datetime]) -> ColumnElement[bool]:
    return or_(and_(RecordingSegment.device_id.not_in(list(cutoffs)),
                    RecordingSegment.ended_at <= default_cutoff),
               *(and_(RecordingSegment.device_id == d, RecordingSegment.ended_at <= cut)
                 for d, cut in cutoffs.items()))


def count_expired_segments(session: Session, default_cutoff: datetime,
                           cutoffs: dict[int, datetime]) -> tuple[int, int, int]:
    """(segments the purge would remove, their bytes, segments past retention kept by a
    hold)."""
    expired = _expired(default_cutoff, cutoffs)
    doomed = session.execute(select(func.count(), func.coalesce(func.sum(
        RecordingSegment.size_bytes), 0)).where(expired, ~segment_held())).one()
    kept = session.scalar(select(func.count()).select_from(RecordingSegment)
                          .where(expired, segment_held())) or 0
    return int(doomed[0]), int(doomed[1]), kept


# PostgreSQL advisory lock of the writers that remove segments (the purge, the disk caps).
REMOVAL_LOCK = 525_08_20


def lock_removals(session: Session) -> None:
    """One remover of segments at a time, until the transaction ends: the purge and the
    disk caps both take the oldest segments, and the per-camera use their triggers keep
    would otherwise be updated in different orders (a deadlock on PostgreSQL). SQLite
    has one writer anyway."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": REMOVAL_LOCK})


def purge_segments(session: Session, default_cutoff: datetime, cutoffs: dict[int, datetime],
                   limit: int) -> SegmentPurge:
    """Removes up to `limit` segments past retention that no active hold covers (F.5), in
    the caller's transaction; their files go once it commits, and stay if it rolls back."""
    lock_removals(session)
    doomed = session.execute(select(RecordingSegment.id, RecordingSegment.path,
                                    RecordingSegment.size_bytes, RecordingSegment.device_id)
                             .where(_expired(default_cutoff, cutoffs), ~segment_held())
                             .order_by(RecordingSegment.id).limit(limit)).all()
    if not doomed:
        return SegmentPurge(0, 0, ())
    session.execute(delete(RecordingSegment)
                    .where(RecordingSegment.id.in_([r.id for r in doomed])))
    unlink_after_commit(session, [r.path for r in doomed])
    devices = tuple(sorted({r.device_id for r in doomed}))
    publish(session, Change.RECORDING, devices)
    return SegmentPurge(len(doomed), sum(r.size_bytes for r in doomed), devices)


def _export_fields(case_number: str, report_number: str | None,
                   purpose: str) -> tuple[str, str | None, str]:
    case_number, purpose = case_number.strip(), " ".join(purpose.split())
    report_number = (report_number or "").strip() or None
    if not 0 < len(case_number) <= 40:
        raise InputRejected("the case number is required (at most 40 characters)")
    if report_number is not None and len(report_number) > 40:
        raise InputRejected("the report number is at most 40 characters")
    if not 0 < len(purpose) <= 500:
        raise InputRejected("the purpose of the export is required (at most 500 characters)")
    return case_number, report_number, purpose


@service_action(EXPORT)
def plan_export(session: Session, ctx: Context, camera: int | str, start: datetime,
                end: datetime, case_number: str, report_number: str | None,
                purpose: str, recipient: ExportRecipient | None = None) -> ExportPlan:
    """Checks an export (read only): refused for donor cameras (G.1), without its recipient
    (SPD internal use for the case, or a granted sharing request, C.3), and for a range with
    no recording. Then `write_export` off any transaction, then `record_export`; the
    workflow is `evidence_export.export_evidence`."""
    authorize(session, ctx, Permission.EXPORT_EVIDENCE, action=EXPORT, object_type="camera",
              object_id=camera)
    device = camera_of(session, camera)
    decision = recording_decision(session, device)
    if not decision.allowed:
        raise Refused(f"Export of camera {device.code} refused: {decision.reason}.",
                      action=EXPORT, clause=decision.clause, object_type="camera",
                      object_id=device.code)
    case_number, report_number, purpose = _export_fields(case_number, report_number, purpose)
    receiver = checked_recipient(session, recipient, case_number=case_number, action=EXPORT,
                                 object_type="camera", object_id=device.code)
    start, end = time_range(start, end, MAX_EXPORT)
    segments = tuple(SourceSegment(s.id, s.path, s.started_at, s.ended_at, s.fps, s.sha256)
                     for s in _overlapping(session, device.id, start, end))
    found = coverage((Span(s.started_at, s.ended_at) for s in segments), start, end)
    if found.covered is None:
        raise InputRejected(f"there is no recording of {device.code} between "
                            f"{start:%Y-%m-%d %H:%M:%S} and {end:%Y-%m-%d %H:%M:%S} UTC: "
                            "nothing to export")
    facts = {"id": device.code, "name": device.name, "category": device.category,
             "address": device.address}
    return ExportPlan(device.id, facts, start, end, case_number, report_number, purpose,
                      segments, found.covered, found.gaps, receiver)


def describe_plan(plan: ExportPlan) -> list[str]:
    """The lines shown before an export is written: what was asked, what the recordings
    hold of it, and each gap."""
    lines = [f"Asked for: {describe_span(Span(plan.start, plan.end))}",
             f"Recorded:  {describe_span(plan.covered)} in {len(plan.segments)} segment"
             f"{'s' if len(plan.segments) != 1 else ''}"]
    if plan.gaps:
        lines.append(f"{len(plan.gaps)} gap{'s' if len(plan.gaps) != 1 else ''} with no "
                     "recording (the clip skips them; the manifest lists them):")
        lines.extend(f"  · {describe_span(g)}" for g in plan.gaps)
    else:
        lines.append("No gaps: the whole range is recorded.")
    return lines


def _exporter_of(ctx: Context) -> dict[str, str]:
    return {"badge": ctx.actor.badge, "name": ctx.actor.name, "workstation": ctx.workstation}


@service_action(EXPORT)
def record_export(session: Session, ctx: Context, plan: ExportPlan,
                  files: ExportFiles) -> ExportResult:
    """Books the written files, holds the source video for the case so retention cannot
    remove it (F.5), and audits the export (F.4)."""
    authorize(session, ctx, Permission.EXPORT_EVIDENCE, action=EXPORT, object_type="camera",
              object_id=plan.device_id)
    covered = plan.covered
    hold = add_hold(session, ctx, plan.case_number, f"evidence export {files.stem}",
                    {"scope": "video", "device_id": plan.device_id, "from_at": covered.start,
                     "to_at": covered.end})
    clip = files.clip
    row = EvidenceExport(
        device_id=plan.device_id, from_at=covered.start, to_at=covered.end,
        case_number=plan.case_number, report_number=plan.report_number, purpose=plan.purpose,
        exported_by=ctx.actor.badge, clip_path=str(clip.path), clip_sha256=clip.sha256,
        clip_bytes=clip.size_bytes, manifest_path=str(files.manifest_path),
        manifest_sha256=files.manifest_sha256, hold_id=hold.id, created_at=ctx.now())
    session.add(row)
    session.flush()
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=EXPORT, object_type="camera", object_id=plan.camera["id"],
                 reason=plan.purpose,
                 details={"export": files.stem, "case": plan.case_number,
                          "report": plan.report_number, "from": covered.start.isoformat(),
                          "to": covered.end.isoformat(),
                          "requested_from": plan.start.isoformat(),
                          "requested_to": plan.end.isoformat(),
                          "gaps": [[g.start.isoformat(), g.end.isoformat()]
                                   for g in plan.gaps],
                          "clip_sha256": clip.sha256,
                          "manifest_sha256": files.manifest_sha256,
                          "segments": [s.sha256 for s in plan.segments], "hold": hold.id,
                          **plan.recipient})
    return ExportResult(row.id, clip.path, clip.sha256, files.manifest_path,
                        files.manifest_sha256, clip.frames, hold.id, covered, plan.gaps,
                        tuple(o.path for o in files.originals))


@service_action(EXPORT)
def write_export(ctx: Context, plan: ExportPlan, out_dir: str | Path) -> ExportFiles:
    """The clip and its manifest, written outside any transaction (encoding is slow; run it
    with `runner.attempt`). Refused when a source segment changed since it was recorded
    (F.4) or its copy among the originals does not match, when the folder cannot be
    written, or when no frame falls in the range."""
    try:
        files = write_export_files(plan, out_dir, _exporter_of(ctx), ctx.now())
    except ValueError as exc:
        raise Refused(f"Export of camera {plan.camera['id']} refused: {exc}. Report it to an "
                      "ALPR administrator.", clause="F.4", object_type="camera",
                      object_id=plan.camera["id"]) from None
    except OSError as exc:
        raise InputRejected(f"cannot write the export into {out_dir}: "
                            f"{exc.strerror or exc}") from None
    if files is None:
        raise InputRejected(f"no recorded frame of {plan.camera['id']} falls in that range")
    return files
