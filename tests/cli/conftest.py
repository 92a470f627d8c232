"""Running the real `rtic-console` entry point against the test database, as a person."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rtic_console.cli.main import main
from rtic_console.store.database import Database
from tests.support import PASSWORD

Run = Callable[..., tuple[int, str, str]]


class CliRefused(Exception):
    """The command ended with exit code 2; the message is its one line on stderr."""


@pytest.fixture
def as_person(db: Database, enrol, monkeypatch: pytest.MonkeyPatch,
              capsys: pytest.CaptureFixture[str]) -> Run:
    """Run the CLI as `badge` (enrolled by the test): exit code, stdout, stderr."""
    monkeypatch.setenv("RTIC_PASSWORD", PASSWORD)
    url = db.url.render_as_string(hide_password=False)

    def run(badge: str, *argv: str) -> tuple[int, str, str]:
        code = main(["--database", url, "--as", badge, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def refused_by_cli(run: Run, badge: str, *argv: str) -> Callable[[], None]:
    """An attempt for `assert_refused`: raises CliRefused when the command exits with 2 and
    exactly one line on stderr (the console's one-line refusal)."""

    def attempt() -> None:
        code, _out, err = run(badge, *argv)
        if code == 2 and err.count("\n") == 1:
            raise CliRefused(err.strip())
        raise AssertionError(f"expected a one-line refusal (exit 2); got {code}: {err!r}")

    return attempt
