"""Constants and small helpers the tests share."""

from __future__ import annotations

from datetime import date, timedelta

PASSWORD = "correct-horse-battery"


def trained(days_ago: int = 100) -> str:
    """A training date that counts today."""
    return (date.today() - timedelta(days=days_ago)).isoformat()
