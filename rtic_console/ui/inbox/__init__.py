"""The inbox area: what waits for this person's decision."""
