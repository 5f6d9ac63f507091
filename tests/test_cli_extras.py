"""Models and scoring are extras: a command whose extra is missing says which, before any work."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from mt.cli import EXTRA_INCLUDES, EXTRA_OF_MODULE, MtGroup, cli
from mt.core.install import DISTRIBUTION

ROOT = Path(__file__).resolve().parent.parent
TRANSLATE = ["translate", "release.nl.txt", "--to", "fr", "--out", "out"]


def test_the_modules_extras_are_pyprojects() -> None:
    """Every package an extra names is known by the module it installs, under that extra."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]
    for extra in ("translate", "score", "bench", "ray", "serve"):
        packages = {
            re.match(r"[\w-]+", requirement)[0]  # type: ignore[index]
            for requirement in extras[extra]
            if not requirement.startswith(f"{DISTRIBUTION}[")
        }
        mapped = {module for module, named in EXTRA_OF_MODULE.items() if named == extra}
        comes_with = {"huggingface_hub"} if extra == "translate" else set()  # (transformers')
        assert mapped == packages | comes_with, extra
    assert set(extras["bench"]) >= {f"{DISTRIBUTION}[translate,score]"}
    (everything,) = extras["all"]  # every extra but the test tools
    named = everything.removeprefix(f"{DISTRIBUTION}[").removesuffix("]").split(",")
    assert sorted(named) == sorted(set(extras) - {"all", "test"})
    for extra, included in EXTRA_INCLUDES.items():
        assert f"{DISTRIBUTION}[{','.join(included)}]" in extras[extra], extra


@pytest.mark.parametrize(
    ("missing", "args", "extra"),
    [
        ("torch", [*TRANSLATE], "translate"),
        ("transformers", [*TRANSLATE], "translate"),
        ("sacrebleu", ["score", "release.nl.txt", "-r", "release.nl.txt"], "score"),
        # mt bench needs the bench extra, whichever of its packages is missing
        ("sacrebleu", ["bench", "--system", "name=x", "--out", "out"], "bench"),
        ("sentencepiece", ["bench", "--system", "name=x", "--out", "out"], "bench"),
        ("matplotlib", ["bench", "--system", "name=x", "--out", "out"], "bench"),
        # mt serve needs the serve extra, whichever of its packages is missing (torch too)
        ("starlette", ["serve", "--port", "0"], "serve"),
        ("uvicorn", ["serve", "--port", "0"], "serve"),
        ("torch", ["serve", "--port", "0"], "serve"),
    ],
)
def test_a_missing_extra_stops_the_command_before_any_work(
    missing: str,
    args: list[str],
    extra: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "release.nl.txt").write_text("De Verenigde Naties.\n", encoding="utf-8")
    monkeypatch.setitem(sys.modules, missing, None)  # as if it were not installed
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert f"mt {args[0]} needs {missing}, which is not installed" in result.stderr
    assert f"pip install 'mt-press[{extra}]'" in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_extras_module_missing_mid_command_gets_the_same_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What a command did not check up front (matplotlib, for mt bench's chart)."""

    @click.command()
    def chart() -> None:
        raise ModuleNotFoundError("No module named 'matplotlib.pyplot'", name="matplotlib.pyplot")

    monkeypatch.setattr(MtGroup, "get_command", lambda self, ctx, name: chart)
    result = CliRunner().invoke(cli, ["bench"])
    assert result.exit_code == 2
    assert "mt bench needs matplotlib, which is not installed: pip install 'mt-press[bench]'" in (
        result.stderr
    )


def test_a_module_of_no_extra_is_a_bug_and_keeps_its_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    @click.command()
    def broken() -> None:
        raise ModuleNotFoundError("No module named 'mt.nothing'", name="mt.nothing")

    monkeypatch.setattr(MtGroup, "get_command", lambda self, ctx, name: broken)
    result = CliRunner().invoke(cli, ["check"])
    assert isinstance(result.exception, ModuleNotFoundError)


# Where a person reads how to install mt: none may name the distribution "mt", which on the package
# index is an unrelated project (0.0.1, 2016), whose code a hint naming it would install.
_INSTALL_TEXTS = ("README.md", "Makefile", "pyproject.toml", ".pre-commit-hooks.yaml", "mt")
_STRANGER = re.compile(r"(?<![\w./-])mt\[|pip install\s+(?:-e\s+)?['\"]?mt(?![\w-])")


def test_the_distribution_has_a_name_of_its_own() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == DISTRIBUTION == "mt-press"
    assert project["scripts"] == {"mt": "mt.cli:main"}  # the command stays mt
    offenders = []
    for name in _INSTALL_TEXTS:
        paths = sorted((ROOT / name).rglob("*.py")) if (ROOT / name).is_dir() else [ROOT / name]
        for path in paths:
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if _STRANGER.search(line) and "_STRANGER = " not in line:
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_version_comes_from_the_installed_distribution() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0, result.output
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert result.output == f"mt, version {version['version']}\n"
