"""Opening the database and signing in the `--as` person for one CLI command."""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass

from rtic_console.config import Settings
from rtic_console.services.auth import sign_in
from rtic_console.services.context import Context
from rtic_console.store.bootstrap import connect, open_for_service
from rtic_console.store.credentials import KeyringUnavailable, read_secret
from rtic_console.store.database import Database

PASSWORD_ENV = "RTIC_PASSWORD"


class CliRefusal(Exception):
    """Ends the command with exit code 2 and this one-line reason."""


@dataclass
class CliSession:
    settings: Settings
    as_badge: str | None
    _db: Database | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = connect(self.settings.database_url,
                               read_replica_url=self.settings.read_replica_url)
        return self._db

    def service_db(self) -> Database:
        """The database for a service that must start while the server is away."""
        if self._db is None:
            self._db = open_for_service(self.settings.database_url)
        return self._db

    def context(self) -> Context:
        """Sign in the --as person exactly as the console would, or refuse."""
        if not self.as_badge:
            raise CliRefusal("this command acts for a person: give --as BADGE before it")
        return sign_in(self.db, self.settings, self.as_badge, self._password())

    def _password(self) -> str:
        if os.environ.get(PASSWORD_ENV):
            return os.environ[PASSWORD_ENV]
        try:
            stored = read_secret(f"badge:{self.as_badge}")
        except KeyringUnavailable:  # fall through to the prompt
            stored = None
        if stored:
            return stored
        if sys.stdin.isatty():
            return getpass.getpass(f"Password for badge {self.as_badge}: ")
        raise CliRefusal(f"no password for badge {self.as_badge}: set {PASSWORD_ENV}, store it "
                         "in the OS keyring, or run from a terminal")

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
