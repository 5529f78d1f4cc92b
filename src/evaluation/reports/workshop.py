"""The workshop report's analysis and display tables: did the workshop change anything?

:func:`analyse_workshop` reads the files and calls :mod:`evaluation.stats.workshop`
for every number; the functions below turn the numbers into display tables
(Swedish headers and typography via :mod:`evaluation.text`) and sentences.
:class:`evaluation.reports.workshop_report.WorkshopReport` puts them in order.
The 0.1 names (``evaluation.effects.analyse_workshop``, ``design_markdown``,
``effects_table``, ...) are served from here.

>>> validate_workshop_parameters(before="x.csv", after="y.csv", instrument="dual_maturity", design="sometimes")
Traceback (most recent call last):
...
ValueError: design must be one of auto, paired, independent, then_test, did; got 'sometimes'.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from evaluation.stats import workshop as sw
from evaluation.text import format as fmt
from evaluation.text import workshop as tw
from evaluation.text.catalogue import t

__all__ = ["WorkshopParameters", "WorkshopAnalysis", "validate_workshop_parameters", "analyse_workshop",
           "workshop_headings", "main_comparison", "shown_rows", "effects_table", "detail_table", "forest_table",
           "design_markdown", "conclusion_markdown", "mde_markdown", "planning_table", "reaction_markdown",
           "reaction_table", "invariance_table", "individual_markdown", "before_after_plot", "INVARIANCE_MIN_N"]

#: respondents per round below which the before/after CFA is not run
INVARIANCE_MIN_N = 100


@dataclass(frozen=True)
class WorkshopParameters:
    """Checked parameters of the workshop report (see :func:`validate_workshop_parameters`)."""

    before: str
    after: str
    instrument: str
    design: str
    subject_column: str
    group_column: str
    cluster_column: str
    feedback: str
    min_group_size: int
    language: str
    output_dir: str
    ci: float = 0.95
    mapping: str = ""
    format: str = ""


def _existing(name: str, path: str) -> str:
    from evaluation.reports.protocol import file_parameter

    try:
        return file_parameter(name, path)
    except ValueError:
        raise ValueError(f"The {name} file {path!r} does not exist; give the path to the survey export.") from None


def validate_workshop_parameters(*, before: str, after: str, instrument: str, design: str = "auto",
                                 subject_column: str = "respondent_id", group_column: str = "",
                                 cluster_column: str = "", feedback: str = "", min_group_size: int = 5,
                                 language: str = "sv", output_dir: str = "reports/workshop",
                                 ci: float = 0.95, mapping: str = "", format: str = "") -> WorkshopParameters:
    """Check the report parameters before any work starts; a plain ``ValueError`` otherwise.

    Empty strings mean "not given" for ``group_column``, ``cluster_column`` and ``feedback``;
    ``mapping`` and ``format`` apply to the before and after exports (same tool, same questionnaire).
    """
    from evaluation.reports.protocol import (instrument_parameter, language_parameter, min_group_size_parameter,
                                             read_options_parameters)

    if design not in sw.WORKSHOP_DESIGNS:
        raise ValueError(f"design must be one of {', '.join(sw.WORKSHOP_DESIGNS)}; got {design!r}.")
    language_parameter(language)
    if not (isinstance(ci, (int, float)) and 0 < ci < 1):
        raise ValueError(f"ci must be a confidence level between 0 and 1 (for example 0.95), got {ci!r}.")
    k = min_group_size_parameter(min_group_size)
    before, after = _existing("before", before), _existing("after", after)
    feedback = _existing("feedback", feedback) if feedback else ""
    instrument_parameter(instrument)
    mapping, format = read_options_parameters(mapping, format)
    if design == "did" and not group_column:
        raise ValueError("design='did' needs group_column: the column saying who took part (1) and who "
                         "belongs to the comparison group (0).")
    return WorkshopParameters(before=str(before), after=str(after), instrument=str(instrument),
                              design=design, subject_column=subject_column or "", group_column=group_column or "",
                              cluster_column=cluster_column or "", feedback=feedback or "", min_group_size=k,
                              language=language, output_dir=str(output_dir), ci=float(ci), mapping=mapping,
                              format=format)


@dataclass(frozen=True, eq=False)
class WorkshopAnalysis:
    """Every number the workshop report shows (see :func:`analyse_workshop`)."""

    params: WorkshopParameters
    choice: Any  # evaluation.stats.workshop.DesignChoice
    table: pd.DataFrame
    before: Any
    after: Any
    feedback: Any
    reaction: pd.DataFrame | None
    reaction_change: dict | None
    planning: pd.DataFrame
    invariance: pd.DataFrame | None = None
    invariance_code: str = "too_few"
    rounds: pd.DataFrame | None = None

    @property
    def instrument(self) -> Any:
        return self.after.instrument

    @property
    def results(self) -> dict:
        """Key figures for results.json's ``sections``: language-free keys and codes, no respondent codes."""
        files = {name: rs.summary() for name, rs in (("before", self.before), ("after", self.after),
                                                      ("feedback", self.feedback)) if rs is not None}
        c = self.choice
        comp = main_comparison(self)
        ov = self.table[(self.table["comparison"] == comp) & (self.table["id"] == "overall") & ~self.table["suppressed"]]
        cats = self.table[(self.table["comparison"] == comp) & (self.table["level"] == "category")
                          & ~self.table["suppressed"]]
        conclusion = {"comparison": comp, "overall_clear": None, "categories_clear": []}
        if len(ov):
            o = ov.iloc[0]
            conclusion.update(overall_clear=tw.is_clear(o["ci_low"], o["ci_high"]),
                              direction="up" if o["diff"] > 0 else "down")
            conclusion["categories_clear"] = cats.loc[cats["p_holm"] < 0.05, "id"].tolist()
        return {
            "instrument": self.instrument.id,
            "instrument_version": self.instrument.version,
            "min_group_size": self.params.min_group_size,
            "ci": self.params.ci,
            "design": {"chosen": c.design, "requested": c.requested, "reason": c.reason, "notes": list(c.notes),
                       "n_before": c.n_before, "n_after": c.n_after, "n_linked": c.n_linked,
                       "comparison_group": c.has_comparison_group, "retrospective": c.has_retrospective},
            "files": files,
            "effects": self.table,
            "rounds": self.rounds,
            "reaction": self.reaction,
            "reaction_change": self.reaction_change,
            "planning": self.planning,
            "invariance": (None if self.invariance is None else
                           self.invariance.reset_index()[["model", "cfi", "rmsea", "srmr", "verdict"]]),
            "invariance_code": self.invariance_code,
            "conclusion": conclusion,
        }


