"""Where a read was taken, one definition for the map and for searches.

A fixed reader often reports no position of its own, and ingest then stores none: the read
is placed at its device's registered position. Use with a join of Detection to Device.
"""

from __future__ import annotations

from sqlalchemy import func

from rtic_console.store.models import Detection, Device

READ_LAT = func.coalesce(Detection.latitude, Device.latitude)
READ_LON = func.coalesce(Detection.longitude, Device.longitude)


def place_label(address: str | None, lat: float | None, lon: float | None) -> str:
    """How a read's place is shown: its reader's address, else its position, else why not."""
    if address:
        return address
    if lat is None or lon is None:
        return "location not reported"
    return f"{lat:.5f}, {lon:.5f}"
