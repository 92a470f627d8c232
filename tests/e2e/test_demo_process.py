"""`rtic-console demo` as a process: asked to stop it stops everything and leaves nothing; killed,
it leaves no simulator running and its folder is cleared by the next demo."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rtic_console.demo_runtime import FOLDER_PREFIX, demo_folder
from rtic_console.feeds.rtsp_server_process import encoders
from tests.feeds.ingest_harness import wait_for

PROJECT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(os.name != "posix", reason="signals and /proc are POSIX")


def children(pid: int) -> set[int]:
    found = set()
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines()
                          if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid):
            found.add(int(status.parent.name))
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/status").exists() and \
        "zombie" not in Path(f"/proc/{pid}/status").read_text()


def signed_in(database: Path) -> bool:
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1) as conn:
            return bool(conn.execute("SELECT count(*) FROM audit_events "
                                     "WHERE action = 'auth.sign_in'").fetchone()[0])
    except sqlite3.Error:
        return False


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    """The demo running offscreen with its temporary files under tmp_path, signed in."""
    env = {**os.environ, "TMPDIR": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    process = subprocess.Popen([sys.executable, "-m", "rtic_console", "demo"], cwd=PROJECT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("Demo database: sqlite:///"), line
        database = Path(line.split("sqlite:///", 1)[1].split()[0])
        wait_for(lambda: signed_in(database), 90, step=0.5)
        yield process, database.parent
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def onvif_port(database: Path) -> int:
    """The port of the demo's PTZ camera (its ONVIF responder), from the camera's address."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1) as conn:
        address = conn.execute("SELECT address FROM camera_onvif").fetchone()[0]
    return int(address.rsplit(":", 1)[1].split("/", 1)[0])


def answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        return False
    return True


def test_asked_to_stop_the_demo_stops_all_it_started_and_removes_its_files(
        demo: tuple[subprocess.Popen[str], Path]) -> None:
    process, folder = demo
    started = children(process.pid)
    assert started, "the camera simulator runs as a child process"
    if encoders():
        assert any("rtsp_camera_server" in command_line(pid) for pid in started), \
            "the RTSP camera server runs as a child process"
    assert folder.is_dir() and folder.name.startswith(FOLDER_PREFIX)
    ptz_port = onvif_port(folder / "demo.db")
    assert answers(ptz_port), "the demo's PTZ camera answers ONVIF on loopback"
    process.send_signal(signal.SIGTERM)
    assert process.wait(60) == 0
    assert not answers(ptz_port), "the PTZ camera's responder ends with the demo"
    wait_for(lambda: not any(alive(pid) for pid in started), 10)
    assert not folder.exists(), "the demo's database, spool and recordings are removed"
    assert not list(folder.parent.glob(f"{FOLDER_PREFIX}*"))


def test_a_killed_demo_leaves_no_simulator_and_the_next_demo_clears_its_folder(
        demo: tuple[subprocess.Popen[str], Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    process, folder = demo
    started = children(process.pid)
    process.kill()
    process.wait(10)
    wait_for(lambda: not any(alive(pid) for pid in started), 15)
    assert folder.exists()  # nothing could clean up after a kill
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    mine = demo_folder()
    try:
        assert not folder.exists(), "a dead demo's folder is cleared by the next one"
        assert mine.exists() and (mine / "owner.pid").read_text() == str(os.getpid())
    finally:
        shutil.rmtree(mine)
