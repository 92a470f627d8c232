"""Retention settings (C.1, F.5), the record of each purge run, and the recordings' disk caps."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rtic_console.store.models.base import Base


class RetentionSetting(Base):
    """How many days one kind of data is kept: one row per kind, shared by every console
    and the ingest service. A kind with no row is kept `DEFAULT_DAYS`."""

    __tablename__ = "retention_settings"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    days: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime]


class PurgeRun(Base):
    """One purge (not a dry run): who ran it, the cutoffs, the counts as it goes (written
    with each batch, so an interrupted run's work is known to the next), and its outcome.

    On SQLite an unfinished row whose `heartbeat_at` is recent is the lock that stops a
    second purge; PostgreSQL uses an advisory lock besides, which dies with its process.
    """

    __tablename__ = "purge_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_by: Mapped[str] = mapped_column(String(80))
    workstation: Mapped[str | None] = mapped_column(String(80))
    started_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    # running, then done or interrupted; an interrupted run becomes resumed once a later
    # run's audit event has reported what it removed.
    outcome: Mapped[str] = mapped_column(String(12), default="running")
    cutoffs: Mapped[str] = mapped_column(Text, default="{}")  # {kind: iso time}
    counts: Mapped[str] = mapped_column(Text, default="{}")  # {what: rows removed}


class RecordingCap(Base):
    """A disk cap of the recordings store (`store`) or of each camera without its own
    (`camera_default`); no row means no cap. A camera's own cap is
    `camera_settings.cap_bytes`."""

    __tablename__ = "recording_caps"

    scope: Mapped[str] = mapped_column(String(20), primary_key=True)
    cap_bytes: Mapped[int] = mapped_column(BigInteger)
    updated_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime]


class RecordingUsage(Base):
    """Bytes and segments indexed per camera, kept by triggers on `recording_segments`
    (migration 0020), so the caps are checked after every segment without summing millions
    of rows."""

    __tablename__ = "recording_usage"

    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"),
                                           primary_key=True)
    bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    segments: Mapped[int] = mapped_column(Integer, default=0)


class RecordingCapState(Base):
    """The level a cap's use was last seen at (`store`, or `camera:<id>`), so an alert is
    raised once per crossing, and the reason recording stopped."""

    __tablename__ = "recording_cap_states"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    level: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime]
