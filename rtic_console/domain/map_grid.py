"""The map's reads grouped by grid cell, a cell about 64 screen pixels wide at each zoom.

A window of a million reads cannot go to the page point by point (tens of megabytes of script,
seconds of parsing); grouped by cell it is a few thousand counts. The database does the
grouping (services/map_data.map_clusters); this is the definition it follows, and the
reference the tests hold it to.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

MIN_ZOOM = 0
MAX_ZOOM = 19
# Leaflet's world is 256 px wide at zoom 0: a 64 px cell is a quarter of 360 degrees there.
CELL_PX = 64
WORLD_PX = 256


def cell_degrees(zoom: int) -> float:
    """The side of one cell in degrees at `zoom` (the same in latitude, near enough)."""
    if not isinstance(zoom, int) or isinstance(zoom, bool) or not MIN_ZOOM <= zoom <= MAX_ZOOM:
        raise ValueError(f"zoom must be a whole number from {MIN_ZOOM} to {MAX_ZOOM}")
    return 360.0 * CELL_PX / WORLD_PX / 2**zoom


def cell_of(lat: float, lon: float, size: float) -> tuple[int, int]:
    """The cell (row, column) holding a point; rows count from the south pole, columns from
    the antimeridian, so both are never negative and a floor is a plain truncation."""
    return math.floor((lat + 90.0) / size), math.floor((lon + 180.0) / size)


@dataclass(frozen=True)
class GridCell:
    """The reads of one cell: how many, their mean position, and the newest read's id, plate,
    time and device (for a cell of one read, that read itself)."""

    row: int
    column: int
    count: int
    latitude: float
    longitude: float
    last_id: int


def cluster_reads(ids: Sequence[int], latitudes: Sequence[float], longitudes: Sequence[float],
                  zoom: int) -> list[GridCell]:
    """The reads grouped by cell, ordered by (row, column)."""
    size = cell_degrees(zoom)
    sums: dict[tuple[int, int], list[float]] = {}
    for read_id, lat, lon in zip(ids, latitudes, longitudes, strict=True):
        cell = sums.setdefault(cell_of(lat, lon, size), [0, 0.0, 0.0, 0])
        cell[0] += 1
        cell[1] += lat
        cell[2] += lon
        cell[3] = max(cell[3], read_id)
    return [GridCell(row, column, int(n), lat / n, lon / n, int(last))
            for (row, column), (n, lat, lon, last) in sorted(sums.items())]
