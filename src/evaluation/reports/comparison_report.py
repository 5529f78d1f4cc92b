"""The instrument-comparison report on the one report protocol (:mod:`evaluation.reports.base`).

Summary and recommendation first ("which instrument suits us, and why"),
then each measurement property, COSMIN last.

>>> from evaluation.reports import report_class
>>> report_class("comparison").section_ids[:2]
('summary', 'recommendation')
"""

from __future__ import annotations

from typing import Any, Mapping

from evaluation.reports import comparison as rc
from evaluation.reports.base import Figure, Parameter, Report, Section, Table
from evaluation.text import comparison as tc
from evaluation.text.catalogue import t

__all__ = ["ComparisonReport", "add_cli"]


class ComparisonReport(Report):
    """Two instruments answered by the same people: which suits us, and why?"""

    kind = "comparison"
    gate_required = True  # every table passes evaluation.privacy.gate.publish (_gate) with its respondents
    notebook = "instrument_comparison.ipynb"
    parameters = (
        Parameter("responses_a", "str", "data_samples/paired_dual_maturity.csv", "survey export of instrument A"),
        Parameter("instrument_a", "str", "dual_maturity", "instrument id or YAML path of A"),
        Parameter("responses_b", "str", "data_samples/paired_public_dma.csv",
                  "survey export of instrument B, answered by the same people"),
        Parameter("instrument_b", "str", "public_dma", "instrument id or YAML path of B"),
        Parameter("link_column", "str", "respondent_id", "column that identifies the same person in both files"),
        Parameter("retest_a", "str", "data_samples/paired_dual_maturity_retest.csv",
                  "optional: second answers to A by (some of) the same people"),
        Parameter("retest_b", "str", "data_samples/paired_public_dma_retest.csv", "optional: second answers to B"),
        Parameter("crosswalk", "str", "", "optional: crosswalk YAML; empty means instruments/crosswalk.yaml"),
        Parameter("language", "str", "sv", 'report language: "sv" or "en"'),
        Parameter("output_dir", "str", "reports/comparison", "folder for HTML, results.json and the executed notebook"),
        Parameter("min_group_size", "int", 5, "smallest group shown (privacy)"),
        Parameter("mic", "float", 0.0, "optional: minimal important change (percentage points) for measurement "
                                       "error; 0 for none"),
        Parameter("dif_group", "str", "", 'optional: column (e.g. "role") for cross-group invariance (DIF); '
                                          'empty: not tested'),
        Parameter("mapping_a", "str", "", "optional: mapping file for A's exports (dmkit validate --write-mapping); "
                                          "empty: FILE.mapping.yaml beside each, if any"),
        Parameter("format_a", "str", "", "optional: survey tool that wrote A's exports; empty: detected"),
        Parameter("mapping_b", "str", "", "optional: mapping file for B's exports"),
        Parameter("format_b", "str", "", "optional: survey tool that wrote B's exports; empty: detected"),
    )
    section_ids = ("summary", "recommendation", "reliability", "structure", "validity", "agreement", "retest",
                   "comprehension", "cosmin")

    @classmethod
    def check(cls, **params):
        return rc.validate_comparison_parameters(**params)

    def analyse(self):
        return rc.run_comparison(self.params)

    def register_inputs(self) -> list:
        return [(rs.instrument.id, rs, (self.params.dif_group,)) for rs in self.analysis.read]

    def inputs(self) -> Mapping[str, str | None]:
        p = self.params
        return {"responses_a": p.responses_a, "responses_b": p.responses_b, "retest_a": p.retest_a,
                "retest_b": p.retest_b, "crosswalk": p.crosswalk, "mapping_a": p.mapping_a or None,
                "mapping_b": p.mapping_b or None}

    def title(self) -> str:
        return tc.heading("title", self.language, a=self.analysis.md_name("A"), b=self.analysis.md_name("B"))

    def sections_results(self) -> dict:
        return self.analysis.results

    def board(self) -> list[dict]:
        """Two slides: the recommendation with its reasons, then the summary's findings."""
        res, L = self.analysis, self.language
        k = res.min_group_size
        names = {"A": res.md_name("A"), "B": res.md_name("B")}
        head, reasons, _caveat = tc.recommendation_parts(rc.recommendation(res), names, L)
        summary = rc.summary_lines(res)
        return [{"title": tc.heading("recommendation", L), "message": head, "bullets": reasons},
                {"title": tc.heading("summary", L), "message": summary[0] if summary else "",
                 "bullets": summary[1:]}]

    def section(self, section_id: str) -> Section | None:
        res, L = self.analysis, self.language
        k = res.min_group_size
        names = {"A": res.md_name("A"), "B": res.md_name("B")}
        h = lambda key: tc.heading(key, L)  # noqa: E731
        if section_id == "summary":
            sec = Section("summary", self.title(), level=1)
            return sec.add(f"## {h('summary')}\n\n" + "\n".join(f"- {s}" for s in rc.summary_lines(res)),
                           t("comparison.how_to_read", L, k=res.min_group_size))
        if section_id == "recommendation":
            return Section("recommendation", h("recommendation")).add(
                tc.recommendation_text(rc.recommendation(res), names, L))
        if section_id == "reliability":
            sec = Section("reliability", h("reliability"))
            for side in ("A", "B"):
                sec.add(*_gate(rc.reliability_table(res, side), n=res.n_a if side == "A" else res.n_b, k=k,
                                caption=res.name(side), name=f"reliability_{side}"))
            return sec
        if section_id == "structure":
            return Section("structure", h("structure")).add(*_gate(rc.structure_table(res), n=min(res.n_a, res.n_b), k=k,
                                                                      name="structure"))
        if section_id == "validity":
            sec = Section("validity", h("validity"))
            fig = rc.validity_figure(res)
            hyp = res.validity.hypotheses
            if fig is None:
                sec.add(t("comparison.hyp_none", L))
            else:
                sec.add(Figure(fig, alt=t("comparison.validity_alt", L, m=len(hyp), k=int(hyp["confirmed"].sum())),
                               name="validity"), *_gate(rc.hypotheses_table(res), n=res.n_linked, k=k, name="hypotheses"))
            return sec.add(f"### {h('mtmm')}", *_gate(rc.correlation_table(res), n=res.n_linked, k=k, name="correlations"))
        if section_id == "agreement":
            sec = Section("agreement", h("agreement")).add(*_gate(rc.agreement_table(res), n=res.n_linked, k=k,
                                                                      name="agreement"))
            classes = rc.classes_table(res)
            if classes is None:
                return sec.add(t("comparison.no_classes", L))
            # the cells are counts, hidden primary and complementary by comparison.protect (suppression_mask);
            # the table as a whole stands on the linked respondents
            return sec.add(*_gate(classes, n=res.n_linked, k=k, name="classes"), t("comparison.suppressed", L, k=res.min_group_size))
        if section_id == "retest":
            sec = Section("retest", h("retest"))
            if not res.retest:
                return sec.add(t("comparison.none_retest", L))
            for side in res.retest:
                fig, alt, text = rc.retest_figure(res, side)
                sec.add(*_gate(rc.retest_table(res, side), n=res.retest[side]["n"], k=k, caption=res.name(side),
                              name=f"retest_{side}"), text,
                        Figure(fig, alt=alt, name=f"bland_altman_{side}"))
            return sec
        if section_id == "comprehension":
            sec = Section("comprehension", h("comprehension"))
            if res.comprehension_run:
                sec.add(*_gate(rc.comprehension_table(res), n=min(res.n_a, res.n_b), k=k, name="comprehension"))
            else:
                sec.add(t("comparison.comprehension_off", L))
            return sec.add(f"### {h('burden')}", *_gate(rc.burden_table(res), n=min(res.n_a, res.n_b), k=k, name="burden"))
        if section_id == "cosmin":
            return Section("cosmin", h("cosmin")).add(*_gate(rc.cosmin_table(res), n=min(res.n_a, res.n_b), k=k,
                                                                   name="cosmin"),
                                                      rc.cosmin_sentences(res))
        raise ValueError(f"The comparison report has no section {section_id!r}; its sections are "
                         f"{', '.join(self.section_ids)}.")


