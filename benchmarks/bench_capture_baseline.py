"""Baseline for the video wall: a bare OpenCV read loop over 16 simulated cameras, as JSON.

The simulator runs in its own process so the figures are the reader's alone. The console-side
wall benchmark compares against this one (target: console CPU <= 1.25 x this baseline, p95
frame age when painted <= 150 ms). `--mode worker` runs the same streams through CaptureWorker
instead, to show what the capture layer costs on top of the bare loop; `--tile WxH` then
decodes for tiles of that size, as the wall does.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import cv2

from rtic_console.feeds.video_capture import CaptureWorker


def stat_cpu_s(path: str) -> float | None:
    """User plus system CPU seconds from a /proc stat file (a process's or a thread's);
    None where it is missing (not Linux, or the thread has ended)."""
    try:
        with open(path) as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_cpu_s(pid: int) -> float | None:
    """CPU seconds of another process (Linux); None where /proc is missing."""
    return stat_cpu_s(f"/proc/{pid}/stat")


def rss_mb() -> float:
    try:
        with open("/proc/self/status") as status:
            line = next(x for x in status if x.startswith("VmRSS:"))
        return int(line.split()[1]) / 1024
    except OSError:
        import resource  # POSIX only; ru_maxrss is the peak, in KiB on Linux

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bare_opencv(urls: list[str], counts: list[int], stop: threading.Event) -> Callable[[], None]:
    def read(index: int) -> None:
        capture = cv2.VideoCapture(urls[index], cv2.CAP_FFMPEG,
                                   [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, 5000,
                                    cv2.CAP_PROP_READ_TIMEOUT_MSEC, 5000])
        while not stop.is_set():
            ok, _ = capture.read()
            counts[index] += ok
        capture.release()

    threads = [threading.Thread(target=read, args=(i,), name=f"bench-{i}-Worker")
               for i in range(len(urls))]
    for thread in threads:
        thread.start()

    def join() -> None:
        for thread in threads:
            thread.join()

    return join


def capture_workers(urls: list[str], counts: list[int], tile: tuple[int, int] | None
                    ) -> Callable[[], None]:
    def counter(index: int) -> Callable[..., None]:
        def count(frame: object, meta: object) -> None:
            counts[index] += 1

        return count

    workers = [CaptureWorker(url, camera_id=f"bench{i}", on_frame=counter(i), target_size=tile)
               for i, url in enumerate(urls)]
    for worker in workers:
        worker.start()

    def join() -> None:
        for worker in workers:
            worker.request_stop()
        for worker in workers:
            worker.stop()

    return join


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=16)
    parser.add_argument("--size", default="640x360")
    parser.add_argument("--fps", type=float, default=15.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--mode", choices=("opencv", "worker"), default="opencv")
    parser.add_argument("--tile", help="WIDTHxHEIGHT the worker decodes for (worker mode)")
    args = parser.parse_args()
    tile = tuple(int(v) for v in args.tile.split("x")) if args.tile else None

    simulator = subprocess.Popen(
        [sys.executable, "-m", "rtic_console.feeds.camera_simulator", "--port", "0",
         "--streams", str(args.streams), "--size", args.size, "--fps", str(args.fps),
         "--dropout-every", "0"], stdout=subprocess.PIPE, text=True)
    assert simulator.stdout is not None
    simulator.stdout.readline()  # "listening on ..."
    urls = [simulator.stdout.readline().strip() for _ in range(args.streams)]
    counts = [0] * args.streams
    stop = threading.Event()
    try:
        join = (bare_opencv(urls, counts, stop) if args.mode == "opencv"
                else capture_workers(urls, counts, tile))
        time.sleep(args.warmup)
        frames0, cpu0, sim0, wall0 = sum(counts), time.process_time(), \
            process_cpu_s(simulator.pid), time.monotonic()
        per_stream0 = list(counts)
        time.sleep(args.seconds)
        wall = time.monotonic() - wall0
        frames, cpu, sim1 = sum(counts) - frames0, time.process_time() - cpu0, \
            process_cpu_s(simulator.pid)
        slowest = min(c - c0 for c, c0 in zip(counts, per_stream0, strict=True)) / wall
        memory = rss_mb()
        stop.set()
        join()
    finally:
        simulator.terminate()
        simulator.wait(10)

    print(json.dumps({
        "benchmark": "capture_baseline",
        "mode": args.mode,
        "tile": args.tile,
        "streams": args.streams,
        "size": args.size,
        "fps": args.fps,
        "seconds": round(wall, 2),
        "cpu_s_per_wall_s": round(cpu / wall, 3),
        "frames_per_s": round(frames / wall, 1),
        "frames_per_s_expected": args.streams * args.fps,
        "slowest_stream_fps": round(slowest, 1),
        "cpu_ms_per_frame": round(cpu / frames * 1000, 3) if frames else None,
        "rss_mb": round(memory, 1),
        "simulator_cpu_s_per_wall_s": round((sim1 - sim0) / wall, 3)
        if sim0 is not None and sim1 is not None else None,
        "cpu_count": os.cpu_count(),
        "opencv": cv2.__version__,
        "python": platform.python_version(),
    }, indent=2))


if __name__ == "__main__":
    main()
