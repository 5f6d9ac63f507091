"""A run the translation cache answers wholly, and how often a translating run stores its work.

    .venv/bin/python benchmarks/cached_run.py                 # 5 rounds, both parts, 2-4 minutes
    .venv/bin/python benchmarks/cached_run.py --rounds 3 --part cached

``cached`` (issue 22): ``mt translate examples/release.nl.txt --to fr,de,en`` on an opus-mt-shaped
model with random weights, once to fill a cache, then re-run in fresh processes, interleaved round
by round with a process that only opens the same three backends (what a cached run cost when its
cache key needed the loaded model). Per backend (torch, ctranslate2): the cached re-run's wall time
and whether it imported torch; the backends' opening time beside it.

``flush`` (issue 19): a translating run of ``--segments`` sentences on the torch backend, beam 4,
with the pipeline's chunks stored every ``flush_seconds`` (3 s) against chunks of two batches
(64 segments, as before): total time (the throughput cost of storing often) and the longest and
median time between two stores (what Ctrl-C can lose), interleaved round by round.

Figures are medians with ranges over the rounds; the machine's load average is printed, since
these machines are shared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RELEASE = REPO / "examples" / "release.nl.txt"
LANGS = ("fr", "de", "en")


def bench_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "mt" / "bench"


def build_model() -> Path:
    """The opus-mt-shaped random model (about 67k vocabulary), built once and kept."""
    from mt.engines.tinymodels import OPUS_MT_SHAPE, build_tiny_marian

    folder = bench_dir() / "cached-run-opus-shaped"
    if not (folder / "config.json").is_file():
        work = folder.with_name(folder.name + ".partial")
        build_tiny_marian(work, shape=OPUS_MT_SHAPE)
        os.replace(work, folder)
    return folder


def model_args(model: Path) -> list[str]:
    return [arg for lang in LANGS for arg in ("--model", f"{lang}={model}")]


# --- cached ---------------------------------------------------------------------------------------

_CACHED_RUN = """
import json, sys, time
started = time.perf_counter()
from mt.cli import cli
try:
    cli(sys.argv[1:], prog_name="mt")
except SystemExit as end:
    code = end.code
print(json.dumps({"exit": code, "seconds": time.perf_counter() - started,
                  "torch": "torch" in sys.modules}), file=sys.stderr)
"""

_OPEN_BACKENDS = """
import json, sys, time
started = time.perf_counter()
from mt.translation.pipeline import TranslateOptions, Translator
model, backend = sys.argv[1], sys.argv[2]
options = TranslateOptions(models={lang: model for lang in "fr de en".split()}, backend=backend,
                           use_cache=False)
with Translator(options) as translator:
    for lang in ("fr", "de", "en"):
        translator.backend(lang)
print(json.dumps({"seconds": time.perf_counter() - started}), file=sys.stderr)
"""


def timed(code: str, args: list[str]) -> dict:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"failed: {args}\n{done.stderr}")
    report = json.loads(done.stderr.strip().splitlines()[-1])
    report["wall"] = wall
    return report


def bench_cached(model: Path, rounds: int, work: Path) -> None:
    backends = ["torch"]
    try:
        import ctranslate2  # noqa: F401

        backends.append("ctranslate2")
    except ImportError:
        print("ctranslate2 is not installed: torch only")
    cache = work / "cache.sqlite3"
    common = {
        backend: ["translate", str(RELEASE), "--to", ",".join(LANGS), *model_args(model)]
        + ["--backend", backend, "--max-new-tokens", "8", "--cache", str(cache)]
        + ["--out", str(work / backend), "--quiet"]
        for backend in backends
    }
    for backend in backends:  # fill the cache (and convert for CTranslate2), untimed
        subprocess.run([sys.executable, "-m", "mt", *common[backend]], check=True)
    runs: dict[str, list[dict]] = {b: [] for b in backends}
    opens: dict[str, list[float]] = {b: [] for b in backends}
    for _ in range(rounds):
        for backend in backends:
            runs[backend].append(timed(_CACHED_RUN, common[backend]))
            opens[backend].append(timed(_OPEN_BACKENDS, [str(model), backend])["wall"])
    print(f"\nfully cached re-run of {RELEASE.name} into {', '.join(LANGS)} (fresh processes)")
    print("| backend | cached re-run, wall s | torch imported | opening the 3 backends, wall s |")
    print("| --- | --- | --- | --- |")
    for backend in backends:
        walls = [run["wall"] for run in runs[backend]]
        imported = sorted({run["torch"] for run in runs[backend]})
        print(
            f"| {backend} | {spread(walls)} | {', '.join(map(str, imported))} "
            f"| {spread(opens[backend])} |"
        )


# --- flush ----------------------------------------------------------------------------------------

_FLUSH_RUN = """
import json, sys, time
from mt.translation.pipeline import TranslateOptions, Translator
model, cache, flush, count = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
from mt.engines.tinymodels import training_lines
sources = [line for line in training_lines(count * 3, seed=11) if len(line.split()) >= 8][:count]
stores = []
options = TranslateOptions(models={"fr": model}, backend="torch", terms="off", beam=4,
                           max_new_tokens=32, cache=cache)
with Translator(options, lambda label, done, total: stores.append(time.perf_counter())) as tr:
    tr.flush_seconds = flush
    tr.backend("fr")
    started = time.perf_counter()
    result = tr.translate_segments(sources, "fr")
    total = time.perf_counter() - started
gaps = [b - a for a, b in zip(stores, stores[1:])]
print(json.dumps({"total": total, "gaps": gaps, "segments": result.translated}), file=sys.stderr)
"""


def bench_flush(model: Path, rounds: int, work: Path, segments: int) -> None:
    modes = {"every 3 s (now)": 3.0, "64-segment chunks (before)": 1e9}
    results: dict[str, list[dict]] = {mode: [] for mode in modes}
    for round_ in range(rounds):
        for mode, flush in modes.items():
            cache = work / f"flush-{round_}-{flush}.sqlite3"  # a fresh cache: everything misses
            results[mode].append(
                timed(_FLUSH_RUN, [str(model), str(cache), str(flush), str(segments)])
            )
    count = results["every 3 s (now)"][0]["segments"]
    print(f"\ntranslating {count} segments, torch, beam 4, 32 new tokens (after loading)")
    print("| chunks | total s | longest gap between stores, s | median gap, s | stores |")
    print("| --- | --- | --- | --- | --- |")
    for mode, runs in results.items():
        print(
            f"| {mode} | {spread([r['total'] for r in runs])} "
            f"| {spread([max(r['gaps']) for r in runs])} "
            f"| {spread([statistics.median(r['gaps']) for r in runs])} "
            f"| {spread([len(r['gaps']) for r in runs], digits=0)} |"
        )


def spread(values: list[float], digits: int = 2) -> str:
    """``median (min-max)``."""
    fmt = f"{{:.{digits}f}}"
    low, mid, high = min(values), statistics.median(values), max(values)
    return f"{fmt.format(mid)} ({fmt.format(low)}-{fmt.format(high)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--part", choices=["cached", "flush", "both"], default="both")
    parser.add_argument("--segments", type=int, default=48)
    args = parser.parse_args()
    model = build_model()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as folder:
        if args.part in ("cached", "both"):
            bench_cached(model, args.rounds, Path(folder))
        if args.part in ("flush", "both"):
            bench_flush(model, args.rounds, Path(folder), args.segments)
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
