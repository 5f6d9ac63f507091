"""Read documents (plain text, Markdown, HTML) as translatable units; render translations back.

A :class:`Document` is the list of its :class:`TextUnit` s (title, heading, paragraph, list item,
table cell, ``alt``/``title`` attribute, ...) plus a private template holding everything else
verbatim: blank lines, lines of only a non-breaking space, ``#`` and list markers, indentation,
tags, attributes, ``<script>``, ``<style>``, ``<pre>``, code. ``render`` fills one translation per
unit into the template, so the output has the source's structure. With identity translations it
returns the source byte for byte: a unit whose translation equals its text is copied as written,
entities and line wrapping included.

Inline markup travels through translation as placeholders the decoder must copy::

    Meer op de [website van de **Coalitie**](https://theglobalcoalition.org) en in `nr-27.pdf`.
    TextUnit.text:      "Meer op de <1>website van de <2>Coalitie</2></1> en in <3/>."
    TextUnit.protected: ("<1>", "<2>", "</2>", "</1>", "<3/>")

A pair ``<n>...</n>`` wraps text that is translated (link text, emphasis); ``<n/>`` stands for
something never translated (inline code, an autolink, ``<br>``, an image without alt text). URLs
written out in running text stay as they are and are listed in ``protected`` too. The pipeline
passes ``protected`` to the decoder as do-not-translate constraints; ``render`` turns placeholders
back into the markup. When a translation lost or garbled a placeholder, ``render`` degrades without
failing: an emphasis is dropped; a link, an atom or a URL that went missing is appended to the end
of the unit (``[https://...](https://...)``), so no URL or code is ever lost.

HTML: text nodes are translated, and so are the ``alt``, ``title``, ``placeholder`` and
``aria-label`` attributes and ``<meta name="description">``-style content, each as its own unit,
because they are what screen readers and search engines show. Parsed with the standard library's
``html.parser``; tags and attributes are copied from the source text, never re-serialised.

Markdown: a paragraph hard-wrapped over several lines is one unit, and its translation is wrapped
back over the same number of lines, so outputs keep the source's line count.
"""

from __future__ import annotations

import bisect
import html
import os
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from mt.errors import InputError, Location

FORMATS = ("text", "markdown", "html")
EXTENSIONS = {".txt": "text", ".md": "markdown", ".markdown": "markdown"}
EXTENSIONS |= {".html": "html", ".htm": "html"}
TRANSLATION_LANGS = ("fr", "de", "en")  # find_documents skips files already named as one of these
SOURCE_LANG = "nl"


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
    escape: str = ""  # "" | "text" | "attribute": HTML escaping of translated text
    breaks: tuple[str, ...] = ()  # source text between wrapped lines; the translation is rewrapped
    widths: tuple[int, ...] = ()  # each wrapped line's share of the text, in characters


_Part = str | _Slot
_PLACEHOLDER = re.compile(r"</?\d+/?>")
_URL = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"'`]*[^\s<>\"'`.,;:!?)\]]|\b[\w.+-]+@[\w-]+\.[\w.-]+\w"
)
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
    """Collects units and template parts while a parser walks the source."""

    def __init__(self) -> None:
        self.units: list[TextUnit] = []
        self.template: list[_Part] = []

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
        if not re.search(r"[^\W\d_]", _PLACEHOLDER.sub("", text)):
            return list(original)
        before: list[_Part] = []
        after: list[_Part] = []
        by_placeholder = {markup.placeholder: markup for markup in markups}
        while (outer := _OUTER_PAIR.fullmatch(text)) and f"<{outer[1]}>" in by_placeholder:
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
        keep = tuple(dict.fromkeys(match.group() for match in _URL.finditer(text)))
        protected = tuple(dict.fromkeys(_PLACEHOLDER.findall(text))) + keep
        self.units.append(TextUnit(text, line, kind, protected))
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


# --- plain text ----------------------------------------------------------------------------------

_TEXT_LINE = re.compile(r"(?P<prefix>\s*(?:[-*•–]\s+|\d{1,3}[.)]\s+)?)(?P<content>.*?)(?P<end>\s*)")


