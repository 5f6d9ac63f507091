"""Plain-text parsing: one unit per non-blank line, list markers and indentation kept in the
template."""

from __future__ import annotations

import re

from mt.core.errors import numbered_lines
from mt.documents.model import _Builder, _Numbers, _split_ending, with_literals

_TEXT_PREFIX = re.compile(r"\s*(?:[-*•–]\s+|\d{1,3}[.)]\s+)?")  # indentation, a list marker
_MARKERS = "-*•–"  # the list markers _TEXT_PREFIX knows


def _parse_text(text: str, builder: _Builder) -> None:
    """One unit per non-blank line: a scraped release puts each paragraph, caption and label on its
    own line, and consecutive lines are separate items, not a wrapped paragraph."""
    for number, line in enumerate(numbered_lines(text), start=1):
        body, ending = _split_ending(line)
        if not body or body.isspace():
            builder.template.append(line)  # blank, or only a non-breaking space: kept, untranslated
            continue
        first = body[0]
        if first.isspace() or first.isdigit() or first in _MARKERS:
            prefix = _TEXT_PREFIX.match(body).group()  # (it matches the empty string too)
        else:  # the usual line: no prefix can start with its first character
            prefix = ""
        content = body[len(prefix) :].rstrip()
        kind = "item" if prefix.strip() else "paragraph" if builder.units else "title"
        builder.template.append(prefix)
        text, markups = with_literals(content, _Numbers(), number)
        builder.template.extend(builder.unit(text, number, kind, [content], markups))
        builder.template.append(body[len(prefix) + len(content) :] + ending)
