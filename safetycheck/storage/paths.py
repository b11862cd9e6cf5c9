"""The data folder and private, atomic file writes.

The data folder comes from ``SAFETYCHECK_HOME`` (for example an encrypted USB stick) or the
platform's user data folder. Folders are created with mode 0700 and files with 0600 where
the operating system supports modes; every write goes to a temporary file in the same
folder, is flushed to disk and then renamed over the target, so a crash or power cut never
leaves a half-written file in place.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ENV_HOME = "SAFETYCHECK_HOME"
POSIX = os.name == "posix"


def home() -> Path:
    """The data folder (not created)."""
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("safetycheck", appauthor=False, roaming=False))


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) and make it readable by the owner only."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if POSIX:
        os.chmod(path, 0o700)
    return path


def _fsync_dir(folder: Path) -> None:
    if not POSIX:
        return  # Windows cannot open a folder for fsync; NTFS journals the rename.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to a 0600 temporary file beside ``path``, fsync, rename over ``path``."""
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)  # mkstemp creates 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if POSIX:
        os.chmod(path, 0o600)


def write_private(path: Path, data: bytes) -> None:
    """Atomically replace ``path`` with ``data`` in the data folder: 0600, flushed to disk."""
    private_dir(path.parent)
    _atomic_write(path, data)
    _fsync_dir(path.parent)


def secure_output_file(path: Path, data: bytes) -> None:
    """Write a report or bundle the user asked for: mode 0600, atomically.

    The parent folder is created 0700 only when safetycheck creates it; an existing folder
    the user chose (the Desktop, a USB stick) keeps its own mode.
    """
    if not path.parent.exists():
        private_dir(path.parent)
    _atomic_write(path, data)


def is_windows() -> bool:
    return sys.platform.startswith("win")
