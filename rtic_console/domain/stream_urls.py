"""Camera stream URLs and the secrets they carry: one redaction for every screen, log line,
audit event and CLI output, and a wrapper that keeps a whole URL out of them."""

from __future__ import annotations

import re

REDACTED = "***"
STREAM_TRANSPORTS = ("tcp", "udp")  # how RTSP carries the video; TCP crosses firewalls and NAT
_SCHEME = re.compile(r"(?i)^[a-z][a-z0-9+.-]*://")
# Names under which cameras take credentials in a URL: RTSP path parameters (`;password=`),
# HTTP query strings (`?user=&pwd=`), fragments (`#password=`) and tokens of every kind.
_SECRET_NAMES = (r"user(?:name)?|usr|login|pass(?:word|wd)?|pwd|passphrase|secret"
                 r"|(?:access_|auth_|api_?)?token|api_?key|key|auth(?:orization)?"
                 r"|sig(?:nature)?|session(?:id)?|sid|credentials?")
_SECRET_PARAMETER = re.compile(rf"(?i)([;?&#/](?:{_SECRET_NAMES})=)([^;&#]*)")


def _authority_end(url: str, start: int) -> int:
    """Where the host part ends: at the first '/', '?' or '#', as FFmpeg and RFC 3986 read
    it (a password holding one of those must be percent-encoded to work at all)."""
    ends = [i for i in (url.find(c, start) for c in "/?#") if i >= 0]
    return min(ends, default=len(url))


def redact_url(url: str | None) -> str:
    """The URL with every credential replaced by ***: `user:pass@`, `user@`, and the value
    of any secret-looking parameter after `;`, `?`, `&`, `#` or `/` (`;password=x`,
    `?pwd=x`, `#password=x`, `&token=x`), up to the next `;`, `&` or `#`. Host, port and
    path stay, so people can tell cameras apart."""
    if not url:
        return ""
    scheme = _SCHEME.match(url)
    if scheme:
        start = scheme.end()
        at = url.rfind("@", start, _authority_end(url, start))
        if at >= 0:
            url = url[:start] + REDACTED + url[at:]
    return _SECRET_PARAMETER.sub(lambda m: m.group(1) + REDACTED, url)


def has_credentials(url: str | None) -> bool:
    return bool(url) and redact_url(url) != url


def keeps_redaction(url: str) -> bool:
    """Whether a URL still holds *** where a credential was: typed back from a screen."""
    return REDACTED in url


class SecretUrl:
    """A stream URL that may carry credentials. `str()` and `repr()` give it redacted, so a
    log line or an error message built from it leaks nothing; only `reveal()` gives the whole
    URL, for the capture library at the moment it connects."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    @property
    def redacted(self) -> str:
        return redact_url(self._value)

    def __str__(self) -> str:
        return self.redacted

    def __repr__(self) -> str:
        return f"SecretUrl({self.redacted!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretUrl) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)
