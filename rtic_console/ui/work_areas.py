"""Which work areas exist, in which workspace, and who sees them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtWidgets import QWidget

from rtic_console.domain.roles import Permission
from rtic_console.ui.account_widget import AccountWidget
from rtic_console.ui.admin.cameras_widget import CamerasWidget
from rtic_console.ui.admin.devices_widget import DevicesWidget
from rtic_console.ui.admin.donors_widget import DonorsWidget
from rtic_console.ui.admin.inspections_widget import InspectionsWidget
from rtic_console.ui.admin.quarantine_widget import QuarantineWidget
from rtic_console.ui.admin.registry_widget import RegistryWidget
from rtic_console.ui.admin.retention_widget import RetentionWidget
from rtic_console.ui.admin.roster_widget import RosterWidget
from rtic_console.ui.admin.workstations_widget import WorkstationsWidget
from rtic_console.ui.audit_viewer import AuditViewerWidget
from rtic_console.ui.console_session import ConsoleSession
from rtic_console.ui.dashboard.dashboard_widget import DashboardWidget
from rtic_console.ui.hits.hit_queue_widget import HitQueueWidget
from rtic_console.ui.hits.recent_hits_widget import RecentHitsWidget
from rtic_console.ui.hotlists.hot_lists_widget import HotListsWidget
from rtic_console.ui.inbox.inbox_widget import InboxWidget
from rtic_console.ui.map.map_widget import MapWidget
from rtic_console.ui.search.other_use_requests_widget import OtherUseRequestsWidget
from rtic_console.ui.search.search_widget import SearchWidget
from rtic_console.ui.sharing.sharing_widget import SharingWidget
from rtic_console.ui.wall.video_wall_widget import VideoWallWidget


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
    build: Callable[[ConsoleSession], QWidget]
    # Built at sign-in rather than on first visit: it signals waiting work (a new hit, an
    # inbox count) while the person is elsewhere.
    eager: bool = False


OPS, INV, OVS, ADM = (Workspace.OPERATIONS, Workspace.INVESTIGATIONS, Workspace.OVERSIGHT,
                      Workspace.ADMINISTRATION)
WORK_AREAS: tuple[WorkArea, ...] = (
    WorkArea("hits", "Hit queue", OPS, Permission.VIEW_HITS, HitQueueWidget, eager=True),
    WorkArea("recent_hits", "Recent hits", OPS, Permission.VIEW_HITS, RecentHitsWidget),
    WorkArea("map", "Live map", OPS, Permission.VIEW_MAP, MapWidget),
    WorkArea("wall", "Video wall", OPS, Permission.VIEW_CAMERAS, VideoWallWidget),
    WorkArea("search", "Search", INV, Permission.SEARCH_READS, SearchWidget),
    WorkArea("other_use", "Other-use requests", INV, Permission.SEARCH_READS,
             OtherUseRequestsWidget),
    WorkArea("registry", "Camera registry", INV, Permission.QUERY_REGISTRY, RegistryWidget),
    WorkArea("sharing", "Sharing", INV, Permission.VIEW_SHARING, SharingWidget),
    WorkArea("inbox", "Inbox", OVS, Permission.USE_INBOX, InboxWidget, eager=True),
    WorkArea("inspections", "Inspections", OVS, Permission.VIEW_INSPECTION, InspectionsWidget),
    WorkArea("audit", "Audit trail", OVS, Permission.VIEW_AUDIT, AuditViewerWidget),
    WorkArea("dashboard", "Dashboard", OVS, Permission.VIEW_DASHBOARD, DashboardWidget),
    WorkArea("roster", "Roster", ADM, Permission.MANAGE_ROSTER, RosterWidget),
    WorkArea("devices", "Devices", ADM, Permission.MANAGE_DEVICES, DevicesWidget),
    WorkArea("cameras", "Cameras", ADM, Permission.MANAGE_CAMERAS, CamerasWidget),
    WorkArea("donors", "Donor agreements", ADM, Permission.MANAGE_DONORS, DonorsWidget),
    WorkArea("hotlists", "Hot lists", ADM, Permission.VIEW_HOT_LISTS, HotListsWidget),
    WorkArea("quarantine", "Quarantine", ADM, Permission.VIEW_QUARANTINE, QuarantineWidget),
    WorkArea("workstations", "Workstations", ADM, Permission.MANAGE_WORKSTATIONS,
             WorkstationsWidget),
    WorkArea("retention", "Retention", ADM, Permission.VIEW_RETENTION, RetentionWidget),
    WorkArea("account", "My account", Workspace.ACCOUNT, Permission.USE_CONSOLE,
             AccountWidget),
)


def areas_for(session: ConsoleSession) -> list[WorkArea]:
    return [a for a in WORK_AREAS if session.may(a.permission)]
