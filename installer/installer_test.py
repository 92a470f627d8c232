"""`make installer-test`: the built application and its Debian package, as IT would use them.

1. dist/rtic-console/: `--version`, `db upgrade` on a fresh SQLite file, the first
   administrator, a verified `backup`, and the console started offscreen up to its sign-in
   window (the log line of app.py's show_sign_in).
2. dist/rtic_console_*.deb: installed on this machine (root), the ingest service started on a
   free loopback port (by systemctl where systemd runs; otherwise the unit's ExecStart line
   run as its user, with the unit's environment), one OpenALPR read posted and seen in the
   database, then the package purged and its user and /var/lib folder checked gone.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNIT = Path("/lib/systemd/system/rtic-console-ingest.service")
STATE = Path("/var/lib/rtic-console")
READ = ROOT / "tests" / "fixtures" / "reads" / "openalpr_group_v3.json"
PASSWORD = "installer-test-password-1"


def step(text: str) -> None:
    print(f"installer-test: {text}", flush=True)


def run(argv: list[str], env: dict[str, str], expect: str) -> str:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    if done.returncode != 0 or expect not in done.stdout + done.stderr:
        sys.exit(f"installer-test: FAILED {shlex.join(argv)} (exit {done.returncode}):\n"
                 f"{done.stdout}{done.stderr}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_line(proc: subprocess.Popen[bytes], pattern: str, timeout: float) -> str:
    """Read the process's merged output until a line matches; fail on exit or timeout."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    os.set_blocking(fd, False)
    seen, deadline = "", time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(BlockingIOError):  # nothing new yet
            seen += os.read(fd, 65536).decode(errors="replace")
        if re.search(pattern, seen):
            return seen
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    proc.kill()
    sys.exit(f"installer-test: FAILED waiting for {pattern!r}:\n{seen}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        sys.exit("installer-test: FAILED the process did not stop on SIGTERM")


def test_folder(app: Path, tmp: Path) -> None:
    env = {**os.environ, "RTIC_SETTINGS": str(tmp / "settings.toml"), "HOME": str(tmp),
           "XDG_DATA_HOME": str(tmp / "data"), "XDG_CONFIG_HOME": str(tmp / "config"),
           "QT_QPA_PLATFORM": "offscreen", "RTIC_NEW_PASSWORD": PASSWORD}
    env.pop("RTIC_DATABASE_URL", None)
    url = f"sqlite:///{tmp / 'fresh.sqlite3'}"
    from rtic_console import __version__
    run([str(app), "--version"], env, f"rtic-console {__version__}")
    step(f"--version says {__version__}")
    run([str(app), "--database", url, "db", "upgrade"], env, "Schema upgraded empty ->")
    step("db upgrade on a fresh SQLite file")
    run([str(app), "--database", url, "user", "add", "1001", "--name", "Sgt. First",
         "--role", "alpr_admin", "--clets-trained", "2026-01-05", "--alpr-trained",
         "2026-01-05", "--division", "RTIC"], env, "first ALPR administrator")
    run([str(app), "--database", url, "backup", "--out", str(tmp / "copy.sqlite3")], env,
        "audit trail verified")
    step("first administrator added; backup written and verified")
    started = time.monotonic()
    proc = subprocess.Popen([str(app), "--verbose", "--database", url], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    wait_for_line(proc, r"sign-in window shown", 120)
    stop(proc)
    step(f"console started offscreen to its sign-in window in "
         f"{time.monotonic() - started:.1f} s and stopped on SIGTERM")
    proc = subprocess.Popen([str(app), "--verbose"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    wait_for_line(proc, r"first-run database set-up shown", 120)
    proc.kill()
    proc.wait(30)
    step("with no settings and no database, the console opens the first-run set-up")


def unit_service(port: int) -> tuple[list[str], dict[str, str], str]:
    """ExecStart, environment and user of the installed unit, as systemd would use them."""
    text = UNIT.read_text()
    env: dict[str, str] = {"PATH": "/usr/bin:/bin"}
    for value in re.findall(r"^Environment=(.*)$", text, re.M):
        key, _, val = value.partition("=")
        env[key] = val
    env_file = Path(re.search(r"^EnvironmentFile=-?(.*)$", text, re.M).group(1))
    if env_file.exists():
        for line in env_file.read_text().splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                key, _, val = line.partition("=")
                env[key.strip()] = val.strip()
    env["RTIC_LISTEN"] = f"127.0.0.1:{port}"
    exec_line = re.search(r"^ExecStart=(.*)$", text, re.M).group(1)
    argv = [re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], a) for a in shlex.split(exec_line)]
    user = re.search(r"^User=(.*)$", text, re.M).group(1)
    return argv, env, user


def start_service(port: int) -> Callable[[], None]:
    """Start the installed unit on `port`: by systemctl where systemd runs (a drop-in sets
    the port), otherwise its ExecStart line as its user. Returns how to stop it."""
    if Path("/run/systemd/system").is_dir():
        # After /etc/rtic-console/ingest.env, so its port wins.
        port_env = Path("/run/rtic-console-installer-test.env")
        port_env.write_text(f"RTIC_LISTEN=127.0.0.1:{port}\n")
        dropin = Path("/run/systemd/system/rtic-console-ingest.service.d/installer-test.conf")
        dropin.parent.mkdir(parents=True, exist_ok=True)
        dropin.write_text(f"[Service]\nEnvironmentFile={port_env}\n")
        subprocess.run(["systemctl", "daemon-reload"], check=True)
        subprocess.run(["systemctl", "restart", "rtic-console-ingest"], check=True)
        step(f"started rtic-console-ingest with systemctl on 127.0.0.1:{port}")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with socket.socket() as s, contextlib.suppress(OSError):
                s.connect(("127.0.0.1", port))
                break
            time.sleep(0.5)

        def stop_unit() -> None:
            subprocess.run(["systemctl", "stop", "rtic-console-ingest"], check=False)
            dropin.unlink(missing_ok=True)
            port_env.unlink(missing_ok=True)
            subprocess.run(["systemctl", "daemon-reload"], check=False)

        return stop_unit
    argv, env, user = unit_service(port)
    step(f"systemd is not running here: starting the unit's ExecStart as {user}: "
         f"{shlex.join(argv)}")
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    proc = subprocess.Popen([runuser, "-u", user, "--", *argv], env=env, cwd=str(STATE),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    wait_for_line(proc, r"Ingest service on", 120)
    return lambda: stop(proc)


def count_detections() -> int:
    db = STATE / "rtic.sqlite3"
    if not db.exists():
        return 0
    with sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True) as conn:
        try:
            return int(conn.execute("SELECT count(*) FROM detections").fetchone()[0])
        except sqlite3.OperationalError:  # schema not made yet
            return 0


def test_package(deb: Path) -> None:
    if os.geteuid() != 0:
        sys.exit("installer-test: installing the .deb needs root")
    subprocess.run(["dpkg", "--purge", "rtic-console"], capture_output=True, check=False)
    run(["dpkg", "-i", str(deb)], dict(os.environ), "Setting up rtic-console")
    try:
        assert Path("/opt/rtic-console/rtic-console").is_file()
        assert Path("/usr/share/applications/rtic-console.desktop").is_file()
        guide = Path("/opt/rtic-console/USER_GUIDE.md")
        pictures = re.findall(r"\]\((docs/screenshots/[^)]+\.png)\)", guide.read_text())
        missing = [p for p in pictures if not (guide.parent / p).is_file()]
        assert pictures and not missing, f"the installed guide's pictures missing: {missing}"
        run(["getent", "passwd", "rtic-ingest"], dict(os.environ), "rtic-ingest")
        assert STATE.stat().st_mode & 0o777 == 0o700
        step(f"{deb.name} installed: /opt/rtic-console, menu entry, user rtic-ingest, "
             f"{STATE} (0700)")
        if shutil.which("systemd-analyze"):
            run(["systemd-analyze", "verify", str(UNIT)], dict(os.environ), "")
            step(f"systemd-analyze verify {UNIT.name}: no complaint")
        port = free_port()
        stop_service = start_service(port)
        try:
            body = READ.read_bytes()
            req = urllib.request.Request(f"http://127.0.0.1:{port}/alpr", data=body,
                                         headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=30) as resp:
                step(f"POST /alpr answered {resp.status} {resp.read(200).decode()!r}")
            deadline = time.monotonic() + 60
            while count_detections() < 1 and time.monotonic() < deadline:
                time.sleep(0.5)
            stored = count_detections()
            if stored < 1:
                sys.exit("installer-test: FAILED the read was not stored in "
                         f"{STATE}/rtic.sqlite3")
            plate = json.loads(body)["best_plate_number"]
            step(f"read {plate} stored ({stored} detection) in {STATE}/rtic.sqlite3")
        finally:
            stop_service()
    finally:
        run(["dpkg", "--purge", "rtic-console"], dict(os.environ), "")
    gone = subprocess.run(["getent", "passwd", "rtic-ingest"], capture_output=True,
                          check=False).returncode != 0
    if not gone or STATE.exists() or Path("/opt/rtic-console").exists():
        sys.exit("installer-test: FAILED purge left the user, /var/lib or /opt behind")
    step("package purged: user rtic-ingest, /var/lib/rtic-console and /opt/rtic-console gone")


def main() -> None:
    dist = Path(sys.argv[1] if len(sys.argv) > 1 else "dist").resolve()
    app = dist / "rtic-console" / "rtic-console"
    debs = sorted(dist.glob("rtic-console_*.deb"))
    if not app.exists() or not debs:
        sys.exit(f"installer-test: run `make installer` first (no {app} or .deb in {dist})")
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        test_folder(app, Path(tmp))
    test_package(debs[-1])
    step(f"passed in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
