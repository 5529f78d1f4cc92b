"""Anonymised benchmark: same numbers as each organisation's own scores, codes not names, suppression."""

from __future__ import annotations


from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from evaluation.run.national_benchmark import (MIN_ORGANISATIONS, benchmark_summary, build_benchmark, fast_answers,
                                  k_anonymise)
from evaluation.cli import main as dmkit
from evaluation.data.responses import read_responses
from evaluation.reports.round import benchmark_percentiles, read_benchmark
from evaluation.scoring import organisation_scores
from evaluation.simulate import simulate_round
from evaluation.simulate.national import GROUP_COUNTS_2017, group_counts, simulate_national, write_batch_dir

from conftest import SAMPLES


@pytest.fixture(scope="module")
def national_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("national")
    nat = simulate_national("dual_maturity", n_municipalities=40, respondents=(12, 30), seed=5)
    folders = write_batch_dir(nat, d)
    # one organisation below min_group_size, one with a broken params.yaml
    small = folders[0]
    df = pd.read_csv(small / "data" / "svar.csv").head(4)
    df.to_csv(small / "data" / "svar.csv", index=False)
    (folders[1] / "params.yaml").write_text("responses: nope.csv\ninstrument: dual_maturity\n", encoding="utf-8")
    return d, nat, folders


@pytest.fixture(scope="module")
def built(national_dir):
    d, _, _ = national_dir
    return build_benchmark(d, seed=3)


def test_scores_equal_each_organisations_own(national_dir, built):
    d, nat, folders = national_dir
    key = built.key.set_index("organisation")
    table = built.table.set_index("organisation")
    assert len(table) == 38  # 40 − one too small − one broken
    for code in table.index[:8]:
        folder = d / key.loc[code, "folder"]
        rs = read_responses(folder / "data" / "svar.csv", "dual_maturity")
        org = organisation_scores(rs, min_group_size=5)
        for sid in org.index:
            # 1e-9: same respondent scores; pandas groupby mean vs numpy mean differ in the last bits only
            if org.loc[sid, "suppressed"]:
                assert np.isnan(table.loc[code, sid])
            else:
                assert table.loc[code, sid] == pytest.approx(org.loc[sid, "mean"], abs=1e-9)


def test_parallel_read_gives_the_same_table(national_dir, built):
    d, _, _ = national_dir
    par = build_benchmark(d, seed=3, workers=2)
    pd.testing.assert_frame_equal(par.table, built.table)
    pd.testing.assert_frame_equal(par.excluded, built.excluded)


def test_exclusions_have_reasons(national_dir, built):
    _, _, folders = national_dir
    ex = built.excluded.set_index("folder")
    assert "fewer than min_group_size = 5" in ex.loc[folders[0].name, "reason"]
    assert "does not exist" in ex.loc[folders[1].name, "reason"]


def test_no_names_only_random_codes(national_dir, built):
    _, nat, _ = national_dir
    text = built.table.to_csv(index=False)
    for name in nat.municipalities["municipality"]:
        assert name not in text
        assert name.lower().replace(" ", "_") not in text
    assert list(built.table.columns[:4]) == ["organisation", "instrument", "group", "size"]
    assert built.table["organisation"].str.fullmatch(r"ORG\d{4}").all()
    # codes are not in folder order
    order = built.key.sort_values("folder")["organisation"].tolist()
    assert order != sorted(order)


def test_group_and_size_suppressed_below_five(built):
    t = built.table
    k = MIN_ORGANISATIONS
    for col in ("group", "size"):
        shown = t[col].dropna().value_counts()
        assert (shown >= k).all(), shown
        hidden = t[col].isna().sum()
        assert hidden == 0 or hidden >= k
    combos = t[["group", "size"]].fillna("-").value_counts()
    assert (combos >= k).all(), combos
    # A1 (3 metropolitan municipalities in 290; ~0 in 40) never appears with fewer than 5
    assert "A1" not in set(t["group"].dropna()) or (t["group"] == "A1").sum() >= k


def test_k_anonymise_cases():
    g = pd.Series(["A1"] * 3 + ["B4"] * 6 + ["C8"] * 7)
    out = k_anonymise(g, pd.Series(["<15k"] * 16))
    # A1 (3) hidden, then the next smallest group (B4) too, so the hidden pool has ≥ 5
    assert out["group"].isna().sum() == 9 and (out["group"] == "C8").sum() == 7
    # a rare combination loses its size label first
    g = pd.Series(["B4"] * 10 + ["C8"] * 10)
    s = pd.Series(["<15k"] * 8 + ["15-50k"] * 2 + ["<15k"] * 5 + ["15-50k"] * 5)
    out = k_anonymise(g, s)
    assert out["group"].notna().all()
    assert (out[["group", "size"]].fillna("-").value_counts() >= 5).all()
    # exhaustive small check: every result is 5-anonymous or everything is hidden
    rng = np.random.default_rng(1)
    for _ in range(30):
        n = int(rng.integers(5, 40))
        g = pd.Series(rng.choice(["A1", "B3", "B4", "C8", None], n))
        s = pd.Series(rng.choice(["<15k", "15-50k", ">200k", None], n))
        out = k_anonymise(g, s)
        assert (out[["group", "size"]].fillna("-").value_counts() >= 5).all()


