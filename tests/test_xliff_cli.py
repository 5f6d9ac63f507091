"""``mt translate job.xlf`` and ``mt check job.xlf`` end to end on a tiny local model."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_xliff import only_added, schema, spell

from mt.cli import cli
from mt.documents.xliff import read_xliff
from mt.translation.memory import MemoryEntry, write_tmx

DATA = Path(__file__).parent / "data" / "xliff"


def run(args: list[str]):
    return CliRunner().invoke(cli, args, catch_exceptions=False)


@pytest.fixture(params=["tiny", "real-vocab"])
def job_model(request: pytest.FixtureRequest) -> Path:
    """The tiny test model, then one on the real OPUS-MT vocabulary (which has no "<" to write
    placeholders with) where the test suite builds one."""
    if request.param == "tiny":
        return request.getfixturevalue("tiny_model_dir")
    try:
        return request.getfixturevalue("real_vocab_model_dir")
    except pytest.FixtureLookupError:
        pytest.skip("no real-vocabulary test model in this suite (fixture real_vocab_model_dir)")


@pytest.fixture
def job(tmp_path: Path) -> Path:
    path = tmp_path / "release-12.nl.xlf"
    shutil.copy(DATA / "release-12.nl.xlf", path)
    return path


def test_translate_a_job_with_memory_then_check_it(tmp_path, job, job_model):
    memory = tmp_path / "m.tmx"
    title = "Coalitie tegen Daesh vergadert in Rome"
    entries = [MemoryEntry(title, "La Coalition contre Daech se réunit à Rome", "fr", "r26.md", 1)]
    memory.write_text(write_tmx(entries), encoding="utf-8")
    before = job.read_bytes()
    args = ["translate", str(job), f"--model=fr={job_model}", "--backend=torch"]
    args += ["--max-new-tokens=16", "--no-cache", "--memory", str(memory), "--json"]
    result = run(args)
    assert result.exit_code == 0, result.output
    assert job.read_bytes() == before  # the input is never replaced
    output = tmp_path / "release-12.fr.xlf"  # the file's language (fr-BE), named as documents are
    summary = json.loads(result.stdout)
    assert summary["files"][0]["output"] == str(output)
    assert summary["memory_hits"] == 1 and summary["files"][0]["units"] == 4

    written = read_xliff(output)
    by_id = {unit.id: unit for unit in written.units}
    assert by_id["1"].target.text == "La Coalition contre Daech se réunit à Rome"
    assert by_id["3"].target.text == spell("Lisez le rapport complet<1/>sur le site.")  # kept
    assert by_id["5"].target is None  # translate="no"
    for unit in written.units:  # no inline code lost, whatever the model wrote
        if unit.target is not None:
            for placeholder in unit.source.protected:
                assert placeholder in unit.target.text, (unit.id, placeholder)
    text = output.read_text(encoding="utf-8")
    only_added(before.decode("utf-8"), text)  # the round trip changes targets, states, notes only
    assert text.count('state-qualifier="exact-match"') == 1
    assert text.count('state-qualifier="leveraged-mt"') == 3
    assert "mt: exact match from the translation memory (r26.md:1)" in text
    assert "terms applied: " in text
    pytest.importorskip("xmlschema")

    schema("1.2").validate(text)

    check = run(["check", str(output), "--format", "json", "--fail-on", "never"])
    assert check.exit_code == 0, check.output
    report = json.loads(check.stdout)
    assert report["files"][0]["lang"] == "fr"
    assert report["segments"] == 5  # units with words that may be translated: 1, 2, 3, 4, 6
    assert report["files"][0]["target"] == str(output)


def test_check_fails_on_an_untranslated_unit(job):
    result = run(["check", str(job)])
    assert result.exit_code == 1
    assert "segment-missing" in result.output and f"{job}:" in result.output


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--to", "de"], "the file's target language is fr, but --to asks for de"),
        (["--out", "-"], "an XLIFF translation is written to a file"),
    ],
)
def test_bad_requests_are_refused(job, tiny_model_dir, extra, message):
    result = run(["translate", str(job), f"--model=fr={tiny_model_dir}", *extra])
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (job.parent / "release-12.fr.xlf").exists()


def test_two_jobs_into_one_output_are_refused(job, tiny_model_dir):
    other = job.parent / "release-12.xlf"  # -> release-12.fr.xlf too
    shutil.copy(job, other)
    result = run(["translate", str(job), str(other), f"--model=fr={tiny_model_dir}"])
    assert result.exit_code == 2 and "would both be translated into" in result.stderr
    assert not (job.parent / "release-12.fr.xlf").exists()


def test_mixing_xliff_and_documents_is_refused(job):
    other = job.parent / "a.nl.txt"
    other.write_text("Hallo\n", encoding="utf-8")
    result = run(["translate", str(job), str(other)])
    assert result.exit_code == 2 and "separate runs" in result.stderr


def test_a_file_without_target_language_needs_to(tmp_path, tiny_model_dir):
    job = tmp_path / "release-20.nl.xlf"
    shutil.copy(DATA / "release-20.nl.xlf", job)
    base = ["translate", str(job), f"--model=de={tiny_model_dir}", "--backend=torch"]
    base += ["--max-new-tokens=8", "--no-cache", "--terms=off", "-q"]
    refused = run(base)
    assert refused.exit_code == 2 and "names no target language; give one with --to" in (
        refused.stderr
    )
    result = run([*base, "--to", "de"])
    assert result.exit_code == 0, result.output
    written = (tmp_path / "release-20.de.xlf").read_text(encoding="utf-8")
    assert 'trgLang="de"' in written and written.count('subState="mt:machine-translation"') == 3
    assert "<target>L'argent va à l'Irak." in written  # a unit already translated is kept
    schema("2.0").validate(written)

    again = run([*base, "--to", "de", "--retranslate"])
    assert again.exit_code == 0, again.output
    written = (tmp_path / "release-20.de.xlf").read_text(encoding="utf-8")
    assert written.count('subState="mt:machine-translation"') == 4
    assert "L'argent" not in written and 'state="translated"' not in written
    schema("2.0").validate(written)
