"""What the agency directory holds about a recipient of ALPR data (C.2 to C.4), and how an
agency CSV file is read."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass
from enum import StrEnum

from rtic_console.domain.plates import US_STATES
from rtic_console.domain.registry_rules import RegistryFileError, decode_csv_text
from rtic_console.domain.search_rules import SearchRuleError, text_of

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# An ORI (Originating Agency Identifier) is nine letters and digits, two letters first.
_ORI = re.compile(r"[A-Z]{2}[A-Z0-9]{7}")
COLUMNS = ("ori", "name", "state", "type", "law_enforcement", "learn_partner", "contact")
REQUIRED_COLUMNS = ("ori", "name", "state", "type")
_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0"})


class AgencyType(StrEnum):
    LOCAL = "local"
    COUNTY = "county"
    STATE = "state"
    FEDERAL = "federal"
    TRIBAL = "tribal"
    PRIVATE = "private"
    OTHER = "other"


# What a type says about law enforcement when the directory is not told: a private entity
# never is (C.4); "other" (a court, a DMV, a university) is not unless stated.
_LAW_ENFORCEMENT_BY_DEFAULT = frozenset({AgencyType.LOCAL, AgencyType.COUNTY, AgencyType.STATE,
                                         AgencyType.FEDERAL, AgencyType.TRIBAL})


class AgencyRuleError(ValueError):
    """An agency the directory cannot hold; the message names the field, `clause` the rule
    a wrong entry would break."""

    def __init__(self, message: str, clause: str | None = None) -> None:
        super().__init__(message)
        self.clause = clause


@dataclass(frozen=True)
class AgencyData:
    ori: str
    name: str
    state: str
    agency_type: AgencyType
    law_enforcement: bool
    learn_partner: bool
    contact: str

    def fields(self) -> dict[str, object]:
        values = asdict(self)
        values["agency_type"] = self.agency_type.value
        return values


@dataclass(frozen=True)
class AgencyRow:
    """One data row: its spreadsheet row number (the header is row 1) and the agency it holds
    or why it was refused."""

    row: int
    agency: AgencyData | None
    problem: str | None = None


def ori_of(raw: object) -> str:
    text = "".join(raw.split()).upper() if isinstance(raw, str) else ""
    if not text:
        raise AgencyRuleError("ORI is missing")
    if not _ORI.fullmatch(text):
        raise AgencyRuleError(f"ORI {text[:20]!r} is not nine letters and digits starting with "
                              "two letters")
    return text


def state_of(raw: object) -> str:
    """The agency's state as given; a missing state is refused, never taken as California."""
    text = raw.strip().upper() if isinstance(raw, str) else ""
    if not text:
        raise AgencyRuleError("state is missing: an agency's state is never assumed (C.4)",
                              "C.4")
    if text not in US_STATES:
        raise AgencyRuleError(f"state {text[:10]!r} is not a US state or territory code")
    return text


def type_of(raw: object) -> AgencyType:
    text = raw.strip().lower() if isinstance(raw, str) else ""
    if not text:
        raise AgencyRuleError("type is missing: " + ", ".join(t.value for t in AgencyType),
                              "C.4")
    try:
        return AgencyType(text)
    except ValueError:
        raise AgencyRuleError(f"type {text[:20]!r} is not one of: "
                              + ", ".join(t.value for t in AgencyType)) from None


def flag_of(raw: object, label: str) -> bool | None:
    """yes/no from a form or a cell; None when not given."""
    if raw is None or isinstance(raw, bool):
        return raw
    text = raw.strip().lower() if isinstance(raw, str) else None
    if text == "":
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise AgencyRuleError(f"{label} must be yes or no")


def _text(raw: object, label: str, *, required: bool, longest: int) -> str:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise AgencyRuleError(f"{label} is missing")
        return ""
    try:
        text = " ".join(text_of(raw, label, 1, longest).split())
    except SearchRuleError as exc:
        raise AgencyRuleError(str(exc)) from None
    if text.startswith("="):
        raise AgencyRuleError(f"{label} starts with '=', a spreadsheet formula")
    return text


def validate_agency(*, ori: object, name: object, state: object, agency_type: object,
                    law_enforcement: object = None, learn_partner: object = None,
                    contact: object = None) -> AgencyData:
    """Every field of a directory entry checked. Law enforcement not stated follows the type;
    a private entity stated to be law enforcement is refused; LEARN partnership not stated
    is no, since only a partner receives data (C.2)."""
    kind = type_of(agency_type)
    enforcement = flag_of(law_enforcement, "law enforcement")
    if enforcement is None:
        enforcement = kind in _LAW_ENFORCEMENT_BY_DEFAULT
    if kind is AgencyType.PRIVATE and enforcement:
        raise AgencyRuleError("a private entity is not a law enforcement agency (C.4)", "C.4")
    return AgencyData(ori=ori_of(ori), name=_text(name, "name", required=True, longest=120),
                      state=state_of(state), agency_type=kind, law_enforcement=enforcement,
                      learn_partner=bool(flag_of(learn_partner, "LEARN partner")),
                      contact=_text(contact, "contact", required=False, longest=200))


def _header(cells: list[str]) -> list[str]:
    names = ["_".join(c.replace("\ufeff", "").split()).lower() for c in cells]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise RegistryFileError(f"the header has no {', '.join(missing)} column; columns "
                                f"are: {', '.join(COLUMNS)}")
    if len(set(names) - {""}) != len([n for n in names if n]):
        raise RegistryFileError("a column appears twice in the header")
    return names


def parse_agency_csv(data: bytes) -> tuple[AgencyRow, ...]:
    """Every data row judged on its own; a file that cannot be read at all is refused
    (RegistryFileError, the message saying why)."""
    if len(data) > MAX_FILE_BYTES:
        raise RegistryFileError(f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    reader = csv.reader(io.StringIO(decode_csv_text(data), newline=""))
    rows: list[AgencyRow] = []
    try:
        first = next(reader, None)
        if first is None:
            raise RegistryFileError("the file is empty")
        names = _header(first)
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(rows) == MAX_ROWS:
                raise RegistryFileError(f"the file has more than {MAX_ROWS} rows")
            rows.append(_row(number, names, cells))
    except csv.Error as exc:
        raise RegistryFileError(f"line {reader.line_num}: {exc}") from None
    if not rows:
        raise RegistryFileError("the file has a header but no rows")
    return tuple(rows)


def _row(number: int, names: list[str], cells: list[str]) -> AgencyRow:
    if len(cells) != len(names):
        return AgencyRow(number, None, f"the row has {len(cells)} cells and the header "
                                       f"{len(names)}")
    values = dict(zip(names, cells, strict=True))
    try:
        return AgencyRow(number, validate_agency(
            ori=values["ori"], name=values["name"], state=values["state"],
            agency_type=values["type"], law_enforcement=values.get("law_enforcement"),
            learn_partner=values.get("learn_partner"), contact=values.get("contact")))
    except AgencyRuleError as exc:
        return AgencyRow(number, None, str(exc))
