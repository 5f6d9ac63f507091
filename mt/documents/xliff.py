"""XLIFF 1.2 and 2.x: the bilingual files CAT tools export, read as units and filled in surgically.

A CAT tool (Trados Studio, memoQ, Phrase, OmegaT) exports a job as XLIFF: each unit holds a Dutch
``<source>`` and, once translated, a ``<target>``. :func:`read_xliff` reads the units (a 1.2
``<trans-unit>``, a 2.x ``<segment>``), their inline codes and whether each may be translated;
:meth:`XliffDocument.render` writes targets, states and notes into the file's own text::

    <trans-unit id="3"><source>Lees het <g id="1">persbericht</g>.</source></trans-unit>
    TextUnit.text:       "Lees het <1>persbericht</1>."      (placeholders from mt.documents.model)
    after render:        ...</source>
                         <target state="needs-review-translation" state-qualifier="leveraged-mt">
                         Lisez le <g id="1">communiqué</g>.</target>
                         <note from="mt">...</note>

Inline codes travel as the placeholders of the other formats: a code that wraps text (1.2 ``g``,
``mrk``; 2.x ``pc``, ``mrk``) is a pair, the rest (1.2 ``x``, ``bx``, ``ex``, ``ph``, ``bpt``,
``ept``, ``it``; 2.x ``ph``, ``sc``, ``ec``, ``sm``, ``em``, ``cp``; a ``mrk`` that must not be
translated; an element of another namespace) an atom. Each placeholder renders back as the source's
own markup, copied from the file's text, so ids and attributes stay as they were; a code the
translation lost is appended, never dropped.

A 1.2 unit segmented by a CAT tool (Trados Studio, memoQ: a ``<seg-source>`` whose sentences are
``<mrk mtype="seg" mid="...">`` s, the target holding a ``mrk`` of the same ``mid`` for each) is
read as one :class:`XliffUnit` per segment (id ``unit/mid``); render fills each segment's ``mrk``
in the target, or writes a new target on the ``<seg-source>``'s model.

Nothing is re-serialised: the file is parsed (lxml, no DTD, no entities, no network) to know what
it holds, the element offsets are found by scanning the same text, and each change is an edit of
that text at a known place (:mod:`mt.documents.xliff_edits`). Everything not edited (the header,
skeletons, notes, comments, other namespaces, whitespace, the encoding declaration) is kept byte
for byte.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mt.core.errors import InputError, Location
from mt.core.files import read_bytes
from mt.documents.model import Document, TextUnit, _Builder, _Markup, _Numbers
from mt.documents.xliff_edits import (
    NOTE_AUTHOR,
    ORIGINS,
    XLIFF_1,
    XLIFF_2,
    _apply,
    _Edit,
    _indent_before,
    _scan,
    _Segmented,
    _Span,
    _Where,
)

if TYPE_CHECKING:
    from lxml import etree

EXTENSIONS = (".xlf", ".xliff", ".sdlxliff")  # (.sdlxliff: Trados Studio's XLIFF 1.2)
# An extension that may or may not be XLIFF: the file's own start says (its root element)
SNIFFED = (".xml",)
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Inline elements: those whose content is translated text (a placeholder pair) by version.
_PAIRS = {XLIFF_1: {"g", "mrk"}, XLIFF_2: {"pc", "mrk"}}


def is_xliff(path: Path | str) -> bool:
    """Whether the file is XLIFF: its extension says so (``.xlf``, ``.xliff``, ``.sdlxliff``), or,
    for an ``.xml`` file, its root element is an ``<xliff>`` of the 1.2 or 2.x namespace."""
    suffix = Path(path).suffix.lower()
    if suffix in EXTENSIONS:
        return True
    return suffix in SNIFFED and _looks_like_xliff(Path(path))


# The root start tag of an XLIFF file, after the declaration, comments and a doctype.
_XLIFF_ROOT = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*"
    rb"<(?:\w+:)?xliff\b[^>]*urn:oasis:names:tc:xliff:document:",
    re.DOTALL,
)


def _looks_like_xliff(path: Path) -> bool:
    """Whether the first 8 KiB of ``path`` open an XLIFF root (UTF-8 or ASCII; a file in another
    encoding is not taken for XLIFF by its content)."""
    try:
        with path.open("rb") as file:
            start = file.read(8192)
    except OSError:
        return False
    return _XLIFF_ROOT.match(start) is not None


def xliff_files(paths: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """The XLIFF files among ``paths`` (named, or found in the folders named) and the other paths
    (the folders too: they may hold documents as well).

    In a folder, a job named as a Dutch source (``job.nl.xlf``) beside its translation
    (``job.fr.xlf``, what ``mt translate`` writes) is left out, as a ``release.nl.md`` is not
    checked on its own: the translation holds the same sources. Named, every file counts.
    """
    from mt.core.files import walk_files

    found: list[Path] = []
    others: list[Path] = []
    for path in paths:
        if path.is_dir():
            others.append(path)
            files = [file for file in walk_files(path) if is_xliff(file)]
            found.extend(file for file in files if not _translated_beside(file, files))
        elif is_xliff(path):
            found.append(path)
        else:
            others.append(path)
    return list(dict.fromkeys(found)), others


def _translated_beside(path: Path, files: Sequence[Path]) -> bool:
    """Whether ``path`` is a ``<stem>.nl.<ext>`` job with a ``<stem>.<lang>.<ext>`` among
    ``files`` beside it."""
    from mt.documents import SOURCE_LANG, language_of

    if language_of(path) != SOURCE_LANG:
        return False
    stem = path.name[: -len(path.suffix) - len(".nl")]
    return any(
        other.parent == path.parent
        and other.suffix == path.suffix
        and other.name[: -len(other.suffix) - 3] == stem
        and language_of(other) not in (None, SOURCE_LANG)
        for other in files
    )


@dataclass(frozen=True)
class XliffUnit:
    """One translatable segment: a 1.2 ``<trans-unit>`` or one ``<segment>`` of a 2.x unit."""

    id: str  # the unit's id (2.x: "unit/segment" when a unit has several segments)
    source: TextUnit  # the Dutch text, inline codes as placeholders
    target: TextUnit | None  # the target already there (None: none, or empty)
    translatable: bool  # False for translate="no" (here or on a group or file)
    state: str  # the state already there ("" when none)
    target_line: int | None = None
    segment: str = ""  # 1.2 <seg-source>: the mid of this <mrk mtype="seg"> (id is "unit/mid")
    # what render needs: the source as a one-unit document whose template is the source's
    # content (None: nothing to translate), and where the edits go
    _content: Document | None = field(default=None, repr=False, compare=False)
    _where: Any = field(default=None, repr=False, compare=False)

    @property
    def has_words(self) -> bool:
        """Whether there is anything to translate (a unit of only codes or figures has not)."""
        return self._content is not None


@dataclass(frozen=True)
class Fill:
    """What :meth:`XliffDocument.render` writes for one unit."""

    translation: str  # placeholders as in the unit's source text
    origin: str  # "mt" | "memory"
    note: str  # the unit's report (terms applied and unmet, QA findings)


@dataclass(frozen=True)
class XliffDocument:
    """A parsed XLIFF file: its units and what is needed to write targets into its text."""

    source: str  # the path, for messages
    text: str
    version: str  # "1.2", "2.0", "2.1", ...
    source_lang: str
    target_lang: str | None  # None when the file names none
    units: tuple[XliffUnit, ...]
    encoding: str = "UTF-8"  # the file's, from its XML declaration
    _lang_edits: tuple[tuple[int, str], ...] = field(default=(), repr=False, compare=False)

    @property
    def namespace(self) -> str:
        return XLIFF_1 if self.version.startswith("1") else XLIFF_2

    def pending(self, retranslate: bool = False) -> list[int]:
        """Indexes of the units to translate: translatable, with words, and no target yet (or
        any target with ``retranslate``)."""
        return [
            index
            for index, unit in enumerate(self.units)
            if unit.translatable and unit.has_words and (retranslate or unit.target is None)
        ]

    def render(self, fills: Mapping[int, Fill], lang: str) -> str:
        """The file with each filled unit's target, state and note written in; everything else
        byte for byte. ``lang`` is written as the file's target language where it names none.
        The text is to be written as UTF-8: a file declared in another encoding (UTF-16,
        ISO-8859-1) has its declaration say UTF-8."""
        edits: list[_Edit] = []
        declared = _DECLARED_ENCODING.match(self.text)
        if declared and declared.group(2).replace("-", "").lower() != "utf8":
            # written as UTF-8 (as every output is): the declaration must say so
            edits.append(_Edit(declared.start(2), declared.end(2), "UTF-8"))
        if self.target_lang is None and fills:  # (2.x: trgLang once there is a target)
            edits.extend(
                _Edit(offset, offset, text.format(lang=lang)) for offset, text in self._lang_edits
            )
        notes: dict[int, list[str]] = {}  # a 2.x unit with several segments gets one note
        note_where: dict[int, _Where] = {}
        segmented: dict[int, dict[str, tuple[str, str]]] = {}  # 1.2 <seg-source> units
        for index, fill in sorted(fills.items()):
            unit = self.units[index]
            where: _Where = unit._where
            content = self._target_content(unit, fill.translation)
            note = fill.note
            if where.segmented is not None:
                segmented.setdefault(where.note_key, {})[unit.segment] = (content, fill.origin)
                note = f"segment {unit.segment}: {note}" if note else ""
            else:
                edits.extend(where.target_edits(content, fill.origin, self.namespace, self.text))
            notes.setdefault(where.note_key, []).append(note)
            note_where[where.note_key] = where
        for key, filled in segmented.items():
            edits.extend(note_where[key].segmented_edits(filled, self.text))
        for key, texts in notes.items():
            edits.append(note_where[key].note_edit(texts, self.namespace, self.text))
        return _apply(self.text, edits)

    def _target_content(self, unit: XliffUnit, translation: str) -> str:
        """The translation with the source's codes back, as the documents render markup."""
        if unit._content is None:
            raise ValueError(f"{self.source}: unit {unit.id!r} has nothing to translate")
        return unit._content.render([translation])


_DECLARED_ENCODING = re.compile(r"""\ufeff?<\?xml[^>]*?\sencoding\s*=\s*(["'])([^"']*)\1""")


# --- reading -------------------------------------------------------------------------------------


def parse_xml(data: bytes, source: str) -> etree._Element:
    """The root of an XML file, parsed with no DTD loaded, no entity expanded and no network; a
    file that declares entities is refused (a billion-laughs file must not be read at all)."""
    from lxml import etree

    if b"<!ENTITY" in data:
        raise InputError(
            "the file declares XML entities, refused for safety; remove its <!ENTITY> lines",
            Location(source),
        )
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        line = error.lineno if error.lineno else None
        raise InputError(f"not well-formed XML: {error.msg}", Location(source, line)) from None


def read_xliff(path: Path | str, encoding: str | None = None) -> XliffDocument:
    """Read an XLIFF 1.2 or 2.x file (its encoding from its XML declaration, else UTF-8)."""
    path = Path(path)
    data = read_bytes(path)  # (a folder, a FIFO or a missing file: an InputError naming it)
    return parse_xliff(data, str(path), encoding)


def parse_xliff(
    data: bytes, source: str = "<string>", encoding: str | None = None
) -> XliffDocument:
    """:func:`read_xliff` of the bytes ``data``."""
    root = parse_xml(data, source)
    declared = root.getroottree().docinfo.encoding or "UTF-8"
    try:
        encoding = encoding or declared
        text = data.decode(encoding)
    except (LookupError, UnicodeDecodeError) as error:
        raise InputError(
            f"cannot decode as {encoding or declared}: {error}", Location(source)
        ) from None
    namespace = root.tag.partition("}")[0][1:] if root.tag.startswith("{") else ""
    if _local(root.tag) != "xliff" or namespace not in (XLIFF_1, XLIFF_2):
        raise InputError(
            f"not an XLIFF 1.2 or 2.x file (root element {root.tag!r}); expected <xliff> in the "
            f"namespace {XLIFF_1} or {XLIFF_2}",
            Location(source, root.sourceline),
        )
    elements = [element for element in root.getroottree().iter() if isinstance(element.tag, str)]
    spans = _scan(text)
    if len(spans) != len(elements):
        raise InputError("could not locate the file's elements in its text", Location(source))
    reader = _Reader(text, source, namespace, dict(zip(map(id, elements), spans, strict=True)))
    return reader.read(root, encoding)


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _base_lang(code: str | None) -> str:
    return (code or "").replace("_", "-").partition("-")[0].lower()


class _Reader:
    def __init__(self, text: str, source: str, namespace: str, spans: dict[int, _Span]) -> None:
        self.text, self.source, self.ns, self.spans = text, source, namespace, spans
        self.units: list[XliffUnit] = []
        self.lang_edits: list[tuple[int, str]] = []
        self.target_langs: set[str] = set()

    def span(self, element: etree._Element) -> _Span:
        return self.spans[id(element)]

    def children(self, element: etree._Element, name: str) -> list[etree._Element]:
        return [child for child in element if child.tag == f"{{{self.ns}}}{name}"]

    def where(self, element: etree._Element) -> Location:
        return Location(self.source, element.sourceline)

    def read(self, root: etree._Element, encoding: str) -> XliffDocument:
        version = root.get("version", "")
        if self.ns == XLIFF_1:
            source_lang = self.read_1(root)
        else:
            source_lang = _base_lang(root.get("srcLang"))
            target = root.get("trgLang")
            if target:
                self.target_langs.add(_base_lang(target))
            else:
                self.lang_edits.append((self.attribute_end(root), ' trgLang="{lang}"'))
            for file in self.children(root, "file"):
                self.walk_2(file, translate=file.get("translate", "yes") != "no")
        if source_lang != "nl":
            raise InputError(
                f"the source language is {source_lang or 'not named'}; mt translates from Dutch "
                "(nl)",
                self.where(root),
            )
        if len(self.target_langs) > 1:
            raise InputError(
                "the file's parts name several target languages "
                f"({', '.join(sorted(self.target_langs))}); split it into one file per language",
                self.where(root),
            )
        target_lang = next(iter(self.target_langs), None)
        return XliffDocument(
            self.source,
            self.text,
            version or ("1.2" if self.ns == XLIFF_1 else "2.0"),
            source_lang,
            target_lang,
            tuple(self.units),
            encoding,
            tuple(self.lang_edits),
        )

    def attribute_end(self, element: etree._Element) -> int:
        """Where an attribute is added to the element's start tag (before ``>`` or ``/>``)."""
        span = self.span(element)
        end = span.tag_end - (2 if self.text[span.tag_end - 2 : span.tag_end] == "/>" else 1)
        while self.text[end - 1].isspace():
            end -= 1
        return end

    # --- 1.2 -------------------------------------------------------------------------------------

    def read_1(self, root: etree._Element) -> str:
        source_langs = set()
        for file in self.children(root, "file"):
            source_langs.add(_base_lang(file.get("source-language")))
            target = file.get("target-language")
            if target:
                self.target_langs.add(_base_lang(target))
            else:
                self.lang_edits.append((self.attribute_end(file), ' target-language="{lang}"'))
            for body in self.children(file, "body"):
                self.walk_1(body, translate=True)
        if len(source_langs) > 1:
            raise InputError(
                "the file's parts have several source languages "
                f"({', '.join(sorted(source_langs))})",
                self.where(root),
            )
        return next(iter(source_langs), "")

    def walk_1(self, parent: etree._Element, translate: bool) -> None:
        for child in parent:
            if child.tag == f"{{{XLIFF_1}}}group":
                self.walk_1(child, translate and child.get("translate", "yes") != "no")
            elif child.tag == f"{{{XLIFF_1}}}trans-unit":
                self.unit_1(child, translate and child.get("translate", "yes") != "no")

    def unit_1(self, unit: etree._Element, translate: bool) -> None:
        (source,) = self.children(unit, "source")[:1] or [None]
        if source is None:
            raise InputError(f"trans-unit {unit.get('id')!r} has no <source>", self.where(unit))
        seg_source = self.children(unit, "seg-source")
        target = next(iter(self.children(unit, "target")), None)
        after = self.span(seg_source[0] if seg_source else source).end
        notes = self.children(unit, "note")
        old_note = next((n for n in notes if n.get("from") == NOTE_AUTHOR), None)
        last_child = [child for child in unit if isinstance(child.tag, str)][-1]
        where = _Where(
            target=self.span(target) if target is not None else None,
            after_source=after,
            indent=_indent_before(self.text, self.span(source).start),
            state_tag=None,
            note_key=self.span(unit).start,
            note_at=self.span(last_child).end,
            note_indent=_indent_before(self.text, self.span(source).start),
            note_before=False,
            old_note=self.span(old_note) if old_note is not None else None,
            notes_end=None,
        )
        state = target.get("state", "") if target is not None else ""
        marks = self.segment_marks(seg_source[0]) if seg_source else []
        target_marks = self.segment_marks(target) if target is not None else []
        # Segmented (Trados, memoQ): each <mrk mtype="seg"> a unit, its target the target's mrk
        # of the same mid. A target that holds text outside such marks was not written by
        # segment: the unit is read whole, as one without <seg-source>.
        if marks and (target is None or target_marks or not _has_text(target, target.text or "")):
            self.add_segments(unit, seg_source[0], marks, target, target_marks, translate, where)
            return
        self.add(unit.get("id", ""), source, target, translate, state, where)

    def segment_marks(self, element: etree._Element) -> list[etree._Element]:
        """The ``<mrk mtype="seg">`` s in ``element`` (not those inside another)."""
        tag = f"{{{XLIFF_1}}}mrk"
        return [
            mark
            for mark in element.iter(tag)
            if mark.get("mtype") == "seg"
            and not any(outer.get("mtype") == "seg" for outer in mark.iterancestors(tag))
        ]

    def add_segments(
        self,
        unit: etree._Element,
        seg_source: etree._Element,
        marks: list[etree._Element],
        target: etree._Element | None,
        target_marks: list[etree._Element],
        translate: bool,
        where: _Where,
    ) -> None:
        by_mid = {mark.get("mid", ""): mark for mark in target_marks}
        first = len(self.units)
        for mark in marks:
            mid = mark.get("mid", "")
            self.add(
                f"{unit.get('id', '')}/{mid}",
                mark,
                by_mid.get(mid),
                translate,
                target.get("state", "") if target is not None else "",
                where,
                segment=mid,
            )
        segmented = _Segmented(
            self.span(seg_source),
            tuple((mark.get("mid", ""), self.span(mark)) for mark in marks),
            tuple((mid, self.span(mark)) for mid, mark in by_mid.items()),
            frozenset(unit.segment for unit in self.units[first:] if not unit.has_words),
        )
        for index in range(first, len(self.units)):
            self.units[index] = replace(
                self.units[index], _where=replace(where, segmented=segmented)
            )

    # --- 2.x -------------------------------------------------------------------------------------

    def walk_2(self, parent: etree._Element, translate: bool) -> None:
        for child in parent:
            if child.tag == f"{{{XLIFF_2}}}group":
                self.walk_2(child, translate and child.get("translate", "yes") != "no")
            elif child.tag == f"{{{XLIFF_2}}}unit":
                self.unit_2(child, translate and child.get("translate", "yes") != "no")

    def unit_2(self, unit: etree._Element, translate: bool) -> None:
        segments = self.children(unit, "segment")
        notes = next(iter(self.children(unit, "notes")), None)
        old_note = None
        notes_end = None
        if notes is not None:
            items = self.children(notes, "note")
            old_note = next((n for n in items if n.get("category") == NOTE_AUTHOR), None)
            notes_end = self.span(notes).close_start
            note_at = self.span(items[-1]).end if items else notes_end
            note_indent = _indent_before(self.text, self.span(items[0]).start) if items else None
        else:
            first = next(
                child
                for child in unit
                if child.tag
                in (f"{{{XLIFF_2}}}{n}" for n in ("originalData", "segment", "ignorable"))
            )
            note_at = self.span(first).start
            note_indent = _indent_before(self.text, note_at)
        for number, segment in enumerate(segments):
            source = next(iter(self.children(segment, "source")), None)
            if source is None:
                raise InputError(
                    f"a segment of unit {unit.get('id')!r} has no <source>", self.where(segment)
                )
            target = next(iter(self.children(segment, "target")), None)
            where = _Where(
                target=self.span(target) if target is not None else None,
                after_source=self.span(source).end,
                indent=_indent_before(self.text, self.span(source).start),
                state_tag=self.span(segment),
                note_key=self.span(unit).start,
                note_at=note_at,
                note_indent=note_indent,
                note_before=notes is None,
                old_note=self.span(old_note) if old_note is not None else None,
                notes_end=notes_end,
            )
            unit_id = unit.get("id", "")
            if len(segments) > 1:
                unit_id += "/" + (segment.get("id") or str(number + 1))
            self.add(unit_id, source, target, translate, segment.get("state", ""), where)

    # --- both ------------------------------------------------------------------------------------

    def add(
        self,
        unit_id: str,
        source: etree._Element,
        target: etree._Element | None,
        translate: bool,
        state: str,
        where: _Where,
        segment: str = "",
    ) -> None:
        builder = _Builder()
        numbers = _Numbers()
        codes: dict[tuple[str, str], tuple[str, ...]] = {}
        text, original, markups = self.inline(source, numbers, codes)
        line = source.sourceline or 0
        parts = builder.unit(text, line, "segment", [original], markups, escape="text")
        source_unit = builder.units[0] if builder.units else TextUnit(text, line, "segment")
        content = None
        if builder.units:  # (a unit of only codes or figures has none to translate)
            content = Document(self.source, "xliff", (source_unit,), tuple(parts))
        target_unit = None
        if target is not None:
            target_text, _, _ = self.inline(target, numbers, codes, reuse=True)
            if _has_text(target, target_text):
                target_unit = TextUnit(target_text, target.sourceline or 0, "segment")
        self.units.append(
            XliffUnit(
                unit_id,
                source_unit,
                target_unit,
                translate,
                state,
                target.sourceline if target is not None else None,
                segment,
                content,
                where,
            )
        )

    def inline(
        self,
        element: etree._Element,
        numbers: _Numbers,
        codes: dict[tuple[str, str], tuple[str, ...]],
        reuse: bool = False,
    ) -> tuple[str, str, list[_Markup]]:
        """The element's content as text with placeholders, its raw text, and the markups.

        ``codes`` maps each code (name and id) to its placeholders; reading a target with
        ``reuse``, a code the source has gets the source's placeholders, so that the two sides of
        a pair compare.
        """
        span = self.span(element)
        raw = self.text[span.tag_end : span.close_start]
        pieces: list[str] = [element.text or ""]
        markups: list[_Markup] = []
        for child in element:
            if not isinstance(child.tag, str):  # a comment or processing instruction
                pieces.append(child.tail or "")
                continue
            name = _local(child.tag)
            key = (child.tag, child.get("id") or child.get("rid") or child.get("mid") or "")
            child_span = self.span(child)
            is_pair = (
                child.tag.startswith(f"{{{self.ns}}}")
                and name in _PAIRS[self.ns]
                and not _protected_mark(child)
                and not child_span.empty
            )
            if is_pair:
                inner, _, inner_markups = self.inline(child, numbers, codes, reuse)
                known = codes.get(key) if reuse else None
                if known is not None and len(known) == 2:
                    opener, closer = known
                else:
                    start_tag = self.text[child_span.start : child_span.tag_end]
                    end_tag = self.text[child_span.close_start : child_span.end]
                    # a code a CAT tool wants back: a pair the translation lost is appended,
                    # empty, rather than dropped as Markdown drops a lost emphasis
                    opener, closer, pair = numbers.pair(
                        [start_tag], [end_tag], (" ", start_tag, end_tag)
                    )
                    markups.extend(pair)
                    codes.setdefault(key, (opener, closer))
                pieces.append(f"{opener}{inner}{closer}")
                markups.extend(inner_markups)
            else:
                known = codes.get(key) if reuse else None
                if known is not None and len(known) == 1:
                    placeholder = known[0]
                else:
                    placeholder, markup = numbers.atom(
                        [self.text[child_span.start : child_span.end]]
                    )
                    markups.append(markup)
                    codes.setdefault(key, (placeholder,))
                pieces.append(placeholder)
            pieces.append(child.tail or "")
        return "".join(pieces), raw, markups


def _protected_mark(element: etree._Element) -> bool:
    """A ``mrk`` whose content must not be translated (1.2 ``mtype="protected"``, 2.x
    ``translate="no"``): an atom, copied whole."""
    return element.get("mtype") == "protected" or element.get("translate") == "no"


def _has_text(element: etree._Element, text: str) -> bool:
    """Whether a target holds anything (a code alone counts: a translator put it there)."""
    return bool(text.strip()) or len(element) > 0


__all__ = [
    "EXTENSIONS",
    "NOTE_AUTHOR",
    "ORIGINS",
    "XLIFF_1",
    "XLIFF_2",
    "Fill",
    "XliffDocument",
    "XliffUnit",
    "is_xliff",
    "parse_xliff",
    "parse_xml",
    "read_xliff",
    "xliff_files",
]
