"""Divisions of the department and their commanders, to whom inspections refer (D.2.b(2)(a))."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from rtic_console.store.models.base import Base


class Division(Base):
    """A division named on the roster (`personnel.division`) and the person who commands it.

    People name their division as text; `name_key` (the name case-folded) joins them to this
    row. `commander_id` is None while no commander is set: a referral for one of its people
    is then flagged on the inspection, never dropped.
    """

    __tablename__ = "divisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    name_key: Mapped[str] = mapped_column(String(80), unique=True)
    commander_id: Mapped[int | None] = mapped_column(ForeignKey("personnel.id"))
    updated_by: Mapped[str] = mapped_column(String(10))
    updated_at: Mapped[datetime]
