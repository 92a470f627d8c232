"""ALPR read generator for the demo and the tests: real vendor formats POSTed to the webhook."""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import logging
import math
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import cv2
import numpy as np

from rtic_console.domain.devices import DeviceKind
from rtic_console.domain.hotlist_index import ocr_key
from rtic_console.domain.plates import OCR_EQUIVALENTS, normalize_plate
from rtic_console.feeds.read_formats import FORMATS
from rtic_console.feeds.webhook_server import TOKEN_HEADER
from rtic_console.services.demo_seed import DEMO_DEVICES

logger = logging.getLogger(__name__)

VENDOR_FORMATS = tuple(f for f in FORMATS if f != "csv")
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_BOUNDARY = "rticSimBoundary0525"
_MOBILE_STEP_DEG = 0.0004


@dataclass(frozen=True)
class SimDevice:
    """A reader: fixed at its place, or mobile and wandering from it; speaks one vendor format."""

    code: str
    latitude: float
    longitude: float
    mobile: bool = False
    fmt: str = "openalpr"


@dataclass(frozen=True)
class SimulatorConfig:
    url: str  # the webhook base, e.g. http://127.0.0.1:8765/alpr
    devices: tuple[SimDevice, ...]
    rate: float = 2.0  # reads per second, across all devices
    count: int | None = None
    duration_s: float | None = None
    hot_plates: tuple[str, ...] = ()
    hot_share: float = 0.02
    variant_share: float = 0.5  # of hot reads, how many are read with one OCR substitution
    seed: int = 525
    heartbeat_s: float = 60.0
    token: str | None = None
    images: bool = True
    concurrency: int = 64
    retries: int = 2


@dataclass(frozen=True)
class SentRead:
    """What was sent, so a test or benchmark can check it arrived once and hit when it should."""

    fmt: str
    device: str
    plate: str
    hot: str | None
    source_id: str | None  # the vendor's own read id, where the format carries one
    posted_at: float  # time.time() when the POST began
    answered_at: float
    status: int | None


@dataclass(frozen=True)
class PreparedPost:
    """A read's POST built ahead of its time, for a load generator that must not spend its
    core building payloads while it times the receiver (benchmarks/webhook_load.py)."""

    route: str  # after the webhook base, e.g. "openalpr"
    body: bytes
    content_type: str
    due_s: float  # seconds after the run's start
    sent: SentRead  # posted_at, answered_at and status still to be filled in


@dataclass
class SimulatorReport:
    sent: list[SentRead] = field(default_factory=list)
    heartbeats: int = 0
    statuses: Counter[int | None] = field(default_factory=Counter)
    elapsed_s: float = 0.0


def demo_devices(formats: Sequence[str] = VENDOR_FORMATS) -> tuple[SimDevice, ...]:
    """The demo's ALPR readers, each given one of `formats` in turn."""
    readers = [d for d in DEMO_DEVICES if d[2] in (DeviceKind.ALPR_FIXED, DeviceKind.ALPR_MOBILE)]
    return tuple(SimDevice(d[0], d[6], d[7], d[2] is DeviceKind.ALPR_MOBILE,
                           formats[i % len(formats)]) for i, d in enumerate(readers))


def plate_crop_jpeg(plate: str) -> bytes:
    """A small, plausible plate crop: dark characters on a light plate with a border."""
    image = np.full((44, 150, 3), 232, np.uint8)
    cv2.rectangle(image, (2, 2), (147, 41), (60, 60, 60), 2)
    cv2.putText(image, plate, (8, 33), cv2.FONT_HERSHEY_SIMPLEX, 0.95, (30, 30, 120), 2)
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 70])
    if not ok:
        raise RuntimeError("OpenCV could not encode the plate crop")
    return encoded.tobytes()


@dataclass
class _Read:
    device: SimDevice
    plate: str
    hot: str | None
    candidates: list[tuple[str, float]]
    confidence: float
    at_ms: int
    latitude: float
    longitude: float
    heading: float
    uid: str


