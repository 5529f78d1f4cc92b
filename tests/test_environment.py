"""environment.yml and pyproject.toml must list the same packages with the same bounds."""

import re
import tomllib

import yaml

from conftest import ROOT


def _split(spec: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def _pyproject() -> dict[str, str]:
    py = tomllib.loads((ROOT / "pyproject.toml").read_text())
    specs = list(py["project"]["dependencies"])
    specs += [d for group in py["project"]["optional-dependencies"].values() for d in group]
    return dict(_split(s) for s in specs)


def _conda() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out = dict(_split(d) for d in env["dependencies"] if isinstance(d, str))
    out.pop("python", None)
    out.pop("pip", None)
    return out


def test_same_packages():
    py, conda = _pyproject(), _conda()
    assert set(py) == set(conda), f"only in pyproject: {set(py) - set(conda)}; only in environment.yml: {set(conda) - set(py)}"


def test_same_version_bounds():
    py, conda = _pyproject(), _conda()
    for name in py:
        assert conda.get(name) == py[name], f"{name}: pyproject {py[name]!r} vs environment.yml {conda.get(name)!r}"
