"""The searches of an inspection's quarter (D.2.b(2)) with their flags and verdicts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session

from rtic_console.domain.inspections import (
    SearchFact,
    SearchFlag,
    Verdict,
    case_key,
    flag_searches,
)
from rtic_console.domain.search_rules import SearchKind, SearchPurpose
from rtic_console.store.models import (
    AuditEvent,
    EvidenceExport,
    EvidenceHold,
    HotListEntry,
    Inspection,
    InspectionReferral,
    InspectionSearchReview,
    Person,
    SearchRecord,
)

KIND_TITLES = {SearchKind.PLATE.value: "plate", SearchKind.CANVASS.value: "canvass",
               SearchKind.SHAPE.value: "vehicle description"}
MAP_LOOK_BACK = "map look-back"


@dataclass(frozen=True)
class SearchItem:
    """One logged search as the reviewer sees it."""

    search_id: int
    person_id: int
    badge: str
    name: str
    division: str
    searched_at: datetime
    kind: str  # plate, canvass, vehicle description, map look-back
    purpose: str
    case: str
    plate: str | None
    result_count: int
    exports: int  # CSV exports of its reads (search.export)
    flags: frozenset[SearchFlag]
    verdict: Verdict | None = None
    reason: str | None = None
    reviewer: str | None = None
    reviewed_at: datetime | None = None
    referral_id: int | None = None

    @property
    def reviewed(self) -> bool:
        return self.verdict is not None


@dataclass(frozen=True)
class SearchPage:
    items: tuple[SearchItem, ...]
    total: int  # searches matching the filter
    searches: int  # searches of the quarter
    flagged: int
    unreviewed: int


def _cases_with_activity(session: Session) -> set[str]:
    """Case numbers with activity outside the search log: hot list entries, evidence holds
    and evidence exports (one query)."""
    cases = union(select(HotListEntry.case_number).where(HotListEntry.case_number.is_not(None)),
                  select(EvidenceHold.case_number), select(EvidenceExport.case_number))
    return {case_key(c) for (c,) in session.execute(cases) if c}


def _exports(session: Session, start: datetime) -> Counter[int]:
    rows = session.execute(select(AuditEvent.object_id, func.count())
                           .where(AuditEvent.action == "search.export",
                                  AuditEvent.occurred_at >= start)
                           .group_by(AuditEvent.object_id))
    return Counter({int(object_id): n for object_id, n in rows
                    if object_id and object_id.isdigit()})


def quarter_items(session: Session, inspection: Inspection,
                  zone: tzinfo | None = None) -> list[SearchItem]:
    """Every search of the quarter with its flags (computed in one pass) and its verdict."""
    via_map = SearchRecord.parameters.like('%"via": "map"%')
    rows = session.execute(
        select(SearchRecord.id, SearchRecord.person_id, SearchRecord.actor_badge,
               SearchRecord.searched_at, SearchRecord.kind, SearchRecord.purpose,
               SearchRecord.case_number, SearchRecord.plate_pattern,
               SearchRecord.result_count, via_map)
        .where(SearchRecord.searched_at >= inspection.starts_at,
               SearchRecord.searched_at < inspection.ends_at)
        .order_by(SearchRecord.searched_at, SearchRecord.id)).all()
    flags = flag_searches(
        (SearchFact(r[0], r[1], r[3], r[6], r[7], r[5] == SearchPurpose.OTHER_USE.value, r[8])
         for r in rows), _cases_with_activity(session), zone)
    people = {pid: (name, division) for pid, name, division in session.execute(
        select(Person.id, Person.name, Person.division))}
    reviews = {r.search_id: r for r in session.scalars(select(InspectionSearchReview).where(
        InspectionSearchReview.inspection_id == inspection.id))}
    referrals = {review_id: rid for review_id, rid in session.execute(
        select(InspectionReferral.review_id, InspectionReferral.id)
        .where(InspectionReferral.inspection_id == inspection.id))}
    exports = _exports(session, inspection.starts_at)
    items = []
    for (sid, pid, badge, at, kind, purpose, case, plate, count, on_map) in rows:
        review = reviews.get(sid)
        name, division = people.get(pid, (badge, ""))
        items.append(SearchItem(
            sid, pid, badge, name, division, at,
            MAP_LOOK_BACK if on_map else KIND_TITLES.get(kind, kind), purpose, case, plate,
            count, exports[sid], flags[sid],
            Verdict(review.verdict) if review else None, review.reason if review else None,
            review.reviewer_badge if review else None, review.reviewed_at if review else None,
            referrals.get(review.id) if review else None))
    return items


def review_order(item: SearchItem) -> tuple[bool, int, datetime]:
    """Unreviewed before reviewed, more flags before fewer, then oldest first."""
    return (item.reviewed, -len(item.flags), item.searched_at)


def page_of(items: list[SearchItem], *, flagged_first: bool, only_flagged: bool,
            only_unreviewed: bool, offset: int, limit: int) -> SearchPage:
    chosen = [i for i in items if (not only_flagged or i.flags)
              and (not only_unreviewed or not i.reviewed)]
    if flagged_first:
        chosen.sort(key=review_order)
    return SearchPage(tuple(chosen[offset:offset + limit]), len(chosen), len(items),
                      sum(1 for i in items if i.flags),
                      sum(1 for i in items if not i.reviewed))
