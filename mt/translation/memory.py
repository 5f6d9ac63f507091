"""Translation memory: the sentences past releases had translated by people, reused as they were.

``mt memory build`` aligns past releases with their official translations (the pairing and unit
alignment ``mt check`` uses), splits each aligned pair into sentences when both sides have as many,
leaves out the pairs ``mt check`` flags at ``error`` and writes TMX 1.4b::

    <tu creationdate="20241105T120000Z">
      <prop type="x-document">releases/2024-27.nl.md</prop><prop type="x-line">3</prop>
      <tuv xml:lang="nl"><seg>De Coalitie vergadert in Rome.</seg></tuv>
      <tuv xml:lang="fr"><seg>La Coalition se réunit à Rome.</seg></tuv>
    </tu>

``mt translate --memory memory.tmx`` looks each Dutch sentence up (:meth:`TranslationMemory.lookup`)
before the translation cache: an exact match, after whitespace and typographic quotes are
normalised, is used instead of a machine translation. The pipeline still holds it to the glossary.

This module may import :mod:`mt.core`, :mod:`mt.documents`, :mod:`mt.terminology` and :mod:`mt.qa`.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from mt.core.errors import InputError, Location
from mt.core.files import read_bytes
from mt.translation.inline import InlineCodes, ReadSeg, canonical, renumber, seg_xml

if TYPE_CHECKING:
    from mt.documents import TextUnit
    from mt.qa.findings import CheckConfig
    from mt.terminology.glossary import Glossary

SOURCE_LANG = "nl"
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The lookup key of a sentence: typographic quotes made straight, runs of whitespace (no-break
    spaces included) one space, none at the ends."""
    return _SPACE.sub(" ", text.translate(_QUOTES)).strip()


@dataclass(frozen=True)
class MemoryEntry:
    """One aligned sentence (or unit) pair, and where it came from."""

    source: str
    target: str
    lang: str
    document: str = ""  # the Dutch document it came from
    line: int | None = None  # its line there
    # the inline markup of both sides (None: plain text): ``source`` and ``target`` above are the
    # text without it, which a plain sentence matches
    markup: InlineCodes | None = None


@dataclass(frozen=True)
class MemoryConflict:
    """One Dutch sentence with two translations in a memory: ``kept`` (the first met, the one a
    lookup returns) and ``other`` (met later, never used for translation)."""

    kept: MemoryEntry
    other: MemoryEntry
    kept_from: str = ""  # the TMX file of each ("" when not read from one)
    other_from: str = ""

    def describe(self) -> str:
        def one(entry: MemoryEntry, origin: str) -> str:
            where = [origin] if origin else []
            if entry.document:
                where.append(entry.document + (f":{entry.line}" if entry.line is not None else ""))
            return f"{entry.target!r}" + (f" ({', '.join(where)})" if where else "")

        return (
            f"[{self.kept.lang}] {self.kept.source!r}: {one(self.kept, self.kept_from)} kept over "
            f"{one(self.other, self.other_from)}"
        )

    def as_dict(self) -> dict[str, object]:
        def one(entry: MemoryEntry, origin: str) -> dict[str, object]:
            found = {"target": entry.target, "document": entry.document, "line": entry.line}
            return {**found, "memory": origin} if origin else found

        return {
            "lang": self.kept.lang,
            "source": self.kept.source,
            "kept": one(self.kept, self.kept_from),
            "other": one(self.other, self.other_from),
        }


