"""One redaction for every form a camera credential takes in a URL."""

from __future__ import annotations

import pytest

from rtic_console.domain.stream_urls import SecretUrl, has_credentials, redact_url

FORMS = [
    ("rtsp://viewer:s3cret@10.0.0.5:554/live", "rtsp://***@10.0.0.5:554/live"),
    ("rtsp://user:p%40ss@10.0.0.5:554/live", "rtsp://***@10.0.0.5:554/live"),
    ("rtsp://admin:p@ss@10.0.0.5/live", "rtsp://***@10.0.0.5/live"),
    ("rtsp://admin@10.0.0.5/live", "rtsp://***@10.0.0.5/live"),
    ("rtsp://10.0.0.5/axis-media/media.amp;user=root;password=s3cret;fps=5",
     "rtsp://10.0.0.5/axis-media/media.amp;user=***;password=***;fps=5"),
    ("http://cam.local/mjpg?user=a&password=s3cret&fps=5",
     "http://cam.local/mjpg?user=***&password=***&fps=5"),
    ("http://cam.local/video.cgi?pwd=s3cret/x?y&res=hd", "http://cam.local/video.cgi?pwd=***&res=hd"),
    ("http://cam.local/live#password=s3cret", "http://cam.local/live#password=***"),
    ("http://cam.local/live?access_token=s3cret", "http://cam.local/live?access_token=***"),
    ("http://cam.local/live?api_key=s3cret&apikey=s3cret",
     "http://cam.local/live?api_key=***&apikey=***"),
    ("http://cam.local/live/token=s3cret/stream.m3u8", "http://cam.local/live/token=***"),
    ("https://u:s3cret@cam.local/live?auth=s3cret#sig=s3cret",
     "https://***@cam.local/live?auth=***#sig=***"),
]


@pytest.mark.parametrize(("url", "shown"), FORMS)
def test_every_credential_form_is_redacted(url: str, shown: str) -> None:
    assert redact_url(url) == shown
    assert "s3cret" not in redact_url(url)
    assert has_credentials(url)
    assert redact_url(shown) == shown and not has_credentials(shown), "redaction is stable"


@pytest.mark.parametrize("url", [
    "http://cam.local/video.mjpg", "rtsp://10.0.0.5:554/Streaming/Channels/101",
    "http://cam.local/snap.jpg?keyframe=1&resolution=640x360", "http://cam.local/img@2x.jpg",
    "file:///srv/video/demo.avi",
])
def test_urls_without_credentials_are_left_as_they_are(url: str) -> None:
    assert redact_url(url) == url and not has_credentials(url)


def test_a_secret_url_prints_redacted_and_reveals_only_on_purpose() -> None:
    url = SecretUrl("rtsp://viewer:s3cret@10.0.0.5/live")
    assert "s3cret" not in f"{url} {url!r} {[url]!r} {url.redacted}"
    assert url.reveal() == "rtsp://viewer:s3cret@10.0.0.5/live"
    assert url == SecretUrl("rtsp://viewer:s3cret@10.0.0.5/live") and len({url, url}) == 1
