"""Splitting a multipart/form-data webhook body into named fields with the standard email parser."""

from __future__ import annotations

import email
from email.message import Message
from email.utils import collapse_rfc2231_value

from rtic_console.feeds.read_formats.result import PayloadError


def form_fields(body: bytes, content_type: str) -> dict[str, bytes]:
    """Field name to raw bytes; the first occurrence of a repeated name wins.

    The body is handed to the email parser behind a synthetic header so the boundary
    comes from the sender's own Content-Type, exactly as an HTTP server would use it.
    """
    if "\r" in content_type or "\n" in content_type:
        raise PayloadError("content type header contains a line break")
    try:
        header = f"MIME-Version: 1.0\r\nContent-Type: {content_type}\r\n\r\n".encode("latin-1")
    except UnicodeEncodeError:
        raise PayloadError("content type header is not Latin-1 text") from None
    try:
        message = email.message_from_bytes(header + bytes(body))
        if not message.is_multipart():
            raise PayloadError("multipart body has no parts (missing or wrong boundary)")
        return _fields(message)
    except PayloadError:
        raise
    except Exception as exc:
        # The email package has no single error type for hostile input; none may escape.
        raise PayloadError(f"multipart body could not be parsed ({type(exc).__name__})") from None


def _fields(message: Message) -> dict[str, bytes]:
    fields: dict[str, bytes] = {}
    for part in message.get_payload():
        if not isinstance(part, Message) or part.is_multipart():
            continue
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, tuple):
            name = collapse_rfc2231_value(name)
        if not isinstance(name, str) or name in fields:
            continue
        data = part.get_payload(decode=True)
        if isinstance(data, bytes):
            fields[name] = data
    return fields
