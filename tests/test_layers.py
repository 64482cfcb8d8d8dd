"""Imports flow one way: cli -> io/batch/writers -> pipeline -> components -> assets -> schema.

Checked on the source with ``ast``, so a new import against the direction fails here
rather than waiting for someone to notice it in review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "claimx"

# Higher layers may import lower (or equal) ones, never the reverse.
LAYERS = {
    "__main__": 6,
    "cli": 5,
    "batch": 4,
    "cluster": 4,
    "csv_export": 4,
    "evaluate": 4,
    "html_report": 4,
    "htmltext": 4,
    "io": 4,
    "progress": 4,
    "resume": 4,
    "writers": 4,
    "pipeline": 3,
    "components": 2,
    "extensions": 1,
    "assets": 1,
    "speaker_assets": 1,
    "topic_assets": 1,
    "schema": 0,
    "errors": 0,
}
# Modules that must stay free of spaCy (and so usable on results alone).
NO_SPACY = ("schema", "errors", "writers", "csv_export", "html_report", "io")


def _module(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return "components" if rel.parts[0] == "components" else rel.stem


def _claimx_imports(path: Path) -> set[str]:
    """Top-level claimx modules a file imports (relative or absolute)."""
    tree = ast.parse(path.read_text(encoding="utf8"))
    inside_components = path.parent.name == "components"
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module and node.module.startswith("claimx"):
                parts = node.module.split(".")[1:]
            elif node.level == 1:
                parts = ["components"] if inside_components else (node.module or "").split(".")
            elif node.level == 2:
                parts = (node.module or "").split(".")
            else:
                continue
            if not parts or not parts[0]:
                found.update(alias.name for alias in node.names)
            else:
                found.add(parts[0])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("claimx."):
                    found.add(alias.name.split(".")[1])
    return {m for m in found if m in LAYERS}


def _imports_spacy(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf8"))
    for node in ast.walk(tree):
        names = (
            [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else [a.name for a in node.names]
            if isinstance(node, ast.Import)
            else []
        )
        if any(n == "spacy" or n.startswith("spacy.") for n in names):
            return True
    return False


SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent.name == "components")


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(PACKAGE)) for p in SOURCES])
def test_layers_imports_flow_one_way(path: Path) -> None:
    here = _module(path)
    assert here in LAYERS, f"{path.name}: add the new module to LAYERS"
    upward = {m for m in _claimx_imports(path) if LAYERS[m] > LAYERS[here]}
    assert not upward, f"{path.relative_to(PACKAGE)} imports higher layers {sorted(upward)}"


@pytest.mark.parametrize("name", NO_SPACY)
def test_layers_result_modules_import_no_spacy(name: str) -> None:
    assert not _imports_spacy(PACKAGE / f"{name}.py")
