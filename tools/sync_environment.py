"""Write environment.yml from pyproject.toml, the one source of the dependency list.

Run ``python tools/sync_environment.py`` after editing the dependencies in pyproject.toml
(``--check`` exits 1 and prints the difference instead of writing; tests/test_environment.py
runs the check). Every runtime dependency and every optional group (test, docs, bench) goes
into the conda environment with the same bounds, so ``conda env create -f environment.yml``
gives the same packages as ``make`` does; the kit itself is installed with ``pip -e .``.
"""

from __future__ import annotations

import argparse
import difflib
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: PyPI name -> conda-forge name, where they differ (compared after lower-casing).
CONDA_NAMES: dict[str, str] = {}
#: Pure-Python packages not (reliably) on conda-forge: installed by conda's pip step, same bounds.
PIP_ONLY = {"sphinx-mathjax-offline", "semopy"}


def _name(spec: str) -> str:
    i = next((k for k, ch in enumerate(spec) if ch in "<>=!~ ;["), len(spec))
    return spec[:i].lower().replace("_", "-")

#: The Python the conda environment pins: the oldest the kit supports, the one the lock is tested on.
CONDA_PYTHON = "3.11"


def _conda_spec(spec: str) -> str:
    """``"pandas>=2.2,<4"`` -> ``"pandas>=2.2,<4"`` with the conda-forge name where it differs."""
    i = next((k for k, ch in enumerate(spec) if ch in "<>=!~ ;["), len(spec))
    name, rest = spec[:i], spec[i:].replace(" ", "")
    return CONDA_NAMES.get(name.lower(), name) + rest


def render(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The text of environment.yml for the given pyproject.toml."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    lines = [
        "# Generated from pyproject.toml by tools/sync_environment.py: do not edit by hand.",
        "# Conda environment with the same packages and bounds as pyproject.toml",
        "# (tests/test_environment.py checks that the two agree).",
        "name: dmkit",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  - python={CONDA_PYTHON}",
    ]
    pip_only = []
    lines += [f"  - {_conda_spec(s)}" for s in project["dependencies"] if _name(s) not in PIP_ONLY]
    pip_only += [s for s in project["dependencies"] if _name(s) in PIP_ONLY]
    for group, specs in project.get("optional-dependencies", {}).items():
        lines.append(f"  # [{group}]")
        lines += [f"  - {_conda_spec(s)}" for s in specs if _name(s) not in PIP_ONLY]
        pip_only += [s for s in specs if _name(s) in PIP_ONLY]
    lines += ["  - pip", "  - pip:"]
    lines += [f"      - {s.replace(' ', '')}" for s in pip_only]
    lines += ["      - -e .", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only compare, exit 1 when environment.yml is stale")
    args = ap.parse_args(argv)
    target = ROOT / "environment.yml"
    want = render()
    have = target.read_text(encoding="utf-8") if target.exists() else ""
    if args.check:
        if have != want:
            sys.stdout.writelines(difflib.unified_diff(have.splitlines(True), want.splitlines(True),
                                                       "environment.yml", "generated"))
            print("environment.yml is stale: run python tools/sync_environment.py", file=sys.stderr)
            return 1
        return 0
    target.write_text(want, encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
