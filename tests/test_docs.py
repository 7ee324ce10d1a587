"""The README's commands exist: every ``dossier VERB --option`` it shows is a real verb and option,
and the first lines give the two set-up commands that .ci/run calls."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click

from dossier.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[list[str]]:
    out = []
    for block in re.findall(r"```bash\n(.*?)```", README, re.S):
        for line in block.splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith("dossier "):
                out.append(shlex.split(line)[1:])
    return out


def test_readme_first_lines_are_the_two_setup_commands():
    first_block = re.search(r"```bash\n(.*?)```", README, re.S)[1]
    lines = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert lines == ["bash scripts/sample.sh", "bash scripts/test.sh"]
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert README.index("```bash") < 20  # at the top, not buried


def test_every_documented_verb_and_option_exists():
    commands = _commands()
    assert len(commands) >= 6
    for argv in commands:
        verb = argv[0]
        cmd = main.commands.get(verb)
        assert cmd is not None, f"README shows `dossier {verb}`, which does not exist"
        if isinstance(cmd, click.Group):
            cmd = cmd.commands[argv[1]]
        options = {opt for p in cmd.params for opt in getattr(p, "opts", []) if opt.startswith("-")}
        for word in argv[1:]:
            if word.startswith("-"):
                assert word.split("=")[0] in options, f"`dossier {verb}` has no option {word}"


def test_every_verb_is_documented():
    shown = {argv[0] for argv in _commands()}
    assert set(main.commands) <= shown, f"verbs missing from the README: {set(main.commands) - shown}"


def test_yaml_reference_is_generated_from_the_model():
    from dossier.application.programme import load_programme
    from dossier.application.reference import render

    committed = (ROOT / "docs" / "enterprise-yaml.md").read_text(encoding="utf-8")
    assert committed == render(load_programme("wuhan-2025")), (
        "docs/enterprise-yaml.md is out of date: python -m dossier.application.reference > docs/enterprise-yaml.md"
    )
    for key in ("amount_basis", "window_date", "invoice", "payment_voucher", "equipment_total", "SC09"):
        assert f"`{key}`" in committed
