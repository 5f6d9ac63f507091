"""Test sets: Dutch sources with reference translations, by name or from the user's own files.

A test set is named in one of three ways, wherever ``mt bench`` takes ``--testset``::

    flores200-devtest                  # a registered set, read from eval/ (compressed, checksummed)
    src.nl.txt,ref.fr.txt              # two line files of equal length
    pairs.tsv                          # source<TAB>reference on each line

The registered sets are multi-way parallel, so one name serves every target language; user sets have
one reference language, which the caller states (``lang``).

The data folder is ``$MT_EVAL_DIR`` when set, else ``eval/`` beside the ``mt`` package (the
repository root of a checkout or an editable install); see ``eval/README.md``.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from mt.core.errors import InputError, Location
from mt.core.files import describe_encoding, read_bytes

SOURCE_LANG = "nl"

# FLORES-200 file suffixes per language code used by the rest of mt
FLORES_CODES = {"nl": "nld_Latn", "en": "eng_Latn", "fr": "fra_Latn", "de": "deu_Latn"}

# registered name -> FLORES split; the data is found under <eval dir>/flores200/
REGISTERED = {
    "flores200-dev": "dev",
    "flores200-devtest": "devtest",
}


@dataclass(frozen=True)
class TestSet:
    """Aligned sources and references for one direction (``nl`` -> ``lang``)."""

    __test__ = False  # not a pytest test class, despite the name

    name: str
    lang: str
    sources: tuple[str, ...]
    references: tuple[str, ...]
    origin: str  # where it was read from, for reports

    def __len__(self) -> int:
        return len(self.sources)


def known_testsets() -> list[str]:
    """The registered test set names, sorted."""
    return sorted(REGISTERED)


def eval_dir() -> Path:
    """The folder of the registered test sets (``$MT_EVAL_DIR``, or ``eval/`` beside ``mt/``)."""
    override = os.environ.get("MT_EVAL_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent.parent / "eval"


def load_testset(spec: str, lang: str, *, limit: int | None = None) -> TestSet:
    """The test set ``spec`` (registered name, ``src,ref`` files, or a TSV) for ``nl`` -> ``lang``.

    ``limit`` keeps the first N segments. Raises :class:`InputError` for an unknown name, a
    missing or damaged file, files of different lengths, or an empty set.
    """
    if limit is not None and limit < 1:
        raise InputError(f"--limit must be at least 1, not {limit}")
    if spec in REGISTERED:
        testset = _load_flores(spec, lang)
    elif "," in spec:
        testset = _load_pair(spec, lang)
    elif spec.endswith(".tsv") and Path(spec).is_file():
        testset = _load_tsv(Path(spec), lang)
    else:
        known = ", ".join(known_testsets())
        raise InputError(
            f"unknown test set {spec!r}: known names are {known}; "
            "or give SRC,REF line files or a SRC<TAB>REF .tsv file"
        )
    if limit is not None:
        testset = TestSet(
            testset.name,
            testset.lang,
            testset.sources[:limit],
            testset.references[:limit],
            testset.origin,
        )
    return testset


def _load_flores(name: str, lang: str) -> TestSet:
    code = FLORES_CODES.get(lang)
    if code is None or lang == SOURCE_LANG:
        targets = ", ".join(sorted(set(FLORES_CODES) - {SOURCE_LANG}))
        raise InputError(f"test set {name!r} has no references for {lang!r}; it has {targets}")
    split = REGISTERED[name]
    folder = eval_dir() / "flores200"
    source_file = folder / f"{split}.{FLORES_CODES[SOURCE_LANG]}.gz"
    reference_file = folder / f"{split}.{code}.gz"
    checksums = _read_checksums(folder / "SHA256SUMS")
    sources = _read_gzip_lines(source_file, checksums)
    references = _read_gzip_lines(reference_file, checksums)
    _check_aligned(source_file, sources, reference_file, references)
    return TestSet(name, lang, tuple(sources), tuple(references), f"{source_file},{reference_file}")


def _read_checksums(path: Path) -> dict[str, str]:
    if not path.is_file():
        raise InputError(
            "the evaluation data is not there: set MT_EVAL_DIR to a copy of the repository's eval/ "
            "folder (see eval/README.md)",
            Location(path),
        )
    checksums = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            checksums[name.strip().lstrip("*")] = digest
    return checksums


def _read_gzip_lines(path: Path, checksums: dict[str, str]) -> list[str]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("test set file not found (see eval/README.md)", Location(path)) from None
    # A changed file would silently change every score computed on it, so refuse it.
    if hashlib.sha256(data).hexdigest() != checksums.get(path.name):
        raise InputError(
            "checksum does not match SHA256SUMS: the file is damaged or was edited; "
            "restore it from the repository",
            Location(path),
        )
    return _lines(gzip.decompress(data).decode("utf-8").splitlines())


def _lines(lines: Iterable[str]) -> list[str]:
    # Trailing whitespace is dropped as sacrebleu's command line does, so scores agree with it.
    return [line.rstrip() for line in lines]


def read_lines(path: Path, *, encoding: str = "utf-8") -> list[str]:
    """The lines of a text file, trailing whitespace removed (as sacrebleu reads them). A FIFO or
    device is refused rather than waited on; a UTF-16 file is called that."""
    if not os.path.lexists(path):
        raise InputError("file not found", Location(path))
    data = read_bytes(Path(path))  # a folder, a link loop, a FIFO: named
    try:
        text = data.decode(encoding)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}", Location(path)) from None
    except UnicodeDecodeError as error:
        guess = describe_encoding(data)
        if guess is not None:
            raise InputError(
                f"{guess.upper()} text, not {encoding}; save it as UTF-8", Location(path)
            ) from None
        raise InputError(f"not valid {encoding} text: {error.reason}", Location(path)) from None
    # Lines end at line feeds only (open(newline="\n") as before): a stray carriage return or
    # form feed stays inside its line, as sacrebleu's reader keeps it.
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the last line's ending, or an empty file
    return _lines(lines)


def _load_pair(spec: str, lang: str) -> TestSet:
    parts = [part for part in spec.split(",") if part]
    if len(parts) != 2:
        raise InputError(f"test set {spec!r}: expected SRC,REF (two files separated by a comma)")
    source_file, reference_file = (Path(part) for part in parts)
    sources = read_lines(source_file)
    references = read_lines(reference_file)
    _check_aligned(source_file, sources, reference_file, references)
    return TestSet(spec, lang, tuple(sources), tuple(references), spec)


def _load_tsv(path: Path, lang: str) -> TestSet:
    sources, references = [], []
    for number, line in enumerate(read_lines(path), 1):
        fields = line.split("\t")
        if len(fields) != 2:
            raise InputError(
                f"expected 2 tab-separated columns (source, reference), found {len(fields)}",
                Location(path, number),
            )
        sources.append(fields[0].strip())
        references.append(fields[1].strip())
    if not sources:
        raise InputError("test set is empty", Location(path))
    return TestSet(str(path), lang, tuple(sources), tuple(references), str(path))


def _check_aligned(
    source_file: Path, sources: list[str], reference_file: Path, references: list[str]
) -> None:
    if not sources:
        raise InputError("test set source is empty", Location(source_file))
    if len(sources) != len(references):
        raise InputError(
            f"source and reference differ in length: {source_file} has {len(sources)} lines, "
            f"{reference_file} has {len(references)}"
        )
