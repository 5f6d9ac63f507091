"""Boundary precision, recall and accuracy of mt.documents.segmentation vs pysbd on the Dutch test
table.

Run by hand: ``.venv/bin/python benchmarks/segmentation.py``. The table is the one the tests use
(tests/data/segmentation_nl.txt). A boundary is the character offset where a sentence starts; a
*candidate* is every gap after ``.``, ``!``, ``?`` or ``…`` (behind any closing quote or bracket),
the places where either splitter has a decision to make. Accuracy counts right decisions there.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_segmentation import CASES, TABLE  # noqa: E402

from mt.documents.segmentation import split_sentences  # noqa: E402

_CANDIDATE_GAP = re.compile(r"[.!?…][\"'”’»)\]]*\s+(?=\S)")


def boundaries(text: str, sentences: list[str]) -> set[int]:
    """Offsets where the second, third, ... sentence starts, found by walking the text."""
    starts: set[int] = set()
    cursor = 0
    for index, sentence in enumerate(s.strip() for s in sentences if s.strip()):
        found = text.find(sentence, cursor)
        if found < 0:
            raise ValueError(f"splitter changed the text: {sentence!r}")
        if index:
            starts.add(found)
        cursor = found + len(sentence)
    return starts


def evaluate(split: Callable[[str], list[str]]) -> dict[str, float]:
    tp = fp = fn = right = candidates = exact = 0
    for expected in CASES:
        text = " ".join(expected)
        gold = boundaries(text, expected)
        found = boundaries(text, split(text))
        tp += len(gold & found)
        fp += len(found - gold)
        fn += len(gold - found)
        exact += gold == found
        for gap in _CANDIDATE_GAP.finditer(text):
            candidates += 1
            right += (gap.end() in gold) == (gap.end() in found)
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "accuracy": right / candidates,
        "exact": exact / len(CASES),
        "errors": fp + fn,
        "candidates": candidates,
    }


def median_seconds(split: Callable[[str], list[str]], repeats: int = 7) -> float:
    paragraphs = [" ".join(case) for case in CASES]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for paragraph in paragraphs:
            split(paragraph)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    import pysbd

    segmenter = pysbd.Segmenter(language="nl", clean=False)
    splitters = {
        "mt.documents.segmentation": split_sentences,
        f"pysbd {pysbd.__version__} (nl)": segmenter.segment,
    }
    sentences = sum(len(case) for case in CASES)
    gold = sum(len(case) - 1 for case in CASES)
    print(
        f"table: {TABLE.relative_to(ROOT)}: {len(CASES)} paragraphs, {sentences} sentences, "
        f"{gold} gold boundaries"
    )
    header = f"{'splitter':<22} {'precision':>9} {'recall':>7} {'accuracy':>8} {'exact':>6} "
    print(header + f"{'errors':>6} {'ms/table':>8}")
    for name, split in splitters.items():
        score = evaluate(split)
        ms = median_seconds(split) * 1000
        print(
            f"{name:<22} {score['precision']:>9.3f} {score['recall']:>7.3f} "
            f"{score['accuracy']:>8.3f} {score['exact']:>6.3f} {score['errors']:>6} {ms:>8.1f}"
        )
    print("accuracy: right decisions at candidate gaps; exact: paragraphs split exactly right;")
    print("ms/table: median of 7 passes over the whole table")


if __name__ == "__main__":
    main()
