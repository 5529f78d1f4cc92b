r"""Differential item functioning by ordinal logistic regression (Zumbo 1999; lordif without IRT).

For each item :math:`y` and a matching score :math:`s` (the total score, or
the rest score without the item), three proportional-odds models
(statsmodels ``OrderedModel``, logit link; the fitting is shared with
``evaluation.stats.comprehension.dif_ordinal``):

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

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["dif"]

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
    from evaluation.stats.comprehension import _null_loglik, _olr_dif_logliks

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
