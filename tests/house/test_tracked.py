"""Every source file the kit needs is committed: none is hidden by ``.gitignore``.

CI runs on a clean clone, so a module that exists here but is ignored by git (as
``src/evaluation/reports/`` once was, by a ``reports/`` line meant for generated output)
passes every local test and fails every clone. This test lists the files git ignores under
the folders that ship or test code; caches and build leftovers are the only ones allowed.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("src", "tests", "instruments", "notebooks", "templates", "data_samples", "tools", "docs", "benchmarks")
ALLOWED_PARTS = {"__pycache__", ".ipynb_checkpoints", ".hypothesis", ".pytest_cache", "_build", "generated"}


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                    reason="needs a git checkout (not an sdist)")
def test_no_source_file_is_ignored_by_git():
    out = subprocess.run(["git", "ls-files", "--others", "--ignored", "--exclude-standard", "--", *FOLDERS],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout.split("\n")
    hidden = [p for p in out if p and not (set(Path(p).parts) & ALLOWED_PARTS)
              and not p.endswith((".pyc", ".egg-info")) and ".egg-info/" not in p]
    assert not hidden, ("these files exist but .gitignore keeps them out of every clone; "
                        "anchor the ignore pattern or commit them: " + ", ".join(hidden[:20]))
