"""Glossary entries and the TSV rows they are kept in: the data model of one entry, reading the
project's TSV format, and validating rows and entries (every problem with its file and line).

:mod:`.glossary` (the loaded glossary) and :mod:`.formats` (TBX, CSV) both build on this module,
so neither needs the other for the model of an entry.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from mt.core.errors import Location, MtError, numbered_lines
from mt.core.files import describe_encoding, read_bytes
from mt.terminology.matching import tokenize
from mt.terminology.terms import CasePolicy
from mt.terminology.verification import find_forbidden

SOURCE_LANG = "nl"
TARGET_LANGS = ("fr", "de", "en")
COLUMNS = (
    "id",
    SOURCE_LANG,
    *TARGET_LANGS,
    *(f"{lang}!" for lang in TARGET_LANGS),
    "case",
    "dnt",
    "note",
)
GLOSSARY_SUFFIXES = (".tsv", ".tbx", ".csv")
_TRUE = {"yes", "true", "1", "x", "dnt"}
_FALSE = {"", "no", "false", "0"}


@dataclass(frozen=True)
class TargetTerms:
    """What one entry asks of one target language."""

    approved: str
    variants: tuple[str, ...] = ()  # also allowed
    forbidden: tuple[str, ...] = ()  # must not appear where the entry matched

    @property
    def allowed(self) -> tuple[str, ...]:
        return (self.approved, *self.variants) if self.approved else self.variants


@dataclass(frozen=True)
class Entry:
    """One concept: its Dutch forms and, per target language, approved, allowed, forbidden terms."""

    id: str
    source: tuple[
        str, ...
    ]  # the Dutch term first, then variants (spellings, irregular inflections)
    targets: Mapping[str, TargetTerms]
    case: CasePolicy = CasePolicy.EXACT
    dnt: bool = False  # do not translate: the translation copies the Dutch form
    note: str = ""
    location: Location = field(default=Location("<string>"), compare=False)

    def __post_init__(self) -> None:
        # A read-only view, so that a frozen entry cannot be changed through its mapping either.
        object.__setattr__(self, "targets", MappingProxyType(dict(self.targets)))

    def __hash__(self) -> int:
        return hash(self.id)

    def as_dict(self) -> dict[str, object]:
        """A plain, JSON-ready form, as ``mt glossary show --json`` prints an entry
        (:func:`content_version` hashes the same fields itself)."""
        return {
            "id": self.id,
            "source": list(self.source),
            "targets": {
                lang: {
                    "approved": terms.approved,
                    "variants": list(terms.variants),
                    "forbidden": list(terms.forbidden),
                }
                for lang, terms in sorted(self.targets.items())
            },
            "case": str(self.case),
            "dnt": self.dnt,
            "note": self.note,
        }


def normalize_term(term: str) -> str:
    """NFC, whitespace runs made one space, trimmed: how terms are stored and compared."""
    return " ".join(unicodedata.normalize("NFC", term).split())


def slug(term: str) -> str:
    """An entry id derived from its Dutch term: "Noordoost-Syrië" -> "noordoost-syrie"."""
    ascii_text = unicodedata.normalize("NFKD", term).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "entry"


def read_glossary_text(path: Path, *, bom: bool = False) -> str:
    """A glossary file's text, UTF-8 (after a byte-order mark, which spreadsheet exports often
    write, when ``bom``). A file that cannot be read (missing, a link loop, a FIFO) or that is in
    another encoding (UTF-16 is named) raises an MtError saying so."""
    try:
        data = read_bytes(path)
    except MtError as error:
        raise MtError(f"cannot read the glossary: {error.message}", Location(path)) from None
    try:
        return data.decode("utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError:
        guess = describe_encoding(data)
        what = f"{guess.upper()} text" if guess else "not UTF-8 text"
        raise MtError(f"{what}; save the file as UTF-8", Location(path)) from None


def in_file_order(problems: Sequence[MtError], files: Sequence[Path | str] = ()) -> list[MtError]:
    """Problems sorted as a reader meets them: by file (in ``files`` order), then by line."""
    rank = {str(path): index for index, path in enumerate(files)}

    def key(problem: MtError) -> tuple[int, int]:
        location = problem.location
        if location is None:
            return (-1, 0)
        return (rank.get(str(location.path), len(rank)), location.line or 0)

    return sorted(problems, key=key)


def _split_cell(cell: str) -> tuple[str, ...]:
    return tuple(normalize_term(part) for part in cell.split("|"))


def parse_tsv(text: str, path: Path | str = "<string>") -> tuple[list[Entry], list[MtError]]:
    """Entries of one TSV glossary, and the problems found in it (each with its line)."""
    problems: list[MtError] = []
    entries: list[Entry] = []
    header: list[str] | None = None
    # Where each id was first seen, and whether that row made an entry: a row with other problems
    # makes none, so :func:`cross_check` never sees its id; a duplicate it is part of is told here.
    first_ids: dict[str, tuple[Location, bool]] = {}
    for number, raw in enumerate(numbered_lines(text), start=1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [cell.strip() for cell in line.split("\t")]
        where = Location(path, number)
        if header is None:
            header = [cell.casefold() for cell in cells]
            problems.extend(_check_header(header, where))
            if SOURCE_LANG not in header:
                return [], problems
            continue
        if len(cells) != len(header):
            hint = " (separate cells with tabs, not spaces)" if len(cells) == 1 else ""
            problems.append(
                MtError(f"row has {len(cells)} cells, the header has {len(header)}{hint}", where)
            )
            continue
        row = dict(zip(header, cells, strict=True))
        entry = entry_from_row(row, where, problems)
        if entry is not None:
            entries.append(entry)
        row_id = entry.id if entry is not None else _row_id(row)
        if row_id:
            first = first_ids.setdefault(row_id, (where, entry is not None))
            if first[0] is not where and not (first[1] and entry is not None):
                problems.append(
                    MtError(f'duplicate entry id "{row_id}" (first at {first[0]})', where)
                )
    if header is None:
        problems.append(MtError("no header row (id, nl, fr, de, en, ...)", Location(path)))
    return entries, problems


def _row_id(row: Mapping[str, str]) -> str:
    """The id a row gives its entry (its own, or made from its Dutch term), even when the row has
    problems; "" when it has neither."""
    source = next((form for form in _split_cell(row.get(SOURCE_LANG, "")) if form), "")
    return row.get("id") or (slug(source) if source else "")


def _check_header(header: list[str], where: Location) -> list[MtError]:
    problems = []
    for column in header:
        if column not in COLUMNS:
            problems.append(
                MtError(f'unknown column "{column}"; known columns: {", ".join(COLUMNS)}', where)
            )
    for column in sorted({c for c in header if header.count(c) > 1}):
        problems.append(MtError(f'column "{column}" appears twice in the header', where))
    if SOURCE_LANG not in header:
        problems.append(
            MtError(f'the header has no "{SOURCE_LANG}" column for the Dutch terms', where)
        )
    return problems


def entry_from_row(
    row: Mapping[str, str], where: Location, problems: list[MtError]
) -> Entry | None:
    """One entry from a row of cells keyed by column name; its problems are added to ``problems``.

    Importers build such rows too, so that every source of entries is validated the same way.
    """
    before = len(problems)
    source = _split_cell(row.get(SOURCE_LANG, ""))
    if not any(source):
        problems.append(MtError("empty Dutch (nl) term", where))
    elif not all(source):
        problems.append(MtError("empty variant in the nl cell (a stray '|')", where))
    case_text = row.get("case", "").casefold()
    try:
        case = CasePolicy(case_text) if case_text else CasePolicy.EXACT
    except ValueError:
        known = ", ".join(policy.value for policy in CasePolicy)
        problems.append(MtError(f'bad case policy "{case_text}"; use one of: {known}', where))
        case = CasePolicy.EXACT
    dnt_text = row.get("dnt", "").casefold()
    if dnt_text not in _TRUE | _FALSE:
        problems.append(MtError(f'bad dnt value "{dnt_text}"; use "yes" or leave it empty', where))
    dnt = dnt_text in _TRUE
    targets: dict[str, TargetTerms] = {}
    for lang in TARGET_LANGS:
        if lang not in row and f"{lang}!" not in row and not dnt:  # names copy into any language
            continue
        allowed = _split_cell(row.get(lang, ""))
        forbidden = _split_cell(row.get(f"{lang}!", "")) if row.get(f"{lang}!") else ()
        if not all(forbidden):
            problems.append(MtError(f"empty term in the {lang}! cell (a stray '|')", where))
        if dnt:
            if any(allowed):
                problems.append(
                    MtError(
                        f"do-not-translate entry has a {lang} term; leave the cell empty "
                        "(the Dutch form is copied)",
                        where,
                    )
                )
            allowed = tuple(term for term in source if term)
        elif lang in row and not any(allowed):
            problems.append(MtError(f"empty {lang} term (or mark the entry dnt)", where))
            continue
        elif not all(allowed):
            problems.append(MtError(f"empty variant in the {lang} cell (a stray '|')", where))
        if not allowed:
            continue
        allowed = tuple(term for term in allowed if term)
        terms = TargetTerms(allowed[0], allowed[1:], tuple(term for term in forbidden if term))
        problems.extend(_forbidden_clashes(terms, lang, where))
        targets[lang] = terms
    if len(problems) > before or not any(source):
        return None
    entry_id = row.get("id") or slug(source[0])
    return Entry(entry_id, source, targets, case, dnt, row.get("note", ""), where)


def _forbidden_clashes(terms: TargetTerms, lang: str, where: Location) -> list[MtError]:
    """A forbidden term found in the entry's own allowed terms would fail every translation."""
    return [
        MtError(f'forbidden {lang} term "{bad}" matches the allowed term "{good}"', where)
        for bad in terms.forbidden
        for good in terms.allowed
        if find_forbidden(good, bad, lang)
    ]


