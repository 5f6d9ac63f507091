"""What every backend shares: the :class:`Backend` interface, :class:`DecodeSettings`, and
:class:`PivotBackend` (two backends in a row). The engines (``torch_backend``, ``ct2``) and the
fast path import this module, never the package's factories, so there is no import circle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from mt.core.errors import InputError
from mt.terminology.terms import NO_TERMS, SegmentTerms

if TYPE_CHECKING:
    from mt.engines.decoding import DecodeResult


# Wider beams than this are refused. Quality stops improving past a handful of beams and often
# drops (Koehn and Knowles 2017, "Six challenges for NMT": BLEU falls beyond 5-10), while memory
# grows with beams x batch x vocabulary: each step holds that many scores, 245 MB at 32 beams, a
# batch of 32 and OPUS-MT's 60,000 pieces, and --beam 100000 ran out of memory. OPUS-MT ships 4-6.
MAX_BEAMS = 32

# OPUS-MT (Marian) models have 512 positions: a translation of one sentence holds at most 512
# tokens, the decoder's start token aside (generate() fails with an IndexError past it).
MODEL_POSITIONS = 512


@dataclass(frozen=True)
class DecodeSettings:
    """How to decode. ``None`` means the model's own generation config (beams) or a safe default.

    Batches hold at most ``batch_tokens`` padded source tokens and ``batch_size`` segments.
    ``max_new_tokens`` None lets a backend cap output at twice the longest source plus 16 tokens
    (within the model's positions), so a looping random or broken model cannot run 512 steps.
    ``threads`` None leaves the engine's default. Only :attr:`cache_key` fields change output.
    """

    num_beams: int | None = None
    batch_tokens: int = 2048
    batch_size: int | None = 32
    max_new_tokens: int | None = None
    threads: int | None = None

    def __post_init__(self) -> None:
        for name in ("num_beams", "batch_tokens", "batch_size", "max_new_tokens", "threads"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise InputError(f"{name.replace('_', '-')} must be at least 1, not {value}")
        if self.num_beams is not None and self.num_beams > MAX_BEAMS:
            raise InputError(beam_limit_message(self.num_beams))

    @property
    def cache_key(self) -> str:
        """The settings that change a translation, as a stable string for the translation cache."""
        beams = "model" if self.num_beams is None else self.num_beams
        new = "auto" if self.max_new_tokens is None else self.max_new_tokens
        return f"beams={beams};max_new_tokens={new}"


def beam_limit_message(beams: int) -> str:
    return (
        f"--beam {beams} is more than {MAX_BEAMS}: wider beams do not translate better (quality "
        "peaks at 4-10 beams) and need memory in proportion (beams x batch x vocabulary scores "
        "a step); OPUS-MT models use 4-6"
    )


def check_max_new_tokens(settings: DecodeSettings, positions: int, model: str) -> None:
    """Refuse a ``max_new_tokens`` past what the model can write (its positions), which the
    engines would fail on mid-run (an IndexError) or quietly cut short."""
    if settings.max_new_tokens is not None and settings.max_new_tokens > positions:
        raise InputError(
            f"--max-new-tokens {settings.max_new_tokens} is more than {model} can write: it has "
            f"{positions} positions, so a translation of one sentence holds at most {positions} "
            f"tokens; use --max-new-tokens {positions} or less"
        )


class Backend(Protocol):
    """Translates Dutch segments into one language; ``model_id`` names model and revision."""

    name: str
    model_id: str

    def translate(
        self, sources: Sequence[str], terms: Sequence[SegmentTerms], settings: DecodeSettings
    ) -> list[DecodeResult]:
        """One result per source, in order; ``terms`` is empty or one entry per source."""
        ...

    def count_tokens(self, source: str) -> int:
        """Source tokens the model will read for ``source`` (for splitting long sentences)."""
        ...


def check_terms(sources: Sequence[str], terms: Sequence[SegmentTerms]) -> list[SegmentTerms]:
    """``terms`` as one entry per source (empty means none for all); a length mismatch is a bug."""
    if not terms:
        return [NO_TERMS] * len(sources)
    if len(terms) != len(sources):
        raise ValueError(f"{len(terms)} term sets for {len(sources)} sources")
    return list(terms)


class PivotBackend:
    """Translate through a pivot language: ``first`` with the terms that hold in any language
    (markup placeholders, URLs, do-not-translate entries: ``copy`` terms, their source form),
    then ``second`` with all of them. A glossary term is the target language's, so the first leg
    is not asked for it."""

    def __init__(self, first: Backend, second: Backend) -> None:
        self.first = first
        self.second = second
        self.name = f"{first.name}+pivot"
        self.model_id = f"{first.model_id} -> {second.model_id}"

    def translate(
        self, sources: Sequence[str], terms: Sequence[SegmentTerms], settings: DecodeSettings
    ) -> list[DecodeResult]:
        terms = check_terms(sources, terms)
        carried = [SegmentTerms(tuple(t for t in s.required if t.copy)) for s in terms]
        middle = self.first.translate(sources, carried, settings)
        return self.second.translate([result.text for result in middle], terms, settings)

    def count_tokens(self, source: str) -> int:
        return self.first.count_tokens(source)
