"""The process's hot list index: loaded from the database and kept current by change events."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from rtic_console.domain.hotlist_index import HotListIndex, IndexRow, Match
from rtic_console.domain.hotlists import ListKind
from rtic_console.domain.reads import PlateRead
from rtic_console.readers_writer_lock import ReadersWriterLock
from rtic_console.store.change_bus import Change, ChangeEvent
from rtic_console.store.database import Database
from rtic_console.store.models import HotList, HotListEntry

logger = logging.getLogger(__name__)

class MatchingEngine:
    """Only active entries are indexed; expiry is judged at match time, so none linger.

    Change events only queue; the spool drain's lanes apply them (`catch_up`) before they
    match their next batch, so the index moves in commit order. The lanes match inside
    `matching()`, and a change is applied under the lock's exclusive side, so never under
    a match: it waits for the transactions matching now, and holds back the next ones.
    """

    def __init__(self, max_substitutions: int = 1,
                 group_window: timedelta = timedelta(0)) -> None:
        self.index = HotListIndex(max_substitutions)
        # Reads of one entry's vehicle this close to an open hit's are its sightings
        # (services/hit_grouping.py); the ingest service sets it, zero groups nothing.
        self.group_window = group_window
        self.list_kinds: dict[int, ListKind] = {}
        self.loaded_at: datetime | None = None
        self._pending: list[ChangeEvent] = []
        self._lock = threading.Lock()
        self._guard = ReadersWriterLock()

    def matching(self) -> AbstractContextManager[None]:
        """Held by a transaction that matches reads: the index does not change under it."""
        return self._guard.shared()

    def load(self, session: Session) -> int:
        """Every list afresh; lists deleted since the last load leave the index too."""
        kinds = {hl.id: ListKind(hl.kind) for hl in session.scalars(select(HotList))}
        for gone in set(self.list_kinds) - set(kinds):
            self.index.drop_list(gone)
        self.list_kinds = kinds
        for list_id in kinds:
            self.index.replace_list(list_id, self._rows(session, list_id))
        self.loaded_at = datetime.now(UTC)
        return len(self.index)

    def reload(self, db: Database) -> int:
        """`load`, dropping the queued changes it already includes (those queued before).

        It opens its own read: a change queued (committed) before the count is in the
        load's snapshot only if that snapshot starts after the count. A session that had
        already read (SQLite's snapshot starts at its first read) would miss a change
        committed in between, and dropping it would lose that entry until the next resync.
        """
        with self._lock:
            seen = len(self._pending)
        with db.read() as session, self._guard.exclusive():
            size = self.load(session)
        with self._lock:
            del self._pending[:seen]
        return size

    @staticmethod
    def _rows(session: Session, list_id: int) -> list[IndexRow]:
        result = session.execute(
            select(HotListEntry.id, HotListEntry.plate, HotListEntry.state,
                   HotListEntry.priority, HotListEntry.effective_at, HotListEntry.expires_at)
            .where(HotListEntry.list_id == list_id, HotListEntry.status == "active")
            .execution_options(yield_per=20000))
        return [IndexRow(*row) for row in result]

    def refresh_entries(self, session: Session, entry_ids: tuple[int, ...]) -> None:
        for entry_id in entry_ids:
            entry = session.get(HotListEntry, entry_id)
            if entry is None or entry.status != "active":
                self.index.remove(entry_id)
                continue
            if entry.list_id not in self.list_kinds:
                hot_list = session.get(HotList, entry.list_id)
                if hot_list is not None:
                    self.list_kinds[hot_list.id] = ListKind(hot_list.kind)
            self.index.add(entry.id, entry.list_id, entry.plate, entry.state, entry.priority,
                           entry.effective_at, entry.expires_at)

    def refresh_list(self, session: Session, list_id: int) -> None:
        hot_list = session.get(HotList, list_id)
        if hot_list is None:
            self.index.drop_list(list_id)
            self.list_kinds.pop(list_id, None)
            return
        self.list_kinds[list_id] = ListKind(hot_list.kind)
        self.index.replace_list(list_id, self._rows(session, list_id))

    def subscriber(self) -> Callable[[ChangeEvent], None]:
        """A change-bus subscriber that only queues hot list changes (and resyncs): the
        index's owner applies them in order with `catch_up`, on its own thread."""

        def on_change(change: ChangeEvent) -> None:
            if change.kind in _INDEX_KINDS:
                with self._lock:
                    self._pending.append(change)

        return on_change

    def has_changes(self) -> bool:
        """Whether changes wait for `catch_up`; lets a drain skip opening a read for none."""
        with self._lock:
            return bool(self._pending)

    def catch_up(self, session: Session) -> datetime | None:
        """Apply queued changes in order. After a resync the whole index is reloaded, and
        the answer is since when reads may have been matched against a stale index.
        Two lanes may call it at once: the first applies, the second finds nothing left."""
        if not self.has_changes():
            return None
        with self._guard.exclusive():
            return self._apply_pending(session)

    def _apply_pending(self, session: Session) -> datetime | None:
        with self._lock:
            changes = list(self._pending)
        if not changes:
            return None
        resyncs = [c for c in changes if c.kind is Change.RESYNC]
        since = None
        if resyncs:
            self.load(session)
            since = min(_since(c) for c in resyncs)
        else:
            for change in changes:
                if change.kind is Change.HOTLIST_ENTRY:
                    self.refresh_entries(session, change.ids)
                else:
                    for list_id in change.ids:
                        self.refresh_list(session, list_id)
        with self._lock:  # only now: a failed reload leaves them queued for the retry
            del self._pending[:len(changes)]
        logger.info("hot list index updated (%s changes): %s entries", len(changes),
                    len(self.index))
        return since

    def match(self, read: PlateRead, now: datetime) -> list[Match]:
        return self.index.match(read.plate, read.state, [c for c, _ in read.candidates], now)


_INDEX_KINDS = frozenset({Change.HOTLIST_ENTRY, Change.HOTLIST_LIST, Change.RESYNC})


def _since(change: ChangeEvent) -> datetime:
    """When a resync's listener last knew it heard everything; now if it does not say."""
    raw = (change.data or {}).get("since")
    try:
        moment = datetime.fromisoformat(str(raw)) if raw else None
    except ValueError:
        moment = None
    return moment if moment is not None and moment.tzinfo else datetime.now(UTC)
