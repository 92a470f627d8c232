"""ALPR readers and PSCN cameras, with category (F.1), place and service state (B.2)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from rtic_console.store.models.base import Base


class Device(Base):
    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(20))
    area: Mapped[str] = mapped_column(String(80), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    vehicle_unit: Mapped[str | None] = mapped_column(String(20))
    stream_url: Mapped[str | None] = mapped_column(String(500))
    substream_url: Mapped[str | None] = mapped_column(String(500))
    in_service: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_seen_at: Mapped[datetime | None]
    fps: Mapped[float | None] = mapped_column(Float)
    is_streaming: Mapped[bool | None]
    vendor_ref: Mapped[str | None] = mapped_column(String(80), unique=True)
