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

Text that merely looks like a placeholder (``<1>x</1>`` written in a source) becomes an atom that
stands for itself (:func:`with_literals`): kept verbatim, never taken for markup. When a translation
lost a placeholder, :meth:`Document.render_report` puts the markup back on the translated words
that best match it (its own text where the translation holds it, else the words at the same
relative position) and returns a :class:`MarkupNote` naming the markup as the user wrote it
(``**vet**``, ``<a href="...">``) and its line. ``render(..., lang="fr")`` also sets an HTML
document's ``lang`` attribute and declares UTF-8 in its ``<meta charset>``.

HTML: text nodes are translated, and so are the ``alt``, ``title``, ``placeholder`` and
``aria-label`` attributes and ``<meta name="description">``-style content, each as its own unit,
because they are what screen readers and search engines show. Parsed with the standard library's
``html.parser``; tags and attributes are copied from the source text, never re-serialised.

Markdown: a paragraph hard-wrapped over several lines is one unit, and its translation is wrapped
back over the same number of lines, so outputs keep the source's line count.

This subpackage is documents and text: the formats (:mod:`.text`, :mod:`.markdown`, :mod:`.html`,
their shared model :mod:`.model`), sentence splitting (:mod:`.segmentation`) and the alignment of a
source with its translation that ``mt check`` uses (:mod:`.alignment`). It may import
:mod:`mt.core` only.
"""

from __future__ import annotations

import re
import stat
import sys
from collections.abc import Sequence
from pathlib import Path

from mt.core.errors import InputError, Location
from mt.core.files import check_regular_file, describe_encoding, file_status, read_bytes, walk_files
from mt.documents.html import _parse_html
from mt.documents.markdown import _parse_markdown
from mt.documents.model import (
    Document,
    MarkupNote,
    Rendering,
    TextUnit,
    _Builder,
    _Part,
    with_literals,
)
from mt.documents.text import _parse_text

FORMATS = ("text", "markdown", "html")
EXTENSIONS = {".txt": "text", ".md": "markdown", ".markdown": "markdown"}
EXTENSIONS |= {".html": "html", ".htm": "html"}
TRANSLATION_LANGS = ("fr", "de", "en")  # find_documents skips files already named as one of these
SOURCE_LANG = "nl"


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


def parse_document(
    text: str,
    format: str,
    source: str = "<string>",
    *,
    template: bool = True,
    front_matter: Sequence[str] = (),
) -> Document:
    """Split ``text`` into translatable units and the template that ``Document.render`` fills.

    ``template=False`` reads the units alone, for a reader that never renders (``mt check``): a
    third less work, and a document that refuses to render. ``front_matter``: the keys of a
    Markdown file's front matter whose values are translated (the rest is kept as written).
    """
    if format not in FORMATS:
        raise InputError(f"unknown format {format!r}; supported: {', '.join(FORMATS)}")
    builder = _Builder(slots=template)
    if text.startswith("\ufeff"):  # a byte-order mark belongs to the file, not to the first unit
        builder.template.append("\ufeff")
        text = text[1:]
    if format == "text":
        _parse_text(text, builder)
    elif format == "markdown":
        _parse_markdown(text, builder, front_matter)
    else:
        _parse_html(text, source, builder)
    parts = _merge_literals(builder.template) if template else ()
    return Document(source, format, tuple(builder.units), parts)


def _merge_literals(parts: Sequence[_Part]) -> tuple[_Part, ...]:
    merged: list[_Part] = []
    run: list[str] = []  # consecutive literals, joined once
    for part in parts:
        if not isinstance(part, str):
            if run:
                merged.append("".join(run))
                run = []
            merged.append(part)
        elif part:
            run.append(part)
    if run:
        merged.append("".join(run))
    return tuple(merged)


def read_document(
    path: Path | str,
    format: str | None = None,
    encoding: str = "utf-8",
    *,
    template: bool = True,
    front_matter: Sequence[str] = (),
) -> Document:
    """Read and parse a document; ``"-"`` reads standard input (plain text unless ``format``).
    ``template=False``, ``front_matter``: see :func:`parse_document`."""
    if str(path) == "-":
        if sys.stdin is None:  # Python found no file descriptor 0 at start-up (``<&-``)
            raise InputError("standard input is closed: nothing to read for '-'")
        data = sys.stdin.buffer.read()
        source, fmt = "<stdin>", format or "text"
    else:
        path = Path(path)
        check_regular_file(path)  # missing, a loop, a folder or a FIFO: said before the format
        fmt = detect_format(path, format)
        data = read_bytes(path)
        source = str(path)
    wide = encoding.lower().replace("-", "").replace("_", "").startswith(("utf16", "utf32"))
    if not wide and (guess := describe_encoding(data)) is not None:
        raise InputError(
            f"{guess.upper()} text, not {encoding}; read it with --encoding {guess}",
            Location(source),
        )
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
    return parse_document(text, fmt, source, template=template, front_matter=front_matter)


def find_documents(paths: Sequence[Path]) -> list[Path]:
    """The files to translate: files as given, folders expanded (recursively, sorted) to supported
    files that are not already translations (``*.fr.md``, ``*.de.txt``, ``*.en.html``)."""
    found: list[Path] = []
    for path in map(Path, paths):
        if str(path) == "-":
            found.append(path)
        elif stat.S_ISDIR(file_status(path).st_mode):
            # walk_files names a subfolder it cannot list: skipping it would lose documents.
            files = sorted(
                candidate
                for candidate in walk_files(path)
                if candidate.suffix.lower() in EXTENSIONS
                and language_of(candidate) not in TRANSLATION_LANGS
            )
            if not files:
                raise InputError(
                    f"no documents to translate in this folder (looked for "
                    f"{', '.join(EXTENSIONS)}; files named *.fr.*, *.de.*, *.en.* are skipped)",
                    Location(path),
                )
            found.extend(files)
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
    ``os.replace``: readers see the old file or the new one, never half of one, and a failure or
    Ctrl-C leaves no temporary file. Several files at once, all or none: :mod:`.outputs`."""
    from mt.documents.outputs import write_outputs

    write_outputs([(Path(path), text)], record=False)


__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "SOURCE_LANG",
    "TRANSLATION_LANGS",
    "Document",
    "MarkupNote",
    "Rendering",
    "TextUnit",
    "detect_format",
    "find_documents",
    "language_of",
    "output_path",
    "parse_document",
    "read_document",
    "with_literals",
    "write_atomic",
]
