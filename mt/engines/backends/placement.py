"""Glossary terms on CTranslate2 alone: put each missed term where the model translated its source,
and decode on from the last one.

CTranslate2 has no lexical constraints, but it continues a translation from a given target prefix.
So a segment whose fast translation misses a term is repaired from that translation, without torch::

    source     De Internationale Coalitie tegen Daesh vergadert .
    fast       ▁La ▁coalition ▁contre ▁l ' État ▁islamique ▁se ▁réunit .       (misses both terms)
    alignment  the tokens that attended most to "Internationale Coalitie" are ▁coalition,
               those for "Daesh" are ▁l ' État ▁islamique
    spliced    ▁La ▁coalition ▁internationale ▁contre ▁Da ech ▁se ▁réunit .  (each span replaced by
               the approved term, widened to whole words; a term with no aligned token is
               inserted where the tokens before its source end)
    prefix     ▁La ▁coalition ▁internationale ▁contre ▁Da ech                  (up to the last term)
    continued  prefix + what CTranslate2 decodes after it, greedily, forbidden terms suppressed

The continued translation is kept when it verifies (every term on word boundaries, nothing
forbidden); else the spliced one, which holds each term by construction. Only when neither does
(a forbidden term spelled in pieces that suppression did not know, say) does the segment go to the
constrained torch search (:mod:`mt.engines.decoding`). Forbidden terms found in the fast
translation are cut out the same way (the span of tokens that spells them).

Term spellings come from :mod:`mt.engines.constraints` (the forms a term may take and where they
may start: sentence-initial capitals, glued after an apostrophe), so the decoders agree on what
meets a term. Entries that cannot be written with the target vocabulary, or that do not fit in the
length limit, are reported unmet with the reason, as the torch search reports them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mt.engines.constraints import (
    ALLOWED,
    Placement,
    TargetVocabulary,
    TokenClass,
    classify_piece,
    glues_letters,
    surface_forms,
)
from mt.terminology.terms import RequiredTerm, SegmentTerms
from mt.terminology.verification import Verification, verify

if TYPE_CHECKING:
    from mt.engines.backends.base import DecodeSettings
    from mt.engines.backends.ct2 import CTranslate2Backend, Hypothesis, MarianPieces
    from mt.engines.decoding import DecodeResult

_EOS = "</s>"


@dataclass(frozen=True)
class Edit:
    """Replace ``hypothesis[start:end]`` by a spelling of ``term`` (chosen where it lands), or by
    nothing: a forbidden term cut out (``term`` None)."""

    start: int
    end: int
    term: RequiredTerm | None = None
    rank: int = 0  # the order of edits at one position: closers first, inner ones before outer


@dataclass(frozen=True)
class Plan:
    """One segment's repair: the prefix to decode on from, the spliced whole, what is unplaced."""

    prefix: tuple[str, ...]
    spliced: tuple[str, ...]
    ends_in_term: bool  # the prefix ends with a term: a continuation must not glue letters onto it
    unplaced: tuple[tuple[str, str], ...]  # (entry id, reason)


def target_vocabulary(pieces: MarianPieces) -> tuple[TargetVocabulary, list[str]]:
    """A target side as :mod:`mt.engines.constraints` wants it, and the piece of each id."""
    vocab = pieces.vocab
    names = [""] * (max(vocab.values()) + 1)
    for piece, index in vocab.items():
        names[index] = piece
    special = {pieces.eos, pieces.unk, pieces.pad}
    usable = {piece: index for piece, index in vocab.items() if piece not in special}
    unk = vocab.get(pieces.unk, -1)

    def encode(text: str) -> list[int]:
        return [vocab.get(piece, unk) for piece in pieces.target.encode(text, out_type=str)]

    longest = max((len(piece) for piece in usable), default=1)
    return TargetVocabulary(encode, usable, unk, longest), names


