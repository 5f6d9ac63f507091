"""``mt translate`` end to end on tiny local models: structure kept, cache reused, bad input
refused."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mt.cli import cli

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture
def models(tiny_model_dir: Path, tiny_multilingual_dir: Path) -> list[str]:
    """--model options: fr bilingual, de and en through the multilingual model's target tokens."""
    return [
        "--max-new-tokens=24",  # random weights rarely choose </s>: keep decoding short
        f"--model=fr={tiny_model_dir}",
        f"--model=de={tiny_multilingual_dir}",
        f"--model=en={tiny_multilingual_dir}",
    ]


def run(args: list[str], input: str | None = None):
    return CliRunner().invoke(cli, args, input=input, catch_exceptions=False)


def shape(text: str) -> list[str]:
    """What must survive translation: which lines are blank, nbsp-only or list/heading markers."""
    kinds = []
    for line in text.split("\n"):
        if not line.strip(" "):
            kinds.append(repr(line))  # blank or nbsp-only lines stay exactly as they are
        elif line.lstrip().startswith(("#", "- ", "* ")):
            kinds.append(line.lstrip()[:2])
        else:
            kinds.append("text")
    return kinds


def test_example_release_into_three_languages_then_from_cache(tmp_path, models):
    out = tmp_path / "out"
    cache = tmp_path / "cache.sqlite3"
    args = ["translate", str(EXAMPLES / "release.nl.txt"), "--to", "fr,de,en", "--out", str(out)]
    args += [*models, "--backend", "torch", "--terms", "off", "--cache", str(cache), "--json"]
    first = run(args)
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)
    source = (EXAMPLES / "release.nl.txt").read_text(encoding="utf-8")
    written = sorted(path.name for path in out.iterdir() if path.name != ".mt-outputs.json")
    assert written == ["release.de.txt", "release.en.txt", "release.fr.txt"]
    for name in written:
        translated = (out / name).read_text(encoding="utf-8")
        assert shape(translated) == shape(source), name
        assert translated != source
    assert summary["cache_hits"] == 0
    assert summary["translated"] > 0
    assert summary["models"]["de"].startswith(str(models[2].split("=", 2)[2]) + ">>deu<<")
    assert summary["models"]["en"].startswith(str(models[3].split("=", 2)[2]) + ">>eng<<")

    before = {name: (out / name).read_text(encoding="utf-8") for name in written}
    second = run([a for a in args if a != "--json"])
    assert second.exit_code == 0, second.output
    assert "0 translated" in second.stderr
    assert f"{summary['segments']} from cache" in second.stderr
    assert {name: (out / name).read_text(encoding="utf-8") for name in written} == before


