"""Lexically constrained beam search for MarianMT: the glossary's terms appear by construction.

Dynamic beam allocation (Post & Vilar 2018) in the vectorised form of Hu et al. (2019)::

    encode the batch once, expand it by beam
    each step, for all sentences x beams at once:
        one decoder step on the last tokens (key/value cache reordered, never recomputed)
        log-probabilities, <pad>, <unk> and banned sequences blocked, </s> blocked until all terms
        are met, markup placeholders blocked but in their turn (each once, pairs in order)
        candidates = top 2k continuations over the sentence's beams (torch.topk)
                   + for each hypothesis: its best token, </s>, and the tokens that make progress
                     on its terms (mt.engines.constraints: next token of the phrase in progress,
                     first tokens of unmet entries)
        order candidates by "stripes": the best of each bank (constraint tokens met) in turn,
        highest bank first; the first k that end go to the finished pool, the first k that do
        not end become the new beam

With no terms every candidate is in bank 0 and the stripes are plain score order, so the search is
``model.generate(num_beams=k)`` step for step: same top-2k, same finished pool and length penalty,
same early-stopping heuristic, same forced ``</s>`` at the length limit (tests/test_decoding.py
compares the tokens). Only sentences with terms pay for Python bookkeeping.
"""

from __future__ import annotations

import contextlib
import math
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from mt.engines.constraints import (
    CompiledTerms,
    ConstraintState,
    TargetVocabulary,
    TokenClass,
    classify_piece,
    compile_terms,
    glues_letters,
)
from mt.terminology.terms import SegmentTerms

if TYPE_CHECKING:
    import torch

_FILLER = -1.0e9  # HF's score for beams that must never win (initial copies, fillers)
_INITIAL = ConstraintState()


@dataclass(frozen=True)
class DecodeResult:
    """One translation; ``applied`` entry ids met in it, ``unmet`` (entry id, reason) not placed.

    ``tokens`` counts the target tokens generated, ``</s>`` included.
    """

    text: str
    applied: tuple[str, ...] = ()
    unmet: tuple[tuple[str, str], ...] = ()
    tokens: int = 0


@dataclass(frozen=True)
class _TargetSide:
    """A tokenizer's target vocabulary as the search needs it; built once per tokenizer."""

    vocabulary: TargetVocabulary
    classes: tuple[TokenClass, ...]  # per token id
    gluing: Any  # torch bool tensor [vocab]: pieces that continue a word (blocked after a term)


_TARGET_SIDES: weakref.WeakKeyDictionary[Any, _TargetSide] = weakref.WeakKeyDictionary()


def _target_side(tokenizer: Any, size: int) -> _TargetSide:
    import torch

    side = _TARGET_SIDES.get(tokenizer)
    if side is not None and len(side.classes) == size:
        return side
    known = min(size, len(tokenizer))
    pieces = tokenizer.convert_ids_to_tokens(list(range(known))) + [""] * (size - known)
    eos = tokenizer.eos_token_id

    def encode(text: str) -> list[int]:
        ids = tokenizer(text_target=text)["input_ids"]
        return ids[:-1] if ids and ids[-1] == eos else ids

    special = set(tokenizer.all_special_tokens)
    usable = {piece: i for i, piece in enumerate(pieces) if piece and piece not in special}
    vocabulary = TargetVocabulary(
        encode=encode,
        pieces=usable,
        unk_id=tokenizer.unk_token_id,
        max_piece_len=max((len(p) for p in usable), default=1),
    )
    classes = tuple(classify_piece(p) if p else TokenClass.OTHER for p in pieces)
    gluing = torch.tensor([glues_letters(p) and p not in special for p in pieces], dtype=torch.bool)
    side = _TargetSide(vocabulary, classes, gluing)
    # A tokenizer that cannot be weakly referenced is simply not cached.
    with contextlib.suppress(TypeError):
        _TARGET_SIDES[tokenizer] = side
    return side


@dataclass(frozen=True)
class _Settings:
    """The model's generation config, as ``generate`` would apply it."""

    start: int
    eos: int
    pad: int | None
    bad_words: tuple[tuple[int, ...], ...]
    forced_eos: int | None
    renormalize: bool
    length_penalty: float
    early_stopping: bool | str
    positions: int

    @classmethod
    def of(cls, model: Any) -> _Settings:
        config, gen = model.config, model.generation_config
        eos = gen.eos_token_id if gen.eos_token_id is not None else config.eos_token_id
        if isinstance(eos, list):
            eos = eos[0]
        start = gen.decoder_start_token_id
        start = start if start is not None else config.decoder_start_token_id
        return cls(
            start=int(start),
            eos=int(eos),
            pad=gen.pad_token_id if gen.pad_token_id is not None else config.pad_token_id,
            bad_words=tuple(tuple(w) for w in (gen.bad_words_ids or ()) if list(w) != [eos]),
            forced_eos=gen.forced_eos_token_id,
            renormalize=bool(gen.renormalize_logits),
            length_penalty=1.0 if gen.length_penalty is None else float(gen.length_penalty),
            early_stopping=False if gen.early_stopping is None else gen.early_stopping,
            positions=int(getattr(config, "max_position_embeddings", 512) or 512),
        )


