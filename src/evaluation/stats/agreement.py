"""Comparing instruments answered by the same respondents.

Measurement properties follow COSMIN's taxonomy (Mokkink et al. 2010;
Prinsen et al. 2018): validity (convergent/discriminant correlations against
hypotheses), reliability (test--retest ICC, agreement of classifications),
measurement error (SEM, smallest detectable change, Bland--Altman limits of
agreement) and internal consistency (alpha, compared with Feldt's tests).

The report side, :func:`compare_instruments` (used by
``notebooks/instrument_comparison.ipynb``), links two survey files on a
respondent id, tests the crosswalk's convergent/discriminant hypotheses
(``instruments/crosswalk.yaml``) and lays the instruments' measurement
properties side by side with a summary in words.

Functions take pandas Series/DataFrames or numpy arrays. Rows of two inputs
are paired **by position**: link the two response files first (for example on
``respondent_id``) so that row *i* of both inputs is the same respondent.

Libraries used: :func:`pingouin.intraclass_corr` for the ICCs (its confidence
intervals are taken at full precision; pingouin rounds them to two decimals by
default), :mod:`scipy.stats` for distributions. Cohen's kappa is written here
because it must equal ``psych::cohen.kappa`` (its variance formula, its
confidence interval and its table over the union of levels), which no Python
library reproduces; it is tested against R fixtures in ``tests/reference``.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "MINUS",
    "ConvergentValidity",
    "Agreement",
    "RetestResult",
    "BlandAltman",
    "AlphaComparison",
    "convergent_validity",
    "agreement",
    "retest_reliability",
    "bland_altman",
    "compare_alphas",
    "cosmin_summary",
    "terwee_verdict",
    "landis_koch",
    "load_crosswalk",
    "crosswalk_hypotheses",
    "link_responses",
    "InstrumentComparison",
    "compare_instruments",
    "ComparisonParameters",
    "validate_comparison_parameters",
    "run_comparison",
]

#: The COSMIN "insufficient" rating symbol (U+2212 MINUS SIGN).
MINUS = "\u2212"


# ----------------------------------------------------------------------------
# input helpers
# ----------------------------------------------------------------------------
def _as_frame(x: Any, *, name: str, prefix: str = "x") -> pd.DataFrame:
    """Return *x* as a float DataFrame with a default RangeIndex."""
    if isinstance(x, pd.DataFrame):
        df = x.copy()
    elif isinstance(x, pd.Series):
        df = x.to_frame(name=x.name if x.name is not None else prefix)
    else:
        arr = np.asarray(x)
        if arr.ndim == 1:
            df = pd.DataFrame({prefix: arr})
        elif arr.ndim == 2:
            df = pd.DataFrame(arr, columns=[f"{prefix}{j + 1}" for j in range(arr.shape[1])])
        else:
            raise ValueError(f"{name} must be one- or two-dimensional (got {arr.ndim} dimensions).")
    if df.shape[1] == 0:
        raise ValueError(f"{name} has no columns; pass at least one score column.")
    try:
        df = df.apply(pd.to_numeric, errors="raise").astype(float)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name} must hold numeric scores only ({exc}).") from None
    df.columns = [str(c) for c in df.columns]
    return df.reset_index(drop=True)


def _as_vector(x: Any, *, name: str) -> np.ndarray:
    """Return *x* as a one-dimensional float array."""
    if isinstance(x, pd.DataFrame):
        if x.shape[1] != 1:
            raise ValueError(f"{name} must be one column of scores (got {x.shape[1]} columns).")
        x = x.iloc[:, 0]
    arr = np.asarray(x)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional (got shape {arr.shape}).")
    try:
        return arr.astype(float)
    except (ValueError, TypeError):
        raise ValueError(f"{name} must hold numbers only.") from None


def _check_same_length(a_len: int, b_len: int, name_a: str, name_b: str) -> None:
    if a_len != b_len:
        raise ValueError(
            f"{name_a} has {a_len} rows but {name_b} has {b_len}; rows are paired by "
            "position, so link the two files on the respondent id first."
        )


def _check_ci(ci: float) -> float:
    if not (isinstance(ci, (int, float)) and 0 < ci < 1):
        raise ValueError(f"ci must be a number between 0 and 1 such as 0.95 (got {ci!r}).")
    return float(ci)


def _normal_crit(ci: float) -> float:
    return float(stats.norm.ppf(1 - (1 - ci) / 2))


# ----------------------------------------------------------------------------
# convergent / discriminant validity
# ----------------------------------------------------------------------------
def _fisher_ci(r: float, n: int, crit: float) -> tuple[float, float]:
    if n <= 3 or not np.isfinite(r):
        return (math.nan, math.nan)
    z = math.atanh(min(max(r, -1.0), 1.0)) if abs(r) < 1 else math.copysign(math.inf, r)
    se = 1.0 / math.sqrt(n - 3)
    return (math.tanh(z - crit * se), math.tanh(z + crit * se))


def _reliability_lookup(reliabilities: Any, side: int, column: str) -> float:
    if reliabilities is None:
        return math.nan
    if isinstance(reliabilities, (tuple, list)):
        if len(reliabilities) != 2:
            raise ValueError(
                "reliabilities must be one mapping {column: reliability} or a pair of "
                "mappings (instrument A, instrument B)."
            )
        mapping = reliabilities[side]
    else:
        mapping = reliabilities
    if mapping is None or column not in mapping or mapping[column] is None:
        return math.nan
    rel = float(mapping[column])
    if not (0 < rel <= 1):
        raise ValueError(
            f"The reliability of {column!r} is {rel}; a reliability must lie in (0, 1]."
        )
    return rel


def _normalise_hypotheses(hypotheses: Any) -> pd.DataFrame:
    if isinstance(hypotheses, pd.DataFrame):
        rows = hypotheses.to_dict("records")
    else:
        rows = []
        for h in hypotheses:
            if isinstance(h, Mapping):
                rows.append(dict(h))
            elif isinstance(h, Sequence) and not isinstance(h, str) and len(h) == 3:
                rows.append({"a": h[0], "b": h[1], "expected": h[2]})
            else:
                raise ValueError(
                    "Each hypothesis must be a mapping with keys 'a', 'b', 'expected' "
                    f"or a tuple (a, b, expected); got {h!r}."
                )
    out = []
    for h in rows:
        missing = {"a", "b", "expected"} - set(h)
        if missing:
            raise ValueError(f"Hypothesis {h!r} lacks {sorted(missing)}.")
        exp = str(h["expected"]).lower()
        if exp not in {"convergent", "discriminant"}:
            raise ValueError(
                f"Hypothesis {h!r}: 'expected' must be 'convergent' or 'discriminant'."
            )
        out.append({**h, "a": str(h["a"]), "b": str(h["b"]), "expected": exp})
    return pd.DataFrame(out, columns=list(dict.fromkeys(["a", "b", "expected", *[k for r in out for k in r]])))


def terwee_verdict(share: float | None, *, threshold: float = 0.75) -> str:
    """Rate hypotheses testing by Terwee et al.'s (2007) 75 % rule.

    ``"+"`` if at least *threshold* of the hypotheses were confirmed,
    ``"−"`` if fewer, ``"?"`` when no hypothesis was tested.

    Reference: Terwee, C. B., et al. (2007). Quality criteria were proposed for
    measurement properties of health status questionnaires. *J Clin Epidemiol*,
    60(1), 34--42.

    >>> terwee_verdict(0.8), terwee_verdict(0.5), terwee_verdict(None)
    ('+', '−', '?')
    """
    if share is None or not np.isfinite(share):
        return "?"
    return "+" if share >= threshold else MINUS


@dataclass(frozen=True)
class ConvergentValidity:
    """Correlations between the scores of two instruments.

    Attributes
    ----------
    correlations : DataFrame
        One row per pair (a, b): ``r``, ``ci_low``, ``ci_high`` (Fisher z),
        ``n``, ``rel_a``, ``rel_b``, ``r_disattenuated``,
        ``ci_low_disattenuated``, ``ci_high_disattenuated``.
    mtmm : DataFrame
        Multitrait--multimethod matrix over all constructs of both instruments
        (MultiIndex ``(instrument, construct)``), reliabilities on the diagonal
        (NaN where none was given).
    hypotheses : DataFrame or None
        One row per hypothesis with the observed ``r`` and ``confirmed``.
    share_confirmed : float or None
        Share of hypotheses confirmed.
    verdict : str
        Terwee's 75 % rule: ``"+"``, ``"−"`` or ``"?"`` (no hypotheses).
    ci : float
        Confidence level.
    """

    correlations: pd.DataFrame
    mtmm: pd.DataFrame
    hypotheses: pd.DataFrame | None
    share_confirmed: float | None
    verdict: str
    ci: float

    def to_frame(self) -> pd.DataFrame:
        """The tidy correlation table."""
        return self.correlations.copy()


def convergent_validity(
    scores_a: Any,
    scores_b: Any,
    *,
    reliabilities: Any = None,
    ci: float = 0.95,
    hypotheses: Any = None,
    names: tuple[str, str] = ("A", "B"),
    convergent_min: float = 0.50,
    discriminant_max: float = 0.30,
) -> ConvergentValidity:
    r"""Correlate every score of instrument A with every score of instrument B.

    For each pair the Pearson correlation uses the rows where both scores are
    present (pairwise deletion); its confidence interval comes from Fisher's z:
    :math:`\tanh(\operatorname{atanh} r \pm z_{1-\alpha/2}/\sqrt{n-3})`.
    With reliabilities the correlation is corrected for attenuation
    (Spearman 1904), :math:`r_c = r / \sqrt{\rho_a \rho_b}`, and its interval is
    the Fisher-z interval divided by the same factor (reliabilities treated as
    known). Corrected values are not clipped at 1.

    Hypotheses (typically from ``instruments/crosswalk.yaml``) say which pairs
    should converge and which should not. A convergent hypothesis is confirmed
    when :math:`r \ge` ``convergent_min`` (0.50), a discriminant one when
    :math:`|r| <` ``discriminant_max`` (0.30) -- the thresholds of de Vet et
    al. (2011) and Prinsen et al. (2018) -- or per hypothesis through the keys
    ``min_r`` / ``max_r``. Observed (not corrected) correlations are judged.
    At least 75 % confirmed rates hypotheses testing "+" (Terwee et al. 2007).

    Parameters
    ----------
    scores_a, scores_b : DataFrame, Series or array
        Scores per respondent (one column per construct), rows paired by position.
    reliabilities : mapping or pair of mappings, optional
        ``{column: reliability}`` (for example Cronbach's alpha or omega), or
        ``(mapping_a, mapping_b)`` when both instruments use the same names.
    ci : float
        Confidence level of the intervals.
    hypotheses : iterable or DataFrame, optional
        Rows with ``a`` (column of A), ``b`` (column of B), ``expected``
        (``"convergent"`` or ``"discriminant"``), optional ``min_r``/``max_r``.
    names : (str, str)
        Instrument labels used in the MTMM table.
    convergent_min, discriminant_max : float
        Default thresholds for confirming hypotheses.

    Returns
    -------
    ConvergentValidity

    References
    ----------
    Campbell, D. T., & Fiske, D. W. (1959). Convergent and discriminant
    validation by the multitrait-multimethod matrix. *Psychol Bull*, 56, 81--105.
    Spearman, C. (1904). The proof and measurement of association between two
    things. *Am J Psychol*, 15, 72--101.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> t = rng.normal(size=200)
    >>> a = pd.DataFrame({"cap": t + rng.normal(0, 0.5, 200), "leg": rng.normal(size=200)})
    >>> b = pd.DataFrame({"readiness": t + rng.normal(0, 0.5, 200)})
    >>> res = convergent_validity(a, b, reliabilities={"cap": 0.5, "readiness": 0.5},
    ...                           hypotheses=[("cap", "readiness", "convergent"),
    ...                                       ("leg", "readiness", "discriminant")])
    >>> row = res.correlations.iloc[0]
    >>> bool(row.ci_low < row.r < row.ci_high), bool(abs(row.r_disattenuated - 2 * row.r) < 1e-12)
    (True, True)
    >>> res.share_confirmed, res.verdict
    (1.0, '+')
    """
    ci = _check_ci(ci)
    a = _as_frame(scores_a, name="scores_a", prefix="a")
    b = _as_frame(scores_b, name="scores_b", prefix="b")
    _check_same_length(len(a), len(b), "scores_a", "scores_b")
    crit = _normal_crit(ci)
    rows = []
    for ca in a.columns:
        for cb in b.columns:
            ok = a[ca].notna() & b[cb].notna()
            n = int(ok.sum())
            if n < 4:
                raise ValueError(
                    f"Only {n} respondents have both {ca!r} (A) and {cb!r} (B); a "
                    "correlation with a confidence interval needs at least 4."
                )
            x, y = a.loc[ok, ca].to_numpy(), b.loc[ok, cb].to_numpy()
            if np.std(x) == 0 or np.std(y) == 0:
                r = math.nan
            else:
                r = float(np.corrcoef(x, y)[0, 1])
            lo, hi = _fisher_ci(r, n, crit)
            rel_a = _reliability_lookup(reliabilities, 0, ca)
            rel_b = _reliability_lookup(reliabilities, 1, cb)
            f = math.sqrt(rel_a * rel_b)
            rows.append(
                {"a": ca, "b": cb, "r": r, "ci_low": lo, "ci_high": hi, "n": n,
                 "rel_a": rel_a, "rel_b": rel_b, "r_disattenuated": r / f,
                 "ci_low_disattenuated": lo / f, "ci_high_disattenuated": hi / f}
            )
    corr = pd.DataFrame(rows)

    # MTMM: all constructs of both instruments, reliabilities on the diagonal
    both = pd.concat([a, b], axis=1, ignore_index=True)
    idx = pd.MultiIndex.from_tuples(
        [(names[0], c) for c in a.columns] + [(names[1], c) for c in b.columns],
        names=["instrument", "construct"],
    )
    m = both.corr(method="pearson", min_periods=2).to_numpy(copy=True)
    diag = [_reliability_lookup(reliabilities, 0, c) for c in a.columns] + [
        _reliability_lookup(reliabilities, 1, c) for c in b.columns
    ]
    np.fill_diagonal(m, diag)
    mtmm = pd.DataFrame(m, index=idx, columns=idx)

    hyp_df = None
    share = None
    if hypotheses is not None:
        hyp_df = _normalise_hypotheses(hypotheses)
        if len(hyp_df):
            lookup = corr.set_index(["a", "b"])
            r_obs, confirmed = [], []
            for h in hyp_df.to_dict("records"):
                key = (h["a"], h["b"])
                if key not in lookup.index:
                    raise ValueError(
                        f"Hypothesis on ({h['a']!r}, {h['b']!r}) names a score that is not "
                        f"there; A has {list(a.columns)}, B has {list(b.columns)}."
                    )
                r = float(lookup.loc[key, "r"])
                r_obs.append(r)
                if h["expected"] == "convergent":
                    thr = h.get("min_r")
                    thr = convergent_min if thr is None or pd.isna(thr) else float(thr)
                    confirmed.append(bool(r >= thr))
                else:
                    thr = h.get("max_r")
                    thr = discriminant_max if thr is None or pd.isna(thr) else float(thr)
                    confirmed.append(bool(abs(r) < thr))
            hyp_df = hyp_df.assign(r=r_obs, confirmed=confirmed)
            share = float(np.mean(confirmed))
    return ConvergentValidity(
        correlations=corr, mtmm=mtmm, hypotheses=hyp_df, share_confirmed=share,
        verdict=terwee_verdict(share), ci=ci,
    )


# ----------------------------------------------------------------------------
# agreement of classifications (Cohen's kappa as psych::cohen.kappa)
# ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Agreement:
    """Agreement between two classifications of the same respondents.

    Attributes
    ----------
    kappa, ci_low, ci_high : float
        Cohen's kappa (weighted when ``weights`` was given) and its interval,
        as ``psych::cohen.kappa`` computes them (bounds clipped to [-1, 1]).
    se : float
        Square root of psych's large-sample variance.
    percent_agreement : float
        Share of exact agreement times 100.
    n : int
        Pairs used (both classifications present).
    weights : str or None
    confusion : DataFrame
        Counts; rows = levels of A, columns = levels of B, over the union of levels.
    """

    kappa: float
    ci_low: float
    ci_high: float
    se: float
    percent_agreement: float
    n: int
    weights: str | None
    confusion: pd.DataFrame
    ci: float

    def to_frame(self) -> pd.DataFrame:
        """One-row summary."""
        return pd.DataFrame([{
            "kappa": self.kappa, "ci_low": self.ci_low, "ci_high": self.ci_high,
            "se": self.se, "percent_agreement": self.percent_agreement, "n": self.n,
            "weights": self.weights or "none",
        }])


def _level_order(values: Sequence[Any]) -> list[Any]:
    uniq = list(dict.fromkeys(values))
    try:
        nums = [float(v) for v in uniq]
        return [u for _, u in sorted(zip(nums, uniq, strict=True), key=lambda t: t[0])]
    except (TypeError, ValueError):
        return sorted(uniq, key=str)


def agreement(
    levels_a: Any,
    levels_b: Any,
    *,
    weights: str | None = None,
    ci: float = 0.95,
    levels: Sequence[Any] | None = None,
) -> Agreement:
    r"""Cohen's kappa between two classifications, as ``psych::cohen.kappa``.

    The table is built over the union of the levels of both classifications
    (or over ``levels``, in that order), so a category used by only one of
    them gets an empty row or column. With :math:`p_{ij}` the proportions,
    :math:`p_o = \sum_i p_{ii}`, :math:`p_c = \sum_i p_{i\cdot} p_{\cdot i}` and
    :math:`\kappa = (p_o - p_c)/(1 - p_c)`; weighted kappa uses agreement
    weights :math:`w_{ij}` (quadratic :math:`1 - (i-j)^2/(k-1)^2`, linear
    :math:`1 - |i-j|/(k-1)`, positions in the level order). The variance is the
    large-sample formula of Fleiss, Cohen & Everitt (1969) exactly as psych
    codes it; the interval is :math:`\kappa \pm z_{1-\alpha/2}\sqrt{\operatorname{Var}}`,
    clipped to [-1, 1] as psych does. Pairs with a missing value are dropped.

    Parameters
    ----------
    levels_a, levels_b : Series or array
        Category (level, quadrant) per respondent, paired by position.
    weights : None, "linear" or "quadratic"
        None gives unweighted kappa.
    ci : float
        Confidence level.
    levels : sequence, optional
        All categories in order. Default: the union of observed values, sorted
        numerically when all are numbers, else alphabetically (as R's ``factor``
        in the C locale). The order matters only for weighted kappa.

    Returns
    -------
    Agreement

    References
    ----------
    Cohen, J. (1960; 1968). Fleiss, J. L., Cohen, J., & Everitt, B. S. (1969).
    Large sample standard errors of kappa and weighted kappa. *Psychol Bull*,
    72, 323--327. Revelle, W. psych: ``cohen.kappa``.

    Examples
    --------
    >>> a = [1, 1, 2, 2, 3, 3, 1, 2, 3, 1]
    >>> b = [1, 1, 2, 3, 3, 3, 1, 2, 2, 2]
    >>> res = agreement(a, b)
    >>> round(res.kappa, 4), res.percent_agreement
    (0.5522, 70.0)
    >>> round(agreement(a, b, weights="quadratic").kappa, 4)
    0.7692
    """
    ci = _check_ci(ci)
    if weights not in (None, "linear", "quadratic"):
        raise ValueError(
            f"weights must be None, 'linear' or 'quadratic' (got {weights!r})."
        )
    xa = pd.Series(np.asarray(levels_a, dtype=object).ravel() if not isinstance(levels_a, pd.Series)
                   else levels_a.to_numpy(dtype=object))
    xb = pd.Series(np.asarray(levels_b, dtype=object).ravel() if not isinstance(levels_b, pd.Series)
                   else levels_b.to_numpy(dtype=object))
    _check_same_length(len(xa), len(xb), "levels_a", "levels_b")
    ok = xa.notna() & xb.notna()
    xa, xb = xa[ok].tolist(), xb[ok].tolist()
    n = len(xa)
    if n < 2:
        raise ValueError(f"Only {n} respondents are classified by both; kappa needs at least 2.")
    if levels is None:
        labels = _level_order(xa + xb)
    else:
        labels = list(levels)
        unknown = set(xa + xb) - set(labels)
        if unknown:
            raise ValueError(f"Values {sorted(map(str, unknown))} are not in levels={labels}.")
    pos = {lab: i for i, lab in enumerate(labels)}
    k = len(labels)
    counts = np.zeros((k, k))
    for u, v in zip(xa, xb, strict=True):
        counts[pos[u], pos[v]] += 1
    confusion = pd.DataFrame(counts.astype(int), index=pd.Index(labels, name="a"),
                             columns=pd.Index(labels, name="b"))

    x = counts / n
    rs, cs = x.sum(axis=1), x.sum(axis=0)
    prob = np.outer(rs, cs)
    po, pc = float(np.trace(x)), float(np.trace(prob))
    percent = 100 * po
    if k == 1:
        return Agreement(math.nan, math.nan, math.nan, math.nan, percent, n, weights, confusion, ci)
    crit = _normal_crit(ci)
    if weights is None:
        kappa = (po - pc) / (1 - pc)
        a_ = np.diag(x) * ((1 - pc) - (rs + cs) * (1 - po)) ** 2
        sum_cr = np.add.outer(cs, rs)  # [i, j] = cs_i + rs_j, as psych's cs %+% t(rs)
        off = (x * sum_cr**2).sum() - np.trace(x * sum_cr**2)
        var = (a_.sum() + (1 - po) ** 2 * off - (po * pc - 2 * pc + po) ** 2) / (n * (1 - pc) ** 4)
    else:
        ii, jj = np.indices((k, k))
        if weights == "quadratic":
            w = 1 - (ii - jj) ** 2 / (k - 1) ** 2
        else:
            w = 1 - np.abs(ii - jj) / (k - 1)
        wpo, wpc = float((w * x).sum()), float((w * prob).sum())
        colw = (w * cs[:, None]).sum(axis=0)  # psych: colSums(w * cs)
        roww = (w * rs[:, None]).sum(axis=1)  # psych: rowSums(w * rs)
        kappa = (wpo - wpc) / (1 - wpc)
        term = (w * (1 - wpc) - np.add.outer(colw, roww) * (1 - wpo)) ** 2
        var = ((x * term).sum() - (wpo * wpc - 2 * wpc + wpo) ** 2) / (n * (1 - wpc) ** 4)
    if not np.isfinite(var) or var < 0:
        var = 0.0
    se = math.sqrt(var)
    lo, hi = kappa - crit * se, kappa + crit * se
    lo, hi = min(max(lo, -1.0), 1.0), min(max(hi, -1.0), 1.0)
    return Agreement(float(kappa), float(lo), float(hi), se, percent, n, weights, confusion, ci)


# ----------------------------------------------------------------------------
# test--retest
# ----------------------------------------------------------------------------
@contextlib.contextmanager
def _pingouin_full_precision():
    import pingouin as pg

    saved = dict(pg.options)
    for key in [k for k in pg.options if k.startswith("round")]:
        pg.options[key] = None
    try:
        yield pg
    finally:
        pg.options.clear()
        pg.options.update(saved)


@dataclass(frozen=True)
class RetestResult:
    """Test--retest reliability and measurement error per score.

    ``table`` has one row per score: ``score``, ``n``, ``mean_t1``,
    ``mean_t2``, ``sd_pooled``, ``icc2`` (ICC(2,1), absolute agreement, two-way
    random) with ``icc2_low``/``icc2_high``, ``icc3`` (ICC(3,1), consistency,
    two-way mixed) with ``icc3_low``/``icc3_high``, ``sem`` and ``sdc``.
    """

    __test__ = False  # not a pytest test class despite its name

    table: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The table."""
        return self.table.copy()

    def __getitem__(self, key: str) -> Any:
        """Shortcut when one score was given: ``res["icc2"]``."""
        if len(self.table) != 1:
            raise KeyError("Several scores: index .table instead.")
        return self.table.iloc[0][key]


def retest_reliability(scores_t1: Any, scores_t2: Any) -> RetestResult:
    r"""ICC(2,1) and ICC(3,1), SEM and smallest detectable change.

    The ICCs and their 95 % intervals come from
    :func:`pingouin.intraclass_corr` (two-way ANOVA, McGraw & Wong 1996;
    Shrout & Fleiss 1979) on respondents with both occasions. Measurement
    error uses the agreement ICC, as COSMIN recommends:

    .. math:: SEM = SD_{pooled}\sqrt{1 - ICC(2,1)},\qquad
              SDC = 1.96\,\sqrt{2}\,SEM,

    where :math:`SD_{pooled} = \sqrt{(s_1^2 + s_2^2)/2}` pools the two
    occasions' sample SDs (ddof = 1). SDC is the smallest change of one
    respondent's score that exceeds measurement error (de Vet et al. 2006).

    Parameters
    ----------
    scores_t1, scores_t2 : Series, array or DataFrame
        Scores at the first and second occasion, paired by position; with
        DataFrames, the same columns in both (one row per column in the result).

    Returns
    -------
    RetestResult

    References
    ----------
    Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations. *Psychol
    Bull*, 86, 420--428. de Vet, H. C. W., et al. (2006). When to use agreement
    versus reliability measures. *J Clin Epidemiol*, 59, 1033--1039.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> t = rng.normal(50, 10, 100)
    >>> res = retest_reliability(t + rng.normal(0, 4, 100), t + rng.normal(0, 4, 100))
    >>> bool(0.7 < res["icc2"] < 0.95), bool(res["icc2_low"] < res["icc2"] < res["icc2_high"])
    (True, True)
    >>> bool(abs(res["sdc"] - 1.96 * np.sqrt(2) * res["sem"]) < 1e-12)
    True
    """
    a = _as_frame(scores_t1, name="scores_t1", prefix="score")
    b = _as_frame(scores_t2, name="scores_t2", prefix="score")
    _check_same_length(len(a), len(b), "scores_t1", "scores_t2")
    if list(a.columns) != list(b.columns):
        if a.shape[1] == b.shape[1] == 1:
            b.columns = a.columns
        else:
            raise ValueError(
                f"scores_t1 has columns {list(a.columns)} but scores_t2 has {list(b.columns)}; "
                "give the same scores at both occasions."
            )
    rows = []
    for col in a.columns:
        ok = a[col].notna() & b[col].notna()
        x1, x2 = a.loc[ok, col].to_numpy(), b.loc[ok, col].to_numpy()
        n = len(x1)
        if n < 3:
            raise ValueError(
                f"Only {n} respondents have {col!r} at both occasions; an ICC needs at least 3."
            )
        long = pd.DataFrame({
            "target": np.r_[np.arange(n), np.arange(n)],
            "occasion": np.r_[np.zeros(n, int), np.ones(n, int)],
            "score": np.r_[x1, x2],
        })
        with _pingouin_full_precision() as pg:
            icc = pg.intraclass_corr(long, targets="target", raters="occasion",
                                     ratings="score").set_index("Type")
        i2, i3 = icc.loc["ICC(A,1)"], icc.loc["ICC(C,1)"]
        sd = math.sqrt((np.var(x1, ddof=1) + np.var(x2, ddof=1)) / 2)
        sem = sd * math.sqrt(1 - i2["ICC"]) if i2["ICC"] <= 1 else math.nan
        rows.append({
            "score": col, "n": n, "mean_t1": float(x1.mean()), "mean_t2": float(x2.mean()),
            "sd_pooled": sd,
            "icc2": float(i2["ICC"]), "icc2_low": float(i2["CI95"][0]), "icc2_high": float(i2["CI95"][1]),
            "icc3": float(i3["ICC"]), "icc3_low": float(i3["CI95"][0]), "icc3_high": float(i3["CI95"][1]),
            "sem": sem, "sdc": 1.96 * math.sqrt(2) * sem,
        })
    return RetestResult(pd.DataFrame(rows))





# ----------------------------------------------------------------------------
# Bland--Altman
# ----------------------------------------------------------------------------
@dataclass(frozen=True)
class BlandAltman:
    """Bland--Altman agreement of two measurements of the same quantity.

    Attributes
    ----------
    n, bias, sd_diff : mean difference ``a - b`` and its SD (ddof = 1)
    bias_ci : (low, high), t-based
    loa_low, loa_high : limits of agreement ``bias ∓ z * sd_diff``
    loa_low_ci, loa_high_ci : (low, high) confidence intervals of the limits
    method : "approximate" or "exact"
    """

    n: int
    bias: float
    sd_diff: float
    bias_ci: tuple[float, float]
    loa_low: float
    loa_high: float
    loa_low_ci: tuple[float, float]
    loa_high_ci: tuple[float, float]
    method: str
    ci: float
    coverage: float
    means: np.ndarray = field(repr=False, compare=False)
    differences: np.ndarray = field(repr=False, compare=False)

    def to_frame(self) -> pd.DataFrame:
        """One row per quantity: estimate, ci_low, ci_high."""
        return pd.DataFrame(
            {"estimate": [self.bias, self.loa_low, self.loa_high],
             "ci_low": [self.bias_ci[0], self.loa_low_ci[0], self.loa_high_ci[0]],
             "ci_high": [self.bias_ci[1], self.loa_low_ci[1], self.loa_high_ci[1]]},
            index=pd.Index(["bias", "loa_low", "loa_high"], name="quantity"),
        )

    def figure(self, *, language: str = "sv", xlabel: str | None = None,
               ylabel: str | None = None, ax: Any = None):
        """Bland--Altman plot: differences against means, bias and limits with CIs.

        Returns a matplotlib Figure.

        >>> res = bland_altman([1, 2, 3, 4, 5], [1.2, 1.8, 3.3, 3.9, 5.4])
        >>> fig = res.figure()
        >>> type(fig).__name__, len(fig.axes)
        ('Figure', 1)
        """
        import matplotlib.pyplot as plt

        txt = {
            "sv": ("Medelvärde av de två mätningarna", "Skillnad (A − B)", "Medelskillnad",
                   "Gränser för överensstämmelse"),
            "en": ("Mean of the two measurements", "Difference (A − B)", "Mean difference",
                   "Limits of agreement"),
        }.get(language)
        if txt is None:
            raise ValueError(f"language must be 'sv' or 'en' (got {language!r}).")
        if ax is None:
            fig, ax = plt.subplots(figsize=(6.5, 4.5))
        else:
            fig = ax.figure
        ax.scatter(self.means, self.differences, s=14, alpha=0.6, color="#3b6ea5", lw=0)
        x0, x1 = (float(np.min(self.means)), float(np.max(self.means))) if self.n else (0, 1)
        for est, (lo, hi), style, lab in [
            (self.bias, self.bias_ci, "-", txt[2]),
            (self.loa_low, self.loa_low_ci, "--", txt[3]),
            (self.loa_high, self.loa_high_ci, "--", None),
        ]:
            ax.axhline(est, color="#333333", ls=style, lw=1.2, label=lab)
            ax.axhspan(lo, hi, color="#999999", alpha=0.2, lw=0)
        ax.axhline(0, color="#bbbbbb", lw=0.8)
        ax.set_xlim(x0 - 0.05 * (x1 - x0 or 1), x1 + 0.05 * (x1 - x0 or 1))
        ax.set_xlabel(xlabel or txt[0])
        ax.set_ylabel(ylabel or txt[1])
        ax.legend(frameon=False, loc="best")
        fig.tight_layout()
        return fig


def bland_altman(a: Any, b: Any, *, ci: float = 0.95, coverage: float = 0.95,
                 method: str = "approximate") -> BlandAltman:
    r"""Bias and limits of agreement between two measurements (``a - b``).

    With differences :math:`d_i = a_i - b_i`, mean :math:`\bar d`, SD
    :math:`s` and :math:`z = \Phi^{-1}((1+\text{coverage})/2)` (1.96):
    limits :math:`\bar d \pm z s`; bias CI :math:`\bar d \pm t_{n-1} s/\sqrt n`.

    Limits' CIs:

    * ``method="approximate"`` (Bland & Altman 1986, 1999):
      :math:`\text{limit} \pm t_{n-1}\, s\sqrt{1/n + z^2/(2(n-1))}`.
    * ``method="exact"`` (Carkeet 2015; exact under normality): the upper
      limit's interval is :math:`\bar d + s\,t'_{q}(n-1, z\sqrt n)/\sqrt n` for
      :math:`q = \alpha/2, 1-\alpha/2`, :math:`t'` the non-central t quantile;
      the lower limit mirrors it.

    Pairs with a missing value are dropped.

    References
    ----------
    Bland, J. M., & Altman, D. G. (1999). Measuring agreement in method
    comparison studies. *Stat Methods Med Res*, 8, 135--160.
    Carkeet, A. (2015). Exact parametric confidence intervals for Bland-Altman
    limits of agreement. *Optom Vis Sci*, 92, e71--e80.

    Examples
    --------
    >>> res = bland_altman([10, 12, 14, 11, 13], [9, 12, 15, 10, 12])
    >>> res.bias, round(res.sd_diff, 4)
    (0.4, 0.8944)
    >>> round(res.loa_high, 4)
    2.1531
    """
    ci = _check_ci(ci)
    coverage = _check_ci(coverage)
    if method not in ("approximate", "exact"):
        raise ValueError(f"method must be 'approximate' or 'exact' (got {method!r}).")
    x = _as_vector(a, name="a")
    y = _as_vector(b, name="b")
    _check_same_length(len(x), len(y), "a", "b")
    ok = ~(np.isnan(x) | np.isnan(y))
    x, y = x[ok], y[ok]
    n = len(x)
    if n < 3:
        raise ValueError(f"Only {n} complete pairs; limits of agreement need at least 3.")
    d = x - y
    bias = float(d.mean())
    s = float(d.std(ddof=1))
    z = float(stats.norm.ppf((1 + coverage) / 2))
    tq = float(stats.t.ppf(1 - (1 - ci) / 2, n - 1))
    bias_ci = (bias - tq * s / math.sqrt(n), bias + tq * s / math.sqrt(n))
    lo, hi = bias - z * s, bias + z * s
    if method == "approximate":
        se = s * math.sqrt(1 / n + z**2 / (2 * (n - 1)))
        lo_ci, hi_ci = (lo - tq * se, lo + tq * se), (hi - tq * se, hi + tq * se)
    else:
        nc = z * math.sqrt(n)
        q_lo = float(stats.nct.ppf((1 - ci) / 2, n - 1, nc))
        q_hi = float(stats.nct.ppf(1 - (1 - ci) / 2, n - 1, nc))
        hi_ci = (bias + s * q_lo / math.sqrt(n), bias + s * q_hi / math.sqrt(n))
        lo_ci = (bias - s * q_hi / math.sqrt(n), bias - s * q_lo / math.sqrt(n))
    return BlandAltman(n=n, bias=bias, sd_diff=s, bias_ci=bias_ci, loa_low=lo, loa_high=hi,
                       loa_low_ci=lo_ci, loa_high_ci=hi_ci, method=method, ci=ci,
                       coverage=coverage, means=(x + y) / 2, differences=d)


# ----------------------------------------------------------------------------
# Feldt's tests for alphas
# ----------------------------------------------------------------------------
@dataclass(frozen=True)
class AlphaComparison:
    """Result of Feldt's test comparing two Cronbach's alphas.

    ``design`` is "independent" (statistic W, F-distributed, ``df`` =
    (n1 − 1, n2 − 1)) or "dependent" (statistic t, ``df`` = (n − 2,)).
    ``p_value`` is two-sided.
    """

    design: str
    alpha_1: float
    alpha_2: float
    statistic: float
    df: tuple[float, ...]
    p_value: float
    n_1: int
    n_2: int | None
    r: float | None

    def to_frame(self) -> pd.DataFrame:
        """One-row summary."""
        return pd.DataFrame([{
            "design": self.design, "alpha_1": self.alpha_1, "alpha_2": self.alpha_2,
            "statistic": self.statistic, "df": self.df, "p_value": self.p_value,
            "n_1": self.n_1, "n_2": self.n_2, "r": self.r,
        }])


def compare_alphas(alpha_1: float, alpha_2: float, *, n_1: int, n_2: int | None = None,
                   r: float | None = None) -> AlphaComparison:
    r"""Feldt's tests of the difference between two Cronbach's alphas.

    *Independent samples* (give ``n_1`` and ``n_2``; Feldt 1969):

    .. math:: W = \frac{1-\alpha_1}{1-\alpha_2} \sim F(n_1-1,\ n_2-1),

    two-sided :math:`p = 2\min(P(F \le W), P(F \ge W))`.

    *Same respondents* (give ``n_1`` = n and ``r``, the correlation between
    the two total scores; Feldt 1980):

    .. math:: t = \frac{(\alpha_1-\alpha_2)\sqrt{n-2}}
                       {\sqrt{4(1-\alpha_1)(1-\alpha_2)(1-r^2)}} \sim t(n-2).

    References
    ----------
    Feldt, L. S. (1969). A test of the hypothesis that Cronbach's alpha or
    Kuder-Richardson coefficient twenty is the same for two tests.
    *Psychometrika*, 34, 363--373. Feldt, L. S. (1980). A test of the
    hypothesis that Cronbach's alpha reliability coefficient is the same for
    two tests administered to the same sample. *Psychometrika*, 45, 99--105.
    Diedenhofen, B., & Musch, J. (2016). cocron. *Int J Stat Med Res*, 5, 78--95.

    Examples
    --------
    >>> res = compare_alphas(0.85, 0.75, n_1=100, n_2=120)
    >>> res.design, round(res.statistic, 4)
    ('independent', 0.6)
    >>> res = compare_alphas(0.85, 0.75, n_1=100, r=0.6)
    >>> res.design, res.df
    ('dependent', (98,))
    """
    for nm, al in (("alpha_1", alpha_1), ("alpha_2", alpha_2)):
        if not (isinstance(al, (int, float, np.floating)) and al < 1):
            raise ValueError(f"{nm} must be a number below 1 (got {al!r}).")
    if not isinstance(n_1, (int, np.integer)) or n_1 < 3:
        raise ValueError(f"n_1 must be an integer of at least 3 (got {n_1!r}).")
    a1, a2 = float(alpha_1), float(alpha_2)
    if r is not None:
        if n_2 is not None and n_2 != n_1:
            raise ValueError("With r (same respondents) give n_1 only, or n_2 equal to n_1.")
        if not (-1 < r < 1):
            raise ValueError(f"r must lie strictly between -1 and 1 (got {r!r}).")
        df = n_1 - 2
        t = (a1 - a2) * math.sqrt(df) / math.sqrt(4 * (1 - a1) * (1 - a2) * (1 - r**2))
        p = float(2 * stats.t.sf(abs(t), df))
        return AlphaComparison("dependent", a1, a2, float(t), (df,), p, int(n_1), None, float(r))
    if n_2 is None:
        raise ValueError(
            "Give n_2 for two independent samples, or r (the correlation between the two "
            "total scores) when the same respondents answered both."
        )
    if not isinstance(n_2, (int, np.integer)) or n_2 < 3:
        raise ValueError(f"n_2 must be an integer of at least 3 (got {n_2!r}).")
    w = (1 - a1) / (1 - a2)
    d1, d2 = n_1 - 1, n_2 - 1
    p = float(min(1.0, 2 * min(stats.f.cdf(w, d1, d2), stats.f.sf(w, d1, d2))))
    return AlphaComparison("independent", a1, a2, float(w), (d1, d2), p, int(n_1), int(n_2), None)


# ----------------------------------------------------------------------------
# COSMIN summary
# ----------------------------------------------------------------------------
_CRITERIA = {
    "structural_validity": {
        "en": ("Structural validity", "+ if CFI > 0.95 or RMSEA < 0.06 or SRMR < 0.08 (CFA)"),
        "sv": ("Strukturell validitet", "+ om CFI > 0,95 eller RMSEA < 0,06 eller SRMR < 0,08 (CFA)"),
    },
    "internal_consistency": {
        "en": ("Internal consistency", "+ if structural validity is + and alpha ≥ 0.70 for every (sub)scale"),
        "sv": ("Intern konsistens", "+ om strukturell validitet är + och alfa ≥ 0,70 för varje (del)skala"),
    },
    "reliability": {
        "en": ("Reliability", "+ if ICC (or weighted kappa) ≥ 0.70"),
        "sv": ("Reliabilitet", "+ om ICC (eller viktad kappa) ≥ 0,70"),
    },
    "measurement_error": {
        "en": ("Measurement error", "+ if SDC or LoA < MIC; ? if no MIC is defined"),
        "sv": ("Mätfel", "+ om SDC eller LoA < MIC; ? om ingen MIC är angiven"),
    },
    "hypotheses_testing": {
        "en": ("Hypotheses testing", "+ if ≥ 75 % of the hypotheses are confirmed"),
        "sv": ("Hypotesprövning", "+ om ≥ 75 % av hypoteserna bekräftas"),
    },
    "cross_group_invariance": {
        "en": ("Cross-group invariance", "+ if measurement invariance holds / no important DIF (McFadden R² < 0.02)"),
        "sv": ("Invarians mellan grupper", "+ om mätinvarians håller / ingen betydande DIF (McFadden R² < 0,02)"),
    },
}
_REFERENCE = "Prinsen et al. 2018; Terwee et al. 2007"


def _num(x: Any) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


def cosmin_summary(
    *,
    cfi: float | None = None,
    rmsea: float | None = None,
    srmr: float | None = None,
    alphas: Mapping[str, float] | None = None,
    icc: float | None = None,
    sdc: float | None = None,
    loa: float | None = None,
    mic: float | None = None,
    hypotheses_share: float | None = None,
    n_hypotheses: int | None = None,
    invariance: bool | None = None,
    max_dif_r2: float | None = None,
    fit_rule: str = "any",
    language: str = "sv",
) -> pd.DataFrame:
    r"""Rate one instrument's measurement properties against COSMIN's criteria.

    Each property gets ``"+"`` (sufficient), ``"?"`` (indeterminate: the
    numbers needed were not given) or ``"−"`` (insufficient), with the numbers
    behind the rating and the criterion (Prinsen et al. 2018, Table 1;
    Terwee et al. 2007):

    * structural validity: CFI > 0.95 **or** RMSEA < 0.06 **or** SRMR < 0.08
      (COSMIN's published rule; ``fit_rule="all"`` demands all given indices);
    * internal consistency: "+" if structural validity is "+" and every
      (sub)scale's alpha ≥ 0.70, "−" if structural validity is "+" and some
      alpha < 0.70, else "?";
    * reliability: ICC (or weighted kappa) ≥ 0.70;
    * measurement error: SDC (or the half-width of the limits of agreement,
      ``loa``) < MIC; "?" without MIC;
    * hypotheses testing: ≥ 75 % of the hypotheses confirmed;
    * cross-group invariance: ``invariance`` (True: invariance holds / no
      important DIF) decides when given; otherwise ``max_dif_r2`` (largest
      McFadden R² change over items) < 0.02 gives "+", ≥ 0.02 gives "−".

    Any input left as None makes its property "?". Inputs are plain numbers
    so that this works without the structure or reliability modules.

    Returns
    -------
    DataFrame
        Index ``property``; columns ``label``, ``rating``, ``values`` (dict of
        the numbers used), ``criterion``, ``reference``.

    References
    ----------
    Prinsen, C. A. C., et al. (2018). COSMIN guideline for systematic reviews
    of patient-reported outcome measures. *Qual Life Res*, 27, 1147--1157.
    Terwee, C. B., et al. (2007). *J Clin Epidemiol*, 60, 34--42.

    Examples
    --------
    >>> t = cosmin_summary(cfi=0.97, rmsea=0.07, srmr=0.05, alphas={"cap": 0.82, "leg": 0.74},
    ...                    icc=0.81, sdc=9.0, hypotheses_share=0.8, language="en")
    >>> t["rating"].tolist()
    ['+', '+', '+', '?', '+', '?']
    """
    if language not in ("sv", "en"):
        raise ValueError(f"language must be 'sv' or 'en' (got {language!r}).")
    if fit_rule not in ("any", "all"):
        raise ValueError(f"fit_rule must be 'any' (COSMIN) or 'all' (got {fit_rule!r}).")
    out: dict[str, tuple[str, dict[str, Any]]] = {}

    fit = {"cfi": _num(cfi), "rmsea": _num(rmsea), "srmr": _num(srmr)}
    checks = []
    if fit["cfi"] is not None:
        checks.append(fit["cfi"] > 0.95)
    if fit["rmsea"] is not None:
        checks.append(fit["rmsea"] < 0.06)
    if fit["srmr"] is not None:
        checks.append(fit["srmr"] < 0.08)
    if not checks:
        sv = "?"
    elif fit_rule == "any":
        sv = "+" if any(checks) else MINUS
    else:
        sv = ("+" if all(checks) else MINUS) if len(checks) == 3 or not all(checks) else "?"
    out["structural_validity"] = (sv, {k: v for k, v in fit.items() if v is not None})

    al = {str(k): _num(v) for k, v in (alphas or {}).items()}
    al = {k: v for k, v in al.items() if v is not None}
    if not al or sv != "+":
        ic = "?"
    else:
        ic = "+" if min(al.values()) >= 0.70 else MINUS
    out["internal_consistency"] = (ic, {f"alpha_{k}": v for k, v in al.items()})

    icc_ = _num(icc)
    out["reliability"] = ("?" if icc_ is None else ("+" if icc_ >= 0.70 else MINUS),
                          {} if icc_ is None else {"icc": icc_})

    err = _num(sdc)
    err_name = "sdc"
    if err is None and _num(loa) is not None:
        err, err_name = _num(loa), "loa"
    mic_ = _num(mic)
    vals = {k: v for k, v in ((err_name, err), ("mic", mic_)) if v is not None}
    if err is None or mic_ is None:
        me = "?"
    else:
        me = "+" if err < mic_ else MINUS
    out["measurement_error"] = (me, vals)

    share = _num(hypotheses_share)
    hv: dict[str, Any] = {} if share is None else {"share_confirmed": share}
    if n_hypotheses is not None:
        hv["n_hypotheses"] = int(n_hypotheses)
    out["hypotheses_testing"] = (terwee_verdict(share), hv)

    r2 = _num(max_dif_r2)
    iv: dict[str, Any] = {}
    if invariance is not None:
        iv["invariance"] = bool(invariance)
    if r2 is not None:
        iv["max_dif_r2"] = r2
    if invariance is not None:  # a verdict from an invariance/DIF analysis decides
        inv = "+" if invariance else MINUS
    elif r2 is not None:
        inv = "+" if r2 < 0.02 else MINUS
    else:
        inv = "?"
    out["cross_group_invariance"] = (inv, iv)

    rows = []
    for prop, (rating, values) in out.items():
        label, crit = _CRITERIA[prop][language]
        rows.append({"property": prop, "label": label, "rating": rating, "values": values,
                     "criterion": crit, "reference": _REFERENCE})
    return pd.DataFrame(rows).set_index("property")


# ============================================================================
# Comparing two instruments answered by the same respondents (the report)
# ============================================================================
_TXT = {
    "sv": {
        "title": "Jämförelse av mätinstrument: {a} och {b}",
        "summary": "Sammanfattning",
        "design": "Underlag",
        "reliability": "Reliabilitet (intern konsistens)",
        "structure": "Strukturell validitet (faktoranalys)",
        "validity": "Konvergent och diskriminant validitet",
        "mtmm": "Korrelationsmatris (multitrait–multimethod)",
        "agreement": "Överensstämmelse i klassificering",
        "retest": "Test–retest",
        "comprehension": "Frågor som verkar svåra att förstå",
        "burden": "Svarsbörda",
        "cosmin": "Mätegenskaper enligt COSMIN",
        "yes": "ja", "no": "nej",
        "similar": "likvärdiga",
        "convergent": "konvergent", "discriminant": "diskriminant",
        "none_retest": "Ingen retest-fil angavs; test–retest och mätfel kan inte bedömas.",
        "n_line": ("{na} svar på {a} och {nb} på {b}; {nl} personer (kopplade via kolumnen "
                   "`{link}`) besvarade båda och ligger till grund för jämförelsen."),
        "hyp_line": ("{k} av {m} hypoteser från korstabellen (crosswalk) bekräftades ({p}). "
                     "Enligt Terwees 75 %-regel är hypotesprövningen {v}."),
        "hyp_none": "Korstabellen innehåller inga hypoteser som parar ihop dessa två instrument.",
        "verdict": {"+": "tillräcklig (+)", "?": "obestämd (?)", MINUS: "otillräcklig (−)"},
        "rel_better": "{w} har högre intern konsistens (median-alfa {x} mot {y} per kategori).",
        "rel_same": "Instrumenten har likvärdig intern konsistens (median-alfa {x} och {y} per kategori).",
        "feldt": "Feldts test av totalskalornas alfa (samma personer): t = {t}, p = {p}.",
        "fit_better": ("Datan stöder {w}s egen struktur bättre (CFI {x} mot {y}; RMSEA {rx} mot {ry})."),
        "fit_same": "Båda instrumentens egen struktur får gott eller likvärdigt stöd av datan (CFI {x} och {y}).",
        "fit_missing": "Strukturell validitet kunde inte skattas för båda instrumenten.",
        "icc_better": "{w} ger stabilare resultat vid omtest (ICC {x} mot {y}).",
        "icc_same": "Stabiliteten vid omtest är likvärdig (ICC {x} och {y}; intervallen överlappar).",
        "icc_one": "Test–retest finns bara för {w} (ICC {x}).",
        "kappa_line": ("Klassificeringen hög/låg mognad (totalpoäng ≥ 50 %) stämmer överens för {pa} "
                       "av personerna, kappa = {k} ({lab})."),
        "burden_line": "{w} är kortare ({x} mot {y} frågor).",
        "burden_same": "Instrumenten har lika många frågor ({x}).",
        "time_line": " Mediantiden var {x} mot {y} minuter.",
        "compr_line": "{w} har färre frågor som bör ses över ({x} mot {y}).",
        "compr_same": "Lika många frågor bör ses över i båda ({x}).",
        "landis": ["sämre än slumpen", "obetydlig", "svag", "måttlig", "god", "mycket god"],
        "suppressed": "Celler med färre än {k} personer visas inte (integritet).",
        "cos_note": ("Mätfel bedöms ”?” eftersom ingen minsta betydelsefulla förändring (MIC) angavs; "
                     "invarians mellan grupper bedöms inte i den här rapporten."),
    },
    "en": {
        "title": "Comparing instruments: {a} and {b}",
        "summary": "Summary",
        "design": "Data",
        "reliability": "Reliability (internal consistency)",
        "structure": "Structural validity (factor analysis)",
        "validity": "Convergent and discriminant validity",
        "mtmm": "Correlation matrix (multitrait–multimethod)",
        "agreement": "Agreement of classifications",
        "retest": "Test–retest",
        "comprehension": "Questions that seem hard to understand",
        "burden": "Respondent burden",
        "cosmin": "Measurement properties (COSMIN)",
        "yes": "yes", "no": "no",
        "similar": "similar",
        "convergent": "convergent", "discriminant": "discriminant",
        "none_retest": "No retest file was given; test–retest and measurement error cannot be judged.",
        "n_line": ("{na} responses to {a} and {nb} to {b}; {nl} people (linked on the column "
                   "`{link}`) answered both and are the basis of the comparison."),
        "hyp_line": ("{k} of {m} crosswalk hypotheses were confirmed ({p}). By Terwee's 75 % rule, "
                     "hypotheses testing is {v}."),
        "hyp_none": "The crosswalk has no hypothesis pairing these two instruments.",
        "verdict": {"+": "sufficient (+)", "?": "indeterminate (?)", MINUS: "insufficient (−)"},
        "rel_better": "{w} is more internally consistent (median alpha {x} vs {y} per category).",
        "rel_same": "Internal consistency is similar (median alpha {x} and {y} per category).",
        "feldt": "Feldt's test of the total scales' alphas (same people): t = {t}, p = {p}.",
        "fit_better": "The data support {w}'s own structure better (CFI {x} vs {y}; RMSEA {rx} vs {ry}).",
        "fit_same": "The data support both instruments' own structures well or about equally (CFI {x} and {y}).",
        "fit_missing": "Structural validity could not be estimated for both instruments.",
        "icc_better": "{w} gives more stable results on retest (ICC {x} vs {y}).",
        "icc_same": "Retest stability is similar (ICC {x} and {y}; intervals overlap).",
        "icc_one": "Test–retest is available for {w} only (ICC {x}).",
        "kappa_line": ("The high/low maturity classification (overall ≥ 50 %) agrees for {pa} of the "
                       "people, kappa = {k} ({lab})."),
        "burden_line": "{w} is shorter ({x} vs {y} questions).",
        "burden_same": "Both have the same number of questions ({x}).",
        "time_line": " Median time was {x} vs {y} minutes.",
        "compr_line": "{w} has fewer questions to revise or review ({x} vs {y}).",
        "compr_same": "Both have as many questions to revise or review ({x}).",
        "landis": ["poor", "slight", "fair", "moderate", "substantial", "almost perfect"],
        "suppressed": "Cells with fewer than {k} people are not shown (privacy).",
        "cos_note": ("Measurement error is rated '?' because no minimal important change (MIC) was "
                     "given; cross-group invariance is not assessed in this report."),
    },
}


_COLUMNS = {
    "sv": {"alpha": "Alfa", "ci_low": "KI låg", "ci_high": "KI hög", "note": "Anmärkning",
           "instrument": "Instrument", "cfi": "CFI", "tli": "TLI", "rmsea": "RMSEA", "srmr": "SRMR",
           "converged": "Konvergerade", "score": "Poäng", "mean_t1": "Medel test", "mean_t2": "Medel retest",
           "sd_pooled": "SD (poolad)", "icc2": "ICC(2,1)", "icc2_low": "ICC(2,1) låg", "icc2_high": "ICC(2,1) hög",
           "icc3": "ICC(3,1)", "icc3_low": "ICC(3,1) låg", "icc3_high": "ICC(3,1) hög", "sem": "SEM",
           "sdc": "SDC"},
    "en": {"alpha": "Alpha", "ci_low": "CI low", "ci_high": "CI high", "note": "Note",
           "instrument": "Instrument", "cfi": "CFI", "tli": "TLI", "rmsea": "RMSEA", "srmr": "SRMR",
           "converged": "Converged", "score": "Score", "mean_t1": "Mean test", "mean_t2": "Mean retest",
           "sd_pooled": "SD (pooled)", "icc2": "ICC(2,1)", "icc2_low": "ICC(2,1) low",
           "icc2_high": "ICC(2,1) high", "icc3": "ICC(3,1)", "icc3_low": "ICC(3,1) low",
           "icc3_high": "ICC(3,1) high", "sem": "SEM", "sdc": "SDC", "Skala": "Scale", "items": "Items", "revise": "To revise",
           "review": "To review", "items_to_revise": "Items to revise"},
}
_LEVEL_WORDS = {"sv": {"category": "kategori", "dimension": "dimension", "total": "totalt"},
                "en": {"category": "category", "dimension": "dimension", "total": "total"}}


def _lang(language: str) -> str:
    if language not in _TXT:
        raise ValueError(f"language must be 'sv' or 'en' (got {language!r}).")
    return language


def _fmt(x: Any, language: str, digits: int = 2) -> str:
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "–"
    s = f"{float(x):.{digits}f}"
    return s.replace(".", ",") if language == "sv" else s


def _pct(x: float, language: str) -> str:
    if x is None or not np.isfinite(x):
        return "–"
    s = f"{100 * x:.0f}"
    return f"{s} %"


def landis_koch(kappa: float, language: str = "sv") -> str:
    """Landis & Koch's (1977) words for a kappa value.

    >>> landis_koch(0.65, "en")
    'substantial'
    """
    words = _TXT[_lang(language)]["landis"]
    if kappa is None or not np.isfinite(kappa):
        return "–"
    for bound, word in zip([0.0, 0.2, 0.4, 0.6, 0.8], words, strict=False):
        if kappa < bound:
            return word
    return words[5] if kappa > 0.8 else words[4]


def load_crosswalk(path: str | Any = None) -> dict:
    """Read ``instruments/crosswalk.yaml`` (or another crosswalk) and validate it.

    The file is checked against ``crosswalk.schema.json`` in the same folder
    (or in the kit's ``instruments/``) when that schema exists.

    >>> cw = load_crosswalk()
    >>> sorted(cw["thresholds"])
    ['convergent_min_r', 'discriminant_max_r']
    """
    from pathlib import Path

    import yaml

    from evaluation.data.resources import resource_dir

    INSTRUMENT_DIR = resource_dir("instruments")

    p = Path(path) if path not in (None, "") else INSTRUMENT_DIR / "crosswalk.yaml"
    if not p.exists():
        raise ValueError(f"Crosswalk file {str(p)!r} does not exist.")
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"Crosswalk {str(p)!r} is not valid YAML: {exc}") from None
    schema_path = p.parent / "crosswalk.schema.json"
    if not schema_path.exists():
        schema_path = INSTRUMENT_DIR / "crosswalk.schema.json"
    if schema_path.exists():
        import json

        import jsonschema

        try:
            jsonschema.validate(doc, json.loads(schema_path.read_text(encoding="utf-8")))
        except jsonschema.ValidationError as exc:
            where = "/".join(str(x) for x in exc.absolute_path) or "(top level)"
            raise ValueError(f"Crosswalk {str(p)!r} at {where}: {exc.message}") from None
    doc.setdefault("thresholds", {})
    doc["thresholds"].setdefault("convergent_min_r", 0.5)
    doc["thresholds"].setdefault("discriminant_max_r", 0.3)
    doc.setdefault("discriminant", [])
    return doc


