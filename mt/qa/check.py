"""Quality checks of translations against their Dutch source, without a model: ``mt check``.

A source and its translation are read as documents, their units (title, paragraphs, list items, ...)
aligned by structure, and each aligned pair of segments run through four checks:

- ``terminology``: the glossary's approved term (or an allowed variant, inflected) is present where
  the source holds an entry; forbidden terms are absent; do-not-translate terms are copied.
- ``numbers``: every figure of the source is in the translation, read the way each language writes
  figures (:mod:`mt.qa.numbers`).
- ``untranslated``: the translation is empty, equals the source, is still Dutch, or is missing.
- ``structure``: unit counts, unit kinds (heading, list item, ...), inline markup and URLs kept,
  length-ratio outliers.

Every :class:`~mt.qa.findings.Finding` names its check and code, a severity, the file and line on
both sides, the offending text and a message. :class:`~mt.qa.findings.CheckConfig` switches checks
off or changes their severity; :mod:`mt.qa.findings` holds both, and this module re-exports them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import ahocorasick_rs

from mt.core.errors import InputError, Location
from mt.documents.alignment import SOURCE_LANG, align_lines, align_units
from mt.qa.findings import (
    CHECKS,
    CODES,
    FAIL_ON,
    CheckConfig,
    Finding,
    Severity,
    config_from_table,
)
from mt.qa.markup import compare_markup, markup_of
from mt.qa.numbers import NumberIssue, compare_numbers
from mt.terminology.terms import SegmentTerms
from mt.terminology.verification import meets, near_miss, verify

if TYPE_CHECKING:
    from mt.documents import Document
    from mt.terminology.glossary import Glossary


# --- segments ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SegmentPair:
    """One source unit and its aligned translation (either side may be missing)."""

    source: str | None
    target: str | None
    source_location: Location | None = None
    target_location: Location | None = None
    source_kind: str = "paragraph"
    target_kind: str = "paragraph"
    protected: tuple[str, ...] = ()  # substrings of the source to be copied verbatim


# Dutch function words, and those of each target language, for a cheap "is this still Dutch?" sniff.
_STOPWORDS = {
    "nl": "de het een en van in op te dat die is voor met zijn niet aan er ook als bij door om tot "
    "uit over naar maar wordt worden werd heeft hebben dit deze wat zal kan nog wel geen of onze "
    "hun zij wij ze hij haar was waren meer dan tegen sinds tussen zich",
    "fr": "le la les de des du un une et est en dans que qui pour sur par au aux avec ce cette il "
    "elle ils ne pas plus son sa ses leur été sont ont nous vous d l qu s entre contre depuis",
    "de": "der die das den dem des ein eine einen und ist in im zu von mit für auf nicht sich dass "
    "es auch als an bei nach aus wird werden wurde hat haben sind war noch über um oder gegen seit",
    "en": "the of and to in a is that for on with as by at from it this be are was were has have "
    "not an which its their will been more than against since between",
}
# Dutch function words that are also words of a target language, though not in its list: German
# "er" (he) and "was" (what). ("van", "de" and "of" in names are read past where they stand
# between capitalised words: "Vincent van Gogh", "Bank of America".)
_ALSO_THEIRS = {"de": frozenset(("er", "was"))}
_DUTCH_ONLY = {
    lang: frozenset(_STOPWORDS["nl"].split())
    - frozenset(words.split())
    - _ALSO_THEIRS.get(lang, frozenset())
    for lang, words in _STOPWORDS.items()
}
_TARGET_ONLY = {
    lang: frozenset(words.split()) - frozenset(_STOPWORDS["nl"].split())
    for lang, words in _STOPWORDS.items()
}
_WORD = re.compile(r"[^\W\d_]+")
assert all(word.isalpha() for words in _STOPWORDS.values() for word in words.split())


@lru_cache(maxsize=32)
def _dutch_finder(lang: str) -> ahocorasick_rs.AhoCorasick:
    """An automaton of the function words that are Dutch and not ``lang``'s."""
    words = sorted(_DUTCH_ONLY.get(lang, _DUTCH_ONLY["en"]))
    return ahocorasick_rs.AhoCorasick(words, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)


def looks_dutch(text: str, lang: str) -> bool:
    """Whether ``text``, meant to be in ``lang``, reads as Dutch: its function words are Dutch ones.

    Only words that are Dutch and not ``lang``'s count ("de" is French too; "in" is everyone's), and
    only in lower case, but for a text's first word: a Dutch function word with a capital inside a
    sentence starts a name ("Alexander De Croo", "Het Laatste Nieuws"), which a translation keeps.
    """
    lowered = text.lower()
    return _holds_dutch_word(lowered, lang) and _reads_dutch(text, lowered, lang)


