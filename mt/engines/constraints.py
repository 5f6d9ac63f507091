"""Lexical constraints as a trie of target token sequences, and an immutable state per hypothesis.

A worked example. The glossary asks for entry ``daesh`` ("Daech") and entry ``coalition``
("coalition internationale"). With the target tokenizer these become phrases, one per way the term
can be written at a given place::

    daesh      WORD     ▁Da ech                   (after a space, the usual case)
    daesh      GLUED    Da ech                    (glued after an apostrophe, hyphen: "anti-Daech")
    coalition  WORD     ▁coalition ▁internationale
    coalition  GLUED    coalition ▁internationale ("l'" + "coalition")
    coalition  INITIAL  ▁Coalition ▁internationale (at sentence start only, case policy "exact")

A hypothesis starts in ``ConstraintState()``: nothing met, at the root. Feeding it tokens::

    ▁La          not a phrase start           met={}        node=root   bank 0
    ▁coalition   starts "coalition" (WORD)    met={}        depth 1     bank 1
    ▁contre      abandons it: progress undone met={}        node=root   bank 0
    ▁coalition   starts it again              met={}        depth 1     bank 1
    ▁internationale  completes it             met={coalition} root      bank 2
    ▁Da          starts "daesh"               depth 1                   bank 3
    ech          completes it                 met={coalition, daesh}    bank 4, all met

An entry is met when any one of its phrases is generated whole (alternatives are disjunctive). The
bank of a state (tokens of the phrases completed, plus the depth of the phrase in progress: the
constraint tokens generated, so completing a phrase never leaves the bank where its first token put
it) is what dynamic beam allocation groups hypotheses by. Whether a phrase may
start depends on the token before it (:class:`TokenClass`): glued phrases only after a joiner,
capitalised phrases only at a sentence start. The trie is built once per segment and memoises
transitions, so a decoder pays one dict lookup per (state, token) it has seen before. Nothing here
imports torch.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

from mt.terminology.terms import CasePolicy, RequiredTerm, SegmentTerms


class TokenClass(IntEnum):
    """What a target token lets follow it, judged from its SentencePiece piece."""

    START = 0  # no token yet: the sentence start
    OTHER = 1
    JOINER = (
        2  # ends in an apostrophe, hyphen, slash, opening quote or bracket: a glued term may follow
    )
    SENTENCE_END = 3  # ends in . ! ? or : (as mt.terminology.matching counts sentence starts)


class Placement(IntEnum):
    """Where a phrase may start."""

    WORD = 0  # after a space (the piece carries SentencePiece's word-start marker)
    GLUED = 1  # directly after a joiner, without the marker: "l'" + "État"
    INITIAL = 2  # capitalised form, only at a sentence start


# Which placements may start after a token of each class.
ALLOWED: dict[TokenClass, tuple[Placement, ...]] = {
    TokenClass.START: (Placement.WORD, Placement.INITIAL),
    TokenClass.OTHER: (Placement.WORD,),
    TokenClass.JOINER: (Placement.WORD, Placement.GLUED),
    TokenClass.SENTENCE_END: (Placement.WORD, Placement.INITIAL),
}

WORD_START = "▁"
_JOINERS = "'’‘-‐‑/(«„“\"["
_SENTENCE_END = ".!?:"


def classify_piece(piece: str) -> TokenClass:
    """The class of a SentencePiece piece (``"▁l'"`` is a joiner, ``"."`` a sentence end)."""
    last = piece[-1:] if piece not in ("</s>", "<pad>", "<unk>") else ""
    if last and last in _JOINERS:
        return TokenClass.JOINER
    if last and last in _SENTENCE_END:
        return TokenClass.SENTENCE_END
    return TokenClass.OTHER


def glues_letters(piece: str) -> bool:
    """Whether the piece continues a word: no word-start marker, and a letter or digit first.

    After a completed term such a piece would turn "Daech" into "Daechs", which no longer meets the
    term on word boundaries, so decoders block it right after a phrase ends.
    """
    return bool(piece) and not piece.startswith(WORD_START) and piece[0].isalnum()


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def surface_forms(term: RequiredTerm | str, case: CasePolicy) -> list[tuple[str, Placement]]:
    """The strings (and where they may start) that meet ``term``, or for a string, that it bans."""
    alternatives = term.alternatives if isinstance(term, RequiredTerm) else (term,)
    forms: list[tuple[str, Placement]] = []
    for text in alternatives:
        if not text.strip():
            continue
        cased = [(text, Placement.WORD)]
        if case is CasePolicy.EXACT and _capitalised(text) != text:
            cased.append((_capitalised(text), Placement.INITIAL))
        elif case is CasePolicy.IGNORE:
            cased += [(_capitalised(text), Placement.WORD), (text.lower(), Placement.WORD)]
        for form, placement in cased:
            forms.append((form, placement))
            if placement is Placement.WORD:
                forms.append((form, Placement.GLUED))
    return list(dict.fromkeys(forms))


def segment_glued(
    text: str, pieces: Mapping[str, int], max_piece_len: int
) -> tuple[int, ...] | None:
    """``text`` as the fewest vocabulary pieces, with no word-start marker in front (None: cannot).

    SentencePiece always prepends the marker, so the glued spelling ("État" after "l'") is found by
    a shortest segmentation over the vocabulary instead; inner spaces become the marker.
    """
    text = text.replace(" ", WORD_START)
    best: list[tuple[int, ...] | None] = [None] * (len(text) + 1)
    best[0] = ()
    for start in range(len(text)):
        prefix = best[start]
        if prefix is None:
            continue
        for end in range(min(len(text), start + max_piece_len), start, -1):
            piece_id = pieces.get(text[start:end])
            if piece_id is not None and (best[end] is None or len(best[end]) > len(prefix) + 1):
                best[end] = (*prefix, piece_id)
    return best[len(text)]


@dataclass(frozen=True)
class TargetVocabulary:
    """What constraint compilation needs from a target tokenizer, as plain Python."""

    encode: Callable[[str], Sequence[int]]  # target-side ids of a text, without the trailing </s>
    pieces: Mapping[str, int]
    unk_id: int
    max_piece_len: int = field(default=16)

    def spellings(self, form: str, placement: Placement) -> tuple[int, ...] | None:
        """The token ids that write ``form`` at ``placement``; None where the vocabulary cannot."""
        if placement is Placement.GLUED:
            ids = segment_glued(form, self.pieces, self.max_piece_len)
        else:
            ids = tuple(self.encode(form))
        if not ids or self.unk_id in ids:
            return None
        return ids


@dataclass(frozen=True, slots=True)
class Phrase:
    """One token sequence that meets entry number ``entry``."""

    entry: int
    tokens: tuple[int, ...]
    placement: Placement


@dataclass(frozen=True, slots=True)
class ConstraintState:
    """Where one hypothesis stands: entries met (a bit mask), the trie node of the phrase in
    progress (0 = none), the class of its last token, and whether that token completed a phrase."""

    met: int = 0
    node: int = 0
    last: TokenClass = TokenClass.START
    completed: bool = False
    done: int = 0  # tokens of the phrases completed (as written, not the shortest spelling)
    fresh: int = 0  # placeholders written with no word since: their closers wait (no empty pair)
    stack: tuple[int, ...] = ()  # pairs opened and not closed, innermost last: closed in turn


class ConstraintTrie:
    """The phrases of one segment's entries, one sub-trie per placement; memoised transitions."""

    def __init__(
        self,
        phrases: Sequence[Phrase],
        entry_count: int,
        requires: Sequence[int] = (),
        placeholders: int = 0,
    ) -> None:
        self.entry_count = entry_count
        self.all_entries = (1 << entry_count) - 1
        # requires[e]: bit mask of the entries that must be met before entry e may start (a closing
        # placeholder waits for its opener); placeholders: bit mask of the placeholder entries.
        self.requires = tuple(requires) or (0,) * entry_count
        self.placeholders = placeholders
        # closer -> its opener, for the pairs of this segment: a closer comes only when its pair
        # is the innermost one open, so the markup nests ("**[a**](u)" cannot happen)
        self.opener_of = {
            entry: bit.bit_length() - 1
            for entry, bit in enumerate(self.requires)
            if bit and bit & (bit - 1) == 0 and placeholders >> entry & 1
        }
        self.openers = sum(1 << opener for opener in set(self.opener_of.values()))
        self.phrases_of: list[list[tuple[int, ...]]] = [[] for _ in range(entry_count)]
        self.markup_tokens: set[int] = set()  # tokens of placeholder phrases: not words
        self.children: list[dict[int, int]] = [{}]  # node 0 is a placeholder for "no phrase"
        self.depth = [0]
        self.below = [0]  # bit mask of the entries whose phrases pass through each node
        self.terminal = [0]  # bit mask of the entries a node completes
        self.roots: dict[Placement, dict[int, int]] = {placement: {} for placement in Placement}
        self.shortest = [0] * entry_count
        for phrase in phrases:
            self._add(phrase)
        self._advance_memo: dict[tuple[ConstraintState, int, TokenClass], ConstraintState] = {}
        self._next_memo: dict[ConstraintState, tuple[int, ...]] = {}
        self._open_memo: dict[int, int] = {}
        self._blocked_memo: dict[tuple[int, int, int], tuple[tuple[int, ...], ...]] = {}
        self._writable_memo: dict[tuple[int, int, int], int] = {}

    def _add(self, phrase: Phrase) -> None:
        bit = 1 << phrase.entry
        self.phrases_of[phrase.entry].append(phrase.tokens)
        if self.placeholders >> phrase.entry & 1:
            self.markup_tokens.update(phrase.tokens)
        edges = self.roots[phrase.placement]
        node = 0
        for token in phrase.tokens:
            child = edges.get(token)
            if child is None:
                child = len(self.children)
                edges[token] = child
                self.children.append({})
                self.depth.append(self.depth[node] + 1)
                self.below.append(0)
                self.terminal.append(0)
            self.below[child] |= bit
            node, edges = child, self.children[child]
        self.terminal[node] |= bit
        known = self.shortest[phrase.entry]
        self.shortest[phrase.entry] = (
            min(known, len(phrase.tokens)) if known else len(phrase.tokens)
        )

    def all_met(self, state: ConstraintState) -> bool:
        return state.met == self.all_entries

    def open_entries(self, met: int) -> int:
        """Bit mask of the entries that may be written now: unmet, and their prerequisites met."""
        mask = self._open_memo.get(met)
        if mask is None:
            mask = 0
            for entry in range(self.entry_count):
                bit = 1 << entry
                if not met & bit and self.requires[entry] & ~met == 0:
                    mask |= bit
            self._open_memo[met] = mask
        return mask

    def writable(self, state: ConstraintState) -> int:
        """Bit mask of the entries that may start now: open, and not a closer whose opener was
        just written (a pair holds at least one word)."""
        if not self.opener_of:
            return self.open_entries(state.met)
        top = state.stack[-1] if state.stack else -1
        key = (state.met, state.fresh, top)
        mask = self._writable_memo.get(key)
        if mask is None:
            mask = self.open_entries(state.met)
            for closer, opener in self.opener_of.items():
                if opener != top or state.fresh >> opener & 1:
                    mask &= ~(1 << closer)
            self._writable_memo[key] = mask
        return mask

    def blocked(self, state: ConstraintState) -> tuple[tuple[int, ...], ...]:
        """Token sequences that must not be generated now: the phrases of placeholders already
        written or not yet in their turn, so each is written once, pairs in order, not empty."""
        key = (state.met, state.fresh, state.stack[-1] if state.stack else -1)
        sequences = self._blocked_memo.get(key)
        if sequences is None:
            closed = self.placeholders & ~self.writable(state)
            sequences = tuple(
                tokens
                for entry in range(self.entry_count)
                if closed >> entry & 1
                for tokens in self.phrases_of[entry]
            )
            self._blocked_memo[key] = sequences
        return sequences

    def bank(self, state: ConstraintState) -> int:
        """Constraint tokens generated: the phrases completed, plus the one in progress."""
        return state.done + self.depth[state.node]

    def advance(
        self, state: ConstraintState, token: int, token_class: TokenClass
    ) -> ConstraintState:
        """The state after ``token`` (of class ``token_class``) is appended to the hypothesis."""
        key = (state, token, token_class)
        after = self._advance_memo.get(key)
        if after is None:
            after = self._advance_memo[key] = self._step(state, token, token_class)
        return after

    def _step(self, state: ConstraintState, token: int, token_class: TokenClass) -> ConstraintState:
        unmet = self.writable(state)
        # a word between an opener and its closer lets the closer come
        fresh = state.fresh if token in self.markup_tokens else 0
        child = self.children[state.node].get(token) if state.node else None
        if child is None or not self.below[child] & unmet:
            # Not a continuation: progress on the phrase is abandoned; the token may start another.
            child = None
            for placement in ALLOWED[state.last]:
                candidate = self.roots[placement].get(token)
                if candidate is not None and self.below[candidate] & unmet:
                    child = candidate
                    break
        if child is None:
            return ConstraintState(state.met, 0, token_class, False, state.done, fresh, state.stack)
        hit = self.terminal[child] & unmet
        if not hit:
            return ConstraintState(
                state.met, child, token_class, False, state.done, fresh, state.stack
            )
        met = state.met | hit
        still_open = any(self.below[c] & ~met for c in self.children[child].values())
        # Letters may touch a placeholder ("[1]website"), never a term ("Daechs").
        term = bool(hit & ~self.placeholders)
        done = state.done + self.depth[child]
        fresh |= hit & self.placeholders
        stack = state.stack
        if hit & self.placeholders:
            for entry in range(self.entry_count):
                if hit >> entry & 1:
                    if self.openers >> entry & 1:
                        stack = (*stack, entry)
                    elif stack and self.opener_of.get(entry) == stack[-1]:
                        stack = stack[:-1]
        node = child if still_open else 0
        return ConstraintState(met, node, token_class, term, done, fresh, stack)

    def next_tokens(self, state: ConstraintState) -> tuple[int, ...]:
        """Tokens that make progress: the next token of the phrase in progress, first tokens of the
        phrases of unmet entries that may start here."""
        tokens = self._next_memo.get(state)
        if tokens is None:
            unmet = self.writable(state)
            found: dict[int, None] = {}
            if state.node:
                found.update(
                    (t, None) for t, c in self.children[state.node].items() if self.below[c] & unmet
                )
            for placement in ALLOWED[state.last]:
                found.update(
                    (t, None) for t, c in self.roots[placement].items() if self.below[c] & unmet
                )
            tokens = self._next_memo[state] = tuple(found)
        return tokens


