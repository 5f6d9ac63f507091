"""Inline markup in translation memories: a release's bold, links and code written as TMX 1.4b
inline codes (bpt/ept, ph, it, with the native code inside), read back as placeholders, and a
re-run of a sentence with markup served by the memory with the document's own markup re-applied."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_memory import valid_tmx

from mt.cli import cli
from mt.translation.inline import (
    InlineCodes,
    canonical,
    pair_codes,
    pair_segs,
    read_seg,
    renumber,
    seg_xml,
)
from mt.translation.memory import MemoryEntry, TranslationMemory, read_tmx, write_tmx

DATA = Path(__file__).parent / "data" / "memory"


def run(args: list[str]):
    return CliRunner().invoke(cli, args, catch_exceptions=False)


@pytest.mark.parametrize(
    ("text", "marked", "order"),
    [
        ("De <3>Coalitie</3> en <4/>.", "De <1>Coalitie</1> en <2/>.", ["3", "4"]),
        ("<7/> vóór <2>vet</2>", "<1/> vóór <2>vet</2>", ["7", "2"]),
        ("half </5> dicht", "half </1> dicht", ["5"]),  # a pair cut by a sentence break
        ("geen markup", "geen markup", []),
    ],
)
def test_canonical_numbers_in_order_and_renumber_undoes_it(text, marked, order):
    assert canonical(text) == (marked, order)
    assert renumber(marked, order) == text


def test_renumber_refuses_a_code_the_sentence_lacks():
    assert renumber("La <1>Coalition</1><2/>", ["4"]) is None


@pytest.mark.parametrize(
    ("source", "target", "shared", "expected"),
    [
        # two documents, numbered each on its own: the same kinds in the same order pair
        (
            "De <2>Coalitie</2> zie <3/>.",
            "La <1>Coalition</1> voir <2/>.",
            False,
            ("De <1>Coalitie</1> zie <2/>.", "La <1>Coalition</1> voir <2/>."),
        ),
        # not the same kinds in the same order: the target's codes are its own (after the source's)
        (
            "De <1>Coalitie</1> zie <2/>.",
            "Voir <1/>: la <2>Coalition</2>.",
            False,
            ("De <1>Coalitie</1> zie <2/>.", "Voir <3/>: la <4>Coalition</4>."),
        ),
        # an XLIFF unit: the target names the source's codes, in whatever order
        (
            "De <1>Coalitie</1> zie <2/>.",
            "Voir <2/>: la <1>Coalition</1>.",
            True,
            ("De <1>Coalitie</1> zie <2/>.", "Voir <2/>: la <1>Coalition</1>."),
        ),
    ],
    ids=["by-order", "mismatch", "shared"],
)
def test_pair_codes(source, target, shared, expected):
    codes = pair_codes(source, target, {}, {}, shared_numbers=shared)
    assert (codes.source, codes.target) == expected


@pytest.mark.parametrize(
    ("codes", "seg"),
    [
        (
            InlineCodes(
                "De <1>Coalitie</1> zie <2/>.",
                "La <1>Coalition</1> voir <2/>.",
                (("<1>", "**"), ("</1>", "**"), ("<2/>", "`nr.pdf`")),
                (("<1>", "**"), ("</1>", "**"), ("<2/>", "`nr.pdf`")),
            ),
            (
                'De <bpt i="1" x="1">**</bpt>Coalitie<ept i="1">**</ept> zie '
                '<ph x="2">`nr.pdf`</ph>.',
                'La <bpt i="1" x="1">**</bpt>Coalition<ept i="1">**</ept> voir '
                '<ph x="2">`nr.pdf`</ph>.',
            ),
        ),
        (  # a pair cut by a sentence break: its halves isolated; a target code of its own
            InlineCodes(
                "Zie <1>de website.",
                "Voir le site.</1><2/>",
                (("<1>", '<a href="x">'),),
                (("</1>", "</a>"), ("<2/>", "<br>")),
            ),
            (
                'Zie <it pos="begin" x="1">&lt;a href="x"&gt;</it>de website.',
                'Voir le site.<it pos="end" x="1">&lt;/a&gt;</it><ph>&lt;br&gt;</ph>',
            ),
        ),
    ],
    ids=["pair-and-atom", "isolated"],
)
def test_codes_written_as_tmx_and_read_back(tmp_path, codes, seg):
    from lxml import etree

    from mt.translation.memory import _escape

    written = (
        seg_xml(codes.source, dict(codes.source_codes), codes.shared, _escape),
        seg_xml(codes.target, dict(codes.target_codes), codes.shared, _escape),
    )
    assert written == seg
    source, target = (read_seg(etree.fromstring(f"<seg>{xml}</seg>")) for xml in written)
    assert pair_segs(source, target) == codes

    path = tmp_path / "m.tmx"
    entry = MemoryEntry("plain", "plain", "fr", markup=codes)
    path.write_text(write_tmx([entry]), encoding="utf-8")
    assert valid_tmx(path)
    (again,) = read_tmx(path)
    assert again.markup == codes


def test_a_cat_tools_codes_pair_by_x():
    from lxml import etree

    source = read_seg(
        etree.fromstring(
            '<seg><bpt i="1" x="7">&lt;b&gt;</bpt>Rome<ept i="1">&lt;/b&gt;</ept> en '
            '<ph x="8">&lt;img/&gt;</ph></seg>'
        )
    )
    target = read_seg(  # the codes in another order: x says which is which
        etree.fromstring(
            '<seg><ph x="8">&lt;img/&gt;</ph> et <bpt i="4" x="7">&lt;b&gt;</bpt>Rome'
            '<ept i="4">&lt;/b&gt;</ept></seg>'
        )
    )
    codes = pair_segs(source, target)
    assert (codes.source, codes.target) == ("<1>Rome</1> en <2/>", "<2/> et <1>Rome</1>")
    memory = TranslationMemory([MemoryEntry(source.text, target.text, "fr", markup=codes)])
    assert memory.lookup("<5>Rome</5> en <6/>", "fr").target == "<6/> et <5>Rome</5>"


@pytest.fixture
def releases(tmp_path: Path) -> Path:
    for path in DATA.iterdir():
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


@pytest.mark.parametrize(
    ("release", "codes"),
    [
        (
            "release-40",
            [
                '<bpt i="1" x="1">**</bpt>Internationale Coalitie tegen Daesh<ept i="1">**</ept>',
                '<bpt i="1" x="1">[</bpt>site de la Coalition<ept i="1">'
                "](https://www.theglobalcoalition.org/fr/)</ept>",
                '<ph x="2">`persbericht-27.pdf`</ph>',
            ],
        ),
        (
            "release-41",
            [
                '<bpt i="1" x="1">&lt;strong&gt;</bpt>Internationale Coalitie tegen Daesh'
                '<ept i="1">&lt;/strong&gt;</ept>',
                '<bpt i="1" x="1">&lt;a href="https://www.theglobalcoalition.org/fr/"&gt;</bpt>'
                'site de la Coalition<ept i="1">&lt;/a&gt;</ept>',
                '<ph x="2">&lt;code&gt;persbericht-27.pdf&lt;/code&gt;</ph>',
            ],
        ),
    ],
    ids=["markdown", "html"],
)
def test_build_writes_inline_markup_as_tmx_codes(releases, release, codes):
    ext = ".md" if release == "release-40" else ".html"
    memory = releases / "m.tmx"
    result = run(
        ["memory", "build", str(releases / f"{release}.nl{ext}")]
        + [str(releases / f"{release}.fr{ext}"), "-o", str(memory), "--no-glossary", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["entries"] == 4  # the title, three sentences
    assert valid_tmx(memory)
    text = memory.read_text(encoding="utf-8")
    for code in codes:
        assert code in text
    assert "&lt;1&gt;" not in text and "&lt;/1&gt;" not in text  # no placeholder as text
    entries = {entry.source: entry for entry in read_tmx(memory)}
    # the codes are not text (a plain sentence matches), and they are back as placeholders
    bold = entries["De ministers van de Internationale Coalitie tegen Daesh kwamen in Rome samen."]
    assert bold.markup.target == (
        "Les ministres de la <1>Coalition internationale contre Daech</1> se sont réunis à Rome."
    )


EXPECTED = {
    ".md": [
        "Les ministres de la **Coalition internationale contre Daech** se sont réunis à Rome. "
        "Ils ont dressé le bilan de dix ans de lutte.",
        # the document's own link: its markup re-applied, as to a machine translation
        "Plus d'informations sur le [site de la Coalition](https://www.theglobalcoalition.org/nl/)"
        " et dans `persbericht-27.pdf`.",
    ],
    ".html": [
        "<p>Les ministres de la <strong>Coalition internationale contre Daech</strong> se sont "
        "réunis à Rome. Ils ont dressé le bilan de dix ans de lutte.</p>",
        '<p>Plus d\'informations sur le <a href="https://www.theglobalcoalition.org/nl/">site de '
        "la Coalition</a> et dans <code>persbericht-27.pdf</code>.</p>",
    ],
}


@pytest.mark.parametrize(
    ("built_from", "translated"),
    [
        ("release-40.nl.md", "release-40.nl.md"),
        ("release-41.nl.html", "release-41.nl.html"),
        ("release-40.nl.md", "release-41.nl.html"),  # the sentence, not its format, matches
    ],
    ids=["markdown", "html", "markdown-memory-html-release"],
)
def test_a_rerun_uses_the_memory_with_the_markup_intact(
    releases, any_model_dir, built_from, translated
):
    memory = releases / "m.tmx"
    source = releases / built_from
    built = run(
        ["memory", "build", str(source), str(source).replace(".nl.", ".fr."), "-o", str(memory)]
        + ["--no-glossary"]
    )
    assert built.exit_code == 0, built.output
    out = releases / "out"
    result = run(
        ["translate", str(releases / translated), "--to", "fr", "--out", str(out)]
        + [f"--model=fr={any_model_dir}", "--backend=torch", "--memory", str(memory)]
        + ["--no-cache", "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["memory_hits"] == summary["segments"] == 4
    assert summary["translated"] == 0 and summary["models"] == {}  # no model loaded
    written = (out / translated.replace(".nl.", ".fr.")).read_text(encoding="utf-8")
    for paragraph in EXPECTED[Path(translated).suffix]:
        assert paragraph in written, written


def test_markup_the_memory_cannot_place_is_machine_translated(releases, tiny_model_dir):
    """A sentence whose codes stand elsewhere than the entry's is not a match."""
    memory = releases / "m.tmx"
    entries = [
        MemoryEntry(
            "De Coalitie vergadert.",
            "La Coalition se réunit.",
            "fr",
            markup=InlineCodes(
                "De <1>Coalitie</1> vergadert.",
                "La <1>Coalition</1> se réunit.",
                (("<1>", "**"), ("</1>", "**")),
                (("<1>", "**"), ("</1>", "**")),
            ),
        )
    ]
    memory.write_text(write_tmx(entries), encoding="utf-8")
    source = releases / "r.nl.md"
    source.write_text("De Coalitie **vergadert**.\n\nDe Coalitie vergadert.\n", encoding="utf-8")
    result = run(
        ["translate", str(source), "--to", "fr", f"--model=fr={tiny_model_dir}"]
        + ["--backend=torch", "--memory", str(memory), "--no-cache", "--json"]
        + ["--max-new-tokens=8", "--terms=off"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["memory_hits"] == 1 and summary["translated"] == 1  # the plain one matched
    written = (releases / "r.fr.md").read_text(encoding="utf-8")
    assert "\n\nLa Coalition se réunit.\n" in written


def test_an_xliff_job_reuses_a_markdown_memory_with_its_own_codes(tmp_path, any_model_dir):
    """The memory gives the words and where the codes stand; the job's own <g> comes back."""
    from test_xliff import schema

    from mt.documents.xliff import read_xliff

    (tmp_path / "r.nl.md").write_text(
        "De minister maakte **18 miljoen euro** vrij.\n", encoding="utf-8"
    )
    (tmp_path / "r.fr.md").write_text(
        "Le ministre a débloqué **18 millions d'euros**.\n", encoding="utf-8"
    )
    memory = tmp_path / "m.tmx"
    built = run(
        ["memory", "build", str(tmp_path / "r.nl.md"), str(tmp_path / "r.fr.md")]
        + ["-o", str(memory), "--no-glossary"]
    )
    assert built.exit_code == 0, built.output
    job = tmp_path / "job.nl.xlf"
    shutil.copy(Path(__file__).parent / "data" / "xliff" / "release-31.nl.xlf", job)
    result = run(
        ["translate", str(job), f"--model=fr={any_model_dir}", "--backend=torch"]
        + ["--max-new-tokens=8", "--no-cache", "--memory", str(memory), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["memory_hits"] == 1
    output = tmp_path / "job.fr.xlf"
    text = output.read_text(encoding="utf-8")
    assert (
        '<mrk mtype="seg" mid="2">Le ministre a débloqué <g id="1" ctype="bold">18 millions '
        "d'euros</g>.</mrk>"
    ) in text
    assert "segment 2: mt: exact match from the translation memory" in text
    schema("1.2").validate(text)
    assert {unit.id for unit in read_xliff(output).units if unit.target} >= {"u1/1", "u1/2"}
