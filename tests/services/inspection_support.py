"""A quarter of logged searches for inspection tests, written as the search log holds them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rtic_console.services.roster import PersonInput, add_person
from rtic_console.services.runner import perform
from rtic_console.store.database import Database
from rtic_console.store.models import Person, SearchRecord
from tests.support import PASSWORD, trained

QUARTER = "2025Q3"
MID_QUARTER = datetime(2025, 8, 12, 15, 0, tzinfo=UTC)


def person(db: Database, admin, badge: str, role: str, division: str) -> None:
    """Add someone to a division (approving roles stay pending unless confirmed)."""
    perform(db, admin, add_person, PersonInput(badge, f"Person {badge}", (role,), division,
                                               trained(), trained()), PASSWORD)


def log_search(db: Database, badge: str, *, case: str = "25-1000", plate: str | None = "7ABC123",
               purpose: str = "stolen_vehicle_or_plate", results: int = 4,
               at: datetime = MID_QUARTER, minutes: int = 0) -> int:
    """One row of the search log, as search.record_search writes it."""
    with db.write() as session:
        who = session.query(Person).filter_by(badge=badge).one()
        row = SearchRecord(person_id=who.id, actor_badge=badge,
                           searched_at=at + timedelta(minutes=minutes),
                           kind="plate" if plate else "canvass", purpose=purpose,
                           case_number=case, plate_pattern=plate,
                           match_mode="exact" if plate else None, parameters="{}",
                           result_count=results)
        session.add(row)
        session.flush()
        return row.id
