"""Finding glossary terms in a Dutch source, and checking a translation against what they require.

Source side, a worked example. The glossary holds "Daesh", "Internationale Coalitie tegen Daesh"
and "Coalitie" (case ``exact``). The text is tokenised into words and punctuation (whitespace of
any kind, newlines and no-break spaces included, only separates tokens), and a trie of the terms'
casefolded tokens is walked from each token, keeping the longest term whose case policy accepts
the text::

    "De Internationale\\u00a0Coalitie tegen Daesh' en de coalities in Irak ..."
        -> coalition-against-daesh   (the longest match: "Daesh" inside it is not matched again)
        -> nothing for "coalities"   (lower case, and "Coalitie" is an ``exact`` entry)
        -> iraq

Because tokens are whole ``\\w+`` runs, "Irak" does not match inside "Irakese" (an adjective that
does not translate as "Irak"), while "Daesh'", "F-16's" and "Coalitie's" match their term: the
apostrophe is a token of its own. Dutch plurals of the last word ("-s", "-en", "-n") are derived
when the glossary is compiled; irregular forms are listed in the ``nl`` cell. The matcher is
compiled once per glossary and costs one dict lookup per token: linear in the text length,
whatever the glossary size.

Target side, :func:`verify` says which :class:`~mt.terms.RequiredTerm` a translation lacks and
which forbidden terms it holds. Exact mode (``inflections=False``, the enforcement guarantee)
wants an alternative as written, on word boundaries at both ends ("Daech" is not met by
"Daechistes"), with a capital first letter allowed at a sentence start for ``exact`` terms.
Inflection mode (for ``mt check``) also accepts the target language's inflected forms: plural and
case endings on each word, French elision ("d'Irak"), and, failing those, the same lemmas
(simplemma) in a row: "Internationalen Koalition" meets "Internationale Koalition".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from mt.terms import CasePolicy, RequiredTerm, SegmentTerms

if TYPE_CHECKING:
    from mt.glossary import Entry

_TOKEN = re.compile(r"\w+|[^\w\s]")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "‐": "-", "‑": "-"})
# Dutch plural endings derived for the last word of every source term ("coalitie" -> "coalities").
_DUTCH_SUFFIXES = ("s", "en", "n")
# What may precede a sentence start once whitespace is skipped: nothing, or an opening quote/bracket
# or list bullet after a full stop, question mark, exclamation mark or colon.
_OPENERS = "\"'“‘«„([{-–—•*"
_SENTENCE_END = ".!?:"


def normalize_token(token: str) -> str:
    """How tokens are compared: casefolded, typographic apostrophes and hyphens made plain."""
    return token.translate(_APOSTROPHES).casefold()


def tokenize(text: str) -> list[str]:
    """Words and punctuation marks of ``text`` as normalised tokens (whitespace only separates)."""
    return [normalize_token(token) for token in _TOKEN.findall(text)]


def at_sentence_start(text: str, position: int) -> bool:
    """Whether only spaces and openers stand between ``position`` and the text start or ``.!?:``."""
    index = position - 1
    while index >= 0 and (text[index].isspace() or text[index] in _OPENERS):
        index -= 1
    return index < 0 or text[index] in _SENTENCE_END


def _capitalize_first(term: str) -> str:
    return term[:1].upper() + term[1:]


def _squash(text: str) -> str:
    """``text`` with each whitespace run made one space and plain apostrophes, to compare case."""
    return " ".join(text.translate(_APOSTROPHES).split())


def case_accepts(policy: CasePolicy, form: str, found: str, sentence_start: bool) -> bool:
    """Whether ``found`` (text as it stands) has an acceptable letter case for glossary ``form``."""
    if policy is CasePolicy.IGNORE or found == form:
        return True
    found = _squash(found)
    form = _squash(form)
    if found == form:
        return True
    return policy is CasePolicy.EXACT and sentence_start and found == _capitalize_first(form)


@dataclass(frozen=True)
class TermMatch:
    """One glossary entry found in a source text: ``text`` is ``source_text[start:end]``."""

    entry: Entry
    start: int
    end: int
    text: str
    base: str = ""  # ``text`` without a derived Dutch plural ending ("F-16s" -> "F-16"); "" = text

    @property
    def base_text(self) -> str:
        return self.base or self.text


@dataclass(frozen=True)
class _Form:
    """One way an entry is written in Dutch, as the trie stores it."""

    entry: Entry
    form: str  # as written in the glossary, plus a derived ending when ``suffix`` is set
    suffix: str = ""


class SourceMatcher:
    """A glossary's Dutch terms compiled into a token trie: build once, :meth:`find` many times."""

    _END = ""  # the trie key holding the forms that end at a node (no token is empty)

    def __init__(self, entries: Iterable[Entry]) -> None:
        self._root: dict[str, dict] = {}
        derived: list[tuple[tuple[str, ...], _Form]] = []
        for entry in entries:
            for form in entry.source:
                tokens = tuple(tokenize(form))
                if not tokens:
                    continue
                self._add(tokens, _Form(entry, form))
                last = tokens[-1]
                for suffix in _DUTCH_SUFFIXES:
                    if suffix == "n" and not last.endswith("e"):
                        continue
                    if suffix == "en" and not last.isalpha():
                        continue
                    derived.append(
                        (tokens[:-1] + (last + suffix,), _Form(entry, form + suffix, suffix))
                    )
        # Written forms go in first, so that at one trie node they are tried before derived ones.
        for tokens, form in derived:
            self._add(tokens, form)

    def _add(self, tokens: tuple[str, ...], form: _Form) -> None:
        node = self._root
        for token in tokens:
            node = node.setdefault(token, {})
        node.setdefault(self._END, []).append(form)

    def find(self, text: str) -> list[TermMatch]:
        """Non-overlapping matches in ``text``, left to right, the longest accepted term first."""
        folded = normalize_token(text)
        if len(folded) == len(text):  # one character for one: token positions carry over
            tokens = _TOKEN.findall(folded)
            spans: list[tuple[int, int]] | None = None  # found only if some token starts a term
        else:  # casefolding grew the text ("ß" -> "ss"): fold token by token
            spans = [match.span() for match in _TOKEN.finditer(text)]
            tokens = [normalize_token(text[start:end]) for start, end in spans]
        matches: list[TermMatch] = []
        index = 0
        root = self._root
        count = len(tokens)
        while index < count:
            node = root.get(tokens[index])
            if node is None:
                index += 1
                continue
            # Walk as far as the trie allows, remembering every node where terms end.
            ends: list[tuple[int, list[_Form]]] = []
            cursor = index
            while node is not None:
                forms = node.get(self._END)
                if forms:
                    ends.append((cursor, forms))
                cursor += 1
                node = node.get(tokens[cursor]) if cursor < count else None
            if spans is None:
                spans = [match.span() for match in _TOKEN.finditer(folded)]
            found = self._accept(text, spans, index, ends)
            if found is None:
                index += 1
                continue
            matches.append(found[0])
            index = found[1] + 1
        return matches

    @staticmethod
    def _accept(
        text: str,
        spans: list[tuple[int, int]],
        index: int,
        ends: list[tuple[int, list[_Form]]],
    ) -> tuple[TermMatch, int] | None:
        start = spans[index][0]
        sentence_start = at_sentence_start(text, start)
        for last, forms in reversed(ends):  # longest first
            end = spans[last][1]
            found = text[start:end]
            for form in forms:
                if case_accepts(form.entry.case, form.form, found, sentence_start):
                    base = found[: len(found) - len(form.suffix)] if form.suffix else ""
                    return TermMatch(form.entry, start, end, found, base), last
        return None


