"""Agency directory, sharing requests and their decisions (C.2 to C.6), special hot list
sharing (I.2.b).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ori", sa.String(length=9), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("agency_type", sa.String(length=10), nullable=False),
        sa.Column("law_enforcement", sa.Boolean(), nullable=False),
        sa.Column("learn_partner", sa.Boolean(), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=10), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agencies")),
        sa.UniqueConstraint("ori", name=op.f("uq_agencies_ori")),
    )
    op.create_table(
        "sharing_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("requester_name", sa.String(length=120), nullable=False),
        sa.Column("requester_contact", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("their_case_number", sa.String(length=40), nullable=False),
        sa.Column("plates", sa.Text(), nullable=True),
        sa.Column("time_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("time_to", sa.DateTime(timezone=True), nullable=True),
        sa.Column("spd_case_number", sa.String(length=40), nullable=True),
        sa.Column("filed_by", sa.String(length=10), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("clause", sa.String(length=10), nullable=False),
        sa.Column("clauses", sa.String(length=80), nullable=False),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("commander_alerted", sa.Boolean(), nullable=False),
        sa.Column("review_status", sa.String(length=10), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.Column("review_requested_by", sa.String(length=10), nullable=True),
        sa.Column("review_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_decided_by", sa.String(length=10), nullable=True),
        sa.Column("review_decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_decision_note", sa.Text(), nullable=True),
        sa.Column("package_path", sa.Text(), nullable=True),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=True),
        sa.Column("read_count", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"],
                                name=op.f("fk_sharing_requests_agency_id_agencies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_requests")),
    )
    op.create_index("ix_sharing_requests_agency_id", "sharing_requests", ["agency_id"])
    op.create_index("ix_sharing_requests_review_status", "sharing_requests",
                    ["review_status"])
    op.create_table(
        "special_share_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(length=10), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.String(length=10), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["entry_id"], ["hot_list_entries.id"],
                                name=op.f("fk_special_share_requests_entry_id_hot_list_entries")),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"],
                                name=op.f("fk_special_share_requests_agency_id_agencies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_special_share_requests")),
    )
    op.create_index("ix_special_share_requests_status", "special_share_requests", ["status"])


def downgrade() -> None:
    op.drop_index("ix_special_share_requests_status", table_name="special_share_requests")
    op.drop_table("special_share_requests")
    op.drop_index("ix_sharing_requests_review_status", table_name="sharing_requests")
    op.drop_index("ix_sharing_requests_agency_id", table_name="sharing_requests")
    op.drop_table("sharing_requests")
    op.drop_table("agencies")
