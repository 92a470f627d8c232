"""What `rtic-console demo` adds for the oversight screens: last quarter's searches and its
inspection half done (D.2.b), with one referral that reaches the demo division commander and
one flagged because South Command has none."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from rtic_console.config import Settings
from rtic_console.demo_cameras import demo_context
from rtic_console.domain.inspections import FLAG_TITLES, Quarter, Verdict
from rtic_console.services.inspection_devices import check_device, device_items
from rtic_console.services.inspections import (
    inspection_row,
    inspection_searches,
    open_inspection,
    review_search,
)
from rtic_console.services.runner import perform, query
from rtic_console.store.database import Database
from rtic_console.store.models import Person, SearchRecord

# (badge, how many searches last quarter, their usual hour)
SEARCHERS = (("6301", 18, 10), ("6302", 14, 14), ("4102", 12, 9))
# What the lieutenant found, after what the search was flagged for (its own flags, so the
# demo's referral never names a reason the search does not show).
FINDINGS = {
    "6301": "no link to the case found; the case is a closed theft",
    "6302": "the plate is not in the case file; no case activity found",
}


def _log_searches(db: Database, start: datetime, rng: random.Random) -> None:
    with db.write() as session:
        people = {p.badge: p.id for p in session.query(Person).filter(
            Person.badge.in_([b for b, _n, _h in SEARCHERS]))}
        for badge, count, hour in SEARCHERS:
            for n in range(count):
                day = start + timedelta(days=rng.randint(2, 85))
                at = day.replace(hour=hour + rng.randint(0, 6), minute=rng.randint(0, 59))
                if n == count - 1:
                    at = at.replace(hour=3)  # one search at night: off hours
                repeat = n % 4 == 0
                session.add(SearchRecord(
                    person_id=people[badge], actor_badge=badge, searched_at=at, kind="plate",
                    purpose="stolen_vehicle_or_plate",
                    case_number=f"26-00{4400 + (n % 5 if repeat else n)}",
                    plate_pattern="8FKT219" if repeat else f"{rng.randint(1, 9)}ABC"
                                                           f"{rng.randint(100, 999)}",
                    match_mode="exact", parameters="{}",
                    result_count=1200 if n == 1 else rng.randint(0, 40)))


def seed_demo_inspection(db: Database, settings: Settings) -> None:
    """Opens last quarter's inspection as the demo sergeant and has the demo lieutenant
    review half its searches; the sergeant checks half the devices."""
    rng = random.Random(52508)
    quarter = Quarter.containing(datetime.now().astimezone()).previous()
    _log_searches(db, quarter.bounds(None)[0], rng)
    sergeant, lieutenant = demo_context(db, settings, "4101"), demo_context(db, settings, "8501")
    perform(db, sergeant, open_inspection, quarter.label)
    page = query(db, sergeant, inspection_searches, quarter.label, limit=1000)
    referred: set[str] = set()
    for item in page.items[::2]:  # every other one: flagged searches still wait
        finding = (f"Flagged {', '.join(FLAG_TITLES[f].lower() for f in item.flags)}: "
                   f"{FINDINGS[item.badge]}") if item.badge in FINDINGS and item.flags \
            and item.badge not in referred else None
        if finding:
            referred.add(item.badge)
        perform(db, lieutenant, review_search, quarter.label, item.search_id,
                (Verdict.OUT_OF_COMPLIANCE if finding else Verdict.COMPLIANT).value, finding)
    with db.read() as session:
        devices = device_items(session, inspection_row(session, quarter.label))
    for n, device in enumerate(devices[: len(devices) // 2]):
        outdated = n == 1
        perform(db, sergeant, check_device, quarter.label, device.code, True, not outdated,
                "Firmware 4.1; the department expects 4.3" if outdated else None)
