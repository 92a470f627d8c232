"""The SQLite change log: committed change events for the other processes on the same file."""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rtic_console.store.models.base import Base


class ChangeLogEntry(Base):
    """Written in the transaction of the change it announces; PostgreSQL uses NOTIFY instead."""

    __tablename__ = "change_log"
    # Ids never reused, even after pruning: pollers keep a cursor.
    __table_args__: ClassVar[dict[str, object]] = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    origin: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)
