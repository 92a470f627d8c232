"""Viewing for a purpose outside F.2.a-d (F.2.e): asked, approved by a division commander
for a window, and accepted by the wall from its requester inside that window only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rtic_console.services import viewing
from rtic_console.services.context import Context
from rtic_console.services.runner import perform, query
from rtic_console.services.viewing_requests import (
    decide_viewing,
    pending_viewing_requests,
    request_viewing,
)
from rtic_console.store.database import Database
from tests.refusals import assert_refused
from tests.services.pscn_support import add_camera

WHY = "Follow the protest march route downtown for crowd safety"


@pytest.fixture
def people(db: Database, admin: Context, enrol) -> dict[str, Context]:
    return {"asker": enrol("7001", "supervisor"),
            "commander": enrol("8001", "division_commander"),
            "other": enrol("7002", "supervisor")}


def hours(n: float) -> datetime:
    return datetime.now(UTC) + timedelta(hours=n)


@pytest.mark.policy("F.2.e")
def test_the_wall_accepts_an_approved_request_only_from_its_requester(
        db: Database, admin: Context, people) -> None:
    camera = add_camera(db, admin, "CAM-AG-01")
    asked = perform(db, people["asker"], request_viewing, WHY)
    assert [r.id for r in query(db, people["commander"], pending_viewing_requests)] == [asked.id]
    assert_refused(db, lambda: perform(db, people["asker"], viewing.open_wall, [camera.id],
                                       "commander_approved_request", asked.reference),
                   action="pscn.view", clause="F.2.e", match="is pending")
    # The wall asks before it takes the purpose, so its bar never names a refused one.
    assert_refused(db, lambda: query(db, people["asker"], viewing.check_purpose,
                                     "commander_approved_request", asked.reference),
                   action="pscn.view", clause="F.2.e", match="is pending")
    perform(db, people["commander"], decide_viewing, asked.id, True, "For the march only",
            hours(4))
    assert query(db, people["asker"], viewing.check_purpose, "commander_approved_request",
                 asked.reference) is viewing.ViewingPurpose.COMMANDER_APPROVED_REQUEST
    grant = perform(db, people["asker"], viewing.open_wall, [camera.id],
                    "commander_approved_request", asked.reference)
    assert grant.reference == asked.reference and grant.tiles[0].until is not None
    assert_refused(db, lambda: perform(db, people["other"], viewing.open_wall, [camera.id],
                                       "commander_approved_request", asked.reference),
                   action="pscn.view", clause="F.2.e", match="not a viewing request of yours")
    assert_refused(db, lambda: perform(db, people["asker"], viewing.open_wall, [camera.id],
                                       "commander_approved_request", "Capt. memo 26-114"),
                   action="pscn.view", clause="F.2.e", match="such as VR-12")


@pytest.mark.policy("F.2.e")
def test_only_a_division_commander_approves_and_never_their_own(
        db: Database, people, enrol) -> None:
    asked = perform(db, people["asker"], request_viewing, WHY)
    assert_refused(db, lambda: perform(db, people["other"], decide_viewing, asked.id, True,
                                       "Fine by me", hours(2)),
                   action="pscn.viewing_request.approve", clause="A.2")
    both = enrol("8002", "division_commander", "supervisor")
    own = perform(db, both, request_viewing, WHY)
    assert_refused(db, lambda: perform(db, both, decide_viewing, own.id, True,
                                       "Approving my own", hours(2)),
                   action="pscn.viewing_request.approve", clause="SOD")


@pytest.mark.policy("F.2.e")
def test_an_approval_names_a_bounded_window(db: Database, people) -> None:
    asked = perform(db, people["asker"], request_viewing, WHY)
    for until in (None, hours(-1), hours(24 * 15)):
        assert_refused(db, lambda until=until: perform(
            db, people["commander"], decide_viewing, asked.id, True, "ok", until),
            action="pscn.viewing_request.approve", clause="F.2.e")
    denied = perform(db, people["commander"], decide_viewing, asked.id, False, "Not needed")
    assert denied.status == "denied" and denied.approved_until is None
