"""Talking to an ONVIF camera with onvif-zeep-async: read what it is and steer it.

Every call is synchronous for its caller (a runner thread, never the GUI thread) and runs
one short asyncio loop bounded by `timeout_s`, so a camera that never answers costs at most
that. Failures become `OnvifError` whose `reason` is plain words without credentials: not
reachable, no answer, not an ONVIF device, refused credentials, or the camera's own fault.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

import aiohttp
import zeep.exceptions
from lxml.etree import XMLSyntaxError
from onvif import ONVIFCamera
from onvif.exceptions import ONVIFError

from rtic_console.domain.ptz import PtzCommand, PtzMove, PtzRange
from rtic_console.services.context import InputRejected

logger = logging.getLogger(__name__)

DEFAULT_PORT = 80
_T = TypeVar("_T")


class OnvifError(InputRejected):
    """The camera at that address cannot be used as asked; `reason` says why in words. An
    InputRejected, so screens show it as they show any rejected input."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class OnvifAddress:
    """Where a camera's device service is and how to sign in (the password is never shown)."""

    host: str
    port: int
    user: str
    password: str

    @property
    def label(self) -> str:
        return f"{self.host}:{self.port}"

    def url(self) -> str:
        """The address with its credentials, as the camera key seals it."""
        auth = f"{self.user}:{self.password}@" if self.user else ""
        return f"http://{auth}{self.host}:{self.port}/onvif/device_service"

    @classmethod
    def parse(cls, text: str, user: str = "", password: str = "") -> OnvifAddress:
        """`host`, `host:port` or `http://[user:pass@]host[:port]/onvif/device_service`;
        user and password given apart replace those in the URL."""
        text = text.strip()
        if not text:
            raise OnvifError("type the camera's ONVIF address (host:port)")
        parts = urlsplit(text if "://" in text else f"http://{text}")
        if parts.scheme != "http":
            raise OnvifError("an ONVIF address is http://host:port (the device service)")
        try:
            port = parts.port or DEFAULT_PORT
        except ValueError:
            raise OnvifError("the port of the ONVIF address is not a number") from None
        if not parts.hostname:
            raise OnvifError("the ONVIF address names no host")
        return cls(parts.hostname, port, user or unquote(parts.username or ""),
                   password or unquote(parts.password or ""))


@dataclass(frozen=True)
class OnvifProfile:
    token: str
    name: str
    width: int
    height: int
    encoding: str
    stream_uri: str
    ptz: bool


@dataclass(frozen=True)
class OnvifCameraInfo:
    manufacturer: str
    model: str
    firmware: str
    serial: str
    profiles: tuple[OnvifProfile, ...]
    ptz_range: PtzRange | None  # None when the camera has no PTZ service

    @property
    def main(self) -> OnvifProfile | None:
        """The largest profile: the large view and recordings."""
        return max(self.profiles, key=lambda p: p.width * p.height, default=None)

    @property
    def sub(self) -> OnvifProfile | None:
        """The smallest other profile: the tiles."""
        rest = [p for p in self.profiles if p is not self.main]
        return min(rest, key=lambda p: p.width * p.height, default=None)


@dataclass(frozen=True)
class PtzPosition:
    pan: float
    tilt: float
    zoom: float
    moving: bool


@dataclass(frozen=True)
class PtzPreset:
    token: str
    name: str


def _reason(exc: BaseException, address: OnvifAddress, timeout_s: float) -> str:
    where = address.label
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return f"{where} did not answer within {timeout_s:g} s"
    if isinstance(exc, zeep.exceptions.Fault):
        text = str(exc.message or "").strip()
        if "not authorized" in text.lower() or "NotAuthorized" in str(exc.subcodes or ""):
            return f"{where} refused the user name or password"
        return f"{where} answered with an ONVIF fault: {text[:200] or 'no reason given'}"
    if isinstance(exc, zeep.exceptions.TransportError):
        return (f"{where} is not an ONVIF device service (HTTP {exc.status_code} at "
                "/onvif/device_service)")
    if isinstance(exc, XMLSyntaxError | zeep.exceptions.XMLSyntaxError
                  | zeep.exceptions.XMLParseError):
        return f"{where} answered, but not in ONVIF's SOAP: it is not an ONVIF camera"
    if isinstance(exc, aiohttp.ClientConnectorError | ConnectionRefusedError):
        return f"nothing answers at {where} (connection refused or host unreachable)"
    if isinstance(exc, socket.gaierror):
        return f"the host {address.host} is not known"
    if isinstance(exc, ONVIFError):
        inner = exc.__cause__ or exc.__context__
        if inner is not None and inner is not exc:
            return _reason(inner, address, timeout_s)
        return f"{where}: {str(exc)[:200]}"
    if isinstance(exc, aiohttp.ClientError | OSError):
        return f"{where} could not be reached: {type(exc).__name__}"
    return f"{where} answered something that is not ONVIF ({type(exc).__name__})"


def _run(address: OnvifAddress, timeout_s: float,
         work: Callable[[ONVIFCamera], Awaitable[_T]]) -> _T:
    async def main() -> _T:
        camera = ONVIFCamera(address.host, address.port, address.user, address.password,
                             no_cache=True)
        try:
            return await asyncio.wait_for(work(camera), timeout_s)
        finally:
            await camera.close()

    try:
        return asyncio.run(main())
    except OnvifError:
        raise
    except Exception as exc:  # the library surfaces many kinds; each becomes words
        logger.info("ONVIF call to %s failed: %r", address.label, exc)
        raise OnvifError(_reason(exc, address, timeout_s)) from None


