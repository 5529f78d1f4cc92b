"""Agreement between two measurements of the same people: Cohen's kappa and Bland--Altman.

Measurement properties follow COSMIN's taxonomy (Mokkink et al. 2010;
Prinsen et al. 2018). This module holds the agreement of classifications
(:func:`agreement`, Cohen's kappa as ``psych::cohen.kappa``) and the
Bland--Altman limits of agreement (:func:`bland_altman`), plus the input
helpers of the sibling modules: :mod:`evaluation.stats.validity`
(convergent/discriminant correlations), :mod:`evaluation.stats.retest`
(test--retest ICC, Feldt's tests of alphas), :mod:`evaluation.stats.cosmin`
(the COSMIN ratings) and :mod:`evaluation.stats.comparison` (two instruments
side by side). Their names stay importable from here, loaded on first use.

Functions take pandas Series/DataFrames or numpy arrays. Rows of two inputs
are paired **by position**: link the two response files first (for example on
``respondent_id``) so that row *i* of both inputs is the same respondent.

Cohen's kappa is written here because it must equal ``psych::cohen.kappa``
(its variance formula, its confidence interval and its table over the union
of levels), which no Python library reproduces; it is tested against R
fixtures in ``tests/reference``.
"""

from __future__ import annotations

import contextlib
import importlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["MINUS", "Agreement", "BlandAltman", "agreement", "bland_altman", "kappa_band", "binned_means"]

#: The COSMIN "insufficient" rating symbol (U+2212 MINUS SIGN).
MINUS = "\u2212"

#: names defined in the sibling modules, served lazily from here for code written against 0.1/0.2-dev
_ELSEWHERE = {
    **dict.fromkeys(("ConvergentValidity", "convergent_validity", "terwee_verdict"), "evaluation.stats.validity"),
    **dict.fromkeys(("RetestResult", "retest_reliability", "AlphaComparison", "compare_alphas"),
                    "evaluation.stats.retest"),
    **dict.fromkeys(("cosmin_summary",), "evaluation.stats.cosmin"),
    **dict.fromkeys(("InstrumentComparison", "compare_instruments", "link_responses"),
                    "evaluation.stats.comparison"),
    **dict.fromkeys(("load_crosswalk", "crosswalk_hypotheses"), "evaluation.data.crosswalk"),
}


def __getattr__(name: str) -> Any:
    target = _ELSEWHERE.get(name)
    if target is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(target), name)

# ----------------------------------------------------------------------------
# input helpers
# ----------------------------------------------------------------------------
def _as_frame(x: Any, *, name: str, prefix: str = "x") -> pd.DataFrame:
    """Return *x* as a float DataFrame with a default RangeIndex."""
    if isinstance(x, pd.DataFrame):
        df = x.copy()
    elif isinstance(x, pd.Series):
        df = x.to_frame(name=x.name if x.name is not None else prefix)
    else:
        arr = np.asarray(x)
        if arr.ndim == 1:
            df = pd.DataFrame({prefix: arr})
        elif arr.ndim == 2:
            df = pd.DataFrame(arr, columns=[f"{prefix}{j + 1}" for j in range(arr.shape[1])])
        else:
            raise ValueError(f"{name} must be one- or two-dimensional (got {arr.ndim} dimensions).")
    if df.shape[1] == 0:
        raise ValueError(f"{name} has no columns; pass at least one score column.")
    try:
        df = df.apply(pd.to_numeric, errors="raise").astype(float)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name} must hold numeric scores only ({exc}).") from None
    df.columns = [str(c) for c in df.columns]
    return df.reset_index(drop=True)


def _as_vector(x: Any, *, name: str) -> np.ndarray:
    """Return *x* as a one-dimensional float array."""
    if isinstance(x, pd.DataFrame):
        if x.shape[1] != 1:
            raise ValueError(f"{name} must be one column of scores (got {x.shape[1]} columns).")
        x = x.iloc[:, 0]
    arr = np.asarray(x)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional (got shape {arr.shape}).")
    try:
        return arr.astype(float)
    except (ValueError, TypeError):
        raise ValueError(f"{name} must hold numbers only.") from None


