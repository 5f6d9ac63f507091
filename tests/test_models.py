"""Model registry, overrides, offline-first lookup and loading, through the tiny local models."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mt.cli import cli
from mt.core.config import Config
from mt.core.errors import ConfigError, InputError, ModelLoadError, ModelNotFoundError
from mt.engines import models
from mt.engines.models import (
    DEFAULT_MODELS,
    ModelSpec,
    folder_revision,
    load_model,
    locate_model,
    parse_model_overrides,
    parse_pivots,
    resolve_models,
    split_target_token,
)


@pytest.fixture(autouse=True)
def _fresh_model_cache() -> None:
    models.clear_loaded_models()


def test_registry_defaults() -> None:
    assert DEFAULT_MODELS["en"].model == "Helsinki-NLP/opus-mt-nl-en"
    assert DEFAULT_MODELS["fr"].model == "Helsinki-NLP/opus-mt-nl-fr"
    assert DEFAULT_MODELS["de"].model == "Helsinki-NLP/opus-mt-tc-big-gmw-gmw"
    assert DEFAULT_MODELS["de"].target_token == ">>deu<<"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], {}),
        (["de=/models/gmw"], {"de": "/models/gmw"}),
        (["FR = org/model "], {"fr": "org/model"}),
        (["de=org/gmw>>deu<<", "en=x/y"], {"de": "org/gmw>>deu<<", "en": "x/y"}),
    ],
)
def test_parse_model_overrides(values: list[str], expected: dict[str, str]) -> None:
    assert parse_model_overrides(values) == expected


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["de"], "expected LANG=PATH_OR_ID"),
        (["=x"], "expected LANG=PATH_OR_ID"),
        (["de="], "expected LANG=PATH_OR_ID"),
        (["xx=a/b"], "unknown target language 'xx': supported are en, fr, de"),
        (["de=a/b", "de=c/d"], "--model given twice for 'de'"),
    ],
)
def test_parse_model_overrides_errors(values: list[str], message: str) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        parse_model_overrides(values)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("org/model", ("org/model", None)),
        ("org/model>>deu<<", ("org/model", ">>deu<<")),
        ("/p/gmw>>nld<<", ("/p/gmw", ">>nld<<")),
        ("org/model>>deu", ("org/model>>deu", None)),
    ],
)
def test_split_target_token(value: str, expected: tuple[str, str | None]) -> None:
    assert split_target_token(value) == expected


def test_resolve_precedence_cli_over_config_over_default(tmp_path: Path) -> None:
    config = Config(
        {"models": {"fr": "/cfg/fr", "de": {"model": "cfg/de", "target-token": ">>nld<<"}}},
        tmp_path / ".mt.toml",
    )
    specs = resolve_models(["fr", "de", "en"], {"fr": "/cli/fr"}, config)
    assert specs["fr"] == ModelSpec("fr", "/cli/fr")
    assert specs["de"] == ModelSpec("de", "cfg/de", ">>nld<<")
    assert specs["en"] == DEFAULT_MODELS["en"]
    assert list(specs) == ["fr", "de", "en"]


def test_resolve_pivot_from_option_and_config(tmp_path: Path) -> None:
    specs = resolve_models(["de"], {}, None, parse_pivots(["de=en"]))
    assert specs["de"].via == DEFAULT_MODELS["en"]
    assert specs["de"].describe() == (
        "Helsinki-NLP/opus-mt-nl-en -> Helsinki-NLP/opus-mt-tc-big-gmw-gmw>>deu<<"
    )
    config = Config({"models": {"de": {"model": "x/de", "via": "fr"}}}, tmp_path / ".mt.toml")
    assert resolve_models(["de"], {}, config)["de"].via == DEFAULT_MODELS["fr"]


@pytest.mark.parametrize(
    ("targets", "table", "pivots", "error", "message"),
    [
        (["es"], {}, {}, InputError, "unknown target language 'es': supported are en, fr, de"),
        (["de"], {"xx": "a/b"}, {}, ConfigError, "unknown languages xx"),
        (["de"], {"de": 3}, {}, ConfigError, "must be a model id or folder"),
        (["de"], {"de": {"model": "a/b", "beam": 4}}, {}, ConfigError, "unknown keys"),
        (["de"], {"de": {"model": "a/b", "target-token": "deu"}}, {}, ConfigError, "target-token"),
        (["en"], {}, {"en": "en"}, InputError, "cannot translate 'en' via 'en'"),
    ],
)
def test_resolve_errors(
    tmp_path: Path, targets: list[str], table: dict, pivots: dict, error: type, message: str
) -> None:
    config = Config({"models": table}, tmp_path / ".mt.toml")
    with pytest.raises(error, match=message):
        resolve_models(targets, {}, config, pivots)


def test_load_bilingual_folder(tiny_model_dir: Path) -> None:
    loaded = load_model(ModelSpec("fr", str(tiny_model_dir)))
    assert loaded.target_token is None
    assert loaded.prepare("Hallo.") == "Hallo."
    assert loaded.revision == folder_revision(tiny_model_dir)
    assert loaded.model_id == f"{tiny_model_dir}@{loaded.revision}"
    assert loaded.model.config.model_type == "marian"
    assert loaded.count_tokens("de minister") >= 2


@pytest.mark.parametrize(
    ("lang", "given", "expected"),
    [
        ("de", None, ">>deu<<"),
        ("fr", None, ">>fra<<"),
        ("en", None, ">>eng<<"),
        ("de", ">>nld<<", ">>nld<<"),
    ],
)
def test_load_multilingual_chooses_target_token(
    tiny_multilingual_dir: Path, lang: str, given: str | None, expected: str
) -> None:
    loaded = load_model(ModelSpec(lang, str(tiny_multilingual_dir), given))
    assert loaded.target_token == expected
    assert loaded.prepare("De minister.") == f"{expected} De minister."
    assert (
        loaded.tokenizer.convert_ids_to_tokens(
            loaded.tokenizer(loaded.prepare("De minister."))["input_ids"]
        )[0]
        == expected
    )


@pytest.mark.parametrize("fixture", ["tiny_multilingual_dir", "tiny_model_dir"])
def test_unknown_target_token_fails(fixture: str, request: pytest.FixtureRequest) -> None:
    folder = request.getfixturevalue(fixture)
    with pytest.raises(ModelLoadError, match=r"does not know the target token >>spa<<"):
        load_model(ModelSpec("de", str(folder), ">>spa<<"))


def test_each_model_loads_once(tiny_model_dir: Path) -> None:
    first = load_model(ModelSpec("fr", str(tiny_model_dir)))
    second = load_model(ModelSpec("en", str(tiny_model_dir)))
    assert first.model is second.model
    assert first.tokenizer is second.tokenizer


def test_weights_load_lazily_when_asked(tiny_model_dir: Path) -> None:
    loaded = load_model(ModelSpec("fr", str(tiny_model_dir)), weights=False)
    assert loaded.weights._model is None
    assert loaded.model is loaded.model
    assert loaded.weights._model is not None


def test_hub_id_not_cached_offline_fails_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelNotFoundError) as caught:
        load_model(DEFAULT_MODELS["de"])
    message = str(caught.value)
    assert "Helsinki-NLP/opus-mt-tc-big-gmw-gmw" in message
    assert str(models.hf_hub_cache()) in message  # where it looked
    assert "hf download Helsinki-NLP/opus-mt-tc-big-gmw-gmw" in message  # how to provide it
    assert "--model de=PATH" in message


def test_hub_unreachable_fails_without_download(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    probes: list[bool] = []
    monkeypatch.setattr(models, "_hub_reachable", lambda: probes.append(True) or False)
    with pytest.raises(ModelNotFoundError, match="the Hugging Face hub cannot be reached"):
        load_model(DEFAULT_MODELS["fr"])
    assert probes == [True]


def test_hub_id_loads_from_hf_cache(tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = models.hf_hub_cache() / "models--Helsinki-NLP--opus-mt-nl-fr"
    shutil.copytree(tiny_model_dir, repo / "snapshots" / commit)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(commit)
    assert locate_model(DEFAULT_MODELS["fr"]).kind == "hf-cache"
    loaded = load_model(DEFAULT_MODELS["fr"])
    assert loaded.revision == commit
    assert loaded.model_id == f"Helsinki-NLP/opus-mt-nl-fr@{commit}"


def test_missing_folder_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="model folder .*nope for nl->fr does not exist"):
        load_model(ModelSpec("fr", str(tmp_path / "nope")))


def _drop(folder: Path, name: str) -> None:
    (folder / name).unlink()


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda f: _drop(f, "vocab.json"), "missing vocab.json"),
        (lambda f: _drop(f, "source.spm"), "missing source.spm"),
        (lambda f: _drop(f, "model.safetensors"), "no weights"),
        (lambda f: (f / "config.json").write_text("{not json"), "config.json: cannot read"),
        (
            lambda f: (f / "config.json").write_text('{"model_type": "bert"}'),
            "MarianMT models only",
        ),
        (lambda f: (f / "source.spm").write_bytes(b"garbage"), "cannot load the tokenizer"),
        (
            lambda f: (f / "model.safetensors").write_bytes(b"garbage"),
            "cannot load the model weights",
        ),
    ],
)
def test_broken_folder(tiny_model_dir: Path, tmp_path: Path, breakage, message: str) -> None:
    folder = shutil.copytree(tiny_model_dir, tmp_path / "broken")
    breakage(folder)
    with pytest.raises(ModelLoadError, match=message) as caught:
        load_model(ModelSpec("fr", str(folder)))
    assert str(folder) in str(caught.value)


def test_folder_revision_changes_with_files(tiny_model_dir: Path, tmp_path: Path) -> None:
    folder = shutil.copytree(tiny_model_dir, tmp_path / "m")
    before = folder_revision(folder)
    assert folder_revision(folder) == before
    with (folder / "config.json").open("a") as handle:
        handle.write("\n")
    assert folder_revision(folder) != before


def test_models_list_json(tiny_multilingual_dir: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["models", "list", "--json", "--model", f"de={tiny_multilingual_dir}", "--pivot", "fr=en"],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["models"]
    by_direction = {(row["lang"], row["direction"]): row for row in rows}
    assert by_direction[("de", "nl->de")]["available"] is True
    assert by_direction[("de", "nl->de")]["location"] == "folder"
    assert by_direction[("en", "nl->en")]["available"] is False
    assert set(by_direction) == {
        ("en", "nl->en"),
        ("fr", "nl->en"),
        ("fr", "en->fr"),
        ("de", "nl->de"),
    }


def test_models_list_bad_override_is_one_line_error() -> None:
    result = CliRunner().invoke(cli, ["models", "list", "--model", "es=x/y"])
    assert result.exit_code == 2
    assert "mt: error: unknown target language 'es'" in result.stderr
    assert "Traceback" not in result.output


def test_models_list_imports_no_torch() -> None:
    code = (
        "import sys; from mt.cli import cli\n"
        "try: cli(['models', 'list'], standalone_mode=False)\n"
        "finally: print('HEAVY' if {'torch', 'transformers'} & set(sys.modules) else 'LIGHT')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().endswith("LIGHT"), result.stdout


@pytest.mark.parametrize(
    ("override", "row"),
    [
        # a multilingual folder gets the language's token, as translating chooses it at load
        ("de=<multi>", (">>deu<<", True, ">>deu<<")),
        ("fr=<multi>", (">>fra<<", True, ">>fra<<")),
        ("de=<multi>>>nld<<", (">>nld<<", True, ">>nld<<")),
        ("de=<multi>>>xyz<<", (">>xyz<<", False, ">>xyz<< (not in the model)")),
        ("de=<bilingual>", (None, True, "-")),
        ("de=<bilingual>>>deu<<", (">>deu<<", False, ">>deu<< (not in the model)")),
        ("de=<nowhere>", (None, None, "?")),
    ],
)
def test_models_list_shows_the_token_translating_will_use(
    tiny_multilingual_dir: Path,
    tiny_model_dir: Path,
    tmp_path: Path,
    override: str,
    row: tuple[str | None, bool | None, str],
) -> None:
    places = {
        "<multi>": str(tiny_multilingual_dir),
        "<bilingual>": str(tiny_model_dir),
        "<nowhere>": str(tmp_path / "nowhere"),
    }
    for placeholder, path in places.items():
        override = override.replace(placeholder, path)
    lang = override[:2]
    listed = CliRunner().invoke(cli, ["models", "list", "--json", "--model", override])
    assert listed.exit_code == 0, listed.output
    (found,) = [r for r in json.loads(listed.stdout)["models"] if r["lang"] == lang]
    assert (found["target_token"], found["target_token_listed"]) == row[:2]
    table = CliRunner().invoke(cli, ["models", "list", "--model", override])
    (line,) = [line for line in table.stdout.splitlines() if line.startswith(f"nl->{lang} ")]
    assert f"  {row[2]}  " in line + "  "  # the token column
    if row[1] is True and row[0] is not None:  # what loading chooses, without --model's hint
        spec = resolve_models([lang], parse_model_overrides([override]))[lang]
        assert load_model(spec, weights=False).target_token == row[0]


@pytest.mark.parametrize(
    ("overrides", "named", "not_named"),
    [
        # everything missing: every model in one message, not the first alone
        (
            [],
            ["opus-mt-nl-fr", "opus-mt-tc-big-gmw-gmw", "opus-mt-nl-en", "3 models"],
            [],
        ),
        # what is here is not named; a missing folder is named as a folder
        (["de=<tiny>", "en=<nowhere>"], ["opus-mt-nl-fr", "folder <nowhere>", "2 models"], ["de"]),
    ],
)
def test_translate_names_every_missing_model_at_once(
    tmp_path: Path,
    tiny_multilingual_dir: Path,
    overrides: list[str],
    named: list[str],
    not_named: list[str],
) -> None:
    places = {"<tiny>": str(tiny_multilingual_dir), "<nowhere>": str(tmp_path / "nowhere")}
    release = tmp_path / "release.nl.txt"
    release.write_text("De minister is in Irak.\n", encoding="utf-8")
    args = ["translate", str(release), "--to", "fr,de,en", "--out", str(tmp_path / "out")]
    for override in overrides:
        for placeholder, path in places.items():
            override = override.replace(placeholder, path)
        args += ["--model", override]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    message = result.stderr
    for fragment in named:
        for placeholder, path in places.items():
            fragment = fragment.replace(placeholder, path)
        assert fragment in message, (fragment, message)
    for lang in not_named:
        assert f"nl->{lang}:" not in message
    assert "HF_HUB_OFFLINE forbids downloading" in message
    assert "--model LANG=PATH" in message
    assert not (tmp_path / "out").exists()


def test_missing_models_the_hub_can_provide_are_left_to_download(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setattr(models, "_hub_reachable", lambda: True)
    models.check_available(list(DEFAULT_MODELS.values()))  # no error: each will be fetched
    monkeypatch.setattr(models, "_hub_reachable", lambda: False)
    with pytest.raises(ModelNotFoundError, match="3 models are not available"):
        models.check_available(list(DEFAULT_MODELS.values()))
