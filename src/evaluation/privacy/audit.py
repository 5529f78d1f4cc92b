"""Play the attacker on a report's results.json: every value derivable for a group of fewer than k people.

The audit reads only what a report published (``results.json``, and optionally
an earlier publication of the same data) and solves the attacker's problem of
official statistics' cell suppression (Hundepool et al., *Statistical
Disclosure Control*, 2012, ch. 4 "Magnitude tabular data": the audit of a
suppression pattern by linear programming, as in tau-ARGUS).

Model. Every published group (the total, a unit, a role, a unit × role cell,
one round of a re-run) is a union of *atomic cells* c (one per combination of
the grouping variables' labels, plus an "other" label per variable for people
no row names). For each measure m (a mean published per group) the attacker
knows, for every published group g, its count and its sum

.. math:: \\sum_{c \\in g} n_c = N_g, \\qquad \\sum_{c \\in g} x_c = N_g \\bar y_g ,
          \\qquad lo \\, n_c \\le x_c \\le hi \\, n_c, \\quad n_c \\ge 0,

with (lo, hi) the scale of the measure. For a hidden or never-published group
h (a suppressed row, the rest of a table beside its shown rows, an atomic
cell, the late answers of a re-run) that the published counts prove small
(max n_h < k over the feasible counts, n_h ≥ 1), the attacker's interval for
its mean over every configuration consistent with the publication is

.. math:: \\Big[\\min \\frac{\\sum_{c\\in h} x_c}{\\sum_{c\\in h} n_c},\\;
          \\max \\frac{\\sum_{c\\in h} x_c}{\\sum_{c\\in h} n_c}\\Big],

two linear-fractional programs solved as linear programs by the
Charnes–Cooper transform (scipy.optimize.linprog, HiGHS). A group is *disclosed*
when that interval is narrower than ``margin`` × (hi − lo): exact recovery
(width 0, e.g. total minus shown units) is the extreme case. Every published
value with a count below k next to it is a *direct* finding. A group the
counts do not prove small is not examined: at an extreme vertex of the count
polytope (a unit × role cell at its smallest feasible count) a mean is often
pinned that the reader cannot tell apart from the true, larger group's. A row's
``n`` counts its headline measure (``overall`` or a flat ``mean``); its other
measures are means over at most n people (some may have skipped them), so
only ``sum x = mean × sum n`` and ``sum n ≤ n`` enter for those.

``how`` says which published tables the derivation needs: ``direct n<k``,
``total minus shown`` (the group's own table and the totals),
``table A minus table B`` (two tables of one report), ``previous minus current``
(an earlier publication, taken to cover a subset of the same respondents: a
re-run or an earlier export of the same round).

Examples
--------
>>> leaky = {"sections": {"overall": {"n": 23, "mean": 50.0},
...          "units": [{"group": "A", "n": 12, "overall": {"mean": 40.0}},
...                    {"group": "B", "n": 8, "overall": {"mean": 60.0}},
...                    {"group": "C", "suppressed": True}]}}
>>> f = audit(leaky)
>>> f[["group", "measure", "n", "how"]].to_dict("records")
[{'group': 'rest: C (and anyone unlisted)', 'measure': 'overall', 'n': '3', 'how': 'total minus shown'}]
>>> round(float(f["value"].iloc[0]), 6)
63.333333
>>> audit({"sections": {"overall": {"n": 23, "mean": 50.0}}}).empty
True
"""

from __future__ import annotations

import itertools
import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from evaluation.privacy import DEFAULT_MIN_GROUP_SIZE, check_min_group_size

__all__ = ["audit", "read_results", "FINDING_COLUMNS"]

FINDING_COLUMNS = ["table", "group", "measure", "value", "low", "high", "n", "how"]

#: Keys holding a count of respondents behind the values beside them.
COUNT_KEYS = ("n", "count", "n_cur", "n_prev", "n_pre", "n_post", "n_pairs", "n_alpha", "n_omega", "n_1", "n_2",
              "answered", "n_linked", "n_before", "n_after")
