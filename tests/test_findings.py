"""What ``mt check`` reports and how a ``[check]`` table configures it (:mod:`mt.qa.findings`)."""

from __future__ import annotations

import pytest

from mt.core.errors import ConfigError
from mt.qa.findings import CHECKS, CODES, CheckConfig, Severity, config_from_table


def test_config_reports_every_problem_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_table(
            {
                "fail-on": "sometimes",
                "numbrs": {"enabled": False},
                "numbers": {"severity": "fatal"},
                "severity": {"no-such-code": "info"},
                "baseline": 3,
            }
        )
    message = str(caught.value)
    for part in ("fail-on", "numbrs", "fatal", "no-such-code", "baseline: 3"):
        assert part in message


@pytest.mark.parametrize(
    ("fail_on", "severity", "fails"),
    [
        ("error", Severity.ERROR, True),
        ("error", Severity.WARNING, False),
        ("warning", Severity.WARNING, True),
        ("warning", Severity.INFO, False),
        ("info", Severity.INFO, True),
        ("never", Severity.ERROR, False),
    ],
)
def test_fail_on(fail_on: str, severity: Severity, fails: bool) -> None:
    assert CheckConfig(fail_on=fail_on).fails(severity) is fails


def test_every_code_belongs_to_a_check() -> None:
    assert {check for check, _, _ in CODES.values()} == set(CHECKS)


def test_default_severities_are_documented() -> None:
    # every code has a one-line meaning: the README's table is generated from it
    assert all(meaning for _, _, meaning in CODES.values())


def test_config_names_a_baseline() -> None:
    assert config_from_table({"baseline": "ci/b.json"}).baseline == "ci/b.json"
    assert CheckConfig().baseline == ""
