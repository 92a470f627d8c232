"""`rtic-console user ...`: roster maintenance from a terminal."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import datetime

from rtic_console.cli.output import as_dicts, print_json, print_table
from rtic_console.cli.session import CliRefusal, CliSession
from rtic_console.domain.roles import Role
from rtic_console.services import divisions, duties, roster
from rtic_console.services.auth import roster_is_empty
from rtic_console.services.duties import grant_summary
from rtic_console.services.runner import perform, query

NEW_PASSWORD_ENV = "RTIC_NEW_PASSWORD"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    user = sub.add_parser("user", help="roster: add, list, deactivate people")
    cmds = user.add_subparsers(dest="user_command", required=True)

    add = cmds.add_parser("add", help="add a person (the first ALPR administrator on an "
                                      "empty database needs no --as)")
    add.add_argument("badge")
    add.add_argument("--name", required=True)
    add.add_argument("--role", action="append", required=True, dest="roles",
                     choices=[r.value for r in Role], metavar="ROLE",
                     help="one of: " + ", ".join(r.value for r in Role) + " (repeatable)")
    add.add_argument("--clets-trained", metavar="YYYY-MM-DD")
    add.add_argument("--alpr-trained", metavar="YYYY-MM-DD")
    add.add_argument("--division", default="")
    add.set_defaults(handler=_add)

    lst = cmds.add_parser("list", help="list the roster")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=_list)

    deact = cmds.add_parser("deactivate", help="deactivate a person")
    deact.add_argument("badge")
    deact.set_defaults(handler=_deactivate)

    grants = cmds.add_parser("grants", help="every role held: who granted it and when, who "
                                            "confirmed it")
    grants.add_argument("--pending", action="store_true",
                        help="only grants awaiting a second person's confirmation")
    grants.add_argument("--json", action="store_true")
    grants.set_defaults(handler=_grants)

    confirm = cmds.add_parser("confirm", help="confirm a pending grant of an approving role "
                                              "(a second ALPR administrator or a division "
                                              "commander, never its granter)")
    confirm.add_argument("badge")
    confirm.add_argument("role", choices=[r.value for r in Role], metavar="ROLE")
    confirm.set_defaults(handler=_confirm)

    divs = cmds.add_parser("divisions", help="each division, its commander and its people")
    divs.add_argument("--json", action="store_true")
    divs.set_defaults(handler=_divisions)

    commander = cmds.add_parser("commander", help="set a division's commander, to whom "
                                                  "inspections refer (D.2.b(2)(a))")
    commander.add_argument("division")
    who = commander.add_mutually_exclusive_group(required=True)
    who.add_argument("badge", nargs="?", help="a person holding the division commander role")
    who.add_argument("--none", action="store_true", help="clear the division's commander")
    commander.set_defaults(handler=_commander)


def _new_password() -> str:
    if os.environ.get(NEW_PASSWORD_ENV):
        return os.environ[NEW_PASSWORD_ENV]
    if not sys.stdin.isatty():
        raise CliRefusal(f"no password for the new person: set {NEW_PASSWORD_ENV} or run "
                         "from a terminal")
    first = getpass.getpass("Password for the new person: ")
    if getpass.getpass("Repeat it: ") != first:
        raise CliRefusal("the two passwords differ")
    return first


def _add(args: argparse.Namespace, cli: CliSession) -> int:
    data = roster.PersonInput(badge=args.badge, name=args.name, roles=tuple(args.roles),
                              division=args.division, clets_trained_on=args.clets_trained,
                              alpr_trained_on=args.alpr_trained)
    with cli.db.read() as session:
        empty = roster_is_empty(session)
    if empty and not cli.as_badge:
        actor = roster.create_first_admin(cli.db, cli.settings, data, _new_password())
        print(f"Created the first ALPR administrator: {actor.badge} {actor.name}")
        return 0
    ctx = cli.context()
    view = perform(cli.db, ctx, roster.add_person, data, _new_password())
    print(f"Added {view.badge} {view.name} ({', '.join(r.value for r in view.roles)})")
    if view.pending_roles:
        print(f"Note: {', '.join(r.value for r in view.pending_roles)} takes effect when a "
              "second ALPR administrator or a division commander confirms it: rtic-console "
              f"--as BADGE user confirm {view.badge} ROLE")
    if not view.authorized:
        print(f"Note: {view.badge} cannot sign in yet: {view.training_note}")
    return 0


def _list(args: argparse.Namespace, cli: CliSession) -> int:
    people = query(cli.db, cli.context(), roster.list_people)
    if args.json:
        print_json(as_dicts(people))
        return 0
    print_table(
        ["BADGE", "NAME", "ROLES", "DIVISION", "ACTIVE", "CLETS", "ALPR", "AUTHORIZED",
         "GRANTS"],
        [(p.badge, p.name, ",".join(r.value for r in p.roles), p.division,
          "yes" if p.active else "no", p.clets_trained_on, p.alpr_trained_on,
          "yes" if p.authorized else f"no: {p.training_note or 'inactive'}",
          "; ".join(f"{g.role.value} {grant_summary(g)}" for g in p.grants))
         for p in people])
    return 0


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


def _grants(args: argparse.Namespace, cli: CliSession) -> int:
    grants = query(cli.db, cli.context(), duties.list_grants, pending_only=args.pending)
    if args.json:
        print_json(as_dicts(grants))
        return 0
    print_table(["BADGE", "NAME", "ROLE", "STATUS", "GRANTED BY", "GRANTED (local)",
                 "CONFIRMED BY", "CONFIRMED (local)"],
                [(g.badge, g.name, g.role.value,
                  "pending" if g.pending else (g.basis.value if g.basis else "in effect"),
                  g.granted_by, _when(g.granted_at), g.confirmed_by, _when(g.confirmed_at))
                 for g in grants])
    return 0


def _confirm(args: argparse.Namespace, cli: CliSession) -> int:
    grant = perform(cli.db, cli.context(), duties.confirm_role, args.badge, args.role)
    print(f"Confirmed {grant.role.value} for {grant.badge} {grant.name} "
          f"({grant_summary(grant)})")
    return 0


def _deactivate(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), roster.deactivate_person, args.badge)
    print(f"Deactivated {view.badge} {view.name}")
    return 0


def _divisions(args: argparse.Namespace, cli: CliSession) -> int:
    views = query(cli.db, cli.context(), divisions.list_divisions)
    if args.json:
        print_json(as_dicts(views))
        return 0
    print_table(["DIVISION", "COMMANDER", "PEOPLE", "NOTE"],
                [(v.name, v.commander, v.members, v.note) for v in views])
    return 0


def _commander(args: argparse.Namespace, cli: CliSession) -> int:
    view = perform(cli.db, cli.context(), divisions.set_commander, args.division,
                   None if args.none else args.badge)
    print(f"{view.name}: " + (f"commander {view.commander}" if view.commander_badge
                              else "no commander"))
    return 0
