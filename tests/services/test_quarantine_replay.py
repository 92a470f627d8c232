"""A quarantined payload read in full, saved to a file and replayed through the ingest
path once its sender is fixed: audited, and out of the quarantine only when stored."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rtic_console.feeds.quarantine_replay import replay_quarantined
from rtic_console.services import quarantine_review
from rtic_console.services.hotlists import HotPlateInput, add_hot_plate
from rtic_console.services.ingest import QUARANTINE_KEEP_BYTES, quarantine
from rtic_console.services.runner import perform, query
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from rtic_console.store.models import Detection, Hit, HitSighting, QuarantinedPayload
from tests.refusals import assert_refused

READS = Path(__file__).parents[1] / "fixtures" / "reads" / "reads.csv"


def _quarantined(db: Database, raw: bytes, channel: str = "file:reads.csv") -> int:
    with db.write() as session:
        return quarantine(session, channel, None, "parser could not read it (since fixed)", raw)


def _count(db: Database, model: type) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _events(db: Database, action: str) -> list:
    with db.read() as session:
        return list_events(session, AuditFilter(action=action))


def test_a_payload_that_parses_now_is_stored_and_leaves_the_quarantine(db: Database,
                                                                       admin) -> None:
    qid = _quarantined(db, READS.read_bytes())
    outcome = replay_quarantined(db, admin, qid)
    assert outcome.stored >= 1 and outcome.quarantine_id == qid
    assert _count(db, Detection) == outcome.stored
    assert _count(db, QuarantinedPayload) == 0
    [event] = _events(db, "quarantine.replay")
    assert event.object_id == str(qid) and event.details["stored"] == outcome.stored
    assert event.actor_badge == admin.actor.badge


def test_a_payload_that_still_fails_stays_and_the_attempt_is_audited(db: Database,
                                                                     admin) -> None:
    qid = _quarantined(db, b"\x00\x01 not a read in any format", "webhook:/alpr")
    event = assert_refused(db, lambda: replay_quarantined(db, admin, qid),
                           action="quarantine.replay", match="still does not parse")
    assert f"#{qid}" in (event.reason or "")
    assert _count(db, QuarantinedPayload) == 1


def test_a_cut_payload_cannot_be_replayed(db: Database, admin) -> None:
    qid = _quarantined(db, b"x" * (QUARANTINE_KEEP_BYTES + 10))
    assert_refused(db, lambda: replay_quarantined(db, admin, qid), action="quarantine.replay",
                   match="first 262,144 of 262,154 bytes")


def test_only_those_who_load_reads_replay(db: Database, admin, enrol) -> None:
    qid = _quarantined(db, READS.read_bytes())
    dispatcher = enrol("4101", "dispatcher")
    assert_refused(db, lambda: replay_quarantined(db, dispatcher, qid),
                   action="quarantine.replay")


def test_saving_the_payload_writes_its_bytes_and_is_audited(db: Database, admin,
                                                            tmp_path: Path) -> None:
    raw = b'{"broken": ' + bytes(range(8))
    qid = _quarantined(db, raw, "webhook:/alpr")
    target = tmp_path / "payload.bin"
    assert perform(db, admin, quarantine_review.save_payload, qid, target) == target
    assert target.read_bytes() == raw
    [event] = _events(db, "quarantine.save")
    assert event.details["file"] == "payload.bin" and event.details["bytes"] == len(raw)
    assert query(db, admin, quarantine_review.list_quarantine)[0].id == qid  # still there


def test_saving_into_a_missing_folder_is_refused(db: Database, admin, tmp_path: Path) -> None:
    qid = _quarantined(db, b"abc")
    assert_refused(db, lambda: perform(db, admin, quarantine_review.save_payload, qid,
                                       tmp_path / "nowhere" / "p.bin"),
                   action="quarantine.save", match="existing folder")


@pytest.mark.parametrize("missing", [999_999])
def test_a_payload_replayed_already_is_named(db: Database, admin, missing: int) -> None:
    assert_refused(db, lambda: replay_quarantined(db, admin, missing),
                   action="quarantine.replay", match="no payload")


def test_a_replay_groups_with_this_machines_window(db: Database, admin) -> None:
    """Two reads of one hot plate three minutes apart: one hit and its sighting with the
    default five-minute window, two hits where the machine groups within two minutes."""
    perform(db, admin, add_hot_plate, HotPlateInput(
        "7GRP123", "CA", "stolen_vehicle", "24-000777", None, "SVS", "V777"))
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
    rows = "".join(f"7GRP123,CA,91,{(at + timedelta(minutes=m)).isoformat()},ALPR-FX-01,"
                   f"38.5,-121.4,90\n" for m in (0, 3))
    raw = f"plate,state,confidence,captured_at,device,latitude,longitude,direction\n{rows}"
    two_minutes = replace(admin, settings=replace(admin.settings, hit_group_minutes=2))
    replay_quarantined(db, two_minutes, _quarantined(db, raw.encode()))
    assert _count(db, Hit) == 2 and _count(db, HitSighting) == 0
