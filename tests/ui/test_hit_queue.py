"""The triage pane: live hits, the evidence, and a dispatcher working one to confirmation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rtic_console.domain.checklist import STOP_WARNING, HitStatus
from rtic_console.domain.reads import PlateRead
from rtic_console.services import hotlists
from rtic_console.services.hotlists import HotPlateInput
from rtic_console.services.ingest import ingest_reads
from rtic_console.services.matching import MatchingEngine
from rtic_console.services.runner import perform
from rtic_console.store.database import Database
from rtic_console.ui.hits.hit_queue_widget import HitQueueWidget

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _read(plate: str, sid: str) -> PlateRead:
    return PlateRead(source="openalpr", source_id=sid, plate=plate, plate_raw=plate,
                     state="CA", confidence=0.9,
                     captured_at=datetime.now(UTC) - timedelta(seconds=3),
                     device_ref="ALPR-FX-01", direction_deg=95.0)


@pytest.fixture
def engine(db: Database, enrol) -> MatchingEngine:
    officer = enrol("6301", "officer")
    perform(db, officer, hotlists.add_hot_plate, HotPlateInput(
        plate="7KQM482", state="CA", reason="stolen_vehicle", case_number="26-011842",
        xref=None, ncic_system="SVS", ncic_record="V264118820"))
    eng = MatchingEngine()
    with db.read() as session:
        eng.load(session)
    return eng


def _ingest(db: Database, engine: MatchingEngine, plate: str, sid: str) -> int:
    with db.write() as session:
        return ingest_reads(session, [_read(plate, sid)], engine, datetime.now(UTC),
                            "test").hit_ids[0]


@pytest.mark.policy("D.4")
def test_new_hit_appears_live_with_the_stop_warning(qtbot, console_session, db: Database,
                                                     engine: MatchingEngine, enrol) -> None:
    widget = HitQueueWidget(console_session(enrol("5201", "dispatcher")))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.summary.text().startswith("0 open"), timeout=5000)
    hit_id = _ingest(db, engine, "7KQM4B2", "r1")
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=2000)
    widget.select_hit(hit_id)
    qtbot.waitUntil(lambda: widget.detail_panel.fields["case"].text() == "26-011842",
                    timeout=5000)
    panel = widget.detail_panel
    assert panel.warning.text() == STOP_WARNING and panel.warning.isVisible()
    assert "APPROXIMATE MATCH" in panel.match_note.text()
    assert "background" in panel.read_plate.text(), "the differing character is highlighted"


@pytest.mark.policy("D.6.a")
@pytest.mark.policy("D.3.e")
def test_dispatcher_works_a_hit_to_confirmation(qtbot, console_session, db: Database,
                                                engine: MatchingEngine, enrol) -> None:
    widget = HitQueueWidget(console_session(enrol("5201", "dispatcher")))
    qtbot.addWidget(widget)
    widget.show()
    hit_id = _ingest(db, engine, "7KQM482", "r2")
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=3000)
    widget.select_hit(hit_id)
    panel = widget.checklist
    qtbot.waitUntil(lambda: panel.claim_button.isVisible() and panel.isEnabled(),
                    timeout=5000)
    assert not panel.confirm_button.isEnabled()
    panel.claim_button.click()
    qtbot.waitUntil(lambda: panel.cad.isEnabled(), timeout=5000)
    assert not panel.clets.isEnabled(), "step 2 opens only after step 1"

    def record(step_index: int) -> None:
        from rtic_console.domain.checklist import Step

        step = Step(step_index)
        panel.step_buttons[step].click()
        qtbot.waitUntil(lambda: panel.step_done[step].text().startswith("✓"), timeout=5000)

    panel.cad.setText("26-118812")
    panel.incident_type.setText("10851")
    record(1)
    panel.clets.setPlainText("SVS: STOLEN VEHICLE 26-011842")
    panel.ncic.setPlainText("NCIC: V264118820 ACTIVE")
    panel.outcome.setCurrentIndex(panel.outcome.findData("still_wanted"))
    record(2)
    panel.vehicle.setText("silver Honda Accord")
    panel.direction.setCurrentText("E")
    record(3)
    panel.channel.setText("Central 1")
    record(4)
    assert panel.confirm_button.isEnabled()
    panel.confirm_button.click()
    qtbot.waitUntil(lambda: "confirmed" in widget.message.text(), timeout=5000)
    qtbot.waitUntil(lambda: widget.model.rowCount() == 0, timeout=5000)
    detail = perform(db, widget._session.ctx, __import__(
        "rtic_console.services.hits", fromlist=["hit_detail"]).hit_detail, hit_id)
    assert detail.hit.status is HitStatus.CONFIRMED
    # D.3.e: a confirmed stolen vehicle stays shown and asks for the recovery call.
    assert panel.recovery_box.isVisible() and widget.selected_id == hit_id
    panel.recovery_cfs.setText("26-118990")
    panel.recovery_button.click()
    qtbot.waitUntil(lambda: widget.selected_id is None, timeout=5000)
    detail = perform(db, widget._session.ctx, __import__(
        "rtic_console.services.hits", fromlist=["hit_detail"]).hit_detail, hit_id)
    assert detail.hit.recovery_cfs == "26-118990"


def test_officer_sees_hits_but_cannot_work_them(qtbot, console_session, db: Database,
                                                 engine: MatchingEngine, enrol) -> None:
    widget = HitQueueWidget(console_session(enrol("6302", "officer")))
    qtbot.addWidget(widget)
    widget.show()
    assert not any(b.isVisible() for b in widget.checklist.step_buttons.values()), \
        "no step to record, even before a hit is chosen"
    hit_id = _ingest(db, engine, "7KQM482", "r3")
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=3000)
    widget.select_hit(hit_id)
    qtbot.waitUntil(lambda: "Only dispatchers" in widget.checklist.status.text(), timeout=5000)
    assert not widget.checklist.claim_button.isVisible()


@pytest.fixture
def statements(db: Database):  # type: ignore[no-untyped-def]
    """SQL the screens run, with the thread that ran it."""
    import threading

    from sqlalchemy import event

    seen: list[tuple[str, str]] = []

    def note(_conn, _cursor, statement: str, *_rest) -> None:  # type: ignore[no-untyped-def]
        seen.append((threading.current_thread().name, " ".join(statement.split())))

    event.listen(db.engine, "before_cursor_execute", note)
    yield seen
    event.remove(db.engine, "before_cursor_execute", note)


def test_a_claim_costs_one_write_and_one_list_query_and_new_hits_keep_the_detail(
        qtbot, console_session, db: Database, engine: MatchingEngine, enrol,
        statements: list[tuple[str, str]]) -> None:
    widget = HitQueueWidget(console_session(enrol("5201", "dispatcher")))
    qtbot.addWidget(widget)
    widget.show()
    first = _ingest(db, engine, "7KQM482", "c1")
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=3000)
    widget.select_hit(first)
    panel = widget.checklist
    qtbot.waitUntil(lambda: panel.claim_button.isVisible() and panel.isEnabled(), timeout=5000)
    qtbot.wait(200)
    statements.clear()
    panel.claim_button.click()
    qtbot.waitUntil(lambda: panel.cad.isEnabled(), timeout=5000)
    qtbot.wait(400)  # the claim's own change event arrives and is handled
    writes = [s for t, s in statements
              if t.startswith("rtic-write") and s.startswith("UPDATE hits")]
    lists = [s for t, s in statements if t.startswith("rtic-read") and " FROM hits " in s + " "]
    assert len(writes) == 1 and len(lists) <= 1, (writes, lists)
    assert not [s for _t, s in statements if "detection_images" in s], "no detail reload"

    statements.clear()
    _ingest(db, engine, "7KQM482", "c2")  # a new hit from the ingest service
    qtbot.waitUntil(lambda: widget.model.rowCount() == 2, timeout=3000)
    qtbot.wait(300)
    on_screens = [s for t, s in statements if t.startswith("rtic-read")]
    assert not [s for s in on_screens if "detection_images" in s or "hit_steps.hit_id =" in s], \
        "the selected hit's detail and images are not reloaded for another hit"
    assert widget.selected_id == first and panel.cad.isEnabled()


@pytest.mark.policy("D.6.a")
def test_a_refused_close_says_why(qtbot, console_session, db: Database,
                                  engine: MatchingEngine, enrol, tmp_path: Path) -> None:
    widget = HitQueueWidget(console_session(enrol("5201", "dispatcher")))
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    hit_id = _ingest(db, engine, "7KQM482", "r4")
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=3000)
    widget.select_hit(hit_id)
    panel = widget.checklist
    qtbot.waitUntil(lambda: panel.claim_button.isVisible() and panel.isEnabled(),
                    timeout=5000)
    assert not panel.close_button.isEnabled(), "only the dispatcher who claimed it closes it"
    assert "claim it to work the checklist, or to close it" in panel.status.text()
    panel.claim_button.click()
    qtbot.waitUntil(lambda: panel.close_button.isEnabled(), timeout=5000)
    panel.closing.setCurrentIndex(panel.closing.findData(HitStatus.NO_LONGER_WANTED))
    panel.close_reason.setText("nah")
    panel.close_button.click()
    qtbot.waitUntil(lambda: "only after step 2" in panel.message.text(), timeout=5000)
    assert panel.message.isVisible() and panel.message.property("tone") == "error"
    assert panel.message.text().startswith(f"Hit #{hit_id}: a hit is closed as no longer "
                                           "wanted only after step 2")
    panel.closing.setCurrentIndex(panel.closing.findData(HitStatus.MISREAD))
    panel.close_button.click()
    qtbot.waitUntil(lambda: "does not say what was found" in panel.message.text(),
                    timeout=5000)
    panel.grab().save(str(tmp_path / "hit_queue_refused_close.png"))
    assert widget.model.rowCount() == 1, "the refused hit stays in the queue"


def test_every_hit_of_a_burst_appears(qtbot, console_session, db: Database,
                                      engine: MatchingEngine, enrol) -> None:
    """Several hits announced in one event (one ingest batch) all reach the queue."""
    widget = HitQueueWidget(console_session(enrol("5201", "dispatcher")))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.summary.text().startswith("0 open"), timeout=5000)
    with db.write() as session:
        ids = ingest_reads(session, [_read("7KQM482", f"burst-{n}") for n in range(4)], engine,
                           datetime.now(UTC), "test").hit_ids
    assert len(ids) == 4
    qtbot.waitUntil(lambda: widget.model.rowCount() == 4, timeout=3000)
    assert {h.id for h in widget.model.rows} == set(ids)


@pytest.mark.policy("D.5.a")
def test_the_sergeant_releases_a_claim_and_the_dispatcher_sees_the_hit_back_in_the_queue(
        qtbot, console_session, db: Database, engine: MatchingEngine, enrol,
        tmp_path: Path) -> None:
    dispatcher = enrol("5201", "dispatcher")
    hit_id = _ingest(db, engine, "7KQM482", "r9")
    perform(db, dispatcher, __import__(
        "rtic_console.services.hits", fromlist=["claim_hit"]).claim_hit, hit_id)
    desk = HitQueueWidget(console_session(dispatcher))
    sergeant = HitQueueWidget(console_session(enrol("8501", "supervisor")))
    for widget in (desk, sergeant):
        qtbot.addWidget(widget)
        widget.resize(1400, 900)
        widget.show()
        qtbot.waitUntil(lambda w=widget: w.model.rowCount() == 1, timeout=5000)
        widget.select_hit(hit_id)
    panel = sergeant.checklist
    qtbot.waitUntil(lambda: panel.release_row.isVisible(), timeout=5000)
    assert "release the claim" in panel.status.text() and "5201" in panel.status.text()
    assert not panel.claim_button.isVisible() and not panel.close_button.isVisible()
    sergeant.grab().save(str(tmp_path / "hit_queue_release_offered.png"))
    panel.release_reason.setText("gone")
    panel.release_button.click()
    qtbot.waitUntil(lambda: "does not say why" in panel.message.text(), timeout=5000)
    panel.release_reason.setText("dispatcher 5201 called to a priority incident")
    panel.release_button.click()
    # The panel follows the change event, the message comes with the write's answer.
    qtbot.waitUntil(lambda: not panel.release_row.isVisible()
                    and "claim released" in sergeant.message.text(), timeout=5000)
    assert panel.release_reason.text() == "", "that reason was for that claim"
    # The dispatcher's own console hears of it and offers the claim again.
    qtbot.waitUntil(lambda: desk.checklist.claim_button.isVisible(), timeout=5000)
    assert not desk.checklist.release_row.isVisible()
