"""How often ``mt check`` raises a false alarm on professional human translations, and how many
planted errors it catches.

    .venv/bin/python benchmarks/check_flores.py [--split dev|devtest|both] [--show CODE] [--json]
    .venv/bin/python benchmarks/check_flores.py --split devtest --labels   # the held-out figures
    .venv/bin/python benchmarks/check_flores.py --planted [--split ...] [--show-missed KIND]

FLORES-200 (``eval/flores200``) gives each Dutch sentence a French, a German and an English
translation made by professional translators: 997 pairs a language in ``dev``, 1,012 in
``devtest``. Every pair is checked with the shipped glossary, as ``mt check`` checks a release (a
sentence a unit), and the findings are counted by code, severity and language, with the rate per
1,000 pairs at ``error`` severity (what fails the default gate) and at any severity.

**Tuning and held-out.** The checks are tuned on ``dev`` only (``--show CODE`` prints each finding
with its pair). ``devtest`` is the held-out set: each of its findings is labelled by hand in
``benchmarks/check_flores_labels.tsv`` (``real``: the translation holds the problem the finding
names; ``false``: a false alarm), and ``--labels`` prints the false alarms per 1,000 pairs. A
finding without a label is listed (``--dump`` prints such rows to label) and counted apart.

``--planted`` measures the other side, what the checks catch: into each pair that raised no
finding it plants one error of each kind that the pair allows, and counts the planted errors that
a finding of the expected check reports (at any severity; the error share is printed beside).
The kinds: a figure of the translation changed (its last digit) or dropped; a unit or currency
swapped with the figure kept; an approved glossary term replaced by another word, or by a term
the glossary forbids; a term's second occurrence left in Dutch; the translation left in Dutch,
one sentence of it (the source after the translation), or a Dutch sentence inside it (before
it); and, in Markdown, a link's target changed, bold and link swapped, bold dropped.
``--show-missed KIND`` prints each planted error of that kind that no finding reported.
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import re
import sys
from pathlib import Path

from mt.documents import parse_document
from mt.evaluation.testsets import load_testset
from mt.qa.check import CheckConfig, SegmentPair, check_documents, check_segments
from mt.qa.findings import Finding, Severity
from mt.qa.numbers import extract_numbers
from mt.qa.units import unit_end, units_after, units_of
from mt.terminology.glossary import Glossary, load_glossary

SPLITS = {
    "dev": ("flores200-dev",),
    "devtest": ("flores200-devtest",),
    "both": ("flores200-dev", "flores200-devtest"),
}
LANGS = ("fr", "de", "en")
LABELS = Path(__file__).with_name("check_flores_labels.tsv")
LABEL_COLUMNS = ("split", "lang", "pair", "code", "evidence", "label", "why")
# planted error -> the check whose finding reports it
PLANTED = {
    "figure-changed": "numbers",
    "figure-dropped": "numbers",
    "unit-swapped": "numbers",
    "term-replaced": "terminology",
    "term-forbidden": "terminology",
    "term-second-in-dutch": "terminology",
    "left-in-dutch": "untranslated",
    "sentence-in-dutch": "untranslated",
    "dutch-sentence-inside": "untranslated",
    "link-target-changed": "structure",
    "markup-swapped": "structure",
    "bold-dropped": "structure",
}
# What a unit is swapped for: one of the same kind and another size, or another currency.
_SWAP = {
    "mm": "inch",
    "cm": "inch",
    "m": "ft",
    "km": "mi",
    "mi": "km",
    "ft": "m",
    "in": "cm",
    "kg": "lb",
    "g": "oz",
    "lb": "kg",
    "t": "lb",
    "degC": "°F",
    "degF": "°C",
    "km/h": "mph",
    "mph": "km/h",
    "km2": "mi2",
    "m2": "square feet",
    "ha": "acres",
    "EUR": "USD",
    "USD": "EUR",
    "GBP": "EUR",
    "h": "minutes",
    "min": "hours",
}
_SIGN_SWAP = {"$": "€", "€": "$", "£": "€"}
_URL = "https://diplomatie.belgium.be/nl/nieuws"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý«\"„“])")


def plant(source: str, target: str, lang: str, glossary: Glossary) -> dict[str, tuple[str, str]]:
    """(source, translation) with one error of each kind the pair allows, by kind; the source
    changes only for kinds that need it (a term met twice)."""
    planted = {
        "left-in-dutch": (source, source),
        "sentence-in-dutch": (source, f"{target} {source}"),
    }
    # a Dutch sentence inside the translation: after its first sentence, or before all of it
    sentences = _SENTENCE_END.split(target, maxsplit=1)
    inside = (
        f"{sentences[0]} {source} {sentences[1]}" if len(sentences) == 2 else f"{source} {target}"
    )
    planted["dutch-sentence-inside"] = (source, inside)
    figures = [figure for figure in extract_numbers(target, lang) if figure.text[-1:].isdigit()]
    if figures:
        figure = figures[0]
        changed = figure.text[:-1] + str((int(figure.text[-1]) + 1) % 10)
        planted["figure-changed"] = (
            source,
            target[: figure.start] + changed + target[figure.end :],
        )
        before = target[: figure.start].rstrip(" ")
        planted["figure-dropped"] = (source, before + " " + target[figure.end :].lstrip(" "))
    swapped = _swap_unit(source, target, lang)
    if swapped is not None:
        planted["unit-swapped"] = (source, swapped)
    for term in glossary.requirements(source, lang).required:
        if term.copy:
            continue
        present = [alternative for alternative in term.alternatives if alternative in target]
        if not present:
            continue
        replaced = target
        for alternative in sorted(present, key=len, reverse=True):
            replaced = replaced.replace(alternative, "Zorglub")
        planted["term-replaced"] = (source, replaced)
        entry = glossary.entry(term.entry_id)
        forbidden = entry.targets[lang].forbidden if lang in entry.targets else ()
        if forbidden:
            forbid = target
            for alternative in sorted(present, key=len, reverse=True):
                forbid = forbid.replace(alternative, forbidden[0])
            planted["term-forbidden"] = (source, forbid)
        if term.source_text.casefold() not in {a.casefold() for a in term.alternatives}:
            # (a Dutch form that is also an allowed term, "VN" in German, is no error there)
            # the source said it twice; the second is left in Dutch in the translation
            dutch = target.replace(present[0], term.source_text)
            planted["term-second-in-dutch"] = (f"{source} {source}", f"{target} {dutch}")
        break
    return planted


def _swap_unit(source: str, target: str, lang: str) -> str | None:
    """``target`` with the unit or currency of a figure swapped for another, the figure kept; only
    where the source writes the same figure with the same unit (else nothing tells)."""
    source_units = {
        (figure.value, unit)
        for figure in extract_numbers(source, "nl")
        for unit in units_of(source, figure.start, figure.end)
    }
    for figure in extract_numbers(target, lang):
        # the unit the source gives the figure ("Pfund" may be a mass or the currency)
        units = [
            u
            for u in units_of(target, figure.start, figure.end)
            if (figure.value, u) in source_units
        ]
        if not units:
            continue
        before = target[max(0, figure.start - 1) : figure.start]
        if before in _SIGN_SWAP:
            return target[: figure.start - 1] + _SIGN_SWAP[before] + target[figure.start :]
        if units_after(target, figure.end) and units[0] in _SWAP:
            tail = unit_end(target, figure.end)
            return target[: figure.end] + " " + _SWAP[units[0]] + target[tail:]
    return None


def plant_markup(source: str, target: str) -> dict[str, tuple[str, str, str]]:
    """Markdown versions of a pair (the first word in bold, a link after it) and three planted
    markup errors: (source, clean translation, translation with the error), by kind."""
    source_words, target_words = source.split(" ", 1), target.split(" ", 1)
    if len(source_words) < 2 or len(target_words) < 2:
        return {}
    md_source = f"**{source_words[0]}** {source_words[1]} ([meer]({_URL}))\n"
    md_target = f"**{target_words[0]}** {target_words[1]} ([more]({_URL}))\n"
    return {
        "link-target-changed": (
            md_source,
            md_target,
            md_target.replace(_URL, "https://evil.example/nieuws"),
        ),
        "markup-swapped": (
            md_source,
            md_target,
            f"[{target_words[0]}]({_URL}) {target_words[1]} (**more**)\n",
        ),
        "bold-dropped": (
            md_source,
            md_target,
            f"{target_words[0]} {target_words[1]} ([more]({_URL}))\n",
        ),
    }


def _check_markdown(source: str, target: str, lang: str, glossary: Glossary) -> list[Finding]:
    report = check_documents(
        parse_document(source, "markdown", "release.nl.md"),
        parse_document(target, "markdown", f"release.{lang}.md"),
        lang,
        glossary,
        source_text=source,
        target_text=target,
    )
    return list(report.findings)


def planted_errors(glossary: Glossary, splits: tuple[str, ...], show_missed: str | None) -> None:
    """Plant errors into the pairs that raised no finding; print how many each check caught."""
    caught: dict[str, collections.Counter[str]] = {}
    as_error: dict[str, collections.Counter[str]] = {}
    total: dict[str, collections.Counter[str]] = {}
    config = CheckConfig()
    for lang in LANGS:
        caught[lang], total[lang] = collections.Counter(), collections.Counter()
        as_error[lang] = collections.Counter()
        for split in splits:
            testset = load_testset(split, lang)
            for source, target in zip(testset.sources, testset.references, strict=True):
                if check_segments([SegmentPair(source, target)], lang, glossary, config):
                    continue  # a pair that raised a finding already: a new one would not show
                cases: list[tuple[str, list[Finding]]] = []
                for kind, (planted_source, wrong) in plant(source, target, lang, glossary).items():
                    found = check_segments(
                        [SegmentPair(planted_source, wrong)], lang, glossary, config
                    )
                    cases.append((kind, found))
                for kind, (md_source, md_target, wrong) in plant_markup(source, target).items():
                    if _check_markdown(md_source, md_target, lang, glossary):
                        continue  # the clean Markdown pair raised a finding already
                    cases.append((kind, _check_markdown(md_source, wrong, lang, glossary)))
                for kind, found in cases:
                    total[lang][kind] += 1
                    reported = [finding for finding in found if finding.check == PLANTED[kind]]
                    if reported:
                        caught[lang][kind] += 1
                        if any(finding.severity is Severity.ERROR for finding in reported):
                            as_error[lang][kind] += 1
                    elif kind == show_missed:
                        print(f"{lang} missed {kind}:\n    nl: {source}\n    {lang}: {target}")
    names = " + ".join(splits)
    print(f"planted errors caught, in the pairs that raised no finding ({names})")
    print("(caught at any severity / planted, recall; in brackets the share caught as an error)")
    print(f"{'planted':<22}" + "".join(f"{lang:>24}" for lang in LANGS))
    for kind in PLANTED:
        cells = []
        for lang in LANGS:
            count, of, errors = caught[lang][kind], total[lang][kind], as_error[lang][kind]
            share = f"{100 * count / of:>5.1f}% ({100 * errors / of:>3.0f}%)" if of else "-"
            cells.append(f"{count:>5}/{of:<5} {share}")
        print(f"{kind:<22}" + "".join(f"{cell:>24}" for cell in cells))


def read_labels(path: Path) -> dict[tuple[str, str, int, str, str], tuple[str, str]]:
    """(split, lang, pair, code, evidence) -> (label, why), from the labels file."""
    labels = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(
            (line for line in handle if not line.startswith("#")), delimiter="\t"
        ):
            key = (row["split"], row["lang"], int(row["pair"]), row["code"], row["evidence"])
            labels[key] = (row["label"], row["why"])
    return labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=sorted(SPLITS), default="dev")
    parser.add_argument("--show", metavar="CODE", help="print each finding with this code")
    parser.add_argument("--json", action="store_true", help="the counts as JSON")
    parser.add_argument("--labels", action="store_true", help="false alarms, by the labels file")
    parser.add_argument("--dump", action="store_true", help="print unlabelled findings as rows")
    parser.add_argument("--planted", action="store_true", help="plant errors; count those caught")
    parser.add_argument(
        "--show-missed", metavar="KIND", help="with --planted: print each missed error of KIND"
    )
    options = parser.parse_args()

    glossary = load_glossary(None)
    splits = SPLITS[options.split]
    if options.planted:
        planted_errors(glossary, splits, options.show_missed)
        return
    labels = read_labels(LABELS) if options.labels or options.dump else {}
    counts: dict[str, collections.Counter[tuple[str, str]]] = {}
    false_alarms: dict[str, collections.Counter[str]] = {}
    unlabelled: dict[str, int] = collections.Counter()
    pairs = 0
    for lang in LANGS:
        counts[lang], false_alarms[lang] = collections.Counter(), collections.Counter()
        pairs = 0
        for split in splits:
            testset = load_testset(split, lang)
            name = split.removeprefix("flores200-")
            for index, (source, target) in enumerate(
                zip(testset.sources, testset.references, strict=True)
            ):
                pairs += 1
                for finding in check_segments([SegmentPair(source, target)], lang, glossary):
                    counts[lang][(finding.code, finding.severity.value)] += 1
                    key = (name, lang, index, finding.code, finding.evidence)
                    if options.labels or options.dump:
                        label = labels.get(key)
                        if label is None:
                            unlabelled[lang] += 1
                            if options.dump:
                                row = [name, lang, str(index), finding.code, finding.evidence]
                                print("\t".join(row) + "\t?\t" + finding.message)
                                print(f"#   nl: {source}\n#   {lang}: {target}")
                        elif label[0] == "false":
                            false_alarms[lang][finding.severity.value] += 1
                    if finding.code == options.show:
                        print(
                            f"{lang} {index} [{finding.severity}] {finding.code}: {finding.message}"
                        )
                        print(f"    nl: {source}")
                        print(f"    {lang}: {target}")
    if options.dump:
        return
    if options.json:
        json.dump(
            {
                "split": options.split,
                "pairs_per_language": pairs,
                "findings": {
                    lang: {f"{code}/{severity}": n for (code, severity), n in counter.items()}
                    for lang, counter in counts.items()
                },
                "false_alarms": false_alarms if options.labels else None,
            },
            sys.stdout,
            indent=2,
        )
        print()
        return
    rows = sorted({key for counter in counts.values() for key in counter})
    print(f"findings on {pairs:,} human translations a language (FLORES-200 {options.split})")
    print(f"{'code':<20}{'severity':<10}" + "".join(f"{lang:>8}" for lang in LANGS))
    for code, severity in rows:
        cells = "".join(f"{counts[lang][(code, severity)]:>8}" for lang in LANGS)
        print(f"{code:<20}{severity:<10}" + cells)

    def per_thousand(values: list[int]) -> str:
        return "".join(f"{1000 * value / pairs:>8.1f}" for value in values)

    errors = [sum(n for (_, s), n in counts[lang].items() if s == "error") for lang in LANGS]
    every = [sum(counts[lang].values()) for lang in LANGS]
    print(f"{'all':<30}" + "".join(f"{total:>8}" for total in every))
    print(f"{'findings per 1,000 pairs, error':<30}" + per_thousand(errors))
    print(f"{'findings per 1,000 pairs, any':<30}" + per_thousand(every))
    if options.labels:
        false_errors = [false_alarms[lang]["error"] for lang in LANGS]
        false_every = [sum(false_alarms[lang].values()) for lang in LANGS]
        print(f"{'false alarms, error':<30}" + "".join(f"{n:>8}" for n in false_errors))
        print(f"{'false alarms, any':<30}" + "".join(f"{n:>8}" for n in false_every))
        print(f"{'false per 1,000 pairs, error':<30}" + per_thousand(false_errors))
        print(f"{'false per 1,000 pairs, any':<30}" + per_thousand(false_every))
        print(f"{'unlabelled findings':<30}" + "".join(f"{unlabelled[lang]:>8}" for lang in LANGS))


if __name__ == "__main__":
    main()
