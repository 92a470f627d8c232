"""Saved wall layouts: per person, one or several walls, each remembering its monitor."""

from __future__ import annotations

import json

import pytest

from rtic_console.services import viewing, wall_layouts
from rtic_console.services.context import Context, InputRejected, Refused
from rtic_console.services.runner import perform, query
from rtic_console.services.wall_layouts import Monitor, WallSpec
from rtic_console.store.audit_log import AuditFilter, list_events
from rtic_console.store.database import Database
from tests.refusals import assert_refused
from tests.services.pscn_support import add_camera

CONSOLE = Monitor("DP-1", 0, 0, 1920, 1080)
LEFT = Monitor("HDMI-1", -1920, 0, 1920, 1080)


@pytest.mark.policy("A.2")
def test_layouts_are_per_person_and_the_wall_is_for_camera_roles(db: Database, admin: Context,
                                                                 enrol) -> None:
    add_camera(db, admin, "CAM-AG-01")
    add_camera(db, admin, "CAM-PD-01", "private_donor")
    saved = perform(db, admin, wall_layouts.save_layout, "Downtown  nights", 2,
                    ["cam-ag-01", None, "CAM-PD-01"])
    assert saved.name == "Downtown nights" and saved.tiles == ("CAM-AG-01", None, "CAM-PD-01",
                                                               None)
    again = perform(db, admin, wall_layouts.save_layout, "Downtown nights", 1, ["CAM-AG-01"])
    assert again.id == saved.id and again.tiles == ("CAM-AG-01",)
    for grid, tiles, message in ((5, [], "1x1, 2x2"), (1, ["CAM-AG-01", None], "at most 1"),
                                 (2, ["CAM-XX"], "no camera")):
        assert_refused(db, lambda grid=grid, tiles=tiles: perform(
            db, admin, wall_layouts.save_layout, "Bad", grid, tiles),
            action="pscn.layout.save", match=message, error=InputRejected)
    supervisor = enrol("8501", "supervisor")
    assert query(db, supervisor, wall_layouts.list_layouts) == []
    assert_refused(db, lambda: perform(db, supervisor, wall_layouts.delete_layout, saved.id),
                   action="pscn.layout.delete", match="no layout", error=InputRejected)
    perform(db, admin, wall_layouts.delete_layout, saved.id)
    assert query(db, admin, wall_layouts.list_layouts) == []
    dispatcher = enrol("5201", "dispatcher")
    assert_refused(db, lambda: perform(db, dispatcher, viewing.open_wall, [1], "training"),
                   action="pscn.view", clause="A.2", match="Only ALPR administrator",
                   error=Refused)


def test_a_layout_holds_several_walls_with_their_monitors(db: Database, admin: Context) -> None:
    for code in ("CAM-AG-01", "CAM-AG-02", "CAM-AG-03"):
        add_camera(db, admin, code)
    saved = perform(db, admin, wall_layouts.save_layout, "Parade", 1, ["CAM-AG-01"], CONSOLE,
                    [WallSpec(2, ("cam-ag-02",), LEFT), WallSpec(1, ("CAM-AG-03",))])
    assert saved.walls == (WallSpec(1, ("CAM-AG-01",), CONSOLE),
                           WallSpec(2, ("CAM-AG-02", None, None, None), LEFT),
                           WallSpec(1, ("CAM-AG-03",), None))
    assert query(db, admin, wall_layouts.list_layouts) == [saved]
    with db.read() as session:
        (event,) = list_events(session, AuditFilter(action="pscn.layout.save"))
    assert event.details["monitor"] == {"name": "DP-1", "x": 0, "y": 0, "width": 1920,
                                        "height": 1080}
    assert [w["monitor"] and w["monitor"]["name"] for w in event.details["more_walls"]] \
        == ["HDMI-1", None]
    assert event.details["more_walls"][0]["tiles"] == ["CAM-AG-02", None, None, None]
    # Saved again with one wall: the other walls are forgotten, not kept from before.
    again = perform(db, admin, wall_layouts.save_layout, "Parade", 1, ["CAM-AG-01"])
    assert again.id == saved.id and again.walls == (WallSpec(1, ("CAM-AG-01",)),)