class TermPlacer:
    """Repairs, on a :class:`~mt.engines.backends.ct2.CTranslate2Backend`, fast translations that
    miss their glossary terms (see the module docstring)."""

    def __init__(self, backend: CTranslate2Backend, lang: str) -> None:
        self.backend = backend
        self.lang = lang
        self._target: tuple[TargetVocabulary, list[str]] | None = None
        self._spelled: dict[RequiredTerm, list[tuple[Placement, tuple[str, ...]]]] = {}

    # -- the repair ------------------------------------------------------------------------------

    def place(
        self,
        sources: Sequence[str],
        terms: Sequence[SegmentTerms],
        hypotheses: Sequence[Hypothesis],
        settings: DecodeSettings,
    ) -> list[DecodeResult | None]:
        """A repaired translation per segment, or None where only the full search can help."""
        plans: list[Plan] = []
        for source, segment, hypothesis in zip(sources, terms, hypotheses, strict=True):
            plans.append(self.plan(source, segment, hypothesis))
        decode = [i for i, plan in enumerate(plans) if plan.prefix]
        continued: dict[int, list[str]] = {}
        if decode:
            outputs = self.backend.continue_from(
                [hypotheses[i] for i in decode], [plans[i].prefix for i in decode], settings
            )
            continued = dict(zip(decode, outputs, strict=True))
        results: list[DecodeResult | None] = []
        for index, (segment, plan) in enumerate(zip(terms, plans, strict=True)):
            candidates: list[Sequence[str]] = []
            tokens = continued.get(index)
            if tokens is not None and not _glued_after(tokens, plan):
                candidates.append(tokens)
            candidates.append(plan.spliced)
            results.append(self._first_verified(candidates, segment, plan))
        return results

    def _first_verified(
        self, candidates: Sequence[Sequence[str]], segment: SegmentTerms, plan: Plan
    ) -> DecodeResult | None:
        from dataclasses import replace

        unplaced = {entry for entry, _ in plan.unplaced}
        for tokens in candidates:
            result = self.backend.result(tokens)
            check = verify(result.text, segment, self.lang, inflections=False)
            missing = {term.entry_id for term in check.missing}
            if check.forbidden_found or not missing <= unplaced:
                continue
            applied = tuple(
                dict.fromkeys(t.entry_id for t in segment.required if t.entry_id not in missing)
            )
            return replace(result, applied=applied, unmet=plan.unplaced)
        return None

    def plan(self, source: str, segment: SegmentTerms, hypothesis: Hypothesis) -> Plan:
        """Where each missed term goes in ``hypothesis``, and the tokens that result."""
        tokens = list(hypothesis.pieces)
        if tokens and tokens[-1] == _EOS:
            tokens.pop()
        text = self.backend.pieces.decode(tokens)
        check: Verification = verify(text, segment, self.lang, inflections=False)
        missing_ids = {term.entry_id for term in check.missing}
        unplaced: list[tuple[str, str]] = []
        edits: list[Edit] = []
        protected = self._protected(tokens, segment, missing_ids)
        for forbidden in check.forbidden_found:
            span = _span_spelling(tokens, forbidden, self.backend.pieces.decode)
            if span is not None:
                edits.append(Edit(span[0], span[1]))
        seen: set[str] = set()
        pairs: list[tuple[int, int, int, int]] = []  # markup pairs placed: source and target spans
        closers = {
            term.after: term
            for term in check.missing
            if term.after and term.entry_id in missing_ids and self._spellings(term)
        }
        for term in check.missing:
            if term.entry_id in seen:  # the same entry matched twice is met once
                continue
            seen.add(term.entry_id)
            if not self._spellings(term):
                unplaced.append(
                    (term.entry_id, "the term cannot be written with the model's target vocabulary")
                )
                continue
            closer = closers.get(term.entry_id)
            if closer is not None and closer.entry_id not in seen:
                # A markup pair, both missing: around what the model wrote for the words between,
                # nested in or apart from the pairs before it as the source has them.
                seen.add(closer.entry_id)
                start, end = self._wrapped_span(source, term, closer, hypothesis, tokens)
                where = (source.find(term.source_text), source.find(closer.source_text))
                start, end, depth = _clear_of(start, end, where, pairs, tokens)
                pairs.append((*where, start, end))
                edits += [Edit(start, start, term, depth), Edit(end, end, closer, -100 - depth)]
                continue
            half = self._other_half(source, term, segment, missing_ids, hypothesis, tokens)
            if half is not None:
                edits.append(half)
                continue
            if term.source_text.casefold() not in source.casefold():
                # Its source words are not in what was translated (a pivot route's second leg
                # reads the first leg's English): nothing to replace, so it goes at the end.
                edits.append(Edit(_sentence_end(tokens), _sentence_end(tokens), term))
                continue
            first, last = self._source_span(source, term, len(hypothesis.source))
            start, end = self._target_span(first, last, hypothesis, tokens)
            edits.append(Edit(start, end, term))
        return self._splice(tokens, edits, protected, hypothesis.limit, unplaced)

    def _other_half(
        self,
        source: str,
        term: RequiredTerm,
        segment: SegmentTerms,
        missing: set[str],
        hypothesis: Hypothesis,
        tokens: list[str],
    ) -> Edit | None:
        """Where a markup placeholder goes whose partner the translation already holds (a model
        that copies placeholders from its source writes some): on the far side of what the model
        wrote for the words between them, one word from the partner at least, never beside it
        around nothing. None when ``term`` is not half of such a pair."""
        if not term.placeholder:
            return None
        if term.after and term.after not in missing:  # a closer whose opener is written
            opener = next((t for t in segment.required if t.entry_id == term.after), None)
            at = self._written_at(opener, tokens) if opener is not None else None
            if opener is None or at is None:
                return None
            _, end = self._wrapped_span(source, opener, term, hypothesis, tokens)
            after = at[1] if at[1] >= len(tokens) else _word_end(tokens, at[1])
            return Edit(max(end, after), max(end, after), term)
        closer = next(
            (t for t in segment.required if t.after == term.entry_id and t.entry_id not in missing),
            None,
        )
        at = self._written_at(closer, tokens) if closer is not None else None
        if closer is None or at is None:
            return None
        start, _ = self._wrapped_span(source, term, closer, hypothesis, tokens)
        before = _word_start(tokens, at[0] - 1) if at[0] > 0 else 0
        return Edit(min(start, before), min(start, before), term)

    def _written_at(self, term: RequiredTerm, tokens: list[str]) -> tuple[int, int] | None:
        """The first token span that spells ``term``, None when none does."""
        return next(self._spelled_at(term, tokens), None)

    def _spelled_at(self, term: RequiredTerm, tokens: list[str]) -> Iterator[tuple[int, int]]:
        """Each token span that spells ``term`` (in any of its spellings)."""
        for spelled in self._spellings(term):
            size = len(spelled)
            for start in range(len(tokens) - size + 1):
                if tuple(tokens[start : start + size]) == spelled:
                    yield start, start + size

    def _splice(
        self,
        tokens: list[str],
        edits: list[Edit],
        protected: set[int],
        limit: int,
        unplaced: list[tuple[str, str]],
    ) -> Plan:
        """Apply ``edits`` in order of position; spans never overlap each other nor ``protected``
        tokens (those of terms already met), so an edit only ever moves later."""
        ordered = _in_order(sorted(edits, key=lambda e: (e.start, e.end, e.rank)))
        while True:
            out: list[str] = []
            is_term: list[bool] = []
            # the markup pair placed here that each token is inside (-1: none): dropped last
            wrapped: list[int] = []
            openers = {e.term.after for e in ordered if e.term is not None and e.term.after}
            inside: list[int] = []  # the pairs open at this point, innermost last
            cursor = 0
            prefix_len = 0
            ends_in_term = False
            for edit in ordered:
                start = max(edit.start, cursor)
                while start in protected:
                    start += 1
                end = max(edit.end, start)
                if any(position in protected for position in range(start, end)):
                    end = start  # keep met terms: insert instead of replacing
                while start < len(tokens) and start > cursor and glues_letters(tokens[start]):
                    start += 1  # never split a word
                end = max(end, start)
                out += tokens[cursor:start]
                is_term += [False] * (start - cursor)
                wrapped += [inside[-1] if inside else -1] * (start - cursor)
                cursor = end
                if edit.term is not None:
                    spelled = self._spelling(edit.term, out[-1] if out else None)
                    out += spelled
                    is_term += [True] * len(spelled)
                    wrapped += [-1] * len(spelled)
                    if edit.term.entry_id in openers:
                        inside.append(len(out))
                    elif edit.term.after in openers and inside:
                        inside.pop()
                    while (
                        not _touches(edit.term)
                        and cursor < len(tokens)
                        and glues_letters(tokens[cursor])
                    ):
                        cursor += 1  # the rest of the replaced word would glue onto the term
                ends_in_term = edit.term is not None and not _touches(edit.term)
                prefix_len = len(out)
            prefix = out[:prefix_len]
            # Too long for the length limit: drop the fast translation's own tokens before the
            # last edit (those a markup pair wraps last, and its last one never: a pair around
            # nothing is no markup), then, if terms alone do not fit, the last term.
            overflow = len(prefix) - limit
            for spare_wrapped in (True, False):
                for position in range(len(prefix) - 1, -1, -1):
                    if overflow <= 0:
                        break
                    pair = wrapped[position]
                    if is_term[position] or (
                        pair >= 0 and (spare_wrapped or wrapped.count(pair) == 1)
                    ):
                        continue
                    del prefix[position], is_term[position], wrapped[position]
                    overflow -= 1
            if overflow <= 0:
                spliced = (prefix + tokens[cursor:])[: max(limit, len(prefix))]
                return Plan(tuple(prefix), tuple(spliced), ends_in_term, tuple(unplaced))
            last = next(i for i in range(len(ordered) - 1, -1, -1) if ordered[i].term is not None)
            dropped = ordered.pop(last).term
            assert dropped is not None
            unplaced.append(
                (
                    dropped.entry_id,
                    f"not placed within the length limit of {limit} target tokens",
                )
            )

    # -- where a term goes ----------------------------------------------------------------------

    def _wrapped_span(
        self,
        source: str,
        opener: RequiredTerm,
        closer: RequiredTerm,
        hypothesis: Hypothesis,
        tokens: list[str],
    ) -> tuple[int, int]:
        """The tokens the model wrote for the source words between a markup pair (by attention),
        at least one word, so that the pair never closes on nothing (the document would then
        re-attach the markup by guesswork)."""
        opened = source.find(opener.source_text)
        closed = source.find(closer.source_text, opened + len(opener.source_text))
        if opened < 0 or closed < 0:
            first, last = self._source_span(source, opener, len(hypothesis.source))
        else:
            offset = 1 if self.backend.target_token else 0
            encode = self.backend.pieces.source.encode
            first = offset + len(encode(source[: opened + len(opener.source_text)]))
            last = max(offset + len(encode(source[:closed])), first + 1)
        start, end = self._target_span(first, last, hypothesis, tokens)
        if end > start:
            return start, end
        if start >= len(tokens):  # at the very end: wrap the last word
            return _word_start(tokens, max(len(tokens) - 1, 0)), len(tokens)
        return start, _word_end(tokens, start)

    def _target_span(
        self, first: int, last: int, hypothesis: Hypothesis, tokens: list[str]
    ) -> tuple[int, int]:
        """The tokens the model wrote for source tokens ``first`` to ``last`` (by attention), or
        an empty span where they would stand."""
        alignment = hypothesis.alignment[: len(tokens)]
        if not alignment:  # no attention: in proportion to the position in the source
            point = round(len(tokens) * first / max(1, len(hypothesis.source) - 1))
            return point, point
        runs: list[tuple[int, int]] = []
        for position, looked in enumerate(alignment):
            if first <= looked < last:
                if runs and runs[-1][1] == position:
                    runs[-1] = (runs[-1][0], position + 1)
                else:
                    runs.append((position, position + 1))
        if runs:
            start, end = max(runs, key=lambda run: run[1] - run[0])
            # Widen to whole words, so that no half-word is left beside the term.
            while start > 0 and glues_letters(tokens[start]):
                start -= 1
            while end < len(tokens) and glues_letters(tokens[end]):
                end += 1
            return start, end
        before = [p for p, looked in enumerate(alignment) if looked < first]
        point = before[-1] + 1 if before else 0
        return point, point

    def _source_span(self, source: str, term: RequiredTerm, length: int) -> tuple[int, int]:
        """Source token positions of the words ``term`` matched (target token counted)."""
        offset = 1 if self.backend.target_token else 0
        at = source.find(term.source_text)
        if at < 0:
            at = source.casefold().find(term.source_text.casefold())
        if at < 0 or not term.source_text:
            return 0, length
        encode = self.backend.pieces.source.encode
        first = offset + len(encode(source[:at]))
        last = offset + len(encode(source[: at + len(term.source_text)]))
        return first, max(last, first + 1)

    def _protected(self, tokens: list[str], segment: SegmentTerms, missing: set[str]) -> set[int]:
        """Positions of the tokens that spell terms the translation already meets."""
        protected: set[int] = set()
        for term in segment.required:
            if term.entry_id in missing:
                continue
            for start, end in self._spelled_at(term, tokens):
                protected.update(range(start, end))
        return protected

    # -- how a term is written ------------------------------------------------------------------

    def _spellings_at(self, term: RequiredTerm) -> list[tuple[Placement, tuple[str, ...]]]:
        """The term's spellings, approved form first, each with where it may start."""
        found = self._spelled.get(term)
        if found is None:
            if self._target is None:  # built on first need: a pass over the vocabulary
                self._target = target_vocabulary(self.backend.pieces)
            vocabulary, names = self._target
            found = self._spelled[term] = [
                (placement, tuple(names[i] for i in ids))
                for form, placement in surface_forms(term, term.case)
                if (ids := vocabulary.spellings(form, placement)) is not None
            ]
        return found

    def _spellings(self, term: RequiredTerm) -> list[tuple[str, ...]]:
        return [pieces for _, pieces in self._spellings_at(term)]

    def _spelling(self, term: RequiredTerm, before: str | None) -> list[str]:
        """The spelling that suits the token before it: capitalised at a sentence start, glued
        after an apostrophe or hyphen, else as a word."""
        context = TokenClass.START if before is None else classify_piece(before)
        allowed = ALLOWED[context]
        preferred = {
            TokenClass.START: (Placement.INITIAL, Placement.WORD),
            TokenClass.SENTENCE_END: (Placement.INITIAL, Placement.WORD),
            TokenClass.JOINER: (Placement.GLUED, Placement.WORD),
            TokenClass.OTHER: (Placement.WORD,),
        }[context]
        spellings = self._spellings_at(term)
        for placement in preferred:
            for where, pieces in spellings:
                if where is placement and where in allowed:
                    return list(pieces)
        words = [pieces for where, pieces in spellings if where is Placement.WORD]
        return list(words[0] if words else spellings[0][1])


