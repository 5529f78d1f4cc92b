"""Before/after and workshop-effect designs.

Did the workshop change anything? This module answers with the uncertainty,
for whatever design the data allow:

* :func:`prepost` -- one group measured before and after. Respondents whose
  code appears in both rounds are *paired*; rounds without shared codes are
  *independent*; a mixture is *partially paired* and uses the
  partially-overlapping-samples t-test (Derrick et al., 2017).
* :func:`then_test` -- the retrospective pretest ("before the workshop I ...",
  answered afterwards) against the ordinary pretest, to show response-shift
  bias, and the effect estimated both ways.
* :func:`difference_in_differences` -- participants against a comparison
  group, before and after: a mixed model ``score ~ post*treated + (1|cluster)
  + (1|subject)`` fitted by REML (same fixed effect and standard error as
  ``lme4::lmer``), or OLS with cluster-robust (CR1) errors and a wild cluster
  bootstrap when clusters are few.
* :func:`power` and :func:`minimum_detectable_effect` -- planning the next
  round, for paired, independent and clustered designs.
* :func:`workshop_effects` -- the per-dimension and per-category table the
  workshop notebook shows, with Holm and Benjamini-Hochberg corrections.

The sign convention everywhere is *after minus before* (post - pre), and for
difference-in-differences (treated change) - (comparison change).

References
----------
Derrick, B., Toher, D. & White, P. (2017). How to compare the means of two
samples that include paired observations and independent observations: a
companion to Derrick, Russ, Toher and White (2017). *The Quantitative Methods
for Psychology*, 13(2), 120-126.

Steiger, J. H. & Fouladi, R. T. (1997). Noncentrality interval estimation and
the evaluation of statistical models. In *What if there were no significance
tests?* (pp. 221-257). Erlbaum.

Lakens, D. (2013). Calculating and reporting effect sizes to facilitate
cumulative science. *Frontiers in Psychology*, 4, 863.

Cameron, A. C., Gelbach, J. B. & Miller, D. L. (2008). Bootstrap-based
improvements for inference with clustered errors. *Review of Economics and
Statistics*, 90(3), 414-427.

Webb, M. D. (2023). Reworking wild bootstrap-based inference for clustered
errors. *Canadian Journal of Economics*, 56(3), 839-858.

Howard, G. S. (1980). Response-shift bias: a problem in evaluating
interventions with pre/post self-reports. *Evaluation Review*, 4(1), 93-106.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

__all__ = [
    "PrePostResult",
    "ThenTestResult",
    "DiDResult",
    "REMLFit",
    "prepost",
    "then_test",
    "difference_in_differences",
    "power",
    "minimum_detectable_effect",
    "workshop_effects",
]

_DESIGNS = ("paired", "independent", "partially_paired")


# --------------------------------------------------------------------------
# input helpers
# --------------------------------------------------------------------------
def _require_columns(data: pd.DataFrame, columns: dict[str, str | None]) -> None:
    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            f"data must be a pandas DataFrame with one row per answer, got {type(data).__name__}."
        )
    for role, col in columns.items():
        if col is None:
            continue
        if col not in data.columns:
            raise ValueError(
                f"Column '{col}' (given as {role}=) is not in the data; "
                f"the columns are: {', '.join(map(str, data.columns))}."
            )


def _check_ci(ci: float) -> None:
    if not (isinstance(ci, (int, float)) and 0 < ci < 1):
        raise ValueError(f"ci must be a confidence level between 0 and 1 (for example 0.95), got {ci!r}.")


def _show(v: Any) -> str:
    """repr of a cell value without numpy wrappers (np.int64(2) -> 2)."""
    return repr(v.item() if isinstance(v, np.generic) else v)


def _first_row(mask: pd.Series) -> Any:
    return mask.index[np.flatnonzero(mask.to_numpy())[0]]


def _post_indicator(values: pd.Series, *, pre: Any, post: Any, column: str) -> np.ndarray:
    """Return a boolean array, True for the after-round rows.

    The column may hold the two labels ``pre``/``post`` or the codes 0/1
    (False/True); anything else is an error, never silently dropped.
    """
    if values.isna().any():
        miss = values.isna()
        raise ValueError(
            f"Column '{column}' has {int(miss.sum())} empty value(s) (first at row "
            f"{_first_row(miss)}); every row must say which round it belongs to "
            f"({pre!r} or {post!r}, or 0/1)."
        )
    uniq = list(pd.unique(values))
    as_text = {str(v) for v in uniq}
    if as_text <= {str(pre), str(post)}:
        return (values.astype(str) == str(post)).to_numpy()
    numeric = pd.to_numeric(values, errors="coerce")
    if not numeric.isna().any() and set(numeric.unique()) <= {0, 1}:
        return (numeric == 1).to_numpy()
    bad = [v for v in uniq if str(v) not in {str(pre), str(post), "0", "1", "True", "False"}]
    bad = bad or uniq
    shown = ", ".join(_show(v) for v in bad[:5]) + (" ..." if len(bad) > 5 else "")
    raise ValueError(
        f"Column '{column}' holds values other than the two rounds {pre!r} and {post!r} "
        f"(or 0/1): {shown}. Recode them, or pass pre=/post= with the labels the file uses."
    )


def _group_indicator(values: pd.Series, *, column: str) -> np.ndarray:
    """Return a boolean array, True for those who took part (1/True)."""
    if values.isna().any():
        miss = values.isna()
        raise ValueError(
            f"Column '{column}' has {int(miss.sum())} empty value(s) (first at row "
            f"{_first_row(miss)}); every row must say whether the respondent took part "
            "(1/True) or belongs to the comparison group (0/False)."
        )
    numeric = pd.to_numeric(values.map(lambda v: int(v) if isinstance(v, (bool, np.bool_)) else v),
                            errors="coerce")
    if numeric.isna().any() or not set(numeric.unique()) <= {0, 1}:
        bad = [v for v in pd.unique(values) if str(v) not in {"0", "1", "True", "False", "0.0", "1.0"}]
        shown = ", ".join(_show(v) for v in bad[:5])
        raise ValueError(
            f"Column '{column}' must hold 1/True for those who took part and 0/False for the "
            f"comparison group; it also holds {shown}."
        )
    return (numeric == 1).to_numpy()


def _check_unique_subjects(subj: pd.Series, is_post: np.ndarray, *, column: str,
                           pre: Any, post: Any) -> None:
    for flag, label in ((False, pre), (True, post)):
        s = subj[is_post == flag].dropna()
        dup = s[s.duplicated(keep=False)]
        if len(dup):
            code = dup.iloc[0]
            rows = list(dup.index[dup == code])
            raise ValueError(
                f"Respondent code {_show(code)} (column '{column}') is used {len(rows)} times in round "
                f"{label!r} (rows {', '.join(map(str, rows[:5]))}); each respondent may answer once "
                "per round. Remove or merge the duplicates before the analysis."
            )


def _check_size(n: int, *, what: str, min_group_size: int) -> None:
    if n < max(min_group_size, 2):
        raise ValueError(
            f"{what} has {n} answer(s), fewer than min_group_size={max(min_group_size, 2)}; "
            "results for so few respondents are neither reliable nor anonymous. "
            "Combine groups or lower min_group_size deliberately."
        )


# --------------------------------------------------------------------------
# effect-size machinery
# --------------------------------------------------------------------------
def _nct_ncp_interval(t: float, df: float, ci: float) -> tuple[float, float]:
    """Confidence interval for the noncentrality parameter of a t statistic.

    Inverts the noncentral t distribution (Steiger & Fouladi, 1997): the lower
    limit solves ``P(T <= t; ncp) = 1 - alpha/2``, the upper limit
    ``P(T <= t; ncp) = alpha/2``.
    """
    if not np.isfinite(t):
        return (np.nan, np.nan)
    alpha = 1.0 - ci

    def solve(p: float) -> float:
        f = lambda ncp: stats.nct.cdf(t, df, ncp) - p  # noqa: E731  (decreasing in ncp)
        lo, hi = t - 1.0, t + 1.0
        step = 1.0 + abs(t) * 0.25
        for _ in range(200):
            if f(lo) > 0:
                break
            lo -= step
            step *= 1.6
        step = 1.0 + abs(t) * 0.25
        for _ in range(200):
            if f(hi) < 0:
                break
            hi += step
            step *= 1.6
        return optimize.brentq(f, lo, hi, xtol=1e-12, rtol=1e-13, maxiter=500)

    return (solve(1.0 - alpha / 2.0), solve(alpha / 2.0))


def _hedges_j(df: float) -> float:
    """Exact small-sample correction J(df) = Gamma(df/2) / (sqrt(df/2) Gamma((df-1)/2))."""
    return float(np.exp(special.gammaln(df / 2.0) - special.gammaln((df - 1.0) / 2.0)) / np.sqrt(df / 2.0))


def _d_av(diff: float, se_diff: float, s1: float, s2: float, n1: int, n2: int, nc: int,
          r: float, ci: float) -> tuple[float, float, float]:
    """d_av = diff / ((s1 + s2) / 2) with a delta-method normal interval.

    var(d) ~ se_diff^2 / a^2 + d^2 var(a) / a^2, with a = (s1 + s2)/2,
    var(s_i) ~ s_i^2 / (2 (n_i - 1)) and cov(s1, s2) ~ r^2 s1 s2 n_c / (2 n1 n2)
    (bivariate normal; n_c linked pairs).
    """
    a = (s1 + s2) / 2.0
    d = diff / a
    rr = 0.0 if not np.isfinite(r) else r
    var_a = (s1**2 / (2 * (n1 - 1)) + s2**2 / (2 * (n2 - 1)) + 2 * rr**2 * s1 * s2 * nc / (2 * n1 * n2)) / 4.0
    var_d = se_diff**2 / a**2 + d**2 * var_a / a**2
    z = stats.norm.ppf(0.5 + ci / 2.0)
    half = z * np.sqrt(var_d)
    return d, d - half, d + half


# --------------------------------------------------------------------------
# prepost
# --------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class PrePostResult:
    """Result of :func:`prepost` (after minus before).

    Attributes
    ----------
    design : str
        ``"paired"`` (every respondent in both rounds), ``"independent"`` (no
        shared codes) or ``"partially_paired"`` (some shared).
    n_pre, n_post, n_pairs : int
        Answers per round and respondents linked across the rounds.
    mean_pre, mean_post, diff : float
        Round means (all answers of the round) and ``mean_post - mean_pre``.
    ci_low, ci_high : float
        Confidence interval for ``diff``.
    statistic, df, pvalue : float
        t statistic, its degrees of freedom and two-sided p-value of ``test``.
    nonparametric_pvalue : float
        Wilcoxon signed-rank (paired) or Mann-Whitney (independent) p-value;
        NaN for partially paired data (no standard rank test exists).
    nonparametric_test : str
        Name of that test.
    effect_sizes : pandas.DataFrame
        Index among ``d_z``, ``d_av``, ``hedges_g``; columns ``estimate``,
        ``ci_low``, ``ci_high``, ``ci_method``.
    test : str
        ``"paired t"``, ``"Welch t"`` or ``"partially overlapping t (Derrick et al. 2017)"``.
    se : float
        Standard error of ``diff``.
    sd_pre, sd_post : float
        Standard deviations per round (n - 1 denominator).
    r : float
        Correlation of the linked pairs (NaN when there are none).
    n_missing : int
        Rows left out because the score was empty (counted, not hidden).
    ci : float
        Confidence level used.
    """

    design: str
    n_pre: int
    n_post: int
    n_pairs: int
    mean_pre: float
    mean_post: float
    diff: float
    ci_low: float
    ci_high: float
    statistic: float
    df: float
    pvalue: float
    nonparametric_pvalue: float
    nonparametric_test: str
    effect_sizes: pd.DataFrame
    test: str
    se: float
    sd_pre: float
    sd_post: float
    r: float
    n_missing: int
    ci: float

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame of the scalar results (effect sizes as ``es_*`` columns)."""
        row = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "effect_sizes"}
        for name, es in self.effect_sizes.iterrows():
            row[f"{name}"] = es["estimate"]
            row[f"{name}_ci_low"] = es["ci_low"]
            row[f"{name}_ci_high"] = es["ci_high"]
        return pd.DataFrame([row])


