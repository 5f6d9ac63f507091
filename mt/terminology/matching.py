"""Finding glossary terms in a Dutch source, and what they ask of a translation into each language.

A worked example. The glossary holds "Daesh", "Internationale Coalitie tegen Daesh" and
"Coalitie" (case ``exact``). The text is tokenised into words and punctuation (whitespace of
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
compiled once per glossary. An Aho-Corasick automaton of the trie's first tokens (ahocorasick-rs)
finds where terms may start in one pass over the folded text, whatever the glossary size; the text
is cut into tokens only there, as far as the trie goes on. That finds what tokenising the whole
text finds (tested against it). A caller that asks about a source in several languages has its
matches remembered between the calls.

Whether a translation holds what is asked is :mod:`mt.terminology.verification`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING

import ahocorasick_rs

from mt.terminology.terms import NO_TERMS, CasePolicy, RequiredTerm, SegmentTerms

if TYPE_CHECKING:
    from mt.terminology.glossary import Entry

_TOKEN = re.compile(r"\w+|[^\w\s]")
# The same tokens, kept by re.split between the whitespace runs around them: the lengths of the
# pieces give every token's offset without a match object per token.
_SPLIT = re.compile(r"(\w+|[^\w\s])")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "‐": "-", "‑": "-"})
# Dutch plural endings derived for the last word of every source term ("coalitie" -> "coalities").
_DUTCH_SUFFIXES = ("s", "en", "n")
# What may precede a sentence start once whitespace is skipped: nothing, or an opening quote/bracket
# or list bullet after a full stop, question mark, exclamation mark or colon.
_OPENERS = "\"'“‘«„([{-–—•*"
_SENTENCE_END = ".!?:"


def _has_typographic(text: str) -> bool:
    """Whether ``text`` holds a character ``_APOSTROPHES`` replaces: a few substring scans cost
    less than str.translate, which looks every character of a non-ASCII text up in a dict."""
    return not text.isascii() and any(char in text for char in _TYPOGRAPHIC)


_TYPOGRAPHIC = "’‘ʼ‐‑"

# Characters that do not show: soft hyphen, zero-width space and joiners, word joiner, BOM. Web
# pages put soft hyphens in long words ("Entwicklungs&shy;zusammenarbeit"); terms are read past
# them on both sides (mt.terminology.verification drops them from a translation).
INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")

_IGNORE = CasePolicy.IGNORE  # (in the hot loops: a global costs a tenth of an enum member lookup)


def normalize_token(token: str) -> str:
    """How tokens are compared: casefolded, typographic apostrophes and hyphens made plain."""
    return token.translate(_APOSTROPHES).casefold()


def tokenize(text: str) -> list[str]:
    """Words and punctuation marks of ``text`` as normalised tokens (whitespace only separates)."""
    if text.isascii():  # nothing to translate, and lower-casing moves no token boundary
        return _TOKEN.findall(text.lower())
    return [normalize_token(token) for token in _TOKEN.findall(text)]


def at_sentence_start(text: str, position: int) -> bool:
    """Whether only spaces and openers stand between ``position`` and the text start or ``.!?:``."""
    index = position - 1
    while index >= 0 and (text[index].isspace() or text[index] in _OPENERS):
        index -= 1
    return index < 0 or text[index] in _SENTENCE_END


def capitalize_first(term: str) -> str:
    return term[:1].upper() + term[1:]


def _squash(text: str) -> str:
    """``text`` with each whitespace run made one space and plain apostrophes, to compare case."""
    return " ".join(text.translate(_APOSTROPHES).split())


def case_accepts(policy: CasePolicy, form: str, found: str, sentence_start: bool) -> bool:
    """Whether ``found`` (text as it stands) has an acceptable letter case for glossary ``form``."""
    if policy is _IGNORE or found == form:
        return True
    found = _squash(found)
    form = _squash(form)
    if found == form:
        return True
    return policy is CasePolicy.EXACT and sentence_start and found == capitalize_first(form)


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


@dataclass(frozen=True, eq=False)  # compared by identity: cheap to hash, as a cache key must be
class _Form:
    """One way an entry is written in Dutch, as the trie stores it."""

    entry: Entry
    form: str  # as written in the glossary, plus a derived ending when ``suffix`` is set
    suffix: str = ""


_Hit = tuple[_Form, int, int, str, str]  # form, start, end, text, base: what a TermMatch holds
_Ends = list[tuple[int, list[_Form]]]  # where terms end along one walk of the trie, and their forms

# The token that follows a position, as tokenising the whole text would cut it there.
_NEXT_TOKEN = re.compile(r"\s*(\w+|[^\w\s])")


class SourceMatcher:
    """A glossary's Dutch terms compiled into a token trie: build once, :meth:`find` many times.

    Where a term may start is found in one pass of an Aho-Corasick automaton (Rust code) over the
    folded text, whose keys are the trie's first tokens; only there is the text cut into tokens,
    and only as far as the trie goes on. Most segments thus cost one scan, however large the
    glossary, and no Python step per word.
    """

    _END = ""  # the trie key holding the forms that end at a node (no token is empty)

    def __init__(self, entries: Iterable[Entry]) -> None:
        self._root: dict[str, dict] = {}
        # The same entry matched as the same text asks the same of every segment: built once.
        self._required: dict[tuple[_Form, str, str], _Requirement] = {}
        # The hits of texts a caller will ask about again (a source, in its next language).
        self._seen: dict[str, list[_Hit]] = {}
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
        # Where terms may start: the trie's first tokens, found leftmost-longest and without
        # overlaps. Enough: a first token that is a word stands between non-word characters, and
        # no token holds both, so a match that starts inside a word ends inside it, before the
        # next token. Beside each token: whether it is a word (else one punctuation mark), its node.
        firsts = list(self._root.items())
        self._starts = (
            ahocorasick_rs.AhoCorasick(
                [token for token, _ in firsts],
                matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
            )
            if firsts
            else None
        )
        # and, for a first token that no longer term goes on from (a one-word term), its forms.
        self._firsts = [
            (is_word_char(token[0]), node, node.get(self._END) if len(node) == 1 else None)
            for token, node in firsts
        ]

    def _add(self, tokens: tuple[str, ...], form: _Form) -> None:
        node = self._root
        for token in tokens:
            node = node.setdefault(token, {})
        node.setdefault(self._END, []).append(form)

    def find(self, text: str) -> list[TermMatch]:
        """Non-overlapping matches in ``text``, left to right, the longest accepted term first."""
        return [TermMatch(form.entry, *hit) for form, *hit in self._hits(text)]

    def requirements(self, text: str, lang: str, *, remember: bool = False) -> SegmentTerms:
        """What a translation of ``text`` into ``lang`` must and must not hold (see
        :func:`required_terms`), built from the hits without a :class:`TermMatch` each.
        ``remember``: keep the hits of ``text`` for the next call on it (in another language)."""
        hits = self._seen.get(text)
        if hits is None:
            hits = self._hits(text)
            # Only on demand: kept for every text, the hits of a long run of distinct texts outlive
            # the youngest collections, and the checks ran 18% slower (10% with the collector off).
            if remember:
                if len(self._seen) >= 4096:  # a bound: a release has tens of units
                    self._seen.clear()
                self._seen[text] = hits
        if not hits:
            return NO_TERMS
        if len(hits) == 1:  # the usual case: what one match asks, built once
            form, _start, _end, found, base = hits[0]
            return self._requirement(form, lang, found, base)[3]
        required, forbidden = _combined(
            [self._requirement(form, lang, found, base) for form, _start, _end, found, base in hits]
        )
        return SegmentTerms(required, forbidden)

    def _requirement(self, form: _Form, lang: str, found: str, base: str) -> _Requirement:
        """What one match asks of ``lang``, built once per form, language and text (``base``
        follows from ``found`` and the form)."""
        cache = self._required
        made = cache.get((form, lang, found))
        if made is None:
            if len(cache) > 100_000:  # a bound for endless distinct spellings
                cache.clear()
            made = cache[form, lang, found] = _requirement(form.entry, lang, found, base)
        return made

    def _hits(self, text: str) -> list[_Hit]:
        """The matches in ``text``, each as the tuple a :class:`TermMatch` is made of."""
        if self._starts is None:
            return []
        if not text.isascii() and INVISIBLE.search(text):
            return self._hits_past_invisible(text)
        # (typographic apostrophes and hyphens are not ASCII: an ASCII text needs no translation)
        folded = (text.translate(_APOSTROPHES) if _has_typographic(text) else text).casefold()
        if len(folded) != len(text):  # casefolding grew the text ("ß" -> "ss"): offsets moved
            return self._hits_by_tokens(text)
        hits: list[_Hit] = []
        free = 0  # text before this offset belongs to a match already
        size = len(folded)
        firsts = self._firsts
        for index, start, end in self._starts.find_matches_as_indexes(folded):
            if start < free:
                continue
            word, node, leaf = firsts[index]
            # A word only starts a term as a whole token: no word character on either side.
            if word and (
                (start and ((char := folded[start - 1]).isalnum() or char == "_"))
                or (end < size and ((char := folded[end]).isalnum() or char == "_"))
            ):
                continue
            if leaf is None:
                ends = self._walk_text(folded, node, end)
                hit = self._accept(text, start, ends) if ends else None
            elif len(leaf) == 1 and (form := leaf[0]).entry.case is _IGNORE:  # always accepted
                found = text[start:end]
                base = found[: len(found) - len(form.suffix)] if form.suffix else ""
                hit = form, start, end, found, base
            else:
                hit = self._accept(text, start, [(end, leaf)])
            if hit is not None:
                hits.append(hit)
                free = hit[2]
        return hits

    def _hits_past_invisible(self, text: str) -> list[_Hit]:
        """:meth:`_hits` of ``text`` read without its invisible characters ("Coali\u00adtie" is
        "Coalitie"), each hit placed and cut from ``text`` itself, the invisibles within it kept."""
        visible = [index for index, char in enumerate(text) if not INVISIBLE.match(char)]
        hits: list[_Hit] = []
        for form, start, end, _found, base in self._hits(INVISIBLE.sub("", text)):
            first, last = visible[start], visible[end - 1] + 1
            if base:  # (the visible base ends where its last character stands)
                base = text[first : visible[start + len(base) - 1] + 1]
            hits.append((form, first, last, text[first:last], base))
        return hits

    def _walk_text(self, folded: str, node: dict, cursor: int) -> _Ends:
        """Walk the trie from ``node`` along the tokens after offset ``cursor``, as far as it goes,
        noting every node where terms end."""
        ends: _Ends = []
        next_token = _NEXT_TOKEN.match
        while True:
            forms = node.get(self._END)
            if forms:
                ends.append((cursor, forms))
                if len(node) == 1:  # a leaf: no longer term goes on from here
                    return ends
            token = next_token(folded, cursor)
            if token is None:
                return ends
            node = node.get(token[1])
            if node is None:
                return ends
            cursor = token.end()

    def _hits_by_tokens(self, text: str) -> list[_Hit]:
        """:meth:`_hits` for a text that casefolding changes in length: folded token by token."""
        pieces = _SPLIT.split(text)  # whitespace, token, whitespace, token, ..., whitespace
        tokens = [normalize_token(token) for token in pieces[1::2]]
        # offsets[2 * i] is where token i starts, offsets[2 * i + 1] where it ends
        offsets = list(accumulate(map(len, pieces)))
        root, count = self._root, len(tokens)
        hits: list[_Hit] = []
        free = 0
        for index, token in enumerate(tokens):
            node = root.get(token)
            if node is None or offsets[2 * index] < free:
                continue
            ends: _Ends = []
            cursor = index
            while node is not None:
                forms = node.get(self._END)
                if forms:
                    ends.append((offsets[2 * cursor + 1], forms))
                cursor += 1
                node = node.get(tokens[cursor]) if cursor < count else None
            hit = self._accept(text, offsets[2 * index], ends) if ends else None
            if hit is not None:
                hits.append(hit)
                free = hit[2]
        return hits

    @staticmethod
    def _accept(text: str, start: int, ends: _Ends) -> _Hit | None:
        """The longest term, of those ending at ``ends``, whose case policy accepts the text."""
        sentence_start: bool | None = None  # looked at only for a term whose case differs
        for end, forms in reversed(ends):  # longest first
            found = text[start:end]
            for form in forms:
                policy = form.entry.case
                if policy is not _IGNORE and found != form.form:
                    if sentence_start is None:
                        sentence_start = at_sentence_start(text, start)
                    if not case_accepts(policy, form.form, found, sentence_start):
                        continue
                base = found[: len(found) - len(form.suffix)] if form.suffix else ""
                return form, start, end, found, base
        return None


def is_word_char(char: str) -> bool:
    """Whether ``char`` is a regex ``\\w`` character: what str.isalnum() says, and "_"."""
    return char.isalnum() or char == "_"


# A term (None: the entry says nothing of the language), its forbidden terms, what makes two terms
# one requirement (entry and alternatives), and the SegmentTerms of a segment with this match alone.
_Requirement = tuple[
    RequiredTerm | None, tuple[str, ...], tuple[str, tuple[str, ...]], SegmentTerms
]


def _requirement(entry: Entry, lang: str, found: str, base: str) -> _Requirement:
    """What one match of ``entry`` (as ``found``) asks of ``lang``: a term, and forbidden terms."""
    target = entry.targets.get(lang)
    if entry.dnt:  # copied as it stands, less what does not show
        alternatives: tuple[str, ...] = (INVISIBLE.sub("", base or found),)
        copy = True
    elif target is not None:
        alternatives = (target.approved, *target.variants)
        copy = False
    else:
        return None, (), (entry.id, ()), NO_TERMS
    term = RequiredTerm(entry.id, found, alternatives, entry.case, copy)
    banned = tuple(dict.fromkeys(target.forbidden)) if target is not None else ()
    return term, banned, (entry.id, alternatives), SegmentTerms((term,), banned)


def _combined(
    made: Iterable[_Requirement],
) -> tuple[tuple[RequiredTerm, ...], tuple[str, ...]]:
    """The requirements of several matches as one: a term per entry and set of alternatives, in
    match order, and every forbidden term once."""
    required: list[RequiredTerm] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    forbidden: dict[str, None] = {}
    for term, banned, same, _ in made:
        if term is not None and same not in seen:
            seen.add(same)
            required.append(term)
        if banned:
            forbidden.update(dict.fromkeys(banned))
    return tuple(required), tuple(forbidden)


def required_terms(
    matches: Sequence[TermMatch], lang: str
) -> tuple[tuple[RequiredTerm, ...], tuple[str, ...]]:
    """The requirements and forbidden terms ``matches`` make for a translation into ``lang``.

    One :class:`~mt.terminology.terms.RequiredTerm` per entry and set of alternatives, in match
    order; the forbidden terms of every matched entry, each once.
    """
    return _combined(_requirement(match.entry, lang, match.text, match.base) for match in matches)
