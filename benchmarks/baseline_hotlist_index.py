"""The hot list index as it was before issue 18 (frozen here): the matching benchmark's baseline."""

from __future__ import annotations

import logging
import threading
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from rtic_console.domain.hotlists import HotListEntryData, is_in_effect
from rtic_console.domain.plates import (
    OCR_GROUPS,
    PLACEHOLDER_PLATES,
    InvalidPlate,
    clean_plate,
    normalize_plate,
    normalize_state,
    ocr_substitutions,
)

logger = logging.getLogger(__name__)

EntryId = Hashable
ListId = Hashable


def _key_table() -> tuple[str | None, ...]:
    # A tuple indexed by code point is the fastest table str.translate accepts; characters
    # past its end (non-ASCII) are left as they are and so never equal a listed plate's key.
    table: list[str | None] = [chr(i).upper() for i in range(128)]
    for group in OCR_GROUPS:
        representative = min(group)
        for ch in group:
            table[ord(ch)] = table[ord(ch.lower())] = representative
    for ch in " \t-.*_":
        table[ord(ch)] = None
    return tuple(table)


_KEY_TABLE = _key_table()
# Hot lists repeat a few dozen state codes a million times: share one string per code.
_state = lru_cache(maxsize=512)(normalize_state)


def ocr_key(plate: str) -> str:
    """The key shared by all OCR-equivalent spellings of a plate (also usable as a DB column)."""
    return plate.translate(_KEY_TABLE)


@dataclass(frozen=True, slots=True)
class Match:
    """One hot list entry hit by a read, with how it was hit so the dispatcher can judge it."""

    entry_id: EntryId
    list_id: ListId
    listed_plate: str
    listed_state: str | None
    read_plate: str
    candidate_index: int | None  # None: the reader's best plate; else index into candidates
    substitutions: int
    state_mismatch: bool
    priority: int

    @property
    def exact(self) -> bool:
        """False for an approximate hit, whose photo the dispatcher checks first."""
        return self.substitutions == 0


class IndexRow(NamedTuple):
    """What the index keeps of an entry: enough to match it and to find it again."""

    entry_id: EntryId
    plate: str
    state: str | None
    priority: int
    effective_at: datetime | None = None
    expires_at: datetime | None = None

    @classmethod
    def from_entry(cls, entry_id: EntryId, data: HotListEntryData) -> IndexRow:
        return cls(entry_id, data.plate, data.state, data.priority, data.effective_at,
                   data.expires_at)


# An entry is kept as a plain tuple, the smallest and quickest record CPython has:
# (entry_id, plate, state, priority, effective_at, expires_at).
_Entry = tuple[EntryId, str, str | None, int, datetime | None, datetime | None]


class _Many(tuple):
    """A bucket of several entries; a bucket of one is the entry itself, saving a tuple."""

    __slots__ = ()


_Bucket = _Entry | _Many


def _members(bucket: _Bucket | None) -> tuple[_Entry, ...]:
    if bucket is None:
        return ()
    return bucket if type(bucket) is _Many else (bucket,)


def _make_entry(row: Sequence) -> _Entry:
    entry_id, plate, state, priority, effective_at, expires_at = row
    plate = normalize_plate(plate)
    if plate in PLACEHOLDER_PLATES:
        raise InvalidPlate("a placeholder plate would hit every unreadable read")
    if type(priority) is not int or priority < 1:
        raise ValueError(f"priority must be an integer of 1 or more, got {priority!r}")
    if (effective_at is not None and effective_at.utcoffset() is None) or (
        expires_at is not None and expires_at.utcoffset() is None
    ):
        raise ValueError("entry times must carry a time zone")
    return (entry_id, plate, _state(state), priority, effective_at, expires_at)


def _hold(keys: dict[str, int], key: str) -> None:
    keys[key] = keys.get(key, 0) + 1


def _release(keys: dict[str, int], key: str) -> None:
    left = keys[key] - 1
    if left:
        keys[key] = left
    else:
        del keys[key]