def analyse_workshop(params: WorkshopParameters, *, n_boot: int = 9999, seed: int = 0) -> WorkshopAnalysis:
    """Read the files and compute every number of the workshop report.

    Steps: read before/after (and feedback) with
    :func:`evaluation.data.responses.read_responses`; :func:`~evaluation.stats.workshop.workshop_effects`
    (design chosen by :func:`~evaluation.stats.workshop.choose_design`);
    :func:`~evaluation.stats.workshop.reaction_summary`; the Spearman
    correlation between a participant's reaction and their own change
    (:func:`~evaluation.stats.workshop.reaction_change`, at least
    ``max(min_group_size, 10)`` linked); the planning table
    (:func:`~evaluation.stats.workshop.planning`); invariance across rounds;
    and per-round aggregates for the figure (:func:`~evaluation.stats.workshop.round_summary`).
    """
    from evaluation.data.responses import read_responses
    from evaluation.reports.protocol import read_export

    p = params
    before = read_export(p.before, p.instrument, p)
    after = read_export(p.after, p.instrument, p)
    table = sw.workshop_effects(before, after, design=p.design, subject_column=p.subject_column,
                                group_column=p.group_column, cluster_column=p.cluster_column,
                                min_group_size=p.min_group_size, ci=p.ci, n_boot=n_boot, seed=seed)
    choice = table.attrs["design"]
    feedback = reaction = rc = None
    if p.feedback:
        feedback = read_responses(p.feedback, "workshop_reaction")
        reaction = sw.reaction_summary(feedback, min_group_size=p.min_group_size, ci=p.ci)
        rc = sw.reaction_change(feedback, before, after, subject_column=p.subject_column,
                                min_n=max(p.min_group_size, 10), ci=p.ci)
    inv, code = sw.invariance_across_rounds(before, after, min_n=INVARIANCE_MIN_N)
    rounds = sw.round_summary(before, after, group_column=choice.group_column if choice.design == "did" else "",
                              min_group_size=p.min_group_size, ci=p.ci)
    return WorkshopAnalysis(params=p, choice=choice, table=table, before=before, after=after, feedback=feedback,
                            reaction=reaction, reaction_change=rc,
                            planning=sw.planning(before, after, subject_column=p.subject_column),
                            invariance=inv, invariance_code=code, rounds=rounds)


