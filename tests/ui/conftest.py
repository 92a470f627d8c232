"""Qt fixtures: one operation runner per test, shut down so no worker thread survives."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rtic_console.app import qt_application
from rtic_console.ui.operations import OperationRunner


@pytest.fixture
def runner(qtbot) -> Iterator[OperationRunner]:  # type: ignore[no-untyped-def]
    qt_application()
    r = OperationRunner()
    yield r
    r.shutdown()
