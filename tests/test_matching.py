"""Source-side matching and target-side verification, as tables."""

# ruff: noqa: E501  (table rows read best one case per line)

from __future__ import annotations

import pytest

from mt.glossary import Glossary, load_glossary, parse_tsv
from mt.matching import at_sentence_start, contains_term, find_forbidden, verify
from mt.terms import CasePolicy, RequiredTerm, SegmentTerms

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


@pytest.mark.parametrize(
    ("text", "term", "lang", "case", "expected"),
    [
        ("La Coalition contre Daech.", "Daech", "fr", CasePolicy.EXACT, True),
        ("La coalition contre daech.", "Daech", "fr", CasePolicy.EXACT, False),
        ("Les Daechistes", "Daech", "fr", CasePolicy.EXACT, False),  # right word boundary
        ("Vice-Premier ministre Wilmès", "vice-Premier ministre", "fr", CasePolicy.EXACT, True),
        ("la Vice-Premier ministre", "vice-Premier ministre", "fr", CasePolicy.EXACT, False),
        ("la vice-Premier\u00a0ministre", "vice-Premier ministre", "fr", CasePolicy.EXACT, True),
        ("F-16 et f-16", "F-16", "fr", CasePolicy.STRICT, True),
        ("Des f-16.", "F-16", "fr", CasePolicy.STRICT, False),
        ("F-16.", "f-16", "fr", CasePolicy.STRICT, False),  # strict: not even at sentence start
        ("spf affaires étrangères", "SPF Affaires étrangères", "fr", CasePolicy.IGNORE, True),
        ("l’Irak", "Irak", "fr", CasePolicy.EXACT, True),
        ("ministre de l’Intérieur", "ministre de l'Intérieur", "fr", CasePolicy.EXACT, True),
        ("", "Irak", "fr", CasePolicy.EXACT, False),
    ],
)
def test_contains_term_exact(
    text: str, term: str, lang: str, case: CasePolicy, expected: bool
) -> None:
    assert contains_term(text, term, lang, case) is expected


@pytest.mark.parametrize(
    ("text", "term", "lang", "expected"),
    [
        # French: plurals, adjective agreement, elision of "de"
        ("les Coalitions internationales contre Daech", "Coalition internationale contre Daech", "fr", True),
        ("les ministres des Affaires étrangères", "ministre des Affaires étrangères", "fr", True),
        ("le nord-est d'Irak", "nord-est de Irak", "fr", True),
        ("la Syrie", "Irak", "fr", False),
        # German: case endings, plurals, feminine -in, lemma fallback for adjectives
        ("der Internationalen Koalition gegen Daesh", "Internationale Koalition gegen Daesh", "de", True),
        ("die Vizepremierministerin", "Vizepremierminister", "de", True),
        ("des Vizepremierministers", "Vizepremierminister", "de", True),
        ("die Koalitionen", "Koalition", "de", True),
        ("humanitärer Hilfe", "humanitäre Hilfe", "de", True),
        ("die Regierung", "Koalition", "de", False),
        # English: plurals and genitive
        ("two Deputy Prime Ministers", "Deputy Prime Minister", "en", True),
        ("the Coalition's members", "Coalition", "en", True),
        ("the coalitions", "Coalition", "en", False),  # case still applies mid-sentence
    ],
)  # fmt: skip
def test_contains_term_inflected(text: str, term: str, lang: str, expected: bool) -> None:
    assert contains_term(text, term, lang, CasePolicy.EXACT, inflections=True) is expected
    if expected and term not in text:
        # the exact mode (the enforcement guarantee) does not accept inflected forms
        assert contains_term(text, term, lang, CasePolicy.EXACT) is False


@pytest.mark.parametrize(
    ("text", "term", "lang", "inflections", "expected"),
    [
        ("l'État islamique", "État islamique", "fr", False, True),
        ("l'état Islamique", "État islamique", "fr", False, True),  # any case
        ("ISIS and Isis", "ISIS", "en", False, True),
        ("Isis, the goddess", "ISIS", "en", False, False),  # acronyms keep their case
        ("Das ist es", "IS", "de", False, False),
        ("die Anti-IS-Koalition", "IS", "de", False, True),
        ("des Islamischen Staates", "Islamischer Staat", "de", False, False),
        ("des Islamischen Staates", "Islamischer Staat", "de", True, True),
        ("Daech", "État islamique", "fr", True, False),
    ],
)
def test_find_forbidden(text: str, term: str, lang: str, inflections: bool, expected: bool) -> None:
    assert find_forbidden(text, term, lang, inflections=inflections) is expected