# -- display ------------------------------------------------------------------------

def workshop_headings(language: str = "sv") -> dict:
    """Section headings of the workshop report in ``language`` (0.1 name)."""
    return {k: tw.heading(k, language) for k in tw.HEADINGS}


def main_comparison(res: WorkshopAnalysis) -> str:
    """The comparison the conclusion rests on: ``did`` or ``post_pre``."""
    return "did" if res.choice.design == "did" else "post_pre"


def shown_rows(res: WorkshopAnalysis, comparison: str) -> pd.DataFrame:
    """Rows of one comparison in display order: overall, then each dimension and its categories.

    A dimension with a single category has the same items and numbers as that
    category, so only the category row is kept.
    """
    inst = res.instrument
    tab = res.table[res.table["comparison"] == comparison].set_index("id", drop=False)
    order = ["overall"] if "overall" in tab.index else []
    for dim, cats in inst.dimension_categories().items():
        if len(cats) > 1 and dim in tab.index:
            order.append(dim)
        order += [c for c in cats if c in tab.index]
    out = tab.loc[order].reset_index(drop=True)
    multi = {c for d, cats in inst.dimension_categories().items() if len(cats) > 1 for c in cats}
    out["indent"] = out["id"].isin(multi)
    return out


def _name(res: WorkshopAnalysis, sid: str, L: str, indent: bool = False) -> str:
    """A score's name as plain text (tables escape it; markdown callers use escape_md)."""
    name = t("workshop.overall", L) if sid == "overall" else res.instrument.name_of(sid, L)
    return ("– " if indent else "") + name


def _ci_cell(r: Any, L: str) -> str:
    return fmt.DASH if r["suppressed"] else fmt.ci(r["ci_low"], r["ci_high"], L, 1)


def effects_table(res: WorkshopAnalysis, *, comparison: str | None = None) -> pd.DataFrame:
    """The main results table: score, before, after, change, "a till b" CI, Holm p (text cells)."""
    L = res.params.language
    comp = comparison or main_comparison(res)
    rows = shown_rows(res, comp)
    did = comp == "did"
    col = lambda key: t(f"workshop.col.{key}", L)  # noqa: E731
    first, second = {"did": ("before_did", "after_did"), "then_pre": ("before", "then"),
                     "post_then": ("then", "after")}.get(comp, ("before", "after"))
    out = {col("score"): [_name(res, r["id"], L, r["indent"]) for _, r in rows.iterrows()],
           col(first): [fmt.points(v, L, 1) for v in rows["mean_pre"]],
           col(second): [fmt.points(v, L, 1) for v in rows["mean_post"]]}
    if did:
        # absent when every DiD row is suppressed (a small arm): shown as "–" then
        cc = rows["change_comparison"] if "change_comparison" in rows.columns else [None] * len(rows)
        out[col("change_comparison")] = [fmt.signed(v, L, 1) for v in cc]
    out[col("change_did" if did else "change")] = [fmt.signed(v, L, 1) for v in rows["diff"]]
    out[col("ci")] = [_ci_cell(r, L) for _, r in rows.iterrows()]
    out[col("p_holm")] = [fmt.pvalue(v, L) if r["level"] != "overall" else fmt.pvalue(r["pvalue"], L)
                          for v, (_, r) in zip(rows["p_holm"], rows.iterrows())]
    return pd.DataFrame(out)


