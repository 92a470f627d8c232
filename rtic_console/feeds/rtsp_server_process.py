"""Starting and steering the RTSP camera server (`rtsp_camera_server.py`) from the venv:
the demo, the tests and the benchmarks use this, never the server module itself, which
needs the system Python's GStreamer bindings."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote

SYSTEM_PYTHON = "/usr/bin/python3"
SERVER_SCRIPT = Path(__file__).with_name("rtsp_camera_server.py")
START_TIMEOUT_S = 20


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

    process: subprocess.Popen[str]
    port: int
    user: str | None

    @classmethod
    def start(cls, streams: list[str], user: str | None = "viewer:secret",
              port: int = 0) -> RtspServerProcess:
        """`streams` as the server takes them: "cam01/main=h264:1920x1080@15"."""
        command = [SYSTEM_PYTHON, str(SERVER_SCRIPT), "--port", str(port), "--exit-with-parent"]
        for stream in streams:
            command += ["--stream", stream]
        if user is not None:
            command += ["--user", user]
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, text=True)
        assert process.stdout is not None
        first = process.stdout.readline().strip()
        if not first.startswith("listening on rtsp://"):
            process.kill()
            process.wait()
            raise RuntimeError(f"the RTSP camera server did not start: {first!r}")
        return cls(process, int(first.rsplit(":", 1)[1]), user)

    def url(self, mount: str, user: str | None = None) -> str:
        """The mount's URL with the server's credentials, or `user` ("name:password")."""
        credentials = user or self.user
        if credentials is None:
            return f"rtsp://127.0.0.1:{self.port}/{mount}"
        name, _, password = credentials.partition(":")
        return f"rtsp://{quote(name, safe='')}:{quote(password, safe='')}@127.0.0.1:" \
               f"{self.port}/{mount}"

    def command(self, line: str) -> None:
        """`drop SECONDS` or `resize MOUNT WxH`; returns once the server has taken it."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        self.process.stdout.readline()

    def stop(self, wait_s: float = 5.0) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()  # --exit-with-parent: the server ends by itself
        try:
            self.process.wait(wait_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(wait_s)
