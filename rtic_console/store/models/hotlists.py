"""Hot lists (state/NCIC files, SPD hot plates, special lists), their entries and imports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from rtic_console.store.models.base import Base


class HotList(Base):
    __tablename__ = "hot_lists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_import_at: Mapped[datetime | None]


class HotListEntry(Base):
    __tablename__ = "hot_list_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("hot_lists.id", ondelete="CASCADE"))
    plate: Mapped[str] = mapped_column(String(10))
    state: Mapped[str | None] = mapped_column(String(2))
    plate_type: Mapped[str | None] = mapped_column(String(4))
    reason: Mapped[str] = mapped_column(String(24))
    priority: Mapped[int] = mapped_column(Integer, default=3)
    source_record: Mapped[str | None] = mapped_column(String(40))
    ncic_system: Mapped[str | None] = mapped_column(String(6))
    ncic_record: Mapped[str | None] = mapped_column(String(40))
    case_number: Mapped[str | None] = mapped_column(String(40))
    xref: Mapped[str | None] = mapped_column(String(40))
    narrative: Mapped[str | None] = mapped_column(Text)
    # active: matches; pending: special entry awaiting a supervisor (I.1); rejected; removed.
    status: Mapped[str] = mapped_column(String(10), default="active")
    entered_by: Mapped[str | None] = mapped_column(String(10))
    entered_at: Mapped[datetime] = mapped_column(server_default=func.now())
    effective_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(10))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_hot_list_entries_list_id", "list_id"),
        Index("ix_hot_list_entries_plate", "plate"),
        Index("ix_hot_list_entries_status", "status"),
    )


class HotListImport(Base):
    __tablename__ = "hot_list_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("hot_lists.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    file_format: Mapped[str] = mapped_column(String(16))
    sha256: Mapped[str] = mapped_column(String(64))
    imported_by: Mapped[str | None] = mapped_column(String(10))
    imported_at: Mapped[datetime] = mapped_column(server_default=func.now())
    applied: Mapped[bool]
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    bad_rows: Mapped[int] = mapped_column(Integer, default=0)
    skipped_placeholders: Mapped[int] = mapped_column(Integer, default=0)
    merged_duplicates: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[str] = mapped_column(Text, default="")