def _check_same_length(a_len: int, b_len: int, name_a: str, name_b: str) -> None:
    if a_len != b_len:
        raise ValueError(
            f"{name_a} has {a_len} rows but {name_b} has {b_len}; rows are paired by "
            "position, so link the two files on the respondent id first."
        )


def _check_ci(ci: float) -> float:
    if not (isinstance(ci, (int, float)) and 0 < ci < 1):
        raise ValueError(f"ci must be a number between 0 and 1 such as 0.95 (got {ci!r}).")
    return float(ci)


def _normal_crit(ci: float) -> float:
    return float(stats.norm.ppf(1 - (1 - ci) / 2))



# ----------------------------------------------------------------------------
# agreement of classifications (Cohen's kappa as psych::cohen.kappa)
# ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Agreement:
    """Agreement between two classifications of the same respondents.

    Attributes
    ----------
    kappa, ci_low, ci_high : float
        Cohen's kappa (weighted when ``weights`` was given) and its interval,
        as ``psych::cohen.kappa`` computes them (bounds clipped to [-1, 1]).
    se : float
        Square root of psych's large-sample variance.
    percent_agreement : float
        Share of exact agreement times 100.
    n : int
        Pairs used (both classifications present).
    weights : str or None
    confusion : DataFrame
        Counts; rows = levels of A, columns = levels of B, over the union of levels.
    """

    kappa: float
    ci_low: float
    ci_high: float
    se: float
    percent_agreement: float
    n: int
    weights: str | None
    confusion: pd.DataFrame
    ci: float

    def to_frame(self) -> pd.DataFrame:
        """One-row summary."""
        return pd.DataFrame([{
            "kappa": self.kappa, "ci_low": self.ci_low, "ci_high": self.ci_high,
            "se": self.se, "percent_agreement": self.percent_agreement, "n": self.n,
            "weights": self.weights or "none",
        }])


def _level_order(values: Sequence[Any]) -> list[Any]:
    uniq = list(dict.fromkeys(values))
    try:
        nums = [float(v) for v in uniq]
        return [u for _, u in sorted(zip(nums, uniq, strict=True), key=lambda t: t[0])]
    except (TypeError, ValueError):
        return sorted(uniq, key=str)