#: Numeric keys that are not a statistic describing respondents (structure, settings, counts).
NOT_VALUES = {"k", "df", "min_group_size", "population_size", "rows_in", "accepted", "rejected", "component",
              "items", "dimensions", "categories", "quantile", "mic", "min_r", "max_r", "ci", "delta_df", "seed",
              "errors", "warnings", "answers", "items_matched", "expected", "median_minutes"}
LABEL_KEYS = ("group", "unit", "role")
STRATUM_KEYS = ("round", "wave", "time", "instrument")
MEASURE_KEYS = ("id", "item", "score")
#: The measure a group row's ``n`` counts (other measures of the row: at most n answered them).
HEADLINE = ("overall", "mean")
OTHER = "\x00other"


def read_results(path: str | Path) -> dict:
    """Load ``results.json`` from a report folder (or the file itself).

    >>> read_results("/nonexistent")
    Traceback (most recent call last):
    ...
    ValueError: /nonexistent holds no results.json: give the output folder of a dmkit report (it writes results.json there).
    """
    p = Path(path)
    f = p / "results.json" if p.is_dir() else p
    if not f.is_file():
        raise ValueError(f"{path} holds no results.json: give the output folder of a dmkit report "
                         "(it writes results.json there).")
    try:
        return json.loads(f.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ValueError(f"{f} is not valid JSON ({exc}); expected the results.json a dmkit report wrote.") from None


def _num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v


def _is_value(key: str) -> bool:
    return key not in NOT_VALUES and key not in COUNT_KEYS and not key.startswith("n_")


def _walk(obj: Any, path: str = ""):
    if isinstance(obj, dict):
        yield path, obj
        for key, v in obj.items():
            yield from _walk(v, f"{path}.{key}" if path else str(key))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _walk(v, f"{path}[{i}]")


def _values(d: Mapping) -> dict[str, float]:
    """Numeric statistics of a dict, nested measure dicts flattened as ``measure.stat``."""
    out = {key: float(v) for key, v in d.items() if _num(v) and _is_value(key)}
    for key, v in d.items():
        if isinstance(v, dict) and not any(c in v for c in COUNT_KEYS):
            out.update({f"{key}.{s}": float(x) for s, x in v.items() if _num(x) and _is_value(s)})
    return out


def _label(d: Mapping) -> str:
    for key in LABEL_KEYS + MEASURE_KEYS + ("level",):
        if isinstance(d.get(key), str):
            return d[key]
    return ""


def _direct(sections: Mapping, k: int) -> list[dict]:
    out = []
    for path, d in _walk(sections):
        small = {c: d[c] for c in COUNT_KEYS if _num(d.get(c)) and 0 < d[c] < k}
        if not small:
            continue
        n = min(small.values())
        for key, v in _values(d).items():
            out.append({"table": path, "group": _label(d), "measure": key, "value": v, "low": v, "high": v,
                        "n": str(int(n)), "how": "direct n<k"})
    return out


@dataclass(frozen=True)
class _Fact:
    """One published group: its table, stratum, labels, count and means per measure."""

    table: str
    stratum: tuple
    labels: tuple  # ((variable, label), ...)
    n: float | None
    means: dict = field(default_factory=dict)
    hidden: bool = False
    #: measure → its own count; a measure missing here is a mean over at most ``n`` people (some may
    #: not have answered it), so only ``sum x = mean × sum n`` and ``sum n <= n`` are known
    exact: dict = field(default_factory=dict)


def _var(key: str, table: str) -> str:
    if key != "group":
        return key
    name = re.sub(r"\[\d+\]", "", table).split(".")[-1]
    name = name[:-1] if name.endswith("s") else name
    return "group" if name in STRATUM_KEYS else name


def _facts(sections: Mapping) -> list[_Fact]:
    facts: list[_Fact] = []
    grouped: set[int] = set()
    for path, obj in _walk(sections):
        if not isinstance(obj, dict):
            continue
        for key, rows in obj.items():
            if not (isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows)):
                continue
            table = f"{path}.{key}" if path else key
            if not any(isinstance(r.get(lk), str) for r in rows for lk in LABEL_KEYS):
                continue
            for r in rows:
                grouped.add(id(r))
                labels = tuple(sorted((_var(lk, table), r[lk]) for lk in LABEL_KEYS if isinstance(r.get(lk), str)))
                stratum = tuple((s, r[s]) for s in STRATUM_KEYS if isinstance(r.get(s), str))
                n = float(r["n"]) if _num(r.get("n")) else None
                means, exact = {}, {}
                if _num(r.get("mean")):
                    means["mean"] = float(r["mean"])
                    if n is not None:
                        exact["mean"] = n
                for m, v in r.items():
                    if isinstance(v, dict) and _num(v.get("mean")):
                        means[m] = float(v["mean"])
                        if _num(v.get("n")):
                            exact[m] = float(v["n"])
                        elif m in HEADLINE and n is not None:  # the row's n counts its headline measure
                            exact[m] = n
                facts.append(_Fact(table, stratum, labels, n, means, hidden=bool(r.get("suppressed")) or not means,
                                   exact=exact))
    for path, d in _walk(sections):
        if id(d) in grouped or not (_num(d.get("n")) and _num(d.get("mean"))):
            continue
        measure = next((d[m] for m in MEASURE_KEYS if isinstance(d.get(m), str)), None)
        measure = measure or re.sub(r"\[\d+\]$", "", path).split(".")[-1]
        stratum = tuple((s, d[s]) for s in STRATUM_KEYS if isinstance(d.get(s), str))
        facts.append(_Fact(re.sub(r"\.[^.]*$", "", path) if "." in path else path, stratum, (), float(d["n"]),
                           {measure: float(d["mean"])}, exact={measure: float(d["n"])}))
    return facts


