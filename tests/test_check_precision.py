# ruff: noqa: E501  (tables of realistic sentence pairs read best one pair a line)
"""What professional translators write that ``mt check`` must accept, what it must still catch,
and at which severity (issue 20): units and conversions, times, number words, glossary variants,
a line left empty in plain text, links and emphasis in Markdown and HTML."""

from __future__ import annotations

from pathlib import Path

import pytest

from mt.documents import parse_document
from mt.qa.check import SegmentPair, check_documents, check_files, check_segments
from mt.qa.findings import CODES, ERROR_WHEN, Severity
from mt.qa.markup import compare_markup, markup_of
from mt.terminology.glossary import Glossary, load_glossary

GLOSSARY = (
    "id\tnl\tfr\tde\ten\tfr!\tde!\ten!\tcase\tdnt\tnote\n"
    "daesh\tDaesh\tDaech\tDaesh\tDaesh\tÉtat islamique|Etat islamique\tIS\tISIS\texact\t\t\n"
    "un\tVerenigde Naties|VN\tNations unies|ONU\tVereinte Nationen|UN\tUnited Nations|UN"
    "\t\t\t\texact\t\t\n"
    "minister\tminister van Buitenlandse Zaken\tministre des Affaires étrangères"
    "\tAußenminister\tForeign Minister\t\t\t\texact\t\t\n"
    "belgium\tBelgië\tBelgique\tBelgien\tBelgium\t\t\t\texact\t\t\n"
    "mosul\tMosoel|Mosul\tMossoul\tMossul\tMosul\t\t\t\texact\t\t\n"
)


@pytest.fixture(scope="module")
def glossary(tmp_path_factory: pytest.TempPathFactory) -> Glossary:
    path = tmp_path_factory.mktemp("glossary") / "terms.tsv"
    path.write_text(GLOSSARY, encoding="utf-8")
    return load_glossary([path])


def findings(source: str, target: str, lang: str, glossary: Glossary | None = None) -> set:
    found = check_segments([SegmentPair(source, target)], lang, glossary)
    return {(finding.code, finding.severity.value) for finding in found}


@pytest.mark.parametrize(
    ("source", "target", "lang"),
    [
        # conversions within rounding, either way, or given on one side only
        ("Hij weegt 250 kg.", "He weighs 550 pounds.", "en"),
        ("Het was 30 °C in Rome.", "It was 86 °F in Rome.", "en"),
        ("Er viel 10 centimeter regen.", "4 inches of rain fell.", "en"),
        ("De muur is 5,5 meter hoog.", "The wall is 5.5 metres (18 feet) high.", "en"),
        ("De muur is 5,5 meter (18 voet) hoog.", "Le mur fait 5,5 mètres de haut.", "fr"),
        ("Een wind van 240 km/u.", "Ein Wind von 149 Meilen pro Stunde.", "de"),
        ("Een persoon van 90 kg.", "Une personne de 200 livres (90kg).", "fr"),
        # times of day
        ("De top begint om 15 uur.", "The summit begins at 3 p.m.", "en"),
        ("De top begint om 15 uur.", "Der Gipfel beginnt um 15:00 Uhr.", "de"),
        ("De top begint om 15 uur.", "Le sommet commence à 15 h.", "fr"),
        ("Het vliegtuig stortte neer om 02.30 UTC.", "The plane crashed at 0230 UTC.", "en"),
        # number words, compounds, halves, ordinals
        ("27 EU-ministers kwamen samen.", "Vingt-sept ministres se sont réunis.", "fr"),
        ("De vierentwintigjarige won.", "The 24-year-old won.", "en"),
        ("Een rit van 1,5 uur.", "Un trajet d'une heure et demie.", "fr"),
        ("Zevenentwintig landen stemden.", "27 Länder stimmten.", "de"),
        ("Hij werd vierentwintigste.", "He finished 24th.", "en"),
        # glued formats
        ("Een boete van 125 miljoen pond.", "A fine of £125m.", "en"),
        ("Nummer 1 in de hitlijst.", "No.1 in the charts.", "en"),
        # dates written in figures or with the month's name
        ("Op 30/03/2021 in Brussel.", "On 30 March 2021 in Brussels.", "en"),
        ("Op 30.03.2021 in Brussel.", "Am 30. März 2021 in Brüssel.", "de"),
        ("Op 30.03.2021 in Brussel.", "Am 30.03.2021 in Brüssel.", "de"),
        ("Om 14u in Brussel.", "At 2 p.m. in Brussels.", "en"),
        # a day named without its date
        ("Vandaag ontmoet de minister zijn collega.", "On 30 March 2021 the minister met.", "en"),
    ],
)
def test_what_translators_write_is_accepted(source: str, target: str, lang: str) -> None:
    assert findings(source, target, lang) == set()


