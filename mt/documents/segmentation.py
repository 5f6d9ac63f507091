"""Dutch-aware sentence splitting, and splitting of sentences too long for a model.

Why our own rules: pysbd, sentencex, blingfire and spaCy's sentencizer all split Dutch press
releases after ``dhr.``, ``o.a.``, ``mln.`` and month abbreviations (see FIELD-NOTES), and the
libraries that do better download models at run time. ``benchmarks/segmentation.py`` measures these
rules against pysbd on the table in ``tests/data/segmentation_nl.txt``.

How a boundary is decided. A *candidate* is a run of terminators (``.`` ``!`` ``?`` ``…``), then any
closing quotes or brackets, then whitespace. Worked example::

    Dhr. Peeters zegde o.a. 18 mln. euro toe in 2021. "Daesh is verslagen." Wie betaalt?
        ^ title       ^ lowercase next  ^ lowercase next ^ number, capital next  ^ "?" + end
        no            no                no               BOUNDARY      BOUNDARY (after the quote)

- ``?`` and ``!`` end a sentence unless the next word is in lower case (``"Waarom?" vroeg hij``).
- An ellipsis ends a sentence only before a capital.
- A period after a known abbreviation never ends a sentence, except after the few that often close
  one (``enz.``, ``e.a.``, ``mln.``, dotted acronyms such as ``V.S.``) before a capitalised word.
  Unlisted dotted forms (``z.g.a.n.``) count as abbreviations; a lone capital (``J. Peeters``) is an
  initial; a number alone at the start (``1. Laatst bijgewerkt``) is a list number.
- Any other period ends a sentence unless the next word starts in lower case.
- Nothing inside parentheses is split: an aside stays with its sentence.

``split_sentences`` cuts only at the whitespace of a boundary, so ``" ".join(sentences)`` rebuilds a
paragraph whose sentences are separated by single spaces (the normal case; other whitespace at a
boundary is collapsed to one space).
"""

from __future__ import annotations

import re
from collections.abc import Callable


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# Abbreviations, lower case, without their final period. They never end a sentence.
_ABBREVIATIONS = _words(
    """
    dhr mevr mr mw mej prof dr drs ir ing lic st sr jr zr br kol gen lt kapt maj adm amb
    o.a o.m bv bijv blz p pp nr nrs art artt i.p.v ca t.a.v t.o.v m.b.t m.a.w i.v.m
    incl excl resp z.g.a.n zgn vnl evt ong max min gem tel fax afd dept vs vgl cf cfr plm
    a.u.b d.w.z i.h.b n.a.v o.b.v m.i m.n t.g.v t.b.v t.e.m v.a o.l.v w.o mv ev k.b b.s a.i v.z.w
    bijl hfst par hr lib pag
    jan feb febr mrt apr jun jul aug sep sept okt nov dec ma di wo vr za
    """
)
# Abbreviations that often close a sentence: a boundary when the next word is capitalised.
_FINAL_ABBREVIATIONS = _words("enz etc e.a e.d e.o e.v a.s jl")
# Amounts close sentences too ("Dit jaar is dat 18 mln."), but not before a currency ("mln. USD").
_AMOUNTS = _words("mln mld mrd")
_CURRENCY = re.compile(r"[A-Z]{3}\b")

