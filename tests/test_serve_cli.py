"""``mt serve`` from the command line: refusals before any work (exit 2, a message, no
traceback), its help, and a real server process started, used and stopped on 127.0.0.1."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from mt.cli import cli

pytest.importorskip("starlette")


def run(args: list[str]):
    return CliRunner().invoke(cli, ["serve", *args])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--host", "0.0.0.0"], "--host 0.0.0.0 makes the service reachable from other machines"),
        (["--api-keys", "missing.txt"], "missing.txt: no such file"),
        (["--to", "fr,xx"], "xx"),
        (["--port", "70000"], "70000 is not in the range"),
    ],
)
def test_refusals_before_any_model_loads(tmp_path: Path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = run(args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert "loading the models" not in result.output


def test_a_port_in_use_is_named(tmp_path: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(["--port", str(port)])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.output


def test_help_says_how_to_run_bind_and_protect_it():
    result = run(["--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    for expected in (
        "--host TEXT Address to listen on. [default: 127.0.0.1]",
        "--api-keys FILE",
        "any other --host needs --api-keys FILE",
        "POST /translate",
        "--max-request-bytes",
        "503 with Retry-After",
    ):
        assert expected in text, expected


def test_a_server_process_serves_and_stops_on_ctrl_c(tiny_model_dir: Path, tmp_path: Path):
    command = [sys.executable, "-m", "mt", "serve", "--port", "0", "--to", "fr"]
    command += [f"--model=fr={tiny_model_dir}", "--backend", "torch", "--no-cache"]
    command += ["--max-new-tokens", "8"]
    # (restore the default SIGINT handler: a child of a non-interactive shell ignores it)
    process = subprocess.Popen(
        command,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert process.stderr is not None
        lines = []
        for line in process.stderr:
            lines.append(line)
            found = re.search(r"listening on (http://127\.0\.0\.1:\d+/)", line)
            if found:
                url = found.group(1)
                break
        else:
            pytest.fail("no 'listening on' line: " + "".join(lines))
        body = json.dumps({"q": "De minister.", "source": "nl", "target": "fr"}).encode()
        request = urllib.request.Request(
            url + "translate", body, {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert json.loads(response.read())["translatedText"].strip()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize(("option", "value"), [("--beam", "100000"), ("--max-new-tokens", "600")])
def test_serve_bounds_decoding_as_translate_does(option: str, value: str) -> None:
    """The decoding options are declared once for both commands, limits included."""
    for command in ("translate", "serve"):
        args = [command, *(["release.nl.txt"] if command == "translate" else []), option, value]
        done = CliRunner().invoke(cli, args)
        assert done.exit_code == 2, (command, done.output)
        assert option in done.output and "Traceback" not in done.output