def _member_score(member: Mapping[str, Any], inst: Any) -> str:
    dim = member["dimension"]
    if dim not in inst.dimension_items():
        raise ValueError(
            f"The crosswalk names dimension {dim!r} of {inst.id!r}, which has "
            f"{list(inst.dimension_items())}."
        )
    cat = member.get("category")
    if cat is None:
        return dim
    if cat not in inst.dimension_categories()[dim]:
        raise ValueError(
            f"The crosswalk names category {cat!r} of {inst.id!r}/{dim}, which has "
            f"{inst.dimension_categories()[dim]}."
        )
    return cat


def crosswalk_hypotheses(crosswalk: Mapping[str, Any], instrument_a: Any, instrument_b: Any) -> pd.DataFrame:
    """Hypotheses (a, b, expected, thresholds) for one pair of instruments.

    Every pair of members of a crosswalk construct, one from each instrument,
    becomes a convergent hypothesis (``min_r`` = ``convergent_min_r``); every
    ``discriminant`` pair with one member in each becomes a discriminant one
    (``max_r`` = ``discriminant_max_r``). ``a``/``b`` are score ids (the
    category when the member names one, else the dimension).

    >>> from evaluation.data.instruments import load_instrument
    >>> h = crosswalk_hypotheses(load_crosswalk(), load_instrument("dual_maturity"),
    ...                          load_instrument("public_dma"))
    >>> h[["a", "b", "expected"]].head(2).values.tolist()
    [['capture', 'strategy_investment', 'convergent'], ['information', 'data_security', 'convergent']]
    """
    cols = ["a", "b", "expected", "min_r", "max_r", "construct"]
    if instrument_a.id == instrument_b.id:
        return pd.DataFrame(columns=cols)
    th = crosswalk.get("thresholds", {})
    cmin = float(th.get("convergent_min_r", 0.5))
    dmax = float(th.get("discriminant_max_r", 0.3))
    rows = []
    for con in crosswalk.get("constructs", []):
        ma = [m for m in con["members"] if m["instrument"] == instrument_a.id]
        mb = [m for m in con["members"] if m["instrument"] == instrument_b.id]
        for x in ma:
            for y in mb:
                rows.append({"a": _member_score(x, instrument_a), "b": _member_score(y, instrument_b),
                             "expected": "convergent", "min_r": cmin, "max_r": math.nan,
                             "construct": con["id"]})
    for x, y in crosswalk.get("discriminant", []):
        if x["instrument"] == instrument_b.id and y["instrument"] == instrument_a.id:
            x, y = y, x
        if x["instrument"] == instrument_a.id and y["instrument"] == instrument_b.id:
            rows.append({"a": _member_score(x, instrument_a), "b": _member_score(y, instrument_b),
                         "expected": "discriminant", "min_r": math.nan, "max_r": dmax,
                         "construct": ""})
    return pd.DataFrame(rows, columns=cols).drop_duplicates(["a", "b", "expected"]).reset_index(drop=True)


