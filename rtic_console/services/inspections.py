"""Quarterly inspections (D.2.b): opened by an ALPR administrator or IT staff, every search
of the quarter reviewed by someone other than its searcher, out-of-compliance searches
referred to the searcher's division commander, closed with the audit chain's head."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rtic_console.domain.inspections import (
    InspectionRuleError,
    Quarter,
    Verdict,
    flags_text,
    is_future,
    parse_quarter,
    reason_of,
)
from rtic_console.domain.roles import Permission
from rtic_console.services.audit_anchor import write_checkpoint
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected, Refused, service_action
from rtic_console.services.divisions import commander_of
from rtic_console.services.inspection_searches import (
    SearchItem,
    SearchPage,
    quarter_items,
    quarter_page,
)
from rtic_console.store import audit_log
from rtic_console.store.audit_keys import SigningKeyUnavailable, load_signing_key
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import (
    Device,
    Inspection,
    InspectionDeviceReview,
    InspectionReferral,
    InspectionSearchReview,
    Person,
    SearchRecord,
)

OPEN, CLOSE, REVIEW = "inspection.open", "inspection.close", "inspection.review"
CLAUSE = "D.2.b(2)"
SEARCH_CLAUSE = "D.2.b(2)"
REFERRAL_CLAUSE = "D.2.b(2)(a)"
MAX_PAGE = 1000


@dataclass(frozen=True)
class InspectionView:
    id: int
    quarter: str
    starts_at: datetime
    ends_at: datetime
    opened_by: str
    opened_at: datetime
    closed_by: str | None
    closed_at: datetime | None
    audit_head_seq: int | None
    audit_head_hash: str | None
    checkpoint_id: int | None
    searches: int
    reviewed: int
    out_of_compliance: int
    referrals: int
    referrals_open: int  # no outcome recorded yet
    # Referrals of people whose division has no commander: flagged, never dropped.
    referrals_without_commander: int
    devices: int = 0  # every registered device (D.2.b(1))
    devices_checked: int = 0

    @property
    def devices_unchecked(self) -> int:
        return self.devices - self.devices_checked

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def unreviewed(self) -> int:
        return self.searches - self.reviewed


def _quarter(raw: str) -> Quarter:
    try:
        return parse_quarter(raw)
    except InspectionRuleError as exc:
        raise InputRejected(str(exc), clause=CLAUSE) from None


def inspection_row(session: Session, quarter: str, *, lock: bool = False) -> Inspection:
    """The inspection of a quarter as typed; an input error when malformed or not opened."""
    chosen = _quarter(quarter)
    query = select(Inspection).where(Inspection.quarter == chosen.label)
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise InputRejected(f"there is no inspection of {chosen.label}; an ALPR administrator "
                            f"or IT staff opens it: rtic-console inspection open {chosen.label}")
    return row


def _count_searches(session: Session, row: Inspection) -> int:
    return session.scalar(select(func.count()).select_from(SearchRecord).where(
        SearchRecord.searched_at >= row.starts_at, SearchRecord.searched_at < row.ends_at)) or 0


def view_of(session: Session, row: Inspection) -> InspectionView:
    verdicts = {verdict: n for verdict, n in session.execute(
        select(InspectionSearchReview.verdict, func.count())
        .where(InspectionSearchReview.inspection_id == row.id)
        .group_by(InspectionSearchReview.verdict))}
    referrals = session.execute(select(
        func.count(), func.count(InspectionReferral.outcome),
        func.count(InspectionReferral.commander_id))
        .where(InspectionReferral.inspection_id == row.id)).one()
    return InspectionView(
        row.id, row.quarter, row.starts_at, row.ends_at, row.opened_by, row.opened_at,
        row.closed_by, row.closed_at, row.audit_head_seq, row.audit_head_hash,
        row.checkpoint_id, _count_searches(session, row), sum(verdicts.values()),
        verdicts.get(Verdict.OUT_OF_COMPLIANCE.value, 0), referrals[0],
        referrals[0] - referrals[1], referrals[0] - referrals[2],
        session.scalar(select(func.count()).select_from(Device)) or 0,
        session.scalar(select(func.count()).select_from(InspectionDeviceReview).where(
            InspectionDeviceReview.inspection_id == row.id)) or 0)


@service_action(OPEN)
def open_inspection(session: Session, ctx: Context, quarter: str) -> InspectionView:
    """One inspection per quarter, of a quarter that has begun (the current one included)."""
    authorize(session, ctx, Permission.MANAGE_INSPECTION, action=OPEN,
              object_type="inspection", object_id=str(quarter)[:20])
    chosen = _quarter(quarter)
    if is_future(chosen, ctx.now().astimezone()):
        raise Refused(f"{chosen.label} has not begun; a quarter is inspected once its searches "
                      "exist.", action=OPEN, clause=CLAUSE, object_type="inspection",
                      object_id=chosen.label)
    existing = session.scalar(select(Inspection).where(Inspection.quarter == chosen.label))
    if existing is not None:
        raise Refused(f"{chosen.label} already has its inspection, opened by "
                      f"{existing.opened_by} on {existing.opened_at.astimezone():%Y-%m-%d}; "
                      "there is one per quarter.", action=OPEN, clause=CLAUSE,
                      object_type="inspection", object_id=chosen.label)
    start, end = chosen.bounds(None)
    row = Inspection(quarter=chosen.label, starts_at=start, ends_at=end,
                     opened_by=ctx.actor.badge, opened_at=ctx.now())
    session.add(row)
    session.flush()
    view = view_of(session, row)
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=OPEN, object_type="inspection", object_id=chosen.label,
                 reason=f"quarterly inspection {chosen.label}",
                 details={"from": start.isoformat(), "to": end.isoformat(),
                          "searches": view.searches})
    publish(session, Change.INSPECTION, (row.id,))
    return view


@service_action("inspection.list")
def list_inspections(session: Session, ctx: Context) -> list[InspectionView]:
    authorize(session, ctx, Permission.VIEW_INSPECTION, action="inspection.list")
    rows = session.scalars(select(Inspection).order_by(Inspection.quarter.desc()))
    return [view_of(session, r) for r in rows]


@service_action("inspection.show")
def show_inspection(session: Session, ctx: Context, quarter: str) -> InspectionView:
    authorize(session, ctx, Permission.VIEW_INSPECTION, action="inspection.show",
              object_type="inspection", object_id=str(quarter)[:20])
    return view_of(session, inspection_row(session, quarter))


@service_action("inspection.show")
def inspection_searches(session: Session, ctx: Context, quarter: str, *,
                        flagged_first: bool = True, only_flagged: bool = False,
                        only_unreviewed: bool = False, offset: int = 0,
                        limit: int = 200) -> SearchPage:
    """A page of the quarter's searches, flagged and unreviewed first unless asked not.
    Those who review searches see them (with plates and cases); IT staff, who check devices,
    see the inspection's counts only."""
    authorize(session, ctx, Permission.REVIEW_SEARCHES, action="inspection.show",
              object_type="inspection", object_id=str(quarter)[:20])
    if not 0 < limit <= MAX_PAGE or offset < 0:
        raise InputRejected(f"page: 1 to {MAX_PAGE} searches from an offset of 0 or more")
    row = inspection_row(session, quarter)
    return quarter_page(session, row, flagged_first=flagged_first, only_flagged=only_flagged,
                        only_unreviewed=only_unreviewed, offset=offset, limit=limit)


