"""Is a unit's mean the unit's maturity? Agreement and aggregation statistics.

Three questions a researcher asks before reporting a unit mean:

* Do units differ more than respondents within them?  :func:`group_agreement`
  (one-way ANOVA ICC(1) and ICC(2), Bliese 2000).
* Do the members of a unit agree?  :func:`within_group_agreement`
  (rwg(J), James, Demaree & Wolf 1984; awg, Brown & Hauenstein 2005).
* What is a small unit's best estimate?  :func:`unit_means` (REML random
  intercepts and shrunken BLUP means, as ``lme4::lmer``).

Numbers only: no text, no cut-offs applied here (the published cut-offs live
in ``evaluation.criteria``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["GroupAgreement", "UnitMeans", "group_agreement", "unit_means", "within_group_agreement"]


def _column(frame: Any, name: Any, what: str) -> pd.Series:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame with one row per respondent, "
                        f"got {type(frame).__name__}.")
    if not isinstance(name, str) or name not in frame.columns:
        raise ValueError(f"Column {name!r} is not in the {what} frame; its columns are "
                         f"{', '.join(map(str, frame.columns))}.")
    return frame[name]


def _numeric(s: pd.Series, what: str) -> pd.Series:
    out = pd.to_numeric(s, errors="coerce")
    bad = s.notna() & out.isna()
    if bad.any():
        row = bad.idxmax()
        raise ValueError(f"Column {what!r}, row {row!r}: value {s[row]!r} is not a number "
                         "(expected a numeric score or empty).")
    return out.astype(float)


# --------------------------------------------------------------------------- ICC(1), ICC(2)
@dataclass(frozen=True)
class GroupAgreement:
    """One-way ANOVA variance decomposition of a score by group (see :func:`group_agreement`)."""

    icc1: float
    icc2: float
    ms_between: float
    ms_within: float
    df_between: int
    df_within: int
    n: int
    n_groups: int

    def to_frame(self) -> pd.DataFrame:
        """One row with every attribute."""
        return pd.DataFrame([self.__dict__])


def group_agreement(scores: pd.DataFrame, score: str, group: str) -> GroupAgreement:
    r"""ICC(1) and ICC(2) of a respondent score from a one-way ANOVA by group.

    With :math:`MS_B`, :math:`MS_W` the between- and within-group mean
    squares of ``score ~ group`` and :math:`\bar k = N / G` the mean group
    size (as ``multilevel::ICC1``),

    .. math:: ICC(1) = \frac{MS_B - MS_W}{MS_B + (\bar k - 1) MS_W}, \qquad
              ICC(2) = \frac{MS_B - MS_W}{MS_B}.

    ICC(1) is the share of score variance due to the unit; ICC(2) the
    reliability of the unit means. Rows with a missing score or group are
    dropped.

    References
    ----------
    Bliese, P. D. (2000). Within-group agreement, non-independence, and
    reliability. In Klein & Kozlowski (eds.), *Multilevel theory, research,
    and methods in organizations*, 349-381. Jossey-Bass.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"unit": list("aaabbbccc"), "overall": [50, 55, 60, 70, 72, 75, 40, 45, 41]})
    >>> res = group_agreement(d, "overall", "unit")
    >>> round(res.icc1, 4), round(res.icc2, 4), res.df_between, res.df_within
    (0.9468, 0.9816, 2, 6)
    """
    y = _numeric(_column(scores, score, "scores"), score)
    g = _column(scores, group, "scores")
    ok = y.notna() & g.notna()
    y, g = y[ok].to_numpy(), g[ok].to_numpy()
    codes, _ = pd.factorize(g)
    n, k = len(y), int(codes.max()) + 1 if len(y) else 0
    if k < 2 or n - k < 1:
        raise ValueError(f"group_agreement needs at least two groups in column {group!r} and more "
                         f"respondents than groups with a score in {score!r}; got {n} respondents "
                         f"in {k} groups.")
    cnt = np.bincount(codes)
    means = np.bincount(codes, weights=y) / cnt
    ssb = float(np.sum(cnt * (means - y.mean()) ** 2))
    ssw = float(np.sum((y - means[codes]) ** 2))
    msb, msw = ssb / (k - 1), ssw / (n - k)
    kbar = n / k
    icc1 = (msb - msw) / (msb + (kbar - 1) * msw)
    icc2 = (msb - msw) / msb if msb > 0 else float("nan")
    return GroupAgreement(icc1=float(icc1), icc2=float(icc2), ms_between=msb, ms_within=msw,
                          df_between=k - 1, df_within=n - k, n=n, n_groups=k)


# --------------------------------------------------------------------------- rwg(J), awg
def _awg_item(x: np.ndarray, low: float, high: float) -> float:
    """Brown & Hauenstein's a_wg of one item's answers in one group (as multilevel::awg)."""
    k = len(x)
    m = x.mean()
    v = x.var(ddof=1)
    with np.errstate(invalid="ignore", divide="ignore"):  # 0/0 when every answer is at an end: set below
        out = 1 - 2 * v / (((high + low) * m - m * m - high * low) * (k / (k - 1)))
    if m < (low * (k - 1) + high) / k or m > (high * (k - 1) + low) / k:
        out = np.nan
    if m == high or m == low:
        out = 1.0
    return float(out)


def within_group_agreement(items: pd.DataFrame, group: Any, *, scale: tuple = (1, 6)) -> pd.DataFrame:
    r"""Within-group agreement per group: rwg(J) and awg over a set of items.

    Rows with any missing item are left out (as ``multilevel``'s
    ``na.exclude``). For a group of :math:`n \ge 2` with mean item variance
    :math:`\bar s^2` over :math:`J` items and the uniform null variance
    :math:`\sigma^2_{EU} = (A^2 - 1)/12` of an :math:`A`-point scale
    (James, Demaree & Wolf 1984; :math:`\bar s^2` truncated at
    :math:`\sigma^2_{EU}`, as ``multilevel::rwg.j``)

    .. math:: r_{wg(J)} = \frac{J(1 - \bar s^2/\sigma^2_{EU})}
              {J(1 - \bar s^2/\sigma^2_{EU}) + \bar s^2/\sigma^2_{EU}}.

    awg (Brown & Hauenstein 2005) is the mean over items of
    :math:`1 - 2 s^2 / \{[(H + L)M - M^2 - HL]\, n/(n - 1)\}` with item mean
    :math:`M` and scale bounds :math:`L, H`; an item whose mean is too close
    to a bound for its variance to be bounded is left out (NaN), an item
    with every answer at a bound counts 1 (as ``multilevel::awg``).

    Parameters
    ----------
    items : DataFrame
        Item columns only (scored 1..A, missing as NaN), one row per respondent.
    group : Series or array
        Group label per row, aligned with ``items``.
    scale : (low, high)
        Scale bounds; A = high - low + 1.

    Returns
    -------
    DataFrame
        Indexed by group (index name ``group``, in order of first appearance):
        ``n`` (complete rows), ``rwg_j``, ``awg``; NaN where undefined
        (fewer than two complete rows).

    References
    ----------
    James, Demaree & Wolf (1984) *J Appl Psychol* 69, 85-98;
    Brown & Hauenstein (2005) *Organizational Research Methods* 8, 165-184.

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"a": [4, 5, 4, 2, 6, 1], "b": [5, 5, 4, 3, 6, 2]})
    >>> within_group_agreement(x, pd.Series(list("uuuvvv")), scale=(1, 6)).round(4)
           n   rwg_j     awg
    group
    u      3  0.9394  0.9200
    v      3  0.0000 -0.2421
    """
    if not isinstance(items, pd.DataFrame):
        raise TypeError(f"items must be a DataFrame of item columns, got {type(items).__name__}.")
    low, high = (float(v) for v in scale)
    if not high > low:
        raise ValueError(f"scale must be (low, high) with high > low, got {scale!r}.")
    gv = group.to_numpy() if isinstance(group, pd.Series) else np.asarray(group)
    if len(gv) != len(items):
        raise ValueError(f"group has {len(gv)} labels but items has {len(items)} rows; pass one label per row.")
    g = pd.Series(gv, index=items.index)
    x = items.apply(lambda s: _numeric(s, str(s.name)))
    outside = (x < low) | (x > high)
    if outside.any().any():
        col = outside.any().idxmax()
        row = outside[col].idxmax()
        raise ValueError(f"Column {col!r}, row {row!r}: value {x.loc[row, col]!r} is outside the "
                         f"scale {low:g}..{high:g}.")
    ranvar = ((high - low + 1) ** 2 - 1) / 12
    complete = x.notna().all(axis=1)
    rows = []
    labels = list(dict.fromkeys(g[g.notna()]))
    for lab in labels:
        q = x[(g == lab) & complete].to_numpy()
        n = q.shape[0]
        rwg = awg = np.nan
        if n > 1:
            s = min(float(q.var(axis=0, ddof=1).mean()), ranvar)
            j = q.shape[1]
            rwg = j * (1 - s / ranvar) / (j * (1 - s / ranvar) + s / ranvar)
            vals = np.array([_awg_item(q[:, c], low, high) for c in range(q.shape[1])])
            awg = float(np.nanmean(vals)) if np.isfinite(vals).any() else np.nan
        rows.append({"group": lab, "n": n, "rwg_j": rwg, "awg": awg})
    return pd.DataFrame(rows, columns=["group", "n", "rwg_j", "awg"]).set_index("group")


# --------------------------------------------------------------------------- REML unit means
@dataclass(frozen=True)
class UnitMeans:
    """Random-intercept model of a score by unit (see :func:`unit_means`)."""

    intercept: float
    intercept_se: float
    var_group: float
    var_nested_in: float | None
    var_residual: float
    icc: float
    reml_criterion: float
    units: pd.DataFrame = field(repr=False)
    converged: bool = True
    messages: tuple = ()

    def to_frame(self) -> pd.DataFrame:
        """The per-unit table (``units``) with the model-level numbers as ``attrs``."""
        out = self.units.copy()
        out.attrs.update({k: getattr(self, k) for k in ("intercept", "intercept_se", "var_group",
                                                        "var_nested_in", "var_residual", "icc",
                                                        "reml_criterion")})
        return out


def _reml(y: np.ndarray, factors: list) -> Any:
    from evaluation.stats.effects import _reml_random_intercepts

    names = [f"f{i}" for i in range(len(factors))]
    return _reml_random_intercepts(np.ones((len(y), 1)), y, factors, names=["(Intercept)"],
                                   factor_names=names)


def unit_means(scores: pd.DataFrame, score: str, group: str, *, nested_in: str | None = None) -> UnitMeans:
    r"""Raw and shrunken (BLUP) unit means from a REML random-intercept model.

    Fits ``lme4::lmer(score ~ 1 + (1 | nested_in) + (1 | group))`` (or
    ``score ~ 1 + (1 | group)``) by REML, with the kit's profiled-deviance
    REML (``evaluation.stats.effects``; Bates et al. 2015, eq. 41). The BLUP of a
    unit is the fixed intercept plus its predicted random effects (unit, and
    its municipality when nested): with variance components
    :math:`\sigma^2_u, \sigma^2_e` in the unit-only model

    .. math:: \hat\mu_j = \hat\beta + \frac{n_j\sigma^2_u}{n_j\sigma^2_u + \sigma^2_e}
              (\bar y_j - \hat\beta), \qquad
              \mathrm{cond\_sd}_j = \sqrt{\frac{\sigma^2_u\sigma^2_e}{n_j\sigma^2_u + \sigma^2_e}},

    the latter lme4's ``sqrt(attr(ranef(fit, condVar = TRUE)$group, "postVar"))``
    of the unit-only model (also when ``nested_in`` is given). In the nested
    model the random effects solve Henderson's mixed-model equations.
    ``icc`` is the unit's share of the total variance. Rows with a missing
    score or label are dropped; ``t_ci_low/high`` is the 95 % t interval of
    the raw mean (NaN for a unit of one).

    Returns
    -------
    UnitMeans
        ``intercept``, ``intercept_se``, ``var_group``, ``var_nested_in``
        (None when not nested), ``var_residual``, ``icc``,
        ``reml_criterion`` (lme4's ``REMLcrit``) and ``units`` indexed by
        group: ``n, raw_mean, t_ci_low, t_ci_high, blup_mean, cond_sd``.

    References
    ----------
    Bates, Maechler, Bolker & Walker (2015) *J Stat Softw* 67(1);
    Henderson (1975) *Biometrics* 31, 423-447.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> unit = np.repeat(list("abcdef"), [3, 20, 25, 30, 8, 14])
    >>> eff = dict(zip("abcdef", rng.normal(scale=5, size=6)))
    >>> y = 60 + np.array([eff[u] for u in unit]) + rng.normal(scale=10, size=len(unit))
    >>> res = unit_means(pd.DataFrame({"unit": unit, "overall": y}), "overall", "unit")
    >>> bool(abs(res.units.loc["a", "blup_mean"] - res.intercept)
    ...      <= abs(res.units.loc["a", "raw_mean"] - res.intercept))
    True
    """
    y = _numeric(_column(scores, score, "scores"), score)
    g = _column(scores, group, "scores")
    ok = y.notna() & g.notna()
    m = None
    if nested_in is not None:
        m = _column(scores, nested_in, "scores")
        ok &= m.notna()
        m = m[ok].to_numpy()
    yv, gv = y[ok].to_numpy(), g[ok].to_numpy()
    levels = list(dict.fromkeys(gv))
    if len(levels) < 2 or len(yv) <= len(levels):
        raise ValueError(f"unit_means needs at least two groups in column {group!r} and more "
                         f"respondents than groups with a score; got {len(yv)} respondents in "
                         f"{len(levels)} groups.")
    gcodes = pd.Categorical(gv, categories=levels).codes
    n_j = np.bincount(gcodes, minlength=len(levels)).astype(float)
    raw = np.bincount(gcodes, weights=yv, minlength=len(levels)) / n_j
    sd = np.array([yv[gcodes == j].std(ddof=1) if n_j[j] > 1 else np.nan for j in range(len(levels))])
    with np.errstate(invalid="ignore"):
        tq = stats.t.ppf(0.975, n_j - 1)
    half = np.where(n_j > 1, tq * sd / np.sqrt(n_j), np.nan)

    # unit-only model: always fitted (cond_sd comes from it)
    fit1 = _reml(yv, [gv])
    s2u, s2e = fit1.variance_components["f0"], fit1.variance_components["residual"]
    beta1 = float(fit1.fe_params.iloc[0])
    cond_sd = np.sqrt(s2u * s2e / (n_j * s2u + s2e))
    if m is None:
        fit = fit1
        blup = beta1 + n_j * s2u / (n_j * s2u + s2e) * (raw - beta1)
        var_m = None
        icc = s2u / (s2u + s2e)
    else:
        fit = _reml(yv, [m, gv])
        var_m = fit.variance_components["f0"]
        s2u_n, s2e_n = fit.variance_components["f1"], fit.variance_components["residual"]
        beta = float(fit.fe_params.iloc[0])
        mlev = list(dict.fromkeys(m))
        mcodes = pd.Categorical(m, categories=mlev).codes
        q1, q2 = len(levels), len(mlev)
        # Henderson: (Z'Z + s2e G^-1) u = Z'(y - beta), Z = [unit | municipality]
        ztz = np.zeros((q1 + q2, q1 + q2))
        np.add.at(ztz, (gcodes, gcodes), 1.0)
        np.add.at(ztz, (q1 + mcodes, q1 + mcodes), 1.0)
        np.add.at(ztz, (gcodes, q1 + mcodes), 1.0)
        np.add.at(ztz, (q1 + mcodes, gcodes), 1.0)
        ginv = np.concatenate([np.full(q1, s2e_n / s2u_n if s2u_n > 0 else 1e12),
                               np.full(q2, s2e_n / var_m if var_m > 0 else 1e12)])
        r = yv - beta
        rhs = np.concatenate([np.bincount(gcodes, weights=r, minlength=q1),
                              np.bincount(mcodes, weights=r, minlength=q2)])
        u = np.linalg.solve(ztz + np.diag(ginv), rhs)
        # each unit's municipality (the first it appears with)
        unit_muni = pd.Series(mcodes).groupby(gcodes).first().reindex(range(q1)).to_numpy()
        blup = beta + u[:q1] + u[q1 + unit_muni]
        s2u = s2u_n
        s2e = s2e_n
        icc = s2u / (s2u + var_m + s2e)
    units = pd.DataFrame({"n": n_j.astype(int), "raw_mean": raw, "t_ci_low": raw - half,
                          "t_ci_high": raw + half, "blup_mean": blup, "cond_sd": cond_sd},
                         index=pd.Index(levels, name="group"))
    return UnitMeans(intercept=float(fit.fe_params.iloc[0]), intercept_se=float(fit.bse.iloc[0]),
                     var_group=float(s2u), var_nested_in=None if var_m is None else float(var_m),
                     var_residual=float(s2e), icc=float(icc), reml_criterion=float(fit.reml_criterion),
                     units=units, converged=bool(fit.converged), messages=tuple(fit.messages))
