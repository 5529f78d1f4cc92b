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
   (:func:`evaluation.text.comprehension.comprehension_report`).

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
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Mapping

import numpy as np
import pandas as pd

from evaluation import criteria as _c
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

#: The cut-offs the review judges by, from :mod:`evaluation.criteria` (defined there once, with references).
HU_BENTLER = _c.HU_BENTLER
RELIABILITY_GROUP = _c.RELIABILITY_GROUP.value
RELIABILITY_INDIVIDUAL = _c.RELIABILITY_INDIVIDUAL.value
OMEGA_H_GENERAL = _c.OMEGA_H_GENERAL.value
WEAK_LOADING = _c.WEAK_LOADING.value
DISCRIMINANT_R = _c.DISCRIMINANT_R.value


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
    from evaluation.reports.protocol import (file_parameter, instrument_parameter, instrument_reference,
                                             language_parameter, min_group_size_parameter, read_export,
                                             read_options_parameters)

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
    return PsychometricsParameters(responses=str(path), instrument=instrument_reference(instrument, inst),
                                   group_column=group or None,
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
    for key, cut in HU_BENTLER.items():
        v = float(getattr(cfa_result, key))
        ok = bool(np.isfinite(v) and cut.passes(v))
        rows.append({"index": key, "value": v, "rule": f"{cut.op} {cut.value:.2f}", "cutoff": cut.value, "passes": ok})
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


def _correlatable_items(scored: pd.DataFrame, *, min_answers: int) -> tuple[list[str], list[str]]:
    """The items a correlation-matrix analysis can use, and those it must leave out.

    Left out: an item answered on the scale by fewer than ``min_answers`` (its correlations would stand on
    a few people, and often be undefined), an item without variance, then, one at a time, the item with
    the most undefined pairwise correlations until the matrix is complete.

    >>> d = pd.DataFrame({"a": [1, 2, 3, 4, 5, 1], "b": [2, 2, 3, 5, 4, 1], "c": [3, None, None, None, None, 3],
    ...                   "d": [5, 4, 3, 2, 1, 2]})
    >>> _correlatable_items(d, min_answers=5)
    (['a', 'b', 'd'], ['c'])
    """
    keep = [c for c in scored.columns
            if scored[c].notna().sum() >= min_answers and scored[c].nunique(dropna=True) > 1]
    while len(keep) > 2:
        bad = (~np.isfinite(scored[keep].corr().to_numpy())).sum(axis=0)
        if not bad.any():
            break
        keep.pop(int(np.argmax(bad)))
    return keep, [c for c in scored.columns if c not in keep]


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
        omega_h_note = "single_category"  # a code: the words are text.psychometrics' (results.json stays language-free)

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
    pa_items, left_out = _correlatable_items(scored[inst.item_ids], min_answers=k_min)
    notes["parallel"].extend(left_out)
    pa = st.parallel_analysis(scored[pa_items], fa="pc", seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pa_fa = st.parallel_analysis(scored[pa_items], fa="fa", seed=seed)

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
        from evaluation.text.comprehension import comprehension_report

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                comp = comprehension_report(rs, language=L, min_group_size=k_min)
        except Exception as exc:  # the review must still come out; say why this part is missing
            notes["comprehension"].append(f"{exc.__class__.__name__}: {exc}")

    review = dict(responses=rs, language=L, min_group_size=k_min, missing=missing, reliability=reliability,
                  omega_h=omega_h, omega_h_note=omega_h_note, items=items, parallel=pa, parallel_fa=pa_fa,
                  cfa=cfas, fit=fit, invariance=invariance, invariance_groups=inv_groups,
                  comprehension=comp, notes=notes)
    return InstrumentReview(**review, results=_results(review, n_boot=n_boot, seed=seed))


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
            if _c.DISCRIMINANT_R.passes(abs(r.iloc[i, j]))]


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


def _gated_items(items: pd.DataFrame, k: int) -> pd.DataFrame:
    """The item table for results.json through the gate: an item's statistics stand on its ``n`` answers, so
    with fewer than ``k`` every value but the count is hidden (as the HTML table hides them).

    >>> t = pd.DataFrame({"n": [4, 40], "mean": [2.0, 3.1], "share_1": [0.5, 0.1]}, index=["a", "b"])
    >>> _gated_items(t, 5).loc["a"].isna().tolist()
    [False, True, True]
    """
    from evaluation.privacy.gate import gate_values

    if "n" not in items.columns:
        return items
    values = [c for c in items.columns if c != "n" and pd.api.types.is_numeric_dtype(items[c])]
    return gate_values(items, columns=values, n=items["n"], min_group_size=k)[0]


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
        flagged = [{"item": x["item"], "flag": x["flag"], "reason_codes": list(x.get("reason_codes") or ())}
                   for x in f.to_dict(orient="records")]
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
        "instrument": {"id": inst.id, "version": inst.version,
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
        "items": _gated_items(r["items"].drop(columns=["text"]), r["min_group_size"]).reset_index(names="item")
        .to_dict(orient="records"),
        "parallel_analysis": {
            "n_factors_pc": r["parallel"].n_factors, "n_factors_fa": r["parallel_fa"].n_factors,
            "n_dimensions": len(inst.dimension_items()), "n_categories": len(inst.category_items()),
            "n_iter": r["parallel"].n_iter, "quantile": r["parallel"].quantile,
            "eigen_pc": r["parallel"].eigen.reset_index().to_dict(orient="records"),
            "eigen_fa": r["parallel_fa"].eigen.reset_index().to_dict(orient="records"),
        },
        "cutoffs": {k: {"rule": c.op, "cutoff": c.value} for k, c in HU_BENTLER.items()},
        "cfa": {level: _cfa_block(res) for level, res in r["cfa"].items()},
        "invariance": inv,
        "comprehension": None if comp is None else {"n_items": int(len(comp)), "flagged": flagged},
        "notes": {k: list(v) for k, v in r["notes"].items() if v},
    }



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
    """The HTML ``<title>`` in the report's language; a user's instrument file by its name only (a folder
    path may carry a person's name).

    >>> _title("/home/anna/var_enkat.yaml", "sv")
    'Psykometrisk granskning: var_enkat'
    """
    word = "Psykometrisk granskning" if language != "en" else "Psychometric review"
    name = Path(str(instrument))
    return f"{word}: {name.stem if name.suffix.lower() in ('.yaml', '.yml') else instrument}"


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


# -- the review's words, tables and figures live in their layers; served here too (one import for notebooks)
from evaluation.plots.psychometrics import decimal_ticks as _decimal_ticks, reliability_plot, scree_plot  # noqa: E402
from evaluation.reports.psychometrics_tables import (  # noqa: E402
    _dash, as_table, display_table, factor_correlation_display, fit_display, flagged_display, invariance_display,
    item_display, loadings_display, reliability_display)
from evaluation.text.psychometrics import (  # noqa: E402
    cfa_markdown, comprehension_markdown, flagged_markdown, headings, invariance_markdown, items_markdown,
    parallel_markdown, reliability_alt, reliability_markdown, scree_alt, summary_markdown)
