"""Shared fixtures: fresh settings, throwaway SQLite and PostgreSQL databases, Qt offscreen."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")

import psycopg2
import pytest

from rtic_console.config import Settings
from rtic_console.services.auth import sign_in
from rtic_console.services.context import Context
from rtic_console.services.roster import PersonInput, add_person, create_first_admin
from rtic_console.services.runner import perform
from rtic_console.services.workstations import enrol_workstation
from rtic_console.store.database import Database
from rtic_console.store.memory_keyring import MemoryKeyring, use_memory_keyring
from tests.support import PASSWORD, trained

PG_ADMIN_DSN = os.environ.get("RTIC_TEST_PG", "host=127.0.0.1 port=5432 user=postgres "
                              "dbname=postgres connect_timeout=3")
REQUIRE_PG = os.environ.get("RTIC_REQUIRE_PG") == "1"

pytest_plugins = ["tests.policy_plugin"]


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads this user's settings, keyring choices or Qt settings."""
    monkeypatch.setenv("RTIC_SETTINGS", str(tmp_path / "no-settings.toml"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    for name in ("RTIC_DATABASE_URL", "RTIC_PASSWORD", "RTIC_NEW_PASSWORD", "RTIC_WORKSTATION"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every test gets an empty keyring of its own in memory: none touches this user's OS
    keyring, and enrolments and camera keys never leak from one test to the next."""
    import keyring

    before = keyring.get_keyring()
    backend = use_memory_keyring()
    yield backend
    keyring.set_keyring(before)


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at production cost takes ~0.3 s a hash here; the tests need the flow, not the
    cost. The production parameters are the library's defaults (argon2-cffi's RFC profile)."""
    from argon2 import PasswordHasher

    from rtic_console.services import passwords

    monkeypatch.setattr(passwords, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture(autouse=True)
def _no_leaked_threads() -> Iterator[None]:
    """A test that leaves a thread of ours running fails (napari's habit)."""
    before = set(threading.enumerate())
    yield
    leaked = [t for t in threading.enumerate()
              if t not in before and t.is_alive() and not t.daemon
              and (t.name.endswith(("Worker", "Watchdog", "Listener")))]
    for t in leaked:
        t.join(timeout=5)
    still = [t.name for t in leaked if t.is_alive()]
    assert not still, f"threads left running: {still}"


def _pg_available() -> str | None:
    try:
        psycopg2.connect(PG_ADMIN_DSN).close()
        return None
    except psycopg2.OperationalError as exc:
        return str(exc).strip().splitlines()[0]


@pytest.fixture(scope="session")
def pg_server() -> str:
    problem = _pg_available()
    if problem:
        if REQUIRE_PG:
            pytest.fail(f"RTIC_REQUIRE_PG=1 but PostgreSQL does not answer: {problem}")
        pytest.skip(f"PostgreSQL at 127.0.0.1:5432 does not answer: {problem}")
    return PG_ADMIN_DSN


def _admin_exec(sql: str) -> None:
    conn = psycopg2.connect(PG_ADMIN_DSN)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A throwaway PostgreSQL database, dropped afterwards."""
    name = f"rtic_test_{uuid.uuid4().hex[:12]}"
    _admin_exec(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg2://postgres@127.0.0.1:5432/{name}"
    finally:
        _admin_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'rtic.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'rtic.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """A migrated database on each engine."""
    from rtic_console.store.database import open_database
    from rtic_console.store.migrations import upgrade

    database = open_database(db_url, interactive=False)
    upgrade(database)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, workstation="TEST-WS-01", lockout_threshold=3,
                    lockout_minutes=10, map_tile_url="")




@pytest.fixture
def admin(db: Database, settings: Settings) -> Context:
    """The first ALPR administrator, signed in on workstation TEST-WS-01, which they enrolled
    (G.3.f) as an administrator does on every console of the RTIC."""
    create_first_admin(db, settings, PersonInput("1001", "Sgt. Test Admin", ("alpr_admin",),
                                                 "RTIC", trained(), trained()), PASSWORD)
    first = sign_in(db, settings, "1001", PASSWORD)
    perform(db, first, enrol_workstation, settings.workstation)
    return sign_in(db, settings, "1001", PASSWORD)


@pytest.fixture
def enrol(db: Database, settings: Settings, admin: Context):
    """Add a person through the roster service and return a signed-in context (or None)."""

    def _enrol(badge: str, *roles: str, clets: str | None = "default",
               alpr: str | None = "default", sign: bool = True) -> Context | None:
        data = PersonInput(badge, f"Person {badge}", tuple(roles), "Test",
                           trained() if clets == "default" else clets,
                           trained() if alpr == "default" else alpr)
        perform(db, admin, add_person, data, PASSWORD)
        return sign_in(db, settings, badge, PASSWORD) if sign else None

    return _enrol
