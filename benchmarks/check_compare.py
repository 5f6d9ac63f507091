"""Is this working tree's `mt check` faster than another version's? Timed in turn, many times.

    .venv/bin/python benchmarks/check_compare.py BASE [--rounds 5] [--passes 3] [--pairs 100000]
        [--end-to-end md|txt [--releases 100] [--three-languages]]

BASE is a git revision (checked out into a temporary worktree) or a folder holding another copy of
the project. Each round runs one fresh process for each version, in alternating order, pinned to
one core: it builds the corpus and glossary of ``check_throughput.py`` (the same for both), checks
2,000 pairs to load what loads once, then times ``--passes`` passes of all checks over the corpus.
The figures are pairs per CPU second: the median of every pass and of the warm passes (the second
on), the range, and the ratio of the medians.

With ``--end-to-end md`` (or ``txt``) the corpus is written once as ``--releases`` releases a side,
as ``check_throughput.py`` writes it (``--three-languages``: with its German and English
translations too), and each round runs ``mt check`` on that folder once with
each version's ``mt``: pairs per CPU second of the whole command (start-up, reading, pairing,
checking, the JSON report).

Why: on the shared machines this project runs on, one pass varies by up to 30% from the next, and
instruction counts (``check_instructions.py``) do not say how time moves: compiling the checks with
Cython removed 15% of the instructions and no measurable time. A change to speed is worth keeping
when this comparison says so, over rounds enough that the ranges tell the versions apart.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def child(root: Path, pairs: int, passes: int) -> None:
    """One process: time ``passes`` passes of the project at ``root``; print the rates as JSON."""
    sys.path.insert(0, str(root))  # mt from that copy of the project
    sys.path.insert(1, str(HERE))  # the corpus from this one: the same for both versions
    from check_throughput import one_core, synthetic_setup

    from mt.qa.check import CheckConfig, check_segments

    one_core()
    glossary, corpus = synthetic_setup(pairs)
    check_segments(corpus[:2000], "fr", glossary, CheckConfig())
    rates = []
    for _ in range(passes):
        start = time.process_time()
        check_segments(corpus, "fr", glossary, CheckConfig())
        rates.append(len(corpus) / (time.process_time() - start))
    print(json.dumps({"mt": str(Path(sys.modules["mt"].__file__ or "").parent), "rates": rates}))


def run_child(root: Path, pairs: int, passes: int) -> list[float]:
    command = [sys.executable, __file__, "--child", str(root)]
    command += ["--pairs", str(pairs), "--passes", str(passes)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"the run of {root} failed:\n{result.stderr[-3000:]}")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    if Path(report["mt"]) != root / "mt":  # the other version must not import this one's mt
        raise SystemExit(f"the run of {root} imported mt from {report['mt']}")
    return report["rates"]


def end_to_end_rate(docs: Path, project: Path, pairs: int) -> list[float]:
    from check_throughput import run_mt_check

    cpu, _, _ = run_mt_check(docs, project)
    return [pairs / cpu]


def summary(name: str, rounds: list[list[float]]) -> tuple[str, float]:
    every = [rate for rates in rounds for rate in rates]
    warm = [rate for rates in rounds for rate in rates[1:]] or every
    line = (
        f"{name:<10} {statistics.median(every):>9,.0f} {statistics.median(warm):>9,.0f}"
        f"   {min(every):,.0f}-{max(every):,.0f}"
    )
    return line, statistics.median(every)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("base", nargs="?", help="a git revision, or a folder with the project")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--pairs", type=int, default=100_000)
    parser.add_argument("--end-to-end", choices=("md", "txt"), help="time mt check on releases")
    parser.add_argument("--releases", type=int, default=100, help="documents a side, end to end")
    parser.add_argument(
        "--three-languages",
        action="store_true",
        help="end to end: German and English translations beside the French (3x the pairs)",
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options.child.resolve(), options.pairs, options.passes)
        return
    if not options.base:
        parser.error("name the version to compare with: a git revision or a folder")
    with tempfile.TemporaryDirectory() as folder:
        base = Path(options.base)
        worktree = None
        if not (base / "mt").is_dir():
            worktree = Path(folder) / "base"
            add = ["worktree", "add", "--detach", str(worktree), options.base]
            made = subprocess.run(["git", "-C", str(ROOT), *add], capture_output=True, text=True)
            if made.returncode != 0:
                parser.error(
                    f"{options.base!r} is no folder with mt/ and no git revision: "
                    f"{made.stderr.strip()}"
                )
            base = worktree
        docs = None
        if options.end_to_end:
            sys.path.insert(0, str(HERE))
            from check_throughput import (
                SEED,
                one_core,
                synthetic_glossary,
                synthetic_pairs,
                write_releases,
            )

            one_core()  # (the processes it starts run on this core too)
            rng = random.Random(SEED)
            tsv, terms = synthetic_glossary(5000, rng)
            others: dict[str, list[str]] | None = (
                {"de": [], "en": []} if options.three_languages else None
            )
            corpus = synthetic_pairs(options.pairs, terms, rng, others)
            suffix = f".{options.end_to_end}"
            docs = write_releases(Path(folder), corpus, tsv, options.releases, suffix, others)
        try:
            sides = {"this": ROOT, "base": base.resolve()}
            results: dict[str, list[list[float]]] = {name: [] for name in sides}
            print(f"this: {ROOT}; base: {options.base}; {options.pairs:,} pairs, ", end="")
            if docs is not None:
                print(f"mt check on {options.releases} {suffix} releases a side, ", end="")
            else:
                print(f"{options.passes} passes a process, ", end="")
            print(f"{options.rounds} rounds, one core")
            for index in range(options.rounds):
                order = list(sides) if index % 2 == 0 else list(reversed(sides))
                for name in order:
                    if docs is not None:
                        count = options.pairs * (3 if options.three_languages else 1)
                        rates = end_to_end_rate(docs, sides[name], count)
                    else:
                        rates = run_child(sides[name], options.pairs, options.passes)
                    results[name].append(rates)
                shown = ", ".join(f"{name} {max(results[name][-1]):,.0f}" for name in sides)
                print(f"  round {index + 1}: best pass {shown}", flush=True)
        finally:
            if worktree is not None:
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(worktree)],
                    check=False,
                    capture_output=True,
                )
    timed = f"mt check on .{options.end_to_end} releases" if options.end_to_end else "all checks"
    if options.end_to_end and options.three_languages:
        timed += " in French, German and English"
    print(f"{'version':<10} {'median':>9} {'warm':>9}   range (pairs/CPU s, {timed})")
    lines = {name: summary(name, rounds) for name, rounds in results.items()}
    for line, _ in lines.values():
        print(line)
    print(f"this / base: {lines['this'][1] / lines['base'][1]:.3f} (medians of every pass)")


if __name__ == "__main__":
    main()
