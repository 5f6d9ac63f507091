"""Checking a translation against what the glossary's terms ask of it
(:mod:`mt.terminology.matching` finds them in the Dutch source and says what they ask).

:func:`verify` says which :class:`~mt.terminology.terms.RequiredTerm` a translation lacks and which
forbidden terms it holds. Exact mode (``inflections=False``, the enforcement guarantee) wants an
alternative as written, on word boundaries at both ends ("Daech" is not met by "Daechistes"), with
a capital first letter allowed at a sentence start for ``exact`` terms. Inflection mode (for ``mt
check``) also accepts the target language's inflected forms: plural and case endings on each word,
French elision ("d'Irak"), and, failing those, the same lemmas (simplemma) in a row:
"Internationalen Koalition" meets "Internationale Koalition". Lemmas are compared only between
words that share their first three letters, so a check whose terms are absent never loads
simplemma's dictionaries (German: 0.6 s on a machine's first check, 0.03 s after; see
:mod:`mt.terminology.lemmas`). Do-not-translate terms stay as written, but in inflection mode may
take the target language's plural or possessive ending: "F-16s" and "F-16's" copy "F-16"; "F-16A"
does not.

Speed: most terms stand in a translation as written, so a plain substring search on word
boundaries answers first; a term whose words are not all in the casefolded text is rejected
before its regex is built. Both shortcuts only ever agree with the patterns (tested).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from mt.terminology.matching import INVISIBLE, at_sentence_start, capitalize_first, is_word_char
from mt.terminology.terms import CasePolicy, RequiredTerm, SegmentTerms

_IGNORE = CasePolicy.IGNORE  # (in the hot loops: a global costs a tenth of an enum member lookup)


@dataclass(frozen=True)
class Verification:
    """What a translation lacks (``missing``) and holds that it must not (``forbidden_found``);
    in inflection mode also the terms whose Dutch form stands in it (``untranslated``), met
    elsewhere in the translation or not (a second occurrence left in Dutch)."""

    missing: tuple[RequiredTerm, ...] = ()
    forbidden_found: tuple[str, ...] = ()
    untranslated: tuple[RequiredTerm, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.missing and not self.forbidden_found and not self.untranslated


_PASSED = Verification()

# Endings a word of a target term may take in inflection mode: plurals, adjective agreement, German
# case endings and the feminine "-in" (Vizepremierministerin).
_TARGET_SUFFIXES = {
    "fr": r"(?:s|x|e|es)?",
    "de": r"(?:e|n|en|s|es|er|em|ern|in|innen|nen)?",
    "en": r"(?:s|es)?",
}
# What a do-not-translate term may take in inflection mode: the target language's plural and
# possessive on the whole term ("F-16s", "F-16's"), nothing else: a name is copied as it is.
_COPY_SUFFIXES = {
    "fr": r"s?",
    "de": r"(?:s|['’]s)?",
    "en": r"(?:s|['’]s|s['’])?",
}
# French articles and "de" elide before a vowel or mute h: "de Irak" is written "d'Irak".
_FRENCH_ELISION = {
    "de": r"(?:de\s+|d['’]\s*)",
    "le": r"(?:le\s+|l['’]\s*)",
    "la": r"(?:la\s+|l['’]\s*)",
}
_PIECE = re.compile(r"(\s+)|(\w+)|(.)", re.DOTALL)
_CHAR_CLASSES = {"'": "['’]", "’": "['’]", "-": "[-‐‑]"}
_WORD = re.compile(r"\w+")
_KEY = re.compile(r"(\w{1,3})\w*")  # a word's first three letters

# How a term is sought: as written ("exact", the enforcement guarantee), with the target language's
# endings on each word ("inflect", for ``mt check``), or as a copied name that may take a plural or
# possessive ending ("copy", do-not-translate terms in ``mt check``).
_EXACT, _INFLECT, _COPY = "exact", "inflect", "copy"


@lru_cache(maxsize=65536)
def _is_acronym(term: str) -> bool:
    letters = [char for char in term if char.isalpha()]
    return bool(letters) and len(letters) <= 5 and all(char.isupper() for char in letters)


@lru_cache(maxsize=65536)
def _term_pattern(term: str, lang: str, mode: str, ignore_case: bool) -> re.Pattern[str]:
    """A regex finding ``term`` on word boundaries, whitespace-tolerant, ending as ``mode`` says."""
    inflect = mode == _INFLECT
    parts: list[str] = []
    pieces = [piece.groups() for piece in _PIECE.finditer(term)]
    skip_space = False
    for position, (space, word, other) in enumerate(pieces):
        if space:
            if not skip_space:
                parts.append(r"\s+")
        elif word:
            elides = inflect and lang == "fr" and word.casefold() in _FRENCH_ELISION
            if elides and position + 1 < len(pieces) and pieces[position + 1][0]:
                parts.append(_FRENCH_ELISION[word.casefold()])  # takes the following space too
                skip_space = True
                continue
            parts.append(re.escape(word))
            if inflect and not word.isdigit():
                parts.append(_TARGET_SUFFIXES.get(lang, ""))
        elif other:
            parts.append(_CHAR_CLASSES.get(other, re.escape(other)))
        skip_space = False
    body = "".join(parts)
    if term[:1].isalnum() or term[:1] == "_":
        body = r"(?<!\w)" + body
    if term[-1:].isalnum() or term[-1:] == "_":
        if mode == _COPY:
            body += _COPY_SUFFIXES.get(lang, "")
        body += r"(?!\w)"
    return re.compile(body, re.IGNORECASE if ignore_case else 0)


# Case folding as the regex engine's IGNORECASE sees it: the Turkish dotted and dotless i match
# "i" there, while str.casefold keeps them apart.
_TURKISH_I = str.maketrans({"İ": "i", "ı": "i"})


def _fold(text: str) -> str:
    if "İ" in text or "ı" in text:  # rare; str.translate costs a dict lookup per character
        text = text.translate(_TURKISH_I)
    return text.casefold()


@lru_cache(maxsize=65536)
def _words_of(term: str, lang: str, mode: str) -> tuple[str, ...]:
    """Folded words that stand in every text the term's pattern matches (suffixes only follow
    them; French "de", "le", "la" may be elided, so they are left out)."""
    words = _WORD.findall(term)
    if mode == _INFLECT and lang == "fr":
        words = [word for word in words if word.casefold() not in _FRENCH_ELISION]
    return tuple(_fold(word) for word in words)


@lru_cache(maxsize=65536)
def _needle(term: str, ignore_case: bool) -> tuple[str, bool, bool]:
    """What :meth:`_Target.occurs` seeks for ``term``: the term (lower-cased when case is ignored;
    "" when lower-casing changes its length), and whether a word character may not stand before
    it, or after it."""
    needle = term
    if ignore_case:
        needle = term.lower()
        if len(needle) != len(term):
            needle = ""
    return needle, is_word_char(term[:1]), is_word_char(term[-1:])


class _Target:
    """A translation and the views of it that the checks of its terms share, each made once.

    Most terms stand in a translation as written: a plain substring search finds them without a
    regex. A term whose words are not all in the folded text cannot match its pattern either, so
    an absent term costs a few substring searches, not a compiled regex.
    """

    # Plain lazy attributes: functools.cached_property takes a lock on every first use (3.11).
    __slots__ = ("text", "_lowered", "_folded", "_plain", "_words")

    def __init__(self, text: str) -> None:
        if not text.isascii() and INVISIBLE.search(text):  # "Koali\u00adtion" holds "Koalition"
            text = INVISIBLE.sub("", text)
        self.text = text
        self._lowered: str | None = None  # "" when lower-casing changes the length ("İ")
        self._folded: str | None = None
        self._plain: str | None = None
        self._words: tuple[list[str], list[str], frozenset[str]] | None = None

    @property
    def folded(self) -> str:
        if self._folded is None:
            self._folded = _fold(self.text)
        return self._folded

    @property
    def plain(self) -> str:
        """The folded text without accents, which the words' lemma keys are cut from."""
        if self._plain is None:
            self._plain = _strip_accents(self.folded)
        return self._plain

    @property
    def words(self) -> tuple[list[str], list[str], frozenset[str]]:
        """The words, each word's lemma key (see :func:`_prefix_key`), and the set of keys."""
        if self._words is None:
            words = _WORD.findall(self.text)
            keys = _KEY.findall(self.plain)
            if len(keys) != len(words):  # folding made or joined a word: key each word alone
                keys = [_prefix_key(word) for word in words]
            self._words = (words, keys, frozenset(keys))
        return self._words

    def occurs(self, term: str, ignore_case: bool) -> bool:
        """Whether ``term`` stands in the text as written (in any case) on word boundaries."""
        needle, check_before, check_after = _needle(term, ignore_case)
        text = haystack = self.text
        if ignore_case:
            haystack = self._lowered
            if haystack is None:
                lowered = text.lower()
                haystack = self._lowered = lowered if len(lowered) == len(text) else ""
            if not haystack or not needle:
                return False
        start = haystack.find(needle)
        if start < 0:
            return False
        if not (check_before or check_after):
            return True
        size = len(text)
        while start >= 0:
            end = start + len(needle)
            if (
                not check_before
                or start == 0
                or not ((char := text[start - 1]).isalnum() or char == "_")
            ) and (
                not check_after or end == size or not ((char := text[end]).isalnum() or char == "_")
            ):
                return True
            start = haystack.find(needle, start + 1)
        return False

    def could_match(self, term: str, lang: str, mode: str) -> bool:
        """False when a word of ``term`` is missing: its pattern cannot match then."""
        folded = self.folded
        return all(word in folded for word in _words_of(term, lang, mode))


