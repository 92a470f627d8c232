"""The searches of an inspection's quarter (D.2.b(2)) with their flags and verdicts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import Row, func, or_, select, union
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
    """Case numbers with activity outside the search log: hot list entries, evidence holds,
    evidence exports and registry look-ups (H.2, audited under the case; one query)."""
    cases = union(select(HotListEntry.case_number).where(HotListEntry.case_number.is_not(None)),
                  select(EvidenceHold.case_number), select(EvidenceExport.case_number),
                  select(AuditEvent.object_id).where(AuditEvent.action == "registry.near"))
    return {case_key(c) for (c,) in session.execute(cases) if c}


def _exports(session: Session, start: datetime) -> Counter[int]:
    rows = session.execute(select(AuditEvent.object_id, func.count())
                           .where(AuditEvent.action == "search.export",
                                  AuditEvent.occurred_at >= start)
                           .group_by(AuditEvent.object_id))
    return Counter({int(object_id): n for object_id, n in rows
                    if object_id and object_id.isdigit()})


@dataclass(frozen=True)
class _Quarter:
    """The quarter's searches as fetched, with their flags and what was decided of them."""

    rows: list[Row[Any]]
    flags: dict[int, frozenset[SearchFlag]]
    people: dict[int, tuple[str, str]]
    reviews: dict[int, InspectionSearchReview]
    referrals: dict[int, int]
    exports: Counter[int]

    def item(self, row: Row[Any]) -> SearchItem:
        sid, pid, badge, at, kind, purpose, case, plate, count, on_map = row
        review = self.reviews.get(sid)
        name, division = self.people.get(pid, (badge, ""))
        return SearchItem(
            sid, pid, badge, name, division, at,
            MAP_LOOK_BACK if on_map else KIND_TITLES.get(kind, kind), purpose, case, plate,
            count, self.exports[sid], self.flags[sid],
            Verdict(review.verdict) if review else None, review.reason if review else None,
            review.reviewer_badge if review else None, review.reviewed_at if review else None,
            self.referrals.get(review.id) if review else None)


def _load_quarter(session: Session, inspection: Inspection, zone: tzinfo | None,
             near: SearchRecord | None) -> _Quarter:
    via_map = SearchRecord.parameters.like('%"via": "map"%')
    query = (select(SearchRecord.id, SearchRecord.person_id, SearchRecord.actor_badge,
                    SearchRecord.searched_at, SearchRecord.kind, SearchRecord.purpose,
                    SearchRecord.case_number, SearchRecord.plate_pattern,
                    SearchRecord.result_count, via_map)
             .where(SearchRecord.searched_at >= inspection.starts_at,
                    SearchRecord.searched_at < inspection.ends_at)
             .order_by(SearchRecord.searched_at, SearchRecord.id))
    if near is not None:
        query = query.where(or_(SearchRecord.person_id == near.person_id,
                                SearchRecord.case_number == near.case_number))
    rows = list(session.execute(query).all())
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
    return _Quarter(rows, flags, people, reviews, referrals,
                    _exports(session, inspection.starts_at))


def quarter_items(session: Session, inspection: Inspection, zone: tzinfo | None = None, *,
                  near: SearchRecord | None = None) -> list[SearchItem]:
    """Every search of the quarter with its flags (computed in one pass) and its verdict.

    With `near`, only the searches its flags depend on: the searcher's own (repeated
    plates, usual hours) and those of its case (who else searched it); the flags of `near`
    come out as over the whole quarter, at a fraction of the cost.
    """
    data = _load_quarter(session, inspection, zone, near)
    return [data.item(r) for r in data.rows]


def quarter_page(session: Session, inspection: Inspection, *, flagged_first: bool,
                 only_flagged: bool, only_unreviewed: bool, offset: int,
                 limit: int) -> SearchPage:
    """One page of the review: the whole quarter is flagged and ordered, but only the page's
    searches are built."""
    data = _load_quarter(session, inspection, None, None)
    flags, reviews = data.flags, data.reviews
    chosen = [r for r in data.rows if (not only_flagged or flags[r[0]])
              and (not only_unreviewed or r[0] not in reviews)]
    if flagged_first:  # unreviewed first, more flags first, then oldest (rows are by time)
        chosen.sort(key=lambda r: (r[0] in reviews, -len(flags[r[0]])))
    return SearchPage(tuple(data.item(r) for r in chosen[offset:offset + limit]), len(chosen),
                      len(data.rows), sum(1 for f in flags.values() if f),
                      len(data.rows) - sum(1 for r in data.rows if r[0] in reviews))
