"""The recordings disk's own free space: below a floor, recording on that workstation stops
before the disk fills, and the ALPR administrators and public-safety IT are alerted; it
resumes once there is room again.

The disk caps (`recording_space`) count indexed video. The disk also holds the segment being
written, video not indexed yet, other files and perhaps the database, and a full disk fails
every write on it: this is the guard for what the caps cannot see.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rtic_console.domain.recording_caps import format_size, free_floor, room_again
from rtic_console.services.alerts import raise_alert
from rtic_console.services.audit_anchor import SystemIdentity
from rtic_console.services.recording_space import ALERTED
from rtic_console.store.audit_log import append_event
from rtic_console.store.models import Alert, AuditEvent

DISK_ALERT = "recording_disk"
STOP, RESUME = "recording.disk.stop", "recording.disk.resume"


@dataclass(frozen=True)
class DiskSpace:
    """One look at the disk a workstation records onto, with the floor it is held to."""

    folder: str
    total: int
    free: int
    floor: int

    @classmethod
    def of(cls, folder: Path, floor: int | None = None) -> DiskSpace:
        """The disk now; `floor` None means the default for its size (`free_floor`)."""
        usage = shutil.disk_usage(folder)
        return cls(str(folder), usage.total, usage.free,
                   free_floor(usage.total) if floor is None else floor)

    @property
    def low(self) -> bool:
        return self.free < self.floor

    @property
    def roomy(self) -> bool:
        return self.free >= room_again(self.floor)

    def reason(self, workstation: str) -> str:
        return (f"The recordings disk of {workstation} ({self.folder}) has "
                f"{format_size(self.free)} free of {format_size(self.total)}, under its floor "
                f"of {format_size(self.floor)}: recording there stopped before the disk "
                "fills. Free space on that disk or add to it (a disk cap makes the oldest "
                "video the order no longer keeps go by itself); recording resumes at "
                f"{format_size(room_again(self.floor))} free.")

    def figures(self) -> dict[str, object]:
        return {"folder": self.folder, "free_bytes": self.free, "total_bytes": self.total,
                "floor_bytes": self.floor, "resumes_at_bytes": room_again(self.floor)}


def stopped_here(session: Session, workstation: str) -> bool:
    """Whether the audit trail last says this workstation's recording stopped for its disk:
    a service started again with room writes the resumption its predecessor could not."""
    last = session.scalar(select(AuditEvent.action).where(
        AuditEvent.object_type == "workstation", AuditEvent.object_id == workstation,
        AuditEvent.action.in_((STOP, RESUME))).order_by(AuditEvent.seq.desc()).limit(1))
    return last == STOP


def note_stopped(session: Session, who: SystemIdentity, space: DiskSpace) -> tuple[int, ...]:
    """Audits the stop and alerts, unless this workstation's alert is still unacknowledged
    (a restart while the disk is low does not alert again); returns the alerts raised."""
    reason = space.reason(who.workstation)
    still_open = session.scalar(select(func.count()).select_from(Alert).where(
        Alert.kind == DISK_ALERT, Alert.subject_id == who.workstation,
        Alert.acknowledged_at.is_(None)))
    alerts = () if still_open else tuple(
        raise_alert(session, kind=DISK_ALERT,
                    title=f"Recordings: the disk of {who.workstation} is nearly full, "
                          "recording stopped",
                    body=reason, for_role=role, subject_type="workstation",
                    subject_id=who.workstation, raised_by=None) for role in ALERTED)
    _audit(session, who, STOP, space, reason, alerts)
    return alerts


def note_resumed(session: Session, who: SystemIdentity, space: DiskSpace) -> None:
    _audit(session, who, RESUME, space, f"{format_size(space.free)} free on the recordings "
           f"disk of {who.workstation} again, by {who.label}", ())


def _audit(session: Session, who: SystemIdentity, action: str, space: DiskSpace, reason: str,
           alerts: tuple[int, ...]) -> None:
    append_event(session, actor_badge=None, workstation=who.workstation, action=action,
                 object_type="workstation", object_id=who.workstation, reason=reason[:300],
                 details={**space.figures(), "alert_ids": list(alerts), "by": who.label})
