"""Polychoric correlations of ordinal items (psych::polychoric, two-step ML), and the bivariate normal.

Split from :mod:`evaluation.stats.reliability` (one module per concept); the
names are still served from there. Tested against R psych in
``tests/test_reliability.py``.

>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> z = rng.normal(size=(400, 1)) + rng.normal(size=(400, 3))
>>> r = polychoric(pd.DataFrame(np.digitize(z, [-1, 0, 1]) + 1, columns=list("abc")))
>>> r.shape, bool((np.diag(r) == 1).all())
((3, 3), True)
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from evaluation.stats.reliability import _as_items

__all__ = ["polychoric"]


# --------------------------------------------------------------------------- bivariate normal
_GL_T, _GL_W = np.polynomial.legendre.leggauss(20)


def _bvn_upper_finite(h: np.ndarray, k: np.ndarray, r: np.ndarray) -> np.ndarray:
    """P(X > h, Y > k) for a standard bivariate normal with correlation r (finite h, k).

    Genz (2004) "Numerical computation of rectangular bivariate and trivariate
    normal and t probabilities", Statistics and Computing 14, 251-260 (the
    Drezner-Wesolowsky method with Genz's double-precision changes), with the
    20-point Gauss-Legendre rule everywhere; vectorised over h, k, r.
    """
    h, k, r = np.broadcast_arrays(np.asarray(h, float), np.asarray(k, float), np.asarray(r, float))
    shape = h.shape
    h, k, r = h.ravel(), k.ravel(), r.ravel()
    out = np.empty(h.shape)
    small = np.abs(r) < 0.925
    with np.errstate(all="ignore"):
        if small.any():
            # |r| < 0.925: integrate the density over asin(r).
            hh, kk_, rr = h[small], k[small], r[small]
            hk = hh * kk_
            hs = (hh * hh + kk_ * kk_) / 2
            asr = np.arcsin(rr)
            sn = np.sin(asr[:, None] * (1 + _GL_T) / 2)
            f = np.exp((sn * hk[:, None] - hs[:, None]) / (1 - sn * sn))
            out[small] = asr * (f @ _GL_W) / (4 * np.pi) + special.ndtr(-hh) * special.ndtr(-kk_)
        big = ~small
        if big.any():
            hh, kk0, rr = h[big], k[big], r[big]
            kk = np.where(rr < 0, -kk0, kk0)
            hk2 = np.where(rr < 0, -hh * kk0, hh * kk0)
            as_ = (1 - rr) * (1 + rr)
            a = np.sqrt(as_)
            bs = (hh - kk) ** 2
            c = (4 - hk2) / 8
            d = (12 - hk2) / 16
            e = -(bs / as_ + hk2) / 2
            bvn = np.where(e > -100,
                           a * np.exp(e) * (1 - c * (bs - as_) * (1 - d * bs / 5) / 3 + c * d * as_ * as_ / 5),
                           0.0)
            b = np.sqrt(bs)
            sp = math.sqrt(2 * math.pi) * special.ndtr(-b / a)
            bvn = np.where(-hk2 < 100,
                           bvn - np.exp(-hk2 / 2) * sp * b * (1 - c * bs * (1 - d * bs / 5) / 3), bvn)
            xs = (a[:, None] * (1 + _GL_T) / 2) ** 2
            rs = np.sqrt(1 - xs)
            e2 = -(bs[:, None] / xs + hk2[:, None]) / 2
            term = (a[:, None] / 2) * _GL_W * np.exp(e2) * (
                np.exp(-hk2[:, None] * xs / (2 * (1 + rs) ** 2)) / rs
                - (1 + c[:, None] * xs * (1 + d[:, None] * xs)))
            bvn = bvn + np.where(e2 > -100, term, 0.0).sum(axis=-1)
            bvn = -bvn / (2 * np.pi)
            bvn = np.where(np.abs(rr) >= 1, 0.0, bvn)
            pos = bvn + special.ndtr(-np.maximum(hh, kk))
            neg = -bvn + np.where(kk > hh, np.where(hh < 0, special.ndtr(kk) - special.ndtr(hh),
                                                    special.ndtr(-hh) - special.ndtr(-kk)), 0.0)
            out[big] = np.where(rr > 0, pos, neg)
    return np.clip(out, 0.0, 1.0).reshape(shape)


def _bvn_cdf(a: np.ndarray, b: np.ndarray, r: np.ndarray) -> np.ndarray:
    """P(X < a, Y < b), standard bivariate normal with correlation r; a, b may be +-inf."""
    a, b, r = np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float), np.asarray(r, float))
    fa, fb = np.isfinite(a), np.isfinite(b)
    core = _bvn_upper_finite(np.where(fa, -a, 0.0), np.where(fb, -b, 0.0), r)
    out = np.where(fa & fb, core, 0.0)
    out = np.where((a == np.inf) & fb, special.ndtr(np.where(fb, b, 0.0)), out)
    out = np.where((b == np.inf) & fa, special.ndtr(np.where(fa, a, 0.0)), out)
    out = np.where((a == np.inf) & (b == np.inf), 1.0, out)
    out = np.where((a == -np.inf) | (b == -np.inf), 0.0, out)
    return out


def _bvn_pdf(a: np.ndarray, b: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Bivariate normal density (0 at infinite arguments)."""
    a, b, r = np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float), np.asarray(r, float))
    fin = np.isfinite(a) & np.isfinite(b)
    a0, b0 = np.where(fin, a, 0.0), np.where(fin, b, 0.0)
    one = 1 - r * r
    dens = np.exp(-(a0 * a0 - 2 * r * a0 * b0 + b0 * b0) / (2 * one)) / (2 * np.pi * np.sqrt(one))
    return np.where(fin, dens, 0.0)


