"""Helpers the PSCN tests share: cameras, donor agreements, a fixed clock, real segment files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import cv2
import numpy as np

from rtic_console.services import cameras, donors
from rtic_console.services.cameras import CameraInput, CameraView
from rtic_console.services.clip_export import file_sha256
from rtic_console.services.context import Context
from rtic_console.services.donors import AgreementInput, AgreementView
from rtic_console.services.recordings import SegmentInfo
from rtic_console.services.runner import perform
from rtic_console.store.database import Database

WHOLE_DAY = (time(0), time.max)


@dataclass(frozen=True)
class At(Context):
    """The same person, with the clock stopped at `moment`."""

    moment: datetime = field(default_factory=lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return self.moment


def at(ctx: Context, moment: datetime) -> At:
    return At(ctx.actor, ctx.settings, ctx.station, moment)


def add_camera(db: Database, ctx: Context, code: str, category: str = "agency",
               **changes: object) -> CameraView:
    data = CameraInput(code=code, name=f"Camera {code}", category=category,
                       stream_url=f"rtsp://viewer:s3cret@10.1.2.3:554/{code}", area="Downtown")
    return perform(db, ctx, cameras.add_camera, CameraInput(**{**data.__dict__, **changes}))


def agreement(codes: tuple[str, ...], **changes: object) -> AgreementInput:
    now = datetime.now(UTC)
    data = AgreementInput(
        reference="DA-2026-001", donor_name="Golden 1 Center", donor_contact="ops@example.org",
        camera_codes=codes, purpose_and_manner="Live view of the plaza during events only",
        allowed_hours={day: (WHOLE_DAY,) for day in range(7)},
        effective_at=now - timedelta(days=10), expires_at=now + timedelta(days=200),
        retrieval_process="Call the donor's security desk; they export and hand over footage",
        mask_polygons=(((0.0, 0.0), (0.5, 0.0), (0.5, 0.5)),),
        allowed_workstations=("TEST-WS-01",))
    return AgreementInput(**{**data.__dict__, **changes})


def add_agreement(db: Database, ctx: Context, codes: tuple[str, ...],
                  **changes: object) -> AgreementView:
    return perform(db, ctx, donors.create_agreement, agreement(codes, **changes))


def write_segment(folder: Path, device_id: int, started_at: datetime, frames: int,
                  fps: float = 5.0, size: tuple[int, int] = (160, 90),
                  first: int = 0) -> SegmentInfo:
    """A real MJPEG/AVI segment whose frame n is filled with grey level (first + n) * 8 % 256,
    so a test can tell which frames a clip holds."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"seg-{device_id}-{started_at:%Y%m%dT%H%M%S%f}.avi"
    writer = cv2.VideoWriter(str(path), cv2.CAP_OPENCV_MJPEG, cv2.VideoWriter_fourcc(*"MJPG"),
                             fps, size)
    for n in range(frames):
        writer.write(np.full((size[1], size[0], 3), (first + n) * 8 % 256, np.uint8))
    writer.release()
    return SegmentInfo(device_id, str(path), started_at,
                       started_at + timedelta(seconds=frames / fps), frames, fps, size[0],
                       size[1], path.stat().st_size, file_sha256(path))


def grey_levels(path: Path) -> list[int]:
    """The grey level of each frame of a video file, as decoded, measured on the lower half
    (an evidence clip burns its capture time into the top)."""
    capture = cv2.VideoCapture(str(path))
    levels = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        levels.append(round(float(frame[frame.shape[0] // 2:].mean())))
    capture.release()
    return levels
