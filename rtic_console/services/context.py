"""Who is acting, from which workstation, under which settings; and how a refusal looks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from rtic_console.config import Settings
from rtic_console.domain.personnel import TrainingPolicy
from rtic_console.domain.roles import Role


@dataclass(frozen=True)
class Actor:
    """The signed-in person; re-checked against the roster on every action."""

    person_id: int
    badge: str
    name: str
    roles: frozenset[Role]


@dataclass(frozen=True)
class Context:
    actor: Actor
    settings: Settings

    @property
    def workstation(self) -> str:
        return self.settings.workstation

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().astimezone().date()


def training_policy(settings: Settings) -> TrainingPolicy:
    return TrainingPolicy(settings.clets_valid_days, settings.alpr_valid_days)


class Refused(Exception):
    """The order or the roster forbids this action; the message tells the person why.

    `action` names what was attempted, for the audit event the runner writes; `details`
    (plain JSON values) go into that event beside the clause, for what an auditor needs
    that the message does not hold in fields (counts, a file's digest).
    """

    def __init__(self, message: str, *, action: str, clause: str | None = None,
                 object_type: str | None = None, object_id: str | int | None = None,
                 details: Mapping[str, object] | None = None) -> None:
        super().__init__(message)
        self.action = action
        self.clause = clause
        self.object_type = object_type
        self.object_id = None if object_id is None else str(object_id)
        self.details = dict(details or {})


class InputRejected(ValueError):
    """Input that cannot be stored; nothing was written. The message names the field."""
