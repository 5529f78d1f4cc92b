"""McDonald's omega (one-factor ML, bootstrap CI) and omega hierarchical (Schmid-Leiman, psych::omega).

Split from :mod:`evaluation.stats.reliability` (one module per concept); the
names are still served from there. Tested against R psych in
``tests/test_reliability.py``.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from evaluation.stats.polychoric import _polychoric_matrix
from evaluation.stats.reliability import (OmegaHierarchicalResult, ReliabilityResult, _as_items, _bca_ci,
                                          _boot_counts, _check_ci, _jackknife, _pct, _percentile_ci, _smc)

__all__ = ["mcdonald_omega", "omega_hierarchical"]


# --------------------------------------------------------------------------- one-factor ML (omega)
def _ml_discrepancy(s: np.ndarray, lam: np.ndarray, th: np.ndarray, logdet_s: np.ndarray) -> np.ndarray:
    """F = log|Sigma| + tr(S Sigma^-1) - log|S| - p, Sigma = lam lam' + diag(th); batched."""
    sigma = lam[:, :, None] * lam[:, None, :] + th[:, :, None] * np.eye(lam.shape[1])
    sign, logdet = np.linalg.slogdet(sigma)
    w = np.linalg.inv(sigma)
    f = logdet + np.einsum("bij,bji->b", s, w) - logdet_s - lam.shape[1]
    return np.where(sign > 0, f, np.inf)