# --------------------------------------------------------------------------- polychoric
def _poly_rho(tab: np.ndarray, rc: np.ndarray, cc: np.ndarray) -> np.ndarray:
    """ML correlation for a batch of contingency tables with fixed thresholds.

    Maximises sum tab_ij log P_ij(rho) (tab in proportions) by Fisher scoring
    on rho, safeguarded by bisection on the sign of the score.
    tab (P, R, C); rc (P, R-1); cc (P, C-1).
    """
    p = tab.shape[0]
    inf = np.full((p, 1), np.inf)
    acut = np.concatenate([-inf, rc, inf], axis=1)[:, :, None]
    bcut = np.concatenate([-inf, cc, inf], axis=1)[:, None, :]
    lo = np.full(p, -1 + 1e-10)
    hi = np.full(p, 1 - 1e-10)
    rho = np.zeros(p)
    active = np.ones(p, bool)
    for _ in range(200):
        rr = rho[:, None, None]
        f = _bvn_cdf(acut, bcut, rr)
        cell = f[:, 1:, 1:] - f[:, :-1, 1:] - f[:, 1:, :-1] + f[:, :-1, :-1]
        g = _bvn_pdf(acut, bcut, rr)
        dcell = g[:, 1:, 1:] - g[:, :-1, 1:] - g[:, 1:, :-1] + g[:, :-1, :-1]
        okc = cell > 1e-300
        with np.errstate(all="ignore"):
            score = np.where(okc & (tab > 0), tab * dcell / np.where(okc, cell, 1.0), 0.0).sum(axis=(1, 2))
            info = np.where(okc, dcell * dcell / np.where(okc, cell, 1.0), 0.0).sum(axis=(1, 2))
        lo = np.where(score > 0, rho, lo)
        hi = np.where(score <= 0, rho, hi)
        with np.errstate(all="ignore"):
            new = rho + score / info
        bad = ~np.isfinite(new) | (new <= lo) | (new >= hi)
        new = np.where(bad, (lo + hi) / 2, new)
        step = np.abs(new - rho)
        rho = np.where(active, new, rho)
        active &= step > 1e-10
        if not active.any():
            break
    return rho


def _cor_smooth(r: np.ndarray, eig_tol: float = 1e-12) -> np.ndarray:
    """psych::cor.smooth: lift non-positive eigenvalues, rescale, back to a correlation matrix."""
    vals, vecs = np.linalg.eigh(r)
    if vals.min() >= np.finfo(float).eps:
        return r
    warnings.warn("The polychoric correlation matrix was not positive definite; it was smoothed "
                  "(psych::cor.smooth).", RuntimeWarning, stacklevel=3)
    vals = np.where(vals < eig_tol, 100 * eig_tol, vals)
    vals = vals * r.shape[0] / vals.sum()
    out = (vecs * vals) @ vecs.T
    return _cov2cor(out)


