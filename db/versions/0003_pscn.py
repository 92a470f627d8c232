"""PSCN: donor agreements and their cameras, recording settings and segments, evidence holds
and exports, saved wall layouts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "donor_agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("donor_name", sa.String(length=120), nullable=False),
        sa.Column("donor_contact", sa.String(length=200), nullable=False),
        sa.Column("purpose_and_manner", sa.Text(), nullable=False),
        sa.Column("allowed_hours", sa.Text(), nullable=False),
        sa.Column("mask_polygons", sa.Text(), nullable=False),
        sa.Column("real_time_only", sa.Boolean(), nullable=False),
        sa.Column("allowed_workstations", sa.Text(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("effective_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retrieval_process", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=10), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("updated_by", sa.String(length=10), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_donor_agreements")),
        sa.UniqueConstraint("reference", name=op.f("uq_donor_agreements_reference")),
    )
    op.create_table(
        "camera_settings",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("recording_enabled", sa.Boolean(), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
            name=op.f("fk_camera_settings_device_id_devices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_camera_settings")),
    )
    op.create_table(
        "donor_agreement_cameras",
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["donor_agreements.id"],
            name=op.f("fk_donor_agreement_cameras_agreement_id_donor_agreements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
            name=op.f("fk_donor_agreement_cameras_device_id_devices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "agreement_id", "device_id", name=op.f("pk_donor_agreement_cameras")
        ),
    )
    with op.batch_alter_table("donor_agreement_cameras", schema=None) as batch_op:
        batch_op.create_index("ix_donor_agreement_cameras_device_id", ["device_id"], unique=False)

    op.create_table(
        "evidence_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("detection_id", sa.BigInteger(), nullable=True),
        sa.Column("from_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("to_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("placed_by", sa.String(length=10), nullable=False),
        sa.Column(
            "placed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("released_by", sa.String(length=10), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("release_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_evidence_holds_device_id_devices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_holds")),
    )
    with op.batch_alter_table("evidence_holds", schema=None) as batch_op:
        batch_op.create_index("ix_evidence_holds_case_number", ["case_number"], unique=False)
        batch_op.create_index("ix_evidence_holds_detection_id", ["detection_id"], unique=False)

    op.create_table(
        "recording_segments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("frames", sa.Integer(), nullable=False),
        sa.Column("fps", sa.Float(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column(
            "indexed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_recording_segments_device_id_devices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recording_segments")),
        sa.UniqueConstraint("path", name=op.f("uq_recording_segments_path")),
    )
    with op.batch_alter_table("recording_segments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_recording_segments_device_started", ["device_id", "started_at"], unique=False
        )
        batch_op.create_index("ix_recording_segments_ended_at", ["ended_at"], unique=False)

    op.create_table(
        "wall_layouts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("grid", sa.Integer(), nullable=False),
        sa.Column("tiles", sa.Text(), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["personnel.id"],
            name=op.f("fk_wall_layouts_person_id_personnel"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wall_layouts")),
        sa.UniqueConstraint("person_id", "name", name="uq_wall_layouts_person_name"),
    )
    op.create_table(
        "evidence_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("from_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("to_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("report_number", sa.String(length=40), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("exported_by", sa.String(length=10), nullable=False),
        sa.Column("clip_path", sa.String(length=1000), nullable=False),
        sa.Column("clip_sha256", sa.String(length=64), nullable=False),
        sa.Column("clip_bytes", sa.BigInteger(), nullable=False),
        sa.Column("manifest_path", sa.String(length=1000), nullable=False),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=False),
        sa.Column("hold_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_evidence_exports_device_id_devices")
        ),
        sa.ForeignKeyConstraint(
            ["hold_id"],
            ["evidence_holds.id"],
            name=op.f("fk_evidence_exports_hold_id_evidence_holds"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_exports")),
    )
    with op.batch_alter_table("evidence_exports", schema=None) as batch_op:
        batch_op.create_index("ix_evidence_exports_case_number", ["case_number"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("evidence_exports", schema=None) as batch_op:
        batch_op.drop_index("ix_evidence_exports_case_number")

    op.drop_table("evidence_exports")
    op.drop_table("wall_layouts")
    with op.batch_alter_table("recording_segments", schema=None) as batch_op:
        batch_op.drop_index("ix_recording_segments_ended_at")
        batch_op.drop_index("ix_recording_segments_device_started")

    op.drop_table("recording_segments")
    with op.batch_alter_table("evidence_holds", schema=None) as batch_op:
        batch_op.drop_index("ix_evidence_holds_detection_id")
        batch_op.drop_index("ix_evidence_holds_case_number")

    op.drop_table("evidence_holds")
    with op.batch_alter_table("donor_agreement_cameras", schema=None) as batch_op:
        batch_op.drop_index("ix_donor_agreement_cameras_device_id")

    op.drop_table("donor_agreement_cameras")
    op.drop_table("camera_settings")
    op.drop_table("donor_agreements")
