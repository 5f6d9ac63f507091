"""Figures read as each language writes them, and compared between a source and its translation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mt.qa.numbers import compare_numbers, extract_numbers, parse_figure
from mt.qa.numerals import written_values


@pytest.mark.parametrize(
    ("digits", "lang", "expected"),
    [
        ("1.000,5", "nl", "1000.5"),
        ("1.000,5", "de", "1000.5"),
        ("1.000,5", "fr", "1000.5"),  # Belgian French groups with a dot too
        ("1 000,5", "fr", "1000.5"),
        ("1\u00a0000,5", "fr", "1000.5"),  # no-break space
        ("1\u202f000\u202f000,25", "fr", "1000000.25"),  # narrow no-break space
        ("1,000.5", "en", "1000.5"),
        ("1'000", "de", "1000"),  # Swiss German
        ("12,5", "nl", "12.5"),
        ("12.5", "en", "12.5"),
        ("1.600", "nl", "1600"),
        ("1.600", "en", "1.600"),  # valid English: one point six
        ("1,000", "nl", "1.000"),  # valid Dutch: one comma zero zero zero
        ("3.5", "nl", None),  # a Dutch thousands group holds three digits
        ("1,000.5", "fr", None),
        ("3,5", "en", None),
        ("1.000.00", "de", None),
        ("1,5,3", "nl", None),  # a decimal mark comes once, last
        ("2024", "en", "2024"),
        ("2024", "xx", "2024"),  # a language we do not know reads as Dutch
    ],
)
def test_parse_figure(digits: str, lang: str, expected: str | None) -> None:
    value = parse_figure(digits, lang)
    assert value == (Decimal(expected) if expected is not None else None)


def values(text: str, lang: str) -> list[tuple[str, str]]:
    return [
        (f"{figure.value.normalize():f}", figure.kind) for figure in extract_numbers(text, lang)
    ]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("670 miljoen USD", "nl", [("670000000", "number")]),
        ("670 millions USD", "fr", [("670000000", "number")]),
        ("670 Millionen USD", "de", [("670000000", "number")]),
        ("USD 670 million", "en", [("670000000", "number")]),
        ("18 mln. euro", "nl", [("18000000", "number")]),
        ("5 Mrd. Euro", "de", [("5000000000", "number")]),
        ("2 miljard", "nl", [("2000000000", "number")]),
        ("2 billion", "en", [("2000000000", "number")]),  # short scale
        ("2 billions", "fr", [("2000000000000", "number")]),  # long scale
        ("een stijging van 12,5%", "nl", [("12.5", "percent")]),
        ("une hausse de 12,5 %", "fr", [("12.5", "percent")]),
        ("a rise of 12.5%", "en", [("12.5", "percent")]),
        ("60 procent", "nl", [("60", "percent")]),
        ("60 per cent", "en", [("60", "percent")]),
        ("60 Prozent", "de", [("60", "percent")]),
        ("de 21ste eeuw", "nl", [("21", "ordinal")]),
        ("le 21e siècle", "fr", [("21", "ordinal")]),
        ("le 1er mars", "fr", [("1", "ordinal")]),
        ("the 21st century", "en", [("21", "ordinal")]),
        ("om 14.30 uur", "nl", [("1430", "time")]),
        ("à 14h30", "fr", [("1430", "time")]),
        ("um 14:30 Uhr", "de", [("1430", "time")]),
        ("at 2.30 pm", "en", [("1430", "time")]),
        ("12 maart 2024", "nl", [("12", "number"), ("2024", "number")]),
        ("F-16's en COVID-19", "nl", []),  # names, not figures
        ("2014-2022", "nl", [("2014", "number"), ("2022", "number")]),
        ("A400M en G7", "nl", []),  # identifiers: no figures
        ("1.600 vluchten, 45.000 personen", "nl", [("1600", "number"), ("45000", "number")]),
        ("1 600 vols", "fr", [("1600", "number")]),
        # French typography: no-break spaces after words and inside figures
        ("le 24\u00a0septembre\u00a01759", "fr", [("24", "number"), ("1759", "number")]),
        (
            "un bail de 9\u00a0000\u00a0ans, n°\u00a011",
            "fr",
            [("9000", "number"), ("11", "number")],
        ),
        ("en\u202f2007", "fr", [("2007", "number")]),
        ("in 2023 500 mensen", "nl", [("2023", "number"), ("500", "number")]),
        (
            "+32 2 501 81 11",
            "nl",
            [("32", "number"), ("2501", "number"), ("81", "number"), ("11", "number")],
        ),
        ("geen cijfers", "nl", []),
        ("18mln euro", "nl", [("18000000", "number")]),
        ("5km lang, 3 MILJOEN", "nl", [("5", "number"), ("3000000", "number")]),
        # "İ" lengthens when lower-cased: the text is matched as it is, in any case
        (
            "İzmir: 670 Millionen USD, 12,5 Prozent",
            "de",
            [("670000000", "number"), ("12.5", "percent")],
        ),
    ],
)
def test_extract_numbers(text: str, lang: str, expected: list[tuple[str, str]]) -> None:
    assert values(text, lang) == expected


def test_figure_keeps_its_text_and_place() -> None:
    text = "Tussen 2014 en 2022 voerden F-16's 1.600 vluchten uit."
    for figure in extract_numbers(text, "nl"):
        assert text[figure.start : figure.end] == figure.text
    assert [figure.text for figure in extract_numbers("18 mln. euro", "nl")] == ["18 mln."]


def test_malformed_figure_is_read_leniently_and_marked() -> None:
    (figure,) = extract_numbers("a rise of 3,5%", "en")
    assert figure.value == Decimal("3.5")
    assert not figure.well_formed
    assert figure.reread("nl") == Decimal("3.5")


def issues(source: str, target: str, lang: str) -> list[tuple[str, str, str]]:
    return [
        (
            issue.kind,
            issue.source.text if issue.source else "",
            issue.target.text if issue.target else "",
        )
        for issue in compare_numbers(source, target, lang)
    ]


@pytest.mark.parametrize(
    ("source", "target", "lang", "expected"),
    [
        # kept, in each language's own way
        ("670 miljoen USD", "670 millions USD", "fr", []),
        ("670 miljoen USD", "670 Millionen USD", "de", []),
        ("670 miljoen USD", "USD 670 million", "en", []),
        ("670 miljoen USD", "USD 670.000.000", "de", []),
        ("1.000,5 euro", "1\u202f000,5 euros", "fr", []),
        ("1.000,5 euro", "EUR 1,000.5", "en", []),
        ("12,5% t.o.v. 2023", "12.5% compared with 2023", "en", []),
        ("12,5%", "12,5 %", "fr", []),
        ("de 21ste eeuw", "the 21st century", "en", []),
        ("om 14.30 uur", "à 14h30", "fr", []),
        ("drie landen, 5 partners", "three countries, five partners", "en", []),
        ("Tussen 2014 en 2022", "Zwischen 2022 und 2014", "de", []),  # order may change
        # spelled out: cardinals, tens and ordinals; French centuries in Roman numerals
        ("vijftien eilanden, zeventig km", "15 Inseln, 70 km", "de", []),
        ("het eerste en derde regiment", "das 1. und das 3. Regiment", "de", []),
        ("op de 1e dag", "le premier jour", "fr", []),
        ("in de 18e eeuw, de 3e Republiek", "au XVIIIe siècle, la IIIe République", "fr", []),
        ("in de 18e eeuw", "au XVIIe siècle", "fr", [("missing", "18e", "")]),
        ("100 landen", "Ce pays", "fr", [("missing", "100", "")]),  # "Ce" is no Roman 100
        # a figure stuck to a word, which the pattern takes for a name, on either side
        ("het Formule 1-kampioenschap", "die Formel-1-Weltmeisterschaft", "de", []),
        ("(Larson, 1989, pp 109)", "(Larson, 1989, p109)", "fr", []),
        ("de Formule-1", "Formula 1", "en", []),
        ("het Formule 1-kampioenschap", "die Formel-2-Meisterschaft", "de", [("missing", "1", "")]),
        # a Dutch time without "uur" reads as a number; the translation's time is the same
        ("om 11.00 lokale tijd (02.30 UTC)", "um 11:00 Uhr Ortszeit (02:30 UTC)", "de", []),
        ("om 11.00 lokale tijd", "um 11:30 Uhr", "de", [("changed", "11.00", "11:30 Uhr")]),
        ("om 10.00 uur", "gegen 10 Uhr", "de", []),  # a whole hour, as its hour
        ("om 10.00 uur", "gegen 11 Uhr", "de", [("changed", "10.00 uur", "11")]),
        # "de jaren 60" are the sixties, however the translation writes them
        ("in de jaren 60", "in den 1960er Jahren", "de", []),
        ("in de jaren 60", "in the 1960s", "en", []),
        ("in de jaren 60", "dans les années 60", "fr", []),
        ("in de jaren '70", "in the 1970s", "en", []),
        ("in de jaren '30", "in den dreißiger Jahren", "de", []),
        ("een '18'-sticker", "une étiquette « 18 »", "fr", []),
        ("meer dan vier miljoen mensen, duizend jaar", "4,000,000 people, 1000 years", "en", []),
        ("60 mensen", "1960 people", "en", [("changed", "60", "1960")]),
        # one end of a range read with the other: a year's last two digits, a shared scale word
        ("sinds het seizoen 1995-1996", "depuis la saison 1995-96", "fr", []),
        ("het begrotingsjaar 2023-24", "the 2023/2024 financial year", "en", []),
        ("van 1999 tot 2000", "von 1999-00", "de", []),
        ("sinds 1995-1996", "seit 1995-97", "de", [("changed", "1996", "97")]),
        ("340 miljoen tot 500 miljoen sprekers", "340 bis 500 Millionen Sprecher", "de", []),
        ("tussen 2 en 3 miljoen euro", "between 2 million and 3 million euros", "en", []),
        (
            "340 miljoen sprekers, 500 miljoen",
            "340 Sprecher, 500 Millionen",
            "de",
            [("changed", "340 miljoen", "340")],
        ),  # no range: 340 is 340
        # number words joined to a multiplying ending, ordinal words of hundreds and thousands
        ("meer dan 8 keer zoveel water", "mehr als achtmal so viel Wasser", "de", []),
        ("90 keer zo groot", "um das Neunzigfache", "de", []),
        ("met 100% zekerheid", "mit hundertprozentiger Sicherheit", "de", []),
        ("zijn 1.000ste postzegel", "son millième timbre", "fr", []),
        ("de dertienjarige coureur", "le pilote de 13 ans", "fr", []),
        ("de 2e grootste donor", "der zweitgrößte Geber", "de", []),
        ("zijn 1.000ste postzegel", "seine tausendste Briefmarke", "de", []),
        # missing, changed, added
        ("87 leden", "les membres", "fr", [("missing", "87", "")]),
        ("87 leden", "78 members", "en", [("changed", "87", "78")]),
        (
            "18 miljoen euro",
            "18 Milliarden Euro",
            "de",
            [("changed", "18 miljoen", "18 Milliarden")],
        ),
        ("18 miljoen euro", "18 billion euros", "en", [("changed", "18 miljoen", "18 billion")]),
        ("in maart", "en mars 2024", "fr", [("added", "", "2024")]),
        # reformatted: Dutch separators kept, so the figure reads as another value
        ("1.600 vluchten", "1.600 flights", "en", [("reformatted", "1.600", "1.600")]),
        ("1,5 miljoen", "1,5 million", "en", [("format", "1,5 miljoen", "1,5 million")]),
        ("12,5%", "12,5%", "en", [("format", "12,5%", "12,5%")]),
        ("1.000,5", "1,000.5", "fr", [("format", "1.000,5", "1,000.5")]),
        # a label malformed in both languages, copied as written: no figure to localise
        ("zie figuur 1.1, de 802.11n-norm", "siehe Abbildung 1.1, der 802.11n-Standard", "de", []),
        ("zie figuur 1.1", "siehe Abbildung 1.2", "de", [("changed", "1.1", "1.2")]),
        # a superscript stuck to a figure is no digit of it (str.isdigit says it is)
        ("12 km² en 10³ ton", "12 km² et 10³ tonnes", "fr", []),
        ("12 km²", "13 km²", "fr", [("changed", "12", "13")]),
    ],
)
def test_compare_numbers(
    source: str, target: str, lang: str, expected: list[tuple[str, str, str]]
) -> None:
    assert issues(source, target, lang) == expected


def test_dutch_times_and_decades_are_read_so_in_dutch_sources_only() -> None:
    # an English "11.00" is the number 11, not eleven o'clock; "jaren" is a Dutch word
    assert compare_numbers("om 11.00, de jaren 60", "um 11:00, die 1960er", "de") == ()
    (changed,) = compare_numbers("11.00 points", "11:00 Punkte", "de", "en")
    assert changed.kind == "changed" and changed.target is not None
    assert changed.target.kind == "time"


def test_fast_readings_agree_with_the_full_scan() -> None:
    """compare_numbers answers most pairs from readings memoised by the text of each match (one
    findall a text, no positions); they must say what the groups of each match say where it
    stands, and what extract_numbers says, figure for figure, memo warm or cold."""
    import random

    from mt.qa.numbers import _FIGURE, _READINGS, _read, _readings

    pieces = [
        "1", "12", "2019", "10.000", "1\u00a0000", "3,5", "3.5", "1,000.5", "1'000", "14:30",
        "14.30", "14h30", "14u30", "21", "2ème", "0", "1.600", " uur", " Uhr", " pm", "%", " %",
        " procent", " per cent", " Pour Cent", " cent", " miljoen", " millions", " Millionen",
        " mln.", "mln", "ste", "th", "km", " ", "-", "F-", "A", "de", ".", ",", "İ", " MILJARD",
        " per", "\n", "5", "30x", " uurs", " a.m.", "h", "u", "%x", " millionsx", "²", "³", "٣",
    ]  # fmt: skip
    rng = random.Random(7)
    _READINGS.clear()
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 10)))
        for lang in ("nl", "fr", "de", "en"):
            figures = extract_numbers(text, lang)
            expected = [(f.value, f.kind, f.well_formed) for f in figures]
            lowered = text.lower()
            if len(lowered) == len(text):  # read from the groups where each match stands
                in_place = [_read(m.groups(""), lang) for m in _FIGURE.finditer(lowered)]
                assert [(r[0], r[1], r[5]) for r in in_place] == expected, text
                assert _readings(text, lang) == in_place, text
            for _ in range(2):  # the second time from the memo
                readings = [(r[0], r[1], r[5]) for r in _readings(text, lang)]
                assert readings == expected, text


@pytest.mark.parametrize("lang", ["nl", "fr", "de", "en", "it"])
def test_plain_figures_are_read_as_the_figure_pattern_reads_them(lang: str) -> None:
    """A figure of digits and marks alone (maybe with a scale word) is read without the figure
    pattern's groups (a small regex of well-formed figures): the same value, written the same
    ("1.0" is not "1"), kind, length, digits, scale and well-formedness as :func:`_read` gives,
    for figures well formed or not, and words that scale them or do not."""
    import random

    from mt.qa.numbers import _FIGURE, _FIGURE_TEXT, _read, _Readings

    rng = random.Random(11)
    marks = ".,' \u00a0\u202f\u2009"
    texts = ["12.345", "12 345", "1 000,5", "1,000.5", "1.000.000", "1'000", "12345,5", "1,5"]
    words = ["", "", " miljoen", " millions", " million", "\u00a0milliards", " mille", " mrd"]
    words += [" uur", " procent", " duizend", " tausend", " bn", " mio", " Millionen", "\nmln"]
    for _ in range(3000):
        texts.append(
            rng.choice("123456789")
            + "".join(
                rng.choice(marks if rng.random() < 0.3 else "0123456789")
                for _ in range(rng.randint(0, 9))
            )
            + rng.choice(words).lower()
        )
    readings = _Readings(lang)
    checked = 0
    for text in texts:
        if _FIGURE_TEXT.findall(text) != [text]:
            continue  # not one figure as the checks meet them
        match = _FIGURE.fullmatch(text)
        assert match is not None
        expected = _read(match.groups(""), lang)
        got = readings[text]
        assert got == expected and str(got[0]) == str(expected[0]), text
        checked += 1
    assert checked > 1000


def test_may_hold_units_finds_each_digit_as_the_zeroed_text_did() -> None:
    """The hints' automaton holds a spelling for every digit ("0 km" to "9 km"); it must find
    what searching the text with its digits written as 0 found (how the test read before)."""
    import random

    import ahocorasick_rs

    from mt.qa import units

    zeros = str.maketrans("123456789", "000000000")
    short = [form for form in units._BY_WORD if len(form) < 3]
    hints = sorted(
        {form for form in units._BY_WORD if len(form) >= 3}
        | {"€", "$", "£", "¥", "°", "º"}
        | {f"0{space}{form}" for space in units.UNIT_SPACES for form in short}
    )
    hints = [hint.translate(zeros) for hint in hints]
    finder = ahocorasick_rs.AhoCorasick(hints, matchkind=ahocorasick_rs.MatchKind.Standard)

    def zeroed_verdict(lowered: str) -> bool:
        for index, start, end in finder.find_matches_as_indexes(
            lowered.translate(zeros), overlapping=True
        ):
            hint = hints[index]
            if not hint[-1].isalpha():
                return True
            if end < len(lowered) and lowered[end].isalpha():
                continue
            if hint[0] == "0" or hint in units._CURRENCY_SIGNS:
                return True
            if units._FIGURE_BEFORE.search(lowered, max(0, start - 24), start):
                return True
        return False

    pieces = [
        "5", "12", "2019", " ", "\u00a0", "\u202f", "\t", "km", "km2", "m2", "m³", "kg", "euro",
        " miljoen", "usd", "€", "°c", "uur", "kilometer", "met", "de", "a", ".", "(", "m", "mi",
        "ha", "x",
    ]  # fmt: skip
    rng = random.Random(5)
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        assert units.may_hold_units(text) == zeroed_verdict(text), text


def test_compare_numbers_remembering_a_source_changes_no_answer() -> None:
    """``remember``: what was read of a source is kept for its next translation; the answers
    are those of a source read afresh, and another source is never answered from it."""
    cases = [
        ("10 km en 5 kg", "10 km et 5 kg", "fr"),
        ("10 km en 5 kg", "10 km und 6 kg", "de"),
        ("10 km en 5 kg", "10 miles and 5 kg", "en"),
        ("de 3,5% van 1.000 euro", "3.5% of EUR 1,000", "en"),
        ("10 km en 5 kg", "10 km", "fr"),
    ]
    for source, target, lang in cases:
        expected = compare_numbers(source, target, lang)
        assert compare_numbers(source, target, lang, remember=True) == expected
        assert compare_numbers(source, target, lang, remember=True) == expected


@pytest.mark.parametrize(
    ("text", "lang", "written", "not_written"),
    [
        ("vijftien landen, de derde keer", "nl", {15, 3}, {5}),
        ("meer dan vier miljoen mensen", "nl", {4, 4_000_000}, {1_000_000}),
        ("duizend jaar", "nl", {1000}, set()),
        ("in den dreißiger Jahren, am zweiten Tag", "de", {30, 2}, set()),
        ("au XVIIIe siècle, François Ier, la Ve République", "fr", {18, 1, 5}, set()),
        ("Ce pays, Le XVIIe, IIIIe", "fr", {17}, {100, 50, 4}),  # only I, V, X; well written
        ("die Formel-1-Weltmeisterschaft, p109", "de", {1, 109}, set()),
        ("achtmal, das Neunzigfache, hundertprozentig", "de", {8, 90, 100}, set()),
        ("tweemaal, tienvoudige groei, de dertienjarige", "nl", {2, 10, 13}, set()),
        ("ein dreizehnjähriger Fahrer", "de", {13}, set()),
        ("der zweitgrößte Geber, den fünftplatzierten", "de", {2, 5}, set()),
        ("ein Viertel, ein Drittel, Achtung", "de", set(), {3, 4, 8}),  # fractions, no ordinals
        ("seine tausendste, le millième, the hundredth", "de", {1000}, {100}),  # each its language
        ("in 2016 and 20 more", "en", set(), {2016, 20}),  # figures are not written otherwise
    ],
)
def test_written_values(text: str, lang: str, written: set[int], not_written: set[int]) -> None:
    values = written_values(text, lang)
    assert written <= values
    assert not values & not_written


@pytest.mark.parametrize("space", [" ", "\u00a0", "\u202f", "\u2009", "\u2007", "\t"])
@pytest.mark.parametrize(
    ("source", "target", "lang"),
    [
        ("De weg is 10{}km lang.", "La route fait 10{}miles.", "fr"),
        ("Het pakket weegt 5{}kg.", "The parcel weighs 5{}lb.", "en"),
    ],
)
def test_a_unit_swapped_is_found_whatever_space_stands_before_it(
    space: str, source: str, target: str, lang: str
) -> None:
    """French typography writes "10\u202fkm": the unit check must read it as "10 km"."""
    from mt.qa.numbers import compare_numbers

    issues = compare_numbers(source.format(space), target.format(space), lang)
    assert [issue.kind for issue in issues] == ["unit"]
