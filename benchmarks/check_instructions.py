"""Machine instructions per segment pair of ``mt check``'s checks, counted by valgrind: a figure
that does not move with the load of a shared machine, for comparing two versions of the code.

    .venv/bin/python benchmarks/check_instructions.py [--pairs 2000] [--checks all]

Needs valgrind (``apt-get install valgrind``). The corpus and glossary are those of
``check_throughput.py`` (5,000 entries). The script runs itself twice under valgrind's callgrind
tool: once checking ``--pairs`` pairs after the set-up, once with the set-up alone; the difference
divided by ``--pairs`` is printed. It takes a few minutes. Two states of the caches are counted:

- ``cold``: 1,000 other pairs checked first. Term requirements, lemmas and figure readings met for
  the first time are built in the count, as early in a run.
- ``warm``: the same pairs checked once before. Everything is cached: a long run tends to this.

Instruction counts are not times (cache misses and branches differ), but a change that removes
instructions on both rows makes the checks faster. The two runs go in parallel, one a core.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from check_throughput import synthetic_setup  # noqa: E402

from mt.qa.check import CHECKS, CheckConfig, check_segments  # noqa: E402


def workload(pairs: int, state: str, checks: frozenset[str], measure: bool) -> None:
    """Set up, warm the caches as ``state`` says, then check ``pairs`` pairs if ``measure``."""
    glossary, corpus = synthetic_setup(1000 + pairs)
    config = CheckConfig(enabled=checks)
    check_segments(corpus[:1000], "fr", glossary, config)  # one-time loads: lemma dictionaries
    measured = corpus[1000:]
    if state == "warm":
        check_segments(measured, "fr", glossary, config)
    if measure:
        check_segments(measured, "fr", glossary, config)


def count(pairs: int, state: str, checks: str, measure: int) -> int:
    """Instructions valgrind counts for one run of :func:`workload`."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    command += [sys.executable, __file__, "--run", str(pairs), state, checks, str(measure)]
    environment = {**os.environ, "PYTHONHASHSEED": "0"}  # the same string hashes in every run
    result = subprocess.run(command, capture_output=True, text=True, env=environment, check=True)
    collected = re.search(r"Collected : (\d+)", result.stderr)
    if collected is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{result.stderr[-2000:]}")
    return int(collected.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=2000)
    parser.add_argument("--checks", default="all", help="all, or a comma-separated list")
    parser.add_argument("--run", nargs=4, help=argparse.SUPPRESS)  # the workload, under valgrind
    options = parser.parse_args()
    if options.run:
        pairs, state, checks, measure = options.run
        enabled = frozenset(CHECKS if checks == "all" else checks.split(","))
        workload(int(pairs), state, enabled, measure == "1")
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is needed: apt-get install valgrind")
    print(f"checks: {options.checks}; {options.pairs:,} nl-fr pairs, 5,000-entry glossary")
    for state in ("cold", "warm"):
        with ThreadPoolExecutor(max_workers=2) as pool:
            runs = [pool.submit(count, options.pairs, state, options.checks, m) for m in (1, 0)]
            measured, baseline = (run.result() for run in runs)
        print(f"{state}: {(measured - baseline) / options.pairs:,.0f} instructions per pair")


if __name__ == "__main__":
    main()
