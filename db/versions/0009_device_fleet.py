"""The device fleet: versions and service state of every device, hourly health, damage
reports (B.2), start-of-shift checks (D.3), alerts; hits flagged from out-of-service readers
and their stolen vehicle recovery call (D.3.e).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    # Columns only added: SQLite alters in place (a batch copy of `devices` would run the
    # cascades of the tables that point at it).
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("service_state", sa.String(length=20),
                                      server_default="in_service", nullable=False))
        batch_op.add_column(sa.Column("vendor", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("model", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("version", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("expected_version", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("installed_on", sa.Date(), nullable=True))
    op.execute("UPDATE devices SET service_state = 'out_of_service' WHERE NOT in_service")
    # SQLite 3.35+ drops a plain column in place; outside a batch, so nothing is copied.
    op.drop_column("devices", "in_service")

    with op.batch_alter_table("hits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device_out_of_service", sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("recovery_cfs", sa.String(length=24), nullable=True))

    op.create_table(
        "device_health_hourly",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("hour", UTC_TIME, nullable=False),
        sa.Column("heartbeats", sa.Integer(), nullable=False),
        sa.Column("reads", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f("fk_device_health_hourly_device_id_devices"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("device_id", "hour", name=op.f("pk_device_health_hourly")),
    )
    op.create_index("ix_device_health_hourly_hour", "device_health_hourly", ["hour"])
    op.create_table(
        "shift_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vehicle_unit", sa.String(length=20), nullable=False),
        sa.Column("checked_at", UTC_TIME, nullable=False),
        sa.Column("officer_badge", sa.String(length=10), nullable=False),
        sa.Column("cameras_affixed", sa.Boolean(), nullable=False),
        sa.Column("cdms_started", sa.Boolean(), nullable=False),
        sa.Column("all_green", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_checks")),
    )
    op.create_index("ix_shift_checks_unit_checked_at", "shift_checks",
                    ["vehicle_unit", "checked_at"])
    op.create_table(
        "device_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("reported_by_badge", sa.String(length=10), nullable=False),
        sa.Column("reported_at", UTC_TIME, nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("vandalism", sa.Boolean(), nullable=False),
        sa.Column("crime_report", sa.String(length=24), nullable=True),
        sa.Column("mdc_request", sa.Text(), nullable=True),
        sa.Column("trailer_secured", sa.Boolean(), nullable=True),
        sa.Column("shift_check_id", sa.Integer(), nullable=True),
        sa.Column("cleared_by_badge", sa.String(length=10), nullable=True),
        sa.Column("cleared_at", UTC_TIME, nullable=True),
        sa.Column("clear_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f("fk_device_reports_device_id_devices"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["shift_check_id"], ["shift_checks.id"],
                                name=op.f("fk_device_reports_shift_check_id_shift_checks"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_reports")),
    )
    op.create_index("ix_device_reports_device_id", "device_reports", ["device_id"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("subject_type", sa.String(length=40), nullable=True),
        sa.Column("subject_id", sa.String(length=80), nullable=True),
        sa.Column("for_role", sa.String(length=30), nullable=False),
        sa.Column("raised_by_badge", sa.String(length=10), nullable=True),
        sa.Column("raised_at", UTC_TIME, nullable=False),
        sa.Column("acknowledged_by_badge", sa.String(length=10), nullable=True),
        sa.Column("acknowledged_at", UTC_TIME, nullable=True),
        sa.Column("ack_note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    op.create_index("ix_alerts_open", "alerts", ["for_role", "acknowledged_at"])


def downgrade() -> None:
    op.drop_table("alerts")
    op.drop_table("device_reports")
    op.drop_table("shift_checks")
    op.drop_table("device_health_hourly")
    with op.batch_alter_table("hits", schema=None) as batch_op:
        batch_op.drop_column("recovery_cfs")
        batch_op.drop_column("device_out_of_service")
    op.add_column("devices", sa.Column("in_service", sa.Boolean(), server_default=sa.true(),
                                       nullable=False))
    op.execute("UPDATE devices SET in_service = (service_state = 'in_service')")
    for column in ("installed_on", "expected_version", "version", "model", "vendor",
                   "service_state"):
        op.drop_column("devices", column)