def cross_check(entries: Sequence[Entry]) -> list[MtError]:
    """Problems between entries (possibly of different files): duplicates and contradictions."""
    problems: list[MtError] = []
    first_id: dict[str, Entry] = {}
    by_fold: dict[str, list[tuple[str, Entry]]] = {}
    for entry in entries:
        if entry.id in first_id:
            where = first_id[entry.id].location
            problems.append(
                MtError(f'duplicate entry id "{entry.id}" (first at {where})', entry.location)
            )
        else:
            first_id[entry.id] = entry
        for form in entry.source:
            earlier = by_fold.setdefault(form.casefold(), [])
            for other_form, other in earlier:
                # Forms that differ only in case are distinct unless an entry ignores case
                # ("Coalitie", the named coalition, beside a generic "coalitie").
                ignoring = CasePolicy.IGNORE in (entry.case, other.case)
                if other is not entry and (form == other_form or ignoring):
                    problems.append(
                        MtError(
                            f'duplicate source term "{form}" (first at {other.location})',
                            entry.location,
                        )
                    )
                    break
            earlier.append((form, entry))
    problems.extend(_contradictions(entries))
    return problems


def _contradictions(entries: Sequence[Entry]) -> list[MtError]:
    """One entry forbidding what another allows: a segment holding both could never pass."""
    # Index allowed terms by their words, so each forbidden term is tried only against the allowed
    # terms sharing its first word (a 5,000-entry glossary must not take a quadratic walk); only
    # the words that start a forbidden term, in the languages that have one, are worth indexing.
    wanted = {
        (lang, words[0])
        for entry in entries
        for lang, terms in entry.targets.items()
        for bad in terms.forbidden
        if (words := tokenize(bad))
    }
    langs = {lang for lang, _ in wanted}
    by_word: dict[tuple[str, str], list[tuple[str, Entry]]] = {}
    for entry in entries:
        if entry.dnt:
            continue
        for lang, terms in entry.targets.items():
            if lang not in langs:
                continue
            for term in terms.allowed:
                for word in set(tokenize(term)):
                    if (lang, word) in wanted:
                        by_word.setdefault((lang, word), []).append((term, entry))
    problems = []
    for entry in entries:
        for lang, terms in entry.targets.items():
            for bad in terms.forbidden:
                words = tokenize(bad)
                candidates = by_word.get((lang, words[0]), []) if words else []
                for good, other in candidates:
                    if other is not entry and find_forbidden(good, bad, lang):
                        problems.append(
                            MtError(
                                f'conflicting entries: forbidden {lang} term "{bad}" matches'
                                f' "{good}", allowed by entry "{other.id}" at {other.location}',
                                entry.location,
                            )
                        )
                        break
    return problems
