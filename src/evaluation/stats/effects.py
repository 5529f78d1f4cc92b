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
* :func:`difference_in_differences` (:mod:`evaluation.stats.did`) -- participants against a comparison
  group, before and after: a mixed model ``score ~ post*treated + (1|cluster)
  + (1|subject)`` fitted by REML (same fixed effect and standard error as
  ``lme4::lmer``), or OLS with cluster-robust (CR1) errors and a wild cluster
  bootstrap when clusters are few.
* :func:`power` and :func:`minimum_detectable_effect` (:mod:`evaluation.stats.power`) -- planning the next
  round, for paired, independent and clustered designs.
* :func:`workshop_effects` (:mod:`evaluation.stats.workshop`) -- the
  per-dimension and per-category table of the workshop report, with Holm and
  Benjamini-Hochberg corrections.

The names of the other modules stay importable from here (``from
evaluation.stats.effects import difference_in_differences``), loaded on first use.

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

import importlib
import warnings
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

__all__ = [
    "PrePostResult",
    "ThenTestResult",
    "prepost",
    "then_test",
]

#: names defined in the sibling modules, served lazily from here for code written against 0.1/0.2-dev
_ELSEWHERE = {
    **dict.fromkeys(("DiDResult", "REMLFit", "difference_in_differences", "_reml_random_intercepts"),
                    "evaluation.stats.did"),
    **dict.fromkeys(("power", "minimum_detectable_effect"), "evaluation.stats.power"),
    **dict.fromkeys(("workshop_effects", "WORKSHOP_DESIGNS", "RETRO_SUFFIXES", "DesignChoice", "choose_design",
                     "retrospective_answers", "reaction_summary", "invariance_across_rounds"),
                    "evaluation.stats.workshop"),
}


def __getattr__(name: str) -> Any:
    target = _ELSEWHERE.get(name)
    if target is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(target), name)


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
