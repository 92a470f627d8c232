"""Carrying the department's plate key between machines, so every console and service writes
and finds the same plate digests in the audit trail (C.1)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from rtic_console.domain.roles import Permission
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected, service_action
from rtic_console.store.audit_log import append_event
from rtic_console.store.models import AuditEvent
from rtic_console.store.plate_key import (
    PlateKeyError,
    keep_plate_key,
    load_plate_key,
    parse_plate_key,
)
from rtic_console.store.private_files import write_private

EXPORT, IMPORT = "audit.plate_key.export", "audit.plate_key.import"


def key_in_use(session: Session) -> str | None:
    """The key id of the newest plate digest in the trail, None before any. Read from the
    trail itself: the plain plates' side table is purged with retention."""
    details = session.scalar(select(AuditEvent.details)
                             .where(AuditEvent.details.like('%hmac":"%'))
                             .order_by(AuditEvent.seq.desc()).limit(1))
    for name, value in json.loads(details or "{}").items():
        if name.endswith("_hmac") and isinstance(value, str):
            return value.split(":", 1)[0]
    return None


@service_action(EXPORT)
def export_plate_key(session: Session, ctx: Context, path: str | Path) -> Path:
    """This machine's plate key into a file only its owner reads; audited by key id."""
    authorize(session, ctx, Permission.MANAGE_AUDIT_KEY, action=EXPORT)
    try:
        key = load_plate_key(create=False)
    except PlateKeyError as exc:
        raise InputRejected(str(exc)) from None
    target = Path(path)
    if target.exists():
        raise InputRejected(f"{target} already exists; choose a new file")
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=EXPORT, object_type="plate_key", object_id=key.key_id,
                 details={"file": str(target)})
    try:
        write_private(target, f"{key.text}\n".encode())
    except OSError as exc:
        raise InputRejected(f"cannot write {target}: {exc.strerror}") from None
    return target


@service_action(IMPORT)
def import_plate_key(session: Session, ctx: Context, path: str | Path) -> str:
    """Keeps the key from a file in this machine's keyring, if it is the key the trail's
    newest digests were made with (or none are there yet). Returns its key id."""
    authorize(session, ctx, Permission.MANAGE_AUDIT_KEY, action=IMPORT)
    try:
        key = parse_plate_key(Path(path).read_text(encoding="ascii"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputRejected(f"cannot read the plate key from {path}: {exc}") from None
    except PlateKeyError as exc:
        raise InputRejected(f"{path}: {exc}") from None
    in_use = key_in_use(session)
    if in_use and in_use != key.key_id:
        raise InputRejected(f"{path} holds another key ({key.key_id}) than the one the audit "
                            f"trail's plates are digested with ({in_use})")
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action=IMPORT, object_type="plate_key", object_id=key.key_id)
    try:
        keep_plate_key(key)
    except PlateKeyError as exc:
        raise InputRejected(str(exc)) from None
    return key.key_id