def _effect_frame(rows: dict[str, tuple[float, float, float, str]]) -> pd.DataFrame:
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["estimate", "ci_low", "ci_high", "ci_method"])
    out.index.name = "effect_size"
    return out


def _prepost_arrays(pre_x: np.ndarray, post_x: np.ndarray, pre_ids: np.ndarray | None,
                    post_ids: np.ndarray | None, ci: float, n_missing: int) -> PrePostResult:
    """Core of :func:`prepost` on clean arrays (ids: None or object arrays, NaN = unlinked)."""
    n1, n2 = len(pre_x), len(post_x)
    m1, m2 = float(np.mean(pre_x)), float(np.mean(post_x))
    s1, s2 = float(np.std(pre_x, ddof=1)), float(np.std(post_x, ddof=1))
    diff = m2 - m1
    alpha = 1.0 - ci

    # link respondents
    linked_pre: np.ndarray = np.zeros(n1, dtype=bool)
    pairs_pre = pairs_post = np.array([])
    if pre_ids is not None and post_ids is not None:
        post_pos = {k: i for i, k in enumerate(post_ids) if not pd.isna(k)}
        idx_pre, idx_post = [], []
        for i, k in enumerate(pre_ids):
            if not pd.isna(k) and k in post_pos:
                idx_pre.append(i)
                idx_post.append(post_pos[k])
        linked_pre[idx_pre] = True
        pairs_pre, pairs_post = pre_x[idx_pre], post_x[idx_post]
    nc = len(pairs_pre)
    if nc == n1 == n2 and nc >= 2:
        design = "paired"
    elif nc >= 3:
        design = "partially_paired"
    else:
        design = "independent"
    r = float(np.corrcoef(pairs_pre, pairs_post)[0, 1]) if nc >= 3 and np.std(pairs_pre) > 0 and np.std(pairs_post) > 0 else np.nan

    es: dict[str, tuple[float, float, float, str]] = {}
    if design == "paired":
        d = pairs_post - pairs_pre
        sd_d = float(np.std(d, ddof=1))
        se = sd_d / np.sqrt(nc)
        df = float(nc - 1)
        t = diff / se if se > 0 else np.nan
        test = "paired t"
        nz = d[d != 0]
        if len(nz) == 0:
            np_p = 1.0
        else:
            np_p = float(stats.wilcoxon(d, zero_method="wilcox", correction=True).pvalue)
        np_test = "Wilcoxon signed-rank"
        dz = diff / sd_d if sd_d > 0 else np.nan
        lo, hi = _nct_ncp_interval(t, df, ci)
        es["d_z"] = (dz, lo / np.sqrt(nc), hi / np.sqrt(nc), "noncentral t")
        es["d_av"] = (*_d_av(diff, se, s1, s2, n1, n2, nc, r, ci), "normal approximation (delta method)")
    elif design == "independent":
        v1, v2 = s1**2 / n1, s2**2 / n2
        se = float(np.sqrt(v1 + v2))
        df = float((v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))) if se > 0 else np.nan
        t = diff / se if se > 0 else np.nan
        test = "Welch t"
        np_p = float(stats.mannwhitneyu(post_x, pre_x, alternative="two-sided", use_continuity=True).pvalue)
        np_test = "Mann-Whitney U"
        df_p = n1 + n2 - 2
        sp = np.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / df_p)
        scale = np.sqrt(1.0 / n1 + 1.0 / n2)
        dd = diff / sp if sp > 0 else np.nan
        lo, hi = _nct_ncp_interval(dd / scale, df_p, ci)
        es["hedges_g"] = (_hedges_j(df_p) * dd, lo * scale, hi * scale, "noncentral t")
    else:  # partially paired: Derrick et al. (2017) T_new2
        v1, v2 = s1**2 / n1, s2**2 / n2
        rr = 0.0 if not np.isfinite(r) else r
        se = float(np.sqrt(v1 + v2 - 2.0 * rr * s1 * s2 * nc / (n1 * n2)))
        t = diff / se if se > 0 else np.nan
        na, nb = n1 - nc, n2 - nc
        gamma = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
        df = float((nc - 1) + (gamma - nc + 1) / (na + nb + 2 * nc) * (na + nb))
        test = "partially overlapping t (Derrick et al. 2017)"
        np_p = np.nan
        np_test = "none (no standard rank test for partially overlapping samples)"
        es["d_av"] = (*_d_av(diff, se, s1, s2, n1, n2, nc, r, ci), "normal approximation (delta method)")

    p = float(2.0 * stats.t.sf(abs(t), df)) if np.isfinite(t) else np.nan
    q = stats.t.ppf(1.0 - alpha / 2.0, df) if np.isfinite(df) else np.nan
    return PrePostResult(
        design=design, n_pre=n1, n_post=n2, n_pairs=nc, mean_pre=m1, mean_post=m2, diff=diff,
        ci_low=float(diff - q * se), ci_high=float(diff + q * se), statistic=float(t), df=float(df),
        pvalue=p, nonparametric_pvalue=float(np_p), nonparametric_test=np_test,
        effect_sizes=_effect_frame(es), test=test, se=float(se), sd_pre=s1, sd_post=s2, r=r,
        n_missing=int(n_missing), ci=float(ci),
    )


