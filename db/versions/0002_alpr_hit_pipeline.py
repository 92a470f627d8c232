"""ALPR hit pipeline: hot lists, detections and images, hits and checklist steps, quarantine.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hot_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("last_import_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hot_lists")),
        sa.UniqueConstraint("name", name=op.f("uq_hot_lists_name")),
    )
    op.create_table(
        "quarantine",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "received_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("channel", sa.String(length=80), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raw_size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantine")),
    )
    op.create_table(
        "detections",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source_format", sa.String(length=24), nullable=False),
        sa.Column("source_id", sa.String(length=160), nullable=False),
        sa.Column("plate", sa.String(length=10), nullable=False),
        sa.Column("plate_raw", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "received_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("device_ref", sa.String(length=80), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("direction_deg", sa.Float(), nullable=True),
        sa.Column("candidates", sa.Text(), nullable=False),
        sa.Column("vehicle", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
            name=op.f("fk_detections_device_id_devices"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_detections")),
        sa.UniqueConstraint("source_format", "source_id", name="uq_detections_source"),
    )
    with op.batch_alter_table("detections", schema=None) as batch_op:
        batch_op.create_index("ix_detections_captured_at", ["captured_at"], unique=False)
        batch_op.create_index(
            "ix_detections_device_captured_at", ["device_id", "captured_at"], unique=False
        )
        batch_op.create_index(
            "ix_detections_plate_captured_at", ["plate", "captured_at"], unique=False
        )

    op.create_table(
        "hot_list_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("plate", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=True),
        sa.Column("plate_type", sa.String(length=4), nullable=True),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("source_record", sa.String(length=40), nullable=True),
        sa.Column("ncic_system", sa.String(length=6), nullable=True),
        sa.Column("ncic_record", sa.String(length=40), nullable=True),
        sa.Column("case_number", sa.String(length=40), nullable=True),
        sa.Column("xref", sa.String(length=40), nullable=True),
        sa.Column("narrative", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("entered_by", sa.String(length=10), nullable=True),
        sa.Column(
            "entered_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("effective_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=10), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["hot_lists.id"],
            name=op.f("fk_hot_list_entries_list_id_hot_lists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hot_list_entries")),
    )
    with op.batch_alter_table("hot_list_entries", schema=None) as batch_op:
        batch_op.create_index("ix_hot_list_entries_list_id", ["list_id"], unique=False)
        batch_op.create_index("ix_hot_list_entries_plate", ["plate"], unique=False)
        batch_op.create_index("ix_hot_list_entries_status", ["status"], unique=False)

    op.create_table(
        "hot_list_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("file_format", sa.String(length=16), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_by", sa.String(length=10), nullable=True),
        sa.Column(
            "imported_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("applied", sa.Boolean(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("bad_rows", sa.Integer(), nullable=False),
        sa.Column("skipped_placeholders", sa.Integer(), nullable=False),
        sa.Column("merged_duplicates", sa.Integer(), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["hot_lists.id"],
            name=op.f("fk_hot_list_imports_list_id_hot_lists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hot_list_imports")),
    )
    op.create_table(
        "detection_images",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "detection_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("jpeg", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["detection_id"],
            ["detections.id"],
            name=op.f("fk_detection_images_detection_id_detections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_detection_images")),
        sa.UniqueConstraint("detection_id", "kind", name="uq_detection_images_detection_kind"),
    )
    op.create_table(
        "hits",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "detection_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("read_plate", sa.String(length=10), nullable=False),
        sa.Column("listed_plate", sa.String(length=10), nullable=False),
        sa.Column("listed_state", sa.String(length=2), nullable=True),
        sa.Column("candidate_index", sa.Integer(), nullable=True),
        sa.Column("substitutions", sa.Integer(), nullable=False),
        sa.Column("state_mismatch", sa.Boolean(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("informational", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("claimed_by", sa.String(length=10), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=10), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("close_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["detection_id"],
            ["detections.id"],
            name=op.f("fk_hits_detection_id_detections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["hot_list_entries.id"],
            name=op.f("fk_hits_entry_id_hot_list_entries"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["hot_lists.id"],
            name=op.f("fk_hits_list_id_hot_lists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hits")),
        sa.UniqueConstraint("detection_id", "entry_id", name="uq_hits_detection_entry"),
    )
    with op.batch_alter_table("hits", schema=None) as batch_op:
        batch_op.create_index("ix_hits_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_hits_status", ["status"], unique=False)

    op.create_table(
        "hit_steps",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("hit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("attachment_name", sa.String(length=200), nullable=True),
        sa.Column("attachment", sa.LargeBinary(), nullable=True),
        sa.Column("done_by", sa.String(length=10), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["hit_id"], ["hits.id"], name=op.f("fk_hit_steps_hit_id_hits"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hit_steps")),
        sa.UniqueConstraint("hit_id", "step", name="uq_hit_steps_hit_step"),
    )


def downgrade() -> None:
    op.drop_table("hit_steps")
    with op.batch_alter_table("hits", schema=None) as batch_op:
        batch_op.drop_index("ix_hits_status")
        batch_op.drop_index("ix_hits_created_at")

    op.drop_table("hits")
    op.drop_table("detection_images")
    op.drop_table("hot_list_imports")
    with op.batch_alter_table("hot_list_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_hot_list_entries_status")
        batch_op.drop_index("ix_hot_list_entries_plate")
        batch_op.drop_index("ix_hot_list_entries_list_id")

    op.drop_table("hot_list_entries")
    with op.batch_alter_table("detections", schema=None) as batch_op:
        batch_op.drop_index("ix_detections_plate_captured_at")
        batch_op.drop_index("ix_detections_device_captured_at")
        batch_op.drop_index("ix_detections_captured_at")

    op.drop_table("detections")
    op.drop_table("quarantine")
    op.drop_table("hot_lists")
