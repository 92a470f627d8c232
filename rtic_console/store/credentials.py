"""Database passwords from the OS keyring, never from a file."""

from __future__ import annotations

import getpass
import logging
import os
import sys

from sqlalchemy.engine import URL

logger = logging.getLogger(__name__)

KEYRING_SERVICE = "rtic-console"
PASSWORD_ENV = "RTIC_DB_PASSWORD"


def keyring_key(url: URL) -> str:
    return f"{url.username}@{url.host or 'localhost'}:{url.port or 5432}/{url.database}"


def _keyring_password(url: URL) -> tuple[str | None, str | None]:
    """Password and, when the machine has no usable keyring, a note saying so."""
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring):
            return None, "this machine has no OS keyring; using RTIC_DB_PASSWORD or a prompt"
        return keyring.get_password(KEYRING_SERVICE, keyring_key(url)), None
    except Exception as exc:  # a broken keyring backend must not stop the console
        return None, f"the OS keyring could not be read ({type(exc).__name__})"


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
    import keyring

    keyring.set_password(KEYRING_SERVICE, keyring_key(url), password)
