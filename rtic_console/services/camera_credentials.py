"""Camera credentials kept apart from camera URLs, shown to no one.

`devices.stream_url` and `substream_url` hold the URLs redacted (`rtsp://***@host/cam`,
`;password=***`): that is all any screen, list, CLI output or audit event ever sees. A URL
that carries credentials is also stored whole, sealed with the department's camera key
(`store/camera_key.py`), in `camera_credentials`; it is opened only to connect, by the
service that decided the connection may be made (the wall, the stream check, the recorder,
the mask editor), and handed on as a `SecretUrl`.

Why a sealed column rather than each workstation's keyring: every console on the wall and
the recorder need every camera's credentials; kept per workstation they would have to be
typed again on each machine for each camera. Sealed once with one key held outside the
database, a stolen database or backup opens no camera, and a new workstation needs only the
key (`rtic-console camera key import`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from rtic_console.domain.roles import Permission
from rtic_console.domain.stream_urls import SecretUrl, has_credentials, keeps_redaction, redact_url
from rtic_console.services.auth import authorize
from rtic_console.services.context import Context, InputRejected, service_action
from rtic_console.store.audit_log import append_event
from rtic_console.store.camera_key import (
    CAMERA_KEY_ENV,
    CameraKey,
    CameraKeyError,
    keep_camera_key,
    load_camera_key,
    new_camera_key,
    parse_key,
)
from rtic_console.store.credentials import KeyringUnavailable
from rtic_console.store.models import CameraCredential, CameraOnvif, Device
from rtic_console.store.private_files import write_private


class CredentialsUnavailable(InputRejected):
    """A camera's credentials cannot be opened on this workstation; the message says how to
    give it the camera key."""


@dataclass(frozen=True)
class StreamUrls:
    """What a connection uses: the whole URLs, credentials included, never shown."""

    main: SecretUrl | None
    sub: SecretUrl | None

    @property
    def for_tile(self) -> SecretUrl | None:
        return self.sub or self.main


_IMPORT_HINT = ("give this workstation the camera key: `rtic-console --as BADGE camera key "
                f"import FILE`, or set {CAMERA_KEY_ENV} for a headless service")


def _sealed_key_ids(session: Session) -> set[str]:
    """Every key that sealed something: stream URLs and ONVIF addresses."""
    onvif = session.scalars(select(CameraOnvif.key_id).where(CameraOnvif.key_id.is_not(None))
                            .distinct())
    return set(session.scalars(select(CameraCredential.key_id).distinct())) | set(onvif)


def _key_for_sealing(session: Session) -> CameraKey:
    """This workstation's key; the first camera with credentials creates it."""
    in_use = _sealed_key_ids(session)
    try:
        key = load_camera_key()
    except CameraKeyError as exc:
        raise InputRejected(f"{exc}; credentials cannot be stored") from None
    if key is None:
        if in_use:
            raise InputRejected("this workstation does not hold the camera key that sealed the "
                                f"other cameras' credentials; {_IMPORT_HINT}")
        key = new_camera_key()
        try:
            keep_camera_key(key)
        except KeyringUnavailable as exc:
            raise InputRejected(f"{exc}: there is nowhere to keep the camera key that seals "
                                f"credentials. Set {CAMERA_KEY_ENV} (see `camera key export` "
                                "on a workstation that has it), or add the camera from a "
                                "workstation with an OS keyring") from None
    if in_use - {key.key_id}:
        raise InputRejected("this workstation holds a different camera key from the one that "
                            f"sealed the other cameras' credentials; {_IMPORT_HINT}")
    return key


def _typed(url: str | None, stored: str | None) -> str | None:
    """A URL as typed; one left exactly as the screen showed it keeps its credentials."""
    if url is None or url == stored:
        return url
    if keeps_redaction(url):
        raise InputRejected("a stream URL still holds *** where a credential was: type the "
                            "whole URL again, or leave it exactly as shown to keep it")
    return url