def _scale(values: list[float], scale) -> tuple[float, float]:
    if scale is not None:
        return float(scale[0]), float(scale[1])
    if all(1 <= v <= 6 for v in values):
        return 1.0, 6.0
    if all(0 <= v <= 100 for v in values):
        return 0.0, 100.0
    return -np.inf, np.inf


class _Problem:
    """The attacker's linear system for one stratum and one measure (cells × {old, late})."""

    def __init__(self, cur: list[_Fact], prev: list[_Fact], measure: str, k: int, scale):
        self.k = k
        variables: dict[str, set] = {}
        for f in cur + prev:
            for v, lab in f.labels:
                variables.setdefault(v, set()).add(lab)
        self.vars = sorted(variables)
        self.cells = list(itertools.product(*[sorted(variables[v]) + [OTHER] for v in self.vars]))
        self.parts = ("old", "late") if prev else ("old",)
        nc = len(self.cells)
        self.size = 2 * nc * len(self.parts)  # n then x per part
        self.cur, self.prev, self.measure = cur, prev, measure
        self._masks: dict = {}
        self._built: dict = {}
        self.lo, self.hi = _scale([f.means[measure] for f in cur + prev if measure in f.means], scale)

    def cell_mask(self, labels: tuple) -> np.ndarray:
        if labels not in self._masks:
            want = dict(labels)
            self._masks[labels] = np.array([all(want.get(v, c[i]) == c[i] for i, v in enumerate(self.vars))
                                            for c in self.cells])
        return self._masks[labels]

    def index(self, kind: str, part: str) -> slice:
        nc = len(self.cells)
        p = self.parts.index(part)
        start = (p * 2 + (0 if kind == "n" else 1)) * nc
        return slice(start, start + nc)

    def row(self, kind: str, mask: np.ndarray, parts) -> np.ndarray:
        r = np.zeros(self.size)
        for part in parts:
            r[self.index(kind, part)] = mask
        return r

    def count_signature(self, facts_cur, facts_prev) -> tuple:
        """Which facts' counts enter the system (two measures with the same signature share count ranges)."""
        return tuple((i, f.labels, f.n, f.exact.get(self.measure), self.measure in f.means, f.hidden)
                     for i, facts in enumerate((facts_cur, facts_prev)) for f in facts)

    def constraints(self, facts_cur, facts_prev):
        key = (tuple(map(id, facts_cur)), tuple(map(id, facts_prev)))
        if key not in self._built:
            self._built[key] = self._constraints(facts_cur, facts_prev)
        return self._built[key]

    def _constraints(self, facts_cur, facts_prev):
        eq, rhs, ineq = [], [], []
        for facts, parts in ((facts_cur, self.parts), (facts_prev, ("old",))):
            for f in facts:
                mask = self.cell_mask(f.labels)
                mean = f.measure_mean(self.measure)
                if self.measure in f.exact:  # the count of m's answerers, and their sum
                    eq.append(self.row("n", mask, parts))
                    rhs.append(f.exact[self.measure])
                    eq.append(self.row("x", mask, parts))
                    rhs.append(f.exact[self.measure] * mean)
                elif mean is not None:  # a mean over at most the row's n
                    eq.append(self.row("x", mask, parts) - mean * self.row("n", mask, parts))
                    rhs.append(0.0)
                    if f.n is not None:
                        ineq.append((self.row("n", mask, parts), f.n))
                elif f.n is not None and not f.means:  # a row with a count only: at most that many answered m
                    ineq.append((self.row("n", mask, parts), f.n))
                if f.hidden:  # a listed row: the group exists
                    ineq.append((-self.row("n", mask, parts), -1.0))
        return eq, rhs, ineq

    def interval(self, target: np.ndarray, parts, facts_cur, facts_prev, *,
                 small: bool = True) -> tuple[float, float] | None:
        """Bounds of the target group's mean over configurations where it holds 1..k-1 people, or None."""
        eq, rhs, ineq = self.constraints(facts_cur, facts_prev)
        size = self.size + 1  # + t (Charnes–Cooper)
        a_eq = [np.append(r, -b) for r, b in zip(eq, rhs)]
        b_eq = [0.0] * len(a_eq)
        d = self.row("n", target, parts)
        a_eq.append(np.append(d, 0.0))
        b_eq.append(1.0)
        a_ub = [np.append(r, -b) for r, b in ineq]
        a_ub.append(np.append(-d, 1.0))  # n_h >= 1
        if small:
            a_ub.append(np.append(d, -(self.k - 1.0)))  # n_h <= k-1
        for part in self.parts:
            n_i, x_i = self.index("n", part), self.index("x", part)
            for j in range(len(self.cells)):
                if np.isfinite(self.lo):
                    r = np.zeros(size)
                    r[n_i.start + j], r[x_i.start + j] = self.lo, -1.0
                    a_ub.append(r)
                if np.isfinite(self.hi):
                    r = np.zeros(size)
                    r[x_i.start + j], r[n_i.start + j] = 1.0, -self.hi
                    a_ub.append(r)
        bounds = []
        for part in self.parts:
            bounds += [(0, None)] * len(self.cells) + [(None, None)] * len(self.cells)
        bounds.append((0, None))
        obj = np.append(self.row("x", target, parts), 0.0)
        out = []
        for sign in (1.0, -1.0):
            res = linprog(sign * obj, A_ub=np.array(a_ub), b_ub=np.zeros(len(a_ub)), A_eq=np.array(a_eq),
                          b_eq=np.array(b_eq), bounds=bounds, method="highs")
            if res.status != 0:
                return None
            out.append(sign * res.fun)
        return out[0], out[1]


