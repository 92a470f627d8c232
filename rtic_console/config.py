"""Settings: one TOML file per workstation, overridden by environment and flags."""

from __future__ import annotations

import dataclasses
import os
import re
import socket
import tomllib
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from rtic_console.domain.audit_anchor import KeyFormatError, parse_public_key

APP_NAME = "rtic-console"
_QUERY_PASSWORD = re.compile(r"(?i)(?:^|&)password=")
OSM_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


def time_of_day(text: object) -> time:
    """HH:MM as a time; ValueError for anything else."""
    if not isinstance(text, str) or not re.fullmatch(r"\d{2}:\d{2}", text):
        raise ValueError(f"not a time of day as HH:MM: {text!r}")
    return time.fromisoformat(text)


class SettingsError(ValueError):
    """A settings file or override the console cannot use; the message names the key."""


def default_data_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def default_settings_path() -> Path:
    return platformdirs.user_config_path(APP_NAME, appauthor=False) / "settings.toml"


def settings_file() -> Path:
    """The settings file this process reads: RTIC_SETTINGS when set, else the default."""
    return Path(os.environ.get("RTIC_SETTINGS") or default_settings_path())


def default_database_file() -> Path:
    return default_data_dir() / "rtic-console.db"


def default_database_url() -> str:
    return f"sqlite:///{default_database_file()}"


