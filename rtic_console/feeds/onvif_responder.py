"""A small ONVIF camera on loopback (SOAP over HTTP) for the tests and the demo.

It answers what the console asks of a real camera: device information, services and
capabilities, media profiles and their stream URIs, and PTZ (continuous, absolute and
relative moves, stop, status, presets, home), each request checked against a WS-Security
UsernameToken digest. No ONVIF library ships a device side, so this one is ours; it is kept
to the subset the console uses. The stream URIs are configurable: they point at the camera
simulator (MJPEG over HTTP) or at an RTSP server. The PTZ position moves like a camera's
would (clamped to its limits) and can be read with `position()`; `add_move_listener` is told
of every accepted move (the demo's simulated camera follows it). What it remembers is
bounded: nonces only while their timestamp is within the accepted clock skew (an older one
is refused as stale anyway), and the last REQUEST_LOG operation names.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import heapq
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

from rtic_console.domain.ptz import PtzRange

DEVICE_PATH = "/onvif/device_service"
MEDIA_PATH = "/onvif/media_service"
PTZ_PATH = "/onvif/ptz_service"
NS_DEVICE = "http://www.onvif.org/ver10/device/wsdl"
NS_MEDIA = "http://www.onvif.org/ver10/media/wsdl"
NS_PTZ = "http://www.onvif.org/ver20/ptz/wsdl"
_WSSE = "{http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd}"
_WSU = "{http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd}"
MAX_CLOCK_SKEW = timedelta(minutes=5)
PAN_TILT_SPEED = 0.5  # position units per second at velocity 1
ZOOM_SPEED = 0.25
MAX_PRESETS = 16
REQUEST_LOG = 200  # operation names kept for the tests to read
DEFAULT_RANGE = PtzRange(tilt=(-0.5, 0.5))  # a camera that cannot look straight up


@dataclass(frozen=True)
class ResponderProfile:
    """A media profile: `stream_uri` is what GetStreamUri answers for it."""

    token: str
    name: str
    width: int
    height: int
    stream_uri: str


@dataclass
class _Ptz:
    limits: PtzRange
    pan: float = 0.0
    tilt: float = 0.0
    zoom: float = 0.0
    velocity: tuple[float, float, float] = (0.0, 0.0, 0.0)
    since: float = field(default_factory=time.monotonic)
    presets: dict[str, tuple[str, tuple[float, float, float]]] = field(default_factory=dict)
    home: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def settle(self) -> None:
        """Folds the continuous move so far into the position."""
        now = time.monotonic()
        dt, (vp, vt, vz) = now - self.since, self.velocity
        self.since = now
        self.set((self.pan + vp * dt * PAN_TILT_SPEED, self.tilt + vt * dt * PAN_TILT_SPEED,
                  self.zoom + vz * dt * ZOOM_SPEED))

    def set(self, position: tuple[float, float, float]) -> None:
        lim = self.limits
        self.pan, self.tilt, self.zoom = (_clamp(v, r) for v, r in
                                          zip(position, (lim.pan, lim.tilt, lim.zoom),
                                              strict=True))

    def within(self, position: tuple[float, float, float]) -> bool:
        lim = self.limits
        return all(lo <= v <= hi for v, (lo, hi) in
                   zip(position, (lim.pan, lim.tilt, lim.zoom), strict=True))


def _clamp(value: float, span: tuple[float, float]) -> float:
    return min(max(value, span[0]), span[1])


class SoapFault(Exception):
    def __init__(self, code: str, subcode: str, text: str,
                 status: HTTPStatus = HTTPStatus.BAD_REQUEST) -> None:
        super().__init__(text)
        self.code, self.subcode, self.text, self.status = code, subcode, text, status


def password_digest(nonce: bytes, created: str, password: str) -> str:
    """WS-Security UsernameToken profile: Base64(SHA-1(nonce + created + password))."""
    return base64.b64encode(hashlib.sha1(nonce + created.encode() + password.encode(),
                                         usedforsecurity=False).digest()).decode()


class OnvifResponder:
    """`start()` listens on 127.0.0.1 (port 0 picks a free one); `stop()` ends it."""

    def __init__(self, profiles: list[ResponderProfile], *, user: str = "admin",
                 password: str = "admin", ptz: bool = True, limits: PtzRange = DEFAULT_RANGE,
                 manufacturer: str = "RTIC Test", model: str = "PTZ-Sim 1",
                 firmware: str = "1.0.0", serial: str = "SIM-0001", port: int = 0) -> None:
        self.profiles = list(profiles)
        self.user, self.password, self.has_ptz = user, password, ptz
        self.info = {"Manufacturer": manufacturer, "Model": model,
                     "FirmwareVersion": firmware, "SerialNumber": serial, "HardwareId": model}
        self._ptz = _Ptz(limits)
        self._lock = threading.Lock()
        self._port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.requests: deque[str] = deque(maxlen=REQUEST_LOG)  # the last operation names
        self._seen_nonces: set[str] = set()
        self._nonce_expiry: list[tuple[datetime, str]] = []  # a heap: when each is forgotten
        self._move_listeners: list[Callable[[], None]] = []

    # -- life ---------------------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self._server is not None, "start() first"
        return self._server.server_address[1]

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.port}{DEVICE_PATH}"

    def start(self) -> OnvifResponder:
        server = ThreadingHTTPServer(("127.0.0.1", self._port), _handler_for(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="onvif-responder",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)
        self._server = self._thread = None

    def __enter__(self) -> OnvifResponder:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- observable state ---------------------------------------------------------------
    @property
    def limits(self) -> PtzRange:
        """The range it advertises (GetNodes) and clamps to."""
        return self._ptz.limits

    def add_move_listener(self, listener: Callable[[], None]) -> None:
        """`listener()` is called, on the request's thread, after every accepted move (a
        continuous, relative or absolute move, a stop, a preset, home, `set_position`)."""
        self._move_listeners.append(listener)

    def _moved(self) -> None:
        for listener in list(self._move_listeners):
            listener()

    def position(self) -> tuple[float, float, float]:
        with self._lock:
            self._ptz.settle()
            return self._ptz.pan, self._ptz.tilt, self._ptz.zoom

    def moving(self) -> bool:
        with self._lock:
            return any(self._ptz.velocity)

    def set_position(self, position: tuple[float, float, float]) -> None:
        """Where the camera points (clamped to its range), as if moved by hand."""
        with self._lock:
            self._ptz.velocity = (0.0, 0.0, 0.0)
            self._ptz.set(position)
        self._moved()

    def store_preset(self, name: str) -> None:
        with self._lock:
            token = str(len(self._ptz.presets) + 1)
            self._ptz.presets[token] = (name, (self._ptz.pan, self._ptz.tilt, self._ptz.zoom))

    def presets(self) -> dict[str, str]:
        with self._lock:
            return {token: name for token, (name, _) in self._ptz.presets.items()}

    # -- SOAP ---------------------------------------------------------------------------
    def answer(self, path: str, body: bytes) -> str:
        """The SOAP body's inner XML for one request, or raises SoapFault."""
        try:
            envelope = ET.fromstring(body)
        except ET.ParseError:
            raise SoapFault("Sender", "ter:WellFormed", "the request is not XML") from None
        request = envelope.find("{*}Body/*")
        if request is None:
            raise SoapFault("Sender", "ter:WellFormed", "no SOAP body")
        operation = request.tag.rsplit("}", 1)[-1]
        self.requests.append(operation)
        if operation != "GetSystemDateAndTime":
            self._authenticate(envelope)
        handler = self._handlers().get((path, operation))
        if handler is None:
            raise SoapFault("Receiver", "ter:ActionNotSupported",
                            f"{operation} is not supported at {path}")
        return handler(request)

    def _authenticate(self, envelope: ET.Element) -> None:
        token = envelope.find(f"{{*}}Header/{_WSSE}Security/{_WSSE}UsernameToken")
        refused = SoapFault("Sender", "ter:NotAuthorized", "Sender not authorized")
        if token is None:
            raise refused
        user = token.findtext(f"{_WSSE}Username") or ""
        password = token.find(f"{_WSSE}Password")
        nonce = token.findtext(f"{_WSSE}Nonce") or ""
        created = token.findtext(f"{_WSU}Created") or ""
        if password is None or not password.get("Type", "").endswith("#PasswordDigest"):
            raise refused  # plain text passwords are not accepted
        try:
            when = datetime.fromisoformat(created.replace("Z", "+00:00"))
            nonce_bytes = base64.b64decode(nonce, validate=True)
        except ValueError:
            raise refused from None
        now = datetime.now(UTC)
        if when.tzinfo is None or abs(now - when) > MAX_CLOCK_SKEW:
            raise refused
        expected = password_digest(nonce_bytes, created, self.password)
        with self._lock:
            self._forget_stale_nonces(now)
            key = f"{nonce}|{created}"
            replayed = key in self._seen_nonces
            if not replayed:
                self._seen_nonces.add(key)
                heapq.heappush(self._nonce_expiry, (when + MAX_CLOCK_SKEW, key))
        if user != self.user or (password.text or "") != expected or replayed:
            raise refused

    def _forget_stale_nonces(self, now: datetime) -> None:
        """A token whose Created is past the skew at `now` is refused as stale before its
        nonce is looked up, so its nonce need not be kept (called with the lock held)."""
        while self._nonce_expiry and self._nonce_expiry[0][0] < now:
            self._seen_nonces.discard(heapq.heappop(self._nonce_expiry)[1])

    def nonces_kept(self) -> int:
        with self._lock:
            return len(self._seen_nonces)

    def _handlers(self) -> dict[tuple[str, str], Callable[[ET.Element], str]]:
        handlers: dict[tuple[str, str], Callable[[ET.Element], str]] = {
            (DEVICE_PATH, "GetSystemDateAndTime"): self._date_and_time,
            (DEVICE_PATH, "GetDeviceInformation"): self._device_information,
            (DEVICE_PATH, "GetServices"): self._services,
            (DEVICE_PATH, "GetCapabilities"): self._capabilities,
            (MEDIA_PATH, "GetProfiles"): self._get_profiles,
            (MEDIA_PATH, "GetStreamUri"): self._stream_uri,
        }
        if self.has_ptz:
            handlers |= {(PTZ_PATH, name): fn for name, fn in (
                ("GetNodes", self._nodes), ("GetStatus", self._status),
                ("ContinuousMove", self._continuous), ("AbsoluteMove", self._absolute),
                ("RelativeMove", self._relative), ("Stop", self._stop),
                ("GetPresets", self._get_presets), ("SetPreset", self._set_preset),
                ("GotoPreset", self._goto_preset), ("GotoHomePosition", self._goto_home),
                ("SetHomePosition", self._set_home))}
        return handlers

    def _base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _date_and_time(self, _request: ET.Element) -> str:
        now = datetime.now(UTC)
        return (f'<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime>'
                f'<tt:DateTimeType>Manual</tt:DateTimeType><tt:DaylightSavings>false'
                f'</tt:DaylightSavings><tt:UTCDateTime><tt:Time><tt:Hour>{now.hour}</tt:Hour>'
                f'<tt:Minute>{now.minute}</tt:Minute><tt:Second>{now.second}</tt:Second>'
                f'</tt:Time><tt:Date><tt:Year>{now.year}</tt:Year><tt:Month>{now.month}'
                f'</tt:Month><tt:Day>{now.day}</tt:Day></tt:Date></tt:UTCDateTime>'
                f'</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>')

    def _device_information(self, _request: ET.Element) -> str:
        fields = "".join(f"<tds:{k}>{escape(v)}</tds:{k}>" for k, v in self.info.items())
        return f"<tds:GetDeviceInformationResponse>{fields}</tds:GetDeviceInformationResponse>"

    def _service_list(self) -> list[tuple[str, str]]:
        listed = [(NS_DEVICE, DEVICE_PATH), (NS_MEDIA, MEDIA_PATH)]
        return listed + ([(NS_PTZ, PTZ_PATH)] if self.has_ptz else [])

    def _services(self, _request: ET.Element) -> str:
        services = "".join(
            f"<tds:Service><tds:Namespace>{ns}</tds:Namespace><tds:XAddr>{self._base()}{path}"
            f"</tds:XAddr><tds:Version><tt:Major>2</tt:Major><tt:Minor>0</tt:Minor>"
            f"</tds:Version></tds:Service>" for ns, path in self._service_list())
        return f"<tds:GetServicesResponse>{services}</tds:GetServicesResponse>"

    def _capabilities(self, _request: ET.Element) -> str:
        base = self._base()
        ptz = f"<tt:PTZ><tt:XAddr>{base}{PTZ_PATH}</tt:XAddr></tt:PTZ>" if self.has_ptz else ""
        return (f"<tds:GetCapabilitiesResponse><tds:Capabilities><tt:Device><tt:XAddr>{base}"
                f"{DEVICE_PATH}</tt:XAddr></tt:Device><tt:Media><tt:XAddr>{base}{MEDIA_PATH}"
                f"</tt:XAddr></tt:Media>{ptz}</tds:Capabilities></tds:GetCapabilitiesResponse>")

    def _get_profiles(self, _request: ET.Element) -> str:
        ptz = ('<tt:PTZConfiguration token="ptzconf"><tt:Name>PTZ</tt:Name>'
               '<tt:UseCount>1</tt:UseCount><tt:NodeToken>ptznode</tt:NodeToken>'
               '</tt:PTZConfiguration>') if self.has_ptz else ""
        profiles = "".join(
            f'<trt:Profiles token="{p.token}" fixed="true"><tt:Name>{escape(p.name)}</tt:Name>'
            f'<tt:VideoEncoderConfiguration token="enc_{p.token}"><tt:Name>{escape(p.name)}'
            f'</tt:Name><tt:UseCount>1</tt:UseCount><tt:Encoding>JPEG</tt:Encoding>'
            f'<tt:Resolution><tt:Width>{p.width}</tt:Width><tt:Height>{p.height}</tt:Height>'
            f'</tt:Resolution><tt:Quality>5</tt:Quality></tt:VideoEncoderConfiguration>'
            f'{ptz}</trt:Profiles>' for p in self.profiles)
        return f"<trt:GetProfilesResponse>{profiles}</trt:GetProfilesResponse>"

    def _profile(self, request: ET.Element) -> ResponderProfile:
        token = request.findtext("{*}ProfileToken") or ""
        for profile in self.profiles:
            if profile.token == token:
                return profile
        raise SoapFault("Sender", "ter:NoProfile", f"no profile {token!r}")

    def _stream_uri(self, request: ET.Element) -> str:
        uri = escape(self._profile(request).stream_uri)
        return (f"<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>{uri}</tt:Uri>"
                f"<tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>"
                f"false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri>"
                f"</trt:GetStreamUriResponse>")

    def _nodes(self, _request: ET.Element) -> str:
        lim = self._ptz.limits

        def space(tag: str, uri: str, x: tuple[float, float],
                  y: tuple[float, float] | None) -> str:
            yr = "" if y is None else (f"<tt:YRange><tt:Min>{y[0]}</tt:Min><tt:Max>{y[1]}"
                                       "</tt:Max></tt:YRange>")
            return (f"<tt:{tag}><tt:URI>{uri}</tt:URI><tt:XRange><tt:Min>{x[0]}</tt:Min>"
                    f"<tt:Max>{x[1]}</tt:Max></tt:XRange>{yr}</tt:{tag}>")

        spaces = (space("AbsolutePanTiltPositionSpace", "http://www.onvif.org/ver10/tptz/"
                        "PanTiltSpaces/PositionGenericSpace", lim.pan, lim.tilt)
                  + space("AbsoluteZoomPositionSpace", "http://www.onvif.org/ver10/tptz/"
                          "ZoomSpaces/PositionGenericSpace", lim.zoom, None))
        return (f'<tptz:GetNodesResponse><tptz:PTZNode token="ptznode" FixedHomePosition='
                f'"false"><tt:Name>PTZ</tt:Name><tt:SupportedPTZSpaces>{spaces}'
                f'</tt:SupportedPTZSpaces><tt:MaximumNumberOfPresets>{MAX_PRESETS}'
                f'</tt:MaximumNumberOfPresets><tt:HomeSupported>true</tt:HomeSupported>'
                f'</tptz:PTZNode></tptz:GetNodesResponse>')

    def _status(self, request: ET.Element) -> str:
        self._profile(request)
        with self._lock:
            self._ptz.settle()
            ptz = self._ptz
            state = "MOVING" if any(ptz.velocity) else "IDLE"
            pan, tilt, zoom = ptz.pan, ptz.tilt, ptz.zoom
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return (f'<tptz:GetStatusResponse><tptz:PTZStatus><tt:Position><tt:PanTilt x="{pan:.4f}"'
                f' y="{tilt:.4f}"/><tt:Zoom x="{zoom:.4f}"/></tt:Position><tt:MoveStatus>'
                f'<tt:PanTilt>{state}</tt:PanTilt><tt:Zoom>{state}</tt:Zoom></tt:MoveStatus>'
                f'<tt:UtcTime>{now}</tt:UtcTime></tptz:PTZStatus></tptz:GetStatusResponse>')

    @staticmethod
    def _vector(element: ET.Element | None) -> tuple[float | None, float | None, float | None]:
        """(pan, tilt, zoom) from a PTZVector/PTZSpeed; None where the request leaves it."""
        if element is None:
            return None, None, None
        pan_tilt, zoom = element.find("{*}PanTilt"), element.find("{*}Zoom")
        try:
            return (float(pan_tilt.get("x", "0")) if pan_tilt is not None else None,
                    float(pan_tilt.get("y", "0")) if pan_tilt is not None else None,
                    float(zoom.get("x", "0")) if zoom is not None else None)
        except ValueError:
            raise SoapFault("Sender", "ter:InvalidArgVal", "a PTZ value is not a number") from None

    def _continuous(self, request: ET.Element) -> str:
        self._profile(request)
        vp, vt, vz = self._vector(request.find("{*}Velocity"))
        velocity = (vp or 0.0, vt or 0.0, vz or 0.0)
        if any(abs(v) > 1.0 for v in velocity):
            raise SoapFault("Sender", "ter:InvalidArgVal", "velocity is outside -1..1")
        with self._lock:
            self._ptz.settle()
            self._ptz.velocity = velocity
        self._moved()
        return "<tptz:ContinuousMoveResponse/>"

    def _absolute(self, request: ET.Element) -> str:
        self._profile(request)
        target = self._vector(request.find("{*}Position"))
        with self._lock:
            self._ptz.settle()
            ptz = self._ptz
            position = tuple(ptz_value if v is None else v for v, ptz_value in
                             zip(target, (ptz.pan, ptz.tilt, ptz.zoom), strict=True))
            if not ptz.within(position):  # type: ignore[arg-type]
                raise SoapFault("Sender", "ter:InvalidPosition",
                                "the position is outside the camera's range")
            ptz.velocity = (0.0, 0.0, 0.0)
            ptz.set(position)  # type: ignore[arg-type]
        self._moved()
        return "<tptz:AbsoluteMoveResponse/>"

    def _relative(self, request: ET.Element) -> str:
        self._profile(request)
        dp, dt, dz = self._vector(request.find("{*}Translation"))
        with self._lock:
            self._ptz.settle()
            ptz = self._ptz
            ptz.velocity = (0.0, 0.0, 0.0)
            ptz.set((ptz.pan + (dp or 0.0), ptz.tilt + (dt or 0.0), ptz.zoom + (dz or 0.0)))
        self._moved()
        return "<tptz:RelativeMoveResponse/>"

    def _stop(self, request: ET.Element) -> str:
        self._profile(request)
        with self._lock:
            self._ptz.settle()
            self._ptz.velocity = (0.0, 0.0, 0.0)
        self._moved()
        return "<tptz:StopResponse/>"

    def _get_presets(self, request: ET.Element) -> str:
        self._profile(request)
        with self._lock:
            presets = "".join(
                f'<tptz:Preset token="{token}"><tt:Name>{escape(name)}</tt:Name><tt:PTZPosition>'
                f'<tt:PanTilt x="{p[0]}" y="{p[1]}"/><tt:Zoom x="{p[2]}"/></tt:PTZPosition>'
                f'</tptz:Preset>' for token, (name, p) in self._ptz.presets.items())
        return f"<tptz:GetPresetsResponse>{presets}</tptz:GetPresetsResponse>"

    def _set_preset(self, request: ET.Element) -> str:
        self._profile(request)
        name = (request.findtext("{*}PresetName") or "").strip()
        token = (request.findtext("{*}PresetToken") or "").strip()
        with self._lock:
            self._ptz.settle()
            ptz = self._ptz
            if not token:
                if len(ptz.presets) >= MAX_PRESETS:
                    raise SoapFault("Receiver", "ter:TooManyPresets", "no room for a preset")
                token = next(str(i) for i in range(1, MAX_PRESETS + 2)
                             if str(i) not in ptz.presets)
            elif token not in ptz.presets:
                raise SoapFault("Sender", "ter:NoToken", f"no preset {token!r}")
            ptz.presets[token] = (name or f"Preset {token}", (ptz.pan, ptz.tilt, ptz.zoom))
        return (f"<tptz:SetPresetResponse><tptz:PresetToken>{token}</tptz:PresetToken>"
                f"</tptz:SetPresetResponse>")

    def _goto_preset(self, request: ET.Element) -> str:
        self._profile(request)
        token = request.findtext("{*}PresetToken") or ""
        with self._lock:
            preset = self._ptz.presets.get(token)
            if preset is None:
                raise SoapFault("Sender", "ter:NoToken", f"no preset {token!r}")
            self._ptz.velocity = (0.0, 0.0, 0.0)
            self._ptz.set(preset[1])
        self._moved()
        return "<tptz:GotoPresetResponse/>"

    def _goto_home(self, request: ET.Element) -> str:
        self._profile(request)
        with self._lock:
            self._ptz.velocity = (0.0, 0.0, 0.0)
            self._ptz.set(self._ptz.home)
        self._moved()
        return "<tptz:GotoHomePositionResponse/>"

    def _set_home(self, request: ET.Element) -> str:
        self._profile(request)
        with self._lock:
            self._ptz.settle()
            self._ptz.home = (self._ptz.pan, self._ptz.tilt, self._ptz.zoom)
        return "<tptz:SetHomePositionResponse/>"


