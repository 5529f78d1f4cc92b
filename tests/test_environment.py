"""pyproject.toml is the one source of the dependency list; environment.yml and the lock agree with it.

- environment.yml is exactly what tools/sync_environment.py generates from pyproject.toml
  (and, said plainly, lists the same packages with the same bounds);
- every dependency has an upper bound (a report rerun next year must not pick up a new major);
- requirements.lock pins every dependency (and the test and docs extras) to one exact version
  for each Python the Makefile accepts (3.11, 3.12, 3.13), inside pyproject's range;
  requirements-bench.lock does the same with the bench extra.
"""

import re
import subprocess
import sys
import tomllib

import pytest
import yaml
from packaging.requirements import Requirement

from conftest import ROOT

PYTHONS = ["3.11.2", "3.11.7", "3.12.8", "3.13.1"]  # Debian 12's 3.11.2 included: the lock splits there


def _split(spec: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _pyproject() -> dict[str, str]:
    py = _project()
    specs = list(py["dependencies"])
    specs += [d for group in py["optional-dependencies"].values() for d in group]
    return dict(_split(s) for s in specs)


def _conda() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out = dict(_split(d) for d in env["dependencies"] if isinstance(d, str))
    # packages conda-forge lacks go through conda's pip step (the kit itself too: "-e .")
    pip = next((d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d), [])
    out.update(_split(d) for d in pip if not d.startswith("-"))
    out.pop("python", None)
    out.pop("pip", None)
    return out


def test_environment_yml_is_generated_from_pyproject():
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "sync_environment.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_same_packages():
    py, conda = _pyproject(), _conda()
    assert set(py) == set(conda), f"only in pyproject: {set(py) - set(conda)}; only in environment.yml: {set(conda) - set(py)}"


def test_same_version_bounds():
    py, conda = _pyproject(), _conda()
    for name in py:
        assert conda.get(name) == py[name], f"{name}: pyproject {py[name]!r} vs environment.yml {conda.get(name)!r}"


def test_every_dependency_has_lower_and_upper_bound():
    for name, spec in _pyproject().items():
        ops = {s.operator for s in Requirement(name + spec).specifier}
        assert ">=" in ops and "<" in ops, f"{name}{spec}: give a lower bound and an upper bound below the next major"


def _lock(path) -> list[Requirement]:
    reqs = []
    for line in (ROOT / path).read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            reqs.append(Requirement(line))
    return reqs


@pytest.mark.parametrize("lock, groups", [("requirements.lock", ["test", "docs"]),
                                          ("requirements-bench.lock", ["test", "docs", "bench"])])
@pytest.mark.parametrize("python", PYTHONS)
def test_lock_pins_every_dependency_inside_its_range(lock, groups, python):
    project = _project()
    wanted = [Requirement(s) for s in project["dependencies"]]
    wanted += [Requirement(s) for g in groups for s in project["optional-dependencies"][g]]
    env = {"python_full_version": python, "python_version": ".".join(python.split(".")[:2]),
           "sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
           "platform_machine": "x86_64", "implementation_name": "cpython",
           "platform_python_implementation": "CPython", "extra": ""}
    pins: dict[str, list[str]] = {}
    for r in _lock(lock):
        if r.marker is None or r.marker.evaluate(env):
            spec = list(r.specifier)
            assert len(spec) == 1 and spec[0].operator == "==", f"{lock}: {r} is not an exact pin"
            pins.setdefault(r.name.lower().replace("_", "-"), []).append(spec[0].version)
    for name, versions in pins.items():
        assert len(versions) == 1, f"{lock} pins {name} twice for Python {python}: {versions}"
    for req in wanted:
        key = req.name.lower().replace("_", "-")
        assert key in pins, f"{lock} has no pin for {req.name} on Python {python}: run python tools/lock.py"
        assert req.specifier.contains(pins[key][0], prereleases=True), (
            f"{lock} pins {req.name}=={pins[key][0]} outside pyproject's {req.specifier}: run python tools/lock.py")


def test_requires_python_matches_the_makefile():
    """The Makefile looks for Python 3.11-3.13; pyproject says the same."""
    spec = Requirement("python" + _project()["requires-python"]).specifier
    assert all(spec.contains(v) for v in PYTHONS) and not spec.contains("3.14.0") and not spec.contains("3.10.12")
    assert "3.11 3.12 3.13" in (ROOT / "Makefile").read_text()
