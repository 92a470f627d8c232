"""A database outage mid-stream: the webhook keeps answering, and every read lands exactly once."""

from __future__ import annotations

import asyncio
import json
import selectors
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from rtic_console.config import Settings
from rtic_console.feeds.alpr_simulator import AlprSimulator, SimDevice, SimulatorConfig
from rtic_console.services.auth import sign_in
from rtic_console.services.hotlists import HotPlateInput, add_hot_plate
from rtic_console.services.roster import PersonInput, create_first_admin
from rtic_console.services.runner import perform
from rtic_console.store.database import Database, open_database
from rtic_console.store.migrations import upgrade
from rtic_console.store.models import Detection, Hit, HitSighting
from rtic_console.store.pg_listener import PgListener
from tests.feeds.ingest_harness import FIXTURES, ServiceThread, wait_for
from tests.support import PASSWORD, trained

HOT = ("7KQX214", "5RTB880", "8GHN303", "6WLS512", "4BNM125")


class TcpProxyWorker(threading.Thread):
    """Loopback TCP relay to the database that the test can cut (refuse and reset) and restore."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        super().__init__(name="TcpProxyWorker")
        self._upstream = upstream
        self._selector = selectors.DefaultSelector()
        self._listener: socket.socket | None = None
        self._peers: dict[socket.socket, socket.socket] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._frozen: list[socket.socket] = []
        self.port = 0
        self._listen()

    def _listen(self) -> None:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        sock.listen(64)
        sock.setblocking(False)
        self.port = sock.getsockname()[1]
        self._listener = sock
        self._selector.register(sock, selectors.EVENT_READ)

    def cut(self) -> None:
        """The database becomes unreachable: new connections refused, open ones dropped."""
        with self._lock:
            if self._listener is not None:
                self._selector.unregister(self._listener)
                self._listener.close()
                self._listener = None
            for sock in list(self._peers):
                self._drop(sock)

    def restore(self) -> None:
        with self._lock:
            self._listen()

    def freeze(self) -> None:
        """The database hangs: connections stay open and nothing they send is answered."""
        with self._lock:
            for sock in self._peers:
                self._selector.unregister(sock)
            self._frozen = list(self._peers)

    def thaw(self) -> None:
        with self._lock:
            for sock in self._frozen:
                if sock.fileno() != -1:
                    self._selector.register(sock, selectors.EVENT_READ)
            self._frozen = []

    def stop(self) -> None:
        self._stopping.set()
        self.join(5)
        self.cut()
        self._selector.close()

    def _drop(self, sock: socket.socket) -> None:
        other = self._peers.pop(sock, None)
        for s in (sock, other):
            if s is not None and s.fileno() != -1:
                if s not in self._frozen:
                    self._selector.unregister(s)
                s.close()
        if other is not None:
            self._peers.pop(other, None)

    def run(self) -> None:
        while not self._stopping.is_set():
            with self._lock:
                events = self._selector.select(0.05) if self._selector.get_map() else []
                for key, _ in events:
                    self._service(key.fileobj)  # type: ignore[arg-type]
            if not events:
                self._stopping.wait(0.01)

    def _service(self, sock: socket.socket) -> None:
        if sock is self._listener:
            client, _ = sock.accept()
            try:
                server = socket.create_connection(self._upstream, timeout=3)
            except OSError:
                client.close()
                return
            for s in (client, server):
                s.setblocking(False)
                self._selector.register(s, selectors.EVENT_READ)
            self._peers[client], self._peers[server] = server, client
            return
        if sock not in self._peers:
            return
        try:
            data = sock.recv(65536)
            if data:
                self._peers[sock].setblocking(True)
                self._peers[sock].sendall(data)
                self._peers[sock].setblocking(False)
                return
        except OSError:
            pass
        self._drop(sock)


@pytest.fixture
def proxy(pg_url: str) -> Iterator[TcpProxyWorker]:
    url = make_url(pg_url)
    worker = TcpProxyWorker((url.host or "127.0.0.1", url.port or 5432))
    worker.start()
    yield worker
    worker.stop()


def databases(pg_url: str, proxy: TcpProxyWorker) -> tuple[Database, Database]:
    """The database with its hot plates (reached directly), and the same through the proxy."""
    direct = open_database(pg_url, interactive=False)
    upgrade(direct)
    settings = Settings(database_url=pg_url, workstation="E2E-WS")
    create_first_admin(direct, settings, PersonInput(
        "1001", "Sgt. E2E", ("alpr_admin",), "RTIC", trained(), trained()), PASSWORD)
    admin = sign_in(direct, settings, "1001", PASSWORD)
    for number, plate in enumerate(HOT):
        perform(direct, admin, add_hot_plate, HotPlateInput(
            plate, "CA", "stolen_vehicle", f"24-00{number}", None, "SVS", f"V00000{number}"))
    url = make_url(pg_url).set(port=proxy.port).render_as_string(hide_password=False)
    return direct, open_database(url, interactive=False)


@pytest.mark.postgres
@pytest.mark.parametrize("drain_in_child", [False, True], ids=["one-process", "drain-process"])
def test_outage_mid_stream_loses_nothing_and_stores_nothing_twice(
        pg_url: str, proxy: TcpProxyWorker, tmp_path: Path, drain_in_child: bool) -> None:
    direct, via_proxy = databases(pg_url, proxy)
    config = SimulatorConfig(url="", devices=(SimDevice("ALPR-FX-01", 38.577, -121.485),
                                              SimDevice("ALPR-MB-1121", 38.58, -121.49, True)),
                             rate=120, count=360, hot_plates=HOT, hot_share=0.1, seed=7)
    try:
        with ServiceThread(via_proxy, tmp_path / "spool.sqlite3",
                           drain_in_child=drain_in_child) as server:
            wait_for(lambda: server.health()["index"]["loaded"], 10)
            assert server.health()["index"]["entries"] == len(HOT)
            sim = AlprSimulator(replace(config, url=server.service.url + "/alpr"))

            async def scenario() -> tuple[object, dict]:
                run = asyncio.create_task(sim.run())
                await asyncio.sleep(0.8)
                proxy.cut()
                await asyncio.sleep(1.5)
                during = server.health()
                proxy.restore()
                return await run, during

            report, during = asyncio.run(scenario())
            assert not during["database"]["ok"] and during["spool"]["depth"] > 0
            health = wait_for(lambda: (h := server.health())["spool"]["depth"] == 0
                              and h["database"]["ok"] and h, 30)
        sent = report.sent  # type: ignore[attr-defined]
        assert Counter(r.status for r in sent) == {202: 360}
        with direct.read() as session:
            stored = session.execute(select(Detection.source_id, Detection.id)).all()
            hits = session.execute(select(Hit.detection_id, Hit.listed_plate)).all()
            seen_again = session.execute(
                select(HitSighting.detection_id, Hit.listed_plate)
                .join(Hit, Hit.id == HitSighting.hit_id)).all()
        by_uuid = dict(stored)
        assert len(stored) == 360 and set(by_uuid) == {r.source_id for r in sent}
        expected = {(by_uuid[r.source_id], r.hot) for r in sent if r.hot}
        assert len(expected) >= 20
        # Each expected match once, as a hit or as a sighting of its car's open hit; no other.
        assert sorted(hits + seen_again) == sorted(expected)
        assert health["counts"]["hits"] == len(hits)
    finally:
        via_proxy.dispose()
        direct.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("drain_in_child", [False, True], ids=["one-process", "drain-process"])
def test_started_while_the_database_is_down_it_spools_then_catches_up(
        pg_url: str, proxy: TcpProxyWorker, tmp_path: Path, drain_in_child: bool) -> None:
    direct, via_proxy = databases(pg_url, proxy)
    group = json.loads((FIXTURES / "openalpr_group_v3.json").read_bytes())
    group["best_plate_number"] = HOT[0]
    proxy.cut()
    try:
        with ServiceThread(via_proxy, tmp_path / "spool.sqlite3",
                           drain_in_child=drain_in_child) as server:
            assert server.post("/alpr", json.dumps(group).encode())[0] == 202
            health = wait_for(lambda: (h := server.health())["status"] == "degraded" and h, 10)
            assert not health["index"]["loaded"] and health["spool"]["depth"] == 1
            proxy.restore()
            wait_for(lambda: server.health()["counts"]["hits"] == 1, 30)
        with direct.read() as session:
            assert session.scalars(select(Hit.listed_plate)).all() == [HOT[0]]
    finally:
        via_proxy.dispose()
        direct.dispose()


def _hot_read(plate: str, number: int) -> bytes:
    group = json.loads((FIXTURES / "openalpr_group_v3.json").read_bytes())
    group["best_plate_number"] = plate
    group["best_uuid"] = group["uuid"] = f"outage-{plate}-{number}"
    group["candidates"] = []
    return json.dumps(group).encode()


@pytest.mark.postgres
@pytest.mark.policy("E.2")
def test_a_plate_entered_during_an_outage_hits_every_read_of_it(
        pg_url: str, proxy: TcpProxyWorker, tmp_path: Path) -> None:
    """The ingest service's connection (its listener's too) is cut for 12 s; meanwhile a
    console enters a hot plate and a reader posts reads of it. Every read is matched once
    (one car: a hit, and its other reads that hit's sightings), though the drain's connection
    comes back before the listener's does."""
    direct, via_proxy = databases(pg_url, proxy)
    admin = sign_in(direct, Settings(database_url=pg_url, workstation="E2E-WS"), "1001",
                    PASSWORD)
    try:
        with ServiceThread(via_proxy, tmp_path / "spool.sqlite3") as server:
            wait_for(lambda: server.health()["status"] == "ok", 15)
            proxy.cut()
            wait_for(lambda: not server.health()["listener"]["connected"], 15)
            perform(direct, admin, add_hot_plate, HotPlateInput(
                "3OUT777", "CA", "stolen_vehicle", "24-0777", None, "SVS", "V0000777"))
            for number in range(5):
                assert server.post("/alpr", _hot_read("3OUT777", number))[0] == 202
            time.sleep(12)  # long enough for the listener's reconnect backoff to pass 5 s
            proxy.restore()
            wait_for(lambda: server.health()["spool"]["depth"] == 0, 30)
            wait_for(lambda: server.health()["status"] == "ok", 15)
        with direct.read() as session:
            hits = session.execute(select(Hit.detection_id, Hit.listed_plate)).all()
            seen_again = session.execute(
                select(HitSighting.detection_id, Hit.listed_plate)
                .join(Hit, Hit.id == HitSighting.hit_id)).all()
        assert len(hits) == 1 and len(seen_again) == 4
        assert {p for _, p in hits + seen_again} == {"3OUT777"}
    finally:
        via_proxy.dispose()
        direct.dispose()


@pytest.mark.postgres
def test_reads_stored_while_the_index_missed_a_change_are_matched_again(
        pg_url: str, proxy: TcpProxyWorker, tmp_path: Path) -> None:
    """Only the listener's connection drops (the drain's stays): reads stored before the
    listener noticed are matched again after it reloads the index, without doubling hits."""
    direct, via_proxy = databases(pg_url, proxy)
    admin = sign_in(direct, Settings(database_url=pg_url, workstation="E2E-WS"), "1001",
                    PASSWORD)
    try:
        # The service hears through the proxy, and checks its connection only rarely.
        listener = PgListener(via_proxy, direct.bus, check_s=60)
        listener.start()
        with ServiceThread(direct, tmp_path / "spool.sqlite3", listener=listener) as server:
            try:
                wait_for(lambda: server.health()["status"] == "ok", 15)
                proxy.freeze()  # the listener hears nothing more, and does not know it yet
                perform(direct, admin, add_hot_plate, HotPlateInput(
                    "4LATE88", "CA", "stolen_vehicle", "24-0888", None, "SVS", "V0000888"))
                assert server.post("/alpr", _hot_read("4LATE88", 1))[0] == 202
                wait_for(lambda: server.health()["spool"]["depth"] == 0, 10)
                assert server.health()["counts"]["hits"] == 0  # matched with a stale index
                proxy.thaw()
                proxy.cut()
                proxy.restore()
                wait_for(lambda: server.health()["counts"]["hits"] == 1, 30)
                assert server.post("/alpr", _hot_read("4LATE88", 1))[0] == 202  # a replay
                wait_for(lambda: server.health()["spool"]["depth"] == 0, 10)
            finally:
                listener.stop()
        with direct.read() as session:
            assert session.scalars(select(Hit.listed_plate)).all() == ["4LATE88"]
    finally:
        via_proxy.dispose()
        direct.dispose()


@pytest.mark.postgres
def test_health_is_degraded_while_the_database_hangs(
        pg_url: str, proxy: TcpProxyWorker, tmp_path: Path) -> None:
    direct, via_proxy = databases(pg_url, proxy)
    try:
        with ServiceThread(via_proxy, tmp_path / "spool.sqlite3", contact_stale_s=2.0,
                           wait_stale_s=2.0) as server:
            wait_for(lambda: server.health()["status"] == "ok", 15)
            proxy.freeze()
            try:
                for number in range(20):
                    assert server.post("/alpr", _hot_read("5FRZ000", number))[0] == 202
                health = wait_for(lambda: (h := server.health())["status"] == "degraded"
                                  and any("waited" in p for p in h["problems"]) and h, 20)
                assert health["spool"]["depth"] == 20 and not health["database"]["ok"]
            finally:
                proxy.thaw()
                proxy.cut()
                proxy.restore()
            wait_for(lambda: server.health()["status"] == "ok", 60)
            assert server.health()["counts"]["stored"] == 20
    finally:
        via_proxy.dispose()
        direct.dispose()


@pytest.mark.postgres
def test_serve_starts_while_the_database_is_down_and_catches_up(
        pg_url: str, proxy: TcpProxyWorker, tmp_path: Path) -> None:
    """`rtic-console serve` started with its database unreachable takes reads at once, says
    so in /health, and stores them with their hits when the database returns."""
    direct, via_proxy = databases(pg_url, proxy)
    url = via_proxy.url.render_as_string(hide_password=False)
    proxy.cut()
    process = subprocess.Popen(
        [sys.executable, "-m", "rtic_console", "--database", url, "serve", "--listen",
         "127.0.0.1:0", "--spool", str(tmp_path / "spool.sqlite3")],
        cwd=Path(__file__).resolve().parents[2], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("Ingest service on "), line
        base = line.split()[3].removesuffix("/alpr,")

        def get(path: str, body: bytes | None = None) -> tuple[int, dict]:  # type: ignore[type-arg]
            request = urllib.request.Request(
                base + path, data=body, headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=5) as reply:
                    return reply.status, json.loads(reply.read())
            except urllib.error.HTTPError as error:
                return error.code, json.loads(error.read())

        assert get("/alpr", _hot_read(HOT[0], 1))[0] == 202
        health = get("/health")[1]
        assert health["status"] != "ok" and health["spool"]["depth"] == 1
        assert not health["database"]["reachable"] and health["problems"]
        proxy.restore()
        wait_for(lambda: (h := get("/health")[1])["status"] == "ok"
                 and h["spool"]["depth"] == 0, 60)
        with direct.read() as session:
            assert session.scalars(select(Hit.listed_plate)).all() == [HOT[0]]
    finally:
        process.terminate()
        process.wait(20)
        via_proxy.dispose()
        direct.dispose()
