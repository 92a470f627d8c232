"""Typed SQLAlchemy models; importing this package registers every table on Base.metadata."""

from rtic_console.store.models.alerts import Alert
from rtic_console.store.models.audit import AuditCheckpoint, AuditEvent, AuditPlate
from rtic_console.store.models.base import Base
from rtic_console.store.models.changes import ChangeLogEntry
from rtic_console.store.models.detections import (
    Detection,
    DetectionImage,
    QuarantinedPayload,
    ReadHour,
)
from rtic_console.store.models.devices import (
    Device,
    DeviceHealthHour,
    DeviceReport,
    ShiftCheck,
)
from rtic_console.store.models.divisions import Division
from rtic_console.store.models.hits import Hit, HitSighting, HitStep
from rtic_console.store.models.hotlists import HotList, HotListEntry, HotListImport
from rtic_console.store.models.inspections import (
    Inspection,
    InspectionDeviceReview,
    InspectionReferral,
    InspectionSearchReview,
)
from rtic_console.store.models.onvif import CameraOnvif
from rtic_console.store.models.personnel import Person, PersonRole
from rtic_console.store.models.pscn import (
    CameraCredential,
    CameraSettings,
    DonorAgreement,
    DonorAgreementCamera,
    EvidenceExport,
    EvidenceHold,
    RecordingSegment,
    WallLayout,
)
from rtic_console.store.models.registry import RegistryEntry
from rtic_console.store.models.retention import (
    PurgeRun,
    RecordingCap,
    RecordingCapState,
    RecordingUsage,
    RetentionSetting,
)
from rtic_console.store.models.searches import SearchRecord, SearchRequest
from rtic_console.store.models.sharing import Agency, SharingRequest, SpecialShareRequest
from rtic_console.store.models.viewing_requests import ViewingRequest
from rtic_console.store.models.workstations import Workstation

__all__ = [
    "Agency",
    "Alert",
    "AuditCheckpoint",
    "AuditEvent",
    "AuditPlate",
    "Base",
    "CameraCredential",
    "CameraOnvif",
    "CameraSettings",
    "ChangeLogEntry",
    "Detection",
    "DetectionImage",
    "Device",
    "DeviceHealthHour",
    "DeviceReport",
    "Division",
    "DonorAgreement",
    "DonorAgreementCamera",
    "EvidenceExport",
    "EvidenceHold",
    "Hit",
    "HitSighting",
    "HitStep",
    "HotList",
    "HotListEntry",
    "HotListImport",
    "Inspection",
    "InspectionDeviceReview",
    "InspectionReferral",
    "InspectionSearchReview",
    "Person",
    "PersonRole",
    "PurgeRun",
    "QuarantinedPayload",
    "ReadHour",
    "RecordingCap",
    "RecordingCapState",
    "RecordingSegment",
    "RecordingUsage",
    "RegistryEntry",
    "RetentionSetting",
    "SearchRecord",
    "SearchRequest",
    "SharingRequest",
    "ShiftCheck",
    "SpecialShareRequest",
    "ViewingRequest",
    "WallLayout",
    "Workstation",
]