def _in_order(edits: list[Edit]) -> list[Edit]:
    """``edits`` with each closing placeholder moved after the opening one it must follow."""
    placed = {e.term.entry_id: i for i, e in enumerate(edits) if e.term is not None}
    ordered = list(edits)
    for edit in edits:
        before = getattr(edit.term, "after", "") if edit.term is not None else ""
        if before and before in placed:
            mine, theirs = (
                ordered.index(edit),
                next(i for i, e in enumerate(ordered) if e.term and e.term.entry_id == before),
            )
            if mine < theirs:
                ordered.pop(mine)
                anchor = ordered[theirs - 1]
                ordered.insert(theirs, Edit(anchor.end, anchor.end, edit.term))
    return ordered


def _clear_of(
    start: int,
    end: int,
    where: tuple[int, int],
    pairs: Sequence[tuple[int, int, int, int]],
    tokens: Sequence[str],
) -> tuple[int, int, int]:
    """A markup pair's target span ``start:end`` moved so that it crosses none of the ``pairs``
    placed before it (source opener and closer, target start and end): inside those that hold it
    in the source, around those it holds, apart from the others (after them, else before them).
    Also how many pairs hold it (its rank among edits at one position)."""
    depth = 0
    for opened, closed, first, last in pairs:
        if opened < where[0] and where[1] < closed:  # nested in it in the source
            depth += 1
            start, end = max(start, first), min(end, last)
            if end <= start:
                start, end = first, last
        elif where[0] < opened and closed < where[1]:  # holds it
            start, end = min(start, first), max(end, last)
        elif start < last and first < end:  # apart in the source, overlapping here
            if last < len(tokens):
                start, end = last, _word_end(tokens, last)
            elif first > 0:
                start, end = _word_start(tokens, first - 1), first
            else:  # no word free: right after it, around nothing (the document re-attaches it)
                start = end = last
    return start, end, depth


def _sentence_end(tokens: Sequence[str]) -> int:
    """Where the sentence's words end: before its closing punctuation (and the space piece a
    tokenizer may put before it), if any."""
    end = len(tokens)
    while end > 0 and tokens[end - 1].lstrip("▁") in (".", "!", "?", ":", ";", "…"):
        end -= 1
    while len(tokens) > end > 0 and tokens[end - 1] == "▁":
        end -= 1
    return end


def _word_end(tokens: Sequence[str], start: int) -> int:
    """The end of the word that starts at ``start``."""
    end = start + 1
    while end < len(tokens) and glues_letters(tokens[end]):
        end += 1
    return end


def _word_start(tokens: Sequence[str], position: int) -> int:
    """The start of the word that holds ``position``."""
    while position > 0 and glues_letters(tokens[position]):
        position -= 1
    return position


def _touches(term: RequiredTerm) -> bool:
    """Markup placeholders may touch the letters around them; glossary terms may not."""
    return bool(getattr(term, "placeholder", False))  # (a field that placeholders bring)


def _glued_after(tokens: Sequence[str], plan: Plan) -> bool:
    """Whether the continuation glued letters onto the term that ends the prefix."""
    size = len(plan.prefix)
    return plan.ends_in_term and len(tokens) > size and glues_letters(tokens[size])


def _span_spelling(
    tokens: list[str], text: str, decode: Callable[[list[str]], str]
) -> tuple[int, int] | None:
    """The shortest token span whose text holds ``text`` (any case), or None."""
    wanted = text.casefold()
    if wanted not in decode(tokens).casefold():
        return None  # found by verification's folding (accents, invisible characters) only
    best: tuple[int, int] | None = None
    for start in range(len(tokens)):
        for end in range(start + 1, len(tokens) + 1):
            if best is not None and end - start >= best[1] - best[0]:
                break
            if wanted in decode(tokens[start:end]).casefold():
                best = (start, end)
                break
    return best
