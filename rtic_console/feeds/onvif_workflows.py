"""ONVIF workflows the screens and tests call: each decides and audits in a short
transaction, then talks to the camera with a timeout, outside any transaction. The console
runs them on the operation runner's background pool, never on the GUI thread."""

from __future__ import annotations

from dataclasses import dataclass

from rtic_console.domain.ptz import PtzCommand
from rtic_console.feeds.onvif_client import (
    OnvifAddress,
    OnvifCameraInfo,
    PtzPosition,
    PtzPreset,
    presets,
    read_camera,
    steer,
)
from rtic_console.services import onvif_cameras, ptz
from rtic_console.services.context import Context
from rtic_console.services.runner import perform, query
from rtic_console.store.database import Database

READ_TIMEOUT_S = 8.0
PTZ_TIMEOUT_S = 4.0


@dataclass(frozen=True)
class PtzOutcome:
    position: PtzPosition
    note: str | None  # "clamped to the camera's range"


def read_onvif_camera(db: Database, ctx: Context, address: OnvifAddress,
                      timeout_s: float = READ_TIMEOUT_S) -> OnvifCameraInfo:
    """Audited as `camera.onvif.read` (address redacted), then read from the camera."""
    perform(db, ctx, onvif_cameras.record_onvif_read, address.url())
    return read_camera(address, timeout_s)


def steer_camera(db: Database, ctx: Context, camera_id: int, command: PtzCommand,
                 purpose: str | None, reference: str | None = None, *,
                 idle_minutes: int | None = None,
                 timeout_s: float = PTZ_TIMEOUT_S) -> PtzOutcome:
    plan = perform(db, ctx, ptz.plan_ptz, camera_id, command, purpose, reference,
                   idle_minutes=idle_minutes)
    address = OnvifAddress.parse(plan.address.reveal())
    return PtzOutcome(steer(address, plan.profile_token, plan.command, timeout_s), plan.note)


def camera_presets(db: Database, ctx: Context, camera_id: int, purpose: str | None,
                   reference: str | None = None,
                   timeout_s: float = PTZ_TIMEOUT_S) -> list[PtzPreset]:
    plan = query(db, ctx, ptz.plan_presets, camera_id, purpose, reference)
    return presets(OnvifAddress.parse(plan.address.reveal()), plan.profile_token, timeout_s)