def _contains(
    target: _Target, term: str, lang: str, case: CasePolicy, mode: str, written: bool = True
) -> bool:
    """Whether ``term`` stands in ``target`` as ``mode`` allows; ``written=False``: the caller
    knows that it does not stand there as written."""
    ignore = case is _IGNORE
    if written and target.occurs(term, ignore):
        return True
    text = target.text
    if target.could_match(term, lang, mode):
        if _term_pattern(term, lang, mode, ignore).search(text):
            return True
        if case is CasePolicy.EXACT and term[:1] != term[:1].upper():
            capital = _term_pattern(capitalize_first(term), lang, mode, False)
            if any(at_sentence_start(text, m.start()) for m in capital.finditer(text)):
                return True
    if mode == _INFLECT and case is not CasePolicy.STRICT:
        return _lemmas_contain(target, term, lang, case)
    return False


def _holds_forbidden(target: _Target, term: str, lang: str, inflections: bool) -> bool:
    if not term:
        return False
    acronym = _is_acronym(term)
    mode = _INFLECT if inflections and not acronym else _EXACT
    if target.occurs(term, not acronym):
        return True
    if target.could_match(term, lang, mode) and (
        _term_pattern(term, lang, mode, not acronym).search(target.text)
    ):
        return True
    return mode == _INFLECT and _lemmas_contain(target, term, lang)


def contains_term(
    text: str,
    term: str,
    lang: str,
    case: CasePolicy = CasePolicy.EXACT,
    *,
    inflections: bool = False,
) -> bool:
    """Whether ``text`` holds ``term`` as the policy and mode allow (see the module docstring)."""
    term = " ".join(term.split())
    if not term:
        return False
    return _contains(_Target(text), term, lang, case, _INFLECT if inflections else _EXACT)


def term_starts(text: str, term: str, lang: str, case: CasePolicy = CasePolicy.EXACT) -> list[int]:
    """Where ``term`` stands in ``text`` as written, in order: the exact mode of :func:`verify`
    (word boundaries at both ends, a capital first letter at a sentence start for ``exact``
    terms), one start per occurrence, for counting them (``mt score``'s terminology accuracy)."""
    term = _one_line(term)
    if not term:
        return []
    pattern = _term_pattern(term, lang, _EXACT, case is _IGNORE)
    starts = {match.start() for match in pattern.finditer(text)}
    if case is CasePolicy.EXACT and term[:1] != term[:1].upper():
        capital = _term_pattern(capitalize_first(term), lang, _EXACT, False)
        starts.update(
            match.start()
            for match in capital.finditer(text)
            if at_sentence_start(text, match.start())
        )
    return sorted(starts)


