"""Voluntary camera registry, "other use" search requests, shape-search fields.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_name", sa.String(length=120), nullable=False),
        sa.Column("contact", sa.String(length=120), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("equipment_type", sa.String(length=80), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=10), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_entries")),
    )
    with op.batch_alter_table("registry_entries", schema=None) as batch_op:
        batch_op.create_index("ix_registry_entries_latitude_longitude",
                              ["latitude", "longitude"], unique=False)

    op.create_table(
        "search_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("requester_badge", sa.String(length=10), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("use_description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.String(length=10), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["personnel.id"],
                                name=op.f("fk_search_requests_person_id_personnel")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_requests")),
    )
    with op.batch_alter_table("search_requests", schema=None) as batch_op:
        batch_op.create_index("ix_search_requests_status", ["status"], unique=False)

    with op.batch_alter_table("searches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("request_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("incident_number", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("subject_description", sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_searches_request_id_search_requests"),
                                    "search_requests", ["request_id"], ["id"])

    with op.batch_alter_table("detections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("vehicle_color", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("vehicle_make", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("vehicle_body", sa.String(length=40), nullable=True))

    if op.get_bind().dialect.name == "postgresql":
        # pg_trgm is a trusted extension: the database owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index("ix_detections_plate_trgm", "detections", ["plate"],
                        postgresql_using="gin", postgresql_ops={"plate": "gin_trgm_ops"})


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_detections_plate_trgm", table_name="detections")
    with op.batch_alter_table("detections", schema=None) as batch_op:
        batch_op.drop_column("vehicle_body")
        batch_op.drop_column("vehicle_make")
        batch_op.drop_column("vehicle_color")

    with op.batch_alter_table("searches", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_searches_request_id_search_requests"),
                                 type_="foreignkey")
        batch_op.drop_column("subject_description")
        batch_op.drop_column("incident_number")
        batch_op.drop_column("request_id")

    with op.batch_alter_table("search_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_search_requests_status")
    op.drop_table("search_requests")

    with op.batch_alter_table("registry_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_entries_latitude_longitude")
    op.drop_table("registry_entries")