@pytest.mark.parametrize(
    ("source", "target", "lang", "expected"),
    [
        # a unit or currency swapped with the figure kept
        ("Een plan van 150 miljard euro.", "A plan worth £150 billion.", "en", "unit-changed"),
        ("Er viel 10 centimeter regen.", "10 inches of rain fell.", "en", "unit-changed"),
        (
            "Op 220 km (140 mijl) van Peking.",
            "À 220 km (140 pieds) de Pékin.",
            "fr",
            "unit-changed",
        ),
        # the one figure left on each side, same unit: changed for sure
        ("Ongeveer 70 km van Fujian.", "Environ 17 km de Fujian.", "fr", "number-changed"),
        # money lost
        ("De EU geeft 12 miljoen euro.", "L'UE donne des millions.", "fr", "number-missing"),
    ],
)
def test_a_real_slip_is_an_error(source: str, target: str, lang: str, expected: str) -> None:
    assert (expected, "error") in findings(source, target, lang)


@pytest.mark.parametrize(
    ("source", "target", "lang", "code"),
    [
        # a figure lost or changed where the check cannot be sure: warning
        ("Een 4x4 is aan te raden.", "Ein Allradantrieb wird empfohlen.", "de", "number-missing"),
        ("In de jaren 30 van de 19e eeuw.", "In the 1830s.", "en", "number-changed"),
        # the figure given first is dropped, its conversion kept: the conversion may be the
        # translator's choice, or the figure lost
        ("De muur is 100 voet (30 meter) hoog.", "Le mur fait 30 mètres.", "fr", "number-missing"),
    ],
)
def test_an_unsure_finding_is_a_warning(source: str, target: str, lang: str, code: str) -> None:
    found = findings(source, target, lang)
    assert (code, "warning") in found
    assert not any(severity == "error" for _, severity in found)


@pytest.mark.parametrize(
    ("source", "target", "lang", "expected"),
    [
        # glossary variants translators write
        ("De Verenigde Naties vergaderen.", "The U.N. meets.", "en", set()),
        ("De Verenigde Naties vergaderen.", "Die UN-Generalversammlung tagt.", "de", set()),
        ("De minister van Buitenlandse Zaken sprak.", "The foreign minister spoke.", "en", set()),
        ("De Verenigde Naties vergaderen.", "Les Nations Unies se réunissent.", "fr", set()),
        # a term rendered by a paraphrase: a warning, not an error
        ("België steunt het plan.", "Notre pays soutient le plan.", "fr", {("missing-term", "warning")}),
        # a wrong form of the term: an error
        ("De Verenigde Naties vergaderen.", "Die Vereinigten Nationen tagen.", "de", {("missing-term", "error")}),
        # met once, the second occurrence left in Dutch
        ("België en België.", "La Belgique et België.", "fr", {("term-untranslated", "error")}),
        # a Dutch form that another language uses too is no sign of Dutch left; nor a headline
        ("De strijd om Mosul.", "Der Kampf um Mosul.", "de", {("missing-term", "warning")}),
        ("DAESH IS VERSLAGEN", "DAESH IS DEFEATED", "en", set()),
        # a forbidden term with an accent is reported once
        ("Daesh is verslagen.", "L'État islamique est vaincu.", "fr", {("forbidden-term", "error"), ("missing-term", "error")}),
    ],
)  # fmt: skip
def test_glossary_variants_and_severities(
    glossary: Glossary, source: str, target: str, lang: str, expected: set
) -> None:
    found = check_segments([SegmentPair(source, target)], lang, glossary)
    assert {(f.code, f.severity.value) for f in found} == expected
    assert len(found) == len(expected)


@pytest.mark.parametrize(
    ("target", "lang", "dutch"),
    [
        ("Der Film Lord of the Rings war ein Erfolg, er lief lange und was für ein Lauf.", "de", False),
        ("Der Maler Vincent van Gogh lebte in Arles und malte dort viele Bilder.", "de", False),
        ("Die Kanzlerin traf sich mit Vertretern. Het is niet duidelijk of de regering dit plan zal steunen.", "de", True),
    ],
)  # fmt: skip
def test_language_of_german_sentences(target: str, lang: str, dutch: bool) -> None:
    found = findings("Een Nederlandse zin als bron voor deze test.", target, lang)
    assert (("still-dutch", "error") in found) is dutch


def test_a_short_line_may_double_without_a_finding() -> None:
    source = "Daesh verslagen in Irak, zegt minister"  # a headline
    target = "Daesh defeated in Iraq, says the Minister of Foreign Affairs and Development"
    assert "length-ratio" not in {code for code, _ in findings(source, target, "en")}


