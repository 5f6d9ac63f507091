"""Units of measure and currencies written beside figures, and conversions between them.

A translator may convert a quantity ("250 kg" becomes "550 pounds", "30 °C" becomes "86 °F"), add
a conversion ("10 feet (3 m)"), or drop one; all of these are consistent. What is not is a unit
or currency changed while the figure is kept ("10 centimeter regen" translated "10 inches of
rain", "150 miljard euro" translated "£150 billion")::

    >>> units_after("150 miljard euro", 11)
    ('EUR',)
    >>> converts(Decimal(250), ("kg",), Decimal(550), ("lb",))
    True
    >>> converts(Decimal(10), ("cm",), Decimal(10), ("in",))
    False

A unit is read from the words right after a figure (its scale word included: "150 miljard euro")
or a currency sign or code right before it ("£150", "USD 670 million"). Some words name two units
("pound": the mass or the currency; "pond", "livre", "Pfund" likewise): a figure then holds every
one it may mean, and two figures have the same unit when they may mean one in common.

A conversion holds within rounding: the converted value may differ from the written one by half
the written figure's last significant digit ("550" is read to the ten: 551.2 rounds to it), or by
4 % (translators round "35.3 pounds" to "36"). Currencies never convert: their rate is not known.
This module imports nothing heavy (``pint`` alone takes longer to import than a whole check).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import ahocorasick_rs


@dataclass(frozen=True)
class Unit:
    """A unit: its dimension, and how to reach the dimension's base (value * factor + offset)."""

    name: str
    dimension: str  # length, area, volume, mass, temperature, speed, duration, currency
    factor: float = 1.0
    offset: float = 0.0


_UNITS = {
    unit.name: unit
    for unit in (
        Unit("mm", "length", 0.001),
        Unit("cm", "length", 0.01),
        Unit("m", "length", 1.0),
        Unit("km", "length", 1000.0),
        Unit("in", "length", 0.0254),
        Unit("ft", "length", 0.3048),
        Unit("yd", "length", 0.9144),
        Unit("mi", "length", 1609.344),
        Unit("nmi", "length", 1852.0),
        Unit("m2", "area", 1.0),
        Unit("km2", "area", 1e6),
        Unit("ha", "area", 1e4),
        Unit("acre", "area", 4046.856),
        Unit("mi2", "area", 2.589988e6),
        Unit("ft2", "area", 0.09290304),
        Unit("ml", "volume", 0.001),
        Unit("l", "volume", 1.0),
        Unit("m3", "volume", 1000.0),
        Unit("gal", "volume", 3.785412),
        Unit("g", "mass", 0.001),
        Unit("kg", "mass", 1.0),
        Unit("t", "mass", 1000.0),  # a short ton (907 kg) is within the rounding allowed
        Unit("lb", "mass", 0.45359237),
        Unit("oz", "mass", 0.028349523),
        Unit("degC", "temperature", 1.0),
        Unit("degF", "temperature", 5 / 9, -32 * 5 / 9),
        Unit("km/h", "speed", 1.0),
        Unit("mph", "speed", 1.609344),
        Unit("kn", "speed", 1.852),
        Unit("s", "duration", 1.0),
        Unit("min", "duration", 60.0),
        Unit("h", "duration", 3600.0),
        Unit("d", "duration", 86400.0),
        Unit("wk", "duration", 604800.0),
        Unit("EUR", "currency"),
        Unit("USD", "currency"),
        Unit("GBP", "currency"),
        Unit("JPY", "currency"),
        Unit("CHF", "currency"),
        Unit("CNY", "currency"),
    )
}

