"""`rtic-console caps show|set`: the recordings' disk caps and each camera's use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rtic_console.feeds.recording_supervisor import RecordingSupervisor
from rtic_console.services.context import Context
from rtic_console.store.database import Database
from tests.cli.conftest import CliRefused, Run, refused_by_cli
from tests.refusals import assert_refused
from tests.services.pscn_support import add_camera
from tests.services.test_recording_caps import MIB, segment


def test_caps_set_and_show_with_each_cameras_use(db: Database, admin: Context, as_person: Run,
                                                 enrol, tmp_path: Path) -> None:
    camera = add_camera(db, admin, "CAM-CAP-11", recording_enabled=True)
    add_camera(db, admin, "CAM-CAP-12", recording_enabled=True)
    RecordingSupervisor(db, tmp_path).store_segment(segment(tmp_path, camera.id, 1, 950 * MIB))
    code, out, err = as_person("1001", "caps", "set", "store", "20T")
    assert code == 0, err
    assert "All recordings together: 18.2 TiB." in out
    code, out, err = as_person("1001", "caps", "set", "camera_default", "1GiB")
    assert code == 0, err
    code, out, err = as_person("1001", "caps", "set", "camera", "2G", "--camera", "cam-cap-12")
    assert code == 0, err
    assert "Camera CAM-CAP-12: 1.9 GiB (its own)" in out
    RecordingSupervisor(db, tmp_path).check_caps()
    code, out, _ = as_person("1001", "caps", "show", "--json")
    shown = json.loads(out)
    assert shown["caps"]["store"]["bytes"] == 20 * 1000**4
    assert shown["store"] == {"used": 950 * MIB, "level": "ok", "reason": None}
    assert [(c["code"], c["used"], c["cap"], c["own_cap"], c["level"])
            for c in shown["cameras"]] == [("CAM-CAP-11", 950 * MIB, 1024**3, False, "warning"),
                                           ("CAM-CAP-12", 0, 2 * 1000**3, True, "ok")]
    enrol("7401", "it_staff")
    code, out, _ = as_person("7401", "caps", "show")
    assert code == 0 and "CAM-CAP-11" in out and "93%" in out and "warning" in out


@pytest.mark.policy("A.2")
def test_caps_set_refused_for_it_staff_and_for_a_wrong_size(db: Database, admin: Context,
                                                          as_person: Run, enrol) -> None:
    enrol("7401", "it_staff")
    assert_refused(db, refused_by_cli(as_person, "7401", "caps", "set", "store", "20T"),
                   action="recording.cap.set", error=CliRefused, signed_in=True,
                   match=r"may do this\. \(GO 525\.08 A\.2\)$")  # the terminal names the rule
    assert_refused(db, refused_by_cli(as_person, "1001", "caps", "set", "store", "20 parsecs"),
                   action="recording.cap.set", error=CliRefused, signed_in=True)
