"""Escalation of hits left waiting (D.5.a): an alert to the sergeant on duty, once per hit.

A hit still unclaimed after `unclaimed` minutes, or claimed but neither confirmed nor
closed after `unfinished` minutes, raises a `hit.escalated` alert for the supervisors
(the sergeants on duty), in the same transaction as its audit event. The hit's
`escalated_at` is set by an `UPDATE ... WHERE escalated_at IS NULL`, so two headless
services running the check at once still escalate it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from rtic_console.domain.checklist import HitStatus
from rtic_console.domain.roles import Role
from rtic_console.services.alerts import raise_alert
from rtic_console.services.audit_anchor import SystemIdentity
from rtic_console.store.audit_log import append_event
from rtic_console.store.change_bus import Change, publish
from rtic_console.store.models import Hit, HotList

ESCALATE = "hits.escalate"


@dataclass(frozen=True)
class EscalationRule:
    """How long a hit may wait before the sergeant on duty hears of it."""

    unclaimed: timedelta  # no dispatcher has claimed it
    unfinished: timedelta  # claimed, but neither confirmed nor closed


DEFAULT_RULE = EscalationRule(timedelta(minutes=5), timedelta(minutes=20))


@dataclass(frozen=True)
class Escalation:
    hit_id: int
    alert_id: int
    why: str  # "unclaimed" or "unfinished"


def escalate_waiting_hits(session: Session, who: SystemIdentity, rule: EscalationRule,
                          now: datetime) -> list[Escalation]:
    """Escalate every hit waiting past the rule that was not escalated before."""
    waiting = session.execute(
        select(Hit.id, Hit.status, Hit.read_plate, Hit.reason, Hit.created_at,
               Hit.claimed_by, Hit.list_id, HotList.name)
        .join(HotList, HotList.id == Hit.list_id)
        .where(Hit.escalated_at.is_(None), or_(
            and_(Hit.status == HitStatus.NEW.value, Hit.created_at <= now - rule.unclaimed),
            and_(Hit.status == HitStatus.CLAIMED.value,
                 Hit.created_at <= now - rule.unfinished)))
        .order_by(Hit.created_at, Hit.id)).all()
    done = []
    for hit_id, status, plate, reason, created_at, claimed_by, list_id, list_name in waiting:
        won = session.execute(
            update(Hit).where(Hit.id == hit_id, Hit.escalated_at.is_(None))
            .values(escalated_at=now).execution_options(synchronize_session=False)).rowcount
        if not won:
            continue  # another service escalated it first
        why = "unclaimed" if status == HitStatus.NEW.value else "unfinished"
        minutes = int((now - created_at).total_seconds() // 60)
        limit = rule.unclaimed if why == "unclaimed" else rule.unfinished
        # No plate in the alert: alerts outlive the reads' retention (C.1); Show opens it.
        title = (f"Hit #{hit_id} unclaimed for {minutes} min" if why == "unclaimed"
                 else f"Hit #{hit_id} claimed by {claimed_by}, not finished after "
                      f"{minutes} min")
        alert_id = raise_alert(
            session, kind="hit.escalated", title=title,
            body=(f"{reason.replace('_', ' ').capitalize()} on {list_name}. Hits are worked "
                  f"promptly (D.5.a); this one passed the {int(limit.total_seconds() // 60)}-"
                  "minute limit. See that a dispatcher works it now"
                  + ("." if why == "unclaimed" else
                     "; if its dispatcher cannot finish it, release the claim in the Hit "
                     "queue so that another can take it.")),
            for_role=Role.SUPERVISOR, subject_type="hit", subject_id=hit_id, raised_by=None,
            at=now)
        append_event(session, actor_badge=None, workstation=who.workstation,
                     action=ESCALATE, object_type="hit", object_id=hit_id,
                     reason=f"{why} past the limit; escalated by {who.label}",
                     details={"list_id": list_id, "why": why, "minutes": minutes,
                              "limit_minutes": int(limit.total_seconds() // 60),
                              "alert_id": alert_id, "for_role": Role.SUPERVISOR.value},
                     plates={"plate": plate})
        publish(session, Change.HIT_CHANGED, (hit_id,))
        done.append(Escalation(hit_id, alert_id, why))
    return done