def dutch_part(text: str, lang: str) -> str | None:
    """What of ``text``, meant to be in ``lang``, reads as Dutch (see :func:`looks_dutch`): all of
    it (``text`` itself), or the first of its sentences that does (a sentence left untranslated);
    None when nothing does."""
    lowered = text.lower()
    if not _holds_dutch_word(lowered, lang):
        return None
    if _reads_dutch(text, lowered, lang):
        return text
    sentences = _SENTENCES.split(text)
    if len(sentences) > 1:
        for sentence in sentences:
            if _reads_dutch(sentence, sentence.lower(), lang):
                return sentence
    return None


# Where a sentence ends: its mark (and a closing quote or bracket), then space.
_SENTENCES = re.compile(r"(?<=[.!?…])[\"'”’»)\]]*\s+")


def _holds_dutch_word(lowered: str, lang: str) -> bool:
    """Whether a word that is Dutch and not ``lang``'s stands in ``lowered`` as a whole word.

    One pass of an automaton (Rust code) finds where such words stand as substrings; a text where
    none stands as a whole word (no letter on either side) is answered without cutting it into
    words, the common case. A word's letters are all it matches, so a match inside a longer word
    never hides one that is a whole word: the longest match at the first letter of a word is that
    word when it is a function word.
    """
    size = len(lowered)
    # (an edge that is no letter to isalpha may still be a word character to _WORD, "²": then the
    # text goes on to the count, which costs time, never a different verdict)
    for _, start, end in _dutch_finder(lang).find_matches_as_indexes(lowered):
        if (not start or not lowered[start - 1].isalpha()) and (
            end == size or not lowered[end].isalpha()
        ):
            return True
    return False


def _reads_dutch(text: str, lowered: str, lang: str) -> bool:
    """Whether the words of ``text`` (``lowered``: the same, lower-cased) are Dutch function words
    more than ``lang``'s: at least 2, twice ``lang``'s and an eighth of all; 5 words at least."""
    words = _WORD.findall(lowered)  # "l'argent": "l" counts as French
    if len(words) < 5:
        return False
    dutch_only = _DUTCH_ONLY.get(lang, _DUTCH_ONLY["en"])
    target_only = _TARGET_ONLY.get(lang, _TARGET_ONLY["en"])
    target = sum(map(target_only.__contains__, words))
    if len(lowered) == len(text) and not text.isupper():  # (else: no case to go by)
        cased = _WORD.findall(text)
        # a Dutch function word counts in lower case, or as the first word; not between two
        # capitalised words, where it is part of a name ("Vincent van Gogh", "Bank of America")
        last = len(cased) - 1
        dutch = sum(
            1
            for index, (word, low) in enumerate(zip(cased, words, strict=True))
            if low in dutch_only
            and (not index or not word[0].isupper())
            and not (
                0 < index < last and cased[index - 1][0].isupper() and cased[index + 1][0].isupper()
            )
        )
    else:
        dutch = sum(map(dutch_only.__contains__, words))
    return dutch >= 2 and dutch > 2 * target and dutch * 8 >= len(words)


# A finding's code, message and evidence, before it is a Finding; a fourth item, False, says that
# the check is not sure (the finding then takes at most warning severity, see CheckConfig).
_Found = tuple[str, str, str] | tuple[str, str, str, bool]


def check_segment(
    pair: SegmentPair,
    lang: str,
    terms: SegmentTerms | None,
    config: CheckConfig,
) -> list[Finding]:
    """Every finding for one aligned pair; ``terms`` is what the glossary asks of this segment."""
    found = _unpaired(pair.source, pair.target)
    if found is None:
        assert pair.source is not None and pair.target is not None  # (what _unpaired left)
        found = _Inspector(lang, None, config).check(
            pair.source,
            pair.target,
            pair.source_kind,
            pair.target_kind,
            pair.protected,
            terms,
        )
    return _findings(pair, config, found) if found else []


