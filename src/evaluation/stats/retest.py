"""Test--retest reliability and Feldt's tests comparing Cronbach's alphas.

:func:`retest_reliability`: ICC(2,1) and ICC(3,1) per score with
:func:`pingouin.intraclass_corr` (its intervals at full precision), SEM and
the smallest detectable change. :func:`compare_alphas`: Feldt's (1969)
independent-samples and Feldt, Woodruff & Salih's (1987) dependent-samples
tests of two alphas.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.stats.agreement import _as_frame, _check_same_length

__all__ = ["RetestResult", "retest_reliability", "AlphaComparison", "compare_alphas"]

# ----------------------------------------------------------------------------
# test--retest
# ----------------------------------------------------------------------------
@contextlib.contextmanager
def _pingouin_full_precision():
    import pingouin as pg

    saved = dict(pg.options)
    for key in [k for k in pg.options if k.startswith("round")]:
        pg.options[key] = None
    try:
        yield pg
    finally:
        pg.options.clear()
        pg.options.update(saved)


@dataclass(frozen=True)
class RetestResult:
    """Test--retest reliability and measurement error per score.

    ``table`` has one row per score: ``score``, ``n``, ``mean_t1``,
    ``mean_t2``, ``sd_pooled``, ``icc2`` (ICC(2,1), absolute agreement, two-way
    random) with ``icc2_low``/``icc2_high``, ``icc3`` (ICC(3,1), consistency,
    two-way mixed) with ``icc3_low``/``icc3_high``, ``sem`` and ``sdc``.
    """

    __test__ = False  # not a pytest test class despite its name

    table: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The table."""
        return self.table.copy()

    def __getitem__(self, key: str) -> Any:
        """Shortcut when one score was given: ``res["icc2"]``."""
        if len(self.table) != 1:
            raise KeyError("Several scores: index .table instead.")
        return self.table.iloc[0][key]


def retest_reliability(scores_t1: Any, scores_t2: Any) -> RetestResult:
    r"""ICC(2,1) and ICC(3,1), SEM and smallest detectable change.

    The ICCs and their 95 % intervals come from
    :func:`pingouin.intraclass_corr` (two-way ANOVA, McGraw & Wong 1996;
    Shrout & Fleiss 1979) on respondents with both occasions. Measurement
    error uses the agreement ICC, as COSMIN recommends:

    .. math:: SEM = SD_{pooled}\sqrt{1 - ICC(2,1)},\qquad
              SDC = 1.96\,\sqrt{2}\,SEM,

    where :math:`SD_{pooled} = \sqrt{(s_1^2 + s_2^2)/2}` pools the two
    occasions' sample SDs (ddof = 1). SDC is the smallest change of one
    respondent's score that exceeds measurement error (de Vet et al. 2006).

    Parameters
    ----------
    scores_t1, scores_t2 : Series, array or DataFrame
        Scores at the first and second occasion, paired by position; with
        DataFrames, the same columns in both (one row per column in the result).

    Returns
    -------
    RetestResult

    References
    ----------
    Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations. *Psychol
    Bull*, 86, 420--428. de Vet, H. C. W., et al. (2006). When to use agreement
    versus reliability measures. *J Clin Epidemiol*, 59, 1033--1039.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> t = rng.normal(50, 10, 100)
    >>> res = retest_reliability(t + rng.normal(0, 4, 100), t + rng.normal(0, 4, 100))
    >>> bool(0.7 < res["icc2"] < 0.95), bool(res["icc2_low"] < res["icc2"] < res["icc2_high"])
    (True, True)
    >>> bool(abs(res["sdc"] - 1.96 * np.sqrt(2) * res["sem"]) < 1e-12)
    True
    """
    a = _as_frame(scores_t1, name="scores_t1", prefix="score")
    b = _as_frame(scores_t2, name="scores_t2", prefix="score")
    _check_same_length(len(a), len(b), "scores_t1", "scores_t2")
    if list(a.columns) != list(b.columns):
        if a.shape[1] == b.shape[1] == 1:
            b.columns = a.columns
        else:
            raise ValueError(
                f"scores_t1 has columns {list(a.columns)} but scores_t2 has {list(b.columns)}; "
                "give the same scores at both occasions."
            )
    rows = []
    for col in a.columns:
        ok = a[col].notna() & b[col].notna()
        x1, x2 = a.loc[ok, col].to_numpy(), b.loc[ok, col].to_numpy()
        n = len(x1)
        if n < 3:
            raise ValueError(
                f"Only {n} respondents have {col!r} at both occasions; an ICC needs at least 3."
            )
        long = pd.DataFrame({
            "target": np.r_[np.arange(n), np.arange(n)],
            "occasion": np.r_[np.zeros(n, int), np.ones(n, int)],
            "score": np.r_[x1, x2],
        })
        with _pingouin_full_precision() as pg:
            icc = pg.intraclass_corr(long, targets="target", raters="occasion",
                                     ratings="score").set_index("Type")
        i2, i3 = icc.loc["ICC(A,1)"], icc.loc["ICC(C,1)"]
        sd = math.sqrt((np.var(x1, ddof=1) + np.var(x2, ddof=1)) / 2)
        sem = sd * math.sqrt(1 - i2["ICC"]) if i2["ICC"] <= 1 else math.nan
        rows.append({
            "score": col, "n": n, "mean_t1": float(x1.mean()), "mean_t2": float(x2.mean()),
            "sd_pooled": sd,
            "icc2": float(i2["ICC"]), "icc2_low": float(i2["CI95"][0]), "icc2_high": float(i2["CI95"][1]),
            "icc3": float(i3["ICC"]), "icc3_low": float(i3["CI95"][0]), "icc3_high": float(i3["CI95"][1]),
            "sem": sem, "sdc": 1.96 * math.sqrt(2) * sem,
        })
    return RetestResult(pd.DataFrame(rows))