def find_forbidden(text: str, term: str, lang: str, *, inflections: bool = False) -> bool:
    """Whether forbidden ``term`` is in ``text``: any case, acronyms exactly ("IS" is not "is")."""
    return _holds_forbidden(_Target(text), " ".join(term.split()), lang, inflections)


@lru_cache(maxsize=262144)
def _lemmas(word: str, lang: str) -> frozenset[str]:
    """The word's possible lemmas, casefolded.

    simplemma is case-sensitive and lemmatises a capitalised adjective ("Islamischen") differently
    from its lower-case form, so both are asked.
    """
    from mt.terminology.lemmas import (
        lemmatizer,  # (simplemma is imported only when a lemma is needed)
    )

    lemmatize = lemmatizer().lemmatize
    try:
        found = {lemmatize(word, lang=lang), lemmatize(word.lower(), lang=lang)}
    except ValueError:  # a language simplemma does not know: compare the words themselves
        found = {word}
    return frozenset(lemma.casefold() for lemma in found)


@lru_cache(maxsize=1)
def _accent_table() -> dict[int, str]:
    """Latin letters with diacritics mapped to their base letter ("ä" -> "a", "é" -> "e")."""
    import unicodedata

    table = {}
    for code in range(0xC0, 0x250):
        decomposed = unicodedata.normalize("NFD", chr(code))
        if len(decomposed) > 1 and decomposed[0].isascii() and decomposed[0].isalpha():
            table[code] = decomposed[0]
    return table


def _strip_accents(text: str) -> str:
    return text if text.isascii() else text.translate(_accent_table())


def _prefix_key(word: str) -> str:
    return _strip_accents(_fold(word))[:3]


def _same_capital(found: str, wanted: str, first: bool) -> bool:
    """Whether ``found`` starts with a capital where ``wanted`` does (or a sentence start might)."""
    if found[:1].isupper() == wanted[:1].isupper():
        return True
    return first and found[:1].isupper()


