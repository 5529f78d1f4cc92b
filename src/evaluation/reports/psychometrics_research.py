r"""The research sections of the psychometrics report: aggregation, item difficulty, round invariance, DIF.

Four functions take what the psychometrics analysis has (items scored 1–6
with ``unit``/``role``/``round`` columns, the instrument's dimension → items
model, ``min_group_size`` and the report language) and return a
:class:`ResearchSection`: tidy unrounded tables, the language-free numbers
for ``results.json`` and the section in the report language (text, tables,
figures) built on :class:`evaluation.reports.base.Section`.

1. :func:`aggregation_section`: per dimension ICC(1), ICC(2) of the
   respondent score across units (:func:`evaluation.stats.aggregation.group_agreement`)
   and the median rwg(J) over units (:func:`~evaluation.stats.aggregation.within_group_agreement`);
   unit means are *justified* when ICC(1) ≥ 0.05, ICC(2) ≥ 0.70 and median
   rwg(J) ≥ 0.70 (:func:`evaluation.criteria.aggregation_justified`).
2. :func:`item_difficulty_section`: the ordinal (WLSMV) CFA of the
   dimension model (:func:`evaluation.stats.ordinal.ordinal_cfa`, pairwise)
   beside the ML fit; graded-response parameters :math:`a = \lambda/\sqrt{1-\lambda^2}`,
   :math:`b_k = \tau_k/\lambda`; an item (Wright) map and the test-information curves.
3. :func:`invariance_section`: configural / metric / scalar ordinal invariance
   of each dimension across rounds (:func:`evaluation.stats.ordinal_invariance.ordinal_invariance`)
   and the score tests naming the items to free.
4. :func:`dif_section`: ordinal-logistic DIF of each item by role
   (:func:`evaluation.stats.dif.dif`), flagged at p < 0.01 and ΔR² ≥ 0.02.

Privacy: no number describes fewer than ``min_group_size`` respondents. Units,
rounds and roles below it are left out of the models (units counted, roles
and rounds named); per-unit rwg(J)/awg rows pass the privacy gate and only
units with at least ``min_group_size`` complete answers are shown; counts
that would let a reader subtract a left-out group's size are not published.

Examples
--------
>>> from evaluation.simulate import simulate_round
>>> from evaluation.data.responses import read_responses
>>> rs = read_responses(simulate_round("dual_maturity", n=150, seed=4).data, "dual_maturity")
>>> sec = aggregation_section(research_frame(rs), rs.instrument.dimension_items(), language="en")
>>> sec.status, sorted(sec.results)[:3]
('shown', ['cutoffs', 'dimensions', 'min_group_size'])
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

import evaluation.text.psychometrics_research  # noqa: F401  (registers the messages)
from evaluation import criteria as cr
from evaluation.privacy import DEFAULT_MIN_GROUP_SIZE, check_min_group_size, suppressed_groups
from evaluation.privacy.gate import publish
from evaluation.reports.base import Figure, Section, Table, escape_md
from evaluation.text import fmt, t
from evaluation.text.format import check_language

__all__ = ["SECTION_IDS", "ResearchSection", "research_frame", "aggregation_section", "item_difficulty_section",
           "invariance_section", "dif_section", "research_sections", "review_research", "research_results",
           "comprehension_evidence", "comprehension_evidence_table", "show_comprehension_evidence", "show"]

SECTION_IDS = ("aggregation", "item_difficulty", "ordinal_invariance", "dif")
#: θ grid of the information curves (results.json keeps every 4th point)
THETA = np.round(np.linspace(-4.0, 4.0, 161), 10)
#: standardised loading below which an item's thresholds are called uninformative (the review's rule of thumb)
WEAK_LOADING = 0.40
#: score tests listed per dimension
N_SCORE_TESTS = 5


@dataclass(frozen=True)
class ResearchSection:
    """One research section: its numbers (language-free) and its text, tables and figures (one language).

    Attributes
    ----------
    id : str
        One of :data:`SECTION_IDS`.
    status : {"shown", "skipped"}
        ``skipped``: nothing could be estimated; ``reasons`` say why.
    reasons : tuple of dict
        Reason codes with their fields (``{"code": "too_few_rows", "n": 80, "need": 100}``).
    tables : mapping of str to DataFrame
        Tidy, unrounded tables (what ``results`` holds, as frames).
    results : dict
        The numbers for ``results.json["research"][id]``: keys and codes only, no words.
    section : Section
        Heading, markdown, :class:`~evaluation.reports.base.Table` and
        :class:`~evaluation.reports.base.Figure` blocks in the report language.
    """

    id: str
    status: str
    reasons: tuple
    tables: Mapping[str, pd.DataFrame]
    results: dict = field(repr=False)
    section: Section = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The section's main table (first of ``tables``; empty when skipped)."""
        return next(iter(self.tables.values())) if self.tables else pd.DataFrame()


# ----------------------------------------------------------------------------- helpers
def research_frame(rs: Any) -> pd.DataFrame:
    """Scored items (reverse-keyed, don't know/skipped = NaN) with ``unit``, ``role``, ``round`` of a ResponseSet."""
    meta = [c for c in ("unit", "role", "round") if c in rs.meta.columns]
    return rs.scored().join(rs.meta[meta])


_OP = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def _n(x: Any, L: str, d: int = 2) -> str:
    return fmt.number(x, L, d)