def store_stream_urls(session: Session, device: Device, stream_url: str | None,
                      substream_url: str | None) -> None:
    """Puts the URLs on a flushed device: redacted on the device, sealed apart when they
    carry credentials. A URL equal to the one stored (redacted) is kept as it is."""
    row = session.get(CameraCredential, device.id)
    kept = {"stream": row.stream_url_sealed if row else None,
            "substream": row.substream_url_sealed if row else None}
    sealed: dict[str, str | None] = {}
    key: CameraKey | None = None
    for which, url, stored in (("stream", stream_url, device.stream_url),
                               ("substream", substream_url, device.substream_url)):
        url = _typed(url, stored)
        if url is not None and url == stored and not has_credentials(stored):
            sealed[which] = kept[which]  # as shown: unchanged (a plain legacy one is sealed)
            continue
        if has_credentials(url):
            key = key or _key_for_sealing(session)
            sealed[which] = key.seal(url or "")
        else:
            sealed[which] = None
        setattr(device, f"{which}_url", redact_url(url) or None)
    if not any(sealed.values()):
        if row is not None:
            session.delete(row)
        return
    if row is None:
        row = CameraCredential(device_id=device.id)
        session.add(row)
    if key is not None:
        row.key_id = key.key_id
    row.stream_url_sealed, row.substream_url_sealed = sealed["stream"], sealed["substream"]
    row.updated_at = datetime.now(UTC)


def stream_urls(session: Session, device: Device) -> StreamUrls:
    """The whole URLs to connect with. Raises CredentialsUnavailable when they are sealed
    and this workstation cannot open them."""
    row = session.get(CameraCredential, device.id)

    def whole(stored: str | None, sealed: str | None) -> SecretUrl | None:
        if not sealed:
            return SecretUrl(stored) if stored else None
        assert row is not None
        return open_sealed(device.code, sealed, row.key_id)

    return StreamUrls(whole(device.stream_url, row.stream_url_sealed if row else None),
                      whole(device.substream_url, row.substream_url_sealed if row else None))


def open_sealed(code: str, sealed: str, key_id: str | None) -> SecretUrl:
    """A sealed URL of camera `code`, opened with this workstation's camera key."""
    try:
        key = load_camera_key()
    except CameraKeyError as exc:
        raise CredentialsUnavailable(f"{exc}; {_IMPORT_HINT}") from None
    if key is None:
        raise CredentialsUnavailable(f"the credentials of camera {code} are sealed "
                                     f"and this workstation holds no camera key; {_IMPORT_HINT}")
    if key.key_id != key_id:
        raise CredentialsUnavailable(f"the credentials of camera {code} were sealed "
                                     "with another camera key; " + _IMPORT_HINT)
    try:
        return SecretUrl(key.open(sealed))
    except CameraKeyError as exc:
        raise CredentialsUnavailable(f"camera {code}: {exc}") from None


def seal_url(session: Session, url: str) -> tuple[str, str | None, str | None]:
    """(redacted, sealed, key id) of a URL; sealed and key id are None without credentials."""
    if not has_credentials(url):
        return url, None, None
    key = _key_for_sealing(session)
    return redact_url(url), key.seal(url), key.key_id


@service_action("camera.key.export")
def export_camera_key(session: Session, ctx: Context, path: str | Path) -> Path:
    """Writes this workstation's camera key to a file readable by its owner only, to carry to
    another workstation; audited (the key itself never is)."""
    authorize(session, ctx, Permission.MANAGE_CAMERAS, action="camera.key.export")
    try:
        key = load_camera_key()
    except CameraKeyError as exc:
        raise InputRejected(str(exc)) from None
    if key is None:
        raise InputRejected("this workstation holds no camera key to export")
    target = Path(path)
    if target.exists():
        raise InputRejected(f"{target} already exists; choose a new file")
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="camera.key.export", object_type="camera_key", object_id=key.key_id,
                 details={"file": str(target)})
    try:
        write_private(target, f"{key.material}\n".encode())
    except OSError as exc:
        raise InputRejected(f"cannot write {target}: {exc.strerror}") from None
    return target


@service_action("camera.key.import")
def import_camera_key(session: Session, ctx: Context, path: str | Path) -> str:
    """Keeps the key from a file in this workstation's keyring, if it is the key the stored
    credentials were sealed with (or none are stored yet). Returns the key id."""
    authorize(session, ctx, Permission.MANAGE_CAMERAS, action="camera.key.import")
    try:
        key = parse_key(Path(path).read_text(encoding="ascii"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputRejected(f"cannot read the camera key from {path}: {exc}") from None
    except CameraKeyError as exc:
        raise InputRejected(f"{path}: {exc}") from None
    in_use = _sealed_key_ids(session)
    if in_use and key.key_id not in in_use:
        raise InputRejected(f"{path} holds another key than the one the cameras' credentials "
                            "were sealed with")
    append_event(session, actor_badge=ctx.actor.badge, workstation=ctx.workstation,
                 action="camera.key.import", object_type="camera_key", object_id=key.key_id)
    try:
        keep_camera_key(key)
    except KeyringUnavailable as exc:
        raise InputRejected(f"{exc}: set {CAMERA_KEY_ENV} instead") from None
    return key.key_id
