"""The search log kept for the quarterly review of personnel searches (D.2.b(2))."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rtic_console.store.models.base import Base


class SearchRecord(Base):
    __tablename__ = "searches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("personnel.id"))
    actor_badge: Mapped[str] = mapped_column(String(10))
    searched_at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(String(40))
    case_number: Mapped[str] = mapped_column(String(40))
    plate_pattern: Mapped[str | None] = mapped_column(String(12))
    match_mode: Mapped[str | None] = mapped_column(String(10))
    time_from: Mapped[datetime | None]
    time_to: Mapped[datetime | None]
    center_lat: Mapped[float | None] = mapped_column(Float)
    center_lon: Mapped[float | None] = mapped_column(Float)
    radius_m: Mapped[float | None] = mapped_column(Float)
    parameters: Mapped[str] = mapped_column(Text, default="{}")
    result_count: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_searches_searched_at", "searched_at"),
        Index("ix_searches_actor_badge", "actor_badge"),
    )