_ENVELOPE = ('<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s='
             '"http://www.w3.org/2003/05/soap-envelope" xmlns:tt="http://www.onvif.org/ver10/'
             f'schema" xmlns:tds="{NS_DEVICE}" xmlns:trt="{NS_MEDIA}" xmlns:tptz="{NS_PTZ}" '
             'xmlns:ter="http://www.onvif.org/ver10/error"><s:Body>{body}</s:Body></s:Envelope>')


def _fault(fault: SoapFault) -> str:
    return (f"<s:Fault><s:Code><s:Value>s:{fault.code}</s:Value><s:Subcode><s:Value>"
            f"{fault.subcode}</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="
            f'"en">{escape(fault.text)}</s:Text></s:Reason></s:Fault>')


def _handler_for(responder: OnvifResponder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the tests and the demo read the responder's state, not its log."""

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(min(length, 1 << 20))
            try:
                answer, status = responder.answer(self.path, body), HTTPStatus.OK
            except SoapFault as fault:
                answer, status = _fault(fault), fault.status
            data = _ENVELOPE.format(body=answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/soap+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m rtic_console.feeds.onvif_responder --main-uri URI [--sub-uri URI]`: a PTZ
    camera whose profiles stream from those URIs (the simulator's MJPEG or an RTSP server)."""
    parser = argparse.ArgumentParser(description="Serve one ONVIF PTZ camera on loopback.")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--main-uri", required=True, help="the main profile's stream URI")
    parser.add_argument("--sub-uri", help="the sub-stream profile's URI (default: the main)")
    parser.add_argument("--size", default="1280x720", help="main profile WIDTHxHEIGHT")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--no-ptz", action="store_true")
    args = parser.parse_args(argv)
    width, _, height = args.size.partition("x")
    profiles = [ResponderProfile("main", "Main stream", int(width), int(height), args.main_uri),
                ResponderProfile("sub", "Sub-stream", 640, 360, args.sub_uri or args.main_uri)]
    with OnvifResponder(profiles, user=args.user, password=args.password, ptz=not args.no_ptz,
                        port=args.port) as responder:
        print(f"listening on {responder.address}", flush=True)
        with suppress(KeyboardInterrupt):
            sys.stdin.buffer.read()  # serves until stdin closes or Ctrl+C


if __name__ == "__main__":
    main()
