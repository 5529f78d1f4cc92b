"""Figures of item response theory: the item (Wright) map and the test-information curve.

Functions take the tables of :meth:`evaluation.stats.ordinal.OrdinalCFA.grm`
and :meth:`~evaluation.stats.ordinal.OrdinalCFA.information` and labels from
the report; they compute nothing themselves. Thresholds beyond the drawn
θ range are shown as an arrow at the edge (an item with a near-zero loading
has thresholds far out, which would squash every other item).

>>> import pandas as pd
>>> grm = pd.DataFrame({"a": [1.0, 0.5], "b1": [-1.2, -6.0], "b2": [0.3, 0.1]}, index=["q1", "q2"])
>>> fig = item_map_plot(grm, groups={"q1": "A", "q2": "B"}, xlabel="θ", title="map", outside_label="beyond")
>>> len(fig.axes[0].get_yticklabels())
2
>>> info = pd.DataFrame({"A": [0.5, 1.0, 0.5]}, index=pd.Index([-1.0, 0.0, 1.0], name="theta"))
>>> float(information_plot(info, xlabel="θ", ylabel="I", title="t").axes[0].get_lines()[0].get_ydata().max())
1.0
"""

from __future__ import annotations

from typing import Callable, Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from evaluation.plots import PALETTE

__all__ = ["item_map_plot", "information_plot"]

_COLOURS = [PALETTE["blue"], PALETTE["orange"], PALETTE["vermillion"], PALETTE["sky"]]


def _formatter(ax, number: Callable[[float], str] | None, axes: str = "x") -> None:
    if number is None:
        return
    from matplotlib.ticker import FuncFormatter

    for a in axes:
        getattr(ax, f"{a}axis").set_major_formatter(FuncFormatter(lambda v, _pos: number(v)))


def item_map_plot(grm: pd.DataFrame, *, groups: Mapping[str, str], xlabel: str, title: str, outside_label: str,
                  limit: float = 4.0, number: Callable[[float], str] | None = None) -> plt.Figure:
    """Thresholds ``b1..bK`` of every item on the θ axis, one row per item, coloured by dimension.

    ``grm``: index item, columns ``a, b1..bK``; ``groups``: item → dimension name (legend);
    thresholds outside ``±limit`` are drawn as a triangle at the edge.
    """
    bcols = [c for c in grm.columns if c.startswith("b")]
    items = list(grm.index)
    names = list(dict.fromkeys(groups.get(i, "") for i in items))
    colour = {g: _COLOURS[k % len(_COLOURS)] for k, g in enumerate(names)}
    fig, ax = plt.subplots(figsize=(8.5, 0.24 * len(items) + 1.6))
    y = np.arange(len(items))[::-1].astype(float)
    clipped = False
    for yi, it in zip(y, items):
        b = grm.loc[it, bcols].to_numpy(dtype=float)
        ok = np.isfinite(b)
        b = b[ok]
        c = colour[groups.get(it, "")]
        inside = np.abs(b) <= limit
        ax.plot(np.clip(b, -limit, limit), np.full(b.size, yi), "-", color=c, lw=1, alpha=0.5)
        ax.scatter(b[inside], np.full(int(inside.sum()), yi), s=22, color=c, zorder=3)
        for k, v in zip(np.flatnonzero(ok), grm.loc[it, bcols].to_numpy(dtype=float)[ok]):
            if abs(v) <= limit:
                ax.annotate(str(k + 1), (v, yi), xytext=(0, 4), textcoords="offset points", ha="center",
                            fontsize=5.5, color="0.3")
        out = b[~inside]
        if out.size:
            clipped = True
            for side, marker in ((-1, "<"), (1, ">")):
                m = np.sign(out) == side
                if m.any():
                    ax.scatter(np.full(int(m.sum()), side * limit), np.full(int(m.sum()), yi), marker=marker, s=28,
                               color=c, zorder=3, edgecolor="black", linewidths=0.4)
    ax.set_yticks(y)
    ax.set_yticklabels(items, fontsize=7)
    ax.set_xlim(-limit - 0.3, limit + 0.3)
    ax.set_ylim(-1, len(items))
    ax.axvline(0, color="0.7", lw=0.8)
    ax.grid(axis="x", color="0.92")
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=10, loc="left")
    _formatter(ax, number)
    handles = [plt.Line2D([], [], marker="o", ls="", color=colour[g], label=g) for g in names if g]
    if clipped:
        handles.append(plt.Line2D([], [], marker="<", ls="", color="0.5", markeredgecolor="black",
                                  label=outside_label))
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def information_plot(info: pd.DataFrame, *, xlabel: str, ylabel: str, title: str,
                     number: Callable[[float], str] | None = None) -> plt.Figure:
    """Test information over θ, one line per column of ``info`` (index ``theta``)."""
    fig, ax = plt.subplots(figsize=(8, 3.8))
    for k, col in enumerate(info.columns):
        ax.plot(info.index.to_numpy(dtype=float), info[col].to_numpy(dtype=float), color=_COLOURS[k % len(_COLOURS)],
                lw=2, label=str(col))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10, loc="left")
    ax.set_ylim(bottom=0)
    ax.grid(color="0.92")
    _formatter(ax, number, "xy")
    if len(info.columns) > 1:
        ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig
