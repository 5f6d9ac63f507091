"""What ``mt check`` reports, and how a project configures it: the checks, their finding codes and
severities, a :class:`Finding`, and the :class:`CheckConfig` read from a ``[check]`` table
(``.mt.toml``, or ``[tool.mt.qa.check]`` in pyproject.toml). The checks themselves are in
:mod:`mt.qa.check`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from mt.core.errors import ConfigError, Location

CHECKS = ("terminology", "numbers", "untranslated", "structure")


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.INFO: 1, Severity.WARNING: 2, Severity.ERROR: 3}
FAIL_ON = ("error", "warning", "info", "never")

# code -> (check, default severity, what it means); the codes are stable: CI configs name them.
# A code whose default is error earns it only where the check is sure (see ERROR_WHEN); where it
# cannot be, the finding says warning (CheckConfig.severity_of with sure=False). A severity set
# in the config for a code or a check replaces both.
CODES: dict[str, tuple[str, Severity, str]] = {
    "missing-term": ("terminology", Severity.ERROR, "approved glossary term absent"),
    "term-untranslated": (
        "terminology",
        Severity.ERROR,
        "a glossary term left in Dutch (even where another occurrence was translated)",
    ),
    "forbidden-term": ("terminology", Severity.ERROR, "forbidden glossary term present"),
    "dnt-changed": ("terminology", Severity.ERROR, "do-not-translate term not copied as is"),
    "number-missing": ("numbers", Severity.ERROR, "a source figure is absent"),
    "number-changed": ("numbers", Severity.ERROR, "a source figure has another value"),
    "unit-changed": (
        "numbers",
        Severity.ERROR,
        "a figure kept with another unit or currency, not converted",
    ),
    "number-reformatted": (
        "numbers",
        Severity.ERROR,
        "source separators kept: reads as another value",
    ),
    "number-format": ("numbers", Severity.WARNING, "right value, separators of another language"),
    "number-added": ("numbers", Severity.WARNING, "a figure not in the source"),
    "empty": ("untranslated", Severity.ERROR, "empty translation of a non-empty source"),
    "untranslated": ("untranslated", Severity.ERROR, "translation equals the Dutch source"),
    "still-dutch": ("untranslated", Severity.ERROR, "translation still reads as Dutch"),
    "segment-missing": ("untranslated", Severity.ERROR, "source unit with no translation"),
    "segment-extra": ("untranslated", Severity.WARNING, "translated unit with no source"),
    "unit-count": ("structure", Severity.ERROR, "source and translation differ in unit count"),
    "kind-mismatch": ("structure", Severity.ERROR, "heading/list/paragraph kind differs"),
    "markup-missing": ("structure", Severity.ERROR, "inline markup or URL not kept"),
    "link-changed": ("structure", Severity.ERROR, "a link points elsewhere than the source's"),
    "markup-added": ("structure", Severity.WARNING, "inline markup or a link not in the source"),
    "markup-order": (
        "structure",
        Severity.WARNING,
        "inline markup in another order (bold and link swapped?)",
    ),
    "length-ratio": ("structure", Severity.WARNING, "translation much shorter or longer"),
}

# What earns a code its error, where its default is error: the README's severity table says the
# same. A finding that does not meet it is reported at warning.
ERROR_WHEN: dict[str, str] = {
    "missing-term": "a wrong form of the term stands in its place (its words' first five letters "
    "start words of the translation), or a forbidden term does; else a pronoun or paraphrase may "
    "stand for it: warning",
    "term-untranslated": "always: the Dutch form of a matched term stands in the translation",
    "forbidden-term": "always: a term the glossary forbids where its entry matched",
    "dnt-changed": "always: a do-not-translate term is not in the translation as written",
    "number-missing": "the lost figure is an amount of money or a percentage, and no other "
    "figure converts it",
    "number-changed": "it is the one figure left unmatched on each side and both have the same "
    "unit (or none), or both share a unit",
    "unit-changed": "always: the same value, with a unit or currency of another size",
    "number-reformatted": "always: the Dutch separators read as another value in the target",
    "empty": "always",
    "untranslated": "always",
    "still-dutch": "always: the translation, or one of its sentences, reads as Dutch",
    "segment-missing": "always",
    "unit-count": "always",
    "kind-mismatch": "always",
    "markup-missing": "always: a link, emphasis, code or URL of the source is absent",
    "link-changed": "always: a link's target differs from the source's",
}


@dataclass(frozen=True)
class Finding:
    """One problem in one translation, located on both sides."""

    check: str
    code: str
    severity: Severity
    message: str
    source: Location | None  # where the source segment stands (None: the source lacks it)
    target: Location | None  # where the translation stands, or should stand
    evidence: str = ""  # the offending text: a term, a figure, the segment itself
    source_text: str = ""
    target_text: str = ""


@dataclass(frozen=True)
class CheckConfig:
    """Which checks run, at what severity, and which severity fails the run."""

    enabled: frozenset[str] = frozenset(CHECKS)
    severity: Mapping[str, Severity] = field(default_factory=dict)  # check or code -> severity
    fail_on: str = "error"
    length_ratio: tuple[float, float] = (0.5, 2.0)  # target chars / source chars
    min_length: int = 40  # shorter source units are too noisy for the length ratio
    baseline: str = ""  # a file of findings accepted on purpose (mt.qa.baseline); "" for none

    def severity_of(self, code: str, *, sure: bool = True) -> Severity:
        """The severity of a finding of ``code``: the config's for the code or its check, else
        the code's default; a finding its check is not sure of takes at most ``warning``."""
        check, default, _ = CODES[code]
        chosen = self.severity.get(code) or self.severity.get(check)
        if chosen is not None:
            return chosen
        if not sure and default is Severity.ERROR:
            return Severity.WARNING
        return default

    def fails(self, severity: Severity) -> bool:
        return self.fail_on != "never" and severity.rank >= Severity(self.fail_on).rank


