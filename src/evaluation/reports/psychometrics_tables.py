"""Display tables of the psychometrics review: the analysis' frames rounded and named for a reader.

Each ``*_display`` function takes an
:class:`evaluation.reports.psychometrics.InstrumentReview` and returns a frame
of text cells in the review's language (Swedish headers, decimal comma and
U+2212 minus through :mod:`evaluation.text.format`, "–" for missing); the
analysis itself never rounds. :func:`display_table` shows one as the kit's
HTML table.

>>> import pandas as pd
>>> _dash(pd.DataFrame({"alfa": [0.8123, float("nan")], "k": [3, 4]}), 2, "sv")["alfa"].tolist()
['0,81', '–']
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from evaluation.text import format as fmt
from evaluation.text.psychometrics import _IDX, _LEVEL, _MI_LEVEL, _VERDICT, FLAG_WORDS

__all__ = ["reliability_display", "item_display", "fit_display", "loadings_display", "factor_correlation_display",
           "invariance_display", "flagged_display", "as_table", "gated_table", "display_table"]

_COLS = {
    "sv": {"name": "skala", "level": "nivå", "k": "frågor", "n_alpha": "n (alfa)", "alpha": "alfa",
           "alpha_ci_low": "alfa KI låg", "alpha_ci_high": "alfa KI hög", "n_omega": "n (omega)", "omega": "omega",
           "omega_ci_low": "omega KI låg", "omega_ci_high": "omega KI hög", "ordinal_alpha": "ordinal alfa",
           "text": "fråga", "category": "kategori", "mean": "medel", "sd": "sd", "r_drop": "r mot övriga",
           "alpha_if_dropped": "alfa utan frågan", "missing_share": "saknas", "value": "värde", "rule": "gräns",
           "passes": "når gränsen", "factor": "faktor", "std_all": "std. laddning", "se": "SE",
           "flag": "flagga", "reasons": "skäl", "verdict": "bedömning", "delta_cfi": "ΔCFI",
           "delta_rmsea": "ΔRMSEA", "delta_srmr": "ΔSRMR", "delta_chisq": "Δχ²", "delta_df": "Δdf",
           "delta_pvalue": "p (Δχ²)", "chisq": "χ²", "df": "df", "cfi": "CFI", "rmsea": "RMSEA", "srmr": "SRMR",
           "tli": "TLI", "n": "n"},
    "en": {"name": "scale", "level": "level", "k": "items", "n_alpha": "n (alpha)", "alpha": "alpha",
           "alpha_ci_low": "alpha CI low", "alpha_ci_high": "alpha CI high", "n_omega": "n (omega)", "omega": "omega",
           "omega_ci_low": "omega CI low", "omega_ci_high": "omega CI high", "ordinal_alpha": "ordinal alpha",
           "text": "item", "category": "category", "mean": "mean", "sd": "sd", "r_drop": "r item–rest",
           "alpha_if_dropped": "alpha if dropped", "missing_share": "missing", "value": "value", "rule": "cut-off",
           "passes": "meets cut-off", "factor": "factor", "std_all": "std. loading", "se": "SE",
           "flag": "flag", "reasons": "reasons", "verdict": "verdict", "delta_cfi": "ΔCFI",
           "delta_rmsea": "ΔRMSEA", "delta_srmr": "ΔSRMR", "delta_chisq": "Δχ²", "delta_df": "Δdf",
           "delta_pvalue": "p (Δχ²)", "chisq": "χ²", "df": "df", "cfi": "CFI", "rmsea": "RMSEA", "srmr": "SRMR",
           "tli": "TLI", "n": "n"},
}
_YES = {"sv": {True: "ja", False: "nej"}, "en": {True: "yes", False: "no"}}


def _dash(t: pd.DataFrame, digits: int = 2, language: str = "sv") -> pd.DataFrame:
    """Float columns as text with ``digits`` decimals in the report language (decimal comma and U+2212
    minus in Swedish), missing cells as "–" (for display only)."""
    out = t.astype(object).where(t.notna(), "–")
    for c in t.columns:
        if pd.api.types.is_float_dtype(t[c]):
            out[c] = [fmt.number(v, language, digits) if pd.notna(v) else "–" for v in t[c]]
    return out


def as_table(frame: pd.DataFrame, *, caption: str = "", name: str = "", published: Any = None) -> Any:
    """A display frame (from the ``*_display`` functions) as a report :class:`~evaluation.reports.base.Table`:
    its index becomes the first columns, missing cells "–"; None when the frame is empty.

    >>> as_table(pd.DataFrame({"alfa": ["0,81"]}, index=pd.Index(["Styrning"], name="skala"))).frame.columns.tolist()
    ['skala', 'alfa']
    """
    from evaluation.reports.base import Table

    if frame is None or not len(frame):
        return None
    names = list(frame.index.names)
    if all(n is None for n in names) or any(n in frame.columns for n in names if n is not None):
        shown = frame.reset_index(drop=True)
    else:
        shown = frame.reset_index(names=[n if n is not None else "" for n in names])
    return Table(shown.astype(object).where(shown.notna(), "–"), caption=caption, name=name, published=published)


def gated_table(frame: pd.DataFrame, *, n: Any, min_group_size: int, caption: str = "", name: str = "") -> Any:
    """A display frame through the privacy gate, then :func:`as_table` (None when empty).

    ``n``: the respondents behind the cells: one number for the whole table (a model fitted on the whole
    sample), a sequence per row, or a dict column → number or per-row sequence (columns not named get the
    smallest count given). A cell whose count is below ``min_group_size`` is shown as "–" and recorded in
    the table's ``published.hidden``.

    >>> t = gated_table(pd.DataFrame({"alfa": ["0,81", "0,77"]}, index=pd.Index(["A", "B"], name="skala")),
    ...                 n=[40, 3], min_group_size=5)
    >>> t.frame["alfa"].tolist(), t.published.n_hidden
    (['0,81', '–'], 1)
    """
    import numpy as np

    from evaluation.privacy.gate import publish

    if frame is None or not len(frame):
        return None
    rows = len(frame)

    def per_row(v: Any) -> np.ndarray:
        a = np.asarray(v, dtype=float)
        return np.full(rows, float(a)) if a.ndim == 0 else a

    if isinstance(n, dict):
        given = {c: per_row(v) for c, v in n.items() if c in frame.columns}
        floor = np.nanmin(np.vstack(list(given.values())), axis=0) if given else np.full(rows, np.nan)
        counts = {c: given.get(c, floor) for c in frame.columns}
    else:
        counts = {c: per_row(n) for c in frame.columns}
    flat = frame.reset_index(drop=True)
    gate = publish(flat, n=pd.DataFrame(counts, index=flat.index), min_group_size=min_group_size)
    out = gate.frame.copy()
    out.index = frame.index
    return as_table(out, caption=caption, name=name, published=gate)


def display_table(frame: pd.DataFrame, *, caption: str = "", name: str = "") -> None:
    """Show a display frame as the kit's HTML table in the running notebook (cells escaped; nothing when empty)."""
    from IPython.display import HTML, display

    from evaluation.reports.base import table_html

    table = as_table(frame, caption=caption, name=name)
    if table is not None:
        display(HTML(table_html(table)))



