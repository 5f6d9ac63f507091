"""Reading what a user names: one clear message for each way a file or folder cannot be read,
and never a wait on a FIFO (issue 19)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mt.core.errors import InputError, MtError
from mt.core.files import describe_encoding, read_bytes, walk_files
from mt.documents import find_documents, read_document
from mt.terminology.glossary import load_glossary

posix = pytest.mark.skipif(os.name != "posix", reason="needs FIFOs and symbolic links")


@contextlib.contextmanager
def fifo_watchdog(path: Path, seconds: float = 10.0) -> Iterator[None]:
    """If a reader still waits on the FIFO ``path`` after ``seconds``, open and close its writing
    end, so the reader gets end-of-file: code that waits on a FIFO fails the test, not hangs it."""
    done = threading.Event()

    def release() -> None:
        if done.wait(seconds):
            return
        while not done.is_set():
            try:
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:  # no reader at this instant
                time.sleep(0.05)

    thread = threading.Thread(target=release, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def _make(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / "release.nl.txt"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "loop":
        path.symlink_to(tmp_path / "other.nl.txt")
        (tmp_path / "other.nl.txt").symlink_to(path)
    elif kind == "missing":
        pass
    elif kind == "folder":
        path.mkdir()
    return path


@posix
@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("fifo", "is a named pipe (FIFO), not a file"),
        ("loop", "a symbolic link loop"),
        ("missing", "no such file or folder"),
        ("folder", "is a folder"),
    ],
)
def test_what_cannot_be_read_is_named(tmp_path: Path, kind: str, message: str) -> None:
    path = _make(tmp_path, kind)
    for read in (read_bytes, read_document):
        with pytest.raises(InputError) as caught, fifo_watchdog(path):
            read(path)
        assert str(caught.value) == f"{path}: {message}" or (
            str(caught.value).startswith(f"{path}: {message}")
        )


@posix
@pytest.mark.parametrize("kind", ["fifo", "loop"])
def test_a_glossary_that_cannot_be_read_is_named(tmp_path: Path, kind: str) -> None:
    path = _make(tmp_path, kind).rename(tmp_path / "terms.tsv") if kind == "fifo" else None
    if path is None:
        path = tmp_path / "terms.tsv"
        path.symlink_to(path)
    with pytest.raises(MtError) as caught, fifo_watchdog(path):
        load_glossary([path])
    expected = "named pipe (FIFO)" if kind == "fifo" else "symbolic link loop"
    assert expected in str(caught.value)
    assert str(path) in str(caught.value)


@posix
@pytest.mark.parametrize(
    "args",
    [
        ["translate", "{fifo}", "--to", "fr"],
        ["check", "{fifo}", "{fifo_fr}"],
        ["glossary", "validate", "{fifo_tsv}"],
        ["glossary", "import", "{fifo_tsv}", "-o", "{out}"],
        ["translate", "{source}", "--to", "fr", "--out", "{out_dir}", "--glossary", "{fifo_tsv}"],
        ["check", "{source}", "{target}", "--glossary", "{fifo_tsv}"],
        ["score", "{fifo_fr}", "-r", "{target}"],
        ["score", "{target}", "-r", "{fifo_fr}"],
    ],
)
def test_a_fifo_on_the_command_line_is_refused_not_waited_on(tmp_path: Path, args) -> None:
    names = {
        "fifo": tmp_path / "fifo.nl.txt",
        "fifo_fr": tmp_path / "fifo.fr.txt",
        "fifo_tsv": tmp_path / "fifo.tsv",
        "source": tmp_path / "release.nl.txt",
        "target": tmp_path / "release.fr.txt",
        "out": tmp_path / "out.tsv",
        "out_dir": tmp_path / "out",
    }
    for key in ("fifo", "fifo_fr", "fifo_tsv"):
        os.mkfifo(names[key])
    names["source"].write_text("De minister is in Irak.\n", encoding="utf-8")
    names["target"].write_text("Le ministre est en Irak.\n", encoding="utf-8")
    argv = [arg.format(**names) for arg in args]
    # A subprocess with a time limit: the old code waited on the FIFO for ever.
    done = subprocess.run(
        [sys.executable, "-m", "mt", *argv], capture_output=True, text=True, timeout=120
    )
    # glossary validate reports what it found in a file (exit 1); the others stop (exit 2).
    assert done.returncode == (1 if "validate" in args else 2), done.stderr
    assert "named pipe (FIFO)" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


ENCODED = "De minister van Buitenlandse Zaken is in Irak.\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (ENCODED.encode("utf-16"), "utf-16"),  # with a byte-order mark
        (ENCODED.encode("utf-16-le"), "utf-16"),
        (ENCODED.encode("utf-16-be"), "utf-16"),
        (ENCODED.encode("utf-32"), "utf-32"),
        (ENCODED.encode("utf-8"), None),
        (ENCODED.encode("cp1252"), None),
        (b"\x00\x01\x02PK\x03\x04" * 20, None),  # binary
        (b"", None),
    ],
)
def test_describe_encoding(data: bytes, expected: str | None) -> None:
    assert describe_encoding(data) == expected


def test_a_utf16_document_is_called_utf16_with_the_option_that_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "release.nl.txt"
    path.write_bytes(ENCODED.encode("utf-16"))
    with pytest.raises(InputError) as caught:
        read_document(path)
    assert str(caught.value) == f"{path}: UTF-16 text, not utf-8; read it with --encoding utf-16"
    assert read_document(path, encoding="utf-16").units[0].text == ENCODED.strip()


def test_a_utf16_glossary_is_called_utf16(tmp_path: Path) -> None:
    path = tmp_path / "terms.tsv"
    path.write_text("id\tnl\tfr\nirak\tIrak\tIrak\n", encoding="utf-16")
    with pytest.raises(MtError) as caught:
        load_glossary([path])
    assert f"{path}: UTF-16 text; save the file as UTF-8" in str(caught.value)


def _unlistable(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """``folder`` cannot be listed, as a folder with mode 000 is for anyone but root (the tests
    may run as root, who reads everything)."""
    real = os.scandir

    def scandir(path=".", *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path) == folder:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unreadable_subfolder_is_an_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "docs" / "private").mkdir(parents=True)
    (tmp_path / "docs" / "a.nl.txt").write_text("Tekst.\n", encoding="utf-8")
    (tmp_path / "docs" / "private" / "b.nl.txt").write_text("Tekst.\n", encoding="utf-8")
    assert find_documents([tmp_path / "docs"]) == [
        tmp_path / "docs" / "a.nl.txt",
        tmp_path / "docs" / "private" / "b.nl.txt",
    ]
    _unlistable(monkeypatch, tmp_path / "docs" / "private")
    with pytest.raises(InputError) as caught:
        find_documents([tmp_path / "docs"])
    assert str(caught.value) == (
        f"{tmp_path / 'docs' / 'private'}: cannot read this folder inside "
        f"{tmp_path / 'docs'}: permission denied"
    )
    with pytest.raises(InputError):
        list(walk_files(tmp_path / "docs"))


@pytest.mark.parametrize("command", ["translate", "check"])
def test_an_unreadable_subfolder_stops_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    from click.testing import CliRunner

    from mt.cli import cli

    (tmp_path / "docs" / "private").mkdir(parents=True)
    (tmp_path / "docs" / "a.nl.txt").write_text("Tekst.\n", encoding="utf-8")
    (tmp_path / "docs" / "a.fr.txt").write_text("Texte.\n", encoding="utf-8")
    _unlistable(monkeypatch, tmp_path / "docs" / "private")
    args = [command, str(tmp_path / "docs")] + (["--to", "fr"] if command == "translate" else [])
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert f"{tmp_path / 'docs' / 'private'}: cannot read this folder" in result.stderr
    assert (tmp_path / "docs" / "a.fr.txt").read_text(encoding="utf-8") == "Texte.\n"
