"""The instrument-comparison report's analysis, disclosure control, recommendation and display tables.

:func:`run_comparison` reads the files and calls
:func:`evaluation.stats.comparison.compare_instruments`; the cross-table of
the instruments' own classes then passes the privacy layer (primary and
complementary suppression). :func:`recommendation` answers "which instrument
suits us, and why" by fixed rules from the numbers (as codes, for
results.json); the functions below make the display tables (Swedish headers
and typography via :mod:`evaluation.text`).

>>> validate_comparison_parameters(responses_a="", instrument_a="dual_maturity",
...     responses_b="b.csv", instrument_b="public_dma")
Traceback (most recent call last):
...
ValueError: responses_a is empty: give the survey export of the first instrument (CSV/XLSX/SAV).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from evaluation.reports.base import escape_md
from evaluation.stats.comparison import AGREEMENT_KEYS, InstrumentComparison, compare_instruments
from evaluation.stats.cosmin import PROPERTIES
from evaluation.text import comparison as tc
from evaluation.text import format as fmt
from evaluation.text.catalogue import t

__all__ = ["ComparisonParameters", "ComparisonAnalysis", "validate_comparison_parameters", "run_comparison",
           "recommendation", "summary_lines", "reliability_table", "structure_table", "hypotheses_table",
           "correlation_table", "agreement_table", "classes_table", "retest_table", "comprehension_table",
           "burden_table", "cosmin_table", "cosmin_sentences", "validity_figure", "retest_figure", "protect",
           "cosmin_summary_v01", "compare_instruments_v01"]

#: alpha / CFI differences below these count as "similar" (report rules, not published cut-offs)
SIMILAR_ALPHA, SIMILAR_CFI = 0.02, 0.01


@dataclass(frozen=True)
class ComparisonParameters:
    """Validated parameters of the comparison report."""

    responses_a: str
    instrument_a: str
    responses_b: str
    instrument_b: str
    link_column: str
    retest_a: str | None
    retest_b: str | None
    crosswalk: str | None
    language: str
    output_dir: str
    min_group_size: int
    mic: float = 0.0
    dif_group: str = ""
    mapping_a: str = ""
    format_a: str = ""
    mapping_b: str = ""
    format_b: str = ""


def validate_comparison_parameters(*, responses_a: str, instrument_a: str, responses_b: str, instrument_b: str,
                                   link_column: str = "respondent_id", retest_a: str = "", retest_b: str = "",
                                   crosswalk: str = "", language: str = "sv", output_dir: str = "reports/comparison",
                                   min_group_size: int = 5, mic: float = 0.0,
                                   dif_group: str = "", mapping_a: str = "", format_a: str = "",
                                   mapping_b: str = "", format_b: str = "") -> ComparisonParameters:
    """Check the comparison report's parameters; raise ``ValueError`` with a plain sentence.

    ``mapping_a``/``format_a`` are the reader's options (as ``dmkit validate --mapping/--format``) for
    the exports of instrument A (its retest too), ``mapping_b``/``format_b`` for B; empty: the
    ``FILE.mapping.yaml`` beside each export, if any, and the tool detected from the file.
    """
    from evaluation.reports.protocol import file_parameter, instrument_parameter, language_parameter, \
        min_group_size_parameter, read_options_parameters

    files = {}
    for name, value, what in (("responses_a", responses_a, "first"), ("responses_b", responses_b, "second")):
        if not value:
            raise ValueError(f"{name} is empty: give the survey export of the {what} instrument (CSV/XLSX/SAV).")
        try:
            files[name] = file_parameter(name, value)
        except ValueError:
            raise ValueError(f"{name}: the file {value!r} does not exist.") from None
    for name, value in (("retest_a", retest_a), ("retest_b", retest_b), ("crosswalk", crosswalk)):
        try:
            files[name] = file_parameter(name, value, optional=True)
        except ValueError:
            raise ValueError(f"{name}: the file {value!r} does not exist (leave it empty if there is none).") from None
    for name, value in (("instrument_a", instrument_a), ("instrument_b", instrument_b)):
        if not value:
            raise ValueError(f"{name} is empty: give an instrument id (dmkit instruments) or a YAML path.")
        instrument_parameter(value, name=name)
    read = {}
    for side, m, f in (("a", mapping_a, format_a), ("b", mapping_b, format_b)):
        try:
            read[f"mapping_{side}"], read[f"format_{side}"] = read_options_parameters(m, f)
        except ValueError as exc:
            raise ValueError(str(exc).replace("Parameter 'mapping'", f"Parameter 'mapping_{side}'")
                             .replace("Parameter 'format'", f"Parameter 'format_{side}'")) from None
    if not link_column:
        raise ValueError("link_column is empty: name the column that identifies the same person in both files.")
    language_parameter(language)
    k = min_group_size_parameter(min_group_size)
    try:
        mic = float(mic or 0.0)
    except (TypeError, ValueError):
        raise ValueError(f"mic must be a number of percentage points (0 = none), not {mic!r}.") from None
    if not mic >= 0:
        raise ValueError(f"mic must be 0 (none) or a positive number of percentage points, not {mic!r}.")
    return ComparisonParameters(
        responses_a=files["responses_a"], instrument_a=str(instrument_a), responses_b=files["responses_b"],
        instrument_b=str(instrument_b), link_column=str(link_column), retest_a=files["retest_a"],
        retest_b=files["retest_b"], crosswalk=files["crosswalk"], language=language, output_dir=str(output_dir),
        min_group_size=k, mic=mic, dif_group=str(dif_group or ""), **read)


@dataclass(frozen=True, eq=False)
class ComparisonAnalysis:
    """The comparison's numbers (:class:`~evaluation.stats.comparison.InstrumentComparison`, reachable as
    attributes) with the disclosure control applied: ``classes_hidden`` marks the cells not shown."""

    numbers: InstrumentComparison
    classes_hidden: pd.DataFrame | None
    language: str = "sv"
    #: the ResponseSets read (``rs_a``, ``rs_b`` and any retests), for the private register of publications
    read: tuple = field(default=(), repr=False)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "numbers":
            raise AttributeError(name)
        return getattr(self.numbers, name)

    def name(self, side: str) -> str:
        """Title of instrument ``"A"`` or ``"B"`` in the report language, as plain text (tables escape it)."""
        from evaluation.data.instruments import text

        inst = self.numbers.instrument_a if side == "A" else self.numbers.instrument_b
        return text(inst.title, self.language) or inst.id

    def md_name(self, side: str) -> str:
        """:meth:`name` made inert for markdown (a YAML title is user-supplied text)."""
        return escape_md(self.name(side))

    @property
    def results(self) -> dict:
        """Key figures for results.json's ``sections``: fixed keys, codes, no respondent ids, small cells hidden."""
        n = self.numbers
        classes = None
        if n.classes is not None:
            shown = n.classes.astype(object).where(~self.classes_hidden, None)
            classes = {str(r): {str(c): (None if v is None else int(v)) for c, v in row.items()}
                       for r, row in shown.iterrows()}
        return {
            "instrument_a": n.instrument_a.id, "instrument_b": n.instrument_b.id, "link": n.link,
            "n_a": n.n_a, "n_b": n.n_b, "n_linked": n.n_linked, "min_group_size": n.min_group_size,
            "reliability": n.reliability, "structure": n.structure,
            "correlations": n.validity.correlations,
            "hypotheses": n.validity.hypotheses if n.validity.hypotheses is not None else [],
            "share_confirmed": n.validity.share_confirmed, "terwee_verdict": n.validity.verdict,
            "agreement": {k: v.to_frame().iloc[0].to_dict() for k, v in n.agreement.items()},
            "classes": classes,
            "alpha_test": None if n.alpha_test is None else n.alpha_test.to_frame().iloc[0].to_dict(),
            "retest": {s: {"n": r["n"], "table": r["table"], "bland_altman": r["bland_altman"].to_frame().reset_index()}
                       for s, r in n.retest.items()},
            "comprehension": n.comprehension[["instrument", "items", "revise", "review"]],
            "burden": {c: n.burden[c].to_dict() for c in n.burden.columns},
            "cosmin": {s: tab[["rating", "values"]].to_dict(orient="index") for s, tab in n.cosmin.items()},
            "recommendation": recommendation(self),
            "notes": n.notes,
        }


