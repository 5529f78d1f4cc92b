"""Planning a before/after evaluation: power and the minimum detectable effect.

:func:`power` and :func:`minimum_detectable_effect` for paired, independent
and clustered designs (noncentral t), and :func:`mde_from_se`, the change a
finished evaluation could have detected, from its standard error (Bloom 1995).

References
----------
Bloom, H. S. (1995). Minimum detectable effects: a simple way to report the
statistical power of experimental designs. *Evaluation Review*, 19(5), 547-556.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from scipy import optimize, stats

__all__ = ["power", "minimum_detectable_effect", "mde_from_se"]

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


def mde_from_se(se: float, df: float, *, alpha: float = 0.05, power_: float = 0.8) -> float:
    r"""Minimum detectable effect from a standard error (Bloom 1995): :math:`(t_{1-\alpha/2} + t_{power})\,SE`.

    With ``df`` infinite the normal quantiles are used.

    >>> round(mde_from_se(2.0, float("inf")), 4)
    5.6032
    """
    if not np.isfinite(se):
        return np.nan
    if not np.isfinite(df):
        return float((stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power_)) * se)
    return float((stats.t.ppf(1 - alpha / 2, df) + stats.t.ppf(power_, df)) * se)