def _mean(self: _Fact, measure: str):
    return self.means.get(measure)


_Fact.measure_mean = _mean  # type: ignore[attr-defined]


def _candidates(cur: list[_Fact], prev: list[_Fact], problem: _Problem):
    """(table, group label, cell mask, parts) of every group an attacker would try to isolate."""
    seen: set = set()
    out = []

    def add(table, group, mask, parts):
        key = (mask.tobytes(), parts)
        if mask.any() and key not in seen:
            seen.add(key)
            out.append((table, group, mask, parts))

    everyone = np.ones(len(problem.cells), bool)
    for f in cur:
        if f.hidden and f.labels:
            add(f.table, ", ".join(lab for _, lab in f.labels), problem.cell_mask(f.labels), problem.parts)
    tables: dict[str, list[_Fact]] = {}
    for f in cur:
        if f.labels:
            tables.setdefault(f.table, []).append(f)
    for table, rows in tables.items():
        shown = np.zeros(len(problem.cells), bool)
        for f in rows:
            if not f.hidden:
                shown |= problem.cell_mask(f.labels)
        hidden = [lab for f in rows if f.hidden for _, lab in f.labels]
        add(table, "rest: " + (" + ".join(hidden) + " (and anyone unlisted)" if hidden else "unlisted"),
            ~shown, problem.parts)
    for g in cur:  # a shown group minus the shown rows of another table inside it (roles minus a cross)
        if g.hidden:
            continue
        g_mask = problem.cell_mask(g.labels)
        for table, rows in tables.items():
            inside = np.zeros(len(problem.cells), bool)
            for f in rows:
                m = problem.cell_mask(f.labels)
                if not f.hidden and f.labels != g.labels and not (m & ~g_mask).any():
                    inside |= m
            if inside.any():
                name = ", ".join(lab for _, lab in g.labels) or "all respondents"
                add(f"{g.table or 'total'} − {table}", f"{name} minus shown {table}", g_mask & ~inside, problem.parts)
    if len(problem.vars) > 1:
        for i, c in enumerate(problem.cells):
            mask = np.zeros(len(problem.cells), bool)
            mask[i] = True
            add("cross", " × ".join("other" if lab == OTHER else lab for lab in c), mask, problem.parts)
    add("total", "all respondents", everyone, problem.parts)
    if prev:
        groups = {f.labels: f.table for f in cur + prev}
        for labels, table in groups.items():
            name = ", ".join(lab for _, lab in labels) or "all respondents"
            add(table or "total", f"late answers: {name}", problem.cell_mask(labels), ("late",))
    return out


