"""The terminology glossary: its entries, the TSV files they are kept in, and their validation.

A glossary file is tab-separated, one concept per row, so that one file serves all three directions
and a change shows as a one-line diff (the format is documented in ``glossaries/README.md``)::

    # comments and blank lines are allowed
    id     nl          fr           de     en     fr!             de!    en!    case    dnt  note
    daesh  Daesh|ISIS  Daech|Daesh  Daesh  Daesh  État islamique  ISIS   ISIS   exact        ...
    f-16   F-16                                                          strict  yes  ...

A cell holds the approved term first, then ``|``-separated allowed variants; ``xx!`` columns hold
the forbidden terms of language ``xx``. Loading collects every problem of every file, each with its
file and line, and raises them together in one :class:`~mt.core.errors.GlossaryError`.

An entry's model and the TSV rows live in :mod:`.entries`, and are re-exported here; this module
holds the loaded :class:`Glossary` and the loading, which reads the other formats through
:mod:`.formats`.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from mt.core.errors import GlossaryError, MtError
from mt.terminology.entries import (
    COLUMNS,
    GLOSSARY_SUFFIXES,
    SOURCE_LANG,
    TARGET_LANGS,
    Entry,
    TargetTerms,
    cross_check,
    entry_from_row,
    in_file_order,
    normalize_term,
    parse_tsv,
    read_glossary_text,
    slug,
)
from mt.terminology.matching import SourceMatcher, TermMatch
from mt.terminology.terms import SegmentTerms


@dataclass(frozen=True)
class Glossary:
    """A set of entries; finds them in Dutch text and says what a translation must hold."""

    entries: tuple[Entry, ...] = ()
    version: str = field(default="")  # a hash of the normalised content: part of cache keys
    paths: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if not self.version:
            object.__setattr__(self, "version", content_version(self.entries))

    @cached_property
    def _matcher(self) -> SourceMatcher:
        with collector_paused():
            return SourceMatcher(self.entries)

    def build_matcher(self) -> None:
        """Compile the Dutch terms into the matcher now, not on the first match."""
        self._matcher  # noqa: B018 (the property builds and keeps it)

    def matches(self, source_text: str) -> list[TermMatch]:
        """The entries found in ``source_text``, left to right, longest match first, no overlaps."""
        return self._matcher.find(source_text)

    def requirements(self, source_text: str, lang: str, *, remember: bool = False) -> SegmentTerms:
        """What a translation of ``source_text`` into ``lang`` must (and must not) hold.

        One :class:`~mt.terminology.terms.RequiredTerm` per matched entry (do-not-translate entries
        ask for the Dutch form as it stands in the source, ``copy=True``), and the forbidden terms
        of the matched entries only: a forbidden term is a wrong translation *of that term*, not a
        word banned from every text ("ISIS" may stand in a quoted organisation name elsewhere). The
        Dutch variants of an entry ("IS", "Islamitische Staat") carry the policy to the source side.
        ``remember=True`` keeps what was found in ``source_text`` for the next call on it, in
        another language (a bounded memo: a source checked against its French, German, English).
        """
        return self._matcher.requirements(source_text, lang, remember=remember)

    def entry(self, entry_id: str) -> Entry:
        for entry in self.entries:
            if entry.id == entry_id:
                return entry
        raise KeyError(entry_id)

    @property
    def languages(self) -> tuple[str, ...]:
        """The target languages any entry has terms for, in the order of ``TARGET_LANGS``."""
        present = {lang for entry in self.entries for lang in entry.targets}
        return tuple(lang for lang in TARGET_LANGS if lang in present) + tuple(
            sorted(present - set(TARGET_LANGS))
        )

    def __len__(self) -> int:
        return len(self.entries)


def content_version(entries: Sequence[Entry]) -> str:
    """A short hash of what the entries say (not where they are written)."""
    # (the repr of plain tuples, strings and booleans: as exact as JSON, and a third of its time)
    content = [
        (
            entry.id,
            entry.source,
            [
                (lang, terms.approved, terms.variants, terms.forbidden)
                for lang, terms in sorted(entry.targets.items())
            ],
            entry.case.value,
            entry.dnt,
            entry.note,
        )
        for entry in entries
    ]
    return hashlib.sha256(repr(content).encode("utf-8")).hexdigest()[:16]


EMPTY_GLOSSARY = Glossary()


def default_glossary_dir() -> Path:
    """The shipped ``glossaries/``: installed from a wheel as ``mt/glossaries``, beside the
    package in a source checkout."""
    package = Path(__file__).resolve().parent.parent  # mt/
    installed = package / "glossaries"
    return installed if installed.is_dir() else package.parent / "glossaries"


# --------------------------------------------------------------------------- loading


def expand_paths(paths: Sequence[Path | str]) -> list[Path]:
    """Files as given, folders replaced by their glossary files (sorted); missing paths are kept."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            children = (child for child in path.iterdir() if child.is_file())
            found.extend(sorted(c for c in children if c.suffix.lower() in GLOSSARY_SUFFIXES))
        else:
            found.append(path)
    return found


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block, then as it was.

    Loading a glossary and building its matcher make many objects that all live on, and no
    garbage cycles: each full collection on the way walks every object made so far, for nothing.
    Paused, ``mt check`` on one release reached its verdict in 2.5-2.8 s instead of 3.3-3.8 s with
    a 50,000-entry glossary, and in 0.31 s instead of 0.36 s with 5,000 (benchmarks/README.md).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_glossary(paths: Sequence[Path | str] | None = None) -> Glossary:
    """Load glossary files and folders (``None``: the shipped ``glossaries/``) into one glossary.

    ``.tsv`` files are this project's format; ``.tbx`` and ``.csv`` are imported on the fly
    (:mod:`mt.terminology.formats`). Every problem in every file is collected first, then raised
    together as one :class:`~mt.core.errors.GlossaryError`.
    """
    with collector_paused():
        return _load_glossary(paths)


def _load_glossary(paths: Sequence[Path | str] | None) -> Glossary:
    files = expand_paths([default_glossary_dir()] if paths is None else paths)
    problems: list[MtError] = []
    entries: list[Entry] = []
    for path in files:
        if path.suffix.lower() in (".tbx", ".csv"):
            from mt.terminology.formats import read_entries  # only for foreign formats

            try:
                file_entries, file_problems = read_entries(path)
            except MtError as error:
                problems.append(error)
                continue
            entries.extend(file_entries)
            problems.extend(file_problems)
            continue
        try:
            text = read_glossary_text(path)
        except MtError as error:
            problems.append(error)
            continue
        file_entries, file_problems = parse_tsv(text, path)
        entries.extend(file_entries)
        problems.extend(file_problems)
    problems.extend(cross_check(entries))
    if problems:
        raise GlossaryError(in_file_order(problems, files))
    return Glossary(tuple(entries), paths=tuple(str(path) for path in files))


# What this module has always offered, the entry model re-exported from .entries among it.
__all__ = [
    "COLUMNS",
    "EMPTY_GLOSSARY",
    "GLOSSARY_SUFFIXES",
    "SOURCE_LANG",
    "TARGET_LANGS",
    "Entry",
    "Glossary",
    "TargetTerms",
    "collector_paused",
    "content_version",
    "cross_check",
    "default_glossary_dir",
    "entry_from_row",
    "expand_paths",
    "in_file_order",
    "load_glossary",
    "normalize_term",
    "parse_tsv",
    "read_glossary_text",
    "slug",
]
