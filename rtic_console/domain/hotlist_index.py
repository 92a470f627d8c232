"""In-memory hot list index: exact and OCR-equivalent plate matching at camera read rates."""

from __future__ import annotations

import logging
import threading
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import NamedTuple

from rtic_console.domain.hotlists import HotListEntryData, is_in_effect
from rtic_console.domain.plates import (
    MAX_PLATE_LENGTH,
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


# The index keeps no object per entry beyond its id and its key: an entry is one integer,
# its record, so that 1 million entries fit in < 200 MB. The record is
# meta * _PLATE_SPAN + plate code, where the meta number indexes the shared
# (list_id, state, priority) triple and the plate code is the plate in base 37 (no digit 0,
# so leading characters are never lost). Under ~240 meta triples a record fits CPython's
# two-digit int (32 bytes). An entry with a time is kept as (record, effective_at, expires_at).
_PLATE_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_PLATE_VALUE = {ch: value for value, ch in enumerate(_PLATE_CHARS, start=1)}
_PLATE_SPAN = (len(_PLATE_CHARS) + 1) ** MAX_PLATE_LENGTH
_Value = int | tuple[int, datetime | None, datetime | None]
_Meta = tuple[ListId, str | None, int]


def _key_digits() -> bytes:
    """Byte table turning a read into its OCR key, one byte a class (the dict key's bytes).

    The 28 OCR classes of plate characters are written 1-9 and A-S: never a zero byte, so a
    key's leading characters count. Any other byte becomes "Z", which no filed key holds
    (filed plates are validated): a read holding one matches nothing, as under ocr_key.
    """
    representatives = sorted({_KEY_TABLE[ord(ch)] for ch in _PLATE_CHARS})
    digits = dict(zip(representatives, "123456789ABCDEFGHIJKLMNOPQRS", strict=True))
    table = bytearray(b"Z" * 256)
    table[ord(",")] = ord(",")  # kept: the match loop splits on it
    for ch in _PLATE_CHARS:
        table[ord(ch)] = table[ord(ch.lower())] = ord(digits[_KEY_TABLE[ord(ch)]])
    return bytes(table)


_KEY_DIGITS = _key_digits()
_KEY_DELETE = b" \t-.*_"  # the separators ocr_key drops


_KEY_MASK = (1 << 60) - 1  # a two-digit int: 32 bytes a key, where the bytes take 40


def _key(plate: str) -> int:
    """The dict key of a plate or read: the hash of its key's bytes, so a read costs one
    hash and no parse. Two OCR keys sharing a hash (about one pair in a billion entries)
    only share a bucket: every entry in a bucket is judged by its own plate (_resolve).
    UnicodeEncodeError on a lone surrogate."""
    return hash(plate.encode().translate(_KEY_DIGITS, _KEY_DELETE)) & _KEY_MASK


def _hits(by_key: dict[int, object], texts: Sequence[str]
          ) -> list[tuple[int, str, int, object]]:
    """(position, text, key, ids) of each text whose key is filed."""
    hits = []
    for position, text in enumerate(texts):
        try:
            key = _key(text)
        except UnicodeEncodeError:  # a lone surrogate: no plate holds one
            continue
        bucket = by_key.get(key)
        if bucket is not None:
            hits.append((position, text, key, bucket))
    return hits


def _plate_code(plate: str) -> int:
    code = 0
    for ch in plate:
        code = code * 37 + _PLATE_VALUE[ch]
    return code


def _plate_of(record: int) -> str:
    code = record % _PLATE_SPAN
    chars = []
    while code:
        code, value = divmod(code, 37)
        chars.append(_PLATE_CHARS[value - 1])
    return "".join(reversed(chars))


def _record(value: _Value) -> int:
    return value if type(value) is int else value[0]


class _Many(tuple):
    """The ids of several entries sharing a key; a key of one entry holds the id alone."""

    __slots__ = ()


def _ids(bucket: object) -> tuple[EntryId, ...]:
    if bucket is None:
        return ()
    return bucket if type(bucket) is _Many else (bucket,)


def _validated(row: Sequence) -> tuple[EntryId, str, str | None, int, datetime | None,
                                       datetime | None]:
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
    return entry_id, plate, _state(state), priority, effective_at, expires_at


class _Tables:
    """The two dicts of the index and the writes on them, in an order safe for readers.

    ``by_key`` maps an OCR key to the id (or ``_Many`` ids) filed under it; ``by_id`` maps
    an id to its value. A reader checks the key of the plate in the record, so an id found
    under a key its entry has since left is skipped. An id is filed under its new key before
    its record changes, and unfiled from the old key after.
    """

    __slots__ = ("by_id", "by_key")

    def __init__(self, by_key: dict[int, object], by_id: dict[EntryId, _Value]) -> None:
        self.by_key = by_key
        self.by_id = by_id

    def copy(self) -> _Tables:
        return _Tables(self.by_key.copy(), self.by_id.copy())

    def put(self, entry_id: EntryId, key: int, value: _Value) -> int | None:
        """File an entry under its key; the record it replaced, if any."""
        old = self.by_id.get(entry_id)
        old_key = None if old is None else _key(_plate_of(_record(old)))
        if old_key != key:
            bucket = self.by_key.get(key)
            self.by_key[key] = entry_id if bucket is None else _Many((*_ids(bucket), entry_id))
        self.by_id[entry_id] = value
        if old_key is not None and old_key != key:
            self._unfile(entry_id, old_key)
        return None if old is None else _record(old)

    def pop(self, entry_id: EntryId) -> int | None:
        """Unfile an entry; its record, or None when it was not filed."""
        old = self.by_id.pop(entry_id, None)
        if old is None:
            return None
        self._unfile(entry_id, _key(_plate_of(_record(old))))
        return _record(old)

    def _unfile(self, entry_id: EntryId, key: int) -> None:
        kept = [i for i in _ids(self.by_key.get(key)) if i != entry_id]
        if len(kept) > 1:
            self.by_key[key] = _Many(kept)
        elif kept:
            self.by_key[key] = kept[0]
        else:
            self.by_key.pop(key, None)


class HotListIndex:
    """All active hot lists, matched against each plate read.

    Every plate is filed under its OCR key (each character replaced by its OCR group's
    representative, FORMATS.md). Plates are OCR-equivalent, at any number of substitutions,
    exactly when their keys are equal, so a read costs one key and one dict look-up per
    candidate; the entries and substitution counts are consulted only on a key hit.

    Concurrency: writers are serialised by a lock; readers take no lock. A whole list is built
    aside in copies of the tables and published in one reference swap, so a reader sees each
    list wholly before or wholly after a replacement. A single-entry change is made in place:
    a reader sees the entry before or after it; only a plate change racing a read whose
    candidates hold both the old and new plate may miss it for that one read.

    Entry ids are unique across the whole index (database keys); adding an id already filed
    under another list moves it. Times must be timezone-aware.
    """

    def __init__(self, max_substitutions: int = 1) -> None:
        if max_substitutions < 0:
            raise ValueError("max_substitutions cannot be negative")
        self.max_substitutions = max_substitutions
        self._write_lock = threading.Lock()
        # Entries per list, in the order lists arrived; a list emptied by moves stays listed.
        self._sizes: dict[ListId, int] = {}
        # (list_id, state, priority) triples, shared by entries; only ever appended to.
        self._metas: list[_Meta] = []
        self._meta_numbers: dict[_Meta, int] = {}
        self._tables = _Tables({}, {})

    def __len__(self) -> int:
        return len(self._tables.by_id)

    def list_ids(self) -> tuple[ListId, ...]:
        return tuple(self._sizes)

    def list_size(self, list_id: ListId) -> int:
        return self._sizes.get(list_id, 0)

    def _value(self, row: Sequence, list_id: ListId) -> tuple[EntryId, int, _Value]:
        """An entry's id, key and value; called under the write lock (it may add a meta)."""
        entry_id, plate, state, priority, effective_at, expires_at = _validated(row)
        meta = (list_id, state, priority)
        number = self._meta_numbers.get(meta)
        if number is None:
            number = self._meta_numbers[meta] = len(self._metas)
            self._metas.append(meta)
        record = number * _PLATE_SPAN + _plate_code(plate)
        if effective_at is None and expires_at is None:
            return entry_id, _key(plate), record
        return entry_id, _key(plate), (record, effective_at, expires_at)

    def _count(self, sizes: dict[ListId, int], record: int | None, change: int) -> None:
        if record is not None:
            sizes[self._metas[record // _PLATE_SPAN][0]] += change

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
        row = (entry_id, plate, state, priority, effective_at, expires_at)
        with self._write_lock:
            entry_id, key, value = self._value(row, list_id)
            self._sizes.setdefault(list_id, 0)
            self._count(self._sizes, self._tables.put(entry_id, key, value), -1)
            self._sizes[list_id] += 1

    def remove(self, entry_id: EntryId) -> bool:
        """Stop matching one entry; False when it was not filed."""
        with self._write_lock:
            old = self._tables.pop(entry_id)
            self._count(self._sizes, old, -1)
        return old is not None

    def _without_list(self, list_id: ListId) -> tuple[_Tables, dict[ListId, int]]:
        """Copies of the tables and sizes with a list's entries gone (its size kept at 0)."""
        tables, sizes = self._tables.copy(), dict(self._sizes)
        if sizes.get(list_id):
            numbers = {n for n, meta in enumerate(self._metas) if meta[0] == list_id}
            for entry_id in [i for i, v in tables.by_id.items()
                             if _record(v) // _PLATE_SPAN in numbers]:
                tables.pop(entry_id)
        sizes[list_id] = 0
        return tables, sizes

    def replace_list(self, list_id: ListId, rows: Iterable[IndexRow | Sequence]) -> int:
        """Swap in a whole list at once; on bad data nothing changes. Returns the entry count.

        Rows are IndexRow or any (entry_id, plate, state, priority, effective_at, expires_at).
        """
        # Built under the write lock so a single-entry change made meanwhile is not lost in
        # the swap; readers are not held up, they keep using the current tables.
        with self._write_lock:
            tables, sizes = self._without_list(list_id)
            put = tables.put
            for number, row in enumerate(rows, start=1):
                try:
                    entry_id, key, value = self._value(row, list_id)
                except (ValueError, TypeError) as exc:
                    exc.add_note(f"row {number} of list {list_id!r}")
                    raise
                self._count(sizes, put(entry_id, key, value), -1)
                sizes[list_id] += 1
            self._tables, self._sizes = tables, sizes
        logger.info("hot list %s replaced: %s entries", list_id, sizes[list_id])
        return sizes[list_id]

    def drop_list(self, list_id: ListId) -> bool:
        """Stop matching a whole list at once; False when it was not loaded."""
        with self._write_lock:
            if list_id not in self._sizes:
                return False
            tables, sizes = self._without_list(list_id)
            del sizes[list_id]
            self._tables, self._sizes = tables, sizes
            return True

    def match(
        self, plate: str, state: str | None, candidates: Sequence[str], now: datetime
    ) -> list[Match]:
        """Entries hit by a read (its best plate and its candidates) that are in effect at now.

        One match per entry, the best way it was hit: the best plate beats a candidate, then
        fewer substitutions, then the earlier candidate. A state mismatch is flagged, never
        dropped; an unknown read state is no mismatch. Ordered for the dispatcher: state
        agreeing first, then priority, then fewer substitutions.
        """
        # A datetime.timezone always has an offset; only other tzinfo classes need asking.
        if type(now.tzinfo) is not timezone and now.utcoffset() is None:
            raise ValueError("now must carry a time zone")
        tables = self._tables
        texts = (plate, *candidates)
        # The hot path, for the reads that hit nothing: one encode and translate for all the
        # texts, then one look-up per key. A text holding "," splits into parts, but every
        # text without one stays whole, so no hit is missed; any hit goes to _hits, which
        # judges each text.
        by_key = tables.by_key
        try:
            keys = ",".join(texts).encode().translate(_KEY_DIGITS, _KEY_DELETE).split(b",")
        except UnicodeEncodeError:  # a lone surrogate: let _hits judge each text
            keys = None
        if keys is not None:
            for key in keys:
                if (hash(key) & _KEY_MASK) in by_key:
                    break
            else:
                return []
        hits = _hits(by_key, texts)
        return self._resolve(hits, tables.by_id, state, now) if hits else []

    def _resolve(
        self, hits: list[tuple[int, str, int, object]], by_id: dict[EntryId, _Value],
        state: str | None, now: datetime,
    ) -> list[Match]:
        read_state = _state(state)
        metas = self._metas
        best: dict[EntryId, tuple[tuple[bool, int, int], Match]] = {}
        for position, text, key, bucket in hits:
            read = clean_plate(text)
            for entry_id in _ids(bucket):
                value = by_id.get(entry_id)
                if value is None:
                    continue  # removed since the bucket was read
                if type(value) is not int:
                    value, effective_at, expires_at = value
                    if not is_in_effect(effective_at, expires_at, now):
                        continue
                listed = _plate_of(value)
                if _key(listed) != key:
                    continue  # its plate changed since the bucket was read
                subs = ocr_substitutions(read, listed)
                if subs is None or subs > self.max_substitutions:
                    continue
                rank = (position > 0, subs, position)
                current = best.get(entry_id)
                if current is not None and current[0] <= rank:
                    continue
                list_id, listed_state, priority = metas[value // _PLATE_SPAN]
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