def audit(results: Mapping[str, Any], *, previous: Mapping[str, Any] | None = None,
          min_group_size: int = DEFAULT_MIN_GROUP_SIZE, margin: float = 0.1,
          scale: tuple[float, float] | None = None) -> pd.DataFrame:
    """Every value of a group of fewer than ``min_group_size`` respondents that a reader can derive.

    Parameters
    ----------
    results : mapping
        A report's ``results.json`` (the envelope with ``sections``, or the sections themselves).
    previous : mapping, optional
        An earlier publication of (a subset of) the same respondents: a re-run before some late answers.
    min_group_size : int
        k: no derived value may describe fewer than k people.
    margin : float
        A hidden small group is disclosed when its mean is pinned to an interval narrower than
        ``margin × (hi − lo)`` of the measure's scale.
    scale : (lo, hi), optional
        Range of every mean; default per measure: (1, 6) when all its published means lie there
        (item means), else (0, 100) (percent scores), else unbounded.

    Returns
    -------
    DataFrame
        One row per finding: ``table``, ``group``, ``measure``, ``value`` (midpoint of the interval),
        ``low``, ``high``, ``n`` (respondents behind it, or the range an attacker can tell), ``how``.
        Empty when nothing leaks.
    """
    k = check_min_group_size(min_group_size)
    if not isinstance(results, Mapping):
        raise ValueError(f"audit expects the parsed results.json (a dict), not {type(results).__name__}.")
    sec = results.get("sections", results)
    rows = _direct(sec, k)
    cur_all = _facts(sec)
    prev_all = _facts(previous.get("sections", previous)) if previous else []
    counts: dict = {}
    for stratum in sorted({f.stratum for f in cur_all}):
        cur = [f for f in cur_all if f.stratum == stratum]
        prev = [f for f in prev_all if f.stratum == stratum]
        measures = sorted({m for f in cur for m in f.means})
        for m in measures:
            with_m = [f for f in cur + prev if m in f.means]
            if len(with_m) < 2:
                continue  # published once: only the direct check applies
            prob = _Problem(cur, prev, m, k, scale)
            width = margin * (prob.hi - prob.lo) if np.isfinite(prob.hi - prob.lo) else 1e-9
            if prob.interval(np.ones(len(prob.cells), bool), prob.parts, cur, prev, small=False) is None:
                warnings.warn(f"audit: the published counts and means of {m!r} ({dict(stratum) or 'all'}) do not "
                              "add up (a mean over fewer people than its row's n?); that measure was not audited.",
                              stacklevel=2)
                continue
            for table, group, mask, parts in _candidates(cur, prev, prob):
                key = (mask.tobytes(), parts, len(prob.cells), prob.count_signature(cur, prev))
                if key not in counts:  # the count system is shared by measures with the same answerers
                    counts[key] = _count_range(prob, mask, parts, cur, prev)
                n_lo, n_hi = counts[key]
                if n_hi >= k or n_hi < 1:
                    continue  # not provably small (or surely empty): a value the reader cannot pin on < k people
                iv = prob.interval(mask, parts, cur, prev, small=False)
                if iv is None or iv[1] - iv[0] >= width:
                    continue
                how = _how(prob, mask, parts, table, cur, prev, width)
                rows.append({"table": table, "group": group, "measure": m, "value": (iv[0] + iv[1]) / 2,
                             "low": iv[0], "high": iv[1], "n": str(n_lo) if n_lo == n_hi else f"{n_lo}-{n_hi}" if n_hi < 10**9 else f"{n_lo}+",
                             "how": how})
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def _how(prob: _Problem, mask, parts, table: str, cur, prev, width: float) -> str:
    if parts == ("late",):
        return "previous minus current"
    own = [f for f in cur if f.table == table or not f.labels]
    iv = prob.interval(mask, parts, own, [], small=False)
    if iv is not None and iv[1] - iv[0] < width:
        return "total minus shown"
    iv = prob.interval(mask, parts, cur, [], small=False)
    if iv is not None and iv[1] - iv[0] < width:
        used = sorted({f.table for f in cur if f.labels})
        return "table A minus table B" + (f" ({' − '.join(used)})" if used else "")
    return "previous minus current"


