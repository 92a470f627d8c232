"""The wall layouts each person saves: the console's wall and the walls on other monitors,
each with its grid, its cameras and the monitor it was on."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rtic_console.domain.roles import Permission
from rtic_console.services.auth import authorize
from rtic_console.services.cameras import camera_by_code
from rtic_console.services.context import Context, InputRejected, service_action
from rtic_console.store.audit_log import append_event
from rtic_console.store.models import WallLayout

GRIDS = (1, 2, 3, 4)
MAX_LAYOUT_NAME = 60  # the wall_layouts.name column
MAX_WALLS = 4  # the console's wall and one on each of three more monitors
MAX_MONITOR_NAME = 100
MAX_COORDINATE = 100_000  # a virtual desktop's pixels, with room for any real arrangement


@dataclass(frozen=True)
class Monitor:
    """A monitor as Qt names and places it (`QScreen.name()` and its geometry on the
    desktop), as the main window's layout is remembered per monitor: the same monitor is
    the same name at the same place."""

    name: str
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class WallSpec:
    """One wall of a layout: `monitor` None is the console's own monitor."""

    grid: int
    tiles: tuple[str | None, ...]  # camera codes row by row, None for an empty tile
    monitor: Monitor | None = None


@dataclass(frozen=True)
class LayoutView:
    id: int
    name: str
    grid: int
    tiles: tuple[str | None, ...]  # the console's wall
    updated_at: datetime
    monitor: Monitor | None = None  # the console's wall's monitor when it was saved
    more_walls: tuple[WallSpec, ...] = ()  # the walls on other monitors

    @property
    def walls(self) -> tuple[WallSpec, ...]:
        return (WallSpec(self.grid, self.tiles, self.monitor), *self.more_walls)


def _monitor_json(monitor: Monitor | None) -> dict[str, object] | None:
    return None if monitor is None else asdict(monitor)


def _wall_json(wall: WallSpec) -> dict[str, object]:
    return {"grid": wall.grid, "tiles": list(wall.tiles), "monitor": _monitor_json(wall.monitor)}


def _read_monitor(value: object) -> Monitor | None:
    """A stored monitor; anything unreadable is the console's monitor (the wall still opens)."""
    if not isinstance(value, dict):
        return None
    try:
        return _checked_monitor(Monitor(**value), "")
    except (TypeError, InputRejected):
        return None


def _layout_view(row: WallLayout) -> LayoutView:
    more = tuple(WallSpec(int(w["grid"]), tuple(w["tiles"]), _read_monitor(w.get("monitor")))
                 for w in json.loads(row.more_walls or "[]"))
    return LayoutView(row.id, row.name, row.grid, tuple(json.loads(row.tiles)), row.updated_at,
                      _read_monitor(json.loads(row.monitor or "null")), more)


def _checked_monitor(monitor: object, which: str) -> Monitor | None:
    if monitor is None:
        return None
    if not isinstance(monitor, Monitor):
        raise InputRejected(f"{which}the monitor must be given as a Monitor (name and place), "
                            f"not {type(monitor).__name__}")
    name = monitor.name
    if not isinstance(name, str) or not 0 < len(name.strip()) <= MAX_MONITOR_NAME \
            or not name.isprintable():
        raise InputRejected(f"{which}a monitor's name must be 1 to {MAX_MONITOR_NAME} "
                            "printable characters")
    for field in ("x", "y", "width", "height"):
        value = getattr(monitor, field)
        low = 1 if field in ("width", "height") else -MAX_COORDINATE
        if type(value) is not int or not low <= value <= MAX_COORDINATE:
            raise InputRejected(f"{which}a monitor's {field} must be a whole number of pixels "
                                f"from {low} to {MAX_COORDINATE}")
    return Monitor(name.strip(), monitor.x, monitor.y, monitor.width, monitor.height)


def _checked_wall(session: Session, grid: object, tiles: object, monitor: object,
                  which: str) -> WallSpec:
    if type(grid) is not int or grid not in GRIDS:
        raise InputRejected(f"{which}layout grid must be 1x1, 2x2, 3x3 or 4x4")
    if isinstance(tiles, str | bytes) or not isinstance(tiles, Sequence):
        raise InputRejected(f"{which}tiles must be a list of camera codes")
    if len(tiles) > grid * grid:
        raise InputRejected(f"{which}a {grid}x{grid} layout holds at most {grid * grid} cameras")
    if any(c is not None and not isinstance(c, str) for c in tiles):
        raise InputRejected(f"{which}each tile is a camera code or empty")
    codes = [camera_by_code(session, c).code if c else None for c in tiles]
    codes += [None] * (grid * grid - len(codes))
    return WallSpec(grid, tuple(codes), _checked_monitor(monitor, which))