def _parse_text(text: str, builder: _Builder) -> None:
    """One unit per non-blank line: a scraped release puts each paragraph, caption and label on its
    own line, and consecutive lines are separate items, not a wrapped paragraph."""
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        body, ending = _split_ending(line)
        match = _TEXT_LINE.fullmatch(body)
        if not body.strip() or match is None:
            builder.template.append(line)  # blank, or only a non-breaking space: kept, untranslated
            continue
        prefix, content = match.group("prefix"), match.group("content")
        kind = "item" if prefix.strip() else "paragraph" if builder.units else "title"
        builder.template.append(prefix)
        builder.template.extend(builder.unit(content, number, kind, [content]))
        builder.template.append(match.group("end") + ending)


# --- Markdown ------------------------------------------------------------------------------------

_MD_QUOTE = re.compile(r"(?:[ ]{0,3}>[ ]?)+")
_MD_FENCE = re.compile(r"[ ]{0,3}(`{3,}|~{3,})")
_MD_HEADING = re.compile(
    r"(?P<prefix>[ ]{0,3}#{1,6}[ \t]+)(?P<content>.*?)(?P<end>(?:[ \t]+#+)?[ \t]*)"
)
_MD_SETEXT = re.compile(r"[ ]{0,3}(?:=+|-+)[ \t]*")
_MD_BREAK = re.compile(r"[ ]{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*")
_MD_ITEM = re.compile(
    r"(?P<prefix>[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+\[[ xX]\])?[ \t]+)(?P<content>.*)"
)
_MD_TABLE_RULE = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*")
_MD_REFERENCE = re.compile(r"[ ]{0,3}\[[^\]]+\]:\s*\S+.*")
_MD_HTML_BLOCK = re.compile(r"[ ]{0,3}</?[A-Za-z][A-Za-z0-9-]*(?:\s|/?>|$)")
_MD_TOKEN = re.compile(
    r"\\.|`+|<(?:https?://|mailto:)[^>\s]+>|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"
    r"|!?\[|\*\*|__|~~|\*|_"
)


@dataclass
class _MdLine:
    prefix: str  # quote markers, indentation, heading or list marker
    content: str
    end: str  # trailing whitespace (a hard break) and the line ending
    number: int


def _parse_markdown(text: str, builder: _Builder) -> None:
    """Line by line: blocks (headings, items, paragraphs, quotes, table cells) become units; fences,
    HTML blocks, rules and link definitions are kept as they are."""
    block: list[_MdLine] = []
    kind = ""
    fence = ""

    def flush() -> None:
        nonlocal block
        if block:
            _markdown_unit(block, kind, builder)
        block = []

    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        body, ending = _split_ending(line)
        if fence:
            builder.template.append(line)
            if body.strip().startswith(fence):
                fence = ""
            continue
        quote_match = _MD_QUOTE.match(body)
        quote = quote_match.group() if quote_match else ""
        rest = body[len(quote) :]
        stripped = rest.strip()
        fence_match = _MD_FENCE.match(rest)
        item = _MD_ITEM.fullmatch(rest)
        heading = _MD_HEADING.fullmatch(rest)
        if block and kind in ("paragraph", "quote") and _MD_SETEXT.fullmatch(rest) and stripped:
            kind = "heading"  # the line under a paragraph makes it a heading
            flush()
            builder.template.append(line)
        elif (
            not stripped
            or fence_match
            or _MD_BREAK.fullmatch(rest)
            or _MD_REFERENCE.fullmatch(rest)
            or _MD_HTML_BLOCK.match(rest)
            or (_MD_TABLE_RULE.fullmatch(rest) and "-" in rest)
        ):
            flush()
            builder.template.append(line)
            if fence_match:
                fence = fence_match.group(1)[0] * 3
        elif heading:
            flush()
            kind = "heading"
            block = [
                _MdLine(
                    quote + heading["prefix"], heading["content"], heading["end"] + ending, number
                )
            ]
            flush()
        elif item:
            flush()
            kind = "item"
            content = item["content"].rstrip()
            block = [
                _MdLine(
                    quote + item["prefix"],
                    content,
                    item["content"][len(content) :] + ending,
                    number,
                )
            ]
        elif stripped.startswith("|"):
            flush()
            _markdown_row(quote + rest, ending, number, builder)
        elif not block and (rest.startswith("    ") or rest.startswith("\t")) and kind != "item":
            builder.template.append(line)  # an indented code block
        else:
            lead = rest[: len(rest) - len(rest.lstrip())]
            content = rest.strip()
            trailing = rest[len(lead) + len(content) :]
            if not block:
                kind = "quote" if quote else "paragraph"
            block.append(_MdLine(quote + lead, content, trailing + ending, number))
    flush()


def _markdown_row(body: str, ending: str, number: int, builder: _Builder) -> None:
    """A table row: each cell is a unit; the pipes and padding stay."""
    for piece in re.split(r"((?<!\\)\|)", body):
        if piece == "|" or not piece.strip():
            builder.template.append(piece)
            continue
        lead = piece[: len(piece) - len(piece.lstrip())]
        content = piece.strip()
        builder.template.append(lead)
        unit_text, markups = _markdown_inline(content, _Numbers())
        builder.template.extend(builder.unit(unit_text, number, "cell", [content], markups))
        builder.template.append(piece[len(lead) + len(content) :])
    builder.template.append(ending)


def _markdown_unit(block: list[_MdLine], kind: str, builder: _Builder) -> None:
    joined = " ".join(line.content for line in block)
    unit_text, markups = _markdown_inline(joined, _Numbers())
    breaks = [
        line.end + following.prefix for line, following in zip(block, block[1:], strict=False)
    ]
    original = block[0].content + "".join(
        b + line.content for b, line in zip(breaks, block[1:], strict=True)
    )
    builder.template.append(block[0].prefix)
    builder.template.extend(
        builder.unit(
            unit_text,
            block[0].number,
            kind,
            [original],
            markups,
            breaks=breaks if len(block) > 1 else (),
            widths=[len(line.content) for line in block] if len(block) > 1 else (),
        )
    )
    builder.template.append(block[-1].end)


def _markdown_inline(text: str, numbers: _Numbers) -> tuple[str, list[_Markup]]:
    """Replace inline markup by placeholders; link text and emphasis stay translatable."""
    out: list[str] = []
    markups: list[_Markup] = []
    position = 0
    while (match := _MD_TOKEN.search(text, position)) is not None:
        out.append(text[position : match.start()])
        found = _markdown_construct(text, match, numbers)
        if found is None:  # not markup after all: an escape, or a lone "*", "[" or "`"
            out.append(match.group())
            position = match.end()
            continue
        end, piece, items = found
        out.append(piece)
        markups.extend(items)
        position = end
    out.append(text[position:])
    return "".join(out), markups


def _markdown_construct(
    text: str, match: re.Match[str], numbers: _Numbers
) -> tuple[int, str, list[_Markup]] | None:
    token, start, after = match.group(), match.start(), match.end()
    if token.startswith("\\"):
        return None
    if token.startswith("`"):
        close = re.compile(rf"(?<!`){token}(?!`)").search(text, after)
        if close is None:
            return None
        placeholder, markup = numbers.atom([text[start : close.end()]])
        return close.end(), placeholder, [markup]
    if token.startswith("<"):
        placeholder, markup = numbers.atom([token])
        return after, placeholder, [markup]
    if token.endswith("["):
        return _markdown_link(text, start, after, numbers)
    return _markdown_emphasis(text, token, start, after, numbers)


def _markdown_link(
    text: str, start: int, after: int, numbers: _Numbers
) -> tuple[int, str, list[_Markup]] | None:
    label_end = _matching(text, after - 1, "[", "]")
    if label_end is None or label_end + 1 >= len(text) or text[label_end + 1] not in "([":
        return None  # "[text]" alone: a shortcut reference or plain brackets, left as text
    opening = text[label_end + 1]
    end = _matching(text, label_end + 1, opening, ")" if opening == "(" else "]")
    if end is None:
        return None
    opener, closer = text[start:after], text[label_end : end + 1]
    destination = text[label_end + 2 : end].split()
    target = destination[0].strip("<>") if destination else ""
    label = text[after:label_end]
    if not label.strip():
        placeholder, markup = numbers.atom([text[start : end + 1]])
        return end + 1, placeholder, [markup]
    image = opener == "!["
    fallback = [f" {opener}{'' if image else target}]({target})"] if opening == "(" else []
    open_, close, items = numbers.pair([opener], [closer], fallback)
    inner, inner_items = _markdown_inline(label, numbers)
    return end + 1, f"{open_}{inner}{close}", items[:1] + inner_items + items[1:]


def _matching(text: str, start: int, opening: str, closing: str) -> int | None:
    """The offset of the bracket that closes the one at ``start``."""
    depth = 0
    position = start
    while position < len(text):
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return position
        position += 1
    return None


def _markdown_emphasis(
    text: str, token: str, start: int, after: int, numbers: _Numbers
) -> tuple[int, str, list[_Markup]] | None:
    if after >= len(text) or text[after].isspace():
        return None
    underscore = token[0] == "_"
    if underscore and start > 0 and text[start - 1].isalnum():
        return None  # snake_case and the like: not emphasis
    escaped = re.escape(token)
    closer = rf"(?<=\S)(?<!\\){escaped}"
    closer += r"(?!\w)" if underscore else ""
    closer += r"(?!\*)" if token == "*" else ""
    close = re.compile(closer).search(text, after + 1 if token == "*" else after)
    if close is None:
        return None
    open_, close_placeholder, items = numbers.pair([token], [token])
    inner, inner_items = _markdown_inline(text[after : close.start()], numbers)
    return close.end(), f"{open_}{inner}{close_placeholder}", items[:1] + inner_items + items[1:]


# --- HTML ----------------------------------------------------------------------------------------


def _names(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


_RAW_ELEMENTS = frozenset({"script", "style", "pre", "textarea", "svg", "math", "template"})
_INLINE = _names(
    "a abbr b bdi bdo cite data del dfn em font i ins kbd mark q s samp small span strong sub sup "
    "time u var code br img wbr input"
)
_VOID = _names("area base br col embed hr img input link meta source track wbr")
_BLOCK_KINDS = {"title": "title", "li": "item", "dt": "item", "dd": "item", "td": "cell"}
_BLOCK_KINDS |= {"th": "cell", "blockquote": "quote", "caption": "caption", "figcaption": "caption"}
_BLOCK_KINDS |= {f"h{level}": "heading" for level in range(1, 7)}
_TRANSLATED_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")
_META_NAMES = _names("description og:title og:description twitter:title twitter:description")
_ATTRIBUTE = re.compile(r"""([^\s/>"'=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
_HTML_SPACE = re.compile(r"[ \t\r\n\f]+")  # not the non-breaking space: that one is content


@dataclass(frozen=True)
class _Event:
    kind: str  # start, end, startend, data, other
    tag: str
    attrs: tuple[tuple[str, str | None], ...]
    start: int  # offset in the source


class _Scanner(HTMLParser):
    """Records every construct with its offset, so each one's source text can be copied as is."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[_Event] = []
        self.data: dict[int, str] = {}
        self._line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(_Event("start", tag, tuple(attrs), self._offset()))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(_Event("startend", tag, tuple(attrs), self._offset()))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(_Event("end", tag, (), self._offset()))

    def handle_data(self, data: str) -> None:
        self.data[len(self.events)] = data
        self.events.append(_Event("data", "", (), self._offset()))

    def _other(self, *_: object) -> None:
        self.events.append(_Event("other", "", (), self._offset()))

    handle_comment = handle_decl = handle_pi = unknown_decl = _other


@dataclass
class _Item:
    """One event inside a run of inline content."""

    event: _Event
    parts: list[_Part]  # its source text, with slots for translated attributes
    data: str = ""


def _parse_html(text: str, source: str, builder: _Builder) -> None:
    scanner = _Scanner(text)
    try:
        scanner.feed(text)
        scanner.close()
    except AssertionError as error:  # html.parser's way of refusing badly broken markup
        raise InputError(f"cannot parse this HTML: {error}", Location(source)) from error
    events = scanner.events
    ends = [event.start for event in events[1:]] + [len(text)]
    lines = _LineIndex(text)
    run: list[_Item] = []
    blocks: list[str] = []  # open block elements, innermost last
    index = 0
    while index < len(events):
        event = events[index]
        raw = text[event.start : ends[index]]
        if event.kind == "data":
            run.append(_Item(event, [raw], scanner.data[index]))
        elif event.kind == "start" and event.tag in _RAW_ELEMENTS | {"code"}:
            last = _closing(events, index)
            verbatim = text[event.start : ends[last]]
            if event.tag == "code":
                run.append(_Item(event, [verbatim]))  # inline code: an atom, never translated
            else:
                _flush(run, blocks, lines, builder)
                builder.template.append(verbatim)
            index = last
        elif event.kind in ("start", "startend", "end") and event.tag in _INLINE:
            run.append(_Item(event, _tag_parts(event, raw, lines, builder)))
        else:
            _flush(run, blocks, lines, builder)
            builder.template.extend(_tag_parts(event, raw, lines, builder))
            if event.kind == "start" and event.tag not in _VOID:
                blocks.append(event.tag)
            elif event.kind == "end" and event.tag in blocks:
                del blocks[len(blocks) - 1 - blocks[::-1].index(event.tag) :]
        index += 1
    _flush(run, blocks, lines, builder)


class _LineIndex:
    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


def _closing(events: Sequence[_Event], index: int) -> int:
    """The index of the end tag closing ``events[index]`` (the last event if it is never closed)."""
    tag, depth = events[index].tag, 0
    for position in range(index, len(events)):
        event = events[position]
        if event.tag == tag and event.kind in ("start", "end"):
            depth += 1 if event.kind == "start" else -1
            if depth == 0:
                return position
    return len(events) - 1


def _tag_parts(event: _Event, raw: str, lines: _LineIndex, builder: _Builder) -> list[_Part]:
    """A tag's source text, with a slot for each attribute whose value is translated."""
    if event.kind not in ("start", "startend"):
        return [raw]
    attrs = {name: value or "" for name, value in event.attrs}
    wanted = set(_TRANSLATED_ATTRIBUTES)
    if event.tag == "meta" and (attrs.get("name") or attrs.get("property", "")) in _META_NAMES:
        wanted.add("content")
    parts: list[_Part] = []
    position = 0
    name_end = len(event.tag) + 1
    for match in _ATTRIBUTE.finditer(raw, name_end):
        group = next((g for g in (2, 3, 4) if match.group(g) is not None), None)
        if group is None or match.group(1).lower() not in wanted:
            continue
        value_start, value_end = match.span(group)
        value = html.unescape(match.group(group))
        line = lines.line(event.start + value_start)
        text = _HTML_SPACE.sub(" ", value).strip()
        parts.append(raw[position:value_start])
        original = match.group(group)
        if text != value:  # keep surrounding whitespace of the value out of the unit
            parts.extend([original])
        else:
            parts.extend(builder.unit(text, line, "attribute", [original], escape="attribute"))
        position = value_end
    parts.append(raw[position:])
    return parts


def _flush(run: list[_Item], blocks: list[str], lines: _LineIndex, builder: _Builder) -> None:
    """Turn a run of inline content into one unit (or keep it as it is when it holds no text)."""
    items = list(run)
    run.clear()
    if not any(item.data.strip() for item in items):
        for item in items:
            builder.template.extend(item.parts)
        return
    while not items[0].data.strip() and items[0].event.kind == "data":
        builder.template.extend(items.pop(0).parts)
    tail: list[_Part] = []
    while not items[-1].data.strip() and items[-1].event.kind == "data":
        tail = items.pop().parts + tail
    first, last = items[0], items[-1]
    lead = first.data[: len(first.data) - len(first.data.lstrip())] if first.data else ""
    trail = last.data[len(last.data.rstrip()) :] if last.data else ""
    # leading and trailing whitespace of the run stays outside the unit, in the source's spelling
    lead_raw = _raw_whitespace(first, lead, leading=True)
    trail_raw = _raw_whitespace(last, trail, leading=False)
    numbers = _Numbers()
    pieces: list[str] = []
    markups: list[_Markup] = []
    original: list[_Part] = []
    pairs = _pair_tags(items)
    opened: dict[int, str] = {}
    for position, item in enumerate(items):
        parts = list(item.parts)
        if position == 0 and lead_raw:
            parts[0] = parts[0][len(lead_raw) :]  # type: ignore[index]
        if position == len(items) - 1 and trail_raw:
            parts[-1] = parts[-1][: len(parts[-1]) - len(trail_raw)]  # type: ignore[index]
        original.extend(parts)
        if item.event.kind == "data":
            data = item.data
            data = data[len(lead) :] if position == 0 else data
            data = data[: len(data) - len(trail)] if position == len(items) - 1 and trail else data
            pieces.append(_HTML_SPACE.sub(" ", data))
        elif position in pairs:
            closing = pairs[position]
            fallback: list[_Part] = []
            href = dict(item.event.attrs).get("href")
            if item.event.tag == "a" and href:
                fallback = [" ", *parts, html.escape(href, quote=False), *items[closing].parts]
            open_, close, new = numbers.pair(parts, items[closing].parts, fallback)
            opened[closing] = close
            pieces.append(open_)
            markups.extend(new)
        elif position in opened:
            pieces.append(opened[position])
        else:
            placeholder, markup = numbers.atom(parts)
            pieces.append(placeholder)
            markups.append(markup)
    kind = _BLOCK_KINDS.get(blocks[-1], "paragraph") if blocks else "paragraph"
    start = first.event.start + len(lead_raw)
    builder.template.append(lead_raw)
    builder.template.extend(
        builder.unit(
            re.sub(r" {2,}", " ", "".join(pieces)),
            lines.line(start),
            kind,
            original,
            markups,
            escape="text",
        )
    )
    builder.template.append(trail_raw)
    builder.template.extend(tail)


def _raw_whitespace(item: _Item, whitespace: str, *, leading: bool) -> str:
    """The source text of an item's leading/trailing whitespace (whitespace has no entities)."""
    if not whitespace or item.event.kind != "data":
        return ""
    raw = item.parts[0]
    assert isinstance(raw, str)
    stripped = raw.lstrip() if leading else raw.rstrip()
    return raw[: len(raw) - len(stripped)] if leading else raw[len(stripped) :]


def _pair_tags(items: Sequence[_Item]) -> dict[int, int]:
    """Opening tag index -> closing tag index, for inline elements opened and closed in the run."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for position, item in enumerate(items):
        if item.event.kind == "start" and item.event.tag not in _VOID:
            stack.append(position)
        elif item.event.kind == "end":
            for depth in range(len(stack) - 1, -1, -1):
                if items[stack[depth]].event.tag == item.event.tag:
                    pairs[stack[depth]] = position
                    del stack[depth:]
                    break
    return pairs


# --- reading and writing -------------------------------------------------------------------------


def detect_format(path: Path, override: str | None = None) -> str:
    """The format named by ``override`` (``--format``), else by the file's extension."""
    if override is not None:
        if override not in FORMATS:
            raise InputError(f"unknown format {override!r}; supported: {', '.join(FORMATS)}")
        return override
    suffix = Path(path).suffix.lower()
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    known = ", ".join(f"{ext} ({fmt})" for ext, fmt in EXTENSIONS.items())
    raise InputError(
        f"cannot tell the format from the extension {suffix or '(none)'!r}; supported: {known}; "
        f"or name it with --format {'|'.join(FORMATS)}",
        Location(path),
    )


def parse_document(text: str, format: str, source: str = "<string>") -> Document:
    """Split ``text`` into translatable units and the template that ``Document.render`` fills."""
    if format not in FORMATS:
        raise InputError(f"unknown format {format!r}; supported: {', '.join(FORMATS)}")
    builder = _Builder()
    if text.startswith("\ufeff"):  # a byte-order mark belongs to the file, not to the first unit
        builder.template.append("\ufeff")
        text = text[1:]
    if format == "text":
        _parse_text(text, builder)
    elif format == "markdown":
        _parse_markdown(text, builder)
    else:
        _parse_html(text, source, builder)
    return Document(source, format, tuple(builder.units), _merge_literals(builder.template))


def _merge_literals(parts: Sequence[_Part]) -> tuple[_Part, ...]:
    merged: list[_Part] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        elif part != "":
            merged.append(part)
    return tuple(merged)


def read_document(path: Path | str, format: str | None = None, encoding: str = "utf-8") -> Document:
    """Read and parse a document; ``"-"`` reads standard input (plain text unless ``format``)."""
    if str(path) == "-":
        data = sys.stdin.buffer.read()
        source, fmt = "<stdin>", format or "text"
    else:
        path = Path(path)
        if path.is_dir():
            raise InputError(
                "is a folder; name a file, or use a folder only where a list is read",
                Location(path),
            )
        if not path.exists():
            raise InputError("no such file", Location(path))
        fmt = detect_format(path, format)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise InputError(f"cannot read: {error.strerror}", Location(path)) from error
        source = str(path)
    wide = encoding.lower().replace("-", "").replace("_", "").startswith(("utf16", "utf32"))
    if b"\x00" in data and not wide:
        raise InputError(
            "binary file (it holds NUL bytes); expected text, Markdown or HTML", Location(source)
        )
    try:
        text = data.decode(encoding)
    except LookupError as error:
        raise InputError(f"unknown encoding {encoding!r} (--encoding)") from error
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(
            f"not valid {encoding} text (byte {error.start}); name its encoding with "
            f"--encoding, e.g. --encoding cp1252",
            Location(source, line),
        ) from error
    return parse_document(text, fmt, source)


def find_documents(paths: Sequence[Path]) -> list[Path]:
    """The files to translate: files as given, folders expanded (recursively, sorted) to supported
    files that are not already translations (``*.fr.md``, ``*.de.txt``, ``*.en.html``)."""
    found: list[Path] = []
    for path in map(Path, paths):
        if str(path) == "-":
            found.append(path)
        elif path.is_dir():
            files = sorted(
                candidate
                for candidate in path.rglob("*")
                if candidate.is_file()
                and candidate.suffix.lower() in EXTENSIONS
                and language_of(candidate) not in TRANSLATION_LANGS
                and not any(part.startswith(".") for part in candidate.relative_to(path).parts)
            )
            if not files:
                raise InputError(
                    f"no documents to translate in this folder (looked for "
                    f"{', '.join(EXTENSIONS)}; files named *.fr.*, *.de.*, *.en.* are skipped)",
                    Location(path),
                )
            found.extend(files)
        elif not path.exists():
            raise InputError("no such file or folder", Location(path))
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def language_of(path: Path | str) -> str | None:
    """The language code before the extension: ``release.fr.md`` -> ``"fr"``; else ``None``."""
    parts = Path(path).name.split(".")
    if len(parts) >= 3 and re.fullmatch(r"[A-Za-z]{2}", parts[-2]):
        return parts[-2].lower()
    return None


def output_path(input: Path, lang: str, out_dir: Path | None = None) -> Path:
    """``release.nl.txt`` -> ``release.fr.txt``; ``report.md`` -> ``report.fr.md``; in ``out_dir``
    (default: beside the input). Standard input (``-``) maps to standard output (``-``)."""
    input = Path(input)
    if str(input) == "-":
        return input
    suffix = input.suffix
    stem = input.name[: len(input.name) - len(suffix)] if suffix else input.name
    if language_of(input) == SOURCE_LANG:
        stem = stem[:-3]
    return (out_dir if out_dir is not None else input.parent) / f"{stem}.{lang}{suffix}"


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file in the same folder and
    ``os.replace``: readers see the old file or the new one, never half of one."""
    path = Path(path)
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(
            f"cannot create the output folder: {error.strerror}", Location(folder)
        ) from error
    temporary = folder / f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    try:
        # open(..., "x") rather than mkstemp: the file gets the usual permissions, not 0600
        with open(temporary, "x", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise InputError(
            f"cannot write {path.name} in this folder: {error.strerror}; choose another with --out",
            Location(folder),
        ) from error
