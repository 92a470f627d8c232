"""`rtic-console retention show|set` and `hold add|list|release` from a terminal (C.1, F.5)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from rtic_console.services.context import Context
from rtic_console.store.database import Database
from tests.cli.conftest import CliRefused, Run, refused_by_cli
from tests.refusals import assert_refused
from tests.services.retention_support import add_read


@pytest.mark.policy("C.1")
def test_retention_show_and_set(db: Database, admin: Context, as_person: Run) -> None:
    code, out, err = as_person("1001", "retention", "set", "hit_images", "180")
    assert code == 0, err
    assert "180 days" in out
    code, out, _ = as_person("1001", "retention", "show", "--json")
    shown = json.loads(out)
    assert shown["hit_images"]["days"] == 180 and shown["hit_images"]["updated_by"] == "1001"
    assert shown["detections"]["days"] == 730 and shown["detections"]["updated_by"] is None
    code, out, _ = as_person("1001", "retention", "show")
    assert code == 0 and "search_plates" in out
    assert_refused(db, refused_by_cli(as_person, "1001", "retention", "set", "detections", "60"),
                   action="retention.set", clause="C.1", error=CliRefused, signed_in=True)


@pytest.mark.policy("C.1")
def test_hold_add_list_release(db: Database, admin: Context, as_person: Run) -> None:
    now = datetime.now(UTC)
    read_id, _ = add_read(db, "7ABC123", now - timedelta(days=200))
    code, out, err = as_person("1001", "hold", "add", "--case", "26-001", "--reason",
                               "homicide", "--detection", str(read_id))
    assert code == 0, err
    assert f"read #{read_id}" in out
    code, out, err = as_person(
        "1001", "hold", "add", "--case", "26-002", "--reason", "robbery series", "--plate",
        "7abc 123", "--from", (now - timedelta(days=210)).isoformat(), "--to", now.isoformat())
    assert code == 0, err
    code, out, _ = as_person("1001", "hold", "list", "--json")
    holds = json.loads(out)
    assert [(h["case"], h["scope"]) for h in holds] == [("26-002", "plate"),
                                                        ("26-001", "detection")]
    assert holds[0]["plate"] == "7ABC123"
    code, out, err = as_person("1001", "hold", "release", str(holds[1]["id"]), "--reason",
                               "case closed")
    assert code == 0, err
    assert_refused(db, refused_by_cli(as_person, "1001", "hold", "release",
                                      str(holds[1]["id"]), "--reason", "again"),
                   action="evidence.release", clause="C.1", error=CliRefused, signed_in=True)
    assert_refused(db, refused_by_cli(as_person, "1001", "hold", "add", "--case", "26-3",
                                      "--reason", "x", "--detection", "999999"),
                   action="evidence.hold", clause="C.1", error=CliRefused, signed_in=True)
    code, out, _ = as_person("1001", "hold", "list", "--all", "--case", "26-001")
    assert code == 0 and "case closed" not in out and "by 1001" in out


@pytest.mark.policy("C.1")
def test_purge_dry_run_then_purge(db: Database, admin: Context, as_person: Run) -> None:
    as_person("1001", "retention", "set", "detections", "120")
    now = datetime.now(UTC)
    add_read(db, "OLD001", now - timedelta(days=130), hit=True)
    add_read(db, "YNG001", now - timedelta(days=100))
    code, out, err = as_person("1001", "purge", "--dry-run", "--json")
    assert code == 0, err
    dry = json.loads(out)
    assert dry["dry_run"] and dry["kinds"]["detections"]["removed"]["reads"] == 1
    assert dry["kinds"]["detections"]["days"] == 120
    code, out, err = as_person("1001", "purge", "--json")
    assert code == 0, err
    done = json.loads(out)
    assert done["kinds"]["detections"]["removed"] == dry["kinds"]["detections"]["removed"]
    code, out, err = as_person("1001", "purge")
    assert code == 0 and "Purge run #" in out and "0 reads" in out


@pytest.mark.policy("C.1")
def test_plate_key_travels_and_the_trail_is_searched_by_plate(
        db: Database, admin: Context, as_person: Run, tmp_path, memory_keyring) -> None:
    now = datetime.now(UTC)
    add_read(db, "7ABC123", now - timedelta(days=100))
    as_person("1001", "hold", "add", "--case", "26-5", "--reason", "robbery", "--plate",
              "7ABC123", "--from", (now - timedelta(days=101)).isoformat(), "--to",
              now.isoformat())
    code, out, err = as_person("1001", "audit", "plate-key", "export", str(tmp_path / "k"))
    assert code == 0, err
    assert (tmp_path / "k").stat().st_mode & 0o777 == 0o600
    code, out, _ = as_person("1001", "audit", "list", "--plate", "7ABC123", "--json")
    (event,) = json.loads(out)
    assert event["action"] == "evidence.hold" and event["plates"] == {"plate": "7ABC123"}
    memory_keyring.entries.clear()  # another machine, which has no key yet
    (tmp_path / "other").write_text("A" * 43 + "=\n")
    code, _, err = as_person("1001", "audit", "plate-key", "import", str(tmp_path / "other"))
    assert code == 2 and "another key" in err
    code, out, err = as_person("1001", "audit", "plate-key", "import", str(tmp_path / "k"))
    assert code == 0, err
