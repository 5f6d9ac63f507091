"""Checking translations against what the glossary's terms ask: exact and inflected forms,
forbidden terms, do-not-translate copies, and the shortcuts that must agree with the patterns."""

# ruff: noqa: E501  (table rows read best one case per line)

from __future__ import annotations

import pytest

from mt.terminology.terms import CasePolicy, RequiredTerm, SegmentTerms
from mt.terminology.verification import contains_term, find_forbidden, verify


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
        # what does not show is read past: a soft hyphen, a zero-width space
        ("Die Koa\u00adli\u00adtion tagt.", "Koalition", "de", CasePolicy.EXACT, True),
        (
            "la Coalition\u200b internationale",
            "Coalition internationale",
            "fr",
            CasePolicy.EXACT,
            True,
        ),
        ("Die Koa\u00adliti\u00adonen", "Koalition", "de", CasePolicy.EXACT, False),  # inflected
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
        ("l'État isla\u00admique", "État islamique", "fr", False, True),
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
    from mt.terminology.verification import _term_pattern

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
    from mt.terminology import verification

    asked: list[str] = []
    lemmas = verification._lemmas.__wrapped__

    def counting(word: str, lang: str) -> frozenset[str]:
        asked.append(word)
        return lemmas(word, lang)

    monkeypatch.setattr(verification, "_lemmas", counting)
    assert find_forbidden(text, term, lang, inflections=True) is expected
    assert bool(asked) is lemmatised


def test_lemmas_where_keyed_agree_with_comparing_word_by_word() -> None:
    """Inflected terms are sought from where their first key stands in the plain text; cutting the
    whole text into keyed words (the path for a text whose plain form moved its offsets) must
    give the same verdicts, found and not found, in any case policy."""
    import random

    from mt.terminology.verification import (
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


@pytest.mark.parametrize(
    ("word", "other", "lang"),
    [
        ("Koalition", "koalition", "de"),
        ("Islamischen", "ISLAMISCHEN", "de"),
        ("États", "états", "fr"),
        ("coalition", "Coalition", "fr"),
        ("Nations", "nations", "en"),
        ("Zorglub", "zorglub", "en"),  # a word no dictionary knows
    ],
)
def test_a_word_and_its_other_case_share_a_lemma(word: str, other: str, lang: str) -> None:
    """Why a word that differs from a term's word only in letter case stands for it without a
    lemma looked up: both have the lemmas of the lower-case form."""
    from mt.terminology.verification import _lemmas

    lemmas = _lemmas.__wrapped__
    assert not lemmas(word, lang).isdisjoint(lemmas(other, lang))
    assert not lemmas(word, lang).isdisjoint(lemmas(word, lang))
