"""`rtic-console ingest`, `serve` and `quarantine`: plate reads from files and from the network."""

from __future__ import annotations

import argparse
import gc
import os
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from rtic_console.cli.output import as_dicts, print_json, print_table
from rtic_console.cli.session import CliRefusal, CliSession
from rtic_console.collector_pause import collector_paused
from rtic_console.domain.recording_caps import CapRuleError, parse_bytes
from rtic_console.feeds.read_formats import FORMATS, ParseResult, PayloadError, parse_payload
from rtic_console.feeds.spool import DEFAULT_MAX_BODY, DRAIN_CHILD_COMMAND, default_spool_path
from rtic_console.services.context import Context
from rtic_console.services.hit_escalation import EscalationRule
from rtic_console.services.ingest import ingest_file
from rtic_console.services.matching import MatchingEngine
from rtic_console.services.quarantine_review import list_quarantine, quarantine_file
from rtic_console.services.runner import perform, query
from rtic_console.store.database import Database

# A big CSV goes in as several transactions of this many rows, each audited with its counts.
CSV_CHUNK_ROWS = 20_000
SHOWN_REJECTIONS = 5
# While a file goes in, the collector is paused; every this many chunks, one pass takes the
# cycles they left (a pass walks the chunk being parsed, some 20 ms).
COLLECT_EVERY_CHUNKS = 10


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    ingest = sub.add_parser("ingest", help="load files of plate reads (any supported format)")
    ingest.add_argument("files", nargs="+", metavar="FILE")
    ingest.add_argument("--format", default="auto", choices=["auto", *FORMATS])
    ingest.set_defaults(handler=_ingest)

    serve = sub.add_parser("serve", help="run the headless ALPR ingest service (webhook)")
    serve.add_argument("--listen", default="127.0.0.1:8765", metavar="HOST:PORT")
    serve.add_argument("--spool", type=Path, metavar="PATH",
                       help=f"spool file (default: {default_spool_path()})")
    serve.add_argument("--token-env", metavar="NAME",
                       help="environment variable holding the shared X-RTIC-Token")
    serve.add_argument("--max-body", type=int, default=DEFAULT_MAX_BODY, metavar="BYTES")
    serve.add_argument("--record-dir", type=Path, metavar="DIR",
                       help="also record the cameras whose recording is enabled, into DIR")
    serve.add_argument("--record-min-free", type=_free_space, metavar="SIZE",
                       help="free space to keep on DIR's disk, e.g. 20G; under it recording "
                            "stops and administrators and IT are alerted (default: 2%% of "
                            "the disk, 1 to 20 GiB)")
    serve.set_defaults(handler=_serve)

    child = sub.add_parser(DRAIN_CHILD_COMMAND, help="(internal) the drain process that "
                           "`serve` starts; reads its configuration from stdin")
    child.set_defaults(handler=_drain_child)

    quarantine = sub.add_parser("quarantine", help="payloads that could not be ingested")
    cmds = quarantine.add_subparsers(dest="quarantine_command", required=True)
    lst = cmds.add_parser("list", help="newest first")
    lst.add_argument("--json", action="store_true")
    lst.add_argument("--limit", type=int, default=100)
    lst.set_defaults(handler=_quarantine_list)


def _free_space(text: str) -> int:
    try:
        return parse_bytes(text)
    except CapRuleError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


@dataclass(frozen=True)
class FileReport:
    name: str
    fmt: str
    stored: int = 0
    duplicates: int = 0
    hits: int = 0
    rejected: tuple[tuple[int, str], ...] = ()
    ignored: int = 0
    quarantine_id: int | None = None
    refusal: str | None = None


def file_chunks(data: bytes, fmt: str) -> Iterator[tuple[int, bytes]]:
    """(line offset, body): a CSV in slices that keep its header; anything else whole."""
    text_start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if fmt not in ("auto", "csv") or text_start in (b"{", b"["):
        yield 0, data
        return
    lines = data.splitlines(keepends=True)
    if len(lines) <= CSV_CHUNK_ROWS + 1:
        yield 0, data
        return
    for start in range(1, len(lines), CSV_CHUNK_ROWS):
        yield start - 1, lines[0] + b"".join(lines[start:start + CSV_CHUNK_ROWS])


