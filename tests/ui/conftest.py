"""Qt fixtures: one operation runner per test, shut down so no worker thread survives."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rtic_console.app import qt_application
from rtic_console.ui.operations import OperationRunner
from rtic_console.ui.screen_collector import collect_on_screen_thread


@pytest.fixture(autouse=True)
def _collect_on_screen_thread(qapp) -> None:
    """As the console does: no worker thread ever runs a collection that frees Qt objects."""
    collect_on_screen_thread(qapp)


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
