"""The department's audit signing key, kept in the OS keyring and never in the database.

The keyring backend is the machine's: Windows Credential Locker, macOS Keychain, the
Secret Service of a Linux desktop, or whatever backend the IT administrator configures
for a headless service (`PYTHON_KEYRING_BACKEND` or keyringrc.cfg). On a machine whose
keyring is keyring's 'fail' backend there is no key, and signing is refused saying so.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from rtic_console.domain.audit_anchor import (
    KeyFormatError,
    key_id,
    parse_private_key,
    parse_public_key,
    private_key_text,
)

logger = logging.getLogger(__name__)

KEYRING_SERVICE = "rtic-console"
KEYRING_USER = "audit-signing-key"


class SigningKeyUnavailable(RuntimeError):
    """No usable signing key on this machine; the message says what to set up."""


def _keyring():  # type: ignore[no-untyped-def]
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        raise SigningKeyUnavailable(
            "this machine has no usable OS keyring (keyring's 'fail' backend), so it holds "
            "no audit signing key; configure a keyring backend (see the IT chapter of the "
            "user guide)")
    return keyring


def load_signing_key() -> Ed25519PrivateKey:
    keyring = _keyring()
    try:
        stored = keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
    except Exception as exc:  # a locked or broken backend
        raise SigningKeyUnavailable(
            f"the OS keyring could not be read ({type(exc).__name__})") from None
    if not stored:
        raise SigningKeyUnavailable(
            f"no audit signing key in this machine's keyring (service {KEYRING_SERVICE!r}, "
            f"user {KEYRING_USER!r}); create one with `rtic-console --as BADGE audit key "
            "create`")
    try:
        return parse_private_key(stored)
    except KeyFormatError as exc:
        raise SigningKeyUnavailable(f"the keyring's audit signing key is unusable: {exc}"
                                    ) from None


def create_signing_key(*, replace: bool = False) -> Ed25519PublicKey:
    """A new key in this machine's keyring; an existing one is kept unless replace."""
    keyring = _keyring()
    if not replace and keyring.get_password(KEYRING_SERVICE, KEYRING_USER):
        raise SigningKeyUnavailable(
            "this machine's keyring already holds an audit signing key; replacing it makes "
            "older checkpoints verifiable only where its public key stays trusted "
            "(audit_public_keys)")
    key = Ed25519PrivateKey.generate()
    keyring.set_password(KEYRING_SERVICE, KEYRING_USER, private_key_text(key))
    return key.public_key()


def trusted_keys(configured: Iterable[str]) -> dict[str, Ed25519PublicKey]:
    """The public keys checkpoints may be signed with, by key id: those the settings list,
    and the public half of this machine's own signing key when it has one."""
    keys = {}
    for text in configured:
        key = parse_public_key(text)
        keys[key_id(key)] = key
    try:
        own = load_signing_key().public_key()
    except SigningKeyUnavailable as exc:
        logger.info("%s", exc)
    else:
        keys[key_id(own)] = own
    return keys