def run_comparison(params: ComparisonParameters, **kwargs: Any) -> ComparisonAnalysis:
    """Read the files named in ``params``, compare, and apply the disclosure control."""
    from evaluation.data.responses import read_responses

    def read(path: str, side: str):
        return read_responses(path, getattr(params, f"instrument_{side}"),
                              getattr(params, f"mapping_{side}", "") or None,
                              format=getattr(params, f"format_{side}", "") or None)

    rs_a, rs_b = read(params.responses_a, "a"), read(params.responses_b, "b")
    rt_a = read(params.retest_a, "a") if params.retest_a else None
    rt_b = read(params.retest_b, "b") if params.retest_b else None
    options = {"mic": params.mic or None, "dif_group": params.dif_group or None, **kwargs}
    res = compare_instruments(rs_a, rs_b, link=params.link_column, crosswalk=params.crosswalk, retest_a=rt_a,
                              retest_b=rt_b, min_group_size=params.min_group_size, **options)
    read = tuple(r for r in (rs_a, rs_b, rt_a, rt_b) if r is not None)
    return dataclasses.replace(protect(res, language=params.language), read=read)


def protect(res: InstrumentComparison, *, language: str = "sv") -> ComparisonAnalysis:
    """The comparison with its class cross-table suppressed (rows and columns, primary and complementary)."""
    from evaluation.privacy import suppression_mask

    hidden = None
    if res.classes is not None:
        k = res.min_group_size
        hidden = suppression_mask(res.classes, min_group_size=k) | suppression_mask(res.classes.T, min_group_size=k).T
        if bool(hidden.to_numpy().any()) and "own_levels" in getattr(res, "agreement", {}):
            # the agreement on the instruments' own levels is computed from these very cells: its share
            # classified alike is the diagonal sum, so with shown diagonal cells it gives the hidden ones
            # back (and its weighted kappa one more equation); it goes with them
            agreement = {key: v for key, v in res.agreement.items() if key != "own_levels"}
            res = dataclasses.replace(res, agreement=agreement)
    return ComparisonAnalysis(numbers=res, classes_hidden=hidden, language=language)


