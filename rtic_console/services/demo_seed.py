"""Demo data: a realistic RTIC roster and devices at real Sacramento locations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from rtic_console.domain.devices import DeviceCategory, DeviceKind
from rtic_console.domain.duties import GrantBasis
from rtic_console.domain.personnel import division_key
from rtic_console.domain.roles import Role
from rtic_console.services.auth import roster_is_empty
from rtic_console.services.passwords import hash_password
from rtic_console.store.audit_log import append_event
from rtic_console.store.models import (
    Agency,
    Device,
    Division,
    HotList,
    HotListEntry,
    Person,
    PersonRole,
)

DEMO_PASSWORD = "rtic-demo-password"
DEMO_SERGEANT_BADGE = "4101"


@dataclass(frozen=True)
class DemoPerson:
    badge: str
    name: str
    roles: tuple[Role, ...]
    division: str
    clets_days_ago: int | None = 200
    alpr_days_ago: int | None = 150
    active: bool = True


DEMO_ROSTER = (
    DemoPerson("4101", "Sgt. Maria Delgado", (Role.ALPR_ADMIN, Role.SUPERVISOR), "RTIC"),
    DemoPerson("4102", "Det. James Okafor", (Role.ALPR_ADMIN,), "RTIC", 400, 380),
    DemoPerson("5201", "Lena Park", (Role.DISPATCHER,), "Communications", 90, 60),
    DemoPerson("5202", "Tom Reyes", (Role.DISPATCHER,), "Communications", 600, 500),
    DemoPerson("6301", "Ofc. Aaron Whitfield", (Role.OFFICER,), "Central Command"),
    DemoPerson("6302", "CSO Priya Natarajan", (Role.OFFICER,), "South Command", 30, 25),
    DemoPerson("6303", "Ofc. Kyle Brandt", (Role.OFFICER,), "North Command", 45, None),
    DemoPerson("6399", "Ofc. Mark Ellison", (Role.OFFICER,), "East Command", active=False),
    DemoPerson("7401", "Dana Cho", (Role.IT_STAFF,), "Public Safety IT", 300, 280),
    DemoPerson("8501", "Lt. Robert Hayes", (Role.SUPERVISOR,), "Office of Investigations"),
    DemoPerson("9601", "Capt. Elena Vasquez", (Role.DIVISION_COMMANDER,), "RTIC Division"),
)

# (code, name, kind, category, area, address, lat, lon, vehicle unit)
DEMO_DEVICES = (
    ("ALPR-FX-01", "J St & 16th St eastbound", DeviceKind.ALPR_FIXED, DeviceCategory.AGENCY,
     "Midtown", "J St & 16th St", 38.57700, -121.48500, None),
    ("ALPR-FX-02", "Broadway & 16th St", DeviceKind.ALPR_FIXED, DeviceCategory.AGENCY,
     "Land Park", "Broadway & 16th St", 38.56310, -121.49230, None),
    ("ALPR-FX-03", "Florin Rd & 24th St", DeviceKind.ALPR_FIXED, DeviceCategory.AGENCY,
     "South Sacramento", "Florin Rd & 24th St", 38.49570, -121.46930, None),
    ("ALPR-FX-04", "Northgate Blvd & Garden Hwy", DeviceKind.ALPR_FIXED,
     DeviceCategory.CITY_TRAFFIC, "North Sacramento", "Northgate Blvd & Garden Hwy",
     38.60710, -121.49620, None),
    ("ALPR-FX-05", "Stockton Blvd & Fruitridge Rd", DeviceKind.ALPR_FIXED,
     DeviceCategory.AGENCY, "Fruitridge", "Stockton Blvd & Fruitridge Rd",
     38.52620, -121.44450, None),
    ("ALPR-FX-06", "Del Paso Blvd & Arden Way", DeviceKind.ALPR_FIXED, DeviceCategory.CITY,
     "Del Paso Heights", "Del Paso Blvd & Arden Way", 38.60330, -121.44120, None),
    ("ALPR-MB-1121", "Patrol unit 1121 reader", DeviceKind.ALPR_MOBILE, DeviceCategory.AGENCY,
     "Central Command", "Mobile", 38.58050, -121.49100, "1121"),
    ("ALPR-MB-1134", "Patrol unit 1134 reader", DeviceKind.ALPR_MOBILE, DeviceCategory.AGENCY,
     "South Command", "Mobile", 38.51200, -121.45600, "1134"),
    ("ALPR-TR-01", "Speed trailer, Power Inn Rd", DeviceKind.TRAILER, DeviceCategory.AGENCY,
     "Power Inn", "Power Inn Rd & 14th Ave", 38.53620, -121.41890, None),
    ("ALPR-TR-02", "Speed trailer, Northgate", DeviceKind.TRAILER, DeviceCategory.AGENCY,
     "Natomas", "Northgate Blvd & San Juan Rd", 38.63040, -121.49220, None),
    ("CAM-AG-01", "SPD Headquarters entrance", DeviceKind.CAMERA, DeviceCategory.AGENCY,
     "Freeport", "5770 Freeport Blvd", 38.52250, -121.49940, None),
    ("CAM-AG-02", "K St Mall & 7th St", DeviceKind.CAMERA, DeviceCategory.AGENCY,
     "Downtown", "K St & 7th St", 38.57970, -121.49800, None),
    ("CAM-CY-01", "City Hall plaza", DeviceKind.CAMERA, DeviceCategory.CITY,
     "Downtown", "915 I St", 38.58160, -121.49360, None),
    ("CAM-CY-02", "Southside Park", DeviceKind.CAMERA, DeviceCategory.CITY,
     "Southside Park", "2115 6th St", 38.56940, -121.49770, None),
    ("CAM-TR-01", "Capitol Mall & 5th St", DeviceKind.CAMERA, DeviceCategory.CITY_TRAFFIC,
     "Downtown", "Capitol Mall & 5th St", 38.57620, -121.50310, None),
    ("CAM-TR-02", "Folsom Blvd & 65th St", DeviceKind.CAMERA, DeviceCategory.CITY_TRAFFIC,
     "East Sacramento", "Folsom Blvd & 65th St", 38.55730, -121.42310, None),
    ("CAM-PD-01", "Golden 1 Center plaza (donor)", DeviceKind.CAMERA,
     DeviceCategory.PRIVATE_DONOR, "Downtown", "500 David J Stern Walk",
     38.58020, -121.49970, None),
    ("CAM-PD-02", "20th & K business (donor)", DeviceKind.CAMERA, DeviceCategory.PRIVATE_DONOR,
     "Midtown", "20th St & K St", 38.57370, -121.47940, None),
)


def _ago(today: date, days: int | None) -> date | None:
    return None if days is None else today - timedelta(days=days)


# The sharing directory (C.2 to C.4): (ORI, name, state, type, LEARN partner), one of each
# way a request is decided.
DEMO_AGENCIES = (("CA0340100", "Elk Grove Police Department", "CA", "local", True),
                 ("CA0340000", "Sacramento County Sheriff's Office", "CA", "county", True),
                 ("NV0020000", "Washoe County Sheriff's Office", "NV", "county", True),
                 ("DCFBISC00", "FBI Sacramento Field Office", "DC", "federal", True),
                 ("CA0345000", "Galt Police Department", "CA", "local", False),
                 ("CA034RP00", "Capitol Recovery LLC", "CA", "private", False))


def seed_demo(session: Session, today: date, workstation: str) -> None:
    """Fill an empty database; refuses to touch one that already has people."""
    if not roster_is_empty(session):
        raise RuntimeError("demo data goes only into an empty database")
    password_hash = hash_password(DEMO_PASSWORD)
    for p in DEMO_ROSTER:
        session.add(Person(
            badge=p.badge, name=p.name, division=p.division, active=p.active,
            clets_trained_on=_ago(today, p.clets_days_ago),
            alpr_trained_on=_ago(today, p.alpr_days_ago), password_hash=password_hash,
            failed_attempts=0, roles=[PersonRole(role=r.value, basis=GrantBasis.DEMO.value)
                                       for r in p.roles]))
    for code, name, kind, category, area, address, lat, lon, unit in DEMO_DEVICES:
        session.add(Device(code=code, name=name, kind=kind.value, category=category.value,
                           area=area, address=address, latitude=lat, longitude=lon,
                           vehicle_unit=unit))
    now = datetime.now(UTC)
    for ori, name, state, kind, partner in DEMO_AGENCIES:
        session.add(Agency(ori=ori, name=name, state=state, agency_type=kind,
                           law_enforcement=kind != "private", learn_partner=partner,
                           contact="records@example.gov", created_at=now, created_by="demo",
                           updated_at=now, updated_by="demo"))
    session.flush()
    # Every demo division but South Command has the demo commander, so an inspection shows
    # both a referral that reaches a commander and one flagged for want of one (D.2.b(2)(a)).
    commander = session.scalars(select(Person).where(
        Person.badge == demo_badge_for(Role.DIVISION_COMMANDER))).one()
    now = datetime.now(UTC)
    for division in sorted({p.division for p in DEMO_ROSTER} - {"South Command"}):
        session.add(Division(name=division, name_key=division_key(division),
                             commander_id=commander.id, updated_by=commander.badge,
                             updated_at=now))
    append_event(session, actor_badge=None, workstation=workstation, action="demo.seed",
                 reason="demo database created",
                 details={"people": len(DEMO_ROSTER), "devices": len(DEMO_DEVICES),
                          "agencies": len(DEMO_AGENCIES)})


def demo_badge_for(role: Role) -> str:
    """The demo person whose work the role is: an active, trained holder for whom it is the
    first role, so `--as supervisor` opens the supervisor, not the sergeant who also holds
    that role; failing that, any active, trained holder."""
    holders = [p for p in DEMO_ROSTER
               if role in p.roles and p.active and p.alpr_days_ago is not None]
    if not holders:
        raise ValueError(f"no demo person holds {role.value}")
    return next((p for p in holders if p.roles[0] is role), holders[0]).badge


# (plate, state, reason, case, NCIC system, record, narrative)
DEMO_HOT_PLATES = (
    ("7KQM482", "CA", "stolen_vehicle", "26-011842", "SVS", "V264118820",
     "Silver 2019 Honda Accord taken from Arden Fair lot"),
    ("8FJD219", "CA", "felony_vehicle", "26-011907", "SFR", "F264119071",
     "Vehicle used in armed robbery, 2400 block of Fruitridge Rd"),
    ("6TRX905", "CA", "wanted_person", "26-012033", "MUPS", "W264120330",
     "Registered owner wanted on felony warrant"),
    ("5MNB771", "NV", "stolen_plate", "26-012101", "SLR", "P264121011",
     "Nevada plate reported stolen from Reno rental"),
)
DEMO_SPECIAL_APPROVED = ("4DWL663", "CA", "other", "26-011555",
                         "Seen leaving three residential burglaries in Land Park")
DEMO_SPECIAL_PENDING = ("9HCV208", "CA", "other", "26-012250",
                        "Vehicle seen at catalytic converter thefts, Natomas")
DEMO_STATE_LIST = "CA DOJ SVS (demo extract)"
DEMO_STATE_PLATES = tuple(f"{d}{a}{b}{c}{n:03d}" for d, a, b, c, n in (
    (3 + i % 6, "ABCDEFGHJKLMNPRSTUVWXYZ"[i % 23], "ABCDEFGHJKLMNPRSTUVWXYZ"[(i * 7) % 23],
     "ABCDEFGHJKLMNPRSTUVWXYZ"[(i * 11) % 23], (i * 37) % 1000) for i in range(300)))


def seed_demo_hot_lists(session: Session, now: datetime) -> None:
    """Hot plates, a state list extract and special entries, as their sources would leave them."""
    lists = {name: HotList(name=name, kind=kind) for name, kind in (
        ("SPD hot plates", "spd_hot_plate"), ("SPD special hot list", "special"),
        (DEMO_STATE_LIST, "state_ncic"))}
    session.add_all(lists.values())
    session.flush()
    expires = now + timedelta(hours=20)
    for plate, state, reason, case, system, record, narrative in DEMO_HOT_PLATES:
        session.add(HotListEntry(
            list_id=lists["SPD hot plates"].id, plate=plate, state=state, reason=reason,
            priority=1 if reason in ("felony_vehicle", "wanted_person") else 2,
            case_number=case, ncic_system=system, ncic_record=record, narrative=narrative,
            status="active", entered_by="4102", entered_at=now - timedelta(hours=2),
            effective_at=now - timedelta(hours=2), expires_at=expires))
    for (plate, state, reason, case, narrative), status in (
            (DEMO_SPECIAL_APPROVED, "active"), (DEMO_SPECIAL_PENDING, "pending")):
        session.add(HotListEntry(
            list_id=lists["SPD special hot list"].id, plate=plate, state=state, reason=reason,
            priority=4, case_number=case, narrative=narrative, status=status,
            entered_by="6301", entered_at=now - timedelta(hours=1),
            effective_at=now - timedelta(minutes=50) if status == "active" else None,
            expires_at=expires, decided_by="8501" if status == "active" else None,
            decided_at=now - timedelta(minutes=50) if status == "active" else None))
    for plate in DEMO_STATE_PLATES:
        session.add(HotListEntry(list_id=lists[DEMO_STATE_LIST].id, plate=plate, state="CA",
                                 reason="stolen_vehicle", priority=2,
                                 source_record="DOJ SVS", status="active", entered_at=now,
                                 effective_at=now))
    session.flush()
    append_event(session, actor_badge=None, workstation=None, action="demo.seed",
                 reason="demo hot lists created",
                 details={"hot_plates": len(DEMO_HOT_PLATES), "state_list":
                          len(DEMO_STATE_PLATES), "special": 2})
