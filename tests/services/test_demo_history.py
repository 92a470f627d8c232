"""The demo's week of reads and registry go in through the real ingest path."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from rtic_console.domain.devices import DeviceKind, ServiceState
from rtic_console.services.demo_fleet import DEMO_REPORT, UNCHECKED_UNIT, seed_demo_fleet
from rtic_console.services.demo_history import DEMO_REGISTRY, seed_demo_history
from rtic_console.services.demo_seed import seed_demo
from rtic_console.services.device_quarter import device_quarter_rows
from rtic_console.services.shift_checks import unchecked_shifts
from rtic_console.store.bootstrap import connect
from rtic_console.store.models import Alert, Detection, Device, DeviceReport, Hit, RegistryEntry


def test_week_of_reads_in_the_past_and_registry(tmp_path) -> None:
    db = connect(f"sqlite:///{tmp_path / 'demo.db'}")
    now = datetime.now(UTC)
    with db.write() as session:
        seed_demo(session, date.today(), "WS")
        stored = seed_demo_history(session, now, days=2, reads_per_day=100)
    with db.read() as session:
        oldest, newest = session.execute(
            select(func.min(Detection.captured_at), func.max(Detection.captured_at))).one()
        colors = session.scalar(select(func.count()).where(Detection.vehicle_color.is_not(None)))
        assert session.scalar(select(func.count()).select_from(Hit)) == 0
        assert session.scalar(select(func.count()).select_from(RegistryEntry)) == len(
            DEMO_REGISTRY)
    db.dispose()
    assert stored == 200 and colors == 200
    assert now - timedelta(days=2, seconds=1) <= oldest and newest <= now - timedelta(hours=1)


def test_demo_fleet_has_every_kind_history_a_waiting_report_and_a_missed_check(
        tmp_path) -> None:
    db = connect(f"sqlite:///{tmp_path / 'demo.db'}")
    now = datetime.now(UTC)
    with db.write() as session:
        seed_demo(session, date.today(), "WS")
        seed_demo_history(session, now, days=7, reads_per_day=300)
        seed_demo_fleet(session, now)
    with db.read() as session:
        kinds = set(session.scalars(select(Device.kind)))
        rows = {r.code: r for r in device_quarter_rows(
            session, now - timedelta(days=30), now)}
        runs = unchecked_shifts(session, now - timedelta(days=7), now)
        waiting = session.scalar(select(func.count()).select_from(DeviceReport)
                                 .where(DeviceReport.cleared_at.is_(None)))
        alerts = session.scalar(select(func.count()).select_from(Alert))
    db.dispose()
    assert kinds == {k.value for k in DeviceKind}
    assert (waiting, alerts) == (1, 1)
    assert rows[DEMO_REPORT[0]].service_state is ServiceState.DAMAGED
    assert rows["ALPR-MB-1134"].out_of_date and not rows["ALPR-FX-01"].out_of_date
    assert all(r.uptime_share is not None and r.uptime_share > 0.5 for r in rows.values())
    assert rows["ALPR-TR-02"].uptime_share < 0.8  # its outage
    assert {r.vehicle_unit for r in runs} == {UNCHECKED_UNIT}
