"""The document model shared by every format: :class:`TextUnit`, :class:`Document` and its private
template (literal text and :class:`_Slot` s), the placeholders that carry inline markup through
translation, the builder the parsers fill, and the rendering that puts translations (rewrapped,
with markup restored or degraded) back into the template."""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TextUnit:
    """One translatable block; its ``protected`` strings must be copied verbatim."""

    text: str
    line: int  # 1-based, in the source file
    kind: str  # title, heading, paragraph, item, quote, cell, alt, title-attribute, ...
    protected: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Markup:
    """What a placeholder stands for, and what to append if a translation lost it."""

    placeholder: str
    markup: tuple[_Part, ...]
    partner: str = ""  # the other half of a pair ("</1>" for "<1>"); "" for an atom or a closer
    fallback: tuple[_Part, ...] = ()  # appended when the placeholder (or its partner) is lost


@dataclass(frozen=True)
class _Slot:
    """Where a unit's translation goes in the template, and how to restore its markup."""

    unit: int
    original: tuple[_Part, ...]  # the source text, copied when the translation is unchanged
    markups: tuple[_Markup, ...] = ()
    keep: tuple[str, ...] = ()  # literals (URLs) appended if the translation dropped them
    escape: str = ""  # "" | "text" | "attribute": HTML escaping; "yaml": a quoted YAML value
    breaks: tuple[str, ...] = ()  # source text between wrapped lines; the translation is rewrapped
    widths: tuple[int, ...] = ()  # each wrapped line's share of the text, in characters


_Part = str | _Slot
_PLACEHOLDER = re.compile(r"</?\d+/?>")
_URL = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"'`]*[^\s<>\"'`.,;:!?)\]]|\b[\w.+-]+@[\w-]+\.[\w.-]+\w"
)
_LETTER = re.compile(r"[^\W\d_]")
_WRAP = "\ue000"  # marks a line break inside a rewrapped translation before markup is restored


@dataclass(frozen=True)
class Document:
    """A parsed document: its translatable units and the template to render translations into."""

    source: str
    format: str
    units: tuple[TextUnit, ...]
    template: tuple[_Part, ...] = field(default=(), repr=False, compare=False)

    def render(self, translations: Sequence[str]) -> str:
        """The document with unit ``i`` replaced by ``translations[i]``, structure unchanged."""
        if self.units and not self.template:  # (a unit always has its slot in a template)
            raise ValueError(f"{self.source}: read for its units alone; it has no template")
        if len(translations) != len(self.units):
            raise ValueError(
                f"{self.source}: {len(self.units)} units but {len(translations)} translations"
            )
        return "".join(_render_parts(self.template, self.units, translations))


def _render_parts(
    parts: Sequence[_Part], units: Sequence[TextUnit], translations: Sequence[str]
) -> Iterator[str]:
    for part in parts:
        if isinstance(part, str):
            yield part
        else:
            yield _render_slot(part, units, translations)


def _render_slot(slot: _Slot, units: Sequence[TextUnit], translations: Sequence[str]) -> str:
    def markup(parts: Sequence[_Part]) -> str:
        return "".join(_render_parts(parts, units, translations))

    translation = translations[slot.unit]
    if translation == units[slot.unit].text:
        return markup(slot.original)
    if slot.breaks:
        translation = _rewrap(translation, slot.widths)
    by_placeholder = {m.placeholder: m for m in slot.markups}
    found = _placeholders_in_order(translation, by_placeholder)
    out: list[str] = []
    tail: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(translation):
        out.append(_escape(translation[position : match.start()], slot.escape))
        position = match.end()
        if match.start() in found:
            out.append(markup(by_placeholder[match.group()].markup))
    out.append(_escape(translation[position:], slot.escape))
    restored = set(found.values())
    for item in slot.markups:
        if item.fallback and item.placeholder not in restored:
            tail.append(markup(item.fallback))
    text = "".join(out)
    tail.extend(f" {kept}" for kept in slot.keep if kept not in text)
    text += "".join(tail)
    if slot.breaks:
        pieces = text.split(_WRAP)
        text = pieces[0] + "".join(b + p for b, p in zip(slot.breaks, pieces[1:], strict=True))
    if slot.escape == "yaml":  # a front-matter value: quoted whole, so its YAML stays valid
        text = yaml_quoted(text)
    return text


def _placeholders_in_order(translation: str, known: dict[str, _Markup]) -> dict[int, str]:
    """Offsets of the placeholders to restore: the first copy of each; a pair only when both halves
    are there, opener first. Anything else that looks like a placeholder is dropped."""
    first: dict[str, int] = {}
    for match in _PLACEHOLDER.finditer(translation):
        if match.group() in known:
            first.setdefault(match.group(), match.start())
    keep: dict[int, str] = {}
    for placeholder, offset in first.items():
        partner = known[placeholder].partner
        if not partner:
            keep[offset] = placeholder  # an atom
        elif not placeholder.startswith("</"):
            closing = first.get(partner)
            if closing is not None and closing > offset:
                keep[offset] = placeholder
                keep[closing] = partner
    return keep


def yaml_quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar: valid YAML whatever it holds (``: ``, ``#``,
    quotes, backslashes, control characters), read back as exactly ``text``."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = re.sub(
        r"[\x00-\x1f\x7f\x85\u2028\u2029]", lambda m: f"\\u{ord(m.group()):04x}", escaped
    )
    return f'"{escaped}"'


def _escape(text: str, how: str) -> str:
    if how == "text":
        return html.escape(text, quote=False)
    if how == "attribute":
        return html.escape(text, quote=True)
    return text


