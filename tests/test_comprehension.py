"""Tests for the comprehension review (stats.item_signals, gradient, dif, readability,
comprehension_flags; words in text.comprehension): every signal on hand-made cases, the
logistic-regression and DIF fits against R (tests/reference/comprehension.R),
and detection of items planted by the simulator."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from types import SimpleNamespace as NS

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from evaluation.text import comprehension as cm
from evaluation.text.comprehension import (
    Thresholds,
    comprehension_gradient,
    comprehension_report,
    dif_ordinal,
    flesch_reading_ease,
    format_report,
    instrument_text_signals,
    item_signals,
    lix,
    lix_band,
    text_signals,
    wilson_ci,
)

REF = Path(__file__).parent / "reference"


# ---------------------------------------------------------------- helpers
def likert(n=300, k=5, seed=0, noise=1.0):
    """k items driven by one latent trait, 1..6, plus the trait."""
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=n)
    df = pd.DataFrame({f"q{i}": np.clip(np.round(3.5 + theta + rng.normal(scale=noise, size=n)), 1, 6)
                       for i in range(k)})
    return df, theta, rng


def no_dk(df):
    return pd.DataFrame(False, index=df.index, columns=df.columns)


# ---------------------------------------------------------------- Wilson
def test_wilson_matches_statsmodels_closed_form():
    k = np.array([0, 3, 12, 40, 100])
    n = np.array([10, 50, 40, 100, 100])
    low, high = wilson_ci(k, n)
    ref_low, ref_high = proportion_confint(k, n, alpha=0.05, method="wilson")
    # closed form: agreement to rounding error
    np.testing.assert_allclose(low, ref_low, atol=1e-12)
    np.testing.assert_allclose(high, ref_high, atol=1e-12)


def test_wilson_edge_cases():
    low, high = wilson_ci(np.array([0]), np.array([0]))
    assert np.isnan(low[0]) and np.isnan(high[0])
    with pytest.raises(ValueError, match="0 <= k <= n"):
        wilson_ci(5, 3)
    with pytest.raises(ValueError, match="confidence"):
        wilson_ci(1, 3, confidence=1.5)


# ---------------------------------------------------------------- text
def test_lix_by_hand():
    # 6 words, 1 sentence, 3 words with more than six letters: 6 + 100*3/6 = 56
    assert lix("Kommunen har en tydlig digitala strategi.") == pytest.approx(56.0, abs=1e-12)
    # 2 sentences, 7 words, 3 long (Förvaltningsorganisationen, säkerställer,
    # informationssäkerheten): 7/2 + 100*3/7
    text = "Förvaltningsorganisationen säkerställer informationssäkerheten. Vi har en plan."
    assert lix(text) == pytest.approx(3.5 + 300 / 7, abs=1e-12)
    # hyphenated word counts once; "IT-system" has 8 letters -> long
    assert lix("Våra IT-system fungerar.") == pytest.approx(3 + 100 * 2 / 3, abs=1e-12)
    assert math.isnan(lix("   "))


def test_lix_bands():
    assert [lix_band(v) for v in (29.9, 30, 45, 50, 59.9, 60, 75)] == [
        "mycket lätt", "lätt", "medelsvår", "svår", "svår", "mycket svår", "mycket svår"]
    assert lix_band(35, "en") == "easy"
    assert lix_band(float("nan")) == ""


def test_flesch_by_hand():
    # 3 words, 1 sentence, 3+4+2 = 9 syllables: 206.835 - 1.015*3 - 84.6*3
    assert flesch_reading_ease("Digital maturity matters.") == pytest.approx(
        206.835 - 1.015 * 3 - 84.6 * 3, abs=1e-9)
    assert flesch_reading_ease("The cat sat on the mat.") == pytest.approx(116.145, abs=1e-9)


def test_double_barrelled_sv_and_en():
    sv = text_signals("Vi har en strategi och en budget för digitalisering.", language="sv")
    assert sv.double_barrelled and "och" in sv.double_barrelled[0]
    en = text_signals("Our managers understand and use data in decisions.", language="en")
    assert en.double_barrelled == ("managers understand and use data",)  # both asks quoted whole
    # single ask, and a whitelisted fixed expression
    assert text_signals("Vi har en strategi för digitalisering.").double_barrelled == ()
    assert text_signals("Vi satsar på forskning och utveckling.").double_barrelled == ()
    assert text_signals("We invest in research and development.", language="en").double_barrelled == ()
    # a conjunction with only function words on one side is not two asks
    assert text_signals("Och vi har en plan.").double_barrelled == ()


def test_negations_and_double_negation():
    one = text_signals("Vi har inte en plan.")
    assert one.negations == ("inte",) and not one.double_negation
    two = text_signals("Det är inte så att vi aldrig följer upp.")
    assert two.double_negation
    implicit = text_signals("Vi saknar inte verktyg.")
    assert implicit.double_negation
    assert not text_signals("Vi saknar verktyg.").double_negation  # implicit alone: no
    en = text_signals("We don't lack tools.", language="en")
    assert en.negations == ("don't",) and en.double_negation


def test_vague_glossary_and_jargon():
    s = text_signals("Vi följer ofta upp nyttorealiseringen i tillräckligt hög grad.",
                     glossary=["Nyttorealisering"])
    assert s.vague_quantifiers == ("ofta", "tillräckligt")
    assert s.glossary_terms == ("Nyttorealisering",)
    assert s.jargon_terms == ()  # explained in the glossary
    s2 = text_signals("Vi följer upp nyttorealiseringen via ett API.")
    assert set(s2.jargon_terms) == {"nyttorealisering", "api"}
    # a glossary term merely containing the letters does not explain jargon
    s3 = text_signals("Vi använder AI i detaljplaneringen.", glossary=["Detaljplan"])
    assert s3.jargon_terms == ("ai",) and s3.glossary_terms == ("Detaljplan",)
    # exact word forms for vague words: "liten" is not "lite"
    assert text_signals("Vi testar i liten skala.").vague_quantifiers == ()
    with pytest.raises(ValueError, match="language"):
        text_signals("x", language="de")


def test_instrument_text_signals_fake_instrument():
    inst = NS(items=(NS(id="a", text={"sv": "Vi har inte en plan.", "en": "We have no plan."}),
                     NS(id="b", text={"sv": "Planen följs upp.", "en": "The plan is followed up."})),
              glossary=({"term": {"sv": "Plan", "en": "Plan"}, "definition": {}},))
    sv = instrument_text_signals(inst)
    assert list(sv.index) == ["a", "b"]
    assert sv.loc["a", "negations"] == "inte"
    assert sv.loc["b", "glossary_terms"] == "Plan"
    en = instrument_text_signals(inst, language="en")
    assert en.loc["a", "negations"] == "no" and np.isfinite(en.loc["a", "flesch"])
    assert np.isnan(sv.loc["a", "flesch"])


# ---------------------------------------------------------------- empirical signals
def test_dk_and_skip_rates_with_wilson():
    df, theta, rng = likert(n=100)
    dk = no_dk(df)
    dk.loc[:39, "q1"] = True                       # 40 % don't know
    sk = no_dk(df)
    sk.loc[95:, "q2"] = True                       # 5 % skipped
    data = df.mask(dk | sk)
    sig = item_signals(data, dont_know=dk, skipped=sk)
    assert sig.loc["q1", "dk_rate"] == pytest.approx(0.40, abs=1e-12)
    lo, hi = wilson_ci(40, 100)
    assert sig.loc["q1", "dk_ci_low"] == pytest.approx(lo, abs=1e-12)
    assert sig.loc["q1", "dk_ci_high"] == pytest.approx(hi, abs=1e-12)
    assert sig.loc["q2", "skip_rate"] == pytest.approx(0.05, abs=1e-12)
    assert sig.loc["q1", "dk_rate_others"] == 0.0
    assert sig.loc["q1", "n_answered"] == 60


def test_breakoff_by_hand():
    df = pd.DataFrame({"q0": [1, 2, 3, 4, 5], "q1": [2, 3, np.nan, np.nan, 5],
                       "q2": [3, np.nan, np.nan, np.nan, 5], "q3": [4, np.nan, np.nan, np.nan, 5]},
                      dtype=float)
    dk = no_dk(df)
    dk.loc[3, "q1"] = True  # respondent 4 said don't know at q1, then blank
    sk = df.isna() & ~dk
    sig = item_signals(df, dont_know=dk, skipped=sk)
    # last response: r2 at q1, r3 at q0, r4 at q1 (don't know counts as a response)
    np.testing.assert_allclose(sig["breakoff_after"], [1 / 5, 2 / 5, 0, 0], atol=1e-12)
    np.testing.assert_allclose(sig["breakoff_at"], [0, 1 / 5, 2 / 5, 0], atol=1e-12)
    # blanks after the last response are break-off, not skips
    assert list(sig["n_reached"]) == [5, 4, 2, 2]
    np.testing.assert_allclose(sig["skip_rate"], 0, atol=0)
    np.testing.assert_allclose(sig["blank_rate"], [0, 1 / 5, 3 / 5, 3 / 5], atol=1e-12)
    df2 = df.copy()
    df2.loc[0, "q1"] = np.nan  # respondent 1 skips q1 but answers later: a real skip
    sk2 = df2.isna() & ~dk
    sig2 = item_signals(df2, dont_know=dk, skipped=sk2)
    assert sig2.loc["q1", "skip_rate"] == pytest.approx(1 / 4, abs=1e-12)


def test_gradient_leaves_out_respondents_who_had_broken_off():
    d = pd.read_csv(REF / "comprehension_data.csv")
    items = [f"q{i}" for i in range(5)]
    g = comprehension_gradient(d[items])
    # q4 is the last item: a blank there is trailing, so those respondents are out
    assert g.loc["q4", "n"] == 240 - d["q4"].isna().sum() and g.loc["q4", "events"] == 0
    # q0 blanks followed by answers are kept as events
    assert g.loc["q0", "n"] == 240 and g.loc["q0", "events"] == d["q0"].isna().sum()


def test_r_drop_by_hand_and_reversed_item():
    df, theta, rng = likert(n=200, k=4, seed=5)
    df["q3"] = 7 - df["q3"]  # reversed relation to the trait
    df.iloc[::17, 0] = np.nan
    sig = item_signals(df)
    rest = df[["q1", "q2", "q3"]].mean(axis=1)
    ok = df["q0"].notna()
    r = np.corrcoef(df.loc[ok, "q0"], rest[ok])[0, 1]
    assert sig.loc["q0", "r_drop"] == pytest.approx(r, abs=1e-12)
    assert sig.loc["q3", "r_drop"] < -0.2
    rep = comprehension_report(df, language="en")
    row = rep.set_index("item").loc["q3"]
    assert row["flag"] == "revise" and "corrected item-total r" in row["reasons"]


def test_r_drop_agrees_with_reliability_module_on_complete_data():
    reliability = pytest.importorskip("evaluation.stats.reliability")
    df, theta, rng = likert(n=150, k=5, seed=18)
    df["q4"] = 7 - df["q4"]
    ours = item_signals(df)["r_drop"]
    theirs = reliability.item_statistics(df)["r_drop"]
    # same quantity (item vs sum or mean of the others), closed form
    np.testing.assert_allclose(ours.to_numpy(), theirs.reindex(ours.index).to_numpy(), atol=1e-10)


def test_floor_ceiling_and_difficulty():
    df, theta, rng = likert(n=300, k=8, seed=6, noise=0.6)
    df["q7"] = np.clip(df["q7"] + 3, 1, 6)  # much easier than its siblings, ceiling
    sig = item_signals(df)
    assert sig.loc["q7", "ceiling"] == pytest.approx((df["q7"] == 6).mean(), abs=1e-12)
    assert sig.loc["q7", "ceiling"] > 0.5
    assert sig.loc["q0", "floor"] == pytest.approx((df["q0"] == 1).mean(), abs=1e-12)
    assert sig.loc["q7", "difficulty_z"] > 5
    assert sig["difficulty_z"].drop("q7").abs().max() < 2.5
    rep = comprehension_report(df, language="sv").set_index("item")
    assert "takeffekt" in rep.loc["q7", "reasons"]
    assert "högre än övriga" in rep.loc["q7", "reasons"]


def test_response_times_from_a_responseset_like_object():
    df, theta, rng = likert(n=120, k=4, seed=7)
    times = pd.DataFrame(rng.lognormal(np.log(6), 0.2, size=df.shape), columns=df.columns)
    times["q2"] *= 3
    texts = {"q0": "Vi har en plan.", "q1": "Vi har en plan.", "q2": "Vi har en plan.", "q3": "Vi har en plan."}
    items = tuple(NS(id=c, text={"sv": t, "en": t}, dimension="d", category="c", reverse=False)
                  for c, t in texts.items())
    inst = NS(id="fake", items=items, item=lambda i: next(it for it in items if it.id == i),
              glossary=(), scale=NS(min=1, max=6))
    rs = NS(scored=lambda: df, dont_know=no_dk(df), skipped=no_dk(df),
            meta=pd.DataFrame(index=df.index), timings=times, instrument=inst)
    sig = item_signals(rs)
    assert sig.loc["q2", "time_median"] == pytest.approx(times["q2"].median(), abs=1e-12)
    assert sig.loc["q2", "n_words"] == 4
    assert sig.loc["q2", "time_ratio"] > 2.5
    rep = comprehension_report(rs, language="en").set_index("item")
    assert "slow to answer" in rep.loc["q2", "reasons"]


# ---------------------------------------------------------------- gradient
def test_gradient_matches_r_glm():
    ref = json.loads((REF / "comprehension_reference.json").read_text())
    d = pd.read_csv(REF / "comprehension_data.csv")
    items = [f"q{i}" for i in range(5)]
    # R fits every respondent; break-off exclusion is tested separately below
    g = comprehension_gradient(d[items], exclude_breakoff=False)
    for it in items:
        r = ref[it]
        assert g.loc[it, "n"] == r["n"] and g.loc[it, "events"] == r["events"]
        if "odds_ratio" not in r:
            assert np.isnan(g.loc[it, "odds_ratio"]) and "too few events" in g.loc[it, "note"]
            continue
        # Point estimates agree to optimiser precision; R's glm takes its covariance
        # from the last IRLS step (weights of the previous iterate), so SE-based
        # quantities agree to ~1e-5 relative: tolerance 1e-4 relative.
        assert g.loc[it, "odds_ratio"] == pytest.approx(r["odds_ratio"], rel=1e-6)
        assert g.loc[it, "ci_low"] == pytest.approx(r["ci_low"], rel=1e-4)
        assert g.loc[it, "ci_high"] == pytest.approx(r["ci_high"], rel=1e-4)
        assert g.loc[it, "p"] == pytest.approx(r["p"], rel=1e-3)
    finite = g["p"].notna()
    np.testing.assert_allclose(g.loc[finite, "p_adj"],
                               multipletests(g.loc[finite, "p"], method="holm")[1], rtol=1e-12)


def test_gradient_on_planted_low_scorer_dont_know():
    df, theta, rng = likert(n=300, k=6, seed=8)
    dk = no_dk(df)
    # 40 % don't know overall, concentrated among low scorers
    p = 1 / (1 + np.exp(0.5 + 1.5 * theta))
    dk["q0"] = rng.random(300) < p
    assert 0.3 < dk["q0"].mean() < 0.5
    # reversed relation: the most mature say don't know on q1
    dk["q1"] = rng.random(300) < 1 / (1 + np.exp(1.5 - 1.5 * theta))
    g = comprehension_gradient(df.mask(dk), dont_know=dk, outcome="dk")
    assert g.loc["q0", "odds_ratio"] > 2 and g.loc["q0", "ci_low"] > 1 and g.loc["q0", "p_adj"] < 1e-6
    assert g.loc["q1", "odds_ratio"] < 1 and g.loc["q1", "ci_high"] < 1
    rep = comprehension_report(df.mask(dk), dont_know=dk).set_index("item")
    assert rep.loc["q0", "flag"] == "revise"
    assert "lägre mognad" in rep.loc["q0", "reasons"]
    assert "lägre mognad" not in rep.loc["q1", "reasons"]  # OR < 1 is not the comprehension gradient


def test_gradient_zero_events_and_separation_do_not_crash():
    df, theta, rng = likert(n=100, k=4, seed=9)
    dk = no_dk(df)
    rest = df[["q1", "q2", "q3"]].mean(axis=1)
    dk["q0"] = rest < rest.quantile(0.2)  # perfectly separated by the rest score
    g = comprehension_gradient(df.mask(dk), dont_know=dk, outcome="dk")
    assert np.isnan(g.loc["q0", "odds_ratio"]) and "separation" in g.loc["q0", "note"]
    assert "too few events" in g.loc["q1", "note"] and g.loc["q1", "events"] == 0
    assert g["p_adj"].isna().all()
    rep = comprehension_report(df.mask(dk), dont_know=dk)
    assert len(rep) == 4


def test_gradient_adjusted_for_role():
    df, theta, rng = likert(n=300, k=5, seed=10)
    role = pd.Series(np.where(rng.random(300) < 0.5, "Chef", "Strateg"))
    dk = no_dk(df)
    dk["q0"] = rng.random(300) < 1 / (1 + np.exp(1 + 1.2 * theta))
    g = comprehension_gradient(df.mask(dk), dont_know=dk, adjust_for=role)
    assert g.loc["q0", "odds_ratio"] > 2 and g.loc["q0", "p_adj"] < 1e-4
    # no role difference at equal maturity was planted
    assert g.loc["q0", "group_p"] > 0.001
    with pytest.raises(ValueError, match="respondents"):
        comprehension_gradient(df, adjust_for=role.iloc[:10])


def test_group_difference_in_dont_know_at_equal_maturity():
    df, theta, rng = likert(n=400, k=5, seed=17)
    role = pd.Series(np.where(rng.random(400) < 0.5, "Chef", "Strateg"), name="roll")
    role.iloc[:8] = "Politiker"  # a group of 8: left out of the group fits
    dk = no_dk(df)
    dk["q1"] = rng.random(400) < np.where(role == "Chef", 0.30, 0.04)  # unrelated to theta
    g = comprehension_gradient(df.mask(dk), dont_know=dk, adjust_for=role)
    assert g.loc["q1", "n"] == 392
    assert g.loc["q1", "group_p_adj"] < 1e-6 and g.loc["q1", "group_highest"] == "Chef"
    assert g.loc["q1", "group_highest_rate"] == pytest.approx(dk.loc[role == "Chef", "q1"].mean(), abs=1e-12)
    # LR statistic by hand from two statsmodels fits
    import statsmodels.api as sm
    keep = role != "Politiker"
    rest = df.drop(columns="q1").mean(axis=1)[keep]
    z = -(rest - rest.mean()) / rest.std(ddof=0)
    y = dk.loc[keep, "q1"].astype(float)
    X0 = sm.add_constant(z.rename("lower"))
    X1 = X0.assign(g=(role[keep] == "Strateg").astype(float))
    lr = 2 * (sm.Logit(y, X1).fit(disp=0).llf - sm.Logit(y, X0).fit(disp=0).llf)
    assert g.loc["q1", "group_chi2"] == pytest.approx(lr, rel=1e-6)  # same model, same optimiser
    rep = comprehension_report(df.mask(dk), dont_know=dk, group=role).set_index("item")
    assert "högst bland Chef" in rep.loc["q1", "reasons"]
    assert "Politiker" not in " ".join(rep["reasons"])


# ---------------------------------------------------------------- DIF
def test_dif_loglikelihoods_match_r_polr():
    ref = json.loads((REF / "comprehension_reference.json").read_text())
    d = pd.read_csv(REF / "comprehension_data.csv")
    items = [f"q{i}" for i in range(5)]
    dif = dif_ordinal(d[items], d["role"], purify=False, min_group_n=5)
    for it in items:
        r = ref[it]["dif"]
        assert dif.loc[it, "n"] == r["n"]
        # BFGS vs polr's optimiser: log-likelihoods agree to ~1e-5; tolerance 1e-4
        for k in ("ll1", "ll2", "ll3"):
            assert dif.loc[it, k] == pytest.approx(r[k], abs=1e-4)
        # null model in closed form (category proportions) equals polr(y ~ 1)
        ll0 = dif.loc[it, "ll1"] / (1 - dif.loc[it, "r2_1"])
        assert ll0 == pytest.approx(r["ll0"], abs=1e-4)
        chi2_13 = 2 * (r["ll3"] - r["ll1"])
        assert dif.loc[it, "chi2_13"] == pytest.approx(chi2_13, abs=2e-4)
    # q3 was planted with uniform DIF (+1 for Chef)
    assert dif.loc["q3", "dif"] and dif.loc["q3", "p_12"] < 1e-6


def test_dif_purification_and_planted_nonuniform():
    df, theta, rng = likert(n=400, k=5, seed=11, noise=0.7)
    role = np.where(rng.random(400) < 0.5, "Chef", "Strateg")
    df["q0"] = np.clip(df["q0"] + 2 * (role == "Chef"), 1, 6)                     # uniform
    df["q4"] = np.where(role == "Strateg", df["q4"],
                        np.clip(np.round(3.5 - 0.8 * theta + rng.normal(size=400)), 1, 6))  # non-uniform
    res = dif_ordinal(df, pd.Series(role))
    assert res.loc["q0", "dif"] and res.loc["q4", "dif"]
    assert res.loc["q4", "p_23"] < 1e-6            # the interaction carries q4's DIF
    assert not res["dif"].drop(["q0", "q4"]).any()  # purified: no spill-over
    assert not res.loc["q0", "anchor"] and res.loc["q1", "anchor"]
    # Holm over items: adjusted p is never below the raw p
    assert (res["p_13_adj"] >= res["p_13"] - 1e-15).all()


def test_dif_reason_in_report():
    d = pd.read_csv(REF / "comprehension_data.csv")
    items = [f"q{i}" for i in range(5)]
    rep = comprehension_report(d[items], group=d["role"].rename("roll")).set_index("item")
    assert "fungerar olika mellan grupperna (roll)" in rep.loc["q3", "reasons"]
    assert rep.loc["q3", "dif"] and not rep["dif"].drop("q3").any()


def test_dif_small_groups_and_errors():
    df, theta, rng = likert(n=60, k=4, seed=12)
    grp = pd.Series(["A"] * 55 + ["B"] * 5)
    res = dif_ordinal(df, grp, min_group_n=20)
    assert res["note"].str.contains("fewer than two groups").all() and not res["dif"].any()
    with pytest.raises(ValueError, match="metadata column"):
        dif_ordinal(df, "role")
    with pytest.raises(ValueError, match="needs a group"):
        dif_ordinal(df, None)


# ---------------------------------------------------------------- report
def fake_instrument():
    texts = {
        "q0": ("Vi följer upp planen.", "We follow up the plan."),
        "q1": ("Vi följer upp planen.", "We follow up the plan."),
        "q2": ("Vi följer upp planen.", "We follow up the plan."),
        "q3": ("Förvaltningsorganisationens informationsförsörjningsstrategi är fastställd och kommunicerad.",
               "The administration's information provision strategy is established and communicated."),
        "q4": ("Vi följer upp planen.", "We follow up the plan."),
        "q5": ("Vi följer upp planen.", "We follow up the plan."),
    }
    items = tuple(NS(id=i, text={"sv": s, "en": e}, dimension="d", category="c", reverse=False)
                  for i, (s, e) in texts.items())
    return NS(id="fake", items=items, item=lambda i: next(it for it in items if it.id == i),
              glossary=(), scale=NS(min=1, max=6))


def test_report_flags_text_only_empirical_only_and_both():
    df, theta, rng = likert(n=300, k=6, seed=13)
    dk = no_dk(df)
    dk["q0"] = rng.random(300) < 1 / (1 + np.exp(1.0 + 1.2 * theta))   # empirical only
    dk["q3"] = rng.random(300) < 1 / (1 + np.exp(1.0 + 1.2 * theta))   # empirical + text
    inst = fake_instrument()
    rep = comprehension_report(df.mask(dk), inst, dont_know=dk).set_index("item")
    assert rep.loc["q3", "text_flag"] == "review" and rep.loc["q3", "flag"] == "revise"
    assert "fastställd och kommunicerad" in rep.loc["q3", "reasons"]
    # LIX is not used on a sentence this short (6 words): two long words would decide it
    assert "LIX" not in rep.loc["q3", "reasons"]
    assert rep.loc["q0", "text_flag"] == "ok" and rep.loc["q0", "flag"] == "revise"
    assert set(rep.loc[["q1", "q2", "q4", "q5"], "flag"]) == {"ok"}
    # text alone gives at most review
    rep2 = comprehension_report(df, inst).set_index("item")
    assert rep2.loc["q3", "flag"] == "review" and rep2.loc["q3", "empirical_flag"] == "ok"
    # text_signals=False: the data only
    rep3 = comprehension_report(df, inst, text_signals=False).set_index("item")
    assert rep3.loc["q3", "flag"] == "ok" and rep3.loc["q3", "reasons"] == ""
    assert (rep3["flag"] == rep3["empirical_flag"]).all()


def test_report_ranking_language_and_columns():
    df, theta, rng = likert(n=300, k=6, seed=14)
    dk = no_dk(df)
    dk["q4"] = rng.random(300) < 0.38
    rep_sv = comprehension_report(df.mask(dk), dont_know=dk)
    assert rep_sv.loc[0, "item"] == "q4"
    assert list(rep_sv["flag"].map(cm._LEVEL)) == sorted(rep_sv["flag"].map(cm._LEVEL), reverse=True)
    pct = f"{100 * dk['q4'].mean():.0f}\u202f%"  # the kit's formatter: narrow no-break space before %
    assert f"{pct} svarade 'vet ej' (övriga frågor 0\u202f%)" in rep_sv.loc[0, "reasons"]
    rep_en = comprehension_report(df.mask(dk), dont_know=dk, language="en")
    assert "answered 'don't know'" in rep_en.loc[0, "reasons"]
    for col in ("dk_rate", "dk_ci_low", "skip_rate", "breakoff_at", "r_drop", "floor", "ceiling",
                "difficulty_z", "gradient_or", "gradient_p_adj", "empirical_flag", "flag",
                "reasons", "n_reasons"):
        assert col in rep_sv.columns
    assert rep_sv.loc[0, "n_reasons"] == len(rep_sv.loc[0, "reasons"].split("; "))
    # uniform don't know unrelated to maturity: high rate, but no gradient -> review
    assert rep_sv.loc[0, "flag"] == "review"


def test_thresholds_validation_and_effect():
    with pytest.raises(ValueError, match="r_drop_revise"):
        Thresholds(r_drop_review=0.1, r_drop_revise=0.2)
    with pytest.raises(ValueError, match="gradient_alpha"):
        Thresholds(gradient_alpha=0)
    with pytest.raises(ValueError, match="finite number"):
        Thresholds(lix_review=float("nan"))
    with pytest.raises(TypeError, match="Thresholds"):
        comprehension_report(likert()[0], thresholds={"lix_review": 60})
    df, theta, rng = likert(n=300, k=5, seed=15)
    dk = no_dk(df)
    dk["q0"] = rng.random(300) < 0.12
    strict = comprehension_report(df.mask(dk), dont_know=dk, thresholds=Thresholds(dk_rate_min=0.5))
    assert (strict["flag"] == "ok").all()
    assert Thresholds().to_frame().shape == (len(dataclasses.fields(Thresholds)), 2)


def test_input_errors():
    with pytest.raises(TypeError, match="ResponseSet"):
        comprehension_report([[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="at least two items"):
        item_signals(pd.DataFrame({"q0": [1.0, 2.0, 3.0]}))
    with pytest.raises(ValueError, match="language"):
        comprehension_report(likert()[0], language="fi")


def test_format_report():
    df, theta, rng = likert(n=300, k=5, seed=16)
    dk = no_dk(df)
    dk["q2"] = rng.random(300) < 1 / (1 + np.exp(1.0 + 1.2 * theta))
    rep = comprehension_report(df.mask(dk), dont_know=dk)
    text = format_report(rep)
    lines = text.splitlines()
    assert lines[0].startswith("Frågor som kan vara svåra att förstå: 5 frågor, 1 revidera")
    assert lines[2].split()[:3] == ["1", "q2", "revidera"]
    assert "    - " in lines[3]
    short = format_report(rep, "en", show_ok=False)
    assert "q0" not in short and "q2" in short and short.startswith("Items that may be hard")
    with pytest.raises(ValueError, match="comprehension_report"):
        format_report(pd.DataFrame({"a": [1]}))


# ---------------------------------------------------------------- simulator
def test_planted_items_on_the_simulator():
    from evaluation.data.instruments import load_instrument
    from evaluation.data.responses import read_responses
    from evaluation.simulate import simulate_round

    inst = load_instrument("dual_maturity")
    hard = ["cap_und_2", "leg_info_3", "leg_gov_4"]
    sim = simulate_round(inst, n=300, seed=7, hard_items=hard)
    rs = read_responses(sim.data, inst)
    rep = comprehension_report(rs, inst, text_signals=False)
    flagged = set(rep.loc[rep["flag"] != "ok", "item"])
    assert flagged == set(hard)
    assert list(rep["item"][:3].sort_values()) == sorted(hard)  # ranked first
    g = rep.set_index("item")
    assert (g.loc[hard, "gradient_or"] > 1.5).all()
    # With text signals on, planted items stay on top, and the ResponseSet's
    # instrument is picked up when none is passed.
    rep_txt = comprehension_report(rs, language="en")
    assert set(rep_txt["item"][:3]) == set(hard)
    assert rep_txt["text"].str.len().gt(0).all()



def test_flags_and_codes_do_not_depend_on_the_report_language():
    """The text analysed is the instrument's primary (Swedish) text whatever the report language:
    sv and en reports of one round give the same flags, codes and numbers; only the words differ."""
    from evaluation.data.instruments import load_instrument
    from evaluation.data.responses import read_responses
    from evaluation.simulate import simulate_round
    from evaluation.stats.comprehension_flags import REASON_CODES, comprehension_flags

    inst = load_instrument("dual_maturity")
    rs = read_responses(simulate_round(inst, n=200, seed=3).data, inst)
    sv = comprehension_report(rs, language="sv")
    en = comprehension_report(rs, language="en")
    codes = comprehension_flags(rs)
    pd.testing.assert_frame_equal(sv.drop(columns="reasons"), en.drop(columns="reasons"))
    pd.testing.assert_frame_equal(sv.drop(columns="reasons"), codes)
    assert (sv["text"] == [inst.item(i).text["sv"] for i in sv["item"]]).all()
    assert {c for cs in codes["reason_codes"] for c in cs} <= set(REASON_CODES)
    assert (codes["n_reasons"] == codes["reason_codes"].map(len)).all()
    assert (sv["reasons"].str.split("; ").map(len) == sv["n_reasons"]).where(sv["n_reasons"] > 0, True).all()
    assert sv["reasons"].ne(en["reasons"]).any()  # the words do change


def test_text_analysis_falls_back_to_english_only_without_swedish():
    from evaluation.stats.readability import instrument_text_signals, primary_lang

    en_only = NS(items=(NS(id="a", text={"en": "We do not lack tools."}),), glossary=())
    both = NS(items=(NS(id="a", text={"sv": "Vi har en plan.", "en": "We do not lack tools."}),), glossary=())
    assert primary_lang(en_only) == "en" and primary_lang(both) == "sv"
    assert bool(instrument_text_signals(en_only).loc["a", "double_negation"])
    assert not bool(instrument_text_signals(both).loc["a", "double_negation"])


def test_lix_flags_only_text_long_enough_to_measure():
    """A short item with long words is not 'hard text'; a long one with long words is."""
    import dataclasses

    from evaluation.stats.item_signals import Thresholds

    short = "Våra IT-system fungerar stabilt i det dagliga arbetet."
    long = ("Förvaltningsorganisationens informationsförsörjningsstrategi fastställs årligen genom "
            "verksamhetsövergripande samordningsprocesser där digitaliseringsansvariga tillsammans med "
            "verksamhetsutvecklare och informationssäkerhetssamordnare prioriterar utvecklingsinsatserna "
            "utifrån kommunövergripande målsättningar.")
    assert text_signals(short).lix > 50 and text_signals(long).lix > 50 and text_signals(long).n_words >= 15
    assert Thresholds().lix_min_words == 15
    assert dataclasses.replace(Thresholds(), lix_min_words=5).lix_min_words == 5


def test_vague_quantifiers_are_quantifiers_not_evaluations():
    assert text_signals("Vi har en tydlig och bra plan.").vague_quantifiers == ()
    assert text_signals("Vi följer ofta upp de flesta projekten.").vague_quantifiers == ("ofta", "de flesta")
