"""The psychometrics review on the one report protocol (:mod:`evaluation.reports.base`).

Summary first; then reliability, the items, the number of factors, the
intended structure (CFA), invariance across groups; the research sections
(aggregation, GRM item difficulty, ordinal invariance across rounds, DIF);
last, the items that may be hard to understand. The numbers come from
:func:`evaluation.reports.psychometrics.review_instrument` and
:func:`evaluation.reports.psychometrics_research.review_research`; the words
from :mod:`evaluation.text.psychometrics`; results.json is the kit's envelope
with language-free sections.

An organisation with fewer than ``min_group_size`` respondents gets a report
that says so and publishes no statistic, table or figure.

>>> from evaluation.reports import report_class
>>> cls = report_class("psychometrics")
>>> cls.section_ids[:3], cls.notebook
(('summary', 'reliability', 'items'), 'psychometrics.ipynb')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from evaluation.data.instruments import text
from evaluation.reports import psychometrics as ps
from evaluation.reports import psychometrics_research as psr
from evaluation.reports.base import Box, Figure, Parameter, Report, Section
from evaluation.reports.psychometrics_tables import _COLS, gated_table as _gated
from evaluation.text import psychometrics as tp
from evaluation.text.catalogue import register, t
from evaluation.text.format import escape_md

__all__ = ["PsychometricsReport", "PsychometricsAnalysis", "analyse_psychometrics"]

register("psychometrics", {
    "psychometrics.how_to_read": {
        "sv": ("Reliabilitet (alfa, omega) går från 0 till 1: ≥ 0,70 räcker för att jämföra grupper, ≥ 0,90 för "
               "beslut om enskilda. Ett 95 % konfidensintervall (KI) visar hur säkert värdet är. Anpassningsmåtten "
               "(CFI, TLI, RMSEA, SRMR) jämförs med Hu & Bentlers gränser. Grupper med färre än {k} svarande ingår "
               "inte i jämförelserna och inga siffror om dem visas (–)."),
        "en": ("Reliability (alpha, omega) runs from 0 to 1: ≥ 0.70 is enough to compare groups, ≥ 0.90 for "
               "decisions about individuals. A 95% confidence interval (CI) shows how certain a value is. The fit "
               "indices (CFI, TLI, RMSEA, SRMR) are judged against Hu & Bentler's cut-offs. Groups with fewer than "
               "{k} respondents are left out of the comparisons and no numbers about them are shown (–).")},
    "psychometrics.how_to_read.title": {"sv": "Så läser du rapporten", "en": "How to read this report"},
    "psychometrics.tiny": {
        "sv": ("Filen har {n} godkända svar, färre än {k}: för att ingen enskild svarande ska kunna pekas ut visar "
               "granskningen inga siffror, tabeller eller diagram. Samla fler svar (minst {k}; en psykometrisk "
               "granskning behöver i praktiken minst 100) och kör den igen."),
        "en": ("The file has {n} accepted responses, fewer than {k}: so that no single respondent can be singled "
               "out, the review shows no numbers, tables or figures. Collect more responses (at least {k}; a "
               "psychometric review needs at least 100 in practice) and run it again.")},
    "psychometrics.flagged": {"sv": "Markerade frågor", "en": "Flagged items"},
    "psychometrics.evidence": {"sv": "Markerade frågor med DIF och svårighet",
                               "en": "Flagged items with DIF and difficulty"},
})


@dataclass(frozen=True, eq=False)
class PsychometricsAnalysis:
    """The review's numbers: the classic review, the research sections, and whether the sample is too small.

    ``tiny``: fewer accepted respondents than ``min_group_size``; then ``review`` and ``research`` are None.
    """

    params: Any
    responses: Any
    review: Any
    research: Mapping[str, Any] | None
    tiny: bool

    @property
    def n(self) -> int:
        return int(self.responses.n_accepted)


def analyse_psychometrics(params: Any) -> PsychometricsAnalysis:
    """Read the export with the parameters' mapping/format and run the review and the research sections."""
    from evaluation.reports.protocol import read_export

    rs = read_export(params.responses, params.instrument, params)
    if rs.n_accepted < params.min_group_size:
        return PsychometricsAnalysis(params, rs, None, None, True)
    rev = ps.review_instrument(rs, group=params.group_column, language=params.language,
                               min_group_size=params.min_group_size, n_boot=params.n_boot)
    research = psr.review_research(rs, min_group_size=params.min_group_size, language=params.language,
                                   ml_fit=rev.results["cfa"].get("dimension"))
    return PsychometricsAnalysis(params, rs, rev, research, False)


