"""``mt check`` from the command line: exit codes, the four formats, pairing by name, bad input."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from mt.cli import cli

GLOSSARY = (
    "id\tnl\tfr\tde\ten\tfr!\tde!\ten!\tcase\tdnt\tnote\n"
    "daesh\tDaesh\tDaech|Daesh\tDaesh\tDaesh\tÉtat islamique\tIslamischer Staat\tIslamic State"
    "\texact\t\t\n"
    "coalition\tCoalitie\tCoalition\tKoalition\tCoalition\t\t\t\texact\t\t\n"
)

SOURCE_MD = """\
# De Coalitie tegen Daesh komt samen

Op 11 maart 2024 kwamen de ministers van de Coalitie in Rome samen.

## Steun

- De leden zegden samen 670 miljoen USD toe.
- België draagt 18 miljoen euro bij, een stijging van 12,5%.
"""

GOOD = {
    "fr": """\
# La Coalition contre Daech se réunit

Le 11 mars 2024, les ministres de la Coalition se sont réunis à Rome.

## Soutien

- Les membres ont promis ensemble 670 millions USD.
- La Belgique y contribue 18 millions d'euros, soit une hausse de 12,5 %.
""",
    "de": """\
# Die Koalition gegen Daesh tritt zusammen

Am 11. März 2024 trafen sich die Minister der Koalition in Rom.

## Unterstützung

- Die Mitglieder sagten zusammen 670 Millionen USD zu.
- Belgien trägt 18 Millionen Euro bei, ein Anstieg um 12,5 %.
""",
    "en": """\
# The Coalition against Daesh meets

On 11 March 2024 the ministers of the Coalition met in Rome.

## Support