def link_responses(rs_a: Any, rs_b: Any, *, link: str = "respondent_id") -> pd.DataFrame:
    """Pair the rows of two ResponseSets on a linking column.

    Returns a DataFrame with the link value and the row labels ``row_a`` and
    ``row_b`` of the people present in both (in A's order). Empty ids are
    ignored; a duplicated id raises ``ValueError`` (a person must answer once).
    """
    out = []
    for name, rs in (("A", rs_a), ("B", rs_b)):
        if link not in rs.meta.columns:
            raise ValueError(
                f"The {name} responses ({rs.source}) have no column {link!r}; the linking column must "
                f"be in both files. Columns found: {list(rs.meta.columns)}."
            )
        ids = rs.meta[link].astype("string").str.strip()
        ids = ids[ids.notna() & (ids != "")]
        dup = ids[ids.duplicated()]
        if len(dup):
            raise ValueError(
                f"The {name} responses ({rs.source}) have duplicated {link!r} values "
                f"{sorted(set(dup))[:5]}; each person must appear once."
            )
        out.append(pd.DataFrame({link: ids.to_numpy(), f"row_{name.lower()}": ids.index}))
    return out[0].merge(out[1], on=link, how="inner").reset_index(drop=True)


def _safe(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs), ""
    except Exception as exc:  # noqa: BLE001 - a failing optional analysis becomes a note
        return None, f"{type(exc).__name__}: {exc}"


