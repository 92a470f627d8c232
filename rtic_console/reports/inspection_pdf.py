"""The printed report of a quarterly inspection (D.2.b): summary, devices, the search review
with flags and outcomes, referrals, the audit chain's head, and signature lines."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from rtic_console.domain.inspections import FLAG_TITLES, SearchFlag, Verdict
from rtic_console.domain.search_rules import SearchPurpose
from rtic_console.reports.pdf_pages import PdfPages
from rtic_console.services.context import Context
from rtic_console.services.inspection_report import InspectionReport, inspection_report
from rtic_console.services.runner import perform
from rtic_console.services.shift_checks import UncheckedShift
from rtic_console.store.database import Database
from rtic_console.store.private_files import private_file

SHORT_FLAGS = {SearchFlag.NO_CASE_ACTIVITY: "no case activity",
               SearchFlag.REPEATED_PLATE: "repeated plate",
               SearchFlag.OFF_HOURS: "off hours", SearchFlag.LARGE_RESULT: "large result",
               SearchFlag.OTHER_USE: "other use"}


SHORT_PURPOSES = {SearchPurpose.STOLEN_VEHICLE_OR_PLATE.value: "stolen",
                  SearchPurpose.WANTED_OR_MISSING.value: "wanted/missing",
                  SearchPurpose.CRIME_SCENE_CANVASS.value: "canvass",
                  SearchPurpose.OTHER_USE.value: "other use"}
SHORT_VERDICTS = {Verdict.COMPLIANT: "compliant", Verdict.OUT_OF_COMPLIANCE: "NON-COMPLIANT"}


def _short(moment: datetime) -> str:
    """The year is the quarter's: month, day and time in local time."""
    return moment.astimezone().strftime("%m-%d %H:%M")


def _yes_no(value: bool | None) -> str:
    return "–" if value is None else "yes" if value else "NO"  # –: not checked yet


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


