"""Qt fixtures: one operation runner per test, shut down so no worker thread survives."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rtic_console.app import qt_application
from rtic_console.ui.operations import OperationRunner


@pytest.fixture
def runner(qtbot) -> Iterator[OperationRunner]:
    qt_application()
    r = OperationRunner()
    yield r
    r.shutdown()


@pytest.fixture
def console_session(db, runner):
    """Builds the session a screen receives, for a signed-in context."""
    from rtic_console.ui.change_bridge import ChangeBridge
    from rtic_console.ui.console_session import ConsoleSession

    bridges: list[ChangeBridge] = []

    def make(ctx, demo: bool = False) -> ConsoleSession:
        bridge = ChangeBridge(db.bus)
        bridges.append(bridge)
        return ConsoleSession(db, ctx, runner, bridge, demo)

    yield make
    for bridge in bridges:
        bridge.close()
