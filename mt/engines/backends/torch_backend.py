"""The transformers/torch backend: batched ``generate``, and the constrained search for segments
that carry glossary terms.

Segments are sorted by length (longest first, so padding is small and memory trouble shows in the
first batch), cut into batches by a token budget, translated, and put back in their order. Segments
without terms go through ``model.generate`` with the model's own generation config (beams
overridable); segments with terms go through :func:`mt.engines.decoding.constrained_generate`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from mt.core.errors import InputError
from mt.engines.backends.base import DecodeSettings, check_max_new_tokens, check_terms
from mt.terminology.terms import SegmentTerms

if TYPE_CHECKING:
    from mt.engines.decoding import DecodeResult
    from mt.engines.models import LoadedModel


def create_backend(loaded: LoadedModel, device: str) -> TorchBackend:
    """The registry hook of :func:`mt.engines.backends.make_backend`."""
    if device != loaded.device:
        raise ValueError(f"model was loaded on {loaded.device}, backend asked for {device}")
    return TorchBackend(loaded)


def plan_batches(
    lengths: Sequence[int], batch_tokens: int, batch_size: int | None = None
) -> list[list[int]]:
    """Indices of ``lengths`` grouped longest first, each batch within ``batch_tokens`` padded
    tokens (a longer single segment gets a batch of its own) and ``batch_size`` segments."""
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        widest = lengths[current[0]] if current else lengths[index]
        full = batch_size is not None and len(current) >= batch_size
        if current and (full or widest * (len(current) + 1) > batch_tokens):
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches


class TorchBackend:
    """Translate with a loaded MarianMT model on its device."""

    name = "torch"

    def __init__(self, loaded: LoadedModel) -> None:
        self.loaded = loaded
        self.model_id = loaded.model_id

    def count_tokens(self, source: str) -> int:
        return self.loaded.count_tokens(source)

    def translate(
        self, sources: Sequence[str], terms: Sequence[SegmentTerms], settings: DecodeSettings
    ) -> list[DecodeResult]:
        import torch

        terms = check_terms(sources, terms)
        if settings.threads is not None:
            torch.set_num_threads(settings.threads)
        prepared = [self.loaded.prepare(source) for source in sources]
        lengths = [len(ids) for ids in self.loaded.tokenizer(prepared)["input_ids"]]
        limit = self.loaded.max_positions
        for index, length in enumerate(lengths):
            if length > limit:
                raise InputError(
                    f"segment {index + 1} has {length} tokens but {self.loaded.spec.model} reads "
                    f"at most {limit}: split it first (mt.documents.segmentation.split_long)"
                )
        results: list[Any] = [None] * len(sources)
        plain = [i for i in range(len(sources)) if not terms[i]]
        constrained = [i for i in range(len(sources)) if terms[i]]
        with torch.inference_mode():
            for group, run in ((plain, self._generate), (constrained, self._constrained)):
                for batch in plan_batches(
                    [lengths[i] for i in group], settings.batch_tokens, settings.batch_size
                ):
                    indices = [group[i] for i in batch]
                    outputs = run(
                        [prepared[i] for i in indices],
                        [terms[i] for i in indices],
                        settings,
                        max(lengths[i] for i in indices),
                    )
                    for index, result in zip(indices, outputs, strict=True):
                        results[index] = result
        return results

    def _max_new_tokens(self, settings: DecodeSettings, longest: int) -> int:
        if settings.max_new_tokens is not None:
            check_max_new_tokens(settings, self.loaded.max_positions, self.model_id)
            return settings.max_new_tokens
        return min(self.loaded.max_positions, 2 * longest + 16)

    def _num_beams(self, settings: DecodeSettings) -> int:
        return settings.num_beams or int(self.loaded.model.generation_config.num_beams or 1)

    def _generate(
        self,
        sources: list[str],
        terms: list[SegmentTerms],
        settings: DecodeSettings,
        longest: int,
    ) -> list[DecodeResult]:
        from mt.engines.decoding import DecodeResult

        model, tokenizer = self.loaded.model, self.loaded.tokenizer
        # We always pass max_new_tokens; a saved max_length beside it warns on every call.
        model.generation_config.max_length = None
        encoded = tokenizer(sources, return_tensors="pt", padding=True).to(self.loaded.device)
        output = model.generate(
            **encoded,
            num_beams=self._num_beams(settings),
            max_new_tokens=self._max_new_tokens(settings, longest),
        )
        texts = tokenizer.batch_decode(output, skip_special_tokens=True)
        # Marian's pad is also the decoder start token, so this counts only generated tokens.
        counts = (output != model.generation_config.pad_token_id).sum(dim=1).tolist()
        return [DecodeResult(text, (), (), int(n)) for text, n in zip(texts, counts, strict=True)]

    def _constrained(
        self,
        sources: list[str],
        terms: list[SegmentTerms],
        settings: DecodeSettings,
        longest: int,
    ) -> list[DecodeResult]:
        from mt.engines.decoding import constrained_generate

        self.loaded.model.generation_config.max_length = None
        search: Callable[..., list[DecodeResult]] = constrained_generate
        return search(
            self.loaded.model,
            self.loaded.tokenizer,
            sources,
            terms,
            num_beams=self._num_beams(settings),
            max_new_tokens=self._max_new_tokens(settings, longest),
        )
