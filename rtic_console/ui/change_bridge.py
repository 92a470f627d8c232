"""Carries committed-change events from the bus's threads to the GUI thread as a Qt signal."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from rtic_console.store.change_bus import ChangeBus, ChangeEvent


class ChangeBridge(QObject):
    """Emitted from any thread; Qt queues it to the receivers' thread."""

    changed = Signal(object)

    def __init__(self, bus: ChangeBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe = bus.subscribe(self._on_bus_change)

    def _on_bus_change(self, change: ChangeEvent) -> None:
        self.changed.emit(change)

    def close(self) -> None:
        self._unsubscribe()
