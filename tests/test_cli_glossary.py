"""``mt glossary`` through click's CliRunner: exit codes, messages, files written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mt.cli import cli
from mt.terminology.glossary import load_glossary

HEADER = "id\tnl\tfr\tde\ten\tfr!\tcase\tdnt\tnote"
PLANTED = [
    "daesh\tDaesh\tDaech\tDaesh\tDaesh\tÉtat islamique\texact\t\t",
    "daesh2\tDaesh\tDaech\tDaesh\tDaesh\t\texact\t\t",  # 3: duplicate source term
    "irak\tIrak\t\tIrak\tIraq\t\texact\t\t",  # 4: empty fr
    "syrie\tSyrië\tSyrie\tSyrien\tSyria\tSyrie\texact\t\t",  # 5: forbidden = approved
    "x\ttoo\tfew",  # 6: malformed row
    "bad-case\tBagdad\tBagdad\tBagdad\tBaghdad\t\tsometimes\t\t",  # 7: bad case policy
]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write(path: Path, *rows: str) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_every_subcommand_has_help(runner: CliRunner) -> None:
    for name in ("validate", "show", "import", "export"):
        result = runner.invoke(cli, ["glossary", name, "--help"])
        assert result.exit_code == 0
        assert len(result.output.split("\n\n")[1].strip()) > 20  # a real description


def test_validate_default_glossary_is_clean(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["glossary", "validate"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"ok: {len(load_glossary())} entries in 1 file")


def test_validate_lists_every_planted_error_and_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path / "bad.tsv", *PLANTED)
    result = runner.invoke(cli, ["glossary", "validate", str(path)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [f"{path}:{n}" for n in (3, 4, 5, 6, 7)]
    assert "5 problems found" in result.stderr
    assert "Traceback" not in result.output


def test_validate_json(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path / "bad.tsv", *PLANTED)
    result = runner.invoke(cli, ["glossary", "validate", "--json", str(path)])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert [problem["line"] for problem in data["problems"]] == [3, 4, 5, 6, 7]
    assert data["problems"][0]["path"] == str(path)
    assert data["problems"][0]["message"].startswith('duplicate source term "Daesh"')


def test_validate_usage_errors_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["glossary", "validate", str(tmp_path / "missing.tsv")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_show_table_json_and_match(runner: CliRunner) -> None:
    table = runner.invoke(cli, ["glossary", "show", "--lang", "fr"])
    assert table.exit_code == 0
    assert table.stdout.splitlines()[0].split() == ["id", "nl", "fr", "case", "dnt"]
    assert any(line.startswith("daesh ") and "Daech" in line for line in table.stdout.splitlines())
    shown = runner.invoke(
        cli, ["glossary", "show", "--json", "--lang", "de", "--match", "De Coalitie in Irak"]
    )
    data = json.loads(shown.stdout)
    assert [entry["id"] for entry in data["entries"]] == ["coalition", "iraq"]
    assert set(data["entries"][0]["targets"]) == {"de"}
    required = data["requirements"]["de"]["required"]
    assert [(r["entry"], r["alternatives"][0]) for r in required] == [
        ("coalition", "Koalition"),
        ("iraq", "Irak"),
    ]


def test_import_export_round_trip(runner: CliRunner, tmp_path: Path) -> None:
    tbx = tmp_path / "terms.tbx"
    result = runner.invoke(cli, ["glossary", "export", "-o", str(tbx)])
    assert result.exit_code == 0, result.output
    assert tbx.read_text(encoding="utf-8").startswith("<?xml")
    back = tmp_path / "back.tsv"
    result = runner.invoke(cli, ["glossary", "import", str(tbx), "-o", str(back)])
    assert result.exit_code == 0, result.output
    assert load_glossary([back]).version == load_glossary().version


def test_export_two_column_csv_to_stdout(runner: CliRunner) -> None:
    result = runner.invoke(
        cli, ["glossary", "export", "-o", "-", "--format", "csv", "--lang", "en"]
    )
    assert result.exit_code == 0
    assert "Irak,Iraq" in result.stdout.splitlines()
    assert not result.stdout.startswith("nl,")  # DeepL's form has no header


def test_import_headerless_csv_needs_lang(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "deepl.csv"
    source.write_text("Irak,Iraq\n", encoding="utf-8")
    out = tmp_path / "out.tsv"
    result = runner.invoke(cli, ["glossary", "import", str(source), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.startswith("mt: error: 1 problem in the glossary")
    assert "--lang" in result.stderr
    assert not out.exists()  # no half-written output
    result = runner.invoke(cli, ["glossary", "import", str(source), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0
    assert load_glossary([out]).entries[0].targets["en"].approved == "Iraq"


def test_import_bad_xml_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "broken.tbx"
    source.write_text("<martif><text>", encoding="utf-8")
    result = runner.invoke(cli, ["glossary", "import", str(source), "-o", str(tmp_path / "o.tsv")])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"mt: error: {source}")
    assert "not well-formed XML" in result.stderr


def test_export_stdout_needs_format(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["glossary", "export", "-o", "-"])
    assert result.exit_code == 2
    assert "--format" in result.output


@pytest.mark.parametrize(
    ("file_format", "lang"), [("csv", "fr"), ("tsv", "de"), ("csv", None), ("tbx", None)]
)
def test_every_export_of_the_shipped_glossary_imports_back(
    runner: CliRunner, tmp_path: Path, file_format: str, lang: str | None
) -> None:
    """The two-column export writes a row per Dutch form; forms that differ in case only
    ("Internationale Coalitie tegen Daesh", "internationale ...") make one id, merged back."""
    exported = tmp_path / f"export.{file_format}"
    only = ["--lang", lang] if lang else []
    result = runner.invoke(cli, ["glossary", "export", "-o", str(exported), *only])
    assert result.exit_code == 0, result.output
    back = tmp_path / "back.tsv"
    result = runner.invoke(cli, ["glossary", "import", str(exported), "-o", str(back), *only])
    assert result.exit_code == 0, result.output
    glossary = load_glossary([back])
    # Each Dutch form the export holds asks the same approved term as in the shipped glossary
    # (a two-column file has every form, copying a do-not-translate one; a term set the first).
    for code in [lang] if lang else ["fr", "de", "en"]:
        for entry in load_glossary().entries:
            forms = entry.source[:1] if file_format == "csv" and not lang else entry.source
            for form in forms:
                wanted = form if entry.dnt and lang else entry.targets[code].approved
                found = {e.targets[code].approved for e in glossary.entries if form in e.source}
                assert found == {wanted}, (code, form)


def test_import_numbers_a_taken_id_when_the_rows_differ(runner: CliRunner, tmp_path: Path):
    source = tmp_path / "deepl.csv"
    source.write_text(
        "Coalitie,Coalition\ncoalitie,coalition gouvernementale\nCOALITIE,Coalition\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.tsv"
    result = runner.invoke(cli, ["glossary", "import", str(source), "-o", str(out), "--lang", "fr"])
    assert result.exit_code == 0, result.output
    entries = {entry.id: entry for entry in load_glossary([out]).entries}
    assert entries["coalitie"].source == ("Coalitie", "COALITIE")
    assert entries["coalitie-2"].source == ("coalitie",)
    assert entries["coalitie-2"].targets["fr"].approved == "coalition gouvernementale"


def test_validate_reports_a_duplicate_id_on_a_row_with_other_problems(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "g.tsv",
        "irak\tIrak\tIrak\tIrak\tIraq\t\texact\t\t",
        "irak\tBagdad\t\tBagdad\tBaghdad\t\texact\t\t",  # 3: empty fr, and irak again
        "syrie\tSyrië\tSyrie\tSyrien\tSyria\t\tsometimes\t\t",  # 4: bad case policy
        "syrie\tDamascus\tDamas\tDamaskus\tDamascus\t\texact\t\t",  # 5: syrie again
    )
    result = runner.invoke(cli, ["glossary", "validate", str(path)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{path}:3: empty fr term (or mark the entry dnt)",
        f'{path}:3: duplicate entry id "irak" (first at {path}:2)',
        f'{path}:4: bad case policy "sometimes"; use one of: exact, strict, ignore',
        f'{path}:5: duplicate entry id "syrie" (first at {path}:4)',
    ]


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
@pytest.mark.parametrize("command", ["import", "export"])
def test_written_glossaries_follow_the_umask(
    runner: CliRunner, tmp_path: Path, umask: int, command: str
) -> None:
    import os

    source = write(tmp_path / "g.tsv", "irak\tIrak\tIrak\tIrak\tIraq\t\texact\t\t")
    out = tmp_path / "out.tsv"
    args = ["import", str(source)] if command == "import" else ["export", str(source)]
    previous = os.umask(umask)
    try:
        result = runner.invoke(cli, ["glossary", *args, "-o", str(out)])
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] != [] and not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize(
    ("args", "output"),
    [
        (["import", "{csv}", "-o", "{csv}"], "{csv}"),
        (["import", "{csv}", "-o", "{csv_other_spelling}"], "{csv_other_spelling}"),
        (["import", "{csv}", "-o", "{csv_link}"], "{csv_link}"),
        (["export", "{folder}", "-o", "{tsv}", "--format", "tsv"], "{tsv}"),
        (["export", "{tsv}", "{csv}", "-o", "{csv}"], "{csv}"),
    ],
)
def test_an_output_that_is_an_input_is_refused(
    runner: CliRunner, tmp_path: Path, args: list[str], output: str
) -> None:
    folder = tmp_path / "terms"
    folder.mkdir()
    names = {
        "folder": folder,
        "csv": folder / "a.csv",
        "csv_other_spelling": folder / ".." / "terms" / "a.csv",
        "csv_link": tmp_path / "link.csv",
        "tsv": folder / "b.tsv",
    }
    names["csv"].write_text("nl,fr\nIrak,Irak\n", encoding="utf-8")
    names["csv_link"].symlink_to(names["csv"])
    names["tsv"].write_text("id\tnl\tfr\nsyrie\tSyrië\tSyrie\n", encoding="utf-8")
    before = {path: path.read_bytes() for path in (names["csv"], names["tsv"])}
    result = runner.invoke(cli, ["glossary", *(arg.format(**names) for arg in args)])
    assert result.exit_code == 2, result.output
    assert f"-o {output.format(**names)} is the input" in result.stderr
    assert "Traceback" not in result.output
    assert {path: path.read_bytes() for path in before} == before
    assert sorted(p.name for p in folder.iterdir()) == ["a.csv", "b.tsv"]  # no temporary left