# --------------------------------------------------------------------------- target side


@dataclass(frozen=True)
class Verification:
    """What a translation lacks (``missing``) and holds that it must not (``forbidden_found``)."""

    missing: tuple[RequiredTerm, ...] = ()
    forbidden_found: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.missing and not self.forbidden_found


# Endings a word of a target term may take in inflection mode: plurals, adjective agreement, German
# case endings and the feminine "-in" (Vizepremierministerin).
_TARGET_SUFFIXES = {
    "fr": r"(?:s|x|e|es)?",
    "de": r"(?:e|n|en|s|es|er|em|ern|in|innen|nen)?",
    "en": r"(?:s|es)?",
}
# French articles and "de" elide before a vowel or mute h: "de Irak" is written "d'Irak".
_FRENCH_ELISION = {
    "de": r"(?:de\s+|d['’]\s*)",
    "le": r"(?:le\s+|l['’]\s*)",
    "la": r"(?:la\s+|l['’]\s*)",
}
_PIECE = re.compile(r"(\s+)|(\w+)|(.)", re.DOTALL)
_CHAR_CLASSES = {"'": "['’]", "’": "['’]", "-": "[-‐‑]"}


def _is_acronym(term: str) -> bool:
    letters = [char for char in term if char.isalpha()]
    return bool(letters) and len(letters) <= 5 and all(char.isupper() for char in letters)


