"""TBX-Basic and CSV/TSV import and export, and their round trips."""

# ruff: noqa: E501  (table rows read best one case per line)

from __future__ import annotations

from pathlib import Path

import pytest

from mt.core.errors import GlossaryError, InputError
from mt.terminology.formats import (
    export_text,
    import_entries,
    read_table,
    read_tbx,
    write_table,
    write_tbx,
    write_tsv,
)
from mt.terminology.glossary import Glossary, load_glossary, parse_tsv
from mt.terminology.terms import CasePolicy

TBX_V2 = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">
<martif type="TBX-Basic" xml:lang="nl">
  <text><body>
    <termEntry id="daesh">
      <note>Policy</note>
      <langSet xml:lang="nl"><tig><term>Daesh</term></tig></langSet>
      <langSet xml:lang="fr-BE">
        <tig><term>État islamique</term>
          <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
        <tig><term>Daech</term>
          <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
        <tig><term>Daesh</term>
          <termNote type="administrativeStatus">admittedTerm-admn-sts</termNote></tig>
      </langSet>
      <langSet xml:lang="es"><tig><term>Dáesh</term></tig></langSet>
    </termEntry>
    <termEntry>
      <langSet xml:lang="en"><tig><term>only English</term></tig></langSet>
    </termEntry>
    <termEntry id="iraq">
      <langSet xml:lang="nl"><tig><term>Irak</term></tig></langSet>
      <langSet xml:lang="en"><tig><term>Iraq</term></tig></langSet>
    </termEntry>
  </body></text>
</martif>
"""

TBX_V3 = """<?xml version="1.0"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
  <text><body>
    <conceptEntry id="c1">
      <langSec xml:lang="nl"><termSec><term>stabilisatie</term></termSec></langSec>
      <langSec xml:lang="de"><termSec><term>Stabilisierung</term>
        <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec></langSec>
    </conceptEntry>
  </body></text>
