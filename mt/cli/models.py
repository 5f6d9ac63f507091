"""``mt models list``: the model of each direction, and whether it is here (nothing is loaded)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import click

from mt.core.config import load_config
from mt.engines.models import (
    DEFAULT_MODELS,
    SOURCE_LANG,
    SUPPORTED_LANGS,
    ModelSpec,
    hf_hub_cache,
    locate_model,
    parse_model_overrides,
    parse_pivots,
    preview_target_token,
    resolve_models,
)


@click.group()
def command() -> None:
    """Show the translation models: registry, overrides, local availability."""


@command.command("list")
@click.option(
    "--model",
    "models",
    multiple=True,
    metavar="LANG=ID_OR_PATH",
    help="Use another hub id or folder for a direction (a trailing >>xxx<< sets its target token).",
)
@click.option("--pivot", "pivots", multiple=True, metavar="LANG=VIA", help="Route LANG via VIA.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def list_models(models: Sequence[str], pivots: Sequence[str], as_json: bool) -> None:
    """List each direction's model (or route), target token and where it is found locally.

    Nothing is loaded and nothing is downloaded: a model is "available" when its folder exists or
    its snapshot is in the Hugging Face cache. The token is the one translating will use, read
    from a local model's vocabulary ("?": the model is not here to read).
    """
    specs = resolve_models(
        SUPPORTED_LANGS, parse_model_overrides(models), load_config(), parse_pivots(pivots)
    )
    rows = [row for lang in SUPPORTED_LANGS for row in _rows(specs[lang])]
    if as_json:
        click.echo(json.dumps({"hf_cache": str(hf_hub_cache()), "models": rows}, indent=2))
        return
    header = ("direction", "model", "token", "available", "where")
    table = [header] + [
        (
            row["direction"],
            row["model"],
            _token_cell(row),
            row["location"] if row["available"] else "MISSING",
            row["path"],
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(header) - 1)]
    for line in table:
        cells = [cell.ljust(width) for cell, width in zip(line, widths, strict=False)]
        click.echo("  ".join([*cells, line[-1]]).rstrip())
    if not all(row["available"] for row in rows):
        click.echo(
            "\nMissing models: `hf download MODEL` on a connected machine, then copy "
            "the cache here; or pass --model LANG=PATH (or [models] in .mt.toml).",
            err=True,
        )


def _rows(spec: ModelSpec) -> list[dict[str, Any]]:
    """One row per leg: a pivot route nl->en->de shows nl->en and en->de."""
    legs = [(spec.via, SOURCE_LANG), (spec, spec.via.lang)] if spec.via else [(spec, SOURCE_LANG)]
    rows = []
    for leg, source in legs:
        assert leg is not None
        location = locate_model(leg)
        # The token translate will put in front: given, or read from a local model's vocabulary
        # (a multilingual model given by --model gets >>deu<< at load, not from the registry).
        token = preview_target_token(leg, location)
        rows.append(
            {
                "lang": spec.lang,
                "direction": f"{source}->{leg.lang}",
                "model": leg.model,
                "target_token": token.token,
                "target_token_listed": token.listed,
                # a model that is not here and not the registry's: its token is chosen at load
                "target_token_known": token.listed is not None or _registry(leg),
                "revision": location.revision or leg.revision,
                "via": spec.via.lang if spec.via else None,
                "available": location.available,
                "location": location.kind,
                "path": str(location.path),
            }
        )
    return rows


def _registry(spec: ModelSpec) -> bool:
    default = DEFAULT_MODELS[spec.lang]
    return (spec.model, spec.target_token) == (default.model, default.target_token)


def _token_cell(row: dict[str, Any]) -> str:
    token = row["target_token"]
    if not row["target_token_known"]:
        return f"{token}?" if token else "?"
    if token is None:
        return "-"
    return token if row["target_token_listed"] is not False else f"{token} (not in the model)"
