"""Requests to view cameras for a purpose outside F.2.a-d, decided by a division commander."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rtic_console.store.models.base import Base


class ViewingRequest(Base):
    """F.2.e: a person asks, a division commander approves for a time window (or denies),
    and the wall accepts the purpose from its requester, inside that window only."""

    __tablename__ = "viewing_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("personnel.id"))
    requester_badge: Mapped[str] = mapped_column(String(10))
    requested_at: Mapped[datetime]
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(10))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)
    approved_from: Mapped[datetime | None]
    approved_until: Mapped[datetime | None]

    __table_args__ = (Index("ix_viewing_requests_status", "status"),)
