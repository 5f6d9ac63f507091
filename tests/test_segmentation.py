"""Sentence splitting on a table of Dutch press-release prose; cutting over-long sentences."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import SEGMENTATION_ACCURACY

from mt.documents.segmentation import split_long, split_sentences

TABLE = Path(__file__).parent / "data" / "segmentation_nl.txt"


def load_cases(path: Path = TABLE) -> list[list[str]]:
    """Each case is its expected sentences; the paragraph is their join by single spaces."""
    cases: list[list[str]] = []
    block: list[str] = []
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#"):
            continue
        if line.strip():
            block.append(line)
        elif block:
            cases.append(block)
            block = []
    return cases


CASES = load_cases()


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 60
    assert sum(len(case) for case in CASES) >= 100


@pytest.mark.parametrize("expected", CASES, ids=lambda case: case[0][:40])
def test_split_sentences_matches_table(expected: list[str]) -> None:
    paragraph = " ".join(expected)
    assert split_sentences(paragraph) == expected


def test_boundary_accuracy_over_the_table(pytestconfig: pytest.Config) -> None:
    """Every gap after . ! ? is a decision: split or not. Count the right ones, and show them."""
    decisions = right = 0
    for expected in CASES:
        paragraph = " ".join(expected)
        gold = _starts(expected)
        found = _starts(split_sentences(paragraph))
        for gap in _DECISION.finditer(paragraph):
            decisions += 1
            right += (gap.end() in gold) == (gap.end() in found)
    accuracy = right / decisions
    pytestconfig.stash[SEGMENTATION_ACCURACY] = (
        f"segmentation: {right}/{decisions} boundary decisions right "
        f"({accuracy:.1%}) over {len(CASES)} Dutch paragraphs"
    )
    assert accuracy == 1.0


_DECISION = re.compile(r"[.!?…][\"'”’»)\]]*\s+(?=\S)")


def _starts(sentences: list[str]) -> set[int]:
    """Offsets where the second, third, ... sentence starts in their single-space join."""
    starts, offset = set(), 0
    for index, sentence in enumerate(sentences):
        if index:
            starts.add(offset)
        offset += len(sentence) + 1
    return starts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("   ", []),
        ("Eén zin zonder punt", ["Eén zin zonder punt"]),
        ("Zin één.  Zin twee.", ["Zin één.", "Zin twee."]),  # a wider gap is still a boundary
        ("Zin één.\nZin twee.", ["Zin één.", "Zin twee."]),
        ("Zin één. ", ["Zin één. "]),  # trailing whitespace stays with the last sentence
    ],
)
def test_split_sentences_edge_cases(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def words(text: str) -> int:
    return len(text.split())


LONG = (
    "De Coalitie, die in 2014 werd opgericht, telt 87 leden; zij steunt stabilisatie in Irak "
    "en in Noordoost-Syrië, maar de kampen blijven een uitdaging voor de regio en de wereld"
)


@pytest.mark.parametrize("budget", [1, 3, 5, 8, 12, 20, 40])
def test_split_long_fits_budget_and_loses_nothing(budget: int) -> None:
    pieces = split_long(LONG, budget, words)
    assert all(words(piece) <= budget for piece in pieces)
    assert " ".join(pieces) == LONG


@pytest.mark.parametrize(
    ("budget", "expected"),
    [
        (100, [LONG]),
        (
            20,
            [
                "De Coalitie, die in 2014 werd opgericht, telt 87 leden;",
                "zij steunt stabilisatie in Irak en in Noordoost-Syrië, maar de kampen blijven "
                "een uitdaging voor de regio en de wereld",
            ],
        ),
        (
            12,
            [
                "De Coalitie, die in 2014 werd opgericht, telt 87 leden;",
                "zij steunt stabilisatie in Irak en in Noordoost-Syrië,",
                "maar de kampen blijven een uitdaging voor de regio en de wereld",
            ],
        ),
    ],
)
def test_split_long_prefers_clause_boundaries(budget: int, expected: list[str]) -> None:
    assert split_long(LONG, budget, words) == expected


def test_split_long_cuts_at_conjunction_before_hard_chunking() -> None:
    sentence = "België steunt ontmijning in Irak en de Coalitie herstelt scholen in Syrië"
    assert split_long(sentence, 7, words) == [
        "België steunt ontmijning in Irak",
        "en de Coalitie herstelt scholen in Syrië",
    ]


def test_split_long_chunks_a_word_longer_than_the_budget() -> None:
    url = "https://diplomatie.belgium.be/nl/nieuws/persbericht-27"
    pieces = split_long(url, 10, len)
    assert "".join(pieces) == url
    assert all(len(piece) <= 10 for piece in pieces)


def test_split_long_rejects_a_budget_below_one() -> None:
    with pytest.raises(ValueError, match="max_tokens"):
        split_long("Zin.", 0, words)
