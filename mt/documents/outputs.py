"""Where translations go, and writing them all or none, never over work that mt did not write.

Planned before any work (:func:`plan_outputs`), so that a run which would lose something stops
before a model loads:

- two inputs that map to one output (``release.nl.txt`` and ``release.txt`` both to
  ``release.fr.txt``; ``d.txt`` and ``sub/d.txt`` into one ``--out``) are refused, naming both;
- an output that is one of the run's inputs (``mt translate x.nl.txt x.fr.txt --to fr``) is
  refused;
- an output that exists is replaced only if mt wrote it and nobody changed it since. Each folder
  that mt writes into keeps a record, ``.mt-outputs.json``, of the files mt wrote there and the
  SHA-256 of the bytes it wrote. A file that is not in the record (a human translation), or
  whose bytes no longer match it (a draft someone post-edited), is someone's work: it is left
  alone unless ``--overwrite`` says otherwise. A lost or broken record errs on the safe side
  (the next run asks for ``--overwrite``); it never lets a file through that mt did not write.

A content hash in a side file rather than a marker in the output: a marker would change the
translation itself (plain text has no place for one), and a hash also tells a post-edited draft
from an untouched one. Written (:func:`write_outputs`) as one transaction: every output, and each
folder's updated record, first goes to a temporary file beside its target; only when all are
written are they renamed into place. A failure (a full disk) or Ctrl-C while writing removes every
temporary file and leaves the old files as they were; the renames run with Ctrl-C held back
until they are done, and a rename that fails puts back what the earlier ones replaced.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from mt.core.errors import InputError, Location

RECORD_NAME = ".mt-outputs.json"
_RECORD_FORMAT = 1


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_record(folder: Path) -> dict[str, str]:
    """File name -> SHA-256 of what mt last wrote there, from ``folder``'s record (empty when
    there is none or it cannot be read: then no file counts as mt's)."""
    try:
        document = json.loads((folder / RECORD_NAME).read_text(encoding="utf-8"))
        files = document["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    if not isinstance(files, dict):
        return {}
    return {str(name): str(value) for name, value in files.items()}


def written_by_mt(path: Path, record: Mapping[str, str] | None = None) -> bool:
    """Whether ``path`` holds exactly the bytes mt last recorded writing there."""
    recorded = (read_record(path.parent) if record is None else record).get(path.name)
    if recorded is None:
        return False
    try:
        return digest(path.read_bytes()) == recorded
    except OSError:
        return False


@dataclass(frozen=True)
class Planned:
    """One output of a run: the input it translates, into which language, and where."""

    source: str
    lang: str
    path: Path


def plan_outputs(planned: Sequence[Planned], inputs: Sequence[Path], *, overwrite: bool) -> None:
    """Refuse, before any work, a plan that would lose something (see the module docstring);
    every problem at once, each naming the files."""
    problems: list[str] = []
    claimed: dict[Path, Planned] = {}
    refused: set[Path] = set()
    # Inputs by identity (device and inode: a link or another spelling is the same file) and by
    # resolved path: one lookup an output, not a stat of every input for each of them.
    by_identity: dict[tuple[int, int], Path] = {}
    for path in inputs:
        with contextlib.suppress(OSError):
            status = os.stat(path)
            by_identity.setdefault((status.st_dev, status.st_ino), path)
    by_path = {path.resolve(): path for path in inputs}
    for output in planned:
        key = output.path.resolve()
        earlier = claimed.setdefault(key, output)
        if earlier is not output:
            refused.add(key)
            problems.append(
                f"{earlier.source} and {output.source} would both be translated into "
                f"{output.path}: translate them in separate runs or into different --out folders"
            )
            continue
        clash = by_path.get(key)
        if clash is None:
            with contextlib.suppress(OSError):
                status = os.stat(output.path)
                clash = by_identity.get((status.st_dev, status.st_ino))
        if clash is not None:
            refused.add(key)
            problems.append(
                f"the {output.lang} translation of {output.source} would overwrite {clash}, "
                "an input of this run; rename the input (e.g. release.nl.txt) or use --out"
            )
    if not overwrite:
        records: dict[Path, dict[str, str]] = {}
        for key, output in claimed.items():
            if key in refused or not output.path.exists():
                continue
            folder = output.path.parent
            record = records.setdefault(folder, read_record(folder))
            if not written_by_mt(output.path, record):
                edited = output.path.name in record
                problems.append(
                    f"{output.path} exists and "
                    + ("was changed since mt wrote it" if edited else "was not written by mt")
                    + " (a translator's work?): it is kept; pass --overwrite to replace it"
                )
    if problems:
        if len(problems) == 1:
            raise InputError(problems[0])
        raise InputError(
            f"{len(problems)} outputs would lose work:\n" + "\n".join(f"  {p}" for p in problems)
        )


def _write_temporary(path: Path, data: bytes) -> None:
    """Write ``data`` to the new file ``path`` (a seam the tests fail, as a full disk would)."""
    # open(..., "x") rather than mkstemp: the file gets the usual permissions, not 0600.
    with open(path, "xb") as handle:
        handle.write(data)


def _temporary_beside(path: Path, kind: str) -> Path:
    return path.parent / f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.{kind}"


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Ctrl-C waits until the block ends (then interrupts as usual), so renames finish as a set."""
    can_hold = threading.current_thread() is threading.main_thread() and hasattr(
        signal, "pthread_sigmask"
    )
    if not can_hold:
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def write_outputs(outputs: Sequence[tuple[Path, str]], *, record: bool = True) -> None:
    """Write every ``(path, text)`` (UTF-8) all or none, and, with ``record``, note in each
    folder's record what mt wrote. Raises an InputError naming the file and the reason when
    anything cannot be written; then nothing is changed and no temporary file is left."""
    files: dict[Path, bytes] = {Path(path): text.encode("utf-8") for path, text in outputs}
    if record:
        files |= _updated_records(files)
    made_folders: list[Path] = []
    temporaries: dict[Path, Path] = {}
    finished = False
    try:
        for path in files:
            _make_folder(path.parent, made_folders)
        for path, data in files.items():
            temporary = _temporary_beside(path, "tmp")
            temporaries[path] = temporary
            try:
                _write_temporary(temporary, data)
            except OSError as error:
                raise InputError(
                    f"cannot write {path.name} in this folder: {error.strerror or error}; "
                    "nothing was written (choose another folder with --out)",
                    Location(path.parent),
                ) from error
        with _interrupts_held():
            _rename_all(temporaries)
        finished = True
    finally:
        if not finished:
            for temporary in temporaries.values():
                with contextlib.suppress(OSError):
                    temporary.unlink(missing_ok=True)
            for folder in reversed(made_folders):
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only if still empty: it was made for this run


def _make_folder(folder: Path, made: list[Path]) -> None:
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(
            f"cannot create the output folder: {error.strerror}", Location(folder)
        ) from error
    made.extend(reversed(missing))


def _rename_all(temporaries: Mapping[Path, Path]) -> None:
    """Rename each temporary onto its target; if one rename fails, undo the ones done."""
    done: list[tuple[Path, Path | None]] = []  # (target, a link to the file it replaced)
    try:
        for path, temporary in temporaries.items():
            backup = None
            if path.exists():
                backup = _temporary_beside(path, "old")
                try:
                    os.link(path, backup)  # a second name for the old file: no copy, no space
                except OSError:
                    backup = None
            try:
                os.replace(temporary, path)
            except OSError as error:
                if backup is not None:
                    backup.unlink(missing_ok=True)
                raise InputError(
                    f"cannot write {path.name} in this folder: {error.strerror or error}; "
                    "nothing was written",
                    Location(path.parent),
                ) from error
            done.append((path, backup))
    except BaseException:
        for path, backup in reversed(done):
            with contextlib.suppress(OSError):
                if backup is not None:
                    os.replace(backup, path)
                else:
                    path.unlink()
        raise
    for _, backup in done:
        if backup is not None:
            with contextlib.suppress(OSError):
                backup.unlink()


def _updated_records(files: Mapping[Path, bytes]) -> dict[Path, bytes]:
    """Each output folder's record with the new files' hashes (and without files now gone)."""
    by_folder: dict[Path, dict[str, str]] = {}
    for path, data in files.items():
        by_folder.setdefault(path.parent, {})[path.name] = digest(data)
    records = {}
    for folder, new in by_folder.items():
        kept = {
            name: value
            for name, value in read_record(folder).items()
            if name not in new and (folder / name).exists()
        }
        document = {
            "format": _RECORD_FORMAT,
            "about": "files mt translate wrote here, with the SHA-256 of what it wrote: mt "
            "replaces a file only while it still holds those bytes (else: --overwrite)",
            "files": dict(sorted((kept | new).items())),
        }
        text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
        records[folder / RECORD_NAME] = text.encode("utf-8")
    return records
