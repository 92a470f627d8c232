"""ALPR read payloads from every supported vendor, parsed into normalised reads and heartbeats."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from rtic_console.domain.reads import ReadLimits
from rtic_console.feeds.read_formats import csv_reads, frigate, genetec, openalpr, platerecognizer
from rtic_console.feeds.read_formats.coerce import brief, decode_text, load_json
from rtic_console.feeds.read_formats.detect import FORMATS, MULTIPART, detect, media_type
from rtic_console.feeds.read_formats.multipart import form_fields
from rtic_console.feeds.read_formats.result import ParseContext, ParseResult, PayloadError

__all__ = [
    "FORMATS",
    "INTERNAL_ERROR",
    "ParseResult",
    "PayloadError",
    "detect_format",
    "parse_payload",
]

logger = logging.getLogger(__name__)

# Prefix of the reason given when a parser bug, not the payload, stopped the parse.
INTERNAL_ERROR = "internal parser error"
_JSON_PARSERS: dict[str, Callable[[object, ParseContext], ParseResult]] = {
    "openalpr": openalpr.parse,
    "platerecognizer": platerecognizer.parse,
    "frigate": frigate.parse,
    "genetec": genetec.parse,
}


def detect_format(body: bytes, content_type: str | None, path_hint: str | None) -> str:
    """One of FORMATS, or PayloadError when the payload looks like none of them."""
    return detect(_as_bytes(body), content_type, path_hint).fmt


def parse_payload(
    body: bytes,
    content_type: str | None = None,
    fmt: str = "auto",
    now: datetime | None = None,
    *,
    path_hint: str | None = None,
    limits: ReadLimits | None = None,
) -> ParseResult:
    """Parse one webhook body, MQTT message or file into reads, heartbeats and reasons.

    PayloadError is the only exception that leaves: the ingest service answers 4xx for
    it and 200 otherwise, so a sender is never stuck retrying a payload it cannot fix.
    `now` (default: the current time) bounds how old or new a read may be.
    """
    try:
        result = _parse(body, content_type, fmt, now, path_hint, limits)
    except PayloadError as exc:
        logger.info("read payload refused: %s", exc.reason)
        raise
    except Exception as exc:
        logger.exception("read parser failed on a %s payload", brief(fmt))
        raise PayloadError(f"{INTERNAL_ERROR} ({type(exc).__name__})") from exc
    logger.debug(
        "%s payload: %d reads, %d heartbeats, %d ignored, %d rejected",
        result.fmt,
        len(result.reads),
        len(result.heartbeats),
        len(result.ignored),
        len(result.rejected),
    )
    return result


def _as_bytes(body: object) -> bytes:
    if not isinstance(body, bytes | bytearray | memoryview):
        raise PayloadError(f"payload must be bytes, got {type(body).__name__}")
    return bytes(body)


def _parse(
    body: object,
    content_type: str | None,
    fmt: str,
    now: datetime | None,
    path_hint: str | None,
    limits: ReadLimits | None,
) -> ParseResult:
    body = _as_bytes(body)
    moment = datetime.now(UTC) if now is None else now
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    ctx = ParseContext(now=moment, limits=limits or ReadLimits())
    document: object = None
    parsed = False
    explicit = fmt != "auto"
    if fmt == "auto":
        detection = detect(body, content_type, path_hint)
        fmt, document, parsed = detection.fmt, detection.document, detection.parsed
    if fmt not in FORMATS:
        raise PayloadError(f"unknown read format {brief(fmt)}")
    if fmt == "csv":
        return csv_reads.parse(decode_text(body), ctx)
    if fmt == "platerecognizer" and media_type(content_type) == MULTIPART:
        fields = form_fields(body, content_type or "")
        if "json" not in fields:
            raise PayloadError("multipart body has no 'json' field")
        return platerecognizer.parse_parts(fields["json"], fields.get("upload"), ctx)
    if not parsed:
        document = load_json(body)
    result = _JSON_PARSERS[fmt](document, ctx)
    if not explicit or result.reads or result.heartbeats:
        return result
    _refuse_other_format(body, content_type, fmt)
    return result


def _refuse_other_format(body: bytes, content_type: str | None, fmt: str) -> None:
    """Nothing came out of a payload posted as one format: if it is plainly another,
    say so instead of answering 'ignored' for reads that were never looked at."""
    try:
        found = detect(body, content_type, None).fmt
    except PayloadError:
        return
    if found != fmt:
        raise PayloadError(f"the payload is in the {found} format, not {fmt}; send it to "
                           f"/alpr/{found} or /alpr")