def agreement(
    levels_a: Any,
    levels_b: Any,
    *,
    weights: str | None = None,
    ci: float = 0.95,
    levels: Sequence[Any] | None = None,
) -> Agreement:
    r"""Cohen's kappa between two classifications, as ``psych::cohen.kappa``.

    The table is built over the union of the levels of both classifications
    (or over ``levels``, in that order), so a category used by only one of
    them gets an empty row or column. With :math:`p_{ij}` the proportions,
    :math:`p_o = \sum_i p_{ii}`, :math:`p_c = \sum_i p_{i\cdot} p_{\cdot i}` and
    :math:`\kappa = (p_o - p_c)/(1 - p_c)`; weighted kappa uses agreement
    weights :math:`w_{ij}` (quadratic :math:`1 - (i-j)^2/(k-1)^2`, linear
    :math:`1 - |i-j|/(k-1)`, positions in the level order). The variance is the
    large-sample formula of Fleiss, Cohen & Everitt (1969) exactly as psych
    codes it; the interval is :math:`\kappa \pm z_{1-\alpha/2}\sqrt{\operatorname{Var}}`,
    clipped to [-1, 1] as psych does. Pairs with a missing value are dropped.

    Parameters
    ----------
    levels_a, levels_b : Series or array
        Category (level, quadrant) per respondent, paired by position.
    weights : None, "linear" or "quadratic"
        None gives unweighted kappa.
    ci : float
        Confidence level.
    levels : sequence, optional
        All categories in order. Default: the union of observed values, sorted
        numerically when all are numbers, else alphabetically (as R's ``factor``
        in the C locale). The order matters only for weighted kappa.

    Returns
    -------
    Agreement

    References
    ----------
    Cohen, J. (1960; 1968). Fleiss, J. L., Cohen, J., & Everitt, B. S. (1969).
    Large sample standard errors of kappa and weighted kappa. *Psychol Bull*,
    72, 323--327. Revelle, W. psych: ``cohen.kappa``.

    Examples
    --------
    >>> a = [1, 1, 2, 2, 3, 3, 1, 2, 3, 1]
    >>> b = [1, 1, 2, 3, 3, 3, 1, 2, 2, 2]
    >>> res = agreement(a, b)
    >>> round(res.kappa, 4), res.percent_agreement
    (0.5522, 70.0)
    >>> round(agreement(a, b, weights="quadratic").kappa, 4)
    0.7692
    """
    ci = _check_ci(ci)
    if weights not in (None, "linear", "quadratic"):
        raise ValueError(
            f"weights must be None, 'linear' or 'quadratic' (got {weights!r})."
        )
    xa = pd.Series(np.asarray(levels_a, dtype=object).ravel() if not isinstance(levels_a, pd.Series)
                   else levels_a.to_numpy(dtype=object))
    xb = pd.Series(np.asarray(levels_b, dtype=object).ravel() if not isinstance(levels_b, pd.Series)
                   else levels_b.to_numpy(dtype=object))
    _check_same_length(len(xa), len(xb), "levels_a", "levels_b")
    ok = xa.notna() & xb.notna()
    xa, xb = xa[ok].tolist(), xb[ok].tolist()
    n = len(xa)
    if n < 2:
        raise ValueError(f"Only {n} respondents are classified by both; kappa needs at least 2.")
    if levels is None:
        labels = _level_order(xa + xb)
    else:
        labels = list(levels)
        unknown = set(xa + xb) - set(labels)
        if unknown:
            raise ValueError(f"Values {sorted(map(str, unknown))} are not in levels={labels}.")
    pos = {lab: i for i, lab in enumerate(labels)}
    k = len(labels)
    counts = np.zeros((k, k))
    for u, v in zip(xa, xb, strict=True):
        counts[pos[u], pos[v]] += 1
    confusion = pd.DataFrame(counts.astype(int), index=pd.Index(labels, name="a"),
                             columns=pd.Index(labels, name="b"))

    x = counts / n
    rs, cs = x.sum(axis=1), x.sum(axis=0)
    prob = np.outer(rs, cs)
    po, pc = float(np.trace(x)), float(np.trace(prob))
    percent = 100 * po
    if k == 1:
        return Agreement(math.nan, math.nan, math.nan, math.nan, percent, n, weights, confusion, ci)
    crit = _normal_crit(ci)
    if weights is None:
        kappa = (po - pc) / (1 - pc)
        a_ = np.diag(x) * ((1 - pc) - (rs + cs) * (1 - po)) ** 2
        sum_cr = np.add.outer(cs, rs)  # [i, j] = cs_i + rs_j, as psych's cs %+% t(rs)
        off = (x * sum_cr**2).sum() - np.trace(x * sum_cr**2)
        var = (a_.sum() + (1 - po) ** 2 * off - (po * pc - 2 * pc + po) ** 2) / (n * (1 - pc) ** 4)
    else:
        ii, jj = np.indices((k, k))
        if weights == "quadratic":
            w = 1 - (ii - jj) ** 2 / (k - 1) ** 2
        else:
            w = 1 - np.abs(ii - jj) / (k - 1)
        wpo, wpc = float((w * x).sum()), float((w * prob).sum())
        colw = (w * cs[:, None]).sum(axis=0)  # psych: colSums(w * cs)
        roww = (w * rs[:, None]).sum(axis=1)  # psych: rowSums(w * rs)
        kappa = (wpo - wpc) / (1 - wpc)
        term = (w * (1 - wpc) - np.add.outer(colw, roww) * (1 - wpo)) ** 2
        var = ((x * term).sum() - (wpo * wpc - 2 * wpc + wpo) ** 2) / (n * (1 - wpc) ** 4)
    if not np.isfinite(var) or var < 0:
        var = 0.0
    se = math.sqrt(var)
    lo, hi = kappa - crit * se, kappa + crit * se
    lo, hi = min(max(lo, -1.0), 1.0), min(max(hi, -1.0), 1.0)
    return Agreement(float(kappa), float(lo), float(hi), se, percent, n, weights, confusion, ci)


