"""The department's camera credential key: seals camera URLs that carry credentials.

The sealed URLs live in the database (`camera_credentials`); the key never does. Each
workstation that shows or records cameras holds the key in its OS keyring, or, for a
headless service, in the RTIC_CAMERA_KEY variable. A copy of the database or a backup alone
opens no camera. Fernet (from `cryptography`) gives authenticated encryption, so a sealed
value altered in the database fails to open instead of yielding a wrong URL.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken

from rtic_console.store.credentials import KeyringUnavailable, read_secret, write_secret

CAMERA_KEY_ENV = "RTIC_CAMERA_KEY"
KEYRING_NAME = "camera-credentials-key"


class CameraKeyError(ValueError):
    """The key is missing, malformed or not the one the credentials were sealed with."""


@dataclass(frozen=True)
class CameraKey:
    """A Fernet key and its id: the first 16 hex digits of its SHA-256, stored beside each
    sealed value so a workstation holding another key can say so."""

    material: str

    @property
    def key_id(self) -> str:
        return hashlib.sha256(self.material.encode()).hexdigest()[:16]

    def seal(self, text: str) -> str:
        return Fernet(self.material).encrypt(text.encode()).decode("ascii")

    def open(self, token: str) -> str:
        try:
            return Fernet(self.material).decrypt(token.encode("ascii")).decode()
        except (InvalidToken, ValueError):
            raise CameraKeyError("the sealed camera credentials do not open with this "
                                 "workstation's camera key") from None


def parse_key(text: str) -> CameraKey:
    material = text.strip()
    try:
        Fernet(material)
    except (ValueError, TypeError):
        raise CameraKeyError("not a camera key: expected the 44-character key written by "
                             "`rtic-console camera key export`") from None
    return CameraKey(material)


def load_camera_key() -> CameraKey | None:
    """RTIC_CAMERA_KEY first (headless services), then this workstation's keyring."""
    if os.environ.get(CAMERA_KEY_ENV):
        return parse_key(os.environ[CAMERA_KEY_ENV])
    try:
        stored = read_secret(KEYRING_NAME)
    except KeyringUnavailable:
        return None
    return parse_key(stored) if stored else None


def keep_camera_key(key: CameraKey) -> None:
    """Stores the key in this workstation's keyring; raises KeyringUnavailable without one."""
    write_secret(KEYRING_NAME, key.material)


def new_camera_key() -> CameraKey:
    return CameraKey(Fernet.generate_key().decode("ascii"))
