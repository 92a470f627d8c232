"""`rtic-console device add|list|update|report|clear` and `alert list|ack` (A.2, B.2)."""

from __future__ import annotations

import json

import pytest

from rtic_console.store.database import Database
from tests.cli.conftest import CliRefused, refused_by_cli
from tests.refusals import assert_refused


@pytest.fixture
def fleet(as_person, admin, enrol) -> None:
    enrol("7401", "it_staff", sign=False)
    for argv in (
        ("ALPR-FX-07", "--kind", "fixed_reader", "--name", "Freeport Blvd & 24th",
         "--near", "38.52,-121.49", "--version", "4.2.1", "--expected-version", "4.2.1"),
        ("ALPR-MB-1188", "--kind", "mobile_reader", "--name", "Unit 1188 reader",
         "--vehicle-unit", "1188", "--version", "3.9", "--expected-version", "4.0"),
        ("ALPR-TR-02", "--kind", "trailer", "--name", "Trailer 2", "--near",
         "38.56,-121.47"),
        ("CAM-AG-11", "--kind", "camera", "--name", "Garage ramp"),
    ):
        code, _out, err = as_person("7401", "device", "add", *argv)
        assert code == 0, err


def test_add_update_and_list_as_json(as_person, fleet) -> None:
    code, out, err = as_person("7401", "device", "update", "ALPR-MB-1188", "--version", "4.0",
                               "--vendor", "Motorola")
    assert code == 0 and "version 4.0" in out, err
    code, out, _ = as_person("1001", "device", "list", "--json")
    rows = {r["code"]: r for r in json.loads(out)}
    assert {r["kind"] for r in rows.values()} == {"fixed_reader", "mobile_reader", "trailer",
                                                  "camera"}
    assert rows["ALPR-MB-1188"]["vendor"] == "Motorola" and not rows["ALPR-MB-1188"][
        "out_of_date"]
    assert rows["ALPR-FX-07"]["latitude"] == 38.52
    assert all(r["service_state"] == "in_service" and r["open_reports"] == 0
               for r in rows.values())


@pytest.mark.policy("B.2")
def test_report_alerts_the_administrators_and_clear_puts_it_back(
        db: Database, as_person, enrol, fleet) -> None:
    enrol("6301", "officer", sign=False)
    code, out, err = as_person("6301", "device", "report", "ALPR-FX-07", "--problem",
                               "pole knocked over by a truck")
    assert code == 0 and "Do not attempt to repair" in out, err
    code, out, _ = as_person("1001", "device", "list")
    assert "Damaged" in out
    code, out, _ = as_person("1001", "alert", "list", "--json")
    [alert] = json.loads(out)
    assert alert["subject_id"] == "ALPR-FX-07" and alert["for_role"] == "alpr_admin"
    code, out, _ = as_person("6301", "alert", "list", "--json")
    assert json.loads(out) == []
    code, out, err = as_person("1001", "alert", "ack", str(alert["id"]), "--note",
                               "crew is on it now")
    assert code == 0, err
    code, out, err = as_person("1001", "device", "clear", "ALPR-FX-07", "--note",
                               "new pole, reader re-mounted and reading")
    assert code == 0 and "back in service" in out, err
    code, out, _ = as_person("6301", "device", "list", "--json")
    assert {r["code"]: r["service_state"] for r in json.loads(out)}["ALPR-FX-07"] == \
        "in_service"


@pytest.mark.policy("B.2.c")
def test_vandalism_without_crime_report_is_refused_in_one_line(db: Database, as_person,
                                                               fleet) -> None:
    assert_refused(db, refused_by_cli(as_person, "1001", "device", "report", "CAM-AG-11",
                                      "--problem", "dome smashed", "--vandalism"),
                   action="device.report", clause="B.2.c", signed_in=True, error=CliRefused)


@pytest.mark.policy("B.2.b(1)")
def test_mobile_report_without_mdc_request_is_refused(db: Database, as_person, fleet) -> None:
    assert_refused(db, refused_by_cli(as_person, "1001", "device", "report", "ALPR-MB-1188",
                                      "--problem", "no GPS"),
                   action="device.report", clause="B.2.b(1)", signed_in=True, error=CliRefused)
    code, _, err = as_person("1001", "device", "report", "ALPR-MB-1188", "--problem", "no GPS",
                             "--mdc-request", "MDC-77: GPS lamp red after start-up")
    assert code == 0, err


@pytest.mark.policy("B.2.b(2)")
def test_trailer_report_without_secured_is_refused(db: Database, as_person, fleet) -> None:
    assert_refused(db, refused_by_cli(as_person, "1001", "device", "report", "ALPR-TR-02",
                                      "--problem", "tyre slashed"),
                   action="device.report", clause="B.2.b(2)", signed_in=True, error=CliRefused)
    code, _, err = as_person("1001", "device", "report", "ALPR-TR-02", "--problem",
                             "tyre slashed", "--trailer-secured", "--vandalism",
                             "--crime-report", "26-20031")
    assert code == 0, err


@pytest.mark.policy("B.2")
def test_clearing_a_device_with_no_open_report_is_refused(db: Database, as_person,
                                                          fleet) -> None:
    assert_refused(db, refused_by_cli(as_person, "1001", "device", "clear", "ALPR-TR-02",
                                      "--note", "looked fine to me today"),
                   action="device.clear", clause="B.2", signed_in=True, error=CliRefused)


@pytest.mark.policy("A.2")
def test_an_officer_cannot_register_or_clear(db: Database, as_person, enrol, fleet) -> None:
    enrol("6301", "officer", sign=False)
    assert_refused(db, refused_by_cli(as_person, "6301", "device", "add", "ALPR-FX-09",
                                      "--kind", "fixed_reader", "--name", "Mine"),
                   action="device.add", clause="A.2", signed_in=True, error=CliRefused)


def test_a_version_with_a_control_character_is_refused(db: Database, as_person,
                                                       fleet) -> None:
    assert_refused(db, refused_by_cli(as_person, "7401", "device", "update", "ALPR-FX-07",
                                      "--version", "4.3\x1b]0;owned\x07"),
                   action="device.update", match="control character", signed_in=True,
                   error=CliRefused)


@pytest.mark.policy("D.3.d")
def test_shift_check_from_a_terminal(db: Database, as_person, enrol, fleet) -> None:
    enrol("6301", "officer", sign=False)
    code, out, err = as_person("6301", "shift", "check", "1188", "--affixed", "yes", "--cdms",
                               "yes", "--green", "yes")
    assert code == 0 and "all items passed" in out, err
    assert_refused(db, refused_by_cli(as_person, "6301", "shift", "check", "1188",
                                      "--affixed", "yes", "--cdms", "yes", "--green", "no"),
                   action="shift.check", clause="B.2.b(1)", signed_in=True, error=CliRefused)
    code, out, err = as_person("6301", "shift", "check", "1188", "--affixed", "yes", "--cdms",
                               "yes", "--green", "no", "--mdc-request",
                               "MDC-91: GPS lamp red")
    assert code == 0 and "Damage report(s) #1 opened" in out, err
    code, out, _ = as_person("1001", "shift", "unchecked", "--json")
    assert code == 0 and json.loads(out) == []
