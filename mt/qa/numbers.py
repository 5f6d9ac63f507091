"""Figures in running text, read the way each language writes them, so a check can compare values.

"670 miljoen USD" (nl), "670 millions USD" (fr), "670 Millionen USD" (de) and "USD 670 million" (en)
all hold the value 670,000,000; "1.000,5" (nl, de, fr), "1 000,5" (fr, also with a no-break or
narrow no-break space) and "1,000.5" (en) all hold 1000.5; "12,5%", "12.5%" and "12,5 %" hold 12.5;
"21ste", "21e", "21." and "21st" hold 21; "14.30 uur", "14h30" and "2.30 pm" are the time 14:30::

    >>> [str(n.value) for n in extract_numbers("670 miljoen USD en 12,5%", "nl")]
    ['670000000', '12.5']
    >>> [str(n.value) for n in extract_numbers("USD 670 million and 12.5%", "en")]
    ['670000000', '12.5']

Each figure is parsed with the separators of its language; :func:`parse_figure` also tells whether a
figure reads the same under another language's convention, which is how a check recognises a figure
that was copied with the wrong separators ("1.600" left as is in English means 1.6, not 1600).

A source figure that finds no equal in the translation is looked for written another way before
:func:`compare_numbers` reports it: in words ("vijftien", "eerste", "vier miljoen", "dreißiger",
"achtmal"), in French Roman numerals ("XVIIIe siècle" for "18e eeuw"), stuck to a word ("Formel-1"),
as a time ("om 11.00" without "uur" is "um 11:00 Uhr"; "10.00 uur" is "10 Uhr"), as a decade ("de
jaren 60" is "the 1960s"), or as one end of a range that takes part of its value from the other
("1995-96" for "1995-1996", "340 bis 500 Millionen" for "340 miljoen tot 500 miljoen"); the words
and signs are :mod:`mt.qa.numerals`'. Professional translators write all of these: what is left on
FLORES-200's translations is counted by ``benchmarks/check_flores.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import pairwise
from operator import itemgetter

from mt.qa.numerals import SCALES, written_values
from mt.qa.units import (
    changed_unit,
    converts,
    currency_before,
    dimension,
    may_hold_units,
    same_unit,
    units_of,
)

# Spaces that group thousands: plain, no-break (U+00A0), narrow no-break (U+202F), thin (U+2009).
_GROUP_SPACES = " \u00a0\u202f\u2009"

# The decimal mark and the thousands marks per language; a language not listed reads as Dutch.
_SEPARATORS: dict[str, tuple[str, str]] = {
    "nl": (",", "." + _GROUP_SPACES),
    "de": (",", "." + _GROUP_SPACES + "'"),
    "fr": (",", "." + _GROUP_SPACES),
    "en": (".", "," + _GROUP_SPACES),
}

_ORDINAL_SUFFIXES = frozenset(
    ("ste", "de", "e", "er", "re", "ère", "ème", "eme", "nd", "st", "rd", "th")
)
_PERCENT_WORDS = frozenset(("procent", "percent", "pourcent", "prozent"))

# One pass over the text finds times, and figures (digit runs joined by separators) with what may
# follow them: letters stuck to the figure (an ordinal suffix, "21ste"), a percent sign, and the
# next word when it may change the figure's meaning (a scale word, "670 miljoen", a percent word,
# "per cent"), which the code then looks up. Any other word is left out of the match, so that the
# text of a match says all there is to know of a figure: readings are memoised by it. A figure
# may not follow a letter (or a letter and a hyphen), nor a point after a digit ("No.1" holds
# the figure 1; "1.5" holds one figure, not two): identifiers such as "F-16", "A400M" and "G7"
# are names, not figures; nor a digit and an apostrophe, a no-break or a thin space, inside a
# grouped figure that did not read as one ("12\u00a03456"). After a word and such a space it may
# (French typography puts one in "24\u00a0septembre\u00a01759"), and after a quote ("'18'",
# "de jaren '70"). Figures are written with the digits 0-9.
#
# The pattern opens with the figure's first digit (group "lead"), so that the regex engine skips
# from digit to digit on its own; what may not stand before a figure is then asserted behind it.
_FIGURE_PATTERN = r"""
    (?P<lead>[0-9])(?<![\w,][0-9])(?<![0-9.]\.[0-9])(?<![0-9]['\u00a0\u202f\u2009][0-9])(?<![^\W\d_]-[0-9])
    (?:
        (?=[0-9]?(?:\s?[:h]|u|\.[0-5]))  # (what a time has after its first digit)
        (?:
            (?P<hour>(?<=[01])[0-9]|(?<=2)[0-3])?  # the hour's second digit, if any
            (?P<sep>\s?[:h]\s?|u)(?P<minute>[0-5][0-9])(?![0-9])
            (?P<tword>\s?(?:uur|uhr|hrs?|[ap]\.?m\.?)(?!\w))?
          |
            (?P<dhour>(?<=[01])[0-9]|(?<=2)[0-3])?\.(?P<dminute>[0-5][0-9])(?![0-9])
            (?P<dword>\s?(?:uur|u|h|uhr|hrs?|[ap]\.?m\.?)(?!\w))
        )
      |
        (?P<figure>  # what follows the first digit
            (?=[0-9]{0,2}[\u00a0\u202f\u2009\ ][0-9]{3}(?![0-9]))  # "1 000 000,5"
            [0-9]{0,2}(?:[\u00a0\u202f\u2009\ ][0-9]{3}(?![0-9]))+(?:[.,][0-9]+)?
          | [0-9]*+(?:[.,'][0-9]+)*+  # "1.000,5", "1,000.5"
        )
        (?P<suffix>[^\W\d_]{1,3}(?!\w))?
        (?P<percent>\s?%)?
        (?:
            \s(?=[bdmpt])(?P<word>{words})(?![^\W\d_])  # (the words' first letters)
            (?:(?P<cent>(?:(?<=per)|(?<=pour))\ cent)|(?P<dot>\.))?
        )?
    )
"""
_FOLLOWING = (
    {word for scales in SCALES.values() for word in scales} | _PERCENT_WORDS | {"per", "pour"}
)
assert {word[0] for word in _FOLLOWING} <= set("bdmpt"), "the pattern's guard lists first letters"
_FIGURE_PATTERN = _FIGURE_PATTERN.replace("{words}", "|".join(sorted(_FOLLOWING)))
# Written in lower case and matched against the lower-cased text, which is much faster than
# IGNORECASE; a text whose length lower-casing changes ("İ") takes the slow pattern, built on need.
_FIGURE = re.compile(_FIGURE_PATTERN, re.VERBOSE)


@lru_cache(maxsize=1)
def _figure_any_case() -> re.Pattern[str]:
    return re.compile(_FIGURE_PATTERN, re.VERBOSE | re.IGNORECASE)


@dataclass(frozen=True)
class Figure:
    """One figure found in a text: its value, what kind of figure it is, and where it stands."""

    value: Decimal  # scaled ("670 miljoen": 670000000); a time is hours * 100 + minutes (1430)
    kind: str  # "number", "percent", "ordinal" or "time"
    text: str  # as written, with its scale word, percent sign or ordinal suffix
    start: int
    end: int
    digits: str = ""  # the digits and separators alone ("1.000,5"); empty for a time
    scale: int = 1  # what the scale word multiplies by ("miljoen": 10**6)
    well_formed: bool = True  # False when the separators do not fit the language ("3.5" in Dutch)

    def reread(self, lang: str) -> Decimal | None:
        """This figure's value read as ``lang`` writes figures (None when malformed there)."""
        if not self.digits:
            return None
        value = parse_figure(self.digits, lang)
        return None if value is None else value * self.scale


def separators(lang: str) -> tuple[str, str]:
    """The decimal mark and the thousands marks of ``lang`` (Dutch for one not listed)."""
    return _SEPARATORS.get(lang, _SEPARATORS["nl"])


_MARK = re.compile(r"([^\d])")


def parse_figure(digits: str, lang: str) -> Decimal | None:
    """The value of ``digits`` ("1.000,5", "1 000,5", "1,000.5") written as ``lang`` writes figures.

    Returns None when the figure is not well formed in that language: thousands groups hold three
    digits ("3.5" is no Dutch figure; "1,000.5" is no French one); a decimal mark comes once, last.
    """
    if digits.isdigit():
        return Decimal(digits)
    decimal_mark, group_marks = separators(lang)
    parts = _MARK.split(digits)
    numbers, marks = parts[0::2], parts[1::2]
    integer, fraction = [numbers[0]], ""
    for index, mark in enumerate(marks):
        following = numbers[index + 1]
        if mark == decimal_mark:
            if index != len(marks) - 1:
                return None  # a decimal mark followed by more groups: "1,000,000" in Dutch
            fraction = following
        elif mark in group_marks:
            if len(following) != 3 or len(numbers[0]) > 3:
                return None
            integer.append(following)
        else:
            return None
    try:
        return Decimal("".join(integer) + ("." + fraction if fraction else ""))
    except InvalidOperation:  # pragma: no cover - the regex only lets digits through
        return None


def _lenient_value(digits: str) -> Decimal:
    """A value for a figure that is malformed in ``lang``: its last mark read as a decimal mark."""
    plain = re.sub(r"[^\d]", "", digits)
    last_mark = re.search(r"[^\d](\d+)$", digits)
    if last_mark and len(last_mark.group(1)) != 3:
        head = len(plain) - len(last_mark.group(1))
        return Decimal(plain[:head] + "." + plain[head:])
    return Decimal(plain)


def extract_numbers(text: str, lang: str) -> tuple[Figure, ...]:
    """Every figure in ``text`` (written in ``lang``), in order."""
    return tuple(Figure(*raw) for raw in _scan(text, lang))


# value, kind, text, start, end, digits, scale, well_formed: a Figure's fields
_Raw = tuple[Decimal, str, str, int, int, str, int, bool]
# What a match means: value, kind, length as a figure (scale word, percent sign or suffix included),
# digits as written, scale, and whether it is well formed in its language.
_Reading = tuple[Decimal, str, int, str, int, bool]

# The pattern without its groups: findall then gives the text of each match, which is all that
# :func:`_read` needs (the pattern matches that text alone as it matched it in its context: what
# it asserts around a figure lies inside the match, or is asserted before the figure's digits).
_FIGURE_TEXT = re.compile(re.sub(r"\(\?P<\w+>", "(?:", _FIGURE_PATTERN), re.VERBOSE)


class _Readings(dict[str, _Reading]):
    """What each figure means in one language, by the text of its match (lower-cased), read when
    first met: releases repeat their figures, and then a figure costs a dictionary lookup."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        self._plain = _plain_figure(lang).fullmatch
        self._scales = SCALES.get(lang, SCALES["nl"])

    def __missing__(self, found: str) -> _Reading:
        if len(self) >= 65536:  # a bound for endless distinct figures
            self.clear()
        # A bare run of digits, what _read says of it; isdigit alone takes "1²" too (a figure with
        # a superscript stuck to it), which is no number
        if found.isascii() and found.isdigit():
            reading = self[found] = (Decimal(found), "number", len(found), found, 1, True)
            return reading
        # Digits and marks alone, well formed in the language ("12.345", "1 000,5"), maybe with a
        # scale word of the language after them ("45 millions"): what _read says of them, read
        # without parse_figure's loop (a third of the time)
        plain = self._plain(found)
        if plain is not None:
            digits, integer, fraction, word = plain.groups()
            scale = self._scales.get(word.lower(), 0) if word else 1
            if scale:  # (another word after the figure, "14.30 uur": as _read reads it, below)
                value = Decimal(integer.translate(_NO_MARKS) + ("." + fraction if fraction else ""))
                if scale != 1:
                    value *= scale
                reading = self[found] = (value, "number", len(found), digits, scale, True)
                return reading
        match = _FIGURE.fullmatch(found)
        assert match is not None, found
        reading = self[found] = _read(match.groups(""), self.lang)
        return reading


_READINGS: dict[str, _Readings] = {}


@lru_cache(maxsize=32)
def _plain_figure(lang: str) -> re.Pattern[str]:
    """A figure of digits and marks alone that is well formed in ``lang`` (what
    :func:`parse_figure` reads without returning None), maybe with a word after a space: the
    figure, its integer part, its fraction, the word."""
    decimal_mark, group_marks = separators(lang)
    groups = "".join(map(re.escape, group_marks))
    return re.compile(
        rf"(([0-9]{{1,3}}(?:[{groups}][0-9]{{3}})+|[0-9]+)(?:{re.escape(decimal_mark)}([0-9]+))?)"
        r"(?:\s([^\W\d_]+))?"
    )


_NO_MARKS = str.maketrans(
    "", "", "".join({mark for _, marks in _SEPARATORS.values() for mark in marks})
)


def _known(lang: str) -> _Readings:
    known = _READINGS.get(lang)
    if known is None:
        known = _READINGS[lang] = _Readings(lang)
    return known


def _readings(text: str, lang: str, lowered: str | None = None) -> list[_Reading]:
    """What each figure of ``text`` (``lowered``: the same, lower-cased) means, in order, without
    where it stands: the fast path."""
    if lowered is None:
        lowered = text.lower()
    if len(lowered) != len(text):
        return [reading for _, reading in _read_any_case(text, lang)]
    return list(map(_known(lang).__getitem__, _FIGURE_TEXT.findall(lowered)))


class _SourceFigures:
    """What the fast path of :func:`compare_numbers` asks of a source text: its readings, their
    values in order, and whether it may hold a unit (looked for when first asked)."""

    __slots__ = ("lang", "lowered", "readings", "values", "_units")

    def __init__(self, text: str, lang: str) -> None:
        self.lang = lang
        self.lowered = text.lower()
        self.readings = _readings(text, lang, self.lowered)
        self.values = sorted(map(_VALUE, self.readings))
        self._units: bool | None = None

    def may_hold_units(self) -> bool:
        if self._units is None:
            self._units = may_hold_units(self.lowered)
        return self._units


# The sources a caller will ask about again (a release's, in its next language), by their text.
_SOURCES: dict[str, _SourceFigures] = {}


def _source_figures(text: str, lang: str, remember: bool) -> _SourceFigures:
    figures = _SOURCES.get(text)
    if figures is None or figures.lang != lang:
        figures = _SourceFigures(text, lang)
        # Only on demand, as the glossary's matches of a source (mt.terminology.matching): kept
        # for every text, they would outlive the youngest collections and slow a long run down.
        if remember:
            if len(_SOURCES) >= 4096:  # a bound: a release has tens of units
                _SOURCES.clear()
            _SOURCES[text] = figures
    return figures


def _read_any_case(text: str, lang: str) -> list[tuple[int, _Reading]]:
    """Where each figure starts, and what it means, in a text that lower-casing lengthens ("İ"):
    matched as it is, in any case, so that positions hold (rare: no memo)."""
    return [
        (match.start(), _read(match.groups(""), lang))
        for match in _figure_any_case().finditer(text)
    ]


def _scan(text: str, lang: str) -> list[_Raw]:
    """Every figure of ``text``, with where it stands."""
    lowered = text.lower()
    if len(lowered) != len(text):
        readings = _read_any_case(text, lang)
    else:
        known = _known(lang)
        readings = [(match.start(), known[match[0]]) for match in _FIGURE.finditer(lowered)]
    found: list[_Raw] = []
    for start, (value, kind, length, digits, scale, well_formed) in readings:
        end = start + length
        found.append((value, kind, text[start:end], start, end, digits, scale, well_formed))
    return found


def _read(groups: tuple[str, ...], lang: str) -> _Reading:
    """What a figure means, from the groups of its match ("" for a group that did not take part)."""
    lead, hour, sep, minute, tword, dhour, dminute, dword, rest = groups[:9]
    suffix, percent, word, cent, dot = groups[9:]
    if minute:  # "14:30", "14h30", "14u30"
        return _time(lead + hour, minute, tword, len(lead + hour + sep + minute + tword))
    if dminute:  # "14.30 uur"
        return _time(lead + dhour, dminute, dword, len(lead + dhour) + 1 + len(dminute + dword))
    digits = lead + rest
    length = len(digits)
    matched = length + len(suffix) + len(percent)  # where the next word starts, less its space
    scales = SCALES.get(lang, SCALES["nl"])
    kind, scale = "number", 1
    if suffix:
        suffix = suffix.lower()  # (in case the text was matched in any case)
        if suffix in _ORDINAL_SUFFIXES:
            kind, length = "ordinal", length + len(suffix)
        elif suffix in scales:  # "18mln"
            scale, length = scales[suffix], length + len(suffix)
        else:
            word = ""  # "5km": the next word is not about this figure
    if percent:
        kind, length = "percent", matched
    elif word:
        word = word.lower()
        if word in _PERCENT_WORDS:
            kind, length = "percent", matched + 1 + len(word)
        elif cent:  # "per cent", "pour cent"
            kind, length = "percent", matched + 1 + len(word) + len(cent)
        elif word in scales and scale == 1:
            scale, length = scales[word], matched + 1 + len(word) + len(dot)
    value = parse_figure(digits, lang)
    well_formed = value is not None
    if value is None:
        value = _lenient_value(digits)
    if scale != 1:
        value *= scale
    return value, kind, length, digits, scale, well_formed


def _time(hour_text: str, minute_text: str, word: str, length: int) -> _Reading:
    """A time of day: "14:30", "14h30", "14u30", or "14.30" followed by "uur", "Uhr" or "pm"."""
    hour, minute = int(hour_text), int(minute_text)
    word = word.strip().lower().replace(".", "")
    if word == "pm" and hour < 12:
        hour += 12
    elif word == "am" and hour == 12:
        hour = 0
    return Decimal(hour * 100 + minute), "time", length, "", 1, True


@dataclass(frozen=True)
class NumberIssue:
    """A figure that did not survive translation.

    ``kind`` is "missing" (in the source, not in the target), "changed" (a different value stands in
    its place), "reformatted" (the target wrote the source's figure with the source language's
    separators, so it reads as another value: "1.600" in English is 1.6), "format" (the right
    value, separators that do not fit the target language: "3,5%" in English), "unit" (the same
    value with another unit or currency, not converted: "10 cm" as "10 inches") or "added" (only
    in the target).

    ``sure``: whether the issue is worth stopping a release for. A changed figure is sure when it
    is the one figure left on each side and both are written with the same unit (or none); a
    missing one when it is an amount of money or a percentage; a reformatted figure and a changed
    unit always are. A figure added is never sure (translators add conversions and dates).
    """

    kind: str
    source: Figure | None
    target: Figure | None
    sure: bool = True


def compare_numbers(
    source: str, target: str, target_lang: str, source_lang: str = "nl", *, remember: bool = False
) -> tuple[NumberIssue, ...]:
    """The figures of ``source`` that went wrong in its translation ``target``. ``remember``:
    another translation of ``source`` follows; what was read of it is kept for that one."""
    # The common case, answered from the readings alone: the same values, all well formed, and no
    # unit written beside a figure on both sides (that one might have changed).
    source_side = _source_figures(source, source_lang, remember)
    lowered = target.lower()
    target_readings = _readings(target, target_lang, lowered)
    if len(source_side.readings) == len(target_readings) and (
        not target_readings
        or all(map(_WELL_FORMED, target_readings))
        and source_side.values == sorted(map(_VALUE, target_readings))
        and not (source_side.may_hold_units() and may_hold_units(lowered))
    ):
        return ()
    # Else figure by figure, with positions; a Figure is made only for what an issue names.
    source_figures = _glued_money(source, _dates_apart(_scan(source, source_lang)))
    target_figures = _glued_money(target, _dates_apart(_scan(target, target_lang)))
    units = _Units(source, target)
    written_in_target = _WrittenOtherwise(target, target_lang)  # "15" as "vijftien", "XVe"
    written_in_source = _WrittenOtherwise(source, source_lang)
    issues: list[NumberIssue] = []
    unmatched_target = list(target_figures)
    unmatched_source: list[_Raw] = []
    for raw in source_figures:
        value, unit = raw[0], units.source(raw)
        # a partner of the same value and unit first: "10 km and 10 miles" keeps its pairs
        partner = _take(
            unmatched_target, lambda t, v=value, u=unit: t[0] == v and same_unit(u, units.target(t))
        ) or _take(unmatched_target, lambda t, v=value: t[0] == v)
        if partner is None:
            unmatched_source.append(raw)
        elif changed_unit(unit, units.target(partner)):
            issues.append(NumberIssue("unit", Figure(*raw), Figure(*partner)))
        # (well_formed) the right value, the wrong separators; but a figure malformed in both
        # languages and copied as written is a label ("figuur 1.1", "802.11n"), not a number
        elif not partner[7] and (raw[7] or partner[5] != raw[5]):
            issues.append(NumberIssue("format", Figure(*raw), Figure(*partner)))
    still_unmatched: list[_Raw] = []
    ranges: _Ranges | None = None  # made for the first figure that needs it
    for raw in unmatched_source:
        value = raw[0]
        partner = _take(
            unmatched_target, lambda t, v=value: t[0] != v and _reread(t, source_lang) == v
        )
        if partner is not None:
            issues.append(NumberIssue("reformatted", Figure(*raw), Figure(*partner)))
            continue
        accept = _same_time_or_decade(raw, source, source_lang)
        if accept is not None and _take(unmatched_target, accept):
            continue  # written another way: "om 11.00" and "um 11:00 Uhr", "jaren 60" and "1960s"
        clock = _clock(raw, source)
        if clock is not None and _take(unmatched_target, lambda t, c=clock: _clock(t, target) == c):
            continue  # "om 15 uur" and "at 3 p.m."
        unit = units.source(raw)
        if unit and _take(
            unmatched_target, lambda t, v=value, u=unit: converts(v, u, t[0], units.target(t))
        ):
            continue  # converted: "250 kg" and "550 pounds"
        if raw in written_in_target:
            continue
        if ranges is None:
            ranges = _Ranges(source, source_figures, target, target_figures)
        if not _take(unmatched_target, ranges.partner_of(raw)):
            still_unmatched.append(raw)
    # Two figures left with the same unit: one was changed ("645 miles" as "646 miles"), even
    # when either is near a conversion of a third.
    for raw in list(still_unmatched):
        unit = units.source(raw)
        partner = unit and _take(unmatched_target, lambda t, u=unit: same_unit(u, units.target(t)))
        if partner:
            still_unmatched.remove(raw)
            issues.append(NumberIssue("changed", Figure(*raw), Figure(*partner)))
    # A conversion given on one side only is no figure lost or added: it converts another figure
    # of either side. The translation may add one anywhere ("5.5 metres (18 feet)", or "200
    # pounds (90 kg)" for "90 kg"), and drop one the source gives in brackets ("5,5 meter (18
    # voet)"); a figure the source gives first, with its conversion after it, is the one meant.
    quantities = [(raw, units.source(raw)) for raw in source_figures if units.source(raw)]
    quantities += [(raw, units.target(raw)) for raw in target_figures if units.target(raw)]
    still_unmatched = [
        raw
        for raw in still_unmatched
        if not (_bracketed(source, raw) and _converted(raw, units.source(raw), quantities))
    ]
    # a month written as a figure ("30/03/2021") may be written as its name ("30 March 2021")
    if still_unmatched and _MONTH.search(target):
        still_unmatched = [raw for raw in still_unmatched if not _numeric_month(source, raw)]
    # "vandaag" may be written as the date (the source is searched for such a word only for a
    # figure that stands in a date)
    dated: bool | None = None
    leftover_target = []
    for t in unmatched_target:
        if t in written_in_source or _converted(t, units.target(t), quantities):
            continue
        if _in_date(target, t):
            if dated is None:
                dated = _RELATIVE_DAY.search(source) is not None
            if dated:
                continue
        leftover_target.append(t)
    # What is left pairs up in order: a figure whose place another took was changed, not lost.
    one_each = len(still_unmatched) == 1 and len(leftover_target) == 1
    for raw in still_unmatched:
        if leftover_target:
            partner = leftover_target.pop(0)
            sure = (
                one_each
                and raw[1] == partner[1]
                and units.source(raw) == () == units.target(partner)
                or same_unit(units.source(raw), units.target(partner))
            )
            issues.append(NumberIssue("changed", Figure(*raw), Figure(*partner), sure))
        else:
            sure = raw[1] == "percent" or dimension(units.source(raw)) == {"currency"}
            issues.append(NumberIssue("missing", Figure(*raw), None, sure))
    issues.extend(NumberIssue("added", None, Figure(*raw), False) for raw in leftover_target)
    return tuple(issues)


def _bracketed(text: str, raw: _Raw) -> bool:
    """Whether a figure stands inside brackets: "(18 voet)"."""
    before = text[: raw[3]]
    return before.rfind("(") > before.rfind(")")


class _Units:
    """The units of each figure of a source and its translation, read when first asked."""

    def __init__(self, source: str, target: str) -> None:
        self._texts = (source, target)
        self._known: tuple[dict[int, tuple[str, ...]], ...] = ({}, {})

    def _of(self, side: int, raw: _Raw) -> tuple[str, ...]:
        known = self._known[side]
        found = known.get(raw[3])
        if found is None:
            found = known[raw[3]] = units_of(self._texts[side], raw[3], raw[4])
        return found

    def source(self, raw: _Raw) -> tuple[str, ...]:
        return self._of(0, raw)

    def target(self, raw: _Raw) -> tuple[str, ...]:
        return self._of(1, raw)


def _converted(
    raw: _Raw, unit: tuple[str, ...], quantities: list[tuple[_Raw, tuple[str, ...]]]
) -> bool:
    """Whether ``raw`` (in ``unit``) is a conversion of another figure with a unit."""
    return bool(unit) and any(
        other is not raw and converts(other[0], other_unit, raw[0], unit)
        for other, other_unit in quantities
    )


# Letters glued to an amount after a currency sign scale it: "£125m", "$5bn", "€3k".
_GLUED_SCALES = {"m": 10**6, "mn": 10**6, "bn": 10**9, "b": 10**9, "k": 10**3}


def _glued_money(text: str, figures: list[_Raw]) -> list[_Raw]:
    """``figures`` with the amounts written "£125m" scaled (the figure pattern reads 125)."""
    for index, raw in enumerate(figures):
        value, kind, written, start, end, digits, scale, well_formed = raw
        glued = _GLUED.match(text, end) if scale == 1 and kind == "number" else None
        if glued is not None and currency_before(text, start):
            times = _GLUED_SCALES[glued[0].lower()]
            figures[index] = (value * times, kind, written, start, end, digits, times, well_formed)
    return figures


_GLUED = re.compile(r"(?:mn|bn|m|b|k)(?![^\W\d_])", re.IGNORECASE)


# A whole hour written with a word: "15 uur", "15 h", "15 Uhr", "3 p.m.", "3 o'clock".
_HOUR_WORD = re.compile(r"\s?(uur|u|h|heures?|uhr|o['’]clock|([ap])\.?m\.?)(?![^\W\d_])", re.I)


def _clock(raw: _Raw, text: str) -> int | None:
    """The time of day a figure names, in minutes after midnight: a time ("14:30") or a whole
    hour written with a word ("15 uur", "3 p.m."); None for any other figure."""
    value, kind = raw[0], raw[1]
    if kind == "time":
        hours, minutes = divmod(int(value), 100)
        return hours * 60 + minutes
    if kind != "number" or raw[6] != 1 or not (0 <= value <= 24) or value != int(value):
        return None
    match = _HOUR_WORD.match(text, raw[4])
    if match is None:
        return None
    hour = int(value)
    if match[2] and match[2].lower() == "p" and hour < 12:
        hour += 12
    elif match[2] and match[2].lower() == "a" and hour == 12:
        hour = 0
    return hour * 60


# Dutch words for a day named without its date: a translation may write the date instead.
_RELATIVE_DAY = re.compile(
    r"(?<!\w)(?:vandaag|gisteren|eergisteren|morgen|overmorgen|vanochtend|vanmorgen|vanmiddag"
    r"|vanavond|vannacht|gisteravond|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag"
    r"|zondag)(?!\w)",
    re.IGNORECASE,
)
_MONTH = re.compile(
    r"(?<!\w)(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|janv|févr|fév|mars|avr|mai|juin"
    r"|juil|août|sept|déc|jän|mär|okt|dez)[^\W\d_]*\.?",
    re.IGNORECASE,
)


_DOTTED_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def _dates_apart(figures: list[_Raw]) -> list[_Raw]:
    """``figures`` with each date written with points ("30.03.2021", one malformed figure to the
    figure pattern) as its day, month and year."""
    if all(raw[7] for raw in figures):
        return figures
    apart: list[_Raw] = []
    for raw in figures:
        date = None if raw[7] or raw[1] != "number" else _DOTTED_DATE.fullmatch(raw[2])
        if date is None:
            apart.append(raw)
            continue
        for group in (1, 2, 3):
            start, end = raw[3] + date.start(group), raw[3] + date.end(group)
            digits = date[group]
            apart.append((Decimal(digits), "number", digits, start, end, digits, 1, True))
    return apart


_NUMERIC_DATE = re.compile(r"\d{1,2}[/.-](\d{1,2})[/.-]\d{2,4}")


def _numeric_month(text: str, raw: _Raw) -> bool:
    """Whether a figure is the month of a date written in figures ("30/03/2021": 03)."""
    if not 1 <= raw[0] <= 12:
        return False
    for match in _NUMERIC_DATE.finditer(text, max(0, raw[3] - 3), raw[4] + 5):
        if match.start(1) <= raw[3] < match.end(1) or match.start() <= raw[3] < match.end():
            return True
    return False


def _in_date(text: str, raw: _Raw) -> bool:
    """Whether a figure is a day or a year beside a month's name ("30 March 2021", "le 30 mars")."""
    if raw[1] not in ("number", "ordinal") or raw[6] != 1:
        return False
    near = text[max(0, raw[3] - 12) : raw[4] + 12]
    return _MONTH.search(near) is not None


_VALUE, _WELL_FORMED = itemgetter(0), itemgetter(5)


_CLOCK = re.compile(r"([01]?[0-9]|2[0-3])\.([0-5][0-9])")
_DECADES = {Decimal(10 * tens) for tens in range(1, 10)}


def _same_time_or_decade(raw: _Raw, text: str, lang: str) -> Callable[[_Raw], bool] | None:
    """Which target figures say what the source figure ``raw`` (in ``text``, written in ``lang``)
    says, written as another kind of figure; None when no other kind could:

    - a whole hour ("10.00 uur") may be written as its hour: "10 Uhr", "10 heures", "10 a.m.";
    - a Dutch "11.00" or "02.30" without "uur" reads as a number: a target time of that value;
    - Dutch "de jaren 60" or "'60" (the 1960s) may be written "1960er Jahre", "the 1960s", "les
      années 1960".
    """
    value, kind, digits, scale = raw[0], raw[1], raw[5], raw[6]
    if kind == "time" and value % 100 == 0:
        return lambda t: t[1] == "number" and t[0] * 100 == value
    if lang != "nl" or kind != "number" or scale != 1:
        return None
    if (clock := _CLOCK.fullmatch(digits)) is not None:
        time = Decimal(int(clock[1]) * 100 + int(clock[2]))
        hhmm = f"{time:04f}"  # "02.30 UTC" may be written "0230 UTC"
        return lambda t: t[0] == time and (t[1] == "time" or t[5] == hhmm)
    if value in _DECADES and text[: raw[3]].rstrip(" '’").lower().endswith("jaren"):
        return lambda t: t[0] in (1900 + value, 2000 + value)
    return None


# What joins the two ends of a range: "1995-96", "340 tot 500 miljoen", "340 bis 500 Millionen".
_RANGE_JOIN = re.compile(r"\s*(?:[-–/]|tot|en|of|à|et|ou|bis|und|oder|to|and|or)\s*", re.IGNORECASE)


class _Ranges:
    """Figures that take part of their value from the other end of a range, on either side: "96"
    in "1995-96" is the year 1996, and "340" in "340 bis 500 Millionen" is 340 million, where the
    other language may write "1995-1996" or "340 miljoen tot 500 miljoen"."""

    def __init__(
        self, source: str, source_figures: list[_Raw], target: str, target_figures: list[_Raw]
    ) -> None:
        self.source = _range_values(source, source_figures)
        self.target = _range_values(target, target_figures)

    def partner_of(self, raw: _Raw) -> Callable[[_Raw], bool]:
        """Which target figures say what the source figure ``raw`` says, one end of a range read
        with the other."""
        source_value, value = self.source.get(raw[3]), raw[0]
        return lambda t: t[0] == source_value or self.target.get(t[3]) == value


def _range_values(text: str, figures: list[_Raw]) -> dict[int, Decimal]:
    """What the figures of ``text`` that lean on the other end of a range stand for, by where they
    start: a year's last two digits after a full year ("1995-96"), and a figure before one that
    has a scale word ("340 bis 500 Millionen")."""
    values: dict[int, Decimal] = {}
    for first, second in pairwise(figures):
        if first[1] != "number" or second[1] != "number" or first[6] != 1:
            continue
        if not _RANGE_JOIN.fullmatch(text, first[4], second[3]):
            continue
        if second[6] != 1:  # "340 bis 500 Millionen": 340 million
            values[first[3]] = first[0] * second[6]
        elif len(second[5]) == 2 and len(first[5]) == 4 and text[first[4]] in "-–/":
            year = first[0] // 100 * 100 + second[0]  # "1995-96", "2023/24", "1999-00"
            values[second[3]] = year if year > first[0] else year + 100
    return values


def _take(figures: list[_Raw], accept: Callable[[_Raw], bool]) -> _Raw | None:
    """Remove and return the first figure ``accept`` takes, or None."""
    for index, figure in enumerate(figures):
        if accept(figure):
            return figures.pop(index)
    return None


def _reread(raw: _Raw, lang: str) -> Decimal | None:
    """:meth:`Figure.reread` of a figure not yet made a Figure."""
    return Figure(*raw).reread(lang)


class _WrittenOtherwise:
    """Whether a text writes a figure in a way the figure pattern does not read (see
    :func:`mt.qa.numerals.written_values`): looked for once, when first asked."""

    def __init__(self, text: str, lang: str) -> None:
        self.text, self.lang = text, lang
        self._values: set[int] | None = None

    def __contains__(self, raw: _Raw) -> bool:
        value, kind = raw[0], raw[1]
        if kind == "time":
            return False
        if self._values is None:
            self._values = written_values(self.text, self.lang)
        return value in self._values
