"""The simulator is reproducible and plants what it says."""

import numpy as np
import pandas as pd

from evaluation.data.responses import read_responses
from evaluation.scoring import group_scores
from evaluation.simulate import simulate_round


def test_reproducible_and_seed_sensitive():
    a = simulate_round("dual_maturity", n=80, seed=4).data
    b = simulate_round("dual_maturity", n=80, seed=4).data
    c = simulate_round("dual_maturity", n=80, seed=5).data
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_round_trip_through_import():
    sim = simulate_round("leadership_current_state", n=120, seed=1, timings=True)
    rs = read_responses(sim.data, "leadership_current_state")
    assert rs.n_accepted + len(rs.rejected) == 120
    assert rs.timings is not None and rs.timings.notna().any().any()


def test_unit_effects_recovered():
    sim = simulate_round("dual_maturity", n=3000, seed=2, units={"hi": 0.6, "lo": -0.6})
    rs = read_responses(sim.data, "dual_maturity")
    g = group_scores(rs, by="unit").query("id == 'overall'").set_index("group")
    assert g.loc["hi", "mean"] - g.loc["lo", "mean"] > 10


def test_hard_items_planted():
    sim = simulate_round("dual_maturity", n=3000, seed=3, hard_items=["cap_und_2"])
    rs = read_responses(sim.data, "dual_maturity")
    dk = rs.dont_know.mean()
    assert dk["cap_und_2"] > 3 * dk.drop("cap_und_2").median()
    theta = sim.truth["theta"]["capability"].to_numpy()
    low = theta < np.median(theta)
    d = rs.dont_know["cap_und_2"].to_numpy()
    assert d[low].mean() > 1.5 * d[~low].mean()  # don't know rises as maturity falls
    assert sim.truth["loadings"]["cap_und_2"] < sim.truth["loadings"].drop("cap_und_2").min()


def test_exact_unit_sizes():
    sim = simulate_round("dual_maturity", seed=1, unit_sizes={"A": 20, "B": 3})
    assert sim.data["unit"].value_counts().to_dict() == {"A": 20, "B": 3}
