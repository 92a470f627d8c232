"""Opening the wall: a stated purpose (F.2), donor terms applied per tile (G.2, G.3), audit."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from rtic_console.services import viewing
from rtic_console.services.context import Context, InputRejected, Refused
from rtic_console.services.runner import perform
from rtic_console.services.viewing_requests import decide_viewing, request_viewing
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from tests.refusals import assert_refused
from tests.services.pscn_support import add_agreement, add_camera, at

LA = ZoneInfo("America/Los_Angeles")


def _afternoon() -> datetime:
    """15:00 in Sacramento a few days from now: inside the test person's training validity."""
    return datetime.combine(date.today() + timedelta(days=3), time(15), LA)


def approved_request(db: Database, asker: Context, commander: Context) -> str:
    """A viewing request of `asker` approved by `commander` for the next two hours (F.2.e)."""
    asked = perform(db, asker, request_viewing, "Watch the parade route for the mayor's visit")
    perform(db, commander, decide_viewing, asked.id, True, "Approved for the visit",
            datetime.now(UTC) + timedelta(hours=2))
    return asked.reference


def _events(db: Database, action: str) -> list:
    with db.read() as session:
        return list_events(session, AuditFilter(action=action))


@pytest.mark.policy("F.2")
def test_viewing_states_a_purpose_and_is_audited_per_camera(db: Database, admin: Context,
                                                            enrol) -> None:
    agency = add_camera(db, admin, "CAM-AG-01")
    city = add_camera(db, admin, "CAM-CY-01", "city")
    for purpose in (None, "", "curiosity"):
        assert_refused(db, lambda purpose=purpose: perform(db, admin, viewing.open_wall,
                                                           [agency.id], purpose),
                       action="pscn.view", clause="F.2",
                       match="State why the cameras are viewed", error=Refused)
    assert_refused(db, lambda: perform(db, admin, viewing.open_wall, [agency.id],
                                       "commander_approved_request", " "),
                   action="pscn.view", clause="F.2", match="needs its reference", error=Refused)

    # F.2.e: the commander approving was not made one by the asker (separation of duties).
    viewer = enrol("7001", "supervisor")
    reference = approved_request(db, viewer, enrol("8001", "division_commander"))
    grant = perform(db, viewer, viewing.open_wall, [agency.id, city.id, agency.id],
                    "commander_approved_request", reference.lower())
    assert [t.camera.code for t in grant.tiles] == ["CAM-AG-01", "CAM-CY-01"]
    assert all(t.allowed and t.terms is None for t in grant.tiles)
    assert all(t.until is not None and t.until - datetime.now(UTC) < timedelta(hours=3)
               for t in grant.tiles), "dark when the commander's window ends (F.2.e)"
    streams = grant.tiles[0].streams
    assert streams is not None and streams.for_tile is not None
    assert streams.for_tile.reveal() == "rtsp://viewer:s3cret@10.1.2.3:554/CAM-AG-01", \
        "the capture gets the whole URL at connect time"
    assert "s3cret" not in repr(grant), "printed, a grant shows no credential"
    views = _events(db, "pscn.view")
    assert sorted(e.object_id for e in views) == ["CAM-AG-01", "CAM-CY-01"]
    assert all(e.details["purpose"] == "commander_approved_request"
               and e.details["reference"] == reference
               and e.reason == "Request approved by a division commander" for e in views)
    assert_refused(db, lambda: perform(db, admin, viewing.open_wall, [999], "training"),
                   action="pscn.view", match="no camera #999", error=InputRejected)


@pytest.mark.policy("G.2")
def test_donor_feed_is_dark_without_agreement_or_on_another_workstation(
        db: Database, admin: Context) -> None:
    lonely = add_camera(db, admin, "CAM-PD-01", "private_donor")
    covered = add_camera(db, admin, "CAM-PD-02", "private_donor")
    add_agreement(db, admin, ("CAM-PD-02",), allowed_workstations=("RTIC-02",))
    grant = perform(db, admin, viewing.open_wall, [lonely.id, covered.id], "monitoring_event",
                    "Kings game")
    dark, elsewhere = grant.tiles
    assert not dark.allowed and dark.clause == "G.2" and dark.terms is None
    assert "no terms and conditions agreement" in dark.reason
    assert not elsewhere.allowed and elsewhere.clause == "G.3.f"
    assert "workstation TEST-WS-01 is not allowed" in elsewhere.reason
    assert dark.streams is None and elsewhere.streams is None, \
        "a refused tile has nothing to open"
    refused = {e.object_id: e for e in _events(db, "pscn.view.refused")}
    assert sorted(refused) == ["CAM-PD-01", "CAM-PD-02"]
    assert all(e.details["purpose"] == "monitoring_event" for e in refused.values())
    assert refused["CAM-PD-02"].details["clause"] == "G.3.f"
    assert refused["CAM-PD-02"].details["agreement"] == "DA-2026-001"


@pytest.mark.policy("G.3.c")
def test_donor_feed_follows_allowed_hours_and_carries_its_masks(db: Database,
                                                                admin: Context) -> None:
    afternoon = _afternoon()
    donor = add_camera(db, admin, "CAM-PD-01", "private_donor")
    add_agreement(db, admin, ("CAM-PD-01",),
                  allowed_hours={afternoon.weekday(): ((time(9), time(17)),)},
                  effective_at=afternoon - timedelta(days=30),
                  expires_at=afternoon + timedelta(days=300))
    open_at = perform(db, at(admin, afternoon), viewing.open_wall, [donor.id], "training")
    (tile,) = open_at.tiles
    assert tile.allowed and tile.clause == "G.3.c"
    assert tile.until == afternoon.replace(hour=17), "the wall darkens the tile at 17:00 by itself"
    assert tile.terms.mask_polygons == (((0.0, 0.0), (0.5, 0.0), (0.5, 0.5)),)
    assert tile.streams is not None and tile.streams.main is not None

    evening = afternoon.replace(hour=18)
    (tile,) = perform(db, at(admin, evening), viewing.open_wall, [donor.id], "training").tiles
    assert not tile.allowed and tile.clause == "G.3.c"
    assert "outside the viewing hours" in tile.reason
    assert tile.until == (afternoon + timedelta(days=7)).replace(hour=9)
    (event,) = _events(db, "pscn.view.refused")
    assert event.details["clause"] == "G.3.c" and "outside the viewing hours" in event.reason


@pytest.mark.policy("G.3.g")
def test_donor_feed_goes_dark_at_expiry(db: Database, admin: Context) -> None:
    afternoon = _afternoon()
    expiry = afternoon + timedelta(minutes=30)
    donor = add_camera(db, admin, "CAM-PD-01", "private_donor")
    add_agreement(db, admin, ("CAM-PD-01",), effective_at=afternoon - timedelta(days=30),
                  expires_at=expiry)
    (tile,) = perform(db, at(admin, afternoon), viewing.open_wall, [donor.id],
                      "monitoring_location").tiles
    assert tile.allowed and tile.until == expiry and tile.clause == "G.3.g"
    (tile,) = perform(db, at(admin, expiry), viewing.open_wall, [donor.id],
                      "monitoring_location").tiles
    assert not tile.allowed and tile.clause == "G.3.g" and "expired" in tile.reason
    assert tile.streams is None
