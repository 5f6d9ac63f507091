"""Which MarianMT model translates each direction, where it is found, and loading it once per run.

A direction is named by its target language (the source is always Dutch). The registry
:data:`DEFAULT_MODELS` holds OPUS-MT's models; a direction can point elsewhere::

    mt translate release.nl.txt --to de --model de=/models/opus-mt-tc-big-gmw-gmw
    mt translate release.nl.txt --to de --model "de=Helsinki-NLP/opus-mt-tc-big-gmw-gmw>>deu<<"
    mt translate release.nl.txt --to de --pivot de=en        # nl -> en -> de

    # .mt.toml
    [models]
    fr = "/models/opus-mt-nl-fr"                               # a folder or a hub id
    de = { model = "Helsinki-NLP/opus-mt-tc-big-gmw-gmw", target-token = ">>deu<<",
           revision = "<commit>", via = "en" }                 # all keys but `model` optional

A trailing ``>>xxx<<`` on a model names the target-language token a multilingual model needs. When a
multilingual model (its tokenizer lists ``>>xxx<<`` tokens) gets none, the ISO 639-3 token of the
language is chosen (de -> ``>>deu<<``), and loading fails if the model does not list it.

``via = "en"`` (``--pivot de=en``) translates through English: the English direction's model first,
then this direction's model from English (the default German model, opus-mt-tc-big-gmw-gmw, reads
English as well as Dutch). Glossary terms apply to the last step only.

Loading is offline first: a local folder loads as it is; a hub id loads from the Hugging Face cache;
only when it is not cached and the hub answers quickly is it downloaded. Otherwise
:class:`~mt.core.errors.ModelNotFoundError` is raised at once, saying where the model was looked
for and how to provide it. A model's *revision* (part of every translation-cache key) is the hub
commit of the cached snapshot, or, for a local folder, ``local-`` and a hash of its files' names,
sizes and modification times (editing or replacing the weights changes it; copying a folder may
too, which only costs a cache miss).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import socket
from collections.abc import Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mt.core.config import Config
from mt.core.errors import ConfigError, InputError, Location, ModelLoadError, ModelNotFoundError

if TYPE_CHECKING:
    from transformers import MarianMTModel, MarianTokenizer

SOURCE_LANG = "nl"
ISO639_3 = {"en": "eng", "fr": "fra", "de": "deu", "nl": "nld"}
"""Language codes as multilingual OPUS-MT models spell their target tokens (``>>deu<<``)."""

DEVICES = ("auto", "cpu", "cuda")
_TOKEN_RE = re.compile(r">>[A-Za-z_]+<<$")
# Files every OPUS-MT (Marian) folder holds; the weights come in one of two formats.
_REQUIRED_FILES = ("config.json", "vocab.json", "source.spm", "target.spm")
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
_DOWNLOAD_PATTERNS = ["*.json", "*.spm", "model.safetensors", "pytorch_model.bin"]
_HUB_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class ModelSpec:
    """Which model translates Dutch into ``lang``: a hub id or a folder, and how to call it.

    ``target_token`` is the ``>>xxx<<`` a multilingual model needs (None: none, or chosen at load).
    ``revision`` pins a hub commit or branch (None: ``main``). ``via`` is the first leg of a pivot
    route: ``via`` translates Dutch into its language, then this model translates that text.
    """

    lang: str
    model: str
    target_token: str | None = None
    revision: str | None = None
    via: ModelSpec | None = None

    def describe(self) -> str:
        """``model>>tok<<`` or, for a route, ``first -> second``, for messages and listings."""
        this = self.model + (self.target_token or "")
        return f"{self.via.describe()} -> {this}" if self.via else this


DEFAULT_MODELS: dict[str, ModelSpec] = {
    "en": ModelSpec("en", "Helsinki-NLP/opus-mt-nl-en"),
    "fr": ModelSpec("fr", "Helsinki-NLP/opus-mt-nl-fr"),
    # There is no bilingual nl-de OPUS-MT model; the West Germanic one needs a target token.
    "de": ModelSpec("de", "Helsinki-NLP/opus-mt-tc-big-gmw-gmw", target_token=">>deu<<"),
}
SUPPORTED_LANGS = tuple(DEFAULT_MODELS)


# --- choosing models ------------------------------------------------------------------------------


def check_langs(langs: Sequence[str]) -> list[str]:
    """``langs`` stripped, lower-cased and deduplicated; an unknown one raises InputError."""
    result: list[str] = []
    for raw in langs:
        lang = raw.strip().lower()
        if lang not in DEFAULT_MODELS:
            known = ", ".join(SUPPORTED_LANGS)
            raise InputError(f"unknown target language {raw!r}: supported are {known}")
        if lang not in result:
            result.append(lang)
    return result


def split_target_token(value: str) -> tuple[str, str | None]:
    """``"ID>>deu<<"`` -> ``("ID", ">>deu<<")``; a value without a token -> ``(value, None)``."""
    match = re.search(r">>[A-Za-z_]+<<$", value)
    if match is None:
        return value, None
    return value[: match.start()], match.group()


def parse_model_overrides(values: Sequence[str]) -> dict[str, str]:
    """``["de=PATH_OR_ID", ...]`` (``--model``, repeatable) -> ``{"de": "PATH_OR_ID"}``."""
    return _parse_pairs(values, "--model", "LANG=PATH_OR_ID, e.g. de=/models/opus-mt-gmw")


def parse_pivots(values: Sequence[str]) -> dict[str, str]:
    """``["de=en"]`` (``--pivot``, repeatable) -> ``{"de": "en"}``: German through English."""
    pairs = _parse_pairs(values, "--pivot", "LANG=VIA, e.g. de=en")
    for via in pairs.values():
        check_langs([via])
    return {lang: via.strip().lower() for lang, via in pairs.items()}


def _parse_pairs(values: Sequence[str], option: str, form: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for value in values:
        lang, sep, rest = value.partition("=")
        if not sep or not lang.strip() or not rest.strip():
            raise InputError(f"{option} {value!r}: expected {form}")
        (lang,) = check_langs([lang])
        if lang in result:
            raise InputError(f"{option} given twice for {lang!r}")
        result[lang] = rest.strip()
    return result


def resolve_models(
    targets: Sequence[str],
    overrides: Mapping[str, str] | None = None,
    config: Config | None = None,
    pivots: Mapping[str, str] | None = None,
) -> dict[str, ModelSpec]:
    """The spec for each target language: command-line overrides, then the config, then defaults.

    ``overrides`` come from :func:`parse_model_overrides`, ``pivots`` from :func:`parse_pivots`.
    """
    langs = check_langs(targets)
    table = dict(config.table("models")) if config is not None else {}
    where = Location(config.path) if config is not None and config.path else None
    pivots = dict(pivots or {})
    direct: dict[str, ModelSpec] = {}
    for lang in SUPPORTED_LANGS:
        spec = DEFAULT_MODELS[lang]
        if lang in table:
            spec, via = _spec_from_config(lang, table.pop(lang), where)
            if via is not None:
                pivots.setdefault(lang, via)
        if overrides and lang in overrides:
            model, token = split_target_token(overrides[lang])
            spec = ModelSpec(lang, model, token)
        direct[lang] = spec
    if table:
        unknown = ", ".join(sorted(table))
        known = ", ".join(SUPPORTED_LANGS)
        raise ConfigError(f"[models] has unknown languages {unknown} (known: {known})", where)
    result: dict[str, ModelSpec] = {}
    for lang in langs:
        via = pivots.get(lang)
        if via is None:
            result[lang] = direct[lang]
        elif via == lang or via not in direct:
            raise InputError(
                f"cannot translate {lang!r} via {via!r}: choose another of {SUPPORTED_LANGS}"
            )
        else:
            result[lang] = replace(direct[lang], via=direct[via])
    return result


def _spec_from_config(
    lang: str, value: Any, where: Location | None
) -> tuple[ModelSpec, str | None]:
    if isinstance(value, str):
        model, token = split_target_token(value)
        return ModelSpec(lang, model, token), None
    if not isinstance(value, dict) or not isinstance(value.get("model"), str):
        raise ConfigError(
            f'[models] {lang} must be a model id or folder, or a table with a "model" key', where
        )
    allowed = {"model", "target-token", "revision", "via"}
    extra = sorted(set(value) - allowed)
    if extra:
        raise ConfigError(
            f"[models] {lang}: unknown keys {extra} (allowed: {sorted(allowed)})", where
        )
    token = value.get("target-token")
    if token is not None and not (isinstance(token, str) and _TOKEN_RE.match(token)):
        raise ConfigError(f"[models] {lang}: target-token must look like '>>deu<<'", where)
    via = value.get("via")
    if via is not None:
        (via,) = check_langs([str(via)])
    spec = ModelSpec(lang, value["model"], token, value.get("revision"))
    return spec, via


# --- finding models -------------------------------------------------------------------------------


def hf_hub_cache() -> Path:
    """The Hugging Face hub cache folder, read from the environment at each call."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser() / "hub"
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg).expanduser() / "huggingface" / "hub"


