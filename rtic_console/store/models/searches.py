"""The search log kept for the quarterly review (D.2.b(2)) and "other use" requests (D.1.c)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rtic_console.store.models.base import Base


class SearchRequest(Base):
    """A use outside the approved purposes, which a sergeant or administrator decides first."""

    __tablename__ = "search_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("personnel.id"))
    requester_badge: Mapped[str] = mapped_column(String(10))
    requested_at: Mapped[datetime]
    case_number: Mapped[str] = mapped_column(String(40))
    use_description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(10))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_search_requests_status", "status"),)


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
    # D.1.c: the approved request an "other use" search ran under.
    request_id: Mapped[int | None] = mapped_column(ForeignKey("search_requests.id"))
    # F.3: a shape search records its incident and the description it looked for.
    incident_number: Mapped[str | None] = mapped_column(String(40))
    subject_description: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_searches_searched_at", "searched_at"),
        Index("ix_searches_actor_badge", "actor_badge"),
    )
