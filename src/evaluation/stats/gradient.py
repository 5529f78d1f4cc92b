"""The comprehension gradient: is "don't know" more common among the less mature?

A logistic regression per item of "answered don't know or skipped" on the
respondent's rest score (maturity measured by the *other* items), giving the
odds ratio per standard deviation *lower* maturity, its CI and a p-value
corrected over items (Holm by default). This tests directly the claim that
"it takes some digital maturity to understand the questions". Part of the
comprehension review (:mod:`evaluation.stats.item_signals`).

References
----------
Holm, S. (1979). A simple sequentially rejective multiple test procedure.
    *Scandinavian Journal of Statistics*, 6(2), 65-70.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.stats.item_signals import _group_series, _prepare, _rest_means, _trailing_blanks

__all__ = ["comprehension_gradient"]

# --------------------------------------------------------------------------
# Comprehension gradient
# --------------------------------------------------------------------------
def _separated(x: np.ndarray, y: np.ndarray) -> bool:
    """Complete or quasi-complete separation for one continuous predictor."""
    x1, x0 = x[y == 1], x[y == 0]
    return bool(x1.max() <= x0.min() or x1.min() >= x0.max())


def _logit_fit(sm, y, X) -> dict:
    """Logit fit of y on X; the ``lower_maturity`` coefficient, or why there is none."""
    res = {"ok": False, "llf": None, "b": np.nan, "se": np.nan, "p": np.nan, "note": ""}
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fit = sm.Logit(y, X).fit(disp=0, maxiter=100)
    except (np.linalg.LinAlgError, ValueError) as exc:  # singular design etc.
        res["note"] = f"model could not be fitted ({exc.__class__.__name__})"
        return res
    res["llf"] = float(fit.llf) if np.isfinite(fit.llf) else None
    converged = bool(fit.mle_retvals.get("converged", True))
    bad_warn = any("separation" in str(w.message).lower() for w in caught)
    b = float(fit.params["lower_maturity"])
    se = float(fit.bse["lower_maturity"])
    big = bool(np.any(np.abs(np.asarray(fit.params)) > 15))
    if not converged or bad_warn or not np.isfinite(se) or big:
        res["note"] = "model did not converge (likely separation)"
        return res
    res.update(ok=True, b=b, se=se, p=float(fit.pvalues["lower_maturity"]))
    return res


def comprehension_gradient(responses, instrument=None, *, dont_know=None, skipped=None,
                           outcome: str = "dk_or_skip", adjust_for=None,
                           method: str = "holm", confidence: float = 0.95,
                           min_events: int = 5, min_group_n: int = 20,
                           exclude_breakoff: bool = True) -> pd.DataFrame:
    """Do lower-maturity respondents answer "don't know" or skip an item more?

    For each item a logistic regression (statsmodels ``Logit``)

    .. math::
        \\operatorname{logit} P(Y_{ij}=1) = \\beta_0 + \\beta_1\\,(-z_{ij})
        \\;[+\\ \\gamma^\\top g_i]

    where :math:`Y_{ij}` = respondent *i* answered don't know or skipped item
    *j*, and :math:`z_{ij}` is the standardised rest score: the mean of *i*'s
    answered other items (reverse-keyed), standardised over respondents.  The
    odds ratio :math:`e^{\\beta_1}` is per SD **lower** maturity, so OR > 1
    supports "it takes maturity to understand this item".  Optional role (or
    unit) dummies :math:`g_i` adjust for who answers.  p-values (Wald) are
    corrected across items with ``statsmodels.stats.multitest.multipletests``.

    Items with fewer than ``min_events`` events or non-events, or with perfect
    separation (the events all lie on one side of the rest score, so the MLE
    does not exist), or a fit that does not converge, get NaN and a ``note``
    saying why; they are left out of the multiple-testing correction.

    Parameters
    ----------
    responses : ResponseSet or DataFrame
        See :func:`item_signals`.
    instrument : Instrument, optional
    outcome : {"dk_or_skip", "dk", "skip"}
        Which non-answer counts as the event.
    adjust_for : str or Series, optional
        A metadata column ("role", "unit") or a Series of groups.  The odds
        ratio is then adjusted for group, and a likelihood-ratio test of the
        group dummies (do some roles answer don't know more often, at equal
        maturity?) is added: ``group_chi2``, ``group_p``, ``group_p_adj``,
        and the group with the highest event rate (``group_highest``,
        ``group_highest_rate``).  Respondents in groups with fewer than
        ``min_group_n`` members are left out of these fits (too few to
        estimate a group effect; also keeps small groups unreported).
    method : str
        Any ``multipletests`` method: "holm" (default, family-wise) or
        "fdr_bh" (Benjamini-Hochberg).
    confidence : float
        Coverage of the Wald interval of the odds ratio.
    min_events : int
        Fewest events (and non-events) needed to fit.
    exclude_breakoff : bool
        Leave out, for each item, respondents who had already abandoned the
        questionnaire (the item and everything after it blank): they never
        decided about this item, and counting their blanks as skips dilutes
        the gradient with break-off, which has its own signal.

    Returns
    -------
    DataFrame
        Index item id; columns ``n``, ``events``, ``odds_ratio``, ``ci_low``,
        ``ci_high``, ``p``, ``p_adj``, ``note`` ("" when fitted), and the
        group-test columns when ``adjust_for`` is given.

    References
    ----------
    Holm (1979); Benjamini & Hochberg (1995); Hosmer, Lemeshow & Sturdivant
    (2013) *Applied Logistic Regression*, 3rd ed., on separation.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(2)
    >>> theta = rng.normal(size=300)
    >>> df = pd.DataFrame({f"q{i}": np.clip(np.round(3.5 + theta + rng.normal(size=300)), 1, 6)
    ...                    for i in range(5)})
    >>> dk = pd.DataFrame(False, index=df.index, columns=df.columns)
    >>> dk["q0"] = rng.random(300) < 1 / (1 + np.exp(1.5 + 1.2 * theta))
    >>> df = df.mask(dk)
    >>> g = comprehension_gradient(df, dont_know=dk)
    >>> bool(g.loc["q0", "odds_ratio"] > 2 and g.loc["q0", "p_adj"] < 0.001)
    True
    """
    import statsmodels.api as sm
    from statsmodels.stats.multitest import multipletests

    if outcome not in ("dk_or_skip", "dk", "skip"):
        raise ValueError(f"outcome must be 'dk_or_skip', 'dk' or 'skip', got {outcome!r}.")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie between 0 and 1, got {confidence!r}.")
    data = _prepare(responses, instrument, dont_know=dont_know, skipped=skipped)
    scored = data.scored
    if outcome == "dk":
        event = data.dont_know
    elif outcome == "skip":
        event = data.skipped
    else:
        event = data.dont_know | data.skipped
    rest = _rest_means(scored)
    # Blanks after a respondent's last response are break-off, not a decision
    # about this item: those respondents are left out of the item's model.
    trailing = _trailing_blanks(scored.notna(), data.dont_know) if exclude_breakoff else None
    groups = _group_series(data, adjust_for)
    zcrit = stats.norm.ppf(0.5 + confidence / 2)
    rows = []
    for c in scored.columns:
        row = {"item": c, "n": 0, "events": 0, "odds_ratio": np.nan, "ci_low": np.nan,
               "ci_high": np.nan, "p": np.nan, "note": ""}
        r = rest[c]
        ok = r.notna()
        if trailing is not None:
            ok &= ~trailing[c]
        if groups is not None:
            ok &= groups.notna()
            sizes = groups[ok].astype(str).value_counts()
            ok &= groups.astype(str).isin(sizes[sizes >= min_group_n].index)
        x = r[ok]
        y = event.loc[ok, c].astype(float).to_numpy()
        row["n"] = int(ok.sum())
        row["events"] = int(y.sum())
        if x.std(ddof=0) == 0 or len(x) < 3:
            row["note"] = "no variation in rest score"
            rows.append(row)
            continue
        z = -((x - x.mean()) / x.std(ddof=0)).to_numpy()
        if y.sum() < min_events or (len(y) - y.sum()) < min_events:
            row["note"] = (f"too few events ({int(y.sum())} of {len(y)}; need {min_events})"
                           if y.sum() < min_events else f"too few non-events ({int(len(y) - y.sum())})")
            rows.append(row)
            continue
        if _separated(z, y):
            row["note"] = "perfect separation: estimate does not exist"
            rows.append(row)
            continue
        X = pd.DataFrame({"const": 1.0, "lower_maturity": z})
        base = _logit_fit(sm, y, X)
        fit = base
        if groups is not None:
            g_ok = groups[ok].astype(str).reset_index(drop=True)
            dummies = pd.get_dummies(g_ok, prefix="g", drop_first=True, dtype=float)
            full = _logit_fit(sm, y, pd.concat([X, dummies], axis=1))
            if full["llf"] is not None and base["llf"] is not None:
                lr = max(0.0, 2 * (full["llf"] - base["llf"]))
                row["group_chi2"] = lr
                row["group_p"] = float(stats.chi2.sf(lr, dummies.shape[1]))
                rates = pd.Series(y).groupby(g_ok).mean()
                row["group_highest"] = str(rates.idxmax())
                row["group_highest_rate"] = float(rates.max())
            if full["ok"]:
                fit = full
            elif base["ok"]:
                row["note"] = "not adjusted for group: a group has no or only events"
        if fit["ok"]:
            b, se = fit["b"], fit["se"]
            row["odds_ratio"] = math.exp(b)
            row["ci_low"] = math.exp(b - zcrit * se)
            row["ci_high"] = math.exp(b + zcrit * se)
            row["p"] = fit["p"]
        else:
            row["note"] = fit["note"]
        rows.append(row)
    out = pd.DataFrame(rows).set_index("item")
    for col in ("p", "group_p"):
        out[f"{col}_adj"] = np.nan
        if col in out.columns:
            finite = out[col].notna()
            if finite.any():
                out.loc[finite, f"{col}_adj"] = multipletests(out.loc[finite, col].to_numpy(), method=method)[1]
    cols = ["n", "events", "odds_ratio", "ci_low", "ci_high", "p", "p_adj", "note"]
    if groups is not None:
        for col in ("group_chi2", "group_p", "group_highest", "group_highest_rate"):
            if col not in out.columns:
                out[col] = np.nan
        cols += ["group_chi2", "group_p", "group_p_adj", "group_highest", "group_highest_rate"]
    return out[cols]
