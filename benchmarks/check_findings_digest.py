"""Every finding ``mt check`` raises on the benchmarks' corpora, written out, so that a change
meant only to make the checks faster can be shown to change no finding.

    .venv/bin/python benchmarks/check_findings_digest.py [--pairs 100000] [-o findings.txt]

The corpora: the synthetic pairs of ``check_throughput.py`` (French, with the German and English
translations derived from it; all checks together, then each check alone on the first fifth),
the same pairs as Markdown and plain-text releases checked by :func:`mt.qa.check.check_pairs`
(the first fifth), FLORES-200 dev and devtest in French, German and English, and every error
``check_flores.py --planted`` plants into them (the planted pair itself is written too). Each
finding is one line holding all its fields; a line per corpus gives its count and a SHA-256 of
its lines. Run it before a change and after, and compare the files (``diff``, or the digests).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import check_flores as flores  # noqa: E402
import check_throughput as throughput  # noqa: E402

from mt.evaluation.testsets import load_testset  # noqa: E402
from mt.qa.check import CHECKS, CheckConfig, SegmentPair, check_pairs, check_segments  # noqa: E402
from mt.qa.findings import Finding  # noqa: E402
from mt.terminology.glossary import load_glossary  # noqa: E402


def finding_line(finding: Finding) -> str:
    """All of a finding's fields, on one line."""
    fields = (
        finding.check,
        finding.code,
        finding.severity.value,
        finding.message,
        repr(finding.source),
        repr(finding.target),
        finding.evidence,
        finding.source_text,
        finding.target_text,
    )
    return repr(fields)


def write_section(out, name: str, lines: Iterable[str]) -> None:
    """The lines of one corpus, then its count and digest (printed too)."""
    digest, count = hashlib.sha256(), 0
    out.write(f"## {name}\n")
    for line in lines:
        out.write(line + "\n")
        digest.update(line.encode("utf-8") + b"\n")
        count += 1
    summary = f"{name}: {count} lines, sha256 {digest.hexdigest()[:16]}"
    out.write(f"# {summary}\n")
    print(summary, flush=True)


def synthetic(out, count: int) -> None:
    rng = random.Random(throughput.SEED)
    tsv, terms = throughput.synthetic_glossary(5000, rng)
    glossary = throughput.load_tsv(tsv)
    others: dict[str, list[str]] = {"de": [], "en": []}
    pairs = throughput.synthetic_pairs(count, terms, rng, others)
    corpora = {"fr": pairs}
    for lang, translations in others.items():
        corpora[lang] = [
            SegmentPair(pair.source, target)
            for pair, target in zip(pairs, translations, strict=True)
        ]
    for lang, corpus in corpora.items():
        findings = check_segments(corpus, lang, glossary, CheckConfig())
        write_section(out, f"synthetic {lang}, all checks", map(finding_line, findings))
    fifth = pairs[: count // 5]
    for check in CHECKS:
        config = CheckConfig(enabled=frozenset((check,)))
        findings = check_segments(fifth, "fr", glossary, config)
        write_section(out, f"synthetic fr, {check} alone", map(finding_line, findings))
    releases = max(1, count // 5 // 100)
    for suffix in (".md", ".txt"):
        with tempfile.TemporaryDirectory() as folder:
            firsts = {lang: texts[: len(fifth)] for lang, texts in others.items()}
            docs = throughput.write_releases(Path(folder), fifth, tsv, releases, suffix, firsts)
            jobs = [
                (docs / f"r{number:03}.nl{suffix}", docs / f"r{number:03}.{lang}{suffix}", lang)
                for number in range(releases)
                for lang in ("fr", "de", "en")
            ]
            lines = []
            for report in check_pairs(jobs, glossary):
                lines.append(f"{Path(report.source).name} {report.lang} {report.segments}")
                lines.extend(
                    finding_line(finding).replace(folder, "<tmp>") for finding in report.findings
                )
            write_section(out, f"synthetic releases {suffix}", lines)


def flores_findings(out) -> None:
    """Each split's findings, then the planted errors of the pairs that raised none (those are
    the pairs an error is planted into), a section each."""
    glossary = load_glossary(None)
    config = CheckConfig()
    planted: dict[str, list[str]] = {}
    for split in ("flores200-dev", "flores200-devtest"):
        for lang in flores.LANGS:
            testset = load_testset(split, lang)
            lines: list[str] = []
            plants = planted[f"{split} {lang} planted"] = []
            for index, (source, target) in enumerate(
                zip(testset.sources, testset.references, strict=True)
            ):
                found = check_segments([SegmentPair(source, target)], lang, glossary, config)
                lines.extend(f"{index} {finding_line(finding)}" for finding in found)
                if not found:
                    plants.extend(_planted_findings(index, source, target, lang, glossary, config))
            write_section(out, f"{split} {lang}", lines)
    for name, lines in planted.items():
        write_section(out, name, lines)


def _planted_findings(index, source, target, lang, glossary, config) -> list[str]:
    """What each error planted into a clean pair raises (and, for markup, the clean pair too)."""
    lines = []
    for kind, (planted_source, wrong) in flores.plant(source, target, lang, glossary).items():
        lines.append(f"{index} {kind} {(planted_source, wrong)!r}")
        found = check_segments([SegmentPair(planted_source, wrong)], lang, glossary, config)
        lines.extend(map(finding_line, found))
    for kind, (md_source, md_target, wrong) in flores.plant_markup(source, target).items():
        lines.append(f"{index} {kind} {wrong!r}")
        clean = flores._check_markdown(md_source, md_target, lang, glossary)
        lines.extend("clean " + finding_line(finding) for finding in clean)
        found = flores._check_markdown(md_source, wrong, lang, glossary)
        lines.extend(map(finding_line, found))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=100_000, help="synthetic pairs")
    parser.add_argument("-o", "--output", type=Path, default=Path("findings.txt"))
    options = parser.parse_args()
    with options.output.open("w", encoding="utf-8") as out:
        flores_findings(out)  # first: the checks' memos start empty
        synthetic(out, options.pairs)


if __name__ == "__main__":
    main()
