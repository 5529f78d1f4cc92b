"""What the round report may publish beside its earlier publications (the differencing rule).

A re-run of a round after a few late answers, or a change table on a previous round's export with a few
answers more than that round's report, gives those few people's values by subtraction. Two checks, both
applied by :func:`evaluation.reports.round.analyse_round`:

- **counts in the folder** (:func:`previous_publication`): the results.json already in the output folder
  says how many stood behind each group; a count that moved by 1 to ``min_group_size - 1`` withholds the
  report;
- **rows in the private register** (:mod:`evaluation.privacy.publications`): the fingerprints of the rows
  behind every published value, in any folder; a set that differs from an earlier one of the same measure
  by 1 to ``min_group_size - 1`` rows withholds the report (or, on the previous round's side, the change
  section). This catches a count-neutral swap and a re-run into a new folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from evaluation.data.responses import ResponseSet
from evaluation.privacy import publications as pub
from evaluation.scoring import respondent_scores


def differencing(results: Mapping[str, Any], sets: Mapping[str, list], *, output_dir: str | Path,
                 min_group_size: int) -> tuple[dict | None, dict[str, int]]:
    """``(withheld, before)``: why the report must publish nothing (or None), and the folder's earlier counts."""
    k = min_group_size
    before = previous_publication(output_dir, results)
    moved = {key: (before[key], n) for key, n in results["published_counts"].items()
             if key in before and 0 < abs(n - before[key]) < k}
    n_resp = results["respondents"]["accepted"]
    if moved:
        key, (n0, n1) = min(moved.items(), key=lambda kv: abs(kv[1][1] - kv[1][0]))
        return {"reason": "too_few_new", "n": n_resp, "group": key, "n_before": n0, "n_now": n1,
                "difference": abs(n1 - n0), "groups": sorted(moved)}, before
    # the register compares the rows themselves, in any folder: a count-neutral swap is caught too
    hit = pub.conflicts(sets, pub.earlier_publications(), min_group_size=k)
    if hit:
        return {"reason": "too_few_new", "n": n_resp, "group": hit[0]["measure"], "n_before": hit[0]["n_before"],
                "n_now": hit[0]["n_now"], "difference": hit[0]["difference"],
                "groups": sorted({h["measure"] for h in hit})}, before
    return None, before


def previous_round_sets(prev: ResponseSet, change: pd.DataFrame, *, min_group_size: int) -> tuple[dict, list]:
    """The rows behind the change table's previous-round values, and their conflicts with the register.

    A change row shows ``mean_prev`` when both rounds have ``min_group_size`` behind it; those rows are
    published as much as the previous report's were. With a conflict the caller leaves the change out.
    """
    k = min_group_size
    scores = respondent_scores(prev)
    sets = pub.measure_sets(pub.row_fingerprints(prev.answers, prev.meta, dont_know=prev.dont_know),
                            scores[[c for c in change.index if c in scores.columns]].notna(),
                            shown=lambda g, m: bool(change.loc[m, "n_prev"] >= k and change.loc[m, "n_cur"] >= k))
    return sets, pub.conflicts(sets, pub.earlier_publications(), min_group_size=k)


def published_sets(rs: ResponseSet, scores: pd.DataFrame, *, org: pd.DataFrame, units: pd.DataFrame | None,
                    roles: pd.DataFrame | None, items: pd.DataFrame) -> dict:
    """The rows behind every value this round's report publishes, per measure (for the private register).

    Measures: each score (``overall``, dimensions, categories) of the organisation and of every shown unit
    and role, and the pooled rows of the units (roles) it hides, which subtraction gives; ``item:<id>`` for
    each item whose mean and shares are shown; ``rows`` for the don't-know and skip rates, which stand on
    every accepted row.
    """
    fp = pub.row_fingerprints(rs.answers, rs.meta, dont_know=rs.dont_know)
    behind = scores.notna()
    parts = [pub.measure_sets(fp, behind, shown=lambda g, m: not bool(org.loc[m, "suppressed"])),
             pub.measure_sets(fp, rs.answers.notna().add_prefix("item:"),
                              shown=lambda g, m: bool(pd.notna(items.loc[m[5:], "mean"]))),
             {"rows": [frozenset(fp)]}]
    for by, table in (("unit", units), ("role", roles)):
        if table is None:
            continue
        hidden = set(zip(table.loc[table["suppressed"], "group"].astype(str), table.loc[table["suppressed"], "id"]))
        labels = rs.meta[by].fillna("(saknas)").astype(str)
        parts.append(pub.measure_sets(fp, behind, groups=labels,
                                      shown=lambda g, m, hidden=hidden: (str(g), m) not in hidden))
        # the hidden groups together are published too, by subtraction (the shown total minus the shown
        # groups): their pooled rows are a set of the measure like any other, so a later run that shows one
        # of them on the same rows (its small partner now hidden with someone else) differs from it by a few
        for m in behind.columns:
            if bool(org.loc[m, "suppressed"]):
                continue
            pooled = labels.isin({g for g, mm in hidden if mm == m}).to_numpy() & behind[m].to_numpy()
            if pooled.any():
                parts.append({m: [frozenset(fp[pooled])]})
    return pub.merge(*parts)


