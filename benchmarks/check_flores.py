"""How often ``mt check`` raises a false alarm: its findings on professional human translations.

    .venv/bin/python benchmarks/check_flores.py [--show CODE] [--json]

FLORES-200 dev and devtest (``eval/flores200``, 2,009 sentences) give each Dutch sentence a French,
a German and an English translation made by professional translators. Every pair is checked with
the shipped glossaries, as ``mt check`` checks a release (a sentence a unit), and the findings
are counted by code and language, with the rate per 1,000 pairs.

On such translations most findings are false alarms: a translator's legitimate choice that the
checks do not understand ("18e eeuw" written "XVIIIe siècle", "vijftien" written "15"). Some are
real slips that the data holds ("70 km" translated "17 km"). A change to the checks that lowers
the count without hiding the slips (``--show CODE`` prints each finding with its pair) makes the
CI gate more trustworthy. ``--json`` prints the counts for a pipeline.

``--planted`` measures the other side, what the checks catch: into each pair that raised no finding
it plants one error of each kind that the pair allows, and counts the planted errors that a
finding of the expected check now reports. The kinds: a figure of the translation changed (its last
digit) or dropped; an approved glossary term replaced by another word, or by a term the glossary
forbids; the translation left in Dutch (the source copied), or one sentence of it (the source
after the translation). ``--show-missed KIND`` prints each planted error of that kind that no
finding reported.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys

from mt.evaluation.testsets import load_testset
from mt.qa.check import CheckConfig, SegmentPair, check_segments
from mt.qa.numbers import extract_numbers
from mt.terminology.glossary import Glossary, load_glossary

SPLITS = ("flores200-dev", "flores200-devtest")
LANGS = ("fr", "de", "en")
# planted error -> the check whose finding reports it
PLANTED = {
    "figure-changed": "numbers",
    "figure-dropped": "numbers",
    "term-replaced": "terminology",
    "term-forbidden": "terminology",
    "left-in-dutch": "untranslated",
    "sentence-in-dutch": "untranslated",
}


def plant(source: str, target: str, lang: str, glossary: Glossary) -> dict[str, str]:
    """The translation ``target`` with one error of each kind it allows, by kind."""
    # the whole translation left in Dutch; or one sentence of it, after one that was translated
    planted = {"left-in-dutch": source, "sentence-in-dutch": f"{target} {source}"}
    figures = [figure for figure in extract_numbers(target, lang) if figure.text[-1:].isdigit()]
    if figures:
        figure = figures[0]
        changed = figure.text[:-1] + str((int(figure.text[-1]) + 1) % 10)
        planted["figure-changed"] = target[: figure.start] + changed + target[figure.end :]
        before = target[: figure.start].rstrip(" ")
        planted["figure-dropped"] = before + " " + target[figure.end :].lstrip(" ")
    for term in glossary.requirements(source, lang).required:
        if term.copy:
            continue
        present = [alternative for alternative in term.alternatives if alternative in target]
        if not present:
            continue
        replaced = target
        for alternative in sorted(present, key=len, reverse=True):
            replaced = replaced.replace(alternative, "Zorglub")
        planted["term-replaced"] = replaced
        entry = glossary.entry(term.entry_id)
        forbidden = entry.targets[lang].forbidden if lang in entry.targets else ()
        if forbidden:
            forbid = target
            for alternative in sorted(present, key=len, reverse=True):
                forbid = forbid.replace(alternative, forbidden[0])
            planted["term-forbidden"] = forbid
        break
    return planted


def planted_errors(glossary: Glossary, show_missed: str | None) -> None:
    """Plant errors into the pairs that raised no finding; print how many each check caught."""
    caught: dict[str, collections.Counter[str]] = {}
    total: dict[str, collections.Counter[str]] = {}
    config = CheckConfig()
    for lang in LANGS:
        caught[lang], total[lang] = collections.Counter(), collections.Counter()
        for split in SPLITS:
            testset = load_testset(split, lang)
            for source, target in zip(testset.sources, testset.references, strict=True):
                if check_segments([SegmentPair(source, target)], lang, glossary, config):
                    continue  # a pair that raised a finding already: a new one would not show
                for kind, wrong in plant(source, target, lang, glossary).items():
                    total[lang][kind] += 1
                    found = check_segments([SegmentPair(source, wrong)], lang, glossary, config)
                    if any(finding.check == PLANTED[kind] for finding in found):
                        caught[lang][kind] += 1
                    elif kind == show_missed:
                        print(f"{lang} missed {kind}:\n    nl: {source}\n    {lang}: {wrong}")
    print("planted errors caught, in the pairs that raised no finding (FLORES-200 dev + devtest)")
    print(f"{'planted':<16}" + "".join(f"{lang:>16}" for lang in LANGS))
    for kind in PLANTED:
        cells = []
        for lang in LANGS:
            count, of = caught[lang][kind], total[lang][kind]
            cells.append(f"{count:>6}/{of:<5} {100 * count / of if of else 0:>3.0f}%")
        print(f"{kind:<16}" + "".join(f"{cell:>16}" for cell in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", metavar="CODE", help="print each finding with this code")
    parser.add_argument("--json", action="store_true", help="the counts as JSON")
    parser.add_argument("--planted", action="store_true", help="plant errors; count those caught")
    parser.add_argument(
        "--show-missed", metavar="KIND", help="with --planted: print each missed error of KIND"
    )
    options = parser.parse_args()

    glossary = load_glossary(None)
    if options.planted:
        planted_errors(glossary, options.show_missed)
        return
    counts: dict[str, collections.Counter[str]] = {}
    pairs_checked = 0
    for lang in LANGS:
        counts[lang] = collections.Counter()
        for split in SPLITS:
            testset = load_testset(split, lang)
            pairs = [
                SegmentPair(s, t) for s, t in zip(testset.sources, testset.references, strict=True)
            ]
            pairs_checked += len(pairs)
            for finding in check_segments(pairs, lang, glossary, CheckConfig()):
                counts[lang][finding.code] += 1
                if finding.code == options.show:
                    print(f"{lang} {finding.code}: {finding.message}")
                    print(f"    nl: {finding.source_text}")
                    print(f"    {lang}: {finding.target_text}")
    per_lang = pairs_checked // len(LANGS)
    if options.json:
        json.dump({"pairs_per_language": per_lang, "findings": counts}, sys.stdout, indent=2)
        print()
        return
    codes = sorted({code for counter in counts.values() for code in counter})
    print(f"findings on {per_lang:,} human translations a language (FLORES-200 dev + devtest)")
    print(f"{'code':<20}" + "".join(f"{lang:>8}" for lang in LANGS))
    for code in codes:
        print(f"{code:<20}" + "".join(f"{counts[lang][code]:>8}" for lang in LANGS))
    totals = [sum(counts[lang].values()) for lang in LANGS]
    print(f"{'all':<20}" + "".join(f"{total:>8}" for total in totals))
    rates = [1000 * total / per_lang for total in totals]
    print(f"{'per 1,000 pairs':<20}" + "".join(f"{rate:>8.1f}" for rate in rates))


if __name__ == "__main__":
    main()
