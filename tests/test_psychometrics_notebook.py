"""The psychometrics notebook end to end: numbers equal the library's, privacy, bad parameters, English.

The Swedish run compares roles with ``min_group_size=40`` so that one role of
the sample (Utvecklare, 38 respondents) is too small and must be left out of
the invariance analysis: its absence is checked, and the invariance rows are
recomputed by the library on the data without it.
"""

from __future__ import annotations

import argparse
import json
import re
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from evaluation.stats import reliability as rel
from evaluation.stats import structure as st
from evaluation.reports.psychometrics import _dimension_model, add_cli, validate_psychometrics_parameters
from evaluation.reports.envelope import sections_of
from evaluation.reports.protocol import ReportError, run_notebook
from evaluation.data.responses import read_responses

from conftest import SAMPLES

DATA = SAMPLES / "solvik_2025.csv"
SMALL_ROLE = "Utvecklare"  # 38 respondents in solvik_2025
K = 40
N_BOOT = 200


def _library(rs) -> dict:
    """The same analyses straight from evaluation.stats.reliability / evaluation.stats.structure."""
    inst = rs.instrument
    sc = rs.scored()
    out: dict = {"alpha": {}, "omega": {}, "cfa": {}, "invariance": {}}
    blocks = {**inst.dimension_items(), **inst.category_items()}
    for bid, its in blocks.items():
        out["alpha"][bid] = rel.cronbach_alpha(sc[its])
        out["omega"][bid] = rel.mcdonald_omega(sc[its], n_boot=N_BOOT, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for level in ("category", "dimension"):
            out["cfa"][level] = st.instrument_structure(rs, level=level, missing="ml")
        keep = rs.subset(rs.meta["role"] != SMALL_ROLE)
        for d in inst.dimension_items():
            out["invariance"][d] = st.measurement_invariance(keep, _dimension_model(inst, d), "role", missing="ml")
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Both notebook runs in parallel kernels while this process computes the library's numbers."""
    tmp = tmp_path_factory.mktemp("psychometrics")
    sv = {"responses": str(DATA), "instrument": "dual_maturity", "group_column": "role", "language": "sv",
          "min_group_size": K, "n_boot": N_BOOT, "output_dir": str(tmp / "sv")}
    en = {**sv, "group_column": "", "language": "en", "min_group_size": 5, "n_boot": 50, "output_dir": str(tmp / "en")}
    with ThreadPoolExecutor(max_workers=2) as pool:
        fut = {k: pool.submit(run_notebook, "psychometrics.ipynb", p, p["output_dir"], name="psychometrics",
                              progress=False) for k, p in (("sv", sv), ("en", en))}
        rs = read_responses(DATA, "dual_maturity")
        lib = _library(rs)
        done = {k: f.result() for k, f in fut.items()}
    return {"sv": done["sv"], "en": done["en"], "lib": lib, "rs": rs}


def test_results_equal_library(runs):
    res = sections_of(runs["sv"].load_results())
    lib = runs["lib"]
    assert runs["sv"].html.exists() and runs["sv"].notebook.exists()
    rows = {r["id"]: r for r in res["reliability"]}
    assert set(rows) == set(lib["alpha"])
    # 1e-12: the same float computations, serialised through JSON
    for bid, a in lib["alpha"].items():
        r = rows[bid]
        assert (r["alpha"], r["alpha_ci_low"], r["alpha_ci_high"], r["n_alpha"]) == pytest.approx(
            (a.estimate, a.ci_low, a.ci_high, a.n), abs=1e-12)
        o = lib["omega"][bid]  # same seed and resample count: the bootstrap interval is identical too
        assert (r["omega"], r["omega_ci_low"], r["omega_ci_high"], r["n_omega"]) == pytest.approx(
            (o.estimate, o.ci_low, o.ci_high, o.n), abs=1e-12)
    for level, c in lib["cfa"].items():
        got = res["cfa"][level]
        # 1e-9: a separate fit in another process; Fisher scoring converges to the same optimum to far below this
        for key in ("chisq", "cfi", "tli", "rmsea", "srmr", "rmsea_ci_high"):
            assert got[key] == pytest.approx(getattr(c, key), abs=1e-9), (level, key)
        assert got["df"] == c.df and got["n"] == c.n
        ok = {"cfi": c.cfi >= 0.95, "tli": c.tli >= 0.95, "rmsea": c.rmsea <= 0.06, "srmr": c.srmr <= 0.08}
        assert got["passes"] == ok and got["n_pass"] == sum(ok.values())
        assert got["problems"] == list(c.problems)
        std = {(x["factor"], x["item"]): x["std_all"] for x in got["loadings"]}
        for x in c.loadings.itertuples():
            assert std[(x.factor, x.item)] == pytest.approx(x.std_all, abs=1e-9)
    inv = res["invariance"]
    assert set(inv["models"]) == set(lib["invariance"])
    for d, tab in lib["invariance"].items():
        got = {r["model"]: r for r in inv["models"][d]}
        assert list(got) == ["configural", "metric", "scalar"]
        for model, row in tab.iterrows():
            for key in ("chisq", "df", "cfi", "rmsea", "srmr", "delta_chisq", "delta_cfi"):
                want = row[key]
                if key.startswith("delta") and model == "configural":
                    assert got[model][key] is None
                else:
                    assert got[model][key] == pytest.approx(float(want), abs=1e-9), (d, model, key)
            assert got[model]["verdict"] == row["verdict"] and got[model]["rule"] == row["rule"]
    pa = res["parallel_analysis"]
    sc = runs["rs"].scored()
    assert pa["n_factors_pc"] == st.parallel_analysis(sc, fa="pc", seed=0).n_factors
    assert res["respondents"]["accepted"] == len(runs["rs"].answers)


def test_small_group_left_out_of_invariance(runs):
    res = sections_of(runs["sv"].load_results())
    inv = res["invariance"]
    sizes = runs["rs"].meta["role"].value_counts()
    assert sizes[SMALL_ROLE] < K <= sizes.drop(SMALL_ROLE).min()
    assert inv["dropped"] == [SMALL_ROLE] and SMALL_ROLE not in inv["included"]
    assert sorted(inv["included"]) == sorted(sizes[sizes >= K].index)
    for rows in inv["models"].values():
        for r in rows:
            assert r["n_groups"] == len(inv["included"])
            assert "n" not in r  # shown total minus the whole sample would give the left-out group's size
    # the small role is named only in the note that it was left out
    html = runs["sv"].html.read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html))
    hits = list(re.finditer(SMALL_ROLE, text))
    assert hits
    for m in hits:
        assert "ingår inte" in text[max(0, m.start() - 200): m.end()], text[m.start() - 200: m.end() + 50]
    assert "S25-" not in text  # respondent ids never reach the report


