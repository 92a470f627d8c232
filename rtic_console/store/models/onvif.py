"""A camera's ONVIF device service: where it is, the profile steered, its PTZ range."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rtic_console.store.models.base import Base


class CameraOnvif(Base):
    """`address` is redacted; with credentials it is also sealed under the camera key, like
    the stream URLs (`key_id` names the key). Presets live on the camera (ONVIF's way), so
    only what steering needs is kept: the profile token, the range, the idle return home."""

    __tablename__ = "camera_onvif"

    device_id: Mapped[int] = mapped_column(
        ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True)
    address: Mapped[str] = mapped_column(String(500))
    address_sealed: Mapped[str | None] = mapped_column(Text)
    key_id: Mapped[str | None] = mapped_column(String(16))
    profile_token: Mapped[str] = mapped_column(String(64))
    ptz: Mapped[bool] = mapped_column(Boolean, default=False)
    ptz_range: Mapped[str | None] = mapped_column(String(200))  # JSON [pan0, pan1, tilt0, ...]
    home_after_minutes: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime]
