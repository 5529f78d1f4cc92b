"""The survey-round report end to end: numbers, bad parameters, privacy, real browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluation.cli import main as dmkit
from evaluation.reports.protocol import ReportError, run_notebook
from evaluation.data.responses import read_responses
from evaluation.reports.round import change_between_rounds
from evaluation.scoring import group_scores, organisation_scores, respondent_scores

from conftest import SAMPLES

ROUNDS = {
    "solvik_2024": dict(responses=SAMPLES / "solvik_2024.csv", previous=None, benchmark=None, population=300),
    "solvik_2025": dict(responses=SAMPLES / "solvik_2025.csv", previous=SAMPLES / "solvik_2024.csv",
                        benchmark=SAMPLES / "benchmark_2025.csv", population=320),
    "norrby_2024": dict(responses=SAMPLES / "norrby_2024.xlsx", previous=None, benchmark=None, population=0),
    "norrby_2025": dict(responses=SAMPLES / "norrby_2025.xlsx", previous=SAMPLES / "norrby_2024.xlsx",
                        benchmark=SAMPLES / "benchmark_2025.csv", population=250),
}


def _run(tmp: Path, name: str, language: str = "sv") -> Path:
    r = ROUNDS[name]
    out = tmp / f"{name}_{language}"
    params = {"responses": str(r["responses"]), "instrument": "dual_maturity", "municipality": name.split("_")[0].title(),
              "round_label": name.split("_")[1], "previous_responses": str(r["previous"] or ""),
              "benchmark": str(r["benchmark"] or ""), "population_size": r["population"], "min_group_size": 5,
              "language": language, "output_dir": str(out)}
    run_notebook("round_report.ipynb", params, out, name="round_report", progress=False)
    return out


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rounds")
    return {name: _run(tmp, name) for name in ROUNDS}


@pytest.mark.parametrize("name", list(ROUNDS))
def test_results_equal_library(reports, name):
    out = reports[name]
    res = json.loads((out / "results.json").read_text(encoding="utf-8"))["sections"]
    assert (out / "round_report.html").exists() and (out / "round_report.ipynb").exists()
    rs = read_responses(ROUNDS[name]["responses"], "dual_maturity")
    org = organisation_scores(rs)
    sc = respondent_scores(rs)
    assert res["respondents"]["accepted"] == len(rs.answers) == len(sc)
    assert res["respondents"]["rows_in"] == rs.n_rows_in
    # 1e-9: the same float computations, serialised through JSON
    assert res["overall"]["mean"] == pytest.approx(sc["overall"].mean(), abs=1e-9)
    for dim in ("capability", "legacy"):
        for key in ("mean", "ci_low", "ci_high", "n"):
            assert res["dimensions"][dim][key] == pytest.approx(org.loc[dim, key], abs=1e-9)
    for cat, v in res["categories"].items():
        assert v["mean"] == pytest.approx(sc[cat].mean(), abs=1e-9)
    pop = ROUNDS[name]["population"]
    if pop:
        assert res["respondents"]["response_rate"] == pytest.approx(len(rs.answers) / pop, abs=1e-12)
    cats = org.loc[list(res["categories"])]["mean"].sort_values(ascending=False)
    assert res["strongest"] == list(cats.index[:3]) and res["weakest"] == list(cats.index[::-1][:3])
    if ROUNDS[name]["previous"]:
        prev = read_responses(ROUNDS[name]["previous"], "dual_maturity")
        ch = change_between_rounds(prev, rs)
        rows = {r["id"]: r for r in res["change"]["rows"]}
        diff = sc["legacy"].mean() - respondent_scores(prev)["legacy"].mean()
        assert rows["legacy"]["diff"] == pytest.approx(diff, abs=1e-9)
        assert rows["legacy"]["pvalue"] == pytest.approx(ch.loc["legacy", "pvalue"], abs=1e-12)
    if ROUNDS[name]["benchmark"]:
        b = pd.read_csv(ROUNDS[name]["benchmark"])
        rows = {r["id"]: r for r in res["benchmark"]["rows"]}
        x = org.loc["capability", "mean"]
        vals = b["capability"].to_numpy()
        assert rows["capability"]["percentile"] == pytest.approx(100 * ((vals < x).sum() + 0.5 * (vals == x).sum()) / len(vals))


def test_welch_change_matches_scipy():
    from scipy import stats

    a = read_responses(SAMPLES / "solvik_2024.csv", "dual_maturity")
    b = read_responses(SAMPLES / "solvik_2025.csv", "dual_maturity")
    ch = change_between_rounds(a, b)
    x, y = respondent_scores(a)["overall"].dropna(), respondent_scores(b)["overall"].dropna()
    t = stats.ttest_ind(y, x, equal_var=False)
    assert ch.loc["overall", "t"] == pytest.approx(t.statistic, abs=1e-10)
    assert ch.loc["overall", "pvalue"] == pytest.approx(t.pvalue, abs=1e-12)
    ci = t.confidence_interval(0.95)
    assert ch.loc["overall", "ci_low"] == pytest.approx(ci.low, abs=1e-10)


def test_small_unit_appears_nowhere(reports):
    """Norrby 2025 has a unit of 3 respondents: none of its values may be shown or derivable."""
    out = reports["norrby_2025"]
    rs = read_responses(SAMPLES / "norrby_2025.xlsx", "dual_maturity")
    small = "Överförmyndarenheten"
    assert (rs.meta["unit"] == small).sum() == 3
    raw = group_scores(rs, by="unit", min_group_size=1)
    secret = raw[raw.group == small].dropna(subset=["mean"])
    res = json.loads((out / "results.json").read_text(encoding="utf-8"))["sections"]
    unit_entries = {u["group"]: u for u in res["units"]}
    assert unit_entries[small] == {"group": small, "suppressed": True}
    hidden = [g for g, u in unit_entries.items() if u["suppressed"]]
    sizes = rs.meta["unit"].value_counts()
    assert len(hidden) >= 2 and sizes[hidden].sum() >= 5  # complementary suppression
    # no number in results.json equals one of the small unit's values
    numbers = [float(x) for x in re.findall(r"-?\d+\.\d+", (out / "results.json").read_text())]
    # (means of 3 people are simple fractions such as 43.33 that coincide with unrelated numbers,
    # e.g. a percentile of 13/30; SDs and CI bounds involve square roots and cannot coincide by chance)
    for v in secret[["ci_low", "ci_high", "sd"]].to_numpy().ravel():
        if np.isfinite(v):
            assert not any(abs(v - x) < 1e-9 for x in numbers), v
    # in the HTML the unit's name appears only in the note that it is hidden
    html = (out / "round_report.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html))
    for m in re.finditer(small, text):
        context = text[max(0, m.start() - 300): m.end() + 50]
        assert "visas inte" in context, context
    assert "respondent_id" not in text and "N25-" not in text  # ids never reach the report


def test_english_report(tmp_path):
    out = _run(tmp_path, "solvik_2024", language="en")
    html = (out / "round_report.html").read_text(encoding="utf-8")
    assert "Overall maturity" in html and "Total mognad" not in html


@pytest.mark.parametrize("args,needle", [
    (["missing.csv", "-i", "dual_maturity"], "does not exist"),
    ([str(SAMPLES / "solvik_2025.csv"), "-i", "no_such_instrument"], "Unknown instrument"),
    ([str(SAMPLES / "solvik_2025.csv"), "-i", "dual_maturity", "--language", "de"], "'sv' (Swedish) or 'en'"),
    ([str(SAMPLES / "solvik_2025.csv"), "-i", "dual_maturity", "--min-group-size", "0"], "min_group_size"),
])
def test_bad_parameters_plain_message(tmp_path, capsys, args, needle):
    code = dmkit(["round", *args, "-o", str(tmp_path / "out"), "-q"])
    err = capsys.readouterr().err
    assert code != 0 and needle in err and "Traceback" not in err


def test_notebook_failure_names_step(tmp_path):
    params = {"responses": str(SAMPLES / "solvik_2025.csv"), "instrument": "dual_maturity", "language": "fi",
              "output_dir": str(tmp_path)}
    with pytest.raises(ReportError) as e:
        run_notebook("round_report.ipynb", params, tmp_path, progress=False)
    msg = str(e.value)
    assert "checking the parameters" in msg and "language" in msg and str(tmp_path) in msg


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PROBE = """<script>
window.__errors = [];
window.addEventListener('error', function (e) { window.__errors.push('error: ' + (e.message || e.target.src || '?')); }, true);
var __ce = console.error; console.error = function () { window.__errors.push('console: ' + Array.from(arguments).join(' ')); __ce.apply(console, arguments); };
window.addEventListener('load', function () {
  var imgs = Array.from(document.images);
  var broken = imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0); }).length;
  var pre = document.createElement('pre'); pre.id = '__probe';
  pre.textContent = JSON.stringify({images: imgs.length, broken: broken, errors: window.__errors, text: document.body.innerText});
  document.body.appendChild(pre);
});
</script>"""


def test_html_renders_in_headless_chromium(reports, tmp_path):
    assert CHROMIUM, "chromium is required for this test (.ci/run installs Debian's chromium)"
    out = reports["solvik_2025"]
    html = (out / "round_report.html").read_text(encoding="utf-8")
    probe = tmp_path / "probe.html"
    probe.write_text(html.replace("<head>", "<head>" + PROBE, 1), encoding="utf-8")
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=10000", "--dump-dom", probe.as_uri()]
    dom = subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout
    m = re.search(r'<pre id="__probe">(.*?)</pre>', dom, flags=re.S)
    assert m, "the probe script did not run"
    import html as htmllib

    info = json.loads(htmllib.unescape(m.group(1)))
    assert info["images"] >= 7 and info["broken"] == 0
    assert info["errors"] == []
    res = json.loads((out / "results.json").read_text(encoding="utf-8"))["sections"]
    visible = info["text"]
    from evaluation.text.format import points

    assert points(res["overall"]["mean"], "sv") in visible  # "55 %" with the narrow no-break space
    for dim in res["dimensions"].values():
        assert points(dim["mean"], "sv") in visible and dim["name"] in visible
    assert res["classification"]["name"] in visible


def test_benchmark_within_municipality_group():
    from evaluation.reports.round import analyse_round

    rs = read_responses(SAMPLES / "solvik_2025.csv", "dual_maturity")
    org = organisation_scores(rs)["mean"]
    rng = np.random.default_rng(0)
    bench = pd.DataFrame({"organisation": [f"O{i}" for i in range(14)],
                          "group": ["B3"] * 6 + ["C8"] * 4 + ["A1"] * 4,
                          **{i: rng.uniform(30, 70, 14) for i in org.index}})
    res = analyse_round(rs, instrument="dual_maturity", benchmark=bench, municipality_group="b3")
    b = res.results["benchmark"]
    assert b["municipality_group"] == "b3"
    rows = {r["id"]: r for r in b["group_rows"]}
    vals = bench.loc[bench.group == "B3", "legacy"].to_numpy()
    x = org["legacy"]
    assert rows["legacy"]["n_organisations"] == 6
    assert rows["legacy"]["percentile"] == pytest.approx(100 * ((vals < x).sum() + 0.5 * (vals == x).sum()) / 6)
    assert {r["id"]: r for r in b["rows"]}["legacy"]["n_organisations"] == 14
    few = analyse_round(rs, instrument="dual_maturity", benchmark=bench, municipality_group="C8")
    assert not any(r["shown"] for r in few.results["benchmark"]["group_rows"])
    from evaluation.reports.round import benchmark_markdown

    assert "färre än 5 organisationer ur gruppen" in benchmark_markdown(few)
