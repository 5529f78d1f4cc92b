r"""Differential item functioning by ordinal logistic regression (Zumbo 1999; lordif without IRT).

For each item :math:`y` and a matching score :math:`s` (the total score, or
the rest score without the item), three proportional-odds models
(statsmodels ``OrderedModel``, logit link; the fitting is shared with
``dif_ordinal`` below, the per-group DIF of the comprehension review):

.. math:: M_1: \operatorname{logit} P(y \le k) = \tau_k - \beta_1 s, \quad
          M_2: \ldots - \beta_2 g, \quad M_3: \ldots - \beta_3 s g,

with :math:`g = 1` for the focal group. Likelihood-ratio statistics
:math:`\chi^2_{uniform} = 2(\ell_2 - \ell_1)` (df 1),
:math:`\chi^2_{nonuniform} = 2(\ell_3 - \ell_2)` (df 1),
:math:`\chi^2_{total} = 2(\ell_3 - \ell_1)` (df 2), and McFadden's
:math:`R^2_m = 1 - \ell_m / \ell_0` (:math:`\ell_0`: thresholds only) with
changes :math:`R^2_2 - R^2_1` (uniform) and :math:`R^2_3 - R^2_1` (total).
Jodoin & Gierl (2001) and lordif (Choi et al. 2011) read an R² change of
0.035 / 0.02 as the start of a non-negligible effect.

References
----------
Zumbo, B. D. (1999). *A handbook on the theory and methods of differential
item functioning (DIF)*. Ottawa: Directorate of Human Resources Research
and Evaluation, Department of National Defense.
Choi, S. W., Gibbons, L. E. & Crane, P. K. (2011). lordif. *J Stat Softw* 39(8).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.stats.item_signals import _group_series, _prepare, _rest_means

__all__ = ["dif", "dif_ordinal"]

_COLUMNS = ["chi2_uniform", "p_uniform", "chi2_nonuniform", "p_nonuniform", "chi2_total", "p_total",
            "r2_change_uniform", "r2_change_total"]


def dif(items: pd.DataFrame, group: Any, focal: Any, anchor: str = "total") -> pd.DataFrame:
    """Ordinal-logistic DIF of every item, focal group against all others.

    Parameters
    ----------
    items : DataFrame
        Item columns (integer answer codes); rows with any missing item or
        no group are left out, so every item is fitted on the same rows.
    group : Series or array
        Group label per row (e.g. role), aligned with ``items``.
    focal : label
        The focal group (``group == focal``) compared with the rest.
    anchor : {"total", "rest"}
        Matching score: sum of all items, or of all but the item tested.

    Returns
    -------
    DataFrame
        Index item; ``chi2_uniform, p_uniform, chi2_nonuniform,
        p_nonuniform, chi2_total, p_total, r2_change_uniform,
        r2_change_total``. ``.attrs``: ``n`` (rows used), ``n_focal``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> theta = rng.normal(size=400)
    >>> role = pd.Series(np.where(rng.random(400) < 0.3, "Chef", "Strateg"))
    >>> x = pd.DataFrame({f"q{i}": np.clip(np.round(3.5 + theta + rng.normal(scale=.7, size=400)), 1, 6)
    ...                   for i in range(5)})
    >>> x["q0"] = np.clip(x["q0"] + 1.5 * (role == "Chef"), 1, 6).round()    # uniform DIF
    >>> res = dif(x, role, focal="Chef", anchor="rest")
    >>> res["chi2_uniform"].idxmax(), bool(res.loc["q0", "p_uniform"] < 0.001)
    ('q0', True)
    """
    if not isinstance(items, pd.DataFrame):
        raise TypeError(f"items must be a DataFrame of item columns, got {type(items).__name__}.")
    if anchor not in ("total", "rest"):
        raise ValueError(f"anchor must be 'total' or 'rest', got {anchor!r}.")
    gv = group.to_numpy() if isinstance(group, pd.Series) else np.asarray(group)
    if len(gv) != len(items):
        raise ValueError(f"group has {len(gv)} labels but items has {len(items)} rows; pass one label per row.")
    if items.shape[1] < 2:
        raise ValueError("dif needs at least two items (the matching score is built from them).")
    x = items.apply(pd.to_numeric, errors="coerce")
    bad = items.notna() & x.isna()
    if bad.any().any():
        col = bad.any().idxmax()
        row = bad[col].idxmax()
        raise ValueError(f"Column {col!r}, row {row!r}: value {items.loc[row, col]!r} is not an answer code.")
    ok = x.notna().all(axis=1).to_numpy() & pd.notna(gv)
    x = x[ok]
    g = np.where(gv[ok] == focal, "focal", "other")
    n_focal = int((g == "focal").sum())
    if n_focal == 0 or n_focal == len(g):
        raise ValueError(f"focal group {focal!r} has {n_focal} of {len(g)} complete rows; DIF needs both "
                         "the focal group and others.")
    total = x.sum(axis=1).to_numpy()
    rows = []
    for c in x.columns:
        y = x[c].to_numpy()
        match = total - y if anchor == "rest" else total
        if len(np.unique(y)) < 2 or np.std(match) == 0:
            rows.append({k: np.nan for k in _COLUMNS} | {"item": c})
            continue
        ll1, ll2, ll3 = _olr_dif_logliks(y, match, g, ["other", "focal"])
        ll0 = _null_loglik(y)
        r2 = [1 - ll / ll0 for ll in (ll1, ll2, ll3)]
        u, nu, t = 2 * (ll2 - ll1), 2 * (ll3 - ll2), 2 * (ll3 - ll1)
        rows.append({"item": c, "chi2_uniform": u, "p_uniform": stats.chi2.sf(u, 1),
                     "chi2_nonuniform": nu, "p_nonuniform": stats.chi2.sf(nu, 1),
                     "chi2_total": t, "p_total": stats.chi2.sf(t, 2),
                     "r2_change_uniform": r2[1] - r2[0], "r2_change_total": r2[2] - r2[0]})
    out = pd.DataFrame(rows).set_index("item")[_COLUMNS]
    out.attrs.update(n=int(len(g)), n_focal=n_focal, anchor=anchor)
    return out


# --------------------------------------------------------------------------
# DIF
# --------------------------------------------------------------------------
def _null_loglik(y: np.ndarray) -> float:
    _, counts = np.unique(y, return_counts=True)
    p = counts / counts.sum()
    return float(np.sum(counts * np.log(p)))


_DIF_COLUMNS = ["n", "n_groups", "ll1", "ll2", "ll3", "r2_1", "r2_2", "r2_3", "r2_change_12",
                "r2_change_13", "r2_change_23", "chi2_12", "p_12", "chi2_13", "p_13", "p_13_adj",
                "chi2_23", "p_23", "dif", "note"]


def _olr_dif_logliks(y: np.ndarray, match: np.ndarray, g: np.ndarray, levels_g: list) -> list:
    """Log-likelihoods of the three proportional-odds DIF models (statsmodels ``OrderedModel``, logit).

    model 1: y ~ z; model 2: y ~ z + group; model 3: y ~ z * group, with z the
    standardised matching score and the first of ``levels_g`` the reference
    group. Shared by :func:`dif_ordinal` and ``evaluation.stats.dif.dif``.
    """
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    levels = np.unique(y)
    x = np.asarray(match, dtype=float)
    z = (x - x.mean()) / x.std()
    endog = pd.Series(pd.Categorical(y, categories=levels, ordered=True))
    dummies = pd.get_dummies(pd.Categorical(g, categories=levels_g), prefix="g", drop_first=True,
                             dtype=float)
    X1 = pd.DataFrame({"rest": z})
    X2 = pd.concat([X1, dummies], axis=1)
    inter = dummies.mul(z, axis=0).add_suffix("_x_rest")
    X3 = pd.concat([X2, inter], axis=1)
    lls = []
    start = None
    for X in (X1, X2, X3):
        model = OrderedModel(endog, X, distr="logit")
        if start is not None:
            # warm start: previous slopes, zeros for the added terms, previous thresholds
            k_prev = len(start) - (len(levels) - 1)
            start = np.concatenate([start[:k_prev], np.zeros(X.shape[1] - k_prev), start[k_prev:]])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = model.fit(start_params=start, method="bfgs", disp=0, maxiter=2000)
        lls.append(float(fit.llf))
        start = np.asarray(fit.params)
    # Nested models: guard against an optimiser stopping short.
    lls[1] = max(lls[1], lls[0])
    lls[2] = max(lls[2], lls[1])
    return lls


def _dif_pass(scored, data, groups, items, rest_by, flagged, min_group_n, criterion_r2, alpha,
              method):
    """One pass of ordinal-logistic DIF with the items in ``flagged`` left out of the rest scores."""
    from statsmodels.stats.multitest import multipletests

    anchors = [c for c in items if c not in flagged]
    if len(anchors) < 2:
        anchors = items
    rest = pd.DataFrame(index=scored.index)
    for d in dict.fromkeys(data.dimension_of[c] for c in items):
        cols = [c for c in anchors if data.dimension_of[c] == d] if rest_by == "dimension" else anchors
        if len(cols) < 2:
            cols = anchors
        part = _rest_means(scored, cols)
        for c in items:
            if data.dimension_of[c] == d:
                rest[c] = part[c]
    rows = []
    cols_out = _DIF_COLUMNS
    for c in items:
        row = {k: np.nan for k in cols_out}
        row.update(item=c, dif=False, note="")
        ok = scored[c].notna() & rest[c].notna() & groups.notna()
        g = groups[ok].astype(str)
        sizes = g.value_counts()
        keep = sizes[sizes >= min_group_n].index
        ok &= groups.astype(str).isin(keep)
        g = groups[ok].astype(str)
        y = scored.loc[ok, c].to_numpy()
        row["n"] = int(ok.sum())
        row["n_groups"] = int(len(keep))
        if len(keep) < 2:
            row["note"] = f"fewer than two groups with at least {min_group_n} answers"
            rows.append(row)
            continue
        levels = np.unique(y)
        if len(levels) < 2:
            row["note"] = "only one answer category used"
            rows.append(row)
            continue
        x = rest.loc[ok, c]
        if x.std(ddof=0) == 0:
            row["note"] = "no variation in rest score"
            rows.append(row)
            continue
        try:
            lls = _olr_dif_logliks(y, x.to_numpy(), g.to_numpy(), sorted(keep))
        except (np.linalg.LinAlgError, ValueError) as exc:
            row["note"] = f"model could not be fitted ({exc.__class__.__name__})"
            rows.append(row)
            continue
        ll0 = _null_loglik(y)
        r2 = [1 - ll / ll0 for ll in lls]
        df_g = len(keep) - 1
        row.update(ll1=lls[0], ll2=lls[1], ll3=lls[2], r2_1=r2[0], r2_2=r2[1], r2_3=r2[2],
                   r2_change_12=r2[1] - r2[0], r2_change_13=r2[2] - r2[0],
                   r2_change_23=r2[2] - r2[1],
                   chi2_12=2 * (lls[1] - lls[0]), chi2_13=2 * (lls[2] - lls[0]),
                   chi2_23=2 * (lls[2] - lls[1]))
        row["p_12"] = float(stats.chi2.sf(row["chi2_12"], df_g))
        row["p_23"] = float(stats.chi2.sf(row["chi2_23"], df_g))
        row["p_13"] = float(stats.chi2.sf(row["chi2_13"], 2 * df_g))
        rows.append(row)
    # Multiple testing over items (Holm by default), then lordif's two criteria.
    p13 = np.array([r["p_13"] for r in rows], dtype=float)
    adj = np.full_like(p13, np.nan)
    finite = np.isfinite(p13)
    if finite.any():
        adj[finite] = (multipletests(p13[finite], method=method)[1] if method else p13[finite])
    for r, pa in zip(rows, adj):
        r["p_13_adj"] = float(pa)
        r["dif"] = bool(np.isfinite(pa) and r["r2_change_13"] >= criterion_r2 and pa < alpha)
    return rows


def dif_ordinal(responses, group, instrument=None, *, dont_know=None, skipped=None,
                rest_by: str = "dimension", min_group_n: int = 20,
                criterion_r2: float = 0.02, alpha: float = 0.01, method: str | None = "holm",
                purify: bool = True, max_iter: int = 10) -> pd.DataFrame:
    """Ordinal logistic regression DIF between groups (roles, units).

    For each item, three proportional-odds models (statsmodels
    ``OrderedModel``, logit link) of the item score on the standardised rest
    score :math:`z` (mean of the other items of the item's dimension, by
    default) and the group :math:`g`:

    * model 1: :math:`\\operatorname{logit} P(Y \\le k) = \\tau_k - \\beta_1 z`
    * model 2: + group main effect (uniform DIF)
    * model 3: + group × rest interaction (non-uniform DIF)

    Likelihood-ratio χ² tests: 1 vs 2 (uniform, df = G - 1), 2 vs 3
    (non-uniform, df = G - 1), 1 vs 3 (total, df = 2(G - 1)).  McFadden
    pseudo-R² :math:`1 - \\ell_m / \\ell_0`, with :math:`\\ell_0` the
    thresholds-only model (closed form: the observed category proportions).
    An item shows important DIF when ``r2_change_13 >= criterion_r2`` and
    ``p_13_adj < alpha`` (lordif: Choi, Gibbons & Crane 2011, R² change 0.02,
    alpha 0.01), where ``p_13_adj`` is corrected over items with
    ``multipletests(method=method)`` (Holm by default; ``None`` for lordif's
    uncorrected test -- with many items and several groups that flags about
    one item in a hundred by chance).  The rest score is used as the matching criterion (Zumbo
    1999 uses the total score; lordif an IRT trait estimate).

    With ``purify`` (default) the matching criterion is purified, one item at
    a time: after each pass the flagged item with the largest R² change
    leaves the rest scores of all items, and the pass is repeated until no
    further item is flagged (at most ``max_iter`` passes; at least three
    anchor items are kept).  Without it one strong DIF item contaminates
    every rest score and drags the others into apparent DIF in the opposite
    direction; removing all flagged items at once (lordif's scheme) fails
    when that contamination flags every item in the first pass.

    Groups with fewer than ``min_group_n`` answering respondents are left
    out; with fewer than two groups left the item gets NaN and a note.

    Parameters
    ----------
    responses : ResponseSet or DataFrame
        See :func:`item_signals`.
    group : str or Series
        A metadata column ("role", "unit") or one group label per respondent.
    rest_by : {"dimension", "instrument"}
        Items forming the matching rest score.
    min_group_n, criterion_r2, alpha, method : see above.

    Returns
    -------
    DataFrame
        Index item id; columns ``n``, ``n_groups``, ``ll1``, ``ll2``,
        ``ll3``, ``r2_1``, ``r2_2``, ``r2_3``, ``r2_change_12``,
        ``r2_change_13``, ``r2_change_23``, ``chi2_12``, ``p_12``,
        ``chi2_13``, ``p_13``, ``p_13_adj``, ``chi2_23``, ``p_23``, ``dif``
        (bool), ``note``,
        ``anchor`` (True when the item was part of the final matching criterion).

    References
    ----------
    Zumbo (1999); Choi, Gibbons & Crane (2011) *J Stat Softw* 39(8).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> theta = rng.normal(size=300)
    >>> role = np.where(rng.random(300) < 0.5, "chef", "strateg")
    >>> df = pd.DataFrame({f"q{i}": np.clip(np.round(3.5 + theta + rng.normal(scale=.7, size=300)), 1, 6)
    ...                    for i in range(4)})
    >>> df["q0"] = np.clip(df["q0"] + 2 * (role == "chef"), 1, 6)   # uniform DIF
    >>> res = dif_ordinal(df, pd.Series(role))
    >>> bool(res.loc["q0", "dif"]), bool(res["dif"].drop("q0").any())
    (True, False)
    """
    if rest_by not in ("dimension", "instrument"):
        raise ValueError(f"rest_by must be 'dimension' or 'instrument', got {rest_by!r}.")
    data = _prepare(responses, instrument, dont_know=dont_know, skipped=skipped)
    groups = _group_series(data, group)
    if groups is None:
        raise ValueError("dif_ordinal needs a group: a metadata column name ('role', 'unit') or a Series.")
    scored = data.scored
    items = list(scored.columns)
    removed: set = set()
    for _ in range(max_iter if purify else 1):
        rows = _dif_pass(scored, data, groups, items, rest_by, frozenset(removed), min_group_n,
                         criterion_r2, alpha, method)
        candidates = [r for r in rows if r["dif"] and r["item"] not in removed]
        if not candidates or len(items) - len(removed) <= 3:
            break
        # one item at a time: the largest DIF leaves the matching criterion
        removed.add(max(candidates, key=lambda r: r["r2_change_13"])["item"])
    flagged = removed
    out = pd.DataFrame(rows).set_index("item")
    out["anchor"] = [c not in flagged for c in out.index]
    return out[_DIF_COLUMNS + ["anchor"]]
