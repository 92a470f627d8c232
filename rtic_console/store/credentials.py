"""Secrets from the OS keyring, never from a file: database passwords, this workstation's
enrolment secret and the camera credential key."""

from __future__ import annotations

import getpass
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import URL

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

logger = logging.getLogger(__name__)

KEYRING_SERVICE = "rtic-console"
PASSWORD_ENV = "RTIC_DB_PASSWORD"


class KeyringUnavailable(RuntimeError):
    """This machine has no usable OS keyring; the message says so in plain words."""


def keyring_key(url: URL) -> str:
    return f"{url.username}@{url.host or 'localhost'}:{url.port or 5432}/{url.database}"


def _keyring_password(url: URL) -> tuple[str | None, str | None]:
    """Password and, when the machine has no usable keyring, a note saying so."""
    try:
        return read_secret(keyring_key(url)), None
    except KeyringUnavailable as exc:  # a broken keyring backend must not stop the console
        return None, f"{exc}; using RTIC_DB_PASSWORD or a prompt"


def with_password(url: URL, *, interactive: bool | None = None) -> tuple[URL, str | None]:
    """Fill in a PostgreSQL password: keyring first, then the environment, then a prompt.

    Returns the URL and a note for the operator when the keyring was not usable.
    Without any password the URL is returned unchanged (trust or .pgpass auth).
    """
    if not url.drivername.startswith("postgresql") or url.password:
        return url, None
    password, note = _keyring_password(url)
    if note:
        logger.info("%s", note)
    if password is None:
        password = os.environ.get(PASSWORD_ENV) or None
    if password is None and (interactive if interactive is not None else sys.stdin.isatty()):
        password = getpass.getpass(f"Password for {keyring_key(url)} (empty for none): ") or None
    return (url.set(password=password) if password else url), note


def store_password(url: URL, password: str) -> None:
    write_secret(keyring_key(url), password)


def database_identity(url: URL) -> str:
    """Which database a keyring entry belongs to, whoever logs in to it: host, port and name
    on PostgreSQL, the absolute file on SQLite. A machine may be enrolled in several."""
    if url.get_backend_name() == "sqlite":
        return f"sqlite:{Path(url.database or ':memory:').resolve()}"
    return f"postgresql:{url.host or 'localhost'}:{url.port or 5432}/{url.database}"


def _usable_keyring() -> KeyringBackend:
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        raise KeyringUnavailable("this machine has no OS keyring")
    return backend


def read_secret(name: str) -> str | None:
    """The secret stored under `name` for this console, None when there is none."""
    backend = _usable_keyring()
    try:
        return backend.get_password(KEYRING_SERVICE, name)
    except Exception as exc:  # a broken or locked keyring reads as unavailable
        raise KeyringUnavailable(f"the OS keyring could not be read ({type(exc).__name__})") \
            from None


def write_secret(name: str, value: str) -> None:
    backend = _usable_keyring()
    try:
        backend.set_password(KEYRING_SERVICE, name, value)
    except Exception as exc:
        raise KeyringUnavailable(f"the OS keyring refused the secret ({type(exc).__name__})") \
            from None