class _List:
    """One list's entries; only the index's writer mutates it.

    ``keys`` counts, per OCR key, how many published lists hold it: the index's pre-filter.
    It is raised before a key is filed and lowered after it is gone, so it never misses one.
    """

    __slots__ = ("by_id", "by_key", "list_id")

    def __init__(self, list_id: ListId) -> None:
        self.list_id = list_id
        self.by_id: dict[EntryId, _Entry] = {}
        self.by_key: dict[str, _Bucket] = {}

    def put(self, entry: _Entry, keys: dict[str, int] | None) -> None:
        # The new bucket is published before the old entry is unlinked, so a concurrent
        # reader never finds the entry missing while it is being updated.
        entry_id, plate = entry[0], entry[1]
        key = ocr_key(plate)
        if key == plate:
            key = plate  # share the plate's string instead of keeping an equal copy
        old = self.by_id.get(entry_id)
        bucket = self.by_key.get(key)
        if bucket is None:
            if keys is not None:
                _hold(keys, key)
            self.by_key[key] = entry
        else:
            kept = [m for m in _members(bucket) if m[0] != entry_id]
            self.by_key[key] = _Many((*kept, entry)) if kept else entry
        self.by_id[entry_id] = entry
        if old is not None and ocr_key(old[1]) != key:
            self._unlink(old, keys)

    def discard(self, entry_id: EntryId, keys: dict[str, int] | None) -> bool:
        old = self.by_id.pop(entry_id, None)
        if old is None:
            return False
        self._unlink(old, keys)
        return True

    def _unlink(self, old: _Entry, keys: dict[str, int] | None) -> None:
        key = ocr_key(old[1])
        kept = [m for m in _members(self.by_key.get(key)) if m is not old]
        if len(kept) > 1:
            self.by_key[key] = _Many(kept)
        elif kept:
            self.by_key[key] = kept[0]
        else:
            self.by_key.pop(key, None)
            if keys is not None:
                _release(keys, key)


