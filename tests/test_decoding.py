"""Constrained beam search (mt.engines.decoding) on tiny random-weight Marian models.

Random weights are the adversary: the model has no reason to write any glossary term, so every
term found in the decoded text was put there by the search.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from mt.engines.decoding import DecodeResult, constrained_generate
from mt.engines.models import ModelSpec, load_model
from mt.terminology.terms import CasePolicy, RequiredTerm, SegmentTerms
from mt.terminology.verification import verify

SOURCES = [
    "De minister van Buitenlandse Zaken steunt de Internationale Coalitie tegen Daesh.",
    "België geeft 5 miljoen euro humanitaire hulp.",
    "Irak",
    "De vicepremier heeft de strijd tegen terrorisme in Noordoost-Syrië gesteund met F-16's.",
    "Stabilisatie van Irak en Syrië.",
]


@pytest.fixture(scope="module")
def tiny(tiny_model_dir: Path) -> Any:
    loaded = load_model(ModelSpec("fr", str(tiny_model_dir)))
    loaded.model.generation_config.max_length = None  # we always pass max_new_tokens
    return loaded


@pytest.fixture(scope="module")
def tiny_gmw(tiny_multilingual_dir: Path) -> Any:
    loaded = load_model(ModelSpec("de", str(tiny_multilingual_dir), target_token=">>deu<<"))
    loaded.model.generation_config.max_length = None
    return loaded


def generate_ids(
    model: Any, tokenizer: Any, sources: list[str], beams: int, new: int
) -> list[list[int]]:
    encoded = tokenizer(sources, return_tensors="pt", padding=True)
    output = model.generate(**encoded, num_beams=beams, max_new_tokens=new)
    pad = model.generation_config.pad_token_id
    return [[t for t in row[1:] if t != pad] for row in output.tolist()]


def term(entry: str, *alternatives: str, case: CasePolicy = CasePolicy.EXACT) -> RequiredTerm:
    return RequiredTerm(entry, entry, alternatives, case)


# -- without terms the loop is generate ------------------------------------------------------------


@pytest.mark.parametrize("beams", [1, 4])
@pytest.mark.parametrize(
    "eos_bias", [0.0, 0.15]
)  # 0.15 makes the tiny model end after a few tokens
def test_without_terms_equals_generate(tiny: Any, beams: int, eos_bias: float) -> None:
    import torch

    model, tokenizer = tiny.model, tiny.tokenizer
    original = model.final_logits_bias.clone()
    try:
        with torch.no_grad():
            model.final_logits_bias[0, model.generation_config.eos_token_id] += eos_bias
        expected = generate_ids(model, tokenizer, SOURCES, beams, 24)
        results = constrained_generate(
            model,
            tokenizer,
            SOURCES,
            [SegmentTerms()] * len(SOURCES),
            num_beams=beams,
            max_new_tokens=24,
        )
    finally:
        with torch.no_grad():
            model.final_logits_bias.copy_(original)
    assert [r.text for r in results] == tokenizer.batch_decode(expected, skip_special_tokens=True)
    assert [r.tokens for r in results] == [len(ids) for ids in expected]
    assert all(r.applied == () and r.unmet == () for r in results)
    if eos_bias:
        assert any(len(ids) < 24 for ids in expected)  # the finished pool and early stop were used


def test_sentences_without_terms_are_unchanged_in_a_mixed_batch(tiny: Any) -> None:
    model, tokenizer = tiny.model, tiny.tokenizer
    terms = [
        SegmentTerms((term("daesh", "Daech"),)),
        SegmentTerms(),
        SegmentTerms(),
        SegmentTerms(),
    ]
    sources = SOURCES[:4]
    expected = tokenizer.batch_decode(
        generate_ids(model, tokenizer, sources, 4, 20), skip_special_tokens=True
    )
    results = constrained_generate(model, tokenizer, sources, terms, num_beams=4, max_new_tokens=20)
    assert [r.text for r in results[1:]] == expected[1:]
    assert results[0].text != expected[0] and results[0].applied == ("daesh",)


# -- terms -----------------------------------------------------------------------------------------


def test_several_terms_alternatives_and_batching(tiny: Any) -> None:
    terms = [
        SegmentTerms(
            (
                term("minister", "ministre des Affaires étrangères"),
                term(
                    "coalition",
                    "Coalition internationale contre Daech",
                    "Coalition internationale contre Daesh",
                ),
            )
        ),
        SegmentTerms((term("aid", "aide humanitaire"), term("belgium", "Belgique"))),
        SegmentTerms((term("iraq", "Irak"),)),
        SegmentTerms((term("vp", "vice-Premier ministre"), term("nes", "nord-est de la Syrie"))),
        SegmentTerms((term("stab", "stabilisation"), term("iraq", "Irak"), term("syria", "Syrie"))),
    ]
    results = constrained_generate(tiny.model, tiny.tokenizer, SOURCES, terms, num_beams=4)
    for result, wanted in zip(results, terms, strict=True):
        assert verify(result.text, wanted, "fr").ok, result
        assert set(result.applied) == {t.entry_id for t in wanted.required} and result.unmet == ()


def test_multilingual_model_with_target_token(tiny_gmw: Any) -> None:
    sources = [">>deu<< " + s for s in SOURCES[:3]]
    terms = [
        SegmentTerms((term("coalition", "Internationale Koalition gegen Daesh"),)),
        SegmentTerms(
            (term("aid", "humanitäre Hilfe"), term("syria", "Syrien")), forbidden=("Regierung",)
        ),
        SegmentTerms((term("iraq", "Irak"),)),
    ]
    results = constrained_generate(tiny_gmw.model, tiny_gmw.tokenizer, sources, terms, num_beams=3)
    for result, wanted in zip(results, terms, strict=True):
        assert verify(result.text, wanted, "de").ok, result


def test_forbidden_term_the_model_would_write_is_blocked(tiny: Any) -> None:
    model, tokenizer = tiny.model, tiny.tokenizer
    free = constrained_generate(
        model, tokenizer, SOURCES[:2], [SegmentTerms()] * 2, num_beams=4, max_new_tokens=20
    )
    words = [w for w in free[0].text.split() if w.isalpha()]
    banned = max(words, key=len)  # a word the unconstrained search chose
    terms = SegmentTerms(forbidden=(banned,))
    result = constrained_generate(
        model, tokenizer, SOURCES[:1], [terms], num_beams=4, max_new_tokens=20
    )[0]
    assert banned.lower() not in result.text.lower()
    assert verify(result.text, terms, "fr").ok


@pytest.mark.parametrize(
    ("case", "expected_start"), [(CasePolicy.EXACT, True), (CasePolicy.STRICT, False)]
)
def test_capitalised_term_at_sentence_start(
    tiny: Any, case: CasePolicy, expected_start: bool
) -> None:
    import torch

    model, tokenizer = tiny.model, tiny.tokenizer
    # Every piece of "Coalition" (it may take several), not only the first: the model must want
    # the whole capitalised word, not just its first piece.
    capital = tokenizer(text_target="Coalition")["input_ids"][:-1]
    original = model.final_logits_bias.clone()
    wanted = SegmentTerms((term("coalition", "coalition internationale", case=case),))
    try:
        with torch.no_grad():  # make the model want to start with "Coalition"
            model.final_logits_bias[0, capital] += 5.0
        result = constrained_generate(
            model, tokenizer, SOURCES[:1], [wanted], num_beams=4, max_new_tokens=16
        )[0]
    finally:
        with torch.no_grad():
            model.final_logits_bias.copy_(original)
    assert verify(result.text, wanted, "fr").ok, result
    assert result.text.startswith("Coalition internationale") is expected_start, result


def test_term_longer_than_the_room_left_is_reported(tiny: Any) -> None:
    wanted = SegmentTerms(
        (
            term("iraq", "Irak"),
            term("coalition", "Coalition internationale contre Daech"),
            term("unwritable", "✈✈✈"),
        )
    )
    result = constrained_generate(
        tiny.model, tiny.tokenizer, SOURCES[:1], [wanted], num_beams=2, max_new_tokens=3
    )[0]
    assert isinstance(result, DecodeResult)
    assert result.applied == ("iraq",) and "Irak" in result.text
    reasons = dict(result.unmet)
    assert set(reasons) == {"coalition", "unwritable"}
    assert "fit in the length limit" in reasons["coalition"]
    assert "vocabulary" in reasons["unwritable"]
    assert result.tokens <= 3


def test_argument_errors(tiny: Any) -> None:
    assert constrained_generate(tiny.model, tiny.tokenizer, [], [], num_beams=2) == []
    with pytest.raises(ValueError, match="term sets"):
        constrained_generate(tiny.model, tiny.tokenizer, ["a"], [], num_beams=2)


# -- the acceptance test: 200 Dutch sentences, every required term, no forbidden one ---------------

# entry: "Dutch forms / French alternatives, approved first / forbidden French", case, copy
E, S = CasePolicy.EXACT, CasePolicy.STRICT
GLOSSARY: dict[str, tuple[str, CasePolicy, bool]] = {
    "daesh": (
        "Daesh|Daesh'|IS|Islamitische Staat / Daech|Daesh / État islamique|EI|ISIS",
        E,
        False,
    ),
    "coalition": (
        "Internationale Coalitie tegen Daesh"
        " / Coalition internationale contre Daech|Coalition internationale contre Daesh / ",
        E,
        False,
    ),
    "vicepremier": ("vicepremier|vice-eersteminister / vice-Premier ministre / ", E, False),
    "minister": ("minister van Buitenlandse Zaken / ministre des Affaires étrangères / ", E, False),
    "iraq": ("Irak / Irak / ", E, False),
    "syria": ("Syrië / Syrie / ", E, False),
    "north-east-syria": (
        "Noordoost-Syrië|noordoosten van Syrië / nord-est de la Syrie / ",
        E,
        False,
    ),
    "stabilisation": ("stabilisatie|stabilisering / stabilisation / ", E, False),
    "aid": ("humanitaire hulp / aide humanitaire / ", E, False),
    "belgium": ("België / Belgique / ", E, False),
    "f16": ("F-16|F-16's / F-16 / ", S, True),
}


def cells(entry: str) -> tuple[list[str], list[str], list[str]]:
    dutch, french, forbidden = (cell.strip() for cell in GLOSSARY[entry][0].split(" / "))
    return dutch.split("|"), french.split("|"), [f for f in forbidden.split("|") if f]


TEMPLATES = [
    "{0} blijft een prioriteit.",
    "De regering steunt {0} en {1}.",
    "{0}, {1} en {2} staan op de agenda.",
    "Volgens de minister is {0} belangrijk voor {1}.",
    "In de strijd tegen terrorisme gaat het om {0}.",
    "België geeft 5 miljoen euro voor {0} in {1}, zegt {2}.",
    "{0}: een nieuwe stap.",
    "Over {0} werd gesproken met {1}.",
]


def dutch_sentences(count: int, seed: int = 7) -> list[tuple[str, SegmentTerms]]:
    """Sentences with 1 to 3 glossary terms in varied Dutch forms and positions, and their terms."""
    rng = random.Random(seed)
    entries = sorted(GLOSSARY)
    cases = []
    for _ in range(count):
        template = rng.choice(TEMPLATES)
        chosen = rng.sample(entries, template.count("{"))
        forms = [rng.choice(cells(e)[0]) for e in chosen]
        sentence = template.format(*forms)
        required = []
        forbidden: list[str] = []
        for entry, form in zip(chosen, forms, strict=True):
            _, french, bans = cells(entry)
            _, case, copy = GLOSSARY[entry]
            alternatives = (form.removesuffix("'s"),) if copy else tuple(french)
            required.append(RequiredTerm(entry, form, alternatives, case, copy))
            forbidden += bans
        cases.append((sentence, SegmentTerms(tuple(required), tuple(forbidden))))
    return cases


def assert_all_terms_met(loaded: Any, cases: list[tuple[str, SegmentTerms]], lang: str) -> int:
    sources = [source for source, _ in cases]
    terms = [t for _, t in cases]
    results: list[DecodeResult] = []
    for start in range(0, len(sources), 100):
        batch = slice(start, start + 100)
        # 32 tokens hold any three of the terms; the tiny model's output length is immaterial.
        results += constrained_generate(
            loaded.model,
            loaded.tokenizer,
            sources[batch],
            terms[batch],
            num_beams=4,
            max_new_tokens=32,
        )
    failures = [
        (source, result.text, verify(result.text, wanted, lang))
        for source, wanted, result in zip(sources, terms, results, strict=True)
        if not verify(result.text, wanted, lang).ok or result.unmet
    ]
    assert not failures, failures[:5]
    return sum(len(t.required) for t in terms)


def test_acceptance_200_sentences_every_required_term_no_forbidden_one(tiny: Any) -> None:
    cases = dutch_sentences(200)
    assert len({source for source, _ in cases}) > 150  # varied sentences, not one repeated
    required = assert_all_terms_met(tiny, cases, "fr")
    assert required >= 350


@pytest.mark.parametrize(
    ("lang", "fixture", "prefix"), [("fr", "tiny", ""), ("de", "tiny_gmw", ">>deu<< ")]
)
def test_acceptance_through_the_default_glossary(
    lang: str, fixture: str, prefix: str, request: pytest.FixtureRequest
) -> None:
    from mt.terminology.glossary import load_glossary

    glossary = load_glossary()
    cases = []
    for source, _ in dutch_sentences(100, seed=11):
        wanted = glossary.requirements(source, lang)
        assert wanted.required, source  # every generated sentence holds a default-glossary term
        cases.append((prefix + source, wanted))
    assert_all_terms_met(request.getfixturevalue(fixture), cases, lang)
