"""The video wall at 16 tiles against a bare OpenCV read loop over the same streams, as JSON.

Targets (issue 4): wall CPU <= 1.25 x the bare loop's; p95 age of a frame when it is painted
<= 150 ms; resident memory <= 700 MB; camera chosen to first frame on its tile p95 <= 1.5 s.
Every tile must paint every frame its stream sends (15 fps): frames the wall decoded but never
painted are counted. The simulator runs in its own process, so the figures are the reader's
alone; the bare loop runs before and after the wall and their mean is the baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import PySide6
from bench_capture_baseline import rss_mb, stat_cpu_s
from PySide6.QtCore import QObject, QRect, QTimer
from PySide6.QtWidgets import QApplication

from rtic_console.domain.devices import DeviceCategory
from rtic_console.feeds.video_capture import CaptureWorker
from rtic_console.startup_objects import freeze_startup_objects
from rtic_console.ui.wall.camera_tile import CameraTile, TileCamera
from rtic_console.ui.wall.tile_grid import TileGrid
from rtic_console.ui.wall.video_wall_widget import PAINT_INTERVAL_MS


def p95(values: list[float]) -> float | None:
    return round(statistics.quantiles(values, n=20)[18], 1) if len(values) >= 20 else None


def thread_cpu_s() -> dict[int, float]:
    """CPU seconds of each thread of this process by native id (Linux); {} elsewhere."""
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return {}
    cpu = {int(tid): stat_cpu_s(f"/proc/self/task/{tid}/stat") for tid in tasks}
    return {tid: seconds for tid, seconds in cpu.items() if seconds is not None}


def drops_none_references() -> bool:
    """PySide6 6.12.0 on CPython 3.11 (where None is not immortal) loses a reference to None
    on every call of a method returning void; a 16-tile wall makes over a thousand such calls
    a second, and the interpreter aborts with "none_dealloc" within a minute. Measured, not
    guessed from version numbers."""
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(100):
        probe.setObjectName("probe")
    return sys.getrefcount(None) < before - 50


def run_baseline(streams: int, warmup: float, seconds: float) -> float:
    """The bare loop in a process of its own: FFmpeg's threads and Qt's do not mix at exit."""
    script = Path(__file__).resolve().parent / "bench_capture_baseline.py"
    out = subprocess.run([sys.executable, str(script), "--mode", "opencv", "--streams",
                          str(streams), "--seconds", str(seconds), "--warmup", str(warmup)],
                         capture_output=True, text=True, check=True, timeout=seconds * 4 + 60)
    return float(json.loads(out.stdout)["cpu_s_per_wall_s"])


def _size(rect: QRect) -> list[int]:
    return [rect.width(), rect.height()]


@dataclass(frozen=True)
class Snapshot:
    """The counters at one end of the measured window."""

    cpu_s: float
    wall_s: float
    threads: dict[int, float]
    painted: list[int]  # frames each tile has painted
    taken: list[int]  # sequence number of the newest frame each tile has taken

    @classmethod
    def of(cls, grid: TileGrid) -> Snapshot:
        return cls(time.process_time(), time.monotonic(), thread_cpu_s(),
                   [tile.frames_painted for tile in grid.tiles], [tile._seq for tile in grid.tiles])


def run_wall(urls: list[str], warmup: float, seconds: float,
             large_url: str | None = None) -> dict[str, object]:
    """With `large_url`, a large view (a tile in a 1024×600 window, as LargeViewDialog has)
    plays that stream beside the wall, and its figures are reported apart."""
    app = QApplication.instance() or QApplication([])
    freeze_startup_objects()  # as the console does before sign-in (app.py)
    grid = TileGrid()
    grid.set_grid(4)
    grid.resize(1600, 900)
    grid.show()
    large = None
    if large_url is not None:
        large = CameraTile(len(urls))
        large.resize(1024, 560)
        large.show()
    app.processEvents()
    started: dict[int, float] = {}
    first_frame_s: dict[int, float] = {}
    for i, (tile, url) in enumerate(zip(grid.tiles, urls, strict=True)):
        camera = TileCamera(i, f"CAM-{i:02d}", f"Bench {i}", DeviceCategory.AGENCY, url)
        started[i] = time.monotonic()
        tile.show_camera(camera, lambda url=url, i=i: CaptureWorker(url, camera_id=f"b{i}"))
    if large is not None:
        camera = TileCamera(99, "CAM-LARGE", "Large view", DeviceCategory.AGENCY, large_url)
        large.show_camera(camera, lambda: CaptureWorker(large_url, camera_id="large"))
    marks: list[Snapshot] = []
    large_painted: list[int] = []

    def poll() -> None:
        grid.poll()  # what the wall's paint timer does
        if large is not None:
            large.poll()
        now = time.monotonic()
        for tile in grid.tiles:
            if tile.index not in first_frame_s and tile.frames_painted:
                first_frame_s[tile.index] = now - started[tile.index]

    def begin_measure() -> None:
        for tile in [*grid.tiles, *([large] if large is not None else [])]:
            tile.frame_ages_ms.clear()
            tile.record_ages = True
        marks.append(Snapshot.of(grid))
        large_painted.append(large.frames_painted if large is not None else 0)

    def end_measure() -> None:
        marks.append(Snapshot.of(grid))
        large_painted.append(large.frames_painted if large is not None else 0)
        app.quit()

    timer = QTimer()
    timer.setInterval(PAINT_INTERVAL_MS)
    timer.timeout.connect(poll)
    timer.start()
    QTimer.singleShot(int(warmup * 1000), begin_measure)
    QTimer.singleShot(int((warmup + seconds) * 1000), end_measure)
    app.exec()
    start, end = marks
    wall = end.wall_s - start.wall_s
    cpu = (end.cpu_s - start.cpu_s) / wall
    gui = threading.get_native_id()
    gui_cpu = (end.threads[gui] - start.threads[gui]) / wall if gui in end.threads else None
    painted = [b - a for a, b in zip(start.painted, end.painted, strict=True)]
    taken = [b - a for a, b in zip(start.taken, end.taken, strict=True)]
    tile_fps = sorted(n / wall for n in painted)
    ages = [a for tile in grid.tiles for a in tile.frame_ages_ms]
    memory = rss_mb()
    timer.stop()
    extra: dict[str, object] = {}
    if large is not None:
        extra = {"large_view_fps": round((large_painted[1] - large_painted[0]) / wall, 1),
                 "large_view_target_size": large.worker.target_size if large.worker else None,
                 "tile_target_size": grid.tiles[0].worker.target_size
                 if grid.tiles[0].worker else None,
                 "tile_size": [grid.tiles[0].width(), grid.tiles[0].height()],
                 "tile_picture_size": _size(grid.tiles[0].picture_rect()),
                 "large_view_size": [large.width(), large.height()],
                 "large_view_picture_size": _size(large.picture_rect()),
                 "large_view_frame_age_p95_ms": p95(large.frame_ages_ms),
                 "large_view_frame_shape": list(large.worker.latest()[0].shape)
                 if large.worker is not None and large.worker.latest() else None}
        ages += large.frame_ages_ms
        retired = large.clear()
        if retired is not None:
            retired.stop()
    grid.shutdown()
    grid.deleteLater()
    app.processEvents()
    return {"cpu_s_per_wall_s": round(cpu, 3),
            "gui_thread_cpu_s_per_wall_s": None if gui_cpu is None else round(gui_cpu, 3),
            "capture_threads_cpu_s_per_wall_s": None if gui_cpu is None
            else round(cpu - gui_cpu, 3),
            "frames_painted_per_s": round(sum(painted) / wall, 1),
            "frames_not_painted": sum(taken) - sum(painted),
            "tile_fps_min": round(tile_fps[0], 1),
            "tile_fps_median": round(statistics.median(tile_fps), 1),
            "frame_age_p50_ms": round(statistics.median(ages), 1) if ages else None,
            "frame_age_p95_ms": p95(ages), "rss_mb": round(memory, 1),
            "first_frame_p95_s": p95(sorted(first_frame_s.values()) * 2)
            if len(first_frame_s) >= 10 else None,
            "first_frame_max_s": round(max(first_frame_s.values()), 3) if first_frame_s
            else None, **extra}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    args = parser.parse_args()
    QApplication.instance() or QApplication([])
    if drops_none_references():
        sys.exit(f"PySide6 {PySide6.__version__} loses references to None on Python "
                 f"{platform.python_version()}; the wall would abort within a minute. "
                 "Use a PySide6 without this defect (6.11.x does not have it).")
    # The bare loop before and after the wall, so a change in the machine's load during the
    # run weighs on both sides of the ratio alike.
    baselines = [run_baseline(args.streams, args.warmup, args.seconds)]
    simulator = subprocess.Popen(
        [sys.executable, "-m", "rtic_console.feeds.camera_simulator", "--port", "0",
         "--streams", str(args.streams), "--size", "640x360", "--fps", "15",
         "--dropout-every", "0"], stdout=subprocess.PIPE, text=True)
    assert simulator.stdout is not None
    simulator.stdout.readline()
    urls = [simulator.stdout.readline().strip() for _ in range(args.streams)]
    try:
        wall = run_wall(urls, args.warmup, args.seconds)
    finally:
        simulator.terminate()
        simulator.wait(10)
    baselines.append(run_baseline(args.streams, args.warmup, args.seconds))
    baseline = statistics.mean(baselines)
    ratio = float(wall["cpu_s_per_wall_s"]) / baseline  # type: ignore[arg-type]
    age = wall["frame_age_p95_ms"]
    first = wall["first_frame_p95_s"]
    print(json.dumps({
        "benchmark": "video_wall", "streams": args.streams, "size": "640x360", "fps": 15,
        "seconds": args.seconds, "baseline_cpu_s_per_wall_s": round(baseline, 3),
        "baseline_runs": [round(b, 3) for b in baselines], **wall,
        "cpu_ratio_to_baseline": round(ratio, 3),
        "meets_targets": ratio <= 1.25 and age is not None and age <= 150
        and float(wall["rss_mb"]) <= 700 and first is not None and first <= 1.5  # type: ignore[arg-type, operator]
        and float(wall["frames_not_painted"])  # type: ignore[arg-type]
        <= 0.01 * float(wall["frames_painted_per_s"]) * args.seconds,  # type: ignore[arg-type]
    }, indent=2))


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    # Qt's and FFmpeg's threads need not be torn down in order: the figures are out.
    os._exit(0)
