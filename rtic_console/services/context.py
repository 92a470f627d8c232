"""Who is acting, from which workstation, under which settings; and how a refusal looks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from rtic_console.config import Settings
from rtic_console.domain.personnel import TrainingPolicy
from rtic_console.domain.roles import Role
from rtic_console.domain.workstations import unenrolled_label


@dataclass(frozen=True)
class Station:
    """The workstation a console runs on, as proven when the person signed in (G.3.f).

    `name` is the enrolled name when `enrolled`, else the name the machine claims (its
    settings) and `note` says why it is not enrolled. `proof` is the secret's hash the
    machine proved, so a later revocation or re-enrolment can be noticed.
    """

    name: str
    enrolled: bool
    proof: str | None = None
    note: str = ""

    @property
    def audit_name(self) -> str:
        return self.name if self.enrolled else unenrolled_label(self.name)


@dataclass(frozen=True)
class Actor:
    """The signed-in person; re-checked against the roster on every action."""

    person_id: int
    badge: str
    name: str
    roles: frozenset[Role]


@dataclass(frozen=True)
class Context:
    """`station` is None for work done without a sign-in (the demo's set-up): such work is
    recorded as from a workstation that is not enrolled."""

    actor: Actor
    settings: Settings
    station: Station | None = None

    @property
    def workstation(self) -> str:
        """The name every audit event records: enrolled, or marked as not enrolled."""
        return (self.station or Station(self.settings.workstation, False)).audit_name

    @property
    def enrolled_station(self) -> Station | None:
        return self.station if self.station is not None and self.station.enrolled else None

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().astimezone().date()


def training_policy(settings: Settings) -> TrainingPolicy:
    return TrainingPolicy(settings.clets_valid_days, settings.alpr_valid_days)


class Refused(Exception):
    """The order or the roster forbids this action; the message tells the person why.

    `action` names what was attempted, for the audit event the runner writes.
    """

    def __init__(self, message: str, *, action: str, clause: str | None = None,
                 object_type: str | None = None, object_id: str | int | None = None) -> None:
        super().__init__(message)
        self.action = action
        self.clause = clause
        self.object_type = object_type
        self.object_id = None if object_id is None else str(object_id)


class InputRejected(ValueError):
    """Input that cannot be stored; nothing was written. The message names the field."""
