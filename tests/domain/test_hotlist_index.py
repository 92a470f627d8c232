"""The hot list index: OCR-equivalent matching, state flags, expiry and safe updates."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta, tzinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rtic_console.domain import hotlist_index
from rtic_console.domain.hotlist_index import HotListIndex, IndexRow, Match, ocr_key
from rtic_console.domain.hotlists import validate_hot_plate
from rtic_console.domain.plates import OCR_GROUPS, InvalidPlate, is_placeholder, ocr_substitutions

NOW = datetime(2026, 11, 21, 18, 0, tzinfo=UTC)


def index_of(*plates: str, max_substitutions: int = 1, state: str | None = "CA") -> HotListIndex:
    index = HotListIndex(max_substitutions=max_substitutions)
    index.replace_list("svs", [IndexRow(n, p, state, 3) for n, p in enumerate(plates)])
    return index


def hits(index: HotListIndex, plate: str, candidates: tuple[str, ...] = (),
         state: str | None = "CA", now: datetime = NOW) -> dict[str, Match]:
    return {m.listed_plate: m for m in index.match(plate, state, candidates, now)}


@pytest.mark.parametrize("max_substitutions", [1, 2])
def test_formats_md_example_read_hits_its_one_substitution_variants(max_substitutions: int) -> None:
    index = index_of("ABC123", "A8C123", "ABC1Z3", "ABCI23", "A8CIZ3",
                     max_substitutions=max_substitutions)
    found = hits(index, "ABC123")
    assert set(found) == {"ABC123", "A8C123", "ABC1Z3", "ABCI23"}  # A8CIZ3 is 3 away
    assert found["ABC123"].exact
    assert all(found[p].substitutions == 1 and not found[p].exact
               for p in ("A8C123", "ABC1Z3", "ABCI23"))


def test_substitution_limit_is_configurable() -> None:
    two_away = "A8C1Z3"
    assert hits(index_of(two_away), "ABC123") == {}
    assert hits(index_of(two_away, max_substitutions=2), "ABC123")[two_away].substitutions == 2
    three_away = hits(index_of("A8CIZ3", max_substitutions=3), "ABC123")
    assert three_away["A8CIZ3"].substitutions == 3
    assert hits(index_of("ABC123", max_substitutions=0), "A8C123") == {}


def test_unrelated_characters_never_match() -> None:
    index = index_of("ABC123", max_substitutions=2)
    assert hits(index, "ABC124") == {}
    assert hits(index, "ABC1234") == {}
    assert hits(index, "XBC123") == {}


def test_reads_are_cleaned_before_matching() -> None:
    found = hits(index_of("7ABC123"), "7abc-12 3")
    assert found["7ABC123"].read_plate == "7ABC123"
    assert found["7ABC123"].exact


def test_candidate_produces_a_match_and_says_which_one() -> None:
    index = index_of("A13709")
    (match,) = index.match("A137Q9X", "CA", ["A137O9X", "A137Q9"], NOW)
    assert match.candidate_index == 1
    assert match.read_plate == "A137Q9"
    assert match.substitutions == 1  # Q for the listed 0


def test_best_plate_beats_candidate_and_fewer_substitutions_win() -> None:
    index = index_of("ABC123", "8XY200")
    found = hits(index, "ABC123", ("ABC123", "8XYZOO", "8XY2O0"))
    assert found["ABC123"].candidate_index is None
    assert (found["8XY200"].candidate_index, found["8XY200"].substitutions) == (2, 1)
    # The best plate's approximate hit outranks an exact candidate: it is what the camera saw.
    (match,) = index_of("A8C123").match("ABC123", "CA", ["A8C123"], NOW)
    assert (match.candidate_index, match.substitutions) == (None, 1)


def test_one_match_per_entry() -> None:
    index = index_of("ABC123")
    assert len(index.match("ABC123", "CA", ["ABC123", "A8C123", "ABCI23"], NOW)) == 1


def test_state_mismatch_is_flagged_never_dropped() -> None:
    index = HotListIndex()
    index.replace_list("ncic", [IndexRow(1, "7ABC123", "CA", 3), IndexRow(2, "7ABC123", "NV", 2),
                                IndexRow(3, "7ABC123", None, 4)])
    matches = index.match("7ABC123", "us-nv", [], NOW)
    assert [(m.entry_id, m.state_mismatch) for m in matches] == [(2, False), (3, False),
                                                                 (1, True)]
    assert not any(m.state_mismatch for m in index.match("7ABC123", None, [], NOW))
    assert not any(m.state_mismatch for m in index.match("7ABC123", "ZZ", [], NOW))


def test_matches_are_ordered_by_priority_then_exactness() -> None:
    index = HotListIndex()
    index.replace_list("a", [IndexRow("low", "ABC123", "CA", 4),
                             IndexRow("near", "A8C123", "CA", 1),
                             IndexRow("top", "ABC123", "CA", 1)])
    assert [m.entry_id for m in index.match("ABC123", "CA", [], NOW)] == ["top", "near", "low"]


@pytest.mark.policy("E.2")
def test_entry_stops_matching_at_the_exact_instant_it_expires() -> None:
    entry = validate_hot_plate(plate="6TRW118", state="CA", reason="stolen_vehicle",
                               case_number="26-1", xref=None, ncic_system="SVS",
                               ncic_record="V1", entered_at=NOW)
    index = HotListIndex()
    index.replace_list("spd", [IndexRow.from_entry(7, entry)])
    assert entry.expires_at is not None
    assert hits(index, "6TRW118", now=entry.expires_at - timedelta(microseconds=1))
    assert hits(index, "6TRW118", now=entry.expires_at) == {}
    assert hits(index, "6TRW118", now=NOW - timedelta(microseconds=1)) == {}
    assert hits(index, "6TRW118", now=NOW)


def test_add_update_and_remove_single_entries_without_a_rebuild() -> None:
    index = index_of("ABC123")
    index.add(50, "spd", "5NXP063", "CA", 2, NOW, NOW + timedelta(hours=1))
    assert hits(index, "5NXP063")["5NXP063"].list_id == "spd"
    index.add(50, "spd", "5NXP064", "CA", 2)  # the same id: an update, not a second entry
    assert hits(index, "5NXP063") == {}
    assert hits(index, "5NXP064")["5NXP064"].entry_id == 50
    assert len(index) == 2
    index.add(50, "svs", "5NXP064", "CA", 2)  # moved to another list
    assert index.list_size("spd") == 0 and index.list_size("svs") == 2
    assert index.remove(50) is True
    assert index.remove(50) is False
    assert hits(index, "5NXP064") == {}
    assert len(index) == 1


def test_entries_sharing_a_key_update_independently() -> None:
    index = index_of("ABC123", "A8C123", "ABCI23")
    index.remove(1)
    assert set(hits(index, "ABC123")) == {"ABC123", "ABCI23"}
    index.add(2, "svs", "ABC1Z3", "CA", 3)
    assert set(hits(index, "ABC123")) == {"ABC123", "ABC1Z3"}


def test_keys_sharing_a_hash_share_a_bucket_and_are_judged_by_their_plates(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Every key in one bucket: what a clash of two keys' hashes does to a few of them.
    monkeypatch.setattr(hotlist_index, "_KEY_MASK", 0)
    index = index_of("ABC123", "XYZ789", "A8C123")
    assert set(hits(index, "ABC123")) == {"ABC123", "A8C123"}
    assert hits(index, "XYZ788") == {}
    index.remove(1)  # XYZ789
    index.add(0, "svs", "QRS456", "CA", 3)  # ABC123 moves to another plate, same bucket
    assert set(hits(index, "ABC123")) == {"A8C123"}
    assert set(hits(index, "QRS456")) == {"QRS456"}


def test_replace_list_swaps_a_whole_list_and_leaves_others_alone() -> None:
    index = index_of("ABC123")
    index.add("hot-1", "spd", "8KLM204", "CA", 2)
    index.replace_list("svs", [IndexRow(10, "7XYZ159", "CA", 3)])
    assert hits(index, "ABC123") == {}
    assert hits(index, "7XYZ159")["7XYZ159"].entry_id == 10
    assert hits(index, "8KLM204")
    assert index.drop_list("svs") is True
    assert index.drop_list("svs") is False
    assert hits(index, "7XYZ159") == {}
    assert index.list_ids() == ("spd",)


def test_failed_replacement_changes_nothing() -> None:
    index = index_of("ABC123")
    with pytest.raises(InvalidPlate) as caught:
        index.replace_list("svs", [IndexRow(1, "7XYZ159", "CA", 3), IndexRow(2, "NOTAG", "CA", 3)])
    assert "row 2" in " ".join(caught.value.__notes__)
    assert hits(index, "ABC123") and not hits(index, "7XYZ159")


@pytest.mark.parametrize(("row", "error"), [
    (IndexRow(1, "UNKNOWN", "CA", 3), InvalidPlate),
    (IndexRow(1, "", "CA", 3), InvalidPlate),
    (IndexRow(1, "ABC123", "CA", 0), ValueError),
    (IndexRow(1, "ABC123", "CA", 3, datetime(2026, 1, 1)), ValueError),
])
def test_bad_entries_are_refused(row: IndexRow, error: type[Exception]) -> None:
    with pytest.raises(error):
        HotListIndex().add(row.entry_id, "x", row.plate, row.state, row.priority,
                           row.effective_at, row.expires_at)


def test_now_must_carry_a_time_zone() -> None:
    with pytest.raises(ValueError, match="time zone"):
        index_of("ABC123").match("ABC123", "CA", [], datetime(2026, 11, 21))


def test_readers_never_see_a_half_replaced_list() -> None:
    plates = [f"7ABC{n:03d}" for n in range(200)]
    index = HotListIndex()
    index.replace_list("svs", [IndexRow(("a", n), p, "CA", 3) for n, p in enumerate(plates)])
    stop = threading.Event()
    seen: list[set[str]] = []

    def writer() -> None:
        version = 0
        while not stop.is_set():
            version += 1
            tag = "ab"[version % 2]
            index.replace_list("svs", [IndexRow((tag, n), p, "CA", 3)
                                       for n, p in enumerate(plates)])
            index.add(("spd", version), "spd", "8KLM204", "CA", 1)
            index.remove(("spd", version))

    thread = threading.Thread(target=writer)
    thread.start()
    deadline = time.monotonic() + 10
    try:
        # Read until both versions have been seen many times, so the writer truly interleaved.
        while len(seen) < 2000 or len(set().union(*seen)) < 2:
            matches = index.match(plates[0], "CA", plates[1:5], NOW)
            svs = [m for m in matches if m.list_id == "svs"]
            assert len(svs) == 5
            seen.append({m.entry_id[0] for m in svs})
            assert time.monotonic() < deadline, "the writer never replaced the list"
    finally:
        stop.set()
        thread.join()
    assert all(len(versions) == 1 for versions in seen)


def test_ocr_groups_are_disjoint_so_one_key_per_plate_is_enough() -> None:
    letters = [ch for group in OCR_GROUPS for ch in group]
    assert len(letters) == len(set(letters))


PLATE_CHARS = "ABC0ODQ1I2Z5S8B6G"


@given(st.text(PLATE_CHARS, min_size=1, max_size=7), st.text(PLATE_CHARS, min_size=1, max_size=7))
def test_equal_keys_exactly_when_ocr_equivalent(a: str, b: str) -> None:
    assert (ocr_key(a) == ocr_key(b)) == (ocr_substitutions(a, b) is not None)


@settings(max_examples=200)
@given(
    st.lists(st.text(PLATE_CHARS, min_size=3, max_size=5).filter(lambda p: not is_placeholder(p)),
             min_size=1, max_size=30),
    st.text(PLATE_CHARS, min_size=3, max_size=5),
    st.lists(st.text(PLATE_CHARS, min_size=3, max_size=5), max_size=4),
    st.integers(0, 3),
)
def test_index_agrees_with_brute_force(listed: list[str], read: str, candidates: list[str],
                                       max_subs: int) -> None:
    index = HotListIndex(max_substitutions=max_subs)
    index.replace_list("l", [IndexRow(n, p, "CA", 3) for n, p in enumerate(listed)])
    expected = {}
    for n, plate in enumerate(listed):
        counts = [ocr_substitutions(text, plate) for text in (read, *candidates)]
        if any(c is not None and c <= max_subs for c in counts):
            expected[n] = plate
    found = {m.entry_id: m for m in index.match(read, None, candidates, NOW)}
    assert {n: m.listed_plate for n, m in found.items()} == expected
    for match in found.values():
        assert ocr_substitutions(match.read_plate, match.listed_plate) == match.substitutions
        assert match.substitutions <= max_subs


@pytest.mark.parametrize("odd", ["", "-", "ABC12é", "ABC\ud80012", "ABC,123", "\x00ABC123",
                                 "ABC123\n", "+ABC123", "٣ABC123"])
def test_texts_holding_what_no_plate_can_match_nothing_and_spoil_nothing(odd: str) -> None:
    index = index_of("ABC123", "ABC12")
    assert index.match(odd, "CA", [], NOW) == []
    # The odd text may sit anywhere among the candidates; the others still match.
    (match,) = index.match(odd, "CA", [odd, "A8C123", odd], NOW)
    assert (match.listed_plate, match.candidate_index) == ("ABC123", 1)


def test_leading_characters_count_in_keys_and_plates() -> None:
    index = index_of("0ABC12", "ABC12", "00ABC12", "DABC12Q")
    assert set(hits(index, "ABC12")) == {"ABC12"}
    assert set(hits(index, "OABC12")) == {"0ABC12"}
    assert set(hits(index, "0OABC12")) == {"00ABC12"}
    assert hits(index, "DABC120")["DABC12Q"].substitutions == 1


def test_long_plates_and_many_lists_come_back_whole() -> None:
    index = HotListIndex(max_substitutions=2)
    plates = ["ZZ99ZZ99ZZ", "0000000001", "QDO8B1I2Z5"]
    for n in range(300):  # more (list, state, priority) triples than a small record holds
        index.add(n, f"list-{n % 150}", plates[n % 3], ("CA", "NV", None)[n % 3], 1 + n % 2)
    found = {m.entry_id: m for m in index.match(plates[0], None, plates[1:], NOW)}
    assert len(found) == 300
    for n, match in found.items():
        assert (match.listed_plate, match.list_id, match.priority) == (
            plates[n % 3], f"list-{n % 150}", 1 + n % 2)
    assert index.list_size("list-7") == 2


def test_a_time_zone_without_an_offset_is_refused() -> None:
    class NoOffset(tzinfo):
        def utcoffset(self, dt: datetime | None) -> None:
            return None

    with pytest.raises(ValueError, match="time zone"):
        index_of("ABC123").match("XYZ789", "CA", [], datetime(2026, 11, 21, tzinfo=NoOffset()))
