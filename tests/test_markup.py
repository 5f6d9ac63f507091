"""Markup, characters and terms through real OPUS-MT vocabularies (issue 21).

The same documents go through a tiny-vocabulary model and a random-weight model on the published
``tc-big-fr-en`` vocabulary, which has no ``<`` (so no ``<1>``), no ``@``, no ``€`` and no ``Ł``.
Random weights are the adversary: whatever markup, link target or copied word comes out was put
there by construction.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from mt.cli import cli
from mt.documents import parse_document
from mt.engines.vocabulary import ModelVocabulary
from mt.translation.markup import STYLES, carry, choose_style, restore

VOCABULARY = Path(__file__).resolve().parent / "data" / "opus-mt-vocab" / "tc-big-fr-en"

MARKDOWN = """\
# Steun voor **Irak**

De minister maakt **vet** en *schuin* bekend.
Lees het [verslag](https://diplomatie.belgium.be/nl/verslag?id=7&x=1) nu.
Zie ![de kaart](kaart.png "Kaart") hier.
Het bestand `nr-27.pdf` staat online.

Schrijf <1>x</1> en <2/> letterlijk.

Mail <pers@diplomatie.be> of Łukasz voor 5 €.
"""

HTML = """\
<!DOCTYPE html>
<html lang="nl"><head><title>Steun voor Irak</title></head>
<body>
<p>De minister maakt <strong>vet</strong> en <em class="x">schuin</em> bekend.</p>
<p>Lees het <a href="https://diplomatie.belgium.be/nl/verslag?id=7&amp;x=1"
title="Verslag">verslag</a> nu.</p>
<p>Zie <img src="kaart.png" alt="de kaart"> en <code>nr-27.pdf</code> hier.</p>
<p>Schrijf &lt;1&gt;x&lt;/1&gt; en <2/> letterlijk.</p>
<p>Mail &lt;pers@diplomatie.be&gt; of Łukasz voor 5 €.</p>
</body></html>
"""

# What must come out whatever the model writes: (format, text that must be in the output).
MUST_SURVIVE = {
    "markdown": [
        re.compile(r"\*\*\S(.*?\S)?\*\*"),  # strong
        re.compile(r"(?<!\*)\*[^*\s]([^*]*[^*\s])?\*(?!\*)"),  # emphasis
        re.compile(r"\[[^\]]*\S[^\]]*\]\(https://diplomatie\.belgium\.be/nl/verslag\?id=7&x=1\)"),
        re.compile(r"!\[[^\]]*\]\(kaart\.png \"Kaart\"\)"),
        re.compile(r"`nr-27\.pdf`"),
        re.compile(r"<1>x</1>"),  # the literal text, as written
        re.compile(r"<2/>"),
        re.compile(r"<pers@diplomatie\.be>"),
        re.compile(r"Łukasz"),
        re.compile(r"€"),
    ],
    "html": [
        re.compile(r"<strong>(?!</strong>).*?\w.*?</strong>"),  # (may hold the <em>)
        re.compile(r'<em class="x">(?!</em>).*?\w.*?</em>'),
        re.compile(r'<a href="https://diplomatie\.belgium\.be/nl/verslag\?id=7&amp;x=1"\stitle="'),
        re.compile(r'<img src="kaart\.png" alt="'),
        re.compile(r"<code>nr-27\.pdf</code>"),
        re.compile(r"&lt;1&gt;x&lt;/1&gt;"),
        re.compile(r"&lt;2/&gt;"),
        re.compile(r"&lt;pers@diplomatie\.be&gt;"),
        re.compile(r"Łukasz"),
        re.compile(r"€"),
        re.compile(r'<html lang="fr">'),
        re.compile(r'<head><meta charset="utf-8"><title>'),
    ],
}


def translate(args: list[str]):
    return CliRunner().invoke(cli, args, catch_exceptions=False)


@pytest.mark.parametrize(("name", "text"), [("release.nl.md", MARKDOWN), ("release.nl.html", HTML)])
def test_markup_links_literals_and_copied_words_survive_every_vocabulary(
    tmp_path: Path, any_model_dir: Path, name: str, text: str
) -> None:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    result = translate(
        ["translate", str(source), "--to", "fr", "--model", f"fr={any_model_dir}"]
        + ["--backend", "torch", "--no-cache", "--max-new-tokens", "48", "--json"]
    )
    assert result.exit_code == 0, result.output
    output = (tmp_path / name.replace(".nl.", ".fr.")).read_text(encoding="utf-8")
    assert "<unk>" not in output
    fmt = "markdown" if name.endswith(".md") else "html"
    for pattern in MUST_SURVIVE[fmt]:
        assert pattern.search(output), (pattern.pattern, output)
    assert len(output.splitlines()) == len(text.splitlines())
    # Every markup note names the markup as written and a line of the source, never "<1>".
    summary = json.loads(result.stdout)
    for note in summary["files"][0]["markup"]["not_carried"]:
        assert note["markup"] not in ("<1>", "</1>", "<2/>", "[1]", "[/1]")
        assert 1 <= note["line"] <= len(text.splitlines())
        assert note["markup"] in text or note["markup"].startswith("<")


@pytest.mark.parametrize("mode", ["off", "check", "enforce"])
def test_markup_is_placed_on_ctranslate2_without_the_glossary_enforced(
    tmp_path: Path, any_model_dir: Path, mode: str
) -> None:
    """--terms off|check on CTranslate2: the markup is still carried as the document's own
    required terms, placed on CTranslate2 (no torch search behind it), not re-attached."""
    pytest.importorskip("ctranslate2")
    source = tmp_path / "release.nl.md"
    source.write_text(MARKDOWN, encoding="utf-8")
    result = translate(
        ["translate", str(source), "--to", "fr", "--model", f"fr={any_model_dir}"]
        + ["--backend", "ctranslate2", "--terms", mode, "--no-cache"]
        + ["--max-new-tokens", "48", "--json"]
    )
    assert result.exit_code == 0, result.output
    output = (tmp_path / "release.fr.md").read_text(encoding="utf-8")
    for pattern in MUST_SURVIVE["markdown"]:
        assert pattern.search(output), (pattern.pattern, output)
    summary = json.loads(result.stdout)
    counts = summary["fast_path"]["fr"]
    assert counts["placed"] > 0 and counts["searched"] == 0, counts
    assert summary["files"][0]["markup"]["not_carried"] == [], summary["files"][0]["markup"]


def test_glossary_terms_are_reported_with_lines_and_hold_what_they_say(
    tmp_path: Path, any_model_dir: Path
) -> None:
    source = tmp_path / "release.nl.md"
    source.write_text(
        "# Titel\n\nDe **Coalitie** tegen Daesh\nsteunt Irak.\n\nEen zin zonder term.\n",
        encoding="utf-8",
    )
    result = translate(
        ["translate", str(source), "--to", "fr", "--model", f"fr={any_model_dir}"]
        + ["--backend", "torch", "--no-cache", "--max-new-tokens", "24", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["files"][0]["terms"]["report"]
    output = (tmp_path / "release.fr.md").read_text(encoding="utf-8")
    assert "<unk>" not in output
    lines = {item["source"]: item["line"] for item in report["matched"]}
    assert lines == {"Coalitie": 3, "Daesh": 3, "Irak": 4}  # the wrapped paragraph's own lines
    assert report["counts"] == {name: len(report[name]) for name in ("matched", "applied", "unmet")}
    assert report["counts"]["applied"] + report["counts"]["unmet"] == 3
    for item in report["applied"]:  # applied means the output holds it
        assert item["target"] and item["target"] in output
    for item in report["unmet"]:  # unmet says why, and the warning names file and line
        assert item["reason"]
        assert f"{source}:{item['line']} [fr]: glossary entry" in result.stderr
    assert report["counts"]["unmet"] == 0  # by construction, whatever the model prefers


def test_no_output_of_any_model_holds_unk_or_loses_a_character(
    tmp_path: Path, any_model_dir: Path
) -> None:
    source = tmp_path / "release.nl.txt"
    source.write_text(
        "Łukasz Dvořák schreef aan pers@diplomatie.be over 5 € en 10 ‰.\n"
        "De Coalitie tegen Daesh → steun ✓\n",
        encoding="utf-8",
    )
    result = translate(
        ["translate", str(source), "--to", "fr", "--model", f"fr={any_model_dir}"]
        + ["--backend", "torch", "--no-cache", "--max-new-tokens", "40", "--terms", "off"]
    )
    assert result.exit_code == 0, result.output
    output = (tmp_path / "release.fr.txt").read_text(encoding="utf-8")
    assert "<unk>" not in output
    vocabulary = ModelVocabulary.from_folder(any_model_dir)
    for word in ("Łukasz", "Dvořák", "pers@diplomatie.be", "€", "‰", "→", "✓"):
        if vocabulary.copies(word):
            assert word in output, (word, output)


# --- the pieces, as tables ------------------------------------------------------------------------


def real_vocabulary() -> ModelVocabulary:
    if not (VOCABULARY / "vocab.json").is_file():
        pytest.skip(f"the real OPUS-MT vocabulary is not in {VOCABULARY}")
    return ModelVocabulary.from_folder(VOCABULARY)


@pytest.mark.parametrize(
    ("text", "writes"),
    [("[1]", True), ("<1>", False), ("Daech", True), ("@", False), ("€", False), ("Ĳ", False)],
)
def test_real_vocabulary_characters(text: str, writes: bool) -> None:
    assert real_vocabulary().writes(text) is writes


def test_each_model_gets_a_placeholder_spelling_it_can_write() -> None:
    vocabulary = real_vocabulary()
    style = choose_style(vocabulary.writes, vocabulary.reads)
    assert style == STYLES[1]  # "[1]": the documents' own "<1>" cannot be written
    assert choose_style(lambda _: True, lambda _: True) == STYLES[0]
    assert (
        choose_style(lambda text: "<" not in text and "[" not in text, lambda _: True)
        == (STYLES[2])
    )
    assert choose_style(lambda _: False, lambda _: True) is None


@pytest.mark.parametrize(
    ("sentence", "placeholders", "model_text", "translation", "back"),
    [
        (  # a pair and an atom, spelled for the model and back
            "Lees het <1>verslag</1> op <2/>.",
            {"<1>", "</1>", "<2/>"},
            "Lees het [1]verslag[/1] op [2/].",
            "Read the [1]report[/1] on [2/].",
            "Read the <1>report</1> on <2/>.",
        ),
        (  # literal "[1]" in the sentence: the numbers step around it, and it stays text
            "Zie [1] en <1>dit</1>.",
            {"<1>", "</1>"},
            "Zie [1] en [2]dit[/2].",
            "See [1] and [2]this[/2].",
            "See [1] and <1>this</1>.",
        ),
        (  # words the model cannot write are copied from the source
            "Mail <pers@x.be> of (Łukasz).",
            set(),
            "Mail [1/] of ([2/]).",
            "Mail [1/] or ([2/]).",
            "Mail <pers@x.be> or (Łukasz).",
        ),
        (  # a copied word the model did not place is appended, never lost
            "Vraag Łukasz.",
            set(),
            "Vraag [1/].",
            "Ask him.",
            "Ask him. Łukasz",
        ),
        (  # a second copy of a placeholder is dropped
            "Een <1>x</1>.",
            {"<1>", "</1>"},
            "Een [1]x[/1].",
            "A [1]x[/1] [1]y[/1].",
            "A <1>x</1> y.",
        ),
    ],
)
def test_carry_and_restore(
    sentence: str, placeholders: set[str], model_text: str, translation: str, back: str
) -> None:
    vocabulary = real_vocabulary()
    style = choose_style(vocabulary.writes, vocabulary.reads)
    carried = carry(sentence, placeholders, style, vocabulary.copies)
    assert carried.text == model_text
    assert restore(translation, carried)[0] == back


def test_closing_placeholder_waits_for_its_opener() -> None:
    carried = carry("<1>a</1> <2/>", {"<1>", "</1>", "<2/>"}, STYLES[1], lambda _: False)
    after = {term.alternatives[0]: term.after for term in carried.terms}
    assert after == {"[1]": "", "[/1]": "keep:[1]", "[2/]": ""}
    assert all(term.placeholder for term in carried.terms)


@pytest.mark.parametrize(
    ("format", "source", "expected"),
    [
        ("text", "Schrijf <1>x</1> en <2/>.", "SCHRIJF <1>x</1> EN <2/>."),
        ("markdown", "Schrijf <1>x</1> en **<2/>**.", "SCHRIJF <1>x</1> EN **<2/>**."),
        ("html", "<p>Schrijf &lt;1&gt;x&lt;/1&gt; en <2/>.</p>", None),
    ],
)
def test_text_that_looks_like_a_placeholder_is_kept_verbatim(
    format: str, source: str, expected: str | None
) -> None:
    document = parse_document(source, format)
    assert document.render([unit.text for unit in document.units]) == source
    (unit,) = document.units
    assert "<1>" not in unit.text  # it is an atom now, never a pair of markup
    shouted = re.sub(r"(<\d+/>)|([^<]+)", lambda m: m.group(1) or m.group(2).upper(), unit.text)
    output = document.render([shouted])
    if expected is not None:
        assert output == expected
    else:
        assert "&lt;1&gt;x&lt;/1&gt;" in output and "&lt;2/&gt;" in output


@pytest.mark.parametrize(
    ("source", "translation", "expected", "note"),
    [
        (  # the markup's own words are in the translation: it goes back on them
            "De minister **Reynders** zegt.",
            "Le ministre Reynders dit.",
            "Le ministre **Reynders** dit.",
            ("**Reynders**", "Reynders", "by its text", 1),
        ),
        (  # else on the words at the same place, and a note says so
            "Dit is\nzeer **belangrijk** nieuws.",
            "Ceci est une nouvelle très importante.",
            "Ceci est\nune **nouvelle très** importante.",
            ("**belangrijk**", "nouvelle très", "by its position", 2),
        ),
        (  # a pair that came back empty counts as lost
            'Lees <a href="https://x.be">het verslag</a> nu.',
            "Lisez <1></1> le rapport maintenant.",
            'Lisez <a href="https://x.be">le rapport</a> maintenant.',
            ('<a href="https://x.be">', "le rapport", "by its position", 1),
        ),
    ],
)
def test_lost_markup_is_attached_to_the_best_span_and_named_as_written(
    source: str, translation: str, expected: str, note: tuple[str, str, str, int]
) -> None:
    format = "html" if source.startswith("Lees <a") else "markdown"
    document = parse_document(source, format)
    rendering = document.render_report([translation])
    assert rendering.text == expected
    (found,) = rendering.notes
    assert (found.markup, found.placed, found.how, found.line) == note


@pytest.mark.parametrize(
    ("source", "lang", "expected"),
    [
        ('<html lang="nl"><head><title>T</title></head></html>', "fr", '<html lang="fr">'),
        ("<html><head><title>T</title></head></html>", "de", '<html lang="de">'),
        (
            '<html><head><meta charset="windows-1252"><title>T</title></head></html>',
            "en",
            '<head><meta charset="utf-8"><title>',
        ),
        (
            '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
            "</head></html>",
            "en",
            'content="text/html; charset=utf-8"',
        ),
        ("<html><head><title>T</title></head></html>", "en", '<head><meta charset="utf-8">'),
        ('<p lang="nl-BE">Tekst</p><p lang="en">Text</p>', "fr", '<p lang="fr">X</p><p lang="en">'),
    ],
)
def test_html_lang_and_charset_are_set_for_the_translation(
    source: str, lang: str, expected: str
) -> None:
    document = parse_document(source, "html")
    assert document.render([unit.text for unit in document.units]) == source  # lang not given
    assert expected in document.render(["X"] * len(document.units), lang=lang)


def test_the_search_writes_each_placeholder_once_pairs_in_order(any_model_dir: Path) -> None:
    from mt.engines.decoding import constrained_generate
    from mt.engines.models import ModelSpec, load_model
    from mt.terminology.terms import SegmentTerms

    loaded = load_model(ModelSpec("fr", str(any_model_dir)))
    vocabulary = ModelVocabulary.from_folder(any_model_dir)
    style = choose_style(vocabulary.writes, vocabulary.reads)
    placeholders = {"<1>", "</1>", "<2>", "</2>", "<3/>", "<4>", "</4>"}
    sentences = [
        "<1>De minister</1> steunt de <2>Coalitie</2> met <3/> en <4>hulp</4>.",
        "Lees <4>het <1>verslag</1></4> op <3/> en de <2>kaart</2>.",
    ]
    carried = [carry(s, placeholders, style, vocabulary.copies) for s in sentences]
    results = constrained_generate(
        loaded.model,
        loaded.tokenizer,
        [c.text for c in carried],
        [SegmentTerms(c.terms) for c in carried],
        num_beams=4,
        max_new_tokens=40,
    )
    for item, result in zip(carried, results, strict=True):
        assert not result.unmet, result
        spelled = [model for model, _ in item.restore]
        for form in spelled:
            assert result.text.count(form) == 1, (form, result.text)
        back, appended = restore(result.text, item)
        assert appended == ()
        for number in ("1", "2", "4"):
            assert back.index(f"<{number}>") < back.index(f"</{number}>"), back
