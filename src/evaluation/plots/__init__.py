"""Every figure of the kit: one function each, returning a matplotlib Figure.

Sorted dot plots with confidence intervals, diverging stacked bars for Likert
items, heatmaps with suppressed cells marked, small multiples. No radar charts.
Functions take tidy tables from the library and never compute statistics
themselves; suppressed values must already be NaN (see :mod:`evaluation.privacy`).
"""

from __future__ import annotations

import textwrap
from typing import Mapping

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from evaluation.data.instruments import Instrument, text

__all__ = [
    "quadrant_plot",
    "profile_plot",
    "heatmap_plot",
    "likert_plot",
    "group_plot",
    "change_plot",
    "benchmark_plot",
]

_T = {
    "sv": {"score": "Poäng (% av max)", "suppressed": "dolt (för få svar)", "dk": "Vet ej", "skip": "Ej besvarad",
           "org": "Hela organisationen", "diff": "Förändring (procentenheter)", "pct": "Percentil bland jämförda organisationer",
           "disagree": "← instämmer inte", "agree": "instämmer →", "share": "Andel svarande"},
    "en": {"score": "Score (% of max)", "suppressed": "hidden (too few answers)", "dk": "Don't know", "skip": "Not answered",
           "org": "Whole organisation", "diff": "Change (percentage points)", "pct": "Percentile among compared organisations",
           "disagree": "← disagree", "agree": "agree →", "share": "Share of respondents"},
}


def _short(s: str, width: int) -> str:
    s = str(s)
    return s if len(s) <= width else s[: width - 1].rstrip() + "…"


def _wrap(s: str, width: int = 38) -> str:
    return "\n".join(textwrap.wrap(str(s), width)) or str(s)


def quadrant_plot(x: Mapping[str, float], y: Mapping[str, float], *, instrument: Instrument,
                  units: pd.DataFrame | None = None, language: str = "sv", label: str | None = None) -> plt.Figure:
    """Organisation (and units) on the instrument's two quadrant dimensions with 95 % CIs.

    ``x``/``y``: mappings with ``mean``, ``ci_low``, ``ci_high``. ``units``:
    rows with ``unit, x, y, x_low, x_high, y_low, y_high`` (already without
    suppressed units).
    """
    cls = instrument.classification or {}
    thr = float(cls.get("threshold", 50))
    fig, ax = plt.subplots(figsize=(7.5, 6.5))
    ax.axvline(thr, color="0.6", lw=1)
    ax.axhline(thr, color="0.6", lw=1)
    for q in cls.get("quadrants", []):
        qx = thr / 2 if q["x"] == "low" else (100 + thr) / 2
        qy = thr / 2 if q["y"] == "low" else (100 + thr) / 2
        ax.text(qx, qy, _wrap(text(q["name"], language), 18), ha="center", va="center", fontsize=13,
                color="0.75", weight="bold", zorder=0)
    if units is not None and len(units):
        ax.errorbar(units["x"], units["y"],
                    xerr=[units["x"] - units["x_low"], units["x_high"] - units["x"]],
                    yerr=[units["y"] - units["y_low"], units["y_high"] - units["y"]],
                    fmt="o", color="#4c72b0", alpha=0.55, ms=6, capsize=2, lw=1)
        for r in units.itertuples():
            ax.annotate(_wrap(r.unit, 22), (r.x, r.y), xytext=(5, 4), textcoords="offset points", fontsize=8,
                        color="#2b4a7a")
    ax.errorbar([x["mean"]], [y["mean"]], xerr=[[x["mean"] - x["ci_low"]], [x["ci_high"] - x["mean"]]],
                yerr=[[y["mean"] - y["ci_low"]], [y["ci_high"] - y["mean"]]], fmt="D", color="#c44e52", ms=10,
                capsize=4, lw=2, label=label or _T[language]["org"])
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.set_xlabel(f"{instrument.name_of(cls.get('x', ''), language)} ({_T[language]['score']})")
    ax.set_ylabel(f"{instrument.name_of(cls.get('y', ''), language)} ({_T[language]['score']})")
    ax.legend(loc="lower right", fontsize=9)
    fig.tight_layout()
    return fig


