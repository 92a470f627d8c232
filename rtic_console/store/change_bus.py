"""Live events after commit, published by the write itself: one typed vocabulary, both engines.

PostgreSQL carries each event to every process by NOTIFY. SQLite has no NOTIFY: the event
is written to the `change_log` table in the write's own transaction (so it exists exactly
when the change does), delivered at once to this process's bus after commit, and read by
the other processes' `SqliteChangePoller`.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, event, insert, text
from sqlalchemy.orm import Session

from rtic_console.store.models import ChangeLogEntry

logger = logging.getLogger(__name__)

CHANNEL = "rtic_events"
_PENDING = "rtic_pending_events"
BUS_KEY = "rtic_change_bus"
MAX_IDS = 200  # a NOTIFY payload holds 8000 bytes; receivers reload by kind beyond this
# SQLite keeps this many recent events; a poller that falls further behind resyncs.
CHANGE_LOG_KEEP = 20_000
_PRUNE_EVERY = 500


class Change(StrEnum):
    """What a committed write changed. `ids` name the rows, when the kind has rows."""

    READS_ADDED = "reads.added"  # detection ids
    HIT_CREATED = "hit.created"  # hit ids
    HIT_CHANGED = "hit.changed"  # hit ids: claimed, a step, closed, confirmed
    HOTLIST_ENTRY = "hotlist.entry"  # entry ids
    HOTLIST_LIST = "hotlist.list"  # list ids: a whole list replaced
    CAMERA = "pscn.camera"  # camera (device) ids
    DONOR_TERMS = "pscn.donor_terms"  # camera ids whose donor terms changed
    DONOR_AGREEMENT = "pscn.donor_agreement"  # agreement ids: added, edited or withdrawn
    RECORDING = "pscn.recording"  # camera ids with a new segment or a purge
    VIEWING = "pscn.viewing"  # camera ids opened for viewing
    DEVICE_HEALTH = "device.health"  # device ids whose heartbeat was recorded
    DEVICE = "device.changed"  # device ids: added, edited, reported damaged, cleared
    SHIFT_CHECK = "device.shift_check"  # shift check ids
    ALERT = "alert.changed"  # alert ids: raised or acknowledged
    QUARANTINE = "quarantine.added"  # quarantined payload ids
    SEARCH = "search.logged"  # search ids
    SEARCH_REQUEST = "search.request"  # other-use request ids
    REGISTRY = "registry.changed"  # entry ids; none after an import
    ROSTER = "roster.changed"  # person ids
    WORKSTATION = "workstation.changed"  # workstation ids: enrolled or revoked
    INSPECTION = "inspection.changed"  # inspection ids: opened, a search reviewed, closed
    REFERRAL = "inspection.referral"  # referral ids: referred to a commander, or decided
    VIEWING_REQUEST = "pscn.viewing_request"  # viewing request ids: asked or decided (F.2.e)
    AGENCY = "sharing.agency"  # agency ids; none after an import
    SHARING = "sharing.request"  # sharing request ids: filed, sent to review, reviewed
    SPECIAL_SHARE = "sharing.special"  # special hot list share request ids
    AUDIT = "audit.appended"  # none: the trail grew
    RETENTION = "retention.changed"  # evidence hold ids placed or released; none: a setting
    PURGED = "retention.purged"  # purge run ids: data past retention was removed
    RESYNC = "resync"  # events may have been missed: reload everything shown


@dataclass(frozen=True)
class ChangeEvent:
    """What changed, by kind and ids: receivers reload what they show, never trust payloads."""

    kind: Change
    ids: tuple[int, ...] = ()
    data: dict[str, Any] | None = None

    def to_json(self) -> str:
        return json.dumps({"kind": self.kind.value, "ids": list(self.ids[:MAX_IDS]),
                           "data": self.data or {}}, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> ChangeEvent:
        """Raises ValueError for anything that is not one of our events."""
        body = json.loads(raw)
        if not isinstance(body, dict):
            raise ValueError("a change event is a JSON object")
        return cls(Change(body["kind"]), tuple(int(i) for i in body.get("ids", ())),
                   body.get("data") or None)


Subscriber = Callable[[ChangeEvent], None]


class ChangeBus:
    """Subscribers hear every committed event, from this process and from others.

    `origin` tells this bus's own events apart in the SQLite change log, which it has
    already delivered in-process.
    """

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()
        self.origin = uuid.uuid4().hex[:16]
        self._published = 0

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        with self._lock:
            self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            with self._lock:
                if subscriber in self._subscribers:
                    self._subscribers.remove(subscriber)

        return unsubscribe

    def deliver(self, change: ChangeEvent) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            try:
                subscriber(change)
            except Exception:  # one faulty pane must not starve the others
                logger.exception("change subscriber failed on %s", change.kind)

    def count_publish(self) -> bool:
        """True every so many publishes: time for this process to prune the change log."""
        with self._lock:
            self._published += 1
            return self._published % _PRUNE_EVERY == 0


class ListenerThread(threading.Thread):
    """What both listeners share: the bus they feed, `connected` while they hear every
    change, a stop, and the `resync` they deliver after a gap, naming since when."""

    def __init__(self, name: str, bus: ChangeBus) -> None:
        super().__init__(name=name, daemon=True)
        self._bus = bus
        self._stop_event = threading.Event()
        self.connected = threading.Event()
        self._alive_at = datetime.now(UTC)  # the last moment it knew it heard everything

    def stop(self, timeout: float = 5.0) -> None:
        self._stop_event.set()
        if self.is_alive():
            self.join(timeout)

    def _resync(self) -> None:
        self._bus.deliver(ChangeEvent(Change.RESYNC, data={"since": self._alive_at.isoformat()}))


def publish(session: Session, kind: Change, ids: tuple[int, ...] | list[int] = (),
            data: dict[str, Any] | None = None) -> None:
    """Announce a change that becomes visible when the session commits, and not before."""
    change = ChangeEvent(kind, tuple(ids)[:MAX_IDS], data)
    if session.get_bind().dialect.name == "postgresql":
        # NOTIFY is queued in the transaction and delivered at commit, to every listener.
        session.execute(text("SELECT pg_notify(:channel, :payload)"),
                        {"channel": CHANNEL, "payload": change.to_json()})
        return
    bus: ChangeBus | None = session.info.get(BUS_KEY)
    if bus is None:
        return
    session.execute(insert(ChangeLogEntry).values(
        origin=bus.origin, kind=change.kind.value, payload=change.to_json()))
    if bus.count_publish():
        session.execute(delete(ChangeLogEntry).where(
            ChangeLogEntry.id <= session.query(ChangeLogEntry.id)
            .order_by(ChangeLogEntry.id.desc()).limit(1).scalar_subquery() - CHANGE_LOG_KEEP))
    pending = session.info.setdefault(_PENDING, [])
    if not pending:
        event.listen(session, "after_commit", _flush_after_commit(bus), once=True)
        event.listen(session, "after_rollback", _drop_pending, once=True)
    pending.append(change)


def _flush_after_commit(bus: ChangeBus) -> Callable[[Session], None]:
    def flush(session: Session) -> None:
        for change in session.info.pop(_PENDING, []):
            bus.deliver(change)

    return flush


def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)