class TranslationMemory:
    """Entries by language and normalised source. **The first of several translations wins**:
    the first file's before the next's, and in a file the earlier ``tu`` (a release's own
    translation is listed first when memories are given newest first). The others are kept as
    :class:`MemoryConflict` s, counted and named, never used; a translation that differs only in
    whitespace or quotes is the same one."""

    def __init__(self, entries: Iterable[MemoryEntry] = ()) -> None:
        self._by_key: dict[tuple[str, str], MemoryEntry] = {}
        self._by_markup: dict[tuple[str, str], MemoryEntry] = {}  # by canonical marked source
        self._origins: dict[tuple[str, str], str] = {}
        self._seen: set[tuple[str, str, str]] = set()
        self._all: list[MemoryEntry] = []
        self._conflicts: list[MemoryConflict] = []
        for entry in entries:
            self.add(entry)

    def add(self, entry: MemoryEntry, origin: str = "") -> None:
        """Add ``entry`` (read from the file ``origin``): a new sentence, a repeat (ignored), or
        another translation of a sentence known (a conflict: kept apart, counted)."""
        key = (entry.lang, normalise(entry.source))
        markup = entry.markup
        seen = (
            (entry.lang, normalise(markup.source), normalise(markup.target))
            if markup is not None
            else (*key, normalise(entry.target))
        )
        if seen in self._seen:
            return
        self._seen.add(seen)
        self._all.append(entry)
        if markup is not None:
            self._by_markup.setdefault((entry.lang, normalise(markup.source)), entry)
        known = self._by_key.get(key)
        if known is None:
            self._by_key[key] = entry
            self._origins[key] = origin
        else:
            self._conflicts.append(MemoryConflict(known, entry, self._origins[key], origin))

    @property
    def conflicts(self) -> int:
        """How many translations were set aside for a sentence that already had another."""
        return len(self._conflicts)

    @property
    def conflicting(self) -> tuple[MemoryConflict, ...]:
        """Each translation set aside, with the one kept, in the order met."""
        return tuple(self._conflicts)

    @property
    def all_entries(self) -> list[MemoryEntry]:
        """Every distinct entry in the order met, the conflicting translations included (what a
        TMX export writes, so that the file read back resolves them the same way)."""
        return list(self._all)

    def lookup(self, segment: str, lang: str) -> MemoryEntry | None:
        """The entry whose source equals ``segment`` once both are normalised, in ``lang``.

        A ``segment`` with inline markup (placeholders) matches an entry whose codes stand where
        its own do, whatever their numbers; the entry comes back with its target in the
        segment's numbers (so that the document's own markup is re-applied to it, as to a
        machine translation). Else the text must match as it is (a plain sentence matches an
        entry's text without its codes)."""
        if "<" in segment and self._by_markup:
            marked, order = canonical(segment)
            if order:
                entry = self._by_markup.get((lang, normalise(marked)))
                if entry is not None and entry.markup is not None:
                    target = renumber(entry.markup.target, order)
                    if target is not None:
                        return replace(entry, source=segment, target=target)
        return self._by_key.get((lang, normalise(segment)))

    def __len__(self) -> int:
        return len(self._by_key)

    def __bool__(self) -> bool:
        return bool(self._by_key)

    @property
    def entries(self) -> list[MemoryEntry]:
        """The entry of each sentence that a lookup returns (the first met)."""
        return list(self._by_key.values())

    @property
    def languages(self) -> list[str]:
        return sorted({lang for lang, _ in self._by_key})


# --- TMX -----------------------------------------------------------------------------------------

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def read_tmx(path: Path | str) -> list[MemoryEntry]:
    """The Dutch-to-other pairs of a TMX file (any version 1.x): each ``tu`` gives one entry per
    language beside Dutch; its text without the native codes of inline elements (``bpt``, ``ph``,
    ...; a formatted sentence matches the plain one), and those codes as the entry's ``markup``
    (:mod:`mt.translation.inline`)."""
    from mt.documents.xliff import parse_xml
    from mt.translation.inline import pair_segs, read_seg

    path = Path(path)
    data = read_bytes(path)  # (a folder, a FIFO or a missing file: an InputError naming it)
    root = parse_xml(data, str(path))
    if root.tag != "tmx":
        raise InputError(
            f"not a TMX file (root element {root.tag!r}, expected <tmx>)",
            Location(path, root.sourceline),
        )
    entries = []
    for tu in root.iter("tu"):
        variants: dict[str, ReadSeg] = {}
        for tuv in tu.iter("tuv"):
            lang = (tuv.get(_XML_LANG) or tuv.get("lang") or "").lower()
            lang = lang.replace("_", "-").partition("-")[0]
            seg = tuv.find("seg")
            if lang and seg is not None:
                variants.setdefault(lang, read_seg(seg))
        if SOURCE_LANG not in variants:
            continue
        props = {prop.get("type"): (prop.text or "") for prop in tu.iter("prop")}
        line = props.get("x-line", "")
        source = variants[SOURCE_LANG]
        for lang, target in variants.items():
            if lang != SOURCE_LANG:
                entries.append(
                    MemoryEntry(
                        source.text,
                        target.text,
                        lang,
                        props.get("x-document", ""),
                        int(line) if line.isdigit() else None,
                        pair_segs(source, target),
                    )
                )
    return entries


def load_memories(paths: Sequence[Path | str]) -> TranslationMemory:
    """One memory from TMX files, the first file's entries before the next's."""
    memory = TranslationMemory()
    for path in paths:
        for entry in read_tmx(path):
            memory.add(entry, str(path))
    return memory


def describe_conflicts(conflicts: Sequence[MemoryConflict], shown: int = 3) -> str:
    """One paragraph for people: how many sentences have another translation set aside, which
    file the kept ones come from, and the first ``shown`` of them."""
    sentences = len({(c.kept.lang, normalise(c.kept.source)) for c in conflicts})
    winners: dict[str, int] = {}
    for conflict in conflicts:
        winners[conflict.kept_from] = winners.get(conflict.kept_from, 0) + 1
    origin = ", ".join(f"{name} ({count})" for name, count in winners.items() if name)
    lines = [
        f"{sentences} Dutch sentence{'s' if sentences != 1 else ''} with different translations "
        f"({len(conflicts)} set aside); the first one met wins"
        + (f", kept from {origin}" if origin else "")
    ]
    lines += [f"  {conflict.describe()}" for conflict in conflicts[:shown]]
    if len(conflicts) > shown:
        lines.append(f"  ... and {len(conflicts) - shown} more")
    return "\n".join(lines)


