"""Recorded video near a plate read, at its time: what a search result offers to play back,
and the viewing purpose (F.2) its search's purpose (D.1) carries over to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rtic_console.domain.roles import Permission
from rtic_console.domain.search_rules import SearchPurpose, bounding_box, distance_m
from rtic_console.services.auth import authorize
from rtic_console.services.cameras import CameraView, camera_rows, camera_view
from rtic_console.services.context import Context, InputRejected, service_action
from rtic_console.services.viewing import ViewingPurpose
from rtic_console.store.models import RecordingSegment

NEAR_M = 500.0
AROUND = timedelta(minutes=5)
LISTED = "pscn.recordings.near"

# A search for a case gathers evidence for it (F.2 evidence collection); an other use has
# no F.2 purpose of its own, so its viewer states one on the wall.
_VIEWING_FOR = {SearchPurpose.STOLEN_VEHICLE_OR_PLATE: ViewingPurpose.EVIDENCE_COLLECTION,
                SearchPurpose.WANTED_OR_MISSING: ViewingPurpose.EVIDENCE_COLLECTION,
                SearchPurpose.CRIME_SCENE_CANVASS: ViewingPurpose.EVIDENCE_COLLECTION}


def viewing_purpose_for(search_purpose: str | None) -> tuple[ViewingPurpose | None, str]:
    """The F.2 purpose a search's results are viewed under, or None and why not."""
    try:
        purpose = SearchPurpose(search_purpose or "")
    except ValueError:
        return None, "the search states no purpose"
    chosen = _VIEWING_FOR.get(purpose)
    if chosen is None:
        return None, ("an other-use search carries no viewing purpose of F.2; open the "
                      "camera from the Video wall and state one there")
    return chosen, ""


@dataclass(frozen=True)
class RecordedNear:
    camera: CameraView
    distance_m: float
    start: datetime
    end: datetime
    segments: int


@service_action(LISTED)
def recorded_near(session: Session, ctx: Context, latitude: float, longitude: float,
                  at: datetime) -> list[RecordedNear]:
    """Cameras within NEAR_M of the place with recordings within AROUND of `at`, nearest
    first. Says which video exists, never shows it: the playback that opens it states its
    purpose and is audited (F.2)."""
    authorize(session, ctx, Permission.VIEW_CAMERAS, action=LISTED)
    if not isinstance(at, datetime) or at.tzinfo is None:
        raise InputRejected("time: a date and time with a time zone")
    place = (float(latitude), float(longitude))
    south, north, west, east = bounding_box(place, NEAR_M)
    start, end = at - AROUND, at + AROUND
    near = {d.id: (d, s, distance_m(place, (d.latitude, d.longitude)))
            for d, s in camera_rows(session)
            if d.latitude is not None and d.longitude is not None
            and south <= d.latitude <= north and west <= d.longitude <= east}
    near = {i: v for i, v in near.items() if v[2] <= NEAR_M}
    if not near:
        return []
    counts = dict(session.execute(
        select(RecordingSegment.device_id, func.count())
        .where(RecordingSegment.device_id.in_(list(near)), RecordingSegment.started_at < end,
               RecordingSegment.ended_at > start)
        .group_by(RecordingSegment.device_id)).all())
    found = [RecordedNear(camera_view(d, s), metres, start, end, counts[i])
             for i, (d, s, metres) in near.items() if counts.get(i)]
    return sorted(found, key=lambda r: r.distance_m)
