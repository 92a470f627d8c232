"""Recognising a payload's vendor format from its path or topic, content type, or content."""

from __future__ import annotations

from dataclasses import dataclass

from rtic_console.feeds.read_formats.coerce import decode_text, load_json
from rtic_console.feeds.read_formats.result import PayloadError

FORMATS = ("openalpr", "platerecognizer", "frigate", "genetec", "csv")
MULTIPART = "multipart/form-data"
_CSV_TYPES = ("text/csv", "application/csv")
# Substrings of a webhook path or MQTT topic that name the sender.
_HINTS = (
    ("openalpr", "openalpr"),
    ("rekor", "openalpr"),
    ("platerecognizer", "platerecognizer"),
    ("plate-recognizer", "platerecognizer"),
    ("plate_recognizer", "platerecognizer"),
    ("frigate", "frigate"),
    ("genetec", "genetec"),
    ("autovu", "genetec"),
)


@dataclass(frozen=True)
class Detection:
    """The format, and the JSON document when sniffing had to parse it (so it is parsed once)."""

    fmt: str
    document: object = None
    parsed: bool = False


def media_type(content_type: str | None) -> str:
    if not isinstance(content_type, str):
        return ""
    return content_type.split(";", 1)[0].strip().lower()


def detect(body: bytes, content_type: str | None, path_hint: str | None) -> Detection:
    """Trust the transport first (content type, then path), the content last."""
    media = media_type(content_type)
    if media == MULTIPART:
        # Plate Recognizer is the only sender that posts reads as form data.
        return Detection("platerecognizer")
    hint = path_hint.lower() if isinstance(path_hint, str) else ""
    if media in _CSV_TYPES or hint.endswith(".csv"):
        return Detection("csv")
    for token, fmt in _HINTS:
        if token in hint:
            return Detection(fmt)
    text = decode_text(body)
    start = text.lstrip()[:1]
    if start not in ("{", "["):
        if text.split("\n", 1)[0].strip().lower().startswith("plate,"):
            return Detection("csv")
        raise PayloadError("payload is neither JSON nor the reads CSV")
    document = load_json(text)
    fmt = _sniff(document)
    if fmt is None:
        raise PayloadError("JSON payload matches no known read format")
    return Detection(fmt, document, parsed=True)


def _sniff(document: object) -> str | None:
    item = document[0] if isinstance(document, list) and document else document
    if not isinstance(item, dict):
        return None
    if "data_type" in item or "openalpr_webhook" in item or "best_plate_number" in item:
        return "openalpr"
    if "hook" in item or isinstance(item.get("data"), dict):
        return "platerecognizer"
    if "after" in item or item.get("type") == "lpr":
        return "frigate"
    if "Plate" in item:
        return "genetec"
    return None