def test_an_empty_line_in_plain_text_is_one_finding_on_its_line(tmp_path: Path) -> None:
    source_lines = [
        "Daesh is verslagen",
        "De Coalitie kwam op 11 maart bijeen in Rome.",
        "De leden beloofden samen 670 miljoen dollar.",
        "Dat is 12,5 procent meer dan vorig jaar.",
        "De volgende vergadering is in juni.",
    ]
    target_lines = [
        "Daesh is defeated",
        "The Coalition met in Rome on 11 March.",
        "The members pledged 670 million dollars together.",
        "That is 12.5 percent more than last year.",
        "The next meeting is in June.",
    ]
    (tmp_path / "r.nl.txt").write_text("\n".join(source_lines) + "\n", encoding="utf-8")
    for blank in ("", "   ", "\u00a0"):
        lines = list(target_lines)
        lines[2] = blank
        (tmp_path / "r.en.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        report = check_files(tmp_path / "r.nl.txt", tmp_path / "r.en.txt", "en")
        found = [(f.code, f.source.line, f.target.line) for f in report.findings]
        assert found == [("empty", 3, 3)], (blank, found)
        assert report.findings[0].severity is Severity.ERROR


LINKED = "**Daesh** is verslagen, zegt [de Coalitie](http://x.be).\n"


@pytest.mark.parametrize(
    ("format", "source", "target", "expected"),
    [
        ("markdown", LINKED, "**Daesh** is defeated, says [the Coalition](http://x.be).\n", []),
        ("markdown", LINKED, "**Daesh** is defeated, says [the Coalition](http://evil.example).\n", [("link-changed", "error")]),
        ("markdown", LINKED, "[Daesh](http://x.be) is defeated, says **the Coalition**.\n", [("markup-order", "warning")]),
        ("markdown", LINKED, "Daesh is defeated, says [the Coalition](http://x.be).\n", [("markup-missing", "error")]),
        ("markdown", LINKED, "**Daesh** is defeated, says the Coalition.\n", [("markup-missing", "error")]),
        ("html", '<p><b>Daesh</b> is verslagen, zegt <a href="http://x.be">de Coalitie</a>.</p>\n',
         '<p><b>Daesh</b> is defeated, says <a href="http://evil.example">the Coalition</a>.</p>\n',
         [("link-changed", "error")]),
    ],
)  # fmt: skip
def test_links_and_emphasis_are_compared_as_written(
    format: str, source: str, target: str, expected: list
) -> None:
    report = check_documents(
        parse_document(source, format, "r.nl"),
        parse_document(target, format, "r.en"),
        "en",
        source_text=source,
        target_text=target,
    )
    assert [(f.code, f.severity.value) for f in report.findings] == expected
    if expected and expected[0][0] == "markup-missing" and "**" not in target:
        assert "bold" in report.findings[0].message  # named as what is missing, not as the link


def test_markup_of_reads_links_inside_emphasis() -> None:
    items = markup_of("**[A](http://x.be)** and `code`", "markdown")
    assert [(item.kind, item.value) for item in items] == [
        ("bold", ""),
        ("link", "http://x.be"),
        ("code", "code"),
    ]
    assert compare_markup(items, items) == []


def test_every_code_that_can_be_an_error_says_when() -> None:
    errors = {code for code, (_, severity, _) in CODES.items() if severity is Severity.ERROR}
    assert errors == set(ERROR_WHEN)


def test_every_report_names_the_glossary_and_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from click.testing import CliRunner

    from mt.cli import cli

    (tmp_path / "r.nl.txt").write_text("België steunt het plan.\n", encoding="utf-8")
    (tmp_path / "r.fr.txt").write_text("La Belgique soutient le plan.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> str:
        result = CliRunner().invoke(cli, ["check", "r.nl.txt", "r.fr.txt", *args])
        assert result.exit_code == 0, result.output
        return result.stdout

    assert "(shipped with mt:" in run()  # no glossaries/ here: the shipped one, and it says so
    (tmp_path / "glossaries").mkdir()
    (tmp_path / "glossaries" / "own.tsv").write_text(GLOSSARY, encoding="utf-8")
    text = run()
    assert "glossary: glossaries/own.tsv (glossaries/ in the working folder" in text
    report = json.loads(run("--format", "json"))
    assert report["glossary_files"] == ["glossaries/own.tsv"]
    assert report["glossary_origin"].startswith("glossaries/ in the working folder")
    assert report["glossary"]  # its version
    assert 'name="glossary-files" value="glossaries/own.tsv"' in run("--format", "junit")
    assert "glossary: glossaries/own.tsv" in run("--format", "github")
    assert "glossary: none (--no-glossary)" in run("--no-glossary")
