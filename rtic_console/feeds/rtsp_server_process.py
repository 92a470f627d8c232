"""Starting and steering the RTSP camera server (`rtsp_camera_server.py`) from the venv:
the demo, the tests and the benchmarks use this, never the server module itself, which
needs the system Python's GStreamer bindings."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote

from rtic_console.feeds.child_server import START_TIMEOUT_S, ChildServer, ChildServerError

SYSTEM_PYTHON = "/usr/bin/python3"
SERVER_SCRIPT = Path(__file__).with_name("rtsp_camera_server.py")


@cache
def encoders() -> frozenset[str]:
    """The codecs ("h264", "h265") the server can encode here; empty without GStreamer."""
    if shutil.which(SYSTEM_PYTHON) is None:
        return frozenset()
    try:
        done = subprocess.run([SYSTEM_PYTHON, str(SERVER_SCRIPT), "--encoders"],
                              capture_output=True, text=True, timeout=START_TIMEOUT_S,
                              check=True)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(done.stdout.split())


@dataclass
class RtspServerProcess:
    """The server ends when this process ends, however that happens (its stdin closes)."""

    server: ChildServer
    port: int
    user: str | None
    ptz: tuple[str, ...] = ()  # the cameras that `aim` steers

    @classmethod
    def start(cls, streams: list[str], user: str | None = "viewer:secret", port: int = 0,
              ptz: Sequence[str] = (),
              start_timeout_s: float = START_TIMEOUT_S) -> RtspServerProcess:
        """`streams` as the server takes them: "cam01/main=h264:1920x1080@15"; the cameras
        in `ptz` ("cam01") show a scene that `aim` steers. Raises ChildServerError, with the
        end of the server's stderr, when it does not start within the time limit."""
        command = [SYSTEM_PYTHON, str(SERVER_SCRIPT), "--port", str(port), "--exit-with-parent"]
        for stream in streams:
            command += ["--stream", stream]
        for camera in ptz:
            command += ["--ptz", camera]
        if user is not None:
            command += ["--user", user]
        server = ChildServer("rtsp-camera-server", command, start_timeout_s)
        if not server.address.startswith("rtsp://"):
            server.stop()
            raise ChildServerError(f"the RTSP camera server listens on {server.address!r}")
        return cls(server, int(server.address.rsplit(":", 1)[1]), user, tuple(ptz))

    @property
    def process(self) -> subprocess.Popen[str]:
        return self.server.process

    def url(self, mount: str, user: str | None = None) -> str:
        """The mount's URL with the server's credentials, or `user` ("name:password")."""
        credentials = user or self.user
        if credentials is None:
            return f"rtsp://127.0.0.1:{self.port}/{mount}"
        name, _, password = credentials.partition(":")
        return f"rtsp://{quote(name, safe='')}:{quote(password, safe='')}@127.0.0.1:" \
               f"{self.port}/{mount}"

    def command(self, line: str) -> None:
        """`drop SECONDS`, `resize MOUNT WxH` or `aim CAMERA PAN TILT SPAN`; returns once the
        server has taken it, raises ChildServerError if it refused it or did not answer."""
        answer = self.server.ask(line)
        if not answer.startswith("ok "):
            raise ChildServerError(f"the RTSP camera server refused {line!r}: {answer}")

    def aim(self, camera: str, pan: float, tilt: float, span: float) -> None:
        """Points a `ptz` camera: the view centred at (pan, tilt), span units wide."""
        self.command(f"aim {camera} {pan:.5f} {tilt:.5f} {span:.5f}")

    def stop(self) -> None:
        self.server.stop()
