"""Typed SQLAlchemy models; importing this package registers every table on Base.metadata."""

from rtic_console.store.models.audit import AuditEvent
from rtic_console.store.models.base import Base
from rtic_console.store.models.devices import Device
from rtic_console.store.models.personnel import Person, PersonRole

__all__ = ["AuditEvent", "Base", "Device", "Person", "PersonRole"]
