"""Every figure of the kit: one function each, returning a matplotlib Figure.

Sorted dot plots with confidence intervals, diverging stacked bars for Likert
items, heatmaps with suppressed cells marked, small multiples. No radar charts.
Functions take tidy tables from the library and never compute statistics
themselves; suppressed values must already be NaN (see :mod:`evaluation.privacy`).

Colours are colour-blind safe: the Okabe–Ito palette (:data:`PALETTE`) for
categories and markers, ``cividis`` for the heatmap and blue–orange (``PuOr``)
for agree/disagree; never red against green (Okabe & Ito 2008, *Color
Universal Design*; Nuñez, Anderton & Renslow 2018 for cividis).
"""

from __future__ import annotations

import textwrap
from typing import Mapping

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from evaluation.data.instruments import Instrument, text

#: Names a user supplies (units, roles, categories, an own instrument's texts) are drawn as typed: matplotlib
#: would read text between two "$" as mathtext, so "Kostnad $5 och $6" came out in italics and a unit named
#: "$\frac$" stopped the report (ParseException). The kit's own labels use no mathtext, so it is off for
#: every text of every figure (ticks drawn later too); figure_files' background writer does the same.
matplotlib.rcParams["text.parse_math"] = False

__all__ = [
    "PALETTE",
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


#: Okabe–Ito colour-blind-safe palette
PALETTE = {"blue": "#0072B2", "orange": "#E69F00", "vermillion": "#D55E00", "sky": "#56B4E9",
           "green": "#009E73", "yellow": "#F0E442", "purple": "#CC79A7", "grey": "#6E6E6E"}
ORG = PALETTE["vermillion"]   # the organisation itself
GROUP = PALETTE["blue"]       # its units / groups / categories
REF = "0.25"                  # benchmark median and reference lines

_T["sv"].update({"median": "Median, jämförda kommuner", "iqr": "Mittersta hälften (25–75 %)", "key": "Enheter"})
_T["en"].update({"median": "Median, compared municipalities", "iqr": "Middle half (25–75%)", "key": "Units"})


def _short(s: str, width: int) -> str:
    s = str(s)
    return s if len(s) <= width else s[: width - 1].rstrip() + "…"


def _wrap(s: str, width: int = 38) -> str:
    return "\n".join(textwrap.wrap(str(s), width)) or str(s)


def quadrant_plot(x: Mapping[str, float], y: Mapping[str, float], *, instrument: Instrument,
                  units: pd.DataFrame | None = None, language: str = "sv", label: str | None = None,
                  benchmark: Mapping[str, float] | None = None) -> plt.Figure:
    """Organisation (and units) on the instrument's two quadrant dimensions with 95 % CIs.

    ``x``/``y``: mappings with ``mean``, ``ci_low``, ``ci_high``. ``units``:
    rows with ``unit, x, y, x_low, x_high, y_low, y_high`` (already without
    suppressed units); they are drawn as numbered points with a key beside the
    plot, so long names never collide. ``benchmark``: ``{"x": median, "y": median}``
    of the compared organisations, drawn as dashed lines. The organisation's
    uncertainty is its 95 % CI box.
    """
    cls = instrument.classification or {}
    thr = float(cls.get("threshold", 50))
    T = _T[language]
    has_units = units is not None and len(units)
    # zoom to the data (always showing the threshold), so that close units can be told apart
    vals = [thr, x["ci_low"], x["ci_high"], y["ci_low"], y["ci_high"]]
    if has_units:
        vals += list(units[["x_low", "x_high", "y_low", "y_high"]].to_numpy().ravel())
    if benchmark is not None:
        vals += [v for v in benchmark.values() if v is not None and np.isfinite(v)]
    vals = [float(v) for v in vals if v is not None and np.isfinite(v)]
    lo = max(0.0, 5 * np.floor((min(vals) - 4) / 5))
    hi = min(100.0, 5 * np.ceil((max(vals) + 4) / 5))
    fig, ax = plt.subplots(figsize=(9.5 if has_units else 7.5, 6.8))
    ax.axvline(thr, color="0.55", lw=1.2)
    ax.axhline(thr, color="0.55", lw=1.2)
    pad = 0.03 * (hi - lo)
    for q in cls.get("quadrants", []):
        qx, ha = (lo + pad, "left") if q["x"] == "low" else (hi - pad, "right")
        qy, va = (lo + pad, "bottom") if q["y"] == "low" else (hi - pad, "top")
        ax.text(qx, qy, text(q["name"], language), ha=ha, va=va, fontsize=12, color="0.45", weight="bold", zorder=1)
    if benchmark is not None:
        bx, by = benchmark.get("x"), benchmark.get("y")
        if bx is not None and np.isfinite(bx):
            ax.axvline(bx, color=REF, lw=1.2, ls="--", label=T["median"])
        if by is not None and np.isfinite(by):
            ax.axhline(by, color=REF, lw=1.2, ls="--", label=None if bx is not None else T["median"])
    ax.add_patch(plt.Rectangle((x["ci_low"], y["ci_low"]), x["ci_high"] - x["ci_low"], y["ci_high"] - y["ci_low"],
                               facecolor=ORG, alpha=0.15, edgecolor=ORG, lw=1, zorder=2,
                               label=f"95 % {'KI' if language == 'sv' else 'CI'}"))
    key = []
    if has_units:
        u = units.sort_values("unit").reset_index(drop=True)
        ax.errorbar(u["x"], u["y"], xerr=[u["x"] - u["x_low"], u["x_high"] - u["x"]],
                    yerr=[u["y"] - u["y_low"], u["y_high"] - u["y"]], fmt="o", color=GROUP, ecolor=GROUP,
                    alpha=0.8, ms=5, capsize=0, lw=0.8, zorder=3)
        pos = _repel(u["x"].to_numpy(float), u["y"].to_numpy(float), span=hi - lo,
                     avoid=(float(x["mean"]), float(y["mean"])))
        for k, (r, (lx, ly)) in enumerate(zip(u.itertuples(), pos), start=1):
            ax.plot([r.x, lx], [r.y, ly], color=GROUP, lw=0.6, alpha=0.7, zorder=3)
            ax.text(lx, ly, str(k), ha="center", va="center", fontsize=8, color="white", weight="bold", zorder=5,
                    bbox={"boxstyle": "circle,pad=0.25", "facecolor": GROUP, "edgecolor": "white", "lw": 0.8})
            key.append(f"{k}  {_wrap(r.unit, 30)}")
    ax.errorbar([x["mean"]], [y["mean"]], xerr=[[x["mean"] - x["ci_low"]], [x["ci_high"] - x["mean"]]],
                yerr=[[y["mean"] - y["ci_low"]], [y["ci_high"] - y["mean"]]], fmt="D", color=ORG, ms=10,
                capsize=4, lw=2, label=label or T["org"], zorder=6)
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel(f"{instrument.name_of(cls.get('x', ''), language)} ({T['score']})")
    ax.set_ylabel(f"{instrument.name_of(cls.get('y', ''), language)} ({T['score']})")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), fontsize=9, ncol=3, frameon=False)
    if key:
        ax.text(1.03, 1.0, T["key"] + "\n" + "\n".join(key), transform=ax.transAxes, va="top", ha="left",
                fontsize=8.5, linespacing=1.5)
    fig.tight_layout()
    return fig


