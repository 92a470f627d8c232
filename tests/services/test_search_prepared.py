"""Searches as PostgreSQL prepared statements (store/prepared.py): the same rows, order and
hold marks as plain SQL under custom and generic plans, logged and audited as before; a new
connection prepares again, and a statement gone or stale on the server fails no search."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import text

from rtic_console.domain.search_rules import criteria_of
from rtic_console.services import evidence_holds, search
from rtic_console.services.context import Context
from rtic_console.services.runner import perform
from rtic_console.store import prepared
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.store.prepared import INFO_KEY
from tests.conftest import admin_exec
from tests.services.test_search import NOW, PLACES, WINDOW, run, searches, seed_reads

WEEK = timedelta(days=7)

# Exact and OCR-equivalent plates are prepared, one statement per shape; wildcards and a
# canvass stay plain SQL (search._plan_kept).
PREPARED_SEARCHES = (
    {"plate": "7ABC123"},
    {"plate": "7ABC123", "match_mode": "ocr"},
    {"plate": "7ABC999", "devices": ("ALPR-SO-01",), **WINDOW},
    {"plate": "7A8C123", "match_mode": "ocr", "purpose": "wanted_or_missing",
     "time_from": NOW - timedelta(minutes=15)},
)
SEARCHES = (
    *PREPARED_SEARCHES,
    {"plate": "7AB*"},
    {"plate": "?ABC*", "time_from": NOW - timedelta(minutes=15)},
    {"purpose": "crime_scene_canvass", "near": PLACES["south"], "radius_m": 500, **WINDOW},
)


@pytest.fixture
def db_url(pg_url: str) -> str:
    """Every test here is on PostgreSQL: SQLite has nothing to prepare."""
    return pg_url


@pytest.fixture
def officer(db: Database, enrol, admin: Context) -> Context:
    seed_reads(db)
    perform(db, admin, evidence_holds.place_hold, evidence_holds.HoldRequest(
        "26-100", "homicide", plate="7ABC123", start=NOW - timedelta(hours=1),
        end=NOW + timedelta(hours=1)))
    return enrol("6301", "officer")


def _prepared(db: Database) -> set[str]:
    with db.engine.connect() as conn:
        return set(conn.exec_driver_sql("SELECT name FROM pg_prepared_statements").scalars())


def _answers(db: Database, ctx: Context) -> list[tuple]:
    return [(r.reads, r.truncated, r.kind) for r in (run(db, ctx, **kw) for kw in SEARCHES)]


@pytest.fixture
def plain(db: Database, officer: Context, monkeypatch: pytest.MonkeyPatch) -> Iterator[list]:
    """The answers of plain SQL, before anything is prepared."""
    with monkeypatch.context() as patched:
        patched.setattr(search, "PREPARED", {})
        answers = _answers(db, officer)
    assert not _prepared(db)
    yield answers


def _plans(db: Database) -> list[tuple[int, int]]:
    with db.engine.connect() as conn:
        return [tuple(row) for row in conn.exec_driver_sql(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements")]


@pytest.mark.postgres
def test_prepared_searches_answer_as_plain_sql(db: Database, officer: Context,
                                               plain: list) -> None:
    before = searches(db)
    for _ in range(3):
        assert _answers(db, officer) == plain
    assert any(read.held for reads, _, _ in plain for read in reads)
    assert _plans(db) == [(3, 0)] * len(PREPARED_SEARCHES)  # generic from the first
    assert searches(db) == before + 3 * len(SEARCHES)
    with db.read() as session:
        assert len(list_events(session, AuditFilter(action="search.run"))) >= searches(db)


@pytest.mark.postgres
def test_the_generic_plan_is_asked_for_the_search_alone(db: Database, officer: Context) -> None:
    with db.read() as session:
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        criteria = criteria_of(plate="7ABC123", match_mode="exact", time_from=None,
                               time_to=None, near=None, radius_m=None, rectangle=None,
                               devices=(), color=None, make=None, body=None)
        assert [r.plate for r in search.plate_reads(session, ["7ABC123"], NOW - WEEK,
                                                    NOW + WEEK)] == ["7ABC123"]
        assert search._fetch(session, criteria, {})[0][0].plate == "7ABC123"
        assert session.scalar(text("SHOW plan_cache_mode")) == "force_custom_plan"
    assert _plans(db) == [(1, 0), (1, 0)]


@pytest.mark.postgres
def test_a_new_connection_prepares_again(db: Database, officer: Context, plain: list) -> None:
    assert _answers(db, officer) == plain
    with db.engine.connect() as conn:
        old = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    admin_exec(f"SELECT pg_terminate_backend({old})")
    assert _answers(db, officer) == plain  # the pool's pre-ping opened a new connection
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() != old
        assert len(conn.connection.info[INFO_KEY]) == len(PREPARED_SEARCHES)
    assert len(_prepared(db)) == len(PREPARED_SEARCHES)


@pytest.mark.postgres
def test_statements_dropped_behind_our_back_fail_no_search(db: Database, officer: Context,
                                                          plain: list) -> None:
    assert _answers(db, officer) == plain
    with db.engine.connect() as conn:  # as DISCARD ALL or a pooler would leave it
        conn.exec_driver_sql("DEALLOCATE ALL")
    before = searches(db)
    assert _answers(db, officer) == plain
    assert searches(db) == before + len(SEARCHES)
    assert not _prepared(db)  # run as plain SQL, and forgotten
    assert _answers(db, officer) == plain
    assert len(_prepared(db)) == len(PREPARED_SEARCHES)


@pytest.mark.postgres
def test_a_migration_that_changes_a_result_column_fails_no_search(
        db: Database, officer: Context, plain: list, owner_db: Database) -> None:
    assert _answers(db, officer) == plain
    with owner_db.write() as session:  # the cached plans now return another row type
        session.execute(text("ALTER TABLE detections ALTER COLUMN state TYPE varchar(3)"))
        session.execute(text("DROP INDEX ix_detections_plate_captured_at"))
    assert _answers(db, officer) == plain
    with owner_db.write() as session:
        session.execute(text("CREATE INDEX ix_detections_plate_captured_at "
                             "ON detections (plate, captured_at)"))
    assert _answers(db, officer) == plain
    assert len(_prepared(db)) == len(PREPARED_SEARCHES)


@pytest.mark.postgres
def test_a_connection_keeps_the_statements_it_used_last(
        db: Database, officer: Context, plain: list, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prepared, "MAX_PER_CONNECTION", 2)
    for _ in range(2):
        assert _answers(db, officer) == plain
        assert len(_prepared(db)) == 2


def test_a_parameter_prepare_cannot_type_runs_as_plain_sql(db: Database) -> None:
    """PREPARE cannot infer a bare parameter's type (42P18); the plain statement answers, in
    the same transaction, and nothing is left prepared under its name."""
    with db.read() as session:
        value = session.execute(text("SELECT :x IS NULL AS v").execution_options(
            **prepared.PREPARED), {"x": None}).scalar()
        assert value is True
        assert session.execute(text("SELECT 1")).scalar() == 1, "the transaction goes on"
    assert not any("rtic_" in name for name in _prepared(db))