def _unpaired(source: str | None, target: str | None) -> list[_Found] | None:
    """What is wrong with a pair that lacks a side, or whose translation is empty or blank; None
    when both sides hold text and the checks have something to look at."""
    if source is None:
        message = "this unit of the translation has no counterpart in the source"
        return [("segment-extra", message, target or "")]
    if target is None:
        return [("segment-missing", "this source unit has no translation", source)]
    if not source or source.isspace():
        return []  # nothing to translate, whatever the translation holds
    if not target or target.isspace():
        return [("empty", "the translation is empty", source)]
    return None


def _findings(pair: SegmentPair, config: CheckConfig, found: list[_Found]) -> list[Finding]:
    """A :class:`Finding` for each (code, message, evidence) whose check is enabled."""
    return [
        Finding(
            CODES[item[0]][0],
            item[0],
            config.severity_of(item[0], sure=len(item) == 3 or bool(item[3])),
            item[1],
            pair.source_location,
            pair.target_location,
            item[2],
            pair.source or "",
            pair.target or "",
        )
        for item in found
        if CODES[item[0]][0] in config.enabled
    ]


def _without(text: str, protected: tuple[str, ...]) -> str:
    """``text`` less its markup placeholders and URLs: their digits are no figures ("<1>")."""
    for kept in protected:
        text = text.replace(kept, " ")
    return _PLACEHOLDER.sub(" ", text) if "<" in text else text


_PLACEHOLDER = re.compile(r"</?\d+/?>")
_LANG_NAMES = {"fr": "French", "de": "German", "en": "English", "nl": "Dutch"}


def _check_terms(
    target: str,
    terms: SegmentTerms,
    lang: str,
    found: list[_Found],
    glossary: Glossary | None = None,
) -> None:
    verification = verify(target, terms, lang, inflections=True)
    if verification.ok:  # most translations
        return
    untranslated, missing = [], list(verification.missing)
    forbidden = {term.casefold() for term in verification.forbidden_found}
    for required in verification.untranslated:
        if target.isupper() or (
            glossary is not None
            and _international(glossary, required.entry_id, required.source_text)
        ):
            # a headline in capitals ("IS"); a form another language uses too ("Mosul"): not
            # sure to be Dutch left, so the term is only asked for
            if not meets(target, required, lang):
                missing.append(required)
        elif " ".join(required.source_text.split()).casefold() not in forbidden:
            untranslated.append(required)  # (a forbidden Dutch form is reported as forbidden)
    for required in missing:
        if required.copy:
            message = f'"{required.source_text}" must be copied as it is'
            found.append(("dnt-changed", message, required.source_text))
        else:
            wanted = " or ".join(f'"{alternative}"' for alternative in required.alternatives)
            message = (
                f'"{required.source_text}" must be translated as {wanted} ({required.entry_id})'
            )
            # sure when a wrong form of the term, or a forbidden term, stands there; else a
            # pronoun or a paraphrase may ("notre pays" for "Belgique"), the translator's right
            sure = bool(verification.forbidden_found) or near_miss(target, required)
            if not sure:
                message += "; if a pronoun or paraphrase stands for it, this is fine"
            found.append(("missing-term", message, required.source_text, sure))
    for required in untranslated:
        message = (
            f'"{required.source_text}" is left in Dutch here; the glossary asks for '
            + " or ".join(f'"{alternative}"' for alternative in required.alternatives)
            + f" ({required.entry_id})"
        )
        found.append(("term-untranslated", message, required.source_text))
    for forbidden in verification.forbidden_found:
        found.append(("forbidden-term", f'"{forbidden}" is forbidden by the glossary', forbidden))


def _international(glossary: Glossary, entry_id: str, dutch: str) -> bool:
    """Whether the Dutch form ``dutch`` of an entry is also one of its English terms ("Mosul" is
    Dutch and English): English names stand in French and German text too, so it is no sure
    sign of a term left in Dutch. (A form another target language shares, "VN" in German, is
    still Dutch in French.)"""
    forms = _TERMS_OF.get(id(glossary))
    if forms is None or forms[0] is not glossary:
        forms = (
            glossary,
            {
                entry.id: frozenset(
                    term.casefold() for term in (english.allowed if english else ())
                )
                for entry in glossary.entries
                for english in (entry.targets.get("en"),)
            },
        )
        _TERMS_OF.clear()
        _TERMS_OF[id(glossary)] = forms
    return " ".join(dutch.split()).casefold() in forms[1].get(entry_id, frozenset())


_TERMS_OF: dict[int, tuple[Glossary, dict[str, frozenset[str]]]] = {}


