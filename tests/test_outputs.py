"""Nothing lost, nothing overwritten: a run's outputs are planned before any work, and written all
or none (issue 19, data loss 1 and 2)."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from mt.cli import cli
from mt.core.errors import InputError
from mt.documents import outputs
from mt.documents.outputs import RECORD_NAME, read_record, write_outputs, written_by_mt


def run(args: list[str]):
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def files_in(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def model_args(tiny_model_dir: Path) -> list[str]:
    langs = ("fr", "de", "en")  # one bilingual tiny model serves all three: only files matter
    return [f"--model={lang}={tiny_model_dir}" for lang in langs] + [
        "--max-new-tokens=8",
        "--backend=torch",
        "--terms=off",
        "--no-cache",
        "--quiet",
    ]


@pytest.mark.parametrize(
    ("layout", "args", "message"),
    [
        (
            {"c2/release.nl.txt": "Een.\n", "c2/release.txt": "Twee.\n"},
            ["c2/release.nl.txt", "c2/release.txt", "--to", "fr"],
            "c2/release.nl.txt and {root}/c2/release.txt would both be translated into "
            "{root}/c2/release.fr.txt",
        ),
        (
            {"d.txt": "Een.\n", "sub/d.txt": "Twee.\n"},
            ["d.txt", "sub/d.txt", "--to", "fr,de", "--out", "out"],
            "{root}/d.txt and {root}/sub/d.txt would both be translated into {root}/out/d.fr.txt",
        ),
        (
            {"docs/d.txt": "Een.\n", "docs/sub/d.txt": "Twee.\n"},
            ["docs", "--to", "fr", "--out", "out"],
            "{root}/docs/d.txt and {root}/docs/sub/d.txt would both be translated into",
        ),
        (
            {"x.nl.txt": "Een.\n", "x.fr.txt": "Un, par un traducteur.\n"},
            ["x.nl.txt", "x.fr.txt", "--to", "fr"],
            "the fr translation of {root}/x.nl.txt would overwrite {root}/x.fr.txt, an input",
        ),
        (
            {"x.nl.txt": "Een.\n", "x.fr.txt": "Un, par un traducteur.\n"},
            ["x.nl.txt", "--to", "fr,de"],
            "{root}/x.fr.txt exists and was not written by mt (a translator's work?): it is "
            "kept; pass --overwrite to replace it",
        ),
    ],
)
def test_a_plan_that_would_lose_work_is_refused_before_any_model_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout, args, message
) -> None:
    for name, text in layout.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    before = files_in(tmp_path)
    monkeypatch.chdir(tmp_path)
    paths = [str(tmp_path / a) if (tmp_path / a).exists() or a == "out" else a for a in args]
    # No --model: the default models are not here, so any model loading would fail otherwise.
    result = run(["translate", *paths])
    assert result.exit_code == 2, result.output
    assert message.format(root=tmp_path) in result.stderr
    assert "Traceback" not in result.output
    assert files_in(tmp_path) == before


def test_only_what_mt_wrote_is_replaced_without_overwrite(tmp_path: Path, model_args) -> None:
    source = tmp_path / "x.nl.txt"
    source.write_text("De minister is in Irak.\n", encoding="utf-8")
    human = tmp_path / "x.fr.txt"
    human.write_text("Le ministre est en Irak.\n", encoding="utf-8")
    args = ["translate", str(source), "--to", "fr", *model_args]

    refused = run(args)
    assert refused.exit_code == 2
    assert "was not written by mt" in refused.stderr
    assert human.read_text(encoding="utf-8") == "Le ministre est en Irak.\n"

    replaced = run([*args, "--overwrite"])
    assert replaced.exit_code == 0, replaced.output
    drafted = human.read_bytes()
    assert drafted != b"Le ministre est en Irak.\n"
    assert written_by_mt(human)
    record = json.loads((tmp_path / RECORD_NAME).read_text(encoding="utf-8"))
    assert set(record["files"]) == {"x.fr.txt"}

    again = run(args)  # mt's own, unchanged draft: replaced without a word
    assert again.exit_code == 0, again.output
    assert human.read_bytes() == drafted

    human.write_bytes(drafted + b"Nagelezen.\n")  # a translator post-edits the draft
    edited = run(args)
    assert edited.exit_code == 2
    assert f"{human} exists and was changed since mt wrote it" in edited.stderr
    assert human.read_bytes().endswith(b"Nagelezen.\n")


@pytest.mark.parametrize("failure", ["disk full", "Ctrl-C"])
def test_a_failure_while_writing_leaves_every_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_args, failure: str
) -> None:
    source = tmp_path / "r.nl.txt"
    source.write_text("De minister is in Irak.\n\nDaesh is verslagen.\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["translate", str(source), "--to", "fr,de,en", "--out", str(out), *model_args]
    first = run([*args[:3], "fr", *args[4:]])  # an earlier run wrote the French one
    assert first.exit_code == 0, first.output
    before = files_in(tmp_path)

    real = outputs._write_temporary
    calls = []

    def third_write_fails(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 3:  # the third language, after two temporary files were written
            real(path, data[: len(data) // 2])  # half of it reached the disk
            if failure == "disk full":
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
            raise KeyboardInterrupt
        real(path, data)

    monkeypatch.setattr(outputs, "_write_temporary", third_write_fails)
    result = CliRunner().invoke(cli, args)
    assert len(calls) == 3
    if failure == "disk full":
        assert result.exit_code == 2, result.output
        assert "cannot write r.en.txt in this folder: No space left on device" in result.stderr
        assert "nothing was written" in result.stderr
    else:
        assert result.exit_code == 130, result.output
    assert files_in(tmp_path) == before  # no new language, no temporary file, record unchanged


def test_a_failed_rename_puts_back_what_the_earlier_ones_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_outputs([(tmp_path / "a.fr.txt", "oud\n")])
    before = files_in(tmp_path)
    real = os.replace
    renames = []

    def second_rename_fails(source: object, target: object) -> None:
        renames.append(target)
        if len(renames) == 2:
            raise OSError(errno.EIO, "Input/output error")
        real(source, target)

    monkeypatch.setattr(os, "replace", second_rename_fails)
    with pytest.raises(InputError, match="nothing was written"):
        write_outputs([(tmp_path / "a.fr.txt", "nieuw\n"), (tmp_path / "a.de.txt", "neu\n")])
    monkeypatch.setattr(os, "replace", real)
    assert files_in(tmp_path) == before  # a.fr.txt back to "oud", no a.de.txt, nothing left
    assert written_by_mt(tmp_path / "a.fr.txt")


def test_the_record_keeps_other_files_and_drops_vanished_ones(tmp_path: Path) -> None:
    write_outputs([(tmp_path / "a.fr.txt", "un\n"), (tmp_path / "b.fr.txt", "deux\n")])
    (tmp_path / "b.fr.txt").unlink()
    write_outputs([(tmp_path / "c.fr.txt", "trois\n")])
    assert set(read_record(tmp_path)) == {"a.fr.txt", "c.fr.txt"}
    (tmp_path / RECORD_NAME).write_text("{broken", encoding="utf-8")
    assert not written_by_mt(tmp_path / "a.fr.txt")  # a broken record vouches for nothing


def test_an_xliff_job_keeps_a_translators_file_too(tmp_path: Path, tiny_model_dir: Path) -> None:
    import shutil

    job = tmp_path / "release-12.nl.xlf"
    shutil.copy(Path(__file__).parent / "data" / "xliff" / "release-12.nl.xlf", job)
    returned = tmp_path / "release-12.fr.xlf"
    returned.write_text("<xliff>the translator's returned job</xliff>\n", encoding="utf-8")
    args = ["translate", str(job), f"--model=fr={tiny_model_dir}", "--backend=torch"]
    args += ["--max-new-tokens=8", "--no-cache", "--terms=off", "-q"]
    refused = run(args)
    assert refused.exit_code == 2
    assert f"{returned} exists and was not written by mt" in refused.stderr
    assert returned.read_text(encoding="utf-8").startswith("<xliff>the translator's")
    replaced = run([*args, "--overwrite"])
    assert replaced.exit_code == 0, replaced.output
    assert written_by_mt(returned)
