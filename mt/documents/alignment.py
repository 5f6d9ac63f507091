"""Pairing sources with translations: files by their names, document units by their structure.

Files: ``release.fr.md`` is a translation of ``release.nl.md`` (or ``release.md``) beside it; on the
command line ``SOURCE TRANSLATION...`` pairs explicitly. Units: equal counts pair by position;
otherwise a global alignment (Needleman-Wunsch) scores each pair by unit kind, shared anchors
(figures, capitalised names, which survive translation) and similar length, so a paragraph missing
in the middle shows as one gap, not as every later paragraph shifted by one::

    source:  title  p1(2024, Rome)  p2(670, USD)  p3(1.600, F-16)
    target:  title  p1(2024, Rome)                p3(1 600, F-16)
    pairs:   (0,0)  (1,1)           (2,None)      (3,2)
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mt.core.errors import InputError, Location, MtError
from mt.core.files import file_status, walk_files

if TYPE_CHECKING:
    from mt.documents import TextUnit

SOURCE_LANG = "nl"


def align_units(
    source: Sequence[TextUnit], target: Sequence[TextUnit]
) -> list[tuple[int | None, int | None]]:
    """Pairs of unit indexes (None where one side has no counterpart), in document order.

    Equal counts pair by position; otherwise see the module docstring.
    """
    if len(source) == len(target):
        return [(index, index) for index in range(len(source))]
    if len(source) * len(target) > _MAX_CELLS:
        # Too big to align cell by cell: align the kind sequences, then pair by position.
        return _align_by_kind(source, target)
    return _align_global(source, target)


def align_lines(
    source: Sequence[TextUnit], target: Sequence[TextUnit]
) -> list[tuple[int | None, int | None]] | None:
    """Pairs of unit indexes by line number, for line-aligned plain text: a translation that left
    one line empty (or blank, or a no-break space) holds one unit fewer, and every other unit on
    the line of its source. None when the lines do not say so: the units of one side must all
    stand on lines where the other side has units, and each line holds one unit at most.

        source lines:  1 title  2 p1  3 p2  4 p3
        target lines:  1 title  2 p1  3 (blank)  4 p3
        pairs:         (0,0)  (1,1)  (2,None)  (3,2)
    """
    source_lines = {unit.line: index for index, unit in enumerate(source)}
    target_lines = {unit.line: index for index, unit in enumerate(target)}
    if len(source_lines) != len(source) or len(target_lines) != len(target):
        return None
    if not (
        source_lines.keys() <= target_lines.keys() or target_lines.keys() <= source_lines.keys()
    ):
        return None
    return [
        (source_lines.get(line), target_lines.get(line))
        for line in sorted(source_lines.keys() | target_lines.keys())
    ]


_MAX_CELLS = 2_000_000
_GAP = -0.6


def _anchors(text: str) -> frozenset[str]:
    """What survives translation unchanged: figures and capitalised words (names)."""
    return frozenset(_ANCHOR.findall(text))


_ANCHOR = re.compile(r"\d+|\b[A-Z][\w-]+")


def _align_global(
    source: Sequence[TextUnit], target: Sequence[TextUnit]
) -> list[tuple[int | None, int | None]]:
    s_anchors = [_anchors(unit.text) for unit in source]
    t_anchors = [_anchors(unit.text) for unit in target]

    def score(i: int, j: int) -> float:
        a, b = source[i], target[j]
        union = s_anchors[i] | t_anchors[j]
        overlap = len(s_anchors[i] & t_anchors[j]) / len(union) if union else 0.5
        shorter, longer = sorted((len(a.text) + 1, len(b.text) + 1))
        return overlap + shorter / longer + (1.0 if a.kind == b.kind else -0.5)

    n, m = len(source), len(target)
    # The edges are summed gap by gap, as the way back recomputes them: "i * _GAP" can differ from
    # that sum in the last bit, and the way back then found no step that led to the cell.
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for j in range(1, m + 1):
        best[0][j] = best[0][j - 1] + _GAP
    for i in range(1, n + 1):
        best[i][0] = best[i - 1][0] + _GAP
    for i in range(1, n + 1):
        row, above = best[i], best[i - 1]
        for j in range(1, m + 1):
            row[j] = max(above[j - 1] + score(i - 1, j - 1), above[j] + _GAP, row[j - 1] + _GAP)
    out: list[tuple[int | None, int | None]] = []
    i, j = n, m
    while i or j:
        if i and j and best[i][j] == best[i - 1][j - 1] + score(i - 1, j - 1):
            out.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i and (not j or best[i][j] == best[i - 1][j] + _GAP):
            out.append((i - 1, None))
            i -= 1
        else:
            out.append((None, j - 1))
            j -= 1
    return out[::-1]


def _align_by_kind(
    source: Sequence[TextUnit], target: Sequence[TextUnit]
) -> list[tuple[int | None, int | None]]:
    matcher = difflib.SequenceMatcher(
        None, [unit.kind for unit in source], [unit.kind for unit in target], autojunk=False
    )
    pairs: list[tuple[int | None, int | None]] = []
    for _tag, s0, s1, t0, t1 in matcher.get_opcodes():
        common = min(s1 - s0, t1 - t0)
        pairs.extend((s0 + k, t0 + k) for k in range(common))
        pairs.extend((s, None) for s in range(s0 + common, s1))
        pairs.extend((None, t) for t in range(t0 + common, t1))
    return pairs


def source_candidates(translation: Path) -> list[Path]:
    """Where the source of ``release.fr.md`` may be: ``release.nl.md``, then ``release.md``."""
    suffix = translation.suffix
    stem = translation.name[: -len(suffix)] if suffix else translation.name
    base, _, _lang = stem.rpartition(".")
    if not base:
        return []
    return [
        translation.with_name(f"{base}.{SOURCE_LANG}{suffix}"),
        translation.with_name(base + suffix),
    ]


class _Translations:
    """The translations beside each source, by source: each folder listed once (a folder of n
    releases was listed again for each of them)."""

    def __init__(self) -> None:
        self._folders: dict[Path, dict[Path, list[tuple[Path, str]]]] = {}

    def translations_of(self, source: Path) -> list[tuple[Path, str]]:
        from mt.documents import language_of

        by_source = self._folders.get(source.parent)
        if by_source is None:
            by_source = self._folders[source.parent] = {}
            for sibling in documents_in(source.parent, recursive=False):
                lang = language_of(sibling)
                if lang is not None and lang != SOURCE_LANG:
                    for candidate in source_candidates(sibling):
                        by_source.setdefault(candidate, []).append((sibling, lang))
        return by_source.get(source, [])


def find_pairs(
    paths: Sequence[Path], lang: str | None = None, *, required: bool = True
) -> list[tuple[Path, Path, str]]:
    """(source, translation, language) for the paths given on the command line.

    ``SOURCE TRANSLATION...``: the first file is the source when it is Dutch (``release.nl.txt``) or
    when ``--lang`` names the translations' language. Otherwise each path is a folder (searched for
    ``<stem>.<lang>.<ext>`` translations), a translation (its source is found beside it) or a source
    (its translations are found beside it). Problems are collected and raised together; finding
    no pair at all is one, unless not ``required`` (folders that hold XLIFF files only).
    """
    from mt.documents import language_of

    problems: list[MtError] = []
    for path in paths:
        try:
            file_status(path)  # says "a symbolic link loop" where Path.exists says False
        except InputError as problem:
            problems.append(problem)
    if problems:
        raise _together(problems)

    pairs: dict[tuple[Path, Path], str] = {}
    beside = _Translations()
    files = [path for path in paths if path.is_file()]
    explicit = (
        len(paths) >= 2
        and len(files) == len(paths)
        and (language_of(paths[0]) == SOURCE_LANG or (lang and language_of(paths[0]) is None))
    )
    if explicit:
        source = paths[0]
        for translation in paths[1:]:
            target_lang = language_of(translation) or lang
            if target_lang is None:
                problems.append(
                    InputError(
                        "cannot tell the language of this translation; name it "
                        "<stem>.<lang>.<ext> (release.fr.txt) or pass --lang",
                        Location(translation),
                    )
                )
            elif target_lang == SOURCE_LANG or translation.resolve() == source.resolve():
                problems.append(
                    InputError(
                        f"mismatched pair: {translation} is Dutch like its source {source}",
                        Location(translation),
                    )
                )
            elif own := _other_source(translation, source):
                problems.append(
                    InputError(
                        f"mismatched pair: {translation} is the translation of {own} beside it, "
                        f"not of {source}; give {own} as the source, or name the pair alike",
                        Location(translation),
                    )
                )
            else:
                pairs[(source, translation)] = target_lang
    else:
        for path in paths:
            documents = documents_in(path) if path.is_dir() else [path]
            for document in documents:
                document_lang = language_of(document) or (lang if path.is_file() else None)
                if document_lang is None:
                    if path.is_file():
                        problems.append(
                            InputError(
                                "cannot tell the language of this file; name it "
                                "<stem>.<lang>.<ext> or pass SOURCE TRANSLATION --lang LANG",
                                Location(document),
                            )
                        )
                    continue
                if document_lang == SOURCE_LANG:
                    for sibling, sibling_lang in beside.translations_of(document):
                        pairs[(document, sibling)] = sibling_lang
                    continue
                sources = [c for c in source_candidates(document) if c.is_file() and c != document]
                if not sources:
                    if path.is_file():
                        names = " or ".join(str(c) for c in source_candidates(document))
                        problems.append(
                            InputError(
                                f"no Dutch source found (looked for {names})", Location(document)
                            )
                        )
                    continue
                pairs[(sources[0], document)] = document_lang
    if problems:
        raise _together(problems)
    if not pairs and required:
        shown = ", ".join(str(path) for path in paths)
        raise InputError(
            f"no translations to check in {shown}: name them <stem>.<lang>.<ext> beside a "
            "<stem>.nl.<ext> source, or give SOURCE TRANSLATION..."
        )
    return [(source, target, pair_lang) for (source, target), pair_lang in pairs.items()]


def _other_source(translation: Path, source: Path) -> Path | None:
    """The source named like ``translation`` beside it, when that is not ``source``."""
    for candidate in source_candidates(translation):
        if candidate.is_file() and candidate != translation:
            return None if candidate.resolve() == source.resolve() else candidate
    return None


def documents_in(folder: Path, *, recursive: bool = True) -> list[Path]:
    """Readable documents (sources and translations) in ``folder``, sorted; no hidden folders."""
    from mt.documents import EXTENSIONS

    if not recursive:
        with os.scandir(folder) as entries:
            return sorted(
                Path(entry.path)
                for entry in entries
                if not entry.is_dir()
                and not entry.name.startswith(".")
                and Path(entry.name).suffix.lower() in EXTENSIONS
            )
    # walk_files names a subfolder it cannot list: a check that skipped it would pass unseen.
    return sorted(path for path in walk_files(folder) if path.suffix.lower() in EXTENSIONS)


def _together(problems: list[MtError]) -> MtError:
    if len(problems) == 1:
        return problems[0]
    return InputError(f"{len(problems)} problems:\n" + "\n".join(f"  {p}" for p in problems))