def _names(names: Mapping[str, str] | None, key: str) -> str:
    return escape_md((names or {}).get(key, key))


def _reason(r: Mapping[str, Any], L: str) -> str:
    fields = {}
    for k, v in r.items():
        if k in ("code", "dimension"):
            continue
        if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
            fields[k] = fmt.integer(v, L)
        elif isinstance(v, (list, tuple)):
            fields[k] = ", ".join(escape_md(x) for x in v) or "–"
        else:
            fields[k] = escape_md(v)
    return t(f"research.reason.{r['code']}", L, **fields)


def _section(sid: str, L: str, status: str, reasons: list, tables: dict, results: dict, blocks: list,
             names: Mapping[str, str] | None = None) -> ResearchSection:
    sec = Section(sid, t(f"research.{sid}", L))
    sec.add(*blocks)
    for r in reasons:
        prefix = f"**{_names(names, r['dimension'])}**: " if r.get("dimension") else ""
        sec.add(prefix + _reason(r, L))
    results = {"status": status, "reasons": [dict(r) for r in reasons], **results}
    return ResearchSection(sid, status, tuple(reasons), tables, results, sec)


def _skipped(sid: str, L: str, reasons: list, extra: dict | None = None, intro: str = "") -> ResearchSection:
    return _section(sid, L, "skipped", reasons, {}, dict(extra or {}), [intro] if intro else [])


def _dimension_score(items: pd.DataFrame, scale: tuple, min_answered: float = 0.5) -> pd.Series:
    """Mean of answered items as percent of max, missing when fewer than ``min_answered`` answered."""
    lo, hi = scale
    ok = items.notna().mean(axis=1) >= min_answered - 1e-12
    return ((items.mean(axis=1) - lo) / (hi - lo) * 100).where(ok)


def _labels(data: pd.DataFrame, column: str) -> pd.Series:
    s = data[column]
    return s.where(s.notna() & (s.astype(str).str.strip() != ""))


def _yes(v: Any, L: str) -> str:
    return t("research.unknown", L) if v is None else t("research.yes" if v else "research.no", L)