def write_tmx(entries: Iterable[MemoryEntry]) -> str:
    """TMX 1.4b (valid against the LISA DTD): one ``tu`` per entry, its document and line as
    ``prop`` s, Dutch first; an entry's inline markup as TMX inline elements (``bpt``/``ept``,
    ``ph``, ``it``) holding the native code."""
    from mt import __name__ as package

    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!DOCTYPE tmx SYSTEM "tmx14.dtd">',
        '<tmx version="1.4">',
        f'  <header creationtool="{package}" creationtoolversion="{_version()}" '
        f'segtype="sentence" o-tmf="{package}" adminlang="en" srclang="{SOURCE_LANG}" '
        f'datatype="plaintext" creationdate="{stamp}"/>',
        "  <body>",
    ]
    for entry in entries:
        lines.append("    <tu>")
        if entry.document:
            lines.append(f'      <prop type="x-document">{_escape(entry.document)}</prop>')
        if entry.line is not None:
            lines.append(f'      <prop type="x-line">{entry.line}</prop>')
        for lang, seg in ((SOURCE_LANG, _source_seg(entry)), (entry.lang, _target_seg(entry))):
            lines.append(f'      <tuv xml:lang="{lang}"><seg>{seg}</seg></tuv>')
        lines.append("    </tu>")
    lines += ["  </body>", "</tmx>", ""]
    return "\n".join(lines)


def _source_seg(entry: MemoryEntry) -> str:
    if entry.markup is None:
        return _escape(entry.source)
    codes = entry.markup
    return seg_xml(codes.source, dict(codes.source_codes), codes.shared, _escape)


def _target_seg(entry: MemoryEntry) -> str:
    if entry.markup is None:
        return _escape(entry.target)
    codes = entry.markup
    return seg_xml(codes.target, dict(codes.target_codes), codes.shared, _escape)