def _terms(*required: RequiredTerm, forbidden: tuple[str, ...] = ()) -> SegmentTerms:
    return SegmentTerms(required=required, forbidden=forbidden)


DAECH = RequiredTerm("daesh", "Daesh", ("Daech", "Daesh"))
WILMES = RequiredTerm("wilmes", "Wilmès", ("Wilmès",), copy=True)
COALITION = RequiredTerm("coalition", "Coalitie", ("Koalition",))
F16 = RequiredTerm("f-16", "F-16", ("F-16",), CasePolicy.STRICT, copy=True)


@pytest.mark.parametrize(
    ("translation", "terms", "lang", "inflections", "missing", "forbidden"),
    [
        ("Daech et Wilmès.", _terms(DAECH, WILMES), "fr", False, [], []),
        ("Daesh et Wilmès.", _terms(DAECH, WILMES), "fr", False, [], []),  # a variant suffices
        ("L'EI et Wilmes.", _terms(DAECH, WILMES, forbidden=("EI",)), "fr", False, ["daesh", "wilmes"], ["EI"]),
        ("Die Koalitionen", _terms(COALITION), "de", False, ["coalition"], []),
        ("Die Koalitionen", _terms(COALITION), "de", True, [], []),
        # do-not-translate terms are never inflected; in inflection mode (mt check) they may take
        # the target language's plural or possessive, nothing else
        ("Wilmèsen", _terms(WILMES), "fr", True, ["wilmes"], []),
        ("Belgian F-16s and the F-16's radar", _terms(F16), "en", True, [], []),
        ("the F-16s' pilots", _terms(F16), "en", True, [], []),
        ("Belgian F-16s", _terms(F16), "en", False, ["f-16"], []),
        ("Belgian F-16A jets", _terms(F16), "en", True, ["f-16"], []),
        ("Belgian F-16es", _terms(F16), "en", True, ["f-16"], []),
        ("Belgian f-16s", _terms(F16), "en", True, ["f-16"], []),
        ("des F-16s belges", _terms(F16), "fr", True, [], []),
        ("des F-16's belges", _terms(F16), "fr", True, [], []),  # the apostrophe ends the term
        ("des F-16en", _terms(F16), "de", True, ["f-16"], []),
        ("Rien.", SegmentTerms(), "fr", False, [], []),
    ],
)  # fmt: skip
def test_verify(
    translation: str,
    terms: SegmentTerms,
    lang: str,
    inflections: bool,
    missing: list[str],
    forbidden: list[str],
) -> None:
    result = verify(translation, terms, lang, inflections=inflections)
    assert [term.entry_id for term in result.missing] == missing
    assert list(result.forbidden_found) == forbidden
    assert result.ok is (not missing and not forbidden)


def test_matcher_is_compiled_once(glossary: Glossary) -> None:
    glossary.matches("Daesh")
    matcher = glossary._matcher
    glossary.matches("Irak")
    assert glossary._matcher is matcher


@pytest.mark.parametrize(
    ("text", "term", "lang", "case", "expected"),
    [
        # the cheap paths (a plain substring search, then "is every word there?") must agree with
        # the patterns they stand in for
        ("l'Irak", "Irak", "fr", CasePolicy.EXACT, True),
        ("Irakese", "Irak", "fr", CasePolicy.EXACT, False),
        ("_Irak", "Irak", "fr", CasePolicy.EXACT, False),  # "_" is a word character
        ("spf affaires étrangères", "SPF Affaires étrangères", "fr", CasePolicy.IGNORE, True),
        ("SPF AFFAIRES ÉTRANGÈRES", "SPF Affaires étrangères", "fr", CasePolicy.IGNORE, True),
        ("SPF Affaires\u00a0étrangères", "SPF Affaires étrangères", "fr", CasePolicy.EXACT, True),
        ("İrak", "irak", "fr", CasePolicy.IGNORE, True),  # as the regex engine folds case
    ],
)
def test_contains_term_shortcuts_agree_with_patterns(
    text: str, term: str, lang: str, case: CasePolicy, expected: bool
) -> None:
    from mt.matching import _term_pattern

    for inflections in (False, True):
        assert contains_term(text, term, lang, case, inflections=inflections) is expected
    ignore = case is CasePolicy.IGNORE
    assert (
        bool(_term_pattern(" ".join(term.split()), lang, "exact", ignore).search(text)) is expected
    )