# ----------------------------------------------------------------------------
# Bland--Altman
# ----------------------------------------------------------------------------
@dataclass(frozen=True)
class BlandAltman:
    """Bland--Altman agreement of two measurements of the same quantity.

    Attributes
    ----------
    n, bias, sd_diff : mean difference ``a - b`` and its SD (ddof = 1)
    bias_ci : (low, high), t-based
    loa_low, loa_high : limits of agreement ``bias ∓ z * sd_diff``
    loa_low_ci, loa_high_ci : (low, high) confidence intervals of the limits
    method : "approximate" or "exact"
    """

    n: int
    bias: float
    sd_diff: float
    bias_ci: tuple[float, float]
    loa_low: float
    loa_high: float
    loa_low_ci: tuple[float, float]
    loa_high_ci: tuple[float, float]
    method: str
    ci: float
    coverage: float
    means: np.ndarray = field(repr=False, compare=False)
    differences: np.ndarray = field(repr=False, compare=False)

    def to_frame(self) -> pd.DataFrame:
        """One row per quantity: estimate, ci_low, ci_high."""
        return pd.DataFrame(
            {"estimate": [self.bias, self.loa_low, self.loa_high],
             "ci_low": [self.bias_ci[0], self.loa_low_ci[0], self.loa_high_ci[0]],
             "ci_high": [self.bias_ci[1], self.loa_low_ci[1], self.loa_high_ci[1]]},
            index=pd.Index(["bias", "loa_low", "loa_high"], name="quantity"),
        )


def bland_altman(a: Any, b: Any, *, ci: float = 0.95, coverage: float = 0.95,
                 method: str = "approximate") -> BlandAltman:
    r"""Bias and limits of agreement between two measurements (``a - b``).

    With differences :math:`d_i = a_i - b_i`, mean :math:`\bar d`, SD
    :math:`s` and :math:`z = \Phi^{-1}((1+\text{coverage})/2)` (1.96):
    limits :math:`\bar d \pm z s`; bias CI :math:`\bar d \pm t_{n-1} s/\sqrt n`.

    Limits' CIs:

    * ``method="approximate"`` (Bland & Altman 1986, 1999):
      :math:`\text{limit} \pm t_{n-1}\, s\sqrt{1/n + z^2/(2(n-1))}`.
    * ``method="exact"`` (Carkeet 2015; exact under normality): the upper
      limit's interval is :math:`\bar d + s\,t'_{q}(n-1, z\sqrt n)/\sqrt n` for
      :math:`q = \alpha/2, 1-\alpha/2`, :math:`t'` the non-central t quantile;
      the lower limit mirrors it.

    Pairs with a missing value are dropped.

    References
    ----------
    Bland, J. M., & Altman, D. G. (1999). Measuring agreement in method
    comparison studies. *Stat Methods Med Res*, 8, 135--160.
    Carkeet, A. (2015). Exact parametric confidence intervals for Bland-Altman
    limits of agreement. *Optom Vis Sci*, 92, e71--e80.

    Examples
    --------
    >>> res = bland_altman([10, 12, 14, 11, 13], [9, 12, 15, 10, 12])
    >>> res.bias, round(res.sd_diff, 4)
    (0.4, 0.8944)
    >>> round(res.loa_high, 4)
    2.1531
    """
    ci = _check_ci(ci)
    coverage = _check_ci(coverage)
    if method not in ("approximate", "exact"):
        raise ValueError(f"method must be 'approximate' or 'exact' (got {method!r}).")
    x = _as_vector(a, name="a")
    y = _as_vector(b, name="b")
    _check_same_length(len(x), len(y), "a", "b")
    ok = ~(np.isnan(x) | np.isnan(y))
    x, y = x[ok], y[ok]
    n = len(x)
    if n < 3:
        raise ValueError(f"Only {n} complete pairs; limits of agreement need at least 3.")
    d = x - y
    bias = float(d.mean())
    s = float(d.std(ddof=1))
    z = float(stats.norm.ppf((1 + coverage) / 2))
    tq = float(stats.t.ppf(1 - (1 - ci) / 2, n - 1))
    bias_ci = (bias - tq * s / math.sqrt(n), bias + tq * s / math.sqrt(n))
    lo, hi = bias - z * s, bias + z * s
    if method == "approximate":
        se = s * math.sqrt(1 / n + z**2 / (2 * (n - 1)))
        lo_ci, hi_ci = (lo - tq * se, lo + tq * se), (hi - tq * se, hi + tq * se)
    else:
        nc = z * math.sqrt(n)
        q_lo = float(stats.nct.ppf((1 - ci) / 2, n - 1, nc))
        q_hi = float(stats.nct.ppf(1 - (1 - ci) / 2, n - 1, nc))
        hi_ci = (bias + s * q_lo / math.sqrt(n), bias + s * q_hi / math.sqrt(n))
        lo_ci = (bias - s * q_hi / math.sqrt(n), bias - s * q_lo / math.sqrt(n))
    return BlandAltman(n=n, bias=bias, sd_diff=s, bias_ci=bias_ci, loa_low=lo, loa_high=hi,
                       loa_low_ci=lo_ci, loa_high_ci=hi_ci, method=method, ci=ci,
                       coverage=coverage, means=(x + y) / 2, differences=d)


#: Landis & Koch (1977) bands of kappa: upper bounds of the bands 0..4; band 5 is above 0.8.
LANDIS_KOCH_BOUNDS = (0.0, 0.2, 0.4, 0.6, 0.8)


def kappa_band(kappa: float) -> int | None:
    """Landis & Koch's (1977) band of a kappa, 0 (poor, < 0) to 5 (almost perfect, > 0.8); None when missing.

    The band is a code; :mod:`evaluation.text.comparison` has its words.

    >>> kappa_band(0.65), kappa_band(-0.1), kappa_band(0.9), kappa_band(float("nan"))
    (4, 0, 5, None)
    """
    if kappa is None or not np.isfinite(kappa):
        return None
    for band, bound in enumerate(LANDIS_KOCH_BOUNDS):
        if kappa < bound:
            return band
    return 5 if kappa > 0.8 else 4


def binned_means(x: Any, y: Any, *, min_count: int = 5) -> pd.DataFrame:
    """Means of ``x`` and ``y`` over consecutive groups of at least ``min_count`` points sorted by ``x``.

    For a scatter in which no point is one person (disclosure control): the
    points are sorted by ``x`` and cut into ``floor(n / min_count)`` groups of
    (nearly) equal size, each of at least ``min_count`` points. Returns
    columns ``x``, ``y``, ``n``; empty when fewer than ``min_count`` points.

    >>> binned_means(range(12), [0, 1] * 6, min_count=5)
         x    y  n
    0  2.5  0.5  6
    1  8.5  0.5  6
    """
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    ok = np.isfinite(xs) & np.isfinite(ys)
    xs, ys = xs[ok], ys[ok]
    k = int(min_count)
    groups = len(xs) // k if k >= 1 else 0
    if groups == 0:
        return pd.DataFrame({"x": [], "y": [], "n": []})
    order = np.argsort(xs, kind="stable")
    parts = np.array_split(order, groups)
    return pd.DataFrame({"x": [xs[p].mean() for p in parts], "y": [ys[p].mean() for p in parts],
                         "n": [len(p) for p in parts]})