class HotListIndex:
    """All active hot lists, matched against each plate read.

    Every plate is filed under its OCR key (each character replaced by its OCR group's
    representative, FORMATS.md). Plates are OCR-equivalent, at any number of substitutions,
    exactly when their keys are equal, so a read costs one ``str.translate`` and one pre-filter
    look-up per candidate; lists and substitution counts are consulted only on a key hit.

    Concurrency: writers are serialised by a lock; readers take no lock. A whole list is built
    aside and published with a new pre-filter in one reference swap; single-entry changes
    replace immutable buckets. A reader therefore sees each list wholly before or wholly after
    a replacement, and each entry before or after its change.

    Entry ids are unique across the whole index (database keys); adding an id already filed
    under another list moves it. Times must be timezone-aware.
    """

    def __init__(self, max_substitutions: int = 1) -> None:
        if max_substitutions < 0:
            raise ValueError("max_substitutions cannot be negative")
        self.max_substitutions = max_substitutions
        self._write_lock = threading.Lock()
        self._lists: dict[ListId, _List] = {}
        self._keys: dict[str, int] = {}
        # What readers take in one load: the pre-filter and every list's key table. Replaced
        # whole when lists come or go, so a reader never mixes two versions of a list.
        self._snapshot: tuple[dict[str, int], tuple[tuple[dict[str, _Bucket], ListId], ...]]
        self._publish(self._lists, self._keys)

    def __len__(self) -> int:
        return sum(len(lst.by_id) for lst in self._lists.values())

    def list_ids(self) -> tuple[ListId, ...]:
        return tuple(self._lists)

    def list_size(self, list_id: ListId) -> int:
        lst = self._lists.get(list_id)
        return 0 if lst is None else len(lst.by_id)

    def add(
        self,
        entry_id: EntryId,
        list_id: ListId,
        plate: str,
        state: str | None,
        priority: int,
        effective_at: datetime | None = None,
        expires_at: datetime | None = None,
    ) -> None:
        """Insert or update one entry in place; raises InvalidPlate or ValueError on bad data."""
        entry = _make_entry((entry_id, plate, state, priority, effective_at, expires_at))
        with self._write_lock:
            target = self._lists.get(list_id)
            if target is None:
                target = _List(list_id)
                self._publish({**self._lists, list_id: target}, self._keys)
            target.put(entry, self._keys)
            for lst in self._lists.values():
                if lst is not target:
                    lst.discard(entry_id, self._keys)

    def remove(self, entry_id: EntryId) -> bool:
        """Stop matching one entry; False when it was not filed."""
        with self._write_lock:
            removed = [lst.discard(entry_id, self._keys) for lst in self._lists.values()]
        return any(removed)

    def replace_list(self, list_id: ListId, rows: Iterable[IndexRow | Sequence]) -> int:
        """Swap in a whole list at once; on bad data nothing changes. Returns the entry count.

        Rows are IndexRow or any (entry_id, plate, state, priority, effective_at, expires_at).
        """
        fresh = _List(list_id)
        # Built under the write lock so a single-entry change made meanwhile is not lost in
        # the swap; readers are not held up, they keep using the current snapshot.
        with self._write_lock:
            for number, row in enumerate(rows, start=1):
                try:
                    fresh.put(_make_entry(row), None)
                except (ValueError, TypeError) as exc:
                    exc.add_note(f"row {number} of list {list_id!r}")
                    raise
            keys = self._keys.copy()
            for key in fresh.by_key:
                _hold(keys, key)
            old = self._lists.get(list_id)
            if old is not None:
                for key in old.by_key:
                    _release(keys, key)
            self._publish({**self._lists, list_id: fresh}, keys)
            for lst in self._lists.values():
                if lst is not fresh and not lst.by_id.keys().isdisjoint(fresh.by_id.keys()):
                    for moved in lst.by_id.keys() & fresh.by_id.keys():
                        lst.discard(moved, keys)
        logger.info("hot list %s replaced: %s entries", list_id, len(fresh.by_id))
        return len(fresh.by_id)

    def drop_list(self, list_id: ListId) -> bool:
        """Stop matching a whole list at once; False when it was not loaded."""
        with self._write_lock:
            old = self._lists.get(list_id)
            if old is None:
                return False
            keys = self._keys.copy()
            for key in old.by_key:
                _release(keys, key)
            self._publish({k: v for k, v in self._lists.items() if k != list_id}, keys)
            return True

    def _publish(self, lists: dict[ListId, _List], keys: dict[str, int]) -> None:
        self._lists, self._keys = lists, keys
        self._snapshot = (keys, tuple((lst.by_key, lst.list_id) for lst in lists.values()))

    def match(
        self, plate: str, state: str | None, candidates: Sequence[str], now: datetime
    ) -> list[Match]:
        """Entries hit by a read (its best plate and its candidates) that are in effect at now.

        One match per entry, the best way it was hit: the best plate beats a candidate, then
        fewer substitutions, then the earlier candidate. A state mismatch is flagged, never
        dropped; an unknown read state is no mismatch. Ordered for the dispatcher: state
        agreeing first, then priority, then fewer substitutions.
        """
        if now.utcoffset() is None:
            raise ValueError("now must carry a time zone")
        table = _KEY_TABLE
        keys, lists = self._snapshot
        hits = None
        for position, text in enumerate((plate, *candidates)):
            key = text.translate(table)
            if key in keys:
                for by_key, list_id in lists:
                    bucket = by_key.get(key)
                    if bucket is not None:
                        if hits is None:
                            hits = []
                        hits.append((position, text, list_id, bucket))
        return [] if hits is None else self._resolve(hits, state, now)

    def _resolve(
        self, hits: list[tuple[int, str, ListId, _Bucket]], state: str | None, now: datetime
    ) -> list[Match]:
        read_state = _state(state)
        best: dict[EntryId, tuple[tuple[bool, int, int], Match]] = {}
        for position, text, list_id, bucket in hits:
            read = clean_plate(text)
            for entry_id, listed, listed_state, priority, effective_at, expires_at in _members(
                bucket
            ):
                subs = ocr_substitutions(read, listed)
                if subs is None or subs > self.max_substitutions:
                    continue
                if not is_in_effect(effective_at, expires_at, now):
                    continue
                rank = (position > 0, subs, position)
                current = best.get(entry_id)
                if current is not None and current[0] <= rank:
                    continue
                best[entry_id] = (rank, Match(
                    entry_id=entry_id,
                    list_id=list_id,
                    listed_plate=listed,
                    listed_state=listed_state,
                    read_plate=read,
                    candidate_index=position - 1 if position else None,
                    substitutions=subs,
                    state_mismatch=(read_state is not None and listed_state is not None
                                    and read_state != listed_state),
                    priority=priority,
                ))
        matches = [m for _, m in best.values()]
        matches.sort(key=lambda m: (m.state_mismatch, m.priority, m.substitutions,
                                    m.candidate_index is not None))
        return matches
