"""``mt bench``: translate test sets with several systems, then score them and time them.

A *system* is a model per language plus how it is run: backend, beams, glossary mode. On the
command line (one ``--system`` each; ``model`` repeats, one per language)::

    name=base,model=fr=Helsinki-NLP/opus-mt-nl-fr,backend=ctranslate2,beam=4,terms=enforce

or as ``[[system]]`` tables of a TOML file (``--systems bench.toml``)::

    [[system]]
    name = "base"
    backend = "torch"          # torch | ctranslate2 | auto
    beam = 4                   # omitted: the model's own setting
    terms = "enforce"          # enforce | check | off
    glossary = ["glossaries/"]
    models = { fr = "/models/opus-mt-nl-fr" }

Each system translates in a process of its own (``spawn``), so that its peak memory (the child's
``ru_maxrss``) is its own and not the high-water mark of an earlier system. A CTranslate2 system
whose model is not converted yet is converted first, in a process of its own too: the one-time
conversion (it loads the model through transformers) is reported apart (``convert_seconds``), not
in the row's load time and peak memory. Translations go through
:class:`mt.translation.pipeline.Translator`, which keeps them in the translation cache; rows carry
the number of cache hits, since cached segments make the speed figures meaningless (such rows are
marked in ``results.md`` and left out of the chart).

After every row, ``results.json``, ``results.tsv`` and ``results.md`` are rewritten (atomically);
a re-run skips the rows already in ``results.json`` (keyed by system, test set, language, slice
and settings), so a run that stopped part-way resumes where it stopped. Rows that differ only in
settings or ``--limit`` (a re-run of a system under one name) are labelled by what differs.
The output folder is made when the first row is written: a run that fails before leaves none.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from mt.core.config import read_toml
from mt.core.errors import ConfigError, InputError, Location, MtError
from mt.core.install import DISTRIBUTION

TERMS_MODES = ("enforce", "check", "off")
BACKENDS = ("torch", "ctranslate2", "auto")
_SPEC_KEYS = ("name", "model", "backend", "beam", "terms", "glossary", "batch", "device")
RESULT_FILES = ("results.json", "results.tsv", "results.md", "quality_vs_speed.png")
_LIBRARIES = ("mt", "torch", "transformers", "ctranslate2", "sentencepiece", "sacrebleu")


@dataclass(frozen=True)
class SystemSpec:
    """One system under test. ``models`` maps a language to a model id or folder (the rest take
    the defaults); ``glossary`` empty means the shipped ``glossaries/``."""

    name: str
    models: Mapping[str, str] = field(default_factory=dict)
    backend: str = "torch"
    beam: int | None = None
    terms: str = "off"
    glossary: tuple[str, ...] = ()
    batch_size: int | None = None
    device: str = "cpu"

    def __post_init__(self) -> None:
        if not self.name:
            raise InputError("a system needs a name: name=...")
        if self.backend not in BACKENDS:
            raise InputError(f"system {self.name!r}: backend must be one of {', '.join(BACKENDS)}")
        if self.terms not in TERMS_MODES:
            raise InputError(f"system {self.name!r}: terms must be one of {', '.join(TERMS_MODES)}")
        object.__setattr__(self, "models", dict(self.models))

    def settings(self) -> dict[str, Any]:
        """Everything that changes this system's output, as plain data (results and keys)."""
        return {
            "models": dict(sorted(self.models.items())),
            "backend": self.backend,
            "beam": self.beam,
            "terms": self.terms,
            "glossary": list(self.glossary),
            "batch_size": self.batch_size,
            "device": self.device,
        }


def parse_system(text: str) -> SystemSpec:
    """``name=X,model=fr=PATH,backend=torch,beam=4,terms=enforce`` -> :class:`SystemSpec`."""
    values: dict[str, Any] = {"models": {}, "glossary": []}
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        key, sep, value = part.partition("=")
        if not sep or key not in _SPEC_KEYS:
            raise InputError(
                f"--system {text!r}: {part!r} is not KEY=VALUE with KEY one of "
                f"{', '.join(_SPEC_KEYS)}"
            )
        if key == "model":
            lang, sep, model = value.partition("=")
            if not sep or not lang or not model:
                raise InputError(
                    f"--system {text!r}: model takes LANG=ID_OR_FOLDER, e.g. model=fr=..."
                )
            values["models"][lang] = model
        elif key == "glossary":
            values["glossary"].append(value)
        else:
            values[key] = value
    return _system_from_mapping(values, where=f"--system {text!r}")


