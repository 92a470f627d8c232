"""Files that appear whole exactly when their audit event commits: staged beside the target,
moved into place after commit, removed if the transaction ends any other way."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from rtic_console.services.context import InputRejected
from rtic_console.store.private_files import FOLDER_MODE

logger = logging.getLogger(__name__)


def staged_file(path: Path, data: bytes) -> Path:
    """The bytes in a hidden 0600 file beside the target, flushed to disk, ready to rename."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return Path(name)


def staged_folder(path: Path, files: dict[str, bytes]) -> Path:
    """The files in a hidden 0700 folder beside the target (each 0600), ready to rename."""
    folder = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part"))
    try:
        os.chmod(folder, FOLDER_MODE)
        for name, data in files.items():
            staged_file(folder / name, data).rename(folder / name)
    except BaseException:
        _remove(folder)
        raise
    return folder


def _remove(staged: Path) -> None:
    with contextlib.suppress(OSError):
        if staged.is_dir():
            shutil.rmtree(staged)
        else:
            staged.unlink()


def publish_on_commit(session: Session, staged: Path, target: Path, what: str) -> None:
    """Move the staged file or folder into place when the session commits the audit event
    that records it; delete it if the transaction ends any other way. A savepoint's end
    decides nothing. `what` names it in the message if the move fails."""
    settled = False

    def publish(sess: Session) -> None:
        nonlocal settled
        if settled or sess.in_nested_transaction():
            return
        settled = True
        try:
            os.replace(staged, target)
        except OSError as exc:
            _remove(staged)
            logger.error("%s audited but not written: %s", what, type(exc).__name__)
            raise InputRejected(f"file: the {what} is audited but {target} could not be "
                                f"written: {exc.strerror}; export again") from None

    def discard(_sess: Session, transaction: SessionTransaction) -> None:
        nonlocal settled
        if settled or transaction.parent is not None:
            return
        settled = True
        _remove(staged)

    event.listen(session, "after_commit", publish)
    event.listen(session, "after_transaction_end", discard)
