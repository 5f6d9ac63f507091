"""``--engine ray`` on a local Ray instance: the local engine's outputs byte for byte, the same
``--json`` counts, an actor killed mid-run replaced, an interrupted run resumed from the cache."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from mt.cli import cli
from mt.translation.pipeline import TranslateOptions, Translator

ray = pytest.importorskip("ray")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ray talks to its own processes over loopback; anything else still fails the test."""
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else None
        if self.family in (socket.AF_INET, socket.AF_INET6) and host not in ("127.0.0.1", "::1"):
            raise AssertionError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


@pytest.fixture(scope="module")
def local_ray():
    """One local Ray instance for the module (the engine uses it and leaves it running)."""
    import os

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few dozen small releases, text and Markdown, cut from the example release."""
    lines = [
        line.strip()
        for line in (EXAMPLES / "release.nl.txt").read_text(encoding="utf-8").splitlines()
        if len(line.strip()) > 20
    ]
    folder = tmp_path_factory.mktemp("archive")
    for number in range(30):
        picked = [lines[(number * 3 + k) % len(lines)] for k in range(3)]
        if number % 2:
            text = f"# {picked[0]}\n\n{picked[1]}\n\n- {picked[2]}\n"
            (folder / f"release-{number:02}.nl.md").write_text(text, encoding="utf-8")
        else:
            (folder / f"release-{number:02}.nl.txt").write_text("\n".join(picked) + "\n")
    return folder


def _models(tiny_model_dir: Path, tiny_multilingual_dir: Path) -> list[str]:
    return [
        "--max-new-tokens=16",  # random weights rarely choose </s>: keep decoding short
        f"--model=fr={tiny_model_dir}",
        f"--model=de={tiny_multilingual_dir}",
    ]


def _translate(args: list[str]) -> dict:
    done = CliRunner().invoke(cli, ["translate", *args, "--json", "-q"], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    summary = json.loads(done.stdout)
    summary.pop("timings")
    for entry in summary["files"]:
        entry["output"] = Path(entry["output"]).name
    return summary


def _contents(folder: Path) -> dict[str, bytes]:
    """The translations in ``folder`` (not the record of what mt wrote, .mt-outputs.json)."""
    return {
        path.name: path.read_bytes()
        for path in sorted(folder.iterdir())
        if path.name != ".mt-outputs.json"
    }


@pytest.mark.parametrize(
    ("backend", "beam", "terms"),
    [
        ("torch", 1, "enforce"),
        ("torch", 3, "enforce"),
        pytest.param("ctranslate2", 1, "enforce", id="ctranslate2-fastpath-greedy"),
        pytest.param("ctranslate2", 2, "off", id="ctranslate2-beam-no-terms"),
    ],
)
def test_ray_writes_what_the_local_engine_writes(
    local_ray, archive, tmp_path, tiny_model_dir, tiny_multilingual_dir, backend, beam, terms
):
    if backend == "ctranslate2":
        pytest.importorskip("ctranslate2")
    common = [str(archive), "--to", "fr,de", *_models(tiny_model_dir, tiny_multilingual_dir)]
    common += ["--backend", backend, "--beam", str(beam), "--terms", terms, "--batch-size", "4"]
    local = _translate([*common, "--out", str(tmp_path / "local"), "--no-cache"])
    clustered = _translate(
        [*common, "--out", str(tmp_path / "ray"), "--no-cache", "--engine", "ray", "--actors", "2"]
    )
    assert _contents(tmp_path / "ray") == _contents(tmp_path / "local")
    assert len(_contents(tmp_path / "local")) == 60
    assert clustered == local  # every count, term report and fast-path figure
    assert local["translated"] > 0 and local["cache_hits"] == 0


def _options(tiny_model_dir: Path, cache: Path, engine: str) -> TranslateOptions:
    return TranslateOptions(
        models={"fr": str(tiny_model_dir)},
        backend="torch",
        beam=1,
        batch_size=1,  # chunks of 8 segments: a dozen chunks to spread over the actors
        max_new_tokens=16,
        cache=cache,
        engine=engine,
        actors=2,
    )


def test_an_actor_killed_mid_run_is_replaced_and_the_outputs_stay_the_same(
    local_ray, archive, tmp_path, tiny_model_dir
):
    with Translator(_options(tiny_model_dir, tmp_path / "local.db", "local")) as translator:
        translator.translate_documents([archive], ["fr"], tmp_path / "local")

    killed: list[int] = []

    def kill_once(what: str, done: int, total: int) -> None:
        if done and not killed:
            actor = translator.backend("fr").actors[0]
            killed.append(ray.get(actor.pid.remote()))
            ray.kill(actor, no_restart=False)  # as a node failure would: Ray restarts it

    options = _options(tiny_model_dir, tmp_path / "ray.db", "ray")
    with Translator(options, progress=kill_once) as translator:
        summary = translator.translate_documents([archive], ["fr"], tmp_path / "ray")
        restarted = ray.get(translator.backend("fr").actors[0].pid.remote())
    assert killed and restarted != killed[0]  # the actor died and a new process took its place
    assert _contents(tmp_path / "ray") == _contents(tmp_path / "local")
    assert summary.translated > 16  # more chunks than were done before the kill


def test_an_interrupted_run_keeps_finished_chunks_and_a_rerun_sends_only_the_rest(
    local_ray, archive, tmp_path, tiny_model_dir
):
    with Translator(_options(tiny_model_dir, tmp_path / "local.db", "local")) as translator:
        complete = translator.translate_documents([archive], ["fr"], tmp_path / "local")

    def interrupt(what: str, done: int, total: int) -> None:
        # at the first chunk back: chunks return in any order (a short one first), so a later
        # threshold could be crossed only by the last chunk, with nothing left to resume
        if done:
            raise KeyboardInterrupt

    cache = tmp_path / "ray.db"
    with (
        pytest.raises(KeyboardInterrupt),
        Translator(_options(tiny_model_dir, cache, "ray"), progress=interrupt) as translator,
    ):
        translator.translate_documents([archive], ["fr"], tmp_path / "ray")
    assert not (tmp_path / "ray").exists()  # nothing half-written

    with Translator(_options(tiny_model_dir, cache, "ray")) as translator:
        rerun = translator.translate_documents([archive], ["fr"], tmp_path / "ray")
    kept = complete.translated - rerun.translated
    assert kept > 0  # the chunk finished before the interrupt was not sent again
    assert rerun.translated > 0
    assert _contents(tmp_path / "ray") == _contents(tmp_path / "local")


def test_ray_options_need_the_ray_engine(tmp_path, tiny_model_dir):
    done = CliRunner().invoke(
        cli,
        ["translate", str(EXAMPLES / "release.nl.txt"), "--to", "fr", "--actors", "2"],
    )
    assert done.exit_code == 2
    assert "--engine ray" in done.output
