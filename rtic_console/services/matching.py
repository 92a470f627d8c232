"""The process's hot list index: loaded from the database and kept current by change events."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rtic_console.domain.hotlist_index import HotListIndex, IndexRow, Match
from rtic_console.domain.hotlists import ListKind
from rtic_console.domain.reads import PlateRead
from rtic_console.services.hotlists import ENTRY_CHANGED, LIST_REPLACED
from rtic_console.store.change_bus import ChangeEvent
from rtic_console.store.models import HotList, HotListEntry

logger = logging.getLogger(__name__)

SessionFactory = Callable[[], AbstractContextManager[Session]]


class MatchingEngine:
    """Only active entries are indexed; expiry is judged at match time, so none linger."""

    def __init__(self, max_substitutions: int = 1) -> None:
        self.index = HotListIndex(max_substitutions)
        self.list_kinds: dict[int, ListKind] = {}

    def load(self, session: Session) -> int:
        self.list_kinds = {hl.id: ListKind(hl.kind) for hl in session.scalars(select(HotList))}
        for list_id in self.list_kinds:
            self.index.replace_list(list_id, self._rows(session, list_id))
        return len(self.index)

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

    def subscriber(self, sessions: SessionFactory) -> Callable[[ChangeEvent], None]:
        """A change-bus subscriber that applies hot list changes as they commit."""

        def on_change(change: ChangeEvent) -> None:
            if change.kind not in (ENTRY_CHANGED, LIST_REPLACED, "resync"):
                return
            with sessions() as session:
                if change.kind == ENTRY_CHANGED:
                    self.refresh_entries(session, change.ids)
                elif change.kind == LIST_REPLACED:
                    for list_id in change.ids:
                        self.refresh_list(session, list_id)
                else:
                    self.load(session)
            logger.info("hot list index updated (%s): %s entries", change.kind,
                        len(self.index))

        return on_change

    def match(self, read: PlateRead, now: datetime) -> list[Match]:
        return self.index.match(read.plate, read.state, [c for c, _ in read.candidates], now)