# The words for each unit in Dutch, French, German and English, lower case; "|" separates forms.
# Ambiguous words name several units ("pound"). Single letters that are also words ("in", "t",
# "s", "l'") are left out; "m" after a figure is the metre ("125m" after a currency sign is 125
# million: see mt.qa.numbers).
_WORDS: dict[str, str] = {
    "mm": "mm|millimeter|millimeters|millimetre|millimetres|millimètre|millimètres|millimetern",
    "cm": "cm|centimeter|centimeters|centimetre|centimetres|centimètre|centimètres|zentimeter"
    "|zentimetern",
    "m": "m|meter|meters|metre|metres|mètre|mètres|metern",
    "km": "km|kilometer|kilometers|kilometre|kilometres|kilomètre|kilomètres|kilometern",
    "in": "inch|inches|duim|pouce|pouces|zoll",
    "ft": "ft|foot|feet|voet|pied|pieds|fuß|fuss",
    "yd": "yard|yards|yd",
    "mi": "mile|miles|mijl|mijlen|meile|meilen|mi",
    "nmi": "zeemijl|zeemijlen|nautical mile|nautical miles|mille marin|milles marins|seemeile"
    "|seemeilen",
    "m2": "m²|m2|vierkante meter|square metres|square meters|square metre|square meter"
    "|mètres carrés|mètre carré|quadratmeter|quadratmetern",
    "km2": "km²|km2|vierkante kilometer|vierkante kilometers|square kilometres|square kilometers"
    "|square kilometre|square kilometer|kilomètres carrés|kilomètre carré|quadratkilometer"
    "|quadratkilometern",
    "ha": "ha|hectare|hectares|hektar",
    "acre": "acre|acres",
    "mi2": "mi²|mi2|square miles|square mile|vierkante mijl|miles carrés|quadratmeilen",
    "ft2": "square feet|square foot|sq ft|vierkante voet|pieds carrés|quadratfuß",
    "ml": "ml|milliliter|milliliters|millilitre|millilitres|millilitre",
    "l": "liter|liters|litre|litres|litern",
    "m3": "m³|m3|kubieke meter|cubic metres|cubic meters|mètres cubes|kubikmeter",
    "gal": "gallon|gallons|gallon|gallonen",
    "g": "g|gram|grammen|grams|gramme|grammes|gramm",
    "kg": "kg|kilo|kilo's|kilos|kilogram|kilograms|kilogramme|kilogrammes|kilogramm",
    "t": "ton|tonnen|tonne|tonnes|tons",
    "lb": "lb|lbs|pound|pounds|pond|livre|livres|pfund",
    "oz": "oz|ounce|ounces|ons|onces|unze|unzen",
    "degC": "°c|° c|ºc|º c|graden celsius|degrees celsius|degree celsius|degrés celsius"
    "|degré celsius|grad celsius|celsius",
    "degF": "°f|° f|ºf|º f|graden fahrenheit|degrees fahrenheit|degree fahrenheit"
    "|degrés fahrenheit|grad fahrenheit|fahrenheit",
    "km/h": "km/h|km/u|km per uur|kilometer per uur|kilometres per hour|kilometers per hour"
    "|kilometres an hour|kilometers an hour|kilomètres par heure|kilomètres à l'heure"
    "|kilomètres/heure|km à l'heure|kilomètres-heure|stundenkilometer|stundenkilometern"
    "|kilometer pro stunde|kilometern pro stunde|km pro stunde",
    "mph": "mph|mijl per uur|mijlen per uur|miles per hour|miles an hour|miles par heure"
    "|miles à l'heure|meilen pro stunde",
    "kn": "knoop|knopen|knot|knots|nœud|nœuds|noeuds|knoten",
    "s": "seconde|seconden|second|seconds|secondes|sekunde|sekunden|sec",
    "min": "minuut|minuten|minute|minutes|min",
    "h": "uur|uren|hour|hours|heure|heures|stunde|stunden|hrs|hr",
    "d": "dag|dagen|day|days|jour|jours|tag|tage|tagen",
    "wk": "week|weken|weeks|semaine|semaines|woche|wochen",
    "EUR": "euro|euro's|euros|eur|€",
    "USD": "dollar|dollars|usd|us-dollar|us-dollars|dollar américain|dollars américains|$",
    "GBP": "pound sterling|pounds sterling|livre sterling|livres sterling|gbp|£|pond sterling"
    "|britse pond|britische pfund",
    "JPY": "yen|jpy|¥",
    "CHF": "chf|zwitserse frank|franc suisse|francs suisses|schweizer franken|swiss francs",
    "CNY": "yuan|renminbi|cny",
}
# Words that name two units: a pound is a mass and a currency.
_ALSO = dict.fromkeys(("pound", "pounds", "pond", "livre", "livres", "pfund"), "GBP")
_BY_WORD: dict[str, tuple[str, ...]] = {}
for _name, _forms in _WORDS.items():
    for _form in _forms.split("|"):
        _BY_WORD[_form] = (_name, _ALSO[_form]) if _form in _ALSO else (_name,)


# After a figure: an optional space (or a no-break space), then up to three words, the longest
# run of which that names a unit is the unit ("kilomètres à l'heure" before "kilomètres"); a word
# may end with punctuation ("km,") and start right after the figure ("30°C", "90kg"). Looking
# the words up costs less than a regex of every form, which took 30 ms to compile.
_NEXT_WORDS = re.compile(
    r"[\s\u00a0\u202f]?([^\s\u00a0\u202f]+)(?:[\s\u00a0]([^\s\u00a0\u202f]+))?"
    r"(?:[\s\u00a0]([^\s\u00a0\u202f]+))?"
)
_TRAILING = ".,;:!?)]»\"'”’…"
# The first words of the units written in several words ("kilomètres" of "kilomètres à l'heure")
_FIRST_WORDS = frozenset(form.split(" ")[0] for form in _BY_WORD if " " in form)


