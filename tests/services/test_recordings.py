"""Recorded video: never for donors (G.1), evidence clips with hash and manifest (F.4) whose
source video is held (F.5; the purge is tested in tests/services/test_retention_purge.py)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from rtic_console.domain.recipients import ExportRecipient
from rtic_console.services import evidence_holds, recordings
from rtic_console.services.context import Context, InputRejected, Refused
from rtic_console.services.evidence_export import export_evidence
from rtic_console.services.runner import perform, query
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.store.models import CameraSettings, DeviceHealthHour
from tests.refusals import assert_refused
from tests.services.pscn_support import add_camera, grey_levels, write_segment


def _events(db: Database, action: str) -> list:
    with db.read() as session:
        return list_events(session, AuditFilter(action=action))


def _index(db: Database, segment: recordings.SegmentInfo) -> int:
    with db.write() as session:
        return recordings.index_segment(session, segment)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.policy("G.1")
def test_donor_video_is_never_recorded_indexed_or_exported(db: Database, admin: Context,
                                                           tmp_path: Path) -> None:
    donor = add_camera(db, admin, "CAM-PD-01", "private_donor")
    agency = add_camera(db, admin, "CAM-AG-01", recording_enabled=True)
    add_camera(db, admin, "CAM-AG-02")
    with db.write() as session:  # a settings row set behind the service's back
        session.execute(update(CameraSettings).where(CameraSettings.device_id == donor.id)
                        .values(recording_enabled=True))
    with db.read() as session:
        assert [t.code for t in recordings.recording_targets(session)] == ["CAM-AG-01"]
    stray = write_segment(tmp_path / "rec", donor.id, datetime.now(UTC), 3)
    # The service itself, as the recorder calls it; the recorder audits the refusal
    # (tests/services/test_refusal_audit.py).
    with pytest.raises(Refused, match="never recorded") as info:
        _index(db, stray)
    assert info.value.clause == "G.1"
    assert not Path(stray.path).exists(), "a donor segment is deleted, not kept"
    start = datetime.now(UTC) - timedelta(minutes=5)
    refusal = assert_refused(db, lambda: export_evidence(
        db, admin, "CAM-PD-01", start, start + timedelta(minutes=1),
        "26-1234", None, "evidence collection", tmp_path / "out"),
        action="evidence.export", clause="G.1",
        match="never recorded, stored, snapshotted or exported", error=Refused)
    assert not (tmp_path / "out").exists() and refusal.object_id == "CAM-PD-01"
    assert_refused(db, lambda: export_evidence(
        db, admin, agency.id, start, start + timedelta(minutes=1),
        "26-1234", None, "evidence collection", tmp_path / "out",
        recipient=ExportRecipient.spd("26-1234")),
        action="evidence.export", match="no recording of CAM-AG-01", error=InputRejected)


@pytest.mark.policy("F.4")
def test_export_is_a_clip_with_its_hash_and_a_manifest(db: Database, admin: Context,
                                                       tmp_path: Path) -> None:
    camera = add_camera(db, admin, "CAM-AG-01", recording_enabled=True)
    t0 = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0)
    folder = tmp_path / "rec"
    segments = [write_segment(folder, camera.id, t0, 10, first=0),
                write_segment(folder, camera.id, t0 + timedelta(seconds=2), 10, first=10),
                write_segment(folder, camera.id, t0 + timedelta(seconds=6), 10, first=20)]
    for segment in segments:
        _index(db, segment)
    result = export_evidence(db, admin, "cam-ag-01",
                     t0 + timedelta(seconds=1), t0 + timedelta(seconds=7), " 26-004512 ",
                     "RPT-88", "Robbery at K St Mall", tmp_path / "evidence",
                     recipient=ExportRecipient.spd("26-004512"), allow_gaps=True)

    levels = grey_levels(result.clip_path)
    expected = [n * 8 for n in [*range(5, 10), *range(10, 20), *range(20, 25)]]
    assert len(levels) == result.frames == 20
    assert all(abs(a - b) <= 4 for a, b in zip(levels, expected, strict=True)), levels
    assert result.clip_sha256 == _sha(result.clip_path)
    manifest = json.loads(result.manifest_path.read_text())
    assert result.manifest_sha256 == _sha(result.manifest_path)
    assert manifest["clip"]["sha256"] == result.clip_sha256
    assert manifest["clip"]["file"] == result.clip_path.name
    assert manifest["camera"]["id"] == "CAM-AG-01" and manifest["exporter"]["badge"] == "1001"
    assert (manifest["case_number"], manifest["report_number"]) == ("26-004512", "RPT-88")
    assert manifest["purpose"] == "Robbery at K St Mall"
    assert manifest["recipient"]["recipient"] == "SPD internal use, case 26-004512"
    assert manifest["from_utc"] == (t0 + timedelta(seconds=1)).isoformat()
    assert [s["sha256"] for s in manifest["segments"]] == [s.sha256 for s in segments]
    assert manifest["gaps"] == [{"from_utc": (t0 + timedelta(seconds=4)).isoformat(),
                                 "to_utc": (t0 + timedelta(seconds=6)).isoformat(),
                                 "seconds": 2.0}]
    (event,) = _events(db, "evidence.export")
    assert event.details["clip_sha256"] == result.clip_sha256
    assert event.details["case"] == "26-004512" and event.reason == "Robbery at K St Mall"
    (hold,) = query(db, admin, evidence_holds.list_holds)
    assert hold.id == result.hold_id and hold.case_number == "26-004512"

    second = export_evidence(db, admin, camera.id, t0 + timedelta(seconds=1), t0
                     + timedelta(seconds=7), "26-004512", None, "same range",
                     tmp_path / "evidence", recipient=ExportRecipient.spd("26-004512"),
                     allow_gaps=True)
    assert second.clip_path != result.clip_path and result.clip_path.exists()
    with open(segments[2].path, "r+b") as f:
        f.seek(400)
        f.write(b"tampered")
    assert_refused(db, lambda: export_evidence(db, admin, camera.id, t0,
                                       t0 + timedelta(seconds=8), "26-004512", None, "again",
                                       tmp_path / "evidence",
                                       recipient=ExportRecipient.spd("26-004512"),
                                       allow_gaps=True),
                   action="evidence.export", clause="F.4",
                   match="no longer matches its recorded hash", error=Refused)


@pytest.mark.policy("F.2")
def test_playback_states_a_purpose(db: Database, admin: Context, tmp_path: Path) -> None:
    camera = add_camera(db, admin, "CAM-AG-01", recording_enabled=True)
    t0 = datetime.now(UTC) - timedelta(minutes=10)
    _index(db, write_segment(tmp_path, camera.id, t0, 5))
    assert_refused(db, lambda: perform(db, admin, recordings.playback_timeline, camera.id,
                                       t0, t0 + timedelta(minutes=1), None),
                   action="pscn.playback", clause="F.2", match="State why", error=Refused)
    timeline = perform(db, admin, recordings.playback_timeline, camera.id,
                       t0 - timedelta(minutes=1), t0 + timedelta(minutes=1),
                       "evidence_collection", "26-55")
    (segment,) = timeline.segments
    assert segment.frames == 5 and segment.started_at == t0
    (event,) = _events(db, "pscn.playback")
    assert event.details["purpose"] == "evidence_collection" and event.details["segments"] == 1
    with db.write() as session:
        session.execute(update(CameraSettings).values(recording_enabled=False))
        assert recordings.recording_targets(session) == []


@pytest.mark.policy("C.3")
def test_an_evidence_export_names_its_recipient(db: Database, admin: Context,
                                                tmp_path: Path) -> None:
    """Refused at the service, not only in the dialog: no recipient, another case, or a
    sharing request that was refused."""
    from rtic_console.services import sharing
    from rtic_console.services.agencies import AgencyInput, add_agency

    camera = add_camera(db, admin, "CAM-AG-01", recording_enabled=True)
    t0 = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0)
    _index(db, write_segment(tmp_path / "rec", camera.id, t0, 10))
    perform(db, admin, add_agency, AgencyInput("NV0020000", "Washoe SO", "NV", "county",
                                               learn_partner=True))
    refused = perform(db, admin, sharing.file_request, sharing.SharingInput(
        "NV0020000", "Det. B", "b@wc.example", "robbery", "W-1", plates="7ABC123",
        time_from=t0, time_to=t0 + timedelta(minutes=30)))
    for recipient, match in ((None, "names its recipient"),
                             (ExportRecipient.spd("26-9"), "names that case"),
                             (ExportRecipient.shared(refused.id), "refused under C.4")):
        assert_refused(db, lambda recipient=recipient: export_evidence(
            db, admin, camera.id, t0, t0 + timedelta(seconds=5), "26-004512", None,
            "evidence collection", tmp_path / "out", recipient=recipient),
            action="evidence.export", clause="C.3", match=match, error=Refused)
    assert not (tmp_path / "out").exists()


@pytest.mark.policy("D.2.b(1)")
def test_a_recorded_segment_counts_in_the_cameras_hourly_health(db: Database, admin: Context,
                                                                tmp_path: Path) -> None:
    camera = add_camera(db, admin, "CAM-AG-01", recording_enabled=True)
    t0 = datetime(2026, 11, 20, 9, 59, 58, tzinfo=UTC)  # spans 09:00 and 10:00
    _index(db, write_segment(tmp_path / "rec", camera.id, t0, 20))
    with db.read() as session:
        hours = sorted((r.hour.hour, r.heartbeats) for r in session.scalars(
            select(DeviceHealthHour).where(DeviceHealthHour.device_id == camera.id)))
    assert hours == [(9, 1), (10, 1)]


def test_the_recorder_uses_the_cameras_own_rtsp_transport(db: Database, admin: Context) -> None:
    add_camera(db, admin, "CAM-AG-01", recording_enabled=True)
    add_camera(db, admin, "CAM-AG-02", recording_enabled=True, stream_transport="udp")
    with db.read() as session:
        transports = {t.code: t.transport for t in recordings.recording_targets(session)}
    assert transports == {"CAM-AG-01": "tcp", "CAM-AG-02": "udp"}