def test_english_run(runs):
    env = runs["en"].load_results()
    res, sv = sections_of(env), sections_of(runs["sv"].load_results())
    assert env["language"] == "en" and env["report"] == "psychometrics" and res["invariance"] is None
    html = runs["en"].html.read_text(encoding="utf-8")
    assert "Psychometric review" in html and "Reliability per dimension" in html
    assert "Sammanfattning" not in html and "Psykometrisk" not in html
    # alpha does not depend on the language or the bootstrap count
    a = {r["id"]: r["alpha"] for r in res["reliability"]}
    assert a == {r["id"]: r["alpha"] for r in sv["reliability"]}
    assert res["cfa"]["category"]["chisq"] == pytest.approx(sv["cfa"]["category"]["chisq"], abs=1e-9)


def _cli(argv):
    p = argparse.ArgumentParser(prog="dmkit")
    add_cli(p.add_subparsers(dest="command", required=True))
    args = p.parse_args(argv)
    return args.func(args)


@pytest.mark.parametrize("args,needle", [
    (["missing.csv", "-i", "dual_maturity"], "does not exist"),
    ([str(DATA), "-i", "no_such_instrument"], "Unknown instrument"),
    ([str(DATA), "-i", "dual_maturity", "--language", "de"], "'sv' (Swedish) or 'en'"),
    ([str(DATA), "-i", "dual_maturity", "--group", "department_head"], "no column 'department_head'"),
    ([str(DATA), "-i", "dual_maturity", "--min-group-size", "0"], "min_group_size"),
    ([str(DATA), "-i", "dual_maturity", "--n-boot", "3"], "n_boot"),
])
def test_bad_parameters_plain_message(tmp_path, capsys, args, needle):
    code = _cli(["psychometrics", *args, "-o", str(tmp_path / "out"), "-q"])
    err = capsys.readouterr().err
    assert code != 0 and needle in err and "Traceback" not in err
    assert err.startswith("dmkit: ") and len(err.strip().splitlines()) == 1


