"""`rtic-console audit ...`: verify the chain and its checkpoints, write a checkpoint, the
signing key, and list events."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from rtic_console.cli.output import as_dicts, print_json, print_table
from rtic_console.cli.session import CliRefusal, CliSession
from rtic_console.domain.audit_anchor import key_id, parse_public_key, public_key_text
from rtic_console.services import audit_anchor, audit_review, plate_key
from rtic_console.services.audit_anchor import SystemIdentity
from rtic_console.services.runner import perform, query, refusals_audited
from rtic_console.store.audit_keys import SigningKeyUnavailable, load_signing_key
from rtic_console.store.audit_log import AuditFilter


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    audit = sub.add_parser("audit", help="the tamper-evident audit trail")
    cmds = audit.add_subparsers(dest="audit_command", required=True)
    verify = cmds.add_parser("verify", help="check the hash chain and its signed checkpoints; "
                                            "exit 1 saying what is wrong")
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(handler=_verify)
    checkpoint = cmds.add_parser(
        "checkpoint", help="sign the chain's head with the department key in this machine's "
                           "keyring (daily and at every inspection); without --as it acts as "
                           "the scheduled job of this workstation")
    checkpoint.set_defaults(handler=_checkpoint)
    key = cmds.add_parser("key", help="the department's audit signing key")
    key_cmds = key.add_subparsers(dest="key_command", required=True)
    create = key_cmds.add_parser("create", help="create a signing key in this machine's "
                                                "keyring and print its public key")
    create.add_argument("--replace", action="store_true",
                        help="replace this machine's key (keep the old public key trusted)")
    create.set_defaults(handler=_key_create)
    show = key_cmds.add_parser("show", help="print this machine's public key and the keys "
                                            "trusted here")
    show.set_defaults(handler=_key_show)
    plate_key = cmds.add_parser("plate-key", help="the department's plate key: the keyed "
                                                  "digests of plates in the trail (C.1)")
    plate_cmds = plate_key.add_subparsers(dest="plate_key_command", required=True)
    pk_export = plate_cmds.add_parser("export", help="write this machine's plate key to a "
                                                     "file (0600) to import elsewhere; audited")
    pk_export.add_argument("file", type=Path)
    pk_export.set_defaults(handler=_plate_key_export)
    pk_import = plate_cmds.add_parser("import", help="keep the plate key from a file in this "
                                                     "machine's OS keyring; audited")
    pk_import.add_argument("file", type=Path)
    pk_import.set_defaults(handler=_plate_key_import)
    lst = cmds.add_parser("list", help="list events, newest first")
    lst.add_argument("--since", metavar="ISO", help="only events at or after this time")
    lst.add_argument("--plate", help="only events naming this plate (by its digest once "
                                     "retention removed the plain plate)")
    lst.add_argument("--limit", type=int, default=1000)
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=_list)


def _verify(args: argparse.Namespace, cli: CliSession) -> int:
    with cli.db.read() as session:
        report = audit_anchor.verify_trail(session, cli.settings)
    if args.json:
        print_json(as_dicts([report])[0])
    else:
        print(audit_anchor.report_text(report))
    return 0 if report.ok else 1


def _checkpoint(args: argparse.Namespace, cli: CliSession) -> int:
    if cli.as_badge:
        checkpoint = perform(cli.db, cli.context(), audit_anchor.write_checkpoint)
    else:
        who = SystemIdentity("scheduled-checkpoint", cli.settings.workstation)
        with refusals_audited(cli.db, None, audit_anchor.CHECKPOINT,
                              workstation=cli.settings.workstation), cli.db.write() as session:
            checkpoint = audit_anchor.write_checkpoint(session, who)
    print(f"Checkpoint #{checkpoint.id}: event #{checkpoint.head_seq} {checkpoint.head_hash} "
          f"signed with key {checkpoint.key_id} by {checkpoint.signed_by}")
    return 0


def _key_create(args: argparse.Namespace, cli: CliSession) -> int:
    public = perform(cli.db, cli.context(), audit_anchor.create_department_key, args.replace)
    print(f"Audit signing key created in this machine's keyring (key id "
          f"{key_id(parse_public_key(public))}). Trust its public key on every workstation "
          f"that verifies, in settings.toml:\naudit_public_keys = [\"{public}\"]")
    return 0


def _key_show(args: argparse.Namespace, cli: CliSession) -> int:
    try:
        own = public_key_text(load_signing_key().public_key())
    except SigningKeyUnavailable as exc:
        own = f"none ({exc})"
    print(f"This machine's signing key: {own}")
    for text in cli.settings.audit_public_keys:
        print(f"Trusted (audit_public_keys): {key_id(parse_public_key(text))} {text}")
    return 0


def parse_since(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise CliRefusal(f"--since {raw!r} is not an ISO 8601 time") from None
    return moment.astimezone(UTC) if moment.tzinfo else moment.astimezone().astimezone(UTC)


def _list(args: argparse.Namespace, cli: CliSession) -> int:
    if args.limit < 1:
        raise CliRefusal("--limit must be at least 1")
    flt = AuditFilter(since=parse_since(args.since), plate=args.plate, limit=args.limit)
    events = query(cli.db, cli.context(), audit_review.list_events, flt)
    if args.json:
        print_json(as_dicts(events))
        return 0
    print_table(["SEQ", "TIME (local)", "ACTOR", "ACTION", "OBJECT", "REASON"],
                [(e.seq, e.occurred_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                  e.actor_badge, e.action,
                  f"{e.object_type or ''} {e.object_id or ''}".strip(),
                  (e.reason or "")[:80]) for e in events])
    return 0


def _plate_key_export(args: argparse.Namespace, cli: CliSession) -> int:
    path = perform(cli.db, cli.context(), plate_key.export_plate_key, args.file)
    print(f"Plate key written to {path} (readable by you only). Import it on every other "
          "workstation and service, then delete the file.")
    return 0


def _plate_key_import(args: argparse.Namespace, cli: CliSession) -> int:
    key_id = perform(cli.db, cli.context(), plate_key.import_plate_key, args.file)
    print(f"Plate key {key_id} kept in this machine's keyring.")
    return 0
