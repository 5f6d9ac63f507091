"""``mt check`` results for people and for machines: text, JSON, JUnit XML and GitHub annotations.

A formatter is a function from a :class:`CheckRun` to a string, registered under its format name::

    @formatter("json")
    def format_json(run: CheckRun, color: bool = False) -> str: ...

Every format says which glossary (its files, why those were used, and its version), fail-on
level and baseline produced the verdict, so a report read later still tells how it was made.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click

from mt.core.errors import InputError, Location
from mt.qa.check import PairReport
from mt.qa.findings import CHECKS, CheckConfig, Finding, Severity

REPORT_VERSION = 1  # the JSON layout; raised when a field changes meaning or goes away


@dataclass(frozen=True)
class CheckRun:
    """Every pair checked in one ``mt check`` run, and how they were checked."""

    reports: tuple[PairReport, ...]
    config: CheckConfig
    glossary_version: str = ""
    glossary_files: tuple[str, ...] = ()  # the files the glossary was read from
    glossary_origin: str = ""  # why these: "--glossary", the working folder's, the shipped one
    baseline: str = ""  # the baseline file the run was checked against, if any (mt.qa.baseline)
    accepted: int = 0  # findings the baseline accepted: not in ``reports``
    unused: int = 0  # entries of the baseline, for the files checked, that met no finding

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(finding for report in self.reports for finding in report.findings)

    def counts(self) -> dict[str, int]:
        counts = {severity.value: 0 for severity in Severity}
        for finding in self.findings:
            counts[finding.severity.value] += 1
        return counts

    @property
    def failed(self) -> bool:
        """Whether a finding reaches the fail-on severity (exit code 1)."""
        return any(self.config.fails(finding.severity) for finding in self.findings)

    @property
    def segments(self) -> int:
        return sum(report.segments for report in self.reports)


Formatter = Callable[[CheckRun, bool], str]
FORMATTERS: dict[str, Formatter] = {}


def formatter(name: str) -> Callable[[Formatter], Formatter]:
    def register(function: Formatter) -> Formatter:
        FORMATTERS[name] = function
        return function

    return register


def render(run: CheckRun, format: str, *, color: bool = False) -> str:
    """``run`` in ``format`` (one of :data:`FORMATTERS`), ending with a newline."""
    try:
        function = FORMATTERS[format]
    except KeyError:
        known = ", ".join(sorted(FORMATTERS))
        raise InputError(f"unknown report format {format!r}; use one of {known}") from None
    return function(run, color)


def verdict(run: CheckRun) -> str:
    """One line: the counts, the segments, the fail-on level and whether the run passed."""
    counts = run.counts()
    parts = [_plural(counts[s.value], s.value) for s in Severity if counts[s.value]]
    found = ", ".join(parts) if parts else "no findings"
    pairs = _plural(len(run.reports), "translation")
    outcome = "FAILED" if run.failed else "passed"
    baseline = ""
    if run.baseline:
        baseline = f"{run.accepted} accepted by the baseline"
        if run.unused:
            baseline += f" ({_plural(run.unused, 'entry', 'entries')} met no finding)"
        baseline += "; "
    return (
        f"mt check: {found} in {pairs} ({_plural(run.segments, 'segment')}); {baseline}"
        f"fail-on {run.config.fail_on}: {outcome}"
    )


def glossary_line(run: CheckRun) -> str:
    """Which glossary the terms were checked against, why that one, and its version."""
    if not run.glossary_version:
        return f"glossary: none ({run.glossary_origin or 'not used'})"
    files = ", ".join(run.glossary_files) or "-"
    origin = f"{run.glossary_origin}; " if run.glossary_origin else ""
    return f"glossary: {files} ({origin}version {run.glossary_version})"


def _plural(count: int, noun: str, nouns: str = "") -> str:
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def _where(location: Location | None) -> str:
    return str(location) if location is not None else "-"


def _clip(text: str, width: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


@formatter("text")
def format_text(run: CheckRun, color: bool = False) -> str:
    """Findings grouped by translation, for a person at a terminal or reading a CI log."""

    def style(text: str, **styles: object) -> str:
        return click.style(text, **styles) if color else text  # type: ignore[arg-type]

    lines: list[str] = []
    for report in run.reports:
        head = f"{report.target} ← {report.source} ({report.lang}, {report.segments} segments)"
        if not report.findings:
            lines.append(f"{head}: " + style("ok", fg="green"))
            continue
        lines.append(style(head, bold=True))
        for finding in report.findings:
            severity = style(
                f"{finding.severity.value:<7}", fg=_COLORS[finding.severity], bold=True
            )
            where = f"{_where(finding.target)} ← {_where(finding.source)}"
            lines.append(f"  {severity} {finding.check}/{finding.code}  {where}")
            lines.append(f"          {finding.message}")
            if finding.source_text:
                lines.append(f"          nl: {_clip(finding.source_text)}")
            if finding.target_text:
                lines.append(f"          {report.lang}: {_clip(finding.target_text)}")
    lines.append(glossary_line(run))
    summary = verdict(run)
    lines.append(style(summary, fg="red" if run.failed else "green", bold=True))
    return "\n".join(lines) + "\n"


def _finding_dict(finding: Finding) -> dict[str, object]:
    def place(location: Location | None) -> dict[str, object] | None:
        if location is None:
            return None
        return {"path": str(location.path), "line": location.line}

    return {
        "check": finding.check,
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "source": place(finding.source),
        "target": place(finding.target),
        "evidence": finding.evidence,
        "source_text": finding.source_text,
        "target_text": finding.target_text,
    }


@formatter("json")
def format_json(run: CheckRun, color: bool = False) -> str:
    """Everything, for a pipeline: the verdict, the counts and each finding with both locations."""
    document = {
        "version": REPORT_VERSION,
        "passed": not run.failed,
        "fail_on": run.config.fail_on,
        "glossary": run.glossary_version,
        "glossary_files": list(run.glossary_files),
        "glossary_origin": run.glossary_origin,
        "checks": [check for check in CHECKS if check in run.config.enabled],
        "counts": run.counts(),
        "segments": run.segments,
        "baseline": (
            {"path": run.baseline, "accepted": run.accepted, "unused": run.unused}
            if run.baseline
            else None
        ),
        "files": [
            {
                "source": report.source,
                "target": report.target,
                "lang": report.lang,
                "segments": report.segments,
                "findings": [_finding_dict(finding) for finding in report.findings],
            }
            for report in run.reports
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


@formatter("junit")
def format_junit(run: CheckRun, color: bool = False) -> str:
    """JUnit XML: a test suite per translation, a test case per check; findings that reach fail-on
    are failures, the others are listed in the case's ``system-out``."""
    import xml.etree.ElementTree as ET  # only this format needs it

    root = ET.Element("testsuites", name="mt check")
    total_tests = total_failures = total_skipped = 0
    for report in run.reports:
        suite = ET.SubElement(root, "testsuite", name=f"{report.source} -> {report.target}")
        properties = ET.SubElement(suite, "properties")
        for name, value in (
            ("lang", report.lang),
            ("glossary", run.glossary_version),
            ("glossary-files", " ".join(run.glossary_files)),
            ("glossary-origin", run.glossary_origin),
            ("fail-on", run.config.fail_on),
            ("baseline", run.baseline),
        ):
            ET.SubElement(properties, "property", name=name, value=value)
        failures = skipped = 0
        for check in CHECKS:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"mt.check.{Path(report.target).name}",
                name=check,
                file=report.target,
            )
            if check not in run.config.enabled:
                ET.SubElement(case, "skipped", message="disabled in the check configuration")
                skipped += 1
                continue
            findings = [finding for finding in report.findings if finding.check == check]
            failing = [finding for finding in findings if run.config.fails(finding.severity)]
            if failing:
                failures += 1
                failure = ET.SubElement(
                    case,
                    "failure",
                    message=f"{_plural(len(failing), 'finding')}: {failing[0].message}",
                    type=failing[0].code,
                )
                failure.text = "\n".join(_junit_line(finding) for finding in failing)
            others = [finding for finding in findings if finding not in failing]
            if others:
                ET.SubElement(case, "system-out").text = "\n".join(map(_junit_line, others))
        suite.set("tests", str(len(CHECKS)))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", str(skipped))
        total_tests += len(CHECKS)
        total_failures += failures
        total_skipped += skipped
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    root.set("skipped", str(total_skipped))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _junit_line(finding: Finding) -> str:
    return (
        f"{finding.severity.value} {finding.code} {_where(finding.target)} "
        f"(source {_where(finding.source)}): {finding.message}"
    )


# GitHub workflow commands: https://docs.github.com/actions/reference/workflow-commands
_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


@formatter("github")
def format_github(run: CheckRun, color: bool = False) -> str:
    """Workflow annotations on the translated files (``::error file=...,line=...::message``)."""
    lines = []
    for finding in run.findings:
        where = finding.target or finding.source
        properties = []
        if where is not None:
            properties.append(f"file={_escape_property(str(where.path))}")
            if where.line is not None:
                properties.append(f"line={where.line}")
        properties.append(f"title={_escape_property(f'mt check {finding.check}/{finding.code}')}")
        message = finding.message
        if finding.source is not None:
            message += f" (source {finding.source})"
        level = _GITHUB_LEVEL[finding.severity]
        lines.append(f"::{level} {','.join(properties)}::{_escape_data(message)}")
    lines.append(glossary_line(run))
    lines.append(verdict(run))
    return "\n".join(lines) + "\n"