def _unit_match(text: str, end: int) -> tuple[tuple[str, ...], int] | None:
    """The units named right after ``end`` in ``text``, and where their words end; None: none."""
    match = _NEXT_WORDS.match(text, end)
    if match is None:
        return None
    # most figures are followed by a word that no unit starts with: answered by two lookups
    first = match[1]
    if first.lower() not in _FIRST_WORDS and first.rstrip(_TRAILING).lower() not in _BY_WORD:
        return None
    words = [word for word in match.groups() if word]
    for count in range(len(words), 0, -1):
        last = words[count - 1]
        stripped = last.rstrip(_TRAILING)
        if not stripped:
            continue
        units = _BY_WORD.get(" ".join([*words[: count - 1], stripped]).lower())
        if units is not None:
            return units, match.end(count) - (len(last) - len(stripped))
    return None


# Before a figure: a currency sign or code, then an optional space ("£150", "USD 670", "US$ 5").
_CURRENCY_BEFORE = re.compile(
    r"(?:(?<![^\W\d_])(?:us\$|usd|eur|gbp|chf|jpy|cny)|[€$£¥])[\s\u00a0\u202f]?$", re.IGNORECASE
)
_CURRENCY_SIGNS = {
    "us$": "USD",
    "usd": "USD",
    "$": "USD",
    "eur": "EUR",
    "€": "EUR",
    "gbp": "GBP",
    "£": "GBP",
    "chf": "CHF",
    "jpy": "JPY",
    "¥": "JPY",
    "cny": "CNY",
}


# A cheap test that a text may hold a unit beside a figure (most sentences hold none), on the
# lower-cased text, in one pass of an automaton (Rust code) over it: a currency or degree sign, a
# unit word of three letters or more anywhere ("uur", "kilometer", "euro"), checked to follow a
# figure (and maybe a scale word: "150 miljard euro"), or a shorter one ("km", "m") right after a
# digit ("5 km", "90kg"). A regex alternation of the forms after each digit took five times as
# long: the regex engine tries its branches one by one. A digit in a hint stands for any digit
# ("0 km" is sought as "0 km" to "9 km", "km2" as "km0" to "km9"): the automaton holds each
# spelling, so that the text is searched as it is (rewriting its digits as "0" first took half
# the time of the test).
_DIGITS = "0123456789"


@lru_cache(maxsize=1)
def _hint_finder() -> tuple[list[tuple[bool, bool, bool]], ahocorasick_rs.AhoCorasick]:
    """What each hint is (a sign; a short unit after a digit; a currency code) and the automaton
    of the hints, made on first use (a few milliseconds)."""
    short = [form for form in _BY_WORD if len(form) < 3]
    hints = sorted(
        {form.translate(_ZEROS) for form in _BY_WORD if len(form) >= 3}
        | {"€", "$", "£", "¥", "°", "º"}
        | {f"0{space}{form}".translate(_ZEROS) for space in UNIT_SPACES for form in short}
    )
    spellings: dict[str, tuple[bool, bool, bool]] = {}
    for hint in hints:
        kind = (not hint[-1].isalpha(), hint[0] == "0", hint in _CURRENCY_SIGNS)
        for spelling in _any_digits(hint):
            spellings.setdefault(spelling, kind)
    automaton = ahocorasick_rs.AhoCorasick(
        list(spellings), matchkind=ahocorasick_rs.MatchKind.Standard
    )
    return list(spellings.values()), automaton


_ZEROS = str.maketrans("123456789", "000000000")
# What may stand between a figure and a short unit ("10 km"): nothing, a space, a no-break space,
# French typography's narrow no-break space, a thin space, a figure space, a tab.
UNIT_SPACES = ("", " ", "\u00a0", "\u202f", "\u2009", "\u2007", "\t")


def _any_digits(hint: str) -> list[str]:
    """``hint`` with each "0" in it written as each digit: "km0" -> "km0", "km1", ..., "km9"."""
    if "0" not in hint:
        return [hint]
    head, _, tail = hint.partition("0")
    return [head + digit + rest for digit in _DIGITS for rest in _any_digits(tail)]


