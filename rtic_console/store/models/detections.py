"""Plate reads (detections), their images, and payloads quarantined because they would not parse."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from rtic_console.domain.reads import TEXT_LIMITS
from rtic_console.store.models.base import Base

BigId = BigInteger().with_variant(Integer, "sqlite")


class Detection(Base):
    """One plate read. On PostgreSQL the table is partitioned (migration 0011): by `held`,
    then the reads not held by UTC week of `captured_at`, so the purge drops whole weeks;
    its keys therefore include (held, captured_at), and nothing references it by a foreign
    key there. `held` is set when an evidence hold moved the read out of its week before the
    week was dropped; on SQLite it stays false."""

    __tablename__ = "detections"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source_format: Mapped[str] = mapped_column(String(TEXT_LIMITS["source"]))
    source_id: Mapped[str] = mapped_column(String(TEXT_LIMITS["source_id"]))
    plate: Mapped[str] = mapped_column(String(10))
    plate_raw: Mapped[str] = mapped_column(String(TEXT_LIMITS["plate_raw"]))
    state: Mapped[str | None] = mapped_column(String(2))
    confidence: Mapped[float] = mapped_column(Float)
    captured_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(server_default=func.now())
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id", ondelete="SET NULL"))
    device_ref: Mapped[str] = mapped_column(String(TEXT_LIMITS["device_ref"]))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    direction_deg: Mapped[float | None] = mapped_column(Float)
    candidates: Mapped[str] = mapped_column(Text, default="[]")
    vehicle: Mapped[str] = mapped_column(Text, default="{}")
    # The reader's best vehicle labels, lower case, for shape searches (F.3).
    vehicle_color: Mapped[str | None] = mapped_column(String(40))
    vehicle_make: Mapped[str | None] = mapped_column(String(40))
    vehicle_body: Mapped[str | None] = mapped_column(String(40))
    held: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (
        # A re-sent payload carries the same vendor id (and time): stored once.
        UniqueConstraint("source_format", "source_id", name="uq_detections_source"
                         ).ddl_if(dialect="sqlite"),
        UniqueConstraint("source_format", "source_id", "held", "captured_at",
                         name="uq_detections_source_day").ddl_if(dialect="postgresql"),
        Index("ix_detections_plate_captured_at", "plate", "captured_at"),
        Index("ix_detections_captured_at", "captured_at").ddl_if(dialect="postgresql"),
        # SQLite counts a map window's cells from this index alone (no row is read, and no
        # row is looked up by id: 6 s for a million reads with the plain time index).
        Index("ix_detections_captured_at_place", "captured_at", "latitude", "longitude",
              "device_id").ddl_if(dialect="sqlite"),
        Index("ix_detections_device_captured_at", "device_id", "captured_at"),
        # Wildcard plate searches (D.1) on PostgreSQL: trigrams serve a '*' in any place.
        Index("ix_detections_plate_trgm", "plate", postgresql_using="gin",
              postgresql_ops={"plate": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
    )


class ReadHour(Base):
    """How many reads `detections` holds for one device in one UTC hour (device 0: reads of
    no known device; a row only while there is at least one), kept in the transaction of
    every write that adds or removes reads (services/read_hours.py), so the dashboard counts
    a month from a few hundred thousand rows instead of every read (issue 18)."""

    __tablename__ = "read_hours"

    hour: Mapped[datetime] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reads: Mapped[int] = mapped_column(BigInteger)

    # Readers reporting: each reader's hours, a short range of this index however the
    # planner joins (by the primary key it would scan the whole window once per reader).
    __table_args__ = (Index("ix_read_hours_device_hour", "device_id", "hour"),)


class DetectionImage(Base):
    """A read's image; `captured_at` and `held` are its read's, so that on PostgreSQL the
    images are partitioned with their reads and go with the same week."""

    __tablename__ = "detection_images"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    detection_id: Mapped[int] = mapped_column(BigId)
    kind: Mapped[str] = mapped_column(String(12))
    jpeg: Mapped[bytes] = mapped_column(LargeBinary)
    captured_at: Mapped[datetime]
    held: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (
        ForeignKeyConstraint(["detection_id"], ["detections.id"], ondelete="CASCADE"
                             ).ddl_if(dialect="sqlite"),
        UniqueConstraint("detection_id", "kind", name="uq_detection_images_detection_kind"
                         ).ddl_if(dialect="sqlite"),
        UniqueConstraint("detection_id", "kind", "held", "captured_at",
                         name="uq_detection_images_detection_kind_day"
                         ).ddl_if(dialect="postgresql"),
    )


class QuarantinedPayload(Base):
    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(server_default=func.now())
    channel: Mapped[str] = mapped_column(String(80))
    content_type: Mapped[str | None] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text)
    raw_size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
