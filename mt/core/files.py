"""Reading the files and folders a user names, with one message for each way that fails.

``Path.exists`` answers False for a symbolic link loop and a permission problem alike, so a loop
read as "no such file"; ``os.walk`` and ``Path.rglob`` skip a folder they cannot list without a
word; and opening a FIFO waits for a writer that never comes. Everything here stats first and
names what it found::

    read_bytes(Path("release.nl.txt"))   # the bytes, or an InputError naming the path and why
    list(walk_files(Path("docs")))       # every file below docs/, or an InputError naming the
                                         # first folder or file that cannot be read
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from mt.core.errors import InputError, Location

_KINDS = {
    stat.S_ISFIFO: "a named pipe (FIFO)",
    stat.S_ISSOCK: "a socket",
    stat.S_ISCHR: "a character device",
    stat.S_ISBLK: "a block device",
}


def _reason(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "a symbolic link loop (the link points, in the end, back to itself)"
    if error.errno in (errno.ENOENT, errno.ENOTDIR):
        return "no such file or folder"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "cannot read it: permission denied"
    return f"cannot read it: {error.strerror or error}"


def file_status(path: Path) -> os.stat_result:
    """``os.stat`` of ``path`` (links followed), or an InputError saying why it cannot be had:
    missing, a symbolic link loop, permission denied."""
    try:
        return os.stat(path)
    except OSError as error:
        raise InputError(_reason(error), Location(path)) from None


def check_regular_file(path: Path, status: os.stat_result | None = None) -> None:
    """Refuse a folder, a FIFO, a socket or a device: reading one would fail or wait forever."""
    mode = (status or file_status(path)).st_mode
    if stat.S_ISDIR(mode):
        raise InputError(
            "is a folder; name a file, or use a folder only where a list is read", Location(path)
        )
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS.items() if test(mode)), "not a regular file")
        raise InputError(
            f"is {kind}, not a file; mt reads regular files only (pipe text to standard input "
            "with '-' where a command takes it)",
            Location(path),
        )


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file; an InputError for anything else (see :func:`file_status`)."""
    status = file_status(path)
    check_regular_file(path, status)
    try:
        # O_NONBLOCK: had the file been swapped for a FIFO since the stat, open must not wait.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise InputError(_reason(error), Location(path)) from None
    try:
        with open(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise InputError("is not a regular file", Location(path))
            return handle.read()
    except OSError as error:
        raise InputError(_reason(error), Location(path)) from None


def walk_files(folder: Path) -> Iterator[Path]:
    """Every file below ``folder``, hidden ones (``.name``) and those in hidden folders left out,
    raising an InputError for the first subfolder that cannot be listed rather than skipping it."""

    def refuse(error: OSError) -> None:
        where = error.filename or folder
        reason = _reason(error).removeprefix("cannot read it: ")
        raise InputError(f"cannot read this folder inside {folder}: {reason}", Location(where))

    file_status(folder)
    for root, folders, files in os.walk(folder, onerror=refuse):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def describe_encoding(data: bytes) -> str | None:
    """``"utf-16"`` or ``"utf-32"`` when ``data`` looks like text in that encoding (a byte-order
    mark, or a NUL beside most ASCII characters), else None: such files are not binary, only
    not UTF-8."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = data[:4096]
    half = len(sample) // 2
    if half < 2:
        return None
    if sample.count(0) >= 0.7 * len(sample):
        return "utf-32"  # three NULs in four bytes
    # Latin text in UTF-16 has a NUL in every other byte: the even bytes or the odd ones.
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if max(even, odd) >= 0.8 * half and min(even, odd) <= 0.1 * half:
        return "utf-16"
    return None


def same_file(first: Path, second: Path) -> bool:
    """Whether two paths name one file: the same inode when both exist (a symbolic or hard link,
    ``./a.csv`` beside ``a.csv``), else the same resolved path."""
    try:
        return os.path.samefile(first, second)
    except OSError:
        return Path(first).resolve() == Path(second).resolve()


def refuse_output_among_inputs(output: Path, inputs: Sequence[Path], option: str = "-o") -> None:
    """An InputError when ``output`` is one of ``inputs``: writing it would replace what is being
    read (``mt glossary import a.csv -o a.csv`` turned a CSV into TSV under its own name)."""
    for source in inputs:
        if same_file(output, source):
            raise InputError(
                f"{option} {output} is the input {source}; writing it would replace the file "
                "being read: choose another output file"
            )