- The members pledged USD 670 million together.
- Belgium contributes EUR 18 million, an increase of 12.5%.
""",
}

# The French with a forbidden term (and so no approved one) in line 1 and a lost figure in line 7.
BAD_FR = GOOD["fr"].replace("Daech", "l'État islamique").replace(", soit une hausse de 12,5 %", "")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with a glossary, a Dutch source and its three translations; the working folder."""
    (tmp_path / "glossaries").mkdir()
    (tmp_path / "glossaries" / "terms.tsv").write_text(GLOSSARY, encoding="utf-8")
    (tmp_path / "release.nl.md").write_text(SOURCE_MD, encoding="utf-8")
    for lang, text in GOOD.items():
        (tmp_path / f"release.{lang}.md").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["check", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_clean_translations_pass(project: Path) -> None:
    code, out, _ = run("release.nl.md", "release.fr.md", "release.de.md", "release.en.md")
    assert code == 0, out
    assert out.count(": ok") == 3
    assert "3 translations" in out and "passed" in out


EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_the_example_hand_translations_pass_with_the_shipped_glossary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # what the README shows; the glossary is found as a user's would be: glossaries/
    monkeypatch.chdir(EXAMPLES.parent)
    names = [str(EXAMPLES / f"release.{lang}.txt") for lang in ("nl", "fr", "de")]
    code, out, _ = run(*names)
    assert code == 0, out
    assert out.count(": ok") == 2
    # a wrong term that shares its words' first letters with the approved one ("Vereinte
    # Nationen"): only the lemmas tell them apart
    german = (EXAMPLES / "release.de.txt").read_text(encoding="utf-8")
    wrong = tmp_path / "release.de.txt"
    wrong.write_text(german.replace("Vereinten Nationen", "Vereinigten Nationen"), "utf-8")
    (tmp_path / "release.nl.txt").write_bytes((EXAMPLES / "release.nl.txt").read_bytes())
    code, out, _ = run(str(tmp_path / "release.nl.txt"), str(wrong))
    assert code == 1
    assert "terminology/missing-term" in out and "release.de.txt:14 ←" in out
    assert "(united-nations)" in out and "mt check: 1 error in" in out


def test_findings_fail_with_both_locations_in_the_text_report(project: Path) -> None:
    (project / "release.fr.md").write_text(BAD_FR, encoding="utf-8")
    code, out, _ = run("release.nl.md", "release.fr.md")
    assert code == 1
    assert "terminology/forbidden-term  release.fr.md:1 ← release.nl.md:1" in out
    assert "numbers/number-missing  release.fr.md:8 ← release.nl.md:8" in out
    assert '"12,5%" is missing' in out
    assert "\x1b[" not in out  # no colours when not on a terminal
    assert "FAILED" in out


@pytest.mark.parametrize(
    ("fail_on", "expected"),
    [("error", 0), ("warning", 1), ("info", 1), ("never", 0)],
)
def test_fail_on_decides_the_exit_code(project: Path, fail_on: str, expected: int) -> None:
    # an added figure is a warning
    text = GOOD["en"].replace("met in Rome.", "met in Rome with 40 delegations.")
    (project / "release.en.md").write_text(text, encoding="utf-8")
    code, out, _ = run("release.nl.md", "release.en.md", "--fail-on", fail_on)
    assert code == expected, out


def test_errors_fail_even_when_fail_on_is_warning(project: Path) -> None:
    (project / "release.fr.md").write_text(BAD_FR, encoding="utf-8")
    assert run("release.nl.md", "release.fr.md", "--fail-on", "never")[0] == 0
    assert run("release.nl.md", "release.fr.md", "--fail-on", "warning")[0] == 1


def test_json_report(project: Path) -> None:
    (project / "release.fr.md").write_text(BAD_FR, encoding="utf-8")
    code, out, _ = run("release.nl.md", "release.fr.md", "release.de.md", "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["passed"] is False and report["fail_on"] == "error"
    assert report["glossary"]  # the glossary version that produced the verdict
    assert [f["lang"] for f in report["files"]] == ["fr", "de"]
    french = report["files"][0]["findings"]
    assert {(f["check"], f["code"]) for f in french} == {
        ("terminology", "forbidden-term"),
        ("terminology", "missing-term"),
        ("numbers", "number-missing"),
    }
    missing = next(f for f in french if f["code"] == "number-missing")
    assert missing["source"] == {"path": "release.nl.md", "line": 8}
    assert missing["target"] == {"path": "release.fr.md", "line": 8}
    assert missing["evidence"] == "12,5%"
    assert report["files"][1]["findings"] == []
    assert report["counts"] == {"error": 3, "warning": 0, "info": 0}


def test_junit_report_parses_as_junit_xml(project: Path) -> None:
    (project / "release.fr.md").write_text(BAD_FR, encoding="utf-8")
    code, out, _ = run("release.nl.md", "release.fr.md", "release.de.md", "--format", "junit")
    assert code == 1
    root = ET.fromstring(out)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 2
    cases = {case.get("name"): case for case in suites[0].findall("testcase")}
    assert set(cases) == {"terminology", "numbers", "untranslated", "structure"}
    assert cases["terminology"].find("failure") is not None
    assert cases["numbers"].find("failure").get("type") == "number-missing"
    assert cases["structure"].find("failure") is None
    assert suites[0].get("failures") == "2" and suites[0].get("tests") == "4"
    assert suites[1].get("failures") == "0"
    assert root.get("failures") == "2" and root.get("tests") == "8"


def test_github_annotations(project: Path) -> None:
    (project / "release.fr.md").write_text(BAD_FR, encoding="utf-8")
    code, out, _ = run("release.nl.md", "release.fr.md", "--format", "github")
    assert code == 1
    annotations = [line for line in out.splitlines() if line.startswith("::")]
    assert len(annotations) == 3
    assert all(line.startswith("::error file=release.fr.md,line=") for line in annotations)
    assert any(
        line.startswith("::error file=release.fr.md,line=8,title=mt check numbers/number-missing::")
        for line in annotations
    )


def test_output_file_gets_the_report_and_stderr_the_verdict(project: Path) -> None:
    code, out, err = run("release.nl.md", "release.fr.md", "--format", "junit", "-o", "report.xml")
    assert code == 0 and out == ""
    assert "passed" in err
    ET.parse(project / "report.xml")


@pytest.mark.parametrize("quiet", [False, True])
def test_many_translations_show_progress_on_a_terminal_unless_quiet(
    project: Path, monkeypatch: pytest.MonkeyPatch, quiet: bool
) -> None:
    monkeypatch.setattr("mt.cli.options._interactive", lambda: True)
    code, out, err = run(".", "--format", "json", *(["--quiet"] if quiet else []))
    assert code == 0
    assert ("checking translations" in err) is not quiet
    assert len(json.loads(out)["files"]) == 3  # the report itself is untouched


@pytest.mark.parametrize("bad_glossary", [False, True])
def test_the_collector_settings_of_a_run_are_undone(project: Path, bad_glossary: bool) -> None:
    import gc

    args = ["."]
    if bad_glossary:  # its error ends the run (exit 2) while the collector is paused
        (project / "bad.tsv").write_text("id\tnl\tfr\nt\t\tDaech\n", encoding="utf-8")
        args += ["--glossary", "bad.tsv"]
    before = gc.get_threshold()
    code, _, _ = run(*args)
    assert code == (2 if bad_glossary else 0)
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0 and gc.isenabled()


def test_no_progress_bar_off_a_terminal(project: Path) -> None:
    code, _, err = run(".")
    assert code == 0 and "checking translations" not in err


@pytest.mark.parametrize(
    "args",
    [
        ["."],  # a folder: every translation beside its source
        ["release.fr.md", "release.de.md", "release.en.md"],  # translations: sources found beside
        ["release.nl.md"],  # a source: its translations found beside it
    ],
)
def test_pairs_are_found_by_name(project: Path, args: list[str]) -> None:
    (project / "release.fr.md").write_text(BAD_FR, encoding="utf-8")
    code, out, _ = run(*args, "--format", "json")
    assert code == 1
    targets = sorted(Path(f["target"]).name for f in json.loads(out)["files"])
    assert targets == ["release.de.md", "release.en.md", "release.fr.md"]


def test_a_folder_pairs_each_source_with_its_own_translations(project: Path) -> None:
    from mt.documents.alignment import find_pairs

    for folder, stem in (("a", "one"), ("a", "two"), ("b", "one")):
        (project / folder).mkdir(exist_ok=True)
        (project / folder / f"{stem}.nl.md").write_text(SOURCE_MD, encoding="utf-8")
    (project / "a" / "one.fr.md").write_text(GOOD["fr"], encoding="utf-8")
    (project / "a" / "two.de.md").write_text(GOOD["de"], encoding="utf-8")
    (project / "a" / "two.en.md").write_text(GOOD["en"], encoding="utf-8")
    (project / "b" / "one.md").write_text(GOOD["fr"], encoding="utf-8")  # a source, no language
    (project / "b" / "one.fr.md").write_text(GOOD["fr"], encoding="utf-8")
    found = {(s.relative_to(project), t.name, lang) for s, t, lang in find_pairs([project])}
    assert found - {(Path("release.nl.md"), f"release.{lang}.md", lang) for lang in GOOD} == {
        (Path("a/one.nl.md"), "one.fr.md", "fr"),
        (Path("a/two.nl.md"), "two.de.md", "de"),
        (Path("a/two.nl.md"), "two.en.md", "en"),
        (Path("b/one.nl.md"), "one.fr.md", "fr"),
    }


def test_lang_option_for_files_named_without_language(project: Path) -> None:
    (project / "bron.md").write_text(SOURCE_MD, encoding="utf-8")
    (project / "doel.md").write_text(GOOD["de"], encoding="utf-8")
    code, out, _ = run("bron.md", "doel.md", "--lang", "de", "--format", "json")
    assert code == 0
    assert json.loads(out)["files"][0]["lang"] == "de"


def test_an_empty_translation_misses_every_unit(project: Path) -> None:
    (project / "release.nl.md").write_text(SOURCE_MD * 2, encoding="utf-8")  # 10 units
    (project / "release.fr.md").write_text("", encoding="utf-8")
    code, out, _ = run("release.nl.md", "release.fr.md", "--format", "json")
    codes = [f["code"] for f in json.loads(out)["files"][0]["findings"]]
    assert code == 1
    assert codes == ["unit-count"] + ["segment-missing"] * 10


def test_files_in_another_encoding_are_read_with_encoding(project: Path) -> None:
    (project / "release.fr.md").write_text(GOOD["fr"], encoding="cp1252")
    code, _, err = run("release.nl.md", "release.fr.md")
    assert code == 2
    assert "release.fr.md:1: not valid utf-8 text" in err and "--encoding cp1252" in err
    (project / "release.nl.md").write_text(SOURCE_MD, encoding="cp1252")
    code, out, _ = run("release.nl.md", "release.fr.md", "--encoding", "cp1252")
    assert code == 0, out


def test_config_file_switches_a_check_off(project: Path) -> None:
    (project / "release.fr.md").write_text(BAD_FR.replace("Daech", "Daech"), encoding="utf-8")
    (project / ".mt.toml").write_text(
        '[check]\nfail-on = "error"\n[check.terminology]\nenabled = false\n'
        '[check.numbers]\nseverity = "warning"\n',
        encoding="utf-8",
    )
    code, out, _ = run("release.nl.md", "release.fr.md", "--format", "json")
    assert code == 0, out
    report = json.loads(out)
    assert report["checks"] == ["numbers", "untranslated", "structure"]
    assert [f["severity"] for f in report["files"][0]["findings"]] == ["warning"]


def test_a_baseline_accepts_the_findings_it_lists_and_only_those(project: Path) -> None:
    (project / "release.fr.md").write_text(BAD_FR, encoding="utf-8")
    code, _, err = run("release.nl.md", "release.fr.md", "--baseline", "b.json", "--write-baseline")
    assert code == 0 and "3 findings accepted, written to b.json" in err
    code, out, _ = run("release.nl.md", "release.fr.md", "--baseline", "b.json")
    assert code == 0, out
    assert "no findings in 1 translation (5 segments); 3 accepted by the baseline;" in out
    # a new slip fails the run, alone; the edited pair's old entry is counted as unused
    (project / "release.fr.md").write_text(BAD_FR.replace("670", "760"), encoding="utf-8")
    code, out, _ = run("release.nl.md", "release.fr.md", "--baseline", "b.json", "--format", "json")
    report = json.loads(out)
    assert code == 1
    assert [f["code"] for f in report["files"][0]["findings"]] == ["number-changed"]
    assert report["baseline"] == {"path": "b.json", "accepted": 3, "unused": 0}


def test_the_config_names_the_baseline_relative_to_itself(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "release.fr.md").write_text(BAD_FR, encoding="utf-8")
    (project / "ci").mkdir()
    (project / ".mt.toml").write_text('[check]\nbaseline = "ci/b.json"\n', encoding="utf-8")
    assert run("release.nl.md", "release.fr.md", "--write-baseline")[0] == 0
    assert (project / "ci" / "b.json").is_file()
    (project / "sub").mkdir()
    monkeypatch.chdir(project / "sub")  # the config is found above, and the baseline beside it
    code, out, _ = run("../release.nl.md", "../release.fr.md", "--glossary", "../glossaries")
    assert code == 0 and "3 accepted by the baseline" in out


def test_a_bad_baseline_fails_before_the_checks_and_writes_nothing(project: Path) -> None:
    (project / "b.json").write_text('{"version": 1, "findings": [}', encoding="utf-8")
    args = ("release.nl.md", "release.fr.md", "-o", "report.json")
    code, _, err = run(*args, "--baseline", "b.json")
    assert code == 2 and err.startswith("mt: error: b.json:1: not valid JSON")
    code, _, err = run(*args, "--baseline", "none.json")
    assert code == 2 and "none.json: no such baseline; create it with --write-baseline" in err
    code, _, err = run(*args, "--write-baseline")
    assert code == 2 and "--write-baseline needs --baseline FILE" in err
    assert not (project / "report.json").exists()


@pytest.mark.parametrize(
    ("args", "setup", "message"),
    [
        (["release.nl.md", "missing.fr.md"], None, "missing.fr.md: no such file"),
        (["release.nl.md", "release.fr.txt"], "release.fr.txt", "mismatched pair"),
        (["release.nl.md", "release.nl.md"], None, "mismatched pair"),
        (["release.nl.md", "other.fr.md"], "other", "is the translation of other.nl.md"),
        (["release.nl.md", "notes.md"], "notes.md", "cannot tell the language"),
        (["orphan.fr.md"], "orphan.fr.md", "no Dutch source found"),
        (["release.nl.md", "release.fr.md", "--glossary", "nowhere.tsv"], None, "nowhere.tsv"),
        (["release.nl.md", "release.fr.md", "--glossary", "broken.tsv"], "broken.tsv", "glossary"),
        (["release.nl.md", "release.fr.md", "--config", "bad.toml"], "bad.toml", "bad.toml"),
    ],
)
def test_bad_input_is_a_clear_message_and_exit_2(
    project: Path, args: list[str], setup: str | None, message: str
) -> None:
    if setup == "broken.tsv":
        (project / setup).write_text("id\tnl\tfr\nx\t\tDaech\textra\n", encoding="utf-8")
    elif setup == "bad.toml":
        (project / setup).write_text("[check]\nfail-on = 'sometimes'\n", encoding="utf-8")
    elif setup == "other":
        (project / "other.nl.md").write_text(SOURCE_MD, encoding="utf-8")
        (project / "other.fr.md").write_text(GOOD["fr"], encoding="utf-8")
    elif setup is not None:
        (project / setup).write_text(GOOD["fr"], encoding="utf-8")
    code, out, err = run(*args)
    assert code == 2, out + err
    assert err.startswith("mt: error: ")
    assert message in err
    assert "Traceback" not in err


# What ``mt check`` needs beyond the standard library: mt's core dependencies (pyproject.toml).
CHECK_PACKAGES = {"click", "simplemma", "ahocorasick_rs"}
# ... and what it needs to read XLIFF (mt check job.xlf), which mt memory shares.
XLIFF_PACKAGES = {"lxml"}


def test_check_never_imports_torch_or_transformers(project: Path) -> None:
    # the German translation with a wrong term: the lemmatiser runs too ("Koalitionär", a member
    # of a coalition, not one; a compound that holds the term, "Koalitionsgruppe", would meet it)
    (project / "release.de.md").write_text(GOOD["de"].replace("Koalition", "Koalitionär"))
    program = (
        "import sys\n"
        "from mt.cli import cli\n"
        "try:\n"
        "    cli(['check', 'release.nl.md', 'release.fr.md', 'release.de.md'], prog_name='mt')\n"
        "except SystemExit as done:\n"
        "    assert done.code == 1, done.code\n"
        "heavy = [n for n in ('torch', 'transformers', 'ctranslate2') if n in sys.modules]\n"
        "assert not heavy, heavy\n"
        "tops = {name.partition('.')[0] for name in sys.modules if not name.startswith('_')}\n"
        "print(sorted(tops - set(sys.stdlib_module_names) - {'mt', '__main__'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], cwd=project, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "FAILED" in result.stdout
    third_party = set(ast.literal_eval(result.stdout.strip().splitlines()[-1]))
    assert third_party == CHECK_PACKAGES  # simplemma included: the lemmatiser ran


def test_the_core_install_is_what_check_imports() -> None:
    """``pip install .`` (the README's CI job, the pre-commit hook) installs the core: exactly the
    packages mt check imports (XLIFF files included); models and scoring are extras."""
    pyproject = tomllib.loads((EXAMPLES.parent / "pyproject.toml").read_text(encoding="utf-8"))
    core = {
        re.match(r"[\w-]+", dependency)[0].replace("-", "_")  # type: ignore[index]
        for dependency in pyproject["project"]["dependencies"]
    }
    assert core == CHECK_PACKAGES | XLIFF_PACKAGES
    readme = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    assert "\n      - run: pip install .\n" in readme


def test_pre_commit_hook_runs_mt_check() -> None:
    hooks = (Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text()
    assert "id: mt-check" in hooks
    assert "entry: mt check" in hooks
    assert "language: python" in hooks
