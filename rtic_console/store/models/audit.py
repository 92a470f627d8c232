"""The append-only, hash-chained audit trail, and the purgeable plain plates its events name."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rtic_console.store.models.base import Base


class AuditEvent(Base):
    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime]
    actor_badge: Mapped[str | None] = mapped_column(String(10))
    workstation: Mapped[str | None] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_audit_events_occurred_at", "occurred_at"),
        Index("ix_audit_events_actor_badge", "actor_badge"),
        Index("ix_audit_events_action", "action"),
        Index("ix_audit_events_object", "object_type", "object_id"),
    )


class AuditCheckpoint(Base):
    """A signed statement that the chain's head was (head_seq, head_hash) at signed_at.

    Signed with the department's Ed25519 key, which lives outside the database, so whoever
    can rewrite the table cannot write a checkpoint that verifies. Append-only like the
    events it anchors.
    """

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    head_seq: Mapped[int] = mapped_column(BigInteger)
    head_hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime]
    key_id: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))
    # The person's badge, or "system:NAME" for the headless service's daily checkpoint.
    signed_by: Mapped[str] = mapped_column(String(80))
    workstation: Mapped[str | None] = mapped_column(String(80))


class AuditPlate(Base):
    """The plain plate behind a keyed digest in an event's details (C.1).

    The event holds `<field>_hmac`, an HMAC-SHA256 of the plate under the department's
    plate key (kept outside the database); this row holds the plate itself, for the viewer,
    until the retention of its `kind` passes and the purge removes it. The chain never
    covers this table, so removing a row leaves every event's hash intact.
    """

    __tablename__ = "audit_plates"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    field: Mapped[str] = mapped_column(String(40), primary_key=True)
    plate: Mapped[str] = mapped_column(String(12))
    kind: Mapped[str] = mapped_column(String(20))
    occurred_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_audit_plates_occurred_at", "occurred_at"),
        Index("ix_audit_plates_plate", "plate"),
    )
