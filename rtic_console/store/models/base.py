"""Declarative base, naming convention and the UTC time column type."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import ClassVar

from sqlalchemy import DateTime, MetaData
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

# Stable constraint names keep Alembic autogenerate and SQLite batch moves predictable.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both engines (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC time is stored")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[type, object]] = {datetime: UTCDateTime()}



# The partitions of detections and detection_images on PostgreSQL (migration 0011): made and
# dropped week by week, never models of their own.
PARTITION_NAME = re.compile(r"^(detections|detection_images)_(held|live|live_default|w\d{8})$")


def schema_filter(dialect_name: str) -> Callable[..., bool]:
    """Alembic `include_object` that honours `.ddl_if(dialect=...)` on model items and
    leaves out the day partitions.

    Alembic's comparison ignores ddl_if, so without this autogenerate and the drift test
    would treat a PostgreSQL-only index as missing on SQLite.
    """
    def include(obj: object, name: str | None, type_: str, reflected: bool,
                _other: object) -> bool:
        if type_ == "table" and reflected and name and PARTITION_NAME.match(name):
            return False
        condition = getattr(obj, "_ddl_if", None)
        return reflected or condition is None or condition.dialect in (None, dialect_name)

    return include
