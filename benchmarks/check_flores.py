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
"""

from __future__ import annotations

import argparse
import collections
import json
import sys

from mt.check import CheckConfig, SegmentPair, check_segments
from mt.glossary import load_glossary
from mt.testsets import load_testset

SPLITS = ("flores200-dev", "flores200-devtest")
LANGS = ("fr", "de", "en")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", metavar="CODE", help="print each finding with this code")
    parser.add_argument("--json", action="store_true", help="the counts as JSON")
    options = parser.parse_args()

    glossary = load_glossary(None)
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