# ----------------------------------------------------------------------------- 1. aggregation
def aggregation_section(data: pd.DataFrame, model: Mapping[str, list], *, scores: pd.DataFrame | None = None,
                        unit: str = "unit", scale: tuple = (1, 6), min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
                        language: str = "sv", names: Mapping[str, str] | None = None) -> ResearchSection:
    """Is a unit's mean the unit's maturity? ICC(1), ICC(2) and rwg(J) per dimension (Bliese 2000).

    ICC(1)/ICC(2) use the respondent's dimension score (``scores[dimension]``,
    the kit's default scoring, or the mean of the answered items as percent of
    max) in units with at least ``min_group_size`` scores; rwg(J) and awg the
    dimension's items (complete rows). Per-unit rows only for units with at
    least ``min_group_size`` complete rows; the others are counted.
    """
    L = check_language(language)
    k = check_min_group_size(min_group_size)
    sid = "aggregation"
    cut = {"icc1": cr.ICC1_AGGREGATION, "icc2": cr.ICC2_AGGREGATION, "rwg_j": cr.RWG_AGREEMENT}
    base = {"unit_column": unit, "min_group_size": k,
            "cutoffs": {key: {"rule": c.op, "cutoff": c.value, "reference": c.reference} for key, c in cut.items()}}
    if unit not in data.columns:
        return _skipped(sid, L, [{"code": "no_column", "column": unit}], base)
    from evaluation.stats.aggregation import group_agreement, within_group_agreement

    g = _labels(data, unit)
    dim_rows, unit_parts, reasons, omitted, n_behind = [], [], [], {}, {}
    for dim, its in model.items():
        score = scores[dim] if scores is not None else _dimension_score(data[its], scale)
        frame = pd.DataFrame({"score": score, "unit": g}).dropna()
        sizes = frame.groupby("unit").size()
        # the units the round report shows: a unit it hides only to protect a small one (complementary
        # suppression) is left out too, or the ANOVA's mean squares with the shown means would solve for it
        eligible = sizes.index[~sizes.index.isin(list(suppressed_groups(sizes, min_group_size=k)))]
        if len(eligible) < 2:
            reasons.append({"code": "no_units", "dimension": dim, "k": k})
            continue
        ga = group_agreement(frame[frame["unit"].isin(eligible)], "score", "unit")
        wga = within_group_agreement(data[its], g, scale=scale)
        gated = publish(wga[["rwg_j", "awg"]], n=wga["n"], min_group_size=k)
        shown = gated.frame.dropna(how="all").join(wga["n"])
        omitted[dim] = int(len(wga) - len(shown))
        med = float(shown["rwg_j"].median()) if len(shown) else np.nan
        row = {"dimension": dim, "icc1": ga.icc1, "icc2": ga.icc2, "ms_between": ga.ms_between,
               "ms_within": ga.ms_within, "df_between": ga.df_between, "df_within": ga.df_within,
               "n_groups": ga.n_groups, "rwg_j_median": med, "n_units_rwg": int(len(shown)),
               "justified": cr.aggregation_justified(ga.icc1, ga.icc2, med)}
        n_behind[dim] = ga.n
        if len(eligible) == len(sizes):  # with a unit left out, total n would give away its size
            row["n"] = ga.n
        dim_rows.append(row)
        unit_parts.append(shown.reset_index().rename(columns={"group": "unit"}).assign(dimension=dim))
    if not dim_rows:
        return _skipped(sid, L, reasons, base)
    dims = pd.DataFrame(dim_rows).set_index("dimension")
    units = (pd.concat(unit_parts, ignore_index=True)[["dimension", "unit", "n", "rwg_j", "awg"]]
             if unit_parts else pd.DataFrame(columns=["dimension", "unit", "n", "rwg_j", "awg"]))
    rules = {"icc1": "ICC(1)", "icc2": "ICC(2)", "rwg_j": "rwg(J)"}
    rule_txt = {key: f"{_OP[c.op]} {_n(c.value, L, 2)}" for key, c in cut.items()}
    blocks = [t("research.agg.intro", L, icc1=rule_txt["icc1"], icc2=rule_txt["icc2"], rwg=rule_txt["rwg_j"],
                k=fmt.integer(k, L))]
    for dim, r in dims.iterrows():
        vals = dict(dim=_names(names, dim), icc1=_n(r.icc1, L), icc2=_n(r.icc2, L), rwg=_n(r.rwg_j_median, L))
        if r.justified is None:
            blocks.append(t("research.agg.undecided", L, **vals, why=t("research.reason.no_units", L,
                                                                     k=fmt.integer(k, L))))
        elif r.justified:
            blocks.append(t("research.agg.justified", L, **vals))
        else:
            failed = [f"{rules[key]} {rule_txt[key]}" for key, v in (("icc1", r.icc1), ("icc2", r.icc2),
                                                                     ("rwg_j", r.rwg_j_median)) if not cut[key].passes(v)]
            blocks.append(t("research.agg.not_justified", L, **vals, failed=", ".join(failed)))
    C = lambda key: t(f"research.col.{key}", L)  # noqa: E731
    show_d = pd.DataFrame({C("dimension"): [(names or {}).get(d, d) for d in dims.index],
                           "ICC(1)": [_n(v, L) for v in dims["icc1"]], "ICC(2)": [_n(v, L) for v in dims["icc2"]],
                           "rwg(J), median": [_n(v, L) for v in dims["rwg_j_median"]],
                           C("n_units"): [fmt.integer(v, L) for v in dims["n_units_rwg"]],
                           C("verdict"): [_yes(v, L) for v in dims["justified"]]})
    gate_d = publish(dims[["icc1", "icc2"]], n=pd.Series(n_behind), min_group_size=k)
    blocks.append(Table(show_d, caption=t("research.agg.caption", L), name="aggregation", published=gate_d))
    if len(units):
        show_u = pd.DataFrame({C("dimension"): [(names or {}).get(d, d) for d in units["dimension"]],
                               C("unit"): units["unit"].astype(str), C("n"): [fmt.integer(v, L) for v in units["n"]],
                               "rwg(J)": [_n(v, L) for v in units["rwg_j"]], "awg": [_n(v, L) for v in units["awg"]]})
        gate_u = publish(units[["rwg_j", "awg"]], n=units["n"], min_group_size=k)
        blocks.append(Table(show_u, caption=t("research.agg.units_caption", L), name="aggregation_units",
                            published=gate_u))
    n_om = max(omitted.values()) if omitted else 0
    if n_om:
        blocks.append(t("research.agg.omitted", L, n=fmt.integer(n_om, L), k=fmt.integer(k, L)))
    results = {**base, "dimensions": dims.reset_index().to_dict(orient="records"),
               "units": units.to_dict(orient="records"), "n_units_omitted": omitted}
    return _section(sid, L, "shown", reasons, {"dimensions": dims, "units": units}, results, blocks, names)


# ----------------------------------------------------------------------------- 2. item difficulty
_FIT_ROWS = (("chisq", "χ²", "chisq_scaled", None), ("df", "df", "df_scaled", None),
             ("cfi", "CFI", "cfi_scaled", "cfi"), ("tli", "TLI", "tli_scaled", "tli"),
             ("rmsea", "RMSEA", "rmsea_scaled", "rmsea"), ("srmr", "SRMR", "srmr", "srmr"))


