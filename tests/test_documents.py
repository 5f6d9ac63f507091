"""Documents: parse -> units -> render keeps structure, placeholders, bad input, paths, writing."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

from mt.core.errors import InputError
from mt.documents import (
    FORMATS,
    Document,
    detect_format,
    find_documents,
    language_of,
    output_path,
    parse_document,
    read_document,
    write_atomic,
)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NBSP = "\u00a0"

SAMPLES = {
    "text": (
        "Titel van het bericht\n1. Laatst bijgewerkt op 12 maart 2024\n  - ingesprongen punt\n"
        f"{NBSP}\n\nZie https://diplomatie.belgium.be voor meer.  \r\nNieuwstype: Persbericht"
    ),
    "markdown": (
        "# Titel #\n\nEen alinea die over\ntwee regels loopt.\n\n> Een citaat van de minister.\n\n"
        '1. eerste punt\n   met vervolg\n2. [Persbericht](https://x.be/p?a=1&b=2 "Titel")\n\n'
        "```\ncode blijft `onvertaald`\n```\n\n"
        "| Land | Bedrag |\n|---|---:|\n| België | 18 mln. |\n"
        "\nTitel in setext\n---\n\n    ingesprongen code\n\n<div>html blok</div>\n\n"
        "[ref]: https://example.org\n\nEen snake_case_naam, 2 * 3 en een \\*ster\\*.\n"
    ),
    "html": (
        "<!DOCTYPE html>\n<html><head><title>Titel &amp; meer</title>\n"
        '<meta name="description" content="Korte beschrijving">\n'
        "<style>p { color: red; }</style><script>var x = '<p>niet</p>';</script></head>\n"
        "<body>\n  <h1>Kop</h1>\n  <p>Tekst met&nbsp;spatie, <em>nadruk</em> en\n"
        '     <a href="https://x.be/?a=1&amp;b=2" title="Link titel">een link</a>.</p>\n'
        '  <img src="f.jpg" alt="Foto van de minister"><br>\n'
        "  <pre>  vaste   tekst </pre>\n  <p>Code: <code>a &lt; b</code>.</p>\n"
        "  <!-- commentaar -->\n  <ul><li>punt <b>een</b></li><li>punt twee</li></ul>\n"
        "</body></html>\n"
    ),
}


def fake(text: str) -> str:
    """A 'translation' that changes every letter but copies placeholders exactly."""
    import re

    return re.sub(r"(<[^>]*>)|([^<]+)", lambda m: m.group(1) or m.group(2).upper(), text)


@pytest.mark.parametrize(
    "path", sorted(EXAMPLES.glob("release.nl.*")), ids=lambda path: path.suffix
)
def test_example_releases_round_trip_byte_for_byte(path: Path) -> None:
    document = read_document(path)
    assert document.units
    assert document.render([unit.text for unit in document.units]) == path.read_text("utf-8")


@pytest.mark.parametrize("format", FORMATS)
def test_samples_round_trip_byte_for_byte(format: str) -> None:
    document = parse_document(SAMPLES[format], format)
    assert document.render([unit.text for unit in document.units]) == SAMPLES[format]


@pytest.mark.parametrize(
    ("format", "text"),
    [*SAMPLES.items()]
    + [(detect_format(path), path.read_text("utf-8")) for path in sorted(EXAMPLES.iterdir())],
    ids=[*SAMPLES, *(path.name for path in sorted(EXAMPLES.iterdir()))],
)
def test_units_alone_are_the_units_of_the_full_parse(format: str, text: str) -> None:
    alone = parse_document(text, format, template=False)
    assert alone.units and alone.units == parse_document(text, format).units
    with pytest.raises(ValueError, match="read for its units alone"):
        alone.render([unit.text for unit in alone.units])


@pytest.mark.parametrize(
    "path", sorted(EXAMPLES.glob("release.nl.*")), ids=lambda path: path.suffix
)
def test_translated_release_keeps_structure(path: Path) -> None:
    document = read_document(path)
    source = path.read_text("utf-8")
    output = document.render([fake(unit.text) for unit in document.units])
    assert output != source
    assert output.upper() == source.upper()  # only the translated letters changed, line for line


def test_text_units_skip_blank_and_nbsp_lines_and_keep_markers() -> None:
    document = parse_document(SAMPLES["text"], "text")
    assert [(u.line, u.kind, u.text) for u in document.units] == [
        (1, "title", "Titel van het bericht"),
        (2, "item", "Laatst bijgewerkt op 12 maart 2024"),
        (3, "item", "ingesprongen punt"),
        (6, "paragraph", "Zie https://diplomatie.belgium.be voor meer."),
        (7, "paragraph", "Nieuwstype: Persbericht"),
    ]
    assert document.units[3].protected == ("https://diplomatie.belgium.be",)
    output = document.render(["A", "B", "C", "D", "E"])
    # "D" lost the URL its source held: render appends it rather than lose it
    assert output == f"A\n1. B\n  - C\n{NBSP}\n\nD https://diplomatie.belgium.be  \r\nE"


def test_markdown_units_and_kinds() -> None:
    document = parse_document(SAMPLES["markdown"], "markdown")
    assert [(u.line, u.kind, u.text) for u in document.units] == [
        (1, "heading", "Titel"),
        (3, "paragraph", "Een alinea die over twee regels loopt."),
        (6, "quote", "Een citaat van de minister."),
        (8, "item", "eerste punt met vervolg"),
        (10, "item", "Persbericht"),
        (16, "cell", "Land"),
        (16, "cell", "Bedrag"),
        (18, "cell", "België"),
        (18, "cell", "18 mln."),
        (20, "heading", "Titel in setext"),
        (29, "paragraph", "Een snake_case_naam, 2 * 3 en een \\*ster\\*."),
    ]


def test_markdown_render_keeps_markers_rewraps_and_leaves_code() -> None:
    document = parse_document(SAMPLES["markdown"], "markdown")
    output = document.render([fake(unit.text) for unit in document.units])
    lines = output.split("\n")
    assert len(lines) == len(SAMPLES["markdown"].split("\n"))
    assert lines[0] == "# TITEL #"
    assert lines[2:4] == ["EEN ALINEA DIE OVER", "TWEE REGELS LOOPT."]
    assert lines[7:10] == [
        "1. EERSTE PUNT",
        "   MET VERVOLG",
        '2. [PERSBERICHT](https://x.be/p?a=1&b=2 "Titel")',
    ]
    assert "code blijft `onvertaald`" in lines
    assert "    ingesprongen code" in lines
    assert "<div>html blok</div>" in lines
    assert "| BELGIË | 18 MLN. |" in lines


@pytest.mark.parametrize(
    ("translation", "expected"),
    [
        (  # the emphasis was lost: it goes back on the words at its place (test_markup.py)
            "Un paragraphe qui s'étend sur deux lignes.",
            "Un paragraphe qui s'étend\nsur deux **lignes**.",
        ),
        ("Un <1>seul</1> mot.", "Un **seul**\nmot."),
        ("Kurz.", "**Kurz**.\n"),  # fewer words than lines: the line stays, empty
    ],
)
def test_markdown_wrapped_paragraph_is_rewrapped_over_the_same_lines(
    translation: str, expected: str
) -> None:
    document = parse_document("Een alinea die over\ntwee regels **loopt**.", "markdown")
    assert document.units[0].text == "Een alinea die over twee regels <1>loopt</1>."
    assert document.render([translation]) == expected


@pytest.mark.parametrize(
    ("markdown", "text", "protected"),
    [
        ("Zie de [website](https://x.be) nu.", "Zie de <1>website</1> nu.", ("<1>", "</1>")),
        (
            "Met **vet** en _schuin_.",
            "Met <1>vet</1> en <2>schuin</2>.",
            ("<1>", "</1>", "<2>", "</2>"),
        ),
        ("Het **[plan](u)** hier.", "Het <1><2>plan</2></1> hier.", ("<1>", "<2>", "</2>", "</1>")),
        ("Bestand `a.pdf` en <br> hier.", "Bestand <1/> en <2/> hier.", ("<1/>", "<2/>")),
        ("Lees <https://x.be> nu.", "Lees <1/> nu.", ("<1/>",)),
        ("Een ![foto](f.jpg) hier.", "Een <1>foto</1> hier.", ("<1>", "</1>")),
        ("Zie https://x.be/a_b_c nu.", "Zie https://x.be/a_b_c nu.", ("https://x.be/a_b_c",)),
        ("**Heel de zin vet**", "Heel de zin vet", ()),  # markup around all of it stays outside
    ],
)
def test_markdown_inline_placeholders(markdown: str, text: str, protected: tuple[str, ...]) -> None:
    (unit,) = parse_document(markdown, "markdown").units
    assert (unit.text, unit.protected) == (text, protected)


@pytest.mark.parametrize(
    ("translation", "expected"),
    [
        # placeholders moved by the translation: markup moves with them
        ("<2>Lees</2> de <1>site</1> nu.", "**Lees** de [site](https://x.be/a) nu."),
        # the link lost: it goes back on its own words, the emphasis on the words at its place
        ("Lees de site nu.", "Lees de [site](https://x.be/a) **nu**."),
        # half a pair lost: the other half dropped, the pair put back
        ("Lees de <1>site nu.", "Lees de [site](https://x.be/a) **nu**."),
        # closer before opener: treated as lost
        ("</2>Lees<2> de <1>site</1>.", "Lees de [**site**](https://x.be/a)."),
        # duplicates and unknown placeholders are dropped
        ("<1>site</1> <1>site</1> <7/> <2>x</2>", "[site](https://x.be/a) site **x**"),
    ],
)
def test_markdown_render_restores_and_degrades(translation: str, expected: str) -> None:
    document = parse_document("Lees de [site](https://x.be/a) en **dit**.", "markdown")
    assert document.units[0].text == "Lees de <1>site</1> en <2>dit</2>."
    assert document.render([translation]) == expected


def test_lost_code_span_and_url_are_put_back_not_lost() -> None:
    document = parse_document("Zie `nr-27.pdf` op https://x.be vandaag.", "markdown")
    assert document.units[0].protected == ("<1/>", "https://x.be")
    assert document.render(["Voir aujourd'hui."]) == "Voir `nr-27.pdf` aujourd'hui. https://x.be"


def test_html_units_and_kinds() -> None:
    document = parse_document(SAMPLES["html"], "html")
    assert [(u.line, u.kind, u.text) for u in document.units] == [
        (2, "title", "Titel & meer"),
        (3, "attribute", "Korte beschrijving"),
        (6, "heading", "Kop"),
        (8, "attribute", "Link titel"),
        (7, "paragraph", f"Tekst met{NBSP}spatie, <1>nadruk</1> en <2>een link</2>."),
        (9, "attribute", "Foto van de minister"),
        (11, "paragraph", "Code: <1/>."),
        (13, "item", "punt <1>een</1>"),
        (13, "item", "punt twee"),
    ]


def test_html_render_escapes_text_and_keeps_tags_script_style_pre() -> None:
    document = parse_document(SAMPLES["html"], "html")
    translations = [fake(unit.text) for unit in document.units]
    translations[0] = "Titre & <plus>"
    translations[3] = 'Titre "lien"'
    output = document.render(translations)
    assert "<title>Titre &amp; &lt;plus&gt;</title>" in output
    assert '<meta name="description" content="KORTE BESCHRIJVING">' in output
    assert "<style>p { color: red; }</style><script>var x = '<p>niet</p>';</script>" in output
    assert (
        f'<p>TEKST MET{NBSP}SPATIE, <em>NADRUK</em> EN <a href="https://x.be/?a=1&amp;b=2" '
        'title="Titre &quot;lien&quot;">EEN LINK</a>.</p>'
    ) in output
    assert '<img src="f.jpg" alt="FOTO VAN DE MINISTER"><br>' in output
    assert "<pre>  vaste   tekst </pre>" in output
    assert "<p>CODE: <code>a &lt; b</code>.</p>" in output
    assert "<!-- commentaar -->" in output
    assert "<ul><li>PUNT <b>EEN</b></li><li>PUNT TWEE</li></ul>" in output


def test_html_lost_link_keeps_its_url() -> None:
    document = parse_document('<p>Zie <a href="https://x.be">de site</a>.</p>', "html")
    assert document.render(["Voir le site."]) == ('<p>Voir <a href="https://x.be">le site</a>.</p>')
    assert document.render([""]) == '<p> <a href="https://x.be">https://x.be</a></p>'  # no words


def test_render_wants_one_translation_per_unit() -> None:
    document = parse_document("Een.\nTwee.\n", "text")
    with pytest.raises(ValueError, match="2 units but 1 translations"):
        document.render(["Un."])


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("text", ["", "\n\n", f"{NBSP}\n \n", "\ufeff"])
def test_empty_documents_have_no_units(format: str, text: str) -> None:
    document = parse_document(text, format)
    assert document.units == ()
    assert document.render([]) == text


@pytest.mark.parametrize("format", ["text", "markdown"])
@pytest.mark.parametrize("odd", ["\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029"])
def test_only_line_feeds_and_carriage_returns_end_lines(format: str, odd: str) -> None:
    """Units carry the line numbers an editor and GitHub show: a form feed or U+2028 inside a
    line (str.splitlines ends a line there) moves no later unit's line."""
    text = f"Eerste{odd}regel met 12 leden\r\n\r\nTweede regel\rDerde\n"
    document = parse_document(text, format)
    lines = {unit.text.replace(odd, " "): unit.line for unit in document.units}
    if format == "text":  # a unit a line
        assert lines == {"Eerste regel met 12 leden": 1, "Tweede regel": 3, "Derde": 4}
    else:  # a paragraph a unit
        assert lines == {"Eerste regel met 12 leden": 1, "Tweede regel Derde": 3}
    assert document.render([unit.text for unit in document.units]) == text


