"""Numbers written in words and signs rather than in digits, in Dutch, French, German and English.

A figure of a source may stand in its translation as words ("vijftien" for 15, "eerste" for 1st,
"vier miljoen" for 4,000,000, "dreißiger" for the thirties, "achtmal" for 8 times), in Roman
numerals (French centuries: "XVIIIe siècle" for "18e eeuw"), or stuck to a word, where a reader of
figures sees a name ("Formel-1", "p109"). :func:`written_values` gives the values a text writes so;
:mod:`mt.qa.numbers` asks it only about the figures it could not match as figures. The scale words
that multiply a figure ("670 miljoen") are here too, which :mod:`mt.qa.numbers` reads as part of
the figure.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

# Words that scale the figure before them. Long-scale languages call 10**12 "biljoen", "billion"
# (fr) and "Billion" (de), while English "billion" is 10**9: the value, not the word, is compared.
SCALES: dict[str, dict[str, int]] = {
    "nl": {
        "duizend": 10**3,
        "miljoen": 10**6,
        "miljoenen": 10**6,
        "mln": 10**6,
        "mio": 10**6,
        "miljard": 10**9,
        "miljarden": 10**9,
        "mld": 10**9,
        "mrd": 10**9,
        "biljoen": 10**12,
    },
    "fr": {
        "mille": 10**3,
        "million": 10**6,
        "millions": 10**6,
        "mio": 10**6,
        "milliard": 10**9,
        "milliards": 10**9,
        "mrd": 10**9,
        "md": 10**9,
        "billion": 10**12,
        "billions": 10**12,
    },
    "de": {
        "tausend": 10**3,
        "million": 10**6,
        "millionen": 10**6,
        "mio": 10**6,
        "milliarde": 10**9,
        "milliarden": 10**9,
        "mrd": 10**9,
        "billion": 10**12,
        "billionen": 10**12,
    },
    "en": {
        "thousand": 10**3,
        "million": 10**6,
        "millions": 10**6,
        "mn": 10**6,
        "billion": 10**9,
        "billions": 10**9,
        "bn": 10**9,
        "trillion": 10**12,
    },
}


# Number words a translator may write instead of a small figure ("drie" -> "three", "vijftien" ->
# "15", "eerste" -> "1st"); a fallback for figures left unmatched, never extracted as figures
# themselves (too ambiguous: fr "un", en "one" and "second"). Words joined by a hyphen count
# apart ("dix-sept" is 10 and 7), so only the one-word numbers are listed.
def _counting(words: str, start: int = 0) -> dict[str, int]:
    """Number words for ``start``, ``start`` + 1, ... in order, as written in the table below."""
    return {word: value for value, word in enumerate(words.split(), start)}


def _tens(words: str) -> dict[str, int]:
    """Number words for 20, 30, 40, ... in order."""
    return {word: 10 * value for value, word in enumerate(words.split(), 2)}


_CASE_ENDINGS = ("e", "en", "er", "es", "em")
# The stems of the German ordinals from 1 ("erst") to 20 ("zwanzigst"), before a case ending.
_GERMAN_ORDINALS = (
    "erst zweit dritt viert fünft sechst siebt acht neunt zehnt elft zwölft dreizehnt vierzehnt "
    "fünfzehnt sechzehnt siebzehnt achtzehnt neunzehnt zwanzigst"
)


def _declined(stems: str, start: int) -> dict[str, int]:
    """German ordinals for ``start``, ``start`` + 1, ...: each stem with its case endings."""
    return {
        stem + ending: value
        for value, stem in enumerate(stems.split(), start)
        for ending in _CASE_ENDINGS
    }


NUMBER_WORDS: dict[str, dict[str, int]] = {
    "nl": _counting(
        "nul een twee drie vier vijf zes zeven acht negen tien elf twaalf dertien veertien "
        "vijftien zestien zeventien achttien negentien"
    )
    | _tens("twintig dertig veertig vijftig zestig zeventig tachtig negentig")
    | _counting(
        "eerste tweede derde vierde vijfde zesde zevende achtste negende tiende elfde twaalfde "
        "dertiende veertiende vijftiende zestiende zeventiende achttiende negentiende twintigste",
        1,
    )
    | {"één": 1, "honderd": 100, "honderdste": 100, "duizendste": 1000},
    "fr": _counting(
        "zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze "
        "quinze seize"
    )
    | _tens("vingt trente quarante cinquante soixante")  # then soixante-dix, quatre-vingts
    | _counting(
        "premier deuxième troisième quatrième cinquième sixième septième huitième neuvième "
        "dixième onzième douzième treizième quatorzième quinzième seizième",
        1,
    )
    | {"une": 1, "première": 1, "second": 2, "seconde": 2, "vingtième": 20, "cent": 100}
    | {"centième": 100, "millième": 1000},
    "de": _counting(
        "null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn vierzehn "
        "fünfzehn sechzehn siebzehn achtzehn neunzehn"
    )
    | _tens("zwanzig dreißig vierzig fünfzig sechzig siebzig achtzig neunzig")
    | _tens("zwanziger dreißiger vierziger fünfziger sechziger siebziger achtziger neunziger")
    | _declined(_GERMAN_ORDINALS, 1)
    | _declined("hundertst", 100)
    | _declined("tausendst", 1000)
    | {"ein": 1, "eine": 1, "einen": 1, "hundert": 100},
    "en": _counting(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen"
    )
    | _tens("twenty thirty forty fifty sixty seventy eighty ninety")
    | _tens("twenties thirties forties fifties sixties seventies eighties nineties")
    | _counting(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
        "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth",
        1,
    )
    | {"hundred": 100, "hundredth": 100, "thousandth": 1000},
}


_UNITS_TENS = {
    "nl": (
        "een twee drie vier vijf zes zeven acht negen",
        "twintig dertig veertig vijftig zestig zeventig tachtig negentig",
    ),
    "de": (
        "ein zwei drei vier fünf sechs sieben acht neun",
        "zwanzig dreißig vierzig fünfzig sechzig siebzig achtzig neunzig",
    ),
    "en": (
        "one two three four five six seven eight nine",
        "twenty thirty forty fifty sixty seventy eighty ninety",
    ),
    "fr": ("un deux trois quatre cinq six sept huit neuf", "vingt trente quarante cinquante"),
}
_FRENCH_TEENS = ("dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept")
_FRENCH_TEENS += ("dix-huit", "dix-neuf")
_ORDINAL_UNITS = {
    "en": "first second third fourth fifth sixth seventh eighth ninth",
    "fr": "unième deuxième troisième quatrième cinquième sixième septième huitième neuvième",
}


def _compounds(lang: str) -> dict[str, int]:
    """The number words from 21 to 99 that are written as one word (or joined by hyphens): Dutch
    "vierentwintig", German "siebenundzwanzig", French "vingt-sept", English "twenty-four", and
    their ordinals ("vierentwintigste", "vingt-septième", "twenty-fourth")."""
    if lang not in _UNITS_TENS:
        return {}
    unit_words, ten_words = (words.split() for words in _UNITS_TENS[lang])
    ordinals = _ORDINAL_UNITS.get(lang, "").split()
    found: dict[str, int] = {}
    tens = list(enumerate(ten_words, 2))
    if lang == "fr":
        tens.append((6, "soixante"))
    for ten, ten_word in tens:
        for unit, unit_word in enumerate(unit_words, 1):
            value = 10 * ten + unit
            if lang in ("nl", "de"):
                # Dutch writes a diaeresis where two vowels meet: "tweeëntwintig"
                joint = "und" if lang == "de" else "ën" if unit_word.endswith("e") else "en"
                word = unit_word + joint + ten_word
                found[word] = value
                found[word + ("ste" if lang == "nl" else "st")] = value
                if lang == "de":
                    found.update({word + "st" + ending: value for ending in _CASE_ENDINGS})
            elif lang == "en":
                found[f"{ten_word}-{unit_word}"] = found[f"{ten_word}-{ordinals[unit - 1]}"] = value
            else:
                joint = "-et-" if unit == 1 else "-"
                found[ten_word + joint + unit_word] = value
                found[ten_word + joint + ordinals[unit - 1]] = value
    if lang == "fr":  # 70 to 99: soixante-dix, soixante-et-onze, quatre-vingt(s), quatre-vingt-dix
        teens = _FRENCH_TEENS
        found["quatre-vingt"] = found["quatre-vingts"] = found["quatre-vingtième"] = 80
        for offset, teen in enumerate(teens):
            found[("soixante-et-" if offset == 1 else "soixante-") + teen] = 70 + offset
            found["quatre-vingt-" + teen] = 90 + offset
        for unit, unit_word in enumerate(unit_words, 1):
            found["quatre-vingt-" + unit_word] = 80 + unit
        found.update({teen: 10 + offset for offset, teen in enumerate(teens) if "-" in teen})
    return found


_WORDS = re.compile(r"[^\W\d_]+")
# Number words joined by hyphens ("vingt-sept", "twenty-four"), read whole before word by word.
_HYPHENATED = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+")
# Fractions written in words, and "one and a half" written whole.
_HALVES = {
    "nl": {"anderhalf": 1.5, "anderhalve": 1.5, "tweeënhalf": 2.5, "drieënhalf": 3.5, "half": 0.5},
    "de": {"eineinhalb": 1.5, "anderthalb": 1.5, "zweieinhalb": 2.5, "dreieinhalb": 3.5},
    "fr": {"demi": 0.5, "demie": 0.5},
    "en": {"half": 0.5},
}
_AND_A_HALF = {
    "fr": re.compile(r"(?<!\w)(\w+)(?:\s+\w+)?\s+et\s+demie?(?!\w)"),
    "en": re.compile(r"(?<!\w)(\w+)(?:\s+\w+)?\s+and\s+a\s+half(?!\w)"),
}

# A number word with a multiplying, percent or age ending, written as one word: German "achtmal",
# "dreifach", "das Neunzigfache", "hundertprozentig", "dreizehnjährige"; Dutch "tweemaal",
# "tienvoudig", "dertienjarige".
_JOINED = {
    "nl": re.compile(r"(\w+?)(?:maal|voudige?|procent|jarige?|tal)"),
    "de": re.compile(r"(\w+?)(?:mal|fach|prozentig|jährig)(?:e[mnrs]?)?"),
}
# A German ordinal from 2 to 10 that begins a compound: "zweitgrößte" (second largest),
# "fünftplatzierten". Four letters at least must follow, so that "Viertel" and "Drittel"
# (fractions) are no ordinals.
_ORDINAL_STEMS = {
    stem: value for stem, value in _counting(_GERMAN_ORDINALS, 1).items() if 2 <= value <= 10
}
_ORDINAL_COMPOUND = re.compile(f"({'|'.join(_ORDINAL_STEMS)})\\w{{4,}}")


@lru_cache(maxsize=8)
def _all_words(lang: str) -> dict[str, int]:
    """:data:`NUMBER_WORDS` of ``lang`` with its compounds (see :func:`_compounds`)."""
    if lang not in NUMBER_WORDS:
        return {}
    return NUMBER_WORDS[lang] | _compounds(lang)


def written_values(text: str, lang: str) -> set[int | float]:
    """The whole numbers ``text`` (in ``lang``) writes otherwise than as a figure: number words,
    alone or joined to a multiplying, percent or age ending ("achtmal"), German ordinals that begin
    a compound ("zweitgrößte"), a scale word with the number word before it ("vier miljoen") or
    alone ("duizend jaar"), French Roman ordinals, and digits stuck to a word."""
    words = _all_words(lang)
    lowered = text.lower()
    in_text = _WORDS.findall(lowered)
    present = set(in_text)
    if "-" in lowered:
        present.update(_HYPHENATED.findall(lowered))
    values: set[int | float] = {words[word] for word in words.keys() & present}
    halves = _HALVES.get(lang, {})
    values.update(halves[word] for word in halves.keys() & present)
    and_a_half = _AND_A_HALF.get(lang)
    if and_a_half is not None and ("demi" in lowered or "half" in lowered):
        for match in and_a_half.finditer(lowered):
            if match[1] in words:
                values.add(words[match[1]] + 0.5)
    if (joined := _JOINED.get(lang)) is not None:
        stems = (match[1] for match in map(joined.fullmatch, present) if match is not None)
        values.update(words[stem] for stem in stems if stem in words)
    if lang == "de":
        compounds = (match[1] for match in map(_ORDINAL_COMPOUND.fullmatch, present) if match)
        values.update(map(_ORDINAL_STEMS.__getitem__, compounds))
    scales = SCALES.get(lang, {})
    if not scales.keys().isdisjoint(present):
        for before, word in pairwise(["", *in_text]):
            if word in scales:
                values.add(words.get(before, 1) * scales[word])
    if lang == "fr" and "e" in text:
        numerals = _ROMAN_ORDINAL.findall(text)
        values.update(value for value in map(_roman_value, numerals) if value)
    values.update(int(first + rest) for first, rest in _STUCK.findall(text))
    return values


# Digits after a letter, or a letter and a hyphen: what the figure pattern leaves out as a name.
# (It opens with a digit, as the figure pattern does, so that the engine skips to the digits.)
_STUCK = re.compile(r"([0-9])(?:(?<=[^\W\d_][0-9])|(?<=[^\W\d_]-[0-9]))([0-9]*)(?![0-9])")


# A French ordinal in capital Roman numerals: "XVIIIe siècle", "Ier", "IIIe République". Only I, V
# and X (1 to 39): "Le" and "Ce" would read as 50 and 100.
_ROMAN_ORDINAL = re.compile(r"(?<!\w)([IVX]+)(?:e|er|re|ème|ᵉ|ᵉʳ)(?!\w)")
_ROMAN = {"I": 1, "V": 5, "X": 10}


def _roman_value(numeral: str) -> int:
    """The value of a Roman numeral of I, V and X, as a reader would take it; 0 for one that is
    not written so ("IIII", "VX")."""
    values = [_ROMAN[char] for char in numeral]
    total = sum(-v if v < after else v for v, after in zip(values, values[1:] + [0], strict=True))
    return total if _roman(total) == numeral else 0


def _roman(value: int) -> str:
    tens, units = divmod(value, 10)
    return "X" * tens + ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")[units]
