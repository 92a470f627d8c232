"""Referrals of out-of-compliance searches to the searcher's division commander
(D.2.b(2)(a)): what waits in a commander's inbox, and the outcome the commander records."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session, aliased

from rtic_console.domain.inspections import InspectionRuleError, Verdict, reason_of
from rtic_console.domain.personnel import division_key
from rtic_console.domain.roles import Permission
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected, Refused, service_action
from rtic_console.services.divisions import commander_of, commanders_by_division
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import (
    Inspection,
    InspectionReferral,
    InspectionSearchReview,
    Person,
    SearchRecord,
)

OUTCOME = "inspection.referral.outcome"
CLAUSE = "D.2.b(2)(a)"


@dataclass(frozen=True)
class ReferralView:
    id: int
    quarter: str
    search_id: int
    searched_at: datetime
    searcher_badge: str
    searcher_name: str
    division: str
    commander: str | None  # "badge name" of the commander it went to; None: none existed
    referred_at: datetime
    case: str
    purpose: str
    plate: str | None
    finding: str  # the reviewer's reason
    reviewer: str
    outcome: str | None
    decided_by: str | None
    decided_at: datetime | None


Searcher = aliased(Person)
Commander = aliased(Person)


def referral_views(session: Session, *where: ColumnElement[bool]) -> list[ReferralView]:
    rows = session.execute(
        select(InspectionReferral, Inspection.quarter, SearchRecord, InspectionSearchReview,
               Searcher.name, Commander.badge, Commander.name)
        .join(Inspection, Inspection.id == InspectionReferral.inspection_id)
        .join(InspectionSearchReview, InspectionSearchReview.id == InspectionReferral.review_id)
        .join(SearchRecord, SearchRecord.id == InspectionSearchReview.search_id)
        .join(Searcher, Searcher.id == InspectionReferral.searcher_id)
        .outerjoin(Commander, Commander.id == InspectionReferral.commander_id)
        .where(*where).order_by(InspectionReferral.referred_at, InspectionReferral.id))
    return [ReferralView(
        r.id, quarter, s.id, s.searched_at, s.actor_badge, searcher, r.division,
        f"{badge} {name}" if badge else None, r.referred_at, s.case_number, s.purpose,
        s.plate_pattern, review.reason or "", review.reviewer_badge, r.outcome, r.decided_by,
        r.decided_at) for r, quarter, s, review, searcher, badge, name in rows]


def _waiting_for(session: Session, person_id: int) -> ColumnElement[bool]:
    """Referrals this commander decides: sent to them, or sent when the division had no
    commander and they command it now. Never a referral of their own search."""
    mine = [key for key, p in commanders_by_division(session).items() if p.id == person_id]
    return and_(InspectionReferral.outcome.is_(None),
                InspectionReferral.searcher_id != person_id,
                or_(InspectionReferral.commander_id == person_id,
                    and_(InspectionReferral.commander_id.is_(None), InspectionReferral.division.in_(
                        _division_spellings(session, mine)))))


def _division_spellings(session: Session, keys: Iterable[str]) -> list[str]:
    """The division texts referrals were stored with that match these keys."""
    wanted = set(keys)
    return [d for (d,) in session.execute(select(InspectionReferral.division).distinct()
                                          .where(InspectionReferral.commander_id.is_(None)))
            if division_key(d) in wanted]


@service_action("inspection.referral.list")
def pending_referrals(session: Session, ctx: Context) -> list[ReferralView]:
    """The commander's inbox of referrals without an outcome."""
    authorize(session, ctx, Permission.DECIDE_REFERRAL, action="inspection.referral.list")
    return referral_views(session, _waiting_for(session, ctx.actor.person_id))


@service_action("inspection.referral.list")
def inspection_referrals(session: Session, ctx: Context, quarter: str) -> list[ReferralView]:
    authorize(session, ctx, Permission.REVIEW_SEARCHES, action="inspection.referral.list")
    return referral_views(session, Inspection.quarter == str(quarter).strip().upper())


@service_action(OUTCOME)
def record_outcome(session: Session, ctx: Context, referral_id: int,
                   outcome: str | None) -> ReferralView:
    """D.2.b(2)(a): the searcher's division commander records what was done, once."""
    commander = authorize(session, ctx, Permission.DECIDE_REFERRAL, action=OUTCOME,
                          object_type="inspection_referral", object_id=referral_id)
    if isinstance(referral_id, bool) or not isinstance(referral_id, int):
        raise InputRejected("referral: give the referral's number")
    referral = session.scalar(select(InspectionReferral).where(
        InspectionReferral.id == referral_id).with_for_update())
    if referral is None:
        raise InputRejected(f"there is no referral #{referral_id}")

    def refuse(message: str, clause: str = CLAUSE) -> Refused:
        return Refused(message, action=OUTCOME, clause=clause,
                       object_type="inspection_referral", object_id=referral_id)

    if referral.searcher_id == commander.id:
        raise refuse("This referral is of your own search; it cannot be yours to decide "
                     "(separation of duties).", "SOD")
    addressee = referral.commander_id or getattr(
        commander_of(session, referral.division), "id", None)
    if addressee != commander.id:
        raise refuse(f"Referral #{referral_id} went to the commander of {referral.division}, "
                     "not to you.")
    if referral.outcome is not None:
        raise InputRejected(f"referral #{referral_id} already has its outcome, recorded by "
                            f"{referral.decided_by}")
    try:
        text = reason_of(Verdict.OUT_OF_COMPLIANCE, outcome)
    except InspectionRuleError as exc:
        raise InputRejected(str(exc).replace("reason", "outcome", 1)
                            .replace("an out-of-compliance finding says why",
                                     "the outcome says what was done")) from None
    referral.outcome, referral.decided_by, referral.decided_at = text, commander.badge, ctx.now()
    referral.commander_id = referral.commander_id or commander.id
    session.flush()
    view = referral_views(session, InspectionReferral.id == referral.id)[0]
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=OUTCOME, object_type="inspection_referral", object_id=referral.id,
                 reason=text, details={"quarter": view.quarter, "search": view.search_id,
                                       "searcher": view.searcher_badge,
                                       "division": view.division})
    publish(session, Change.REFERRAL, (referral.id,))
    return view