def test_numbered_lines_end_only_at_line_feeds_and_carriage_returns() -> None:
    import random
    from itertools import pairwise

    from mt.core.errors import numbered_lines

    rng = random.Random(3)
    for _ in range(2000):
        text = "".join(
            rng.choice("ab \r\n\x0b\x0c\x1c\x85\u2028") for _ in range(rng.randint(0, 12))
        )
        lines = numbered_lines(text)
        assert "".join(lines) == text
        for line in lines[:-1]:
            assert line.endswith(("\n", "\r")), (text, lines)
        for line in lines:
            body = line.removesuffix("\n").removesuffix("\r")
            assert "\r" not in body and "\n" not in body, (text, lines)
        # "\r" then "\n" is one line end, not two
        assert not any(a.endswith("\r") and b.startswith("\n") for a, b in pairwise(lines))


def test_byte_order_mark_stays_out_of_the_first_unit() -> None:
    document = parse_document("\ufeffTitel\n", "text")
    assert document.units[0].text == "Titel"
    assert document.render(["Titre"]) == "\ufeffTitre\n"


# --- reading: bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kwargs", "fragments"),
    [
        ("missing.txt", None, {}, ("missing.txt: no such file",)),
        ("folder", "DIR", {}, ("folder: is a folder",)),
        ("binary.txt", b"PK\x03\x04\x00\x00data", {}, ("binary.txt: binary file",)),
        (
            "latin.txt",
            "Belgi\xeb\n".encode("latin-1"),
            {},
            ("latin.txt:1: not valid utf-8", "--encoding"),
        ),
        ("latin2.txt", b"regel\nBelgi\xeb\n", {}, ("latin2.txt:2: not valid utf-8",)),
        ("release.docx", b"tekst", {}, ("release.docx:", "'.docx'", ".md (markdown)", "--format")),
        ("release.txt", b"tekst", {"format": "pdf"}, ("unknown format 'pdf'", "markdown")),
        ("release.txt", b"tekst", {"encoding": "klingon"}, ("unknown encoding 'klingon'",)),
    ],
)
def test_read_document_bad_input(
    tmp_path: Path, name: str, content: bytes | str | None, kwargs: dict, fragments: tuple[str, ...]
) -> None:
    path = tmp_path / name
    if content == "DIR":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_document(path, **kwargs)
    for fragment in fragments:
        assert fragment in str(caught.value)


