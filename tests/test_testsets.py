"""Test sets: the shipped FLORES-200 files, user files, and the errors a user can make."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from mt.core.errors import InputError
from mt.evaluation.testsets import eval_dir, known_testsets, load_testset

SIZES = {"flores200-dev": 997, "flores200-devtest": 1012}


@pytest.mark.parametrize("name", sorted(SIZES))
@pytest.mark.parametrize("lang", ["en", "fr", "de"])
def test_flores_sets_are_aligned_and_complete(name: str, lang: str) -> None:
    testset = load_testset(name, lang)
    assert len(testset) == SIZES[name]
    assert len(testset.references) == len(testset.sources)
    assert all(testset.sources) and all(testset.references)
    assert testset.sources != testset.references


def test_flores_devtest_reference_token_counts_match_the_leaderboard() -> None:
    # The data README's integrity figures: 13a token counts of the devtest references.
    from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

    tokenize = Tokenizer13a()
    counts = {
        lang: sum(
            len(tokenize(line).split())
            for line in load_testset("flores200-devtest", lang).references
        )
        for lang in ("en", "fr", "de")
    }
    assert counts == {"en": 24721, "fr": 28343, "de": 25094}


def test_data_is_shipped_compressed_only() -> None:
    files = sorted(path.name for path in (eval_dir() / "flores200").iterdir())
    data = [name for name in files if "_Latn" in name]
    assert data and all(name.endswith(".gz") for name in data)


def test_limit_keeps_the_first_segments() -> None:
    full = load_testset("flores200-devtest", "fr")
    sliced = load_testset("flores200-devtest", "fr", limit=8)
    assert sliced.sources == full.sources[:8] and sliced.references == full.references[:8]


def test_user_pair_and_tsv(tmp_path: Path) -> None:
    (tmp_path / "src.nl").write_text("Hallo wereld.\nDag.\n", encoding="utf-8")
    (tmp_path / "ref.fr").write_text("Bonjour le monde.\nAu revoir.\n", encoding="utf-8")
    (tmp_path / "set.tsv").write_text("Hallo wereld.\tBonjour le monde.\nDag.\tAu revoir.\n")
    pair = load_testset(f"{tmp_path / 'src.nl'},{tmp_path / 'ref.fr'}", "fr")
    tsv = load_testset(str(tmp_path / "set.tsv"), "fr")
    assert pair.sources == tsv.sources == ("Hallo wereld.", "Dag.")
    assert pair.references == tsv.references == ("Bonjour le monde.", "Au revoir.")


@pytest.mark.parametrize(
    ("files", "spec", "expected"),
    [
        ({}, "wmt99", ["unknown test set 'wmt99'", "flores200-dev", "flores200-devtest"]),
        ({"s": "a\nb\n", "r": "x\n"}, "<s>,<r>", ["has 2 lines", "has 1"]),
        ({"s": "", "r": ""}, "<s>,<r>", ["empty"]),
        ({"s": "a\n"}, "<s>,<missing>", ["not found"]),
        ({"t.tsv": "a\tb\nonly one column\n"}, "<t.tsv>", [":2:", "2 tab-separated columns"]),
        ({}, "flores200-devtest@xx", ["unknown test set"]),
    ],
)
def test_bad_test_sets_name_the_problem(
    tmp_path: Path, files: dict[str, str], spec: str, expected: list[str]
) -> None:
    paths = {name: tmp_path / name for name in [*files, "missing"]}
    for name, text in files.items():
        paths[name].write_text(text, encoding="utf-8")
    for name, path in paths.items():
        spec = spec.replace(f"<{name}>", str(path))
    with pytest.raises(InputError) as caught:
        load_testset(spec, "fr")
    for fragment in expected:
        assert fragment in str(caught.value)


def test_language_without_references(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no references for 'it'"):
        load_testset("flores200-dev", "it")


def test_damaged_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "eval"
    shutil.copytree(eval_dir(), copy)
    target = copy / "flores200" / "dev.fra_Latn.gz"
    lines = gzip.decompress(target.read_bytes()).decode().splitlines()
    target.write_bytes(gzip.compress(("\n".join(["Changed.", *lines[1:]]) + "\n").encode()))
    monkeypatch.setenv("MT_EVAL_DIR", str(copy))
    with pytest.raises(InputError, match="checksum does not match"):
        load_testset("flores200-dev", "fr")
    load_testset("flores200-dev", "de")  # the untouched files still load


def test_missing_data_folder_says_how_to_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MT_EVAL_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(InputError, match="MT_EVAL_DIR"):
        load_testset("flores200-devtest", "en")


def test_known_names() -> None:
    assert known_testsets() == ["flores200-dev", "flores200-devtest"]
