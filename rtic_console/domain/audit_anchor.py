"""Signed checkpoints of the audit chain's head, and the check of a trail against them.

A hash chain alone cannot show that someone with full rights on the database recomputed
every hash after an edit, or cut the newest events off the end. A checkpoint signs the
head (sequence number and hash) with the department's Ed25519 key, which lives outside
the database: a rewritten trail no longer has the signed hash at the signed sequence
number, and a truncated one ends before it. Events after the newest checkpoint are covered
only by the next one, which is why checkpoints are written daily and at every inspection.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from rtic_console.domain.audit_chain import canonical_time

KEY_PREFIX = "ed25519:"


class KeyFormatError(ValueError):
    """A key that is not an Ed25519 key in this console's spelling; the message says which."""


@dataclass(frozen=True)
class Checkpoint:
    id: int
    head_seq: int
    head_hash: str
    signed_at: datetime
    key_id: str
    signature: str
    signed_by: str
    workstation: str | None


@dataclass(frozen=True)
class AnchorReport:
    """ok is False when a checkpoint is forged or no longer matches the trail.

    `note` says what was not checked (no checkpoint yet, no trusted key on this machine).
    """

    ok: bool
    checkpoints: int
    signatures_checked: int
    newest: Checkpoint | None
    problem: str | None
    note: str | None


def public_key_text(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return KEY_PREFIX + base64.b64encode(raw).decode("ascii")


def parse_public_key(text: str) -> Ed25519PublicKey:
    """A public key as `audit key show` prints it: 'ed25519:' and 32 bytes in base64."""
    raw = _key_bytes(text, "public key")
    return Ed25519PublicKey.from_public_bytes(raw)


def private_key_text(key: Ed25519PrivateKey) -> str:
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return KEY_PREFIX + base64.b64encode(raw).decode("ascii")


def parse_private_key(text: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_key_bytes(text, "signing key"))


def _key_bytes(text: str, what: str) -> bytes:
    if not isinstance(text, str) or not text.startswith(KEY_PREFIX):
        raise KeyFormatError(f"the {what} must start with {KEY_PREFIX!r}")
    try:
        raw = base64.b64decode(text[len(KEY_PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        raise KeyFormatError(f"the {what} is not valid base64") from None
    if len(raw) != 32:
        raise KeyFormatError(f"the {what} must be 32 bytes, not {len(raw)}")
    return raw


def key_id(key: Ed25519PublicKey) -> str:
    """A short, stable name for a public key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).hexdigest()[:16]


def checkpoint_message(head_seq: int, head_hash: str, signed_at: datetime, kid: str) -> bytes:
    """The exact bytes a checkpoint signs."""
    return "\n".join(["rtic-console audit checkpoint v1", str(head_seq), head_hash,
                      canonical_time(signed_at), kid]).encode("ascii")


def sign_checkpoint(key: Ed25519PrivateKey, head_seq: int, head_hash: str,
                    signed_at: datetime) -> tuple[str, str]:
    """(key id, signature in base64) for a head."""
    kid = key_id(key.public_key())
    signature = key.sign(checkpoint_message(head_seq, head_hash, signed_at, kid))
    return kid, base64.b64encode(signature).decode("ascii")


def signature_valid(key: Ed25519PublicKey, cp: Checkpoint) -> bool:
    try:
        key.verify(base64.b64decode(cp.signature, validate=True),
                   checkpoint_message(cp.head_seq, cp.head_hash, cp.signed_at, cp.key_id))
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def _when(cp: Checkpoint) -> str:
    return f"checkpoint #{cp.id} of {canonical_time(cp.signed_at)}"


def check_anchors(checkpoints: Iterable[Checkpoint], trusted: Mapping[str, Ed25519PublicKey],
                  head_seq: int | None, hash_at: Callable[[int], str | None]) -> AnchorReport:
    """Check every checkpoint against the trail as it is now.

    A checkpoint fails when its key is not trusted here or its signature does not verify
    (forged), when the trail ends before the sequence number it signed (truncated), or when
    the event at that number has another hash (rewritten). Without trusted keys only the
    last two are checked, and the report's note says so.
    """
    items = sorted(checkpoints, key=lambda c: c.id)
    newest = max(items, key=lambda c: (c.head_seq, c.id)) if items else None

    def report(problem: str | None, checked: int, note: str | None = None) -> AnchorReport:
        return AnchorReport(problem is None, len(items), checked, newest, problem, note)

    if newest is None:
        return report(None, 0, "not anchored yet: no signed checkpoint of the trail")
    if head_seq is None or head_seq < newest.head_seq:
        ends = f"ends at event #{head_seq}" if head_seq else "is empty"
        return report(f"the trail {ends}, but {_when(newest)} signed event "
                      f"#{newest.head_seq}: events were removed from the end", 0)
    checked = 0
    for cp in items:
        if trusted:
            key = trusted.get(cp.key_id)
            if key is None:
                return report(f"{_when(cp)} names key {cp.key_id}, which is not a department "
                              "key trusted on this workstation", checked)
            if not signature_valid(key, cp):
                return report(f"{_when(cp)} has a signature that does not verify: it was "
                              "forged or altered", checked)
            checked += 1
        now = hash_at(cp.head_seq)
        if now is None:
            return report(f"{_when(cp)} signed event #{cp.head_seq}, which is no longer in "
                          "the trail: events were removed", checked)
        if now != cp.head_hash:
            return report(f"{_when(cp)} signed event #{cp.head_seq} with hash "
                          f"{cp.head_hash[:16]}…, but the trail now has {now[:16]}… there: "
                          "the trail was rewritten", checked)
    note = None if trusted else ("signatures not checked: no department public key is "
                                 "trusted on this workstation")
    return report(None, checked, note)
