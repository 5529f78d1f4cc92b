"""The instrument-comparison report end to end, and compare_instruments on simulated pairs.

Data: evaluation.simulate.pairs with the crosswalk's pairs given known true
correlations (dual_maturity categories × public_dma dimensions), written to
CSV like survey exports, with a partial retest of A.
"""

from __future__ import annotations

import dataclasses
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.data.crosswalk import crosswalk_hypotheses, load_crosswalk
from evaluation.reports import comparison as rep
from evaluation.reports.envelope import sections_of
from evaluation.stats import agreement as cmp
from evaluation.stats.comparison import compare_instruments, link_responses
from evaluation.data.instruments import load_instrument
from evaluation.reports.protocol import run_notebook
from evaluation.data.responses import read_responses
from evaluation.simulate.pairs import simulate_pairs

CROSS = {("capture", "strategy_investment"): 0.7, ("information", "data_security"): 0.65,
         ("information", "interoperability"): 0.65, ("infrastructure", "green"): 0.1,
         ("infrastructure", "human_centric"): 0.1}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    ia, ib = load_instrument("dual_maturity"), load_instrument("public_dma")
    sim = simulate_pairs(ia, ib, n=240, seed=7, level=("category", "dimension"), cross=CROSS,
                         within_a=0.45, within_b=0.45, cross_default=0.3, stability=0.9)
    d = tmp_path_factory.mktemp("pairs")
    # B's file in another order, with two people who did not answer A: linking must sort it out
    b = sim.data_b.sample(frac=1.0, random_state=1).iloc[:-5]
    extra = sim.data_b.iloc[:2].assign(respondent_id=["X1", "X2"])
    b = pd.concat([b, extra], ignore_index=True)
    sim.data_a.to_csv(d / "a.csv", index=False)
    b.to_csv(d / "b.csv", index=False)
    sim.retest_a.iloc[:150].to_csv(d / "retest_a.csv", index=False)
    return {"dir": d, "sim": sim, "n_linked": 235}


