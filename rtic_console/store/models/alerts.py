"""Alerts to the holders of a role (a damage report to the ALPR administrators, B.2), shown
until one of them acknowledges it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rtic_console.store.models.base import Base


class Alert(Base):
    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # what raised it: "device_damage", …
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[str | None] = mapped_column(String(80))
    for_role: Mapped[str] = mapped_column(String(30))
    raised_by_badge: Mapped[str | None] = mapped_column(String(10))  # None: the system
    raised_at: Mapped[datetime]
    acknowledged_by_badge: Mapped[str | None] = mapped_column(String(10))
    acknowledged_at: Mapped[datetime | None]
    ack_note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_alerts_open", "for_role", "acknowledged_at"),)