# -- the recommendation -----------------------------------------------------------------

def _median_alpha(res: Any, side: str) -> float:
    r = res.reliability
    return float(r[(r.instrument == side) & (r.level == "category")]["alpha"].median())


def _flags(res: Any, side: str) -> float:
    c = res.comprehension.set_index("instrument")
    return float(c.loc[side, "revise"] + c.loc[side, "review"])


def advantages(res: Any) -> dict:
    """Which instrument is better on what, by the report's rules (codes per side)."""
    adv = {"A": [], "B": []}
    ma, mb = _median_alpha(res, "A"), _median_alpha(res, "B")
    if np.isfinite(ma) and np.isfinite(mb) and abs(ma - mb) >= SIMILAR_ALPHA:
        adv["A" if ma > mb else "B"].append("more_consistent")
    st = res.structure.set_index("instrument")
    ca, cb = st.loc["A", "cfi"], st.loc["B", "cfi"]
    from evaluation.criteria import HU_BENTLER

    if np.isfinite(ca) and np.isfinite(cb):
        both_good = all(HU_BENTLER["cfi"].passes(x) and HU_BENTLER["rmsea"].passes(st.loc[s, "rmsea"])
                        for s, x in (("A", ca), ("B", cb)))
        if not both_good and abs(ca - cb) >= SIMILAR_CFI:
            adv["A" if ca > cb else "B"].append("better_structure")
    if len(res.retest) == 2:
        a, b = res.total("A", "retest"), res.total("B", "retest")
        if a.icc2_low > b.icc2_high or b.icc2_low > a.icc2_high:
            adv["A" if a.icc2 > b.icc2 else "B"].append("more_stable")
    na, nb = len(res.instrument_a.item_ids), len(res.instrument_b.item_ids)
    if na != nb:
        adv["A" if na < nb else "B"].append("shorter")
    if res.comprehension_run and res.comprehension["revise"].notna().all():
        fa, fb = _flags(res, "A"), _flags(res, "B")
        if fa != fb:
            adv["A" if fa < fb else "B"].append("fewer_flags")
    return adv


