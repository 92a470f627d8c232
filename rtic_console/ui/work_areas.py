"""Which work areas exist and who sees them; an area appears only when it is built."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


@dataclass(frozen=True)
class WorkArea:
    key: str
    title: str
    permission: Permission
    build: Callable[[ConsoleSession], QWidget]


WORK_AREAS: tuple[WorkArea, ...] = (
    WorkArea("hits", "Hit queue", Permission.VIEW_HITS, HitQueueWidget),
    WorkArea("recent_hits", "Recent hits", Permission.VIEW_HITS, RecentHitsWidget),
    WorkArea("map", "Live map", Permission.VIEW_MAP, MapWidget),
    WorkArea("wall", "Video wall", Permission.VIEW_CAMERAS, VideoWallWidget),
    WorkArea("search", "Search", Permission.SEARCH_READS, SearchWidget),
    WorkArea("other_use", "Other-use requests", Permission.SEARCH_READS, OtherUseRequestsWidget),
    WorkArea("hotlists", "Hot lists", Permission.VIEW_HOT_LISTS, HotListsWidget),
    WorkArea("inbox", "Inbox", Permission.USE_INBOX, InboxWidget),
    WorkArea("dashboard", "Dashboard", Permission.VIEW_DASHBOARD, DashboardWidget),
    WorkArea("cameras", "Cameras", Permission.MANAGE_CAMERAS, CamerasWidget),
    WorkArea("devices", "Devices", Permission.MANAGE_DEVICES, DevicesWidget),
    WorkArea("donors", "Donor agreements", Permission.MANAGE_DONORS, DonorsWidget),
    WorkArea("registry", "Camera registry", Permission.QUERY_REGISTRY, RegistryWidget),
    WorkArea("sharing", "Sharing", Permission.VIEW_SHARING, SharingWidget),
    WorkArea("roster", "Roster", Permission.MANAGE_ROSTER, RosterWidget),
    WorkArea("workstations", "Workstations", Permission.MANAGE_WORKSTATIONS,
             WorkstationsWidget),
    WorkArea("inspections", "Inspections", Permission.VIEW_INSPECTION, InspectionsWidget),
    WorkArea("retention", "Retention", Permission.VIEW_RETENTION, RetentionWidget),
    WorkArea("quarantine", "Quarantine", Permission.VIEW_QUARANTINE, QuarantineWidget),
    WorkArea("audit", "Audit trail", Permission.VIEW_AUDIT, AuditViewerWidget),
    WorkArea("account", "My account", Permission.USE_CONSOLE, AccountWidget),
)


def areas_for(session: ConsoleSession) -> list[WorkArea]:
    return [a for a in WORK_AREAS if session.may(a.permission)]
