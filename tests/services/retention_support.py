"""Helpers the retention tests share: reads of chosen ages, with images and hits."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count

from sqlalchemy import select

from rtic_console.store import partitions
from rtic_console.store.database import Database
from rtic_console.store.models import Detection, DetectionImage, Hit, HitStep, HotList

_serial = count()


def add_read(db: Database, plate: str, captured_at: datetime, *,
             hit: bool = False) -> tuple[int, int | None]:
    """One read with a plate image, and a hit with a checklist attachment when asked; rows
    written directly, since ingest stamps the real clock. Returns (read id, hit id)."""
    with db.write() as session:
        det = Detection(source_format="csv", source_id=f"ret-{next(_serial)}", plate=plate,
                        plate_raw=plate, state="CA", confidence=0.9, captured_at=captured_at,
                        received_at=captured_at, device_ref="ALPR-FX-01")
        session.add(det)
        session.flush()
        session.add(DetectionImage(detection_id=det.id, kind="plate", jpeg=b"\xff\xd8jpeg",
                                   captured_at=captured_at))
        if not hit:
            return det.id, None
        hot_list = session.scalar(select(HotList).where(HotList.name == "retention test"))
        if hot_list is None:
            hot_list = HotList(name="retention test", kind="spd_hot_plate")
            session.add(hot_list)
            session.flush()
        row = Hit(detection_id=det.id, captured_at=captured_at, entry_id=None,
                  list_id=hot_list.id, read_plate=plate, listed_plate=plate, priority=1,
                  reason="stolen_vehicle", created_at=captured_at)
        session.add(row)
        session.flush()
        session.add(HitStep(hit_id=row.id, step=1, data="{}", attachment_name="return.png",
                            attachment=b"\x89PNG", done_by="6301", done_at=captured_at))
        return det.id, row.id


def make_weeks(db: Database, *moments: datetime) -> None:
    """On PostgreSQL, the week partitions of these moments, made as the purge makes them
    ahead: reads already stored for those weeks move in from the default partition."""
    if not db.is_postgres:
        return
    with db.write() as session:
        for day in sorted({m.astimezone(UTC).date() for m in moments}):
            partitions.make_weeks(session, day, day)
