"""The architecture is checked, not hoped for: the import contracts in pyproject.toml hold for the
tree, a wrong import breaks them, and the light half runs from a wheel installed without extras."""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CORE = ("click", "simplemma", "ahocorasick-rs")  # pyproject's dependencies, by distribution


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}  # ahead of the editable install's finder
    return subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_tree_keeps_every_contract() -> None:
    done = _lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "wrong_import", "broken"),
    [
        # the light half reaching torch, even lazily inside a function
        ("qa/findings.py", "def _wrong():\n    import torch\n", "the light half"),
        # the light half reaching an engine module
        ("terminology/glossary.py", "def _wrong():\n    import mt.engines.models\n", "light half"),
        # a lower layer importing a higher one
        ("documents/text.py", "import mt.translation.results\n", "each part imports only"),
        # anything importing the CLI
        ("engines/decoding.py", "def _wrong():\n    import mt.cli.options\n", "nothing imports"),
        # a circle: the Markdown reader imports the documents' model, which would import it back
        ("documents/model.py", "def _wrong():\n    import mt.documents.markdown\n", "circles"),
    ],
)
def test_a_wrong_import_breaks_a_contract(
    tmp_path: Path, module: str, wrong_import: str, broken: str
) -> None:
    shutil.copytree(ROOT / "mt", tmp_path / "mt", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "mt" / module
    target.write_text(target.read_text(encoding="utf-8") + "\n\n" + wrong_import, encoding="utf-8")
    done = _lint_imports(tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    broken_lines = [line for line in done.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(broken in line for line in broken_lines), done.stdout


def _core_venv(tmp_path: Path) -> Path:
    """A fresh virtual environment with mt's wheel and its core dependencies only.

    Tests never touch the network, so the core dependencies are copied from this environment's
    installed files instead of downloaded; everything else (torch, transformers, sacrebleu) is
    absent, as on a CI runner that ran `pip install` without extras."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
        + ["--wheel-dir", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    home = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(home)
    python = home / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    for name in CORE:
        distribution = importlib.metadata.distribution(name)
        for file in distribution.files or ():
            source = Path(str(distribution.locate_file(file)))
            if file.parts[0] == ".." or not source.is_file():
                continue  # scripts outside site-packages: not needed here
            destination = site / file
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    (wheel,) = wheels.glob("*.whl")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-index", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return home


def test_check_and_glossary_run_from_a_core_install(tmp_path: Path) -> None:
    home = _core_venv(tmp_path)
    python, mt = home / "bin" / "python", home / "bin" / "mt"
    absent = subprocess.run(
        [str(python), "-c", "import importlib.util as u; print(u.find_spec('torch') is None)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert absent.stdout.strip() == "True"  # the environment really is core-only
    examples = ROOT / "examples"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("PYTHONPATH", None)
    checked = subprocess.run(
        [str(mt), "check", str(examples / "release.nl.txt"), str(examples / "release.fr.txt")],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # not the checkout: the shipped glossary must come from the wheel
        env=env,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    validated = subprocess.run(
        [str(mt), "glossary", "validate"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr
    # a command that needs an extra says which, instead of a traceback
    translated = subprocess.run(
        [str(mt), "translate", str(examples / "release.nl.txt"), "--to", "fr"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert translated.returncode == 2
    assert "Traceback" not in translated.stderr
    assert "translate" in translated.stderr and "pip install" in translated.stderr


def test_the_public_api_is_lazy_and_complete() -> None:
    code = (
        "import sys, mt\n"
        "light = sorted(m for m in sys.modules if m.startswith('mt.'))\n"
        "names = [getattr(mt, name) for name in mt.__all__]\n"
        "print(light, 'torch' in sys.modules, len(names))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    import mt

    # `import mt` loads no submodule; every public name resolves (torch only when a model runs)
    assert done.stdout.split() == ["[]", "False", str(len(mt.__all__))]
    assert mt.__all__ == sorted(mt._API)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = mt.nothing  # type: ignore[attr-defined]