class _ReadFactory:
    """Seeded plates, places and confusable candidates; random plates never hit by accident."""

    def __init__(self, config: SimulatorConfig) -> None:
        self._rng = random.Random(config.seed)
        self._cfg = config
        self._hot = [normalize_plate(p) for p in config.hot_plates]
        self._hot_keys = {ocr_key(p) for p in self._hot}
        self._where = {d.code: [d.latitude, d.longitude, self._rng.uniform(0, 360)]
                       for d in config.devices}
        self._last_ms: dict[str, int] = {}
        self._seconds: dict[str, tuple[int, set[str]]] = {}

    def variant(self, plate: str) -> str:
        spots = [i for i, ch in enumerate(plate) if ch in OCR_EQUIVALENTS]
        if not spots:
            return plate
        i = self._rng.choice(spots)
        return plate[:i] + self._rng.choice(sorted(OCR_EQUIVALENTS[plate[i]])) + plate[i + 1:]

    def _random_plate(self) -> str:
        rng = self._rng
        while True:
            letters = "".join(rng.choice(_LETTERS) for _ in range(3))
            plate = rng.choice((f"{rng.randint(1, 9)}{letters}{rng.randint(0, 999):03d}",
                                f"{letters}{rng.randint(0, 9999):04d}"))
            if ocr_key(plate) not in self._hot_keys:
                return plate

    def next(self, now_ms: int | None = None) -> _Read:
        """The next read, captured now or at `now_ms` (a read prepared for a later send)."""
        rng, cfg = self._rng, self._cfg
        device = rng.choice(cfg.devices)
        hot = rng.choice(self._hot) if self._hot and rng.random() < cfg.hot_share else None
        plate = self._random_plate() if hot is None else (
            self.variant(hot) if rng.random() < cfg.variant_share else hot)
        now_ms = int(time.time() * 1000) if now_ms is None else now_ms
        at_ms = max(now_ms, self._last_ms.get(device.code, 0) + 1)  # vendor ids stay unique
        self._last_ms[device.code] = at_ms
        second, used = self._seconds.get(device.code, (-1, set()))
        if at_ms // 1000 != second:
            second, used = at_ms // 1000, set()
        if plate in used:  # second-resolution formats would merge the two reads
            plate, hot = self._random_plate(), None
        used.add(plate)
        self._seconds[device.code] = (second, used)
        where = self._where[device.code]
        if device.mobile:
            where[2] = (where[2] + rng.uniform(-25, 25)) % 360
            where[0] += _MOBILE_STEP_DEG * math.cos(math.radians(where[2]))
            where[1] += _MOBILE_STEP_DEG * math.sin(math.radians(where[2]))
        others = {self.variant(plate) for _ in range(3)} - {plate}
        confidence = round(rng.uniform(80, 97), 1)
        candidates = [(p, round(confidence - rng.uniform(2, 15), 1)) for p in sorted(others)]
        return _Read(device, plate, hot, candidates, confidence, at_ms, round(where[0], 6),
                     round(where[1], 6), round(where[2], 1), f"{rng.getrandbits(64):016x}")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _multipart(json_text: str, jpeg: bytes) -> bytes:
    head = (f'--{_BOUNDARY}\r\nContent-Disposition: form-data; name="json"\r\n'
            f"Content-Type: application/json\r\n\r\n{json_text}\r\n--{_BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="upload"; filename="frame.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n")
    return head.encode() + jpeg + f"\r\n--{_BOUNDARY}--\r\n".encode()


def _openalpr(read: _Read, agent: str, jpeg: bytes | None) -> tuple[str, bytes, str, str]:
    uuid = f"{agent}-{read.device.code}-{read.at_ms}"
    best: dict[str, object] = {"plate": read.plate, "confidence": read.confidence,
                               "matches_template": 1, "region": "us-ca"}
    if jpeg is not None:
        best["plate_crop_jpeg"] = _b64(jpeg)
    group = {
        "version": 3, "data_type": "alpr_group", "epoch_start": read.at_ms,
        "epoch_end": read.at_ms + 1500, "agent_uid": agent, "agent_type": "alprd",
        "camera_id": read.device.code, "best_uuid": uuid, "uuids": [uuid],
        "best_plate_number": read.plate, "best_confidence": read.confidence,
        "best_region": "us-ca", "matches_template": True, "best_plate": best,
        "candidates": [{"plate": read.plate, "confidence": read.confidence,
                        "matches_template": True}]
        + [{"plate": p, "confidence": c, "matches_template": False} for p, c in read.candidates],
        "gps_latitude": read.latitude, "gps_longitude": read.longitude,
        "travel_direction": read.heading,
        "vehicle": {"color": [{"name": "silver", "confidence": 71.2}],
                    "make": [{"name": "toyota", "confidence": 64.0}],
                    "body_type": [{"name": "sedan-standard", "confidence": 80.5}]},
    }
    return "openalpr", json.dumps(group).encode(), "application/json", uuid


def _platerecognizer(read: _Read, jpeg: bytes | None) -> tuple[str, bytes, str, None]:
    at = datetime.fromtimestamp(read.at_ms / 1000, UTC).isoformat(timespec="milliseconds")
    doc = {"hook": {"target": "rtic", "id": 1, "event": "recognition"},
           "data": {"camera_id": read.device.code, "timestamp": at.replace("+00:00", "Z"),
                    "results": [{
                        "plate": read.plate.lower(), "score": read.confidence / 100,
                        "dscore": 0.8, "region": {"code": "us-ca", "score": 0.9},
                        "candidates": [{"plate": p.lower(), "score": c / 100}
                                       for p, c in read.candidates],
                        "vehicle": {"type": "Sedan", "score": 0.8},
                        "direction": int(read.heading)}]}}
    text = json.dumps(doc)
    if jpeg is None:
        return "platerecognizer", text.encode(), "application/json", None
    return ("platerecognizer", _multipart(text, jpeg),
            f"multipart/form-data; boundary={_BOUNDARY}", None)


def _frigate(read: _Read) -> tuple[str, bytes, str, None]:
    doc = {"type": "lpr", "id": f"{read.at_ms / 1000:.6f}-{read.uid[:6]}", "name": None,
           "plate": read.plate, "score": read.confidence / 100, "camera": read.device.code,
           "timestamp": read.at_ms / 1000}
    return ("frigate?topic=frigate/tracked_object_update", json.dumps(doc).encode(),
            "application/json", None)


def _genetec(read: _Read, jpeg: bytes | None) -> tuple[str, bytes, str, None]:
    at = datetime.fromtimestamp(read.at_ms / 1000, UTC)
    doc = {"Plate": read.plate, "State": "CA", "ConfidenceScore": f"{read.confidence:.0f}",
           "DateUtc": at.strftime("%m/%d/%Y"), "TimeUtc": at.strftime("%H:%M:%S"),
           "Latitude": f"{read.latitude}", "Longitude": f"{read.longitude}",
           "CameraName": read.device.code,
           "Attributes": {"VehicleType": "Sedan", "Color": "Silver", "Make": "Toyota"}}
    if jpeg is not None:
        doc["PlateImage"] = _b64(jpeg)
    return "genetec", json.dumps(doc).encode(), "application/json", None


class AlprSimulator:
    """Sends reads at a steady rate until its count or duration is reached, or stop() is called."""

    def __init__(self, config: SimulatorConfig) -> None:
        if config.count is None and config.duration_s is None:
            raise ValueError("a simulator run is bounded: give a count or a duration")
        if config.rate <= 0 or not config.devices:
            raise ValueError("the simulator needs a positive rate and at least one device")
        self.config = config
        self._factory = _ReadFactory(config)
        self._agent = f"{random.Random(config.seed).getrandbits(160):040x}"
        self._stopping = asyncio.Event()
        self._headers = {TOKEN_HEADER: config.token} if config.token else {}

    def stop(self) -> None:
        self._stopping.set()

    def prepared(self, start: float) -> list[PreparedPost]:
        """Every read of a run that starts at `start` (time.time()), captured at its due
        time, as the POST to send then. Heartbeats are left out."""
        cfg = self.config
        bounds = [cfg.count, None if cfg.duration_s is None else int(cfg.rate * cfg.duration_s)]
        count = min(b for b in bounds if b is not None)  # the constructor ensures one is set
        posts = []
        for n in range(count):
            due = n / cfg.rate
            read = self._factory.next(int((start + due) * 1000))
            route, body, content_type, source_id = self._payload(read)
            posts.append(PreparedPost(route, body, content_type, due, SentRead(
                read.device.fmt, read.device.code, read.plate, read.hot, source_id,
                0.0, 0.0, None)))
        return posts

    def _payload(self, read: _Read) -> tuple[str, bytes, str, str | None]:
        jpeg = plate_crop_jpeg(read.plate) if self.config.images else None
        fmt = read.device.fmt
        if fmt == "openalpr":
            return _openalpr(read, self._agent, jpeg)
        if fmt == "platerecognizer":
            return _platerecognizer(read, jpeg)
        if fmt == "frigate":
            return _frigate(read)
        return _genetec(read, jpeg)

    async def _post(self, http: aiohttp.ClientSession, route: str, body: bytes,
                    content_type: str) -> int | None:
        url = f"{self.config.url.rstrip('/')}/{route}"
        headers = {**self._headers, "Content-Type": content_type}
        status: int | None = None
        for attempt in range(self.config.retries + 1):
            try:
                async with http.post(url, data=body, headers=headers) as response:
                    await response.read()
                    status = response.status
            except (aiohttp.ClientError, TimeoutError) as exc:
                logger.debug("simulator POST failed: %s", type(exc).__name__)
                status = None
            if status is not None and status != 503:
                return status
            if attempt < self.config.retries:
                await asyncio.sleep(0.25 * 2**attempt)
        return status

    async def _send(self, http: aiohttp.ClientSession, read: _Read,
                    report: SimulatorReport) -> None:
        route, body, content_type, source_id = self._payload(read)
        posted = time.time()
        status = await self._post(http, route, body, content_type)
        report.statuses[status] += 1
        report.sent.append(SentRead(read.device.fmt, read.device.code, read.plate, read.hot,
                                    source_id, posted, time.time(), status))

    async def _heartbeats(self, http: aiohttp.ClientSession, report: SimulatorReport) -> None:
        streams = [d.code for d in self.config.devices if d.fmt == "openalpr"]
        while streams:
            now_ms = int(time.time() * 1000)
            beat = {"data_type": "heartbeat", "version": 2, "agent_uid": self._agent,
                    "agent_type": "alprd", "timestamp": now_ms,
                    "video_streams": [{"camera_id": code, "camera_name": code, "fps": 15.0,
                                       "is_streaming": True, "last_update": now_ms}
                                      for code in streams]}
            if await self._post(http, "openalpr", json.dumps(beat).encode(),
                                "application/json") in (200, 202):
                report.heartbeats += 1
            await asyncio.sleep(self.config.heartbeat_s)

    async def run(self) -> SimulatorReport:
        cfg, report = self.config, SimulatorReport()
        loop = asyncio.get_running_loop()
        start = loop.time()
        limit = asyncio.Semaphore(cfg.concurrency)
        pending: set[asyncio.Task[None]] = set()
        timeout = aiohttp.ClientTimeout(total=15)
        # aiohttp's connector holds 100 connections by default: more requests would queue
        # inside the client, timed as if the receiver were slow.
        connector = aiohttp.TCPConnector(limit=cfg.concurrency)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as http:
            beats = asyncio.create_task(self._heartbeats(http, report))
            n = 0
            while not self._stopping.is_set() and (cfg.count is None or n < cfg.count):
                due = start + n / cfg.rate
                if cfg.duration_s is not None and due - start >= cfg.duration_s:
                    break
                if due > loop.time():
                    await asyncio.sleep(due - loop.time())
                await limit.acquire()
                task = asyncio.create_task(self._send(http, self._factory.next(), report))
                pending.add(task)
                task.add_done_callback(lambda t: (pending.discard(t), limit.release()))
                n += 1
            await asyncio.gather(*pending)
            beats.cancel()
            await asyncio.gather(beats, return_exceptions=True)
        report.elapsed_s = loop.time() - start
        return report


def _device(spec: str, fmt: str) -> SimDevice:
    parts = spec.split(":")
    if len(parts) < 3:
        raise argparse.ArgumentTypeError(f"device {spec!r}: write CODE:LAT:LON[:mobile][:FORMAT]")
    extra = parts[3:]
    given = next((p for p in extra if p in VENDOR_FORMATS), fmt)
    return SimDevice(parts[0], float(parts[1]), float(parts[2]), "mobile" in extra, given)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="webhook base, e.g. http://127.0.0.1:8765/alpr")
    parser.add_argument("--rate", type=float, default=2.0, help="reads per second")
    parser.add_argument("--duration", type=float, help="seconds to run")
    parser.add_argument("--count", type=int, help="reads to send")
    parser.add_argument("--device", action="append", default=[],
                        help="CODE:LAT:LON[:mobile][:FORMAT] (repeatable; default: demo readers)")
    parser.add_argument("--formats", default=",".join(VENDOR_FORMATS),
                        help="vendor formats given to the devices in turn")
    parser.add_argument("--hot-plates", default="", help="comma-separated listed plates")
    parser.add_argument("--hot-plates-file", type=Path, help="one listed plate per line")
    parser.add_argument("--hot-share", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=525)
    parser.add_argument("--no-images", action="store_true")
    parser.add_argument("--token-env", metavar="NAME", help="environment variable with the token")
    args = parser.parse_args(argv)
    formats = [f for f in args.formats.split(",") if f in VENDOR_FORMATS] or ["openalpr"]
    devices = (tuple(_device(s, formats[i % len(formats)]) for i, s in enumerate(args.device))
               or demo_devices(formats))
    hot = [p for p in args.hot_plates.split(",") if p.strip()]
    if args.hot_plates_file:
        hot += [ln.strip() for ln in args.hot_plates_file.read_text().splitlines() if ln.strip()]
    config = SimulatorConfig(
        url=args.url, devices=devices, rate=args.rate, count=args.count,
        duration_s=args.duration if args.duration or args.count else 60.0,
        hot_plates=tuple(hot), hot_share=args.hot_share, seed=args.seed,
        token=os.environ.get(args.token_env) if args.token_env else None,
        images=not args.no_images)
    report = asyncio.run(AlprSimulator(config).run())
    good = sum(n for status, n in report.statuses.items() if status in (200, 202))
    print(json.dumps({"sent": len(report.sent), "accepted": good,
                      "hot": sum(1 for r in report.sent if r.hot), "heartbeats": report.heartbeats,
                      "statuses": {str(k): v for k, v in report.statuses.items()},
                      "elapsed_s": round(report.elapsed_s, 2)}))
    return 0 if good == len(report.sent) else 1


if __name__ == "__main__":
    sys.exit(main())
