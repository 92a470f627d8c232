"""Evidence clip files (F.4): recorded segments joined into one MJPEG AVI, hashed, with a
JSON manifest beside it.

An AVI cannot be joined by concatenating bytes (each file has its own header and index), and
OpenCV cannot copy compressed frames from one file to another, so the frames in range are
decoded and encoded again as MJPEG at quality 95. The clip is what is viewed; the source
segments stay byte for byte as recorded, are checked against the hashes taken when they
were indexed, listed with those hashes in the manifest, and held for the case by the export.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import cv2

from rtic_console.store.private_files import FILE_MODE, private_file, private_folder

logger = logging.getLogger(__name__)

CLIP_QUALITY = 95
CONTAINER = "AVI, Motion JPEG (MJPG)"


@dataclass(frozen=True)
class SourceSegment:
    id: int
    path: str
    started_at: datetime
    ended_at: datetime
    fps: float
    sha256: str


@dataclass(frozen=True)
class ClipFile:
    path: Path
    sha256: str
    size_bytes: int
    frames: int
    fps: float
    width: int
    height: int
    first_frame_at: datetime
    last_frame_at: datetime
    resized_segments: tuple[int, ...]  # ids of segments scaled to the clip's frame size


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def altered_sources(segments: Sequence[SourceSegment]) -> list[str]:
    """Names each segment that is missing or no longer matches its recorded hash."""
    problems = []
    for segment in segments:
        try:
            if file_sha256(segment.path) != segment.sha256:
                problems.append(f"{Path(segment.path).name} no longer matches its recorded hash")
        except OSError as exc:
            problems.append(f"{Path(segment.path).name} cannot be read ({exc.strerror})")
    return problems


def write_clip(segments: Sequence[SourceSegment], start: datetime, end: datetime,
               path: Path) -> ClipFile | None:
    """Writes every frame whose display interval overlaps [start, end), or returns None (and
    writes nothing) when no frame does. A frame's time is its segment's start plus its index
    over the segment's rate: the recorder writes at a constant rate for that reason."""
    writer: cv2.VideoWriter | None = None
    size, fps, frames, resized = (0, 0), 0.0, 0, []
    first = last = start
    try:
        for segment in segments:
            capture = cv2.VideoCapture(segment.path, cv2.CAP_ANY)
            step = timedelta(seconds=1 / segment.fps)
            index = 0
            try:
                while True:
                    at = segment.started_at + index * step
                    if at >= end or not capture.grab():
                        break
                    index += 1
                    if at + step <= start:
                        continue  # grabbed but not decoded
                    ok, frame = capture.retrieve()
                    if not ok:
                        logger.warning("frame %d of %s would not decode", index, segment.path)
                        continue
                    if writer is None:
                        size, fps = (frame.shape[1], frame.shape[0]), segment.fps
                        writer = _open_writer(path, fps, size)
                        first = at
                    if (frame.shape[1], frame.shape[0]) != size:
                        frame = cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
                        if segment.id not in resized:
                            resized.append(segment.id)
                    writer.write(frame)
                    frames, last = frames + 1, at
            finally:
                capture.release()
    finally:
        if writer is not None:
            writer.release()
    if writer is None:
        return None
    return ClipFile(path, file_sha256(path), path.stat().st_size, frames, fps, size[0], size[1],
                    first, last, tuple(resized))


def _open_writer(path: Path, fps: float, size: tuple[int, int]) -> cv2.VideoWriter:
    private_file(path)  # evidence video: readable by the exporting account only
    writer = cv2.VideoWriter(str(path), cv2.CAP_OPENCV_MJPEG, cv2.VideoWriter_fourcc(*"MJPG"),
                             fps, size, [cv2.VIDEOWRITER_PROP_QUALITY, CLIP_QUALITY])
    if not writer.isOpened():
        path.unlink(missing_ok=True)
        raise OSError(f"cannot write the clip {path}")
    return writer


@dataclass(frozen=True)
class ExportPlan:
    """A checked export request: what to write, decided in a short read transaction so the
    slow encoding holds no database lock."""

    device_id: int
    camera: Mapping[str, Any]  # id (code), name, category, address
    start: datetime
    end: datetime
    case_number: str
    report_number: str | None
    purpose: str
    segments: tuple[SourceSegment, ...]
    # Who receives the clip (C.3), as the audit event and manifest record it.
    recipient: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ExportFiles:
    stem: str
    clip: ClipFile
    manifest_path: Path
    manifest_sha256: str


def _free_stem(folder: Path, base: str) -> str:
    """Never overwrite evidence: the first name whose clip and manifest are both free."""
    stem, n = base, 1
    while (folder / f"{stem}.avi").exists() or (folder / f"{stem}.manifest.json").exists():
        n += 1
        stem = f"{base}-{n}"
    return stem


def write_export_files(plan: ExportPlan, out_dir: str | Path, exporter: Mapping[str, Any],
                       created: datetime) -> ExportFiles | None:
    """Writes `<camera>-<from>-<to>.avi` and `.manifest.json`; None when no recorded frame
    falls in the range. Refuses (ValueError) segments altered since they were recorded."""
    if problems := altered_sources(plan.segments):
        raise ValueError("; ".join(problems))
    folder = private_folder(out_dir)
    stem = _free_stem(folder, f"{plan.camera['id']}-{plan.start:%Y%m%dT%H%M%SZ}-"
                              f"{plan.end:%Y%m%dT%H%M%SZ}")
    clip = write_clip(plan.segments, plan.start, plan.end, folder / f"{stem}.avi")
    if clip is None:
        return None
    manifest_path = folder / f"{stem}.manifest.json"
    manifest = _manifest(stem, created, plan, exporter, clip)
    return ExportFiles(stem, clip, manifest_path, write_manifest(manifest_path, manifest))


def _manifest(stem: str, created: datetime, plan: ExportPlan, exporter: Mapping[str, Any],
              clip: ClipFile) -> dict[str, Any]:
    """Everything the evidence repository books with the clip. Gaps are stretches with no
    recording between segments: the clip skips them rather than filling them."""
    segments = plan.segments
    return {
        "export": stem, "created_utc": created.isoformat(), "camera": dict(plan.camera),
        "from_utc": plan.start.isoformat(), "to_utc": plan.end.isoformat(),
        "exporter": dict(exporter), "case_number": plan.case_number,
        "report_number": plan.report_number, "purpose": plan.purpose,
        "recipient": dict(plan.recipient),
        "clip": {"file": clip.path.name, "sha256": clip.sha256, "bytes": clip.size_bytes,
                 "container": CONTAINER, "frames": clip.frames, "fps": clip.fps,
                 "width": clip.width, "height": clip.height,
                 "first_frame_utc": clip.first_frame_at.isoformat(),
                 "last_frame_utc": clip.last_frame_at.isoformat(),
                 "resized_segments": [Path(s.path).name for s in segments
                                      if s.id in clip.resized_segments]},
        "segments": [{"file": Path(s.path).name, "sha256": s.sha256,
                      "started_utc": s.started_at.isoformat(),
                      "ended_utc": s.ended_at.isoformat(), "fps": s.fps} for s in segments],
        "gaps": [{"from_utc": a.ended_at.isoformat(), "to_utc": b.started_at.isoformat()}
                 for a, b in pairwise(segments) if b.started_at > a.ended_at],
    }


def write_manifest(path: Path, manifest: dict[str, Any]) -> str:
    """Writes the manifest once, never over an existing file (0600), and returns its SHA-256."""
    data = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE), "wb") as f:
        f.write(data)
    return hashlib.sha256(data).hexdigest()