def load_systems_file(path: Path) -> list[SystemSpec]:
    """The ``[[system]]`` tables of a TOML file."""
    data = read_toml(path, "systems file")
    tables = data.get("system")
    if not isinstance(tables, list) or not tables:
        raise ConfigError("no [[system]] tables", Location(path))
    systems = []
    for number, table in enumerate(tables, 1):
        table = dict(table)
        glossary = table.get("glossary", [])
        table["glossary"] = [glossary] if isinstance(glossary, str) else list(glossary)
        systems.append(_system_from_mapping(table, where=f"{path}: system {number}"))
    return systems


def _system_from_mapping(values: Mapping[str, Any], where: str) -> SystemSpec:
    def integer(key: str) -> int | None:
        value = values.get(key)
        if value is None:
            return None
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise InputError(f"{where}: {key} must be a whole number, not {value!r}") from None
        if number < 1:
            raise InputError(f"{where}: {key} must be at least 1, not {number}")
        return number

    unknown = set(values) - {*_SPEC_KEYS, "models"}
    if unknown:
        raise InputError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    try:
        return SystemSpec(
            name=str(values.get("name", "")),
            models={str(k): str(v) for k, v in dict(values.get("models", {})).items()},
            backend=str(values.get("backend", "torch")),
            beam=integer("beam"),
            terms=str(values.get("terms", "off")),
            glossary=tuple(str(path) for path in values.get("glossary", [])),
            batch_size=integer("batch"),
            device=str(values.get("device", "cpu")),
        )
    except InputError as error:
        raise InputError(f"{where}: {error.message}") from None


# --- one row: a system on a test set ------------------------------------------------------------


def row_key(system: SystemSpec, testset: str, lang: str, limit: int | None) -> str:
    """What identifies a row for resuming: the same key means the same work."""
    settings = json.dumps(system.settings(), sort_keys=True)
    digest = hashlib.sha256(settings.encode()).hexdigest()[:12]
    return f"{system.name}|{testset}|{lang}|{limit or 'all'}|{digest}"


@dataclass(frozen=True)
class Translated:
    """What a system's process reports back: the output, and what it cost."""

    translations: tuple[str, ...]
    target_tokens: int
    seconds: float  # wall time of translating, model loading excluded
    load_seconds: float
    peak_rss_mb: float
    cache_hits: int
    model_id: str  # with its revision


# How mt bench points a direction at a model, for messages that would say --model LANG=PATH.
_MODEL_HINT = "model={lang}={value} in the system (--system, or models in --systems)"


def _options(system: SystemSpec, cache: Path | None) -> Any:
    from mt.translation.pipeline import TranslateOptions

    return TranslateOptions(
        models=dict(system.models),
        backend=system.backend,
        beam=system.beam,
        batch_size=system.batch_size,
        device=system.device,
        terms=system.terms,
        glossaries=tuple(Path(path) for path in system.glossary) or None,
        cache=cache,
        use_cache=cache is not None,
    )


def translate_testset(
    system: SystemSpec, lang: str, sources: Sequence[str], cache: Path | None
) -> Translated:
    """Translate ``sources`` into ``lang`` with ``system``, here (see :func:`run_isolated`)."""
    import resource

    from mt.engines.models import load_model, override_hint
    from mt.translation.pipeline import Translator

    # mt bench has no --model: a message about a model names the system's model= instead
    with override_hint(_MODEL_HINT), Translator(_options(system, cache)) as translator:
        started = time.perf_counter()
        backend = translator.backend(lang)  # loading is timed apart from translating
        loaded = time.perf_counter()
        batch = translator.translate_segments(list(sources), lang)
        finished = time.perf_counter()
        spec = translator.specs([lang])[lang]
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    # Target tokens as the model's own target SentencePiece counts them (</s> excluded).
    tokenizer = load_model(spec, system.device, weights=False).tokenizer
    encoded = tokenizer(text_target=list(batch.translations), verbose=False)["input_ids"]
    return Translated(
        translations=tuple(batch.translations),
        target_tokens=sum(len(ids) - 1 for ids in encoded),
        seconds=finished - loaded,
        load_seconds=loaded - started,
        peak_rss_mb=peak_kb / 1024,
        cache_hits=batch.cache_hits,
        model_id=backend.model_id,
    )


