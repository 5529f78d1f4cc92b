"""``mapping`` and ``format`` reach the reader in the reports, as in ``dmkit validate``."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation.cli import main as dmkit
from evaluation.data.responses import AmbiguousCodeError
from evaluation.reports.base import open_report
from evaluation.reports.protocol import read_options_parameters

from conftest import SAMPLES


def _with_code_99(tmp_path):
    """The workshop's before-export with a tool's 'vet ej' code 99 in many cells (undeclared: ambiguous)."""
    df = pd.read_csv(SAMPLES / "workshop_before.csv", dtype=str, keep_default_na=False)
    items = [c for c in df.columns if c.startswith("wf_")]
    for k in range(0, len(df), 3):
        df.loc[k, items[k % len(items)]] = "99"
    p = tmp_path / "before.csv"
    df.to_csv(p, index=False)
    n_99 = int((df[items] == "99").to_numpy().sum())
    return p, n_99


def test_workshop_report_reads_with_the_mapping_given(tmp_path):
    before, n_99 = _with_code_99(tmp_path)
    kw = dict(before=str(before), after=str(SAMPLES / "workshop_after.csv"), instrument="workshop_followup",
              group_column="took_part", cluster_column="unit", feedback="", output_dir=str(tmp_path / "out"))
    with pytest.raises(AmbiguousCodeError, match="99"):
        open_report("workshop", **kw)
    m = tmp_path / "m.yaml"
    m.write_text('answers:\n  "99": dont_know\n', encoding="utf-8")
    rep = open_report("workshop", **kw, mapping=str(m), format="plain")
    assert rep.params.mapping == str(m) and rep.params.format == "plain"
    assert int(rep.analysis.before.dont_know.to_numpy().sum()) >= n_99


def test_read_options_are_checked_before_any_work(tmp_path):
    with pytest.raises(ValueError, match="mapping"):
        read_options_parameters(str(tmp_path / "missing.yaml"), "")
    with pytest.raises(ValueError, match="format"):
        read_options_parameters("", "typeform")
    assert read_options_parameters("", "forms") == ("", "msforms")


def test_workshop_command_takes_format_and_mapping(capsys):
    with pytest.raises(SystemExit):
        dmkit(["workshop", "--help"])
    out = capsys.readouterr().out
    assert "--mapping" in out and "--format" in out


def test_round_report_reads_with_the_mapping_given(tmp_path):
    df = pd.read_csv(SAMPLES / "solvik_2025.csv", dtype=str, keep_default_na=False)
    items = [c for c in df.columns if c.startswith(("cap_", "leg_"))]
    for k in range(0, len(df), 4):
        df.loc[k, items[k % len(items)]] = "99"
    p = tmp_path / "svar.csv"
    df.to_csv(p, index=False)
    kw = dict(responses=str(p), instrument="dual_maturity", output_dir=str(tmp_path / "out"))
    with pytest.raises(AmbiguousCodeError, match="99"):
        open_report("round", **kw)
    m = tmp_path / "netigate.mapping.yaml"
    m.write_text('answers:\n  "99": dont_know\n', encoding="utf-8")
    rep = open_report("round", **kw, mapping=str(m))
    env = rep.results()
    assert {"role": "mapping", "file": m.name} == {k: v for k, v in env["inputs"][-1].items() if k != "sha256"}
    assert str(tmp_path) not in str(env["parameters"])  # paths never reach results.json
    assert env["sections"]["respondents"]["accepted"] == len(df)
