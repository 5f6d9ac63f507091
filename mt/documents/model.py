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
class MarkupNote:
    """Inline markup that a translation did not carry, and what rendering did with it instead."""

    line: int  # in the source file
    markup: str  # as the user wrote it: "**vet**", '<a href="https://x.be">', "`nr-27.pdf`"
    placed: str  # the translated words it now surrounds or precedes ("" when appended)
    how: str  # "by its text" | "by its position" | "appended"

    def describe(self) -> str:
        if self.how == "appended":
            return f"{self.markup} was not carried through translation; appended to the end"
        return (
            f"{self.markup} was not carried through translation; put on "
            f"{self.placed!r} {self.how}: check it"
        )


@dataclass(frozen=True)
class Rendering:
    """A rendered translation and the notes on the markup it could not carry."""

    text: str
    notes: tuple[MarkupNote, ...] = ()


@dataclass(frozen=True)
class _Markup:
    """What a placeholder stands for, and what to append if a translation lost it."""

    placeholder: str
    markup: tuple[_Part, ...]
    partner: str = ""  # the other half of a pair ("</1>" for "<1>"); "" for an atom
    fallback: tuple[_Part, ...] = ()  # appended when the markup cannot be placed at all
    written: str = ""  # the markup as the source wrote it, for notes
    line: int = 0  # its line in the source


@dataclass(frozen=True)
class _Setting:
    """A value that rendering sets for the translation: the HTML ``lang`` and ``charset``."""

    kind: str  # "lang" | "lang-attribute" | "charset" | "content-charset" | "charset-meta"
    original: str


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


_Part = str | _Slot | _Setting
_PLACEHOLDER = re.compile(r"</?\d+/?>")
# what looks like placeholders in a source: a pair with its text is kept whole ("<1>x</1>")
_LITERAL = re.compile(r"<(\d+)>[^<>]{0,80}</\1>|</?\d+/?>")
_URL = re.compile(
    r"<(?:mailto:)?[\w.+-]+@[\w-]+\.[\w.-]+\w>"  # an address in angle brackets keeps them
    r"|\b(?:https?://|www\.)[^\s<>\"'`]*[^\s<>\"'`.,;:!?)\]]|\b[\w.+-]+@[\w-]+\.[\w.-]+\w"
)
_LETTER = re.compile(r"[^\W\d_]")
_WORDLIKE = re.compile(r"[^\W_]")
_WRAP = "\ue000"  # marks a line break inside a rewrapped translation before markup is restored


@dataclass(frozen=True)
class Document:
    """A parsed document: its translatable units and the template to render translations into."""

    source: str
    format: str
    units: tuple[TextUnit, ...]
    template: tuple[_Part, ...] = field(default=(), repr=False, compare=False)

    def render(self, translations: Sequence[str], *, lang: str | None = None) -> str:
        """The document with unit ``i`` replaced by ``translations[i]``, structure unchanged.

        ``lang`` names the translation's language: an HTML document's ``lang`` attribute says it
        and its ``<meta charset>`` says UTF-8 (what :func:`write_atomic` writes)."""
        return self.render_report(translations, lang=lang).text

    def render_report(self, translations: Sequence[str], *, lang: str | None = None) -> Rendering:
        """:meth:`render`, with a note for each inline markup the translations did not carry
        (attached to the words that best match, or appended) so that a person can check it."""
        if self.units and not self.template:  # (a unit always has its slot in a template)
            raise ValueError(f"{self.source}: read for its units alone; it has no template")
        if len(translations) != len(self.units):
            raise ValueError(
                f"{self.source}: {len(self.units)} units but {len(translations)} translations"
            )
        context = _Context(self.units, translations, lang, [])
        text = "".join(_render_parts(self.template, context))
        return Rendering(text, tuple(context.notes))

    def line_of(self, unit: int, text: str) -> int:
        """The source line on which ``text`` stands in unit number ``unit`` (a wrapped paragraph
        spans lines); the unit's first line when it cannot be found as written."""
        first = self.units[unit].line
        slot = _slots(self.template).get(unit)
        if slot is None or not text:
            return first
        original = _text_of(slot.original)
        found = original.find(text)
        return first + original[:found].count("\n") if found > 0 else first


@dataclass
class _Context:
    units: Sequence[TextUnit]
    translations: Sequence[str]
    lang: str | None
    notes: list[MarkupNote]


def _slots(parts: Sequence[_Part]) -> dict[int, _Slot]:
    found: dict[int, _Slot] = {}
    for part in parts:
        if isinstance(part, _Slot):
            found.setdefault(part.unit, part)
            found.update((k, v) for k, v in _slots(part.original).items() if k not in found)
            for markup in part.markups:
                found.update((k, v) for k, v in _slots(markup.markup).items() if k not in found)
    return found


def _render_parts(parts: Sequence[_Part], context: _Context) -> Iterator[str]:
    for part in parts:
        if isinstance(part, str):
            yield part
        elif isinstance(part, _Setting):
            yield _setting(part, context.lang)
        else:
            yield _render_slot(part, context)


