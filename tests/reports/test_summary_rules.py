"""The summary sentences' rules on planted cases: the words may never claim more than the numbers carry."""

from __future__ import annotations

import pytest

from evaluation.reports.round_summary import executive_summary, slide_plan
from evaluation.text.summary import (benchmark_sentence, benchmark_status, change_sentence, change_status,
                                     classification_sentence)


@pytest.mark.parametrize("diff,lo,hi,status", [
    (2.9, -0.1, 5.9, "unclear"),     # the case: p = 0.055, CI covers 0
    (2.0, 0.0, 4.0, "unclear"),      # touching 0 still covers it
    (3.0, 0.4, 5.6, "up"),
    (-3.0, -5.5, -0.5, "down"),
    (-1.0, -2.0, 0.0, "unclear"),
    (float("nan"), float("nan"), float("nan"), "unknown"),
    (None, None, None, "unknown"),
])
def test_change_status(diff, lo, hi, status):
    assert change_status(diff, lo, hi) == status


def test_change_words_follow_the_status():
    assert change_sentence(2.9, -0.1, 5.9, language="sv").startswith("ingen säkerställd förändring")
    assert "ökning" not in change_sentence(2.9, -0.1, 5.9, language="sv")
    assert change_sentence(3.0, 0.4, 5.6, language="sv").startswith("säkerställd ökning med 3,0")
    assert change_sentence(-3.0, -5.5, -0.5, language="sv").startswith("säkerställd minskning med 3,0")
    assert change_sentence(2.9, -0.1, 5.9, language="en").startswith("no clear change")
    s = change_sentence(2.9, -0.1, 5.9, language="sv")
    assert "\u22120,1" in s and "." not in s.replace("procentenheter", "")  # decimal comma, real minus


@pytest.mark.parametrize("score,status", [(53.0, "inside"), (48.1, "inside"), (56.2, "inside"),
                                          (56.3, "above"), (48.0, "below"), (None, "unknown")])
def test_benchmark_iqr_rule(score, status):
    assert benchmark_status(score, p25=48.1, p75=56.2) == status


def test_benchmark_words():
    assert benchmark_sentence(55, p25=48, p75=56, median=53).startswith("i nivå med jämförbara kommuner")
    assert benchmark_sentence(57, p25=48, p75=56, median=53).startswith("högre än de flesta")
    assert benchmark_sentence(47, p25=48, p75=56, median=53).startswith("lägre än de flesta")


def test_quadrant_named_with_its_certainty():
    sure = classification_sentence("Föregångare", certain=True)
    unsure = classification_sentence("Föregångare", certain=False)
    assert "hamnar i kvadranten Föregångare" in sure and "troligen" not in sure
    assert "troligen, men inte säkert" in unsure and "hamnar i kvadranten" not in unsure


def _sections(*, change=(2.9, -0.1, 5.9), score=55.0, certain=True, p25=48.0, p75=56.0):
    d, lo, hi = change
    bench = [{"id": i, "shown": True, "score": score, "percentile": 60.0, "bench_median": 53.0, "bench_p25": p25,
              "bench_p75": p75, "n_organisations": 30} for i in ("overall", "capability", "legacy")]
    return {
        "municipality": "Testby", "round_label": "2025",
        "overall": {"name": "Total mognad", "mean": score, "ci_low": score - 2, "ci_high": score + 2},
        "dimensions": {"capability": {"name": "Förmåga", "mean": score}, "legacy": {"name": "Arv", "mean": score}},
        "categories": {"a": {"name": "A", "mean": 60.0}, "b": {"name": "B", "mean": 50.0}},
        "strongest": ["a", "b"], "weakest": ["b", "a"],
        "classification": {"type": "quadrant", "name": "Föregångare", "certain": certain,
                           "recommendation": "Håll uppe takten."},
        "change": {"previous_round": "2024", "rows": [
            {"id": "overall", "level": "overall", "diff": d, "ci_low": lo, "ci_high": hi},
            {"id": "capability", "level": "dimension", "diff": 4.0, "ci_low": 1.0, "ci_high": 7.0}]},
        "benchmark": {"rows": bench},
    }


def test_executive_summary_planted_cases():
    unclear = dict(executive_summary(_sections(), language="sv"))
    assert "ingen säkerställd förändring" in unclear["change"]
    assert "Säkerställd förändring för Förmåga (+4,0)" in unclear["change"]  # the clear dimension is named
    assert "i nivå med jämförbara kommuner" in unclear["result"]
    assert "inte att organisationen ligger före" in unclear["place"]  # average result, no "we lead"
    clear = dict(executive_summary(_sections(change=(3.0, 0.4, 5.6), score=60.0), language="sv"))
    assert "säkerställd ökning med 3,0" in clear["change"]
    assert "högre än de flesta" in clear["result"] and "inte att organisationen" not in clear["place"]
    unsure = dict(executive_summary(_sections(certain=False), language="sv"))
    assert "troligen, men inte säkert" in unsure["place"]
    assert "Följ upp det svagaste området, B" in unsure["next"]


def test_slide_plan_one_message_per_slide():
    env = {"schema_version": "2.0", "language": "sv", "sections": _sections()}
    plan = slide_plan(env, figures={"quadrant": "q.png", "profile": "p.png", "change": "c.png",
                                    "benchmark": "b.png"})
    assert [s["kind"] for s in plan] == ["summary", "quadrant", "profile", "change", "benchmark"]
    assert plan[0]["title"] == "Digital mognad – Testby 2025"
    assert all(s["message"] for s in plan)
    assert "ingen säkerställd förändring" in plan[3]["message"]
