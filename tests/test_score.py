"""``mt score`` gives sacrebleu's numbers and signatures exactly, and clear errors for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.significance import PairedTest

from mt.cli import cli
from mt.evaluation.testsets import load_testset

HYP = [
    "Le chat est assis sur le tapis.",
    "Il pleut aujourd'hui à Bruxelles.",
    "La ministre a annoncé un soutien de 5 millions d'euros.",
    "La Belgique soutient la coalition.",
]
REF_A = [
    "Le chat était assis sur le tapis.",
    "Aujourd'hui il pleut à Bruxelles.",
    "La ministre a annoncé une aide de 5 millions d'euros.",
    "La Belgique soutient la Coalition internationale.",
]
REF_B = [
    "Un chat est assis sur le tapis.",
    "Il pleut à Bruxelles aujourd'hui.",
    "La ministre annonce un soutien de 5 millions d'euros.",
    "La Belgique appuie la coalition.",
]

# our metric name -> how sacrebleu's own API builds it
SACREBLEU = {
    "bleu": lambda: BLEU(),
    "chrf": lambda: CHRF(),
    "chrf++": lambda: CHRF(word_order=2),
    "ter": lambda: TER(),
}


def _write(folder: Path, name: str, lines: list[str]) -> Path:
    path = folder / name
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _flores_slice() -> tuple[list[str], list[list[str]]]:
    """The Dutch source scored as if it were French (a copy baseline), on 24 FLORES segments."""
    testset = load_testset("flores200-devtest", "fr", limit=24)
    return list(testset.sources), [list(testset.references)]


CASES = {
    "one reference": (HYP, [REF_A]),
    "two references": (HYP, [REF_A, REF_B]),
    "flores slice": _flores_slice(),
}


def _score_json(runner: CliRunner, args: list[str]) -> dict:
    result = runner.invoke(cli, ["score", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("metric", sorted(SACREBLEU))
def test_scores_and_signatures_equal_sacrebleu(tmp_path: Path, case: str, metric: str) -> None:
    hyps, refs = CASES[case]
    hyp_file = _write(tmp_path, "hyp.txt", hyps)
    ref_args = []
    for number, ref in enumerate(refs):
        ref_args += ["-r", str(_write(tmp_path, f"ref{number}.txt", ref))]
    report = _score_json(CliRunner(), [str(hyp_file), *ref_args, "--metrics", metric])
    (ours,) = report["systems"][0]["scores"]

    expected_metric = SACREBLEU[metric]()
    expected = expected_metric.corpus_score(hyps, refs)
    assert ours["score"] == expected.score  # every digit
    assert ours["name"] == expected.name
    assert ours["signature"] == expected_metric.get_signature().format()
    assert f"nrefs:{len(refs)}" in ours["signature"]


def test_table_lines_equal_the_sacrebleu_command_line(tmp_path: Path) -> None:
    hyp_file = _write(tmp_path, "hyp.txt", HYP)
    ref_a, ref_b = _write(tmp_path, "a.txt", REF_A), _write(tmp_path, "b.txt", REF_B)
    ours = CliRunner().invoke(
        cli, ["score", str(hyp_file), "-r", str(ref_a), "-r", str(ref_b), "-m", "bleu,chrf,ter"]
    )
    assert ours.exit_code == 0, ours.output
    theirs = subprocess.run(
        [sys.executable, "-m", "sacrebleu", str(ref_a), str(ref_b), "-i", str(hyp_file)]
        + ["-m", "bleu", "chrf", "ter", "-f", "text", "--no-color", "-q"],
        capture_output=True,
        text=True,
        check=True,
    )
    # sacrebleu right-aligns its lines on "="; the content is what must agree.
    assert ours.output.splitlines() == [line.strip() for line in theirs.stdout.splitlines()]


def test_chrf_plus_plus_table_line(tmp_path: Path) -> None:
    hyp_file, ref_file = _write(tmp_path, "h.txt", HYP), _write(tmp_path, "r.txt", REF_A)
    result = CliRunner().invoke(cli, ["score", str(hyp_file), "-r", str(ref_file), "-m", "chrf++"])
    metric = CHRF(word_order=2)
    score = metric.corpus_score(HYP, [REF_A])
    assert result.output.strip() == score.format(1, signature=metric.get_signature().format())
    assert result.output.startswith("chrF2++|") and "nw:2" in result.output


@pytest.mark.parametrize(
    ("flags", "metric"),
    [(["-lc"], BLEU(lowercase=True)), (["-tok", "intl"], BLEU(tokenize="intl"))],
)
def test_bleu_options_reach_sacrebleu(tmp_path: Path, flags: list[str], metric: BLEU) -> None:
    hyp_file, ref_file = _write(tmp_path, "h.txt", HYP), _write(tmp_path, "r.txt", REF_A)
    report = _score_json(CliRunner(), [str(hyp_file), "-r", str(ref_file), "-m", "bleu", *flags])
    (ours,) = report["systems"][0]["scores"]
    assert ours["score"] == metric.corpus_score(HYP, [REF_A]).score
    assert ours["signature"] == metric.get_signature().format()


def test_per_segment_scores_equal_sentence_scores(tmp_path: Path) -> None:
    hyp_file, ref_file = _write(tmp_path, "h.txt", HYP), _write(tmp_path, "r.txt", REF_A)
    report = _score_json(
        CliRunner(), [str(hyp_file), "-r", str(ref_file), "-m", "bleu,chrf", "--per-segment"]
    )
    bleu, chrf = BLEU(effective_order=True), CHRF()  # as `sacrebleu --sentence-level`
    expected = [
        [bleu.sentence_score(h, [r]).score, chrf.sentence_score(h, [r]).score]
        for h, r in zip(HYP, REF_A, strict=True)
    ]
    assert [[s["score"] for s in row] for row in report["segments"]] == expected
    assert "eff:yes" in report["segments"][0][0]["signature"]


def test_confidence_interval_equals_sacrebleu_bootstrap(tmp_path: Path) -> None:
    hyp_file, ref_file = _write(tmp_path, "h.txt", HYP), _write(tmp_path, "r.txt", REF_A)
    args = [
        str(hyp_file),
        "-r",
        str(ref_file),
        "-m",
        "bleu",
        "--confidence",
        "--confidence-n",
        "50",
    ]
    (ours,) = _score_json(CliRunner(), args)["systems"][0]["scores"]
    metric = BLEU(references=[REF_A])
    expected = metric.corpus_score(HYP, None, n_bootstrap=50)
    assert (ours["confidence_mean"], ours["confidence_ci"]) == (expected._mean, expected._ci)
    assert ours["signature"] == metric.get_signature().format()  # holds bs:50 and the seed


@pytest.mark.parametrize(("flag", "test_type"), [("--paired-bs", "bs"), ("--paired-ar", "ar")])
def test_paired_tests_equal_sacrebleu(tmp_path: Path, flag: str, test_type: str) -> None:
    base, other = _write(tmp_path, "base.txt", HYP), _write(tmp_path, "other.txt", REF_B)
    ref_file = _write(tmp_path, "r.txt", REF_A)
    args = [str(base), str(other), "-r", str(ref_file), "-m", "bleu", flag, "--paired-n", "50"]
    report = _score_json(CliRunner(), args)
    systems = [("Baseline: " + str(base), HYP), (str(other), REF_B)]
    signatures, table = PairedTest(
        systems, {"BLEU": BLEU(references=[REF_A])}, None, test_type=test_type, n_samples=50
    )()
    ours = [entry["paired"][0] for entry in report["systems"]]
    assert [(r["score"], r["p_value"]) for r in ours] == [
        (result.score, result.p_value) for result in table["BLEU"]
    ]
    assert ours[1]["p_value"] is not None and ours[0]["p_value"] is None
    assert report["paired"]["signatures"]["BLEU"] == signatures["BLEU"].format()


@pytest.mark.parametrize(
    ("hyp", "refs", "extra", "expected"),
    [
        (HYP[:3], [REF_A], [], ["hyp.txt has 3 segments", "ref0.txt has 4"]),
        (HYP, [REF_A, REF_B[:2]], [], ["hyp.txt has 4 segments", "ref1.txt has 2"]),
        ([], [REF_A], [], ["hyp.txt", "empty"]),
        (HYP, [[]], [], ["ref0.txt", "empty"]),
        (HYP, [REF_A], ["-m", "bleu,meteor"], ["unknown metric 'meteor'", "chrf++"]),
        (
            HYP,
            [REF_A],
            ["--source", "<src>", "--glossary", "<glossary>", "--lang", "fr"],
            ["src.txt has 2 segments", "hyp.txt has 4"],
        ),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(
    tmp_path: Path, hyp: list[str], refs: list[list[str]], extra: list[str], expected: list[str]
) -> None:
    hyp_file = _write(tmp_path, "hyp.txt", hyp)
    src_file = _write(tmp_path, "src.txt", ["Eén.", "Twee."])
    glossary = _write(tmp_path, "g.tsv", ["id\tnl\tfr", "een\tEén\tun"])
    places = {"<src>": str(src_file), "<glossary>": str(glossary)}
    extra = [places.get(arg, arg) for arg in extra]
    args = ["score", str(hyp_file)]
    for number, ref in enumerate(refs):
        args += ["-r", str(_write(tmp_path, f"ref{number}.txt", ref))]
    result = CliRunner().invoke(cli, [*args, *extra])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    for fragment in expected:
        assert fragment in result.output


def test_missing_file_exits_2(tmp_path: Path) -> None:
    ref_file = _write(tmp_path, "r.txt", REF_A)
    result = CliRunner().invoke(cli, ["score", str(tmp_path / "nope.txt"), "-r", str(ref_file)])
    assert result.exit_code == 2
    assert "nope.txt: file not found" in result.output


# --- terminology accuracy -----------------------------------------------------------------------

GLOSSARY = [
    "id\tnl\tfr\tfr!",
    "coalition\tInternationale Coalitie\tcoalition internationale|coalitions internationales\t",
    "minister\tminister\tministre\tsecrétaire",
]
SOURCES = [
    "De Internationale Coalitie steunt de minister.",
    "De minister bezoekt Irak.",
    "De Internationale Coalitie vergadert.",
    "Niets over termen hier.",
]


@pytest.mark.parametrize(
    ("hypotheses", "matched", "per_term", "forbidden"),
    [
        (  # every term present, as approved
            [
                "La coalition internationale soutient le ministre.",
                "Le ministre visite l'Irak.",
                "La coalition internationale se réunit.",
                "Rien sur les termes ici.",
            ],
            4,
            {"coalition": (2, 2), "minister": (2, 2)},
            0,
        ),
        (  # terms absent, one replaced by the forbidden translation
            [
                "L'alliance soutient le secrétaire.",
                "Le ministre visite l'Irak.",
                "L'alliance se réunit.",
                "Rien.",
            ],
            1,
            {"coalition": (0, 2), "minister": (1, 2)},
            1,
        ),
        (  # an inflected form the glossary allows counts; one it does not list does not (exact)
            [
                "Les coalitions internationales soutiennent le ministre.",
                "Les ministres visitent l'Irak.",
                "Les coalitions internationales se réunissent.",
                "Rien.",
            ],
            3,
            {"coalition": (2, 2), "minister": (1, 2)},
            0,
        ),
    ],
)
def test_terminology_accuracy(
    tmp_path: Path,
    hypotheses: list[str],
    matched: int,
    per_term: dict[str, tuple[int, int]],
    forbidden: int,
) -> None:
    glossary = _write(tmp_path, "terms.tsv", GLOSSARY)
    hyp_file = _write(tmp_path, "hyp.fr.txt", hypotheses)
    args = [str(hyp_file), "-r", str(hyp_file)]  # the reference does not matter here
    args += ["-m", "bleu", "--glossary", str(glossary), "--lang", "fr"]
    args += ["--source", str(_write(tmp_path, "src.nl.txt", SOURCES))]
    terms = _score_json(CliRunner(), args)["systems"][0]["terminology"]
    assert (terms["matched"], terms["occurrences"]) == (matched, 4)
    assert terms["score"] == pytest.approx(100 * matched / 4)
    assert {t["entry_id"]: (t["matched"], t["occurrences"]) for t in terms["terms"]} == per_term
    assert terms["forbidden_found"] == forbidden
    assert "match:exact" in terms["signature"] and "lang:fr" in terms["signature"]


def test_terminology_table_shows_the_breakdown(tmp_path: Path) -> None:
    glossary = _write(tmp_path, "terms.tsv", GLOSSARY)
    hyp = _write(tmp_path, "hyp.txt", ["La coalition internationale.", "Le ministre.", "x", "y"])
    args = ["score", str(hyp), "-r", str(hyp), "-m", "bleu", "--glossary", str(glossary)]
    args += ["--source", str(_write(tmp_path, "src.txt", SOURCES)), "--lang", "fr"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "TermAcc|lang:fr|match:exact" in result.output and "= 50.0 (2/4" in result.output
    assert "coalition" in result.output and "1/2" in result.output


def test_command_has_help() -> None:
    result = CliRunner().invoke(cli, ["score", "--help"])
    assert result.exit_code == 0 and "sacrebleu" in result.output


@pytest.mark.parametrize(
    ("sources", "hypotheses", "expected"),
    [
        # a term twice in the source needs two in the hypothesis (as the WMT 2021 script counts)
        (["De minister groet de minister."], ["Le ministre salue le ministre."], (2, 2)),
        (["De minister groet de minister."], ["Le ministre salue son collègue."], (1, 2)),
        (["De minister groet de minister."], ["Salut."], (0, 2)),
        # one occurrence in the hypothesis stands for one source occurrence, not for two terms
        (
            ["De minister en de Internationale Coalitie."],
            ["Le ministre et la coalition internationale."],
            (2, 2),
        ),
        (["De minister.", "De minister."], ["Le ministre.", "Le ministre ministre."], (2, 2)),
    ],
)
def test_terminology_accuracy_counts_each_occurrence(
    tmp_path: Path, sources: list[str], hypotheses: list[str], expected: tuple[int, int]
) -> None:
    glossary = _write(tmp_path, "terms.tsv", GLOSSARY)
    hyp_file = _write(tmp_path, "hyp.fr.txt", hypotheses)
    args = [str(hyp_file), "-r", str(hyp_file), "-m", "bleu", "--glossary", str(glossary)]
    args += ["--source", str(_write(tmp_path, "src.nl.txt", sources))]
    terms = _score_json(CliRunner(), args)["systems"][0]["terminology"]
    assert (terms["matched"], terms["occurrences"]) == expected


def test_paired_tsv_writes_plain_numbers(tmp_path: Path) -> None:
    base, other = _write(tmp_path, "base.txt", HYP), _write(tmp_path, "other.txt", REF_B)
    args = ["score", str(base), str(other), "-r", str(_write(tmp_path, "r.txt", REF_A))]
    args += ["--paired-bs", "--paired-n", "20", "--format", "tsv"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    header, *rows = [line.split("\t") for line in result.output.splitlines()]
    assert header[2:6] == ["score", "ci_mean", "ci", "p_value"]
    assert len(rows) == 8  # two systems, four metrics
    for row in rows:
        numbers = [float(cell) for cell in row[2:6] if cell]  # each cell a number, or empty
        assert len(numbers) >= 3, row


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["-w", "-3"], "Invalid value for '-w' / '--width': -3 is not in the range x>=0"),
        (["--lang", "xx", "--glossary", "<g>", "--source", "<h>"], "'xx' is not one of 'fr'"),
        (["--confidence", "--confidence-n", "0"], "0 is not in the range x>=2"),
        (["--confidence", "--confidence-n", "1"], "1 is not in the range x>=2"),
        (["--confidence-n", "50"], "--confidence-n sets the bootstrap: add --confidence"),
        (["<h>", "--paired-bs", "--paired-n", "0"], "0 is not in the range x>=1"),
        (["--paired-n", "50"], "--paired-n sets the paired test: add --paired-bs or --paired-ar"),
    ],
)
def test_options_that_would_do_nothing_or_fail_are_refused(
    tmp_path: Path, extra: list[str], expected: str
) -> None:
    hyp = _write(tmp_path, "hyp.txt", HYP)
    places = {"<h>": str(hyp), "<g>": str(_write(tmp_path, "g.tsv", GLOSSARY))}
    args = ["score", str(hyp), "-r", str(hyp), *(places.get(arg, arg) for arg in extra)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert expected in " ".join(result.output.split())
    assert isinstance(result.exception, SystemExit)  # a message, no traceback


def test_a_tokenizer_whose_model_cannot_be_downloaded_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """-tok flores200 on a machine without network: one line, not urllib's traceback."""
    import urllib.error
    import urllib.request

    from sacrebleu.tokenizers import tokenizer_spm

    def offline(*args: object, **kwargs: object) -> None:
        raise urllib.error.URLError("[Errno -2] Name or service not known")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    monkeypatch.setattr(tokenizer_spm, "SACREBLEU_DIR", str(tmp_path / "sacrebleu"))
    hyp = _write(tmp_path, "hyp.txt", HYP)
    result = CliRunner().invoke(cli, ["score", str(hyp), "-r", str(hyp), "-tok", "flores200"])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    message = " ".join(result.stderr.split())
    assert "BLEU tokenizer 'flores200' needs its SentencePiece model" in message
    assert "Name or service not known" in message
    assert str(tmp_path / "sacrebleu" / "models" / "flores200sacrebleuspm") in message
    assert len(result.stderr.splitlines()) == 1


def test_written_out_languages_are_the_documents() -> None:
    from mt.cli.score import LANGS
    from mt.documents import TRANSLATION_LANGS

    assert LANGS == TRANSLATION_LANGS