def reliability_display(rev: Any) -> pd.DataFrame:
    """The reliability table rounded to 2 decimals, named scales as rows (for the report)."""
    L = rev.language
    t = rev.reliability.reset_index()
    t["level"] = t["level"].map({"sv": {"dimension": "dimension", "category": "kategori"},
                                 "en": {"dimension": "dimension", "category": "category"}}[L])
    cols = [c for c in ("name", "level", "k", "n_alpha", "alpha", "alpha_ci_low", "alpha_ci_high", "n_omega",
                        "omega", "omega_ci_low", "omega_ci_high", "ordinal_alpha") if c in t.columns]
    return _dash(t[cols].rename(columns=_COLS[L]).set_index(_COLS[L]["name"]), 2, L)


def item_display(rev: Any) -> pd.DataFrame:
    """The item table rounded for the report (text shortened to 70 characters)."""
    L = rev.language
    t = rev.items.copy()
    t["text"] = [s if len(s) <= 70 else s[:69].rstrip() + "…" for s in t["text"]]
    t["missing_share"] = t["missing_share"] * 100
    t["category"] = [rev.instrument.name_of(c, L) for c in t["category"]]
    cols = ["text", "category", "n", "mean", "sd", "r_drop", "alpha_if_dropped", "missing_share"]
    out = t[cols].copy()
    out.index.name = "id"
    out["missing_share"] = [fmt.number(v, L, 1) if pd.notna(v) else "–" for v in out["missing_share"]]
    return _dash(out.rename(columns=_COLS[L]), 2, L)


