"""The ALPR read generator speaks every vendor format to the real webhook, bounded and seeded."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import select

from rtic_console.feeds import alpr_simulator
from rtic_console.feeds.alpr_simulator import (
    AlprSimulator,
    SimulatorConfig,
    demo_devices,
    plate_crop_jpeg,
)
from rtic_console.services.context import Context
from rtic_console.services.demo_seed import DEMO_DEVICES
from rtic_console.services.hotlists import HotPlateInput, add_hot_plate
from rtic_console.services.runner import perform
from rtic_console.store.database import Database
from rtic_console.store.models import Detection, DetectionImage, Device, Hit, HitSighting
from tests.feeds.ingest_harness import ServiceThread, wait_for

HOT = ("7KQX214", "5RTB880")


def test_plate_crop_is_a_decodable_jpeg() -> None:
    image = cv2.imdecode(np.frombuffer(plate_crop_jpeg("7KQX214"), np.uint8), cv2.IMREAD_COLOR)
    assert image is not None and image.shape == (44, 150, 3)


def test_every_format_arrives_once_and_hot_reads_hit(
        db: Database, admin: Context, tmp_path: Path) -> None:
    with db.write() as session:
        for code, name, kind, category, *_ in DEMO_DEVICES:
            session.add(Device(code=code, name=name, kind=kind.value, category=category.value))
    for n, plate in enumerate(HOT):
        perform(db, admin, add_hot_plate, HotPlateInput(
            plate, "CA", "stolen_vehicle", f"24-00{n}", None, "SVS", f"V00000{n}"))
    devices = demo_devices()
    with ServiceThread(db, tmp_path / "spool.sqlite3") as server:
        config = SimulatorConfig(url=server.service.url + "/alpr", devices=devices, rate=200,
                                 count=120, hot_plates=HOT, hot_share=0.2, seed=11)
        report = asyncio.run(AlprSimulator(config).run())
        wait_for(lambda: server.health()["counts"]["stored"] == 120, 10)
    assert report.statuses == Counter({202: 120}) and report.heartbeats == 1
    sent = Counter(r.fmt for r in report.sent)
    assert set(sent) == {"openalpr", "platerecognizer", "frigate", "genetec"}
    with db.read() as session:
        stored = Counter(session.scalars(select(Detection.source_format)))
        unmatched = session.scalars(select(Detection).where(Detection.device_id.is_(None)))
        # Each hot read is matched once: its car's hit, or a sighting of that open hit.
        plates = dict(session.execute(select(Hit.detection_id, Hit.listed_plate)).all())
        plates |= dict(session.execute(select(HitSighting.detection_id, Hit.listed_plate)
                                       .join(Hit, Hit.id == HitSighting.hit_id)).all())
        hit_reads = session.execute(select(Detection.plate).where(Detection.id.in_(plates)))
        images = session.scalar(select(DetectionImage.id).limit(1))
        beat = session.scalars(select(Device).where(Device.code == devices[0].code)).one()
    assert stored == sent and list(unmatched) == []
    assert sorted(p for (p,) in hit_reads) == sorted(r.plate for r in report.sent if r.hot)
    assert set(plates.values()) <= set(HOT) and len(plates) == sum(1 for r in report.sent
                                                                   if r.hot) > 5
    assert images is not None and beat.is_streaming and beat.fps == pytest.approx(15.0)


def test_runs_are_bounded_and_reproducible() -> None:
    config = SimulatorConfig(url="http://127.0.0.1:9/alpr", devices=demo_devices(), count=1,
                             hot_plates=HOT, hot_share=0.5, seed=3)
    factories = [alpr_simulator._ReadFactory(replace(config, seed=seed)) for seed in (3, 3, 4)]
    plates = [[factory.next().plate for _ in range(20)] for factory in factories]
    assert plates[0] == plates[1] != plates[2]
    with pytest.raises(ValueError, match="bounded"):
        AlprSimulator(SimulatorConfig(url="x", devices=demo_devices()))


def test_prepared_posts_are_the_runs_reads_captured_at_their_due_times() -> None:
    """A load generator sends them later (benchmarks/webhook_load.py): each read says it
    was captured when its POST is due, and the run's bounds hold."""
    config = SimulatorConfig(url="http://127.0.0.1:9/alpr", devices=demo_devices(("openalpr",)),
                             rate=50.0, duration_s=2.0, count=500, hot_plates=HOT, seed=3)
    start = 1_800_000_000.0
    posts = AlprSimulator(config).prepared(start)
    assert len(posts) == 100  # the duration bounds the run before the count does
    assert [p.due_s for p in posts[:3]] == [0.0, 0.02, 0.04]
    for post in posts:
        group = json.loads(post.body)
        assert post.route == "openalpr" and post.content_type == "application/json"
        assert group["epoch_start"] == int((start + post.due_s) * 1000)
        assert (post.sent.source_id, post.sent.plate) == (group["best_uuid"],
                                                           group["best_plate_number"])


def test_command_line_run_prints_a_summary(db: Database, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    with ServiceThread(db, tmp_path / "spool.sqlite3") as server:
        code = alpr_simulator.main(["--url", server.service.url + "/alpr", "--rate", "50",
                                    "--count", "10", "--formats", "genetec,frigate",
                                    "--no-images"])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0 and summary["sent"] == summary["accepted"] == 10
