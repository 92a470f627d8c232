"""The map's data as the scripts its page runs, built on a worker thread, never the screen's."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from rtic_console.collector_pause import collector_paused
from rtic_console.domain.devices import CATEGORY_TITLES, DeviceCategory
from rtic_console.services import map_data
from rtic_console.services.context import Context
from rtic_console.services.map_data import (
    DetectionColumns,
    LiveCursor,
    MapClusters,
    MapDelta,
    MapDevice,
    MapHit,
    MapSnapshot,
)
from rtic_console.services.registry import NearResult
from rtic_console.services.runner import perform, query
from rtic_console.store.database import Database


@dataclass(frozen=True)
class PreparedSnapshot:
    script: str
    shown: int
    total: int
    hits: int
    cursor: LiveCursor


@dataclass(frozen=True)
class PreparedClusters:
    """A large window as grid cells (services/map_data.map_clusters), encoded for the page;
    counted at `zoom` within `bounds` (None: everywhere)."""

    script: str
    total: int
    zoom: int
    bounds: tuple[float, float, float, float] | None
    cells: int
    hits: int
    cursor: LiveCursor


@dataclass(frozen=True)
class PreparedLookBack:
    """A look back's logged search and its snapshot, encoded for the page."""

    search_id: int
    case_number: str
    snapshot: PreparedSnapshot


@dataclass(frozen=True)
class PreparedDelta:
    script: str
    detections: int
    new_hits: int
    hit_markers: int
    cursor: LiveCursor
    more: bool


JSON_SLICE = 5_000


