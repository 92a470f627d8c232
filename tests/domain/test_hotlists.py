"""Hot list vocabulary and the E.1/E.2 rules for hand-entered hot plates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from rtic_console.domain.hotlists import (
    DEFAULT_PRIORITY,
    NCIC_SYSTEM_BY_DOJ_FILE,
    REASON_BY_DOJ_FILE,
    REASON_BY_NCIC_TYPE,
    HotListRuleError,
    ListKind,
    NcicSystem,
    ReasonCategory,
    effective_from,
    is_in_effect,
    reason_for_ncic_record,
    validate_hot_plate,
)

ENTERED = datetime(2026, 11, 21, 14, 30, tzinfo=UTC)


def hot_plate(**changes: object):
    fields: dict[str, object] = {
        "plate": "7abc-123",
        "state": "us-ca",
        "reason": ReasonCategory.STOLEN_VEHICLE,
        "case_number": "26-104233",
        "xref": None,
        "ncic_system": "SVS",
        "ncic_record": "V000123457",
        "entered_at": ENTERED,
    }
    fields.update(changes)
    return validate_hot_plate(**fields)  # type: ignore[arg-type]


def problems_of(**changes: object) -> tuple[str, ...]:
    with pytest.raises(HotListRuleError) as caught:
        hot_plate(**changes)
    return caught.value.problems


def test_valid_hot_plate_is_normalised_and_lives_24_hours_by_default() -> None:
    entry = hot_plate()
    assert entry.plate == "7ABC123"
    assert entry.state == "CA"
    assert entry.ncic_system is NcicSystem.SVS
    assert entry.effective_at == ENTERED
    assert entry.expires_at == ENTERED + timedelta(hours=24)
    assert entry.priority == DEFAULT_PRIORITY[ReasonCategory.STOLEN_VEHICLE]


@pytest.mark.policy("E.1")
def test_hot_plate_without_case_number_or_xref_is_refused() -> None:
    problems = problems_of(case_number="  ", xref=None)
    assert len(problems) == 1
    assert "case number" in problems[0] and "XREF" in problems[0]


@pytest.mark.policy("E.1")
def test_xref_stands_in_for_a_missing_case_number() -> None:
    entry = hot_plate(case_number=None, xref="X-5521907")
    assert entry.case_number is None
    assert entry.xref == "X-5521907"


@pytest.mark.policy("E.1")
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_hot_plate_without_reason_is_refused(reason: object) -> None:
    assert problems_of(reason=reason) == ("a reason is required (E.1)",)


def test_unknown_reason_names_the_allowed_ones() -> None:
    (problem,) = problems_of(reason="parking")
    assert "'parking'" in problem and "stolen_plate" in problem


def test_reason_is_accepted_as_text() -> None:
    assert hot_plate(reason="Wanted Person").reason is ReasonCategory.WANTED_PERSON


@pytest.mark.policy("E.2")
@pytest.mark.parametrize("system", [None, ""])
def test_hot_plate_without_counterpart_system_is_refused(system: object) -> None:
    (problem,) = problems_of(ncic_system=system)
    assert "counterpart system" in problem


@pytest.mark.policy("E.2")
def test_counterpart_system_must_be_a_known_one() -> None:
    (problem,) = problems_of(ncic_system="CLETS")
    assert "'CLETS'" in problem
    assert hot_plate(ncic_system="mups").ncic_system is NcicSystem.MUPS


@pytest.mark.policy("E.2")
def test_hot_plate_without_counterpart_record_number_is_refused() -> None:
    (problem,) = problems_of(ncic_record=" ")
    assert "record number" in problem


@pytest.mark.policy("E.2")
def test_expiry_more_than_24_hours_after_entry_is_refused() -> None:
    (problem,) = problems_of(expires_at=ENTERED + timedelta(hours=24, seconds=1))
    assert "at most 24 hours" in problem


@pytest.mark.policy("E.2")
def test_expiry_of_exactly_24_hours_is_allowed_in_any_time_zone() -> None:
    pacific = timezone(timedelta(hours=-8))
    expires = (ENTERED + timedelta(hours=24)).astimezone(pacific)
    entry = hot_plate(expires_at=expires)
    assert entry.expires_at == ENTERED + timedelta(hours=24)
    assert entry.expires_at.tzinfo is UTC


def test_expiry_must_follow_entry() -> None:
    (problem,) = problems_of(expires_at=ENTERED)
    assert "not after the entry time" in problem


def test_times_without_a_zone_are_refused() -> None:
    problems = problems_of(entered_at=ENTERED.replace(tzinfo=None))
    assert problems == ("entry time has no time zone",)
    assert problems_of(expires_at=datetime(2026, 11, 22)) == ("expiry has no time zone",)


@pytest.mark.parametrize(("plate", "words"), [
    ("", "empty"),
    ("7ABC12345678", "at most"),
    ("7AB#123", "characters"),
    ("NOTAG", "placeholder"),
    ("unknown", "placeholder"),
])
def test_invalid_or_placeholder_plate_is_refused(plate: str, words: str) -> None:
    (problem,) = problems_of(plate=plate)
    assert words in problem


def test_unknown_state_is_refused_but_a_blank_one_is_unknown() -> None:
    (problem,) = problems_of(state="XX")
    assert "'XX'" in problem
    assert hot_plate(state="").state is None
    assert hot_plate(state="0H").state == "OH"


def test_every_problem_is_reported_at_once() -> None:
    problems = problems_of(plate="TEMP", case_number=None, reason=None, ncic_system=None,
                           ncic_record=None, expires_at=ENTERED + timedelta(days=2))
    assert len(problems) == 6
    with pytest.raises(ValueError, match=r"hot plate refused: .*placeholder"):
        hot_plate(plate="TEMP")


def test_priority_defaults_by_reason_and_can_be_set() -> None:
    assert hot_plate(reason="amber").priority == 1
    assert hot_plate(priority=2).priority == 2
    assert "priority" in problems_of(priority=0)[0]


def test_every_ncic_record_type_letter_has_a_reason() -> None:
    assert set(REASON_BY_NCIC_TYPE) == set("VPFWMALHKTXCRB")
    assert reason_for_ncic_record("V123456789") is ReasonCategory.STOLEN_VEHICLE
    assert reason_for_ncic_record("p123456789") is ReasonCategory.STOLEN_PLATE
    assert reason_for_ncic_record("A000000001") is ReasonCategory.AMBER
    assert reason_for_ncic_record("M000000001") is ReasonCategory.MISSING_PERSON
    assert reason_for_ncic_record("G000000001") is None
    assert reason_for_ncic_record("") is None


def test_doj_files_map_to_reasons_and_systems() -> None:
    assert REASON_BY_DOJ_FILE == {"svs": ReasonCategory.STOLEN_VEHICLE,
                                  "sfr": ReasonCategory.FELONY_VEHICLE,
                                  "slr": ReasonCategory.STOLEN_PLATE}
    assert NCIC_SYSTEM_BY_DOJ_FILE["slr"] is NcicSystem.SLR


def test_every_reason_has_a_default_priority_with_people_first() -> None:
    assert set(DEFAULT_PRIORITY) == set(ReasonCategory)
    assert DEFAULT_PRIORITY[ReasonCategory.AMBER] < DEFAULT_PRIORITY[ReasonCategory.STOLEN_PLATE]
    assert min(DEFAULT_PRIORITY.values()) == 1


@pytest.mark.policy("E.2")
def test_entry_stops_being_in_effect_at_the_exact_instant_it_expires() -> None:
    entry = hot_plate()
    assert entry.expires_at is not None
    assert entry.in_effect(entry.expires_at - timedelta(microseconds=1))
    assert not entry.in_effect(entry.expires_at)
    assert not entry.in_effect(ENTERED - timedelta(microseconds=1))
    assert entry.in_effect(ENTERED)


def test_open_ended_entries_never_expire() -> None:
    assert is_in_effect(None, None, ENTERED)
    assert is_in_effect(ENTERED, None, ENTERED + timedelta(days=3650))


@pytest.mark.policy("I.1")
def test_special_list_entry_takes_effect_only_after_supervisor_approval() -> None:
    assert effective_from(ListKind.SPECIAL, ENTERED, None) is None
    approved = ENTERED + timedelta(hours=2)
    assert effective_from(ListKind.SPECIAL, ENTERED, approved) == approved
    # An approval stamped before the entry cannot back-date it.
    assert effective_from(ListKind.SPECIAL, ENTERED, ENTERED - timedelta(hours=1)) == ENTERED
    assert effective_from(ListKind.SPD_HOT_PLATE, ENTERED, None) == ENTERED


@pytest.mark.policy("I.1")
def test_only_special_list_hits_are_informational() -> None:
    assert ListKind.SPECIAL.hits_are_informational
    assert not ListKind.STATE_NCIC.hits_are_informational
    assert not ListKind.SPD_HOT_PLATE.hits_are_informational


@pytest.mark.policy("I.1")
def test_special_entry_needs_no_counterpart_but_case_and_expiry_apply() -> None:
    from datetime import UTC, datetime, timedelta

    from rtic_console.domain.hotlists import HotListRuleError, validate_special_entry

    now = datetime(2026, 11, 22, 9, tzinfo=UTC)
    entry = validate_special_entry(plate="4dwl-663", state="CA", reason="other",
                                   case_number="26-1", xref=None, entered_at=now)
    assert entry.ncic_system is None and entry.expires_at == now + timedelta(hours=24)
    with pytest.raises(HotListRuleError, match="XREF"):
        validate_special_entry(plate="4DWL663", state="CA", reason="other", case_number=None,
                               xref=None, entered_at=now)
    with pytest.raises(HotListRuleError, match="24 hours"):
        validate_special_entry(plate="4DWL663", state="CA", reason="other", case_number="1",
                               xref=None, entered_at=now, expires_at=now + timedelta(hours=30))


@pytest.mark.parametrize(("changes", "clause"), [
    ({"case_number": None, "ncic_system": None}, "E.1"),
    ({"reason": None}, "E.1"),
    ({"ncic_record": None}, "E.2"),
    ({"expires_at": ENTERED + timedelta(hours=25)}, "E.2"),
    ({"state": "XX", "ncic_system": "XYZ"}, "E.2"),
    ({"plate": "TEMP"}, None),
    ({"state": "XX"}, None),
])
def test_a_refusal_names_the_first_clause_of_the_order_it_breaks(changes: dict[str, object],
                                                                  clause: str | None) -> None:
    """E.1 before E.2; a problem of form alone (not a plate, not a state) breaks no clause."""
    with pytest.raises(HotListRuleError) as caught:
        hot_plate(**changes)
    assert caught.value.clause == clause
