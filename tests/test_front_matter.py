"""Markdown front matter stays data: kept as written, but for the keys a config names, whose values
are translated and written back as valid YAML (issue 19, data loss 7)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mt.cli import cli
from mt.documents import parse_document

yaml = pytest.importorskip("yaml")

FRONT = """\
---
title: "Persbericht: de \\"Coalitie\\" vergadert"
description: Een korte samenvatting van het bezoek # for the site's cards
slug: coalitie-vergadert
date: 2024-05-01
draft: false
tags: [nieuws, irak]
summary: >
  Een lang verhaal
  over twee regels.
subtitle: Een zin die
  doorloopt
quoted: 'Het ''Daesh''-dossier'
---
# De Coalitie vergadert

De minister is in Irak.
"""


def front_matter(text: str) -> dict:
    _, block, _ = text.split("---\n", 2)
    return yaml.safe_load(block)


def test_front_matter_is_kept_as_written_by_default() -> None:
    document = parse_document(FRONT, "markdown")
    assert [unit.text for unit in document.units] == [
        "De Coalitie vergadert",
        "De minister is in Irak.",
    ]
    assert [unit.line for unit in document.units] == [15, 17]
    rendered = document.render(["La Coalition se réunit", "Le ministre est en Irak."])
    assert rendered.split("---\n")[1] == FRONT.split("---\n")[1]


@pytest.mark.parametrize(
    "translation",
    [
        "Communiqué : la « Coalition » se réunit",
        'He said: "yes" # not a comment',
        "a\\b 'quoted' \"double\"",
        "- starts like a list item",
        "two\nlines",
        "true",
        "{flow: mapping}",
    ],
)
def test_named_keys_are_translated_and_the_yaml_stays_valid(translation: str) -> None:
    keys = ["title", "description", "slug", "date", "draft", "tags", "summary", "subtitle"]
    document = parse_document(FRONT, "markdown", front_matter=keys + ["quoted"])
    units = [(unit.kind, unit.text, unit.line) for unit in document.units]
    assert units[:4] == [
        ("front-matter", 'Persbericht: de "Coalitie" vergadert', 2),
        ("front-matter", "Een korte samenvatting van het bezoek", 3),
        ("front-matter", "coalitie-vergadert", 4),
        ("front-matter", "Het 'Daesh'-dossier", 13),
    ]  # not a date, a boolean, a list, a block scalar nor a value continued on the next line
    rendered = document.render([translation] * 4 + ["Kop", "Tekst."])
    data = front_matter(rendered)
    original = front_matter(FRONT)
    for key in ("title", "description", "slug", "quoted"):
        assert data[key] == translation, key
    for key in ("date", "draft", "tags", "summary", "subtitle"):
        assert data[key] == original[key], key
    assert "# for the site's cards" in rendered  # the comment after the value is kept


@pytest.mark.parametrize(
    "text",
    [
        "---\nGeen front matter: er komt geen tweede streep.\n",
        "Tekst.\n\n---\n\ntitle: Tekst\n\n---\n",
    ],
)
def test_a_rule_is_not_front_matter(text: str) -> None:
    document = parse_document(text, "markdown", front_matter=["title"])
    assert all(unit.kind != "front-matter" for unit in document.units)
    assert any("Tekst" in unit.text or "front matter" in unit.text for unit in document.units)


@pytest.fixture
def release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "release.nl.md"
    path.write_text(FRONT, encoding="utf-8")
    return path


def _translate(release: Path, model: Path, *extra: str):
    args = ["translate", str(release), "--to", "fr", f"--model=fr={model}", "--overwrite"]
    args += ["--max-new-tokens=12", "--backend=torch", "--terms=off", "--no-cache", "-q", *extra]
    return CliRunner().invoke(cli, args)


def test_translate_follows_the_config_and_the_option(release: Path, tiny_model_dir: Path) -> None:
    output = release.with_name("release.fr.md")
    (release.parent / ".mt.toml").write_text(
        '[translate]\nfront-matter = ["title", "description"]\n', encoding="utf-8"
    )
    result = _translate(release, tiny_model_dir)
    assert result.exit_code == 0, result.output
    data, original = front_matter(output.read_text("utf-8")), front_matter(FRONT)
    assert data["title"] != original["title"] and data["description"] != original["description"]
    assert {key: data[key] for key in original if key not in ("title", "description")} == {
        key: value for key, value in original.items() if key not in ("title", "description")
    }

    result = _translate(release, tiny_model_dir, "--front-matter", "")  # the option wins
    assert result.exit_code == 0, result.output
    assert output.read_text("utf-8").split("---\n")[1] == FRONT.split("---\n")[1]


def test_a_bad_config_value_is_named(release: Path) -> None:
    (release.parent / ".mt.toml").write_text('[translate]\nfront-matter = "title"\n', "utf-8")
    result = CliRunner().invoke(cli, ["translate", str(release), "--to", "fr"])
    assert result.exit_code == 2
    assert ".mt.toml: [translate] front-matter must be a list of keys" in result.stderr
