"""The ALPR webhook receiver, and the ingest service: index, listener, spool, drain, server."""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import hdrs, web

from rtic_console.domain.reads import ReadLimits
from rtic_console.feeds.drain_process import DrainChildConfig, DrainProcess
from rtic_console.feeds.read_formats import FORMATS, ParseResult, PayloadError, parse_payload
from rtic_console.feeds.receipt_index import ReceiptIndexKeeper
from rtic_console.feeds.spool import (
    DEFAULT_MAX_BODY,
    DEFAULT_MAX_BYTES,
    DrainCounts,
    Removal,
    Spool,
    SpoolAppendWorker,
    SpoolEntry,
    SpoolFull,
    default_spool_path,
)
from rtic_console.feeds.spool_drain import DrainReport, DrainStatus, SpoolDrainWorker
from rtic_console.services.hit_grouping import GROUP_WINDOW
from rtic_console.services.matching import MatchingEngine
from rtic_console.store.change_listeners import ChangeListener, change_listener
from rtic_console.store.database import Database

# Other services of the same process, each as its /health section and its problems.
HealthParts = Callable[[], dict[str, tuple[dict[str, Any], list[str]]]]

logger = logging.getLogger(__name__)

DEFAULT_PORT = 8765
TOKEN_HEADER = "X-RTIC-Token"
# Bigger bodies (images) are parsed off the event loop so the console never stutters.
_INLINE_PARSE_BYTES = 64 * 1024


@dataclass(frozen=True)
class IngestConfig:
    """How the ingest service listens and spools; loopback and no token by default."""

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    spool_path: Path = field(default_factory=default_spool_path)
    spool_max_bytes: int = DEFAULT_MAX_BYTES
    max_body_bytes: int = DEFAULT_MAX_BODY
    token: str | None = None
    batch_size: int = 200
    limits: ReadLimits | None = None
    # Health turns degraded when the database has not answered the drain for this long (it
    # pings every 5 s when idle), or when the oldest spooled read has waited this long.
    contact_stale_s: float = 15.0
    wait_stale_s: float = 10.0
    # Reads of one entry's vehicle this close to an open hit's are its sightings.
    group_window: timedelta = GROUP_WINDOW
    # The drain's lanes in a process of their own (`drain_process`), away from the web
    # server's share of the GIL: the service's own setting (`serve`). In one process for
    # the demo's console, whose SQLite file has one writer anyway.
    drain_in_child: bool = False


def _reply(code: int, /, **body: Any) -> web.Response:
    return web.json_response(body, status=code)


class _Receiver:
    """Validates on receipt so a sender learns at once; spools before answering 2xx."""

    def __init__(self, config: IngestConfig, appender: SpoolAppendWorker,
                 health: Callable[[], dict[str, Any]],
                 hot: Callable[[ParseResult, datetime], bool]) -> None:
        self._config = config
        self._appender = appender
        self._health = health
        self._hot = hot

    async def post_auto(self, request: web.Request) -> web.Response:
        return await self._receive(request, "auto")

    async def post_format(self, request: web.Request) -> web.Response:
        fmt = request.match_info["fmt"]
        if fmt not in FORMATS:
            return _reply(404, error=f"unknown read format; use one of {', '.join(FORMATS)}")
        return await self._receive(request, fmt)

    async def get_health(self, request: web.Request) -> web.Response:
        health = self._health()
        return web.json_response(health, status=503 if health["status"] == "full" else 200)

    def _authorized(self, request: web.Request) -> bool:
        if not self._config.token:
            return True
        given = request.headers.get(TOKEN_HEADER, "")
        return hmac.compare_digest(given.encode(), self._config.token.encode())

    async def _receive(self, request: web.Request, fmt: str) -> web.Response:
        if not self._authorized(request):
            return _reply(401, error=f"missing or wrong {TOKEN_HEADER} header")
        cap = self._config.max_body_bytes
        try:
            if request.content_length is not None and request.content_length > cap:
                raise web.HTTPRequestEntityTooLarge(cap, request.content_length)
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return _reply(413, error=f"body exceeds the {cap}-byte limit")
        content_type = request.headers.get(hdrs.CONTENT_TYPE)
        hint = request.query.get("topic") or request.path
        received = datetime.now(UTC)
        def judged() -> tuple[ParseResult, bool]:  # a large body off the event loop, whole
            parsed = parse_payload(body, content_type, fmt, received, path_hint=hint,
                                   limits=self._config.limits)
            return parsed, self._hot(parsed, received)

        try:
            if len(body) <= _INLINE_PARSE_BYTES:
                result, hot = judged()
            else:
                result, hot = await asyncio.get_running_loop().run_in_executor(None, judged)
        except PayloadError as exc:
            # Quarantined through the spool too, so a refusal survives a database outage.
            refused = SpoolEntry(body, content_type, fmt, hint, f"webhook:{fmt}", received,
                                 refusal=exc.reason)
            return await self._spool(refused) or _reply(400, error=exc.reason)
        if not (result.reads or result.heartbeats or result.rejected):
            return _reply(200, status="ignored", **_counts(result))
        entry = SpoolEntry(body, content_type, fmt, hint, f"webhook:{result.fmt}", received,
                           hot=hot, parsed=result)
        return await self._spool(entry) or _reply(202, status="spooled", **_counts(result))

    async def _spool(self, entry: SpoolEntry) -> web.Response | None:
        """None once the entry is on disk; the 503 to send when the spool is full."""
        try:
            await self._appender.append(entry)
        except SpoolFull:
            logger.warning("spool full: refusing a %s payload with 503", entry.fmt)
            reason = "ingest spool is full; retry later"
        except Exception:  # the spool's disk failed (logged by the appender): sender keeps it
            reason = "ingest spool unavailable; retry later"
        else:
            return None
        return web.json_response({"error": reason}, status=503, headers={"Retry-After": "30"})


