"""What recordings exist (the playback timeline: segments, gaps, holds) and evidence exports
that state exactly what they hold (F.4): the range covered, every gap, an H.264 MP4 whose
frames carry their capture time, and the original segments with their hashes."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import av
import cv2
import pytest

from rtic_console.domain.recipients import ExportRecipient
from rtic_console.domain.recording_coverage import Span
from rtic_console.services import evidence_holds, recordings
from rtic_console.services.context import Context, InputRejected
from rtic_console.services.evidence_export import ExportHasGaps, export_evidence
from rtic_console.services.runner import perform
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from tests.refusals import assert_refused
from tests.services.pscn_support import add_camera, grey_levels, write_segment

T0 = (datetime.now(UTC) - timedelta(hours=2)).replace(microsecond=0)


def _index(db: Database, segment: recordings.SegmentInfo) -> None:
    with db.write() as session:
        recordings.index_segment(session, segment)


def _events(db: Database) -> list:
    with db.read() as session:
        return list_events(session, AuditFilter())


def _export(db: Database, ctx: Context, camera: object, start: datetime, end: datetime,
            out: Path, **kwargs: object) -> recordings.ExportResult:
    return export_evidence(db, ctx, camera, start, end, "26-004512", "RPT-1",
                           "evidence collection", out,
                           recipient=ExportRecipient.spd("26-004512"), **kwargs)


def test_the_timeline_lists_segments_gaps_and_holds(db: Database, admin: Context,
                                                    tmp_path: Path) -> None:
    camera = add_camera(db, admin, "CAM-AG-01", recording_enabled=True)
    other = add_camera(db, admin, "CAM-AG-02", recording_enabled=True)
    for start, frames in ((T0 + timedelta(seconds=10), 10), (T0 + timedelta(seconds=12), 10),
                          (T0 + timedelta(seconds=20), 10)):
        _index(db, write_segment(tmp_path / "rec", camera.id, start, frames))
    _index(db, write_segment(tmp_path / "rec", other.id, T0, 10))
    perform(db, admin, evidence_holds.place_hold, evidence_holds.HoldRequest(
        "26-77", "robbery", camera="CAM-AG-01", start=T0 + timedelta(seconds=11),
        end=T0 + timedelta(minutes=5)))
    perform(db, admin, evidence_holds.place_hold, evidence_holds.HoldRequest(
        "26-78", "other camera", camera="CAM-AG-02", start=T0, end=T0 + timedelta(seconds=2)))

    timeline = perform(db, admin, recordings.playback_timeline, camera.id, T0,
                       T0 + timedelta(seconds=30), "evidence_collection", "26-77")
    assert timeline.camera_code == "CAM-AG-01"
    assert [s.started_at for s in timeline.segments] == [
        T0 + timedelta(seconds=s) for s in (10, 12, 20)]
    assert timeline.gaps == (Span(T0, T0 + timedelta(seconds=10)),
                             Span(T0 + timedelta(seconds=14), T0 + timedelta(seconds=20)),
                             Span(T0 + timedelta(seconds=22), T0 + timedelta(seconds=30)))
    (hold,) = timeline.holds
    assert hold.case_number == "26-77"
    assert hold.span == Span(T0 + timedelta(seconds=11), T0 + timedelta(seconds=30)), \
        "a hold is clipped to the range shown"


@pytest.mark.policy("F.4")
def test_a_late_start_is_named_and_its_gap_shown_before_anything_is_written(
        db: Database, admin: Context, tmp_path: Path) -> None:
    """Asked for 15 s, the recording began 11 s in and lasted 4 s: the export says so."""
    camera = add_camera(db, admin, "CAM-AG-01", recording_enabled=True)
    late = T0 + timedelta(seconds=11)
    segments = [write_segment(tmp_path / "rec", camera.id, late, 10, first=0),
                write_segment(tmp_path / "rec", camera.id, late + timedelta(seconds=2), 10,
                              first=10)]
    for segment in segments:
        _index(db, segment)
    asked = (T0, T0 + timedelta(seconds=15))
    out = tmp_path / "evidence"
    with pytest.raises(ExportHasGaps) as stopped:
        _export(db, admin, camera.id, *asked, out)
    assert not out.exists(), "nothing is written before the gaps are accepted"
    assert stopped.value.plan.covered == Span(late, late + timedelta(seconds=4))
    assert "Recorded:" in str(stopped.value) and "11 s" in str(stopped.value)

    result = _export(db, admin, camera.id, *asked, out, allow_gaps=True)
    assert result.covered == Span(late, late + timedelta(seconds=4))
    assert result.gaps == (Span(T0, late),)
    assert result.clip_path.name == (f"CAM-AG-01-{late:%Y%m%dT%H%M%SZ}-"
                                     f"{late + timedelta(seconds=4):%Y%m%dT%H%M%SZ}.mp4")
    manifest = json.loads(result.manifest_path.read_text())
    assert (manifest["from_utc"], manifest["to_utc"]) == (
        late.isoformat(), (late + timedelta(seconds=4)).isoformat())
    assert manifest["requested"] == {"from_utc": T0.isoformat(),
                                     "to_utc": asked[1].isoformat(), "seconds": 15.0}
    assert manifest["gaps"] == [{"from_utc": T0.isoformat(), "to_utc": late.isoformat(),
                                 "seconds": 11.0}]
    # The clip: H.264 in MP4, every frame decodable, each with its capture time.
    with av.open(str(result.clip_path)) as container:
        stream = container.streams.video[0]
        assert container.format.name.startswith("mov,mp4")
        assert stream.codec_context.name == "h264"
        decoded = [f.to_ndarray(format="bgr24") for f in container.decode(stream)]
    assert len(decoded) == result.frames == manifest["clip"]["frames"] == 20
    capture = cv2.VideoCapture(str(result.clip_path))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 20
    capture.release()
    assert [abs(level - n * 8) <= 4 for n, level in
            enumerate(grey_levels(result.clip_path))] == [True] * 20
    stamp = decoded[0][: decoded[0].shape[0] // 6, : decoded[0].shape[1] // 2]
    assert stamp.max() > 200 and stamp.min() < 20, "white capture time on a dark band"
    assert manifest["clip"]["first_frame_utc"] == late.isoformat()
    assert manifest["clip"]["last_frame_utc"] == (late + timedelta(seconds=3.8)).isoformat()
    assert "burned into each frame" in manifest["clip"]["timestamps"]
    # The originals, byte for byte, with hashes that verify.
    originals = manifest["originals"]
    folder = result.manifest_path.parent / originals["folder"]
    assert [o["sha256"] for o in originals["files"]] == [s.sha256 for s in segments]
    for entry, segment in zip(originals["files"], segments, strict=True):
        copy = folder / entry["file"]
        assert copy.read_bytes() == Path(segment.path).read_bytes()
        assert hashlib.sha256(copy.read_bytes()).hexdigest() == entry["sha256"]
    assert sorted(result.originals) == sorted(folder.iterdir())
    (event,) = [e for e in _events(db) if e.action == "evidence.export"]
    assert event.details["from"] == late.isoformat()
    assert event.details["requested_from"] == T0.isoformat()
    assert event.details["gaps"] == [[T0.isoformat(), late.isoformat()]]


@pytest.mark.policy("F.4")
def test_a_range_with_no_recording_is_refused_and_nothing_written(
        db: Database, admin: Context, tmp_path: Path) -> None:
    camera = add_camera(db, admin, "CAM-AG-01", recording_enabled=True)
    _index(db, write_segment(tmp_path / "rec", camera.id, T0, 10))
    later = T0 + timedelta(minutes=10)
    refusal = assert_refused(
        db, lambda: _export(db, admin, camera.id, later, later + timedelta(minutes=15),
                            tmp_path / "out", allow_gaps=True),
        action="evidence.export", match="no recording of CAM-AG-01 between",
        error=InputRejected)
    assert "nothing to export" in refusal.reason
    assert not (tmp_path / "out").exists()