class _Candidate(NamedTuple):
    score: float
    row: int  # flat index of the hypothesis it extends
    token: int
    state: ConstraintState
    bank: int


@dataclass
class _Finished:
    score: float  # length-normalised
    complete: bool  # every enforced term met (only not, when the length limit forced </s>)
    tokens: tuple[int, ...]
    state: ConstraintState
    bank: int = 0  # constraint tokens met (only compared when not complete)


def constrained_generate(
    model: Any,
    tokenizer: Any,
    sources: Sequence[str],
    terms: Sequence[SegmentTerms],
    *,
    num_beams: int,
    max_new_tokens: int | None = None,
) -> list[DecodeResult]:
    """Beam search in which each source's required terms appear and its forbidden terms do not.

    ``sources`` are the tokenizer's input as is (a target token such as ``">>deu<< "`` already in
    front); ``terms`` holds one :class:`SegmentTerms` per source. ``max_new_tokens`` defaults to
    twice the longest source plus 10, within the model's positions. A term that cannot be placed
    (no room left, not writable with the vocabulary) is reported in ``unmet`` with the reason.
    """
    import torch

    if len(terms) != len(sources):
        raise ValueError(f"{len(sources)} sources but {len(terms)} term sets")
    if not sources:
        return []
    settings = _Settings.of(model)
    k = max(1, int(num_beams))
    encoded = tokenizer(list(sources), return_tensors="pt", padding=True).to(model.device)
    if max_new_tokens is None:
        max_new_tokens = 2 * int(encoded["input_ids"].shape[1]) + 10
    max_new_tokens = max(1, min(max_new_tokens, settings.positions - 1))
    max_length = 1 + max_new_tokens  # the decoder start token counts, as in generate
    with torch.inference_mode():
        search = _Search(model, tokenizer, encoded, terms, settings, k, max_length)
        return search.run()


