"""A researcher's review of an instrument on one data set (``dmkit psychometrics``).

One function, :func:`review_instrument`, runs every analysis behind
``notebooks/psychometrics.ipynb`` and collects the numbers its
``results.json`` holds, so the notebook stays thin and the numbers can be
tested without running it:

1. **Reliability** per dimension and per category: Cronbach's alpha with the
   Feldt interval and McDonald's omega total with a percentile-bootstrap
   interval (:mod:`evaluation.stats.reliability`, equal to ``psych``/``lavaan``);
   omega hierarchical of the whole instrument with the categories (or
   dimensions) as group factors.
2. **Items**: psych-style item statistics per category with the item texts.
3. **Parallel analysis**: how many factors the data support, against the
   number of dimensions and categories the instrument claims.
4. **CFA of the intended structure** at category and dimension level, with
   every fit index judged against Hu & Bentler's (1999) cut-offs
   (:data:`HU_BENTLER`).
5. **Measurement invariance** of each dimension's category model across a
   group column (configural, metric, scalar; Chen 2007). Groups with fewer
   than ``min_group_size`` respondents are left out of that analysis
   (privacy: no number describes them; only their label is named as left
   out).
6. **Items that may be hard to understand**
   (:func:`evaluation.stats.comprehension.comprehension_report`).

Missing answers ("don't know", skipped) are common in maturity surveys, so the
factor models use full-information ML (lavaan's ``missing="ml"``) by default:
listwise deletion would keep only the respondents who answered every item
(53 of 262 in ``data_samples/solvik_2025.csv``).

Plain-language text functions (:func:`summary_markdown`,
:func:`reliability_markdown`, ...) say what the numbers mean, in Swedish by
default or English on request; display-table functions round for the report
(the analysis itself never rounds).

Examples
--------
>>> from evaluation.simulate import simulate_round
>>> from evaluation.data.responses import read_responses
>>> rs = read_responses(simulate_round("dual_maturity", n=200, seed=3).data, "dual_maturity")
>>> rev = review_instrument(rs, n_boot=50, missing="listwise", comprehension=False)
>>> int(rev.reliability.loc[("dimension", "capability"), "k"])
15
>>> sorted(rev.results["cfa"])
['category', 'dimension']
>>> rev.results["cfa"]["category"]["df"]
390
"""

from __future__ import annotations

import argparse
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Mapping

import numpy as np
import pandas as pd

from evaluation.data.instruments import Instrument, load_instrument, text
from evaluation.privacy import DEFAULT_MIN_GROUP_SIZE, check_min_group_size
from evaluation.data.responses import ResponseSet, read_responses

__all__ = [
    "HU_BENTLER",
    "PsychometricsParameters",
    "InstrumentReview",
    "validate_psychometrics_parameters",
    "review_instrument",
    "judge_fit",
    "headings",
    "summary_markdown",
    "reliability_markdown",
    "items_markdown",
    "parallel_markdown",
    "cfa_markdown",
    "invariance_markdown",
    "comprehension_markdown",
    "reliability_display",
    "item_display",
    "fit_display",
    "loadings_display",
    "factor_correlations",
    "factor_correlation_display",
    "invariance_display",
    "flagged_display",
    "flagged_markdown",
    "reliability_plot",
    "scree_plot",
    "add_cli",
    "RESULTS_SCHEMA_VERSION",
]

RESULTS_SCHEMA_VERSION = "1.0"
LANGS = ("sv", "en")

#: Hu & Bentler (1999) cut-offs for good fit: index -> (direction, cut-off).
#: Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit indexes in covariance
#: structure analysis. Structural Equation Modeling, 6(1), 1-55.
HU_BENTLER: dict[str, tuple[str, float]] = {
    "cfi": (">=", 0.95),
    "tli": (">=", 0.95),
    "rmsea": ("<=", 0.06),
    "srmr": ("<=", 0.08),
}

#: Reliability thresholds used in the text (Nunnally & Bernstein 1994): enough for
#: comparing groups, and for decisions about single respondents.
RELIABILITY_GROUP = 0.70
RELIABILITY_INDIVIDUAL = 0.90
#: omega_h at or above this: the total score mainly reflects one general factor
#: (Rodriguez, Reise & Haviland 2016, Psychological Methods 21, 137-150).
OMEGA_H_GENERAL = 0.80


# ----------------------------------------------------------------------------- parameters
@dataclass(frozen=True)
class PsychometricsParameters:
    """Validated parameters of the psychometrics notebook."""

    responses: str
    instrument: str
    group_column: str | None = None
    language: str = "sv"
    output_dir: str = "reports/psychometrics"
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE
    n_boot: int = 1000
    mapping: str = ""
    format: str = ""


def validate_psychometrics_parameters(
    *,
    responses: Any,
    instrument: Any,
    group_column: Any = "",
    language: Any = "sv",
    output_dir: Any = "reports/psychometrics",
    min_group_size: Any = DEFAULT_MIN_GROUP_SIZE,
    n_boot: Any = 1000,
    mapping: Any = "",
    format: Any = "",
) -> PsychometricsParameters:
    """Check every parameter of the psychometrics review; raise ``ValueError`` with a plain sentence.

    ``group_column`` may be empty (no invariance analysis) or the name of a
    metadata column of the file (``role``, ``unit``, or a Swedish spelling
    such as ``roll``/``enhet``, which the import maps). ``mapping`` (a mapping file) and
    ``format`` (the survey tool) are the reader's, as in ``dmkit validate``; empty means the
    ``FILE.mapping.yaml`` beside the export, if any, and the tool detected from the file.

    Examples
    --------
    >>> validate_psychometrics_parameters(responses="nope.csv", instrument="dual_maturity")
    Traceback (most recent call last):
    ...
    ValueError: Parameter 'responses': the file 'nope.csv' does not exist. Check the path and spelling.
    >>> p = validate_psychometrics_parameters(responses="data_samples/solvik_2025.csv",
    ...                                       instrument="dual_maturity", group_column="role")
    >>> p.group_column, p.language, p.min_group_size
    ('role', 'sv', 5)
    """
    from evaluation.reports.protocol import (file_parameter, instrument_parameter, language_parameter,
                                             min_group_size_parameter, read_export, read_options_parameters)

    path = Path(file_parameter("responses", responses))
    mapping, format = read_options_parameters(mapping, format)
    inst = instrument_parameter(instrument)
    language_parameter(language)
    k = min_group_size_parameter(min_group_size)
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 10:
        raise ValueError(f"Parameter 'n_boot' must be a whole number of bootstrap resamples, at least 10 "
                         f"(1000 is usual), not {n_boot!r}.")
    if not str(output_dir or "").strip():
        raise ValueError("Parameter 'output_dir' is empty: give a folder for the report.")
    group = str(group_column).strip() if group_column is not None else ""
    if group:
        from evaluation.data.responses import META_ALIASES

        canonical = group
        low = group.lower()
        for name, aliases in META_ALIASES.items():
            if low == name or low in aliases:
                canonical = name
                break
        try:
            rs = read_export(str(path), inst, SimpleNamespace(mapping=mapping, format=format))
        except ValueError as exc:
            raise ValueError(f"Parameter 'responses': {exc}") from None
        if canonical not in rs.meta.columns:
            have = [c for c in rs.meta.columns if c not in ("respondent_id",) and c not in rs.free_text_columns]
            raise ValueError(f"Parameter 'group_column': the file {path.name!r} has no column {group!r}. "
                             f"Columns you can group by: {', '.join(map(str, have)) or 'none'}; "
                             "or leave it empty to skip the comparison of groups.")
        group = canonical
    return PsychometricsParameters(responses=str(path), instrument=inst.id, group_column=group or None,
                                   language=language, output_dir=str(output_dir), min_group_size=k,
                                   n_boot=int(n_boot), mapping=mapping, format=format)


