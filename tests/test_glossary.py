"""Loading and validating TSV glossaries, and the shipped default glossary."""

# ruff: noqa: E501  (expected messages read best whole)

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path

import pytest

import mt.terminology.glossary as glossary_module
from mt.core.errors import GlossaryError
from mt.terminology.glossary import (
    EMPTY_GLOSSARY,
    Entry,
    TargetTerms,
    default_glossary_dir,
    load_glossary,
    parse_tsv,
    slug,
)
from mt.terminology.terms import CasePolicy

HEADER = "id\tnl\tfr\tde\ten\tfr!\tcase\tdnt\tnote"


def write(folder: Path, name: str, *rows: str, header: str = HEADER) -> Path:
    path = folder / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def problems_of(*paths: Path) -> list[str]:
    with pytest.raises(GlossaryError) as caught:
        load_glossary(list(paths))
    return [str(problem) for problem in caught.value.problems]


def test_loads_cells_variants_forbidden_and_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "g.tsv",
        "# a comment",
        "",
        "daesh\tDaesh|IS\tDaech|Daesh\tDaesh\tDaesh\tÉtat islamique|EI\texact\t\tPolicy",
        "\tNoordoost-Syrië\tnord-est de la Syrie\tNordostsyrien\tnorth-east Syria\t\t\t\t",
        "\tF-16\t\t\t\t\tstrict\tyes\tAircraft",
    )
    glossary = load_glossary([path])
    daesh, syria, f16 = glossary.entries
    assert daesh == Entry(
        "daesh",
        ("Daesh", "IS"),
        {
            "fr": TargetTerms("Daech", ("Daesh",), ("État islamique", "EI")),
            "de": TargetTerms("Daesh"),
            "en": TargetTerms("Daesh"),
        },
        CasePolicy.EXACT,
        False,
        "Policy",
    )
    assert str(daesh.location) == f"{path}:4"
    assert syria.id == "noordoost-syrie"  # derived from the Dutch term
    assert str(syria.location) == f"{path}:5"
    assert f16.dnt and f16.case is CasePolicy.STRICT
    assert f16.targets["fr"] == TargetTerms("F-16")  # do-not-translate: the Dutch form
    assert glossary.languages == ("fr", "de", "en")


def test_a_form_feed_in_a_cell_moves_no_line_number(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "odd.tsv",
        "daesh\tDaesh\tDaech\fDaesh\tDaesh\tDaesh\t\texact\t\t",  # line 2, a form feed inside
        "irak\tIrak\t\tIrak\tIraq\t\texact\t\t",  # line 3: empty fr
    )
    assert problems_of(path) == [f"{path}:3: empty fr term (or mark the entry dnt)"]


def test_planted_errors_are_all_reported_with_their_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.tsv",
        "daesh\tDaesh\tDaech\tDaesh\tDaesh\tÉtat islamique\texact\t\t",  # line 2: fine
        "daesh2\tDaesh\tDaech\tDaesh\tDaesh\t\texact\t\t",  # 3: duplicate source term
        "irak\tIrak\t\tIrak\tIraq\t\texact\t\t",  # 4: empty fr
        "syrie\tSyrië\tSyrie\tSyrien\tSyria\tSyrie\texact\t\t",  # 5: forbidden = approved
        "x\ttoo\tfew\tcells",  # 6: malformed row
        "bad-case\tBagdad\tBagdad\tBagdad\tBaghdad\t\tsometimes\t\t",  # 7: bad case policy
        "bad-dnt\tMosoel\tMossoul\tMossul\tMosul\t\texact\tmaybe\t",  # 8: bad dnt value
        "daesh\tAnkara\tAnkara\tAnkara\tAnkara\t\texact\t\t",  # 9: duplicate id
        "coal\tCoalitie\tCoalition\tKoalition\tCoalition\tDaech\texact\t\t",  # 10: conflicts with line 2
        "\t\tIrak\tIrak\tIraq\t\t\t\t",  # 11: empty Dutch term
        "dnt\tWilmès\tWilmes\t\t\t\t\tyes\t",  # 12: dnt with a translation
    )
    problems = problems_of(path)
    expected = [
        f'{path}:3: duplicate source term "Daesh" (first at {path}:2)',
        f"{path}:4: empty fr term",
        f'{path}:5: forbidden fr term "Syrie" matches the allowed term "Syrie"',
        f"{path}:6: row has 4 cells, the header has 9",
        f'{path}:7: bad case policy "sometimes"',
        f'{path}:8: bad dnt value "maybe"',
        f'{path}:9: duplicate entry id "daesh" (first at {path}:2)',
        f'{path}:10: conflicting entries: forbidden fr term "Daech" matches "Daech", allowed by entry "daesh" at {path}:2',
        f"{path}:11: empty Dutch (nl) term",
        f"{path}:12: do-not-translate entry has a fr term",
    ]
    assert len(problems) == len(expected), problems
    for want in expected:
        assert any(problem.startswith(want) for problem in problems), (want, problems)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("id\tnl\tfr\tes", 'unknown column "es"'),
        ("id\tfr\tde", 'the header has no "nl" column'),
        ("nl\tfr\tfr", 'column "fr" appears twice'),
    ],
)
def test_bad_headers(tmp_path: Path, header: str, message: str) -> None:
    path = write(tmp_path, "h.tsv", header=header)
    problems = problems_of(path)
    assert any(f"{path}:1: {message}" in problem for problem in problems), problems