def hub_offline() -> bool:
    """True when the environment forbids downloading (``HF_HUB_OFFLINE``, ...)."""
    return any(
        os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")
        for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    )


def _looks_like_path(model: str) -> bool:
    # "owner/name" is both a hub id and a relative path; a hub id has at most one slash.
    return model.startswith(("/", ".", "~")) or model.count("/") > 1 or "\\" in model


@dataclass(frozen=True)
class ModelLocation:
    """Where a model was found, without loading it: ``kind`` is "folder", "hf-cache" or "missing".

    ``path`` is the folder to load (or, when missing, the folder or cache path that was searched).
    """

    kind: str
    path: Path
    revision: str | None = None

    @property
    def available(self) -> bool:
        return self.kind != "missing"


def locate_model(spec: ModelSpec) -> ModelLocation:
    """Find ``spec.model`` as a local folder or in the hub cache; never loads or connects."""
    folder = Path(spec.model).expanduser()
    if folder.is_dir():
        return ModelLocation("folder", folder.resolve())
    if _looks_like_path(spec.model):
        return ModelLocation("missing", folder)
    repo = hf_hub_cache() / ("models--" + spec.model.replace("/", "--"))
    revision = spec.revision or "main"
    ref = repo / "refs" / revision
    commit = ref.read_text(encoding="utf-8").strip() if ref.is_file() else revision
    snapshot = repo / "snapshots" / commit
    if (snapshot / "config.json").is_file():
        return ModelLocation("hf-cache", snapshot, commit)
    return ModelLocation("missing", repo)


