"""The documentation keeps its promises: every bad-input row names a test that exists, and
the README's test command is the one CI runs."""

from __future__ import annotations

import ast
import re

from conftest import ROOT

ROW_TEST = re.compile(r"`(test_[a-z0-9_]+\.py)::(test_[a-z0-9_]+)`")


def _test_names(file: str) -> set[str]:
    tree = ast.parse((ROOT / "tests" / file).read_text(encoding="utf-8"))
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}


def test_every_bad_input_row_has_an_existing_test():
    text = (ROOT / "docs" / "bad-input.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines()
            if line.startswith("| ") and not line.startswith(("| bad input", "|---"))]
    assert len(rows) >= 50
    last_file = None
    for row in rows:
        cell = row.rstrip(" |").rsplit("|", 1)[-1].strip()
        refs = ROW_TEST.findall(cell)
        if cell.startswith("same"):  # the test of the row above covers this one too
            assert last_file, row
        else:
            assert refs, f"row without a test: {row}"
        for file, name in refs:
            assert name in _test_names(file), f"{file}::{name} does not exist"
            last_file = file
        # bare names after a reference belong to that reference's file
        for extra in re.findall(r",\s*`(test_[a-z0-9_]+)`", cell):
            assert any(extra in _test_names(f) for f, _ in refs), f"{extra} does not exist"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = next(line.strip() for line in ci.splitlines()
                   if "pytest" in line and not line.lstrip().startswith("#"))
    assert command in readme
