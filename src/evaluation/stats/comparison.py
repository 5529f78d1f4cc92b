"""Two instruments answered by the same people, side by side: every number of the comparison report.

:func:`compare_instruments` links the two response sets (:func:`link_responses`),
and computes internal consistency, structure, convergent/discriminant
validity against the crosswalk, agreement of classifications, test--retest,
comprehension flags, burden and a COSMIN rating per instrument. It returns
numbers and codes only: the words are in :mod:`evaluation.text.comparison`,
the disclosure control and the report in :mod:`evaluation.reports.comparison`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from evaluation.data.crosswalk import crosswalk_hypotheses, load_crosswalk
from evaluation.stats.agreement import Agreement, agreement, bland_altman
from evaluation.stats.cosmin import cosmin_summary
from evaluation.stats.retest import AlphaComparison, compare_alphas, retest_reliability
from evaluation.stats.validity import ConvergentValidity, convergent_validity

__all__ = ["InstrumentComparison", "compare_instruments", "link_responses", "AGREEMENT_KEYS"]

#: the classification agreements computed, in report order
AGREEMENT_KEYS = ("high_low", "tertiles", "own_levels")


def _min_n(min_group_size: Any) -> int:
    if isinstance(min_group_size, bool) or not float(min_group_size).is_integer() or min_group_size < 1:
        raise ValueError(f"min_group_size must be a whole number of respondents (1 or more), not {min_group_size!r}.")
    return int(min_group_size)


@dataclass(frozen=True, eq=False)
class InstrumentComparison:
    """Every number of the comparison (see :func:`compare_instruments`); no disclosure control applied yet.

    ``classes`` is the full cross-table of the instruments' own classes
    (counts); the report hides small cells. ``burden`` is indexed by
    ``items, dimensions, categories, median_minutes, share_dont_know,
    share_skipped`` with columns ``A``, ``B``.
    """

    instrument_a: Any
    instrument_b: Any
    min_group_size: int
    n_a: int
    n_b: int
    n_linked: int
    link: str
    reliability: pd.DataFrame
    structure: pd.DataFrame
    validity: ConvergentValidity
    agreement: dict
    classes: pd.DataFrame | None
    retest: dict
    alpha_test: AlphaComparison | None
    comprehension: pd.DataFrame
    burden: pd.DataFrame
    cosmin: dict
    structure_run: bool = True
    comprehension_run: bool = True
    notes: list = field(default_factory=list)

    def total(self, side: str, table: str = "reliability") -> Any:
        """The overall row of ``reliability`` or the retest table of instrument ``side``."""
        if table == "retest":
            rt = self.retest.get(side)
            return None if rt is None else rt["table"].set_index("score").loc["overall"]
        return self.reliability.set_index(["instrument", "score"]).loc[(side, "overall")]


def link_responses(rs_a: Any, rs_b: Any, *, link: str = "respondent_id") -> pd.DataFrame:
    """Pair the rows of two ResponseSets on a linking column.

    Returns a DataFrame with the link value and the row labels ``row_a`` and
    ``row_b`` of the people present in both (in A's order). Empty ids are
    ignored; a duplicated id raises ``ValueError`` (a person must answer once).
    """
    out = []
    for name, rs in (("A", rs_a), ("B", rs_b)):
        if link not in rs.meta.columns:
            raise ValueError(
                f"The {name} responses ({rs.source}) have no column {link!r}; the linking column must "
                f"be in both files. Columns found: {list(rs.meta.columns)}."
            )
        ids = rs.meta[link].astype("string").str.strip()
        ids = ids[ids.notna() & (ids != "")]
        dup = ids[ids.duplicated()]
        if len(dup):
            raise ValueError(
                f"The {name} responses ({rs.source}) have duplicated {link!r} values "
                f"{sorted(set(dup))[:5]}; each person must appear once."
            )
        out.append(pd.DataFrame({link: ids.to_numpy(), f"row_{name.lower()}": ids.index}))
    return out[0].merge(out[1], on=link, how="inner").reset_index(drop=True)


def _safe(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs), ""
    except Exception as exc:  # noqa: BLE001 - a failing optional analysis becomes a note
        return None, f"{type(exc).__name__}: {exc}"


def _classes(scores: pd.DataFrame, inst: Any) -> tuple[pd.Series, list[str]]:
    from evaluation.scoring import classify

    cls = inst.classification
    if not cls:
        return pd.Series(np.nan, index=scores.index, dtype=object), []
    if cls["type"] == "quadrant":
        order = [q["id"] for q in cls["quadrants"]]
        vals = [classify(x, y, instrument=inst).id if np.isfinite(x) and np.isfinite(y) else np.nan
                for x, y in zip(scores[cls["x"]], scores[cls["y"]], strict=True)]
    else:
        order = [lv["id"] for lv in cls["levels"]]
        vals = [classify(s, instrument=inst).id if np.isfinite(s) else np.nan for s in scores["overall"]]
    return pd.Series(vals, index=scores.index, dtype=object), order


def _alpha_row(items: pd.DataFrame, side: str, score: str, level: str) -> dict:
    row = {"instrument": side, "score": score, "level": level, "k": items.shape[1],
           "alpha": math.nan, "ci_low": math.nan, "ci_high": math.nan, "note": ""}
    if items.shape[1] < 2:
        row["note"] = "1 item"
        return row
    try:
        from evaluation.stats.reliability import cronbach_alpha
    except ImportError:  # pragma: no cover - reliability ships with the kit
        import pingouin as pg

        a, (lo, hi) = pg.cronbach_alpha(items)
        row.update(alpha=float(a), ci_low=float(lo), ci_high=float(hi))
        return row
    res, note = _safe(cronbach_alpha, items)
    if res is not None:
        row.update(alpha=res.estimate, ci_low=res.ci_low, ci_high=res.ci_high)
    row["note"] = note
    return row


def compare_instruments(
    rs_a: Any,
    rs_b: Any,
    *,
    link: str = "respondent_id",
    crosswalk: Any = None,
    retest_a: Any = None,
    retest_b: Any = None,
    min_group_size: int = 5,
    mic: float | None = None,
    structure: bool = True,
    comprehension: bool = True,
    dif_group: str | None = None,
) -> InstrumentComparison:
    """Compare two instruments answered by the same people, side by side.

    Steps (each a function of this module or of the kit):

    1. link the two ResponseSets on ``link`` (:func:`link_responses`);
    2. score respondents (:func:`evaluation.scoring.respondent_scores`);
    3. internal consistency per category, dimension and total
       (:func:`evaluation.stats.reliability.cronbach_alpha`), and Feldt's
       dependent-samples test of the two total scales (:func:`compare_alphas`);
    4. structural validity: CFA of each instrument's own categories
       (:func:`evaluation.stats.structure.instrument_structure`);
    5. convergent/discriminant correlations against the crosswalk's
       hypotheses (:func:`crosswalk_hypotheses`, :func:`convergent_validity`,
       disattenuated with the alphas), share confirmed, Terwee's 75 % rule;
    6. agreement of classifications (:func:`agreement`): high/low overall
       maturity (≥ 50 % of max), sample tertiles of the overall score
       (quadratic weights), and the instruments' own classes when both use
       the same number of levels; the cross-table of own classes with
       small-cell suppression;
    7. test--retest per dimension and total (:func:`retest_reliability`) and
       Bland--Altman of the total (:func:`bland_altman`, retest − test);
    8. items that seem hard to understand
       (:func:`evaluation.stats.comprehension_flags.comprehension_flags`);
    9. burden: items, median minutes (when item timings exist), don't-know
       and skip rates;
    10. a COSMIN table per instrument (:func:`cosmin_summary`) and a summary
        in words.

    Parameters
    ----------
    rs_a, rs_b : ResponseSet
        The two instruments' responses (from
        :func:`evaluation.data.responses.read_responses`).
    link : str
        Metadata column identifying the same person in both files.
    crosswalk : path, mapping or None
        None reads ``instruments/crosswalk.yaml``.
    retest_a, retest_b : ResponseSet, optional
        Second answers of (some of) the same people, linked on ``link``.
    min_group_size : int
        No table describes fewer people; the comparison needs at least this
        many linked people.
    mic : float, optional
        Minimal important change in percentage points for measurement error.
    structure, comprehension : bool
        Skip the slower CFA / comprehension steps when False.
    dif_group : str, optional
        Metadata column (e.g. ``"role"``) for cross-group invariance: ordinal
        logistic-regression DIF per item
        (:func:`evaluation.stats.dif.dif_ordinal`, McFadden R² change ≥
        0.02 with p < 0.01 is important DIF). None leaves that COSMIN row "?".

    Returns
    -------
    InstrumentComparison
    """
    from evaluation.scoring import respondent_scores

    k_min = _min_n(min_group_size)
    ia, ib = rs_a.instrument, rs_b.instrument
    notes: list[str] = []
    pairs = link_responses(rs_a, rs_b, link=link)
    n_linked = len(pairs)
    if n_linked < max(k_min, 4):
        raise ValueError(
            f"Only {n_linked} people answered both {ia.id!r} and {ib.id!r} (linked on {link!r}); the "
            f"comparison needs at least {max(k_min, 4)}. Check that the linking column holds the same "
            "ids in both files."
        )
    sc_a = respondent_scores(rs_a).loc[pairs["row_a"]].reset_index(drop=True)
    sc_b = respondent_scores(rs_b).loc[pairs["row_b"]].reset_index(drop=True)
    it_a = rs_a.scored().loc[pairs["row_a"]].reset_index(drop=True)
    it_b = rs_b.scored().loc[pairs["row_b"]].reset_index(drop=True)

    # -- reliability ----------------------------------------------------------
    rel_rows = []
    for side, inst, items in (("A", ia, it_a), ("B", ib, it_b)):
        for cat, ids in inst.category_items().items():
            rel_rows.append(_alpha_row(items[ids], side, cat, "category"))
        for dim, ids in inst.dimension_items().items():
            if len(inst.dimension_categories()[dim]) == 1:
                continue  # same items as its only category: shown once, as the category
            rel_rows.append(_alpha_row(items[ids], side, dim, "dimension"))
        rel_rows.append(_alpha_row(items[inst.item_ids], side, "overall", "total"))
    reliability = pd.DataFrame(rel_rows).drop_duplicates(["instrument", "score"])
    rel_map = []
    for side, inst in (("A", ia), ("B", ib)):
        g = reliability[reliability.instrument == side]
        m = dict(zip(g["score"], g["alpha"], strict=True))
        for dim, cats in inst.dimension_categories().items():
            if len(cats) == 1 and cats[0] in m:
                m.setdefault(dim, m[cats[0]])
        rel_map.append({k: float(v) for k, v in m.items() if np.isfinite(v) and 0 < v <= 1})

    ra = reliability.set_index(["instrument", "score"])["alpha"]
    alpha_test = None
    tot_r = float(np.corrcoef(*sc_a[["overall"]].join(sc_b[["overall"]], rsuffix="_b").dropna().to_numpy().T)[0, 1])
    if np.isfinite(ra.get(("A", "overall"), np.nan)) and np.isfinite(ra.get(("B", "overall"), np.nan)):
        alpha_test, note = _safe(compare_alphas, float(ra[("A", "overall")]), float(ra[("B", "overall")]),
                                 n_1=n_linked, r=tot_r)
        if note:
            notes.append(note)

    # -- structure --------------------------------------------------------------
    st_rows = []
    for side, rs in (("A", rs_a), ("B", rs_b)):
        row = {"instrument": side, "cfi": math.nan, "tli": math.nan, "rmsea": math.nan, "srmr": math.nan,
               "n": math.nan, "converged": False, "note": ""}
        if structure:
            try:
                from evaluation.stats.structure import instrument_structure
            except ImportError:  # pragma: no cover
                instrument_structure = None
                row["note"] = "structure module missing"
            if instrument_structure is not None:
                sub = rs.subset(rs.answers.index.isin(pairs[f"row_{side.lower()}"]))
                res, note = _safe(instrument_structure, sub, level="category")
                if res is not None:
                    row.update(cfi=res.cfi, tli=res.tli, rmsea=res.rmsea, srmr=res.srmr, n=res.n,
                               converged=bool(res.converged))
                row["note"] = note
        st_rows.append(row)
    structure_t = pd.DataFrame(st_rows)

    # -- validity ------------------------------------------------------------------
    cw = crosswalk if isinstance(crosswalk, Mapping) else load_crosswalk(crosswalk)
    hyp = crosswalk_hypotheses(cw, ia, ib)
    dims_a, dims_b = list(ia.dimension_items()), list(ib.dimension_items())
    cols_a = list(dict.fromkeys(dims_a + hyp["a"].tolist()))
    cols_b = list(dict.fromkeys(dims_b + hyp["b"].tolist()))
    validity = convergent_validity(
        sc_a[cols_a], sc_b[cols_b], reliabilities=tuple(rel_map), names=("A", "B"),
        hypotheses=hyp if len(hyp) else None,
        convergent_min=float(cw["thresholds"]["convergent_min_r"]),
        discriminant_max=float(cw["thresholds"]["discriminant_max_r"]),
    )

    # -- agreement ------------------------------------------------------------------
    agree: dict[str, Agreement] = {}
    hl = ("low", "high")
    oa, ob = sc_a["overall"], sc_b["overall"]
    lev_a = oa.map(lambda v: np.nan if not np.isfinite(v) else hl[int(v >= 50)])
    lev_b = ob.map(lambda v: np.nan if not np.isfinite(v) else hl[int(v >= 50)])
    res, note = _safe(agreement, lev_a, lev_b, levels=list(hl))
    if res is not None:
        agree["high_low"] = res
    ok = oa.notna() & ob.notna()
    if ok.sum() >= 6:
        ta = pd.qcut(oa[ok].rank(method="first"), 3, labels=[1, 2, 3]).astype(int)
        tb = pd.qcut(ob[ok].rank(method="first"), 3, labels=[1, 2, 3]).astype(int)
        res, note = _safe(agreement, ta, tb, weights="quadratic", levels=[1, 2, 3])
        if res is not None:
            agree["tertiles"] = res
    cls_a, order_a = _classes(sc_a, ia)
    cls_b, order_b = _classes(sc_b, ib)
    classes = None
    if order_a and order_b:
        okc = cls_a.notna() & cls_b.notna()
        classes = pd.crosstab(pd.Categorical(cls_a[okc], categories=order_a),
                              pd.Categorical(cls_b[okc], categories=order_b), dropna=False)
        classes.index.name, classes.columns.name = None, None
        if (ia.classification["type"] == ib.classification["type"] == "levels"
                and len(order_a) == len(order_b)):
            ra_ = cls_a[okc].map({c: i for i, c in enumerate(order_a)})
            rb_ = cls_b[okc].map({c: i for i, c in enumerate(order_b)})
            res, note = _safe(agreement, ra_, rb_, weights="quadratic", levels=list(range(len(order_a))))
            if res is not None:
                agree["own_levels"] = res

    # -- retest ---------------------------------------------------------------------
    retest: dict[str, dict] = {}
    for side, rs, rt in (("A", rs_a, retest_a), ("B", rs_b, retest_b)):
        if rt is None:
            continue
        if rt.instrument.id != rs.instrument.id:
            raise ValueError(
                f"The retest file for {side} was read with instrument {rt.instrument.id!r}, "
                f"not {rs.instrument.id!r}."
            )
        pr = link_responses(rs, rt, link=link)
        if len(pr) < max(k_min, 3):
            notes.append(f"retest {side}: only {len(pr)} linked people; not analysed")
            continue
        inst = rs.instrument
        cols = list(inst.dimension_items()) + ["overall"]
        t1 = respondent_scores(rs).loc[pr["row_a"], cols].reset_index(drop=True)
        t2 = respondent_scores(rt).loc[pr["row_b"], cols].reset_index(drop=True)
        tr = retest_reliability(t1, t2)
        ba = bland_altman(t2["overall"], t1["overall"])
        retest[side] = {"table": tr.table, "bland_altman": ba, "n": len(pr)}

    # -- comprehension ------------------------------------------------------------
    comp_rows = []
    for side, rs in (("A", rs_a), ("B", rs_b)):
        row = {"instrument": side, "items": len(rs.instrument.item_ids), "revise": math.nan,
               "review": math.nan, "items_to_revise": []}
        if comprehension:
            try:
                from evaluation.stats.comprehension_flags import comprehension_flags as comprehension_report
            except ImportError:  # pragma: no cover
                comprehension_report = None
            if comprehension_report is not None:
                rep, note = _safe(comprehension_report, rs)
                if rep is not None:
                    row["revise"] = int((rep["flag"] == "revise").sum())
                    row["review"] = int((rep["flag"] == "review").sum())
                    row["items_to_revise"] = list(rep.loc[rep["flag"] == "revise", "item"].head(5))
                elif note:
                    notes.append(f"comprehension {side}: {note}")
        comp_rows.append(row)
    comp = pd.DataFrame(comp_rows)
    # -- burden -------------------------------------------------------------------
    def minutes(rs):
        if rs.timings is None or rs.timings.empty:
            return math.nan
        return float(rs.timings.sum(axis=1, min_count=1).median() / 60)

    def rate(mask, rs):
        return float(mask.to_numpy().mean()) if mask.size else math.nan

    bl = {
        "items": [len(ia.item_ids), len(ib.item_ids)],
        "dimensions": [len(ia.dimensions), len(ib.dimensions)],
        "categories": [len(ia.category_items()), len(ib.category_items())],
        "median_minutes": [minutes(rs_a), minutes(rs_b)],
        "share_dont_know": [rate(rs_a.dont_know, rs_a), rate(rs_b.dont_know, rs_b)],
        "share_skipped": [rate(rs_a.skipped, rs_a), rate(rs_b.skipped, rs_b)],
    }
    burden = pd.DataFrame(bl, index=["A", "B"]).T

    # -- cross-group invariance (DIF) ---------------------------------------------------
    dif: dict[str, tuple[bool | None, float | None]] = {"A": (None, None), "B": (None, None)}
    if dif_group:
        try:
            from evaluation.stats.dif import dif_ordinal
        except ImportError:  # pragma: no cover
            dif_ordinal = None
        for side, rs in (("A", rs_a), ("B", rs_b)):
            if dif_ordinal is None or dif_group not in rs.meta.columns:
                notes.append(f"DIF {side}: no column {dif_group!r}")
                continue
            tab, note = _safe(dif_ordinal, rs, dif_group, min_group_n=max(20, k_min))
            if tab is None or tab["r2_change_13"].notna().sum() == 0:
                notes.append(f"DIF {side}: {note or 'too few people per group'}")
                continue
            dif[side] = (not bool(tab["dif"].fillna(False).any()), float(tab["r2_change_13"].max()))

    # -- COSMIN ---------------------------------------------------------------------
    cosmin = {}
    for side, inst in (("A", ia), ("B", ib)):
        st = structure_t.set_index("instrument").loc[side]
        cats = reliability[(reliability.instrument == side) & (reliability.level == "category")]
        cats = cats[cats["alpha"].notna()]
        rt = retest.get(side)
        tot = rt["table"].set_index("score").loc["overall"] if rt else None
        cosmin[side] = cosmin_summary(
            cfi=st["cfi"], rmsea=st["rmsea"], srmr=st["srmr"],
            alphas=dict(zip(cats["score"], cats["alpha"], strict=True)) or None,
            icc=None if tot is None else tot["icc2"], sdc=None if tot is None else tot["sdc"], mic=mic,
            hypotheses_share=validity.share_confirmed,
            n_hypotheses=None if validity.hypotheses is None else len(validity.hypotheses),
            invariance=dif[side][0], max_dif_r2=dif[side][1],
        )

    return InstrumentComparison(
        instrument_a=ia, instrument_b=ib, min_group_size=k_min, n_a=rs_a.n_accepted, n_b=rs_b.n_accepted,
        n_linked=n_linked, link=link, reliability=reliability, structure=structure_t, validity=validity,
        agreement=agree, classes=classes, retest=retest, alpha_test=alpha_test, comprehension=comp,
        burden=burden, cosmin=cosmin, structure_run=bool(structure), comprehension_run=bool(comprehension),
        notes=notes)