# How a person points a direction at another model, in messages: ``mt translate`` and ``mt models``
# take ``--model LANG=...``; ``mt bench`` has no --model and names models inside each system
# (:func:`override_hint` sets its wording while a system translates).
_OVERRIDE_HINT: ContextVar[str] = ContextVar("override_hint", default="--model {lang}={value}")


@contextlib.contextmanager
def override_hint(template: str) -> Iterator[None]:
    """Within the block, messages say ``template`` (with ``{lang}`` and ``{value}``) where they
    would say ``--model LANG=PATH``."""
    token = _OVERRIDE_HINT.set(template)
    try:
        yield
    finally:
        _OVERRIDE_HINT.reset(token)


def _override(lang: str, value: str) -> str:
    return _OVERRIDE_HINT.get().format(lang=lang, value=value)


def _not_found(spec: ModelSpec, location: ModelLocation, why: str) -> ModelNotFoundError:
    if _looks_like_path(spec.model):
        state = "is not a folder" if Path(spec.model).expanduser().exists() else "does not exist"
        return ModelNotFoundError(
            f"model folder {spec.model} for nl->{spec.lang} {state}; "
            f"give an existing folder with {_override(spec.lang, 'PATH')} or in [models] of "
            ".mt.toml"
        )
    revision = f" --revision {spec.revision}" if spec.revision else ""
    return ModelNotFoundError(
        f"model {spec.model} for nl->{spec.lang} is not available: it is not a local folder and "
        f"not in the Hugging Face cache ({location.path}), and {why}. To provide it, run "
        f"`hf download {spec.model}{revision}` on a connected machine and copy "
        f"{hf_hub_cache()} here (or set HF_HOME), or copy the model folder here and pass "
        f"{_override(spec.lang, 'PATH')}"
    )


