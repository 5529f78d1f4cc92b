"""Attack suite (issue 17): every report kind, planted small groups, then `audit` plays the attacker on its output.

Planted in every data set: units of 1-4 people, roles of 1-4, a unit × role cell of 3, and (round) a late
re-run with 1-4 more answers. Each report's results.json is audited (direct n<k values, total minus shown,
table A minus table B, previous minus current): 0 findings expected. A measure the audit had to skip
(published numbers that do not add up) fails the test (``error::UserWarning``), so a pass is never vacuous;
``test_attack_suite_can_fail`` shows the same checks flag a hand-made leaky output of each shape.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.privacy.audit import audit
from evaluation.reports.base import open_report
from evaluation.simulate import simulate_round

pytestmark = pytest.mark.filterwarnings("error::UserWarning")

K = 5
PLANTED_UNITS = {"Enhet A": 3, "Enhet B": 20, "Enhet C": 15, "Enhet D": 9, "Enhet E": 2, "Enhet F": 4, "Enhet G": 1}


def plant_roles(df: pd.DataFrame, *, unit: str = "unit", seed: int = 0) -> pd.DataFrame:
    """Roles with small groups: Utvecklare 2, Systemförvaltare 4, Strateg 10 of whom 3 in one unit; Chef the rest."""
    df = df.copy()
    df["role"] = "Chef"
    units = df[unit].value_counts()
    big = [u for u, n in units.items() if n >= 8]
    b, c = big[0], big[1] if len(big) > 1 else big[0]
    ib = df.index[df[unit] == b]
    ic = df.index[df[unit] == c]
    df.loc[ib[:3], "role"] = "Strateg"          # the unit x role cell of 3
    df.loc[ic[:7], "role"] = "Strateg"
    df.loc[ic[7:9], "role"] = "Utvecklare"      # a role of 2
    df.loc[ib[3:7], "role"] = "Systemförvaltare"  # a role of 4
    return df


def planted_round(seed: int = 0, sizes=PLANTED_UNITS) -> pd.DataFrame:
    sim = simulate_round("dual_maturity", n=sum(sizes.values()), seed=seed, unit_sizes=sizes)
    return plant_roles(sim.data, seed=seed)


def run_round(tmp_path, df: pd.DataFrame, *, name: str = "r", save: bool = False, **kw) -> dict:
    p = tmp_path / f"{name}.csv"
    df.to_csv(p, index=False)
    rep = open_report("round", responses=str(p), instrument="dual_maturity", municipality="X", round_label="2025",
                      output_dir=str(kw.pop("output_dir", tmp_path / f"out_{name}")), **kw)
    if save:
        rep.save()
    return rep.results()


def assert_clean(results: dict, **kw) -> None:
    found = audit(results, min_group_size=K, **kw)
    assert found.empty, "\n" + found.to_string()


# -- round -------------------------------------------------------------------------------------------

def test_round_with_planted_small_groups_and_a_previous_round(tmp_path):
    prev = planted_round(seed=7)
    prev.to_csv(tmp_path / "prev.csv", index=False)
    res = run_round(tmp_path, planted_round(), previous_responses=str(tmp_path / "prev.csv"))
    sec = res["sections"]
    # the planted groups are really there and hidden, so the audit has something to attack
    assert {r["group"] for r in sec["units"] if r["suppressed"]} >= {"Enhet A", "Enhet E", "Enhet F", "Enhet G"}
    assert {r["group"] for r in sec["roles"] if r["suppressed"]} >= {"Utvecklare", "Systemförvaltare"}
    assert sec["change"]["rows"]
    assert_clean(res)


@pytest.mark.parametrize("late", [1, 2, 3, 4])
def test_round_rerun_after_late_answers(tmp_path, late):
    df = planted_round(seed=3)
    out = tmp_path / "out"
    first = run_round(tmp_path, df.iloc[late:], name="v1", save=True, output_dir=out)
    second = run_round(tmp_path, df, name="v2", output_dir=out)
    assert_clean(second, previous=first)
    assert_clean(first)


def _random_sizes(rng) -> dict:
    n_units = int(rng.integers(3, 7))
    return {f"Enhet {chr(65 + i)}": int(rng.choice([1, 2, 3, 4, 6, 9, 15, 25])) for i in range(n_units)}


def numbers_only(tmp_path, df: pd.DataFrame, *, name: str = "r", save: bool = False, **kw) -> dict:
    """:func:`run_round`'s results.json without drawing the report's figures (what the audit reads is the
    same: the analysis' sections in the envelope), so 200 seeds stay affordable."""
    from evaluation.reports.envelope import envelope, write_envelope

    p = tmp_path / f"{name}.csv"
    df.to_csv(p, index=False)
    out = kw.pop("output_dir", tmp_path / f"out_{name}")
    rep = open_report("round", responses=str(p), instrument="dual_maturity", municipality="X", round_label="2025",
                      output_dir=str(out), **kw)
    res = envelope(rep.kind, language=rep.language, parameters=rep.params, inputs=rep.inputs(),
                   sections=rep.sections_results())
    if save:
        Path(out).mkdir(parents=True, exist_ok=True)
        write_envelope(res, out)
    return res


def test_numbers_only_is_the_report_s_results(tmp_path):
    """The shortcut the 200 seeds use gives exactly what the report publishes."""
    df = planted_round(seed=2)
    fast, full = numbers_only(tmp_path, df, name="a"), run_round(tmp_path, df, name="b")
    assert json.dumps(fast["sections"], sort_keys=True, default=str) == \
        json.dumps(full["sections"], sort_keys=True, default=str)


def _random_round(rng, seed: int) -> pd.DataFrame:
    sizes = _random_sizes(rng)
    df = simulate_round("dual_maturity", n=sum(sizes.values()), seed=seed, unit_sizes=sizes).data
    roles = ["Chef", "Strateg", "Utvecklare", "Systemförvaltare"]
    df["role"] = rng.choice(roles, size=len(df), p=rng.dirichlet(np.full(4, 0.6)))
    return df


@pytest.mark.parametrize("seed", range(200))
def test_round_random_unit_and_role_sizes(tmp_path, seed):
    """200 random seeds of unit sizes (1-25, 3-6 units) and role shares (Dirichlet, so roles and unit x role
    cells of 0-4 are common). Every 4th seed also has a previous round of its own random sizes, every 4th a
    re-run after 1-4 late answers: the audit finds nothing an attacker can derive about fewer than 5."""
    rng = np.random.default_rng(seed)
    df = _random_round(rng, seed)
    if seed % 4 == 2:  # compared with a previous round
        prev = _random_round(rng, seed + 1000)
        prev.to_csv(tmp_path / "prev.csv", index=False)
        assert_clean(numbers_only(tmp_path, df, previous_responses=str(tmp_path / "prev.csv")))
    elif seed % 4 == 3:  # a re-run after a few late answers, published to the same folder
        late, out = int(rng.integers(1, 5)), tmp_path / "out"
        first = numbers_only(tmp_path, df.iloc[late:], name="v1", save=True, output_dir=out)
        assert_clean(numbers_only(tmp_path, df, name="v2", output_dir=out), previous=first)
    else:
        assert_clean(numbers_only(tmp_path, df))


def test_attack_suite_can_fail(tmp_path):
    """The same audit flags the round report's own output once its suppression is undone: the hidden rows
    replaced by the unsuppressed numbers (from the same data at min_group_size=1), all of them (direct n<k)
    or all but one (total minus shown); and a re-run published without the differencing rule."""
    df = planted_round()
    safe = run_round(tmp_path, df, name="safe")
    open_rows = {r["group"]: r for r in run_round(tmp_path, df, name="open", min_group_size=1)["sections"]["units"]}
    hidden = [r["group"] for r in safe["sections"]["units"] if r["suppressed"]]
    leaky = json.loads(json.dumps(safe))
    leaky["sections"]["units"] = [open_rows[r["group"]] for r in safe["sections"]["units"]]
    assert "direct n<k" in set(audit(leaky)["how"])
    # all but one hidden unit shown: that one is the total minus the shown units (and n tells it is small)
    last = hidden[-1]
    leaky["sections"]["units"] = [open_rows[r["group"]] if r["group"] != last else r
                                  for r in safe["sections"]["units"]]
    found = audit(leaky)
    rest = found[found["how"] == "total minus shown"]
    assert last in " ".join(rest["group"]), found.to_string()
    # a re-run after 2 late answers published with all its numbers: the late pair's mean by subtraction
    first = run_round(tmp_path, df.iloc[2:], name="first", min_group_size=1)
    second = run_round(tmp_path, df, name="second", min_group_size=1)
    found = audit(second, previous=first)
    assert (found["how"] == "previous minus current").any()


# -- workshop ----------------------------------------------------------------------------------------

def _workshop_files(tmp_path, *, treated: int | None = None, feedback: int | None = None, small_units=False,
                    comparison: int | None = None):
    from conftest import SAMPLES

    read = lambda f: pd.read_csv(SAMPLES / f, dtype=str, keep_default_na=False)
    before, after, reaction = read("workshop_before.csv"), read("workshop_after.csv"), read("workshop_reaction.csv")
    if small_units:  # leadership groups of 1, 2, 3 and 4 (the cluster column)
        ids = list(before["respondent_id"])
        plant = {i: u for i, u in zip(ids, ["G1"] + ["G2"] * 2 + ["G3"] * 3 + ["G4"] * 4)}
        for t in (before, after, reaction):
            t["unit"] = [plant.get(i, u) for i, u in zip(t["respondent_id"], t["unit"])]
    if treated is not None:  # only `treated` participants
        keep = set(before.loc[before["took_part"] == "0", "respondent_id"]) | \
            set(before.loc[before["took_part"] == "1", "respondent_id"][:treated])
        before, after = before[before["respondent_id"].isin(keep)], after[after["respondent_id"].isin(keep)]
        reaction = reaction[reaction["respondent_id"].isin(keep)]
    if comparison is not None:  # only `comparison` people in the comparison group
        keep = set(before.loc[before["took_part"] == "1", "respondent_id"]) | \
            set(before.loc[before["took_part"] == "0", "respondent_id"][:comparison])
        before, after = before[before["respondent_id"].isin(keep)], after[after["respondent_id"].isin(keep)]
    if feedback is not None:
        reaction = reaction.head(feedback)
    paths = {}
    for name, t in (("before", before), ("after", after), ("feedback", reaction)):
        paths[name] = str(tmp_path / f"{name}.csv")
        t.to_csv(paths[name], index=False)
    return paths


@pytest.mark.parametrize("plant", [dict(small_units=True, feedback=3), dict(treated=4), dict(treated=3, feedback=2),
                                   dict(comparison=4)])
def test_workshop_with_planted_small_groups(tmp_path, plant):
    files = _workshop_files(tmp_path, **plant)
    res = open_report("workshop", **files, instrument="workshop_followup", group_column="took_part",
                      cluster_column="unit", output_dir=str(tmp_path / "out")).results()
    small = "treated" if "treated" in plant else "comparison" if "comparison" in plant else None
    if small:  # the small arm is hidden, and so is every DiD row (its change would be the arm's change)
        rounds = [r for r in res["sections"]["rounds"] if r["group"] == small]
        assert rounds and all(r["suppressed"] for r in rounds)
        assert all(e["suppressed"] for e in res["sections"]["effects"] if e["comparison"] == "did")
    assert_clean(res)


# -- comparison --------------------------------------------------------------------------------------

@pytest.mark.parametrize("retest", [4, 8])
def test_comparison_with_planted_small_groups(tmp_path, retest):
    from conftest import SAMPLES

    read = lambda f: pd.read_csv(SAMPLES / f, dtype=str, keep_default_na=False)
    a = read("paired_dual_maturity.csv")
    a["role"] = ["Chef"] * (len(a) - 6) + ["Strateg"] * 4 + ["Utvecklare"] * 2  # DIF groups of 4 and 2
    files = {"responses_a": a, "responses_b": read("paired_public_dma.csv"),
             "retest_a": read("paired_dual_maturity_retest.csv").head(retest),
             "retest_b": read("paired_public_dma_retest.csv").head(retest)}
    for name, t in files.items():
        t.to_csv(tmp_path / f"{name}.csv", index=False)
    res = open_report("comparison", **{k: str(tmp_path / f"{k}.csv") for k in files}, instrument_a="dual_maturity",
                      instrument_b="public_dma", dif_group="role", output_dir=str(tmp_path / "out")).results()
    assert_clean(res)


# -- psychometrics -----------------------------------------------------------------------------------

def test_psychometrics_with_planted_small_groups():
    from conftest import SAMPLES
    from evaluation.reports.psychometrics import review_instrument

    df = pd.read_csv(SAMPLES / "solvik_2025.csv", dtype=str, keep_default_na=False).head(80).copy()
    df["role"] = ["Utvecklare"] * 3 + ["Strateg"] * 4 + ["Chef"] * (len(df) - 7)
    df["unit"] = ["U1"] + ["U2"] * 2 + ["U3"] * 3 + list(df["unit"][6:])
    rev = review_instrument(df, instrument="dual_maturity", group="role", n_boot=50)
    assert set(rev.results["invariance"]["dropped"]) == {"Utvecklare", "Strateg"}
    assert_clean(rev.results)
