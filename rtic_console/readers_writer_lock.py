"""A readers-writer lock that favours the writer: the ingest drain's lanes match side by side,
and a hot list change is applied between their transactions, never under a match."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class ReadersWriterLock:
    """Many holders of `shared()` at once, or one of `exclusive()`.

    A waiting writer holds back new readers, so a steady flow of overlapping reads (two
    drain lanes that are never idle together) cannot postpone a hot list change for ever.
    Neither side is re-entrant.
    """

    def __init__(self) -> None:
        self._turn = threading.Condition(threading.Lock())
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._turn:
            self._turn.wait_for(lambda: not self._writing and not self._writers_waiting)
            self._readers += 1
        try:
            yield
        finally:
            with self._turn:
                self._readers -= 1
                if not self._readers:
                    self._turn.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._turn:
            self._writers_waiting += 1
            try:
                self._turn.wait_for(lambda: not self._writing and not self._readers)
            except BaseException:  # interrupted: the readers held back may go on
                self._writers_waiting -= 1
                self._turn.notify_all()
                raise
            self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._turn:
                self._writing = False
                self._turn.notify_all()