def _classes(scores: pd.DataFrame, inst: Any) -> tuple[pd.Series, list[str]]:
    from evaluation.scoring import classify

    cls = inst.classification
    if not cls:
        return pd.Series(np.nan, index=scores.index, dtype=object), []
    if cls["type"] == "quadrant":
        order = [q["id"] for q in cls["quadrants"]]
        vals = [classify(x, y, instrument=inst).id if np.isfinite(x) and np.isfinite(y) else np.nan
                for x, y in zip(scores[cls["x"]], scores[cls["y"]], strict=True)]
    else:
        order = [lv["id"] for lv in cls["levels"]]
        vals = [classify(s, instrument=inst).id if np.isfinite(s) else np.nan for s in scores["overall"]]
    return pd.Series(vals, index=scores.index, dtype=object), order


@dataclass(frozen=True, eq=False)
class InstrumentComparison:
    """Everything the comparison report shows (see :func:`compare_instruments`)."""

    instrument_a: Any
    instrument_b: Any
    language: str
    min_group_size: int
    n_a: int
    n_b: int
    n_linked: int
    link: str
    reliability: pd.DataFrame
    structure: pd.DataFrame
    validity: ConvergentValidity
    agreement: dict
    classes: pd.DataFrame | None
    classes_hidden: pd.DataFrame | None
    retest: dict
    alpha_test: AlphaComparison | None
    comprehension: pd.DataFrame
    burden: pd.DataFrame
    cosmin: dict
    summary: list
    results: dict
    notes: list = field(default_factory=list)

    # ---------------------------------------------------------------- helpers
    @property
    def headings(self) -> dict:
        """Section headings in the report language."""
        return _TXT[self.language]

    def name(self, side: str) -> str:
        """Title of instrument ``"A"`` or ``"B"``."""
        from evaluation.data.instruments import text

        inst = self.instrument_a if side == "A" else self.instrument_b
        return text(inst.title, self.language) or inst.id

    def summary_markdown(self) -> str:
        """The summary in words as a Markdown list."""
        return "\n".join(f"- {s}" for s in self.summary)

    def table(self, what: str) -> pd.DataFrame:
        """A display table (rounded, headers in the report language); see :meth:`_table`."""
        t = self._table(what)
        cols = _COLUMNS.get(self.language, {})
        t = t.rename(columns=cols)
        for c in ("note", "Anmärkning", "Note"):
            if c in t.columns and not t[c].astype(str).str.strip().any():
                t = t.drop(columns=c)
        for c in ("Nivå", "Level"):
            if c in t.columns:
                t[c] = t[c].map(lambda v: _LEVEL_WORDS[self.language].get(v, v))
        return t

    def _table(self, what: str) -> pd.DataFrame:
        """A display table (rounded) for section ``what``.

        One of ``reliability``, ``structure``, ``hypotheses``, ``mtmm``,
        ``agreement``, ``classes``, ``retest``, ``comprehension``, ``burden``,
        ``cosmin``.
        """
        L = self.language
        sv = L == "sv"
        ia, ib = self.instrument_a, self.instrument_b

        def nm(side, sid):
            inst = ia if side == "A" else ib
            return inst.name_of(sid, L) if sid != "overall" else ("Totalt" if sv else "Overall")

        if what == "reliability":
            t = self.reliability.copy()
            t["score"] = [nm(s, x) for s, x in zip(t["instrument"], t["score"], strict=True)]
            t["instrument"] = t["instrument"].map({"A": self.name("A"), "B": self.name("B")})
            return t.round(2).rename(columns={"instrument": "Instrument", "score": "Skala" if sv else "Scale",
                                              "level": "Nivå" if sv else "Level",
                                              "k": "Frågor" if sv else "Items"})
        if what == "structure":
            t = self.structure.copy()
            t["instrument"] = t["instrument"].map({"A": self.name("A"), "B": self.name("B")})
            return t.round(3)
        if what == "hypotheses":
            h = self.validity.hypotheses
            if h is None or not len(h):
                return pd.DataFrame()
            c = self.validity.correlations.set_index(["a", "b"])
            rows = []
            for r in h.to_dict("records"):
                cr = c.loc[(r["a"], r["b"])]
                rows.append({
                    self.name("A"): nm("A", r["a"]), self.name("B"): nm("B", r["b"]),
                    ("Förväntat" if sv else "Expected"): _TXT[L][r["expected"]],
                    "r": round(float(cr["r"]), 2),
                    ("95 % KI" if sv else "95 % CI"): f"{_fmt(cr['ci_low'], L)} – {_fmt(cr['ci_high'], L)}",
                    ("r korrigerad" if sv else "r corrected"): round(float(cr["r_disattenuated"]), 2),
                    ("Bekräftad" if sv else "Confirmed"): _TXT[L]["yes"] if r["confirmed"] else _TXT[L]["no"],
                })
            return pd.DataFrame(rows)
        if what == "mtmm":
            m = self.validity.mtmm.copy()
            labels = [f"{'A' if i == 'A' else 'B'}: {nm(i, s)}" for i, s in m.index]
            m.index, m.columns = labels, labels
            return m.round(2)
        if what == "agreement":
            rows = []
            for key, ag in self.agreement.items():
                rows.append({"": key, "kappa": round(ag.kappa, 2),
                             ("95 % KI" if sv else "95 % CI"): f"{_fmt(ag.ci_low, L)} – {_fmt(ag.ci_high, L)}",
                             ("Andel lika (%)" if sv else "Agreement (%)"): round(ag.percent_agreement, 1),
                             "n": ag.n, ("Vikter" if sv else "Weights"): ag.weights or "–"})
            return pd.DataFrame(rows)
        if what == "classes":
            if self.classes is None:
                return pd.DataFrame()
            shown = self.classes.astype(object).where(~self.classes_hidden, f"<{self.min_group_size}")
            shown.index = [ia.name_of(i, L) for i in shown.index]
            shown.columns = [ib.name_of(i, L) for i in shown.columns]
            shown.index.name, shown.columns.name = self.name("A"), self.name("B")
            return shown
        if what == "retest":
            frames = []
            for side, rt in self.retest.items():
                t = rt["table"].copy()
                t.insert(0, "instrument", self.name(side))
                t["score"] = [nm(side, s) for s in t["score"]]
                frames.append(t)
            return pd.concat(frames, ignore_index=True).round(2) if frames else pd.DataFrame()
        if what == "comprehension":
            t = self.comprehension.copy()
            t["instrument"] = t["instrument"].map({"A": self.name("A"), "B": self.name("B")})
            return t
        if what == "burden":
            t = self.burden.copy().astype(object)
            for i, key in enumerate(t.index):
                for c in t.columns:
                    v = self.burden.loc[key, c]
                    t.loc[key, c] = (str(int(v)) if i < 3 else _fmt(v, L, 1) if i == 3 else _pct(v, L)) \
                        if np.isfinite(v) else "–"
            t.columns = [self.name("A"), self.name("B")]
            return t
        if what == "cosmin":
            a, b = self.cosmin["A"], self.cosmin["B"]

            def vals(d):
                return "; ".join(f"{k} = {_fmt(v, L, 3) if isinstance(v, float) else v}" for k, v in d.items())

            return pd.DataFrame({
                ("Egenskap" if sv else "Property"): a["label"],
                self.name("A"): a["rating"], f"{self.name('A')} – {'värden' if sv else 'values'}": a["values"].map(vals),
                self.name("B"): b["rating"], f"{self.name('B')} – {'värden' if sv else 'values'}": b["values"].map(vals),
                ("Kriterium" if sv else "Criterion"): a["criterion"],
            }).reset_index(drop=True)
        raise ValueError(f"Unknown table {what!r}.")

    def show(self, what: str):
        """:meth:`table` as a pandas Styler: two decimals, decimal comma in Swedish, no index."""
        t = self.table(what)
        keep_index = what in ("mtmm", "classes", "burden")
        st = t.style.format(precision=2, decimal="," if self.language == "sv" else ".", na_rep="–")
        return st if keep_index else st.hide(axis="index")

    def retest_figure(self, side: str):
        """Bland–Altman plot of the overall score, retest − test, for instrument ``side``."""
        if side not in self.retest:
            raise ValueError(f"No retest for instrument {side!r}; retests exist for {sorted(self.retest)}.")
        return _retest_figure(self, side)

    def validity_figure(self):
        """Dot plot of the hypothesised correlations with CIs and thresholds."""
        import matplotlib.pyplot as plt

        h = self.validity.hypotheses
        L = self.language
        fig, ax = plt.subplots(figsize=(8.5, 0.6 * max(len(h) if h is not None else 1, 3) + 1.6))
        if h is None or not len(h):
            ax.text(0.5, 0.5, _TXT[L]["hyp_none"], ha="center", va="center", wrap=True)
            ax.axis("off")
            return fig
        c = self.validity.correlations.set_index(["a", "b"])
        d = h.assign(lo=[c.loc[(a, b), "ci_low"] for a, b in zip(h.a, h.b, strict=True)],
                     hi=[c.loc[(a, b), "ci_high"] for a, b in zip(h.a, h.b, strict=True)])
        d = d.sort_values(["expected", "r"]).reset_index(drop=True)
        colors = {"convergent": "#1f5f8b", "discriminant": "#c0692b"}
        for i, r in d.iterrows():
            ax.plot([r.lo, r.hi], [i, i], color=colors[r.expected], lw=2, alpha=0.7)
            ax.plot(r.r, i, "o", color=colors[r.expected], mfc="white" if not r.confirmed else colors[r.expected])
        ax.set_yticks(range(len(d)))
        ax.set_yticklabels([f"{self.instrument_a.name_of(a, L)} ×\n{self.instrument_b.name_of(b, L)}"
                            for a, b in zip(d.a, d.b, strict=True)], fontsize=8)
        for thr in sorted(set(d["min_r"].dropna()) | set(d["max_r"].dropna())):
            ax.axvline(thr, color="#888888", ls=":", lw=1)
        ax.axvline(0, color="#bbbbbb", lw=0.8)
        ax.set_xlim(-0.2, 1)
        ax.set_ylim(-0.6, len(d) - 0.4)
        ax.set_xlabel("r (95 % KI)" if L == "sv" else "r (95 % CI)")
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], color=colors[k], marker="o", lw=2, label=_TXT[L][k]) for k in colors]
        handles.append(Line2D([], [], color="#555555", marker="o", mfc="white", lw=0,
                              label="ej bekräftad" if L == "sv" else "not confirmed"))
        ax.legend(handles=handles, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.18),
                  ncol=3, fontsize=8)
        fig.tight_layout()
        return fig


