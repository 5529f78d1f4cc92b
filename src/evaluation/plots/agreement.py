"""Figures of the instrument-comparison report: Bland--Altman (binned) and the validity dot plot.

Functions take numbers from :mod:`evaluation.stats` and labels from
:mod:`evaluation.text.comparison`; they compute nothing themselves. The
Bland--Altman points are group means (:func:`evaluation.stats.agreement.binned_means`),
never one person.

>>> import pandas as pd
>>> from evaluation.stats.agreement import bland_altman, binned_means
>>> ba = bland_altman([50, 52, 61, 48, 70, 55], [51, 50, 60, 50, 68, 57])
>>> pts = binned_means(ba.means, ba.differences, min_count=3)
>>> fig = bland_altman_plot(ba, pts, xlabel="x", ylabel="y", bias_label="b", loa_label="l", points_label="p")
>>> len(fig.axes)
1
"""

from __future__ import annotations

from typing import Callable, Sequence

import matplotlib.pyplot as plt
import pandas as pd

__all__ = ["bland_altman_plot", "validity_plot"]

#: Okabe & Ito (2008) colour-blind-safe colours
_BLUE, _ORANGE, _GREY = "#0072B2", "#E69F00", "#555555"


def _ticks(ax, number: Callable[[float], str] | None, axes: str = "xy") -> None:
    """Tick labels through the report's number formatter (decimal comma and minus sign in Swedish)."""
    if number is None:
        return
    from matplotlib.ticker import FuncFormatter

    for a in axes:
        getattr(ax, f"{a}axis").set_major_formatter(FuncFormatter(lambda v, _pos: number(v)))


def bland_altman_plot(ba, points: pd.DataFrame, *, xlabel: str, ylabel: str, bias_label: str, loa_label: str,
                      points_label: str, title: str = "", number: Callable[[float], str] | None = None) -> plt.Figure:
    """Bias and limits of agreement with their CIs, and binned points (``points``: x, y, n)."""
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    if len(points):
        ax.scatter(points["x"], points["y"], s=18 + 3 * points["n"], color=_BLUE, alpha=0.75, lw=0,
                   label=points_label)
    for est, (lo, hi), style, lab in ((ba.bias, ba.bias_ci, "-", bias_label),
                                      (ba.loa_low, ba.loa_low_ci, "--", loa_label),
                                      (ba.loa_high, ba.loa_high_ci, "--", None)):
        ax.axhline(est, color=_GREY, ls=style, lw=1.2, label=lab)
        ax.axhspan(lo, hi, color="#999999", alpha=0.2, lw=0)
    ax.axhline(0, color="#bbbbbb", lw=0.8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3, fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    _ticks(ax, number)
    fig.tight_layout()
    return fig


def validity_plot(rows: pd.DataFrame, *, labels: Sequence[str], colours: Sequence[str], legend: dict, xlabel: str,
                  not_confirmed: str, number: Callable[[float], str] | None = None) -> plt.Figure:
    """Hypothesised correlations with CIs (``rows``: r, lo, hi, expected, confirmed, min_r, max_r), thresholds dotted."""
    from matplotlib.lines import Line2D

    fig, ax = plt.subplots(figsize=(8.5, 0.6 * max(len(rows), 3) + 1.6))
    cmap = {k: c for k, c in zip(colours, (_BLUE, _ORANGE))}
    for i, r in enumerate(rows.itertuples()):
        c = cmap[r.expected]
        ax.plot([r.lo, r.hi], [i, i], color=c, lw=2, alpha=0.7)
        ax.plot(r.r, i, "o", color=c, mfc=c if r.confirmed else "white")
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(list(labels), fontsize=8)
    for thr in sorted(set(rows["min_r"].dropna()) | set(rows["max_r"].dropna())):
        ax.axvline(thr, color="#888888", ls=":", lw=1)
    ax.axvline(0, color="#bbbbbb", lw=0.8)
    ax.set_xlim(-0.2, 1)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_xlabel(xlabel)
    handles = [Line2D([], [], color=cmap[k], marker="o", lw=2, label=legend[k]) for k in cmap]
    handles.append(Line2D([], [], color=_GREY, marker="o", mfc="white", lw=0, label=not_confirmed))
    ax.legend(handles=handles, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3, fontsize=8)
    _ticks(ax, number, "x")
    fig.tight_layout()
    return fig