def _setting(part: _Setting, lang: str | None) -> str:
    if lang is None:
        return part.original
    if part.kind == "lang":
        return lang
    if part.kind == "lang-attribute":
        return f' lang="{lang}"'
    if part.kind == "charset":
        return "utf-8"
    if part.kind == "charset-meta":
        return '<meta charset="utf-8">'
    return re.sub(r"(?i)(charset\s*=\s*)[^;\s\"']+", r"\g<1>utf-8", part.original)


def _render_slot(slot: _Slot, context: _Context) -> str:
    def markup(parts: Sequence[_Part]) -> str:
        return "".join(_render_parts(parts, context))

    translation = context.translations[slot.unit]
    unit = context.units[slot.unit]
    if translation == unit.text:
        return markup(slot.original)
    by_placeholder = {m.placeholder: m for m in slot.markups}
    appended: list[_Markup] = []
    if by_placeholder or _PLACEHOLDER.search(translation):
        translation = _repair(translation, unit, slot.markups, context.notes, appended)
    if slot.breaks:
        translation = _rewrap(translation, slot.widths)
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
    for item in appended:
        tail.append(markup(item.fallback))
    text = "".join(out)
    for kept in slot.keep:
        if kept not in translation:
            tail.append(f" {_escape(kept, slot.escape)}")
            context.notes.append(MarkupNote(unit.line, kept, "", "appended"))
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


def _repair(
    translation: str,
    unit: TextUnit,
    markups: Sequence[_Markup],
    notes: list[MarkupNote],
    appended: list[_Markup],
) -> str:
    """The translation with every markup placeholder once, pairs in order around some words.

    Placeholders the translation holds in good order stay where they are. Stray halves, copies
    and placeholders the unit does not know are removed; a pair that came back empty counts as
    lost. Each lost markup is put back on the translated words that best match it: the words of
    its own source text where the translation holds them (a name, a code), else the words at the
    same relative position; a note says so. One that cannot be placed (no words) is appended.
    """
    known = {m.placeholder: m for m in markups}
    found = _placeholders_in_order(translation, known)
    by_name = {name: offset for offset, name in found.items()}
    for name, offset in list(by_name.items()):
        partner = known[name].partner
        if partner and not name.startswith("</") and partner in by_name:
            between = translation[offset + len(name) : by_name[partner]]
            if not between.strip():
                del found[offset], found[by_name[partner]]
    pieces: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(translation):
        pieces.append(translation[position : match.start()])
        if match.start() in found:
            pieces.append(match.group())
        position = match.end()
    pieces.append(translation[position:])
    text = "".join(pieces)
    if len(found) < len(_PLACEHOLDER.findall(translation)):  # some removed: no double spaces
        text = re.sub(r"(?<=\S)  +(?=\S)", " ", text).strip()
    restored = set(found.values())
    source_plain, source_at = _plain(unit.text)
    for item in markups:
        if item.placeholder in restored or item.placeholder.startswith("</"):
            continue
        text = _attach(text, item, unit, source_plain, source_at, notes, appended)
    return _tidy(text, known)


def _plain(text: str) -> tuple[str, dict[str, int]]:
    """``text`` without placeholders, and where each placeholder stood in that plain text."""
    at: dict[str, int] = {}
    out: list[str] = []
    length = 0
    position = 0
    for match in _PLACEHOLDER.finditer(text):
        piece = text[position : match.start()]
        out.append(piece)
        length += len(piece)
        at.setdefault(match.group(), length)
        position = match.end()
    out.append(text[position:])
    return "".join(out), at