def test_spaces_instead_of_tabs_get_a_hint(tmp_path: Path) -> None:
    path = write(tmp_path, "s.tsv", "daesh  Daesh  Daech  Daesh  Daesh")
    assert any("separate cells with tabs" in problem for problem in problems_of(path))


def test_file_problems_are_reported_with_the_others(tmp_path: Path) -> None:
    missing = tmp_path / "missing.tsv"
    latin = tmp_path / "latin.tsv"
    latin.write_bytes(f"{HEADER}\n\tSyrië\tSyrie\t\t\t\t\t\t\n".encode("latin-1"))
    empty = tmp_path / "empty.tsv"
    empty.write_text("# only a comment\n", encoding="utf-8")
    problems = problems_of(missing, latin, empty)
    assert problems[0].startswith(f"{missing}: cannot read the glossary")
    assert problems[1] == f"{latin}: not UTF-8 text; save the file as UTF-8"
    assert problems[2].startswith(f"{empty}: no header row")


def test_duplicates_across_files_and_case_distinct_forms(tmp_path: Path) -> None:
    first = write(tmp_path, "a.tsv", "coal\tCoalitie\tCoalition\tKoalition\tCoalition\t\texact\t\t")
    # "coalitie" differs from "Coalitie" in case only: distinct while neither ignores case
    generic = write(
        tmp_path, "b.tsv", "gen\tcoalitie\tcoalition\tKoalition\tcoalition\t\texact\t\t"
    )
    assert len(load_glossary([first, generic])) == 2
    ignoring = write(
        tmp_path, "c.tsv", "gen\tcoalitie\tcoalition\tKoalition\tcoalition\t\tignore\t\t"
    )
    assert problems_of(first, ignoring) == [
        f'{ignoring}:2: duplicate source term "coalitie" (first at {first}:2)'
    ]


def test_folder_loads_its_glossary_files_in_order(tmp_path: Path) -> None:
    write(tmp_path, "b.tsv", "\tIrak\tIrak\tIrak\tIraq\t\t\t\t")
    write(tmp_path, "a.tsv", "\tSyrië\tSyrie\tSyrien\tSyria\t\t\t\t")
    (tmp_path / "README.md").write_text("not a glossary", encoding="utf-8")
    glossary = load_glossary([tmp_path])
    assert [entry.id for entry in glossary.entries] == ["syrie", "irak"]
    assert [Path(path).name for path in glossary.paths] == ["a.tsv", "b.tsv"]


def test_version_depends_on_content_only(tmp_path: Path) -> None:
    row = "\tIrak\tIrak\tIrak\tIraq\t\t\t\tnote"
    one = load_glossary([write(tmp_path, "one.tsv", row)])
    other = load_glossary([write(tmp_path, "other.tsv", "# moved", "", row.replace("\t", "\t "))])
    changed = load_glossary([write(tmp_path, "changed.tsv", row.replace("Iraq", "Irak"))])
    assert one.version == other.version
    assert one.version != changed.version
    assert one.version != EMPTY_GLOSSARY.version