def test_benchmark_file_feeds_the_round_report(tmp_path, built):
    p = tmp_path / "bench.csv"
    built.table.to_csv(p, index=False)
    b = read_benchmark(p)
    rs = read_responses(SAMPLES / "solvik_2025.csv", "dual_maturity")
    org = organisation_scores(rs)["mean"]
    pct = benchmark_percentiles(org, b, ids=["capability", "overall"])
    assert pct["shown"].all() and (pct["n_organisations"] == 38).all()


def test_summary_suppresses_small_groups(built):
    s = benchmark_summary(built.table, by="group")
    assert (s.loc[s["n_organisations"] < 5, "suppressed"]).all()
    assert s.loc[s["suppressed"], ["median", "p25", "p75", "mean"]].isna().all().all()
    shown = s[~s["suppressed"]]
    g0 = shown.iloc[0]
    vals = built.table.loc[built.table["group"].fillna("(dolt)") == g0["group"], g0["id"]].dropna()
    assert g0["median"] == pytest.approx(vals.median(), abs=1e-12)


def _planted(tmp_path):
    sim = simulate_round("dual_maturity", n=40, seed=9)
    df = sim.data.astype(object)
    items = [c for c in df.columns if c.startswith(("cap_", "leg_"))]
    df.loc[3, items[0]] = "Stämmer helt"  # a label
    df.loc[4, items[1]] = "Vet ej"  # don't know as label
    df.loc[5, items[2]] = "9"  # off the scale: row rejected
    df.loc[6, items] = None  # nothing answered: rejected
    df.loc[8, "respondent_id"] = df.loc[7, "respondent_id"]  # duplicate id: rejected
    df.loc[9, items[3]] = " 4 "  # spaces
    df.loc[10, items[4]] = "4 - Stämmer ganska bra"  # drop-down text of the template
    p = tmp_path / "planted.csv"
    df.to_csv(p, index=False, sep=";")
    return p


def test_fast_reader_equals_read_responses(tmp_path):
    for path in (SAMPLES / "solvik_2025.csv", SAMPLES / "solvik_2024.csv", _planted(tmp_path)):
        fast = fast_answers(path, "dual_maturity")
        assert fast is not None, path
        pd.testing.assert_frame_equal(fast, read_responses(path, "dual_maturity").answers)
    assert len(fast) == 40 - 3
    # files the fast path does not take: the general reader handles them
    assert fast_answers(SAMPLES / "solvik_2025_messy.csv", "dual_maturity") is None  # cp1252, question texts
    assert fast_answers(SAMPLES / "norrby_2025.xlsx", "dual_maturity") is None


def test_simulate_national_groups():
    assert sum(GROUP_COUNTS_2017.values()) == 290
    assert group_counts(290) == GROUP_COUNTS_2017
    nat = simulate_national("dual_maturity", n_municipalities=60, respondents=(10, 20), seed=2)
    m = nat.municipalities
    assert m["municipality_group"].value_counts().to_dict() == {g: k for g, k in group_counts(60).items() if k}
    assert m["n"].between(10, 20).all() and len(nat.data) == m["n"].sum()
    assert set(nat.data["municipality"]) == set(m["municipality"])
    # larger municipalities get more respondents (the design), within the range
    assert np.corrcoef(np.log(m["population"]), m["n"])[0, 1] > 0.5


def test_cli(tmp_path, national_dir, capsys):
    d, _, folders = national_dir
    out = tmp_path / "b.csv"
    key = tmp_path / "key.csv"
    assert dmkit(["benchmark", str(d), "-o", str(out), "--key", str(key), "--seed", "1", "-q"]) == 0
    cap = capsys.readouterr()
    assert "Benchmark of 38 organisations" in cap.out and folders[1].name in cap.err
    assert len(pd.read_csv(out)) == 38 and set(pd.read_csv(key)["folder"]) <= {f.name for f in folders}
    # a benchmark params.yaml may name its group by number or name
    p = folders[2] / "params.yaml"
    doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    doc["municipality_group"] = "Större stad"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    from evaluation.run.batch import load_folder

    assert load_folder(folders[2]).municipality_group == "B3"


@pytest.mark.parametrize("name", sorted(p.name for p in (Path(__file__).parent / "fixtures" / "exports").iterdir()
                                        if p.suffix in (".csv", ".txt", ".xlsx", ".sav")))
def test_fast_reader_declines_or_agrees_on_every_tool_export(name):
    """The national benchmark's fast path never reads a tool's export differently from the general reader."""
    path = Path(__file__).parent / "fixtures" / "exports" / name
    fast = fast_answers(path, "dual_maturity")
    if fast is None:
        return
    pd.testing.assert_frame_equal(fast, read_responses(path, "dual_maturity").answers)


def test_fast_reader_rejects_damaged_rows_like_the_general_reader(tmp_path):
    """A row with a field too many (columns would shift) is never taken by the fast path."""
    good = (SAMPLES / "solvik_2025.csv").read_text(encoding="utf-8").splitlines()
    good[5] = good[5] + ";4"
    p = tmp_path / "damaged.csv"
    p.write_text("\n".join(good) + "\n", encoding="utf-8")
    fast = fast_answers(p, "dual_maturity")
    assert fast is None or fast.equals(read_responses(p, "dual_maturity").answers)