@pytest.mark.parametrize(
    ("text", "term", "lang", "expected", "lemmatised"),
    [
        # absent words: no lemma could match, so simplemma's dictionary is never consulted
        ("Daech est vaincu militairement.", "État islamique", "fr", False, False),
        ("Die Koalition tagte in Rom.", "Islamischer Staat", "de", False, False),
        # words that share their first letters with the term's: the lemmas decide
        ("des Islamischen Staates", "Islamischer Staat", "de", True, True),
        ("die Länder der Koalition", "Land", "de", True, True),  # umlauts aside
        ("der Islamische Rat des Staates", "Islamischer Staat", "de", False, True),  # not in a row
    ],
)
def test_lemmas_only_where_they_could_match(
    text: str,
    term: str,
    lang: str,
    expected: bool,
    lemmatised: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mt import matching

    asked: list[str] = []
    lemmas = matching._lemmas.__wrapped__

    def counting(word: str, lang: str) -> frozenset[str]:
        asked.append(word)
        return lemmas(word, lang)

    monkeypatch.setattr(matching, "_lemmas", counting)
    assert find_forbidden(text, term, lang, inflections=True) is expected
    assert bool(asked) is lemmatised


def test_requirements_equal_those_of_the_matches(glossary: Glossary) -> None:
    from mt.matching import required_terms

    text = (
        "Vicepremier Wilmès: Daesh, IS en de Internationale Coalitie tegen Daesh in Irak; F-16's."
    )
    for lang in ("fr", "de", "en"):
        required, forbidden = required_terms(glossary.matches(text), lang)
        assert glossary.requirements(text, lang) == SegmentTerms(required, forbidden)
        assert glossary.requirements(text, lang) == SegmentTerms(required, forbidden)  # cached


def test_a_source_asked_in_each_language_is_matched_once(glossary: Glossary) -> None:
    from mt.matching import SourceMatcher

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


def test_lemmas_where_keyed_agree_with_comparing_word_by_word() -> None:
    """Inflected terms are sought from where their first key stands in the plain text; cutting the
    whole text into keyed words (the path for a text whose plain form moved its offsets) must
    give the same verdicts, found and not found, in any case policy."""
    import random

    from mt.matching import (
        _keyed_words,
        _lemmas_contain,
        _lemmas_where_keyed,
        _lemmas_word_by_word,
        _Target,
    )

    words = [
        "coalition", "coalitions", "Coalition", "internationale", "Internationale", "Daech",
        "daesh", "État", "état", "islamique", "islamiques", "Länder", "Land", "landes", "ab",
        "Islamischen", "Islamischer", "l", "de", "des", "2", "F-16", "16", "_x", "co", "coal",
    ]  # fmt: skip
    separators = [" ", " ", ", ", ". ", "'", "-", "(", ") ", "’", "\n", "", "2"]
    rng = random.Random(5)
    verdicts = set()
    for _ in range(1500):
        text = "".join(rng.choice(words) + rng.choice(separators) for _ in range(rng.randint(1, 9)))
        term = " ".join(rng.choice(words) for _ in range(rng.randint(1, 3)))
        wanted_words, wanted_keys = _keyed_words(term)
        for lang, case in (("fr", CasePolicy.IGNORE), ("de", CasePolicy.EXACT)):
            check_case = case is not CasePolicy.IGNORE
            expected = all(key in _Target(text).plain for key in wanted_keys) and (
                _lemmas_word_by_word(_Target(text), wanted_words, wanted_keys, lang, check_case)
            )
            keyed = _lemmas_where_keyed(_Target(text), wanted_words, wanted_keys, lang, check_case)
            assert keyed in (None, expected), (text, term, case)
            assert _lemmas_contain(_Target(text), term, lang, case) is expected, (text, term, case)
            verdicts.add(expected)
    assert verdicts == {True, False}
