"""A console session whose writes are answered late, to test the order of answers and events."""

from __future__ import annotations

import time
from typing import Any

from rtic_console.services import runner as service_runner
from rtic_console.ui.console_session import ConsoleSession


class LateAnswers(ConsoleSession):
    """The writer thread hands each answer back a second after its commit, as a thread
    stalled on a busy workstation does: the write's change event is heard, read and shown
    first, and the next write waits its turn behind it. The services and the runner are the
    real ones."""

    def perform(self, service, *args, owner, on_done, on_error, key=None,  # type: ignore[no-untyped-def]
                **kwargs) -> None:
        db, ctx = self.db, self.ctx

        def body() -> Any:
            answer = service_runner.perform(db, ctx, service, *args, **kwargs)
            time.sleep(1)
            return answer

        self.runner.write(body, on_done, on_error, key, owner)


def late(console_session, ctx) -> LateAnswers:  # type: ignore[no-untyped-def]
    """The `console_session` fixture's session for ctx, its writes answered late."""
    plain = console_session(ctx)
    return LateAnswers(plain.db, plain.ctx, plain.runner, plain.changes)
