"""What every screen receives through its constructor: who is signed in and how to do work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject

from rtic_console.domain.roles import Permission, allows
from rtic_console.services import runner as service_runner
from rtic_console.services.context import Context
from rtic_console.store.database import Database
from rtic_console.ui.change_bridge import ChangeBridge
from rtic_console.ui.operations import Done, Failed, OperationRunner


@dataclass
class ConsoleSession:
    db: Database
    ctx: Context
    runner: OperationRunner
    changes: ChangeBridge
    demo: bool = False

    def may(self, permission: Permission) -> bool:
        """Whether to show an area; the service still decides on every action."""
        return allows(self.ctx.actor.roles, permission)

    def perform(self, service: Callable[..., Any], *args: Any, owner: QObject,
                on_done: Done, on_error: Failed, key: str | None = None,
                **kwargs: Any) -> None:
        """A write as the signed-in person; the handlers run only while owner lives. Extra
        keywords go to the service."""
        db, ctx = self.db, self.ctx
        self.runner.write(lambda: service_runner.perform(db, ctx, service, *args, **kwargs),
                          on_done, on_error, key, owner)

    def query(self, service: Callable[..., Any], *args: Any, owner: QObject, on_done: Done,
              on_error: Failed, key: str | None = None, **kwargs: Any) -> None:
        """A read as the signed-in person; extra keywords go to the service."""
        db, ctx = self.db, self.ctx
        self.runner.read(lambda: service_runner.query(db, ctx, service, *args, **kwargs),
                         on_done, on_error, key, owner)
