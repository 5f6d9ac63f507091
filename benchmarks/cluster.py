"""Segments per second of `mt translate --engine ray`, 1 and 2 actors, against the local engine.

Run by hand: ``.venv/bin/python benchmarks/cluster.py [--documents 8 --lines 8 --rounds 3]``.

Every system translates the same corpus (Dutch-looking sentences of about 24 source tokens, in
text documents) with the same settings, in a fresh ``mt translate`` process with ``--no-cache``,
and the systems take turns round by round, so that drift of this shared machine hits them alike.
The model is opus-mt-shaped (d_model 512, 6+6 layers, 60,000-token vocabulary, random weights,
built once by ``benchmarks/speed.py``'s builder under ``~/.cache/mt/bench``).

Printed per system, medians over the rounds with their ranges:

- ``load_s``: the run's ``timings.load_s`` (the local engine: loading the model; Ray: starting the
  instance, the actors and their models);
- ``translate_s`` and ``seg/s``: decoding alone, segments per second;
- ``total_s`` and ``seg/s total``: the whole command, start to exit.

The engine's own overhead is Ray with one actor against the local engine with one thread (the same
compute): what it costs to ship chunks to an actor and back. The cost model at the end turns the
per-segment decode time of one actor into actor-hours for an archive.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MT = Path(sys.executable).parent / "mt"


def _speed_module():
    spec = importlib.util.spec_from_file_location("speed", HERE / "speed.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SYSTEMS = {
    # name -> (extra mt translate arguments, environment); the local engine's torch uses one
    # thread in "local-1t" (the compute of one actor) and the machine's default in "local".
    "local": ([], {}),
    "local-1t": ([], {"OMP_NUM_THREADS": "1"}),
    "ray-1": (["--engine", "ray", "--actors", "1"], {}),
    "ray-2": (["--engine", "ray", "--actors", "2"], {}),
}


def write_corpus(folder: Path, sentences: list[str], lines: int) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    for number, start in enumerate(range(0, len(sentences), lines)):
        text = "\n".join(sentences[start : start + lines]) + "\n"
        (folder / f"release-{number:03}.nl.txt").write_text(text, encoding="utf-8")
    return len(sentences)


def run(system: str, corpus: Path, model: Path, out: Path, args: argparse.Namespace) -> dict:
    extra, env = SYSTEMS[system]
    command = [str(MT), "translate", str(corpus), "--to", "fr", "--out", str(out)]
    command += [f"--model=fr={model}", "--backend", "torch", "--terms", "off", "--no-cache"]
    command += ["--beam", str(args.beam), "--max-new-tokens", str(args.new_tokens)]
    command += ["--batch-size", str(args.batch_size), "--json", "-q", *extra]
    started = time.perf_counter()
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env={**os.environ, "RAY_USAGE_STATS_ENABLED": "0", **env},
        timeout=3600,
    )
    total = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{system} failed:\n{done.stderr[-3000:]}")
    timings = json.loads(done.stdout)["timings"]
    return {"load_s": timings["load_s"], "translate_s": timings["translate_s"], "total_s": total}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=8)
    parser.add_argument("--lines", type=int, default=8, help="sentences per document")
    parser.add_argument("--tokens", type=int, default=24, help="source tokens per sentence")
    parser.add_argument("--new-tokens", type=int, default=24)
    parser.add_argument("--beam", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    args = parser.parse_args()

    speed = _speed_module()
    model = speed.build_model(speed.cache_dir() / speed.MODEL_NAME)
    systems = args.systems.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        count = args.documents * args.lines
        segments = write_corpus(corpus, speed.make_sentences(model, count, args.tokens), args.lines)
        runs: dict[str, list[dict]] = {name: [] for name in systems}
        loads = []
        for round_number in range(args.rounds):
            for name in systems:
                out = Path(tmp) / f"out-{name}-{round_number}"
                runs[name].append(run(name, corpus, model, out, args))
                loads.append(os.getloadavg()[0])
                print(f"round {round_number + 1} {name}: {runs[name][-1]}", file=sys.stderr)
    report(runs, segments, loads, args)


def _median_range(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def report(runs: dict[str, list[dict]], segments: int, loads: list[float], args) -> None:
    print(
        f"\n{segments} segments, beam {args.beam}, batch {args.batch_size}, "
        f"{args.new_tokens} new tokens, {args.rounds} rounds; 1-min load average "
        f"{min(loads):.1f}-{max(loads):.1f} on {os.cpu_count()} CPUs; {time.strftime('%Y-%m-%d')}\n"
    )
    print("| system | load_s | translate_s | seg/s | total_s | seg/s total |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, rows in runs.items():
        rate = [segments / row["translate_s"] for row in rows]
        total = [segments / row["total_s"] for row in rows]
        print(
            f"| {name} | {_median_range([r['load_s'] for r in rows])} "
            f"| {_median_range([r['translate_s'] for r in rows])} | {_median_range(rate)} "
            f"| {_median_range([r['total_s'] for r in rows])} | {_median_range(total)} |"
        )
    if "ray-1" in runs and "local-1t" in runs:
        ray1 = statistics.median(r["translate_s"] for r in runs["ray-1"])
        local1 = statistics.median(r["translate_s"] for r in runs["local-1t"])
        start = statistics.median(r["load_s"] for r in runs["ray-1"])
        print(
            f"\nengine overhead: decoding {ray1 / local1:.2f}x the local engine's time at the same "
            f"compute (one actor vs one thread); start-up (Ray, actor, model) {start:.1f} s"
        )
        per_segment = ray1 / segments
        print(
            f"cost model: one actor decodes a segment in {per_segment:.3f} s here; an archive of "
            "R releases x S segments x L languages takes R*S*L*t/A seconds on A actors "
            f"(100,000 x 20 x 3 at this t: {100_000 * 20 * 3 * per_segment / 3600:,.0f} "
            "actor-hours)"
        )


if __name__ == "__main__":
    main()
