"""Sharing ALPR data with another agency (C.2 to C.6): a request is decided by the one rule,
a grant releases a package of exactly the data asked for, a refusal writes no file and may
go to legal review, which a division commander decides."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from rtic_console.domain.audit_chain import AuditRecord
from rtic_console.domain.roles import Permission, Role
from rtic_console.domain.sharing_asks import (
    SharingAskError,
    case_of,
    plates_of,
    purpose_text,
    range_of,
    text_field,
)
from rtic_console.domain.sharing_rules import Recipient, decide_sharing
from rtic_console.services.agencies import agency_by_ori
from rtic_console.services.alerts import raise_alert
from rtic_console.services.audit_review import safe_cell
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected, Refused, service_action
from rtic_console.services.duties import requester_id_of, require_separate
from rtic_console.services.search import ReadHit, case_reads, plate_reads
from rtic_console.services.staged_files import publish_on_commit, staged_folder
from rtic_console.store.audit_log import AuditFilter, append_event, list_events
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import Agency, SharingRequest
from rtic_console.store.private_files import private_folder

REQUEST = "sharing.request"
REVIEW = "sharing.review"
PERMIT, DENY = "sharing.review.permit", "sharing.review.deny"
MIN_NOTE, MAX_NOTE = 10, 2000
CSV_COLUMNS = ["request_id", "detection_id", "captured_at_utc", "plate", "state", "device",
               "place", "latitude", "longitude", "confidence", "vehicle"]


@dataclass(frozen=True)
class SharingInput:
    """A request as the requesting agency made it, typed by the person who took it. The
    requester, their contact (else the directory's) and their case number are recorded when
    given; the rule does not depend on them."""

    agency_ori: object
    requester_name: object
    requester_contact: object
    purpose: object
    their_case_number: object
    plates: Sequence[object] | str | None = None
    time_from: datetime | None = None
    time_to: datetime | None = None
    spd_case_number: object = None


@dataclass(frozen=True)
class SharingView:
    id: int
    agency_ori: str
    agency_name: str
    requester_name: str
    requester_contact: str
    purpose: str
    their_case_number: str
    plates: tuple[str, ...]
    time_from: datetime | None
    time_to: datetime | None
    spd_case_number: str | None
    filed_by: str
    filed_at: datetime
    decision: str
    clause: str
    clauses: tuple[str, ...]
    decision_reason: str
    decided_at: datetime
    commander_alerted: bool
    review_status: str | None
    review_note: str | None
    review_decided_by: str | None
    review_decision_note: str | None
    package_path: str | None
    manifest_sha256: str | None
    read_count: int | None

    @property
    def released(self) -> bool:
        """Data left SPD for this request: granted by the rule or permitted on review."""
        return self.decision == "granted" or self.review_status == "permitted"

    @property
    def status(self) -> str:
        if self.decision == "granted":
            return "granted"
        return {None: "refused", "pending": "refused · legal review pending",
                "permitted": "refused · permitted on legal review",
                "denied": "refused · upheld on legal review"}[self.review_status]


@dataclass(frozen=True)
class _Asked:
    plates: tuple[str, ...]
    start: datetime | None
    end: datetime | None
    spd_case: str | None


def sharing_view(row: SharingRequest, agency: Agency) -> SharingView:
    return SharingView(
        row.id, agency.ori, agency.name, row.requester_name, row.requester_contact,
        row.purpose, row.their_case_number, tuple(json.loads(row.plates or "[]")),
        row.time_from, row.time_to, row.spd_case_number, row.filed_by, row.filed_at,
        row.decision, row.clause, tuple(c for c in row.clauses.split(",") if c),
        row.decision_reason, row.decided_at, row.commander_alerted, row.review_status,
        row.review_note, row.review_decided_by, row.review_decision_note, row.package_path,
        row.manifest_sha256, row.read_count)


def _asked(item: SharingInput, now: datetime) -> _Asked:
    by_plate = item.plates not in (None, "", ()) or item.time_from or item.time_to
    by_case = item.spd_case_number not in (None, "")
    if by_plate == by_case:
        raise SharingAskError("data asked: exact plates with a time range, or the reads of "
                              "an SPD case, one of the two")
    if by_case:
        return _Asked((), None, None, case_of(item.spd_case_number, "SPD case number"))
    start, end = range_of(item.time_from, item.time_to, now)
    return _Asked(plates_of(item.plates), start, end, None)


def _reads(session: Session, asked: _Asked) -> list[ReadHit]:
    """Exactly the reads asked for: the plates over their range, or an SPD case's."""
    if asked.spd_case is not None:
        reads = case_reads(session, asked.spd_case)
        if reads is None:
            raise InputRejected(f"SPD case {asked.spd_case} has no logged search of a plate: "
                                "there are no reads of that case to share")
        return reads
    if asked.start is None or asked.end is None:
        raise InputRejected("time range: a request for plates gives both ends")
    return plate_reads(session, asked.plates, asked.start, asked.end)


def _out_folder(out_dir: str | Path | None) -> Path:
    if out_dir is None or not str(out_dir).strip():
        raise InputRejected("folder: a granted request needs a folder for its package")
    try:
        return private_folder(Path(out_dir))
    except OSError as exc:
        raise InputRejected(f"folder: cannot use {out_dir}: {exc.strerror}") from None


def _agency(session: Session, ori: object) -> Agency:
    agency = agency_by_ori(session, ori)
    if agency is None:
        shown = str(ori).strip()[:12] if isinstance(ori, str) else "(none)"
        raise Refused(f"Agency {shown} is not in the agency directory: SPD shares ALPR data "
                      "only with agencies it knows to be LEARN partners (C.2).",
                      action=REQUEST, clause="C.2", object_type="agency", object_id=shown)
    return agency


def _audit(session: Session, ctx: Context, action: str, row: SharingRequest, reason: str,
           details: dict[str, object]) -> None:
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=action, object_type="sharing_request", object_id=row.id,
                 reason=reason, details=details)


