"""Translation backends: one interface, several engines (transformers/torch, CTranslate2).

A backend turns Dutch segments into one language, honouring each segment's glossary terms::

    loaded = load_model(spec, device="cpu")
    backend = make_backend("auto", loaded)          # CTranslate2 when installed, else torch
    results = backend.translate(segments, terms, DecodeSettings(num_beams=4))

Sources are plain segments: the backend puts the model's target token (``>>deu<<``) in front.
Each engine lives in its own module, imported only when asked for, and provides
``create_backend(loaded: LoadedModel, device: str) -> Backend``. A pivot route (``ModelSpec.via``)
is two backends in a row; :func:`open_backend` builds either from a spec.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from mt.errors import InputError
from mt.terms import NO_TERMS, SegmentTerms

if TYPE_CHECKING:
    from mt.decoding import DecodeResult
    from mt.models import LoadedModel, ModelSpec

# backend name -> module providing create_backend(loaded, device)
BACKENDS = {"torch": "mt.backends.torch_backend", "ctranslate2": "mt.backends.ct2"}
BACKEND_CHOICES = ("auto", *BACKENDS)


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

    @property
    def cache_key(self) -> str:
        """The settings that change a translation, as a stable string for the translation cache."""
        beams = "model" if self.num_beams is None else self.num_beams
        new = "auto" if self.max_new_tokens is None else self.max_new_tokens
        return f"beams={beams};max_new_tokens={new}"


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


def available_backends() -> list[str]:
    """Backend names whose module and engine are installed (no engine is imported)."""
    names = ["torch"]
    if importlib.util.find_spec("ctranslate2") and importlib.util.find_spec(
        BACKENDS["ctranslate2"]
    ):
        names.append("ctranslate2")
    return names


def make_backend(kind: str, loaded: LoadedModel, device: str | None = None) -> Backend:
    """A ``kind`` backend ("torch", "ctranslate2" or "auto": CTranslate2 when installed)."""
    if kind == "auto":
        kind = "ctranslate2" if "ctranslate2" in available_backends() else "torch"
    if kind not in BACKENDS:
        raise InputError(f"unknown backend {kind!r}: choose one of {', '.join(BACKEND_CHOICES)}")
    if kind not in available_backends():
        raise InputError(
            f"backend {kind!r} is not installed here: `pip install 'mt[fast]'` or --backend torch"
        )
    module = importlib.import_module(BACKENDS[kind])
    return module.create_backend(loaded, device or loaded.device)


def open_backend(spec: ModelSpec, kind: str = "auto", device: str = "cpu") -> Backend:
    """Load ``spec``'s model(s) and return its backend (a :class:`PivotBackend` for a route)."""
    from mt.models import load_model

    if spec.via is None:
        return make_backend(kind, load_model(spec, device), device)
    first = open_backend(spec.via, kind, device)
    return PivotBackend(first, make_backend(kind, load_model(spec, device), device))


def check_terms(sources: Sequence[str], terms: Sequence[SegmentTerms]) -> list[SegmentTerms]:
    """``terms`` as one entry per source (empty means none for all); a length mismatch is a bug."""
    if not terms:
        return [NO_TERMS] * len(sources)
    if len(terms) != len(sources):
        raise ValueError(f"{len(terms)} term sets for {len(sources)} sources")
    return list(terms)


class PivotBackend:
    """Translate through a pivot language: ``first`` without terms, then ``second`` with them."""

    def __init__(self, first: Backend, second: Backend) -> None:
        self.first = first
        self.second = second
        self.name = f"{first.name}+pivot"
        self.model_id = f"{first.model_id} -> {second.model_id}"

    def translate(
        self, sources: Sequence[str], terms: Sequence[SegmentTerms], settings: DecodeSettings
    ) -> list[DecodeResult]:
        terms = check_terms(sources, terms)
        middle = self.first.translate(sources, [], settings)
        return self.second.translate([result.text for result in middle], terms, settings)

    def count_tokens(self, source: str) -> int:
        return self.first.count_tokens(source)