def _hub_reachable() -> bool:
    """A quick TCP connection to the hub: a machine without network answers in milliseconds."""
    from urllib.parse import urlparse

    endpoint = urlparse(os.environ.get("HF_ENDPOINT") or "https://huggingface.co")
    port = endpoint.port or (443 if endpoint.scheme == "https" else 80)
    try:
        with socket.create_connection((endpoint.hostname or "", port), timeout=_HUB_TIMEOUT_S):
            return True
    except OSError:
        return False


def fetch_model(spec: ModelSpec) -> ModelLocation:
    """The folder to load ``spec`` from, downloading it only when not cached and the hub answers."""
    location = locate_model(spec)
    if location.available:
        return location
    if _looks_like_path(spec.model):
        raise _not_found(spec, location, "")
    if hub_offline():
        raise _not_found(spec, location, "HF_HUB_OFFLINE forbids downloading")
    if not _hub_reachable():
        raise _not_found(spec, location, "the Hugging Face hub cannot be reached")
    from huggingface_hub import snapshot_download

    try:
        folder = snapshot_download(
            spec.model,
            revision=spec.revision,
            cache_dir=hf_hub_cache(),
            allow_patterns=_DOWNLOAD_PATTERNS,
        )
    except Exception as error:  # the hub's errors vary: unknown repo, gated, network dropped
        raise _not_found(spec, location, f"downloading it failed ({error})") from None
    return ModelLocation("hf-cache", Path(folder), Path(folder).name)


def check_available(specs: Sequence[ModelSpec]) -> None:
    """Fail once, naming every model of ``specs`` (pivot legs included) that is neither here nor
    downloadable, before any is loaded: a run missing three models says so in one message, not
    one model per run. Models the hub may still provide are left to :func:`fetch_model`."""
    missing: dict[tuple[str, str | None], tuple[ModelSpec, ModelLocation]] = {}
    for spec in specs:
        for leg in (spec.via, spec):
            if leg is not None and (leg.model, leg.revision) not in missing:
                location = locate_model(leg)
                if not location.available:
                    missing[leg.model, leg.revision] = (leg, location)
    hub = [item for item in missing.values() if not _looks_like_path(item[0].model)]
    if hub and not hub_offline() and _hub_reachable():
        for model, revision in [(leg.model, leg.revision) for leg, _ in hub]:
            del missing[model, revision]  # downloaded when loaded
        hub = []
    if len(missing) < 2:  # one model: fetch_model says the same, with its full hint
        return
    why = "HF_HUB_OFFLINE forbids downloading" if hub_offline() else "the hub cannot be reached"
    lines = []
    for leg, location in missing.values():
        if _looks_like_path(leg.model):
            lines.append(f"  nl->{leg.lang}: folder {leg.model} does not exist")
        else:
            revision = f" --revision {leg.revision}" if leg.revision else ""
            lines.append(
                f"  nl->{leg.lang}: {leg.model} (not in {location.path}; "
                f"hf download {leg.model}{revision})"
            )
    raise ModelNotFoundError(
        f"{len(missing)} models are not available"
        + (f" ({why})" if hub else "")
        + ":\n"
        + "\n".join(lines)
        + f"\nTo provide them, run each `hf download` on a connected machine and copy "
        f"{hf_hub_cache()} here (or set HF_HOME), or copy the model folders here and pass "
        f"{_override('LANG', 'PATH')} for each"
    )


# --- loading --------------------------------------------------------------------------------------


