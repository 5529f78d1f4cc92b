"""Factor structure: parallel analysis, CFA, measurement invariance.

Does an instrument measure what its own structure says it measures? This module
answers with the tools researchers expect from R:

- :func:`parallel_analysis` -- Horn's parallel analysis, how many factors the
  data support (as ``psych::fa.parallel``);
- :func:`cfa` -- a confirmatory factor analysis from lavaan-style model syntax,
  with lavaan's default estimates and fit measures (``lavaan::cfa``);
- :func:`measurement_invariance` -- configural, metric and scalar models across
  groups, with the change-in-fit rules of Chen (2007) or Cheung & Rensvold
  (2002);
- :func:`instrument_structure` -- the CFA implied by an instrument's own
  categories (or dimensions), fitted to a round of responses.

Why the maximum-likelihood fit is written here rather than taken from semopy:
semopy 2.3.11 fits single-group complete-data models well (its ``MLW``
chi-square, CFI and TLI equal lavaan's to its optimiser's tolerance, about
2e-4 in chi-square), but its RMSEA divides by N - 1 where lavaan divides by N
(0.09228 against lavaan's 0.09212 on HolzingerSwineford1939), it does not
delete incomplete rows listwise (on the Likert fixture, 398 of 500 rows
complete, its chi-square is 22.55 against lavaan's 29.78) and has no FIML, no
SRMR, no RMSEA interval, and it does not fit multi-group models with equality
constraints, which invariance testing needs. One engine for all of them keeps
the numbers consistent: the model is the LISREL-type ``Sigma = L P L' + T``,
``mu = nu + L a`` per group, fitted by Fisher scoring on the ML discrepancy
with analytic gradient, equality constraints as shared parameters, and
missing data either deleted listwise (lavaan's default) or handled by FIML
(``missing="ml"``). ``tests/test_structure.py`` checks it against lavaan 0.6
fixtures (``tests/reference/structure.R``): fit measures agree to 1e-7,
estimates and standard errors to 1e-5.

All functions take a plain DataFrame of item columns or a kit ``ResponseSet``
(its ``scored()`` items: reverse-keyed, don't-know as missing).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.stats.parallel import ParallelAnalysisResult, _fa_values, parallel_analysis  # noqa: F401
from evaluation.stats.sem_engine import (  # noqa: F401  (privates re-exported for ordinal.py and the tests)
    _em_moments, _Fit, _fit_model, _parameter_table)
from evaluation.stats.sem_input import (  # noqa: F401
    _as_frame, _is_response_set, _parse_model, _threadpool_limits)

__all__ = [
    "ParallelAnalysisResult",
    "parallel_analysis",
    "CFAResult",
    "cfa",
    "measurement_invariance",
    "instrument_structure",
]


# --------------------------------------------------------------------------
# CFA
# --------------------------------------------------------------------------
_FIT_FIELDS = ["chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea_ci_low",
               "rmsea_ci_high", "srmr", "n", "converged"]


@dataclass(frozen=True, eq=False)
class CFAResult:
    """Result of :func:`cfa` (and :func:`instrument_structure`).

    Attributes
    ----------
    chisq, df, pvalue : float, int, float
        Likelihood-ratio chi-square of the model against the saturated model,
        ``chisq = N * F_ML``, its degrees of freedom and p-value.
    cfi, tli : float
        Comparative and Tucker-Lewis fit indices against the independence
        model.
    rmsea, rmsea_ci_low, rmsea_ci_high : float
        RMSEA and its 90 % interval.
    srmr : float
        Standardised root mean square residual (Bentler's; lavaan's ``srmr``).
    loadings : DataFrame
        One row per loading: ``factor``, ``item``, ``estimate`` (unstandardised),
        ``std_all`` (standardised on factor and item), ``se`` (NaN for fixed
        marker loadings).
    n : int
        Respondents used (complete on the model's items).
    converged : bool
        Whether the optimiser reached a zero gradient.
    parameters : DataFrame
        Every parameter: ``group``, ``lhs``, ``op``, ``rhs``, ``estimate``,
        ``se``, ``std_all``, ``free``.
    baseline_chisq, baseline_df : float, int
        Chi-square and df of the independence model.
    loglik : float
        Log-likelihood of the model.
    n_dropped : int
        Rows dropped because an item of the model was missing (listwise).
    model : str
        The model syntax that was fitted.
    problems : tuple of str
        Warnings a reader must see, as lavaan gives them: no convergence,
        negative residual variances (Heywood cases), a factor covariance
        matrix that is not positive definite (a factor correlation beyond
        ±1), standard errors not available. Each is also issued as a
        ``RuntimeWarning``.
    """

    chisq: float
    df: int
    pvalue: float
    cfi: float
    tli: float
    rmsea: float
    rmsea_ci_low: float
    rmsea_ci_high: float
    srmr: float
    loadings: pd.DataFrame
    n: int
    converged: bool
    parameters: pd.DataFrame
    baseline_chisq: float
    baseline_df: int
    loglik: float
    n_dropped: int
    model: str
    problems: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame of the fit measures (chisq ... srmr, n, converged)."""
        return pd.DataFrame([{k: getattr(self, k) for k in _FIT_FIELDS}])


def _check_estimator(estimator: str) -> None:
    if str(estimator).upper() != "ML":
        raise ValueError(
            f'Only estimator="ML" (maximum likelihood, lavaan\'s default) is available; got {estimator!r}.'
        )


def cfa(data: Any, model: str, *, estimator: str = "ML", missing: str = "listwise") -> CFAResult:
    """Confirmatory factor analysis with lavaan's defaults.

    The model is written in lavaan syntax: ``f =~ a + b + c`` defines a
    factor and its items (one line per factor; ``1*a`` fixes a loading,
    ``NA*a`` frees the first one), ``a ~~ b`` adds a residual covariance and
    ``f ~~ 1*f`` fixes a factor variance. As ``lavaan::cfa``: the first
    loading of each factor is fixed to 1 (marker variable), factor variances
    and covariances are free, rows with a missing item are dropped
    (listwise), and the maximum-likelihood discrepancy

    ``F_ML = log|Sigma| + tr(S Sigma^-1) - log|S| - p``

    is minimised with S the covariance matrix divided by N (not N - 1). Then
    ``chisq = N F_ML``; ``CFI = 1 - max(chisq - df, 0) / max(chisq - df,
    chisq_0 - df_0, 0)`` and ``TLI = (chisq_0/df_0 - chisq/df) / (chisq_0/df_0
    - 1)`` against the independence model (chisq_0, df_0); ``RMSEA =
    sqrt(max(chisq/df - 1, 0) / N)`` with a 90 % interval from the noncentral
    chi-square; ``SRMR = sqrt(mean over i <= j of ((s_ij - sigma_ij) /
    sqrt(s_ii s_jj))^2)``. Standard errors come from the expected information.

    Parameters
    ----------
    data : DataFrame or ResponseSet
        Item scores; columns named as the items in ``model``.
    model : str
        lavaan model syntax (``=~`` and ``~~`` lines; ``#`` comments).
    estimator : {"ML"}
        Maximum likelihood (the only one available).
    missing : {"listwise", "ml"}
        ``"listwise"`` (lavaan's default) drops every respondent with a
        missing item. ``"ml"`` (lavaan's ``missing="ml"``, "FIML") uses every
        answer: the likelihood is summed over missing-data patterns, the
        saturated model is the EM estimate, a mean structure is added, and
        standard errors come from the observed information. Survey data with
        "don't know" answers usually lose many rows listwise; ``"ml"`` keeps
        them under the missing-at-random assumption.

    Returns
    -------
    CFAResult

    References
    ----------
    Rosseel, Y. (2012). lavaan: An R package for structural equation modeling.
    Journal of Statistical Software, 48(2).
    Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit indexes in
    covariance structure analysis. Structural Equation Modeling, 6, 1-55.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> f = rng.normal(size=(400, 2)) @ np.array([[1.0, 0.4], [0.0, 0.9]])
    >>> x = np.hstack([f[:, [0]] * [1.0, 0.8, 0.7] + rng.normal(size=(400, 3)) * 0.6,
    ...                f[:, [1]] * [1.0, 0.9, 0.6] + rng.normal(size=(400, 3)) * 0.6])
    >>> data = pd.DataFrame(x, columns=["a1", "a2", "a3", "b1", "b2", "b3"])
    >>> res = cfa(data, "fa =~ a1 + a2 + a3\\nfb =~ b1 + b2 + b3")
    >>> res.df, res.n, res.converged
    (8, 400, True)
    >>> res.cfi > 0.95 and res.srmr < 0.05
    True
    >>> res.loadings[["factor", "item"]].values.tolist()[:3]
    [['fa', 'a1'], ['fa', 'a2'], ['fa', 'a3']]
    """
    _check_estimator(estimator)
    frame = _as_frame(data)
    spec = _parse_model(model)
    fit = _fit_model(frame, spec, missing=missing)
    return _cfa_result(fit, model, n_rows=len(frame))


def _cfa_result(fit: _Fit, model: str, n_rows: int) -> CFAResult:
    params = _parameter_table(fit)
    single = fit.model.n_groups == 1
    if single:
        params = params.drop(columns="group")
    lo = params[params["op"] == "=~"]
    loadings = pd.DataFrame({
        "factor": lo["lhs"].to_numpy(), "item": lo["rhs"].to_numpy(),
        "estimate": lo["estimate"].to_numpy(), "std_all": lo["std_all"].to_numpy(),
        "se": lo["se"].to_numpy(),
    })
    problems = _fit_problems(fit)
    for text in problems:
        warnings.warn(text, RuntimeWarning, stacklevel=3)
    n = int(fit.model.n_total)
    return CFAResult(
        chisq=fit.chisq, df=fit.df, pvalue=fit.pvalue, cfi=fit.cfi, tli=fit.tli,
        rmsea=fit.rmsea, rmsea_ci_low=fit.rmsea_ci_low, rmsea_ci_high=fit.rmsea_ci_high,
        srmr=fit.srmr, loadings=loadings, n=n, converged=bool(fit.converged),
        parameters=params, baseline_chisq=fit.baseline_chisq, baseline_df=fit.baseline_df,
        loglik=fit.loglik, n_dropped=int(n_rows - n), model=model, problems=problems,
    )


def _fit_problems(fit: _Fit) -> tuple[str, ...]:
    """Sentences about an admissibility or convergence problem of a fit."""
    out = []
    if not fit.converged:
        out.append("The model did not converge; its estimates and fit measures are unreliable.")
    for g in range(fit.model.n_groups):
        M = fit.model.matrices(fit.theta, g)
        where = "" if fit.model.n_groups == 1 else f" in group {fit.groups[g]!r}"
        neg = [fit.spec.observed[i] for i in np.where(np.diag(M["T"]) < 0)[0]]
        if neg:
            out.append(
                f"Negative residual variance for item(s) {neg}{where} (a Heywood case): the "
                "model does not suit these data; look for a redundant or mis-assigned item."
            )
        if fit.model.m > 1 and np.linalg.eigvalsh(M["P"]).min() < 0:
            out.append(
                f"The factor covariance matrix{where} is not positive definite (two factors "
                "correlate beyond ±1): the factors are not distinct in these data."
            )
    if fit.cov_theta is None:
        out.append("Standard errors are not available: the model may not be identified.")
    return tuple(out)


# --------------------------------------------------------------------------
# measurement invariance
# --------------------------------------------------------------------------
_RULES = {
    "chen2007": (
        "Chen (2007): non-invariant if ΔCFI ≤ −0.010 together with ΔRMSEA ≥ 0.015 "
        "or ΔSRMR ≥ {srmr}"
    ),
    "cheung_rensvold2002": "Cheung & Rensvold (2002): non-invariant if ΔCFI ≤ −0.01",
}
_CONFIGURAL_RULE = "configural fit acceptable if CFI ≥ 0.90 and RMSEA ≤ 0.08"


def measurement_invariance(
    data: Any,
    model: str,
    group: Any,
    *,
    rule: str = "chen2007",
    estimator: str = "ML",
    missing: str = "listwise",
) -> pd.DataFrame:
    """Configural, metric and scalar invariance of a CFA model across groups.

    Fits the multi-group model three times, as ``lavaan::cfa(model, group=,
    group.equal=)`` with a mean structure: configural (same pattern, all
    parameters free per group), metric (loadings equal across groups) and
    scalar (loadings and item intercepts equal; factor means free in all
    groups but the first). The multi-group chi-square is
    ``sum_g N_g F_ML,g`` (F including the mean term ``(m - mu)' Sigma^-1
    (m - mu)``); the independence model for CFI/TLI is fitted per group;
    ``RMSEA = sqrt(max(chisq/df - 1, 0) / N) * sqrt(G)``; SRMR is the
    N-weighted mean of the groups' SRMR including mean residuals (as lavaan).

    Each row is compared with the previous one: ``delta_chisq`` (likelihood-
    ratio test, ``delta_pvalue`` from chi-square on ``delta_df``),
    ``delta_cfi = cfi - cfi_previous`` and ``delta_rmsea``, ``delta_srmr``
    likewise. The verdict follows ``rule``:

    - ``"chen2007"`` (default): metric invariance is rejected when ΔCFI ≤
      −0.010 together with ΔRMSEA ≥ 0.015 or ΔSRMR ≥ 0.030; scalar when ΔCFI ≤
      −0.010 together with ΔRMSEA ≥ 0.015 or ΔSRMR ≥ 0.010;
    - ``"cheung_rensvold2002"``: rejected when ΔCFI ≤ −0.01.

    The configural row "holds" when its CFI ≥ 0.90 and RMSEA ≤ 0.08 (if it
    is "rejected", read the later rows with care: the common model fits
    poorly in some group). Scalar is "not tested" when metric invariance was
    rejected (compare partial-invariance models instead).

    Parameters
    ----------
    data : DataFrame or ResponseSet
        Item scores (and, for a DataFrame, the group column).
    model : str
        lavaan CFA syntax, as for :func:`cfa`.
    group : str or Series
        Name of the group column (in ``data``, or in a ResponseSet's ``meta``,
        e.g. ``"unit"`` or ``"role"``), or the group labels aligned with the
        rows. Rows without a group are dropped.
    rule : {"chen2007", "cheung_rensvold2002"}
        Decision rule for the change in fit.
    estimator : {"ML"}
    missing : {"listwise", "ml"}
        As in :func:`cfa`.

    Returns
    -------
    DataFrame
        Index ``configural``, ``metric``, ``scalar``; columns ``chisq``, ``df``,
        ``pvalue``, ``cfi``, ``tli``, ``rmsea``, ``srmr``, ``delta_chisq``,
        ``delta_df``, ``delta_pvalue``, ``delta_cfi``, ``delta_rmsea``,
        ``delta_srmr``, ``verdict`` ("holds", "rejected" or "not tested"),
        ``rule``, ``n``, ``n_groups``, ``converged``.

    References
    ----------
    Chen, F. F. (2007). Sensitivity of goodness of fit indexes to lack of
    measurement invariance. Structural Equation Modeling, 14, 464-504.
    Cheung, G. W., & Rensvold, R. B. (2002). Evaluating goodness-of-fit
    indexes for testing measurement invariance. Structural Equation Modeling,
    9, 233-255.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(5)
    >>> f = rng.normal(size=(600, 1))
    >>> x = f * [1.0, 0.8, 0.7, 0.9] + rng.normal(size=(600, 4)) * 0.7
    >>> data = pd.DataFrame(x, columns=["a", "b", "c", "d"])
    >>> data["unit"] = np.repeat(["north", "south"], 300)
    >>> tab = measurement_invariance(data, "f =~ a + b + c + d", "unit")
    >>> tab["df"].tolist()
    [4, 7, 10]
    >>> tab["verdict"].tolist()
    ['holds', 'holds', 'holds']
    """
    _check_estimator(estimator)
    if rule not in _RULES:
        raise ValueError(f"rule must be one of {sorted(_RULES)}; got {rule!r}.")
    frame = _as_frame(data)
    if isinstance(group, str):
        if group in frame.columns:
            labels = frame[group]
        elif _is_response_set(data) and hasattr(data, "meta") and group in data.meta.columns:
            labels = data.meta[group].reindex(frame.index)
        else:
            raise ValueError(
                f"There is no column {group!r} to group by; pass the name of a column of the "
                "data (or of the ResponseSet's meta, e.g. 'unit' or 'role'), or the labels."
            )
    else:
        labels = pd.Series(np.asarray(group), index=frame.index) if len(group) == len(frame) else None
        if labels is None:
            raise ValueError(
                f"group has {len(group)} labels but the data have {len(frame)} rows; they must match."
            )
    spec = _parse_model(model)
    n_groups = labels.dropna().nunique()
    if n_groups < 2:
        raise ValueError(
            f"Measurement invariance needs at least two groups; the group column has {n_groups}."
        )
    fits = {
        "configural": _fit_model(frame, spec, group=labels, equal=(), missing=missing),
        "metric": _fit_model(frame, spec, group=labels, equal=("loadings",), missing=missing),
        "scalar": _fit_model(frame, spec, group=labels, equal=("loadings", "intercepts"),
                             missing=missing),
    }
    rows = []
    prev = None
    rejected_before = False
    for level, fit in fits.items():
        row = {"chisq": fit.chisq, "df": fit.df, "pvalue": fit.pvalue, "cfi": fit.cfi,
               "tli": fit.tli, "rmsea": fit.rmsea, "srmr": fit.srmr}
        if prev is None:
            row.update(delta_chisq=np.nan, delta_df=np.nan, delta_pvalue=np.nan,
                       delta_cfi=np.nan, delta_rmsea=np.nan, delta_srmr=np.nan)
            ok = fit.cfi >= 0.90 and fit.rmsea <= 0.08
            text = _CONFIGURAL_RULE
        else:
            dchi = fit.chisq - prev.chisq
            ddf = fit.df - prev.df
            row.update(
                delta_chisq=dchi, delta_df=ddf,
                delta_pvalue=float(stats.chi2.sf(max(dchi, 0.0), ddf)) if ddf > 0 else np.nan,
                delta_cfi=fit.cfi - prev.cfi, delta_rmsea=fit.rmsea - prev.rmsea,
                delta_srmr=fit.srmr - prev.srmr,
            )
            if rule == "chen2007":
                srmr_cut = 0.030 if level == "metric" else 0.010
                bad = row["delta_cfi"] <= -0.010 and (row["delta_rmsea"] >= 0.015
                                                      or row["delta_srmr"] >= srmr_cut)
                text = _RULES[rule].format(srmr=f"{srmr_cut:.3f}")
            else:
                bad = row["delta_cfi"] <= -0.01
                text = _RULES[rule]
            ok = not bad
        if rejected_before:
            verdict = "not tested"
        else:
            verdict = "holds" if ok else "rejected"
            # a rejected metric level leaves scalar untested; a poorly fitting
            # configural model is flagged but the comparisons still run
            rejected_before = (not ok) and prev is not None
        row.update(verdict=verdict, rule=text, n=int(fit.model.n_total),
                   n_groups=fit.model.n_groups, converged=bool(fit.converged))
        rows.append(row)
        prev = fit
        for text in _fit_problems(fit):
            warnings.warn(f"{level} model: {text}", RuntimeWarning, stacklevel=2)
    out = pd.DataFrame(rows, index=pd.Index(list(fits), name="model"))
    out["delta_df"] = out["delta_df"].astype("Int64")
    return out


# --------------------------------------------------------------------------
# the instrument's own structure
# --------------------------------------------------------------------------
def _instrument_model(instrument: Any, level: str) -> tuple[str, list[str]]:
    if level == "category":
        groups = instrument.category_items()
    elif level == "dimension":
        groups = instrument.dimension_items()
    else:
        raise ValueError(f'level must be "category" or "dimension"; got {level!r}.')
    groups = {str(k): [str(i) for i in v] for k, v in groups.items() if len(v)}
    items = [i for v in groups.values() for i in v]
    clash = sorted(set(groups) & set(items))
    if clash:
        raise ValueError(f"The {level} id(s) {clash} equal item ids; a factor needs its own name.")
    lines = [f"{f} =~ " + " + ".join(v) for f, v in groups.items()]
    # a single-item factor is the item itself: no residual variance
    lines += [f"{v[0]} ~~ 0*{v[0]}" for v in groups.values() if len(v) == 1]
    if len(groups) == 1 and len(items) < 3:
        raise ValueError(
            f"The instrument has one {level} with {len(items)} item(s); a one-factor CFA needs "
            "at least 3 items."
        )
    return "\n".join(lines), items


def instrument_structure(
    responses: Any,
    instrument: Any = None,
    *,
    level: str = "category",
    missing: str = "listwise",
) -> CFAResult:
    """Fit the CFA implied by the instrument's own structure.

    Each category (``level="category"``) or dimension (``level="dimension"``)
    of the instrument becomes a factor measured by its items; factors are
    free to correlate. The model is fitted with :func:`cfa` (lavaan's
    defaults), so the result tells whether the data support the structure the
    instrument claims: compare ``cfi``/``tli`` (≥ 0.95 good, ≥ 0.90
    acceptable), ``rmsea`` (≤ 0.06 good, ≤ 0.08 acceptable) and ``srmr``
    (≤ 0.08) with Hu & Bentler (1999), and look for weak ``std_all``
    loadings. A category with a single item becomes a factor equal to that
    item (its residual variance fixed to 0).

    Parameters
    ----------
    responses : ResponseSet or DataFrame
        A ResponseSet (its ``scored()`` items are used and its instrument is
        the default), or a DataFrame of scored items (then ``instrument`` is
        required).
    instrument : Instrument, optional
        Anything with ``category_items()`` and ``dimension_items()``
        returning ``{id: [item ids]}``.
    level : {"category", "dimension"}
    missing : {"listwise", "ml"}
        As in :func:`cfa`; with many "don't know" answers ``"ml"`` keeps the
        respondents that listwise deletion would drop.

    Returns
    -------
    CFAResult
        ``model`` holds the lavaan syntax that was fitted.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> class Inst:  # any object with the Instrument helpers will do
    ...     def category_items(self):
    ...         return {"use": ["u1", "u2", "u3"], "lead": ["l1", "l2", "l3"]}
    ...     def dimension_items(self):
    ...         return {"capability": ["u1", "u2", "u3", "l1", "l2", "l3"]}
    >>> rng = np.random.default_rng(7)
    >>> f = rng.normal(size=(300, 2)) @ np.array([[1.0, 0.5], [0.0, 0.85]])
    >>> x = np.round(3.5 + np.repeat(f, 3, axis=1) + rng.normal(size=(300, 6)) * 0.8)
    >>> data = pd.DataFrame(x, columns=["u1", "u2", "u3", "l1", "l2", "l3"])
    >>> res = instrument_structure(data, Inst())
    >>> print(res.model)
    use =~ u1 + u2 + u3
    lead =~ l1 + l2 + l3
    >>> res.df
    8
    """
    if _is_response_set(responses):
        frame = responses.scored()
        if instrument is None:
            instrument = responses.instrument
    elif isinstance(responses, pd.DataFrame):
        frame = responses
        if instrument is None:
            raise ValueError(
                "With a DataFrame of responses, pass the instrument too "
                "(evaluation.data.instruments.load_instrument('<id>'))."
            )
    else:
        raise TypeError(
            f"responses must be a ResponseSet or a DataFrame of scored items; got {type(responses).__name__}."
        )
    if not (hasattr(instrument, "category_items") and hasattr(instrument, "dimension_items")):
        raise TypeError(
            "instrument must be an Instrument (from evaluation.data.instruments.load_instrument) "
            "with category_items() and dimension_items()."
        )
    model, items = _instrument_model(instrument, level)
    absent = [i for i in items if i not in frame.columns]
    if absent:
        raise ValueError(
            f"The responses lack the instrument's item column(s) {absent[:10]}"
            f"{' ...' if len(absent) > 10 else ''}; were they read with the same instrument?"
        )
    return cfa(frame[items], model, missing=missing)
