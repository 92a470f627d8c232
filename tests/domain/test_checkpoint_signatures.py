"""Checkpoint signatures and the check of a trail against its checkpoints, in pure Python."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from rtic_console.domain.audit_anchor import (
    Checkpoint,
    KeyFormatError,
    check_anchors,
    key_id,
    parse_private_key,
    parse_public_key,
    private_key_text,
    public_key_text,
    sign_checkpoint,
    signature_valid,
)

KEY = Ed25519PrivateKey.generate()
TRUSTED = {key_id(KEY.public_key()): KEY.public_key()}
AT = datetime(2026, 11, 22, 8, 30, tzinfo=UTC)


def _checkpoint(seq: int, digest: str, cid: int = 1,
                key: Ed25519PrivateKey = KEY) -> Checkpoint:
    kid, signature = sign_checkpoint(key, seq, digest, AT)
    return Checkpoint(cid, seq, digest, AT, kid, signature, "1001", "WS")


def test_keys_round_trip_and_bad_spellings_are_named() -> None:
    assert key_id(parse_public_key(public_key_text(KEY.public_key()))) == \
        key_id(KEY.public_key())
    assert key_id(parse_private_key(private_key_text(KEY)).public_key()) == \
        key_id(KEY.public_key())
    for text, message in (("rsa:AAAA", "must start with"), ("ed25519:***", "base64"),
                          ("ed25519:AAAA", "32 bytes")):
        with pytest.raises(KeyFormatError, match=message):
            parse_public_key(text)


@pytest.mark.parametrize("field,value", [("head_seq", 8), ("head_hash", "b" * 64),
                                         ("signed_at", datetime(2026, 11, 23, tzinfo=UTC)),
                                         ("signature", "AAAA")])
def test_any_change_breaks_the_signature(field: str, value: object) -> None:
    cp = _checkpoint(7, "a" * 64)
    assert signature_valid(KEY.public_key(), cp)
    assert not signature_valid(KEY.public_key(), Checkpoint(**{**cp.__dict__, field: value}))


def test_trail_that_matches_its_checkpoints() -> None:
    report = check_anchors([_checkpoint(3, "c" * 64), _checkpoint(7, "a" * 64, 2)], TRUSTED,
                           9, {3: "c" * 64, 7: "a" * 64}.get)
    assert report.ok and report.signatures_checked == 2 and report.newest.head_seq == 7


def test_no_checkpoint_is_not_a_failure_but_says_so() -> None:
    report = check_anchors([], TRUSTED, 9, {}.get)
    assert report.ok and "not anchored yet" in report.note


@pytest.mark.parametrize("head,hashes,problem", [
    (6, {7: "a" * 64}, "ends at event #6"),
    (None, {}, "is empty"),
    (9, {}, "no longer in the trail"),
    (9, {7: "f" * 64}, "the trail was rewritten"),
])
def test_cut_or_rewritten_trail(head: int | None, hashes: dict, problem: str) -> None:
    report = check_anchors([_checkpoint(7, "a" * 64)], TRUSTED, head, hashes.get)
    assert not report.ok and problem in report.problem


def test_untrusted_or_forged_checkpoint() -> None:
    stranger = _checkpoint(7, "a" * 64, key=Ed25519PrivateKey.generate())
    assert "not a department key" in check_anchors([stranger], TRUSTED, 9,
                                                   {7: "a" * 64}.get).problem
    forged = Checkpoint(**{**_checkpoint(7, "a" * 64).__dict__, "head_hash": "b" * 64})
    assert "does not verify" in check_anchors([forged], TRUSTED, 9, {7: "b" * 64}.get).problem
    unchecked = check_anchors([forged], {}, 9, {7: "b" * 64}.get)
    assert unchecked.ok and "signatures not checked" in unchecked.note
