"""Live events after commit: PostgreSQL NOTIFY between processes, an in-process bus on SQLite."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)

CHANNEL = "rtic_events"
_PENDING = "rtic_pending_events"
BUS_KEY = "rtic_change_bus"


@dataclass(frozen=True)
class ChangeEvent:
    """What changed, by kind and ids: receivers reload what they show, never trust payloads."""

    kind: str
    ids: tuple[int, ...] = ()
    data: dict[str, Any] | None = None

    def to_json(self) -> str:
        return json.dumps({"kind": self.kind, "ids": list(self.ids), "data": self.data or {}},
                          separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> ChangeEvent:
        body = json.loads(raw)
        return cls(str(body["kind"]), tuple(int(i) for i in body.get("ids", ())),
                   body.get("data") or None)


Subscriber = Callable[[ChangeEvent], None]


class ChangeBus:
    """Subscribers hear every committed event, from this process and (on PostgreSQL) others."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()

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


def publish(session: Session, change: ChangeEvent) -> None:
    """Announce a change that becomes visible when the session commits, and not before.

    PostgreSQL queues NOTIFY inside the transaction and delivers it at commit (to every
    listener, this process included). SQLite has no NOTIFY: the event waits in the
    session and goes to the in-process bus after commit; a rollback drops it.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, :payload)"),
                        {"channel": CHANNEL, "payload": change.to_json()})
        return
    bus = session.info.get(BUS_KEY)
    if bus is None:
        return
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
