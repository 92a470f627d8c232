"""The webhook over real loopback sockets: every vendor format stored once, refusals quarantined."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rtic_console.feeds.read_formats import parse_payload
from rtic_console.services.context import Context
from rtic_console.services.hotlists import HotPlateInput, add_hot_plate
from rtic_console.services.runner import perform
from rtic_console.store.change_bus import Change, ChangeEvent
from rtic_console.store.database import Database, open_database
from rtic_console.store.models import AuditEvent, Detection, Device, Hit, QuarantinedPayload
from rtic_console.store.pg_listener import PgListener
from tests.feeds.ingest_harness import FIXTURES, ServiceThread, fixture_content_type, wait_for

WITH_READS = sorted(p.name for p in FIXTURES.iterdir()
                    if parse_payload(p.read_bytes(), fixture_content_type(p.name),
                                     path_hint=p.name).reads)


@pytest.fixture
def server(db: Database, tmp_path: Path) -> Iterator[ServiceThread]:
    with ServiceThread(db, tmp_path / "spool.sqlite3", max_body_bytes=64 * 1024) as running:
        yield running


def stored_ids(db: Database) -> list[tuple[str, str]]:
    with db.read() as session:
        return sorted(session.execute(select(Detection.source_format, Detection.source_id)).all())


def test_every_format_is_stored_once_even_when_posted_twice(
        db: Database, server: ServiceThread) -> None:
    expected: set[tuple[str, str]] = set()
    for name in WITH_READS:
        result = parse_payload((FIXTURES / name).read_bytes(), fixture_content_type(name))
        expected |= {(r.source, r.source_id) for r in result.reads}
        status, body = server.post_fixture(name)
        assert status == 202, (name, body)
        assert body["format"] == result.fmt and body["reads"] == len(result.reads)
    server.wait_drained()
    assert stored_ids(db) == sorted(expected)
    assert {fmt for fmt, _ in expected} == {"openalpr", "platerecognizer", "frigate", "genetec",
                                           "csv"}
    for name in WITH_READS:
        assert server.post_fixture(name)[0] == 202
    health = server.wait_drained()
    assert stored_ids(db) == sorted(expected)
    assert health["counts"]["duplicates"] >= len(expected)


def test_vendor_paths_and_frigate_topic(db: Database, server: ServiceThread) -> None:
    lpr = (FIXTURES / "frigate_lpr_update.json").read_bytes()
    assert server.post("/alpr/frigate?topic=frigate/tracked_object_update", lpr)[0] == 202
    status, body = server.post("/alpr/plates", lpr)
    assert status == 404 and "unknown read format" in body["error"]
    multipart = (FIXTURES / "platerecognizer_multipart.bin").read_bytes()
    status, body = server.post("/alpr/platerecognizer", multipart, fixture_content_type(".bin"))
    assert status == 202 and body["reads"] == 1
    server.wait_drained()
    formats = [fmt for fmt, _ in stored_ids(db)]
    assert formats == ["frigate", "platerecognizer"]
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Detection)) == 2


def test_bad_json_is_refused_with_a_reason_and_quarantined(
        db: Database, server: ServiceThread) -> None:
    status, body = server.post("/alpr/openalpr", b'{"data_type": "alpr_group", ')
    assert status == 400 and "not valid JSON" in body["error"]
    assert list(body) == ["error"]
    server.wait_drained()
    with db.read() as session:
        row = session.scalars(select(QuarantinedPayload)).one()
    assert row.raw == b'{"data_type": "alpr_group", ' and "not valid JSON" in row.reason
    assert row.channel == "webhook:openalpr"


def test_a_payload_sent_to_another_formats_path_is_refused_and_quarantined(
        db: Database, server: ServiceThread) -> None:
    body = (FIXTURES / "openalpr_group_v3.json").read_bytes()
    for path in ("/alpr/genetec", "/alpr/frigate"):
        status, reply = server.post(path, body)
        assert status == 400, reply
        assert "openalpr format" in reply["error"] and "/alpr/openalpr" in reply["error"]
    server.wait_drained()
    assert stored_ids(db) == []
    with db.read() as session:
        rows = session.scalars(select(QuarantinedPayload)).all()
    assert sorted(r.channel for r in rows) == ["webhook:frigate", "webhook:genetec"]
    assert all(r.raw == body and "openalpr format" in r.reason for r in rows)


def test_half_a_position_is_named_and_quarantined_not_dropped(
        db: Database, server: ServiceThread) -> None:
    group = json.loads((FIXTURES / "openalpr_group_v3.json").read_bytes())
    group["gps_latitude"], group["gps_longitude"] = 38.58, None
    status, reply = server.post("/alpr/openalpr", json.dumps(group).encode())
    assert status == 202 and reply["reads"] == 0 and reply["rejected"] == 1
    server.wait_drained()
    assert stored_ids(db) == []
    with db.read() as session:
        reason = session.scalars(select(QuarantinedPayload.reason)).one()
    assert "longitude: is missing while a latitude is given" in reason


def test_rejected_reads_are_quarantined_while_good_ones_are_stored(
        db: Database, server: ServiceThread) -> None:
    status, body = server.post_fixture("reads_bad_rows.csv")
    assert status == 202 and body["reads"] >= 1 and body["rejected"] >= 1
    server.wait_drained()
    assert len(stored_ids(db)) == body["reads"]
    with db.read() as session:
        reason = session.scalars(select(QuarantinedPayload.reason)).one()
    assert reason.startswith(f"{body['rejected']} read(s) rejected")


def test_oversize_body_gets_413_with_a_reason(server: ServiceThread) -> None:
    big = b'{"pad": "' + b"x" * (70 * 1024) + b'"}'
    status, body = server.post("/alpr", big)
    assert status == 413 and "65536-byte limit" in body["error"]
    chunked = iter([big[:40_000], big[40_000:]])  # no Content-Length: caught while reading
    status, body = server.post("/alpr", chunked)
    assert status == 413 and "limit" in body["error"]
    assert server.health()["spool"]["depth"] == 0


def test_openalpr_test_ping_gets_200_and_stores_nothing(db: Database,
                                                        server: ServiceThread) -> None:
    status, body = server.post_fixture("openalpr_test_ping.json")
    assert status == 200 and body["status"] == "ignored"
    assert "test ping" in body["ignored"][0]
    assert server.health()["spool"]["depth"] == 0 and stored_ids(db) == []


def test_token_is_enforced_when_configured(db: Database, tmp_path: Path) -> None:
    group = (FIXTURES / "openalpr_group_v3.json").read_bytes()
    with ServiceThread(db, tmp_path / "spool.sqlite3", token="s3cret-token") as running:
        assert running.post("/alpr", group)[0] == 401
        status, body = running.post("/alpr", group, **{"X-RTIC-Token": "wrong"})
        assert status == 401 and "X-RTIC-Token" in body["error"]
        assert running.post("/alpr", group, **{"X-RTIC-Token": "s3cret-token"})[0] == 202
        running.wait_drained()
    assert len(stored_ids(db)) == 1
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(QuarantinedPayload)) == 0


def test_heartbeat_updates_device_health(db: Database, server: ServiceThread) -> None:
    with db.write() as session:
        session.add(Device(code="ALPR-T-01", name="North Gate", kind="alpr_fixed",
                           category="agency", vendor_ref="1288162412"))
    assert server.post_fixture("openalpr_heartbeat.json")[0] == 202
    server.wait_drained()
    with db.read() as session:
        device = session.scalars(select(Device).where(Device.code == "ALPR-T-01")).one()
    assert device.is_streaming is True and device.fps == pytest.approx(14.8)
    assert device.last_seen_at == datetime(2026, 11, 21, 14, 3, 6, 123000, tzinfo=UTC)


@pytest.mark.policy("AUDIT")
def test_hit_is_created_audited_and_announced_within_a_second(
        db: Database, db_url: str, admin: Context, server: ServiceThread) -> None:
    """Another workstation hears the hit: over NOTIFY on PostgreSQL, the bus on SQLite."""
    heard: list[tuple[float, ChangeEvent]] = []
    got_hit = threading.Event()

    def on_change(change: ChangeEvent) -> None:
        if change.kind == Change.HIT_CREATED:
            heard.append((time.monotonic(), change))
            got_hit.set()

    other = open_database(db_url, interactive=False) if db.is_postgres else db
    listener = PgListener(other, other.bus) if db.is_postgres else None
    other.bus.subscribe(on_change)
    try:
        if listener is not None:
            listener.start()
            assert listener.connected.wait(5)
        perform(db, admin, add_hot_plate, HotPlateInput(
            "A13709", "CA", "stolen_vehicle", "24-000123", None, "SVS", "V123456789"))
        wait_for(lambda: len(server.service.engine.index) == 1, 5)
        posted = time.monotonic()
        assert server.post_fixture("openalpr_group_v3.json")[0] == 202
        assert got_hit.wait(1.0), "no hit announced within 1 s"
        assert heard[0][0] - posted < 1.0
    finally:
        if listener is not None:
            listener.stop()
            other.dispose()
    with db.read() as session:
        hit = session.scalars(select(Hit)).one()
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "hits.created"))
        assert [e.object_id for e in events] == [str(hit.id)]
    assert heard[0][1].ids == (hit.id,)
    assert hit.listed_plate == "A13709" and hit.substitutions == 0
