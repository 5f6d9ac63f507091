"""Inline markup in a translation memory: the documents' placeholders as TMX 1.4b inline codes, and
back.

A release's sentence carries its markup as placeholders (:mod:`mt.documents.model`), each standing
for the markup the source wrote. In a TMX ``seg`` they become the standard's inline elements, the
native code as their content: a pair ``bpt``/``ept`` (matching ``i``), a standalone code ``ph``, the
half of a pair that a sentence break cut off ``it``; ``x`` ties a target's code to the source's::

    sentence  De <1>Coalitie</1> vergadert, zie <2/>.
    codes     <1> "**", </1> "**", <2/> "`nr.pdf`"
    seg       De <bpt i="1" x="1">**</bpt>Coalitie<ept i="1">**</ept> vergadert, zie
              <ph x="2">`nr.pdf`</ph>.

Read back, a ``seg`` gives its text with placeholders numbered in order of appearance (the
canonical form a lookup compares: a sentence whose codes stand where the entry's do matches,
whatever its own placeholder numbers), the target numbered as the source codes it shares (by
``x``, else by order when both sides hold the same kinds of codes in the same order). A lookup
gives the target back in the sentence's own numbers, so that the document being translated
re-applies its own markup, as it does to a machine translation: :func:`renumber`.

This module may import :mod:`mt.core` and :mod:`mt.documents`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml import etree

# The documents' placeholders: <1> and </1> a pair, <2/> a standalone code.
PLACEHOLDER = re.compile(r"<(/?)(\d+)(/?)>")


@dataclass(frozen=True)
class InlineCodes:
    """An entry's source and target with their markup as placeholders (numbered in order of
    appearance in the source; a target code the source lacks numbered after the source's), and the
    native code of each placeholder of each side."""

    source: str
    target: str
    source_codes: tuple[tuple[str, str], ...] = ()  # (placeholder, native code)
    target_codes: tuple[tuple[str, str], ...] = ()

    @property
    def shared(self) -> int:
        """How many codes the source has (a target placeholder above is the target's own)."""
        return len(canonical(self.source)[1])


def canonical(text: str) -> tuple[str, list[str]]:
    """``text`` with its placeholders numbered 1, 2, ... in order of first appearance, and the
    numbers they had, in that order."""
    order: list[str] = []
    numbers: dict[str, int] = {}

    def number(match: re.Match[str]) -> str:
        old = match.group(2)
        if old not in numbers:
            order.append(old)
            numbers[old] = len(order)
        return f"<{match.group(1)}{numbers[old]}{match.group(3)}>"

    return PLACEHOLDER.sub(number, text), order


def renumber(target: str, order: Sequence[str]) -> str | None:
    """A canonical ``target`` in the numbers of a sentence whose placeholders had the numbers
    ``order`` (number ``k`` becomes ``order[k - 1]``); None when it holds a code the sentence has
    not (its place in the sentence's markup is unknown)."""
    missing = False

    def number(match: re.Match[str]) -> str:
        nonlocal missing
        k = int(match.group(2))
        if k > len(order):
            missing = True
            return match.group()
        return f"<{match.group(1)}{order[k - 1]}{match.group(3)}>"

    renumbered = PLACEHOLDER.sub(number, target)
    return None if missing else renumbered


def plain(text: str) -> str:
    """``text`` without its placeholders (what a tool that skips native codes reads)."""
    return PLACEHOLDER.sub("", text)


def _kinds(text: str) -> list[tuple[str, ...]]:
    """Per placeholder number, in order of first appearance, the forms it takes (open, close,
    atom): two sides pair by order only where these agree."""
    forms: dict[str, list[str]] = {}
    for match in PLACEHOLDER.finditer(text):
        form = "atom" if match.group(3) else "close" if match.group(1) else "open"
        forms.setdefault(match.group(2), []).append(form)
    return [tuple(kinds) for kinds in forms.values()]


def pair_codes(
    source: str,
    target: str,
    source_codes: Mapping[str, str],
    target_codes: Mapping[str, str],
    *,
    shared_numbers: bool = False,
) -> InlineCodes | None:
    """The :class:`InlineCodes` of a sentence pair whose placeholders stand for ``source_codes``
    and ``target_codes`` (None when neither side has any).

    ``shared_numbers``: the target's placeholders already name the source's codes (an XLIFF unit,
    whose codes pair by id). Otherwise (two documents, numbered each on its own) the target's
    codes are the source's in order when both hold the same kinds in the same order, and the
    target's own otherwise."""
    if not PLACEHOLDER.search(source) and not PLACEHOLDER.search(target):
        return None
    marked_source, order = canonical(source)
    position = {old: str(k) for k, old in enumerate(order, 1)}
    if shared_numbers:
        extra: dict[str, str] = {}
        for match in PLACEHOLDER.finditer(target):
            old = match.group(2)
            if old not in position and old not in extra:
                extra[old] = str(len(order) + len(extra) + 1)
        mapping = {**position, **extra}
    else:
        target_order = canonical(target)[1]
        if _kinds(source) == _kinds(target):
            mapping = {old: str(k) for k, old in enumerate(target_order, 1)}
        else:
            mapping = {old: str(len(order) + k) for k, old in enumerate(target_order, 1)}

    def rename(match: re.Match[str], numbers: Mapping[str, str]) -> str:
        return f"<{match.group(1)}{numbers[match.group(2)]}{match.group(3)}>"

    marked_target = PLACEHOLDER.sub(lambda m: rename(m, mapping), target)
    codes_of_source = tuple(
        (rename(m, position), source_codes.get(m.group(), "")) for m in PLACEHOLDER.finditer(source)
    )
    codes_of_target = tuple(
        (rename(m, mapping), target_codes.get(m.group(), "")) for m in PLACEHOLDER.finditer(target)
    )
    return InlineCodes(
        marked_source,
        marked_target,
        tuple(dict(codes_of_source).items()),
        tuple(dict(codes_of_target).items()),
    )


# --- TMX -----------------------------------------------------------------------------------------


def seg_xml(text: str, codes: Mapping[str, str], shared: int, escape: Callable[[str], str]) -> str:
    """The content of a TMX ``seg`` for ``text``: each placeholder as its inline element, the
    native code of ``codes`` inside; ``x`` on the codes numbered up to ``shared`` (those both sides
    have)."""
    opened = {m.group(2) for m in PLACEHOLDER.finditer(text) if not m.group(1) and not m.group(3)}
    closed = {m.group(2) for m in PLACEHOLDER.finditer(text) if m.group(1)}
    out: list[str] = []
    position = 0
    for match in PLACEHOLDER.finditer(text):
        out.append(escape(text[position : match.start()]))
        position = match.end()
        number = match.group(2)
        native = escape(codes.get(match.group(), ""))
        x = f' x="{number}"' if int(number) <= shared else ""
        if match.group(3):
            out.append(f"<ph{x}>{native}</ph>")
        elif not match.group(1):
            if number in closed:
                out.append(f'<bpt i="{number}"{x}>{native}</bpt>')
            else:  # (a sentence break cut the pair: its opening half alone)
                out.append(f'<it pos="begin"{x}>{native}</it>')
        elif number in opened:
            out.append(f'<ept i="{number}">{native}</ept>')
        else:
            out.append(f'<it pos="end"{x}>{native}</it>')
    out.append(escape(text[position:]))
    return "".join(out)


# TMX inline elements whose content is native code (a tool's formatting), not text
CODES = frozenset({"bpt", "ept", "it", "ph", "ut"})


@dataclass(frozen=True)
class ReadSeg:
    """A ``seg`` read: its text (codes left out), its text with placeholders (numbered in order of
    appearance), each placeholder's native code, and the ``x`` of each placeholder number."""

    text: str
    marked: str
    codes: tuple[tuple[str, str], ...]
    x: tuple[tuple[str, str], ...]  # (number, x)


def read_seg(element: etree._Element) -> ReadSeg:
    """A ``seg``'s text and markup: ``hi`` (and other elements that hold text) read through,
    ``bpt``/``ept`` pairs (by ``i``), ``it`` and ``ph``/``ut`` as placeholders."""
    numbers: dict[tuple[str, str], str] = {}
    codes: dict[str, str] = {}
    xs: dict[str, str] = {}
    pairs = _pairs_in(element)
    text: list[str] = []
    marked: list[str] = []

    def walk(node: etree._Element) -> None:
        text.append(node.text or "")
        marked.append(node.text or "")
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in CODES:
                placeholder = _placeholder(child, pairs, numbers)
                marked.append(placeholder)
                codes.setdefault(placeholder, "".join(child.itertext()))
                if child.get("x") and placeholder.strip("</>") not in xs:
                    xs[placeholder.strip("</>")] = child.get("x", "")
            elif tag:
                walk(child)
            text.append(child.tail or "")
            marked.append(child.tail or "")

    walk(element)
    return ReadSeg("".join(text), "".join(marked), tuple(codes.items()), tuple(xs.items()))


def _pairs_in(element: etree._Element) -> set[str]:
    """The ``i`` of each ``bpt`` whose ``ept`` is in the same ``seg``."""
    begins = {e.get("i") for e in element.iter("bpt")}
    ends = {e.get("i") for e in element.iter("ept")}
    return {i for i in begins & ends if i}


def _placeholder(code: etree._Element, pairs: set[str], numbers: dict[tuple[str, str], str]) -> str:
    tag = code.tag
    i = code.get("i", "")
    if tag in ("bpt", "ept") and i in pairs:
        number = numbers.setdefault(("pair", i), str(len(numbers) + 1))
        return f"<{number}>" if tag == "bpt" else f"</{number}>"
    number = str(len(numbers) + 1)  # (a code alone: a number of its own)
    numbers[(tag, number)] = number
    if tag == "bpt" or (tag == "it" and code.get("pos") == "begin"):
        return f"<{number}>"
    if tag == "ept" or tag == "it":
        return f"</{number}>"
    return f"<{number}/>"


def pair_segs(source: ReadSeg, target: ReadSeg) -> InlineCodes | None:
    """The :class:`InlineCodes` of a ``tu``'s Dutch and other ``seg``: the target's codes are the
    source's by ``x`` where the file gives one, else by order (:func:`pair_codes`)."""
    if not source.codes and not target.codes:
        return None
    if not source.x and not target.x:
        return pair_codes(source.marked, target.marked, dict(source.codes), dict(target.codes))
    by_x = {x: number for number, x in source.x}
    target_x = dict(target.x)
    shared = len(canonical(source.marked)[1])
    mapping: dict[str, str] = {}
    for number in canonical(target.marked)[1]:
        # a code without a counterpart: numbered after the source's (each its own number)
        mapping[number] = by_x.get(target_x.get(number, "")) or str(shared + len(mapping) + 1)

    def rename(text: str) -> str:
        return PLACEHOLDER.sub(lambda m: f"<{m.group(1)}{mapping[m.group(2)]}{m.group(3)}>", text)

    return pair_codes(
        source.marked,
        rename(target.marked),
        dict(source.codes),
        {rename(placeholder): code for placeholder, code in target.codes},
        shared_numbers=True,
    )


__all__ = [
    "CODES",
    "PLACEHOLDER",
    "InlineCodes",
    "ReadSeg",
    "canonical",
    "pair_codes",
    "pair_segs",
    "plain",
    "read_seg",
    "renumber",
    "seg_xml",
]