def _repel(x: np.ndarray, y: np.ndarray, *, span: float, avoid: tuple[float, float] | None = None,
           steps: int = 200) -> np.ndarray:
    """Label positions near (x, y) that keep at least ~6 % of ``span`` apart (a few hundred tiny pushes)."""
    rng = np.random.default_rng(0)
    home = np.column_stack([x, y]).astype(float)
    pos = home + rng.normal(0, span * 0.01, home.shape) + np.array([span * 0.035, span * 0.035])
    gap = 0.06 * span
    fixed = np.array([avoid]) if avoid is not None else np.empty((0, 2))
    for _ in range(steps):
        moved = False
        for i in range(len(pos)):
            others = np.vstack([np.delete(pos, i, axis=0), fixed, home])
            d = pos[i] - others
            dist = np.hypot(d[:, 0], d[:, 1])
            close = dist < gap
            if close.any():
                push = (d[close] / np.maximum(dist[close], 1e-6)[:, None] * (gap - dist[close])[:, None]).sum(axis=0)
                pos[i] += 0.25 * push
                moved = True
            pos[i] += 0.02 * (home[i] - pos[i])  # stay near the own point
        if not moved:
            break
    return pos


def profile_plot(table: pd.DataFrame, *, names: Mapping[str, str], language: str = "sv",
                 reference: pd.Series | None = None, title: str | None = None) -> plt.Figure:
    """Sorted dot plot of scores with CIs (``table`` indexed by id: mean, ci_low, ci_high)."""
    t = table.dropna(subset=["mean"]).sort_values("mean")
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(t) + 1.4))
    yy = np.arange(len(t))
    ax.errorbar(t["mean"], yy, xerr=[t["mean"] - t["ci_low"], t["ci_high"] - t["mean"]], fmt="o",
                color=GROUP, capsize=3, ms=7)
    for yv, m in zip(yy, t["mean"]):
        ax.text(m, yv + 0.22, f"{m:.0f}", ha="center", fontsize=8.5, color="0.2")
    if reference is not None:
        ref = reference.reindex(t.index)
        ax.plot(ref, yy, "|", color=REF, ms=14, label=_T[language]["median"])
        ax.legend(fontsize=8, loc="lower right")
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
    cmap = plt.get_cmap("cividis")
    im = ax.imshow(np.ma.masked_invalid(vals), cmap=cmap, vmin=20, vmax=80, aspect="auto")
    for i in range(vals.shape[0]):
        for j in range(vals.shape[1]):
            if hidden.iloc[i, j] or np.isnan(vals[i, j]):
                ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=True, facecolor="0.92",
                                           hatch="///", edgecolor="0.7", lw=0))
                ax.text(j, i, "–", ha="center", va="center", color="0.4")
            else:
                shade = cmap((min(max(vals[i, j], 20), 80) - 20) / 60)
                light = 0.299 * shade[0] + 0.587 * shade[1] + 0.114 * shade[2] > 0.5
                ax.text(j, i, f"{vals[i, j]:.0f}", ha="center", va="center", fontsize=9,
                        color="black" if light else "white")
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
    colors = plt.get_cmap("PuOr")(np.linspace(0.1, 0.9, K))[::-1]  # purple = disagree, orange = agree
    d = dist.copy()
    labels = item_labels or {i: i for i in d.index}
    n_items = len(d)
    share_cols = [f"share_{c}" for c in codes]
    hidden = d[share_cols].isna().all(axis=1)  # suppressed (fewer than k scale answers): no bar, said in the label
    d[share_cols] = d[share_cols].fillna(0.0)
    wrapped = {i: _wrap(labels.get(i, i), 62) + (f"\n{_T[language]['suppressed']}" if hidden.get(i, False) else "")
               for i in d.index}
    lines = sum(w.count("\n") + 1 for w in wrapped.values())
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 0.14 * lines + 0.12 * n_items + 1.8), sharey=True,
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
    ax.set_yticklabels([wrapped[i] for i in d.index], fontsize=8)
    ax.set_xlim(-1, 1)
    ax.set_xticks([-1, -0.5, 0, 0.5, 1])
    ax.set_xticklabels(["100 %", "50 %", "0", "50 %", "100 %"])
    ax.set_xlabel(f"{_T[language]['disagree']}   {_T[language]['share']}   {_T[language]['agree']}")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=min(K, 3), fontsize=8, frameon=False)
    ax.set_ylim(-0.6, n_items - 0.4)
    ax2.barh(yy, d["dont_know"], color="0.55", label=_T[language]["dk"])
    ax2.barh(yy, d["skipped"], left=d["dont_know"], color="0.82", label=_T[language]["skip"])
    ax2.set_xlim(0, max(0.3, float((d["dont_know"] + d["skipped"]).max()) * 1.1))
    ax2.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0,
                                                                  symbol="\u202f%" if language == "sv" else "%"))
    ax2.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), fontsize=8, frameon=False, ncol=1)
    fig.tight_layout()
    return fig