# -- command line ------------------------------------------------------------------

def _cmd_compare(args: Any) -> int:
    """``dmkit compare``: validate parameters, run the notebook, one plain message on failure."""
    from evaluation.reports.protocol import run_report_command

    params = {
        "responses_a": args.responses_a, "instrument_a": args.instrument_a,
        "responses_b": args.responses_b, "instrument_b": args.instrument_b,
        "link_column": args.link_column, "retest_a": args.retest_a or "", "retest_b": args.retest_b or "",
        "crosswalk": args.crosswalk or "", "language": args.language, "output_dir": args.output_dir,
        "min_group_size": args.min_group_size, "mic": args.mic, "dif_group": args.dif_group or "",
        "mapping_a": args.mapping_a, "format_a": args.format_a, "mapping_b": args.mapping_b,
        "format_b": args.format_b,
    }
    return run_report_command(notebook=ComparisonReport.notebook, name="instrument_comparison", params=params,
                              validate=rc.validate_comparison_parameters, quiet=args.quiet, what="comparison",
                              kind="comparison", pdf=args.pdf, slides=args.slides)


def add_cli(subparsers: Any) -> None:
    """Register ``dmkit compare`` (called by :mod:`evaluation.cli`)."""
    s = subparsers.add_parser("compare", help="compare two instruments answered by the same respondents")
    s.add_argument("responses_a", help="export of the first instrument, e.g. data_samples/paired_dual_maturity.csv")
    s.add_argument("responses_b", help="export of the second instrument, e.g. data_samples/paired_public_dma.csv")
    s.add_argument("--instrument-a", required=True)
    s.add_argument("--instrument-b", required=True)
    s.add_argument("--link-column", default="respondent_id",
                   help="column linking the same respondent in both files, e.g. respondent_id")
    s.add_argument("--retest-a", help="retest export of the first instrument (optional), "
                   "e.g. data_samples/paired_dual_maturity_retest.csv")
    s.add_argument("--retest-b", help="retest export of the second instrument (optional), "
                   "e.g. data_samples/paired_public_dma_retest.csv")
    s.add_argument("--crosswalk", help="crosswalk YAML (default instruments/crosswalk.yaml), e.g. my_crosswalk.yaml")
    s.add_argument("--min-group-size", type=int, default=5)
    s.add_argument("--mic", type=float, default=0.0,
                   help="minimal important change in percentage points (0 = none), e.g. 10")
    s.add_argument("--dif-group", default="", help="column for cross-group invariance (DIF), e.g. role")
    s.add_argument("--language", "-l", default="sv")
    s.add_argument("--output-dir", "-o", default="reports/comparison")
    s.add_argument("--quiet", "-q", action="store_true")
    from evaluation.reports.protocol import add_output_options, add_read_options

    for side, which in (("a", "first"), ("b", "second")):
        add_read_options(s, side=side, what=f"the {which} instrument's exports (its retest too)")

    add_output_options(s, stem="instrument_comparison")
    s.set_defaults(func=_cmd_compare)


def _gate(frame: Any, *, n: int, k: int, caption: str = "", name: str = "") -> tuple:
    """A comparison table through the privacy gate: its first column names the rows (scores, instruments,
    classes: not values), the others stand on ``n`` respondents (one sample, the linked pairs or the retest
    pairs); below ``k`` they are shown as "–". Returns ``(Table,)`` or ``()`` when there is no table."""
    from evaluation.reports.psychometrics_tables import gated_table

    if frame is None or not len(frame):
        return ()
    first = frame.columns[0]
    counts = {c: float(n) for c in frame.columns}
    counts[first] = float("inf")  # row labels
    table = gated_table(frame, n=counts, min_group_size=k, caption=caption, name=name)
    return () if table is None else (table,)
