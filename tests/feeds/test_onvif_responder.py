"""The loopback ONVIF responder checks WS-UsernameToken digests for real: a plain-text
password, a wrong digest, a stale timestamp and a replayed nonce are all refused. What it
remembers is bounded: nonces within the clock window, the last requests."""

from __future__ import annotations

import base64
import os
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from rtic_console.feeds import onvif_responder
from rtic_console.feeds.onvif_responder import (
    DEVICE_PATH,
    REQUEST_LOG,
    OnvifResponder,
    ResponderProfile,
    password_digest,
)

WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
PROFILE_TYPE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0"


@pytest.fixture
def responder() -> Iterator[OnvifResponder]:
    with OnvifResponder([ResponderProfile("main", "Main", 640, 360, "http://x/y")],
                        user="onvif", password="Pa55word") as camera:
        yield camera


def _envelope(user: str, password: str, kind: str, nonce: bytes, created: str) -> bytes:
    return (f'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header>'
            f'<wsse:Security xmlns:wsse="{WSSE}" xmlns:wsu="{WSU}"><wsse:UsernameToken>'
            f'<wsse:Username>{user}</wsse:Username><wsse:Password Type="{PROFILE_TYPE}#{kind}">'
            f'{password}</wsse:Password><wsse:Nonce>{base64.b64encode(nonce).decode()}'
            f'</wsse:Nonce><wsu:Created>{created}</wsu:Created></wsse:UsernameToken>'
            f'</wsse:Security></s:Header><s:Body><GetDeviceInformation xmlns='
            f'"http://www.onvif.org/ver10/device/wsdl"/></s:Body></s:Envelope>').encode()


def _post(responder: OnvifResponder, body: bytes) -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{responder.port}{DEVICE_PATH}",
                                     data=body, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _created(shift: timedelta = timedelta()) -> str:
    return (datetime.now(UTC) + shift).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_good_digest_is_answered_once(responder: OnvifResponder) -> None:
    nonce, created = os.urandom(16), _created()
    body = _envelope("onvif", password_digest(nonce, created, "Pa55word"), "PasswordDigest",
                     nonce, created)
    status, text = _post(responder, body)
    assert status == 200 and "PTZ-Sim 1" in text
    status, text = _post(responder, body)
    assert status == 400 and "not authorized" in text, "a replayed token is refused"


@pytest.mark.parametrize("case", ["plain text", "wrong password", "wrong user", "stale"])
def test_bad_tokens_are_refused(responder: OnvifResponder, case: str) -> None:
    nonce = os.urandom(16)
    created = _created(timedelta(minutes=-10) if case == "stale" else timedelta())
    password = "Pa55word" if case != "wrong password" else "guess"
    digest = password_digest(nonce, created, password)
    body = _envelope("someone" if case == "wrong user" else "onvif",
                     "Pa55word" if case == "plain text" else digest,
                     "PasswordText" if case == "plain text" else "PasswordDigest",
                     nonce, created)
    status, text = _post(responder, body)
    assert status == 400 and "Sender not authorized" in text
    assert "GetDeviceInformationResponse" not in text


def test_nonces_are_kept_only_while_their_timestamp_could_be_accepted(
        responder: OnvifResponder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(onvif_responder, "MAX_CLOCK_SKEW", timedelta(seconds=1))
    nonce, created = os.urandom(16), _created()
    old = _envelope("onvif", password_digest(nonce, created, "Pa55word"), "PasswordDigest",
                    nonce, created)
    assert _post(responder, old)[0] == 200
    assert responder.nonces_kept() == 1
    time.sleep(2.1)  # Created is whole seconds: past the skew for sure
    nonce, created = os.urandom(16), _created()
    assert _post(responder, _envelope("onvif", password_digest(nonce, created, "Pa55word"),
                                      "PasswordDigest", nonce, created))[0] == 200
    assert responder.nonces_kept() == 1, "the stale one was forgotten"
    assert _post(responder, old)[0] == 400, "and replaying it is refused all the same"


def test_only_the_last_requests_are_remembered(responder: OnvifResponder) -> None:
    body = (b'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>'
            b'<GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/>'
            b'</s:Body></s:Envelope>')
    for _ in range(REQUEST_LOG + 20):
        assert _post(responder, body)[0] == 200
    assert len(responder.requests) == REQUEST_LOG
