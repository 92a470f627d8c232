"""The demo's week of reads and registry go in through the real ingest path."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from rtic_console.services.demo_history import DEMO_REGISTRY, seed_demo_history
from rtic_console.services.demo_seed import seed_demo
from rtic_console.store.bootstrap import connect
from rtic_console.store.models import Detection, Hit, RegistryEntry


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
