"""Enrolled workstations (G.3.f): the name donor terms and audit events rely on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rtic_console.store.models.base import Base


class Workstation(Base):
    """One enrolment. The secret lives only in that machine's OS keyring; the database keeps
    its SHA-256 (a 256-bit random secret needs no slow hash). A revoked row stays, so the
    trail of who enrolled and revoked what can be read here as well as in the audit."""

    __tablename__ = "workstations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(63))
    name_key: Mapped[str] = mapped_column(String(63), unique=True)  # casefolded name
    secret_hash: Mapped[str] = mapped_column(String(64))
    enrolled_by: Mapped[str] = mapped_column(String(10))
    enrolled_at: Mapped[datetime]
    revoked_by: Mapped[str | None] = mapped_column(String(10))
    revoked_at: Mapped[datetime | None]
    revoke_reason: Mapped[str | None] = mapped_column(Text)
