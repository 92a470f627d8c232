"""How work areas hand work to each other: search ↔ map, registry → map, map → wall, and
the alert banner → the area that shows an alert's subject.

The main window stays a layout: it builds the areas the person may use, each on first use,
and lets this module join a newly built area to the ones it hands work to. A receiving area
is built when work first reaches it. Each link goes through the receiving area's own public
slot, so the receiving area still asks its services (the wall still checks the donor terms).
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtWidgets import QWidget

from rtic_console.ui.alert_banner import AlertBanner


class Areas(Protocol):
    """The person's areas (ui/area_stack.AreaStack)."""

    def has(self, key: str) -> bool: ...

    def area(self, key: str) -> QWidget: ...  # built on first use

    def show_area(self, key: str) -> QWidget: ...


def link_area(key: str, widget: Any, areas: Areas) -> None:
    """Join the area just built (`widget`, under `key`) to the areas it sends work to."""
    if key == "registry" and areas.has("map"):
        # The map shows the cameras of the person's latest look-up, made and audited for a
        # case in the registry area (H.2, H.3); it never reads the registry itself.
        widget.cameras_found.connect(
            lambda *found: areas.area("map").show_registry_results(*found))
    if key == "search" and areas.has("map"):
        widget.results_ready.connect(
            lambda *results: areas.area("map").show_search_results(*results))
        widget.area_requested.connect(
            lambda kind: areas.show_area("map").start_area_drawing(kind))
        widget.map_requested.connect(
            lambda latitude, longitude: areas.show_area("map").centre_on(latitude, longitude))
    if key == "map" and areas.has("search"):
        def use_area(area: dict[str, float | str]) -> None:
            areas.area("search").set_area(area)
            areas.show_area("search")

        widget.area_drawn.connect(use_area)
    if key == "map" and areas.has("wall"):
        widget.camera_open_requested.connect(
            lambda device_id: areas.show_area("wall").open_camera(device_id))


def link_alerts(banner: AlertBanner, areas: Areas) -> None:
    """A device's alert opens the Devices area on that device, a sharing request's (C.2.a)
    the Sharing area on that request, an escalated hit's (D.5.a) the hit queue on that hit,
    where the person has that area."""
    targets = {kind: key for kind, key in (("device", "devices"),
                                           ("sharing_request", "sharing"),
                                           ("hit", "hits")) if areas.has(key)}
    if not targets:
        return

    def show_subject(subject_type: str, subject_id: str) -> None:
        key = targets.get(subject_type)
        if key is None:
            return
        area: Any = areas.show_area(key)
        if subject_type == "device":
            area.show_device(subject_id)
        elif subject_type == "hit":
            area.select_hit(int(subject_id))
        else:
            area.show_request(subject_id)

    banner.offer_show(set(targets))
    banner.subject_requested.connect(show_subject)