def ingest_path(db: Database, ctx: Context, engine: MatchingEngine, path: Path,
                fmt: str = "auto") -> FileReport:
    """Parse, match and store one file; a file that will not parse is quarantined instead.

    A big CSV's next chunk is parsed while the current one is stored: the store mostly waits
    on the database with the GIL released, so the parse takes the other core meanwhile.
    Parsed reads are many and short-lived: no collector passes over them (a quarter of the
    parse's time), only one over the young objects every COLLECT_EVERY_CHUNKS.
    """
    data = path.read_bytes()
    totals = {"stored": 0, "duplicates": 0, "hits": 0, "ignored": 0}
    rejected: list[tuple[int, str]] = []
    found = fmt
    chunks = file_chunks(data, fmt)
    chunks_stored = 0
    with collector_paused(), \
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-parse") as parser:

        def parse_next() -> tuple[int, Future[ParseResult]] | None:
            chunk = next(chunks, None)
            if chunk is None:
                return None
            offset, body = chunk
            return offset, parser.submit(parse_payload, body, None, fmt, path_hint=path.name)

        ahead = parse_next()
        while ahead is not None:
            offset, parsing = ahead
            try:
                result = parsing.result()
            except PayloadError as exc:
                qid = perform(db, ctx, quarantine_file, path.name, exc.reason, data)
                return FileReport(path.name, found, **totals, rejected=tuple(rejected),
                                  quarantine_id=qid, refusal=exc.reason)
            ahead = parse_next()
            found = result.fmt
            outcome = perform(db, ctx, ingest_file, path.name, result.reads,
                              result.heartbeats, engine)
            totals["stored"] += outcome.stored
            totals["duplicates"] += outcome.duplicates
            totals["hits"] += len(outcome.hit_ids)
            totals["ignored"] += len(result.ignored)
            rejected += [(line + offset, why) for line, why in result.rejected]
            chunks_stored += 1
            if chunks_stored % COLLECT_EVERY_CHUNKS == 0:
                gc.collect(1)  # the chunks' own cycles (their sessions'), not at the file's end
    return FileReport(path.name, found, **totals, rejected=tuple(rejected))


def _ingest(args: argparse.Namespace, cli: CliSession) -> int:
    paths = [Path(p) for p in args.files]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise CliRefusal(f"cannot read {', '.join(missing)}: no such file")
    ctx = cli.context()
    # Grouped as the ingest service groups on this machine: a file of a reader's buffered
    # reads raises one hit per vehicle, as those reads sent live would have.
    engine = MatchingEngine(group_window=cli.settings.hit_group_window)
    with cli.db.read() as session:
        engine.load(session)
    failed = False
    for path in paths:
        report = ingest_path(cli.db, ctx, engine, path, args.format)
        if report.refusal is not None:
            failed = True
            before = f"{report.stored} reads stored before it, " if report.stored else ""
            print(f"{report.name}: not ingested ({report.refusal}); {before}"
                  f"quarantined as #{report.quarantine_id}")
            continue
        print(f"{report.name} ({report.fmt}): {report.stored} stored, {report.duplicates} "
              f"duplicates, {report.hits} hits, {len(report.rejected)} rejected, "
              f"{report.ignored} ignored")
        for line, why in report.rejected[:SHOWN_REJECTIONS]:
            print(f"  #{line}: {why}")
    return 1 if failed else 0


def _listen_address(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise CliRefusal(f"--listen {value!r}: write HOST:PORT, for example 127.0.0.1:8765")
    return host, int(port)


def _serve(args: argparse.Namespace, cli: CliSession) -> int:
    host, port = _listen_address(args.listen)
    token = None
    if args.token_env:
        token = os.environ.get(args.token_env)
        if not token:
            raise CliRefusal(f"--token-env {args.token_env}: that variable is unset or empty")
    # Here, not at the top: the web server (aiohttp) loads only for the service, never at a
    # start of the console, which reads this module for its command line.
    from rtic_console.feeds.webhook_server import IngestConfig
    from rtic_console.headless import HeadlessConfig, HeadlessServices, run_headless

    spool = args.spool or default_spool_path()
    config = HeadlessConfig(
        IngestConfig(host=host, port=port, spool_path=spool, token=token,
                     max_body_bytes=args.max_body, drain_in_child=True,
                     group_window=cli.settings.hit_group_window),
        record_dir=args.record_dir, record_min_free=args.record_min_free,
        workstation=cli.settings.workstation,
        daily_at=cli.settings.daily_time, escalation=EscalationRule(
            timedelta(minutes=cli.settings.hit_escalate_unclaimed_minutes),
            timedelta(minutes=cli.settings.hit_escalate_unfinished_minutes)))

    def started(services: HeadlessServices) -> None:
        url = services.ingest.url if services.ingest else "?"
        recording = f"; recording into {args.record_dir}" if args.record_dir else ""
        print(f"Ingest service on {url}/alpr, spool {spool}{recording}; Ctrl-C to stop",
              flush=True)

    run_headless(cli.service_db(), config, on_started=started)
    print("Ingest service stopped", flush=True)
    return 0


def _drain_child(_args: argparse.Namespace, _cli: CliSession) -> int:
    from rtic_console.feeds.drain_child import main  # only in the drain's own process

    return main()


def _quarantine_list(args: argparse.Namespace, cli: CliSession) -> int:
    items = query(cli.db, cli.context(), list_quarantine, args.limit)
    if args.json:
        print_json(as_dicts(items))
        return 0
    print_table(["ID", "RECEIVED (UTC)", "CHANNEL", "BYTES", "REASON", "PREVIEW"],
                [(q.id, q.received_at.strftime("%Y-%m-%d %H:%M:%S"), q.channel, q.raw_size,
                  q.reason[:60], q.preview[:40]) for q in items])
    return 0
