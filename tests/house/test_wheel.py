"""The wheel carries everything the kit needs and works from any folder.

Builds the wheel, installs it into a fresh virtual environment outside the
repository and runs ``dmkit instruments``, ``dmkit validate`` and ``dmkit
round`` from another folder on a copied sample. The new environment gets the
kit's dependencies from the test's own environment through a path entry (a
full download of jupyterlab & co. would make the test slow and need the
network); the kit itself comes only from the wheel, which the test checks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel_env(tmp_path_factory):
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
                    "-q", "-w", str(dist)], check=True, cwd=base)
    (whl,) = dist.glob("evaluation-*.whl")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # dependencies from this environment; its own editable `evaluation` is not processed (nested .pth)
    Path(site, "_dmkit_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # without PYTHONPATH: a source tree on it would make pip think the kit is already installed
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(whl)], check=True,
                   env=clean)
    work = base / "elsewhere"
    work.mkdir()
    shutil.copy(ROOT / "data_samples" / "solvik_2025.csv", work / "svar.csv")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    # nbconvert's own templates are data files of this environment's nbconvert (share/jupyter)
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    return {"wheel": whl, "py": py, "dmkit": venv / "bin" / "dmkit", "cwd": work, "env": env}


def _run(env, *args):
    return subprocess.run([str(env["dmkit"]), *args], cwd=env["cwd"], env=env["env"], capture_output=True,
                          text=True, timeout=600)


def test_wheel_ships_package_data(wheel_env):
    names = zipfile.ZipFile(wheel_env["wheel"]).namelist()
    for needed in ("evaluation/_resources/instruments/dual_maturity.yaml",
                   "evaluation/_resources/instruments/instrument.schema.json",
                   "evaluation/_resources/notebooks/round_report.ipynb",
                   "evaluation/_resources/templates/params.yaml"):
        assert needed in names, needed


def test_kit_comes_from_the_wheel(wheel_env):
    out = subprocess.run([str(wheel_env["py"]), "-c", "import evaluation, evaluation.data.resources as r; "
                          "print(evaluation.__file__); print(r.resource_dir('instruments'))"],
                         cwd=wheel_env["cwd"], env=wheel_env["env"], capture_output=True, text=True, check=True)
    lines = out.stdout.split()
    assert str(ROOT) not in lines[0] and "site-packages" in lines[0]
    assert "_resources" in lines[1]


def test_instruments_validate_round_from_another_folder(wheel_env):
    r = _run(wheel_env, "instruments")
    assert r.returncode == 0, r.stderr
    assert "dual_maturity" in r.stdout and "public_dma" in r.stdout
    r = _run(wheel_env, "validate", "svar.csv", "--instrument", "dual_maturity")
    assert r.returncode == 0, r.stderr
    r = _run(wheel_env, "round", "svar.csv", "--instrument", "dual_maturity", "--municipality", "Solvik kommun",
             "--output-dir", "rapport", "--quiet")
    assert r.returncode == 0, r.stdout + r.stderr
    out = wheel_env["cwd"] / "rapport"
    assert (out / "round_report.html").stat().st_size > 10_000
    res = json.loads((out / "results.json").read_text())["sections"]
    assert res["overall"]["n"] > 0


def test_user_instrument_folder(wheel_env, tmp_path):
    own = tmp_path / "egna"
    own.mkdir()
    src = (ROOT / "instruments" / "workshop_reaction.yaml").read_text(encoding="utf-8")
    (own / "var_enkat.yaml").write_text(src.replace("id: workshop_reaction", "id: var_enkat", 1), encoding="utf-8")
    env = dict(wheel_env, env={**wheel_env["env"], "DMKIT_INSTRUMENT_PATH": str(own)})
    r = _run(env, "instruments")
    assert r.returncode == 0, r.stderr
    assert "var_enkat" in r.stdout and "dual_maturity" in r.stdout


def test_missing_yaml_is_one_plain_line(wheel_env):
    r = _run(wheel_env, "validate", "svar.csv", "--instrument", "finns_inte.yaml")
    assert r.returncode == 1
    assert r.stderr.startswith("dmkit: ") and "Traceback" not in r.stderr
