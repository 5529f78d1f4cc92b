"""Transparent scoring: item → category → dimension → organisation, and classification.

Default scoring (DESIGN.md), open for anyone to check by hand:

1. Reverse-keyed item: x → min + max − x. Don't know / skipped → missing.
2. Category score of a respondent = mean of answered items if the answered
   share ≥ ``min_answered`` (instrument's ``scoring.min_answered``, default
   0.5), else missing; expressed as percent of max:
   (mean − min) / (max − min) × 100.
3. Dimension score of a respondent = mean of its non-missing category scores.
4. Respondent overall = mean of the respondent's non-missing dimension scores.
5. Organisation (or unit, role) score = mean of respondent scores with a
   t-based confidence interval: mean ± t(n−1) · sd / √n.

Examples
--------
>>> import pandas as pd
>>> from evaluation.data.responses import read_responses
>>> from evaluation.scoring import respondent_scores
>>> # cap_und_5 is reverse-keyed: answering 1 scores as 6. Respondent 2 answered
>>> # only 2 of 5 items (< 50 %), so the category score is missing.
>>> df = pd.DataFrame({"cap_und_1": [6, 1], "cap_und_2": [6, 1], "cap_und_3": [6, None],
...                    "cap_und_4": [None, None], "cap_und_5": [1, None]})
>>> rs = read_responses(df, "dual_maturity")
>>> respondent_scores(rs)["understand"].tolist()
[100.0, nan]
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.data.instruments import Instrument, load_instrument, text
from evaluation.criteria import DEFAULT_MIN_GROUP_SIZE, check_min_group_size, suppressed_groups

__all__ = [
    "respondent_scores",
    "mean_ci",
    "group_scores",
    "organisation_scores",
    "classify",
    "Classification",
    "score_levels",
]


def _split(data: Any, instrument: Instrument | str | None) -> tuple[pd.DataFrame, Instrument]:
    """Return reverse-keyed item scores and the instrument from a ResponseSet or frame."""
    if hasattr(data, "scored") and hasattr(data, "instrument"):
        return data.scored(), data.instrument
    if instrument is None:
        raise ValueError("A plain DataFrame needs instrument=...; or pass a ResponseSet from read_responses().")
    inst = load_instrument(instrument)
    missing = [c for c in inst.item_ids if c not in data.columns]
    if missing:
        raise ValueError(f"The DataFrame lacks item column(s) {missing[:5]} of instrument {inst.id!r}.")
    scored = data[inst.item_ids].astype(float).copy()
    rev = [it.id for it in inst.items if it.reverse]
    if rev:
        scored[rev] = inst.scale.min + inst.scale.max - scored[rev]
    return scored, inst


def respondent_scores(data: Any, instrument: Instrument | str | None = None) -> pd.DataFrame:
    """Per-respondent category, dimension and overall scores (percent of max).

    Parameters
    ----------
    data : ResponseSet or DataFrame
        A ResponseSet, or a DataFrame of raw item codes (not yet reverse-keyed,
        don't know/skipped as NaN) together with ``instrument``.
    instrument : Instrument or id, optional

    Returns
    -------
    DataFrame
        Same index as the answers; one column per category id, per dimension
        id, and ``overall``; values 0–100 or NaN.
    """
    scored, inst = _split(data, instrument)
    lo, hi = inst.scale.min, inst.scale.max
    out = {}
    for cat, items in inst.category_items().items():
        block = scored[items]
        answered = block.notna().sum(axis=1)
        mean = block.mean(axis=1)
        ok = answered / len(items) >= inst.min_answered - 1e-12
        out[cat] = ((mean - lo) / (hi - lo) * 100.0).where(ok & (answered > 0))
    res = pd.DataFrame(out, index=scored.index)
    for dim, cats in inst.dimension_categories().items():
        res[dim] = res[cats].mean(axis=1)
    dims = list(inst.dimension_categories())
    res["overall"] = res[dims].mean(axis=1)
    return res


def mean_ci(values: pd.Series | np.ndarray, *, ci: float = 0.95) -> dict:
    """Mean with a t-based confidence interval.

    .. math:: \\bar x \\pm t_{1-\\alpha/2,\\,n-1}\\, s/\\sqrt{n}

    >>> r = mean_ci(pd.Series([1.0, 2.0, 3.0, 4.0]))
    >>> round(float(r["mean"]), 3), round(float(r["ci_low"]), 3), round(float(r["ci_high"]), 3)
    (2.5, 0.446, 4.554)
    """
    x = pd.Series(values, dtype=float).dropna().to_numpy()
    n = len(x)
    if n == 0:
        return {"n": 0, "mean": np.nan, "sd": np.nan, "se": np.nan, "ci_low": np.nan, "ci_high": np.nan}
    m = float(x.mean())
    if n < 2:
        return {"n": 1, "mean": m, "sd": np.nan, "se": np.nan, "ci_low": np.nan, "ci_high": np.nan}
    sd = float(x.std(ddof=1))
    se = sd / np.sqrt(n)
    h = float(stats.t.ppf(0.5 + ci / 2, n - 1)) * se
    return {"n": n, "mean": m, "sd": sd, "se": se, "ci_low": m - h, "ci_high": m + h}


def group_scores(
    data: Any,
    instrument: Instrument | str | None = None,
    *,
    by: str | None = None,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    ci: float = 0.95,
    meta: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Organisation or per-group scores with CIs, small groups suppressed.

    Parameters
    ----------
    data : ResponseSet or DataFrame
    by : str, optional
        Metadata column to group by (``"unit"``, ``"role"``); None → whole
        organisation (group label ``"all"``).
    min_group_size : int
        Groups with fewer respondents are suppressed, plus complementary
        suppression (see :mod:`evaluation.privacy`); suppressed rows keep
        their label but every number is NaN and ``suppressed`` is True.
    meta : DataFrame, optional
        Metadata when ``data`` is a plain DataFrame.

    Returns
    -------
    DataFrame
        Tidy: ``group``, ``level`` (category|dimension|overall), ``id``,
        ``dimension``, ``n``, ``mean``, ``sd``, ``se``, ``ci_low``, ``ci_high``,
        ``suppressed``.

    Examples
    --------
    >>> from evaluation.simulate import simulate_round
    >>> from evaluation.data.responses import read_responses
    >>> rs = read_responses(simulate_round("dual_maturity", n=60, seed=1).data, "dual_maturity")
    >>> g = group_scores(rs)
    >>> list(g.loc[g.level == "dimension", "id"])
    ['capability', 'legacy']
    """
    k = check_min_group_size(min_group_size)
    scores = respondent_scores(data, instrument)
    inst = data.instrument if hasattr(data, "instrument") else load_instrument(instrument)
    md = data.meta if hasattr(data, "meta") else meta
    if by is None:
        groups = pd.Series("all", index=scores.index)
    else:
        if md is None or by not in md.columns:
            have = [] if md is None else list(md.columns)
            raise ValueError(f"Cannot group by {by!r}: no such metadata column (have: {have}).")
        groups = md[by].fillna("(saknas)").astype(str)
    sizes = groups.value_counts()
    hidden = suppressed_groups(sizes, min_group_size=k, total_shown=by is not None)
    if by is None and sizes.sum() < k:
        hidden = {"all"}
    cat_dim = inst.category_dimension()
    rows = []
    levels = [(c, "category", cat_dim[c]) for c in inst.category_items()] + \
             [(d, "dimension", d) for d in inst.dimension_categories()] + [("overall", "overall", "")]
    # complementary suppression per measure too: a category or dimension can have fewer answerers than the
    # group has respondents, so the hidden rest of one measure must itself pool at least k answers
    hidden_by = {}
    for col, _, _ in levels:
        answered = scores[col].notna().groupby(groups).sum().reindex(sizes.index, fill_value=0)
        extra = suppressed_groups(answered, min_group_size=k, total_shown=by is not None) if by is not None else set()
        hidden_by[col] = hidden | extra
    if by is not None:
        # linked measures are hidden together: for complete answerers a dimension is the mean of its
        # categories and the overall score the mean of the dimensions, so a group hidden in one measure
        # but shown in the others would have it back by that identity (2 x overall - capability = legacy)
        family = {d: {d} | {c for c, dd in cat_dim.items() if dd == d} for d in inst.dimension_categories()}
        everything = set(hidden_by)
        for g in sizes.index:
            hit = {col for col, gs in hidden_by.items() if g in gs}
            if not hit:
                continue
            linked = everything if "overall" in hit else \
                {"overall"}.union(*(cols for cols in family.values() if cols & hit))
            for col in linked:
                hidden_by[col].add(g)
    for g in sorted(sizes.index, key=lambda s: (str(s))):
        sub = scores[groups == g]
        for col, level, dim in levels:
            r = mean_ci(sub[col], ci=ci)
            sup = g in hidden_by[col] or r["n"] < k
            if sup:
                r = {key: np.nan for key in r}
            rows.append({"group": g, "level": level, "id": col, "dimension": dim, **r, "suppressed": sup})
    out = pd.DataFrame(rows)
    if by is not None:
        out.insert(0, "by", by)
    return out


def organisation_scores(data: Any, instrument: Instrument | str | None = None, *,
                        min_group_size: int = DEFAULT_MIN_GROUP_SIZE, ci: float = 0.95) -> pd.DataFrame:
    """Whole-organisation scores indexed by id (categories, dimensions, overall)."""
    g = group_scores(data, instrument, by=None, min_group_size=min_group_size, ci=ci)
    return g.drop(columns=["group"]).set_index("id")


@dataclass(frozen=True)
class Classification:
    """Where an organisation (or unit) lands in the instrument's classification."""

    type: str
    id: str | None
    name: str
    description: str
    recommendation: str
    x: float | None = None
    y: float | None = None
    score: float | None = None
    certain: bool = True
    note: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def classify(x_or_score: float, y: float | None = None, *, instrument: Instrument | str,
             language: str = "sv", ci: tuple | None = None) -> Classification:
    """Quadrant (two dimension scores) or level (one overall score) of the instrument.

    Parameters
    ----------
    x_or_score : float
        Quadrant instruments: score (0–100) of the x dimension; level
        instruments: the overall score.
    y : float, optional
        Quadrant instruments: score of the y dimension.
    ci : tuple, optional
        ``((x_low, x_high), (y_low, y_high))`` for quadrants or ``(low, high)``
        for levels; when an interval crosses a boundary the result says the
        placement is uncertain.

    Examples
    --------
    >>> c = classify(70, 30, instrument="dual_maturity", language="en")
    >>> c.type, c.x, c.y
    ('quadrant', 70.0, 30.0)
    """
    inst = load_instrument(instrument)
    cls = inst.classification
    if not cls:
        raise ValueError(f"Instrument {inst.id!r} defines no classification (no quadrants or levels).")
    if cls["type"] == "quadrant":
        if y is None:
            raise ValueError("A quadrant classification needs both the x and the y dimension score.")
        thr = float(cls.get("threshold", 50))
        xs, ys = ("high" if x_or_score >= thr else "low"), ("high" if y >= thr else "low")
        q = next(q for q in cls["quadrants"] if q["x"] == xs and q["y"] == ys)
        certain = True
        if ci is not None:
            (xl, xh), (yl, yh) = ci
            certain = not (xl < thr <= xh or yl < thr <= yh)
        note = "" if certain else (
            "Konfidensintervallet korsar kvadrantgränsen; placeringen är osäker." if language == "sv"
            else "The confidence interval crosses the quadrant boundary; the placement is uncertain.")
        return Classification("quadrant", q["id"], text(q["name"], language), text(q.get("description"), language),
                              text(q.get("recommendation"), language), x=float(x_or_score), y=float(y),
                              certain=certain, note=note)
    levels = cls["levels"]
    chosen = levels[0]
    for lv in levels:
        if x_or_score >= lv["min"]:
            chosen = lv
    certain = True
    if ci is not None:
        lo, hi = ci
        certain = all(not (lo < lv["min"] <= hi) for lv in levels[1:])
    note = "" if certain else ("Konfidensintervallet spänner över flera nivåer." if language == "sv"
                               else "The confidence interval spans more than one level.")
    return Classification("levels", chosen["id"], text(chosen["name"], language),
                          text(chosen.get("description"), language), text(chosen.get("recommendation"), language),
                          score=float(x_or_score), certain=certain, note=note)


def score_levels(inst: Instrument | str) -> list[str]:
    """Ids of all category, dimension and overall scores in report order."""
    inst = load_instrument(inst)
    return list(inst.category_items()) + list(inst.dimension_categories()) + ["overall"]