def test_read_document_with_another_encoding_and_format(tmp_path: Path) -> None:
    path = tmp_path / "release.dat"
    path.write_bytes("# Belgi\xeb\n".encode("cp1252"))
    document = read_document(path, format="markdown", encoding="cp1252")
    assert document.units[0].text == "België"
    assert document.source == str(path)


def test_read_document_utf16_is_not_binary(tmp_path: Path) -> None:
    path = tmp_path / "release.txt"
    path.write_bytes("België\n".encode("utf-16"))
    assert read_document(path, encoding="utf-16").units[0].text == "België"


def test_read_document_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("België\n".encode())))
    document = read_document("-")
    assert (document.source, document.format, document.units[0].text) == (
        "<stdin>",
        "text",
        "België",
    )


@pytest.mark.parametrize(
    ("name", "override", "expected"),
    [
        ("a.txt", None, "text"),
        ("a.TXT", None, "text"),
        ("a.md", None, "markdown"),
        ("a.markdown", None, "markdown"),
        ("a.html", None, "html"),
        ("a.htm", None, "html"),
        ("a.nl.md", None, "markdown"),
        ("a.docx", "text", "text"),
        ("a.md", "html", "html"),
    ],
)
def test_detect_format(name: str, override: str | None, expected: str) -> None:
    assert detect_format(Path(name), override) == expected