def item_difficulty_section(data: pd.DataFrame, model: Mapping[str, list], *, ml_fit: Mapping | None = None,
                            missing: str = "pairwise", theta: Any = THETA,
                            min_group_size: int = DEFAULT_MIN_GROUP_SIZE, language: str = "sv",
                            names: Mapping[str, str] | None = None) -> ResearchSection:
    """Ordinal CFA (WLSMV) of the dimension model, its GRM parameters, item map and test information.

    ``ml_fit`` is the ML fit of the same model (the review's
    ``results["cfa"]["dimension"]``: ``chisq, df, cfi, tli, rmsea, srmr``),
    shown beside the WLSMV fit. Fewer than 100 respondents
    (:data:`evaluation.criteria.WLSMV_MIN_N`), an empty category or a failed
    fit: the section says why and the report goes on.
    """
    from evaluation.plots.irt import information_plot, item_map_plot
    from evaluation.stats.ordinal import ordinal_cfa

    L = check_language(language)
    check_min_group_size(min_group_size)
    sid = "item_difficulty"
    items = [i for its in model.values() for i in its]
    n = int(data[items].notna().any(axis=1).sum())
    base = {"missing": missing, "min_n": cr.WLSMV_MIN_N.value}
    if not cr.WLSMV_MIN_N.passes(n):
        return _skipped(sid, L, [{"code": "too_few_rows", "n": n, "need": int(cr.WLSMV_MIN_N.value)}], base)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = ordinal_cfa(data[items], dict(model), missing=missing)
    except (ValueError, np.linalg.LinAlgError, RuntimeError) as exc:
        return _skipped(sid, L, [{"code": "fit_failed", "detail": str(exc)}], base)
    dim_of = {i: d for d, its in model.items() for i in its}
    grm = res.grm()
    grm.insert(0, "dimension", [dim_of[i] for i in grm.index])
    th = np.asarray(theta, dtype=float)
    info = pd.DataFrame({d: res.information(th, items=its)["test"].to_numpy() for d, its in model.items()},
                        index=pd.Index(th, name="theta"))
    fit_rows = []
    for key, label, wkey, hb in _FIT_ROWS:
        fit_rows.append({"index": key, "ml": (ml_fit or {}).get(key, np.nan), "wlsmv": res.fit[wkey],
                         "cutoff": None if hb is None else str(cr.HU_BENTLER[hb])})
    fit = pd.DataFrame(fit_rows).set_index("index")
    bcols = [c for c in grm.columns if c.startswith("b")]
    kmax = len(bcols)
    C = lambda key: t(f"research.col.{key}", L)  # noqa: E731
    blocks: list = [t("research.diff.intro", L, kmax=kmax, n=fmt.integer(res.fit["n"], L))]
    show_fit = pd.DataFrame({C("index"): [r[1] for r in _FIT_ROWS],
                             "ML": [_n(v, L, 0 if k in ("chisq", "df") else 3) for k, v in fit["ml"].items()],
                             "WLSMV": [_n(v, L, 0 if k in ("chisq", "df") else 3) for k, v in fit["wlsmv"].items()],
                             C("cutoff"): [_cut(c, L) for c in fit["cutoff"]]})
    n_fit = int(res.fit["n"])
    blocks.append(Table(show_fit, caption=t("research.diff.fit_caption", L), name="ordinal_fit",
                        published=publish(fit[["wlsmv"]], n=n_fit, min_group_size=min_group_size)))
    show_grm = pd.DataFrame({C("item"): grm.index, C("dimension"): [(names or {}).get(d, d) for d in grm["dimension"]],
                             "a": [_n(v, L) for v in grm["a"]], **{c: [_n(v, L) for v in grm[c]] for c in bcols}})
    blocks.append(Table(show_grm, caption=t("research.diff.grm_caption", L), name="grm",
                        published=publish(grm[["a", *bcols]], n=n_fit, min_group_size=min_group_size)))
    lam = res.loadings["std_all"]
    weak = [i for i in lam.index if abs(lam[i]) < WEAK_LOADING]
    if weak:
        a_cut = WEAK_LOADING / np.sqrt(1 - WEAK_LOADING ** 2)
        blocks.append(t("research.diff.weak", L, lam=_n(WEAK_LOADING, L), a=_n(a_cut, L),
                        items=", ".join(escape_md(i) for i in weak)))
    b = grm[bcols]
    lo_item, hi_item = b.min(axis=1).idxmin(), b.max(axis=1).idxmax()
    groups = {i: (names or {}).get(d, d) for i, d in grm["dimension"].items()}
    number = lambda v: fmt.number(v, L, 0 if float(v).is_integer() else 1)  # noqa: E731
    fig_map = item_map_plot(grm.drop(columns="dimension"), groups=groups, xlabel=t("research.diff.map_x", L),
                            title=t("research.diff.map_title", L, kmax=kmax),
                            outside_label=t("research.diff.map_outside", L, lim=fmt.integer(4, L)), number=number)
    alt_map = t("research.diff.map_alt", L, kmax=kmax, n=len(grm), low=_n(b.min().min(), L, 1), low_item=lo_item,
                high=_n(b.max().max(), L, 1), high_item=hi_item)
    blocks.append(Figure(fig_map, alt_map, "item_map"))
    info_named = info.rename(columns=lambda d: (names or {}).get(d, d))
    fig_info = information_plot(info_named, xlabel=t("research.diff.map_x", L), ylabel=t("research.diff.info_y", L),
                                title=t("research.diff.info_title", L), number=number)
    top = info.max().idxmax()
    alt_info = t("research.diff.info_alt", L, dim=(names or {}).get(top, top), theta=_n(info[top].idxmax(), L, 1),
                 value=_n(info[top].max(), L, 1))
    blocks += [Figure(fig_info, alt_info, "test_information"), t("research.diff.info_note", L)]
    sub = info.iloc[::4]
    results = {**base, "n": int(res.fit["n"]), "fit": {"wlsmv": dict(res.fit), "ml": dict(fit["ml"])},
               "loadings": res.loadings.reset_index().to_dict(orient="records"),
               "thresholds": res.thresholds.reset_index().to_dict(orient="records"),
               "grm": grm.reset_index().to_dict(orient="records"), "weak_items": weak,
               "information": {"theta": sub.index.tolist(), **{d: sub[d].tolist() for d in sub.columns}}}
    tables = {"grm": grm, "fit": fit, "information": info, "loadings": res.loadings, "thresholds": res.thresholds}
    return _section(sid, L, "shown", [], tables, results, blocks, names)


