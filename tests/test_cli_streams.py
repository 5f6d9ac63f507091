"""Standard input and output that are closed, or a reader that leaves early: a message or a quiet
end, never a traceback. Every command that reads standard input or writes standard output runs
as a real process (the streams are the process's own), all at once to keep the wait short."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Closes a standard stream, then becomes `python -m mt ARGS` (as `mt ARGS <&-` or `>&-` would).
_CLOSING = "import os, sys; os.close(int(sys.argv[1])); os.execv(sys.executable, sys.argv[2:])"


def _commands(tiny: Path) -> dict[str, list[str]]:
    return {
        "check": ["check", "release.nl.txt", "release.fr.txt"],
        "score": ["score", "hyp.fr", "-r", "ref.fr"],
        "glossary validate": ["glossary", "validate"],
        "glossary show": ["glossary", "show"],
        "glossary export": ["glossary", "export", "--format", "tsv", "-o", "-"],
        "models list": ["models", "list"],
        "translate": ["translate", "-", "--to", "fr", "--model", f"fr={tiny}", "--no-cache"],
    }


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    for name in ("release.nl.txt", "release.fr.txt"):
        shutil.copy(ROOT / "examples" / name, tmp_path / name)
    (tmp_path / "hyp.fr").write_text("Le chat dort.\nIl pleut.\n", encoding="utf-8")
    (tmp_path / "ref.fr").write_text("Le chat dort.\nIl pleut fort.\n", encoding="utf-8")
    return tmp_path


def _env() -> dict[str, str]:
    # (the test's own cache folders, set by conftest's fixture, reach the children)
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env.pop("PYTHONUNBUFFERED", None)  # output waits in Python's buffer, as in a usual run
    return env


def _finish(process: subprocess.Popen[bytes]) -> tuple[int, str]:
    stderr = process.stderr.read()  # type: ignore[union-attr]
    process.stderr.close()  # type: ignore[union-attr]
    return process.wait(timeout=300), stderr.decode("utf-8", "replace")


def test_a_reader_that_leaves_ends_every_command_quietly(workdir: Path, tiny_model_dir: Path):
    """`mt ... | head -0`: the pipe is closed before mt writes; exit 1, nothing on stderr."""
    running = {}
    for name, args in _commands(tiny_model_dir).items():
        process = subprocess.Popen(
            [sys.executable, "-m", "mt", *args],
            cwd=workdir,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_env(),
        )
        process.stdout.close()  # type: ignore[union-attr]  # the reader is gone
        process.stdin.write(b"De minister is in Irak.\n")  # type: ignore[union-attr]
        process.stdin.close()  # type: ignore[union-attr]
        running[name] = process
    for name, process in running.items():
        code, stderr = _finish(process)
        assert "Traceback" not in stderr and "Exception ignored" not in stderr, (name, stderr)
        assert code == 1, (name, code, stderr)


@pytest.mark.parametrize(("stream", "reads"), [(1, "output"), (0, "input")])
def test_a_closed_standard_stream_gets_a_message(
    workdir: Path, tiny_model_dir: Path, stream: int, reads: str
) -> None:
    """`mt ... >&-` for every command that writes standard output; `mt translate - <&-`."""
    commands = _commands(tiny_model_dir)
    if stream == 0:
        commands = {name: args for name, args in commands.items() if "-" in args[:2]}
    running = {
        name: subprocess.Popen(
            [sys.executable, "-c", _CLOSING, str(stream), sys.executable, "-m", "mt", *args],
            cwd=workdir,
            stdin=subprocess.DEVNULL if stream == 1 else None,
            stdout=subprocess.DEVNULL if stream == 0 else None,
            stderr=subprocess.PIPE,
            env=_env(),
        )
        for name, args in commands.items()
    }
    for name, process in running.items():
        code, stderr = _finish(process)
        assert "Traceback" not in stderr, (name, stderr)
        assert code == 2, (name, code, stderr)
        assert f"mt: error: standard {reads} is closed" in stderr, (name, stderr)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_a_full_disk_under_standard_output_gets_a_message(
    workdir: Path, tiny_model_dir: Path
) -> None:
    """`mt ... > /dev/full`: every write fails with ENOSPC; a one-line message, exit 1."""
    running = {}
    with open("/dev/full", "wb") as full:
        for name, args in _commands(tiny_model_dir).items():
            running[name] = subprocess.Popen(
                [sys.executable, "-m", "mt", *args],
                cwd=workdir,
                stdin=subprocess.PIPE,
                stdout=full,
                stderr=subprocess.PIPE,
                env=_env(),
            )
            running[name].stdin.write(b"De minister is in Irak.\n")  # type: ignore[union-attr]
            running[name].stdin.close()  # type: ignore[union-attr]
    for name, process in running.items():
        code, stderr = _finish(process)
        assert "Traceback" not in stderr and "Exception ignored" not in stderr, (name, stderr)
        assert code == 1, (name, code, stderr)
        assert "mt: error: cannot write standard output: No space left on device" in stderr, (
            name,
            stderr,
        )


def test_an_empty_standard_input_translates_to_an_empty_document(tiny_model_dir: Path) -> None:
    """`mt translate - < /dev/null`: an empty document, said so, written empty."""
    done = subprocess.run(
        [sys.executable, "-m", "mt", "translate", "-", "--to", "fr"]
        + ["--model", f"fr={tiny_model_dir}", "--no-cache"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "<stdin>: empty document" in done.stderr
    assert done.stdout == ""