def group_plot(table: pd.DataFrame, *, ids: list[str], names: Mapping[str, str], language: str = "sv",
               overall: pd.DataFrame | None = None, shrunken: Mapping[str, pd.Series] | None = None,
               labels: Mapping[str, str] | None = None) -> plt.Figure:
    """Small multiples: one panel per score id, groups as dots with CIs; suppressed groups omitted.

    ``table``: tidy output of :func:`evaluation.scoring.group_scores` with ``by``. ``shrunken``:
    score id → shrunken (BLUP) means by group, drawn as open diamonds beside the mean (only groups
    that are shown; any other label is ignored), with a legend whose words are ``labels["mean"]`` and
    ``labels["shrunken"]`` (the report passes them from the message catalogue).
    """
    shown = table[~table["suppressed"]]
    groups = sorted(shown["group"].unique())
    extra = 0.45 if shrunken else 0.0
    fig, axes = plt.subplots(1, len(ids), figsize=(3.6 * len(ids) + 1.5, 0.42 * max(len(groups), 2) + 1.6 + extra),
                             sharey=True, squeeze=False)
    handles = []
    for ax, i in zip(axes[0], ids):
        sub = shown[shown["id"] == i].set_index("group").reindex(groups)
        yy = np.arange(len(groups))
        h = ax.errorbar(sub["mean"], yy, xerr=[sub["mean"] - sub["ci_low"], sub["ci_high"] - sub["mean"]], fmt="o",
                        color=GROUP, capsize=3)
        if shrunken and i in shrunken:
            b = pd.Series(shrunken[i]).reindex(groups)
            hb, = ax.plot(b, yy, "D", mfc="white", mec=PALETTE["orange"], mew=1.8, ms=7, zorder=3)
            if not handles:
                handles = [h, hb]
        if overall is not None and i in overall.index:
            ax.axvline(overall.loc[i, "mean"], color=ORG, lw=1.2, ls="--")
        ax.set_title(_wrap(names.get(i, i), 30), fontsize=9)
        ax.set_xlim(0, 100)
        ax.grid(axis="x", color="0.9")
        ax.set_xlabel(_T[language]["score"], fontsize=8)
    axes[0][0].set_yticks(np.arange(len(groups)))
    axes[0][0].set_yticklabels([_wrap(g, 28) for g in groups], fontsize=8)
    if handles:
        lab = labels or {}
        fig.legend(handles, [lab.get("mean", "mean (95% CI)"), lab.get("shrunken", "shrunken mean (BLUP)")],
                   loc="upper center", ncol=2, fontsize=8, frameon=False)
        fig.tight_layout(rect=(0, 0, 1, 1 - 0.3 / fig.get_figheight()))
    else:
        fig.tight_layout()
    return fig


def change_plot(change: pd.DataFrame, *, names: Mapping[str, str], language: str = "sv",
                title: str | None = None) -> plt.Figure:
    """Forest plot of changes with CIs (``change`` indexed by id: diff, ci_low, ci_high)."""
    t = change.dropna(subset=["diff"])
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(t) + 1.4))
    yy = np.arange(len(t))[::-1]
    ax.errorbar(t["diff"], yy, xerr=[t["diff"] - t["ci_low"], t["ci_high"] - t["diff"]], fmt="s",
                color=GROUP, capsize=3)
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
    ax.hlines(yy, t["bench_p25"], t["bench_p75"], color="0.78", lw=8, label=_T[language]["iqr"])
    ax.plot(t["bench_median"], yy, "|", color=REF, ms=14, mew=2, label=_T[language]["median"])
    ax.plot(t["score"], yy, "D", color=ORG, ms=8, label=_T[language]["org"])
    for yv, (s, p) in zip(yy, zip(t["score"], t["percentile"])):
        ax.text(s, yv + 0.28, f"P{p:.0f}", ha="center", fontsize=8)
    ax.set_yticks(yy)
    ax.set_yticklabels([_wrap(names.get(i, i), 40) for i in t.index], fontsize=9)
    ax.set_xlim(0, 100)
    ax.set_xlabel(_T[language]["score"])
    ax.legend(fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)
    fig.tight_layout()
    return fig
