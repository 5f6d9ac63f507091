"""The README's pre-commit configurations work as written: each names the hook this repository
ships, with its files pattern, and each ``rev`` is one that exists here (a tag that was never
made stops pre-commit with "pathspec did not match")."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _configs() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```yaml\n(repos:\n.*?)```", readme, re.DOTALL)


def _field(text: str, name: str) -> list[str]:
    return [
        value.strip().strip("'\"") for value in re.findall(rf"^\s*-?\s*{name}: (.+)$", text, re.M)
    ]


def _shipped() -> dict[str, str]:
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    return dict(zip(_field(hooks, "id"), _field(hooks, "files"), strict=True))


def test_the_readme_shows_a_remote_and_a_local_configuration() -> None:
    repos = [_field(config, "repo")[0] for config in _configs()]
    assert len(repos) == 2 and repos[1] == "local", repos
    shipped = _shipped()
    for config in _configs():
        for hook in _field(config, "id"):
            assert hook in shipped, hook
    local = _configs()[1]
    assert _field(local, "entry") == ["mt check"]
    assert _field(local, "language") == ["system"]
    assert _field(local, "files") == [shipped["mt-check"]]


def test_every_rev_in_the_readme_exists_in_this_repository() -> None:
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout: no revisions to look up")
    revs = [rev for config in _configs() for rev in _field(config, "rev")]
    assert revs, "the remote configuration names no rev"
    for rev in revs:
        found = [
            subprocess.run(
                ["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
                cwd=ROOT,
                capture_output=True,
            ).returncode
            == 0
            for ref in (rev, f"origin/{rev}")  # (a CI clone may hold main as origin/main only)
        ]
        assert any(found), f"rev {rev!r} is neither a tag, a branch nor a commit here"
