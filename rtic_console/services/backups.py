"""Backups of the embedded (SQLite) database, and restoring one.

A backup is taken with SQLite's online backup API (consistent while the console and the
ingest service keep writing) and kept only once the copy opens, is at a schema this
program knows, and its audit trail verifies (chain and signed checkpoints). A restore
makes the same checks on the file before it replaces anything, keeps the current database
aside, and records itself in the restored trail. A shared PostgreSQL database is backed up
with the server's own tools (USER_GUIDE.md, "Backups"), never from a workstation.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.exc import SQLAlchemyError

from rtic_console.config import Settings
from rtic_console.paths import MIGRATIONS_DIR
from rtic_console.services.audit_anchor import TrailReport, verify_trail
from rtic_console.services.context import InputRejected
from rtic_console.store.audit_log import append_event
from rtic_console.store.database import Database, open_database, parse_url
from rtic_console.store.migrations import current_revision, head_revision, upgrade
from rtic_console.store.private_files import private_file
from rtic_console.store.sqlite_guard import UnusableDatabaseFile, check_sqlite_file

logger = logging.getLogger(__name__)

BACKUP = "database.backup"
BACKUP_FAILED = "database.backup_failed"
RESTORE = "database.restore"
RESTORE_REFUSED = "database.restore_refused"
POSTGRES_REFUSAL = (
    "backup and restore copy the embedded (SQLite) database; this console uses PostgreSQL, "
    "which is backed up on the server with pg_dump or a base backup, with the audit anchor "
    "recorded alongside (USER_GUIDE.md, 'Backups')")


@dataclass(frozen=True)
class CopyChecked:
    """What a verified copy holds: its schema and the head of its audit trail."""

    path: Path
    revision: str
    trail: TrailReport


@dataclass(frozen=True)
class Restored:
    checked: CopyChecked
    kept_aside: Path | None


def sqlite_path(database_url: str) -> Path:
    """The file of an embedded database URL; a PostgreSQL URL is refused with the way out."""
    url = parse_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise InputRejected(POSTGRES_REFUSAL)
    if not url.database or url.database == ":memory:":
        raise InputRejected("an in-memory database has nothing to back up")
    return Path(url.database)


def back_up(db: Database, settings: Settings, out: Path) -> CopyChecked:
    """Record the backup in the trail, copy online to `out`, and verify the copy."""
    source = sqlite_path(db.url.render_as_string(hide_password=False))
    if out.exists():
        raise InputRejected(f"{out} exists already; choose a new file name (a backup never "
                            "overwrites one)")
    if not out.parent.is_dir():
        raise InputRejected(f"the folder {out.parent} does not exist; create it first")
    with db.write() as session:
        append_event(session, actor_badge=None, workstation=settings.workstation,
                     action=BACKUP, object_type="database", object_id=source.name,
                     reason="backup of the embedded database", details={"to": str(out)})
    partial = out.with_name(out.name + ".partial")
    try:
        _online_copy(source, partial)
        checked = verify_copy(partial, settings)
        _self_contained(partial)
        os.replace(partial, out)
    except (InputRejected, OSError, sqlite3.Error) as exc:
        # The trail already says a backup began (the copy holds that event): it must also
        # say that this one produced no file.
        with db.write() as session:
            append_event(session, actor_badge=None, workstation=settings.workstation,
                         action=BACKUP_FAILED, object_type="database", object_id=source.name,
                         reason=_why(exc), details={"to": str(out)})
        raise
    finally:
        partial.unlink(missing_ok=True)
    return CopyChecked(out, checked.revision, checked.trail)


def restore(settings: Settings, backup: Path) -> Restored:
    """Replace the embedded database with a verified copy of `backup`; the console and the
    ingest service must be stopped (the guide says so)."""
    target = sqlite_path(settings.database_url)
    staged = target.with_name(target.name + ".restoring")
    staged.unlink(missing_ok=True)
    try:
        if not backup.is_file():
            raise InputRejected(f"{backup} is not a file")
        if backup.resolve() == target.resolve():
            raise InputRejected(f"{backup} is the database itself; give a backup file")
        _check_file(backup)
        _online_copy(backup, staged)
        checked = verify_copy(staged, settings, upgrade_older=True)
        kept = _keep_aside(target)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(staged, target)
    except (InputRejected, OSError, sqlite3.Error) as exc:
        _record_refused_restore(settings, target, backup, _why(exc))
        raise
    finally:
        staged.unlink(missing_ok=True)
    db = open_database(f"sqlite:///{target}")
    try:
        with db.write() as session:
            append_event(session, actor_badge=None, workstation=settings.workstation,
                         action=RESTORE, object_type="database", object_id=target.name,
                         reason="embedded database restored from a backup",
                         details={"from": str(backup), "kept_aside": str(kept) if kept else None,
                                  "restored_head_seq": checked.trail.head_seq,
                                  "restored_head_hash": checked.trail.head_hash})
    finally:
        db.dispose()
    return Restored(checked, kept)


def _why(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, InputRejected) else f"{type(exc).__name__}: {exc}"


def _record_refused_restore(settings: Settings, target: Path, backup: Path, why: str) -> None:
    """The refusal goes into the database that stays in place, when it can take it: a
    database too broken to open is the one case left to the command's own error."""
    try:
        check_sqlite_file(target)
        db = open_database(f"sqlite:///{target}")
        try:
            with db.write() as session:
                append_event(session, actor_badge=None, workstation=settings.workstation,
                             action=RESTORE_REFUSED, object_type="database",
                             object_id=target.name, reason=why, details={"from": str(backup)})
        finally:
            db.dispose()
    except (UnusableDatabaseFile, OSError, SQLAlchemyError) as exc:
        logger.warning("the refused restore could not be recorded in %s: %s", target, exc)


