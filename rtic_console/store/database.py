"""Engines and sessions for SQLite and PostgreSQL, with one writer at a time on SQLite."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from rtic_console.store.change_bus import BUS_KEY, ChangeBus
from rtic_console.store.credentials import with_password
from rtic_console.store.prepared import use_prepared_statements
from rtic_console.store.private_files import private_file

logger = logging.getLogger(__name__)

# Where a session finds its database's read replica (Database.attach_replica).
REPLICA_KEY = "rtic_replica"
# After the replica failed to answer, the primary serves reads this long before it is tried
# again: a live map asks four times a second and must not wait on a dead server each time.
REPLICA_RETRY_SECONDS = 30.0


class DatabaseUnavailable(RuntimeError):
    """The database does not answer; nothing was written."""


class DatabaseUrlError(ValueError):
    """A database URL the console cannot use."""


def parse_url(raw: str) -> URL:
    try:
        url = make_url(raw)
    except ArgumentError:
        raise DatabaseUrlError(f"not a database URL: {raw!r}") from None
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseUrlError(
            f"unsupported database {url.get_backend_name()!r}; use sqlite or postgresql")
    if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg2")
    return url


def display_url(url: URL) -> str:
    """The URL for the status bar and logs: never the password."""
    return url.render_as_string(hide_password=True)


def _sqlite_engine(url: URL) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 15, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=15000")
        if url.database and url.database != ":memory:":
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        # A writer takes the write lock up front, so two writers never both read
        # the audit chain's head and then collide.
        mode = conn.get_execution_options().get("rtic_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if mode else "BEGIN")

    return engine


def _postgres_engine(url: URL) -> Engine:
    engine = create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=5,
        pool_timeout=5,
        connect_args={
            "connect_timeout": 3,
            "application_name": "rtic-console",
            "keepalives": 1,
            "keepalives_idle": 5,
            "keepalives_interval": 2,
            "keepalives_count": 2,
            # A dead server must fail a statement, not hang the console. No JIT: the
            # planner's costs over a year of weekly partitions call for it on short
            # look-ups, and compiling thousands of functions took a 200-read look-up by id
            # on 10M reads from 0.2 s to 10 s.
            "options": "-c statement_timeout=30000 -c lock_timeout=10000 -c jit=off",
        },
    )
    use_prepared_statements(engine)
    return engine


@dataclass
class Database:
    """One database: a URL, an engine, and reader/writer session factories."""

    url: URL
    engine: Engine

    bus: ChangeBus = field(default_factory=ChangeBus)
    replica: Engine | None = None

    def __post_init__(self) -> None:
        self._info: dict[str, object] = {BUS_KEY: self.bus}
        self._reader = sessionmaker(self.engine, expire_on_commit=False, info=self._info)
        self._writer = sessionmaker(
            self.engine.execution_options(rtic_write=True), expire_on_commit=False,
            info=self._info)
        self._replica_down_until = 0.0

    def attach_replica(self, raw_url: str, *, interactive: bool | None = None) -> None:
        """Send the reads of searches, the map and the dashboard to a PostgreSQL read
        replica (`replica_session`); everything else, every write included, stays here."""
        url = parse_url(raw_url)
        if not self.is_postgres or url.get_backend_name() != "postgresql":
            raise DatabaseUrlError("a read replica needs PostgreSQL, for it and the primary")
        url, _note = with_password(url, interactive=interactive)
        self.replica = _postgres_engine(url)
        self._replica_reader = sessionmaker(self.replica, expire_on_commit=False)
        self._info[REPLICA_KEY] = self._open_replica

    def _open_replica(self) -> Session | None:
        """A read-only transaction on the replica, or None (with a warning) when it does not
        answer; then the primary serves reads for REPLICA_RETRY_SECONDS."""
        if time.monotonic() < self._replica_down_until:
            return None
        session = self._replica_reader()
        try:
            session.execute(text("SET TRANSACTION READ ONLY"))
        except (OperationalError, DBAPIError) as exc:
            session.close()
            self._replica_down_until = time.monotonic() + REPLICA_RETRY_SECONDS
            logger.warning("read replica does not answer (%s); reading from the primary for "
                           "%.0f s", _short(exc), REPLICA_RETRY_SECONDS)
            return None
        return session

    @property
    def is_postgres(self) -> bool:
        return self.url.get_backend_name() == "postgresql"

    @property
    def display(self) -> str:
        return display_url(self.url)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction that commits on success and rolls back on any error."""
        with self._writer() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session, session.begin():
            yield session

    def ping(self) -> None:
        """Raise DatabaseUnavailable unless the server answers now."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:
            raise DatabaseUnavailable(f"the database does not answer: {_short(exc)}") from exc

    def dispose(self) -> None:
        self.engine.dispose()
        if self.replica is not None:
            self.replica.dispose()


@contextmanager
def replica_session(session: Session) -> Iterator[Session]:
    """Where a service reads detections in bulk: its database's read replica when one is
    attached and answers, else the service's own session (the primary).

    The service's writes (its audit event, its search log) stay in its own session, so they
    commit together or not at all, and its results reach the person only after that commit.
    A replica lags the primary by its replication delay: reads stored in the last moments
    may be missing from an answer, never an answer's audit event.
    """
    open_replica = session.info.get(REPLICA_KEY)
    replica = open_replica() if open_replica is not None else None
    if replica is None:
        yield session
        return
    try:
        yield replica
    finally:
        replica.close()  # read only: nothing to commit


def _short(exc: BaseException) -> str:
    first = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return first[0] if first else type(exc).__name__


def open_database(raw_url: str, *, interactive: bool | None = None) -> Database:
    """Engine for a URL; a PostgreSQL password comes from the keyring when the URL has none."""
    url = parse_url(raw_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:" and not Path(url.database).exists():
            # Plates, video indexes and the audit trail: readable by this account only.
            # SQLite gives its -wal and -shm files the database file's permissions.
            private_file(url.database)
        return Database(url, _sqlite_engine(url))
    url, _note = with_password(url, interactive=interactive)
    return Database(url, _postgres_engine(url))