def _retest_figure(comparison: "InstrumentComparison", side: str):
    ba = comparison.retest[side]["bland_altman"]
    sv = comparison.language == "sv"
    fig = ba.figure(language=comparison.language,
                    xlabel="Medelvärde av test och retest (totalpoäng)" if sv else "Mean of test and retest (overall)",
                    ylabel="Retest − test (procentenheter)" if sv else "Retest − test (percentage points)")
    fig.axes[0].set_title(comparison.name(side), fontsize=10)
    return fig


def _alpha_row(items: pd.DataFrame, side: str, score: str, level: str) -> dict:
    row = {"instrument": side, "score": score, "level": level, "k": items.shape[1],
           "alpha": math.nan, "ci_low": math.nan, "ci_high": math.nan, "note": ""}
    if items.shape[1] < 2:
        row["note"] = "1 item"
        return row
    try:
        from evaluation.stats.reliability import cronbach_alpha
    except ImportError:  # pragma: no cover - reliability ships with the kit
        import pingouin as pg

        a, (lo, hi) = pg.cronbach_alpha(items)
        row.update(alpha=float(a), ci_low=float(lo), ci_high=float(hi))
        return row
    res, note = _safe(cronbach_alpha, items)
    if res is not None:
        row.update(alpha=res.estimate, ci_low=res.ci_low, ci_high=res.ci_high)
    row["note"] = note
    return row


