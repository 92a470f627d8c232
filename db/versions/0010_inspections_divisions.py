"""Divisions and their commanders, quarterly inspections with the device check, the search
review and its referrals, camera viewing requests decided by a division commander (F.2.e).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "divisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("name_key", sa.String(length=80), nullable=False),
        sa.Column("commander_id", sa.Integer(), nullable=True),
        sa.Column("updated_by", sa.String(length=10), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["commander_id"], ["personnel.id"],
                                name=op.f("fk_divisions_commander_id_personnel")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_divisions")),
        sa.UniqueConstraint("name_key", name=op.f("uq_divisions_name_key")),
    )
    op.create_table(
        "inspections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(length=6), nullable=False),
        sa.Column("starts_at", TS, nullable=False),
        sa.Column("ends_at", TS, nullable=False),
        sa.Column("opened_by", sa.String(length=10), nullable=False),
        sa.Column("opened_at", TS, nullable=False),
        sa.Column("closed_by", sa.String(length=10), nullable=True),
        sa.Column("closed_at", TS, nullable=True),
        sa.Column("audit_head_seq", sa.Integer(), nullable=True),
        sa.Column("audit_head_hash", sa.String(length=64), nullable=True),
        sa.Column("checkpoint_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["checkpoint_id"], ["audit_checkpoints.id"],
                                name=op.f("fk_inspections_checkpoint_id_audit_checkpoints")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspections")),
        sa.UniqueConstraint("quarter", name=op.f("uq_inspections_quarter")),
    )
    op.create_table(
        "inspection_search_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("search_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("flags", sa.String(length=200), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_badge", sa.String(length=10), nullable=False),
        sa.Column("reviewed_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspections.id"],
                                name=op.f("fk_inspection_search_reviews_inspection_id_inspections")),
        sa.ForeignKeyConstraint(["search_id"], ["searches.id"],
                                name=op.f("fk_inspection_search_reviews_search_id_searches")),
        sa.ForeignKeyConstraint(["reviewer_id"], ["personnel.id"],
                                name=op.f("fk_inspection_search_reviews_reviewer_id_personnel")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_search_reviews")),
        sa.UniqueConstraint("inspection_id", "search_id",
                            name=op.f("uq_inspection_search_reviews_inspection_id")),
    )
    op.create_table(
        "inspection_device_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("functioning", sa.Boolean(), nullable=False),
        sa.Column("up_to_date", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_badge", sa.String(length=10), nullable=False),
        sa.Column("reviewed_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspections.id"],
                                name=op.f("fk_inspection_device_reviews_inspection_id_inspections")),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f("fk_inspection_device_reviews_device_id_devices")),
        sa.ForeignKeyConstraint(["reviewer_id"], ["personnel.id"],
                                name=op.f("fk_inspection_device_reviews_reviewer_id_personnel")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_device_reviews")),
        sa.UniqueConstraint("inspection_id", "device_id",
                            name=op.f("uq_inspection_device_reviews_inspection_id")),
    )
    op.create_table(
        "inspection_referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("searcher_id", sa.Integer(), nullable=False),
        sa.Column("division", sa.String(length=80), nullable=False),
        sa.Column("commander_id", sa.Integer(), nullable=True),
        sa.Column("referred_at", TS, nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=10), nullable=True),
        sa.Column("decided_at", TS, nullable=True),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspections.id"],
                                name=op.f("fk_inspection_referrals_inspection_id_inspections")),
        sa.ForeignKeyConstraint(["review_id"], ["inspection_search_reviews.id"],
                                name=op.f("fk_inspection_referrals_review_id_inspection_search_reviews")),
        sa.ForeignKeyConstraint(["searcher_id"], ["personnel.id"],
                                name=op.f("fk_inspection_referrals_searcher_id_personnel")),
        sa.ForeignKeyConstraint(["commander_id"], ["personnel.id"],
                                name=op.f("fk_inspection_referrals_commander_id_personnel")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_referrals")),
        sa.UniqueConstraint("review_id", name=op.f("uq_inspection_referrals_review_id")),
    )
    op.create_index("ix_inspection_referrals_inspection_id", "inspection_referrals",
                    ["inspection_id"])
    op.create_table(
        "viewing_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("requester_badge", sa.String(length=10), nullable=False),
        sa.Column("requested_at", TS, nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.String(length=10), nullable=True),
        sa.Column("decided_at", TS, nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("approved_from", TS, nullable=True),
        sa.Column("approved_until", TS, nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["personnel.id"],
                                name=op.f("fk_viewing_requests_person_id_personnel")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_viewing_requests")),
    )
    op.create_index("ix_viewing_requests_status", "viewing_requests", ["status"])


def downgrade() -> None:
    op.drop_index("ix_viewing_requests_status", table_name="viewing_requests")
    op.drop_table("viewing_requests")
    op.drop_index("ix_inspection_referrals_inspection_id", table_name="inspection_referrals")
    op.drop_table("inspection_referrals")
    op.drop_table("inspection_device_reviews")
    op.drop_table("inspection_search_reviews")
    op.drop_table("inspections")
    op.drop_table("divisions")
