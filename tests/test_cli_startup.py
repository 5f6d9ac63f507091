"""``mt --help`` and ``mt check`` start fast: what they import, and the listing's summaries."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

from mt.cli import _COMMANDS, cli


def _first_sentence(help_text: str) -> str:
    paragraph = " ".join(inspect.cleandoc(help_text).split("\n\n")[0].split())
    end = paragraph.find(". ")
    return paragraph if end < 0 else paragraph[: end + 1]


@pytest.mark.parametrize("name", sorted(_COMMANDS))
def test_listed_summary_is_the_commands_first_sentence(name: str) -> None:
    command = cli.get_command(None, name)  # type: ignore[arg-type]
    assert command is not None and command.help
    assert _COMMANDS[name][1] == _first_sentence(command.help)


def _imported_after(args: list[str]) -> set[str]:
    code = (
        "import sys\n"
        "from mt.cli import cli\n"
        f"sys.argv = ['mt', *{args!r}]\n"
        "try:\n"
        "    cli(prog_name='mt')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


@pytest.mark.parametrize(
    ("args", "absent"),
    [
        # listing the commands imports none of them
        (
            ["--help"],
            {"mt.cli.translate", "mt.cli.bench", "mt.cli.check", "mt.translation.pipeline"},
        ),
        # the check's help needs neither the checks, the glossary nor the lemmatiser
        (
            ["check", "--help"],
            {
                *(
                    "mt.qa.baseline",
                    "mt.qa.check",
                    "mt.qa.findings",
                    "mt.terminology.glossary",
                    "mt.qa.numbers",
                ),
                *("simplemma", "torch"),
            },
        ),
    ],
)
def test_help_imports_little(args: list[str], absent: set[str]) -> None:
    assert not absent & _imported_after(args)


def test_check_choices_written_out_match_the_library() -> None:
    from mt.cli.check import FAIL_ON_LEVELS, FORMATS
    from mt.qa.findings import FAIL_ON
    from mt.qa.reporting import FORMATTERS

    assert tuple(sorted(FORMATTERS)) == FORMATS
    assert FAIL_ON_LEVELS == FAIL_ON