@pytest.mark.parametrize("name", ["release.nl.md", "release.nl.html"])
def test_markup_documents_keep_their_structure(tmp_path, models, name):
    result = run(
        ["translate", str(EXAMPLES / name), "--to", "fr", "--out", str(tmp_path)]
        + [*models, "--backend", "torch", "--terms", "off", "--no-cache", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    source = (EXAMPLES / name).read_text(encoding="utf-8")
    translated = (tmp_path / name.replace(".nl.", ".fr.")).read_text(encoding="utf-8")
    assert translated.count("\n") == source.count("\n")
    if name.endswith(".md"):
        assert shape(translated) == shape(source)
        urls = [word for word in source.split("(") if word.startswith("http")]
        for url in urls:
            assert url.split(")")[0] in translated  # link targets untouched
    else:
        for tag in ("<script", "</script>", "<style", "<ul>", "</ul>", "<h1", "<a href="):
            assert translated.count(tag) == source.count(tag), tag


def test_glossary_terms_are_enforced_and_reported(tmp_path, models):
    source = tmp_path / "kort.nl.txt"
    source.write_text("De Coalitie steunt Irak.\n\nDaesh is verslagen.\n", encoding="utf-8")
    result = run(
        ["translate", str(source), "--to", "fr", "--out", str(tmp_path / "out"), *models[:2]]
        + ["--backend", "torch", "--no-cache", "--json"]
    )
    assert result.exit_code == 0, result.output
    first, blank, second = (tmp_path / "out" / "kort.fr.txt").read_text("utf-8").splitlines()
    assert "Coalition" in first and "Irak" in first
    assert blank == ""
    assert "Daech" in second or "Daesh" in second  # approved, and the variant it allows
    terms = json.loads(result.stdout)["files"][0]["terms"]
    assert terms["matched"] == 3
    assert set(terms["applied"]) == {"coalition", "iraq", "daesh"}
    assert terms["unmet"] == []


def test_standard_input_to_standard_output(models):
    result = run(
        ["translate", "-", "--to", "fr", *models[:2], "--backend", "torch", "--no-cache", "-q"],
        input="Dit is een test.\n\nNog een zin.\n",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 3
    assert result.stdout.split("\n")[1] == ""


def test_empty_document_gives_empty_output_and_a_warning(tmp_path, models):
    empty = tmp_path / "leeg.nl.txt"
    empty.write_text("", encoding="utf-8")
    result = run(["translate", str(empty), "--to", "fr", *models[:2], "--no-cache"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "leeg.fr.txt").read_text(encoding="utf-8") == ""
    assert "empty" in result.stderr


def _broken_model(tmp_path: Path, tiny_model_dir: Path) -> Path:
    broken = tmp_path / "broken-model"
    broken.mkdir()
    for item in tiny_model_dir.iterdir():
        if item.name != "target.spm":
            (broken / item.name).write_bytes(item.read_bytes())
    return broken


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("missing file", "does-not-exist.nl.txt"),
        ("unknown language", "supported are en, fr, de"),
        ("not utf-8", "--encoding"),
        ("binary", "binary"),
        ("folder without documents", "no documents to translate"),
        ("broken model folder", "target.spm"),
        ("unwritable output", "cannot write"),
    ],
)
def test_bad_input_gets_one_line_and_exit_code_2(tmp_path, tiny_model_dir, case, expected):
    release = tmp_path / "release.nl.txt"
    release.write_text("De minister is in Irak.\n", encoding="utf-8")
    model = f"--model=fr={tiny_model_dir}"
    args = ["translate", str(release), "--to", "fr", model, "--no-cache"]
    if case == "missing file":
        args[1] = str(tmp_path / "does-not-exist.nl.txt")
    elif case == "unknown language":
        args[3] = "fr,xx"
    elif case == "not utf-8":
        release.write_bytes("Café in België\n".encode("latin-1"))
    elif case == "binary":
        release.write_bytes(b"\x00\x01\x02PK\x03\x04")
    elif case == "folder without documents":
        folder = tmp_path / "empty-folder"
        folder.mkdir()
        (folder / "notes.bin").write_bytes(b"x")
        args[1] = str(folder)
    elif case == "broken model folder":
        args[4] = f"--model=fr={_broken_model(tmp_path, tiny_model_dir)}"
    elif case == "unwritable output":
        plain_file = tmp_path / "notes.txt"
        plain_file.write_text("", encoding="utf-8")
        args += ["--out", str(plain_file / "sub")]
    result = run(args)
    assert result.exit_code == 2, result.output
    assert expected in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "release.fr.txt").exists()


def test_output_that_is_a_file_is_refused_before_any_model_loads(tmp_path):
    release = tmp_path / "release.nl.txt"
    release.write_text("Tekst.\n", encoding="utf-8")
    blocker = tmp_path / "out"
    blocker.write_text("", encoding="utf-8")
    # The model does not exist: the output problem must be found first, and fast.
    result = run(["translate", str(release), "--to", "fr", "--out", str(blocker)])
    assert result.exit_code == 2
    assert "--out" in result.stderr


def test_main_job_without_models_stops_at_once_naming_the_model(tmp_path):
    release = tmp_path / "release.nl.txt"
    release.write_text("Tekst.\n", encoding="utf-8")
    result = run(["translate", str(release), "--to", "fr", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "Helsinki-NLP/opus-mt-nl-fr" in result.stderr
    assert "--model fr=PATH" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"], ["score", "--help"]])
def test_light_commands_do_not_import_torch(args):
    code = (
        "import sys; from mt.cli import cli\n"
        f"try: cli({args!r}, prog_name='mt')\n"
        "except SystemExit: pass\n"
        "heavy = [m for m in ('torch', 'transformers', 'ctranslate2') if m in sys.modules]\n"
        "assert not heavy, heavy"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_every_command_has_help_text():
    from mt.cli import MtGroup

    group = cli
    assert isinstance(group, MtGroup)
    names = group.list_commands(None)  # type: ignore[arg-type]
    assert {"translate", "check", "score", "bench", "glossary", "models"} <= set(names)
    for name in names:
        command = group.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None and command.help, name


def test_python_dash_m_runs_the_cli():
    done = subprocess.run([sys.executable, "-m", "mt", "--help"], capture_output=True, text=True)
    assert done.returncode == 0
    assert "translate" in done.stdout


@pytest.mark.parametrize("backend", ["torch", "ctranslate2"])
def test_pivot_route_translates_through_english(tmp_path, models, backend):
    source = tmp_path / "kort.nl.txt"
    source.write_text("De minister is in Irak.\n", encoding="utf-8")
    result = run(
        ["translate", str(source), "--to", "de", "--pivot", "de=en", "--out", str(tmp_path)]
        + [*models, "--backend", backend, "--terms", "off", "--no-cache", "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    first, second = summary["models"]["de"].split(" -> ")
    assert ">>eng<<" in first and ">>deu<<" in second
    assert summary["backend"]["de"].endswith("+pivot")
    assert (tmp_path / "kort.de.txt").read_text(encoding="utf-8").strip()


@pytest.mark.parametrize("backend", ["torch", "ctranslate2"])
def test_a_pivot_route_carries_markup_through_both_legs(tmp_path, models, backend):
    """The first leg is asked for the markup too (not for glossary terms, which are German):
    the English in the middle holds the placeholders, so the German places them by what it read."""
    from mt.engines.backends.base import PivotBackend

    asked: list = []
    real = PivotBackend.translate

    def spy(self, sources, terms, settings):
        first = self.first.translate

        def first_leg(sources, terms, settings):
            asked.extend(terms)
            return first(sources, terms, settings)

        self.first.translate = first_leg
        try:
            return real(self, sources, terms, settings)
        finally:
            del self.first.translate

    source = tmp_path / "kort.nl.md"
    source.write_text("De **minister** is in [Irak](https://x.be/irak).\n", encoding="utf-8")
    PivotBackend.translate = spy  # type: ignore[method-assign]
    try:
        result = run(
            ["translate", str(source), "--to", "de", "--pivot", "de=en", "--out", str(tmp_path)]
            + [*models, "--backend", backend, "--no-cache", "--json"]
        )
    finally:
        PivotBackend.translate = real  # type: ignore[method-assign]
    assert result.exit_code == 0, result.output
    assert asked and all(term.copy for segment in asked for term in segment.required)
    assert sum(term.placeholder for segment in asked for term in segment.required) == 4
    output = (tmp_path / "kort.de.md").read_text(encoding="utf-8")
    assert "**" in output and "](https://x.be/irak)" in output, output
    assert json.loads(result.stdout)["files"][0]["markup"]["not_carried"] == []
