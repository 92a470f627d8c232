"""Servers that the demo, the tests and the benchmarks run as child processes (the camera
simulator, the RTSP camera server): started until they say where they listen, within a time
limit; a stuck or failing one reported with the end of its stderr; ended for sure.

Each prints `listening on ADDRESS` as its first line, answers a command on stdin with one
line on stdout, and ends when its stdin closes (`--exit-with-parent`), so none outlives its
parent, however the parent ends.
"""

from __future__ import annotations

import contextlib
import queue
import subprocess
import threading
from collections import deque
from collections.abc import Sequence
from typing import NoReturn

START_TIMEOUT_S = 20.0
ANSWER_TIMEOUT_S = 5.0
STOP_WAIT_S = 5.0
STDERR_TAIL_LINES = 20


class ChildServerError(RuntimeError):
    """The child did not start or did not answer; the message ends with its last stderr."""


class ChildServer:
    """One child process and the two threads that read its stdout and stderr to their end
    (so it never blocks on a full pipe); stderr's last lines are kept for error messages."""

    def __init__(self, name: str, command: Sequence[str],
                 start_timeout_s: float = START_TIMEOUT_S) -> None:
        self.name = name
        self.process = subprocess.Popen(list(command), stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, bufsize=1)
        self._lines: queue.Queue[str | None] = queue.Queue()  # None: stdout ended
        self._stderr: deque[str] = deque(maxlen=STDERR_TAIL_LINES)
        self._asking = threading.Lock()  # one command and its answer at a time
        assert self.process.stdout is not None and self.process.stderr is not None
        self._readers = [
            threading.Thread(target=self._read_stdout, name=f"rtic-{name}-stdout", daemon=True),
            threading.Thread(target=self._read_stderr, name=f"rtic-{name}-stderr", daemon=True)]
        for reader in self._readers:
            reader.start()
        first = self._next_line(start_timeout_s, "start")
        if not first.startswith("listening on "):
            self._fail(f"{name} did not start: it said {first!r}")
        self.address = first.removeprefix("listening on ")

    def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        with contextlib.suppress(OSError, ValueError):  # closed under us
            for line in self.process.stdout:
                self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        with contextlib.suppress(OSError, ValueError):
            for line in self.process.stderr:
                self._stderr.append(line.rstrip("\n"))

    def _next_line(self, timeout_s: float, doing: str, *, stop_if_late: bool = True) -> str:
        try:
            line = self._lines.get(timeout=timeout_s)
        except queue.Empty:
            self._fail(f"{self.name} did not {doing} within {timeout_s:g} s", stop=stop_if_late)
        if line is None:
            self._lines.put(None)  # stays ended for any later reader
            self.stop()
            self._fail(f"{self.name} ended (exit code {self.process.returncode}) before it "
                       f"could {doing}")
        return line

    def _fail(self, what: str, *, stop: bool = True) -> NoReturn:
        """Stops the child (unless told not to), then raises with its last stderr lines."""
        if stop:
            self.stop()
        tail = "\n".join(self._stderr)
        raise ChildServerError(f"{what}; its stderr ends:\n{tail}" if tail else
                               f"{what}; it wrote nothing on stderr")

    def ask(self, line: str, timeout_s: float = ANSWER_TIMEOUT_S) -> str:
        """Sends one command line and returns the child's one-line answer. A child that
        answers late is left running: the error says so, and its late answer is dropped."""
        assert self.process.stdin is not None
        with self._asking:
            self._drop_unread_lines()
            try:
                self.process.stdin.write(line + "\n")
                self.process.stdin.flush()
            except (BrokenPipeError, ValueError):
                self._fail(f"{self.name} has ended: it cannot take {line.split()[0]!r}")
            return self._next_line(timeout_s, f"answer {line.split()[0]!r}", stop_if_late=False)

    def _drop_unread_lines(self) -> None:
        """What nobody asked for (a late answer, or lines the child prints after its first)."""
        with contextlib.suppress(queue.Empty):
            while self._lines.get_nowait() is not None:
                pass
            self._lines.put(None)  # stdout has ended: it stays ended

    def stop(self, wait_s: float = STOP_WAIT_S) -> None:
        """Closes its stdin (it ends by itself), then terminates and kills it if it lingers.
        Stopping a stopped child does nothing."""
        if self.process.stdin is not None:
            with contextlib.suppress(OSError, ValueError):
                self.process.stdin.close()
        try:
            self.process.wait(wait_s)
        except subprocess.TimeoutExpired:
            self.process.terminate()
            try:
                self.process.wait(wait_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(wait_s)
        for reader in self._readers:
            reader.join(wait_s)
