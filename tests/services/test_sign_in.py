"""Sign-in of authorized personnel only (A.2, A.3), each refusal named and audited."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from rtic_console.config import Settings
from rtic_console.services import roster
from rtic_console.services.auth import sign_in
from rtic_console.services.context import Context, Refused
from rtic_console.services.runner import perform, query
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from tests.refusals import assert_refused
from tests.support import PASSWORD


def _last_event(db: Database) -> tuple[str, str | None]:
    with db.read() as session:
        event = list_events(session, AuditFilter(limit=1))[0]
    return event.action, event.reason


@pytest.mark.policy("A.3")
def test_trained_active_person_signs_in_and_is_audited(db: Database, settings: Settings,
                                                       enrol) -> None:
    ctx = enrol("2001", "dispatcher")
    assert ctx.actor.badge == "2001"
    assert _last_event(db)[0] == "auth.sign_in"


@pytest.mark.policy("A.3")
@pytest.mark.parametrize("kwargs,expected", [
    ({"alpr": None}, "ALPR training is not recorded"),
    ({"clets": None}, "CLETS (less-than-full-operator) training is not recorded"),
    ({"clets": (date.today() - timedelta(days=900)).isoformat()}, "lapsed"),
])
def test_missing_or_lapsed_training_blocks_sign_in(db: Database, settings: Settings, enrol,
                                                   kwargs: dict, expected: str) -> None:
    enrol("2002", "officer", sign=False, **kwargs)
    event = assert_refused(db, lambda: sign_in(db, settings, "2002", PASSWORD),
                           action="auth.sign_in", clause="A.3", match=re.escape(expected),
                           error=Refused)
    assert expected in (event.reason or "") and event.object_id == "2002"


@pytest.mark.policy("A.3")
def test_unknown_badge(db: Database, settings: Settings, admin: Context) -> None:
    assert_refused(db, lambda: sign_in(db, settings, "9999", PASSWORD), action="auth.sign_in",
                   clause="A.3", match="No one with badge 9999", error=Refused)


def test_malformed_badge(db: Database, settings: Settings, admin: Context) -> None:
    event = assert_refused(db, lambda: sign_in(db, settings, "' OR 1=1 --", PASSWORD),
                           action="auth.sign_in", match="not valid", error=Refused)
    assert event.object_id is None and event.details == {}


def test_wrong_password_then_lockout(db: Database, settings: Settings, enrol) -> None:
    """Not assert_refused: a failed sign-in commits its count and the lockout by design, so
    that repeated guesses lock the badge (the refusal is audited with it)."""
    enrol("2003", "dispatcher", sign=False)
    for left in (2, 1):
        with pytest.raises(Refused, match=f"{left} attempts left"):
            sign_in(db, settings, "2003", "not-the-password")
    with pytest.raises(Refused, match="now locked for 10 minutes"):
        sign_in(db, settings, "2003", "not-the-password")
    with pytest.raises(Refused, match="locked after repeated failed sign-ins"):
        sign_in(db, settings, "2003", PASSWORD)


def test_password_reset_unlocks(db: Database, settings: Settings, admin: Context,
                                enrol) -> None:
    enrol("2004", "dispatcher", sign=False)
    for _ in range(3):
        with pytest.raises(Refused):
            sign_in(db, settings, "2004", "wrong-password!")
    perform(db, admin, roster.reset_password, "2004", "a-brand-new-password")
    assert sign_in(db, settings, "2004", "a-brand-new-password").actor.badge == "2004"


@pytest.mark.policy("A.3")
def test_inactive_person_refused(db: Database, settings: Settings, admin: Context,
                                 enrol) -> None:
    enrol("2005", "officer", sign=False)
    perform(db, admin, roster.deactivate_person, "2005")
    assert_refused(db, lambda: sign_in(db, settings, "2005", PASSWORD), action="auth.sign_in",
                   clause="A.3", match="inactive", error=Refused)


@pytest.mark.policy("A.2")
def test_action_rechecks_the_roster(db: Database, settings: Settings, admin: Context,
                                    enrol) -> None:
    """A person deactivated mid-shift cannot act with the session they already have."""
    other = enrol("2006", "alpr_admin")
    perform(db, admin, roster.deactivate_person, "2006")
    assert_refused(db, lambda: query(db, other, roster.list_people), action="roster.list",
                   clause="A.3", match="no longer active", error=Refused)


def test_unknown_badge_costs_a_real_verification() -> None:
    """The written-out hash an unknown badge is checked against has the hasher's own
    parameters, so such a refusal takes as long as a wrong password's."""
    from argon2 import PasswordHasher, extract_parameters

    from rtic_console.services import passwords

    written, hasher = extract_parameters(passwords._DUMMY_HASH), PasswordHasher()
    assert (written.type, written.time_cost, written.memory_cost, written.parallelism,
            written.hash_len, written.salt_len) == (hasher.type, hasher.time_cost,
                                                    hasher.memory_cost, hasher.parallelism,
                                                    hasher.hash_len, hasher.salt_len)
    assert not passwords.verify_password(None, "rtic-console timing equaliser")
