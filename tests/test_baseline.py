"""Findings accepted on purpose (:mod:`mt.qa.baseline`), kept by what they are, not where they
are."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from mt.core.errors import InputError, Location
from mt.qa.baseline import apply_baseline, read_baseline, write_baseline
from mt.qa.check import PairReport
from mt.qa.findings import Finding, Severity


def finding(code: str, evidence: str, target_text: str, line: int = 3) -> Finding:
    return Finding(
        "numbers",
        code,
        Severity.ERROR,
        f'"{evidence}" is missing from the translation',
        Location("docs/r.nl.md", line),
        Location("docs/r.fr.md", line),
        evidence,
        f"De storm haalde {evidence} mph (64 km/u).",
        target_text,
    )


DROPPED = finding("number-missing", "40", "La tempête atteint 64 km/h.")
LOST = finding("number-missing", "12", "Douze membres.", line=9)


def report(*findings: Finding, target: str = "docs/r.fr.md") -> PairReport:
    return PairReport("docs/r.nl.md", target, "fr", 10, tuple(findings))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_accepted_findings_leave_the_reports_and_are_counted(project: Path) -> None:
    write_baseline(project / "baseline.json", [report(DROPPED)])
    waived = apply_baseline([report(DROPPED, LOST)], read_baseline(project / "baseline.json"))
    assert [r.findings for r in waived.reports] == [(LOST,)]
    assert (waived.accepted, waived.unused) == (1, 0)


@pytest.mark.parametrize(
    ("later", "accepted"),
    [
        (DROPPED, True),
        (replace(DROPPED, source=Location("docs/r.nl.md", 30), target=Location("x", 31)), True),
        (replace(DROPPED, message="worded otherwise by a later mt"), True),
        (replace(DROPPED, target_text="La tempête atteint 65 km/h."), False),  # pair edited
        (replace(DROPPED, source_text="De storm haalde 41 mph."), False),
        (replace(DROPPED, evidence="41"), False),
        (replace(DROPPED, code="number-changed"), False),
    ],
)
def test_a_finding_is_kept_by_what_it_is_not_where(
    project: Path, later: Finding, accepted: bool
) -> None:
    write_baseline(project / "baseline.json", [report(DROPPED)])
    waived = apply_baseline([report(later)], read_baseline(project / "baseline.json"))
    assert waived.accepted == int(accepted)
    assert waived.unused == int(not accepted)  # the old entry now meets nothing
    assert waived.reports[0].findings == (() if accepted else (later,))


def test_each_entry_accepts_one_finding(project: Path) -> None:
    write_baseline(project / "baseline.json", [report(DROPPED)])
    waived = apply_baseline([report(DROPPED, DROPPED)], read_baseline(project / "baseline.json"))
    assert waived.accepted == 1 and waived.reports[0].findings == (DROPPED,)


def test_unused_entries_are_counted_for_the_files_checked_only(project: Path) -> None:
    write_baseline(
        project / "baseline.json", [report(DROPPED), report(LOST, target="docs/r.de.md")]
    )
    waived = apply_baseline([report()], read_baseline(project / "baseline.json"))
    assert (waived.accepted, waived.unused) == (0, 1)  # r.de.md was not checked this time


def test_files_are_named_relative_to_the_baseline(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_baseline(project / "ci" / "baseline.json", [report(DROPPED)])
    entry = json.loads((project / "ci" / "baseline.json").read_text())["findings"][0]
    assert (entry["source"], entry["target"]) == ("../docs/r.nl.md", "../docs/r.fr.md")
    (project / "docs").mkdir()
    monkeypatch.chdir(project / "docs")  # the same files, named from another working folder
    moved = PairReport("r.nl.md", "r.fr.md", "fr", 10, (DROPPED,))
    waived = apply_baseline([moved], read_baseline(Path("..") / "ci" / "baseline.json"))
    assert waived.accepted == 1


def test_the_file_is_sorted_and_shows_what_was_accepted(project: Path) -> None:
    assert write_baseline(project / "baseline.json", [report(LOST, DROPPED)]) == (2, 0)
    document = json.loads((project / "baseline.json").read_text())
    assert document["version"] == 1
    assert [entry["evidence"] for entry in document["findings"]] == ["12", "40"]
    assert document["findings"][1]["message"] == DROPPED.message


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (None, "baseline.json", "no such baseline; create it with --write-baseline"),
        ('{"version": 1,\n "findings": [', "baseline.json:2", "not valid JSON"),
        ('{"version": 2, "findings": []}', "baseline.json", "not an mt check baseline"),
        ('{"version": 1, "findings": {}}', "baseline.json", "not an mt check baseline"),
        ("[]", "baseline.json", "not an mt check baseline"),
        (
            '{"version": 1, "findings": [\n  {"source": "a", "target": "b", "code": "c", '
            '"evidence": "", "segment": "d"},\n  {"source": "a"}\n]}',
            "baseline.json:3",
            "baseline entry 2 needs the text fields source, target, code, evidence, segment",
        ),
    ],
)
def test_a_bad_baseline_is_named_with_its_line(
    project: Path, text: str | None, where: str, message: str
) -> None:
    if text is not None:
        (project / "baseline.json").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_baseline(Path("baseline.json"))
    assert str(caught.value.location) == where
    assert message in caught.value.message


def test_writing_again_keeps_what_was_accepted_in_files_not_checked(project: Path) -> None:
    path = project / "baseline.json"
    write_baseline(path, [report(DROPPED), report(LOST, target="docs/r.de.md")])
    # a run over the French file alone, its finding fixed: the German entry stays
    assert write_baseline(path, [report()]) == (0, 1)
    entries = read_baseline(path).entries
    assert [(entry["target"], entry["evidence"]) for entry in entries] == [("docs/r.de.md", "12")]


def test_a_broken_baseline_is_not_overwritten(project: Path) -> None:
    (project / "baseline.json").write_text("{", encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON"):
        write_baseline(project / "baseline.json", [report(DROPPED)])
    assert (project / "baseline.json").read_text(encoding="utf-8") == "{"