def profile_plot(table: pd.DataFrame, *, names: Mapping[str, str], language: str = "sv",
                 reference: pd.Series | None = None, title: str | None = None) -> plt.Figure:
    """Sorted dot plot of scores with CIs (``table`` indexed by id: mean, ci_low, ci_high)."""
    t = table.dropna(subset=["mean"]).sort_values("mean")
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(t) + 1.4))
    yy = np.arange(len(t))
    ax.errorbar(t["mean"], yy, xerr=[t["mean"] - t["ci_low"], t["ci_high"] - t["mean"]], fmt="o",
                color="#4c72b0", capsize=3, ms=7)
    for yv, m in zip(yy, t["mean"]):
        ax.text(m, yv + 0.22, f"{m:.0f}", ha="center", fontsize=8, color="0.3")
    if reference is not None:
        ref = reference.reindex(t.index)
        ax.plot(ref, yy, "|", color="0.3", ms=14, label="ref")
    ax.set_yticks(yy)
    ax.set_yticklabels([_wrap(names.get(i, i), 40) for i in t.index], fontsize=9)
    ax.set_xlim(0, 100)
    ax.set_xlabel(_T[language]["score"])
    ax.grid(axis="x", color="0.9")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def heatmap_plot(matrix: pd.DataFrame, *, hidden: pd.DataFrame, col_names: Mapping[str, str],
                 language: str = "sv") -> plt.Figure:
    """Groups × categories heatmap; hidden (suppressed) cells drawn hatched with '–'."""
    fig, ax = plt.subplots(figsize=(1.1 * matrix.shape[1] + 3.5, 0.5 * matrix.shape[0] + 2.2))
    vals = matrix.where(~hidden).to_numpy(dtype=float)
    im = ax.imshow(np.ma.masked_invalid(vals), cmap="RdYlGn", vmin=20, vmax=80, aspect="auto")
    for i in range(vals.shape[0]):
        for j in range(vals.shape[1]):
            if hidden.iloc[i, j] or np.isnan(vals[i, j]):
                ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=True, facecolor="0.92",
                                           hatch="///", edgecolor="0.7", lw=0))
                ax.text(j, i, "–", ha="center", va="center", color="0.4")
            else:
                ax.text(j, i, f"{vals[i, j]:.0f}", ha="center", va="center", fontsize=9)
    ax.set_xticks(range(matrix.shape[1]))
    ax.set_xticklabels([_wrap(col_names.get(c, c), 14) for c in matrix.columns], fontsize=8, rotation=0)
    ax.set_yticks(range(matrix.shape[0]))
    ax.set_yticklabels([_wrap(r, 30) for r in matrix.index], fontsize=9)
    cb = fig.colorbar(im, ax=ax, fraction=0.03)
    cb.set_label(_T[language]["score"])
    ax.set_title(f"– = {_T[language]['suppressed']}", fontsize=9, loc="left", color="0.4")
    fig.tight_layout()
    return fig


def likert_plot(dist: pd.DataFrame, *, instrument: Instrument, language: str = "sv",
                item_labels: Mapping[str, str] | None = None) -> plt.Figure:
    """Diverging stacked bars of every item's answers; don't know and skipped in a panel of their own.

    ``dist``: output of :func:`evaluation.reports.round.item_distribution`.
    Shares are of respondents; the scale's lower half goes left of zero,
    the upper half right (a middle code on odd scales is split evenly).
    """
    sc = instrument.scale
    codes = sc.codes
    K = len(codes)
    colors = plt.get_cmap("RdBu")(np.linspace(0.12, 0.88, K))
    d = dist.copy()
    labels = item_labels or {i: i for i in d.index}
    n_items = len(d)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 0.36 * n_items + 2.4), sharey=True,
                                  gridspec_kw={"width_ratios": [4, 1]})
    yy = np.arange(n_items)[::-1]
    half = K / 2
    left = np.zeros(n_items)
    # start position of the bars: minus the disagree half
    lower = np.zeros(n_items)
    for j, c in enumerate(codes):
        s = d[f"share_{c}"].to_numpy()
        if j < int(half):
            lower -= s
        elif j == int(half) and K % 2 == 1:
            lower -= s / 2
    left = lower.copy()
    for j, c in enumerate(codes):
        s = d[f"share_{c}"].to_numpy()
        ax.barh(yy, s, left=left, color=colors[j], edgecolor="white", lw=0.3,
                label=f"{c} {text(sc.labels[c], language)}")
        left = left + s
    ax.axvline(0, color="0.3", lw=0.8)
    ax.set_yticks(yy)
    ax.set_yticklabels([_short(labels.get(i, i), 75) for i in d.index], fontsize=7)
    ax.set_xlim(-1, 1)
    ax.set_xticks([-1, -0.5, 0, 0.5, 1])
    ax.set_xticklabels(["100 %", "50 %", "0", "50 %", "100 %"])
    ax.set_xlabel(f"{_T[language]['disagree']}   {_T[language]['share']}   {_T[language]['agree']}")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08 - 2.0 / max(n_items, 8)), ncol=min(K, 6), fontsize=7,
              frameon=False)
    ax2.barh(yy, d["dont_know"], color="0.55", label=_T[language]["dk"])
    ax2.barh(yy, d["skipped"], left=d["dont_know"], color="0.82", label=_T[language]["skip"])
    ax2.set_xlim(0, max(0.3, float((d["dont_know"] + d["skipped"]).max()) * 1.1))
    ax2.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    ax2.legend(loc="lower right", fontsize=7)
    fig.tight_layout()
    return fig