def _describe_number(issue: NumberIssue, lang: str) -> _Found:
    source, target, sure = issue.source, issue.target, issue.sure
    name = _LANG_NAMES.get(lang, lang)
    if issue.kind == "missing":
        assert source is not None
        message = f'"{source.text}" is missing from the translation'
        return "number-missing", message, source.text, sure
    if issue.kind == "added":
        assert target is not None
        return "number-added", f'"{target.text}" is not in the source', target.text, sure
    assert source is not None and target is not None
    if issue.kind == "changed":
        return "number-changed", f'"{source.text}" became "{target.text}"', target.text, sure
    if issue.kind == "unit":
        return (
            "unit-changed",
            f'"{source.text}" keeps its figure but not its unit or currency here (written '
            f'"{target.text}" with another, not converted)',
            target.text,
            sure,
        )
    if issue.kind == "reformatted":
        return (
            "number-reformatted",
            f'"{target.text}" keeps the Dutch separators of "{source.text}": in {name} it reads '
            f"as {target.value.normalize():f}",
            target.text,
            sure,
        )
    return (
        "number-format",
        f'"{target.text}" is not how {name} writes "{source.text}" (separators)',
        target.text,
        sure,
    )


def check_segments(
    pairs: Iterable[SegmentPair],
    lang: str,
    glossary: Glossary | None = None,
    config: CheckConfig | None = None,
) -> list[Finding]:
    """Every finding for ``pairs``; the glossary is asked only about segments with a translation."""
    config = config or CheckConfig()
    inspect = _Inspector(lang, glossary, config).inspect
    findings: list[Finding] = []
    for pair in pairs:
        found = inspect(
            pair.source, pair.target, pair.source_kind, pair.target_kind, pair.protected
        )
        if found:
            findings.extend(_findings(pair, config, found))
    return findings


class _Inspector:
    """The checks of one translation's pairs, with what the glossary asks of each; ``remember``:
    another translation of the same source follows, which the glossary's matches of the source
    serve too."""

    def __init__(
        self, lang: str, glossary: Glossary | None, config: CheckConfig, remember: bool = False
    ) -> None:
        self.lang, self.config, self.remember = lang, config, remember
        self.glossary = glossary if "terminology" in config.enabled else None

    def inspect(
        self,
        source: str | None,
        target: str | None,
        source_kind: str,
        target_kind: str,
        protected: tuple[str, ...],
    ) -> list[_Found]:
        """What is wrong with one aligned pair, before the findings are located: most pairs have
        nothing wrong, and then no :class:`SegmentPair` or :class:`Location` need be made."""
        unpaired = _unpaired(source, target)
        if unpaired is not None:
            return unpaired
        assert source is not None and target is not None  # (what _unpaired left)
        terms = None
        if self.glossary is not None:
            terms = self.glossary.requirements(source, self.lang, remember=self.remember)
        return self.check(source, target, source_kind, target_kind, protected, terms)

    def check(
        self,
        source: str,
        target: str,
        source_kind: str,
        target_kind: str,
        protected: tuple[str, ...],
        terms: SegmentTerms | None,
    ) -> list[_Found]:
        """The four checks of a pair whose sides both hold text."""
        lang, config = self.lang, self.config
        enabled = config.enabled
        found: list[_Found] = []  # most pairs have none
        # equal but for whitespace (the first characters tell most pairs apart)
        if target.lstrip()[:1] == source.lstrip()[:1] and target.split() == source.split():
            if len(_WORD.findall(source)) >= 3 or looks_dutch(source, lang):
                found.append(
                    ("untranslated", "the translation is the Dutch source, unchanged", target)
                )
                return found  # every other check would only repeat this one
        elif "untranslated" in enabled and (dutch := dutch_part(target, lang)) is not None:
            name = _LANG_NAMES.get(lang, lang)
            what = "the translation" if dutch is target else "a sentence of the translation"
            found.append(("still-dutch", f"{what} reads as Dutch, not {name}", dutch))

        if terms and "terminology" in enabled:
            _check_terms(target, terms, lang, found, self.glossary)
        if "numbers" in enabled:
            issues = compare_numbers(
                _without(source, protected),
                _without(target, protected),
                lang,
                SOURCE_LANG,
                remember=self.remember,
            )
            if issues:
                found.extend(_describe_number(issue, lang) for issue in issues)
        if "structure" in enabled:
            if source_kind != target_kind:
                message = f"a {source_kind} in the source is a {target_kind} here"
                found.append(("kind-mismatch", message, ""))
            for kept in protected:
                if kept not in target:
                    message = f"{kept!r} must be copied into the translation as it is"
                    found.append(("markup-missing", message, kept))
            if len(source) >= config.min_length:
                ratio = len(target) / len(source)
                low, high = config.length_ratio
                # a short line may double with a few words (a headline): the difference must
                # also be as long as the shortest line checked
                if not low <= ratio <= high and abs(len(target) - len(source)) > config.min_length:
                    message = (
                        f"the translation is {ratio:.2f} times as long as the source "
                        f"(expected {low:g} to {high:g})"
                    )
                    found.append(("length-ratio", message, ""))
        return found