def write_csv(entries: Iterable[MemoryEntry], lang: str) -> str:
    """Two columns, Dutch and ``lang``, with a header row naming them (as DeepL's and Amazon
    Translate's glossaries and memories take them)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([SOURCE_LANG, lang])
    for entry in entries:
        if entry.lang == lang:
            writer.writerow([entry.source, entry.target])
    return buffer.getvalue()


def _escape(text: str) -> str:
    # characters XML 1.0 cannot hold at all (a control character in a release) are dropped
    text = _NOT_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mt")
    except PackageNotFoundError:  # (a checkout not installed)
        return "0"


# --- building from past releases -----------------------------------------------------------------


@dataclass(frozen=True)
class BuildResult:
    """A memory built from aligned releases, and what was left out."""

    entries: tuple[MemoryEntry, ...]
    pairs: int  # aligned unit pairs with both sides
    excluded: int  # pairs mt check flags at error
    documents: int  # (source, translation) files read
    duplicates: int = 0  # sentence pairs met before (the same source and translation), kept once
    # sentences met before with another translation: both written (the first wins in a lookup)
    conflicts: tuple[MemoryConflict, ...] = ()


def build_memory(
    pairs: Sequence[tuple[Path, Path, str]],
    glossary: Glossary | None = None,
    config: CheckConfig | None = None,
    *,
    encoding: str = "utf-8",
    progress: Callable[[str, int, int], None] | None = None,
    bilingual: Sequence[Path] = (),
) -> BuildResult:
    """Entries from each (source, translation, language): unit pairs aligned as ``mt check``
    aligns them, and the units of each ``bilingual`` file (XLIFF: a job a translator returned)
    that have a target; a pair that ``mt check`` flags at ``error`` is left out and counted; each
    kept pair is split into sentence pairs when both sides split into as many sentences."""
    from mt.documents.segmentation import split_sentences
    from mt.qa.check import SegmentPair, check_segment
    from mt.qa.findings import CheckConfig, Severity

    config = config or CheckConfig()
    entries: list[MemoryEntry] = []
    seen: set[tuple[str, str, str]] = set()
    first: dict[tuple[str, str], MemoryEntry] = {}  # each sentence's first translation
    conflicts: list[MemoryConflict] = []
    kept = excluded = duplicates = 0
    total = len(pairs) + len(bilingual)
    for lang, s_unit, t_unit, source_name, target_name, codes in _unit_pairs(
        pairs, bilingual, encoding, progress, total
    ):
        pair = SegmentPair(
            s_unit.text,
            t_unit.text,
            Location(source_name, s_unit.line),
            Location(target_name, t_unit.line),
            s_unit.kind,
            t_unit.kind,
            s_unit.protected,
        )
        terms = glossary.requirements(s_unit.text, lang) if glossary is not None else None
        findings = check_segment(pair, lang, terms, config)
        if any(finding.severity == Severity.ERROR for finding in findings):
            excluded += 1
            continue
        kept += 1
        sources = [x for x in split_sentences(s_unit.text) if x.strip()]
        targets = [x for x in split_sentences(t_unit.text) if x.strip()]
        if len(sources) != len(targets) or len(sources) < 2:
            sources, targets = [s_unit.text], [t_unit.text]
        for a, b in zip(sources, targets, strict=True):
            entry = _entry(a.strip(), b.strip(), lang, source_name, s_unit.line, codes)
            marked = entry.markup
            key = (
                (lang, normalise(marked.source), normalise(marked.target))
                if marked is not None
                else (lang, normalise(a), normalise(b))
            )
            if key in seen:  # (a sentence every release repeats: one tu, the first)
                duplicates += 1
                continue
            seen.add(key)
            entries.append(entry)
            known = first.setdefault(key[:2], entry)
            if known is not entry:  # (translated otherwise before: both written, reported)
                conflicts.append(MemoryConflict(known, entry))
    if progress is not None:
        progress("aligning releases", total, total)
    return BuildResult(
        tuple(entries), kept + excluded, excluded, total, duplicates, tuple(conflicts)
    )


@dataclass(frozen=True)
class _Codes:
    """The native code of each placeholder of a unit pair; ``shared``: the target's placeholders
    name the source's codes (an XLIFF unit's, paired by id)."""

    source: Mapping[str, str]
    target: Mapping[str, str]
    shared: bool = False


def _entry(
    source: str, target: str, lang: str, document: str, line: int | None, codes: _Codes
) -> MemoryEntry:
    """A sentence pair as an entry: its text without placeholders, and its markup, where the
    sentences have any whose native code is known (a placeholder standing for text that looked
    like one, ``<1>`` written in a release, stays text)."""
    from mt.translation.inline import PLACEHOLDER, pair_codes, plain

    found = PLACEHOLDER.findall(source + target)
    natives = [*codes.source.values(), *codes.target.values()]
    if not found or any(PLACEHOLDER.fullmatch(native) for native in natives):
        return MemoryEntry(source, target, lang, document, line)
    markup = pair_codes(source, target, codes.source, codes.target, shared_numbers=codes.shared)
    return MemoryEntry(plain(source), plain(target), lang, document, line, markup)


def _unit_pairs(
    pairs: Sequence[tuple[Path, Path, str]],
    bilingual: Sequence[Path],
    encoding: str,
    progress: Callable[[str, int, int], None] | None,
    total: int,
) -> Iterator[tuple[str, TextUnit, TextUnit, str, str, _Codes]]:
    """(language, source unit, translated unit, source name, translation name, their codes) of
    every aligned pair with both sides."""
    from mt.documents import read_document
    from mt.documents.alignment import align_units
    from mt.documents.model import inline_codes
    from mt.documents.xliff import read_xliff

    for done, (source_path, target_path, lang) in enumerate(pairs):
        if progress is not None:
            progress("aligning releases", done, total)
        source = read_document(source_path, encoding=encoding)
        target = read_document(target_path, encoding=encoding)
        source_codes, target_codes = inline_codes(source), inline_codes(target)
        for s, t in align_units(source.units, target.units):
            if s is not None and t is not None:
                codes = _Codes(source_codes[s], target_codes[t])
                yield lang, source.units[s], target.units[t], source.source, target.source, codes
    for done, path in enumerate(bilingual, len(pairs)):
        if progress is not None:
            progress("aligning releases", done, total)
        document = read_xliff(path)
        if not any(unit.target is not None for unit in document.units):
            continue  # (a job not translated yet, found in a folder: nothing to give)
        if document.target_lang is None:
            raise InputError("the file names no target language", Location(path))
        for unit in document.units:
            if unit.translatable and unit.has_words and unit.target is not None:
                found = inline_codes(unit._content)[0] if unit._content is not None else {}
                codes = _Codes(found, found, shared=True)  # (the target's codes are the source's)
                yield document.target_lang, unit.source, unit.target, str(path), str(path), codes


__all__ = [
    "BuildResult",
    "MemoryConflict",
    "MemoryEntry",
    "TranslationMemory",
    "build_memory",
    "describe_conflicts",
    "load_memories",
    "normalise",
    "read_tmx",
    "write_csv",
    "write_tmx",
]
