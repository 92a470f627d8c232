"""Plate reads (detections), their images, and payloads quarantined because they would not parse."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from rtic_console.domain.reads import TEXT_LIMITS
from rtic_console.store.models.base import Base

BigId = BigInteger().with_variant(Integer, "sqlite")


class Detection(Base):
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

    __table_args__ = (
        # A re-sent payload carries the same vendor id: stored once.
        UniqueConstraint("source_format", "source_id", name="uq_detections_source"),
        Index("ix_detections_plate_captured_at", "plate", "captured_at"),
        Index("ix_detections_captured_at", "captured_at"),
        Index("ix_detections_device_captured_at", "device_id", "captured_at"),
        # Wildcard plate searches (D.1) on PostgreSQL: trigrams serve a '*' in any place.
        Index("ix_detections_plate_trgm", "plate", postgresql_using="gin",
              postgresql_ops={"plate": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
    )


class DetectionImage(Base):
    __tablename__ = "detection_images"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    detection_id: Mapped[int] = mapped_column(
        ForeignKey("detections.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    jpeg: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (
        UniqueConstraint("detection_id", "kind", name="uq_detection_images_detection_kind"),
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
