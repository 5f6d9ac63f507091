"""Where an XLIFF file's edits go, and how they are made: the surgical half of
:mod:`mt.documents.xliff`.

Nothing is re-serialised: :func:`_scan` finds every element's place in the file's own text (the
order of lxml's ``iter()``), :class:`_Where` says where one unit's target, state and note go, and
:func:`_apply` makes the edits, so that everything not edited stays byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

XLIFF_1 = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF_2 = "urn:oasis:names:tc:xliff:document:2.0"
# How a unit's target was made, and how each version says so (the note names it too).
ORIGINS = ("mt", "memory")
_STATES_1 = {
    "mt": {"state": "needs-review-translation", "state-qualifier": "leveraged-mt"},
    "memory": {"state": "translated", "state-qualifier": "exact-match"},
}
_STATES_2 = {
    "mt": {"state": "initial", "subState": "mt:machine-translation"},
    "memory": {"state": "translated", "subState": "mt:exact-match"},
}
NOTE_AUTHOR = "mt"  # 1.2 <note from="mt">, 2.x <note category="mt">: replaced on a re-run


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    text: str


def _apply(text: str, edits: Sequence[_Edit]) -> str:
    out: list[str] = []
    position = 0
    # (an insertion and a replacement may start at one offset: the insertion goes first)
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < position:
            raise ValueError(f"overlapping edits at offset {edit.start}")
        out.append(text[position : edit.start])
        out.append(edit.text)
        position = edit.end
    out.append(text[position:])
    return "".join(out)


# --- where the edits go --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Span:
    """An element's place in the file's text: its start tag, and its end tag (equal to the start
    tag's end for an empty element ``<x/>``)."""

    start: int
    tag_end: int  # end of the start tag
    close_start: int  # start of the end tag (== tag_end for <x/>)
    end: int

    @property
    def empty(self) -> bool:
        return self.close_start == self.tag_end and self.end == self.tag_end

    def start_tag(self, text: str) -> str:
        return text[self.start : self.tag_end]


@dataclass(frozen=True)
class _Where:
    """Where one unit's edits go."""

    target: _Span | None  # an existing target
    after_source: int  # where a new target goes (after </source> or </seg-source>)
    indent: str | None  # the source element's indentation, for a new target
    state_tag: _Span | None  # 2.x: the segment, whose start tag holds the state
    note_key: int  # the 1.2 trans-unit or 2.x unit this segment belongs to
    note_at: int  # where a new note (1.2) or <notes> (2.x) goes
    note_indent: str | None
    note_before: bool  # 2.x: the new <notes> goes before the element at note_at
    old_note: _Span | None  # the note mt wrote on an earlier run, replaced
    notes_end: int | None  # 2.x: the start of </notes> when the unit has notes
    segmented: _Segmented | None = None  # 1.2: the unit's <seg-source> segments

    def target_edits(self, content: str, origin: str, namespace: str, text: str) -> list[_Edit]:
        if namespace == XLIFF_1:
            return self._whole_target_1(content, _STATES_1[origin], text)
        edits = []
        if self.state_tag is not None:
            tag = _set_attributes(self.state_tag.start_tag(text), _STATES_2[origin])
            edits.append(_Edit(self.state_tag.start, self.state_tag.tag_end, tag))
        if self.target is None:
            new = f"{_newline(self.indent)}<target>{content}</target>"
            edits.append(_Edit(self.after_source, self.after_source, new))
        else:
            edits.extend(_fill_target(self.target, self.target.start_tag(text), content, text))
        return edits

    def _whole_target_1(self, content: str, states: Mapping[str, str], text: str) -> list[_Edit]:
        """A 1.2 target holding ``content``, its state ``states``: written after the source where
        the unit has none, else the unit's own target filled."""
        if self.target is None:
            attributes = "".join(f' {name}="{value}"' for name, value in states.items())
            new = f"{_newline(self.indent)}<target{attributes}>{content}</target>"
            return [_Edit(self.after_source, self.after_source, new)]
        tag = _set_attributes(self.target.start_tag(text), states)
        return _fill_target(self.target, tag, content, text)

    def segmented_edits(self, filled: Mapping[str, tuple[str, str]], text: str) -> list[_Edit]:
        """The edits of a 1.2 unit with a ``<seg-source>``: each filled segment's content (by its
        ``mid``) in the target's ``<mrk mtype="seg">`` of that ``mid``, and the target's state
        (machine translation if any segment is). With no target (or an empty one), the target is
        written whole from the ``<seg-source>``: its text between segments as it is, a segment
        without words (a figure, codes) copied, one not filled left empty."""
        segmented = self.segmented
        assert segmented is not None
        origin = "mt" if any(origin == "mt" for _, origin in filled.values()) else "memory"
        states = _STATES_1[origin]
        if self.target is None or not segmented.target_marks:
            return self._whole_target_1(segmented.new_target(filled, text), states, text)
        tag = _set_attributes(self.target.start_tag(text), states)
        edits = [_Edit(self.target.start, self.target.tag_end, tag)]
        marks = dict(segmented.target_marks)
        previous = None  # a segment the target lacks goes after the one before (or first)
        segments = segmented.segments
        for number, (mid, source_mark) in enumerate(segments):
            mark = marks.get(mid)
            if mid in filled:
                content = filled[mid][0]
                if mark is None:
                    opened = _opened(source_mark.start_tag(text))
                    new = f"{opened}{content}{_closing(source_mark, text)}"
                    # with the space the seg-source has between it and its neighbour
                    if previous is not None:
                        gap = text[segments[number - 1][1].end : source_mark.start]
                        new = (gap if not gap.strip() else "") + new
                    elif number + 1 < len(segments):
                        gap = text[source_mark.end : segments[number + 1][1].start]
                        new += gap if not gap.strip() else ""
                    at = self.target.tag_end if previous is None else previous
                    edits.append(_Edit(at, at, new))
                elif mark.empty:
                    opened = _opened(mark.start_tag(text))
                    new = f"{opened}{content}{_closing(mark, text)}"
                    edits.append(_Edit(mark.start, mark.end, new))
                else:
                    edits.append(_Edit(mark.tag_end, mark.close_start, content))
            if mark is not None:
                previous = mark.end
        return edits

    def note_edit(self, texts: Sequence[str], namespace: str, text: str) -> _Edit:
        body = _escape("\n".join(t for t in texts if t))
        if namespace == XLIFF_1:
            note = f'<note from="{NOTE_AUTHOR}">{body}</note>'
        else:
            note = f'<note category="{NOTE_AUTHOR}">{body}</note>'
        if self.old_note is not None:
            return _Edit(self.old_note.start, self.old_note.end, note)
        if namespace == XLIFF_1 or self.notes_end is not None:
            return _Edit(self.note_at, self.note_at, f"{_newline(self.note_indent)}{note}")
        inner = _newline(None if self.note_indent is None else self.note_indent + "  ")
        close = _newline(self.note_indent)
        block = f"<notes>{inner}{note}{close}</notes>{close}"
        return _Edit(self.note_at, self.note_at, block)


@dataclass(frozen=True)
class _Segmented:
    """A 1.2 unit's ``<seg-source>`` (its content the model of a new target), its segments (the
    ``<mrk mtype="seg">`` s, by ``mid``) and those of its target."""

    seg_source: _Span
    segments: tuple[tuple[str, _Span], ...]  # (mid, its mrk in the seg-source), in order
    target_marks: tuple[tuple[str, _Span], ...]  # (mid, its mrk in the target)
    wordless: frozenset[str]  # the mids of segments with nothing to translate (copied)

    def new_target(self, filled: Mapping[str, tuple[str, str]], text: str) -> str:
        out: list[str] = []
        position = self.seg_source.tag_end
        for mid, mark in self.segments:
            out.append(text[position : mark.start])
            if mid in filled:
                inner = filled[mid][0]
            elif mid in self.wordless and not mark.empty:
                inner = text[mark.tag_end : mark.close_start]
            else:
                inner = ""
            out.append(f"{_opened(mark.start_tag(text))}{inner}{_closing(mark, text)}")
            position = mark.end
        out.append(text[position : self.seg_source.close_start])
        return "".join(out)


def _opened(tag: str) -> str:
    """The start tag ``tag`` as the start of an element with content (``<mrk/>``: ``<mrk>``)."""
    return tag[: -len("/>")].rstrip() + ">" if tag.endswith("/>") else tag


def _closing(span: _Span, text: str) -> str:
    """The end tag of the element at ``span`` (made from its name when it was empty)."""
    if not span.empty:
        return text[span.close_start : span.end]
    name = re.match(r"<([^\s/>]+)", span.start_tag(text))
    return f"</{name.group(1) if name else 'mrk'}>"


def _fill_target(span: _Span, tag: str, content: str, text: str) -> list[_Edit]:
    if span.empty:  # <target/>
        opened = tag[: -len("/>")].rstrip() + ">"
        return [_Edit(span.start, span.end, f"{opened}{content}</target>")]
    return [_Edit(span.start, span.tag_end, tag), _Edit(span.tag_end, span.close_start, content)]


_ATTRIBUTE = r'(\s{name}\s*=\s*)("[^"]*"|\'[^\']*\')'


def _set_attributes(tag: str, values: Mapping[str, str]) -> str:
    """The start tag ``tag`` with each attribute of ``values`` set (replaced in place, or added
    before the tag's end); the rest of the tag as written."""
    for name, value in values.items():
        pattern = re.compile(_ATTRIBUTE.format(name=re.escape(name)))
        if pattern.search(tag):
            tag = pattern.sub(lambda m, v=value: f'{m.group(1)}"{v}"', tag, count=1)
        else:
            end = len(tag) - (2 if tag.endswith("/>") else 1)
            while tag[end - 1].isspace():
                end -= 1
            tag = f'{tag[:end]} {name}="{value}"{tag[end:]}'
    return tag


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- scanning the text ---------------------------------------------------------------------------

# The markup of a well-formed document (lxml has parsed it before the scan): comments, CDATA,
# processing instructions, the doctype, end tags, start and empty tags (quoted values may hold ">").
_TOKEN = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE(?:[^\[>]|\[.*?\])*>"
    r"|</[^>]*>|<(?:\"[^\"]*\"|'[^']*'|[^'\">])*>",
    re.DOTALL,
)


def _scan(text: str) -> list[_Span]:
    """Every element's span, in document order (the order of lxml's ``iter()``)."""
    spans: list[_Span | None] = []
    open_: list[tuple[int, int, int]] = []  # (index in spans, start, tag end)
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token.startswith(("<!", "<?")):
            continue
        if token.startswith("</"):
            index, start, tag_end = open_.pop()
            spans[index] = _Span(start, tag_end, match.start(), match.end())
        elif token.endswith("/>"):
            spans.append(_Span(match.start(), match.end(), match.end(), match.end()))
        else:
            open_.append((len(spans), match.start(), match.end()))
            spans.append(None)
    if open_ or any(span is None for span in spans):
        raise ValueError("unbalanced markup")
    return [span for span in spans if span is not None]


def _indent_before(text: str, offset: int) -> str | None:
    """The whitespace between the line's start and ``offset``; None when anything else is there
    (the element does not begin its line: what is added beside it stays on that line too)."""
    line_start = text.rfind("\n", 0, offset) + 1
    before = text[line_start:offset]
    return None if before.strip() else before


def _newline(indent: str | None) -> str:
    return "" if indent is None else "\n" + indent