def _polychoric_matrix(x: np.ndarray, cols: list, *, warn: bool = True) -> np.ndarray:
    """psych::polychoric(x)$rho for an (n, k) array of integer codes with NaN."""
    n, k = x.shape
    m = ~np.isnan(x)
    vals = x[m]
    if not np.all(vals == np.round(vals)):
        raise ValueError("Polychoric correlations need integer answer codes (ordered categories).")
    xmin = vals.min()
    nv = int(vals.max() - xmin + 1)
    if nv > 8:
        raise ValueError(f"The items span {nv} categories; polychoric correlations are for at most 8 "
                         "ordered categories (as psych::polychoric). Use ordinal=False.")
    xi = np.where(m, x - xmin, -1).astype(int)       # 0-based category, -1 missing
    freq = np.stack([np.bincount(xi[m[:, j], j], minlength=nv) for j in range(k)])  # (k, nv)
    n_obs = freq.sum(axis=1)
    with np.errstate(divide="ignore"):
        tau = special.ndtri(np.cumsum(freq, axis=1)[:, :-1] / n_obs[:, None])  # (k, nv-1)
    top = np.array([xi[m[:, j], j].max() for j in range(k)])
    global_ = bool(np.all(top == top[0]))
    ii, jj = np.triu_indices(k, 1)
    # psych fills the lower triangle from pairs (i > j): rows of the table = item i.
    tabs = np.empty((ii.size, nv, nv))
    for p_, (i, j) in enumerate(zip(jj, ii)):          # i = later item (rows), j = earlier
        both = m[:, i] & m[:, j]
        tabs[p_] = np.bincount(xi[both, i] * nv + xi[both, j], minlength=nv * nv).reshape(nv, nv)
    tot = tabs.sum(axis=(1, 2))
    if np.any(tot == 0):
        raise ValueError("Some pairs of items were never answered together; polychoric correlations "
                         "cannot be computed.")
    props = tabs / tot[:, None, None]
    if global_:
        rho = _poly_rho(props, tau[jj], tau[ii])
    else:
        rho = np.empty(ii.size)
        for p_ in range(ii.size):
            t = props[p_]
            t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]
            if min(t.shape) < 2:
                rho[p_] = np.nan
                continue
            t = np.where(t == 0, 0.5 / tot[p_], t)       # psych's correct = 0.5
            rcut = special.ndtri(np.cumsum(t.sum(axis=1))[:-1])
            ccut = special.ndtri(np.cumsum(t.sum(axis=0))[:-1])
            rho[p_] = _poly_rho(t[None], rcut[None], ccut[None])[0]
    if np.any(~np.isfinite(rho)):
        raise ValueError("Some polychoric correlations could not be estimated (an item pair has "
                         "answers in only one category together).")
    r = np.eye(k)
    r[jj, ii] = rho
    r[ii, jj] = rho
    if warn:
        return _cor_smooth(r)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _cor_smooth(r)


def polychoric(items: Any) -> pd.DataFrame:
    r"""Polychoric correlation matrix, as ``psych::polychoric(x)$rho``.

    Two-step estimator (Olsson 1979): thresholds of each item from its own
    marginal proportions, tau_c = Phi^{-1}(P(X <= c)); then for each pair the
    rho maximising the pairwise-complete table's multinomial likelihood
    sum n_ab log P_ab(rho), with P_ab the bivariate normal probability of the
    rectangle between the thresholds. As psych: when items differ in their
    highest observed category, thresholds come from each pair's own table,
    empty rows/columns are dropped and empty cells set to 0.5 counts; a matrix
    that is not positive definite is smoothed (``cor.smooth``).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> z = rng.multivariate_normal([0, 0, 0], [[1, .6, .5], [.6, 1, .4], [.5, .4, 1]], size=2000)
    >>> x = pd.DataFrame(np.digitize(z, [-1, 0, 0.8]) + 1, columns=["a", "b", "c"])
    >>> polychoric(x).round(2)
          a     b     c
    a  1.00  0.63  0.49
    b  0.63  1.00  0.41
    c  0.49  0.41  1.00
    """
    df = _as_items(items)
    r = _polychoric_matrix(df.to_numpy(), list(df.columns))
    return pd.DataFrame(r, index=df.columns, columns=df.columns)
