"""``mt translate job.xlf`` and ``mt check job.xlf`` end to end on a tiny local model."""

from __future__ import annotations

import json
import re
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


@pytest.fixture
def mixed_folder(tmp_path: Path) -> Path:
    """A folder as a ministry keeps one: a release and its translation, CAT jobs beside them."""
    folder = tmp_path / "docs"
    (folder / "jobs").mkdir(parents=True)
    examples = Path(__file__).resolve().parent.parent / "examples"
    for name in ("release.nl.txt", "release.fr.txt"):
        shutil.copy(examples / name, folder / name)
    job = (DATA / "release-12.nl.xlf").read_text(encoding="utf-8")
    (folder / "jobs" / "r12.fr.xlf").write_text(job, encoding="utf-8")  # returned, 4 units empty
    (folder / "jobs" / "r13.sdlxliff").write_text(job, encoding="utf-8")  # Trados's extension
    (folder / "jobs" / "r14.xml").write_text(job, encoding="utf-8")  # XLIFF by its content
    (folder / "jobs" / "settings.xml").write_text("<settings/>\n", encoding="utf-8")  # not XLIFF
    # mt translate's input beside its output: only the output is checked
    (folder / "jobs" / "r15.nl.xlf").write_text(job, encoding="utf-8")
    (folder / "jobs" / "r15.fr.xlf").write_text(job, encoding="utf-8")
    return folder


CHECKED_JOBS = ("r12.fr.xlf", "r13.sdlxliff", "r14.xml", "r15.fr.xlf")


@pytest.mark.parametrize(
    ("fmt", "shows"),
    [
        ("text", lambda out, path: f"{path}:" in out),
        ("json", lambda out, path: str(path) in {f["target"] for f in json.loads(out)["files"]}),
        ("junit", lambda out, path: f'file="{path}"' in out or str(path) in out),
        ("github", lambda out, path: f"file={path}," in out),
    ],
)
def test_check_a_folder_checks_its_xliff_beside_its_documents(mixed_folder, fmt, shows):
    result = run(["check", str(mixed_folder), "--format", fmt, "--no-glossary"])
    assert result.exit_code == 1, result.output  # the jobs' empty units: segment-missing
    out = result.stdout
    for name in CHECKED_JOBS:
        assert shows(out, mixed_folder / "jobs" / name), name
    assert shows(out, mixed_folder / "release.fr.txt") or fmt != "json"
    for name in ("r15.nl.xlf", "settings.xml"):
        assert str(mixed_folder / "jobs" / name) not in out
    assert "segment-missing" in out
    assert re.search(r'unit (")2"|(\\")2\\"|(&quot;)2&quot;', out)  # a finding names its unit


def test_check_a_folder_counts_every_pair(mixed_folder):
    result = run(["check", str(mixed_folder), "--format", "json", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    files = {Path(f["target"]).name: f for f in report["files"]}
    assert set(files) == {"release.fr.txt", *CHECKED_JOBS}
    for name in CHECKED_JOBS:
        assert files[name]["segments"] == 5  # units with words that may be translated
        missing = [f for f in files[name]["findings"] if f["code"] == "segment-missing"]
        assert len(missing) == 4  # units 1, 2, 4 and 6 have no target
    assert files["release.fr.txt"]["segments"] == 11

    only_jobs = run(["check", str(mixed_folder / "jobs"), "--format", "json", "--fail-on=never"])
    assert only_jobs.exit_code == 0, only_jobs.output  # a folder of XLIFF files alone
    assert len(json.loads(only_jobs.stdout)["files"]) == len(CHECKED_JOBS)


def test_translate_a_segmented_job_then_check_it(tmp_path, job_model):
    job = tmp_path / "release-31.nl.xlf"
    shutil.copy(DATA / "release-31.nl.xlf", job)
    memory = tmp_path / "m.tmx"
    entries = [MemoryEntry("Bel ons.", "Appelez-nous.", "fr", "r30.md", 9)]
    memory.write_text(write_tmx(entries), encoding="utf-8")
    base = ["translate", str(job), f"--model=fr={job_model}", "--backend=torch"]
    base += ["--max-new-tokens=12", "--no-cache", "--memory", str(memory), "--json"]
    result = run(base)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["memory_hits"] == 1 and summary["files"][0]["units"] == 7  # the segments
    output = tmp_path / "release-31.fr.xlf"
    text = output.read_text(encoding="utf-8")
    only_added(job.read_text(encoding="utf-8"), text)
    schema("1.2").validate(text)
    written = {unit.id: unit for unit in read_xliff(output).units}
    assert written["u3/7"].target.text == "Appelez-nous."
    assert written["u2/3"].target.text == spell("Lisez le rapport<1/>sur le site.")  # kept
    for unit in written.values():  # every segment to translate has one, its codes intact
        if unit.translatable and unit.has_words:
            assert unit.target is not None, unit.id
            for placeholder in unit.source.protected:
                assert placeholder in unit.target.text, (unit.id, placeholder)
    for mid in ("1", "2", "4", "6", "7", "10", "11"):
        assert text.count(f'<mrk mtype="seg" mid="{mid}">') == 2  # seg-source and target
    assert "segment 7: mt: exact match from the translation memory (r30.md:9)" in text

    check = run(["check", str(output), "--format", "json", "--fail-on", "never"])
    assert check.exit_code == 0, check.output
    report = json.loads(check.stdout)["files"][0]
    assert report["segments"] == 9  # the segments with words (u1-u3, u5) and u6 whole
    for finding in report["findings"]:
        assert re.match(r'unit "u\d+"(, segment "\d+")?: ', finding["message"]), finding

    again = run([*base, "--retranslate", "--overwrite"])
    assert again.exit_code == 0, again.output
    written = {unit.id: unit for unit in read_xliff(output).units}
    assert (
        "Lisez" not in written["u2/3"].target.text and "Au revoir" not in written["u6"].target.text
    )
    schema("1.2").validate(output.read_text(encoding="utf-8"))


def test_check_names_the_unit_and_segment(tmp_path):
    job = tmp_path / "release-31.fr.xlf"
    shutil.copy(DATA / "release-31.nl.xlf", job)
    result = run(["check", str(job), "--no-glossary"])
    assert result.exit_code == 1
    assert 'unit "u2", segment "4": ' in result.stdout and "segment-missing" in result.stdout
    assert 'unit "u6": ' not in result.stdout  # translated whole


def test_a_job_served_by_the_cache_names_its_model_as_documents_do(tmp_path, job, tiny_model_dir):
    """A re-run that the cache answers wholly loads no model, and its --json says which model
    the translations came from (as for documents), not nothing."""
    cache = tmp_path / "cache"
    args = ["translate", str(job), f"--model=fr={tiny_model_dir}", "--backend=torch"]
    args += ["--max-new-tokens=8", "--terms=off", "--cache", str(cache), "--json", "--overwrite"]
    first = json.loads(run(args).stdout)
    again = run(args)
    assert again.exit_code == 0, again.output
    summary = json.loads(again.stdout)
    assert summary["translated"] == 0 and summary["cache_hits"] == first["translated"] > 0
    assert summary["models"] == first["models"] and summary["models"]["fr"]
    assert summary["backend"] == {"fr": "cache"}