def test_entries_are_frozen() -> None:
    entry = parse_tsv(f"{HEADER}\n\tIrak\tIrak\tIrak\tIraq\t\t\t\t")[0][0]
    with pytest.raises(AttributeError):
        entry.id = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        entry.targets["fr"] = TargetTerms("Iraq")  # type: ignore[index]


@pytest.mark.parametrize(
    ("term", "expected"),
    [("Noordoost-Syrië", "noordoost-syrie"), ("F-16", "f-16"), ("Sophie Wilmès", "sophie-wilmes")],
)
def test_slug(term: str, expected: str) -> None:
    assert slug(term) == expected


def test_default_glossary_is_valid_and_covers_the_release() -> None:
    glossary = load_glossary()
    assert glossary.paths == (str(default_glossary_dir() / "ministry.tsv"),)
    assert 20 <= len(glossary) <= 40
    text = (
        "Vicepremier en minister van Buitenlandse Zaken Sophie Wilmès nam deel aan de "
        "Internationale Coalitie tegen Daesh. De Coalitie steunt de stabilisatie van Irak en "
        "Noordoost-Syrië met F-16's."
    )
    ids = [match.entry.id for match in glossary.matches(text)]
    assert ids == [
        "vicepremier",
        "minister-of-foreign-affairs",
        "sophie-wilmes",
        "coalition-against-daesh",
        "coalition",
        "stabilisation",
        "iraq",
        "north-east-syria",
        "f-16",
    ]
    french = glossary.requirements("Daesh is niet verslagen.", "fr")
    assert french.required[0].alternatives[0] == "Daech"
    assert "État islamique" in french.forbidden


def test_the_collector_is_off_while_a_glossary_loads_and_builds_its_matcher(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, bool]] = []

    def spy(function: Callable[..., object]) -> Callable[..., object]:
        def wrapper(*args: object) -> object:
            seen.append((function.__name__, gc.isenabled()))
            return function(*args)

        return wrapper

    monkeypatch.setattr(glossary_module, "parse_tsv", spy(glossary_module.parse_tsv))
    monkeypatch.setattr(glossary_module, "SourceMatcher", spy(glossary_module.SourceMatcher))
    path = write(tmp_path, "g.tsv", "daesh\tDaesh\tDaech\tDaesh\tDaesh\t\t\t\t")
    glossary = load_glossary([path])
    assert seen == [("parse_tsv", False)]
    glossary.build_matcher()  # now, not on the first match
    assert seen == [("parse_tsv", False), ("SourceMatcher", False)]
    assert glossary.matches("Over Daesh.")[0].entry.id == "daesh"
    assert len(seen) == 2 and gc.isenabled()


def test_loading_leaves_the_collector_as_it_found_it(tmp_path: Path) -> None:
    good = write(tmp_path, "good.tsv", "daesh\tDaesh\tDaech\tDaesh\tDaesh\t\t\t\t")
    bad = write(tmp_path, "bad.tsv", "daesh\t\tDaech\tDaesh\tDaesh\t\t\t\t")
    gc.disable()
    try:
        load_glossary([good])
        assert not gc.isenabled()  # a caller's choice stands
    finally:
        gc.enable()
    with pytest.raises(GlossaryError):
        load_glossary([bad])
    assert gc.isenabled()  # back on after a failed load too


def test_a_wheel_ships_the_glossaries_as_mt_glossaries() -> None:
    """pyproject lists the packages by hand, so that glossaries/ can be one (mt.glossaries, read
    by default_glossary_dir when installed): the list must hold every package under mt/."""
    import tomllib

    root = Path(__file__).resolve().parent.parent
    setuptools = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]
    found = {
        ".".join(init.parent.relative_to(root).parts) for init in (root / "mt").rglob("__init__.py")
    }
    assert set(setuptools["packages"]) == found | {"mt.glossaries"}
    folder = root / setuptools["package-dir"]["mt.glossaries"]
    assert folder == default_glossary_dir()  # in this checkout, the same folder
    shipped = setuptools["package-data"]["mt.glossaries"]
    assert sorted(path.name for pattern in shipped for path in folder.glob(pattern)) == [
        "README.md",
        "ministry.tsv",
    ]
