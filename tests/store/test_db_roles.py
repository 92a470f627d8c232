"""PostgreSQL roles: the console and ingest logins append to the audit trail and can do
nothing that alters it; only the owner changes the schema (and meets the triggers)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from rtic_console.cli.main import main
from rtic_console.store.audit_log import append_event, verify
from rtic_console.store.database import Database, open_database
from rtic_console.store.db_roles import RolePlan, RoleSetupError, set_up
from rtic_console.store.migrations import upgrade
from rtic_console.store.models import AuditCheckpoint, AuditEvent
from tests.conftest import PgTestDatabase, admin_exec

pytestmark = pytest.mark.postgres

# What an intruder with a login's password tries, and what PostgreSQL answers.
ATTACKS = [
    ("UPDATE audit_events SET reason = 'nothing to see' WHERE seq = 1", "permission denied"),
    ("DELETE FROM audit_events WHERE seq = 1", "permission denied"),
    ("TRUNCATE audit_events", "permission denied"),
    ("ALTER TABLE audit_events DISABLE TRIGGER USER", "must be owner"),
    ("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete", "must be owner"),
    ("DROP TRIGGER audit_events_no_update_delete ON audit_events", "must be owner"),
    ("DROP TABLE audit_events", "must be owner"),
    ("ALTER TABLE audit_events RENAME TO audit_events_old", "must be owner"),
    ("CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger "
     "LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$", "permission denied for schema"),
    ("CREATE TRIGGER sneak BEFORE INSERT ON audit_events FOR EACH ROW "
     "EXECUTE FUNCTION audit_events_append_only()", "permission denied"),
    ("SET session_replication_role = replica", "permission denied"),
    ("UPDATE audit_checkpoints SET head_seq = 0", "permission denied"),
    ("DELETE FROM audit_checkpoints", "permission denied"),
    ("TRUNCATE audit_checkpoints", "permission denied"),
    ("ALTER TABLE audit_checkpoints DISABLE TRIGGER USER", "must be owner"),
    ("UPDATE alembic_version SET version_num = '0001'", "permission denied"),
    ("CREATE TABLE audit_events_shadow (seq bigint)", "permission denied"),
]


def _count(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


@pytest.mark.policy("AUDIT")
@pytest.mark.parametrize("login", ["console", "ingest"])
def test_logins_append_but_cannot_alter_the_trail(pg_url: str, pg_database: PgTestDatabase,
                                                  login: str) -> None:
    db = open_database(pg_database.url(getattr(pg_database, login)), interactive=False)
    try:
        with db.write() as session:
            append_event(session, actor_badge="1001", workstation="WS", action="test.event")
            session.add(AuditCheckpoint(head_seq=1, head_hash="0" * 64,
                                        signed_at=func.now(), key_id="k", signature="s",
                                        signed_by="test", workstation="WS"))
            # Ordinary rights on the other tables.
            session.execute(text("INSERT INTO devices (code, name, kind, category, area, "
                                 "address, service_state) VALUES ('R1', 'Reader', "
                                 "'alpr_fixed', 'agency', 'A', 'B', 'in_service')"))
            session.execute(text("UPDATE devices SET name = 'Reader 1' WHERE code = 'R1'"))
            session.execute(text("DELETE FROM devices WHERE code = 'R1'"))
        before = _count(db)
        for statement, answer in ATTACKS:
            with pytest.raises(DBAPIError, match=answer), db.write() as session:
                session.execute(text(statement))
        assert _count(db) == before
        with db.read() as session:
            assert verify(session).ok
    finally:
        db.dispose()


@pytest.mark.policy("AUDIT")
def test_the_owner_could_and_so_the_logins_are_not_the_owner(
        pg_url: str, pg_database: PgTestDatabase) -> None:
    """The proof the attacks above fail for want of rights: the owner may disable the
    triggers (what the signed checkpoints are for), and owns every table."""
    owner = open_database(pg_database.owner_url, interactive=False)
    try:
        with owner.write() as session:
            session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
            session.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
            owners = set(session.scalars(text(
                "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")))
        assert owners == {pg_database.owner}
    finally:
        owner.dispose()


@pytest.mark.policy("AUDIT")
def test_a_database_migrated_before_the_split_is_handed_to_the_owner(
        pg_database: PgTestDatabase) -> None:
    """Tables made by the superuser (as every database before this change) move to the owner
    when the set-up runs, and the console loses what it had."""
    superuser = open_database(pg_database.superuser_url, interactive=False)
    try:
        with superuser.engine.begin() as conn:
            conn.execute(text(f'ALTER DATABASE "{pg_database.name}" OWNER TO postgres'))
        upgrade(superuser)
        with superuser.write() as session:
            append_event(session, actor_badge=None, workstation="WS", action="test.legacy")
            set_up(session, RolePlan(pg_database.name, pg_database.owner, pg_database.group,
                                     (pg_database.console, pg_database.ingest)), "WS")
    finally:
        superuser.dispose()
    console = open_database(pg_database.console_url, interactive=False)
    try:
        with console.write() as session:
            append_event(session, actor_badge="1001", workstation="WS", action="test.event")
        with pytest.raises(DBAPIError, match="must be owner"), console.write() as session:
            session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        with console.read() as session:
            actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))
        assert actions == ["test.legacy", "db.roles", "test.event"]
    finally:
        console.dispose()


@pytest.fixture
def bare_database(pg_server: str) -> Iterator[tuple[str, str]]:
    """An empty database and a unique role-name prefix; whatever roles the test makes with
    that prefix are dropped afterwards."""
    tag = uuid.uuid4().hex[:10]
    name = f"rtic_test_{tag}"
    admin_exec(f'CREATE DATABASE "{name}"')
    try:
        yield name, f"rtic_r{tag}"
    finally:
        admin_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin_exec("DROP ROLE IF EXISTS " + ", ".join(
            f'"rtic_r{tag}_{r}"' for r in ("console", "ingest", "app", "owner")))


def test_db_roles_prints_then_applies_and_db_upgrade_runs_as_the_owner(
        bare_database: tuple[str, str], capsys) -> None:
    name, prefix = bare_database
    superuser = f"postgresql+psycopg2://postgres@127.0.0.1:5432/{name}"
    names = ["--owner", f"{prefix}_owner", "--group", f"{prefix}_app", "--console",
             f"{prefix}_console", "--ingest", f"{prefix}_ingest"]
    assert main(["--database", superuser, "db", "roles", *names]) == 0
    printed = capsys.readouterr().out
    assert f'CREATE ROLE "{prefix}_owner" LOGIN' in printed
    assert f'ALTER DATABASE "{name}" OWNER TO "{prefix}_owner";' in printed
    db = open_database(superuser, interactive=False)
    try:
        with db.read() as session:
            assert not session.scalar(text("SELECT count(*) FROM pg_roles WHERE rolname = :r"),
                                      {"r": f"{prefix}_owner"}), "printing changed nothing"
    finally:
        db.dispose()
    assert main(["--database", superuser, "db", "roles", *names, "--apply"]) == 0
    out = capsys.readouterr().out
    assert f"{prefix}_owner@127.0.0.1" in out and "db upgrade" in out
    console = f"postgresql+psycopg2://{prefix}_console@127.0.0.1:5432/{name}"
    assert main(["--database", console, "db", "upgrade"]) == 2
    assert f"database owner {prefix}_owner" in capsys.readouterr().err
    owner = f"postgresql+psycopg2://{prefix}_owner@127.0.0.1:5432/{name}"
    assert main(["--database", owner, "db", "upgrade"]) == 0
    capsys.readouterr()
    assert main(["--database", console, "audit", "verify"]) == 0


def test_role_names_are_checked(capsys) -> None:
    with pytest.raises(RoleSetupError, match="lower-case"):
        RolePlan("rtic", "Owner; DROP", "app", ("console",))
    with pytest.raises(RoleSetupError, match="must all differ"):
        RolePlan("rtic", "same", "app", ("same",))
    assert main(["--database", "sqlite:///x.db", "db", "roles"]) == 2
    assert "for PostgreSQL" in capsys.readouterr().err
