"""The settings file: a password in its database URL is refused, as the README promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from rtic_console.config import SettingsError, load_settings


@pytest.mark.parametrize("url", ["postgresql://rtic:hunter2@db.example/rtic",
                                 "postgresql://rtic@db.example/rtic?password=hunter2"])
def test_a_password_in_the_settings_files_database_url_is_refused(tmp_path: Path,
                                                                  url: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(f'database_url = "{url}"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="database_url holds a password") as info:
        load_settings(path)
    assert "hunter2" not in str(info.value), "the refusal does not repeat the password"
    assert "keyring" in str(info.value)


def test_a_database_url_without_password_is_read(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('database_url = "postgresql://rtic@db.example/rtic"\n'
                    'workstation = "RTIC-WS-07"\n', encoding="utf-8")
    settings = load_settings(path)
    assert settings.database_url == "postgresql://rtic@db.example/rtic"
    assert settings.workstation == "RTIC-WS-07"
