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
from typing import Any, Sequence

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
    "WORKSHOP_DESIGNS",
    "WorkshopParameters",
    "WorkshopAnalysis",
    "DesignChoice",
    "validate_workshop_parameters",
    "choose_design",
    "retrospective_answers",
    "reaction_summary",
    "analyse_workshop",
    "workshop_headings",
    "design_markdown",
    "effects_table",
    "forest_table",
    "main_comparison",
    "mde_markdown",
    "planning_table",
    "reaction_markdown",
    "reaction_table",
    "conclusion_markdown",
    "before_after_plot",
    "invariance_across_rounds",
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
    words = {"true": 1, "false": 0, "ja": 1, "nej": 0, "yes": 1, "no": 0}

    def norm(v: Any) -> Any:
        if isinstance(v, (bool, np.bool_)):
            return int(v)
        if isinstance(v, str):
            return words.get(v.strip().lower(), v.strip())
        return v

    numeric = pd.to_numeric(values.map(norm), errors="coerce")
    if numeric.isna().any() or not set(numeric.unique()) <= {0, 1}:
        bad = [v for v in pd.unique(values) if pd.isna(pd.to_numeric(pd.Series([norm(v)]), errors="coerce")[0])
               or pd.to_numeric(pd.Series([norm(v)]), errors="coerce")[0] not in (0, 1)]
        shown = ", ".join(_show(v) for v in bad[:5])
        raise ValueError(
            f"Column '{column}' must hold 1/True for those who took part and 0/False for the "
            f"comparison group; it also holds {shown}."
        )
    return (numeric == 1).to_numpy()


def _check_unique_subjects(subj: pd.Series, is_post: np.ndarray, *, column: str,
                           pre: Any, post: Any) -> None:
    for flag, label in ((False, pre), (True, post)):
        _check_codes_unique(subj[is_post == flag], column=column, where=f"round {label!r}")


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
                                options={"ftol": 1e-12, "gtol": 1e-8, "maxiter": 500})
        if best is None or res.fun < best.fun:
            best = res
    # polish (Nelder-Mead does not stall on the flat, bounded directions)
    pol = optimize.minimize(lambda t: deviance(np.abs(t)), best.x, method="Nelder-Mead",
                            options={"xatol": 1e-9, "fatol": 1e-10, "maxiter": 1000})
    theta = np.abs(pol.x) if pol.fun <= best.fun else best.x
    dev = min(pol.fun, best.fun)
    for i in range(k):  # snap a boundary estimate to exactly zero, as lme4 reports it
        if 0 < theta[i] < 1e-4:
            trial = theta.copy()
            trial[i] = 0.0
            d0 = deviance(trial)
            if d0 <= dev + 1e-9:
                theta, dev = trial, d0
    _, P = parts(theta)
    XtHX, XtHy, yHy = P[:p, :p], P[:p, p], P[p, p]
    XtHXi = np.linalg.inv(XtHX)
    beta = XtHXi @ XtHy
    sigma2 = float((yHy - XtHy @ beta) / (n - p))
    comps = {name: sigma2 * float(t) ** 2 for name, t in zip(factor_names, theta)}
    comps["residual"] = sigma2
    msgs = tuple(f"The {name} variance is estimated at zero (boundary); the model reduces to fewer "
                 "random effects." for name, t in zip(factor_names, theta) if t == 0)
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
# the workshop evaluation (used by notebooks/workshop_effect.ipynb)
# --------------------------------------------------------------------------
WORKSHOP_DESIGNS = ("auto", "paired", "independent", "then_test", "did")
RETRO_SUFFIXES = ("_then", "_retro", "_fore")
_BEFORE, _AFTER = "before", "after"

_W = {
    "sv": {
        "title": "Gav workshoppen någon effekt?",
        "design": "Vilken design medger data?",
        "effects": "Förändring per dimension och kategori",
        "individual": "Enskilda svarandes förändring",
        "mde": "Vilken effekt hade vi kunnat upptäcka?",
        "reaction": "Deltagarnas reaktion (nivå 1) bredvid förändringen i mognad (nivå 3)",
        "invariance": "Mätte enkäten samma sak före och efter?",
        "conclusion": "Slutsats",
        "effects_note": ("Förändring i procentenheter (poäng i % av max) med 95 % konfidensintervall. Eftersom "
                         "många mått prövas samtidigt visas även p-värden korrigerade med Holm (skyddar mot "
                         "att något enda fynd är falskt) och Benjamini–Hochberg (håller andelen falska fynd "
                         "nere), inom kategorier respektive dimensioner. Dolda rader (–) har för få svar."),
        "comparisons": {"post_pre": "Efter − före", "then_pre": "Retrospektiv före − före (responsförskjutning)",
                        "post_then": "Efter − retrospektiv före", "did": "Deltagare − jämförelsegrupp (skillnad i skillnader)"},
        "designs": {"paired": "parad", "independent": "oberoende grupper", "partially_paired": "delvis parad",
                    "then_test": "retrospektiv förmätning (then-test)", "did": "skillnad i skillnader"},
        "levels": {"overall": "total", "dimension": "dimension", "category": "kategori"},
    },
    "en": {
        "title": "Did the workshop change anything?",
        "design": "What design do the data allow?",
        "effects": "Change per dimension and category",
        "individual": "Individual respondents' change",
        "mde": "What effect could we have detected?",
        "reaction": "Participants' reaction (level 1) beside the change in maturity (level 3)",
        "invariance": "Did the survey measure the same thing before and after?",
        "conclusion": "Conclusion",
        "effects_note": ("Change in percentage points (scores in % of max) with 95 % confidence intervals. As many "
                         "scores are tested at once, p-values corrected by Holm (guards against any single false "
                         "finding) and Benjamini–Hochberg (keeps the share of false findings low) are shown too, "
                         "within categories and within dimensions. Hidden rows (–) have too few answers."),
        "comparisons": {"post_pre": "After − before", "then_pre": "Retrospective before − before (response shift)",
                        "post_then": "After − retrospective before",
                        "did": "Participants − comparison group (difference in differences)"},
        "designs": {"paired": "paired", "independent": "independent groups", "partially_paired": "partially paired",
                    "then_test": "retrospective pretest (then-test)", "did": "difference in differences"},
        "levels": {"overall": "overall", "dimension": "dimension", "category": "category"},
    },
}


def workshop_headings(language: str = "sv") -> dict:
    """Section headings and labels of the workshop report in ``language`` ("sv" or "en")."""
    _check_language(language)
    return dict(_W[language])


def _check_language(language: str) -> None:
    if language not in ("sv", "en"):
        raise ValueError(f"language must be 'sv' or 'en', got {language!r}.")


def _num(x: float, language: str, digits: int = 1) -> str:
    """Format a number for the report (decimal comma and minus sign in Swedish)."""
    if x is None or not np.isfinite(x):
        return "–"
    out = f"{x:.{digits}f}"
    return out.replace(".", ",").replace("-", "−") if language == "sv" else out


@dataclass(frozen=True)
class WorkshopParameters:
    """Checked parameters of the workshop notebook (see :func:`validate_workshop_parameters`)."""

    before: str
    after: str
    instrument: str
    design: str
    subject_column: str
    group_column: str
    cluster_column: str
    feedback: str
    min_group_size: int
    language: str
    output_dir: str
    ci: float = 0.95


def validate_workshop_parameters(
    *,
    before: str,
    after: str,
    instrument: str,
    design: str = "auto",
    subject_column: str = "respondent_id",
    group_column: str = "",
    cluster_column: str = "",
    feedback: str = "",
    min_group_size: int = 5,
    language: str = "sv",
    output_dir: str = "reports/workshop",
    ci: float = 0.95,
) -> WorkshopParameters:
    """Check the notebook parameters before any work starts; a plain ``ValueError`` otherwise.

    Empty strings mean "not given" for ``group_column``, ``cluster_column``
    and ``feedback``.

    Examples
    --------
    >>> validate_workshop_parameters(before="x.csv", after="y.csv", instrument="dual_maturity",
    ...                              design="sometimes")
    Traceback (most recent call last):
    ...
    ValueError: design must be one of auto, paired, independent, then_test, did; got 'sometimes'.
    """
    from pathlib import Path

    from evaluation.data.instruments import load_instrument
    from evaluation.privacy import check_min_group_size

    if design not in WORKSHOP_DESIGNS:
        raise ValueError(f"design must be one of {', '.join(WORKSHOP_DESIGNS)}; got {design!r}.")
    _check_language(language)
    _check_ci(ci)
    k = check_min_group_size(min_group_size)
    for name, path in (("before", before), ("after", after), ("feedback", feedback)):
        if name == "feedback" and not path:
            continue
        if not path or not Path(path).exists():
            raise ValueError(f"The {name} file {path!r} does not exist; give the path to the survey export.")
    load_instrument(instrument)
    if design == "did" and not group_column:
        raise ValueError("design='did' needs group_column: the column saying who took part (1) and who "
                         "belongs to the comparison group (0).")
    return WorkshopParameters(before=str(before), after=str(after), instrument=str(instrument), design=design,
                              subject_column=subject_column or "", group_column=group_column or "",
                              cluster_column=cluster_column or "", feedback=feedback or "",
                              min_group_size=k, language=language, output_dir=str(output_dir), ci=float(ci))


@dataclass(frozen=True)
class DesignChoice:
    """Which design the before/after data allow, and why (``reason`` in sv and en)."""

    design: str
    requested: str
    reason: dict
    n_before: int
    n_after: int
    n_linked: int
    has_comparison_group: bool
    has_retrospective: bool


def retrospective_answers(rs: Any, *, suffixes: Sequence[str] = RETRO_SUFFIXES) -> pd.DataFrame | None:
    """The retrospective ("before the workshop I ...") answers of an after-round file.

    A then-test export has, beside each item column, a column ``<item id>_then``
    (or ``_retro`` / ``_fore``) with the retrospective answer; the reader keeps
    those in ``rs.meta``. Returns raw codes (float; don't know and anything
    off the scale as NaN) with the item ids as columns, or None when the file
    has no such columns. Items without a retrospective column are NaN.
    """
    inst = rs.instrument
    found = {}
    for it in inst.item_ids:
        for suf in suffixes:
            if f"{it}{suf}" in rs.meta.columns:
                found[it] = f"{it}{suf}"
                break
    if not found:
        return None
    out = pd.DataFrame(index=rs.meta.index, columns=inst.item_ids, dtype=float)
    sc = inst.scale
    lookup: dict[str, float] = {}
    for code, labels in sc.labels.items():
        lookup[str(int(code))] = float(code)
        for lab in labels.values():
            lookup[str(lab).strip().lower()] = float(code)
    missing_words = {""}
    if sc.dont_know_code is not None:
        missing_words.add(str(int(sc.dont_know_code)))
        missing_words |= {str(v).strip().lower() for v in (sc.dont_know_label or {}).values()}

    def parse(v: Any) -> float:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return np.nan
        t = str(v).strip().lower()
        if t in missing_words or t == "nan":
            return np.nan
        try:
            f = float(t.replace(",", "."))
            if f.is_integer() and str(int(f)) in lookup:
                return float(int(f))
        except ValueError:
            pass
        return lookup.get(t, np.inf)

    for it, col in found.items():
        vals = rs.meta[col].map(parse).astype(float)
        bad = np.isinf(vals)
        if bad.any():
            row = vals.index[np.flatnonzero(bad.to_numpy())[0]]
            raise ValueError(
                f"Column '{col}' (retrospective answer to {it}) holds {rs.meta.loc[row, col]!r} at row {row}, "
                f"which is not a code {sc.min}-{sc.max}, a scale label or don't know."
            )
        out[it] = vals
    return out


def _codes(meta: pd.DataFrame, column: str) -> pd.Series | None:
    if not column or column not in meta.columns:
        return None
    v = meta[column].astype(object)
    v = v.map(lambda x: np.nan if x is None or (isinstance(x, float) and np.isnan(x)) or str(x).strip() == ""
              else str(x).strip())
    return v


def _check_codes_unique(codes: pd.Series | None, *, column: str, where: str) -> None:
    """Raise a plain ``ValueError`` when a respondent code occurs twice ``where`` (a round or a file)."""
    if codes is None:
        return
    c = codes.dropna()
    dup = c[c.duplicated(keep=False)]
    if len(dup):
        code = dup.iloc[0]
        rows = list(dup.index[dup == code])
        raise ValueError(
            f"Respondent code {_show(code)} (column '{column}') is used {len(rows)} times in {where} "
            f"(rows {', '.join(map(str, rows[:5]))}); each respondent may answer once per round. "
            "Remove or merge the duplicates before the analysis."
        )


def choose_design(before: Any, after: Any, *, design: str = "auto", subject_column: str = "respondent_id",
                  group_column: str = "", cluster_column: str = "") -> DesignChoice:
    """Decide the design the two rounds allow (``design="auto"``) or check the one asked for.

    Rules for ``auto``, strongest first: a ``group_column`` present in both
    rounds -> ``did``; retrospective columns in the after file ->
    ``then_test``; respondent codes shared by the rounds -> ``paired`` (all
    linked) or ``partially_paired``; otherwise ``independent``.
    """
    if design not in WORKSHOP_DESIGNS:
        raise ValueError(f"design must be one of {', '.join(WORKSHOP_DESIGNS)}; got {design!r}.")
    cb, ca = _codes(before.meta, subject_column), _codes(after.meta, subject_column)
    _check_codes_unique(cb, column=subject_column, where="the before file")
    _check_codes_unique(ca, column=subject_column, where="the after file")
    nb, na = len(before.answers), len(after.answers)
    linked = 0 if cb is None or ca is None else len(set(cb.dropna()) & set(ca.dropna()))
    has_group = bool(group_column) and group_column in before.meta.columns and group_column in after.meta.columns
    retro = retrospective_answers(after)
    has_retro = retro is not None
    if bool(group_column) and not has_group:
        miss = [f for f, rs in (("before", before), ("after", after)) if group_column not in rs.meta.columns]
        raise ValueError(f"Column '{group_column}' (group_column) is missing in the {' and '.join(miss)} file; "
                         "every row needs 1 (took part) or 0 (comparison group).")
    if cluster_column and any(cluster_column not in rs.meta.columns for rs in (before, after)):
        raise ValueError(f"Column '{cluster_column}' (cluster_column) is missing in one of the files.")

    if design == "auto":
        if has_group:
            chosen = "did"
        elif has_retro:
            chosen = "then_test"
        elif linked >= 3:
            chosen = "paired" if linked == nb == na else "partially_paired"
        else:
            chosen = "independent"
    elif design == "paired":
        if linked < 2:
            raise ValueError(
                f"design='paired' needs respondents who answered both rounds with the same code in column "
                f"'{subject_column}', but {linked} code(s) appear in both files. Use design='independent' "
                "or 'auto'.")
        chosen = "paired"
    elif design == "then_test":
        if not has_retro:
            raise ValueError(
                "design='then_test' needs retrospective answers in the after file: a column "
                f"'<item id>_then' beside each item (for example '{after.instrument.item_ids[0]}_then').")
        chosen = "then_test"
    elif design == "did":
        if not group_column:
            raise ValueError("design='did' needs group_column (1 = took part, 0 = comparison group).")
        chosen = "did"
    else:
        chosen = "independent"

    n_a_only, n_b_only = nb - linked, na - linked
    sv = {
        "did": (f"Båda omgångarna har kolumnen '{group_column}' som skiljer deltagare från en jämförelsegrupp. "
                "Då jämförs deltagarnas förändring med jämförelsegruppens under samma tid (skillnad i "
                "skillnader). Det är den starkaste designen här, eftersom den räknar bort det som hände "
                "alla under perioden; den förutsätter att grupperna hade utvecklats lika utan workshoppen."),
        "then_test": ("Eftersvaren innehåller retrospektiva svar (\"före workshoppen …\", kolumner som slutar "
                      "på _then). Vi jämför deltagarnas bild i efterhand av läget före med vad de faktiskt "
                      "svarade före (responsförskjutning) och skattar effekten på båda sätten."),
        "paired": (f"{linked} svarande finns med i båda omgångarna med samma svarskod. Vi jämför varje "
                   "persons svar före och efter (parad design), vilket ger säkrare skattningar än två grupper."),
        "partially_paired": (f"{linked} svarande finns med i båda omgångarna, {n_a_only} bara före och {n_b_only} "
                             "bara efter. Vi använder ett t-test för delvis överlappande stickprov (Derrick m.fl. "
                             "2017) som tar vara på både de parade och de oparade svaren."),
        "independent": ("Svaren kan inte kopplas ihop mellan omgångarna (ingen svarskod finns i båda). Vi jämför "
                        "därför två grupper (Welchs t-test). Det är osäkrare än en parad jämförelse och förutsätter "
                        "att likartade personer svarade båda gångerna."),
    }
    en = {
        "did": (f"Both rounds have the column '{group_column}' separating participants from a comparison group. "
                "The participants' change is compared with the comparison group's change over the same period "
                "(difference in differences). This is the strongest design here, because it removes what happened "
                "to everyone meanwhile; it assumes both groups would have developed alike without the workshop."),
        "then_test": ("The after file holds retrospective answers (\"before the workshop I …\", columns ending in "
                      "_then). We compare the participants' hindsight view of the starting point with what they "
                      "actually answered before (response shift) and estimate the effect both ways."),
        "paired": (f"{linked} respondents answered both rounds with the same code. Each person's before and after "
                   "answers are compared (paired design), which is more precise than comparing two groups."),
        "partially_paired": (f"{linked} respondents answered both rounds, {n_a_only} only before and {n_b_only} only "
                             "after. A t-test for partially overlapping samples (Derrick et al. 2017) uses both the "
                             "paired and the unpaired answers."),
        "independent": ("The answers cannot be linked between the rounds (no respondent code appears in both). We "
                        "therefore compare two groups (Welch's t-test). This is less precise than a paired comparison "
                        "and assumes that similar people answered both times."),
    }
    reason = {"sv": sv[chosen], "en": en[chosen]}
    if design == "independent" and linked >= 2:
        reason["sv"] += (f" Obs: designen valdes som oberoende fast {linked} svarande går att koppla ihop; "
                         "det ger oftast bredare intervall än nödvändigt.")
        reason["en"] += (f" Note: the independent design was asked for although {linked} respondents can be "
                         "linked; this usually gives wider intervals than necessary.")
    if design == "paired" and (n_a_only or n_b_only):
        reason["sv"] += (f" Bara de {linked} som svarade båda gångerna ingår; {n_a_only} svar före och {n_b_only} "
                         "efter utan par lämnas utanför.")
        reason["en"] += (f" Only the {linked} who answered twice are analysed; {n_a_only} before and {n_b_only} "
                         "after answers without a pair are left out.")
    if chosen in ("paired", "partially_paired", "independent", "then_test"):
        reason["sv"] += (" Utan jämförelsegrupp går det inte att skilja workshoppens effekt från annat som "
                         "hände under samma tid.")
        reason["en"] += (" Without a comparison group the workshop's effect cannot be told apart from other "
                         "things that happened during the same period.")
    return DesignChoice(design=chosen, requested=design, reason=reason, n_before=nb, n_after=na,
                        n_linked=linked, has_comparison_group=has_group, has_retrospective=has_retro)


