"""PSCN tables: donor agreements (G), recording settings and segments (F.5), holds, exports
(F.4) and saved wall layouts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from rtic_console.store.models.base import Base
from rtic_console.store.models.detections import BigId

# JSON columns are Text holding json.dumps output, as elsewhere in the schema: one spelling
# on SQLite and PostgreSQL, and no engine-specific JSON comparison semantics.


class DonorAgreement(Base):
    """One signed terms and conditions agreement (G.3); `reference` is the agreement id."""

    __tablename__ = "donor_agreements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    donor_name: Mapped[str] = mapped_column(String(120))
    donor_contact: Mapped[str] = mapped_column(String(200), default="")
    purpose_and_manner: Mapped[str] = mapped_column(Text)
    allowed_hours: Mapped[str] = mapped_column(Text)  # {"0": [["08:00", "18:00"]], ...}
    mask_polygons: Mapped[str] = mapped_column(Text, default="[]")  # [[[x, y], ...], ...] 0..1
    real_time_only: Mapped[bool] = mapped_column(Boolean, default=True)
    allowed_workstations: Mapped[str] = mapped_column(Text, default="[]")
    time_zone: Mapped[str] = mapped_column(String(64))
    effective_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    retrieval_process: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_by: Mapped[str | None] = mapped_column(String(10))
    updated_at: Mapped[datetime | None]
    # A withdrawn agreement is kept with its cameras: a camera once covered by a donor
    # agreement is never recorded (G.1), and the record says so.
    withdrawn_by: Mapped[str | None] = mapped_column(String(10))
    withdrawn_at: Mapped[datetime | None]
    withdraw_reason: Mapped[str | None] = mapped_column(Text)


class DonorAgreementCamera(Base):
    __tablename__ = "donor_agreement_cameras"

    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("donor_agreements.id", ondelete="CASCADE"), primary_key=True)
    device_id: Mapped[int] = mapped_column(
        ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True)

    __table_args__ = (Index("ix_donor_agreement_cameras_device_id", "device_id"),)


class CameraCredential(Base):
    """A camera's stream URLs with their credentials, sealed (Fernet) with the department's
    camera key, which is kept outside the database (each workstation's OS keyring, or the
    RTIC_CAMERA_KEY variable of a headless service). `devices` holds the URLs redacted.
    `key_id` names the key that sealed them, so a workstation holding another key says so."""

    __tablename__ = "camera_credentials"

    device_id: Mapped[int] = mapped_column(
        ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True)
    stream_url_sealed: Mapped[str | None] = mapped_column(Text)
    substream_url_sealed: Mapped[str | None] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime]


class CameraSettings(Base):
    """Recording settings of one camera; no row means not recorded."""

    __tablename__ = "camera_settings"

    device_id: Mapped[int] = mapped_column(
        ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True)
    recording_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    retention_days: Mapped[int | None] = mapped_column(Integer)
    cap_bytes: Mapped[int | None] = mapped_column(BigInteger)  # None: the default cap


class RecordingSegment(Base):
    __tablename__ = "recording_segments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime]
    path: Mapped[str] = mapped_column(String(1000), unique=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    frames: Mapped[int] = mapped_column(Integer)
    fps: Mapped[float] = mapped_column(Float)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    indexed_at: Mapped[datetime] = mapped_column(server_default=func.now())

    __table_args__ = (
        Index("ix_recording_segments_device_started", "device_id", "started_at"),
        Index("ix_recording_segments_ended_at", "ended_at"),
    )


class EvidenceHold(Base):
    """Keeps data past retention for a case (C.1, F.5).

    Scope `video`: recordings of `device_id` (every camera when None) between `from_at` and
    `to_at`. Scope `detection`: the one ALPR detection `detection_id` (not a foreign key, so
    the detections table can be partitioned). Scope `hit`: the hit `hit_id` and its read
    `detection_id`. Scope `plate`: every read of `plate` captured between `from_at` and
    `to_at`. An evidence export's hold is a `video` hold like any other.
    """

    __tablename__ = "evidence_holds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_number: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(String(20))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    detection_id: Mapped[int | None] = mapped_column(BigInteger)
    hit_id: Mapped[int | None] = mapped_column(BigInteger)
    plate: Mapped[str | None] = mapped_column(String(10))
    from_at: Mapped[datetime | None]
    to_at: Mapped[datetime | None]
    placed_by: Mapped[str] = mapped_column(String(10))
    placed_at: Mapped[datetime] = mapped_column(server_default=func.now())
    released_by: Mapped[str | None] = mapped_column(String(10))
    released_at: Mapped[datetime | None]
    release_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_evidence_holds_case_number", "case_number"),
        Index("ix_evidence_holds_detection_id", "detection_id"),
        Index("ix_evidence_holds_plate", "plate"),
    )


class EvidenceExport(Base):
    __tablename__ = "evidence_exports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    from_at: Mapped[datetime]
    to_at: Mapped[datetime]
    case_number: Mapped[str] = mapped_column(String(40))
    report_number: Mapped[str | None] = mapped_column(String(40))
    purpose: Mapped[str] = mapped_column(Text)
    exported_by: Mapped[str] = mapped_column(String(10))
    clip_path: Mapped[str] = mapped_column(String(1000))
    clip_sha256: Mapped[str] = mapped_column(String(64))
    clip_bytes: Mapped[int] = mapped_column(BigInteger)
    manifest_path: Mapped[str] = mapped_column(String(1000))
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    hold_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_holds.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    __table_args__ = (Index("ix_evidence_exports_case_number", "case_number"),)


class WallLayout(Base):
    """A named wall layout a person saved: grid size and the camera code on each tile."""

    __tablename__ = "wall_layouts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("personnel.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    grid: Mapped[int] = mapped_column(Integer)
    tiles: Mapped[str] = mapped_column(Text)  # [code or null, ...] row by row, grid * grid
    # The console's wall's monitor ({name, x, y, width, height}), null: the console's own;
    # the walls on other monitors ([{grid, tiles, monitor}, ...]), null: none (before 0021).
    monitor: Mapped[str | None] = mapped_column(Text)
    more_walls: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())

    __table_args__ = (UniqueConstraint("person_id", "name", name="uq_wall_layouts_person_name"),)
