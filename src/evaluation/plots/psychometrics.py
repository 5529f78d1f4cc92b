"""Figures of the psychometrics review: reliability dot plot and scree plot (parallel analysis).

Labels in the report language; tick labels through the kit's one number
formatter (decimal comma and U+2212 minus in Swedish); reference lines at the
reliability cut-offs of :mod:`evaluation.criteria`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from evaluation import criteria as _c
from evaluation.text import format as fmt

__all__ = ["reliability_plot", "scree_plot", "decimal_ticks"]

_F = {
    "sv": {"coef": "Reliabilitet (95 % KI)", "eig": "Egenvärde", "comp": "Nummer", "obs_pc": "Data (komponenter)",
           "sim_pc": "Slumpdata, komponenter ({q}:e perc.)", "obs_fa": "Data (faktorer)",
           "sim_fa": "Slumpdata, faktorer ({q}:e perc.)", "good": "0,70 (grupper)", "indiv": "0,90 (individer)",
           "alpha": "alfa", "omega": "omega"},
    "en": {"coef": "Reliability (95 % CI)", "eig": "Eigenvalue", "comp": "Number", "obs_pc": "Data (components)",
           "sim_pc": "Random data, components ({q}th pct.)", "obs_fa": "Data (factors)",
           "sim_fa": "Random data, factors ({q}th pct.)", "good": "0.70 (groups)", "indiv": "0.90 (individuals)",
           "alpha": "alpha", "omega": "omega"},
}


def decimal_ticks(ax, axis: str, language: str, decimals: int) -> None:
    """Tick labels of ``axis`` through the kit's number formatter (decimal comma, U+2212 in Swedish)."""
    from matplotlib.ticker import FuncFormatter

    getattr(ax, f"{axis}axis").set_major_formatter(FuncFormatter(lambda v, _pos: fmt.number(v, language, decimals)))


def reliability_plot(table: pd.DataFrame, *, language: str = "sv"):
    """Dot plot of alpha and omega with 95 % CIs per scale (rows in instrument order).

    ``table`` is :attr:`evaluation.reports.psychometrics.InstrumentReview.reliability` (index level, id; columns
    name, alpha, alpha_ci_low/high, omega, omega_ci_low/high). Dimensions are
    drawn in bold. Reference lines at 0.70 and 0.90.

    >>> t = pd.DataFrame({"level": ["dimension", "category"], "id": ["d", "c"], "name": ["D", "C"],
    ...                   "alpha": [0.85, 0.74], "alpha_ci_low": [0.82, 0.69], "alpha_ci_high": [0.88, 0.79],
    ...                   "omega": [0.86, 0.75], "omega_ci_low": [0.83, 0.70], "omega_ci_high": [0.89, 0.80]})
    >>> fig = reliability_plot(t.set_index(["level", "id"]))
    >>> len(fig.axes[0].get_yticklabels())
    2
    """
    import matplotlib.pyplot as plt

    t = table.reset_index()
    n = len(t)
    fig, ax = plt.subplots(figsize=(9, 0.5 * n + 1.6))
    y = np.arange(n)[::-1].astype(float)
    for col, off, colour, marker in (("alpha", 0.15, "#4c72b0", "o"), ("omega", -0.15, "#dd8452", "s")):
        v = t[col].to_numpy(dtype=float)
        lo = t[f"{col}_ci_low"].to_numpy(dtype=float)
        hi = t[f"{col}_ci_high"].to_numpy(dtype=float)
        ok = np.isfinite(v)
        # a percentile bootstrap interval can leave out its own estimate (a skewed few): no arm then, not a crash
        err = [np.maximum(v - lo, 0)[ok], np.maximum(hi - v, 0)[ok]]
        ax.errorbar(v[ok], y[ok] + off, xerr=err, fmt=marker, color=colour, capsize=3,
                    ms=6, label=_F[language][col])
    ax.axvline(_c.RELIABILITY_GROUP.value, color="0.5", ls="--", lw=1, label=_F[language]["good"])
    ax.axvline(_c.RELIABILITY_INDIVIDUAL.value, color="0.5", ls=":", lw=1, label=_F[language]["indiv"])
    ax.set_yticks(y)
    labels = [("▸ " if lvl == "dimension" else "   ") + str(nm) for lvl, nm in zip(t["level"], t["name"])]
    ax.set_yticklabels(labels, fontsize=9)
    for tick, lvl in zip(ax.get_yticklabels(), t["level"]):
        if lvl == "dimension":
            tick.set_fontweight("bold")
    lo_all = np.nanmin(t[["alpha_ci_low", "omega_ci_low"]].to_numpy(dtype=float))
    ax.set_xlim(min(0.5, np.floor(lo_all * 10) / 10 if np.isfinite(lo_all) else 0.5), 1.0)
    ax.set_xlabel(_F[language]["coef"])
    decimal_ticks(ax, "x", language, 1)
    ax.grid(axis="x", color="0.9")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def scree_plot(pa: Any, pa_fa: Any = None, *, language: str = "sv", max_show: int = 12):
    """Scree plot: observed eigenvalues against the simulated quantile (parallel analysis).

    ``pa`` (components) and optionally ``pa_fa`` (factors) are
    :class:`~evaluation.stats.structure.ParallelAnalysisResult`; the first
    ``max_show`` eigenvalues are drawn.

    >>> from evaluation.simulate import simulate_round
    >>> from evaluation.data.responses import read_responses
    >>> from evaluation.stats.structure import parallel_analysis
    >>> rs = read_responses(simulate_round("public_dma", n=150, seed=1).data, "public_dma")
    >>> fig = scree_plot(parallel_analysis(rs, n_iter=20))
    >>> type(fig).__name__
    'Figure'
    """
    import matplotlib.pyplot as plt

    W = _F[language]
    fig, ax = plt.subplots(figsize=(8, 4.2))
    q = int(round(pa.quantile * 100))
    for res, obs_key, sim_key, colour in ((pa, "obs_pc", "sim_pc", "#4c72b0"), (pa_fa, "obs_fa", "sim_fa", "#dd8452")):
        if res is None:
            continue
        e = res.eigen.iloc[:max_show]
        ax.plot(e.index, e["observed"], "o-", color=colour, label=W[obs_key])
        ax.plot(e.index, e["simulated_quantile"], "--", color=colour, alpha=0.8, label=W[sim_key].format(q=q))
    ax.axhline(0, color="0.8", lw=0.8)
    ax.set_xlabel(W["comp"])
    ax.set_ylabel(W["eig"])
    ax.set_xticks(list(pa.eigen.index[:max_show]))
    decimal_ticks(ax, "y", language, 1)
    ax.grid(color="0.92")
    ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig

