"""Live lists update what changed: a change made on another console's database connection
updates that row by id, without reloading the list; a resync reloads it; the selection and
the scroll position stay."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import update

from rtic_console.domain.reads import Heartbeat, StreamStatus
from rtic_console.services import (
    cameras,
    device_reports,
    devices,
    donors,
    hotlists,
    quarantine_review,
    registry,
    roster,
    search_requests,
    workstations,
)
from rtic_console.services.cameras import CameraInput
from rtic_console.services.hotlists import HotPlateInput
from rtic_console.services.ingest import quarantine, record_heartbeats
from rtic_console.services.registry import EntryInput
from rtic_console.services.roster import PersonInput
from rtic_console.services.runner import perform
from rtic_console.store.change_bus import MAX_IDS, Change, ChangeEvent
from rtic_console.store.change_listeners import change_listener
from rtic_console.store.database import Database, open_database
from rtic_console.store.models import Person, QuarantinedPayload
from rtic_console.ui.admin.cameras_widget import CamerasWidget
from rtic_console.ui.admin.devices_widget import DevicesWidget
from rtic_console.ui.admin.donors_widget import DonorsWidget
from rtic_console.ui.admin.quarantine_widget import QuarantineWidget
from rtic_console.ui.admin.registry_widget import RegistryWidget
from rtic_console.ui.admin.roster_widget import RosterWidget
from rtic_console.ui.admin.workstations_widget import WorkstationsWidget
from rtic_console.ui.hotlists.hot_lists_widget import HotListsWidget
from rtic_console.ui.search.other_use_requests_widget import OtherUseRequestsWidget
from rtic_console.ui.table_model import select_where, selected_row
from tests.services.fleet_support import add_fleet
from tests.services.pscn_support import add_agreement, add_camera
from tests.support import PASSWORD, trained

WAIT_MS = 10_000


@pytest.fixture
def other(db: Database, db_url: str) -> Iterator[Database]:
    """Another console's connection to the same database (its own engine and bus), and this
    console's change listener, which hears it as it would hear another process."""
    listener = change_listener(db)
    assert listener is not None
    listener.start()
    elsewhere = open_database(db_url, interactive=False)
    try:
        assert listener.connected.wait(10)
        yield elsewhere
    finally:
        listener.stop()
        elsewhere.dispose()


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Callable[[ModuleType, str], Counter[str]]:
    """Counts the calls of a service's list query; set before the screen is built."""
    counts: Counter[str] = Counter()

    def count(module: ModuleType, name: str) -> Counter[str]:
        fn = getattr(module, name)

        @functools.wraps(fn)
        def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
            counts[name] += 1
            return fn(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)
        return counts

    return count


def _resync(db: Database) -> None:
    db.bus.deliver(ChangeEvent(Change.RESYNC, data={"since": "test"}))


def _person(badge: str, name: str, *roles: str) -> PersonInput:
    return PersonInput(badge, name, roles or ("officer",), "Patrol", trained(), trained())


def test_roster_updates_the_changed_person_and_keeps_the_selection(
        qtbot, console_session, db: Database, other: Database, admin, enrol, calls) -> None:
    enrol("0500", "officer", sign=False)
    enrol("9000", "officer", sign=False)
    lists = calls(roster, "list_people")
    widget = RosterWidget(console_session(admin))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 3, timeout=WAIT_MS)
    widget.select_badge("0500")
    assert widget.deactivate_button.isEnabled()
    detail: list[object] = []  # what the grants pane was told about its person
    widget.live.selected_changed.connect(lambda _key, person: detail.append(person))

    perform(other, admin, roster.update_person, "9000", _person("9000", "Ofc. Renamed"))
    qtbot.waitUntil(lambda: "Ofc. Renamed" in [p.name for p in widget.model.rows],
                    timeout=WAIT_MS)
    perform(other, admin, roster.add_person, _person("9100", "Ofc. New"), PASSWORD)
    qtbot.waitUntil(lambda: widget.model.rowCount() == 4, timeout=WAIT_MS)
    assert widget.selected().badge == "0500"
    assert detail == [], "other people's changes leave the selected person's pane alone"

    perform(other, admin, roster.deactivate_person, "0500")  # the selected person
    qtbot.waitUntil(lambda: not widget.deactivate_button.isEnabled(), timeout=WAIT_MS)
    assert widget.selected().badge == "0500" and not widget.selected().active
    assert [p.badge for p in detail] == ["0500"]  # type: ignore[attr-defined]
    assert lists["list_people"] == 1, "each change fetched its own row, not the whole roster"

    with other.write() as session:  # a change no event announced: only a resync shows it
        session.execute(update(Person).where(Person.badge == "9100").values(name="Unheard"))
    _resync(db)
    qtbot.waitUntil(lambda: "Unheard" in [p.name for p in widget.model.rows], timeout=WAIT_MS)
    assert lists["list_people"] == 2
    assert widget.selected().badge == "0500"


def test_cameras_update_the_changed_camera_in_place(
        qtbot, console_session, db: Database, other: Database, admin, enrol, calls) -> None:
    first = add_camera(db, admin, "CAM-AG-01")
    second = add_camera(db, admin, "CAM-AG-02")
    lists = calls(cameras, "list_cameras")
    widget = CamerasWidget(console_session(enrol("7101", "it_staff")))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 2, timeout=WAIT_MS)
    widget.select_camera(second.id)

    perform(other, admin, cameras.edit_camera, first.id, CameraInput(
        code="CAM-AG-01", name="Renamed plaza", category="agency",
        stream_url=first.display_url, area="Downtown"))
    qtbot.waitUntil(lambda: widget.model.row_at(widget.model.row_of_key(first.id)).name
                    == "Renamed plaza", timeout=WAIT_MS)
    add_camera(other, admin, "CAM-AG-03")
    qtbot.waitUntil(lambda: widget.model.rowCount() == 3, timeout=WAIT_MS)
    assert widget.selected().id == second.id
    assert lists["list_cameras"] == 1

    _resync(db)
    qtbot.waitUntil(lambda: lists["list_cameras"] == 2, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: widget.selected() is not None, timeout=WAIT_MS)
    assert widget.selected().id == second.id and widget.model.rowCount() == 3


def _quarantine(db: Database, reason: str) -> int:
    with db.write() as session:
        return quarantine(session, "webhook:/alpr", "application/json", reason, b"{oops")


def test_quarantine_adds_new_payloads_on_top_keeping_scroll_and_cap(
        qtbot, console_session, db: Database, other: Database, admin, calls,
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(quarantine_review, "DEFAULT_LIMIT", 40)
    for n in range(40):
        _quarantine(db, f"bad payload {n}")
    lists = calls(quarantine_review, "list_quarantine")
    widget = QuarantineWidget(console_session(admin))
    qtbot.addWidget(widget)
    widget.resize(900, 300)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 40, timeout=WAIT_MS)
    widget.table.selectRow(10)
    chosen = widget.model.row_at(10).id
    bar = widget.table.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    scrolled = bar.value()
    assert scrolled > 0

    newest = _quarantine(other, "not JSON: a new sender")
    qtbot.waitUntil(lambda: widget.model.row_at(0).id == newest, timeout=WAIT_MS)
    assert widget.model.row_at(0).reason == "not JSON: a new sender"
    assert widget.model.rowCount() == 40, "the list keeps its cap"
    assert lists["list_quarantine"] == 1
    assert bar.value() == scrolled
    selected = widget.table.selectionModel().selectedRows()
    assert [widget.model.row_at(i.row()).id for i in selected] == [chosen]

    with other.write() as session:  # unannounced: only a resync shows it
        session.execute(update(QuarantinedPayload).where(QuarantinedPayload.id == chosen)
                        .values(reason="edited quietly"))
    _resync(db)
    qtbot.waitUntil(lambda: lists["list_quarantine"] == 2, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: any(r.reason == "edited quietly" for r in widget.model.rows),
                    timeout=WAIT_MS)
    selected = widget.table.selectionModel().selectedRows()
    assert [widget.model.row_at(i.row()).id for i in selected] == [chosen]
    assert bar.value() == scrolled
    widget.grab().save(str(tmp_path / "rtic_live_quarantine.png"))


def _ask(db: Database, ctx, case: str) -> int:  # type: ignore[no-untyped-def]
    return perform(db, ctx, search_requests.request_other_use, case,
                   "Travel pattern of a fraud suspect's car for a warrant affidavit").id


def test_other_use_lists_update_the_request_and_drop_a_decided_one(
        qtbot, console_session, db: Database, other: Database, enrol, calls) -> None:
    officer = enrol("6301", "officer")
    reviewer = enrol("7101", "supervisor")
    elsewhere = enrol("7102", "supervisor")  # another sergeant, at another console
    first = _ask(db, officer, "26-7001")
    second = _ask(db, officer, "26-7002")
    pending = calls(search_requests, "pending_requests")
    mine = calls(search_requests, "my_requests")
    inbox = OtherUseRequestsWidget(console_session(reviewer))
    asker = OtherUseRequestsWidget(console_session(officer))
    for w in (inbox, asker):
        qtbot.addWidget(w)
        w.show()
    qtbot.waitUntil(lambda: inbox.pending.rowCount() == 2 and asker.mine.rowCount() == 2,
                    timeout=WAIT_MS)
    inbox.pending_table.selectRow([r.id for r in inbox.pending.rows].index(second))

    third = _ask(other, officer, "26-7003")
    qtbot.waitUntil(lambda: inbox.pending.rowCount() == 3 and asker.mine.rowCount() == 3,
                    timeout=WAIT_MS)
    assert [r.id for r in inbox.pending.rows] == [first, second, third], "oldest first"
    assert asker.mine.row_at(0).id == third, "newest first"

    perform(other, elsewhere, search_requests.decide_other_use, first, True, "Reviewed")
    qtbot.waitUntil(lambda: inbox.pending.rowCount() == 2, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: asker.mine.row_at(asker.mine.row_of_key(first)).status
                    == "approved", timeout=WAIT_MS)
    assert inbox.selected_pending().id == second, "the reviewer's choice stays chosen"
    assert (pending["pending_requests"], mine["my_requests"]) == (1, 2), \
        "one list query per list, at the start"

    # Every list reloads; the rows below were already so, so wait for the answers to land.
    with qtbot.waitSignals([live.applied for live in (*inbox.lists, *asker.lists)],
                           timeout=WAIT_MS):
        _resync(db)
    assert pending["pending_requests"] == 2 and mine["my_requests"] == 4
    assert [r.id for r in inbox.pending.rows] == [second, third]
    assert inbox.selected_pending().id == second


def _entry(owner: str, address: str) -> EntryInput:
    return EntryInput(owner_name=owner, contact="(916) 555-0101", address=address,
                      latitude="38.5779", longitude="-121.4850",
                      equipment_type="doorbell camera")


def test_registry_drops_a_deactivated_entry_unless_shown(
        qtbot, console_session, db: Database, other: Database, admin, calls) -> None:
    kept = perform(db, admin, registry.add_entry, _entry("Capitol Deli", "1020 11th St")).id
    gone = perform(db, admin, registry.add_entry, _entry("Bike Shop", "1100 J St")).id
    lists = calls(registry, "list_entries")
    widget = RegistryWidget(console_session(admin))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 2, timeout=WAIT_MS)
    select_where(widget.table, widget.proxy, widget.model, lambda e: e.id == kept)

    perform(other, admin, registry.deactivate_entry, gone, "moved away")
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=WAIT_MS)
    assert widget.model.row_at(0).id == kept and widget.selected().id == kept
    assert lists["list_entries"] == 1

    widget.show_inactive.setChecked(True)  # the screen's own filter: the list again
    qtbot.waitUntil(lambda: widget.model.rowCount() == 2, timeout=WAIT_MS)
    assert lists["list_entries"] == 2 and widget.selected().id == kept


def test_workstations_update_a_revoked_one_in_place(
        qtbot, console_session, db: Database, other: Database, admin, calls) -> None:
    lists = calls(workstations, "list_workstations")
    widget = WorkstationsWidget(console_session(admin))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=WAIT_MS)
    widget.table.selectRow(0)
    assert widget.revoke_button.isEnabled()
    perform(other, admin, workstations.revoke_workstation, "TEST-WS-01", "moved to the EOC")
    qtbot.waitUntil(lambda: not widget.revoke_button.isEnabled(), timeout=WAIT_MS)
    assert widget.selected().status == "revoked" and lists["list_workstations"] == 1


def _special(plate: str) -> HotPlateInput:
    return HotPlateInput(plate=plate, state="CA", reason="other", case_number="26-004512",
                         xref=None, ncic_system=None, ncic_record=None,
                         narrative="seen at a burglary series")


def test_hot_lists_follow_a_special_entry(
        qtbot, console_session, db: Database, other: Database, enrol, calls) -> None:
    officer = enrol("6301", "officer")
    supervisor = enrol("8501", "supervisor")
    elsewhere = enrol("8502", "supervisor")
    waiting = perform(db, officer, hotlists.propose_special, _special("7ABC123")).id
    entry_lists = calls(hotlists, "list_entries")
    entries = HotListsWidget(console_session(supervisor))
    qtbot.addWidget(entries)
    entries.show()
    qtbot.waitUntil(lambda: entries.model.rowCount() == 1, timeout=WAIT_MS)
    entries.table.selectRow(0)

    def chosen() -> int:
        return selected_row(entries.table, entries.proxy, entries.model).id

    later = perform(other, officer, hotlists.propose_special, _special("8DEF456")).id
    qtbot.waitUntil(lambda: entries.model.rowCount() == 2, timeout=WAIT_MS)
    assert [e.id for e in entries.model.rows] == [later, waiting], "newest first"
    assert chosen() == waiting

    perform(other, elsewhere, hotlists.decide_special, later, False, "not enough to go on")
    qtbot.waitUntil(lambda: entries.model.rowCount() == 1, timeout=WAIT_MS)
    assert chosen() == waiting, "the decided entry left; the choice stays"
    assert entry_lists["list_entries"] == 1

    entries.status_filter.setCurrentIndex(entries.status_filter.findText("Rejected"))
    qtbot.waitUntil(lambda: [e.id for e in entries.model.rows] == [later], timeout=WAIT_MS)
    assert entry_lists["list_entries"] == 2


def test_donor_agreements_update_the_withdrawn_one_and_the_expiry_notice(
        qtbot, console_session, db: Database, other: Database, admin, calls) -> None:
    add_camera(db, admin, "CAM-PD-01", "private_donor")
    add_camera(db, admin, "CAM-PD-02", "private_donor")
    soon = add_agreement(db, admin, ("CAM-PD-01",), reference="DA-SOON",
                         expires_at=datetime.now(UTC) + timedelta(days=5))
    lists = calls(donors, "list_agreements")
    widget = DonorsWidget(console_session(admin))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=WAIT_MS)
    assert not widget.expiring.isHidden() and "DA-SOON" in widget.expiring.text()
    widget.select_agreement(soon.id)
    assert widget.withdraw_button.isEnabled()

    add_agreement(other, admin, ("CAM-PD-02",), reference="DA-LATER")
    qtbot.waitUntil(lambda: widget.model.rowCount() == 2, timeout=WAIT_MS)
    perform(other, admin, donors.withdraw_agreement, soon.id, "the donor withdrew")
    qtbot.waitUntil(lambda: not widget.withdraw_button.isEnabled(), timeout=WAIT_MS)
    assert widget.selected().id == soon.id and widget.selected().status == "withdrawn"
    assert widget.expiring.isHidden(), "a withdrawn agreement no longer expires"
    assert lists["list_agreements"] == 1


def test_a_change_without_ids_or_with_ids_cut_off_reloads_the_list(
        qtbot, console_session, db: Database, admin, calls) -> None:
    lists = calls(workstations, "list_workstations")
    widget = WorkstationsWidget(console_session(admin))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=WAIT_MS)
    db.bus.deliver(ChangeEvent(Change.WORKSTATION))
    qtbot.waitUntil(lambda: lists["list_workstations"] == 2, timeout=WAIT_MS)
    db.bus.deliver(ChangeEvent(Change.WORKSTATION, tuple(range(1, MAX_IDS + 1))))
    qtbot.waitUntil(lambda: lists["list_workstations"] == 3, timeout=WAIT_MS)
    db.bus.deliver(ChangeEvent(Change.ROSTER, (1,)))  # not this list's kind
    qtbot.wait(200)
    assert lists["list_workstations"] == 3 and widget.model.rowCount() == 1


def test_devices_take_a_heartbeat_by_id_and_leave_the_reports_pane_alone(
        qtbot, console_session, db: Database, other: Database, admin, calls) -> None:
    """Heartbeats arrive every few seconds: each updates its devices' rows, never the list."""
    add_fleet(db, admin)
    lists = calls(devices, "list_devices")
    reports = calls(device_reports, "device_reports")
    widget = DevicesWidget(console_session(admin))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 4, timeout=WAIT_MS)
    chosen = next(r for r in widget.model.rows if r.code == "ALPR-MB-1134")
    widget.select_device(chosen.id)
    qtbot.waitUntil(lambda: reports["device_reports"] == 1, timeout=WAIT_MS)

    seen = datetime.now(UTC).replace(microsecond=0)
    with other.write() as session:
        record_heartbeats(session, [Heartbeat("ALPR-MB-1134", seen, (
            StreamStatus("ALPR-MB-1134", None, 25.0, True, seen),))])

    def last_seen() -> datetime | None:
        return next(r.last_seen_at for r in widget.model.rows if r.id == chosen.id)

    qtbot.waitUntil(lambda: last_seen() is not None and last_seen() >= seen, timeout=WAIT_MS)
    qtbot.wait(100)
    assert lists["list_devices"] == 1, "a heartbeat fetched its device, not the fleet"
    assert reports["device_reports"] == 1, "a heartbeat does not reload the reports pane"
    assert widget.selected().id == chosen.id
