"""Foundation: roster, hash-chained audit trail, devices.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)

# The database itself refuses to rewrite history; the hash chain detects what
# a superuser does anyway.
PG_AUDIT_GUARD = """
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
"""

SQLITE_AUDIT_GUARD = [
    """CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused'); END""",
]


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("occurred_at", UTC_TIME, nullable=False),
        sa.Column("actor_badge", sa.String(length=10), nullable=True),
        sa.Column("workstation", sa.String(length=80), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=True),
        sa.Column("object_id", sa.String(length=80), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_events")),
    )
    op.create_index("ix_audit_events_action", "audit_events", ["action"])
    op.create_index("ix_audit_events_actor_badge", "audit_events", ["actor_badge"])
    op.create_index("ix_audit_events_object", "audit_events", ["object_type", "object_id"])
    op.create_index("ix_audit_events_occurred_at", "audit_events", ["occurred_at"])

    op.create_table(
        "devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("area", sa.String(length=80), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("vehicle_unit", sa.String(length=20), nullable=True),
        sa.Column("stream_url", sa.String(length=500), nullable=True),
        sa.Column("substream_url", sa.String(length=500), nullable=True),
        sa.Column("in_service", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_TIME, server_default=sa.func.now(), nullable=False),
        sa.Column("last_seen_at", UTC_TIME, nullable=True),
        sa.Column("fps", sa.Float(), nullable=True),
        sa.Column("is_streaming", sa.Boolean(), nullable=True),
        sa.Column("vendor_ref", sa.String(length=80), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devices")),
        sa.UniqueConstraint("code", name=op.f("uq_devices_code")),
        sa.UniqueConstraint("vendor_ref", name=op.f("uq_devices_vendor_ref")),
    )

    op.create_table(
        "personnel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("badge", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("division", sa.String(length=80), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("clets_trained_on", sa.Date(), nullable=True),
        sa.Column("alpr_trained_on", sa.Date(), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", UTC_TIME, nullable=True),
        sa.Column("created_at", UTC_TIME, server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", UTC_TIME, server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personnel")),
        sa.UniqueConstraint("badge", name=op.f("uq_personnel_badge")),
    )
    op.create_table(
        "personnel_roles",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["personnel.id"],
                                name=op.f("fk_personnel_roles_person_id_personnel"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("person_id", "role", name=op.f("pk_personnel_roles")),
    )

    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_AUDIT_GUARD)
    else:
        for statement in SQLITE_AUDIT_GUARD:
            op.execute(statement)


def downgrade() -> None:
    op.drop_table("personnel_roles")
    op.drop_table("personnel")
    op.drop_table("devices")
    op.drop_table("audit_events")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_events_append_only()")
