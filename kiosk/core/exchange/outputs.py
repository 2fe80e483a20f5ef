"""Output files that stay what they are: checked paths, atomic writes beside the target.

Every command that writes a file the user names (``bundle --out``, ``export``, ``build-db --out``,
backups) writes a temporary file beside the target and renames it over the target at the end, so a
failed run leaves the old file. A rename replaces *whatever* is at the path, though: run as root,
``kiosk bundle --out /dev/full`` turned the device node into a regular file. So the path is checked
first (:func:`check_output`):

* a new name, or an existing **regular file**, is fine; the parent folder is created if missing;
* a symlink is followed: the file it points to is written, the link stays a link;
* a directory, a device, a FIFO or a socket is refused with a one-line :class:`OutputError`, as is
  a parent folder that cannot be written.

:func:`atomic_output` checks again just before the rename and turns any OSError into OutputError.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from kiosk.core.errors import KioskError


class OutputError(KioskError):
    """An output path cannot be written as a regular file; nothing was written."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def check_output(path: Path, *, what: str = "output") -> Path:
    """The file to write for output ``path`` (a symlink's target); raise OutputError if it cannot be one.

    Creates the parent folder when it is missing.
    """
    path = Path(path)
    target = path.resolve() if path.is_symlink() else path.absolute()
    try:
        mode: int | None = os.stat(target).st_mode
    except (FileNotFoundError, NotADirectoryError):
        mode = None  # a new file (its folder is checked below)
    except OSError as exc:
        raise OutputError(f"{what} {path}: cannot be checked: {_reason(exc)}") from exc
    if mode is not None and not stat.S_ISREG(mode):
        fix = "give a file name inside it" if stat.S_ISDIR(mode) else "give the path of a regular file"
        raise OutputError(f"{what} {path} is {_kind(mode)}, not a file; {fix}")
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{what} {path}: cannot create the folder {parent}: {_reason(exc)}") from exc
    if not parent.is_dir():
        raise OutputError(f"{what} {path}: {parent} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"{what} {path}: the folder {parent} cannot be written (permission denied); "
                          "choose another place or fix its permissions")
    return target


def check_output_dir(path: Path, *, what: str = "output folder") -> Path:
    """The folder to write into for output ``path``: an existing or new directory that can be written."""
    path = Path(path)
    target = path.resolve()
    if target.exists() and not target.is_dir():
        raise OutputError(f"{what} {path} is not a folder; give a folder path (it is created if missing)")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{what} {path}: cannot create it: {_reason(exc)}") from exc
    if not os.access(target, os.W_OK | os.X_OK):
        raise OutputError(f"{what} {path} cannot be written (permission denied); choose another place")
    return target


@contextlib.contextmanager
def atomic_output(path: Path, *, what: str = "output") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` (checked twice) atomically.

    On any failure the temporary file is removed and the old file is left as it was. OSError
    (disk full, permission) becomes a one-line :class:`OutputError`.
    """
    target = check_output(path, what=what)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"{what} {path}: cannot write in {target.parent}: {_reason(exc)}") from exc
    os.close(fd)
    tmp = Path(name)
    with contextlib.suppress(OSError):  # mkstemp makes 0600; keep the old file's mode, else rw-r--r--
        os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode) if target.exists() else 0o644)
    try:
        try:
            yield tmp
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            check_output(path, what=what)  # nothing became a device or a folder in the meantime
            os.replace(tmp, target)
        except OSError as exc:
            raise OutputError(f"{what} {path}: cannot be written: {_reason(exc)}; nothing was changed") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def replace_file(src: Path, path: Path, *, what: str = "output") -> None:
    """Move the finished file ``src`` (same file system) over output ``path``, checked as above."""
    target = check_output(path, what=what)
    try:
        os.replace(src, target)
    except OSError as exc:
        raise OutputError(f"{what} {path}: cannot be written: {_reason(exc)}") from exc
