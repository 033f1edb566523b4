"""Every ``budget-etl`` command loads, explains itself, and is documented in the README.

Walks the real click command tree built from the typer app, so a command added without help
text or without a line in the README's command reference fails here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from budget_etl.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"


def _leaf_commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    # typer vendors its own click, so groups are recognised by their ``commands`` mapping
    subcommands = getattr(group, "commands", None)
    if subcommands:
        out: list[tuple[str, ...]] = []
        for name, sub in sorted(subcommands.items()):
            out.extend(_leaf_commands(sub, (*prefix, name)))
        return out
    return [prefix]


ROOT = typer.main.get_command(app)
COMMANDS = _leaf_commands(ROOT)


def test_the_cli_has_the_commands_the_issues_name() -> None:
    names = {" ".join(c) for c in COMMANDS}
    for required in (
        "extract", "validate", "run", "demo", "export", "status", "db upgrade",
        "review list", "review show", "review retry", "review waive",
    ):
        assert required in names, required


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_command_loads_and_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    command = ROOT
    for name in path:
        command = command.commands[name]
    assert (command.help or "").strip(), f"`budget-etl {' '.join(path)}` has no help text"


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_command_is_in_the_readme_command_reference(path: tuple[str, ...]) -> None:
    text = README.read_text(encoding="utf-8")
    reference = text.split("## Command reference", 1)
    assert len(reference) == 2, "README has no '## Command reference' section"
    command = f"budget-etl {' '.join(path)}"
    assert command in reference[1], f"`{command}` is not in the README's command reference"
