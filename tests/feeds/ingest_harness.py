"""Running the ingest service on its own event loop thread, and talking to it over loopback."""

from __future__ import annotations

import asyncio
import http.client
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rtic_console.feeds.spool_drain import LANE_THREADS
from rtic_console.feeds.webhook_server import IngestConfig, IngestService
from rtic_console.store.database import Database

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reads"
SERVICE_THREADS = frozenset({*LANE_THREADS, "SpoolAppendWorker", "PgListener",
                             "SqliteChangePoller", "DrainSupervisor", "DrainStdoutReader",
                             "DrainLogReader", "ReceiptIndexKeeper"})
MULTIPART = "multipart/form-data; boundary=rticBoundary7MA4YWxkTrZu0gW"


def fixture_content_type(name: str) -> str:
    if name.endswith(".bin"):
        return MULTIPART
    return "text/csv" if name.endswith(".csv") else "application/json"


class ServiceThread:
    """The service on an asyncio loop of its own, as it runs inside the console's loop."""

    def __init__(self, db: Database, spool_path: Path, **config: Any) -> None:
        listen = config.pop("listen", True)
        listener = config.pop("listener", None)
        self.service = IngestService(db, IngestConfig(port=0, spool_path=spool_path, **config),
                                     listen=listen, listener=listener)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="IngestLoopWorker")

    def __enter__(self) -> ServiceThread:
        self._thread.start()
        try:
            self._run(self.service.start())
        except BaseException:
            self._end_loop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._run(self.service.stop())
        finally:
            self._end_loop()
        # The service's workers are daemon threads, which the conftest check lets pass.
        left = [t.name for t in threading.enumerate() if t.name in SERVICE_THREADS]
        assert not left, f"ingest service left threads running: {left}"

    def _run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(30)

    def _end_loop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()

    @property
    def port(self) -> int:
        return int(self.service.url.rsplit(":", 1)[1])

    def request(self, method: str, path: str, body: Any = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=headers or {},
                         encode_chunked=body is not None and not isinstance(body, bytes))
            response = conn.getresponse()
            return response.status, json.loads(response.read() or b"{}")
        finally:
            conn.close()

    def post(self, path: str, body: Any, content_type: str = "application/json",
             **headers: str) -> tuple[int, dict[str, Any]]:
        return self.request("POST", path, body, {"Content-Type": content_type, **headers})

    def post_fixture(self, name: str, path: str = "/alpr") -> tuple[int, dict[str, Any]]:
        return self.post(path, (FIXTURES / name).read_bytes(), fixture_content_type(name))

    def health(self) -> dict[str, Any]:
        return self.request("GET", "/health")[1]

    def wait_drained(self, timeout: float = 10.0) -> dict[str, Any]:
        return wait_for(lambda: (h := self.health())["spool"]["depth"] == 0
                        and h["database"]["last_commit_at"] is not None and h, timeout)


def wait_for(condition: Callable[[], Any], timeout: float, step: float = 0.02) -> Any:
    """The first truthy value of condition(), or AssertionError after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(step)
