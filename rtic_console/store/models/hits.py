"""Hits (a read matching a hot list entry) and the dispatcher's verification steps."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
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

from rtic_console.store.models.base import Base
from rtic_console.store.models.detections import BigId


class Hit(Base):
    __tablename__ = "hits"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # A foreign key on SQLite only: detections are partitioned on PostgreSQL (0011).
    detection_id: Mapped[int] = mapped_column(BigId)
    # The read's capture time (0017): the purge drops a week's hits by it, without the reads.
    captured_at: Mapped[datetime]
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("hot_list_entries.id", ondelete="SET NULL"))
    list_id: Mapped[int] = mapped_column(ForeignKey("hot_lists.id", ondelete="CASCADE"))
    read_plate: Mapped[str] = mapped_column(String(10))
    listed_plate: Mapped[str] = mapped_column(String(10))
    listed_state: Mapped[str | None] = mapped_column(String(2))
    candidate_index: Mapped[int | None] = mapped_column(Integer)
    substitutions: Mapped[int] = mapped_column(Integer, default=0)
    state_mismatch: Mapped[bool] = mapped_column(Boolean, default=False)
    priority: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(24))
    informational: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="new")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    claimed_by: Mapped[str | None] = mapped_column(String(10))
    claimed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(10))
    closed_at: Mapped[datetime | None]
    close_reason: Mapped[str | None] = mapped_column(Text)
    # B.2: the read came from a reader that was out of service or reported damaged.
    device_out_of_service: Mapped[bool] = mapped_column(Boolean, default=False,
                                                        server_default=false())
    # D.3.e: the stolen vehicle recovery call for service, when one was generated.
    recovery_cfs: Mapped[str | None] = mapped_column(String(24))
    # D.5.a: when this hit, unclaimed or overdue, was escalated to the sergeant on duty.
    escalated_at: Mapped[datetime | None]

    __table_args__ = (
        ForeignKeyConstraint(["detection_id"], ["detections.id"], ondelete="CASCADE"
                             ).ddl_if(dialect="sqlite"),
        UniqueConstraint("detection_id", "entry_id", name="uq_hits_detection_entry"),
        Index("ix_hits_status", "status"),
        Index("ix_hits_created_at", "created_at"),
        Index("ix_hits_captured_at", "captured_at"),
    )


class HitStep(Base):
    __tablename__ = "hit_steps"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hit_id: Mapped[int] = mapped_column(ForeignKey("hits.id", ondelete="CASCADE"))
    step: Mapped[int] = mapped_column(Integer)
    data: Mapped[str] = mapped_column(Text, default="{}")
    attachment_name: Mapped[str | None] = mapped_column(String(200))
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)
    done_by: Mapped[str] = mapped_column(String(10))
    done_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("hit_id", "step", name="uq_hit_steps_hit_step"),)


class HitSighting(Base):
    """A later read of the vehicle a hit is about (the same entry, an OCR variant, within
    minutes): kept with the open hit instead of queued as a new one."""

    __tablename__ = "hit_sightings"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    hit_id: Mapped[int] = mapped_column(BigId, ForeignKey("hits.id", ondelete="CASCADE"))
    # No foreign key: detections are partitioned on PostgreSQL; the hit's cascade removes
    # its sightings when the purge takes the hit's (earlier) read.
    detection_id: Mapped[int] = mapped_column(BigId)
    entry_id: Mapped[int] = mapped_column(Integer)
    read_plate: Mapped[str] = mapped_column(String(10))
    substitutions: Mapped[int] = mapped_column(Integer, default=0)
    captured_at: Mapped[datetime]
    created_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("detection_id", "entry_id", name="uq_hit_sightings_detection_entry"),
        Index("ix_hit_sightings_hit_id", "hit_id"),
    )
