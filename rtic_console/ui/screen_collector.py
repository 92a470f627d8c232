"""The cyclic garbage collector, run on the screen's thread only.

Qt objects must be destroyed on the thread that owns them. Left automatic, a collection
runs on whichever thread happens to allocate when a threshold is passed: CI saw an
operation runner's thread (an ONVIF request) collect a cycle that held Qt objects and the
process die (segmentation fault, "Garbage-collecting"). As pyqtgraph's GarbageCollector
does (not imported: it would load all of pyqtgraph at start), automatic collection is off
in a console process and a timer on the screen's thread collects the generations whose
thresholds have passed, except while rows are being built (collector_pause).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

from rtic_console import collector_pause

COLLECT_EVERY_MS = 1000


class ScreenThreadCollector(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start(COLLECT_EVERY_MS)

    def collect_due(self) -> None:
        """The oldest generation whose threshold has passed, with the younger ones."""
        if collector_pause.paused():
            return
        due = -1
        for generation, (count, limit) in enumerate(zip(gc.get_count(), gc.get_threshold(),
                                                        strict=True)):
            if count <= limit:
                break
            due = generation
        if due >= 0:
            gc.collect(due)


def collect_on_screen_thread(app: QCoreApplication) -> None:
    """Once per application, from its thread."""
    if app.findChild(ScreenThreadCollector) is None:
        ScreenThreadCollector(app)
