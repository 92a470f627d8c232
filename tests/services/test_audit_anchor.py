"""Signed checkpoints anchor the audit trail: a trail rewritten with the keyless chain
function, or cut short, fails verification even though its hash chain looks intact."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text

from rtic_console.config import Settings
from rtic_console.domain.audit_anchor import public_key_text, sign_checkpoint
from rtic_console.services.audit_anchor import (
    SystemIdentity,
    TrailReport,
    create_department_key,
    verify_trail,
    write_checkpoint,
)
from rtic_console.services.context import Context, Refused
from rtic_console.services.runner import perform
from rtic_console.store import audit_log
from rtic_console.store.audit_log import AuditFilter, append_event, list_events
from rtic_console.store.database import Database
from tests.refusals import assert_refused
from tests.support import rewrite_trail, truncate_trail


def _events(db: Database, n: int) -> None:
    for i in range(n):
        with db.write() as session:
            append_event(session, actor_badge="1001", workstation="WS", action="test.event",
                         object_type="thing", object_id=i, reason=f"event {i}")


def _verify(db: Database, settings: Settings) -> TrailReport:
    with db.read() as session:
        return verify_trail(session, settings)


def _chain_alone_ok(db: Database) -> bool:
    with db.read() as session:
        return audit_log.verify(session).ok


@pytest.mark.policy("AUDIT")
def test_a_checkpoint_signs_the_head_and_verify_checks_it(
        db: Database, settings: Settings, admin: Context, department_key: str) -> None:
    _events(db, 3)
    checkpoint = perform(db, admin, write_checkpoint)
    with db.read() as session:
        head = audit_log.locked_head(session)
        event = list_events(session, AuditFilter(action="audit.checkpoint"))[0]
    assert head is not None and event.seq == head[0] == checkpoint.head_seq + 1
    assert event.details["head_hash"] == checkpoint.head_hash
    assert event.details["signed_by"] == "1001" and event.actor_badge == "1001"
    report = _verify(db, settings)
    assert report.ok and report.checkpoints == 1 and report.signatures_checked == 1
    assert report.newest_checkpoint == checkpoint and report.note is None


@pytest.mark.policy("AUDIT")
def test_the_daily_checkpoint_acts_as_the_system(db: Database, settings: Settings,
                                                 admin: Context, department_key: str) -> None:
    with db.write() as session:
        checkpoint = write_checkpoint(session, SystemIdentity("daily", "RTIC-SERVICE"))
    assert checkpoint.signed_by == "system:daily"
    with db.read() as session:
        event = list_events(session, AuditFilter(action="audit.checkpoint"))[0]
    assert (event.actor_badge, event.workstation) == (None, "RTIC-SERVICE")
    assert _verify(db, settings).ok


@pytest.mark.policy("AUDIT")
def test_a_rewritten_trail_fails_verification(db: Database, owner_db: Database,
                                              settings: Settings, admin: Context,
                                              department_key: str) -> None:
    _events(db, 4)
    checkpoint = perform(db, admin, write_checkpoint)
    _events(db, 2)
    rewrite_trail(owner_db, 3, "nothing to see here")
    assert _chain_alone_ok(db), "the keyless chain alone cannot see the rewrite"
    report = _verify(db, settings)
    assert not report.ok and report.first_bad_seq is None
    assert f"signed event #{checkpoint.head_seq}" in (report.problem or "")
    assert "the trail was rewritten" in (report.problem or "")


@pytest.mark.policy("AUDIT")
def test_a_truncated_trail_fails_verification(db: Database, owner_db: Database,
                                              settings: Settings, admin: Context,
                                              department_key: str) -> None:
    _events(db, 4)
    checkpoint = perform(db, admin, write_checkpoint)
    truncate_trail(owner_db, checkpoint.head_seq - 1)
    assert _chain_alone_ok(db), "the keyless chain alone cannot see the cut"
    report = _verify(db, settings)
    assert not report.ok
    assert f"ends at event #{checkpoint.head_seq - 2}" in (report.problem or "")
    assert "removed from the end" in (report.problem or "")


def _rewrite_checkpoints(owner: Database, *statements: tuple[str, dict]) -> None:
    with owner.engine.begin() as conn:
        if owner.is_postgres:
            conn.execute(text("ALTER TABLE audit_checkpoints DISABLE TRIGGER USER"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS audit_checkpoints_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_checkpoints_no_delete"))
        for statement, values in statements:
            conn.execute(text(statement), values)
        if owner.is_postgres:
            conn.execute(text("ALTER TABLE audit_checkpoints ENABLE TRIGGER USER"))


@pytest.mark.policy("AUDIT")
def test_a_checkpoint_forged_after_a_rewrite_fails(db: Database, owner_db: Database,
                                                   settings: Settings, admin: Context,
                                                   department_key: str) -> None:
    """Re-anchoring a rewritten trail needs the department key: an edited checkpoint's
    signature does not verify, and a key of the intruder's own is not trusted."""
    _events(db, 3)
    checkpoint = perform(db, admin, write_checkpoint)
    rewrite_trail(owner_db, 2, "rewritten")
    with db.read() as session:
        new_hash = audit_log.hashes_at(session, {checkpoint.head_seq})[checkpoint.head_seq]
        seq, digest = audit_log.locked_head(session) or (0, "")
    _rewrite_checkpoints(owner_db, ("UPDATE audit_checkpoints SET head_hash = :h",
                                    {"h": new_hash}))
    report = _verify(db, settings)
    assert not report.ok and "does not verify" in (report.problem or "")

    now = datetime.now(UTC)
    kid, signature = sign_checkpoint(Ed25519PrivateKey.generate(), seq, digest, now)
    _rewrite_checkpoints(owner_db, ("DELETE FROM audit_checkpoints", {}), (
        "INSERT INTO audit_checkpoints (head_seq, head_hash, signed_at, key_id, signature, "
        "signed_by, workstation) VALUES (:s, :h, :t, :k, :g, '1001', 'WS')",
        {"s": seq, "h": digest, "t": now if owner_db.is_postgres else now.replace(tzinfo=None),
         "k": kid, "g": signature}))
    report = _verify(db, settings)
    assert not report.ok and "not a department key" in (report.problem or "")