def _cut(rule: Any, L: str) -> str:
    if rule is None or (isinstance(rule, float) and np.isnan(rule)):
        return "–"
    _, op, v = str(rule).split(" ")
    return f"{op} {fmt.number(float(v), L, 2)}"  # str(Cutoff) is "cfi ≥ 0.95"


# ----------------------------------------------------------------------------- 3. invariance across rounds
def _item_of(param: str) -> str:
    """The item a lavaan parameter name is about: ``f=~x3`` → x3, ``x5|t1`` → x5."""
    if "|" in param:
        return param.split("|")[0].strip()
    if "=~" in param:
        return param.split("=~")[1].strip()
    return re.split(r"~~|~1|~", param)[0].strip()


def _complete_with_categories(x: pd.DataFrame, rounds: pd.Series, keep: list) -> tuple[list, list]:
    """Drop items with an empty category in some round (on rows complete on the remaining items)."""
    items, dropped = list(x.columns), []
    for _ in range(len(x.columns)):
        ok = x[items].notna().all(axis=1) & rounds.isin(keep)
        bad = []
        for it in items:
            levels = set(x.loc[ok, it].unique())
            if any(set(x.loc[ok & (rounds == r), it].unique()) != levels for r in keep):
                bad.append(it)
        if not bad:
            break
        items = [i for i in items if i not in bad]
        dropped += bad
    return items, dropped


def invariance_section(data: pd.DataFrame, model: Mapping[str, list], *, round: str = "round",
                       min_group_size: int = DEFAULT_MIN_GROUP_SIZE, language: str = "sv",
                       names: Mapping[str, str] | None = None) -> ResearchSection:
    """Configural/metric/scalar ordinal invariance of each dimension across rounds, with score tests.

    A round needs at least ``max(min_group_size, 100)`` respondents who
    answered every item of the dimension (WLSMV, listwise as lavaan); items
    with an answer category empty in one round cannot be held equal and are
    left out (named). A step fails when its scaled Δχ² has p < 0.05.
    """
    from evaluation.stats.ordinal_invariance import ordinal_invariance

    L = check_language(language)
    k = check_min_group_size(min_group_size)
    sid = "ordinal_invariance"
    need = int(max(k, cr.WLSMV_MIN_N.value))
    base = {"round_column": round, "min_n_per_round": need, "alpha": cr.INVARIANCE_P.value}
    if round not in data.columns:
        return _skipped(sid, L, [{"code": "no_column", "column": round}], base)
    rounds = _labels(data, round).astype("string")
    labels = sorted(rounds.dropna().unique())
    if len(labels) < 2:
        return _skipped(sid, L, [{"code": "one_round"}], base)
    dims, models, scores, reasons, blocks, smallest = [], [], [], [], [], {}
    for dim, its in model.items():
        sizes = data.loc[data[its].notna().all(axis=1)].groupby(rounds).size().reindex(labels, fill_value=0)
        keep = [r for r in labels if sizes[r] >= need]
        items, dropped = _complete_with_categories(data[its], rounds, keep) if len(keep) >= 2 else (its, [])
        ok = data[items].notna().all(axis=1) & rounds.isin(keep)
        sizes = ok.groupby(rounds).sum().reindex(labels, fill_value=0)
        keep = [r for r in keep if sizes[r] >= need]
        if len(keep) < 2:
            reasons.append({"code": "small_rounds", "dimension": dim, "need": need, "rounds": labels})
            continue
        if len(items) < 3:
            reasons.append({"code": "too_few_items", "dimension": dim, "n": len(items)})
            continue
        g = rounds.where(ok)
        smallest[dim] = int(min(sizes[r] for r in keep))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tab = ordinal_invariance(data[items], {dim: items}, g)
        except (ValueError, np.linalg.LinAlgError, RuntimeError) as exc:
            reasons.append({"code": "fit_failed", "dimension": dim, "detail": str(exc)})
            continue
        st = tab.attrs["score_tests"].head(N_SCORE_TESTS).copy()
        st["item"] = [_item_of(p) for p in st["param"]]
        fails_at = next((lev for lev in ("metric", "scalar") if cr.INVARIANCE_P.passes(tab.loc[lev, "p_diff"])),
                        None)
        free = list(dict.fromkeys(st.loc[st["p"] < cr.INVARIANCE_P.value, "item"]))[:3] if fails_at else []
        row = {"dimension": dim, "rounds": keep, "left_out_items": dropped, "verdict": "fails" if fails_at else "holds",
               "fails_at": fails_at, "items_to_free": free}
        if keep == labels:  # with a round left out, its size could be subtracted from the totals
            row["n"] = {r: int(sizes[r]) for r in keep}
        dims.append(row)
        m = tab.reset_index().assign(dimension=dim)
        m.attrs = {}  # attrs hold DataFrames (score tests), which pd.concat cannot compare
        models.append(m)
        scores.append(st.assign(dimension=dim))
        dn = _names(names, dim)
        if dropped:
            blocks.append(t("research.inv.left_out", L, dim=dn, items=", ".join(escape_md(i) for i in dropped)))
        if fails_at:
            blocks.append(t("research.inv.fails", L, dim=dn, level=t(f"research.inv.{fails_at}", L),
                            p=fmt.pvalue(tab.loc[fails_at, "p_diff"], L),
                            items=", ".join(escape_md(i) for i in free) or "–"))
        else:
            blocks.append(t("research.inv.holds", L, dim=dn, p=fmt.pvalue(tab.loc["scalar", "p_diff"], L)))
    intro = t("research.inv.intro", L, rounds=", ".join(escape_md(r) for r in labels), need=fmt.integer(need, L),
              alpha=_n(cr.INVARIANCE_P.value, L))
    if not dims:
        return _skipped(sid, L, reasons, {**base, "rounds": labels}, intro=intro)
    mt = pd.concat(models, ignore_index=True)
    sc = pd.concat(scores, ignore_index=True)[["dimension", "param", "item", "X2", "df", "p"]]
    C = lambda key: t(f"research.col.{key}", L)  # noqa: E731
    show_m = pd.DataFrame({C("dimension"): [(names or {}).get(d, d) for d in mt["dimension"]],
                           C("model"): [t(f"research.inv.{m}", L) for m in mt["model"]],
                           C("chisq_scaled"): [_n(v, L, 1) for v in mt["chisq_scaled"]],
                           "df": [fmt.integer(v, L) for v in mt["df_scaled"]],
                           "CFI": [_n(v, L, 3) for v in mt["cfi_scaled"]], "RMSEA": [_n(v, L, 3) for v in mt["rmsea_scaled"]],
                           "Δχ²": [_n(v, L, 1) for v in mt["chisq_diff"]], "Δdf": [fmt.integer(v, L) for v in mt["df_diff"]],
                           "p": [fmt.pvalue(v, L) for v in mt["p_diff"]]})
    show_s = pd.DataFrame({C("dimension"): [(names or {}).get(d, d) for d in sc["dimension"]],
                           C("param"): sc["param"], C("item"): sc["item"], "χ²": [_n(v, L, 1) for v in sc["X2"]],
                           "df": [fmt.integer(v, L) for v in sc["df"]], "p": [fmt.pvalue(v, L) for v in sc["p"]]})
    gate_m = publish(mt[["chisq_scaled", "cfi_scaled", "rmsea_scaled", "chisq_diff", "p_diff"]],
                     n=mt["dimension"].map(smallest), min_group_size=k)
    gate_s = publish(sc[["X2", "p"]], n=sc["dimension"].map(smallest), min_group_size=k)
    blocks = [intro] + blocks + [Table(show_m, caption=t("research.inv.caption", L), name="ordinal_invariance",
                                       published=gate_m),
                                 Table(show_s, caption=t("research.inv.score_caption", L), name="score_tests",
                                       published=gate_s)]
    results = {**base, "rounds": labels, "dimensions": dims, "models": mt.to_dict(orient="records"),
               "score_tests": sc.to_dict(orient="records")}
    return _section(sid, L, "shown", reasons, {"models": mt, "score_tests": sc}, results, blocks, names)