def _count_range(prob: _Problem, mask, parts, cur, prev) -> tuple[int, int]:
    """Smallest and largest count of the target group the published counts allow (max first: most
    candidates are not provably small, and then the minimum is not needed)."""
    eq, rhs, ineq = prob.constraints(cur, prev)
    ncols = np.concatenate([np.arange(prob.size)[prob.index("n", part)] for part in prob.parts])
    xcols = np.setdiff1d(np.arange(prob.size), ncols)
    keep = [j for j, r in enumerate(eq) if not r[xcols].any()]  # count rows; ratio rows leave n free
    a_eq = np.array([eq[j][ncols] for j in keep]) if keep else None
    b_eq = np.array([rhs[j] for j in keep]) if keep else None
    a_ub = np.array([r[ncols] for r, _ in ineq]) if ineq else None
    b_ub = np.array([b for _, b in ineq]) if ineq else None
    d = prob.row("n", mask, parts)[ncols]
    res = linprog(-d, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    hi = -res.fun if res.status == 0 else np.inf  # unbounded: no count published around it
    hi_int = int(np.floor(hi + 1e-6)) if np.isfinite(hi) else 10**9
    if hi_int >= prob.k:
        return 0, hi_int
    res = linprog(d, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    lo = res.fun if res.status == 0 else 0.0
    return int(np.ceil(lo - 1e-6)), hi_int