@lru_cache(maxsize=65536)
def _keyed_words(term: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The words of ``term`` and their lemma keys (see :func:`_prefix_key`)."""
    words = tuple(_WORD.findall(term))
    return words, tuple(_prefix_key(word) for word in words)


def _lemmas_contain(
    target: _Target, term: str, lang: str, case: CasePolicy = CasePolicy.IGNORE
) -> bool:
    """Whether the words of ``term`` occur in a row in the text as the same lemmas.

    Unless case is ignored, each word must also keep its initial capital or lower-case letter,
    so that "the coalitions" does not meet the named "Coalition".

    Lemmatising is the slow way (a language's dictionary loads in up to 0.6 s, see
    :mod:`mt.terminology.lemmas`), so lemmas are compared only between words that share their first
    three letters (case and accents aside), as inflected forms do ("Islamischen" and "Islamischer",
    "Länder" and "Land"): a text without such words never loads the dictionary. Irregular forms
    that do not ("men" for "man") are not found this way: list them as variants in the glossary.
    """
    wanted_words, wanted_keys = _keyed_words(term)
    if not wanted_words:
        return False
    # A word's key starts a word of the plain text, so it stands in that text: one substring scan
    # per key rejects most terms before the text is cut into words (two regex passes).
    plain = target.plain
    if not all(key in plain for key in wanted_keys):
        return False
    check_case = case is not _IGNORE
    if len(plain) == len(target.text):  # the usual case: a word stands where its key does
        found = _lemmas_where_keyed(target, wanted_words, wanted_keys, lang, check_case)
        if found is not None:
            return found
    return _lemmas_word_by_word(target, wanted_words, wanted_keys, lang, check_case)


def _lemmas_where_keyed(
    target: _Target,
    wanted_words: tuple[str, ...],
    wanted_keys: tuple[str, ...],
    lang: str,
    check_case: bool,
) -> bool | None:
    """:func:`_lemmas_contain` for a text whose plain form keeps its offsets: only the words that
    start with the first key are looked at (a substring search finds them), and the words after
    them, without cutting the whole text into words. None: a word did not stand where its key did
    in the plain text; the caller then compares word by word."""
    text, plain = target.text, target.plain
    first = wanted_keys[0]
    wanted: list[frozenset[str] | None] = [None] * len(wanted_words)  # lemmas, looked up on need
    start = plain.find(first)
    while start >= 0:
        if not start or not is_word_char(plain[start - 1]):  # a word of the plain text starts
            match = _WORD.match(text, start)
            if match is None or (start and is_word_char(text[start - 1])):
                return None
            for offset, wanted_key in enumerate(wanted_keys):
                if offset:
                    match = _WORD.search(text, match.end())
                    if match is None or not plain.startswith(wanted_key, match.start()):
                        break
                if not _stands_for(match[0], offset, wanted_words, wanted, lang, check_case):
                    break
            else:
                return True
        start = plain.find(first, start + 1)
    return False


def _lemmas_word_by_word(
    target: _Target,
    wanted_words: tuple[str, ...],
    wanted_keys: tuple[str, ...],
    lang: str,
    check_case: bool,
) -> bool:
    """:func:`_lemmas_contain` on the text cut into words, each with its key."""
    words, keys, key_set = target.words
    for wanted_key in wanted_keys:
        if wanted_key not in key_set and (
            len(wanted_key) == 3 or not any(key.startswith(wanted_key) for key in keys)
        ):
            return False
    wanted: list[frozenset[str] | None] = [None] * len(wanted_words)  # lemmas, looked up on need
    last_start = len(words) - len(wanted_words)
    first = wanted_keys[0]
    if len(first) == 3:  # a full key: the term can start only where a word has that key
        starts: Iterable[int] = _positions(keys, first, last_start)
    else:
        starts = range(last_start + 1)
    for index in starts:
        for offset, wanted_key in enumerate(wanted_keys):
            word = words[index + offset]
            if keys[index + offset][: len(wanted_key)] != wanted_key or not _stands_for(
                word, offset, wanted_words, wanted, lang, check_case
            ):
                break
        else:
            return True
    return False


def _stands_for(
    word: str,
    offset: int,
    wanted_words: tuple[str, ...],
    wanted: list[frozenset[str] | None],
    lang: str,
    check_case: bool,
) -> bool:
    """Whether ``word`` may stand for the term's word at ``offset``: the same initial case when
    case counts, and a lemma in common (the term's lemmas are looked up once, into ``wanted``)."""
    if check_case and not _same_capital(word, wanted_words[offset], offset == 0):
        return False
    # the word itself, or in other letter case: both have the lemmas of its lower-case form (see
    # _lemmas), so they share one without a lemma looked up
    if word == wanted_words[offset] or word.lower() == wanted_words[offset].lower():
        return True
    lemmas = wanted[offset]
    if lemmas is None:
        lemmas = wanted[offset] = _lemmas(wanted_words[offset], lang)
    return not lemmas.isdisjoint(_lemmas(word, lang))


def _positions(items: list[str], item: str, last: int) -> list[int]:
    """Where ``item`` stands in ``items``, up to index ``last``: list.index does the scanning."""
    found: list[int] = []
    index = -1
    for _ in range(items.count(item)):
        index = items.index(item, index + 1)
        if index > last:
            break
        found.append(index)
    return found


def verify(
    translation: str, terms: SegmentTerms, lang: str, *, inflections: bool = False
) -> Verification:
    """Which required terms ``translation`` lacks and which forbidden terms it holds.

    ``inflections=False`` is the enforcement guarantee: an alternative exactly as written (a capital
    first letter allowed at a sentence start for ``exact`` terms). ``inflections=True`` is for
    ``mt check``: inflected forms of the alternatives count too, and a do-not-translate term may
    take the target language's plural or possessive ending ("F-16s", "F-16's"), nothing else.
    """
    if not terms:
        return _PASSED
    target = _Target(translation)
    missing: list[RequiredTerm] = []
    untranslated: list[RequiredTerm] = []
    for required in terms.required:
        # most terms stand in the translation as written: a substring search says so
        ignore = required.case is _IGNORE
        alternatives, dutch = _forms(required.source_text, required.alternatives)
        # the Dutch form standing in the translation, where it is none of the allowed terms (nor
        # inside one): "België" in a French translation, even beside "Belgique"
        if inflections and dutch and not required.copy and target.occurs(dutch, ignore):
            untranslated.append(required)  # (reported as such, not as missing too)
            continue
        for alternative in alternatives:
            if alternative and target.occurs(alternative, ignore):
                break
        else:
            if not _meets(target, required, alternatives, lang, inflections):
                missing.append(required)
    found = (
        _distinct(
            term
            for term in terms.forbidden
            if _holds_forbidden(target, _one_line(term), lang, inflections)
        )
        if terms.forbidden
        else ()
    )
    if not missing and not found and not untranslated:
        return _PASSED
    return Verification(tuple(missing), found, tuple(untranslated))


def meets(translation: str, required: RequiredTerm, lang: str) -> bool:
    """Whether ``translation`` holds ``required`` as inflection mode allows (``verify`` reports a
    term whose Dutch form stands there as untranslated without asking this)."""
    target = _Target(translation)
    alternatives = _one_lines(required.alternatives)
    ignore = required.case is _IGNORE
    if any(alternative and target.occurs(alternative, ignore) for alternative in alternatives):
        return True
    return _meets(target, required, alternatives, lang, True)


def near_miss(translation: str, required: RequiredTerm) -> bool:
    """Whether ``translation``, which lacks ``required``, holds a wrong form of one of its
    alternatives: each of its words of four letters or more starts a word of the translation with
    its first five letters ("Vereinigten Nationen" for "Vereinte Nationen"). A term rendered by
    a pronoun or a paraphrase ("notre pays" for "Belgique") is no near miss: ``mt check`` cannot
    tell it from a wrong term, and says so with a lower severity."""
    starts = {_prefix(word) for word in _WORD.findall(_strip_accents(_fold(translation)))}
    for alternative in required.alternatives:
        words = _WORD.findall(_strip_accents(_fold(alternative)))
        words = [word for word in words if len(word) > 3]
        if words and all(_prefix(word) in starts for word in words):
            return True
    return False


def _prefix(word: str) -> str:
    return word[:5]


def _distinct(terms: Iterable[str]) -> tuple[str, ...]:
    """``terms`` less those that differ from an earlier one only in accents and case: "État
    islamique" and "Etat islamique" both find "État islamique", which is one term found."""
    seen: set[str] = set()
    kept: list[str] = []
    for term in terms:
        key = _strip_accents(_fold(term))
        if key not in seen:
            seen.add(key)
            kept.append(term)
    return tuple(kept)


@lru_cache(maxsize=65536)
def _forms(source_text: str, alternatives: tuple[str, ...]) -> tuple[tuple[str, ...], str]:
    """A required term's alternatives on one line each, and the Dutch form to look for in a
    translation ("" when it tells nothing: it is, or is part of, an allowed term, "Irak" being
    Dutch and French alike; or it has no letter): what :func:`verify` asks of every term, in
    one lookup."""
    alternatives = _one_lines(alternatives)
    dutch = _one_line(source_text)
    if not any(char.isalpha() for char in dutch):
        return alternatives, ""
    folded = _fold(dutch)
    if any(folded in _fold(alternative) for alternative in alternatives):
        return alternatives, ""
    return alternatives, dutch


@lru_cache(maxsize=65536)
def _one_line(term: str) -> str:
    """``term`` with its whitespace runs made single spaces, as the patterns are built from."""
    return " ".join(term.split())


@lru_cache(maxsize=65536)
def _one_lines(terms: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(map(_one_line, terms))


def _meets(
    target: _Target,
    required: RequiredTerm,
    alternatives: tuple[str, ...],
    lang: str,
    inflections: bool,
) -> bool:
    """Whether one of ``alternatives`` (the required term's, on one line) stands in ``target`` as
    the mode allows, when none stands there as written."""
    mode = (_COPY if required.copy else _INFLECT) if inflections else _EXACT
    for alternative in alternatives:
        if alternative and _contains(target, alternative, lang, required.case, mode, written=False):
            return True
    if mode != _INFLECT:
        return False
    return any(_variant_of(target, term, lang, required.case) for term in alternatives)


def _variant_of(target: _Target, term: str, lang: str, case: CasePolicy) -> bool:
    """Whether ``target`` writes ``term`` as translators write such terms, beyond its inflected
    forms (``mt check`` only): other capitals at the start of its words ("foreign minister",
    "Union Européenne") or all in capitals (a headline), unless the policy is strict; an acronym
    with points ("U.N." for "UN"); in German, the first or last part of a compound
    ("UN-Generalversammlung", "Syrienkonflikt", "Auslandsterrorismus")."""
    if not term:
        return False
    dotted = ".".join(term)
    if (
        _is_acronym(term)
        and term.isalpha()
        and (target.occurs(dotted + ".", False) or target.occurs(dotted, False))
    ):
        return True
    if case is not CasePolicy.STRICT and target.could_match(term, lang, _INFLECT):
        pattern = _term_pattern(term, lang, _INFLECT, True)
        for match in pattern.finditer(target.text):
            if _initials_only(match[0], term):
                return True
    if lang == "de" and " " not in term and len(term) >= 4 and not _is_acronym(term):
        return _compound_holds(target.text, term)
    return False


def _initials_only(found: str, term: str) -> bool:
    """Whether ``found`` differs from ``term`` (as inflection allows) only in the case of its
    words' first letters, or is all in capitals."""
    if found.isupper():
        return True
    found_words, term_words = _WORD.findall(found), _WORD.findall(term)
    if len(found_words) != len(term_words):
        return False
    return all(
        f[1:].startswith(t[1:]) or f[1:].startswith(t[1:].lower())
        for f, t in zip(found_words, term_words, strict=True)
    )


@lru_cache(maxsize=65536)
def _compound_patterns(term: str) -> re.Pattern[str]:
    """A German term as the first part of a compound (a linking "s" allowed: "Entwicklungs-"),
    joined or hyphenated, or as its last part, in lower case."""
    head = re.escape(term)
    tail = re.escape(term[:1].lower() + term[1:])
    return re.compile(
        rf"(?<!\w){head}(?:s|es|n|en)?(?:-\w|[a-zäöüß]{{3,}})|\w{tail}(?:s|es|n|en|e)?(?!\w)"
    )


def _compound_holds(text: str, term: str) -> bool:
    if term[1:].lower() not in text.lower():
        return False
    return _compound_patterns(term).search(text) is not None