@service_action(REVIEW)
def review_search(session: Session, ctx: Context, quarter: str, search_id: int,
                  verdict: str, reason: str | None = None) -> SearchItem:
    """Compliant, or out of compliance with a reason, which refers the search to the
    searcher's division commander (D.2.b(2)(a)). Never one's own search; once per search."""
    reviewer = authorize(session, ctx, Permission.REVIEW_SEARCHES, action=REVIEW,
                         object_type="search", object_id=search_id)
    row = inspection_row(session, quarter)
    if row.closed_at is not None:
        raise Refused(f"The inspection of {row.quarter} was closed by {row.closed_by}; its "
                      "review is final.", action=REVIEW, clause=SEARCH_CLAUSE,
                      object_type="search", object_id=search_id)
    try:
        chosen = Verdict(verdict)
        text = reason_of(chosen, reason)
    except ValueError as exc:
        message = str(exc) if isinstance(exc, InspectionRuleError) else (
            "verdict: compliant or out_of_compliance")
        raise InputRejected(message, clause=SEARCH_CLAUSE) from None
    if isinstance(search_id, bool) or not isinstance(search_id, int):
        raise InputRejected("search: give the search's number")
    # Locked: of two reviewers at once, the second finds it reviewed.
    search = session.get(SearchRecord, search_id, with_for_update=True)
    if search is None or not row.starts_at <= search.searched_at < row.ends_at:
        raise InputRejected(f"search #{search_id} is not a search of {row.quarter}")
    if search.person_id == reviewer.id:
        raise Refused("You cannot review your own search; another reviewer does "
                      "(D.2.b(2)).", action=REVIEW, clause=SEARCH_CLAUSE,
                      object_type="search", object_id=search_id)
    item = next(i for i in quarter_items(session, row, near=search) if i.search_id == search_id)
    if item.reviewed:
        raise InputRejected(f"search #{search_id} was already reviewed by {item.reviewer} "
                            f"({item.verdict.value if item.verdict else ''})")
    review = InspectionSearchReview(
        inspection_id=row.id, search_id=search_id, verdict=chosen.value, reason=text,
        flags=flags_text(item.flags), reviewer_id=reviewer.id, reviewer_badge=reviewer.badge,
        reviewed_at=ctx.now())
    session.add(review)
    session.flush()
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=REVIEW, object_type="search", object_id=search_id,
                 reason=text or chosen.value,
                 details={"quarter": row.quarter, "verdict": chosen.value,
                          "searcher": search.actor_badge, "flags": review.flags})
    referral_id = _refer(session, ctx, row, review, search) \
        if chosen is Verdict.OUT_OF_COMPLIANCE else None
    publish(session, Change.INSPECTION, (row.id,))
    return replace(item, verdict=chosen, reason=text, reviewer=reviewer.badge,
                   reviewed_at=review.reviewed_at, referral_id=referral_id)


