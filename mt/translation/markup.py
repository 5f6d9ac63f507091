"""Carry a sentence's markup placeholders and uncopyable words through one model, and back.

The documents mark inline markup with placeholders in one spelling (``<1>…</1>``, ``<2/>``, see
:mod:`mt.documents`). A published OPUS-MT vocabulary may have no ``<`` to write them with, so each
model gets the first :data:`STYLES` spelling that its vocabulary reads and writes::

    document sentence   Lees het <1>verslag</1> van Łukasz op <2/>.
    tc-big-fr-en reads  Lees het [1]verslag[/1] van [3/] op [2/].        (no "<"; "Ł" not in it)
    required terms      [1], then [/1] after it; [2/]; [3/]      (placeholder=True: each once)
    model writes        Read the [1]report[/1] of [3/] on [2/].
    back                Read the <1>report</1> of Łukasz on <2/>.

Words the model cannot read or write (letters outside its vocabulary, ``@``, ``€``, an e-mail
address in angle brackets) become placeholders too, and come back as the source wrote them: a name
or an address stands for itself. Numbers are chosen per sentence so that no spelling is text the
sentence already holds (a literal ``[1]`` stays text). The placeholders are required terms, so the
constrained search (and any backend that honours :class:`~mt.terminology.terms.RequiredTerm`)
writes each one once, pairs in order, the way it writes glossary terms.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

from mt.terminology.terms import CasePolicy, RequiredTerm

KEEP = "keep:"  # entry ids of what a document asks to be copied (placeholders, URLs)
_CANONICAL = re.compile(r"<(/?)(\d+)(/?)>")
_WORD = re.compile(r"\S+")
# Punctuation around a word that needs copying stays text when the model writes it: "(Łukasz)."
_EDGES = "\"'«»‹›()[]{}.,;:!?“”‘’„"


@dataclass(frozen=True)
class PlaceholderStyle:
    """A spelling of the three placeholder kinds; ``{n}`` is the number."""

    opening: str
    closing: str
    atom: str

    def forms(self, number: int) -> tuple[str, str, str]:
        return tuple(f.replace("{n}", str(number)) for f in (self.opening, self.closing, self.atom))


STYLES = (
    PlaceholderStyle("<{n}>", "</{n}>", "<{n}/>"),  # the documents' own: nothing to rewrite
    PlaceholderStyle("[{n}]", "[/{n}]", "[{n}/]"),  # OPUS-MT vocabularies without "<"
    PlaceholderStyle("{{n}}", "{/{n}}", "{{n}/}"),
    PlaceholderStyle("({n})", "(/{n})", "({n}/)"),
    PlaceholderStyle("#{n}#", "#/{n}#", "#{n}/#"),
)


def is_placeholder(text: str) -> bool:
    """Whether ``text`` is one of the documents' placeholders (``<1>``, ``</1>``, ``<2/>``)."""
    return _CANONICAL.fullmatch(text) is not None


def choose_style(
    writes: Callable[[str], bool], reads: Callable[[str], bool]
) -> PlaceholderStyle | None:
    """The first style the model reads and writes (numbered 1); None: none. Numbers with a digit
    the vocabulary lacks are skipped when placeholders are numbered (a tiny vocabulary has no 7)."""
    for style in STYLES:
        sample = "".join(style.forms(1))
        if writes(sample) and reads(sample):
            return style
    return None


@dataclass(frozen=True)
class CarriedSentence:
    """A sentence as one model reads it, and how to turn its translation back."""

    text: str  # what the model translates
    terms: tuple[RequiredTerm, ...]  # the placeholders it must write
    restore: tuple[tuple[str, str], ...]  # (as the model writes it, what the document gets)
    copied: frozenset[str] = frozenset()  # the model spellings that stand for copied words


