"""What a sharing request may ask (C.1, C.3) and how an export's recipient is written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rtic_console.domain.recipients import ExportRecipient, parse_recipient
from rtic_console.domain.sharing_asks import SharingAskError, plates_of, range_of

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)


@pytest.mark.policy("C.3")
@pytest.mark.parametrize("raw", ["7ABC*", "7AB?123", "7ABC%", "7_BC123", ["7ABC123", "8X*"]])
def test_a_wildcard_is_refused_never_dropped(raw: object) -> None:
    with pytest.raises(SharingAskError, match="wildcard") as info:
        plates_of(raw)  # type: ignore[arg-type]
    assert info.value.clause == "C.3"


def test_exact_plates_are_normalised_once_each() -> None:
    assert plates_of(" 7abc-123, 7ABC123 ,8XYZ 456") == ("7ABC123", "8XYZ456")
    with pytest.raises(SharingAskError, match="at least one"):
        plates_of(" , ")


@pytest.mark.parametrize(("start", "end", "clause", "match"), [
    (NOW - timedelta(days=731), NOW - timedelta(days=700), "C.1", "beyond the two years"),
    (NOW, NOW - timedelta(hours=1), "C.3", "ends before it starts"),
    (NOW - timedelta(hours=1), NOW + timedelta(days=1), "C.3", "future"),
    (None, NOW, "C.3", "both"),
])
def test_ranges_reversed_beyond_retention_or_open_are_refused(start, end, clause: str,
                                                              match: str) -> None:
    with pytest.raises(SharingAskError, match=match) as info:
        range_of(start, end, NOW)
    assert info.value.clause == clause


def test_recipients_from_the_command_line() -> None:
    assert parse_recipient("spd", "26-1") == ExportRecipient.spd("26-1")
    assert parse_recipient("SPD:26-2", "26-1") == ExportRecipient.spd("26-2")
    assert parse_recipient("request:12") == ExportRecipient.shared(12)
    assert parse_recipient(None) is None and parse_recipient("  ") is None
    with pytest.raises(ValueError, match="request:ID"):
        parse_recipient("elk grove")
