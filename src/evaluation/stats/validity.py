"""Convergent and discriminant validity: do two instruments' scores correlate as hypothesised?

:func:`convergent_validity` correlates every score of instrument A with every
score of B (Pearson with Fisher-z intervals, disattenuated by the two
reliabilities), checks hypotheses (convergent: r ≥ min; discriminant: r ≤
max) and rates hypotheses testing by Terwee et al.'s (2007) 75 % rule
(:func:`terwee_verdict`, cut-off in :mod:`evaluation.criteria`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.criteria import TERWEE_HYPOTHESES
from evaluation.stats.agreement import MINUS, _as_frame, _check_ci, _check_same_length, _normal_crit

__all__ = ["ConvergentValidity", "convergent_validity", "terwee_verdict"]

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


def terwee_verdict(share: float | None, *, threshold: float = TERWEE_HYPOTHESES.value) -> str:
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