def compare_instruments(
    rs_a: Any,
    rs_b: Any,
    *,
    link: str = "respondent_id",
    crosswalk: Any = None,
    retest_a: Any = None,
    retest_b: Any = None,
    language: str = "sv",
    min_group_size: int = 5,
    mic: float | None = None,
    structure: bool = True,
    comprehension: bool = True,
    dif_group: str | None = None,
) -> InstrumentComparison:
    """Compare two instruments answered by the same people, side by side.

    Steps (each a function of this module or of the kit):

    1. link the two ResponseSets on ``link`` (:func:`link_responses`);
    2. score respondents (:func:`evaluation.scoring.respondent_scores`);
    3. internal consistency per category, dimension and total
       (:func:`evaluation.stats.reliability.cronbach_alpha`), and Feldt's
       dependent-samples test of the two total scales (:func:`compare_alphas`);
    4. structural validity: CFA of each instrument's own categories
       (:func:`evaluation.stats.structure.instrument_structure`);
    5. convergent/discriminant correlations against the crosswalk's
       hypotheses (:func:`crosswalk_hypotheses`, :func:`convergent_validity`,
       disattenuated with the alphas), share confirmed, Terwee's 75 % rule;
    6. agreement of classifications (:func:`agreement`): high/low overall
       maturity (≥ 50 % of max), sample tertiles of the overall score
       (quadratic weights), and the instruments' own classes when both use
       the same number of levels; the cross-table of own classes with
       small-cell suppression;
    7. test--retest per dimension and total (:func:`retest_reliability`) and
       Bland--Altman of the total (:func:`bland_altman`, retest − test);
    8. items that seem hard to understand
       (:func:`evaluation.stats.comprehension.comprehension_report`);
    9. burden: items, median minutes (when item timings exist), don't-know
       and skip rates;
    10. a COSMIN table per instrument (:func:`cosmin_summary`) and a summary
        in words.

    Parameters
    ----------
    rs_a, rs_b : ResponseSet
        The two instruments' responses (from
        :func:`evaluation.data.responses.read_responses`).
    link : str
        Metadata column identifying the same person in both files.
    crosswalk : path, mapping or None
        None reads ``instruments/crosswalk.yaml``.
    retest_a, retest_b : ResponseSet, optional
        Second answers of (some of) the same people, linked on ``link``.
    language : "sv" or "en"
    min_group_size : int
        No table describes fewer people; the comparison needs at least this
        many linked people.
    mic : float, optional
        Minimal important change in percentage points for measurement error.
    structure, comprehension : bool
        Skip the slower CFA / comprehension steps when False.
    dif_group : str, optional
        Metadata column (e.g. ``"role"``) for cross-group invariance: ordinal
        logistic-regression DIF per item
        (:func:`evaluation.stats.comprehension.dif_ordinal`, McFadden R² change ≥
        0.02 with p < 0.01 is important DIF). None leaves that COSMIN row "?".

    Returns
    -------
    InstrumentComparison
    """
    from evaluation.privacy import check_min_group_size, suppression_mask
    from evaluation.scoring import respondent_scores

    L = _lang(language)
    T = _TXT[L]
    k_min = check_min_group_size(min_group_size)
    ia, ib = rs_a.instrument, rs_b.instrument
    notes: list[str] = []
    pairs = link_responses(rs_a, rs_b, link=link)
    n_linked = len(pairs)
    if n_linked < max(k_min, 4):
        raise ValueError(
            f"Only {n_linked} people answered both {ia.id!r} and {ib.id!r} (linked on {link!r}); the "
            f"comparison needs at least {max(k_min, 4)}. Check that the linking column holds the same "
            "ids in both files."
        )
    sc_a = respondent_scores(rs_a).loc[pairs["row_a"]].reset_index(drop=True)
    sc_b = respondent_scores(rs_b).loc[pairs["row_b"]].reset_index(drop=True)
    it_a = rs_a.scored().loc[pairs["row_a"]].reset_index(drop=True)
    it_b = rs_b.scored().loc[pairs["row_b"]].reset_index(drop=True)

    # -- reliability ----------------------------------------------------------
    rel_rows = []
    for side, inst, items in (("A", ia, it_a), ("B", ib, it_b)):
        for cat, ids in inst.category_items().items():
            rel_rows.append(_alpha_row(items[ids], side, cat, "category"))
        for dim, ids in inst.dimension_items().items():
            if len(inst.dimension_categories()[dim]) == 1:
                continue  # same items as its only category: shown once, as the category
            rel_rows.append(_alpha_row(items[ids], side, dim, "dimension"))
        rel_rows.append(_alpha_row(items[inst.item_ids], side, "overall", "total"))
    reliability = pd.DataFrame(rel_rows).drop_duplicates(["instrument", "score"])
    rel_map = []
    for side, inst in (("A", ia), ("B", ib)):
        g = reliability[reliability.instrument == side]
        m = dict(zip(g["score"], g["alpha"], strict=True))
        for dim, cats in inst.dimension_categories().items():
            if len(cats) == 1 and cats[0] in m:
                m.setdefault(dim, m[cats[0]])
        rel_map.append({k: float(v) for k, v in m.items() if np.isfinite(v) and 0 < v <= 1})

    ra = reliability.set_index(["instrument", "score"])["alpha"]
    alpha_test = None
    tot_r = float(np.corrcoef(*sc_a[["overall"]].join(sc_b[["overall"]], rsuffix="_b").dropna().to_numpy().T)[0, 1])
    if np.isfinite(ra.get(("A", "overall"), np.nan)) and np.isfinite(ra.get(("B", "overall"), np.nan)):
        alpha_test, note = _safe(compare_alphas, float(ra[("A", "overall")]), float(ra[("B", "overall")]),
                                 n_1=n_linked, r=tot_r)
        if note:
            notes.append(note)

    # -- structure --------------------------------------------------------------
    st_rows = []
    for side, rs in (("A", rs_a), ("B", rs_b)):
        row = {"instrument": side, "cfi": math.nan, "tli": math.nan, "rmsea": math.nan, "srmr": math.nan,
               "n": math.nan, "converged": False, "note": ""}
        if structure:
            try:
                from evaluation.stats.structure import instrument_structure
            except ImportError:  # pragma: no cover
                instrument_structure = None
                row["note"] = "structure module missing"
            if instrument_structure is not None:
                sub = rs.subset(rs.answers.index.isin(pairs[f"row_{side.lower()}"]))
                res, note = _safe(instrument_structure, sub, level="category")
                if res is not None:
                    row.update(cfi=res.cfi, tli=res.tli, rmsea=res.rmsea, srmr=res.srmr, n=res.n,
                               converged=bool(res.converged))
                row["note"] = note
        st_rows.append(row)
    structure_t = pd.DataFrame(st_rows)

    # -- validity ------------------------------------------------------------------
    cw = crosswalk if isinstance(crosswalk, Mapping) else load_crosswalk(crosswalk)
    hyp = crosswalk_hypotheses(cw, ia, ib)
    dims_a, dims_b = list(ia.dimension_items()), list(ib.dimension_items())
    cols_a = list(dict.fromkeys(dims_a + hyp["a"].tolist()))
    cols_b = list(dict.fromkeys(dims_b + hyp["b"].tolist()))
    validity = convergent_validity(
        sc_a[cols_a], sc_b[cols_b], reliabilities=tuple(rel_map), names=("A", "B"),
        hypotheses=hyp if len(hyp) else None,
        convergent_min=float(cw["thresholds"]["convergent_min_r"]),
        discriminant_max=float(cw["thresholds"]["discriminant_max_r"]),
    )

    # -- agreement ------------------------------------------------------------------
    agree: dict[str, Agreement] = {}
    hl = ("låg", "hög") if L == "sv" else ("low", "high")
    oa, ob = sc_a["overall"], sc_b["overall"]
    lev_a = oa.map(lambda v: np.nan if not np.isfinite(v) else hl[int(v >= 50)])
    lev_b = ob.map(lambda v: np.nan if not np.isfinite(v) else hl[int(v >= 50)])
    key_hl = "Hög/låg (≥ 50 %)" if L == "sv" else "High/low (≥ 50 %)"
    key_t = "Tertiler av totalpoängen" if L == "sv" else "Tertiles of the overall score"
    res, note = _safe(agreement, lev_a, lev_b, levels=list(hl))
    if res is not None:
        agree[key_hl] = res
    ok = oa.notna() & ob.notna()
    if ok.sum() >= 6:
        ta = pd.qcut(oa[ok].rank(method="first"), 3, labels=[1, 2, 3]).astype(int)
        tb = pd.qcut(ob[ok].rank(method="first"), 3, labels=[1, 2, 3]).astype(int)
        res, note = _safe(agreement, ta, tb, weights="quadratic", levels=[1, 2, 3])
        if res is not None:
            agree[key_t] = res
    cls_a, order_a = _classes(sc_a, ia)
    cls_b, order_b = _classes(sc_b, ib)
    classes = hidden = None
    if order_a and order_b:
        okc = cls_a.notna() & cls_b.notna()
        classes = pd.crosstab(pd.Categorical(cls_a[okc], categories=order_a),
                              pd.Categorical(cls_b[okc], categories=order_b), dropna=False)
        classes.index.name, classes.columns.name = None, None
        hidden = suppression_mask(classes, min_group_size=k_min) | suppression_mask(
            classes.T, min_group_size=k_min).T
        if (ia.classification["type"] == ib.classification["type"] == "levels"
                and len(order_a) == len(order_b)):
            ra_ = cls_a[okc].map({c: i for i, c in enumerate(order_a)})
            rb_ = cls_b[okc].map({c: i for i, c in enumerate(order_b)})
            res, note = _safe(agreement, ra_, rb_, weights="quadratic", levels=list(range(len(order_a))))
            if res is not None:
                agree["Egna nivåer" if L == "sv" else "Own levels"] = res

    # -- retest ---------------------------------------------------------------------
    retest: dict[str, dict] = {}
    for side, rs, rt in (("A", rs_a, retest_a), ("B", rs_b, retest_b)):
        if rt is None:
            continue
        if rt.instrument.id != rs.instrument.id:
            raise ValueError(
                f"The retest file for {side} was read with instrument {rt.instrument.id!r}, "
                f"not {rs.instrument.id!r}."
            )
        pr = link_responses(rs, rt, link=link)
        if len(pr) < max(k_min, 3):
            notes.append(f"retest {side}: only {len(pr)} linked people; not analysed")
            continue
        inst = rs.instrument
        cols = list(inst.dimension_items()) + ["overall"]
        t1 = respondent_scores(rs).loc[pr["row_a"], cols].reset_index(drop=True)
        t2 = respondent_scores(rt).loc[pr["row_b"], cols].reset_index(drop=True)
        tr = retest_reliability(t1, t2)
        ba = bland_altman(t2["overall"], t1["overall"])
        retest[side] = {"table": tr.table, "bland_altman": ba, "n": len(pr)}

    # -- comprehension ------------------------------------------------------------
    comp_rows = []
    for side, rs in (("A", rs_a), ("B", rs_b)):
        row = {"instrument": side, "items": len(rs.instrument.item_ids), "revise": math.nan,
               "review": math.nan, "items_to_revise": ""}
        if comprehension:
            try:
                from evaluation.stats.comprehension import comprehension_report
            except ImportError:  # pragma: no cover
                comprehension_report = None
            if comprehension_report is not None:
                rep, note = _safe(comprehension_report, rs, language=L)
                if rep is not None:
                    row["revise"] = int((rep["flag"] == "revise").sum())
                    row["review"] = int((rep["flag"] == "review").sum())
                    row["items_to_revise"] = ", ".join(rep.loc[rep["flag"] == "revise", "item"].head(5))
                elif note:
                    notes.append(f"comprehension {side}: {note}")
        comp_rows.append(row)
    comp = pd.DataFrame(comp_rows)
    if L == "sv":
        comp = comp.rename(columns={"items": "frågor", "revise": "bör omarbetas", "review": "bör ses över",
                                    "items_to_revise": "frågor att omarbeta"})

    # -- burden -------------------------------------------------------------------
    def minutes(rs):
        if rs.timings is None or rs.timings.empty:
            return math.nan
        return float(rs.timings.sum(axis=1, min_count=1).median() / 60)

    def rate(mask, rs):
        return float(mask.to_numpy().mean()) if mask.size else math.nan

    bl = {
        ("Frågor" if L == "sv" else "Items"): [len(ia.item_ids), len(ib.item_ids)],
        ("Dimensioner" if L == "sv" else "Dimensions"): [len(ia.dimensions), len(ib.dimensions)],
        ("Kategorier" if L == "sv" else "Categories"): [len(ia.category_items()), len(ib.category_items())],
        ("Mediantid (min)" if L == "sv" else "Median time (min)"): [minutes(rs_a), minutes(rs_b)],
        ("Andel vet ej" if L == "sv" else "Share don't know"): [rate(rs_a.dont_know, rs_a), rate(rs_b.dont_know, rs_b)],
        ("Andel obesvarade" if L == "sv" else "Share skipped"): [rate(rs_a.skipped, rs_a), rate(rs_b.skipped, rs_b)],
    }
    burden = pd.DataFrame(bl, index=["A", "B"]).T

    # -- cross-group invariance (DIF) ---------------------------------------------------
    dif: dict[str, tuple[bool | None, float | None]] = {"A": (None, None), "B": (None, None)}
    if dif_group:
        try:
            from evaluation.stats.comprehension import dif_ordinal
        except ImportError:  # pragma: no cover
            dif_ordinal = None
        for side, rs in (("A", rs_a), ("B", rs_b)):
            if dif_ordinal is None or dif_group not in rs.meta.columns:
                notes.append(f"DIF {side}: no column {dif_group!r}")
                continue
            tab, note = _safe(dif_ordinal, rs, dif_group, min_group_n=max(20, k_min))
            if tab is None or tab["r2_change_13"].notna().sum() == 0:
                notes.append(f"DIF {side}: {note or 'too few people per group'}")
                continue
            dif[side] = (not bool(tab["dif"].fillna(False).any()), float(tab["r2_change_13"].max()))

    # -- COSMIN ---------------------------------------------------------------------
    cosmin = {}
    for side, inst in (("A", ia), ("B", ib)):
        st = structure_t.set_index("instrument").loc[side]
        cats = reliability[(reliability.instrument == side) & (reliability.level == "category")]
        cats = cats[cats["alpha"].notna()]
        rt = retest.get(side)
        tot = rt["table"].set_index("score").loc["overall"] if rt else None
        cosmin[side] = cosmin_summary(
            cfi=st["cfi"], rmsea=st["rmsea"], srmr=st["srmr"],
            alphas=dict(zip(cats["score"], cats["alpha"], strict=True)) or None,
            icc=None if tot is None else tot["icc2"], sdc=None if tot is None else tot["sdc"], mic=mic,
            hypotheses_share=validity.share_confirmed,
            n_hypotheses=None if validity.hypotheses is None else len(validity.hypotheses),
            invariance=dif[side][0], max_dif_r2=dif[side][1],
            language=L,
        )

    # -- summary in words ------------------------------------------------------------
    from evaluation.data.instruments import text as _text

    name_a, name_b = _text(ia.title, L) or ia.id, _text(ib.title, L) or ib.id
    summary = [T["n_line"].format(na=rs_a.n_accepted, a=name_a, nb=rs_b.n_accepted, b=name_b,
                                  nl=n_linked, link=link)]
    if validity.hypotheses is not None and len(validity.hypotheses):
        h = validity.hypotheses
        summary.append(T["hyp_line"].format(k=int(h.confirmed.sum()), m=len(h), p=_pct(validity.share_confirmed, L),
                                            v=T["verdict"][validity.verdict]))
    else:
        summary.append(T["hyp_none"])
    med = reliability[reliability.level == "category"].groupby("instrument")["alpha"].median()
    ma, mb = med.get("A", np.nan), med.get("B", np.nan)
    if np.isfinite(ma) and np.isfinite(mb):
        if abs(ma - mb) < 0.02:
            s = T["rel_same"].format(x=_fmt(ma, L), y=_fmt(mb, L))
        else:
            w, x, y = (name_a, ma, mb) if ma > mb else (name_b, mb, ma)
            s = T["rel_better"].format(w=w, x=_fmt(x, L), y=_fmt(y, L))
        if alpha_test is not None:
            s += " " + T["feldt"].format(t=_fmt(alpha_test.statistic, L), p=_fmt(alpha_test.p_value, L, 3))
        summary.append(s)
    sa_, sb_ = structure_t.set_index("instrument").loc["A"], structure_t.set_index("instrument").loc["B"]
    if np.isfinite(sa_.cfi) and np.isfinite(sb_.cfi):
        both_good = min(sa_.cfi, sb_.cfi) > 0.95 and max(sa_.rmsea, sb_.rmsea) < 0.06
        if both_good or abs(sa_.cfi - sb_.cfi) < 0.01:
            summary.append(T["fit_same"].format(x=_fmt(sa_.cfi, L), y=_fmt(sb_.cfi, L)))
        else:
            (w, x, y, rx, ry) = ((name_a, sa_.cfi, sb_.cfi, sa_.rmsea, sb_.rmsea) if sa_.cfi > sb_.cfi
                                 else (name_b, sb_.cfi, sa_.cfi, sb_.rmsea, sa_.rmsea))
            summary.append(T["fit_better"].format(w=w, x=_fmt(x, L), y=_fmt(y, L), rx=_fmt(rx, L, 3),
                                                  ry=_fmt(ry, L, 3)))
    elif structure:
        summary.append(T["fit_missing"])
    if key_hl in agree:
        ag = agree[key_hl]
        summary.append(T["kappa_line"].format(pa=_pct(ag.percent_agreement / 100, L), k=_fmt(ag.kappa, L),
                                              lab=landis_koch(ag.kappa, L)))
    if retest:
        tot = {s: r["table"].set_index("score").loc["overall"] for s, r in retest.items()}
        if len(tot) == 2:
            A_, B_ = tot["A"], tot["B"]
            overlap = not (A_.icc2_low > B_.icc2_high or B_.icc2_low > A_.icc2_high)
            if overlap:
                summary.append(T["icc_same"].format(x=_fmt(A_.icc2, L), y=_fmt(B_.icc2, L)))
            else:
                w, x, y = (name_a, A_.icc2, B_.icc2) if A_.icc2 > B_.icc2 else (name_b, B_.icc2, A_.icc2)
                summary.append(T["icc_better"].format(w=w, x=_fmt(x, L), y=_fmt(y, L)))
        else:
            (s, r), = tot.items()
            summary.append(T["icc_one"].format(w=name_a if s == "A" else name_b, x=_fmt(r.icc2, L)))
    else:
        summary.append(T["none_retest"])
    na_, nb_ = len(ia.item_ids), len(ib.item_ids)
    if na_ == nb_:
        s = T["burden_same"].format(x=na_)
    else:
        w, x, y = (name_a, na_, nb_) if na_ < nb_ else (name_b, nb_, na_)
        s = T["burden_line"].format(w=w, x=x, y=y)
    ma_t, mb_t = burden.iloc[3]["A"], burden.iloc[3]["B"]
    if np.isfinite(ma_t) and np.isfinite(mb_t):
        s += T["time_line"].format(x=_fmt(ma_t, L, 1), y=_fmt(mb_t, L, 1))
    summary.append(s)
    if comprehension and comp.iloc[:, 2].notna().all():
        fa = int(comp.iloc[0, 2] + comp.iloc[0, 3])
        fb = int(comp.iloc[1, 2] + comp.iloc[1, 3])
        if fa == fb:
            summary.append(T["compr_same"].format(x=fa))
        else:
            w, x, y = (name_a, fa, fb) if fa < fb else (name_b, fb, fa)
            summary.append(T["compr_line"].format(w=w, x=x, y=y))

    # -- results.json ----------------------------------------------------------------
    results = {
        "instrument_a": ia.id, "instrument_b": ib.id, "language": L, "link": link,
        "n_a": rs_a.n_accepted, "n_b": rs_b.n_accepted, "n_linked": n_linked,
        "min_group_size": k_min,
        "reliability": reliability,
        "structure": structure_t,
        "correlations": validity.correlations,
        "hypotheses": validity.hypotheses if validity.hypotheses is not None else [],
        "share_confirmed": validity.share_confirmed,
        "terwee_verdict": validity.verdict,
        "agreement": {k: v.to_frame().iloc[0].to_dict() for k, v in agree.items()},
        "alpha_test": None if alpha_test is None else alpha_test.to_frame().iloc[0].to_dict(),
        "retest": {s: {"n": r["n"], "table": r["table"],
                       "bland_altman": r["bland_altman"].to_frame().reset_index()} for s, r in retest.items()},
        "burden": {c: burden[c].to_dict() for c in burden.columns},
        "cosmin": {s: t[["rating", "values"]].to_dict(orient="index") for s, t in cosmin.items()},
        "summary": summary,
        "notes": notes,
    }
    return InstrumentComparison(
        instrument_a=ia, instrument_b=ib, language=L, min_group_size=k_min, n_a=rs_a.n_accepted,
        n_b=rs_b.n_accepted, n_linked=n_linked, link=link, reliability=reliability,
        structure=structure_t, validity=validity, agreement=agree, classes=classes,
        classes_hidden=hidden, retest=retest, alpha_test=alpha_test, comprehension=comp,
        burden=burden, cosmin=cosmin, summary=summary, results=results, notes=notes,
    )


