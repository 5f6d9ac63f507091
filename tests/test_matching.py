"""Finding glossary terms in Dutch sources, and what they ask of a translation, as tables."""

# ruff: noqa: E501  (table rows read best one case per line)

from __future__ import annotations

import pytest

from mt.terminology.glossary import Glossary, load_glossary, parse_tsv
from mt.terminology.matching import at_sentence_start
from mt.terminology.terms import CasePolicy, SegmentTerms

ROWS = [
    ("id", "nl", "fr", "de", "en", "fr!", "de!", "en!", "case", "dnt"),
    ("daesh", "Daesh|IS", "Daech|Daesh", "Daesh", "Daesh", "État islamique|EI", "IS", "ISIS", "", ""),
    (
        "coalition-against-daesh",
        "Internationale Coalitie tegen Daesh",
        "Coalition internationale contre Daech",
        "Internationale Koalition gegen Daesh",
        "Global Coalition against Daesh",
        "",
        "",
        "",
        "exact",
        "",
    ),
    ("coalition", "Coalitie", "Coalition", "Koalition", "Coalition", "", "", "", "exact", ""),
    ("iraq", "Irak", "Irak", "Irak", "Iraq", "", "", "", "", ""),
    ("north-east-syria", "Noordoost-Syrië", "nord-est de la Syrie", "Nordostsyrien", "north-east Syria",
     "", "", "", "", ""),
    ("vicepremier", "vicepremier", "vice-Premier ministre", "Vizepremierminister",
     "Deputy Prime Minister", "", "", "", "exact", ""),
    ("fod", "FOD Buitenlandse Zaken", "SPF Affaires étrangères", "FÖD Auswärtige Angelegenheiten",
     "FPS Foreign Affairs", "", "", "", "ignore", ""),
    ("f-16", "F-16", "", "", "", "", "", "", "strict", "yes"),
    ("wilmes", "Sophie Wilmès|Wilmès", "", "", "", "", "", "", "", "yes"),
]  # fmt: skip


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    entries, problems = parse_tsv("\n".join("\t".join(row) for row in ROWS), "test.tsv")
    assert problems == []
    return Glossary(tuple(entries))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Daesh blijft actief.", [("daesh", "Daesh")]),
        # longest match first: "Daesh" inside the coalition's name is not matched again
        (
            "De Internationale Coalitie tegen Daesh vergadert.",
            [("coalition-against-daesh", "Internationale Coalitie tegen Daesh")],
        ),
        # whitespace variation: a no-break space and a newline inside the term
        (
            "De Internationale\u00a0Coalitie\ntegen  Daesh",
            [("coalition-against-daesh", "Internationale\u00a0Coalitie\ntegen  Daesh")],
        ),
        ("Strijders van Daesh' netwerk", [("daesh", "Daesh")]),
        ("De F-16's van België", [("f-16", "F-16")]),
        ("De Coalitie's leden", [("coalition", "Coalitie")]),
        # derived Dutch plural, case kept
        ("Twee Coalities en twee vicepremiers", [("coalition", "Coalities"), ("vicepremier", "vicepremiers")]),
        # word boundaries: no "Irak" inside "Irakese"
        ("Het Irakese leger", []),
        ("In Irak en Noordoost-Syrië.", [("iraq", "Irak"), ("north-east-syria", "Noordoost-Syrië")]),
        # a compound: "IS" inside "IS-strijders" (its own token) still counts
        ("IS-strijders keren terug", [("daesh", "IS")]),
        # case policy exact: generic lower-case "coalitie" is not the named Coalitie; "is" is not IS
        ("De regering en haar coalitie is stabiel.", []),
        ("Is dat zo?", []),
        # exact allows a capital first letter at a sentence start only
        ("Vicepremier Wilmès sprak.", [("vicepremier", "Vicepremier"), ("wilmes", "Wilmès")]),
        ("De Vicepremier sprak.", []),
        ("Hij sprak. Vicepremier Sophie Wilmès ook.", [("vicepremier", "Vicepremier"), ("wilmes", "Sophie Wilmès")]),
        # strict: "f-16" is not "F-16"; ignore: any case
        ("een f-16", []),
        ("de fod buitenlandse zaken", [("fod", "fod buitenlandse zaken")]),
        # typographic apostrophe and no-break hyphen
        ("Daesh’ leiders in Noordoost\u2011Syrië", [("daesh", "Daesh"), ("north-east-syria", "Noordoost\u2011Syrië")]),
        # invisible characters (a soft hyphen, a zero-width space) are read past, and kept in the match
        ("De Coali\u00adtie en de Internationale Coa\u200blitie tegen Daesh", [("coalition", "Coali\u00adtie"), ("coalition-against-daesh", "Internationale Coa\u200blitie tegen Daesh")]),
        ("De F-1\u00ad6's van België", [("f-16", "F-1\u00ad6")]),
        ("", []),
    ],
)  # fmt: skip
def test_matches(glossary: Glossary, text: str, expected: list[tuple[str, str]]) -> None:
    found = glossary.matches(text)
    assert [(match.entry.id, match.text) for match in found] == expected
    for match in found:
        assert text[match.start : match.end] == match.text


