"""The workshop report on the one report protocol (:mod:`evaluation.reports.base`).

Summary first, in plain words; then the change per score, before/after, the
participants' reaction, what the survey could detect, invariance; method and
details last.

>>> from evaluation.reports import report_class
>>> report_class("workshop").section_ids[0]
'summary'
"""

from __future__ import annotations

from typing import Any, Mapping

from evaluation.reports import workshop as ws
from evaluation.reports.base import Figure, Parameter, Report, Section, Table
from evaluation.text import format as fmt
from evaluation.text import workshop as tw
from evaluation.text.catalogue import t

__all__ = ["WorkshopReport", "add_cli"]


class WorkshopReport(Report):
    """Did the workshop change anything? Before/after (paired, independent, then-test or DiD)."""

    kind = "workshop"
    gate_required = True  # every table is formatted from the gated copy of the analysis (:meth:`gated`)
    notebook = "workshop_effect.ipynb"
    parameters = (
        Parameter("before", "str", "data_samples/workshop_before.csv", "survey export from before the workshop"),
        Parameter("after", "str", "data_samples/workshop_after.csv", "survey export from after the workshop"),
        Parameter("instrument", "str", "workshop_followup", "instrument id or path to its YAML (both rounds)"),
        Parameter("design", "str", "auto", '"auto", "paired", "independent", "then_test" or "did"'),
        Parameter("subject_column", "str", "respondent_id", "column of respondent codes linking the rounds; "
                                                            "empty: none"),
        Parameter("group_column", "str", "took_part", 'who took part (1) or is in the comparison group (0), '
                                                      'for "did"; empty: none'),
        Parameter("cluster_column", "str", "unit", 'unit each respondent belongs to, e.g. "unit"; empty: none'),
        Parameter("feedback", "str", "data_samples/workshop_reaction.csv",
                  "optional: export of the workshop_reaction questionnaire"),
        Parameter("min_group_size", "int", 5, "smallest group shown (privacy)"),
        Parameter("language", "str", "sv", 'report language: "sv" or "en"'),
        Parameter("output_dir", "str", "reports/workshop", "folder for HTML, results.json and the executed notebook"),
        Parameter("mapping", "str", "", "optional: mapping file for the before/after exports (dmkit validate "
                                        "--write-mapping); empty: FILE.mapping.yaml beside each, if any"),
        Parameter("format", "str", "", "optional: survey tool of the exports, e.g. netigate; empty: detected"),
    )
    section_ids = ("summary", "effects", "individual", "reaction", "mde", "invariance", "method")

    @classmethod
    def check(cls, **params):
        return ws.validate_workshop_parameters(**params)

    def analyse(self):
        return ws.analyse_workshop(self.params)

    def inputs(self) -> Mapping[str, str | None]:
        p = self.params
        return {"before": p.before, "after": p.after, "feedback": p.feedback, "mapping": p.mapping}

    def register_inputs(self) -> list:
        a, p = self.analysis, self.params
        groups = (p.group_column, p.cluster_column)
        out = [(a.before.instrument.id, a.before, groups), (a.after.instrument.id, a.after, groups)]
        if a.feedback is not None:
            out.append((a.feedback.instrument.id, a.feedback, ()))
        return out

    def title(self) -> str:
        return tw.heading("title", self.language)

    def sections_results(self) -> dict:
        return self.analysis.results

    def board(self) -> list[dict]:
        """One slide: the summary's first sentence as the message, the rest (and the next step) as bullets."""
        import re

        paras = [p.strip() for p in ws.conclusion_markdown(self.gated()[0]).split("\n\n") if p.strip()]
        sentences = [x for x in re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ*])", paras[0]) if x] if paras else []
        if not sentences:
            return []
        return [{"title": tw.heading("summary", self.language), "message": sentences[0],
                 "bullets": sentences[1:] + paras[1:]}]

    def gated(self) -> tuple[Any, dict]:
        """The analysis with its tables' numbers as the privacy gate let them through, and the gates.

        ``table`` (effects and details): a row stands on both rounds, ``n = min(n_pre, n_post)``, and a
        difference in differences on its smallest group × round cell of the overall score (its rows are
        also suppressed in :mod:`evaluation.stats.workshop` when any of their four cells is small). ``reaction``: each statement's ``n``.
        ``invariance`` and ``planning`` (its detectable changes use the observed spread): the smaller round.
        Computed once.
        """
        if getattr(self, "_gated", None) is None:
            import dataclasses

            from evaluation.privacy.gate import gate_values

            res, k = self.analysis, self.analysis.params.min_group_size
            gates: dict[str, Any] = {}

            def through(df, cols, n, key):
                out, gates[key] = gate_values(df, columns=cols, n=n, min_group_size=k)
                return out

            tab = res.table
            n_row = tab[["n_pre", "n_post"]].min(axis=1)
            rounds = res.rounds
            if rounds is not None and len(rounds) and (rounds["group"] != "all").any():
                # a difference in differences stands on its four cells (group x round): the smallest one
                smallest = float(rounds.loc[rounds["group"] != "all", "n"].min())
                n_row = n_row.where(tab["comparison"] != "did", n_row.clip(upper=smallest))
            tab = through(tab, ["mean_pre", "mean_post", "change_comparison", "diff", "se", "ci_low", "ci_high",
                                "pvalue", "p_holm", "p_bh", "es", "mde"], n_row, "table")
            reaction = res.reaction
            if reaction is not None:
                reaction = through(reaction, ["mean", "ci_low", "ci_high", "share_agree"], reaction["n"], "reaction")
            inv = res.invariance
            if inv is not None:
                inv = through(inv, ["cfi", "rmsea", "srmr"], min(res.choice.n_before, res.choice.n_after),
                              "invariance")
            # the detectable changes use the rounds' observed spread: they stand on the smaller round
            planning = through(res.planning, ["mde_independent", "mde_paired"],
                               min(res.choice.n_before, res.choice.n_after), "planning")
            self._gated = (dataclasses.replace(res, table=tab, reaction=reaction, invariance=inv,
                                               planning=planning), gates)
        return self._gated

    def section(self, section_id: str) -> Section | None:
        res, L = self.analysis, self.language
        gres, gates = self.gated()
        if section_id == "summary":
            sec = Section("summary", tw.heading("title", L), level=1)
            return sec.add(f"## {tw.heading('summary', L)}\n\n" + ws.conclusion_markdown(gres),
                           t("workshop.how_to_read", L, k=res.params.min_group_size))
        if section_id == "effects":
            from evaluation import plots

            sec = Section("effects", tw.heading("effects", L))
            sec.add(t("workshop.effects_note", L, method=tw.heading("method", L)))
            names = {i: t("workshop.overall", L) if i == "overall" else res.instrument.name_of(i, L)
                     for i in res.table["id"]}
            comps = [ws.main_comparison(res)] + [c for c in res.table["comparison"].unique()
                                                  if c != ws.main_comparison(res)]
            for comp in comps:
                forest = ws.forest_table(gres, comp)  # the figure draws what passed the gate
                cname = tw.comparison_name(comp, L)
                if len(forest):
                    sec.add(Figure(plots.change_plot(forest, names=names, language=L, title=cname),
                                   alt=t("workshop.forest_alt", L, cmp=cname, n=len(forest)), name=f"change_{comp}"))
                sec.add(Table(ws.effects_table(gres, comparison=comp), caption=cname, name=f"effects_{comp}",
                              published=gates["table"]))
            return sec
        if section_id == "individual":
            sec = Section("individual", tw.heading("individual", L)).add(ws.individual_markdown(res))
            name = t("workshop.overall", L)
            return sec.add(Figure(ws.before_after_plot(res), alt=t("workshop.figure_alt", L, what=name.lower()),
                                  name="before_after"))
        if section_id == "reaction":
            sec = Section("reaction", tw.heading("reaction", L)).add(ws.reaction_markdown(res))
            if res.reaction is not None and not res.reaction["suppressed"].all():
                from evaluation import plots
                from evaluation.reports.round import item_distribution

                sec.add(Table(ws.reaction_table(gres), name="reaction", published=gates["reaction"]))
                dist = item_distribution(res.feedback)
                shown = res.reaction.loc[(res.reaction["level"] == "item") & ~res.reaction["suppressed"], "id"]
                dist = dist.loc[dist.index.isin(shown)]
                if len(dist):
                    inst = res.feedback.instrument
                    sec.add(Figure(plots.likert_plot(dist, instrument=inst, language=L,
                                                     item_labels={i: inst.name_of(i, L) for i in dist.index}),
                                   alt=t("workshop.likert_alt", L), name="reaction_items"))
            return sec
        if section_id == "mde":
            return Section("mde", tw.heading("mde", L)).add(ws.mde_markdown(res),
                                                            Table(ws.planning_table(gres), name="planning",
                                                                  published=gates["planning"]))
        if section_id == "invariance":
            c = res.choice
            sec = Section("invariance", tw.heading("invariance", L))
            sec.add(tw.invariance_text(res.invariance_code, L, min_n=ws.INVARIANCE_MIN_N, n_before=c.n_before,
                                       n_after=c.n_after))
            inv = ws.invariance_table(gres)
            return sec.add(Table(inv, name="invariance", published=gates.get("invariance"))) if inv is not None else sec
        if section_id == "method":
            sec = Section("method", tw.heading("method", L))
            sec.add(f"### {tw.heading('design', L)}\n\n" + ws.design_markdown(res))
            for comp in res.table["comparison"].unique():
                sec.add(Table(ws.detail_table(gres, comparison=comp), caption=tw.comparison_name(comp, L),
                              name=f"details_{comp}", published=gates["table"]))
            return sec
        raise ValueError(f"The workshop report has no section {section_id!r}; its sections are "
                         f"{', '.join(self.section_ids)}.")