# --- documents -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairReport:
    """The findings for one source file and one translation of it."""

    source: str
    target: str
    lang: str
    segments: int  # aligned pairs checked
    findings: tuple[Finding, ...]


def check_documents(
    source: Document,
    target: Document,
    lang: str,
    glossary: Glossary | None = None,
    config: CheckConfig | None = None,
    *,
    source_text: str | None = None,
    target_text: str | None = None,
) -> PairReport:
    """Align two documents by structure and check every pair. ``source_text`` and
    ``target_text``: the documents as written, for Markdown and HTML; with them, inline markup
    and link targets are compared as a reader sees them (:mod:`mt.qa.markup`)."""
    texts = (
        (source_text, target_text) if source_text is not None and target_text is not None else None
    )
    return _check_documents(source, target, lang, glossary, config or CheckConfig(), texts=texts)


def _check_documents(
    source: Document,
    target: Document,
    lang: str,
    glossary: Glossary | None,
    config: CheckConfig,
    remember: bool = False,
    texts: tuple[str, str] | None = None,
) -> PairReport:
    """:func:`check_documents`; ``remember``: another translation of ``source`` follows."""
    findings: list[Finding] = []
    pairs = None
    formats = getattr(source, "format", None), getattr(target, "format", None)
    if len(source.units) != len(target.units) and formats == ("text", "text"):
        pairs = align_lines(source.units, target.units)  # a line left blank: one finding there
    by_line = pairs is not None
    if len(source.units) != len(target.units) and "structure" in config.enabled and not by_line:
        findings.append(
            Finding(
                "structure",
                "unit-count",
                config.severity_of("unit-count"),
                f"the source has {len(source.units)} units (paragraphs, headings, items), the "
                f"translation {len(target.units)}",
                Location(source.source),
                Location(target.source),
            )
        )
    if pairs is None:
        pairs = align_units(source.units, target.units)
    markup = None
    if texts is not None and formats[0] == formats[1] and formats[0] in ("markdown", "html"):
        markup = _source_blocks(source, texts[0]), _Blocks(target, texts[1])
    compared: set[tuple[int, int]] = set()
    inspect = _Inspector(lang, glossary, config, remember).inspect
    structure = "structure" in config.enabled
    segments = 0
    last_target_line: int | None = None
    for s, t in pairs:
        s_unit = source.units[s] if s is not None else None
        t_unit = target.units[t] if t is not None else None
        if t_unit is not None:
            last_target_line = t_unit.line
        segments += 1
        source_text = s_unit.text if s_unit else None
        target_text = t_unit.text if t_unit else None
        source_kind = s_unit.kind if s_unit else ""
        target_kind = t_unit.kind if t_unit else ""
        protected = s_unit.protected if s_unit else ()
        if markup is not None and protected:  # markup is compared as written, below
            protected = tuple(kept for kept in protected if not _PLACEHOLDER.fullmatch(kept))
        if by_line and s_unit is not None and t_unit is None:
            line = s_unit.line
            found: list[_Found] = [
                ("empty", f"line {line} of the translation is empty", s_unit.text)
            ]
        else:
            found = inspect(source_text, target_text, source_kind, target_kind, protected)
        if markup is not None and structure and s_unit is not None and t_unit is not None:
            found.extend(_compare_blocks(markup[0], s_unit.line, markup[1], t_unit.line, compared))
        if found:  # located only now: most pairs have no finding
            if by_line and s_unit is not None:
                # a missing line is located on its own line, as the source's
                target_line = t_unit.line if t_unit is not None else s_unit.line
            else:
                # a missing translation is located after the last unit that has one
                target_line = last_target_line
            pair = SegmentPair(
                source_text,
                target_text,
                Location(source.source, s_unit.line) if s_unit else None,
                Location(target.source, target_line),
                source_kind,
                target_kind,
                protected,
            )
            findings.extend(_findings(pair, config, found))
    return PairReport(
        source=source.source,
        target=target.source,
        lang=lang,
        segments=segments,
        findings=tuple(findings),
    )


