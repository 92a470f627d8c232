"""Files and folders readable by their owner only (0600 and 0700 on POSIX): the SQLite
database, the ingest spool, recordings and exports hold plates, video and credentials."""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(path: str | Path) -> Path:
    """Creates the folder and any missing parents as 0700; a folder that already exists
    (an export destination someone chose) keeps its own permissions."""
    folder = Path(path)
    missing = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for part in reversed(missing):
        try:
            part.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            continue  # made meanwhile by someone else: theirs to set
        os.chmod(part, FOLDER_MODE)  # mkdir's mode is cut by the umask; say it exactly
    return folder


def private_file(path: str | Path) -> Path:
    """Creates an empty file as 0600 if it is missing, and makes an existing one 0600, so a
    library that opens it for writing afterwards (SQLite, OpenCV) keeps that mode."""
    target = Path(path)
    private_folder(target.parent)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT, FILE_MODE)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return target


def write_private(path: str | Path, data: bytes) -> Path:
    """Writes the whole file, created 0600 (replacing what was there)."""
    target = private_file(path)
    with open(target, "wb") as handle:
        handle.write(data)
    return target
