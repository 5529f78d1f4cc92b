"""The survey-round analysis behind ``notebooks/round_report.ipynb``.

One function, :func:`analyse_round`, turns validated parameters into every
table the report shows and the ``results.json`` it writes, so the notebook
stays thin and the numbers can be tested without running it.

Examples
--------
>>> from evaluation.simulate import simulate_round
>>> from evaluation.reports.round import analyse_round
>>> data = simulate_round("dual_maturity", n=120, seed=2).data
>>> res = analyse_round(data, instrument="dual_maturity", municipality="Testby")
>>> sorted(res.results["dimensions"])
['capability', 'legacy']
>>> res.results["respondents"]["accepted"]
120
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.data.instruments import Instrument, load_instrument, text, version_key
from evaluation.privacy import DEFAULT_MIN_GROUP_SIZE, check_min_group_size
from evaluation.privacy import publications as pub
from evaluation.reports import round_publication as rpub
from evaluation.reports.round_publication import previous_publication, published_counts  # noqa: F401 (API)
from evaluation.reports.protocol import (file_parameter, instrument_parameter, instrument_reference,
                                         language_parameter,
                                         min_group_size_parameter, read_options_parameters)
from evaluation.data.responses import ResponseSet, read_responses
from evaluation.scoring import classify, group_scores, respondent_scores

__all__ = [
    "RoundParameters",
    "RoundAnalysis",
    "validate_round_parameters",
    "version_warning_text",
    "analyse_round",
    "change_between_rounds",
    "benchmark_percentiles",
    "item_distribution",
    "read_benchmark",
    "shrunken_unit_means",
    "RESULTS_SCHEMA_VERSION",
    "MIN_BENCHMARK_ORGS",
]

RESULTS_SCHEMA_VERSION = "1.0"
MIN_BENCHMARK_ORGS = 5
LANGS = ("sv", "en")


@dataclass(frozen=True)
class RoundParameters:
    """Validated parameters of a round report."""

    responses: str
    instrument: str
    municipality: str = "Kommunen"
    round_label: str = ""
    previous_responses: str | None = None
    benchmark: str | None = None
    municipality_group: str | None = None
    population_size: int | None = None
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE
    language: str = "sv"
    output_dir: str = "reports/round"
    mapping: str = ""
    format: str = ""
    shrink: bool = False


def _bool_parameter(name: str, value: Any) -> bool:
    """``True``/``False`` (also "true"/"false", "yes"/"no", 1/0) or a plain ``ValueError``.

    >>> _bool_parameter("shrink", "yes"), _bool_parameter("shrink", 0)
    (True, False)
    """
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if value in (None, ""):
        return False
    s = str(value).strip().casefold()
    if s in ("1", "true", "yes", "ja", "on"):
        return True
    if s in ("0", "false", "no", "nej", "off"):
        return False
    raise ValueError(f"Parameter {name!r} must be True or False, not {value!r}.")


def validate_round_parameters(
    *,
    responses: Any,
    instrument: Any,
    municipality: Any = "Kommunen",
    round_label: Any = "",
    previous_responses: Any = None,
    benchmark: Any = None,
    municipality_group: Any = "",
    population_size: Any = None,
    min_group_size: Any = DEFAULT_MIN_GROUP_SIZE,
    language: Any = "sv",
    output_dir: Any = "reports/round",
    mapping: Any = "",
    format: Any = "",
    shrink: Any = False,
) -> RoundParameters:
    """Check every round-report parameter; raise ``ValueError`` with a plain sentence.

    Examples
    --------
    >>> validate_round_parameters(responses="nope.csv", instrument="dual_maturity")
    Traceback (most recent call last):
    ...
    ValueError: Parameter 'responses': the file 'nope.csv' does not exist. Check the path and spelling.
    """
    resp = file_parameter("responses", responses)
    inst = instrument_parameter(instrument)
    language_parameter(language)
    k = min_group_size_parameter(min_group_size)
    pop: int | None = None
    if population_size not in (None, "", 0, "0"):
        try:
            pop = int(population_size)
        except (TypeError, ValueError):
            raise ValueError(f"Parameter 'population_size' must be the number of people invited (a whole number), "
                             f"not {population_size!r}.") from None
        if pop < 1:
            raise ValueError(f"Parameter 'population_size' must be 1 or more (people invited), not {pop}.")
    prev = file_parameter("previous_responses", previous_responses, optional=True)
    bench = file_parameter("benchmark", benchmark, optional=True)
    if not str(output_dir or "").strip():
        raise ValueError("Parameter 'output_dir' is empty: give a folder for the report.")
    mapping, format = read_options_parameters(mapping, format)
    shrink = _bool_parameter("shrink", shrink)
    return RoundParameters(responses=resp, instrument=instrument_reference(instrument, inst), municipality=str(municipality or "Kommunen"),
                           round_label=str(round_label or ""), previous_responses=prev, benchmark=bench,
                           municipality_group=str(municipality_group).strip() or None if municipality_group else None,
                           population_size=pop, min_group_size=k, language=language, output_dir=str(output_dir),
                           mapping=mapping, format=format, shrink=shrink)


# -- building blocks ---------------------------------------------------------------

def change_between_rounds(previous: ResponseSet, current: ResponseSet, *, ci: float = 0.95) -> pd.DataFrame:
    """Change per category, dimension and overall between two independent rounds.

    Welch's t-test on respondent scores (respondents are not linked between
    rounds), difference current − previous with a Welch CI, and Hedges' g with
    the pooled SD and small-sample correction
    :math:`J = 1 - 3/(4(n_1+n_2)-9)` (Hedges & Olkin 1985).

    Returns
    -------
    DataFrame indexed by score id: ``level``, ``n_prev``, ``n_cur``, ``mean_prev``,
    ``mean_cur``, ``diff``, ``ci_low``, ``ci_high``, ``t``, ``df``, ``pvalue``, ``hedges_g``.
    """
    inst = current.instrument
    a = respondent_scores(previous)
    b = respondent_scores(current)
    cat_dim = inst.category_dimension()
    rows = []
    for col in list(inst.category_items()) + list(inst.dimension_categories()) + ["overall"]:
        if col not in a.columns:
            continue
        x, y = a[col].dropna().to_numpy(), b[col].dropna().to_numpy()
        n1, n2 = len(x), len(y)
        level = "category" if col in cat_dim else "overall" if col == "overall" else "dimension"
        if n1 < 2 or n2 < 2:
            rows.append({"id": col, "level": level, "n_prev": n1, "n_cur": n2})
            continue
        v1, v2 = x.var(ddof=1) / n1, y.var(ddof=1) / n2
        se = np.sqrt(v1 + v2)
        df = (v1 + v2) ** 2 / (v1 ** 2 / (n1 - 1) + v2 ** 2 / (n2 - 1))
        diff = y.mean() - x.mean()
        tcrit = stats.t.ppf(0.5 + ci / 2, df)
        t = diff / se
        p = 2 * stats.t.sf(abs(t), df)
        sp = np.sqrt(((n1 - 1) * x.var(ddof=1) + (n2 - 1) * y.var(ddof=1)) / (n1 + n2 - 2))
        g = diff / sp * (1 - 3 / (4 * (n1 + n2) - 9)) if sp > 0 else np.nan
        rows.append({"id": col, "level": level, "n_prev": n1, "n_cur": n2, "mean_prev": x.mean(),
                     "mean_cur": y.mean(), "diff": diff, "ci_low": diff - tcrit * se, "ci_high": diff + tcrit * se,
                     "t": t, "df": df, "pvalue": p, "hedges_g": g})
    return pd.DataFrame(rows).set_index("id")


def version_warning_text(instrument: Instrument, previous_version: str, *, language: str = "sv") -> str:
    """The round report's warning when the previous round used another instrument version.

    Built from the instrument's ``changes:`` history (:meth:`Instrument.changes_since`): what
    changed in each version since, which items are not comparable (reworded, re-scaled or new)
    and so which categories' change compares different questions; or, when the older version
    is not in the history, that nothing can be said about comparability.

    Examples
    --------
    >>> from evaluation.data.instruments import load_instrument
    >>> print(version_warning_text(load_instrument("dual_maturity"), "0.9", language="en"))
    The previous round used instrument version 0.9, this one version 1.0. Version 0.9 is not in the instrument's change history, so which questions are comparable is not known; compare with care.
    """
    ch = instrument.changes_since(previous_version)
    previous_version = ch.from_version
    sv = language == "sv"
    out = (f"Föregående omgång besvarades med version {previous_version} av instrumentet, denna med version "
           f"{instrument.version}." if sv else
           f"The previous round used instrument version {previous_version}, this one version {instrument.version}.")
    if not ch.known:
        return out + (f" Version {previous_version} finns inte i instrumentets ändringshistorik, så det går inte "
                      "att säga vilka frågor som är jämförbara; jämför med försiktighet." if sv else
                      f" Version {previous_version} is not in the instrument's change history, so which questions "
                      "are comparable is not known; compare with care.")
    for c in ch.steps:
        out += f" {'Ändrat i' if sv else 'Changed in'} {c['version']}: {text(c['summary'], language).rstrip('.')}."
    if ch.not_comparable or ch.removed:
        if ch.not_comparable:
            out += (f" Inte jämförbara (ny eller ändrad fråga): {', '.join(ch.not_comparable)}." if sv else
                    f" Not comparable (new or changed question): {', '.join(ch.not_comparable)}.")
        if ch.removed:
            out += (f" Borttagna: {', '.join(ch.removed)}." if sv else f" Removed: {', '.join(ch.removed)}.")
        if ch.affected_categories:
            names = ", ".join(instrument.name_of(k, language) for k in ch.affected_categories)
            out += (f" Förändringen för {names} jämför därför delvis olika frågor; övriga frågor är jämförbara."
                    if sv else f" The change for {names} therefore compares partly different questions; "
                    "the other questions are comparable.")
    else:
        out += " Alla frågor är jämförbara mellan versionerna." if sv else \
            " All questions are comparable between the versions."
    return out


def read_benchmark(path: str | Path) -> pd.DataFrame:
    """Read a benchmark file (CSV from ``dmkit benchmark``): one row per organisation.

    Required: an ``organisation`` column (anonymous code) and score columns
    named by dimension/category ids (0–100). Optional: ``instrument``,
    ``group`` (municipality group), ``size``.
    """
    p = Path(path)
    df = pd.read_csv(p, sep=None, engine="python")
    if "organisation" not in df.columns:
        raise ValueError(f"{p.name}: a benchmark file needs an 'organisation' column (anonymous code per organisation).")
    return df


def benchmark_percentiles(org: pd.Series, bench: pd.DataFrame, *, ids: list[str],
                          min_orgs: int = MIN_BENCHMARK_ORGS) -> pd.DataFrame:
    """Percentile of the organisation's score among benchmark organisations.

    Percentile = 100 × (number below + ½ × number equal) / N (the mid-rank
    definition). Shown only when at least ``min_orgs`` organisations have a
    score; otherwise the row says why.

    >>> b = pd.DataFrame({"organisation": list("abcde"), "x": [10, 20, 30, 40, 50]})
    >>> benchmark_percentiles(pd.Series({"x": 35.0}), b, ids=["x"])["percentile"].tolist()
    [60.0]
    """
    rows = []
    for i in ids:
        if i not in bench.columns or i not in org.index:
            continue
        vals = pd.to_numeric(bench[i], errors="coerce").dropna().to_numpy()
        n = len(vals)
        if n < min_orgs:
            rows.append({"id": i, "n_organisations": n, "percentile": np.nan, "shown": False})
            continue
        x = float(org[i])
        pct = 100.0 * ((vals < x).sum() + 0.5 * (vals == x).sum()) / n
        rows.append({"id": i, "n_organisations": n, "score": x, "percentile": pct,
                     "bench_median": float(np.median(vals)), "bench_p25": float(np.percentile(vals, 25)),
                     "bench_p75": float(np.percentile(vals, 75)), "shown": True})
    return pd.DataFrame(rows, columns=["id", "n_organisations", "score", "percentile", "bench_median", "bench_p25",
                                       "bench_p75", "shown"])


def item_distribution(rs: ResponseSet) -> pd.DataFrame:
    """Share of each answer per item (of all accepted respondents), don't know and skipped apart.

    Returns a DataFrame indexed by item with columns ``share_<code>`` for each
    scale code, ``dont_know``, ``skipped``, ``n`` (respondents) and ``mean``
    (raw code mean of scale answers) and ``mean_scored`` (reverse-keyed items recoded).
    """
    inst = rs.instrument
    n = len(rs.answers)
    out = pd.DataFrame(index=inst.item_ids)
    for c in inst.scale.codes:
        out[f"share_{c}"] = (rs.answers == c).sum() / n if n else np.nan
    out["dont_know"] = rs.dont_know.sum() / n if n else np.nan
    out["skipped"] = rs.skipped.sum() / n if n else np.nan
    out["n"] = n
    out["mean"] = rs.answers.mean()
    out["mean_scored"] = rs.scored().mean()  # reverse-keyed items recoded, as the psychometrics report shows them
    return out


# -- the whole analysis --------------------------------------------------------------

@dataclass(frozen=True)
class RoundAnalysis:
    """Everything the round report shows."""

    params: RoundParameters
    responses: ResponseSet
    scores: pd.DataFrame
    organisation: pd.DataFrame
    units: pd.DataFrame | None
    roles: pd.DataFrame | None
    classification: Any
    unit_classification: pd.DataFrame | None
    change: pd.DataFrame | None
    version_warning: str | None
    benchmark: pd.DataFrame | None
    items: pd.DataFrame
    quality: Mapping[str, Any]
    results: dict = field(repr=False)
    #: with ``shrink``: the published units' REML unit means (``n, raw_mean, blup_mean, cond_sd``, ...);
    #: an empty frame when fewer than two units are published; None without ``shrink``
    shrunken: pd.DataFrame | None = None
    #: with a previous round: ordinal invariance of each dimension across the two rounds
    #: (:func:`evaluation.reports.round_invariance.change_invariance`, language-free); else None
    invariance: dict | None = None
    #: with a previous round whose export differs by 1 to k-1 answers from what an earlier report published
    #: of it: why the change section is not shown (:func:`evaluation.privacy.publications.conflicts`); else None
    change_withheld: dict | None = None
    #: the rows behind every published value, per measure, as salted fingerprints: recorded in the private
    #: register when the report is saved (:mod:`evaluation.privacy.publications`), never in results.json
    published_sets: dict = field(default_factory=dict, repr=False)

    @property
    def instrument(self) -> Instrument:
        return self.responses.instrument


def _stat_row(r: pd.Series) -> dict:
    return {k: r.get(k) for k in ("n", "mean", "sd", "se", "ci_low", "ci_high")}


def _quality(rs: ResponseSet, *, language: str, min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> dict:
    """Reliability and item quality; uses the psychometric modules when present."""
    inst = rs.instrument
    out: dict[str, Any] = {}
    scored = rs.scored()
    try:
        from evaluation.stats import reliability as rel
    except ImportError:  # pragma: no cover - lands in its own issue
        rel = None
    rows = []
    if rel is not None:
        blocks = [("dimension", d, its) for d, its in inst.dimension_items().items()] + \
                 [("category", c, its) for c, its in inst.category_items().items()]
        for level, bid, its in blocks:
            if len(its) < 2:
                continue
            try:
                a = rel.cronbach_alpha(scored[its])
                rows.append({"level": level, "id": bid, "k": a.k, "n": a.n, "alpha": a.estimate,
                             "ci_low": a.ci_low, "ci_high": a.ci_high})
            except ValueError:
                rows.append({"level": level, "id": bid, "k": len(its)})
        out["reliability"] = pd.DataFrame(rows)
        stats_rows = []
        for c, its in inst.category_items().items():
            try:
                st = rel.item_statistics(scored[its])
            except ValueError:
                continue
            st = st.assign(category=c)
            stats_rows.append(st)
        if stats_rows:
            items = pd.concat(stats_rows)
            out["item_statistics"] = items
    else:
        out["reliability"] = pd.DataFrame(rows)
    try:
        from evaluation.text import comprehension
    except ImportError:  # pragma: no cover
        comprehension = None
    if comprehension is not None:
        try:
            out["comprehension"] = comprehension.comprehension_report(rs, language=language,
                                                                      min_group_size=min_group_size)
        except Exception as exc:  # the report must still come out; say why this part is missing
            out["comprehension_error"] = f"{exc.__class__.__name__}: {exc}"
    return out


def analyse_round(
    responses: Any,
    *,
    instrument: Any,
    municipality: str = "Kommunen",
    round_label: str = "",
    previous_responses: Any = None,
    benchmark: Any = None,
    municipality_group: str | None = None,
    population_size: int | None = None,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    language: str = "sv",
    output_dir: str = "reports/round",
    mapping: str | None = None,
    format: str | None = None,
    shrink: bool = False,
) -> RoundAnalysis:
    """Run every analysis of the round report.

    ``responses``/``previous_responses`` may be paths, DataFrames or
    ResponseSets; ``benchmark`` a path or DataFrame. ``mapping`` and ``format`` are the reader's
    (:func:`~evaluation.data.responses.read_responses`) for this round's export; the previous
    round's export is read with its own ``FILE.mapping.yaml``, if it has one. With ``municipality_group``
    (e.g. SKR's ``B3``) the percentiles are also computed among the benchmark
    organisations of that group (its ``group`` column), again only when at
    least five are present. With ``shrink`` the published units (at least ``min_group_size``
    respondents) also get a shrunken overall mean (:func:`shrunken_unit_means`), in
    ``RoundAnalysis.shrunken`` and as ``blup_mean`` in results.json's ``units``. With a previous
    round (both rounds at least ``min_group_size``) the ordinal invariance of each dimension across
    the two rounds is tested too (:func:`evaluation.reports.round_invariance.change_invariance`), in
    ``RoundAnalysis.invariance`` and results.json's ``change.invariance``. Numbers are unrounded.
    """
    inst = load_instrument(instrument)
    k = check_min_group_size(min_group_size)
    if language not in LANGS:
        raise ValueError(f"language must be 'sv' or 'en', not {language!r}.")
    rs = responses if isinstance(responses, ResponseSet) else \
        read_responses(responses, inst, mapping or None, format=format or None)
    group = str(municipality_group).strip() if municipality_group else None
    params = RoundParameters(responses=str(rs.source), instrument=inst.id, municipality=municipality,
                             round_label=str(round_label), municipality_group=group,
                             population_size=population_size, min_group_size=k,
                             language=language, output_dir=str(output_dir), shrink=bool(shrink))
    scores = respondent_scores(rs)
    org = group_scores(rs, min_group_size=k).set_index("id")
    meta = rs.meta
    units = group_scores(rs, by="unit", min_group_size=k) if "unit" in meta.columns else None
    roles = group_scores(rs, by="role", min_group_size=k) if "role" in meta.columns else None
    shrunken = shrunken_unit_means(scores, meta["unit"], units, min_group_size=k) \
        if shrink and units is not None else None

    cls = inst.classification or {}
    classification = None
    unit_cls = None
    if cls.get("type") == "quadrant" and not org.loc[cls["x"], "suppressed"]:
        x, y = org.loc[cls["x"]], org.loc[cls["y"]]
        classification = classify(x["mean"], y["mean"], instrument=inst, language=language,
                                  ci=((x["ci_low"], x["ci_high"]), (y["ci_low"], y["ci_high"])))
        if units is not None:
            rows = []
            for g, sub in units.groupby("group", sort=True):
                s = sub.set_index("id")
                if s.loc[cls["x"], "suppressed"] or s.loc[cls["y"], "suppressed"]:
                    continue
                c = classify(s.loc[cls["x"], "mean"], s.loc[cls["y"], "mean"], instrument=inst, language=language,
                             ci=((s.loc[cls["x"], "ci_low"], s.loc[cls["x"], "ci_high"]),
                                 (s.loc[cls["y"], "ci_low"], s.loc[cls["y"], "ci_high"])))
                rows.append({"unit": g, "quadrant": c.id, "name": c.name, "certain": c.certain,
                             "x": c.x, "y": c.y,
                             "x_low": s.loc[cls["x"], "ci_low"], "x_high": s.loc[cls["x"], "ci_high"],
                             "y_low": s.loc[cls["y"], "ci_low"], "y_high": s.loc[cls["y"], "ci_high"]})
            unit_cls = pd.DataFrame(rows)
    elif cls.get("type") == "levels" and not org.loc["overall", "suppressed"]:
        o = org.loc["overall"]
        classification = classify(o["mean"], instrument=inst, language=language, ci=(o["ci_low"], o["ci_high"]))

    change = None
    change_withheld = None
    prev_sets: dict = {}
    invariance = None
    version_warning = None
    prev_label = None
    if previous_responses is not None and not (isinstance(previous_responses, str) and not previous_responses):
        prev_rs = previous_responses if isinstance(previous_responses, ResponseSet) else \
            read_responses(previous_responses, inst)
        if len(prev_rs.answers) >= k and len(rs.answers) >= k:
            change = change_between_rounds(prev_rs, rs)
            # the change table publishes the previous round's means (mean_prev) on this export's rows: if an
            # earlier report published that round on a few rows more or fewer, the difference is those rows
            prev_sets, hit = rpub.previous_round_sets(prev_rs, change, min_group_size=k)
            if hit:
                prev_sets = {}  # nothing of that round is published
                change_withheld = {"reason": "previous_moved", **{key: hit[0][key] for key in
                                                                   ("measure", "n_now", "n_before", "difference")}}
                change = None
            else:
                from evaluation.reports.round_invariance import change_invariance

                invariance = change_invariance(prev_rs, rs, min_group_size=k)
        if "round" in prev_rs.meta.columns and prev_rs.meta["round"].notna().any():
            prev_label = str(prev_rs.meta["round"].dropna().iloc[0])
        prev_ver = None
        if "instrument_version" in prev_rs.meta.columns and prev_rs.meta["instrument_version"].notna().any():
            prev_ver = str(prev_rs.meta["instrument_version"].dropna().iloc[0])
        if prev_ver is not None and version_key(prev_ver) != version_key(inst.version):
            version_warning = version_warning_text(inst, prev_ver, language=language)

    bench = None
    if benchmark is not None and not (isinstance(benchmark, str) and not benchmark):
        bdf = benchmark if isinstance(benchmark, pd.DataFrame) else read_benchmark(benchmark)
        if "instrument" in bdf.columns:
            bdf = bdf[bdf["instrument"].astype(str) == inst.id]
        ids = list(inst.dimension_categories()) + ["overall"] + list(inst.category_items())
        bench = benchmark_percentiles(org["mean"], bdf, ids=ids).assign(among="all")
        if group and "group" in bdf.columns:
            same = bdf[bdf["group"].astype(str).str.strip().str.casefold() == group.casefold()]
            bench = pd.concat([bench, benchmark_percentiles(org["mean"], same, ids=ids).assign(among=group)],
                              ignore_index=True)

    items = _suppress_items(item_distribution(rs), rs, k)
    quality = _suppress_quality(_quality(rs, language=language, min_group_size=k), n_resp=len(rs.answers), k=k)
    if change is not None:
        change = _suppress_change(change, k)

    # -- results.json --------------------------------------------------------------
    def block(ids: list[str]) -> dict:
        return {i: {"name": inst.name_of(i, language), **({"suppressed": True} if org.loc[i, "suppressed"]
                                                           else _stat_row(org.loc[i]))} for i in ids}

    cats = list(inst.category_items())
    cat_table = org.loc[cats]
    ranked = cat_table[~cat_table["suppressed"]].sort_values("mean", ascending=False)
    n_resp = int(len(rs.answers))
    results: dict[str, Any] = {
        "schema_version": RESULTS_SCHEMA_VERSION,
        "report": "round",
        "municipality": municipality,
        "round_label": str(round_label),
        "language": language,
        "instrument": {"id": inst.id, "version": inst.version, "title": text(inst.title, language)},
        "min_group_size": k,
        "respondents": {
            "rows_in": rs.n_rows_in, "accepted": n_resp, "rejected": int(len(rs.rejected)),
            "population_size": population_size,
            "response_rate": (n_resp / population_size) if population_size else None,
        },
        "overall": block(["overall"])["overall"],
        "dimensions": block(list(inst.dimension_categories())),
        "categories": block(cats),
        "strongest": list(ranked.index[:3]),
        "weakest": list(ranked.index[::-1][:3]),
        "classification": None if classification is None else classification.to_dict(),
        "units": _group_results(units, inst, shrunken=shrunken),
        # with --shrink only: what the units' ``blup_mean`` is (absent without it, so the output is unchanged)
        **({} if shrunken is None else {"units_shrunken": {
            "shrunken": True, "column": "blup_mean", "score": "overall", "method": "reml_blup",
            "fitted_on": "published_units", "n_units": int(len(shrunken))}}),
        "roles": _group_results(roles, inst),
        "change": None if change is None else {
            "previous_round": prev_label, "version_warning": version_warning,
            "rows": change.reset_index().to_dict(orient="records"), "invariance": invariance},
        "benchmark": None if bench is None else {
            "min_organisations": MIN_BENCHMARK_ORGS,
            "municipality_group": group,
            "rows": bench[bench["among"] == "all"].drop(columns="among").to_dict(orient="records"),
            "group_rows": bench[bench["among"] != "all"].drop(columns="among").to_dict(orient="records")},
        "quality": {
            "reliability": quality.get("reliability", pd.DataFrame()).to_dict(orient="records"),
            "dont_know_rate": float(rs.dont_know.to_numpy().mean()) if n_resp >= k else None,
            "skip_rate": float(rs.skipped.to_numpy().mean()) if n_resp >= k else None,
            "items": items.reset_index(names="item")[["item", "dont_know", "skipped", "mean"]].to_dict(orient="records"),
            "flagged": _flagged(quality),
        },
    }
    if change_withheld is not None:
        results["change_withheld"] = change_withheld
    results["published_counts"] = rpub.published_counts(results)
    withheld = None
    sets: dict = {}
    if n_resp < k:
        withheld = {"reason": "too_few", "n": n_resp}
    else:
        sets = pub.merge(rpub.published_sets(rs, scores, org=org, units=units, roles=roles, items=items), prev_sets)
        withheld, before = rpub.differencing(results, sets, output_dir=output_dir, min_group_size=k)
        if withheld is not None:
            results = rpub.withheld_results(results, withheld, counts=before)
            sets = {}
    results["withheld"] = withheld
    return RoundAnalysis(params=params, responses=rs, scores=scores, organisation=org, units=units, roles=roles,
                         classification=classification, unit_classification=unit_cls, change=change,
                         version_warning=version_warning, benchmark=bench, items=items, quality=quality,
                         results=results, shrunken=shrunken, invariance=invariance,
                         change_withheld=change_withheld, published_sets=sets)


def _suppress_items(items: pd.DataFrame, rs: ResponseSet, k: int) -> pd.DataFrame:
    """Primary suppression of the item table: nothing from fewer than ``k`` respondents.

    Below ``k`` accepted respondents in all, every item value is hidden (the
    whole answer distribution of a tiny organisation would be published
    otherwise); an item's mean and its answer shares per scale code from fewer
    than ``k`` scale answers are hidden.

    >>> from evaluation.simulate import simulate_round
    >>> from evaluation.data.responses import read_responses
    >>> rs = read_responses(simulate_round("dual_maturity", n=3, seed=1).data, "dual_maturity")
    >>> bool(_suppress_items(item_distribution(rs), rs, 5).drop(columns=["n", "answered"]).isna().all().all())
    True
    """
    out = items.copy()
    answered = rs.answers.notna().sum()
    value_cols = [c for c in out.columns if c != "n"]
    if len(rs.answers) < k:
        out[value_cols] = np.nan
    else:
        few = answered.reindex(out.index).fillna(0) < k
        # the mean and the answer distribution on the scale stand on the scale answers: with fewer than k
        # of them the shares per code would publish those few people's answers (don't know and skipped
        # stay: they are shares of everyone asked)
        scale_cols = [c for c in out.columns if c in ("mean", "mean_scored") or str(c).startswith("share_")]
        out.loc[few, scale_cols] = np.nan
    out["answered"] = answered.reindex(out.index).fillna(0).astype(int)
    return out


def _suppress_quality(quality: dict, *, n_resp: int, k: int) -> dict:
    """No reliability or item statistic computed on fewer than ``k`` respondents."""
    if n_resp < k:
        return {"reliability": pd.DataFrame(columns=["level", "id", "k"]), "suppressed": True}
    out = dict(quality)
    rel = out.get("reliability")
    if isinstance(rel, pd.DataFrame) and "n" in rel.columns and len(rel):
        small = rel["n"].fillna(0) < k
        rel = rel.copy()
        for c in ("alpha", "ci_low", "ci_high"):
            if c in rel.columns:
                rel.loc[small, c] = np.nan
        out["reliability"] = rel
    st = out.get("item_statistics")
    if isinstance(st, pd.DataFrame) and "n" in st.columns:
        keep = [c for c in st.columns if c in ("n", "category")]
        st = st.copy()
        st.loc[st["n"].fillna(0) < k, [c for c in st.columns if c not in keep]] = np.nan
        out["item_statistics"] = st
    return out


def _suppress_change(change: pd.DataFrame, k: int) -> pd.DataFrame:
    """A change row is shown only when both rounds have at least ``k`` respondents behind it."""
    out = change.copy()
    small = (out["n_prev"].fillna(0) < k) | (out["n_cur"].fillna(0) < k)
    values = [c for c in out.columns if c not in ("level", "n_prev", "n_cur")]
    out.loc[small, values] = np.nan
    out["suppressed"] = small
    return out


def shrunken_unit_means(scores: pd.DataFrame, unit: pd.Series, units: pd.DataFrame, *,
                        min_group_size: int) -> pd.DataFrame:
    """REML shrunken (BLUP) overall means of the published units only.

    The random-intercept model (:func:`evaluation.stats.aggregation.unit_means`, as
    ``lme4::lmer(overall ~ 1 + (1 | unit))``; Bliese 2000) is fitted on the respondents of the
    units the report publishes (``overall`` not suppressed, at least ``min_group_size``
    respondents), so a hidden unit's answers enter no published number, not even through
    the intercept or the variance components.

    Parameters
    ----------
    scores : DataFrame
        Respondent scores with an ``overall`` column (:func:`evaluation.scoring.respondent_scores`).
    unit : Series
        Each respondent's unit, aligned with ``scores``.
    units : DataFrame
        The suppressed group table (:func:`evaluation.scoring.group_scores` by unit).
    min_group_size : int
        Smallest unit published.

    Returns
    -------
    DataFrame
        Indexed by unit: ``n, raw_mean, t_ci_low, t_ci_high, blup_mean, cond_sd``; empty
        (same columns) when fewer than two units are published.
    """
    from evaluation.stats.aggregation import unit_means

    ov = units[units["id"] == "overall"]
    published = set(ov.loc[~ov["suppressed"].astype(bool) & (ov["n"] >= min_group_size), "group"])
    keep = unit.reindex(scores.index).isin(published)
    frame = pd.DataFrame({"unit": unit.reindex(scores.index)[keep], "overall": scores.loc[keep, "overall"]})
    cols = ["n", "raw_mean", "t_ci_low", "t_ci_high", "blup_mean", "cond_sd"]
    try:
        out = unit_means(frame, "overall", "unit").units
    except ValueError:  # fewer than two published units
        return pd.DataFrame(columns=cols)
    return out.loc[[g for g in sorted(out.index) if g in published], cols]


def _group_results(table: pd.DataFrame | None, inst: Instrument, *,
                   shrunken: pd.DataFrame | None = None) -> list[dict] | None:
    """Per-group headline numbers; a suppressed group shows only its label; ``blup_mean`` with ``shrunken``."""
    if table is None:
        return None
    out = []
    for g, sub in table.groupby("group", sort=True):
        s = sub.set_index("id")
        if s.loc["overall", "suppressed"]:
            out.append({"group": g, "suppressed": True})
            continue
        entry = {"group": g, "suppressed": False, "n": s.loc["overall", "n"]}
        for i in list(inst.dimension_categories()) + ["overall"]:
            entry[i] = None if s.loc[i, "suppressed"] else {k: s.loc[i, k] for k in ("mean", "ci_low", "ci_high")}
        if shrunken is not None and g in shrunken.index:
            entry["blup_mean"] = float(shrunken.loc[g, "blup_mean"])
        out.append(entry)
    return out


def _flagged(quality: Mapping[str, Any]) -> list[dict]:
    comp = quality.get("comprehension")
    if comp is None or not len(comp):
        return []
    flagged = comp[comp["flag"] != "ok"]
    if "item" not in flagged.columns:
        flagged = flagged.reset_index(names="item")
    # codes, not words: results.json is the same in every report language
    return [{"item": r["item"], "flag": r["flag"], "reason_codes": list(r.get("reason_codes") or ())}
            for r in flagged.to_dict(orient="records")]


#: The report's words live in :mod:`evaluation.reports.round_words`; served from here too (0.1 names).
_WORDS = ("summary_markdown", "suppression_note", "change_markdown", "benchmark_markdown", "unit_matrix",
          "headings", "quality_markdown", "_W", "_H")


def __getattr__(name: str) -> Any:
    if name not in _WORDS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from evaluation.reports import round_words

    return getattr(round_words, name)