def recommendation(res: Any) -> dict:
    """Which instrument suits us, and why, as codes.

    Rules: the instrument that meets more COSMIN criteria ("+") is chosen; on
    a tie, the one with more *quality* advantages (internal consistency,
    structure, retest stability); otherwise "either" (the practical
    advantages — shorter, fewer questions to revise — are listed). The
    instruments count as interchangeable when hypotheses testing is "+"
    (Terwee's 75 % rule).
    """
    plus = {s: int((res.cosmin[s]["rating"] == "+").sum()) for s in ("A", "B")}
    insufficient = {s: [p for p in PROPERTIES if res.cosmin[s].loc[p, "rating"] == tc.MINUS] for s in ("A", "B")}
    adv = advantages(res)
    quality = {s: len([a for a in adv[s] if a in ("more_consistent", "better_structure", "more_stable")])
               for s in ("A", "B")}
    if plus["A"] != plus["B"]:
        choice = "A" if plus["A"] > plus["B"] else "B"
    elif quality["A"] != quality["B"]:
        choice = "A" if quality["A"] > quality["B"] else "B"
    else:
        choice = "either"
    h = res.validity.hypotheses
    m = 0 if h is None else len(h)
    k = 0 if h is None else int(h["confirmed"].sum())
    return {"choice": choice, "cosmin_plus": plus, "n_properties": len(PROPERTIES), "insufficient": insufficient,
            "advantages": adv, "hypotheses": {"k": k, "m": m}, "interchangeable": res.validity.verdict == "+",
            "n_linked": res.n_linked}


# -- sentences --------------------------------------------------------------------------