def config_from_table(table: Mapping[str, Any], where: Location | None = None) -> CheckConfig:
    """A :class:`CheckConfig` from a ``[check]`` table; every problem in it is reported at once::

    [check]
    fail-on = "warning"
    baseline = "mt-check-baseline.json"   # relative to the config file
    [check.numbers]
    severity = "warning"        # every numbers finding
    [check.structure]
    enabled = true
    length-ratio = [0.5, 2.0]
    min-length = 40
    [check.severity]
    number-added = "info"       # one code
    """
    where = where or Location("[check]")
    problems: list[str] = []
    enabled = set(CHECKS)
    severity: dict[str, Severity] = {}
    settings: dict[str, Any] = {}
    severities = ", ".join(s.value for s in Severity)

    def to_severity(value: object, name: str, key: str) -> None:
        if value not in {s.value for s in Severity}:
            problems.append(f"{name}: {value!r} is no severity; use one of {severities}")
        else:
            severity[key] = Severity(str(value))

    for key, value in table.items():
        if key == "fail-on":
            if value not in FAIL_ON:
                problems.append(f"fail-on: {value!r}; use one of {', '.join(FAIL_ON)}")
            else:
                settings["fail_on"] = value
        elif key == "baseline":
            if not isinstance(value, str) or not value:
                problems.append(f"baseline: {value!r}; give the path of a baseline file")
            else:
                settings["baseline"] = value
        elif key == "severity" and isinstance(value, dict):
            for code, level in value.items():
                if code not in CODES and code not in CHECKS:
                    problems.append(
                        f"severity.{code}: unknown code; known: {', '.join(sorted(CODES))}"
                    )
                else:
                    to_severity(level, f"severity.{code}", code)
        elif key in CHECKS and isinstance(value, dict):
            for option, setting in value.items():
                if option == "enabled" and isinstance(setting, bool):
                    if not setting:
                        enabled.discard(key)
                elif option == "severity":
                    to_severity(setting, f"{key}.severity", key)
                elif key == "structure" and option == "length-ratio" and _is_bounds(setting):
                    settings["length_ratio"] = (float(setting[0]), float(setting[1]))
                elif key == "structure" and option == "min-length" and isinstance(setting, int):
                    settings["min_length"] = setting
                else:
                    problems.append(f"{key}.{option}: unknown option or wrong type ({setting!r})")
        else:
            known = ", ".join(sorted(("baseline", "fail-on", "severity", *CHECKS)))
            problems.append(f"{key}: unknown key or wrong type; known keys: {known}")
    if problems:
        raise ConfigError("; ".join(f"[check] {problem}" for problem in problems), where)
    return CheckConfig(enabled=frozenset(enabled), severity=severity, **settings)


def _is_bounds(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(bound, int | float) for bound in value)
        and 0 < value[0] < value[1]
    )


__all__ = [
    "CHECKS",
    "CODES",
    "ERROR_WHEN",
    "FAIL_ON",
    "CheckConfig",
    "Finding",
    "Severity",
    "config_from_table",
]