def _counts(result: ParseResult) -> dict[str, Any]:
    return {"format": result.fmt, "reads": len(result.reads),
            "heartbeats": len(result.heartbeats), "rejected": len(result.rejected),
            "ignored": result.ignored[:20]}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


class IngestService:
    """Hot list index, change listener, spool, drain and web server, started in order.

    `start()` and `stop()` are coroutines: they run inside the console's qasync loop or
    under the headless services. Database work happens on worker threads, never on the
    loop, so `start()` needs no database: reads are spooled at once, and the index is
    loaded (and the spool drained) as soon as the database answers. A process hears other
    processes' changes through one listener per database: pass the process's `listener`,
    or the service starts its own; `listen=False` means this process's bus is enough.
    `health_parts` adds other services' sections to /health, and their problems to its
    status (a recorder stopped by a full disk makes the service degraded). With
    `drain_in_child` the drain worker runs in a process of its own (`drain_process`), and
    this process's index only marks hot payloads on receipt (`receipt_index`).
    """

    def __init__(self, db: Database, config: IngestConfig | None = None, *,
                 engine: MatchingEngine | None = None, listen: bool = True,
                 listener: ChangeListener | None = None,
                 health_parts: HealthParts | None = None) -> None:
        self.db = db
        self._health_parts = health_parts
        self.config = config or IngestConfig()
        self.engine = engine or MatchingEngine(group_window=self.config.group_window)
        self._listen = listen and listener is None
        self._shared_listener = listener
        self._unsubscribe: Callable[[], None] | None = None
        self._listener: ChangeListener | None = None
        self._spool: Spool | None = None
        self._appender: SpoolAppendWorker | None = None
        self._drain: SpoolDrainWorker | None = None
        self._drain_process: DrainProcess | None = None
        self._receipt_index: ReceiptIndexKeeper | None = None
        self._counted_from = DrainCounts()  # the spool's counts when this service started
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        cfg = self.config
        try:
            # Subscribed, and hearing other processes, before the drain worker loads the
            # index: no hot list change slips in between.
            self._unsubscribe = self.db.bus.subscribe(self.engine.subscriber())
            if self._listen:
                self._listener = change_listener(self.db)
                if self._listener is not None:
                    self._listener.start()
            gate = self._listener or self._shared_listener
            gate_event = gate.connected if gate else None
            if cfg.drain_in_child:
                self._drain_process = DrainProcess(self._child_config(), self._removed)
                self._spool = await loop.run_in_executor(
                    None, lambda: Spool(cfg.spool_path, cfg.spool_max_bytes,
                                        doorbell=self._ring))
                self._counted_from = self._spool.totals().counts
                self._start_appender()  # before the child, which sends it its removals
                self._drain_process.start()
                self._receipt_index = ReceiptIndexKeeper(self.db, self.engine, gate_event)
                self._receipt_index.start()
            else:
                self._spool = await loop.run_in_executor(None, Spool, cfg.spool_path,
                                                         cfg.spool_max_bytes)
                self._drain = SpoolDrainWorker(
                    self._spool, self.db, self.engine, batch_size=cfg.batch_size,
                    limits=cfg.limits, index_gate=gate_event)
                self._drain.start()
                self._start_appender()
            await self._serve(_Receiver(cfg, self._appender, self.health, self._holds_hit))
        except BaseException:
            await self.stop()
            raise

    def _start_appender(self) -> None:
        assert self._spool is not None
        self._appender = SpoolAppendWorker(self._spool)
        self._appender.start()

    def _child_config(self) -> DrainChildConfig:
        url = self.db.url
        if not self.db.is_postgres and url.database in (None, "", ":memory:"):
            raise ValueError("the drain's own process needs a database file or server, "
                             "not an in-memory database")
        cfg = self.config
        return DrainChildConfig(
            url.render_as_string(hide_password=False), str(cfg.spool_path),
            cfg.spool_max_bytes, cfg.batch_size, cfg.group_window.total_seconds(), cfg.limits)

    def _removed(self, removal: Removal) -> None:
        """The drain process's removal, written by the appender; one that comes before the
        appender starts or after it stops is replayed (ingest is idempotent)."""
        if self._appender is not None:
            self._appender.remove(removal)

    def _ring(self, hot: bool) -> None:
        if self._drain_process is not None:
            self._drain_process.ring(hot)

    def _holds_hit(self, result: ParseResult, received: datetime) -> bool:
        """Whether a payload's reads match the hot list now: such a payload is drained ahead
        of the others. Read off the index without its lock, as readers do; the drain judges
        again, so a list changed meanwhile only costs the payload its place in the queue."""
        return any(self.engine.match(read, received) for read in result.reads)

    async def _serve(self, receiver: _Receiver) -> None:
        cfg = self.config
        app = web.Application(client_max_size=cfg.max_body_bytes)
        app.add_routes([web.post("/alpr", receiver.post_auto),
                        web.post("/alpr/{fmt}", receiver.post_format),
                        web.get("/health", receiver.get_health)])
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, cfg.host, cfg.port).start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        if not _is_loopback(cfg.host) and not cfg.token:
            logger.warning("webhook listens beyond loopback (%s) without a shared token", cfg.host)
        logger.info("ALPR webhook listening on %s", self.url)

    async def stop(self) -> None:
        """Reverse order; the spool keeps whatever was not drained for the next start."""
        loop = asyncio.get_running_loop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        # The drain before the appender, which writes the drain process's last removals.
        for worker in (self._drain, self._drain_process, self._appender, self._receipt_index):
            if worker is not None:
                await loop.run_in_executor(None, worker.stop)
        self._appender = self._drain = self._drain_process = self._receipt_index = None
        if self._spool is not None:
            self._spool.close()
            self._spool = None
        if self._listener is not None:
            await loop.run_in_executor(None, self._listener.stop)
            self._listener = None
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def report(self) -> DrainReport | None:
        """The drain's report, from its lanes here or from its own process."""
        if self._drain is not None:
            return self._drain.report()
        if self._drain_process is None or self._spool is None:
            return None
        spool, totals = self._spool, self._spool.totals()
        return self._drain_process.report(DrainStatus(
            totals.depth, totals.size_bytes, spool.max_bytes, spool.oldest_received_at(),
            False, None, None, None, None, **asdict(totals.counts - self._counted_from)))

    def health(self) -> dict[str, Any]:
        """What a load balancer and an administrator need to know, and nothing flattering:
        ok only while the database answers, the index is loaded and no read waits long."""
        report = self.report()
        if report is None:
            return {"status": "stopped"}
        st, loaded = report.status, report.index_loaded
        hearing = report.hearing is not False
        cfg = self.config
        reachable = st.last_contact_age_s is not None and \
            st.last_contact_age_s <= cfg.contact_stale_s
        waited = (datetime.now(UTC) - st.oldest_waiting_at).total_seconds() \
            if st.oldest_waiting_at else 0.0
        # The drain's process's own problems (ended, stuck) and other services' are never
        # a start. While it has them, what it would say of the database, the listener and
        # the index is not known here, and not guessed.
        others = list(report.problems)
        known = not report.problems
        problems = [text for failed, text in (
            (known and not reachable, "the database has not answered for "
             f"{'ever' if st.last_contact_age_s is None else f'{st.last_contact_age_s:.0f} s'}"),
            (known and not hearing, "the change listener cannot reach the database"),
            (known and not loaded, "the hot list index is not loaded"),
            (waited > cfg.wait_stale_s, f"the oldest read has waited {waited:.0f} s"),
        ) if failed]
        parts = self._health_parts() if self._health_parts else {}
        others += [text for _section, more in parts.values() for text in more]
        state = ("full" if st.spool_bytes >= st.spool_max_bytes
                 else "ok" if not problems + others
                 else "starting" if st.last_error is None and st.last_contact_age_s is None
                 and not others
                 else "degraded")
        return {
            "status": state,
            "problems": problems + others,
            "spool": {"depth": st.depth, "bytes": st.spool_bytes, "max_bytes": st.spool_max_bytes,
                      "oldest_waiting_at": _iso(st.oldest_waiting_at),
                      "oldest_waiting_s": round(waited, 1)},
            "database": {"ok": reachable and st.database_ok, "reachable": reachable,
                         "last_contact_s": None if st.last_contact_age_s is None
                         else round(st.last_contact_age_s, 1),
                         "last_error": st.last_error, "last_error_at": _iso(st.last_error_at),
                         "last_commit_at": _iso(st.last_commit_at)},
            "index": {"loaded": loaded, "entries": report.index_entries,
                      "loaded_at": _iso(report.index_loaded_at)},
            "listener": None if report.hearing is None else {"connected": hearing},
            "drain_process": None if self._drain_process is None else {
                "pid": self._drain_process.pid, "restarts": self._drain_process.restarts},
            "counts": {"stored": st.stored, "duplicates": st.duplicates, "hits": st.hits,
                       "quarantined": st.quarantined},
            **{name: section for name, (section, _more) in parts.items()},
        }
