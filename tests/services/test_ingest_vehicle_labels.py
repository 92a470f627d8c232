"""The reader's vehicle labels are stored lower case per read, on the row and bulk paths."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from rtic_console.domain.reads import PlateRead, VehicleInfo
from rtic_console.services.ingest import COPY_THRESHOLD, ingest_reads
from rtic_console.services.matching import MatchingEngine
from rtic_console.store.database import Database
from rtic_console.store.models import Detection


def _reads(count: int) -> list[PlateRead]:
    now = datetime.now(UTC)
    return [PlateRead(source="openalpr", source_id=f"v-{i}", plate=f"8VEH{i:03d}",
                      plate_raw=f"8VEH{i:03d}", state="CA", confidence=0.9,
                      captured_at=now - timedelta(seconds=i), device_ref="ALPR-FX-01",
                      vehicle=VehicleInfo(color=" Silver ", make="Toyota", body_type="SUV"
                                          if i % 2 else None))
            for i in range(count)]


@pytest.mark.parametrize("count", [3, COPY_THRESHOLD])
def test_labels_stored_lower_case(db: Database, count: int) -> None:
    with db.write() as session:
        outcome = ingest_reads(session, _reads(count), MatchingEngine(), datetime.now(UTC),
                               "test")
    assert outcome.stored == count
    with db.read() as session:
        rows = session.execute(select(Detection.plate, Detection.vehicle_color,
                                      Detection.vehicle_make, Detection.vehicle_body)
                               .order_by(Detection.plate)).all()
    assert rows[0] == ("8VEH000", "silver", "toyota", None)
    assert rows[1] == ("8VEH001", "silver", "toyota", "suv")
