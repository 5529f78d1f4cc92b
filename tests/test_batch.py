"""dmkit batch: parallel reports in warm kernels, failures named, same output as dmkit round, no foreign names."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from evaluation.run.batch import load_folder, national_summary, overview_figure, run_batch
from evaluation.run.national_benchmark import build_benchmark
from evaluation.cli import main as dmkit
from evaluation.simulate import simulate_round
from evaluation.simulate.national import simulate_national, write_batch_dir
from evaluation.admin.templates import new_municipality

from test_templates import fill_template

GOOD = {
    "solvik": dict(name="Solvik kommun", units=["Socialförvaltningen", "Skolförvaltningen", "Kommunledningen"],
                   group="B4", population=42000, n=70, seed=1),
    "norrby": dict(name="Norrby kommun", units=["Vård och omsorg", "Barn och utbildning", "Teknik"],
                   group="C8", population=9000, n=55, seed=2),
}
ROLES = ["Chef", "Strateg"]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    d = root / "omgang"
    for folder, g in GOOD.items():
        new_municipality(g["name"], instrument="dual_maturity", directory=d / folder, units=g["units"], roles=ROLES,
                         round_label="2025", municipality_group=g["group"], population=g["population"])
        sim = simulate_round("dual_maturity", n=g["n"], seed=g["seed"], units=g["units"],
                             roles={r: (1.0, 0.0) for r in ROLES})
        data = sim.data
        if folder == "solvik":  # planted small groups for the attack suite: a unit of 4, a role of 3
            data["unit"] = [g["units"][2]] * 4 + [u for u in data["unit"][4:].replace(g["units"][2], g["units"][0])]
            data["role"] = ["Strateg"] * 3 + ["Chef"] * (len(data) - 3)
        fill_template(d / folder, data)
    # broken 1: the answers were never saved (parameter check fails before any kernel is used)
    new_municipality("Ödeby kommun", instrument="dual_maturity", directory=d / "odeby", round_label="2025")
    # broken 2: a file that is not a survey export (the notebook itself fails)
    new_municipality("Felby kommun", instrument="dual_maturity", directory=d / "felby", round_label="2025")
    pd.DataFrame({"namn": ["a", "b"], "adress": ["x", "y"]}).to_excel(d / "felby" / "data" / "svar.xlsx", index=False)
    # a benchmark of other (simulated) organisations, anonymised
    nat = simulate_national("dual_maturity", n_municipalities=12, respondents=(20, 30), seed=4)
    write_batch_dir(nat, root / "national")
    bench = root / "benchmark.csv"
    build_benchmark(root / "national", seed=0).table.to_csv(bench, index=False)
    res = run_batch(d, workers=2, benchmark=bench, progress=False)
    return d, res, bench, nat


def test_good_folders_report_and_broken_ones_are_named(batch):
    d, res, _, _ = batch
    t = res.table.set_index("folder")
    assert t.loc["solvik", "ok"] and t.loc["norrby", "ok"]
    for f in ("solvik", "norrby"):
        out = d / f / "rapport"
        assert (out / "round_report.html").is_file() and (out / "results.json").is_file()
    assert not t.loc["odeby", "ok"] and "does not exist" in t.loc["odeby", "reason"]
    assert "svar.xlsx" in t.loc["odeby", "reason"]
    reason = t.loc["felby", "reason"]
    assert not t.loc["felby", "ok"] and "reading the data and analysing" in reason and "none of the" in reason
    assert set(res.failures["folder"]) == {"odeby", "felby"}


def test_index_links_reports_lists_failures_and_overview(batch):
    d, res, _, _ = batch
    html = (d / "index.html").read_text(encoding="utf-8")
    for f in ("solvik", "norrby"):
        href = f"{f}/rapport/round_report.html"
        assert f"href='{href}'" in html and (d / href).is_file()
    assert "Ödeby kommun" in html and "does not exist" in html and "Felby kommun" in html
    assert re.search(r"data:image/png;base64,[A-Za-z0-9+/=]{1000,}", html)
    s = national_summary(res.table)
    assert set(s["folder"]) == {"solvik", "norrby"}
    r = json.loads((d / "solvik" / "rapport" / "results.json").read_text(encoding="utf-8"))["sections"]
    assert s.set_index("folder").loc["solvik", "overall"] == r["overall"]["mean"]


def test_no_other_organisations_name_in_any_report(batch):
    d, res, bench, nat = batch
    names = {g["name"] for g in GOOD.values()} | {"Ödeby kommun", "Felby kommun"} | set(nat.municipalities["municipality"])
    for f, g in GOOD.items():
        out = d / f / "rapport"
        for fname in ("round_report.html", "results.json"):
            text = (out / fname).read_text(encoding="utf-8")
            text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", text)
            assert g["name"] in text
            for other in names - {g["name"]}:
                assert other not in text, (f, fname, other)
        res_json = json.loads((out / "results.json").read_text(encoding="utf-8"))["sections"]
        assert res_json["benchmark"]["rows"] and all(r["n_organisations"] == 12 for r in res_json["benchmark"]["rows"])
        # only the organisation's own units appear
        units = {u["group"] for u in res_json["units"]}
        assert units == set(g["units"])


def test_same_output_as_dmkit_round(batch, tmp_path):
    d, _, bench, _ = batch
    p = load_folder(d / "norrby").params
    out = tmp_path / "single"
    code = dmkit(["round", p["responses"], "-i", p["instrument"], "-m", p["municipality"], "--round-label",
                  p["round_label"], "--benchmark", str(bench), "--municipality-group", p["municipality_group"],
                  "--min-group-size", str(p["min_group_size"]),
                  "-l", p["language"], "-o", str(out), "-q"])
    assert code == 0
    batch_out = d / "norrby" / "rapport"
    assert (out / "results.json").read_bytes() == (batch_out / "results.json").read_bytes()
    assert (out / "round_report.html").read_bytes() == (batch_out / "round_report.html").read_bytes()


def test_cli_lists_failures(tmp_path, capsys):
    d = tmp_path / "b"
    new_municipality("Ödeby kommun", instrument="dual_maturity", directory=d / "odeby")
    (d / "tom").mkdir()
    assert dmkit(["batch", str(d), "-q"]) == 1
    err = capsys.readouterr().err
    assert "odeby:" in err and "does not exist" in err and "tom:" in err and "params.yaml is missing" in err
    assert (d / "index.html").is_file()
    with pytest.raises(ValueError, match="no municipality folders"):
        run_batch(tmp_path / "b" / "tom")


def test_overview_pools_small_groups():
    s = pd.DataFrame({"folder": list("abcdefgh"), "municipality": list("abcdefgh"), "instrument": "dual_maturity",
                      "municipality_group": ["B4"] * 5 + ["A1"] * 3, "size": None, "n": 50,
                      "capability": range(40, 48), "legacy": range(30, 38), "overall": range(35, 43)})
    fig = overview_figure(s)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["B4 Pendlingskommun nära större stad (n=5)"]  # A1 (3) pooled and, being < 5, left out


def test_attack_batch_outputs(batch):
    """Issue 17 attack suite, batch kind: every results.json the batch wrote survives the audit; solvik's
    planted unit of 4 and role of 3 are hidden (so the audit had something to attack)."""
    from evaluation.privacy.audit import audit

    d, res, _, _ = batch
    for f in res.table.loc[res.table["ok"], "folder"]:
        r = json.loads((d / f / "rapport" / "results.json").read_text(encoding="utf-8"))
        found = audit(r)
        assert found.empty, f"{f}:\n{found.to_string()}"
    sec = json.loads((d / "solvik" / "rapport" / "results.json").read_text(encoding="utf-8"))["sections"]
    assert {u["group"] for u in sec["units"] if u["suppressed"]} >= {GOOD["solvik"]["units"][2]}
    assert {u["group"] for u in sec["roles"] if u["suppressed"]} >= {"Strateg"}