_FIGURE_BEFORE = re.compile(r"[0-9](?:[\s\u00a0][^\W\d_]+\.?)?[\s\u00a0]?$")


def may_hold_units(lowered: str) -> bool:
    """Whether a text (lower-cased) may hold a unit or currency beside a figure; False: none."""
    size = len(lowered)
    kinds, finder = _hint_finder()
    for index, start, end in finder.find_matches_as_indexes(lowered, overlapping=True):
        sign, after_digit, currency = kinds[index]
        if sign:
            return True  # a sign
        if end < size and lowered[end].isalpha():
            continue  # inside a word: "5 met", "kilometers" is found as "kilometer" then
        if after_digit:
            return True  # a short unit right after a digit
        if currency or _FIGURE_BEFORE.search(lowered, max(0, start - 24), start):
            return True  # a currency code (before or after its figure), a unit after a figure
    return False


def units_after(text: str, end: int) -> tuple[str, ...]:
    """The units a figure ending at ``end`` in ``text`` is written with, by name (empty: none).

    A unit followed by "per", "pro", "par", "à", "an", "a" or "/" is part of a rate this module
    may not know ("kilomètres à la seconde"): none is read then, rather than a wrong one."""
    found = _unit_match(text, end)
    if found is None or _RATE.match(text, found[1]):
        return ()
    return found[0]


_RATE = re.compile(r"\s*(?:/|(?:per|pro|par|à|an|a|je|la|le)\s)", re.IGNORECASE)


def unit_end(text: str, end: int) -> int:
    """Where the unit written after a figure ending at ``end`` ends (``end`` when none is)."""
    found = _unit_match(text, end)
    return end if found is None else found[1]


def currency_before(text: str, start: int) -> str:
    """The currency whose sign or code stands right before a figure starting at ``start``."""
    match = _CURRENCY_BEFORE.search(text, max(0, start - 5), start)
    if match is None:
        return ""
    return _CURRENCY_SIGNS.get(match[0].strip().lower(), "")


def units_of(text: str, start: int, end: int) -> tuple[str, ...]:
    """The units of the figure at ``text[start:end]``: a currency before it, else a unit after."""
    before = currency_before(text, start) if start else ""
    return (before,) if before else units_after(text, end)


def same_unit(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    """Whether two figures' units may be the same (each may name several)."""
    return not set(first).isdisjoint(second)


def dimension(units: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_UNITS[name].dimension for name in units)


def changed_unit(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    """Whether two figures of one value name units that cannot be one: "10 cm" and "10 inches",
    "150 euro" and "£150". A unit on one side only says nothing (it may be implied)."""
    if not first or not second or same_unit(first, second):
        return False
    if dimension(first).isdisjoint(dimension(second)):
        return False  # "240 km/h" read as "240 km": a unit this module misread, not a change
    # the same value in two units is right only when they are (nearly) the same size
    return not any(_nearly_equal(_UNITS[a], _UNITS[b]) for a in first for b in second)


def _nearly_equal(first: Unit, second: Unit) -> bool:
    return (
        first.dimension == second.dimension
        and first.dimension != "currency"
        and first.offset == second.offset
        and abs(first.factor / second.factor - 1) < 0.04
    )


def converts(
    value: Decimal, units: tuple[str, ...], other: Decimal, other_units: tuple[str, ...]
) -> bool:
    """Whether ``other`` (in ``other_units``) is ``value`` (in ``units``) converted, within the
    rounding the written ``other`` shows (see the module docstring); currencies never convert."""
    for name in units:
        for other_name in other_units:
            if name == other_name:
                continue
            unit, target = _UNITS[name], _UNITS[other_name]
            if unit.dimension != target.dimension or unit.dimension == "currency":
                continue
            base = float(value) * unit.factor + unit.offset
            converted = (base - target.offset) / target.factor
            if abs(converted - float(other)) <= _tolerance(other, converted):
                return True
    return False


@lru_cache(maxsize=4096)
def _tolerance(written: Decimal, exact: float) -> float:
    """How far a written conversion may be from the exact one: half its last significant digit
    (trailing zeros of a whole number are not significant: "550" is read to the ten), or 4 %."""
    sign, digits, exponent = written.normalize().as_tuple()
    step = 10.0 ** int(exponent) if isinstance(exponent, int) else 1.0
    return max(step / 2, abs(exact) * 0.04)


__all__ = [
    "Unit",
    "changed_unit",
    "converts",
    "currency_before",
    "dimension",
    "may_hold_units",
    "same_unit",
    "unit_end",
    "units_after",
    "units_of",
]
