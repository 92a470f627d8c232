"""Evidence clip files (F.4): recorded segments joined into one MP4 (H.264) clip stamped
with each frame's capture time, the original segment files beside it, and a JSON manifest
that states what the export holds: the range actually covered, every gap in the range asked
for, the hashes of the clip and of each original.

Segments cannot be joined by concatenating bytes, and a player needs one codec it knows, so
the frames in range are decoded and encoded again as H.264 through PyAV (libx264). The clip
is what is viewed; the originals are copied byte for byte, checked against the hashes taken
when they were indexed, listed with those hashes in the manifest, and held for the case by
the export.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rtic_console.domain.recording_coverage import Span
from rtic_console.store.private_files import FILE_MODE, private_file, private_folder

if TYPE_CHECKING:
    import numpy as np

logger = logging.getLogger(__name__)

VIDEO_CODEC = "libx264"
CLIP_CRF = 18  # visually lossless for evidence; the originals are kept beside it anyway
CLIP_PRESET = "veryfast"  # an hour of 1080p encodes in minutes on a console's CPU, not hours
CONTAINER = "MP4, H.264 (AVC), yuv420p"
CLIP_SUFFIX = ".mp4"
ORIGINALS_SUFFIX = ".originals"


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
               path: Path, camera_code: str) -> ClipFile | None:
    """Writes every frame whose display interval overlaps [start, end), each stamped with its
    capture time, or returns None (and writes nothing) when no frame does. A frame's time is
    its segment's start plus its index over the segment's rate: the recorder writes at a
    constant rate for that reason."""
    # PyAV and OpenCV load with the first clip, not with the services that plan and record
    # exports (every start of the console reads those).
    import cv2

    writer: ClipWriter | None = None
    frames, resized = 0, []
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
                        writer = ClipWriter(path, segment.fps, frame.shape[1], frame.shape[0])
                        first = at
                    if writer.write(stamp_frame(frame, camera_code, at)) \
                            and segment.id not in resized:
                        resized.append(segment.id)
                    frames, last = frames + 1, at
            finally:
                capture.release()
    except BaseException:
        if writer is not None:
            writer.abandon()
        raise
    if writer is None:
        return None
    writer.close()
    return ClipFile(path, file_sha256(path), path.stat().st_size, frames, writer.fps,
                    writer.width, writer.height, first, last, tuple(resized))


def stamp_frame(frame: np.ndarray, camera_code: str, at: datetime) -> np.ndarray:
    """The frame with its camera and capture time burned in at the top left, white on a
    dark band, so the time travels with the picture whatever player shows it."""
    import cv2

    text = f"{camera_code}  {at.astimezone(UTC):%Y-%m-%d %H:%M:%S}.{at.microsecond // 1000:03d} UTC"
    height = frame.shape[0]
    scale = max(0.3, height / 900)
    thickness = max(1, round(scale * 2))
    (width, text_h), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)
    pad = max(2, text_h // 3)
    stamped = frame.copy()
    cv2.rectangle(stamped, (0, 0), (width + 2 * pad, text_h + base + 2 * pad), (0, 0, 0),
                  cv2.FILLED)
    cv2.putText(stamped, text, (pad, pad + text_h), cv2.FONT_HERSHEY_SIMPLEX, scale,
                (255, 255, 255), thickness, cv2.LINE_AA)
    return stamped


class ClipWriter:
    """An MP4 with H.264 (libx264, yuv420p, `+faststart`), which common players open, written
    through PyAV into a 0600 file. H.264 in 4:2:0 needs an even frame size: an odd edge
    loses its last row or column. Frames of another size are scaled to the first's."""

    def __init__(self, path: Path, fps: float, width: int, height: int) -> None:
        import av

        private_file(path)  # evidence video: readable by the exporting account only
        self.path, self.fps = path, fps
        self.width, self.height = width - width % 2, height - height % 2
        try:
            self._container = av.open(str(path), mode="w", format="mp4",
                                      options={"movflags": "+faststart"})
            self._stream = self._container.add_stream(
                VIDEO_CODEC, rate=Fraction(fps).limit_denominator(1001),
                options={"crf": str(CLIP_CRF), "preset": CLIP_PRESET})
        except (av.FFmpegError, ValueError) as exc:
            path.unlink(missing_ok=True)
            raise OSError(f"cannot write the clip {path}: {exc}") from None
        self._stream.width, self._stream.height = self.width, self.height
        self._stream.pix_fmt = "yuv420p"
        self._count = 0

    def write(self, frame: np.ndarray) -> bool:
        """Encodes one BGR frame; True when it had to be scaled to the clip's size."""
        import av
        import cv2
        import numpy as np

        even = (frame.shape[1] - frame.shape[1] % 2, frame.shape[0] - frame.shape[0] % 2)
        scaled = even != (self.width, self.height)
        frame = (cv2.resize(frame, (self.width, self.height), interpolation=cv2.INTER_AREA)
                 if scaled else frame[:self.height, :self.width])
        video = av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="bgr24")
        video.pts = self._count
        self._count += 1
        for packet in self._stream.encode(video):
            self._container.mux(packet)
        return scaled

    def close(self) -> None:
        for packet in self._stream.encode():
            self._container.mux(packet)
        self._container.close()

    def abandon(self) -> None:
        """A failed export leaves no half clip behind."""
        import av

        with contextlib.suppress(av.FFmpegError):
            self._container.close()
        self.path.unlink(missing_ok=True)


