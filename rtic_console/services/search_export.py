"""CSV export of a search's results: the searcher's own search only, cells safe from
spreadsheet formulas, and the file appearing whole when its audit event commits."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from rtic_console.domain.recipients import ExportRecipient
from rtic_console.domain.roles import Permission
from rtic_console.domain.search_rules import SearchRuleError
from rtic_console.services.audit_review import safe_cell
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected, Refused, service_action
from rtic_console.services.recipients import checked_recipient
from rtic_console.services.search import MAX_RESULTS, ReadHit, logged_reads
from rtic_console.services.staged_files import publish_on_commit, staged_file
from rtic_console.store.audit_log import append_event
from rtic_console.store.models import SearchRecord

CSV_COLUMNS = ["search_id", "case_number", "detection_id", "captured_at_utc", "plate", "state",
               "device", "place", "latitude", "longitude", "confidence", "vehicle"]


@dataclass(frozen=True)
class ExportReceipt:
    path: Path
    rows: int
    sha256: str
    recipient: str  # as the audit event records it


def render_csv(record: SearchRecord, reads: Sequence[ReadHit]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in reads:
        # Text goes through the guard; numbers stay numbers (a float cannot carry a formula,
        # and "'-121.485" would spoil every longitude west of Greenwich).
        writer.writerow([safe_cell(v) if isinstance(v, str) else v for v in (
            record.id, record.case_number, r.detection_id, r.captured_at.isoformat(), r.plate,
            r.state, r.device, r.place, r.latitude, r.longitude, r.confidence, r.vehicle)])
    return out.getvalue().encode("utf-8")


def _ids_of(detection_ids: object) -> set[int]:
    if isinstance(detection_ids, str | bytes) or not isinstance(detection_ids, Sequence) or \
            not all(isinstance(i, int) and not isinstance(i, bool) for i in detection_ids):
        raise InputRejected("reads: a list of read numbers")
    if not detection_ids:
        raise InputRejected("reads: there is nothing to export")
    if len(detection_ids) > MAX_RESULTS:
        raise InputRejected(f"reads: at most {MAX_RESULTS} in one export")
    return set(detection_ids)


@service_action("search.export")
def export_search_csv(session: Session, ctx: Context, search_id: int,
                      detection_ids: Sequence[int], path: Path | str,
                      recipient: ExportRecipient | None = None) -> ExportReceipt:
    """Write the given results of one's own logged search for its recipient: SPD internal
    use for the search's case, or a granted sharing request covering those reads (C.3); an
    export naming none is refused. The reads are re-checked against the search's logged
    criteria, time and count, so only what that search returned can leave this way. The
    file appears when the caller's transaction commits, not before."""
    authorize(session, ctx, Permission.SEARCH_READS, action="search.export",
              object_type="search", object_id=search_id)
    if isinstance(search_id, bool) or not isinstance(search_id, int):
        raise InputRejected("search: give the search's number")
    ids = _ids_of(detection_ids)
    target = Path(path) if isinstance(path, str | Path) and str(path).strip() else None
    if target is None or not target.parent.is_dir() or target.is_dir():
        raise InputRejected(f"file: {path!s} is not a file in an existing folder")
    record = session.get(SearchRecord, search_id)
    if record is None:
        raise InputRejected(f"search: there is no search #{search_id}")
    if record.person_id != ctx.actor.person_id:
        raise Refused(f"Only the person who ran search #{search_id} may export its results; "
                      "run your own search for your purpose and case (D.1).", clause="D.1",
                      action="search.export", object_type="search", object_id=search_id)
    if len(ids) > record.result_count:
        raise InputRejected(f"reads: search #{search_id} returned {record.result_count}, "
                            f"not {len(ids)}", clause="D.1")
    try:
        reads = logged_reads(session, record, ids)
    except SearchRuleError as exc:
        raise InputRejected(str(exc)) from None
    if len(reads) != len(ids):
        raise InputRejected(f"reads: {len(ids) - len(reads)} of them are not results of "
                            f"search #{search_id}", clause="D.1")
    receiver = checked_recipient(session, recipient, case_number=record.case_number,
                                 action="search.export", object_type="search",
                                 object_id=record.id, read_ids=ids)
    data = render_csv(record, reads)
    digest = hashlib.sha256(data).hexdigest()
    try:
        staged = staged_file(target, data)
    except OSError as exc:
        raise InputRejected(f"file: cannot write {target}: {exc.strerror}") from None
    try:
        append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                     action="search.export", object_type="search", object_id=record.id,
                     reason=f"CSV export · case {record.case_number} · {receiver['recipient']}",
                     details={"search_id": record.id, "rows": len(reads), "sha256": digest,
                              "file": target.name, **receiver})
        session.flush()  # a failing insert surfaces here, while the file is still staged
    except BaseException:
        with contextlib.suppress(OSError):
            staged.unlink()
        raise
    publish_on_commit(session, staged, target, "export")
    return ExportReceipt(target, len(reads), digest, str(receiver["recipient"]))