# ----------------------------------------------------------------------------- 4. DIF by role
def dif_section(data: pd.DataFrame, model: Mapping[str, list], *, role: str = "role",
                min_group_size: int = DEFAULT_MIN_GROUP_SIZE, language: str = "sv",
                names: Mapping[str, str] | None = None) -> ResearchSection:
    """Ordinal-logistic DIF of each item by role, per dimension (matching on the dimension's total score).

    Every role with at least ``min_group_size`` complete rows, and at least as
    many among the others, is the focal group against the rest (``Chef``
    first when present); smaller roles are named as not tested. An item is
    flagged when ``p_total < 0.01`` and ``r2_change_total ≥ 0.02``
    (:func:`evaluation.criteria.dif_flag`).
    """
    from evaluation.stats.dif import dif

    L = check_language(language)
    k = check_min_group_size(min_group_size)
    sid = "dif"
    base = {"role_column": role, "min_group_size": k, "anchor": "total",
            "cutoffs": {"p": {"rule": cr.DIF_P.op, "cutoff": cr.DIF_P.value, "reference": cr.DIF_P.reference},
                        "r2_change": {"rule": cr.DIF_R2_CHANGE.op, "cutoff": cr.DIF_R2_CHANGE.value,
                                      "reference": cr.DIF_R2_CHANGE.reference}}}
    if role not in data.columns:
        return _skipped(sid, L, [{"code": "no_column", "column": role}], base)
    roles = _labels(data, role)
    parts, tested, reasons, not_tested = [], [], [], set()
    for dim, its in model.items():
        ok = data[its].notna().all(axis=1) & roles.notna()
        sizes = roles[ok].value_counts()
        total = int(ok.sum())
        focal = [r for r in sizes.index if sizes[r] >= k and total - sizes[r] >= k]
        focal = sorted(focal, key=lambda r: (r != "Chef", str(r)))
        not_tested |= {str(r) for r in sizes.index if sizes[r] < k}
        if not focal:
            reasons.append({"code": "no_roles", "dimension": dim, "k": k})
            continue
        for r in focal:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    res = dif(data.loc[ok, its], roles[ok], focal=r, anchor="total")
            except (ValueError, np.linalg.LinAlgError) as exc:
                reasons.append({"code": "fit_failed", "dimension": dim, "detail": str(exc)})
                continue
            entry = {"dimension": dim, "role": str(r), "n_focal": res.attrs["n_focal"]}
            tested.append(entry)
            part = res.reset_index().assign(dimension=dim, role=str(r),
                                            n_behind=min(res.attrs["n_focal"], res.attrs["n"] - res.attrs["n_focal"]))
            part.attrs = {}
            parts.append(part)
    if not parts:
        return _skipped(sid, L, reasons, {**base, "not_tested": sorted(not_tested)})
    if not_tested:  # n of the role and of all rows would give the untested roles' size away
        for e in tested:
            e.pop("n_focal")
    tab = pd.concat(parts, ignore_index=True)
    tab["flagged"] = [cr.dif_flag(p, r2) for p, r2 in zip(tab["p_total"], tab["r2_change_total"])]
    cols = ["dimension", "role", "item", "chi2_uniform", "p_uniform", "chi2_nonuniform", "p_nonuniform",
            "chi2_total", "p_total", "r2_change_uniform", "r2_change_total", "flagged"]
    n_behind = tab["n_behind"].to_numpy()
    tab = tab[cols]
    flagged = tab[tab["flagged"] == True]  # noqa: E712  (None = not estimable)
    blocks: list = [t("research.dif.intro", L, p=_n(cr.DIF_P.value, L), r2=_n(cr.DIF_R2_CHANGE.value, L),
                      k=fmt.integer(k, L))]
    if len(flagged):
        gate = publish(flagged[["r2_change_uniform", "r2_change_total", "chi2_total", "p_total"]],
                       n=pd.Series(n_behind, index=tab.index)[flagged.index], min_group_size=k)
        shown = gate.frame  # every DIF fit stands on groups of at least k; formatted from the gate all the same
        C = lambda key: t(f"research.col.{key}", L)  # noqa: E731
        blocks.append(t("research.dif.some", L, n=fmt.integer(len(flagged), L), total=fmt.integer(len(tab), L)))
        show = pd.DataFrame({C("dimension"): [(names or {}).get(d, d) for d in flagged["dimension"]],
                             C("role"): flagged["role"].astype(str), C("item"): flagged["item"],
                             C("r2_uniform"): [_n(v, L, 3) for v in shown["r2_change_uniform"]],
                             C("r2_total"): [_n(v, L, 3) for v in shown["r2_change_total"]],
                             "χ² (df 2)": [_n(v, L, 1) for v in shown["chi2_total"]],
                             "p": [fmt.pvalue(v, L) for v in shown["p_total"]]})

        blocks.append(Table(show, caption=t("research.dif.caption", L), name="dif", published=gate))
    else:
        blocks.append(t("research.dif.none", L, n=fmt.integer(len(tab), L)))
    if not_tested:
        blocks.append(t("research.dif.not_tested", L, roles=", ".join(escape_md(r) for r in sorted(not_tested))))
    results = {**base, "tested": tested, "not_tested": sorted(not_tested), "items": tab.to_dict(orient="records"),
               "flagged": flagged[["dimension", "role", "item", "r2_change_total", "p_total"]].to_dict(orient="records")}
    tables = {"items": tab, "n_behind": pd.Series(n_behind, index=tab.index, name="n")}  # n stays out of results
    return _section(sid, L, "shown", reasons, tables, results, blocks, names)


