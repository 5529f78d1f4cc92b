"""Attacks the kit's audit and the other privacy tests miss (red-team session s7).

Each test builds a data set with a planted small group, runs the kit's own outputs, plays the attacker who
sees only those outputs, and asserts the small group's value is NOT recoverable. A test marked
``xfail(strict=True)`` documents a leak that works on today's code (the reason says what leaks); an unmarked
test is an attack the kit withstood.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluation.data.responses import read_responses
from evaluation.reports.base import open_report
from evaluation.scoring import respondent_scores
from evaluation.simulate import simulate_round

K = 5


def _true_means(csv, by="unit"):
    rs = read_responses(str(csv), "dual_maturity")
    s = respondent_scores(rs)
    return s.groupby(rs.meta[by]).mean(), s.groupby(rs.meta[by]).count()


@pytest.fixture(scope="module")
def planted_units(tmp_path_factory):
    """Units Alfa 30, Beta 25, Gamma 20, Delta 3 (Gamma is hidden only by complementary suppression)."""
    tmp = tmp_path_factory.mktemp("units")
    sim = simulate_round("dual_maturity", seed=7, unit_sizes={"Alfa": 30, "Beta": 25, "Gamma": 20, "Delta": 3},
                         breakoff_rate=0.0, skip_rate=0.0)
    p = tmp / "d.csv"
    sim.data.to_csv(p, index=False)
    return tmp, p


def _only_three_answer_cap_und_2(planted_units, tmp_path):
    """The planted export with cap_und_2 answered by 3 people only (1, 1, 4); the rest skipped it."""
    _, src = planted_units
    d = pd.read_csv(src, dtype=str)
    d["cap_und_2"] = ""
    d.loc[d.index[:3], "cap_und_2"] = ["1", "1", "4"]
    p = tmp_path / "d.csv"
    d.to_csv(p, index=False)
    return p


def _quadratic_roots(f):
    xs = np.array([0.0, 50.0, 100.0])
    return np.real_if_close(np.roots(np.polyfit(xs, [f(x) for x in xs], 2)))


def test_aggregation_anova_plus_round_units_recovers_hidden_unit(planted_units):
    """Round report + psychometrics report on the same export (both ordinary outputs of one round).

    Round report: Alfa (30) and Beta (25) shown; Gamma (20) hidden by complementary suppression; Delta (3)
    hidden. Psychometrics ``research.aggregation.dimensions[capability]``: ms_between, df_between=2,
    df_within=72 (so the ANOVA covers 75 scores in 3 units: Alfa, Beta and a unit of 75-55=20; and the
    left-out units hold 78-75=3 people). SSB = sum n_g (m_g - m)^2 with Gamma's mean the only unknown is a
    quadratic; the root with a non-negative within-SS for the rest (from the organisation's published sd)
    gives Gamma, and organisation total minus Alfa, Beta, Gamma gives Delta. Recovered on today's code:
    Delta capability 65.444 (true 65.444), legacy 55.000 (true 55.000), exact.
    """
    tmp, p = planted_units
    rnd = open_report("round", responses=str(p), instrument="dual_maturity", municipality="X",
                      round_label="2025", output_dir=str(tmp / "r")).results()["sections"]
    psy = open_report("psychometrics", responses=str(p), instrument="dual_maturity", group_column="unit",
                      n_boot=20, output_dir=str(tmp / "p")).results()["sections"]
    truth, _ = _true_means(p)
    agg = psy["research"]["aggregation"]
    assert agg["status"] == "shown"
    shown = {u["group"]: u for u in rnd["units"] if not u.get("suppressed")}
    assert "Delta" not in shown and "Gamma" not in shown
    recovered, left_out = {}, {}
    for row in agg["dimensions"]:
        dim = row["dimension"]
        N = row["df_within"] + row["n_groups"]
        left_out[dim] = rnd["dimensions"][dim]["n"] - N  # what the attacker learns of the left-out units
        ssb, ssw = row["ms_between"] * row["df_between"], row["ms_within"] * row["df_within"]
        ns = [u["n"] for u in shown.values()]
        ms = [u[dim]["mean"] for u in shown.values()]
        n_g = N - sum(ns)
        if row["n_groups"] != len(shown) + 1 or n_g <= 0:
            continue

        def SSB(m):
            a, b = np.array(ns + [n_g]), np.array(ms + [m])
            return float((a * (b - (a * b).sum() / a.sum())) @ (b - (a * b).sum() / a.sum())) - ssb

        org = rnd["dimensions"][dim]
        n_tot, m_tot, sst = org["n"], org["mean"], (org["n"] - 1) * org["sd"] ** 2
        n_rest = n_tot - N
        for r in _quadratic_roots(SSB):
            if np.iscomplex(r):
                continue
            m_rest = (n_tot * m_tot - np.dot(ns, ms) - n_g * float(r)) / n_rest
            m_el = (n_tot * m_tot - n_rest * m_rest) / N
            ss_rest = sst - ssw - ssb - N * (m_el - m_tot) ** 2 - n_rest * (m_rest - m_tot) ** 2
            if 0 <= m_rest <= 100 and ss_rest >= -1e-6:
                recovered[dim] = m_rest
    # the ANOVA covers the shown units only: the left-out units pool at least k people, no one is solved for
    assert left_out and all(v >= K for v in left_out.values()), left_out
    for dim, m in recovered.items():
        assert abs(m - truth.loc["Delta", dim]) > 2.0, f"Delta's {dim} mean recovered: {m:.3f} (true {truth.loc['Delta', dim]:.3f})"


def _write_org(folder, df):
    folder.mkdir(parents=True, exist_ok=True)
    df.to_csv(folder / "svar.csv", index=False)
    (folder / "params.yaml").write_text(
        f"responses: svar.csv\ninstrument: dual_maturity\nmunicipality: {folder.name}\nround_label: '2025'\n"
        "output_dir: rapport\n", encoding="utf-8")


def test_benchmark_bypasses_too_few_new_withholding(tmp_path):
    """Re-run rule bypassed through the benchmark file.

    Municipality Ekby publishes its round report on 60 answers. Three late answers arrive; the re-run into the
    same folder is withheld (the kit's own ``too_few_new`` rule; its results.json still says accepted = 63).
    The coordinator then builds the anonymised benchmark from the batch folder: Ekby's row carries scores on
    all 63. The attacker finds Ekby's row (the row nearest to Ekby's published 60-answer scores over the 9
    scores) and solves (63 * benchmark - 60 * published) / 3 for the late three. Recovered on today's code:
    the three late answerers' overall mean exactly: 61.889 (true 61.889, seed 5).
    """
    from evaluation.run.national_benchmark import build_benchmark
    import json

    batch = tmp_path / "batch"
    for i in range(5):
        _write_org(batch / f"org{i}", simulate_round("dual_maturity", n=30, seed=100 + i, level=0.1 * i).data)
    full = simulate_round("dual_maturity", n=63, seed=5).data
    first, late = full.iloc[:60], full.iloc[60:]
    ekby = batch / "Ekby"
    _write_org(ekby, first)
    out = ekby / "rapport"

    def run():
        rep = open_report("round", responses=str(ekby / "svar.csv"), instrument="dual_maturity", municipality="Ekby",
                          round_label="2025", output_dir=str(out))
        res = rep.results()
        out.mkdir(exist_ok=True)
        (out / "results.json").write_text(json.dumps(res, default=str), encoding="utf-8")
        return res["sections"]

    pub = run()
    assert not pub["overall"].get("suppressed")
    full.to_csv(ekby / "svar.csv", index=False)  # the three late answers
    rerun = run()
    assert rerun["withheld"] and rerun["withheld"]["reason"] == "too_few_new"
    n_new = rerun["respondents"]["accepted"] - pub["respondents"]["accepted"]
    assert n_new == 3

    build = build_benchmark(batch, seed=1)
    bench = build.table
    # the kit leaves Ekby out until its round report is published again (the round report's re-run rule)
    assert "Ekby" in set(build.excluded["folder"]) and len(bench) == 5
    ids = list(pub["categories"]) + list(pub["dimensions"]) + ["overall"]
    known = np.array([pub["categories"].get(i, pub["dimensions"].get(i, {})).get("mean") if i != "overall"
                      else pub["overall"]["mean"] for i in ids], dtype=float)
    dist = ((bench[ids].to_numpy(dtype=float) - known) ** 2).sum(axis=1)
    row = bench.iloc[int(np.argmin(dist))]
    n0, n1 = pub["respondents"]["accepted"], rerun["respondents"]["accepted"]
    recovered = (n1 * row["overall"] - n0 * pub["overall"]["mean"]) / (n1 - n0)
    rs = read_responses(late.reset_index(drop=True), "dual_maturity")
    true = float(respondent_scores(rs)["overall"].mean())
    assert abs(recovered - true) > 2.0, f"late answerers' overall recovered {recovered:.3f} (true {true:.3f})"


def test_cross_measure_identity_undoes_per_column_complement(tmp_path):
    """Units Alfa 30, Beta 25, Ceta 8, Zeta 6; four of Zeta's six leave every legacy item blank.

    Legacy column: Zeta has 2 answers (primary hidden), Ceta (8) is added as its complement; Ceta's and Zeta's
    overall and capability stay shown (every unit has >= 5 respondents). The attacker sees that the organisation's
    legacy n is 65 against 69 respondents (4 skipped legacy) and that Alfa and Beta satisfy
    overall = (capability + legacy) / 2 exactly (complete answerers). Taking Ceta as complete too (the 4
    skippers in Zeta, the one hypothesis under which anything is derivable), Ceta's legacy = 2*52.5 - 52.0 =
    53.0 (true 53.0), and Zeta's 2 answerers' legacy = (65*L - 30*L_A - 25*L_B - 8*53.0) / 2 = 50.667
    (true 50.667), exact.
    """
    from evaluation.data.instruments import load_instrument

    inst = load_instrument("dual_maturity")
    legacy = [i for c in inst.dimension_categories()["legacy"] for i in inst.category_items()[c]]
    sim = simulate_round("dual_maturity", seed=11, unit_sizes={"Alfa": 30, "Beta": 25, "Ceta": 8, "Zeta": 6},
                         breakoff_rate=0, skip_rate=0, dont_know_rate=0)
    d = sim.data.copy()
    d.loc[d.index[d["unit"] == "Zeta"][:4], legacy] = np.nan
    p = tmp_path / "d.csv"
    d.to_csv(p, index=False)
    res = open_report("round", responses=str(p), instrument="dual_maturity", municipality="X", round_label="2025",
                      output_dir=str(tmp_path / "r")).results()["sections"]
    units = {u["group"]: u for u in res["units"]}
    assert units["Zeta"].get("legacy") is None and units["Ceta"].get("legacy") is None
    for g in ("Alfa", "Beta"):  # complete answerers: the identity holds to float precision
        u = units[g]
        assert abs(u["overall"]["mean"] - (u["capability"]["mean"] + u["legacy"]["mean"]) / 2) < 1e-9
    if units["Ceta"].get("overall") is None:  # linked measures hidden together: the identity has two unknowns
        assert units["Zeta"].get("overall") is None
        return
    ceta_leg = 2 * units["Ceta"]["overall"]["mean"] - units["Ceta"]["capability"]["mean"]
    n_leg = res["dimensions"]["legacy"]["n"]
    rest = n_leg - sum(units[g]["n"] for g in ("Alfa", "Beta", "Ceta"))
    zeta_leg = (n_leg * res["dimensions"]["legacy"]["mean"]
                - sum(units[g]["n"] * units[g]["legacy"]["mean"] for g in ("Alfa", "Beta"))
                - units["Ceta"]["n"] * ceta_leg) / rest
    truth, counts = _true_means(p)
    assert 1 <= rest < K and counts.loc["Zeta", "legacy"] == rest
    assert abs(zeta_leg - truth.loc["Zeta", "legacy"]) > 2.0, \
        f"Zeta's {rest} legacy answerers recovered: {zeta_leg:.3f} (true {truth.loc['Zeta', 'legacy']:.3f})"


def _level_rows(inst, code, n, rng):
    """n answer rows whose overall score lands in the level of constant answer ``code`` (1-5 scale)."""
    lo, hi = {2: (1.85, 2.55), 3: (2.65, 3.35), 4: (3.45, 4.15), 5: (4.25, 5.0)}[code]
    rows = []
    while len(rows) < n:
        r = np.clip(code + rng.choice([-1, 0, 0, 1], size=len(inst.item_ids)), 1, 5)
        if lo <= r.mean() <= hi:
            rows.append(r)
    return rows


def test_compare_percent_agreement_recovers_hidden_diagonal_cell(tmp_path):
    """Two administrations of leadership_current_state (levels) by the same 103 people.

    Cross-table (A level x B level): dev/dev 20, est/est 30, int/int 25, lead/lead 2, lead/int 6, int/lead 6,
    dev/est 7, est/dev 7. The report hides lead/lead (2) and, as complements, lead/int and int/lead (6 each);
    the diagonal cells dev, est and int are shown. ``agreement.own_levels.percent_agreement`` = 77/103, so the
    diagonal sum is 77; 77 - (20 + 30 + 25) = 2 = initial/initial + leading/leading (0 + 2), exact (true 2).
    The HTML's rounded "Andel lika" (75 %) gives the same: 0.745..0.755 x 103 holds only the integer 77.
    """
    from evaluation.data.instruments import load_instrument

    inst = load_instrument("leadership_current_state")
    rng = np.random.default_rng(3)
    pairs = {(2, 2): 20, (3, 3): 30, (4, 4): 25, (5, 5): 2, (5, 4): 6, (4, 5): 6, (2, 3): 7, (3, 2): 7}
    a, b = [], []
    for (ca, cb), n in pairs.items():
        a += _level_rows(inst, ca, n, rng)
        b += _level_rows(inst, cb, n, rng)
    ids = [f"P{i:04d}" for i in range(len(a))]
    for name, rows in (("a", a), ("b", b)):
        df = pd.DataFrame(np.array(rows, dtype=int), columns=inst.item_ids)
        df.insert(0, "respondent_id", ids)
        df.to_csv(tmp_path / f"{name}.csv", index=False)
    res = open_report("comparison", responses_a=str(tmp_path / "a.csv"), responses_b=str(tmp_path / "b.csv"),
                      instrument_a="leadership_current_state", instrument_b="leadership_current_state",
                      output_dir=str(tmp_path / "out")).results()["sections"]
    cls = res["classes"]
    assert cls["leading"]["leading"] is None
    ag = res["agreement"].get("own_levels")
    if ag is None:  # withheld with the hidden cells: the diagonal sum is not published
        return
    diag = round(ag["percent_agreement"] / 100 * ag["n"])
    shown = sum(cls[c][c] for c in cls if cls[c][c] is not None)
    hidden_diag = [c for c in cls if cls[c][c] is None]
    recovered = diag - shown
    assert hidden_diag == ["initial", "leading"]  # initial/initial is an empty cell (0), hidden too
    assert not (1 <= recovered < K), f"hidden diagonal cells sum to {recovered} (true lead/lead = 2)"


def test_difficulty_z_in_flag_reason_recovers_hidden_item_mean(planted_units, tmp_path):
    """cap_und_1 answered by only 3 of 78 (the rest skipped it); its mean is hidden in the item table.

    The flagged-items table still prints the reason ``difficulty_lo`` with ``z = −4,2``:
    z = (m - median of its 4 siblings' means) / (1.4826 * median over all 30 items of |d|), every other mean
    published (results.json quality.items, reverse-keyed items recoded by the attacker). Solving
    round(z(m), 1) = -4.2 over m in [1, 6] on today's code gives m in [2.32, 2.36] (true 2.333 = (3+3+1)/3):
    0.8 % of the scale.
    """
    import re
    from evaluation.data.instruments import load_instrument
    from evaluation.reports.base import Table

    _, src = planted_units
    d = pd.read_csv(src, dtype=str)
    d.loc[d.index[3:], "cap_und_1"] = ""
    p = tmp_path / "d.csv"
    d.to_csv(p, index=False)
    rep = open_report("round", responses=str(p), instrument="dual_maturity", municipality="X", round_label="2025",
                      output_dir=str(tmp_path / "r"))
    res = rep.results()["sections"]
    inst = load_instrument("dual_maturity")
    item = "cap_und_1"
    row = [x for x in res["quality"]["items"] if x["item"] == item][0]
    assert row["mean"] is None  # hidden: 3 scale answers
    flagged = [b for b in rep.section("quality").blocks if isinstance(b, Table) and b.name == "flagged"][0].frame
    text = inst.name_of(item, "sv")
    reason = " ".join(flagged.loc[flagged.iloc[:, 0].astype(str).str.startswith(text[:40]), flagged.columns[-1]])
    m = re.search(r"z = ([−-]?\d+,\d)", reason)
    if m is None:  # the item's answer statistics are not shown: nothing left to solve from
        assert "svarsstatistik" in reason, reason
        return
    z_pub = float(m.group(1).replace("−", "-").replace(",", "."))
    rev = {it.id: it.reverse for it in inst.items}
    cat = {it.id: it.category for it in inst.items}
    lo, hi = inst.scale.min, inst.scale.max
    means = {x["item"]: (None if x["mean"] is None else (lo + hi - x["mean"] if rev[x["item"]] else x["mean"]))
             for x in res["quality"]["items"]}
    items = list(means)
    sibs = {c: [s for s in items if cat[s] == cat[c] and s != c] for c in items}

    def z_of(v):
        mm = dict(means, **{item: v})
        dd = {c: mm[c] - float(np.median([mm[s] for s in sibs[c]])) for c in items}
        return dd[item] / (1.4826 * float(np.median(np.abs(list(dd.values())))))

    ok = [v for v in np.linspace(lo, hi, 5001) if round(z_of(v), 1) == z_pub]
    true = pd.to_numeric(d[item], errors="coerce").dropna()
    true = float(true[true > 0].mean())
    width = (max(ok) - min(ok)) / (hi - lo)
    assert not (min(ok) <= true <= max(ok) and width < 0.1), \
        f"{item} mean of 3 pinned to [{min(ok):.3f}, {max(ok):.3f}] ({width:.1%} of scale; true {true:.3f})"


def test_floor_share_in_flag_reason_gives_answer_distribution_of_3(planted_units, tmp_path):
    """cap_und_2 answered by 3 of 78 (answers 1, 1, 4; the rest skipped). The item table hides its mean and its
    shares per code (``_suppress_items``), but the flagged-items table gives the floor share 67 % and the skip
    share 96,2 % of 78 (so 3 answered): two of the three chose the lowest option. Recovered: the answer
    distribution {1: 2, other: 1} exactly. The same reason cell also prints 'korrigerad item-total r = −1,00'
    (r_drop of those 3 people, hidden in the item table) and the difficulty z (see the test above).
    """
    import re
    from evaluation.data.instruments import load_instrument
    from evaluation.reports.base import Table

    p = _only_three_answer_cap_und_2(planted_units, tmp_path)
    rep = open_report("round", responses=str(p), instrument="dual_maturity", municipality="X", round_label="2025",
                      output_dir=str(tmp_path / "r"))
    res = rep.results()["sections"]
    row = [x for x in res["quality"]["items"] if x["item"] == "cap_und_2"][0]
    assert row["mean"] is None
    n = res["respondents"]["accepted"]
    answered = round(n * (1 - row["dont_know"] - row["skipped"]))
    assert answered == 3
    flagged = [b for b in rep.section("quality").blocks if isinstance(b, Table) and b.name == "flagged"][0].frame
    text = load_instrument("dual_maturity").name_of("cap_und_2", "sv")
    reason = " ".join(flagged.loc[flagged.iloc[:, 0].astype(str).str.startswith(text[:40]), flagged.columns[-1]])
    m = re.search(r"(\d+)\s*%\s*valde lägsta", reason)
    at_floor = None if m is None else round(int(m.group(1)) / 100 * answered)
    assert at_floor is None, f"{at_floor} of the {answered} answerers chose the lowest option ({reason!r})"


def test_change_table_previous_round_with_late_answers(tmp_path):
    """2024: report published on 60 answers. Three late 2024 answers are added to the 2024 export afterwards.
    2025 report with --previous = the final 2024 export: its change table shows, per area, mean_prev with
    n_prev = 63. Attacker: (63 * mean_prev - 60 * published 2024 mean) / 3. Recovered before the private
    register of publications (evaluation.privacy.publications): the late three's overall mean exactly (and
    every dimension and category). Now the 2025 report sees that the 2024 rows differ by 3 from a
    publication and leaves the change out, saying why; with the very export 2024 was published on, or one
    with 5 late answers, the change is shown.
    """
    full24 = simulate_round("dual_maturity", n=63, seed=21, round_label="2024", id_prefix="A").data
    first24 = full24.iloc[:60]
    p24a, p24b = tmp_path / "r2024_first.csv", tmp_path / "r2024_final.csv"
    first24.to_csv(p24a, index=False)
    full24.to_csv(p24b, index=False)
    p25 = tmp_path / "r2025.csv"
    simulate_round("dual_maturity", n=70, seed=22, round_label="2025", id_prefix="B").data.to_csv(p25, index=False)
    rep24 = open_report("round", responses=str(p24a), instrument="dual_maturity", municipality="X",
                        round_label="2024", output_dir=str(tmp_path / "o24"))
    rep24.save()  # published: the private register notes the 60 rows behind it
    pub24 = rep24.results()["sections"]
    pub25 = open_report("round", responses=str(p25), instrument="dual_maturity", municipality="X",
                        round_label="2025", previous_responses=str(p24b),
                        output_dir=str(tmp_path / "o25")).results()["sections"]
    n0 = pub24["overall"]["n"]
    if pub25["change"] is not None:  # the attack, as it worked before the register
        ov = {r["id"]: r for r in pub25["change"]["rows"]}["overall"]
        recovered = (ov["n_prev"] * ov["mean_prev"] - n0 * pub24["overall"]["mean"]) / (ov["n_prev"] - n0)
        late = read_responses(full24.iloc[60:].reset_index(drop=True), "dual_maturity")
        true = float(respondent_scores(late)["overall"].mean())
        pytest.fail(f"late 2024 answerers' overall recovered {recovered:.3f} (true {true:.3f})")
    why = pub25["change_withheld"]
    assert why["reason"] == "previous_moved" and 1 <= why["difference"] <= 3 and why["n_before"] <= 60, why
    assert pub25["overall"]["n"] == 70  # the round itself is published
    # controls: the export 2024 was published on, and one with 5 late answers, give the change
    full5 = simulate_round("dual_maturity", n=65, seed=21, round_label="2024", id_prefix="A").data
    p24c = tmp_path / "r2024_five.csv"
    full5.to_csv(p24c, index=False)
    for prev, n_prev in ((p24a, 60), (p24c, 65)):
        got = open_report("round", responses=str(p25), instrument="dual_maturity", municipality="X",
                          round_label="2025", previous_responses=str(prev),
                          output_dir=str(tmp_path / f"o25_{n_prev}")).results()["sections"]
        assert {r["id"]: r for r in got["change"]["rows"]}["overall"]["n_prev"] == n_prev


def test_blup_means_do_not_depend_on_hidden_units(tmp_path):
    """Withstood: --shrink fits the REML model on the published units only.

    Attack tried: solve a hidden unit's raw mean from the published BLUPs, raw means and the model's variances
    (BLUP_j = b + lambda_j (raw_j - b), with b the GLS intercept over all units). Test: move every answer of
    the hidden units (Delta 3, and Eta 12 hidden as its complement) and check that no published BLUP, nor the
    shrunken table, changes: nothing of the hidden units enters, so nothing can be solved for.
    """
    from evaluation.data.instruments import load_instrument

    sim = simulate_round("dual_maturity", seed=8, unit_sizes={"Alfa": 30, "Beta": 25, "Gamma": 20, "Eta": 12,
                                                              "Delta": 3})
    d = sim.data.copy()
    items = load_instrument("dual_maturity").item_ids
    out = []
    for shift in (0, 1):
        e = d.copy()
        if shift:
            hid = e["unit"].isin(["Delta", "Eta"])
            for c in items:
                v = pd.to_numeric(e[c], errors="coerce")
                e.loc[hid & (v > 0), c] = 6
        p = tmp_path / f"d{shift}.csv"
        e.to_csv(p, index=False)
        res = open_report("round", responses=str(p), instrument="dual_maturity", municipality="X",
                          round_label="2025", shrink=True, output_dir=str(tmp_path / f"o{shift}")).results()
        out.append({u["group"]: u.get("blup_mean") for u in res["sections"]["units"] if not u.get("suppressed")})
    assert set(out[0]) == {"Alfa", "Beta", "Gamma"}
    assert out[0] == out[1]


def test_workshop_quartiles_of_an_arm_of_five_give_every_score(tmp_path):
    """DiD workshop, treated arm of 5 (the sample's first five participants), comparison group of 60.

    The arm is shown (n = 5 >= k). Its row in ``rounds``: q1 = x(2), median = x(3), q3 = x(4) exactly (linear
    quantiles of 5 values), and from mean and the t-interval: x(1) + x(5) = 5 mean - x(2) - x(3) - x(4),
    x(1)^2 + x(5)^2 = 4 sd^2 + 5 mean^2 - x(2)^2 - x(3)^2 - x(4)^2. Recovered on today's code (before):
    30.556, 40.0, 41.667, 48.333, 65.0 — the five true scores exactly.
    """
    from scipy import stats as st
    from evaluation.scoring import respondent_scores as rsc

    samples = __import__("pathlib").Path(__file__).resolve().parents[2] / "data_samples"
    b = pd.read_csv(samples / "workshop_before.csv", dtype=str)
    a = pd.read_csv(samples / "workshop_after.csv", dtype=str)
    keep = set(b.loc[b["took_part"] == "0", "respondent_id"]) | set(b.loc[b["took_part"] == "1", "respondent_id"][:5])
    b[b["respondent_id"].isin(keep)].to_csv(tmp_path / "b.csv", index=False)
    a[a["respondent_id"].isin(keep)].to_csv(tmp_path / "a.csv", index=False)
    res = open_report("workshop", before=str(tmp_path / "b.csv"), after=str(tmp_path / "a.csv"),
                      instrument="workshop_followup", group_column="took_part",
                      output_dir=str(tmp_path / "o")).results()["sections"]
    row = [r for r in res["rounds"] if r["round"] == "before" and r["group"] == "treated"][0]
    assert row["n"] == 5 and not row["suppressed"]
    n, m = row["n"], row["mean"]
    sd = (row["ci_high"] - m) / st.t.ppf(0.975, n - 1) * np.sqrt(n)
    mid = [row["q1"], row["median"], row["q3"]]
    if any(v is None for v in mid):  # no quartiles for an arm this small: mean and interval alone leave 5 unknowns
        return
    s = n * m - sum(mid)
    q = (n - 1) * sd ** 2 + n * m ** 2 - sum(x * x for x in mid)
    disc = max(2 * q - s * s, 0.0)
    recovered = sorted([(s - np.sqrt(disc)) / 2, *mid, (s + np.sqrt(disc)) / 2])
    rs = read_responses(str(tmp_path / "b.csv"), "workshop_followup")
    true = sorted(rsc(rs)["overall"][rs.meta["took_part"].astype(str) == "1"])
    assert not np.allclose(recovered, true, atol=0.5), f"every score of the arm recovered: {np.round(recovered, 3)} " \
                                                       f"(true {np.round(true, 3)})"


def test_cli_items_prints_statistics_of_an_item_answered_by_3(planted_units, tmp_path, capsys):
    """``dmkit items FILE -i dual_maturity`` (default --min-group-size 5, 'fewest respondents whose item
    statistics are printed'); cap_und_2 answered by 3 (1, 1, 4). Printed on today's code: r_drop −1,00,
    '67 % valde lägsta svarsalternativet' (2 of the 3 chose 1), z = −5,3.
    """
    import re
    from evaluation.cli import main

    p = _only_three_answer_cap_und_2(planted_units, tmp_path)
    assert main(["items", str(p), "-i", "dual_maturity"]) == 0
    out = capsys.readouterr().out
    block = out[out.index("cap_und_2"):]
    block = block[:re.search(r"\n\s+\d+\s+\w+_\w+_\d", block).start()] if re.search(r"\n\s+\d+\s+\w+_\w+_\d", block) else block
    leaks = [s for s in ("valde lägsta", "item-total r =", "z = ") if s in block]
    assert not leaks, f"statistics of 3 answerers printed: {block!r}"


def test_psychometrics_results_json_items_of_an_item_answered_by_4(planted_units, tmp_path):
    """cap_und_2 answered by 4 of 78 (1, 1, 4, 2). HTML: '– – –'. results.json sections.items[cap_und_2]:
    n 4, mean 2.0, sd 1.414, share_1 0.5, share_2 0.25, share_4 0.25 = the four answers exactly.
    """
    _, src = planted_units
    d = pd.read_csv(src, dtype=str)
    d["cap_und_2"] = ""
    d.loc[d.index[:4], "cap_und_2"] = ["1", "1", "4", "2"]
    p = tmp_path / "d.csv"
    d.to_csv(p, index=False)
    res = open_report("psychometrics", responses=str(p), instrument="dual_maturity", n_boot=20,
                      output_dir=str(tmp_path / "p")).results()["sections"]
    row = [r for r in res["items"] if r["item"] == "cap_und_2"][0]
    shares = {c: row.get(f"share_{c}") for c in range(1, 7)}
    counts = {c: round(v * row["n"]) for c, v in shares.items() if v is not None}
    assert not counts, f"answer distribution of {row['n']} published: {counts}, mean {row['mean']}"


def test_rerun_count_neutral_swap_reveals_one_late_answer(tmp_path):
    """Round published on 60 rows, one of them the coordinator's own test submission (every item answered 4,
    known to the coordinator and to anyone told 'we answered 4 everywhere to test'; scored by the kit's rule).
    Re-run into the same folder after removing the test row and adding one late answer: every published
    count is unchanged, so the count rule withholds nothing. Late answer's overall = 60 * (new - old) + test
    score. Recovered before the private register: that one person's overall 52.167 (true 52.167), exact (every
    area likewise). Now the register sees the two rows that differ and the re-run is withheld, in the same
    folder and in a new one; after `dmkit unpublish` of a never-shared first run it is published.
    """
    import json
    from evaluation.data.instruments import load_instrument

    items = load_instrument("dual_maturity").item_ids
    sim = simulate_round("dual_maturity", n=60, seed=31).data
    test_row = sim.iloc[[0]].copy()
    test_row["respondent_id"] = "TEST"
    test_row[items] = 4
    test_row[[c for c in sim.columns if c.endswith("_time")]] = np.nan
    first = pd.concat([sim.iloc[1:], test_row], ignore_index=True)
    late = simulate_round("dual_maturity", n=1, seed=32, id_prefix="L").data
    late["unit"], late["role"] = test_row["unit"].iloc[0], test_row["role"].iloc[0]
    second = pd.concat([sim.iloc[1:], late], ignore_index=True)
    p = tmp_path / "svar.csv"
    out = tmp_path / "rapport"

    def run(df):
        df.to_csv(p, index=False)
        rep = open_report("round", responses=str(p), instrument="dual_maturity", municipality="X",
                          round_label="2025", output_dir=str(out))
        rep.save()
        return rep.results()["sections"]

    a, b = run(first), run(second)
    if b["withheld"] is not None:
        assert b["withheld"]["reason"] == "too_few_new" and b["withheld"]["difference"] in (1, 2)
        assert b["overall"] == {"suppressed": True}
        out = tmp_path / "elsewhere"  # a new folder is no way round it
        assert run(second)["withheld"]["difference"] in (1, 2)
        from evaluation.cli import main

        assert main(["unpublish", str(tmp_path / "rapport")]) == 0
        assert run(second)["withheld"] is None  # the first run forgotten: nothing to subtract from
        return
    n = a["overall"]["n"]
    # the attacker scores the known test answers by the kit's documented rule (reverse-keyed items recoded)
    test_score = float(respondent_scores(read_responses(test_row.reset_index(drop=True), "dual_maturity"))["overall"].iloc[0])
    recovered = n * (b["overall"]["mean"] - a["overall"]["mean"]) + test_score
    true = float(respondent_scores(read_responses(late, "dual_maturity"))["overall"].iloc[0])
    assert abs(recovered - true) > 2.0, f"late answer's overall recovered {recovered:.3f} (true {true:.3f})"


def test_unit_heatmap_has_no_value_behind_a_hidden_cell(planted_units):
    """Withstood: the unit x category heatmap (figures/unit_matrix) is drawn from values already NaN where the
    table hides them, so the PNG/SVG cannot carry a hidden unit's category mean (tried: Gamma, hidden only as
    the complement of Delta, and Delta itself)."""
    from evaluation.reports import round_words

    tmp, p = planted_units
    rep = open_report("round", responses=str(p), instrument="dual_maturity", municipality="X", round_label="2025",
                      output_dir=str(tmp / "heat"))
    m, h = round_words.unit_matrix(rep.analysis)
    assert h.loc[["Delta", "Gamma"]].all().all()
    assert m[h].isna().all().all() and m.loc[["Delta", "Gamma"]].isna().all().all()


def test_benchmark_override_lowers_a_folders_stricter_min_group_size(tmp_path):
    """Folder Lillby sets min_group_size: 10 and has 8 respondents: its own round report publishes nothing.
    The coordinator builds the benchmark with --min-group-size 5 (the national default): Lillby's row carries
    all 9 scores of its 8 respondents (identifiable e.g. as the only organisation of its group/size, or by
    elimination against the other organisations' published reports).
    """
    from evaluation.run.national_benchmark import build_benchmark

    batch = tmp_path / "batch"
    for i in range(5):
        _write_org(batch / f"org{i}", simulate_round("dual_maturity", n=30, seed=200 + i).data)
    small = simulate_round("dual_maturity", n=8, seed=210).data
    _write_org(batch / "Lillby", small)
    with open(batch / "Lillby" / "params.yaml", "a", encoding="utf-8") as f:
        f.write("min_group_size: 10\n")
    own = open_report("round", responses=str(batch / "Lillby" / "svar.csv"), instrument="dual_maturity",
                      municipality="Lillby", round_label="2025", min_group_size=10,
                      output_dir=str(tmp_path / "own")).results()["sections"]
    assert own["withheld"] and own["withheld"]["reason"] == "too_few"
    b = build_benchmark(batch, min_group_size=5, seed=1)
    code = b.key.loc[b.key["folder"] == "Lillby", "organisation"]
    assert code.empty or b.table.loc[b.table["organisation"] == code.iloc[0], "overall"].isna().all(), \
        "Lillby's overall on 8 respondents is in the benchmark although its own k is 10"


def test_rerun_guard_bypassed_by_a_renamed_municipality(tmp_path):
    """Same folder, same export plus 3 late answers; only the municipality's display name was edited in
    params.yaml between the runs. Recovered on today's code: the late three's overall 55.500 (true 55.500)."""
    import json

    full = simulate_round("dual_maturity", n=63, seed=41).data
    p, out = tmp_path / "svar.csv", tmp_path / "rapport"

    def run(df, name):
        df.to_csv(p, index=False)
        res = open_report("round", responses=str(p), instrument="dual_maturity", municipality=name,
                          round_label="2025", output_dir=str(out)).results()
        out.mkdir(exist_ok=True)
        (out / "results.json").write_text(json.dumps(res, default=str), encoding="utf-8")
        return res["sections"]

    a = run(full.iloc[:60], "Ekby")
    b = run(full, "Ekby kommun")
    if b["withheld"] is not None:  # the re-run is withheld: nothing to subtract
        assert b["withheld"]["reason"] == "too_few_new" and b["overall"] == {"suppressed": True}
        return
    rec = (b["overall"]["n"] * b["overall"]["mean"] - a["overall"]["n"] * a["overall"]["mean"]) / 3
    true = float(respondent_scores(read_responses(full.iloc[60:].reset_index(drop=True), "dual_maturity"))["overall"].mean())
    assert abs(rec - true) > 2.0, f"late three's overall recovered {rec:.3f} (true {true:.3f})"


def test_psychometrics_report_with_an_item_answered_by_3(planted_units, tmp_path):
    """cap_und_2 answered by 3 (1, 1, 4): the psychometrics report used to stop (parallel analysis: undefined
    correlations; then a bootstrap interval beside its estimate in the reliability figure). Now every section is
    built, the item is left out of the parallel analysis with a note naming it, and nothing of its 3 answers is
    published in results.json."""
    from evaluation.data.instruments import load_instrument

    p = _only_three_answer_cap_und_2(planted_units, tmp_path)
    rep = open_report("psychometrics", responses=str(p), instrument="dual_maturity", n_boot=20,
                      output_dir=str(tmp_path / "p"))
    built = {sid: rep.section(sid) for sid in rep.section_ids}
    assert all(sec is not None for sid, sec in built.items() if sid in ("summary", "reliability", "parallel"))
    res = rep.results()["sections"]
    assert "cap_und_2" in res["notes"]["parallel"]
    assert len(res["parallel_analysis"]["eigen_pc"]) < len(load_instrument("dual_maturity").item_ids)
    text = " ".join(b for b in built["parallel"].blocks if isinstance(b, str))
    assert load_instrument("dual_maturity").name_of("cap_und_2", "sv") in text
    row = [r for r in res["items"] if r["item"] == "cap_und_2"][0]
    assert all(row.get(c) is None for c in ("mean", "sd", "r_drop")), row