</tbx>
"""


def test_reads_tbx_basic_statuses_languages_and_lines() -> None:
    entries, problems = read_tbx(TBX_V2, "t.tbx")
    assert problems == []
    daesh, iraq = entries  # the concept without Dutch is skipped; Spanish is ignored
    assert daesh.id == "daesh" and daesh.note == "Policy"
    fr = daesh.targets["fr"]
    assert (fr.approved, fr.variants, fr.forbidden) == ("Daech", ("Daesh",), ("État islamique",))
    assert set(daesh.targets) == {"fr"}
    assert str(daesh.location) == "t.tbx:5"
    assert str(iraq.location) == "t.tbx:21"
    assert iraq.targets["en"].approved == "Iraq"


def test_reads_tbx_v3_names() -> None:
    entries, problems = read_tbx(TBX_V3, "t.tbx")
    assert problems == []
    assert [(e.id, e.source, e.targets["de"].approved) for e in entries] == [
        ("c1", ("stabilisatie",), "Stabilisierung")
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><m>&b;</m>',
            "refused for safety",
        ),
        (
            '<!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><martif>&x;</martif>',
            "refused for safety",
        ),
        ("<martif><text>", "not well-formed XML"),
    ],
)
def test_unsafe_or_broken_xml_is_refused(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_tbx(text, "evil.tbx")


def test_tbx_problems_are_validated_like_tsv_rows() -> None:
    text = TBX_V2.replace("<term>Daech</term>", "<term>État islamique</term>")
    entries, problems = read_tbx(text, "t.tbx")
    assert [str(problem) for problem in problems] == [
        't.tbx:5: forbidden fr term "État islamique" matches the allowed term "État islamique"'
    ]


def test_default_glossary_round_trips_through_every_format(tmp_path: Path) -> None:
    glossary = load_glossary()
    tbx = tmp_path / "g.tbx"
    tbx.write_text(write_tbx(glossary.entries), encoding="utf-8")
    assert import_entries(tbx) == list(glossary.entries)
    assert Glossary(tuple(import_entries(tbx))).version == glossary.version
    native = tmp_path / "g.tsv"
    native.write_text(write_tsv(glossary.entries), encoding="utf-8")
    assert import_entries(native) == list(glossary.entries)


def test_multilanguage_csv_round_trip_keeps_approved_terms(tmp_path: Path) -> None:
    glossary = load_glossary()
    path = tmp_path / "g.csv"
    path.write_text(export_text(glossary.entries, "csv"), encoding="utf-8")
    assert path.read_text(encoding="utf-8").splitlines()[0] == "nl,fr,de,en"
    imported = {entry.source[0]: entry for entry in import_entries(path)}
    for entry in glossary.entries:
        if entry.dnt:
            continue  # a CSV term list has no do-not-translate flag: the name maps to itself
        for lang, target in entry.targets.items():
            assert imported[entry.source[0]].targets[lang].approved == target.approved


@pytest.mark.parametrize(
    ("text", "delimiter", "lang", "expected"),
    [
        ("nl,fr\nDaesh,Daech\nIrak,Irak\n", ",", None, [("Daesh", "fr", "Daech"), ("Irak", "fr", "Irak")]),
        ("NL\tDE-de\nIrak\tIrak\n", "\t", None, [("Irak", "de", "Irak")]),
        ("nl,fr,de\nIrak,,Irak\n", ",", None, [("Irak", "de", "Irak")]),  # an empty cell: no term
        ("Daesh,Daesh\n", ",", "en", [("Daesh", "en", "Daesh")]),  # DeepL: no header
        ('"Coalitie, de",Coalition\n', ",", "fr", [("Coalitie, de", "fr", "Coalition")]),
    ],
)  # fmt: skip
def test_read_table_forms(
    text: str, delimiter: str, lang: str | None, expected: list[tuple[str, str, str]]
) -> None:
    entries, problems = read_table(text, "t.csv", delimiter, lang=lang)
    assert problems == []
    found = [(e.source[0], code, t.approved) for e in entries for code, t in e.targets.items()]
    assert found == expected


@pytest.mark.parametrize(
    ("text", "lang", "message"),
    [
        ("Daesh,Daech\n", None, "t.csv:1: expected a header row of language codes"),
        ("nl,fr\nDaesh\n", None, "t.csv:2: row has 1 cells, the header has 2"),
        ("nl,fr\nIrak,\n", None, "t.csv:2: row has no target term"),
        ("Irak,\n", "fr", "t.csv:1: empty fr term"),
        ("", None, "t.csv: no terms in the file"),
    ],
)
def test_read_table_problems(text: str, lang: str | None, message: str) -> None:
    _, problems = read_table(text, "t.csv", ",", lang=lang)
    assert any(str(problem).startswith(message) for problem in problems), problems


def test_two_column_export_lists_every_dutch_form() -> None:
    entries, _ = parse_tsv("id\tnl\tfr\tdnt\nd\tDaesh|IS\tDaech|Daesh\t\nw\tWilmès\t\tyes\n")
    assert write_table(entries, ",", "fr") == "Daesh,Daech\nIS,Daech\nWilmès,Wilmès\n"
    assert write_table(entries) == "nl,fr\nDaesh,Daech\nWilmès,Wilmès\n"


def test_tbx_export_for_one_language() -> None:
    entries, _ = parse_tsv("id\tnl\tfr\tde\tcase\nd\tDaesh\tDaech\tDaesh\tstrict\n")
    text = write_tbx(entries, "de")
    (entry,) = read_tbx(text)[0]
    assert set(entry.targets) == {"de"}
    assert entry.case is CasePolicy.STRICT


def test_import_reports_duplicates_across_rows(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("nl,fr\nIrak,Irak\nIrak,Iraq\n", encoding="utf-8")
    with pytest.raises(GlossaryError) as caught:
        import_entries(path)
    # (the ids a term list's rows get are made unique, "irak-2": the problem is the Dutch term)
    assert [str(p) for p in caught.value.problems] == [
        f'{path}:3: duplicate source term "Irak" (first at {path}:2)',
    ]


def test_load_glossary_reads_tbx_and_csv_directly(tmp_path: Path) -> None:
    (tmp_path / "a.tbx").write_text(TBX_V3, encoding="utf-8")
    (tmp_path / "b.csv").write_text("nl,en\nIrak,Iraq\n", encoding="utf-8")
    glossary = load_glossary([tmp_path])
    assert [entry.id for entry in glossary.entries] == ["c1", "irak"]


def test_unknown_format_needs_an_option(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--format"):
        import_entries(tmp_path / "terms.xlsx")


class ScanCountingText(str):
    """A text that tallies how many characters its searching methods walk over: the work of
    numbering lines, counted rather than timed."""

    scanned = 0

    def count(self, sub, start=None, end=None):  # type: ignore[no-untyped-def,override]
        start = 0 if start is None else start
        end = len(self) if end is None else end
        ScanCountingText.scanned += max(0, end - start)
        return str.count(self, sub, start, end)


def _big_tbx(entries: int) -> str:
    concepts = "".join(
        f'    <termEntry id="t{n}">\n'
        f'      <langSet xml:lang="nl"><tig><term>term{n}</term></tig></langSet>\n'
        f'      <langSet xml:lang="fr"><tig><term>terme{n}</term></tig></langSet>\n'
        "    </termEntry>\n"
        for n in range(entries)
    )
    return f'<martif type="TBX-Basic" xml:lang="nl">\n<text><body>\n{concepts}</body></text>\n</martif>\n'


def test_tbx_line_numbers_take_linear_work(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # 100,000 entries took 9 minutes when each entry's line was counted from the file's start.
    work = {}
    for size in (2_000, 4_000):
        path = tmp_path / f"big{size}.tbx"
        path.write_text(_big_tbx(size), encoding="utf-8")
        # The same reading serves `mt glossary import` and --glossary on translate and check.
        monkeypatch.setattr(
            "mt.terminology.formats._read_text",
            lambda path: ScanCountingText(path.read_text(encoding="utf-8")),
        )
        ScanCountingText.scanned = 0
        glossary = load_glossary([path])
        work[size] = ScanCountingText.scanned
        assert len(glossary) == size
        last = glossary.entries[-1]
        assert str(last.location) == f"{path}:{3 + 4 * (size - 1)}"
        assert work[size] <= len(path.read_text(encoding="utf-8"))
    assert work[4_000] <= 2.2 * work[2_000]
