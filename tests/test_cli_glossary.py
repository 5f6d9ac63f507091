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