# --- paths ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "lang", "out_dir", "expected"),
    [
        ("in/release.nl.txt", "fr", None, "in/release.fr.txt"),
        ("in/release.NL.txt", "de", None, "in/release.de.txt"),
        ("in/report.md", "fr", None, "in/report.fr.md"),
        ("in/report.md", "en", "out", "out/report.en.md"),
        ("in/a.b.nl.html", "en", None, "in/a.b.en.html"),
        ("in/nl.txt", "fr", None, "in/nl.fr.txt"),
        ("in/README", "fr", None, "in/README.fr"),
        ("-", "fr", None, "-"),
    ],
)
def test_output_path(name: str, lang: str, out_dir: str | None, expected: str) -> None:
    assert output_path(Path(name), lang, Path(out_dir) if out_dir else None) == Path(expected)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("release.fr.md", "fr"),
        ("release.nl.txt", "nl"),
        ("release.DE.html", "de"),
        ("release.md", None),
        ("fr.md", None),
        ("release.v2.md", None),
        ("release.old.md", None),
        ("dir.fr/release.md", None),
    ],
)
def test_language_of(name: str, expected: str | None) -> None:
    assert language_of(Path(name)) == expected


def test_find_documents_expands_folders_and_skips_translations(tmp_path: Path) -> None:
    for name in [
        "b.nl.md",
        "a.txt",
        "a.fr.txt",
        "a.de.txt",
        "a.en.html",
        "c.pdf",
        "sub/d.html",
        ".hidden/e.md",
    ]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    single = tmp_path / "a.fr.txt"
    found = find_documents([tmp_path, single, tmp_path / "a.txt"])
    assert found == [tmp_path / "a.txt", tmp_path / "b.nl.md", tmp_path / "sub/d.html", single]


@pytest.mark.parametrize(
    ("setup", "fragment"),
    [("empty", "no documents to translate"), ("translations", "*.fr.*"), ("missing", "no such")],
)
def test_find_documents_bad_input(tmp_path: Path, setup: str, fragment: str) -> None:
    folder = tmp_path / "in"
    if setup != "missing":
        folder.mkdir()
    if setup == "translations":
        (folder / "a.fr.md").write_text("x")
    with pytest.raises(InputError) as caught:
        find_documents([folder])
    assert fragment in str(caught.value)
    assert str(folder) in str(caught.value)


# --- writing -------------------------------------------------------------------------------------


def test_write_atomic_replaces_and_creates_folders(tmp_path: Path) -> None:
    target = tmp_path / "out" / "deep" / "release.fr.txt"
    write_atomic(target, "één\r\ntwee\n")
    write_atomic(target, "un\r\ndeux hélas\n")
    assert target.read_bytes() == "un\r\ndeux hélas\n".encode()
    assert os.listdir(target.parent) == ["release.fr.txt"]  # no temporary file left behind


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions")
def test_write_atomic_unwritable_folder(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "release.fr.txt").write_text("old")
    folder.chmod(0o500)
    try:
        with pytest.raises(InputError) as caught:
            write_atomic(folder / "release.fr.txt", "new")
    finally:
        folder.chmod(0o700)
    assert str(folder) in str(caught.value) and "--out" in str(caught.value)
    assert (folder / "release.fr.txt").read_text() == "old"
    assert os.listdir(folder) == ["release.fr.txt"]


def test_document_is_a_frozen_value() -> None:
    document = parse_document("Titel\n", "text")
    assert isinstance(document, Document)
    with pytest.raises(AttributeError):
        document.units = ()  # type: ignore[misc]


@pytest.mark.parametrize(
    ("layout", "target", "fragment"),
    [
        ("file", "blocker/release.fr.txt", "cannot create the output folder"),
        ("dir", "release.fr.txt", "cannot write release.fr.txt"),
    ],
)
def test_write_atomic_errors_name_the_folder_and_leave_nothing(
    tmp_path: Path, layout: str, target: str, fragment: str
) -> None:
    if layout == "file":
        (tmp_path / "blocker").write_text("a file where a folder should be")
    else:
        (tmp_path / "release.fr.txt").mkdir()  # a folder where the output file should be
    path = tmp_path / target
    with pytest.raises(InputError) as caught:
        write_atomic(path, "nieuw")
    assert fragment in str(caught.value)
    assert str(path.parent) in str(caught.value)
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]