def _ptz_range(nodes: Any) -> PtzRange:
    """The first node's absolute spaces; the generic space where the node says nothing."""
    default = PtzRange()
    try:
        spaces = nodes[0].SupportedPTZSpaces
        pan_tilt = spaces.AbsolutePanTiltPositionSpace[0]
        zoom = spaces.AbsoluteZoomPositionSpace[0]
        return PtzRange((pan_tilt.XRange.Min, pan_tilt.XRange.Max),
                        (pan_tilt.YRange.Min, pan_tilt.YRange.Max),
                        (zoom.XRange.Min, zoom.XRange.Max))
    except (AttributeError, IndexError, TypeError):
        return default


async def _stream_uri(media: Any, token: str) -> str:
    answer = await media.GetStreamUri({"StreamSetup": {"Stream": "RTP-Unicast",
                                                       "Transport": {"Protocol": "RTSP"}},
                                       "ProfileToken": token})
    return str(answer.Uri)


def read_camera(address: OnvifAddress, timeout_s: float = 8.0) -> OnvifCameraInfo:
    """Device information, profiles with their stream URIs, and the PTZ range if any."""

    async def work(camera: ONVIFCamera) -> OnvifCameraInfo:
        await camera.update_xaddrs()
        device = await camera.create_devicemgmt_service()
        info = await device.GetDeviceInformation()
        media = await camera.create_media_service()
        profiles = []
        for p in await media.GetProfiles() or []:
            encoder = getattr(p, "VideoEncoderConfiguration", None)
            resolution = getattr(encoder, "Resolution", None)
            profiles.append(OnvifProfile(
                str(p.token), str(getattr(p, "Name", "") or p.token),
                int(getattr(resolution, "Width", 0) or 0),
                int(getattr(resolution, "Height", 0) or 0),
                str(getattr(encoder, "Encoding", "") or ""),
                await _stream_uri(media, str(p.token)),
                getattr(p, "PTZConfiguration", None) is not None))
        ptz_range = None
        if any(p.ptz for p in profiles) and _has_ptz(camera):
            ptz = await camera.create_ptz_service()
            ptz_range = _ptz_range(await ptz.GetNodes())
        return OnvifCameraInfo(str(info.Manufacturer or ""), str(info.Model or ""),
                               str(info.FirmwareVersion or ""), str(info.SerialNumber or ""),
                               tuple(profiles), ptz_range)

    return _run(address, timeout_s, work)


def _has_ptz(camera: ONVIFCamera) -> bool:
    return any("ptz" in namespace.lower() for namespace in camera.xaddrs)


async def _ptz_service(camera: ONVIFCamera) -> Any:
    await camera.update_xaddrs()
    if not _has_ptz(camera):
        raise OnvifError(f"{camera.host}:{camera.port} has no PTZ service")
    return await camera.create_ptz_service()


def _vector(command: PtzCommand) -> dict[str, Any]:
    return {"PanTilt": {"x": command.pan, "y": command.tilt}, "Zoom": {"x": command.zoom}}


async def _send(ptz: Any, token: str, command: PtzCommand) -> None:
    move = command.move
    if move is PtzMove.CONTINUOUS:
        await ptz.ContinuousMove({"ProfileToken": token, "Velocity": _vector(command)})
    elif move is PtzMove.RELATIVE:
        await ptz.RelativeMove({"ProfileToken": token, "Translation": _vector(command)})
    elif move is PtzMove.ABSOLUTE:
        await ptz.AbsoluteMove({"ProfileToken": token, "Position": _vector(command)})
    elif move is PtzMove.STOP:
        await ptz.Stop({"ProfileToken": token, "PanTilt": True, "Zoom": True})
    elif move is PtzMove.HOME:
        await ptz.GotoHomePosition({"ProfileToken": token})
    elif move is PtzMove.PRESET:
        await ptz.GotoPreset({"ProfileToken": token, "PresetToken": command.preset})
    elif move is PtzMove.SET_PRESET:
        await ptz.SetPreset({"ProfileToken": token, "PresetName": command.preset})


async def _position(ptz: Any, token: str) -> PtzPosition:
    status = await ptz.GetStatus({"ProfileToken": token})
    position = status.Position
    moving = str(getattr(getattr(status, "MoveStatus", None), "PanTilt", "IDLE")) != "IDLE"
    return PtzPosition(float(position.PanTilt.x), float(position.PanTilt.y),
                       float(position.Zoom.x), moving)


def steer(address: OnvifAddress, profile: str, command: PtzCommand,
          timeout_s: float = 5.0) -> PtzPosition:
    """Sends one command and answers where the camera is afterwards."""

    async def work(camera: ONVIFCamera) -> PtzPosition:
        ptz = await _ptz_service(camera)
        await _send(ptz, profile, command)
        return await _position(ptz, profile)

    return _run(address, timeout_s, work)


def presets(address: OnvifAddress, profile: str, timeout_s: float = 5.0) -> list[PtzPreset]:
    """The camera's presets in its own order (keys 1 to 9 take the first nine)."""

    async def work(camera: ONVIFCamera) -> list[PtzPreset]:
        ptz = await _ptz_service(camera)
        return [PtzPreset(str(p.token), str(getattr(p, "Name", "") or p.token))
                for p in await ptz.GetPresets({"ProfileToken": profile}) or []]

    return _run(address, timeout_s, work)
