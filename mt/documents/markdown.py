"""Markdown parsing: block structure (headings, lists, quotes, tables, fences, HTML blocks) into
units, and inline markup (links, emphasis, code, autolinks) into placeholders.

Front matter (YAML between a ``---`` first line and a ``---`` or ``...`` line) is kept as written:
it is data for a site generator (dates, slugs, layouts), and translating it broke its YAML. Only
the top-level keys the caller names (``title``, ``description``: ``[translate] front-matter`` in
``.mt.toml``, or ``--front-matter``) are translated, and only where the value is a one-line string
(plain, single- or double-quoted): the translation is written back double-quoted and escaped, so
the YAML stays valid whatever the translation holds (``: ``, ``#``, quotes). Block scalars, lists,
anchors, tags, values YAML reads as numbers, dates or booleans, and values continued on the next
line are kept as written.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from mt.core.errors import numbered_lines
from mt.documents.model import _Builder, _Markup, _Numbers, _split_ending, with_literals

LineAt = Callable[[int], int]  # the source line of an offset in the text being parsed

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
_MD_MARKERS = frozenset("`~-*+#=_[<|:")  # the first characters of the block markers above
# Every alternative starts with a literal character (a backtick run is one backtick, then more;
# "![" and "[" are two alternatives): the regex engine then skips ahead to the next such character
# instead of trying each alternative at every offset, which makes a search through prose 8x faster.
_MD_TOKEN = re.compile(
    r"\\.|``*|<(?:https?://|mailto:)[^>\s]+>|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"
    r"|!\[|\[|\*\*|__|~~|\*|_"
)


@dataclass
class _MdLine:
    prefix: str  # quote markers, indentation, heading or list marker
    content: str
    end: str  # trailing whitespace (a hard break) and the line ending
    number: int


def _parse_markdown(text: str, builder: _Builder, front_matter: Sequence[str] = ()) -> None:
    """Line by line: blocks (headings, items, paragraphs, quotes, table cells) become units; fences,
    HTML blocks, rules and link definitions are kept as they are; front matter too, but for the
    values of the keys in ``front_matter``."""
    lines = numbered_lines(text)
    skip = _front_matter(lines, builder, frozenset(front_matter))
    block: list[_MdLine] = []
    kind = ""
    fence = ""

    def flush() -> None:
        nonlocal block
        if block:
            _markdown_unit(block, kind, builder)
        block = []

    for number, line in enumerate(lines[skip:], start=skip + 1):
        body, ending = _split_ending(line)
        if fence:
            builder.template.append(line)
            if body.strip().startswith(fence):
                fence = ""
            continue
        quote_match = _MD_QUOTE.match(body) if ">" in body[:4] else None
        quote = quote_match.group() if quote_match else ""
        rest = body[len(quote) :]
        stripped = rest.strip()
        # Most lines are prose or blank: only these first characters can begin a block marker.
        marker = stripped[:1] in _MD_MARKERS or stripped[:1].isdigit()
        fence_match = _MD_FENCE.match(rest) if marker else None
        item = _MD_ITEM.fullmatch(rest) if marker else None
        heading = _MD_HEADING.fullmatch(rest) if marker else None
        if marker and block and kind in ("paragraph", "quote") and _MD_SETEXT.fullmatch(rest):
            kind = "heading"  # the line under a paragraph makes it a heading
            flush()
            builder.template.append(line)
        elif not stripped or (
            marker
            and (
                fence_match
                or _MD_BREAK.fullmatch(rest)
                or _MD_REFERENCE.fullmatch(rest)
                or _MD_HTML_BLOCK.match(rest)
                or (_MD_TABLE_RULE.fullmatch(rest) and "-" in rest)
            )
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
            content = stripped
            trailing = rest[len(lead) + len(content) :]
            if not block:
                kind = "quote" if quote else "paragraph"
            block.append(_MdLine(quote + lead, content, trailing + ending, number))
    flush()


_FRONT_MATTER_OPEN = re.compile(r"---[ \t]*")
_FRONT_MATTER_CLOSE = re.compile(r"(?:---|\.\.\.)[ \t]*")
_YAML_KEY = re.compile(r"(?P<key>[A-Za-z_][\w-]*)(?P<colon>[ \t]*:[ \t]+)(?P<value>\S.*)")
# Plain values YAML reads as something other than a string: left alone even when their key is named.
_YAML_NOT_TEXT = re.compile(
    r"(?:true|false|yes|no|on|off|null|~|[-+]?(?:\d[\d_]*(?:\.\d*)?(?:e[-+]?\d+)?|\.inf|\.nan)"
    r"|\d{4}-\d\d-\d\d(?:[Tt ].*)?)",
    re.IGNORECASE,
)


def _front_matter(lines: Sequence[str], builder: _Builder, keys: frozenset[str]) -> int:
    """Put the front matter (if the text opens with one) into the template, a unit for the value
    of each key in ``keys``; the number of lines it takes (0: none)."""
    if not lines or not _FRONT_MATTER_OPEN.fullmatch(_split_ending(lines[0])[0]):
        return 0
    end = next(
        (
            i
            for i in range(1, len(lines))
            if _FRONT_MATTER_CLOSE.fullmatch(_split_ending(lines[i])[0])
        ),
        None,
    )
    if end is None:
        return 0  # a "---" with no closing line: a thematic break, not front matter
    for index in range(end + 1):
        line = lines[index]
        body, ending = _split_ending(line)
        field = _YAML_KEY.fullmatch(body) if 0 < index < end and keys else None
        following = lines[index + 1] if index + 1 < end else ""
        continued = following[:1] in (" ", "\t")  # the value goes on over the next line
        value = _yaml_string(field["value"]) if field and field["key"] in keys else None
        if field is None or value is None or continued:
            builder.template.append(line)
            continue
        text, written, trailing = value
        builder.template.append(field["key"] + field["colon"])
        builder.template.extend(
            builder.unit(text, index + 1, "front-matter", [written], escape="yaml")
        )
        builder.template.append(trailing + ending)
    return end + 1


def _yaml_string(value: str) -> tuple[str, str, str] | None:
    """A one-line YAML string value as (its text, the value as written, what follows it: spaces
    and a comment); None when it is not a one-line string."""
    if value[0] == '"':
        match = re.match(r'"(?:[^"\\]|\\.)*"', value)
        if match is None:
            return None
        try:
            text = json.loads(match.group())  # JSON's escapes are YAML's common ones
        except ValueError:
            return None  # a YAML-only escape (\x41, \e): kept as written
        written, rest = match.group(), value[match.end() :]
    elif value[0] == "'":
        match = re.match(r"'(?:[^']|'')*'", value)
        if match is None:
            return None
        text, written, rest = (
            match.group()[1:-1].replace("''", "'"),
            match.group(),
            value[match.end() :],
        )
    elif value[0] in "|>[{&*!%@`#":
        return None  # a block scalar, a collection, an anchor, alias or tag, or reserved
    else:
        comment = re.search(r"[ \t]#", value)
        written = (value[: comment.start()] if comment else value).rstrip()
        text, rest = written, value[len(written) :]
        if _YAML_NOT_TEXT.fullmatch(text):
            return None
    if rest.strip() and not rest.lstrip().startswith("#"):
        return None
    return text, written, rest


def _markdown_row(body: str, ending: str, number: int, builder: _Builder) -> None:
    """A table row: each cell is a unit; the pipes and padding stay."""
    for piece in re.split(r"((?<!\\)\|)", body):
        if piece == "|" or not piece.strip():
            builder.template.append(piece)
            continue
        lead = piece[: len(piece) - len(piece.lstrip())]
        content = piece.strip()
        builder.template.append(lead)
        unit_text, markups = _markdown_inline(content, line_at=lambda _: number)
        builder.template.extend(builder.unit(unit_text, number, "cell", [content], markups))
        builder.template.append(piece[len(lead) + len(content) :])
    builder.template.append(ending)


def _markdown_unit(block: list[_MdLine], kind: str, builder: _Builder) -> None:
    builder.template.append(block[0].prefix)
    if len(block) == 1:
        number = block[0].number
        unit_text, markups = _markdown_inline(block[0].content, line_at=lambda _: number)
        parts = builder.unit(unit_text, block[0].number, kind, [block[0].content], markups)
    else:  # a wrapped block: one unit, rewrapped as the source was
        joined = " ".join(line.content for line in block)
        starts = [0]
        for line in block[:-1]:
            starts.append(starts[-1] + len(line.content) + 1)

        def line_at(offset: int) -> int:
            return block[bisect.bisect_right(starts, offset) - 1].number

        unit_text, markups = _markdown_inline(joined, line_at=line_at)
        breaks = [line.end + following.prefix for line, following in pairwise(block)]
        original = block[0].content + "".join(
            b + line.content for b, line in zip(breaks, block[1:], strict=True)
        )
        widths = [len(line.content) for line in block]
        parts = builder.unit(
            unit_text, block[0].number, kind, [original], markups, breaks=breaks, widths=widths
        )
    builder.template.extend(parts)
    builder.template.append(block[-1].end)


def _markdown_inline(
    text: str, numbers: _Numbers | None = None, line_at: LineAt = lambda _: 0
) -> tuple[str, list[_Markup]]:
    """Replace inline markup by placeholders; link text and emphasis stay translatable, and
    text that looks like a placeholder is kept as written. ``numbers`` counts the placeholders
    of the unit (a new count when not given); ``line_at`` gives an offset's source line."""
    match = _MD_TOKEN.search(text)
    if numbers is None:
        numbers = _Numbers()
    if match is None:  # prose without markup: most units
        return with_literals(text, numbers, line_at(0))
    out: list[str] = []
    markups: list[_Markup] = []
    position = 0

    def plain(end: int) -> None:
        piece, items = with_literals(text[position:end], numbers, line_at(position))
        out.append(piece)
        markups.extend(items)

    while match is not None:
        plain(match.start())
        found = _markdown_construct(text, match, numbers, line_at)
        if found is None:  # not markup after all: an escape, or a lone "*", "[" or "`"
            out.append(match.group())
            position = match.end()
        else:
            position, piece, items = found
            out.append(piece)
            markups.extend(items)
        match = _MD_TOKEN.search(text, position)
    plain(len(text))
    return "".join(out), markups


