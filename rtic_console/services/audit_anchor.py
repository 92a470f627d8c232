"""Anchoring the audit trail: signed checkpoints of its head, the department key, and the
verification of the chain against its checkpoints.

`write_checkpoint` is what the headless service calls daily and an inspection calls at its
end: a plain function of a session and the acting person's Context, or the SystemIdentity
of a scheduled job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session

from rtic_console.config import Settings
from rtic_console.domain.audit_anchor import (
    Checkpoint,
    check_anchors,
    key_id,
    public_key_text,
    sign_checkpoint,
)
from rtic_console.domain.roles import Permission
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected, Refused, service_action
from rtic_console.store import audit_log
from rtic_console.store.audit_keys import (
    SigningKeyUnavailable,
    create_signing_key,
    load_signing_key,
    trusted_keys,
)
from rtic_console.store.audit_log import append_event

CHECKPOINT = "audit.checkpoint"
KEY_CREATE = "audit.key.create"


@dataclass(frozen=True)
class SystemIdentity:
    """Who acts when no person does: a scheduled job such as the headless service's daily
    checkpoint. Audit events name it as 'system:NAME' from its workstation."""

    name: str
    workstation: str

    @property
    def label(self) -> str:
        return f"system:{self.name}"

    def now(self) -> datetime:
        """As a person's Context says it, so a service takes either for the time."""
        return datetime.now(UTC)


@dataclass(frozen=True)
class TrailReport:
    """The chain check and the checkpoint check together; ok only when both hold."""

    ok: bool
    problem: str | None
    events_checked: int
    first_bad_seq: int | None
    head_seq: int | None
    head_hash: str | None
    checkpoints: int
    signatures_checked: int
    newest_checkpoint: Checkpoint | None
    note: str | None


@service_action(CHECKPOINT)
def write_checkpoint(session: Session, who: Context | SystemIdentity,
                     key: Ed25519PrivateKey | None = None) -> Checkpoint:
    """Sign the chain's head with the department key (from this machine's keyring unless
    given) and store the checkpoint, with its audit event, in the caller's transaction.

    A person needs a role that anchors the trail; a missing key is a `Refused` naming what
    to set up. Run through `runner.perform` the refusal is audited; a scheduled job calling
    this directly audits it inside `runner.refusals_audited`.
    """
    if isinstance(who, Context):
        authorize(session, who, Permission.ANCHOR_AUDIT, action=CHECKPOINT, object_type="audit")
        signer, badge, workstation = who.actor.badge, who.actor.badge, who.workstation
    else:
        signer, badge, workstation = who.label, None, who.workstation
    if key is None:
        try:
            key = load_signing_key()
        except SigningKeyUnavailable as exc:
            raise Refused(f"No checkpoint was written: {exc}.", action=CHECKPOINT,
                          clause="AUDIT", object_type="audit") from None
    head = audit_log.locked_head(session)
    if head is None:
        raise InputRejected("the audit trail is empty: there is nothing to anchor yet")
    signed_at = datetime.now(UTC)
    kid, signature = sign_checkpoint(key, head[0], head[1], signed_at)
    checkpoint = audit_log.add_checkpoint(session, Checkpoint(
        0, head[0], head[1], signed_at, kid, signature, signer, workstation))
    append_event(session, actor_badge=badge, workstation=workstation, action=CHECKPOINT,
                 object_type="audit_checkpoint", object_id=checkpoint.id,
                 reason=f"head #{head[0]} signed", details={
                     "head_seq": head[0], "head_hash": head[1], "key_id": kid,
                     "signature": signature, "signed_by": signer})
    return checkpoint


@service_action(KEY_CREATE)
def create_department_key(session: Session, ctx: Context, replace: bool = False) -> str:
    """A new signing key in this machine's keyring; returns its public key to be trusted on
    every workstation that verifies (setting audit_public_keys). Audited with its key id."""
    authorize(session, ctx, Permission.MANAGE_AUDIT_KEY, action=KEY_CREATE,
              object_type="audit_key")
    try:
        public = create_signing_key(replace=replace)
    except SigningKeyUnavailable as exc:
        raise Refused(f"No key was created: {exc}.", action=KEY_CREATE, clause="AUDIT",
                      object_type="audit_key") from None
    text = public_key_text(public)
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=KEY_CREATE, object_type="audit_key", object_id=key_id(public),
                 reason="audit signing key created in this workstation's keyring",
                 details={"public_key": text, "replaced": replace})
    return text


def verify_trail(session: Session, settings: Settings) -> TrailReport:
    """Anyone may check integrity: it reveals no event, only whether the trail holds.

    The chain must be intact, and every checkpoint must be signed by a trusted department
    key and still match the trail (no event removed from the end, no hash recomputed).
    """
    chain = audit_log.verify(session)
    trusted = trusted_keys(settings.audit_public_keys)
    stored = audit_log.checkpoints(session)
    hashes = audit_log.hashes_at(session, {c.head_seq for c in stored})
    anchors = check_anchors(stored, trusted, chain.head_seq, hashes.get)
    inspected = _inspection_problem(session, chain.head_seq)
    problem = chain.problem if not chain.ok else anchors.problem or inspected
    return TrailReport(chain.ok and anchors.ok and inspected is None, problem,
                       chain.events_checked,
                       chain.first_bad_seq, chain.head_seq, chain.head_hash, anchors.checkpoints,
                       anchors.signatures_checked, anchors.newest, anchors.note)


def _inspection_problem(session: Session, head_seq: int | None) -> str | None:
    """Every closed inspection recorded the chain's head (D.2.b): the trail must still reach
    it, with the same hash there, whether or not a key signed it."""
    heads = audit_log.inspection_heads(session)
    found = audit_log.hashes_at(session, {seq for _q, seq, _h in heads})
    for quarter, seq, digest in heads:
        if head_seq is None or head_seq < seq:
            return (f"the trail ends at event #{head_seq or 0}, before event #{seq}, the head "
                    f"the inspection of {quarter} recorded: events were removed")
        if found.get(seq) != digest:
            return (f"event #{seq} no longer has the hash the inspection of {quarter} "
                    "recorded at its close: the trail was rewritten")
    return None


def report_text(report: TrailReport) -> str:
    """The verdict in words, for the CLI and the audit screen alike."""
    if not report.ok and report.first_bad_seq is not None:
        return f"Audit chain BROKEN at event #{report.first_bad_seq}: {report.problem}"
    if not report.ok:
        return (f"Audit trail FAILS its signed checkpoints or inspection heads: "
                f"{report.problem}")
    text = (f"Audit chain intact: {report.events_checked} events; head #{report.head_seq} "
            f"{report.head_hash or ''}".rstrip() + ".")
    cp = report.newest_checkpoint
    if cp is not None:
        text += (f" Anchored: {report.checkpoints} checkpoint(s), the newest of "
                 f"{cp.signed_at.astimezone():%Y-%m-%d %H:%M} at event #{cp.head_seq} "
                 f"({report.signatures_checked} signature(s) checked).")
    if report.note:
        text += f" Note: {report.note}."
    return text
