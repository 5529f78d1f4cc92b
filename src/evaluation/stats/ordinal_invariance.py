r"""Measurement invariance of ordinal items across groups (rounds), as lavaan.

:func:`ordinal_invariance` fits the configural, metric and scalar multi-group
WLSMV models (lavaan 0.6-14 defaults for ordered indicators, delta
parameterisation, marker identification), an optional partial-scalar model,
the scaled chi-square difference tests (``lavTestLRT``: Satorra 2000 with
the scaled-and-shifted correction) and the score tests for releasing each
equality constraint of the scalar model (``lavTestScore``).

Identification per model (group 1 is the reference):

* configural: first loading of each factor 1; factor (co)variances free;
  latent means 0; scale factors :math:`\delta = 1`; thresholds free per group.
* metric: loadings equal across groups; otherwise as configural.
* scalar: loadings and thresholds equal; in groups 2.. the latent means and
  the scale factors are free.
* partial scalar: as scalar with the constraints named in ``partial``
  (lavaan ``group.partial`` syntax: ``"f =~ x3"``, ``"x5|t1"``) released.

Scaled difference test of :math:`M_0 \subset M_1` (Satorra 2000): with the
constraint Jacobian :math:`A` (rows spanning the orthogonal complement of
:math:`\Delta_1^{+}\Delta_0`), :math:`P = E_1` and
:math:`C = P^{-1}A^\top(AP^{-1}A^\top)^{-1}AP^{-1}`,
:math:`K = \sum_g f_g \Delta_g^\top W_g\Gamma_g W_g\Delta_g`:
:math:`T_d = a(T_0 - T_1) + b`, :math:`a = \sqrt{m/\mathrm{tr}(CKCK)}`,
:math:`b = m - a\,\mathrm{tr}(CK)`, :math:`m = df_0 - df_1`.

Score test for releasing constraint r (Bentler 1990; lavaan's univariate
``lavTestScore``): with the unconstrained-space gradient :math:`g` and
expected information :math:`J` at the scalar estimate, :math:`T` the map
from the constrained parameters to the unconstrained ones and :math:`b` the
released group-2 parameter,
:math:`X^2_r = N g_b^2 / (J_{bb} - J_{b\cdot} T (T^\top J T)^{-1} T^\top J_{\cdot b})`.

References
----------
Satorra, A. (2000). Scaled and adjusted restricted tests in multi-sample
analysis of moment structures. In Heijmans, Pollock & Satorra (eds.),
*Innovations in multivariate statistical analysis*, 233-247. Kluwer.
Wu, H. & Estabrook, R. (2016). Identification of confirmatory factor
analysis models of different levels of invariance for ordered categorical
outcomes. *Psychometrika* 81, 1014-1045.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
from scipy import linalg, stats

from evaluation.stats import wlsmv
from evaluation.stats.ordinal import parse_factors, prepare_items

__all__ = ["ordinal_invariance"]

_COLUMNS = ["chisq_scaled", "df_scaled", "cfi_scaled", "tli_scaled", "rmsea_scaled", "srmr",
            "chisq_diff", "df_diff", "p_diff"]


def _parse_partial(partial: Any, factors: dict, names: list, nth: np.ndarray) -> tuple[set, set]:
    loads, ths = set(), set()
    for raw in ([partial] if isinstance(partial, str) else list(partial or ())):
        s = re.sub(r"\s+", "", str(raw))
        if "=~" in s:
            f, it = s.split("=~", 1)
            if f not in factors or it not in factors[f]:
                raise ValueError(f"partial: {raw!r} names no loading of the model (factor {f!r}, "
                                 f"item {it!r}).")
            if factors[f][0] == it:
                raise ValueError(f"partial: {raw!r} is the marker loading (fixed at 1); it cannot be freed.")
            loads.add((list(factors).index(f), names.index(it)))
        elif "|" in s:
            it, t = s.split("|", 1)
            m = re.fullmatch(r"t(\d+)", t)
            if it not in names or m is None or not 1 <= int(m.group(1)) <= nth[names.index(it)]:
                raise ValueError(f"partial: {raw!r} names no threshold of the model (write 'item|t1').")
            ths.add((names.index(it), int(m.group(1)) - 1))
        else:
            raise ValueError(f"partial: cannot read {raw!r}; use lavaan group.partial syntax such as "
                             "'f =~ x3' (a loading) or 'x5|t1' (a threshold).")
    return loads, ths


def _model(factors: dict, names: list, nth: np.ndarray, G: int, level: str,
           free_loads: set = frozenset(), free_ths: set = frozenset()) -> wlsmv.MGModel:
    p, m = len(names), len(factors)
    pattern = np.zeros((p, m), bool)
    marker = {}
    for k, its in enumerate(factors.values()):
        marker[k] = names.index(its[0])
        for it in its:
            pattern[names.index(it), k] = True
    eq_l = level in ("metric", "scalar", "partial_scalar")
    eq_t = level in ("scalar", "partial_scalar")
    keys, vals, slot_names = [], [], []
    vr, vc = np.tril_indices(m)
    fl = list(factors)
    for g in range(G):
        kk, vv, nn = [], [], []
        for i in range(p):
            for k in range(m):
                nn.append(f"{fl[k]}=~{names[i]}")
                if not pattern[i, k]:
                    kk.append(None)
                    vv.append(0.0)
                elif marker[k] == i:
                    kk.append(None)
                    vv.append(1.0)
                else:
                    shared = eq_l and (k, i) not in free_loads
                    kk.append(("L", i, k) if shared else ("L", i, k, g))
                    vv.append(1.0)
        for r, c in zip(vr, vc):
            nn.append(f"{fl[r]}~~{fl[c]}")
            kk.append(("P", r, c, g))
            vv.append(0.5 if r == c else 0.1)
        for k in range(m):
            nn.append(f"{fl[k]}~1")
            kk.append(("a", k, g) if eq_t and g > 0 else None)
            vv.append(0.0)
        for i in range(p):
            for t in range(nth[i]):
                nn.append(f"{names[i]}|t{t + 1}")
                shared = eq_t and (i, t) not in free_ths
                kk.append(("t", i, t) if shared else ("t", i, t, g))
                vv.append(0.0)
        for i in range(p):
            nn.append(f"{names[i]}~*~{names[i]}")
            kk.append(("d", i, g) if eq_t and g > 0 else None)
            vv.append(1.0)
        keys.append(kk)
        vals.append(np.array(vv))
        slot_names.append(nn)
    return wlsmv.MGModel(p=p, m=m, nth=nth, pattern=pattern, keys=keys, values=vals, names=slot_names)


def _start(mod: wlsmv.MGModel, groups: list) -> np.ndarray:
    x0 = np.zeros(mod.n_free)
    seen = np.zeros(mod.n_free)
    for g, gs in enumerate(groups):
        th_flat = np.concatenate([gs.th[i, : mod.nth[i]] for i in range(mod.p)])
        t0 = mod.off[3]
        idx = mod.free_idx[g]
        for s_, j in enumerate(idx):
            if j < 0:
                continue
            v = th_flat[s_ - t0] if t0 <= s_ < mod.off[4] else mod.values[g][s_]
            x0[j] += v
            seen[j] += 1
    return x0 / np.maximum(seen, 1)


def _fit(mod, groups, x0=None):
    x = mod.fit(groups, _start(mod, groups) if x0 is None else x0)
    inf = wlsmv.infer(mod, groups, x)
    return x, inf


def _satorra2000(inf1: wlsmv.Inference, inf0: wlsmv.Inference, groups: list) -> tuple[float, int, float]:
    """lavTestLRT's scaled-shifted difference test (method satorra.2000, A.method delta, H1)."""
    m = inf0.df - inf1.df
    if m <= 0:
        return np.nan, m, np.nan
    d1 = np.concatenate(inf1.deltas)
    d0 = np.concatenate(inf0.deltas)
    H = np.linalg.pinv(d1) @ d0
    A = linalg.null_space(H.T).T                                     # A H = 0
    ntot = sum(gs.n for gs in groups)
    K = np.zeros((d1.shape[1], d1.shape[1]))
    for gs, D in zip(groups, inf1.deltas):
        wd = gs.w[:, None] * D
        K += gs.n / ntot * wd.T @ gs.nacov @ wd
    Pi = inf1.e_inv
    APA = A @ Pi @ A.T
    C = Pi @ A.T @ np.linalg.pinv(APA) @ A @ Pi
    CK = C @ K
    tr1 = float(np.trace(CK))
    tr2 = float(np.sum(CK * CK.T))
    a = np.sqrt(m / tr2)
    b = m - a * tr1
    t = (inf0.chisq - inf1.chisq) * a + b
    return float(t), int(m), float(stats.chi2.sf(t, m))


def _score_tests(mod: wlsmv.MGModel, groups: list, x: np.ndarray, inf: wlsmv.Inference,
                 labels: list) -> pd.DataFrame:
    ntot = sum(gs.n for gs in groups)
    grad = np.zeros(mod.n_full)
    J = np.zeros((mod.n_full, mod.n_full))
    for g, gs in enumerate(groups):
        sig, Jg = mod.implied(x, g)
        D = mod.delta(Jg, g, full=True)
        wd = gs.w[:, None] * D
        grad -= (gs.n - 1) / ntot * wd.T @ (gs.s - sig)
        J += gs.n / ntot * D.T @ wd
    T = np.zeros((mod.n_full, mod.n_free))
    for g in range(len(groups)):
        f, r = mod.full_idx[g], mod.free_idx[g]
        sel = f >= 0
        T[f[sel], r[sel]] = 1.0
    JT = J @ T
    M = JT @ np.linalg.solve(T.T @ JT, JT.T)
    rows = []
    first = {}
    for g in range(len(groups)):
        for s_, key in enumerate(mod.keys[g]):
            if key is None or len(key) == 4 or key[0] not in ("L", "t"):
                continue
            if key not in first:
                first[key] = g
                continue
            b = mod.full_idx[g][s_]
            den = J[b, b] - M[b, b]
            x2 = ntot * grad[b] ** 2 / den if den > 0 else np.nan
            name = mod.names[g][s_]
            if len(groups) > 2:
                name = f"{name} ({labels[g]})"
            rows.append({"param": name, "X2": float(x2), "df": 1})
    out = pd.DataFrame(rows, columns=["param", "X2", "df"])
    out["p"] = stats.chi2.sf(out["X2"], 1)
    return out.sort_values("X2", ascending=False, kind="stable").reset_index(drop=True)


def ordinal_invariance(items: pd.DataFrame, model: Any, group: Any, partial: Any = ()) -> pd.DataFrame:
    r"""Configural, metric and scalar invariance of ordinal items across groups (WLSMV).

    As lavaan 0.6-14 ``cfa(model, data, ordered = items, estimator =
    "WLSMV", group = group)`` with ``group.equal = "loadings"`` (metric) and
    ``c("loadings", "thresholds")`` (scalar), ``group.partial = partial``
    for the partial-scalar model, ``lavTestLRT`` for the differences and
    ``lavTestScore(scalar)`` for the score tests (module docstring for the
    formulas). Rows with any missing item, or no group, are left out
    (listwise, lavaan's default for ordered data).

    Parameters
    ----------
    items : DataFrame
        Item columns, integer answer codes.
    model : str or dict
        lavaan syntax or factor -> items; the first item of a factor is its marker.
    group : Series or array
        Group (round) per row, aligned with ``items``.
    partial : sequence of str
        Constraints to release for ``partial_scalar`` (``"f =~ x3"``, ``"x5|t1"``).

    Returns
    -------
    DataFrame
        Index ``model`` (configural, metric, scalar[, partial_scalar]);
        columns ``chisq_scaled, df_scaled, cfi_scaled, tli_scaled,
        rmsea_scaled, srmr, chisq_diff, df_diff, p_diff`` (each difference
        against the previous row; partial_scalar against configural).
        ``.attrs["score_tests"]``: ``param, X2, df, p``, largest first;
        ``.attrs["fit"]``: the full fit measures per model.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(11)
    >>> n = 1200
    >>> rnd = np.repeat([2025, 2026], n // 2)
    >>> eta = rng.normal(size=(n, 1))
    >>> ystar = 0.7 * eta + np.sqrt(0.51) * rng.normal(size=(n, 4))
    >>> ystar[rnd == 2026, 3] += 0.6                      # item d shifts in 2026
    >>> x = pd.DataFrame(1 + (ystar[:, :, None] > np.array([-1, 0, 1])).sum(2), columns=list("abcd"))
    >>> res = ordinal_invariance(x, "f =~ a + b + c + d", pd.Series(rnd), partial=["d|t1", "d|t2", "d|t3"])
    >>> list(res.index)
    ['configural', 'metric', 'scalar', 'partial_scalar']
    >>> bool(res.loc["scalar", "p_diff"] < 0.001), res.attrs["score_tests"]["param"][0][:2]
    (True, 'd|')
    """
    factors = parse_factors(model)
    if not isinstance(items, pd.DataFrame):
        raise TypeError(f"items must be a DataFrame of item columns, got {type(items).__name__}.")
    gv = group.to_numpy() if isinstance(group, pd.Series) else np.asarray(group)
    if len(gv) != len(items):
        raise ValueError(f"group has {len(gv)} labels but items has {len(items)} rows; pass one label per row.")
    g = pd.Series(gv, index=items.index)
    data = items[g.notna()]
    x, codes, levels, keep = prepare_items(data, factors, missing="listwise")
    gl = g[g.notna()][keep].astype(str).to_numpy()
    labels = list(dict.fromkeys(gl))
    if len(labels) < 2:
        raise ValueError("ordinal_invariance needs at least two groups with complete answers.")
    names = list(x.columns)
    ncat = np.array([len(v) for v in levels])
    groups = [wlsmv.sample_stats(codes[gl == lab], ncat, labels=names, where=f" in group {lab!r}")
              for lab in labels]
    nth = ncat - 1
    G = len(labels)
    levels_run = ["configural", "metric", "scalar"]
    fl, ft = _parse_partial(partial, factors, names, nth)
    if fl or ft:
        levels_run.append("partial_scalar")
    fits, infs, mods, xs = {}, {}, {}, {}
    prev_x = None
    for lev in levels_run:
        mod = _model(factors, names, nth, G, lev, fl if lev == "partial_scalar" else set(),
                     ft if lev == "partial_scalar" else set())
        x0 = _start(mod, groups)
        if prev_x is not None:                # warm start from the previous model's values
            pm = mods["configural"] if lev == "partial_scalar" else mods[levels_run[levels_run.index(lev) - 1]]
            px = xs["configural"] if lev == "partial_scalar" else prev_x
            acc = np.zeros(mod.n_free)
            cnt = np.zeros(mod.n_free)
            for gg in range(G):
                pv = pm.values[gg].copy()
                pi_ = pm.free_idx[gg]
                pv[pi_ >= 0] = px[pi_[pi_ >= 0]]
                idx = mod.free_idx[gg]
                np.add.at(acc, idx[idx >= 0], pv[idx >= 0])
                np.add.at(cnt, idx[idx >= 0], 1)
            x0 = acc / np.maximum(cnt, 1)
        xhat, inf = _fit(mod, groups, x0)
        fits[lev] = wlsmv.fit_measures(groups, inf, len(names))
        infs[lev], mods[lev], xs[lev] = inf, mod, xhat
        if lev != "partial_scalar":
            prev_x = xhat
    rows = []
    for k, lev in enumerate(levels_run):
        f = fits[lev]
        row = {c: f[c] for c in _COLUMNS[:6]}
        if k == 0:
            row.update(chisq_diff=np.nan, df_diff=np.nan, p_diff=np.nan)
        else:
            ref = "configural" if lev == "partial_scalar" else levels_run[k - 1]
            t, m, pv = _satorra2000(infs[ref], infs[lev], groups)
            row.update(chisq_diff=t, df_diff=m, p_diff=pv)
        rows.append(row)
    out = pd.DataFrame(rows, index=pd.Index(levels_run, name="model"), columns=_COLUMNS)
    out.attrs["score_tests"] = _score_tests(mods["scalar"], groups, xs["scalar"], infs["scalar"], labels)
    out.attrs["fit"] = fits
    out.attrs["groups"] = labels
    return out
