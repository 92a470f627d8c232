"""Shared fixtures: fresh settings, throwaway SQLite and PostgreSQL databases, Qt offscreen."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")

import psycopg2
import pytest

from rtic_console.config import Settings
from rtic_console.services.auth import sign_in
from rtic_console.services.context import Context
from rtic_console.services.duties import confirm_role
from rtic_console.services.roster import PersonInput, add_person, create_first_admin
from rtic_console.services.runner import perform
from rtic_console.services.workstations import enrol_workstation
from rtic_console.store.database import Database
from rtic_console.store.memory_keyring import MemoryKeyring, use_memory_keyring
from tests.support import PASSWORD, threads_of_ours, trained

PG_ADMIN_DSN = os.environ.get("RTIC_TEST_PG", "host=127.0.0.1 port=5432 user=postgres "
                              "dbname=postgres connect_timeout=3")
REQUIRE_PG = os.environ.get("RTIC_REQUIRE_PG") == "1"

pytest_plugins = ["tests.policy_plugin", "pytester"]


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads this user's settings, keyring choices or Qt settings."""
    monkeypatch.setenv("RTIC_SETTINGS", str(tmp_path / "no-settings.toml"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    for name in ("RTIC_DATABASE_URL", "RTIC_PASSWORD", "RTIC_NEW_PASSWORD", "RTIC_WORKSTATION"):
        monkeypatch.delenv(name, raising=False)
    from PySide6.QtCore import QSettings

    # Qt reads XDG_CONFIG_HOME once per process: each test gets its own settings folder.
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "config"))


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
    leaked = threads_of_ours(before)
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


def admin_exec(sql: str) -> None:
    conn = psycopg2.connect(PG_ADMIN_DSN)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


@dataclass(frozen=True)
class PgTestDatabase:
    """A throwaway database with roles of its own, set up as `rtic-console db roles` does:
    an owner that migrates, and console and ingest logins that cannot alter the trail."""

    name: str
    owner: str
    group: str
    console: str
    ingest: str

    def url(self, role: str) -> str:
        return f"postgresql+psycopg2://{role}@127.0.0.1:5432/{self.name}"

    @property
    def owner_url(self) -> str:
        return self.url(self.owner)

    @property
    def console_url(self) -> str:
        return self.url(self.console)

    @property
    def ingest_url(self) -> str:
        return self.url(self.ingest)

    @property
    def superuser_url(self) -> str:
        return self.url("postgres")


@pytest.fixture
def pg_database(pg_server: str) -> Iterator[PgTestDatabase]:
    """An empty throwaway database and its roles (unique names), all dropped afterwards."""
    from rtic_console.store.database import open_database
    from rtic_console.store.db_roles import RolePlan, set_up

    tag = uuid.uuid4().hex[:12]
    pg = PgTestDatabase(f"rtic_test_{tag}", f"rtic_t{tag}_owner", f"rtic_t{tag}_app",
                        f"rtic_t{tag}_console", f"rtic_t{tag}_ingest")
    admin_exec(f'CREATE DATABASE "{pg.name}"')
    try:
        superuser = open_database(pg.superuser_url, interactive=False)
        try:
            with superuser.write() as session:
                set_up(session, RolePlan(pg.name, pg.owner, pg.group, (pg.console, pg.ingest)),
                       "TEST-SETUP")
        finally:
            superuser.dispose()
        yield pg
    finally:
        admin_exec(f'DROP DATABASE IF EXISTS "{pg.name}" WITH (FORCE)')
        admin_exec("DROP ROLE IF EXISTS " + ", ".join(
            f'"{role}"' for role in (pg.console, pg.ingest, pg.group, pg.owner)))


@pytest.fixture
def pg_url(pg_database: PgTestDatabase) -> str:
    """A throwaway database migrated by its owner role; the URL is the console's login."""
    from rtic_console.store.database import open_database
    from rtic_console.store.migrations import upgrade

    owner = open_database(pg_database.owner_url, interactive=False)
    try:
        upgrade(owner)
    finally:
        owner.dispose()
    return pg_database.console_url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'rtic.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'rtic.db'}"
    return request.getfixturevalue("pg_url")


def _migrated(url: str) -> Iterator[Database]:
    from rtic_console.store.database import open_database
    from rtic_console.store.migrations import upgrade

    database = open_database(url, interactive=False)
    upgrade(database)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """A migrated database on each engine."""
    yield from _migrated(db_url)


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[Database]:
    """A migrated PostgreSQL database, for what only PostgreSQL does."""
    yield from _migrated(pg_url)


@pytest.fixture
def owner_db(db: Database, db_url: str, request: pytest.FixtureRequest) -> Iterator[Database]:
    """The database of `db` as its schema's owner sees it: on PostgreSQL the owner role (who
    alone can disable the audit triggers), on SQLite the same file."""
    from rtic_console.store.database import open_database

    url = (request.getfixturevalue("pg_database").owner_url if db.is_postgres else db_url)
    database = open_database(url, interactive=False)
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


SECOND_ADMIN = "1002"


@pytest.fixture
def second_admin(db: Database, settings: Settings, admin: Context) -> Context:
    """A second ALPR administrator, granted by 1001 and confirmed by 1001 as the one
    bootstrap (no one else could confirm it): the person who confirms other grants."""
    perform(db, admin, add_person, PersonInput(SECOND_ADMIN, "Det. Second Admin",
                                               ("alpr_admin",), "RTIC", trained(), trained()),
            PASSWORD)
    perform(db, admin, confirm_role, SECOND_ADMIN, "alpr_admin")
    return sign_in(db, settings, SECOND_ADMIN, PASSWORD)


@pytest.fixture
def enrol(db: Database, settings: Settings, admin: Context, request: pytest.FixtureRequest):
    """Add a person through the roster service (granted by 1001) and return a signed-in
    context (or None). Approving roles are confirmed by the second administrator unless
    `confirm=False` leaves them pending."""

    def _enrol(badge: str, *roles: str, clets: str | None = "default",
               alpr: str | None = "default", sign: bool = True,
               confirm: bool = True) -> Context | None:
        data = PersonInput(badge, f"Person {badge}", tuple(roles), "Test",
                           trained() if clets == "default" else clets,
                           trained() if alpr == "default" else alpr)
        view = perform(db, admin, add_person, data, PASSWORD)
        if confirm and view.pending_roles:
            confirmer = request.getfixturevalue("second_admin")
            for role in view.pending_roles:
                perform(db, confirmer, confirm_role, badge, role.value)
        return sign_in(db, settings, badge, PASSWORD) if sign else None

    return _enrol


@pytest.fixture
def keyring_backend(memory_keyring: MemoryKeyring) -> MemoryKeyring:
    """This test's in-memory keyring (every test has one), for tests that put keys in it."""
    return memory_keyring


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """keyring's 'fail' backend, as on a headless machine nobody configured."""
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def department_key(keyring_backend: MemoryKeyring) -> str:
    """A department signing key in this test's keyring; returns its public key text."""
    from rtic_console.domain.audit_anchor import public_key_text
    from rtic_console.store.audit_keys import create_signing_key

    return public_key_text(create_signing_key())