# ----------------------------------------------------------------------------- all four
def research_sections(data: pd.DataFrame, model: Mapping[str, list], *, scores: pd.DataFrame | None = None,
                      ml_fit: Mapping | None = None, scale: tuple = (1, 6),
                      min_group_size: int = DEFAULT_MIN_GROUP_SIZE, language: str = "sv",
                      names: Mapping[str, str] | None = None) -> dict[str, ResearchSection]:
    """The four sections in report order (keys :data:`SECTION_IDS`)."""
    kw = dict(min_group_size=min_group_size, language=language, names=names)
    return {"aggregation": aggregation_section(data, model, scores=scores, scale=scale, **kw),
            "item_difficulty": item_difficulty_section(data, model, ml_fit=ml_fit, **kw),
            "ordinal_invariance": invariance_section(data, model, **kw),
            "dif": dif_section(data, model, **kw)}


def review_research(rs: Any, *, min_group_size: int = DEFAULT_MIN_GROUP_SIZE, language: str = "sv",
                    ml_fit: Mapping | None = None) -> dict[str, ResearchSection]:
    """:func:`research_sections` of a ResponseSet: its scored items, dimension model, default scores and names."""
    from evaluation.scoring import respondent_scores

    inst = rs.instrument
    model = inst.dimension_items()
    names = {d: inst.name_of(d, language) for d in model}
    return research_sections(research_frame(rs), model, scores=respondent_scores(rs), ml_fit=ml_fit,
                             scale=(inst.scale.min, inst.scale.max), min_group_size=min_group_size,
                             language=language, names=names)


def research_results(sections: Mapping[str, ResearchSection], *, comprehension: pd.DataFrame | None = None) -> dict:
    """``results.json["research"]``: each section's language-free numbers under its id; with
    ``comprehension`` also ``comprehension_evidence`` (:func:`comprehension_evidence`, one record per item)."""
    out = {sid: sec.results for sid, sec in sections.items()}
    if comprehension is not None and len(comprehension):
        ev = comprehension_evidence(comprehension, sections).drop(columns=["n_dif", "n_grm"])  # sizes stay private
        out["comprehension_evidence"] = ev.reset_index().to_dict(orient="records")
    return out