def _one_factor_hessians(w: np.ndarray, v: np.ndarray, g_mat: np.ndarray,
                         lam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Expected and observed Hessians of F in (lambda, theta), batched.

    With A_a = dSigma/dpar_a and K(P, Q)_ab = tr(A_a P A_b Q):
    expected H = K(W, W); observed H = -K(W, W) + K(W, V) + K(V, W) + 2G on
    the lambda block, V = W S W, G = W - V. For one factor, with u_P = P lam
    and q_P = lam' P lam: K_ll = u_Q u_P' + u_P u_Q' + q_P Q + q_Q P,
    K_lt = Q o (1 u_P') + P o (1 u_Q'), K_tt = P o Q.
    """
    b, k = lam.shape
    uw = np.einsum("bij,bj->bi", w, lam)
    uv = np.einsum("bij,bj->bi", v, lam)
    qw = np.einsum("bi,bi->b", lam, uw)[:, None, None]
    qv = np.einsum("bi,bi->b", lam, uv)[:, None, None]

    def outer(a: np.ndarray, c: np.ndarray) -> np.ndarray:
        return a[:, :, None] * c[:, None, :]

    kww_ll = 2 * outer(uw, uw) + 2 * qw * w
    kww_lt = 2 * w * uw[:, None, :]
    kww_tt = w * w
    cross_ll = 2 * (outer(uw, uv) + outer(uv, uw)) + 2 * qw * v + 2 * qv * w
    cross_lt = 2 * (v * uw[:, None, :] + w * uv[:, None, :])
    cross_tt = 2 * w * v
    h_exp = np.empty((b, 2 * k, 2 * k))
    h_obs = np.empty((b, 2 * k, 2 * k))
    for h, ll, lt, tt in ((h_exp, kww_ll, kww_lt, kww_tt),
                          (h_obs, -kww_ll + cross_ll + 2 * g_mat, -kww_lt + cross_lt, -kww_tt + cross_tt)):
        h[:, :k, :k] = ll
        h[:, :k, k:] = lt
        h[:, k:, :k] = np.swapaxes(lt, 1, 2)
        h[:, k:, k:] = tt
    return h_exp, h_obs


def _fisher_one_factor(s: np.ndarray, lam: np.ndarray, th: np.ndarray, *, max_iter: int = 100,
                       tol: float = 1e-9, newton_below: float = 1e-3
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Newton / Fisher scoring for the one-factor model on a batch of covariance matrices.

    Gradient: dF/dlam = 2 G lam, dF/dtheta = diag(G), G = W - W S W, W = Sigma^-1.
    Fisher scoring (expected Hessian, positive definite, so every step is a
    descent direction) until the largest gradient element is below
    ``newton_below``, then Newton steps with the observed Hessian where it is
    positive definite (quadratic instead of linear convergence under misfit;
    see :func:`_one_factor_hessians`). Step halving keeps F decreasing.
    Returns lam, theta and a converged flag per matrix.
    """
    b, k = lam.shape
    lam, th = lam.copy(), th.copy()
    _, logdet_s = np.linalg.slogdet(s)
    f = _ml_discrepancy(s, lam, th, logdet_s)
    conv = np.zeros(b, bool)
    eye = np.eye(k)
    for _ in range(max_iter):
        act = ~conv
        if not act.any():
            break
        sa, la, ta = s[act], lam[act], th[act]
        sigma = la[:, :, None] * la[:, None, :] + ta[:, :, None] * eye
        w = np.linalg.inv(sigma)
        v = w @ sa @ w
        g_mat = w - v
        grad = np.concatenate([2 * np.einsum("bij,bj->bi", g_mat, la),
                               np.diagonal(g_mat, axis1=1, axis2=2)], axis=1)
        done = np.abs(grad).max(axis=1) < tol
        h_exp, h_obs = _one_factor_hessians(w, v, g_mat, la)
        try:
            # Fisher scoring (always a descent direction) until close, then Newton,
            # whose observed Hessian must be positive definite there (no saddles).
            step = -np.linalg.solve(h_exp, grad[:, :, None])[:, :, 0]
            near = np.abs(grad).max(axis=1) < newton_below
            if near.any():
                ho = h_obs[near]
                pd_ok = np.linalg.eigvalsh(ho)[:, 0] > 0
                if pd_ok.any():
                    sel = np.flatnonzero(near)[pd_ok]
                    step[sel] = -np.linalg.solve(ho[pd_ok], grad[sel][:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            step = -grad
        fa = f[act]
        al = np.ones(sa.shape[0])
        nl, nt, nf = la.copy(), ta.copy(), fa.copy()
        pending = ~done
        for _h in range(30):
            if not pending.any():
                break
            cl = la + al[:, None] * step[:, :k]
            ct = ta + al[:, None] * step[:, k:]
            cf = _ml_discrepancy(sa, cl, ct, logdet_s[act])
            ok = pending & (cf <= fa + 1e-13 * np.abs(fa) + 1e-15)
            nl[ok], nt[ok], nf[ok] = cl[ok], ct[ok], cf[ok]
            pending &= ~ok
            al = np.where(pending, al / 2, al)
        idx = np.flatnonzero(act)
        small = np.abs(step).max(axis=1) < 1e-12
        lam[idx], th[idx], f[idx] = nl, nt, nf
        conv[idx] = done | small | pending   # pending: no decrease possible -> at the optimum
    return lam, th, conv


def _fit_one_factor(s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One-factor ML fit (factor variance 1) of one covariance matrix.

    scipy's BFGS with the analytic gradient from a principal-axis start, then
    Fisher scoring to a gradient below 1e-10.
    """
    k = s.shape[0]
    d = np.sqrt(np.diag(s))
    r = s / np.outer(d, d)
    h2 = np.clip(_smc(r), 0.05, 0.95)
    lam0 = d * np.sqrt(h2)
    th0 = np.diag(s) * (1 - h2)
    _, logdet_s = np.linalg.slogdet(s)

    def fun(par: np.ndarray) -> tuple[float, np.ndarray]:
        lam, th = par[:k], par[k:]
        sigma = np.outer(lam, lam) + np.diag(th)
        sign, logdet = np.linalg.slogdet(sigma)
        if sign <= 0:
            return 1e10, np.zeros(2 * k)
        w = np.linalg.inv(sigma)
        g = w - w @ s @ w
        return (float(logdet + np.trace(s @ w) - logdet_s - k),
                np.concatenate([2 * g @ lam, np.diag(g)]))

    res = optimize.minimize(fun, np.concatenate([lam0, th0]), jac=True, method="BFGS",
                            options={"gtol": 1e-8, "maxiter": 2000})
    lam, th, conv = _fisher_one_factor(s[None], res.x[None, :k], res.x[None, k:], tol=1e-10)
    if not conv[0]:
        warnings.warn("The one-factor model did not converge; omega may be inaccurate.",
                      RuntimeWarning, stacklevel=3)
    return lam[0], th[0]


def _omega_from(lam: np.ndarray, th: np.ndarray) -> np.ndarray:
    sl = lam.sum(axis=-1) ** 2
    return sl / (sl + th.sum(axis=-1))


def mcdonald_omega(items: Any, *, ci: float | None = 0.95, ci_method: str = "bootstrap",
                   n_boot: int = 1000, seed: int | None = 0, ordinal: bool = False) -> ReliabilityResult:
    r"""McDonald's omega total from a one-factor ML model, with a bootstrap interval.

    .. math:: \omega = \frac{(\sum_i \lambda_i)^2}{(\sum_i \lambda_i)^2 + \sum_i \theta_i}

    The model Sigma = lambda lambda' + diag(theta) (factor variance 1) is fitted
    by maximum likelihood to the covariance matrix S of the respondents who
    answered every item (N denominator), minimising
    F = log|Sigma| + tr(S Sigma^-1) - log|S| - p: the same estimates as
    ``lavaan::cfa(..., std.lv = TRUE)`` with its defaults (checked to 1e-4).
    Residual variances are not bounded (as lavaan).

    Parameters
    ----------
    items : DataFrame or ResponseSet
    ci : float or None
        Confidence level; None for no interval.
    ci_method : {"bootstrap", "bca"}
        Percentile bootstrap over respondents; the ``n_boot`` models are
        fitted together (batched Fisher scoring from the full-sample solution).
        "bca": bias-corrected and accelerated limits from the same resamples
        (plus n jackknife fits).
    n_boot, seed : int
    ordinal : bool
        Fit the model to the polychoric correlation matrix of all respondents
        (pairwise) instead (ordinal omega); the bootstrap then recomputes the
        polychoric matrix per resample (slower).

    References
    ----------
    McDonald (1999) Test theory: a unified treatment. Rosseel (2012) lavaan,
    J. Stat. Softw. 48(2).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=(400, 1))
    >>> items = pd.DataFrame(np.round(3 + f * [0.9, 0.8, 0.7, 0.6, 0.5] + rng.normal(size=(400, 5))),
    ...                      columns=list("abcde"))
    >>> res = mcdonald_omega(items, n_boot=200)
    >>> round(res.estimate, 3), res.n, res.method
    (0.641, 400, 'omega total; one-factor ML; bootstrap 95% CI (200 resamples)')
    >>> res.ci_low < res.estimate < res.ci_high
    True
    """
    _check_ci(ci)
    if ci_method not in ("bootstrap", "bca"):
        raise ValueError(f"ci_method for omega must be 'bootstrap' or 'bca', not {ci_method!r}.")
    if ordinal and ci_method == "bca":
        raise ValueError("ci_method='bca' is not available with ordinal=True; use ci_method='bootstrap'.")
    if ci is not None and (not isinstance(n_boot, (int, np.integer)) or n_boot < 10):
        raise ValueError(f"n_boot must be an integer of at least 10 resamples, not {n_boot!r}.")
    df = _as_items(items, min_items=3)
    k = df.shape[1]
    if ordinal:
        x = df.to_numpy()
        x = x[~np.isnan(x).all(axis=1)]
        s = _polychoric_matrix(x, list(df.columns))
    else:
        x = df.dropna().to_numpy()
        if x.shape[0] <= k:
            raise ValueError(f"Only {x.shape[0]} respondents answered all {k} items; omega needs more "
                             "complete respondents than items.")
        s = np.cov(x, rowvar=False, ddof=0)
    n = x.shape[0]
    lam, th = _fit_one_factor(s)
    est = float(_omega_from(lam, th))
    label = f"omega total; {'polychoric ' if ordinal else ''}one-factor ML"
    if ci is None:
        return ReliabilityResult(est, float("nan"), float("nan"), n, k, label)
    rng = np.random.default_rng(seed)
    if ordinal:
        mats = []
        for _ in range(n_boot):
            xb = x[rng.integers(0, n, size=n)]
            try:
                mats.append(_polychoric_matrix(xb, list(df.columns), warn=False))
            except ValueError:
                pass
        sb = np.stack(mats)
    else:
        sb = _weighted_covs(x, _boot_counts(rng, n, n_boot))
    boots = _bootstrap_omegas(sb, lam, th)
    if ci_method == "bca":
        jack = _jackknife(lambda w: _bootstrap_omegas(_weighted_covs(x, w), lam, th), n)
        lo, hi = _bca_ci(boots, est, jack, ci)
        return ReliabilityResult(est, lo, hi, n, k,
                                 f"{label}; BCa bootstrap {_pct(ci)} CI ({n_boot} resamples)")
    lo, hi = _percentile_ci(boots, ci)
    return ReliabilityResult(est, lo, hi, n, k, f"{label}; bootstrap {_pct(ci)} CI ({n_boot} resamples)")


def _weighted_covs(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Covariance matrices (N denominator) of every weight row of w: (rows, k, k)."""
    n, k = x.shape
    xc = x - x.mean(axis=0)
    nb = w.sum(axis=1)[:, None]
    mb = (w @ xc) / nb
    xx = (xc[:, :, None] * xc[:, None, :]).reshape(n, k * k)
    return (w @ xx).reshape(-1, k, k) / nb[:, :, None] - mb[:, :, None] * mb[:, None, :]


def _bootstrap_omegas(sb: np.ndarray, lam: np.ndarray, th: np.ndarray) -> np.ndarray:
    """Omega of every bootstrap covariance matrix, fitted together from (lam, th)."""
    b = sb.shape[0]
    try:
        lb, tb, conv = _fisher_one_factor(sb, np.tile(lam, (b, 1)), np.tile(th, (b, 1)))
        out = _omega_from(lb, tb)
    except np.linalg.LinAlgError:   # a singular model matrix somewhere: fit one by one
        conv = np.zeros(b, bool)
        out = np.full(b, np.nan)
    for i in np.flatnonzero(~conv | ~np.isfinite(out)):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                li, ti = _fit_one_factor(sb[i])
            out[i] = _omega_from(li, ti)
        except (np.linalg.LinAlgError, ValueError):
            out[i] = np.nan
    return out


# --------------------------------------------------------------------------- minres, rotations, Schmid-Leiman
def _minres(r: np.ndarray, nf: int) -> np.ndarray:
    """psych's ``fa(fm="minres")`` unrotated loadings of a correlation matrix.

    Minimises the sum of squared off-diagonal residuals over the uniquenesses
    psi in [0.005, max(1, smc)] (start 1 - smc). At an interior optimum this
    coincides with the stationary point of the full ULS criterion
    f(psi) = sum_{m > nf} e_m(R - diag psi)^2, whose exact gradient
    -2 diag(R - diag(psi) - L L') we use with L-BFGS-B to a tight tolerance.
    Loadings: leading nf eigenvectors of R - diag(psi) times sqrt(eigenvalue),
    columns signed to a positive sum (as psych).
    """
    k = r.shape[0]
    smc = _smc(r)
    upper = max(1.0, float(smc.max()))

    def loads(psi: np.ndarray) -> np.ndarray:
        vals, vecs = np.linalg.eigh(r - np.diag(psi))
        vals, vecs = vals[::-1][:nf], vecs[:, ::-1][:, :nf]
        return vecs * np.sqrt(np.maximum(vals, 0.0))

    def fun(psi: np.ndarray) -> tuple[float, np.ndarray]:
        vals, vecs = np.linalg.eigh(r - np.diag(psi))
        rest_v, rest_e = vecs[:, :k - nf], vals[:k - nf]
        f = float((rest_e ** 2).sum())
        g = -2 * (rest_v ** 2 * rest_e).sum(axis=1)
        return f, g

    res = optimize.minimize(fun, np.diag(r) - smc, jac=True, method="L-BFGS-B",
                            bounds=[(0.005, upper)] * k,
                            options={"ftol": 1e-16, "gtol": 1e-12, "maxiter": 5000})
    lo = loads(res.x)
    sign = np.sign(lo.sum(axis=0))
    sign[sign == 0] = 1
    return lo * sign


def _rotate(orth: np.ndarray, method: str) -> tuple[np.ndarray, np.ndarray | None]:
    """factor_analyzer's GPA ``Rotator``: varimax (Kaiser-normalised, as R's
    ``stats::varimax``) or oblimin (gamma 0, not normalised, as
    ``GPArotation::oblimin``); the Schmid-Leiman loadings built on it match
    psych's to ~1e-5 on the fixtures in tests/reference."""
    from factor_analyzer.rotator import Rotator   # imported here: pulls in scikit-learn

    rot = Rotator(method=method, normalize=(method == "varimax"))
    loadings = rot.fit_transform(orth)
    return loadings, getattr(rot, "phi_", None)


def _pairwise_cor(x: np.ndarray) -> np.ndarray:
    """R's ``cor(use="pairwise")``: each r from the pair's complete rows (own means and sds)."""
    m = ~np.isnan(x)
    x0 = np.where(m, x, 0.0)
    mf = m.astype(float)
    nij = mf.T @ mf
    s = x0.T @ mf                     # s[i, j] = sum x_i over rows with j answered (and i)
    q = (x0 ** 2).T @ mf
    p = x0.T @ x0
    cov = p - s * s.T / nij
    vi = q - s ** 2 / nij
    r = cov / np.sqrt(vi * vi.T)
    np.fill_diagonal(r, 1.0)
    return r


def _schmid_leiman(r: np.ndarray, nf: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """psych::schmid: g, group loadings, h2, u2 (rows = items)."""
    orth, _ = _rotate(_minres(r, nf), "varimax")
    sign = np.sign(orth.sum(axis=0))
    sign[sign == 0] = 1
    orth = orth * sign
    orth = orth[:, np.argsort(-(orth ** 2).sum(axis=0), kind="stable")]
    fload, phi = _rotate(orth, "oblimin")
    if nf > 2:
        gload = _minres(phi, 1)[:, 0]
    else:  # psych option = "equal"
        v = math.sqrt(abs(phi[0, 1]))
        gload = np.array([v, math.copysign(v, phi[0, 1])])
    g = fload @ gload
    h2 = (orth ** 2).sum(axis=1)
    u2 = np.diag(r) - h2
    uniq2 = np.clip(fload ** 2 * (1 - gload ** 2), 0, None)
    return g, np.sign(fload) * np.sqrt(uniq2), h2, u2


def omega_hierarchical(items: Any, *, n_groups: int = 3, ordinal: bool = False) -> OmegaHierarchicalResult:
    r"""Omega hierarchical and omega total (Schmid–Leiman), as ``psych::omega(x, nfactors)``.

    psych's default path: pairwise correlations R (or polychoric with
    ``ordinal=True``, psych's ``poly = TRUE``); ``n_groups`` minres factors,
    varimax, then oblimin; a general factor from a one-factor minres fit of
    the factor correlations (for two groups both g loadings are
    ``sqrt(|phi_12|)``, psych's ``option = "equal"``); Schmid–Leiman
    orthogonalisation; items whose g loading is negative are flipped.
    With V = sum of R (after flipping):

    .. math:: \omega_h = (\sum g_i)^2 / V, \qquad \omega_t = 1 - \sum u^2_i / V

    Parameters
    ----------
    items : DataFrame or ResponseSet
    n_groups : int
        Number of group factors (>= 2; psych's ``nfactors``, default 3).
    ordinal : bool
        Use polychoric correlations.

    References
    ----------
    Zinbarg, Revelle, Yovel & Li (2005) Psychometrika 70, 123-133.
    Schmid & Leiman (1957) Psychometrika 22, 53-61. Revelle, psych::omega.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> n = 1000
    >>> g, s = rng.normal(size=(n, 1)), rng.normal(size=(n, 3))
    >>> cols = {f"i{j}": 0.6 * g[:, 0] + 0.5 * s[:, j // 3] + 0.6 * rng.normal(size=n) for j in range(9)}
    >>> res = omega_hierarchical(pd.DataFrame(cols))
    >>> round(res.omega_h, 2), round(res.omega_t, 2)
    (0.72, 0.92)
    >>> list(res.schmid_leiman.columns)
    ['g', 'F1', 'F2', 'F3', 'h2', 'u2']
    """
    if not isinstance(n_groups, (int, np.integer)) or n_groups < 2:
        raise ValueError(f"n_groups must be an integer of at least 2 group factors, not {n_groups!r}.")
    df = _as_items(items, min_items=3)
    k = df.shape[1]
    if k < 2 * n_groups:
        raise ValueError(f"{k} items are too few for {n_groups} group factors; use fewer n_groups.")
    x = df.to_numpy()
    n = int((~np.isnan(x)).any(axis=1).sum())
    m = (~np.isnan(x)).astype(float)
    if np.any(m.T @ m < 3):
        raise ValueError("Some pairs of items were answered together by fewer than 3 respondents; "
                         "their correlation, and so omega, cannot be estimated.")
    r = _polychoric_matrix(x, list(df.columns)) if ordinal else _pairwise_cor(x)
    g, grp, h2, u2 = _schmid_leiman(r, n_groups)
    key = np.where(g < 0, -1.0, 1.0)
    if np.any(key < 0):
        r = r * np.outer(key, key)
        g, grp = g * key, grp * key[:, None]
    vt = r.sum()
    omega_h = float(g.sum() ** 2 / vt)
    omega_t = float((vt - u2.sum()) / vt)
    alpha = float((vt - np.trace(r)) / vt * k / (k - 1))
    sl = pd.DataFrame(np.column_stack([g, grp, h2, u2]), index=df.columns,
                      columns=["g"] + [f"F{j + 1}" for j in range(n_groups)] + ["h2", "u2"])
    sl.index.name = "item"
    method = (f"Schmid-Leiman; minres + oblimin, {n_groups} group factors; "
              f"{'polychoric' if ordinal else 'pairwise Pearson'} correlations")
    return OmegaHierarchicalResult(omega_h, omega_t, alpha, sl, n, k, n_groups, method)