@service_action(REQUEST)
def file_request(session: Session, ctx: Context, item: SharingInput,
                 out_dir: str | Path | None = None) -> SharingView:
    """Record the request and the rule's decision (C.2 to C.6). Granted: the package of
    exactly the data asked for appears in `out_dir` when this commits. Refused: no file, and
    the decision names its clause; a non-partner's request is flagged for the division
    commander (C.2.a). Bad input (unknown agency, wildcard plates, a range reversed or
    beyond retention, no purpose) is refused before anything is recorded."""
    authorize(session, ctx, Permission.SHARE_DATA, action=REQUEST, object_type="agency")
    now = ctx.now()
    try:
        purpose = purpose_text(item.purpose)
        requester = text_field(item.requester_name, "requester", 120, required=False)
        contact = text_field(item.requester_contact, "requester's contact", 200,
                             required=False)
        # Another agency's numbering is theirs: kept as written, not held to SPD's form.
        their_case = text_field(item.their_case_number, "their case number", 40,
                                required=False)
        asked = _asked(item, now)
    except SharingAskError as exc:
        raise InputRejected(str(exc), clause=exc.clause) from None
    agency = _agency(session, item.agency_ori)
    contact = contact or agency.contact
    decision = decide_sharing(Recipient(agency.state, agency.agency_type,
                                        agency.law_enforcement, agency.learn_partner), purpose)
    reads = _reads(session, asked) if decision.granted else None
    folder = _out_folder(out_dir) if decision.granted else None
    row = SharingRequest(
        agency_id=agency.id, requester_name=requester, requester_contact=contact,
        purpose=purpose, their_case_number=their_case,
        plates=json.dumps(list(asked.plates)) if asked.plates else None,
        time_from=asked.start, time_to=asked.end, spd_case_number=asked.spd_case,
        filed_by=ctx.actor.badge, filed_at=now,
        decision="granted" if decision.granted else "refused", clause=decision.clause,
        clauses=",".join(decision.clauses), decision_reason=decision.reason, decided_at=now,
        commander_alerted=decision.alert_commander)
    session.add(row)
    session.flush()
    details: dict[str, object] = {
        "decision": row.decision, "clause": decision.clause, "clauses": list(decision.clauses),
        "agency": agency.ori, "matched": [m.words for m in decision.matches],
        "asked": {"plates": len(asked.plates), "spd_case": asked.spd_case,
                  "from": asked.start.isoformat() if asked.start else None,
                  "to": asked.end.isoformat() if asked.end else None},
        "commander_alerted": decision.alert_commander}
    if reads is not None and folder is not None:
        details.update(_release(session, ctx, row, agency, reads, folder))
    if decision.alert_commander:
        details["alert"] = _alert_commander(session, ctx, row, agency)
    _audit(session, ctx, REQUEST, row, decision.reason, details)
    publish(session, Change.SHARING, (row.id,))
    return sharing_view(row, agency)


