"""dmkit audit REPORT_DIR: prints the findings, exit 1 on a leak, 0 when clean, a plain message without results.json."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from evaluation.cli import main as dmkit
from evaluation.reports.base import open_report

from conftest import SAMPLES


def _write(folder, sections):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(json.dumps({"report": "round", "sections": sections}), encoding="utf-8")
    return folder


LEAKY = {"overall": {"n": 23, "mean": 52.0},
         "units": [{"group": "A", "suppressed": True}, {"group": "B", "n": 12, "overall": {"mean": 40.0}},
                   {"group": "C", "n": 8, "overall": {"mean": 60.0}}]}


def test_leak_exits_1_and_prints_the_derived_value(tmp_path, capsys):
    code = dmkit(["audit", str(_write(tmp_path / "r", LEAKY))])
    out = capsys.readouterr().out
    assert code == 1
    derived = (23 * 52 - 12 * 40 - 8 * 60) / 3
    assert "total minus shown" in out and f"{derived:.3f}" in out and "1 values" in out


@pytest.mark.filterwarnings("error::UserWarning")  # a measure skipped as inconsistent would make "clean" vacuous
def test_clean_report_exits_0(tmp_path, capsys):
    df = pd.read_csv(SAMPLES / "solvik_2025.csv", dtype=str, keep_default_na=False)
    (tmp_path / "in.csv").write_text(df.to_csv(index=False), encoding="utf-8")
    out = tmp_path / "out"
    open_report("round", responses=str(tmp_path / "in.csv"), instrument="dual_maturity", municipality="X",
                round_label="2025", output_dir=str(out)).save()
    assert dmkit(["audit", str(out)]) == 0
    assert "no value of a group of fewer than 5" in capsys.readouterr().out


def test_previous_publication_differenced(tmp_path, capsys):
    first = _write(tmp_path / "v1", {"overall": {"n": 20, "mean": 50.0}})
    second = _write(tmp_path / "v2", {"overall": {"n": 21, "mean": 51.0}})
    assert dmkit(["audit", str(second)]) == 0
    assert dmkit(["audit", str(second), "--previous", str(first)]) == 1
    assert "previous minus current" in capsys.readouterr().out
    # with a higher threshold the same re-run leaks, with k=1 nothing can be too small
    assert dmkit(["audit", str(second), "--previous", str(first), "--min-group-size", "1"]) == 0


def test_folder_without_results_is_one_plain_message(tmp_path, capsys):
    assert dmkit(["audit", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "holds no results.json" in err and str(tmp_path) in err and "Traceback" not in err
