"""The headless service's daily jobs: the checkpoint and the retention purge, on time, by the
system, and audited when refused."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from time import monotonic

import pytest

from rtic_console.config import Settings, SettingsError
from rtic_console.feeds.daily_jobs import DailyJobsWorker, next_run
from rtic_console.store.database import Database
from tests.feeds.ingest_harness import wait_for
from tests.refusals import events_after, head_seq


def test_the_next_run_is_the_next_time_the_local_clock_reads_the_hour() -> None:
    at = time(3, 0)
    before = datetime.now().astimezone().replace(hour=2, minute=59, second=0, microsecond=0)
    assert next_run(before, at) == before.replace(hour=3, minute=0).astimezone(UTC)
    on_time = before.replace(hour=3, minute=0)
    assert next_run(on_time, at) == (on_time + timedelta(days=1)).astimezone(UTC)


@pytest.mark.parametrize("value", ["3am", "25:00", "03:00:00", "", 300])
def test_a_daily_time_that_is_not_hh_mm_is_refused_by_name(value: object) -> None:
    with pytest.raises(SettingsError, match="daily_jobs_at"):
        Settings(daily_jobs_at=value)  # type: ignore[arg-type]


def _clock_just_before(at: time):  # type: ignore[no-untyped-def]
    """A clock that reads half a second before `at` today, and runs at real speed."""
    start = datetime.now().astimezone().replace(hour=at.hour, minute=at.minute, second=0,
                                                microsecond=0) - timedelta(seconds=0.5)
    t0 = monotonic()
    return lambda: (start + timedelta(seconds=monotonic() - t0)).astimezone(UTC)


@pytest.mark.policy("AUDIT")
@pytest.mark.policy("C.1")
def test_the_checkpoint_is_signed_at_the_daily_hour_by_the_system(
        db: Database, admin, department_key: str) -> None:
    seq = head_seq(db)
    worker = DailyJobsWorker(db, "INGEST-01", time(3, 0), now=_clock_just_before(time(3, 0)))
    worker.start()
    try:
        wait_for(lambda: worker.runs == 1, 10)
    finally:
        worker.stop()
    (event,) = [e for e in events_after(db, seq) if e.action == "audit.checkpoint"]
    assert event.actor_badge is None and event.workstation == "INGEST-01"
    (purge,) = [e for e in events_after(db, seq) if e.action == "retention.purge"]
    assert purge.actor_badge is None and purge.workstation == "INGEST-01"
    assert "system:daily-purge" in (purge.reason or "")


@pytest.mark.policy("AUDIT")
def test_without_a_signing_key_the_due_checkpoint_is_refused_and_audited(
        db: Database, admin, no_keyring) -> None:
    seq = head_seq(db)
    worker = DailyJobsWorker(db, "INGEST-01", time(3, 0), now=_clock_just_before(time(3, 0)))
    worker.start()
    try:
        wait_for(lambda: worker.runs == 1, 10)
    finally:
        worker.stop()
    assert [e.action for e in events_after(db, seq)] == ["audit.checkpoint.refused",
                                                          "retention.purge"]
