"""The fast path with the glossary guarantee: decode everything fast, verify, repair the misses.

CTranslate2 is 3-4x faster than transformers on CPU but cannot place glossary terms. So::

    results = fast.translate(segments, terms)            # CTranslate2, forbidden terms suppressed
    failing = [i for i where not verify(results[i].text, terms[i], lang).ok]
    results[failing] = placer.place(...)                 # CTranslate2: terms placed, decoded on
    results[still failing] = constrained.translate(...)  # torch, constrained beam search

Verification is exact (``inflections=False``), as both repairs guarantee exactly the approved
forms. With a :class:`~mt.engines.backends.placement.TermPlacer` (what ``make_backend`` and
``open_fast_path`` build) a miss costs a greedy continuation on CTranslate2, and torch is loaded
only for a segment the placer cannot repair (none in the tests and benchmarks: it takes a forbidden
term spelled in pieces that suppression does not know). Without one, every miss goes to the torch
search. :class:`FastPathCounts` says how many segments took each way (``--json`` reports them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from mt.engines.backends.base import Backend, DecodeSettings, check_terms
from mt.terminology.terms import SegmentTerms
from mt.terminology.verification import verify

if TYPE_CHECKING:
    from mt.engines.backends.ct2 import Hypothesis
    from mt.engines.backends.placement import TermPlacer
    from mt.engines.decoding import DecodeResult


@dataclass(frozen=True)
class FastPathCounts:
    """Segments kept from the fast backend, and segments re-decoded.

    ``verified`` counts the kept segments that carried glossary terms and passed verification;
    ``redecoded`` the others, ``placed`` of them repaired on CTranslate2 by the term placer and
    ``searched`` by the constrained torch search; ``unplaced`` those the placer could not repair
    on a fast path without the search (kept as CTranslate2 said them: ``--terms check|off``
    carrying markup).
    """

    fast: int = 0
    redecoded: int = 0
    verified: int = 0
    placed: int = 0
    searched: int = 0
    unplaced: int = 0

    def __add__(self, other: FastPathCounts) -> FastPathCounts:
        return FastPathCounts(
            self.fast + other.fast,
            self.redecoded + other.redecoded,
            self.verified + other.verified,
            self.placed + other.placed,
            self.searched + other.searched,
            self.unplaced + other.unplaced,
        )

    def __sub__(self, other: FastPathCounts) -> FastPathCounts:
        return FastPathCounts(
            self.fast - other.fast,
            self.redecoded - other.redecoded,
            self.verified - other.verified,
            self.placed - other.placed,
            self.searched - other.searched,
            self.unplaced - other.unplaced,
        )

    def as_dict(self) -> dict[str, int]:
        return {
            "fast": self.fast,
            "redecoded": self.redecoded,
            "verified": self.verified,
            "placed": self.placed,
            "searched": self.searched,
            "unplaced": self.unplaced,
        }


class FastPathBackend:
    """A :class:`~mt.engines.backends.Backend` that keeps ``fast``'s translations wherever they
    meet the glossary, repairs the others with ``placer`` (when given: it must wrap ``fast``'s
    CTranslate2 backend), and asks ``constrained`` (built on first need) for what is left.

    ``counts`` adds up every call; :meth:`translate_counted` also gives one call's counts.
    """

    def __init__(
        self,
        fast: Backend,
        constrained: Callable[[], Backend] | None,
        lang: str,
        placer: TermPlacer | None = None,
    ) -> None:
        if constrained is None and placer is None:
            raise ValueError("a fast path needs a placer, a constrained backend, or both")
        self.fast = fast
        self.lang = lang
        self.placer = placer
        self.name = f"{fast.name}+verify"
        # The output mixes engines, so cached translations must not mix with either's alone; terms
        # placed on CTranslate2 read differently from the torch search's, so the placer has a tag
        # of its own (a cache filled by the search alone is not served as the placer's). Without
        # the search (``constrained`` None) what the placer cannot repair stays as CTranslate2
        # said it: "+place" alone, no guarantee.
        if constrained is None:
            self.model_id = f"{fast.model_id}+place"
        else:
            self.model_id = f"{fast.model_id}+verify" + ("+place" if placer is not None else "")
        self.counts = FastPathCounts()
        self._make_constrained = constrained
        self._constrained: Backend | None = None

    @property
    def constrained_loaded(self) -> bool:
        """Whether the constrained backend has been built (some segment needed it)."""
        return self._constrained is not None

    def count_tokens(self, source: str) -> int:
        return self.fast.count_tokens(source)

    def translate(
        self, sources: Sequence[str], terms: Sequence[SegmentTerms], settings: DecodeSettings
    ) -> list[DecodeResult]:
        return self.translate_counted(sources, terms, settings)[0]

    def translate_counted(
        self, sources: Sequence[str], terms: Sequence[SegmentTerms], settings: DecodeSettings
    ) -> tuple[list[DecodeResult], FastPathCounts]:
        """The translations, and how many segments took the fast path or were re-decoded."""
        terms = check_terms(sources, terms)
        hypotheses: list[Hypothesis] = []
        if self.placer is not None:
            hypotheses = self.placer.backend.decode(sources, terms, settings, attention=True)
            results = [self.placer.backend.result(h.pieces) for h in hypotheses]
        else:
            results = list(self.fast.translate(sources, terms, settings))
        failing: list[int] = []
        verified = 0
        for index, (result, segment) in enumerate(zip(results, terms, strict=True)):
            if not segment:
                continue
            if verify(result.text, segment, self.lang, inflections=False).ok:
                verified += 1
                # Every required term is there: report them as applied, as the search would.
                applied = tuple(term.entry_id for term in segment.required)
                results[index] = replace(result, applied=applied, unmet=())
            else:
                failing.append(index)
        searching = failing
        if failing and self.placer is not None:
            placed = self.placer.place(
                [sources[i] for i in failing],
                [terms[i] for i in failing],
                [hypotheses[i] for i in failing],
                settings,
            )
            searching = []
            for index, repaired in zip(failing, placed, strict=True):
                if repaired is None:
                    searching.append(index)
                else:
                    results[index] = repaired
        unplaced: list[int] = []
        if self._make_constrained is None:  # no search: the placer's misses stay as they are
            unplaced, searching = searching, []
        if searching:
            redone = self.constrained.translate(
                [sources[i] for i in searching], [terms[i] for i in searching], settings
            )
            for index, result in zip(searching, redone, strict=True):
                results[index] = result
        counts = FastPathCounts(
            len(sources) - len(failing),
            len(failing),
            verified,
            len(failing) - len(searching) - len(unplaced),
            len(searching),
            len(unplaced),
        )
        self.counts = self.counts + counts
        return results, counts

    @property
    def constrained(self) -> Backend:
        if self._constrained is None:
            assert self._make_constrained is not None, "a fast path without the search"
            self._constrained = self._make_constrained()
        return self._constrained
