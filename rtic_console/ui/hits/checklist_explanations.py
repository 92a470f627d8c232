"""What the checklist panel says about a hit: its status line, and why F2, F8 or F9 does
nothing on it (the keys are pressed without looking at the panel)."""

from __future__ import annotations

from rtic_console.domain.checklist import (
    OPEN_STATUSES,
    STATUS_TITLES,
    ChecklistRefusal,
    HitStatus,
    Step,
    check_confirm_allowed,
)
from rtic_console.services.hits import HitDetail, HitView
from rtic_console.ui.widgets import sentence


def status_text(h: HitView, mine: bool, can_work: bool, may_free_claims: bool) -> str:
    """The line above the steps: where the hit stands and what this person may do on it."""
    if not h.open:
        return f"Closed: {h.status.value.replace('_', ' ')}." + (
            f" Recovery call for service {h.recovery_cfs} (D.3.e)." if h.recovery_cfs
            else "")
    if not can_work:
        if may_free_claims and h.status is HitStatus.CLAIMED:
            return (f"Claimed by {h.claimed_by} {h.claimed_by_name or ''}. If they cannot "
                    "finish it, release the claim with a reason: it goes back to the "
                    "queue for another dispatcher (D.5.a).").replace("  ", " ")
        return "Only dispatchers claim and verify hits (D.5.b)."
    if h.informational:
        return ("Informational hit: it is never confirmed. Claim it, note it and close it "
                "with a reason." if h.status is HitStatus.NEW else
                "Informational hit, claimed by you: close it with a reason once noted."
                if mine else f"Informational hit, claimed by {h.claimed_by}.")
    if h.status is HitStatus.NEW:
        return "New: claim it to work the checklist, or to close it."
    if mine:
        return ("Claimed by you. Work the steps in order; close it as no longer wanted "
                "only after step 2 shows it.")
    return f"Claimed by {h.claimed_by} {h.claimed_by_name or ''}."


def claim_refusal(hit: HitView, me: str) -> str:
    """F2 on a hit that is not there to claim: why, never nothing at all."""
    if not hit.open:
        return f"Hit #{hit.id} is already {STATUS_TITLES[hit.status].lower()}."
    if hit.claimed_by == me:
        return (f"Hit #{hit.id} is claimed by you already: work its steps in order "
                "(Ctrl+Return records the step you are on).")
    return (f"Hit #{hit.id} is claimed by {hit.claimed_by} "
            f"{hit.claimed_by_name or ''}: only they work it (D.6.a); a sergeant can "
            "release the claim (D.5.a).").replace("  ", " ")


def key_refusal(detail: HitDetail, me: str, closing: bool) -> str | None:
    """F9 (confirm) or F8 (close) when its button is not open to the dispatcher: why, or
    None when there is nothing to say (a closed hit; closing one's own claimed hit)."""
    hit = detail.hit
    if hit.status not in OPEN_STATUSES:
        return None
    if hit.status is HitStatus.NEW:
        return ("Claim this hit first (F2): only the dispatcher who claimed a hit records "
                "its steps, confirms it or closes it (D.6.a).")
    if hit.claimed_by != me:
        return (f"Hit #{hit.id} is claimed by {hit.claimed_by}: only they confirm or "
                "close it (D.6.a).")
    if closing:
        return None
    if hit.informational:
        return ("A special hot list hit is informational only (I.1): it is never "
                "confirmed; close it with a reason (F8).")
    # Why confirming is refused, by the rule the service applies.
    steps = {s.step: s for s in detail.steps}
    checks = steps.get(Step.RECORD_CHECKS)
    try:
        check_confirm_allowed(hit.status, hit.claimed_by, me, set(steps),
                              checks.data.get("outcome") if checks else None)
    except ChecklistRefusal as refusal:
        return f"{sentence(str(refusal))} ({refusal.clause})"
    return None
