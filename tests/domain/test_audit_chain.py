"""The audit chain's canonical hashing and its tamper checks, without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from rtic_console.domain.audit_chain import (
    GENESIS_HASH,
    AuditRecord,
    canonical_details,
    event_hash,
    verify_chain,
)


def _chain(n: int) -> list[tuple[AuditRecord, str]]:
    out: list[tuple[AuditRecord, str]] = []
    prev = GENESIS_HASH
    start = datetime(2026, 11, 1, 12, tzinfo=UTC)
    for seq in range(1, n + 1):
        details = {"n": seq, "note": "é"}
        dj = canonical_details(details)
        at = start + timedelta(seconds=seq)
        h = event_hash(seq=seq, occurred_at=at, actor_badge="1001", workstation="WS",
                       action="test.act", object_type="thing", object_id=str(seq),
                       reason=None, details_json=dj, prev_hash=prev)
        out.append((AuditRecord(seq, at, "1001", "WS", "test.act", "thing", str(seq), None,
                                details, prev, h), dj))
        prev = h
    return out


def test_intact_chain_verifies() -> None:
    report = verify_chain(_chain(5))
    assert report.ok and report.events_checked == 5 and report.head_seq == 5


@pytest.mark.policy("AUDIT")
def test_altered_field_is_named_by_sequence() -> None:
    chain = _chain(5)
    rec, dj = chain[2]
    chain[2] = (replace(rec, action="test.other"), dj)
    report = verify_chain(chain)
    assert not report.ok and report.first_bad_seq == 3 and "altered" in (report.problem or "")


@pytest.mark.policy("AUDIT")
def test_altered_details_detected() -> None:
    chain = _chain(4)
    rec, _ = chain[1]
    chain[1] = (rec, canonical_details({"n": 99}))
    assert verify_chain(chain).first_bad_seq == 2


@pytest.mark.policy("AUDIT")
def test_removed_event_detected() -> None:
    chain = _chain(5)
    del chain[1]
    report = verify_chain(chain)
    assert not report.ok and report.first_bad_seq == 2


@pytest.mark.policy("AUDIT")
def test_reordered_events_detected() -> None:
    chain = _chain(5)
    (a, da), (b, db_) = chain[1], chain[2]
    chain[1] = (replace(b, seq=2), db_)
    chain[2] = (replace(a, seq=3), da)
    report = verify_chain(chain)
    assert not report.ok and report.first_bad_seq == 2


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError):
        event_hash(seq=1, occurred_at=datetime(2026, 1, 1), actor_badge=None, workstation=None,
                   action="a", object_type=None, object_id=None, reason=None,
                   details_json="{}", prev_hash=GENESIS_HASH)
