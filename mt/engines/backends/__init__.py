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
from typing import TYPE_CHECKING

from mt.core.errors import InputError
from mt.core.install import pip_install
from mt.engines.backends.base import (
    Backend,
    DecodeSettings,
    PivotBackend,
    check_terms,
)

if TYPE_CHECKING:
    from mt.engines.models import LoadedModel, ModelSpec

__all__ = [
    "BACKENDS",
    "BACKEND_CHOICES",
    "Backend",
    "DecodeSettings",
    "PivotBackend",
    "available_backends",
    "check_terms",
    "make_backend",
    "open_backend",
    "open_fast_path",
]

# backend name -> module providing create_backend(loaded, device)
BACKENDS = {"torch": "mt.engines.backends.torch_backend", "ctranslate2": "mt.engines.backends.ct2"}
BACKEND_CHOICES = ("auto", *BACKENDS)


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
            f"backend {kind!r} is not installed here: {pip_install('fast')}, or --backend torch"
        )
    module = importlib.import_module(BACKENDS[kind])
    backend = module.create_backend(loaded, device or loaded.device)
    if kind == "ctranslate2":
        # CTranslate2 keeps the glossary guarantee only with verification behind it: the fast
        # path places the terms a segment misses on CTranslate2 itself, and leaves what that
        # cannot repair to the torch backend of ``loaded``.
        from mt.engines.backends.fastpath import FastPathBackend
        from mt.engines.backends.placement import TermPlacer
        from mt.engines.backends.torch_backend import TorchBackend

        lang = loaded.spec.lang
        return FastPathBackend(
            backend, lambda: TorchBackend(loaded), lang, TermPlacer(backend, lang)
        )
    return backend


def open_backend(spec: ModelSpec, kind: str = "auto", device: str = "cpu") -> Backend:
    """Load ``spec``'s model(s) and return its backend (a :class:`PivotBackend` for a route)."""
    from mt.engines.models import load_model

    if spec.via is None:
        return make_backend(kind, load_model(spec, device), device)
    first = open_backend(spec.via, kind, device)
    return PivotBackend(first, make_backend(kind, load_model(spec, device), device))


def open_fast_path(spec: ModelSpec, device: str = "auto", *, search: bool = True) -> Backend:
    """CTranslate2 for ``spec``, missed glossary terms placed on CTranslate2 too, and the torch
    model as the last fallback, loaded only if a segment needs it.

    Without ``search`` there is no fallback and torch is never loaded: what the placer cannot
    repair stays as CTranslate2 said it (``--terms check|off``, which only carry markup).
    For a pivot route the first leg, which carries only markup, URLs and do-not-translate entries
    (:class:`PivotBackend`), places what it misses on CTranslate2 too, with no search behind it.
    """
    from dataclasses import replace

    from mt.engines.backends.ct2 import open_backend as open_ct2
    from mt.engines.backends.fastpath import FastPathBackend
    from mt.engines.backends.placement import TermPlacer
    from mt.engines.models import load_model

    fast = open_ct2(replace(spec, via=None), device)

    def load_constrained() -> Backend:
        return make_backend("torch", load_model(replace(spec, via=None), fast.device), fast.device)

    backend: Backend = FastPathBackend(
        fast, load_constrained if search else None, spec.lang, TermPlacer(fast, spec.lang)
    )
    if spec.via is not None:
        first = open_ct2(spec.via, device)
        placed = FastPathBackend(first, None, spec.via.lang, TermPlacer(first, spec.via.lang))
        backend = PivotBackend(placed, backend)
    return backend
