r"""Ordinal (WLSMV) confirmatory factor analysis and its graded-response reading.

:func:`ordinal_cfa` fits a CFA to Likert items treated as ordinal, as lavaan
``cfa(model, ordered = items, estimator = "WLSMV", std.lv = TRUE)`` (delta
parameterisation): polychoric correlations and thresholds, diagonally
weighted least squares, robust standard errors and the scaled-and-shifted
test statistic with the fit indices built on it (the machinery is in
:mod:`evaluation.stats.wlsmv`).

The normal-ogive graded response model (Samejima 1969) is the same model
written per item (Takane & de Leeuw 1987): with standardised loading
:math:`\lambda_i` and thresholds :math:`\tau_{ik}`,

.. math:: a_i = \frac{\lambda_i}{\sqrt{1 - \lambda_i^2}}, \qquad
          b_{ik} = \frac{\tau_{ik}}{\lambda_i}, \qquad
          P(X_i > k \mid \theta) = \Phi(a_i(\theta - b_{ik})),

so ``b`` is the item difficulty as researchers mean it: the trait level at
which answering above category k becomes more likely than not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.stats import wlsmv

__all__ = ["OrdinalCFA", "ordinal_cfa"]


# --------------------------------------------------------------------------- input
def parse_factors(model: Any) -> dict[str, list[str]]:
    """factor -> items from lavaan syntax (``f =~ a + b``) or a dict."""
    if isinstance(model, Mapping):
        out = {str(f): [str(i) for i in its] for f, its in model.items()}
        if not out or any(len(v) == 0 for v in out.values()):
            raise ValueError("model as a dict maps each factor to a non-empty list of items.")
        return out
    from evaluation.stats.structure import _parse_model

    spec = _parse_model(model)
    if spec.covariances:
        raise ValueError("The ordinal CFA understands 'factor =~ item + item' lines only; "
                         f"drop the '~~' lines ({spec.covariances[0][0]} ~~ {spec.covariances[0][1]}).")
    out = {}
    for f, terms in spec.factors:
        for t in terms:
            if t.fixed is not None or t.free:
                raise ValueError(f"Factor {f!r}: modifiers such as '{t.name}' with a number or NA "
                                 "are not supported in the ordinal CFA.")
        out[f] = [t.name for t in terms]
    return out


def prepare_items(items: Any, factors: dict, *, missing: str) -> tuple[pd.DataFrame, np.ndarray, list, np.ndarray]:
    """Validated item frame, integer codes (-1 missing), levels per item, rows used."""
    if not isinstance(items, pd.DataFrame):
        raise TypeError(f"items must be a DataFrame of item columns, got {type(items).__name__}.")
    if missing not in ("listwise", "pairwise"):
        raise ValueError(f"missing must be 'listwise' or 'pairwise', got {missing!r}.")
    names = list(dict.fromkeys(i for v in factors.values() for i in v))
    absent = [c for c in names if c not in items.columns]
    if absent:
        raise ValueError(f"The model names items that are not columns of the data: {absent}.")
    if set(names) & set(factors):
        raise ValueError("A factor has the same name as an item; rename one of them.")
    x = items[names].apply(pd.to_numeric, errors="coerce")
    bad = items[names].notna() & x.isna()
    if bad.any().any():
        col = bad.any().idxmax()
        row = bad[col].idxmax()
        raise ValueError(f"Column {col!r}, row {row!r}: value {items.loc[row, col]!r} is not an answer "
                         "code (expected an integer category such as 1..6, or empty).")
    frac = x.notna() & (x != np.round(x))
    if frac.any().any():
        col = frac.any().idxmax()
        row = frac[col].idxmax()
        raise ValueError(f"Column {col!r}, row {row!r}: value {x.loc[row, col]!r} is not a whole "
                         "category; ordinal models need integer answer codes.")
    keep = x.notna().all(axis=1) if missing == "listwise" else x.notna().any(axis=1)
    x = x[keep]
    levels = []
    codes = np.full(x.shape, -1, dtype=int)
    for j, c in enumerate(names):
        lev = np.sort(x[c].dropna().unique())
        if len(lev) < 2:
            raise ValueError(f"Item {c!r} has only {len(lev)} answer category in the rows used; "
                             "an ordinal model needs at least two.")
        if len(lev) > 10:
            raise ValueError(f"Item {c!r} has {len(lev)} different answers; ordinal models are for "
                             "at most 10 ordered categories.")
        levels.append(lev)
        v = x[c].to_numpy()
        ok = ~np.isnan(v)
        codes[ok, j] = np.searchsorted(lev, v[ok])
    return x, codes, levels, keep.to_numpy()


# --------------------------------------------------------------------------- result
@dataclass(frozen=True, eq=False)
class OrdinalCFA:
    """A fitted ordinal CFA (see :func:`ordinal_cfa`).

    Attributes
    ----------
    fit : mapping
        ``chisq, df, chisq_scaled, df_scaled, pvalue_scaled, cfi_scaled,
        tli_scaled, rmsea_scaled, rmsea_ci_low_scaled, rmsea_ci_high_scaled,
        srmr, wrmr, n`` (lavaan's ``fitMeasures`` names with ``_``).
    loadings : DataFrame
        Index item; ``factor, est, se, std_all``.
    thresholds : DataFrame
        Index item; ``t1..tK`` (NaN where an item has fewer categories).
    threshold_se : DataFrame
        Robust standard errors of the thresholds, same shape.
    factor_correlations : DataFrame
        Factor x factor.
    """

    fit: Mapping
    loadings: pd.DataFrame
    thresholds: pd.DataFrame
    threshold_se: pd.DataFrame
    factor_correlations: pd.DataFrame
    levels: Mapping = field(repr=False, default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """Loadings joined with thresholds, one row per item."""
        return self.loadings.join(self.thresholds)

    def grm(self) -> pd.DataFrame:
        r"""Normal-ogive graded-response parameters per item.

        :math:`a = \lambda/\sqrt{1-\lambda^2}` (discrimination) and
        :math:`b_k = \tau_k/\lambda` (difficulty of answering above
        category k), from the standardised loading and thresholds.

        Returns
        -------
        DataFrame
            Index item; ``a, b1..bK``.
        """
        lam = self.loadings["std_all"]
        a = lam / np.sqrt(1 - lam ** 2)
        b = self.thresholds.div(lam, axis=0)
        b.columns = [c.replace("t", "b", 1) for c in b.columns]
        out = pd.concat([a.rename("a"), b], axis=1)
        out.index.name = "item"
        return out

    def information(self, theta: Any, items: Any = None) -> pd.DataFrame:
        r"""Graded-response item and test information at trait levels ``theta``.

        With :math:`P^*_k = \Phi(a(\theta - b_k))` (:math:`P^*_0 = 1`,
        :math:`P^*_K = 0`) and category probabilities
        :math:`P_c = P^*_{c-1} - P^*_c`, Samejima's item information is

        .. math:: I(\theta) = \sum_c \frac{(\partial P_c/\partial\theta)^2}{P_c},
                  \qquad \frac{\partial P^*_k}{\partial\theta} = a\,\phi(a(\theta - b_k)).

        Returns
        -------
        DataFrame
            Index ``theta``; one column per item plus ``test`` (their sum).
        """
        th = np.atleast_1d(np.asarray(theta, dtype=float))
        pars = self.grm()
        if items is not None:
            items = [items] if isinstance(items, str) else list(items)
            missing = [i for i in items if i not in pars.index]
            if missing:
                raise ValueError(f"Unknown items {missing}; the model has {list(pars.index)}.")
            pars = pars.loc[items]
        cols = {}
        for it, row in pars.iterrows():
            a = row["a"]
            b = row.drop("a").dropna().to_numpy()
            z = a * (th[:, None] - b[None, :])
            ps = np.concatenate([np.ones((th.size, 1)), stats.norm.cdf(z), np.zeros((th.size, 1))], axis=1)
            dps = np.concatenate([np.zeros((th.size, 1)), a * stats.norm.pdf(z), np.zeros((th.size, 1))],
                                 axis=1)
            pc = ps[:, :-1] - ps[:, 1:]
            dpc = dps[:, :-1] - dps[:, 1:]
            with np.errstate(divide="ignore", invalid="ignore"):
                cols[it] = np.where(pc > 0, dpc ** 2 / np.where(pc > 0, pc, 1.0), 0.0).sum(axis=1)
        out = pd.DataFrame(cols, index=pd.Index(th, name="theta"))
        out["test"] = out.sum(axis=1)
        return out


# --------------------------------------------------------------------------- fit
def single_group_model(factors: dict, names: list, nth: np.ndarray) -> wlsmv.MGModel:
    """std.lv = TRUE, one group: loadings free, factor variances 1, thresholds free."""
    p, m = len(names), len(factors)
    pattern = np.zeros((p, m), bool)
    for k, its in enumerate(factors.values()):
        for it in its:
            pattern[names.index(it), k] = True
    keys, vals = [], []
    for i in range(p):
        for k in range(m):
            keys.append(("L", i, k) if pattern[i, k] else None)
            vals.append(0.7 if pattern[i, k] else 0.0)
    vr, vc = np.tril_indices(m)
    for r, c in zip(vr, vc):
        keys.append(("P", r, c) if r != c else None)
        vals.append(1.0 if r == c else 0.0)
    keys += [None] * m
    vals += [0.0] * m
    for i in range(p):
        for k in range(nth[i]):
            keys.append(("t", i, k))
            vals.append(0.0)
    keys += [None] * p
    vals += [1.0] * p
    return wlsmv.MGModel(p=p, m=m, nth=np.asarray(nth), pattern=pattern, keys=[keys],
                         values=[np.array(vals, float)])


def ordinal_cfa(items: pd.DataFrame, model: Any, missing: str = "listwise") -> OrdinalCFA:
    r"""Confirmatory factor analysis of ordinal items by WLSMV, as lavaan.

    Equals ``lavaan::cfa(model, data, ordered = items, estimator = "WLSMV",
    std.lv = TRUE, missing = missing)`` (lavaan 0.6-14, delta
    parameterisation): thresholds and polychoric correlations, DWLS
    estimates with robust ("sandwich") standard errors and the
    scaled-and-shifted chi-square; CFI/TLI/RMSEA use the scaled statistics
    (baseline: the independence model), SRMR the correlation residuals,
    WRMR :math:`\sqrt{\chi^2 / \#\text{statistics}}`. See
    :mod:`evaluation.stats.wlsmv` for the formulas.

    Parameters
    ----------
    items : DataFrame
        Item columns (integer answer codes, NaN = missing); other columns
        not named by the model are ignored.
    model : str or dict
        lavaan syntax (``"f1 =~ a + b + c"``, one factor per line) or
        ``{"f1": ["a", "b", "c"]}``; simple structure or cross-loadings.
    missing : {"listwise", "pairwise"}
        Rows with any missing item dropped, or each statistic from the rows
        that answered it (lavaan's ``missing = "pairwise"``).

    Returns
    -------
    OrdinalCFA
        ``.fit``, ``.loadings``, ``.thresholds``, ``.factor_correlations``,
        ``.grm()``, ``.information(theta)``.

    References
    ----------
    Muthén, du Toit & Spisic (1997), Robust inference using weighted least
    squares and quadratic estimating equations. Unpublished technical report;
    Rosseel (2012) *J Stat Softw* 48(2); Samejima (1969) *Psychometrika
    Monograph* 17; Takane & de Leeuw (1987) *Psychometrika* 52, 393-408.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(7)
    >>> eta = rng.normal(size=(800, 1))
    >>> ystar = 0.7 * eta + np.sqrt(1 - 0.49) * rng.normal(size=(800, 4))
    >>> x = pd.DataFrame(1 + (ystar[:, :, None] > np.array([-1, 0, 1])).sum(2),
    ...                  columns=["a", "b", "c", "d"])
    >>> res = ordinal_cfa(x, "f =~ a + b + c + d")
    >>> res.loadings["est"].round(1).tolist()
    [0.7, 0.7, 0.7, 0.7]
    >>> float(round(res.grm().loc["a", "a"], 1)), res.fit["df"]
    (0.9, 2)
    """
    factors = parse_factors(model)
    x, codes, levels, _ = prepare_items(items, factors, missing=missing)
    names = list(x.columns)
    ncat = np.array([len(v) for v in levels])
    gs = wlsmv.sample_stats(codes, ncat, labels=names)
    mod = single_group_model(factors, names, ncat - 1)
    x0 = np.array([0.7 if k[0] == "L" else 0.0 for k in mod.free_keys])
    # start thresholds at their sample values, factor correlations at 0.3
    for j, k in enumerate(mod.free_keys):
        if k[0] == "t":
            x0[j] = gs.th[k[1], k[2]]
        elif k[0] == "P":
            x0[j] = 0.3
    xhat = mod.fit([gs], x0)
    inf = wlsmv.infer(mod, [gs], xhat)
    fm = wlsmv.fit_measures([gs], inf, len(names))
    se = np.sqrt(np.diag(inf.vcov))
    lam, phi, _, tau, _ = mod.unpack(xhat, 0)
    pos = {k: j for j, k in enumerate(mod.free_keys)}
    rows = []
    fl = list(factors)
    for f, its in factors.items():
        k = fl.index(f)
        for it in its:
            i = names.index(it)
            rows.append({"item": it, "factor": f, "est": lam[i, k], "se": se[pos[("L", i, k)]],
                         "std_all": lam[i, k] * np.sqrt(phi[k, k])})
    loadings = pd.DataFrame(rows).set_index("item")
    kmax = int(ncat.max()) - 1
    tcols = [f"t{k + 1}" for k in range(kmax)]
    th = pd.DataFrame(np.nan, index=pd.Index(names, name="item"), columns=tcols)
    th_se = th.copy()
    for j, key in enumerate(mod.free_keys):
        if key[0] == "t":
            th.iloc[key[1], key[2]] = xhat[j]
            th_se.iloc[key[1], key[2]] = se[j]
    th = th.loc[loadings.index.unique()] if loadings.index.is_unique else th
    fc = pd.DataFrame(phi, index=fl, columns=fl)
    return OrdinalCFA(fit=dict(fm), loadings=loadings, thresholds=th,
                      threshold_se=th_se.loc[th.index], factor_correlations=fc,
                      levels={n: tuple(v) for n, v in zip(names, levels)})
