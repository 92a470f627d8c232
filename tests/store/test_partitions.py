"""Detections partitioned by week on PostgreSQL (issue 14, item 4): an existing database is
converted in place with its data, weeks are made ahead, a week inside retention is never
dropped, and reads, images and hits work as before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import select, text

from rtic_console.store import partitions
from rtic_console.store.database import open_database
from rtic_console.store.migrations import alembic_config, upgrade
from rtic_console.store.models import Detection, DetectionImage

pytestmark = pytest.mark.postgres

NOW = datetime.now(UTC)


def _before_partitions(db) -> str:  # type: ignore[no-untyped-def]
    return ScriptDirectory.from_config(alembic_config(db)).get_revision("0011").down_revision


def test_an_existing_database_is_converted_in_place(pg_database) -> None:
    owner = open_database(pg_database.owner_url)
    try:
        upgrade(owner, _before_partitions(owner))
        with owner.engine.begin() as conn:
            for n, age in enumerate((400, 10, 0), start=1):
                conn.execute(text(
                    "INSERT INTO detections (id, source_format, source_id, plate, plate_raw, "
                    "confidence, captured_at, device_ref, candidates, vehicle) VALUES "
                    "(:id, 'csv', :sid, '7ABC12' || :id, '7ABC12', 0.9, :at, 'R1', '[]', '{}')"),
                    {"id": n, "sid": f"s{n}", "at": NOW - timedelta(days=age)})
                conn.execute(text("INSERT INTO detection_images (detection_id, kind, jpeg) "
                                  "VALUES (:id, 'plate', '\\xffd8'::bytea)"), {"id": n})
            conn.execute(text("SELECT setval('detections_id_seq', 3)"))
            conn.execute(text("INSERT INTO hot_lists (name, kind, description) "
                              "VALUES ('l', 'spd_hot_plate', '')"))
            conn.execute(text(
                "INSERT INTO hits (detection_id, list_id, read_plate, listed_plate, "
                "substitutions, state_mismatch, priority, reason, informational, status) "
                "SELECT 1, id, '7ABC121', '7ABC121', 0, false, 1, 'stolen_vehicle', false, "
                "'new' FROM hot_lists"))
        upgrade(owner)
    finally:
        owner.dispose()
    console = open_database(pg_database.console_url)
    try:
        with console.write() as session:
            kind = session.scalar(text("SELECT relkind FROM pg_class "
                                       "WHERE relname = 'detections'"))
            assert kind == "p" and partitions.partitioned(session)
            reads = {d.id: d for d in session.scalars(select(Detection))}
            assert set(reads) == {1, 2, 3}
            images = {i.detection_id: i.captured_at for i in session.scalars(
                select(DetectionImage))}
            assert images == {n: reads[n].captured_at for n in (1, 2, 3)}
            assert session.scalar(text("SELECT count(*) FROM hits")) == 1
            assert session.scalar(text("SELECT captured_at FROM hits")) == \
                reads[1].captured_at, "a hit is stamped with its read's time (0017)"
            day = reads[1].captured_at.date()
            monday = day - timedelta(days=day.weekday())
            assert session.scalar(text("SELECT to_regclass(:t) IS NOT NULL"),
                                  {"t": f"detections_w{monday:%Y%m%d}"})
            new = Detection(source_format="csv", source_id="s4", plate="7ABC124",
                            plate_raw="7ABC124", confidence=0.9, captured_at=NOW,
                            device_ref="R1")
            session.add(new)
            session.flush()
            assert new.id == 4, "the id sequence carries on"
            assert session.get(Detection, 1).plate == "7ABC121"
    finally:
        console.dispose()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
@pytest.mark.policy("C.1")
def test_weeks_are_made_ahead_and_a_week_inside_retention_is_never_dropped(db) -> None:
    later = NOW.date() + timedelta(days=30)
    with db.write() as session:
        assert partitions.make_weeks_ahead(session, later) == 4, "two weeks, reads and images"
        assert partitions.make_weeks_ahead(session, later) == 0
    monday = NOW.date() - timedelta(days=100 + NOW.weekday())
    with pytest.raises(Exception, match="inside retention"), db.write() as session:
        partitions.drop_weeks(session, [monday])


def test_the_console_plans_without_jit(pg_url: str) -> None:
    """Over two years of weeks the planner's costs call for JIT on a short look-up, and
    compiling its thousands of functions took a 200-read look-up by id on 10M reads from
    0.2 s to 10 s: the console's connections run without it."""
    db = open_database(pg_url)
    try:
        with db.read() as session:
            assert session.scalar(text("SHOW jit")) == "off"
    finally:
        db.dispose()
