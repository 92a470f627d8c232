"""RecorderWorker against the camera simulator: real sockets, real MJPEG/AVI files on disk."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from rtic_console.domain.recipients import ExportRecipient
from rtic_console.feeds.camera_simulator import CameraSimulator
from rtic_console.feeds.recorder import PARTIAL_SUFFIX, RecorderWorker, RecordingRefused
from rtic_console.services import recordings
from rtic_console.services.clip_export import file_sha256
from rtic_console.services.context import Context
from rtic_console.services.evidence_export import export_evidence
from rtic_console.services.recordings import SegmentInfo
from rtic_console.store.database import Database
from tests.services.pscn_support import add_camera, grey_levels

FAST_CAPTURE = {"stale_after_s": 0.5, "open_timeout_s": 2.0, "read_timeout_s": 1.0,
                "backoff_initial_s": 0.2, "backoff_max_s": 1.0}


@pytest.mark.policy("G.1")
def test_recorder_refuses_a_donor_camera(tmp_path: Path) -> None:
    with pytest.raises(RecordingRefused, match="never recorded") as info:
        RecorderWorker(7, "CAM-PD-01", "private_donor", tmp_path, url="http://127.0.0.1:9/x")
    assert info.value.clause == "G.1"
    assert not [t for t in threading.enumerate() if "CAM-PD-01" in t.name]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.policy("F.4")
def test_recorded_segments_are_indexed_and_exported(db: Database, admin: Context,
                                                    tmp_path: Path) -> None:
    camera = add_camera(db, admin, "CAM-AG-01", recording_enabled=True)
    finished: list[SegmentInfo] = []
    with CameraSimulator(["street"], size=(320, 180), fps=15) as sim:
        recorder = RecorderWorker(camera.id, "CAM-AG-01", "agency", tmp_path / "rec",
                                  url=sim.url("street"), on_segment=finished.append,
                                  segment_s=1.0, fps=10.0, capture_options=FAST_CAPTURE)
        recorder.start()
        deadline = time.monotonic() + 10
        while len(finished) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert recorder.stop(), "the recorder did not stop"
    assert len(finished) >= 2
    assert recorder.segments_written == len(finished)
    assert not list((tmp_path / "rec").rglob(f"*{PARTIAL_SUFFIX}"))
    for before, after in pairwise(finished):
        assert after.started_at == before.ended_at, "rolling segments leave no gap"
    for segment in finished[:2]:
        assert segment.frames == 10 and segment.ended_at - segment.started_at == \
            timedelta(seconds=1)
    for segment in finished:
        assert (segment.width, segment.height) == (320, 180)
        assert file_sha256(segment.path) == segment.sha256
        assert len(grey_levels(Path(segment.path))) == segment.frames
        with db.write() as session:
            recordings.index_segment(session, segment)

    start, end = finished[0].started_at, finished[1].ended_at
    result = export_evidence(db, admin, camera.id, start, end, "26-9001",
                     "RPT-1", "evidence collection", tmp_path / "evidence",
                     recipient=ExportRecipient.spd("26-9001"))
    manifest = json.loads(result.manifest_path.read_text())
    assert manifest["clip"]["sha256"] == result.clip_sha256 == file_sha256(result.clip_path)
    assert result.frames == 20 == len(grey_levels(result.clip_path))


def test_fed_frames_end_a_segment_on_silence_and_on_resolution_change(tmp_path: Path) -> None:
    finished: list[SegmentInfo] = []
    recorder = RecorderWorker(3, "CAM-CY-01", "city", tmp_path, on_segment=finished.append,
                              segment_s=60.0, fps=20.0, stale_after_s=0.3)
    recorder.start()
    try:
        for size in ((64, 48), (80, 60)):
            for n in range(10):
                recorder.feed(np.full((size[1], size[0], 3), n * 20, np.uint8))
                time.sleep(0.04)
            time.sleep(0.2 if size == (64, 48) else 0.0)
    finally:
        assert recorder.stop()
    assert [(s.width, s.height) for s in finished] == [(64, 48), (80, 60)]
    assert finished[1].started_at >= finished[0].ended_at
    assert all(s.frames >= 5 and Path(s.path).suffix == ".avi" for s in finished)
