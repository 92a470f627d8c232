"""Who is acting, from which workstation, under which settings; and how a refusal looks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

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

    `action` names what was attempted when it differs from the action the service declares
    (`service_action`), for the audit event the runner writes; `clause` names the rule;
    `details` (plain JSON values) go into that event beside the clause, for what an auditor
    needs that the message does not hold in fields (counts, a file's digest).
    """

    def __init__(self, message: str, *, action: str | None = None, clause: str | None = None,
                 object_type: str | None = None, object_id: str | int | None = None,
                 details: Mapping[str, object] | None = None) -> None:
        super().__init__(message)
        self.action = action
        self.clause = clause
        self.object_type = object_type
        self.object_id = None if object_id is None else str(object_id)
        self.details = dict(details or {})


def refusal_text(error: Refused | InputRejected) -> str:
    """The message, with the rule it cites when the message does not name it already: a
    person refused is told under which clause, at the console and at the terminal."""
    text = str(error)
    clause = getattr(error, "clause", None)
    if not clause or f"({clause}" in text or f"{clause})" in text or f" {clause} " in text:
        return text
    return f"{text.rstrip()} (GO 525.08 {clause})"


class InputRejected(ValueError):
    """Input that cannot be stored; nothing was written. The message names the field.

    `clause` names the order's rule the input breaks (a hot plate expiring after 24 hours
    breaks E.2); a plain format error has none. Audited by the runner like a `Refused`.
    """

    def __init__(self, message: str, *, clause: str | None = None) -> None:
        super().__init__(message)
        self.clause = clause


ServiceFn = TypeVar("ServiceFn", bound=Callable[..., Any])
ActionName = str | Callable[..., str]
_ACTION = "service_action"


def service_action(action: ActionName) -> Callable[[ServiceFn], ServiceFn]:
    """Names, once, the action a service function performs, so that the runner audits any
    refusal it raises (`Refused` or `InputRejected`) as `<action>.refused` with its clause.

    For a service whose action depends on its arguments (approve or reject), `action` is a
    callable given the call's arguments after the session and context.
    """

    def declare(fn: ServiceFn) -> ServiceFn:
        setattr(fn, _ACTION, action)
        return fn

    return declare


def declared_action(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> str:
    """The action `fn` declared for these arguments; a service that declares none is a
    defect, refused before it runs so no refusal of it can go unaudited."""
    action: ActionName | None = getattr(fn, _ACTION, None)
    if action is None:
        raise TypeError(f"{getattr(fn, '__qualname__', fn)!r} declares no action: decorate it "
                        "with @service_action so its refusals are audited")
    return action(*args, **kwargs) if callable(action) else action
