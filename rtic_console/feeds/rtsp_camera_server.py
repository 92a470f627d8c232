"""A real RTSP server on loopback (GStreamer's gst-rtsp-server) for the demo, the tests and
the benchmarks: synthetic cameras in H.264 or H.265, each with a main and a sub-stream,
behind real RTSP basic authentication.

It runs under the system Python (`/usr/bin/python3`, with the Debian packages `python3-gi`,
`gir1.2-gst-rtsp-server-1.0` and the GStreamer plugins that installer/install_system_libs.sh
installs), not the project's venv: PyGObject and GStreamer come from Debian. So it imports
nothing but the standard library and `gi`, and is started by its file path.

    /usr/bin/python3 rtsp_camera_server.py --port 0 --user viewer:secret \
        --stream cam01/main=h264:1920x1080@15 --stream cam01/sub=h264:640x360@15

The first line on stdout is `listening on rtsp://127.0.0.1:PORT`. Commands on stdin, one a
line, each answered by one line on stdout (the tests and the demo steer it this way):
`drop SECONDS` closes every session and refuses new ones for that long (a camera that goes
away and comes back); `resize MOUNT WxH` changes a stream's resolution (clients are closed
and reconnect to the new size); `aim CAMERA PAN TILT SPAN` points a PTZ camera (below);
`quit`. With --exit-with-parent the server ends when stdin closes, however its parent ends.

`--ptz CAMERA` makes the streams under `CAMERA/` a PTZ camera's: they show the part of a
large still scene (`ptz_scene.py`) that `aim` says, centred at PAN, TILT (ONVIF generic
space) and SPAN units wide, cropped and scaled live without a reconnect. Where it points is
for the caller to say (the demo's ONVIF responder, through `simulated_ptz.py`): this server
keeps no range of its own.
"""

from __future__ import annotations

import argparse
import re
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
import ptz_scene  # noqa: E402  (beside this file, so on sys.path)
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

_SPEC = re.compile(r"^(?P<mount>[\w/-]+)=(?P<codec>h264|h265):(?P<w>\d+)x(?P<h>\d+)@(?P<fps>\d+)$")
_ENCODERS = {
    "h264": ("x264enc tune=zerolatency speed-preset=ultrafast bitrate={kbps} key-int-max={gop} "
             "threads={threads} ! video/x-h264,profile=baseline "
             "! rtph264pay name=pay0 pt=96 config-interval=-1"),
    "h265": ("x265enc tune=zerolatency speed-preset=ultrafast bitrate={kbps} key-int-max={gop} "
             "! rtph265pay name=pay0 pt=96 config-interval=-1"),
}
_ENCODER_ELEMENTS = {"h264": "x264enc", "h265": "x265enc"}