# ----------------------------------------------------------------------------- the review
@dataclass(frozen=True)
class InstrumentReview:
    """Everything the psychometrics notebook shows (unrounded).

    Attributes
    ----------
    responses : ResponseSet
    reliability : DataFrame
        Index (``level``, ``id``) with level ``dimension`` or ``category``
        (a dimension with a single category has only its dimension row);
        columns ``name``, ``k``, ``n_alpha``, ``alpha``, ``alpha_ci_low``,
        ``alpha_ci_high``, ``n_omega``, ``omega``, ``omega_ci_low``,
        ``omega_ci_high``, ``note`` (and ``ordinal_alpha`` when asked for).
    omega_h : OmegaHierarchicalResult or None
        Whole instrument; group factors = categories (or dimensions).
    omega_h_note : str
    items : DataFrame
        :func:`~evaluation.stats.reliability.item_statistics` within each category,
        with ``dimension``, ``category``, ``reverse`` and ``text``.
    parallel : ParallelAnalysisResult
        Principal components (``fa="pc"``).
    parallel_fa : ParallelAnalysisResult
        Common factors (``fa="fa"``, psych's reduced matrix).
    cfa : dict
        ``{"category": CFAResult, "dimension": CFAResult}`` (a level is
        missing when its model cannot be fitted; see ``notes``).
    fit : DataFrame
        :func:`judge_fit` of each level, stacked (column ``level``).
    invariance : dict
        ``{dimension id: DataFrame from measurement_invariance}``.
    invariance_groups : dict
        ``group_column``, ``included`` (labels), ``dropped`` (labels of
        groups with fewer than ``min_group_size`` respondents).
    comprehension : DataFrame or None
    notes : dict
        Plain sentences about anything left out, keyed by section.
    results : dict
        The numbers for ``results.json``.
    """

    responses: ResponseSet
    language: str
    min_group_size: int
    missing: str
    reliability: pd.DataFrame
    omega_h: Any
    omega_h_note: str
    items: pd.DataFrame
    parallel: Any
    parallel_fa: Any
    cfa: Mapping[str, Any]
    fit: pd.DataFrame
    invariance: Mapping[str, pd.DataFrame]
    invariance_groups: Mapping[str, Any]
    comprehension: pd.DataFrame | None
    notes: Mapping[str, list]
    results: dict = field(repr=False)

    @property
    def instrument(self) -> Instrument:
        return self.responses.instrument


def judge_fit(cfa_result: Any) -> pd.DataFrame:
    """Each fit index of a CFA against Hu & Bentler's (1999) cut-offs.

    Returns
    -------
    DataFrame
        Index ``cfi``, ``tli``, ``rmsea``, ``srmr``; columns ``value``,
        ``rule`` (e.g. ``">= 0.95"``), ``cutoff``, ``passes`` (bool).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> fit = SimpleNamespace(cfi=0.97, tli=0.94, rmsea=0.05, srmr=0.09)
    >>> judge_fit(fit)["passes"].tolist()
    [True, False, True, False]
    """
    rows = []
    for key, (op, cut) in HU_BENTLER.items():
        v = float(getattr(cfa_result, key))
        ok = bool(np.isfinite(v) and (v >= cut if op == ">=" else v <= cut))
        rows.append({"index": key, "value": v, "rule": f"{op} {cut:.2f}", "cutoff": cut, "passes": ok})
    return pd.DataFrame(rows).set_index("index")


def _group_labels(rs: ResponseSet, group: Any) -> pd.Series:
    if isinstance(group, str):
        if group not in rs.meta.columns:
            raise ValueError(f"There is no column {group!r} in the responses to compare groups by; "
                             f"have {[c for c in rs.meta.columns if c != 'respondent_id']}.")
        return rs.meta[group]
    g = pd.Series(np.asarray(group), index=rs.answers.index)
    if len(g) != len(rs.answers):
        raise ValueError(f"group has {len(g)} labels but there are {len(rs.answers)} respondents.")
    return g


def _masked_groups(labels: pd.Series, k: int) -> tuple[pd.Series, list, list]:
    """Group labels with groups of fewer than ``k`` respondents set to missing."""
    lab = labels.where(labels.notna() & (labels.astype(str).str.strip() != ""))
    sizes = lab.value_counts()
    dropped = sorted(str(g) for g in sizes[sizes < k].index)
    included = sorted(str(g) for g in sizes[sizes >= k].index)
    masked = lab.where(lab.astype(str).isin(included))
    return masked, included, dropped


def _dimension_model(inst: Instrument, dim: str) -> str | None:
    """lavaan syntax: the dimension's categories as correlated factors (None if not identifiable)."""
    cats = inst.dimension_categories()[dim]
    ci = inst.category_items()
    if len(cats) == 1:
        its = ci[cats[0]]
        return f"{cats[0]} =~ " + " + ".join(its) if len(its) >= 3 else None
    lines = [f"{c} =~ " + " + ".join(ci[c]) for c in cats]
    lines += [f"{ci[c][0]} ~~ 0*{ci[c][0]}" for c in cats if len(ci[c]) == 1]
    return "\n".join(lines)


