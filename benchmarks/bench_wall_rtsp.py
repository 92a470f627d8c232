"""The video wall on RTSP: 16 tiles on H.264 (then H.265) sub-streams plus one large view on
a 1920×1080 main stream, against a bare FFmpeg (PyAV) decode of the same streams, as JSON.

Targets (issue 17): wall CPU <= 1.10 x the bare decode's, measured in the same run; p95 age
of a frame when painted <= 150 ms; resident memory <= 700 MB. The streams come from the real
GStreamer RTSP server (feeds/rtsp_camera_server.py) in its own process, so its encoding is not
counted. Like for like, the bare decode opens each stream with the wall's options, decodes it
on one thread, and makes the picture the wall paints (BGRA fitted to the tile, or to the large
view) with the wall's own conversion (display_fit.fit_picture, one scaler per stream); it runs
twice after the wall and their mean is the baseline. A third run decodes only (no picture
made), for the ratio to decoding alone. Tiles share `--mounts` distinct sub-streams (the
server encodes each once, however many read it): decoding costs the same. Hardware decoding
is tried with every device type this FFmpeg was built with, and the outcome reported.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import av
from av.codec.hwaccel import HWAccel, hwdevices_available
from av.video.reformatter import VideoReformatter
from bench_capture_baseline import rss_mb
from bench_wall import run_wall

from rtic_console.feeds.display_fit import fit_picture
from rtic_console.feeds.rtsp_server_process import RtspServerProcess, encoders
from rtic_console.feeds.rtsp_source import rtsp_options

SUB, MAIN = "640x360@15", "1920x1080@15"


def bare_decode(urls: list[str], boxes: list[list[int] | None], warmup: float,
                seconds: float) -> dict[str, object]:
    """One thread per stream: open as the wall does, decode, and fit each picture to its box
    as the wall does (a box of None: decode only)."""
    stop = threading.Event()
    counts = [0] * len(urls)
    failed: dict[int, str] = {}

    def read(index: int) -> None:
        box = boxes[index]
        reformatter = VideoReformatter()
        try:
            with av.open(urls[index], options=rtsp_options("tcp", 5.0),
                         timeout=5.0) as container:
                stream = container.streams.video[0]
                stream.codec_context.thread_count = 1  # as the wall's capture does
                for packet in container.demux(stream):
                    for frame in packet.decode():
                        if box is not None:
                            fit_picture(frame, (box[0], box[1]), reformatter)
                        counts[index] += 1
                    if stop.is_set():
                        return
        except Exception as exc:  # reported: a stream that died must not pass for a cheap one
            failed[index] = f"{type(exc).__name__}: {exc}"

    threads = [threading.Thread(target=read, args=(i,), daemon=True) for i in range(len(urls))]
    for thread in threads:
        thread.start()
    time.sleep(warmup)
    frames0, cpu0, wall0 = sum(counts), time.process_time(), time.monotonic()
    time.sleep(seconds)
    wall = time.monotonic() - wall0
    result = {"cpu_s_per_wall_s": round((time.process_time() - cpu0) / wall, 3),
              "frames_per_s": round((sum(counts) - frames0) / wall, 1),
              "rss_mb": round(rss_mb(), 1), "streams_failed": dict(failed)}
    stop.set()
    for thread in threads:
        thread.join(10)
    return result


def run_bare(urls: list[str], boxes: list[list[int] | None], warmup: float,
             seconds: float) -> dict:
    """In a process of its own, so its CPU is its own."""
    out = subprocess.run([sys.executable, __file__, "--bare", json.dumps([urls, boxes]),
                          "--warmup", str(warmup), "--seconds", str(seconds)],
                         capture_output=True, text=True, check=True, timeout=seconds * 4 + 60)
    return json.loads(out.stdout)


def run_wall_process(urls: list[str], large: str, warmup: float, seconds: float) -> dict:
    out = subprocess.run([sys.executable, __file__, "--wall", json.dumps([urls, large]),
                          "--warmup", str(warmup), "--seconds", str(seconds)],
                         capture_output=True, text=True, check=True, timeout=seconds * 4 + 120)
    return json.loads(out.stdout)


def measure(codec: str, streams: int, mounts: int, warmup: float, seconds: float) -> dict:
    server = RtspServerProcess.start([f"sub{i}={codec}:{SUB}" for i in range(mounts)]
                                     + [f"main={codec}:{MAIN}"])
    try:
        urls = [server.url(f"sub{i % mounts}") for i in range(streams)]
        wall = run_wall_process(urls, server.url("main"), warmup, seconds)
        everything = [*urls, server.url("main")]
        # The picture the wall paints: fitted to a tile's picture, and to the large view's.
        boxes = [wall["tile_picture_size"]] * streams + [wall["large_view_picture_size"]]
        baselines = [run_bare(everything, boxes, warmup, seconds) for _ in range(2)]
        decode_only = run_bare(everything, [None] * len(everything), warmup, seconds)
        hardware = hardware_decoding(server.url("main"))
    finally:
        server.stop()
    if any(run["streams_failed"] for run in [*baselines, decode_only]):
        return {"codec": codec, "error": "a stream of the bare decode failed: no ratio",
                "baseline_runs": baselines, "decode_only": decode_only, "wall": wall,
                "hardware_decoding": hardware, "meets_targets": False}
    baseline = statistics.mean(float(b["cpu_s_per_wall_s"]) for b in baselines)
    ratio = float(wall["cpu_s_per_wall_s"]) / baseline
    age = wall["frame_age_p95_ms"]
    return {"codec": codec, "baseline_cpu_s_per_wall_s": round(baseline, 3),
            "baseline_runs": baselines, "decode_only": decode_only, "wall": wall,
            "cpu_ratio_to_baseline": round(ratio, 3),
            "cpu_ratio_to_decode_only": round(float(wall["cpu_s_per_wall_s"])
                                              / float(decode_only["cpu_s_per_wall_s"]), 3),
            "hardware_decoding": hardware,
            "meets_targets": ratio <= 1.10 and age is not None and age <= 150
            and float(wall["rss_mb"]) <= 700}


def hardware_decoding(url: str) -> dict[str, object]:
    """Whether any hardware decoder works here: each device type FFmpeg was built with is
    asked to decode one picture of `url`, with no fall-back to software. Reported as found,
    never left out: the wall decodes in software, so a working device is only noted."""
    tried: dict[str, str] = {}
    for device in hwdevices_available():
        try:
            accel = HWAccel(device_type=device, allow_software_fallback=False)
            with av.open(url, options=rtsp_options("tcp", 5.0), timeout=5.0,
                         hwaccel=accel) as container:
                next(container.decode(container.streams.video[0]))
            tried[device] = "decoded a picture"
        except Exception as exc:
            tried[device] = f"unavailable: {type(exc).__name__}: {exc}"
    working = [device for device, outcome in tried.items() if outcome == "decoded a picture"]
    return {"available": bool(working), "device_types_built_in": hwdevices_available(),
            "dev_dri_present": os.path.exists("/dev/dri"), "tried": tried,
            "note": "no hardware decoder works on this machine: every figure is software "
                    "decoding" if not working else
                    f"{', '.join(working)} decoded a picture; not used by the wall"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codec", choices=("h264", "h265", "both"), default="both")
    parser.add_argument("--streams", type=int, default=16)
    parser.add_argument("--mounts", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--warmup", type=float, default=4.0)
    parser.add_argument("--bare", help=argparse.SUPPRESS)
    parser.add_argument("--wall", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        urls, boxes = json.loads(args.bare)
        print(json.dumps(bare_decode(urls, boxes, args.warmup, args.seconds)))
        return
    if args.wall:
        urls, large = json.loads(args.wall)
        result = run_wall(urls, args.warmup, args.seconds, large_url=large)
        print(json.dumps(result))
        return
    codecs = [c for c in (("h264", "h265") if args.codec == "both" else (args.codec,))
              if c in encoders()]
    if not codecs:
        sys.exit("GStreamer's RTSP server is not installed (installer/install_system_libs.sh)")
    results = [measure(codec, args.streams, args.mounts, args.warmup, args.seconds)
               for codec in codecs]
    print(json.dumps({
        "benchmark": "video_wall_rtsp", "streams": args.streams, "sub_stream": SUB,
        "main_stream": MAIN, "distinct_sub_streams": args.mounts, "seconds": args.seconds,
        "baseline": "bare PyAV decode, one thread a stream, each picture fitted to the "
                    "wall's tile or large view size as BGRA by the wall's own conversion",
        "cpu_count": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2),
        "pyav": av.__version__, "results": results}, indent=2))


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    os._exit(0)  # Qt's and FFmpeg's threads need not be torn down in order: the figures are out