def published_counts(results: Mapping[str, Any]) -> dict[str, int]:
    """The respondent count behind every group a round's results.json publishes, by a stable key.

    Keys: ``overall``, ``dimension:<id>``, ``category:<id>``, ``unit:<name>``, ``role:<name>``.

    >>> published_counts({"overall": {"n": 12, "mean": 50.0}, "units": [{"group": "A", "n": 7},
    ...                   {"group": "B", "suppressed": True}]})
    {'overall': 12, 'unit:A': 7}
    """
    out: dict[str, int] = {}
    if isinstance(results.get("overall"), dict) and results["overall"].get("n") is not None:
        out["overall"] = int(results["overall"]["n"])
    for level, key in (("dimension", "dimensions"), ("category", "categories")):
        for i, row in (results.get(key) or {}).items():
            if isinstance(row, dict) and row.get("n") is not None and not row.get("suppressed"):
                out[f"{level}:{i}"] = int(row["n"])
    for level, key in (("unit", "units"), ("role", "roles")):
        for row in results.get(key) or []:
            if not row.get("suppressed") and row.get("n") is not None:
                out[f"{level}:{row['group']}"] = int(row["n"])
    return out


def previous_publication(output_dir: str | Path, results: Mapping[str, Any]) -> dict[str, int]:
    """Counts published by the results.json already in ``output_dir`` for the same round, else ``{}``.

    Differencing rule (re-runs): a re-run into the same folder after a few more (or fewer) answers would
    give those few people's scores by subtraction from the earlier version. So when any group's count
    moved by 1 to ``min_group_size - 1`` since the version there, the new report withholds every result
    (:func:`evaluation.reports.round.analyse_round`), and the counts of the earlier publication are carried forward until at least
    ``min_group_size`` answers have changed. Any earlier publication in the folder with the same instrument
    counts, whatever its municipality name or round label say: those are display labels a re-run can change
    ("Ekby" → "Ekby kommun") while the people behind the numbers stay the same.
    """
    import json

    path = Path(output_dir) / "results.json"
    if not path.is_file():
        return {}
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    sec = old.get("sections", old) if isinstance(old, dict) else {}
    if (sec.get("instrument") or {}).get("id") != (results.get("instrument") or {}).get("id"):
        return {}
    counts = sec.get("published_counts")
    return {str(k): int(v) for k, v in counts.items()} if isinstance(counts, dict) else published_counts(sec)


def withheld_results(results: dict, withheld: dict, *, counts: Mapping[str, int]) -> dict:
    """The results of a report that publishes nothing but why (the earlier publication's counts kept)."""
    out = {key: results[key] for key in ("schema_version", "report", "municipality", "round_label", "language",
                                         "instrument", "min_group_size") if key in results}
    out["respondents"] = {key: results["respondents"].get(key) for key in ("rows_in", "accepted", "rejected")}
    out.update(overall={"suppressed": True}, dimensions={}, categories={}, strongest=[], weakest=[],
               classification=None, units=None, roles=None, change=None, benchmark=None,
               quality={"reliability": [], "dont_know_rate": None, "skip_rate": None, "items": [], "flagged": []},
               published_counts=dict(counts))
    return out
