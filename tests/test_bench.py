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


# --- what a failed run leaves, and what messages name -------------------------------------------


def test_a_failed_run_names_the_systems_model_and_leaves_no_folder(tmp_path: Path) -> None:
    """mt bench has no --model; a run that fails before its first row makes no bench-results/."""
    out = tmp_path / "bench-results"
    system = f"name=gone,model=fr={tmp_path / 'no-such-model'},backend=torch"
    args = ["bench", "--system", system, "--lang", "fr", "--limit", "1", "--in-process"]
    result = CliRunner().invoke(cli, [*args, "--out", str(out), "--no-cache"])
    assert result.exit_code == 2, result.output
    message = " ".join(result.stderr.split())
    assert "no-such-model" in message and "model=fr=PATH in the system" in message
    assert "--model" not in message
    assert not out.exists()


def test_a_conversion_that_fails_apart_names_the_system(tmp_path: Path) -> None:
    from mt.core.errors import MtError
    from mt.evaluation.bench import prepare_isolated

    system = parse_system(f"name=gone,model=fr={tmp_path / 'none'},backend=ctranslate2")
    with pytest.raises(MtError, match="system 'gone' \\(fr\\): .*none.*model=fr=PATH in the sys"):
        prepare_isolated(system, "fr")


# --- result files -------------------------------------------------------------------------------


def _row(system: str = "opus", limit: int | None = 100, cache_hits: int = 0, **settings) -> dict:
    spec = SystemSpec(system, **settings)
    return {
        "key": row_key(spec, "flores200-dev", "fr", limit),
        "system": system,
        "testset": "flores200-dev",
        "lang": "fr",
        "limit": limit,
        "segments": limit or 997,
        "settings": spec.settings(),
        "model_id": "m@1",
        "scores": {
            name: {"score": 30.0, "signature": f"{name}-sig"} for name in ("bleu", "chrf", "ter")
        },
        "terminology": None,
        "seconds": 2.0,
        "load_seconds": 0.5,
        "convert_seconds": None,
        "segments_per_s": 50.0,
        "target_tokens": 1000,
        "tokens_per_s": 500.0,
        "peak_rss_mb": 300.0,
        "cache_hits": cache_hits,
    }


@pytest.mark.parametrize(
    ("rows", "labels"),
    [
        ([_row(), _row("other")], ["opus", "other"]),  # alone in their group: the name
        ([_row(beam=4), _row(beam=6)], ["opus (beam 4)", "opus (beam 6)"]),
        ([_row(limit=100), _row(limit=None)], ["opus (limit 100)", "opus (limit all)"]),
        (
            [_row(limit=10, backend="torch"), _row(limit=20, backend="ctranslate2")],
            ["opus (limit 10, backend torch)", "opus (limit 20, backend ctranslate2)"],
        ),
        (
            [_row(models={"fr": "/a"}), _row(models={"fr": "/b"})],
            ["opus (models fr=/a)", "opus (models fr=/b)"],
        ),
    ],
)
def test_rows_that_differ_in_settings_or_limit_are_labelled_apart(
    tmp_path: Path, rows: list[dict], labels: list[str]
) -> None:
    from mt.evaluation.bench import chart_points, environment, markdown_table, row_labels

    assert row_labels(rows) == labels
    table = markdown_table(rows, environment())
    for label in labels:
        assert f"| {label} | flores200-dev | fr |" in table
    assert [label for label, _, _ in chart_points(rows)[0]] == [
        f"{label} (flores200-dev, fr)" for label in labels
    ]


def test_a_row_served_from_the_cache_is_not_plotted_as_a_speed(tmp_path: Path) -> None:
    from mt.evaluation.bench import chart_points, plot_quality_vs_speed

    rows = [_row(beam=4), _row(beam=6, cache_hits=40)]
    points, left_out = chart_points(rows)
    assert [label for label, _, _ in points] == ["opus (beam 4) (flores200-dev, fr)"]
    assert left_out == ["opus (beam 6) (flores200-dev, fr)"]
    chart = tmp_path / "quality_vs_speed.png"
    plot_quality_vs_speed(rows, chart)
    assert chart.read_bytes()[:4] == b"\x89PNG"
    assert [path.name for path in tmp_path.iterdir()] == [chart.name]


def test_results_are_written_through_temporary_files_of_their_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from mt.evaluation import bench

    out = tmp_path / "results"
    out.mkdir()
    # another run's (or a crashed run's) temporary file under the old fixed name is left alone
    (out / ".results.json.tmp").mkdir()
    bench.write_results(out, [_row()], chart=False)
    assert json.loads((out / "results.json").read_text())["rows"][0]["system"] == "opus"
    before = sorted(path.name for path in out.iterdir())

    def interrupted(source: str, target: str) -> None:
        raise KeyboardInterrupt  # Ctrl-C between writing and renaming

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        bench.write_results(out, [_row(), _row("other")], chart=True)
    assert sorted(path.name for path in out.iterdir()) == before  # no temporary file left


def test_the_mt_version_is_the_installed_distributions() -> None:
    from importlib import metadata

    from mt.evaluation.bench import environment

    assert environment()["versions"]["mt"] == metadata.version("mt-press")


def test_the_first_ctranslate2_row_reports_its_conversion_apart(
    tmp_path: Path, tiny_model_dir: Path
) -> None:
    """The model is converted once, before the first row and outside its load time."""
    out = tmp_path / "results"
    system = f"name=fast,model=fr={tiny_model_dir},backend=ctranslate2,beam=1,terms=off"
    args = ["bench", "--system", system, "--lang", "fr", "--limit", "2", "--in-process"]
    args += ["--testset", "flores200-dev", "--testset", "flores200-devtest", "--no-cache"]
    result = CliRunner().invoke(cli, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "flores200-dev (nl->fr): converted the model to CTranslate2 in" in result.stderr
    first, second = json.loads((out / "results.json").read_text())["rows"]
    assert first["convert_seconds"] > 0 and second["convert_seconds"] is None
    table = (out / "results.md").read_text()
    assert "convert s: the one-time conversion of the model to CTranslate2" in table
    tsv = [line.split("\t") for line in (out / "results.tsv").read_text().splitlines()]
    converted = dict(zip(tsv[0], tsv[1], strict=True))["convert_seconds"]
    assert float(converted) == pytest.approx(first["convert_seconds"])
