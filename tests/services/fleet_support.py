"""Devices of every kind, registered through the fleet service, for the fleet tests."""

from __future__ import annotations

from rtic_console.services.context import Context
from rtic_console.services.devices import DeviceInput, add_device
from rtic_console.services.runner import perform
from rtic_console.store.database import Database

FLEET = (
    DeviceInput("ALPR-FX-01", "fixed_reader", "J St & 16th St", latitude=38.577,
                longitude=-121.485, vendor="Motorola", model="Fixed 3", version="4.2.1",
                expected_version="4.2.1"),
    DeviceInput("ALPR-MB-1134", "mobile_reader", "Patrol unit 1134 reader",
                vehicle_unit="1134", version="3.9.0", expected_version="4.0.2"),
    DeviceInput("ALPR-TR-01", "trailer", "Speed trailer 1", latitude=38.56,
                longitude=-121.47),
    DeviceInput("CAM-AG-09", "camera", "HQ lobby"),
)


def add_fleet(db: Database, ctx: Context) -> dict[str, int]:
    return {d.code: perform(db, ctx, add_device, d).id for d in FLEET}