def summary_lines(res: ComparisonAnalysis) -> list[str]:
    """The summary, one sentence per finding, by fixed rules from the numbers."""
    L = res.language
    na, nb = res.md_name("A"), res.md_name("B")
    names = {"A": na, "B": nb}
    out = [("n_line", dict(na=fmt.integer(res.n_a, L), a=na, nb=fmt.integer(res.n_b, L), b=nb,
                           nl=fmt.integer(res.n_linked, L)))]
    h = res.validity.hypotheses
    if h is not None and len(h):
        out.append(("hyp_line", dict(k=int(h.confirmed.sum()), m=len(h), p=fmt.percent(res.validity.share_confirmed, L),
                                     v=tc.rating_word(res.validity.verdict, L))))
    else:
        out.append(("hyp_none", {}))
    ma, mb = _median_alpha(res, "A"), _median_alpha(res, "B")
    if np.isfinite(ma) and np.isfinite(mb):
        if abs(ma - mb) < SIMILAR_ALPHA:
            key, f = "rel_same", dict(x=fmt.number(ma, L, 2), y=fmt.number(mb, L, 2))
        else:
            w, x, y = ("A", ma, mb) if ma > mb else ("B", mb, ma)
            key, f = "rel_better", dict(w=names[w], x=fmt.number(x, L, 2), y=fmt.number(y, L, 2))
        out.append((key, f))
    st = res.structure.set_index("instrument")
    if np.isfinite(st.loc["A", "cfi"]) and np.isfinite(st.loc["B", "cfi"]):
        adv = advantages(res)
        w = "A" if "better_structure" in adv["A"] else "B" if "better_structure" in adv["B"] else None
        if w is None:
            out.append(("fit_same", dict(x=fmt.number(st.loc["A", "cfi"], L, 3), y=fmt.number(st.loc["B", "cfi"], L, 3))))
        else:
            o = "B" if w == "A" else "A"
            out.append(("fit_better", dict(w=names[w], x=fmt.number(st.loc[w, "cfi"], L, 3),
                                           y=fmt.number(st.loc[o, "cfi"], L, 3))))
    elif res.structure_run:
        out.append(("fit_missing", {}))
    if "high_low" in res.agreement:
        ag = res.agreement["high_low"]
        out.append(("kappa_line", dict(pa=fmt.percent(ag.percent_agreement / 100, L), k=fmt.number(ag.kappa, L, 2),
                                       lab=tc.landis_koch(ag.kappa, L))))
    if len(res.retest) == 2:
        a, b = res.total("A", "retest"), res.total("B", "retest")
        if a.icc2_low > b.icc2_high or b.icc2_low > a.icc2_high:
            w, x, y = ("A", a.icc2, b.icc2) if a.icc2 > b.icc2 else ("B", b.icc2, a.icc2)
            out.append(("icc_better", dict(w=names[w], x=fmt.number(x, L, 2), y=fmt.number(y, L, 2))))
        else:
            out.append(("icc_same", dict(x=fmt.number(a.icc2, L, 2), y=fmt.number(b.icc2, L, 2))))
    elif res.retest:
        (s,) = res.retest
        out.append(("icc_one", dict(w=names[s], x=fmt.number(res.total(s, "retest").icc2, L, 2))))
    else:
        out.append(("none_retest", {}))
    ia, ib = len(res.instrument_a.item_ids), len(res.instrument_b.item_ids)
    lines = tc.summary_lines(out, L)
    if ia == ib:
        s = t("comparison.burden_same", L, x=ia)
    else:
        w, x, y = ("A", ia, ib) if ia < ib else ("B", ib, ia)
        s = t("comparison.burden_line", L, w=names[w], x=x, y=y)
    ta, tb = res.burden.loc["median_minutes", "A"], res.burden.loc["median_minutes", "B"]
    if np.isfinite(ta) and np.isfinite(tb):
        s += t("comparison.time_line", L, x=fmt.number(ta, L, 1), y=fmt.number(tb, L, 1))
    lines.append(s)
    if res.comprehension_run and res.comprehension["revise"].notna().all():
        fa, fb = int(_flags(res, "A")), int(_flags(res, "B"))
        if fa == fb:
            lines.append(t("comparison.compr_same", L, x=fa))
        else:
            w, x, y = ("A", fa, fb) if fa < fb else ("B", fb, fa)
            lines.append(t("comparison.compr_line", L, w=names[w], x=x, y=y))
    return lines


# -- tables -----------------------------------------------------------------------------

def _score_name(res: ComparisonAnalysis, side: str, sid: str) -> str:
    inst = res.instrument_a if side == "A" else res.instrument_b
    return t("comparison.overall", res.language) if sid == "overall" else inst.name_of(sid, res.language)


def reliability_table(res: ComparisonAnalysis, side: str) -> pd.DataFrame:
    """Cronbach's alpha per scale of one instrument: scale, level, items, alpha, "a till b"."""
    L = res.language
    r = res.reliability[res.reliability.instrument == side]
    return pd.DataFrame({
        tc.col("scale", L): [_score_name(res, side, s) for s in r["score"]],
        tc.col("level", L): [t(f"comparison.level.{v}", L) for v in r["level"]],
        tc.col("items", L): [fmt.integer(v, L) for v in r["k"]],
        tc.col("alpha", L): [fmt.number(v, L, 2) for v in r["alpha"]],
        tc.col("ci", L): [fmt.ci(a, b, L, 2) for a, b in zip(r["ci_low"], r["ci_high"])],
    })


def _fit_word(row: Any, L: str) -> str:
    from evaluation.criteria import CONFIGURAL_FIT, HU_BENTLER

    if not row["converged"]:
        return t("comparison.not_converged", L)
    if HU_BENTLER["cfi"].passes(row["cfi"]) and HU_BENTLER["rmsea"].passes(row["rmsea"]):
        return t("comparison.fit_good", L)
    if CONFIGURAL_FIT["cfi"].passes(row["cfi"]) and CONFIGURAL_FIT["rmsea"].passes(row["rmsea"]):
        return t("comparison.fit_acceptable", L)
    return t("comparison.fit_poor", L)