def _json(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


def _call(function: str, payload: object) -> str:
    """A call of one RticMap function with a JSON argument (JSON is a JavaScript literal)."""
    return f"RticMap.{function}({_json(payload)});"


def _json_array(values: Sequence[Any]) -> str:
    """Encoded a slice at a time: json.dumps holds the GIL for the whole of one call, and the
    screen's thread waits for the GIL; 100k values in one call stall it for 100+ ms."""
    return "[" + ",".join(_json(values[i:i + JSON_SLICE])[1:-1]
                          for i in range(0, len(values), JSON_SLICE)) + "]"


def detections_json(columns: DetectionColumns) -> str:
    """Column arrays, not one object per read: a third the size, and quicker to parse."""
    parts = {
        "id": columns.ids,
        "lat": [round(x, 6) for x in columns.latitudes],
        "lon": [round(x, 6) for x in columns.longitudes],
        "plate": columns.plates,
        "t": [int(t.timestamp()) for t in columns.captured_at],
        "dev": columns.device_ids,
    }
    return "{" + ",".join(f'"{name}":{_json_array(values)}'
                          for name, values in parts.items()) + "}"


def hit_items(hits: Iterable[MapHit]) -> list[dict[str, Any]]:
    return [{"id": h.id, "det": h.detection_id, "plate": h.read_plate,
             "listed": h.listed_plate, "list": h.list_name, "lat": h.latitude,
             "lon": h.longitude, "t": int(h.captured_at.timestamp()), "subs": h.substitutions,
             "approx": h.approximate, "info": h.informational, "status": h.status}
            for h in hits]


def snapshot_script(snapshot: MapSnapshot, span: timedelta | None, fit: bool) -> str:
    return (f'RticMap.loadSnapshot({{"detections":{detections_json(snapshot.detections)},'
            f'"hits":{_json(hit_items(snapshot.hits))},'
            f'"span_s":{_json(span.total_seconds() if span else None)},"fit":{_json(fit)}}});')


def clusters_script(clusters: MapClusters, span: timedelta | None, fit: bool) -> str:
    """Cells as column arrays (count, mean position, newest id), the lone reads in full."""
    cells = clusters.cells
    columns = {"n": [c.count for c in cells], "lat": [round(c.latitude, 6) for c in cells],
               "lon": [round(c.longitude, 6) for c in cells], "id": [c.last_id for c in cells]}
    return (f'RticMap.loadClusters({{"cells":{_json(columns)},'
            f'"singles":{detections_json(clusters.singles)},'
            f'"hits":{_json(hit_items(clusters.hits))},"total":{clusters.total_detections},'
            f'"zoom":{clusters.zoom},'
            f'"span_s":{_json(span.total_seconds() if span else None)},"fit":{_json(fit)}}});')


def delta_script(delta: MapDelta) -> str:
    return (f'RticMap.addLive({{"detections":{detections_json(delta.detections)},'
            f'"hits":{_json(hit_items(delta.hits))}}});')


def devices_script(devices: Iterable[MapDevice]) -> str:
    titles = {c.value: t for c, t in CATEGORY_TITLES.items()}
    return _call("setDevices", [
        {"id": d.id, "code": d.code, "name": d.name, "kind": d.kind.value,
         "category": d.category, "cat_title": titles.get(d.category, d.category),
         "status": d.status, "lat": d.latitude, "lon": d.longitude} for d in devices])


def registry_script(result: NearResult) -> str:
    """The cameras of one audited look-up (H.2, H.3); owners and contacts stay in the
    registry tab, the map says what and where."""
    note = f"case {result.case_number}"
    return _call("setRegistry", [
        {"id": c.entry.id, "equipment": c.entry.equipment_type, "address": c.entry.address,
         "lat": c.entry.latitude, "lon": c.entry.longitude,
         "note": f"{note} · {c.distance_m:,.0f} m from the place looked up"}
        for c in result.cameras])


def empty_snapshot_script(span: timedelta | None) -> str:
    """No reads: what the page shows when the view could not be recorded."""
    return snapshot_script(MapSnapshot(DetectionColumns(), 0, (), LiveCursor()), span, False)


def categories_script(categories: Iterable[DeviceCategory] | None) -> str:
    return _call("setCategories", None if categories is None else [c.value for c in categories])


def centre_script(latitude: float, longitude: float) -> str:
    return _call("centerOn", {"lat": float(latitude), "lon": float(longitude)})


def search_script(rows: Iterable[Mapping[str, Any]]) -> str:
    """Search rows {id, plate, lat, lon, captured_at, device}; rows with no place are left out."""
    items = []
    for row in rows:
        lat, lon = row.get("lat"), row.get("lon")
        if not isinstance(lat, int | float) or not isinstance(lon, int | float):
            continue
        items.append({"id": int(row["id"]), "plate": str(row.get("plate", "")),
                      "lat": float(lat), "lon": float(lon), "device": str(row.get("device", "")),
                      "when": _local_time(row.get("captured_at"))})
    return _call("showSearchResults", items)


def _local_time(value: object) -> str:
    """A datetime or an ISO text, as the workstation's local time."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    return ""


def layer_script(layer: str, on: bool) -> str:
    return f"RticMap.setLayerVisible({json.dumps(layer)}, {json.dumps(on)});"


def area_drawing_script(kind: str) -> str:
    return f"RticMap.startAreaDrawing({json.dumps(kind)});"


# Bodies for the operation runner: each runs the service and encodes on the same thread.

def prepare_snapshot(db: Database, ctx: Context, start: datetime, end: datetime | None,
                     span: timedelta | None, fit: bool) -> PreparedSnapshot:
    with collector_paused():
        snapshot = query(db, ctx, map_data.map_snapshot, start, end,
                         ctx.settings.map_max_points)
        script = snapshot_script(snapshot, span, fit)
    return PreparedSnapshot(script, len(snapshot.detections), snapshot.total_detections,
                            len(snapshot.hits), snapshot.cursor)


def prepare_clusters(db: Database, ctx: Context, start: datetime, end: datetime | None,
                     zoom: int, bounds: tuple[float, float, float, float] | None,
                     span: timedelta | None, fit: bool) -> PreparedClusters:
    clusters = query(db, ctx, map_data.map_clusters, start, end, zoom, bounds)
    return PreparedClusters(clusters_script(clusters, span, fit), clusters.total_detections,
                            clusters.zoom, clusters.bounds, len(clusters.cells),
                            len(clusters.hits), clusters.cursor)


def prepare_look_back(db: Database, ctx: Context, item: map_data.MapLookBack,
                      fit: bool) -> PreparedLookBack:
    """On the writer: the look back is a search, logged with the reads it takes (D.1)."""
    with collector_paused():
        found = perform(db, ctx, map_data.map_look_back, item, ctx.settings.map_max_points)
        snapshot = found.snapshot
        script = snapshot_script(snapshot, None, fit)
    return PreparedLookBack(found.search_id, found.case_number, PreparedSnapshot(
        script, len(snapshot.detections), snapshot.total_detections, len(snapshot.hits),
        snapshot.cursor))


def prepare_delta(db: Database, ctx: Context, cursor: LiveCursor, start: datetime,
                  changed_hit_ids: tuple[int, ...]) -> PreparedDelta:
    delta = query(db, ctx, map_data.map_delta, cursor, start, changed_hit_ids)
    return PreparedDelta(delta_script(delta), len(delta.detections), delta.new_hits,
                         len(delta.hits), delta.cursor, delta.more)


def prepare_devices(db: Database, ctx: Context) -> str:
    return devices_script(query(db, ctx, map_data.map_devices))