class _Search:
    """The state of one batched search; :meth:`run` is the loop."""

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        encoded: Any,
        terms: Sequence[SegmentTerms],
        settings: _Settings,
        k: int,
        max_length: int,
    ) -> None:
        import torch

        self.model, self.tokenizer, self.settings, self.k = model, tokenizer, settings, k
        self.max_length = max_length
        self.batch = len(terms)
        size = int(model.get_output_embeddings().weight.shape[0])
        self.side = _target_side(tokenizer, size)
        room = max_length - 2  # tokens before the final </s>
        self.compiled: list[CompiledTerms | None] = [
            compile_terms(t, self.side.vocabulary, room) if t else None for t in terms
        ]
        encoder = model.get_encoder()
        hidden = encoder(**encoded, return_dict=True).last_hidden_state
        self.hidden = hidden.repeat_interleave(k, dim=0)
        self.mask = encoded["attention_mask"].repeat_interleave(k, dim=0)
        self.sequences = torch.full(
            (self.batch * k, 1), settings.start, dtype=torch.long, device=hidden.device
        )
        scores = torch.zeros((self.batch, k), dtype=torch.float32, device=hidden.device)
        scores[:, 1:] = _FILLER  # only the first beam's tokens count at the first step
        self.running = scores
        self.states: list[ConstraintState] = [_INITIAL] * (self.batch * k)
        self.pools: list[list[_Finished]] = [[] for _ in range(self.batch)]
        self.done = [False] * self.batch
        self.cache: Any = None
        self.global_bans = [w[0] for w in settings.bad_words if len(w) == 1]
        self.sequence_bans = [w for w in settings.bad_words if len(w) > 1]

    # -- one step ---------------------------------------------------------------------------------

    def _log_probs(self, cur_len: int) -> torch.Tensor:
        import torch

        output = self.model(
            encoder_outputs=(self.hidden,),
            attention_mask=self.mask,
            decoder_input_ids=self.sequences[:, -1:],
            cache=self.cache,
            use_cache=True,
            return_dict=True,
        )
        self.cache = output.cache
        logits = output.logits[:, -1, :].to(dtype=torch.float32, copy=True)
        scores = torch.log_softmax(logits, dim=-1)
        if self.global_bans:
            scores[:, self.global_bans] = -math.inf
        self._block(scores)
        if self.settings.forced_eos is not None and cur_len == self.max_length - 1:
            scores = torch.full_like(scores, -math.inf)
            scores[:, self.settings.forced_eos] = 0.0
        if self.settings.renormalize:
            scores = torch.log_softmax(scores, dim=-1)
        return scores

    def _block(self, scores: torch.Tensor) -> None:
        """Block banned sequences, </s> before all terms are met, letters glued onto a term."""
        rows: list[int] = []
        cols: list[int] = []
        glued_rows: list[int] = []
        k = self.k
        need_history = self.sequence_bans or any(
            c is not None and (c.banned or c.trie.placeholders) for c in self.compiled
        )
        history = self.sequences.tolist() if need_history else None
        for b, compiled in enumerate(self.compiled):
            static = self.sequence_bans + (list(compiled.banned) if compiled else [])
            for row in range(b * k, b * k + k):
                bans = static
                if compiled is not None:
                    state = self.states[row]
                    if not compiled.trie.all_met(state):
                        rows.append(row)
                        cols.append(self.settings.eos)
                    if state.completed:
                        glued_rows.append(row)
                    if compiled.trie.placeholders:
                        bans = static + list(compiled.trie.blocked(state))
                for banned in bans:
                    assert history is not None
                    prefix = banned[:-1]
                    if not prefix or tuple(history[row][-len(prefix) :]) == prefix:
                        rows.append(row)
                        cols.append(banned[-1])
        if rows:
            scores[rows, cols] = -math.inf
        if glued_rows:
            scores[glued_rows] = scores[glued_rows].masked_fill(
                self.side.gluing.to(scores.device), -math.inf
            )

    def _candidates(self, totals: torch.Tensor, scores: torch.Tensor) -> list[list[_Candidate]]:
        """Per sentence, the candidate continuations (before ordering)."""
        import torch

        k, batch = self.k, self.batch
        vocab = totals.shape[1]
        top_values, top_indices = torch.topk(totals.view(batch, k * vocab), k=2 * k, dim=1)
        values, indices = top_values.tolist(), top_indices.tolist()
        extra_rows: list[int] = []
        extra_tokens: list[int] = []
        constrained = [b for b, c in enumerate(self.compiled) if c is not None]
        if constrained:
            best = scores.argmax(dim=1).tolist()
            for b in constrained:
                trie = self.compiled[b].trie  # type: ignore[union-attr]
                for row in range(b * k, b * k + k):
                    state = self.states[row]
                    extra = (best[row], *trie.next_tokens(state))
                    if trie.all_met(state):
                        extra += (self.settings.eos,)
                    extra_rows += [row] * len(extra)
                    extra_tokens += extra
        extra_values = totals[extra_rows, extra_tokens].tolist() if extra_rows else []
        per_sentence: list[list[_Candidate]] = []
        position = 0
        classes = self.side.classes
        for b in range(batch):
            compiled = self.compiled[b]
            if compiled is None:
                per_sentence.append(
                    [
                        _Candidate(v, b * k + i // vocab, i % vocab, _INITIAL, 0)
                        for v, i in zip(values[b], indices[b], strict=True)
                        if v > -math.inf
                    ]
                )
                continue
            trie = compiled.trie
            pairs = [
                (v, b * k + i // vocab, i % vocab)
                for v, i in zip(values[b], indices[b], strict=True)
            ]
            while position < len(extra_rows) and extra_rows[position] < (b + 1) * k:
                pairs.append((extra_values[position], extra_rows[position], extra_tokens[position]))
                position += 1
            seen: set[tuple[int, int]] = set()
            found = []
            for value, row, token in pairs:
                # -1e9 marks the copies of the first beam at step one: never worth a slot here.
                if value <= _FILLER / 10 or (row, token) in seen:
                    continue
                seen.add((row, token))
                state = trie.advance(self.states[row], token, classes[token])
                found.append(_Candidate(value, row, token, state, trie.bank(state)))
            per_sentence.append(found)
        return per_sentence

    @staticmethod
    def _stripes(candidates: list[_Candidate]) -> list[_Candidate]:
        """Best of each bank in turn, highest bank first (Hu et al.'s vectorised DBA allocation)."""
        if all(c.bank == 0 for c in candidates):
            return sorted(candidates, key=lambda c: -c.score)  # stable: keeps topk's order on ties
        ranked = sorted(candidates, key=lambda c: (-c.bank, -c.score))
        rank_in_bank: list[int] = []
        previous, rank = None, 0
        for c in ranked:
            rank = rank + 1 if c.bank == previous else 0
            previous = c.bank
            rank_in_bank.append(rank)
        order = sorted(range(len(ranked)), key=lambda i: (rank_in_bank[i], -ranked[i].bank))
        return [ranked[i] for i in order]

    def step(self, cur_len: int) -> bool:
        """One decoding step; False when the search is over."""
        import torch

        k, settings = self.k, self.settings
        last = cur_len == self.max_length - 1
        scores = self._log_probs(cur_len)
        totals = scores + self.running.view(-1, 1)
        per_sentence = self._candidates(totals, scores)

        chosen: list[_Candidate] = []
        finishing: list[tuple[int, _Candidate]] = []
        history = None
        for b, candidates in enumerate(per_sentence):
            ordered = self._stripes(candidates)
            for c in ordered[:k]:
                if (c.token == settings.eos or last) and c.score > -math.inf:
                    finishing.append((b, c))
            running = [c for c in ordered if c.token != settings.eos][:k]
            if not running:  # only when everything was blocked; keep shapes with filler beams
                running = [_Candidate(_FILLER, b * k, settings.eos, _INITIAL, 0)]
            running += [running[-1]._replace(score=_FILLER)] * (k - len(running))
            chosen += running

        if finishing:
            history = self.sequences.tolist()
            self._finish(finishing, history, cur_len)

        rows = torch.tensor([c.row for c in chosen], device=self.sequences.device)
        tokens = torch.tensor([[c.token] for c in chosen], device=self.sequences.device)
        self.sequences = torch.cat([self.sequences[rows], tokens], dim=1)
        self.running = torch.tensor(
            [c.score for c in chosen], dtype=torch.float32, device=self.sequences.device
        ).view(self.batch, k)
        self.states = [c.state for c in chosen]
        self.cache.reorder_cache(rows)
        if last:
            return False
        self._check_early_stop(cur_len)
        if all(self.done):
            return False
        return not (settings.early_stopping is True and all(len(p) == k for p in self.pools))

    def _finish(
        self, finishing: list[tuple[int, _Candidate]], history: list[list[int]], cur_len: int
    ) -> None:
        import torch

        k = self.k
        raw = torch.tensor([c.score for _, c in finishing], dtype=torch.float32)
        normalised = (raw / (cur_len**self.settings.length_penalty)).tolist()
        # With early_stopping=True a pool that was full before this step takes no more.
        closed = [self.settings.early_stopping is True and len(p) == k for p in self.pools]
        for (b, c), score in zip(finishing, normalised, strict=True):
            pool = self.pools[b]
            if self.done[b] or closed[b]:
                continue
            compiled = self.compiled[b]
            complete = compiled is None or compiled.trie.all_met(c.state)
            tokens = (*history[c.row][1:], c.token)
            pool.append(_Finished(score, complete, tokens, c.state, c.bank))
            # Complete first; among those the length limit cut short, the most terms met.
            pool.sort(key=lambda f: (f.complete, f.bank, f.score), reverse=True)
            del pool[k:]

    def _check_early_stop(self, cur_len: int) -> None:
        """HF's heuristic: done once k hypotheses ended and no running one can beat them."""
        settings = self.settings
        if settings.early_stopping == "never" and settings.length_penalty > 0.0:
            length = self.max_length - 1
        else:
            length = cur_len
        best = (self.running.max(dim=1).values / (length**settings.length_penalty)).tolist()
        for b, pool in enumerate(self.pools):
            if not self.done[b] and len(pool) == self.k:
                self.done[b] = not best[b] > min(f.score for f in pool)

    # -- the loop and the results -----------------------------------------------------------------

    def run(self) -> list[DecodeResult]:
        for cur_len in range(1, self.max_length):
            if not self.step(cur_len):
                break
        results = []
        for b, pool in enumerate(self.pools):
            compiled = self.compiled[b]
            if not pool:  # cannot happen with a forced </s>; keep the best running beam instead
                row = b * self.k
                pool = [
                    _Finished(0.0, False, tuple(self.sequences[row, 1:].tolist()), self.states[row])
                ]
            best = pool[0]
            text = self.tokenizer.decode(list(best.tokens), skip_special_tokens=True)
            applied: tuple[str, ...] = ()
            unmet: tuple[tuple[str, str], ...] = ()
            if compiled is not None:
                applied = compiled.met_ids(best.state)
                limit = self.max_length - 1
                unmet = compiled.unmet + tuple(
                    (entry, f"not placed within the length limit of {limit} target tokens")
                    for entry in compiled.entry_ids
                    if entry not in applied
                )
            results.append(DecodeResult(text, applied, unmet, len(best.tokens)))
        return results
