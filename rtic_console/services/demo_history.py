"""Demo history: a week of past reads and a voluntary registry, so map, search and charts
have something true to the demo world to show."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from rtic_console.domain.devices import READER_KINDS
from rtic_console.domain.reads import PlateRead, VehicleInfo
from rtic_console.services.ingest import ingest_reads
from rtic_console.services.matching import MatchingEngine
from rtic_console.store.audit_log import append_event
from rtic_console.store.models import Device, RegistryEntry

SACRAMENTO = ZoneInfo("America/Los_Angeles")
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
COLORS = ("white", "black", "silver", "gray", "red", "blue", "green")
MAKES = ("toyota", "honda", "ford", "chevrolet", "nissan", "tesla", "hyundai", "subaru")
BODIES = ("sedan", "suv", "pickup", "minivan", "hatchback")

# (owner or contact, contact, address, lat, lon, equipment)
DEMO_REGISTRY = (
    ("Midtown Market (M. Alvarez)", "916-555-0141", "1630 J St", 38.57740, -121.48430,
     "2 outdoor dome cameras, 30-day NVR"),
    ("Capitol Towers HOA", "916-555-0188", "1500 7th St", 38.57310, -121.50020,
     "Garage entrance camera"),
    ("R. Nguyen (residence)", "916-555-0102", "2215 G St", 38.58030, -121.47550,
     "Video doorbell"),
    ("Broadway Auto Care", "916-555-0177", "1701 Broadway", 38.56280, -121.49050,
     "4 cameras covering lot and street"),
    ("Florin Square Pharmacy", "916-555-0119", "2400 Florin Rd", 38.49610, -121.46780,
     "Storefront camera facing Florin Rd"),
    ("St. Francis Parish", "916-555-0160", "2235 K St", 38.57480, -121.47820,
     "Parking lot camera"),
    ("Del Paso Hardware", "916-555-0133", "1200 Del Paso Blvd", 38.60290, -121.44380,
     "Street-facing camera, 14-day retention"),
    ("K. Osei (residence)", "916-555-0125", "1908 P St", 38.57080, -121.48410,
     "Video doorbell and driveway camera"),
)


def _plate(rng: random.Random) -> str:
    return (f"{rng.randint(1, 9)}{''.join(rng.choices(LETTERS, k=3))}"
            f"{rng.randint(0, 999):03d}")


def seed_demo_history(session: Session, now: datetime, *, days: int = 7,
                      reads_per_day: int = 500, seed: int = 525) -> int:
    """Past reads from the demo readers, stored through the real ingest path (no hits:
    they predate today's lists), and the registry; returns how many reads were stored."""
    rng = random.Random(seed)
    readers = session.execute(
        select(Device.code, Device.latitude, Device.longitude)
        .where(Device.kind.in_([k.value for k in READER_KINDS]))
    ).all()
    regulars = [_plate(rng) for _ in range(60)]  # commuters seen day after day
    reads = []
    for i in range(days * reads_per_day):
        code, lat, lon = rng.choice(readers)
        ago = timedelta(seconds=rng.uniform(3600, days * 86400))
        # Rush hours are busier: nudge a third of the reads to 07:00-09:00 or 16:00-18:00.
        when = now - ago
        if rng.random() < 0.33:
            rush = when.astimezone(SACRAMENTO).replace(hour=rng.choice((7, 8, 16, 17)))
            if now - timedelta(days=days) <= rush <= now - timedelta(hours=1):
                when = rush
        plate = rng.choice(regulars) if rng.random() < 0.3 else _plate(rng)
        reads.append(PlateRead(
            source="demo-history", source_id=f"h-{i}", plate=plate, plate_raw=plate,
            state="CA", confidence=round(rng.uniform(0.72, 0.99), 2), captured_at=when,
            device_ref=code, latitude=lat + rng.uniform(-0.0004, 0.0004),
            longitude=lon + rng.uniform(-0.0004, 0.0004),
            direction_deg=float(rng.choice((0, 90, 180, 270))),
            vehicle=VehicleInfo(color=rng.choice(COLORS), make=rng.choice(MAKES),
                                body_type=rng.choice(BODIES))))
    stored = ingest_reads(session, reads, MatchingEngine(), now, "demo").stored
    for owner, contact, address, lat, lon, equipment in DEMO_REGISTRY:
        session.add(RegistryEntry(
            owner_name=owner, contact=contact, address=address, latitude=lat, longitude=lon,
            equipment_type=equipment, notes="Demo entry", active=True, created_at=now,
            created_by="4101", updated_at=now, updated_by="4101"))
    append_event(session, actor_badge=None, workstation="demo", action="demo.seed_history",
                 reason="demo history created",
                 details={"reads": stored, "registry_entries": len(DEMO_REGISTRY)})
    return stored