def group_plot(table: pd.DataFrame, *, ids: list[str], names: Mapping[str, str], language: str = "sv",
               overall: pd.DataFrame | None = None) -> plt.Figure:
    """Small multiples: one panel per score id, groups as dots with CIs; suppressed groups omitted.

    ``table``: tidy output of :func:`evaluation.scoring.group_scores` with ``by``.
    """
    shown = table[~table["suppressed"]]
    groups = sorted(shown["group"].unique())
    fig, axes = plt.subplots(1, len(ids), figsize=(3.6 * len(ids) + 1.5, 0.42 * max(len(groups), 2) + 1.6),
                             sharey=True, squeeze=False)
    for ax, i in zip(axes[0], ids):
        sub = shown[shown["id"] == i].set_index("group").reindex(groups)
        yy = np.arange(len(groups))
        ax.errorbar(sub["mean"], yy, xerr=[sub["mean"] - sub["ci_low"], sub["ci_high"] - sub["mean"]], fmt="o",
                    color="#4c72b0", capsize=3)
        if overall is not None and i in overall.index:
            ax.axvline(overall.loc[i, "mean"], color="#c44e52", lw=1, ls="--")
        ax.set_title(_wrap(names.get(i, i), 30), fontsize=9)
        ax.set_xlim(0, 100)
        ax.grid(axis="x", color="0.9")
        ax.set_xlabel(_T[language]["score"], fontsize=8)
    axes[0][0].set_yticks(np.arange(len(groups)))
    axes[0][0].set_yticklabels([_wrap(g, 28) for g in groups], fontsize=8)
    fig.tight_layout()
    return fig


def change_plot(change: pd.DataFrame, *, names: Mapping[str, str], language: str = "sv",
                title: str | None = None) -> plt.Figure:
    """Forest plot of changes with CIs (``change`` indexed by id: diff, ci_low, ci_high)."""
    t = change.dropna(subset=["diff"])
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(t) + 1.4))
    yy = np.arange(len(t))[::-1]
    ax.errorbar(t["diff"], yy, xerr=[t["diff"] - t["ci_low"], t["ci_high"] - t["diff"]], fmt="s",
                color="#55a868", capsize=3)
    ax.axvline(0, color="0.3", lw=1)
    ax.set_yticks(yy)
    ax.set_yticklabels([_wrap(names.get(i, i), 40) for i in t.index], fontsize=9)
    ax.set_xlabel(_T[language]["diff"])
    ax.grid(axis="x", color="0.9")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def benchmark_plot(bench: pd.DataFrame, *, names: Mapping[str, str], language: str = "sv") -> plt.Figure:
    """Own score against the benchmark's quartiles per score id."""
    t = bench[bench["shown"]].set_index("id")
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(t) + 1.4))
    yy = np.arange(len(t))[::-1]
    ax.hlines(yy, t["bench_p25"], t["bench_p75"], color="0.7", lw=8, label="25–75 %")
    ax.plot(t["bench_median"], yy, "|", color="0.3", ms=14, label="median")
    ax.plot(t["score"], yy, "D", color="#c44e52", ms=8, label=_T[language]["org"])
    for yv, (s, p) in zip(yy, zip(t["score"], t["percentile"])):
        ax.text(s, yv + 0.25, f"P{p:.0f}", ha="center", fontsize=8)
    ax.set_yticks(yy)
    ax.set_yticklabels([_wrap(names.get(i, i), 40) for i in t.index], fontsize=9)
    ax.set_xlim(0, 100)
    ax.set_xlabel(_T[language]["score"])
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig
