r"""WLSMV for ordinal items: the numbers behind ``ordinal_cfa`` and ``ordinal_invariance``.

Three stages, as lavaan 0.6 (``estimator = "WLSMV"``, delta parameterisation):

1. **Sample statistics** per group (Muthén 1984; Olsson 1979): thresholds
   :math:`\tau_{ik} = \Phi^{-1}(P(X_i \le k))` from each item's own answers,
   polychoric correlations by pairwise ML with the thresholds fixed (the
   kit's ``reliability._poly_rho``), and their asymptotic covariance
   :math:`\Gamma = N B^{-1} (S^\top S) B^{-\top}` from the casewise scores
   :math:`S` of the univariate and bivariate likelihoods, with
   :math:`B = \begin{pmatrix} A_{11} & 0 \\ A_{21} & A_{22} \end{pmatrix}`
   (``lavaan:::muthen1984``).
2. **DWLS fit**: minimise :math:`\sum_g (N_g - 1) (s_g - \sigma_g(\theta))^\top
   W_g (s_g - \sigma_g(\theta))` with :math:`W_g = \mathrm{diag}(\Gamma_g)^{-1}`,
   :math:`\sigma_g` = implied thresholds :math:`\delta_i(\tau_{ik} - \Lambda_i\kappa)`
   and correlations :math:`\delta_i\delta_j(\Lambda\Phi\Lambda^\top)_{ij}`.
3. **Robust inference**: sandwich covariance
   :math:`E^{-1} (\sum_g f_g \Delta_g^\top W_g \Gamma_g W_g \Delta_g) E^{-1} / (N - G)`
   with :math:`E = \sum_g f_g \Delta_g^\top W_g \Delta_g`, :math:`f_g = N_g/N`,
   and the mean-and-variance adjusted ("scaled and shifted") statistic
   :math:`T^* = a T + b`, :math:`a = \sqrt{df / \mathrm{tr}((U\Gamma)^2)}`,
   :math:`b = df - a\,\mathrm{tr}(U\Gamma)`, :math:`U = V - V\Delta E^{-1}\Delta^\top V`
   (Asparouhov & Muthén 2010; ``lavaan:::lav_test_satorra_bentler``).

Pure numbers: no text, no figures, no files.

References
----------
Muthén, B. (1984). A general structural equation model with dichotomous,
ordered categorical, and continuous latent variable indicators.
*Psychometrika* 49, 115-132.
Asparouhov, T. & Muthén, B. (2010). Simple second order chi-square
correction. Mplus technical appendix.
Rosseel, Y. (2012). lavaan: An R package for structural equation modeling.
*J Stat Softw* 48(2).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, special, stats

from evaluation.stats.polychoric import _bvn_cdf, _bvn_pdf, _poly_rho

__all__ = ["GroupStats", "MGModel", "sample_stats"]


# --------------------------------------------------------------------------- stage 1
@dataclass(frozen=True, eq=False)
class GroupStats:
    """Stage-1 statistics of one group: s = (thresholds item by item, correlations i<j)."""

    n: int
    ncat: np.ndarray          # categories per item
    th: np.ndarray            # (p, K-1) thresholds, +inf padded
    cor: np.ndarray           # (p, p) polychoric correlations
    s: np.ndarray             # stacked statistics
    nacov: np.ndarray         # Gamma (asymptotic covariance of sqrt(N) s)

    @property
    def w(self) -> np.ndarray:
        """Diagonal DWLS weights 1 / diag(Gamma)."""
        return 1.0 / np.diag(self.nacov)

    @property
    def n_th(self) -> int:
        return int(np.sum(self.ncat - 1))


def _norm_cdf_safe(z: np.ndarray) -> np.ndarray:
    return special.ndtr(z)


def sample_stats(xi: np.ndarray, ncat: np.ndarray, *, labels: list | None = None,
                 where: str = "") -> GroupStats:
    """Thresholds, polychoric correlations and their NACOV for one group.

    ``xi``: (n, p) integer category codes 0..ncat-1, -1 = missing (pairwise
    use of whatever is observed; pass complete rows for listwise).
    """
    xi = np.asarray(xi, dtype=int)
    n, p = xi.shape
    ncat = np.asarray(ncat, dtype=int)
    kmax = int(ncat.max())
    obs = xi >= 0
    labels = labels or [f"item {i + 1}" for i in range(p)]
    th = np.full((p, kmax - 1), np.inf)
    th_cols = []
    for i in range(p):
        cnt = np.bincount(xi[obs[:, i], i], minlength=ncat[i])[: ncat[i]]
        if np.any(cnt == 0):
            raise ValueError(f"Some answer categories of item {labels[i]!r} are empty{where}; "
                             f"frequencies are {cnt.tolist()}. Every group needs every category "
                             "(merge rare categories or drop the item).")
        th[i, : ncat[i] - 1] = special.ndtri(np.cumsum(cnt)[:-1] / cnt.sum())
        th_cols.append(th[i, : ncat[i] - 1])
    ii, jj = np.triu_indices(p, 1)
    npair = ii.size
    both = obs[:, ii] & obs[:, jj]                                   # (n, P)
    cell = np.where(both, xi[:, ii] * kmax + xi[:, jj], -1)
    tabs = np.zeros((npair, kmax * kmax))
    for r in range(npair):
        c = cell[both[:, r], r]
        tabs[r] = np.bincount(c, minlength=kmax * kmax)
    tabs = tabs.reshape(npair, kmax, kmax)
    tot = tabs.sum(axis=(1, 2))
    if np.any(tot == 0):
        r = int(np.argmax(tot == 0))
        raise ValueError(f"Items {labels[ii[r]]!r} and {labels[jj[r]]!r} are never answered together"
                         f"{where}; their polychoric correlation cannot be estimated.")
    rho = _poly_rho(tabs / tot[:, None, None], th[ii], th[jj])
    cor = np.eye(p)
    cor[ii, jj] = rho
    cor[jj, ii] = rho

    # ---- cell probabilities and derivatives at (tau, rho)
    inf = np.full((npair, 1), np.inf)
    a = np.concatenate([-inf, th[ii], inf], axis=1)                 # (P, K+1) row cuts
    b = np.concatenate([-inf, th[jj], inf], axis=1)
    rr = rho[:, None, None]
    f = _bvn_cdf(a[:, :, None], b[:, None, :], rr)
    pi = f[:, 1:, 1:] - f[:, :-1, 1:] - f[:, 1:, :-1] + f[:, :-1, :-1]
    g = _bvn_pdf(a[:, :, None], b[:, None, :], rr)
    dpi = g[:, 1:, 1:] - g[:, :-1, 1:] - g[:, 1:, :-1] + g[:, :-1, :-1]
    pi_safe = np.where(pi > 0, pi, 1.0)
    lrho = np.where(pi > 0, dpi / pi_safe, 0.0)                     # d log pi / d rho
    sd = np.sqrt(1 - rho ** 2)[:, None, None]

    def cut_deriv(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """H[r, k, c] = phi(x_k) [Phi((y_{c+1} - rho x_k)/s) - Phi((y_c - rho x_k)/s)], x finite cuts."""
        xk = x[:, 1:-1][:, :, None]                                  # (P, K-1, 1)
        fin = np.isfinite(xk)
        x0 = np.where(fin, xk, 0.0)
        with np.errstate(invalid="ignore"):
            z = (y[:, None, :] - rr * x0) / sd                       # (P, K-1, K+1)
        big = _norm_cdf_safe(np.where(np.isnan(z), 0.0, z))
        big = np.where(np.isposinf(y)[:, None, :], 1.0, np.where(np.isneginf(y)[:, None, :], 0.0, big))
        gx = np.where(fin, stats.norm.pdf(x0), 0.0) * big
        return gx[:, :, 1:] - gx[:, :, :-1]                          # (P, K-1, K)

    h_row = cut_deriv(a, b)                 # derivative wrt row-item thresholds, by column category
    h_col = cut_deriv(b, a)                 # wrt column-item thresholds, by row category
    # A21 blocks from the tables: cells with category k (upper cut k) get +H, k+1 get -H
    wl = np.where(pi > 0, tabs * lrho / pi_safe, 0.0)               # n_ab * (dlogpi/drho) / pi_ab
    k1 = kmax - 1
    a21_row = np.einsum("rkb,rkb->rk", wl[:, :k1, :], h_row) - np.einsum("rkb,rkb->rk", wl[:, 1:, :], h_row)
    wl_t = wl.transpose(0, 2, 1)
    a21_col = np.einsum("rka,rka->rk", wl_t[:, :k1, :], h_col) - np.einsum("rka,rka->rk", wl_t[:, 1:, :], h_col)
    a22 = np.sum(tabs * lrho ** 2, axis=(1, 2))

    # ---- casewise scores
    nth = ncat - 1
    th_start = np.concatenate([[0], np.cumsum(nth)[:-1]])
    q_th = int(nth.sum())
    s_th = np.zeros((n, q_th))
    for i in range(p):
        t = th[i, : nth[i]]
        cuts = np.concatenate([[-np.inf], t, [np.inf]])
        cdf = special.ndtr(cuts)
        pdf = np.concatenate([[0.0], stats.norm.pdf(t), [0.0]])
        pr = np.diff(cdf)
        o = obs[:, i]
        c = xi[o, i]
        rows = np.flatnonzero(o)
        up = c < nth[i]
        s_th[rows[up], th_start[i] + c[up]] = pdf[c[up] + 1] / pr[c[up]]
        lo = c > 0
        s_th[rows[lo], th_start[i] + c[lo] - 1] = -pdf[c[lo]] / pr[c[lo]]
    flat = lrho.reshape(npair, -1)
    s_rho = np.where(both, np.take_along_axis(flat.T, np.where(both, cell, 0), axis=0), 0.0)
    sc = np.concatenate([s_th, s_rho], axis=1)
    inner = sc.T @ sc

    # ---- B^{-1} inner B^{-T}
    a11_inv = np.zeros((q_th, q_th))
    for i in range(p):
        sl = slice(th_start[i], th_start[i] + nth[i])
        a11_inv[sl, sl] = np.linalg.inv(inner[sl, sl])
    a21 = np.zeros((npair, q_th))
    for r in range(npair):
        i, j = ii[r], jj[r]
        a21[r, th_start[i]: th_start[i] + nth[i]] = a21_row[r, : nth[i]]
        a21[r, th_start[j]: th_start[j] + nth[j]] = a21_col[r, : nth[j]]
    a22_inv = 1.0 / a22
    b_inv = np.zeros((q_th + npair, q_th + npair))
    b_inv[:q_th, :q_th] = a11_inv
    b_inv[q_th:, :q_th] = -(a22_inv[:, None] * a21) @ a11_inv
    b_inv[q_th:, q_th:] = np.diag(a22_inv)
    nacov = n * (b_inv @ inner @ b_inv.T)
    s = np.concatenate([np.concatenate(th_cols), rho])
    return GroupStats(n=n, ncat=ncat, th=th, cor=cor, s=s, nacov=nacov)


# --------------------------------------------------------------------------- the model
@dataclass(eq=False)
class MGModel:
    """A multi-group ordinal factor model in the delta parameterisation.

    Slots per group: loadings L (p*m, row-major), factor (co)variances P
    (lower-triangle vech), latent means a (m), thresholds t (sum nth),
    scale factors d (p). ``key[g][slot]`` is a hashable free-parameter key
    (the same key in two places = an equality constraint) or None (fixed at
    ``value[g][slot]``).
    """

    p: int
    m: int
    nth: np.ndarray
    pattern: np.ndarray                 # (p, m) bool: which loadings exist
    keys: list                          # per group: list of keys (None = fixed)
    values: list                        # per group: np.ndarray of fixed / start values
    names: list = field(default_factory=list)   # slot names (lavaan style), per slot

    def __post_init__(self) -> None:
        p, m = self.p, self.m
        self.n_l, self.n_p = p * m, m * (m + 1) // 2
        self.n_t = int(np.sum(self.nth))
        self.nslot = self.n_l + self.n_p + m + self.n_t + p
        self.off = np.cumsum([0, self.n_l, self.n_p, m, self.n_t, p])
        self.vech_r, self.vech_c = np.tril_indices(m)
        self.ii, self.jj = np.triu_indices(p, 1)
        self.th_item = np.repeat(np.arange(p), self.nth)
        uniq = list(dict.fromkeys(k for ks in self.keys for k in ks if k is not None))
        self.free_keys = uniq
        pos = {k: i for i, k in enumerate(uniq)}
        self.free_idx = [np.array([pos[k] if k is not None else -1 for k in ks]) for ks in self.keys]
        # full (unconstrained) index: one parameter per free slot per group
        full, c = [], 0
        for ks in self.keys:
            f = np.full(len(ks), -1)
            for s_, k in enumerate(ks):
                if k is not None:
                    f[s_] = c
                    c += 1
            full.append(f)
        self.full_idx = full
        self.n_free, self.n_full = len(uniq), c

    # ---- matrices of one group
    def unpack(self, x: np.ndarray, g: int) -> tuple:
        v = self.values[g].copy()
        fi = self.free_idx[g]
        v[fi >= 0] = x[fi[fi >= 0]]
        o = self.off
        lam = v[o[0]:o[1]].reshape(self.p, self.m)
        phi = np.zeros((self.m, self.m))
        phi[self.vech_r, self.vech_c] = v[o[1]:o[2]]
        phi = phi + np.tril(phi, -1).T
        return lam, phi, v[o[2]:o[3]], v[o[3]:o[4]], v[o[4]:o[5]]

    def implied(self, x: np.ndarray, g: int, *, jac: bool = True) -> tuple:
        """Implied statistics of group g and their Jacobian wrt the group's slots."""
        lam, phi, kap, tau, dlt = self.unpack(x, g)
        ii, jj, ti = self.ii, self.jj, self.th_item
        lp = lam @ phi
        sig = lp @ lam.T
        mu = lam @ kap
        t_hat = dlt[ti] * (tau - mu[ti])
        r_hat = dlt[ii] * dlt[jj] * sig[ii, jj]
        out = np.concatenate([t_hat, r_hat])
        if not jac:
            return out, None
        nt, npair, p, m = self.n_t, ii.size, self.p, self.m
        o = self.off
        J = np.zeros((nt + npair, self.nslot))
        rows_t = np.arange(nt)
        # thresholds
        J[rows_t[:, None], o[0] + ti[:, None] * m + np.arange(m)] = -(dlt[ti])[:, None] * kap[None, :]
        J[rows_t[:, None], o[2] + np.arange(m)] = -(dlt[ti])[:, None] * lam[ti]
        J[rows_t, o[3] + rows_t] = dlt[ti]
        J[rows_t, o[4] + ti] = tau - mu[ti]
        # correlations
        rows_r = nt + np.arange(npair)
        dd = (dlt[ii] * dlt[jj])[:, None]
        J[rows_r[:, None], o[0] + ii[:, None] * m + np.arange(m)] += dd * lp[jj]
        J[rows_r[:, None], o[0] + jj[:, None] * m + np.arange(m)] += dd * lp[ii]
        A = lam[ii][:, :, None] * lam[jj][:, None, :]                 # (P, m, m)
        S = A + A.transpose(0, 2, 1)
        vr, vc = self.vech_r, self.vech_c
        dphi = np.where(vr == vc, A[:, vr, vc], S[:, vr, vc])
        J[rows_r[:, None], o[1] + np.arange(self.n_p)] = dd * dphi
        J[rows_r, o[4] + ii] += dlt[jj] * sig[ii, jj]
        J[rows_r, o[4] + jj] += dlt[ii] * sig[ii, jj]
        return out, J

    def delta(self, J: np.ndarray, g: int, *, full: bool = False) -> np.ndarray:
        idx = self.full_idx[g] if full else self.free_idx[g]
        D = np.zeros((J.shape[0], self.n_full if full else self.n_free))
        sel = np.flatnonzero(idx >= 0)
        np.add.at(D.T, idx[sel], J[:, sel].T)
        return D

    # ---- estimation
    def fit(self, groups: list, x0: np.ndarray) -> np.ndarray:
        c = np.array([gs.n - 1.0 for gs in groups])
        sw = [np.sqrt(ci * gs.w) for ci, gs in zip(c, groups)]

        def resid(x):
            return np.concatenate([w * (gs.s - self.implied(x, g, jac=False)[0])
                                   for g, (w, gs) in enumerate(zip(sw, groups))])

        def jac(x):
            return np.concatenate([-w[:, None] * self.delta(self.implied(x, g)[1], g)
                                   for g, w in enumerate(sw)])

        res = optimize.least_squares(resid, x0, jac=jac, method="lm", xtol=1e-14, ftol=1e-14,
                                     gtol=1e-14, max_nfev=2000)
        return res.x


@dataclass(frozen=True, eq=False)
class Inference:
    """Everything downstream needs from a fitted model."""

    x: np.ndarray
    vcov: np.ndarray
    chisq: float
    df: int
    chisq_scaled: float
    pvalue_scaled: float
    a: float
    b: float
    e_inv: np.ndarray
    deltas: list
    implied: list
    f_groups: list


def infer(model: MGModel, groups: list, x: np.ndarray) -> Inference:
    """Robust covariance, DWLS chi-square and its scaled-shifted version at x."""
    ntot = sum(gs.n for gs in groups)
    fg = [gs.n / ntot for gs in groups]
    deltas, implied, fgr = [], [], []
    E = np.zeros((model.n_free, model.n_free))
    Bm = np.zeros_like(E)
    chisq = 0.0
    for g, gs in enumerate(groups):
        sig, J = model.implied(x, g)
        D = model.delta(J, g)
        wd = gs.w[:, None] * D
        E += fg[g] * D.T @ wd
        Bm += fg[g] * wd.T @ gs.nacov @ wd
        r = gs.s - sig
        fval = float(np.sum(gs.w * r * r))
        chisq += (gs.n - 1) * fval
        deltas.append(D)
        implied.append(sig)
        fgr.append(fval)
    e_inv = np.linalg.inv(E)
    vcov = e_inv @ Bm @ e_inv / (ntot - len(groups))     # lavaan: N - G for (D)WLS
    df = int(sum(len(gs.s) for gs in groups) - model.n_free)
    tr1, tr2 = ug_traces(groups, deltas, e_inv)
    a = np.sqrt(df / tr2) if df > 0 else np.nan
    b = df - a * tr1 if df > 0 else np.nan
    t_s = chisq * a + b if df > 0 else np.nan
    p_s = float(stats.chi2.sf(t_s, df)) if df > 0 else np.nan
    return Inference(x=x, vcov=vcov, chisq=chisq, df=df, chisq_scaled=float(t_s), pvalue_scaled=p_s,
                     a=float(a), b=float(b), e_inv=e_inv, deltas=deltas, implied=implied, f_groups=fgr)


def ug_traces(groups: list, deltas: list, e_inv: np.ndarray) -> tuple[float, float]:
    r"""tr(U Gamma) and tr((U Gamma)^2) for :math:`U = V - V\Delta E^{-1}\Delta^\top V`.

    In lavaan's stacking (V blocks f_g W_g, Gamma blocks Gamma_g / f_g) the
    blocks of :math:`M = V\Gamma` are :math:`W_g\Gamma_g`,
    :math:`Q = V\Delta` has blocks :math:`f_g W_g\Delta_g` and
    :math:`R = \Delta^\top M`; then :math:`U\Gamma = M - Q E^{-1} R`.
    """
    ntot = sum(gs.n for gs in groups)
    tr_m, tr_m2 = 0.0, 0.0
    npar = e_inv.shape[0]
    RQ = np.zeros((npar, npar))
    RMQ = np.zeros((npar, npar))
    for gs, D in zip(groups, deltas):
        fg = gs.n / ntot
        M = gs.w[:, None] * gs.nacov                 # W Gamma
        Q = fg * gs.w[:, None] * D                   # f W Delta
        R = D.T @ M                                  # Delta' W Gamma
        tr_m += float(np.trace(M))
        tr_m2 += float(np.sum(M * M.T))
        RQ += R @ Q
        RMQ += R @ (M @ Q)
    tr1 = tr_m - float(np.trace(e_inv @ RQ))
    EQ = e_inv @ RQ
    tr2 = tr_m2 - 2 * float(np.trace(e_inv @ RMQ)) + float(np.sum(EQ * EQ.T))
    return tr1, tr2


def baseline(groups: list) -> tuple[float, int, float]:
    """Independence model (thresholds free, correlations 0): chisq, df and scaled chisq."""
    chisq, df = 0.0, 0
    deltas = []
    nt_all = [gs.n_th for gs in groups]
    ntot_par = sum(nt_all)
    c = 0
    for gs, nt in zip(groups, nt_all):
        q = len(gs.s)
        r = gs.s[nt:]
        chisq += (gs.n - 1) * float(np.sum(gs.w[nt:] * r * r))
        df += q - nt
        D = np.zeros((q, ntot_par))
        D[np.arange(nt), c + np.arange(nt)] = 1.0
        c += nt
        deltas.append(D)
    ntot = sum(gs.n for gs in groups)
    E = sum((gs.n / ntot) * D.T @ (gs.w[:, None] * D) for gs, D in zip(groups, deltas))
    tr1, tr2 = ug_traces(groups, deltas, np.linalg.inv(E))
    a = np.sqrt(df / tr2)
    return chisq, df, float(chisq * a + (df - a * tr1))


def rmsea_ci(x2: float, df: int, n: int, g: int, level: float = 0.90) -> tuple[float, float]:
    """RMSEA confidence interval by inverting the noncentral chi-square (lavaan's lav_fit_rmsea_ci)."""
    if not (np.isfinite(x2) and df >= 1):
        return np.nan, np.nan
    up, lo = 1 - (1 - level) / 2, (1 - level) / 2

    def f_low(lam):
        return stats.ncx2.cdf(x2, df, lam) - up if lam > 0 else stats.chi2.cdf(x2, df) - up

    def f_up(lam):
        return stats.ncx2.cdf(x2, df, lam) - lo if lam > 0 else stats.chi2.cdf(x2, df) - lo

    if f_low(0.0) < 0:
        low = 0.0
    else:
        lam = optimize.brentq(f_low, 0.0, x2, xtol=1e-12)
        low = np.sqrt(lam / (n * df)) * np.sqrt(g)
    n_r = max(n, x2 * 4)
    if f_up(n_r) > 0 or f_up(0.0) < 0:
        high = 0.0
    else:
        lam = optimize.brentq(f_up, 0.0, n_r, xtol=1e-12)
        high = np.sqrt(lam / (n * df)) * np.sqrt(g)
    return float(low), float(high)


def fit_measures(groups: list, inf: Inference, p: int) -> dict:
    """lavaan's fitMeasures for a WLSMV fit (scaled = scaled.shifted)."""
    ntot = sum(gs.n for gs in groups)
    G = len(groups)
    x2b, dfb, x2bs = baseline(groups)
    x2s, df = inf.chisq_scaled, inf.df
    t1 = max(x2s - df, 0.0)
    t2 = max(x2s - df, x2bs - dfb, 0.0)
    cfi = 1 - t1 / t2 if t2 > 0 else 1.0
    tli = (x2bs / dfb - x2s / df) / (x2bs / dfb - 1) if df > 0 else 1.0
    nr = ntot - G                                    # lavaan's "N vs N - G" for (D)WLS
    rmsea = float(np.sqrt(max(x2s / (nr * df) - 1 / nr, 0.0)) * np.sqrt(G)) if df > 0 else 0.0
    lo, hi = rmsea_ci(x2s, df, nr, G)
    srmr = 0.0
    for gs, sig in zip(groups, inf.implied):
        r = gs.s[gs.n_th:] - sig[gs.n_th:]
        srmr += gs.n / ntot * float(np.sqrt(np.sum(r * r) / (p * (p + 1) / 2)))
    nel = len(groups[0].s)          # lavaan: the number of statistics of the first group
    return {"chisq": inf.chisq, "df": df, "chisq_scaled": x2s, "df_scaled": df,
            "pvalue_scaled": inf.pvalue_scaled, "cfi_scaled": cfi, "tli_scaled": tli,
            "rmsea_scaled": rmsea, "rmsea_ci_low_scaled": lo, "rmsea_ci_high_scaled": hi,
            "srmr": srmr, "wrmr": float(np.sqrt(inf.chisq / nel)), "n": ntot}