def test_group_column_alias_and_listing():
    p = validate_psychometrics_parameters(responses=DATA, instrument="dual_maturity", group_column="roll")
    assert p.group_column == "role"  # Swedish header spelling maps to the import's canonical name
    with pytest.raises(ValueError, match="Columns you can group by: .*role"):
        validate_psychometrics_parameters(responses=DATA, instrument="dual_maturity", group_column="team")


def test_notebook_failure_names_step(tmp_path):
    params = {"responses": str(DATA), "instrument": "dual_maturity", "language": "fi", "output_dir": str(tmp_path)}
    with pytest.raises(ReportError) as e:
        run_notebook("psychometrics.ipynb", params, tmp_path, progress=False)
    msg = str(e.value)
    from evaluation.reports.builder import STEP_CHECK

    assert STEP_CHECK in msg and "language" in msg and str(tmp_path) in msg


def test_notebook_is_thin_and_stripped():
    nb = json.loads((Path(__file__).resolve().parents[1] / "notebooks" / "psychometrics.ipynb").read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    assert "parameters" in code[0]["metadata"]["tags"]
    assert all(c["metadata"].get("step") for c in code)
    params = "".join(code[0]["source"])
    for name in ("responses", "instrument", "group_column", "language", "min_group_size", "n_boot", "output_dir"):
        assert re.search(rf"^{name}: ", params, flags=re.M), name
    assert 'responses: str = "data_samples/solvik_2025.csv"' in params


@pytest.fixture(scope="module")
def planted():
    """A small instrument with a planted unit of 3 respondents (fast to fit)."""
    from evaluation.simulate import simulate_round

    sim = simulate_round("workshop_reaction", n=200, seed=1, unit_sizes={"A": 100, "B": 97, "C": 3})
    return read_responses(sim.data, "workshop_reaction")


def test_planted_small_unit_left_out(planted):
    from evaluation.reports.psychometrics import review_instrument

    rev = review_instrument(planted, group="unit", min_group_size=5, n_boot=50, comprehension=False)
    inv = rev.results["invariance"]
    assert inv["dropped"] == ["C"] and inv["included"] == ["A", "B"]
    keep = planted.subset(planted.meta["unit"] != "C")
    model = _dimension_model(planted.instrument, "reaction")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        want = st.measurement_invariance(keep, model, "unit", missing="ml")
    got = rev.invariance["reaction"]
    assert "n" not in got.columns and all("n" not in r for r in inv["models"]["reaction"])
    # 1e-9: the same fit of the same rows (the library drops rows whose group label is missing)
    for col in ("chisq", "df", "cfi", "rmsea", "srmr"):
        assert got[col].to_numpy() == pytest.approx(want[col].to_numpy(), abs=1e-9), col
    assert got["n_groups"].tolist() == [2, 2, 2]


def test_too_few_large_groups_means_no_invariance(planted):
    from evaluation.reports.psychometrics import invariance_markdown, review_instrument

    rev = review_instrument(planted, group="unit", min_group_size=98, n_boot=20, comprehension=False)
    assert rev.invariance == {} and rev.results["invariance"]["included"] == ["A"]
    assert sorted(rev.results["invariance"]["dropped"]) == ["B", "C"]
    assert "Färre än två grupper" in invariance_markdown(rev)