# ----------------------------------------------------------------------------
# Feldt's tests for alphas
# ----------------------------------------------------------------------------
@dataclass(frozen=True)
class AlphaComparison:
    """Result of Feldt's test comparing two Cronbach's alphas.

    ``design`` is "independent" (statistic W, F-distributed, ``df`` =
    (n1 − 1, n2 − 1)) or "dependent" (statistic t, ``df`` = (n − 2,)).
    ``p_value`` is two-sided.
    """

    design: str
    alpha_1: float
    alpha_2: float
    statistic: float
    df: tuple[float, ...]
    p_value: float
    n_1: int
    n_2: int | None
    r: float | None

    def to_frame(self) -> pd.DataFrame:
        """One-row summary."""
        return pd.DataFrame([{
            "design": self.design, "alpha_1": self.alpha_1, "alpha_2": self.alpha_2,
            "statistic": self.statistic, "df": self.df, "p_value": self.p_value,
            "n_1": self.n_1, "n_2": self.n_2, "r": self.r,
        }])


def compare_alphas(alpha_1: float, alpha_2: float, *, n_1: int, n_2: int | None = None,
                   r: float | None = None) -> AlphaComparison:
    r"""Feldt's tests of the difference between two Cronbach's alphas.

    *Independent samples* (give ``n_1`` and ``n_2``; Feldt 1969):

    .. math:: W = \frac{1-\alpha_1}{1-\alpha_2} \sim F(n_1-1,\ n_2-1),

    two-sided :math:`p = 2\min(P(F \le W), P(F \ge W))`.

    *Same respondents* (give ``n_1`` = n and ``r``, the correlation between
    the two total scores; Feldt 1980):

    .. math:: t = \frac{(\alpha_1-\alpha_2)\sqrt{n-2}}
                       {\sqrt{4(1-\alpha_1)(1-\alpha_2)(1-r^2)}} \sim t(n-2).

    References
    ----------
    Feldt, L. S. (1969). A test of the hypothesis that Cronbach's alpha or
    Kuder-Richardson coefficient twenty is the same for two tests.
    *Psychometrika*, 34, 363--373. Feldt, L. S. (1980). A test of the
    hypothesis that Cronbach's alpha reliability coefficient is the same for
    two tests administered to the same sample. *Psychometrika*, 45, 99--105.
    Diedenhofen, B., & Musch, J. (2016). cocron. *Int J Stat Med Res*, 5, 78--95.

    Examples
    --------
    >>> res = compare_alphas(0.85, 0.75, n_1=100, n_2=120)
    >>> res.design, round(res.statistic, 4)
    ('independent', 0.6)
    >>> res = compare_alphas(0.85, 0.75, n_1=100, r=0.6)
    >>> res.design, res.df
    ('dependent', (98,))
    """
    for nm, al in (("alpha_1", alpha_1), ("alpha_2", alpha_2)):
        if not (isinstance(al, (int, float, np.floating)) and al < 1):
            raise ValueError(f"{nm} must be a number below 1 (got {al!r}).")
    if not isinstance(n_1, (int, np.integer)) or n_1 < 3:
        raise ValueError(f"n_1 must be an integer of at least 3 (got {n_1!r}).")
    a1, a2 = float(alpha_1), float(alpha_2)
    if r is not None:
        if n_2 is not None and n_2 != n_1:
            raise ValueError("With r (same respondents) give n_1 only, or n_2 equal to n_1.")
        if not (-1 < r < 1):
            raise ValueError(f"r must lie strictly between -1 and 1 (got {r!r}).")
        df = n_1 - 2
        t = (a1 - a2) * math.sqrt(df) / math.sqrt(4 * (1 - a1) * (1 - a2) * (1 - r**2))
        p = float(2 * stats.t.sf(abs(t), df))
        return AlphaComparison("dependent", a1, a2, float(t), (df,), p, int(n_1), None, float(r))
    if n_2 is None:
        raise ValueError(
            "Give n_2 for two independent samples, or r (the correlation between the two "
            "total scores) when the same respondents answered both."
        )
    if not isinstance(n_2, (int, np.integer)) or n_2 < 3:
        raise ValueError(f"n_2 must be an integer of at least 3 (got {n_2!r}).")
    w = (1 - a1) / (1 - a2)
    d1, d2 = n_1 - 1, n_2 - 1
    p = float(min(1.0, 2 * min(stats.f.cdf(w, d1, d2), stats.f.sf(w, d1, d2))))
    return AlphaComparison("independent", a1, a2, float(w), (d1, d2), p, int(n_1), int(n_2), None)


