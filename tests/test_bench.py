"""``mt bench``: system specs, and an end-to-end run on a tiny model that resumes after failing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mt.cli import cli
from mt.core.errors import InputError
from mt.evaluation.bench import SystemSpec, load_systems_file, parse_system, row_key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name=a", SystemSpec("a")),
        (
            "name=b,model=fr=/m/nl-fr,model=de=X>>deu<<,backend=ctranslate2,beam=4,terms=enforce",
            SystemSpec("b", {"fr": "/m/nl-fr", "de": "X>>deu<<"}, "ctranslate2", 4, "enforce"),
        ),
        (
            "name=c,glossary=g1.tsv,glossary=g2,batch=8",
            SystemSpec("c", glossary=("g1.tsv", "g2"), batch_size=8),
        ),
    ],
)
def test_parse_system(text: str, expected: SystemSpec) -> None:
    assert parse_system(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("model=fr=x", "needs a name"),
        ("name=a,speed=fast", "'speed=fast' is not KEY=VALUE"),
        ("name=a,model=x", "model takes LANG=ID_OR_FOLDER"),
        ("name=a,beam=four", "beam must be a whole number"),
        ("name=a,beam=0", "beam must be at least 1"),
        ("name=a,terms=maybe", "terms must be one of enforce, check, off"),
        ("name=a,backend=onnx", "backend must be one of"),
    ],
)
def test_bad_system_specs(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_system(text)


def test_systems_file(tmp_path: Path) -> None:
    path = tmp_path / "bench.toml"
    path.write_text(
        '[[system]]\nname = "x"\nbeam = 2\nglossary = "g.tsv"\nmodels = { fr = "/m" }\n'
        '[[system]]\nname = "y"\nterms = "check"\n',
        encoding="utf-8",
    )
    assert load_systems_file(path) == [
        SystemSpec("x", {"fr": "/m"}, beam=2, glossary=("g.tsv",)),
        SystemSpec("y", terms="check"),
    ]


def test_row_key_changes_with_settings_only() -> None:
    base = parse_system("name=a,model=fr=/m,beam=2")
    assert row_key(base, "flores200-dev", "fr", 8) == row_key(
        parse_system("name=a,beam=2,model=fr=/m"), "flores200-dev", "fr", 8
    )
    others = [
        row_key(parse_system("name=a,model=fr=/m,beam=4"), "flores200-dev", "fr", 8),
        row_key(base, "flores200-devtest", "fr", 8),
        row_key(base, "flores200-dev", "fr", 9),
    ]
    assert row_key(base, "flores200-dev", "fr", 8) not in others


def _bench(out: Path, cache: Path, *systems: str):
    # In-process keeps the test fast (torch is loaded once); test_isolated_* covers the child.
    args = ["bench", "--testset", "flores200-devtest", "--lang", "fr", "--limit", "2"]
    args += ["--in-process"]
    args += ["--out", str(out), "--cache", str(cache), "--glossary", str(out.parent / "g.tsv")]
    for system in systems:
        args += ["--system", system]
    return CliRunner().invoke(cli, args)


def test_bench_end_to_end_and_resume(tmp_path: Path, tiny_model_dir: Path) -> None:
    (tmp_path / "g.tsv").write_text("id\tnl\tfr\ndiabetes\tdiabetes\tdiabète\n", encoding="utf-8")
    out, cache = tmp_path / "results", tmp_path / "cache.sqlite3"
    good = f"name=tiny,model=fr={tiny_model_dir},backend=torch,beam=1,terms=off"
    broken = f"name=tiny-b,model=fr={tmp_path / 'no-such-model'},backend=torch,beam=1,terms=off"

    first = _bench(out, cache, good, broken)  # the second system fails: an interrupted run
    assert first.exit_code == 2, first.output
    assert "no-such-model" in first.output and "Traceback" not in first.output
    rows = json.loads((out / "results.json").read_text())["rows"]
    assert [row["system"] for row in rows] == ["tiny"]

    fixed = broken.replace(str(tmp_path / "no-such-model"), str(tiny_model_dir))
    second = _bench(out, cache, good, fixed)
    assert second.exit_code == 0, second.output
    assert "tiny on flores200-devtest (nl->fr): already in results.json, skipped" in second.output
    data = json.loads((out / "results.json").read_text())
    assert [row["system"] for row in data["rows"]] == ["tiny", "tiny-b"]
    assert data["rows"][0] == rows[0]  # not recomputed: same timings, same timestamp

    row = data["rows"][1]
    assert row["segments"] == 2 and row["model_id"].startswith(str(tiny_model_dir))
    assert row["scores"]["bleu"]["signature"].startswith("nrefs:1|case:mixed")
    assert set(row["scores"]) == {"bleu", "chrf", "ter"}
    assert row["terminology"]["occurrences"] >= 1  # "diabetes" is in the first devtest lines
    assert row["segments_per_s"] > 0 and row["tokens_per_s"] > 0 and row["peak_rss_mb"] > 50
    assert data["environment"]["hardware"]["cores"] >= 1
    assert data["environment"]["versions"]["sacrebleu"]

    tsv = (out / "results.tsv").read_text().splitlines()
    assert len(tsv) == 3 and tsv[0].startswith("system\ttestset\tlang")
    assert "| tiny-b | flores200-devtest | fr |" in (out / "results.md").read_text()
    assert (out / "quality_vs_speed.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_isolated_system_reports_its_error(tmp_path: Path) -> None:
    from mt.core.errors import MtError
    from mt.evaluation.bench import run_isolated

    system = parse_system(f"name=gone,model=fr={tmp_path / 'no-such-model'}")
    with pytest.raises(MtError, match="system 'gone' \\(fr\\): .*no-such-model"):
        run_isolated(system, "fr", ["Hallo."], None)


def test_bench_unknown_testset_fails_before_translating(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["bench", "--system", "name=a", "--testset", "wmt99", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "unknown test set 'wmt99'" in result.output and "flores200-devtest" in result.output


def test_command_has_help() -> None:
    result = CliRunner().invoke(cli, ["bench", "--help"])
    assert result.exit_code == 0 and "--system" in result.output