class _Blocks:
    """A Markdown or HTML document's lines grouped by the unit that starts them: the block of
    a unit runs from its line to the next unit's; each block's markup is read once (a source
    serves its French, German and English translations)."""

    def __init__(self, document: Document, text: str) -> None:
        self.document, self.text = document, text
        self.format = document.format
        self.lines = text.removeprefix("\ufeff").splitlines()
        starts = sorted({unit.line for unit in document.units})
        self.ends = dict(zip(starts, [*starts[1:], len(self.lines) + 1], strict=False))
        self.read: dict[int, tuple] = {}

    def markup(self, line: int) -> tuple:
        found = self.read.get(line)
        if found is None:
            lines = self.lines[line - 1 : self.ends[line] - 1]
            text = lines[0] if len(lines) == 1 else "\n".join(lines)
            found = self.read[line] = markup_of(text, self.format)
        return found


_LAST_SOURCE: list[_Blocks] = []  # the blocks of the last source compared, for its next translation


def _source_blocks(document: Document, text: str) -> _Blocks:
    if _LAST_SOURCE and _LAST_SOURCE[0].document is document and _LAST_SOURCE[0].text is text:
        return _LAST_SOURCE[0]
    blocks = _Blocks(document, text)
    _LAST_SOURCE[:] = [blocks]
    return blocks


def _compare_blocks(
    source: _Blocks, line: int, target: _Blocks, target_line: int, compared: set
) -> list[_Found]:
    """The markup findings of one block pair, once (the cells of a table row share a line)."""
    if (line, target_line) in compared:
        return []
    compared.add((line, target_line))
    source_markup, target_markup = source.markup(line), target.markup(target_line)
    if not source_markup and not target_markup:
        return []
    return compare_markup(source_markup, target_markup)


def check_files(
    source: Path,
    target: Path,
    lang: str,
    glossary: Glossary | None = None,
    config: CheckConfig | None = None,
) -> PairReport:
    """Read a source and its translation (same format) and check them."""
    (report,) = check_pairs([(source, target, lang)], glossary, config)
    return report


def check_pairs(
    pairs: Iterable[tuple[Path, Path, str]],
    glossary: Glossary | None = None,
    config: CheckConfig | None = None,
    *,
    encoding: str = "utf-8",
) -> Iterator[PairReport]:
    """:func:`check_files` for each (source, translation, language), in order; a source that
    consecutive pairs share (``release.nl.md`` and its French, German and English) is read, and
    matched against the glossary, once. ``encoding``: that of every file."""
    from mt.core.files import check_regular_file
    from mt.documents import detect_format, read_document

    config = config or CheckConfig()
    pairs = list(pairs)
    last: tuple[Path, Document] | None = None
    last_text: tuple[Path, str] | None = None
    for index, (source, target, lang) in enumerate(pairs):
        for path in (source, target):
            check_regular_file(path)  # missing, a link loop, a FIFO (which would hang)
        source_format, target_format = detect_format(source), detect_format(target)
        if source_format != target_format:
            raise InputError(
                f"mismatched pair: the source is {source_format} but {target} is "
                f"{target_format}; a translation keeps the format of its source",
                Location(target),
            )
        if last is None or last[0] != source:
            last = source, read_document(source, encoding=encoding, template=False)
        target_document = read_document(target, encoding=encoding, template=False)
        more = index + 1 < len(pairs) and pairs[index + 1][0] == source  # the same source next
        texts = None
        if source_format != "text":  # markup is compared as written (read_document read them)
            if last_text is None or last_text[0] != source:
                last_text = source, _as_written(source, encoding)
            texts = last_text[1], _as_written(target, encoding)
        yield _check_documents(
            last[1], target_document, lang, glossary, config, remember=more, texts=texts
        )


def _as_written(path: Path, encoding: str) -> str:
    """A document's text, which :func:`~mt.documents.read_document` has read (and so checked)."""
    return path.read_bytes().decode(encoding)


__all__ = [
    "CHECKS",
    "CODES",
    "FAIL_ON",
    "CheckConfig",
    "Finding",
    "PairReport",
    "SegmentPair",
    "Severity",
    "check_documents",
    "check_files",
    "check_pairs",
    "check_segment",
    "check_segments",
    "config_from_table",
    "dutch_part",
    "looks_dutch",
]
