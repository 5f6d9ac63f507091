"""Inline markup of Markdown and HTML as a reader sees it: links with their targets, emphasis,
code; and how a translation's markup differs from its source's.

The comparison reads the documents as written (the rendered text), not the placeholders that
carry markup through translation, so it holds whatever spelling those take::

    >>> [item.kind for item in markup_of("**Daesh** en [de Coalitie](https://x.be)", "markdown")]
    ['bold', 'link']
    >>> compare_markup(
    ...     markup_of("**A** en [B](https://x.be)", "markdown"),
    ...     markup_of("**A** and [B](https://evil.example)", "markdown"),
    ... )[0][0]
    'link-changed'

What differs, and the finding it makes: a link of the source that points elsewhere in the
translation (``link-changed``, error); a link, emphasis or code of the source absent from the
translation (``markup-missing``, error, named by what it is: "bold", "the link to ..."); markup
only in the translation (``markup-added``, warning); the same markup in another order
(``markup-order``, warning: bold and link swapped, or a translation whose word order moved them).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Markup:
    """One piece of inline markup: its kind and, for links, images and code, what it holds."""

    kind: str  # link, image, bold, italic, strike, code
    value: str = ""  # a link's or an image's target, a code span's text
    start: int = 0


_MARKDOWN = re.compile(
    r"(?P<image>!)?\[(?P<label>(?:[^\[\]\\]|\\.|\[[^\]]*\])*)\]\(\s*<?(?P<url>[^)\s>]*)>?[^)]*\)"
    r"|<(?P<auto>(?:https?://|mailto:)[^>\s]+)>"
    r"|(?P<code>`+)(?P<code_text>.+?)(?P=code)"
    r"|(?P<bold>\*\*|__)(?=\S)(?P<bold_text>.+?)(?<=\S)(?P=bold)"
    r"|(?P<strike>~~)(?=\S)(?P<strike_text>.+?)(?<=\S)~~"
    r"|(?<![*\w\\])\*(?=[^\s*])(?P<star_text>.+?)(?<=[^\s*])\*(?![*\w])"
    r"|(?<![\w\\])_(?=[^\s_])(?P<under_text>.+?)(?<=[^\s_])_(?!\w)"
)
_HTML = re.compile(
    r"<(?P<tag>a|img|strong|b|em|i|code|s|del)\b(?P<attributes>[^<>]*)>", re.IGNORECASE
)
_ATTRIBUTE = re.compile(r"""\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_HTML_KINDS = {
    "a": "link",
    "img": "image",
    "strong": "bold",
    "b": "bold",
    "em": "italic",
    "i": "italic",
    "code": "code",
    "s": "strike",
    "del": "strike",
}
_NAMES = {
    "bold": "bold text",
    "italic": "italic text",
    "strike": "struck-through text",
    "code": "code",
    "link": "a link",
    "image": "an image",
}


def markup_of(text: str, format: str) -> tuple[Markup, ...]:
    """The inline markup of ``text`` (a document's block, as written), in order."""
    if format == "html":
        return tuple(_html_markup(text))
    if format == "markdown":
        return tuple(_markdown_markup(text))
    return ()


_MARKDOWN_SIGNS = frozenset("[<`*_~")


def _markdown_markup(text: str) -> list[Markup]:
    if _MARKDOWN_SIGNS.isdisjoint(text):  # prose without markup: most blocks
        return []
    found: list[Markup] = []
    position = 0
    while (match := _MARKDOWN.search(text, position)) is not None:
        start = match.start()
        if match["url"] is not None:
            found.append(Markup("image" if match["image"] else "link", match["url"], start))
            # the label may hold emphasis: read it too ("[**A**](url)")
            found.extend(_markdown_markup(match["label"]))
        elif match["auto"]:
            found.append(Markup("link", match["auto"], start))
        elif match["code"]:
            found.append(Markup("code", match["code_text"].strip(), start))
        else:
            kind = "bold" if match["bold"] else "strike" if match["strike"] else "italic"
            found.append(Markup(kind, "", start))
            inner = match["bold_text"] or match["strike_text"] or ""
            inner = inner or match["star_text"] or match["under_text"] or ""
            found.extend(_markdown_markup(inner))
        position = match.end()
    return found


def _html_markup(text: str) -> list[Markup]:
    if "<" not in text:
        return []
    found = []
    for match in _HTML.finditer(text):
        kind = _HTML_KINDS[match["tag"].lower()]
        value = ""
        if kind in ("link", "image"):
            attribute = _ATTRIBUTE.search(match["attributes"])
            value = next((group for group in attribute.groups() if group), "") if attribute else ""
        found.append(Markup(kind, value, match.start()))
    return found


def compare_markup(
    source: tuple[Markup, ...], target: tuple[Markup, ...]
) -> list[tuple[str, str, str]]:
    """What differs between the markup of a source block and that of its translation: (code,
    message, evidence) for each difference (see the module docstring)."""
    if source == target or [(m.kind, m.value) for m in source] == [
        (m.kind, m.value) for m in target
    ]:
        return []
    found: list[tuple[str, str, str]] = []
    linked = ("link", "image")
    source_links = Counter(m.value for m in source if m.kind in linked)
    target_links = Counter(m.value for m in target if m.kind in linked)
    lost = list((source_links - target_links).elements())
    new = list((target_links - source_links).elements())
    for url in lost:
        if new:
            other = new.pop(0)
            message = f'the link to "{url}" points to "{other}" here'
            found.append(("link-changed", message, other))
        else:
            found.append(("markup-missing", f'the link to "{url}" is missing', url))
    for url in new:
        found.append(("markup-added", f'a link to "{url}" that the source does not have', url))
    source_kinds = Counter((m.kind, m.value if m.kind == "code" else "") for m in source)
    target_kinds = Counter((m.kind, m.value if m.kind == "code" else "") for m in target)
    for (kind, value), count in (source_kinds - target_kinds).items():
        if kind in linked:
            continue
        what = f"code `{value}`" if kind == "code" else _NAMES[kind]
        times = f" ({count} of them)" if count > 1 else ""
        found.append(("markup-missing", f"{what} of the source is missing{times}", kind))
    for (kind, value), _count in (target_kinds - source_kinds).items():
        if kind in linked:
            continue
        what = f"code `{value}`" if kind == "code" else _NAMES[kind]
        found.append(("markup-added", f"{what} that the source does not have", kind))
    if not found:
        source_order = [m.kind for m in source]
        target_order = [m.kind for m in target]
        if source_order == target_order:  # links of the same kind, their targets swapped
            source_order = [m.value or m.kind for m in source]
            target_order = [m.value or m.kind for m in target]
        if source_order != target_order:
            swapped = " and ".join(
                dict.fromkeys(
                    _NAMES.get(a, f'the link to "{a}"')
                    for a, b in zip(source_order, target_order, strict=True)
                    if a != b
                )
            )
            found.append(
                ("markup-order", f"the markup stands in another order: {swapped} swapped?", "")
            )
    return found


__all__ = ["Markup", "compare_markup", "markup_of"]