def carry(
    sentence: str,
    placeholders: Collection[str],
    style: PlaceholderStyle | None,
    copies: Callable[[str], bool],
) -> CarriedSentence:
    """``sentence`` with its ``placeholders`` (the document's, as in ``TextUnit.protected``) in
    ``style``, and each word that ``copies`` says the model cannot handle as a placeholder too.

    With no style (the model can write no placeholder), markup placeholders are taken out of the
    text (the document attaches the markup afterwards, and says so) and words are left as they are.
    """
    pieces: list[tuple[str, str]] = []  # ("text" | "markup", text)
    position = 0
    for match in _CANONICAL.finditer(sentence):
        if match.group() not in placeholders:
            continue
        pieces.append(("text", sentence[position : match.start()]))
        pieces.append(("markup", match.group()))
        position = match.end()
    pieces.append(("text", sentence[position:]))
    if style is None:
        text = "".join(piece for kind, piece in pieces if kind == "text")
        return CarriedSentence(re.sub(r" {2,}", " ", text).strip(), (), ())

    plain = "".join(piece for kind, piece in pieces if kind == "text")
    numbers = _free_numbers(plain, style, copies)
    assigned: dict[str, int] = {}  # canonical number -> model number
    out: list[str] = []
    terms: list[RequiredTerm] = []
    restore: list[tuple[str, str]] = []
    copied: set[str] = set()

    def atom(replacement: str, *, copy: bool) -> None:
        spelled = style.forms(next(numbers))[2]
        out.append(spelled)
        # A copied word is a term (no letters glued onto it); a markup atom is a placeholder.
        terms.append(_term(spelled, placeholder=not copy))
        restore.append((spelled, replacement))
        if copy:
            copied.add(spelled)

    for kind, piece in pieces:
        if kind == "text":
            _carry_words(piece, out, copies, atom)
            continue
        closing, number, single = _CANONICAL.fullmatch(piece).groups()  # type: ignore[union-attr]
        if single:
            atom(piece, copy=False)
            continue
        if not closing:
            assigned[number] = next(numbers)
            spelled = style.forms(assigned[number])[0]
            terms.append(_term(spelled))
        else:
            opened = number in assigned
            if not opened:  # the opener is in another sentence of the unit
                assigned[number] = next(numbers)
            opener = style.forms(assigned[number])[0]
            spelled = style.forms(assigned[number])[1]
            terms.append(_term(spelled, after=KEEP + opener if opened else ""))
        out.append(spelled)
        restore.append((spelled, piece))
    return CarriedSentence("".join(out), tuple(terms), tuple(restore), frozenset(copied))


def _carry_words(
    text: str, out: list[str], copies: Callable[[str], bool], atom: Callable[..., None]
) -> None:
    position = 0
    for match in _WORD.finditer(text):
        word = match.group()
        if not copies(word):
            continue
        start, end = match.start(), match.end()
        while start < end and text[start] in _EDGES and not copies(text[start]):
            start += 1
        while end > start and text[end - 1] in _EDGES and not copies(text[end - 1]):
            end -= 1
        out.append(text[position:start])
        atom(text[start:end], copy=True)
        position = end
    out.append(text[position:])


def _free_numbers(text: str, style: PlaceholderStyle, copies: Callable[[str], bool]):
    """1, 2, 3, ... skipping any number whose spelling the sentence already holds as text, or
    that the model cannot write."""
    number = 0
    while True:
        number += 1
        forms = style.forms(number)
        if not any(form in text or copies(form) for form in forms):
            yield number


def _term(spelled: str, after: str = "", *, placeholder: bool = True) -> RequiredTerm:
    return RequiredTerm(
        KEEP + spelled,
        spelled,
        (spelled,),
        CasePolicy.STRICT,
        copy=True,
        placeholder=placeholder,
        after=after,
    )


def restore(translation: str, carried: CarriedSentence) -> tuple[str, tuple[str, ...]]:
    """The translation in the document's spelling, and the copied words that had to be appended
    because the model did not place them (never lost, but out of place: the caller says so)."""
    if not carried.restore:
        return translation, ()
    back = dict(carried.restore)
    pattern = re.compile("|".join(re.escape(s) for s in sorted(back, key=len, reverse=True)))
    seen: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        spelled = match.group()
        if spelled in seen:  # a second copy: the search forbids it, generate may not
            return ""
        seen.add(spelled)
        return back[spelled]

    text = pattern.sub(replace, translation)
    appended = tuple(back[s] for s in back if s in carried.copied and s not in seen)
    if appended:
        text = " ".join([text.rstrip(), *appended])
    return text, appended
