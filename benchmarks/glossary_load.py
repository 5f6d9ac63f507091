"""How long a large TBX termbase takes to load, the way ``--glossary`` and ``mt glossary import``
read it: entries per second, and the time for 25%, 50% and 100% of ``--entries``, so that a
quadratic step shows as a growing time per entry.

    .venv/bin/python benchmarks/glossary_load.py [--entries 100000] [--runs 3]

Each row loads a generated TBX-Basic file (every entry with a Dutch, French, German and English
term, on five lines) with :func:`mt.terminology.glossary.load_glossary` in this process; the median
of ``--runs``. Then ``mt check`` on the example release with that glossary, start to verdict, in
a fresh process (once). Issue 19: 100,000 entries took 9 minutes (each entry's line was counted
from the start of the file); the target is under 10 s.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _word(rng: random.Random) -> str:
    # Varied made-up words, as a termbase holds: terms numbered after one shared prefix
    # ("term1", "term2", ...) make the Aho-Corasick automaton's build itself superlinear.
    return "".join(rng.choice("abcdefghijklmnoprstuvwz") for _ in range(rng.randint(5, 12)))


def write_tbx(path: Path, entries: int) -> None:
    rng = random.Random(19)
    head = '<?xml version="1.0" encoding="UTF-8"?>\n<martif type="TBX-Basic" xml:lang="nl">\n'
    with path.open("w", encoding="utf-8") as out:
        out.write(head + "<text><body>\n")
        for n in range(entries):
            nl, fr, de, en = (_word(rng) for _ in range(4))
            out.write(
                f'<termEntry id="t{n}">\n'
                f'  <langSet xml:lang="nl"><tig><term>{nl} {_word(rng)}</term></tig></langSet>\n'
                f'  <langSet xml:lang="fr"><tig><term>{fr}</term></tig></langSet>\n'
                f'  <langSet xml:lang="de"><tig><term>{de.title()}</term></tig></langSet>\n'
                f'  <langSet xml:lang="en"><tig><term>{en}</term></tig></langSet>\n'
                "</termEntry>\n"
            )
        out.write("</body></text>\n</martif>\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from mt.terminology.glossary import load_glossary

    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as folder:
        for share in (4, 2, 1):
            size = args.entries // share
            path = Path(folder) / f"terms{size}.tbx"
            write_tbx(path, size)
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                glossary = load_glossary([path])
                times.append(time.perf_counter() - started)
                assert len(glossary) == size
            median = statistics.median(times)
            print(
                f"{size:>7} entries ({path.stat().st_size / 1e6:.1f} MB): load {median:.2f} s "
                f"(median of {args.runs}), {size / median:,.0f} entries/s"
            )
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "mt", "check", "--glossary", str(path)]
            + [
                str(ROOT / "examples" / "release.nl.txt"),
                str(ROOT / "examples" / "release.fr.txt"),
            ],
            capture_output=True,
            text=True,
        )
        print(
            f"mt check --glossary ({args.entries} entries) on the example release: "
            f"{time.perf_counter() - started:.2f} s, exit {done.returncode}"
        )


if __name__ == "__main__":
    main()