_OPENERS = "\"'“„‘«([{"
_CLOSERS = "\"'”’»)]}"
_CANDIDATE = re.compile(r"(?P<stop>[.!?…]+)(?P<close>[\"'”’»)\]}]*)(?P<space>\s+)")
_NUMBER = re.compile(r"\d+")
_DOTTED = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]\.?", re.UNICODE)  # o.a.  t.o.v  V.S.


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences; ``" ".join()`` of them rebuilds it (see module doc)."""
    if not text.strip():
        return []
    sentences: list[str] = []
    start = 0
    for match in _CANDIDATE.finditer(text):
        if match.end() >= len(text):
            break  # trailing whitespace: nothing follows
        if _is_boundary(text, start, match):
            sentences.append(text[start : match.start("space")])
            start = match.end()
    sentences.append(text[start:])
    return sentences


def _is_boundary(text: str, sentence_start: int, match: re.Match[str]) -> bool:
    if _paren_depth(text[sentence_start : match.end("close")]) > 0:
        return False
    following = _next_word_kind(text, match.end())
    stop = match.group("stop")
    if "?" in stop or "!" in stop:
        return following != "lower"
    if stop != ".":  # an ellipsis: "..." or "…"
        return following == "upper"
    word = _word_before(text, match.start("stop"))
    key = re.split(r"[-/]", word.lower())[-1]  # "jan.-mrt." ends in "mrt."
    if key in _AMOUNTS:
        return following == "upper" and not _CURRENCY.match(text, match.end())
    if key in _FINAL_ABBREVIATIONS or (_DOTTED.fullmatch(word + ".") and word.isupper()):
        return following == "upper"
    if key in _ABBREVIATIONS or _DOTTED.fullmatch(word + "."):
        return False
    if len(word) == 1 and word.isupper():
        return False  # an initial: "J. Peeters"
    if _NUMBER.fullmatch(word) and not text[sentence_start : match.start("stop")].strip(
        "0123456789 " + _OPENERS
    ):
        return False  # a list number opening the sentence: "1. Laatst bijgewerkt op"
    return following != "lower"


def _paren_depth(text: str) -> int:
    return text.count("(") + text.count("[") - text.count(")") - text.count("]")


def _word_before(text: str, stop: int) -> str:
    """The word that a period follows, without surrounding quotes or brackets."""
    begin = stop
    while begin > 0 and not text[begin - 1].isspace():
        begin -= 1
    return text[begin:stop].lstrip(_OPENERS).rstrip(_CLOSERS)


def _next_word_kind(text: str, position: int) -> str:
    """ "upper", "lower", "digit" or "other" for the word starting at ``position``."""
    if text[position : position + 3] in ("'s ", "'t ", "’s ", "’t "):
        return "upper"  # "'s Anderendaags": a Dutch sentence may open with a clitic
    rest = text[position:].lstrip(_OPENERS)
    if not rest:
        return "other"
    first = rest[0]
    if first.isupper():
        return "upper"
    if first.islower():
        return "lower"
    return "digit" if first.isdigit() else "other"


# Where a long sentence may be cut, best first: each level is tried before the next one.
_CLAUSE_BREAKS: tuple[re.Pattern[str], ...] = (
    re.compile(r"(?<=;)\s+"),
    re.compile(r"(?<=:)\s+"),
    re.compile(r"(?<=[,)–—])\s+"),
    re.compile(
        r"\s+(?=(?:en|maar|of|want|omdat|terwijl|waardoor|waarbij|zodat|doch|dus|die|dat|"
        r"wanneer|nadat|voordat|hoewel|zoals)\s)"
    ),
    re.compile(r"\s+"),  # between any two words: the hard chunking of last resort
)


def split_long(sentence: str, max_tokens: int, count_tokens: Callable[[str], int]) -> list[str]:
    """Cut a sentence longer than ``max_tokens`` into pieces that fit, joined back by ``" "``.

    Cuts at clause boundaries first (``;`` ``:`` ``,`` then conjunctions such as ``en``, ``maar``),
    then between words; a single word that alone exceeds the budget is cut into character chunks
    (the one case where ``" ".join()`` does not rebuild the sentence). Nothing is dropped. The
    caller decides whether to warn: ``len(result) > 1`` means the sentence was cut.
    """
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be at least 1, got {max_tokens}")
    return _split(sentence, max_tokens, count_tokens, 0)


def _split(text: str, budget: int, count: Callable[[str], int], level: int) -> list[str]:
    if count(text) <= budget:
        return [text]
    if level == len(_CLAUSE_BREAKS):
        return _chunk_characters(text, budget, count)
    parts = [part for part in _CLAUSE_BREAKS[level].split(text) if part]
    if len(parts) == 1:
        return _split(text, budget, count, level + 1)
    pieces: list[str] = []
    for part in _merge(parts, budget, count):
        pieces.extend(_split(part, budget, count, level + 1))
    return pieces


def _merge(parts: list[str], budget: int, count: Callable[[str], int]) -> list[str]:
    """Greedily rejoin neighbouring parts while they fit, so cuts are as few as possible."""
    merged = [parts[0]]
    for part in parts[1:]:
        candidate = f"{merged[-1]} {part}"
        if count(candidate) <= budget:
            merged[-1] = candidate
        else:
            merged.append(part)
    return merged


def _chunk_characters(word: str, budget: int, count: Callable[[str], int]) -> list[str]:
    chunks: list[str] = []
    current = ""
    for char in word:
        if current and count(current + char) > budget:
            chunks.append(current)
            current = ""
        current += char
    chunks.append(current)
    return chunks