def detail_table(res: WorkshopAnalysis, *, comparison: str | None = None) -> pd.DataFrame:
    """The method appendix table: counts, test, raw and corrected p, effect size, minimum detectable effect."""
    L = res.params.language
    rows = shown_rows(res, comparison or main_comparison(res))
    col = lambda key: t(f"workshop.col.{key}", L)  # noqa: E731
    return pd.DataFrame({
        col("score"): [_name(res, r["id"], L, r["indent"]) for _, r in rows.iterrows()],
        col("n_both"): [f"{fmt.integer(x, L)} / {fmt.integer(y, L)}" for x, y in zip(rows["n_pre"], rows["n_post"])],
        col("test"): [fmt.DASH if r["suppressed"] else tw.statistical_test_name(r["test"], L)
                      for _, r in rows.iterrows()],
        col("p"): [fmt.pvalue(v, L) for v in rows["pvalue"]],
        col("p_bh"): [fmt.pvalue(v, L) for v in rows["p_bh"]],
        col("es"): [fmt.DASH if r["suppressed"] else f"{tw.effect_size_name(r['es_name'], L)} = "
                    f"{fmt.number(r['es'], L, 2)}" for _, r in rows.iterrows()],
        col("mde"): [fmt.number(v, L, 1) for v in rows["mde"]],
    })


def forest_table(res: WorkshopAnalysis, comparison: str) -> pd.DataFrame:
    """Rows for :func:`evaluation.plots.change_plot`: index id, columns diff, ci_low, ci_high (shown rows only)."""
    rows = shown_rows(res, comparison)
    return rows[~rows["suppressed"] & rows["diff"].notna()].set_index("id")[["diff", "ci_low", "ci_high"]]


def design_markdown(res: WorkshopAnalysis) -> str:
    """What design the data allow and why, with the counts."""
    rejected = {"before": len(res.before.rejected), "after": len(res.after.rejected)}
    return tw.design_text(res.choice, res.params.language, rejected=rejected)


def conclusion_markdown(res: WorkshopAnalysis) -> str:
    """The plain-language summary by fixed rules; never over-claims (no effect shown is not an effect of zero)."""
    L = res.params.language
    comp = main_comparison(res)
    tab = res.table[(res.table["comparison"] == comp) & ~res.table["suppressed"] & res.table["diff"].notna()]
    ov = tab[tab["id"] == "overall"]
    if not len(ov):
        return t("workshop.no_conclusion", L)
    o = ov.iloc[0]
    what = t("workshop.what_did" if comp == "did" else "workshop.what_overall", L)
    parts = [tw.change_sentence(o["diff"], o["ci_low"], o["ci_high"], o["mde"], what, L)]
    cats = tab[tab["level"] == "category"]
    if len(cats):
        strong = cats[cats["p_holm"] < 0.05]
        if len(strong):
            from evaluation.reports.base import escape_md

            names = ", ".join(f"{escape_md(_name(res, r.id, L))} ({fmt.signed(r.diff, L, 1)})"
                              for r in strong.itertuples())
            parts.append(t("workshop.cats_clear", L, n=len(cats), names=names))
        else:
            parts.append(t("workshop.cats_none", L, n=len(cats)))
    if res.choice.design == "then_test":
        pick = lambda c: res.table[(res.table["comparison"] == c) & (res.table["id"] == "overall")  # noqa: E731
                                   & ~res.table["suppressed"] & res.table["diff"].notna()]
        sh, rt = pick("then_pre"), pick("post_then")
        if len(sh) and len(rt):
            s, r = sh.iloc[0], rt.iloc[0]
            shift = t("workshop.shift_clear" if tw.is_clear(s["ci_low"], s["ci_high"]) else "workshop.shift_none", L)
            parts.append(t("workshop.then", L, r=fmt.signed(r["diff"], L, 1), rci=fmt.ci(r["ci_low"], r["ci_high"], L),
                           s=fmt.signed(s["diff"], L, 1), sci=fmt.ci(s["ci_low"], s["ci_high"], L), shift=shift))
    parts.append(t("workshop.caveat_did" if comp == "did" else "workshop.caveat_single", L))
    text = " ".join(parts)
    if tw.is_clear(o["ci_low"], o["ci_high"]):
        return text + "\n\n" + t("workshop.next_step_clear", L)
    return text + "\n\n" + t("workshop.next_step_unclear", L, mde=fmt.number(o["mde"], L, 1),
                             where=tw.heading("mde", L))


def mde_markdown(res: WorkshopAnalysis) -> str:
    """The minimum detectable effect of this evaluation and the planning table's message."""
    L = res.params.language
    tab = res.table[(res.table["comparison"] == main_comparison(res)) & ~res.table["suppressed"]]
    ov, dims = tab[tab["id"] == "overall"], tab[tab["level"] != "overall"]
    if not len(ov):
        return t("workshop.too_few", L)
    lo, hi = (dims["mde"].min(), dims["mde"].max()) if len(dims) else (np.nan, np.nan)
    paired = t("workshop.mde_paired", L) if np.isfinite(res.planning["r"].iloc[0]) else ""
    return t("workshop.mde_text", L, m=fmt.number(ov["mde"].iloc[0], L, 1), lo=fmt.number(lo, L, 1),
             hi=fmt.number(hi, L, 1), paired=paired)


def planning_table(res: WorkshopAnalysis) -> pd.DataFrame:
    """The planning table as shown: respondents per round and the detectable change (percentage points)."""
    L, p = res.params.language, res.planning
    out = pd.DataFrame({t("workshop.col.per_round", L): [fmt.integer(v, L) for v in p["n"]],
                        t("workshop.col.independent", L): [fmt.number(v, L, 1) for v in p["mde_independent"]]})
    if p["mde_paired"].notna().any():
        out[t("workshop.col.paired", L)] = [fmt.number(v, L, 1) for v in p["mde_paired"]]
    return out


def reaction_markdown(res: WorkshopAnalysis) -> str:
    """Level 1 (reaction) beside level 3 (change in maturity), and their correlation when linkable."""
    L = res.params.language
    if res.reaction is None:
        return t("workshop.no_feedback", L)
    ov = res.reaction[res.reaction["level"] == "overall"].iloc[0]
    if ov["suppressed"]:
        txt = t("workshop.reaction_few", L)
    else:
        txt = t("workshop.reaction_text", L, m=fmt.points(ov["mean"], L, 1), ci=fmt.ci(ov["ci_low"], ov["ci_high"], L),
                n=fmt.integer(ov["n"], L))
    main = res.table[(res.table["comparison"] == main_comparison(res)) & (res.table["id"] == "overall")]
    if len(main) and not main["suppressed"].iloc[0]:
        m = main.iloc[0]
        txt += t("workshop.reaction_main", L, d=fmt.signed(m["diff"], L, 1), ci=fmt.ci(m["ci_low"], m["ci_high"], L))
    rc = res.reaction_change
    if rc is not None:
        if np.isfinite(rc["spearman_rho"]):
            txt += t("workshop.reaction_rho", L, n=rc["n"], rho=fmt.number(rc["spearman_rho"], L, 2),
                     ci=fmt.ci(rc["ci_low"], rc["ci_high"], L, 2))
        else:
            txt += t("workshop.reaction_rho_few", L)
    return txt