# -- command line ------------------------------------------------------------------

def _cmd_workshop(args: Any) -> int:
    """``dmkit workshop``: validate parameters, run the notebook, one plain message on failure."""
    from evaluation.reports.protocol import run_report_command

    params = {
        "before": args.before, "after": args.after, "instrument": args.instrument, "design": args.design,
        "subject_column": args.subject_column or "", "group_column": args.group_column or "",
        "cluster_column": args.cluster_column or "", "feedback": args.feedback or "",
        "min_group_size": args.min_group_size, "language": args.language, "output_dir": args.output_dir,
        "mapping": args.mapping or "", "format": args.format or "",
    }
    return run_report_command(notebook=WorkshopReport.notebook, name="workshop_effect", params=params,
                              validate=ws.validate_workshop_parameters, quiet=args.quiet, what="workshop-effect",
                              kind="workshop", pdf=args.pdf, slides=args.slides,
                              title=tw.heading("title", args.language if args.language in fmt.LANGUAGES else "sv"))


def add_cli(subparsers: Any) -> None:
    """Register ``dmkit workshop`` (called by :mod:`evaluation.cli`)."""
    from evaluation.reports.protocol import add_read_options

    s = subparsers.add_parser("workshop", help="did the workshop change anything? (before/after report)")
    s.add_argument("before", help="survey export from before the workshop, e.g. data_samples/workshop_before.csv")
    s.add_argument("after", help="survey export from after the workshop, e.g. data_samples/workshop_after.csv")
    s.add_argument("--instrument", "-i", required=True)
    s.add_argument("--design", default="auto", choices=["auto", "paired", "independent", "then_test", "did"],
                   help="the before/after design (default auto: read from the data), e.g. did")
    s.add_argument("--subject-column", default="respondent_id",
                   help="respondent codes linking the rounds ('' = none), e.g. respondent_id")
    s.add_argument("--group-column", default="", help="1 = took part, 0 = comparison group (for did), e.g. took_part")
    s.add_argument("--cluster-column", default="", help="e.g. unit, for clustered designs")
    s.add_argument("--feedback", default="", help="export of the workshop_reaction questionnaire (optional), "
                   "e.g. data_samples/workshop_reaction.csv")
    s.add_argument("--min-group-size", type=int, default=5)
    s.add_argument("--language", "-l", default="sv")
    s.add_argument("--output-dir", "-o", default="reports/workshop")
    add_read_options(s)
    s.add_argument("--quiet", "-q", action="store_true")
    from evaluation.reports.protocol import add_output_options

    add_output_options(s, stem="workshop_effect")
    s.set_defaults(func=_cmd_workshop)