# ----------------------------------------------------------------------------- comprehension evidence
def comprehension_evidence(comprehension: pd.DataFrame | None, sections: Mapping[str, ResearchSection]) -> pd.DataFrame:
    """Per item: the comprehension flag beside its largest DIF ΔR² (over roles) and its GRM threshold range.

    Returns
    -------
    DataFrame
        Index item; ``flag``, ``dif_r2_max``, ``dif_flagged`` (any role),
        ``a``, ``b_min``, ``b_max`` (NaN when the section was skipped) and the
        respondents behind them: ``n_dif`` (the smallest focal-or-rest group
        of the item's DIF fits), ``n_grm`` (the ordinal CFA's n).
    """
    items = list(comprehension["item"]) if comprehension is not None and len(comprehension) else []
    out = pd.DataFrame(index=pd.Index(items, name="item"))
    if comprehension is not None and len(comprehension):
        out["flag"] = comprehension.set_index("item")["flag"]
    d = sections.get("dif")
    if d is not None and "items" in d.tables:
        tab = d.tables["items"]
        out["dif_r2_max"] = tab.groupby("item")["r2_change_total"].max()
        out["dif_flagged"] = tab.groupby("item")["flagged"].apply(lambda s: bool((s == True).any()))  # noqa: E712
        behind = d.tables.get("n_behind")
        out["n_dif"] = (behind.groupby(tab["item"]).min() if behind is not None else pd.Series(dtype=float))
    else:
        out["dif_r2_max"], out["dif_flagged"], out["n_dif"] = np.nan, None, np.nan
    g = sections.get("item_difficulty")
    if g is not None and "grm" in g.tables:
        grm = g.tables["grm"]
        b = grm[[c for c in grm.columns if c.startswith("b")]]
        out["a"], out["b_min"], out["b_max"] = grm["a"], b.min(axis=1), b.max(axis=1)
        out["n_grm"] = g.results.get("n", np.nan)
    else:
        out["a"] = out["b_min"] = out["b_max"] = out["n_grm"] = np.nan
    return out


def comprehension_evidence_table(comprehension: pd.DataFrame, sections: Mapping[str, ResearchSection], *,
                                 language: str = "sv", min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> Table | None:
    """The items flagged as possibly hard to understand, with their DIF ΔR² max, discrimination and b range
    (the reasons are listed just above it in the report).

    None when nothing is flagged (or there is no comprehension analysis).
    """
    L = check_language(language)
    if comprehension is None or not len(comprehension) or not (comprehension["flag"] != "ok").any():
        return None
    evidence = comprehension_evidence(comprehension, sections)
    g = sections.get("item_difficulty")
    kmax = sum(c.startswith("b") for c in g.tables["grm"].columns) if g is not None and "grm" in g.tables else 5
    f = comprehension[comprehension["flag"] != "ok"].set_index("item")
    ev = evidence.reindex(f.index)
    k = int(min_group_size)
    vals = ev[["dif_r2_max", "a", "b_min", "b_max"]]
    counts = pd.DataFrame({"dif_r2_max": ev["n_dif"], "a": ev["n_grm"], "b_min": ev["n_grm"], "b_max": ev["n_grm"]},
                          index=ev.index)
    # a skipped section has no value and no count; an absent value is not a published number
    gate = publish(vals, n=counts.where(vals.notna(), k), min_group_size=k)
    ev = gate.frame  # the table is formatted from what passed the gate
    words = {"review": {"sv": "granska", "en": "review"}, "revise": {"sv": "revidera", "en": "revise"}}
    C = lambda key: t(f"research.col.{key}", L)  # noqa: E731
    show = pd.DataFrame({C("item"): f.index, C("flag"): [words.get(x, {}).get(L, x) for x in f["flag"]],
                         C("dif_r2"): [_n(v, L, 3) for v in ev["dif_r2_max"]],
                         "a": [_n(v, L, 2) for v in ev["a"]],
                         C("b_range"): [fmt.ci(lo, hi, L, 1) if pd.notna(lo) else "–"
                                        for lo, hi in zip(ev["b_min"], ev["b_max"])]})
    return Table(show, caption=t("research.comp.caption", L, kmax=kmax), name="comprehension_evidence",
                 published=gate)


# ----------------------------------------------------------------------------- notebook display
def show_comprehension_evidence(comprehension: pd.DataFrame | None, sections: Mapping[str, ResearchSection], *,
                                language: str = "sv", min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> None:
    """Display :func:`comprehension_evidence_table` in the running notebook (nothing when no item is flagged)."""
    from IPython.display import HTML, display

    from evaluation.reports.base import table_html

    table = comprehension_evidence_table(comprehension, sections, language=language, min_group_size=min_group_size)
    if table is not None:
        display(HTML(table_html(table)))


def show(sec: ResearchSection, output_dir: str | Path | None = None) -> None:
    """Display a section in the running notebook (as :meth:`evaluation.reports.base.Report.show`)."""
    from IPython.display import HTML, Markdown, display

    from evaluation.reports.base import Box, box_html, display_figure, inert_markdown, table_html

    s = sec.section
    display(Markdown(f"{'#' * s.level} {inert_markdown(s.heading)}"))
    figures = Path(output_dir) / "figures" if output_dir else None
    for block in s.blocks:
        if isinstance(block, str):
            display(Markdown(inert_markdown(block)))
        elif isinstance(block, Table):
            display(HTML(table_html(block)))
        elif isinstance(block, Box):
            display(HTML(box_html(block)))
        elif isinstance(block, Figure):
            display_figure(block, figures_dir=figures)
