"""Roster input rules and the sign-in eligibility test of A.3 and D.3.a."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rtic_console.domain.roles import Role, parse_role

BADGE_PATTERN = re.compile(r"[0-9A-Z]{3,10}")
MAX_NAME_LENGTH = 120
MAX_DIVISION_LENGTH = 80
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256


class RosterInputError(ValueError):
    """Input a roster record cannot hold; the message names the field."""


@dataclass(frozen=True)
class TrainingPolicy:
    """How long a completed course counts; CLETS operators recertify every two years."""

    clets_valid_days: int = 730
    alpr_valid_days: int = 730


def clean_badge(raw: object) -> str:
    if not isinstance(raw, str):
        raise RosterInputError("badge number must be text")
    badge = raw.strip().upper()
    if not BADGE_PATTERN.fullmatch(badge):
        raise RosterInputError(
            f"badge number {raw!r} is not valid: 3 to 10 letters or digits, nothing else"
        )
    return badge


def _clean_text(raw: object, field: str, limit: int, *, required: bool) -> str:
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise RosterInputError(f"{field} must be text")
    text = " ".join(raw.split())
    if required and not text:
        raise RosterInputError(f"{field} is empty")
    if len(text) > limit:
        raise RosterInputError(f"{field} is {len(text)} characters long; at most {limit}")
    if any(ord(c) < 32 for c in raw if c not in "\t\n"):
        raise RosterInputError(f"{field} contains control characters")
    return text


def clean_name(raw: object) -> str:
    return _clean_text(raw, "name", MAX_NAME_LENGTH, required=True)


def clean_division(raw: object) -> str:
    return _clean_text(raw, "division", MAX_DIVISION_LENGTH, required=False)


def division_key(name: str) -> str:
    """How a person's division text finds its division: case and spacing do not matter."""
    return " ".join(name.split()).casefold()


def clean_roles(raw: list[str] | tuple[str, ...] | frozenset[Role]) -> frozenset[Role]:
    if not raw:
        raise RosterInputError("at least one role is required")
    try:
        return frozenset(r if isinstance(r, Role) else parse_role(r) for r in raw)
    except ValueError as exc:
        raise RosterInputError(str(exc)) from None


def clean_training_date(raw: date | str | None, field: str, today: date) -> date | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        try:
            raw = date.fromisoformat(raw.strip())
        except ValueError:
            raise RosterInputError(f"{field} {raw!r} is not a date (YYYY-MM-DD)") from None
    if isinstance(raw, datetime) or not isinstance(raw, date):
        raise RosterInputError(f"{field} must be a date")
    if raw > today:
        raise RosterInputError(f"{field} {raw.isoformat()} is in the future")
    if raw.year < 1950:
        raise RosterInputError(f"{field} {raw.isoformat()} is not plausible")
    return raw


def check_password_strength(password: object) -> str:
    if not isinstance(password, str):
        raise RosterInputError("password must be text")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RosterInputError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise RosterInputError(f"password must be at most {MAX_PASSWORD_LENGTH} characters")
    return password


def training_gaps(
    clets_trained: date | None,
    alpr_trained: date | None,
    today: date,
    policy: TrainingPolicy,
) -> list[str]:
    """What keeps a person from being authorized personnel (A.3); empty when nothing does."""
    gaps: list[str] = []
    for label, trained, valid_days in (
        ("CLETS (less-than-full-operator) training", clets_trained, policy.clets_valid_days),
        ("ALPR training", alpr_trained, policy.alpr_valid_days),
    ):
        if trained is None:
            gaps.append(f"{label} is not recorded")
        elif trained + timedelta(days=valid_days) < today:
            lapsed = trained + timedelta(days=valid_days)
            gaps.append(f"{label} lapsed on {lapsed.isoformat()} (completed {trained.isoformat()})")
    return gaps


ROLE_ORDER = list(Role)


def sorted_roles(roles: frozenset[Role] | set[Role]) -> list[Role]:
    return sorted(roles, key=ROLE_ORDER.index)