def fit_display(rev: Any) -> pd.DataFrame:
    """Fit indices per level against the cut-offs (value, cut-off, meets it), rounded to 3 decimals."""
    L = rev.language
    if not len(rev.fit):
        return pd.DataFrame()
    t = rev.fit.reset_index()
    t["index"] = t["index"].map(_IDX)
    t["level"] = t["level"].map(_LEVEL[L])
    t["passes"] = t["passes"].map(_YES[L])
    t = t[["level", "index", "value", "rule", "passes"]]
    if L == "sv":
        t["rule"] = t["rule"].str.replace(".", ",", regex=False)
    index = {"sv": "mått", "en": "index"}[L]
    return _dash(t.rename(columns={**_COLS[L], "index": index}), 3, L).set_index([_COLS[L]["level"], index])


def loadings_display(rev: Any, level: str = "category") -> pd.DataFrame:
    """Standardised loadings of a CFA level, one row per item, rounded to 2 decimals."""
    L = rev.language
    res = rev.cfa.get(level)
    if res is None:
        return pd.DataFrame()
    t = res.loadings.copy()
    t["factor"] = [rev.instrument.name_of(f, L) for f in t["factor"]]
    t["item"] = [rev.instrument.name_of(i, L) if i in rev.instrument.item_ids else i for i in t["item"]]
    t = t.set_index("item")[["factor", "std_all", "se"]]
    t.index.name = {"sv": "fråga", "en": "item"}[L]
    return _dash(t.rename(columns=_COLS[L]), 2, L)


def factor_correlation_display(rev: Any, level: str = "category") -> pd.DataFrame:
    """Factor correlations of a CFA level with display names, rounded to 2 decimals."""
    res = rev.cfa.get(level)
    if res is None:
        return pd.DataFrame()
    from evaluation.reports.psychometrics import factor_correlations

    r = factor_correlations(res)
    names = [rev.instrument.name_of(f, rev.language) for f in r.index]
    r.index, r.columns = names, names
    r.index.name = {"sv": "faktor", "en": "factor"}[rev.language]
    return _dash(r.astype(float), 2, rev.language)


def invariance_display(rev: Any, part: str = "all") -> pd.DataFrame:
    """Invariance rows per dimension with translated verdicts, rounded to 3 decimals.

    ``part``: ``"fit"`` (χ², df, CFI, RMSEA, SRMR, n of each model), ``"change"`` (the differences
    between steps and the verdict) or ``"all"``; the report shows the two parts as two tables so
    neither is wider than the page.
    """
    L = rev.language
    if not rev.invariance:
        return pd.DataFrame()
    parts = []
    for d, tab in rev.invariance.items():
        t = tab.copy()
        t.index = pd.MultiIndex.from_product([[rev.instrument.name_of(d, L)], [_MI_LEVEL[L][i] for i in t.index]])
        parts.append(t)
    t = pd.concat(parts)
    t["verdict"] = t["verdict"].map(_VERDICT[L])
    wanted = {"fit": ("chisq", "df", "cfi", "rmsea", "srmr", "n"),
              "change": ("delta_chisq", "delta_df", "delta_pvalue", "delta_cfi", "delta_rmsea", "delta_srmr",
                         "verdict")}.get(part)
    if wanted is None and part != "all":
        raise ValueError(f"part must be 'fit', 'change' or 'all', not {part!r}.")
    wanted = wanted or ("chisq", "df", "cfi", "rmsea", "srmr", "delta_chisq", "delta_df", "delta_pvalue",
                        "delta_cfi", "delta_rmsea", "delta_srmr", "n", "verdict")
    cols = [c for c in wanted if c in t.columns]
    t = _dash(t[cols].rename(columns=_COLS[L]), 3, L)
    t.index.names = {"sv": ["dimension", "modell"], "en": ["dimension", "model"]}[L]
    return t



def flagged_display(rev: Any) -> pd.DataFrame:
    """Items flagged review/revise with their reasons (worst first)."""
    L = rev.language
    comp = rev.comprehension
    if comp is None or not len(comp):
        return pd.DataFrame()
    f = comp[comp["flag"] != "ok"].copy()
    f["flag"] = f["flag"].map(FLAG_WORDS[L])
    return f.set_index("item")[["flag", "reasons"]].rename(columns=_COLS[L])