@dataclass(frozen=True)
class CompiledTerms:
    """One segment's terms as token sequences: what the decoder enforces and what it could not."""

    entry_ids: tuple[str, ...]  # entry number -> glossary entry id, for the entries enforced
    trie: ConstraintTrie
    banned: tuple[tuple[int, ...], ...]  # token sequences that must not be generated
    unmet: tuple[tuple[str, str], ...]  # (entry id, reason) for entries that cannot be enforced

    def met_ids(self, state: ConstraintState) -> tuple[str, ...]:
        return tuple(e for i, e in enumerate(self.entry_ids) if state.met >> i & 1)


def compile_terms(
    terms: SegmentTerms, vocab: TargetVocabulary, room: int | None = None
) -> CompiledTerms:
    """Turn a segment's :class:`SegmentTerms` into a trie and banned sequences.

    ``room`` is the number of tokens the output may hold before ``</s>``: entries whose shortest
    phrase no longer fits (counting the entries before them) are reported in ``unmet`` instead of
    being enforced, so a search never chases a term it cannot place.
    """
    merged: dict[str, list[RequiredTerm]] = {}
    for term in terms.required:  # the same entry matched twice needs to be met once
        merged.setdefault(term.entry_id, []).append(term)
    entry_ids: list[str] = []
    phrases: list[Phrase] = []
    unmet: list[tuple[str, str]] = []
    requires: list[int] = []
    placeholders = 0
    used = 0
    for entry_id, matches in merged.items():
        after = matches[0].after
        if after and after in merged and after not in entry_ids:
            unmet.append((entry_id, "its opening placeholder cannot be placed"))
            continue
        spellings = {
            (ids, placement)
            for term in matches
            for form, placement in surface_forms(term, term.case)
            if (ids := vocab.spellings(form, placement)) is not None
        }
        if not spellings:
            unmet.append(
                (entry_id, "the term cannot be written with the model's target vocabulary")
            )
            continue
        shortest = min(len(ids) for ids, _ in spellings)
        if room is not None and used + shortest > room:
            unmet.append(
                (
                    entry_id,
                    f"the term needs {shortest} target tokens but only {room - used} fit"
                    " in the length limit",
                )
            )
            continue
        used += shortest
        number = len(entry_ids)
        entry_ids.append(entry_id)
        requires.append(1 << entry_ids.index(after) if after in entry_ids else 0)
        if matches[0].placeholder:
            placeholders |= 1 << number
        phrases += [Phrase(number, ids, placement) for ids, placement in sorted(spellings)]

    required_sequences = [phrase.tokens for phrase in phrases]
    banned: dict[tuple[int, ...], None] = {}
    for text in terms.forbidden:
        # Verification finds forbidden words in any case, acronyms exactly: "IS" must not ban "is".
        letters = [char for char in text if char.isalpha()]
        acronym = bool(letters) and all(char.isupper() for char in letters)
        forms = {text} if acronym else {text, _capitalised(text), text.lower()}
        for form, placement in itertools.product(sorted(forms), (Placement.WORD, Placement.GLUED)):
            ids = vocab.spellings(form, placement)
            # A ban inside a required phrase would make the term impossible: the glossary's approved
            # term wins (validation rejects a forbidden term equal to an approved one).
            if ids and not any(_contains(seq, ids) for seq in required_sequences):
                banned[ids] = None
    trie = ConstraintTrie(phrases, len(entry_ids), requires, placeholders)
    return CompiledTerms(tuple(entry_ids), trie, tuple(banned), tuple(unmet))


def _contains(sequence: tuple[int, ...], part: tuple[int, ...]) -> bool:
    return any(sequence[i : i + len(part)] == part for i in range(len(sequence) - len(part) + 1))
