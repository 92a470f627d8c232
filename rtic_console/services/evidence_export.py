"""Exporting a clip for the evidence repository (F.4): one workflow for the screen and CLI."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from rtic_console.domain.recipients import ExportRecipient
from rtic_console.services import recordings
from rtic_console.services.clip_export import ExportPlan
from rtic_console.services.context import Context
from rtic_console.services.recordings import ExportResult, describe_plan
from rtic_console.services.runner import attempt, perform, query
from rtic_console.store.database import Database

Progress = Callable[[str], None]


def export_evidence(db: Database, ctx: Context, camera: int | str, start: datetime,
                    end: datetime, case_number: str, report_number: str | None, purpose: str,
                    out_dir: str | Path, progress: Progress | None = None,
                    recipient: ExportRecipient | None = None,
                    allow_gaps: bool = False) -> ExportResult:
    """Check (the recipient among the rest: SPD internal use for the case, or a granted
    sharing request, C.3), write, book: each step in a transaction of its own (or none,
    while the clip encodes, so no lock is held for seconds), each refusal audited. Run it
    off the GUI thread; `progress` hears each step as it starts. Files once written are
    always booked, whoever asked is still waiting or not.

    A range the recordings do not wholly cover stops before anything is written
    (`ExportHasGaps`, carrying the plan to show) unless `allow_gaps` says the person saw
    the gaps and chose to go on."""
    tell = progress or (lambda _step: None)
    tell("1 of 3 · Checking the request and finding the recorded segments…")
    plan = query(db, ctx, recordings.plan_export, camera, start, end, case_number,
                 report_number, purpose, recipient)
    if plan.gaps and not allow_gaps:
        raise ExportHasGaps(plan)
    n = len(plan.segments)
    tell(f"2 of 3 · Verifying {n} segment{'s' if n != 1 else ''} against their recorded "
         "hashes and writing the clip…")
    files = attempt(db, ctx, recordings.write_export, plan, out_dir)
    tell("3 of 3 · Booking the export and holding the source video for the case…")
    try:
        return perform(db, ctx, recordings.record_export, plan, files)
    except Exception as exc:
        raise ExportNotBooked(f"the clip was written to {files.clip.path} but is not booked: "
                              f"{exc}") from exc


class ExportNotBooked(RuntimeError):
    """Files were written, their booking failed: the message names the files to recover."""


class ExportHasGaps(Exception):
    """The range has stretches with no recording: shown to the person, who chooses to go on
    (`allow_gaps=True`) or not. Nothing was written."""

    def __init__(self, plan: ExportPlan) -> None:
        super().__init__("\n".join(describe_plan(plan)))
        self.plan = plan