def _rewrap(translation: str, widths: Sequence[int]) -> str:
    """Spread the words over ``len(widths)`` lines in the source's proportions."""
    words = translation.split()
    total_words = sum(len(word) + 1 for word in words) or 1
    total_width = sum(widths) or 1
    bounds = []
    running = 0
    for width in widths[:-1]:
        running += width
        bounds.append(running / total_width)
    lines: list[list[str]] = [[] for _ in widths]
    position = 0
    line = 0
    for word in words:
        middle = (position + (len(word) + 1) / 2) / total_words
        # never skip a line: an empty line inside a Markdown paragraph would end it
        line = min(bisect.bisect_right(bounds, middle), line + 1 if lines[line] else line)
        lines[line].append(word)
        position += len(word) + 1
    return _WRAP.join(" ".join(line) for line in lines)


# --- building units ------------------------------------------------------------------------------


class _Builder:
    """Collects units and template parts while a parser walks the source; with ``slots=False``
    only the units count (the parts are collected, but hold no slots)."""

    def __init__(self, *, slots: bool = True) -> None:
        self.units: list[TextUnit] = []
        self.template: list[_Part] = []
        self.slots = slots

    def unit(
        self,
        text: str,
        line: int,
        kind: str,
        original: Sequence[_Part],
        markups: Sequence[_Markup] = (),
        *,
        escape: str = "",
        breaks: Sequence[str] = (),
        widths: Sequence[int] = (),
    ) -> list[_Part]:
        """The parts for one unit: a slot, or the original when there is no word to translate.

        Markup around the whole unit (``*Laatst bijgewerkt*``, ``- [Persbericht](https://...)``)
        moves into the template: the decoder then has no placeholder to copy.
        """
        if not _LETTER.search(_PLACEHOLDER.sub("", text) if "<" in text else text):
            return list(original)
        before: list[_Part] = []
        after: list[_Part] = []
        # (markup around the whole unit has placeholders: a unit without markups has none)
        by_placeholder = {markup.placeholder: markup for markup in markups} if markups else {}
        while (
            by_placeholder
            and (outer := _OUTER_PAIR.fullmatch(text))
            and f"<{outer[1]}>" in by_placeholder
        ):
            opener = by_placeholder[f"<{outer[1]}>"]
            closer = by_placeholder[f"</{outer[1]}>"]
            inner = _strip_parts(list(original), opener.markup, closer.markup)
            if inner is None:
                break
            before, after = before + list(opener.markup), list(closer.markup) + after
            text, original = outer[2], inner
            markups = [m for m in markups if m is not opener and m is not closer]
            if breaks:  # the markup now sits outside the rewrapped lines
                widths = [widths[0] - len(_text_of(opener.markup)), *widths[1:]]
                widths = [*widths[:-1], widths[-1] - len(_text_of(closer.markup))]
        keep: tuple[str, ...] = ()
        if "://" in text or "www." in text or "@" in text:  # (what every _URL match holds)
            keep = tuple(dict.fromkeys(match.group() for match in _URL.finditer(text)))
        protected = keep
        if "<" in text:
            protected = tuple(dict.fromkeys(_PLACEHOLDER.findall(text))) + keep
        self.units.append(TextUnit(text, line, kind, protected))
        if not self.slots:
            return []
        slot = _Slot(
            len(self.units) - 1,
            tuple(original),
            tuple(markups),
            keep,
            escape,
            tuple(breaks),
            tuple(widths),
        )
        return [*before, slot, *after]


_OUTER_PAIR = re.compile(r"<(\d+)>(.*)</\1>", re.DOTALL)


def _text_of(parts: Sequence[_Part]) -> str:
    return "".join(part for part in parts if isinstance(part, str))


def _strip_parts(
    parts: list[_Part], head: Sequence[_Part], tail: Sequence[_Part]
) -> list[_Part] | None:
    """``parts`` without ``head`` in front and ``tail`` at the end; None if they are not there."""
    parts = list(parts)
    for piece in head:
        if not parts:
            return None
        first = parts[0]
        if isinstance(piece, _Slot) or isinstance(first, _Slot):
            if first is not piece:
                return None
            parts.pop(0)
        elif first.startswith(piece):
            parts[0] = first[len(piece) :]
        else:
            return None
    for piece in reversed(tail):
        if not parts:
            return None
        last = parts[-1]
        if isinstance(piece, _Slot) or isinstance(last, _Slot):
            if last is not piece:
                return None
            parts.pop()
        elif last.endswith(piece):
            parts[-1] = last[: len(last) - len(piece)]
        else:
            return None
    return parts


class _Numbers:
    """Placeholder numbers within one unit: ``<1>``/``</1>`` for a pair, ``<2/>`` for an atom."""

    def __init__(self) -> None:
        self.last = 0

    def pair(
        self, opener: Sequence[_Part], closer: Sequence[_Part], fallback: Sequence[_Part] = ()
    ):
        self.last += 1
        open_, close = f"<{self.last}>", f"</{self.last}>"
        return (
            open_,
            close,
            [
                _Markup(open_, tuple(opener), close, tuple(fallback)),
                _Markup(close, tuple(closer), open_),
            ],
        )

    def atom(self, markup: Sequence[_Part]) -> tuple[str, _Markup]:
        self.last += 1
        placeholder = f"<{self.last}/>"
        return placeholder, _Markup(placeholder, tuple(markup), "", (" ", *markup))


def _split_ending(line: str) -> tuple[str, str]:
    body = line.rstrip("\r\n")
    return body, line[len(body) :]
