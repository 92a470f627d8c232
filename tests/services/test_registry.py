"""The voluntary registry: entries by hand and by CSV with a report per row (H.1), and
look-ups near a place only for a named case, audited (H.2, H.3)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from rtic_console.domain.registry_rules import MAX_LOOKUP_RADIUS_M, MAX_ROWS
from rtic_console.services import registry
from rtic_console.services.context import Context, InputRejected, Refused
from rtic_console.services.registry import EntryInput, NearInput
from rtic_console.services.runner import perform, query
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.change_bus import Change, ChangeEvent
from rtic_console.store.database import Database
from rtic_console.store.models import RegistryEntry
from rtic_console.store.pg_listener import PgListener
from tests.refusals import assert_refused

FIXTURES = Path(__file__).parents[1] / "fixtures" / "registry"
CAPITOL = (38.5770, -121.4850)
HEADER = "owner_name,contact,address,latitude,longitude,equipment_type,notes\n"


def entry(owner: str = "Capitol Deli", address: str = "1020 11th St", lat: object = 38.5779,
          lon: object = -121.4850, **kw: object) -> EntryInput:
    return EntryInput(**{"owner_name": owner, "contact": "(916) 555-0101", "address": address,
                         "latitude": lat, "longitude": lon, "equipment_type": "doorbell",
                         "notes": "", **kw})


def near(case: str | None = "26-000123", radius: object = 300, lat: object = CAPITOL[0],
         lon: object = CAPITOL[1]) -> NearInput:
    return NearInput(latitude=lat, longitude=lon, radius_m=radius, case_number=case)


def import_bytes(db: Database, ctx: Context, data: bytes, name: str = "registry.csv"):
    return perform(db, ctx, registry.import_file, name, data)


def entry_count(db: Database) -> int:
    with db.read() as session:
        return session.query(RegistryEntry).count()


def wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.fixture
def heard(db: Database) -> Iterator[list[ChangeEvent]]:
    """Committed change events as a screen hears them, on either engine."""
    events: list[ChangeEvent] = []
    db.bus.subscribe(lambda e: e.kind is Change.REGISTRY and events.append(e))
    listener = PgListener(db, db.bus) if db.is_postgres else None
    if listener:
        listener.start()
        assert listener.connected.wait(5)
    yield events
    if listener:
        listener.stop()


@pytest.mark.policy("H.1")
def test_add_edit_deactivate_are_audited_and_announced(db: Database, admin: Context,
                                                       heard: list[ChangeEvent]) -> None:
    added = perform(db, admin, registry.add_entry, entry(notes="  Faces\r\n the  alley "))
    assert (added.owner_name, added.equipment_type, added.active) == ("Capitol Deli",
                                                                      "doorbell", True)
    assert added.notes == "Faces\nthe alley" and added.created_by == "1001"
    edited = perform(db, admin, registry.edit_entry, added.id,
                     entry(contact="Dana Ruiz", lat="38.5781", notes=added.notes))
    assert (edited.contact, edited.latitude) == ("Dana Ruiz", 38.5781)
    for reason, why in (("  ", "reason is empty"), ("gone\x1b[2J", "control character")):
        assert_refused(db, lambda reason=reason: perform(db, admin, registry.deactivate_entry,
                                                         added.id, reason),
                       action="registry.deactivate", match=re.escape(why), error=InputRejected)
    gone = perform(db, admin, registry.deactivate_entry, added.id, "owner removed the camera")
    assert not gone.active
    assert query(db, admin, registry.list_entries) == []
    kept = query(db, admin, registry.list_entries, include_inactive=True)
    assert [e.id for e in kept] == [added.id] and not kept[0].active
    with db.read() as session:
        events = {e.action: e for e in list_events(session, AuditFilter(
            object_type="registry_entry"))}
    assert set(events) == {"registry.add", "registry.edit", "registry.deactivate"}
    assert events["registry.add"].details["address"] == "1020 11th St"
    assert events["registry.edit"].details["changes"] == {
        "contact": ["(916) 555-0101", "Dana Ruiz"], "latitude": [38.5779, 38.5781]}
    assert events["registry.deactivate"].reason == "owner removed the camera"
    assert wait_for(lambda: len(heard) == 3)
    assert {(e.kind, e.ids) for e in heard} == {(Change.REGISTRY, (added.id,))}


@pytest.mark.policy("H.1")
@pytest.mark.parametrize(("change", "field"), [
    ({"owner": "   "}, "owner name is empty"),
    ({"address": ""}, "address is empty"),
    ({"lat": "38,57"}, "latitude '38,57' is not a number"),
    ({"lat": float("nan")}, "latitude nan is out of range"),
    ({"lon": 181}, "longitude 181 is out of range"),
    ({"lat": True}, "latitude must be a number"),
    ({"lat": None}, "latitude is missing"),
    ({"lat": 0, "lon": 0}, "never geocoded"),
    ({"owner": 42}, "owner name must be text"),
    ({"owner": "x" * 121}, "owner name is 121 characters long; at most 120"),
    ({"notes": "n" * 2001}, "notes is 2001 characters long"),
    ({"address": "1 K St\x00"}, "address contains a control character (U+0000)"),
    ({"owner": "Deli\u202egnp.exe"}, "owner name contains a control character (U+202E)"),
    ({"equipment_type": "=cmd|' /C calc'!A0"}, "equipment type starts with '='"),
])
def test_bad_entries_are_refused_naming_the_field(db: Database, admin: Context,
                                                  change: dict[str, object],
                                                  field: str) -> None:
    assert_refused(db, lambda: perform(db, admin, registry.add_entry,
                                       entry(**change)),  # type: ignore[arg-type]
                   action="registry.add", match=re.escape(field), error=InputRejected)
    assert entry_count(db) == 0


@pytest.mark.policy("H.1")
def test_same_owner_at_same_address_is_one_entry(db: Database, admin: Context) -> None:
    first = perform(db, admin, registry.add_entry, entry())
    assert_refused(db, lambda: perform(db, admin, registry.add_entry, entry(
        owner=" capitol  DELI ", address="1020 11TH ST")),
        action="registry.add", match=f"entry #{first.id} already registers",
        error=InputRejected)
    other = perform(db, admin, registry.add_entry, entry(address="1022 11th St"))
    assert_refused(db, lambda: perform(db, admin, registry.edit_entry, other.id, entry()),
                   action="registry.edit", match="already registers", error=InputRejected)
    perform(db, admin, registry.deactivate_entry, first.id, "moved away")
    assert perform(db, admin, registry.add_entry, entry()).id not in (first.id, other.id)


@pytest.mark.policy("H.1")
def test_only_alpr_administrators_keep_the_registry(db: Database, admin: Context,
                                                   enrol) -> None:
    officer = enrol("6301", "officer")
    assert_refused(db, lambda: perform(db, officer, registry.add_entry, entry()),
                   action="registry.add", clause="A.2", match="ALPR administrator",
                   error=Refused)
    assert_refused(db, lambda: import_bytes(db, officer, (FIXTURES / "good.csv").read_bytes()),
                   action="registry.import", clause="A.2", match="ALPR administrator",
                   error=Refused)
    assert_refused(db, lambda: query(db, officer, registry.list_entries),
                   action="registry.list", clause="A.2", match="ALPR administrator",
                   error=Refused)


@pytest.mark.policy("H.1")
def test_csv_import_reports_every_row(db: Database, admin: Context,
                                      heard: list[ChangeEvent]) -> None:
    report = import_bytes(db, admin, (FIXTURES / "good.csv").read_bytes(), "good.csv")
    assert (report.imported, report.refused, report.duplicates) == (3, 0, 0)
    assert report.complete and report.unknown_columns == ("website",)
    entries = {e.owner_name: e for e in query(db, admin, registry.list_entries)}
    assert entries["Capitol Deli"].contact == "Dana Ruiz, (916) 555-0101"
    assert entries["Midtown Hardware"].notes == "Owner asks for a call first\nClosed Sundays"
    assert [o.entry_id for o in report.rows] == [
        entries[n].id for n in ("Capitol Deli", "Midtown Hardware", "Sutter Lofts HOA")]
    assert wait_for(lambda: any(e.kind == Change.REGISTRY for e in heard))

    again = import_bytes(db, admin, (FIXTURES / "good.csv").read_bytes(), "good.csv")
    assert (again.imported, again.duplicates) == (0, 3) and not again.complete
    assert again.rows[0].detail == f"already registered as entry #{entries['Capitol Deli'].id}"
    assert entry_count(db) == 3


@pytest.mark.policy("H.1")
def test_broken_rows_are_refused_with_row_and_field(db: Database, admin: Context) -> None:
    data = (FIXTURES / "broken.csv").read_bytes()
    report = import_bytes(db, admin, data, "broken.csv")
    outcome = {o.row: (o.status, o.detail) for o in report.rows}
    assert {r for r, (s, _) in outcome.items() if s == "imported"} == {2, 8, 15}
    assert outcome[13] == ("duplicate", "already registered as row 2 of this file")
    expected = {3: "latitude 'abc' is not a number", 4: "longitude -200.5 is out of range",
                5: "owner name is empty", 6: "address is 221 characters long",
                7: "owner name contains a control character (U+0007)",
                9: "owner name starts with '='", 10: "longitude '1e2' is not a number",
                11: "latitude is missing", 12: "the row has 8 cells and the header 7"}
    for row, reason in expected.items():
        assert outcome[row][0] == "refused" and outcome[row][1].startswith(reason), row
    assert (report.imported, report.duplicates, report.refused, report.blank_rows) == (
        3, 1, 9, 1)
    owners = {e.owner_name: e for e in query(db, admin, registry.list_entries)}
    assert set(owners) == {"Good Row Cafe", "'; DROP TABLE registry_entries; --",
                           "Second Good"}
    assert owners["'; DROP TABLE registry_entries; --"].notes == "<script>alert(1)</script>"
    with db.read() as session:
        [event] = list_events(session, AuditFilter(action="registry.import"))
    assert event.details["file"] == "broken.csv" and event.object_type == "registry"
    assert len(event.details["sha256"]) == 64 and event.details["sha256"] == report.sha256
    assert (event.details["imported"], event.details["refused"],
            event.details["duplicate"]) == (3, 9, 1)
    assert [3, "refused", outcome[3][1]] in event.details["not_imported"]


@pytest.mark.policy("H.1")
@pytest.mark.parametrize(("data", "reason"), [
    ((FIXTURES / "missing_column.csv").read_bytes(), "the header has no latitude column"),
    ((FIXTURES / "latin1.csv").read_bytes(), "not UTF-8 text (byte 0xE9 on line 2)"),
    (b"", "the file is empty"),
    (HEADER.encode(), "a header but no rows"),
    (HEADER.encode() + b"A,,1 K St,38.5,-121.4,cam,\n" * (MAX_ROWS + 1),
     f"more than {MAX_ROWS} rows"),
    (HEADER.encode() + b"x" * (5 * 1024 * 1024), "larger than 5 MiB"),
    ("owner_name,address,owner_name".encode("utf-16"), "UTF-16 or binary"),
    (b"owner_name,address,address,latitude,longitude,equipment_type\n",
     "column address appears twice"),
])
def test_a_refused_file_writes_nothing(db: Database, admin: Context, data: bytes,
                                       reason: str) -> None:
    assert_refused(db, lambda: import_bytes(db, admin, data), action="registry.import",
                   match=re.escape(reason), error=InputRejected)


def _place_cameras(db: Database, admin: Context) -> dict[str, int]:
    """Entries due north and east of the Capitol, at known distances."""
    places = {"100 m north": (38.5779, -121.4850), "250 m east": (38.5770, -121.482125),
              "1 km north": (38.5860, -121.4850), "inactive 50 m": (38.57745, -121.4850)}
    ids = {name: perform(db, admin, registry.add_entry,
                         entry(owner=name, address=f"{name} St", lat=lat, lon=lon)).id
           for name, (lat, lon) in places.items()}
    perform(db, admin, registry.deactivate_entry, ids["inactive 50 m"], "withdrew")
    return ids


@pytest.mark.policy("H.3")
def test_cameras_near_a_place_sorted_by_distance(db: Database, admin: Context,
                                                 enrol) -> None:
    ids = _place_cameras(db, admin)
    officer = enrol("6301", "officer")
    result = perform(db, officer, registry.cameras_near, near(radius=300))
    assert [c.entry.owner_name for c in result.cameras] == ["100 m north", "250 m east"]
    assert [round(c.distance_m) for c in result.cameras] == [100, 250]
    assert result.case_number == "26-000123" and result.radius_m == 300
    wide = perform(db, officer, registry.cameras_near, near(radius=1200))
    assert [c.entry.id for c in wide.cameras] == [ids["100 m north"], ids["250 m east"],
                                                  ids["1 km north"]]
    with db.read() as session:
        events = list_events(session, AuditFilter(action="registry.near"))
    first = next(e for e in events if e.details["radius_m"] == 300)
    assert (first.actor_badge, first.object_id) == ("6301", "26-000123")
    assert first.details["case"] == "26-000123" and first.details["results"] == 2
    assert (first.details["latitude"], first.details["longitude"]) == CAPITOL
    assert first.details["entries"] == [ids["100 m north"], ids["250 m east"]]


@pytest.mark.policy("H.2")
@pytest.mark.parametrize("case", [None, "", "   "])
def test_look_up_without_a_case_is_refused_and_audited(db: Database, admin: Context,
                                                       enrol, case: str | None) -> None:
    _place_cameras(db, admin)
    officer = enrol("6301", "officer")
    refusal = assert_refused(db, lambda: perform(db, officer, registry.cameras_near,
                                                 near(case=case)),
                             action="registry.near", clause="H.2", match="name the case number",
                             error=Refused)
    assert refusal.actor_badge == "6301"


@pytest.mark.policy("H.2")
@pytest.mark.parametrize(("change", "reason"), [
    ({"radius": 0}, "radius must be more than 0"),
    ({"radius": 1e9}, "radius must be more than 0 and at most 2,000 m"),
    ({"radius": 2000.5}, "at most 2,000 m: a registry look-up gathers evidence near one place"),
    ({"radius": float("inf")}, "radius"),
    ({"radius": "300; DROP TABLE registry_entries"}, "radius"),
    ({"lat": 91}, "latitude 91 is out of range"),
    ({"lon": "'; DROP TABLE registry_entries; --"}, "longitude .* is not a number"),
    ({"case": "26-1' OR '1'='1"}, "case number must be 1 to 40 letters"),
])
def test_bad_look_ups_are_refused(db: Database, admin: Context, enrol,
                                  change: dict[str, object], reason: str) -> None:
    _place_cameras(db, admin)
    officer = enrol("6301", "officer")
    assert_refused(db, lambda: perform(db, officer, registry.cameras_near,
                                       near(**change)),  # type: ignore[arg-type]
                   action="registry.near", match=reason, error=InputRejected)


@pytest.mark.policy("H.2")
def test_a_look_up_reaches_at_most_two_kilometres(db: Database, admin: Context,
                                                  enrol) -> None:
    ids = _place_cameras(db, admin)
    officer = enrol("6301", "officer")
    widest = perform(db, officer, registry.cameras_near, near(radius=MAX_LOOKUP_RADIUS_M))
    assert MAX_LOOKUP_RADIUS_M == 2_000 and widest.radius_m == 2_000
    assert ids["1 km north"] in [c.entry.id for c in widest.cameras]
    for radius in (2_001, 5_000, 20_000):
        assert_refused(db, lambda radius=radius: perform(db, officer, registry.cameras_near,
                                                         near(radius=radius)),
                       action="registry.near", match="at most 2,000 m", error=InputRejected)
    with db.read() as session:
        assert len(list_events(session, AuditFilter(action="registry.near"))) == 1


@pytest.mark.policy("H.3")
def test_dispatchers_do_not_look_up_the_registry(db: Database, enrol) -> None:
    dispatcher = enrol("7001", "dispatcher")
    assert_refused(db, lambda: perform(db, dispatcher, registry.cameras_near, near()),
                   action="registry.near", clause="A.2", match="Only", error=Refused)