def prepost(
    data: pd.DataFrame,
    *,
    score: str,
    time: str,
    subject: str | None = None,
    pre: Any = "pre",
    post: Any = "post",
    ci: float = 0.95,
    min_group_size: int = 2,
) -> PrePostResult:
    r"""Compare one group before and after, with the design the data allow.

    The design follows from the respondent codes in ``subject``:

    * every respondent in both rounds -> **paired**: paired t-test on
      :math:`D_i = \text{post}_i - \text{pre}_i`, :math:`t = \bar D / (s_D/\sqrt n)`,
      df = n - 1; Wilcoxon signed-rank test (zeros dropped, continuity
      correction, as R's ``wilcox.test``);
    * no shared codes, or ``subject=None`` -> **independent**: Welch t-test,
      :math:`t = (\bar x_2 - \bar x_1)/\sqrt{s_1^2/n_1 + s_2^2/n_2}` with
      Welch-Satterthwaite df; Mann-Whitney U;
    * some shared (at least 3 pairs) -> **partially_paired**: the
      partially-overlapping-samples t-test :math:`T_{new2}` of Derrick et al.
      (2017),

      .. math:: T = \frac{\bar x_2 - \bar x_1}{\sqrt{s_1^2/n_1 + s_2^2/n_2
                 - 2 r s_1 s_2 n_c/(n_1 n_2)}},\quad
                \nu = (n_c - 1) + \frac{\gamma - n_c + 1}{n_a + n_b + 2n_c}(n_a + n_b)

      where :math:`n_c` pairs, :math:`n_a, n_b` unpaired answers, r the
      correlation of the pairs and :math:`\gamma` the Welch df.

    Effect sizes (``effect_sizes``): paired -> ``d_z`` = :math:`\bar D/s_D`
    with the exact noncentral-t interval and ``d_av`` = diff / ((s1+s2)/2)
    (Lakens 2013) with a delta-method normal interval; independent ->
    ``hedges_g`` = J(df) (x2 - x1)/s_pooled, with J the exact
    Hedges correction, and the exact noncentral-t interval for the population
    standardized difference (Steiger & Fouladi 1997); partially paired ->
    ``d_av`` with the delta-method interval.

    Parameters
    ----------
    data : DataFrame
        One row per answer (a respondent's score in one round), long format.
    score : str
        Column with the score (for example a dimension score, 0-100).
    time : str
        Column saying the round: the labels ``pre``/``post`` or 0/1.
    subject : str, optional
        Column with respondent codes that link the rounds. Empty codes are
        allowed (those answers are unlinked); a code used twice in one round
        is an error.
    pre, post : label
        The labels used in ``time`` (ignored when it holds 0/1).
    ci : float
        Confidence level.
    min_group_size : int
        Smallest number of answers per round accepted (at least 2).

    Returns
    -------
    PrePostResult

    Notes
    -----
    Rows with an empty score are left out and counted in ``n_missing``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": [1, 2, 3, 4, 5] * 2,
    ...                    "round": ["pre"] * 5 + ["post"] * 5,
    ...                    "score": [40, 52, 47, 61, 55, 48, 55, 50, 70, 57]})
    >>> res = prepost(df, score="score", time="round", subject="id")
    >>> res.design, res.n_pairs, res.diff
    ('paired', 5, 5.0)
    >>> round(res.pvalue, 4)
    0.026
    >>> res.effect_sizes.loc["d_z", "ci_method"]
    'noncentral t'
    """
    _require_columns(data, {"score": score, "time": time, "subject": subject})
    _check_ci(ci)
    is_post = _post_indicator(data[time], pre=pre, post=post, column=time)
    y = pd.to_numeric(data[score], errors="coerce")
    bad_text = y.isna() & data[score].notna()
    if bad_text.any():
        raise ValueError(
            f"Column '{score}' holds a value that is not a number at row {_first_row(bad_text)} "
            f"({data[score][bad_text].iloc[0]!r}); scores must be numeric."
        )
    if subject is not None:
        _check_unique_subjects(data[subject], is_post, column=subject, pre=pre, post=post)
    keep = y.notna().to_numpy()
    n_missing = int((~keep).sum())
    pre_m, post_m = keep & ~is_post, keep & is_post
    _check_size(int(pre_m.sum()), what=f"Round {pre!r}", min_group_size=min_group_size)
    _check_size(int(post_m.sum()), what=f"Round {post!r}", min_group_size=min_group_size)
    yv = y.to_numpy(dtype=float)
    ids_pre = ids_post = None
    if subject is not None:
        ids = data[subject].astype(object).to_numpy()
        ids_pre, ids_post = ids[pre_m], ids[post_m]
    return _prepost_arrays(yv[pre_m], yv[post_m], ids_pre, ids_post, ci, n_missing)


# --------------------------------------------------------------------------
# then-test
# --------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class ThenTestResult:
    """Result of :func:`then_test`.

    Attributes
    ----------
    shift : PrePostResult
        Retrospective pretest minus ordinary pretest (then - pre). Negative:
        respondents now rate their starting point lower than they did at the
        time (they overrated themselves before: the classic response shift).
    effect_conventional : PrePostResult or None
        post - pre (ordinary pretest), None without a posttest column.
    effect_retrospective : PrePostResult or None
        post - then (both answered after the workshop, always paired), None
        without a posttest column.
    """

    shift: PrePostResult
    effect_conventional: PrePostResult | None
    effect_retrospective: PrePostResult | None

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: one row per comparison (shift, conventional, retrospective)."""
        parts = []
        for name, res in (("shift (then - pre)", self.shift),
                          ("effect (post - pre)", self.effect_conventional),
                          ("effect (post - then)", self.effect_retrospective)):
            if res is not None:
                parts.append(res.to_frame().assign(comparison=name))
        out = pd.concat(parts, ignore_index=True)
        return out.set_index("comparison")


def then_test(
    data: pd.DataFrame,
    *,
    score_then: str,
    score_pre: str,
    score_post: str | None = None,
    time: str | None = None,
    subject: str | None = None,
    pre: Any = "pre",
    post: Any = "post",
    ci: float = 0.95,
    min_group_size: int = 2,
) -> ThenTestResult:
    """Retrospective pretest against the ordinary pretest (response-shift bias).

    In a *then-test* respondents answer, after the workshop, both the ordinary
    items (posttest) and retrospective versions ("before the workshop I ...",
    the *then* score). If the workshop changed how they understand the
    questions, the then score differs from the pretest they gave before the
    workshop (Howard 1980), and the ordinary post - pre change is biased.

    Two data layouts:

    * **wide** (``time=None``): one row per respondent, with columns
      ``score_pre``, ``score_then`` and optionally ``score_post``; each row is
      one linked respondent (all comparisons paired).
    * **long** (``time`` given): rows of the before round carry the ordinary
      pretest in ``score_pre``; rows of the after round carry ``score_then``
      (and ``score_post``). ``subject`` links respondents; unlinked or
      partially linked rounds get the design :func:`prepost` chooses.

    Parameters
    ----------
    data : DataFrame
    score_then, score_pre : str
        Columns with the retrospective and the ordinary pretest scores.
    score_post : str, optional
        Column with the posttest; gives both effect estimates.
    time, subject, pre, post, ci, min_group_size
        As in :func:`prepost`.

    Returns
    -------
    ThenTestResult
        ``shift`` (then - pre, with CI; paired where linked),
        ``effect_conventional`` (post - pre) and ``effect_retrospective``
        (post - then, always paired).

    Examples
    --------
    >>> import pandas as pd
    >>> wide = pd.DataFrame({"pre": [60, 55, 70, 65, 58, 62],
    ...                      "then": [50, 48, 66, 55, 52, 57],
    ...                      "post": [66, 60, 72, 70, 63, 65]})
    >>> res = then_test(wide, score_then="then", score_pre="pre", score_post="post")
    >>> res.shift.design, res.shift.diff
    ('paired', -7.0)
    >>> round(res.effect_conventional.diff, 6), round(res.effect_retrospective.diff, 6)
    (4.333333, 11.333333)
    """
    _require_columns(data, {"score_then": score_then, "score_pre": score_pre,
                            "score_post": score_post, "time": time, "subject": subject})
    if time is None:
        n = len(data)
        ids = pd.Series(np.arange(n), index=data.index) if subject is None else data[subject]
        if subject is not None and ids.dropna().duplicated().any():
            code = ids[ids.duplicated(keep=False) & ids.notna()].iloc[0]
            raise ValueError(
                f"Respondent code {_show(code)} (column '{subject}') is used more than once; in the wide "
                "layout each row is one respondent. Remove or merge the duplicates."
            )
        before = pd.DataFrame({"id": ids.to_numpy(), "x": data[score_pre].to_numpy(), "t": 0})
        then = pd.DataFrame({"id": ids.to_numpy(), "x": data[score_then].to_numpy(), "t": 1})
        after = (pd.DataFrame({"id": ids.to_numpy(), "x": data[score_post].to_numpy(), "t": 1})
                 if score_post is not None else None)
    else:
        is_post = _post_indicator(data[time], pre=pre, post=post, column=time)
        ids = data[subject] if subject is not None else pd.Series(
            [np.nan] * len(data), index=data.index, dtype=object)
        if subject is not None:
            _check_unique_subjects(data[subject], is_post, column=subject, pre=pre, post=post)
        before = pd.DataFrame({"id": ids[~is_post].to_numpy(), "x": data.loc[~is_post, score_pre].to_numpy(), "t": 0})
        then = pd.DataFrame({"id": ids[is_post].to_numpy(), "x": data.loc[is_post, score_then].to_numpy(), "t": 1})
        after = (pd.DataFrame({"id": ids[is_post].to_numpy(), "x": data.loc[is_post, score_post].to_numpy(), "t": 1})
                 if score_post is not None else None)

    def run(a: pd.DataFrame, b: pd.DataFrame, link: bool) -> PrePostResult:
        long = pd.concat([a.assign(t=0), b.assign(t=1)], ignore_index=True)
        return prepost(long, score="x", time="t", subject="id" if link else None, ci=ci,
                       min_group_size=min_group_size)

    linked = time is None or subject is not None
    shift = run(before, then, linked)
    conv = retro = None
    if after is not None:
        conv = run(before, after, linked)
        # post and then come from the same answer sheet: always paired
        t2 = then.assign(id=np.arange(len(then)))
        a2 = after.assign(id=np.arange(len(after)))
        retro = run(t2, a2, True)
    return ThenTestResult(shift=shift, effect_conventional=conv, effect_retrospective=retro)


# --------------------------------------------------------------------------
# difference in differences
# --------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class DiDResult:
    """Result of :func:`difference_in_differences`.

    Attributes
    ----------
    estimate, se : float
        The post x treated coefficient (treated change minus comparison change)
        and its standard error (model-based for ``mixed``, CR1 for ``ols``).
    ci_low, ci_high, pvalue : float
        Interval and two-sided p-value (see ``ci_method``).
    method : str
        ``"mixed"`` or ``"ols"``.
    model : object
        The fitted model: :class:`REMLFit` for ``mixed``, statsmodels
        ``RegressionResults`` for ``ols``.
    ci_method : str
        How ``ci_low``/``ci_high``/``pvalue`` were obtained.
    df : float
        Degrees of freedom of the reference t distribution (inf for normal).
    n_obs, n_clusters, n_subjects : int
    cell_means : pandas.DataFrame
        Mean and n per group (comparison/treated) x round (pre/post).
    cr1_pvalue, cr1_ci_low, cr1_ci_high : float
        For ``ols``: the analytic CR1 t(G-1) results (equal to the main ones
        unless the wild bootstrap was used).
    variance_components : dict
        For ``mixed``: estimated variances (cluster, subject, residual).
    warnings : tuple of str
        Warnings raised while fitting (for example a variance at zero).
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    pvalue: float
    method: str
    model: Any
    ci_method: str
    df: float
    n_obs: int
    n_clusters: int
    n_subjects: int
    cell_means: pd.DataFrame
    cr1_pvalue: float = np.nan
    cr1_ci_low: float = np.nan
    cr1_ci_high: float = np.nan
    variance_components: dict = field(default_factory=dict)
    warnings: tuple = ()

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame of the scalar results."""
        keep = ["estimate", "se", "ci_low", "ci_high", "pvalue", "method", "ci_method", "df",
                "n_obs", "n_clusters", "n_subjects", "cr1_pvalue", "cr1_ci_low", "cr1_ci_high"]
        return pd.DataFrame([{k: getattr(self, k) for k in keep}])


@dataclass(frozen=True, eq=False)
class REMLFit:
    """A linear mixed model with random intercepts fitted by REML.

    Attributes
    ----------
    fe_params : pandas.Series
        Fixed effects.
    cov_params : pandas.DataFrame
        Their covariance :math:`\\hat\\sigma^2 (X^\\top H^{-1} X)^{-1}` (lme4's ``vcov``).
    theta : numpy.ndarray
        Random-intercept SDs relative to the residual SD (lme4's ``getME(, "theta")``).
    variance_components : dict
        Variance per random factor and ``residual``.
    reml_criterion : float
        -2 x restricted log-likelihood (lme4's ``REMLcrit``).
    converged : bool
    messages : tuple of str
        Notes from the fit (for example a variance estimated at zero).
    """

    fe_params: pd.Series
    cov_params: pd.DataFrame
    theta: np.ndarray
    variance_components: dict
    reml_criterion: float
    converged: bool
    messages: tuple = ()

    @property
    def bse(self) -> pd.Series:
        """Standard errors of the fixed effects."""
        return pd.Series(np.sqrt(np.diag(self.cov_params)), index=self.fe_params.index)


def _reml_random_intercepts(X: np.ndarray, y: np.ndarray, factors: list[np.ndarray], *,
                            names: Sequence[str], factor_names: Sequence[str]) -> REMLFit:
    r"""REML fit of :math:`y = X\beta + Z_1 u_1 + Z_2 u_2 + e` (one or two random intercepts).

    With :math:`u_k \sim N(0, \sigma^2\theta_k^2 I)`, :math:`e \sim N(0, \sigma^2 I)`,
    :math:`H = I + Z\Lambda\Lambda Z^\top`, :math:`U = \Lambda Z^\top`,
    :math:`M = I + UU^\top` (so :math:`|H| = |M|` and
    :math:`H^{-1} = I - U^\top M^{-1} U`), the profiled REML deviance minimised
    over :math:`\theta \ge 0` is (Bates et al. 2015, eq. 41)

    .. math:: d(\theta) = \log|M| + \log|X^\top H^{-1}X| + (n-p)\left[1 +
              \log\frac{2\pi\, r^\top H^{-1} r}{n-p}\right].

    M is solved blockwise: the first factor's block is diagonal (each row
    belongs to one level), the second is handled through its Schur
    complement, so thousands of respondents cost little. Factors may be
    nested or crossed.

    Reference: Bates, Maechler, Bolker & Walker (2015). Fitting linear
    mixed-effects models using lme4. *Journal of Statistical Software* 67(1).
    """
    n, p = X.shape
    Wm = np.column_stack([X, y])
    WtW = Wm.T @ Wm
    codes = [pd.factorize(f)[0] for f in factors]
    sizes = [int(c.max()) + 1 for c in codes]
    ZtW = []
    for c, q in zip(codes, sizes):
        ZtW.append(np.column_stack([np.bincount(c, weights=Wm[:, j], minlength=q) for j in range(p + 1)]))
    cnt = [np.bincount(c, minlength=q).astype(float) for c, q in zip(codes, sizes)]
    N12 = None
    if len(codes) == 2:
        N12 = np.zeros((sizes[0], sizes[1]))
        np.add.at(N12, (codes[0], codes[1]), 1.0)

    def parts(theta: np.ndarray) -> tuple[float, np.ndarray]:
        t1 = theta[0]
        A = 1.0 + t1**2 * cnt[0]
        b1 = t1 * ZtW[0]
        if len(codes) == 1:
            quad = b1.T @ (b1 / A[:, None])
            return float(np.sum(np.log(A))), WtW - quad
        t2 = theta[1]
        B = t1 * t2 * N12
        b2 = t2 * ZtW[1]
        AiB = B / A[:, None]
        Sc = np.diag(1.0 + t2**2 * cnt[1]) - B.T @ AiB
        L = np.linalg.cholesky(Sc)
        rhs = b2 - AiB.T @ b1
        x2 = np.linalg.solve(L.T, np.linalg.solve(L, rhs))
        x1 = (b1 - B @ x2) / A[:, None]
        quad = b1.T @ x1 + b2.T @ x2
        return float(np.sum(np.log(A)) + 2 * np.sum(np.log(np.diag(L)))), WtW - quad

    def deviance(theta: np.ndarray) -> float:
        logdet_m, P = parts(np.abs(theta))
        XtHX, XtHy, yHy = P[:p, :p], P[:p, p], P[p, p]
        Lx = np.linalg.cholesky(XtHX)
        z = np.linalg.solve(Lx, XtHy)
        rss = yHy - z @ z
        return float(logdet_m + 2 * np.sum(np.log(np.diag(Lx)))
                     + (n - p) * (1 + np.log(2 * np.pi * rss / (n - p))))

    k = len(codes)
    best = None
    for start in (np.ones(k), np.full(k, 0.3)):
        res = optimize.minimize(deviance, start, method="L-BFGS-B", bounds=[(0, None)] * k,
                                options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 2000})
        if best is None or res.fun < best.fun:
            best = res
    # polish (Nelder-Mead does not stall on the flat, bounded directions)
    pol = optimize.minimize(lambda t: deviance(np.abs(t)), best.x, method="Nelder-Mead",
                            options={"xatol": 1e-10, "fatol": 1e-13, "maxiter": 4000})
    theta = np.abs(pol.x) if pol.fun <= best.fun else best.x
    dev = min(pol.fun, best.fun)
    _, P = parts(theta)
    XtHX, XtHy, yHy = P[:p, :p], P[:p, p], P[p, p]
    XtHXi = np.linalg.inv(XtHX)
    beta = XtHXi @ XtHy
    sigma2 = float((yHy - XtHy @ beta) / (n - p))
    comps = {name: sigma2 * float(t) ** 2 for name, t in zip(factor_names, theta)}
    comps["residual"] = sigma2
    msgs = tuple(f"The {name} variance is estimated at zero (boundary); the model reduces to fewer "
                 "random effects." for name, t in zip(factor_names, theta) if t < 1e-6)
    return REMLFit(
        fe_params=pd.Series(beta, index=list(names)),
        cov_params=pd.DataFrame(sigma2 * XtHXi, index=list(names), columns=list(names)),
        theta=np.asarray(theta, dtype=float), variance_components=comps, reml_criterion=float(dev),
        converged=bool(best.success or pol.success), messages=msgs,
    )


_WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])


def _wild_cluster_bootstrap(X: np.ndarray, y: np.ndarray, groups: np.ndarray, j: int, *,
                            n_boot: int, weights: str, seed: int | None, ci: float
                            ) -> tuple[float, float, float, str]:
    """Restricted wild cluster bootstrap (WCR) p-value and test-inversion CI for beta_j.

    For a null beta_j = b0 the restricted model (without column j, response
    y - b0 x_j) gives fitted values and residuals u_r; bootstrap responses are
    y* = fitted + w_g u_r with one weight per cluster (Rademacher or Webb's
    six-point distribution). The bootstrap t* uses the CR1 standard error;
    p(b0) = share of |t*| >= |t(b0)|. The CI collects the b0 with
    p(b0) > alpha (found by bisection). Everything is linear in u_r, so each
    evaluation costs O(B G k) (Cameron, Gelbach & Miller 2008; Roodman et al.
    2019 for the algebra).
    """
    n, k = X.shape
    codes, g = np.unique(groups, return_inverse=True)
    G = len(codes)
    XtXi = np.linalg.inv(X.T @ X)
    beta = XtXi @ X.T @ y
    e = y - X @ beta
    q = X @ XtXi[:, j]
    c = G / (G - 1) * (n - 1) / (n - k)
    sums = lambda v: np.bincount(g, weights=v, minlength=G)  # noqa: E731
    se = float(np.sqrt(c * np.sum(sums(q * e) ** 2)))
    Xr = np.delete(X, j, axis=1)
    Pr = Xr @ np.linalg.pinv(Xr)
    u0 = y - Pr @ y
    v = X[:, j] - Pr @ X[:, j]
    rng = np.random.default_rng(seed)
    if weights == "auto":
        weights = "webb" if G <= 12 else "rademacher"
    if weights == "webb":
        W = rng.choice(_WEBB, size=(n_boot, G))
    elif weights == "rademacher":
        W = rng.choice(np.array([-1.0, 1.0]), size=(n_boot, G))
    else:
        raise ValueError(f"weights must be 'auto', 'webb' or 'rademacher', got {weights!r}.")
    Q = np.column_stack([sums(q * X[:, m]) for m in range(k)])  # G x k
    a0, a1 = sums(q * u0), sums(q * v)
    C0 = np.column_stack([sums(X[:, m] * u0) for m in range(k)])
    C1 = np.column_stack([sums(X[:, m] * v) for m in range(k)])
    B0 = (W @ C0) @ XtXi @ Q.T  # n_boot x G
    B1 = (W @ C1) @ XtXi @ Q.T
    N0, N1 = W @ a0, W @ a1

    def pval(b0: float) -> float:
        num = N0 - b0 * N1
        S = W * (a0 - b0 * a1) - (B0 - b0 * B1)
        se_b = np.sqrt(c * np.sum(S**2, axis=1))
        with np.errstate(divide="ignore", invalid="ignore"):
            tb = num / se_b
        t0 = (beta[j] - b0) / se
        return float(np.mean(np.abs(tb) >= abs(t0) - 1e-12))

    alpha = 1.0 - ci
    p = pval(0.0)
    bj = float(beta[j])

    def bound(sign: float) -> float:
        step = se * stats.t.ppf(1 - alpha / 2, G - 1)
        inside, outside = bj, bj + sign * step
        for _ in range(60):
            if pval(outside) <= alpha:
                break
            inside, outside = outside, outside + sign * step
            step *= 1.5
        else:
            return sign * np.inf
        for _ in range(60):
            mid = (inside + outside) / 2
            if pval(mid) > alpha:
                inside = mid
            else:
                outside = mid
            if abs(outside - inside) < 1e-8 * max(se, 1e-12):
                break
        return (inside + outside) / 2

    lo, hi = bound(-1.0), bound(1.0)
    return p, lo, hi, f"wild cluster bootstrap (WCR, {weights} weights, B={n_boot}, CR1 t, test inversion)"


def _cell_means(y: np.ndarray, post: np.ndarray, treated: np.ndarray) -> pd.DataFrame:
    rows = []
    for tr in (False, True):
        for po in (False, True):
            m = (treated == tr) & (post == po)
            rows.append({"group": "treated" if tr else "comparison", "round": "post" if po else "pre",
                         "n": int(m.sum()), "mean": float(np.mean(y[m])) if m.any() else np.nan})
    return pd.DataFrame(rows)


def difference_in_differences(
    data: pd.DataFrame,
    *,
    score: str,
    time: str,
    group: str,
    cluster: str | None = None,
    subject: str | None = None,
    method: str = "mixed",
    pre: Any = "pre",
    post: Any = "post",
    ci: float = 0.95,
    min_group_size: int = 2,
    wild_bootstrap: bool | str = "auto",
    n_boot: int = 9999,
    weights: str = "auto",
    seed: int | None = 0,
) -> DiDResult:
    r"""Difference in differences: did participants change more than the comparison group?

    The estimate is the coefficient of ``post:treated`` in
    :math:`y = \beta_0 + \beta_1\,\text{post} + \beta_2\,\text{treated} +
    \beta_3\,\text{post}\cdot\text{treated} + \ldots`, i.e. (treated change) -
    (comparison change).

    ``method="mixed"`` fits ``score ~ post*treated + (1|cluster) + (1|subject)``
    (or the one random intercept given) by REML, the same criterion and
    standard error as ``lme4::lmer`` (see :func:`_reml_random_intercepts`;
    subjects may be nested in clusters or crossed with them). The standard
    error is :math:`\sqrt{\hat\sigma^2[(X^\top H^{-1} X)^{-1}]_{33}}`; the
    interval and p-value use the normal distribution (Wald), as lme4 gives
    no df. statsmodels' ``MixedLM`` is not used: its fixed-effect covariance
    comes from the joint Hessian (differs from lme4 by ~5e-4 in our
    fixtures) and it fails with a singular matrix when subjects are the
    only grouping factor.

    ``method="ols"`` fits OLS with cluster-robust CR1 errors,
    :math:`V = \frac{G}{G-1}\frac{N-1}{N-K}(X^\top X)^{-1}\sum_g X_g^\top
    e_g e_g^\top X_g (X^\top X)^{-1}` (Stata's and sandwich's ``vcovCL``
    default), clustered on ``cluster`` (else ``subject``; else HC1), with
    t(G - 1) inference. With fewer than 30 clusters (``wild_bootstrap="auto"``)
    the p-value and interval come from the restricted wild cluster bootstrap
    (WCR; Webb weights when G <= 12, else Rademacher).

    Parameters
    ----------
    data : DataFrame
        Long format, one row per answer.
    score, time : str
        Score column; round column (labels ``pre``/``post`` or 0/1).
    group : str
        1/True for those who took part, 0/False for the comparison group.
    cluster : str, optional
        Unit (workplace, municipality) the respondents belong to.
    subject : str, optional
        Respondent code linking the rounds (nested in or crossed with ``cluster``).
    method : {"mixed", "ols"}
    pre, post, ci
        As in :func:`prepost`.
    min_group_size : int
        Smallest number of answers accepted in each group x round cell.
    wild_bootstrap : "auto" or bool
        ``ols`` only: use the wild cluster bootstrap (auto: when G < 30).
    n_boot, weights, seed
        Bootstrap draws, weight distribution ("auto", "webb", "rademacher")
        and random seed.

    Returns
    -------
    DiDResult

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> rows = []
    >>> for c in range(8):
    ...     u = rng.normal(0, 2)
    ...     for s in range(10):
    ...         v = rng.normal(0, 4)
    ...         for t in (0, 1):
    ...             rows.append({"unit": c, "id": f"{c}-{s}", "post": t, "took_part": int(c < 4),
    ...                          "score": 50 + u + v + 2 * t + 5 * t * (c < 4) + rng.normal(0, 5)})
    >>> df = pd.DataFrame(rows)
    >>> res = difference_in_differences(df, score="score", time="post", group="took_part",
    ...                                 cluster="unit", subject="id")
    >>> res.method, res.n_clusters, res.n_subjects
    ('mixed', 8, 80)
    >>> bool(res.ci_low < res.estimate < res.ci_high)
    True
    """
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    _require_columns(data, {"score": score, "time": time, "group": group,
                            "cluster": cluster, "subject": subject})
    _check_ci(ci)
    if method not in ("mixed", "ols"):
        raise ValueError(f"method must be 'mixed' or 'ols', got {method!r}.")
    is_post = _post_indicator(data[time], pre=pre, post=post, column=time)
    treated = _group_indicator(data[group], column=group)
    y = pd.to_numeric(data[score], errors="coerce")
    bad_text = y.isna() & data[score].notna()
    if bad_text.any():
        raise ValueError(f"Column '{score}' holds a value that is not a number at row "
                         f"{_first_row(bad_text)}; scores must be numeric.")
    for col in (cluster, subject):
        if col is not None and data[col].isna().any():
            miss = data[col].isna()
            raise ValueError(f"Column '{col}' has {int(miss.sum())} empty value(s) (first at row "
                             f"{_first_row(miss)}); fill them or leave the column out.")
    if subject is not None:
        _check_unique_subjects(data[subject], is_post, column=subject, pre=pre, post=post)
    keep = y.notna().to_numpy()
    d = pd.DataFrame({"y": y.to_numpy(dtype=float), "post": is_post.astype(float),
                      "treated": treated.astype(float)})
    if cluster is not None:
        d["cluster"] = data[cluster].astype(str).to_numpy()
    if subject is not None:
        d["subject"] = data[subject].astype(str).to_numpy()
    d = d[keep].reset_index(drop=True)
    cells = _cell_means(d["y"].to_numpy(), d["post"].to_numpy() == 1, d["treated"].to_numpy() == 1)
    for _, row in cells.iterrows():
        _check_size(int(row["n"]), what=f"The {row['group']} group in round "
                    f"{pre if row['round'] == 'pre' else post!r}", min_group_size=min_group_size)
    n_clusters = int(d["cluster"].nunique()) if cluster is not None else 0
    n_subjects = int(d["subject"].nunique()) if subject is not None else 0
    if cluster is not None and n_clusters < 2:
        raise ValueError(
            f"Column '{cluster}' has only one cluster ({d['cluster'].iloc[0]!r}); a cluster effect "
            "needs at least two clusters. Leave cluster= out, or add comparison units."
        )
    alpha = 1.0 - ci
    caught: list[str] = []
    X = np.column_stack([np.ones(len(d)), d["post"], d["treated"], d["post"] * d["treated"]])

    if method == "mixed":
        if cluster is None and subject is None:
            raise ValueError("method='mixed' needs cluster= and/or subject= (the random intercepts); "
                             "without them use method='ols'.")
        factors = [d[c].to_numpy() for c, col in (("subject", subject), ("cluster", cluster)) if col is not None]
        fit = _reml_random_intercepts(X, d["y"].to_numpy(), factors,
                                      names=["Intercept", "post", "treated", "post:treated"],
                                      factor_names=[n for n, col in (("subject", subject), ("cluster", cluster))
                                                    if col is not None])
        caught = list(fit.messages)
        est = float(fit.fe_params.iloc[3])
        se = float(np.sqrt(fit.cov_params.iloc[3, 3]))
        z = stats.norm.ppf(1 - alpha / 2)
        comps = dict(fit.variance_components)
        return DiDResult(
            estimate=est, se=se, ci_low=est - z * se, ci_high=est + z * se,
            pvalue=float(2 * stats.norm.sf(abs(est / se))), method="mixed", model=fit,
            ci_method="Wald (normal), REML model-based SE", df=np.inf, n_obs=len(d),
            n_clusters=n_clusters, n_subjects=n_subjects, cell_means=cells,
            variance_components=comps, warnings=tuple(caught),
        )

    # OLS
    ols = sm.OLS(d["y"].to_numpy(), X)
    gcol = "cluster" if cluster is not None else ("subject" if subject is not None else None)
    if gcol is None:
        fit = ols.fit(cov_type="HC1")
        est, se = float(fit.params[3]), float(fit.bse[3])
        dfr = float(len(d) - 4)
        q = stats.t.ppf(1 - alpha / 2, dfr)
        p = float(2 * stats.t.sf(abs(est / se), dfr))
        return DiDResult(estimate=est, se=se, ci_low=est - q * se, ci_high=est + q * se, pvalue=p,
                         method="ols", model=fit, ci_method=f"HC1 robust SE, t({dfr:g})", df=dfr,
                         n_obs=len(d), n_clusters=0, n_subjects=n_subjects, cell_means=cells,
                         cr1_pvalue=np.nan, cr1_ci_low=np.nan, cr1_ci_high=np.nan)
    codes = pd.factorize(d[gcol])[0]
    G = int(codes.max() + 1)
    if G < 2:
        raise ValueError(f"Column '{gcol}' has only one cluster; cluster-robust errors need at least two.")
    fit = ols.fit(cov_type="cluster", cov_kwds={"groups": codes, "use_correction": True}, use_t=True)
    est, se = float(fit.params[3]), float(fit.bse[3])
    dfr = float(G - 1)
    q = stats.t.ppf(1 - alpha / 2, dfr)
    p_cr1 = float(2 * stats.t.sf(abs(est / se), dfr))
    lo_cr1, hi_cr1 = est - q * se, est + q * se
    use_boot = (G < 30) if wild_bootstrap == "auto" else bool(wild_bootstrap)
    if use_boot:
        p, lo, hi, how = _wild_cluster_bootstrap(X, d["y"].to_numpy(), codes, 3, n_boot=n_boot,
                                                 weights=weights, seed=seed, ci=ci)
    else:
        p, lo, hi, how = p_cr1, lo_cr1, hi_cr1, f"CR1 cluster-robust SE, t({G - 1})"
    return DiDResult(
        estimate=est, se=se, ci_low=float(lo), ci_high=float(hi), pvalue=float(p), method="ols",
        model=fit, ci_method=how, df=dfr, n_obs=len(d), n_clusters=G,
        n_subjects=n_subjects, cell_means=cells, cr1_pvalue=p_cr1, cr1_ci_low=float(lo_cr1),
        cr1_ci_high=float(hi_cr1),
    )


# --------------------------------------------------------------------------
# power and minimum detectable effect
# --------------------------------------------------------------------------
def _design_terms(n: int | Sequence[int], design: str, sd: float, r: float | None,
                  icc: float | None, cluster_size: float | None) -> tuple[float, float, float]:
    """Return (scale, n_factor, df): ncp = effect / scale * sqrt(n_factor)."""
    if sd is None or not sd > 0:
        raise ValueError(f"sd must be a positive standard deviation, got {sd!r}.")
    if design == "paired":
        if r is None:
            raise ValueError("design='paired' needs r=, the expected correlation between a "
                             "respondent's before and after scores (often 0.5-0.8).")
        if not -1 < r < 1:
            raise ValueError(f"r must lie between -1 and 1, got {r!r}.")
        if not np.isscalar(n):
            raise ValueError("For design='paired' give n as the number of linked respondents (one number).")
        n = int(n)
        if n < 2:
            raise ValueError(f"n must be at least 2, got {n}.")
        return sd * np.sqrt(2 * (1 - r)), float(n), float(n - 1)
    if r is not None:
        raise ValueError(f"r= applies only to design='paired', not to design={design!r}.")
    if np.isscalar(n):
        n1 = n2 = float(n)
    else:
        n1, n2 = (float(v) for v in n)
    if min(n1, n2) < 2:
        raise ValueError(f"n must be at least 2 per group, got {n!r}.")
    if design == "independent":
        return sd, n1 * n2 / (n1 + n2), n1 + n2 - 2
    if design == "clustered":
        if icc is None or cluster_size is None:
            raise ValueError("design='clustered' needs icc= (share of variance between clusters) "
                             "and cluster_size= (respondents per cluster).")
        if not 0 <= icc < 1:
            raise ValueError(f"icc must lie in [0, 1), got {icc!r}.")
        if cluster_size < 1:
            raise ValueError(f"cluster_size must be at least 1, got {cluster_size!r}.")
        de = 1 + (cluster_size - 1) * icc
        e1, e2 = n1 / de, n2 / de
        df = n1 / cluster_size + n2 / cluster_size - 2
        if df < 1:
            raise ValueError("design='clustered' needs at least three clusters in total "
                             f"(n / cluster_size per group); got n={n!r}, cluster_size={cluster_size!r}.")
        return sd, e1 * e2 / (e1 + e2), df
    raise ValueError(f"design must be 'paired', 'independent' or 'clustered', got {design!r}.")


def _power_ncp(ncp: float, df: float, alpha: float) -> float:
    crit = stats.t.ppf(1 - alpha / 2, df)
    return float(stats.nct.sf(crit, df, ncp) + stats.nct.cdf(-crit, df, ncp))


def power(
    *,
    effect: float,
    n: int | Sequence[int],
    design: str = "paired",
    alpha: float = 0.05,
    sd: float = 1.0,
    r: float | None = None,
    icc: float | None = None,
    cluster_size: float | None = None,
) -> float:
    r"""Power of a two-sided t-test to detect a true change ``effect``.

    Power = :math:`P(|T| > t_{1-\alpha/2,\nu})` for T noncentral t with
    :math:`\lambda = (\Delta/\sigma_*)\sqrt{n_*}`:

    * ``paired``: n linked respondents, :math:`\sigma_* = \sigma\sqrt{2(1-r)}`,
      :math:`n_* = n`, :math:`\nu = n-1` (statsmodels ``TTestPower``);
    * ``independent``: n per group (or a pair ``(n1, n2)``),
      :math:`\sigma_*=\sigma`, :math:`n_* = n_1n_2/(n_1+n_2)`,
      :math:`\nu = n_1+n_2-2` (statsmodels ``TTestIndPower``);
    * ``clustered``: as independent with each n divided by the design effect
      :math:`1 + (m-1)\,\text{ICC}` (m = ``cluster_size``) and
      :math:`\nu` = number of clusters - 2.

    Parameters
    ----------
    effect : float
        True change in score units (same units as ``sd``).
    n : int or (int, int)
    design : {"paired", "independent", "clustered"}
    alpha : float
    sd : float
        Standard deviation of the score in one round.
    r : float, optional
        Before-after correlation (paired only, required there).
    icc, cluster_size : float, optional
        Clustered only.

    Examples
    --------
    >>> round(power(effect=0.5, n=30, design="independent"), 4)
    0.4779
    >>> round(power(effect=5, n=40, design="paired", sd=15, r=0.6), 4)
    0.6326
    """
    scale, nf, df = _design_terms(n, design, sd, r, icc, cluster_size)
    return _power_ncp(effect / scale * np.sqrt(nf), df, alpha)


def minimum_detectable_effect(
    *,
    n: int | Sequence[int],
    design: str = "paired",
    alpha: float = 0.05,
    power: float = 0.8,
    sd: float = 1.0,
    r: float | None = None,
    icc: float | None = None,
    cluster_size: float | None = None,
) -> float:
    """Smallest true change the design detects with the given power.

    Solves :func:`power` ``(effect) = power`` for ``effect`` (score units; with
    ``sd=1`` a standardized effect). A change smaller than this could easily
    go unnoticed: "no significant change" is then no evidence of no change.

    Parameters are as in :func:`power`.

    Examples
    --------
    >>> round(minimum_detectable_effect(n=30, design="independent"), 4)
    0.7356
    >>> round(minimum_detectable_effect(n=120, design="clustered", icc=0.05,
    ...                                 cluster_size=12, sd=15), 3)
    7.143
    """
    if not 0 < power < 1 or not 0 < alpha < 1:
        raise ValueError(f"power and alpha must lie between 0 and 1, got power={power!r}, alpha={alpha!r}.")
    scale, nf, df = _design_terms(n, design, sd, r, icc, cluster_size)
    if power <= alpha:
        return 0.0
    f = lambda lam: _power_ncp(lam, df, alpha) - power  # noqa: E731
    hi = 1.0
    while f(hi) < 0:
        hi *= 2
    lam = optimize.brentq(f, 0.0, hi, xtol=1e-12)
    return float(lam / np.sqrt(nf) * scale)


# --------------------------------------------------------------------------
# workshop notebook helper
# --------------------------------------------------------------------------
def workshop_effects(*args: Any, **kwargs: Any) -> pd.DataFrame:  # pragma: no cover - placeholder
    """Per-dimension and per-category effects for the workshop notebook (see below)."""
    raise NotImplementedError("workshop_effects is added with the workshop notebook.")