@dataclass
class StreamSpec:
    mount: str
    codec: str
    width: int
    height: int
    fps: int

    @classmethod
    def parse(cls, text: str) -> StreamSpec:
        match = _SPEC.match(text)
        if match is None:
            raise argparse.ArgumentTypeError(f"not MOUNT=CODEC:WxH@FPS: {text!r}")
        return cls(match["mount"].strip("/"), match["codec"], int(match["w"]), int(match["h"]),
                   int(match["fps"]))

    @property
    def camera(self) -> str:
        return self.mount.split("/", 1)[0]

    def launch(self, ptz: bool = False) -> str:
        """A moving test pattern, or for a PTZ camera the scene cropped where it points
        (`appsrc name=scene` takes the scene, `videocrop name=ptz` is aimed), with the
        stream's name, codec, size and the wall-clock time burnt in: a frozen picture, or a
        tile on the wrong stream, shows at a glance."""
        kbps = max(200, self.width * self.height * self.fps // 7000)
        # One x264 thread for the PTZ scene: with sliced threads its frames reached FFmpeg's
        # decoder as a picture per slice (half drawn, smeared); whole pictures with one.
        encoder = _ENCODERS[self.codec].format(kbps=kbps, gop=self.fps,  # 1 s
                                               threads=1 if ptz else 0)
        title = f"{self.mount.upper()} {self.codec.upper()} {self.width}x{self.height}"
        # Sized for this frame: auto-resize would scale them again past 640 wide (the main
        # stream's title then wrapped over the clock).
        font = f"font-desc=\"Sans {max(8, self.height // 20)}\" auto-resize=false"
        text = (f"{font} halignment=left valignment=top xpad={self.width // 40} "
                f"ypad={self.height // 8}")
        size = f"width={self.width},height={self.height}"
        if ptz:
            source = (f"appsrc name=scene format=time caps=video/x-raw,format=I420,"
                      f"width={ptz_scene.WIDTH},height={ptz_scene.HEIGHT},framerate=0/1 "
                      f"! imagefreeze is-live=true ! video/x-raw,framerate={self.fps}/1 "
                      f"! videocrop name=ptz ! videoscale ! video/x-raw,{size}")
        else:
            source = (f"videotestsrc is-live=true pattern=ball "
                      f"! video/x-raw,{size},framerate={self.fps}/1")
        return (f"( {source} "
                f"! textoverlay text=\"{title}\" {text} "
                f"! clockoverlay time-format=\"%H:%M:%S\" halignment=right valignment=top "
                f"{font} xpad={self.width // 40} ypad={self.height // 8} "
                f"! videoconvert ! video/x-raw,format=I420 ! {encoder} )")


class CameraServer:
    """Owns the GStreamer server; every change runs on the GLib main loop's thread."""

    def __init__(self, port: int, specs: list[StreamSpec], user: str | None,
                 ptz_cameras: Sequence[str] = ()) -> None:
        self.specs = {s.mount: s for s in specs}
        self.server = GstRtspServer.RTSPServer()
        self.server.set_address("127.0.0.1")
        self.server.set_service(str(port))
        self.user = user
        if user is not None:
            name, _, password = user.partition(":")
            auth = GstRtspServer.RTSPAuth()
            token = GstRtspServer.RTSPToken()
            token.set_string("media.factory.role", "viewer")
            auth.add_basic(GstRtspServer.RTSPAuth.make_basic(name, password), token)
            self.server.set_auth(auth)
        # Where each PTZ camera points, and the crops of its streams' running pipelines.
        self.aims = {camera: (0.0, 0.0, ptz_scene.HOME_SPAN) for camera in ptz_cameras}
        self._crops: dict[str, list[Gst.Element]] = {camera: [] for camera in ptz_cameras}
        self._scene: Gst.Buffer | None = None  # drawn once, shared by every PTZ stream
        for spec in specs:
            self._mount(spec)
        self.loop = GLib.MainLoop()

    def _mount(self, spec: StreamSpec) -> None:
        factory = GstRtspServer.RTSPMediaFactory()
        ptz = spec.camera in self.aims
        factory.set_launch(spec.launch(ptz))
        factory.set_shared(True)  # one encoder per stream, however many clients
        if ptz:
            factory.connect("media-configure", self._on_ptz_media_configure, spec.camera)
        if self.user is not None:
            permissions = GstRtspServer.RTSPPermissions()
            for permission in ("media.factory.access", "media.factory.construct"):
                permissions.add_permission_for_role("viewer", permission, True)
            factory.set_permissions(permissions)
        self.server.get_mount_points().add_factory(f"/{spec.mount}", factory)

    def _on_ptz_media_configure(self, _factory: GstRtspServer.RTSPMediaFactory,
                                media: GstRtspServer.RTSPMedia, camera: str) -> None:
        """A PTZ stream's pipeline is made: it gets the scene, is aimed where the camera
        points, and is forgotten when it ends (the scene it holds is released)."""
        if self._scene is None:
            self._scene = Gst.Buffer.new_wrapped(ptz_scene.render_scene())
        pipeline = media.get_element()
        pipeline.get_by_name("scene").emit("push-buffer", self._scene)
        crop = pipeline.get_by_name("ptz")
        self._aim_crop(crop, *self.aims[camera])
        crops = self._crops[camera]
        crops.append(crop)
        media.connect("unprepared", lambda _media: crop in crops and crops.remove(crop))

    @staticmethod
    def _aim_crop(crop: Gst.Element, pan: float, tilt: float, span: float) -> None:
        left, top, right, bottom = ptz_scene.crop_box(pan, tilt, span)
        crop.set_properties(left=left, top=top, right=right, bottom=bottom)

    def aim(self, camera: str, pan: float, tilt: float, span: float) -> bool:
        self.aims[camera] = (pan, tilt, span)
        for crop in list(self._crops[camera]):  # a pipeline may end meanwhile
            self._aim_crop(crop, pan, tilt, span)
        return False

    def start(self) -> int:
        self.server.attach(None)
        return self.server.get_bound_port()

    def _close_sessions(self) -> None:
        """Every client is disconnected (a test server: simpler than picking by mount)."""
        self.server.get_session_pool().filter(
            lambda _pool, _session: GstRtspServer.RTSPFilterResult.REMOVE)
        self.server.client_filter(lambda _server, _client: GstRtspServer.RTSPFilterResult.REMOVE)

    def drop(self, seconds: float) -> bool:
        mounts = self.server.get_mount_points()
        for mount in self.specs:
            mounts.remove_factory(f"/{mount}")
        self._close_sessions()

        def back() -> bool:
            for spec in self.specs.values():
                self._mount(spec)
            return False

        GLib.timeout_add(int(seconds * 1000), back)
        return False

    def resize(self, mount: str, width: int, height: int) -> bool:
        spec = self.specs[mount]
        spec.width, spec.height = width, height
        self.server.get_mount_points().remove_factory(f"/{mount}")
        self._mount(spec)
        self._close_sessions()
        return False


def _read_commands(server: CameraServer, exit_with_parent: bool) -> None:
    """Commands from stdin, each answered `ok WORD` or `error WORD: why`; stdin's end means
    the parent has gone."""
    for line in sys.stdin:
        word, *args = line.split() or [""]
        try:
            if word == "drop":
                GLib.idle_add(server.drop, float(args[0]))
            elif word == "resize":
                width, height = (int(v) for v in args[1].split("x"))
                GLib.idle_add(server.resize, args[0].strip("/"), width, height)
            elif word == "aim":
                camera, pan, tilt, span = args[0], *(float(v) for v in args[1:4])
                if camera not in server.aims:
                    raise ValueError(f"{camera} is not a PTZ camera (--ptz)")
                GLib.idle_add(server.aim, camera, pan, tilt, span)
            elif word == "quit":
                GLib.idle_add(server.loop.quit)
                return
            else:
                raise ValueError("unknown command")
        except (ValueError, IndexError) as exc:
            print(f"error {word}: {exc}", flush=True)
            continue
        print(f"ok {word}", flush=True)
    if exit_with_parent:
        GLib.idle_add(server.loop.quit)


def encoders_available() -> list[str]:
    Gst.init(None)
    return [codec for codec, element in _ENCODER_ELEMENTS.items()
            if Gst.ElementFactory.find(element) is not None]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8554)
    parser.add_argument("--user", help="NAME:PASSWORD required by basic authentication")
    parser.add_argument("--stream", type=StreamSpec.parse, action="append", default=[])
    parser.add_argument("--ptz", action="append", default=[], metavar="CAMERA",
                        help="the streams under CAMERA/ show a scene that `aim` steers")
    parser.add_argument("--exit-with-parent", action="store_true",
                        help="end when stdin closes (the parent process has gone)")
    parser.add_argument("--encoders", action="store_true",
                        help="print the codecs this machine can encode, then exit")
    args = parser.parse_args(argv)
    if args.encoders:
        print(" ".join(encoders_available()))
        return 0
    Gst.init(None)
    missing = {s.codec for s in args.stream} - set(encoders_available())
    if missing:
        print(f"no encoder for {', '.join(sorted(missing))}", flush=True)
        return 2
    server = CameraServer(args.port, args.stream, args.user, args.ptz)
    port = server.start()
    print(f"listening on rtsp://127.0.0.1:{port}", flush=True)
    threading.Thread(target=_read_commands, args=(server, args.exit_with_parent),
                     daemon=True).start()
    server.loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
