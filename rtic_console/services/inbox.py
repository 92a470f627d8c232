"""The inbox: what waits for this person's decision, read from each source by who may
decide it (I.1, D.1.c, F.2.e, D.2.b(2)(a)), and the decision sent back to its own service.

Each source is one small function over its own service; a new kind of waiting work is one
more `InboxSource` in `SOURCES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from rtic_console.domain.roles import Permission, allows
from rtic_console.domain.text import MIN_REASON_CHARACTERS, MIN_REASON_WORDS, says_something
from rtic_console.services import (
    alerts,
    hotlists,
    referrals,
    search_requests,
    sharing,
    special_sharing,
    viewing_requests,
)
from rtic_console.services.auth import authorize, roles_of
from rtic_console.services.context import Context, InputRejected, service_action
from rtic_console.store.change_bus import Change
from rtic_console.store.models import Person


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    OUTCOME = "outcome"  # a referral's outcome: what the commander did
    ACKNOWLEDGE = "acknowledge"  # an alert seen and acted on, with what was done


@dataclass(frozen=True)
class InboxItem:
    source: str  # the InboxSource key
    item_id: int
    title: str
    requested_by: str
    requested_at: datetime
    detail: str
    clause: str
    decisions: tuple[Decision, ...]

    @property
    def key(self) -> tuple[str, int]:
        return (self.source, self.item_id)


Decide = Callable[[Session, Context, int, Decision, str, datetime | None], object]


@dataclass(frozen=True)
class InboxSource:
    key: str
    title: str
    permission: Permission  # who may decide its items (the source's own service checks too)
    changes: frozenset[Change]  # the change kinds after which its items may differ
    items: Callable[[Session, Context], list[InboxItem]]
    decide: Decide
    actions: dict[Decision, str]  # the audited action of each decision


def _special_entries(session: Session, ctx: Context) -> list[InboxItem]:
    return [InboxItem("special_entry", e.id, f"Special hot list entry {e.plate}"
                      + (f" ({e.state})" if e.state else ""), e.entered_by or "",
                      e.entered_at, " · ".join(x for x in (
                          f"case {e.case_number}" if e.case_number else "",
                          e.reason, e.narrative or "") if x), "I.1",
                      (Decision.APPROVE, Decision.REJECT))
            for e in hotlists.pending_specials(session, ctx)]


def _decide_special(session: Session, ctx: Context, item_id: int, decision: Decision,
                    reason: str, _until: datetime | None) -> object:
    return hotlists.decide_special(session, ctx, item_id, decision is Decision.APPROVE, reason)


def _other_use(session: Session, ctx: Context) -> list[InboxItem]:
    return [InboxItem("other_use", r.id, f"Other-use search request · case {r.case_number}",
                      f"{r.requester_badge} {r.requester_name}", r.requested_at,
                      r.use_description, "D.1.c", (Decision.APPROVE, Decision.REJECT))
            for r in search_requests.pending_requests(session, ctx)]


def _decide_other_use(session: Session, ctx: Context, item_id: int, decision: Decision,
                      reason: str, _until: datetime | None) -> object:
    return search_requests.decide_other_use(session, ctx, item_id,
                                            decision is Decision.APPROVE, reason)


def _viewing(session: Session, ctx: Context) -> list[InboxItem]:
    return [InboxItem("viewing_request", r.id, f"Camera viewing request {r.reference}",
                      f"{r.requester_badge} {r.requester_name}", r.requested_at,
                      r.description, "F.2.e", (Decision.APPROVE, Decision.REJECT))
            for r in viewing_requests.pending_viewing_requests(session, ctx)]


def _decide_viewing(session: Session, ctx: Context, item_id: int, decision: Decision,
                    reason: str, until: datetime | None) -> object:
    return viewing_requests.decide_viewing(session, ctx, item_id,
                                           decision is Decision.APPROVE, reason, until)


def _referrals(session: Session, ctx: Context) -> list[InboxItem]:
    return [InboxItem("referral", r.id, f"Inspection {r.quarter}: search #{r.search_id} out "
                                        "of compliance", f"{r.searcher_badge} {r.searcher_name}",
                      r.referred_at, f"Finding by {r.reviewer}: {r.finding} · case {r.case}"
                                     f" · {r.division}", "D.2.b(2)(a)", (Decision.OUTCOME,))
            for r in referrals.pending_referrals(session, ctx)]


def _decide_referral(session: Session, ctx: Context, item_id: int, decision: Decision,
                     reason: str, _until: datetime | None) -> object:
    return referrals.record_outcome(session, ctx, item_id, reason)


def _legal_reviews(session: Session, ctx: Context) -> list[InboxItem]:
    return [InboxItem("legal_review", r.id, f"Legal review: {r.agency_name} ({r.agency_ori}) "
                                            f"refused under {r.clause}",
                      r.filed_by, r.filed_at,
                      f"Purpose: {r.purpose} · review asked: {r.review_note or ''}",
                      r.clause, (Decision.APPROVE, Decision.REJECT))
            for r in sharing.list_requests(session, ctx, pending_review=True)]


def _decide_legal_review(session: Session, ctx: Context, item_id: int, decision: Decision,
                         reason: str, _until: datetime | None) -> object:
    return sharing.decide_review(session, ctx, item_id, decision is Decision.APPROVE, reason)


def _special_shares(session: Session, ctx: Context) -> list[InboxItem]:
    return [InboxItem("special_share", r.id, f"Share special entry {r.plate} with "
                                             f"{r.agency_name} ({r.agency_ori})",
                      r.requested_by, r.requested_at, r.reason, special_sharing.CLAUSE,
                      (Decision.APPROVE, Decision.REJECT))
            for r in special_sharing.list_special_shares(session, ctx, pending_only=True)]


def _decide_special_share(session: Session, ctx: Context, item_id: int, decision: Decision,
                          reason: str, _until: datetime | None) -> object:
    return special_sharing.decide_special_share(session, ctx, item_id,
                                                decision is Decision.APPROVE, reason)


def _alerts(session: Session, ctx: Context) -> list[InboxItem]:
    return [InboxItem("alert", a.id, a.title, a.raised_by_badge or "the console", a.raised_at,
                      a.body, _ALERT_CLAUSES.get(a.kind, ""), (Decision.ACKNOWLEDGE,))
            for a in alerts.open_alerts(session, ctx)]


# The clause an alert kind serves, shown beside it.
_ALERT_CLAUSES = {"device_damage": "B.2", "sharing.non_partner": "C.2.a",
                  "hit.escalated": "D.5.a"}


def _acknowledge(session: Session, ctx: Context, item_id: int, _decision: Decision,
                 reason: str, _until: datetime | None) -> object:
    return alerts.acknowledge_alert(session, ctx, item_id, reason)


SOURCES: tuple[InboxSource, ...] = (
    InboxSource("alert", "Alerts", Permission.USE_CONSOLE, frozenset({Change.ALERT}), _alerts,
                _acknowledge, {Decision.ACKNOWLEDGE: "alert.acknowledge"}),
    InboxSource("special_entry", "Special hot list entries", Permission.APPROVE_SPECIAL,
                frozenset({Change.HOTLIST_ENTRY}), _special_entries, _decide_special,
                {Decision.APPROVE: hotlists.APPROVE, Decision.REJECT: hotlists.REJECT}),
    InboxSource("other_use", "Other-use search requests", Permission.APPROVE_OTHER_USE,
                frozenset({Change.SEARCH_REQUEST}), _other_use, _decide_other_use,
                {Decision.APPROVE: search_requests.APPROVE,
                 Decision.REJECT: search_requests.DENY}),
    InboxSource("viewing_request", "Camera viewing requests", Permission.APPROVE_VIEWING,
                frozenset({Change.VIEWING_REQUEST}), _viewing, _decide_viewing,
                {Decision.APPROVE: viewing_requests.APPROVE,
                 Decision.REJECT: viewing_requests.DENY}),
    InboxSource("referral", "Inspection referrals", Permission.DECIDE_REFERRAL,
                frozenset({Change.REFERRAL, Change.ROSTER}), _referrals, _decide_referral,
                {Decision.OUTCOME: referrals.OUTCOME}),
    InboxSource("legal_review", "Sharing legal reviews", Permission.DECIDE_SHARING_REVIEW,
                frozenset({Change.SHARING}), _legal_reviews, _decide_legal_review,
                {Decision.APPROVE: sharing.PERMIT, Decision.REJECT: sharing.DENY}),
    InboxSource("special_share", "Special hot list shares", Permission.APPROVE_SPECIAL_SHARING,
                frozenset({Change.SPECIAL_SHARE}), _special_shares, _decide_special_share,
                {Decision.APPROVE: special_sharing.APPROVE,
                 Decision.REJECT: special_sharing.REJECT}),
)
BY_KEY = {s.key: s for s in SOURCES}
# What an inbox listens to: every source's changes, and a resync.
INBOX_CHANGES = frozenset({Change.RESYNC}.union(*(s.changes for s in SOURCES)))


@service_action("inbox.list")
def inbox(session: Session, ctx: Context) -> list[InboxItem]:
    """Everything waiting for this person, from the sources their roles decide, oldest
    first."""
    person = authorize(session, ctx, Permission.USE_INBOX, action="inbox.list")
    roles = roles_of(person)
    items = [i for s in SOURCES if allows(roles, s.permission) for i in s.items(session, ctx)]
    return sorted(_named(session, items), key=lambda i: i.requested_at)


def _named(session: Session, items: list[InboxItem]) -> list[InboxItem]:
    """Some sources know only the badge of who asked: give it the name beside it, as the
    others do, so every row of the inbox reads the same."""
    bare = {i.requested_by for i in items if i.requested_by and " " not in i.requested_by}
    if not bare:
        return items
    names = {badge: name for badge, name in session.execute(
        select(Person.badge, Person.name).where(Person.badge.in_(bare)))}
    return [replace(i, requested_by=f"{i.requested_by} {names[i.requested_by]}")
            if i.requested_by in names else i for i in items]


def _action(source: str, item_id: int, decision: str, reason: str | None = None,
            until: datetime | None = None) -> str:
    chosen = BY_KEY.get(source)
    try:
        return chosen.actions[Decision(decision)] if chosen else "inbox.decide"
    except (ValueError, KeyError):
        return "inbox.decide"


@service_action(_action)
def decide(session: Session, ctx: Context, source: str, item_id: int, decision: str,
           reason: str | None = None, until: datetime | None = None) -> object:
    """Hands the decision to the source's own service, which checks who decides and audits
    it. Every decision carries a reason."""
    chosen = BY_KEY.get(source)
    if chosen is None:
        raise InputRejected(f"inbox: no source {source!r}")
    try:
        verdict = Decision(decision)
    except ValueError:
        raise InputRejected(f"decision: one of {', '.join(chosen.actions)}") from None
    if verdict not in chosen.actions:
        raise InputRejected(f"decision: {chosen.title.lower()} take "
                            f"{' or '.join(chosen.actions)}")
    text = " ".join((reason or "").split())
    if not text:
        raise InputRejected("reason: every decision in the inbox gives its reason")
    if not says_something(text):  # an approval of "ok" tells an auditor nothing
        raise InputRejected(f"reason: {text[:40]!r} does not say why; write at least "
                            f"{MIN_REASON_WORDS} different words and {MIN_REASON_CHARACTERS} "
                            "letters or digits")
    return chosen.decide(session, ctx, item_id, verdict, text, until)