def structure_table(res: ComparisonAnalysis) -> pd.DataFrame:
    """CFA fit per instrument, with the verdict in words (Hu & Bentler via :mod:`evaluation.criteria`)."""
    L, st = res.language, res.structure
    return pd.DataFrame({
        tc.col("instrument", L): [res.name(s) for s in st["instrument"]],
        "CFI": [fmt.number(v, L, 3) for v in st["cfi"]],
        "TLI": [fmt.number(v, L, 3) for v in st["tli"]],
        "RMSEA": [fmt.number(v, L, 3) for v in st["rmsea"]],
        "SRMR": [fmt.number(v, L, 3) for v in st["srmr"]],
        "n": [fmt.integer(v, L) for v in st["n"]],
        tc.col("verdict", L): [_fit_word(r, L) for _, r in st.iterrows()],
    })


def hypotheses_table(res: ComparisonAnalysis) -> pd.DataFrame | None:
    """The crosswalk hypotheses with their correlations: A score, B score, expected, r (CI), corrected, confirmed."""
    L, h = res.language, res.validity.hypotheses
    if h is None or not len(h):
        return None
    c = res.validity.correlations.set_index(["a", "b"])
    rows = []
    for r in h.to_dict("records"):
        cr = c.loc[(r["a"], r["b"])]
        rows.append({"A": _score_name(res, "A", r["a"]), "B": _score_name(res, "B", r["b"]),
                     tc.col("expected", L): t(f"comparison.{r['expected']}", L),
                     tc.col("r", L): f"{fmt.number(cr['r'], L, 2)} ({fmt.ci(cr['ci_low'], cr['ci_high'], L, 2)})",
                     tc.col("r_corrected", L): fmt.number(cr["r_disattenuated"], L, 2),
                     tc.col("confirmed", L): t("comparison.yes" if r["confirmed"] else "comparison.no", L)})
    return pd.DataFrame(rows)


def correlation_table(res: ComparisonAnalysis) -> pd.DataFrame:
    """Correlations between A's dimensions (rows) and B's dimensions (columns): the cross block only."""
    L, m = res.language, res.validity.mtmm
    rows = [i for i in m.index if i[0] == "A" and i[1] in res.instrument_a.dimension_items()]
    cols = [i for i in m.columns if i[0] == "B" and i[1] in res.instrument_b.dimension_items()]
    block = m.loc[rows, cols]
    out = pd.DataFrame({"A \\ B": [_score_name(res, "A", s) for _, s in rows]})
    for c in cols:
        out[_score_name(res, "B", c[1])] = [fmt.number(v, L, 2) for v in block[c]]
    return out


def agreement_table(res: ComparisonAnalysis) -> pd.DataFrame:
    """Kappa per classification: kappa with "a till b", share classified alike, people, weights."""
    L = res.language
    rows = []
    for key in AGREEMENT_KEYS:
        ag = res.agreement.get(key)
        if ag is None:
            continue
        rows.append({tc.col("classification", L): tc.agreement_name(key, L),
                     "kappa": fmt.number(ag.kappa, L, 2), tc.col("ci", L): fmt.ci(ag.ci_low, ag.ci_high, L, 2),
                     tc.col("share_same", L): fmt.percent(ag.percent_agreement / 100, L),
                     tc.col("n", L): fmt.integer(ag.n, L),
                     tc.col("weights", L): t(f"comparison.weights_{ag.weights or 'none'}", L)})
    out = pd.DataFrame(rows)
    if len(out) and (out[tc.col("weights", L)] == fmt.DASH).all():
        out = out.drop(columns=tc.col("weights", L))
    return out


