"""The one door to an unmasked donor frame (G.2, G.3): an ALPR administrator drawing the
masks of a saved agreement, within its hours and workstations, with a reason, audited."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from rtic_console.domain.donor_terms import DEFAULT_TIME_ZONE
from rtic_console.feeds.camera_simulator import CameraSimulator
from rtic_console.feeds.mask_frame import fetch_mask_frame
from rtic_console.services import donors
from rtic_console.services.auth import sign_in
from rtic_console.services.context import Context
from rtic_console.services.runner import perform
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.store.memory_keyring import use_memory_keyring
from tests.refusals import assert_refused
from tests.services.pscn_support import add_agreement, add_camera, at
from tests.support import PASSWORD

REASON = "Drawing the neighbour's window out of view"


def _afternoon() -> datetime:
    """A fixed Wednesday afternoon, Pacific time, as UTC."""
    return datetime(2026, 11, 18, 22, 0, tzinfo=UTC)


@pytest.mark.policy("G.2")
@pytest.mark.policy("G.3.a")
@pytest.mark.policy("G.3.b")
@pytest.mark.policy("G.3.c")
@pytest.mark.policy("G.3.f")
@pytest.mark.policy("G.3.g")
def test_an_unmasked_frame_is_granted_only_inside_the_terms_and_audited(
        db: Database, admin: Context, enrol, settings) -> None:
    afternoon = _afternoon()
    donor = add_camera(db, admin, "CAM-PD-01", "private_donor")
    other = add_camera(db, admin, "CAM-PD-02", "private_donor")
    wednesday = afternoon.astimezone(ZoneInfo(DEFAULT_TIME_ZONE)).weekday()
    ag = add_agreement(db, admin, ("CAM-PD-01",),
                       allowed_hours={d: ((time(0), time.max),) if d == wednesday
                                      else ((time(9), time(10)),) for d in range(7)},
                       effective_at=afternoon - timedelta(days=30),
                       expires_at=afternoon + timedelta(days=300))
    now = at(admin, afternoon)

    def ask(ctx: Context, camera: int = donor.id, reason: str = REASON,
            agreement: int = ag.id) -> object:
        return lambda: perform(db, ctx, donors.grant_mask_frame, agreement, camera, reason)

    it = enrol("7401", "it_staff")
    assert_refused(db, ask(at(it, afternoon)), action="donor.mask_frame", clause="A.2")
    assert_refused(db, ask(now, reason="why"), action="donor.mask_frame", clause="G.3.a")
    assert_refused(db, ask(now, camera=other.id), action="donor.mask_frame", clause="G.3.b")
    assert_refused(db, ask(now, agreement=9999), action="donor.mask_frame", clause="G.2")
    late = at(admin, afternoon + timedelta(days=1, hours=5))
    assert_refused(db, ask(late), action="donor.mask_frame", clause="G.3.c",
                   match="outside the viewing hours")
    assert_refused(db, ask(at(admin, afternoon + timedelta(days=400))),
                   action="donor.mask_frame", clause="G.3.g", match="expired")

    grant = perform(db, now, donors.grant_mask_frame, ag.id, donor.id, REASON)
    assert grant.url.reveal().startswith("rtsp://viewer:s3cret@")
    assert grant.agreement == ag.reference
    with db.read() as session:
        (event,) = list_events(session, AuditFilter(action="donor.mask_frame"))
    assert (event.actor_badge, event.object_id, event.reason) == ("1001", "CAM-PD-01", REASON)
    assert event.details["unmasked"] and not event.details["kept"]
    assert "s3cret" not in str(event.details)

    use_memory_keyring()  # the same person on a machine that is not enrolled
    elsewhere = at(sign_in(db, settings, "1001", PASSWORD), afternoon)
    assert_refused(db, ask(elsewhere), action="donor.mask_frame", clause="G.3.f",
                   match="not enrolled")
    perform(db, now, donors.withdraw_agreement, ag.id, "donor withdrew consent")
    assert_refused(db, ask(now), action="donor.mask_frame", clause="G.2")


@pytest.mark.policy("G.3.a")
def test_the_frame_is_fetched_only_after_the_grant(db: Database, admin: Context) -> None:
    with CameraSimulator(["yard"], size=(320, 180), fps=10) as sim:
        donor = add_camera(db, admin, "CAM-PD-01", "private_donor", stream_url=sim.url("yard"))
        ag = add_agreement(db, admin, ("CAM-PD-01",))
        frame = fetch_mask_frame(db, admin, ag.id, donor.id, REASON)
        assert frame.shape[:2] == (180, 320)
        assert_refused(db, lambda: fetch_mask_frame(db, admin, ag.id, donor.id, ""),
                       action="donor.mask_frame", clause="G.3.a")