@dataclass(frozen=True)
class Settings:
    """Every setting the console reads, with its meaning."""

    database_url: str = field(default_factory=default_database_url, metadata={
        "help": "SQLAlchemy URL; sqlite:///path or postgresql+psycopg2://user@host/db"})
    read_replica_url: str = field(default="", metadata={
        "help": "PostgreSQL read replica for searches, the map and the dashboard (empty: "
                "none); writes and audit events always go to database_url"})
    workstation: str = field(default_factory=socket.gethostname, metadata={
        "help": "Name of this workstation, recorded in audit events"})
    lockout_threshold: int = field(default=5, metadata={
        "help": "Failed sign-ins in a row that lock an account"})
    lockout_minutes: int = field(default=15, metadata={
        "help": "How long a locked account stays locked"})
    clets_valid_days: int = field(default=730, metadata={
        "help": "Days a CLETS course counts before recertification"})
    alpr_valid_days: int = field(default=730, metadata={
        "help": "Days ALPR training counts before it must be repeated"})
    db_check_seconds: float = field(default=3.0, metadata={
        "help": "How often the console checks that the database answers"})
    hit_warn_seconds: int = field(default=120, metadata={
        "help": "Age at which an unworked hit turns amber in the queue (D.5.a)"})
    hit_overdue_seconds: int = field(default=300, metadata={
        "help": "Age at which an unworked hit turns red and is called overdue (D.5.a)"})
    hit_group_minutes: int = field(default=5, metadata={
        "help": "Reads of the same vehicle on the same hot list entry within these minutes of "
                "an open hit's read are sightings of that hit, not new hits"})
    hit_escalate_unclaimed_minutes: int = field(default=5, metadata={
        "help": "Minutes a hit may stay unclaimed before the headless service escalates it to "
                "the sergeant on duty (D.5.a)"})
    hit_escalate_unfinished_minutes: int = field(default=20, metadata={
        "help": "Minutes a claimed hit may stay neither confirmed nor closed before it is "
                "escalated to the sergeant on duty (D.5.a)"})
    hit_sound: bool = field(default=False, metadata={
        "help": "Play a tone on this workstation when a new hit arrives (each person may "
                "silence it for themselves)"})
    max_substitutions: int = field(default=1, metadata={
        "help": "OCR-equivalent substitutions a hit may need (0 exact only; at most 2)"})
    map_tile_url: str = field(default=OSM_TILE_URL, metadata={
        "help": "Map tile server URL with {z}, {x} and {y} (http, https or file); empty "
                "for a plain background on a closed network"})
    map_tile_attribution: str = field(default="© OpenStreetMap contributors", metadata={
        "help": "Credit the tile server requires, shown in the map's corner (plain text)"})
    map_max_points: int = field(default=100_000, metadata={
        "help": "Most reads the map draws at once, newest first (1,000 to 500,000)"})
    hotlist_max_shrink_share: float = field(default=0.10, metadata={
        "help": "Share of a hot list's entries in force that one import may remove without "
                "an explicit confirmation (0 to 0.9)"})
    daily_jobs_at: str = field(default="03:00", metadata={
        "help": "Local time (HH:MM) when the headless service does its daily work (a signed "
                "checkpoint of the audit trail and the retention purge)"})
    audit_public_keys: tuple[str, ...] = field(default=(), metadata={
        "help": "Department public keys that audit checkpoints may be signed with "
                "(ed25519:BASE64, as `audit key show` prints them); the key in this "
                "machine's keyring counts too"})

    def __post_init__(self) -> None:
        for name in ("lockout_threshold", "lockout_minutes", "clets_valid_days",
                     "alpr_valid_days", "hit_warn_seconds", "hit_overdue_seconds",
                     "hit_group_minutes", "hit_escalate_unclaimed_minutes",
                     "hit_escalate_unfinished_minutes"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise SettingsError(f"setting {name} must be a whole number of at least 1")
        if not isinstance(self.db_check_seconds, int | float) or self.db_check_seconds <= 0:
            raise SettingsError("setting db_check_seconds must be a positive number")
        if not isinstance(self.hit_sound, bool):
            raise SettingsError("setting hit_sound must be true or false")
        if self.max_substitutions not in (0, 1, 2):
            raise SettingsError("setting max_substitutions must be 0, 1 or 2")
        if self.hit_overdue_seconds <= self.hit_warn_seconds:
            raise SettingsError("setting hit_overdue_seconds must exceed hit_warn_seconds")
        share = self.hotlist_max_shrink_share
        if isinstance(share, bool) or not isinstance(share, int | float) \
                or not 0 <= share <= 0.9:
            raise SettingsError("setting hotlist_max_shrink_share must be a share from 0 to 0.9")
        try:
            time_of_day(self.daily_jobs_at)
        except ValueError:
            raise SettingsError("setting daily_jobs_at must be a time of day as HH:MM, such as "
                                "03:00") from None
        if not self.workstation or len(self.workstation) > 80:
            raise SettingsError("setting workstation must be 1 to 80 characters")
        self._check_map()
        keys = self.audit_public_keys
        if not isinstance(keys, list | tuple) or not all(isinstance(k, str) for k in keys):
            raise SettingsError("setting audit_public_keys must be a list of keys")
        for text in keys:
            try:
                parse_public_key(text)
            except KeyFormatError as exc:
                raise SettingsError(f"setting audit_public_keys: {exc}") from None
        object.__setattr__(self, "audit_public_keys", tuple(keys))

    @property
    def daily_time(self) -> time:
        return time_of_day(self.daily_jobs_at)

    @property
    def hit_group_window(self) -> timedelta:
        """How close to an open hit's read a read of its vehicle is one of its sightings:
        the same for the ingest service, file loads and quarantine replays on a machine."""
        return timedelta(minutes=self.hit_group_minutes)

    def _check_map(self) -> None:
        url = self.map_tile_url
        if not isinstance(url, str) or len(url) > 500 or any(c.isspace() for c in url) or (
                url and (urlsplit(url).scheme not in ("http", "https", "file")
                         or not all(k in url for k in ("{z}", "{x}", "{y}")))):
            raise SettingsError("setting map_tile_url must be empty or one http, https or file "
                                "URL of at most 500 characters with {z}, {x} and {y}")
        text = self.map_tile_attribution
        # Leaflet shows the attribution as HTML inside the page that holds the Qt bridge.
        if not isinstance(text, str) or len(text) > 200 or any(c in text for c in "<>&\"\n"):
            raise SettingsError("setting map_tile_attribution must be plain text of at most "
                                "200 characters (no < > & or quotes)")
        if url and not text.strip():
            raise SettingsError("setting map_tile_attribution must credit the tile server "
                                "(its terms require it)")
        if not isinstance(self.map_max_points, int) or isinstance(self.map_max_points, bool) \
                or not 1_000 <= self.map_max_points <= 500_000:
            raise SettingsError("setting map_max_points must be a whole number from 1000 to "
                                "500000")


_ENV = {"database_url": "RTIC_DATABASE_URL", "read_replica_url": "RTIC_READ_REPLICA_URL",
        "workstation": "RTIC_WORKSTATION"}


def _refuse_file_password(path: Path, key: str, url: object) -> None:
    """Passwords are never read from a file: the keyring, RTIC_DB_PASSWORD or a prompt."""
    if not isinstance(url, str):
        return
    try:
        parts = urlsplit(url)
        password = parts.password or _QUERY_PASSWORD.search(parts.query)
    except ValueError:
        return  # not a URL at all: the database layer names what is wrong with it
    if password:
        raise SettingsError(
            f"settings file {path}: {key} holds a password, and passwords are never "
            "read from a file. Remove it from the URL and keep it in the OS keyring (service "
            "rtic-console, user USER@HOST:PORT/DB), or set RTIC_DB_PASSWORD")


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """Defaults, then the TOML file, then RTIC_* variables, then explicit overrides."""
    values: dict[str, Any] = {}
    path = path or settings_file()
    if path.exists():
        try:
            values.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"settings file {path} is not valid TOML: {exc}") from None
    known = {f.name for f in dataclasses.fields(Settings)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise SettingsError(f"settings file {path} has unknown keys: {', '.join(unknown)}")
    for key in ("database_url", "read_replica_url"):
        _refuse_file_password(path, key, values.get(key))
    for name, env in _ENV.items():
        if os.environ.get(env):
            values[name] = os.environ[env]
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Settings(**values)
    except TypeError as exc:
        raise SettingsError(str(exc)) from None