@dataclass(frozen=True)
class ExportPlan:
    """A checked export request: what to write, decided in a short read transaction so the
    slow encoding holds no database lock. `start`/`end` are the range asked for, `covered`
    what the recordings hold of it, `gaps` every stretch of it with no recording."""

    device_id: int
    camera: Mapping[str, Any]  # id (code), name, category, address
    start: datetime
    end: datetime
    case_number: str
    report_number: str | None
    purpose: str
    segments: tuple[SourceSegment, ...]
    covered: Span
    gaps: tuple[Span, ...] = ()
    # Who receives the clip (C.3), as the audit event and manifest record it.
    recipient: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OriginalFile:
    """A source segment copied byte for byte beside the clip, its copy hashed again."""

    path: Path
    sha256: str
    size_bytes: int


@dataclass(frozen=True)
class ExportFiles:
    stem: str
    clip: ClipFile
    manifest_path: Path
    manifest_sha256: str
    originals: tuple[OriginalFile, ...] = ()


def _free_stem(folder: Path, base: str) -> str:
    """Never overwrite evidence: the first name whose clip, originals and manifest are free."""
    stem, n = base, 1
    while any((folder / f"{stem}{suffix}").exists()
              for suffix in (CLIP_SUFFIX, ORIGINALS_SUFFIX, ".manifest.json")):
        n += 1
        stem = f"{base}-{n}"
    return stem


def copy_originals(segments: Sequence[SourceSegment], folder: Path) -> tuple[OriginalFile, ...]:
    """Copies each segment into `folder` (0700, files 0600) and checks each copy against the
    hash taken when the segment was indexed (ValueError when one differs)."""
    private_folder(folder)
    copies = []
    for segment in segments:
        target = private_file(folder / Path(segment.path).name)
        shutil.copyfile(segment.path, target)
        digest = file_sha256(target)
        if digest != segment.sha256:
            raise ValueError(f"{target.name} no longer matches its recorded hash")
        copies.append(OriginalFile(target, digest, target.stat().st_size))
    return tuple(copies)


