"""The move changes no number: the round on the sample equals version 0.1's results.json.

``tests/reference/baseline/round_solvik_2025_v0.1*.json`` were written by
``dmkit round`` of version 0.1 (before the layered move) on
``data_samples/solvik_2025.csv`` with the previous round and the benchmark, in
Swedish and English. The key figures (organisation, dimensions, categories,
units, roles, change and benchmark rows) must be equal to 1e-9 (the same float
operations, serialised through JSON). Swedish and English runs must give
identical keys and identical numbers (see the report tests).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from evaluation.reports.protocol import run_notebook

from conftest import ROOT, SAMPLES, leaves

BASE = ROOT / "tests" / "reference" / "baseline"


def _key_figures(res: dict) -> dict[str, float]:
    """Numbers by a language-free path, from a round results.json (0.1 layout or the envelope)."""
    body = res.get("sections", res)
    out: dict[str, float] = {}

    def put(path, value):
        if isinstance(value, bool) or value is None:
            return
        if isinstance(value, (int, float)):
            out[path] = float(value)

    for k in ("n", "mean", "sd", "se", "ci_low", "ci_high"):
        put(f"overall/{k}", body["overall"].get(k))
    for level in ("dimensions", "categories"):
        for cid, row in body[level].items():
            for k in ("n", "mean", "ci_low", "ci_high"):
                put(f"{level}/{cid}/{k}", row.get(k))
    for level in ("units", "roles"):
        for row in body[level]:
            if row.get("suppressed"):
                continue
            for dim, val in row.items():
                if isinstance(val, dict):
                    for k in ("mean", "ci_low", "ci_high"):
                        put(f"{level}/{row['group']}/{dim}/{k}", val.get(k))
    for row in (body.get("change") or {}).get("rows", []):
        if row.get("suppressed"):
            continue
        for k in ("mean_prev", "mean_cur", "diff", "ci_low", "ci_high", "pvalue"):
            put(f"change/{row['id']}/{k}", row.get(k))
    for row in (body.get("benchmark") or {}).get("rows", []):
        for k in ("score", "percentile", "bench_median"):
            put(f"benchmark/{row['id']}/{k}", row.get(k))
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("same")
    out = {}
    for lang in ("sv", "en"):
        d = tmp / lang
        params = {"responses": str(SAMPLES / "solvik_2025.csv"), "instrument": "dual_maturity",
                  "municipality": "Solvik kommun", "round_label": "2025",
                  "previous_responses": str(SAMPLES / "solvik_2024.csv"),
                  "benchmark": str(SAMPLES / "benchmark_2025.csv"), "population_size": 320,
                  "min_group_size": 5, "language": lang, "output_dir": str(d)}
        run_notebook("round_report.ipynb", params, d, name="round_report", progress=False)
        out[lang] = json.loads((d / "results.json").read_text(encoding="utf-8"))
    return out


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_key_figures_equal_version_0_1(runs, lang):
    suffix = "" if lang == "sv" else "_en"
    base = _key_figures(json.loads((BASE / f"round_solvik_2025_v0.1{suffix}.json").read_text(encoding="utf-8")))
    now = _key_figures(runs[lang])
    assert len(base) > 100
    missing = sorted(set(base) - set(now))
    assert not missing, f"figures of 0.1 no longer published: {missing[:10]}"
    diff = {k: (base[k], now[k]) for k in base if not math.isclose(base[k], now[k], rel_tol=0, abs_tol=1e-9)}
    assert not diff, f"numbers changed: {dict(list(diff.items())[:10])}"


def test_swedish_and_english_give_identical_keys_and_numbers(runs):
    sv = dict(leaves(runs["sv"]))
    en = dict(leaves(runs["en"]))
    assert sorted(sv) == sorted(en)
    nums = {k for k, v in sv.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    assert nums
    assert {k: sv[k] for k in nums} == {k: en[k] for k in nums}