def _child(system: SystemSpec, lang: str, sources: list[str], cache: Path | None) -> Any:
    # Library errors cross the process boundary as text: not every MtError pickles back intact.
    try:
        return translate_testset(system, lang, sources, cache)
    except MtError as error:
        return ("error", str(error))


def run_isolated(
    system: SystemSpec, lang: str, sources: Sequence[str], cache: Path | None
) -> Translated:
    """:func:`translate_testset` in a fresh process, so peak memory is this system's alone."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")  # fork would inherit the parent's memory
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        outcome = pool.submit(_child, system, lang, list(sources), cache).result()
    if isinstance(outcome, tuple):
        raise MtError(f"system {system.name!r} ({lang}): {outcome[1]}")
    return outcome


def converts_first(system: SystemSpec) -> bool:
    """Whether ``system`` runs CTranslate2, whose model is converted on first use."""
    if system.backend == "torch":
        return False
    from mt.engines.backends import available_backends

    return system.backend == "ctranslate2" or "ctranslate2" in available_backends()


def prepare_system(system: SystemSpec, lang: str) -> float | None:
    """Open ``system``'s backend for ``lang`` here, converting its model to CTranslate2 if that was
    not done yet: the seconds that took when it converted (one load of the result included), None
    when nothing needed converting."""
    from mt.engines.backends.ct2 import METADATA_FILE, ct2_cache_dir
    from mt.engines.models import override_hint
    from mt.translation.pipeline import Translator

    def converted() -> set[Path]:
        return set(ct2_cache_dir().glob(f"*/*/{METADATA_FILE}"))

    before = converted()
    started = time.perf_counter()
    with override_hint(_MODEL_HINT), Translator(_options(system, None)) as translator:
        translator.backend(lang)
    seconds = time.perf_counter() - started
    return seconds if converted() - before else None


def _prepare_child(system: SystemSpec, lang: str) -> Any:
    try:
        return prepare_system(system, lang)
    except MtError as error:
        return ("error", str(error))


def prepare_isolated(system: SystemSpec, lang: str) -> float | None:
    """:func:`prepare_system` in a fresh process: the conversion's memory stays out of the row."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        outcome = pool.submit(_prepare_child, system, lang).result()
    if isinstance(outcome, tuple):
        raise MtError(f"system {system.name!r} ({lang}): {outcome[1]}")
    return outcome


def score_row(
    system: SystemSpec,
    testset: Any,
    translated: Translated,
    key: str,
    limit: int | None,
    glossary: Any,
    convert_seconds: float | None = None,
) -> dict[str, Any]:
    """One result row: scores with signatures, speed, memory, and how they were obtained."""
    from mt.evaluation.score import corpus_scores, make_metrics, terminology_accuracy

    hyps = list(translated.translations)
    metrics = make_metrics(["bleu", "chrf", "ter"], [list(testset.references)])
    scores = {
        s.metric: {"score": s.score, "signature": s.signature} for s in corpus_scores(hyps, metrics)
    }
    terms = None
    if glossary is not None:
        accuracy = terminology_accuracy(testset.sources, hyps, glossary, testset.lang)
        terms = {
            "score": accuracy.accuracy,
            "signature": accuracy.signature,
            "matched": accuracy.matched,
            "occurrences": accuracy.occurrences,
        }
    seconds = translated.seconds
    return {
        "key": key,
        "system": system.name,
        "testset": testset.name,
        "lang": testset.lang,
        "limit": limit,
        "segments": len(hyps),
        "settings": system.settings(),
        "model_id": translated.model_id,
        "scores": scores,
        "terminology": terms,
        "seconds": seconds,
        "load_seconds": translated.load_seconds,
        # the one-time CTranslate2 conversion before this row, in its own process (None: none)
        "convert_seconds": convert_seconds,
        "segments_per_s": len(hyps) / seconds if seconds else None,
        "target_tokens": translated.target_tokens,
        "tokens_per_s": translated.target_tokens / seconds if seconds else None,
        "peak_rss_mb": translated.peak_rss_mb,
        "cache_hits": translated.cache_hits,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
    }


