"""A newcomer's first hour (issue 16): the README's commands, the Makefile, CI and the docs generator."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT


def _load(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _target(name: str) -> str:
    """The recipe of a Makefile target (its lines up to the next blank line)."""
    text = (ROOT / "Makefile").read_text()
    m = re.search(rf"^{re.escape(name)}:.*?(?=^\S|\Z)", text, flags=re.M | re.S)
    assert m, f"the Makefile has no target {name}"
    return m.group(0)


def test_readme_has_exactly_the_two_commands():
    fresh = _load(ROOT / "tools" / "fresh_clone_check.py")
    assert fresh.readme_commands() == ["make report", "make test"]


def test_ci_only_calls_make_test():
    lines = [ln.strip() for ln in (ROOT / ".ci" / "run").read_text().splitlines()
             if ln.strip() and not ln.strip().startswith("#")]
    assert lines == ["set -euo pipefail", 'cd "$(dirname "$0")/.."', "make test"]


def test_make_test_installs_tools_runs_suite_docs_and_fresh_clone():
    head = _target("test").splitlines()[0]
    assert "system-deps" in head.split(":", 1)[1]
    body = _target("test")
    assert "pytest" in body and "docs" in body and "fresh-clone-check" in body
    assert "-W" in _target("docs")  # warnings are errors
    sysdeps = _target("system-deps")
    assert "apt-get" in sysdeps and "installing" in sysdeps
    assert "chromium=chromium" in (ROOT / "Makefile").read_text()
    assert "pdftoppm=poppler-utils" in (ROOT / "Makefile").read_text()


def test_inner_fresh_clone_does_not_clone_again():
    """With DMKIT_FRESH_CLONE=inner the target prints that it is the inner run and clones nothing."""
    r = subprocess.run(["make", "-s", "-o", ".venv/.installed", "fresh-clone-check"], cwd=ROOT,
                       env={**os.environ, "DMKIT_FRESH_CLONE": "inner"}, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    assert "not cloning again" in r.stdout and "cloning commit" not in r.stdout


def test_makefile_finds_a_supported_python(tmp_path):
    """python3.11 that is too old (a stub failing the version check) is passed over for python3.12."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "python3.11").write_text("#!/bin/sh\nexit 1\n")
    (bindir / "python3.12").write_text(f"#!/bin/sh\nexec {sys.executable} \"$@\"\n")
    for f in bindir.iterdir():
        f.chmod(0o755)
    path = f"{bindir}:/usr/bin:/bin"
    show = "show-python:\n\t@echo $(PYTHON)\n"
    r = subprocess.run(["make", "-s", "-f", str(ROOT / "Makefile"), "-f", "-", "show-python"], input=show,
                       cwd=ROOT, env={"PATH": path, "HOME": str(tmp_path)}, capture_output=True, text=True)
    assert r.stdout.strip() == str(bindir / "python3.12"), r.stdout + r.stderr
    r = subprocess.run(["make", "-s", "-f", str(ROOT / "Makefile"), "-f", "-", "show-python", "PYTHON=/x/py"],
                       input=show, cwd=ROOT, env={"PATH": path, "HOME": str(tmp_path)}, capture_output=True,
                       text=True)
    assert r.stdout.strip() == "/x/py"  # PYTHON= still overrides


def test_api_pages_cover_every_public_name(tmp_path):
    """docs/_ext/apigen.py writes one page per name in evaluation.__all__ (no docs edit needed)."""
    sys.path.insert(0, str(ROOT / "docs" / "_ext"))
    try:
        apigen = _load(ROOT / "docs" / "_ext" / "apigen.py")
    finally:
        sys.path.pop(0)
    api = apigen.write_pages(tmp_path)
    import evaluation

    names = [n for n in getattr(evaluation, "__all__", []) if not n.startswith("_")]
    assert set(names) <= set(api)
    assert len(api) >= 20
    index = (tmp_path / apigen.OUT / "index.rst").read_text()
    for name, module in api.items():
        page = (tmp_path / apigen.OUT / f"{name}.rst").read_text()
        assert name in page and module in page
        assert f"   {name}\n" in index, f"{name} is not in the API index"


def _cookbook_commands() -> list[tuple[str, str]]:
    """Every ``$ dmkit ...`` line of the cookbook pages (backslash continuations joined)."""
    out = []
    for page in sorted((ROOT / "docs" / "cookbook").glob("*.rst")):
        text = re.sub(r"\\\n\s*", " ", page.read_text(encoding="utf-8"))
        for line in text.splitlines():
            line = line.strip()
            if line.startswith("$ dmkit"):
                out.append((page.name, re.sub(r"\s+#.*$", "", line[2:])))
    return out


def test_cookbook_has_a_page_per_user():
    pages = {p.stem for p in (ROOT / "docs" / "cookbook").glob("*.rst")}
    assert {"strategist", "researcher", "workshop", "municipality"} <= pages
    index = (ROOT / "docs" / "index.rst").read_text()
    assert all(f"cookbook/{p}" in index for p in pages)


@pytest.mark.parametrize("page, command", _cookbook_commands())
def test_cookbook_commands_parse(page, command):
    import shlex

    from evaluation.cli import build_parser

    argv = shlex.split(command)[1:]
    ns = build_parser(argv[0]).parse_args(argv)  # a wrong option exits and fails the test
    assert ns.command == argv[0]
    for arg in argv:
        if arg.startswith("data_samples/"):
            assert (ROOT / arg).is_file(), f"{page}: {command} names a missing file {arg}"
