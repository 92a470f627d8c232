"""Child servers (the camera simulator, the RTSP camera server) that hang or fail say so
within a time limit, with the end of their stderr, and are not left running."""

from __future__ import annotations

import sys
import time

import pytest

from rtic_console.feeds.child_server import STDERR_TAIL_LINES, ChildServer, ChildServerError
from rtic_console.feeds.rtsp_server_process import RtspServerProcess, encoders


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_a_server_that_never_says_where_it_listens_is_stopped_in_time() -> None:
    started = time.monotonic()
    with pytest.raises(ChildServerError) as caught:
        ChildServer("stuck", python("import sys, time\n"
                                    "print('loading the encoders', file=sys.stderr, flush=True)\n"
                                    "time.sleep(60)"), start_timeout_s=1.0)
    message = str(caught.value)
    assert "stuck did not start within 1 s" in message
    assert message.endswith("its stderr ends:\nloading the encoders")
    assert time.monotonic() - started < 15, "the timeout, then at most a terminate"


def test_a_server_that_fails_says_why_with_the_end_of_its_stderr() -> None:
    code = ("import sys\n"
            "for i in range(100): print(f'warning {i}', file=sys.stderr)\n"
            "sys.exit('no encoder for h265')")
    with pytest.raises(ChildServerError) as caught:
        ChildServer("failing", python(code), start_timeout_s=10.0)
    message = str(caught.value)
    assert "failing ended (exit code 1) before it could start" in message
    assert message.endswith("warning 99\nno encoder for h265")
    tail = message.split("its stderr ends:\n", 1)[1].splitlines()
    assert len(tail) == STDERR_TAIL_LINES and "warning 80" not in tail, "only the last lines"


def test_a_server_that_says_something_else_first_is_refused() -> None:
    with pytest.raises(ChildServerError, match=r"other did not start: it said 'hello'; "
                                               r"it wrote nothing on stderr"):
        ChildServer("other", python("import sys; print('hello', flush=True); sys.stdin.read()"),
                    start_timeout_s=10)


def test_a_command_not_answered_in_time_leaves_the_server_running() -> None:
    code = ("import sys\nprint('listening on test:1', flush=True)\n"
            "for line in sys.stdin:\n"
            "    if line.startswith('slow'):\n"
            "        import time; time.sleep(1.5)\n"
            "    print('ok ' + line.split()[0], flush=True)")
    child = ChildServer("echo", python(code))
    try:
        assert child.address == "test:1"
        with pytest.raises(ChildServerError, match=r"echo did not answer 'slow' within 0\.5 s"):
            child.ask("slow", timeout_s=0.5)
        time.sleep(1.5)  # its late answer arrives, and is not taken for the next one
        assert child.ask("fast") == "ok fast"
        assert child.process.poll() is None
    finally:
        child.stop()
    assert child.process.returncode == 0, "it ended by itself when its stdin closed"
    with pytest.raises(ChildServerError, match="echo has ended"):
        child.ask("fast")


@pytest.mark.skipif("h264" not in encoders(), reason="GStreamer's RTSP server is not installed")
def test_the_rtsp_server_refusing_its_arguments_says_what_it_said() -> None:
    with pytest.raises(ChildServerError) as caught:
        RtspServerProcess.start(["not a stream"])
    message = str(caught.value)
    assert "rtsp-camera-server ended (exit code 2)" in message
    assert "not MOUNT=CODEC:WxH@FPS: 'not a stream'" in message
