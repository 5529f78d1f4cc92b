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


def _code_99(src, dst, prefixes, every=4):
    """``src`` with a tool's undeclared 'vet ej' code 99 in some item cells (ambiguous without a mapping)."""
    df = pd.read_csv(src, dtype=str, keep_default_na=False)
    items = [c for c in df.columns if c.startswith(prefixes)]
    for k in range(0, len(df), every):
        df.loc[k, items[k % len(items)]] = "99"
    df.to_csv(dst, index=False)
    return df


def _mapping_99(path):
    path.write_text('answers:\n  "99": dont_know\n', encoding="utf-8")
    return path


def test_psychometrics_reads_with_the_mapping_given(tmp_path, capsys):
    from evaluation.reports.protocol import read_export
    from evaluation.reports.psychometrics import validate_psychometrics_parameters

    p = tmp_path / "svar.csv"
    df = _code_99(SAMPLES / "solvik_2025.csv", p, ("cap_", "leg_"))
    kw = dict(responses=str(p), instrument="dual_maturity", group_column="role", output_dir=str(tmp_path / "o"))
    with pytest.raises(ValueError, match="99"):
        validate_psychometrics_parameters(**kw)
    m = _mapping_99(tmp_path / "m.yaml")
    params = validate_psychometrics_parameters(**kw, mapping=str(m), format="plain")
    assert (params.mapping, params.format) == (str(m), "plain")
    rs = read_export(params.responses, params.instrument, params)
    assert rs.n_accepted == len(df) and rs.mapping is not None
    with pytest.raises(ValueError, match="format"):
        validate_psychometrics_parameters(**kw, format="typeform")
    with pytest.raises(SystemExit):
        dmkit(["psychometrics", "--help"])
    out = capsys.readouterr().out
    assert "--mapping" in out and "--format" in out


def test_comparison_reads_each_instrument_with_its_own_mapping(tmp_path, capsys):
    from evaluation.reports.comparison import run_comparison, validate_comparison_parameters

    a = tmp_path / "a.csv"
    _code_99(SAMPLES / "paired_dual_maturity.csv", a, ("cap_", "leg_"))
    kw = dict(responses_a=str(a), instrument_a="dual_maturity",
              responses_b=str(SAMPLES / "paired_public_dma.csv"), instrument_b="public_dma",
              output_dir=str(tmp_path / "o"))
    with pytest.raises(ValueError, match="mapping_b"):
        validate_comparison_parameters(**kw, mapping_b=str(tmp_path / "missing.yaml"))
    with pytest.raises(ValueError, match="format_a"):
        validate_comparison_parameters(**kw, format_a="typeform")
    with pytest.raises(AmbiguousCodeError, match="99"):
        run_comparison(validate_comparison_parameters(**kw))
    m = _mapping_99(tmp_path / "a.mapping.yaml")
    params = validate_comparison_parameters(**kw, mapping_a=str(m))
    res = run_comparison(params, comprehension=False)
    assert res.n_linked > 0
    rep = open_report("comparison", **kw, mapping_a=str(m))
    roles = [f["role"] for f in rep.results()["inputs"]]
    assert "mapping_a" in roles and "mapping_b" not in roles
    with pytest.raises(SystemExit):
        dmkit(["compare", "--help"])
    out = capsys.readouterr().out
    assert all(o in out for o in ("--mapping-a", "--mapping-b", "--format-a", "--format-b"))


def test_batch_mapping_per_folder_and_for_every_folder(tmp_path):
    from evaluation.run.batch import load_folder, run_batch

    d = tmp_path / "kommuner"
    for name in ("solvik", "norrby"):
        (d / name / "data").mkdir(parents=True)
        _code_99(SAMPLES / "solvik_2025.csv", d / name / "data" / "svar.csv", ("cap_", "leg_"))
    _mapping_99(d / "solvik" / "netigate.mapping.yaml")
    (d / "solvik" / "params.yaml").write_text(
        "responses: data/svar.csv\ninstrument: dual_maturity\nmapping: netigate.mapping.yaml\nformat: plain\n",
        encoding="utf-8")
    (d / "norrby" / "params.yaml").write_text("responses: data/svar.csv\ninstrument: dual_maturity\n",
                                              encoding="utf-8")
    mf = load_folder(d / "solvik")
    assert mf.params["mapping"] == str((d / "solvik" / "netigate.mapping.yaml").resolve())
    assert mf.params["format"] == "plain" and load_folder(d / "norrby").params["mapping"] == ""
    # the folder's own mapping is used; the other folder is refused with the reason, not silently misread
    res = run_batch(d, workers=1, progress=False, write_html_index=False)
    ok = res.table.set_index("folder")
    assert bool(ok.loc["solvik", "ok"]) and not bool(ok.loc["norrby", "ok"])
    assert "99" in ok.loc["norrby", "reason"]
    # the benchmark reads each folder as its round does: with the folder's mapping
    from evaluation.run.national_benchmark import organisation_table

    orgs, excluded = organisation_table(d, workers=1)
    assert list(orgs["folder"]) == ["solvik"] and orgs["n"].iloc[0] == len(pd.read_csv(SAMPLES / "solvik_2025.csv"))
    assert "99" in excluded.set_index("folder").loc["norrby", "reason"]
    # one mapping given for the whole batch reaches every folder
    every = run_batch(d, workers=1, progress=False, write_html_index=False,
                      mapping=d / "solvik" / "netigate.mapping.yaml")
    assert every.table["ok"].all(), every.failures
    with pytest.raises(ValueError, match="--mapping"):
        run_batch(d, mapping=tmp_path / "none.yaml", progress=False)
