"""A lean load generator for the webhook benchmark: POSTs prepared before the clock starts,
sent over keep-alive connections, HTTP/1.1 written and read by h11.

The simulator's aiohttp client costs about 250 µs of its core a request, and building a
payload (the plate crop's JPEG, the JSON) 60 µs more: at 2,000 reads/s its core was busy
(9% idle), so requests waited in the client's own loop and were sent late. Here every
request is timed from its due time, as a camera of its own would have sent it: any delay
of the generator's still counts against the receiver, and is reported apart.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Sequence
from urllib.parse import urlsplit

import h11

from rtic_console.feeds.alpr_simulator import PreparedPost, SimulatorReport


class _Connection(asyncio.Protocol):
    """One keep-alive connection with one request in flight."""

    def __init__(self) -> None:
        self._http = h11.Connection(h11.CLIENT)
        self._transport: asyncio.Transport | None = None
        self._answer: asyncio.Future[int] | None = None
        self._status = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]

    async def post(self, request: h11.Request, body: bytes) -> tuple[float, int]:
        """When the request was written (time.time()), and the answer's status."""
        assert self._transport is not None
        self._answer = asyncio.get_running_loop().create_future()
        data = b"".join((self._http.send(request), self._http.send(h11.Data(data=body)),
                         self._http.send(h11.EndOfMessage())))
        posted = time.time()
        self._transport.write(data)
        return posted, await self._answer

    def data_received(self, data: bytes) -> None:
        self._http.receive_data(data)
        while (event := self._http.next_event()) is not h11.NEED_DATA:
            if isinstance(event, h11.Response):
                self._status = event.status_code
            elif isinstance(event, h11.EndOfMessage):
                self._http.start_next_cycle()
                if self._answer is not None and not self._answer.done():
                    self._answer.set_result(self._status)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._answer is not None and not self._answer.done():
            self._answer.set_exception(exc or ConnectionError("the receiver closed"))


async def send_all(base_url: str, posts: Sequence[PreparedPost], start_at: float,
                   connections: int = 256) -> tuple[SimulatorReport, list[float]]:
    """POST each at `start_at` (time.time()) plus its due time, on the first free
    connection. Returns the report (`posted_at` is the due time) and how late each
    request was written, in ms: the generator's own delay, or a wait for a connection."""
    where = urlsplit(base_url)
    host, port = where.hostname or "127.0.0.1", where.port or 80
    requests = [h11.Request(method="POST", target=f"{where.path.rstrip('/')}/{p.route}",
                            headers=[("Host", where.netloc), ("Content-Type", p.content_type),
                                     ("Content-Length", str(len(p.body)))]) for p in posts]
    loop = asyncio.get_running_loop()
    free: asyncio.Queue[_Connection] = asyncio.Queue()
    for _ in range(connections):
        _transport, connection = await loop.create_connection(_Connection, host, port)
        free.put_nowait(connection)
    report, late_ms = SimulatorReport(), []

    async def one(post: PreparedPost, request: h11.Request, due: float) -> None:
        connection = await free.get()
        posted, status = await connection.post(request, post.body)
        free.put_nowait(connection)
        late_ms.append((posted - due) * 1000)
        report.statuses[status] += 1
        report.sent.append(dataclasses.replace(post.sent, posted_at=due,
                                               answered_at=time.time(), status=status))

    tasks = []
    start = loop.time() + max(0.0, start_at - time.time())
    for post, request in zip(posts, requests, strict=True):
        if (wait := start + post.due_s - loop.time()) > 0:
            await asyncio.sleep(wait)
        tasks.append(asyncio.create_task(one(post, request, start_at + post.due_s)))
    await asyncio.gather(*tasks)
    report.elapsed_s = loop.time() - start
    return report, late_ms

