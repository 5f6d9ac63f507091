"""HTML parsing: a scanner over the standard library's ``html.parser`` that records each tag's
source span, and the grouping of text nodes, inline tags and translated attributes into units."""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

from mt.core.errors import InputError, Location
from mt.documents.model import (
    _PLACEHOLDER,
    _Builder,
    _Markup,
    _Numbers,
    _Part,
    _Setting,
    with_literals,
)


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
    raw: str = ""  # its source text as written


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
        if event.kind == "other" and _PLACEHOLDER.fullmatch(raw):
            # "</1>" written as text: html.parser takes it for a bogus comment; it is text
            run.append(_Item(_Event("data", "", (), event.start), [raw], raw, raw))
        elif event.kind == "data":
            run.append(_Item(event, [raw], scanner.data[index], raw))
        elif event.kind == "start" and event.tag in _RAW_ELEMENTS | {"code"}:
            last = _closing(events, index)
            verbatim = text[event.start : ends[last]]
            if event.tag == "code":  # inline code: an atom, never translated
                run.append(_Item(event, [verbatim], raw=verbatim))
            else:
                _flush(run, blocks, lines, builder)
                builder.template.append(verbatim)
            index = last
        elif event.kind in ("start", "startend", "end") and event.tag in _INLINE:
            run.append(_Item(event, _tag_parts(event, raw, lines, builder), raw=raw))
        else:
            _flush(run, blocks, lines, builder)
            builder.template.extend(_tag_parts(event, raw, lines, builder))
            if event.kind in ("start", "startend") and event.tag == "head":
                builder.template.append(_Setting("charset-meta", ""))
            if event.kind == "start" and event.tag not in _VOID:
                blocks.append(event.tag)
            elif event.kind == "end" and event.tag in blocks:
                del blocks[len(blocks) - 1 - blocks[::-1].index(event.tag) :]
        index += 1
    _flush(run, blocks, lines, builder)
    _settle_charset(builder)


def _settle_charset(builder: _Builder) -> None:
    """A document that declares its charset gets it rewritten; one that has a ``<head>`` and
    declares none gets ``<meta charset="utf-8">`` there (a translation is written in UTF-8)."""
    settings = [p for p in builder.template if isinstance(p, _Setting)]
    declared = any(p.kind in ("charset", "content-charset") for p in settings)
    metas = [p for p in settings if p.kind == "charset-meta"]
    drop = set(map(id, metas if declared else metas[1:]))
    builder.template[:] = [p for p in builder.template if id(p) not in drop]


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
    settings = _settings_of(event, attrs)
    parts: list[_Part] = []
    position = 0
    name_end = len(event.tag) + 1
    if event.tag == "html" and "lang" not in attrs:
        parts += [raw[:name_end], _Setting("lang-attribute", "")]
        position = name_end
    for match in _ATTRIBUTE.finditer(raw, name_end):
        group = next((g for g in (2, 3, 4) if match.group(g) is not None), None)
        name = match.group(1).lower()
        if group is None or (name not in wanted and name not in settings):
            continue
        value_start, value_end = match.span(group)
        original = match.group(group)
        parts.append(raw[position:value_start])
        position = value_end
        if name in settings:
            parts.append(_Setting(settings[name], original))
            continue
        value = html.unescape(original)
        line = lines.line(event.start + value_start)
        text = _HTML_SPACE.sub(" ", value).strip()
        if text != value:  # keep surrounding whitespace of the value out of the unit
            parts.extend([original])
        else:
            text, markups = with_literals(text, _Numbers(), line, "attribute")
            parts.extend(
                builder.unit(text, line, "attribute", [original], markups, escape="attribute")
            )
    parts.append(raw[position:])
    return parts


def _settings_of(event: _Event, attrs: dict[str, str]) -> dict[str, str]:
    """The attributes that say the document's language and charset, which a translation sets:
    the ``lang`` of ``<html>`` and of any element in Dutch, ``<meta charset>``, and the charset in
    ``<meta http-equiv="Content-Type" content="...">``."""
    settings: dict[str, str] = {}
    for name in ("lang", "xml:lang"):
        if name in attrs and (event.tag == "html" or attrs[name].lower().startswith("nl")):
            settings[name] = "lang"
    if event.tag == "meta":
        if "charset" in attrs:
            settings["charset"] = "charset"
        if (
            attrs.get("http-equiv", "").lower() == "content-type"
            and "charset" in attrs.get("content", "").lower()
        ):
            settings["content"] = "content-charset"
    return settings


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
    pending: list[tuple[str, int]] = []  # consecutive text, read for literal placeholders at once

    def drain() -> None:
        if pending:
            # (html.parser hands "<1>" written as text over in pieces: "<", then "1>")
            text, literals = with_literals(
                "".join(p for p, _ in pending), numbers, pending[0][1], "text"
            )
            pieces.append(text)
            markups.extend(literals)
            pending.clear()

    for position, item in enumerate(items):
        parts = list(item.parts)
        if position == 0 and lead_raw:
            parts[0] = parts[0][len(lead_raw) :]  # type: ignore[index]
        if position == len(items) - 1 and trail_raw:
            parts[-1] = parts[-1][: len(parts[-1]) - len(trail_raw)]  # type: ignore[index]
        original.extend(parts)
        line = lines.line(item.event.start)
        if item.event.kind == "data":
            data = item.data
            data = data[len(lead) :] if position == 0 else data
            data = data[: len(data) - len(trail)] if position == len(items) - 1 and trail else data
            pending.append((_HTML_SPACE.sub(" ", data), line))
            continue
        drain()
        if position in pairs:
            closing = pairs[position]
            fallback: list[_Part] = []
            href = dict(item.event.attrs).get("href")
            if item.event.tag == "a" and href:
                fallback = [" ", *parts, html.escape(href, quote=False), *items[closing].parts]
            open_, close, new = numbers.pair(
                parts, items[closing].parts, fallback, written=item.raw, line=line
            )
            opened[closing] = close
            pieces.append(open_)
            markups.extend(new)
        elif position in opened:
            pieces.append(opened[position])
        else:
            placeholder, markup = numbers.atom(parts, written=item.raw, line=line)
            pieces.append(placeholder)
            markups.append(markup)
    drain()
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
