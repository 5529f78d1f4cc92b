"""The multi-group maximum-likelihood engine behind :func:`evaluation.stats.structure.cfa`.

Split from :mod:`evaluation.stats.structure` (one module per concept; why the
fit is written here rather than taken from semopy is told there). Fisher
scoring on the ML discrepancy with analytic gradient, equality constraints as
shared parameters, listwise deletion or FIML; checked against lavaan 0.6 in
``tests/test_structure.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import linalg, optimize, stats

from evaluation.stats.sem_input import _numeric_columns, _Spec, _threadpool_limits

__all__: list[str] = []


# --------------------------------------------------------------------------
# the multi-group ML engine
# --------------------------------------------------------------------------
# Model per group g:  Sigma_g = L_g P_g L_g' + T_g,  mu_g = nu_g + L_g a_g.
# Parameters are entries of L (loadings), P (factor (co)variances), T
# (residual (co)variances), nu (intercepts) and a (factor means); one free
# parameter may fill the same entry in several groups (equality constraint).
@dataclass(frozen=True)
class _Par:
    mat: str  # "L", "P", "T", "nu", "a"
    group: int
    row: int
    col: int
    idx: int  # index into theta, -1 when fixed
    value: float  # fixed value (ignored when free)
    lhs: str
    op: str
    rhs: str


def _partable(spec: _Spec, n_groups: int, meanstructure: bool, equal: tuple[str, ...]) -> list[_Par]:
    ov = {n: i for i, n in enumerate(spec.observed)}
    lv = {n: i for i, n in enumerate(spec.latent)}
    keys: dict[Any, int] = {}

    def key_idx(key):
        if key not in keys:
            keys[key] = len(keys)
        return keys[key]

    fixed_cov = {}
    for a, b, val in spec.covariances:
        fixed_cov[frozenset((a, b))] = (a, b, val)

    pars: list[_Par] = []
    for g in range(n_groups):
        has_marker = {}
        for f, terms in spec.factors:
            k = lv[f]
            has_marker[f] = False
            for pos, t in enumerate(terms):
                i = ov[t.name]
                if t.fixed is not None:
                    idx, val = -1, t.fixed
                    has_marker[f] = has_marker[f] or t.fixed != 0.0
                elif pos == 0 and not t.free:
                    idx, val = -1, 1.0
                    has_marker[f] = True
                else:
                    key = ("L", f, t.name) if "loadings" in equal else ("L", f, t.name, g)
                    idx, val = key_idx(key), np.nan
                pars.append(_Par("L", g, i, k, idx, val, f, "=~", t.name))
        # residual variances and covariances of the items
        for name, i in ov.items():
            spec_val = fixed_cov.get(frozenset((name,)))
            if spec_val is not None and spec_val[2] is not None:
                pars.append(_Par("T", g, i, i, -1, spec_val[2], name, "~~", name))
            else:
                pars.append(_Par("T", g, i, i, key_idx(("T", name, name, g)), np.nan, name, "~~", name))
        for a, b, val in spec.covariances:
            if a == b or a not in ov:
                continue
            i, j = sorted((ov[a], ov[b]))
            if val is not None:
                pars.append(_Par("T", g, j, i, -1, val, a, "~~", b))
            else:
                pars.append(_Par("T", g, j, i, key_idx(("T", a, b, g)), np.nan, a, "~~", b))
        # factor variances and covariances (all free by default, as lavaan's cfa)
        names = list(spec.latent)
        for x in range(len(names)):
            for y in range(x + 1):
                a, b = names[x], names[y]
                spec_val = fixed_cov.get(frozenset((a, b)))
                if spec_val is not None and spec_val[2] is not None:
                    pars.append(_Par("P", g, x, y, -1, spec_val[2], b, "~~", a))
                else:
                    if a == b and not has_marker[a]:
                        raise ValueError(
                            f"Factor {a!r} has no fixed loading and a free variance, so its scale "
                            f"is not identified: fix one loading (1*item) or its variance "
                            f"({a} ~~ 1*{a})."
                        )
                    pars.append(_Par("P", g, x, y, key_idx(("P", a, b, g)), np.nan, b, "~~", a))
        if meanstructure:
            for name, i in ov.items():
                key = ("nu", name) if "intercepts" in equal else ("nu", name, g)
                pars.append(_Par("nu", g, i, 0, key_idx(key), np.nan, name, "~1", ""))
            for f, k in lv.items():
                if "intercepts" in equal and g > 0:
                    pars.append(_Par("a", g, k, 0, key_idx(("a", f, g)), np.nan, f, "~1", ""))
                else:
                    pars.append(_Par("a", g, k, 0, -1, 0.0, f, "~1", ""))
    return pars


@dataclass
class _GroupData:
    """Sample information of one group.

    ``S``/``mean`` are the sample moments (divided by N) for complete data, or
    the EM (unrestricted ML) moments with missing data; ``blocks`` holds one
    entry per missing-data pattern: (n_b, observed column indices or None
    for all, S_b, mean_b); ``h1`` is sum_b n_b [log|S1_oo| + tr(S_b S1_oo^-1)
    + d' S1_oo^-1 d] at the unrestricted moments (the saturated model's -2 log
    L without the 2 pi term); ``base`` the same for the independence model.
    """

    n: int
    S: np.ndarray
    mean: np.ndarray
    blocks: list
    h1: float
    base: float
    n_values: int  # observed cells, for the 2 pi term of the log-likelihood


def _block_terms(sigma, mu, S_b, mean_b, meanstructure):
    try:
        chol = linalg.cho_factor(sigma, lower=True)
    except linalg.LinAlgError:
        return None
    logdet = 2.0 * np.sum(np.log(np.diag(chol[0])))
    inv = linalg.cho_solve(chol, np.eye(sigma.shape[0]))
    d = mean_b - mu if meanstructure else np.zeros(sigma.shape[0])
    return logdet, inv, d


class _MLModel:
    """ML fit function, gradient and information for the (multi-group) model.

    ``F(theta) = sum_g sum_b (n_b / N) [log|Sigma_oo| + tr(S_b Sigma_oo^-1) +
    d_b' Sigma_oo^-1 d_b] - F_H1`` over groups g and missing-data patterns b
    (one pattern of all items for complete data), so that ``chisq = N F``.
    """

    def __init__(self, pars, groups: list[_GroupData], p, m, meanstructure):
        self.pars = pars
        self.groups = groups
        self.n_groups = len(groups)
        self.n_obs = np.array([gd.n for gd in groups], dtype=float)
        self.n_total = float(self.n_obs.sum())
        self.weights = self.n_obs / self.n_total
        self.S = [gd.S for gd in groups]
        self.means = [gd.mean for gd in groups]
        self.p, self.m = p, m
        self.meanstructure = meanstructure
        self.const = sum(gd.h1 for gd in groups) / self.n_total
        self.complete = all(len(gd.blocks) == 1 and gd.blocks[0][1] is None for gd in groups)
        self.npar = 1 + max((q.idx for q in pars), default=-1)
        # missing-data patterns stacked by their number of observed items
        self.classes = []
        for gd in groups:
            by_size: dict[int, list] = {}
            for n_b, idx, S_b, mean_b in gd.blocks:
                idx = np.arange(p) if idx is None else np.asarray(idx)
                by_size.setdefault(len(idx), []).append((n_b, idx, S_b, mean_b))
            self.classes.append([
                (np.stack([b[1] for b in bl]), np.array([b[0] for b in bl], float) / self.n_total,
                 np.stack([b[2] for b in bl]), np.stack([b[3] for b in bl]))
                for bl in by_size.values()
            ])
        # per group, per matrix: fixed base values and free positions
        shapes = {"L": (p, m), "P": (m, m), "T": (p, p), "nu": (p, 1), "a": (m, 1)}
        self.base = []
        self.free = []
        for g in range(self.n_groups):
            base = {k: np.zeros(s) for k, s in shapes.items()}
            free = {k: ([], [], []) for k in shapes}
            for q in pars:
                if q.group != g:
                    continue
                if q.idx < 0:
                    base[q.mat][q.row, q.col] = q.value
                    if q.mat in ("P", "T"):
                        base[q.mat][q.col, q.row] = q.value
                else:
                    r, c, ix = free[q.mat]
                    r.append(q.row)
                    c.append(q.col)
                    ix.append(q.idx)
            self.base.append(base)
            self.free.append({k: tuple(np.asarray(v, dtype=int) for v in t) for k, t in free.items()})

    # -- model matrices
    def matrices(self, theta, g):
        out = {}
        for k, b in self.base[g].items():
            M = b.copy()
            r, c, ix = self.free[g][k]
            if len(ix):
                M[r, c] = theta[ix]
                if k in ("P", "T"):
                    M[c, r] = theta[ix]
            out[k] = M
        return out

    def implied(self, theta, g):
        M = self.matrices(theta, g)
        L = M["L"]
        sigma = L @ M["P"] @ L.T + M["T"]
        mu = (M["nu"] + L @ M["a"]).ravel()
        return M, sigma, mu

    def _class_terms(self, theta, g):
        """Per pattern class (patterns with the same number of observed items,
        stacked): weights, index arrays, S_b, log|Sigma_oo|, Sigma_oo^-1, d.
        None when an implied covariance is not positive definite."""
        _, sigma, mu = self.implied(theta, g)
        out = []
        for idx, w, Sb, mb in self.classes[g]:
            sub = sigma[idx[:, :, None], idx[:, None, :]]
            try:
                chol = np.linalg.cholesky(sub)
            except np.linalg.LinAlgError:
                return None
            logdet = 2.0 * np.sum(np.log(np.diagonal(chol, axis1=1, axis2=2)), axis=1)
            inv = np.linalg.inv(sub)
            d = mb - mu[idx] if self.meanstructure else np.zeros_like(mb)
            out.append((idx, w, Sb, logdet, inv, d))
        return out

    def objective(self, theta):
        total = 0.0
        for g in range(self.n_groups):
            terms = self._class_terms(theta, g)
            if terms is None:
                return np.inf
            for _, w, Sb, logdet, inv, d in terms:
                quad = np.einsum("ki,kij,kj->k", d, inv, d)
                total += np.sum(w * (logdet + np.einsum("kij,kji->k", Sb, inv) + quad))
        return float(total - self.const)

    def gradient(self, theta):
        grad = np.zeros(self.npar)
        p = self.p
        for g in range(self.n_groups):
            terms = self._class_terms(theta, g)
            if terms is None:
                return np.full(self.npar, np.nan)
            G = np.zeros((p, p))
            gmu = np.zeros(p)
            for idx, w, Sb, _, inv, d in terms:
                inner = Sb + d[:, :, None] * d[:, None, :]
                Gb = w[:, None, None] * (inv - inv @ inner @ inv)
                gm = -2.0 * w[:, None] * np.einsum("kij,kj->ki", inv, d)
                if idx.shape[1] == p:  # complete pattern(s): idx is 0..p-1
                    G += Gb.sum(axis=0)
                    gmu += gm.sum(axis=0)
                    continue
                k = np.arange(len(idx))
                full = np.zeros((len(idx), p, p))
                full[k[:, None, None], idx[:, :, None], idx[:, None, :]] = Gb
                G += full.sum(axis=0)
                fm = np.zeros((len(idx), p))
                fm[k[:, None], idx] = gm
                gmu += fm.sum(axis=0)
            M = self.matrices(theta, g)
            L, P = M["L"], M["P"]
            parts = {
                "L": 2.0 * G @ L @ P + np.outer(gmu, M["a"].ravel()),
                "P": L.T @ G @ L,
                "T": G,
                "nu": gmu[:, None],
                "a": (L.T @ gmu)[:, None],
            }
            for k, D in parts.items():
                r, c, ix = self.free[g][k]
                if not len(ix):
                    continue
                vals = D[r, c]
                if k in ("P", "T"):
                    vals = np.where(r != c, 2.0 * vals, vals)
                np.add.at(grad, ix, vals)
        return grad

    def jacobians(self, theta, g):
        """d Sigma_g / d theta (npar x p x p) and d mu_g / d theta (npar x p)."""
        M = self.matrices(theta, g)
        L, P, a = M["L"], M["P"], M["a"].ravel()
        p = self.p
        dS = np.zeros((self.npar, p, p))
        dm = np.zeros((self.npar, p))
        r, c, ix = self.free[g]["L"]
        if len(ix):
            rows = (P @ L.T)[c]  # (n, p)
            dS[ix, r, :] += rows
            dS[ix, :, r] += rows
            if self.meanstructure:
                dm[ix, r] += a[c]
        r, c, ix = self.free[g]["P"]
        for rr, cc, ii in zip(r, c, ix):
            outer = np.outer(L[:, rr], L[:, cc])
            dS[ii] += outer if rr == cc else outer + outer.T
        r, c, ix = self.free[g]["T"]
        for rr, cc, ii in zip(r, c, ix):
            dS[ii, rr, cc] += 1.0
            if rr != cc:
                dS[ii, cc, rr] += 1.0
        if self.meanstructure:
            r, c, ix = self.free[g]["nu"]
            dm[ix, r] += 1.0
            r, c, ix = self.free[g]["a"]
            for rr, ii in zip(r, ix):
                dm[ii] += L[:, rr]
        return dS, dm

    def information(self, theta):
        """Expected Hessian of F for complete data:
        sum_g w_g [tr(Sigma^-1 dS_a Sigma^-1 dS_b) + 2 dmu_a' Sigma^-1 dmu_b].

        With missing data it is the scoring metric of the optimiser only."""
        H = np.zeros((self.npar, self.npar))
        for g in range(self.n_groups):
            _, sigma, _ = self.implied(theta, g)
            try:
                inv = linalg.cho_solve(linalg.cho_factor(sigma, lower=True), np.eye(self.p))
            except linalg.LinAlgError:
                return None
            dS, dm = self.jacobians(theta, g)
            A = inv @ dS @ inv
            Hg = A.reshape(self.npar, -1) @ dS.reshape(self.npar, -1).T
            if self.meanstructure:
                Hg += 2.0 * dm @ inv @ dm.T
            H += self.weights[g] * Hg
        return 0.5 * (H + H.T)

    def observed_information(self, theta):
        """Hessian of F by forward differences of the analytic gradient
        (lavaan's default "observed" information when data are missing).

        Step 1e-6 (relative): truncation error ~1e-6 of H, far below what the
        standard errors need; symmetrised."""
        H = np.zeros((self.npar, self.npar))
        g0 = self.gradient(theta)
        for j in range(self.npar):
            h = 1e-6 * max(1.0, abs(theta[j]))
            e = np.zeros(self.npar)
            e[j] = h
            H[:, j] = (self.gradient(theta + e) - g0) / h
        return 0.5 * (H + H.T)


def _start_values(model: _MLModel, spec: _Spec) -> np.ndarray:
    """Start values: loadings from each factor's first principal component,
    residual variances half the item variances, factor covariances 0,
    intercepts the item means; averaged over groups for shared parameters."""
    sums = np.zeros(model.npar)
    counts = np.zeros(model.npar)
    ov = {n: i for i, n in enumerate(spec.observed)}
    for g in range(model.n_groups):
        S = model.S[g]
        load = {}
        fvar = {}
        for f, terms in spec.factors:
            idx = [ov[t.name] for t in terms]
            sub = S[np.ix_(idx, idx)]
            vals, vecs = np.linalg.eigh(sub)
            v = vecs[:, -1] * np.sqrt(max(vals[-1], 1e-8))
            if v.sum() < 0:
                v = -v
            if terms[0].free:  # no marker: the variance is fixed by the user
                marker, ref = 1.0, 1.0
            else:
                marker = v[0] if abs(v[0]) > 1e-3 * np.sqrt(sub[0, 0]) else np.sqrt(sub[0, 0])
                ref = terms[0].fixed if terms[0].fixed not in (None, 0.0) else 1.0
            for t, val in zip(terms, v):
                load[(f, t.name)] = val / marker * ref
            fvar[f] = (marker / ref) ** 2
        # factor covariances: the covariance of the marker items (a marker has
        # loading 1), shrunk until the factor covariance matrix is positive
        # definite.
        markers = {f: ov[ts[0].name] for f, ts in spec.factors if not ts[0].free}
        fcov = {}
        names = [f for f, _ in spec.factors]
        for shrink in (0.9, 0.5, 0.25, 0.0):
            Phi = np.diag([fvar[f] for f in names])
            for a in range(len(names)):
                for b in range(a):
                    fa_, fb_ = names[a], names[b]
                    if fa_ in markers and fb_ in markers:
                        Phi[a, b] = Phi[b, a] = shrink * S[markers[fa_], markers[fb_]]
            if np.linalg.eigvalsh(Phi).min() > 0:
                break
        for a in range(len(names)):
            for b in range(a):
                fcov[frozenset((names[a], names[b]))] = Phi[a, b]
        for q in model.pars:
            if q.group != g or q.idx < 0:
                continue
            if q.mat == "L":
                val = load[(q.lhs, q.rhs)]
            elif q.mat == "T":
                val = 0.5 * S[q.row, q.row] if q.row == q.col else 0.0
            elif q.mat == "P":
                val = fvar.get(q.lhs, 1.0) if q.row == q.col else fcov.get(frozenset((q.lhs, q.rhs)), 0.0)
            elif q.mat == "nu":
                val = model.means[g][q.row]
            else:
                val = 0.0
            sums[q.idx] += val
            counts[q.idx] += 1
    return sums / np.maximum(counts, 1)


def _optimise(model: _MLModel, theta0: np.ndarray, *, max_iter: int = 500, gtol: float = 1e-9):
    """Minimise F by Fisher scoring (expected-information Newton steps with
    backtracking), falling back to BFGS if scoring stalls.

    Returns (theta, converged, iterations)."""
    theta = theta0.copy()
    f = model.objective(theta)
    if not np.isfinite(f):
        # make the start admissible: inflate residual variances
        raise ValueError("The start values give a non-positive-definite implied covariance.")
    converged = False
    it = 0
    for it in range(1, max_iter + 1):
        g = model.gradient(theta)
        if np.max(np.abs(g)) < gtol:
            converged = True
            break
        H = model.information(theta)
        # Newton step with the eigenvalues of H floored: near-singular
        # directions (e.g. at start values with zero factor covariances) get
        # a damped, gradient-like step instead of an infinite one.
        w, V = np.linalg.eigh(H)
        w = np.maximum(w, 1e-8 * max(w.max(), 1e-12))
        step = -V @ ((V.T @ g) / w)
        if not np.all(np.isfinite(step)) or g @ step >= 0:
            step = -g
        t = 1.0
        slope = g @ step
        while t > 1e-12:
            new = theta + t * step
            fn = model.objective(new)
            if np.isfinite(fn) and fn <= f + 1e-4 * t * slope:
                break
            t *= 0.5
        else:
            break
        if abs(f - fn) < 1e-15 and t < 1e-6:
            theta, f = new, fn
            break
        theta, f = new, fn
    if not converged:
        g = model.gradient(theta)
        if np.all(np.isfinite(g)) and np.max(np.abs(g)) < 1e-6:
            converged = True
        else:
            res = optimize.minimize(model.objective, theta, jac=model.gradient, method="BFGS",
                                    options={"gtol": 1e-8, "maxiter": 5000})
            if res.fun <= f:
                theta = res.x
            g = model.gradient(theta)
            converged = bool(np.all(np.isfinite(g)) and np.max(np.abs(g)) < 1e-6)
    return theta, converged, it


@dataclass(frozen=True)
class _Fit:
    spec: _Spec
    model: _MLModel
    theta: np.ndarray
    converged: bool
    iterations: int
    groups: tuple
    chisq: float
    df: int
    pvalue: float
    baseline_chisq: float
    baseline_df: int
    cfi: float
    tli: float
    rmsea: float
    rmsea_ci_low: float
    rmsea_ci_high: float
    srmr: float
    loglik: float
    cov_theta: np.ndarray | None


def _rmsea_ci(chisq: float, df: int, n: float, n_groups: int, level: float = 0.90):
    """RMSEA interval by inverting the noncentral chi-square (lavaan's
    lav_fit_rmsea_ci): lambda with P(X2 | df, lambda) = 0.95 (lower) and 0.05
    (upper); RMSEA = sqrt(lambda / (N df)) * sqrt(G)."""
    if df < 1:
        return 0.0, 0.0
    hi_p, lo_p = 0.5 + level / 2, 0.5 - level / 2

    def cdf(lam):
        return stats.chi2.cdf(chisq, df) if lam <= 0 else stats.ncx2.cdf(chisq, df, lam)

    scale = np.sqrt(n_groups) / np.sqrt(n * df)
    if cdf(0.0) < hi_p:
        low = 0.0
    else:
        lam = optimize.brentq(lambda x: cdf(x) - hi_p, 0.0, max(chisq, 1e-8), xtol=1e-12)
        low = np.sqrt(lam) * scale
    upper_lim = max(n, chisq * 4)
    if cdf(upper_lim) > lo_p or cdf(0.0) < lo_p:
        high = 0.0
    else:
        lam = optimize.brentq(lambda x: cdf(x) - lo_p, 0.0, upper_lim, xtol=1e-12)
        high = np.sqrt(lam) * scale
    return float(low), float(high)


def _em_moments(x: np.ndarray, *, tol: float = 1e-9, max_iter: int = 10000):
    """Unrestricted ML mean and covariance with missing values (EM)."""
    n, p = x.shape
    obs = ~np.isnan(x)
    mu = np.nanmean(x, axis=0)
    sigma = np.diag(np.nanvar(x, axis=0))
    keys, inverse = np.unique(obs, axis=0, return_inverse=True)
    pats = [(keys[k], x[inverse.ravel() == k]) for k in range(len(keys))]
    for _ in range(max_iter):
        t1 = np.zeros(p)
        t2 = np.zeros((p, p))
        for o, rows in pats:
            xo = rows[:, o]
            if o.all():
                t1 += xo.sum(axis=0)
                t2 += xo.T @ xo
                continue
            mi = ~o
            s_oo = sigma[np.ix_(o, o)]
            s_mo = sigma[np.ix_(mi, o)]
            B = linalg.solve(s_oo, s_mo.T, assume_a="pos").T
            full = np.empty((rows.shape[0], p))
            full[:, o] = xo
            full[:, mi] = mu[mi] + (xo - mu[o]) @ B.T
            t1 += full.sum(axis=0)
            t2 += full.T @ full
            t2[np.ix_(mi, mi)] += rows.shape[0] * (sigma[np.ix_(mi, mi)] - B @ s_mo.T)
        mu_new = t1 / n
        sigma_new = t2 / n - np.outer(mu_new, mu_new)
        change = max(np.max(np.abs(mu_new - mu)), np.max(np.abs(sigma_new - sigma)))
        mu, sigma = mu_new, sigma_new
        if change < tol:
            break
    return mu, sigma


def _group_data(x: np.ndarray, cols: list[str], where: str, missing: str) -> _GroupData:
    n, p = x.shape
    if missing == "listwise":
        if n <= p:
            raise ValueError(
                f"Only {n} respondents{where} answered all {p} items of the model; "
                f"a covariance model of {p} items needs more than {p} complete answers. "
                'missing="ml" uses the incomplete answers too.'
            )
        mean = x.mean(axis=0)
        xc = x - mean
        S = xc.T @ xc / n  # divided by N (lavaan's normal likelihood)
    else:
        if n <= p:
            raise ValueError(
                f"Only {n} respondents{where} answered any of the {p} items of the model; "
                f"a covariance model of {p} items needs more than {p}."
            )
        counts = (~np.isnan(x)).sum(axis=0)
        if counts.min() < 2:
            empty = [cols[i] for i in np.where(counts < 2)[0]]
            raise ValueError(f"Item(s) {empty} have fewer than 2 answers{where}; drop them.")
        mean, S = _em_moments(x)
    sd = np.sqrt(np.diag(S))
    if np.any(sd <= 1e-12):
        flat = [cols[i] for i in np.where(sd <= 1e-12)[0]]
        raise ValueError(f"Item(s) {flat} have no variance{where}; drop them from the model.")
    if np.linalg.eigvalsh(S / np.outer(sd, sd)).min() < 1e-10:
        raise ValueError(
            f"The item covariance matrix{where} is singular (some items are exact linear "
            "combinations of others, e.g. duplicates); drop the redundant items."
        )
    if missing == "listwise":
        h1 = n * (np.linalg.slogdet(S)[1] + p)
        base = n * (np.sum(np.log(np.diag(S))) + p)
        return _GroupData(n, S, mean, [(n, None, S, mean)], float(h1), float(base), n * p)
    obs = ~np.isnan(x)
    keys, inverse = np.unique(obs, axis=0, return_inverse=True)
    blocks = []
    h1 = 0.0
    for k in range(len(keys)):
        o = np.where(keys[k])[0]
        rows = x[inverse.ravel() == k][:, o]
        nb = rows.shape[0]
        mb = rows.mean(axis=0)
        rc = rows - mb
        Sb = rc.T @ rc / nb
        idx = None if len(o) == p else o
        blocks.append((nb, idx, Sb, mb))
        logdet, inv, d = _block_terms(S[np.ix_(o, o)], mean[o], Sb, mb, True)
        h1 += nb * (logdet + np.sum(Sb * inv) + d @ inv @ d)
    var = np.nanvar(x, axis=0)
    base = float(np.sum(counts * (np.log(var) + 1.0)))
    return _GroupData(n, S, mean, blocks, float(h1), base, int(obs.sum()))


def _prepare(frame: pd.DataFrame, spec: _Spec, group: pd.Series | None, missing: str):
    cols = list(spec.observed)
    data = _numeric_columns(frame, cols, "model")
    if group is not None:
        data = data.assign(__group__=group.values)
        data = data[data["__group__"].notna()]
    if missing == "listwise":
        data = data.dropna()  # listwise deletion, as lavaan's default for ML
    else:
        data = data[data[cols].notna().any(axis=1)]  # rows with no answer carry nothing
    if group is None:
        blocks = [("all", data[cols].to_numpy())]
    else:
        labels = pd.unique(data["__group__"])
        blocks = [(lab, data.loc[data["__group__"] == lab, cols].to_numpy()) for lab in labels]
    groups = [
        _group_data(x, cols, "" if group is None else f" in group {lab!r}", missing)
        for lab, x in blocks
    ]
    return [b[0] for b in blocks], groups


_MISSING = {"listwise": "listwise", "ml": "ml", "fiml": "ml"}


def _fit_model(frame, spec, *, group=None, equal=(), missing="listwise") -> _Fit:
    if missing not in _MISSING:
        raise ValueError(
            f'missing must be "listwise" (lavaan\'s default) or "ml" (full-information ML, '
            f'lavaan\'s missing="ml"); got {missing!r}.'
        )
    with _threadpool_limits(limits=1):
        return _fit_model_inner(frame, spec, group=group, equal=equal, missing=_MISSING[missing])


def _fit_model_inner(frame, spec, *, group, equal, missing) -> _Fit:
    labels, groups = _prepare(frame, spec, group, missing)
    meanstructure = group is not None or missing == "ml"
    G = len(groups)
    pars = _partable(spec, G, meanstructure, tuple(equal))
    p, m = len(spec.observed), len(spec.latent)
    model = _MLModel(pars, groups, p, m, meanstructure)
    n_moments = G * (p * (p + 1) // 2 + (p if meanstructure else 0))
    df = n_moments - model.npar
    if df < 0:
        raise ValueError(
            f"The model has {model.npar} free parameters but the data give only {n_moments} "
            f"variances, covariances{' and means' if meanstructure else ''}: it is not "
            "identified. Add items to the factors or remove free parameters."
        )
    theta0 = _start_values(model, spec)
    if not np.isfinite(model.objective(theta0)):
        for q in pars:  # a safer start: diagonal residuals only
            if q.idx >= 0 and q.mat == "T" and q.row == q.col:
                theta0[q.idx] = model.S[q.group][q.row, q.row]
    theta, converged, iterations = _optimise(model, theta0)
    N = model.n_total
    fmin = model.objective(theta)
    chisq = float(N * fmin)
    if abs(chisq) < 1e-10:
        chisq = 0.0
    pvalue = float(stats.chi2.sf(chisq, df)) if df > 0 else np.nan
    base = float(sum(gd.base - gd.h1 for gd in groups))
    base_df = G * p * (p - 1) // 2
    t1 = max(chisq - df, 0.0)
    t2 = max(chisq - df, base - base_df, 0.0)
    cfi = 1.0 if t2 == 0 else 1.0 - t1 / t2
    if df > 0:
        tli = ((base / base_df) - (chisq / df)) / ((base / base_df) - 1.0)
        rmsea = np.sqrt(max(chisq / N / df - 1.0 / N, 0.0)) * np.sqrt(G)
    else:
        tli, rmsea = 1.0, 0.0
    lo, hi = _rmsea_ci(chisq, df, N, G)
    # SRMR (Bentler): residuals of covariances (and means) scaled by the
    # observed standard deviations, root mean square per group, N-weighted.
    # With missing data the "observed" moments are the EM estimates (lavaan).
    srmr_g = []
    for g in range(G):
        _, sigma, mu = model.implied(theta, g)
        S = model.S[g]
        sd = np.sqrt(np.diag(S))
        res = (S - sigma) / np.outer(sd, sd)
        tri = res[np.tril_indices(p)]
        ssq, count = np.sum(tri**2), tri.size
        if meanstructure:
            mres = (model.means[g] - mu) / sd
            ssq += np.sum(mres**2)
            count += p
        srmr_g.append(np.sqrt(ssq / count))
    srmr = float(np.sum(np.array(srmr_g) * model.n_obs) / N)
    n_values = sum(gd.n_values for gd in groups)
    loglik = float(-0.5 * (N * (fmin + model.const) + n_values * np.log(2 * np.pi)))
    H = model.information(theta) if model.complete else model.observed_information(theta)
    cov_theta = None
    if H is not None and np.all(np.isfinite(H)):
        cond = np.linalg.cond(H)
        if cond < 1e12:
            cov_theta = 2.0 / N * linalg.inv(H)
    return _Fit(spec, model, theta, converged, iterations, tuple(labels), chisq, int(df),
                pvalue, base, int(base_df), float(cfi), float(tli), float(rmsea), lo, hi, srmr,
                loglik, cov_theta)


def _parameter_table(fit: _Fit) -> pd.DataFrame:
    model, theta = fit.model, fit.theta
    se_all = (np.sqrt(np.clip(np.diag(fit.cov_theta), 0, None))
              if fit.cov_theta is not None else np.full(model.npar, np.nan))
    rows = []
    implied = [model.implied(theta, g) for g in range(model.n_groups)]
    for q in model.pars:
        M, sigma, _ = implied[q.group]
        est = float(theta[q.idx]) if q.idx >= 0 else float(q.value)
        se = float(se_all[q.idx]) if q.idx >= 0 else np.nan
        sd_ov = np.sqrt(np.diag(sigma))
        sd_lv = np.sqrt(np.clip(np.diag(M["P"]), 0, None))
        with np.errstate(divide="ignore", invalid="ignore"):
            if q.mat == "L":
                std = est * sd_lv[q.col] / sd_ov[q.row]
            elif q.mat == "T" and q.row == q.col:
                std = est / sigma[q.row, q.row]
            elif q.mat == "T":  # residual correlation, as lavaan's std.all
                T = M["T"]
                std = est / np.sqrt(abs(T[q.row, q.row]) * abs(T[q.col, q.col]))
            elif q.mat == "P":
                std = est / (sd_lv[q.row] * sd_lv[q.col])
            elif q.mat == "nu":
                std = est / sd_ov[q.row]
            else:
                std = est / sd_lv[q.row]
        rows.append({"group": fit.groups[q.group], "lhs": q.lhs, "op": q.op, "rhs": q.rhs,
                     "estimate": est, "se": se, "std_all": float(std), "free": q.idx >= 0})
    return pd.DataFrame(rows)
