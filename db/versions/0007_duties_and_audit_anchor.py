"""Separation of duties (who granted and confirmed each role) and signed audit checkpoints.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

PG_CHECKPOINT_GUARD = """
CREATE FUNCTION append_only_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_checkpoints_no_update_delete BEFORE UPDATE OR DELETE
    ON audit_checkpoints FOR EACH ROW EXECUTE FUNCTION append_only_guard();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION append_only_guard();
"""

SQLITE_CHECKPOINT_GUARD = [
    """CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
       BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
       BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only: DELETE refused'); END""",
]


def upgrade() -> None:
    with op.batch_alter_table("personnel_roles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("granted_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("granted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("pending", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column("confirmed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column("basis", sa.String(length=20), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_personnel_roles_granted_by_id_personnel"), "personnel",
            ["granted_by_id"], ["id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_personnel_roles_confirmed_by_id_personnel"), "personnel",
            ["confirmed_by_id"], ["id"])
    # Roles held before grants were recorded stay in effect; the roster says so.
    op.execute("UPDATE personnel_roles SET basis = 'recorded_before'")

    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("head_seq", sa.BigInteger(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("signed_by", sa.String(length=80), nullable=False),
        sa.Column("workstation", sa.String(length=80), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoints")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_CHECKPOINT_GUARD)
    else:
        for statement in SQLITE_CHECKPOINT_GUARD:
            op.execute(statement)


def downgrade() -> None:
    op.drop_table("audit_checkpoints")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION append_only_guard()")
    with op.batch_alter_table("personnel_roles", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_personnel_roles_confirmed_by_id_personnel"),
                                 type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_personnel_roles_granted_by_id_personnel"),
                                 type_="foreignkey")
        for column in ("basis", "confirmed_at", "confirmed_by_id", "pending", "granted_at",
                       "granted_by_id"):
            batch_op.drop_column(column)