def _refer(session: Session, ctx: Context, row: Inspection, review: InspectionSearchReview,
           search: SearchRecord) -> int:
    """D.2.b(2)(a): to the searcher's division commander; with none, the referral is kept
    without one and counted on the inspection until a commander is named."""
    searcher = session.get(Person, search.person_id)
    division = searcher.division if searcher else ""
    commander = commander_of(session, division) if division else None
    referral = InspectionReferral(
        inspection_id=row.id, review_id=review.id, searcher_id=search.person_id,
        division=division, commander_id=commander.id if commander else None,
        referred_at=ctx.now())
    session.add(referral)
    session.flush()
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="inspection.referral", object_type="inspection_referral",
                 object_id=referral.id,
                 reason=(f"to {commander.badge}, commander of {division}" if commander
                         else f"division {division or '(none)'} has no commander"),
                 details={"quarter": row.quarter, "search": search.id,
                          "searcher": search.actor_badge, "division": division,
                          "commander": commander.badge if commander else None,
                          "clause": REFERRAL_CLAUSE})
    publish(session, Change.REFERRAL, (referral.id,))
    return referral.id


@service_action(CLOSE)
def close_inspection(session: Session, ctx: Context, quarter: str) -> InspectionView:
    """Refused while any search of the quarter is unreviewed. Records the audit chain's head
    and, when this machine holds the department key, a signed checkpoint of it."""
    authorize(session, ctx, Permission.MANAGE_INSPECTION, action=CLOSE,
              object_type="inspection", object_id=str(quarter)[:20])
    row = inspection_row(session, quarter, lock=True)
    if row.closed_at is not None:
        raise InputRejected(f"the inspection of {row.quarter} was already closed by "
                            f"{row.closed_by}")
    view = view_of(session, row)
    if view.unreviewed:
        raise Refused(f"{view.unreviewed} of {view.searches} searches of {row.quarter} are "
                      "not reviewed yet; the inspection closes when every search is.",
                      action=CLOSE, clause=SEARCH_CLAUSE, object_type="inspection",
                      object_id=row.quarter, details={"unreviewed": view.unreviewed})
    if view.devices_unchecked:
        raise Refused(f"{view.devices_unchecked} of {view.devices} devices are not checked "
                      f"for {row.quarter} yet; the inspection closes when every device is.",
                      action=CLOSE, clause="D.2.b(1)", object_type="inspection",
                      object_id=row.quarter, details={"unchecked": view.devices_unchecked})
    try:
        key = load_signing_key()
    except SigningKeyUnavailable:
        key = None
    if key is not None:
        checkpoint = write_checkpoint(session, ctx, key)
        head: tuple[int, str] | None = (checkpoint.head_seq, checkpoint.head_hash)
        row.checkpoint_id = checkpoint.id
    else:
        head = audit_log.locked_head(session)
    row.audit_head_seq, row.audit_head_hash = head if head else (None, None)
    row.closed_by, row.closed_at = ctx.actor.badge, ctx.now()
    session.flush()
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=CLOSE, object_type="inspection", object_id=row.quarter,
                 reason=f"{view.searches} searches reviewed, {view.out_of_compliance} out of "
                        "compliance",
                 details={"head_seq": row.audit_head_seq, "head_hash": row.audit_head_hash,
                          "checkpoint": row.checkpoint_id, "searches": view.searches,
                          "out_of_compliance": view.out_of_compliance,
                          "referrals_without_commander": view.referrals_without_commander})
    publish(session, Change.INSPECTION, (row.id,))
    return view_of(session, row)
