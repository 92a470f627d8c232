"""Which workstation this console runs on, proven rather than declared (G.3.f).

Enrolment leaves, in this machine's OS keyring, the enrolled name and a random secret for
this database; the database keeps the secret's SHA-256. At sign-in the console reads the
keyring, finds the enrolment by name and compares hashes. A machine without that entry (or
with a revoked or replaced enrolment) runs as "not enrolled": its audit events say so and
donor cameras never show on it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rtic_console.config import Settings
from rtic_console.services.context import Context, Station, service_action
from rtic_console.store.credentials import (
    KeyringUnavailable,
    database_identity,
    read_secret,
    write_secret,
)
from rtic_console.store.database import Database
from rtic_console.store.models import Workstation


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def keyring_name(session: Session) -> str:
    """One enrolment per machine and database, whichever login the console uses."""
    return f"workstation@{database_identity(session.get_bind().url)}"


def keep_enrolment(session: Session, name: str, secret: str) -> None:
    """Stores the enrolment in this machine's keyring; raises KeyringUnavailable without one."""
    write_secret(keyring_name(session), json.dumps({"name": name, "secret": secret}))


def held_enrolment(session: Session) -> tuple[str, str] | None:
    """The (name, secret) this machine holds for this database, if any. Raises
    KeyringUnavailable when there is no keyring to ask."""
    raw = read_secret(keyring_name(session))
    if not raw:
        return None
    try:
        held = json.loads(raw)
        return str(held["name"]), str(held["secret"])
    except (ValueError, KeyError, TypeError):
        return None  # not ours, or damaged: as good as no enrolment


def find_workstation(session: Session, name: str) -> Workstation | None:
    return session.scalar(select(Workstation).where(Workstation.name_key == name.casefold()))


def _when(moment: datetime) -> str:
    return f"{moment.astimezone():%Y-%m-%d %H:%M}"


def prove_station(session: Session, settings: Settings) -> Station:
    """This machine's station for this database, enrolled or with the reason it is not."""
    claimed = settings.workstation

    def unenrolled(note: str) -> Station:
        return Station(claimed, False, note=note)

    try:
        held = held_enrolment(session)
    except KeyringUnavailable as exc:
        return unenrolled(f"{exc}, so this workstation cannot prove an enrolment")
    if held is None:
        return unenrolled("this machine's keyring holds no enrolment for this database")
    name, secret = held
    row = find_workstation(session, name)
    if row is None:
        return unenrolled(f"the enrolment of {name} held by this machine is not in this "
                          "database")
    if row.revoked_at is not None:
        return unenrolled(f"the enrolment of {row.name} was revoked {_when(row.revoked_at)}")
    if not hmac.compare_digest(secret_hash(secret), row.secret_hash):
        return unenrolled(f"{row.name} was enrolled again on another machine "
                          f"{_when(row.enrolled_at)}; this machine's secret no longer matches")
    return Station(row.name, True, proof=row.secret_hash)


def station_of(db: Database, settings: Settings) -> Station:
    """The proof on its own, for the sign-in screen to say before anyone signs in."""
    with db.read() as session:
        return prove_station(session, settings)


def describe_station(station: Station) -> str:
    """One line for the sign-in screen and the status bar."""
    if station.enrolled:
        return f"Workstation {station.name} (enrolled)"
    return (f"Workstation {station.name} is NOT ENROLLED ({station.note}): donor cameras never "
            "show here and its audit events say so. An ALPR administrator enrols it at this "
            "machine: rtic-console --as BADGE workstation enrol NAME")


@service_action("pscn.view")  # asked while a donor camera is opened for viewing
def unenrolled_reason(session: Session, ctx: Context) -> str | None:
    """Why this console may not show donor video as an enrolled workstation, or None.

    The secret was proven at sign-in; this re-reads the enrolment, so a revocation takes
    effect on the console's next decision without a new sign-in.
    """
    station = ctx.enrolled_station
    if station is None:
        note = ctx.station.note if ctx.station is not None else "no workstation was proven"
        return f"this workstation is not enrolled ({note}); donor cameras never show on it"
    row = find_workstation(session, station.name)
    if row is None or row.revoked_at is not None or row.secret_hash != station.proof:
        return (f"the enrolment of workstation {station.name} was revoked or replaced; "
                "donor cameras no longer show on it")
    return None