def review_instrument(
    responses: Any,
    *,
    instrument: Any = None,
    group: Any = None,
    language: str = "sv",
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    n_boot: int = 1000,
    seed: int = 0,
    missing: str = "ml",
    ordinal: bool = False,
    comprehension: bool = True,
) -> InstrumentReview:
    """Run the whole psychometric review of an instrument on one data set.

    Parameters
    ----------
    responses : ResponseSet, path or DataFrame
        A path or DataFrame is read with ``instrument``.
    instrument : id, path or Instrument, optional
        Needed unless ``responses`` is a ResponseSet.
    group : str or sequence, optional
        Metadata column (``"role"``, ``"unit"``) or labels per respondent for
        the measurement-invariance analysis; None skips it.
    language : {"sv", "en"}
    min_group_size : int
        Groups with fewer respondents are left out of the invariance analysis
        (and nothing about them is shown except their label).
    n_boot : int
        Bootstrap resamples for the omega intervals.
    seed : int
        Seed of the bootstrap and of the parallel analysis.
    missing : {"ml", "listwise"}
        Missing-data handling of the factor models (CFA, invariance): full-
        information ML (default) or listwise deletion (lavaan's default).
        Omega always uses the respondents who answered every item of the
        scale (as lavaan's default), alpha pairwise covariances (as psych).
    ordinal : bool
        Add ordinal alpha (from polychoric correlations) to the reliability
        table.
    comprehension : bool
        Include the comprehension report (which items seem hard to understand).

    Returns
    -------
    InstrumentReview
    """
    from evaluation.stats import reliability as rel
    from evaluation.stats import structure as st

    if language not in LANGS:
        raise ValueError(f"language must be 'sv' (Swedish) or 'en' (English), not {language!r}.")
    k_min = check_min_group_size(min_group_size)
    if missing not in ("ml", "listwise"):
        raise ValueError(f"missing must be 'ml' (full-information ML) or 'listwise', not {missing!r}.")
    if isinstance(responses, ResponseSet):
        rs = responses
    else:
        if instrument is None:
            raise ValueError("Give the instrument (id or path) when responses is a file or a DataFrame.")
        rs = read_responses(responses, load_instrument(instrument))
    inst = rs.instrument
    scored = rs.scored()
    L = language
    notes: dict[str, list] = {k: [] for k in ("reliability", "items", "parallel", "cfa", "invariance",
                                             "comprehension")}

    # -- reliability -----------------------------------------------------------------
    rows = []
    blocks = []
    ci_items = inst.category_items()
    for d, cats in inst.dimension_categories().items():
        blocks.append(("dimension", d, inst.dimension_items()[d]))
        if len(cats) > 1:  # a dimension's only category has the same items: one row is enough
            blocks += [("category", c, ci_items[c]) for c in cats]
    for level, bid, its in blocks:
        row: dict[str, Any] = {"level": level, "id": bid, "name": inst.name_of(bid, L), "k": len(its)}
        why = []
        try:
            a = rel.cronbach_alpha(scored[its], ci=0.95, ci_method="feldt")
            row.update(n_alpha=a.n, alpha=a.estimate, alpha_ci_low=a.ci_low, alpha_ci_high=a.ci_high)
        except ValueError as exc:
            why.append(f"alpha: {exc}")
        try:
            o = rel.mcdonald_omega(scored[its], ci=0.95, ci_method="bootstrap", n_boot=n_boot, seed=seed)
            row.update(n_omega=o.n, omega=o.estimate, omega_ci_low=o.ci_low, omega_ci_high=o.ci_high)
        except ValueError as exc:
            why.append(f"omega: {exc}")
        if ordinal:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    row["ordinal_alpha"] = rel.cronbach_alpha(scored[its], ci=None, ordinal=True).estimate
            except ValueError as exc:
                why.append(f"ordinal alpha: {exc}")
        row["note"] = "; ".join(why)
        rows.append(row)
    cols = ["level", "id", "name", "k", "n_alpha", "alpha", "alpha_ci_low", "alpha_ci_high", "n_omega",
            "omega", "omega_ci_low", "omega_ci_high"] + (["ordinal_alpha"] if ordinal else []) + ["note"]
    reliability = pd.DataFrame(rows).reindex(columns=cols).set_index(["level", "id"])
    for c in ("k", "n_alpha", "n_omega"):
        reliability[c] = reliability[c].astype("Int64")

    # omega hierarchical: group factors = categories when the items allow it, else dimensions
    n_cat, n_dim, k_all = len(ci_items), len(inst.dimension_items()), len(inst.item_ids)
    omega_h, omega_h_note = None, ""
    n_groups = n_cat if (n_cat >= 2 and k_all >= 3 * n_cat) else n_dim if n_dim >= 2 else 0
    if n_groups >= 2:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                omega_h = rel.omega_hierarchical(scored[inst.item_ids], n_groups=n_groups)
            omega_h_note = "categories" if n_groups == n_cat else "dimensions"
        except ValueError as exc:
            omega_h_note = str(exc)
    else:
        omega_h_note = ("the instrument has a single category, so there are no group factors"
                        if L == "en" else "instrumentet har en enda kategori, så det finns inga gruppfaktorer")

    # -- items -------------------------------------------------------------------------
    parts = []
    for c, its in ci_items.items():
        if len(its) < 2:
            notes["items"].append(c)
            continue
        try:
            tab = rel.item_statistics(scored[its])
        except ValueError:
            notes["items"].append(c)
            continue
        parts.append(tab)
    items = pd.concat(parts) if parts else pd.DataFrame()
    meta = inst.items_frame()
    items = items.reindex([i for i in inst.item_ids if i in items.index])
    items.insert(0, "text", [text(inst.item(i).text, L) for i in items.index])
    items.insert(0, "reverse", meta.loc[items.index, "reverse"].to_numpy())
    items.insert(0, "category", meta.loc[items.index, "category"].to_numpy())
    items.insert(0, "dimension", meta.loc[items.index, "dimension"].to_numpy())

    # -- parallel analysis ---------------------------------------------------------------
    pa = st.parallel_analysis(scored[inst.item_ids], fa="pc", seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pa_fa = st.parallel_analysis(scored[inst.item_ids], fa="fa", seed=seed)

    # -- CFA of the intended structure ------------------------------------------------------
    cfas: dict[str, Any] = {}
    fits = []
    for level in ("category", "dimension"):
        if level == "category" and n_cat == n_dim:
            continue  # one category per dimension: the two models are the same
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                res = st.instrument_structure(rs, level=level, missing=missing)
        except ValueError as exc:
            notes["cfa"].append(f"{level}: {exc}")
            continue
        cfas[level] = res
        fits.append(judge_fit(res).assign(level=level))
    fit = pd.concat(fits) if fits else pd.DataFrame(columns=["value", "rule", "cutoff", "passes", "level"])

    # -- measurement invariance ---------------------------------------------------------------
    invariance: dict[str, pd.DataFrame] = {}
    inv_groups: dict[str, Any] = {"group_column": None, "included": [], "dropped": []}
    masked = None
    if group is not None:
        labels = _group_labels(rs, group)
        masked, included, dropped = _masked_groups(labels, k_min)
        inv_groups = {"group_column": group if isinstance(group, str) else getattr(group, "name", None),
                      "included": included, "dropped": dropped}
        if len(included) < 2:
            notes["invariance"].append("too_few_groups")
        else:
            for d in inst.dimension_items():
                model = _dimension_model(inst, d)
                if model is None:
                    notes["invariance"].append(f"{d}: model")
                    continue
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", RuntimeWarning)
                        tab = st.measurement_invariance(rs, model, masked.to_numpy(), missing=missing)
                except ValueError as exc:
                    notes["invariance"].append(f"{d}: {exc}")
                    continue
                if dropped:  # total n minus shown n would give the left-out groups' size
                    tab = tab.drop(columns=["n"])
                invariance[d] = tab

    # -- comprehension --------------------------------------------------------------------------
    comp = None
    if comprehension:
        from evaluation.stats.comprehension import comprehension_report

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                comp = comprehension_report(rs, language=L)
        except Exception as exc:  # the review must still come out; say why this part is missing
            notes["comprehension"].append(f"{exc.__class__.__name__}: {exc}")

    review = dict(responses=rs, language=L, min_group_size=k_min, missing=missing, reliability=reliability,
                  omega_h=omega_h, omega_h_note=omega_h_note, items=items, parallel=pa, parallel_fa=pa_fa,
                  cfa=cfas, fit=fit, invariance=invariance, invariance_groups=inv_groups,
                  comprehension=comp, notes=notes)
    return InstrumentReview(**review, results=_results(review, n_boot=n_boot, seed=seed))


#: Standardised loadings below this are called weak in the text (a common rule of thumb).
WEAK_LOADING = 0.40
#: Factor correlations at or above this suggest two factors are not distinct
#: (discriminant validity; Brown 2015, Confirmatory Factor Analysis for Applied Research, 2nd ed., ch. 5).
DISCRIMINANT_R = 0.85


def factor_correlations(cfa_result: Any) -> pd.DataFrame:
    r"""Correlations between the factors of a single-group CFA (lavaan's ``std.all`` of ``f1 ~~ f2``).

    Returns
    -------
    DataFrame
        Square, factors in model order, 1 on the diagonal.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from evaluation.stats.structure import cfa
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=(400, 2)) @ np.array([[1.0, 0.6], [0.0, 0.8]])
    >>> x = pd.DataFrame(np.repeat(f, 3, axis=1) + rng.normal(size=(400, 6)), columns=list("abcdef"))
    >>> r = factor_correlations(cfa(x, "f1 =~ a + b + c\nf2 =~ d + e + f"))
    >>> round(float(r.loc["f1", "f2"]), 2)
    0.61
    """
    fac = list(dict.fromkeys(cfa_result.loadings["factor"]))
    out = pd.DataFrame(np.eye(len(fac)), index=fac, columns=fac)
    p = cfa_result.parameters
    cov = p[(p["op"] == "~~") & p["lhs"].isin(fac) & p["rhs"].isin(fac) & (p["lhs"] != p["rhs"])]
    for r in cov.itertuples():
        out.loc[r.lhs, r.rhs] = out.loc[r.rhs, r.lhs] = r.std_all
    return out


def _high_pairs(cfa_result: Any) -> list[tuple[str, str, float]]:
    r = factor_correlations(cfa_result)
    f = list(r.index)
    return [(f[i], f[j], float(r.iloc[i, j])) for i in range(len(f)) for j in range(i + 1, len(f))
            if abs(r.iloc[i, j]) >= DISCRIMINANT_R]


def _cfa_block(res: Any) -> dict:
    judged = judge_fit(res)
    out = {k: getattr(res, k) for k in ("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea_ci_low",
                                        "rmsea_ci_high", "srmr", "n", "n_dropped", "converged")}
    out["passes"] = {k: bool(v) for k, v in judged["passes"].items()}
    out["n_pass"] = int(judged["passes"].sum())
    out["problems"] = list(res.problems)
    out["model"] = res.model
    out["loadings"] = res.loadings[["factor", "item", "estimate", "std_all", "se"]].to_dict(orient="records")
    out["factor_correlations"] = [{"factor_1": a, "factor_2": b, "r": r}
                                  for a, b, r in _pairs_all(res)]
    out["not_distinct"] = [{"factor_1": a, "factor_2": b, "r": r} for a, b, r in _high_pairs(res)]
    return out


def _pairs_all(res: Any) -> list[tuple[str, str, float]]:
    r = factor_correlations(res)
    f = list(r.index)
    return [(f[i], f[j], float(r.iloc[i, j])) for i in range(len(f)) for j in range(i + 1, len(f))]


def _results(r: Mapping[str, Any], *, n_boot: int, seed: int) -> dict:
    rs: ResponseSet = r["responses"]
    inst = rs.instrument
    L = r["language"]
    rel = r["reliability"].reset_index()
    oh = r["omega_h"]
    comp = r["comprehension"]
    flagged = []
    if comp is not None and len(comp):
        f = comp[comp["flag"] != "ok"]
        flagged = f[[c for c in ("item", "flag", "reasons") if c in f.columns]].to_dict(orient="records")
    inv = None
    if r["invariance_groups"]["group_column"] is not None:
        inv = {
            **r["invariance_groups"],
            "min_group_size": r["min_group_size"],
            "models": {d: tab.reset_index().to_dict(orient="records") for d, tab in r["invariance"].items()},
            "notes": list(r["notes"]["invariance"]),
        }
    return {
        "schema_version": RESULTS_SCHEMA_VERSION,
        "report": "psychometrics",
        "language": L,
        "instrument": {"id": inst.id, "version": inst.version, "title": text(inst.title, L),
                       "n_items": len(inst.item_ids), "n_dimensions": len(inst.dimension_items()),
                       "n_categories": len(inst.category_items())},
        "respondents": {"rows_in": rs.n_rows_in, "accepted": rs.n_accepted, "rejected": int(len(rs.rejected))},
        "read": {"tool": getattr(rs, "tool", None),
                 "mapping": Path(str(rs.mapping.source)).name if getattr(rs, "mapping", None) is not None else None},
        "min_group_size": r["min_group_size"],
        "settings": {"n_boot": n_boot, "seed": seed, "missing": r["missing"],
                     "alpha_ci": "feldt 95%", "omega_ci": "percentile bootstrap 95%"},
        "reliability": rel.drop(columns=["name"]).to_dict(orient="records"),
        "omega_hierarchical": None if oh is None else {
            "omega_h": oh.omega_h, "omega_t": oh.omega_t, "alpha": oh.alpha, "n": oh.n, "k": oh.k,
            "n_groups": oh.n_groups, "group_factors": r["omega_h_note"]},
        "items": r["items"].drop(columns=["text"]).reset_index(names="item").to_dict(orient="records"),
        "parallel_analysis": {
            "n_factors_pc": r["parallel"].n_factors, "n_factors_fa": r["parallel_fa"].n_factors,
            "n_dimensions": len(inst.dimension_items()), "n_categories": len(inst.category_items()),
            "n_iter": r["parallel"].n_iter, "quantile": r["parallel"].quantile,
            "eigen_pc": r["parallel"].eigen.reset_index().to_dict(orient="records"),
            "eigen_fa": r["parallel_fa"].eigen.reset_index().to_dict(orient="records"),
        },
        "cutoffs": {k: {"rule": op, "cutoff": c} for k, (op, c) in HU_BENTLER.items()},
        "cfa": {level: _cfa_block(res) for level, res in r["cfa"].items()},
        "invariance": inv,
        "comprehension": None if comp is None else {"n_items": int(len(comp)), "flagged": flagged},
        "notes": {k: list(v) for k, v in r["notes"].items() if v},
    }


# ----------------------------------------------------------------------------- words
_H = {
    "sv": {"title": "Psykometrisk granskning – {inst}", "summary": "Sammanfattning",
           "reliability": "Reliabilitet per dimension och kategori", "items": "Frågorna",
           "parallel": "Hur många faktorer stöder data? (parallellanalys)",
           "cfa": "Håller instrumentets struktur? (konfirmatorisk faktoranalys)", "loadings": "Standardiserade laddningar",
           "correlations": "Korrelationer mellan faktorerna",
           "invariance": "Mäter instrumentet samma sak i alla grupper? (mätinvarians)",
           "comprehension": "Frågor som kan vara svåra att förstå"},
    "en": {"title": "Psychometric review – {inst}", "summary": "Summary",
           "reliability": "Reliability per dimension and category", "items": "The items",
           "parallel": "How many factors do the data support? (parallel analysis)",
           "cfa": "Does the instrument's structure hold? (confirmatory factor analysis)",
           "loadings": "Standardised loadings", "correlations": "Correlations between the factors",
           "invariance": "Does the instrument measure the same thing in every group? (measurement invariance)",
           "comprehension": "Items that may be hard to understand"},
}

_IDX = {"cfi": "CFI", "tli": "TLI", "rmsea": "RMSEA", "srmr": "SRMR"}
_LEVEL = {"sv": {"category": "kategorinivå", "dimension": "dimensionsnivå"},
          "en": {"category": "category level", "dimension": "dimension level"}}
_VERDICT = {"sv": {"holds": "håller", "rejected": "förkastas", "not tested": "ej prövad"},
            "en": {"holds": "holds", "rejected": "rejected", "not tested": "not tested"}}
_MI_LEVEL = {"sv": {"configural": "konfigural", "metric": "metrisk", "scalar": "skalär"},
             "en": {"configural": "configural", "metric": "metric", "scalar": "scalar"}}


def _num(x: Any, L: str, d: int = 2) -> str:
    if x is None or (isinstance(x, float) and not np.isfinite(x)) or pd.isna(x):
        return "–"
    s = f"{float(x):.{d}f}"
    return s.replace(".", ",") if L == "sv" else s


def headings(language: str) -> dict:
    """Section headings of the psychometrics notebook in ``language``."""
    return dict(_H[language])


def summary_markdown(rev: InstrumentReview) -> str:
    """The review in a few plain sentences: data, reliability range, structure, fit, invariance."""
    L, inst, r = rev.language, rev.instrument, rev.results
    n = r["respondents"]["accepted"]
    rel = rev.reliability
    a_lo, a_hi = rel["alpha"].min(), rel["alpha"].max()
    o_lo, o_hi = rel["omega"].min(), rel["omega"].max()
    pa = r["parallel_analysis"]
    parts = []
    if L == "sv":
        parts.append(f"Granskningen bygger på {n} svar på *{text(inst.title, L)}* (version {inst.version}): "
                     f"{len(inst.item_ids)} frågor i {pa['n_dimensions']} dimensioner och {pa['n_categories']} kategorier.")
        parts.append(f"**Reliabilitet:** alfa {_num(a_lo, L)}–{_num(a_hi, L)} och omega {_num(o_lo, L)}–{_num(o_hi, L)} "
                     "över dimensioner och kategorier.")
        parts.append(f"**Antal faktorer:** parallellanalysen stöder {pa['n_factors_fa']} faktorer "
                     f"({pa['n_factors_pc']} komponenter); instrumentet anger {pa['n_dimensions']} dimensioner och "
                     f"{pa['n_categories']} kategorier.")
    else:
        parts.append(f"This review is based on {n} responses to *{text(inst.title, L)}* (version {inst.version}): "
                     f"{len(inst.item_ids)} items in {pa['n_dimensions']} dimensions and {pa['n_categories']} categories.")
        parts.append(f"**Reliability:** alpha {_num(a_lo, L)}–{_num(a_hi, L)} and omega {_num(o_lo, L)}–{_num(o_hi, L)} "
                     "across dimensions and categories.")
        parts.append(f"**Number of factors:** parallel analysis supports {pa['n_factors_fa']} factors "
                     f"({pa['n_factors_pc']} components); the instrument claims {pa['n_dimensions']} dimensions and "
                     f"{pa['n_categories']} categories.")
    for level, c in r["cfa"].items():
        passed = [_IDX[k] for k, v in c["passes"].items() if v]
        lv = _LEVEL[L][level]
        if L == "sv":
            parts.append(f"**Struktur ({lv}):** {c['n_pass']} av 4 mått når Hu & Bentlers gränser"
                         + (f" ({', '.join(passed)})." if passed else ".")
                         + (" Men skattningen har problem (se nedan), så tolka anpassningen försiktigt."
                            if c["problems"] else ""))
        else:
            parts.append(f"**Structure ({lv}):** {c['n_pass']} of 4 indices meet Hu & Bentler's cut-offs"
                         + (f" ({', '.join(passed)})." if passed else ".")
                         + (" But the estimates have problems (see below), so read the fit with care."
                            if c["problems"] else ""))
    inv = r["invariance"]
    if inv is not None and inv["models"]:
        best = []
        for d, rows in inv["models"].items():
            held = [x["model"] for x in rows if x["verdict"] == "holds"]
            top = "scalar" if "scalar" in held else "metric" if "metric" in held else "configural" if held else None
            best.append((inst.name_of(d, L), top))
        if L == "sv":
            parts.append("**Mätinvarians** mellan grupper i kolumnen " f"'{inv['group_column']}': " + "; ".join(
                f"{name}: {(_MI_LEVEL[L][t] + ' invarians håller') if t else 'inte ens konfigural invarians håller'}"
                for name, t in best) + ".")
        else:
            parts.append(f"**Measurement invariance** across groups of '{inv['group_column']}': " + "; ".join(
                f"{name}: {(_MI_LEVEL[L][t] + ' invariance holds') if t else 'not even configural invariance holds'}"
                for name, t in best) + ".")
    return "\n\n".join(parts)


def reliability_markdown(rev: InstrumentReview) -> str:
    """What the reliability table says, and which scales fall short."""
    L = rev.language
    rel = rev.reliability
    low = [rel.loc[i, "name"] for i in rel.index if pd.notna(rel.loc[i, "alpha"]) and rel.loc[i, "alpha"] < RELIABILITY_GROUP]
    oh = rev.omega_h
    if L == "sv":
        s = ("Alfa (Cronbach) och omega (McDonald) anger hur stor del av variationen i en skalas poäng som är "
             "verklig skillnad mellan svarande snarare än slump. Alfa har ett 95 % konfidensintervall enligt Feldt, "
             "omega ett bootstrapintervall; omega bygger på dem som besvarat alla frågor i skalan. "
             f"Värden ≥ {_num(RELIABILITY_GROUP, L)} brukar räcka för att jämföra grupper, ≥ {_num(RELIABILITY_INDIVIDUAL, L)} "
             "krävs för beslut om enskilda (Nunnally & Bernstein 1994).")
        s += (f" Under {_num(RELIABILITY_GROUP, L)}: {', '.join(low)}." if low
              else f" Alla skalor når {_num(RELIABILITY_GROUP, L)}.")
        if oh is not None:
            s += (f"\n\n**Omega hierarkisk** för hela instrumentet är {_num(oh.omega_h, L)} (omega total {_num(oh.omega_t, L)}, "
                  f"{oh.n_groups} gruppfaktorer = {'kategorierna' if rev.omega_h_note == 'categories' else 'dimensionerna'}): "
                  + ("totalpoängen speglar i huvudsak en gemensam faktor, så en sammanlagd mognadspoäng är rimlig."
                     if oh.omega_h >= OMEGA_H_GENERAL else
                     f"under {_num(OMEGA_H_GENERAL, L)}, så totalpoängen blandar en gemensam faktor med kategorispecifika "
                     "delar; tolka dimensioner och kategorier var för sig.")
                  + " (Gräns enligt Rodriguez, Reise & Haviland 2016.)")
        elif rev.omega_h_note:
            s += f"\n\nOmega hierarkisk beräknades inte: {rev.omega_h_note}."
    else:
        s = ("Alpha (Cronbach) and omega (McDonald) give the share of the variation in a scale's scores that is true "
             "difference between respondents rather than noise. Alpha has a Feldt 95 % confidence interval, omega a "
             "bootstrap interval; omega uses the respondents who answered every item of the scale. "
             f"Values ≥ {_num(RELIABILITY_GROUP, L)} are usually enough to compare groups, ≥ {_num(RELIABILITY_INDIVIDUAL, L)} "
             "is needed for decisions about individuals (Nunnally & Bernstein 1994).")
        s += (f" Below {_num(RELIABILITY_GROUP, L)}: {', '.join(low)}." if low
              else f" Every scale reaches {_num(RELIABILITY_GROUP, L)}.")
        if oh is not None:
            s += (f"\n\n**Omega hierarchical** of the whole instrument is {_num(oh.omega_h, L)} (omega total {_num(oh.omega_t, L)}, "
                  f"{oh.n_groups} group factors = the {rev.omega_h_note}): "
                  + ("the total score mainly reflects one common factor, so an overall maturity score is reasonable."
                     if oh.omega_h >= OMEGA_H_GENERAL else
                     f"below {_num(OMEGA_H_GENERAL, L)}, so the total score mixes a common factor with category-specific "
                     "parts; read dimensions and categories on their own.")
                  + " (Cut-off after Rodriguez, Reise & Haviland 2016.)")
        elif rev.omega_h_note:
            s += f"\n\nOmega hierarchical was not computed: {rev.omega_h_note}."
    return s


def items_markdown(rev: InstrumentReview) -> str:
    """How to read the item table, and which items correlate weakly with their category."""
    L = rev.language
    it = rev.items
    weak = [i for i in it.index if pd.notna(it.loc[i, "r_drop"]) and it.loc[i, "r_drop"] < 0.30]
    if L == "sv":
        s = ("Per fråga: antal svar, medelvärde och standardavvikelse (omvänt formulerade frågor är omkodade), "
             "korrigerad korrelation med resten av kategorin (r_drop) och kategorins alfa om frågan tas bort. "
             "r_drop under 0,30 tyder på att frågan mäter något annat än sin kategori.")
        s += f" Under 0,30: {', '.join(weak)}." if weak else " Ingen fråga har r_drop under 0,30."
    else:
        s = ("Per item: answers, mean and standard deviation (reverse-keyed items recoded), corrected correlation "
             "with the rest of its category (r_drop) and the category's alpha if the item is dropped. "
             "An r_drop below 0.30 suggests the item measures something other than its category.")
        s += f" Below 0.30: {', '.join(weak)}." if weak else " No item has r_drop below 0.30."
    return s


def parallel_markdown(rev: InstrumentReview) -> str:
    """Parallel analysis in words, against the instrument's own structure."""
    L = rev.language
    pa = rev.results["parallel_analysis"]
    nf, npc, nd, nc = pa["n_factors_fa"], pa["n_factors_pc"], pa["n_dimensions"], pa["n_categories"]
    q = int(round(pa["quantile"] * 100))
    if L == "sv":
        s = (f"Egenvärden från data jämförs med egenvärden från slumpdata av samma storlek ({pa['n_iter']} simuleringar; "
             f"{q}:e percentilen, Horn 1965/Glorfeld 1995). Data stöder **{nf} faktorer** ({npc} principalkomponenter). ")
        if nf == nc:
            s += "Det stämmer med antalet kategorier."
        elif nf == nd:
            s += "Det stämmer med antalet dimensioner, inte med antalet kategorier: kategorierna skiljer sig lite åt i data."
        elif nf < nd:
            s += "Det är färre än instrumentets dimensioner: data skiljer inte tydligt dimensionerna åt."
        else:
            s += "Det stämmer varken med antalet dimensioner eller kategorier; se laddningarna nedan."
    else:
        s = (f"Eigenvalues of the data are compared with those of random data of the same size ({pa['n_iter']} "
             f"simulations; {q}th percentile, Horn 1965/Glorfeld 1995). The data support **{nf} factors** "
             f"({npc} principal components). ")
        if nf == nc:
            s += "That matches the number of categories."
        elif nf == nd:
            s += "That matches the number of dimensions, not of categories: the categories differ little in these data."
        elif nf < nd:
            s += "That is fewer than the instrument's dimensions: the data do not clearly separate the dimensions."
        else:
            s += "That matches neither the number of dimensions nor of categories; see the loadings below."
    return s


_PROBLEMS_SV = (
    (r"^The model did not converge.*", "Modellen konvergerade inte; skattningar och anpassningsmått är osäkra."),
    (r"^Negative residual variance for item\(s\) (.*?)( in group .*?)? \(a Heywood case\).*",
     r"Negativ residualvarians för \1\2 (Heywood-fall): modellen passar inte dessa data; leta efter en "
     r"överflödig eller felplacerad fråga."),
    (r"^The factor covariance matrix( in group .*?)? is not positive definite.*",
     r"Faktorernas kovariansmatris\1 är inte positivt definit: några faktorer går inte att skilja åt i dessa data "
     r"(se korrelationerna nedan)."),
    (r"^Standard errors are not available.*", "Standardfel saknas: modellen är kanske inte identifierad."),
)


def _problem_text(problem: str, L: str) -> str:
    """A CFA problem sentence of :mod:`evaluation.stats.structure` in ``L`` (unknown ones as they are)."""
    if L != "sv":
        return problem
    for pat, repl in _PROBLEMS_SV:
        if re.match(pat, problem):
            return re.sub(pat, repl, problem).replace(" in group ", " i gruppen ")
    return problem


def cfa_markdown(rev: InstrumentReview) -> str:
    """The CFA fit in words: which cut-offs pass at each level, and any estimation problem."""
    L = rev.language
    out = []
    if L == "sv":
        out.append("Modellen: varje kategori (eller dimension) är en faktor som mäts av sina frågor; faktorerna får "
                   "korrelera. Skattning med maximum likelihood som lavaan"
                   + (", med alla svar (full information ML) så att 'vet ej' och obesvarade frågor inte tar bort hela svarande."
                      if rev.missing == "ml" else ", bara svarande som besvarat alla frågor.")
                   + " Gränser för god anpassning enligt Hu & Bentler (1999): CFI ≥ 0,95, TLI ≥ 0,95, RMSEA ≤ 0,06, SRMR ≤ 0,08.")
    else:
        out.append("The model: each category (or dimension) is a factor measured by its items; the factors may "
                   "correlate. Maximum-likelihood estimation as lavaan"
                   + (", using every answer (full-information ML) so that 'don't know' and skipped items do not drop "
                      "whole respondents." if rev.missing == "ml" else ", respondents who answered every item only.")
                   + " Cut-offs for good fit after Hu & Bentler (1999): CFI ≥ 0.95, TLI ≥ 0.95, RMSEA ≤ 0.06, SRMR ≤ 0.08.")
    for level, c in rev.results["cfa"].items():
        lv = _LEVEL[L][level]
        ok = [_IDX[k] for k, v in c["passes"].items() if v]
        bad = [_IDX[k] for k, v in c["passes"].items() if not v]
        if L == "sv":
            s = (f"- **{lv.capitalize()}:** χ² = {_num(c['chisq'], L, 1)} (df {c['df']}, p {_num(c['pvalue'], L, 3)}), "
                 f"CFI {_num(c['cfi'], L, 3)}, TLI {_num(c['tli'], L, 3)}, RMSEA {_num(c['rmsea'], L, 3)} "
                 f"(90 % KI {_num(c['rmsea_ci_low'], L, 3)}–{_num(c['rmsea_ci_high'], L, 3)}), SRMR {_num(c['srmr'], L, 3)}; "
                 f"n = {c['n']}. Når gränsen: {', '.join(ok) or 'inget mått'}"
                 + (f"; når den inte: {', '.join(bad)}." if bad else "."))
        else:
            s = (f"- **{lv.capitalize()}:** χ² = {_num(c['chisq'], L, 1)} (df {c['df']}, p {_num(c['pvalue'], L, 3)}), "
                 f"CFI {_num(c['cfi'], L, 3)}, TLI {_num(c['tli'], L, 3)}, RMSEA {_num(c['rmsea'], L, 3)} "
                 f"(90 % CI {_num(c['rmsea_ci_low'], L, 3)}–{_num(c['rmsea_ci_high'], L, 3)}), SRMR {_num(c['srmr'], L, 3)}; "
                 f"n = {c['n']}. Meets the cut-off: {', '.join(ok) or 'no index'}"
                 + (f"; does not: {', '.join(bad)}." if bad else "."))
        res = rev.cfa[level]
        weak = res.loadings[res.loadings["std_all"].abs() < WEAK_LOADING]
        if len(weak):
            items = ", ".join(f"{r.item} ({_num(r.std_all, L)})" for r in weak.itertuples())
            s += (f"\n  - Svaga standardiserade laddningar (under {_num(WEAK_LOADING, L)}, en vanlig tumregel): {items}."
                  if L == "sv" else
                  f"\n  - Weak standardised loadings (below {_num(WEAK_LOADING, L)}, a common rule of thumb): {items}.")
        pairs = _high_pairs(res)
        if pairs:
            names = ", ".join(f"{rev.instrument.name_of(a, L)} – {rev.instrument.name_of(b, L)} "
                              f"({_num(r, L)})" for a, b, r in pairs)
            s += ((f"\n  - Faktorer som korrelerar ≥ {_num(DISCRIMINANT_R, L)} och därför knappt går att skilja åt "
                   f"(Brown 2015): {names}.") if L == "sv" else
                  (f"\n  - Factors correlating ≥ {_num(DISCRIMINANT_R, L)}, hardly distinct (Brown 2015): {names}."))
        for p in c["problems"]:
            s += f"\n  - ⚠ {_problem_text(p, L)}"
        out.append(s)
    for n in rev.notes["cfa"]:
        out.append(("- Kunde inte skattas: " if L == "sv" else "- Could not be fitted: ") + n)
    return "\n\n".join(out[:1]) + "\n\n" + "\n".join(out[1:])


def _rule_text(rule: str, L: str) -> str:
    """A decision rule of :func:`evaluation.stats.structure.measurement_invariance` in ``L``."""
    if L != "sv":
        return rule
    out = (rule.replace("non-invariant if", "ej invariant om").replace("together with", "tillsammans med")
           .replace(" or ", " eller ").replace("configural fit acceptable if", "konfigural anpassning godtagbar om")
           .replace(" and ", " och "))
    return re.sub(r"(\d)\.(\d)", r"\1,\2", out)


def invariance_markdown(rev: InstrumentReview) -> str:
    """Which groups were compared, which were left out (labels only), the rule, and the verdicts."""
    L = rev.language
    g = rev.invariance_groups
    if g["group_column"] is None:
        return ("Ingen gruppkolumn angavs, så mätinvarians prövades inte (ange t.ex. `group_column='role'`)."
                if L == "sv" else "No group column was given, so measurement invariance was not tested "
                "(give e.g. `group_column='role'`).")
    k = rev.min_group_size
    if L == "sv":
        s = (f"Grupper i kolumnen '{g['group_column']}' som jämförs: {', '.join(g['included']) or 'inga'}. "
             "Varje dimensions kategorimodell skattas tre gånger: konfigural (samma struktur), metrisk (lika "
             "laddningar: sambanden går att jämföra) och skalär (även lika intercept: medelvärden går att jämföra).")
        if g["dropped"]:
            s += (f" Grupper med färre än {k} svarande ingår inte i analysen och inga siffror om dem visas: "
                  f"{', '.join(g['dropped'])}.")
        else:
            s += f" Alla grupper har minst {k} svarande."
    else:
        s = (f"Groups of the column '{g['group_column']}' compared: {', '.join(g['included']) or 'none'}. "
             "Each dimension's category model is fitted three times: configural (same structure), metric (equal "
             "loadings: relations can be compared) and scalar (equal intercepts too: means can be compared).")
        if g["dropped"]:
            s += (f" Groups with fewer than {k} respondents are left out of the analysis and no numbers about them "
                  f"are shown: {', '.join(g['dropped'])}.")
        else:
            s += f" Every group has at least {k} respondents."
    if "too_few_groups" in rev.notes["invariance"]:
        s += (" Färre än två grupper är tillräckligt stora, så invarians kan inte prövas." if L == "sv"
              else " Fewer than two groups are large enough, so invariance cannot be tested.")
    if rev.invariance:
        tab = next(iter(rev.invariance.values()))
        s += ("\n\nBeslutsregler:\n" if L == "sv" else "\n\nDecision rules:\n") + "\n".join(
            f"- {_MI_LEVEL[L][lvl]}: {_rule_text(rule, L)}" for lvl, rule in tab["rule"].items())
    for n in rev.notes["invariance"]:
        if n != "too_few_groups":
            s += ("\n\n- Kunde inte skattas: " if L == "sv" else "\n\n- Could not be fitted: ") + n
    return s


def comprehension_markdown(rev: InstrumentReview) -> str:
    """How many items are flagged as possibly hard to understand."""
    L = rev.language
    comp = rev.comprehension
    if comp is None:
        why = "; ".join(rev.notes["comprehension"])
        return (f"Förståelseanalysen saknas{': ' + why if why else ''}." if L == "sv"
                else f"The comprehension analysis is missing{': ' + why if why else ''}.")
    n_rev = int((comp["flag"] == "revise").sum())
    n_gr = int((comp["flag"] == "review").sum())
    if L == "sv":
        return (f"Signaler från svaren (andel 'vet ej' och obesvarat, om 'vet ej' är vanligare bland dem med lägre "
                f"mognad, svagt samband med kategorin) och från texten (LIX, dubbla frågor, facktermer). "
                f"{n_rev} frågor bör revideras och {n_gr} granskas. Skillnader mellan roller eller enheter: "
                "`dmkit items FIL -i INSTRUMENT --group role`.")
    return (f"Signals from the answers (don't-know and skip rates, whether don't know is more common at lower "
            f"maturity, weak relation with the category) and from the text (readability, double-barrelled wording, "
            f"jargon). {n_rev} items should be revised and {n_gr} reviewed. Differences between roles or units: "
            "`dmkit items FILE -i INSTRUMENT --group role`.")


# ----------------------------------------------------------------------------- display tables (rounded)
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
    from evaluation.text import format as fmt

    out = t.astype(object).where(t.notna(), "–")
    for c in t.columns:
        if pd.api.types.is_float_dtype(t[c]):
            out[c] = [fmt.number(v, language, digits) if pd.notna(v) else "–" for v in t[c]]
    return out


def display_table(frame: pd.DataFrame, *, caption: str = "", name: str = "") -> None:
    """Show a display frame (from the ``*_display`` functions) as the kit's HTML table: the index
    becomes the first columns, cells are escaped, long tables wrap inside the page."""
    from IPython.display import HTML, display

    from evaluation.reports.base import Table, table_html

    if frame is None or not len(frame):
        return
    names = list(frame.index.names)
    if isinstance(frame.index, pd.RangeIndex) or any(n in frame.columns for n in names if n is not None):
        shown = frame.reset_index(drop=True)
    else:
        shown = frame.reset_index(names=[n if n is not None else "" for n in names])
    display(HTML(table_html(Table(shown.astype(object).where(shown.notna(), "–"), caption=caption, name=name))))


def reliability_alt(rev: "InstrumentReview") -> str:
    """Alt text of the reliability figure, from the numbers."""
    from evaluation.text import format as fmt

    L = rev.language
    t = rev.reliability
    a = t["alpha"].astype(float)
    lo, hi = a.idxmin(), a.idxmax()
    words = {"sv": "Punktdiagram med alfa och omega med 95 % KI för {k} skalor; lägst alfa {lo} ({lov}), högst {hi} ({hiv}).",
             "en": "Dot plot of alpha and omega with 95% CIs for {k} scales; lowest alpha {lo} ({lov}), highest {hi} ({hiv})."}
    return words[L].format(k=len(t), lo=t.loc[lo, "name"], lov=fmt.number(a[lo], L, 2), hi=t.loc[hi, "name"],
                           hiv=fmt.number(a[hi], L, 2))


def scree_alt(rev: "InstrumentReview") -> str:
    """Alt text of the scree plot, from the parallel analysis."""
    L = rev.language
    pa, fa = rev.parallel, rev.parallel_fa
    words = {"sv": ("Screediagram: observerade egenvärden mot slumpdata. Parallellanalysen föreslår {pc} komponenter "
                    "och {fa} faktorer; instrumentet har {d} dimensioner."),
             "en": ("Scree plot: observed eigenvalues against random data. Parallel analysis suggests {pc} components "
                    "and {fa} factors; the instrument has {d} dimensions.")}
    return words[L].format(pc=pa.n_factors, fa=fa.n_factors if fa is not None else "–",
                           d=len(rev.instrument.dimension_items()))


def reliability_display(rev: InstrumentReview) -> pd.DataFrame:
    """The reliability table rounded to 2 decimals, named scales as rows (for the report)."""
    L = rev.language
    t = rev.reliability.reset_index()
    t["level"] = t["level"].map({"sv": {"dimension": "dimension", "category": "kategori"},
                                 "en": {"dimension": "dimension", "category": "category"}}[L])
    cols = [c for c in ("name", "level", "k", "n_alpha", "alpha", "alpha_ci_low", "alpha_ci_high", "n_omega",
                        "omega", "omega_ci_low", "omega_ci_high", "ordinal_alpha") if c in t.columns]
    return _dash(t[cols].rename(columns=_COLS[L]).set_index(_COLS[L]["name"]), 2, L)


def item_display(rev: InstrumentReview) -> pd.DataFrame:
    """The item table rounded for the report (text shortened to 70 characters)."""
    L = rev.language
    t = rev.items.copy()
    t["text"] = [s if len(s) <= 70 else s[:69].rstrip() + "…" for s in t["text"]]
    t["missing_share"] = t["missing_share"] * 100
    t["category"] = [rev.instrument.name_of(c, L) for c in t["category"]]
    cols = ["text", "category", "n", "mean", "sd", "r_drop", "alpha_if_dropped", "missing_share"]
    out = t[cols].copy()
    out.index.name = "id"
    from evaluation.text import format as fmt

    out["missing_share"] = [fmt.number(v, L, 1) if pd.notna(v) else "–" for v in out["missing_share"]]
    return _dash(out.rename(columns=_COLS[L]), 2, L)


def fit_display(rev: InstrumentReview) -> pd.DataFrame:
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


def loadings_display(rev: InstrumentReview, level: str = "category") -> pd.DataFrame:
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


def factor_correlation_display(rev: InstrumentReview, level: str = "category") -> pd.DataFrame:
    """Factor correlations of a CFA level with display names, rounded to 2 decimals."""
    res = rev.cfa.get(level)
    if res is None:
        return pd.DataFrame()
    r = factor_correlations(res)
    names = [rev.instrument.name_of(f, rev.language) for f in r.index]
    r.index, r.columns = names, names
    r.index.name = {"sv": "faktor", "en": "factor"}[rev.language]
    return _dash(r.astype(float), 2, rev.language)


def invariance_display(rev: InstrumentReview, part: str = "all") -> pd.DataFrame:
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


def flagged_markdown(rev: InstrumentReview) -> str:
    """Flagged items as a list: id, flag, item text and every reason (nothing cut off)."""
    L = rev.language
    comp = rev.comprehension
    if comp is None or not len(comp):
        return ""
    words = {"sv": {"review": "granska", "revise": "revidera"}, "en": {"review": "review", "revise": "revise"}}[L]
    f = comp[comp["flag"] != "ok"]
    out = []
    for r in f.itertuples():
        out.append(f"- **{r.item}** ({words[r.flag]}): *{text(rev.instrument.item(r.item).text, L)}*  \n  "
                   + str(r.reasons).replace("; ", "; "))
    return "\n".join(out)


def flagged_display(rev: InstrumentReview) -> pd.DataFrame:
    """Items flagged review/revise with their reasons (worst first)."""
    L = rev.language
    comp = rev.comprehension
    if comp is None or not len(comp):
        return pd.DataFrame()
    f = comp[comp["flag"] != "ok"].copy()
    words = {"sv": {"review": "granska", "revise": "revidera"}, "en": {"review": "review", "revise": "revise"}}[L]
    f["flag"] = f["flag"].map(words)
    return f.set_index("item")[["flag", "reasons"]].rename(columns=_COLS[L])


# ----------------------------------------------------------------------------- figures
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


def _decimal_ticks(ax, axis: str, language: str, decimals: int) -> None:
    """Tick labels of ``axis`` through the kit's number formatter (decimal comma, U+2212 in Swedish)."""
    from matplotlib.ticker import FuncFormatter

    from evaluation.text import format as fmt

    getattr(ax, f"{axis}axis").set_major_formatter(FuncFormatter(lambda v, _pos: fmt.number(v, language, decimals)))


def reliability_plot(table: pd.DataFrame, *, language: str = "sv"):
    """Dot plot of alpha and omega with 95 % CIs per scale (rows in instrument order).

    ``table`` is :attr:`InstrumentReview.reliability` (index level, id; columns
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
        ax.errorbar(v[ok], y[ok] + off, xerr=[(v - lo)[ok], (hi - v)[ok]], fmt=marker, color=colour, capsize=3,
                    ms=6, label=_F[language][col])
    ax.axvline(RELIABILITY_GROUP, color="0.5", ls="--", lw=1, label=_F[language]["good"])
    ax.axvline(RELIABILITY_INDIVIDUAL, color="0.5", ls=":", lw=1, label=_F[language]["indiv"])
    ax.set_yticks(y)
    labels = [("▸ " if lvl == "dimension" else "   ") + str(nm) for lvl, nm in zip(t["level"], t["name"])]
    ax.set_yticklabels(labels, fontsize=9)
    for tick, lvl in zip(ax.get_yticklabels(), t["level"]):
        if lvl == "dimension":
            tick.set_fontweight("bold")
    lo_all = np.nanmin(t[["alpha_ci_low", "omega_ci_low"]].to_numpy(dtype=float))
    ax.set_xlim(min(0.5, np.floor(lo_all * 10) / 10 if np.isfinite(lo_all) else 0.5), 1.0)
    ax.set_xlabel(_F[language]["coef"])
    _decimal_ticks(ax, "x", language, 1)
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
    _decimal_ticks(ax, "y", language, 1)
    ax.grid(color="0.92")
    ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------- command line
def _cmd(args: argparse.Namespace) -> int:
    from evaluation.reports.protocol import run_report_command

    params = {"responses": args.file, "instrument": args.instrument, "group_column": args.group or "",
              "language": args.language, "min_group_size": args.min_group_size, "n_boot": args.n_boot,
              "output_dir": args.output_dir, "mapping": args.mapping, "format": args.format}
    return run_report_command(notebook="psychometrics.ipynb", name="psychometrics", params=params,
                              validate=validate_psychometrics_parameters, quiet=args.quiet,
                              title=_title(args.instrument, args.language), what="psychometrics",
                              kind="psychometrics", pdf=args.pdf)


def _title(instrument: str, language: str) -> str:
    """The HTML ``<title>`` in the report's language."""
    word = "Psykometrisk granskning" if language != "en" else "Psychometric review"
    return f"{word}: {instrument}"


def add_cli(subparsers: Any) -> None:
    """Register ``dmkit psychometrics FILE --instrument ID [--group COL] ...``."""
    s = subparsers.add_parser("psychometrics", help="review an instrument on one data set: reliability, items, "
                              "factor structure, invariance (HTML + results.json)")
    s.add_argument("file", help="survey export (CSV/XLSX/SAV), e.g. data_samples/solvik_2025.csv")
    s.add_argument("--instrument", "-i", required=True)
    s.add_argument("--group", "-g", default="", help="metadata column for measurement invariance (e.g. role)")
    s.add_argument("--language", "-l", default="sv")
    s.add_argument("--min-group-size", type=int, default=DEFAULT_MIN_GROUP_SIZE)
    s.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples for the omega intervals, e.g. 2000")
    s.add_argument("--output-dir", "-o", default="reports/psychometrics")
    s.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    from evaluation.reports.protocol import add_output_options, add_read_options

    add_read_options(s)
    add_output_options(s, stem="psychometrics", slides=False)
    s.set_defaults(func=_cmd)
