"""Migrations run on both engines, match the models, and the start-up check behaves."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from rtic_console.store.bootstrap import connect
from rtic_console.store.database import Database, open_database
from rtic_console.store.db_roles import SchemaOwnerRequired
from rtic_console.store.migrations import (
    SchemaBehind,
    alembic_config,
    current_revision,
    head_revision,
    upgrade,
)
from rtic_console.store.models import Base, Hit, HitStep
from rtic_console.store.models.base import schema_filter
from rtic_console.store.sqlite_guard import UnusableDatabaseFile


def test_migrated_schema_matches_models(db: Database) -> None:
    assert current_revision(db) == head_revision()
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={
            "compare_type": True, "include_object": schema_filter(conn.dialect.name)})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == [], f"models and migrations drifted: {diff}"


def test_upgrade_is_idempotent(db: Database) -> None:
    upgrade(db)
    assert current_revision(db) == head_revision()


def test_hits_take_their_reads_time_when_migrated(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    try:
        upgrade(db, "0016")
        at = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO detections (id, source_format, source_id, plate, plate_raw, "
                "confidence, captured_at, received_at, device_ref, candidates, vehicle) "
                "VALUES (1, 'csv', 's1', '7ABC121', '7ABC121', 0.9, :at, :at, 'R1', '[]', "
                "'{}')"), {"at": at})
            conn.execute(text("INSERT INTO hot_lists (name, kind, description) "
                              "VALUES ('l', 'spd_hot_plate', '')"))
            conn.execute(text(
                "INSERT INTO hits (detection_id, list_id, read_plate, listed_plate, "
                "substitutions, state_mismatch, priority, reason, informational, status) "
                "SELECT 1, id, '7ABC121', '7ABC121', 0, false, 1, 'stolen_vehicle', false, "
                "'new' FROM hot_lists"))
            conn.execute(text("INSERT INTO hit_steps (hit_id, step, data, done_by, done_at) "
                              "SELECT id, 1, '{}', '1001', :at FROM hits"), {"at": at})
        upgrade(db)
        with db.read() as session:
            assert session.scalar(select(Hit.captured_at)) == at
            assert session.scalar(select(func.count()).select_from(HitStep)) == 1, \
                "the hit's steps are not taken by remaking hits (ON DELETE CASCADE)"
        with db.engine.begin() as conn, pytest.raises(IntegrityError):
            conn.execute(text("INSERT INTO hits (detection_id, list_id, read_plate, "
                              "listed_plate, substitutions, state_mismatch, priority, reason, "
                              "informational, status) SELECT 1, id, '7ABC122', '7ABC122', 0, "
                              "false, 1, 'stolen_vehicle', false, 'new' FROM hot_lists"))
        cfg = alembic_config(db)
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0016")
        upgrade(db)
        with db.read() as session:
            assert session.scalar(select(func.count()).select_from(HitStep)) == 1
    finally:
        db.dispose()


def test_sqlite_file_is_upgraded_on_start(sqlite_url: str) -> None:
    db = connect(sqlite_url)
    try:
        assert current_revision(db) == head_revision()
    finally:
        db.dispose()


@pytest.mark.postgres
def test_postgres_behind_is_refused_with_the_command(pg_database) -> None:
    with pytest.raises(SchemaBehind, match="db upgrade") as info:
        connect(pg_database.console_url)
    assert "empty" in str(info.value)
    assert f"as the database owner {pg_database.owner}" in str(info.value)
    assert f"{pg_database.owner}@127.0.0.1" in str(info.value)
    db = open_database(pg_database.owner_url)
    try:
        assert current_revision(db) is None, "the refusal must not have migrated anything"
        upgrade(db)
    finally:
        db.dispose()
    connect(pg_database.console_url).dispose()


@pytest.mark.postgres
def test_only_the_owner_changes_the_schema(pg_database) -> None:
    console = open_database(pg_database.console_url)
    try:
        with pytest.raises(SchemaOwnerRequired, match=f"database owner {pg_database.owner}"):
            upgrade(console)
        assert current_revision(console) is None
    finally:
        console.dispose()


def _sha(path: Path) -> bytes:
    import hashlib

    return hashlib.sha256(path.read_bytes()).digest()


def test_foreign_sqlite_file_left_untouched(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.commit()
    conn.close()
    before = _sha(path)
    with pytest.raises(UnusableDatabaseFile, match="another program"):
        connect(f"sqlite:///{path}")
    assert _sha(path) == before
    assert not (tmp_path / "other.db-wal").exists()


def test_corrupt_sqlite_file_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "broken.db"
    good = connect(f"sqlite:///{path}")
    good.dispose()
    data = path.read_bytes()
    # Keep the 100-byte header, so it still looks like SQLite, and wreck every page.
    path.write_bytes(data[:100] + bytes((i * 37 + 11) % 256 for i in range(len(data) - 100)))
    before = _sha(path)
    with pytest.raises(UnusableDatabaseFile, match=r"corrupt|not an SQLite"):
        connect(f"sqlite:///{path}")
    assert _sha(path) == before


def test_not_sqlite_at_all(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("just some text, not a database\n" * 20)
    with pytest.raises(UnusableDatabaseFile, match="not an SQLite database"):
        connect(f"sqlite:///{path}")
    assert path.read_text().startswith("just some text")
