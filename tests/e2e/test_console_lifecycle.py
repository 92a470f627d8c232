"""The life of a console, as the people at it live it: sign in, work, sign out, the next person
signs in, quit; with the ingest service beside it, on each engine (tests/e2e/console_driver.py
drives it in a process of its own)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rtic_console.feeds.camera_simulator import CameraSimulator
from rtic_console.services import hotlists
from rtic_console.services.hotlists import HotPlateInput
from rtic_console.services.runner import perform
from rtic_console.store.database import Database
from tests.e2e.console_driver import HOT_PLATE
from tests.refusals import events_after, head_seq
from tests.services.pscn_support import add_camera

PROJECT = Path(__file__).resolve().parents[2]


@pytest.mark.policy("AUDIT")
def test_sign_in_work_sign_out_next_person_quit(db: Database, db_url: str, admin, enrol,
                                                tmp_path: Path) -> None:
    enrol("5201", "dispatcher", sign=False)
    officer = enrol("6301", "officer")
    perform(db, officer, hotlists.add_hot_plate, HotPlateInput(
        plate=HOT_PLATE, state="CA", reason="stolen_vehicle", case_number="26-011842",
        xref=None, ncic_system="SVS", ncic_record="V264118820"))
    start = head_seq(db)
    with CameraSimulator(["agency"], size=(320, 180), fps=10) as sim:
        camera = add_camera(db, admin, "CAM-LC-01", stream_url=sim.url("agency"))
        log = tmp_path / "console.log"
        with log.open("w") as stderr:
            run = subprocess.run(
                [sys.executable, "-m", "tests.e2e.console_driver", db_url, str(camera.id),
                 str(tmp_path)], cwd=PROJECT, stdout=subprocess.PIPE, stderr=stderr, text=True,
                timeout=240, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert run.returncode == 0, log.read_text()[-3000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["error"] is None, log.read_text()[-3000:]
    assert report["exit"] == 0
    assert report["streams_at_sign_out"] == [], "sign-out stopped every stream first"
    assert report["threads_left"] == [], "quit leaves no thread of ours"
    assert report["errors_logged"] == []
    trail = [(e.actor_badge, e.action) for e in events_after(db, start)
             if e.action in ("auth.sign_in", "auth.sign_out", "hits.claim")]
    assert trail == [("5201", "auth.sign_in"), ("5201", "hits.claim"), ("5201", "auth.sign_out"),
                     ("1001", "auth.sign_in"), ("1001", "auth.sign_out")]