def _score_ids(inst: Any) -> list[tuple[str, str, str]]:
    cat_dim = inst.category_dimension()
    return ([(c, "category", cat_dim[c]) for c in inst.category_items()]
            + [(d, "dimension", d) for d in inst.dimension_categories()] + [("overall", "overall", "")])


def _holm(p: np.ndarray) -> np.ndarray:
    """Holm (1979) step-down adjusted p-values: max_{j<=i} min(1, (m - j + 1) p_(j)).

    Same values as statsmodels ``multipletests(method="holm")`` (tested), which
    is not called here because it runs ``gc.collect()`` on every call.
    """
    p = np.asarray(p, dtype=float)
    m = len(p)
    order = np.argsort(p)
    adj = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    out = np.empty(m)
    out[order] = adj
    return out


def _bh(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg (1995) adjusted p-values (scipy ``false_discovery_control``)."""
    return stats.false_discovery_control(np.asarray(p, dtype=float), method="bh")


def _mde_from_se(se: float, df: float, *, alpha: float = 0.05, power_: float = 0.8) -> float:
    """Minimum detectable effect from a standard error (Bloom 1995): (t_{1-a/2} + t_{power}) SE."""
    if not np.isfinite(se):
        return np.nan
    if not np.isfinite(df):
        return float((stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power_)) * se)
    return float((stats.t.ppf(1 - alpha / 2, df) + stats.t.ppf(power_, df)) * se)


def _row_from_prepost(res: PrePostResult) -> dict:
    es = res.effect_sizes
    name = "d_z" if "d_z" in es.index else ("hedges_g" if "hedges_g" in es.index else "d_av")
    return {"design": res.design, "test": res.test, "n_pre": res.n_pre, "n_post": res.n_post,
            "n_pairs": res.n_pairs, "mean_pre": res.mean_pre, "mean_post": res.mean_post, "diff": res.diff,
            "se": res.se, "df": res.df, "ci_low": res.ci_low, "ci_high": res.ci_high, "pvalue": res.pvalue,
            "nonparametric_pvalue": res.nonparametric_pvalue, "nonparametric_test": res.nonparametric_test,
            "es_name": name, "es": es.loc[name, "estimate"], "es_ci_low": es.loc[name, "ci_low"],
            "es_ci_high": es.loc[name, "ci_high"], "es_ci_method": es.loc[name, "ci_method"],
            "mde": _mde_from_se(res.se, res.df, alpha=1 - res.ci)}


def workshop_effects(
    before: Any,
    after: Any,
    *,
    design: str = "auto",
    subject_column: str = "respondent_id",
    group_column: str = "",
    cluster_column: str = "",
    min_group_size: int = 5,
    ci: float = 0.95,
    did_method: str = "auto",
    n_boot: int = 9999,
    seed: int = 0,
) -> pd.DataFrame:
    """Effect of the workshop per category, dimension and overall score: a tidy table.

    The design is chosen by :func:`choose_design` (or forced); each score
    (percent of max, :func:`evaluation.scoring.respondent_scores`) is then
    analysed with :func:`prepost`, :func:`then_test` or
    :func:`difference_in_differences`. Multiple-testing corrections (Holm and
    Benjamini-Hochberg, statsmodels ``multipletests``) are applied within each
    comparison and level (the categories are one family, the dimensions
    another), because a dimension score is the mean of its categories. The
    ``mde`` column is the change the design could detect with 80 % power,
    :math:`(t_{1-\\alpha/2} + t_{0.8})\\,SE` (Bloom 1995). A score with fewer
    than ``min_group_size`` answers in a round (or group x round cell) is
    kept as a row with ``suppressed=True`` and no numbers.

    Parameters
    ----------
    before, after : ResponseSet
        The two rounds, read with the same instrument.
    design : {"auto", "paired", "independent", "then_test", "did"}
    subject_column, group_column, cluster_column : str
        Metadata columns (empty string = not used).
    min_group_size : int
    ci : float
    did_method : {"auto", "mixed", "ols"}
        ``auto``: mixed model when respondents link or clusters are given, else OLS.
    n_boot, seed
        Wild cluster bootstrap settings for ``ols`` with few clusters.

    Returns
    -------
    DataFrame
        Columns ``id, level, dimension, comparison, design, test, n_pre, n_post,
        n_pairs, mean_pre, mean_post, diff, se, df, ci_low, ci_high, pvalue,
        p_holm, p_bh, nonparametric_pvalue, es_name, es, es_ci_low,
        es_ci_high, es_ci_method, mde, suppressed``; ``attrs["design"]`` holds
        the :class:`DesignChoice`.

    Examples
    --------
    >>> from evaluation.simulate import simulate_round
    >>> from evaluation.data.responses import read_responses
    >>> b = read_responses(simulate_round("dual_maturity", n=60, seed=1).data, "dual_maturity")
    >>> a = read_responses(simulate_round("dual_maturity", n=60, seed=2, level=0.5).data, "dual_maturity")
    >>> tab = workshop_effects(b, a)
    >>> tab.attrs["design"].design
    'paired'
    >>> tab.loc[tab.id == "overall", ["comparison", "test"]].values.tolist()
    [['post_pre', 'paired t']]
    """
    from evaluation.privacy import check_min_group_size
    from evaluation.scoring import respondent_scores

    k = check_min_group_size(min_group_size)
    _check_ci(ci)
    if before.instrument.id != after.instrument.id:
        raise ValueError(f"The before file was read with instrument '{before.instrument.id}' and the after file "
                         f"with '{after.instrument.id}'; both rounds must use the same instrument.")
    inst = after.instrument
    choice = choose_design(before, after, design=design, subject_column=subject_column,
                           group_column=group_column, cluster_column=cluster_column)
    for name, rs in (("before", before), ("after", after)):
        if len(rs.answers) < k:
            raise ValueError(f"The {name} file has {len(rs.answers)} accepted respondent(s), fewer than "
                             f"min_group_size={k}; results for so few are neither reliable nor anonymous.")
    sb, sa = respondent_scores(before), respondent_scores(after)
    ids = _score_ids(inst)
    common = [t for t in ids if sb[t[0]].notna().any() and sa[t[0]].notna().any()]
    dims = [t for t in common if t[1] == "dimension"]
    if not dims:
        empty_b = [t[0] for t in ids if t[1] == "dimension" and not sb[t[0]].notna().any()]
        empty_a = [t[0] for t in ids if t[1] == "dimension" and not sa[t[0]].notna().any()]
        raise ValueError(
            "The before and after files share no dimension with answers: "
            f"no scores before for {', '.join(empty_b) or '-'}; none after for {', '.join(empty_a) or '-'}. "
            "Check that both files are exports of the same questionnaire.")
    cb, ca = _codes(before.meta, subject_column), _codes(after.meta, subject_column)
    subj_b = cb if cb is not None else pd.Series(np.nan, index=sb.index, dtype=object)
    subj_a = ca if ca is not None else pd.Series(np.nan, index=sa.index, dtype=object)
    linked = choice.n_linked >= 2 and choice.design != "independent"
    if choice.design == "paired" and choice.requested == "paired":
        keep = set(subj_b.dropna()) & set(subj_a.dropna())
        mb, ma = subj_b.isin(keep).to_numpy(), subj_a.isin(keep).to_numpy()
        sb, sa, subj_b, subj_a = sb[mb], sa[ma], subj_b[mb], subj_a[ma]
    rows: list[dict] = []

    def suppressed_row(sid: str, level: str, dim: str, comparison: str, n_pre: int, n_post: int) -> dict:
        return {"id": sid, "level": level, "dimension": dim, "comparison": comparison, "design": choice.design,
                "n_pre": n_pre, "n_post": n_post, "suppressed": True}

    if choice.design in ("paired", "partially_paired", "independent"):
        for sid, level, dim in common:
            x_b, x_a = sb[sid], sa[sid]
            n1, n2 = int(x_b.notna().sum()), int(x_a.notna().sum())
            if min(n1, n2) < k:
                rows.append(suppressed_row(sid, level, dim, "post_pre", n1, n2))
                continue
            long = pd.DataFrame({
                "subject": pd.concat([subj_b, subj_a], ignore_index=True) if linked else np.nan,
                "round": [_BEFORE] * len(x_b) + [_AFTER] * len(x_a),
                "score": pd.concat([x_b, x_a], ignore_index=True)})
            res = prepost(long, score="score", time="round", subject="subject" if linked else None,
                          pre=_BEFORE, post=_AFTER, ci=ci, min_group_size=k)
            rows.append({"id": sid, "level": level, "dimension": dim, "comparison": "post_pre",
                         **_row_from_prepost(res), "suppressed": False})
    elif choice.design == "then_test":
        from evaluation.scoring import respondent_scores as _rs

        retro = retrospective_answers(after)
        st = _rs(retro, inst)
        for sid, level, dim in common:
            x_b, x_t, x_a = sb[sid], st[sid], sa[sid]
            n1, n2, nt = int(x_b.notna().sum()), int(x_a.notna().sum()), int(x_t.notna().sum())
            if min(n1, n2, nt) < k:
                for comp in ("then_pre", "post_pre", "post_then"):
                    rows.append(suppressed_row(sid, level, dim, comp, n1, n2))
                continue
            long = pd.DataFrame({
                "subject": pd.concat([subj_b, subj_a], ignore_index=True),
                "round": [_BEFORE] * len(x_b) + [_AFTER] * len(x_a),
                "pre": pd.concat([x_b, pd.Series(np.nan, index=x_a.index)], ignore_index=True),
                "then": pd.concat([pd.Series(np.nan, index=x_b.index), x_t], ignore_index=True),
                "post": pd.concat([pd.Series(np.nan, index=x_b.index), x_a], ignore_index=True)})
            tt = then_test(long, score_then="then", score_pre="pre", score_post="post", time="round",
                           subject="subject" if choice.n_linked >= 2 else None, pre=_BEFORE, post=_AFTER,
                           ci=ci, min_group_size=k)
            for comp, res in (("then_pre", tt.shift), ("post_pre", tt.effect_conventional),
                              ("post_then", tt.effect_retrospective)):
                rows.append({"id": sid, "level": level, "dimension": dim, "comparison": comp,
                             **_row_from_prepost(res), "suppressed": False})
    else:  # did
        gb = _group_indicator(before.meta[group_column], column=group_column)
        ga = _group_indicator(after.meta[group_column], column=group_column)
        clus = None
        if cluster_column:
            clus = pd.concat([_codes(before.meta, cluster_column), _codes(after.meta, cluster_column)],
                             ignore_index=True)
        use_subject = choice.n_linked >= 2
        method = did_method
        if method == "auto":
            method = "mixed" if (use_subject or clus is not None) else "ols"
        for sid, level, dim in common:
            y = pd.concat([sb[sid], sa[sid]], ignore_index=True)
            long = pd.DataFrame({"score": y, "round": [_BEFORE] * len(sb) + [_AFTER] * len(sa),
                                 "took_part": np.concatenate([gb, ga]).astype(int)})
            if use_subject:
                long["subject"] = pd.concat([subj_b, subj_a], ignore_index=True)
                # unlinked respondents get their own code, so nobody is dropped
                miss = long["subject"].isna()
                long.loc[miss, "subject"] = [f"_unlinked_{i}" for i in np.flatnonzero(miss)]
            if clus is not None:
                long["cluster"] = clus
            ok = long["score"].notna()
            cells = long[ok].groupby(["took_part", "round"]).size()
            n_pre = int(cells.xs(_BEFORE, level="round").sum()) if _BEFORE in cells.index.get_level_values(1) else 0
            n_post = int(cells.xs(_AFTER, level="round").sum()) if _AFTER in cells.index.get_level_values(1) else 0
            if len(cells) < 4 or cells.min() < k:
                rows.append(suppressed_row(sid, level, dim, "did", n_pre, n_post))
                continue
            res = difference_in_differences(
                long, score="score", time="round", group="took_part", pre=_BEFORE, post=_AFTER,
                cluster="cluster" if clus is not None else None,
                subject="subject" if use_subject else None,
                method=method, ci=ci, min_group_size=k, n_boot=n_boot, seed=seed)
            sd_pre = float(long.loc[ok & (long["round"] == _BEFORE), "score"].std(ddof=1))
            cm = res.cell_means.set_index(["group", "round"])["mean"]
            rows.append({
                "id": sid, "level": level, "dimension": dim, "comparison": "did", "design": "did",
                "test": f"difference in differences ({res.method}; {res.ci_method})",
                "n_pre": n_pre, "n_post": n_post, "n_pairs": choice.n_linked,
                "mean_pre": cm[("treated", "pre")], "mean_post": cm[("treated", "post")],
                "change_comparison": cm[("comparison", "post")] - cm[("comparison", "pre")],
                "diff": res.estimate, "se": res.se, "df": res.df, "ci_low": res.ci_low, "ci_high": res.ci_high,
                "pvalue": res.pvalue, "nonparametric_pvalue": np.nan, "nonparametric_test": "",
                "es_name": "d_did", "es": res.estimate / sd_pre, "es_ci_low": res.ci_low / sd_pre,
                "es_ci_high": res.ci_high / sd_pre, "es_ci_method": "interval / SD before (SD treated as known)",
                "mde": _mde_from_se(res.se, res.df, alpha=1 - ci), "suppressed": False})

    cols = ["id", "level", "dimension", "comparison", "design", "test", "n_pre", "n_post", "n_pairs",
            "mean_pre", "mean_post", "diff", "se", "df", "ci_low", "ci_high", "pvalue", "p_holm", "p_bh",
            "nonparametric_pvalue", "nonparametric_test", "es_name", "es", "es_ci_low", "es_ci_high",
            "es_ci_method", "mde", "suppressed"]
    out = pd.DataFrame(rows)
    for c in cols:
        if c not in out.columns:
            out[c] = np.nan
    extra = [c for c in out.columns if c not in cols]
    out = out[cols + extra]
    out["suppressed"] = out["suppressed"].astype(bool)
    for (comp, level), idx in out.groupby(["comparison", "level"]).groups.items():
        sub = out.loc[idx]
        ok = ~sub["suppressed"] & sub["pvalue"].notna()
        if ok.any():
            p = sub.loc[ok, "pvalue"].to_numpy(dtype=float)
            out.loc[sub.index[ok], "p_holm"] = _holm(p)
            out.loc[sub.index[ok], "p_bh"] = _bh(p)
    out.attrs["design"] = choice
    return out


def reaction_summary(feedback: Any, *, min_group_size: int = 5, ci: float = 0.95) -> pd.DataFrame:
    """Kirkpatrick level 1: the workshop-reaction items, one row per item, category and overall.

    Items: ``n`` answers, ``mean`` and t interval on the answer scale, and
    ``share_agree`` (share of answers in the top two scale steps). Categories
    and overall: mean respondent score in percent of max with a t interval
    (:func:`evaluation.scoring.group_scores`). Rows with fewer than
    ``min_group_size`` answers are suppressed (numbers NaN).
    """
    from evaluation.privacy import check_min_group_size
    from evaluation.scoring import group_scores, mean_ci

    k = check_min_group_size(min_group_size)
    inst = feedback.instrument
    top = inst.scale.max - 1
    rows = []
    cat_of = {it.id: it.category for it in inst.items}
    for it in inst.item_ids:
        x = feedback.answers[it].dropna()
        r = mean_ci(x, ci=ci)
        sup = r["n"] < k
        rows.append({"level": "item", "id": it, "category": cat_of[it], "n": r["n"],
                     "mean": np.nan if sup else r["mean"], "ci_low": np.nan if sup else r["ci_low"],
                     "ci_high": np.nan if sup else r["ci_high"],
                     "share_agree": np.nan if sup else float((x >= top).mean()),
                     "scale": f"{inst.scale.min}-{inst.scale.max}", "suppressed": sup})
    g = group_scores(feedback, by=None, min_group_size=k, ci=ci)
    for r in g.itertuples():
        rows.append({"level": r.level, "id": r.id, "category": r.id if r.level == "category" else "",
                     "n": r.n, "mean": r.mean, "ci_low": r.ci_low, "ci_high": r.ci_high, "share_agree": np.nan,
                     "scale": "0-100", "suppressed": bool(r.suppressed)})
    return pd.DataFrame(rows)


@dataclass(frozen=True, eq=False)
class WorkshopAnalysis:
    """Everything the workshop notebook shows (see :func:`analyse_workshop`)."""

    params: WorkshopParameters
    choice: DesignChoice
    table: pd.DataFrame
    before: Any
    after: Any
    feedback: Any
    reaction: pd.DataFrame | None
    reaction_change: dict | None
    planning: pd.DataFrame
    invariance: pd.DataFrame | None = None
    invariance_text: str = ""

    @property
    def instrument(self) -> Any:
        return self.after.instrument

    @property
    def results(self) -> dict:
        """Key figures for results.json (no respondent codes, no free text)."""
        files = {name: rs.summary() for name, rs in (("before", self.before), ("after", self.after),
                                                      ("feedback", self.feedback)) if rs is not None}
        return {
            "report": "workshop_effect",
            "instrument": self.instrument.id,
            "instrument_version": self.instrument.version,
            "language": self.params.language,
            "min_group_size": self.params.min_group_size,
            "ci": self.params.ci,
            "design": {"chosen": self.choice.design, "requested": self.choice.requested,
                       "reason": self.choice.reason[self.params.language], "n_before": self.choice.n_before,
                       "n_after": self.choice.n_after, "n_linked": self.choice.n_linked,
                       "comparison_group": self.choice.has_comparison_group,
                       "retrospective": self.choice.has_retrospective},
            "files": files,
            "effects": self.table,
            "reaction": self.reaction,
            "reaction_change": self.reaction_change,
            "planning": self.planning,
            "invariance": (None if self.invariance is None else
                           self.invariance.reset_index()[["model", "cfi", "rmsea", "srmr", "verdict"]]),
            "invariance_text": self.invariance_text,
            "conclusion": conclusion_markdown(self),
        }


def _paired_change(an_before: Any, an_after: Any, subject_column: str) -> pd.Series | None:
    from evaluation.scoring import respondent_scores

    cb, ca = _codes(an_before.meta, subject_column), _codes(an_after.meta, subject_column)
    if cb is None or ca is None:
        return None
    sb = respondent_scores(an_before)["overall"].set_axis(cb.to_numpy())
    sa = respondent_scores(an_after)["overall"].set_axis(ca.to_numpy())
    sb, sa = sb[sb.index.notna()], sa[sa.index.notna()]
    common = sb.index.intersection(sa.index)
    return (sa[common] - sb[common]).dropna()


def analyse_workshop(params: WorkshopParameters, *, n_boot: int = 9999, seed: int = 0) -> WorkshopAnalysis:
    """Read the files and compute every number of the workshop report.

    Steps: read before/after (and feedback) with
    :func:`evaluation.data.responses.read_responses`; :func:`choose_design`;
    :func:`workshop_effects`; :func:`reaction_summary`; the Spearman
    correlation between a participant's reaction and their own overall change
    (when the feedback file links by respondent code and at least
    ``max(min_group_size, 10)`` respondents link); and a planning table of
    :func:`minimum_detectable_effect` for the next round.
    """
    from evaluation.data.responses import read_responses
    from evaluation.scoring import respondent_scores

    before = read_responses(params.before, params.instrument)
    after = read_responses(params.after, params.instrument)
    table = workshop_effects(before, after, design=params.design, subject_column=params.subject_column,
                             group_column=params.group_column, cluster_column=params.cluster_column,
                             min_group_size=params.min_group_size, ci=params.ci, n_boot=n_boot, seed=seed)
    choice = table.attrs["design"]
    feedback = reaction = rc = None
    if params.feedback:
        feedback = read_responses(params.feedback, "workshop_reaction")
        reaction = reaction_summary(feedback, min_group_size=params.min_group_size, ci=params.ci)
        change = _paired_change(before, after, params.subject_column)
        cf = _codes(feedback.meta, params.subject_column)
        if change is not None and cf is not None and len(change):
            react = respondent_scores(feedback)["overall"].set_axis(cf.to_numpy())
            react = react[react.index.notna()].dropna()
            both = change.index.intersection(react.index)
            n = len(both)
            if n >= max(params.min_group_size, 10):
                rho, p = stats.spearmanr(react[both], change[both])
                z = np.arctanh(rho)
                h = stats.norm.ppf(0.5 + params.ci / 2) * np.sqrt(1.06 / (n - 3))  # Fieller et al. (1957)
                rc = {"n": n, "spearman_rho": float(rho), "ci_low": float(np.tanh(z - h)),
                      "ci_high": float(np.tanh(z + h)), "pvalue": float(p)}
            else:
                rc = {"n": n, "spearman_rho": np.nan, "ci_low": np.nan, "ci_high": np.nan, "pvalue": np.nan}
    # planning the next round: the change detectable with 80 % power for a few sizes
    sb, sa = respondent_scores(before)["overall"], respondent_scores(after)["overall"]
    sd = float(np.nanmean([sb.std(ddof=1), sa.std(ddof=1)]))
    r_obs = np.nan
    if choice.n_linked >= 3:
        cb, ca = _codes(before.meta, params.subject_column), _codes(after.meta, params.subject_column)
        x = pd.Series(sb.to_numpy(), index=cb.to_numpy())
        y = pd.Series(sa.to_numpy(), index=ca.to_numpy())
        x, y = x[x.index.notna()], y[y.index.notna()]
        com = x.index.intersection(y.index)
        pair = pd.DataFrame({"x": x[com], "y": y[com]}).dropna()
        if len(pair) >= 3:
            r_obs = float(pair["x"].corr(pair["y"]))
    plan = []
    for n in (10, 20, 40, 80, 160):
        row = {"n": n, "sd": sd, "r": r_obs,
               "mde_independent": minimum_detectable_effect(n=n, design="independent", sd=sd)}
        row["mde_paired"] = (minimum_detectable_effect(n=n, design="paired", sd=sd, r=float(np.clip(r_obs, -0.99, 0.99)))
                             if np.isfinite(r_obs) else np.nan)
        plan.append(row)
    inv, inv_text = invariance_across_rounds(before, after, language=params.language)
    return WorkshopAnalysis(params=params, choice=choice, table=table, before=before, after=after,
                            feedback=feedback, reaction=reaction, reaction_change=rc, planning=pd.DataFrame(plan),
                            invariance=inv, invariance_text=inv_text)


# -- text for the report --------------------------------------------------------
def design_markdown(res: WorkshopAnalysis) -> str:
    """What design the data allow and why, with the counts."""
    L = res.params.language
    c = res.choice
    H = _W[L]
    if L == "sv":
        head = (f"**Design: {H['designs'][c.design]}.** Före: {c.n_before} svarande, efter: {c.n_after}, "
                f"kopplade via svarskod: {c.n_linked}.")
    else:
        head = (f"**Design: {H['designs'][c.design]}.** Before: {c.n_before} respondents, after: {c.n_after}, "
                f"linked by respondent code: {c.n_linked}.")
    rej = []
    for name, rs in (("före" if L == "sv" else "before", res.before), ("efter" if L == "sv" else "after", res.after)):
        if len(rs.rejected):
            rej.append(f"{name}: {len(rs.rejected)}")
    if rej:
        head += (" Avvisade rader (se valideringen): " if L == "sv" else " Rejected rows (see validation): ") + \
            ", ".join(rej) + "."
    return head + "\n\n" + c.reason[L]


def effects_table(res: WorkshopAnalysis, *, comparison: str | None = None) -> pd.DataFrame:
    """The effects table as shown: rounded, named, suppressed rows marked."""
    L = res.params.language
    inst = res.instrument
    t = res.table if comparison is None else res.table[res.table["comparison"] == comparison]
    H = _W[L]
    sv = L == "sv"
    did = "change_comparison" in t.columns and (t["comparison"] == "did").any()
    out = pd.DataFrame({
        ("Mått" if sv else "Score"): [inst.name_of(i, L) for i in t["id"]],
        ("Nivå" if sv else "Level"): [H["levels"][x] for x in t["level"]],
        ("Jämförelse" if sv else "Comparison"): [H["comparisons"][x] for x in t["comparison"]],
        ("n före" if sv else "n before"): t["n_pre"].astype("Int64"),
        ("n efter" if sv else "n after"): t["n_post"].astype("Int64"),
        (("Före (deltagare)" if sv else "Before (participants)") if did else
         ("Före" if sv else "Before")): t["mean_pre"].round(1),
        (("Efter (deltagare)" if sv else "After (participants)") if did else
         ("Efter" if sv else "After")): t["mean_post"].round(1),
        **({("Förändring jämförelsegrupp" if sv else "Change comparison group"):
            t["change_comparison"].round(1)} if did else {}),
        (("Skillnad i förändring" if sv else "Difference in change") if did else
         ("Förändring" if sv else "Change")): t["diff"].round(1),
        ("95 % KI" if sv else "95 % CI"): [("–" if s else f"{_num(lo, L)} – {_num(hi, L)}")
                                           for s, lo, hi in zip(t["suppressed"], t["ci_low"], t["ci_high"])],
        "p": t["pvalue"].round(3),
        "p (Holm)": t["p_holm"].round(3),
        "p (BH)": t["p_bh"].round(3),
        ("Effektstorlek" if sv else "Effect size"): [("–" if s else f"{n} = {_num(e, L, 2)}")
                                                     for s, n, e in zip(t["suppressed"], t["es_name"], t["es"])],
        ("Minsta upptäckbara" if sv else "Min. detectable"): t["mde"].round(1),
    })
    return out.reset_index(drop=True)


def forest_table(res: WorkshopAnalysis, comparison: str) -> pd.DataFrame:
    """Rows for :func:`evaluation.plots.change_plot`: index id, columns diff, ci_low, ci_high (shown rows only)."""
    t = res.table[(res.table["comparison"] == comparison) & ~res.table["suppressed"]]
    return t.set_index("id")[["diff", "ci_low", "ci_high"]]


def main_comparison(res: WorkshopAnalysis) -> str:
    """The comparison the conclusion rests on: ``did`` or ``post_pre``."""
    return "did" if res.choice.design == "did" else "post_pre"


def _sentence_for(row: pd.Series, L: str, what: str) -> str:
    d, lo, hi = row["diff"], row["ci_low"], row["ci_high"]
    if lo > 0 or hi < 0:
        if L == "sv":
            verb = "ökade" if d > 0 else "minskade"
            return (f"{what} {verb} med {_num(abs(d), L)} procentenheter (95 % konfidensintervall "
                    f"{_num(lo, L)} till {_num(hi, L)}).")
        verb = "increased" if d > 0 else "decreased"
        return f"{what} {verb} by {_num(abs(d), L)} percentage points (95 % confidence interval {_num(lo, L)} to {_num(hi, L)})."
    if L == "sv":
        return (f"För {what.lower()} kunde vi inte påvisa någon förändring: skattningen är {_num(d, L)} "
                f"procentenheter, och data är förenliga med allt från {_num(lo, L)} till {_num(hi, L)}. "
                f"Förändringar mindre än ungefär {_num(row['mde'], L)} procentenheter hade undersökningen svårt "
                "att upptäcka. Det betyder inte att workshoppen saknade effekt – bara att en eventuell effekt "
                "inte går att se med så här många svarande.")
    return (f"For {what.lower()} we could not show a change: the estimate is {_num(d, L)} percentage points, and the "
            f"data are compatible with anything from {_num(lo, L)} to {_num(hi, L)}. Changes smaller than about "
            f"{_num(row['mde'], L)} points were hard to detect with this survey. This does not mean the workshop "
            "had no effect – only that any effect cannot be seen with this many respondents.")


def mde_markdown(res: WorkshopAnalysis) -> str:
    """The minimum detectable effect of this evaluation and the planning table's message."""
    L = res.params.language
    t = res.table[(res.table["comparison"] == main_comparison(res)) & ~res.table["suppressed"]]
    ov = t[t["id"] == "overall"]
    dims = t[t["level"] == "dimension"]
    if not len(ov):
        return "Underlaget är för litet för att beräkna detta." if L == "sv" else "Too few answers to compute this."
    m = float(ov["mde"].iloc[0])
    lo, hi = (dims["mde"].min(), dims["mde"].max()) if len(dims) else (np.nan, np.nan)
    if L == "sv":
        txt = (f"Med de här svaren hade en förändring av den totala mognaden på ungefär **{_num(m, L)} "
               f"procentenheter** upptäckts med 80 % sannolikhet (5 % signifikansnivå); för enskilda "
               f"dimensioner {_num(lo, L)}–{_num(hi, L)}. Mindre förändringar kan ha skett utan att synas. "
               "Tabellen visar vad nästa omgång kan upptäcka med olika antal svarande (per omgång), "
               "med samma spridning som nu"
               + (" och med den observerade korrelationen mellan före- och eftersvar för en parad design." if
                  np.isfinite(res.planning["r"].iloc[0]) else "."))
    else:
        txt = (f"With these answers a change in overall maturity of about **{_num(m, L)} percentage points** "
               f"would have been detected with 80 % probability (5 % significance level); for single dimensions "
               f"{_num(lo, L)}–{_num(hi, L)}. Smaller changes may have happened without showing. The table shows "
               "what the next round can detect with different numbers of respondents per round, with the same "
               "spread as now" + (" and the observed before-after correlation for a paired design." if
                                  np.isfinite(res.planning["r"].iloc[0]) else "."))
    return txt


def planning_table(res: WorkshopAnalysis) -> pd.DataFrame:
    """The planning table as shown (rounded)."""
    sv = res.params.language == "sv"
    p = res.planning
    out = pd.DataFrame({("Svarande per omgång" if sv else "Respondents per round"): p["n"],
                        ("Oberoende grupper" if sv else "Independent groups"): p["mde_independent"].round(1)})
    if p["mde_paired"].notna().any():
        out["Parad" if sv else "Paired"] = p["mde_paired"].round(1)
    return out


def reaction_markdown(res: WorkshopAnalysis) -> str:
    """Level 1 (reaction) beside level 3 (change in maturity), and their correlation when linkable."""
    L = res.params.language
    sv = L == "sv"
    if res.reaction is None:
        return ("Ingen fil med deltagarnas omdömen om workshoppen angavs (parametern feedback)." if sv else
                "No file with the participants' reactions to the workshop was given (parameter feedback).")
    ov = res.reaction[res.reaction["level"] == "overall"].iloc[0]
    main = res.table[(res.table["comparison"] == main_comparison(res)) & (res.table["id"] == "overall")]
    if ov["suppressed"]:
        txt = ("För få svar på reaktionsfrågorna för att visa dem." if sv else
               "Too few answers to the reaction items to show them.")
    elif sv:
        txt = (f"Deltagarnas samlade omdöme om workshoppen är {_num(ov['mean'], L)} % av max "
               f"(95 % KI {_num(ov['ci_low'], L)}–{_num(ov['ci_high'], L)}, n = {int(ov['n'])}). "
               "Även ett gott omdöme (nivå 1 i Kirkpatricks modell) visar bara att deltagarna uppskattade "
               "workshoppen, inte att verksamheten har förändrats (nivå 3).")
    else:
        txt = (f"The participants' overall rating of the workshop is {_num(ov['mean'], L)} % of max "
               f"(95 % CI {_num(ov['ci_low'], L)}–{_num(ov['ci_high'], L)}, n = {int(ov['n'])}). "
               "Even a good rating (level 1 in Kirkpatrick's model) only shows that the participants valued the "
               "workshop, not that the organisation has changed (level 3).")
    if len(main) and not main["suppressed"].iloc[0]:
        m = main.iloc[0]
        txt += (f" Förändringen i total mognad: {_num(m['diff'], L)} procentenheter "
                f"({_num(m['ci_low'], L)} till {_num(m['ci_high'], L)})." if sv else
                f" Change in overall maturity: {_num(m['diff'], L)} percentage points "
                f"({_num(m['ci_low'], L)} to {_num(m['ci_high'], L)}).")
    rc = res.reaction_change
    if rc is not None:
        if np.isfinite(rc["spearman_rho"]):
            txt += (f" Bland de {rc['n']} som kan kopplas är sambandet mellan omdöme och egen förändring "
                    f"ρ = {_num(rc['spearman_rho'], L, 2)} (95 % KI {_num(rc['ci_low'], L, 2)} till "
                    f"{_num(rc['ci_high'], L, 2)})." if sv else
                    f" Among the {rc['n']} who can be linked, the correlation between rating and own change is "
                    f"ρ = {_num(rc['spearman_rho'], L, 2)} (95 % CI {_num(rc['ci_low'], L, 2)} to "
                    f"{_num(rc['ci_high'], L, 2)}).")
        else:
            txt += (" För få svarande kan kopplas mellan omdöme och förändring för att visa ett samband." if sv else
                    " Too few respondents link rating and change to show a correlation.")
    return txt


def reaction_table(res: WorkshopAnalysis) -> pd.DataFrame | None:
    """The reaction items as shown (mean on the answer scale, share agreeing)."""
    if res.reaction is None or res.feedback is None:
        return None
    L = res.params.language
    sv = L == "sv"
    inst = res.feedback.instrument
    t = res.reaction[res.reaction["level"] == "item"]
    return pd.DataFrame({
        ("Påstående" if sv else "Statement"): [inst.name_of(i, L) for i in t["id"]],
        "n": t["n"],
        ("Medel" if sv else "Mean"): t["mean"].round(2),
        ("95 % KI" if sv else "95 % CI"): [("–" if s else f"{_num(a, L, 2)} – {_num(b, L, 2)}")
                                           for s, a, b in zip(t["suppressed"], t["ci_low"], t["ci_high"])],
        ("Andel som instämmer" if sv else "Share agreeing"): (100 * t["share_agree"]).round(0),
    }).reset_index(drop=True)


def conclusion_markdown(res: WorkshopAnalysis) -> str:
    """Plain-language conclusion that never over-claims (no effect shown is not an effect of zero)."""
    L = res.params.language
    sv = L == "sv"
    inst = res.instrument
    comp = main_comparison(res)
    t = res.table[(res.table["comparison"] == comp) & ~res.table["suppressed"]]
    ov = t[t["id"] == "overall"]
    if not len(ov):
        return ("Underlaget räcker inte för en slutsats: för få svar i någon omgång eller grupp." if sv else
                "The data do not support a conclusion: too few answers in a round or group.")
    what = ("Deltagarnas totala mognad jämfört med jämförelsegruppens" if comp == "did" and sv else
            "Participants' overall maturity relative to the comparison group" if comp == "did" else
            "Den totala mognaden" if sv else "Overall maturity")
    parts = [_sentence_for(ov.iloc[0], L, what)]
    cats = t[t["level"] == "category"]
    strong = cats[cats["p_holm"] < 0.05]
    if len(cats):
        if len(strong):
            names = ", ".join(f"{inst.name_of(r.id, L)} ({_num(r.diff, L)})" for r in strong.itertuples())
            parts.append(f"Efter korrektion för att {len(cats)} kategorier prövas samtidigt (Holm) kvarstår en "
                         f"tydlig förändring i: {names}." if sv else
                         f"After correcting for testing {len(cats)} categories at once (Holm), a clear change "
                         f"remains in: {names}.")
        else:
            parts.append(f"Efter korrektion för att {len(cats)} kategorier prövas samtidigt (Holm) visar ingen "
                         "enskild kategori en säkerställd förändring." if sv else
                         f"After correcting for testing {len(cats)} categories at once (Holm), no single category "
                         "shows a clear change.")
    if res.choice.design == "then_test":
        sh = res.table[(res.table["comparison"] == "then_pre") & (res.table["id"] == "overall") & ~res.table["suppressed"]]
        rt = res.table[(res.table["comparison"] == "post_then") & (res.table["id"] == "overall") & ~res.table["suppressed"]]
        if len(sh) and len(rt):
            s, r = sh.iloc[0], rt.iloc[0]
            clear = s["ci_low"] > 0 or s["ci_high"] < 0
            if sv:
                parts.append(
                    f"Mätt mot den retrospektiva förmätningen är förändringen {_num(r['diff'], L)} procentenheter "
                    f"({_num(r['ci_low'], L)} till {_num(r['ci_high'], L)}). Skillnaden mellan hur deltagarna i "
                    f"efterhand bedömer läget före och vad de svarade då är {_num(s['diff'], L)} "
                    f"({_num(s['ci_low'], L)} till {_num(s['ci_high'], L)}); "
                    + ("den är tydlig, vilket tyder på att workshoppen ändrade hur frågorna förstås "
                       "(responsförskjutning)." if clear else
                       "någon tydlig responsförskjutning kunde inte visas, men den kan inte heller uteslutas.")
                    + " Retrospektiva svar kan också färgas av en önskan att se framsteg, så ingen av de två "
                    "skattningarna är facit.")
            else:
                parts.append(
                    f"Measured against the retrospective pretest the change is {_num(r['diff'], L)} points "
                    f"({_num(r['ci_low'], L)} to {_num(r['ci_high'], L)}). The gap between the participants' "
                    f"hindsight view of the starting point and what they answered then is {_num(s['diff'], L)} "
                    f"({_num(s['ci_low'], L)} to {_num(s['ci_high'], L)}); "
                    + ("it is clear, which suggests the workshop changed how the questions are understood "
                       "(response shift)." if clear else
                       "no clear response shift could be shown, but one cannot be ruled out either.")
                    + " Retrospective answers can also be coloured by a wish to see progress, so neither estimate "
                    "is the final word.")
    if comp != "did":
        parts.append("Eftersom det saknas en jämförelsegrupp visar resultatet förändring under perioden, inte "
                     "säkert workshoppens effekt: annat kan ha hänt samtidigt." if sv else
                     "As there is no comparison group, the result shows change over the period, not necessarily "
                     "the workshop's effect: other things may have happened at the same time.")
    else:
        parts.append("Skattningen bygger på antagandet att deltagare och jämförelsegrupp hade utvecklats lika utan "
                     "workshoppen." if sv else
                     "The estimate rests on the assumption that participants and comparison group would have "
                     "developed alike without the workshop.")
    return " ".join(parts)


def before_after_plot(res: WorkshopAnalysis, *, score_id: str = "overall") -> Any:
    """Slopegraph of linked respondents (paired data) or before/after distributions (otherwise).

    Linked respondents: one thin line per person from before to after, and the
    mean change bold; shown only when at least ``min_group_size`` link.
    Otherwise a strip plot with box plots per round (and per group for
    difference in differences). Returns a matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    from evaluation.scoring import respondent_scores

    L = res.params.language
    sv = L == "sv"
    lab_b, lab_a = ("Före", "Efter") if sv else ("Before", "After")
    sb, sa = respondent_scores(res.before)[score_id], respondent_scores(res.after)[score_id]
    ylab = f"{res.instrument.name_of(score_id, L)} ({'% av max' if sv else '% of max'})"
    change = None
    if res.choice.n_linked >= res.params.min_group_size and res.choice.design != "did":
        cb, ca = _codes(res.before.meta, res.params.subject_column), _codes(res.after.meta, res.params.subject_column)
        x = pd.Series(sb.to_numpy(), index=cb.to_numpy())
        y = pd.Series(sa.to_numpy(), index=ca.to_numpy())
        x, y = x[x.index.notna()], y[y.index.notna()]
        com = x.index.intersection(y.index)
        change = pd.DataFrame({"b": x[com], "a": y[com]}).dropna()
    fig, ax = plt.subplots(figsize=(6, 4.5))
    if change is not None and len(change) >= res.params.min_group_size:
        for b, a in zip(change["b"], change["a"]):
            ax.plot([0, 1], [b, a], color="0.6", lw=0.8, alpha=0.6)
        ax.plot([0, 1], [change["b"].mean(), change["a"].mean()], color="#c44e52", lw=3,
                label="medel" if sv else "mean")
        ax.set_xticks([0, 1], [lab_b, lab_a])
        ax.legend(loc="best", frameon=False)
        ax.set_title((f"{len(change)} svarande som svarade båda gångerna" if sv else
                      f"{len(change)} respondents who answered both times"), fontsize=10)
    else:
        groups = [(lab_b, sb.dropna()), (lab_a, sa.dropna())]
        if res.choice.design == "did":
            gcol = res.params.group_column
            gb = _group_indicator(res.before.meta[gcol], column=gcol)
            ga = _group_indicator(res.after.meta[gcol], column=gcol)
            tp, cp = ("deltagare", "jämförelse") if sv else ("participants", "comparison")
            groups = [(f"{lab_b}\n{cp}", sb[~gb].dropna()), (f"{lab_a}\n{cp}", sa[~ga].dropna()),
                      (f"{lab_b}\n{tp}", sb[gb].dropna()), (f"{lab_a}\n{tp}", sa[ga].dropna())]
        groups = [(n, v) for n, v in groups if len(v) >= res.params.min_group_size]
        rng = np.random.default_rng(0)
        for i, (_, v) in enumerate(groups):
            ax.scatter(i + rng.uniform(-0.12, 0.12, len(v)), v, s=10, color="0.5", alpha=0.5)
        if groups:
            ax.boxplot([v.to_numpy() for _, v in groups], positions=range(len(groups)), widths=0.45,
                       showfliers=False)
            ax.set_xticks(range(len(groups)), [n for n, _ in groups])
    ax.set_ylabel(ylab)
    ax.set_ylim(-2, 102)
    ax.grid(axis="y", color="0.9")
    fig.tight_layout()
    return fig


def invariance_across_rounds(before: Any, after: Any, *, level: str = "dimension", min_n: int = 100,
                             language: str = "sv") -> tuple[pd.DataFrame | None, str]:
    """Did the survey measure the same thing before and after? Measurement invariance across the rounds.

    Fits the instrument's CFA (one factor per dimension or category, its items
    as indicators) in both rounds with :func:`evaluation.stats.structure.measurement_invariance`
    (configural, metric, scalar; Chen 2007 cut-offs). Scalar invariance is
    what a comparison of means before/after needs. With fewer than ``min_n``
    respondents in a round the test is not run (a CFA with that little data
    says little). When the same people answered both rounds the two groups are
    not independent; the test is then approximate.

    Returns
    -------
    (table or None, text)
    """
    from evaluation.stats.structure import measurement_invariance

    _check_language(language)
    sv = language == "sv"
    nb, na = len(before.answers), len(after.answers)
    if min(nb, na) < min_n:
        return None, (f"Testet kräver minst {min_n} svarande per omgång (här {nb} och {na}); med så få svar "
                      "säger en faktoranalys lite, så mätinvariansen är inte prövad. Jämförelsen ovan förutsätter "
                      "att frågorna uppfattades likadant båda gångerna." if sv else
                      f"The test needs at least {min_n} respondents per round (here {nb} and {na}); with so few a "
                      "factor analysis says little, so measurement invariance is not tested. The comparison above "
                      "assumes the questions were understood alike both times.")
    inst = after.instrument
    groups = inst.dimension_items() if level == "dimension" else inst.category_items()
    model = "\n".join(f"{f} =~ " + " + ".join(v) for f, v in groups.items() if len(v) >= 2)
    data = pd.concat([before.scored(), after.scored()], ignore_index=True)
    data["round"] = [_BEFORE] * nb + [_AFTER] * na
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tab = measurement_invariance(data, model, "round", missing="listwise")
    verdict = dict(zip(tab.index, tab["verdict"]))
    if verdict.get("scalar") == "holds":
        txt = ("Skalär invarians håller: frågorna verkar ha mätt samma sak på samma sätt före och efter, så "
               "medelvärdena går att jämföra." if sv else
               "Scalar invariance holds: the questions seem to have measured the same thing in the same way "
               "before and after, so the means can be compared.")
    else:
        txt = ("Full (skalär) invarians kunde inte visas: frågorna kan ha uppfattats olika före och efter "
               "workshoppen, och en förändring i medelvärde kan delvis bero på det (jämför "
               "responsförskjutning)." if sv else
               "Full (scalar) invariance could not be shown: the questions may have been understood differently "
               "before and after the workshop, and part of a change in means may come from that (compare "
               "response shift).")
    return tab, txt


# -- command line ------------------------------------------------------------------

def _cmd_workshop(args: Any) -> int:
    """``dmkit workshop``: validate parameters, run the notebook, one plain message on failure."""
    from evaluation.reports.protocol import run_report_command

    params = {
        "before": args.before, "after": args.after, "instrument": args.instrument, "design": args.design,
        "subject_column": args.subject_column or "", "group_column": args.group_column or "",
        "cluster_column": args.cluster_column or "", "feedback": args.feedback or "",
        "min_group_size": args.min_group_size, "language": args.language, "output_dir": args.output_dir,
    }
    return run_report_command(notebook="workshop_effect.ipynb", name="workshop_effect", params=params,
                              validate=validate_workshop_parameters, quiet=args.quiet, what="workshop-effect")


def add_cli(subparsers: Any) -> None:
    """Register ``dmkit workshop`` (called by :mod:`evaluation.cli`)."""
    s = subparsers.add_parser("workshop", help="did the workshop change anything? (before/after report)")
    s.add_argument("before", help="survey export from before the workshop, e.g. data_samples/workshop_before.csv")
    s.add_argument("after", help="survey export from after the workshop, e.g. data_samples/workshop_after.csv")
    s.add_argument("--instrument", "-i", required=True)
    s.add_argument("--design", default="auto", choices=["auto", "paired", "independent", "then_test", "did"],
                   help="the before/after design (default auto: read from the data), e.g. did")
    s.add_argument("--subject-column", default="respondent_id", help="respondent codes linking the rounds ('' = none), e.g. respondent_id")
    s.add_argument("--group-column", default="", help="1 = took part, 0 = comparison group (for did), e.g. took_part")
    s.add_argument("--cluster-column", default="", help="e.g. unit, for clustered designs")
    s.add_argument("--feedback", default="", help="export of the workshop_reaction questionnaire (optional), "
                   "e.g. data_samples/workshop_reaction.csv")
    s.add_argument("--min-group-size", type=int, default=5)
    s.add_argument("--language", "-l", default="sv")
    s.add_argument("--output-dir", "-o", default="reports/workshop")
    s.add_argument("--quiet", "-q", action="store_true")
    s.set_defaults(func=_cmd_workshop)
