"""What the console writes to disk is readable by its owner only (0600 files, 0700 folders
on POSIX): the SQLite database and its journal, the ingest spool, recordings and exports."""

from __future__ import annotations

import os
import stat
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from rtic_console.domain.recording_coverage import Span
from rtic_console.feeds.recorder import RecorderWorker
from rtic_console.feeds.spool import Spool
from rtic_console.services.audit_review import export_csv
from rtic_console.services.clip_export import ExportPlan, SourceSegment, write_export_files
from rtic_console.services.context import Context
from rtic_console.services.recordings import SegmentInfo
from rtic_console.services.runner import perform
from rtic_console.store.audit_log import AuditFilter
from rtic_console.store.database import Database, open_database
from rtic_console.store.private_files import private_folder
from tests.services.pscn_support import write_segment

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sqlite_database_and_its_journal_are_private(tmp_path: Path) -> None:
    path = tmp_path / "data" / "rtic" / "rtic-console.db"
    db = open_database(f"sqlite:///{path}")
    try:
        with db.write() as session:
            session.connection().exec_driver_sql("CREATE TABLE t (x INTEGER)")
            session.connection().exec_driver_sql("INSERT INTO t VALUES (1)")
        files = [p for p in path.parent.iterdir() if p.name.startswith(path.name)]
        assert {p.name for p in files} >= {"rtic-console.db", "rtic-console.db-wal"}
        assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}
        assert mode(path.parent) == mode(path.parent.parent) == 0o700
    finally:
        db.dispose()


def test_the_ingest_spool_is_private(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool" / "ingest-spool.sqlite3")
    try:
        assert mode(spool.path) == 0o600 and mode(spool.path.parent) == 0o700
    finally:
        spool.close()


def test_recorded_segments_are_private(tmp_path: Path) -> None:
    finished: list[SegmentInfo] = []
    recorder = RecorderWorker(3, "CAM-CY-01", "city", tmp_path / "recordings",
                              on_segment=finished.append, fps=20.0, stale_after_s=0.2)
    recorder.start()
    try:
        for n in range(8):
            recorder.feed(np.full((48, 64, 3), n * 20, np.uint8))
            time.sleep(0.04)
        time.sleep(0.4)
    finally:
        assert recorder.stop()
    (segment,) = finished
    path = Path(segment.path)
    assert mode(path) == 0o600
    assert mode(path.parent) == mode(path.parent.parent) == mode(tmp_path / "recordings") \
        == 0o700


def test_evidence_clips_manifests_and_audit_exports_are_private(
        db: Database, admin: Context, tmp_path: Path) -> None:
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    seg = write_segment(tmp_path / "rec", 1, t0, 10)
    plan = ExportPlan(1, {"id": "CAM-AG-01", "name": "K St", "category": "agency",
                          "address": ""}, t0, t0 + timedelta(seconds=2), "26-1", None,
                      "evidence collection",
                      (SourceSegment(1, seg.path, seg.started_at, seg.ended_at, seg.fps,
                                     seg.sha256),), Span(seg.started_at, seg.ended_at))
    shared = private_folder(tmp_path / "evidence")
    os.chmod(shared, 0o755)  # a folder someone chose keeps its own permissions
    files = write_export_files(plan, shared / "case-26-1", {"badge": "1001"}, t0)
    assert files is not None
    assert mode(files.clip.path) == mode(files.manifest_path) == 0o600
    (original,) = files.originals
    assert mode(original.path) == 0o600 and mode(original.path.parent) == 0o700
    assert mode(shared / "case-26-1") == 0o700 and mode(shared) == 0o755
    csv_path = tmp_path / "audit.csv"
    perform(db, admin, export_csv, AuditFilter(limit=None), csv_path)
    assert mode(csv_path) == 0o600
