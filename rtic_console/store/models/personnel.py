"""The roster: people, their roles, training and sign-in lockout state."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rtic_console.store.models.base import Base


class Person(Base):
    __tablename__ = "personnel"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    badge: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    division: Mapped[str] = mapped_column(String(80), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    clets_trained_on: Mapped[date | None] = mapped_column(Date)
    alpr_trained_on: Mapped[date | None] = mapped_column(Date)
    password_hash: Mapped[str] = mapped_column(String(255))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())

    roles: Mapped[list[PersonRole]] = relationship(
        back_populates="person", cascade="all, delete-orphan", lazy="selectin",
        foreign_keys="PersonRole.person_id",
    )


class PersonRole(Base):
    """One role held, with who granted it and when, and (for an approving role) who
    confirmed it: a pending grant gives nothing until a second person confirms it."""

    __tablename__ = "personnel_roles"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("personnel.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(32), primary_key=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("personnel.id"))
    granted_at: Mapped[datetime | None]
    pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("personnel.id"))
    confirmed_at: Mapped[datetime | None]
    # domain.duties.GrantBasis when the grant is in effect without a second person's
    # confirmation (the first administrator, the one bootstrap, older records, the demo).
    basis: Mapped[str | None] = mapped_column(String(20))

    person: Mapped[Person] = relationship(back_populates="roles", foreign_keys=[person_id])