@lru_cache(maxsize=65536)
def _term_pattern(term: str, lang: str, inflect: bool, ignore_case: bool) -> re.Pattern[str]:
    """A regex finding ``term`` on word boundaries, whitespace-tolerant, optionally inflected."""
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
        body += r"(?!\w)"
    return re.compile(body, re.IGNORECASE if ignore_case else 0)


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
    ignore = case is CasePolicy.IGNORE
    if _term_pattern(term, lang, inflections, ignore).search(text):
        return True
    if case is CasePolicy.EXACT and term[:1] != term[:1].upper():
        capital = _term_pattern(_capitalize_first(term), lang, inflections, False)
        if any(at_sentence_start(text, m.start()) for m in capital.finditer(text)):
            return True
    if inflections and case is not CasePolicy.STRICT:
        return _lemmas_contain(text, term, lang, case)
    return False


def find_forbidden(text: str, term: str, lang: str, *, inflections: bool = False) -> bool:
    """Whether forbidden ``term`` is in ``text``: any case, acronyms exactly ("IS" is not "is")."""
    term = " ".join(term.split())
    if not term:
        return False
    acronym = _is_acronym(term)
    inflect = inflections and not acronym
    if _term_pattern(term, lang, inflect, not acronym).search(text):
        return True
    return inflect and _lemmas_contain(text, term, lang)


_WORD = re.compile(r"\w+")


@lru_cache(maxsize=262144)
def _lemmas(word: str, lang: str) -> frozenset[str]:
    """The word's possible lemmas, casefolded.

    simplemma is case-sensitive and lemmatises a capitalised adjective ("Islamischen") differently
    from its lower-case form, so both are asked.
    """
    import simplemma  # only when the cheap patterns failed: its dictionaries take a while to load

    try:
        found = {simplemma.lemmatize(word, lang=lang), simplemma.lemmatize(word.lower(), lang=lang)}
    except ValueError:  # a language simplemma does not know: compare the words themselves
        found = {word}
    return frozenset(lemma.casefold() for lemma in found)


def _same_capital(found: str, wanted: str, first: bool) -> bool:
    """Whether ``found`` starts with a capital where ``wanted`` does (or a sentence start might)."""
    if found[:1].isupper() == wanted[:1].isupper():
        return True
    return first and found[:1].isupper()


def _lemmas_contain(text: str, term: str, lang: str, case: CasePolicy = CasePolicy.IGNORE) -> bool:
    """Whether the words of ``term`` occur in a row in ``text`` as the same lemmas.

    Unless case is ignored, each word must also keep its initial capital or lower-case letter,
    so that "the coalitions" does not meet the named "Coalition".
    """
    wanted_words = _WORD.findall(term)
    if not wanted_words:
        return False
    wanted = [_lemmas(word, lang) for word in wanted_words]
    words = _WORD.findall(text)
    check_case = case is not CasePolicy.IGNORE
    for index in range(len(words) - len(wanted) + 1):
        for offset, lemmas in enumerate(wanted):
            word = words[index + offset]
            if check_case and not _same_capital(word, wanted_words[offset], offset == 0):
                break
            if not lemmas & _lemmas(word, lang):
                break
        else:
            return True
    return False


def verify(
    translation: str, terms: SegmentTerms, lang: str, *, inflections: bool = False
) -> Verification:
    """Which required terms ``translation`` lacks and which forbidden terms it holds.

    ``inflections=False`` is the enforcement guarantee: an alternative exactly as written (a capital
    first letter allowed at a sentence start for ``exact`` terms). ``inflections=True`` is for
    ``mt check``: inflected forms of the alternatives count too. Do-not-translate terms are always
    compared exactly: names do not inflect.
    """
    missing = []
    for required in terms.required:
        inflect = inflections and not required.copy
        if not any(
            contains_term(translation, alternative, lang, required.case, inflections=inflect)
            for alternative in required.alternatives
        ):
            missing.append(required)
    found = tuple(
        term
        for term in terms.forbidden
        if find_forbidden(translation, term, lang, inflections=inflections)
    )
    return Verification(missing=tuple(missing), forbidden_found=found)


def required_terms(
    matches: Sequence[TermMatch], lang: str
) -> tuple[tuple[RequiredTerm, ...], tuple[str, ...]]:
    """The requirements and forbidden terms ``matches`` make for a translation into ``lang``."""
    required: list[RequiredTerm] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    forbidden: dict[str, None] = {}
    for match in matches:
        entry = match.entry
        target = entry.targets.get(lang)
        if entry.dnt:
            alternatives: tuple[str, ...] = (match.base_text,)
            copy = True
        elif target is not None:
            alternatives = (target.approved, *target.variants)
            copy = False
        else:
            continue  # the entry says nothing about this language
        key = (entry.id, alternatives)
        if key not in seen:
            seen.add(key)
            required.append(RequiredTerm(entry.id, match.text, alternatives, entry.case, copy))
        if target is not None:
            forbidden.update(dict.fromkeys(target.forbidden))
    return tuple(required), tuple(forbidden)