def _attach(
    text: str,
    item: _Markup,
    unit: TextUnit,
    source_plain: str,
    source_at: dict[str, int],
    notes: list[MarkupNote],
    appended: list[_Markup],
) -> str:
    plain, _ = _plain(text)
    # offsets in text of each plain character, and of the end
    offsets: list[int] = []
    position = 0
    for match in _PLACEHOLDER.finditer(text):
        offsets.extend(range(position, match.start()))
        position = match.end()
    offsets.extend(range(position, len(text)))
    offsets.append(len(text))
    line = item.line or unit.line
    written = item.written or item.placeholder
    size = max(1, len(source_plain))
    start_fraction = source_at.get(item.placeholder, 0) / size
    # words with a letter or digit: markup is never put on a lone "." or "-"
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", plain) if _WORDLIKE.search(m[0])]
    if not words:
        if item.fallback:
            appended.append(item)
        notes.append(MarkupNote(line, written, "", "appended"))
        return text
    if not item.partner:  # an atom: after the word whose end is nearest its place
        if source_at.get(item.placeholder, 0) == 0:  # it opened the unit: it still does
            cut = offsets[words[0][0]]
            word = plain[words[0][0] : words[0][1]]
            notes.append(MarkupNote(line, written, word, "by its position"))
            return f"{text[:cut]}{item.placeholder} {text[cut:]}"
        target = start_fraction * len(plain)
        word_start, word_end = min(words, key=lambda w: abs(w[1] - target))
        while word_end - 1 > word_start and plain[word_end - 1] in ".,;:!?)»\"'":
            word_end -= 1
        cut = offsets[word_end - 1] + 1
        word = plain[word_start:word_end]
        notes.append(MarkupNote(line, written, word, "by its position"))
        return f"{text[:cut]} {item.placeholder}{text[cut:]}"
    inner_start = source_at.get(item.placeholder, 0)
    inner_end = source_at.get(item.partner, inner_start)
    inner = " ".join(source_plain[inner_start:inner_end].split())
    span = None
    how = "by its text"
    if inner:
        found = plain.find(inner)
        if found < 0:
            found = plain.lower().find(inner.lower())
        if found >= 0:
            span = (found, found + len(inner))
    if span is None:
        how = "by its position"
        low, high = start_fraction * len(plain), inner_end / size * len(plain)
        chosen = [w for w in words if low <= (w[0] + w[1]) / 2 <= high]
        if not chosen:
            middle = (low + high) / 2
            chosen = [min(words, key=lambda w: abs((w[0] + w[1]) / 2 - middle))]
        span = (chosen[0][0], chosen[-1][1])
        while span[1] - 1 > span[0] and plain[span[1] - 1] in ".,;:!?)»\"'":
            span = (span[0], span[1] - 1)
    begin, end = offsets[span[0]], offsets[span[1] - 1] + 1
    notes.append(MarkupNote(line, written, plain[span[0] : span[1]], how))
    return f"{text[:begin]}{item.placeholder}{text[begin:end]}{item.partner}{text[end:]}"


def _tidy(text: str, known: dict[str, _Markup]) -> str:
    """Spaces just inside a pair move outside it: ``** vet **`` is no emphasis in Markdown."""

    def opener(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in known and known[name].partner and not name.startswith("</"):
            return match.group(2) + name
        return match.group()

    def closer(match: re.Match[str]) -> str:
        return match.group(2) + match.group(1) if match.group(2) in known else match.group()

    tidy = re.sub(r"(<\d+>)(\s+)", opener, text)
    tidy = re.sub(r"(\s+)(</\d+>)", closer, tidy)
    return re.sub(r"  +", " ", tidy) if tidy != text else tidy


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


def inline_codes(document: Document) -> list[dict[str, str]]:
    """Per unit of ``document`` (read with its template), each placeholder of its text and the
    markup it stands for, as the source wrote it (``{"<1>": "**", "</1>": "**"}``)."""
    slots = _slots(document.template)
    return [
        {markup.placeholder: _text_of(markup.markup) for markup in slot.markups}
        if (slot := slots.get(index)) is not None
        else {}
        for index in range(len(document.units))
    ]


def _text_of(parts: Sequence[_Part]) -> str:
    return "".join(part if isinstance(part, str) else _text_of(_parts_of(part)) for part in parts)


def _parts_of(part: _Part) -> tuple[_Part, ...]:
    if isinstance(part, _Slot):
        return part.original
    if isinstance(part, _Setting):
        return (part.original,)
    return (part,)


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
        self,
        opener: Sequence[_Part],
        closer: Sequence[_Part],
        fallback: Sequence[_Part] = (),
        *,
        written: str = "",
        line: int = 0,
    ):
        self.last += 1
        open_, close = f"<{self.last}>", f"</{self.last}>"
        return (
            open_,
            close,
            [
                _Markup(open_, tuple(opener), close, tuple(fallback), _short(written), line),
                _Markup(close, tuple(closer), open_),
            ],
        )

    def atom(self, markup: Sequence[_Part], *, written: str = "", line: int = 0):
        self.last += 1
        placeholder = f"<{self.last}/>"
        return placeholder, _Markup(
            placeholder, tuple(markup), "", (" ", *markup), _short(written), line
        )


def _short(written: str, limit: int = 80) -> str:
    """Markup as written, cut in the middle when long (a link with a long label)."""
    written = " ".join(written.split())
    return written if len(written) <= limit else f"{written[: limit // 2]}…{written[-limit // 2 :]}"


def with_literals(
    text: str, numbers: _Numbers, line: int, escape: str = ""
) -> tuple[str, list[_Markup]]:
    """``text`` with each piece that looks like a placeholder (``<1>x</1>``, ``</2>``, ``<3/>``
    written as text) replaced by an atom that stands for itself: kept verbatim, never taken for
    markup."""
    if "<" not in text:
        return text, []
    out: list[str] = []
    markups: list[_Markup] = []
    position = 0
    for match in _LITERAL.finditer(text):
        literal = match.group()
        shown = html.escape(literal, quote=escape == "attribute") if escape else literal
        placeholder, markup = numbers.atom([shown], written=literal, line=line)
        out += [text[position : match.start()], placeholder]
        markups.append(markup)
        position = match.end()
    out.append(text[position:])
    return "".join(out), markups


def _split_ending(line: str) -> tuple[str, str]:
    body = line.rstrip("\r\n")
    return body, line[len(body) :]
