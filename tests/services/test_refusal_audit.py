"""Every refusal is audited (POLICY "Every refusal is audited"): one mechanism, the runner,
under the action each service declares; the event holds the clause, never a secret or a
whole payload."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from rtic_console import services
from rtic_console.domain.recipients import ExportRecipient
from rtic_console.feeds.recording_supervisor import RecordingSupervisor
from rtic_console.services import (
    audit_review,
    cameras,
    hotlists,
    recordings,
    roster,
    wall_layouts,
)
from rtic_console.services.cameras import CameraInput
from rtic_console.services.context import Context, InputRejected, Refused
from rtic_console.services.hotlists import HotPlateInput
from rtic_console.services.roster import PersonInput
from rtic_console.services.runner import MAX_REFUSAL_REASON, attempt, perform, query
from rtic_console.store.audit_log import AuditFilter
from rtic_console.store.database import Database
from tests.refusals import assert_refused, events_after, head_seq, table_digests
from tests.services.pscn_support import add_camera, write_segment
from tests.support import PASSWORD, trained

# Functions that take the acting Context but are checks or steps a service makes, or the runner
# itself: never run through the runner on their own.
NOT_SERVICES = {"auth.authorize", "search_requests.usable_request",
                "device_reports.file_report", "viewing_requests.approved_window"}


def _service_functions() -> list[tuple[str, object]]:
    """Every public function of the services package that takes the acting Context: what
    the CLI and the screens run through the runner."""
    found = []
    for info in pkgutil.iter_modules(services.__path__):
        module = importlib.import_module(f"{services.__name__}.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or name.startswith("_"):
                continue
            params = list(inspect.signature(fn).parameters.values())
            if params and params[0].name == "db":
                continue  # the runner itself, or a workflow whose steps go through it
            if any(p.name == "ctx" and p.annotation in ("Context", Context) for p in params[:2]) \
                    and f"{info.name}.{name}" not in NOT_SERVICES:
                found.append((f"{info.name}.{name}", fn))
    return found


def test_every_service_declares_the_action_its_refusals_are_audited_under() -> None:
    functions = _service_functions()
    assert len(functions) > 50, "the walk found the services"
    undeclared = [name for name, fn in functions
                  if not isinstance(getattr(fn, "service_action", None), str)
                  and not callable(getattr(fn, "service_action", None))]
    assert undeclared == []


def test_the_runner_will_not_run_a_service_that_declares_no_action(db: Database,
                                                                   admin: Context) -> None:
    ran = []

    def undeclared(session: Session, ctx: Context) -> None:
        ran.append(ctx)

    for run in (perform, query):
        with pytest.raises(TypeError, match="declares no action"):
            run(db, admin, undeclared)
    assert ran == []


@pytest.mark.policy("AUDIT")
def test_a_format_error_is_audited_too_without_a_clause(db: Database, admin: Context) -> None:
    event = assert_refused(db, lambda: perform(
        db, admin, roster.add_person, PersonInput("12'; --", "Someone", ("officer",)),
        PASSWORD), action="roster.add", match="badge number", error=InputRejected)
    assert event.details == {} and event.actor_badge == "1001"
    assert event.workstation == "TEST-WS-01" and "badge number" in event.reason


@pytest.mark.policy("AUDIT")
def test_an_action_that_depends_on_the_call_is_named_by_it(db: Database, enrol) -> None:
    officer, supervisor = enrol("4101", "officer"), enrol("4201", "supervisor")
    proposed = perform(db, officer, hotlists.propose_special, HotPlateInput(
        "6TRE555", "CA", "other", "26-7", None, None, None, narrative="seen near burglaries"))
    assert_refused(db, lambda: perform(db, supervisor, hotlists.decide_special, proposed.id,
                                       False, " "),
                   action="hotlist.special.reject", match="reason for rejecting")
    assert_refused(db, lambda: perform(db, supervisor, hotlists.decide_special, 9999, True),
                   action="hotlist.special.approve", match="no special hot list entry")


@pytest.mark.policy("F.4")
def test_an_export_that_cannot_be_written_is_refused_and_audited(db: Database, admin: Context,
                                                                 tmp_path: Path) -> None:
    camera = add_camera(db, admin, "CAM-AG-01", recording_enabled=True)
    t0 = datetime.now(UTC) - timedelta(minutes=10)
    segment = write_segment(tmp_path / "rec", camera.id, t0, 3)
    with db.write() as session:
        recordings.index_segment(session, segment)
    plan = query(db, admin, recordings.plan_export, camera.id, t0, t0 + timedelta(seconds=2),
                 "26-1", None, "evidence", ExportRecipient.spd("26-1"))
    blocker = tmp_path / "a file, not a folder"
    blocker.write_text("x")
    assert_refused(db, lambda: attempt(db, admin, recordings.write_export, plan,
                                       blocker / "out"),
                   action="evidence.export", match="cannot write the export")
    beyond = replace(plan, start=t0 + timedelta(hours=1), end=t0 + timedelta(hours=2))
    assert_refused(db, lambda: attempt(db, admin, recordings.write_export, beyond,
                                       tmp_path / "out"),
                   action="evidence.export", match="no recorded frame")
    assert_refused(db, lambda: query(db, admin, recordings.plan_export, camera.id,
                                     t0 - timedelta(hours=3), t0 - timedelta(hours=2), "26-1",
                                     None, "evidence", ExportRecipient.spd("26-1")),
                   action="evidence.export", match="no recording of CAM-AG-01")


@pytest.mark.policy("AUDIT")
def test_an_audit_export_that_cannot_be_written_is_refused_and_audited(
        db: Database, admin: Context, tmp_path: Path) -> None:
    (tmp_path / "a file").write_text("not a folder")
    assert_refused(db, lambda: perform(db, admin, audit_review.export_csv, AuditFilter(),
                                       tmp_path / "a file" / "audit.csv"),
                   action="audit.export", match="cannot write audit.csv")


@pytest.mark.policy("G.1")
def test_the_recorder_s_refused_donor_segment_is_audited(db: Database, admin: Context,
                                                         tmp_path: Path) -> None:
    """The recorder's thread logs a refusal instead of raising it, so assert_refused (which
    needs the attempt to raise) is spelled out here: nothing written, one event."""
    donor = add_camera(db, admin, "CAM-PD-01", "private_donor")
    stray = write_segment(tmp_path / "rec", donor.id, datetime.now(UTC), 2)
    before, seq = table_digests(db), head_seq(db)
    RecordingSupervisor(db, tmp_path / "rec").store_segment(stray)
    assert table_digests(db) == before
    (event,) = events_after(db, seq)
    assert (event.action, event.details) == ("recording.index.refused", {"clause": "G.1"})
    assert event.actor_badge is None and event.object_id == "CAM-PD-01"
    assert not Path(stray.path).exists(), "the donor segment is deleted, not kept"


@pytest.mark.policy("AUDIT")
def test_a_refusal_event_never_holds_a_secret(db: Database, admin: Context) -> None:
    secret = "Hunter2-do-not-log"
    url = f"rtsp://viewer:{secret}@10.1.2.3:554/cam?password={secret}"
    event = assert_refused(db, lambda: perform(db, admin, cameras.add_camera, CameraInput(
        code="CAM-AG-09", name="Camera", category="dealership", stream_url=url)),
        action="camera.add", match="category must be one of", error=InputRejected)
    weak = assert_refused(db, lambda: perform(
        db, admin, roster.add_person, PersonInput("3001", "New Person", ("officer",), "X",
                                                  trained(), trained()), "short!"),
        action="roster.add", match="password must be at least", error=InputRejected)
    wrong = assert_refused(db, lambda: perform(db, admin, roster.change_own_password, secret,
                                               "a-new-long-password"),
                           action="auth.password_change", match="current password is wrong",
                           error=Refused)
    for e in (event, weak, wrong):
        stored = repr((e.reason, e.object_type, e.object_id, e.details))
        assert secret not in stored and "short!" not in stored, stored


@pytest.mark.policy("AUDIT")
def test_a_refusal_event_never_holds_a_whole_payload(db: Database, admin: Context) -> None:
    payload = "CAM-" + "X" * 20_000
    event = assert_refused(db, lambda: perform(db, admin, wall_layouts.save_layout,
                                               "Night shift", 2, [payload]),
                           action="pscn.layout.save", match="there is no camera",
                           error=InputRejected)
    assert len(event.reason) <= MAX_REFUSAL_REASON and event.reason.endswith("…")
    assert set(event.details) <= {"clause"}
