"""What a chunk of segments goes through on any engine: the backend that the options ask for,
and decoding a chunk whose sentences may be longer than the model reads.

The local engine (:class:`~mt.translation.pipeline.Translator`) and each Ray actor
(:mod:`mt.translation.cluster`) run exactly these functions, which is why their outputs are the
same; neither imports the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mt.terminology.terms import SegmentTerms

if TYPE_CHECKING:
    from mt.engines.backends import Backend, DecodeSettings
    from mt.engines.decoding import DecodeResult
    from mt.engines.models import ModelSpec
    from mt.translation.pipeline import TranslateOptions

# Marian models read 512 positions; keep room for the target token and </s>.
_MAX_SOURCE_TOKENS = 500


def backend_kind(options: TranslateOptions) -> str:
    """The engine ``--backend`` asks for, torch or ctranslate2 ("auto": CTranslate2 when it is
    installed, asked without importing it)."""
    kind = options.backend
    if kind == "auto":
        from mt.engines.backends import available_backends

        kind = "ctranslate2" if "ctranslate2" in available_backends() else "torch"
    return kind


def open_translation_backend(spec: ModelSpec, options: TranslateOptions) -> Backend:
    """The backend ``options`` ask for, for ``spec`` (the local engine, and each Ray actor)."""
    from mt.engines.backends import open_backend

    kind = backend_kind(options)
    if kind == "ctranslate2":
        # The fast path: CTranslate2, verified, misses placed on CTranslate2. With --terms
        # enforce the torch search is the last fallback; --terms check|off ask only for the
        # document's markup and URLs (the pipeline's decode terms), and load no torch.
        from mt.engines.backends import open_fast_path

        return open_fast_path(spec, options.device, search=options.terms == "enforce")
    from mt.engines.models import resolve_device

    return open_backend(spec, kind, resolve_device(options.device))


@dataclass(frozen=True)
class FittedBatch:
    """A chunk's translations, how many sentences were too long and split, and the warnings."""

    results: tuple[DecodeResult, ...]
    splits: int = 0
    warnings: tuple[str, ...] = ()


def decode_fitting(
    backend: Backend, batch: Sequence[tuple[str, SegmentTerms]], settings: DecodeSettings
) -> FittedBatch:
    """Translate ``batch``; a segment longer than the model reads is split, and rejoined."""
    from mt.documents.segmentation import split_long
    from mt.engines.decoding import DecodeResult

    budget = _MAX_SOURCE_TOKENS
    pieces: list[tuple[int, str, SegmentTerms]] = []
    warnings: list[str] = []
    for index, (segment, terms) in enumerate(batch):
        if backend.count_tokens(segment) <= budget:
            pieces.append((index, segment, terms))
            continue
        parts = split_long(segment, budget, backend.count_tokens)
        warnings.append(
            f"a sentence of {backend.count_tokens(segment)} tokens is longer than the model "
            f"reads ({budget}); it was split into {len(parts)} parts and rejoined: "
            f"{segment[:60]}..."
        )
        for part in parts:
            pieces.append((index, part, _narrow(terms, part)))
    translated = backend.translate([p[1] for p in pieces], [p[2] for p in pieces], settings)
    joined: dict[int, list[DecodeResult]] = {}
    for (index, _, _), result in zip(pieces, translated, strict=True):
        joined.setdefault(index, []).append(result)
    merged = []
    for index in range(len(batch)):
        parts = joined[index]
        merged.append(
            parts[0]
            if len(parts) == 1
            else DecodeResult(
                " ".join(part.text for part in parts),
                tuple(entry for part in parts for entry in part.applied),
                tuple(item for part in parts for item in part.unmet),
                sum(part.tokens for part in parts),
            )
        )
    return FittedBatch(tuple(merged), len(warnings), tuple(warnings))


def _narrow(terms: SegmentTerms, part: str) -> SegmentTerms:
    """The requirements of a split sentence's ``part``: those whose source text it holds."""
    required = tuple(term for term in terms.required if term.source_text in part)
    return SegmentTerms(required, terms.forbidden)
