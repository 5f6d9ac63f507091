"""The checks of ``mt check`` on realistic segments in French, German and English."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from mt.documents.alignment import align_units
from mt.qa.check import (
    SegmentPair,
    check_documents,
    check_files,
    check_pairs,
    check_segment,
    check_segments,
    dutch_part,
    looks_dutch,
)
from mt.qa.findings import CheckConfig, Severity, config_from_table
from mt.terminology.glossary import Glossary, load_glossary

# A small glossary in the project's TSV format, so these tests do not move with the shipped one.
GLOSSARY_TSV = "\t".join(("id", "nl", "fr", "de", "en", "fr!", "de!", "en!", "case", "dnt", "note"))
GLOSSARY_ROWS = [
    "daesh\tDaesh|IS\tDaech|Daesh\tDaesh\tDaesh\tÉtat islamique|EI\tIslamischer Staat|IS"
    "\tIslamic State|ISIS\texact\t\t",
    "coalition\tCoalitie\tCoalition\tKoalition\tCoalition\t\t\t\texact\t\t",
    "stabilisation\tstabilisatie\tstabilisation\tStabilisierung\tstabilisation|stabilization"
    "\t\t\t\texact\t\t",
    "humanitarian-aid\thumanitaire hulp\taide humanitaire\thumanitäre Hilfe\thumanitarian aid"
    "\t\t\t\texact\t\t",
    "f-16\tF-16\t\t\t\t\t\t\tstrict\tyes\t",
]


@pytest.fixture(scope="module")
def glossary(tmp_path_factory: pytest.TempPathFactory) -> Glossary:
    path = tmp_path_factory.mktemp("glossary") / "test.tsv"
    path.write_text(GLOSSARY_TSV + "\n" + "\n".join(GLOSSARY_ROWS) + "\n", encoding="utf-8")
    return load_glossary([path])


def codes(source: str, target: str, lang: str, glossary: Glossary | None) -> list[str]:
    findings = check_segments([SegmentPair(source, target)], lang, glossary)
    return sorted(finding.code for finding in findings)


SOURCE_COALITION = "De Coalitie zegde samen 670 miljoen USD toe voor stabilisatie."
SOURCE_DAESH = "Daesh is militair verslagen, maar de ideologie leeft voort."
SOURCE_FLIGHTS = "Tussen 2014 en 2022 voerden Belgische F-16's meer dan 1.600 vluchten uit."
SOURCE_RISE = "België draagt 18 miljoen euro bij, een stijging van 12,5% t.o.v. 2023."
SOURCE_AID = "België verhoogt de humanitaire hulp aan de kampen in het noorden van het land."


@pytest.mark.parametrize(
    ("lang", "source", "target", "expected"),
    [
        # correct translations
        (
            "fr",
            SOURCE_COALITION,
            "La Coalition a promis 670 millions USD pour la stabilisation.",
            [],
        ),
        (
            "de",
            SOURCE_COALITION,
            "Die Koalition sagte 670 Millionen USD für die Stabilisierung zu.",
            [],
        ),
        ("en", SOURCE_COALITION, "The Coalition pledged USD 670 million for stabilization.", []),
        ("fr", SOURCE_DAESH, "Daech est vaincu militairement, mais son idéologie survit.", []),
        (
            "en",
            SOURCE_FLIGHTS,
            "Between 2014 and 2022 Belgian F-16 jets flew over 1,600 sorties.",
            [],
        ),
        (
            "fr",
            SOURCE_RISE,
            "La Belgique y contribue 18 millions d'euros, soit 12,5 % de plus qu'en 2023.",
            [],
        ),
        ("de", SOURCE_RISE, "Belgien trägt 18 Millionen Euro bei, 12,5 % mehr als 2023.", []),
        # inflected approved term accepted (German dative, English plural)
        (
            "de",
            SOURCE_AID,
            "Belgien erhöht seinen Beitrag an humanitärer Hilfe für die Lager im Norden.",
            [],
        ),
        (
            "en",
            "De Coalitie en haar partners steunen de stabilisatie.",
            "The Coalitions and partners back stabilisation.",
            [],
        ),
        # wrong term
        (
            "fr",
            SOURCE_COALITION,
            "L'alliance a promis 670 millions USD pour la stabilisation.",
            ["missing-term"],
        ),
        (
            "de",
            SOURCE_COALITION,
            "Die Koalition sagte 670 Millionen USD für die Stabilität zu.",
            ["missing-term"],
        ),
        # forbidden term (and so the approved one is missing too)
        (
            "fr",
            SOURCE_DAESH,
            "L'État islamique est vaincu militairement, mais son idéologie survit.",
            ["forbidden-term", "missing-term"],
        ),
        (
            "en",
            SOURCE_DAESH,
            "Daesh, or Islamic State, is defeated militarily, but its ideology lives on.",
            ["forbidden-term"],
        ),
        # do-not-translate term not copied
        (
            "de",
            SOURCE_FLIGHTS,
            "Zwischen 2014 und 2022 flogen belgische F16 mehr als 1.600 Einsätze.",
            ["dnt-changed"],
        ),
        # ... but it may take the target language's plural or possessive
        (
            "en",
            SOURCE_FLIGHTS,
            "Between 2014 and 2022 Belgian F-16s flew more than 1,600 sorties.",
            [],
        ),
        # missing, changed and reformatted figures
        (
            "en",
            SOURCE_RISE,
            "Belgium contributes EUR 18 million, an increase compared with 2023.",
            ["number-missing"],
        ),
        (
            "de",
            SOURCE_RISE,
            "Belgien trägt 18 Millionen Euro bei, 15,5 % mehr als 2023.",
            ["number-changed"],
        ),
        (
            "en",
            SOURCE_FLIGHTS,
            "Between 2014 and 2022 Belgian F-16 jets flew over 1.600 sorties.",
            ["number-reformatted"],
        ),
        (
            "en",
            SOURCE_RISE,
            "Belgium contributes EUR 18 million, an increase of 12,5% on 2023.",
            ["number-format"],
        ),
        (
            "fr",
            SOURCE_RISE,
            "La Belgique y contribue 18 milliards d'euros, soit 12,5 % de plus qu'en 2023.",
            ["number-changed"],
        ),
        # untranslated paragraph: copied, or still Dutch
        ("fr", SOURCE_RISE, SOURCE_RISE, ["untranslated"]),
        (
            "de",
            "Het geld gaat o.a. naar ontmijning en scholen.",
            "Het geld gaat o.a. naar ontmijning en scholen.",
            ["untranslated"],
        ),
        (
            "en",
            "Het geld gaat naar de scholen.",
            "Het geld gaat naar de scholen van het land en de kinderen.",
            ["still-dutch"],
        ),
        ("en", "Het geld gaat naar de scholen.", "", ["empty"]),
        # names and short labels may stay as they are
        ("fr", "Image", "Image", []),
        ("de", "Sophie Wilmès", "Sophie Wilmès", []),
        # soft hyphens, as web pages put them in long words, on either side
        ("de", "De Coali\u00adtie en de F-16.", "Die Koa\u00adli\u00adtion und die F-16.", []),
        ("de", "De Coali\u00adtie komt samen.", "Die Allianz tritt zusammen.", ["missing-term"]),
        ("de", "De Coalitie.", "Die Koali\u00adtionen.", []),  # inflected, soft hyphen and all
    ],
)
def test_segment_cases(
    lang: str, source: str, target: str, expected: list[str], glossary: Glossary
) -> None:
    assert codes(source, target, lang, glossary) == sorted(expected)


def test_finding_names_both_sides_and_the_offending_text(glossary: Glossary) -> None:
    from mt.core.errors import Location

    pair = SegmentPair(
        SOURCE_RISE,
        "Belgium contributes EUR 18 million, an increase compared with 2023.",
        Location("release.nl.txt", 7),
        Location("release.en.txt", 9),
    )
    (finding,) = check_segments([pair], "en", glossary)
    assert (finding.check, finding.code, finding.severity) == (
        "numbers",
        "number-missing",
        Severity.ERROR,
    )
    assert str(finding.source) == "release.nl.txt:7"
    assert str(finding.target) == "release.en.txt:9"
    assert finding.evidence == "12,5%"
    assert "12,5%" in finding.message
    assert finding.source_text == SOURCE_RISE


@pytest.mark.parametrize(
    ("text", "lang", "dutch"),
    [
        ("Het geld gaat o.a. naar ontmijning en het herstel van scholen.", "en", True),
        ("Het geld gaat o.a. naar ontmijning en het herstel van scholen.", "fr", True),
        ("Het geld gaat o.a. naar ontmijning en het herstel van scholen.", "de", True),
        ("The money goes to demining and the repair of schools in the region.", "en", False),
        ("L'argent va au déminage et à la reconstruction des écoles de la région.", "fr", False),
        ("Das Geld geht an die Minenräumung und den Wiederaufbau von Schulen.", "de", False),
        ("Die Mitglieder der Koalition sind in Rom.", "de", False),  # "die" is German too
        ("Zie ook het persbericht", "en", False),  # too short to tell
        # a Dutch function word with a capital inside a sentence starts a name, kept in translation
        ("Minister Van der Straeten and De Croo visited Het Pand in Ghent.", "en", False),
        ("Voir aussi : Het Laatste Nieuws van 4 maart.", "fr", False),
        ("HET GELD GAAT NAAR DE SCHOLEN VAN HET LAND", "en", True),  # capitals: no case to go by
    ],
)
def test_looks_dutch(text: str, lang: str, dutch: bool) -> None:
    assert looks_dutch(text, lang) is dutch


@pytest.mark.parametrize(
    ("text", "lang", "part"),
    [
        # one sentence of a paragraph left in Dutch is found, and named
        (
            "L'argent va au déminage. Het geld gaat naar de scholen van het land.",
            "fr",
            "Het geld gaat naar de scholen van het land.",
        ),
        (
            "The money goes to demining. Het geld gaat naar scholen. The rest is spent on aid.",
            "en",
            "Het geld gaat naar scholen.",
        ),
        ("Het geld gaat o.a. naar ontmijning en het herstel van scholen.", "de", "whole"),
        # names and titles in Dutch, in sentences of their own
        ("Le ministre a parlé. Voir aussi : Het Laatste Nieuws van 4 maart.", "fr", None),
        ("The minister spoke. Minister Van der Straeten and De Croo visited Het Pand.", "en", None),
        ("Das Geld geht an die Minenräumung. Die Schulen werden wieder aufgebaut.", "de", None),
    ],
)
def test_dutch_part(text: str, lang: str, part: str | None) -> None:
    assert dutch_part(text, lang) == (text if part == "whole" else part)


def test_a_sentence_left_in_dutch_is_a_finding_that_names_it() -> None:
    source = "Het geld gaat naar de scholen. Ook de kinderen krijgen hulp van het land."
    target = "L'argent va aux écoles. Ook de kinderen krijgen hulp van het land."
    (finding,) = check_segments([SegmentPair(source, target)], "fr", None)
    assert finding.code == "still-dutch"
    assert finding.message == "a sentence of the translation reads as Dutch, not French"
    assert finding.evidence == "Ook de kinderen krijgen hulp van het land."


def test_looks_dutch_quick_rejection_never_changes_a_verdict() -> None:
    """Most texts are answered from an automaton's matches alone; the verdict must be the one that
    counting every word gives, with words glued to punctuation, digits and other words."""
    import random

    from mt.qa.check import _DUTCH_ONLY, _TARGET_ONLY, _WORD

    def by_counting(text: str, lang: str) -> bool:
        words = _WORD.findall(text.lower())
        cased = _WORD.findall(text) if len(text.lower()) == len(text) else words
        if text.isupper():
            cased = words
        last = len(words) - 1
        dutch = sum(
            word in _DUTCH_ONLY[lang]
            and (not index or not cased[index][0].isupper())
            # between two capitalised words, a particle of a name ("Vincent van Gogh")
            and not (
                0 < index < last and cased[index - 1][0].isupper() and cased[index + 1][0].isupper()
            )
            for index, word in enumerate(words)
        )
        target = sum(word in _TARGET_ONLY[lang] for word in words)
        return len(words) >= 5 and dutch >= 2 and dutch > 2 * target and dutch * 8 >= len(words)

    pieces = [
        "het", "een", "van", "dat", "wordt", "niet", "le", "la", "des", "the", "der", "und",
        "geld", "argent", "money", "Het", "VAN", "l'", "'", ",", ".", "(", ")", "2", "_", "-",
        "«", "»", "’", "é", "x", " ", " ", " ", "\n", "İ", "ß", "²",
    ]  # fmt: skip
    rng = random.Random(11)
    seen = set()
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        for lang in ("fr", "de", "en"):
            verdict = looks_dutch(text, lang)
            assert verdict is by_counting(text, lang), (text, lang)
            seen.add(verdict)
    assert seen == {True, False}


def test_structure_checks_kinds_markup_and_length() -> None:
    source = "De leden van de Coalitie kwamen op 11 maart 2024 in Rome samen voor overleg."
    pairs = [
        SegmentPair(
            "Steun voor stabilisatie", "Soutien", source_kind="heading", target_kind="paragraph"
        ),
        SegmentPair("Zie <1>de website</1>.", "Voir le site.", protected=("<1>", "</1>")),
        SegmentPair(source, "Réunion le 11 mars 2024."),
    ]
    found = [finding.code for finding in check_segments(pairs, "fr", None)]
    assert found == ["kind-mismatch", "markup-missing", "markup-missing", "length-ratio"]


@pytest.mark.parametrize(
    ("source", "target", "codes"),
    [
        ("Een alinea.", None, ["segment-missing"]),
        ("", None, ["segment-missing"]),  # a unit is missing, blank or not
        (None, "Un paragraphe.", ["segment-extra"]),
        ("Een alinea.", "", ["empty"]),
        ("Een alinea.", " \n", ["empty"]),
        ("", "", []),
        (" ", "Un paragraphe.", []),  # nothing to translate: nothing to check
        ("Een alinea met 12 leden.", "Un paragraphe.", ["number-missing"]),
    ],
)
def test_missing_empty_and_extra_segments(
    source: str | None, target: str | None, codes: list[str]
) -> None:
    pair = SegmentPair(source, target)
    assert [f.code for f in check_segments([pair], "fr", None)] == codes
    assert [f.code for f in check_segment(pair, "fr", None, CheckConfig())] == codes


# --- configuration -------------------------------------------------------------------------------


def test_config_switches_checks_off_and_sets_severities() -> None:
    config = config_from_table(
        {
            "fail-on": "warning",
            "numbers": {"severity": "info"},
            "structure": {"enabled": False, "length-ratio": [0.3, 3.0]},
            "severity": {"still-dutch": "warning"},
        }
    )
    assert config.fail_on == "warning"
    assert "structure" not in config.enabled
    assert config.length_ratio == (0.3, 3.0)
    assert config.severity_of("number-missing") is Severity.INFO
    assert config.severity_of("still-dutch") is Severity.WARNING
    assert config.severity_of("untranslated") is Severity.ERROR
    pairs = [SegmentPair("87 leden", "les membres", source_kind="heading", target_kind="paragraph")]
    findings = check_segments(pairs, "fr", None, config)
    assert [(f.code, f.severity) for f in findings] == [("number-missing", Severity.INFO)]


# --- alignment -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """Stands in for a document unit: alignment reads only text and kind."""

    text: str
    line: int = 1
    kind: str = "paragraph"
    protected: tuple[str, ...] = ()


SOURCE_PARAGRAPHS = [
    "België verhoogt steun aan stabilisatie in Irak",
    "Op 11 maart 2024 kwamen de ministers van de Coalitie in Rome samen. Ze telt 87 leden.",
    "De leden zegden samen 670 miljoen USD toe. België draagt 18 miljoen euro bij.",
    "Tussen 2014 en 2022 voerden Belgische F-16's meer dan 1.600 vluchten uit boven Irak.",
    "Nieuwstype: Persbericht",
]
TARGET_PARAGRAPHS = [
    "La Belgique renforce son soutien à la stabilisation en Irak",
    "Le 11 mars 2024, les ministres de la Coalition se sont réunis à Rome. Elle compte 87 membres.",
    "Les membres ont promis 670 millions USD. La Belgique y contribue 18 millions d'euros.",
    "Entre 2014 et 2022, des F-16 belges ont effectué plus de 1 600 vols au-dessus de l'Irak.",
    "Type d'actualité : Communiqué de presse",
]


@pytest.mark.parametrize("missing", range(len(TARGET_PARAGRAPHS)))
def test_alignment_finds_the_missing_paragraph(missing: int) -> None:
    source = [Unit(text) for text in SOURCE_PARAGRAPHS]
    target = [Unit(text) for index, text in enumerate(TARGET_PARAGRAPHS) if index != missing]
    pairs = align_units(source, target)
    expected = [(i, i if i < missing else i - 1) for i in range(len(source)) if i != missing]
    assert [pair for pair in pairs if None not in pair] == expected
    assert (missing, None) in pairs


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (12, 0),  # an empty translation
        (0, 12),  # an empty source
        (12, 2),  # the first ten units lost: the way back runs down the edge
        (2, 12),
    ],
)
def test_alignment_pairs_every_unit_once_whatever_is_missing(source: int, target: int) -> None:
    # the last units on each side correspond; the gap costs, summed along the edge, used to
    # differ in the last bit from what the way back recomputed (from 6 units on)
    source_units = [Unit(f"Alinea {i} over {1990 + i}") for i in range(12)][12 - source :]
    target_units = [Unit(f"Paragraphe {i} sur {1990 + i}") for i in range(12)][12 - target :]
    pairs = align_units(source_units, target_units)
    assert sorted(s for s, _ in pairs if s is not None) == list(range(source))
    assert sorted(t for _, t in pairs if t is not None) == list(range(target))
    if source and target:  # the units that correspond are paired
        shared = min(source, target)
        last = [(source - shared + k, target - shared + k) for k in range(shared)]
        assert pairs[-shared:] == last


def test_alignment_finds_an_extra_heading() -> None:
    source = [Unit(text) for text in SOURCE_PARAGRAPHS]
    target = [Unit(text) for text in TARGET_PARAGRAPHS]
    target.insert(2, Unit("Soutien à la stabilisation", kind="heading"))
    pairs = align_units(source, target)
    assert (None, 2) in pairs
    assert (2, 3) in pairs and (4, 5) in pairs


def test_documents_with_a_missing_paragraph_report_it_once() -> None:
    @dataclass(frozen=True)
    class Doc:
        source: str
        units: tuple[Unit, ...]

    source = Doc(
        "release.nl.txt", tuple(Unit(t, line=2 * i + 1) for i, t in enumerate(SOURCE_PARAGRAPHS))
    )
    target_units = [Unit(t, line=2 * i + 1) for i, t in enumerate(TARGET_PARAGRAPHS)]
    del target_units[2]
    target = Doc("release.fr.txt", tuple(target_units))
    report = check_documents(source, target, "fr")  # type: ignore[arg-type]
    found = [(f.code, str(f.source), str(f.target)) for f in report.findings]
    assert found == [
        ("unit-count", "release.nl.txt", "release.fr.txt"),
        ("segment-missing", "release.nl.txt:5", "release.fr.txt:3"),
    ]


def test_a_source_shared_by_several_translations_is_read_and_matched_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mt.documents

    (tmp_path / "g.tsv").write_text(GLOSSARY_TSV + "\n" + GLOSSARY_ROWS[0] + "\n", "utf-8")
    (tmp_path / "r.nl.txt").write_text("Titel\nDaesh bezocht 12 landen.\n", "utf-8")
    (tmp_path / "r.fr.txt").write_text("Titre\nDaech a visité 13 pays.\n", "utf-8")
    (tmp_path / "r.de.txt").write_text("Titel\nDaesh besuchte 12 Länder.\n", "utf-8")
    pairs = [(tmp_path / "r.nl.txt", tmp_path / f"r.{lang}.txt", lang) for lang in ("fr", "de")]
    glossary = load_glossary([tmp_path / "g.tsv"])
    alone = [check_files(*pair, glossary) for pair in pairs]
    read, matched = [], []
    real_read, real_hits = mt.documents.read_document, glossary._matcher._hits
    monkeypatch.setattr(
        mt.documents,
        "read_document",
        lambda path, **options: read.append(path) or real_read(path, **options),
    )
    monkeypatch.setattr(
        glossary._matcher, "_hits", lambda text: matched.append(text) or real_hits(text)
    )
    assert list(check_pairs(pairs, glossary)) == alone
    assert read == [tmp_path / "r.nl.txt", tmp_path / "r.fr.txt", tmp_path / "r.de.txt"]
    assert matched == ["Titel", "Daesh bezocht 12 landen."]
    assert [finding.code for report in alone for finding in report.findings] == ["number-changed"]
