"""Findings accepted on purpose: a baseline file, so that ``mt check`` fails only on new ones.

A translator may depart from the source on purpose: drop a conversion ("40 mph (64 km/u)" as
"64 km/h"), keep a name the glossary forbids in a quotation. A CI gate that stays red over such a
finding is switched off sooner or later; a baseline records the findings a reviewer accepted, and
later runs report only the others::

    mt check docs/ --baseline mt-check-baseline.json --write-baseline   # accept what is there
    mt check docs/ --baseline mt-check-baseline.json                    # fail on new findings

Each accepted finding is kept by what it is, not by where it stands: the two files (relative to
the baseline's folder, so that any working folder reads it the same), the code, the offending text,
and a digest of the segment pair. A line moved by an edit elsewhere keeps its acceptance; an edit
to the pair itself ends it, and the finding is shown again to be looked at. The same finding twice
in one file needs two entries. The file is JSON, sorted, one entry per finding with its message,
so that a pull request that changes it shows what was accepted.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from mt.core.errors import InputError, Location
from mt.qa.check import PairReport
from mt.qa.findings import Finding

BASELINE_VERSION = 1  # the file's layout

# The files (relative to the baseline's folder), code, evidence and digest of the segment pair.
_Key = tuple[str, ...]
_FIELDS = ("source", "target", "code", "evidence", "segment")


@dataclass(frozen=True)
class Baseline:
    """The entries of a baseline file: one per accepted finding, as the file holds them."""

    path: Path
    entries: tuple[dict[str, str], ...]

    def accepted(self) -> Counter[_Key]:
        """Each accepted finding's key, as often as it was accepted."""
        return Counter(tuple(entry[name] for name in _FIELDS) for entry in self.entries)


@dataclass(frozen=True)
class Waived:
    """What a baseline did to a run: its reports less the accepted findings, how many findings it
    accepted, and how many of its entries for the files checked found no finding (fixed, or the
    segment was edited): those can go, by writing the baseline again."""

    reports: tuple[PairReport, ...]
    accepted: int
    unused: int


def read_baseline(path: Path) -> Baseline:
    """The baseline at ``path``; a missing, unreadable or malformed file is an :class:`InputError`
    naming the file and, for bad JSON or a bad entry, the line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            "no such baseline; create it with --write-baseline", Location(path)
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8"
        raise InputError(f"cannot read the baseline: {reason}", Location(path)) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"not valid JSON: {error.msg}", Location(path, error.lineno)) from None
    entries = document.get("findings") if isinstance(document, dict) else None
    if not isinstance(entries, list) or document.get("version") != BASELINE_VERSION:
        raise InputError(
            f'not an mt check baseline (version {BASELINE_VERSION}, a "findings" list); '
            "write one with --write-baseline",
            Location(path),
        )
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(name), str) for name in _FIELDS
        ):
            line = _line_of_entry(text, index)
            fields = ", ".join(_FIELDS)
            raise InputError(
                f"baseline entry {index + 1} needs the text fields {fields}",
                Location(path, line),
            )
    return Baseline(path, tuple(entries))


def write_baseline(path: Path, reports: Iterable[PairReport]) -> tuple[int, int]:
    """Write every finding of ``reports`` to the baseline ``path`` (atomically), beside the entries
    it already holds for files these reports do not cover (a run over some files does not drop
    what was accepted in others); how many findings it wrote, and how many entries it kept."""
    from mt.documents import write_atomic

    path = Path(path)
    root = _root(path)
    reports = list(reports)
    checked = {_pair(report, root) for report in reports}
    kept = []
    if path.exists():  # (a broken file is reported, not overwritten)
        kept = [
            entry
            for entry in read_baseline(path).entries
            if (entry["source"], entry["target"]) not in checked
        ]
    written = [
        dict(zip(_FIELDS, _key(_pair(report, root), finding), strict=True), message=finding.message)
        for report in reports
        for finding in report.findings
    ]
    entries = sorted(
        kept + written,
        key=lambda entry: tuple(str(entry.get(name, "")) for name in (*_FIELDS, "message")),
    )
    document = {"version": BASELINE_VERSION, "findings": entries}
    write_atomic(path, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    return len(written), len(kept)


def apply_baseline(reports: Iterable[PairReport], baseline: Baseline) -> Waived:
    """``reports`` without the findings ``baseline`` accepts, each entry accepting one finding."""
    root = _root(baseline.path)
    left = baseline.accepted()
    kept: list[PairReport] = []
    accepted = 0
    checked: set[tuple[str, str]] = set()
    for report in reports:
        pair = _pair(report, root)
        checked.add(pair)
        findings: list[Finding] = []
        for finding in report.findings:
            key = _key(pair, finding)
            if left[key] > 0:
                left[key] -= 1
                accepted += 1
            else:
                findings.append(finding)
        if len(findings) != len(report.findings):
            report = replace(report, findings=tuple(findings))
        kept.append(report)
    unused = sum(count for key, count in left.items() if key[:2] in checked)
    return Waived(tuple(kept), accepted, unused)


def _pair(report: PairReport, root: Path) -> tuple[str, str]:
    """The report's two files, relative to the baseline's folder ``root``."""
    return _relative(report.source, root), _relative(report.target, root)


def _key(pair: tuple[str, str], finding: Finding) -> _Key:
    """What a finding of the files ``pair`` is kept by (see the module docstring)."""
    texts = f"{finding.source_text}\0{finding.target_text}".encode()
    return (*pair, finding.code, finding.evidence, hashlib.sha256(texts).hexdigest()[:16])


def _root(path: Path) -> Path:
    return Path(os.path.abspath(path)).parent


def _relative(file: str, root: Path) -> str:
    """``file`` relative to ``root``, with forward slashes on every system."""
    return Path(os.path.relpath(os.path.abspath(file), root)).as_posix()


def _line_of_entry(text: str, index: int) -> int | None:
    """The line where entry ``index`` of the "findings" list starts (None if it cannot be told)."""
    decoder = json.JSONDecoder()
    position = text.find("[", text.find('"findings"')) + 1
    try:
        for _ in range(index):
            _, position = decoder.raw_decode(text, _skip_separators(text, position))
    except json.JSONDecodeError:
        return None
    return text.count("\n", 0, _skip_separators(text, position)) + 1


def _skip_separators(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n,":
        position += 1
    return position


__all__ = [
    "BASELINE_VERSION",
    "Baseline",
    "Waived",
    "apply_baseline",
    "read_baseline",
    "write_baseline",
]
