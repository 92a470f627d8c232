"""What a damage or inoperable report must hold (B.2) and what a start-of-shift check of a
mobile reader records (D.3.b to D.3.d)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rtic_console.domain.devices import DeviceKind, DeviceRuleError
from rtic_console.domain.text import clean_line

MAX_PROBLEM = 2000
MAX_NOTE = 2000
_REPORT_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9\-]{3,23}")
MIN_CLEAR_NOTE = 8

REMINDER = ("Do not attempt to repair the device (B.2.a). A vehicle's reader goes through the "
            "MDC repair procedure with all details of the malfunction (B.2.b(1)); a damaged "
            "trailer is returned to the police facility by a trained officer (B.2.b(2)); "
            "damage or vandalism is documented in a crime report (B.2.c).")


@dataclass(frozen=True)
class ReportInput:
    problem: str
    vandalism: bool = False
    crime_report: str | None = None
    mdc_request: str | None = None
    trailer_secured: bool = False


@dataclass(frozen=True)
class CleanReport:
    problem: str
    vandalism: bool
    crime_report: str | None
    mdc_request: str | None
    trailer_secured: bool | None


def clean_report(kind: DeviceKind, report: ReportInput) -> CleanReport:
    """The report as stored, or DeviceRuleError naming the clause it breaks."""
    problem = clean_line(report.problem, "what is wrong", MAX_PROBLEM, required=True)
    crime = clean_line(report.crime_report, "crime report number", 24).upper() or None
    if crime is not None and not _REPORT_NUMBER.fullmatch(crime):
        raise DeviceRuleError(f"crime report number {crime!r} is not valid: 4 to 24 letters, "
                              "digits or hyphens")
    if report.vandalism and crime is None:
        raise DeviceRuleError("vandalism is documented in a crime report: give its number "
                              "(B.2.c)", "B.2.c")
    mdc = clean_line(report.mdc_request, "MDC repair request", MAX_NOTE) or None
    if kind is DeviceKind.ALPR_MOBILE and mdc is None:
        raise DeviceRuleError("a vehicle's reader is reported through the MDC repair "
                              "procedure: give the MDC repair request with all details of the "
                              "malfunction or damage (B.2.b(1))", "B.2.b(1)")
    if kind is not DeviceKind.ALPR_MOBILE and mdc is not None:
        raise DeviceRuleError("an MDC repair request is for a reader mounted on a vehicle")
    if kind is DeviceKind.TRAILER and not report.trailer_secured:
        raise DeviceRuleError("a damaged or vandalized trailer is returned to the police "
                              "facility by a trained officer: confirm it was returned to a "
                              "secured location (B.2.b(2))", "B.2.b(2)")
    if kind is not DeviceKind.TRAILER and report.trailer_secured:
        raise DeviceRuleError("only a trailer is returned to a secured location")
    return CleanReport(problem, report.vandalism, crime, mdc,
                       True if kind is DeviceKind.TRAILER else None)


def clean_clear_note(note: str | None) -> str:
    text = clean_line(note, "note", MAX_NOTE, required=True)
    if sum(c.isalnum() for c in text) < MIN_CLEAR_NOTE:
        raise DeviceRuleError("say what was done to put the device back in service (at least "
                              f"{MIN_CLEAR_NOTE} letters or digits)", "B.2")
    return text


@dataclass(frozen=True)
class ShiftCheckInput:
    """D.3.b: readers affixed and undamaged; D.3.c: CDMS started; D.3.d: cameras, LEARN,
    GPS and system lights green."""

    vehicle_unit: str
    cameras_affixed: bool
    cdms_started: bool
    all_green: bool
    note: str = ""
    mdc_request: str | None = None


CHECK_ITEMS = (
    ("cameras_affixed", "readers affixed and undamaged (D.3.b)"),
    ("cdms_started", "CDMS started (D.3.c)"),
    ("all_green", "cameras, LEARN, GPS and system lights green (D.3.d)"),
)


def failed_items(check: ShiftCheckInput) -> list[str]:
    return [title for field, title in CHECK_ITEMS if not getattr(check, field)]
