"""ALPR readers, trailers and PSCN cameras, with category (F.1), place, versions and service
state (B.2); their hourly health, damage reports and start-of-shift checks (D.3)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from rtic_console.store.models.base import Base

IN_SERVICE = "in_service"


class Device(Base):
    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(20))
    area: Mapped[str] = mapped_column(String(80), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    vehicle_unit: Mapped[str | None] = mapped_column(String(20))
    stream_url: Mapped[str | None] = mapped_column(String(500))
    substream_url: Mapped[str | None] = mapped_column(String(500))
    # RTSP transport, "tcp" or "udp" (domain.stream_urls.STREAM_TRANSPORTS)
    stream_transport: Mapped[str] = mapped_column(String(3), default="tcp", server_default="tcp")
    # in_service, out_of_service or damaged (domain.devices.ServiceState)
    service_state: Mapped[str] = mapped_column(String(20), default=IN_SERVICE,
                                               server_default=IN_SERVICE)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_seen_at: Mapped[datetime | None]
    fps: Mapped[float | None] = mapped_column(Float)
    is_streaming: Mapped[bool | None]
    vendor_ref: Mapped[str | None] = mapped_column(String(80), unique=True)
    vendor: Mapped[str | None] = mapped_column(String(80))
    model: Mapped[str | None] = mapped_column(String(80))
    version: Mapped[str | None] = mapped_column(String(60))
    expected_version: Mapped[str | None] = mapped_column(String(60))
    installed_on: Mapped[date | None] = mapped_column(Date)

    @hybrid_property
    def in_service(self) -> bool:
        """Usable now: neither taken out of service nor reported damaged (B.2)."""
        return self.service_state == IN_SERVICE

    @in_service.inplace.expression
    @classmethod
    def _in_service_expression(cls) -> ColumnElement[bool]:
        return cls.service_state == IN_SERVICE


class DeviceHealthHour(Base):
    """Heartbeats and reads of one device in one hour (UTC, on the hour): small and
    aggregated, so uptime over a quarter is a count of hours, not a guess."""

    __tablename__ = "device_health_hourly"

    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"),
                                           primary_key=True)
    hour: Mapped[datetime] = mapped_column(primary_key=True)
    heartbeats: Mapped[int] = mapped_column(Integer, default=0)
    reads: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_device_health_hourly_hour", "hour"),)


class DeviceReport(Base):
    """A damage or inoperable report (B.2), open until an ALPR administrator clears it."""

    __tablename__ = "device_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"))
    reported_by_badge: Mapped[str] = mapped_column(String(10))
    reported_at: Mapped[datetime]
    problem: Mapped[str] = mapped_column(Text)
    vandalism: Mapped[bool] = mapped_column(Boolean, default=False)
    crime_report: Mapped[str | None] = mapped_column(String(24))  # B.2.c
    mdc_request: Mapped[str | None] = mapped_column(Text)  # B.2.b(1)
    trailer_secured: Mapped[bool | None] = mapped_column(Boolean)  # B.2.b(2)
    shift_check_id: Mapped[int | None] = mapped_column(
        ForeignKey("shift_checks.id", ondelete="SET NULL"))
    cleared_by_badge: Mapped[str | None] = mapped_column(String(10))
    cleared_at: Mapped[datetime | None]
    clear_note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_device_reports_device_id", "device_id"),)


class ShiftCheck(Base):
    """A mobile reader's start-of-shift check (D.3.b to D.3.d), signed by the officer who
    drove the unit."""

    __tablename__ = "shift_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vehicle_unit: Mapped[str] = mapped_column(String(20))
    checked_at: Mapped[datetime]
    officer_badge: Mapped[str] = mapped_column(String(10))
    cameras_affixed: Mapped[bool] = mapped_column(Boolean)
    cdms_started: Mapped[bool] = mapped_column(Boolean)
    all_green: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_shift_checks_unit_checked_at", "vehicle_unit", "checked_at"),)
