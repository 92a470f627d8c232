"""The demo's last quarter: its inspection half done, one referral reaching the demo
commander's inbox and one flagged for a division without a commander."""

from __future__ import annotations

from datetime import date, datetime

from rtic_console.config import Settings
from rtic_console.demo_cameras import demo_context
from rtic_console.demo_inspection import seed_demo_inspection
from rtic_console.domain.inspections import FLAG_TITLES, Quarter, SearchFlag, Verdict
from rtic_console.services.demo_seed import seed_demo
from rtic_console.services.inbox import inbox
from rtic_console.services.inspections import inspection_searches, show_inspection
from rtic_console.services.runner import query
from rtic_console.store.bootstrap import connect


def test_last_quarters_inspection_is_half_done(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    db = connect(url)
    settings = Settings(database_url=url, workstation="WS")
    with db.write() as session:
        seed_demo(session, date.today(), "WS")
    seed_demo_inspection(db, settings)
    quarter = Quarter.containing(datetime.now().astimezone()).previous().label
    sergeant = demo_context(db, settings, "4101")
    view = query(db, sergeant, show_inspection, quarter)
    assert view.searches == 44 and view.reviewed == 22 and not view.closed
    assert (view.referrals, view.referrals_without_commander) == (2, 1)
    assert 0 < view.devices_checked < view.devices
    # A referral's finding names what its own search was flagged for, nothing else.
    referred = [i for i in query(db, sergeant, inspection_searches, quarter, limit=1000).items
                if i.verdict is Verdict.OUT_OF_COMPLIANCE]
    assert len(referred) == 2
    for item in referred:
        named = {f for f in SearchFlag if FLAG_TITLES[f].lower() in (item.reason or "")}
        assert named == set(item.flags), (item.reason, item.flags)
    commander = demo_context(db, settings, "9601")
    assert [i.source for i in query(db, commander, inbox)] == ["referral"]
    db.dispose()