def write_export_files(plan: ExportPlan, out_dir: str | Path, exporter: Mapping[str, Any],
                       created: datetime) -> ExportFiles | None:
    """Writes `<camera>-<from>-<to>.mp4` named after the range the recordings cover, the
    originals in `<stem>.originals/` and `<stem>.manifest.json`; None when no recorded frame
    falls in the range. Refuses (ValueError) segments altered since they were recorded."""
    if problems := altered_sources(plan.segments):
        raise ValueError("; ".join(problems))
    folder = private_folder(out_dir)
    covered = plan.covered
    stem = _free_stem(folder, f"{plan.camera['id']}-{covered.start:%Y%m%dT%H%M%SZ}-"
                              f"{covered.end:%Y%m%dT%H%M%SZ}")
    clip = write_clip(plan.segments, plan.start, plan.end, folder / f"{stem}{CLIP_SUFFIX}",
                      str(plan.camera["id"]))
    if clip is None:
        return None
    originals_dir = folder / f"{stem}{ORIGINALS_SUFFIX}"
    try:
        originals = copy_originals(plan.segments, originals_dir)
    except BaseException:
        clip.path.unlink(missing_ok=True)
        shutil.rmtree(originals_dir, ignore_errors=True)
        raise
    manifest_path = folder / f"{stem}.manifest.json"
    manifest = _manifest(stem, created, plan, exporter, clip, originals)
    return ExportFiles(stem, clip, manifest_path, write_manifest(manifest_path, manifest),
                       originals)


def _span_json(span: Span) -> dict[str, Any]:
    return {"from_utc": span.start.isoformat(), "to_utc": span.end.isoformat(),
            "seconds": round(span.duration.total_seconds(), 3)}


def _manifest(stem: str, created: datetime, plan: ExportPlan, exporter: Mapping[str, Any],
              clip: ClipFile, originals: Sequence[OriginalFile]) -> dict[str, Any]:
    """Everything the evidence repository books with the clip. `from_utc`/`to_utc` are the
    range the recordings cover, `requested` the range asked for, `gaps` every stretch of
    it with no recording (before, between and after the segments): the clip skips them
    rather than filling them, and each frame shows its capture time."""
    segments = plan.segments
    return {
        "export": stem, "created_utc": created.isoformat(), "camera": dict(plan.camera),
        "from_utc": plan.covered.start.isoformat(), "to_utc": plan.covered.end.isoformat(),
        "requested": _span_json(Span(plan.start, plan.end)),
        "exporter": dict(exporter), "case_number": plan.case_number,
        "report_number": plan.report_number, "purpose": plan.purpose,
        "recipient": dict(plan.recipient),
        "clip": {"file": clip.path.name, "sha256": clip.sha256, "bytes": clip.size_bytes,
                 "container": CONTAINER, "frames": clip.frames, "fps": clip.fps,
                 "width": clip.width, "height": clip.height,
                 "timestamps": "capture time (UTC) burned into each frame, top left",
                 "first_frame_utc": clip.first_frame_at.isoformat(),
                 "last_frame_utc": clip.last_frame_at.isoformat(),
                 "resized_segments": [Path(s.path).name for s in segments
                                      if s.id in clip.resized_segments]},
        "segments": [{"file": Path(s.path).name, "sha256": s.sha256,
                      "started_utc": s.started_at.isoformat(),
                      "ended_utc": s.ended_at.isoformat(), "fps": s.fps} for s in segments],
        "originals": {"folder": f"{stem}{ORIGINALS_SUFFIX}",
                      "note": "the source segments byte for byte, since the clip is "
                              "re-encoded; each hash matches the one taken at recording",
                      "files": [{"file": o.path.name, "sha256": o.sha256,
                                 "bytes": o.size_bytes} for o in originals]},
        "gaps": [_span_json(g) for g in plan.gaps],
    }


def write_manifest(path: Path, manifest: dict[str, Any]) -> str:
    """Writes the manifest once, never over an existing file (0600), and returns its SHA-256."""
    data = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE), "wb") as f:
        f.write(data)
    return hashlib.sha256(data).hexdigest()
