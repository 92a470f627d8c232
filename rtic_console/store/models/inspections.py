"""Quarterly inspections (D.2.b): the search review, its referrals, the audit head at close."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from rtic_console.store.models.base import Base


class Inspection(Base):
    """One per quarter. The quarter's bounds are fixed at opening (in the opener's time
    zone); closing records the audit chain's head, so a later truncation or rewrite of the
    trail shows against it, and the signed checkpoint written then when a key was present."""

    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    quarter: Mapped[str] = mapped_column(String(6), unique=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    opened_by: Mapped[str] = mapped_column(String(10))
    opened_at: Mapped[datetime]
    closed_by: Mapped[str | None] = mapped_column(String(10))
    closed_at: Mapped[datetime | None]
    audit_head_seq: Mapped[int | None] = mapped_column(Integer)
    audit_head_hash: Mapped[str | None] = mapped_column(String(64))
    checkpoint_id: Mapped[int | None] = mapped_column(ForeignKey("audit_checkpoints.id"))


class InspectionSearchReview(Base):
    """A reviewer's verdict on one logged search (D.2.b(2)); a search without a row is
    unreviewed. `flags` are those the search carried when it was reviewed."""

    __tablename__ = "inspection_search_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"))
    search_id: Mapped[int] = mapped_column(ForeignKey("searches.id"))
    verdict: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    flags: Mapped[str] = mapped_column(String(200), default="")
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("personnel.id"))
    reviewer_badge: Mapped[str] = mapped_column(String(10))
    reviewed_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("inspection_id", "search_id"),)


class InspectionDeviceReview(Base):
    """The inspector's check of one device for the quarter (D.2.b(1)): functioning, up to
    date, and a note (required when either is not so). A device without a row is
    unchecked."""

    __tablename__ = "inspection_device_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"))
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    functioning: Mapped[bool] = mapped_column(Boolean)
    up_to_date: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(Text)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("personnel.id"))
    reviewer_badge: Mapped[str] = mapped_column(String(10))
    reviewed_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("inspection_id", "device_id"),)


class InspectionReferral(Base):
    """An out-of-compliance search referred to the searcher's division commander
    (D.2.b(2)(a)). `commander_id` is None when the division had no commander: the referral
    is flagged on the inspection and waits for whoever becomes its commander."""

    __tablename__ = "inspection_referrals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"))
    review_id: Mapped[int] = mapped_column(ForeignKey("inspection_search_reviews.id"),
                                           unique=True)
    searcher_id: Mapped[int] = mapped_column(ForeignKey("personnel.id"))
    division: Mapped[str] = mapped_column(String(80))
    commander_id: Mapped[int | None] = mapped_column(ForeignKey("personnel.id"))
    referred_at: Mapped[datetime]
    outcome: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(10))
    decided_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_inspection_referrals_inspection_id", "inspection_id"),)