def test_a_layout_saved_before_monitors_is_one_wall_on_the_console(db: Database,
                                                                   admin: Context) -> None:
    add_camera(db, admin, "CAM-AG-01")
    saved = perform(db, admin, wall_layouts.save_layout, "Old", 1, ["CAM-AG-01"])
    with db.write() as session:  # as 0020 left it: no monitor columns filled
        from rtic_console.store.models import WallLayout

        row = session.get(WallLayout, saved.id)
        assert row is not None and row.monitor is None and row.more_walls is None
        row.monitor = json.dumps({"name": "DP-1", "x": "left"})  # unreadable: no monitor
    (layout,) = query(db, admin, wall_layouts.list_layouts)
    assert layout.walls == (WallSpec(1, ("CAM-AG-01",), None),)


BAD_MONITORS = [
    (Monitor("", 0, 0, 1920, 1080), "monitor's name must be 1 to 100"),
    (Monitor("DP\x00-1", 0, 0, 1920, 1080), "printable"),
    (Monitor("X" * 101, 0, 0, 1920, 1080), "1 to 100"),
    (Monitor(7, 0, 0, 1920, 1080), "name"),  # type: ignore[arg-type]
    (Monitor("DP-1", "0", 0, 1920, 1080), "monitor's x must be a whole number"),  # type: ignore[arg-type]
    (Monitor("DP-1", 0, 0.5, 1920, 1080), "monitor's y"),  # type: ignore[arg-type]
    (Monitor("DP-1", 0, 0, True, 1080), "monitor's width"),  # type: ignore[arg-type]
    (Monitor("DP-1", 0, 0, 1920, 0), "monitor's height must be a whole number of pixels from 1"),
    (Monitor("DP-1", 10**9, 0, 1920, 1080), "from -100000 to 100000"),
    ({"name": "DP-1"}, "must be given as a Monitor"),
]


@pytest.mark.parametrize(("monitor", "message"), BAD_MONITORS)
def test_a_bad_monitor_is_rejected_and_audited(db: Database, admin: Context, monitor,
                                               message: str) -> None:
    add_camera(db, admin, "CAM-AG-01")
    assert_refused(db, lambda: perform(db, admin, wall_layouts.save_layout, "Bad", 1,
                                       ["CAM-AG-01"], monitor),
                   action="pscn.layout.save", match=message, error=InputRejected)
    assert_refused(db, lambda: perform(db, admin, wall_layouts.save_layout, "Bad", 1, [], None,
                                       [WallSpec(1, (), monitor)]),
                   action="pscn.layout.save", match="wall 2: ", error=InputRejected)


def test_walls_that_cannot_be_saved_together_are_rejected(db: Database, admin: Context) -> None:
    add_camera(db, admin, "CAM-AG-01")
    for more, message in (
            ([WallSpec(1, ("CAM-AG-01",), LEFT)], "CAM-AG-01 is on more than one"),
            ([WallSpec(1, ())] * 4, "at most 4 walls"),
            ([WallSpec(5, (), LEFT)], "wall 2: layout grid must be"),
            ([WallSpec(1, (None, None), LEFT)], "wall 2: a 1x1 layout holds at most 1"),
            ([WallSpec(1, "CAM-AG-01", LEFT)], "wall 2: tiles must be a list"),  # type: ignore[arg-type]
            ([WallSpec(1, (3,), LEFT)], "wall 2: each tile is a camera code"),  # type: ignore[arg-type]
            ([{"grid": 1}], "a list of walls"),
            ("walls", "a list of walls")):
        assert_refused(db, lambda more=more: perform(db, admin, wall_layouts.save_layout, "Bad",
                                                     1, ["CAM-AG-01"], CONSOLE, more),
                       action="pscn.layout.save", match=message, error=InputRejected)
    assert query(db, admin, wall_layouts.list_layouts) == []
