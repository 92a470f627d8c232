"""How work areas hand work to each other: search ↔ map, registry → map, map → wall, and
the alert banner → the area that shows an alert's subject.

The main window stays a layout: it builds the areas the person may use and lets this module
join the ones that exist. Each link goes through the receiving area's own public slot, so the
receiving area still asks its services (the wall still checks the donor terms).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtWidgets import QWidget

from rtic_console.ui.alert_banner import AlertBanner


def link_areas(areas: Mapping[str, QWidget], show: Callable[[QWidget], None]) -> None:
    search, map_area, wall = areas.get("search"), areas.get("map"), areas.get("wall")
    registry = areas.get("registry")
    if registry is not None and map_area is not None:
        # The map shows the cameras of the person's latest look-up, made and audited for a
        # case in the registry area (H.2, H.3); it never reads the registry itself.
        registry.cameras_found.connect(map_area.show_registry_results)
    if search is not None and map_area is not None:
        search.results_ready.connect(map_area.show_search_results)

        def draw_on_map(kind: str) -> None:
            show(map_area)
            map_area.start_area_drawing(kind)

        def use_area(area: dict[str, float | str]) -> None:
            search.set_area(area)
            show(search)

        def centre_map(latitude: float, longitude: float) -> None:
            show(map_area)
            map_area.centre_on(latitude, longitude)

        search.area_requested.connect(draw_on_map)
        search.map_requested.connect(centre_map)
        map_area.area_drawn.connect(use_area)
    if map_area is not None and wall is not None:
        def open_on_wall(device_id: int) -> None:
            show(wall)
            wall.open_camera(device_id)

        map_area.camera_open_requested.connect(open_on_wall)


def link_alerts(banner: AlertBanner, areas: Mapping[str, QWidget],
                show: Callable[[QWidget], None]) -> None:
    """A device's alert opens the Devices tab on that device, a sharing request's (C.2.a)
    the Sharing area on that request, an escalated hit's (D.5.a) the hit queue on that hit,
    where the person has that area."""
    targets = {kind: area for kind, area in (("device", areas.get("devices")),
                                             ("sharing_request", areas.get("sharing")),
                                             ("hit", areas.get("hits")))
               if area is not None}
    if not targets:
        return

    def show_subject(subject_type: str, subject_id: str) -> None:
        area = targets.get(subject_type)
        if area is None:
            return
        show(area)
        if subject_type == "device":
            area.show_device(subject_id)
        elif subject_type == "hit":
            area.select_hit(int(subject_id))
        else:
            area.show_request(subject_id)

    banner.offer_show(set(targets))
    banner.subject_requested.connect(show_subject)