#: results.json keys of the review that are the envelope's (or said by it) and so left out of ``sections``
_ENVELOPE_KEYS = ("schema_version", "report", "language")


class PsychometricsReport(Report):
    """A researcher's review of an instrument on one data set: reliability, items, structure, invariance."""

    kind = "psychometrics"
    gate_required = True  # every table passes evaluation.privacy.gate.publish (gated_table) with its counts
    notebook = "psychometrics.ipynb"
    parameters = (
        Parameter("responses", "str", "data_samples/solvik_2025.csv", "survey export (CSV/XLSX/SAV)"),
        Parameter("instrument", "str", "dual_maturity", "instrument id or path to its YAML"),
        Parameter("group_column", "str", "", 'optional: metadata column for measurement invariance, e.g. "role"'),
        Parameter("language", "str", "sv", 'report language: "sv" or "en"'),
        Parameter("min_group_size", "int", 5, "smallest group included in any comparison (privacy)"),
        Parameter("n_boot", "int", 1000, "bootstrap resamples for the omega intervals"),
        Parameter("output_dir", "str", "reports/psychometrics", "folder for HTML, results.json and the notebook"),
        Parameter("mapping", "str", "", "optional: mapping file for the export (dmkit validate --write-mapping); "
                                        "empty: FILE.mapping.yaml beside it, if any"),
        Parameter("format", "str", "", "optional: survey tool that wrote the file, e.g. netigate; empty: detected"),
    )
    section_ids = ("summary", "reliability", "items", "parallel", "cfa", "invariance") + psr.SECTION_IDS + (
        "comprehension",)

    @classmethod
    def check(cls, **params):
        return ps.validate_psychometrics_parameters(**params)

    def analyse(self):
        return analyse_psychometrics(self.params)

    def inputs(self) -> Mapping[str, str | None]:
        return {"responses": self.params.responses, "mapping": self.params.mapping or None}

    def register_inputs(self) -> list:
        rs = self.analysis.responses
        return [] if self.analysis.tiny else [(rs.instrument.id, rs, ("unit", "role", self.params.group_column))]

    def title(self) -> str:
        return ps._title(self.params.instrument, self.language)

    def sections_results(self) -> dict:
        a = self.analysis
        if a.tiny:
            return {"instrument": {"id": a.responses.instrument.id, "version": a.responses.instrument.version},
                    "respondents": {"rows_in": a.responses.n_rows_in, "accepted": a.n,
                                    "rejected": int(len(a.responses.rejected))},
                    "min_group_size": self.params.min_group_size, "suppressed": "too_few_respondents"}
        out = {k: v for k, v in a.review.results.items() if k not in _ENVELOPE_KEYS}
        out["research"] = psr.research_results(a.research, comprehension=a.review.comprehension)
        return out

    def board(self) -> list[dict]:
        """One slide: the summary's paragraphs (data, reliability, factors, structure, invariance)."""
        if self.analysis.tiny:
            return []
        paras = [p.strip() for p in tp.summary_markdown(self.analysis.review).split("\n\n") if p.strip()]
        return [{"title": tp.headings(self.language)["summary"], "message": paras[0], "bullets": paras[1:]}]

    def _heading(self) -> str:
        inst = self.analysis.responses.instrument
        return tp.headings(self.language)["title"].format(inst=escape_md(text(inst.title, self.language)))

    @staticmethod
    def _smallest_invariance_group(rev: Any, default: int) -> int:
        """Respondents in the smallest group the invariance models were fitted on (``default`` if unknown)."""
        g = rev.invariance_groups or {}
        col, included = g.get("group_column"), list(g.get("included") or [])
        if not col or col not in rev.responses.meta.columns or not included:
            return default
        sizes = rev.responses.meta[col].value_counts()
        return int(min(sizes.get(x, 0) for x in included))

    def section(self, section_id: str) -> Section | None:
        a, L = self.analysis, self.language
        if section_id not in self.section_ids:
            raise ValueError(f"The psychometrics report has no section {section_id!r}; its sections are "
                             f"{', '.join(self.section_ids)}.")
        H = tp.headings(L)
        if a.tiny:
            if section_id != "summary":
                return None
            return Section("summary", self._heading(), level=1).add(
                t("psychometrics.tiny", L, n=a.n, k=self.params.min_group_size))
        rev = a.review
        if section_id == "summary":
            return Section("summary", self._heading(), level=1).add(
                f"## {H['summary']}\n\n" + tp.summary_markdown(rev),
                Box(t("psychometrics.how_to_read.title", L), t("psychometrics.how_to_read", L,
                                                                  k=self.params.min_group_size)))
        k = self.params.min_group_size
        if section_id == "reliability":
            r = rev.reliability
            C = _COLS[L]
            n_rel = {C[c]: r["n_alpha"].to_numpy() for c in ("n_alpha", "alpha", "alpha_ci_low", "alpha_ci_high",
                                                              "ordinal_alpha") if c in r.columns}
            n_rel.update({C[c]: r["n_omega"].to_numpy() for c in ("n_omega", "omega", "omega_ci_low", "omega_ci_high")
                          if c in r.columns})
            return Section("reliability", H["reliability"]).add(
                tp.reliability_markdown(rev),
                Figure(ps.reliability_plot(rev.reliability, language=L), alt=tp.reliability_alt(rev),
                       name="reliability"),
                _gated(ps.reliability_display(rev), n=n_rel, min_group_size=k, name="reliability"))
        n_all = len(rev.responses.answers)
        if section_id == "items":
            C = _COLS[L]
            n_items = {c: rev.items["n"].to_numpy() for c in ps.item_display(rev).columns}
            n_items[C["missing_share"]] = n_all  # a share of everyone asked
            return Section("items", H["items"]).add(
                tp.items_markdown(rev), _gated(ps.item_display(rev), n=n_items, min_group_size=k, name="items"))
        if section_id == "parallel":
            return Section("parallel", H["parallel"]).add(
                tp.parallel_markdown(rev),
                Figure(ps.scree_plot(rev.parallel, rev.parallel_fa, language=L), alt=tp.scree_alt(rev), name="scree"))
        if section_id == "cfa":
            level = "category" if "category" in rev.cfa else "dimension"
            n_cfa = min((int(getattr(c, "n", n_all)) for c in rev.cfa.values()), default=n_all)  # fitted on them
            return Section("cfa", H["cfa"]).add(
                tp.cfa_markdown(rev), _gated(ps.fit_display(rev), n=n_cfa, min_group_size=k, name="fit"),
                f"### {H['correlations']}",
                _gated(ps.factor_correlation_display(rev, level), n=n_cfa, min_group_size=k,
                       name="factor_correlations"),
                f"### {H['loadings']}",
                _gated(ps.loadings_display(rev, level), n=n_cfa, min_group_size=k, name="loadings"))
        if section_id == "invariance":
            sec = Section("invariance", H["invariance"]).add(tp.invariance_markdown(rev))
            if rev.invariance:
                n_inv = self._smallest_invariance_group(rev, n_all)  # a multi-group fit stands on each group
                sec.add(_gated(ps.invariance_display(rev, "fit"), n=n_inv, min_group_size=k, name="invariance_fit"),
                        _gated(ps.invariance_display(rev, "change"), n=n_inv, min_group_size=k,
                               name="invariance_change"))
            return sec
        if section_id in psr.SECTION_IDS:
            return a.research[section_id].section
        # comprehension
        sec = Section("comprehension", H["comprehension"]).add(tp.comprehension_markdown(rev))
        flagged = tp.flagged_markdown(rev)
        if flagged:
            sec.add(f"### {t('psychometrics.flagged', L)}", flagged)
        evidence = psr.comprehension_evidence_table(rev.comprehension, a.research, language=L,
                                                    min_group_size=self.params.min_group_size)
        if evidence is not None:
            sec.add(f"### {t('psychometrics.evidence', L)}", evidence)
        return sec