def _markdown_construct(
    text: str, match: re.Match[str], numbers: _Numbers, line_at: LineAt
) -> tuple[int, str, list[_Markup]] | None:
    token, start, after = match.group(), match.start(), match.end()
    if token.startswith("\\"):
        return None
    if token.startswith("`"):
        close = re.compile(rf"(?<!`){token}(?!`)").search(text, after)
        if close is None:
            return None
        code = text[start : close.end()]
        placeholder, markup = numbers.atom([code], written=code, line=line_at(start))
        return close.end(), placeholder, [markup]
    if token.startswith("<"):
        placeholder, markup = numbers.atom([token], written=token, line=line_at(start))
        return after, placeholder, [markup]
    if token.endswith("["):
        return _markdown_link(text, start, after, numbers, line_at)
    return _markdown_emphasis(text, token, start, after, numbers, line_at)


def _markdown_link(
    text: str, start: int, after: int, numbers: _Numbers, line_at: LineAt
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
    written, line = text[start : end + 1], line_at(start)
    if not label.strip():
        placeholder, markup = numbers.atom([written], written=written, line=line)
        return end + 1, placeholder, [markup]
    image = opener == "!["
    fallback = [f" {opener}{'' if image else target}]({target})"] if opening == "(" else []
    open_, close, items = numbers.pair([opener], [closer], fallback, written=written, line=line)
    inner, inner_items = _markdown_inline(label, numbers, lambda o: line_at(after + o))
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
    text: str, token: str, start: int, after: int, numbers: _Numbers, line_at: LineAt
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
    written = text[start : close.end()]
    open_, close_placeholder, items = numbers.pair(
        [token], [token], written=written, line=line_at(start)
    )
    inner, inner_items = _markdown_inline(
        text[after : close.start()], numbers, lambda o: line_at(after + o)
    )
    return close.end(), f"{open_}{inner}{close_placeholder}", items[:1] + inner_items + items[1:]


# --- HTML ----------------------------------------------------------------------------------------
