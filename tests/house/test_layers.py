"""The one-way house: a layer never imports one above it (DESIGN.md).

Data flow file → data → scoring/stats → privacy → plots/text → reports →
run/admin → cli. The test reads every module's imports (top-level and the
lazy ones inside functions) with ``ast`` and fails on an upward import, and
on statistics that know about language, markdown, figures or files.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "evaluation"

#: rank of each layer; an import must go to the same or a lower rank.
RANKS = {
    "criteria": 0, "_compat": 0, "data": 1, "scoring": 2, "stats": 2, "simulate": 2,
    "privacy": 3, "text": 4, "plots": 4, "reports": 5, "run": 6, "admin": 6, "cli": 7,
}

#: Known upward imports still to be removed by the move (each names its way out).
#: The list only ever shrinks; an empty list is the goal.
PENDING: set[tuple[str, str]] = set()


def _layer(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py")


def _key(path: Path) -> str:
    rel = path.relative_to(SRC).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return "/".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    pkg = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if pkg[-1] == "__init__":
        pkg = pkg[:-1]
    else:
        pkg = pkg[:-1]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg[: len(pkg) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
                if not node.module:
                    out += [(node.lineno, f"{mod}.{a.name}") for a in node.names]
                    continue
            else:
                mod = node.module or ""
            out.append((node.lineno, mod))
    return [(ln, m) for ln, m in out if m == "evaluation" or m.startswith("evaluation.")]


def _modules():
    return sorted(p for p in SRC.rglob("*.py") if "_resources" not in p.parts)


def test_every_module_has_a_layer():
    unknown = sorted({_layer(p) for p in _modules()} - set(RANKS) - {"__init__"})
    assert not unknown, f"modules outside the known layers: {unknown}; add them to RANKS in DESIGN.md's order"


def test_no_upward_import():
    bad, pending_seen = [], set()
    for path in _modules():
        here = _layer(path)
        if here == "__init__":
            continue
        for lineno, mod in _imports(path):
            parts = mod.split(".")
            if len(parts) < 2:
                continue
            there = parts[1]
            if there not in RANKS or RANKS[there] <= RANKS[here]:
                continue
            key = (_key(path), there)
            if key in PENDING or (here, there) in PENDING:
                pending_seen.add(key if key in PENDING else (here, there))
                continue
            bad.append(f"{path.relative_to(SRC)}:{lineno} imports {mod} ({here} → {there} goes up)")
    assert not bad, "upward imports:\n" + "\n".join(bad)
    stale = PENDING - pending_seen
    assert not stale, f"PENDING lists imports that are gone; remove them from the list: {sorted(stale)}"


STATS_FORBIDDEN = ("language", "markdown", "matplotlib", "to_html", "open(", "write_text", "Path(")

#: stats modules that still carry wording (language=) and are being split; only ever shrinks.
PENDING_STATS_TEXT: set[str] = set()


def test_stats_know_no_language_figures_or_files():
    mixed = {}
    for path in sorted((SRC / "stats").rglob("*.py")):
        src = path.read_text(encoding="utf-8")
        found = [w for w in STATS_FORBIDDEN if w in src]
        if found:
            mixed[_key(path)] = found
    new = {k: v for k, v in mixed.items() if k not in PENDING_STATS_TEXT}
    assert not new, f"statistics return numbers and reason codes only; these mention {new}"
    stale = PENDING_STATS_TEXT - set(mixed)
    assert not stale, f"PENDING_STATS_TEXT lists modules that are clean now; remove them: {sorted(stale)}"