# --- the run ------------------------------------------------------------------------------------


def environment() -> dict[str, Any]:
    """Hardware and library versions, for the results file (read without importing anything)."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for name in _LIBRARIES:
        try:
            # (mt is installed as the distribution mt-press: "mt" on the index is another project)
            versions[name] = metadata.version(DISTRIBUTION if name == "mt" else name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "hardware": {"cpu": cpu, "cores": os.cpu_count(), "platform": platform.platform()},
        "python": platform.python_version(),
        "versions": versions,
    }


def run_bench(
    systems: Sequence[SystemSpec],
    testsets: Sequence[str],
    langs: Sequence[str],
    out_dir: Path,
    *,
    limit: int | None = None,
    cache: Path | None = None,
    isolate: bool = True,
    glossary_paths: Sequence[Path] | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> list[dict[str, Any]]:
    """Run every system on every test set and language; returns all rows of ``results.json``."""
    from mt.evaluation.testsets import load_testset

    names = [system.name for system in systems]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise InputError(f"system names must differ: {', '.join(duplicates)} given twice")
    rows = read_results(out_dir / "results.json")
    done = {row["key"] for row in rows}
    # Load every test set first, so that a bad name fails before an hour of translating.
    sets = {
        (name, lang): load_testset(name, lang, limit=limit) for name in testsets for lang in langs
    }
    translate = run_isolated if isolate else translate_testset
    prepare = prepare_isolated if isolate else prepare_system
    prepared: set[tuple[str, str]] = set()
    jobs = [(system, name, lang) for system in systems for name in testsets for lang in langs]
    for number, (system, name, lang) in enumerate(jobs, 1):
        key = row_key(system, name, lang, limit)
        label = f"[{number}/{len(jobs)}] {system.name} on {name} (nl->{lang})"
        if key in done:
            progress(f"{label}: already in results.json, skipped")
            continue
        testset = sets[(name, lang)]
        convert_seconds = None
        if (system.name, lang) not in prepared and converts_first(system):
            # Convert apart, so this row's load time and peak memory are the system's own.
            convert_seconds = prepare(system, lang)
            if convert_seconds is not None:
                progress(f"{label}: converted the model to CTranslate2 in {convert_seconds:.1f} s")
        prepared.add((system.name, lang))
        progress(f"{label}: translating {len(testset)} segments")
        translated = translate(system, lang, testset.sources, cache)
        glossary = _glossary_for(system, glossary_paths)
        row = score_row(system, testset, translated, key, limit, glossary, convert_seconds)
        rows.append(row)
        write_results(out_dir, rows, chart=False)
        bleu = row["scores"]["bleu"]["score"]
        progress(
            f"{label}: BLEU {bleu:.1f}, {row['segments_per_s']:.1f} segments/s, "
            f"{row['peak_rss_mb']:.0f} MB peak"
        )
    if rows:
        write_results(out_dir, rows, chart=True)
    return rows


def _glossary_for(system: SystemSpec, fallback: Sequence[Path] | None) -> Any:
    from mt.terminology.glossary import default_glossary_dir, load_glossary

    paths = [Path(path) for path in system.glossary] or list(fallback or [])
    if not paths:
        if not default_glossary_dir().is_dir():
            return None
        return load_glossary(None)
    return load_glossary(paths)


# --- result files -------------------------------------------------------------------------------


def read_results(path: Path) -> list[dict[str, Any]]:
    """The rows of an earlier run (none when there is no file)."""
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return list(data["rows"])
    except (ValueError, KeyError, TypeError):
        raise InputError(
            "not a results file of mt bench; move it away or choose another --out", Location(path)
        ) from None


def _temporary(path: Path) -> Path:
    """A name of its own beside ``path``: two runs writing one folder never share a file."""
    return path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp{path.suffix}")


def _write_atomic(path: Path, text: str) -> None:
    # Never a half-written results file: a reader (or a resumed run) sees the old or the new one,
    # and a failure or Ctrl-C between writing and renaming leaves no temporary file behind.
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary(path)
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


TSV_COLUMNS = (
    "system", "testset", "lang", "segments", "model_id", "backend", "beam", "terms",
    "bleu", "chrf", "ter", "term_accuracy", "segments_per_s", "tokens_per_s", "seconds",
    "load_seconds", "peak_rss_mb", "cache_hits", "bleu_signature", "chrf_signature",
    "ter_signature", "limit", "convert_seconds", "label",
)  # fmt: skip


def _flat(row: dict[str, Any], label: str = "") -> dict[str, Any]:
    settings, scores, terms = row["settings"], row["scores"], row.get("terminology") or {}
    return {
        "label": label or row["system"],
        "limit": row.get("limit"),
        "convert_seconds": row.get("convert_seconds"),
        "system": row["system"],
        "testset": row["testset"],
        "lang": row["lang"],
        "segments": row["segments"],
        "model_id": row["model_id"],
        "backend": settings["backend"],
        "beam": settings["beam"] or "model",
        "terms": settings["terms"],
        **{name: scores[name]["score"] for name in ("bleu", "chrf", "ter")},
        "term_accuracy": terms.get("score"),
        **{
            name: row[name]
            for name in ("segments_per_s", "tokens_per_s", "seconds", "load_seconds")
        },
        "peak_rss_mb": row["peak_rss_mb"],
        "cache_hits": row["cache_hits"],
        **{f"{name}_signature": scores[name]["signature"] for name in ("bleu", "chrf", "ter")},
    }


def write_results(out_dir: Path, rows: Sequence[dict[str, Any]], *, chart: bool = True) -> None:
    """results.json (everything), results.tsv (one line per row), results.md, and the chart."""
    document = {"mt_bench": 1, "environment": environment(), "rows": list(rows)}
    _write_atomic(out_dir / "results.json", json.dumps(document, indent=1, ensure_ascii=False))
    lines = ["\t".join(TSV_COLUMNS)]
    for row, label in zip(rows, row_labels(rows), strict=True):
        flat = _flat(row, label)
        lines.append("\t".join("" if flat[c] is None else str(flat[c]) for c in TSV_COLUMNS))
    _write_atomic(out_dir / "results.tsv", "\n".join(lines) + "\n")
    _write_atomic(out_dir / "results.md", markdown_table(rows, document["environment"]))
    if chart and rows:
        plot_quality_vs_speed(rows, out_dir / "quality_vs_speed.png")


def _number(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


# What may tell apart rows of one system on one test set and language, in the order labels name it.
_LABEL_PARTS = ("limit", "backend", "beam", "terms", "batch_size", "device", "glossary", "models")


def _setting_text(key: str, row: dict[str, Any]) -> str:
    value = row.get("limit") if key == "limit" else row["settings"].get(key)
    if key == "limit":
        return f"limit {value or 'all'}"
    if key == "beam":
        return f"beam {value or 'model'}"
    if key == "models":
        return "models " + (",".join(f"{lang}={model}" for lang, model in value.items()) or "-")
    if key == "glossary":
        return "glossary " + (",".join(value) or "default")
    return f"{key.replace('_size', '')} {value}"


def row_labels(rows: Sequence[dict[str, Any]]) -> list[str]:
    """How each row is named for people: its system, and where rows of one system on one test set
    and language differ (a re-run under the same name with other settings or another --limit),
    what differs: ``opus (beam 4, limit 200)`` beside ``opus (beam 6, limit 200)``."""
    groups: dict[tuple[str, str, str], list[int]] = {}
    for index, row in enumerate(rows):
        groups.setdefault((row["system"], row["testset"], row["lang"]), []).append(index)
    labels = [row["system"] for row in rows]
    for members in groups.values():
        if len(members) < 2:
            continue
        texts = [{key: _setting_text(key, rows[i]) for key in _LABEL_PARTS} for i in members]
        differing = [key for key in _LABEL_PARTS if len({text[key] for text in texts}) > 1]
        for number, (index, text) in enumerate(zip(members, texts, strict=True), 1):
            parts = [text[key] for key in differing] or [f"run {number}"]
            labels[index] = f"{rows[index]['system']} ({', '.join(parts)})"
    return labels


def markdown_table(rows: Sequence[dict[str, Any]], env: dict[str, Any]) -> str:
    """The results for people: one table row per system and test set, then how they were made."""
    columns = "system|test set|lang|segments|backend|beam|terms|BLEU|chrF|TER|TermAcc"
    columns += "|seg/s|tok/s|wall s|load s|convert s|peak MB"
    head = "| " + " | ".join(columns.split("|")) + " |"
    lines = ["# mt bench results", "", head, "|" + " --- |" * len(columns.split("|"))]
    for row, label in zip(rows, row_labels(rows), strict=True):
        flat = _flat(row, label)
        cached = " †" if row["cache_hits"] else ""
        cells = [
            flat["label"], flat["testset"], flat["lang"], str(flat["segments"]), flat["backend"],
            str(flat["beam"]), flat["terms"], _number(flat["bleu"]), _number(flat["chrf"]),
            _number(flat["ter"]), _number(flat["term_accuracy"]),
            _number(flat["segments_per_s"]) + cached, _number(flat["tokens_per_s"]) + cached,
            _number(flat["seconds"]), _number(flat["load_seconds"]),
            _number(flat["convert_seconds"]), _number(flat["peak_rss_mb"], 0),
        ]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    hardware, versions = env["hardware"], env["versions"]
    if any(row["cache_hits"] for row in rows):
        lines += [
            "",
            "† some segments came from the translation cache: speed is not decoding speed "
            "(the chart leaves these rows out; --no-cache measures afresh).",
        ]
    if any(row.get("convert_seconds") for row in rows):
        lines += [
            "",
            "convert s: the one-time conversion of the model to CTranslate2, made before the row: "
            "its time is not in load s; with --isolate (the default) it runs in a process of its "
            "own, so its memory is not in peak MB either.",
        ]
    lines += [
        "",
        f"Hardware: {hardware['cpu']}, {hardware['cores']} cores. Python {env['python']}; "
        + ", ".join(f"{name} {version}" for name, version in versions.items() if version)
        + ".",
        "",
        "Signatures:",
    ]
    signatures = {}
    for row in rows:
        for name, score in row["scores"].items():
            signatures.setdefault(name, score["signature"])
    lines += [f"- {name}: `{signature}`" for name, signature in signatures.items()]
    return "\n".join(lines) + "\n"


def chart_points(
    rows: Sequence[dict[str, Any]],
) -> tuple[list[tuple[str, float, float]], list[str]]:
    """The chart's points, ``(label, target tokens/s, BLEU)``, and the labels of the rows left
    out: a row served (even partly) from the translation cache, or without a measured time, has
    no decoding speed to plot."""
    points, left_out = [], []
    for row, label in zip(rows, row_labels(rows), strict=True):
        label = f"{label} ({row['testset']}, {row['lang']})"
        if row["cache_hits"] or not row["tokens_per_s"]:
            left_out.append(label)
        else:
            points.append((label, float(row["tokens_per_s"]), row["scores"]["bleu"]["score"]))
    return points, left_out


def plot_quality_vs_speed(rows: Sequence[dict[str, Any]], path: Path) -> None:
    """BLEU against target tokens per second, one labelled point per row measured afresh."""
    import matplotlib

    matplotlib.use("Agg")  # no display: files only
    import matplotlib.pyplot as plt

    points, left_out = chart_points(rows)
    figure, axes = plt.subplots(figsize=(7, 4.5))
    for label, speed, bleu in points:
        axes.scatter([speed], [bleu])
        axes.annotate(label, (speed, bleu), textcoords="offset points", xytext=(4, 4), fontsize=8)
    axes.set_xlabel("target tokens per second")
    axes.set_ylabel("BLEU")
    axes.set_title("Quality against speed")
    axes.grid(alpha=0.3)
    if left_out:
        figure.text(
            0.01,
            0.01,
            f"Not plotted ({len(left_out)}), served from the translation cache: "
            + "; ".join(left_out),
            fontsize=7,
            wrap=True,
        )
    figure.tight_layout(rect=(0, 0.06 if left_out else 0, 1, 1))
    temporary = _temporary(path)
    try:
        figure.savefig(temporary, dpi=120, format="png")
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        plt.close(figure)
