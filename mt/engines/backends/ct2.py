"""The CTranslate2 backend: the same MarianMT checkpoint, converted once, 3-4x faster on CPU.

A transformers Marian folder is converted with CTranslate2's own converter into a cached folder,
keyed by the model, its revision and the quantization (int8 on CPU, float16 on GPU)::

    $XDG_CACHE_HOME/mt/ct2/opus-mt-nl-fr-<hash>/int8/    model.bin, vocab.json, *.spm, mt.json

Conversion writes into a temporary folder that is renamed into place when complete, so an
interrupted or failed conversion never leaves a folder that a later run would trust.

At run time neither torch nor transformers is imported: :class:`MarianPieces` tokenises exactly as
``MarianTokenizer`` does (SentencePiece pieces, looked up in ``vocab.json``, ``</s>`` appended, a
leading ``>>deu<<`` kept whole), which keeps the process around 200 MB instead of a gigabyte.

CTranslate2 has no lexical constraints, so this backend only *avoids* forbidden glossary terms
(``suppress_sequences``); :mod:`mt.engines.backends.fastpath` verifies its output, and
:mod:`mt.engines.backends.placement` repairs the segments that miss a required term on this same
backend (:meth:`CTranslate2Backend.decode` gives the tokens and where they looked in the source,
:meth:`CTranslate2Backend.continue_from` decodes on from a prefix that holds the terms).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mt.core.errors import InputError, Location, ModelLoadError
from mt.core.install import pip_install
from mt.engines.backends.base import check_max_new_tokens
from mt.terminology.terms import SegmentTerms

if TYPE_CHECKING:
    from mt.engines.backends.base import DecodeSettings
    from mt.engines.decoding import DecodeResult
    from mt.engines.models import LoadedModel, ModelSpec

NAME = "ctranslate2"
METADATA_FILE = "mt.json"
# Files the runtime reads besides CTranslate2's own model.bin / shared_vocabulary.json.
_COPIED_FILES = ("source.spm", "target.spm", "vocab.json", "tokenizer_config.json")
_DEFAULT_COMPUTE = {"cpu": "int8", "cuda": "float16"}
_DEFAULT_BATCH_SIZE = 32
_SPIECE_UNDERLINE = "▁"


def is_available() -> bool:
    """True when the ``ctranslate2`` package can be imported (``pip install 'mt-press[fast]'``)."""
    import importlib.util

    return importlib.util.find_spec("ctranslate2") is not None


def _require_ctranslate2() -> Any:
    try:
        import ctranslate2
    except ImportError:
        raise ModelLoadError(
            f"the CTranslate2 backend needs the ctranslate2 package: {pip_install('fast')} "
            "(or use --backend torch)"
        ) from None
    return ctranslate2


def cpu_threads() -> int:
    """The cores this process may use: the affinity mask (not the machine's count), or fewer where
    ``OMP_NUM_THREADS`` says so, the usual way to bound a process's threads (Ray sets it to each
    actor's share of the cores)."""
    try:
        cores = max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        cores = max(1, os.cpu_count() or 1)
    limit = os.environ.get("OMP_NUM_THREADS", "").strip()
    return min(cores, int(limit)) if limit.isdigit() and int(limit) > 0 else cores


def cpu_layout(threads: int) -> tuple[int, int]:
    """How to spread ``threads`` CPU cores: (workers, intra-op threads per worker).

    CTranslate2 runs one batch per worker, side by side when several are submitted at once
    (its documented throughput setting). A Marian base model's matrices are small: on two cores,
    two one-thread workers decoded 1.7-1.8x the tokens per second of one two-thread worker on the
    speed benchmark's batches, but a lone batch 0.76x: so :meth:`CTranslate2Backend.decode` splits
    batches when there are fewer than workers (benchmarks/README.md, 2026-12-05). At most four
    workers: past that, the cores go to each worker's own threads.
    """
    intra = -(-max(1, threads) // 4)
    return max(1, threads // intra), intra


def resolve_ct2_device(device: str = "auto") -> str:
    """``auto`` -> ``cuda`` when CTranslate2 sees a GPU, else ``cpu``; asked without torch."""
    if device not in ("auto", "cpu", "cuda"):
        raise ModelLoadError(f"unknown device {device!r}: choose one of auto, cpu, cuda")
    if device == "cpu":
        return device
    gpus = _require_ctranslate2().get_cuda_device_count()
    if gpus:
        return "cuda"
    if device == "cuda":
        raise ModelLoadError(
            "--device cuda: CTranslate2 sees no CUDA GPU; use --device cpu or auto"
        )
    return "cpu"


def default_compute_type(device: str = "auto") -> str:
    """The weights' precision a backend on ``device`` uses unless told: int8 on CPU, float16 on
    GPU (what the translation cache keys CTranslate2 output by, before anything is loaded)."""
    return _DEFAULT_COMPUTE[resolve_ct2_device(device)]


# --- conversion -----------------------------------------------------------------------------------


def ct2_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/mt/ct2`` (``~/.cache/mt/ct2``), read at call time; created only on use."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "mt" / "ct2"


def converted_path(model_id: str, revision: str | None, quantization: str, cache_dir: Path) -> Path:
    """Where the conversion of ``model_id`` at ``revision`` with ``quantization`` is cached."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "-", model_id.rstrip("/").split("/")[-1]).strip("-.")
    digest = hashlib.sha256(f"{model_id}\0{revision or ''}".encode()).hexdigest()[:12]
    return cache_dir / f"{readable or 'model'}-{digest}" / quantization


def convert_model(
    folder: Path,
    *,
    model_id: str,
    revision: str | None,
    quantization: str,
    cache_dir: Path | None = None,
) -> Path:
    """The CTranslate2 folder for the transformers Marian ``folder``, converting it on first use.

    Raises ModelLoadError when the conversion fails; nothing is left in the cache then.
    """
    target = converted_path(model_id, revision, quantization, cache_dir or ct2_cache_dir())
    if (target / METADATA_FILE).is_file():
        return target
    ctranslate2 = _require_ctranslate2()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # A sibling temp folder, so the final rename stays on one file system and is atomic.
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    except OSError as error:
        target, work = _temporary_target(target, error)
    try:
        from transformers.utils import logging as transformers_logging

        # The converter loads the model through transformers, whose per-load bar would interrupt
        # mt's own progress bar on stderr.
        transformers_logging.disable_progress_bar()
        converter = ctranslate2.converters.TransformersConverter(
            str(folder), copy_files=[name for name in _COPIED_FILES if (folder / name).is_file()]
        )
        converter.convert(str(work), quantization=quantization, force=True)
        metadata = _conversion_metadata(folder, model_id, revision, quantization)
        (work / METADATA_FILE).write_text(json.dumps(metadata, indent=2), encoding="utf-8")
        try:
            os.replace(work, target)
        except OSError:
            # Another process finished the same conversion first: theirs is as good as ours.
            if not (target / METADATA_FILE).is_file():
                raise
    except Exception as error:  # the converter raises many kinds (ValueError, OSError, torch's)
        shutil.rmtree(work, ignore_errors=True)
        with contextlib.suppress(OSError):  # the model's folder, when no other conversion is in it
            target.parent.rmdir()
        raise ModelLoadError(
            f"cannot convert the model to CTranslate2 ({type(error).__name__}: {error}); "
            "use --backend torch",
            Location(folder),
        ) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _temporary_target(target: Path, error: OSError) -> tuple[Path, Path]:
    """Where to convert when the cache folder cannot be written (a read-only home, a full disk):
    a temporary folder, removed when the process ends, and a warning saying so."""
    import atexit
    import warnings

    from mt.core.errors import MtWarning

    try:
        scratch = Path(tempfile.mkdtemp(prefix="mt-ct2-"))
    except OSError as second:
        raise ModelLoadError(
            f"cannot convert the model to CTranslate2: neither the cache folder ({error.strerror}) "
            f"nor a temporary folder ({second.strerror}) can be written; set XDG_CACHE_HOME to a "
            "writable folder or use --backend torch",
            Location(target.parent),
        ) from None
    # The converted weights are read into memory when the backend loads; the files go at exit.
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    warnings.warn(
        MtWarning(
            f"cannot write the CTranslate2 model cache {target.parent} ({error.strerror}): "
            f"converted into a temporary folder for this run only, so the next run converts "
            "again; set XDG_CACHE_HOME to a writable folder to keep it"
        ),
        stacklevel=3,
    )
    temporary = scratch / target.parent.name / target.name
    temporary.parent.mkdir(parents=True)
    return temporary, Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=temporary.parent))


def _conversion_metadata(
    folder: Path, model_id: str, revision: str | None, quantization: str
) -> dict[str, Any]:
    """What the runtime needs from config.json and generation_config.json, read without torch."""
    config = _read_json(folder / "config.json")
    generation = (
        _read_json(folder / "generation_config.json")
        if (folder / "generation_config.json").is_file()
        else {}
    )
    positions = int(config.get("max_position_embeddings", 512))
    return {
        "model_id": model_id,
        "revision": revision,
        "quantization": quantization,
        "max_positions": positions,
        "max_length": int(generation.get("max_length") or config.get("max_length") or positions),
        "num_beams": int(generation.get("num_beams") or config.get("num_beams") or 1),
        "forced_eos": generation.get("forced_eos_token_id", config.get("forced_eos_token_id"))
        is not None,
    }


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelLoadError(f"cannot read {path.name}: {error}", Location(path)) from None


# --- tokenising without transformers --------------------------------------------------------------


class MarianPieces:
    """``MarianTokenizer``'s encoding and decoding, on sentencepiece and ``vocab.json`` alone.

    Pieces missing from the vocabulary become ``<unk>`` (as Marian's vocabulary is not aligned with
    the SentencePiece ids); decoding drops ``</s>``, ``<unk>`` and ``<pad>`` like
    ``decode(skip_special_tokens=True)``, and uses the *source* model for a shared vocabulary,
    because that is what ``MarianTokenizer`` does.
    """

    eos = "</s>"
    unk = "<unk>"
    pad = "<pad>"

    def __init__(self, folder: Path) -> None:
        import sentencepiece

        self.vocab: dict[str, int] = _read_json(folder / "vocab.json")
        settings = (
            _read_json(folder / "tokenizer_config.json")
            if (folder / "tokenizer_config.json").is_file()
            else {}
        )
        if settings.get("separate_vocabs"):
            raise ModelLoadError(
                "models with separate source and target vocabularies are not supported by the "
                "CTranslate2 backend; use --backend torch",
                Location(folder),
            )
        self.source = sentencepiece.SentencePieceProcessor(model_file=str(folder / "source.spm"))
        self.target = sentencepiece.SentencePieceProcessor(model_file=str(folder / "target.spm"))
        self.supported_language_codes = [
            token for token in self.vocab if token.startswith(">>") and token.endswith("<<")
        ]
        self._skipped = {self.eos, self.unk, self.pad}

    def get_vocab(self) -> dict[str, int]:
        """The vocabulary (named as the transformers tokenizer's, for ``choose_target_token``)."""
        return self.vocab

    def encode(self, text: str) -> list[str]:
        """The source tokens the model reads, ``</s>`` included."""
        code: list[str] = []
        if text.startswith(">>") and (end := text.find("<<")) != -1:
            code, text = [text[: end + 2]], text[end + 2 :]
        pieces = code + self.source.encode(text, out_type=str)
        return [piece if piece in self.vocab else self.unk for piece in pieces] + [self.eos]

    def encode_target(self, text: str) -> list[str] | None:
        """``text`` as target pieces, or None when a piece is not in the vocabulary."""
        pieces = self.target.encode(text, out_type=str)
        return pieces if pieces and all(piece in self.vocab for piece in pieces) else None

    def decode(self, tokens: Iterable[str]) -> str:
        pieces = [token for token in tokens if token not in self._skipped]
        return self.source.decode_pieces(pieces).replace(_SPIECE_UNDERLINE, " ").strip()


# --- the backend ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hypothesis:
    """One segment's best hypothesis, as the fast path needs it to place a missed term.

    ``alignment`` holds, per target token, the source token it attended to most (empty when not
    asked for); ``suppressed`` and ``limit`` are the decoding's, so that a continuation keeps them.
    """

    source: tuple[str, ...]  # the source tokens read (target token and </s> included)
    pieces: tuple[str, ...]  # the target tokens, </s> included when it was generated
    alignment: tuple[int, ...]
    suppressed: tuple[tuple[str, ...], ...]
    limit: int  # max_decoding_length
    batch: int = 0  # which batch of its decode call it was translated in


class CTranslate2Backend:
    """Translates with a converted model; implements :class:`mt.engines.backends.Backend`.

    Build one with :meth:`from_spec` (never loads torch) or :meth:`from_loaded`.
    """

    name = NAME

    def __init__(
        self,
        converted: Path,
        *,
        target_token: str | None = None,
        device: str = "cpu",
        compute_type: str | None = None,
        threads: int | None = None,
    ) -> None:
        ctranslate2 = _require_ctranslate2()
        self.folder = Path(converted)
        self.metadata = _read_json(self.folder / METADATA_FILE)
        self.device = device
        self.compute_type = compute_type or self.metadata["quantization"]
        self.target_token = target_token
        # The engine and its weights' precision are part of the id: int8 output differs slightly
        # from torch's, so the translation cache must not serve one for the other.
        self.model_id = (
            f"{self.metadata['model_id']}{target_token or ''}@{self.metadata['revision']}"
            f"+ct2-{self.compute_type}"
        )
        self.pieces = MarianPieces(self.folder)
        # On a GPU, one worker (CTranslate2's default); on CPU, see cpu_layout.
        self.workers, intra = cpu_layout(threads or cpu_threads()) if device == "cpu" else (1, 0)
        try:
            self.translator = ctranslate2.Translator(
                str(self.folder),
                device=device,
                compute_type=self.compute_type,
                inter_threads=self.workers,
                intra_threads=intra,
            )
        except (RuntimeError, ValueError) as error:
            raise ModelLoadError(
                f"CTranslate2 cannot load the converted model: {error}", Location(self.folder)
            ) from None

    @classmethod
    def from_spec(
        cls,
        spec: ModelSpec,
        *,
        device: str = "auto",
        compute_type: str | None = None,
        threads: int | None = None,
        cache_dir: Path | None = None,
    ) -> CTranslate2Backend:
        """Find (or fetch) ``spec``'s model, convert it once, and load it, without torch."""
        from mt.engines.models import (
            check_model_folder,
            choose_target_token,
            fetch_model,
            folder_revision,
        )

        device = resolve_ct2_device(device)
        location = fetch_model(spec)
        check_model_folder(location.path)
        revision = location.revision or folder_revision(location.path)
        token = choose_target_token(spec, MarianPieces(location.path), location.path)
        return cls.from_folder(
            location.path,
            model_id=spec.model,
            revision=revision,
            target_token=token,
            device=device,
            compute_type=compute_type,
            threads=threads,
            cache_dir=cache_dir,
        )

    @classmethod
    def from_loaded(
        cls,
        loaded: LoadedModel,
        *,
        device: str | None = None,
        compute_type: str | None = None,
        threads: int | None = None,
    ) -> CTranslate2Backend:
        """The CTranslate2 twin of an already loaded torch model (same folder, token, revision)."""
        return cls.from_folder(
            loaded.folder,
            model_id=loaded.spec.model,
            revision=loaded.revision,
            target_token=loaded.target_token,
            device=device or loaded.device,
            compute_type=compute_type,
            threads=threads,
        )

    @classmethod
    def from_folder(
        cls,
        folder: Path,
        *,
        model_id: str | None = None,
        revision: str | None = None,
        target_token: str | None = None,
        device: str = "cpu",
        compute_type: str | None = None,
        threads: int | None = None,
        cache_dir: Path | None = None,
    ) -> CTranslate2Backend:
        """Convert the Marian ``folder`` (cached) and load it; ``compute_type`` None: int8 on CPU"""
        device = resolve_ct2_device(device)
        compute_type = compute_type or _DEFAULT_COMPUTE[device]
        converted = convert_model(
            Path(folder),
            model_id=model_id or str(Path(folder).resolve()),
            revision=revision,
            quantization=compute_type,
            cache_dir=cache_dir,
        )
        return cls(
            converted,
            target_token=target_token,
            device=device,
            compute_type=compute_type,
            threads=threads,
        )

    # The Backend protocol ---------------------------------------------------------------------

    def prepare(self, source: str) -> str:
        return f"{self.target_token} {source}" if self.target_token else source

    def count_tokens(self, source: str) -> int:
        """Input tokens of ``source`` (target token and ``</s>`` included), to split long text."""
        return len(self.pieces.encode(self.prepare(source)))

    def translate(
        self, sources: Sequence[str], terms: Sequence[SegmentTerms], settings: DecodeSettings
    ) -> list[DecodeResult]:
        """One :class:`~mt.engines.decoding.DecodeResult` per source, in order.

        Required terms are *not* guaranteed here: that is :mod:`mt.engines.backends.fastpath`'s
        job (see :meth:`decode`).
        """
        return [self.result(h.pieces) for h in self.decode(sources, terms, settings)]

    def decode(
        self,
        sources: Sequence[str],
        terms: Sequence[SegmentTerms],
        settings: DecodeSettings,
        *,
        attention: bool = False,
    ) -> list[Hypothesis]:
        """The best hypothesis of each source, as tokens, in order.

        Batches are planned as the torch backend plans them (so the default output cap, which
        depends on the longest source of a batch, is the same); segments with forbidden terms
        are batched apart, as CTranslate2 suppresses sequences for a whole batch. With
        ``attention``, batches that hold a segment with required terms also return where each
        target token looked in the source (:attr:`Hypothesis.alignment`): the fast path places a
        missed term there. Asking for it changes no output.
        """
        from mt.engines.backends.base import check_terms
        from mt.engines.backends.torch_backend import plan_batches  # pure Python: no torch import

        terms = check_terms(sources, terms)
        tokens = [self.pieces.encode(self.prepare(source)) for source in sources]
        limit = int(self.metadata["max_positions"])
        for index, pieces in enumerate(tokens):
            if len(pieces) > limit:
                raise InputError(
                    f"segment {index + 1} has {len(pieces)} tokens but {self.metadata['model_id']} "
                    f"reads at most {limit}: split it first (mt.documents.segmentation.split_long)"
                )
        groups: dict[tuple[tuple[str, ...], ...], list[int]] = {}
        for index, segment in enumerate(terms):
            groups.setdefault(self._suppressed(segment), []).append(index)
        planned: list[tuple[list[int], tuple[tuple[str, ...], ...], dict[str, Any]]] = []
        for suppress, group in groups.items():
            lengths = [len(tokens[i]) for i in group]
            for batch in plan_batches(lengths, settings.batch_tokens, settings.batch_size):
                indices = [group[i] for i in batch]
                options = self._options(settings, max(len(tokens[i]) for i in indices))
                options["suppress_sequences"] = [list(sequence) for sequence in suppress] or None
                options["return_attention"] = attention and any(terms[i].required for i in indices)
                planned.append((indices, suppress, options))
        outputs = self._run([([tokens[i] for i in indices], o) for indices, _, o in planned])
        results: list[Any] = [None] * len(sources)
        for number, ((indices, suppress, options), batch) in enumerate(
            zip(planned, outputs, strict=True)
        ):
            for index, output in zip(indices, batch, strict=True):
                alignment: tuple[int, ...] = ()
                if options["return_attention"]:
                    alignment = tuple(
                        max(range(len(row)), key=row.__getitem__) if row else 0
                        for row in output.attention[0]
                    )
                results[index] = Hypothesis(
                    tuple(tokens[index]),
                    tuple(output.hypotheses[0]),
                    alignment,
                    suppress,
                    int(options["max_decoding_length"]),
                    number + 1,
                )
        return results

    def _run(self, calls: Sequence[tuple[list[list[str]], dict[str, Any]]]) -> list[list[Any]]:
        """``translate_batch`` for each (inputs, options) call, in order: every call is submitted
        before any is awaited, so the workers decode batches side by side.

        With fewer calls than workers each call is split into as many sub-batches as keep every
        worker busy: a row's output does not depend on the other rows of its batch (its length
        limit, which does, is the call's own ``max_decoding_length``), so splitting changes no
        translation (tests/test_backend_ct2.py compares one worker with two).
        """
        parts = -(-self.workers // len(calls)) if calls else 1
        pending = [
            self.translator.translate_batch(
                inputs,
                max_batch_size=max(1, -(-len(inputs) // parts)),
                asynchronous=True,
                **options,
            )
            for inputs, options in calls
        ]
        return [[result.result() for result in results] for results in pending]

    def continue_from(
        self,
        hypotheses: Sequence[Hypothesis],
        prefixes: Sequence[Sequence[str]],
        settings: DecodeSettings,
    ) -> list[list[str]]:
        """Each hypothesis decoded again from its ``prefix`` on, greedily, with its own length
        limit and suppressed sequences: the tokens, prefix included.

        Greedy, because CTranslate2 walks a target prefix step by step with the whole beam: a beam
        search from a prefix costs as much as decoding the segment afresh (measured, see
        benchmarks/README.md); one hypothesis a step costs about a third of that. Hypotheses are
        continued beside those of their own first batch only, so what a batch holds (padding, and
        the numerics of int8 kernels with it) depends on that batch alone, not on which other
        segments of the call missed their terms.
        """
        groups: dict[tuple[tuple[tuple[str, ...], ...], int, int], list[int]] = {}
        for index, hypothesis in enumerate(hypotheses):
            key = (hypothesis.suppressed, hypothesis.limit, hypothesis.batch)
            groups.setdefault(key, []).append(index)
        calls: list[tuple[list[list[str]], dict[str, Any]]] = []
        for (suppress, limit, _), group in groups.items():
            options = self._options(settings, max(len(hypotheses[i].source) for i in group))
            options["beam_size"] = 1
            options["max_decoding_length"] = max(limit, *(len(prefixes[i]) for i in group))
            options["target_prefix"] = [list(prefixes[i]) for i in group]
            options["suppress_sequences"] = [list(sequence) for sequence in suppress] or None
            calls.append(([list(hypotheses[i].source) for i in group], options))
        results: list[list[str]] = [[] for _ in hypotheses]
        for group, outputs in zip(groups.values(), self._run(calls), strict=True):
            for index, output in zip(group, outputs, strict=True):
                results[index] = list(output.hypotheses[0])
        return results

    def result(self, hypothesis: Sequence[str]) -> DecodeResult:
        """A hypothesis's tokens as a :class:`~mt.engines.decoding.DecodeResult`."""
        from mt.engines.decoding import DecodeResult

        # Counted as generate() counts: the end token too, also when it is forced at the limit.
        ended = bool(hypothesis) and hypothesis[-1] == MarianPieces.eos
        count = len(hypothesis) + (0 if ended or not self.metadata["forced_eos"] else 1)
        return DecodeResult(self.pieces.decode(hypothesis), (), (), count)

    def _options(self, settings: DecodeSettings, longest: int) -> dict[str, Any]:
        """translate_batch's options, doing what the torch backend's generate() does."""
        positions = int(self.metadata["max_positions"])
        check_max_new_tokens(settings, positions, self.model_id)
        max_new = settings.max_new_tokens or min(positions, 2 * longest + 16)
        # With forced_eos generate() spends the last new token on </s>; CTranslate2 stops short.
        length = min(max_new, positions - 1) - (1 if self.metadata["forced_eos"] else 0)
        return {
            # CTranslate2's own default is 2 beams; generate()'s is the model's generation config.
            "beam_size": settings.num_beams or int(self.metadata["num_beams"]),
            "max_input_length": positions,
            "max_decoding_length": max(1, length),
            "return_end_token": True,
            "disable_unk": True,  # as the torch model's generation config bans <unk>
        }

    def _suppressed(self, segment: SegmentTerms) -> tuple[tuple[str, ...], ...]:
        """Token sequences of the segment's forbidden terms, as written, lower-case and capitalised
        (the verifier finds forbidden terms in any case).

        A forbidden string inside a required alternative is left alone: banning it would ban the
        approved term too.
        """
        if not segment.forbidden:
            return ()
        allowed = [alt for term in segment.required for alt in term.alternatives]
        sequences: set[tuple[str, ...]] = set()
        for forbidden in segment.forbidden:
            if not forbidden.strip() or any(forbidden.casefold() in a.casefold() for a in allowed):
                continue
            for form in {forbidden, forbidden.lower(), forbidden[:1].upper() + forbidden[1:]}:
                pieces = self.pieces.encode_target(form)
                if pieces:
                    sequences.add(tuple(pieces))
        return tuple(sorted(sequences))


def create_backend(loaded: LoadedModel, device: str | None = None) -> CTranslate2Backend:
    """Plain CTranslate2 for ``loaded``: no glossary guarantee of its own.

    :func:`mt.engines.backends.make_backend` wraps it in the fast path (verification, with the
    torch backend of ``loaded`` re-decoding the misses), so this module never imports the fast path.
    """
    return CTranslate2Backend.from_loaded(loaded, device=device)


def open_backend(
    spec: ModelSpec, device: str = "auto", *, compute_type: str | None = None
) -> CTranslate2Backend:
    """``spec``'s plain CTranslate2 backend, without loading the torch model (hundreds of MB less).

    It does not guarantee glossary terms: :func:`mt.engines.backends.open_fast_path` does, loading
    torch only when a segment needs it.
    """
    return CTranslate2Backend.from_spec(spec, device=device, compute_type=compute_type)