def _checked_walls(session: Session, grid: int, tiles: Sequence[str | None],
                   monitor: Monitor | None, more_walls: Sequence[WallSpec]) -> list[WallSpec]:
    """Every wall valid and no camera on two tiles of the layout. Two walls may share a
    monitor (the console's wall and a window beside it)."""
    if isinstance(more_walls, str | bytes) or not isinstance(more_walls, Sequence) \
            or not all(isinstance(w, WallSpec) for w in more_walls):
        raise InputRejected("the other walls must be given as a list of walls")
    if len(more_walls) >= MAX_WALLS:
        raise InputRejected(f"a layout holds at most {MAX_WALLS} walls")
    walls = [_checked_wall(session, grid, tiles, monitor, "")]
    walls += [_checked_wall(session, w.grid, w.tiles, w.monitor, f"wall {n}: ")
              for n, w in enumerate(more_walls, start=2)]
    codes = [c for w in walls for c in w.tiles if c]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        raise InputRejected(f"a camera is shown on one tile only: {', '.join(twice)} is on "
                            "more than one")
    return walls


@service_action("pscn.layout.list")
def list_layouts(session: Session, ctx: Context) -> list[LayoutView]:
    authorize(session, ctx, Permission.VIEW_CAMERAS, action="pscn.layout.list")
    rows = session.scalars(select(WallLayout).where(WallLayout.person_id == ctx.actor.person_id)
                           .order_by(WallLayout.name))
    return [_layout_view(r) for r in rows]


@service_action("pscn.layout.save")
def save_layout(session: Session, ctx: Context, name: str, grid: int,
                tiles: Sequence[str | None], monitor: Monitor | None = None,
                more_walls: Sequence[WallSpec] = ()) -> LayoutView:
    """Saves or replaces the signed-in person's layout of that name: the console's wall
    (`grid`, `tiles`, its `monitor`) and the walls on other monitors."""
    authorize(session, ctx, Permission.VIEW_CAMERAS, action="pscn.layout.save",
              object_type="wall_layout", object_id=str(name)[:MAX_LAYOUT_NAME])
    name = " ".join(name.split()) if isinstance(name, str) else ""
    if not 0 < len(name) <= MAX_LAYOUT_NAME:
        raise InputRejected(f"layout name must be 1 to {MAX_LAYOUT_NAME} characters")
    first, *more = _checked_walls(session, grid, tiles, monitor, more_walls)
    row = session.scalar(select(WallLayout).where(WallLayout.person_id == ctx.actor.person_id,
                                                  WallLayout.name == name))
    if row is None:
        row = WallLayout(person_id=ctx.actor.person_id, name=name)
        session.add(row)
    row.grid, row.tiles, row.updated_at = first.grid, json.dumps(first.tiles), ctx.now()
    row.monitor = json.dumps(_monitor_json(first.monitor)) if first.monitor else None
    row.more_walls = json.dumps([_wall_json(w) for w in more]) if more else None
    session.flush()
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="pscn.layout.save", object_type="wall_layout", object_id=row.id,
                 details={"name": name, "grid": first.grid, "tiles": list(first.tiles),
                          "monitor": _monitor_json(first.monitor),
                          "more_walls": [_wall_json(w) for w in more]})
    return _layout_view(row)


@service_action("pscn.layout.delete")
def delete_layout(session: Session, ctx: Context, layout_id: int) -> None:
    authorize(session, ctx, Permission.VIEW_CAMERAS, action="pscn.layout.delete",
              object_type="wall_layout", object_id=layout_id)
    row = session.get(WallLayout, layout_id)
    if row is None or row.person_id != ctx.actor.person_id:
        raise InputRejected(f"you have no layout #{layout_id}")
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="pscn.layout.delete", object_type="wall_layout", object_id=row.id,
                 details={"name": row.name})
    session.delete(row)
