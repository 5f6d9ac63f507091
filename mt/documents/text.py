"""Plain-text parsing: one unit per non-blank line, list markers and indentation kept in the
template."""

from __future__ import annotations

import re

from mt.documents.model import _Builder, _split_ending

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
