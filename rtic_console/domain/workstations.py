"""Workstation names as enrolment records them (G.3.f): what a name may be, and how an
audit event names a console that is not enrolled."""

from __future__ import annotations

import re

NAME_RULE = "1 to 63 letters, digits, '.', '-' or '_', starting with a letter or digit"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}")
NOT_ENROLLED = "not enrolled: "


def clean_workstation_name(text: str) -> str:
    """A host-name-like name; compared without regard to case, as Windows host names are."""
    name = text.strip()
    if not _NAME.fullmatch(name):
        raise ValueError(f"a workstation name is {NAME_RULE}; {name[:70]!r} is not")
    return name


def unenrolled_label(claimed: str) -> str:
    """The workstation column of an audit event written on a machine that is not enrolled:
    it can never be mistaken for an enrolled name, which has no space or colon."""
    return f"{NOT_ENROLLED}{claimed}"[:80]