@pytest.fixture(scope="module")
def report(files, tmp_path_factory):
    out = tmp_path_factory.mktemp("cmp_report")
    d = files["dir"]
    params = dict(responses_a=str(d / "a.csv"), instrument_a="dual_maturity", responses_b=str(d / "b.csv"),
                  instrument_b="public_dma", link_column="respondent_id", retest_a=str(d / "retest_a.csv"),
                  retest_b="", crosswalk="", language="sv", output_dir=str(out), min_group_size=5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run_notebook("instrument_comparison.ipynb", params, out, name="instrument_comparison", progress=False)
    return out, params


def test_report_numbers_equal_library(report):
    out, params = report
    env = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert env["report"] == "comparison" and env["language"] == "sv"
    res = sections_of(env)
    lib = rep.run_comparison(rep.validate_comparison_parameters(**params), structure=False,
                             comprehension=False)
    assert res["n_linked"] == lib.n_linked == 235
    assert res["share_confirmed"] == pytest.approx(lib.validity.share_confirmed, abs=1e-12)
    assert res["terwee_verdict"] == lib.validity.verdict
    # same float computations serialised through JSON
    for got, want in zip(res["correlations"], lib.validity.correlations.to_dict("records"), strict=True):
        assert (got["a"], got["b"]) == (want["a"], want["b"])
        assert got["r"] == pytest.approx(want["r"], abs=1e-12)
        assert got["r_disattenuated"] == pytest.approx(want["r_disattenuated"], abs=1e-12)
    key = next(iter(lib.agreement))
    assert res["agreement"][key]["kappa"] == pytest.approx(lib.agreement[key].kappa, abs=1e-12)
    tot = lib.retest["A"]["table"].set_index("score").loc["overall"]
    got = {r["score"]: r for r in res["retest"]["A"]["table"]}["overall"]
    assert got["icc2"] == pytest.approx(tot["icc2"], abs=1e-12)
    assert res["retest"]["A"]["n"] == 150 and "B" not in res["retest"]
    assert set(res["cosmin"]["A"]) == {"structural_validity", "internal_consistency", "reliability",
                                       "measurement_error", "hypotheses_testing", "cross_group_invariance"}
    assert res["structure"][0]["cfi"] > 0.9  # the simulated structure is the instrument's own
    rec = res["recommendation"]
    assert rec["choice"] in ("A", "B", "either") and rec["n_linked"] == 235
    assert rec["cosmin_plus"]["A"] == sum(v["rating"] == "+" for v in res["cosmin"]["A"].values())


def test_report_html_is_swedish_and_private(report, files):
    out, _ = report
    html = (out / "instrument_comparison.html").read_text(encoding="utf-8")
    assert "Sammanfattning" in html and "Konvergent och diskriminant validitet" in html
    assert "Vilket instrument passar oss?" in html and "alpha_understand" not in html and "True" not in html
    assert "Traceback (most recent call last)" not in html and 'data-mime-type="application/vnd.jupyter.stderr"' not in html
    ids = files["sim"].data_a["respondent_id"]
    import re

    text = re.sub(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+", "", html)  # ids like P0240 occur in base64 by chance
    assert not any(i in text for i in ids.head(50))  # no respondent id in the report
    assert html.count("<img") >= 2  # validity dot plot and the Bland–Altman plot
    assert "grupper om minst 5 personer" in html  # the Bland–Altman points are group means


def test_notebook_outputs_are_stripped_in_git():
    root = Path(__file__).resolve().parents[1]
    nb = json.loads((root / "notebooks" / "instrument_comparison.ipynb").read_text(encoding="utf-8"))
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")
    assert "parameters" in nb["cells"][0]["metadata"]["tags"]


def test_bad_parameters_give_plain_messages(files):
    d = files["dir"]
    good = dict(responses_a=str(d / "a.csv"), instrument_a="dual_maturity", responses_b=str(d / "b.csv"),
                instrument_b="public_dma")
    with pytest.raises(ValueError, match="does not exist"):
        rep.validate_comparison_parameters(**{**good, "responses_b": str(d / "nope.csv")})
    with pytest.raises(ValueError, match="language"):
        rep.validate_comparison_parameters(**good, language="de")
    # a linking column missing from the files is caught when the files are read (the notebook's
    # analysis step calls the same function; running the notebook to fail would cost ~15 s)
    with pytest.raises(ValueError, match="no column 'person'"):
        rep.run_comparison(rep.validate_comparison_parameters(**good, link_column="person"),
                           structure=False, comprehension=False)


def test_compare_instruments_with_levels_classification_english(files):
    """dual_maturity (quadrants) × leadership_current_state (levels): cross-table suppressed."""
    ia, ib = load_instrument("dual_maturity"), load_instrument("leadership_current_state")
    sim = simulate_pairs(ia, ib, n=60, seed=3, level="dimension", cross_default=0.4)
    rs_a, rs_b = read_responses(sim.data_a, ia), read_responses(sim.data_b, ib)
    res = rep.protect(compare_instruments(rs_a, rs_b, structure=False, comprehension=False), language="en")
    assert res.classes is not None
    assert list(res.classes.index) == [q["id"] for q in ia.classification["quadrants"]]
    assert res.classes.to_numpy().sum() == 60
    # every shown cell has at least min_group_size people
    shown = res.classes.to_numpy()[~res.classes_hidden.to_numpy()]
    assert (shown == 0).sum() + (shown >= 5).sum() == shown.size or (shown >= 5).all()
    assert ((res.classes.to_numpy() < 5) & (res.classes.to_numpy() > 0) & ~res.classes_hidden.to_numpy()).sum() == 0
    tab = rep.classes_table(res)
    cells = tab.iloc[:, 1:].to_numpy().astype(str)
    assert (cells == "–").sum() == res.classes_hidden.to_numpy().sum()
    hyp = crosswalk_hypotheses(load_crosswalk(), ia, ib)
    assert set(hyp["expected"]) <= {"convergent", "discriminant"} and len(hyp) >= 3
    summary = " ".join(rep.summary_lines(res))
    assert "(+)" in summary or "(−)" in summary or "(?)" in summary


def test_link_errors(files):
    sim = files["sim"]
    ia, ib = load_instrument("dual_maturity"), load_instrument("public_dma")
    rs_a = read_responses(sim.data_a, ia)
    rs_b = read_responses(sim.data_b, ib)
    # read_responses already rejects duplicated ids; a hand-built set must still be caught
    meta = rs_b.meta.copy()
    meta.iloc[1, meta.columns.get_loc("respondent_id")] = meta["respondent_id"].iloc[0]
    with pytest.raises(ValueError, match="duplicated"):
        link_responses(rs_a, dataclasses.replace(rs_b, meta=meta))
    few = read_responses(sim.data_b.iloc[:3], ib)
    with pytest.raises(ValueError, match="needs at least 5"):
        compare_instruments(rs_a, few, structure=False, comprehension=False)
    hyp = crosswalk_hypotheses(load_crosswalk(), ia, ib)
    assert {("capture", "strategy_investment", "convergent"),
            ("infrastructure", "green", "discriminant")} <= set(map(tuple, hyp[["a", "b", "expected"]].values))
    with pytest.raises(ValueError, match="does not exist"):
        load_crosswalk("/nonexistent/crosswalk.yaml")
    assert np.isfinite(hyp["min_r"].dropna()).all()


def test_dif_group_feeds_cosmin_invariance(files, monkeypatch):
    """Wiring only: the real DIF (comprehension.dif_ordinal) takes ~30 s, so a stub stands in."""
    import evaluation.stats.dif as comp

    calls = []

    def fake_dif(rs, group, **kw):
        calls.append((rs.instrument.id, group))
        flagged = rs.instrument.id == "public_dma"
        return pd.DataFrame({"r2_change_13": [0.01, 0.05 if flagged else 0.015],
                             "dif": [False, flagged]}, index=["i1", "i2"])

    monkeypatch.setattr(comp, "dif_ordinal", fake_dif)
    sim = files["sim"]
    rs_a = read_responses(sim.data_a.assign(role="Chef"), "dual_maturity")
    rs_b = read_responses(sim.data_b.assign(role="Chef"), "public_dma")
    res = compare_instruments(rs_a, rs_b, structure=False, comprehension=False, dif_group="role")
    assert calls == [("dual_maturity", "role"), ("public_dma", "role")]
    assert res.cosmin["A"].loc["cross_group_invariance", "rating"] == "+"
    assert res.cosmin["B"].loc["cross_group_invariance", "rating"] == cmp.MINUS
    assert res.cosmin["B"].loc["cross_group_invariance", "values"]["max_dif_r2"] == 0.05
