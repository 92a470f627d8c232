"""The map's grid cells: one definition of which cell a read falls in, at every zoom."""

from __future__ import annotations

import pytest

from rtic_console.domain.map_grid import cell_degrees, cell_of, cluster_reads


def test_a_cell_halves_with_each_zoom_step() -> None:
    assert cell_degrees(0) == 90.0
    assert cell_degrees(10) == pytest.approx(90.0 / 1024)
    for zoom in (-1, 20, 2.0, True):
        with pytest.raises(ValueError, match="zoom"):
            cell_degrees(zoom)  # type: ignore[arg-type]


def test_cells_are_floors_from_the_south_pole_and_the_antimeridian() -> None:
    size = cell_degrees(8)
    assert cell_of(-90.0, -180.0, size) == (0, 0)
    # West of Greenwich and south of the equator floor down, not towards zero.
    assert cell_of(-0.0001, -0.0001, size) == (255, 511)
    assert cell_of(0.0001, 0.0001, size) == (256, 512)


def test_reads_are_counted_per_cell_with_mean_position_and_newest_id() -> None:
    ids = [1, 2, 3, 4]
    lats = [38.5801, 38.5803, 38.5802, 40.0]
    lons = [-121.4901, -121.4903, -121.4902, -120.0]
    near, far = cluster_reads(ids, lats, lons, 10)
    assert (near.count, near.last_id) == (3, 3)
    assert near.latitude == pytest.approx(38.5802) and near.longitude == pytest.approx(-121.4902)
    assert (far.count, far.last_id, far.latitude) == (1, 4, 40.0)
    # Zoomed out far enough, they share one cell.
    (everything,) = cluster_reads(ids, lats, lons, 2)
    assert everything.count == 4
