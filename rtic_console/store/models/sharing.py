"""Who may receive ALPR data and what was asked of SPD: the agency directory, sharing requests
with their decisions (C.2 to C.6), and special hot list sharing (I.2.b)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rtic_console.store.models.base import Base


class Agency(Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ori: Mapped[str] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(2))
    agency_type: Mapped[str] = mapped_column(String(10))
    law_enforcement: Mapped[bool] = mapped_column(Boolean)
    learn_partner: Mapped[bool] = mapped_column(Boolean)
    contact: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(10))
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(10))


class SharingRequest(Base):
    """A request for ALPR data from another agency, and what the rule (and any legal review)
    decided. A refused request is kept: the decision and its clause are the record."""

    __tablename__ = "sharing_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    requester_name: Mapped[str] = mapped_column(String(120))
    requester_contact: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text)
    their_case_number: Mapped[str] = mapped_column(String(40))
    # The data asked for: exact plates (JSON list) and a time range, or an SPD case's reads.
    plates: Mapped[str | None] = mapped_column(Text)
    time_from: Mapped[datetime | None]
    time_to: Mapped[datetime | None]
    spd_case_number: Mapped[str | None] = mapped_column(String(40))
    filed_by: Mapped[str] = mapped_column(String(10))
    filed_at: Mapped[datetime]
    decision: Mapped[str] = mapped_column(String(10))  # granted or refused
    clause: Mapped[str] = mapped_column(String(10))
    clauses: Mapped[str] = mapped_column(String(80))  # every clause that applied, comma-joined
    decision_reason: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime]
    # C.2.a: a non-partner's request is brought to the RTIC division commander at once.
    commander_alerted: Mapped[bool] = mapped_column(Boolean, default=False)
    # Legal review of a refusal (C.3, C.4): pending, permitted or denied.
    review_status: Mapped[str | None] = mapped_column(String(10))
    review_note: Mapped[str | None] = mapped_column(Text)
    review_requested_by: Mapped[str | None] = mapped_column(String(10))
    review_requested_at: Mapped[datetime | None]
    review_decided_by: Mapped[str | None] = mapped_column(String(10))
    review_decided_at: Mapped[datetime | None]
    review_decision_note: Mapped[str | None] = mapped_column(Text)
    # The package of a granted request.
    package_path: Mapped[str | None] = mapped_column(Text)
    manifest_sha256: Mapped[str | None] = mapped_column(String(64))
    read_count: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_sharing_requests_agency_id", "agency_id"),
        Index("ix_sharing_requests_review_status", "review_status"),
    )


class SpecialShareRequest(Base):
    """I.2.b: sharing a special hot list entry with another agency waits for a division
    commander's decision, with a reason; nothing leaves before it."""

    __tablename__ = "special_share_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("hot_list_entries.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    reason: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(10))
    requested_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(10))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_special_share_requests_status", "status"),)