def write_inspection_pdf(report: InspectionReport, path: Path) -> int:
    """Writes the report to `path` (0600: it names people and plates); returns its number of
    pages."""
    private_file(path)
    view = report.inspection
    pages = PdfPages(path, f"Quarterly inspection {view.quarter}",
                     f"RTIC Console · General Order 525.08 D.2.b · inspection {view.quarter} · "
                     f"produced {_when(report.generated_at)} by {report.generated_by}")
    pages.title(f"Quarterly inspection {view.quarter}")
    state = (f"Closed {_when(view.closed_at)} by {view.closed_by}." if view.closed
             else "OPEN: this inspection is not closed; its findings may still change.")
    pages.text(f"Quarter {_when(view.starts_at)} to {_when(view.ends_at)} (local time). "
               f"Opened {_when(view.opened_at)} by {view.opened_by}. {state}")
    pages.text(f"Devices: {view.devices}, checked: {view.devices_checked}. "
               f"Searches of the quarter: {view.searches}; reviewed: {view.reviewed}; "
               f"unreviewed: {view.unreviewed}; out of compliance: {view.out_of_compliance}. "
               f"Referrals to division commanders: {view.referrals} "
               f"({view.referrals_open} awaiting an outcome, "
               f"{view.referrals_without_commander} without a commander).",
               bold=True)
    flagged = sum(1 for s in report.searches if s.flags)
    pages.text(f"Flagged for attention: {flagged}. Flags: " + "; ".join(
        f"{SHORT_FLAGS[f]}: {FLAG_TITLES[f]}" for f in SearchFlag) + ".")
    if report.divisions_without_commander:
        pages.text("Divisions without a commander (referrals for their people wait unassigned): "
                   + ", ".join(report.divisions_without_commander) + ".", color="#b91c1c")

    pages.heading("Audit trail")
    if view.audit_head_seq is not None:
        signed = (f" Signed checkpoint #{view.checkpoint_id} covers it." if view.checkpoint_id
                  else " No signed checkpoint was written (no department key on the closing "
                       "workstation).")
        pages.text(f"Head of the audit chain at closing: event #{view.audit_head_seq}, hash "
                   f"{view.audit_head_hash}.{signed} A later truncation or rewrite of the "
                   "trail shows against these values (rtic-console audit verify).")
    else:
        pages.text("The chain's head is recorded when the inspection closes.")

    pages.heading(f"Devices (D.2.b(1)) · {len(report.devices)}, {view.devices_checked} "
                  "checked")
    if report.devices:
        pages.table(["Code", "Name", "Kind", "Place or unit", "State", "Uptime", "Last seen",
                     "Reports", "Version", "Works", "Current", "By", "Note"],
                    [(d.code, d.name, d.kind, d.place, d.state, d.uptime_text,
                      _short(d.last_seen_at) if d.last_seen_at else "never",
                      f"{d.open_reports} open" if d.open_reports else
                      f"{d.closed_reports} cleared" if d.closed_reports else "none",
                      f"{d.version or '?'} → {d.expected_version}" if d.out_of_date
                      else d.version or "unknown",
                      _yes_no(d.functioning), _yes_no(d.up_to_date), d.reviewer or "",
                      d.note or "") for d in report.devices],
                    [1.2, 1.5, 1.1, 1.5, 0.85, 0.8, 1.0, 0.8, 1.2, 0.72, 0.8, 0.62, 1.9],
                    shade=[not (d.functioning and d.up_to_date) for d in report.devices])
    else:
        pages.text("No devices registered.")

    pages.heading(f"Search review (D.2.b(2)) · {len(report.searches)}")
    if report.searches:
        pages.table(["#", "When", "Who", "Division", "Kind", "Purpose", "Case", "Plate",
                     "Reads", "Flags", "Verdict", "By", "Reason"],
                    [(str(s.search_id), _short(s.searched_at), f"{s.badge} {s.name}",
                      s.division, s.kind, SHORT_PURPOSES.get(s.purpose, s.purpose), s.case,
                      s.plate or "",
                      str(s.result_count) + (f" ({s.exports} exp.)" if s.exports else ""),
                      ", ".join(SHORT_FLAGS[f] for f in SearchFlag if f in s.flags),
                      SHORT_VERDICTS[s.verdict] if s.verdict else "UNREVIEWED",
                      s.reviewer or "", s.reason or "") for s in report.searches],
                    [0.45, 1.15, 1.4, 0.95, 0.75, 0.95, 0.8, 0.85, 0.65, 1.9, 1.55, 0.62, 2.0],
                    shade=[s.verdict is None or s.verdict.value != "compliant"
                           for s in report.searches])
    else:
        pages.text("No searches were logged in this quarter.")

    pages.heading(f"Referrals to division commanders (D.2.b(2)(a)) · {len(report.referrals)}")
    if report.referrals:
        for r in report.referrals:
            to = r.commander or f"NO COMMANDER for division {r.division or '(none)'}"
            outcome = (f"Outcome, recorded {_when(r.decided_at)} by {r.decided_by}: {r.outcome}"
                       if r.outcome else "Outcome: awaiting the commander.")
            pages.text(f"Referral #{r.id} · search #{r.search_id} of {_when(r.searched_at)} by "
                       f"{r.searcher_badge} {r.searcher_name} ({r.division}) · case {r.case} · "
                       f"to {to}", bold=True)
            pages.text(f"Finding by {r.reviewer}: {r.finding}")
            pages.text(outcome, color="#000000" if r.outcome else "#b45309")
            pages.space(4)
    else:
        pages.text("No search was found out of compliance.")

    by_unit: dict[str, list[UncheckedShift]] = {}
    for run in report.unchecked_shifts:
        by_unit.setdefault(run.vehicle_unit, []).append(run)
    pages.heading(f"Mobile readers run without a start-of-shift check (D.3) · "
                  f"{len(by_unit)} unit{'' if len(by_unit) == 1 else 's'}")
    if by_unit:
        pages.table(["Unit", "Readers", "Shifts without a check", "First", "Last", "Reads"],
                    [(unit, ", ".join(sorted({c for r in runs for c in r.device_codes})),
                      str(len(runs)), _when(runs[0].first_hour), _when(runs[-1].first_hour),
                      str(sum(r.reads for r in runs))) for unit, runs in sorted(by_unit.items())],
                    [0.8, 2.6, 1.6, 1.7, 1.7, 0.9])
    else:
        pages.text("Every shift a mobile reader ran had its check.")

    pages.heading(f"Sharing log (C.2-C.6, I.2.b) · {len(report.sharing)} requests")
    if report.sharing:
        pages.table(["#", "Filed", "Agency", "Purpose", "Decision", "Clause", "Reads", "By"],
                    [(str(r.id), _short(r.filed_at), f"{r.agency_name} ({r.agency_ori})",
                      r.purpose, r.status, r.clause,
                      "" if r.read_count is None else str(r.read_count), r.filed_by)
                     for r in report.sharing],
                    [0.45, 1.15, 2.4, 3.2, 2.2, 0.7, 0.6, 0.6],
                    shade=[r.released for r in report.sharing])
    else:
        pages.text("No agency asked for ALPR data in this quarter.")

    pages.heading("Signatures")
    pages.signature_lines(["Inspecting ALPR administrator or IT staff (name, badge)",
                           "Reviewer of the searches (name, badge)",
                           "RTIC division commander"])
    return pages.finish()


def produce_inspection_pdf(db: Database, ctx: Context, quarter: str, path: Path) -> tuple[
        InspectionReport, int]:
    """The report workflow the button and the CLI both run: gather it (audited), draw it."""
    report = perform(db, ctx, inspection_report, quarter)
    return report, write_inspection_pdf(report, path)