@pytest.mark.policy("AUDIT")
def test_without_a_trusted_key_a_cut_is_still_seen(db: Database, owner_db: Database,
                                                   settings: Settings, admin: Context,
                                                   no_keyring: None) -> None:
    _events(db, 3)
    with db.write() as session:
        checkpoint = write_checkpoint(session, SystemIdentity("daily", "WS"),
                                      key=Ed25519PrivateKey.generate())
    report = _verify(db, settings)
    assert report.ok and report.signatures_checked == 0
    assert "signatures not checked" in (report.note or "")
    truncate_trail(owner_db, checkpoint.head_seq)
    assert not _verify(db, settings).ok


@pytest.mark.policy("AUDIT")
def test_a_trusted_public_key_from_the_settings_checks_signatures(
        db: Database, settings: Settings, admin: Context, no_keyring: None) -> None:
    key = Ed25519PrivateKey.generate()
    _events(db, 2)
    with db.write() as session:
        write_checkpoint(session, SystemIdentity("daily", "WS"), key=key)
    pinned = Settings(**{**settings.__dict__,
                         "audit_public_keys": [public_key_text(key.public_key())]})
    report = _verify(db, pinned)
    assert report.ok and report.signatures_checked == 1 and report.note is None
    other = Settings(**{**settings.__dict__, "audit_public_keys": [
        public_key_text(Ed25519PrivateKey.generate().public_key())]})
    assert "not a department key" in (_verify(db, other).problem or "")


@pytest.mark.policy("AUDIT")
def test_no_key_on_this_machine_refuses_the_checkpoint_and_audits_it(
        db: Database, admin: Context, no_keyring: None) -> None:
    assert_refused(db, lambda: perform(db, admin, write_checkpoint), action="audit.checkpoint",
                   clause="AUDIT", match="no usable OS keyring", error=Refused)


@pytest.mark.policy("AUDIT")
def test_only_overseers_and_keepers_write_checkpoints(db: Database, enrol,
                                                      department_key: str) -> None:
    dispatcher = enrol("5201", "dispatcher")
    assert_refused(db, lambda: perform(db, dispatcher, write_checkpoint),
                   action="audit.checkpoint", clause="A.2", error=Refused)


@pytest.mark.policy("AUDIT")
def test_the_department_key_is_created_once_and_audited(
        db: Database, admin: Context, keyring_backend) -> None:
    public = perform(db, admin, create_department_key)
    assert public.startswith("ed25519:")
    with db.read() as session:
        event = list_events(session, AuditFilter(action="audit.key.create"))[0]
    assert event.details["public_key"] == public and event.actor_badge == "1001"
    assert_refused(db, lambda: perform(db, admin, create_department_key),
                   action="audit.key.create", clause="AUDIT", match="already holds",
                   error=Refused)
    assert perform(db, admin, create_department_key, True) != public