def _alert_commander(session: Session, ctx: Context, row: SharingRequest,
                     agency: Agency) -> int:
    """C.2.a: the RTIC division commander hears of a non-partner's request at once, on every
    console where one is signed in; returns the alert's id."""
    return raise_alert(
        session, kind="sharing.non_partner",
        title=f"ALPR data request from a non-LEARN partner: {agency.name} ({agency.ori})",
        body=(f"Sharing request #{row.id}, taken by {row.filed_by}, was refused under "
              f"{row.clause}; no data was produced (C.2.a). Requester: "
              f"{row.requester_name or 'not stated'}; purpose: {row.purpose[:300]}"),
        for_role=Role.DIVISION_COMMANDER, subject_type="sharing_request", subject_id=row.id,
        raised_by=ctx.actor.badge, at=row.decided_at)


def _reads_csv(request_id: int, reads: Sequence[ReadHit]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in reads:
        writer.writerow([safe_cell(v) if isinstance(v, str) else v for v in (
            request_id, r.detection_id, r.captured_at.isoformat(), r.plate, r.state, r.device,
            r.place, r.latitude, r.longitude, r.confidence, r.vehicle)])
    return out.getvalue().encode("utf-8")


def _manifest(ctx: Context, row: SharingRequest, agency: Agency, name: str,
              reads_csv: bytes, rows: int) -> bytes:
    manifest = {
        "package": name, "created_utc": ctx.now().isoformat(),
        "recipient": {"ori": agency.ori, "name": agency.name, "state": agency.state,
                      "type": agency.agency_type, "learn_partner": agency.learn_partner},
        "request": {"id": row.id, "requester": row.requester_name,
                    "contact": row.requester_contact, "purpose": row.purpose,
                    "their_case_number": row.their_case_number,
                    "plates": json.loads(row.plates or "[]"),
                    "from_utc": row.time_from.isoformat() if row.time_from else None,
                    "to_utc": row.time_to.isoformat() if row.time_to else None,
                    "spd_case_number": row.spd_case_number, "filed_by": row.filed_by,
                    "filed_utc": row.filed_at.isoformat()},
        "decision": {"decision": row.decision, "clause": row.clause,
                     "reason": row.decision_reason, "decided_utc": row.decided_at.isoformat(),
                     "legal_review": None if row.review_status is None else {
                         "status": row.review_status, "note": row.review_note,
                         "decided_by": row.review_decided_by,
                         "decision_note": row.review_decision_note}},
        "released_by": {"badge": ctx.actor.badge, "name": ctx.actor.name,
                        "workstation": ctx.workstation},
        "files": [{"file": "reads.csv", "sha256": hashlib.sha256(reads_csv).hexdigest(),
                   "bytes": len(reads_csv), "rows": rows}],
    }
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _release(session: Session, ctx: Context, row: SharingRequest, agency: Agency,
             reads: Sequence[ReadHit], folder: Path) -> dict[str, object]:
    """Stage the package (reads.csv and manifest.json) to appear when the decision commits;
    returns what the audit event records of it."""
    name = f"sharing-{row.id}-{agency.ori}"
    target = folder / name
    if target.exists():
        raise InputRejected(f"folder: {target} exists already")
    reads_csv = _reads_csv(row.id, reads)
    manifest = _manifest(ctx, row, agency, name, reads_csv, len(reads))
    try:
        staged = staged_folder(target, {"reads.csv": reads_csv, "manifest.json": manifest})
    except OSError as exc:
        raise InputRejected(f"folder: cannot write in {folder}: {exc.strerror}") from None
    publish_on_commit(session, staged, target, "sharing package")
    row.package_path = str(target)
    row.manifest_sha256 = hashlib.sha256(manifest).hexdigest()
    row.read_count = len(reads)
    return {"package": name, "reads": len(reads), "manifest_sha256": row.manifest_sha256}


def _request(session: Session, request_id: object) -> SharingRequest:
    if isinstance(request_id, bool) or not isinstance(request_id, int):
        raise InputRejected("request: give the request's number")
    row = session.scalar(select(SharingRequest).where(SharingRequest.id == request_id)
                         .with_for_update())
    if row is None:
        raise InputRejected(f"there is no sharing request #{request_id}")
    return row


def _note(raw: object, label: str) -> str:
    if not isinstance(raw, str) or len(raw.strip()) < MIN_NOTE:
        raise InputRejected(f"{label}: at least {MIN_NOTE} characters saying why")
    try:
        return text_field(raw, label, MAX_NOTE)
    except SharingAskError as exc:
        raise InputRejected(str(exc)) from None


def _asked_of(row: SharingRequest) -> _Asked:
    return _Asked(tuple(json.loads(row.plates or "[]")), row.time_from, row.time_to,
                  row.spd_case_number)


def released_read_ids(session: Session, row: SharingRequest) -> set[int]:
    """The reads a granted (or permitted) request covers, as it asked for them."""
    return {r.detection_id for r in _reads(session, _asked_of(row))}


@service_action(REVIEW)
def send_to_review(session: Session, ctx: Context, request_id: int, note: str) -> SharingView:
    """A refused request goes to legal review with a note saying what law may permit it
    (C.3, C.4); a division commander decides. Nothing is released by sending it."""
    authorize(session, ctx, Permission.SHARE_DATA, action=REVIEW,
              object_type="sharing_request", object_id=request_id)
    text = _note(note, "note")
    row = _request(session, request_id)
    if row.decision != "refused":
        raise InputRejected(f"sharing request #{row.id} was granted; there is nothing to "
                            "review")
    if row.review_status is not None:
        raise InputRejected(f"sharing request #{row.id} was sent to legal review already")
    row.review_status, row.review_note = "pending", text
    row.review_requested_by, row.review_requested_at = ctx.actor.badge, ctx.now()
    _audit(session, ctx, REVIEW, row, text, {"clause": row.clause,
                                              "clauses": row.clauses.split(",")})
    publish(session, Change.SHARING, (row.id,))
    return sharing_view(row, session.get_one(Agency, row.agency_id))


@service_action(lambda request_id, permit, *a, **k: PERMIT if permit else DENY)
def decide_review(session: Session, ctx: Context, request_id: int, permit: bool, note: str,
                  out_dir: str | Path | None = None) -> SharingView:
    """A division commander decides a legal review with a note: never the person who took
    the request or sent it to review (separation of duties). Permitted: the package is
    released as for a grant, the decision stays the rule's refusal, and the review says
    who permitted it and why. The rule itself never grants outside its one path."""
    action = PERMIT if permit else DENY
    person = authorize(session, ctx, Permission.DECIDE_SHARING_REVIEW, action=action,
                       object_type="sharing_request", object_id=request_id)
    text = _note(note, "decision note")
    row = _request(session, request_id)
    if row.review_status != "pending":
        raise InputRejected(f"sharing request #{row.id} is not waiting for legal review")
    for badge in dict.fromkeys((row.filed_by, row.review_requested_by)):
        require_separate(session, person, requester_id_of(session, badge),
                         Permission.DECIDE_SHARING_REVIEW, what="legal review of a sharing "
                         "request", action=action, object_type="sharing_request",
                         object_id=row.id)
    agency = session.get_one(Agency, row.agency_id)
    row.review_status = "permitted" if permit else "denied"
    row.review_decided_by, row.review_decided_at = ctx.actor.badge, ctx.now()
    row.review_decision_note = text
    details: dict[str, object] = {"clause": row.clause, "review": row.review_status,
                                  "agency": agency.ori}
    if permit:
        details.update(_release(session, ctx, row, agency, _reads(session, _asked_of(row)),
                                _out_folder(out_dir)))
    _audit(session, ctx, action, row, text, details)
    publish(session, Change.SHARING, (row.id,))
    return sharing_view(row, agency)


@service_action("sharing.list")
def list_requests(session: Session, ctx: Context, *,
                  pending_review: bool = False) -> list[SharingView]:
    """The sharing log, newest first: every request, decision, package and recipient."""
    authorize(session, ctx, Permission.VIEW_SHARING, action="sharing.list",
              object_type="sharing_request")
    query = (select(SharingRequest, Agency).join(Agency, Agency.id == SharingRequest.agency_id)
             .order_by(SharingRequest.id.desc()))
    if pending_review:
        query = query.where(SharingRequest.review_status == "pending")
    return [sharing_view(row, agency) for row, agency in session.execute(query)]


def requests_between(session: Session, start: datetime, end: datetime) -> list[SharingView]:
    """The requests filed in [start, end), oldest first: the quarterly inspection's part of
    the sharing log (its caller authorizes)."""
    query = (select(SharingRequest, Agency).join(Agency, Agency.id == SharingRequest.agency_id)
             .where(SharingRequest.filed_at >= start, SharingRequest.filed_at < end)
             .order_by(SharingRequest.filed_at, SharingRequest.id))
    return [sharing_view(row, agency) for row, agency in session.execute(query)]


# The sharing log for the quarterly inspection: requests, decisions, reviews, packages,
# the directory's changes and special hot list shares.
LOG_ACTIONS = ("sharing.", "agency.", "hotlist.special.share")


@service_action("sharing.log")
def sharing_log(session: Session, ctx: Context, limit: int = 1000) -> list[AuditRecord]:
    """The audit events of sharing, newest first, refusals included."""
    authorize(session, ctx, Permission.VIEW_SHARING, action="sharing.log",
              object_type="sharing_request")
    return list_events(session, AuditFilter(action_prefixes=LOG_ACTIONS, limit=limit))
