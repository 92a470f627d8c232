"""Recorded video for the screenshots and demo: a few minutes of two agency cameras with the
gaps real recordings have (a late start, an outage), written as the recorder writes them
(MJPEG/AVI segments at a constant rate) and indexed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np

from rtic_console.services.clip_export import file_sha256
from rtic_console.services.recordings import SegmentInfo, index_segment
from rtic_console.store.database import Database
from rtic_console.store.private_files import private_file

FPS = 2.0
SIZE = (480, 270)


@dataclass(frozen=True)
class DemoRecording:
    camera_id: int
    code: str
    # (seconds after the start, seconds long) of each segment
    segments: tuple[tuple[int, int], ...]


def _frame(code: str, at: datetime, n: int) -> np.ndarray:
    """A street-like picture: sky, road, a car crossing, the camera and time written on it."""
    width, height = SIZE
    frame = np.zeros((height, width, 3), np.uint8)
    frame[: height // 2] = (150, 120, 90)
    frame[height // 2:] = (70, 70, 70)
    cv2.line(frame, (0, height * 3 // 4), (width, height * 3 // 4), (220, 220, 220), 2)
    x = int((n * 9) % (width + 80)) - 80
    cv2.rectangle(frame, (x, height * 3 // 4 - 30), (x + 80, height * 3 // 4 + 8),
                  (40, 40, 180), cv2.FILLED)
    cv2.putText(frame, f"{code} {at:%H:%M:%S}", (8, height - 10), cv2.FONT_HERSHEY_SIMPLEX,
                0.5, (255, 255, 255), 1, cv2.LINE_AA)
    return frame


def _write(folder: Path, code: str, device_id: int, start: datetime,
           seconds: int) -> SegmentInfo:
    path = private_file(folder / code / f"{code}-{start:%Y%m%dT%H%M%S}Z.avi")
    writer = cv2.VideoWriter(str(path), cv2.CAP_OPENCV_MJPEG, cv2.VideoWriter_fourcc(*"MJPG"),
                             FPS, SIZE)
    frames = int(seconds * FPS)
    for n in range(frames):
        writer.write(_frame(code, start + timedelta(seconds=n / FPS), n))
    writer.release()
    return SegmentInfo(device_id, str(path), start, start + timedelta(seconds=frames / FPS),
                       frames, FPS, SIZE[0], SIZE[1], path.stat().st_size, file_sha256(path))


def seed_demo_recordings(db: Database, folder: Path, start: datetime,
                         recordings: tuple[DemoRecording, ...]) -> None:
    """Writes and indexes each camera's segments, from `start` (UTC)."""
    start = start.astimezone(UTC)
    for recording in recordings:
        for offset, seconds in recording.segments:
            segment = _write(folder, recording.code, recording.camera_id,
                             start + timedelta(seconds=offset), seconds)
            with db.write() as session:
                index_segment(session, segment)