def reaction_table(res: WorkshopAnalysis) -> pd.DataFrame | None:
    """The reaction items as shown (mean on the answer scale, share agreeing); hidden items as "–"."""
    if res.reaction is None or res.feedback is None:
        return None
    L, inst = res.params.language, res.feedback.instrument
    it = res.reaction[res.reaction["level"] == "item"]
    return pd.DataFrame({
        t("workshop.col.statement", L): [inst.name_of(i, L) for i in it["id"]],
        "n": [fmt.integer(v, L) for v in it["n"]],
        t("workshop.col.mean_scale", L, lo=inst.scale.min, hi=inst.scale.max): [fmt.number(v, L, 2) for v in it["mean"]],
        t("workshop.col.ci", L): [fmt.DASH if s else fmt.ci(a, b, L, 2)
                                  for s, a, b in zip(it["suppressed"], it["ci_low"], it["ci_high"])],
        t("workshop.col.agree", L): [fmt.percent(v, L) for v in it["share_agree"]],
    })


def invariance_table(res: WorkshopAnalysis) -> pd.DataFrame | None:
    """The invariance models in words: model, CFI, RMSEA, SRMR, verdict."""
    if res.invariance is None:
        return None
    L, inv = res.params.language, res.invariance
    return pd.DataFrame({
        t("workshop.col.model", L): [t(f"workshop.inv.{m}", L) if f"workshop.inv.{m}" in
                                     tw._M else str(m) for m in inv.index],
        "CFI": [fmt.number(v, L, 3) for v in inv["cfi"]],
        "RMSEA": [fmt.number(v, L, 3) for v in inv["rmsea"]],
        "SRMR": [fmt.number(v, L, 3) for v in inv["srmr"]],
        t("workshop.col.verdict", L): [t("workshop.inv.holds" if v == "holds" else "workshop.inv.fails", L)
                                       if isinstance(v, str) and v else fmt.DASH for v in inv["verdict"]],
    })


def individual_markdown(res: WorkshopAnalysis) -> str:
    """How the figure aggregates, and (paired data) how many rose and fell, when both counts are large enough."""
    L, k = res.params.language, res.params.min_group_size
    paired = ""
    if res.choice.design != "did" and res.choice.n_linked >= k:
        pairs = sw.paired_scores(res.before, res.after, subject_column=res.params.subject_column)
        d = pairs["after"] - pairs["before"]
        up, down = int((d > 0).sum()), int((d < 0).sum())
        if len(d) >= k and all(c == 0 or c >= k for c in (up, down, len(d) - up - down)):
            paired = t("workshop.individual_paired", L, n=fmt.integer(len(d), L), up=fmt.integer(up, L),
                       down=fmt.integer(down, L))
    return t("workshop.individual_text", L, paired=paired)


def before_after_plot(res: WorkshopAnalysis, *, score_id: str = "overall") -> Any:
    """Mean with CI and the middle half per round (and group): aggregates only, no line per person."""
    from evaluation.plots.effects import before_after_plot as draw

    L = res.params.language
    rounds = res.rounds
    if rounds is None or score_id != "overall":
        rounds = sw.round_summary(res.before, res.after, score=score_id, min_group_size=res.params.min_group_size,
                                  group_column=res.choice.group_column if res.choice.design == "did" else "")
    shown = rounds[~rounds["suppressed"]].copy()
    if (shown["group"] != "all").any():
        shown = shown.sort_values(["group", "round"], ascending=[True, False], kind="stable")
    shown["label"] = [t(f"workshop.round.{r}", L) + ("" if g == "all" else "\n" + t(f"workshop.group.{g}", L))
                      for r, g in zip(shown["round"], shown["group"])]
    shown["pair"] = shown["group"]
    name = t("workshop.overall", L) if score_id == "overall" else res.instrument.name_of(score_id, L)
    return draw(shown, ylabel=f"{name} ({t('workshop.pct_of_max', L)})",
                mean_label=t("workshop.mean_ci", L),
                band_label=t("workshop.col.iqr", L), number=lambda v: fmt.number(v, L, 0))
