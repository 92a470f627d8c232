"""Which work areas exist, in which workspace, and who sees them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from importlib import import_module
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from rtic_console.domain.roles import Permission

if TYPE_CHECKING:
    from rtic_console.ui.console_session import ConsoleSession


class Workspace(StrEnum):
    """Areas grouped by task, as the side navigation shows them (Ctrl+1 to Ctrl+5)."""

    OPERATIONS = "Operations"
    INVESTIGATIONS = "Investigations"
    OVERSIGHT = "Oversight"
    ADMINISTRATION = "Administration"
    ACCOUNT = "Account"


@dataclass(frozen=True)
class WorkArea:
    key: str
    title: str
    workspace: Workspace
    permission: Permission
    # "package.module:Class" under rtic_console.ui, imported on the area's first visit: the
    # map's web engine, the dashboard's charts and the wall's video stack cost a start
    # nothing until someone opens their area.
    screen: str
    # Built at sign-in rather than on first visit: it signals waiting work (a new hit, an
    # inbox count) while the person is elsewhere.
    eager: bool = False

    def build(self, session: ConsoleSession) -> QWidget:
        module, name = self.screen.split(":")
        widget: QWidget = getattr(import_module(f"rtic_console.ui.{module}"), name)(session)
        return widget


OPS, INV, OVS, ADM = (Workspace.OPERATIONS, Workspace.INVESTIGATIONS, Workspace.OVERSIGHT,
                      Workspace.ADMINISTRATION)
WORK_AREAS: tuple[WorkArea, ...] = (
    WorkArea("hits", "Hit queue", OPS, Permission.VIEW_HITS,
             "hits.hit_queue_widget:HitQueueWidget", eager=True),
    WorkArea("recent_hits", "Recent hits", OPS, Permission.VIEW_HITS,
             "hits.recent_hits_widget:RecentHitsWidget"),
    WorkArea("map", "Live map", OPS, Permission.VIEW_MAP, "map.map_widget:MapWidget"),
    WorkArea("wall", "Video wall", OPS, Permission.VIEW_CAMERAS,
             "wall.video_wall_widget:VideoWallWidget"),
    WorkArea("search", "Search", INV, Permission.SEARCH_READS, "search.search_widget:SearchWidget"),
    WorkArea("other_use", "Other-use requests", INV, Permission.SEARCH_READS,
             "search.other_use_requests_widget:OtherUseRequestsWidget"),
    WorkArea("registry", "Camera registry", INV, Permission.QUERY_REGISTRY,
             "admin.registry_widget:RegistryWidget"),
    WorkArea("sharing", "Sharing", INV, Permission.VIEW_SHARING,
             "sharing.sharing_widget:SharingWidget"),
    WorkArea("inbox", "Inbox", OVS, Permission.USE_INBOX,
             "inbox.inbox_widget:InboxWidget", eager=True),
    WorkArea("inspections", "Inspections", OVS, Permission.VIEW_INSPECTION,
             "admin.inspections_widget:InspectionsWidget"),
    WorkArea("audit", "Audit trail", OVS, Permission.VIEW_AUDIT, "audit_viewer:AuditViewerWidget"),
    WorkArea("dashboard", "Dashboard", OVS, Permission.VIEW_DASHBOARD,
             "dashboard.dashboard_widget:DashboardWidget"),
    WorkArea("roster", "Roster", ADM, Permission.MANAGE_ROSTER, "admin.roster_widget:RosterWidget"),
    WorkArea("devices", "Devices", ADM, Permission.MANAGE_DEVICES,
             "admin.devices_widget:DevicesWidget"),
    WorkArea("cameras", "Cameras", ADM, Permission.MANAGE_CAMERAS,
             "admin.cameras_widget:CamerasWidget"),
    WorkArea("donors", "Donor agreements", ADM, Permission.MANAGE_DONORS,
             "admin.donors_widget:DonorsWidget"),
    WorkArea("hotlists", "Hot lists", ADM, Permission.VIEW_HOT_LISTS,
             "hotlists.hot_lists_widget:HotListsWidget"),
    WorkArea("quarantine", "Quarantine", ADM, Permission.VIEW_QUARANTINE,
             "admin.quarantine_widget:QuarantineWidget"),
    WorkArea("workstations", "Workstations", ADM, Permission.MANAGE_WORKSTATIONS,
             "admin.workstations_widget:WorkstationsWidget"),
    WorkArea("retention", "Retention", ADM, Permission.VIEW_RETENTION,
             "admin.retention_widget:RetentionWidget"),
    WorkArea("account", "My account", Workspace.ACCOUNT, Permission.USE_CONSOLE,
             "account_widget:AccountWidget"),
)


def areas_for(session: ConsoleSession) -> list[WorkArea]:
    return [a for a in WORK_AREAS if session.may(a.permission)]
