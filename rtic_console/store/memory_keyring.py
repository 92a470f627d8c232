"""A keyring held in this process's memory, for the demo and the tests only.

The demo runs on machines with no OS keyring (a laptop, a headless test box) and on a
temporary database: its workstation enrolment and any camera key live exactly as long as
the demo process. It is never chosen by itself: only `use_memory_keyring()` installs it.
"""

from __future__ import annotations

import keyring
from keyring.backend import KeyringBackend
from keyring.compat import properties
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    @properties.classproperty
    def priority(cls) -> float:
        return -1.0  # below keyring's own "fail" backend (0): never picked as a default

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError(f"no {username} in {service}")


def use_memory_keyring() -> MemoryKeyring:
    """Replaces this process's keyring with an empty memory keyring and returns it."""
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend
