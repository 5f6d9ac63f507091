"""Glossaries in other tools' formats: TBX-Basic termbases, and CSV/TSV term lists.

Import turns a foreign file into :class:`~mt.terminology.entries.Entry` values, validated exactly
as a row of our own TSV format is (:func:`mt.terminology.entries.entry_from_row`); export writes
entries back out:

- **TBX-Basic** (``.tbx``): one ``termEntry`` per concept, a ``langSet`` per language, a ``tig``
  per term. ``administrativeStatus`` carries the term's role: ``preferredTerm-admn-sts`` is the
  approved term, ``admittedTerm-admn-sts`` an allowed variant, ``deprecatedTerm-admn-sts`` (and
  ``supersededTerm-admn-sts``) a forbidden one. Without a status the first term is approved and the
  rest are variants. TBX v3 names (``conceptEntry``/``langSec``/``termSec``) are read too. The
  case policy and do-not-translate flag, which TBX-Basic has no field for, travel as
  ``<descrip type="x-mt-case">`` and ``<descrip type="x-mt-dnt">``.
- **CSV/TSV**, two forms. Multi-language, with a header row of language codes (``nl,fr,de,en``),
  as Google's equivalent term sets and Amazon Translate take it: one concept per row, approved
  terms only. Two-column, source and target, no header, for one direction, as DeepL takes it.

XML safety: termbases come from outside. The standard library parser never fetches external
entities or DTDs, and expat (2.4+) limits entity expansion; on top of that a file declaring
entities (``<!ENTITY``) is refused outright, so neither a "billion laughs" nor an external
entity reaches the parser. A ``<!DOCTYPE martif SYSTEM "...">`` line, common in TBX, is harmless
(never fetched) and allowed.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from mt.core.errors import GlossaryError, InputError, Location, MtError
from mt.terminology.entries import (
    SOURCE_LANG,
    TARGET_LANGS,
    Entry,
    cross_check,
    entry_from_row,
    in_file_order,
    parse_tsv,
    read_glossary_text,
)

FORMATS = ("tsv", "csv", "tbx")
LANGS = (SOURCE_LANG, *TARGET_LANGS)
_STATUS = {
    "preferredterm-admn-sts": "approved",
    "admittedterm-admn-sts": "variant",
    "deprecatedterm-admn-sts": "forbidden",
    "supersededterm-admn-sts": "forbidden",
}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_ENTRY_TAG = re.compile(r"<(?:\w+:)?(?:termEntry|conceptEntry)\b")


def detect_format(path: Path, override: str | None = None) -> str:
    """``tsv``, ``csv`` or ``tbx``: ``override`` if given, else from the file name's suffix."""
    if override:
        return override
    suffix = path.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    if suffix in ("txt", "tab"):
        return "tsv"
    raise InputError(
        f"cannot tell the glossary format from the name; pass --format ({', '.join(FORMATS)})",
        Location(path),
    )


def _read_text(path: Path) -> str:
    return read_glossary_text(path, bom=True)


def read_entries(
    path: Path, format: str | None = None, *, lang: str | None = None
) -> tuple[list[Entry], list[MtError]]:
    """The entries of one glossary file in any supported format, and the problems in its rows.

    ``lang`` is the target language of a headerless two-column CSV/TSV file. A file that cannot be
    read or parsed at all raises :class:`~mt.core.errors.InputError`.
    """
    path = Path(path)
    kind = detect_format(path, format)
    text = _read_text(path)
    if kind == "tbx":
        return read_tbx(text, path)
    if kind == "tsv" and _is_native_header(text):
        return parse_tsv(text, path)
    return read_table(text, path, "\t" if kind == "tsv" else ",", lang=lang)


def import_entries(
    path: Path, format: str | None = None, *, lang: str | None = None
) -> list[Entry]:
    """The validated entries of one glossary file; every problem at once as a GlossaryError."""
    entries, problems = read_entries(path, format, lang=lang)
    problems.extend(cross_check(entries))
    if problems:
        raise GlossaryError(in_file_order(problems))
    return entries


def _is_native_header(text: str) -> bool:
    """Whether a TSV file is in our own format (its header names more than languages)."""
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            cells = {cell.strip().casefold() for cell in line.split("\t")}
            return SOURCE_LANG in cells and not cells <= set(LANGS)
    return False


# --------------------------------------------------------------------------- CSV / TSV


def _base_lang(code: str) -> str:
    """ "fr-BE" -> "fr", "NL" -> "nl"."""
    return re.split(r"[-_]", code.strip())[0].casefold()


def read_table(
    text: str, path: Path | str, delimiter: str, *, lang: str | None = None
) -> tuple[list[Entry], list[MtError]]:
    """Entries of a CSV/TSV term list: a header of language codes, or two columns for ``lang``."""
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    problems: list[MtError] = []
    entries: list[Entry] = []
    numbered = [
        (number, row) for number, row in enumerate(rows, start=1) if any(c.strip() for c in row)
    ]
    if not numbered:
        return [], [MtError("no terms in the file", Location(path))]
    first_number, first = numbered[0]
    header = [_base_lang(cell) for cell in first]
    if SOURCE_LANG in header and all(code in LANGS for code in header):
        columns, body, has_header = header, numbered[1:], True
    elif len(first) == 2 and lang in TARGET_LANGS:
        columns, body, has_header = [SOURCE_LANG, lang], numbered, False
    else:
        message = (
            "expected a header row of language codes (nl,fr,de,en) or, for a two-column "
            f"file without header, the target language (--lang {'|'.join(TARGET_LANGS)})"
        )
        return [], [MtError(message, Location(path, first_number))]
    for number, row in body:
        where = Location(path, number)
        if len(row) != len(columns):
            problems.append(
                MtError(f"row has {len(row)} cells, the header has {len(columns)}", where)
            )
            continue
        cells = {column: cell.strip() for column, cell in zip(columns, row, strict=True)}
        if has_header:
            # Term sets leave a cell empty where a language has no term: absent, not an error.
            cells = {
                column: cell for column, cell in cells.items() if cell or column == SOURCE_LANG
            }
            if len(cells) == 1:
                problems.append(MtError("row has no target term", where))
                continue
        entry = entry_from_row(cells, where, problems)
        if entry is not None:
            entries.append(entry)
    return _own_ids(entries), problems


def _own_ids(entries: Sequence[Entry]) -> list[Entry]:
    """Entries of a term list, whose ids are made from their Dutch terms, each with an id of its
    own. Forms that differ in case make one id ("Internationale Coalitie", "internationale
    coalitie"): rows that also ask the same of every language are one concept written two ways,
    merged into one entry with both forms (as a two-column export writes one row per Dutch form);
    any other row whose id is taken gets the next free number ("coalitie-2")."""
    kept: dict[str, Entry] = {}
    for entry in entries:
        first = kept.get(entry.id)
        if first is None:
            kept[entry.id] = entry
        elif (first.targets, first.case, first.dnt) == (entry.targets, entry.case, entry.dnt):
            forms = first.source + tuple(f for f in entry.source if f not in first.source)
            kept[entry.id] = replace(first, source=forms)
        else:
            number = 2
            while f"{entry.id}-{number}" in kept:
                number += 1
            kept[f"{entry.id}-{number}"] = replace(entry, id=f"{entry.id}-{number}")
    return list(kept.values())


def write_table(entries: Iterable[Entry], delimiter: str = ",", lang: str | None = None) -> str:
    """CSV/TSV text: with ``lang``, two columns (Dutch form, approved term), one row per Dutch form
    and no header (DeepL); without, a header of language codes and one row per concept (Google,
    Amazon)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    entries = list(entries)
    if lang is not None:
        for entry in entries:
            target = entry.targets.get(lang)
            for form in entry.source:
                if entry.dnt:
                    writer.writerow([form, form])
                elif target is not None:
                    writer.writerow([form, target.approved])
        return out.getvalue()
    langs = _languages(entries)
    writer.writerow([SOURCE_LANG, *langs])
    for entry in entries:
        cells = [entry.source[0]]
        for code in langs:
            target = entry.targets.get(code)
            cells.append(target.approved if target else "")
        writer.writerow(cells)
    return out.getvalue()


def _languages(entries: Sequence[Entry]) -> list[str]:
    """The target languages some translated entry has terms for (names are copied into any)."""
    present = {code for entry in entries if not entry.dnt for code in entry.targets}
    return [code for code in TARGET_LANGS if code in present]


def write_tsv(entries: Iterable[Entry]) -> str:
    """Entries in this project's own TSV format (``glossaries/README.md``), every field kept."""
    entries = list(entries)
    langs = _languages(entries)
    header = ["id", SOURCE_LANG, *langs, *(f"{code}!" for code in langs), "case", "dnt", "note"]
    lines = ["\t".join(header)]
    for entry in entries:
        cells = [entry.id, _cell(entry.source)]
        for code in langs:
            target = entry.targets.get(code)
            cells.append("" if entry.dnt or target is None else _cell(target.allowed))
        for code in langs:
            target = entry.targets.get(code)
            cells.append(_cell(target.forbidden) if target else "")
        cells += [str(entry.case), "yes" if entry.dnt else "", entry.note]
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def _cell(terms: Sequence[str]) -> str:
    for term in terms:
        if "|" in term or "\t" in term or "\n" in term:
            raise InputError(
                f'the term "{term}" holds a "|", tab or newline; the TSV format cannot'
            )
    return "|".join(terms)


# --------------------------------------------------------------------------- TBX


def _local(tag: object) -> str:
    """An element's name without its namespace (TBX v3 files have one, v2 files do not)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element: ET.Element, *names: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) in names]


def _text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def parse_xml_safely(text: str, path: Path | str) -> ET.Element:
    """The document's root element; files declaring entities are refused (see module docstring)."""
    if "<!ENTITY" in text:
        raise InputError(
            "the file declares XML entities, refused for safety; remove its <!ENTITY> lines",
            Location(path),
        )
    try:
        return ET.fromstring(text)
    except ET.ParseError as error:
        line = error.position[0] if error.position else None
        raise InputError(f"not well-formed XML: {error}", Location(path, line)) from None


def read_tbx(text: str, path: Path | str = "<string>") -> tuple[list[Entry], list[MtError]]:
    """Entries of a TBX-Basic termbase (v2 ``martif`` or v3 ``tbx``), and their problems."""
    root = parse_xml_safely(text, path)
    lines = _entry_lines(text)
    file_lang = _base_lang(root.get(_XML_LANG, "") or "")
    problems: list[MtError] = []
    entries: list[Entry] = []
    concepts = [el for el in root.iter() if _local(el.tag) in ("termEntry", "conceptEntry")]
    for index, concept in enumerate(concepts):
        where = Location(path, lines[index] if index < len(lines) else None)
        row = _tbx_row(concept, file_lang)
        if row is None:
            continue  # a concept with no Dutch term says nothing about our directions
        entry = entry_from_row(row, where, problems)
        if entry is not None:
            entries.append(entry)
    return entries, problems


def _entry_lines(text: str) -> list[int]:
    """The line of each entry element, in document order.

    ElementTree keeps no line numbers: the n-th entry element is the n-th ``<termEntry`` in the
    text. Each count starts where the previous one stopped, so a 100,000-entry termbase is read
    once, not once per entry from the start (which took minutes)."""
    lines = []
    line, scanned = 1, 0
    for match in _ENTRY_TAG.finditer(text):
        line += text.count("\n", scanned, match.start())
        scanned = match.start()
        lines.append(line)
    return lines


def _tbx_row(concept: ET.Element, file_lang: str) -> dict[str, str] | None:
    row: dict[str, str] = {"id": concept.get("id", "")}
    notes = []
    for child in concept:
        name, kind = _local(child.tag), child.get("type", "")
        if name == "descrip" and kind == "x-mt-case":
            row["case"] = _text(child)
        elif name == "descrip" and kind == "x-mt-dnt":
            row["dnt"] = _text(child)
        elif name == "note" or (name == "descrip" and kind == "definition"):
            notes.append(_text(child))
    row["note"] = " ".join(note for note in notes if note)
    for lang_set in _children(concept, "langSet", "langSec"):
        lang = _base_lang(lang_set.get(_XML_LANG, "") or file_lang)
        if lang not in LANGS:
            continue  # other languages of a multilingual termbase are not ours to check
        roles: dict[str, list[str]] = {"approved": [], "variant": [], "forbidden": []}
        for term_group in _children(lang_set, "tig", "ntig", "termSec"):
            terms = [el for el in term_group.iter() if _local(el.tag) == "term"]
            if not terms:
                continue
            status = ""
            for note in term_group.iter():
                if _local(note.tag) == "termNote" and note.get("type") == "administrativeStatus":
                    status = _text(note).casefold()
            role = _STATUS.get(status, "variant" if roles["approved"] else "approved")
            if role == "approved" and roles["approved"]:
                role = "variant"  # two preferred terms: the first one wins
            roles[role].append(_text(terms[0]))
        allowed = roles["approved"] + roles["variant"]
        if allowed:  # a second langSet of the language (fr-FR beside fr-BE) adds its terms
            row[lang] = "|".join(filter(None, [row.get(lang, ""), *allowed]))
        if lang != SOURCE_LANG and roles["forbidden"]:
            row[f"{lang}!"] = "|".join(filter(None, [row.get(f"{lang}!", ""), *roles["forbidden"]]))
    if not row.get(SOURCE_LANG):
        return None
    if row.get("dnt", "").casefold() in ("yes", "true", "1"):
        for lang in TARGET_LANGS:  # a do-not-translate entry's targets are the Dutch form itself
            row.pop(lang, None)
    return row


def write_tbx(entries: Iterable[Entry], lang: str | None = None) -> str:
    """A TBX-Basic (v2, ``martif``) termbase of the entries; ``lang`` keeps one target language."""
    root = ET.Element("martif", {"type": "TBX-Basic", _XML_LANG: SOURCE_LANG})
    header = ET.SubElement(ET.SubElement(root, "martifHeader"), "fileDesc")
    ET.SubElement(ET.SubElement(header, "sourceDesc"), "p").text = "Exported by mt glossary export"
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    for entry in entries:
        concept = ET.SubElement(body, "termEntry", {"id": entry.id})
        ET.SubElement(concept, "descrip", {"type": "x-mt-case"}).text = str(entry.case)
        if entry.dnt:
            ET.SubElement(concept, "descrip", {"type": "x-mt-dnt"}).text = "yes"
        if entry.note:
            ET.SubElement(concept, "note").text = entry.note
        _lang_set(concept, SOURCE_LANG, entry.source, ())
        for code in TARGET_LANGS:
            target = entry.targets.get(code)
            if target is None or (lang is not None and code != lang):
                continue
            allowed = () if entry.dnt else target.allowed
            _lang_set(concept, code, allowed, target.forbidden)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _lang_set(
    concept: ET.Element, lang: str, allowed: Sequence[str], forbidden: Sequence[str]
) -> None:
    if not allowed and not forbidden:
        return
    lang_set = ET.SubElement(concept, "langSet", {_XML_LANG: lang})
    statuses = [(term, "admittedTerm-admn-sts") for term in allowed]
    if statuses:
        statuses[0] = (allowed[0], "preferredTerm-admn-sts")
    statuses += [(term, "deprecatedTerm-admn-sts") for term in forbidden]
    for term, status in statuses:
        tig = ET.SubElement(lang_set, "tig")
        ET.SubElement(tig, "term").text = term
        ET.SubElement(tig, "termNote", {"type": "administrativeStatus"}).text = status


def export_text(entries: Sequence[Entry], format: str, lang: str | None = None) -> str:
    """Entries in ``format``; ``tsv``/``csv`` are two-column with ``lang``, else multi-language."""
    if lang is not None and lang not in TARGET_LANGS:
        raise InputError(f'unknown language "{lang}"; use one of: {", ".join(TARGET_LANGS)}')
    if format == "tbx":
        return write_tbx(entries, lang)
    if format == "csv":
        return write_table(entries, ",", lang)
    if format == "tsv":
        return write_table(entries, "\t", lang)
    raise InputError(f'unknown glossary format "{format}"; use one of: {", ".join(FORMATS)}')