def classes_table(res: ComparisonAnalysis) -> pd.DataFrame | None:
    """The own-class cross-table with small cells hidden ("–"); rows A's classes, columns B's."""
    if res.classes is None:
        return None
    L = res.language
    ia, ib = res.instrument_a, res.instrument_b
    out = pd.DataFrame({"A \\ B": [ia.name_of(i, L) for i in res.classes.index]})
    for c in res.classes.columns:
        out[ib.name_of(c, L)] = [fmt.DASH if h else fmt.integer(v, L)
                                            for v, h in zip(res.classes[c], res.classes_hidden[c])]
    return out


def retest_table(res: ComparisonAnalysis, side: str) -> pd.DataFrame | None:
    """Test–retest per score of one instrument: score, means, ICC(2,1) with CI, smallest detectable change."""
    L = res.language
    frames = []
    for s, rt in res.retest.items():
        if s != side:
            continue
        tb = rt["table"]
        frames.append(pd.DataFrame({
            tc.col("score", L): [_score_name(res, side, s) for s in tb["score"]],
            tc.col("mean_t1", L): [fmt.points(v, L, 1) for v in tb["mean_t1"]],
            tc.col("mean_t2", L): [fmt.points(v, L, 1) for v in tb["mean_t2"]],
            tc.col("icc", L): [f"{fmt.number(i, L, 2)} ({fmt.ci(a, b, L, 2)})"
                               for i, a, b in zip(tb["icc2"], tb["icc2_low"], tb["icc2_high"])],
            tc.col("sdc", L): [fmt.number(v, L, 1) for v in tb["sdc"]],
        }))
    return pd.concat(frames, ignore_index=True) if frames else None


def comprehension_table(res: ComparisonAnalysis) -> pd.DataFrame:
    """Questions flagged by the comprehension analysis, per instrument (counts)."""
    L, c = res.language, res.comprehension
    return pd.DataFrame({tc.col("instrument", L): [res.name(s) for s in c["instrument"]],
                         tc.col("items", L): [fmt.integer(v, L) for v in c["items"]],
                         tc.col("revise", L): [fmt.integer(v, L) for v in c["revise"]],
                         tc.col("review", L): [fmt.integer(v, L) for v in c["review"]]})


def burden_table(res: ComparisonAnalysis) -> pd.DataFrame:
    """Items, dimensions, categories, median time, don't-know and skip shares side by side."""
    L, b = res.language, res.burden
    cell = {"items": fmt.integer, "dimensions": fmt.integer, "categories": fmt.integer,
            "median_minutes": lambda v, lang: fmt.number(v, lang, 1), "share_dont_know": fmt.percent,
            "share_skipped": fmt.percent}
    b = b[b.notna().any(axis=1)]  # e.g. no item timings in either export: no empty row
    return pd.DataFrame({tc.col("measure", L): [t(f"comparison.burden.{k}", L) for k in b.index],
                         "A": [cell[k](v, L) for k, v in b["A"].items()],
                         "B": [cell[k](v, L) for k, v in b["B"].items()]})


def cosmin_table(res: ComparisonAnalysis) -> pd.DataFrame:
    """The COSMIN ratings in words, one row per property: property, A, B."""
    L = res.language
    a, b = res.cosmin["A"], res.cosmin["B"]
    return pd.DataFrame({tc.col("property", L): [tc.cosmin_label(p, L) for p in PROPERTIES],
                         "A": [tc.rating_word(a.loc[p, "rating"], L) for p in PROPERTIES],
                         "B": [tc.rating_word(b.loc[p, "rating"], L) for p in PROPERTIES]})


def cosmin_sentences(res: ComparisonAnalysis) -> str:
    """One sentence per COSMIN property: both ratings, the numbers behind them, the criterion."""
    L = res.language
    names = {s: {sid: (res.instrument_a if s == "A" else res.instrument_b).name_of(sid, L)
                 for sid in (res.instrument_a if s == "A" else res.instrument_b).category_items()} for s in ("A", "B")}
    out = []
    for p in PROPERTIES:
        a, b = res.cosmin["A"].loc[p], res.cosmin["B"].loc[p]
        out.append("- " + t("comparison.cos_sentence", L, prop=tc.cosmin_label(p, L),
                            ra=tc.rating_word(a["rating"], L), va=tc.cosmin_values(p, a["values"], L, names=names["A"]),
                            rb=tc.rating_word(b["rating"], L),
                            vb=tc.cosmin_values(p, b["values"], L, names=names["B"]),
                            crit=tc.cosmin_criterion(p, L)))
    return "\n".join(out)


