"""Figures of the workshop report: before/after aggregates (no single answers drawn).

Functions take tidy tables from :mod:`evaluation.stats.workshop` and labels
from :mod:`evaluation.text.workshop`; they compute nothing themselves.

>>> import pandas as pd
>>> t = pd.DataFrame({"label": ["Före", "Efter"], "mean": [50.0, 56.0], "ci_low": [46.0, 52.0],
...                   "ci_high": [54.0, 60.0], "q1": [40.0, 45.0], "q3": [60.0, 66.0]})
>>> fig = before_after_plot(t, ylabel="Total mognad (% av max)", mean_label="medel")
>>> len(fig.axes[0].get_xticklabels())
2
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

__all__ = ["before_after_plot"]

#: colour-blind-safe pair (Okabe & Ito 2008): blue for the means, light grey bands for the middle half
_MEAN, _BAND = "#0072B2", "#BBBBBB"


def before_after_plot(summary: pd.DataFrame, *, ylabel: str, mean_label: str, band_label: str = "",
                      title: str = "", number=None) -> plt.Figure:
    """Mean with CI and the interquartile band per round (and group), one column each.

    ``summary``: rows in display order with ``label``, ``mean``, ``ci_low``,
    ``ci_high``, ``q1``, ``q3`` (suppressed rows already removed). Means of
    consecutive rows with the same ``pair`` value (optional column) are joined
    by a line, so before → after reads as a slope.
    """
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    x = range(len(summary))
    for i, r in zip(x, summary.itertuples()):
        ax.fill_between([i - 0.18, i + 0.18], r.q1, r.q3, color=_BAND, alpha=0.6, lw=0,
                        label=band_label if i == 0 and band_label else None)
        ax.plot([i, i], [r.ci_low, r.ci_high], color=_MEAN, lw=2)
        ax.plot(i, r.mean, "o", color=_MEAN, ms=7, label=mean_label if i == 0 else None)
    if "pair" in summary.columns:
        for _, g in summary.reset_index(drop=True).groupby("pair", sort=False):
            if len(g) == 2:
                ax.plot(list(g.index), list(g["mean"]), color=_MEAN, lw=1, alpha=0.6)
    ax.set_xticks(list(x), list(summary["label"]))
    ax.set_xlim(-0.6, len(summary) - 0.4)
    ax.set_ylim(0, 100)
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", color="0.9")
    ax.legend(loc="lower right", frameon=False, fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if number is not None:  # the report's number formatter (minus sign, decimal comma)
        from matplotlib.ticker import FuncFormatter

        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: number(v)))
    fig.tight_layout()
    return fig