@dataclass(frozen=True)
class ComparisonParameters:
    """Validated parameters of ``notebooks/instrument_comparison.ipynb``."""

    responses_a: str
    instrument_a: str
    responses_b: str
    instrument_b: str
    link_column: str
    retest_a: str | None
    retest_b: str | None
    crosswalk: str | None
    language: str
    output_dir: str
    min_group_size: int


def validate_comparison_parameters(
    *,
    responses_a: str,
    instrument_a: str,
    responses_b: str,
    instrument_b: str,
    link_column: str = "respondent_id",
    retest_a: str = "",
    retest_b: str = "",
    crosswalk: str = "",
    language: str = "sv",
    output_dir: str = "reports/comparison",
    min_group_size: int = 5,
) -> ComparisonParameters:
    """Check the comparison report's parameters; raise ``ValueError`` with a plain sentence.

    >>> validate_comparison_parameters(responses_a="", instrument_a="dual_maturity",
    ...     responses_b="b.csv", instrument_b="public_dma")
    Traceback (most recent call last):
    ...
    ValueError: responses_a is empty: give the survey export of the first instrument (CSV/XLSX/SAV).
    """
    from pathlib import Path

    from evaluation.data.instruments import load_instrument
    from evaluation.privacy import check_min_group_size

    for name, value, what in (("responses_a", responses_a, "first"), ("responses_b", responses_b, "second")):
        if not value:
            raise ValueError(f"{name} is empty: give the survey export of the {what} instrument (CSV/XLSX/SAV).")
        if not Path(value).exists():
            raise ValueError(f"{name}: the file {value!r} does not exist.")
    for name, value in (("retest_a", retest_a), ("retest_b", retest_b), ("crosswalk", crosswalk)):
        if value and not Path(value).exists():
            raise ValueError(f"{name}: the file {value!r} does not exist (leave it empty if there is none).")
    for name, value in (("instrument_a", instrument_a), ("instrument_b", instrument_b)):
        if not value:
            raise ValueError(f"{name} is empty: give an instrument id (dmkit instruments) or a YAML path.")
        load_instrument(value)
    if not link_column:
        raise ValueError("link_column is empty: name the column that identifies the same person in both files.")
    _lang(language)
    k = check_min_group_size(min_group_size)
    return ComparisonParameters(
        responses_a=str(responses_a), instrument_a=str(instrument_a), responses_b=str(responses_b),
        instrument_b=str(instrument_b), link_column=str(link_column), retest_a=retest_a or None,
        retest_b=retest_b or None, crosswalk=crosswalk or None, language=language,
        output_dir=str(output_dir), min_group_size=k,
    )