# -- figures ----------------------------------------------------------------------------

def validity_figure(res: ComparisonAnalysis):
    """Dot plot of the hypothesised correlations with CIs and thresholds (None without hypotheses)."""
    from evaluation.plots.agreement import validity_plot

    h, L = res.validity.hypotheses, res.language
    if h is None or not len(h):
        return None
    c = res.validity.correlations.set_index(["a", "b"])
    d = h.assign(lo=[c.loc[(a, b), "ci_low"] for a, b in zip(h.a, h.b, strict=True)],
                 hi=[c.loc[(a, b), "ci_high"] for a, b in zip(h.a, h.b, strict=True)])
    d = d.sort_values(["expected", "r"]).reset_index(drop=True)
    labels = [f"{res.instrument_a.name_of(a, L)} ×\n{res.instrument_b.name_of(b, L)}" for a, b in zip(d.a, d.b)]
    kinds = ("convergent", "discriminant")
    return validity_plot(d, labels=labels, colours=kinds, legend={k: t(f"comparison.{k}", L) for k in kinds},
                         xlabel=tc.col("r", L), not_confirmed=t("comparison.not_confirmed", L),
                         number=lambda v: fmt.number(v, L, 1))


def retest_figure(res: ComparisonAnalysis, side: str):
    """Bland–Altman of the overall score (retest − test), points binned to groups of at least min_group_size."""
    from evaluation.plots.agreement import bland_altman_plot
    from evaluation.stats.agreement import binned_means

    if side not in res.retest:
        raise ValueError(f"No retest for instrument {side!r}; retests exist for {sorted(res.retest)}.")
    L, k = res.language, res.min_group_size
    ba = res.retest[side]["bland_altman"]
    pts = binned_means(ba.means, ba.differences, min_count=k)
    fig = bland_altman_plot(ba, pts, xlabel=t("comparison.ba_x", L), ylabel=t("comparison.ba_y", L),
                            bias_label=t("comparison.ba_bias", L), loa_label=t("comparison.ba_loa", L),
                            points_label=t("comparison.ba_points", L, k=k), title=res.name(side),
                            number=lambda v: fmt.number(v, L, 0))
    alt = t("comparison.ba_alt", L, name=res.name(side), n=len(pts), k=k, bias=fmt.signed(ba.bias, L, 1))
    text = t("comparison.ba_text", L, k=k, bias=fmt.signed(ba.bias, L, 1), lo=fmt.number(ba.loa_low, L, 1),
             hi=fmt.number(ba.loa_high, L, 1))
    return fig, alt, text


# -- the 0.1 signatures (``evaluation.compare``), with language= ------------------------

def cosmin_summary_v01(*, language: str = "sv", **numbers: Any) -> pd.DataFrame:
    """0.1's ``cosmin_summary(language=)``: the ratings with ``label`` and ``criterion`` in words.

    >>> cosmin_summary_v01(icc=0.8, language="en").loc["reliability", ["label", "rating"]].tolist()
    ['Reliability', '+']
    """
    from evaluation.reports.protocol import language_parameter
    from evaluation.stats.cosmin import cosmin_summary

    L = language_parameter(language)
    out = cosmin_summary(**numbers)
    out.insert(0, "label", [tc.cosmin_label(p, L) for p in out.index])
    out.insert(3, "criterion", [tc.cosmin_criterion(p, L) for p in out.index])
    return out


def compare_instruments_v01(rs_a: Any, rs_b: Any, *, language: str = "sv", **options: Any) -> ComparisonAnalysis:
    """0.1's ``compare_instruments(language=)``: the comparison with its disclosure control, in ``language``."""
    from evaluation.reports.protocol import language_parameter

    return protect(compare_instruments(rs_a, rs_b, **options), language=language_parameter(language))

