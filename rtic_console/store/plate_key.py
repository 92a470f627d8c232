"""The department's plate key: keyed digests of plates in the audit trail (C.1).

The trail cannot be deleted, so it keeps a plate only as HMAC-SHA256 under this key; the
plain plate sits in the purgeable `audit_plates` table until retention passes. The key is
never in the database (a plate's digest without it cannot be reversed by trying every
plate): each workstation keeps it in its OS keyring, a headless service in RTIC_PLATE_KEY.
The first machine that needs it creates it; `rtic-console audit plate-key export|import`
carries it to the others, so that every machine writes, and finds, the same digests.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass

from rtic_console.store.credentials import KeyringUnavailable, read_secret, write_secret

PLATE_KEY_ENV = "RTIC_PLATE_KEY"
KEYRING_NAME = "audit-plate-key"


class PlateKeyError(ValueError):
    """No usable plate key here, or text that is not one; the message says which."""


@dataclass(frozen=True)
class PlateKey:
    """32 random bytes; `key_id` (8 hex digits of its SHA-256) prefixes every digest, so a
    digest made under another key is never mistaken for a plate's absence."""

    material: bytes

    @property
    def key_id(self) -> str:
        return hashlib.sha256(self.material).hexdigest()[:8]

    @property
    def text(self) -> str:
        return base64.urlsafe_b64encode(self.material).decode("ascii")

    def digest(self, plate: str) -> str:
        mac = hmac.new(self.material, plate.encode("utf-8"), hashlib.sha256).hexdigest()
        return f"{self.key_id}:{mac}"


def parse_plate_key(text: str) -> PlateKey:
    try:
        material = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        material = b""
    if len(material) != 32:
        raise PlateKeyError("not a plate key: expected the 44-character key written by "
                            "`rtic-console audit plate-key export`")
    return PlateKey(material)


def load_plate_key(*, create: bool = True) -> PlateKey:
    """RTIC_PLATE_KEY first (headless services), then this machine's keyring, where a new
    key is created when there is none and `create` allows it."""
    if os.environ.get(PLATE_KEY_ENV):
        return parse_plate_key(os.environ[PLATE_KEY_ENV])
    try:
        stored = read_secret(KEYRING_NAME)
        if stored:
            return parse_plate_key(stored)
        if not create:
            raise PlateKeyError("this machine holds no plate key")
        key = PlateKey(secrets.token_bytes(32))
        write_secret(KEYRING_NAME, key.text)
        return key
    except KeyringUnavailable as exc:
        raise PlateKeyError(f"no plate key: {exc}; set {PLATE_KEY_ENV}") from None


# The key the trail's appends use, with where it came from: the keyring backend object (held,
# so its identity cannot be reused) and the variable's value.
_current: dict[str, tuple[object, str | None, PlateKey]] = {}


def current_plate_key() -> PlateKey:
    """`load_plate_key()`, remembered while this process's keyring backend and
    RTIC_PLATE_KEY stay the same: every batch of hits the ingest service stores reads it."""
    import keyring

    backend, env = keyring.get_keyring(), os.environ.get(PLATE_KEY_ENV)
    known = _current.get("key")
    if known is not None and known[0] is backend and known[1] == env:
        return known[2]
    key = load_plate_key()
    _current["key"] = (backend, env, key)
    return key


def keep_plate_key(key: PlateKey) -> None:
    """Stores the key in this machine's keyring (replacing its own)."""
    try:
        write_secret(KEYRING_NAME, key.text)
    except KeyringUnavailable as exc:
        raise PlateKeyError(f"the plate key cannot be kept here: {exc}") from None
    _current.clear()