def run_comparison(params: ComparisonParameters, **kwargs: Any) -> InstrumentComparison:
    """Read the files named in ``params`` and call :func:`compare_instruments`."""
    from evaluation.data.responses import read_responses

    rs_a = read_responses(params.responses_a, params.instrument_a)
    rs_b = read_responses(params.responses_b, params.instrument_b)
    rt_a = read_responses(params.retest_a, params.instrument_a) if params.retest_a else None
    rt_b = read_responses(params.retest_b, params.instrument_b) if params.retest_b else None
    return compare_instruments(rs_a, rs_b, link=params.link_column, crosswalk=params.crosswalk,
                               retest_a=rt_a, retest_b=rt_b, language=params.language,
                               min_group_size=params.min_group_size, **kwargs)


# -- command line ------------------------------------------------------------------

def _cmd_compare(args: Any) -> int:
    """``dmkit compare``: validate parameters, run the notebook, one plain message on failure."""
    from evaluation.reports.protocol import run_report_command

    params = {
        "responses_a": args.responses_a, "instrument_a": args.instrument_a,
        "responses_b": args.responses_b, "instrument_b": args.instrument_b,
        "link_column": args.link_column, "retest_a": args.retest_a or "", "retest_b": args.retest_b or "",
        "crosswalk": args.crosswalk or "", "language": args.language, "output_dir": args.output_dir,
        "min_group_size": args.min_group_size,
    }
    return run_report_command(notebook="instrument_comparison.ipynb", name="instrument_comparison", params=params,
                              validate=validate_comparison_parameters, quiet=args.quiet, what="comparison")


def add_cli(subparsers: Any) -> None:
    """Register ``dmkit compare`` (called by :mod:`evaluation.cli`)."""
    s = subparsers.add_parser("compare", help="compare two instruments answered by the same respondents")
    s.add_argument("responses_a", help="export of the first instrument, e.g. data_samples/paired_dual_maturity.csv")
    s.add_argument("responses_b", help="export of the second instrument, e.g. data_samples/paired_public_dma.csv")
    s.add_argument("--instrument-a", required=True)
    s.add_argument("--instrument-b", required=True)
    s.add_argument("--link-column", default="respondent_id", help="column linking the same respondent in both files, e.g. respondent_id")
    s.add_argument("--retest-a", help="retest export of the first instrument (optional), "
                   "e.g. data_samples/paired_dual_maturity_retest.csv")
    s.add_argument("--retest-b", help="retest export of the second instrument (optional), "
                   "e.g. data_samples/paired_public_dma_retest.csv")
    s.add_argument("--crosswalk", help="crosswalk YAML (default instruments/crosswalk.yaml), e.g. my_crosswalk.yaml")
    s.add_argument("--min-group-size", type=int, default=5)
    s.add_argument("--language", "-l", default="sv")
    s.add_argument("--output-dir", "-o", default="reports/comparison")
    s.add_argument("--quiet", "-q", action="store_true")
    s.set_defaults(func=_cmd_compare)
