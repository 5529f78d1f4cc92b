"""Difference in differences: participants against a comparison group, before and after.

:func:`difference_in_differences` fits ``score ~ post*treated + (1|cluster) +
(1|subject)`` by REML (same fixed effect and standard error as
``lme4::lmer``), or OLS with cluster-robust (CR1) errors and a wild cluster
bootstrap (Webb weights) when clusters are few. The estimate is (treated
change) - (comparison change).

References
----------
Cameron, A. C., Gelbach, J. B. & Miller, D. L. (2008). Bootstrap-based
improvements for inference with clustered errors. *Review of Economics and
Statistics*, 90(3), 414-427.

Webb, M. D. (2023). Reworking wild bootstrap-based inference for clustered
errors. *Canadian Journal of Economics*, 56(3), 839-858.

Bates, D., Mächler, M., Bolker, B. & Walker, S. (2015). Fitting linear
mixed-effects models using lme4. *Journal of Statistical Software*, 67(1).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from evaluation.stats.effects import (_check_ci, _check_size, _check_unique_subjects, _first_row,
                                      _group_indicator, _post_indicator, _require_columns)

__all__ = ["DiDResult", "REMLFit", "difference_in_differences"]

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