class _Weights:
    """The torch model of a folder, loaded on first use and shared by every LoadedModel of it."""

    def __init__(self, folder: Path, device: str) -> None:
        self.folder = folder
        self.device = device
        self._model: Any = None

    def get(self) -> Any:
        if self._model is None:
            self._model = _load_weights(self.folder, self.device)
        return self._model


@dataclass(frozen=True)
class LoadedModel:
    """A model and tokenizer ready to translate Dutch into ``spec.lang``.

    ``target_token`` is the resolved ``>>xxx<<`` (None for a bilingual model); ``revision`` is
    the hub commit or the local folder's hash; ``model_id`` names both, for cache keys. The torch
    weights (:attr:`model`) load on first use when :func:`load_model` was told ``weights=False``
    (a CTranslate2 backend needs only the tokenizer and the folder).
    """

    spec: ModelSpec
    tokenizer: MarianTokenizer
    folder: Path
    revision: str
    device: str
    target_token: str | None
    weights: _Weights

    @property
    def model(self) -> MarianMTModel:
        return self.weights.get()

    @property
    def model_id(self) -> str:
        return f"{self.spec.model}{self.target_token or ''}@{self.revision}"

    @property
    def max_positions(self) -> int:
        return int(self.tokenizer.model_max_length)

    def prepare(self, source: str) -> str:
        """``source`` as the tokenizer reads it: with the target token in front, if any."""
        return f"{self.target_token} {source}" if self.target_token else source

    def count_tokens(self, source: str) -> int:
        """Input tokens of ``source`` (target token and ``</s>`` included)."""
        return len(self.tokenizer(self.prepare(source))["input_ids"])


_LOADED: dict[tuple[str, str], tuple[Any, _Weights, str]] = {}


def clear_loaded_models() -> None:
    """Forget the models loaded in this process (tests; freeing memory between runs)."""
    _LOADED.clear()


def resolve_device(device: str = "auto") -> str:
    """``auto`` -> ``cuda`` when a GPU is usable, else ``cpu``; ``cuda`` without one is an error."""
    if device not in DEVICES:
        raise InputError(f"unknown device {device!r}: choose one of {', '.join(DEVICES)}")
    if device == "cpu":
        return device
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if device == "cuda":
        raise InputError("--device cuda: no CUDA GPU is available here; use --device cpu or auto")
    return "cpu"


def load_model(spec: ModelSpec, device: str = "cpu", *, weights: bool = True) -> LoadedModel:
    """Load ``spec`` (once per process and device) for translating into ``spec.lang``.

    Raises ModelNotFoundError when the model cannot be found or fetched, ModelLoadError when its
    folder is incomplete or broken, or when it lacks the target token the language needs.
    ``weights=False`` defers loading the torch weights until :attr:`LoadedModel.model` is used.
    """
    device = resolve_device(device)
    location = fetch_model(spec)
    folder = location.path
    key = (str(folder), device)
    if key not in _LOADED:
        check_model_folder(folder)
        revision = location.revision or folder_revision(folder)
        _LOADED[key] = (_load_tokenizer(folder), _Weights(folder, device), revision)
    tokenizer, holder, revision = _LOADED[key]
    token = choose_target_token(spec, tokenizer, folder)
    if weights:
        holder.get()
    return LoadedModel(spec, tokenizer, folder, revision, device, token, holder)