def test_requirements_carry_targets_dnt_and_forbidden(glossary: Glossary) -> None:
    terms = glossary.requirements("Daesh, Daesh en de F-16s van Wilmès in Irak.", "fr")
    assert [(r.entry_id, r.alternatives, r.copy) for r in terms.required] == [
        ("daesh", ("Daech", "Daesh"), False),  # once, though it occurs twice
        ("f-16", ("F-16",), True),  # the derived plural "s" is not part of what is copied
        ("wilmes", ("Wilmès",), True),
        ("iraq", ("Irak",), False),
    ]
    assert terms.required[1].case is CasePolicy.STRICT
    assert terms.forbidden == ("État islamique", "EI")


def test_requirements_forbidden_only_where_the_entry_matched(glossary: Glossary) -> None:
    assert glossary.requirements("In Irak.", "fr").forbidden == ()
    assert glossary.requirements("Niets hier.", "de") == SegmentTerms()


def test_requirements_skip_entries_without_the_language(tmp_path) -> None:
    path = tmp_path / "fr-only.tsv"
    path.write_text("nl\tfr\nIrak\tIrak\n", encoding="utf-8")
    glossary = load_glossary([path])
    assert [r.entry_id for r in glossary.requirements("Irak", "fr").required] == ["irak"]
    assert glossary.requirements("Irak", "de") == SegmentTerms()


@pytest.mark.parametrize(
    ("text", "position", "expected"),
    [("Daech", 0, True), ("« Daech", 2, True), ("Il dit. Daech", 8, True), ("la Daech", 3, False),
     ("Titre : Daech", 8, True), ("Lui, Daech", 5, False)],
)  # fmt: skip
def test_at_sentence_start(text: str, position: int, expected: bool) -> None:
    assert at_sentence_start(text, position) is expected


def test_matcher_is_compiled_once(glossary: Glossary) -> None:
    glossary.matches("Daesh")
    matcher = glossary._matcher
    glossary.matches("Irak")
    assert glossary._matcher is matcher


def test_requirements_equal_those_of_the_matches(glossary: Glossary) -> None:
    from mt.terminology.matching import required_terms

    text = (
        "Vicepremier Wilmès: Daesh, IS en de Internationale Coalitie tegen Daesh in Irak; F-16's."
    )
    for lang in ("fr", "de", "en"):
        required, forbidden = required_terms(glossary.matches(text), lang)
        assert glossary.requirements(text, lang) == SegmentTerms(required, forbidden)
        assert glossary.requirements(text, lang) == SegmentTerms(required, forbidden)  # cached


def test_a_source_asked_in_each_language_is_matched_once(glossary: Glossary) -> None:
    from mt.terminology.matching import SourceMatcher

    matcher = SourceMatcher(glossary.entries)
    matched: list[str] = []
    hits = matcher._hits
    matcher._hits = lambda text: matched.append(text) or hits(text)  # type: ignore[method-assign]
    text = "Vicepremier Wilmès bezocht de Internationale Coalitie tegen Daesh."
    langs = ("fr", "de", "en")
    asked = {lang: matcher.requirements(text, lang) for lang in langs}
    assert matched == [text] * 3  # nothing kept unless asked: most texts are met once
    matched.clear()
    remembered = {lang: matcher.requirements(text, lang, remember=True) for lang in langs}
    assert matched == [text]
    assert asked == remembered == {lang: glossary.requirements(text, lang) for lang in langs}


def test_automaton_agrees_with_tokenising_the_whole_text(glossary: Glossary) -> None:
    """The matcher seeks terms from where its automaton finds a first token; tokenising the whole
    text (its path for a text that casefolding lengthens) must find the same matches."""
    import random

    pieces = [
        "Daesh", "IS", "Internationale", "Coalitie", "coalitie", "tegen", "Irak", "Irakese",
        "Noordoost-Syrië", "vicepremier", "Vicepremier", "FOD", "Buitenlandse", "Zaken", "F-16",
        "F-16's", "Sophie", "Wilmès", "de", "en", "Coalities", ",", ".", "'", "’", "-", "(", ")",
        "_", "xIrak", "Irakx", "IS-strijders", "\u00a0", "\n", "  ",
    ]  # fmt: skip
    matcher = glossary._matcher
    rng = random.Random(11)
    for _ in range(2000):
        text = "".join(
            rng.choice(pieces) + rng.choice(("", " ", " ", " ")) for _ in range(rng.randint(1, 12))
        )
        assert matcher._hits(text) == matcher._hits_by_tokens(text), text
