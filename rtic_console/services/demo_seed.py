"""Demo data: a realistic RTIC roster and devices at real Sacramento locations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from rtic_console.domain.devices import DeviceCategory, DeviceKind
from rtic_console.domain.roles import Role
from rtic_console.services.auth import roster_is_empty
from rtic_console.services.passwords import hash_password
from rtic_console.store.audit_log import append_event
from rtic_console.store.models import Device, Person, PersonRole

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
            failed_attempts=0, roles=[PersonRole(role=r.value) for r in p.roles]))
    for code, name, kind, category, area, address, lat, lon, unit in DEMO_DEVICES:
        session.add(Device(code=code, name=name, kind=kind.value, category=category.value,
                           area=area, address=address, latitude=lat, longitude=lon,
                           vehicle_unit=unit, in_service=True))
    session.flush()
    append_event(session, actor_badge=None, workstation=workstation, action="demo.seed",
                 reason="demo database created",
                 details={"people": len(DEMO_ROSTER), "devices": len(DEMO_DEVICES)})


def demo_badge_for(role: Role) -> str:
    """The demo person who best shows a role's work (the first active, trained holder)."""
    for p in DEMO_ROSTER:
        if role in p.roles and p.active and p.alpr_days_ago is not None:
            return p.badge
    raise ValueError(f"no demo person holds {role.value}")