def check_model_folder(folder: Path) -> None:
    """Raise ModelLoadError naming the first missing or unreadable file of a Marian folder."""
    for name in _REQUIRED_FILES:
        if not (folder / name).is_file():
            raise ModelLoadError(
                f"model folder is missing {name} (a MarianMT folder holds "
                f"{', '.join(_REQUIRED_FILES)} and {' or '.join(_WEIGHT_FILES)})",
                Location(folder),
            )
    if not any((folder / name).is_file() for name in _WEIGHT_FILES):
        raise ModelLoadError(
            f"model folder has no weights ({' or '.join(_WEIGHT_FILES)})", Location(folder)
        )
    for name in ("config.json", "vocab.json"):
        try:
            data = json.loads((folder / name).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ModelLoadError(f"cannot read {name}: {error}", Location(folder / name)) from None
        if name == "config.json" and data.get("model_type") != "marian":
            raise ModelLoadError(
                f"model_type is {data.get('model_type')!r}, but mt runs MarianMT models only",
                Location(folder / name),
            )


def folder_revision(folder: Path) -> str:
    """``local-`` + a hash of the names, sizes and mtimes of the folder's files."""
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return "local-" + digest.hexdigest()[:16]


def _load_tokenizer(folder: Path) -> Any:
    from transformers import MarianTokenizer

    try:
        return MarianTokenizer.from_pretrained(str(folder))
    except Exception as error:  # sentencepiece and transformers raise many kinds
        raise ModelLoadError(f"cannot load the tokenizer: {error}", Location(folder)) from None


def _load_weights(folder: Path, device: str) -> Any:
    from transformers import MarianMTModel
    from transformers.utils import logging

    logging.disable_progress_bar()  # mt draws its own progress; no per-load bars on stderr
    try:
        model = MarianMTModel.from_pretrained(str(folder))
    except Exception as error:
        raise ModelLoadError(f"cannot load the model weights: {error}", Location(folder)) from None
    _never_unknown(model, folder)
    return model.to(device).eval()


@dataclass(frozen=True)
class TokenPreview:
    """The target token loading a model will choose, read from its ``vocab.json`` alone (``mt
    models list`` loads nothing): ``token`` None for a bilingual model; ``listed`` whether the
    model knows it (False: loading will fail), None when the folder could not be read."""

    token: str | None
    listed: bool | None


def preview_target_token(spec: ModelSpec, location: ModelLocation) -> TokenPreview:
    """What :func:`choose_target_token` will choose for ``spec`` from the model at ``location``,
    without loading its tokenizer: the same rule, on the vocabulary's ``>>xxx<<`` entries."""
    if not location.available:
        return TokenPreview(spec.target_token, None)
    try:
        vocab = json.loads((location.path / "vocab.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return TokenPreview(spec.target_token, None)
    if not isinstance(vocab, dict):
        return TokenPreview(spec.target_token, None)
    listed = [key for key in vocab if key.startswith(">>") and key.endswith("<<")]
    if spec.target_token is None and not listed:
        return TokenPreview(None, True)
    wanted = spec.target_token or f">>{ISO639_3.get(spec.lang, spec.lang)}<<"
    return TokenPreview(wanted, wanted in listed or bool(spec.target_token and wanted in vocab))


def _never_unknown(model: Any, folder: Path) -> None:
    """Ban ``<unk>`` from the output, in ``generate`` and the constrained search alike (both read
    the generation config): decoding drops it silently, so a word would vanish. What the
    vocabulary cannot write is copied from the source instead (:mod:`mt.translation.markup`)."""
    try:
        unk = json.loads((folder / "vocab.json").read_text(encoding="utf-8")).get("<unk>")
    except (OSError, ValueError):
        return
    if not isinstance(unk, int):
        return
    config = model.generation_config
    banned = [list(words) for words in (config.bad_words_ids or [])]
    if [unk] not in banned:
        config.bad_words_ids = [*banned, [unk]]


def choose_target_token(spec: ModelSpec, tokenizer: Any, folder: Path) -> str | None:
    """The token to put before each source: given, or ``>>iso639-3<<`` for a multilingual model."""
    listed = list(getattr(tokenizer, "supported_language_codes", []) or [])
    if spec.target_token is None and not listed:
        return None
    wanted = spec.target_token or f">>{ISO639_3.get(spec.lang, spec.lang)}<<"
    if wanted in listed or (spec.target_token and wanted in tokenizer.get_vocab()):
        return wanted
    shown = ", ".join(listed[:12]) + (" ..." if len(listed) > 12 else "") if listed else "none"
    raise ModelLoadError(
        f"model {spec.model} does not know the target token {wanted} for nl->{spec.lang} "
        f"(it lists {shown}); pick another with {_override(spec.lang, 'MODEL>>xxx<<')}",
        Location(folder),
    )
