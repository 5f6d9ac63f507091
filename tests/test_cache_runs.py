"""The translation cache in real runs (issues 19 and 22): Ctrl-C keeps finished work, the progress
bar moves as work is stored, a glossary edit re-translates only the segments whose terms changed,
a run the cache answers wholly loads no model, and an unusable cache gets one line, not a trace."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from mt.cli import cli
from mt.translation.pipeline import TranslateOptions, Translator

pytest.importorskip("torch")

GLOSSARY = (
    "id\tnl\tfr\tde\tfr!\tnote\n"
    "coalition\tCoalitie\tCoalition\tKoalition\t\tthe named coalition\n"
    "daesh\tDaesh\tDaech|Daesh\tDaesh\tEI\tpolicy\n"
)
RELEASE = (
    "De Coalitie vergadert vandaag.\n"
    "Daesh is verslagen.\n"
    "Het weer is mooi.\n"
    "De minister spreekt morgen.\n"
)


def rows(cache: Path) -> int:
    if not cache.exists():
        return 0
    with sqlite3.connect(cache) as db:
        try:
            return db.execute("SELECT COUNT(*) FROM translations").fetchone()[0]
        except sqlite3.OperationalError:  # created, its table not yet
            return 0


def run(args: list[str]):
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def mt_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "mt", *args]


# --- a glossary edit re-translates only what it changes ------------------------------------------


# Edits made one after another to the glossary, and what each re-translates, per language.
GLOSSARY_EDITS = [
    # the French term of one entry: its segment in French, nothing in German
    (("\tCoalition\t", "\tCoalition internationale\t"), {"fr": 1, "de": 0}),
    # a forbidden French term of the other entry: its segment in French only
    (("\tEI\t", "\tEI|ISIS\t"), {"fr": 1, "de": 0}),
    # the German term of one entry
    (("\tKoalition\t", "\tInternationale Koalition\t"), {"fr": 0, "de": 1}),
    # a note, and a new entry that matches no segment: nothing
    (("\tpolicy\n", "\tpolicy, said twice\nnieuw\tNieuwterm\tnouveau\tneu\t\t\n"), {}),
    # the edit undone: the first translation is still there
    (("\tCoalition internationale\t", "\tCoalition\t"), {}),
]


def test_glossary_edits_retranslate_only_segments_whose_terms_changed(
    tmp_path: Path, tiny_model_dir: Path, tiny_multilingual_dir: Path
) -> None:
    glossary = tmp_path / "terms.tsv"
    glossary.write_text(GLOSSARY, encoding="utf-8")
    source = tmp_path / "kort.nl.txt"
    source.write_text(RELEASE, encoding="utf-8")
    cache = tmp_path / "cache.sqlite3"
    args = ["translate", str(source), "--to", "fr,de", "--out", str(tmp_path / "out")]
    args += ["--model", f"fr={tiny_model_dir}", "--model", f"de={tiny_multilingual_dir}"]
    args += ["--max-new-tokens", "12", "--backend", "torch", "--glossary", str(glossary)]
    args += ["--cache", str(cache), "--json"]
    first = run(args)
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["translated"] == 8

    text = GLOSSARY
    for (old, new), retranslated in GLOSSARY_EDITS:
        assert old in text
        text = text.replace(old, new)
        glossary.write_text(text, encoding="utf-8")
        again = run(args)
        assert again.exit_code == 0, again.output
        per_lang = {
            doc["lang"]: doc["segments"] - doc["cache_hits"]
            for doc in json.loads(again.stdout)["files"]
        }
        expected = {"fr": retranslated.get("fr", 0), "de": retranslated.get("de", 0)}
        assert per_lang == expected, (old, new)


def test_segments_without_terms_share_the_cache_across_glossaries(
    tmp_path: Path, tiny_model_dir: Path
) -> None:
    """A glossary swapped for another one keeps every segment that neither glossary touches."""
    cache = tmp_path / "cache.sqlite3"
    first_glossary = tmp_path / "a.tsv"
    first_glossary.write_text(GLOSSARY, encoding="utf-8")
    other = tmp_path / "b.tsv"
    other.write_text("id\tnl\tfr\nweer\tweer\ttemps\n", encoding="utf-8")
    options = dict(models={"fr": str(tiny_model_dir)}, backend="torch", max_new_tokens=16)
    segments = RELEASE.splitlines()
    with Translator(TranslateOptions(**options, glossaries=(first_glossary,), cache=cache)) as tr:
        assert tr.translate_segments(segments, "fr").translated == 4
    with Translator(TranslateOptions(**options, glossaries=(other,), cache=cache)) as tr:
        again = tr.translate_segments(segments, "fr")
    # Coalitie and Daesh lost their terms, "weer" gained one; "De minister" is untouched.
    assert again.cached == (False, False, False, True)


# --- finished work is stored as it finishes, and the progress bar moves with it ------------------


def test_progress_moves_as_each_chunk_is_stored(tmp_path: Path, tiny_model_dir: Path) -> None:
    cache = tmp_path / "cache.sqlite3"
    seen: list[tuple[int, int, int]] = []

    def progress(label: str, done: int, total: int) -> None:
        # Reported only once stored: what the bar shows done is in the cache, in another process.
        seen.append((done, total, rows(cache)))

    options = TranslateOptions(
        models={"fr": str(tiny_model_dir)}, backend="torch", terms="off", max_new_tokens=8,
        cache=cache,
    )  # fmt: skip
    with Translator(options, progress) as translator:
        translator.flush_seconds = 0.0  # as if each segment took longer than a flush interval
        segments = [f"Dit is zin nummer {i} van het bericht." for i in range(7)]
        result = translator.translate_segments(segments, "fr")
    assert result.translated == 7
    # The first chunk (4) measures the speed; the next holds one segment, the least there is
    # (nothing fits in "0 seconds"), then as many as make the call's fixed cost worth paying.
    done = [done for done, _, _ in seen]
    assert done[:3] == [0, 4, 5] and done[-1] == 7 and done == sorted(set(done))
    assert all(total == 7 for _, total, _ in seen)
    assert all(stored == done for done, _, stored in seen)


def _interruptible() -> None:
    """In the child: Ctrl-C as a terminal sends it, whatever the parent ignored (a script's
    ``cmd &`` starts its command with SIGINT ignored, and Python then never raises
    KeyboardInterrupt)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_keeps_finished_segments_and_a_rerun_translates_only_the_rest(
    tmp_path: Path, tiny_model_dir: Path
) -> None:
    source = tmp_path / "lang.nl.txt"
    count = 120
    # distinct sentences in letters only: a figure the tiny vocabulary cannot write is carried as
    # a copied atom, and sentences that differ only there would share one cache row
    colours = ("rood", "blauw", "groen", "geel", "wit", "zwart", "grijs", "roze", "paars", "bruin")
    sentences = [f"Dit is de zin met {a} en {b} over het beleid." for a in colours for b in colours]
    sentences += [f"Het {a} huis staat naast de {b} kerk." for a in colours for b in colours[:2]]
    assert len(set(sentences)) == count
    source.write_text("".join(f"{sentence}\n" for sentence in sentences), encoding="utf-8")
    cache = tmp_path / "cache.sqlite3"
    args = ["translate", str(source), "--to", "fr", "--model", f"fr={tiny_model_dir}"]
    args += ["--backend", "torch", "--terms", "off", "--beam", "1", "--max-new-tokens", "8"]
    args += ["--cache", str(cache), "--out", str(tmp_path / "out")]
    child = subprocess.Popen(
        mt_command(*args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_interruptible,
    )
    try:
        deadline = time.monotonic() + 120
        while rows(cache) == 0 and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    kept = rows(cache)
    assert child.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert "interrupted" in stderr
    assert 0 < kept < count, f"{kept} of {count} stored when interrupted"
    assert not (tmp_path / "out" / "lang.fr.txt").exists()

    done = subprocess.run(mt_command(*args, "--json"), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["cache_hits"] == kept
    assert summary["translated"] == count - kept
    lines = (tmp_path / "out" / "lang.fr.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == count and all(lines)


# --- a run the cache answers wholly loads no model -----------------------------------------------

_WITHOUT_TORCH = """
import json, sys
from mt.cli import cli
try:
    cli(sys.argv[1:], prog_name="mt")
except SystemExit as end:
    code = end.code
heavy = [name for name in ("torch", "transformers") if name in sys.modules]
print(json.dumps({"exit": code, "heavy": heavy}), file=sys.stderr)
"""


@pytest.mark.parametrize("backend", ["torch", "ctranslate2"])
def test_fully_cached_rerun_loads_no_model_and_imports_no_torch(
    tmp_path: Path, tiny_model_dir: Path, tiny_multilingual_dir: Path, backend: str
) -> None:
    if backend == "ctranslate2":
        pytest.importorskip("ctranslate2")
    source = tmp_path / "bericht.nl.md"
    source.write_text(
        "# De Coalitie tegen Daesh\n\nDe minister sprak in Irak. Daesh is verslagen.\n\n"
        "- Het weer is mooi.\n- De Coalitie vergadert.\n",
        encoding="utf-8",
    )
    cache = tmp_path / "cache.sqlite3"
    common = ["translate", str(source), "--to", "fr,de", "--backend", backend]
    common += ["--model", f"fr={tiny_model_dir}", "--model", f"de={tiny_multilingual_dir}"]
    common += ["--max-new-tokens", "12", "--cache", str(cache), "--json"]
    first = run([*common, "--out", str(tmp_path / "first")])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["translated"] > 0

    again = subprocess.run(
        [sys.executable, "-c", _WITHOUT_TORCH, *common, "--out", str(tmp_path / "again")],
        capture_output=True,
        text=True,
    )
    report = json.loads(again.stderr.strip().splitlines()[-1])
    assert report == {"exit": 0, "heavy": []}, again.stderr
    summary = json.loads(again.stdout)
    assert summary["translated"] == 0
    assert summary["cache_hits"] == summary["segments"] > 0
    assert summary["backend"] == {"fr": "cache", "de": "cache"}
    assert str(tiny_multilingual_dir) in summary["models"]["de"]
    for name in ("bericht.fr.md", "bericht.de.md"):
        assert (tmp_path / "again" / name).read_bytes() == (tmp_path / "first" / name).read_bytes()
    # The term reports are made from the cached translations, as the first run made them.
    first_terms = [doc["terms"] for doc in json.loads(first.stdout)["files"]]
    assert [doc["terms"] for doc in summary["files"]] == first_terms


def test_model_missing_here_is_still_reported_when_the_cache_is_asked(tmp_path: Path) -> None:
    source = tmp_path / "kort.nl.txt"
    source.write_text("Tekst.\n", encoding="utf-8")
    result = run(
        ["translate", str(source), "--to", "fr", "--model", f"fr={tmp_path / 'nowhere'}"]
        + ["--cache", str(tmp_path / "cache.sqlite3"), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.output


# --- an unusable cache: one line naming it, exit 2, nothing written ------------------------------


def _unprivileged() -> list[str]:
    """A command prefix under which folder permissions bind (root ignores them otherwise)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permissions cannot be enforced")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--"]


@pytest.fixture
def read_only(tmp_path: Path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)


@pytest.mark.parametrize(
    ("cache", "named"),
    [
        ("read-only/cache.sqlite3", "read-only/cache.sqlite3"),  # a new file, a folder it can't
        ("read-only", "read-only"),  # an existing folder
        ("read-only/sub/cache.sqlite3", "read-only/sub"),  # a folder it cannot create
    ],
)
def test_unusable_cache_path_gives_one_line_and_exit_2(
    tmp_path: Path, tiny_model_dir: Path, read_only: Path, cache: str, named: str
) -> None:
    source = tmp_path / "kort.nl.txt"
    source.write_text("De minister sprak.\n", encoding="utf-8")
    done = subprocess.run(
        _unprivileged()
        + mt_command("translate", str(source), "--to", "fr", "--model", f"fr={tiny_model_dir}")
        + ["--terms", "off", "--cache", str(tmp_path / cache), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mt: error: "), done.stderr
    assert str(tmp_path / named) in lines[0]
    assert not (tmp_path / "out").exists()
    assert list(read_only.iterdir()) == []


@pytest.mark.parametrize("backend", ["torch", "ctranslate2"])
def test_read_only_user_cache_with_no_cache_still_translates(
    tmp_path: Path, tiny_model_dir: Path, read_only: Path, backend: str
) -> None:
    """$XDG_CACHE_HOME read-only: --no-cache works, CTranslate2 converts into a temporary folder
    and says so; without --no-cache the translation cache is named in one line."""
    if backend == "ctranslate2":
        pytest.importorskip("ctranslate2")
    source = tmp_path / "kort.nl.txt"
    source.write_text("De minister sprak.\n", encoding="utf-8")
    env = {**os.environ, "XDG_CACHE_HOME": str(read_only)}
    command = _unprivileged() + mt_command(
        "translate", str(source), "--to", "fr", "--model", f"fr={tiny_model_dir}",
        "--max-new-tokens", "8", "--backend", backend, "--out", str(tmp_path / "out"),
    )  # fmt: skip
    refused = subprocess.run(command, capture_output=True, text=True, env=env)
    assert refused.returncode == 2, refused.stderr
    assert refused.stderr.count("\n") == 1 and str(read_only / "mt") in refused.stderr

    done = subprocess.run([*command, "--no-cache"], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "out" / "kort.fr.txt").read_text(encoding="utf-8").strip()
    converting = "converted into a temporary folder" in done.stderr
    assert converting == (backend == "ctranslate2"), done.stderr
    assert list(read_only.iterdir()) == []