def verify_copy(path: Path, settings: Settings, *, upgrade_older: bool = False) -> CopyChecked:
    """Open the copy, refuse a schema newer than this program (or older, unless upgrading
    is allowed), and verify its audit trail; raise InputRejected saying what is wrong."""
    _check_file(path)
    db = open_database(f"sqlite:///{path}")
    try:
        revision = current_revision(db)
        if revision is None:
            raise InputRejected(f"{path} holds no RTIC Console schema")
        head = head_revision()
        if revision != head:
            if not _known_revision(revision):
                raise InputRejected(
                    f"{path} has schema {revision}, newer than this program ({head}); "
                    "install the newer RTIC Console first")
            if not upgrade_older:
                raise InputRejected(f"the copy is at schema {revision}, not {head}")
            upgrade(db)
            revision = head
        with db.read() as session:
            trail = verify_trail(session, settings)
    finally:
        db.dispose()
    if not trail.ok:
        raise InputRejected(f"the audit trail in {path} does not verify: {trail.problem}; "
                            "nothing was replaced. Use an older backup and report this to "
                            "the ALPR administrator")
    return CopyChecked(path, revision, trail)


def _check_file(path: Path) -> None:
    try:
        check_sqlite_file(path)
    except UnusableDatabaseFile as exc:
        raise InputRejected(str(exc)) from None
    if path.stat().st_size == 0:
        raise InputRejected(f"{path} is empty")


def _known_revision(revision: str) -> bool:
    try:
        return ScriptDirectory(str(MIGRATIONS_DIR)).get_revision(revision) is not None
    except CommandError:
        return False


def _online_copy(source: Path, dest: Path) -> None:
    """SQLite's online backup: a consistent copy, WAL content included, readers unblocked."""
    private_file(dest)
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _self_contained(path: Path) -> None:
    """Rollback-journal mode, not the live database's WAL: opening the backup read-only (a
    restore, or read-only media) then needs no -wal and -shm files beside it, and leaves
    none. The console puts a restored database back in WAL mode when it opens it."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()


def _keep_aside(target: Path) -> Path | None:
    if not target.exists() or target.stat().st_size == 0:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = target.with_name(f"{target.stem}.before-restore-{stamp}{target.suffix}")
    _online_copy(target, aside)
    return aside
