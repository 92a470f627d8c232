"""The drain in a process of its own (`serve`'s setting): stored once, hits heard, and the
joins: a killed drain started again, a stuck one reported, none outliving the service."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from rtic_console.domain.reads import ReadLimits
from rtic_console.feeds.drain_process import DrainChildConfig
from rtic_console.feeds.read_formats import parse_payload
from rtic_console.services.context import Context
from rtic_console.services.hotlists import HotPlateInput, add_hot_plate
from rtic_console.services.runner import perform
from rtic_console.store.change_bus import Change, ChangeEvent
from rtic_console.store.change_listeners import change_listener
from rtic_console.store.database import Database, open_database
from rtic_console.store.models import Detection, Hit
from tests.feeds.ingest_harness import FIXTURES, ServiceThread, fixture_content_type, wait_for

GROUP = "openalpr_group_v3.json"


@pytest.fixture
def server(db: Database, tmp_path: Path) -> Iterator[ServiceThread]:
    with ServiceThread(db, tmp_path / "spool.sqlite3", drain_in_child=True) as running:
        yield running


def _ended(pid: int) -> bool:
    """Gone, or a zombie waiting for a parent that is not us to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state == "Z"


def _drain_pid(server: ServiceThread) -> int:
    return int(wait_for(lambda: server.health()["drain_process"]["pid"], 10))


def _reads_in(name: str) -> set[tuple[str, str]]:
    result = parse_payload((FIXTURES / name).read_bytes(), fixture_content_type(name))
    return {(r.source, r.source_id) for r in result.reads}


def _stored(db: Database) -> list[tuple[str, str]]:
    with db.read() as session:
        return sorted(session.execute(select(Detection.source_format, Detection.source_id)).all())


@pytest.mark.parametrize("limits", [None, ReadLimits(512 * 1024, timedelta(minutes=2),
                                                       timedelta(days=30))])
def test_the_child_gets_the_service_s_configuration_whole(limits: ReadLimits | None) -> None:
    config = DrainChildConfig("postgresql+psycopg2://rtic:s3cret@db/rtic", "/var/spool.sqlite3",
                              1024, 200, 90.0, limits)
    line = config.to_line()
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert DrainChildConfig.from_line(line) == config


def test_reads_are_stored_once_and_the_hit_is_heard_by_another_process(
        db: Database, db_url: str, admin: Context, server: ServiceThread) -> None:
    heard: list[ChangeEvent] = []
    other = open_database(db_url, interactive=False)
    listener = change_listener(other)
    assert listener is not None
    other.bus.subscribe(lambda change: heard.append(change)
                        if change.kind == Change.HIT_CREATED else None)
    listener.start()
    try:
        assert listener.connected.wait(5)
        perform(db, admin, add_hot_plate, HotPlateInput(
            "A13709", "CA", "stolen_vehicle", "24-000123", None, "SVS", "V123456789"))
        # The service's own index, for marking hot payloads on receipt, hears the entry too.
        wait_for(lambda: len(server.service.engine.index) == 1, 10)
        pid = _drain_pid(server)
        assert pid != os.getpid() and not _ended(pid)
        names = [GROUP, "reads.csv"]
        for name in names * 2:
            assert server.post_fixture(name)[0] == 202
        health = server.wait_drained()
        expected = set().union(*map(_reads_in, names))
        assert _stored(db) == sorted(expected)
        assert health["counts"]["stored"] == len(expected)
        assert health["counts"]["duplicates"] == len(expected)
        wait_for(lambda: heard, 5)
    finally:
        listener.stop()
        other.dispose()
    with db.read() as session:
        hit = session.scalars(select(Hit)).one()
    assert [change.ids for change in heard] == [(hit.id,)]
    assert health["status"] == "ok" and health["index"]["entries"] == 1
    assert health["drain_process"] == {"pid": pid, "restarts": 0}


def test_a_killed_drain_process_is_started_again_and_nothing_is_lost_or_doubled(
        db: Database, server: ServiceThread) -> None:
    first = _drain_pid(server)
    wait_for(lambda: server.health()["status"] == "ok", 10)
    os.kill(first, signal.SIGKILL)
    down = wait_for(lambda: (h := server.health())["drain_process"]["pid"] is None and h, 5)
    assert down["status"] == "degraded"
    # Only what is known: not the database's or the index's state, which the drain reports.
    assert down["problems"] == ["the drain process is not running (it ended with exit code -9)"]
    # Posted while no drain runs: spooled, and stored by the next one.
    assert server.post_fixture("reads.csv")[0] == 202
    assert server.post_fixture(GROUP)[0] == 202
    health = wait_for(lambda: (h := server.health())["drain_process"]["pid"] not in (None, first)
                      and h["spool"]["depth"] == 0 and h["status"] == "ok" and h, 20)
    assert health["drain_process"]["restarts"] == 1
    expected = _reads_in(GROUP) | _reads_in("reads.csv")
    assert _stored(db) == sorted(expected)
    assert health["counts"]["stored"] == len(expected)  # counted across both processes


def test_a_stuck_drain_process_is_reported(server: ServiceThread) -> None:
    pid = _drain_pid(server)
    wait_for(lambda: server.health()["status"] == "ok", 10)
    os.kill(pid, signal.SIGSTOP)
    try:
        health = wait_for(lambda: (h := server.health())["status"] == "degraded" and h, 10)
        assert any("drain process has not reported for" in p for p in health["problems"])
    finally:
        os.kill(pid, signal.SIGCONT)
    wait_for(lambda: server.health()["status"] == "ok", 10)


def test_the_drain_process_ends_with_the_service(db: Database, tmp_path: Path) -> None:
    with ServiceThread(db, tmp_path / "spool.sqlite3", drain_in_child=True) as server:
        pid = _drain_pid(server)
    assert _ended(pid)


@pytest.mark.usefixtures("db")
def test_the_drain_process_ends_when_the_service_is_killed(db_url: str, tmp_path: Path) -> None:
    service = subprocess.Popen(
        [sys.executable, "-m", "rtic_console", "--database", db_url, "serve",
         "--listen", "127.0.0.1:0", "--spool", str(tmp_path / "spool.sqlite3")],
        stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert service.stdout is not None
        line = service.stdout.readline()
        url = line.split(" on ", 1)[1].split("/alpr", 1)[0]

        def health() -> dict[str, object]:
            with urllib.request.urlopen(f"{url}/health", timeout=5) as answer:
                return json.loads(answer.read())

        pid = int(wait_for(lambda: health()["drain_process"]["pid"], 10))  # type: ignore[index]
        assert not _ended(pid)
        service.kill()  # no orderly stop: the drain's stdin closes with the service
        service.wait(5)
        wait_for(lambda: _ended(pid), 10)
    finally:
        if service.poll() is None:
            service.kill()
            service.wait(5)
